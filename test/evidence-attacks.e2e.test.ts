/**
 * Hostile bundles and key material (docs/threat-model.md). Each test plays a
 * party who hands a caseworker or an officer something crafted, and checks
 * that nothing outside the input reaches evidence and nothing unverified is
 * re-signed or reads as trustworthy.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AndroidSnapshot } from '../src/model/snapshot.js';
import { runCli, tempDir } from './helpers.js';

// One computer: its own config folder (signing key), so the tests can point links at it.
const config = tempDir('spycheck-attacked-cfg-');
const env = { SPYCHECK_CONFIG_DIR: config };
const cli = (args: string[]) => runCli(args, env);
const testdata = join(import.meta.dirname, '../src/snapshot/import/testdata');

let original: string;
beforeAll(async () => {
  original = join(tempDir(), 'original');
  const r = await cli(['scan', '--demo', '--out', original, '--format', 'text,html,json']);
  expect(r.code, r.stderr).toBe(0);
  expect(existsSync(join(config, 'signing-key.pem'))).toBe(true);
});

/** A fresh copy of the demo bundle to doctor. */
function copyOfOriginal(): string {
  const dir = join(tempDir(), 'doctored');
  cpSync(original, dir, { recursive: true });
  return dir;
}

function everyFileIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Runs a promise but fails the test (instead of hanging it) if it takes too long. */
async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a bundle with a linked folder inside raw/ (signing-key exfiltration)', () => {
  it('never copies the private key or any outside file into a new signed bundle', async () => {
    const dir = copyOfOriginal();
    symlinkSync(config, join(dir, 'raw', 'cfg'));
    symlinkSync('/etc', join(dir, 'raw', 'etc'));
    const snapPath = join(dir, 'snapshot.json');
    const snap = JSON.parse(readFileSync(snapPath, 'utf8')) as AndroidSnapshot;
    snap.raw[0]!.file = 'cfg/signing-key.pem';
    snap.raw[1]!.file = 'etc/passwd';
    writeFileSync(snapPath, JSON.stringify(snap));
    // the attacker also lists the outside file, with its true hash, in the manifest
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const passwd = readFileSync('/etc/passwd');
    manifest.files.push({
      path: 'raw/etc/passwd',
      sha256: createHash('sha256').update(passwd).digest('hex'),
      bytes: passwd.length,
    });
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));

    const verify = await cli(['verify', dir, '--json']);
    expect(verify.code).toBe(1);
    const problems = JSON.parse(verify.stdout).problems as { file: string; message: string }[];
    expect(problems.find((p) => p.file === 'raw/cfg')?.message).toMatch(/link/);

    const out = join(tempDir(), 'new');
    const refused = await cli(['analyze', dir, '--out', out, '--format', 'json']);
    expect(refused.code).toBe(1);
    expect(existsSync(out)).toBe(false);

    const forced = await cli(['analyze', dir, '--out', out, '--format', 'json', '--force']);
    expect([0, 3]).toContain(forced.code);
    const key = readFileSync(join(config, 'signing-key.pem'), 'utf8');
    const keyBody = key.split('\n')[1]!;
    for (const file of everyFileIn(out)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toContain(keyBody);
      expect(text, file).not.toContain(passwd.toString('utf8').split('\n')[0]);
    }
    expect(forced.stderr).toMatch(/cfg\/signing-key\.pem.*not taken over/);
    expect(forced.stderr).toMatch(/etc\/passwd.*not taken over[^\n]*link/);
  });

  it('refuses a bundle whose raw/ folder itself is a link', async () => {
    const dir = copyOfOriginal();
    const elsewhere = join(tempDir(), 'raw-elsewhere');
    renameSync(join(dir, 'raw'), elsewhere);
    symlinkSync(elsewhere, join(dir, 'raw'));
    const verify = await cli(['verify', dir]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/raw is a link/);
    const out = join(tempDir(), 'new');
    const forced = await cli(['analyze', dir, '--out', out, '--format', 'json', '--force']);
    expect(forced.stderr).toMatch(/not taken over: raw is a link/);
    const index = JSON.parse(readFileSync(join(out, 'raw', 'index.json'), 'utf8'));
    expect(index.files).toEqual([]);
  });
});

