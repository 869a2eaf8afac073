/**
 * What changed between two checks of the same phone, in plain words. Pure: two snapshots in,
 * a list of changes out. A change is only said when both checks read that part of the phone in
 * full; anything that could not be compared is listed apart (never silently "no change"), and
 * an app that did not change is never listed.
 */
import type { Fact } from '../model/fact.js';
import type { IosApp, IosProfile } from '../model/iosSnapshot.js';
import type { Severity } from '../model/severity.js';
import type { AndroidApp, AndroidSnapshot, IosSnapshot, Snapshot } from '../model/snapshot.js';
import { cleanText } from '../util/sanitize.js';
import { unknownFacts } from './facts.js';

export const DIFF_SCHEMA = 1;

/** Every kind of change, in one list (the JSON schema of `diff --json` reads it too). */
export const CHANGE_KINDS = [
  'app-installed',
  'app-removed',
  'app-updated',
  'app-resigned',
  'access-granted',
  'access-removed',
  'permission-granted',
  'permission-removed',
  'icon-hidden',
  'icon-shown',
  'account-added',
  'account-removed',
  'device-owner-added',
  'device-owner-removed',
  'profile-owner-added',
  'profile-owner-removed',
  'computer-trusted',
  'computer-no-longer-trusted',
  'setting-changed',
  'profile-added',
  'profile-removed',
  'supervision-changed',
] as const;

export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** What a change is about. */
export const CHANGE_SUBJECT_TYPES = ['app', 'account', 'device', 'profile'] as const;

export interface Change {
  kind: ChangeKind;
  subject: { type: (typeof CHANGE_SUBJECT_TYPES)[number]; id: string; label?: string };
  /** the value in the earlier check (null when there was none) */
  before: string | null;
  /** the value in this check (null when there is none now) */
  after: string | null;
  severity: Severity;
  /** one plain sentence for the survivor's report */
  words: string;
}

export interface SnapshotDiff {
  changes: Change[];
  /** parts of the phone one of the two checks could not read: changes there are not shown */
  notCompared: string[];
}

/** Special access an app can be given, as the snapshot records who holds it. */
const ACCESS: readonly { id: string; words: string; fact: Fact }[] = [
  {
    id: 'accessibility',
    words: 'see the screen and what you type (accessibility)',
    fact: 'accessibility',
  },
  { id: 'notifications', words: 'read your notifications', fact: 'notification_listeners' },
  { id: 'device-admin', words: 'lock or wipe the phone (device admin)', fact: 'device_policy' },
  { id: 'usage-access', words: 'see which apps you use (usage access)', fact: 'appops' },
  { id: 'overlay', words: 'show on top of other apps', fact: 'appops' },
  { id: 'install-apps', words: 'install other apps', fact: 'appops' },
];

/** Permissions that reach the survivor's life, by the words people use for them. */
const PERMISSIONS: readonly [RegExp, string, string][] = [
  [/\.ACCESS_(?:FINE|COARSE|BACKGROUND)_LOCATION$/, 'location', 'see where the phone is'],
  [/\.RECORD_AUDIO$/, 'microphone', 'use the microphone'],
  [/\.CAMERA$/, 'camera', 'use the camera'],
  [/\.(?:READ|RECEIVE|SEND)_SMS$/, 'sms', 'read text messages'],
  [/\.READ_CALL_LOG$/, 'call-log', 'see the call log'],
  [/\.READ_CONTACTS$/, 'contacts', 'see contacts'],
];

