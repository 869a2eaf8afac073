/**
 * The normalized Snapshot: everything spycheck read from one phone, as facts.
 * Device code fills it, analyze/ judges it, report/ writes it. Bump
 * SNAPSHOT_SCHEMA when a field changes meaning; the bundle records it.
 */
import type { CheckStatus } from './check.js';
import type {
  IosApp,
  IosCloudConfiguration,
  IosDeviceDetails,
  IosJailbreakIndicators,
  IosProfile,
} from './iosSnapshot.js';
import type { LinkedState } from './linkedDevices.js';
import type { ParserInfo } from './parse.js';
import type { RawRecord } from './raw.js';

export const SNAPSHOT_SCHEMA = 1;

/** The phone families spycheck reads; the Snapshot and the bundle record which one. */
export type PlatformId = 'android' | 'ios';

/** Where an app came from, as far as the installer tells us. */
export type InstallerClass =
  /** Google Play or a maker's own store that vets apps (Galaxy Store, AppGallery…) */
  | 'store'
  /** An alternative store (F-Droid, Aurora, APKPure…) */
  | 'other-store'
  /** Installed from a file: browser download, file manager, package installer, adb */
  | 'sideloaded'
  /** Came with the phone (system image) */
  | 'preinstalled'
  | 'unknown';

export interface PermissionGrant {
  name: string;
  granted: boolean;
  /** Raw flags text as printed by dumpsys, e.g. "USER_SET|USER_SENSITIVE_WHEN_GRANTED" */
  flags?: string;
}

export interface SigningCert {
  /** Uppercase hex SHA-1 of the certificate DER (the form stalkerware indicator lists use) */
  sha1: string;
  /** Uppercase hex SHA-256 of the certificate DER */
  sha256: string;
  subject?: string;
  issuer?: string;
  /** Organisation (O=) from the subject, if any */
  organization?: string;
  /**
   * Which APK signature scheme carried it: v1 (JAR/PKCS#7), v2, v3. Absent when another tool
   * read the file and did not say (androidqf's packages.json).
   */
  scheme?: 'v1' | 'v2' | 'v3';
}

export interface AndroidApp {
  /** Package name */
  id: string;
  /** User-visible name when the phone tells us one (not all commands do) */
  label?: string;
  versionName?: string;
  versionCode?: number;
  /** Package that installed it as printed by the phone, or undefined for none/"null" */
  installer?: string;
  /** Android 11+: the app that started the install (e.g. a browser) */
  installInitiator?: string;
  /** Android 11+: the app the APK came from, when known */
  installOriginator?: string;
  /** Android 14+: how the file reached the phone, as the install declared it */
  installPackageSource?: 'unspecified' | 'other' | 'store' | 'local-file' | 'downloaded-file';
  /** Installed from a computer over USB (adb), by the installer field or the install record */
  installedFromComputer?: boolean;
  /** The store the installer field claims, when Android's own records contradict it */
  falseStoreClaim?: string;
  installerClass: InstallerClass;
  /** UTC ISO time of first install, when the phone prints one */
  firstInstallTime?: string;
  lastUpdateTime?: string;
  uid?: number;
  /** Part of the system image */
  system: boolean;
  /** A system app that has been updated (e.g. from the Play Store) */
  updatedSystem: boolean;
  /** false when disabled for user 0; undefined when unknown */
  enabled?: boolean;
  /** Installed for user 0 (the main user) */
  installedForUser0?: boolean;
  apkPaths: string[];
  /** Android's package flags as printed, e.g. ["HAS_CODE","ALLOW_CLEAR_USER_DATA"] */
  flags?: string[];
  permissions: {
    requested: string[];
    /** install-time permissions (normal/signature) with grant state */
    install: PermissionGrant[];
    /** runtime (dangerous) permissions for user 0 with grant state */
    runtime: PermissionGrant[];
  };
  /** Has an activity in the app launcher. 'unknown' when the launcher query failed. */
  launcher: 'visible' | 'hidden' | 'unknown';
  /** SHA-256 of base.apk (hashed on the phone), uppercase hex */
  apkSha256?: string;
  /** Signing certificates read from the APK (pulled for non-store apps) */
  certs?: SigningCert[];
}

