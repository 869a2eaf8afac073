import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeSnapshot } from '../analyze/analyze.js';
import { isComplete } from '../analyze/blindSpots.js';
import { compileRules } from '../analyze/compile.js';
import { type FindingsDoc, SEVERITIES, type Severity } from '../analyze/types.js';
import { type CliContext, EXIT, type ExitCode } from '../cli/context.js';
import type { ReportFormat } from '../cli/scan.js';
import { printScanSummary } from '../cli/scanSummary.js';
import { collectAndroid } from '../device/android/collector.js';
import { phoneOptionsFromEnv, ReadOnlyAndroidPhone } from '../device/android/phone.js';
import { BundleExistsError, writeBundle } from '../report/bundle.js';
import { loadOrCreateSigningKey, type SigningKey } from '../report/keys.js';
import { defaultRulesDir, formatRuleError, loadRulePacks, type RulePack } from '../rules/load.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../snapshot/android.js';
import type { AndroidSnapshot } from '../snapshot/types.js';
import { toolInfo } from '../util/packageRoot.js';
import { forTerminal } from '../util/sanitize.js';
import { resolveCaseDetails } from './caseDetails.js';
import { connectAdb } from './connect.js';
import { pickDevice } from './pickDevice.js';

export interface ScanOptions {
  serial?: string;
  out?: string;
  formats: ReportFormat[];
  caseRef?: string;
  examiner?: string;
  consent?: boolean;
  rules: string[];
  defaultRules: boolean;
  demo?: string | boolean;
  json: boolean;
  failOn?: Exclude<Severity, 'info'>;
}

/** The exit code contract (DESIGN.md): one pure function decides it. */
export function exitCodeFor(
  result: { complete: boolean; findings: FindingsDoc },
  failOn?: Exclude<Severity, 'info'>,
): ExitCode {
  if (!result.complete) return EXIT.incomplete;
  // SEVERITIES runs from most to least severe
  const worse = (s: Severity) => SEVERITIES.indexOf(s) <= SEVERITIES.indexOf(failOn ?? 'high');
  if (failOn && result.findings.findings.some((f) => worse(f.severity))) {
    return EXIT.failOn;
  }
  return EXIT.ok;
}

export async function loadScanRules(
  ctx: CliContext,
  opts: { rules: string[]; defaultRules: boolean; extra?: string[] },
): Promise<RulePack[] | undefined> {
  const paths = [
    ...(opts.defaultRules ? [defaultRulesDir()] : []),
    ...opts.rules.map((p) => resolve(p)),
    ...(opts.extra ?? []),
  ];
  if (paths.length === 0) {
    ctx.stderr.write('No rule packs to use: --no-default-rules needs at least one --rules PATH.\n');
    return undefined;
  }
  const { packs, errors } = await loadRulePacks(paths);
  if (errors.length > 0) {
    ctx.stderr.write(
      'A rule pack is broken, so spycheck stopped before reading the phone. Fix or remove the pack and try again:\n',
    );
    for (const e of errors.slice(0, 20)) ctx.stderr.write(`  ${formatRuleError(e)}\n`);
    if (errors.length > 20) ctx.stderr.write(`  … and ${errors.length - 20} more problems\n`);
    return undefined;
  }
  return packs;
}

