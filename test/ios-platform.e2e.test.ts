/**
 * iPhones through the platform seam, end to end: simulated usbmuxd (and a
 * simulated adb server) → appium-ios-device → the read-only door → the iOS
 * platform → `spycheck devices`, `doctor` and `scan --platform ios`. The
 * simulators' logs prove what was sent.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { IosReading } from '../src/model/iosReading.js';
import { connectIos, type IosConnection } from '../src/platform/ios/connect.js';
import { ios } from '../src/platform/ios/platform.js';
import { loadProfile } from '../src/sim/android/device.js';
import { type FakeAdbServer, startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { FrameReader, usbmuxMessage } from '../src/sim/ios/frames.js';
import { decodeDict, encodeXml, type PlistDict } from '../src/sim/ios/plist.js';
import { loadIosProfile } from '../src/sim/ios/profile.js';
import { type FakeUsbmuxd, startFakeUsbmuxd } from '../src/sim/ios/usbmuxd.js';
import { expectOnlyAllowedIosReads as expectOnlyAllowedReads, runCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-ios-platform-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let sim: FakeUsbmuxd | undefined;
let adb: FakeAdbServer | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await adb?.close();
  adb = undefined;
});

let n = 0;
/** A simulated usbmuxd with these iPhones; returns USBMUXD_SOCKET_ADDRESS for it. */
async function startIPhones(...names: string[]): Promise<string> {
  const profiles = await Promise.all(names.map((name) => loadIosProfile(name)));
  const socketPath = join(tmp, `usbmuxd-${n++}`);
  sim = await startFakeUsbmuxd({ profiles, socketPath });
  return `UNIX:${socketPath}`;
}

async function startAndroid(name: string): Promise<FakeAdbServer> {
  adb = await startFakeAdbServer({ profiles: [await loadProfile(name)] });
  return adb;
}

/** Listing asks usbmuxd only: not one request reached a phone. */
function expectNothingSentToPhones(s: FakeUsbmuxd): void {
  expect(s.log.entries.filter((e) => e.via !== 'usbmuxd')).toEqual([]);
  expect(
    s.log.entries.filter(
      (e) => !['ListDevices', 'ReadPairRecord'].includes(e.request.split(' ')[0]!),
    ),
  ).toEqual([]);
}

async function collectFrom(
  address: string,
  udid: string,
  signal?: AbortSignal,
): Promise<{ reading: IosReading; steps: string[] }> {
  const conn = (await connectIos({ USBMUXD_SOCKET_ADDRESS: address }, undefined)) as IosConnection;
  expect(conn.ok).toBe(true);
  const steps: string[] = [];
  try {
    const devices = await ios.list(conn);
    const device = devices.find((d) => d.serial === udid)!;
    expect(device).toBeDefined();
    const reading = await ios.collect(
      conn,
      device,
      { SPYCHECK_REQUEST_TIMEOUT_MS: '10000' },
      { onProgress: (m) => steps.push(m), ...(signal ? { signal } : {}) },
    );
    return { reading, steps };
  } finally {
    await conn.close();
  }
}

