/**
 * Simulated-phone text, rendered from a small phone model in the formats real
 * phones print (AOSP dump code of Android 10, 12, 13 and 14, plus Samsung's and
 * Xiaomi's quirks). The committed fixture profiles are generated from these
 * renderers (scripts/gen-fixture-profiles.ts), and syntheticProfileData() builds
 * big phones for the benchmark. Pure: no I/O.
 */
import { ANDROID_COMMANDS } from '../../device/android/commands.js';
import { rng } from '../../util/random.js';
import type { DeviceProfileData } from './device.js';
import type { DeviceCostsOption } from './deviceCosts.js';
import { renderLinkedShell, type SimLinked } from './linked.js';
import { renderLockSettings, type SimScreenLock } from './lockSettings.js';
import type { GeneratedFileSpec } from './servedFiles.js';

export type { DeviceProfileData } from './device.js';

/** The commands spycheck sends; the simulated phone answers each of them. */
export const CMD = ANDROID_COMMANDS;

export type Vendor = 'google' | 'samsung' | 'xiaomi';

export interface SimAdmin {
  /** Receiver class, fully qualified */
  cls: string;
  active: boolean;
  policies: string[];
}

export interface SimApp {
  pkg: string;
  uid: number;
  versionName: string;
  versionCode: number;
  minSdk: number;
  targetSdk: number;
  /** Folder of the system-image copy, e.g. /product/priv-app/PrebuiltGmsCore. Unset: a /data/app app. */
  systemDir?: string;
  /** APK file name inside systemDir when it is not <folder name>.apk (framework-res.apk…) */
  apkFile?: string;
  /** A system app updated from a store: the running code lives under /data/app */
  updated?: boolean;
  /** /data/app/~~…==/pkg-…== folder; made from the seed when unset */
  codeDir?: string;
  installer: string | null;
  /** Android 11+: the app that asked for the install */
  initiator?: string | null;
  /** Android 11+: where the APK came from (a browser for downloads) */
  originator?: string | null;
  /** epoch ms */
  installTime: number;
  updateTime: number;
  /** Fully-qualified MAIN/LAUNCHER activity; unset = no launcher icon */
  launcher?: string;
  requested: string[];
  /** Runtime (dangerous) permissions granted to user 0 */
  granted: string[];
  /** COMPONENT_ENABLED_STATE for user 0: 0 default, 2 disabled, 3 disabled by user */
  enabledState?: number;
  /** false: kept with -u but not installed for user 0 */
  installedForUser0?: boolean;
  a11y?: { cls: string; enabled: boolean; label?: string };
  listener?: { cls: string; enabled: boolean };
  admin?: SimAdmin;
  batteryExempt?: boolean;
  /** App-ops in allow mode, by op name (GET_USAGE_STATS, SYSTEM_ALERT_WINDOW, REQUEST_INSTALL_PACKAGES) */
  ops?: string[];
  signingVersion?: number;
  /** Extra ApplicationInfo flags (LARGE_HEAP, PERSISTENT…) */
  extraFlags?: string[];
  /** null: no native code */
  abi?: string | null;
  splits?: string[];
  /** appId shared by a sharedUserId (printed instead of the package's own) */
  sharedUser?: string;
  /**
   * App-op uses `dumpsys appops` prints for this package, on top of the ordinary ones made
   * from its grants; an op named here replaces the made-up one of the same name.
   */
  opUse?: SimOpUse[];
}

/** One access (or rejected access) of an app-op, as AppOpsService keeps the latest per key. */
export interface SimOpEvent {
  /** epoch ms */
  at: number;
  /** uid state at the time: pers, top, fgsvc, fg, bg, cch (Android 10 also fgsvcl) */
  state?: string;
  /** op flags: s (self), tp (trusted proxy), up, tpd, upd; default s */
  flags?: string;
  /** Android 11+ attribution tag; default null */
  tag?: string;
  /** ms the op ran (started ops: camera, microphone, location) */
  duration?: number;
}

export interface SimOpUse {
  /** AppOpsManager name: FINE_LOCATION, RECORD_AUDIO, READ_SMS… */
  op: string;
  /** the package's mode; default allow */
  mode?: string;
  access?: SimOpEvent[];
  reject?: SimOpEvent[];
}

export interface SimAccount {
  name: string;
  type: string;
}

export interface SimAdbKey {
  /** base64 public key as in adb_keys (shortened is fine: the phone prints it verbatim) */
  key: string;
  name: string;
  lastConnection: number;
  fingerprint: string;
}

export interface SimPhone {
  name: string;
  description: string;
  serial: string;
  state: 'device' | 'unauthorized' | 'offline';
  banner: { product: string; model: string; device: string };
  sdk: number;
  vendor: Vendor;
  props: Record<string, string>;
  apps: SimApp[];
  accounts: SimAccount[];
  /** account type → authenticator component (package/class) */
  authenticators: Record<string, string>;
  settings: {
    secure: Record<string, string>;
    global: Record<string, string>;
    system: Record<string, string>;
  };
  /** enabled_notification_listeners / accessibility entries the system itself holds */
  adbKeys: SimAdbKey[];
  /** Packages the system exempts from doze (system-excidle / system lines) */
  idleSystem: { pkg: string; uid: number; exceptIdle?: boolean }[];
  /** Shell outputs that override or add to the rendered ones (flag rejections…) */
  extraShell?: Record<string, string>;
  seed: number;
  /** UTC offset of the phone's clock in minutes (dumpsys prints local time) */
  tzOffsetMin: number;
  /**
   * How far the phone's clock runs ahead of the computer's, in seconds (negative: behind). The
   * simulator's `date` answers the computer's clock now plus this (profile.yaml `clock`).
   */
  clockOffsetSeconds?: number;
  /**
   * What the battery history holds. Unset: about a day and a half before the latest app
   * install or update, with the installs and updates of that time (nothing removed).
   */
  batteryHistory?: SimBatteryHistory;
  /** epoch ms the phone is scanned at (relative times in `dumpsys appops`); default: history end */
  now?: number;
  /** uid-wide app-op modes beyond the ones made from grants, by uid then op */
  uidOpModes?: Record<number, Record<string, string>>;
  /** paired and companion devices, VPN, roles, data sent, users (unset: nothing unusual) */
  linked?: SimLinked;
  /** the main user's screen lock (unset: a PIN); Android 10 and older do not print it */
  screenLock?: SimScreenLock;
}

/** An app install or removal in the battery history. */
export interface SimHistoryEvent {
  /** epoch ms */
  at: number;
  kind: 'installed' | 'removed';
  pkg: string;
  /** printed for installs; defaults to the installed app's, or 1 */
  versionCode?: number;
}

export interface SimBatteryHistory {
  /** epoch ms of the history's first line (RESET:TIME, in the phone's local time) */
  start: number;
  /** epoch ms of its last line (about when the phone is scanned) */
  end: number;
  /** installs and removals to add to those of the apps (updates inside the window) */
  events: SimHistoryEvent[];
  /** epoch ms of restarts (SHUTDOWN, START, then a clock line a little later) */
  restarts?: number[];
}

// ---------------------------------------------------------------------------
// Deterministic randomness

export { rng } from '../../util/random.js';

