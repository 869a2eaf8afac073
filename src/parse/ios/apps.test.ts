import { describe, expect, it } from 'vitest';
import type { IosApp } from '../../model/iosSnapshot.js';
import { APP_STORE_SIGNER, parseApps, stripTeamPrefix } from './apps.js';
import { parseIconState } from './iconState.js';
import { loadPlist } from './testdata.test-util.js';

function byId(apps: IosApp[]): Record<string, IosApp> {
  return Object.fromEntries(apps.map((a) => [a.id, a]));
}

describe('parseApps: iOS 18 App Store and system apps', () => {
  const home = parseIconState(loadPlist('ios18-iconstate.plist')).parsed;
  const { parsed, warnings } = parseApps(loadPlist('ios18-apps.plist'), { homeScreen: home });
  const apps = byId(parsed);

  it('reads every app without warnings', () => {
    expect(parsed.map((a) => a.id)).toEqual([
      'com.apple.mobilesafari',
      'com.apple.AccountAuthenticationDialog',
      'org.whispersystems.signal',
      'com.life360.safetymap',
    ]);
    expect(warnings).toEqual([]);
  });

  it('a clean App Store app is app-store, not spoofed, visible (its icon is in a folder)', () => {
    const signal = apps['org.whispersystems.signal']!;
    expect(signal.signer).toEqual({
      class: 'app-store',
      claimed: 'app-store',
      identity: APP_STORE_SIGNER,
      organization: 'Signal Messenger, LLC',
      teamId: 'U68MSDN6DR',
      adHocSigned: false,
      hasPurchaseRecord: true,
    });
    expect(signal.spoofedAppStoreSigner).toBeUndefined();
    expect(signal.appleLookalike).toBe(false);
    expect(signal.hidden).toBe('visible');
    expect(signal.name).toBe('Signal');
    expect(signal.version).toBe('7.31');
    expect(signal.usageDescriptions).toEqual([
      'NSCameraUsageDescription',
      'NSContactsUsageDescription',
      'NSMicrophoneUsageDescription',
    ]);
    expect(signal.backgroundModes).toEqual(['audio', 'fetch', 'remote-notification', 'voip']);
    expect(signal.entitlements.applicationIdentifier).toBe('U68MSDN6DR.org.whispersystems.signal');
  });

  it('a system app without a signer is system and not flagged, despite platform-application', () => {
    const safari = apps['com.apple.mobilesafari']!;
    expect(safari.system).toBe(true);
    expect(safari.signer.class).toBe('system');
    expect(safari.signer.identity).toBeUndefined();
    expect(safari.spoofedAppStoreSigner).toBeUndefined();
    expect(safari.appleLookalike).toBe(false);
    expect(safari.hidden).toBe('visible');
    expect(safari.entitlements.tccAllow).toEqual(['kTCCServiceCamera', 'kTCCServiceMicrophone']);
  });

  it('a UI-less system part tagged hidden is hidden by its tag and by having no icon', () => {
    const dialog = apps['com.apple.AccountAuthenticationDialog']!;
    expect(dialog.hidden).toBe('hidden');
    expect(dialog.hiddenBy).toEqual(['sbapptags', 'no-home-screen-icon']);
    expect(dialog.signer.class).toBe('system');
    expect(dialog.name).toBe('AccountAuthenticationDialog');
  });

  it('Life360 from the App Store is plain app-store, with its location capabilities kept', () => {
    const life = apps['com.life360.safetymap']!;
    expect(life.signer.class).toBe('app-store');
    expect(life.spoofedAppStoreSigner).toBeUndefined();
    expect(life.backgroundModes).toContain('location');
    expect(life.usageDescriptions).toContain('NSLocationAlwaysAndWhenInUseUsageDescription');
    expect(life.entitlements.notable).toEqual(['com.apple.developer.location.push']);
    expect(life.hidden).toBe('visible');
  });

  it('without the home screen, an app with no hidden tag is unknown, never visible', () => {
    const { parsed: noHome } = parseApps(loadPlist('ios18-apps.plist'));
    const m = byId(noHome);
    expect(m['org.whispersystems.signal']!.hidden).toBe('unknown');
    expect(m['com.apple.AccountAuthenticationDialog']!.hidden).toBe('hidden');
    expect(m['com.apple.AccountAuthenticationDialog']!.hiddenBy).toEqual(['sbapptags']);
  });

  it('a home screen that was not read (an error answer) is the same as none', () => {
    const bad = parseIconState({ Error: 'NotAllowed' }).parsed;
    const { parsed: p } = parseApps(loadPlist('ios18-apps.plist'), { homeScreen: bad });
    expect(byId(p)['org.whispersystems.signal']!.hidden).toBe('unknown');
  });
});

