/**
 * `spycheck rules test`: every rule proves itself with facts that must match
 * and facts that must not (like ESLint's RuleTester). A rule without both
 * kinds of case is refused.
 */

import type {
  AndroidApp,
  AndroidSnapshot,
  IosSnapshot,
  RecentUseKind,
  Snapshot,
} from '../model/snapshot.js';
import type { LoadedRule, RuleLoadError, RulePack } from '../rules/load.js';
import type { RuleTestCase } from '../rules/schema.js';
import { analyzeSnapshot } from './analyze.js';
import { compileRules } from './compile.js';
import { ROLE_NAMES } from './matchLinked.js';

/** Fixed "now" for test snapshots so patch-age rules test the same every day. */
export const TEST_NOW = '2025-06-01T12:00:00Z';
const ZERO40 = '0'.repeat(40);
const ZERO64 = '0'.repeat(64);

function testApp(a: NonNullable<RuleTestCase['app']>): AndroidApp {
  const hasCert = a.cert_sha1 || a.cert_sha256 || a.cert_organization || a.cert_subject;
  return {
    id: a.id,
    ...(a.label ? { label: a.label } : {}),
    installerClass: a.installer ?? 'store',
    system: a.system ?? false,
    updatedSystem: false,
    apkPaths: [`/data/app/${a.id}-1/base.apk`],
    permissions: {
      requested: a.permissions ?? [],
      install: [],
      runtime: (a.permissions ?? []).map((name) => ({ name, granted: true })),
    },
    launcher: a.launcher ?? 'visible',
    ...(a.false_store_claim ? { falseStoreClaim: a.false_store_claim } : {}),
    ...(a.from_computer ? { installedFromComputer: true } : {}),
    ...(a.apk_sha256 ? { apkSha256: a.apk_sha256 } : {}),
    ...(hasCert
      ? {
          certs: [
            {
              sha1: a.cert_sha1 ?? ZERO40,
              sha256: a.cert_sha256 ?? ZERO64,
              ...(a.cert_organization ? { organization: a.cert_organization } : {}),
              ...(a.cert_subject ? { subject: a.cert_subject } : {}),
              scheme: 'v2' as const,
            },
          ],
        }
      : {}),
  };
}

/** Builds a complete, otherwise-quiet snapshot around the facts of one test case. */
export function snapshotFromCase(
  c: RuleTestCase & { ios_app?: undefined; ios_device?: undefined },
): AndroidSnapshot;
export function snapshotFromCase(c: RuleTestCase): Snapshot;
export function snapshotFromCase(c: RuleTestCase): Snapshot {
  const d = c.device ?? {};
  const now = Date.parse(TEST_NOW);
  const patch = new Date(now - (d.patch_age_days ?? 30) * 86_400_000).toISOString().slice(0, 10);
  const root = new Set(d.root ?? []);
  const settings = { secure: {}, global: {}, system: {} } as AndroidSnapshot['settings'];
  // A real phone always prints some settings; an empty table would read as "not checked".
  settings.global.adb_enabled = '1';
  settings.secure.android_id_placeholder = '1';
  settings.system.screen_brightness = '100';
  for (const [k, v] of Object.entries(d.settings ?? {})) {
    const dot = k.indexOf('.');
    settings[k.slice(0, dot) as 'secure'][k.slice(dot + 1)] = v;
  }
  const snap: AndroidSnapshot = {
    schema: 1,
    platform: 'android',
    tool: { name: 'spycheck', version: 'test' },
    started: TEST_NOW,
    finished: TEST_NOW,
    complete: true,
    device: { serial: 'TEST', model: 'Test phone', securityPatch: patch },
    props: { 'ro.build.type': 'user', ...(d.props ?? {}) },
    apps: [],
    accessibilityServices: [],
    notificationListeners: [],
    deviceAdmins: [],
    profileOwners: [],
    accounts: d.accounts ?? [],
    settings,
    appOps: { GET_USAGE_STATS: [], SYSTEM_ALERT_WINDOW: [], REQUEST_INSTALL_PACKAGES: [] },
    batteryOptimisationExempt: [],
    recentUse: {},
    root: {
      testKeys: root.has('test_keys'),
      debuggable: root.has('debuggable'),
      bootloaderLocked: !root.has('bootloader_unlocked'),
      verifiedBootState: root.has('verified_boot_not_green') ? 'orange' : 'green',
      suPaths: root.has('su_binary') ? ['/system/xbin/su'] : [],
      rootPackages: root.has('root_package') ? ['com.topjohnwu.magisk'] : [],
    },
    adbKeys: Array.from({ length: d.adb_keys ?? 0 }, (_, i) => ({ name: `user${i}@host` })),
    // an ordinary phone's links: no VPN, no companion device, only the owner
    linked: {
      companionAssociations: [],
      vpn: { active: [] },
      keyboards: [],
      roleHolders: {},
      bytesSent: [],
      users: [
        { id: 0, kind: 'owner' as const, running: true },
        ...(d.users ?? []).map((kind, i) => ({ id: 10 + i, kind, running: true })),
      ],
    },
    // an ordinary phone is locked with a PIN
    screenLock: { userId: 0, credential: d.screen_lock ?? 'pin' },
    checks: (d.not_checked ?? []).map((id) => ({ id, title: id, status: 'not-checked' as const })),
    warnings: [],
    parsers: [],
    raw: [],
  };
  if (c.ios_app || c.ios_device) return iosSnapshotFromCase(c);
  const a = c.app;
  if (a) {
    const app = testApp(a);
    snap.apps.push(app);
    const comp = { package: app.id, component: `${app.id}.Svc`, raw: `${app.id}/.Svc` };
    if (c.app?.accessibility_service) snap.accessibilityServices.push(comp);
    if (c.app?.notification_listener) snap.notificationListeners.push(comp);
    if (c.app?.device_admin) snap.deviceAdmins.push(comp);
    if (c.app?.device_owner) snap.deviceOwner = comp;
    if (c.app?.profile_owner) snap.profileOwners.push(comp);
    if (c.app?.battery_exempt) snap.batteryOptimisationExempt.push(app.id);
    for (const op of c.app?.appops ?? []) (snap.appOps[op] ??= []).push(app.id);
    addLinked(snap, app.id, c.app!);
    for (const [kind, hours] of Object.entries(c.app?.used ?? {})) {
      const utc = new Date(now - (hours as number) * 3_600_000).toISOString();
      (snap.recentUse![app.id] ??= {})[kind as RecentUseKind] = {
        phoneTime: utc.slice(0, 19).replace('T', ' '),
        utc,
        op: 'TEST',
      };
    }
  }
  return snap;
}