/** A stable 32-bit hash of a string (FNV-1a), to derive per-package noise from the name. */
export function strHash(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 16 random bytes as Android's URL-safe base64 (22 chars + "=="), like /data/app folder names. */
function b64Token(r: () => number): string {
  let s = '';
  for (let i = 0; i < 21; i++) s += B64URL[Math.floor(r() * 64)];
  // the 22nd char carries only 2 bits of the last byte
  s += B64URL[Math.floor(r() * 4) * 16];
  return `${s}==`;
}

/** Object.hashCode-style hex as dumpsys prints it (no leading zeros). */
function idHex(r: () => number): string {
  return Math.floor(r() * 0xfffffff + 0x1000000)
    .toString(16)
    .replace(/^0+/, '');
}

export function dataAppDir(pkg: string, seed: number): string {
  const r = rng(strHash(pkg, seed));
  return `/data/app/~~${b64Token(r)}/${pkg}-${b64Token(r)}`;
}

/** Where the running base.apk lives. */
export function apkPath(app: SimApp, seed: number): string {
  if (app.systemDir && !app.updated) {
    const dir = app.systemDir;
    return `${dir}/${app.apkFile ?? `${dir.slice(dir.lastIndexOf('/') + 1)}.apk`}`;
  }
  return `${app.codeDir ?? dataAppDir(app.pkg, seed)}/base.apk`;
}

function codePath(app: SimApp, seed: number): string {
  if (app.systemDir && !app.updated) return app.systemDir;
  return app.codeDir ?? dataAppDir(app.pkg, seed);
}

// ---------------------------------------------------------------------------
// Permissions

/** Runtime (dangerous) permissions: shown under "runtime permissions:" with a grant state. */
export const RUNTIME_PERMISSIONS = new Set([
  'android.permission.READ_CALENDAR',
  'android.permission.WRITE_CALENDAR',
  'android.permission.CAMERA',
  'android.permission.READ_CONTACTS',
  'android.permission.WRITE_CONTACTS',
  'android.permission.GET_ACCOUNTS',
  'android.permission.ACCESS_FINE_LOCATION',
  'android.permission.ACCESS_COARSE_LOCATION',
  'android.permission.ACCESS_BACKGROUND_LOCATION',
  'android.permission.RECORD_AUDIO',
  'android.permission.READ_PHONE_STATE',
  'android.permission.READ_PHONE_NUMBERS',
  'android.permission.CALL_PHONE',
  'android.permission.ANSWER_PHONE_CALLS',
  'android.permission.READ_CALL_LOG',
  'android.permission.WRITE_CALL_LOG',
  'android.permission.PROCESS_OUTGOING_CALLS',
  'android.permission.BODY_SENSORS',
  'android.permission.BODY_SENSORS_BACKGROUND',
  'android.permission.ACTIVITY_RECOGNITION',
  'android.permission.SEND_SMS',
  'android.permission.RECEIVE_SMS',
  'android.permission.READ_SMS',
  'android.permission.RECEIVE_MMS',
  'android.permission.RECEIVE_WAP_PUSH',
  'android.permission.READ_EXTERNAL_STORAGE',
  'android.permission.WRITE_EXTERNAL_STORAGE',
  'android.permission.ACCESS_MEDIA_LOCATION',
  'android.permission.READ_MEDIA_IMAGES',
  'android.permission.READ_MEDIA_VIDEO',
  'android.permission.READ_MEDIA_AUDIO',
  'android.permission.READ_MEDIA_VISUAL_USER_SELECTED',
  'android.permission.POST_NOTIFICATIONS',
  'android.permission.NEARBY_WIFI_DEVICES',
  'android.permission.BLUETOOTH_SCAN',
  'android.permission.BLUETOOTH_CONNECT',
  'android.permission.BLUETOOTH_ADVERTISE',
  'android.permission.UWB_RANGING',
]);

/** Permissions that appeared in a given SDK: an older phone does not list them as runtime ones. */
const RUNTIME_SINCE: Record<string, number> = {
  'android.permission.ACCESS_BACKGROUND_LOCATION': 29,
  'android.permission.ACTIVITY_RECOGNITION': 29,
  'android.permission.ACCESS_MEDIA_LOCATION': 29,
  'android.permission.BLUETOOTH_SCAN': 31,
  'android.permission.BLUETOOTH_CONNECT': 31,
  'android.permission.BLUETOOTH_ADVERTISE': 31,
  'android.permission.UWB_RANGING': 31,
  'android.permission.POST_NOTIFICATIONS': 33,
  'android.permission.NEARBY_WIFI_DEVICES': 33,
  'android.permission.READ_MEDIA_IMAGES': 33,
  'android.permission.READ_MEDIA_VIDEO': 33,
  'android.permission.READ_MEDIA_AUDIO': 33,
  'android.permission.BODY_SENSORS_BACKGROUND': 33,
  'android.permission.READ_MEDIA_VISUAL_USER_SELECTED': 34,
};

export function isRuntimePermission(perm: string, sdk: number): boolean {
  return RUNTIME_PERMISSIONS.has(perm) && (RUNTIME_SINCE[perm] ?? 0) <= sdk;
}

/** Signature|privileged permissions a store app may ask for but never gets. */
const NEVER_GRANTED_TO_APPS = new Set([
  'android.permission.PACKAGE_USAGE_STATS',
  'android.permission.WRITE_SECURE_SETTINGS',
  'android.permission.READ_LOGS',
  'android.permission.INSTALL_PACKAGES',
  'android.permission.MANAGE_USERS',
  'android.permission.BATTERY_STATS',
]);

// ---------------------------------------------------------------------------
// Small formatting helpers

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** dumpsys package prints local time as yyyy-MM-dd HH:mm:ss. */
export function localTime(ms: number, tzOffsetMin: number): string {
  const d = new Date(ms + tzOffsetMin * 60_000);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(
    d.getUTCHours(),
  )}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

function flatten(pkg: string, cls: string): string {
  return `${pkg}/${cls}`;
}

/** ComponentName.flattenToShortString: drop the package prefix from the class when it matches. */
export function shortComponent(pkg: string, cls: string): string {
  return cls.startsWith(`${pkg}.`) ? `${pkg}/${cls.slice(pkg.length)}` : `${pkg}/${cls}`;
}

/** Apps in the order the phone's package map returns them: stable but not alphabetical. */
function phoneOrder(apps: readonly SimApp[], seed: number): SimApp[] {
  return [...apps].sort((a, b) => strHash(a.pkg, seed) - strHash(b.pkg, seed));
}

function installedApps(phone: SimPhone): SimApp[] {
  return phone.apps.filter((a) => a.installedForUser0 !== false);
}

// ---------------------------------------------------------------------------
// getprop

export function renderGetprop(props: Record<string, string>): string {
  return Object.keys(props)
    .sort()
    .map((k) => `[${k}]: [${props[k]}]`)
    .join('\n')
    .concat('\n');
}

// ---------------------------------------------------------------------------
// pm list packages

export function renderPmList(
  phone: SimPhone,
  opts: { installer: boolean; uid: boolean; includeUninstalled: boolean },
): string {
  let out = '';
  for (const app of phoneOrder(phone.apps, phone.seed)) {
    if (!opts.includeUninstalled && app.installedForUser0 === false) continue;
    out += `package:${apkPath(app, phone.seed)}=${app.pkg}`;
    if (opts.installer) out += `  installer=${app.installer ?? 'null'}`;
    if (opts.uid) out += ` uid:${app.uid}`;
    out += '\n';
  }
  return out;
}

// ---------------------------------------------------------------------------
// dumpsys package

function appFlags(app: SimApp): string[] {
  const f: string[] = [];
  if (app.systemDir) f.push('SYSTEM');
  if (app.extraFlags?.includes('PERSISTENT')) f.push('PERSISTENT');
  f.push('HAS_CODE', 'ALLOW_CLEAR_USER_DATA');
  if (app.systemDir && app.updated) f.push('UPDATED_SYSTEM_APP');
  f.push('ALLOW_BACKUP');
  for (const x of app.extraFlags ?? []) if (x !== 'PERSISTENT' && !f.includes(x)) f.push(x);
  return f;
}

function privateFlags(app: SimApp, sdk: number): string[] {
  const f = ['PRIVATE_FLAG_ACTIVITIES_RESIZE_MODE_RESIZEABLE_VIA_SDK_VERSION'];
  if (app.targetSdk >= 29) f.push('ALLOW_AUDIO_PLAYBACK_CAPTURE');
  if (app.targetSdk <= 29 && sdk >= 29) f.push('PRIVATE_FLAG_REQUEST_LEGACY_EXTERNAL_STORAGE');
  const dir = app.systemDir ?? '';
  if (dir.includes('/priv-app/')) f.push('PRIVILEGED');
  if (dir.startsWith('/product/')) f.push('PRODUCT');
  if (dir.startsWith('/system_ext/')) f.push('SYSTEM_EXT');
  if (dir.startsWith('/vendor/')) f.push('VENDOR');
  if (sdk >= 30 && app.targetSdk >= 30) f.push('PRIVATE_FLAG_ALLOW_NATIVE_HEAP_POINTER_TAGGING');
  return f;
}

function runtimeFlags(app: SimApp, granted: boolean): string {
  const sensitive = 'USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED';
  if (app.systemDir && granted) {
    return app.systemDir.includes('/priv-app/')
      ? `SYSTEM_FIXED|GRANTED_BY_DEFAULT|${sensitive}`
      : `GRANTED_BY_DEFAULT|${sensitive}`;
  }
  if (!granted) return sensitive;
  return `USER_SET|${sensitive}`;
}

/** The mtime every file of a system image has (2009-01-01T00:00:00Z). */
export const SYSTEM_IMAGE_TIME = Date.UTC(2009, 0, 1);

function sigHash(app: SimApp): string {
  return (strHash(`sig:${app.pkg}`) | 0x10000000).toString(16);
}

/** One `Package [pkg] (…):` block in the layout of the phone's Android version. */
function renderPackageBlock(
  app: SimApp,
  phone: SimPhone,
  r: () => number,
  hidden: boolean,
): string {
  const sdk = phone.sdk;
  const tz = phone.tzOffsetMin;
  const code = hidden ? (app.systemDir as string) : codePath(app, phone.seed);
  const L: string[] = [];
  L.push(`  Package [${app.pkg}] (${idHex(r)}):`);
  L.push(sdk >= 33 ? `    appId=${app.uid}` : `    userId=${app.uid}`);
  if (app.sharedUser)
    L.push(`    sharedUser=SharedUserSetting{${idHex(r)} ${app.sharedUser}/${app.uid}}`);
  L.push(`    pkg=Package{${idHex(r)} ${app.pkg}}`);
  L.push(`    codePath=${code}`);
  L.push(`    resourcePath=${code}`);
  L.push(`    legacyNativeLibraryDir=${code}/lib`);
  if (sdk >= 33) L.push('    extractNativeLibs=false');
  const abi = app.abi === undefined ? 'arm64-v8a' : app.abi;
  L.push(`    primaryCpuAbi=${abi ?? 'null'}`);
  L.push(`    secondaryCpuAbi=${abi === 'arm64-v8a' && app.systemDir ? 'armeabi-v7a' : 'null'}`);
  if (sdk >= 30) L.push('    cpuAbiOverride=null');
  const vc = hidden ? Math.max(1, Math.floor(app.versionCode / 3)) : app.versionCode;
  L.push(`    versionCode=${vc} minSdk=${app.minSdk} targetSdk=${app.targetSdk}`);
  if (sdk >= 31) L.push('    minExtensionVersions=[]');
  L.push(`    versionName=${app.versionName}`);
  if (sdk >= 31) L.push('    usesNonSdkApi=false');
  L.push(`    splits=[${(app.splits ?? ['base']).join(', ')}]`);
  L.push(`    apkSigningVersion=${app.signingVersion ?? (app.systemDir ? 3 : 2)}`);
  if (sdk <= 29) L.push(`    applicationInfo=ApplicationInfo{${idHex(r)} ${app.pkg}}`);
  L.push(`    flags=[ ${appFlags(app).join(' ')} ]`);
  L.push(`    privateFlags=[ ${privateFlags(app, sdk).join(' ')} ]`);
  if (sdk >= 30) L.push('    forceQueryable=false');
  L.push(`    dataDir=/data/user/0/${app.pkg}`);
  L.push('    supportsScreens=[small, medium, large, xlarge, resizeable, anyDensity]');
  const firstInstall = localTime(app.installTime, tz);
  // system image files carry a fixed 2009-01-01 mtime, which is what the hidden copy shows
  const stamp = localTime(hidden ? SYSTEM_IMAGE_TIME : app.updateTime, tz);
  L.push(`    timeStamp=${stamp}`);
  if (sdk < 33) L.push(`    firstInstallTime=${firstInstall}`);
  L.push(`    lastUpdateTime=${stamp}`);
  if (!hidden) {
    const installerUid = app.installer
      ? (phone.apps.find((a) => a.pkg === app.installer)?.uid ?? -1)
      : -1;
    if (sdk >= 34) {
      L.push(`    installerPackageName=${app.installer ?? 'null'}`);
      L.push(`    installerPackageUid=${installerUid}`);
      L.push(`    initiatingPackageName=${app.initiator ?? 'null'}`);
      L.push(`    originatingPackageName=${app.originator ?? 'null'}`);
    } else {
      if (app.installer) L.push(`    installerPackageName=${app.installer}`);
      if (sdk >= 30 && app.initiator) L.push(`    initiatingPackageName=${app.initiator}`);
      if (sdk >= 30 && app.originator) L.push(`    originatingPackageName=${app.originator}`);
    }
    if (sdk >= 33) L.push(`    packageSource=${packageSource(app)}`);
    if (sdk >= 34) L.push('    appMetadataFilePath=null');
  }
  L.push(
    `    signatures=PackageSignatures{${idHex(r)} version:${app.signingVersion ?? 2}, signatures:[${sigHash(app)}], past signatures:[]}`,
  );
  L.push('    installPermissionsFixed=true');
  L.push(`    pkgFlags=[ ${appFlags(app).join(' ')} ]`);
  if (sdk >= 31) L.push(`    privatePkgFlags=[ ${privateFlags(app, sdk).join(' ')} ]`);
  if (sdk >= 34) L.push('    apexModuleName=null');
  const requested = app.requested;
  if (requested.length > 0) {
    L.push('    requested permissions:');
    for (const p of requested) L.push(`      ${p}`);
  }
  const install = requested.filter((p) => !isRuntimePermission(p, sdk));
  if (install.length > 0) {
    L.push('    install permissions:');
    for (const p of install) {
      const granted = app.systemDir ? true : !NEVER_GRANTED_TO_APPS.has(p);
      L.push(`      ${p}: granted=${granted}`);
    }
  }
  if (hidden) return `${L.join('\n')}\n`;
  const installed = app.installedForUser0 !== false;
  const launched = installed && (app.launcher !== undefined || !app.systemDir);
  L.push(
    `    User 0: ceDataInode=${installed ? 100000 + (strHash(app.pkg, phone.seed) % 900000) : 0} ` +
      `installed=${installed} hidden=false suspended=false distractionFlags=0 ` +
      `stopped=${!launched} notLaunched=${!launched} enabled=${app.enabledState ?? 0} ` +
      `instant=false virtual=false`,
  );
  if (sdk >= 33) {
    L.push(`      installReason=${app.systemDir && !app.updated ? 0 : 4}`);
    L.push(`      firstInstallTime=${firstInstall}`);
    L.push('      uninstallReason=0');
  }
  if ((app.enabledState ?? 0) >= 2) L.push(`      lastDisabledCaller: com.android.settings`);
  L.push(`      gids=[${gids(app).join(', ')}]`);
  const runtime = requested.filter((p) => isRuntimePermission(p, sdk));
  if (runtime.length > 0) {
    L.push('      runtime permissions:');
    for (const p of runtime) {
      const g = app.granted.includes(p);
      L.push(`        ${p}: granted=${g}, flags=[ ${runtimeFlags(app, g)}]`);
    }
  }
  return `${L.join('\n')}\n`;
}

function gids(app: SimApp): number[] {
  const g: number[] = [];
  if (app.requested.includes('android.permission.INTERNET')) g.push(3003);
  if (app.requested.includes('android.permission.BLUETOOTH_ADMIN')) g.push(3002);
  if (app.requested.includes('android.permission.BLUETOOTH')) g.push(3001);
  return g;
}

/** PackageInstaller.PACKAGE_SOURCE_*: 0 unspecified, 2 store, 3 local file, 4 downloaded file. */
function packageSource(app: SimApp): number {
  if (app.systemDir && !app.updated) return 0;
  if (app.originator) return 4;
  if (
    app.installer === 'com.android.vending' ||
    app.installer === 'com.sec.android.app.samsungapps'
  )
    return 2;
  if (app.initiator === 'com.android.shell') return 1;
  return 3;
}

export function renderDumpsysPackage(phone: SimPhone): string {
  const r = rng(phone.seed ^ 0x5eed);
  let out = 'Packages:\n';
  for (const app of phoneOrder(phone.apps, phone.seed))
    out += renderPackageBlock(app, phone, r, false);
  const hidden = phone.apps.filter((a) => a.systemDir && a.updated);
  if (hidden.length > 0) {
    out += '\nHidden system packages:\n';
    for (const app of phoneOrder(hidden, phone.seed))
      out += renderPackageBlock(app, phone, r, true);
  }
  return out;
}

/** `dumpsys package` with no section: a short head of the other sections, then the packages. */
export function renderDumpsysPackageFull(phone: SimPhone): string {
  const fp = phone.props['ro.build.fingerprint'] ?? 'unknown';
  const gms = phone.apps.find((a) => a.pkg === 'com.google.android.gms');
  const vending = phone.apps.find((a) => a.pkg === 'com.android.vending');
  let out = 'Database versions:\n';
  out += `  Internal:\n    sdkVersion=${phone.sdk} databaseVersion=3\n    buildFingerprint=${fp}\n    fingerprint=${fp}\n`;
  out += `  External:\n    sdkVersion=${phone.sdk} databaseVersion=3\n    buildFingerprint=${fp}\n    fingerprint=${fp}\n\n`;
  if (vending) out += `Verifiers:\n  Required: com.android.vending (uid=${vending.uid})\n\n`;
  if (gms) out += `Domain verifier:\n  Using: com.google.android.gms (uid=${gms.uid})\n\n`;
  out += 'Libraries:\n';
  out += '  android.test.base -> (jar) /system/framework/android.test.base.jar\n';
  out += '  android.test.mock -> (jar) /system/framework/android.test.mock.jar\n';
  out += '  android.test.runner -> (jar) /system/framework/android.test.runner.jar\n';
  out += '  javax.obex -> (jar) /system/framework/javax.obex.jar\n';
  out += '  org.apache.http.legacy -> (jar) /system/framework/org.apache.http.legacy.jar\n\n';
  out += 'Features:\n';
  for (const f of [
    'android.hardware.bluetooth',
    'android.hardware.camera',
    'android.hardware.location.gps',
    'android.hardware.nfc',
    'android.hardware.telephony',
    'android.hardware.touchscreen',
    'android.hardware.wifi',
    'android.software.device_admin',
    'android.software.managed_users',
  ])
    out += `  ${f}\n`;
  return `${out}\n${renderDumpsysPackage(phone)}`;
}

// ---------------------------------------------------------------------------
// Launcher query

export function renderLauncher(phone: SimPhone): string {
  const apps = phoneOrder(installedApps(phone), phone.seed ^ 0x1a).filter(
    (a) => a.launcher !== undefined && (a.enabledState ?? 0) < 2,
  );
  if (apps.length === 0) return 'No activities found\n';
  let out = `${apps.length} activities found:\n`;
  apps.forEach((a, i) => {
    out += `  Activity #${i}:\n`;
    out += '    priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false\n';
    out += `    ${shortComponent(a.pkg, a.launcher as string)}\n`;
  });
  return out;
}

// ---------------------------------------------------------------------------
// settings

/** The settings the phone derives from its apps (accessibility, listeners), merged over the base. */
export function effectiveSettings(phone: SimPhone): SimPhone['settings'] {
  const secure = { ...phone.settings.secure };
  const a11y = installedApps(phone)
    .filter((a) => a.a11y?.enabled)
    .map((a) => flatten(a.pkg, (a.a11y as { cls: string }).cls));
  if (a11y.length > 0) {
    secure.enabled_accessibility_services = a11y.join(':');
    secure.accessibility_enabled = '1';
  } else {
    secure.accessibility_enabled ??= '0';
  }
  const listeners = installedApps(phone)
    .filter((a) => a.listener?.enabled)
    .map((a) => flatten(a.pkg, (a.listener as { cls: string }).cls));
  const base = secure.enabled_notification_listeners
    ? secure.enabled_notification_listeners.split(':')
    : [];
  const all = [...base, ...listeners.filter((l) => !base.includes(l))];
  secure.enabled_notification_listeners = all.join(':');
  return { secure, global: { ...phone.settings.global }, system: { ...phone.settings.system } };
}

export function renderSettings(map: Record<string, string>): string {
  return Object.keys(map)
    .sort()
    .map((k) => `${k}=${map[k]}`)
    .join('\n')
    .concat('\n');
}

// ---------------------------------------------------------------------------
// dumpsys accessibility

function boundService(label: string): string {
  return `Service[label=${label}, feedbackType[FEEDBACK_SPOKEN, FEEDBACK_HAPTIC, FEEDBACK_AUDIBLE, FEEDBACK_VISUAL, FEEDBACK_GENERIC], capabilities=1, eventTypes=TYPES_ALL_MASK, notificationTimeout=100, requestA11yBtn=false]`;
}

export function renderAccessibility(phone: SimPhone): string {
  const installed = installedApps(phone).filter((a) => a.a11y);
  const enabled = installed.filter((a) => a.a11y?.enabled);
  const sdk = phone.sdk;
  let out = 'ACCESSIBILITY MANAGER (dumpsys accessibility)\n\n';
  if (phone.vendor === 'samsung') {
    // One UI keeps the pre-11 layout with numbered service lists
    out += 'User state[attributes:{id=0, currentUser=true\n';
    for (const k of [
      'mIsNavBarMagnificationAssignedToAccessibilityButton = false\n',
      'mIsNavBarMagnifierWindowAssignedToAccessibilityButton = false',
      'mIsAmplifyAmbientSoundEnabled = false',
      'mIsBixbyRunning = false',
      'mIsMagniferWindowEnabled = false',
      'mIsTextHighContrastEnabled = false',
      'mIsDisplayMagnificationEnabled = false',
      'mIsAutoclickEnabled = false',
      `mIsPerformGesturesEnabled = ${enabled.length > 0}`,
      'mIsFilterKeyEventsEnabled = false',
      'mAccessibilityFocusOnlyInActiveWindow = true',
      'mUserNonInteractiveUiTimeout = 0',
      'mUserInteractiveUiTimeout = 0',
      'mBindInstantServiceAllowed = false',
      'mIsGestureNaviBar = true',
    ])
      out += `  ${k}\n`;
    out += '  }\n  installed services: {\n';
    installed.forEach((a, i) => {
      out += `    ${i} : ${shortComponent(a.pkg, (a.a11y as { cls: string }).cls)}\n`;
    });
    out += '  }\n  enabled services: {\n';
    enabled.forEach((a, i) => {
      out += `    ${i} : ${shortComponent(a.pkg, (a.a11y as { cls: string }).cls)}\n`;
    });
    out += '  }\n  binding services: {\n  }\n  bound services:{\n';
    for (const a of enabled) out += `    ${boundService(a.a11y?.label ?? a.pkg)}\n`;
    out += '  }\n  AccessibilityInputFilter:{\n  }]\n\n';
    return out;
  }
  const enabledList = enabled
    .map((a) => `{${shortComponent(a.pkg, (a.a11y as { cls: string }).cls)}}`)
    .join(', ');
  const boundList = enabled
    .map((a) => boundService(a.a11y?.label ?? a.pkg))
    .join(', \n                     ');
  if (sdk <= 29) {
    // AOSP 10: UserState.dump, attributes on the first line, 11-space indents
    out += `User state[attributes:{id=0, currentUser=true, touchExplorationEnabled=false, displayMagnificationEnabled=false, navBarMagnificationEnabled=false, autoclickEnabled=false, nonInteractiveUiTimeout=0, interactiveUiTimeout=0, installedServiceCount=${installed.length}}\n`;
    out += `           Bound services:{${boundList}}\n`;
    out += `           Enabled services:{${enabledList}}\n`;
    out += '           Binding services:{}]\n\n';
    return out;
  }
  out += 'currentUserId=0\n';
  if (sdk >= 34) {
    out += 'hasWindowMagnificationConnection=false\n';
    out += 'Magnifier on display#0\n';
    out +=
      '    MagnificationConfig[mode: 1, activated: false, scale: 1.0, centerX: 540.0, centerY: 1200.0] \n';
    out += '    Magnification region=SkRegion((0,0,1080,2400))\n';
    out += '    IdOfLastServiceToMagnify=-1\n';
    out += '    SupportWindowMagnification=true\n';
    out += '    WindowMagnificationConnectionState=DISCONNECTED\n';
  } else {
    out += 'hasWindowMagnificationConnection=false\n';
  }
  out += 'User state[\n';
  out += `     attributes:{id=0, touchExplorationEnabled=false, serviceHandlesDoubleTap=false, requestMultiFingerGestures=false, requestTwoFingerPassthrough=false, sendMotionEventsEnabledfalse, displayMagnificationEnabled=false, autoclickEnabled=false, nonInteractiveUiTimeout=0, interactiveUiTimeout=0, installedServiceCount=${installed.length}, magnificationModes={0=1}, magnificationCapabilities=3, audioDescriptionByDefaultEnabled=false, magnificationFollowTypingEnabled=true${sdk >= 34 ? ', alwaysOnMagnificationEnabled=false' : ''}}\n`;
  out += '     shortcut key:{}\n     button:{}\n     button target:{null}\n';
  out += `     Bound services:{${boundList}}\n`;
  out += `     Enabled services:{${enabledList}}\n`;
  out += '     Binding services:{}\n     Crashed services:{}\n';
  out += '     Client list info:{\n          Client list callbacks: 4\n';
  out += '          Client list killed: false\n          Client list broadcasts count: -1\n';
  out += '          Registered clients:{\n';
  out += `[com.android.systemui][${launcherPackage(phone)}][com.android.settings]}]\n\n`;
  if (sdk >= 34) {
    out +=
      'Proxy manager state:\n    Number of proxy connections: 0\n    Registered proxy connections:\n';
  }
  return out;
}

function launcherPackage(phone: SimPhone): string {
  if (phone.vendor === 'google') return 'com.google.android.apps.nexuslauncher';
  if (phone.vendor === 'samsung') return 'com.sec.android.app.launcher';
  return 'com.miui.home';
}

// ---------------------------------------------------------------------------
// dumpsys device_policy

export function renderDevicePolicy(phone: SimPhone): string {
  const admins = installedApps(phone).filter((a) => a.admin?.active);
  let out = 'Current Device Policy Manager state:\n';
  if (phone.sdk >= 31) {
    out +=
      '  Immutable state:\n    mHasFeature=true\n    mIsWatch=false\n    mIsAutomotive=false\n';
    out += '    mHasTelephonyFeature=true\n    mSafetyChecker=null\n';
    out += '  Device policy cache:\n    mScreenCaptureDisallowedUser=-10000\n';
    out += '    mPasswordQuality={0=0}\n    mPermissionPolicy={0=0}\n';
    out += '    mCanGrantSensorsPermissions=false\n';
    out += '  Device state cache:\n    mIsDeviceSecureWithPermission=false\n';
  }
  out += '\n  Enabled Device Admins (User 0, provisioningState: 0):\n';
  for (const a of admins) {
    const admin = a.admin as SimAdmin;
    out += `    ${shortComponent(a.pkg, admin.cls)}:\n`;
    out += `      uid=${a.uid}\n      testOnlyAdmin=false\n      policies:\n`;
    for (const p of admin.policies) out += `        ${p}\n`;
    out += '      passwordQuality=0x0\n      minimumPasswordLength=0\n';
    out += '      passwordHistoryLength=0\n      maximumTimeToUnlock=0\n';
    out += '      maximumFailedPasswordsForWipe=0\n      disableCamera=false\n';
    out += '      disableScreenCapture=false\n      encryptionRequested=false\n';
  }
  out += '    mPasswordOwner=-1\n    mUserControlDisabledPackages=[]\n';
  out += '    mAppsSuspended=false\n    mUserSetupComplete=true\n';
  out += '    mAffiliationIds=[]\n    mNewUserDisclaimer=null\n\n';
  return out;
}

// ---------------------------------------------------------------------------
// dumpsys account

export function renderAccount(phone: SimPhone): string {
  const flags = phone.sdk >= 34 ? '4c13' : 'c13';
  let out = `User UserInfo{0:Owner:${flags}}:\n`;
  out += `  Accounts: ${phone.accounts.length}\n`;
  for (const a of phone.accounts) out += `    Account {name=${a.name}, type=${a.type}}\n`;
  out += '\n  AccountId, Action_Type, timestamp, UID, TableName, Key\n  Accounts History\n';
  phone.accounts.forEach((a, i) => {
    const auth = phone.authenticators[a.type] ?? '';
    const uid = phone.apps.find((x) => x.pkg === auth.split('/')[0])?.uid ?? 1000;
    out += `  ${i + 1},action_account_add,${localTime(phone.apps[0]?.installTime ?? 0, phone.tzOffsetMin)},${uid},accounts,${i + 1}\n`;
  });
  out += '\n  Active Sessions: 0\n\n';
  const types = Object.keys(phone.authenticators);
  out += `  RegisteredServicesCache: ${types.length} services\n`;
  for (const t of types) {
    const comp = phone.authenticators[t] as string;
    const [pkg = '', cls = ''] = comp.split('/');
    const uid = phone.apps.find((x) => x.pkg === pkg)?.uid ?? 1000;
    out += `    ServiceInfo: AuthenticatorDescription {type=${t}}, ComponentInfo{${pkg}/${cls}}, uid ${uid}\n`;
  }
  out += '\n';
  return out;
}

// ---------------------------------------------------------------------------
// dumpsys adb

export function renderAdb(phone: SimPhone): string {
  if (phone.sdk < 30) return "Can't find service: adb\n";
  const keys = phone.adbKeys;
  let out = 'ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n';
  out += '    connected_to_adb=true\n';
  const last = keys[keys.length - 1];
  if (last) out += `    last_key_received=${last.fingerprint}\n`;
  if (keys.length > 0) {
    const lines = keys.map((k) => `${k.key} ${k.name}`);
    out += `    user_keys=${lines.join('\n    ')}\n\n`;
  }
  out += "    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n";
  out += '    <keyStore version="1">\n';
  for (const k of keys)
    out += `    <adbKey key="${k.key} ${k.name}" lastConnection="${k.lastConnection}" />\n`;
  out += '    </keyStore>\n\n  }\n}\n';
  return out;
}

// ---------------------------------------------------------------------------
// app ops, doze whitelist

export function renderQueryOp(phone: SimPhone, op: string): string {
  const apps = phoneOrder(installedApps(phone), phone.seed ^ 0x0b).filter((a) =>
    a.ops?.includes(op),
  );
  return apps.map((a) => `${a.pkg}\n`).join('');
}

export function renderDeviceIdle(phone: SimPhone): string {
  let out = '';
  for (const s of phone.idleSystem) if (s.exceptIdle) out += `system-excidle,${s.pkg},${s.uid}\n`;
  for (const s of phone.idleSystem) out += `system,${s.pkg},${s.uid}\n`;
  for (const a of installedApps(phone))
    if (a.batteryExempt && !phone.idleSystem.some((s) => s.pkg === a.pkg))
      out += `user,${a.pkg},${a.uid}\n`;
  return out;
}

// ---------------------------------------------------------------------------
// dumpsys appops

/** AppOpsManager op codes: a package's ops print in code order. */
const OP_CODES: Record<string, number> = {
  COARSE_LOCATION: 0,
  FINE_LOCATION: 1,
  GPS: 2,
  VIBRATE: 3,
  READ_CONTACTS: 4,
  WRITE_CONTACTS: 5,
  READ_CALL_LOG: 6,
  WRITE_CALL_LOG: 7,
  READ_CALENDAR: 8,
  WRITE_CALENDAR: 9,
  WIFI_SCAN: 10,
  POST_NOTIFICATION: 11,
  CALL_PHONE: 13,
  READ_SMS: 14,
  RECEIVE_SMS: 16,
  SEND_SMS: 20,
  WRITE_SETTINGS: 23,
  SYSTEM_ALERT_WINDOW: 24,
  ACCESS_NOTIFICATIONS: 25,
  CAMERA: 26,
  RECORD_AUDIO: 27,
  PLAY_AUDIO: 28,
  READ_CLIPBOARD: 29,
  WRITE_CLIPBOARD: 30,
  TAKE_AUDIO_FOCUS: 32,
  WAKE_LOCK: 40,
  MONITOR_LOCATION: 41,
  MONITOR_HIGH_POWER_LOCATION: 42,
  GET_USAGE_STATS: 43,
  TOAST_WINDOW: 45,
  READ_PHONE_STATE: 51,
  BODY_SENSORS: 56,
  READ_EXTERNAL_STORAGE: 59,
  WRITE_EXTERNAL_STORAGE: 60,
  GET_ACCOUNTS: 62,
  RUN_IN_BACKGROUND: 63,
  REQUEST_INSTALL_PACKAGES: 66,
  RUN_ANY_IN_BACKGROUND: 70,
  START_FOREGROUND: 76,
  ACTIVITY_RECOGNITION: 79,
  LEGACY_STORAGE: 87,
  ACCESS_MEDIA_LOCATION: 90,
  SCHEDULE_EXACT_ALARM: 107,
  BLUETOOTH_CONNECT: 111,
};

/** AppOpsManager.opToSwitch: the location ops follow COARSE_LOCATION's mode. */
const OP_SWITCH: Record<string, string> = {
  FINE_LOCATION: 'COARSE_LOCATION',
  GPS: 'COARSE_LOCATION',
  WIFI_SCAN: 'COARSE_LOCATION',
  MONITOR_LOCATION: 'COARSE_LOCATION',
  MONITOR_HIGH_POWER_LOCATION: 'COARSE_LOCATION',
};

/** Runtime permission → the op PermissionPolicyService keeps in step with it (uid-wide). */
const PERMISSION_OPS: Record<string, string> = {
  'android.permission.ACCESS_COARSE_LOCATION': 'COARSE_LOCATION',
  'android.permission.ACCESS_FINE_LOCATION': 'FINE_LOCATION',
  'android.permission.READ_CONTACTS': 'READ_CONTACTS',
  'android.permission.WRITE_CONTACTS': 'WRITE_CONTACTS',
  'android.permission.READ_CALL_LOG': 'READ_CALL_LOG',
  'android.permission.READ_CALENDAR': 'READ_CALENDAR',
  'android.permission.CALL_PHONE': 'CALL_PHONE',
  'android.permission.READ_SMS': 'READ_SMS',
  'android.permission.RECEIVE_SMS': 'RECEIVE_SMS',
  'android.permission.SEND_SMS': 'SEND_SMS',
  'android.permission.CAMERA': 'CAMERA',
  'android.permission.RECORD_AUDIO': 'RECORD_AUDIO',
  'android.permission.READ_PHONE_STATE': 'READ_PHONE_STATE',
  'android.permission.BODY_SENSORS': 'BODY_SENSORS',
  'android.permission.ACTIVITY_RECOGNITION': 'ACTIVITY_RECOGNITION',
};

const UID_STATE_ORDER = ['pers', 'top', 'fgsvcl', 'fgsvc', 'fg', 'bg', 'cch'];

/** TimeUtils.formatDuration without a field width: "-1d4h16m57s689ms", "+12s0ms". */
export function opDuration(ms: number): string {
  if (ms === 0) return '0';
  const sign = ms < 0 ? '-' : '+';
  let rest = Math.abs(Math.round(ms));
  const parts: [number, string][] = [
    [Math.floor(rest / 86_400_000), 'd'],
    [Math.floor(rest / 3_600_000) % 24, 'h'],
    [Math.floor(rest / 60_000) % 60, 'm'],
    [Math.floor(rest / 1000) % 60, 's'],
  ];
  rest %= 1000;
  let out = sign;
  let started = false;
  for (const [n, unit] of parts) {
    if (!started && n === 0) continue;
    out += `${n}${unit}`;
    started = true;
  }
  return `${out}${rest}ms`;
}

/** SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSS") in the phone's zone. */
function opTime(ms: number, tzOffsetMin: number): string {
  return `${localTime(ms, tzOffsetMin)}.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
}

/** When the phone is scanned: its own "now", else the end of its battery history. */
export function phoneNow(phone: SimPhone): number {
  return phone.now ?? (phone.batteryHistory ?? defaultHistory(phone)).end + 60_000;
}

const P_ = (n: string) => `android.permission.${n}`;

/**
 * The ops an ordinary app leaves behind: its granted location, camera, microphone, SMS… used
 * now and then (a quarter never), wake locks, the special app-ops it holds, and rejected tries
 * (location asked in the background with a foreground-only grant, drawing over apps unallowed).
 */
function ordinaryOpUse(app: SimApp, phone: SimPhone, now: number): SimOpUse[] {
  const g = new Set(app.granted);
  const req = new Set(app.requested);
  const h = (salt: string) => strHash(`${app.pkg}:${salt}`, phone.seed);
  // 20 minutes to about three weeks ago, most of them recent, with odd seconds and millis
  const ago = (salt: string, maxHours = 500) => {
    const x = (h(salt) % 10_000) / 10_000;
    return Math.round((0.33 + x * x * x * maxHours) * 3_600_000) + (h(`${salt}#`) % 3_600_000);
  };
  // a system uid or persistent app is always in the "pers" state
  const pers = app.uid < 10_000 || app.extraFlags?.includes('PERSISTENT');
  const ev = (salt: string, state: string, extra: Partial<SimOpEvent> = {}): SimOpEvent => ({
    at: now - ago(salt, extra.duration ? 300 : 500),
    state: pers ? 'pers' : state,
    ...extra,
  });
  const used = (salt: string) => h(salt) % 4 !== 0;
  const out: SimOpUse[] = [];
  const bgLocation = g.has(P_('ACCESS_BACKGROUND_LOCATION'));
  if (g.has(P_('ACCESS_FINE_LOCATION')) || g.has(P_('ACCESS_COARSE_LOCATION'))) {
    const access: SimOpEvent[] = used('loc') ? [ev('loc', 'top')] : [];
    if (bgLocation && used('locbg')) access.push(ev('locbg', 'bg'));
    const reject =
      !bgLocation && phone.sdk >= 29 && h('locrej') % 3 === 0 ? [ev('locrej', 'cch')] : [];
    out.push({ op: 'COARSE_LOCATION', access, reject });
    if (g.has(P_('ACCESS_FINE_LOCATION'))) {
      out.push({
        op: 'FINE_LOCATION',
        access: access.map((e) => ({ ...e, at: e.at - 41 })),
        reject: reject.map((e) => ({ ...e, at: e.at - 41 })),
      });
    }
  }
  const simple: [string, string, string, number?][] = [
    ['READ_CONTACTS', 'READ_CONTACTS', 'top'],
    ['READ_CALL_LOG', 'READ_CALL_LOG', 'top'],
    ['READ_SMS', 'READ_SMS', 'top'],
    ['RECEIVE_SMS', 'RECEIVE_SMS', 'bg'],
    ['CAMERA', 'CAMERA', 'top', 1],
    ['RECORD_AUDIO', 'RECORD_AUDIO', 'top', 1],
    ['READ_PHONE_STATE', 'READ_PHONE_STATE', 'fg'],
    ['BODY_SENSORS', 'BODY_SENSORS', 'fgsvc'],
    ['ACTIVITY_RECOGNITION', 'ACTIVITY_RECOGNITION', 'bg'],
  ];
  for (const [perm, op, state, started] of simple) {
    if (!g.has(P_(perm))) continue;
    const duration = started ? 1000 + (h(`${op}d`) % 240_000) : undefined;
    out.push({ op, access: used(op) ? [ev(op, state, duration ? { duration } : {})] : [] });
  }
  if (req.has(P_('WAKE_LOCK')) && h('wake') % 2 === 0) {
    out.push({ op: 'WAKE_LOCK', access: [ev('wake', 'cch', { duration: 20 + (h('wd') % 900) })] });
  }
  for (const op of app.ops ?? []) {
    const state = op === 'GET_USAGE_STATS' ? 'bg' : op === 'SYSTEM_ALERT_WINDOW' ? 'fgsvc' : 'top';
    out.push({ op, access: used(op) || op !== 'REQUEST_INSTALL_PACKAGES' ? [ev(op, state)] : [] });
  }
  for (const op of ['SYSTEM_ALERT_WINDOW', 'REQUEST_INSTALL_PACKAGES']) {
    if (!req.has(P_(op)) || app.ops?.includes(op)) continue;
    out.push({
      op,
      mode: 'default',
      reject: h(`${op}r`) % 2 === 0 ? [ev(`${op}r`, 'top')] : [],
    });
  }
  return out;
}