/** A component name like com.example/.MyService, split for matching */
export interface ComponentRef {
  package: string;
  /** Fully-qualified class, or the short form as printed */
  component: string;
  /** The raw text as printed */
  raw: string;
}

export interface DeviceAdmin extends ComponentRef {
  /** Policies the admin uses when the phone prints them (e.g. wipe-data, force-lock) */
  policies?: string[];
}

export interface Account {
  /** Account type, e.g. com.google, com.whatsapp, com.samsung.android.mobileservice */
  type: string;
  /** Account name as the phone shows it (an email address or phone number, usually) */
  name: string;
}

export interface AndroidDevice {
  serial: string;
  manufacturer?: string;
  brand?: string;
  model?: string;
  device?: string;
  androidVersion?: string;
  sdk?: number;
  /** ro.build.version.security_patch, YYYY-MM-DD */
  securityPatch?: string;
  fingerprint?: string;
  buildType?: string;
  buildTags?: string;
}

export interface RootIndicators {
  /** ro.debuggable=1 on a production phone */
  debuggable?: boolean;
  /** ro.build.tags contains test-keys */
  testKeys?: boolean;
  /** ro.boot.verifiedbootstate (green/yellow/orange/red) */
  verifiedBootState?: string;
  /** ro.boot.flash.locked: false means the bootloader is unlocked */
  bootloaderLocked?: boolean;
  /** Paths where an `su` binary was found */
  suPaths: string[];
  /** Installed packages known to be root managers (Magisk, KernelSU, APatch, SuperSU…) */
  rootPackages: string[];
}

export interface AdbKey {
  /** Name/comment of the key (usually user@host) */
  name?: string;
  /** Fingerprint (MD5 colon hex as Android shows it) when printed */
  fingerprint?: string;
  /** Last time the key connected, when printed */
  lastConnection?: string;
}

/** When an app that is gone now was installed or removed, as far as the phone says. */
export interface PastAppTime {
  /** UTC ISO time, when it could be worked out */
  utc?: string;
  /** the phone's own clock at that moment, "yyyy-MM-dd HH:mm:ss" (the phone's local time) */
  phoneTime?: string;
  /** where the time comes from, as the phone printed it (for the evidence section) */
  printed?: string;
  /** why no time (or no UTC time) could be worked out, in plain words */
  unknown?: string;
}

/** What an app used, as Android's app-op records name it. */
export const RECENT_USE_KINDS = [
  'location',
  'microphone',
  'camera',
  'body-sensors',
  'sms',
  'call-log',
  /** iPhone App Privacy Report only (Android's app-op dump is not read for these) */
  'contacts',
  'photos',
] as const;
export type RecentUseKind = (typeof RECENT_USE_KINDS)[number];

/** The last time an app used one of these, as the phone printed it and in UTC. */
export interface LastUse {
  /** the phone's own clock, "yyyy-MM-dd HH:mm:ss" (its local time) */
  phoneTime: string;
  /** UTC ISO time, when the phone's time zone is known */
  utc?: string;
  /** the app-op it was read from (FINE_LOCATION, RECORD_AUDIO…); iPhone: the report's category */
  op: string;
  /**
   * The use had begun at this time and had not ended when the record was made (iPhone: still in
   * use when the App Privacy Report was saved). Absent for a use that ended at this time.
   */
  ongoing?: true;
}

export interface PastApp {
  /** Package name */
  id: string;
  /**
   * Where it was seen: the battery history's install and removal records, or the package
   * list's apps removed with their data kept (the phone's owner no longer has them).
   */
  sources: Array<'battery-history' | 'kept-data'>;
  /** the first install the phone recorded */
  installed?: PastAppTime;
  /** the last removal the phone recorded */
  removed?: PastAppTime;
}

/**
 * The phone's clock at the scan, against this computer's. Times read from the phone (install
 * times, last uses, history) are on the phone's clock; a court needs the offset to place them.
 * `driftSeconds` is exactly `phoneUtc - laptopUtc`; the true drift lies within
 * `driftSeconds ± uncertaintySeconds`.
 */
