/**
 * Rule packs, precompiled: what the loader produces after parsing and checking
 * a pack (its rules, labels and meta), stored as JSON and keyed by the pack's
 * sha256, so that a pack whose bytes were seen before loads with one
 * JSON.parse and no YAML or zod work.
 *
 * Two places hold compiled packs:
 *  - the shipped index, `dist/rules-index.json`, written at `npm run build`
 *    (buildIndex.ts) from the shipped packs;
 *  - the user cache (`cacheDir()`/rules/), for every other pack folder
 *    (`--rules PATH`, installed packs), written after a full load.
 *
 * A compiled pack is used only when the sha256 of the pack's files, read now,
 * equals the one it was compiled from (`hashPackDir`, the loader's own
 * definition: pack.yaml, labels.yaml and every rule file), and when it was
 * written by this spycheck (version, rule-pack schema, index format and a
 * fingerprint of the loader's code). Anything else (a changed pack, a damaged
 * or edited entry, a link, a file too large) means: parse the pack in full,
 * silently. `rules validate` and `rules test` never come here.
 *
 * A file is `<header JSON>\n<payload JSON>`; the header holds the sha256 of the
 * payload's bytes, so a truncated or edited payload is never parsed. Someone
 * who can write the owner-only cache folder could write a consistent entry; they
 * could as well change the rule packs or spycheck itself.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lstat, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { CATEGORIES } from '../model/category.js';
import { isPurpose } from '../model/purpose.js';
import { SEVERITIES } from '../model/severity.js';
import {
  makePrivateDir,
  readPlainFile,
  safeRelativePath,
  writeFileAtomic,
} from '../report/files.js';
import { toolInfo } from '../util/packageRoot.js';
import { attachPackLabels } from './labels.js';
import {
  defaultRulesDir,
  hashPackDir,
  LABELS_FILE,
  type LoadedRule,
  loadRulePacks,
  MAX_PACK_BYTES,
  type PackLoadResult,
  parsePackDir,
  type RuleLoadError,
  type RulePack,
} from './load.js';
import type { MatchExpr, PackMeta } from './schema.js';
import { RULE_PACK_SCHEMA } from './schemaVersion.js';

/** Bump when the compiled form changes. */
export const INDEX_FORMAT = 1;
const MAGIC = 'spycheck-rules-index';
/** The shipped index, beside dist/rules/ (absent when running from src/). */
export const SHIPPED_INDEX_FILE = 'rules-index.json';
/** A compiled file is at most this large (a pack is at most MAX_PACK_BYTES of YAML). */
const MAX_COMPILED_BYTES = 4 * MAX_PACK_BYTES;

/** One pack, compiled: rule files by path relative to the pack folder ("/" separators). */
export interface CompiledPack {
  sha256: string;
  meta: PackMeta;
  rules: LoadedRule[];
  labels?: Record<string, string>;
}

interface Header {
  format: typeof MAGIC;
  formatVersion: number;
  spycheck: string;
  schema: number;
  code: string;
  /** index: "shipped"; cache: the pack's sha256 */
  key: string;
  /** sha256 of the payload bytes */
  digest: string;
}

/** How each pack folder was loaded, for tests and the benchmark. */
export type PackSource = 'index' | 'cache' | 'parsed';

export interface CompiledLoadOptions {
  /** the user cache folder; default cacheDir(env); false: no cache */
  cacheDir?: string | false;
  /** the shipped index; default dist/rules-index.json; false: none */
  index?: string | false;
  /** packs below this folder are the shipped ones: never written to the user cache */
  shippedDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Where spycheck keeps files it can rebuild: $SPYCHECK_CACHE_DIR, else
 * $XDG_CACHE_HOME/spycheck, else ~/Library/Caches/spycheck (macOS),
 * %LOCALAPPDATA%\spycheck\Cache (Windows), ~/.cache/spycheck (elsewhere).
 */
export function cacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.SPYCHECK_CACHE_DIR) return resolve(env.SPYCHECK_CACHE_DIR);
  // the XDG spec: a relative path is ignored
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) {
    return join(env.XDG_CACHE_HOME, 'spycheck');
  }
  const home = env.HOME || env.USERPROFILE || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'spycheck');
  if (platform === 'win32') {
    return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'spycheck', 'Cache');
  }
  return join(home, '.cache', 'spycheck');
}

