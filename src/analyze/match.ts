/**
 * Match expressions compiled to closures with three-valued logic:
 * 'yes', 'no', or 'unknown' when a fact the matcher needs was not read.
 * Lists become Sets once, so a rule with thousands of ids costs O(1) per app.
 */

import type { IosApp, IosProfile } from '../model/iosSnapshot.js';
import type { AndroidApp, AndroidSnapshot, IosSnapshot, Snapshot } from '../model/snapshot.js';
import type { MatchExpr } from '../rules/schema.js';
import { platformNamespace } from '../snapshot/installers.js';
import type { Fact } from './facts.js';
import { compileLinked } from './matchLinked.js';

export type Tri = 'yes' | 'no' | 'unknown';

export interface Reason {
  matcher: string;
  value: string;
}

export interface Outcome {
  v: Tri;
  reasons: Reason[];
  missing: Fact[];
}

/** An app of either platform: `ctx.android` / `ctx.ios` says which. */
export type SubjectApp = AndroidApp | IosApp;

/** Per-snapshot facts prepared once for all rules and apps. */
export interface Ctx {
  snapshot: Snapshot;
  /** set on an Android snapshot: Android matchers read it, and are "no" elsewhere */
  android?: AndroidSnapshot;
  /** set on an iPhone snapshot */
  ios?: IosSnapshot;
  unknown: Set<Fact>;
  /** facts read for only some apps (e.g. a few APKs could not be pulled) */
  partial: Set<Fact>;
  /** package → component text */
  accessibility: Map<string, string>;
  listeners: Map<string, string>;
  admins: Map<string, string>;
  deviceOwner?: string;
  profileOwners: Set<string>;
  appOps: Map<string, Set<string>>;
  battery: Set<string>;
  nowMs: number;
  /**
   * The apps on the phone when it was handed over (the baseline bundle's, ids lowercased):
   * absent when no baseline was given, and then the apps that came with the phone stand in
   */
  handover?: ReadonlySet<string>;
}

/** `app` for app rules, `profile` for iPhone profile rules, neither for the phone itself. */
export type Eval = (ctx: Ctx, app: SubjectApp | undefined, profile?: IosProfile) => Outcome;

const NO: Outcome = Object.freeze({ v: 'no', reasons: [], missing: [] }) as Outcome;
const yes = (matcher: string, value: string): Outcome => ({
  v: 'yes',
  reasons: [{ matcher, value }],
  missing: [],
});
const unknown = (...missing: Fact[]): Outcome => ({ v: 'unknown', reasons: [], missing });

function byComponent(list: ReadonlyArray<{ package: string; raw?: string; component?: string }>) {
  const m = new Map<string, string>();
  for (const c of list ?? []) {
    if (c && typeof c.package === 'string' && !m.has(c.package)) {
      m.set(c.package, c.raw || c.component || c.package);
    }
  }
  return m;
}

export function makeCtx(
  snapshot: Snapshot,
  unknownFacts: Set<Fact>,
  partialFacts: Set<Fact> = new Set(),
): Ctx {
  const finished = Date.parse(snapshot.finished);
  const nowMs = Number.isNaN(finished) ? Number.NaN : finished;
  if (snapshot.platform === 'ios') {
    return {
      snapshot,
      ios: snapshot,
      unknown: unknownFacts,
      partial: partialFacts,
      accessibility: new Map(),
      listeners: new Map(),
      admins: new Map(),
      profileOwners: new Set(),
      appOps: new Map(),
      battery: new Set(),
      nowMs,
    };
  }
  const appOps = new Map<string, Set<string>>();
  for (const [op, pkgs] of Object.entries(snapshot.appOps ?? {})) {
    appOps.set(op, new Set(Array.isArray(pkgs) ? pkgs : []));
  }
  return {
    snapshot,
    android: snapshot,
    unknown: unknownFacts,
    partial: partialFacts,
    accessibility: byComponent(snapshot.accessibilityServices ?? []),
    listeners: byComponent(snapshot.notificationListeners ?? []),
    admins: byComponent(snapshot.deviceAdmins ?? []),
    deviceOwner: snapshot.deviceOwner?.package,
    profileOwners: new Set((snapshot.profileOwners ?? []).map((p) => p.package)),
    appOps,
    battery: new Set(snapshot.batteryOptimisationExempt ?? []),
    nowMs,
  };
}

