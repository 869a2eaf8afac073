import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleExistsError, MANIFEST_FILE, type ReportFormat, writeBundle } from './bundle.js';
import { generateSigningKey, loadOrCreateSigningKey, type SigningKey } from './keys.js';
import { sampleFindings, sampleRaw, sampleSnapshot } from './testdata/sample.js';
import { verifyBundle } from './verify.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-bundle-'));
let key: SigningKey;
/** this test computer trusts only its own key */
const trusted = () => ({ trustedFingerprints: [key.fingerprint] });
let n = 0;

beforeAll(() => {
  key = generateSigningKey();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function makeBundle(
  opts: { complete?: boolean; formats?: ReportFormat[]; k?: SigningKey } = {},
) {
  const dir = join(tmp, `b${++n}`);
  return writeBundle({
    dir,
    snapshot: sampleSnapshot({ complete: opts.complete ?? true }),
    findings: sampleFindings(),
    raw: sampleRaw(),
    case: { ref: 'DV-1', examiner: 'A. Worker', consent: true },
    rules: [{ id: 'spycheck-core', version: '2025.03.1', sha256: 'ab'.repeat(32) }],
    formats: opts.formats ?? ['text', 'html', 'json'],
    tool: { name: 'spycheck', version: '0.1.0' },
    key: opts.k ?? key,
    now: () => new Date('2025-03-04T14:07:00Z'),
  });
}

describe('writeBundle + verifyBundle', () => {
  it('round trip verifies and says when and by whom', async () => {
    const { dir, manifest } = await makeBundle();
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'findings.json',
        'snapshot.json',
        'raw/index.json',
        'raw/01-getprop.txt',
        'report.txt',
        'report.html',
      ]),
    );
    expect(paths).not.toContain('report.pdf');
    expect(manifest.case).toEqual({ ref: 'DV-1', examiner: 'A. Worker', consent: true });
    expect(manifest.scan.complete).toBe(true);
    expect(manifest.scan.device.serial).toBe('R58M40ABCDE');
    const result = await verifyBundle(dir, trusted());
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.signedBy).toBe(key.fingerprint);
    expect(result.summary).toBe(
      `Unchanged since 2025-03-04 14:07:00 UTC, signed by key ${key.fingerprint}.`,
    );
  });

  it('keeps raw outputs byte for byte, with an index of commands and times', async () => {
    const { dir } = await makeBundle();
    for (const { record, data } of sampleRaw()) {
      expect(readFileSync(join(dir, 'raw', record.file)).equals(data)).toBe(true);
    }
    const index = JSON.parse(readFileSync(join(dir, 'raw/index.json'), 'utf8'));
    expect(index.files[0]).toMatchObject({
      file: '01-getprop.txt',
      command: 'getprop',
      time: '2025-03-04T14:05:10.000Z',
    });
  });

  it('writes owner-only files and folders', async () => {
    const { dir, manifest } = await makeBundle();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'raw')).mode & 0o777).toBe(0o700);
    for (const f of [...manifest.files.map((x) => x.path), 'manifest.json', 'manifest.sig']) {
      expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    }
  });

  it('refuses a folder that already holds files', async () => {
    const { dir } = await makeBundle();
    await expect(
      writeBundle({
        dir,
        snapshot: sampleSnapshot(),
        findings: sampleFindings(),
        raw: [],
        case: { consent: false },
        rules: [],
        formats: [],
        tool: { name: 'spycheck', version: '0' },
        key,
      }),
    ).rejects.toBeInstanceOf(BundleExistsError);
  });

  it('marks a partial scan incomplete in the manifest and the report', async () => {
    const { dir, manifest } = await makeBundle({ complete: false });
    expect(manifest.scan.complete).toBe(false);
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toContain('did not finish');
    const result = await verifyBundle(dir, trusted());
    expect(result.ok).toBe(true);
    expect(result.summary).toContain('incomplete');
  });

  it('names each file when one byte of it changes', async () => {
    const { dir, manifest } = await makeBundle();
    const all = [...manifest.files.map((f) => f.path), MANIFEST_FILE, 'manifest.sig'];
    for (const path of all) {
      const full = join(dir, path);
      const original = readFileSync(full);
      const changed = Buffer.from(original);
      const at = Math.floor(changed.length / 2);
      changed[at] = changed[at]! ^ 0x01;
      writeFileSync(full, changed);
      const result = await verifyBundle(dir, trusted());
      writeFileSync(full, original);
      expect(result.ok, path).toBe(false);
      const named = path === 'manifest.sig' ? MANIFEST_FILE : path;
      expect(
        result.problems.map((p) => p.file),
        path,
      ).toContain(named);
      expect(result.summary).toContain(named);
    }
    expect((await verifyBundle(dir, trusted())).ok).toBe(true);
  });

  it('names a deleted file and an added file', async () => {
    const { dir } = await makeBundle();
    unlinkSync(join(dir, 'raw/02-pm.list.txt'));
    writeFileSync(join(dir, 'raw/planted.txt'), 'x');
    const result = await verifyBundle(dir, trusted());
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'raw/02-pm.list.txt', kind: 'missing' }),
        expect.objectContaining({ file: 'raw/planted.txt', kind: 'extra' }),
      ]),
    );
  });

  it('reports a missing manifest (interrupted write) and a missing signature', async () => {
    const a = await makeBundle();
    unlinkSync(join(a.dir, 'manifest.sig'));
    expect((await verifyBundle(a.dir, trusted())).problems).toEqual([
      expect.objectContaining({ file: 'manifest.sig', kind: 'missing' }),
    ]);
    const b = await makeBundle();
    unlinkSync(join(b.dir, MANIFEST_FILE));
    const r = await verifyBundle(b.dir, trusted());
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ file: MANIFEST_FILE, kind: 'missing' });
  });

  it('detects a manifest re-signed with another key, and a pinned key mismatch', async () => {
    const { dir } = await makeBundle();
    const other = generateSigningKey();
    const manifestPath = join(dir, MANIFEST_FILE);
    const doc = JSON.parse(readFileSync(manifestPath, 'utf8'));
    // A forger edits the manifest and signs it with their own key but leaves the old key in.
    doc.case.examiner = 'Someone Else';
    const forged = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
    writeFileSync(manifestPath, forged);
    writeFileSync(join(dir, 'manifest.sig'), sign(null, forged, other.privateKey));
    const r1 = await verifyBundle(dir, trusted());
    expect(r1.problems).toContainEqual(
      expect.objectContaining({ kind: 'signature', file: MANIFEST_FILE }),
    );

    // A fully re-signed bundle (key swapped too) fails: its key is not trusted here.
    const { dir: dir2 } = await makeBundle({ k: other });
    const unknown = await verifyBundle(dir2, trusted());
    expect(unknown.ok).toBe(false);
    expect(unknown.problems).toContainEqual(expect.objectContaining({ kind: 'key-mismatch' }));
    const pinned = await verifyBundle(dir2, { expectedFingerprint: key.fingerprint });
    expect(pinned.ok).toBe(false);
    expect(pinned.problems).toContainEqual(expect.objectContaining({ kind: 'key-mismatch' }));
    const right = await verifyBundle(dir2, {
      expectedFingerprint: other.fingerprint.replace(/ /g, '').toUpperCase(),
    });
    expect(right.ok).toBe(true);
  });

  it('refuses manifest paths that escape the bundle', async () => {
    const { dir } = await makeBundle();
    const other = generateSigningKey();
    const doc = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    doc.files.push({ path: '../../etc/passwd', sha256: '0'.repeat(64), bytes: 1 });
    doc.key.publicKey = Buffer.from(
      (other.publicKey.export({ format: 'jwk' }).x as string) ?? '',
      'base64url',
    ).toString('base64');
    const bytes = Buffer.from(JSON.stringify(doc));
    writeFileSync(join(dir, MANIFEST_FILE), bytes);
    writeFileSync(join(dir, 'manifest.sig'), sign(null, bytes, other.privateKey));
    const r = await verifyBundle(dir, trusted());
    expect(r.problems).toContainEqual(
      expect.objectContaining({ kind: 'manifest', file: MANIFEST_FILE }),
    );
  });

  it('writes a PDF when asked', async () => {
    const { dir } = await makeBundle({ formats: ['pdf'] });
    expect(readFileSync(join(dir, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await verifyBundle(dir, trusted())).ok).toBe(true);
  });
});

describe('loadOrCreateSigningKey', () => {
  it('creates a key once with owner-only permissions and reuses it', () => {
    const dir = join(tmp, 'config');
    const env = { SPYCHECK_CONFIG_DIR: dir };
    const first = loadOrCreateSigningKey(env);
    expect(first.created).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    const second = loadOrCreateSigningKey(env);
    expect(second.created).toBeUndefined();
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(first.fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  });

  it('uses XDG_CONFIG_HOME when SPYCHECK_CONFIG_DIR is unset', () => {
    const xdg = join(tmp, 'xdg');
    const k = loadOrCreateSigningKey({ XDG_CONFIG_HOME: xdg });
    expect(k.path).toBe(join(xdg, 'spycheck', 'signing-key.pem'));
  });

  it('refuses a damaged key instead of replacing it', () => {
    const dir = join(tmp, 'damaged');
    loadOrCreateSigningKey({ SPYCHECK_CONFIG_DIR: dir });
    writeFileSync(join(dir, 'signing-key.pem'), 'garbage');
    expect(() => loadOrCreateSigningKey({ SPYCHECK_CONFIG_DIR: dir })).toThrow(/could not be read/);
  });
});
