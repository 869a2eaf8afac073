/**
 * `spycheck export`: one zip of a verified bundle, and its SHA-256 in
 * `sha256sum` format, for handing the evidence over (DESIGN.md CLI contract).
 *
 * The bundle is hostile input like any other: it is verified first, and the
 * zip holds exactly the bytes verify checked (never a second read, so a file
 * swapped after the check cannot slip in), only the files its manifest lists
 * plus manifest.json, manifest.sig and SHA256SUMS. Nothing is re-signed and
 * nothing is added: unzipped, the folder is the bundle as it was signed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, link, lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ZipFile } from 'yazl';
import { MANIFEST_FILE, type Manifest, SIGNATURE_FILE, SUMS_FILE } from './bundle.js';
import { FILE_MODE, readPlainFile, safeRelativePath } from './files.js';
import { type VerifyResult, verifyBundle } from './verify.js';

/** The top folder's name when the bundle folder's own name is not safe to put in a zip. */
const FALLBACK_TOP = 'spycheck-bundle';
/** Owner-only, as in the bundle itself (file type bits + permissions, as unzip restores them). */
const ZIP_FILE_MODE = 0o100600;
const ZIP_DIR_MODE = 0o040700;
/**
 * The zip is made from the very bytes verify checked, held in memory. A real
 * bundle is a few MB (raw answers are capped far below this); a crafted one
 * that lists more is refused before anything is read.
 */
export const MAX_EXPORT_BYTES = 2 * 1024 * 1024 * 1024;
/** As verify: real manifests are well under 1 MB. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** DOS timestamps cannot hold earlier dates. */
const ZIP_EPOCH = new Date('1980-01-01T00:00:00Z');

export type ExportRefusal =
  /** the bundle does not verify (changed, missing, extra, unsafe files; bad signature) */
  | 'not-verified'
  /** the zip or its .sha256 already exists */
  | 'exists'
  /** the output name or place is not usable */
  | 'bad-out'
  /** the manifest lists more bytes than an export holds */
  | 'too-large';

export class ExportRefusedError extends Error {
  constructor(
    readonly why: ExportRefusal,
    message: string,
    readonly verification?: VerifyResult,
  ) {
    super(message);
    this.name = 'ExportRefusedError';
  }
}

export interface ExportOptions {
  /** the zip to write; default beside the bundle, "<bundle folder name>.zip" */
  out?: string;
  /** keys this computer trusts (see keys.ts) */
  trustedFingerprints: string[];
}

export interface ExportResult {
  zip: string;
  /** the .sha256 file beside it */
  checksumFile: string;
  sha256: string;
  bytes: number;
  /** files in the zip (folders not counted) */
  files: number;
  /** the folder everything sits under inside the zip */
  topFolder: string;
  verification: VerifyResult;
  /** the files are unchanged but signed by a key this computer does not know */
  unknownKey: boolean;
  /** the bundle is intact but was made from a bundle that did not verify */
  provenanceWarning: boolean;
}

/** The bundle folder's name, if it is safe as one folder in a zip; else a plain fallback. */
export function topFolderName(bundleDir: string): string {
  const name = basename(resolve(bundleDir));
  const safe = safeRelativePath(name);
  return safe && !safe.includes('/') ? safe : FALLBACK_TOP;
}

/** Where the zip goes when --out is not given: beside the bundle. */
export function defaultExportPath(bundleDir: string): string {
  return join(dirname(resolve(bundleDir)), `${topFolderName(bundleDir)}.zip`);
}

/** A relative path (from path.relative) that is the folder itself or below it. */
const isWithin = (rel: string): boolean =>
  rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Check the output place before anything is read; returns the resolved zip path. */
