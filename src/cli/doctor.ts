import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { stateHelp } from '../scan/pickDevice.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

export interface Check {
  ok: boolean | 'warn';
  title: string;
  /** what to do, one line, or several (indented lines keep their indent) */
  detail?: string | readonly string[];
  /** a phone that can be scanned now (adb "device", an iPhone paired with this computer) */
  ready?: true;
  /** only Android phones need this fixed (iPhones are read without adb) */
  androidOnly?: true;
}

/** The last line: ready or not, and how many things to fix. */
export function doctorVerdict(checks: readonly Check[]): string {
  const fails = checks.filter((c) => c.ok === false);
  const fix = fails.length;
  const ready = checks.filter((c) => c.ready).length;
  if (fix > 0) {
    const things = `${fix} thing${fix === 1 ? '' : 's'} to fix`;
    const readyNow =
      ready > 0
        ? ` ${ready} phone${ready === 1 ? '' : 's'} can be read now ("spycheck scan").`
        : '';
    if (fails.every((c) => c.androidOnly))
      return `${things} before an Android phone can be scanned (marked FAIL above). iPhones do not need ${fix === 1 ? 'it' : 'them'}.${readyNow}`;
    return `${things} before a scan (marked FAIL above).${readyNow}`;
  }
  if (ready > 0)
    return `Ready to scan: ${ready} phone${ready === 1 ? '' : 's'} can be read now ("spycheck scan").`;
  return 'Ready to scan once a phone is connected, unlocked and trusts this computer (see the notes above).';
}

/** Checks the set-up, in the order a caseworker would fix things. Reads nothing from a phone but its state. */
export function doctorCommand(ctx: CliContext): Command {
  return new Command('doctor')
    .description(
      'Check that this computer is ready to scan phones, and explain how to fix what is not',
    )
    .action(async () => {
      // loaded when the checks run, not at start-up; one module at a time (see ./platforms.ts)
      const { adbServerAddress, createAdbClient } = await import('../device/android/adbServer.js');
      const { describeAdbError } = await import('../platform/android/connect.js');
      const { defaultRulesDir, loadRulePacks } = await import('../rules/load.js');
      const checks: Check[] = [];
      const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
      checks.push({
        ok: major > 20 || (major === 20 && minor >= 19),
        title: `Node.js ${process.versions.node}`,
        detail: 'spycheck needs Node.js 20.19 or newer.',
      });

      const adb = spawnSync(ctx.env.SPYCHECK_ADB_BIN || 'adb', ['version'], {
        encoding: 'utf8',
        timeout: 5000,
      });
      const adbOk = adb.status === 0;
      const adbCheck: Check = adbOk
        ? { ok: true, title: `adb found: ${adb.stdout.split('\n')[0]?.trim()}` }
        : {
            ok: false,
            androidOnly: true,
            title:
              'adb is not installed. Android phones cannot be checked without it (iPhones can).',
            detail: adbInstallSteps(process.platform),
          };
      checks.push(adbCheck);

      try {
        const address = adbServerAddress(ctx.env);
        const client = createAdbClient(
          address,
          adbOk ? ctx.env.SPYCHECK_ADB_BIN || 'adb' : '/bin/false',
        );
        const version = await client.version();
        checks.push({
          ok: true,
          title: `adb server answers at ${address.host}:${address.port} (version ${version})`,
        });
        const devices = await client.listDevices();
        if (devices.length === 0) {
          checks.push({
            ok: 'warn',
            title: 'No phone connected',
            detail:
              'On the phone: Settings > About phone > tap "Build number" 7 times, then Settings > System > Developer options > turn on "USB debugging". Connect the cable, unlock the phone and tap "Allow". On Linux you may need a udev rule (package "android-sdk-platform-tools-common").',
          });
        }
        for (const d of devices) {
          checks.push({
            ok: d.type === 'device' ? true : 'warn',
            title: `Phone ${forTerminal(d.id)}: ${forTerminal(d.type)}`,
            detail: stateHelp(d.type),
            ...(d.type === 'device' ? { ready: true as const } : {}),
          });
        }
      } catch (e) {
        // with adb missing, no server is the same problem: it is already counted above
        if (adbOk)
          checks.push({
            ok: false,
            androidOnly: true,
            title: 'adb server',
            detail: describeAdbError(e, 'the adb server'),
          });
      }
      // an adb server answers without adb here (ADB_SERVER_SOCKET names another computer):
      // Android phones can be read through it, so a missing adb is only a note
      if (!adbOk && checks.some((c) => c.title.startsWith('adb server answers'))) {
        adbCheck.ok = 'warn';
        adbCheck.title =
          'adb is not installed here, but an adb server answers, so Android phones can be read through it';
      }

      checks.push(...(await iphoneChecks(ctx.env)));

      try {
        const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
        checks.push({
          ok: errors.length === 0,
          title: `Rule packs: ${packs.length} loaded${errors.length ? `, ${errors.length} problems` : ''}`,
          detail: errors.length ? 'Run "spycheck rules validate" to see the problems.' : undefined,
        });
      } catch (e) {
        checks.push({ ok: false, title: 'Rule packs', detail: String(e) });
      }

      ctx.stdout.write(doctorText(checks));
      ctx.exit(checks.some((c) => c.ok === false) ? EXIT.error : EXIT.ok);
    });
}