const here = dirname(fileURLToPath(import.meta.url));

export function shippedIndexPath(): string {
  return join(here, '..', SHIPPED_INDEX_FILE);
}

/**
 * The modules whose code decides what a loaded pack looks like. Their text is
 * part of every key, so a changed loader (a rebuilt dist/, a developer's edit)
 * never reads packs compiled by the old one.
 */
const CODE_FILES = [
  'rules/load',
  'rules/schema',
  'rules/locate',
  'rules/labels',
  'rules/compiled',
  'util/sanitize',
  'model/category',
  'model/severity',
  'model/snapshot',
];

let fingerprint: string | undefined | null = null;

/** sha256 over the loader's code; undefined (no index, no cache) when a file is missing. */
export function codeFingerprint(): string | undefined {
  if (fingerprint !== null) return fingerprint;
  const ext = extname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  try {
    hash.update(`${toolInfo().version}\0`);
    for (const f of CODE_FILES) {
      const text = readFileSync(join(here, '..', `${f}${ext}`));
      hash.update(`${f}\0${text.length}\0`);
      hash.update(text);
    }
    fingerprint = hash.digest('hex');
  } catch {
    fingerprint = undefined;
  }
  return fingerprint;
}

interface Identity {
  spycheck: string;
  code: string;
}

function identity(): Identity | undefined {
  const code = codeFingerprint();
  if (!code) return undefined;
  return { spycheck: toolInfo().version, code };
}

// ---------------------------------------------------------------- compile

const sha256hex = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** A rule file's path inside its pack folder, "/"-separated; undefined when outside. */
function relFile(dir: string, file: string): string | undefined {
  return safeRelativePath(relative(dir, file).split(sep).join('/'));
}

/**
 * The compiled form of a loaded pack, or undefined when it would not come back
 * exactly (a value JSON cannot hold, a path outside the pack): such a pack is
 * simply parsed each time.
 */
export function compilePack(pack: RulePack): CompiledPack | undefined {
  const rules: LoadedRule[] = [];
  for (const r of pack.rules) {
    const file = relFile(pack.dir, r.file);
    if (!file) return undefined;
    rules.push({ ...r, file });
  }
  if (pack.labels && pack.labels.file !== join(pack.dir, LABELS_FILE)) return undefined;
  const compiled: CompiledPack = {
    sha256: pack.sha256,
    meta: pack.meta,
    rules,
    ...(pack.labels ? { labels: { ...pack.labels.labels } } : {}),
  };
  let back: RulePack;
  try {
    const json = JSON.parse(JSON.stringify(compiled)) as unknown;
    if (!looksLikeCompiledPack(json)) return undefined;
    back = packFromCompiled(json, pack.dir);
  } catch {
    return undefined;
  }
  return isDeepStrictEqual(back, pack) ? compiled : undefined;
}

/** The pack as the loader would return it from `dir`. */
export function packFromCompiled(c: CompiledPack, dir: string): RulePack {
  const rules = c.rules.map((r) => ({ ...r, file: join(dir, ...r.file.split('/')) }));
  const labels = c.labels
    ? { pack: c.meta.id, file: join(dir, LABELS_FILE), labels: c.labels }
    : undefined;
  if (labels) attachPackLabels(rules, labels);
  return {
    id: c.meta.id,
    name: c.meta.name,
    version: c.meta.version,
    sha256: c.sha256,
    dir,
    meta: c.meta,
    rules,
    ...(labels ? { labels } : {}),
  };
}

// ---------------------------------------------------------------- structure

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const strArray = (v: unknown) => Array.isArray(v) && v.every(isStr);
const strRecord = (v: unknown) => isObj(v) && Object.values(v).every(isStr);
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const CATEGORY_SET = new Set<string>(CATEGORIES);
const SEVERITY_SET = new Set<string>(SEVERITIES);
const PLATFORMS = new Set(['android', 'ios']);

/**
 * What each matcher holds. Typed against MatchExpr, so a new matcher does not
 * compile until it is listed here.
 */
