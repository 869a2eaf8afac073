/**
 * `spycheck export BUNDLE [--out FILE.zip]`: a verified bundle becomes one zip
 * and its SHA-256 for handing over. What the receiver does is checked too:
 * `sha256sum -c` on the .sha256, unzip, `spycheck verify` on the copy. A bundle
 * that does not verify is refused and nothing is written.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readZipDirectory, readZipEntry } from '../src/parse/apk/zip.js';
import { hasTool } from '../src/util/systemTool.js';
import { runCli, tempDir } from './helpers.js';

const hasUnzip = hasTool('unzip');
const hasSha256sum = hasTool('sha256sum');
if (!hasUnzip) console.warn('unzip is not installed: unzipping the exported zip is skipped');
if (!hasSha256sum)
  console.warn('sha256sum is not installed: the "sha256sum -c" checks are skipped');

// One computer (its own signing key); a second one that knows no key at all.
const config = tempDir('spycheck-export-cfg-');
const env = { SPYCHECK_CONFIG_DIR: config };
const cli = (args: string[]) => runCli(args, env);
const stranger = { SPYCHECK_CONFIG_DIR: tempDir('spycheck-export-other-') };

let original: string;
beforeAll(async () => {
  original = join(tempDir(), 'DV-7-bundle');
  const r = await cli(['scan', '--demo', '--out', original, '--format', 'text,json']);
  expect(r.code, r.stderr).toBe(0);
});

/** A fresh copy of the demo bundle in its own folder (so the default zip goes beside it). */
function copyOfOriginal(name = 'DV-7-bundle'): string {
  const dir = join(tempDir(), name);
  cpSync(original, dir, { recursive: true });
  return dir;
}