describe('spycheck devices: Android phones and iPhones together', () => {
  it('lists both kinds with a platform column, asking no phone anything', async () => {
    const server = await startAndroid('clean-pixel14');
    const address = await startIPhones('ios-infected', 'ios-unpaired');
    const env = {
      ANDROID_ADB_SERVER_PORT: String(server.port),
      SPYCHECK_ADB_BIN: '/bin/false',
      USBMUXD_SOCKET_ADDRESS: address,
    };
    const json = await runCli(['devices', '--json'], env);
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const { devices, unreachable } = JSON.parse(json.stdout) as {
      devices: Record<string, string>[];
      unreachable?: unknown;
    };
    expect(unreachable).toBeUndefined();
    expect(devices).toContainEqual(
      expect.objectContaining({ platform: 'android', serial: '38101FDJH00A7K', state: 'device' }),
    );
    expect(devices).toContainEqual({
      platform: 'ios',
      serial: '00008020-001D28E93C52002E',
      state: 'paired',
      connection: 'USB',
    });
    expect(devices).toContainEqual({
      platform: 'ios',
      serial: '00008110-001C3D5E2A6B801E',
      state: 'not paired',
      connection: 'USB',
    });

    const text = await runCli(['devices'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Android\t38101FDJH00A7K\tdevice/m);
    expect(text.stdout).toMatch(/^iPhone\t00008020-001D28E93C52002E\tpaired\tUSB$/m);
    expect(text.stdout).toMatch(
      /^iPhone\t00008110-001C3D5E2A6B801E\tnot paired\tUSB\n {2}.*Trust This Computer/m,
    );

    expect(server.log.filter('shell')).toEqual([]);
    expect(server.log.filter('sync')).toEqual([]);
    expectNothingSentToPhones(sim!);
  });

  it('still lists iPhones when no adb server answers, with one line about Android', async () => {
    const address = await startIPhones('ios-infected');
    const r = await runCli(['devices'], {
      ANDROID_ADB_SERVER_PORT: '1',
      SPYCHECK_ADB_BIN: '/bin/false',
      USBMUXD_SOCKET_ADDRESS: address,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^iPhone\t00008020-001D28E93C52002E\tpaired/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Android phones: .*adb server/);
  });

  it('still lists Android phones when usbmuxd is missing, with one line about iPhones', async () => {
    const server = await startAndroid('clean-pixel14');
    const r = await runCli(['devices', '--json'], {
      ANDROID_ADB_SERVER_PORT: String(server.port),
      SPYCHECK_ADB_BIN: '/bin/false',
      USBMUXD_SOCKET_ADDRESS: `UNIX:${join(tmp, 'no-usbmuxd-here')}`,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      devices: { platform: string }[];
      unreachable: { platform: string; message: string }[];
    };
    expect(out.devices.map((d) => d.platform)).toEqual(['android']);
    expect(out.unreachable).toEqual([
      { platform: 'ios', message: expect.stringMatching(/apt install usbmuxd/) },
    ]);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^iPhones: Could not reach usbmuxd .*"sudo apt install usbmuxd"/);
  });

  it('fails plainly (exit 1, no stack trace) when neither side answers', async () => {
    const r = await runCli(['devices'], {
      ANDROID_ADB_SERVER_PORT: '1',
      SPYCHECK_ADB_BIN: '/bin/false',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Android phones: /m);
    expect(r.stderr).toMatch(/^iPhones: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--demo ios-clean lists the simulated iPhone, and only it', async () => {
    const r = await runCli(['devices', '--demo', 'ios-clean'], {
      ANDROID_ADB_SERVER_PORT: '1',
      SPYCHECK_ADB_BIN: '/bin/false',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('iPhone\t00008110-001C3D5E2A6B801E\tpaired\tUSB\n');
    expect(r.stderr).toBe('');
  });

  it('--demo ios-unpaired shows the pairing steps', async () => {
    const r = await runCli(['devices', '--demo', 'ios-unpaired']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^iPhone\t00008110-001C3D5E2A6B801E\tnot paired\tUSB$/m);
    expect(r.stdout).toMatch(/Unlock the iPhone/);
    expect(r.stdout).toMatch(/Trust This Computer/);
    expect(r.stdout).toMatch(/Finder/);
    expect(r.stdout).toMatch(/Apple Devices/);
    expect(r.stdout).toMatch(/"idevicepair pair"/);
  });

  it('the demo usbmuxd listens on a private socket that close() removes', async () => {
    const conn = (await connectIos({}, 'ios-locked')) as IosConnection;
    expect(conn.ok).toBe(true);
    expect(conn.demoProfile).toBe('ios-locked');
    const path = conn.socketAddress.replace(/^UNIX:/, '');
    expect(existsSync(path)).toBe(true);
    expect(await ios.list(conn)).toEqual([
      { serial: '00008110-001C3D5E2A6B801E', state: 'paired', connection: 'USB' },
    ]);
    await conn.close();
    expect(existsSync(path)).toBe(false);
  });
});

describe('listing through usbmuxd', () => {
  it('shows an iPhone seen both by cable and over Wi-Fi once, as USB', async () => {
    // A usbmuxd that lists one UDID twice (Wi-Fi first) and holds no pair record.
    const socketPath = join(tmp, `usbmuxd-wifi-${n++}`);
    const asked: string[] = [];
    const entry = (id: number, type: string) => ({
      DeviceID: id,
      MessageType: 'Attached',
      Properties: { ConnectionType: type, DeviceID: id, SerialNumber: '00008101-000A0B0C0D0E0F10' },
    });
    const server = createServer((socket) => {
      const reader = new FrameReader();
      socket.on('data', (chunk) => {
        reader.push(chunk);
        for (let m = reader.nextUsbmux(); m; m = reader.nextUsbmux()) {
          const type = String(decodeDict(m.payload).MessageType);
          asked.push(type);
          const reply: PlistDict =
            type === 'ListDevices'
              ? { DeviceList: [entry(7, 'Network'), entry(8, 'USB')] }
              : { MessageType: 'Result', Number: 2 };
          socket.write(usbmuxMessage(m.header.tag, encodeXml(reply)));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const conn = (await connectIos(
        { USBMUXD_SOCKET_ADDRESS: `UNIX:${socketPath}` },
        undefined,
      )) as IosConnection;
      expect(await ios.list(conn)).toEqual([
        { serial: '00008101-000A0B0C0D0E0F10', state: 'not paired', connection: 'USB' },
      ]);
      await conn.close();
      expect(asked).toEqual(['ListDevices', 'ReadPairRecord']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('spycheck doctor and iPhones', () => {
  it('says plainly when the usbmuxd socket is missing, and how to install it', async () => {
    const r = await runCli(['doctor'], {
      ANDROID_ADB_SERVER_PORT: '1',
      SPYCHECK_ADB_BIN: '/bin/false',
      USBMUXD_SOCKET_ADDRESS: `UNIX:${join(tmp, 'missing-usbmuxd')}`,
    });
    expect(r.stdout).toMatch(/\[note\] usbmuxd is not running, so iPhones cannot be seen/);
    expect(r.stdout).toContain(`Nothing answers at ${join(tmp, 'missing-usbmuxd')}`);
    expect(r.stdout).toMatch(/"sudo apt install usbmuxd"/);
    expect(r.stdout).toMatch(/iTunes or Apple Devices/);
  });

  it('lists each iPhone and whether it is paired, asking only usbmuxd', async () => {
    const address = await startIPhones('ios-infected', 'ios-unpaired');
    const r = await runCli(['doctor'], {
      ANDROID_ADB_SERVER_PORT: '1',
      SPYCHECK_ADB_BIN: '/bin/false',
      USBMUXD_SOCKET_ADDRESS: address,
    });
    expect(r.stdout).toMatch(/\[ok {2}\] usbmuxd answers at .* \(from USBMUXD_SOCKET_ADDRESS\)/);
    expect(r.stdout).toMatch(
      /\[ok {2}\] iPhone 00008020-001D28E93C52002E \(cable\): paired with this computer/,
    );
    expect(r.stdout).toMatch(
      /\[note\] iPhone 00008110-001C3D5E2A6B801E \(cable\): not paired with this computer\n.*idevicepair pair/,
    );
    // the adb server cannot be reached here (a FAIL), so the verdict counts what to fix
    // (an adb problem stops Android scans only: the paired iPhone can be read now)
    const verdict = r.stdout.trimEnd().split('\n').at(-1);
    expect(verdict).toMatch(
      /^1 thing to fix before an Android phone can be scanned \(marked FAIL above\)\./,
    );
    expect(verdict).toMatch(/iPhones do not need it\. 1 phone can be read now/);
    expectNothingSentToPhones(sim!);
  });
});

describe('spycheck scan --platform ios: phones that cannot be read yet', () => {
  it('says when the iPhone is not paired, and how to pair it (exit 6, nothing sent to the phone)', async () => {
    const address = await startIPhones('ios-unpaired');
    const r = await runCli(['scan', '--platform', 'ios', '--consent'], {
      USBMUXD_SOCKET_ADDRESS: address,
    });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(
      /00008110-001C3D5E2A6B801E: This computer is not paired with the iPhone yet\. .*Trust This Computer/,
    );
    expectNothingSentToPhones(sim!);
  });

  it('says when no iPhone is connected (exit 1), or usbmuxd is missing (exit 7)', async () => {
    const address = await startIPhones();
    const none = await runCli(['scan', '--platform', 'ios', '--consent'], {
      USBMUXD_SOCKET_ADDRESS: address,
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No iPhone found\./);
    expect(none.stderr).not.toMatch(/USB debugging/);
    const missing = await runCli(['scan', '--platform', 'ios', '--consent'], {
      USBMUXD_SOCKET_ADDRESS: 'UNIX:/nonexistent/usbmuxd',
    });
    expect(missing.code).toBe(7);
    expect(missing.stderr).toMatch(/Could not reach usbmuxd/);
  });

  it('an iPhone that locks before its apps are read: exit 5, plain steps, what was read is saved', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'spycheck-locked-')), 'bundle');
    const r = await runCli(['scan', '--demo', 'ios-locked', '--out', out]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/The iPhone locked before its apps could be read\. Unlock it/);
    expect(r.stderr).toMatch(/saved in the evidence bundle, marked incomplete/);
    // the settings read before it locked are kept, and the result is never read as clear
    const snapshot = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8'));
    expect(snapshot.device.passcodeSet).toBe(true);
    expect(snapshot.checks.find((c: { id: string }) => c.id === 'apps')).toMatchObject({
      status: 'not-checked',
      cause: 'locked',
    });
    expect(readFileSync(join(out, 'report.txt'), 'utf8')).toMatch(/This check is not complete/);
    expect((await runCli(['verify', out])).code).toBe(0);
  });

  it('an iOS demo profile is an iPhone even without --platform; --platform android is refused', async () => {
    const r = await runCli(['scan', '--demo', 'ios-unpaired']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/not paired with the iPhone/);
    const wrong = await runCli(['scan', '--demo', 'ios-clean', '--platform', 'android']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/"ios-clean" is an iPhone/);
  });
});

describe('collect() through the iOS platform', () => {
  it('ios-clean: values, apps, profiles and icons, every answer kept as evidence, only allowlisted reads', async () => {
    const address = await startIPhones('ios-clean');
    const profile = await loadIosProfile('ios-clean');
    const { reading, steps } = await collectFrom(address, profile.udid);
    expect(reading.problems).toEqual([]);
    expect(reading.complete).toBe(true);
    expect(reading.udid).toBe(profile.udid);
    expect(reading.values.public.ProductVersion).toBe('18.1');
    expect(reading.values.session.PasswordProtected).toBe(true);
    expect(reading.values.session['com.apple.fmip/IsAssociated']).toBe(true);
    expect(reading.apps).toHaveLength(profile.apps.length);
    expect(reading.profiles.OrderedIdentifiers).toEqual([]);
    expect(reading.cloudConfiguration).toMatchObject({ IsSupervised: false, AllowPairing: true });
    expect(Array.isArray(reading.iconState)).toBe(true);
    expect(steps).toHaveLength(5);

    const commands = reading.raw.map((r) => r.record.command);
    expect(commands).toContain('lockdownd GetValue');
    expect(commands).toContain('com.apple.mobile.installation_proxy Browse');
    expect(commands).toContain('com.apple.mobile.MCInstall GetProfileList');
    expect(commands).toContain('com.apple.springboardservices getIconState');
    for (const r of reading.raw) {
      expect(r.data.length).toBe(r.record.bytes);
      expect(r.record.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(r.record.file).toMatch(/^\d{3}-.*\.plist-frames$/);
    }
    const browse = reading.raw.find((r) => r.record.id === 'installation_proxy-browse')!;
    expect(browse.data.toString('latin1')).toContain('net.whatsapp.WhatsApp');
    expect(reading.stats.roundTrips).toBeGreaterThanOrEqual(reading.raw.length);
    expect(reading.stats.wallMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(reading.finished)).toBeGreaterThanOrEqual(Date.parse(reading.started));
    expectOnlyAllowedReads(sim!);
  });

  it('ios-infected: the jailbreak apps and the profile that cannot be removed, with raw evidence', async () => {
    const address = await startIPhones('ios-infected');
    const { reading } = await collectFrom(address, '00008020-001D28E93C52002E');
    expect(reading.complete).toBe(true);
    const ids = reading.apps.map((a) => a.CFBundleIdentifier);
    expect(ids).toEqual(
      expect.arrayContaining([
        'org.coolstar.SileoStore',
        'com.opa334.TrollStore',
        'com.apple.SystemHelper',
      ]),
    );
    const meta = reading.profiles.ProfileMetadata as Record<string, Record<string, unknown>>;
    expect(Object.values(meta)[0]).toMatchObject({
      PayloadOrganization: 'Device Care Services',
      PayloadRemovalDisallowed: true,
    });
    const profiles = reading.raw.find((r) => r.record.id === 'mcinstall-profiles')!;
    expect(profiles.data.toString('latin1')).toContain('Device Care Services');
    expect(reading.values.session['com.apple.security.mac.amfi/DeveloperModeStatus']).toBe(true);
    expectOnlyAllowedReads(sim!);
  });

  it('ios-locked: returns "locked" for what needs an unlocked phone, without throwing', async () => {
    const address = await startIPhones('ios-locked');
    const { reading } = await collectFrom(address, '00008110-001C3D5E2A6B801E');
    expect(reading.complete).toBe(false);
    expect(reading.values.public.ProductVersion).toBe('18.1');
    expect(reading.values.session.PasswordProtected).toBe(true);
    expect(reading.apps).toEqual([]);
    expect(reading.problems.map((p) => [p.step, p.kind])).toEqual([
      ['apps', 'locked'],
      ['profiles', 'locked'],
      ['icon-state', 'locked'],
    ]);
    expect(reading.problems[0]!.message).toMatch(/locked\. Unlock it/);
    // once the phone said it is locked, nothing more was asked of it
    expect(
      sim!.log.entries.filter((e) => e.request.startsWith('StartService')).map((e) => e.request),
    ).toEqual(['StartService com.apple.mobile.installation_proxy']);
    expectOnlyAllowedReads(sim!);
  });

  it('ios-unpaired: public values only, then "not-paired"', async () => {
    const address = await startIPhones('ios-unpaired');
    const { reading } = await collectFrom(address, '00008110-001C3D5E2A6B801E');
    expect(reading.values.public.DeviceName).toBe("Sam's iPhone");
    expect(reading.problems.map((p) => p.kind)).toEqual([
      'not-paired',
      'not-paired',
      'not-paired',
      'not-paired',
    ]);
    expect(reading.complete).toBe(false);
    expectOnlyAllowedReads(sim!);
  });

  it('a stop request ends the reading as "lost" with its reason, keeping what was read', async () => {
    const address = await startIPhones('ios-clean');
    const stop = new AbortController();
    stop.abort('The caseworker stopped the check');
    const { reading } = await collectFrom(address, '00008110-001C3D5E2A6B801E', stop.signal);
    expect(reading.problems).toHaveLength(5);
    expect(reading.problems.every((p) => p.kind === 'lost')).toBe(true);
    expect(reading.problems[0]!.message).toBe('The caseworker stopped the check');
    expect(reading.complete).toBe(false);
    expect(sim!.log.entries.filter((e) => e.via !== 'usbmuxd')).toEqual([]);
  });
});