/** The modes PermissionPolicyService sets uid-wide: foreground-only location, denied grants. */
function uidOpModes(apps: SimApp[], phone: SimPhone): Record<string, string> {
  const modes: Record<string, string> = {};
  for (const app of apps) {
    if (app.uid < 10_000 || phone.sdk < 29) continue;
    const g = new Set(app.granted);
    for (const perm of app.requested) {
      const op = PERMISSION_OPS[perm];
      if (!op) continue;
      if (!g.has(perm)) {
        modes[op] = 'ignore';
      } else if (
        (op === 'COARSE_LOCATION' || op === 'FINE_LOCATION') &&
        app.requested.includes(P_('ACCESS_BACKGROUND_LOCATION')) &&
        !g.has(P_('ACCESS_BACKGROUND_LOCATION'))
      ) {
        modes[op] = 'foreground';
      }
    }
    if (
      phone.sdk <= 30 &&
      app.targetSdk <= 29 &&
      app.requested.includes(P_('WRITE_EXTERNAL_STORAGE'))
    ) {
      modes.LEGACY_STORAGE = 'allow';
    }
  }
  for (const [op, mode] of Object.entries(phone.uidOpModes?.[apps[0]?.uid ?? -1] ?? {})) {
    modes[op] = mode;
  }
  return modes;
}