/** AND of outcomes: any 'no' wins, then any 'unknown'. */
function and(parts: Outcome[]): Outcome {
  if (parts.some((p) => p.v === 'no')) return NO;
  const unk = parts.filter((p) => p.v === 'unknown');
  if (unk.length) return { v: 'unknown', reasons: [], missing: unk.flatMap((p) => p.missing) };
  return { v: 'yes', reasons: parts.flatMap((p) => p.reasons), missing: [] };
}

/** OR of outcomes: any 'yes' wins (keeping every matching reason), then any 'unknown'. */
function or(parts: Outcome[]): Outcome {
  const hits = parts.filter((p) => p.v === 'yes');
  if (hits.length) return { v: 'yes', reasons: hits.flatMap((p) => p.reasons), missing: [] };
  const unk = parts.filter((p) => p.v === 'unknown');
  if (unk.length) return { v: 'unknown', reasons: [], missing: unk.flatMap((p) => p.missing) };
  return NO;
}

function not(o: Outcome): Outcome {
  if (o.v === 'unknown') return o;
  return o.v === 'yes' ? NO : { v: 'yes', reasons: [], missing: [] };
}

/**
 * Part of the phone as it came: the system image, and on an iPhone Apple's own apps that a new
 * iPhone comes with from the App Store (Pages, iMovie…), only when Apple's App Store signature
 * holds (a look-alike id signed by anyone else is an added app).
 */
function cameWithPhone(ctx: Ctx, app: SubjectApp): boolean {
  if (app.system) return true;
  if (!ctx.ios) return false;
  const a = app as IosApp;
  return (
    a.id.toLowerCase().startsWith('com.apple.') &&
    a.signer?.class === 'app-store' &&
    !a.spoofedAppStoreSigner
  );
}

/** Android app matchers: 'no' on a device-level subject and on an iPhone's apps. */
const onApp =
  (f: (ctx: Ctx, app: AndroidApp) => Outcome): Eval =>
  (ctx, app) =>
    app && ctx.android ? f(ctx, app as AndroidApp) : NO;

/** iPhone app matchers: 'no' on a device-level subject and on Android apps. */
const onIosApp =
  (f: (ctx: Ctx, app: IosApp) => Outcome): Eval =>
  (ctx, app) => {
    if (!app || !ctx.ios) return NO;
    if (ctx.unknown.has('ios_apps')) return unknown('ios_apps');
    return f(ctx, app as IosApp);
  };

/** Android device matchers: 'no' on an iPhone (it has no such setting). */
const onAndroid =
  (f: (ctx: Ctx, s: AndroidSnapshot) => Outcome): Eval =>
  (ctx) =>
    ctx.android ? f(ctx, ctx.android) : NO;

function membership(
  name: string,
  fact: Fact,
  want: boolean,
  lookup: (ctx: Ctx, app: AndroidApp) => string | undefined,
): Eval {
  return onApp((ctx, app) => {
    if (ctx.unknown.has(fact)) return unknown(fact);
    const hit = lookup(ctx, app);
    if (want) return hit !== undefined ? yes(name, hit) : NO;
    return hit === undefined ? yes(`not ${name}`, app.id) : NO;
  });
}

function appOp(name: string, op: string, want = true): Eval {
  return onApp((ctx, app) => {
    const holders = ctx.appOps.get(op);
    if (ctx.unknown.has('appops') || !holders) return unknown('appops');
    const has = holders.has(app.id);
    return has === want ? yes(name, want ? op : `not ${op}`) : NO;
  });
}

/**
 * Whether spycheck copies this app's file to read its signer and fingerprint it: every app not
 * from a store (the installer class is the cross-checked one, so an app that falsely claims a
 * store counts as sideloaded), and apps of unknown origin. Store and preinstalled apps are not
 * copied, and by default not fingerprinted: no certificate or file hash there is a plain "no",
 * never "not checked" (see rules/README.md, apk_sha256). A snapshot from before installer
 * classes (none recorded) falls back to what was hashed then: every app outside the system image.
 */
function copiedForMatching(app: AndroidApp): boolean {
  if (app.installerClass === undefined) return !app.system;
  return app.installerClass !== 'store' && app.installerClass !== 'preinstalled';
}

function certs(app: AndroidApp, ctx: Ctx): Outcome | AndroidApp['certs'] {
  if (app.certs?.length) return app.certs;
  const inspected = copiedForMatching(app);
  if (ctx.unknown.has('certs') || (inspected && ctx.partial.has('certs'))) return unknown('certs');
  return NO;
}

const isOutcome = (x: unknown): x is Outcome =>
  typeof x === 'object' && x !== null && 'v' in x && !Array.isArray(x);

