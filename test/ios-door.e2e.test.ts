/**
 * End to end: the simulated iPhone (fake usbmuxd + lockdownd + services)
 * → appium-ios-device → spycheck's read-only door, for every iOS profile
 * and state. The simulator's log proves what was sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { IosDeviceError, listIPhones, ReadOnlyIPhone } from '../src/device/ios/phone.js';
import { type IosProfile, type IosState, loadIosProfile } from '../src/sim/ios/profile.js';
import { type FakeUsbmuxd, startFakeUsbmuxd } from '../src/sim/ios/usbmuxd.js';
import { expectOnlyAllowedIosReads as expectOnlyAllowedReads } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-ios-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let sim: FakeUsbmuxd | undefined;
let phone: ReadOnlyIPhone | undefined;
afterEach(async () => {
  phone?.close();
  phone = undefined;
  await sim?.close();
  sim = undefined;
});

let n = 0;
async function start(
  name: string,
  state?: IosState,
): Promise<{ profile: IosProfile; address: string }> {
  const loaded = await loadIosProfile(name);
  const profile = state ? { ...loaded, state } : loaded;
  const socketPath = join(tmp, `usbmuxd-${n++}`);
  sim = await startFakeUsbmuxd({ profiles: [profile], socketPath });
  return { profile, address: `UNIX:${socketPath}` };
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof IosDeviceError ? e.kind : `not an IosDeviceError: ${String(e)}`;
  }
}

describe('ios-clean: trusted and unlocked', () => {
  it('lists the phone, reads public and session values, apps and profiles, and closes every socket', async () => {
    const { profile, address } = await start('ios-clean');
    expect(await listIPhones({ socketAddress: address })).toEqual([profile.udid]);
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address, requestTimeoutMs: 10_000 });

    const pub = await phone.publicValues();
    expect(pub.ProductVersion).toBe('18.1');
    expect(pub.ProductType).toBe('iPhone14,7');
    expect(pub.SerialNumber).toBeUndefined();

    const session = await phone.sessionValues();
    expect(session.values).toEqual({
      SerialNumber: 'KX7Q2M4N9P',
      PasswordProtected: true,
      'com.apple.mobile.chaperone/DeviceIsChaperoned': false,
      'com.apple.fmip/IsAssociated': true,
      'com.apple.mobile.backup/WillEncrypt': false,
      'com.apple.security.mac.amfi/DeveloperModeStatus': false,
      'com.apple.mobile.wireless_lockdown/EnableWifiConnections': false,
      // the phone's clock (a real, seconds since 1970) and its zone, for the police annex
      TimeIntervalSince1970: expect.any(Number),
      TimeZone: 'Europe/London',
      TimeZoneOffsetFromUTC: expect.any(Number),
    });
    expect(
      Math.abs((session.values.TimeIntervalSince1970 as number) * 1000 - Date.now()),
    ).toBeLessThan(10_000);
    expect(session.missing).toEqual([]);

    const apps = await phone.apps();
    expect(apps).toHaveLength(profile.apps.length);
    expect(apps.length).toBeGreaterThanOrEqual(85);
    const system = apps.filter((a) => a.ApplicationType === 'System');
    expect(system.length).toBeGreaterThan(50);
    for (const a of system) {
      expect(a.SignerIdentity).toBeUndefined();
      expect(a.ProfileValidated).toBeUndefined();
    }
    const hidden = apps.filter((a) => Array.isArray(a.SBAppTags) && a.SBAppTags.includes('hidden'));
    expect(hidden.length).toBeGreaterThanOrEqual(12);
    const whatsapp = apps.find((a) => a.CFBundleIdentifier === 'net.whatsapp.WhatsApp');
    expect(whatsapp?.SignerIdentity).toBe('Apple iPhone OS Application Signing');
    expect(whatsapp?.UIBackgroundModes).toContain('voip');
    expect(typeof whatsapp?.NSMicrophoneUsageDescription).toBe('string');
    // Browse came in several batches, each kept as received.
    const browse = phone.raw.find((r) => r.record.id === 'installation_proxy-browse')!;
    expect(browse.data.length).toBe(browse.record.bytes);
    expect(browse.record.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(browse.data.toString('latin1').match(/BrowsingApplications/g)?.length).toBe(
      Math.ceil(profile.apps.length / profile.browseBatch),
    );

    const looked = await phone.lookupApps(['com.apple.mobilesafari', 'com.example.absent']);
    expect(Object.keys(looked)).toEqual(['com.apple.mobilesafari']);

    const profiles = await phone.profiles();
    expect(profiles.profileList.OrderedIdentifiers).toEqual([]);
    expect(profiles.cloudConfiguration).toMatchObject({ IsSupervised: false, AllowPairing: true });

    // misagent is not on this simulated phone.
    expect(await kindOf(phone.provisioningProfiles())).toBe('service-missing');
    const pages = (await phone.iconState()) as { bundleIdentifier: string }[][];
    expect(pages[0]!.map((i) => i.bundleIdentifier)).toContain('com.apple.mobilesafari');
    const onScreen = new Set(pages.flat().map((i) => i.bundleIdentifier));
    expect(onScreen.has('net.whatsapp.WhatsApp')).toBe(true);
    expect(onScreen.has('com.apple.webapp')).toBe(false);

    for (const r of phone.raw) {
      expect(r.record.time).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      expect(r.record.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(phone.raw.map((r) => r.record.request)).toContain(
      'lockdownd GetValue com.apple.fmip IsAssociated',
    );
    expect(phone.openSockets).toBe(0);
    expectOnlyAllowedReads(sim!);
  });

  it('answers each GetValue with its own value inside a session (duplicate-reply workaround)', async () => {
    const { profile, address } = await start('ios-clean');
    const queries = [
      { key: 'SerialNumber' },
      { domain: 'com.apple.fmip', key: 'IsAssociated' },
      { key: 'NoSuchKey' },
      { key: 'PasswordProtected' },
    ];
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address, requestTimeoutMs: 10_000 });
    const fixed = await phone.sessionValues(queries);
    expect(fixed.values).toEqual({
      SerialNumber: 'KX7Q2M4N9P',
      'com.apple.fmip/IsAssociated': true,
      PasswordProtected: true,
    });
    expect(fixed.missing).toEqual(['NoSuchKey']);

    // Without the workaround the answers shift by one request: the test above would fail.
    const broken = new ReadOnlyIPhone(profile.udid, {
      socketAddress: address,
      requestTimeoutMs: 10_000,
      withoutDuplicateReplyWorkaround: true,
    });
    try {
      const wrong = await broken.sessionValues(queries);
      // Each answer is the one before it: Find My "is" the serial number and
      // the missing key is masked by a stale value.
      expect(wrong.values['com.apple.fmip/IsAssociated']).toBe('KX7Q2M4N9P');
      expect(wrong.values.NoSuchKey).toBe(true);
      expect(wrong.missing).toEqual([]);
    } finally {
      broken.close();
    }
  });

  it('refuses non-public values without a session', async () => {
    const { profile, address } = await start('ios-clean');
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address });
    const pub = await phone.publicValues();
    expect(Object.keys(pub)).not.toContain('PasswordProtected');
    expect(sim!.log.entries.filter((e) => e.via === 'lockdownd').map((e) => e.request)).toEqual([
      'GetValue',
    ]);
  });
});

describe('ios-infected', () => {
  it('shows jailbreak apps as System, the spoofed signer, the enterprise app and the locked-in profile', async () => {
    const { profile, address } = await start('ios-infected');
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address, requestTimeoutMs: 10_000 });
    const apps = await phone.apps();
    const byId = new Map(apps.map((a) => [a.CFBundleIdentifier as string, a]));
    const sileo = byId.get('org.coolstar.SileoStore')!;
    expect(sileo.ApplicationType).toBe('System');
    expect(String(sileo.Path)).toMatch(/^\/var\/jb\//);
    expect(byId.get('com.opa334.TrollStore')).toBeDefined();
    const spoofed = byId.get('com.apple.SystemHelper')!;
    expect(spoofed.SignerIdentity).toBe('Apple iPhone OS Application Signing');
    expect(spoofed.SignerOrganization).toBe('Apple Inc.');
    expect(spoofed.IsAdHocSigned).toBe(true);
    expect(spoofed.ApplicationDSID).toBeUndefined();
    expect(spoofed.Entitlements).toMatchObject({
      'platform-application': true,
      'com.apple.private.security.no-sandbox': true,
    });
    const enterprise = byId.get('com.apple.icloud.sync.agent')!;
    expect(String(enterprise.SignerIdentity)).toMatch(/^iPhone Distribution: /);
    expect(enterprise.UIBackgroundModes).toEqual(expect.arrayContaining(['location', 'audio']));
    expect(enterprise.NSLocationAlwaysAndWhenInUseUsageDescription).toBeTypeOf('string');
    expect(enterprise.NSMicrophoneUsageDescription).toBeTypeOf('string');
    const life360 = byId.get('com.life360.safetymap')!;
    expect(life360.SignerIdentity).toBe('Apple iPhone OS Application Signing');
    expect(life360.ApplicationDSID).toBeTypeOf('number');

    const { profileList } = await phone.profiles();
    const meta = profileList.ProfileMetadata as Record<string, Record<string, unknown>>;
    expect(Object.values(meta)[0]).toMatchObject({
      PayloadOrganization: 'Device Care Services',
      PayloadRemovalDisallowed: true,
    });
    const session = await phone.sessionValues();
    expect(session.values['com.apple.security.mac.amfi/DeveloperModeStatus']).toBe(true);
    // The hidden app has no icon on any home-screen page; the enterprise one does.
    const onScreen = new Set(
      ((await phone.iconState()) as { bundleIdentifier: string }[][])
        .flat()
        .map((i) => i.bundleIdentifier),
    );
    expect(onScreen.has('com.apple.SystemHelper')).toBe(false);
    expect(onScreen.has('com.apple.icloud.sync.agent')).toBe(true);
    expect(phone.openSockets).toBe(0);
    expectOnlyAllowedReads(sim!);
  });
});

describe('ios-supervised', () => {
  it('reads the cloud configuration; springboard is not offered here', async () => {
    const { profile, address } = await start('ios-supervised');
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address, requestTimeoutMs: 10_000 });
    const { cloudConfiguration } = await phone.profiles();
    expect(cloudConfiguration).toMatchObject({
      IsSupervised: true,
      OrganizationName: 'Northgate Care Ltd',
    });
    expect(
      (await phone.sessionValues()).values['com.apple.mobile.chaperone/DeviceIsChaperoned'],
    ).toBe(true);
    expectOnlyAllowedReads(sim!);
  });
});

describe('states', () => {
  it('locked: public and session values read, services refuse with "locked"', async () => {
    const { profile, address } = await start('ios-locked');
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address, requestTimeoutMs: 10_000 });
    expect((await phone.publicValues()).ProductVersion).toBe('18.1');
    expect((await phone.sessionValues()).values.PasswordProtected).toBe(true);
    expect(await kindOf(phone.apps())).toBe('locked');
    expect(await kindOf(phone.profiles())).toBe('locked');
    expect(await kindOf(phone.iconState())).toBe('locked');
    expect(phone.openSockets).toBe(0);
    expectOnlyAllowedReads(sim!);
  });

  it('before the first unlock even StartSession is refused', async () => {
    const { profile, address } = await start('ios-locked', 'locked-before-first-unlock');
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address, requestTimeoutMs: 10_000 });
    expect(await kindOf(phone.sessionValues())).toBe('locked');
  });

  it('unpaired: public values only; anything needing a session is "not-paired"', async () => {
    const { profile, address } = await start('ios-unpaired');
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address, requestTimeoutMs: 10_000 });
    expect(await listIPhones({ socketAddress: address })).toEqual([profile.udid]);
    expect((await phone.publicValues()).DeviceName).toBe("Sam's iPhone");
    expect(await kindOf(phone.sessionValues())).toBe('not-paired');
    expect(await kindOf(phone.apps())).toBe('not-paired');
    expect(phone.openSockets).toBe(0);
    expectOnlyAllowedReads(sim!);
  });

  it('pairing removed on the phone: StartSession answers InvalidHostID', async () => {
    const { profile, address } = await start('ios-clean', 'pairing-removed');
    phone = new ReadOnlyIPhone(profile.udid, { socketAddress: address, requestTimeoutMs: 10_000 });
    expect(await kindOf(phone.sessionValues())).toBe('pairing-refused');
    expect(sim!.log.entries.map((e) => e.request)).toContain('StartSession');
  });

  it('tells "usbmuxd missing" from "no phone"', async () => {
    await expect(
      listIPhones({ socketAddress: `UNIX:${join(tmp, 'nothing-here')}` }),
    ).rejects.toMatchObject({
      kind: 'usbmuxd-missing',
    });
    const socketPath = join(tmp, 'empty-usbmuxd');
    sim = await startFakeUsbmuxd({ profiles: [], socketPath });
    expect(await listIPhones({ socketAddress: socketPath })).toEqual([]);
    phone = new ReadOnlyIPhone('00008110-000000000000001E', { socketAddress: socketPath });
    expect(await kindOf(phone.publicValues())).toBe('no-phone');
  });

  it('a service that never answers is "lost" after the time limit, and its sockets are closed', async () => {
    const loaded = await loadIosProfile('ios-clean');
    const socketPath = join(tmp, `usbmuxd-${n++}`);
    sim = await startFakeUsbmuxd({
      profiles: [{ ...loaded, faults: { silent: ['com.apple.mobile.installation_proxy Browse'] } }],
      socketPath,
    });
    phone = new ReadOnlyIPhone(loaded.udid, { socketAddress: socketPath, requestTimeoutMs: 1_500 });
    const started = Date.now();
    await expect(phone.apps()).rejects.toMatchObject({ kind: 'lost' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(phone.openSockets).toBe(0);
  });

  it('abort() (Ctrl-C) stops a read at once and closes its sockets', async () => {
    // the app list never comes, so the abort always lands mid-read (a real read is too quick
    // now to stop on a timer)
    const loaded = await loadIosProfile('ios-clean');
    const socketPath = join(tmp, `usbmuxd-${n++}`);
    sim = await startFakeUsbmuxd({
      profiles: [{ ...loaded, faults: { silent: ['com.apple.mobile.installation_proxy Browse'] } }],
      socketPath,
    });
    const reader = new ReadOnlyIPhone(loaded.udid, {
      socketAddress: socketPath,
      requestTimeoutMs: 10_000,
    });
    phone = reader;
    const reading = reader.apps();
    setTimeout(() => reader.abort('The caseworker stopped the check'), 50);
    const started = Date.now();
    await expect(reading).rejects.toMatchObject({
      kind: 'lost',
      message: 'The caseworker stopped the check',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(reader.openSockets).toBe(0);
  });

  it('a phone unplugged mid-read is "lost" and later reads fail at once', async () => {
    // as above: the app list never comes, so the unplug always lands mid-read
    const loaded = await loadIosProfile('ios-clean');
    const socketPath = join(tmp, `usbmuxd-${n++}`);
    sim = await startFakeUsbmuxd({
      profiles: [{ ...loaded, faults: { silent: ['com.apple.mobile.installation_proxy Browse'] } }],
      socketPath,
    });
    phone = new ReadOnlyIPhone(loaded.udid, {
      socketAddress: socketPath,
      requestTimeoutMs: 10_000,
    });
    const reading = phone.apps();
    setTimeout(() => void sim!.close(), 50);
    expect(await kindOf(reading)).toBe('lost');
    expect(await kindOf(phone.publicValues())).toBe('lost');
    expect(phone.openSockets).toBe(0);
  });
});