describe('a doctored bundle handed in for re-analysis (laundering)', () => {
  let doctored: string;
  let laundered: string;
  beforeAll(async () => {
    doctored = copyOfOriginal();
    const snapPath = join(doctored, 'snapshot.json');
    const snap = JSON.parse(readFileSync(snapPath, 'utf8')) as AndroidSnapshot;
    // the spyware is edited out of the app list
    snap.apps = snap.apps.filter((a) => !/spy|track|monitor|systemservice/i.test(a.id));
    writeFileSync(snapPath, JSON.stringify(snap));
    laundered = join(tempDir(), 'laundered');
  });

  it('refuses to sign a new bundle unless --force, and writes nothing', async () => {
    const r = await cli(['analyze', doctored, '--out', laundered]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does NOT verify/);
    expect(r.stderr).toMatch(/snapshot\.json has been changed/);
    expect(r.stderr).toMatch(/--force/);
    expect(existsSync(laundered)).toBe(false);
  });

  it('with --force, says so first in the terminal, every report and verify', async () => {
    const r = await cli(['analyze', doctored, '--out', laundered, '--force']);
    expect([0, 3]).toContain(r.code);
    const summaryStart = r.stdout.trim().split('\n').slice(0, 2).join('\n');
    expect(summaryStart).toMatch(/did NOT verify/);

    const text = readFileSync(join(laundered, 'report.txt'), 'utf8').split('\n');
    const firstLines = text.slice(0, 6).join(' ');
    expect(firstLines).toMatch(/did NOT verify/);
    expect(text.findIndex((l) => /did NOT verify/.test(l))).toBeLessThan(
      text.findIndex((l) => /We (did not find|found)/.test(l)),
    );
    const html = readFileSync(join(laundered, 'report.html'), 'utf8');
    expect(html.indexOf('did NOT verify')).toBeGreaterThan(0);
    expect(html.indexOf('did NOT verify')).toBeLessThan(html.indexOf('class="headline'));
    if (existsSync('/usr/bin/pdftotext')) {
      const pdf = execFileSync('pdftotext', ['-l', '1', join(laundered, 'report.pdf'), '-'], {
        encoding: 'utf8',
      });
      expect(pdf.indexOf('did NOT')).toBeGreaterThan(-1);
      expect(pdf.indexOf('did NOT')).toBeLessThan(pdf.search(/We (did not find|found)/));
    } else {
      console.warn('PDF check skipped: pdftotext (poppler-utils) is not installed');
    }

    const verifyText = await cli(['verify', laundered]);
    expect(verifyText.code).toBe(1);
    expect(verifyText.stderr.split('\n')[0]).toMatch(/made from a bundle that did NOT verify/);
    const verifyJson = await cli(['verify', laundered, '--json']);
    const doc = JSON.parse(verifyJson.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.derivedFrom.verified).toBe(false);
    expect(doc.problems.map((p: { kind: string }) => p.kind)).toEqual(['provenance']);
  });

  it('cannot be laundered by a second re-analysis either', async () => {
    const again = join(tempDir(), 'again');
    const r = await cli(['analyze', laundered, '--out', again]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did NOT verify/);
    expect(existsSync(again)).toBe(false);
    const forced = await cli(['analyze', laundered, '--out', again, '--force']);
    expect([0, 3]).toContain(forced.code);
    const doc = JSON.parse((await cli(['verify', again, '--json'])).stdout);
    expect(doc.ok).toBe(false);
    // the whole chain is kept: the first link still says it did not verify
    expect(doc.derivedFrom.bundle).toBe(basename(laundered));
    expect(doc.derivedFrom.derivedFrom.bundle).toBe(basename(doctored));
    expect(doc.derivedFrom.derivedFrom.verified).toBe(false);
  });
});

