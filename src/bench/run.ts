/**
 * npm run bench — prints figures; asserts nothing. Each case runs in its own
 * child process so peak RSS belongs to that case alone.
 *
 *   spycheck scan     : our batched collection + parsing (what a caseworker waits for)
 *   per-app baseline  : "pm list packages" then one "dumpsys package <pkg>" per app,
 *                       the sequence existing tools use, against the same phone
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdbClient } from '../device/android/adbServer.js';
import { collectAndroid } from '../device/android/collector.js';
import { ANDROID_COMMANDS } from '../device/android/commands.js';
import { ReadOnlyAndroidPhone } from '../device/android/phone.js';
import { parsePmList } from '../parse/android/pmList.js';
import { DeviceProfile, type DeviceProfileData } from '../sim/android/device.js';
import { startFakeAdbd } from '../sim/android/fakeAdbd.js';
import { startFakeAdbServer } from '../sim/android/fakeAdbServer.js';
import { hasAdb, startRealAdbServer } from '../sim/android/realAdb.js';
import { syntheticProfileData } from '../sim/android/synthetic.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../snapshot/android.js';
import { packageRoot } from '../util/packageRoot.js';
import { benchRules } from './rules.js';

interface CaseResult {
  name: string;
  apps: number;
  latencyMs: number;
  roundTrips: number;
  bytesRead: number;
  wallMs: number;
  peakRssMb: number;
}

type CaseKind = 'scan' | 'baseline' | 'scan-real-adb' | 'iphone';

/** The phone behind either the in-process fake adb server, or Debian's adb + simulated adbd. */
async function connectPhone(kind: CaseKind, profile: DeviceProfile, latencyMs: number) {
  if (kind !== 'scan-real-adb') {
    const server = await startFakeAdbServer({ profiles: [profile], latencyMs });
    const client = createAdbClient(
      { host: server.host, port: server.port, source: 'bench' },
      '/bin/false',
    );
    return { phone: new ReadOnlyAndroidPhone(client, profile.serial), close: () => server.close() };
  }
  const adbd = await startFakeAdbd({ profile, latencyMs });
  const adb = await startRealAdbServer();
  const serial = `127.0.0.1:${adbd.port}`;
  await adb.connect(serial);
  const client = createAdbClient(
    { host: '127.0.0.1', port: adb.port, source: 'bench' },
    '/bin/false',
  );
  return {
    phone: new ReadOnlyAndroidPhone(client, serial),
    close: async () => {
      await adb.stop();
      await adbd.close();
    },
  };
}

