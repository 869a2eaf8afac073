/**
 * The pure iPhone pipeline, end to end: what the door read (IosReading) →
 * assembleIosSnapshot → analyzeSnapshot with the shipped rules (or tiny
 * packs) → buildReportModel. Each test asserts something a caseworker relies
 * on: nothing not read comes out as "no", Android and iPhone rules never
 * leak into each other's results, and text from the phone stays inert.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../src/analyze/analyze.js';
import { type CompiledRules, compileRules } from '../src/analyze/compile.js';
import { compareIosVersions } from '../src/analyze/match.js';
import { pack } from '../src/analyze/pack.test-util.js';
import { iosSnapshotFromCase, snapshotFromCase } from '../src/analyze/ruleTester.js';
import type { FindingsDoc } from '../src/model/findings.js';
import type {
  IosDict,
  IosProblem,
  IosProblemKind,
  IosReading,
  IosStep,
} from '../src/model/iosReading.js';
import type { RawOutput } from '../src/model/raw.js';
import type { IosSnapshot, Snapshot } from '../src/model/snapshot.js';
import { renderHtml } from '../src/report/html.js';
import { buildReportModel, type ReportModel } from '../src/report/model.js';
import { renderTerminal } from '../src/report/terminal.js';
import { defaultRulesDir, loadRulePacks } from '../src/rules/load.js';
import { assembleIosSnapshot } from '../src/snapshot/ios.js';

const TOOL = { name: 'spycheck', version: 'test' };
const UDID = '00008110-000A1B2C3D4E801E';
const T0 = '2026-12-01T10:00:00.000Z';
const T1 = '2026-12-01T10:00:09.000Z';

let shipped: CompiledRules;
beforeAll(async () => {
  const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
  expect(errors).toEqual([]);
  shipped = compileRules(packs);
});

// ---------------------------------------------------------------- readings

function rawOut(id: string, body: string, cutShort?: string): RawOutput {
  const data = Buffer.from(body);
  return {
    record: {
      id,
      command: `lockdown:${id}`,
      file: `${id}.plist`,
      time: T0,
      durationMs: 5,
      bytes: data.length,
      sha256: '0'.repeat(64),
    },
    data,
    ...(cutShort ? { cutShort } : {}),
  };
}

/** An App Store app as installation_proxy Browse sends it. */
function appStoreApp(id: string, name: string, extra: IosDict = {}): IosDict {
  return {
    CFBundleIdentifier: id,
    CFBundleDisplayName: name,
    CFBundleName: name,
    CFBundleShortVersionString: '1.2.3',
    CFBundleVersion: '123',
    ApplicationType: 'User',
    SignerIdentity: 'Apple iPhone OS Application Signing',
    SignerOrganization: `${name} Inc.`,
    IsAdHocSigned: false,
    ApplicationDSID: 1752371545,
    Path: `/private/var/containers/Bundle/Application/52371545-0000-4000-8000-380342181455/${name}.app`,
    Entitlements: { 'application-identifier': `57T9237FN3.${id}` },
    ...extra,
  };
}

/** An enterprise-signed app that tracks location (a typical iPhone watching app). */
function enterpriseTracker(id: string, name: unknown, extra: IosDict = {}): IosDict {
  return {
    CFBundleIdentifier: id,
    CFBundleDisplayName: name,
    CFBundleShortVersionString: '2.0',
    ApplicationType: 'User',
    SignerIdentity: 'iPhone Distribution: Example Tracking Ltd (ABCDE12345)',
    SignerOrganization: 'Example Tracking Ltd',
    IsAdHocSigned: false,
    ProfileValidated: true,
    UIBackgroundModes: ['location', 'fetch'],
    NSLocationAlwaysAndWhenInUseUsageDescription: 'We need your location',
    Path: '/private/var/containers/Bundle/Application/AAAA/Tracker.app',
    Entitlements: { 'application-identifier': `ABCDE12345.${id}` },
    ...extra,
  };
}

/** One of iOS's own apps, as Browse lists it: no signer, under /Applications. */
const SAFARI: IosDict = {
  CFBundleIdentifier: 'com.apple.mobilesafari',
  CFBundleDisplayName: 'Safari',
  ApplicationType: 'System',
  Path: '/Applications/MobileSafari.app',
};

/** A reading where every step was read, of an ordinary, quiet iPhone (iOS's own apps are always listed). */
function fullReading(over: Partial<IosReading> = {}): IosReading {
  const { apps, ...rest } = over;
  return {
    ...readingBase(),
    apps:
      apps === undefined
        ? [appStoreApp('net.whatsapp.WhatsApp', 'WhatsApp'), SAFARI]
        : apps.length
          ? [...apps, SAFARI]
          : [],
    ...rest,
  };
}

function readingBase(): IosReading {
  return {
    raw: [rawOut('public-values', 'pub'), rawOut('session-values', 'ses'), rawOut('apps', 'apps')],
    stats: { roundTrips: 5, wallMs: 900 },
    udid: UDID,
    started: T0,
    finished: T1,
    values: {
      public: {
        UniqueDeviceID: UDID,
        ProductType: 'iPhone14,7',
        ProductVersion: '18.1',
        BuildVersion: '22B83',
        DeviceClass: 'iPhone',
        DeviceName: 'Sam’s iPhone',
        HardwareModel: 'D27AP',
      },
      session: {
        SerialNumber: 'F2LXK0AAAAAA',
        PasswordProtected: true,
        'com.apple.mobile.chaperone/DeviceIsChaperoned': false,
        'com.apple.fmip/IsAssociated': true,
        'com.apple.mobile.backup/WillEncrypt': false,
        'com.apple.security.mac.amfi/DeveloperModeStatus': false,
        'com.apple.mobile.wireless_lockdown/EnableWifiConnections': false,
      },
      missing: [],
    },
    apps: [appStoreApp('net.whatsapp.WhatsApp', 'WhatsApp')],
    profiles: {
      Status: 'Acknowledged',
      OrderedIdentifiers: [],
      ProfileManifest: {},
      ProfileMetadata: {},
    },
    cloudConfiguration: {},
    iconState: [[{ bundleIdentifier: 'net.whatsapp.WhatsApp', displayName: 'WhatsApp' }]],
    problems: [],
    complete: true,
  };
}

