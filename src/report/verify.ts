/**
 * Check an evidence bundle: the manifest signature, then every file's size
 * and SHA-256, then that nothing was added. Every problem names the file, in
 * words a non-specialist can repeat in a statement.
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, type Manifest, SIGNATURE_FILE } from './bundle.js';
import { safeRelativePath } from './files.js';
import { normaliseFingerprint, publicKeyFingerprint } from './keys.js';
import { formatUtc } from './model.js';

export type ProblemKind =
  | 'missing'
  | 'extra'
  | 'changed'
  | 'signature'
  | 'manifest'
  | 'key-mismatch';

export interface VerifyProblem {
  file?: string;
  kind: ProblemKind;
  message: string;
}

/**
 * Which key must have signed the bundle: one pinned fingerprint, or the keys
 * this computer trusts (see keys.ts). There is no "any key" option — a valid
 * signature by an unknown key proves nothing, since anyone can re-sign.
 */
export type VerifyOptions =
  | { expectedFingerprint: string; trustedFingerprints?: string[] }
  | { expectedFingerprint?: undefined; trustedFingerprints: string[] };

export interface VerifyResult {
  ok: boolean;
  /** Fingerprint of the key in the manifest (whether or not the signature held) */
  signedBy?: string;
  /** When the bundle was signed (manifest.created) */
  signedAt?: string;
  /** When the scan finished */
  finished?: string;
  /** false when the scan itself was cut short (not an integrity problem) */
  complete?: boolean;
  /** set when the bundle was made from another tool's acquisition, not from the phone */
  source?: { kind: string; file: string };
  problems: VerifyProblem[];
  /** One plain sentence: "Unchanged since …" or what changed */
  summary: string;
}

export async function verifyBundle(dir: string, opts: VerifyOptions): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [];
  const where = await stat(dir).catch(() => undefined);
  if (!where?.isDirectory()) {
    problems.push({
      kind: 'manifest',
      message: where
        ? `${dir} is a file, not a bundle folder. Give the folder that holds manifest.json.`
        : `${dir} does not exist. Give the folder that holds manifest.json.`,
    });
    return finish({ problems });
  }
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(join(dir, MANIFEST_FILE));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    problems.push({
      file: MANIFEST_FILE,
      kind: missing ? 'missing' : 'manifest',
      message: missing
        ? `${MANIFEST_FILE} is missing: this is not a finished spycheck bundle (writing it may have been interrupted).`
        : `${MANIFEST_FILE} could not be read: ${(err as Error).message}`,
    });
    return finish({ problems });
  }

  const parsed = parseManifest(manifestBytes);
  if ('error' in parsed) {
    problems.push({
      file: MANIFEST_FILE,
      kind: 'manifest',
      message: `${MANIFEST_FILE} has been changed or damaged: ${parsed.error}.`,
    });
    await checkSignatureWithoutKey(dir, problems);
    return finish({ problems });
  }
  const manifest = parsed.manifest;
  const base = {
    signedAt: manifest.created,
    finished: manifest.scan.finished,
    complete: manifest.scan.complete,
    ...(manifest.source
      ? { source: { kind: manifest.source.kind, file: manifest.source.file } }
      : {}),
  };

  let publicKey: KeyObject | undefined;
  let signedBy: string | undefined;
  try {
    publicKey = createPublicKey({
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.from(manifest.key.publicKey, 'base64').toString('base64url'),
      },
      format: 'jwk',
    });
    signedBy = publicKeyFingerprint(publicKey);
  } catch {
    problems.push({
      file: MANIFEST_FILE,
      kind: 'manifest',
      message: `${MANIFEST_FILE} does not hold a usable signing key.`,
    });
  }

  if (publicKey) {
    let signature: Buffer | undefined;
    try {
      signature = await readFile(join(dir, SIGNATURE_FILE));
    } catch {
      problems.push({
        file: SIGNATURE_FILE,
        kind: 'missing',
        message: `${SIGNATURE_FILE} is missing, so nothing proves who made this bundle.`,
      });
    }
    if (signature && !safeVerify(manifestBytes, publicKey, signature)) {
      problems.push({
        file: MANIFEST_FILE,
        kind: 'signature',
        message:
          `The signature does not match: ${MANIFEST_FILE} or ${SIGNATURE_FILE} was changed ` +
          'after the bundle was signed.',
      });
    }
  }
  if (signedBy && !opts.expectedFingerprint) {
    const known = (opts.trustedFingerprints ?? []).map(normaliseFingerprint);
    if (!known.includes(normaliseFingerprint(signedBy))) {
      problems.push({
        file: SIGNATURE_FILE,
        kind: 'key-mismatch',
        message:
          `Signed by key ${signedBy}, which this computer does not know. Anyone can sign a bundle ` +
          'with a key of their own, so this proves nothing yet. Compare it with the fingerprint the ' +
          `organisation that made the bundle published, then run: spycheck verify BUNDLE --key "${signedBy}"`,
      });
    }
  }
  if (signedBy && opts.expectedFingerprint) {
    if (normaliseFingerprint(opts.expectedFingerprint) !== normaliseFingerprint(signedBy)) {
      problems.push({
        file: SIGNATURE_FILE,
        kind: 'key-mismatch',
        message:
          `Signed by key ${signedBy}, not by the expected key ${opts.expectedFingerprint}. ` +
          'This bundle was not made by the spycheck install you expected.',
      });
    }
  }

  const listed = new Set<string>();
  for (const entry of manifest.files) {
    const path = safeRelativePath(entry.path);
    if (!path || path === MANIFEST_FILE || path === SIGNATURE_FILE) {
      problems.push({
        file: MANIFEST_FILE,
        kind: 'manifest',
        message: `${MANIFEST_FILE} lists a file name that is not allowed: ${JSON.stringify(entry.path)}.`,
      });
      continue;
    }
    listed.add(path);
    problems.push(...(await checkFile(dir, entry)));
  }

  for (const found of await listFiles(dir)) {
    if (found === MANIFEST_FILE || found === SIGNATURE_FILE || listed.has(found)) continue;
    problems.push({
      file: found,
      kind: 'extra',
      message: `${found} was added after the bundle was made (it is not in the manifest).`,
    });
  }
  return finish({ ...base, signedBy, problems });
}

