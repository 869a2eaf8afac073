/**
 * What one read of an iPhone returns, before any interpretation: the
 * answers as the phone gave them, and the steps that could not be read with
 * the plain reason. src/snapshot/ios.ts builds the iOS Snapshot from it.
 */
import type { RawOutput } from './raw.js';

export type IosDict = Record<string, unknown>;

/** The reads, in the order they are made. */
export const IOS_STEPS = [
  'public-values',
  'session-values',
  'apps',
  'profiles',
  'icon-state',
] as const;
export type IosStep = (typeof IOS_STEPS)[number];

/**
 * Why a step was not read, in plain kinds:
 * - `not-paired`: this computer has no pairing with the phone (no pair record)
 * - `pairing-refused`: the phone no longer trusts this computer
 * - `locked`: the phone is locked (or was never unlocked since it started)
 * - `usbmuxd-missing`: the iPhone service on this computer is not running
 * - `service-missing`: this phone does not offer the service (nothing was missed on purpose)
 * - `lost`: the phone went away, stopped answering, or the check was stopped
 * - `failed`: the phone gave an answer spycheck did not expect
 */
export type IosProblemKind =
  | 'not-paired'
  | 'pairing-refused'
  | 'locked'
  | 'usbmuxd-missing'
  | 'service-missing'
  | 'lost'
  | 'failed';

export interface IosProblem {
  step: IosStep;
  kind: IosProblemKind;
  /** plain words */
  message: string;
}

export interface IosReading {
  /** every answer byte for byte: the evidence in raw/ */
  raw: RawOutput[];
  stats: { roundTrips: number; wallMs: number };
  udid: string;
  /** UTC ISO times */
  started: string;
  finished: string;
  values: {
    /** lockdown GetValue without a session: model, iOS version, name… */
    public: IosDict;
    /** `Key` or `Domain/Key` → value, read inside a session */
    session: IosDict;
    /** session values the phone had none for */
    missing: string[];
  };
  /** installation_proxy Browse: one dictionary per app, as the phone sent it */
  apps: IosDict[];
  /** MCInstall GetProfileList: OrderedIdentifiers, ProfileManifest, ProfileMetadata */
  profiles: IosDict;
  /** MCInstall GetCloudConfiguration (`{}` when not supervised) */
  cloudConfiguration: IosDict;
  /** springboardservices getIconState: the home-screen pages; absent when not read */
  iconState?: unknown;
  /** one entry per step that was not read, with why */
  problems: IosProblem[];
  /** every step was read (a service the phone does not offer does not count against it) */
  complete: boolean;
  /** set when the phone refused before anything could be judged (see PhoneReading) */
  notReady?: {
    reason: 'locked' | 'not-trusted' | 'no-service';
    message: string;
    nothingRead: boolean;
  };
}
