/**
 * `spycheck rules pack`: makes a release folder of static files from pack folders.
 * Every pack must load and pass its own tests; then each becomes
 * `<id>-<version>.tar.gz` (archive.ts), `<file>.sig` (a detached Ed25519 signature over
 * the archive's bytes, 64 bytes, as `openssl pkeyutl -sign -rawin` writes it) and an entry
 * in index.json. A file already in the release folder is never replaced by other bytes: a
 * released version never changes.
 */
import { createHash, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPacks } from '../../analyze/ruleTester.js';
import { formatRuleError, loadRulePacks, parsePackDir, type RulePack } from '../load.js';
import {
  ARCHIVE_EXT,
  ArchiveError,
  extractArchive,
  packFiles,
  readArchive,
  writeArchive,
} from './archive.js';
import {
  INDEX_FILE,
  INDEX_FORMAT,
  INDEX_FORMAT_VERSION,
  type IndexEntry,
  IndexError,
  MAX_INDEX_BYTES,
  parseIndex,
  type ReleaseIndex,
  serialiseIndex,
} from './index.js';
import { fingerprintOf, KeyFileError, readPrivateKeyFile } from './keys.js';
import { compareVersions } from './versions.js';

export interface PackOptions {
  /** pack folders (or folders of packs) */
  dirs: string[];
  /** the publisher's Ed25519 private key (PEM) */
  keyFile: string;
  /** the release folder (created when missing) */
  outDir: string;
  /** one line saying what changed, shown to caseworkers before they update */
  changelog?: string;
  now?: Date;
}

export interface ReleasedPack {
  id: string;
  version: string;
  file: string;
  signature: string;
  sha256: string;
  size: number;
  signer: string;
  /** the release folder already held exactly these bytes */
  unchanged: boolean;
}

export type PackResult =
  | { ok: true; packs: ReleasedPack[]; index: string; signer: string }
  | { ok: false; problems: string[] };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Bytes of a file, or undefined when there is none. */
async function existing(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Release files are published as they are: readable by everyone, written whole or not at all. */
async function writePublic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const h = await open(tmp, 'w', 0o644);
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
  await rename(tmp, path);
}