function safeVerify(data: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
}

async function checkSignatureWithoutKey(dir: string, problems: VerifyProblem[]): Promise<void> {
  try {
    await readFile(join(dir, SIGNATURE_FILE));
  } catch {
    problems.push({
      file: SIGNATURE_FILE,
      kind: 'missing',
      message: `${SIGNATURE_FILE} is missing.`,
    });
  }
}

async function checkFile(
  dir: string,
  entry: { path: string; sha256: string; bytes: number },
): Promise<VerifyProblem[]> {
  const full = join(dir, ...entry.path.split('/'));
  try {
    const st = await lstat(full);
    if (!st.isFile()) {
      return [
        {
          file: entry.path,
          kind: 'changed',
          message: `${entry.path} has been replaced by something that is not a plain file.`,
        },
      ];
    }
    const data = await readFile(full);
    const hash = createHash('sha256').update(data).digest('hex');
    if (data.length !== entry.bytes || hash !== entry.sha256.toLowerCase()) {
      const size =
        data.length !== entry.bytes
          ? ` (it is now ${data.length} bytes; it was ${entry.bytes})`
          : ' (same size, different contents)';
      return [
        {
          file: entry.path,
          kind: 'changed',
          message: `${entry.path} has been changed since the bundle was signed${size}.`,
        },
      ];
    }
    return [];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return [
        {
          file: entry.path,
          kind: 'missing',
          message: `${entry.path} is missing (it was in the bundle when it was signed).`,
        },
      ];
    }
    return [
      {
        file: entry.path,
        kind: 'changed',
        message: `${entry.path} could not be read: ${(err as Error).message}`,
      },
    ];
  }
}

/** Every file (and symlink, or other non-directory) under dir, as "a/b" paths. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

function parseManifest(bytes: Buffer): { manifest: Manifest } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { error: 'it is not valid JSON' };
  }
  const m = doc as Partial<Manifest> | null;
  if (!m || typeof m !== 'object') return { error: 'it is not a JSON object' };
  if (m.schema !== 1) return { error: `unknown manifest schema ${JSON.stringify(m.schema)}` };
  if (!Array.isArray(m.files)) return { error: 'it has no file list' };
  for (const f of m.files) {
    if (
      !f ||
      typeof f.path !== 'string' ||
      typeof f.sha256 !== 'string' ||
      typeof f.bytes !== 'number'
    ) {
      return { error: 'its file list is malformed' };
    }
  }
  if (!m.key || typeof m.key.publicKey !== 'string') return { error: 'it has no signing key' };
  if (!m.scan || typeof m.scan !== 'object') return { error: 'it has no scan details' };
  return { manifest: m as Manifest };
}

function finish(r: Omit<VerifyResult, 'ok' | 'summary'>): VerifyResult {
  const ok = r.problems.length === 0;
  let summary: string;
  if (ok) {
    summary = `Unchanged since ${formatUtc(r.signedAt)}, signed by key ${r.signedBy}.`;
    if (r.source) {
      summary += ` It was made from files another tool acquired (${r.source.kind}: ${r.source.file}), not read from the phone by spycheck.`;
    }
    if (r.complete === false) {
      summary += ' Note: the scan itself was incomplete (the bundle says what was not checked).';
    }
  } else if (r.problems.length === 1 && !r.problems[0]?.file) {
    // not a bundle at all (no folder): no need to alarm anyone about tampering
    summary = 'This is not a spycheck evidence bundle.';
  } else if (
    r.problems.length === 1 &&
    r.problems[0]?.kind === 'missing' &&
    r.problems[0].file === 'manifest.json'
  ) {
    summary = 'This is not a finished spycheck evidence bundle (it has no manifest.json).';
  } else {
    const files = [...new Set(r.problems.map((p) => p.file).filter(Boolean))];
    summary =
      `This bundle does NOT verify: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}` +
      (files.length > 0 ? ` (${files.join(', ')})` : '') +
      '.';
  }
  return { ok, ...r, summary };
}
