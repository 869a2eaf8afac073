/**
 * In-process fake adb server → real adbkit client → collector → Snapshot,
 * for every simulated phone. Asserts on parsed facts, and that every request
 * the phone received was on the read-only list.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAdbClient } from '../src/device/android/adbServer.js';
import { collectAndroid } from '../src/device/android/collector.js';
import { ANDROID_COMMANDS } from '../src/device/android/commands.js';
import { ReadOnlyAndroidPhone, type ReadOnlyPhoneOptions } from '../src/device/android/phone.js';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { DeviceProfile, loadProfile, loadProfileData } from '../src/sim/android/device.js';
import { type FakeAdbServer, startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../src/snapshot/android.js';
import { androidSnapshotSchema } from '../src/snapshot/schema.js';
import { forbiddenRequests } from './helpers.js';

const TRAINING_CERT_SHA1 = '6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3';

let server: FakeAdbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A simulated phone behind the in-process adb server, reached through adbkit. */
async function connect(name: string, latencyMs = 0, options?: ReadOnlyPhoneOptions) {
  const profile = await loadProfile(name);
  const s = await startFakeAdbServer({ profiles: [profile], latencyMs });
  server = s;
  const client = createAdbClient({ host: s.host, port: s.port, source: 'test' }, '/bin/false');
  return { profile, server: s, phone: new ReadOnlyAndroidPhone(client, profile.serial, options) };
}

async function scanProfile(name: string, latencyMs = 0) {
  const { phone } = await connect(name, latencyMs);
  const collection = await collectAndroid(phone, androidCollectOptions());
  const snapshot = assembleAndroidSnapshot(collection, { name: 'spycheck', version: 'test' });
  return { snapshot, collection, phone, log: server!.log };
}

const app = (s: AndroidSnapshot, id: string) => {
  const a = s.apps.find((x) => x.id === id);
  if (!a) throw new Error(`${id} not in snapshot`);
  return a;
};

describe('infected Samsung (Android 12) through the fake adb server and adbkit', () => {
  it('reads the apps, their origin, grants and signing certificates', async () => {
    const { snapshot, log } = await scanProfile('infected-a12');
    expect(snapshot.complete).toBe(true);
    expect(snapshot.device).toMatchObject({
      serial: 'R58R41ABCDE',
      manufacturer: 'samsung',
      model: 'SM-A125F',
      androidVersion: '12',
      sdk: 31,
    });
    expect(snapshot.apps.length).toBe(108);

    const known = app(snapshot, 'com.systemservice');
    expect(known.installerClass).toBe('sideloaded');
    expect(known.installOriginator).toBe('com.sec.android.app.sbrowser');
    expect(known.launcher).toBe('visible');
    expect(known.certs?.map((c) => c.sha1)).toContain(TRAINING_CERT_SHA1);
    expect(known.certs?.[0]?.scheme).toBe('v1');
    expect(known.apkSha256).toMatch(/^[0-9A-F]{64}$/);
    expect(
      known.permissions.runtime.find((p) => p.name === 'android.permission.RECORD_AUDIO')?.granted,
    ).toBe(true);

    // names come from the pulled APKs' own manifests (resources resolved)
    expect(known.label).toBe('System Service');
    expect(app(snapshot, 'com.device.health.service').label).toBe('Device Health');

    const renamed = app(snapshot, 'com.dailyplanner.notes');
    expect(renamed.label).toBe('Daily Planner');
    expect(renamed.certs?.map((c) => c.sha1)).toEqual([TRAINING_CERT_SHA1]);
    expect(['v2', 'v3']).toContain(renamed.certs?.[0]?.scheme);

    const hidden = app(snapshot, 'com.device.health.service');
    expect(hidden.launcher).toBe('hidden');
    expect(hidden.installerClass).toBe('sideloaded');
    expect(snapshot.accessibilityServices.map((c) => c.package)).toContain(
      'com.device.health.service',
    );
    expect(snapshot.notificationListeners.map((c) => c.package)).toContain(
      'com.device.health.service',
    );
    const admin = snapshot.deviceAdmins.find((a) => a.package === 'com.device.health.service');
    expect(admin?.policies).toContain('wipe-data');
    expect(snapshot.batteryOptimisationExempt).toContain('com.device.health.service');

    // store and system apps are not pulled: only the three sideloaded APKs
    const pulls = log.filter('sync').filter((e) => e.request.startsWith('RECV'));
    expect(pulls).toHaveLength(3);
    expect(app(snapshot, 'com.whatsapp').installerClass).toBe('store');
    expect(app(snapshot, 'com.whatsapp').certs).toBeUndefined();

    expect(snapshot.settings.global.package_verifier_enable).toBe('0');
    expect(snapshot.appOps.REQUEST_INSTALL_PACKAGES).toContain('com.sec.android.app.sbrowser');
    expect(snapshot.accounts.map((a) => a.type)).toContain('com.google');
    expect(androidSnapshotSchema.safeParse(snapshot).success).toBe(true);
  });

  it('sends nothing but read-only requests', async () => {
    const { log } = await scanProfile('infected-a12');
    expect(log.filter('shell').length).toBeGreaterThan(10);
    expect(forbiddenRequests(log.entries)).toEqual([]);
  });

  it('keeps every raw output exactly as received, with its command and time', async () => {
    const { snapshot, collection } = await scanProfile('infected-a12');
    const profile = await loadProfile('infected-a12');
    const getprop = collection.raw.find((r) => r.record.command === 'getprop');
    expect(getprop?.data.equals(profile.shell('getprop'))).toBe(true);
    expect(snapshot.raw.length).toBe(collection.raw.length);
    for (const r of snapshot.raw) expect(r.time).toMatch(/Z$/);
  });
});

