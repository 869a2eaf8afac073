import type { RawOutput } from './raw.js';
import type { SigningCert } from './snapshot.js';

/**
 * The Android collection steps that run once per scan, whatever the number
 * of apps, in the order the collector starts them. The collector pairs each
 * with its commands; importers fill the same ids from files.
 */
export const ANDROID_STEP_IDS = [
  // first, while the phone and this computer are least busy: its round trip bounds the reading
  'clock',
  'getprop',
  'packages',
  'packageDetails',
  'launcher',
  'settingsSecure',
  'settingsGlobal',
  'settingsSystem',
  'accessibility',
  'devicePolicy',
  'accounts',
  'adbKeys',
  'appopsUsageStats',
  'appopsOverlay',
  'appopsInstall',
  'deviceIdle',
  'batteryHistory',
  'appopsDump',
  'su',
] as const;
export type AndroidStepId = (typeof ANDROID_STEP_IDS)[number];

/**
 * What one scan read from the phone, before any interpretation. Device code
 * only fetches; src/snapshot turns this into facts. Keeping the two apart
 * lets an offline import (a saved bundle's raw/ outputs) rebuild the same
 * Snapshot with newer parsers.
 */
export interface AndroidCollection {
  serial: string;
  started: string;
  finished: string;
  /** false when the phone went away or a step could not finish */
  complete: boolean;
  /** step id → output text; a missing step was not run (phone lost) */
  outputs: Partial<Record<AndroidStepId, StepOutput>>;
  /** one output per sha256sum batch */
  apkHashOutputs: StepOutput[];
  /** APK path → certificates read from the pulled file, or why not */
  apkCerts: Record<string, ApkCertResult>;
  /** plain-language notes about the collection itself */
  notes: string[];
  /** why the scan ended early, when it did (unplugged, stopped by the user, no answer) */
  lostReason?: string;
  /**
   * Steps whose answer may be incomplete: those that finished just before the
   * phone was lost (a shell stream cut by an unplug ends like a short answer),
   * and those whose answer spycheck stopped reading because it never ended.
   */
  suspectSteps?: AndroidStepId[];
  raw: RawOutput[];
  stats: { roundTrips: number; bytesRead: number; wallMs: number; apksPulled: number };
}

export interface StepOutput {
  command: string;
  text: string;
}

export type ApkCertResult =
  | {
      ok: true;
      certs: SigningCert[];
      schemes: string[];
      bytes: number;
      warnings: string[];
      /** the app's name and package as its own manifest gives them */
      label?: string;
      manifestPackage?: string;
    }
  | { ok: false; reason: string };