const filesIn = (dir: string) => readdirSync(dir).sort();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('spycheck export: a bundle that verifies', () => {
  let bundle: string;
  let zip: string;
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    bundle = copyOfOriginal();
    zip = `${bundle}.zip`;
    run = await cli(['export', bundle]);
  });

  it('writes <bundle>.zip and <bundle>.zip.sha256 beside the bundle, owner-only', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${zip}\n`);
    expect(statSync(zip).mode & 0o777).toBe(0o600);
    expect(statSync(`${zip}.sha256`).mode & 0o777).toBe(0o600);
    const hash = sha256(readFileSync(zip));
    expect(readFileSync(`${zip}.sha256`, 'utf8')).toBe(`${hash}  DV-7-bundle.zip\n`);
    // no temp file left beside them
    expect(filesIn(join(bundle, '..'))).toEqual([
      'DV-7-bundle',
      'DV-7-bundle.zip',
      'DV-7-bundle.zip.sha256',
    ]);
  });

  it('tells the caseworker what it wrote, the SHA-256, and how to hand it over', () => {
    const hash = sha256(readFileSync(zip));
    expect(run.stderr).toMatch(/^Checked the bundle: Unchanged since .* signed by key /);
    expect(run.stderr).toContain(`Wrote ${zip} (`);
    expect(run.stderr).toContain(`and ${zip}.sha256`);
    expect(run.stderr).toContain(`SHA-256 of the zip: ${hash}`);
    expect(run.stderr).toMatch(/as sensitive as the bundle/);
    expect(run.stderr).toMatch(/in person or on an encrypted USB stick/);
    expect(run.stderr).toContain('sha256sum -c DV-7-bundle.zip.sha256');
    expect(run.stderr).toContain('spycheck verify DV-7-bundle');
  });

  it('holds exactly the bundle files under one folder, in a fixed order, byte for byte', () => {
    const buf = readFileSync(zip);
    const dir = readZipDirectory(buf);
    expect(dir.warnings).toEqual([]);
    const entries = dir.parsed?.entries ?? [];
    const names = entries.map((e) => e.name);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    const listed: string[] = manifest.files.map((f: { path: string }) => f.path).sort();
    const fileNames = names.filter((n) => !n.endsWith('/'));
    expect(fileNames).toEqual(
      ['manifest.json', 'manifest.sig', 'SHA256SUMS', ...listed].map((p) => `DV-7-bundle/${p}`),
    );
    expect(names.filter((n) => n.endsWith('/'))).toEqual(['DV-7-bundle/', 'DV-7-bundle/raw/']);
    expect(names[0]).toBe('DV-7-bundle/');
    for (const e of entries.filter((x) => !x.name.endsWith('/'))) {
      const data = readZipEntry(buf, e, { maxBytes: 64 * 1024 * 1024 }).parsed;
      const path = e.name.slice('DV-7-bundle/'.length);
      expect(data?.equals(readFileSync(join(bundle, path))), path).toBe(true);
    }
  });

  it('makes the same zip again from the same bundle', async () => {
    const again = join(tempDir(), 'again.zip');
    const r = await cli(['export', bundle, '--out', again]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(again).equals(readFileSync(zip))).toBe(true);
    expect(readFileSync(`${again}.sha256`, 'utf8')).toMatch(/^[0-9a-f]{64} {2}again\.zip\n$/);
  });

  it.skipIf(!hasSha256sum)('passes "sha256sum -c" on the .sha256 in its folder', () => {
    const out = execFileSync('sha256sum', ['-c', '--strict', 'DV-7-bundle.zip.sha256'], {
      cwd: join(bundle, '..'),
      encoding: 'utf8',
    });
    expect(out).toBe('DV-7-bundle.zip: OK\n');
  });

  it.skipIf(!hasUnzip)('unzips to a bundle that spycheck verify accepts', async () => {
    const where = tempDir('spycheck-unzipped-');
    execFileSync('unzip', ['-q', zip, '-d', where]);
    expect(filesIn(where)).toEqual(['DV-7-bundle']);
    const copy = join(where, 'DV-7-bundle');
    const v = await cli(['verify', copy]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^Unchanged since /);
    if (hasSha256sum) {
      execFileSync('sha256sum', ['-c', '--quiet', '--strict', 'SHA256SUMS'], { cwd: copy });
    }
    // on the officer's computer, which does not know the key: unchanged, key to be compared
    const o = await runCli(['verify', copy], stranger);
    expect(o.stderr).toMatch(/files are unchanged since they were signed/);
  });
});

describe('spycheck export: what it refuses', () => {
  it('exports a bundle signed by a key this computer does not know, and says so', async () => {
    const bundle = copyOfOriginal();
    const r = await runCli(['export', bundle], stranger);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/does not know the key that signed them/);
    expect(r.stderr).toMatch(/normal for a bundle made on another computer/);
    expect(r.stderr).toMatch(/nothing is re-signed/);
    expect(existsSync(`${bundle}.zip`)).toBe(true);
    // the bundle is exported as it was signed: nothing re-signed, nothing added
    const buf = readFileSync(`${bundle}.zip`);
    const entries = readZipDirectory(buf).parsed?.entries ?? [];
    const sig = entries.find((e) => e.name === 'DV-7-bundle/manifest.sig');
    expect(readZipEntry(buf, sig!).parsed?.equals(readFileSync(join(bundle, 'manifest.sig')))).toBe(
      true,
    );
  });

  it('refuses a changed bundle, says which file, and writes nothing (exit 1)', async () => {
    const bundle = copyOfOriginal();
    appendFileSync(join(bundle, 'report.txt'), 'one more line\n');
    const before = filesIn(join(bundle, '..'));
    const r = await cli(['export', bundle]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Cannot export .*does NOT verify/);
    expect(r.stderr).toMatch(/report\.txt has been changed since the bundle was signed/);
    expect(r.stderr).toMatch(/Nothing was written/);
    expect(filesIn(join(bundle, '..'))).toEqual(before);
  });

  it('refuses a bundle with a file missing, or one added', async () => {
    const missing = copyOfOriginal();
    unlinkSync(join(missing, 'findings.json'));
    const m = await cli(['export', missing]);
    expect(m.code).toBe(1);
    expect(m.stderr).toMatch(/findings\.json is missing/);
    expect(existsSync(`${missing}.zip`)).toBe(false);

    const extra = copyOfOriginal();
    writeFileSync(join(extra, 'raw', 'planted.txt'), 'not from the phone');
    const e = await cli(['export', extra]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/raw\/planted\.txt was added after the bundle was made/);
    expect(existsSync(`${extra}.zip`)).toBe(false);
  });

  it('refuses a link inside the bundle and never copies what it points at', async () => {
    const secret = join(tempDir(), 'secret.txt');
    writeFileSync(secret, 'SECRET-OUTSIDE-THE-BUNDLE');
    const bundle = copyOfOriginal();
    symlinkSync(secret, join(bundle, 'raw', 'notes.txt'));
    const r = await cli(['export', bundle]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/raw\/notes\.txt is a link to somewhere else/);
    expect(existsSync(`${bundle}.zip`)).toBe(false);

    // a listed file swapped for a link to a file with the very same bytes elsewhere
    const swapped = copyOfOriginal();
    const moved = join(tempDir(), 'findings.json');
    cpSync(join(swapped, 'findings.json'), moved);
    unlinkSync(join(swapped, 'findings.json'));
    symlinkSync(moved, join(swapped, 'findings.json'));
    const s = await cli(['export', swapped]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/findings\.json has been (changed|replaced)/);
    expect(existsSync(`${swapped}.zip`)).toBe(false);

    // a linked raw/ folder
    const linkedDir = copyOfOriginal();
    const rawElsewhere = join(tempDir(), 'raw');
    cpSync(join(linkedDir, 'raw'), rawElsewhere, { recursive: true });
    execFileSync('rm', ['-r', join(linkedDir, 'raw')]);
    symlinkSync(rawElsewhere, join(linkedDir, 'raw'));
    const l = await cli(['export', linkedDir]);
    expect(l.code).toBe(1);
    expect(existsSync(`${linkedDir}.zip`)).toBe(false);
  });

  it('refuses a manifest naming a file outside the bundle', async () => {
    const bundle = copyOfOriginal();
    const path = join(bundle, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    manifest.files.push({ path: '../outside.txt', sha256: '0'.repeat(64), bytes: 1 });
    writeFileSync(path, JSON.stringify(manifest));
    const r = await cli(['export', bundle]);
    expect(r.code).toBe(1);
    expect(existsSync(`${bundle}.zip`)).toBe(false);
  });

  it('never overwrites an existing zip or .sha256', async () => {
    const bundle = copyOfOriginal();
    writeFileSync(`${bundle}.zip`, 'an earlier export');
    const r = await cli(['export', bundle]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists\. spycheck never overwrites a file/);
    expect(readFileSync(`${bundle}.zip`, 'utf8')).toBe('an earlier export');
    expect(existsSync(`${bundle}.zip.sha256`)).toBe(false);

    const out = join(tempDir(), 'handover.zip');
    writeFileSync(`${out}.sha256`, 'an earlier checksum');
    const s = await cli(['export', bundle, '--out', out]);
    expect(s.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(`${out}.sha256`, 'utf8')).toBe('an earlier checksum');
  });

  it('refuses to write the zip inside the bundle (that would add a file to it)', async () => {
    const bundle = copyOfOriginal();
    const r = await cli(['export', bundle, '--out', join(bundle, 'raw', 'x.zip')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be written inside the bundle folder/);
    expect(existsSync(join(bundle, 'raw', 'x.zip'))).toBe(false);
    const v = await cli(['verify', bundle]);
    expect(v.code).toBe(0);
  });

  it('refuses an output folder that does not exist, and a name sha256sum cannot check', async () => {
    const bundle = copyOfOriginal();
    const r = await cli(['export', bundle, '--out', join(tempDir(), 'no', 'such', 'x.zip')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
    const odd = join(tempDir(), 'a\nb.zip');
    const s = await cli(['export', bundle, '--out', odd]);
    expect(s.code).toBe(2);
    expect(existsSync(odd)).toBe(false);
  });

  it('exports an older bundle without SHA256SUMS as it is (adds nothing)', async () => {
    const bundle = copyOfOriginal();
    unlinkSync(join(bundle, 'SHA256SUMS'));
    const r = await cli(['export', bundle]);
    expect(r.code, r.stderr).toBe(0);
    const entries = readZipDirectory(readFileSync(`${bundle}.zip`)).parsed?.entries ?? [];
    expect(entries.map((e) => e.name)).not.toContain('DV-7-bundle/SHA256SUMS');
  });

  it('refuses a bundle whose SHA256SUMS was changed', async () => {
    const bundle = copyOfOriginal();
    appendFileSync(join(bundle, 'SHA256SUMS'), `${'0'.repeat(64)}  extra\n`);
    const r = await cli(['export', bundle]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SHA256SUMS does not match the signed manifest/);
    expect(existsSync(`${bundle}.zip`)).toBe(false);
  });

  it('refuses a folder that is not a bundle, in plain words', async () => {
    const none = join(tempDir(), 'nothing-here');
    const r = await cli(['export', none]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a spycheck evidence bundle/);
    expect(r.stderr).toMatch(/Nothing was written\. Give the folder of a finished bundle/);
    const empty = tempDir('spycheck-empty-');
    const e = await cli(['export', empty]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/no manifest\.json/);
    expect(existsSync(`${empty}.zip`)).toBe(false);
  });

  it('refuses, before reading them, a manifest that lists more bytes than an export holds', async () => {
    const bundle = copyOfOriginal();
    const path = join(bundle, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    manifest.files[0].bytes = 3 * 1024 * 1024 * 1024;
    writeFileSync(path, JSON.stringify(manifest));
    const r = await cli(['export', bundle]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/more than spycheck puts in one zip/);
    expect(existsSync(`${bundle}.zip`)).toBe(false);
  });

  it('exports a re-check made from a bundle that did not verify, warning first', async () => {
    const doctored = copyOfOriginal();
    appendFileSync(join(doctored, 'report.txt'), 'changed\n');
    const derived = join(tempDir(), 'derived');
    const a = await cli(['analyze', doctored, '--force', '--out', derived, '--format', 'text']);
    expect([0, 3]).toContain(a.code);
    const r = await cli(['export', derived]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Warning: this bundle was made from a bundle that did NOT verify/);
    expect(existsSync(`${derived}.zip`)).toBe(true);
  });

  it('puts an oddly named bundle folder under a plain top folder name', async () => {
    const bundle = copyOfOriginal('.hidden-bundle');
    const out = join(tempDir(), 'odd.zip');
    mkdirSync(join(out, '..'), { recursive: true });
    const r = await cli(['export', bundle, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const names = (readZipDirectory(readFileSync(out)).parsed?.entries ?? []).map((e) => e.name);
    expect(names[0]).toBe('spycheck-bundle/');
  });
});