const MATCHER_KINDS: Record<keyof MatchExpr, 'list' | 'bool' | 'num' | 'str' | 'obj' | 'expr'> = {
  package: 'list',
  ios_bundle: 'list',
  cert_sha1: 'list',
  cert_sha256: 'list',
  apk_sha256: 'list',
  cert_organization: 'list',
  cert_subject_contains: 'list',
  installer: 'list',
  launcher: 'str',
  system: 'bool',
  handover_app: 'bool',
  permission: 'list',
  appop: 'list',
  platform_name: 'bool',
  false_store_claim: 'bool',
  accessibility_service: 'bool',
  notification_listener: 'bool',
  device_admin: 'bool',
  device_owner: 'bool',
  profile_owner: 'bool',
  usage_access: 'bool',
  draw_over_apps: 'bool',
  install_other_apps: 'bool',
  battery_exempt: 'bool',
  setting: 'obj',
  prop: 'obj',
  root: 'list',
  patch_older_than_days: 'num',
  account_count: 'obj',
  adb_keys_at_least: 'num',
  recently_used: 'obj',
  vpn_owner: 'bool',
  keyboard: 'list',
  role: 'list',
  companion_device: 'list',
  data_sent: 'obj',
  private_dns: 'obj',
  proxy: 'list',
  other_users: 'list',
  screen_lock: 'list',
  ios_signer: 'list',
  ios_spoofed_signer: 'bool',
  ios_apple_lookalike: 'bool',
  ios_background_mode: 'list',
  ios_usage: 'list',
  ios_entitlement: 'list',
  ios_jailbreak_sign: 'list',
  ios_device: 'obj',
  ios_management: 'obj',
  ios_version_below: 'str',
  ios_profile: 'bool',
  ios_profile_removal_disallowed: 'bool',
  all: 'expr',
  any: 'expr',
  not: 'expr',
};

const isFlatValue = (y: unknown) =>
  isStr(y) || typeof y === 'boolean' || Number.isFinite(y) || (Array.isArray(y) && y.every(isStr));