function rootSign(ctx: Ctx, sign: string): Outcome {
  if (!ctx.android) return NO;
  const r = ctx.android.root;
  if (!r || ctx.unknown.has('root')) return unknown('root');
  const flag = (b: boolean | undefined, value: string): Outcome =>
    b === undefined ? unknown('root') : b ? yes('root', value) : NO;
  switch (sign) {
    case 'test_keys':
      return flag(r.testKeys, 'build signed with test-keys');
    case 'debuggable':
      return flag(r.debuggable, 'ro.debuggable=1');
    case 'bootloader_unlocked':
      return flag(
        r.bootloaderLocked === undefined ? undefined : !r.bootloaderLocked,
        'bootloader unlocked',
      );
    case 'verified_boot_not_green':
      return flag(
        r.verifiedBootState === undefined ? undefined : r.verifiedBootState !== 'green',
        `verified boot state ${r.verifiedBootState}`,
      );
    case 'su_binary':
      if (r.suPaths?.length) return yes('root', `su at ${r.suPaths.join(', ')}`);
      // a root check that ran in part (no search for su, as in a bugreport) cannot say "no su"
      return ctx.partial.has('root') ? unknown('root') : NO;
    case 'root_package':
      return r.rootPackages?.length ? yes('root', `root app ${r.rootPackages.join(', ')}`) : NO;
    default:
      return NO;
  }
}

const DAY_MS = 86_400_000;