async function checkOut(bundleDir: string, out: string | undefined): Promise<string> {
  const zip = resolve(out ?? defaultExportPath(bundleDir));
  const name = basename(zip);
  // the name goes into the .sha256 line: sha256sum would need escapes for these
  if (name === '' || /[\\\x00-\x1f\x7f]/.test(name)) {
    throw new ExportRefusedError(
      'bad-out',
      `The zip name ${JSON.stringify(name)} holds characters that sha256sum cannot check; choose a plain name with --out.`,
    );
  }
  const parent = dirname(zip);
  const where = await stat(parent).catch(() => undefined);
  if (!where?.isDirectory()) {
    throw new ExportRefusedError(
      'bad-out',
      `The folder ${parent} does not exist; create it first or choose another place with --out.`,
    );
  }
  // a zip written inside the bundle would be an added file: the bundle would no longer verify
  const bundleReal = await realpath(bundleDir).catch(() => resolve(bundleDir));
  const parentReal = await realpath(parent);
  if (isWithin(relative(resolve(bundleDir), zip)) || isWithin(relative(bundleReal, parentReal))) {
    throw new ExportRefusedError(
      'bad-out',
      'The zip cannot be written inside the bundle folder (an added file would make the bundle fail verification); choose a place outside it with --out.',
    );
  }
  for (const path of [zip, `${zip}.sha256`]) {
    if (await exists(path)) {
      throw new ExportRefusedError(
        'exists',
        `${path} already exists. spycheck never overwrites a file; choose another name with --out, or move the old one away first.`,
      );
    }
  }
  return zip;
}

/**
 * What the manifest says its files weigh, before verify keeps them all in
 * memory. Undefined when it cannot be read or parsed: verify reports that.
 */
async function declaredBytes(bundleDir: string): Promise<number | undefined> {
  try {
    const bytes = await readPlainFile(join(bundleDir, MANIFEST_FILE), {
      maxBytes: MAX_MANIFEST_BYTES,
      within: bundleDir,
    });
    const files = (JSON.parse(bytes.toString('utf8')) as Partial<Manifest> | null)?.files;
    if (!Array.isArray(files)) return undefined;
    let total = 0;
    for (const f of files) {
      const n = (f as Partial<{ bytes: unknown }> | null)?.bytes;
      if (typeof n === 'number' && Number.isFinite(n) && n > 0) total += n;
    }
    return total;
  } catch {
    return undefined;
  }
}

/** Is the bundle good enough to hand over as it is? */
function exportable(v: VerifyResult): { ok: boolean; unknownKey: boolean; provenance: boolean } {
  if (v.ok) return { ok: true, unknownKey: false, provenance: false };
  const unknownKey = v.problems.some((p) => p.kind === 'key-mismatch' && p.unknownKey);
  const provenance = v.problems.some((p) => p.kind === 'provenance');
  const ok = v.problems.every(
    (p) => (p.kind === 'key-mismatch' && p.unknownKey) || p.kind === 'provenance',
  );
  return { ok, unknownKey, provenance };
}

/** A valid DOS-era date for every entry: when the bundle was signed, so the zip is reproducible. */
function entryTime(manifest: Partial<Manifest>): Date {
  const t = typeof manifest.created === 'string' ? new Date(manifest.created) : undefined;
  if (!t || Number.isNaN(t.getTime())) return ZIP_EPOCH;
  const year = t.getUTCFullYear();
  return year < 1981 || year > 2106 ? ZIP_EPOCH : t;
}

interface ZipItem {
  path: string;
  data: Buffer;
}

/** The bundle's files in a fixed order: manifest, signature, sums, then the listed files by path. */
function itemsFrom(v: VerifyResult, manifest: Manifest): ZipItem[] {
  const refuse = (why: string) =>
    new ExportRefusedError('not-verified', `The bundle could not be exported: ${why}.`, v);
  if (!v.manifestBytes || !v.signatureBytes || !v.checkedFiles) {
    throw refuse('the checked manifest and signature were not kept');
  }
  const items: ZipItem[] = [
    { path: MANIFEST_FILE, data: v.manifestBytes },
    { path: SIGNATURE_FILE, data: v.signatureBytes },
  ];
  if (v.sumsBytes) items.push({ path: SUMS_FILE, data: v.sumsBytes });
  const listed = manifest.files.map((f) => f.path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of listed) {
    const data = v.checkedFiles.get(path);
    // verify already refused unsafe names; this is a second lock on the same door
    if (safeRelativePath(path) !== path || !data) {
      throw refuse(`${JSON.stringify(path)} was not checked`);
    }
    items.push({ path, data });
  }
  return items;
}

