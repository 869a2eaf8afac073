/** Private, atomic file writes for bundles and reports. */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, lstat, mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** mkdir -p with owner-only permissions (umask cannot widen them; chmod narrows existing ones). */
export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await chmod(dir, DIR_MODE);
}

/** Write to a temp file beside the target, fsync, then rename: never a half-written file. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await chmod(tmp, FILE_MODE);
  await rename(tmp, path);
}

/**
 * A relative path that stays inside its folder: no "..", no absolute path,
 * no empty or hidden segments, "/" separators. Returns undefined when unsafe.
 */
export function safeRelativePath(p: string): string | undefined {
  if (typeof p !== 'string' || p.length === 0 || p.length > 255) return undefined;
  if (isAbsolute(p) || p.includes('\\') || p.includes('\0')) return undefined;
  const parts = p.split('/');
  if (parts.some((s) => s === '' || s === '.' || s === '..' || s.startsWith('.'))) return undefined;
  if (parts.some((s) => /[\x00-\x1f\x7f]/.test(s))) return undefined;
  const n = normalize(p).split(sep).join('/');
  return n === p ? p : undefined;
}

/** A file that is not safe to read as evidence: a link, a device, a pipe, a folder, or too large. */
export class UnsafeFileError extends Error {
  constructor(
    readonly path: string,
    readonly why: 'link' | 'not-plain' | 'too-large' | 'outside',
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

export interface PlainFileOptions {
  /** Refuse anything larger (checked before and while reading) */
  maxBytes: number;
  /**
   * The folder the file must stay inside (a bundle, an acquisition): no part
   * of the path below it may be a link, and the resolved path must be inside
   * its resolved path. Without it only the last part is checked.
   */
  within?: string;
}

/** A relative path (from path.relative) that names something strictly inside the folder. */
const isBelow = (rel: string): boolean =>
  rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);

// Windows has no O_NOFOLLOW; the lstat checks still apply there.
const NO_FOLLOW = (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0);

/**
 * Read a plain file from input someone else handed us (a bundle, a key file).
 * A link could point at this computer's signing key, a pipe could hang, and
 * /dev/zero never ends: only regular files, opened without following links,
 * with a size cap.
 */
export async function readPlainFile(path: string, opts: PlainFileOptions): Promise<Buffer> {
  const shown = opts.within ? relative(opts.within, path).split(sep).join('/') : path;
  if (opts.within) {
    const rel = relative(opts.within, path);
    if (!isBelow(rel)) {
      throw new UnsafeFileError(path, 'outside', `${shown} is outside the folder being read`);
    }
    let cur = opts.within;
    for (const part of rel.split(sep)) {
      cur = join(cur, part);
      const st = await lstat(cur);
      if (st.isSymbolicLink()) {
        const what = cur === path ? shown : relative(opts.within, cur).split(sep).join('/');
        throw new UnsafeFileError(path, 'link', `${what} is a link to somewhere else`);
      }
    }
  }
  const st = await lstat(path);
  if (st.isSymbolicLink())
    throw new UnsafeFileError(path, 'link', `${shown} is a link to somewhere else`);
  if (!st.isFile()) throw new UnsafeFileError(path, 'not-plain', `${shown} is not a plain file`);
  if (st.size > opts.maxBytes) {
    throw new UnsafeFileError(path, 'too-large', `${shown} is larger than ${opts.maxBytes} bytes`);
  }
  const handle = await open(path, fsConstants.O_RDONLY | NO_FOLLOW);
  try {
    const fst = await handle.stat();
    if (!fst.isFile()) throw new UnsafeFileError(path, 'not-plain', `${shown} is not a plain file`);
    if (opts.within) {
      const [real, root] = await Promise.all([realpath(path), realpath(opts.within)]);
      if (!isBelow(relative(root, real))) {
        throw new UnsafeFileError(path, 'outside', `${shown} leads outside the folder being read`);
      }
    }
    // Read to the end but never past the cap, in case the file grows meanwhile.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(1024 * 1024, opts.maxBytes + 1 - total);
      if (want <= 0) break;
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buf, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > opts.maxBytes) {
      throw new UnsafeFileError(
        path,
        'too-large',
        `${shown} is larger than ${opts.maxBytes} bytes`,
      );
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}