/** Compiles one mapping: every key is a condition, and all must hold. */
export function compileMatch(m: MatchExpr): Eval {
  const parts: Eval[] = [];
  if (m.package) {
    const set = new Set(m.package);
    parts.push(onApp((_c, app) => (set.has(app.id) ? yes('package', app.id) : NO)));
  }
  if (m.ios_bundle) {
    const set = new Set(m.ios_bundle);
    // a bundle id is an exact id, but lists disagree on case (com.opa334.TrollStore)
    const lower = new Set(m.ios_bundle.map((b) => b.toLowerCase()));
    parts.push((ctx, app) =>
      app && ctx.ios && (set.has(app.id) || lower.has(app.id.toLowerCase()))
        ? yes('ios_bundle', app.id)
        : NO,
    );
  }
  parts.push(...compileIosApp(m), ...compileIosDevice(m));
  for (const [key, field] of [
    ['cert_sha1', 'sha1'],
    ['cert_sha256', 'sha256'],
  ] as const) {
    const wanted = m[key];
    if (!wanted) continue;
    const set = new Set(wanted);
    parts.push(
      onApp((ctx, app) => {
        const cs = certs(app, ctx);
        if (isOutcome(cs)) return cs;
        const hit = cs?.find(
          (c) => typeof c[field] === 'string' && set.has(c[field].toUpperCase()),
        );
        return hit ? yes(key, hit[field].toUpperCase()) : NO;
      }),
    );
  }
  if (m.apk_sha256) {
    const set = new Set(m.apk_sha256);
    parts.push(
      onApp((ctx, app) => {
        if (!app.apkSha256) {
          // Known samples are files spyware sellers hand out, installed from outside a store:
          // those apps are copied and hashed. A store or preinstalled app is not hashed by
          // default (--hash-all-apps does it for the record); its missing hash is a "no", so it
          // can neither raise a finding nor leave a rule "not checked". An app with no file
          // left (removed, its data kept) has nothing to hash either: its history is judged
          // apart (pastApps). Only a file that should have been hashed and was not (not
          // copied within the limits, unreadable, phone lost) leaves the answer unknown.
          if (!copiedForMatching(app) || app.installedForUser0 === false) return NO;
          const missing = ctx.unknown.has('apk_hashes') || ctx.partial.has('apk_hashes');
          return missing ? unknown('apk_hashes') : NO;
        }
        const h = app.apkSha256.toUpperCase();
        return set.has(h) ? yes('apk_sha256', h) : NO;
      }),
    );
  }
  if (m.cert_organization) {
    const set = new Set(m.cert_organization.map((o) => o.toLowerCase()));
    parts.push(
      onApp((ctx, app) => {
        const cs = certs(app, ctx);
        if (isOutcome(cs)) return cs;
        const hit = cs?.find((c) => c.organization && set.has(c.organization.toLowerCase()));
        return hit?.organization ? yes('cert_organization', hit.organization) : NO;
      }),
    );
  }
  if (m.cert_subject_contains) {
    const needles = m.cert_subject_contains.map((s) => s.toLowerCase());
    parts.push(
      onApp((ctx, app) => {
        const cs = certs(app, ctx);
        if (isOutcome(cs)) return cs;
        const hit = cs?.find((c) => {
          const s = c.subject?.toLowerCase();
          return s !== undefined && needles.some((n) => s.includes(n));
        });
        return hit?.subject ? yes('cert_subject', hit.subject) : NO;
      }),
    );
  }
  if (m.installer) {
    const set = new Set<string>(m.installer);
    parts.push(
      onApp((_c, app) =>
        set.has(app.installerClass)
          ? yes(
              'installer',
              app.installer ? `${app.installerClass} (${app.installer})` : app.installerClass,
            )
          : NO,
      ),
    );
  }
  if (m.launcher) {
    const want = m.launcher;
    parts.push((ctx, app) => {
      if (!app) return NO;
      if (ctx.unknown.has('launcher')) return unknown('launcher');
      // An iPhone app counts as hidden only when iOS is told to hide it (SBAppTags). One that
      // is just not on the home screen may be in the App Library, where its owner put it.
      const shown = ctx.ios
        ? (app as IosApp).hiddenBy?.includes('sbapptags')
          ? 'hidden'
          : 'visible'
        : (app as AndroidApp).launcher;
      if (shown === 'unknown' || !shown) return unknown('launcher');
      return shown === want
        ? yes(
            'launcher',
            ctx.ios
              ? `hidden from the home screen and App Library: ${want === 'hidden' ? 'yes' : 'no'}`
              : `icon ${want}`,
          )
        : NO;
    });
  }
  if (m.system !== undefined) {
    const want = m.system;
    parts.push((_c, app) =>
      app && Boolean(app.system) === want
        ? yes('system', want ? 'system app' : 'not a system app')
        : NO,
    );
  }
  if (m.handover_app !== undefined) {
    const want = m.handover_app;
    parts.push((ctx, app) => {
      if (!app) return NO;
      const was = ctx.handover ? ctx.handover.has(app.id.toLowerCase()) : cameWithPhone(ctx, app);
      if (was !== want) return NO;
      const where = ctx.handover ? 'the earlier check' : 'the apps that came with the phone';
      return yes('handover_app', `${was ? 'among' : 'not among'} ${where}`);
    });
  }
  if (m.permission) {
    const set = new Set(m.permission);
    parts.push(
      onApp((ctx, app) => {
        if (ctx.unknown.has('permissions')) return unknown('permissions');
        const granted = [...(app.permissions?.runtime ?? []), ...(app.permissions?.install ?? [])]
          .filter((p) => p?.granted && set.has(p.name))
          .map((p) => p.name);
        return granted.length
          ? {
              v: 'yes',
              reasons: granted.map((g) => ({ matcher: 'permission', value: g })),
              missing: [],
            }
          : NO;
      }),
    );
  }
  if (m.platform_name !== undefined) {
    const want = m.platform_name;
    parts.push(
      onApp((_c, app) => {
        const ns = platformNamespace(app.id);
        if (want) return ns ? yes('platform_name', `${app.id} (named like ${ns}*)`) : NO;
        return ns ? NO : yes('not platform_name', app.id);
      }),
    );
  }
  if (m.false_store_claim !== undefined) {
    const want = m.false_store_claim;
    parts.push(
      onApp((ctx, app) => {
        if (ctx.unknown.has('permissions')) return unknown('permissions');
        const claim = app.falseStoreClaim;
        if (want) {
          return claim
            ? yes(
                'false_store_claim',
                `claims ${claim}; ${app.installedFromComputer ? 'installed from a computer' : 'installed from a file'}`,
              )
            : NO;
        }
        return claim ? NO : yes('not false_store_claim', app.id);
      }),
    );
  }
  if (m.appop) {
    const ops = m.appop;
    parts.push((ctx, app) => or(ops.map((op) => appOp('appop', op)(ctx, app))));
  }
  const bool = (
    key: keyof MatchExpr,
    fact: Fact,
    lookup: (ctx: Ctx, app: AndroidApp) => string | undefined,
  ) => {
    const want = m[key];
    if (typeof want === 'boolean') parts.push(membership(key, fact, want, lookup));
  };
  bool('accessibility_service', 'accessibility', (c, a) => c.accessibility.get(a.id));
  bool('notification_listener', 'notification_listeners', (c, a) => c.listeners.get(a.id));
  bool('device_admin', 'device_policy', (c, a) => c.admins.get(a.id));
  bool('device_owner', 'device_policy', (c, a) =>
    c.deviceOwner === a.id ? (c.android?.deviceOwner?.raw ?? a.id) : undefined,
  );
  bool('profile_owner', 'device_policy', (c, a) => (c.profileOwners.has(a.id) ? a.id : undefined));
  bool('battery_exempt', 'battery', (c, a) =>
    c.battery.has(a.id) ? 'battery optimisation off' : undefined,
  );
  if (m.usage_access !== undefined)
    parts.push(appOp('usage_access', 'GET_USAGE_STATS', m.usage_access));
  if (m.draw_over_apps !== undefined) {
    parts.push(appOp('draw_over_apps', 'SYSTEM_ALERT_WINDOW', m.draw_over_apps));
  }
  if (m.install_other_apps !== undefined) {
    parts.push(appOp('install_other_apps', 'REQUEST_INSTALL_PACKAGES', m.install_other_apps));
  }
  if (m.setting) {
    const { key, equals, absent } = m.setting;
    const dot = key.indexOf('.');
    const ns = key.slice(0, dot) as 'secure' | 'global' | 'system';
    const name = key.slice(dot + 1);
    const values = equals ? new Set(equals) : undefined;
    parts.push(
      onAndroid((ctx, snapshot) => {
        const table = snapshot.settings?.[ns];
        if (ctx.unknown.has('settings') || !table || Object.keys(table).length === 0) {
          return unknown('settings');
        }
        const v = Object.hasOwn(table, name) ? table[name] : undefined;
        if (absent) return v === undefined ? yes('setting', `${key} not set`) : NO;
        return v !== undefined && values?.has(v) ? yes('setting', `${key}=${v}`) : NO;
      }),
    );
  }
  if (m.prop) {
    const { key, equals } = m.prop;
    const values = new Set(equals);
    parts.push(
      onAndroid((ctx, snapshot) => {
        const props = snapshot.props ?? {};
        if (ctx.unknown.has('props') || Object.keys(props).length === 0) return unknown('props');
        const v = Object.hasOwn(props, key) ? props[key] : undefined;
        return v !== undefined && values.has(v) ? yes('prop', `${key}=${v}`) : NO;
      }),
    );
  }
  if (m.root) {
    const signs = m.root;
    parts.push((ctx) => or(signs.map((s) => rootSign(ctx, s))));
  }
  if (m.patch_older_than_days !== undefined) {
    const days = m.patch_older_than_days;
    parts.push(
      onAndroid((ctx, snapshot) => {
        const patch = snapshot.device?.securityPatch;
        const t =
          patch && /^\d{4}-\d{2}-\d{2}$/.test(patch) ? Date.parse(`${patch}T00:00:00Z`) : NaN;
        if (ctx.unknown.has('props') || Number.isNaN(t) || Number.isNaN(ctx.nowMs)) {
          return unknown('props');
        }
        const age = Math.floor((ctx.nowMs - t) / DAY_MS);
        return age > days ? yes('security_patch', `${patch} (${age} days old)`) : NO;
      }),
    );
  }
  if (m.account_count) {
    const { type, at_least } = m.account_count;
    parts.push(
      onAndroid((ctx, snapshot) => {
        if (ctx.unknown.has('accounts')) return unknown('accounts');
        const accts = (snapshot.accounts ?? []).filter((a) => !type || a.type === type);
        if (accts.length < at_least) return NO;
        const names = accts.map((a) => (type ? a.name : `${a.name} (${a.type})`)).join(', ');
        return yes('accounts', `${accts.length}: ${names}`);
      }),
    );
  }
  if (m.adb_keys_at_least !== undefined) {
    const n = m.adb_keys_at_least;
    parts.push(
      onAndroid((ctx, snapshot) => {
        const keys = snapshot.adbKeys;
        if (ctx.unknown.has('adb_keys') || keys === undefined) return unknown('adb_keys');
        if (keys.length < n) return NO;
        const names = keys.map((k) => k.name ?? k.fingerprint ?? 'unnamed').join(', ');
        return yes('adb_keys', `${keys.length}: ${names}`);
      }),
    );
  }
  if (m.screen_lock) {
    const set = new Set<string>(m.screen_lock);
    parts.push(
      onAndroid((ctx, snapshot) => {
        const lock = snapshot.screenLock;
        // not read, or the phone did not say (Android 8–10): never "no lock"
        if (ctx.unknown.has('screen_lock') || !lock || lock.credential === 'unknown') {
          return unknown('screen_lock');
        }
        return set.has(lock.credential) ? yes('screen_lock', lock.credential) : NO;
      }),
    );
  }
  if (m.recently_used) {
    const { what, within_hours } = m.recently_used;
    const windowMs = within_hours * 3_600_000;
    parts.push((ctx, app) => {
      if (!app) return NO;
      // Android: the app-op dump. iPhone: an App Privacy Report its owner saved; without one
      // "no" (an iPhone keeps no app-use record readable over USB: not a gap in this scan)
      const uses = ctx.android ? ctx.android.recentUse : ctx.ios?.recentUse;
      if (ctx.ios && uses === undefined) return NO;
      if (ctx.unknown.has('recent_use') || !uses) return unknown('recent_use');
      const mine = recentUseOf(uses, app.id, ctx.ios !== undefined);
      // in use when the App Privacy Report was saved: used up to its last record
      const savedMs = ctx.ios?.privacyReport?.to
        ? Date.parse(ctx.ios.privacyReport.to)
        : Number.NaN;
      const hits: Reason[] = [];
      for (const kind of what) {
        const u = mine?.[kind];
        const t = u?.utc ? Date.parse(u.utc) : Number.NaN;
        const last = u?.ongoing && !Number.isNaN(savedMs) ? Math.max(t, savedMs) : t;
        if (Number.isNaN(last) || Number.isNaN(ctx.nowMs)) continue;
        const age = ctx.nowMs - last;
        // a time after the scan is the phone's clock disagreeing: still recent
        if (age <= windowMs) {
          const still = u!.ongoing ? ' (still in use when the record was saved)' : '';
          hits.push({ matcher: 'recently_used', value: `${kind} at ${u!.utc}${still}` });
        }
      }
      return hits.length ? { v: 'yes', reasons: hits, missing: [] } : NO;
    });
  }
  parts.push(...compileLinked(m));
  if (m.all) {
    const subs = m.all.map(compileMatch);
    parts.push((ctx, app, profile) => and(subs.map((s) => s(ctx, app, profile))));
  }
  if (m.any) {
    const subs = m.any.map(compileMatch);
    parts.push((ctx, app, profile) => or(subs.map((s) => s(ctx, app, profile))));
  }
  if (m.not) {
    const sub = compileMatch(m.not);
    parts.push((ctx, app, profile) => not(sub(ctx, app, profile)));
  }
  if (parts.length === 1) return parts[0]!;
  // Evaluate cheap exact-id checks first; stop at the first definite 'no'.
  return (ctx, app, profile) => {
    const outs: Outcome[] = [];
    for (const p of parts) {
      const o = p(ctx, app, profile);
      if (o.v === 'no') return NO;
      outs.push(o);
    }
    return and(outs);
  };
}

