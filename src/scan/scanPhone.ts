/**
 * The scan use case: rules, phone, consent, reading, judging, evidence. It
 * returns what happened and leaves the words on screen, Ctrl-C and exit
 * codes to the CLI, so a future front end (or a test) drives the same scan.
 */

import { existsSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeSnapshot } from '../analyze/analyze.js';
import { isComplete } from '../analyze/blindSpots.js';
import { compileRules } from '../analyze/compile.js';
import type { FindingsDoc } from '../model/findings.js';
import type { ProgressCount } from '../model/progress.js';
import type { Purpose } from '../model/purpose.js';
import type { Snapshot } from '../model/snapshot.js';
import type { NotReady, PhoneConnection, PhoneReading, Platform } from '../platform/platform.js';
import { type ReportFormat, writeBundle } from '../report/bundle.js';
import { loadOrCreateSigningKey, type SigningKey } from '../report/keys.js';
import type { RulePackRef } from '../report/model.js';
import { collectGarbage } from '../util/memory.js';
import { toolInfo } from '../util/packageRoot.js';
import { forTerminal } from '../util/sanitize.js';
import { type Baseline, compareWithBaseline, handoverApps } from './baseline.js';
import { defaultBundleDir, errorText, prepareBundleDir } from './bundleDir.js';
import { type LoadedRules, loadScanRules, packRef, packsUsed } from './loadRules.js';
import { pickDevice } from './pickDevice.js';

/** Chain of custody, recorded in the bundle. */
export interface CaseDetails {
  ref?: string;
  examiner?: string;
  consent: boolean;
}

export interface ScanPhoneOptions {
  serial?: string;
  out?: string;
  formats: ReportFormat[];
  caseRef?: string;
  examiner?: string;
  consent?: boolean;
  rules: string[];
  defaultRules: boolean;
  demo?: string | boolean;
  /** With `demo`: ask for the case details and consent as a real scan does (practice) */
  guided?: boolean;
  /**
   * Android: also fingerprint every store app's file on the phone, for the evidence record
   * (slow on a real phone; known spyware is matched without it)
   */
  hashAllApps?: boolean;
  /** why the phone is checked, when that makes the reading stricter (a second phone) */
  purpose?: Purpose;
  /** an earlier check of this phone, already read and verified: what changed is reported */
  baseline?: Baseline;
  env: NodeJS.ProcessEnv;
  /** Chain-of-custody details and consent for a real phone, or a guided demo (a plain demo needs none) */
  askCaseDetails(): Promise<CaseDetails>;
  /**
   * The rule packs, already being loaded by `loadRulesEarly` (with these same options)
   * while the phone's transport was reached; without it the scan starts loading them itself.
   */
  rulesLoading?: Promise<LoadedRules>;
}

/**
 * Starts loading the rule packs of a real-phone scan, so they load while adb (or usbmuxd)
 * connects and lists its phones; awaited when the scan needs them, before consent and before
 * the phone is read. A simulated phone may bring a training pack, known only once it is
 * started: its packs load then (undefined here).
 */
export function loadRulesEarly(
  opts: Pick<ScanPhoneOptions, 'rules' | 'defaultRules' | 'demo'> & { env?: NodeJS.ProcessEnv },
): Promise<LoadedRules> | undefined {
  if (opts.demo) return undefined;
  const loading = loadScanRules({
    rules: opts.rules,
    defaultRules: opts.defaultRules,
    extra: [],
    ...(opts.env ? { env: opts.env } : {}),
  });
  // handled here, so a scan that stops before it needs the rules leaves no unhandled
  // rejection behind; whoever awaits `loading` still gets the error
  loading.catch(() => {});
  return loading;
}

export type { ProgressCount } from '../model/progress.js';

/**
 * What the person running the scan is told while it runs. `phase` marks
 * where a stop request would land, so a front end can decide what Ctrl-C
 * means at that moment.
 */
export type ScanProgress =
  | { kind: 'status'; message: string }
  | { kind: 'step'; message: string }
  /** a count within a long stage, for a progress line (`message` says it in words) */
  | ({ kind: 'count'; message: string } & ProgressCount)
  | { kind: 'phase'; phase: 'reading' | 'judging' | 'saving' | 'done' };

export interface ScanHooks {
  onProgress?: (progress: ScanProgress) => void;
  /** stops reading the phone; what was read is judged and saved, marked incomplete */
  signal?: AbortSignal;
}

