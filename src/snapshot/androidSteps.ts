/**
 * The Android step registry: one entry per collection step, saying which
 * commands ask for it (the first, then the fallbacks tried when the phone
 * refuses), which answer counts as usable, which parser reads it, and which
 * checks it feeds with what role. The collector's command list, the
 * assembler's checks and analyze's fact table are all derived from here, so
 * a new step is one entry, not edits in five files.
 */

import { ANDROID_COMMANDS as C } from '../device/android/commands.js';
import { ANDROID_STEP_IDS, type AndroidStepId } from '../model/androidCollection.js';
import type { Fact } from '../model/fact.js';
import type { ParserInfo } from '../model/parse.js';
import * as P from '../parse/android/index.js';
import { once } from './parseOnce.js';

/**
 * How a step's failure affects a check:
 * - `required`: the check did not run without it
 * - `either`: one of several sources; the check did not run only when all of them failed,
 *   and ran in part when some did
 * - `partial-without`: the check still ran, in part (root without the search for `su`)
 * - `stands-in`: used only when the check's own source failed, and then enough on its own
 *   (a bugreport's package dump as the app list)
 */
export type StepRole = 'required' | 'either' | 'partial-without' | 'stands-in';

export interface AndroidStepEntry {
  /** first command, then fallbacks; every one must be on the read-only allowlist */
  commands: readonly string[];
  /** the parser that reads the answer (for the evidence record of parser versions) */
  parser: ParserInfo;
  /**
   * Whether an answer (already known not to be a shell error) is usable, or the next fallback
   * should be asked. Absent: any answer that is not an error.
   */
  accept?: (text: string) => boolean;
  /**
   * Answered by another step's answer when `accept` takes it (the three app-op modes, read from
   * the full `dumpsys appops` that recent use asks for anyway): then nothing is sent for this
   * step. Only when that answer is missing, refused or not usable for this step are `commands`
   * asked, as fallbacks. The step keeps its own checks and roles, so a check fed by it is judged
   * on whichever answer it got.
   */
  from?: AndroidStepId;
  /** check id → role, in the order the check reports its problem (see CHECKS below) */
  checks: Partial<Record<AndroidCheckId, StepRole>>;
  /**
   * An evidence detail, not a source for any check or rule (the phone's clock): it feeds no
   * check, so losing it can never hide a finding or make a result incomplete; when it fails the
   * snapshot says so in a warning. Only a live scan can ask for it, so an import without it is
   * still complete.
   */
  evidenceOnly?: true;
}

/** Every Android check a scan reports, with the facts it supplies to rules. */
export const ANDROID_CHECKS = {
  // analyze's "props" fact (patch age, system properties) comes from here: without its own
  // check, a phone that refused getprop would have read as "no" to property rules
  props: {
    title: 'Basic facts about the phone (model, Android version, last security update)',
    facts: ['props'],
  },
  apps: { title: 'The list of installed apps', facts: ['packages'] },
  'app-details': {
    title: 'App details: where each app came from, when it was installed and what it may use',
    facts: ['permissions'],
  },
  launcher: { title: 'Which apps have an icon in the app list', facts: ['launcher'] },
  accessibility: {
    title: 'Apps that can read the screen and control the phone (accessibility)',
    facts: ['accessibility'],
  },
  'notification-listeners': {
    title: 'Apps that can read notifications',
    facts: ['notification_listeners'],
  },
  'device-admins': {
    title: 'Apps with device administrator or management control',
    facts: ['device_policy'],
  },
  accounts: { title: 'Accounts signed in on the phone', facts: ['accounts'] },
  settings: {
    title: 'Security settings (Play Protect, unknown apps, developer options)',
    facts: ['settings'],
  },
  // one failed app-op query makes every app-op matcher unknown: safer than a false "no"
  'usage-access': {
    title: 'Apps that can see which apps are used (usage access)',
    facts: ['appops'],
  },
  overlay: { title: 'Apps that can draw over other apps', facts: ['appops'] },
  'install-apps': { title: 'Apps allowed to install other apps', facts: ['appops'] },
  battery: {
    title: 'Apps allowed to run in the background without limits',
    facts: ['battery'],
  },
  root: {
    title: 'Signs that the phone has been "rooted" (its protections removed)',
    facts: ['root'],
  },
  'trusted-computers': { title: 'Computers trusted for USB debugging', facts: ['adb_keys'] },
  'recent-use': {
    title:
      'When apps last used the location, microphone, camera, body sensors, text messages or call log',
    facts: ['recent_use'],
  },
  'app-history': {
    title:
      'Apps that were installed and then removed recently (from the phone\u2019s battery records)',
    facts: ['past_packages'],
  },
  // devices and networks linked to the phone (issue 14)
  'linked-devices': {
    title: 'Watches and other devices linked to this phone (Bluetooth and companion apps)',
    facts: ['companion_devices'],
  },
  'network-interception': {
    title: 'VPN, private DNS and proxy: who could see this phone\u2019s internet traffic',
    facts: ['vpn'],
  },
  keyboards: { title: 'Keyboards, which can see everything typed', facts: ['keyboards'] },
  roles: {
    title: 'Which apps handle text messages, calls and the assistant',
    facts: ['roles'],
  },
  'data-sent': {
    title: 'How much data each app has sent since the phone was last restarted',
    facts: ['data_sent'],
  },
  users: { title: 'Other users and work profiles on this phone', facts: ['users'] },
  'screen-lock': {
    title: 'Whether the phone has a screen lock (PIN, pattern or password)',
    facts: ['screen_lock'],
  },
  // coverage checks: judged over the apps (how many were hashed or inspected), not one step
  'apk-hashes': {
    title: 'Fingerprints of app files (to match known spyware)',
    facts: ['apk_hashes'],
  },
  'signing-certs': {
    title: 'Who signed the apps that did not come from an app store',
    facts: ['certs'],
  },
} as const satisfies Record<string, { title: string; facts: readonly Fact[] }>;
export type AndroidCheckId = keyof typeof ANDROID_CHECKS;

