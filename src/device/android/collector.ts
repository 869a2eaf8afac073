import type {
  AndroidCollection,
  AndroidStepId,
  ApkCertResult,
  StepOutput,
} from '../../model/androidCollection.js';
import { mapLimit } from '../../util/limit.js';
import { sha256sumCommands } from './commands.js';
import { OutputCutShortError, PhoneLostError, type ReadOnlyAndroidPhone } from './phone.js';

/**
 * Decides whether a step's output is usable, or whether the phone refused
 * the command and the next fallback should be tried. Supplied by the
 * snapshot layer so that device code holds no knowledge of output formats.
 */
export type OutputAcceptor = (step: AndroidStepId, text: string) => boolean;

export interface FollowUpPlanner {
  /** APK paths of apps not part of the phone's system image, to hash on the phone */
  apksToHash(outputs: AndroidCollection['outputs']): string[];
  /** APK paths to pull and read signing certificates from (apps not from a store) */
  apksToInspect(outputs: AndroidCollection['outputs']): string[];
}

export interface CollectOptions {
  /**
   * The steps, in start order, each with its commands (the first, then the fallbacks tried
   * when the phone refuses). From the step registry (src/snapshot/androidSteps.ts): device
   * code fetches, and knows no step of its own.
   */
  steps: ReadonlyArray<{ id: AndroidStepId; commands: readonly string[] }>;
  accept: OutputAcceptor;
  plan: FollowUpPlanner;
  readCerts: (apk: Buffer) => Omit<Extract<ApkCertResult, { ok: true }>, 'ok' | 'bytes'>;
  /** parallel requests to the phone; real adbd handles several shell sessions at once */
  concurrency?: number;
  /** at most this many APKs are pulled (largest risk first is the planner's job) */
  maxPulls?: number;
  /**
   * One line per stage, and counts within the long stages (steps read, app
   * files fingerprinted, apps whose signer was checked) for a progress line.
   */
  onProgress?: (message: string, count?: ProgressCount) => void;
}

/** How far a long stage has got: `done` of `total` finished, the last one `item`. */
export interface ProgressCount {
  stage: 'steps' | 'app-files' | 'signers';
  done: number;
  total: number;
  /** the step id just finished (steps only) */
  item?: string;
}

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

  progress('Reading the phone settings and app list');
  const finishedOrder: AndroidStepId[] = [];
  let stepsDone = 0;
  const stepsTotal = options.steps.length;
  await mapLimit(options.steps, concurrency, async ({ id, commands }) => {
    try {
      await readStep(id, commands);
    } finally {
      stepsDone++;
      progress(`Reading the phone: step ${stepsDone} of ${stepsTotal}`, {
        stage: 'steps',
        done: stepsDone,
        total: stepsTotal,
        item: id,
      });
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

  const apkHashOutputs: StepOutput[] = [];
  const apkCerts: Record<string, ApkCertResult> = {};

  if (!phone.lostError) {
    const toHash = options.plan.apksToHash(outputs);
    const batches = hashBatches(toHash);
    const filesTotal = batches.reduce((n, b) => n + b.files, 0);
    let filesDone = 0;
    if (batches.length > 0) progress(`Checking ${filesTotal} app files on the phone`);
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

    const toPull = options.plan.apksToInspect(outputs);
    const maxPulls = options.maxPulls ?? 60;
    if (toPull.length > maxPulls) {
      notes.push(
        `${toPull.length} apps were not installed from a store; the signing certificates of the first ${maxPulls} were checked.`,
      );
    }
    const pulls = toPull.slice(0, maxPulls);
    if (pulls.length > 0) progress(`Checking who signed ${pulls.length} apps not from a store`);
    // Pulls are large; two at a time keeps USB busy without starving shell commands.
    let pullsDone = 0;
    const counted = () => {
      pullsDone++;
      progress(`Checking who signed the apps not from a store: ${pullsDone} of ${pulls.length}`, {
        stage: 'signers',
        done: pullsDone,
        total: pulls.length,
      });
    };
    await mapLimit(pulls, Math.min(2, concurrency), async (path) => {
      if (phone.lostError) return counted();
      try {
        const apk = await phone.pull(path);
        apksPulled++;
        const r = options.readCerts(apk);
        apkCerts[path] = { ok: true, bytes: apk.length, ...r };
      } catch (e) {
        if (lost(e)) return;
        apkCerts[path] = { ok: false, reason: e instanceof Error ? e.message : String(e) };
      } finally {
        counted();
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

  return {
    serial: phone.serial,
    started,
    finished: new Date().toISOString(),
    complete,
    outputs,
    apkHashOutputs,
    apkCerts,
    notes,
    ...(phone.lostError ? { lostReason: phone.lostError.message } : {}),
    ...(complete ? {} : { suspectSteps: [...suspect] }),
    raw: phone.raw,
    stats: {
      roundTrips: phone.roundTrips,
      bytesRead: phone.bytesRead,
      wallMs: Date.now() - t0,
      apksPulled,
    },
  };
}
