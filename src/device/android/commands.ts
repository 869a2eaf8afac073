/**
 * The read-only allowlist: the ONLY shell commands spycheck may send to an
 * Android phone. Every shell call goes through assertAllowed() before a byte
 * is sent. Adding a command here needs a reason it cannot change the phone.
 */

/** Fixed commands, sent exactly as written. */
export const ANDROID_COMMANDS = {
  getprop: 'getprop',
  /** -f apk path, -i installer, -U uid, -u include uninstalled-but-kept */
  pmList: 'pm list packages -f -i -U -u',
  /** Older/vendor fallbacks when a flag is rejected */
  pmListUser0: 'pm list packages --user 0 -f -i -U -u',
  pmListNoUid: 'pm list packages -f -i -u',
  pmListBare: 'pm list packages -f',
  /** Only the packages section: every package's versions, installer, flags, permissions */
  dumpsysPackage: 'dumpsys package packages',
  dumpsysPackageFull: 'dumpsys package',
  launcherActivities:
    'cmd package query-activities --brief -a android.intent.action.MAIN -c android.intent.category.LAUNCHER',
  settingsSecure: 'settings list secure',
  settingsGlobal: 'settings list global',
  settingsSystem: 'settings list system',
  dumpsysAccessibility: 'dumpsys accessibility',
  dumpsysDevicePolicy: 'dumpsys device_policy',
  dumpsysAccount: 'dumpsys account',
  dumpsysAdb: 'dumpsys adb',
  /**
   * Fallbacks only: a scan reads these three modes from `dumpsys appops` (below) and sends
   * these when that dump is missing or not usable (see the step registry's `from`).
   */
  appopsUsageStats: 'cmd appops query-op --user 0 GET_USAGE_STATS allow',
  appopsOverlay: 'cmd appops query-op --user 0 SYSTEM_ALERT_WINDOW allow',
  appopsInstall: 'cmd appops query-op --user 0 REQUEST_INSTALL_PACKAGES allow',
  deviceIdleWhitelist: 'dumpsys deviceidle whitelist',
  /**
   * Only the battery history: the phone's own log of app installs and removals (and battery
   * levels, screen on/off, wake locks) since it was last charged. `--history` only selects what
   * is printed; it does not reset, write or switch anything. The variants that do change the
   * phone stay refused, as does anything else not listed here exactly: `--reset` (clears the
   * stats), `--checkin` (writes, then clears, the last saved stats), `--write`, `--new-daily`,
   * `enable`/`disable` (switch recording options) and `--history-create-events` (adds events).
   */
  batteryHistory: 'dumpsys batterystats --history',
  /** every app's app-op modes and last access times (location, microphone, camera…): one answer for all apps */
  dumpsysAppops: 'dumpsys appops',
  whichSu: 'which su',
  /**
   * The phone's clock, for the police annex (times the phone records are on its own clock):
   * epoch seconds, nanoseconds and the UTC offset in one answer, e.g.
   * `1764494162.123456789+0000`. With a `+FORMAT` argument toybox's date only prints; it sets
   * the clock only when given a date (`date MMDDhhmm…`, `date -s …`, `date @…`), and every
   * other form of `date` stays refused (see NEVER). toybox before 0.7.4 (Android 8.0 and older)
   * has no %N and prints `1764494162.N+0000`: whole seconds, still usable.
   */
  clock: 'date +%s.%N%z',
  // Devices and networks linked to the phone (issue 14). Each is a plain dump with no argument
  // (or one fixed argument that only chooses what is printed); a dump reads state, it sets nothing.
  /** Paired Bluetooth devices (address, type, name): a dump only prints; pairing needs the phone's own screen */
  bluetoothManager: 'dumpsys bluetooth_manager',
  /** Apps the owner let manage a watch or other nearby device: a dump; associating needs a prompt on the phone */
  companionDevice: 'dumpsys companiondevice',
  /** Networks now, to see a VPN and the app that set it up: a dump (the `cmd connectivity` verbs stay refused) */
  connectivity: 'dumpsys connectivity',
  /** Which app holds each role (texts, calls, assistant…) for every user in one answer: a dump, not `cmd role` */
  role: 'dumpsys role',
  /**
   * Bytes each app sent since the phone started (totals only). `detail` only adds the per-app
   * sections to what is printed; `--poll`/`poll` (forces a stats write), `--checkin` and
   * `--proto` are other forms and stay refused, as does anything not written here exactly.
   */
  netstatsDetail: 'dumpsys netstats detail',
  /** Users and profiles (work profile, second user) with their types: a dump; creating or removing users is `pm`/`cmd user` verbs, refused */
  dumpsysUser: 'dumpsys user',
  /** Fallback when `dumpsys user` is refused: `pm list users` only lists (`pm create-user`/`remove-user` stay refused) */
  pmListUsers: 'pm list users',
  /**
   * Whether the phone has a screen lock (PIN, pattern or password) and which kind: a dump.
   * LockSettingsService.dump only reads state (user list, credential type, storage, strong
   * auth); it never sets or checks a credential. The `cmd lock_settings` verbs that do
   * (`set-pin`, `set-pattern`, `set-password`, `clear`, `verify`, `set-disabled`…) and the
   * `locksettings` tool stay refused, as does anything not written here exactly.
   */
  lockSettings: 'dumpsys lock_settings',
} as const;

