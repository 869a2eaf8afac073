/**
 * `spycheck rules update --from URL|FOLDER`: installs newer signed packs from a release.
 *
 * For each pack in index.json (its highest version): the version must be newer than the
 * one in use (installed or shipped) and than any version installed before, and not one the
 * person rolled back from; its signer must be trusted here; its schema one this spycheck
 * reads. The archive is downloaded (at most the size the index gives), its size, sha256
 * and signature checked, then unpacked (checked again: archive.ts) into a new folder inside
 * the store, loaded and tested in full — alone and together with every other pack in use —
 * and must hold the id and version the index gave. Only then does `current.json` switch to
 * it, in one atomic rename. Any failure leaves the pack in use as it was.
 */
import { createHash, verify } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { testPacks } from '../../analyze/ruleTester.js';
import { makePrivateDir } from '../../report/files.js';
import { normaliseFingerprint } from '../../report/keys.js';
import { loadRulePacksCompiled } from '../compiled.js';
import { defaultRulesDir, formatRuleError, parsePackDir, type RulePack } from '../load.js';
import { RULE_PACK_SCHEMA } from '../schemaVersion.js';
import { ArchiveError, extractArchive, readArchive } from './archive.js';
import { describeDiff, diffPacks, type PackDiff } from './diff.js';
import { FetchError, openSource, type ReleaseSource } from './fetch.js';
import {
  INDEX_FILE,
  type IndexEntry,
  IndexError,
  MAX_INDEX_BYTES,
  parseIndex,
  SIGNATURE_BYTES,
} from './index.js';
import { defaultRulePaths, shippedPack } from './installed.js';
import { groupFingerprint } from './keys.js';
import { type TrustedSigner, trustedSigners } from './signers.js';
import {
  type Pointer,
  packFilesDir,
  packHome,
  readPointer,
  readReleaseRecord,
  StoreBusyError,
  storeRoot,
  TMP_DIR,
  versionHome,
  versionPresent,
  withStoreLock,
  writePointer,
  writeReleaseRecord,
} from './store.js';
import { compareVersions } from './versions.js';

export type PackUpdateStatus = 'installed' | 'up-to-date' | 'skipped' | 'refused';

export interface PackUpdate {
  id: string;
  version: string;
  status: PackUpdateStatus;
  /** one or more plain sentences for the person */
  message: string;
  /** what changed (installed packs only) */
  diff?: PackDiff;
  /** the publisher's line, from the index (installed packs only) */
  changelog?: string;
  /** fingerprint of the key that signed it */
  signer?: string;
}

export type UpdateResult =
  | { ok: true; source: string; packs: PackUpdate[] }
  | { ok: false; message: string };

export interface UpdateOptions {
  from: string;
  env: NodeJS.ProcessEnv;
  /** the shipped packs (tests); default: rules/ of this spycheck */
  shippedDir?: string;
  now?: Date;
}

const NOTHING_CHANGED = 'Nothing was changed.';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const maxVersion = (vs: Array<string | null | undefined>): string | undefined =>
  vs
    .filter((v): v is string => typeof v === 'string')
    .reduce<string | undefined>(
      (m, v) => (m === undefined || compareVersions(v, m) > 0 ? v : m),
      undefined,
    );