function problem(step: IosStep, kind: IosProblemKind, message = `${step} ${kind}`): IosProblem {
  return { step, kind, message };
}

function check(s: IosSnapshot, id: string) {
  const c = s.checks.find((x) => x.id === id);
  expect(c, `check ${id}`).toBeDefined();
  return c!;
}

function report(snapshot: Snapshot, findings: FindingsDoc): ReportModel {
  return buildReportModel({
    snapshot,
    findings,
    meta: { generatedAt: T1, tool: TOOL, rules: [] },
  });
}

const incompleteOf = (doc: FindingsDoc) =>
  doc.incomplete ? doc.incomplete : { checks: [] as string[], facts: [] as string[] };
const rulesOf = (doc: FindingsDoc) => doc.findings.map((f) => f.rule);
const notEvaluatedIds = (doc: FindingsDoc) => (doc.notEvaluated ?? []).map((n) => n.rule);
const allReasonRules = (doc: FindingsDoc) =>
  doc.findings.flatMap((f) => f.evidence.reasons.map((r) => r.rule));

// ---------------------------------------------------------------- assembler

describe('assembleIosSnapshot: a full reading', () => {
  it('gives every check ok, the UDID as serial, the values as read, raw records in order', () => {
    const reading = fullReading();
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.platform).toBe('ios');
    expect(s.complete).toBe(true);
    expect(s.checks.map((c) => [c.id, c.status])).toEqual([
      ['device-values', 'ok'],
      ['apps', 'ok'],
      ['profiles', 'ok'],
      ['home-screen', 'ok'],
    ]);
    expect(s.device.serial).toBe(UDID);
    expect(s.device.udid).toBe(UDID);
    expect(s.device.manufacturer).toBe('Apple');
    expect(s.device.model).toBe('iPhone 14');
    expect(s.device.iosVersion).toBe('18.1');
    expect(s.device.passcodeSet).toBe(true);
    expect(s.device.supervised).toBe(false);
    expect(s.raw.map((r) => r.id)).toEqual(['public-values', 'session-values', 'apps']);
    expect(s.homeScreenRead).toBe(true);
    expect(s.apps.map((a) => [a.id, a.signer.class, a.hidden])).toEqual([
      ['net.whatsapp.WhatsApp', 'app-store', 'visible'],
      // iOS's own app with no home-screen icon: not on the home screen, carries no signer
      ['com.apple.mobilesafari', 'system', 'hidden'],
    ]);
    expect(s.jailbreak.appsChecked).toBe(true);
  });

  it('finds nothing on a quiet, complete iPhone and says the result is complete', () => {
    const s = assembleIosSnapshot(fullReading(), TOOL);
    const doc = analyzeSnapshot(s, shipped);
    expect(doc.findings).toEqual([]);
    expect(doc.incomplete).toBe(false);
    expect(doc.notEvaluated ?? []).toEqual([]);
    const model = report(s, doc);
    expect(model.platform).toBe('ios');
    expect(model.complete).toBe(true);
    expect(model.headline).not.toMatch(/not complete/);
  });

  it('keeps the public UDID as serial when the phone gives one, and the door’s UDID otherwise', () => {
    const noUdid = fullReading();
    delete noUdid.values.public.UniqueDeviceID;
    const s = assembleIosSnapshot(noUdid, TOOL);
    expect(s.device.serial).toBe(UDID);
    expect(s.device.udid).toBe(UDID);
  });

  it('adds a warning for each raw answer that was cut short, after the parser warnings', () => {
    const reading = fullReading({
      raw: [
        rawOut('public-values', 'a'),
        rawOut('apps', 'b', 'The app list was cut short after 64 MB'),
        rawOut('icon-state', 'c'),
      ],
    });
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.raw.map((r) => r.id)).toEqual(['public-values', 'apps', 'icon-state']);
    expect(s.warnings).toContain('The app list was cut short after 64 MB');
  });
});