export interface PhoneClock {
  /** What the phone's clock said, as a UTC ISO time (ms) */
  phoneUtc: string;
  /**
   * This computer's clock halfway through the request that read it (UTC ISO, ms): the phone
   * answered somewhere between sending and receiving
   */
  laptopUtc: string;
  /** phone − computer, in seconds (ms precision): positive when the phone runs ahead */
  driftSeconds: number;
  /**
   * How far the true drift may be from `driftSeconds`, in seconds: half the round trip (when
   * in it the phone read its clock is not known) plus how finely the phone gave its clock
   * (1 s when it gave whole seconds only)
   */
  uncertaintySeconds: number;
  /** The request's round trip as this computer timed it, in ms (spycheck always writes it) */
  roundTripMs?: number;
  /** The phone's time zone name (Europe/London), when it said */
  zone?: string;
  /** The phone's UTC offset at that moment ("+01:00"), when it said */
  utcOffset?: string;
  /** How it was read: a shell command (Android `date`) or the iPhone's lockdown values */
  read: 'command' | 'lockdown';
}

/** The kind of screen lock: `unknown` whenever the phone did not say plainly. */
export const SCREEN_LOCK_CREDENTIALS = ['none', 'pattern', 'pin', 'password', 'unknown'] as const;
export type ScreenLockCredential = (typeof SCREEN_LOCK_CREDENTIALS)[number];

/** Whether the phone's main user has a screen lock, and which kind. */
export interface ScreenLock {
  /** always 0: the main user (other users' and profiles' locks are not judged) */
  userId: number;
  credential: ScreenLockCredential;
  /** what the phone printed that the answer comes from (capped, printable) */
  raw?: string;
}

export interface AndroidSnapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  platform: 'android';
  tool: { name: string; version: string };
  started: string;
  finished: string;
  /** false when the scan was cut short; checks[] says what is missing */
  complete: boolean;
  device: AndroidDevice;
  /** getprop, verbatim (only ro.* and a few others are kept — see collector) */
  props: Record<string, string>;
  apps: AndroidApp[];
  accessibilityServices: ComponentRef[];
  notificationListeners: ComponentRef[];
  deviceAdmins: DeviceAdmin[];
  deviceOwner?: ComponentRef;
  profileOwners: ComponentRef[];
  accounts: Account[];
  settings: {
    secure: Record<string, string>;
    global: Record<string, string>;
    system: Record<string, string>;
  };
  /** App-op holders in "allow" mode: op name → package names */
  appOps: Record<string, string[]>;
  /**
   * App op → package → UTC ISO time the app last used it (usage access, drawing over apps,
   * installing apps), where the full app-op dump of an import prints it. Absent otherwise.
   */
  appOpsLastAccess?: Record<string, Record<string, string>>;
  /** Apps exempt from battery optimisation (can run in the background freely) */
  batteryOptimisationExempt: string[];
  /**
   * Package → when it last used location, the microphone, the camera, body sensors, text
   * messages or the call log (user 0), from `dumpsys appops`. Undefined when not read (and in
   * bundles made before spycheck read it).
   */
  recentUse?: Record<string, Partial<Record<RecentUseKind, LastUse>>>;
  root: RootIndicators;
  /** Trusted computers (adb keys) when readable; undefined when not checked */
  adbKeys?: AdbKey[];
  /**
   * Apps that were on the phone before and are not installed now: named in the battery
   * history's installs and removals, or removed with their data kept (`pm list packages -u`).
   * Undefined in bundles made before spycheck read them.
   */
  pastApps?: PastApp[];
  /** The phone's clock against this computer's; undefined when not read (and in older bundles) */
  clock?: PhoneClock;
  /**
   * Devices and networks linked to the phone: paired and companion devices, VPN, private DNS,
   * proxy, other users, keyboards, role holders, data sent. Undefined in older bundles; inside,
   * a field is undefined when its step was not read.
   */
  linked?: LinkedState;
  /**
   * The main user's screen lock, from `dumpsys lock_settings`. Undefined when not read (and in
   * older bundles); `unknown` when the phone did not say (Android 8–10 never do), which is never
   * read as "no lock".
   */
  screenLock?: ScreenLock;
  checks: CheckStatus[];
  warnings: string[];
  parsers: ParserInfo[];
  raw: RawRecord[];
}

