import { describe, expect, it } from 'vitest';
import { parseCloudConfiguration } from './cloudConfig.js';
import { marketingName } from './deviceNames.js';
import { parseIconState } from './iconState.js';
import { IOS_PARSERS } from './index.js';
import { parseLockdownValues } from './lockdownValues.js';
import { parseProfileList } from './profiles.js';
import { loadPlist } from './testdata.test-util.js';

const IOS17_PUBLIC = {
  BuildVersion: '21F90',
  CPUArchitecture: 'arm64e',
  DeviceClass: 'iPhone',
  DeviceName: 'Alex’s iPhone',
  HardwareModel: 'D37AP',
  ProductName: 'iPhone OS',
  ProductType: 'iPhone15,4',
  ProductVersion: '17.5.1',
  ProtocolVersion: '2',
  UniqueDeviceID: '00008120-000E25C83A90201E',
};

describe('parseLockdownValues', () => {
  it('iOS 17: public values and every session value', () => {
    const { parsed, warnings } = parseLockdownValues(IOS17_PUBLIC, {
      values: {
        SerialNumber: 'G7QX2LMN0P',
        PasswordProtected: true,
        'com.apple.mobile.chaperone/DeviceIsChaperoned': false,
        'com.apple.fmip/IsAssociated': true,
        'com.apple.mobile.backup/WillEncrypt': true,
        'com.apple.security.mac.amfi/DeveloperModeStatus': false,
        'com.apple.mobile.wireless_lockdown/EnableWifiConnections': true,
      },
      missing: [],
    });
    expect(warnings).toEqual([]);
    expect(parsed).toEqual({
      udid: '00008120-000E25C83A90201E',
      productType: 'iPhone15,4',
      marketingName: 'iPhone 15',
      hardwareModel: 'D37AP',
      deviceClass: 'iPhone',
      deviceName: 'Alex’s iPhone',
      iosVersion: '17.5.1',
      build: '21F90',
      serialNumber: 'G7QX2LMN0P',
      passcodeSet: true,
      supervised: false,
      findMyAssociated: true,
      backupEncryption: true,
      developerMode: false,
      wifiSync: true,
      missingValues: [],
    });
  });

  it('missing session values are unknown, never false (iOS 15-style phone without Developer Mode)', () => {
    const { parsed } = parseLockdownValues(
      {
        ...IOS17_PUBLIC,
        ProductType: 'iPhone12,8',
        ProductVersion: '16.7.10',
        BuildVersion: '20H350',
      },
      {
        values: { PasswordProtected: false },
        missing: ['com.apple.security.mac.amfi/DeveloperModeStatus', 'com.apple.fmip/IsAssociated'],
      },
    );
    expect(parsed.marketingName).toBe('iPhone SE (2nd generation)');
    expect(parsed.passcodeSet).toBe(false);
    expect(parsed.developerMode).toBe('unknown');
    expect(parsed.findMyAssociated).toBe('unknown');
    expect(parsed.supervised).toBe('unknown');
    expect(parsed.missingValues).toEqual([
      'com.apple.security.mac.amfi/DeveloperModeStatus',
      'com.apple.fmip/IsAssociated',
    ]);
  });

  it('no session at all (locked, not trusted): every session fact unknown, with a warning', () => {
    const { parsed, warnings } = parseLockdownValues(IOS17_PUBLIC);
    for (const k of [
      'passcodeSet',
      'supervised',
      'findMyAssociated',
      'backupEncryption',
      'developerMode',
      'wifiSync',
    ] as const)
      expect(parsed[k]).toBe('unknown');
    expect(parsed.serialNumber).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/No session values/);
  });

  it('hostile values: wrong types are unknown, unknown models are kept as is', () => {
    const { parsed, warnings } = parseLockdownValues(
      {
        UniqueDeviceID: 123,
        ProductType: 'iPhone99,9',
        DeviceName: 'A\u202eB\u0007',
        ProductVersion: ['18'],
      },
      { values: { PasswordProtected: 'true', 'com.apple.fmip/IsAssociated': 1 }, missing: 'x' },
    );
    expect(parsed.udid).toBe('123');
    expect(parsed.productType).toBe('iPhone99,9');
    expect(parsed.marketingName).toBeUndefined();
    expect(parsed.deviceName).toBe('A\u202eB\u0007');
    expect(parsed.iosVersion).toBeUndefined();
    expect(parsed.passcodeSet).toBe('unknown');
    expect(parsed.findMyAssociated).toBe(true);
    expect(warnings.join('\n')).toMatch(/Unknown iPhone model/);
    for (const bad of [null, 5, 'x', []]) {
      const r = parseLockdownValues(bad, bad);
      expect(r.parsed.udid).toBe('');
      expect(r.parsed.passcodeSet).toBe('unknown');
    }
  });

  it('knows recent iPhones and nothing made up', () => {
    expect(marketingName('iPhone11,8')).toBe('iPhone XR');
    expect(marketingName('iPhone14,7')).toBe('iPhone 14');
    expect(marketingName('iPhone17,1')).toBe('iPhone 16 Pro');
    expect(marketingName('toString')).toBeUndefined();
    expect(marketingName(undefined)).toBeUndefined();
  });
});