/** Security settings whose change is worth saying, and which way is the worse one. */
const SETTINGS: readonly {
  key: string;
  name: string;
  /** the value that makes spying easier */
  risky: string;
  /** what Android does when the key is not set at all (a phone that never changed it) */
  androidDefault: string;
  riskyWords: string;
  safeWords: string;
  severity: Severity;
}[] = [
  {
    key: 'global.package_verifier_enable',
    name: 'Play Protect app checks',
    risky: '0',
    androidDefault: '1',
    riskyWords: 'Play Protect app checks were turned off since the last check.',
    safeWords: 'Play Protect app checks were turned back on since the last check.',
    severity: 'medium',
  },
  {
    key: 'global.verifier_verify_adb_installs',
    name: 'Checks of apps installed from a computer',
    risky: '0',
    androidDefault: '1',
    riskyWords: 'Checks of apps installed from a computer were turned off since the last check.',
    safeWords: 'Checks of apps installed from a computer were turned back on since the last check.',
    severity: 'low',
  },
  {
    key: 'secure.install_non_market_apps',
    name: 'Installing apps from outside an app store',
    risky: '1',
    androidDefault: '0',
    riskyWords: 'Installing apps from outside an app store was allowed since the last check.',
    safeWords: 'Installing apps from outside an app store was turned off since the last check.',
    severity: 'low',
  },
  {
    key: 'global.development_settings_enabled',
    name: 'Developer options',
    risky: '1',
    androidDefault: '0',
    riskyWords: 'Developer options were turned on since the last check.',
    safeWords: 'Developer options were turned off since the last check.',
    severity: 'low',
  },
  {
    key: 'global.adb_enabled',
    name: 'USB debugging',
    risky: '1',
    androidDefault: '0',
    riskyWords: 'USB debugging was turned on since the last check.',
    safeWords: 'USB debugging was turned off since the last check.',
    severity: 'low',
  },
];

/** The ways a phone's parts are named when they could not be compared. */
const FACT_WORDS: Partial<Record<Fact, string>> = {
  packages: 'the list of apps',
  permissions: 'what apps are allowed to do',
  launcher: 'which apps have an icon',
  certs: 'who signed the apps',
  accessibility: 'apps that can see the screen',
  notification_listeners: 'apps that can read notifications',
  device_policy: 'apps that can control the phone',
  appops: 'special app permissions',
  settings: 'security settings',
  accounts: 'accounts',
  adb_keys: 'computers trusted for USB debugging',
  ios_apps: 'the list of apps',
  ios_profiles: 'configuration profiles',
  ios_device: 'supervision and the passcode',
};

/**
 * Two snapshots of one phone → what changed. Both must be the same platform (the caller checks
 * they are the same phone); a mix of platforms gives no changes and says why.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  if (before.platform !== after.platform) {
    return {
      changes: [],
      notCompared: ['everything: one check is of an Android phone, the other of an iPhone'],
    };
  }
  const missing = new Set<Fact>([...unknownFacts(before), ...unknownFacts(after)]);
  for (const f of unknownFacts(before, 'partial')) missing.add(f);
  for (const f of unknownFacts(after, 'partial')) missing.add(f);
  const compared = (f: Fact) => !missing.has(f);
  const notCompared = [
    ...new Set([...missing].map((f) => FACT_WORDS[f]).filter((w): w is string => !!w)),
  ];
  const changes =
    before.platform === 'android' && after.platform === 'android'
      ? androidChanges(before, after, compared)
      : before.platform === 'ios' && after.platform === 'ios'
        ? iosChanges(before, after, compared)
        : [];
  return { changes: changes.sort(bySeverity), notCompared };
}

const RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };
const bySeverity = (a: Change, b: Change) =>
  RANK[a.severity] - RANK[b.severity] ||
  a.kind.localeCompare(b.kind) ||
  a.subject.id.localeCompare(b.subject.id);

const t = (s: unknown, max = 200) => cleanText(s, { maxLength: max });

function appName(app: { id: string; label?: string; name?: string }): string {
  const label = t(app.label ?? app.name);
  return label && label !== app.id ? `${label} (${t(app.id)})` : t(app.id);
}

/** Not from a store by Android's own records (the same reading the rules use). */
const outsideStore = (a: AndroidApp) =>
  a.installerClass === 'sideloaded' ||
  a.installedFromComputer === true ||
  a.falseStoreClaim !== undefined;

