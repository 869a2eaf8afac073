import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { adbServerAddress, createAdbClient } from '../device/android/adbServer.js';
import { checkUsbmuxd, listUsbmuxdPhones, parseUsbmuxdAddress } from '../device/ios/phone.js';
import { describeAdbError } from '../platform/android/connect.js';
import { USBMUXD_MISSING_HELP } from '../platform/ios/connect.js';
import { defaultRulesDir, loadRulePacks } from '../rules/load.js';
import { stateHelp } from '../scan/pickDevice.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

interface Check {
  ok: boolean | 'warn';
  title: string;
  detail?: string;
  /** a phone that can be scanned now (adb "device", an iPhone paired with this computer) */
  ready?: true;
}

/** The last line: ready or not, and how many things to fix. */
export function doctorVerdict(checks: readonly Check[]): string {
  const fix = checks.filter((c) => c.ok === false).length;
  const ready = checks.filter((c) => c.ready).length;
  if (fix > 0)
    return `${fix} thing${fix === 1 ? '' : 's'} to fix before a scan (marked FAIL above).`;
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
      checks.push({
        ok: adbOk ? true : 'warn',
        title: adbOk ? `adb found: ${adb.stdout.split('\n')[0]?.trim()}` : 'adb is not installed',
        detail: adbOk
          ? undefined
          : 'Android phones are read through adb. Install it: Debian/Ubuntu "sudo apt install adb", macOS "brew install android-platform-tools", Windows: Android SDK Platform-Tools.',
      });

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
        checks.push({
          ok: false,
          title: 'adb server',
          detail: describeAdbError(e, 'the adb server'),
        });
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

      for (const c of checks) {
        const mark = c.ok === true ? 'ok  ' : c.ok === 'warn' ? 'note' : 'FAIL';
        // titles and details quote adb, the adb server and the phones it lists
        ctx.stdout.write(`[${mark}] ${forTerminal(c.title, { maxLength: 1000 })}\n`);
        if (c.detail && c.ok !== true) {
          ctx.stdout.write(`       ${forTerminal(c.detail, { maxLength: 1000 })}\n`);
        }
      }
      ctx.stdout.write(`\n${doctorVerdict(checks)}\n`);
      ctx.exit(checks.some((c) => c.ok === false) ? EXIT.error : EXIT.ok);
    });
}

/**
 * iPhones: is usbmuxd there (checked on its socket), which iPhones it sees,
 * and whether it holds a pair record for each. Only usbmuxd is asked
 * (ListDevices, ReadPairRecord): nothing is sent to any iPhone.
 */
async function iphoneChecks(env: NodeJS.ProcessEnv): Promise<Check[]> {
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
