import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingsDoc } from '../src/model/findings.js';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { openZip } from '../src/snapshot/import/zipFolder.js';
import { runCli, tempDir } from './helpers.js';

const testdata = join(import.meta.dirname, '../src/snapshot/import/testdata');
// the simulated phone's training vendor key is only in its training pack, as in the demo scan
const trainingPack = join(import.meta.dirname, '../fixtures/devices/infected-a12/training-pack');

async function analyze(input: string) {
  const out = join(tempDir(), 'bundle');
  const r = await runCli([
    'analyze',
    input,
    '--out',
    out,
    '--json',
    '--format',
    'json',
    '--rules',
    trainingPack,
  ]);
  const doc = r.code === 0 || r.code === 3 ? (JSON.parse(r.stdout) as FindingsDoc) : undefined;
  const read = (f: string) => JSON.parse(readFileSync(join(out, f), 'utf8'));
  return { r, out, doc, read };
}

const reasonsOf = (doc: FindingsDoc | undefined, id: string) =>
  doc?.findings
    .filter((f) => f.subject.id === id)
    .flatMap((f) => f.evidence.reasons.map((x) => `${x.matcher}:${x.value}`)) ?? [];

/** The live scan of the same phone (not rooted), as the caseworker's demo runs it. */
let liveHighs: Promise<string[]> | undefined;
function highsOfLiveScan(): Promise<string[]> {
  liveHighs ??= (async () => {
    const out = join(tempDir(), 'live');
    const r = await runCli([
      'scan',
      '--demo',
      'infected-a12',
      '--out',
      out,
      '--json',
      '--format',
      'json',
      '--rules',
      trainingPack,
    ]);
    expect([0, 3], r.stderr).toContain(r.code);
    return highs(JSON.parse(r.stdout) as FindingsDoc);
  })();
  return liveHighs;
}

const highs = (doc: FindingsDoc | undefined) =>
  (doc?.findings ?? [])
    .filter((f) => f.severity === 'high')
    .map((f) => `${f.rule} ${f.subject.id}`)
    .sort();

const checkOf = (snap: AndroidSnapshot, id: string) => snap.checks.find((c) => c.id === id);