describe('parseIconState', () => {
  it('iOS 18: dock, pages and folder pages count; widgets and web clips do not', () => {
    const { parsed, warnings } = parseIconState(loadPlist('ios18-iconstate.plist'));
    expect(warnings).toEqual([]);
    expect(parsed).toEqual({
      read: true,
      bundleIds: [
        'com.apple.mobilephone',
        'com.apple.mobilesafari',
        'com.apple.MobileSMS',
        'com.apple.Music',
        'com.apple.mobilecal',
        'org.whispersystems.signal',
        'com.life360.safetymap',
      ],
      pages: 2,
      folders: 1,
      webClips: 1,
      widgets: 1,
    });
  });

  it('older phones name icons by displayIdentifier only', () => {
    const { parsed } = parseIconState([[{ displayIdentifier: 'com.example.old' }]]);
    expect(parsed.bundleIds).toEqual(['com.example.old']);
  });

  it('hostile: not a list, errors, deep nesting, huge pages never throw', () => {
    for (const bad of [undefined, null, 1, 'x', {}, { Error: 'NotAllowed' }, []])
      expect(parseIconState(bad).parsed.read).toBe(false);
    let deep: unknown = [{ bundleIdentifier: 'com.example.deep' }];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => parseIconState([deep])).not.toThrow();
    let folder: unknown = { bundleIdentifier: 'com.example.infolder' };
    for (let i = 0; i < 5000; i++) folder = { listType: 'folder', iconLists: [[folder]] };
    expect(parseIconState([[folder]]).warnings.join('\n')).toMatch(/too deeply/);
    const huge = [Array.from({ length: 30_000 }, (_, i) => ({ bundleIdentifier: `com.x.a${i}` }))];
    const r = parseIconState(huge);
    expect(r.parsed.read).toBe(false);
    expect(r.warnings.join('\n')).toMatch(/more than 20000 items/);
  });
});

describe('parseProfileList', () => {
  it('iOS 17: a non-removable MDM profile and an inactive Wi-Fi profile, in the phone’s order', () => {
    const { parsed, warnings } = parseProfileList(loadPlist('ios17-profiles.plist'));
    expect(warnings).toEqual([]);
    expect(parsed).toEqual([
      {
        id: 'com.northgate-care.mdm',
        uuid: '4C1F8E2A-6B3D-4E7F-9A0B-1C2D3E4F5A6B',
        displayName: 'Northgate Care Device Management',
        organisation: 'Northgate Care Ltd',
        description: 'Lets Northgate Care manage this work phone.',
        removalDisallowed: true,
        active: true,
        version: 1,
        payloadContents: 'not-readable',
      },
      {
        id: 'com.northgate-care.wifi.7F31',
        uuid: '0E1D2C3B-4A59-4867-9504-A3B2C1D0E9F8',
        displayName: 'Staff Wi-Fi',
        organisation: 'Northgate Care Ltd',
        removalDisallowed: false,
        active: false,
        version: 1,
        payloadContents: 'not-readable',
      },
    ]);
  });

  it('a profile only in the manifest is kept, its removability unknown', () => {
    const { parsed, warnings } = parseProfileList({
      Status: 'Acknowledged',
      OrderedIdentifiers: [],
      ProfileManifest: { 'com.example.only': { Description: 'Only', IsActive: true } },
      ProfileMetadata: {},
    });
    expect(parsed).toEqual([
      {
        id: 'com.example.only',
        displayName: 'Only',
        removalDisallowed: 'unknown',
        active: true,
        payloadContents: 'not-readable',
      },
    ]);
    expect(warnings.join('\n')).toMatch(/no metadata/);
  });

  it('no profiles: an empty list', () => {
    expect(
      parseProfileList({
        Status: 'Acknowledged',
        OrderedIdentifiers: [],
        ProfileManifest: {},
        ProfileMetadata: {},
      }),
    ).toEqual({ parsed: [], warnings: [] });
  });

  it('hostile: wrong types and thousands of profiles never throw', () => {
    for (const bad of [undefined, null, [], 'x']) expect(parseProfileList(bad).parsed).toEqual([]);
    const r = parseProfileList({
      Status: 'Error',
      OrderedIdentifiers: [1, null, 'a\u0000b', 'a\u0000b'],
      ProfileManifest: [],
      ProfileMetadata: { 'a\u0000b': { PayloadRemovalDisallowed: 'yes', PayloadDisplayName: 7 } },
    });
    expect(r.parsed).toEqual([
      {
        id: 'a\u0000b',
        displayName: '7',
        removalDisallowed: 'unknown',
        active: 'unknown',
        payloadContents: 'not-readable',
      },
    ]);
    const ids = Array.from({ length: 5000 }, (_, i) => `p${i}`);
    const big = parseProfileList({ OrderedIdentifiers: ids });
    expect(big.parsed).toHaveLength(1000);
  });
});

