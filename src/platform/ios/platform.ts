import {
  classifyIosError,
  type IosErrorKind,
  type IosRawOutput,
  ReadOnlyIPhone,
} from '../../device/ios/phone.js';
import type { IosProblem, IosProblemKind, IosReading, IosStep } from '../../model/iosReading.js';
import type { RawOutput } from '../../model/raw.js';
import { assembleIosSnapshot } from '../../snapshot/ios.js';
import { type CollectHooks, type NotReady, type Platform, stopReason } from '../platform.js';
import { connectIos, type IosConnection } from './connect.js';

/** iPhones through usbmuxd: the real one, or the built-in simulated iPhone for --demo. */
export const ios: Platform<IosConnection, IosReading> = {
  id: 'ios',
  connect: (env, demo) => connectIos(env, demo),
  async list(connection) {
    // ListDevices and ReadPairRecord are answered by usbmuxd on this computer:
    // no phone is asked anything before consent.
    return (await connection.listPhones()).map((p) => ({
      serial: p.udid,
      state: p.paired ? 'paired' : 'not paired',
      connection: p.connection,
    }));
  },
  async collect(connection, device, env, hooks) {
    const requestTimeoutMs = timeoutFromEnv(env);
    const phone = new ReadOnlyIPhone(device.serial, {
      socketAddress: connection.socketAddress,
      ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
    });
    return collectIos(phone, hooks);
  },
  assemble: (reading, tool) => assembleIosSnapshot(reading, tool),
};

/** Steps whose failure leaves nothing to judge: the phone refused before its apps were read. */
const FIRST_STEPS: ReadonlySet<IosStep> = new Set(['public-values', 'session-values', 'apps']);

const NOT_READY: Partial<Record<IosProblemKind, NotReady>> = {
  locked: 'locked',
  'not-paired': 'not-trusted',
  'pairing-refused': 'not-trusted',
  'usbmuxd-missing': 'no-service',
};

/** What to do, for each way an iPhone can refuse before it is read. */
export const IOS_NOT_READY_HELP: Record<NotReady, string> = {
  locked:
    'The iPhone is locked, so it refused to be read. Nothing was read and nothing was saved. ' +
    'Unlock it with its passcode, tap the screen now and then so it stays awake during the ' +
    'scan, and run the scan again.',
  'not-trusted':
    'The iPhone does not trust this computer, so it refused to be read. Nothing was read and ' +
    'nothing was saved. Unplug it, unlock it and plug it in again; tap "Trust This Computer" and ' +
    'enter the passcode. If the question does not appear, pair it first: on a Mac open Finder, ' +
    'on Windows open Apple Devices (or iTunes), on Linux run "idevicepair pair". Then run the ' +
    'scan again. "spycheck doctor" checks this computer\u2019s set-up.',
  'no-service':
    'The iPhone service on this computer (usbmuxd) stopped answering. Nothing was saved. Plug the ' +
    'iPhone in again and run "spycheck doctor".',
};

/** Not ready when the phone refused before its apps were read, for a reason the person can fix. */
function notReadyOf(reading: IosReading): IosReading['notReady'] {
  const first = reading.problems[0];
  if (!first || !FIRST_STEPS.has(first.step)) return undefined;
  const reason = NOT_READY[first.kind];
  if (!reason) return undefined;
  // the model and iOS version come without a session: they alone are not worth a bundle
  const nothingRead = first.step !== 'apps';
  return {
    reason,
    nothingRead,
    message: nothingRead
      ? IOS_NOT_READY_HELP[reason]
      : `${IOS_STOPPED_HELP[reason]} What was read before that is saved in the evidence bundle, marked incomplete.`,
  };
}

/** When the iPhone refused part-way, after its settings were read. */
const IOS_STOPPED_HELP: Record<NotReady, string> = {
  locked:
    'The iPhone locked before its apps could be read. Unlock it with its passcode, tap the ' +
    'screen now and then so it stays awake, and run the scan again.',
  'not-trusted':
    'The iPhone stopped trusting this computer before its apps could be read. Unplug it, unlock ' +
    'it, plug it in again, tap "Trust This Computer", and run the scan again.',
  'no-service':
    'The iPhone service on this computer (usbmuxd) stopped answering before the apps could be ' +
    'read. Plug the iPhone in again and run "spycheck doctor".',
};