/** Build the zip into a new temp file beside the target; returns its SHA-256 and size. */
async function writeZip(
  tmp: string,
  top: string,
  items: ZipItem[],
  mtime: Date,
): Promise<{ sha256: string; bytes: number }> {
  const zip = new ZipFile();
  const dirs = new Set<string>();
  const addDir = (path: string) => {
    if (dirs.has(path)) return;
    dirs.add(path);
    zip.addEmptyDirectory(`${path}/`, { mtime, mode: ZIP_DIR_MODE });
  };
  addDir(top);
  for (const item of items) {
    const parts = item.path.split('/');
    for (let i = 1; i < parts.length; i++) addDir(`${top}/${parts.slice(0, i).join('/')}`);
    zip.addBuffer(item.data, `${top}/${item.path}`, {
      mtime,
      mode: ZIP_FILE_MODE,
      compress: true,
    });
  }
  zip.end();

  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(tmp, 'wx', FILE_MODE);
  try {
    for await (const chunk of zip.outputStream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(buf);
      bytes += buf.length;
      await handle.write(buf);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(tmp, FILE_MODE);
  return { sha256: hash.digest('hex'), bytes };
}

/** Write a small file to a temp name (owner-only, synced). */
async function writeTemp(tmp: string, data: string): Promise<void> {
  const handle = await open(tmp, 'wx', FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(tmp, FILE_MODE);
}

/**
 * Move a finished temp file to its name without ever replacing a file that
 * appeared meanwhile: a hard link fails if the name exists. Filesystems
 * without hard links (FAT and exFAT USB sticks) fall back to check-then-rename.
 */
async function placeNew(tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new ExportRefusedError(
        'exists',
        `${path} already exists. spycheck never overwrites a file; choose another name with --out.`,
      );
    }
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV'].includes(code ?? '')) {
      throw err;
    }
    if (await exists(path)) {
      throw new ExportRefusedError(
        'exists',
        `${path} already exists. spycheck never overwrites a file; choose another name with --out.`,
      );
    }
    await rename(tmp, path);
    return;
  }
  await rm(tmp, { force: true });
}

const tempBeside = (path: string) => join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);

/**
 * Verify the bundle, then write the zip and "<zip>.sha256". Throws
 * ExportRefusedError (nothing written) when the bundle does not verify
 * (apart from an unknown signing key, which is normal on another computer),
 * or when the zip or its .sha256 already exists.
 */
export async function exportBundle(bundleDir: string, opts: ExportOptions): Promise<ExportResult> {
  const trusted = { trustedFingerprints: opts.trustedFingerprints };
  const where = await stat(bundleDir).catch(() => undefined);
  if (!where?.isDirectory()) {
    // not a bundle folder at all: verify says so in its own words
    const verification = await verifyBundle(bundleDir, trusted);
    throw new ExportRefusedError(
      'not-verified',
      `The bundle was not exported: ${verification.summary}`,
      verification,
    );
  }
  const zipPath = await checkOut(bundleDir, opts.out);
  const checksumFile = `${zipPath}.sha256`;
  const declared = await declaredBytes(bundleDir);
  if (declared !== undefined && declared > MAX_EXPORT_BYTES) {
    throw new ExportRefusedError(
      'too-large',
      `Its manifest lists ${declared} bytes of files, more than spycheck puts in one zip ` +
        `(${MAX_EXPORT_BYTES} bytes); a spycheck bundle is a few MB, so this is not an ordinary one.`,
    );
  }

  const verification = await verifyBundle(bundleDir, {
    trustedFingerprints: opts.trustedFingerprints,
    keepBytes: true,
  });
  const verdict = exportable(verification);
  if (!verdict.ok) {
    throw new ExportRefusedError(
      'not-verified',
      `The bundle was not exported: ${verification.summary}`,
      verification,
    );
  }
  // verify parsed these very bytes and checked their signature
  const manifest = JSON.parse((verification.manifestBytes ?? Buffer.alloc(0)).toString('utf8'));
  const items = itemsFrom(verification, manifest as Manifest);
  const top = topFolderName(bundleDir);

  const zipTmp = tempBeside(zipPath);
  const sumTmp = tempBeside(checksumFile);
  let placedZip = false;
  try {
    const { sha256, bytes } = await writeZip(zipTmp, top, items, entryTime(manifest));
    await writeTemp(sumTmp, `${sha256}  ${basename(zipPath)}\n`);
    await placeNew(zipTmp, zipPath);
    placedZip = true;
    await placeNew(sumTmp, checksumFile);
    return {
      zip: zipPath,
      checksumFile,
      sha256,
      bytes,
      files: items.length,
      topFolder: top,
      verification,
      unknownKey: verdict.unknownKey,
      provenanceWarning: verdict.provenance,
    };
  } catch (err) {
    // nothing half done is left behind: no temp files, no zip without its .sha256
    await rm(zipTmp, { force: true });
    await rm(sumTmp, { force: true });
    if (placedZip) await rm(zipPath, { force: true });
    throw err;
  }
}