export type ScanResult =
  /**
   * Nothing was read: the way it was asked (usage), something failed (error), or the phone was
   * not ready (locked, not trusting this computer, no phone service on this computer)
   */
  | { status: 'not-read'; problem: 'usage' | 'error' | NotReady; message: string }
  /** The owner has not agreed: nothing was read */
  | { status: 'no-consent' }
  /** Read and judged, but the evidence could be saved nowhere */
  | { status: 'not-saved'; findings: FindingsDoc; message: string }
  | {
      status: 'saved';
      snapshot: Snapshot;
      findings: FindingsDoc;
      bundleDir: string;
      /** problems writing the bundle that did not stop it (a report format that failed) */
      warnings: string[];
      stats: PhoneReading['stats'];
      /** finished, and no check that serious rules need is missing */
      complete: boolean;
      /** the rule packs judged with (name, date: how old each list is) */
      rules: RulePackRef[];
      /** the phone refused part-way for a reason the person can fix (its own exit code) */
      notReady?: { reason: NotReady; message: string };
    };

export async function scanPhone<C extends PhoneConnection, R extends PhoneReading>(
  platform: Platform<C, R>,
  opts: ScanPhoneOptions,
  { onProgress, signal }: ScanHooks = {},
): Promise<ScanResult> {
  const status = (message: string) => onProgress?.({ kind: 'status', message });
  const notRead = (problem: 'usage' | 'error' | NotReady, message: string): ScanResult => ({
    status: 'not-read',
    problem,
    message,
  });

  // Rules first: a broken pack must stop us before we touch the phone. They load while the
  // transport connects and lists its phones (which asks no phone anything); a broken pack is
  // still reported before a listing problem, and before consent and reading.
  const early = opts.demo ? undefined : (opts.rulesLoading ?? loadRulesEarly(opts));
  const demoName = opts.demo ? (typeof opts.demo === 'string' ? opts.demo : undefined) : undefined;
  const conn = await platform.connect(opts.env, opts.demo ? (demoName ?? true) : undefined);
  if (!conn.ok) return notRead(conn.notReady ?? 'error', conn.message);
  try {
    // no command goes to a phone before consent: listing asks the phones nothing
    const listing = platform.list(conn).then(
      (devices) => ({ devices }),
      (error: unknown) => ({ error }),
    );
    const trainingPack = conn.demoProfileDir
      ? join(conn.demoProfileDir, 'training-pack')
      : undefined;
    let loaded: LoadedRules;
    try {
      loaded = await (early ??
        loadScanRules({
          rules: opts.rules,
          defaultRules: opts.defaultRules,
          extra: trainingPack && existsSync(trainingPack) ? [trainingPack] : [],
          env: opts.env,
        }));
    } catch (e) {
      await listing; // the connection is closed only once the listing has ended
      throw e;
    }
    if (!loaded.ok) {
      await listing;
      return notRead('error', loaded.message);
    }
    const packs = loaded.packs;
    const compiled = compileRules(packs);

    const listed = await listing;
    if ('error' in listed)
      return notRead(conn.notReadyFor?.(listed.error) ?? 'error', conn.describeError(listed.error));
    const devices = listed.devices;
    const pick = pickDevice(devices, opts.serial, platform.id);
    if (!pick.ok) return notRead(pick.usage ? 'usage' : (pick.notReady ?? 'error'), pick.message);

    const caseDetails: CaseDetails =
      conn.demoProfile && !opts.guided
        ? {
            ref: opts.caseRef ?? 'DEMO',
            examiner: opts.examiner ?? 'demo',
            consent: opts.consent ?? true,
          }
        : await opts.askCaseDetails();
    if (!caseDetails.consent) return { status: 'no-consent' };
    // Everything that could stop the bundle being written is checked now,
    // before the phone is read: the folder and the signing key.
    const outDir = resolve(
      opts.out ?? defaultBundleDir(new Date().toISOString(), pick.device.serial, caseDetails.ref),
    );
    const existed = existsSync(outDir);
    const ready = prepareBundleDir(outDir);
    if (ready) return notRead('usage', ready);
    let key: SigningKey;
    try {
      key = loadOrCreateSigningKey(opts.env);
    } catch (e) {
      return notRead(
        'error',
        `Could not load this computer's signing key, so nothing was read: ${errorText(e)}`,
      );
    }

    if (conn.demoProfile) {
      status(`Demo: scanning the simulated phone "${conn.demoProfile}". No real phone is read.`);
    }
    status(
      `Reading the phone ${forTerminal(pick.device.model ?? pick.device.serial)} (nothing on it will be changed)…`,
    );

    onProgress?.({ kind: 'phase', phase: 'reading' });
    // The PDF renderer warms up (several hundred ms of CPU) while this process only waits for
    // the phone. On Android that is once every question is answered and only app files are
    // still coming over USB: earlier, the warm-up would hold up the answers it is waiting for,
    // and the copies that start from the app list. An iPhone is read round trip by round trip,
    // so its reading covers the warm-up from the start.
    let warming: Promise<void> | undefined;
    const warmUp = () => {
      if (warming || !opts.formats.some((f) => f === 'pdf' || f === 'evidence')) return;
      warming = import('../report/pdfWarmUp.js').then(
        (m) => m.warmUpPdf(),
        () => undefined,
      );
    };
    if (platform.id !== 'android') warmUp();
    let readingDone = false;
    let stepsAnswered = false;
    let copying = false;
    const reading = await platform.collect(conn, pick.device, opts.env, {
      // Android counts its long stages (a second argument the platform passes on as is)
      onProgress: (message: string, count?: ProgressCount) => {
        // once every question is answered, what is left is copying app files; with none
        // left the warm-up would only add to the wait
        if (count?.stage === 'steps') stepsAnswered = count.done === count.total;
        if (count?.stage === 'signers') copying = count.done < count.total;
        if (stepsAnswered && copying && !readingDone) warmUp();
        onProgress?.(count ? { kind: 'count', message, ...count } : { kind: 'step', message });
      },
      ...(signal ? { signal } : {}),
      ...(opts.hashAllApps ? { hashAllApps: true } : {}),
    });
    readingDone = true;
    if (reading.notReady?.nothingRead) {
      onProgress?.({ kind: 'phase', phase: 'done' });
      // nothing to keep: leave no empty evidence folder behind to be mistaken for a result
      if (!existed) tryRemoveEmpty(outDir);
      return notRead(reading.notReady.reason, reading.notReady.message);
    }
    await warming;
    // what the reading left behind (answers as received, copies of app files) is freed before the
    // judging and the reports build their own (src/util/memory.ts)
    collectGarbage();
    onProgress?.({ kind: 'phase', phase: 'judging' });
    const snapshot = platform.assemble(reading, toolInfo());
    const handover = opts.baseline ? handoverApps(opts.baseline, snapshot) : undefined;
    const findings = analyzeSnapshot(snapshot, compiled, {
      ...(opts.purpose ? { purpose: opts.purpose } : {}),
      ...(handover ? { handoverApps: handover } : {}),
    });
    if (opts.baseline) findings.sinceBaseline = compareWithBaseline(opts.baseline, snapshot);

    const bundle = {
      snapshot,
      findings,
      raw: reading.raw,
      case: caseDetails,
      rules: packsUsed(packs, opts.purpose).map(packRef),
      formats: opts.formats,
      tool: toolInfo(),
      key,
    };
    onProgress?.({ kind: 'phase', phase: 'saving' });
    let written: { dir: string; warnings: string[] };
    try {
      written = await writeBundle({ dir: outDir, ...bundle });
    } catch (e) {
      // What was read must not be lost: try a private folder of our own.
      const rescue = join(mkdtempSync(join(tmpdir(), 'spycheck-rescue-')), 'bundle');
      status(`Could not write the evidence bundle to ${outDir}: ${errorText(e)}`);
      try {
        written = await writeBundle({ dir: rescue, ...bundle });
        status(`The bundle was saved here instead. Move it somewhere safe: ${rescue}`);
      } catch (e2) {
        return {
          status: 'not-saved',
          findings,
          message: `Could not save it anywhere (${errorText(e2)}).`,
        };
      }
    } finally {
      onProgress?.({ kind: 'phase', phase: 'done' });
    }
    return {
      status: 'saved',
      snapshot,
      findings,
      bundleDir: written.dir,
      warnings: written.warnings,
      stats: reading.stats,
      rules: bundle.rules,
      complete: isComplete(snapshot, findings),
      ...(reading.notReady
        ? { notReady: { reason: reading.notReady.reason, message: reading.notReady.message } }
        : {}),
    };
  } finally {
    await conn.close();
  }
}

/** Removes a folder only if it is still empty (never anything in it). */
function tryRemoveEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty, or already gone: leave it
  }
}
