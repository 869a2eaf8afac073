import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { PURPOSES, type Purpose } from '../model/purpose.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import type { Baseline } from '../scan/baseline.js';
import type { LoadedRules } from '../scan/loadRules.js';
import type { ScanHooks, ScanPhoneOptions, ScanResult } from '../scan/scanPhone.js';
import { forTerminal } from '../util/sanitize.js';
import { resolveCaseDetails } from './caseDetails.js';
import type { CliContext } from './context.js';
import { withoutDoctorAdvice } from './doctor.js';
import { type CommandOutcome, exitCodeFor } from './exitCode.js';
import {
  type AndroidPlatform,
  type AnyPlatform,
  type IosPlatform,
  loadPlatform,
} from './platforms.js';
import { interruptHandling } from './scanInterrupts.js';
import { progressPrinter } from './scanProgress.js';

export { REPORT_FORMATS, type ReportFormat };

export function parseFormats(value: string): ReportFormat[] {
  const list = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const f of list) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
      throw new InvalidArgumentError(
        `"${f}" is not a report format. Use: ${REPORT_FORMATS.join(', ')}.`,
      );
    }
  }
  if (list.length === 0) throw new InvalidArgumentError('give at least one format');
  return [...new Set(list)] as ReportFormat[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function scanCommand(ctx: CliContext): Command {
  return new Command('scan')
    .description(
      'Read a connected phone (without changing it) and write a report and evidence bundle',
    )
    .option('--serial <id>', 'which phone to scan when more than one is connected')
    .addOption(
      new Option(
        '--platform <platform>',
        'phone type (default: the kind of phone connected, or of the --demo phone)',
      ).choices(['android', 'ios']),
    )
    .option('--out <dir>', 'where to write the evidence bundle (a new folder)')
    .option('--format <list>', 'reports to write: text,html,pdf,evidence,json', parseFormats, [
      ...REPORT_FORMATS,
    ])
    .option('--case <ref>', 'case reference for the evidence record')
    .option('--examiner <name>', 'name of the person running the check')
    .option('--consent', 'the person who uses this phone has agreed to this check')
    .option('--rules <path>', 'add a rule pack (file or folder); can be repeated', collect, [])
    .option('--no-default-rules', 'do not use the rule packs that come with spycheck')
    .option(
      '--demo [profile]',
      'scan a built-in simulated phone (default: infected-a12; iPhones: ios-clean, ios-infected…)',
    )
    .option(
      '--guided',
      'with --demo: practise the whole check, answering the questions a real scan asks (case reference, your name, consent)',
    )
    .option(
      '--hash-all-apps',
      'Android: also fingerprint every app from an app store, on the phone (for the evidence record; slow: about 1 s per 10 apps)',
    )
    .option(
      '--baseline <bundle>',
      'an earlier check of this phone: the report says what changed since then',
    )
    .addOption(
      new Option(
        '--purpose <purpose>',
        'second-phone: a stricter reading for a phone that must stay secret',
      ).choices([...PURPOSES]),
    )
    .option('--open', 'open the report in the web browser when the scan is done')
    .option('--json', 'print findings.json on stdout (and nothing else)')
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit with code 4 when a finding this severe or worse is found',
      ).choices(SEVERITIES.filter((s) => s !== 'info')),
    )
    .action(async (opts: ScanCliOptions) => {
      const usage = guidedUsage(ctx, opts);
      if (usage) {
        ctx.stderr.write(`${usage}\n`);
        ctx.exit(exitCodeFor({ stopped: 'usage' }));
        return;
      }
      // the earlier check is read and verified before any phone is asked anything
      let baseline: Baseline | undefined;
      if (opts.baseline) {
        const { readBaseline } = await import('../scan/baseline.js');
        const read = await readBaseline(resolve(opts.baseline), ctx.env);
        if (!read.ok) {
          ctx.stderr.write(`${forTerminal(read.message, { maxLength: 1200 })}\n`);
          ctx.exit(exitCodeFor({ stopped: 'usage' }));
          return;
        }
        baseline = read.baseline;
      }
      if (opts.guided)
        ctx.stderr.write(
          'Practice run: spycheck asks the same questions as before a real scan, then checks a simulated phone. No real phone is read.\n',
        );
      // before anything slow (the adb server may take seconds to start)
      ctx.stderr.write(
        opts.demo ? 'Connecting to the simulated phone…\n' : 'Connecting to the phone…\n',
      );
      // The scan's code is loaded here, one module at a time (see ./platforms.ts); the rule
      // packs then load while the phone's transport is reached (a real phone's packs are
      // known before it is), and are awaited before consent and before the phone is read.
      const { loadRulesEarly } = await import('../scan/scanPhone.js');
      let rulesLoading: Promise<LoadedRules> | undefined;
      const chosen = await choosePlatform(ctx.env, opts, () => {
        rulesLoading = loadRulesEarly(opts);
      });
      if ('message' in chosen) {
        ctx.stderr.write(`${chosen.message}\n`);
        ctx.exit(exitCodeFor({ stopped: chosen.problem }));
        return;
      }
      ctx.exit(await runScan(ctx, opts, chosen.platform, rulesLoading, baseline));
    });
}

