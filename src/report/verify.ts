/**
 * Check an evidence bundle: the manifest signature, then every file's size
 * and SHA-256, then that SHA256SUMS (when there is one: older bundles have
 * none) says exactly what the signed manifest says, then that nothing was
 * added. Every problem names the file, in words a non-specialist can repeat
 * in a statement.
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { showHidden } from '../util/sanitize.js';
import {
  type DerivedFrom,
  MANIFEST_FILE,
  type Manifest,
  SIGNATURE_FILE,
  SUMS_FILE,
  sha256SumsText,
} from './bundle.js';
import { readPlainFile, safeRelativePath, UnsafeFileError } from './files.js';
import { normaliseFingerprint, publicKeyFingerprint } from './keys.js';
import { formatUtc } from './model.js';
import { cleanChain } from './provenance.js';

/** Real manifests are well under 1 MB even for thousands of raw outputs. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** An Ed25519 signature is 64 bytes. */
const MAX_SIGNATURE_BYTES = 4096;
/** Largest single bundle file read for hashing (raw answers are capped far below). */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;
/** A bundle holds a few dozen files; more than this is not one of ours. */
const MAX_ENTRIES = 50_000;

/** A file name as it may be shown to a person: hidden characters made visible (<U+202E>). */
const named = (path: string) => showHidden(path, 300);

export type ProblemKind =
  | 'missing'
  | 'extra'
  | 'changed'
  | 'signature'
  | 'manifest'
  | 'key-mismatch'
  /** the bundle is intact, but it was made from a bundle that did not verify */
  | 'provenance';

export interface VerifyProblem {
  file?: string;
  kind: ProblemKind;
  message: string;
  /** key-mismatch because this computer does not know the key (not a different pinned key) */
  unknownKey?: true;
}

/**
 * Which key must have signed the bundle: one pinned fingerprint, or the keys
 * this computer trusts (see keys.ts). There is no "any key" option — a valid
 * signature by an unknown key proves nothing, since anyone can re-sign.
 */