/** Every check with its mark and, for those not ok, what to do; then the verdict. */
export function doctorText(checks: readonly Check[]): string {
  let out = '';
  for (const c of checks) {
    const mark = c.ok === true ? 'ok  ' : c.ok === 'warn' ? 'note' : 'FAIL';
    // titles and details quote adb, the adb server and the phones it lists
    out += `[${mark}] ${forTerminal(c.title, { maxLength: 1000 })}\n`;
    if (!c.detail || c.ok === true) continue;
    const lines = typeof c.detail === 'string' ? [c.detail] : c.detail;
    for (const line of lines) {
      const indent = /^ */.exec(line)?.[0] ?? '';
      const text = withoutDoctorAdvice(line.slice(indent.length));
      if (text) out += `       ${indent}${forTerminal(text, { maxLength: 1000 })}\n`;
    }
  }
  return `${out}\n${doctorVerdict(checks)}\n`;
}

/**
 * Advice shared with other commands may say to run "spycheck doctor": inside
 * doctor's own output that sends the reader round in a circle, so the
 * sentence is left out.
 */
export function withoutDoctorAdvice(text: string): string {
  return text
    .split(/(?<=[.!?])\s+/)
    .filter((sentence) => !/spycheck doctor/i.test(sentence))
    .join(' ')
    .trim();
}

const PLATFORM_TOOLS_URL = 'https://developer.android.com/tools/releases/platform-tools';

/** How to install adb, for the kind of computer this is first, then the others. */
export function adbInstallSteps(platform: NodeJS.Platform): string[] {
  const windows = [
    'Windows:',
    `  1. Download "SDK Platform-Tools for Windows" from ${PLATFORM_TOOLS_URL}`,
    '  2. Unzip it, for example to C:\\platform-tools',
    '  3. Add that folder to PATH: Start > type "environment variables" > Edit the system environment variables > Environment Variables > Path > Edit > New',
    '  Or in a terminal: winget install Google.PlatformTools',
    '  Then open a new terminal window, so the new PATH is used.',
  ];
  const mac = [
    'macOS:',
    '  brew install android-platform-tools   (Homebrew: https://brew.sh)',
    `  or download "SDK Platform-Tools for Mac" from ${PLATFORM_TOOLS_URL}`,
  ];
  const linux = [
    'Linux:',
    '  Debian or Ubuntu: sudo apt install adb',
    '  Fedora: sudo dnf install android-tools',
  ];
  const order =
    platform === 'win32'
      ? [windows, mac, linux]
      : platform === 'darwin'
        ? [mac, windows, linux]
        : [linux, windows, mac];
  return ['Install adb (Android platform-tools):', ...order.flat()];
}

/**
 * iPhones: is usbmuxd there (checked on its socket), which iPhones it sees,
 * and whether it holds a pair record for each. Only usbmuxd is asked
 * (ListDevices, ReadPairRecord): nothing is sent to any iPhone.
 */
async function iphoneChecks(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const { checkUsbmuxd, listUsbmuxdPhones, parseUsbmuxdAddress } = await import(
    '../device/ios/phone.js'
  );
  const { USBMUXD_MISSING_HELP } = await import('../platform/ios/connect.js');
  const given = env.USBMUXD_SOCKET_ADDRESS?.trim();
  const address = parseUsbmuxdAddress(given);
  const shown = `${'path' in address ? address.path : `${address.host}:${address.port}`}${given ? ' (from USBMUXD_SOCKET_ADDRESS)' : ''}`;
  const socketAddress = given || `UNIX:${shown}`;
  const checks: Check[] = [];
  try {
    await checkUsbmuxd({ socketAddress });
  } catch {
    return [
      {
        ok: 'warn',
        title:
          'usbmuxd is not running, so iPhones cannot be seen (Android phones are not affected)',
        detail: `Nothing answers at ${shown}. ${USBMUXD_MISSING_HELP}`,
      },
    ];
  }
  checks.push({ ok: true, title: `usbmuxd answers at ${shown}` });
  try {
    const phones = await listUsbmuxdPhones({ socketAddress });
    if (phones.length === 0) {
      checks.push({
        ok: 'warn',
        title: 'No iPhone connected',
        detail:
          'To check an iPhone: connect it with a cable, unlock it and tap "Trust This Computer" when it asks.',
      });
    }
    for (const p of phones) {
      const how =
        p.connection === 'USB' ? 'cable' : p.connection === 'Network' ? 'Wi-Fi' : p.connection;
      checks.push({
        ok: p.paired ? true : 'warn',
        title: `iPhone ${p.udid} (${how}): ${p.paired ? 'paired with this computer' : 'not paired with this computer'}`,
        detail: p.paired ? undefined : stateHelp('not paired'),
        ...(p.paired ? { ready: true as const } : {}),
      });
    }
  } catch (e) {
    checks.push({
      ok: 'warn',
      title: 'usbmuxd did not list the iPhones',
      detail: e instanceof Error ? e.message : String(e),
    });
  }
  return checks;
}