/** `--guided` is practice on a simulated phone, answered at a terminal. */
function guidedUsage(ctx: CliContext, opts: ScanCliOptions): string | undefined {
  if (!opts.guided) return undefined;
  if (!opts.demo)
    return '--guided is for practice, with --demo. A real scan already asks for the case reference, your name and consent.';
  if (!ctx.interactive)
    return 'spycheck scan --demo --guided asks questions, so it needs a terminal window to type the answers in. Run it in a terminal, or leave out --guided.';
  return undefined;
}

/**
 * Which phone family to read: `--platform`, else the demo profile's, else the
 * family of the one connected phone (or of `--serial`). Only the transports
 * are asked (adb's device list, usbmuxd's): nothing goes to a phone. A family's
 * code is loaded only when it is needed; `loaded` is called once the code for
 * a real phone is (before any transport is asked).
 */
async function choosePlatform(
  env: NodeJS.ProcessEnv,
  opts: ScanCliOptions,
  loaded: () => void = () => {},
): Promise<{ platform: AnyPlatform } | { problem: 'usage' | 'error'; message: string }> {
  if (typeof opts.demo === 'string') {
    const { demoPlatformOf } = await import('../sim/demoPlatform.js');
    const own = demoPlatformOf(opts.demo);
    if (opts.platform && opts.platform !== own)
      return {
        problem: 'usage',
        message: `The simulated phone "${forTerminal(opts.demo)}" is ${own === 'ios' ? 'an iPhone' : 'an Android phone'}; leave out --platform or choose ${own}.`,
      };
    return { platform: await loadPlatform(own) };
  }
  if (opts.demo) return { platform: await loadPlatform(opts.platform ?? 'android') };
  if (opts.platform) {
    const platform = await loadPlatform(opts.platform);
    loaded();
    return { platform };
  }
  // one family's code at a time (never two imports at once), then the transports are asked
  const android = await loadPlatform('android');
  const ios = await loadPlatform('ios');
  const { listPhones } = await import('../scan/listPhones.js');
  loaded();
  const byId = { android, ios } as const;
  const families = await listPhones([android, ios], env);
  const found = families.flatMap((f) =>
    f.devices
      .filter((d) => !opts.serial || d.serial === opts.serial)
      .map((d) => ({ platform: f.platform, serial: d.serial })),
  );
  const kinds = new Set(found.map((f) => f.platform));
  if (kinds.size === 1) return { platform: byId[found[0]!.platform] };
  if (kinds.size === 0) {
    // nothing anywhere: say what each kind of phone needs, including a missing usbmuxd
    const iosNote = families.find((f) => f.platform === 'ios')?.note;
    const androidNote = families.find((f) => f.platform === 'android')?.note;
    if (!iosNote) return { platform: android };
    return {
      problem: 'error',
      message: [
        opts.serial
          ? `No phone with the id "${forTerminal(opts.serial)}" is connected.`
          : 'No phone found.',
        // each note may end by pointing at doctor: said once, at the end
        `Android phones: ${androidNote ? forTerminal(withoutDoctorAdvice(androidNote), { maxLength: 600 }) : 'check the USB cable, unlock the phone and make sure USB debugging is on (Settings > Developer options).'}`,
        `iPhones: ${forTerminal(withoutDoctorAdvice(iosNote), { maxLength: 600 })}`,
        'Run "spycheck doctor" for help.',
      ].join('\n'),
    };
  }
  return {
    problem: 'usage',
    message: `An Android phone and an iPhone are both connected. Choose one with --serial:\n${found
      .map((f) => `  ${forTerminal(f.serial)}  ${f.platform === 'ios' ? 'iPhone' : 'Android'}`)
      .join('\n')}`,
  };
}

