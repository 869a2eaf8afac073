/**
 * SHA256SUMS: every new bundle carries the SHA-256 of each file in the format
 * of `sha256sum`, so police can check it without spycheck; verify holds it to
 * exactly what the signed manifest says, and older bundles without it still verify.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../util/systemTool.js';
import { MANIFEST_FILE, SIGNATURE_FILE, SUMS_FILE, writeBundle } from './bundle.js';
import { generateSigningKey, type SigningKey } from './keys.js';
import { sampleFindings, sampleRaw, sampleSnapshot } from './testdata/sample.js';
import { verifyBundle } from './verify.js';

const hasSha256sum = hasTool('sha256sum');
if (!hasSha256sum)
  console.warn('sha256sum is not installed: the "sha256sum -c" checks are skipped');

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-sums-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let key: SigningKey;
const trusted = () => ({ trustedFingerprints: [key.fingerprint] });
let n = 0;
beforeAll(() => {
  key = generateSigningKey();
});

async function makeBundle() {
  return writeBundle({
    dir: join(tmp, `b${++n}`),
    snapshot: sampleSnapshot(),
    findings: sampleFindings(),
    raw: sampleRaw(),
    case: { ref: 'DV-1', consent: true },
    rules: [],
    formats: ['text', 'html', 'json'],
    tool: { name: 'spycheck', version: '0.1.0' },
    key,
    now: () => new Date('2025-03-04T14:07:00Z'),
  });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('SHA256SUMS in a new bundle', () => {
  it('lists every file the manifest lists, plus manifest.json and manifest.sig, in sha256sum format', async () => {
    const { dir, manifest } = await makeBundle();
    const text = readFileSync(join(dir, SUMS_FILE), 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe(''); // ends with a line break
    const paths = lines.map((l) => l.slice(66));
    for (const l of lines) expect(l).toMatch(/^[0-9a-f]{64} {2}\S/);
    expect(paths).toEqual(
      [...manifest.files.map((f) => f.path), MANIFEST_FILE, SIGNATURE_FILE].sort(),
    );
    for (const l of lines) {
      const path = l.slice(66);
      expect(l.slice(0, 64), path).toBe(sha256(readFileSync(join(dir, path))));
    }
    // not in the manifest (it holds the manifest's own hash), owner-only like every bundle file
    expect(paths).not.toContain(SUMS_FILE);
    expect(statSync(join(dir, SUMS_FILE)).mode & 0o777).toBe(0o600);
    expect((await verifyBundle(dir, trusted())).problems).toEqual([]);
  });

  it.skipIf(!hasSha256sum)('passes "sha256sum -c SHA256SUMS" in the bundle folder', async () => {
    const { dir } = await makeBundle();
    const out = execFileSync('sha256sum', ['-c', '--strict', SUMS_FILE], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(out).toMatch(/manifest\.json: OK/);
    expect(out).toMatch(/raw\/01-getprop\.txt: OK/);
    expect(out).not.toMatch(/FAILED/);
  });
});

describe('verify and SHA256SUMS', () => {
  it('fails a changed SHA256SUMS, naming the line that differs', async () => {
    const { dir } = await makeBundle();
    const path = join(dir, SUMS_FILE);
    const text = readFileSync(path, 'utf8');
    const line = text.split('\n').find((l) => l.endsWith('  findings.json'))!;
    writeFileSync(path, text.replace(line, `${'0'.repeat(64)}  findings.json`));
    const r = await verifyBundle(dir, trusted());
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.objectContaining({
        file: SUMS_FILE,
        kind: 'changed',
        message: expect.stringContaining('SHA256SUMS does not match the signed manifest'),
      }),
    ]);
    expect(r.problems[0]?.message).toContain('findings.json');
    expect(r.summary).toMatch(/does NOT verify: 1 problem \(SHA256SUMS\)/);
  });

  it('fails a SHA256SUMS with a line added', async () => {
    const { dir } = await makeBundle();
    appendFileSync(join(dir, SUMS_FILE), `${'1'.repeat(64)}  extra.txt\n`);
    const r = await verifyBundle(dir, trusted());
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^SHA256SUMS does not match the signed manifest/),
    ]);
  });

  it('fails a SHA256SUMS that is a link (and never reads through it)', async () => {
    const { dir } = await makeBundle();
    const good = join(tmp, `sums-${n}`);
    writeFileSync(good, readFileSync(join(dir, SUMS_FILE)));
    unlinkSync(join(dir, SUMS_FILE));
    symlinkSync(good, join(dir, SUMS_FILE));
    const r = await verifyBundle(dir, trusted());
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.objectContaining({
        file: SUMS_FILE,
        message: expect.stringMatching(/does not match the signed manifest: .*link/),
      }),
    ]);
  });

  it('still verifies an older bundle that has no SHA256SUMS', async () => {
    const { dir } = await makeBundle();
    unlinkSync(join(dir, SUMS_FILE));
    const r = await verifyBundle(dir, trusted());
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('keeps the checked signature and SHA256SUMS bytes when asked (for export)', async () => {
    const { dir } = await makeBundle();
    const r = await verifyBundle(dir, { ...trusted(), keepBytes: true });
    expect(r.ok).toBe(true);
    expect(r.signatureBytes?.equals(readFileSync(join(dir, SIGNATURE_FILE)))).toBe(true);
    expect(r.sumsBytes?.equals(readFileSync(join(dir, SUMS_FILE)))).toBe(true);
  });
});