describe('parseCloudConfiguration', () => {
  it('iOS 17 supervised through Apple Business Manager, MDM not removable', () => {
    const { parsed, warnings } = parseCloudConfiguration(loadPlist('ios17-cloudconfig.plist'));
    expect(warnings).toEqual([]);
    expect(parsed).toMatchObject({
      present: true,
      supervised: true,
      organisation: 'Northgate Care Ltd',
      department: 'IT',
      email: 'it@northgate-care.example',
      phone: '+44 113 496 0000',
      mdmUnremovable: true,
      mandatory: true,
      applied: true,
      allowPairing: true,
      skipSetup: ['Location', 'Restore', 'Android', 'Siri', 'Privacy'],
    });
    expect(parsed.keys).toContain('OrganizationMagic');
  });

  it('{} (no organisation set the phone up) is not present, and supervision stays unknown', () => {
    const { parsed } = parseCloudConfiguration({});
    expect(parsed.present).toBe(false);
    expect(parsed.supervised).toBe('unknown');
    expect(parsed.mdmUnremovable).toBe('unknown');
  });

  it('an ordinary phone\u2019s default keys are not an organisation\u2019s set-up', () => {
    const { parsed } = parseCloudConfiguration({
      AllowPairing: true,
      CloudConfigurationUIComplete: true,
      ConfigurationWasApplied: true,
      IsSupervised: false,
      IsMandatory: false,
      IsMDMUnremovable: false,
      PostSetupProfileWasInstalled: true,
      SkipSetup: [],
    });
    expect(parsed.present).toBe(false);
    expect(parsed.supervised).toBe(false);
    // one organisation key is enough, whatever the flags say
    expect(parseCloudConfiguration({ OrganizationName: 'Example Ltd' }).parsed.present).toBe(true);
    expect(parseCloudConfiguration({ IsSupervised: true }).parsed.present).toBe(true);
  });

  it('hostile input never throws', () => {
    for (const bad of [undefined, null, [], 'x', 3]) {
      const r = parseCloudConfiguration(bad);
      expect(r.parsed.present).toBe(false);
      expect(r.warnings.length).toBeGreaterThan(0);
    }
    const r = parseCloudConfiguration({ IsSupervised: 'YES', SkipSetup: 'Location' });
    expect(r.parsed.supervised).toBe('unknown');
    expect(r.parsed.skipSetup).toEqual(['Location']);
  });
});

describe('IOS_PARSERS', () => {
  it('lists every iOS parser once, with a version', () => {
    expect(IOS_PARSERS.map((p) => p.id).sort()).toEqual([
      'ios.apps',
      'ios.cloudConfiguration',
      'ios.iconState',
      'ios.jailbreak',
      'ios.lockdownValues',
      'ios.profiles',
      'ios.provisioning',
    ]);
    for (const p of IOS_PARSERS) expect(p.version).toBeGreaterThanOrEqual(1);
  });
});