/** Runs the scan use case and turns what it returns into words, files on stdout and an exit code. */
async function runScan(
  ctx: CliContext,
  opts: ScanCliOptions,
  platform: AnyPlatform,
  rulesLoading?: Promise<LoadedRules>,
  baseline?: Baseline,
) {
  const { scanPhone } = await import('../scan/scanPhone.js');
  const { printScanSummary } = await import('./scanSummary.js');
  const printer = progressPrinter(ctx.stderr, { live: ctx.liveProgress === true });
  const say = (s: string): void => printer.line(s);
  const json = opts.json === true;
  const interrupt = interruptHandling(say);
  let result: ScanResult;
  try {
    const given = { caseRef: opts.case, examiner: opts.examiner, consent: opts.consent };
    const options: ScanPhoneOptions = {
      serial: opts.serial,
      out: opts.out,
      formats: opts.format,
      ...given,
      rules: opts.rules,
      defaultRules: opts.defaultRules,
      demo: opts.demo,
      ...(opts.guided ? { guided: true } : {}),
      ...(opts.hashAllApps ? { hashAllApps: true } : {}),
      ...(opts.purpose ? { purpose: opts.purpose } : {}),
      ...(baseline ? { baseline } : {}),
      env: ctx.env,
      askCaseDetails: () => resolveCaseDetails(ctx, given, ctx.stdin),
      ...(rulesLoading ? { rulesLoading } : {}),
    };

    const hooks: ScanHooks = {
      signal: interrupt.signal,
      onProgress: (p) => {
        interrupt.follow(p);
        if (p.kind === 'status') say(p.message);
        else if (p.kind === 'step') printer.step(p.message);
        else if (p.kind === 'count') printer.count(p);
        else if (p.phase === 'judging' || p.phase === 'done') printer.end();
      },
    };
    result =
      platform.id === 'ios'
        ? await scanPhone(platform as IosPlatform, options, hooks)
        : await scanPhone(platform as AndroidPlatform, options, hooks);
  } finally {
    interrupt.release();
    printer.end();
  }

  const outcome = ((): CommandOutcome => {
    switch (result.status) {
      case 'not-read':
        say(result.message);
        return { stopped: result.problem };
      case 'no-consent':
        say(
          ctx.interactive
            ? 'spycheck only reads a phone when the person who uses it has agreed. Nothing was read. Explain what the check reads (apps, settings and accounts on the phone; never messages, photos or contacts) and run the scan again when they agree.'
            : 'spycheck only reads a phone when the person who uses it has agreed. Nothing was read. Add --consent once they have agreed to this check.',
        );
        return { stopped: 'usage' };
      case 'not-saved':
        say(result.message);
        if (json) ctx.stdout.write(`${JSON.stringify(result.findings, null, 2)}\n`);
        return { stopped: 'error' };
      case 'saved':
        for (const w of result.warnings) say(`Warning: ${forTerminal(w, { maxLength: 400 })}`);
        if (json) ctx.stdout.write(`${JSON.stringify(result.findings, null, 2)}\n`);
        printScanSummary(ctx, {
          snapshot: result.snapshot,
          findings: result.findings,
          bundleDir: result.bundleDir,
          stats: result.stats,
          rules: result.rules,
          toStderr: json,
        });
        if (result.notReady) say(`\n${result.notReady.message}`);
        return {
          complete: result.complete,
          findings: result.findings,
          ...(result.notReady ? { notReady: result.notReady.reason } : {}),
        };
    }
  })();
  if (opts.open && result.status === 'saved') await openReport(ctx, result.bundleDir, say);
  return exitCodeFor(outcome, opts.failOn);
}

/** `--open`: the HTML report in the browser. A failure is one line; the exit code stays the scan's. */
async function openReport(
  ctx: CliContext,
  bundleDir: string,
  say: (s: string) => void,
): Promise<void> {
  const file = join(bundleDir, 'report.html');
  const shown = forTerminal(file, { maxLength: 600 });
  if (!existsSync(file)) {
    say('There is no HTML report to open (add html to --format to write one).');
    return;
  }
  if (!ctx.openFile) {
    say(`Could not open the report from here. Open this file yourself: ${shown}`);
    return;
  }
  try {
    await ctx.openFile(file);
    say('Opening the report in your web browser.');
  } catch (e) {
    const why = forTerminal(e instanceof Error ? e.message : String(e), { maxLength: 200 });
    say(`Could not open the report in a web browser: ${why}. Open this file yourself: ${shown}`);
  }
}

interface ScanCliOptions {
  serial?: string;
  platform?: 'android' | 'ios';
  out?: string;
  format: ReportFormat[];
  case?: string;
  examiner?: string;
  consent?: boolean;
  rules: string[];
  defaultRules: boolean;
  demo?: string | boolean;
  guided?: boolean;
  hashAllApps?: boolean;
  baseline?: string;
  purpose?: Purpose;
  open?: boolean;
  json?: boolean;
  failOn?: Exclude<Severity, 'info'>;
}
