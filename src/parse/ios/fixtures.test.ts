/**
 * The parsers over every simulated iPhone in fixtures/devices/ios-*, read
 * through the real door (src/device/ios) from the simulated usbmuxd: the
 * values are exactly what a scan of that phone would hand the parsers.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReadOnlyIPhone } from '../../device/ios/phone.js';
import type { IosScanDetails } from '../../model/iosSnapshot.js';
import { loadIosProfile } from '../../sim/ios/profile.js';
import { startFakeUsbmuxd } from '../../sim/ios/usbmuxd.js';
import { packageRoot } from '../../util/packageRoot.js';
import { type IosReadingParts, interpretIosReading } from './interpret.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-ios-parse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every read a scan makes; a read the phone refuses is left out (not read = unknown). */
async function readPhone(name: string): Promise<IosReadingParts> {
  const profile = await loadIosProfile(name);
  const socketPath = join(tmp, `${name}.sock`);
  const mux = await startFakeUsbmuxd({ profiles: [profile], socketPath });
  const phone = new ReadOnlyIPhone(profile.udid, {
    socketAddress: `UNIX:${socketPath}`,
    requestTimeoutMs: 5000,
  });
  const parts: IosReadingParts = {};
  const attempt = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch {
      return undefined;
    }
  };
  try {
    parts.publicValues = await attempt(() => phone.publicValues());
    parts.session = await attempt(() => phone.sessionValues());
    parts.apps = await attempt(() => phone.apps());
    parts.iconState = await attempt(() => phone.iconState());
    const mc = await attempt(() => phone.profiles());
    if (mc) {
      parts.profileList = mc.profileList;
      parts.cloudConfiguration = mc.cloudConfiguration;
    }
  } finally {
    phone.close();
    await mux.close();
  }
  return parts;
}

const PROFILES = readdirSync(join(packageRoot(), 'fixtures', 'devices')).filter((d) =>
  d.startsWith('ios-'),
);

const results = new Map<string, IosScanDetails>();
async function scan(name: string): Promise<IosScanDetails> {
  let r = results.get(name);
  if (!r) {
    r = interpretIosReading(await readPhone(name));
    results.set(name, r);
  }
  return r;
}