export type VerifyOptions = (
  | { expectedFingerprint: string; trustedFingerprints?: string[] }
  | { expectedFingerprint?: undefined; trustedFingerprints: string[] }
) & {
  /**
   * Keep the bytes that were checked (manifest and every listed file that
   * matched), so a caller uses exactly those and never reads the bundle
   * again: a file swapped after the check must not be what gets re-signed.
   * A list keeps only those paths (a report needs no raw outputs in memory).
   */
  keepBytes?: boolean | readonly string[];
};

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
  /** the bundle(s) this one was re-analysed from, as its manifest records them */
  derivedFrom?: DerivedFrom;
  problems: VerifyProblem[];
  /** One plain sentence: "Unchanged since …" or what changed */
  summary: string;
  /** With keepBytes: the manifest bytes whose signature was checked */
  manifestBytes?: Buffer;
  /** With keepBytes: listed path → the bytes that matched the manifest */
  checkedFiles?: Map<string, Buffer>;
  /** With keepBytes: the manifest.sig bytes that were checked */
  signatureBytes?: Buffer;
  /** With keepBytes: the SHA256SUMS bytes that matched the manifest (none in older bundles) */
  sumsBytes?: Buffer;
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
    manifestBytes = await readPlainFile(join(dir, MANIFEST_FILE), {
      maxBytes: MAX_MANIFEST_BYTES,
      within: dir,
    });
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    problems.push({
      file: MANIFEST_FILE,
      kind: missing ? 'missing' : 'manifest',
      message: missing
        ? `${MANIFEST_FILE} is missing: this is not a finished spycheck bundle (writing it may have been interrupted).`
        : `${MANIFEST_FILE} could not be read: ${unreadable(err)}.`,
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
      ? { source: { kind: String(manifest.source.kind), file: String(manifest.source.file) } }
      : {}),
    ...(cleanChain(manifest.derivedFrom) ? { derivedFrom: cleanChain(manifest.derivedFrom) } : {}),
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

  let signature: Buffer | undefined;
  if (publicKey) {
    try {
      signature = await readSignature(dir);
    } catch (err) {
      problems.push(signatureProblem(err));
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
        unknownKey: true,
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
  const kept = opts.keepBytes ? new Map<string, Buffer>() : undefined;
  const keepList = Array.isArray(opts.keepBytes) ? opts.keepBytes : undefined;
  for (const entry of manifest.files) {
    const path = safeRelativePath(entry.path);
    if (path && listed.has(path)) {
      // listing one file many times would make verify hash it again and again
      problems.push({
        file: MANIFEST_FILE,
        kind: 'manifest',
        message: `${MANIFEST_FILE} lists ${named(path)} more than once.`,
      });
      continue;
    }
    if (!path || path === MANIFEST_FILE || path === SIGNATURE_FILE || path === SUMS_FILE) {
      problems.push({
        file: MANIFEST_FILE,
        kind: 'manifest',
        message: `${MANIFEST_FILE} lists a file name that is not allowed: ${named(JSON.stringify(entry.path))}.`,
      });
      continue;
    }
    listed.add(path);
    const keepThis = keepList ? keepList.includes(path) : true;
    problems.push(...(await checkFile(dir, entry, keepThis ? kept : undefined)));
  }

  const sums = await checkSums(dir, manifest, manifestBytes, signature);
  problems.push(...sums.problems);

  const found = await listEntries(dir);
  const folders = new Set<string>();
  for (const path of listed) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  for (const e of found.entries) {
    if (e.type === 'dir') {
      if (folders.has(e.path)) continue;
      problems.push({
        file: named(e.path),
        kind: 'extra',
        message: `The folder ${named(e.path)} was added after the bundle was made (it is not in the manifest).`,
      });
      continue;
    }
    if (e.path === MANIFEST_FILE || e.path === SIGNATURE_FILE || e.path === SUMS_FILE) continue;
    if (listed.has(e.path)) continue;
    problems.push({
      file: named(e.path),
      kind: 'extra',
      message:
        e.type === 'link'
          ? `${named(e.path)} is a link to somewhere else, added after the bundle was made (a bundle never holds links).`
          : `${named(e.path)} was added after the bundle was made (it is not in the manifest).`,
    });
  }
  if (found.truncated) {
    problems.push({
      kind: 'extra',
      file: '(bundle folder)',
      message: `The bundle folder holds more than ${MAX_ENTRIES} files and folders; a spycheck bundle holds a few dozen. It was not checked further.`,
    });
  }
  problems.push(...provenanceProblems(cleanChain(manifest.derivedFrom)));
  return {
    ...finish({ ...base, signedBy, problems }),
    ...(kept
      ? {
          manifestBytes,
          checkedFiles: kept,
          ...(signature ? { signatureBytes: signature } : {}),
          ...(sums.bytes ? { sumsBytes: sums.bytes } : {}),
        }
      : {}),
  };
}

/**
 * SHA256SUMS lets anyone check the files with `sha256sum -c`; it must say
 * exactly what the signed manifest says, or an officer could be misled by a
 * doctored copy. Older bundles have none, which is fine. Without a readable
 * signature the comparison is skipped (that is already a problem).
 */
async function checkSums(
  dir: string,
  manifest: Manifest,
  manifestBytes: Buffer,
  signature: Buffer | undefined,
): Promise<{ problems: VerifyProblem[]; bytes?: Buffer }> {
  const mismatch = (why: string): { problems: VerifyProblem[] } => ({
    problems: [
      {
        file: SUMS_FILE,
        kind: 'changed',
        message: `${SUMS_FILE} does not match the signed manifest: ${why}.`,
      },
    ],
  });
  let bytes: Buffer;
  try {
    // never larger than the manifest, which lists the same files with more detail
    bytes = await readPlainFile(join(dir, SUMS_FILE), {
      maxBytes: MAX_MANIFEST_BYTES,
      within: dir,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { problems: [] };
    return mismatch(`it could not be read (${unreadable(err)})`);
  }
  if (!signature) return { problems: [] };
  const expected = sha256SumsText(manifest.files, manifestBytes, signature);
  if (bytes.equals(Buffer.from(expected, 'utf8'))) return { problems: [], bytes };
  const have = new Set(bytes.toString('utf8').split('\n'));
  const differs = expected
    .split('\n')
    .filter((line) => line !== '' && !have.has(line))
    .map((line) => line.slice(66))[0];
  return mismatch(
    differs
      ? `its line for ${named(differs)} was changed or removed after the bundle was signed`
      : 'it was changed after the bundle was signed',
  );
}

/**
 * A re-analysed bundle is only as good as the bundle it was made from: if any
 * bundle in its chain did not verify when it was re-checked, its contents may
 * have been changed before this computer signed them.
 */
function provenanceProblems(derived: DerivedFrom | undefined): VerifyProblem[] {
  let link: DerivedFrom | undefined = derived;
  for (let depth = 0; link && typeof link === 'object' && depth < 100; depth++) {
    if (link.verified === false) {
      return [
        {
          file: MANIFEST_FILE,
          kind: 'provenance',
          message:
            `It was made from the bundle ${named(String(link.bundle))}, which did NOT verify when it was re-checked ` +
            '(it had been changed, or was signed by a key that computer did not know). What this bundle shows ' +
            'may have been changed before it was signed. Do not rely on it: use the original bundle, or check the phone again.',
        },
      ];
    }
    link = link.derivedFrom;
  }
  return [];
}

async function readSignature(dir: string): Promise<Buffer> {
  return readPlainFile(join(dir, SIGNATURE_FILE), { maxBytes: MAX_SIGNATURE_BYTES, within: dir });
}

function signatureProblem(err: unknown): VerifyProblem {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
    return {
      file: SIGNATURE_FILE,
      kind: 'missing',
      message: `${SIGNATURE_FILE} is missing, so nothing proves who made this bundle.`,
    };
  }
  return {
    file: SIGNATURE_FILE,
    kind: 'signature',
    message: `${SIGNATURE_FILE} could not be read: ${unreadable(err)}.`,
  };
}

/** Why a bundle file could not be read, in words (never a raw errno dump). */
function unreadable(err: unknown): string {
  if (err instanceof UnsafeFileError) return named(err.message);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'this computer is not allowed to read it';
  if (code === 'ELOOP') return 'it is a link to somewhere else';
  if (code === 'EISDIR') return 'it is a folder';
  return named((err as Error).message);
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
    await readSignature(dir);
  } catch (err) {
    problems.push(signatureProblem(err));
  }
}

async function checkFile(
  dir: string,
  entry: { path: string; sha256: string; bytes: number },
  kept?: Map<string, Buffer>,
): Promise<VerifyProblem[]> {
  const full = join(dir, ...entry.path.split('/'));
  const shown = named(entry.path);
  const changed = (message: string): VerifyProblem[] => [{ file: shown, kind: 'changed', message }];
  try {
    // A size that differs needs no reading (and a crafted list cannot make us hash a huge file).
    const size = (await lstat(full)).size;
    if (size !== entry.bytes) {
      return changed(
        `${shown} has been changed since the bundle was signed (it is now ${size} bytes; it was ${entry.bytes}).`,
      );
    }
    const data = await readPlainFile(full, { maxBytes: MAX_FILE_BYTES, within: dir });
    const hash = createHash('sha256').update(data).digest('hex');
    if (data.length !== entry.bytes || hash !== entry.sha256.toLowerCase()) {
      const size =
        data.length !== entry.bytes
          ? ` (it is now ${data.length} bytes; it was ${entry.bytes})`
          : ' (same size, different contents)';
      return changed(`${shown} has been changed since the bundle was signed${size}.`);
    }
    kept?.set(entry.path, data);
    return [];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return [
        {
          file: shown,
          kind: 'missing',
          message: `${shown} is missing (it was in the bundle when it was signed).`,
        },
      ];
    }
    if (err instanceof UnsafeFileError && err.why !== 'too-large') {
      return changed(
        `${shown} has been replaced by something that is not a plain file inside the bundle (${named(err.message)}).`,
      );
    }
    return changed(`${shown} could not be read: ${unreadable(err)}.`);
  }
}

interface BundleEntry {
  path: string;
  type: 'file' | 'dir' | 'link' | 'other';
}

/**
 * Every entry under dir, as "a/b" paths, without following links (a linked
 * folder is reported, never walked). Stops at MAX_ENTRIES.
 */
async function listEntries(dir: string): Promise<{ entries: BundleEntry[]; truncated: boolean }> {
  const entries: BundleEntry[] = [];
  const walk = async (prefix: string): Promise<boolean> => {
    const list = await readdir(join(dir, prefix), { withFileTypes: true });
    for (const e of list) {
      if (entries.length >= MAX_ENTRIES) return false;
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      const type = e.isDirectory()
        ? 'dir'
        : e.isFile()
          ? 'file'
          : e.isSymbolicLink()
            ? 'link'
            : 'other';
      entries.push({ path, type });
      if (type === 'dir' && !(await walk(path))) return false;
    }
    return true;
  };
  const complete = await walk('');
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { entries, truncated: !complete };
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
      summary += ` It was made from files another tool acquired (${named(r.source.kind)}: ${named(r.source.file)}), not read from the phone by spycheck.`;
    }
    if (r.complete === false) {
      summary += ' Note: the scan itself was incomplete (the bundle says what was not checked).';
    }
  } else if (r.problems.every((p) => p.kind === 'key-mismatch' && p.unknownKey)) {
    // every file matches and the signature is good: only who signed it is not known here
    summary =
      `The files are unchanged since they were signed (${formatUtc(r.signedAt)}). The signature is ` +
      `by key ${r.signedBy}, which this computer does not know: compare it with the fingerprint ` +
      'the organisation that made the bundle published (for example by phone). If they match, ' +
      `run: spycheck verify BUNDLE --key "${r.signedBy}"`;
  } else if (r.problems.every((p) => p.kind === 'provenance')) {
    summary =
      `This bundle is unchanged since ${formatUtc(r.signedAt)} and signed by key ${r.signedBy}, but it was ` +
      'made from a bundle that did NOT verify, so what it shows may have been changed before it was signed.';
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