/** An app's recent use; iPhone bundle ids are compared without case (reports and phones differ). */
function recentUseOf<T>(uses: Record<string, T>, id: string, ignoreCase: boolean): T | undefined {
  if (Object.hasOwn(uses, id)) return uses[id];
  if (!ignoreCase) return undefined;
  const lower = id.toLowerCase();
  for (const key of Object.keys(uses)) if (key.toLowerCase() === lower) return uses[key];
  return undefined;
}

/** App-level matcher keys: a rule using any of them judges each app. */
export const APP_MATCHERS: ReadonlySet<string> = new Set([
  'package',
  'ios_bundle',
  'cert_sha1',
  'cert_sha256',
  'apk_sha256',
  'cert_organization',
  'cert_subject_contains',
  'installer',
  'launcher',
  'system',
  'handover_app',
  'permission',
  'appop',
  'platform_name',
  'false_store_claim',
  'accessibility_service',
  'notification_listener',
  'device_admin',
  'device_owner',
  'profile_owner',
  'usage_access',
  'draw_over_apps',
  'install_other_apps',
  'battery_exempt',
  'recently_used',
  'vpn_owner',
  'keyboard',
  'role',
  'companion_device',
  'data_sent',
  'ios_signer',
  'ios_spoofed_signer',
  'ios_apple_lookalike',
  'ios_background_mode',
  'ios_usage',
  'ios_entitlement',
  'ios_jailbreak_sign',
]);