function capability(state: string, sdk: number): string {
  const full = state === 'pers' || state === 'top' || state === 'fgsvc';
  const base = full ? 'LCMN' : state === 'fg' || state === 'bg' ? '---N' : '----';
  if (sdk >= 35) return `${base}${full ? 'FU-' : '---'}`;
  if (sdk >= 34) return `${base}${full ? 'F' : '-'}`;
  return base;
}

/** The events of one op under one tag, latest per uid state and flags, as AOSP prints them. */
function renderOpEvents(
  events: { access: SimOpEvent[]; reject: SimOpEvent[] },
  phone: SimPhone,
  now: number,
  prefix: string,
): string[] {
  type Latest = { access?: SimOpEvent; reject?: SimOpEvent };
  const keys = new Map<string, Latest>();
  const key = (e: SimOpEvent) => `${e.state ?? 'top'}-${e.flags ?? 's'}`;
  for (const kind of ['access', 'reject'] as const) {
    for (const e of events[kind]) {
      const k = key(e);
      const cur = keys.get(k) ?? {};
      if (!cur[kind] || cur[kind].at < e.at) cur[kind] = e;
      keys.set(k, cur);
    }
  }
  const order = [...keys.keys()].sort(
    (a, b) =>
      UID_STATE_ORDER.indexOf(a.split('-')[0] ?? '') -
        UID_STATE_ORDER.indexOf(b.split('-')[0] ?? '') || a.localeCompare(b),
  );
  const tz = phone.tzOffsetMin;
  const L: string[] = [];
  for (const k of order) {
    const { access, reject } = keys.get(k) as Latest;
    if (access) {
      let line = `${prefix}Access: [${k}] ${opTime(access.at, tz)} (${opDuration(access.at - now)})`;
      if (access.duration) line += ` duration=${opDuration(access.duration)}`;
      L.push(line);
    }
    // AOSP prints no space between the key and a reject's time
    if (reject)
      L.push(`${prefix}Reject: [${k}]${opTime(reject.at, tz)} (${opDuration(reject.at - now)})`);
  }
  return L;
}

