import { createHash } from 'node:crypto';
import type {
  AndroidCollection,
  AndroidStepId,
  ApkCertResult,
  PullLimits,
  StepOutput,
} from '../../model/androidCollection.js';
import type { ProgressCount } from '../../model/progress.js';
import { bytesOfText, durationText, sizeWords } from '../../util/bytes.js';
import { mapLimit } from '../../util/limit.js';
import { sha256sumCommands } from './commands.js';
import {
  OutputCutShortError,
  PhoneLostError,
  PullStoppedError,
  PullTooLargeError,
  type ReadOnlyAndroidPhone,
} from './phone.js';

/**
 * Decides whether a step's output is usable, or whether the phone refused
 * the command and the next fallback should be tried. Supplied by the
 * snapshot layer so that device code holds no knowledge of output formats.
 */
export type OutputAcceptor = (step: AndroidStepId, text: string) => boolean;

export interface FollowUpPlanner {
  /**
   * APK paths to copy to this computer, riskiest first: the apps not from a store (sideloaded,
   * other stores, installed from a computer, a false store claim). Each is hashed here as it
   * arrives and its signer read; copies stop at the limits (see PullLimits), so order matters.
   */
  apksToInspect(outputs: AndroidCollection['outputs']): string[];
  /**
   * `--hash-all-apps` only: APK paths of the other apps outside the system image (store apps),
   * to fingerprint on the phone with sha256sum. Never needed to match known spyware samples.
   */
  apksToHash(outputs: AndroidCollection['outputs']): string[];
}

export interface CollectOptions {
  /**
   * The steps, in start order, each with its commands (the first, then the fallbacks tried
   * when the phone refuses). From the step registry (src/snapshot/androidSteps.ts): device
   * code fetches, and knows no step of its own.
   */
  steps: ReadonlyArray<{
    id: AndroidStepId;
    commands: readonly string[];
    /**
     * Answered by this other step's answer when `accept` takes it (nothing is sent); otherwise
     * `commands` are asked, as fallbacks (see the step registry's `from`).
     */
    from?: AndroidStepId;
  }>;
  accept: OutputAcceptor;
  plan: FollowUpPlanner;
  readCerts: (apk: Buffer) => Omit<Extract<ApkCertResult, { ok: true }>, 'ok' | 'bytes'>;
  /** parallel requests to the phone; real adbd handles several shell sessions at once */
  concurrency?: number;
  /** how much is copied to read signers (default DEFAULT_PULL_LIMITS) */
  pullLimits?: Partial<PullLimits>;
  /**
   * Also fingerprint store apps on the phone (sha256sum; and any app not from a store whose
   * file was not copied). For the evidence record: slow on a real phone, which reads every
   * byte of every file from flash.
   */
  hashAllApps?: boolean;
  /**
   * One line per stage, and counts within the long stages (steps read, app
   * files fingerprinted, apps whose signer was checked) for a progress line.
   */
  onProgress?: (message: string, count?: ProgressCount) => void;
}

export type { ProgressCount } from '../../model/progress.js';

const MiB = 1024 * 1024;

/**
 * Copy limits that keep a drop-in session quick: USB 2 moves about 30 MB/s, so 300 MB is about
 * 10 s of copying, and 90 s bounds a slow cable or phone. Riskiest apps are copied first.
 */
export const DEFAULT_PULL_LIMITS: PullLimits = { maxBytes: 300 * MiB, maxMs: 90_000 };

/**
 * SPYCHECK_PULL_MAX_MB and SPYCHECK_PULL_MAX_SECONDS (positive integers), for a session with
 * more time (or a test with less). Unset or malformed: the defaults.
 */