describe('iOS fixtures through the parsers', () => {
  it('covers every iOS fixture phone', () => {
    expect(PROFILES.sort()).toEqual([
      'ios-clean',
      'ios-infected',
      'ios-locked',
      'ios-supervised',
      'ios-unpaired',
    ]);
  });

  it('ios-clean: iPhone 14 on iOS 18.1, App Store apps only, no jailbreak, no spoofed signer', async () => {
    const s = await scan('ios-clean');
    expect(s.warnings).toEqual([]);
    expect(s.device).toMatchObject({
      udid: '00008110-001C3D5E2A6B801E',
      productType: 'iPhone14,7',
      marketingName: 'iPhone 14',
      iosVersion: '18.1',
      build: '22B83',
      passcodeSet: true,
      supervised: false,
      findMyAssociated: true,
      backupEncryption: false,
      developerMode: false,
      wifiSync: false,
    });
    expect(s.apps).toHaveLength(90);
    expect(s.homeScreenRead).toBe(true);
    const apps = s.apps!;
    expect(apps.filter((a) => a.spoofedAppStoreSigner)).toEqual([]);
    expect(apps.filter((a) => a.appleLookalike)).toEqual([]);
    for (const a of apps) {
      if (a.system) expect(a.signer.class, a.id).toBe('system');
      else expect(['app-store', 'testflight'], a.id).toContain(a.signer.class);
    }
    expect(apps.filter((a) => !a.system && a.hidden !== 'visible')).toEqual([]);
    // UI-less system parts are hidden by their tag; that is normal.
    expect(apps.filter((a) => a.system && a.hidden === 'hidden').length).toBeGreaterThanOrEqual(12);
    expect(s.jailbreak).toEqual({
      jailbreak: false,
      trollStore: false,
      indicators: [],
      appsChecked: true,
    });
    expect(s.profiles).toEqual([]);
    expect(s.cloudConfiguration?.present).toBe(false);
  });

  it('ios-infected: jailbreak, TrollStore, a spoofed-signer app and an enterprise com.apple.* look-alike', async () => {
    const s = await scan('ios-infected');
    expect(s.warnings).toEqual([]);
    expect(s.device).toMatchObject({
      marketingName: 'iPhone XR',
      iosVersion: '16.5',
      passcodeSet: false,
      developerMode: true,
      wifiSync: true,
    });
    const apps = Object.fromEntries(s.apps!.map((a) => [a.id, a]));
    expect(s.jailbreak.jailbreak).toBe(true);
    expect(s.jailbreak.trollStore).toBe(true);
    const known = s.jailbreak.indicators
      .filter((i) => i.kind === 'known-app')
      .map((i) => i.tool?.name);
    expect(known).toEqual(['Sileo', 'Dopamine', 'TrollStore', 'Filza']);
    expect(
      s.jailbreak.indicators.filter((i) => i.kind === 'jailbreak-path').map((i) => i.appId),
    ).toEqual(['org.coolstar.SileoStore', 'com.tigisoftware.Filza']);

    const helper = apps['com.apple.SystemHelper']!;
    expect(helper.spoofedAppStoreSigner?.reasons).toEqual([
      'ad-hoc-signed',
      'no-purchase-record',
      'apple-organisation',
      'platform-application',
      'no-sandbox',
    ]);
    expect(helper.hidden).toBe('hidden');
    expect(helper.appleLookalike).toBe(true);
    expect(helper.entitlements.tccAllow).toContain('kTCCServiceMicrophone');
    expect(apps['com.opa334.Dopamine']!.spoofedAppStoreSigner).toBeDefined();

    const sync = apps['com.apple.icloud.sync.agent']!;
    expect(sync.signer).toMatchObject({
      class: 'enterprise',
      teamId: '7QK2M9XW4P',
      profileValidated: true,
    });
    expect(sync.appleLookalike).toBe(true);
    expect(sync.spoofedAppStoreSigner).toBeUndefined();

    const life = apps['com.life360.safetymap']!;
    expect(life.signer.class).toBe('app-store');
    expect(life.spoofedAppStoreSigner).toBeUndefined();

    // Only those two: no App Store app is flagged.
    expect(s.apps!.filter((a) => a.spoofedAppStoreSigner).map((a) => a.id)).toEqual([
      'com.opa334.Dopamine',
      'com.apple.SystemHelper',
    ]);
    expect(s.profiles).toEqual([
      {
        id: 'com.devicecare.profile.A8C3',
        uuid: '9D2E4F6A-8B0C-4D1E-A3F5-7B9C1D3E5F70',
        displayName: 'Device Care',
        organisation: 'Device Care Services',
        description: 'Keeps your device secure.',
        removalDisallowed: true,
        active: true,
        version: 1,
        payloadContents: 'not-readable',
      },
    ]);
  });

  it('ios-supervised: supervised by its organisation, non-removable MDM profile, clean apps', async () => {
    const s = await scan('ios-supervised');
    expect(s.warnings).toEqual([]);
    expect(s.device).toMatchObject({
      marketingName: 'iPhone 13',
      iosVersion: '17.6.1',
      supervised: true,
      backupEncryption: true,
    });
    expect(s.cloudConfiguration).toMatchObject({
      present: true,
      supervised: true,
      organisation: 'Northgate Care Ltd',
      mdmUnremovable: true,
    });
    expect(s.profiles?.map((p) => [p.id, p.removalDisallowed])).toEqual([
      ['com.northgate-care.mdm', true],
    ]);
    expect(s.jailbreak.indicators).toEqual([]);
    expect(s.apps!.filter((a) => a.spoofedAppStoreSigner)).toEqual([]);
  });

  it('ios-locked and ios-unpaired: only public values; everything else unknown, not clean', async () => {
    for (const name of ['ios-locked', 'ios-unpaired']) {
      const s = await scan(name);
      expect(s.device.marketingName, name).toBe('iPhone 14');
      expect(s.device.iosVersion, name).toBe('18.1');
      expect(s.apps, name).toBeUndefined();
      expect(s.homeScreenRead, name).toBe(false);
      expect(s.profiles, name).toBeUndefined();
      expect(s.jailbreak.appsChecked, name).toBe(false);
      expect(s.warnings, name).toContain(
        'No app list: jailbreak and TrollStore apps could not be looked for',
      );
      if (name === 'ios-unpaired') expect(s.device.passcodeSet).toBe('unknown');
    }
  });
});