/** SPYCHECK_REQUEST_TIMEOUT_MS, as for Android: how long one read may take before the phone counts as gone. */
function timeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const v = env.SPYCHECK_REQUEST_TIMEOUT_MS?.trim();
  if (!v || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** A step that may be missing without the reading being incomplete (the phone may not offer it). */
const OPTIONAL_STEPS: ReadonlySet<IosStep> = new Set(['icon-state']);

/** After one of these nothing more can be read: the remaining steps are not tried. */
const BLOCKING: ReadonlySet<IosProblemKind> = new Set([
  'not-paired',
  'pairing-refused',
  'locked',
  'usbmuxd-missing',
  'lost',
]);

function problemKind(kind: IosErrorKind): IosProblemKind {
  switch (kind) {
    case 'no-phone':
      return 'lost';
    case 'forbidden':
      return 'failed';
    default:
      return kind;
  }
}

/**
 * Reads one iPhone step by step through the read-only door. Never throws for
 * a phone that is locked, not paired or gone: each step not read gets a
 * problem with the plain reason, and what was read is kept.
 */
export async function collectIos(
  phone: ReadOnlyIPhone,
  { onProgress, signal }: CollectHooks = {},
): Promise<IosReading> {
  const started = new Date();
  const reading: IosReading = {
    udid: phone.udid,
    started: started.toISOString(),
    finished: '',
    values: { public: {}, session: {}, missing: [] },
    apps: [],
    profiles: {},
    cloudConfiguration: {},
    problems: [],
    complete: false,
    raw: [],
    stats: { roundTrips: 0, wallMs: 0 },
  };
  const steps: { step: IosStep; says: string; read(): Promise<void> }[] = [
    {
      step: 'public-values',
      says: 'Reading the model and iOS version',
      read: async () => {
        reading.values.public = await phone.publicValues();
      },
    },
    {
      step: 'session-values',
      says: 'Reading the passcode, Find My, backup and management settings',
      read: async () => {
        const s = await phone.sessionValues();
        reading.values.session = s.values;
        reading.values.missing = s.missing;
      },
    },
    {
      step: 'apps',
      says: 'Reading the list of apps',
      read: async () => {
        reading.apps = await phone.apps();
      },
    },
    {
      step: 'profiles',
      says: 'Reading configuration profiles and supervision',
      read: async () => {
        const p = await phone.profiles();
        reading.profiles = p.profileList;
        reading.cloudConfiguration = p.cloudConfiguration;
      },
    },
    {
      step: 'icon-state',
      says: 'Reading which apps have a home-screen icon',
      read: async () => {
        reading.iconState = await phone.iconState();
      },
    },
  ];

  // Stopping keeps what was read: the door closes its sockets and the step
  // under way (and every later one) ends as "lost" with the reason given.
  const stop = () => phone.abort(stopReason(signal!));
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  let blocked: IosProblem | undefined;
  // one lockdown connection and one session for the whole reading: every service is started
  // in it (one StartSession and one TLS handshake for lockdownd instead of one per step)
  phone.holdSession();
  try {
    for (const { step, says, read } of steps) {
      if (blocked) {
        reading.problems.push({
          step,
          kind: blocked.kind,
          message: `Not read: ${blocked.message}`,
        });
        continue;
      }
      onProgress?.(`${says}…`);
      try {
        await read();
      } catch (e) {
        const err = classifyIosError(e);
        const problem: IosProblem = { step, kind: problemKind(err.kind), message: err.message };
        reading.problems.push(problem);
        if (BLOCKING.has(problem.kind)) blocked = problem;
      }
    }
    await phone.endSession();
  } finally {
    signal?.removeEventListener('abort', stop);
    phone.close();
  }
  const finished = new Date();
  reading.finished = finished.toISOString();
  reading.complete = reading.problems.every(
    (p) => p.kind === 'service-missing' && OPTIONAL_STEPS.has(p.step),
  );
  reading.raw = phone.raw.map(toRawOutput);
  reading.stats = {
    roundTrips: phone.roundTrips,
    wallMs: finished.getTime() - started.getTime(),
  };
  const notReady = notReadyOf(reading);
  if (notReady) reading.notReady = notReady;
  return reading;
}

function toRawOutput({ record, data }: IosRawOutput): RawOutput {
  const { request, ...rest } = record;
  return { record: { ...rest, command: request }, data };
}