export function pullLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<PullLimits> {
  const int = (name: string): number | undefined => {
    const v = env[name]?.trim();
    if (!v || !/^\d+$/.test(v)) return undefined;
    const n = Number(v);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  const mb = int('SPYCHECK_PULL_MAX_MB');
  const s = int('SPYCHECK_PULL_MAX_SECONDS');
  return { ...(mb ? { maxBytes: mb * MiB } : {}), ...(s ? { maxMs: s * 1000 } : {}) };
}

/** USB 2 as phones use it, until the copies so far say how fast this cable really is. */
const ASSUMED_COPY_BYTES_PER_MS = (30 * MiB) / 1000;
/** A budget phone's flash read and hash speed, for the --hash-all-apps estimate. */
export const PHONE_HASH_MB_PER_S = 300;
/** A store app's base APK, when the phone gave no size (popular apps: 4–80 MB). */
export const TYPICAL_APK_MB = 30;

/**
 * The fingerprint commands for these paths, each with how many paths it carries. As few
 * commands as fit on a command line: every one is a round trip (the progress count moves per
 * command, which on a phone with few apps is one step).
 */
function hashBatches(paths: readonly string[]): { command: string; files: number }[] {
  return sha256sumCommands(paths).map((command) => ({
    command,
    files: command.split(' ').length - 1,
  }));
}

export async function collectAndroid(
  phone: ReadOnlyAndroidPhone,
  options: CollectOptions,
): Promise<AndroidCollection> {
  const t0 = Date.now();
  const started = new Date(t0).toISOString();
  const concurrency = options.concurrency ?? 4;
  const progress = options.onProgress ?? (() => {});
  const outputs: AndroidCollection['outputs'] = {};
  const notes: string[] = [];
  let complete = true;
  let apksPulled = 0;

  const lost = (e: unknown): boolean => {
    if (e instanceof PhoneLostError) {
      complete = false;
      return true;
    }
    return false;
  };
  // Answers the phone never finished sending: the start is used, the step is
  // suspect, and the scan cannot be called complete.
  const cutShortSteps = new Set<AndroidStepId>();
  const cutShort = (e: unknown): e is OutputCutShortError => {
    if (!(e instanceof OutputCutShortError)) return false;
    complete = false;
    return true;
  };

  const apkHashOutputs: StepOutput[] = [];
  const apkCerts: Record<string, ApkCertResult> = {};
  const limits: PullLimits = { ...DEFAULT_PULL_LIMITS, ...options.pullLimits };
  let apkBytesPulled = 0;
  // the copy limits hold for every copy of this scan (early and late ones together)
  let copyDeadline: number | undefined;
  let bytesLeft = limits.maxBytes;
  // Copies of apps the package list alone shows are not from a store start as soon as that list
  // is in, while the other steps are still being read: on a real phone the copies (over USB)
  // then overlap the phone's slowest answer (`dumpsys package`) instead of waiting for it.
  const earlyPaths = new Set<string>();
  /** app file → its size as the phone said it (undefined: it said none) */
  const statted = new Map<string, number | undefined>();
  let early: Promise<{ path: string; size?: number }[] | undefined> | undefined;

  progress('Reading the phone settings and app list');
  const finishedOrder: AndroidStepId[] = [];
  let stepsDone = 0;
  const stepsTotal = options.steps.length;
  // steps answered by another step's answer wait for it outside the pool (they hold no slot)
  const derived = options.steps.filter((s) => s.from !== undefined);
  const counted = (id: AndroidStepId) => {
    stepsDone++;
    progress(`Reading the phone: step ${stepsDone} of ${stepsTotal}`, {
      stage: 'steps',
      done: stepsDone,
      total: stepsTotal,
      item: id,
    });
  };
  await mapLimit(
    options.steps.filter((s) => s.from === undefined),
    concurrency,
    async ({ id, commands }) => {
      try {
        await readStep(id, commands);
      } finally {
        counted(id);
      }
      if (id === 'packages' && outputs.packages && !phone.lostError && !cutShortSteps.has(id)) {
        const paths = options.plan.apksToInspect(outputs);
        for (const path of paths) earlyPaths.add(path);
        early = copyApks(paths, true);
        // awaited after the steps; until then a failure must not count as unhandled
        early.catch(() => undefined);
      }
    },
  );
  const askedOwn = derived.filter(({ id, from }) => {
    const source = from ? outputs[from] : undefined;
    // usable as the source's own answer (an empty text is not a dump) and as this step's
    const usable = source && from && !cutShortSteps.has(from) && options.accept(from, source.text);
    if (!usable || !options.accept(id, source.text)) return true;
    outputs[id] = { ...source };
    counted(id);
    return false;
  });
  await mapLimit(askedOwn, concurrency, async ({ id, commands }) => {
    if (phone.lostError) return counted(id);
    try {
      await readStep(id, commands);
    } finally {
      counted(id);
    }
  });

  async function readStep(id: AndroidStepId, commands: readonly string[]): Promise<void> {
    for (const command of commands) {
      try {
        const text = await phone.shell(id, command);
        outputs[id] = { command, text };
        finishedOrder.push(id);
        if (options.accept(id, text)) return;
      } catch (e) {
        if (lost(e)) return;
        if (cutShort(e)) {
          // No fallback: the others ask the same service for as much or more.
          outputs[id] = { command, text: e.text };
          cutShortSteps.add(id);
          return;
        }
        notes.push(`"${command}" failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  const earlyResult = await early;
  // not copied early (they might not all fit): the whole reading ranks them, below
  if (earlyResult === undefined) earlyPaths.clear();
  const earlyCopied = earlyResult ?? [];
  if (!phone.lostError) {
    const wanted = options.plan.apksToInspect(outputs);
    const want = new Set(wanted);
    // a file copied early that the whole reading says needs no copy (the store's own app, an
    // app removed with only its data kept): what was learnt of it is not evidence of anything
    for (const path of earlyPaths) if (!want.has(path)) delete apkCerts[path];
    const pulled = [
      ...earlyCopied.filter((x) => want.has(x.path)),
      ...((await copyApks(wanted.filter((path) => !earlyPaths.has(path)))) ?? []),
    ];
    const skipped = Object.values(apkCerts).filter((r) => !r.ok && r.skipped).length;
    if (skipped > 0) {
      notes.push(
        `${skipped} of ${wanted.length} app files from outside an app store were not copied, to keep within this check's limits of ${sizeWords(limits.maxBytes)} and ${Math.round(limits.maxMs / 1000)} s (SPYCHECK_PULL_MAX_MB, SPYCHECK_PULL_MAX_SECONDS); they are named in the warnings below.`,
      );
    }
    if (options.hashAllApps && !phone.lostError) {
      // store apps, and any app not from a store whose file could not be copied (hashing on
      // the phone reads flash at ~300 MB/s: far cheaper than copying it over USB)
      const rest = pulled.filter((x) => !apkCerts[x.path]?.sha256 && x.size !== 0);
      await hashOnPhone([
        ...options.plan.apksToHash(outputs).map((path) => ({ path, size: undefined })),
        ...rest,
      ]);
    }
  }

  /**
   * Copies the riskiest first, each whole or not at all: sizes first (one STAT each), then
   * files that fit in what is left of the byte limit, while the time limit allows. Every file
   * is hashed as it arrives, so the hash needs no second copy of it in memory.
   */
  async function copyApks(
    paths: string[],
    ifAllFit = false,
  ): Promise<{ path: string; size?: number }[] | undefined> {
    if (paths.length === 0) return [];
    const sizes = await mapLimit(paths, concurrency, async (path) => {
      // a file whose size an early copy already asked (and then left to this one) is not asked twice
      if (statted.has(path)) return statted.get(path);
      if (phone.lostError) return undefined;
      try {
        const size = (await phone.stat(path))?.size;
        statted.set(path, size);
        return size;
      } catch (e) {
        lost(e);
        return undefined;
      }
    });
    const all = paths.map((path, i) => ({ path, size: sizes[i] }));
    if (phone.lostError) return all;
    const maxFile = phone.maxPullBytes;
    // Early copies go by the package list alone, which cannot rank the riskiest first (it
    // does not know which apps hide or hold special access, nor which claim a store falsely).
    // They only go ahead when every file fits in half the limits, so the order cannot decide
    // which app is left out, and room is left for apps the whole reading adds.
    if (ifAllFit) {
      const total = all.reduce((n, x) => n + (x.size ?? Number.POSITIVE_INFINITY), 0);
      const fits =
        total <= bytesLeft / 2 &&
        all.every((x) => (x.size ?? 0) <= maxFile) &&
        total / ASSUMED_COPY_BYTES_PER_MS < limits.maxMs / 2;
      if (!fits) return undefined;
    }
    copyDeadline ??= Date.now() + limits.maxMs;
    const deadline = copyDeadline;
    // bytes not yet promised to a planned file (files of unknown size draw on them as they come)
    const planned: { path: string; size?: number }[] = [];
    for (const x of all) {
      if (x.size !== undefined && (x.size > bytesLeft || x.size > maxFile)) {
        tooLarge(x.path, x.size, x.size > maxFile ? maxFile : undefined);
        continue;
      }
      if (x.size !== undefined) bytesLeft -= x.size;
      planned.push(x);
    }
    const bytesTotal = planned.reduce((n, x) => n + (x.size ?? 0), 0);
    const notCopied = all.length - planned.length;
    progress(
      `Checking who signed ${planned.length} apps not from a store (${sizeWords(bytesTotal)})${notCopied > 0 ? `; ${notCopied} more ${notCopied === 1 ? 'is' : 'are'} too large to copy in the time of this check` : ''}`,
    );
    if (planned.length > 0) {
      // said as a count from the start: the scan knows copies are under way (it warms the
      // PDF renderer while they come over USB)
      progress(`Checking who signed the apps not from a store: 0 of ${planned.length}`, {
        stage: 'signers',
        done: 0,
        total: planned.length,
        ...(bytesTotal > 0 ? { bytesDone: apkBytesPulled, bytesTotal } : {}),
      });
    }
    let done = 0;
    let inFlight = 0;
    let firstCopy: number | undefined;
    const counted = () => {
      done++;
      progress(
        `Checking who signed the apps not from a store: ${done} of ${planned.length}${bytesTotal > 0 ? ` (${bytesOfText(apkBytesPulled, bytesTotal)})` : ''}`,
        {
          stage: 'signers',
          done,
          total: planned.length,
          ...(bytesTotal > 0 ? { bytesDone: apkBytesPulled, bytesTotal } : {}),
        },
      );
    };
    function tooLarge(path: string, size: number | undefined, overFileCap?: number) {
      apkCerts[path] = {
        ok: false,
        skipped: 'too-large',
        ...(size !== undefined ? { bytes: size } : {}),
        reason:
          overFileCap !== undefined
            ? `the file${size !== undefined ? ` (${sizeWords(size)})` : ''} is larger than the largest file spycheck copies (${sizeWords(overFileCap)})`
            : `the file${size !== undefined ? ` (${sizeWords(size)})` : ''} is larger than what was left of the ${sizeWords(limits.maxBytes)} this check copies`,
      };
    }
    const outOfTime = (path: string, size: number | undefined, why: string) => {
      apkCerts[path] = {
        ok: false,
        skipped: 'out-of-time',
        ...(size !== undefined ? { bytes: size } : {}),
        reason: why,
      };
    };
    // Pulls are large; two at a time keeps USB busy without starving shell commands.
    await mapLimit(planned, Math.min(2, concurrency), async ({ path, size }) => {
      if (phone.lostError) return counted();
      const now = Date.now();
      // the copying speed so far (USB is shared by both copies), or USB 2's until measured
      const rate =
        firstCopy !== undefined && apkBytesPulled >= MiB && now - firstCopy >= 200
          ? apkBytesPulled / (now - firstCopy)
          : ASSUMED_COPY_BYTES_PER_MS;
      if (now + (inFlight + (size ?? 0)) / rate > deadline) {
        outOfTime(
          path,
          size,
          `the ${Math.round(limits.maxMs / 1000)} s this check spends copying app files would have run out before it was copied`,
        );
        return counted();
      }
      firstCopy ??= now;
      // bytes of this file still to come, counted in what the copies in flight have left
      let pending = size ?? 0;
      inFlight += pending;
      let got = 0;
      const hash = createHash('sha256');
      try {
        const apk = await phone.pull(path, {
          ...(size !== undefined ? { size } : { maxBytes: Math.max(1, bytesLeft) }),
          onData: (c) => {
            got += c.length;
            apkBytesPulled += c.length;
            const d = Math.min(pending, c.length);
            pending -= d;
            inFlight -= d;
            hash.update(c);
          },
          stopAfterMs: deadline - Date.now(),
        });
        apksPulled++;
        if (size === undefined) bytesLeft -= apk.length;
        const sha256 = hash.digest('hex').toUpperCase();
        try {
          apkCerts[path] = { ok: true, bytes: apk.length, sha256, ...options.readCerts(apk) };
        } catch (e) {
          apkCerts[path] = {
            ok: false,
            reason: e instanceof Error ? e.message : String(e),
            bytes: apk.length,
            sha256,
          };
        }
      } catch (e) {
        // nothing of a copy given up is used: take its bytes back out of the count
        apkBytesPulled -= got;
        if (lost(e)) return;
        if (e instanceof PullStoppedError) {
          outOfTime(
            path,
            size,
            `copying it was still not finished when the ${Math.round(limits.maxMs / 1000)} s this check spends copying app files ran out`,
          );
        } else if (e instanceof PullTooLargeError) {
          tooLarge(path, size, e.cap === phone.maxPullBytes ? e.cap : undefined);
        } else {
          apkCerts[path] = { ok: false, reason: e instanceof Error ? e.message : String(e) };
        }
      } finally {
        inFlight -= pending;
        counted();
      }
    });
    return all;
  }

  /** `--hash-all-apps`: sha256sum on the phone, after saying how long it should take. */
  async function hashOnPhone(files: { path: string; size?: number }[]): Promise<void> {
    const batches = hashBatches(files.map((f) => f.path));
    const filesTotal = batches.reduce((n, b) => n + b.files, 0);
    if (filesTotal === 0) return;
    // the phone gave sizes only for the files spycheck asked it about (those not from a store)
    const known = files.filter((f) => f.size !== undefined);
    const unknown = files.length - known.length;
    const bytes = known.reduce((n, f) => n + (f.size ?? 0), 0) + unknown * TYPICAL_APK_MB * MiB;
    const ms = (bytes / MiB / PHONE_HASH_MB_PER_S) * 1000;
    const basis =
      unknown === 0
        ? `${sizeWords(bytes)} in all`
        : unknown === files.length
          ? `about ${TYPICAL_APK_MB} MB a file`
          : `${sizeWords(bytes - unknown * TYPICAL_APK_MB * MiB)}, plus about ${TYPICAL_APK_MB} MB for each of ${unknown} files of unknown size`;
    progress(
      `Hashing ${filesTotal} app files on the phone: ${durationText(ms)} (estimate: ${basis}, read at about ${PHONE_HASH_MB_PER_S} MB/s)`,
    );
    let filesDone = 0;
    await mapLimit(batches, concurrency, async ({ command, files }, i) => {
      try {
        apkHashOutputs.push({ command, text: await phone.shell(`sha256sum.${i + 1}`, command) });
      } catch (e) {
        if (cutShort(e)) apkHashOutputs.push({ command, text: e.text });
        else if (!lost(e)) notes.push(`Could not fingerprint some app files: ${String(e)}`);
      } finally {
        filesDone += files;
        progress(`Checking app files: ${filesDone} of ${filesTotal}`, {
          stage: 'app-files',
          done: filesDone,
          total: filesTotal,
        });
      }
    });
  }

  let gone = phone.lostError !== undefined;
  if (!gone && !(await phone.stillConnected())) {
    gone = true;
    complete = false;
    notes.push(
      'The phone was no longer connected at the end of the scan; the last answers may be cut short.',
    );
  }
  if (phone.lostError) notes.push(`${phone.lostError.message}. What was read before that is kept.`);
  for (const r of phone.raw) {
    if (!r.cutShort) continue;
    notes.push(
      r.cutShort === phone.lostError?.message
        ? `What the phone sent for "${r.record.command}" before that is kept in raw/${r.record.file}, but it is only the start of the answer.`
        : `${r.cutShort}. What it sent before that is kept in raw/${r.record.file}.`,
    );
  }
  const suspect = new Set(cutShortSteps);
  // the answers in flight when the phone went (at most one per parallel request)
  if (gone) for (const id of finishedOrder.slice(-concurrency)) suspect.add(id);
  // a step answered by a suspect answer is as suspect as it
  for (const { id, from } of derived) {
    if (from && suspect.has(from) && outputs[id]?.command === outputs[from]?.command)
      suspect.add(id);
  }

  return {
    serial: phone.serial,
    started,
    finished: new Date().toISOString(),
    complete,
    outputs,
    apkHashOutputs,
    apkCerts,
    pullLimits: limits,
    ...(options.hashAllApps ? { hashAllApps: true } : {}),
    notes,
    ...(phone.lostError ? { lostReason: phone.lostError.message } : {}),
    ...(complete ? {} : { suspectSteps: [...suspect] }),
    raw: phone.raw,
    stats: {
      roundTrips: phone.roundTrips,
      bytesRead: phone.bytesRead,
      wallMs: Date.now() - t0,
      apksPulled,
      apkBytesPulled,
    },
  };
}