describe('assembleIosSnapshot: steps that were not read', () => {
  it("an 'apps' step the locked phone refused: apps not checked (locked), result incomplete", () => {
    const reading = fullReading({
      // the door may hold something from a broken answer: it must not be used
      apps: [],
      problems: [problem('apps', 'locked', 'The iPhone is locked. Unlock it and try again.')],
      complete: false,
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const apps = check(s, 'apps');
    expect(apps.status).toBe('not-checked');
    expect(apps.cause).toBe('locked');
    expect(apps.reason).toBe('The iPhone is locked. Unlock it and try again.');
    expect(check(s, 'device-values').status).toBe('ok');
    expect(s.apps).toEqual([]);
    expect(s.jailbreak.appsChecked).toBe(false);
    expect(s.complete).toBe(false);

    const doc = analyzeSnapshot(s, shipped);
    expect(doc.incomplete).not.toBe(false);
    expect(incompleteOf(doc).checks).toContain('apps');
    // the high app rules that need the app list say they could not be judged
    const spoof = doc.notEvaluated?.find((n) => n.rule === 'ios.spoofed-app-store-signer');
    expect(spoof?.facts).toContain('ios_apps');
    expect(doc.findings.filter((f) => f.subject.type === 'app')).toEqual([]);

    const model = report(s, doc);
    expect(model.complete).toBe(false);
    // said first, before anything else: a partial picture must never read as clear
    expect(model.headline.startsWith('This check is not complete')).toBe(true);
    expect(model.notChecked.length).toBeGreaterThan(0);
  });

  it('public values read but the session refused: device values partial, nothing comes out false', () => {
    const reading = fullReading({
      problems: [problem('session-values', 'locked', 'Locked: unlock the iPhone')],
      complete: false,
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const dv = check(s, 'device-values');
    expect(dv.status).toBe('partial');
    expect(dv.cause).toBe('locked');
    expect(dv.reason).toBe('Locked: unlock the iPhone');
    // read without a session
    expect(s.device.iosVersion).toBe('18.1');
    expect(s.device.productType).toBe('iPhone14,7');
    // never read: unknown, never false (the session values in the reading are ignored)
    for (const k of [
      'passcodeSet',
      'supervised',
      'findMyAssociated',
      'backupEncryption',
      'developerMode',
      'wifiSync',
    ] as const)
      expect(s.device[k], k).toBe('unknown');
    expect(s.device.serialNumber).toBeUndefined();

    const doc = analyzeSnapshot(s, shipped);
    expect(rulesOf(doc)).not.toContain('ios.no-passcode');
    expect(rulesOf(doc)).not.toContain('ios.supervised');
    const np = doc.notEvaluated?.find((n) => n.rule === 'ios.no-passcode');
    expect(np?.facts).toEqual(['ios_device']);
    expect(notEvaluatedIds(doc)).toContain('ios.supervised');
  });

  it('public and session values both refused: device values not checked, cause of the first step', () => {
    const reading = fullReading({
      problems: [
        problem('public-values', 'pairing-refused', 'The iPhone no longer trusts this computer'),
        problem('session-values', 'locked'),
      ],
      complete: false,
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const dv = check(s, 'device-values');
    expect(dv.status).toBe('not-checked');
    expect(dv.cause).toBe('not-trusted');
    expect(dv.reason).toBe('The iPhone no longer trusts this computer');
    // the door's UDID still names the phone
    expect(s.device.serial).toBe(UDID);
    expect(s.device.iosVersion).toBeUndefined();
    const doc = analyzeSnapshot(s, shipped);
    // an unknown iOS version is not "old" and not "new": the rule was not judged
    expect(rulesOf(doc)).not.toContain('ios.old-ios');
    expect(notEvaluatedIds(doc)).toContain('ios.old-ios');
  });

  it("icon state 'service-missing': home screen not checked (unsupported), apps not called visible", () => {
    const reading = fullReading({
      iconState: undefined,
      problems: [problem('icon-state', 'service-missing', 'This iPhone does not offer it')],
      complete: true,
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const hs = check(s, 'home-screen');
    expect(hs.status).toBe('not-checked');
    expect(hs.cause).toBe('unsupported');
    expect(check(s, 'apps').status).toBe('ok');
    expect(s.homeScreenRead).toBe(false);
    expect(s.apps[0]?.hidden).toBe('unknown');

    const doc = analyzeSnapshot(s, shipped);
    // rules judge "hidden" by iOS's own hidden tag, which comes with the app list: a phone that
    // does not offer its home screen leaves nothing unjudged, and the report still lists the check
    expect(doc.incomplete).toBe(false);
    expect(report(s, doc).notChecked.map((n) => n.title)).toContain(hs.title);
  });

  it('an icon state read despite a problem on that step is not used', () => {
    const reading = fullReading({
      problems: [problem('icon-state', 'failed', 'Odd answer')],
    });
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.homeScreenRead).toBe(false);
    expect(s.apps[0]?.hidden).toBe('unknown');
  });

  it('profiles not read: no profiles, no cloud configuration, management rules not judged', () => {
    const reading = fullReading({
      problems: [problem('profiles', 'lost', 'The iPhone went away')],
      complete: false,
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const p = check(s, 'profiles');
    expect(p.status).toBe('not-checked');
    expect(p.cause).toBe('disconnected');
    expect(s.profiles).toEqual([]);
    expect(s.cloudConfiguration).toBeUndefined();
    const doc = analyzeSnapshot(s, shipped);
    expect(notEvaluatedIds(doc)).toEqual(
      expect.arrayContaining(['ios.profile', 'ios.managed-by-organisation']),
    );
    expect(incompleteOf(doc).checks).toContain('profiles');
  });

  it.each([
    ['not-paired', 'not-trusted'],
    ['pairing-refused', 'not-trusted'],
    ['locked', 'locked'],
    ['usbmuxd-missing', 'no-answer'],
    ['service-missing', 'unsupported'],
    ['lost', 'disconnected'],
    ['failed', 'failed'],
  ] as const)("problem kind '%s' becomes check cause '%s'", (kind, cause) => {
    const s = assembleIosSnapshot(fullReading({ problems: [problem('profiles', kind)] }), TOOL);
    expect(check(s, 'profiles').cause).toBe(cause);
    expect(check(s, 'profiles').status).toBe('not-checked');
  });

  it('keeps the first problem of a step when the door reports two', () => {
    const s = assembleIosSnapshot(
      fullReading({
        problems: [problem('apps', 'locked', 'first'), problem('apps', 'failed', 'second')],
      }),
      TOOL,
    );
    expect(check(s, 'apps').reason).toBe('first');
    expect(check(s, 'apps').cause).toBe('locked');
  });
});

// ---------------------------------------------------------------- isolation

describe('Android and iPhone rules never leak into each other', () => {
  const androidOnly = () =>
    compileRules([
      pack([
        { id: 'a.pkg', match: { package: ['com.example.shared'] } },
        { id: 'a.a11y', match: { accessibility_service: true } },
        { id: 'a.setting', match: { setting: { key: 'global.adb_enabled', equals: ['1'] } } },
        { id: 'a.root', match: { root: ['su_binary', 'test_keys'] } },
        { id: 'a.accounts', match: { account_count: { at_least: 0 } } },
        { id: 'a.launcher', match: { launcher: 'hidden' } },
        { id: 'a.system', match: { system: false } },
      ]),
    ]);

  it('an Android-only rule gives no finding and no notEvaluated entry on an iPhone', () => {
    const s = iosSnapshotFromCase({
      ios_app: { id: 'com.example.shared', signer: 'enterprise', hidden: 'hidden' },
      ios_device: { not_checked: ['home-screen', 'apps', 'device-values', 'profiles'] },
    });
    const doc = analyzeSnapshot(s, androidOnly());
    expect(doc.findings).toEqual([]);
    expect(doc.notEvaluated ?? []).toEqual([]);
  });

  it('the same Android-only rules do fire on an Android phone (the pack is live)', () => {
    const s = snapshotFromCase({
      app: { id: 'com.example.shared', installer: 'sideloaded', accessibility_service: true },
    });
    const doc = analyzeSnapshot(s, androidOnly());
    expect(allReasonRules(doc)).toEqual(
      expect.arrayContaining(['a.pkg', 'a.a11y', 'a.setting', 'a.accounts', 'a.system']),
    );
  });

  it('an iPhone-only rule gives no finding and no notEvaluated entry on an Android phone', () => {
    const rules = compileRules([
      pack([
        { id: 'i.bundle', platforms: ['ios'], match: { ios_bundle: ['com.example.shared'] } },
        { id: 'i.signer', platforms: ['ios'], match: { ios_signer: ['unknown', 'app-store'] } },
        { id: 'i.device', platforms: ['ios'], match: { ios_device: { passcode_set: true } } },
        { id: 'i.profile', platforms: ['ios'], match: { ios_profile: false } },
        { id: 'i.old', platforms: ['ios'], match: { ios_version_below: '99.0' } },
        { id: 'i.launcher', platforms: ['ios'], match: { launcher: 'hidden' } },
      ]),
    ]);
    const s = snapshotFromCase({
      app: { id: 'com.example.shared', installer: 'sideloaded', launcher: 'hidden' },
      device: { not_checked: ['apps', 'launcher', 'settings', 'props'] },
    });
    const doc = analyzeSnapshot(s, rules);
    expect(doc.findings).toEqual([]);
    expect(doc.notEvaluated ?? []).toEqual([]);
  });

  it('an iPhone rule that would match an iPhone matches there (the pack is live)', () => {
    const rules = compileRules([
      pack([
        { id: 'i.signer', platforms: ['ios'], match: { ios_signer: ['enterprise'] } },
        { id: 'i.device', platforms: ['ios'], match: { ios_device: { passcode_set: true } } },
      ]),
    ]);
    const doc = analyzeSnapshot(
      iosSnapshotFromCase({ ios_app: { id: 'com.example.shared', signer: 'enterprise' } }),
      rules,
    );
    expect(allReasonRules(doc).sort()).toEqual(['i.device', 'i.signer']);
  });

  it('shipped rules: an iPhone app named like an Android package matches no Android rule', () => {
    // com.topjohnwu.magisk is Magisk on Android; on an iPhone the id means nothing to Android rules
    const s = iosSnapshotFromCase({ ios_app: { id: 'com.topjohnwu.magisk', signer: 'app-store' } });
    const doc = analyzeSnapshot(s, shipped);
    const android = new Set(
      shipped.rules.filter((r) => !r.platforms.has('ios')).map((r) => r.rule.id),
    );
    expect(allReasonRules(doc).filter((r) => android.has(r))).toEqual([]);
    expect(notEvaluatedIds(doc).filter((r) => android.has(r))).toEqual([]);
  });

  it('shipped rules: iPhone-only rules never fire on an Android phone holding iPhone ids', () => {
    const s = snapshotFromCase({
      app: { id: 'com.opa334.TrollStore', installer: 'sideloaded', launcher: 'hidden' },
    });
    const doc = analyzeSnapshot(s, shipped);
    const iosOnly = new Set(
      shipped.rules.filter((r) => !r.platforms.has('android')).map((r) => r.rule.id),
    );
    expect(iosOnly.has('ios.trollstore')).toBe(true);
    expect(allReasonRules(doc).filter((r) => iosOnly.has(r))).toEqual([]);
    expect(notEvaluatedIds(doc).filter((r) => iosOnly.has(r))).toEqual([]);
  });

  it('the mixed rule location.life360 matches the iPhone app and the Android app', () => {
    const ios = analyzeSnapshot(
      iosSnapshotFromCase({ ios_app: { id: 'com.life360.safetymap', signer: 'app-store' } }),
      shipped,
    );
    const iosReason = ios.findings
      .flatMap((f) => f.evidence.reasons)
      .find((r) => r.rule === 'location.life360' && r.matcher === 'ios_bundle');
    expect(iosReason?.value).toBe('com.life360.safetymap');

    const android = analyzeSnapshot(
      snapshotFromCase({ app: { id: 'com.life360.android.safetymapd', installer: 'store' } }),
      shipped,
    );
    const aReason = android.findings
      .flatMap((f) => f.evidence.reasons)
      .find((r) => r.rule === 'location.life360' && r.matcher === 'package');
    expect(aReason?.value).toBe('com.life360.android.safetymapd');
  });

  it('location.life360 does not cross over: the Android package id on an iPhone is not Life360', () => {
    const ios = analyzeSnapshot(
      iosSnapshotFromCase({
        ios_app: { id: 'com.life360.android.safetymapd', signer: 'app-store' },
      }),
      shipped,
    );
    expect(allReasonRules(ios)).not.toContain('location.life360');
    const android = analyzeSnapshot(
      snapshotFromCase({ app: { id: 'com.life360.safetymap', installer: 'store' } }),
      shipped,
    );
    expect(allReasonRules(android)).not.toContain('location.life360');
  });

  it('an Android-only high rule does not make an iPhone result incomplete', () => {
    // only the Android rule needs the launcher at high severity; the iPhone rule is low
    const rules = compileRules([
      pack([
        { id: 'a.hidden', match: { launcher: 'hidden' } },
        {
          id: 'i.signer',
          platforms: ['ios'],
          severity: 'low',
          category: 'behaviour',
          match: { ios_signer: ['enterprise'] },
        },
      ]),
    ]);
    const s = iosSnapshotFromCase({
      ios_app: { id: 'com.example.app', signer: 'app-store' },
      ios_device: { not_checked: ['home-screen'] },
    });
    const doc = analyzeSnapshot(s, rules);
    expect(doc.notEvaluated ?? []).toEqual([]);
    expect(doc.incomplete).toBe(false);
  });
});

// ---------------------------------------------------------------- bundle ids

describe('ios_bundle matching ignores case, through the compiled index', () => {
  it('indexes bundle ids in lower case', () => {
    expect(shipped.index.ios_bundle.get('com.opa334.trollstore')).toBeDefined();
    expect(shipped.index.ios_bundle.has('com.opa334.TrollStore')).toBe(false);
  });

  it.each([
    'com.opa334.TrollStore',
    'com.opa334.trollstore',
    'COM.OPA334.TROLLSTORE',
    'com.opa334.TrollStorePersistenceHelper',
  ])('%s is TrollStore (high)', (id) => {
    const doc = analyzeSnapshot(
      iosSnapshotFromCase({ ios_app: { id, system: true, signer: 'system' } }),
      shipped,
    );
    const f = doc.findings.find((x) => x.subject.id === id);
    expect(f?.rule).toBe('ios.trollstore');
    expect(f?.severity).toBe('high');
    expect(f?.evidence.reasons[0]).toMatchObject({ matcher: 'ios_bundle', value: id });
  });

  it('a rule written in lower case matches an app the phone names in mixed case', () => {
    const rules = compileRules([
      pack([{ id: 'i.lower', platforms: ['ios'], match: { ios_bundle: ['com.example.spyapp'] } }]),
    ]);
    const doc = analyzeSnapshot(
      iosSnapshotFromCase({ ios_app: { id: 'com.Example.SpyApp', signer: 'enterprise' } }),
      rules,
    );
    expect(doc.findings.map((f) => [f.rule, f.subject.id])).toEqual([
      ['i.lower', 'com.Example.SpyApp'],
    ]);
  });

  it('a near-miss bundle id is not matched', () => {
    const doc = analyzeSnapshot(
      iosSnapshotFromCase({ ios_app: { id: 'com.opa334.TrollStore2', signer: 'app-store' } }),
      shipped,
    );
    expect(rulesOf(doc)).not.toContain('ios.trollstore');
  });
});

// ---------------------------------------------------------------- apps through the parser

describe('apps as the phone sends them', () => {
  it('a TrollStore-registered app gives one high finding: the spoofed signer, not "privileged"', () => {
    const reading = fullReading({
      apps: [
        appStoreApp('net.whatsapp.WhatsApp', 'WhatsApp'),
        {
          CFBundleIdentifier: 'com.example.helper',
          CFBundleDisplayName: 'Helper',
          ApplicationType: 'User',
          SignerIdentity: 'Apple iPhone OS Application Signing',
          SignerOrganization: 'Apple Inc.',
          IsAdHocSigned: true,
          Path: '/private/var/containers/Bundle/Application/BBBB/Helper.app',
          Entitlements: {
            'platform-application': true,
            'com.apple.private.security.no-sandbox': true,
          },
        },
      ],
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const helper = s.apps.find((a) => a.id === 'com.example.helper')!;
    expect(helper.signer.class).toBe('unknown');
    expect(helper.spoofedAppStoreSigner?.reasons).toEqual(
      expect.arrayContaining(['ad-hoc-signed', 'no-purchase-record', 'platform-application']),
    );
    expect(s.jailbreak.trollStore).toBe(true);
    const doc = analyzeSnapshot(s, shipped);
    const forHelper = doc.findings.filter((f) => f.subject.id === 'com.example.helper');
    expect(forHelper).toHaveLength(1);
    expect(forHelper[0]!.rule).toBe('ios.spoofed-app-store-signer');
    expect(forHelper[0]!.severity).toBe('high');
    expect(forHelper[0]!.evidence.reasons.map((r) => r.rule)).not.toContain('ios.privileged-app');
    // WhatsApp (a real App Store app) is not a finding
    expect(doc.findings.some((f) => f.subject.id === 'net.whatsapp.WhatsApp')).toBe(false);
  });

  it('Sileo in a rootless jailbreak folder: the rule naming the app explains the finding', () => {
    const reading = fullReading({
      apps: [
        {
          CFBundleIdentifier: 'org.coolstar.SileoStore',
          CFBundleName: 'Sileo',
          ApplicationType: 'System',
          Path: '/private/var/jb/Applications/Sileo.app',
        },
      ],
      iconState: [[{ bundleIdentifier: 'org.coolstar.SileoStore' }]],
    });
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.jailbreak.jailbreak).toBe(true);
    const doc = analyzeSnapshot(s, shipped);
    const f = doc.findings.find((x) => x.subject.id === 'org.coolstar.SileoStore');
    expect(f?.severity).toBe('high');
    // both ios.privileged-app (jailbreak path) and the package-manager rule match;
    // the one that names Sileo says more
    expect(f?.evidence.reasons.map((r) => r.rule)).toEqual(
      expect.arrayContaining(['jailbreak.ios-package-managers', 'ios.privileged-app']),
    );
    expect(f?.rule).toBe('jailbreak.ios-package-managers');
    expect(f?.subject.label).toBe('Sileo');
  });

  it('an enterprise tracker that is only off the home screen stays medium (it may be in the App Library)', () => {
    const reading = fullReading({
      apps: [
        appStoreApp('net.whatsapp.WhatsApp', 'WhatsApp'),
        enterpriseTracker('com.example.tracker', 'Tracker'),
      ],
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const app = s.apps.find((a) => a.id === 'com.example.tracker')!;
    expect(app.hiddenBy).toEqual(['no-home-screen-icon']);
    const doc = analyzeSnapshot(s, shipped);
    const f = doc.findings.find((x) => x.subject.id === 'com.example.tracker');
    expect(f?.rule).toBe('ios.outside-store-background');
    expect(f?.severity).toBe('medium');
    expect(f?.evidence.iosApp).toMatchObject({
      bundleId: 'com.example.tracker',
      signer: 'enterprise',
      hiddenByTag: false,
      homeScreen: 'not on the home screen (may be in the App Library)',
    });
  });

  it('the same tracker that iOS is told to hide (SBAppTags hidden) is raised to high', () => {
    const reading = fullReading({
      apps: [enterpriseTracker('com.example.tracker', 'Tracker', { SBAppTags: ['hidden'] })],
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const doc = analyzeSnapshot(s, shipped);
    const f = doc.findings.find((x) => x.subject.id === 'com.example.tracker');
    expect(f?.severity).toBe('high');
    expect(f?.evidence.iosApp).toMatchObject({ hiddenByTag: true });
  });

  it('the same tracker with the home screen not read stays medium and is not called hidden', () => {
    const reading = fullReading({
      apps: [enterpriseTracker('com.example.tracker', 'Tracker')],
      iconState: undefined,
      problems: [problem('icon-state', 'failed')],
    });
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.apps[0]!.hidden).toBe('unknown');
    const doc = analyzeSnapshot(s, shipped);
    const f = doc.findings.find((x) => x.subject.id === 'com.example.tracker');
    expect(f?.severity).toBe('medium');
    // the hidden tag comes with the app list: the home screen is evidence, not a judged fact
    expect(doc.incomplete).toBe(false);
    expect(s.checks.find((c) => c.id === 'home-screen')?.status).toBe('not-checked');
  });
});

// ---------------------------------------------------------------- profiles

function profileList(
  entries: Array<{ id: string; name?: string; org?: string; removal?: unknown }>,
): IosDict {
  const manifest: IosDict = {};
  const metadata: IosDict = {};
  for (const e of entries) {
    manifest[e.id] = { Description: e.name ?? e.id, IsActive: true };
    metadata[e.id] = {
      PayloadUUID: `UUID-${e.id}`,
      ...(e.name ? { PayloadDisplayName: e.name } : {}),
      ...(e.org ? { PayloadOrganization: e.org } : {}),
      ...(e.removal !== undefined ? { PayloadRemovalDisallowed: e.removal } : {}),
      PayloadVersion: 1,
    };
  }
  return {
    Status: 'Acknowledged',
    OrderedIdentifiers: entries.map((e) => e.id),
    ProfileManifest: manifest,
    ProfileMetadata: metadata,
  };
}

describe('configuration profiles', () => {
  it('two profiles give two profile findings; one that cannot be removed is high', () => {
    const reading = fullReading({
      profiles: profileList([
        { id: 'com.example.care', name: 'Device Care', org: 'Care Co', removal: true },
        { id: 'com.example.vpn', name: 'Work VPN', org: 'Example Ltd', removal: false },
      ]),
    });
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.profiles.map((p) => [p.id, p.removalDisallowed])).toEqual([
      ['com.example.care', true],
      ['com.example.vpn', false],
    ]);
    const doc = analyzeSnapshot(s, shipped);
    const profiles = doc.findings.filter((f) => f.subject.type === 'profile');
    expect(profiles).toHaveLength(2);
    const care = profiles.find((f) => f.subject.id === 'com.example.care')!;
    const vpn = profiles.find((f) => f.subject.id === 'com.example.vpn')!;
    expect(care.rule).toBe('ios.profile');
    expect(care.severity).toBe('high');
    expect(care.subject.label).toBe('Device Care');
    expect(vpn.rule).toBe('ios.profile');
    expect(vpn.severity).toBe('medium');
    expect(vpn.subject.label).toBe('Work VPN');
    // high first
    expect(doc.findings.indexOf(care)).toBeLessThan(doc.findings.indexOf(vpn));

    const model = report(s, doc);
    const shown = model.groups
      .flatMap((g) => g.findings)
      .filter((f) => f.subjectType === 'profile');
    expect(shown.map((f) => f.name).sort()).toEqual(['Device Care', 'Work VPN']);
    expect(shown.every((f) => f.showSubject)).toBe(true);
  });

  it("a removal flag the phone garbled is 'unknown': the profile still shows, medium, never dropped", () => {
    const reading = fullReading({
      profiles: profileList([{ id: 'com.example.odd', name: 'Odd', removal: 'yes' }]),
    });
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.profiles[0]!.removalDisallowed).toBe('unknown');
    const doc = analyzeSnapshot(s, shipped);
    const f = doc.findings.find((x) => x.subject.id === 'com.example.odd');
    expect(f?.rule).toBe('ios.profile');
    expect(f?.severity).toBe('medium');
  });

  it('no profiles read as an empty list: no profile finding, and ios.profile was judged', () => {
    const s = assembleIosSnapshot(fullReading(), TOOL);
    const doc = analyzeSnapshot(s, shipped);
    expect(doc.findings.filter((f) => f.subject.type === 'profile')).toEqual([]);
    expect(notEvaluatedIds(doc)).not.toContain('ios.profile');
  });

  it('an organisation set-up with unremovable management is high', () => {
    const reading = fullReading({
      cloudConfiguration: {
        IsSupervised: true,
        OrganizationName: 'Example MDM',
        IsMDMUnremovable: true,
        IsMandatory: true,
        ConfigurationWasApplied: true,
      },
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const doc = analyzeSnapshot(s, shipped);
    const f = doc.findings.find((x) => x.rule === 'ios.managed-by-organisation');
    expect(f?.severity).toBe('high');
    expect(f?.subject.type).toBe('device');
    expect(f?.subject.id).toBe(UDID);
  });
});

// ---------------------------------------------------------------- supervision

describe('supervision', () => {
  it('known only from the cloud configuration still fires ios.supervised', () => {
    const reading = fullReading({
      values: {
        ...fullReading().values,
        session: { PasswordProtected: true },
        missing: ['com.apple.mobile.chaperone/DeviceIsChaperoned'],
      },
      cloudConfiguration: { IsSupervised: true, OrganizationName: 'Someone' },
    });
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.device.supervised).toBe('unknown');
    expect(s.cloudConfiguration?.supervised).toBe(true);
    const doc = analyzeSnapshot(s, shipped);
    const f = doc.findings.find((x) => x.rule === 'ios.supervised');
    expect(f).toBeDefined();
    expect(f?.severity).toBe('medium');
    expect(notEvaluatedIds(doc)).not.toContain('ios.supervised');
  });

  it('the session locked but the cloud configuration says supervised: it fires, passcode not judged', () => {
    const reading = fullReading({
      problems: [problem('session-values', 'locked')],
      cloudConfiguration: { IsSupervised: true },
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const doc = analyzeSnapshot(s, shipped);
    expect(rulesOf(doc)).toContain('ios.supervised');
    expect(rulesOf(doc)).not.toContain('ios.no-passcode');
    expect(notEvaluatedIds(doc)).toContain('ios.no-passcode');
  });

  it('unknown everywhere is not judged, not "not supervised"', () => {
    const reading = fullReading({
      values: { ...fullReading().values, session: {}, missing: [] },
      cloudConfiguration: {},
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const doc = analyzeSnapshot(s, shipped);
    expect(rulesOf(doc)).not.toContain('ios.supervised');
    expect(notEvaluatedIds(doc)).toContain('ios.supervised');
  });
});

// ---------------------------------------------------------------- iOS version

describe('ios_version_below compares numerically', () => {
  const oldIos = (v: string | undefined) => {
    const s = iosSnapshotFromCase({ ios_device: {} });
    if (v === undefined) delete s.device.iosVersion;
    else s.device.iosVersion = v;
    return analyzeSnapshot(s, shipped);
  };

  it.each(['9.3', '17.6.1', '17.99', '16', '10.0.0.1'])('%s is older than 18.0', (v) => {
    const doc = oldIos(v);
    const f = doc.findings.find((x) => x.rule === 'ios.old-ios');
    expect(f, v).toBeDefined();
    expect(f?.evidence.reasons[0]?.value).toBe(`iOS ${v} (older than 18.0)`);
  });

  it.each([
    '18.0',
    '18',
    '18.0.0',
    '18.0.1',
    '18.1',
    '26.0',
    '100.0',
  ])('%s is not older than 18.0', (v) => {
    const doc = oldIos(v);
    expect(rulesOf(doc)).not.toContain('ios.old-ios');
    expect(notEvaluatedIds(doc)).not.toContain('ios.old-ios');
  });

  it.each([
    '18.0b3',
    'seventeen',
    '',
    '17..1',
    ' 17.1',
    '17.1\u202e',
    '1.2.3.4.5',
  ])('garbage %j is unknown, not "no"', (v) => {
    const doc = oldIos(v);
    expect(rulesOf(doc)).not.toContain('ios.old-ios');
    const n = doc.notEvaluated?.find((x) => x.rule === 'ios.old-ios');
    expect(n?.facts).toEqual(['ios_device']);
  });

  it('no version at all is unknown', () => {
    const doc = oldIos(undefined);
    expect(notEvaluatedIds(doc)).toContain('ios.old-ios');
  });

  it('compareIosVersions orders by number, not by text', () => {
    expect(compareIosVersions('9.3', '18.0')).toBeLessThan(0);
    expect(compareIosVersions('10.0', '9.9')).toBeGreaterThan(0);
    expect(compareIosVersions('18.0.1', '18.0')).toBeGreaterThan(0);
    expect(compareIosVersions('18', '18.0.0')).toBe(0);
    expect(compareIosVersions('x', '18.0')).toBeNaN();
  });
});

// ---------------------------------------------------------------- hostile values

const ESC = '\x1b';
const HOSTILE_NAME =
  `${ESC}[2J${ESC}[31mSettings${ESC}[0m\u202egpj.exe\u200b` +
  `${ESC}]8;;https://evil.example/${ESC}\\link${ESC}]8;;${ESC}\\` +
  'A'.repeat(10_000);

/** Raw control characters (tab and line feed allowed), DEL/C1, bidi overrides, zero-width. */
const CONTROL_OR_BIDI = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]/;

function stringsIn(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) stringsIn(x, out);
  return out;
}

describe('hostile values from the phone', () => {
  function hostileSnapshot() {
    const reading = fullReading({
      apps: [
        enterpriseTracker('com.example.Tracker', HOSTILE_NAME),
        enterpriseTracker(`com.evil${ESC}[2J.app\u202e`, `${ESC}c\u0007bell`),
      ],
      values: {
        ...fullReading().values,
        public: {
          ...fullReading().values.public,
          DeviceName: `${ESC}[31mphone\u202e`,
          ProductVersion: `${ESC}[2J17.0`,
        },
      },
      profiles: profileList([
        { id: `com.evil.profile${ESC}[1m`, name: `${ESC}]0;title\u0007Profile\u202e` },
      ]),
    });
    return assembleIosSnapshot(reading, TOOL);
  }

  it('flow into findings and the report without crashing, and no raw control text comes out', () => {
    const s = hostileSnapshot();
    // kept as sent (bounded), for the evidence
    const tracker = s.apps.find((a) => a.id === 'com.example.Tracker')!;
    expect(tracker.name!.length).toBeLessThanOrEqual(4096);
    expect(tracker.name!.startsWith(`${ESC}[2J`)).toBe(true);

    const doc = analyzeSnapshot(s, shipped);
    const appFindings = doc.findings.filter((f) => f.subject.type === 'app');
    expect(appFindings).toHaveLength(2);
    expect(doc.findings.some((f) => f.subject.type === 'profile')).toBe(true);

    const model = report(s, doc);
    const shown = model.groups.flatMap((g) => g.findings);
    const t = shown.find((f) => f.subjectId === 'com.example.Tracker')!;
    expect(t).toBeDefined();
    expect(t.name.length).toBeLessThanOrEqual(200);
    expect(t.name).toContain('Settings');
    expect(t.nameWarning).toBeDefined();

    // every string in the model (the evidence may spell a control character out, never hold it)
    const strings = stringsIn(model);
    expect(strings.length).toBeGreaterThan(50);
    const bad = strings.filter((x) => CONTROL_OR_BIDI.test(x));
    expect(bad).toEqual([]);

    const terminal = renderTerminal(model, { color: false });
    expect(terminal).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e\u200b]/);
    const html = renderHtml(model);
    expect(html).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202e\u200b]/);
  });

  it('a version string with an escape sequence is not a version (unknown, not "old")', () => {
    const s = hostileSnapshot();
    const doc = analyzeSnapshot(s, shipped);
    expect(rulesOf(doc)).not.toContain('ios.old-ios');
    expect(notEvaluatedIds(doc)).toContain('ios.old-ios');
  });

  it('a bundle id of only odd types or a list of non-dictionaries does not crash the pipeline', () => {
    const reading = fullReading({
      apps: [
        null,
        42,
        'com.example.text',
        [],
        { CFBundleIdentifier: 42, ApplicationType: 'User' },
        { CFBundleIdentifier: { nested: true } },
        { CFBundleIdentifier: '__proto__', ApplicationType: 'User' },
        { CFBundleIdentifier: 'constructor', ApplicationType: 'User', UIBackgroundModes: 'x' },
      ] as unknown as IosDict[],
      iconState: { Error: `${ESC}[2Jnope` },
    });
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.homeScreenRead).toBe(false);
    expect(() => report(s, analyzeSnapshot(s, shipped))).not.toThrow();
    for (const a of s.apps) expect(typeof a.id).toBe('string');
  });

  it('an empty app list because the apps check did not run: incomplete, said first', () => {
    const reading = fullReading({
      apps: [],
      problems: [problem('apps', 'failed', 'The phone gave an answer spycheck did not expect')],
      complete: false,
    });
    const s = assembleIosSnapshot(reading, TOOL);
    const doc = analyzeSnapshot(s, shipped);
    expect(doc.findings).toEqual([]);
    const model = report(s, doc);
    expect(model.complete).toBe(false);
    expect(model.headline).toMatch(
      /^This check is not complete, so it must not be read as clear\./,
    );
    expect(model.headline).not.toMatch(/^We did not find/);
    expect(model.notChecked.some((n) => /spycheck did not expect/.test(n.reason))).toBe(true);
  });

  it('an empty app list that was "read" is never clean: every iPhone lists its own apps', () => {
    const s = assembleIosSnapshot(fullReading({ apps: [], iconState: [[]] }), TOOL);
    expect(s.checks.find((c) => c.id === 'apps')).toMatchObject({
      status: 'not-checked',
      cause: 'empty',
    });
    const doc = analyzeSnapshot(s, shipped);
    expect(doc.incomplete).not.toBe(false);
    expect(report(s, doc).headline).toMatch(/^This check is not complete/);
  });

  it('an app list with none of iOS\u2019s own apps ran only in part', () => {
    const reading = { ...fullReading(), apps: [appStoreApp('net.whatsapp.WhatsApp', 'WhatsApp')] };
    const s = assembleIosSnapshot(reading, TOOL);
    expect(s.checks.find((c) => c.id === 'apps')).toMatchObject({ status: 'partial' });
  });

  it('a session that left out the passcode value: the values check ran in part, and says which', () => {
    const base = fullReading();
    const { PasswordProtected: _, ...session } = base.values.session;
    const s = assembleIosSnapshot(
      { ...base, values: { ...base.values, session, missing: ['PasswordProtected'] } },
      TOOL,
    );
    expect(s.device.passcodeSet).toBe('unknown');
    expect(s.checks.find((c) => c.id === 'device-values')).toMatchObject({
      status: 'partial',
      reason: expect.stringMatching(/passcode/),
    });
  });
});