/**
 * Whether an answer can stand for `cmd appops query-op --user 0 OP allow`: a query-op answer
 * always can (as before); the full `dumpsys appops` only when it was read whole (no warning: not
 * cut off by a dump timeout, no unreadable app name) and prints package modes at all. Every
 * phone has ops recorded for some package (wake locks, location…), so a dump with none is in a
 * form not known here, and empty sets read from it would be a false "no app holds it".
 */
function opModesUsable(text: string): boolean {
  if (!P.appopsDump.isAppOpsDump(text)) return true;
  const d = once('appopsDump', text, P.appopsDump.parseAppOpsDump);
  return (
    d.warnings.length === 0 && d.parsed.uids.some((u) => u.packages.some((p) => p.ops.length > 0))
  );
}

export const ANDROID_STEP_REGISTRY: Record<AndroidStepId, AndroidStepEntry> = {
  // the phone's clock against this computer's, for the police annex (snapshot.clock)
  clock: {
    commands: [C.clock],
    parser: P.date.PARSER,
    checks: {},
    evidenceOnly: true,
  },
  getprop: {
    commands: [C.getprop],
    parser: P.getprop.PARSER,
    checks: { props: 'required', root: 'required' },
  },
  packages: {
    commands: [C.pmList, C.pmListUser0, C.pmListNoUid, C.pmListBare],
    parser: P.pmList.PARSER,
    // an empty list is a refusal in disguise: ask the next form of the question
    accept: (text) => once('pm', text, P.pmList.parsePmList).parsed.packages.length > 0,
    checks: { apps: 'required' },
  },
  packageDetails: {
    commands: [C.dumpsysPackage, C.dumpsysPackageFull],
    parser: P.dumpsysPackage.PARSER,
    accept: (text) => text.includes('Package ['),
    checks: { 'app-details': 'required', apps: 'stands-in' },
  },
  launcher: {
    commands: [C.launcherActivities],
    parser: P.launcherActivities.PARSER,
    checks: { launcher: 'required' },
  },
  settingsSecure: {
    commands: [C.settingsSecure],
    parser: P.settings.PARSER,
    checks: {
      accessibility: 'either',
      'notification-listeners': 'required',
      settings: 'required',
      keyboards: 'required',
      // the always-on VPN is a secure setting: without it a VPN not connected now is missed
      'network-interception': 'partial-without',
    },
  },
  settingsGlobal: {
    commands: [C.settingsGlobal],
    parser: P.settings.PARSER,
    // private DNS and proxies are global settings: without them the traffic check runs in part
    checks: { settings: 'required', 'network-interception': 'partial-without' },
  },
  settingsSystem: {
    commands: [C.settingsSystem],
    parser: P.settings.PARSER,
    checks: { settings: 'required' },
  },
  accessibility: {
    commands: [C.dumpsysAccessibility],
    parser: P.dumpsysAccessibility.PARSER,
    checks: { accessibility: 'either' },
  },
  devicePolicy: {
    commands: [C.dumpsysDevicePolicy],
    parser: P.dumpsysDevicePolicy.PARSER,
    checks: { 'device-admins': 'required' },
  },
  accounts: {
    commands: [C.dumpsysAccount],
    parser: P.dumpsysAccount.PARSER,
    checks: { accounts: 'required' },
  },
  adbKeys: {
    commands: [C.dumpsysAdb],
    parser: P.dumpsysAdb.PARSER,
    checks: { 'trusted-computers': 'required' },
  },
  appopsUsageStats: {
    from: 'appopsDump',
    commands: [C.appopsUsageStats],
    parser: P.appops.PARSER,
    accept: opModesUsable,
    checks: { 'usage-access': 'required' },
  },
  appopsOverlay: {
    from: 'appopsDump',
    commands: [C.appopsOverlay],
    parser: P.appops.PARSER,
    accept: opModesUsable,
    checks: { overlay: 'required' },
  },
  appopsInstall: {
    from: 'appopsDump',
    commands: [C.appopsInstall],
    parser: P.appops.PARSER,
    accept: opModesUsable,
    checks: { 'install-apps': 'required' },
  },
  deviceIdle: {
    commands: [C.deviceIdleWhitelist],
    parser: P.deviceIdle.PARSER,
    checks: { battery: 'required' },
  },
  batteryHistory: {
    commands: [C.batteryHistory],
    parser: P.batteryHistory.PARSER,
    checks: { 'app-history': 'required' },
  },
  appopsDump: {
    commands: [C.dumpsysAppops],
    parser: P.appopsDump.PARSER,
    accept: (text) => P.appopsDump.isAppOpsDump(text),
    checks: { 'recent-use': 'required' },
  },
  su: {
    commands: [C.whichSu],
    parser: P.whichSu.PARSER,
    checks: { root: 'partial-without' },
  },
  // paired devices are a detail of linked devices: the companion apps are what rules read
  bluetooth: {
    commands: [C.bluetoothManager],
    parser: P.bluetooth.PARSER,
    checks: { 'linked-devices': 'partial-without' },
  },
  companionDevices: {
    commands: [C.companionDevice],
    parser: P.companion.PARSER,
    checks: { 'linked-devices': 'required' },
  },
  connectivity: {
    commands: [C.connectivity],
    parser: P.connectivity.PARSER,
    checks: { 'network-interception': 'required' },
  },
  roles: {
    commands: [C.role],
    parser: P.roles.PARSER,
    checks: { roles: 'required' },
  },
  netstats: {
    commands: [C.netstatsDetail],
    parser: P.netstats.PARSER,
    checks: { 'data-sent': 'required' },
  },
  users: {
    commands: [C.dumpsysUser, C.pmListUsers],
    parser: P.users.PARSER,
    // a dump without a user list is a refusal in disguise: ask `pm list users`
    accept: (text) => P.users.parseUsers(text).parsed.users.length > 0,
    checks: { users: 'required' },
  },
  // Android 8–10 print no lock type: the assembler then marks the check not run (never "no lock")
  lockSettings: {
    commands: [C.lockSettings],
    parser: P.lockSettings.PARSER,
    checks: { 'screen-lock': 'required' },
  },
};