export async function runScan(ctx: CliContext, opts: ScanOptions): Promise<ExitCode> {
  const say = (s: string): void => {
    ctx.stderr.write(`${s}\n`);
  };

  // Rules first: a broken pack must stop us before we touch the phone.
  const demoName = opts.demo ? (typeof opts.demo === 'string' ? opts.demo : undefined) : undefined;
  const conn = await connectAdb(ctx, opts.demo ? (demoName ?? true) : undefined);
  if (!conn.ok) {
    say(conn.message);
    return EXIT.error;
  }
  try {
    const trainingPack = conn.demoProfileDir
      ? join(conn.demoProfileDir, 'training-pack')
      : undefined;
    const packs = await loadScanRules(ctx, {
      rules: opts.rules,
      defaultRules: opts.defaultRules,
      extra: trainingPack && existsSync(trainingPack) ? [trainingPack] : [],
    });
    if (!packs) return EXIT.error;
    const compiled = compileRules(packs);

    let devices: Awaited<ReturnType<typeof conn.listDevices>>;
    try {
      // no command goes to a phone before consent: listing asks the phones nothing
      devices = await conn.listDevices();
    } catch (e) {
      say(conn.describeError(e));
      return EXIT.error;
    }
    const pick = pickDevice(devices, opts.serial);
    if (!pick.ok) {
      say(pick.message);
      return pick.usage ? EXIT.usage : EXIT.error;
    }

    const caseDetails = conn.demoProfile
      ? {
          ref: opts.caseRef ?? 'DEMO',
          examiner: opts.examiner ?? 'demo',
          consent: opts.consent ?? true,
        }
      : await resolveCaseDetails(ctx, opts);
    if (!caseDetails.consent) {
      say(
        ctx.interactive
          ? 'spycheck only reads a phone when its owner has agreed. Nothing was read. Explain what the check reads (apps, settings and accounts on the phone; never messages, photos or contacts) and run the scan again when they agree.'
          : 'spycheck only reads a phone when its owner has agreed. Nothing was read. Add --consent once the owner has agreed to this check.',
      );
      return EXIT.usage;
    }
    // Everything that could stop the bundle being written is checked now,
    // before the phone is read: the folder and the signing key.
    const outDir = resolve(
      opts.out ?? defaultBundleDir(new Date().toISOString(), pick.device.serial),
    );
    const ready = prepareBundleDir(outDir);
    if (ready) {
      say(ready);
      return EXIT.usage;
    }
    let key: SigningKey;
    try {
      key = loadOrCreateSigningKey(ctx.env);
    } catch (e) {
      say(`Could not load this computer's signing key, so nothing was read: ${errorText(e)}`);
      return EXIT.error;
    }

    if (conn.demoProfile) {
      say(`Demo: scanning the simulated phone "${conn.demoProfile}". No real phone is read.`);
    }
    say(
      `Reading the phone ${forTerminal(pick.device.model ?? pick.device.serial)} (nothing on it will be changed)…`,
    );

    const phone = new ReadOnlyAndroidPhone(
      conn.client,
      pick.device.serial,
      phoneOptionsFromEnv(ctx.env),
    );
    // Ctrl-C keeps what was read: the bundle is written, marked incomplete.
    // A second Ctrl-C quits at once (the listener is gone after the first).
    const onInterrupt = () => {
      say('Stopping. Keeping what was read so far (press Ctrl-C again to quit at once)…');
      phone.abort('The scan was stopped before it finished (Ctrl-C)');
    };
    process.once('SIGINT', onInterrupt);
    let collection: Awaited<ReturnType<typeof collectAndroid>>;
    try {
      collection = await collectAndroid(
        phone,
        androidCollectOptions({ onProgress: (m) => say(`  ${m}`) }),
      );
    } finally {
      process.off('SIGINT', onInterrupt);
    }
    const snapshot: AndroidSnapshot = assembleAndroidSnapshot(collection, toolInfo());
    const findings = analyzeSnapshot(snapshot, compiled);

    const bundle = {
      snapshot,
      findings,
      raw: collection.raw,
      case: caseDetails,
      rules: packs.map((p) => ({ id: p.id, version: p.version, sha256: p.sha256 })),
      formats: opts.formats,
      tool: toolInfo(),
      key,
    };
    // Ctrl-C while the evidence is being saved would leave it unsigned: hold on.
    const whileSaving = () => {
      say('Saving the evidence first; this takes a few seconds (Ctrl-C again quits at once)…');
    };
    process.once('SIGINT', whileSaving);
    let written: { dir: string; warnings: string[] };
    try {
      written = await writeBundle({ dir: outDir, ...bundle });
    } catch (e) {
      // What was read must not be lost: try a private folder of our own.
      const rescue = join(mkdtempSync(join(tmpdir(), 'spycheck-rescue-')), 'bundle');
      say(`Could not write the evidence bundle to ${outDir}: ${errorText(e)}`);
      try {
        written = await writeBundle({ dir: rescue, ...bundle });
        say(`The bundle was saved here instead. Move it somewhere safe: ${rescue}`);
      } catch (e2) {
        say(`Could not save it anywhere (${errorText(e2)}).`);
        if (opts.json) ctx.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
        return EXIT.error;
      }
    } finally {
      process.off('SIGINT', whileSaving);
    }
    for (const w of written.warnings) say(`Warning: ${forTerminal(w, { maxLength: 400 })}`);

    if (opts.json) ctx.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    printScanSummary(ctx, {
      snapshot,
      findings,
      bundleDir: written.dir,
      stats: collection.stats,
      toStderr: opts.json,
    });
    return exitCodeFor({ complete: isComplete(snapshot, findings), findings }, opts.failOn);
  } finally {
    await conn.close();
  }
}

export function defaultBundleDir(startedIso: string, serial: string): string {
  const stamp = startedIso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const id = serial.replace(/[^A-Za-z0-9]/g, '').slice(-6) || 'phone';
  return join('spycheck-reports', `${stamp}-${id}`);
}

/** Make the bundle folder (private), or say in plain words why it cannot be used. */
export function prepareBundleDir(dir: string): string | undefined {
  try {
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) {
        return `${dir} is a file. Give --out a new folder for the evidence bundle.`;
      }
      if (readdirSync(dir).length > 0) return new BundleExistsError(dir).message;
      return undefined;
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return undefined;
  } catch (e) {
    return `Cannot make the folder ${dir} for the evidence bundle: ${errorText(e)}. Choose another --out folder.`;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