/**
 * `dumpsys appops` in the layout of the phone's Android version (AppOpsService.dump):
 * Android 10 prints an op's events right under it; 11+ groups them by attribution tag
 * (`null=[` … `]`); 12+ adds the uid's `capability=` and `appWidgetVisible=`.
 */
export function renderAppOpsDump(phone: SimPhone): string {
  const now = phoneNow(phone);
  const sdk = phone.sdk;
  const L: string[] = ['Current AppOps Service state:', '  Settings:'];
  const settle = sdk >= 30 ? ['+5s0ms', '+5s0ms', '+1s0ms'] : ['+30s0ms', '+10s0ms', '+1s0ms'];
  L.push(`    top_state_settle_time=${settle[0]}`);
  L.push(`    fg_service_state_settle_time=${settle[1]}`);
  L.push(`    bg_state_settle_time=${settle[2]}`);
  L.push('');
  const r = rng(phone.seed ^ 0xa990);
  const systemPid = 1200 + Math.floor(r() * 800);
  const watcher = (flags: string) =>
    `ModeCallback{${idHex(r)} watchinguid=-1 flags=${flags} from uid=1000 pid=${systemPid}}`;
  L.push('  Op mode watchers:');
  L.push('    Op COARSE_LOCATION:');
  L.push(`      #0: ${watcher('0x1')}`);
  L.push(`      #1: ${watcher('0x1')}`);
  L.push('    Op SYSTEM_ALERT_WINDOW:');
  L.push(`      #0: ${watcher('0x0')}`);
  L.push('    Op REQUEST_INSTALL_PACKAGES:');
  L.push(`      #0: ${watcher('0x0')}`);
  L.push('');
  const byUid = new Map<number, SimApp[]>();
  for (const app of installedApps(phone)) {
    const list = byUid.get(app.uid) ?? [];
    list.push(app);
    byUid.set(app.uid, list);
  }
  for (const uid of [...byUid.keys()].sort((a, b) => a - b)) {
    const apps = byUid.get(uid) as SimApp[];
    const uses = apps.map((app) => {
      const own = app.opUse ?? [];
      const made = ordinaryOpUse(app, phone, now).filter((u) => !own.some((o) => o.op === u.op));
      return [...made, ...own].sort((a, b) => (OP_CODES[a.op] ?? 999) - (OP_CODES[b.op] ?? 999));
    });
    const modes = uidOpModes(apps, phone);
    if (uses.every((u) => u.length === 0) && Object.keys(modes).length === 0) continue;
    const events = uses.flat().flatMap((u) => u.access ?? []);
    const latest = Math.max(0, ...events.map((e) => e.at));
    const latestState = events.find((e) => e.at === latest)?.state;
    const pkg = apps[0]?.pkg ?? '';
    const state =
      uid < 10_000 || apps.some((a) => a.extraFlags?.includes('PERSISTENT'))
        ? 'pers'
        : /launcher|\.home$/.test(pkg)
          ? 'top'
          : now - latest < 15 * 60_000 && latestState
            ? latestState
            : apps.some((a) => a.a11y?.enabled)
              ? 'fgsvc'
              : strHash(pkg, phone.seed) % 5 === 0
                ? 'bg'
                : 'cch';
    L.push(`  Uid ${formatUid(uid)}:`);
    L.push(`    state=${state}`);
    if (sdk >= 31) {
      L.push(`    capability=${capability(state, sdk)}`);
      L.push('    appWidgetVisible=false');
    }
    const fgOps = Object.entries(modes).filter(([, m]) => m === 'foreground');
    if (fgOps.length > 0) {
      L.push('    foregroundOps:');
      for (const [op] of fgOps)
        L.push(`      ${op}: ${op === 'COARSE_LOCATION' ? 'WATCHER' : 'SILENT'}`);
      L.push('    hasForegroundWatchers=true');
    }
    for (const op of Object.keys(modes).sort((a, b) => (OP_CODES[a] ?? 999) - (OP_CODES[b] ?? 999)))
      L.push(`      ${op}: mode=${modes[op]}`);
    apps.forEach((app, i) => {
      const list = uses[i] ?? [];
      if (list.length === 0) return;
      L.push(`    Package ${app.pkg}:`);
      for (const use of list) {
        const mode = use.mode ?? 'allow';
        const sw = OP_SWITCH[use.op];
        const swMode = sw ? (list.find((u) => u.op === sw)?.mode ?? 'allow') : '';
        L.push(`      ${use.op} (${mode}${sw ? ` / switch ${sw}=${swMode}` : ''}): `);
        const access = use.access ?? [];
        const reject = use.reject ?? [];
        if (sdk < 30) {
          L.push(...renderOpEvents({ access, reject }, phone, now, '          '));
          continue;
        }
        const tags = [...new Set([...access, ...reject].map((e) => e.tag ?? 'null'))];
        for (const tag of tags) {
          const of = (e: SimOpEvent) => (e.tag ?? 'null') === tag;
          L.push(`        ${tag}=[`);
          L.push(
            ...renderOpEvents(
              { access: access.filter(of), reject: reject.filter(of) },
              phone,
              now,
              '          ',
            ),
          );
          L.push('        ]');
        }
      }
    });
  }
  return `${L.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// dumpsys batterystats --history

/** TimeUtils.formatDuration: "0", "+45ms", "+3m18s601ms", "+1d02h03m04s005ms". */
export function historyDuration(ms: number): string {
  if (ms <= 0) return '0';
  const parts: [number, string, number][] = [
    [Math.floor(ms / 86_400_000), 'd', 0],
    [Math.floor(ms / 3_600_000) % 24, 'h', 2],
    [Math.floor(ms / 60_000) % 60, 'm', 2],
    [Math.floor(ms / 1000) % 60, 's', 2],
  ];
  let out = '+';
  let started = false;
  for (const [n, unit, pad] of parts) {
    if (!started && n === 0) continue;
    out += `${started ? String(n).padStart(pad, '0') : n}${unit}`;
    started = true;
  }
  const milli = ms % 1000;
  return `${out}${started ? String(milli).padStart(3, '0') : milli}ms`;
}

/** UserHandle.formatUid, which Android 10 and older also use for installs' version codes. */
function formatUid(uid: number): string {
  if (uid < 10_000) return String(uid);
  const user = Math.floor(uid / 100_000);
  const appId = uid % 100_000;
  if (appId >= 99_000) return `u${user}i${appId - 99_000}`;
  if (appId >= 10_000) return `u${user}a${appId - 10_000}`;
  return `u${user}s${appId}`;
}

function defaultHistory(phone: SimPhone): SimBatteryHistory {
  const latest = Math.max(
    SYSTEM_IMAGE_TIME,
    ...installedApps(phone).map((a) => Math.max(a.installTime, a.updateTime)),
  );
  const end = latest + 2 * 3_600_000;
  return { start: end - 36 * 3_600_000, end, events: [] };
}

/**
 * The history as `dumpsys batterystats --history` prints it: a header, the RESET:TIME clock
 * line, battery levels, screen and wake-lock changes every half hour or so, and the app
 * installs (`pkginst=`) and removals (`pkgunin=`) at the time they happened.
 */
export function renderBatteryHistory(phone: SimPhone): string {
  const h = phone.batteryHistory ?? defaultHistory(phone);
  const r = rng(phone.seed ^ 0x5eed);
  const apps = new Map(phone.apps.map((a) => [a.pkg, a]));
  const events: SimHistoryEvent[] = [...h.events];
  for (const a of installedApps(phone)) {
    for (const t of new Set([a.installTime, a.updateTime])) {
      // the store spreads updates out over the hour after the app list's time
      const at = t + (strHash(a.pkg, phone.seed) % 3_000_000);
      if (at > h.start && at < h.end) events.push({ at, kind: 'installed', pkg: a.pkg });
    }
  }
  type Item = { at: number; n: number; text: string };
  const items: Item[] = [];
  const clock = (ms: number) => localTime(ms, phone.tzOffsetMin).replace(/[ :]/g, '-');
  items.push({ at: h.start, n: 15, text: `RESET:TIME: ${clock(h.start)}` });
  const full = 100 - Math.floor(r() * 6);
  // about one percent every 40 minutes, never below 5 (charged again)
  const levelAt = (t: number) =>
    String(Math.max(5, full - Math.floor((t - h.start) / 2_400_000))).padStart(3, '0');
  const extra = phone.sdk >= 31 ? ' modemRailChargemAh=0 wifiRailChargemAh=0' : '';
  items.push({
    at: h.start,
    n: 2,
    text: `${levelAt(h.start)} status=discharging health=good plug=none temp=${250 + Math.floor(r() * 40)} volt=${4200 + Math.floor(r() * 180)} charge=${3000 + Math.floor(r() * 1500)}${extra} +running +wake_lock +screen phone_signal_strength=great brightness=medium +wifi_radio +wifi wifi_signal_strength=4 wifi_suppl=completed`,
  });
  let screen = true;
  for (let t = h.start + 60_000 + Math.floor(r() * 600_000); t < h.end; ) {
    const lv = levelAt(t);
    if (r() < 0.35) {
      screen = !screen;
      items.push({ at: t, n: 3, text: `${lv} ${screen ? '+screen' : '-screen'}` });
    } else {
      items.push({ at: t, n: 2, text: `${lv} +wake_lock=1000:"*alarm*"` });
      items.push({ at: t + 150 + Math.floor(r() * 900), n: 1, text: `${lv} -wake_lock` });
    }
    t += 20 * 60_000 + Math.floor(r() * 25 * 60_000);
  }
  for (const at of h.restarts ?? []) {
    items.push({ at, n: 1, text: 'SHUTDOWN' });
    items.push({ at: at + 400, n: 1, text: 'START' });
    items.push({ at: at + 21_000, n: 13, text: `TIME: ${clock(at + 21_000)}` });
  }
  for (const e of events) {
    const code = e.versionCode ?? apps.get(e.pkg)?.versionCode ?? 1;
    const tag =
      e.kind === 'installed'
        ? `pkginst=${phone.sdk >= 31 ? String(code) : formatUid(code)}:"${e.pkg}"`
        : `pkgunin=0:"${e.pkg}"`;
    items.push({ at: e.at, n: 2, text: `${levelAt(e.at)} ${tag}` });
  }
  // stable order: by time, the clock line first at equal times
  const ordered = items
    .map((it, i) => ({ it, i }))
    .sort((a, b) => a.it.at - b.it.at || a.i - b.i)
    .map(({ it }) => it);
  const lines = ordered.map(
    (it) => `  ${historyDuration(it.at - h.start).padStart(19)} (${it.n}) ${it.text}`,
  );
  const bytes = lines.reduce((n, l) => n + l.length, 0);
  const kb = Math.max(1, Math.round(bytes / 4096));
  const total = phone.sdk >= 31 ? 4096 : 2048;
  const header = `Battery History (${Math.floor((kb * 100) / total)}% used, ${kb}KB used of ${total}KB, ${20 + events.length * 2} strings using ${Math.max(1, Math.round(kb / 3))}KB):`;
  return `${header}\n${lines.join('\n')}\n\n`;
}

// ---------------------------------------------------------------------------
// The whole phone

/** Every fixed command's output, keyed by the exact command string. */
export function renderShell(phone: SimPhone): Record<string, string> {
  const settings = effectiveSettings(phone);
  const pmFull = renderPmList(phone, { installer: true, uid: true, includeUninstalled: true });
  const shell: Record<string, string> = {
    [CMD.getprop]: renderGetprop(phone.props),
    [CMD.pmList]: pmFull,
    [CMD.pmListUser0]: pmFull,
    [CMD.pmListNoUid]: renderPmList(phone, {
      installer: true,
      uid: false,
      includeUninstalled: true,
    }),
    [CMD.pmListBare]: renderPmList(phone, {
      installer: false,
      uid: false,
      includeUninstalled: false,
    }),
    [CMD.dumpsysPackage]: renderDumpsysPackage(phone),
    [CMD.dumpsysPackageFull]: renderDumpsysPackageFull(phone),
    [CMD.launcherActivities]: renderLauncher(phone),
    [CMD.settingsSecure]: renderSettings(settings.secure),
    [CMD.settingsGlobal]: renderSettings(settings.global),
    [CMD.settingsSystem]: renderSettings(settings.system),
    [CMD.dumpsysAccessibility]: renderAccessibility(phone),
    [CMD.dumpsysDevicePolicy]: renderDevicePolicy(phone),
    [CMD.dumpsysAccount]: renderAccount(phone),
    [CMD.dumpsysAdb]: renderAdb(phone),
    [CMD.appopsUsageStats]: renderQueryOp(phone, 'GET_USAGE_STATS'),
    [CMD.appopsOverlay]: renderQueryOp(phone, 'SYSTEM_ALERT_WINDOW'),
    [CMD.appopsInstall]: renderQueryOp(phone, 'REQUEST_INSTALL_PACKAGES'),
    [CMD.deviceIdleWhitelist]: renderDeviceIdle(phone),
    [CMD.batteryHistory]: renderBatteryHistory(phone),
    [CMD.dumpsysAppops]: renderAppOpsDump(phone),
    // toybox `which` prints nothing (exit 1) when su is absent
    [CMD.whichSu]: '',
    ...renderLinkedShell(phone, phone.linked),
    [CMD.lockSettings]: renderLockSettings(phone),
  };
  return { ...shell, ...(phone.extraShell ?? {}) };
}

export function renderProfile(
  phone: SimPhone,
  files: Record<string, Buffer> = {},
): DeviceProfileData {
  return {
    name: phone.name,
    description: phone.description,
    serial: phone.serial,
    state: phone.state,
    banner: { ...phone.banner },
    ...(phone.clockOffsetSeconds ? { clock: { offsetSeconds: phone.clockOffsetSeconds } } : {}),
    shell: phone.state === 'device' ? renderShell(phone) : {},
    files,
  };
}

// ---------------------------------------------------------------------------
// Synthetic big phones for the benchmark

const SYNTH_DAY = 86_400_000;
/** 2024-05-01T09:00:00Z: the synthetic phone's "now" */
const SYNTH_NOW = Date.UTC(2024, 4, 1, 9, 0, 0);

const STORE_PERMS = [
  'android.permission.INTERNET',
  'android.permission.ACCESS_NETWORK_STATE',
  'android.permission.WAKE_LOCK',
  'android.permission.RECEIVE_BOOT_COMPLETED',
  'android.permission.FOREGROUND_SERVICE',
  'android.permission.VIBRATE',
  'com.google.android.c2dm.permission.RECEIVE',
  'com.google.android.gms.permission.AD_ID',
];
const OPTIONAL_RUNTIME = [
  'android.permission.POST_NOTIFICATIONS',
  'android.permission.CAMERA',
  'android.permission.ACCESS_FINE_LOCATION',
  'android.permission.ACCESS_COARSE_LOCATION',
  'android.permission.READ_CONTACTS',
  'android.permission.RECORD_AUDIO',
  'android.permission.READ_MEDIA_IMAGES',
  'android.permission.BLUETOOTH_CONNECT',
];
const WORDS = [
  'photo',
  'cloud',
  'note',
  'fit',
  'shop',
  'bank',
  'travel',
  'music',
  'video',
  'chat',
  'news',
  'weather',
  'map',
  'food',
  'game',
  'learn',
  'scan',
  'pay',
  'ride',
  'home',
  'health',
  'book',
  'radio',
  'sleep',
  'timer',
  'wallet',
  'camera',
  'draw',
  'puzzle',
  'quiz',
];
const VENDORS = [
  'com.acme',
  'com.brightapps',
  'io.northwind',
  'com.globex',
  'com.initech',
  'net.umbrella',
  'com.hooli',
  'org.piedpiper',
  'com.vandelay',
  'io.tyrell',
  'com.wonka',
  'com.soylent',
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

/** Base props and settings every synthetic Android 14 phone carries. */
function synthBase(seed: number): Pick<SimPhone, 'props' | 'settings'> {
  const fp = 'google/husky/husky:14/AP1A.240405.002/11480754:user/release-keys';
  return {
    props: {
      'ro.build.fingerprint': fp,
      'ro.build.version.release': '14',
      'ro.build.version.sdk': '34',
      'ro.build.version.security_patch': '2024-04-05',
      'ro.build.type': 'user',
      'ro.build.tags': 'release-keys',
      'ro.debuggable': '0',
      'ro.product.manufacturer': 'Google',
      'ro.product.brand': 'google',
      'ro.product.model': 'Pixel 8 Pro',
      'ro.product.device': 'husky',
      'ro.product.name': 'husky',
      'ro.serialno': `SYN${(seed >>> 0).toString(16).toUpperCase().padStart(9, '0')}`,
      'ro.boot.verifiedbootstate': 'green',
      'ro.boot.flash.locked': '1',
      'persist.sys.timezone': 'Europe/London',
    },
    settings: {
      secure: { android_id: (strHash(`aid${seed}`) >>> 0).toString(16).padStart(16, 'a') },
      global: {
        adb_enabled: '1',
        development_settings_enabled: '1',
        package_verifier_user_consent: '1',
        verifier_verify_adb_installs: '1',
        upload_apk_enable: '1',
      },
      system: { screen_brightness: '102' },
    },
  };
}

/** The SimPhone model behind syntheticProfileData, exposed for tests and the benchmark. */
export function syntheticPhone(opts: {
  apps: number;
  seed?: number;
  sideloaded?: number;
  /** how many of the apps are system apps (default: about a third) */
  system?: number;
}): SimPhone {
  const seed = opts.seed ?? 1;
  const r = rng(seed);
  const total = Math.max(0, Math.floor(opts.apps));
  const sideloaded = Math.min(Math.max(0, Math.floor(opts.sideloaded ?? 0)), total);
  const systemCount = Math.min(
    Math.max(0, Math.floor(opts.system ?? Math.round(total / 3))),
    total - sideloaded,
  );
  const apps: SimApp[] = [];
  const used = new Set<string>();
  let uid = 10100;
  // the store and GMS come first so installer uids resolve; they count toward the system third
  for (let i = 0; i < systemCount; i++) {
    const pkg =
      i === 0
        ? 'com.android.vending'
        : i === 1
          ? 'com.google.android.gms'
          : `com.android.synth.${pick(r, WORDS)}${i}`;
    used.add(pkg);
    const partition = pick(r, [
      '/system/app',
      '/system/priv-app',
      '/product/app',
      '/product/priv-app',
    ]);
    const dirName =
      pkg
        .split('.')
        .slice(-1)[0]
        ?.replace(/^\w/, (c) => c.toUpperCase()) ?? 'App';
    const updated = i < 2 || r() < 0.2;
    const installTime = SYNTH_NOW - 400 * SYNTH_DAY;
    apps.push({
      pkg,
      uid: uid++,
      versionName: `${14}.${Math.floor(r() * 50)}.${Math.floor(r() * 100)}`,
      versionCode: 34_000_000 + Math.floor(r() * 900_000),
      minSdk: 34,
      targetSdk: 34,
      systemDir: `${partition}/${dirName}`,
      updated,
      installer: updated ? 'com.android.vending' : null,
      initiator: updated ? 'com.android.vending' : null,
      installTime,
      updateTime: updated ? SYNTH_NOW - Math.floor(r() * 30) * SYNTH_DAY : installTime,
      launcher: r() < 0.3 ? `${pkg}.MainActivity` : undefined,
      requested: ['android.permission.INTERNET', 'android.permission.RECEIVE_BOOT_COMPLETED'],
      granted: [],
    });
  }
  const userCount = total - systemCount;
  for (let i = 0; i < userCount; i++) {
    const side = i >= userCount - sideloaded;
    let pkg = `${pick(r, VENDORS)}.${pick(r, WORDS)}${pick(r, WORDS)}`;
    while (used.has(pkg)) pkg = `${pkg}${Math.floor(r() * 10)}`;
    used.add(pkg);
    const runtime = OPTIONAL_RUNTIME.filter(() => r() < 0.35);
    const installTime = SYNTH_NOW - Math.floor(r() * 700 + 1) * SYNTH_DAY;
    apps.push({
      pkg,
      uid: uid++,
      versionName: `${1 + Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 10)}`,
      versionCode: 1 + Math.floor(r() * 500_000),
      minSdk: 24,
      targetSdk: 33 + Math.floor(r() * 2),
      installer: side ? 'com.google.android.packageinstaller' : 'com.android.vending',
      initiator: side ? 'com.google.android.packageinstaller' : 'com.android.vending',
      originator: side ? 'com.android.chrome' : null,
      installTime,
      updateTime: installTime + Math.floor(r() * 30) * SYNTH_DAY,
      launcher: `${pkg}.MainActivity`,
      requested: [...STORE_PERMS, ...runtime],
      granted: runtime.filter(() => r() < 0.6),
      splits: side ? ['base'] : ['base', 'config.arm64_v8a', 'config.en', 'config.xxhdpi'],
      batteryExempt: r() < 0.03,
    });
  }
  const base = synthBase(seed);
  return {
    name: `synthetic-${total}`,
    description: `Synthetic Android 14 phone with ${total} apps (${sideloaded} sideloaded), seed ${seed}`,
    serial: base.props['ro.serialno'] as string,
    state: 'device',
    banner: { product: 'husky', model: 'Pixel_8_Pro', device: 'husky' },
    sdk: 34,
    vendor: 'google',
    props: base.props,
    apps,
    accounts: [{ name: 'synthetic.user@gmail.com', type: 'com.google' }],
    authenticators: {
      'com.google':
        'com.google.android.gms/com.google.android.gms.auth.account.authenticator.GoogleAccountAuthenticatorService',
    },
    settings: base.settings,
    adbKeys: [],
    idleSystem: apps.some((a) => a.pkg === 'com.google.android.gms')
      ? [{ pkg: 'com.google.android.gms', uid: 10101, exceptIdle: true }]
      : [],
    seed,
    tzOffsetMin: 60,
    now: SYNTH_NOW,
    // the day and a bit before the scan: updates of that time, nothing removed
    batteryHistory: { start: SYNTH_NOW - 30 * 3_600_000, end: SYNTH_NOW, events: [] },
  };
}

/**
 * An Android 14 phone with `apps` packages (about a third of them system apps),
 * `sideloaded` of the user apps installed from a browser download. Same formats
 * as the fixture profiles; 1,000 apps render well under a second.
 */
export function syntheticProfileData(opts: {
  apps: number;
  seed?: number;
  sideloaded?: number;
  system?: number;
  /**
   * Serve every app installed under /data/app as an APK of a realistic size (see
   * syntheticApkSize), generated on demand, never held in memory. `carrier`: a real signed APK
   * the sideloaded ones are built around, so their signers can be read. Default: no APKs
   * served (sha256sum answers stand-in hashes).
   */
  apks?: boolean | { carrier?: Buffer };
  /** the phone's own costs (deviceCosts.ts); default none */
  costs?: DeviceCostsOption;
}): DeviceProfileData {
  const phone = syntheticPhone(opts);
  const data = renderProfile(phone);
  if (opts.costs) data.costs = opts.costs;
  if (!opts.apks) return data;
  const carrier = opts.apks === true ? undefined : opts.apks.carrier;
  const generated: Record<string, GeneratedFileSpec> = {};
  for (const app of phone.apps) {
    if (app.systemDir) continue;
    const side = app.installer !== 'com.android.vending';
    generated[apkPath(app, phone.seed)] = {
      size: syntheticApkSize(app.pkg, phone.seed, side ? 'sideloaded' : 'store'),
      ...(side && carrier ? { carrier } : {}),
    };
  }
  data.generated = generated;
  return data;
}

const MB = 1_000_000;

/**
 * Base APK sizes of the benchmark phones, fixed by package name and seed:
 * - store apps: log-uniform from 4 to 80 MB (median ~18 MB, mean ~25 MB). Popular apps' base
 *   APKs run from a few MB (utilities, split by language/density/ABI) to ~80 MB (social, banking
 *   and shopping apps carrying native code and assets in the base); most sit in 10–40 MB.
 * - sideloaded apps (stalkerware installed from a download): uniform from 2 to 15 MB, the range
 *   of the samples in public stalkerware indicator sets.
 * System apps are not served (their hashes are stand-ins, as on every simulated phone).
 */
export function syntheticApkSize(pkg: string, seed: number, kind: 'store' | 'sideloaded'): number {
  const u = strHash(`apk-size:${pkg}`, seed) / 0x1_0000_0000;
  if (kind === 'sideloaded') return Math.round((2 + 13 * u) * MB);
  return Math.round(4 * MB * 20 ** u);
}