/** An iPhone scan: simulated usbmuxd → appium-ios-device → the door → the iOS Snapshot. */
async function runIosCase(): Promise<CaseResult> {
  // Loaded here, so the Android cases' peak memory does not carry the iPhone libraries.
  // One at a time: Node 20 fails when plist is required while a parallel import loads it.
  const { ReadOnlyIPhone } = await import('../device/ios/phone.js');
  const { collectIos } = await import('../platform/ios/platform.js');
  const { loadIosProfile } = await import('../sim/ios/profile.js');
  const { startFakeUsbmuxd } = await import('../sim/ios/usbmuxd.js');
  const { assembleIosSnapshot } = await import('../snapshot/ios.js');
  const profile = await loadIosProfile('ios-infected');
  const dir = mkdtempSync(join(tmpdir(), 'spycheck-bench-'));
  const socketPath = join(dir, 'usbmuxd');
  const mux = await startFakeUsbmuxd({ profiles: [profile], socketPath });
  try {
    const phone = new ReadOnlyIPhone(profile.udid, { socketAddress: `UNIX:${socketPath}` });
    const t0 = performance.now();
    const reading = await collectIos(phone);
    const snap = assembleIosSnapshot(reading, { name: 'spycheck', version: 'bench' });
    const wallMs = performance.now() - t0;
    if (snap.apps.length === 0) throw new Error('the iPhone scan saw no apps');
    return {
      name: 'iPhone scan',
      apps: snap.apps.length,
      latencyMs: 0,
      roundTrips: reading.stats.roundTrips,
      bytesRead: reading.raw.reduce((n, r) => n + r.data.length, 0),
      wallMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await mux.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runCase(kind: CaseKind, apps: number, latencyMs: number): Promise<CaseResult> {
  if (kind === 'iphone') return runIosCase();
  const profile = new DeviceProfile(
    withServedApks(syntheticProfileData({ apps, seed: 7, sideloaded: 3 })),
  );
  const { phone, close } = await connectPhone(kind, profile, latencyMs);
  try {
    const t0 = performance.now();
    if (kind !== 'baseline') {
      const c = await collectAndroid(phone, androidCollectOptions());
      const snap = assembleAndroidSnapshot(c, { name: 'spycheck', version: 'bench' });
      if (snap.apps.length < apps) throw new Error(`scan saw ${snap.apps.length} of ${apps} apps`);
    } else {
      const list = parsePmList(await phone.shell('packages', ANDROID_COMMANDS.pmListBare)).parsed
        .packages;
      for (const p of list) await phone.shell('package', `dumpsys package ${p.id}`);
      if (list.length < apps) throw new Error(`baseline saw ${list.length} of ${apps} apps`);
    }
    const wallMs = performance.now() - t0;
    return {
      name: {
        scan: 'spycheck scan',
        baseline: 'per-app baseline',
        'scan-real-adb': 'scan via real adb',
      }[kind],
      apps,
      latencyMs,
      roundTrips: phone.roundTrips,
      bytesRead: phone.bytesRead,
      wallMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await close();
  }
}

/**
 * Serve a real signed APK for each app installed from a download, so the
 * bench pays for the APK pulls and certificate reads a real scan makes.
 */
function withServedApks(data: DeviceProfileData): DeviceProfileData {
  const apk = readFileSync(
    join(packageRoot(), 'fixtures/devices/infected-a12/apks/com.dailyplanner.notes.apk'),
  );
  const list = String(data.shell[ANDROID_COMMANDS.pmList] ?? '');
  for (const line of list.split('\n')) {
    const m = /^package:(\S+\.apk)=\S+ .*installer=com\.google\.android\.packageinstaller/.exec(
      line,
    );
    if (m?.[1]) data.files[m[1]] = apk;
  }
  return data;
}

function table(rows: CaseResult[]): string {
  const head = ['case', 'apps', 'latency', 'round-trips', 'bytes read', 'wall', 'peak RSS'];
  const body = rows.map((r) => [
    r.name,
    String(r.apps),
    `${r.latencyMs} ms`,
    String(r.roundTrips),
    `${(r.bytesRead / 1024 / 1024).toFixed(2)} MB`,
    `${(r.wallMs / 1000).toFixed(2)} s`,
    `${r.peakRssMb.toFixed(0)} MB`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function parent(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const cases: [string, number, number][] = [
    ['scan', 150, 0],
    ['baseline', 150, 0],
    ['scan', 150, 50],
    ['baseline', 150, 50],
    ['scan', 1000, 0],
    ['scan', 1000, 50],
    ['iphone', 0, 0],
    ...(hasAdb
      ? ([
          ['scan-real-adb', 150, 50],
          ['scan-real-adb', 1000, 50],
        ] as [string, number, number][])
      : []),
  ];
  if (!hasAdb)
    process.stderr.write(
      '(adb is not installed: skipping the cases through the real adb server)\n',
    );
  const results: CaseResult[] = [];
  for (const [kind, apps, latency] of cases) {
    process.stderr.write(`running ${kind} ${apps} apps @ ${latency} ms…\n`);
    const out = execFileSync(
      process.execPath,
      [self, '--case', kind, String(apps), String(latency)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    results.push(JSON.parse(out) as CaseResult);
  }
  console.log(
    '\nPhone collection: adbkit → simulated phone (in-process adb server, or Debian adb → simulated adbd);\n' +
      'iPhone: appium-ios-device → simulated usbmuxd and lockdownd (ios-infected, TLS sessions, no added latency)\n',
  );
  console.log(table(results));
  const at = (name: string, apps: number, lat: number) =>
    results.find((r) => r.name === name && r.apps === apps && r.latencyMs === lat);
  for (const lat of [0, 50]) {
    const s = at('spycheck scan', 150, lat);
    const b = at('per-app baseline', 150, lat);
    if (s && b) {
      console.log(
        `150 apps @ ${lat} ms: spycheck is ${(b.wallMs / s.wallMs).toFixed(1)}x faster than the per-app sequence`,
      );
    }
  }
  const big = at('spycheck scan', 1000, 50);
  if (big) console.log(`1,000 apps @ 50 ms: ${(big.wallMs / 1000).toFixed(2)} s (target ≤ 3 s)`);

  const r = benchRules();
  console.log(
    `\nRule matching: ${r.indicators} indicators against ${r.apps} apps: compile ${r.compileMs.toFixed(1)} ms, match ${r.matchMs.toFixed(1)} ms`,
  );
}

const args = process.argv.slice(2);
if (args[0] === '--case') {
  const [, kind, apps, latency] = args;
  runCase(kind as CaseKind, Number(apps), Number(latency)).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
} else {
  parent().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
