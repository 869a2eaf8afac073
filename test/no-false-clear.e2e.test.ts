/**
 * Issue 8: what spycheck says is never more reassuring than what it saw.
 * Simulated phones that refuse questions or lie about where an app came
 * from, and apps dressed up to be overlooked, checked against the shipped
 * rule packs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../src/analyze/analyze.js';
import { type CompiledRules, compileRules } from '../src/analyze/compile.js';
import { snapshotFromCase } from '../src/analyze/ruleTester.js';
import type { FindingsDoc } from '../src/model/findings.js';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { buildReportModel, originText } from '../src/report/model.js';
import { sampleFindings, sampleSnapshot } from '../src/report/testdata/sample.js';
import { defaultRulesDir, loadRulePacks } from '../src/rules/load.js';
import type { RuleTestCase } from '../src/rules/schema.js';
import { DeviceProfile, loadProfileData } from '../src/sim/android/device.js';
import { type FakeAdbServer, startFakeAdbServer } from '../src/sim/android/fakeAdbServer.js';
import { runCli, tempDir } from './helpers.js';

const trainingPack = join(import.meta.dirname, '../fixtures/devices/infected-a12/training-pack');

let server: FakeAdbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Scan the infected phone with some of its answers changed, as a real phone of another make might give them. */
async function scanInfected(change: (shell: Record<string, string | Buffer>) => void) {
  const data = await loadProfileData('infected-a12');
  const shell = { ...data.shell };
  change(shell);
  server = await startFakeAdbServer({ profiles: [new DeviceProfile({ ...data, shell })] });
  const out = join(tempDir(), 'bundle');
  const r = await runCli(
    ['scan', '--consent', '--out', out, '--format', 'text,html,json', '--rules', trainingPack],
    { ANDROID_ADB_SERVER_PORT: String(server.port), SPYCHECK_ADB_BIN: '/bin/false' },
  );
  const read = (f: string) => readFileSync(join(out, f), 'utf8');
  return {
    r,
    out,
    read,
    findings: JSON.parse(read('findings.json')) as FindingsDoc,
    snapshot: JSON.parse(read('snapshot.json')) as AndroidSnapshot,
  };
}

const text = (v: string | Buffer | undefined) => (v === undefined ? '' : v.toString());

