import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingsDoc } from '../src/analyze/types.js';
import { openZip } from '../src/snapshot/import/zipFolder.js';
import type { AndroidSnapshot } from '../src/snapshot/types.js';
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

describe.each([
  ['androidqf folder', 'androidqf-infected'],
  ['androidqf ZIP', 'androidqf-infected.zip'],
])('spycheck analyze on an %s', (_label, input) => {
  it('finds the known stalkerware, the renamed app by certificate and the hidden helper', async () => {
    const { r, out, doc, read } = await analyze(join(testdata, input));
    // no launcher list, no app ops, no `which su` in androidqf: incomplete, exit 3
    expect(r.code, r.stderr).toBe(3);
    const high = doc!.findings.filter((f) => f.severity === 'high').map((f) => f.subject.id);
    expect(high).toContain('com.systemservice');
    expect(reasonsOf(doc, 'com.systemservice').some((x) => x.startsWith('package'))).toBe(true);
    // the APKs androidqf copied are read for signing certificates
    expect(reasonsOf(doc, 'com.dailyplanner.notes').join(' ')).toContain(
      '6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3',
    );
    expect(reasonsOf(doc, 'com.device.health.service').join(' ')).toMatch(/accessibility/);

    const snap = read('snapshot.json') as AndroidSnapshot;
    expect(snap.device.serial).toBe('R58R41ABCDE');
    expect(snap.complete).toBe(false);
    const notChecked = snap.checks.filter((c) => c.status === 'not-checked').map((c) => c.id);
    expect(notChecked).toEqual(expect.arrayContaining(['battery', 'overlay', 'usage-access']));
    expect(snap.checks.find((c) => c.id === 'battery')?.reason).toMatch(/androidqf/);
    expect(JSON.stringify(snap.checks)).not.toMatch(/disconnected/);
    // launcher unknown, so no app is called hidden on no evidence
    expect(snap.apps.every((a) => a.launcher === 'unknown')).toBe(true);
    const health = snap.apps.find((a) => a.id === 'com.device.health.service');
    expect(health?.apkSha256).toMatch(/^[0-9A-F]{64}$/);

    const manifest = read('manifest.json');
    expect(manifest.scan.platform).toBe('android');
    expect(manifest.scan.complete).toBe(false);
    const rawCommands = snap.raw.map((x) => x.command);
    expect(rawCommands.some((c) => /^androidqf:(.*\/)?packages\.json$/.test(c))).toBe(true);
    expect(rawCommands.some((c) => /^androidqf:(.*\/)?dumpsys\.txt$/.test(c))).toBe(true);
    const v = await runCli(['verify', out]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    // police see that the data did not come from the phone through spycheck
    expect(manifest.source?.kind).toBe('androidqf');
    expect(v.stdout).toMatch(/files another tool acquired/);
  });
});

describe('spycheck analyze on a bugreport ZIP', () => {
  it('finds the known stalkerware from the package dump and marks missing checks', async () => {
    const { r, out, doc, read } = await analyze(join(testdata, 'bugreport-infected.zip'));
    expect(r.code, r.stderr).toBe(3);
    const high = doc!.findings.filter((f) => f.severity === 'high').map((f) => f.subject.id);
    expect(high).toContain('com.systemservice');
    // accessibility comes from the accessibility service dump alone
    expect(reasonsOf(doc, 'com.device.health.service').join(' ')).toMatch(/accessibility/);

    const snap = read('snapshot.json') as AndroidSnapshot;
    expect(snap.device.serial).toBe('R58R41ABCDE');
    expect(snap.started).toBe('2026-11-20T10:00:00.000Z');
    expect(snap.warnings.join('\n')).not.toMatch(/outside the "package" service/);
    expect(snap.apps.length).toBeGreaterThan(50);
    const notChecked = snap.checks.filter((c) => c.status === 'not-checked').map((c) => c.id);
    expect(notChecked).toEqual(expect.arrayContaining(['battery', 'overlay']));
    expect(snap.checks.find((c) => c.id === 'overlay')?.reason).toMatch(/bugreport/);
    expect(JSON.stringify(snap.checks)).not.toMatch(/disconnected/);
    expect(snap.checks.find((c) => c.id === 'apk-hashes')?.status).toBe('not-checked');
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
    expect(r.code, r.stderr).toBe(3);
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