describe('re-analysing an imported bundle keeps where the data came from', () => {
  it('carries source and the derivedFrom chain forward through two re-analyses', async () => {
    const imported = join(tempDir(), 'imported');
    const first = await cli([
      'analyze',
      join(testdata, 'androidqf-infected.zip'),
      '--out',
      imported,
      '--format',
      'json',
    ]);
    expect(first.code, first.stderr).toBe(3);
    const source = JSON.parse(readFileSync(join(imported, 'manifest.json'), 'utf8')).source;
    expect(source.kind).toBe('androidqf');

    const second = join(tempDir(), 'second');
    expect((await cli(['analyze', imported, '--out', second, '--format', 'json'])).code).toBe(3);
    const third = join(tempDir(), 'third');
    expect((await cli(['analyze', second, '--out', third, '--format', 'json'])).code).toBe(3);

    const m = JSON.parse(readFileSync(join(third, 'manifest.json'), 'utf8'));
    expect(m.source).toEqual(source);
    expect(m.derivedFrom.bundle).toBe('second');
    expect(m.derivedFrom.verified).toBe(true);
    expect(m.derivedFrom.source).toEqual(source);
    expect(m.derivedFrom.derivedFrom.bundle).toBe('imported');
    expect(m.derivedFrom.derivedFrom.source).toEqual(source);

    const verify = await cli(['verify', third]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/made from files another tool acquired \(androidqf/);
    const json = JSON.parse((await cli(['verify', third, '--json'])).stdout);
    expect(json.source.kind).toBe('androidqf');
    expect(json.derivedFrom.derivedFrom.bundle).toBe('imported');
  });
});

describe('verify on a bundle with things that are not plain files', () => {
  it('does not hang on a FIFO named manifest.json', async () => {
    const dir = copyOfOriginal();
    rmSync(join(dir, 'manifest.json'));
    execFileSync('mkfifo', [join(dir, 'manifest.json')]);
    const r = await within(10_000, cli(['verify', dir, '--json']));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems[0].message).toMatch(/not a plain file/);
  });

  it('does not read /dev/zero through a linked manifest.json or manifest.sig', async () => {
    const dir = copyOfOriginal();
    rmSync(join(dir, 'manifest.json'));
    symlinkSync('/dev/zero', join(dir, 'manifest.json'));
    const r = await within(10_000, cli(['verify', dir, '--json']));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems[0].message).toMatch(/link/);

    const sig = copyOfOriginal();
    rmSync(join(sig, 'manifest.sig'));
    symlinkSync('/dev/zero', join(sig, 'manifest.sig'));
    const s = await within(10_000, cli(['verify', sig, '--json']));
    expect(s.code).toBe(1);
    expect(JSON.parse(s.stdout).problems.map((p: { file: string }) => p.file)).toContain(
      'manifest.sig',
    );
  });

  it('refuses a manifest.json that is a link to a genuine manifest elsewhere', async () => {
    const dir = copyOfOriginal();
    const moved = join(tempDir(), 'manifest.json');
    renameSync(join(dir, 'manifest.json'), moved);
    symlinkSync(moved, join(dir, 'manifest.json'));
    const r = await cli(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/manifest\.json could not be read: manifest\.json is a link/);
  });

  it('refuses a manifest too large to be one of ours without reading it all', async () => {
    const dir = copyOfOriginal();
    writeFileSync(join(dir, 'manifest.json'), Buffer.alloc(17 * 1024 * 1024, 0x20));
    const r = await cli(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/larger than/);
  });

  it('report does not hang on a FIFO or read a linked findings.json', async () => {
    const dir = copyOfOriginal();
    rmSync(join(dir, 'findings.json'));
    execFileSync('mkfifo', [join(dir, 'findings.json')]);
    const r = await within(10_000, cli(['report', dir, '--out', join(tempDir(), 'rep')]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a plain file/);

    const other = copyOfOriginal();
    rmSync(join(other, 'snapshot.json'));
    symlinkSync(join(original, 'snapshot.json'), join(other, 'snapshot.json'));
    const linked = await cli(['report', other, '--out', join(tempDir(), 'rep2')]);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toMatch(/link/);
  });

  it('refuses a manifest that lists one file many times (no endless hashing)', async () => {
    const dir = copyOfOriginal();
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const first = manifest.files[0];
    manifest.files.push(first, first, first);
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const r = await cli(['verify', dir, '--json']);
    expect(r.code).toBe(1);
    const messages = JSON.parse(r.stdout).problems.map((p: { message: string }) => p.message);
    expect(messages.join('\n')).toMatch(/more than once/);
  });

  it('reports folders added after signing, even empty ones', async () => {
    const dir = copyOfOriginal();
    mkdirSync(join(dir, 'extra', 'deeper'), { recursive: true });
    mkdirSync(join(dir, 'raw', 'added'));
    const r = await cli(['verify', dir, '--json']);
    expect(r.code).toBe(1);
    const files = JSON.parse(r.stdout).problems.map((p: { file: string }) => p.file);
    expect(files).toEqual(expect.arrayContaining(['extra', 'extra/deeper', 'raw/added']));
  });

  it('shows hidden characters in the names of added or changed files', async () => {
    const dir = copyOfOriginal();
    const disguised = 'x\u202egpj.html';
    writeFileSync(join(dir, disguised), '<p>added</p>');
    const r = await cli(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('x<U+202E>gpj.html');
    expect(r.stderr).not.toContain('xgpj.html');
    expect(r.stderr).not.toContain('\u202e');
    const json = JSON.parse((await cli(['verify', dir, '--json'])).stdout);
    expect(json.problems[0].file).toBe('x<U+202E>gpj.html');
  });
});