describe('a phone that refuses the device-policy and launcher questions', () => {
  it('exits 3 and says first, everywhere, that the result is incomplete; highs still reported', async () => {
    const { r, read, findings, snapshot } = await scanInfected((shell) => {
      shell['dumpsys device_policy'] =
        "Permission Denial: can't dump DevicePolicyManagerService from from pid=31234, uid=2000 due to missing android.permission.DUMP permission\n";
      shell[
        'cmd package query-activities --brief -a android.intent.action.MAIN -c android.intent.category.LAUNCHER'
      ] =
        "Exception occurred while executing 'query-activities':\njava.lang.SecurityException: Permission Denial: query-activities from uid=2000 requires android.permission.QUERY_ALL_PACKAGES\n";
    });
    expect(r.code, r.stderr).toBe(3);

    // the terminal's first line, before any finding
    const first = r.stdout.trim().split('\n')[0]!;
    expect(first).toMatch(/^This check is not complete, so it must not be read as clear\./);
    expect(first).toMatch(/known spyware/);
    expect(r.stdout).toMatch(/What to do: Unlock the phone/);

    // the known stalkerware is still reported
    const highs = findings.findings.filter((f) => f.severity === 'high');
    expect(highs.map((f) => f.subject.id)).toContain('com.systemservice');
    expect((findings.incomplete || undefined)?.checks).toEqual(
      expect.arrayContaining(['device-admins', 'launcher']),
    );

    // every report format: the headline says it before any finding
    const report = read('report.txt').replace(/\s+/g, ' ');
    const notComplete = report.indexOf('This check is not complete');
    expect(notComplete).toBeGreaterThan(-1);
    expect(notComplete).toBeLessThan(report.indexOf('What we found'));
    const html = read('report.html');
    expect(html).toMatch(/class="headline[^"]*">This check is not complete/);

    // the refusal is a refusal, in plain words, with the phone's words kept for police
    const admins = snapshot.checks.find((c) => c.id === 'device-admins')!;
    expect(admins.cause).toBe('refused');
    expect(report).toMatch(/the phone refused to answer this question/);
    expect(report).not.toMatch(/does not support/);
    const evidence = report.slice(report.indexOf('Evidence (for police)'));
    expect(evidence).toMatch(/Permission Denial: can't dump DevicePolicyManagerService/);
    const whatWeCouldNot = report.slice(
      report.indexOf('What we could not check'),
      report.indexOf('Things this check cannot see'),
    );
    expect(whatWeCouldNot).not.toMatch(/Permission Denial/);
    expect(whatWeCouldNot).toMatch(/What to do:/);

    const manifest = JSON.parse(read('manifest.json'));
    expect(manifest.scan.complete).toBe(false);
  });
});

describe('a phone that refuses getprop', () => {
  it('says the basic facts were not read, and rules about them are not judged (never "no")', async () => {
    const { findings, snapshot } = await scanInfected((shell) => {
      shell.getprop = 'Permission denied\n';
    });
    const props = snapshot.checks.find((c) => c.id === 'props');
    expect(props?.status).toBe('not-checked');
    expect(props?.cause).toBe('refused');
    const notJudged = (findings.notEvaluated ?? []).filter((n) => n.facts.includes('props'));
    expect(notJudged.length).toBeGreaterThan(0);
  });
});

describe('a phone with a check that no serious rule needs', () => {
  it('stays complete (exit 0) but still lists what could not be checked', async () => {
    const out = join(tempDir(), 'old');
    const r = await runCli(['scan', '--demo', 'old-a10', '--out', out, '--format', 'text,json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')[0]).not.toMatch(/not complete/);
    const report = readFileSync(join(out, 'report.txt'), 'utf8');
    expect(report).toMatch(/Computers trusted for USB debugging/);
  });
});

describe('an app whose installer claims Google Play but came from a computer', () => {
  it('is judged as not from a store (at least medium), and the report says it came from a computer', async () => {
    const { r, read, findings, snapshot } = await scanInfected((shell) => {
      const swap = (s: string) =>
        s.replace(
          /(Package \[com\.device\.health\.service\][\s\S]*?)installerPackageName=\S+\n\s*initiatingPackageName=\S+\n\s*originatingPackageName=\S+/,
          '$1installerPackageName=com.android.vending\n    initiatingPackageName=com.android.shell\n    originatingPackageName=null',
        );
      for (const k of ['dumpsys package packages', 'dumpsys package']) {
        shell[k] = swap(text(shell[k]));
      }
      for (const k of Object.keys(shell).filter((c) => c.startsWith('pm list packages'))) {
        shell[k] = text(shell[k]).replace(
          /(com\.device\.health\.service\s+installer=)\S+/,
          '$1com.android.vending',
        );
      }
    });
    expect([0, 3]).toContain(r.code);
    const app = snapshot.apps.find((a) => a.id === 'com.device.health.service')!;
    expect(app.installer).toBe('com.android.vending');
    expect(app.installInitiator).toBe('com.android.shell');
    expect(app.installerClass).toBe('sideloaded');
    expect(app.installedFromComputer).toBe(true);
    expect(app.falseStoreClaim).toBe('com.android.vending');

    const finding = findings.findings.find((f) => f.subject.id === 'com.device.health.service');
    expect(['high', 'medium']).toContain(finding?.severity);
    expect(finding?.evidence.reasons.map((x) => x.rule)).toContain('behaviour.fake-store-claim');
    const report = read('report.txt').replace(/\s+/g, ' ');
    expect(report).toMatch(/It says it came from Google Play, but Android.s own record shows it/);
    expect(report).toMatch(/from a computer, over a USB cable/);
  });
});

describe('apps judged by what they are and do (shipped packs)', () => {
  let rules: CompiledRules;
  beforeAll(async () => {
    const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
    expect(errors).toEqual([]);
    rules = compileRules(packs);
  });
  const worst = (app: NonNullable<RuleTestCase['app']>) => {
    const doc = analyzeSnapshot(snapshotFromCase({ app }), rules);
    const order = ['info', 'low', 'medium', 'high'];
    return doc.findings
      .filter((f) => f.subject.type === 'app')
      .reduce((w, f) => (order.indexOf(f.severity) > order.indexOf(w) ? f.severity : w), 'none');
  };

  it('a sideloaded app named like part of Android is at least medium, high with special access', () => {
    expect(worst({ id: 'com.android.system.update', installer: 'sideloaded' })).toBe('medium');
    expect(
      worst({ id: 'com.google.android.sync.core', installer: 'sideloaded', device_admin: true }),
    ).toBe('high');
    // the same name as part of the system image is not a disguise
    expect(
      worst({ id: 'com.android.system.update', installer: 'preinstalled', system: true }),
    ).toBe('none');
  });

  it('a hidden app with special access and a sensitive permission is at least medium, even from a store', () => {
    expect(
      worst({
        id: 'com.example.familyhelper',
        installer: 'store',
        launcher: 'hidden',
        notification_listener: true,
        permissions: ['android.permission.ACCESS_FINE_LOCATION'],
      }),
    ).toBe('medium');
  });

  it('a hidden sideloaded watch plugin with only notification access is medium, not high', () => {
    expect(
      worst({
        id: 'com.example.watchface.notify',
        installer: 'sideloaded',
        launcher: 'hidden',
        notification_listener: true,
        permissions: ['android.permission.BLUETOOTH_CONNECT'],
      }),
    ).toBe('medium');
  });

  it('KDE Connect from F-Droid is at most medium', () => {
    const sev = worst({
      id: 'org.kde.kdeconnect_tp',
      label: 'KDE Connect',
      installer: 'other-store',
      launcher: 'visible',
      notification_listener: true,
      permissions: [
        'android.permission.READ_SMS',
        'android.permission.READ_CONTACTS',
        'android.permission.READ_PHONE_STATE',
        'android.permission.READ_CALL_LOG',
      ],
    });
    expect(['none', 'info', 'low', 'medium']).toContain(sev);
  });
});

describe('gaps that older files or partial checks must not hide (review findings)', () => {
  let rules: CompiledRules;
  beforeAll(async () => {
    const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
    expect(errors).toEqual([]);
    rules = compileRules(packs);
  });

  it('a findings.json from before "incomplete" existed is read carefully by report', () => {
    const snapshot = sampleSnapshot();
    snapshot.checks = [
      ...snapshot.checks,
      { id: 'app-details', title: 'App details', status: 'not-checked', reason: 'refused' },
    ];
    const old = { ...sampleFindings() } as FindingsDoc;
    delete old.incomplete;
    const meta = {
      generatedAt: '2026-01-01T00:00:00Z',
      tool: { name: 's', version: '0' },
      rules: [],
    };
    expect(buildReportModel({ snapshot, findings: old, meta }).headline).toMatch(
      /^This check is not complete/,
    );
    // a new findings.json that says it is complete is believed
    const judged = { ...old, incomplete: false as const };
    expect(buildReportModel({ snapshot, findings: judged, meta }).headline).not.toMatch(
      /not complete/,
    );
  });

  it('a snapshot from before the app-history check leaves the past unjudged, and says so', () => {
    const snap = snapshotFromCase({ app: { id: 'com.example.ordinary', installer: 'store' } });
    const withHistory = analyzeSnapshot({ ...snap, pastApps: [] }, rules);
    expect(withHistory.incomplete).toBe(false);
    const older = { ...snap };
    delete older.pastApps;
    const doc = analyzeSnapshot(older, rules);
    expect((doc.incomplete || undefined)?.checks).toContain('app-history');
  });

  it('a family app on the stalkerware list stays high when its details were only partly read', () => {
    const base = snapshotFromCase({
      app: { id: 'org.findmykids.child', installer: 'store', launcher: 'visible' },
    });
    const sev = (s: AndroidSnapshot) =>
      analyzeSnapshot(s, rules).findings.find((f) => f.subject.id === 'org.findmykids.child')
        ?.severity;
    expect(sev({ ...base, pastApps: [] })).toBe('medium');
    const partial: AndroidSnapshot = {
      ...base,
      pastApps: [],
      checks: [
        ...base.checks.filter((c) => c.id !== 'accessibility'),
        { id: 'accessibility', title: 'a', status: 'partial', reason: 'garbled' },
      ],
    };
    expect(sev(partial)).toBe('high');
  });

  it('"installed from Google Play" only when Android\u2019s record confirms it', () => {
    const app = snapshotFromCase({ app: { id: 'com.example.x', installer: 'store' } }).apps[0]!;
    expect(originText({ ...app, installer: 'com.android.vending' })).toMatch(/^Its details say/);
    expect(
      originText({
        ...app,
        installer: 'com.android.vending',
        installInitiator: 'com.android.vending',
      }),
    ).toBe('It was installed from Google Play.');
  });
});