function androidChanges(
  before: AndroidSnapshot,
  after: AndroidSnapshot,
  compared: (f: Fact) => boolean,
): Change[] {
  const out: Change[] = [];
  const oldApps = new Map(before.apps.map((a) => [a.id, a]));
  const newApps = new Map(after.apps.map((a) => [a.id, a]));
  const appSubject = (a: AndroidApp) => ({
    type: 'app' as const,
    id: t(a.id),
    ...(a.label ? { label: t(a.label) } : {}),
  });

  if (compared('packages')) {
    for (const [id, a] of newApps) {
      if (oldApps.has(id)) continue;
      const outside = outsideStore(a);
      // a new app's special access is part of the news about it, said in the same change
      const access = ACCESS.filter((x) => compared(x.fact) && holders(after, x.id).has(id));
      const can = access.length > 0 ? ` It can ${access.map((x) => x.words).join(', ')}.` : '';
      out.push({
        kind: 'app-installed',
        subject: appSubject(a),
        before: null,
        after: t(a.versionName ?? String(a.versionCode ?? 'installed')),
        severity: a.system
          ? 'info'
          : outside && access.length > 0
            ? 'high'
            : outside || access.length > 0
              ? 'medium'
              : 'low',
        words: `New app since the last check: ${appName(a)}${outside ? ', not from an app store' : ''}.${can}`,
      });
    }
    for (const [id, a] of oldApps) {
      if (newApps.has(id)) continue;
      out.push({
        kind: 'app-removed',
        subject: appSubject(a),
        before: t(a.versionName ?? String(a.versionCode ?? 'installed')),
        after: null,
        severity: outsideStore(a) ? 'low' : 'info',
        words: `App removed since the last check: ${appName(a)}.`,
      });
    }
  }

  for (const [id, now] of newApps) {
    const was = oldApps.get(id);
    if (!was) continue;
    if (compared('permissions')) {
      const v0 = was.versionCode ?? was.versionName;
      const v1 = now.versionCode ?? now.versionName;
      if (v0 !== undefined && v1 !== undefined && String(v0) !== String(v1)) {
        out.push({
          kind: 'app-updated',
          subject: appSubject(now),
          before: t(was.versionName ?? String(was.versionCode)),
          after: t(now.versionName ?? String(now.versionCode)),
          severity: 'info',
          words: `${appName(now)} was updated since the last check.`,
        });
      }
    }
    if (compared('certs')) {
      const c0 = certSet(was);
      const c1 = certSet(now);
      if (c0 && c1 && !sameSet(c0, c1)) {
        out.push({
          kind: 'app-resigned',
          subject: appSubject(now),
          before: [...c0].join(', '),
          after: [...c1].join(', '),
          severity: 'high',
          words:
            `${appName(now)} is now signed by someone else than at the last check. The same app ` +
            'from its real maker never changes its signer: this copy was replaced.',
        });
      }
    }
    if (
      compared('launcher') &&
      was.launcher !== 'unknown' &&
      now.launcher !== 'unknown' &&
      was.launcher !== now.launcher
    ) {
      const hidden = now.launcher === 'hidden';
      out.push({
        kind: hidden ? 'icon-hidden' : 'icon-shown',
        subject: appSubject(now),
        before: was.launcher,
        after: now.launcher,
        severity: hidden ? 'medium' : 'info',
        words: hidden
          ? `${appName(now)} has hidden its icon since the last check.`
          : `${appName(now)} shows its icon again since the last check.`,
      });
    }
    if (compared('permissions')) {
      const g0 = grantedKinds(was);
      const g1 = grantedKinds(now);
      for (const [kind, words] of g1) {
        if (g0.has(kind)) continue;
        out.push({
          kind: 'permission-granted',
          subject: appSubject(now),
          before: null,
          after: kind,
          severity: outsideStore(now) ? 'medium' : 'low',
          words: `${appName(now)} was allowed to ${words} since the last check.`,
        });
      }
      for (const [kind, words] of g0) {
        if (g1.has(kind)) continue;
        out.push({
          kind: 'permission-removed',
          subject: appSubject(now),
          before: kind,
          after: null,
          severity: 'info',
          words: `${appName(now)} is no longer allowed to ${words}.`,
        });
      }
    }
  }

  // special access, for apps on the phone now (a removed app's access went with it)
  for (const access of ACCESS) {
    if (!compared(access.fact)) continue;
    const h0 = holders(before, access.id);
    const h1 = holders(after, access.id);
    for (const id of h1) {
      // a new app's access is said with its install
      if (h0.has(id) || (compared('packages') && newApps.has(id) && !oldApps.has(id))) continue;
      const app = newApps.get(id);
      const serious = app ? outsideStore(app) || app.launcher === 'hidden' : false;
      out.push({
        kind: 'access-granted',
        subject: app ? appSubject(app) : { type: 'app', id: t(id) },
        before: null,
        after: access.id,
        severity: serious ? 'high' : 'medium',
        words: `${app ? appName(app) : t(id)} was given access to ${access.words} since the last check.`,
      });
    }
    for (const id of h0) {
      if (h1.has(id) || !newApps.has(id)) continue;
      const app = newApps.get(id)!;
      out.push({
        kind: 'access-removed',
        subject: appSubject(app),
        before: access.id,
        after: null,
        severity: 'info',
        words: `${appName(app)} no longer has access to ${access.words}.`,
      });
    }
  }

  if (compared('accounts')) {
    const key = (a: { type: string; name: string }) => `${a.type}\u0000${a.name}`;
    const a0 = new Map(before.accounts.map((a) => [key(a), a]));
    const a1 = new Map(after.accounts.map((a) => [key(a), a]));
    for (const [k, a] of a1) {
      if (a0.has(k)) continue;
      out.push({
        kind: 'account-added',
        subject: { type: 'account', id: t(a.name), label: t(a.type) },
        before: null,
        after: t(a.type),
        severity: 'medium',
        words: `A new account was added since the last check: ${t(a.name)} (${t(a.type)}). Do you know it, and only you its password?`,
      });
    }
    for (const [k, a] of a0) {
      if (a1.has(k)) continue;
      out.push({
        kind: 'account-removed',
        subject: { type: 'account', id: t(a.name), label: t(a.type) },
        before: t(a.type),
        after: null,
        severity: 'low',
        words: `An account was removed since the last check: ${t(a.name)} (${t(a.type)}).`,
      });
    }
  }

  if (compared('device_policy')) {
    const d0 = before.deviceOwner?.package;
    const d1 = after.deviceOwner?.package;
    if (d1 && d1 !== d0) {
      out.push({
        kind: 'device-owner-added',
        subject: { type: 'app', id: t(d1) },
        before: d0 ? t(d0) : null,
        after: t(d1),
        severity: 'high',
        words: `${t(d1)} took control of the whole phone (device owner) since the last check.`,
      });
    } else if (d0 && !d1) {
      out.push({
        kind: 'device-owner-removed',
        subject: { type: 'app', id: t(d0) },
        before: t(d0),
        after: null,
        severity: 'info',
        words: `${t(d0)} no longer controls the whole phone.`,
      });
    }
    const p0 = new Set(before.profileOwners.map((p) => p.package));
    const p1 = new Set(after.profileOwners.map((p) => p.package));
    for (const p of p1) {
      if (p0.has(p)) continue;
      out.push({
        kind: 'profile-owner-added',
        subject: { type: 'app', id: t(p) },
        before: null,
        after: t(p),
        severity: 'high',
        words: `${t(p)} started managing a profile on this phone since the last check.`,
      });
    }
    for (const p of p0) {
      if (p1.has(p)) continue;
      out.push({
        kind: 'profile-owner-removed',
        subject: { type: 'app', id: t(p) },
        before: t(p),
        after: null,
        severity: 'info',
        words: `${t(p)} no longer manages a profile on this phone.`,
      });
    }
  }

  if (compared('adb_keys') && before.adbKeys && after.adbKeys) {
    const k = (x: { fingerprint?: string; name?: string }) => x.fingerprint ?? x.name ?? '';
    const k0 = new Set(before.adbKeys.map(k));
    const k1 = new Set(after.adbKeys.map(k));
    for (const key of after.adbKeys) {
      if (k0.has(k(key))) continue;
      out.push({
        kind: 'computer-trusted',
        subject: { type: 'device', id: t(k(key)), ...(key.name ? { label: t(key.name) } : {}) },
        before: null,
        after: t(k(key)),
        severity: 'medium',
        words: `The phone started trusting another computer for USB debugging since the last check${key.name ? ` (${t(key.name)})` : ''}.`,
      });
    }
    for (const key of before.adbKeys) {
      if (k1.has(k(key))) continue;
      out.push({
        kind: 'computer-no-longer-trusted',
        subject: { type: 'device', id: t(k(key)), ...(key.name ? { label: t(key.name) } : {}) },
        before: t(k(key)),
        after: null,
        severity: 'info',
        words: 'The phone no longer trusts a computer it trusted at the last check.',
      });
    }
  }

  if (compared('settings')) {
    for (const s of SETTINGS) {
      const v0 = settingValue(before, s.key, s.androidDefault);
      const v1 = settingValue(after, s.key, s.androidDefault);
      if (v0 === undefined || v1 === undefined || v0 === v1) continue;
      const worse = v1 === s.risky;
      if (!worse && v0 !== s.risky) continue;
      out.push({
        kind: 'setting-changed',
        subject: { type: 'device', id: s.key, label: s.name },
        before: t(v0, 40),
        after: t(v1, 40),
        severity: worse ? s.severity : 'info',
        words: worse ? s.riskyWords : s.safeWords,
      });
    }
  }
  return out;
}