/** The app's links in a rule test: VPN, keyboard, roles, companion device, data sent. */
function addLinked(snap: AndroidSnapshot, id: string, a: NonNullable<RuleTestCase['app']>): void {
  const l = snap.linked!;
  if (a.vpn_owner) l.vpn = { active: [{ ownerUid: 10_500, package: id }], alwaysOn: id };
  if (a.keyboard) {
    l.keyboards = [{ package: id, component: `${id}.Ime`, default: a.keyboard === 'default' }];
  }
  for (const r of a.roles ?? []) (l.roleHolders![ROLE_NAMES[r]] ??= []).push(id);
  if (a.companion) {
    l.companionAssociations = [{ package: id, kind: a.companion, displayName: 'Test device' }];
  }
  if (a.sent_mb !== undefined) {
    l.bytesSent = [{ uid: 10_500, package: id, bytes: Math.round(a.sent_mb * 1_000_000) }];
  }
}

/** An otherwise-quiet iPhone (passcode set, not managed, current iOS) around one test case. */
export function iosSnapshotFromCase(c: RuleTestCase): IosSnapshot {
  const d = c.ios_device ?? {};
  const flag = (v: boolean | undefined, dflt: boolean) => v ?? dflt;
  const snap: IosSnapshot = {
    schema: 1,
    platform: 'ios',
    tool: { name: 'spycheck', version: 'test' },
    started: TEST_NOW,
    finished: TEST_NOW,
    complete: true,
    device: {
      serial: 'TEST-UDID',
      udid: 'TEST-UDID',
      manufacturer: 'Apple',
      model: 'iPhone 15',
      productType: 'iPhone15,4',
      iosVersion: d.ios_version ?? '99.0',
      passcodeSet: flag(d.passcode_set, true),
      supervised: flag(d.supervised, false),
      findMyAssociated: flag(d.find_my, true),
      backupEncryption: flag(d.backup_encryption, false),
      developerMode: flag(d.developer_mode, false),
      wifiSync: flag(d.wifi_sync, false),
      missingValues: [],
    },
    apps: [],
    homeScreenRead: true,
    profiles: (d.profiles ?? []).map((p) => ({
      id: p.id,
      ...(p.name ? { displayName: p.name } : {}),
      ...(p.organisation ? { organisation: p.organisation } : {}),
      removalDisallowed: p.removal_disallowed ?? false,
      active: true,
      payloadContents: 'not-readable' as const,
    })),
    ...(d.organisation || d.mdm_unremovable !== undefined
      ? {
          cloudConfiguration: {
            present: true,
            supervised: flag(d.supervised, false),
            ...(d.organisation ? { organisation: d.organisation } : {}),
            mdmUnremovable: flag(d.mdm_unremovable, false),
            mandatory: false,
            applied: true,
            allowPairing: true,
            skipSetup: [],
            keys: [],
          },
        }
      : {}),
    jailbreak: { jailbreak: false, trollStore: false, indicators: [], appsChecked: true },
    checks: (d.not_checked ?? []).map((id) => ({ id, title: id, status: 'not-checked' as const })),
    warnings: [],
    parsers: [],
    raw: [],
  };
  const a = c.ios_app;
  if (a) {
    const system = a.system ?? false;
    const signer = a.signer ?? (system ? 'system' : 'app-store');
    snap.apps.push({
      id: a.id,
      ...(a.name ? { name: a.name } : {}),
      type: system ? 'System' : 'User',
      system,
      signer: {
        class: signer,
        claimed: a.spoofed_signer ? 'app-store' : signer,
        ...(a.signed_by ? { organization: a.signed_by } : {}),
        hasPurchaseRecord: signer === 'app-store' && !a.spoofed_signer,
      },
      ...(a.spoofed_signer
        ? { spoofedAppStoreSigner: { reasons: ['no-purchase-record' as const] } }
        : {}),
      appleLookalike: a.apple_lookalike ?? false,
      hidden: a.hidden ?? 'visible',
      hiddenBy: a.hidden === 'hidden' ? ['sbapptags' as const] : [],
      tags: [],
      backgroundModes: a.background_modes ?? [],
      usageDescriptions: a.usage ?? [],
      entitlements: { notable: a.entitlements ?? [], tccAllow: [] },
    });
    for (const kind of a.jailbreak_signs ?? [])
      snap.jailbreak.indicators.push({ kind, appId: a.id, strength: 'strong' });
  }
  return snap;
}

