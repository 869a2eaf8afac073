/**
 * Installed rule packs, in the user data folder (dataDir.ts):
 *
 *   packs/<id>/current.json          which version is in use, the one before it, and
 *                                    the versions rolled back from (written atomically)
 *   packs/<id>/<version>/pack/       the pack's files, as unpacked from the signed archive
 *   packs/<id>/<version>/release.json  where it came from: archive sha256, the pack's
 *                                    sha256 as the loader computes it, signer, when
 *   rule-signers/<fingerprint>.pem   trusted rule publishers (signers.ts)
 *   tmp/                             unpacking happens here, on the same disk
 *
 * Reading is synchronous and cheap: every scan asks which packs are installed. Nothing
 * here loads YAML or zod.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makePrivateDir, writeFileAtomic } from '../../report/files.js';
import { dataDir } from './dataDir.js';
import { validPackId, validVersion } from './versions.js';

export const PACKS_DIR = 'packs';
export const POINTER_FILE = 'current.json';
export const RELEASE_FILE = 'release.json';
export const PACK_FILES_DIR = 'pack';
export const TMP_DIR = 'tmp';
const MAX_RECORD_BYTES = 64 * 1024;

export interface Pointer {
  /** the version in use; null: none (the shipped pack, if any, is used) */
  version: string | null;
  /** the version in use before it, kept for `rules rollback` */
  previous: string | null;
  /** versions the person rolled back from: `rules update` does not install them again */
  rolledBackFrom: string[];
}

export interface ReleaseRecord {
  id: string;
  version: string;
  date: string;
  /** sha256 of the archive as downloaded and verified */
  archiveSha256: string;
  /** the pack's sha256 as the loader computes it (src/rules/load.ts packDigest) */
  packSha256: string;
  /** fingerprint of the key that signed the archive, "1a2b 3c4d …" */
  signer: string;
  installed: string;
  source: string;
  changelog?: string;
}

export interface InstalledPack {
  id: string;
  version: string;
  /** the pack folder (holds pack.yaml) */
  dir: string;
  pointer: Pointer;
  record?: ReleaseRecord;
}

export const storeRoot = (env: NodeJS.ProcessEnv = process.env): string => dataDir(env);
export const packHome = (root: string, id: string): string => join(root, PACKS_DIR, id);
export const versionHome = (root: string, id: string, version: string): string =>
  join(root, PACKS_DIR, id, version);
export const packFilesDir = (root: string, id: string, version: string): string =>
  join(versionHome(root, id, version), PACK_FILES_DIR);

/** A small JSON file of ours: a plain file (not a link), size-capped; undefined otherwise. */
function readJsonSync(path: string): unknown {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_RECORD_BYTES) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readPointer(root: string, id: string): Pointer | undefined {
  const v = readJsonSync(join(packHome(root, id), POINTER_FILE));
  if (!isObj(v)) return undefined;
  const version = v.version === null || validVersion(v.version) ? v.version : undefined;
  const previous = v.previous === null || validVersion(v.previous) ? v.previous : undefined;
  const back = Array.isArray(v.rolledBackFrom) ? v.rolledBackFrom.filter(validVersion) : [];
  if (version === undefined || previous === undefined) return undefined;
  return { version, previous, rolledBackFrom: back };
}

export async function writePointer(root: string, id: string, p: Pointer): Promise<void> {
  await makePrivateDir(packHome(root, id));
  await writeFileAtomic(join(packHome(root, id), POINTER_FILE), `${JSON.stringify(p, null, 2)}\n`);
}

export function readReleaseRecord(
  root: string,
  id: string,
  version: string,
): ReleaseRecord | undefined {
  const v = readJsonSync(join(versionHome(root, id, version), RELEASE_FILE));
  if (!isObj(v)) return undefined;
  const str = (k: string) => typeof v[k] === 'string';
  if (
    v.id !== id ||
    v.version !== version ||
    !['date', 'archiveSha256', 'packSha256', 'signer', 'installed', 'source'].every(str)
  )
    return undefined;
  return v as unknown as ReleaseRecord;
}

export async function writeReleaseRecord(root: string, r: ReleaseRecord): Promise<void> {
  await writeFileAtomic(
    join(versionHome(root, r.id, r.version), RELEASE_FILE),
    `${JSON.stringify(r, null, 2)}\n`,
  );
}

const hasPackYaml = (dir: string): boolean => {
  try {
    return lstatSync(join(dir, 'pack.yaml')).isFile();
  } catch {
    return false;
  }
};

/** Whether that version's files are still there. */
export const versionPresent = (root: string, id: string, version: string): boolean =>
  hasPackYaml(packFilesDir(root, id, version));

/** Pack ids with a folder in the store (installed now or before). */
export function storedPackIds(root: string): string[] {
  try {
    return readdirSync(join(root, PACKS_DIR))
      .filter((n) => validPackId(n))
      .sort();
  } catch {
    return [];
  }
}

/** Every installed pack in use, by id; a damaged entry is left out (the shipped pack is used). */
export function installedPacks(env: NodeJS.ProcessEnv = process.env): InstalledPack[] {
  const root = storeRoot(env);
  const out: InstalledPack[] = [];
  for (const id of storedPackIds(root)) {
    const pointer = readPointer(root, id);
    if (!pointer?.version || !versionPresent(root, id, pointer.version)) continue;
    const record = readReleaseRecord(root, id, pointer.version);
    out.push({
      id,
      version: pointer.version,
      dir: packFilesDir(root, id, pointer.version),
      pointer,
      ...(record ? { record } : {}),
    });
  }
  return out;
}

const LOCK_FILE = 'update.lock';
/** A lock older than this was left by a spycheck that stopped half way. */
const STALE_LOCK_MS = 10 * 60_000;

export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
}

/** Runs `fn` while no other spycheck changes the installed packs. */
export async function withStoreLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  await makePrivateDir(root);
  const lock = join(root, LOCK_FILE);
  const take = () => open(lock, 'wx', 0o600);
  let handle: Awaited<ReturnType<typeof take>>;
  try {
    handle = await take();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const st = await stat(lock).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs < STALE_LOCK_MS) {
      throw new StoreBusyError(
        'Another spycheck is changing the rule packs right now. Wait for it to finish, then try again.',
      );
    }
    await rm(lock, { force: true });
    handle = await take();
  }
  try {
    await handle.writeFile(`${process.pid}\n`);
    return await fn();
  } finally {
    await handle.close();
    await rm(lock, { force: true });
  }
}