/**
 * A setting's value; a key the phone does not have is Android's default for it, as the rules
 * read it (a missing key never matches `equals`), but only when that table was read at all: an
 * empty or missing table is not known, never "the default".
 */
function settingValue(s: AndroidSnapshot, key: string, androidDefault: string): string | undefined {
  const [ns, name] = key.split('.', 2) as ['secure' | 'global' | 'system', string];
  const table = s.settings?.[ns];
  if (!table || Object.keys(table).length === 0) return undefined;
  return Object.hasOwn(table, name) ? String(table[name]) : androidDefault;
}

function holders(s: AndroidSnapshot, access: string): Set<string> {
  switch (access) {
    case 'accessibility':
      return new Set(s.accessibilityServices.map((c) => c.package));
    case 'notifications':
      return new Set(s.notificationListeners.map((c) => c.package));
    case 'device-admin':
      return new Set(s.deviceAdmins.map((c) => c.package));
    case 'usage-access':
      return new Set(s.appOps?.GET_USAGE_STATS ?? []);
    case 'overlay':
      return new Set(s.appOps?.SYSTEM_ALERT_WINDOW ?? []);
    case 'install-apps':
      return new Set(s.appOps?.REQUEST_INSTALL_PACKAGES ?? []);
    default:
      return new Set();
  }
}