/** A match expression's shape: what the rule compiler can take without throwing. */
function isMatch(v: unknown, depth = 0): boolean {
  if (!isObj(v) || depth > 64 || Object.keys(v).length === 0) return false;
  for (const [k, x] of Object.entries(v)) {
    const kind = Object.hasOwn(MATCHER_KINDS, k) ? MATCHER_KINDS[k as keyof MatchExpr] : undefined;
    switch (kind) {
      case 'list':
        if (!Array.isArray(x) || x.length === 0 || !x.every(isStr)) return false;
        break;
      case 'bool':
        if (typeof x !== 'boolean') return false;
        break;
      case 'num':
        if (!Number.isInteger(x)) return false;
        break;
      case 'str':
        if (!isStr(x)) return false;
        break;
      case 'obj':
        if (!isObj(x) || !Object.values(x).every(isFlatValue)) return false;
        break;
      case 'expr':
        if (k === 'not') {
          if (!isMatch(x, depth + 1)) return false;
        } else if (!Array.isArray(x) || x.length === 0 || !x.every((m) => isMatch(m, depth + 1)))
          return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function isRule(v: unknown, meta: PackMeta): boolean {
  if (!isObj(v)) return false;
  const ex = v.explanation;
  return (
    isStr(v.id) &&
    isStr(v.title) &&
    CATEGORY_SET.has(v.category as string) &&
    SEVERITY_SET.has(v.severity as string) &&
    Array.isArray(v.platforms) &&
    v.platforms.length > 0 &&
    v.platforms.every((p) => PLATFORMS.has(p as string)) &&
    isMatch(v.match) &&
    optional(
      v.raise,
      (r) =>
        Array.isArray(r) &&
        r.every((x) => isObj(x) && SEVERITY_SET.has(x.severity as string) && isMatch(x.when)),
    ) &&
    isObj(ex) &&
    isStr(ex.what) &&
    isStr(ex.risk) &&
    isStr(ex.next_steps) &&
    optional(v.replaces, strArray) &&
    optional(v.instead_of, strArray) &&
    (v.instead_of === undefined || v.purpose !== undefined) &&
    optional(v.purpose, (x) => isPurpose(x)) &&
    optional(v.labels, strRecord) &&
    optional(v.dual_use, (x) => typeof x === 'boolean') &&
    optional(v.falsepositives, strArray) &&
    optional(v.references, strArray) &&
    optional(v.tests, (t) => isObj(t) && Array.isArray(t.match) && Array.isArray(t.no_match)) &&
    v.pack === meta.id &&
    v.packVersion === meta.version &&
    isStr(v.file) &&
    safeRelativePath(v.file) === v.file &&
    optional(v.line, Number.isInteger) &&
    optional(v.col, Number.isInteger)
  );
}

/** A cheap check of the shape, so a damaged entry is refused rather than crashing a scan. */
export function looksLikeCompiledPack(v: unknown): v is CompiledPack {
  if (!isObj(v) || !isStr(v.sha256) || !/^[0-9a-f]{64}$/.test(v.sha256)) return false;
  const meta = v.meta;
  if (
    !isObj(meta) ||
    meta.schema !== RULE_PACK_SCHEMA ||
    !isStr(meta.id) ||
    !isStr(meta.name) ||
    !isStr(meta.version) ||
    !isStr(meta.licence) ||
    !isStr(meta.date)
  )
    return false;
  if (!optional(v.labels, strRecord)) return false;
  return (
    Array.isArray(v.rules) &&
    v.rules.length > 0 &&
    v.rules.every((r) => isRule(r, meta as PackMeta))
  );
}

// ---------------------------------------------------------------- files

function serialise(key: string, who: Identity, payload: unknown): string {
  const body = JSON.stringify(payload);
  const header: Header = {
    format: MAGIC,
    formatVersion: INDEX_FORMAT,
    spycheck: who.spycheck,
    schema: RULE_PACK_SCHEMA,
    code: who.code,
    key,
    digest: sha256hex(body),
  };
  return `${JSON.stringify(header)}\n${body}\n`;
}

/** The payload of a compiled file, when its header and digest are what this spycheck wrote. */
async function readCompiledFile(
  path: string,
  key: string,
  who: Identity,
  within?: string,
): Promise<unknown> {
  let buf: Buffer;
  try {
    buf = await readPlainFile(path, {
      maxBytes: MAX_COMPILED_BYTES,
      ...(within ? { within } : {}),
    });
  } catch {
    return undefined; // missing, a link, not a plain file, too large
  }
  const nl = buf.indexOf(10);
  if (nl < 0 || nl > 4096) return undefined;
  try {
    const h = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Partial<Header>;
    if (
      !isObj(h) ||
      h.format !== MAGIC ||
      h.formatVersion !== INDEX_FORMAT ||
      h.spycheck !== who.spycheck ||
      h.schema !== RULE_PACK_SCHEMA ||
      h.code !== who.code ||
      h.key !== key
    )
      return undefined;
    let end = buf.length;
    if (buf[end - 1] === 10) end--;
    const body = buf.subarray(nl + 1, end);
    if (sha256hex(body) !== h.digest) return undefined;
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The shipped index: pack sha256 → compiled pack (empty when absent or not this build's). */
export async function readShippedIndex(
  path = shippedIndexPath(),
): Promise<Map<string, CompiledPack>> {
  const out = new Map<string, CompiledPack>();
  const who = identity();
  if (!who) return out;
  const payload = await readCompiledFile(path, 'shipped', who);
  if (!isObj(payload) || !Array.isArray(payload.packs)) return out;
  for (const p of payload.packs) if (looksLikeCompiledPack(p)) out.set(p.sha256, p);
  return out;
}

/**
 * Writes the shipped index for the packs in `rulesDir`, for `npm run build`.
 * A pack that does not load is left out (the loader then parses it and says why).
 */
export async function writeShippedIndex(
  out: string,
  rulesDir = defaultRulesDir(),
): Promise<{ packs: string[]; errors: RuleLoadError[] }> {
  const who = identity();
  if (!who) throw new Error('spycheck could not read its own rule-loading code');
  const { packs, errors } = await loadRulePacks([rulesDir]);
  const compiled: CompiledPack[] = [];
  const bad = new Set(errors.map((e) => e.file));
  for (const p of packs) {
    // a pack named in an error (a duplicate id across packs) is not compiled
    if ([...bad].some((f) => f.startsWith(`${p.dir}${sep}`))) continue;
    const c = compilePack(p);
    if (c) compiled.push(c);
  }
  // part of the package: readable by everyone, like the rest of dist/
  const tmp = `${out}.${process.pid}.tmp`;
  await writeFile(tmp, serialise('shipped', who, { packs: compiled }), { mode: 0o644 });
  await rename(tmp, out);
  return { packs: compiled.map((c) => c.meta.id), errors };
}

const cacheKey = (sha: string, who: Identity) =>
  sha256hex(`${MAGIC}\n${INDEX_FORMAT}\n${sha}\n${who.spycheck}\n${RULE_PACK_SCHEMA}\n${who.code}`);

/** Where the user cache keeps the compiled pack with this sha256 (`root` as from cacheDir()). */
export function cacheEntryPath(root: string, sha: string): string | undefined {
  const who = identity();
  return who ? join(root, 'rules', `${cacheKey(sha, who)}.json`) : undefined;
}

async function readCacheEntry(
  dir: string,
  sha: string,
  who: Identity,
): Promise<CompiledPack | undefined> {
  const key = cacheKey(sha, who);
  const payload = await readCompiledFile(join(dir, `${key}.json`), key, who, dir);
  return looksLikeCompiledPack(payload) && payload.sha256 === sha ? payload : undefined;
}

/** Best effort: a read-only or full disk only costs the next run a full parse. */
async function writeCacheEntry(dir: string, pack: RulePack, who: Identity): Promise<void> {
  try {
    const c = compilePack(pack);
    if (!c) return;
    const key = cacheKey(pack.sha256, who);
    await makePrivateDir(dir);
    await writeFileAtomic(join(dir, `${key}.json`), serialise(key, who, c));
    await pruneCache(dir);
  } catch {
    // silent: the rules are loaded all the same
  }
}

/** Entries kept; every edit of a pack makes a new one, so the oldest go. */
export const MAX_CACHE_ENTRIES = 64;

/** Keeps the newest entries, and removes temp files a crash left behind. */
async function pruneCache(dir: string): Promise<void> {
  const entries: Array<{ path: string; mtime: number }> = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (/^[0-9a-f]{64}\.json$/.test(name)) {
      const st = await lstat(path).catch(() => undefined);
      if (st) entries.push({ path, mtime: st.mtimeMs });
    } else if (/^\.[0-9a-f]{12}\.tmp$/.test(name)) {
      const st = await lstat(path).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 3_600_000) await rm(path, { force: true });
    }
  }
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const e of entries.slice(MAX_CACHE_ENTRIES)) await rm(e.path, { force: true });
}

// ---------------------------------------------------------------- loader

/**
 * Loads rule packs like `loadRulePacks`, with the same result, but takes a pack
 * from the shipped index or the user cache when its bytes are the ones compiled.
 * Single rule files and packs that fail to load are always parsed in full.
 */
export async function loadRulePacksCompiled(
  paths: string[],
  opts: CompiledLoadOptions = {},
): Promise<{ packs: RulePack[]; errors: RuleLoadError[]; sources: Map<string, PackSource> }> {
  const who = identity();
  const sources = new Map<string, PackSource>();
  const cache =
    opts.cacheDir === false ? undefined : join(opts.cacheDir ?? cacheDir(opts.env), 'rules');
  const shippedDir = resolve(opts.shippedDir ?? defaultRulesDir());
  let index: Promise<Map<string, CompiledPack>> | undefined;
  const shipped = () => {
    index ??=
      opts.index === false || !who
        ? Promise.resolve(new Map())
        : readShippedIndex(opts.index ?? shippedIndexPath());
    return index;
  };
  const loadPack = async (dir: string): Promise<PackLoadResult> => {
    const isShipped = dirname(resolve(dir)) === shippedDir;
    if (who) {
      const sha = await hashPackDir(dir);
      if (sha) {
        const fromIndex = (await shipped()).get(sha);
        if (fromIndex) {
          sources.set(dir, 'index');
          return { pack: packFromCompiled(fromIndex, dir), errors: [] };
        }
        const fromCache = cache && !isShipped ? await readCacheEntry(cache, sha, who) : undefined;
        if (fromCache) {
          sources.set(dir, 'cache');
          return { pack: packFromCompiled(fromCache, dir), errors: [] };
        }
      }
    }
    const res = await parsePackDir(dir);
    sources.set(dir, 'parsed');
    // keyed by the sha256 of the bytes actually parsed, never of an earlier read
    if (who && cache && !isShipped && res.pack && res.errors.length === 0) {
      await writeCacheEntry(cache, res.pack, who);
    }
    return res;
  };
  const { packs, errors } = await loadRulePacks(paths, { loadPack });
  return { packs, errors, sources };
}