describe('parseApps: iOS 17 apps from outside the App Store', () => {
  const { parsed, warnings } = parseApps(loadPlist('ios17-apps.plist'));
  const apps = byId(parsed);

  it('reads them without warnings', () => {
    expect(warnings).toEqual([]);
    expect(parsed).toHaveLength(4);
  });

  it('an "iPhone Distribution" app is enterprise, team from the signer, trusted by the user', () => {
    const field = apps['uk.co.harbourlogistics.fieldapp']!;
    expect(field.signer).toMatchObject({
      class: 'enterprise',
      claimed: 'enterprise',
      teamId: '7QK2M9XW4P',
      distribution: 'unknown',
      profileValidated: true,
      hasPurchaseRecord: false,
    });
    expect(field.spoofedAppStoreSigner).toBeUndefined();
  });

  it('provisioning profiles tell enterprise (all devices) from ad hoc (listed devices)', () => {
    const all = parseApps(loadPlist('ios17-apps.plist'), {
      provisionsAllDevices: new Map([['7QK2M9XW4P', true]]),
    });
    expect(byId(all.parsed)['uk.co.harbourlogistics.fieldapp']!.signer.distribution).toBe(
      'enterprise',
    );
    const listed = parseApps(loadPlist('ios17-apps.plist'), {
      provisionsAllDevices: new Map([['7QK2M9XW4P', false]]),
    });
    expect(byId(listed.parsed)['uk.co.harbourlogistics.fieldapp']!.signer.distribution).toBe(
      'ad-hoc',
    );
  });

  it('an "Apple Development" app with ProfileValidated is developer, debuggable', () => {
    const dev = apps['com.jdoe.tracker']!;
    expect(dev.signer).toMatchObject({
      class: 'developer',
      identity: 'Apple Development: jdoe@example.com (5H3KQ82LMN)',
      teamId: '5H3KQ82LMN',
      profileValidated: true,
    });
    expect(dev.entitlements.getTaskAllow).toBe(true);
    expect(dev.entitlements.notable).toEqual(['get-task-allow']);
    expect(dev.name).toBe('Notes+');
  });

  it('the App Store signer with beta-reports-active is TestFlight', () => {
    expect(apps['com.example.betaapp']!.signer.class).toBe('testflight');
    expect(apps['com.example.betaapp']!.signer.teamId).toBe('K3L4M5N6P7');
  });

  it("Apple's own App Store app (Apple Inc., purchased, not ad hoc) is neither spoofed nor a look-alike", () => {
    const pages = apps['com.apple.Pages']!;
    expect(pages.signer.class).toBe('app-store');
    expect(pages.spoofedAppStoreSigner).toBeUndefined();
    expect(pages.appleLookalike).toBe(false);
  });
});

describe('parseApps: iOS 16 TrollStore and rootless jailbreak', () => {
  const { parsed } = parseApps(loadPlist('ios16-apps.plist'));
  const apps = byId(parsed);

  it('an app registered with a spoofed App Store signer is flagged with every reason', () => {
    const agent = apps['com.bettercare.familylink']!;
    expect(agent.spoofedAppStoreSigner).toEqual({
      reasons: [
        'ad-hoc-signed',
        'no-purchase-record',
        'apple-organisation',
        'platform-application',
        'no-sandbox',
      ],
    });
    expect(agent.signer.class).toBe('unknown');
    expect(agent.signer.claimed).toBe('app-store');
    expect(agent.hidden).toBe('hidden');
    expect(agent.entitlements.notable).toEqual([
      'platform-application',
      'com.apple.private.security.no-sandbox',
      'com.apple.private.tcc.allow',
      'com.apple.locationd.preauthorized',
    ]);
    expect(agent.entitlements.tccAllow).toEqual([
      'kTCCServiceMicrophone',
      'kTCCServicePhotos',
      'kTCCServiceAddressBook',
    ]);
  });

  it('an ad hoc signed App Store claim without a purchase record is flagged even without entitlements', () => {
    const { parsed: p } = parseApps([
      {
        CFBundleIdentifier: 'com.example.quiet',
        ApplicationType: 'User',
        SignerIdentity: APP_STORE_SIGNER,
        IsAdHocSigned: true,
      },
    ]);
    expect(p[0]!.spoofedAppStoreSigner?.reasons).toEqual(['ad-hoc-signed', 'no-purchase-record']);
  });

  it('Apple Inc. as organisation with no signer identity on a User app is a claim checked the same way', () => {
    const { parsed: p } = parseApps([
      {
        CFBundleIdentifier: 'com.apple.SystemHelper',
        ApplicationType: 'User',
        SignerOrganization: 'Apple Inc.',
        Entitlements: { 'com.apple.private.security.no-sandbox': true },
      },
    ]);
    expect(p[0]!.spoofedAppStoreSigner?.reasons).toEqual([
      'no-purchase-record',
      'apple-organisation',
      'no-sandbox',
    ]);
    expect(p[0]!.appleLookalike).toBe(true);
  });

  it('jailbreak apps registered as System carry no signer: system class, never spoofed', () => {
    expect(apps['org.coolstar.SileoStore']!.signer.class).toBe('system');
    expect(apps['org.coolstar.SileoStore']!.spoofedAppStoreSigner).toBeUndefined();
    expect(apps['com.example.rootlessnotes']!.system).toBe(true);
  });
});