describe.each([
  ['androidqf folder', 'androidqf-infected'],
  ['androidqf ZIP', 'androidqf-infected.zip'],
])('spycheck analyze on an %s of the rooted infected phone', (_label, input) => {
  it('finds what a live scan of the phone finds, and that it was rooted', async () => {
    const { r, out, doc, read } = await analyze(join(testdata, input));
    expect([0, 3], r.stderr).toContain(r.code);
    // every serious finding of the live scan, from the acquisition's files alone
    expect(highs(doc)).toEqual(await highsOfLiveScan());
    expect(reasonsOf(doc, 'com.systemservice').some((x) => x.startsWith('package'))).toBe(true);
    expect(reasonsOf(doc, 'com.device.health.service').join(' ')).toMatch(/accessibility/);
    // root_binaries.json: su and magisk on the PATH
    const root = doc!.findings.filter((f) => f.category === 'root-jailbreak').map((f) => f.rule);
    expect(root).toContain('posture.rooted');
    expect(JSON.stringify(doc!.findings)).toContain('/system/bin/su');

    const snap = read('snapshot.json') as AndroidSnapshot;
    expect(snap.device.serial).toBe('R58R41ABCDE');
    expect(snap.device.androidVersion).toBe('12');
    expect(snap.root).toMatchObject({
      suPaths: ['/system/bin/su', '/system/bin/magisk'],
      bootloaderLocked: false,
      verifiedBootState: 'orange',
    });
    // the planner's APK was not copied: its signer comes from androidqf's packages.json
    const planner = snap.apps.find((a) => a.id === 'com.dailyplanner.notes');
    expect(planner?.certs).toEqual([
      expect.objectContaining({
        sha1: '6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3',
        sha256: '39B389F830F715BB8926DE18F96E2A637ADB38F8644F33CC2B1B5D022E21E216',
        organization: 'Training Spyware Ltd (not a real vendor)',
      }),
    ]);
    expect(planner?.certs?.[0]?.scheme).toBeUndefined();
    expect(reasonsOf(doc, 'com.dailyplanner.notes').join(' ')).toContain(
      '6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3',
    );
    // the APK that was copied is read here, with its signature scheme
    const health = snap.apps.find((a) => a.id === 'com.device.health.service');
    expect(health?.certs?.[0]).toMatchObject({
      sha1: '68D0DEDC4998AF8C3F84B3F0BF324F932921B1DF',
      scheme: 'v3',
    });
    expect(health?.apkSha256).toMatch(/^[0-9A-F]{64}$/);

    // icons, from the package dump's activity table: the helper has no MAIN activity
    expect(health?.launcher).toBe('hidden');
    expect(snap.apps.find((a) => a.id === 'com.systemservice')?.launcher).toBe('unknown');
    expect(checkOf(snap, 'launcher')?.status).toBe('partial');
    expect(checkOf(snap, 'launcher')?.reason).toMatch(/no icon/);

    // the full appops and deviceidle dumps answer what the live scan asks
    expect(snap.appOps).toEqual({
      GET_USAGE_STATS: ['com.systemservice'],
      SYSTEM_ALERT_WINDOW: ['com.systemservice'],
      REQUEST_INSTALL_PACKAGES: ['com.sec.android.app.sbrowser'],
    });
    expect(snap.appOpsLastAccess?.GET_USAGE_STATS?.['com.systemservice']).toBe(
      '2026-11-20T09:58:03.000Z',
    );
    expect(snap.batteryOptimisationExempt).toEqual([
      'com.systemservice',
      'com.device.health.service',
    ]);
    for (const id of ['apps', 'usage-access', 'overlay', 'install-apps', 'battery', 'root']) {
      expect(checkOf(snap, id)?.status, id).toBe('ok');
    }
    expect(JSON.stringify(snap.checks)).not.toMatch(/disconnected/);
    expect(snap.warnings.join('\n')).not.toMatch(/does not read yet/);

    const manifest = read('manifest.json');
    expect(manifest.scan.platform).toBe('android');
    const rawCommands = snap.raw.map((x) => x.command);
    expect(rawCommands.some((c) => /^androidqf:(.*\/)?packages\.json$/.test(c))).toBe(true);
    expect(rawCommands.some((c) => /^androidqf:(.*\/)?dumpsys\.txt$/.test(c))).toBe(true);
    expect(rawCommands.some((c) => /^androidqf:(.*\/)?root_binaries\.json$/.test(c))).toBe(true);
    const v = await runCli(['verify', out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    // police see that the data did not come from the phone through spycheck
    expect(manifest.source?.kind).toBe('androidqf');
    expect(v.stdout).toMatch(/files another tool acquired/);
  });
});

describe('spycheck analyze on a bugreport ZIP of the rooted infected phone', () => {
  it('reads apps, icons, app ops, battery exemptions, settings and root signs from its sections', async () => {
    const { r, out, doc, read } = await analyze(join(testdata, 'bugreport-infected.zip'));
    expect([0, 3], r.stderr).toContain(r.code);
    // the bugreport holds no APK copies, so only the signer rule of the live scan is missing
    const live = (await highsOfLiveScan()).filter((h) => !h.startsWith('training.demo-signer'));
    expect(highs(doc)).toEqual(live);
    expect(highs(doc)).toContain('behaviour.hidden-sideloaded-watcher com.device.health.service');
    expect(reasonsOf(doc, 'com.device.health.service').join(' ')).toMatch(/accessibility/);
    // no search for su in a bugreport, but the unlocked bootloader is in its properties
    const root = doc!.findings.filter((f) => f.category === 'root-jailbreak').map((f) => f.rule);
    expect(root).toContain('posture.bootloader-unlocked');
    // settings come from `dumpsys settings`: Play Protect is off on this phone
    expect(doc!.findings.map((f) => f.rule)).toContain('posture.play-protect-off');

    const snap = read('snapshot.json') as AndroidSnapshot;
    expect(snap.device.serial).toBe('R58R41ABCDE');
    expect(snap.started).toBe('2026-11-20T10:00:00.000Z');
    expect(snap.warnings.join('\n')).not.toMatch(/outside the "package" service/);
    expect(snap.apps.length).toBeGreaterThan(50);
    // the package dump is the app list: it is never called missing
    expect(checkOf(snap, 'apps')?.status).toBe('ok');
    expect(JSON.stringify(snap.checks.filter((c) => c.id === 'apps'))).not.toMatch(/contain/);
    expect(snap.apps.find((a) => a.id === 'com.device.health.service')?.launcher).toBe('hidden');
    expect(snap.appOps.GET_USAGE_STATS).toEqual(['com.systemservice']);
    expect(snap.batteryOptimisationExempt).toContain('com.device.health.service');
    for (const id of [
      'usage-access',
      'overlay',
      'install-apps',
      'battery',
      'settings',
      'accessibility',
      'notification-listeners',
    ]) {
      expect(checkOf(snap, id)?.status, id).toBe('ok');
    }
    expect(snap.notificationListeners.map((l) => l.package)).toContain('com.device.health.service');
    expect(checkOf(snap, 'root')?.status).toBe('partial');
    expect(checkOf(snap, 'root')?.reason).toMatch(/bugreport/);
    expect(snap.root).toMatchObject({ bootloaderLocked: false, suPaths: [] });
    expect(JSON.stringify(snap.checks)).not.toMatch(/disconnected/);
    expect(checkOf(snap, 'apk-hashes')?.status).toBe('not-checked');
    expect(snap.raw.map((x) => x.command)).toEqual([
      'bugreport:bugreport-a12nsxx-SP1A.210812.016-2026-11-20-10-00-00.txt',
    ]);
    const v = await runCli(['verify', out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });
});

describe('spycheck analyze on an old-style bugreport text file', () => {
  it('reads the single text file like the main file of a bugreport ZIP', async () => {
    const zip = openZip(join(testdata, 'bugreport-infected.zip')).files!;
    const main = zip.names.find((n) => n.startsWith('bugreport-'))!;
    const file = join(tempDir(), 'phone-report.txt');
    writeFileSync(file, zip.read(main, 1 << 24)!);
    const { r, doc, read } = await analyze(file);
    expect([0, 3], r.stderr).toContain(r.code);
    expect(doc!.findings.some((f) => f.subject.id === 'com.systemservice')).toBe(true);
    expect(read('snapshot.json').raw[0].command).toBe('bugreport:phone-report.txt');
  });
});

describe('spycheck analyze on input it cannot use', () => {
  it('says an age-encrypted androidqf archive must be decrypted first', async () => {
    const file = join(tempDir(), 'acq.zip.age');
    writeFileSync(file, 'age-encryption.org/v1\n-> X25519 abc\n');
    const r = await runCli(['analyze', file, '--out', join(tempDir(), 'b')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/encrypted \(age\); decrypt it first/);
  });

  it('gives a plain usage message for an unknown file or folder', async () => {
    const dir = tempDir();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'hello');
    for (const input of [file, dir, join(dir, 'missing')]) {
      const r = await runCli(['analyze', input, '--out', join(tempDir(), 'b')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/androidqf folder or ZIP, or an Android bugreport ZIP/);
    }
  });

  it('refuses a damaged ZIP plainly', async () => {
    const file = join(tempDir(), 'broken.zip');
    writeFileSync(file, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]));
    const r = await runCli(['analyze', file, '--out', join(tempDir(), 'b')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ZIP cannot be read/);
  });
});
