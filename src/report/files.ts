/** Private, atomic file writes for bundles and reports. */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

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