/** The newest version of each pack the index lists. */
function newestById(entries: readonly IndexEntry[]): IndexEntry[] {
  const best = new Map<string, IndexEntry>();
  for (const e of entries) {
    const b = best.get(e.id);
    if (!b || compareVersions(e.version, b.version) > 0) best.set(e.id, e);
  }
  return [...best.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function updatePacks(opts: UpdateOptions): Promise<UpdateResult> {
  const opened = await openSource(opts.from, opts.env);
  if (!opened.ok) return { ok: false, message: opened.message };
  const source = opened.source;
  let entries: IndexEntry[];
  try {
    const bytes = await source.read(INDEX_FILE, MAX_INDEX_BYTES);
    entries = newestById(parseIndex(bytes).packs);
  } catch (err) {
    if (err instanceof FetchError) {
      const hint =
        err.problem === 'offline' || err.problem === 'timeout'
          ? ' Try again when the laptop is online, or copy the release folder to a USB stick and use --from FOLDER.'
          : '';
      return { ok: false, message: `${err.message}${hint} ${NOTHING_CHANGED}` };
    }
    if (err instanceof IndexError)
      return { ok: false, message: `${err.message} ${NOTHING_CHANGED}` };
    throw err;
  }
  const root = storeRoot(opts.env);
  const signers = await trustedSigners(opts.env);
  const shippedDir = opts.shippedDir ?? defaultRulesDir();
  try {
    return await withStoreLock(root, async () => {
      const packs: PackUpdate[] = [];
      for (const entry of entries) {
        packs.push(await updateOne(entry, { ...opts, root, source, signers, shippedDir }));
      }
      return { ok: true as const, source: source.label, packs };
    });
  } catch (err) {
    if (err instanceof StoreBusyError) return { ok: false, message: err.message };
    throw err;
  }
}

interface Ctx extends UpdateOptions {
  root: string;
  source: ReleaseSource;
  signers: Map<string, TrustedSigner>;
  shippedDir: string;
}

class Refusal extends Error {}
const refuse = (message: string): never => {
  throw new Refusal(message);
};

async function updateOne(entry: IndexEntry, ctx: Ctx): Promise<PackUpdate> {
  const { id, version } = entry;
  const base = { id, version };
  const name = `${id} ${version}`;
  const pointer = readPointer(ctx.root, id);
  const current =
    pointer?.version && versionPresent(ctx.root, id, pointer.version) ? pointer.version : undefined;
  const shipped = shippedPack(id, ctx.shippedDir);

  // ---- which versions may not come back
  if (pointer?.rolledBackFrom.includes(version)) {
    return {
      ...base,
      status: 'skipped',
      message: `You went back from ${name} on purpose (rules rollback), so it was not installed again. A newer version will be installed when the publisher releases one.`,
    };
  }
  const highest = maxVersion([current, pointer?.previous, ...(pointer?.rolledBackFrom ?? [])]);
  if (current && version === current) {
    const record = readReleaseRecord(ctx.root, id, current);
    if (!record || record.archiveSha256 === entry.sha256) {
      return { ...base, status: 'up-to-date', message: `${name} is already installed.` };
    }
    return {
      ...base,
      status: 'refused',
      message: `The release offers ${name}, but its file is not the ${name} installed here. A released version never changes, so it was not installed: tell the publisher. ${NOTHING_CHANGED}`,
    };
  }
  if (highest && compareVersions(version, highest) <= 0) {
    return {
      ...base,
      status: 'refused',
      message: `The release offers ${name}, older than the ${highest} this laptop already had. spycheck never goes back to an older list by itself (it may miss newer spy apps); to go back on purpose, use: spycheck rules rollback ${id}. ${NOTHING_CHANGED}`,
    };
  }
  if (shipped?.version && compareVersions(version, shipped.version) <= 0) {
    return {
      ...base,
      status: 'up-to-date',
      message: `${name}: this spycheck already came with ${id} ${shipped.version}.`,
    };
  }

  // ---- who signed it, and can this spycheck read it
  const signerHex = normaliseFingerprint(entry.signer);
  const signer = ctx.signers.get(signerHex);
  if (!signer) {
    return {
      ...base,
      status: 'refused',
      message: `${name} is signed by key ${groupFingerprint(signerHex)}, which this laptop does not trust, so it was not installed. If you expect rule packs from this publisher, get their public key file, compare its fingerprint with them by phone, then run: spycheck rules trust KEY.pem`,
    };
  }
  // a pack stays with its publisher: another trusted key may not replace it unnoticed
  const installedBy = current ? readReleaseRecord(ctx.root, id, current)?.signer : undefined;
  const installedHex = installedBy ? normaliseFingerprint(installedBy) : undefined;
  if (installedHex && installedHex !== signerHex && ctx.signers.has(installedHex)) {
    return {
      ...base,
      status: 'refused',
      message: `${name} is signed by ${signer.fingerprint}, but the ${id} installed here came from another publisher you trust (${groupFingerprint(installedHex)}), so it was not installed. If that publisher has handed ${id} over (or changed their key), run: spycheck rules untrust "${groupFingerprint(installedHex)}", then update again. ${NOTHING_CHANGED}`,
    };
  }
  if (entry.schema > RULE_PACK_SCHEMA) {
    return {
      ...base,
      status: 'refused',
      message: `${name} needs a newer spycheck (it uses rule-pack schema ${entry.schema}; this spycheck reads schema ${RULE_PACK_SCHEMA}). Update spycheck first, then run the update again. ${NOTHING_CHANGED}`,
    };
  }
  if (entry.schema < RULE_PACK_SCHEMA) {
    return {
      ...base,
      status: 'refused',
      message: `${name} is made for an older spycheck (rule-pack schema ${entry.schema}; this spycheck reads schema ${RULE_PACK_SCHEMA}). Ask the publisher for a current release. ${NOTHING_CHANGED}`,
    };
  }

  let tmp: string | undefined;
  try {
    // ---- download and check, before anything is unpacked
    const archive = await ctx.source.read(entry.file, entry.size);
    if (archive.length !== entry.size) {
      refuse(
        `The download of ${name} is incomplete (${archive.length} of ${entry.size} bytes), so it was not installed. Try again.`,
      );
    }
    if (sha256(archive) !== entry.sha256) {
      refuse(
        `The file of ${name} is not the one the release lists (its SHA-256 differs): it was damaged or changed on the way, so it was not installed.`,
      );
    }
    const sig = await ctx.source.read(entry.signature, 1024);
    if (sig.length !== SIGNATURE_BYTES || !verify(null, archive, signer.key, sig)) {
      refuse(
        `The signature of ${name} does not match the publisher's key ${signer.fingerprint}: the file was changed after it was signed, or someone else signed it. It was not installed.`,
      );
    }

    // ---- unpack into the store's own temp folder, then load and test it in full
    let files: ReturnType<typeof readArchive>;
    try {
      files = readArchive(archive);
    } catch (err) {
      if (err instanceof ArchiveError)
        refuse(`The archive of ${name} is unsafe or damaged: ${err.message} It was not installed.`);
      throw err;
    }
    await makePrivateDir(join(ctx.root, TMP_DIR));
    tmp = await mkdtemp(join(ctx.root, TMP_DIR, `${id}-`));
    const unpacked = join(tmp, 'pack');
    await extractArchive(files, unpacked);
    const loaded = await parsePackDir(unpacked);
    if (!loaded.pack) {
      refuse(
        `${name} does not load, so it was not installed:\n${loaded.errors
          .slice(0, 5)
          .map((e) => `  ${formatRuleError({ ...e, file: relative(unpacked, e.file) })}`)
          .join('\n')}`,
      );
    }
    const pack = loaded.pack!;
    if (pack.id !== id || pack.version !== version) {
      refuse(
        `The archive listed as ${name} holds ${pack.id} ${pack.version}. The release index is wrong or was changed, so nothing was installed.`,
      );
    }
    const failures = testPacks([pack]).flatMap((r) => r.failures);
    if (failures.length) {
      refuse(`${name} fails ${failures.length} of its own rule tests, so it was not installed.`);
    }
    const together = defaultRulePaths(ctx.env, ctx.shippedDir, {
      id,
      version,
      dir: unpacked,
      pointer: { version, previous: null, rolledBackFrom: [] },
    });
    const all = await loadRulePacksCompiled(together.paths, {
      env: ctx.env,
      shippedDir: ctx.shippedDir,
    });
    if (all.errors.length) {
      refuse(
        `${name} clashes with the other rule packs on this laptop, so it was not installed:\n${all.errors
          .slice(0, 5)
          .map((e) => `  ${formatRuleError(e)}`)
          .join('\n')}`,
      );
    }

    // ---- what changes, then the switch
    const before = await packInUse(ctx, id, current, shipped?.dir);
    const diff = diffPacks(before?.pack, pack, before?.where);
    const home = versionHome(ctx.root, id, version);
    await makePrivateDir(packHome(ctx.root, id));
    await rm(home, { recursive: true, force: true }); // left by an update that stopped half way
    await mkdir(home, { mode: 0o700 });
    await rename(unpacked, packFilesDir(ctx.root, id, version));
    await writeReleaseRecord(ctx.root, {
      id,
      version,
      date: entry.date,
      archiveSha256: entry.sha256,
      packSha256: pack.sha256,
      signer: signer.fingerprint,
      installed: (ctx.now ?? new Date()).toISOString(),
      source: ctx.source.label,
      ...(entry.changelog ? { changelog: entry.changelog } : {}),
    });
    const next: Pointer = {
      version,
      previous: current ?? null,
      rolledBackFrom: pointer?.rolledBackFrom ?? [],
    };
    await writePointer(ctx.root, id, next);
    await pruneVersions(ctx.root, id, next);
    const was = current
      ? ` (was ${current})`
      : shipped?.version
        ? ` (came with spycheck: ${shipped.version})`
        : '';
    return {
      ...base,
      status: 'installed',
      message: `Installed ${name}${was}, signed by ${signer.fingerprint}.`,
      diff,
      signer: signer.fingerprint,
      ...(entry.changelog ? { changelog: entry.changelog } : {}),
    };
  } catch (err) {
    if (err instanceof Refusal)
      return { ...base, status: 'refused', message: `${err.message} ${NOTHING_CHANGED}` };
    if (err instanceof FetchError) {
      return {
        ...base,
        status: 'refused',
        message: `${err.message} ${name} was not installed. ${NOTHING_CHANGED}`,
      };
    }
    return {
      ...base,
      status: 'refused',
      message: `${name} could not be installed: ${(err as Error).message}. ${NOTHING_CHANGED}`,
    };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** The pack in use now (installed or shipped), loaded, for the diff. */
async function packInUse(
  ctx: Ctx,
  id: string,
  current: string | undefined,
  shippedDir: string | undefined,
): Promise<{ pack: RulePack; where: 'installed' | 'shipped' } | undefined> {
  const dir = current ? packFilesDir(ctx.root, id, current) : shippedDir;
  if (!dir) return undefined;
  const r = await parsePackDir(dir);
  return r.pack ? { pack: r.pack, where: current ? 'installed' : 'shipped' } : undefined;
}

/** Keeps the version in use and the one before it; removes older ones. */
export async function pruneVersions(root: string, id: string, p: Pointer): Promise<void> {
  const keep = new Set([p.version, p.previous].filter(Boolean));
  let names: string[];
  try {
    names = await readdir(packHome(root, id));
  } catch {
    return;
  }
  for (const n of names) {
    if (n.endsWith('.json') || n.startsWith('.') || keep.has(n)) continue;
    await rm(versionHome(root, id, n), { recursive: true, force: true });
  }
}

/** Lines for the terminal describing one pack's update (the caller cleans them). */
export function describeUpdate(u: PackUpdate): string[] {
  const out = [u.message];
  if (u.changelog) out.push(`  Publisher's note: ${u.changelog}`);
  if (u.diff) out.push(...describeDiff(u.diff).map((l) => `  ${l}`));
  return out;
}