/** Profile-level matcher keys (iPhone): a rule using any of them judges each configuration profile. */
export const PROFILE_MATCHERS: ReadonlySet<string> = new Set([
  'ios_profile',
  'ios_profile_removal_disallowed',
]);

export function usesProfileMatchers(m: MatchExpr): boolean {
  for (const [k, v] of Object.entries(m)) {
    if (PROFILE_MATCHERS.has(k)) return true;
    if ((k === 'all' || k === 'any') && (v as MatchExpr[]).some(usesProfileMatchers)) return true;
    if (k === 'not' && usesProfileMatchers(v as MatchExpr)) return true;
  }
  return false;
}

export function usesAppMatchers(m: MatchExpr): boolean {
  for (const [k, v] of Object.entries(m)) {
    if (APP_MATCHERS.has(k)) return true;
    if (k === 'all' || k === 'any') {
      if ((v as MatchExpr[]).some(usesAppMatchers)) return true;
    }
    if (k === 'not' && usesAppMatchers(v as MatchExpr)) return true;
  }
  return false;
}

export type AnchorKind = 'package' | 'ios_bundle' | 'cert_sha1' | 'cert_sha256' | 'apk_sha256';
export type Anchors = Array<[AnchorKind, string]>;

/**
 * Exact ids one of which must be present for the expression to be true, or
 * null when there is no such guard. Lets the compiler index rules by id so
 * matching costs O(apps + rules) instead of O(apps × rules).
 */