/**
 * An iPhone as the Snapshot shows it: the lockdown values, with the shared
 * fields (`serial`, `manufacturer`, `model`) every report and bundle reads.
 */
export interface IosDevice extends IosDeviceDetails {
  /** The UDID: what usbmuxd and the bundle call the phone */
  serial: string;
  manufacturer: 'Apple';
  /** "iPhone 14" when spycheck knows the ProductType, else the ProductType itself */
  model?: string;
}

export interface IosSnapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  platform: 'ios';
  tool: { name: string; version: string };
  started: string;
  finished: string;
  /** false when something was not read; checks[] says what is missing */
  complete: boolean;
  device: IosDevice;
  /** every app of every type; empty when the app list was not read (the 'apps' check says) */
  apps: IosApp[];
  /** whether the home screen was read, so an app's `hidden` can say 'visible' */
  homeScreenRead: boolean;
  /** configuration profiles; empty when they were not read (the 'profiles' check says) */
  profiles: IosProfile[];
  /** supervision and Automated Device Enrolment, when MCInstall was read */
  cloudConfiguration?: IosCloudConfiguration;
  jailbreak: IosJailbreakIndicators;
  /** The phone's clock against this computer's; undefined when not read (and in older bundles) */
  clock?: PhoneClock;
  /**
   * Bundle id (or, for a program iOS names by its path, the path) → when it last used location,
   * the microphone, the camera, contacts or photos, from an App Privacy Report the phone's owner
   * saved (`spycheck analyze REPORT.ndjson`). Undefined when no report was given: an iPhone keeps
   * no app-use record that can be read over USB. Same shape as Android's.
   */
  recentUse?: Record<string, Partial<Record<RecentUseKind, LastUse>>>;
  /** The App Privacy Report that `recentUse` came from; undefined when none was given. */
  privacyReport?: IosPrivacyReport;
  checks: CheckStatus[];
  warnings: string[];
  parsers: ParserInfo[];
  raw: RawRecord[];
}

/** One domain an app contacted by itself, as an App Privacy Report counts it. */
export interface ContactedDomain {
  /** lower case, no trailing dot; a host name or an IP address */
  domain: string;
  /** how many times the app contacted it in the report's days (summed over its records) */
  hits: number;
  /** UTC ISO time of the latest contact */
  last?: string;
  /** the report's `domainType` 1: Apple says it may collect data across apps and websites */
  tracker?: true;
  /** the report's `domainOwner`, when Apple names one (cleaned, at most 100 characters) */
  owner?: string;
}

/**
 * An App Privacy Report (Settings › Privacy & Security › App Privacy Report › Save App
 * Activity) the phone's owner saved and handed over: the last 7 days of apps' access to
 * location, microphone, camera, contacts, photos… and the domains they contacted.
 */
export interface IosPrivacyReport {
  /** the file's name as given (no folder) */
  file: string;
  /** SHA-256 of the file, lower-case hex; the file itself is kept in raw/ */
  sha256: string;
  /** UTC ISO time of the earliest and latest record in it */
  from?: string;
  to?: string;
  /** access records read (interval begins and ends, and iOS 15.0's single events) */
  accesses: number;
  /** network-activity records read (the app's own; websites visited inside apps are not kept) */
  networkRecords: number;
  /** apps (and programs named by path) that the report names */
  apps: number;
  /** lines spycheck could not read (not JSON, not a record it knows, or bad values) */
  skippedLines: number;
  /**
   * Uses with no kind in `recentUse`, per app: screen recording ('screenRecording'), the media
   * library ('mediaLibrary'), iOS 15.0's other TCC services, and photos or contacts chosen by the
   * person in a system picker ('photos (picker)'). Same LastUse shape.
   */
  otherUse?: Record<string, Record<string, LastUse>>;
  /** per app, the domains it contacted itself: most hits first, at most 50 per app */
  domains?: Record<string, ContactedDomain[]>;
  /** with a phone's bundle: apps in the report that are not on the phone's app list */
  notOnAppList?: string[];
}

/** One phone's facts. `platform` says which; code for one family narrows on it. */
export type Snapshot = AndroidSnapshot | IosSnapshot;
