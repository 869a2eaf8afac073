/**
 * End to end: an iPhone's App Privacy Report (.ndjson, saved on the phone by its owner) through
 * `spycheck analyze`. With `--with BUNDLE` it is added to a scan of the simulated ios-infected
 * iPhone (the bundle verified first, as `analyze BUNDLE` does); alone, the result says plainly
 * that the phone itself was not read.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingsDoc } from '../src/model/findings.js';
import type { IosSnapshot } from '../src/model/snapshot.js';
import { snapshotSchema } from '../src/snapshot/schema.js';
import { packageRoot } from '../src/util/packageRoot.js';
import { runCli } from './helpers.js';

const REPORT = join(
  packageRoot(),
  'src/parse/ios/testdata/app-privacy-report/ios16-infected-report.ndjson',
);
const tmp = mkdtempSync(join(tmpdir(), 'spycheck-privacy-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const readJson = <T>(dir: string, file: string): T =>
  JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;

const scanned = join(tmp, 'scan');
beforeAll(async () => {
  const r = await runCli([
    'scan',
    '--demo',
    'ios-infected',
    '--consent',
    '--out',
    scanned,
    '--format',
    'json',
  ]);
  expect(r.code).toBe(0);
});

describe('spycheck analyze REPORT.ndjson --with BUNDLE', () => {
  const out = join(tmp, 'with');
  let run: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    run = await runCli([
      'analyze',
      REPORT,
      '--with',
      scanned,
      '--out',
      out,
      '--format',
      'text,json',
    ]);
  });

  it('writes a new bundle that verifies, with findings.json', async () => {
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'findings.json'))).toBe(true);
    const v = await runCli(['verify', out]);
    expect(v.code).toBe(0);
    expect(run.stderr).toMatch(/Added the App Privacy Report ios16-infected-report\.ndjson/);
  });

  it("adds recentUse for the phone's apps, keyed by the phone's own ids", () => {
    const snap = snapshotSchema.parse(readJson(out, 'snapshot.json')) as IosSnapshot;
    expect(snap.platform).toBe('ios');
    const agent = snap.recentUse?.['com.apple.icloud.sync.agent'];
    expect(agent?.microphone).toEqual({
      phoneTime: '2026-11-30 00:15:47',
      utc: '2026-11-30T00:15:47.030Z',
      op: 'microphone',
    });
    expect(agent?.location).toMatchObject({ phoneTime: '2026-11-30 08:05:31', ongoing: true });
    expect(snap.recentUse?.['com.apple.SystemHelper']?.microphone).toBeDefined();
    expect(snap.privacyReport).toMatchObject({
      file: 'ios16-infected-report.ndjson',
      accesses: 17,
      apps: 6,
      skippedLines: 0,
      notOnAppList: ['com.example.cleanup.tool'],
    });
    expect(snap.privacyReport?.domains?.['com.apple.icloud.sync.agent']?.[0]?.domain).toBe(
      'upload.sync-agent-cloud.example',
    );
    // the phone's own checks are still the scan's, plus the report's
    expect(snap.checks.find((c) => c.id === 'apps')?.status).toBe('ok');
    expect(snap.checks.find((c) => c.id === 'app-privacy-report')?.status).toBe('ok');
    // an app in the report that is not on the phone is said, not dropped
    expect(snap.recentUse?.['com.example.cleanup.tool']?.photos).toBeDefined();
    expect(run.stderr).toMatch(/not on the phone's app list.*com\.example\.cleanup\.tool/);
    expect(snap.warnings.join('\n')).toMatch(/com\.example\.cleanup\.tool/);
  });

  it('keeps the .ndjson itself in raw/ (this one names no website: byte for byte), with its hash', () => {
    const snap = readJson<IosSnapshot>(out, 'snapshot.json');
    const rec = snap.raw.find((r) => r.id === 'ios.app-privacy-report');
    expect(rec?.command).toMatch(/^App Privacy Report exported from the phone/);
    expect(readFileSync(join(out, 'raw', rec!.file))).toEqual(readFileSync(REPORT));
    const index = readJson<{ files: Array<{ file: string; sha256: string }> }>(
      out,
      'raw/index.json',
    );
    expect(index.files.find((f) => f.file === rec!.file)?.sha256).toBe(snap.privacyReport?.sha256);
    // the scan's own raw outputs were taken over too
    expect(snap.raw.length).toBeGreaterThan(1);
    const manifest = readJson<{ derivedFrom?: { verified?: boolean } }>(out, 'manifest.json');
    expect(manifest.derivedFrom?.verified).toBe(true);
  });

  it('the findings carry when the app last used the microphone; the report text says so', () => {
    const doc = readJson<FindingsDoc>(out, 'findings.json');
    const agent = doc.findings.find((f) => f.subject.id === 'com.apple.icloud.sync.agent');
    expect(agent?.severity).toBe('high');
    expect(agent?.evidence.lastUsed).toMatchObject({ microphone: { op: 'microphone' } });
    expect(readFileSync(join(out, 'report.txt'), 'utf8')).toMatch(/App Privacy Report/);
  });

  it('verifies the bundle first, as analyze BUNDLE does: a changed bundle is refused', async () => {
    const doctored = join(tmp, 'doctored');
    cpSync(scanned, doctored, { recursive: true });
    appendFileSync(join(doctored, 'snapshot.json'), ' ');
    const r = await runCli([
      'analyze',
      REPORT,
      '--with',
      doctored,
      '--out',
      join(tmp, 'laundered'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot re-check/);
    expect(existsSync(join(tmp, 'laundered'))).toBe(false);
  });

  it('re-analysing the new bundle keeps the report and its file', async () => {
    const again = join(tmp, 'again');
    const r = await runCli(['analyze', out, '--out', again, '--format', 'json']);
    expect(r.code).toBe(0);
    const snap = readJson<IosSnapshot>(again, 'snapshot.json');
    expect(snap.recentUse?.['com.apple.icloud.sync.agent']?.microphone).toBeDefined();
    const rec = snap.raw.find((x) => x.id === 'ios.app-privacy-report');
    expect(readFileSync(join(again, 'raw', rec!.file))).toEqual(readFileSync(REPORT));
  });
});

describe('spycheck analyze REPORT.ndjson (alone)', () => {
  it('says the phone itself was not read: incomplete, and every phone check not checked', async () => {
    const out = join(tmp, 'alone');
    const r = await runCli(['analyze', REPORT, '--out', out, '--format', 'text,json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the phone itself was not read/i);
    const snap = snapshotSchema.parse(readJson(out, 'snapshot.json')) as IosSnapshot;
    expect(snap.complete).toBe(false);
    expect(snap.apps).toEqual([]);
    expect(snap.warnings[0]).toMatch(/^The phone itself was not read/);
    const status = Object.fromEntries(snap.checks.map((c) => [c.id, c.status]));
    expect(status).toEqual({
      'device-values': 'not-checked',
      apps: 'not-checked',
      profiles: 'not-checked',
      'home-screen': 'not-checked',
      'app-privacy-report': 'ok',
    });
    for (const c of snap.checks.filter((x) => x.status === 'not-checked')) {
      expect(c.reason).toMatch(/phone itself was not read/);
      expect(c.cause).toBe('not-in-import');
    }
    expect(snap.device.passcodeSet).toBe('unknown');
    expect(snap.recentUse?.['com.apple.icloud.sync.agent']?.microphone).toBeDefined();
    const doc = readJson<FindingsDoc>(out, 'findings.json');
    expect(doc.incomplete).not.toBe(false);
    const text = readFileSync(join(out, 'report.txt'), 'utf8');
    expect(text).toMatch(/not complete/);
    expect(text).toMatch(/phone itself was not read/);
    expect((await runCli(['verify', out])).code).toBe(0);
  });

  it('keeps no browsing history: websites visited inside apps are left out of raw/', async () => {
    // this report names a website opened inside an app (NonAppInitiated) and one with a context
    const withWebsites = join(
      packageRoot(),
      'src/parse/ios/testdata/app-privacy-report/ios16-report.ndjson',
    );
    const original = readFileSync(withWebsites);
    const out = join(tmp, 'websites');
    const r = await runCli(['analyze', withWebsites, '--out', out, '--format', 'json']);
    expect(r.code).toBe(3);
    const snap = readJson<IosSnapshot>(out, 'snapshot.json');
    const rec = snap.raw.find((x) => x.id === 'ios.app-privacy-report');
    const kept = readFileSync(join(out, 'raw', rec!.file), 'utf8');
    expect(kept).not.toMatch(/NonAppInitiated/);
    expect(kept).not.toMatch(/"context":"[^"]/);
    expect(kept.length).toBeLessThan(original.length);
    // every kept line is a line of the file exactly as saved; the saved file's hash is named
    const lines = new Set(original.toString('utf8').split('\n'));
    for (const line of kept.split('\n')) expect(lines.has(line)).toBe(true);
    const sha = createHash('sha256').update(original).digest('hex');
    expect(snap.privacyReport?.sha256).toBe(sha);
    expect(rec?.command).toMatch(new RegExp(`left out.*the file as saved has SHA-256 ${sha}`));
    expect(rec?.sha256).toBe(createHash('sha256').update(kept).digest('hex'));
    expect((await runCli(['verify', out])).code).toBe(0);
  });

  it('refuses a file that is not an App Privacy Report, and --with for other inputs', async () => {
    const bad = join(tmp, 'notes.ndjson');
    writeFileSync(bad, '{"hello":"world"}\nnot json\n');
    const r = await runCli(['analyze', bad, '--out', join(tmp, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds no App Privacy Report records/);
    expect(existsSync(join(tmp, 'bad'))).toBe(false);

    const w = await runCli(['analyze', scanned, '--with', scanned, '--out', join(tmp, 'w')]);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/--with is only for an iPhone's App Privacy Report/);

    const notBundle = await runCli(['analyze', REPORT, '--with', tmp, '--out', join(tmp, 'nb')]);
    expect(notBundle.code).toBe(2);
    expect(notBundle.stderr).toMatch(/is not a spycheck bundle/);
  });

  it('refuses an Android bundle plainly', async () => {
    const android = join(tmp, 'android');
    const s = await runCli([
      'scan',
      '--demo',
      'clean-pixel14',
      '--consent',
      '--out',
      android,
      '--format',
      'json',
    ]);
    expect(s.code).toBe(0);
    const r = await runCli(['analyze', REPORT, '--with', android, '--out', join(tmp, 'mixed')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/from an Android phone/);
    expect(existsSync(join(tmp, 'mixed'))).toBe(false);
  });
});