describe('parseApps: shapes and hostile input', () => {
  it('reads a Lookup result (bundle id → dictionary), naming an app by its key when needed', () => {
    const { parsed, warnings } = parseApps({
      'com.example.a': { CFBundleIdentifier: 'com.example.a', ApplicationType: 'User' },
      'com.example.b': { ApplicationType: 'User' },
    });
    expect(parsed.map((a) => a.id)).toEqual(['com.example.a', 'com.example.b']);
    expect(warnings.join('\n')).toMatch(/no CFBundleIdentifier/);
  });

  it('falls back to application-identifier without its team prefix', () => {
    const { parsed } = parseApps([
      { ApplicationType: 'User', Entitlements: { 'application-identifier': 'ABCDE12345.com.x.y' } },
    ]);
    expect(parsed[0]!.id).toBe('com.x.y');
  });

  it('strips ISDi-style team prefixes only when they are ten capitals or digits', () => {
    expect(stripTeamPrefix('BYF4MQ3AWZ.com.life360.safetymap')).toBe('com.life360.safetymap');
    expect(stripTeamPrefix('com.life360.safetymap')).toBe('com.life360.safetymap');
    expect(stripTeamPrefix('abcde12345.com.x')).toBe('abcde12345.com.x');
  });

  it('never throws on wrong types, and says what it ignored', () => {
    for (const bad of [undefined, null, 42, 'apps', true, Buffer.from('x'), new Date()]) {
      const r = parseApps(bad);
      expect(r.parsed).toEqual([]);
      expect(r.warnings.length).toBeGreaterThan(0);
    }
    const { parsed, warnings } = parseApps([
      null,
      7,
      [],
      {},
      {
        CFBundleIdentifier: 'com.example.odd',
        ApplicationType: 42,
        SignerIdentity: ['Apple iPhone OS Application Signing'],
        IsAdHocSigned: 'yes',
        ApplicationDSID: { nope: 1 },
        Entitlements: 'platform-application',
        UIBackgroundModes: 'location',
        SBAppTags: [1, 'hidden', null],
        CFBundleDisplayName: { x: 1 },
        CFBundleShortVersionString: 16.5,
        Path: 99n as unknown,
      },
    ]);
    expect(parsed).toHaveLength(1);
    const odd = parsed[0]!;
    expect(odd.type).toBe('other');
    expect(odd.signer.class).toBe('unknown');
    expect(odd.signer.adHocSigned).toBeUndefined();
    expect(odd.spoofedAppStoreSigner).toBeUndefined();
    expect(odd.backgroundModes).toEqual(['location']);
    expect(odd.tags).toEqual(['hidden']);
    expect(odd.hidden).toBe('hidden');
    expect(odd.version).toBe('16.5');
    expect(odd.name).toBeUndefined();
    expect(odd.path).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/3 app entries are not dictionaries/);
    expect(warnings.join('\n')).toMatch(/Entitlements is not a dictionary/);
  });

  it('keeps control and bidi characters in names as sent, for the sanitiser', () => {
    const name = 'Calc\u202eulator\u0000\u001b[31m';
    const { parsed } = parseApps([
      { CFBundleIdentifier: 'com.example.c', ApplicationType: 'User', CFBundleDisplayName: name },
    ]);
    expect(parsed[0]!.name).toBe(name);
  });

  it('treats "__proto__" and "constructor" as plain keys', () => {
    const rec = JSON.parse(
      '{"CFBundleIdentifier":"com.example.p","ApplicationType":"User","__proto__":{"SignerIdentity":"Apple iPhone OS Application Signing"},"Entitlements":{"constructor":true}}',
    );
    const { parsed } = parseApps([rec]);
    expect(parsed[0]!.signer.identity).toBeUndefined();
    expect(({} as Record<string, unknown>).SignerIdentity).toBeUndefined();
  });

  it('bounds huge lists and long text, and keeps the first of a repeated app', () => {
    const many = Array.from({ length: 6000 }, (_, i) => ({
      CFBundleIdentifier: `com.example.app${i % 5500}`,
      ApplicationType: 'User',
      UIBackgroundModes: Array.from({ length: 300 }, (_, j) => `mode${j}`),
      CFBundleDisplayName: 'x'.repeat(100_000),
    }));
    const started = Date.now();
    const { parsed, warnings } = parseApps(many);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(parsed).toHaveLength(5000);
    expect(parsed[0]!.backgroundModes).toHaveLength(256);
    expect(parsed[0]!.name).toHaveLength(4096);
    expect(warnings.join('\n')).toMatch(/listed 6000 apps; read the first 5000/);
    expect(warnings.length).toBeLessThanOrEqual(201);
  });

  it('keeps the first of an app listed twice', () => {
    const { parsed, warnings } = parseApps([
      { CFBundleIdentifier: 'com.example.twice', ApplicationType: 'User', CFBundleVersion: '1' },
      { CFBundleIdentifier: 'com.example.twice', ApplicationType: 'User', CFBundleVersion: '2' },
    ]);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.bundleVersion).toBe('1');
    expect(warnings.join('\n')).toMatch(/listed twice/);
  });
});