/** The archive must hold the pack exactly: unpacked, it loads with the same sha256. */
async function checkRoundTrip(pack: RulePack, archive: Buffer): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'spycheck-pack-'));
  try {
    await extractArchive(readArchive(archive), join(dir, 'pack'));
    const back = await parsePackDir(join(dir, 'pack'));
    if (!back.pack) return back.errors.map(formatRuleError).join('; ');
    if (back.pack.sha256 !== pack.sha256) return 'the archive does not hold every file of the pack';
    return undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Planned {
  pack: RulePack;
  archive: Buffer;
  signature: Buffer;
  entry: IndexEntry;
  unchanged: boolean;
}

export async function releasePacks(opts: PackOptions): Promise<PackResult> {
  let key: KeyObject;
  try {
    key = await readPrivateKeyFile(opts.keyFile);
  } catch (err) {
    if (err instanceof KeyFileError) return { ok: false, problems: [err.message] };
    throw err;
  }
  const signer = fingerprintOf(createPublicKey(key));

  const problems: string[] = [];
  for (const d of opts.dirs) {
    const st = await stat(d).catch(() => undefined);
    if (!st?.isDirectory()) problems.push(`${d}: expected a pack folder (holding pack.yaml).`);
  }
  if (problems.length) return { ok: false, problems };
  const { packs, errors } = await loadRulePacks(opts.dirs);
  if (errors.length) return { ok: false, problems: errors.map(formatRuleError) };
  if (packs.length === 0) return { ok: false, problems: ['No rule packs found.'] };
  const failures = testPacks(packs).flatMap((r) => r.failures);
  if (failures.length) {
    return {
      ok: false,
      problems: [
        ...failures.map(formatRuleError),
        `${failures.length} rule test(s) failed: a pack is released only when all its tests pass.`,
      ],
    };
  }

  await mkdir(opts.outDir, { recursive: true });
  const indexPath = join(opts.outDir, INDEX_FILE);
  let index: ReleaseIndex | undefined;
  const indexBytes = await existing(indexPath);
  if (indexBytes) {
    if (indexBytes.length > MAX_INDEX_BYTES) {
      return { ok: false, problems: [`${indexPath} is too large to be a release index.`] };
    }
    try {
      index = parseIndex(indexBytes);
    } catch (err) {
      if (!(err instanceof IndexError)) throw err;
      return { ok: false, problems: [`${indexPath}: ${err.message} Fix it or move it aside.`] };
    }
  }

  const planned: Planned[] = [];
  for (const pack of packs) {
    let archive: Buffer;
    try {
      const entries = await packFiles(pack.dir);
      archive = writeArchive(entries, Math.floor(Date.parse(`${pack.meta.date}T00:00:00Z`) / 1000));
    } catch (err) {
      if (!(err instanceof ArchiveError)) throw err;
      problems.push(`${pack.dir}: ${err.message}`);
      continue;
    }
    const bad = await checkRoundTrip(pack, archive);
    if (bad) {
      problems.push(`${pack.dir}: ${bad}`);
      continue;
    }
    const file = `${pack.id}-${pack.version}${ARCHIVE_EXT}`;
    const sigFile = `${file}.sig`;
    const signature = sign(null, archive, key);
    const oldArchive = await existing(join(opts.outDir, file));
    const oldSig = await existing(join(opts.outDir, sigFile));
    if (oldArchive && !oldArchive.equals(archive)) {
      problems.push(
        `${file} is already in the release folder with other content. A released version never changes: raise "version" in ${join(pack.dir, 'pack.yaml')} and run this again.`,
      );
      continue;
    }
    if (oldSig && !oldSig.equals(signature)) {
      problems.push(
        `${sigFile} is already in the release folder, signed by another key. A released version never changes: raise "version" in ${join(pack.dir, 'pack.yaml')} and run this again.`,
      );
      continue;
    }
    const before = index?.packs.find((e) => e.id === pack.id && e.version === pack.version);
    const changelog = opts.changelog ?? before?.changelog;
    planned.push({
      pack,
      archive,
      signature,
      unchanged: oldArchive !== undefined && oldSig !== undefined,
      entry: {
        id: pack.id,
        version: pack.version,
        date: pack.meta.date,
        schema: pack.meta.schema,
        file,
        sha256: sha256(archive),
        size: archive.length,
        signature: sigFile,
        signer,
        ...(changelog ? { changelog } : {}),
      },
    });
  }
  if (problems.length) return { ok: false, problems };

  for (const p of planned) {
    if (p.unchanged) continue;
    await writePublic(join(opts.outDir, p.entry.file), p.archive);
    await writePublic(join(opts.outDir, p.entry.signature), p.signature);
  }
  const fresh = new Set(planned.map((p) => `${p.entry.id}@${p.entry.version}`));
  const entries = [
    ...(index?.packs ?? []).filter((e) => !fresh.has(`${e.id}@${e.version}`)),
    ...planned.map((p) => p.entry),
  ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : compareVersions(a.version, b.version)));
  const next: ReleaseIndex = {
    format: INDEX_FORMAT,
    formatVersion: INDEX_FORMAT_VERSION,
    generated: (opts.now ?? new Date()).toISOString(),
    packs: entries,
  };
  await writePublic(indexPath, serialiseIndex(next));
  return {
    ok: true,
    signer,
    index: indexPath,
    packs: planned.map((p) => ({
      id: p.entry.id,
      version: p.entry.version,
      file: p.entry.file,
      signature: p.entry.signature,
      sha256: p.entry.sha256,
      size: p.entry.size,
      signer,
      unchanged: p.unchanged,
    })),
  };
}