export type AndroidCommandId = keyof typeof ANDROID_COMMANDS;

const FIXED = new Set<string>(Object.values(ANDROID_COMMANDS));

/** Package names: Java identifiers joined by dots (Android's own rule). */
const PACKAGE = '[A-Za-z][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)+';
/**
 * APK paths as Android lays them out (apps moved to an SD card "adopted" as
 * internal storage live under /mnt/expand/<volume uuid>/app). No spaces,
 * quotes or shell metacharacters.
 */
const APK_PATH =
  '/(?:data/app|mnt/expand/[0-9a-f-]{8,40}/app|system|system_ext|product|vendor|odm|apex|oem|preload|data/preload)/[A-Za-z0-9._~=+/-]+\\.apk';

/** Parameterised read-only commands. Anchored; no shell metacharacters can pass. */
const PATTERNS: readonly RegExp[] = [
  // hash APK files on the phone, several per command
  new RegExp(`^sha256sum(?: ${APK_PATH})+$`),
  // per-app queries: only used by the benchmark's "existing tools" baseline
  new RegExp(`^dumpsys package ${PACKAGE}$`),
  new RegExp(`^pm path ${PACKAGE}$`),
];

/**
 * Shell commands or fragments that change a phone (`date` included: given a date instead of a
 * `+FORMAT` it sets the clock; the one fixed clock reading above is matched before this), and
 * ".." path segments
 * (a hostile package list could otherwise steer sha256sum outside the APK
 * folders). Checked even if a pattern slips.
 */
const NEVER =
  /(?:^|[\s/])\.\.(?:[\s/]|$)|(?:^|[\s;&|`$(])(?:rm|mv|cp|dd|chmod|chown|reboot|input|screencap|screenrecord|am|uiautomator|bu|svc|setprop|wm|monkey|kill|killall|mkdir|touch|tee|sh|su|toybox|busybox|date|hwclock|timedatectl)(?:\s|$)|[;&|`$<>()\\'"*?\n\r]|pm\s+(?:install|uninstall|clear|disable|enable|hide|unhide|grant|revoke|suspend|set|reset|trim|create|remove|default)|settings\s+(?:put|delete|reset)|cmd\s+(?:appops\s+(?:set|reset)|package\s+(?:install|uninstall|clear|disable|enable|suspend|set))/;

export class ForbiddenCommandError extends Error {
  constructor(readonly command: string) {
    super(
      `Refused to send a command that is not on spycheck's read-only list: ${JSON.stringify(command)}`,
    );
    this.name = 'ForbiddenCommandError';
  }
}

export function isAllowedShell(command: string): boolean {
  if (command.length > 8000) return false;
  if (FIXED.has(command)) return true;
  if (NEVER.test(command)) return false;
  return PATTERNS.some((p) => p.test(command));
}

/** Throws before anything is sent when a command is not on the allowlist. */
export function assertAllowedShell(command: string): void {
  if (!isAllowedShell(command)) throw new ForbiddenCommandError(command);
}

/** Sync (file) requests: only reading APKs, never SEND/writing. */
export type SyncOp = 'STAT' | 'RECV' | 'LIST';
const SYNC_PATH = new RegExp(`^${APK_PATH}$`);

export function isAllowedSync(op: string, path: string): boolean {
  if (op !== 'STAT' && op !== 'RECV' && op !== 'LIST') return false;
  if (hasParentSegment(path)) return false;
  return SYNC_PATH.test(path);
}

const hasParentSegment = (path: string): boolean => path.split('/').includes('..');

export function assertAllowedSync(op: string, path: string): void {
  if (!isAllowedSync(op, path)) throw new ForbiddenCommandError(`sync ${op} ${path}`);
}

/**
 * Split APK paths into sha256sum commands that stay under the shell line
 * limit of old adbd (4 KiB payloads), so round-trips grow with apps/≈40.
 */
export function sha256sumCommands(paths: readonly string[], maxLen = 3800): string[] {
  const out: string[] = [];
  let cur = 'sha256sum';
  for (const p of paths) {
    if (!isAllowedSync('STAT', p)) continue;
    if (cur.length + 1 + p.length > maxLen && cur !== 'sha256sum') {
      out.push(cur);
      cur = 'sha256sum';
    }
    cur += ` ${p}`;
  }
  if (cur !== 'sha256sum') out.push(cur);
  return out;
}