export interface RuleTestResult {
  rule: LoadedRule;
  passed: number;
  failures: RuleLoadError[];
}

function describeCase(c: RuleTestCase): string {
  if (c.app) return `app ${c.app.id}`;
  if (c.ios_app) return `iOS app ${c.ios_app.id}`;
  if (c.ios_device) return 'iPhone facts';
  return 'device facts';
}

/** Runs one rule's own cases against it alone. */
export function testRule(pack: RulePack, rule: LoadedRule): RuleTestResult {
  const at = { file: rule.file, line: rule.line, col: rule.col };
  const failures: RuleLoadError[] = [];
  const t = rule.tests;
  if (!t || t.match.length === 0 || t.no_match.length === 0) {
    failures.push({
      ...at,
      message: `rule "${rule.id}" needs tests: at least one "tests.match" and one "tests.no_match" case`,
    });
    return { rule, passed: 0, failures };
  }
  const compiled = compileRules([{ ...pack, rules: [rule] }]);
  let passed = 0;
  const run = (c: RuleTestCase, i: number, expect: boolean) => {
    // a rule for a purpose (a second phone) is judged as a check for that purpose would
    const doc = analyzeSnapshot(
      snapshotFromCase(c),
      compiled,
      rule.purpose ? { purpose: rule.purpose } : {},
    );
    const subjectId = c.app?.id ?? c.ios_app?.id;
    const hit = doc.findings.find((f) => (subjectId ? f.subject.id === subjectId : true));
    const label = `tests.${expect ? 'match' : 'no_match'}[${i}] (${describeCase(c)})`;
    if (expect && !hit) {
      failures.push({ ...at, message: `rule "${rule.id}": ${label} should match but did not` });
    } else if (!expect && hit) {
      const why = hit.evidence.reasons.map((r) => `${r.matcher}=${r.value}`).join(', ');
      failures.push({
        ...at,
        message: `rule "${rule.id}": ${label} must not match, but matched on ${why}`,
      });
    } else if (expect && hit && c.severity && hit.severity !== c.severity) {
      failures.push({
        ...at,
        message: `rule "${rule.id}": ${label} expected severity ${c.severity}, got ${hit.severity}`,
      });
    } else passed++;
  };
  for (const [i, c] of t.match.entries()) run(c, i, true);
  for (const [i, c] of t.no_match.entries()) run(c, i, false);
  return { rule, passed, failures };
}

export function testPacks(packs: RulePack[]): RuleTestResult[] {
  return packs.flatMap((p) => p.rules.map((r) => testRule(p, r)));
}