describe('round-trips do not grow with the number of apps', () => {
  it('uses the same number of shell commands on 108 and 175 apps (hashing batches aside)', async () => {
    const a = await scanProfile('infected-a12');
    await server?.close();
    const b = await scanProfile('clean-pixel14');
    const nonHash = (l: typeof a.log) =>
      l.filter('shell').filter((e) => !e.request.startsWith('sha256sum')).length;
    expect(nonHash(a.log)).toBe(nonHash(b.log));
    expect(
      b.log.filter('shell').filter((e) => e.request.startsWith('dumpsys package ')).length,
    ).toBe(1);
  });
});

describe.each(['clean-pixel14', 'dualuse-pixel7', 'old-a10'])('%s', (name) => {
  it('is read completely with every check run or explained', async () => {
    const { snapshot, log } = await scanProfile(name);
    expect(snapshot.complete).toBe(true);
    expect(snapshot.apps.length).toBeGreaterThan(60);
    expect(forbiddenRequests(log.entries)).toEqual([]);
    for (const c of snapshot.checks) {
      if (c.status !== 'ok') expect(c.reason, c.id).toBeTruthy();
    }
    // every app has an origin and launcher state; no app is "unknown" when the phone told us
    expect(snapshot.apps.filter((a) => a.installerClass === 'unknown')).toEqual([]);
    expect(snapshot.apps.some((a) => a.launcher === 'hidden')).toBe(true);
    expect(snapshot.apps.some((a) => a.launcher === 'visible')).toBe(true);
    expect(androidSnapshotSchema.safeParse(snapshot).success).toBe(true);
  });
});

describe('old Android 10 phone', () => {
  it('records what it cannot answer as not checked, never as clean', async () => {
    const { snapshot } = await scanProfile('old-a10');
    expect(snapshot.device.androidVersion).toBe('10');
    const adb = snapshot.checks.find((c) => c.id === 'trusted-computers');
    expect(adb?.status).toBe('not-checked');
    // Android 10 has no "adb" dumpsys service: the phone lacks it (it did not refuse)
    expect(adb?.cause).toBe('unsupported');
    expect(adb?.reason).toMatch(/cannot answer this question/);
    expect(adb?.detail).toMatch(/adb/);
    expect(snapshot.adbKeys).toBeUndefined();
  });
});

describe('dual-use phone', () => {
  it('sees the second Google account and the tracking apps with their grants', async () => {
    const { snapshot } = await scanProfile('dualuse-pixel7');
    const google = snapshot.accounts.filter((a) => a.type === 'com.google');
    expect(google.length).toBe(2);
    const life360 = app(snapshot, 'com.life360.android.safetymapd');
    expect(life360.installerClass).toBe('store');
    expect(
      life360.permissions.runtime.find(
        (p) => p.name === 'android.permission.ACCESS_BACKGROUND_LOCATION',
      )?.granted,
    ).toBe(true);
  });
});