function grantedKinds(app: AndroidApp): Map<string, string> {
  const out = new Map<string, string>();
  const granted = (app.permissions?.runtime ?? []).filter((p) => p.granted).map((p) => p.name);
  for (const [pattern, kind, words] of PERMISSIONS) {
    if (granted.some((p) => pattern.test(p))) out.set(kind, words);
  }
  return out;
}

function certSet(app: AndroidApp): Set<string> | undefined {
  const certs = app.certs?.map((c) => c.sha256).filter(Boolean);
  return certs && certs.length > 0 ? new Set(certs) : undefined;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function iosChanges(
  before: IosSnapshot,
  after: IosSnapshot,
  compared: (f: Fact) => boolean,
): Change[] {
  const out: Change[] = [];
  const appSubject = (a: IosApp) => ({
    type: 'app' as const,
    id: t(a.id),
    ...(a.name ? { label: t(a.name) } : {}),
  });
  if (compared('ios_apps')) {
    const a0 = new Map(before.apps.map((a) => [a.id.toLowerCase(), a]));
    const a1 = new Map(after.apps.map((a) => [a.id.toLowerCase(), a]));
    for (const [id, a] of a1) {
      const was = a0.get(id);
      if (!was) {
        const outside = a.signer.class !== 'app-store' && !a.system;
        out.push({
          kind: 'app-installed',
          subject: appSubject(a),
          before: null,
          after: t(a.version ?? 'installed'),
          severity: a.system ? 'info' : outside ? 'medium' : 'low',
          words: `New app since the last check: ${appName(a)}${outside ? ', not from the App Store' : ''}.`,
        });
        continue;
      }
      if (
        was.signer.class !== a.signer.class ||
        (was.signer.teamId && a.signer.teamId && was.signer.teamId !== a.signer.teamId)
      ) {
        out.push({
          kind: 'app-resigned',
          subject: appSubject(a),
          before: t(`${was.signer.class}${was.signer.teamId ? ` ${was.signer.teamId}` : ''}`),
          after: t(`${a.signer.class}${a.signer.teamId ? ` ${a.signer.teamId}` : ''}`),
          severity: 'high',
          words: `${appName(a)} is now signed by someone else than at the last check: this copy was replaced.`,
        });
      } else if (was.version && a.version && was.version !== a.version) {
        out.push({
          kind: 'app-updated',
          subject: appSubject(a),
          before: t(was.version),
          after: t(a.version),
          severity: 'info',
          words: `${appName(a)} was updated since the last check.`,
        });
      }
      if (was.hidden === 'visible' && a.hidden === 'hidden') {
        out.push({
          kind: 'icon-hidden',
          subject: appSubject(a),
          before: 'visible',
          after: 'hidden',
          severity: 'medium',
          words: `${appName(a)} has been hidden since the last check.`,
        });
      }
    }
    for (const [id, a] of a0) {
      if (a1.has(id)) continue;
      out.push({
        kind: 'app-removed',
        subject: appSubject(a),
        before: t(a.version ?? 'installed'),
        after: null,
        severity: 'info',
        words: `App removed since the last check: ${appName(a)}.`,
      });
    }
  }
  if (compared('ios_profiles')) {
    const key = (p: IosProfile) => p.id;
    const p0 = new Map(before.profiles.map((p) => [key(p), p]));
    const p1 = new Map(after.profiles.map((p) => [key(p), p]));
    const name = (p: IosProfile) => t(p.displayName ?? p.id);
    for (const [k, p] of p1) {
      if (p0.has(k)) continue;
      out.push({
        kind: 'profile-added',
        subject: { type: 'profile', id: t(p.id), label: name(p) },
        before: null,
        after: name(p),
        severity: 'high',
        words: `A configuration profile was installed since the last check: ${name(p)}.`,
      });
    }
    for (const [k, p] of p0) {
      if (p1.has(k)) continue;
      out.push({
        kind: 'profile-removed',
        subject: { type: 'profile', id: t(p.id), label: name(p) },
        before: name(p),
        after: null,
        severity: 'info',
        words: `A configuration profile was removed since the last check: ${name(p)}.`,
      });
    }
  }
  if (compared('ios_device')) {
    const s0 = before.device.supervised;
    const s1 = after.device.supervised;
    if (s0 !== 'unknown' && s1 !== 'unknown' && s0 !== s1) {
      out.push({
        kind: 'supervision-changed',
        subject: { type: 'device', id: 'supervised' },
        before: String(s0),
        after: String(s1),
        severity: s1 === true ? 'high' : 'info',
        words:
          s1 === true
            ? 'The iPhone was put under an organisation\u2019s supervision since the last check.'
            : 'The iPhone is no longer supervised by an organisation.',
      });
    }
  }
  return out;
}