export function anchorsOf(m: MatchExpr): Anchors | null {
  const options: Anchors[] = [];
  const kinds: AnchorKind[] = ['package', 'ios_bundle', 'cert_sha1', 'cert_sha256', 'apk_sha256'];
  // A mapping is an AND of its keys: any one guarded key guards the whole.
  for (const k of kinds) {
    const vals = m[k];
    // bundle ids are indexed in lower case: lists and phones disagree on case
    if (vals) options.push(vals.map((v) => [k, k === 'ios_bundle' ? v.toLowerCase() : v]));
  }
  for (const sub of m.all ?? []) {
    const a = anchorsOf(sub);
    if (a) options.push(a);
  }
  if (m.any) {
    const subs = m.any.map(anchorsOf);
    if (subs.every((a): a is Anchors => a !== null)) options.push(subs.flat());
  }
  if (!options.length) return null;
  return options.reduce((best, o) => (o.length < best.length ? o : best));
}

/** iPhone app conditions: who signed it, what it may do in the background, what it claims to be. */
function compileIosApp(m: MatchExpr): Eval[] {
  const parts: Eval[] = [];
  if (m.ios_signer) {
    const set = new Set<string>(m.ios_signer);
    parts.push(
      onIosApp((_c, app) => {
        if (!set.has(app.signer.class)) return NO;
        const who = app.signer.organization ?? app.signer.identity;
        return yes('ios_signer', who ? `${app.signer.class} (${who})` : app.signer.class);
      }),
    );
  }
  if (m.ios_spoofed_signer !== undefined) {
    const want = m.ios_spoofed_signer;
    parts.push(
      onIosApp((_c, app) => {
        const spoof = app.spoofedAppStoreSigner;
        if (!want) return spoof ? NO : yes('not ios_spoofed_signer', app.id);
        return spoof
          ? yes('ios_spoofed_signer', `claims the App Store; ${spoof.reasons.join(', ')}`)
          : NO;
      }),
    );
  }
  if (m.ios_apple_lookalike !== undefined) {
    const want = m.ios_apple_lookalike;
    parts.push(
      onIosApp((_c, app) =>
        app.appleLookalike === want
          ? yes(want ? 'ios_apple_lookalike' : 'not ios_apple_lookalike', app.id)
          : NO,
      ),
    );
  }
  const anyOf = (
    key: 'ios_background_mode' | 'ios_usage' | 'ios_entitlement',
    list: (app: IosApp) => readonly string[],
  ) => {
    const wanted = m[key];
    if (!wanted) return;
    const set = new Set(wanted);
    parts.push(
      onIosApp((_c, app) => {
        const held = list(app).filter((x) => set.has(x));
        return held.length
          ? { v: 'yes', reasons: held.map((value) => ({ matcher: key, value })), missing: [] }
          : NO;
      }),
    );
  };
  anyOf('ios_background_mode', (a) => a.backgroundModes ?? []);
  anyOf('ios_usage', (a) => a.usageDescriptions ?? []);
  anyOf('ios_entitlement', (a) => a.entitlements?.notable ?? []);
  if (m.ios_jailbreak_sign) {
    const set = new Set<string>(m.ios_jailbreak_sign);
    parts.push(
      onIosApp((ctx, app) => {
        const signs = (ctx.ios?.jailbreak.indicators ?? []).filter(
          (i) => i.appId === app.id && set.has(i.kind),
        );
        return signs.length
          ? {
              v: 'yes',
              reasons: signs.map((i) => ({
                matcher: 'ios_jailbreak_sign',
                value: i.tool ? `${i.kind}: ${i.tool.name} (${i.tool.role})` : i.kind,
              })),
              missing: [],
            }
          : NO;
      }),
    );
  }
  return parts;
}