/** Step id → its commands, in the collector's start order (which also names raw files). */
export const ANDROID_STEPS = Object.fromEntries(
  ANDROID_STEP_IDS.map((id) => [id, ANDROID_STEP_REGISTRY[id].commands]),
) as Record<AndroidStepId, readonly string[]>;

/** A check's sources: steps with their role, in the order a problem is reported. */
export interface CheckSources {
  title: string;
  sources: Array<{ step: AndroidStepId; role: StepRole }>;
}

/**
 * Check id → its sources, derived from the registry. Sources keep the step
 * order, except that among alternative sources a check's own dump comes
 * before a setting that only backs it up (accessibility: `dumpsys
 * accessibility`, then `settings list secure`), so the reported problem is
 * the one about the check's own source.
 */
export function androidCheckSources(): Record<AndroidCheckId, CheckSources> {
  const out = {} as Record<AndroidCheckId, CheckSources>;
  for (const [id, def] of Object.entries(ANDROID_CHECKS) as [
    AndroidCheckId,
    (typeof ANDROID_CHECKS)[AndroidCheckId],
  ][]) {
    out[id] = { title: def.title, sources: [] };
  }
  for (const step of ANDROID_STEP_IDS) {
    for (const [check, role] of Object.entries(ANDROID_STEP_REGISTRY[step].checks) as [
      AndroidCheckId,
      StepRole,
    ][]) {
      out[check].sources.push({ step, role });
    }
  }
  for (const c of Object.values(out)) {
    // among alternative sources, a step that feeds only this check is its own source and a
    // shared one (a settings table) backs it up; other sources keep the step order
    const own = (s: AndroidStepId) => Object.keys(ANDROID_STEP_REGISTRY[s].checks).length === 1;
    c.sources.sort((a, b) =>
      a.role === 'either' && b.role === 'either' ? Number(own(b.step)) - Number(own(a.step)) : 0,
    );
  }
  return out;
}

/** Fact → the Android checks that supply it, plus the fact's own name (rule tests use it). */
export function androidFactChecks(): Record<Fact, string[]> {
  const out = {} as Record<Fact, string[]>;
  for (const [id, def] of Object.entries(ANDROID_CHECKS)) {
    for (const fact of def.facts as readonly Fact[]) (out[fact] ??= []).push(id);
  }
  for (const [fact, ids] of Object.entries(out)) if (!ids.includes(fact)) ids.push(fact);
  return out;
}