describe('a phone unplugged in the middle of a scan', () => {
  it('keeps what was read, marks the scan incomplete and says what was not checked', async () => {
    const { profile, phone, server: s } = await connect('infected-a12', 30);
    const unplugAfter = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (s.log.filter('shell').length >= 6) {
          clearInterval(timer);
          s.unplug(profile.serial);
          resolve();
        }
      }, 2);
    });
    const [collection] = await Promise.all([
      collectAndroid(phone, androidCollectOptions({ concurrency: 2 })),
      unplugAfter,
    ]);
    const snapshot = assembleAndroidSnapshot(collection, { name: 'spycheck', version: 'test' });
    expect(snapshot.complete).toBe(false);
    expect(collection.raw.length).toBeGreaterThan(0);
    expect(snapshot.raw.length).toBe(collection.raw.length);
    expect(
      snapshot.checks.some(
        (c) => c.status === 'not-checked' && /disconnected/.test(c.reason ?? ''),
      ),
    ).toBe(true);
    expect(snapshot.warnings.join('\n')).toMatch(/stopped answering|no longer connected/);
  });
});

describe('stopping a scan', () => {
  it('keeps what was read when the caseworker stops it (Ctrl-C)', async () => {
    const { phone, server: s } = await connect('infected-a12', 30);
    const timer = setInterval(() => {
      if (s.log.filter('shell').length >= 5) {
        clearInterval(timer);
        phone.abort('The scan was stopped before it finished (Ctrl-C)');
      }
    }, 2);
    const c = await collectAndroid(phone, androidCollectOptions({ concurrency: 2 }));
    clearInterval(timer);
    const snapshot = assembleAndroidSnapshot(c, { name: 'spycheck', version: 'test' });
    expect(snapshot.complete).toBe(false);
    expect(c.raw.length).toBeGreaterThan(0);
    expect(snapshot.warnings.join('\n')).toMatch(/Ctrl-C/);
    expect(snapshot.checks.map((x) => x.reason).join('\n')).toMatch(/scan was stopped before/);
  });

  it('treats a phone that stops answering as lost instead of waiting for ever', async () => {
    const { phone } = await connect('infected-a12', 400, { requestTimeoutMs: 100 });
    const c = await collectAndroid(phone, androidCollectOptions());
    expect(c.complete).toBe(false);
    expect(c.notes.join('\n')).toMatch(/no answer/);
  });
});

describe('a phone that rejects a flag', () => {
  it('gets the fallback command, and the scan still reads every app', async () => {
    const data = await loadProfileData('old-a10');
    const full = data.shell[ANDROID_COMMANDS.pmList]!;
    // like an old or vendor build that does not know -U
    data.shell[ANDROID_COMMANDS.pmList] = 'Error: Unknown option: -U\n';
    data.shell[ANDROID_COMMANDS.pmListUser0] = 'Error: Unknown option: -U\n';
    data.shell[ANDROID_COMMANDS.pmListNoUid] = String(full).replace(/ uid:\d+/g, '');
    const profile = new DeviceProfile(data);
    server = await startFakeAdbServer({ profiles: [profile] });
    const client = createAdbClient(
      { host: server.host, port: server.port, source: 'test' },
      '/bin/false',
    );
    const phone = new ReadOnlyAndroidPhone(client, profile.serial);
    const c = await collectAndroid(phone, androidCollectOptions());
    const snapshot = assembleAndroidSnapshot(c, { name: 'spycheck', version: 'test' });
    expect(c.outputs.packages?.command).toBe(ANDROID_COMMANDS.pmListNoUid);
    expect(server.log.filter('shell').map((e) => e.request)).toEqual(
      expect.arrayContaining([
        ANDROID_COMMANDS.pmList,
        ANDROID_COMMANDS.pmListUser0,
        ANDROID_COMMANDS.pmListNoUid,
      ]),
    );
    expect(snapshot.checks.find((x) => x.id === 'apps')?.status).toBe('ok');
    expect(snapshot.apps.length).toBeGreaterThan(60);
    // both refusals are kept as evidence
    expect(c.raw.filter((r) => r.data.toString().startsWith('Error: Unknown option')).length).toBe(
      2,
    );
  });
});
