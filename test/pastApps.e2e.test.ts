/**
 * "What was on the phone before": known spyware that was installed and removed (battery
 * history) or removed with its data kept is reported at high, with its dates, through the
 * real pipeline (simulated phone → adbkit → collector → snapshot → analyze → report). A phone
 * that refuses the battery history makes that check "not checked", never clean.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../src/analyze/analyze.js';
import { compileRules } from '../src/analyze/compile.js';
import { createAdbClient } from '../src/device/android/adbServer.js';
import { collectAndroid } from '../src/device/android/collector.js';
import { ANDROID_COMMANDS } from '../src/device/android/commands.js';
import { ReadOnlyAndroidPhone } from '../src/device/android/phone.js';
import type { Finding, FindingsDoc } from '../src/model/findings.js';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { buildZip } from '../src/parse/apk/zip-builder.test-util.js';
import { buildReportModel } from '../src/report/model.js';
import { defaultRulesDir, loadRulePacks } from '../src/rules/load.js';
import { DeviceProfile, loadProfileData } from '../src/sim/android/device.js';
import { startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../src/snapshot/android.js';
import { androidSnapshotSchema } from '../src/snapshot/schema.js';
import { runCli, tempDir } from './helpers.js';

const PROFILE = 'spyware-gone-a10';
const byId = (doc: FindingsDoc | undefined, id: string): Finding | undefined =>
  doc?.findings.find((f) => f.subject.id === id);

describe('a phone that is clean today but had spyware before (spycheck scan --demo)', () => {
  it('reports the removed spyware at high with both dates, and the one removed with its data kept', async () => {
    const out = join(tempDir(), 'bundle');
    const r = await runCli(['scan', '--demo', PROFILE, '--out', out, '--format', 'text', '--json']);
    expect([0, 3], r.stderr).toContain(r.code);
    const doc = JSON.parse(r.stdout) as FindingsDoc;

    // only the two apps that were there before are serious: nothing known is installed today
    expect(
      doc.findings
        .filter((f) => f.severity === 'high')
        .map((f) => f.subject.id)
        .sort(),
    ).toEqual(['com.ispyoo', 'com.mspy.lite']);

    const mspy = byId(doc, 'com.mspy.lite')!;
    expect(mspy).toMatchObject({
      rule: 'stalkerware.mspy',
      severity: 'high',
      category: 'stalkerware',
      title: 'Spyware was on this phone before: mSpy',
      subject: { type: 'app', id: 'com.mspy.lite', label: 'mSpy' },
    });
    // installed before a restart and removed after it: each time from its own clock line
    expect(mspy.evidence.history).toMatchObject({
      sources: ['battery-history'],
      installed: { utc: '2024-03-05T19:42:10.000Z', phoneTime: '2024-03-05 19:42:10' },
      removed: { utc: '2024-03-07T08:03:55.000Z', phoneTime: '2024-03-07 08:03:55' },
    });
    expect(mspy.explanation.what).toContain(
      'It was installed on 5 March 2024 at 19:42 (the phone\u2019s own time) and removed on 7 March 2024 at 08:03 (the phone\u2019s own time).',
    );
    expect(mspy.explanation.risk).toMatch(/someone had to hold this phone/);
    expect(mspy.explanation.next_steps).toMatch(/may notice[\s\S]*does not prove it is safe/);

    const kept = byId(doc, 'com.ispyoo')!;
    expect(kept.title).toBe('Spyware was on this phone before: TheTruthSpy');
    expect(kept.evidence.history).toMatchObject({ sources: ['kept-data'] });
    expect(kept.explanation.what).toContain('The phone still keeps its data');

    // an ordinary game removed in the same days is not a finding
    expect(byId(doc, 'com.supercell.clashofclans')).toBeUndefined();

    const snapshot = JSON.parse(
      readFileSync(join(out, 'snapshot.json'), 'utf8'),
    ) as AndroidSnapshot;
    expect(androidSnapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.checks.find((c) => c.id === 'app-history')?.status).toBe('ok');
    expect(snapshot.pastApps?.map((p) => p.id)).toEqual([
      'com.ispyoo',
      'com.mspy.lite',
      'com.supercell.clashofclans',
    ]);
    // the app whose data was kept is not a half-read app: no "could not read who signed it"
    expect(snapshot.checks.find((c) => c.id === 'signing-certs')?.status).not.toBe('not-checked');
    expect(snapshot.raw.some((x) => x.command === ANDROID_COMMANDS.batteryHistory)).toBe(true);

    const report = readFileSync(join(out, 'report.txt'), 'utf8').replace(/\s+/g, ' ');
    expect(report).toContain('known spyware apps that were on the phone before');
    expect(report).toContain('Spyware was on this phone before: mSpy');
    // the police section: UTC and the phone's own clock, and where it was read
    expect(report).toContain('Installed (UTC): 2024-03-05 19:42:10 UTC');
    expect(report).toContain('Removed (UTC): 2024-03-07 08:03:55 UTC');
    expect(report).toContain('Removed (the phone\u2019s own clock): 2024-03-07 08:03:55');
    expect(report).toContain('after "TIME: 2024-03-06-02-30-21"');
  });
});

describe('a phone that refuses the battery history', () => {
  it('marks the check not checked, never clean, and still reports what the app list shows', async () => {
    const data = await loadProfileData(PROFILE);
    data.shell[ANDROID_COMMANDS.batteryHistory] =
      "Permission Denial: can't dump BatteryStats from from pid=7311, uid=2000 without permission android.permission.DUMP\n";
    const profile = new DeviceProfile(data);
    const server = await startFakeAdbServer({ profiles: [profile] });
    let snapshot: AndroidSnapshot;
    try {
      const client = createAdbClient(
        { host: server.host, port: server.port, source: 'test' },
        '/bin/false',
      );
      const c = await collectAndroid(
        new ReadOnlyAndroidPhone(client, profile.serial),
        androidCollectOptions(),
      );
      snapshot = assembleAndroidSnapshot(c, { name: 'spycheck', version: 'test' });
    } finally {
      await server.close();
    }
    const check = snapshot.checks.find((c) => c.id === 'app-history');
    expect(check?.status).toBe('not-checked');
    expect(check?.cause).toBe('refused');

    const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
    expect(errors).toEqual([]);
    const doc = analyzeSnapshot(snapshot, compileRules(packs));
    // mSpy is only in the history that was refused; the kept-data app is still seen
    expect(byId(doc, 'com.mspy.lite')).toBeUndefined();
    expect(byId(doc, 'com.ispyoo')?.severity).toBe('high');
    expect((doc.incomplete || undefined)?.checks).toContain('app-history');
    expect(doc.notEvaluated?.find((n) => n.rule === 'stalkerware.mspy')?.facts).toEqual([
      'past_packages',
    ]);

    const model = buildReportModel({
      snapshot,
      findings: doc,
      meta: {
        generatedAt: snapshot.finished,
        tool: { name: 'spycheck', version: 'test' },
        rules: [],
      },
    });
    expect(model.complete === false || /not complete/.test(model.headline)).toBe(true);
    const item = model.notChecked.find((n) => /removed recently/.test(n.title));
    expect(item?.meaning).toMatch(/spyware that was taken off the phone before this check/);
  });
});

describe('a hostile battery history (hostile-a13)', () => {
  it('reads what it can, never takes an event from inside an app-chosen name, and says the rest was unreadable', async () => {
    const out = join(tempDir(), 'bundle');
    const r = await runCli([
      'scan',
      '--demo',
      'hostile-a13',
      '--out',
      out,
      '--format',
      'json',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(3);
    const doc = JSON.parse(r.stdout) as FindingsDoc;
    // "com.mspy.lite" only appears inside a wake lock name: no finding
    expect(byId(doc, 'com.mspy.lite')).toBeUndefined();
    const snapshot = JSON.parse(
      readFileSync(join(out, 'snapshot.json'), 'utf8'),
    ) as AndroidSnapshot;
    expect(snapshot.pastApps?.map((p) => p.id)).toEqual(['com.old.cleaner']);
    expect(snapshot.pastApps?.[0]?.removed?.utc).toBe('2024-05-10T08:30:00.000Z');
    expect(snapshot.checks.find((c) => c.id === 'app-history')?.status).toBe('partial');
    expect(
      snapshot.warnings.filter((w) => w.startsWith(ANDROID_COMMANDS.batteryHistory)),
    ).toHaveLength(4);
  });
});

describe('a bugreport holding the battery stats', () => {
  it('reads the installs and removals from "DUMP OF SERVICE batterystats"', async () => {
    const dir = join(import.meta.dirname, '../fixtures/devices', PROFILE);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    const sep = '-'.repeat(79);
    const main = [
      '========================================================',
      '== dumpstate: 2024-03-08 11:16:00',
      '========================================================',
      '------ SYSTEM PROPERTIES (getprop) ------',
      read('getprop.txt').trimEnd(),
      '------ DUMPSYS (/system/bin/dumpsys) ------',
      sep,
      'DUMP OF SERVICE batterystats:',
      read('batterystats-history.txt').trimEnd(),
      'Statistics since last charge:',
      '  System starts: 1, currently on battery: true',
      '--------- 0.8s was the duration of dumpsys batterystats, ending at: 2024-03-08 11:16:02',
      sep,
      'DUMP OF SERVICE package:',
      read('dumpsys-package.txt').trimEnd(),
      '--------- 1.1s was the duration of dumpsys package, ending at: 2024-03-08 11:16:03',
      '',
    ].join('\n');
    const name = 'bugreport-ginkgo-QKQ1.200114.002-2024-03-08-11-16-00.txt';
    const zipPath = join(tempDir(), 'bugreport.zip');
    writeFileSync(
      zipPath,
      buildZip([
        { name: 'main_entry.txt', data: Buffer.from(name), deflate: true },
        { name, data: Buffer.from(main), deflate: true },
      ]),
    );
    const out = join(tempDir(), 'bundle');
    const r = await runCli(['analyze', zipPath, '--out', out, '--json', '--format', 'json']);
    expect([0, 3], r.stderr).toContain(r.code);
    const doc = JSON.parse(r.stdout) as FindingsDoc;
    expect(byId(doc, 'com.mspy.lite')?.evidence.history).toMatchObject({
      installed: { utc: '2024-03-05T19:42:10.000Z' },
      removed: { utc: '2024-03-07T08:03:55.000Z' },
    });
    const snapshot = JSON.parse(
      readFileSync(join(out, 'snapshot.json'), 'utf8'),
    ) as AndroidSnapshot;
    expect(snapshot.checks.find((c) => c.id === 'app-history')?.status).toBe('ok');
  });
});