const IOS_DEVICE_FLAGS = {
  passcode_set: 'passcodeSet',
  supervised: 'supervised',
  find_my: 'findMyAssociated',
  backup_encryption: 'backupEncryption',
  developer_mode: 'developerMode',
  wifi_sync: 'wifiSync',
} as const;

/** Compares dotted iOS versions ("17.6.1" < "18.0"); NaN when either is not a version. */
export function compareIosVersions(a: string, b: string): number {
  const parse = (v: string) => (/^\d+(?:\.\d+){0,3}$/.test(v) ? v.split('.').map(Number) : null);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return Number.NaN;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** iPhone device and profile conditions. */
function compileIosDevice(m: MatchExpr): Eval[] {
  const parts: Eval[] = [];
  if (m.ios_device) {
    for (const [key, want] of Object.entries(m.ios_device) as Array<
      [keyof typeof IOS_DEVICE_FLAGS, boolean]
    >) {
      const field = IOS_DEVICE_FLAGS[key];
      parts.push((ctx) => {
        const s = ctx.ios;
        if (!s) return NO;
        let v = ctx.unknown.has('ios_device') ? 'unknown' : s.device[field];
        // supervision is also in the organisation's set-up (MCInstall), read apart from the values
        if (key === 'supervised' && v === 'unknown' && !ctx.unknown.has('ios_profiles'))
          v = s.cloudConfiguration?.supervised ?? 'unknown';
        if (v === 'unknown') return unknown('ios_device');
        return v === want
          ? yes('ios_device', `${key.replace(/_/g, ' ')}: ${want ? 'yes' : 'no'}`)
          : NO;
      });
    }
  }
  if (m.ios_management) {
    const { enrolled, mdm_unremovable } = m.ios_management;
    parts.push((ctx) => {
      const s = ctx.ios;
      if (!s) return NO;
      if (ctx.unknown.has('ios_profiles')) return unknown('ios_profiles');
      const cloud = s.cloudConfiguration;
      const outs: Outcome[] = [];
      if (enrolled !== undefined) {
        const present = cloud?.present === true;
        const who = cloud?.organisation ? ` by ${cloud.organisation}` : '';
        outs.push(
          present === enrolled
            ? yes('ios_management', enrolled ? `set up${who}` : 'not set up by an organisation')
            : NO,
        );
      }
      if (mdm_unremovable !== undefined) {
        const v = cloud?.mdmUnremovable ?? (cloud?.present ? 'unknown' : false);
        outs.push(
          v === 'unknown'
            ? unknown('ios_profiles')
            : v === mdm_unremovable
              ? yes(
                  'ios_management',
                  mdm_unremovable ? 'management cannot be removed' : 'management can be removed',
                )
              : NO,
        );
      }
      return and(outs);
    });
  }
  if (m.ios_version_below) {
    const limit = m.ios_version_below;
    parts.push((ctx) => {
      const s = ctx.ios;
      if (!s) return NO;
      const v = s.device.iosVersion;
      const d = v ? compareIosVersions(v, limit) : Number.NaN;
      if (Number.isNaN(d)) return unknown('ios_device');
      return d < 0 ? yes('ios_version', `iOS ${v} (older than ${limit})`) : NO;
    });
  }
  if (m.ios_profile !== undefined) {
    const want = m.ios_profile;
    parts.push((ctx, _app, profile) => {
      if (!ctx.ios) return NO;
      if (ctx.unknown.has('ios_profiles')) return unknown('ios_profiles');
      return (profile !== undefined) === want
        ? yes('ios_profile', profile ? (profile.displayName ?? profile.id) : 'no profile')
        : NO;
    });
  }
  if (m.ios_profile_removal_disallowed !== undefined) {
    const want = m.ios_profile_removal_disallowed;
    parts.push((ctx, _app, profile) => {
      if (!ctx.ios || !profile) return NO;
      const v = profile.removalDisallowed;
      if (v === 'unknown') return unknown('ios_profiles');
      return v === want
        ? yes(
            'ios_profile_removal_disallowed',
            want ? 'cannot be removed in Settings' : 'can be removed',
          )
        : NO;
    });
  }
  return parts;
}
