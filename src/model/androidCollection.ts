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
  // devices and networks linked to the phone (issue 14)
  'bluetooth',
  'companionDevices',
  'connectivity',
  'roles',
  'netstats',
  'users',
  // whether the phone has a screen lock
  'lockSettings',
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
  /**
   * One output per sha256sum batch run on the phone: only with `--hash-all-apps` (store apps),
   * or from an import that holds the phone's own file hashes (androidqf)
   */
  apkHashOutputs: StepOutput[];
  /**
   * APK path → certificates read from the pulled file (and its SHA-256, taken on this computer
   * as the file arrived), or why not: a pull skipped by the copy limits says so in `skipped`
   */
  apkCerts: Record<string, ApkCertResult>;
  /** The copy limits a live scan pulled APKs under (absent in imports) */
  pullLimits?: PullLimits;
  /** `--hash-all-apps`: store apps were fingerprinted on the phone too (evidence record) */
  hashAllApps?: boolean;
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
  stats: {
    roundTrips: number;
    bytesRead: number;
    wallMs: number;
    apksPulled: number;
    /** bytes of APK files copied from the phone */
    apkBytesPulled?: number;
  };
}

/** How much a scan copies from the phone to read signers: bounded so a session stays quick. */
export interface PullLimits {
  /** total bytes of APK files copied */
  maxBytes: number;
  /** milliseconds spent checking sizes and copying */
  maxMs: number;
}

/**
 * Why an APK was not copied: `too-large` — larger than what was left of the byte limit (never
 * cut: a file is copied whole or not at all); `out-of-time` — the time limit had run out, or
 * would have before it finished.
 */
export type PullSkip = 'too-large' | 'out-of-time';

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
      /** uppercase hex SHA-256 of the whole file, hashed on this computer as it was copied */
      sha256?: string;
    }
  | {
      ok: false;
      reason: string;
      /** not copied because of the copy limits (see PullSkip) */
      skipped?: PullSkip;
      /** the file's size as the phone gave it (sync STAT), when known */
      bytes?: number;
      /** copied, but its signer could not be read: the file's SHA-256 is still known */
      sha256?: string;
    };
