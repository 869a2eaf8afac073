/**
 * The app-op modes (usage access, drawing over apps, installing apps) come from the one
 * `dumpsys appops` the scan sends anyway for recent use; the three `cmd appops query-op`
 * reads are sent only as fallbacks, when the dump is missing, refused or not usable. Counted on
 * the simulated phones' request logs, through the real adbkit client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAdbClient } from '../src/device/android/adbServer.js';
import { collectAndroid } from '../src/device/android/collector.js';
import { ANDROID_COMMANDS as C } from '../src/device/android/commands.js';
import { ReadOnlyAndroidPhone } from '../src/device/android/phone.js';
import { ANDROID_STEP_IDS } from '../src/model/androidCollection.js';
import { parseAppOpsQuery } from '../src/parse/android/appops.js';
import { DeviceProfile, loadProfileData } from '../src/sim/android/device.js';
import { type FakeAdbServer, startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../src/snapshot/android.js';

let server: FakeAdbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const OPS = [
  ['GET_USAGE_STATS', C.appopsUsageStats, 'usage-access'],
  ['SYSTEM_ALERT_WINDOW', C.appopsOverlay, 'overlay'],
  ['REQUEST_INSTALL_PACKAGES', C.appopsInstall, 'install-apps'],
] as const;

/** Scan a fixture phone, with some of its answers replaced. */
async function scan(name: string, replace: Record<string, string> = {}) {
  const data = await loadProfileData(name);
  const queryOp = Object.fromEntries(
    OPS.map(([op, cmd]) => [op, parseAppOpsQuery(String(data.shell[cmd] ?? '')).parsed.packages]),
  );
  for (const [cmd, text] of Object.entries(replace)) data.shell[cmd] = text;
  const profile = new DeviceProfile(data);
  server = await startFakeAdbServer({ profiles: [profile] });
  const client = createAdbClient(
    { host: server.host, port: server.port, source: 'test' },
    '/bin/false',
  );
  const phone = new ReadOnlyAndroidPhone(client, profile.serial);
  const collection = await collectAndroid(phone, androidCollectOptions());
  const snapshot = assembleAndroidSnapshot(collection, { name: 'spycheck', version: 'test' });
  const shell = server.log
    .filter('shell', profile.serial)
    .map((e) => e.request.replace(/^shell:/, ''));
  return { snapshot, collection, shell, queryOp };
}

const status = (s: Awaited<ReturnType<typeof scan>>['snapshot'], id: string) =>
  s.checks.find((c) => c.id === id);
const sorted = (x: readonly string[] | undefined) => [...(x ?? [])].sort();

describe('app-op modes from the one dumpsys appops', () => {
  it.each([
    'infected-a12',
    'clean-pixel14',
    'dualuse-pixel7',
    'old-a10',
  ])('%s: no query-op is sent, and the sets equal what query-op says', async (name) => {
    const { snapshot, collection, shell, queryOp } = await scan(name);
    expect(shell.filter((c) => c.startsWith('cmd appops query-op'))).toEqual([]);
    expect(shell.filter((c) => c === C.dumpsysAppops)).toHaveLength(1);
    for (const [op, , check] of OPS) {
      expect(sorted(snapshot.appOps[op]), op).toEqual(sorted(queryOp[op]));
      expect(status(snapshot, check)?.status).toBe('ok');
      // the evidence names what was really asked
      expect(
        collection.outputs[
          op === 'GET_USAGE_STATS'
            ? 'appopsUsageStats'
            : op === 'SYSTEM_ALERT_WINDOW'
              ? 'appopsOverlay'
              : 'appopsInstall'
        ]?.command,
      ).toBe(C.dumpsysAppops);
    }
    // one request per step, less the three answered by the dump
    const fixed = shell.filter((c) => !c.startsWith('sha256sum'));
    expect(fixed).toHaveLength(ANDROID_STEP_IDS.length - 3);
    expect(collection.raw.filter((r) => r.record.command === C.dumpsysAppops)).toHaveLength(1);
  });

  it('sends the three query-op reads when the dump fails, and says recent use was not read', async () => {
    const { snapshot, shell, queryOp } = await scan('infected-a12', {
      [C.dumpsysAppops]: "Can't find service: appops\n",
    });
    for (const [op, cmd, check] of OPS) {
      expect(shell.filter((c) => c === cmd)).toHaveLength(1);
      expect(sorted(snapshot.appOps[op])).toEqual(sorted(queryOp[op]));
      expect(status(snapshot, check)?.status).toBe('ok');
    }
    expect(queryOp.GET_USAGE_STATS).toContain('com.systemservice');
    expect(status(snapshot, 'recent-use')?.status).toBe('not-checked');
  });

  it('asks query-op when the dump was cut off by a dump timeout (sets could miss apps)', async () => {
    const data = await loadProfileData('infected-a12');
    const dump = String(data.shell[C.dumpsysAppops]);
    const cut = `${dump.slice(0, Math.floor(dump.length / 3))}\n*** SERVICE 'appops' DUMP TIMEOUT (10000ms) EXPIRED ***\n`;
    const { snapshot, shell, queryOp } = await scan('infected-a12', { [C.dumpsysAppops]: cut });
    for (const [op, cmd, check] of OPS) {
      expect(shell.filter((c) => c === cmd)).toHaveLength(1);
      expect(sorted(snapshot.appOps[op])).toEqual(sorted(queryOp[op]));
      expect(status(snapshot, check)?.status).toBe('ok');
    }
  });

  it('asks query-op when the dump prints no package modes (a form not known here)', async () => {
    const bare =
      'Current AppOps Service state:\n  Settings:\n    top_state_settle_time=+30s0ms\n  Uid u0a100:\n    state=cch\n';
    const { snapshot, shell } = await scan('infected-a12', { [C.dumpsysAppops]: bare });
    expect(shell.filter((c) => c.startsWith('cmd appops query-op'))).toHaveLength(3);
    expect(snapshot.appOps.GET_USAGE_STATS).toContain('com.systemservice');
  });

  it('asks query-op when the dump comes back empty (never read as "no app holds it")', async () => {
    const { snapshot, shell } = await scan('infected-a12', { [C.dumpsysAppops]: '' });
    expect(shell.filter((c) => c.startsWith('cmd appops query-op'))).toHaveLength(3);
    expect(snapshot.appOps.GET_USAGE_STATS).toContain('com.systemservice');
    expect(status(snapshot, 'usage-access')?.status).toBe('ok');
  });

  it('a phone with no dump at all (hostile-a13) falls back, and the checks still run', async () => {
    const { snapshot, shell } = await scan('hostile-a13');
    expect(shell.filter((c) => c.startsWith('cmd appops query-op'))).toHaveLength(3);
    expect(snapshot.appOps.GET_USAGE_STATS).toEqual(['com.evil.ansi']);
    expect(status(snapshot, 'usage-access')?.status).toBe('ok');
  });

  it('the dump and its fallbacks both refused: the checks say so, never an empty "no"', async () => {
    const refused = 'Permission Denial: not allowed\n';
    const { snapshot } = await scan('infected-a12', {
      [C.dumpsysAppops]: "Can't find service: appops\n",
      [C.appopsUsageStats]: refused,
      [C.appopsOverlay]: refused,
      [C.appopsInstall]: refused,
    });
    for (const [op, , check] of OPS) {
      expect(status(snapshot, check)?.status).toBe('not-checked');
      expect(snapshot.appOps[op]).toBeUndefined();
    }
  });
});
