/**
 * In-process fake adb server → real adbkit client → collector → Snapshot,
 * for every simulated phone. Asserts on parsed facts, and that every request
 * the phone received was on the read-only list.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../src/analyze/analyze.js';
import { isComplete } from '../src/analyze/blindSpots.js';
import { compileRules } from '../src/analyze/compile.js';
import { pack } from '../src/analyze/pack.test-util.js';
import { createAdbClient } from '../src/device/android/adbServer.js';
import { collectAndroid } from '../src/device/android/collector.js';
import { ANDROID_COMMANDS } from '../src/device/android/commands.js';
import { ReadOnlyAndroidPhone, type ReadOnlyPhoneOptions } from '../src/device/android/phone.js';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { DeviceProfile, loadProfile, loadProfileData } from '../src/sim/android/device.js';
import { type FakeAdbServer, startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { syntheticProfileData } from '../src/sim/android/synthetic.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../src/snapshot/android.js';
import { androidSnapshotSchema } from '../src/snapshot/schema.js';
import { packageRoot } from '../src/util/packageRoot.js';
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

async function scanProfile(
  name: string,
  latencyMs = 0,
  extra: Parameters<typeof androidCollectOptions>[0] = {},
) {
  const { phone } = await connect(name, latencyMs);
  const collection = await collectAndroid(phone, androidCollectOptions(extra));
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
  it('uses the same number of shell commands on 108 and 175 apps, and no sha256sum', async () => {
    const a = await scanProfile('infected-a12');
    await server?.close();
    const b = await scanProfile('clean-pixel14');
    // store apps are no longer fingerprinted on the phone: no hashing batches to set aside
    expect(a.log.filter('shell').length).toBe(b.log.filter('shell').length);
    for (const { log } of [a, b]) {
      expect(log.filter('shell').filter((e) => e.request.startsWith('sha256sum'))).toEqual([]);
    }
    expect(
      b.log.filter('shell').filter((e) => e.request.startsWith('dumpsys package ')).length,
    ).toBe(1);
  });

  it('sends the same requests to a phone with 60 and with 600 store apps', async () => {
    const requests = async (apps: number) => {
      const profile = new DeviceProfile(syntheticProfileData({ apps, sideloaded: 2 }));
      const s = await startFakeAdbServer({ profiles: [profile] });
      server = s;
      const client = createAdbClient({ host: s.host, port: s.port, source: 'test' }, '/bin/false');
      const phone = new ReadOnlyAndroidPhone(client, profile.serial);
      const c = await collectAndroid(phone, androidCollectOptions());
      await s.close();
      server = undefined;
      const snapshot = assembleAndroidSnapshot(c, { name: 'spycheck', version: 'test' });
      expect(snapshot.apps.length).toBe(apps);
      return { shell: s.log.filter('shell').length, sync: s.log.filter('sync').length, c };
    };
    const small = await requests(60);
    const big = await requests(600);
    expect(big.shell).toBe(small.shell);
    // the two apps not from a store are asked about (size, then the file) on both phones
    expect(big.sync).toBe(small.sync);
    expect(big.c.stats.roundTrips).toBe(small.c.stats.roundTrips);
  });
});

const fixtureApk = (name: string) =>
  readFileSync(join(packageRoot(), 'fixtures', 'devices', 'infected-a12', 'apks', `${name}.apk`));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex').toUpperCase();
const SIDELOADED = ['com.device.health.service', 'com.systemservice', 'com.dailyplanner.notes'];

describe('fingerprints of app files: only what can match a known sample', () => {
  it('hashes the apps not from a store on this computer, from the bytes it copied', async () => {
    const { snapshot, log } = await scanProfile('infected-a12');
    for (const id of SIDELOADED) {
      expect(app(snapshot, id).apkSha256, id).toBe(sha256(fixtureApk(id)));
    }
    // nothing is hashed on the phone, and store apps get no fingerprint
    expect(log.filter('shell').some((e) => e.request.startsWith('sha256sum'))).toBe(false);
    expect(app(snapshot, 'com.whatsapp').apkSha256).toBeUndefined();
    const check = snapshot.checks.find((c) => c.id === 'apk-hashes');
    expect(check?.status).toBe('ok');
  });

  it('matches a sideloaded sample by its hash, and store apps without one stay "no"', async () => {
    const { snapshot } = await scanProfile('infected-a12');
    // a sample hash for the hidden helper, and one that a store app would need to match
    const rules = compileRules([
      pack([
        {
          id: 't.sample',
          match: { apk_sha256: [sha256(fixtureApk('com.device.health.service'))] },
        },
        { id: 't.other-sample', match: { apk_sha256: ['AB'.repeat(32)] } },
      ]),
    ]);
    const doc = analyzeSnapshot(snapshot, rules);
    const hit = doc.findings.find((f) => f.subject.id === 'com.device.health.service');
    expect(hit?.evidence.reasons).toContainEqual(
      expect.objectContaining({ rule: 't.sample', matcher: 'apk_sha256' }),
    );
    // the store apps' missing hashes leave no rule unjudged and the result complete
    expect(doc.notEvaluated ?? []).toEqual([]);
    expect(doc.incomplete).toBeFalsy();
    expect(isComplete(snapshot, doc)).toBe(true);
  });

  it('--hash-all-apps fingerprints the store apps on the phone, after an estimate', async () => {
    const said: string[] = [];
    const { snapshot, log } = await scanProfile('infected-a12', 0, {
      hashAllApps: true,
      onProgress: (m) => said.push(m),
    });
    const hashed = log.filter('shell').filter((e) => e.request.startsWith('sha256sum'));
    expect(hashed.length).toBeGreaterThan(0);
    // the apps that were copied are not hashed again on the phone
    const onPhone = hashed.map((e) => e.request).join(' ');
    for (const id of SIDELOADED) expect(onPhone).not.toContain(`/${id}-`);
    expect(app(snapshot, 'com.whatsapp').apkSha256).toMatch(/^[0-9A-F]{64}$/);
    expect(app(snapshot, 'com.systemservice').apkSha256).toBe(
      sha256(fixtureApk('com.systemservice')),
    );
    expect(said).toContainEqual(
      expect.stringMatching(/^Hashing \d+ app files on the phone: .*300 MB\/s\)$/),
    );
  });
});

describe('an app that falsely claims a store', () => {
  it('counts as not from a store: copied, its signer read and its file hashed here', async () => {
    const data = await loadProfileData('infected-a12');
    // the planner claims Google Play, but its install record says a file installer started it
    const dump = String(data.shell[ANDROID_COMMANDS.dumpsysPackage]);
    const at = dump.indexOf('dataDir=/data/user/0/com.dailyplanner.notes');
    const claim = 'installerPackageName=com.google.android.packageinstaller';
    const i = dump.indexOf(claim, at);
    expect(at).toBeGreaterThan(-1);
    expect(i).toBeGreaterThan(at);
    data.shell[ANDROID_COMMANDS.dumpsysPackage] =
      `${dump.slice(0, i)}installerPackageName=com.android.vending${dump.slice(i + claim.length)}`;
    data.shell[ANDROID_COMMANDS.pmList] = String(data.shell[ANDROID_COMMANDS.pmList]).replace(
      /(=com\.dailyplanner\.notes\s+installer=)\S+/,
      '$1com.android.vending',
    );
    const profile = new DeviceProfile(data);
    server = await startFakeAdbServer({ profiles: [profile] });
    const client = createAdbClient(
      { host: server.host, port: server.port, source: 'test' },
      '/bin/false',
    );
    const c = await collectAndroid(
      new ReadOnlyAndroidPhone(client, profile.serial),
      androidCollectOptions(),
    );
    const snapshot = assembleAndroidSnapshot(c, { name: 'spycheck', version: 'test' });
    const planner = app(snapshot, 'com.dailyplanner.notes');
    expect(planner.installer).toBe('com.android.vending');
    expect(planner.falseStoreClaim).toBe('com.android.vending');
    expect(planner.installerClass).toBe('sideloaded');
    expect(planner.apkSha256).toBe(sha256(fixtureApk('com.dailyplanner.notes')));
    expect(planner.certs?.length).toBeGreaterThan(0);
    expect(snapshot.checks.find((x) => x.id === 'apk-hashes')?.status).toBe('ok');
  });
});

describe('copying app files within limits of bytes and time', () => {
  it('starts copying as soon as the package list is in, when every file fits the limits', async () => {
    const { snapshot, log } = await scanProfile('infected-a12', 30);
    const order = log.entries.filter((e) => e.kind === 'shell' || e.kind === 'sync');
    const firstStat = order.findIndex((e) => e.kind === 'sync' && e.request.startsWith('STAT'));
    const lastShell = order.map((e) => e.kind).lastIndexOf('shell');
    // the copies overlap the other steps instead of waiting for the slowest of them
    expect(firstStat).toBeGreaterThan(-1);
    expect(firstStat).toBeLessThan(lastShell);
    // and the result is the same: every app from outside a store checked, once
    const recv = order.filter((e) => e.kind === 'sync' && e.request.startsWith('RECV'));
    expect(recv).toHaveLength(SIDELOADED.length);
    for (const id of SIDELOADED) expect(app(snapshot, id).certs?.length, id).toBeGreaterThan(0);
    expect(snapshot.checks.find((c) => c.id === 'signing-certs')?.status).toBe('ok');
  });

  it('copies the riskiest first: hidden, with special access, from outside a store', async () => {
    const { collection } = await scanProfile('infected-a12');
    const order = androidCollectOptions().plan.apksToInspect(collection.outputs);
    expect(order.map((p) => SIDELOADED.find((id) => p.includes(`/${id}-`)))).toEqual(SIDELOADED);
  });

  it('skips a file larger than what is left (never cuts one) and says which, how large', async () => {
    const said: string[] = [];
    const { snapshot, collection, log } = await scanProfile('infected-a12', 0, {
      pullLimits: { maxBytes: 12_000 },
      onProgress: (m) => said.push(m),
    });
    // 8,398 + 3,028 bytes fit; the planner's 8,398 do not, and it is not asked for at all
    const recv = log.filter('sync').filter((e) => e.request.startsWith('RECV'));
    expect(recv.map((e) => SIDELOADED.find((id) => e.request.includes(`/${id}-`)))).toEqual(
      expect.arrayContaining(['com.device.health.service', 'com.systemservice']),
    );
    expect(recv).toHaveLength(2);
    // the sizes the early attempt asked are not asked again when it leaves the copies to later
    const stats = log.filter('sync').filter((e) => e.request.startsWith('STAT'));
    expect(stats).toHaveLength(SIDELOADED.length);
    expect(collection.stats.apkBytesPulled).toBe(8398 + 3028);
    const planner = app(snapshot, 'com.dailyplanner.notes');
    expect(planner.certs).toBeUndefined();
    expect(planner.apkSha256).toBeUndefined();
    for (const id of ['apk-hashes', 'signing-certs']) {
      const c = snapshot.checks.find((x) => x.id === id);
      expect(c, id).toMatchObject({ status: 'partial', cause: 'time-limit' });
      expect(c?.reason).toMatch(
        /too large to copy in the time of this check: com\.dailyplanner\.notes \(8 KB\)$/,
      );
    }
    expect(snapshot.checks.find((x) => x.id === 'signing-certs')?.reason).toMatch(
      /^we did not check who made 1 app from outside an app store, because its file was/,
    );
    // the evidence section names it, with its size and why
    expect(snapshot.warnings).toContainEqual(
      expect.stringMatching(
        /^Not copied from the phone, so who signed com\.dailyplanner\.notes was not checked.*\(8 KB\) is larger than what was left of the/,
      ),
    );
    expect(said).toContainEqual(
      'Checking who signed 2 apps not from a store (11 KB); 1 more is too large to copy in the time of this check',
    );
    expect(said.at(-1)).toMatch(
      /^Checking who signed the apps not from a store: 2 of 2 \(11 of 11 KB\)$/,
    );
    // the skipped app may be a known sample: the result must not read as a clear one
    const doc = analyzeSnapshot(
      snapshot,
      compileRules([pack([{ id: 't.sample', match: { apk_sha256: ['AB'.repeat(32)] } }])]),
    );
    expect(doc.incomplete).toMatchObject({ checks: ['apk-hashes'], facts: ['apk_hashes'] });
    expect(isComplete(snapshot, doc)).toBe(false);
  });

  it('stops starting copies when the time is up, and says so', async () => {
    const { snapshot, collection } = await scanProfile('infected-a12', 20, {
      pullLimits: { maxMs: 1 },
    });
    expect(collection.stats.apksPulled).toBe(0);
    const skipped = Object.values(collection.apkCerts);
    expect(skipped).toHaveLength(3);
    expect(skipped.every((r) => !r.ok && r.skipped === 'out-of-time')).toBe(true);
    const c = snapshot.checks.find((x) => x.id === 'signing-certs');
    expect(c).toMatchObject({ status: 'not-checked', cause: 'time-limit' });
    expect(c?.reason).toMatch(/^we did not check who made 3 apps from outside an app store/);
    expect(snapshot.warnings.join('\n')).toMatch(/the 0 s this check spends copying app files/);
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
