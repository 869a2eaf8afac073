/**
 * Loads rule packs from disk and validates them strictly. A pack that has
 * any error is left out of `packs` and every error is returned with
 * file:line:col, so a caller can refuse to scan before touching a phone.
 *
 * What a path may be:
 *  - a pack directory (holds pack.yaml; every other *.yaml / *.yml below it is
 *    a rule file, each holding one rule per YAML document),
 *  - a directory of pack directories (e.g. the shipped `rules/`),
 *  - a pack.yaml file (its directory is the pack),
 *  - a single rule file: loaded as a local pack "local.<file name>" so a
 *    maintainer can try one rule without writing pack.yaml.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { forTerminal, showHidden } from '../util/sanitize.js';
import { attachPackLabels, type PackLabels } from './labels.js';
import type { PackMeta, RuleDef } from './schema.js';
import { RULE_PACK_SCHEMA } from './schemaVersion.js';

/**
 * The YAML parser and the schemas, loaded only when a pack is really parsed: a scan takes
 * compiled packs (compiled.ts) and never needs them, which keeps ~100 ms of loading off the
 * start of every scan. Loaded one after the other (parallel imports are not safe on Node 20).
 */
interface ParserDeps {
  yaml: typeof import('yaml');
  schema: typeof import('./schema.js');
  locate: typeof import('./locate.js');
}
let parserDeps: Promise<ParserDeps> | undefined;
/** Set once `parser()` has resolved; the sync helpers below only run after that. */
let loaded: ParserDeps | undefined;
function parser(): Promise<ParserDeps> {
  parserDeps ??= (async () => {
    const yaml = await import('yaml');
    const schema = await import('./schema.js');
    const locate = await import('./locate.js');
    loaded = { yaml, schema, locate };
    return loaded;
  })();
  return parserDeps;
}
const deps = (): ParserDeps => {
  if (!loaded) throw new Error('the rule-pack parser was used before it was loaded');
  return loaded;
};

export interface RuleLoadError {
  file: string;
  line?: number;
  col?: number;
  message: string;
}

export interface LoadedRule extends RuleDef {
  pack: string;
  packVersion: string;
  file: string;
  line?: number;
  col?: number;
}

export interface RulePack {
  id: string;
  name: string;
  version: string;
  /** SHA-256 over every YAML file of the pack (relative path + content, sorted by path) */
  sha256: string;
  dir: string;
  meta: PackMeta;
  rules: LoadedRule[];
  /** the pack's labels.yaml: names of common apps by exact id (see labels.ts) */
  labels?: PackLabels;
}

/** A pack's file of app names, beside pack.yaml (never read as a rule file). */
export const LABELS_FILE = 'labels.yaml';

/** A rule file larger than this is refused before parsing (indicator lists stay far below). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** All files of one pack together. */
export const MAX_PACK_BYTES = 64 * 1024 * 1024;
/** YAML aliases are never needed in rules; a few are tolerated, floods ("billion laughs") are not. */
export const MAX_ALIAS_COUNT = 50;

/**
 * One line for the terminal. File names and messages hold text from the pack
 * (key names, values, file names), so the line goes through forTerminal.
 */
export function formatRuleError(e: RuleLoadError): string {
  return forTerminal(`${location(e)}: ${e.message}`, { maxLength: 2000 });
}

/** file or file:line:col */
function location(e: Pick<RuleLoadError, 'file' | 'line' | 'col'>): string {
  return e.line === undefined ? e.file : `${e.file}:${e.line}:${e.col ?? 1}`;
}

/** `<package root>/rules`, from src/rules/ (vitest) and from dist/rules/ (built) alike. */
export function defaultRulesDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules');
}

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Whether a folder entry below a pack is skipped before looking inside: hidden, node_modules. */
const skipEntry = (name: string) => name.startsWith('.');
const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
/** A rule file: YAML, and at the top of the pack neither pack.yaml nor labels.yaml. */
const isRuleFileName = (name: string, top: boolean) =>
  isYaml(name) && !(top && (name === 'pack.yaml' || name === LABELS_FILE));

/** Rule files of a pack: YAML files below `dir`, not entering hidden dirs or nested packs. */
async function ruleFiles(dir: string, top = true): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort(byName);
  for (const e of entries) {
    if (skipEntry(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || (await exists(join(p, 'pack.yaml')))) continue;
      out.push(...(await ruleFiles(p, false)));
    } else if (e.isFile() && isRuleFileName(e.name, top)) {
      out.push(p);
    }
  }
  return out;
}

/**
 * The same list as ruleFiles, read synchronously: hashing a pack reads a few
 * hundred small files, and one blocking read each is far cheaper than four
 * thread-pool round trips.
 */
function ruleFilesSync(dir: string, top = true): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort(byName);
  for (const e of entries) {
    if (skipEntry(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || existsSync(join(p, 'pack.yaml'))) continue;
      out.push(...ruleFilesSync(p, false));
    } else if (e.isFile() && isRuleFileName(e.name, top)) {
      out.push(p);
    }
  }
  return out;
}

const KNOWN_KEYS = [
  'id',
  'replaces',
  'status',
  'purpose',
  'instead_of',
  'title',
  'category',
  'severity',
  'platforms',
  'match',
  'raise',
  'dual_use',
  'labels',
  'explanation',
  'falsepositives',
  'references',
  'date',
  'modified',
  'tests',
  'what',
  'risk',
  'next_steps',
  'no_match',
  'licence',
  'sources',
  'schema',
  'version',
  'package',
  'cert_sha1',
  'cert_sha256',
  'apk_sha256',
  'permission',
  'installer',
  'launcher',
  'platform_name',
  'false_store_claim',
  'vpn_owner',
  'keyboard',
  'role',
  'companion_device',
  'data_sent',
  'private_dns',
  'proxy',
  'other_users',
  'screen_lock',
];
const ALIASES: Record<string, string> = {
  license: 'licence',
  false_positives: 'falsepositives',
  level: 'severity',
  description: 'explanation',
  detection: 'match',
  packages: 'package',
  certificates: 'cert_sha1',
  nomatch: 'no_match',
};

function suggest(key: string): string {
  const alias = ALIASES[key.toLowerCase()];
  if (alias) return ` — did you mean "${alias}"?`;
  const near = KNOWN_KEYS.find((k) => editDistance(k, key.toLowerCase()) <= 2);
  return near && near !== key ? ` — did you mean "${near}"?` : '';
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length]![b.length]!;
}

/** Where in the document, e.g. labels.com.example: keys come from the pack, so hidden characters are shown. */
function pathText(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${showHidden(String(p), 120)}`;
  }
  return s;
}

function zodErrors(
  file: string,
  doc: Document,
  lc: LineCounter,
  issues: readonly z.core.$ZodIssue[],
): RuleLoadError[] {
  const out: RuleLoadError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const at = deps().locate.locateKey(doc, issue.path, key, lc);
        const where = issue.path.length ? ` in ${pathText(issue.path)}` : '';
        // showHidden: a key smuggling escapes or bidi characters is shown as <U+001B>…
        out.push({
          file,
          ...at,
          message: `unknown key "${showHidden(key, 120)}"${where}${suggest(key)}`,
        });
      }
      continue;
    }
    const at = deps().locate.locatePath(doc, issue.path, lc);
    const name = pathText(issue.path);
    let msg = issue.message;
    if (issue.code === 'invalid_type' && msg.includes('received undefined')) {
      msg = `missing required key "${showHidden(String(issue.path.at(-1)), 120)}"`;
    }
    // a bad key in a map of app ids (labels): say what a key must be, not just "invalid"
    if (issue.code === 'invalid_key' && issue.issues[0]) msg = issue.issues[0].message;
    out.push({ file, ...at, message: name ? `${name}: ${msg}` : msg });
  }
  return out;
}

interface ParsedDoc {
  value: unknown;
  doc: Document;
  lc: LineCounter;
}

/** Parses a YAML file into documents; syntax errors, alias floods and size become errors. */
async function parseYamlFile(
  file: string,
): Promise<{ docs: ParsedDoc[]; errors: RuleLoadError[]; text: string }> {
  const errors: RuleLoadError[] = [];
  const size = (await stat(file)).size;
  if (size > MAX_FILE_BYTES) {
    errors.push({
      file,
      message: `file is too large (${size} bytes; the limit is ${MAX_FILE_BYTES}) — split the rules over several files`,
    });
    return { docs: [], errors, text: '' };
  }
  const text = await readFile(file, 'utf8');
  const { yaml } = await parser();
  const lc = new yaml.LineCounter();
  const parsed = yaml.parseAllDocuments(text, {
    lineCounter: lc,
    prettyErrors: false,
    uniqueKeys: true,
    merge: false,
  });
  const docs: ParsedDoc[] = [];
  const list = Array.isArray(parsed) ? parsed : [];
  for (const doc of list) {
    if (doc.errors.length) {
      for (const err of doc.errors) {
        const { line, col } = lc.linePos(err.pos[0]);
        errors.push({ file, line, col, message: `YAML syntax: ${firstLine(err.message)}` });
      }
      continue;
    }
    if (doc.contents === null) continue;
    try {
      const value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      docs.push({ value, doc, lc });
    } catch (err) {
      const at = deps().locate.locatePath(doc, [], lc);
      const m = err instanceof Error ? err.message : String(err);
      errors.push({
        file,
        ...at,
        message: /alias/i.test(m)
          ? `refused: too many YAML aliases (at most ${MAX_ALIAS_COUNT}); rules never need aliases — write the values out`
          : `YAML: ${firstLine(m)}`,
      });
    }
  }
  return { docs, errors, text };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

const upperHex = (h: string) => h.replace(/:/g, '').toUpperCase();

/** Hashes are compared as uppercase hex without colons, whatever the author wrote. */
function normaliseMatch(m: RuleDef['match']): RuleDef['match'] {
  const out = { ...m };
  if (out.cert_sha1) out.cert_sha1 = out.cert_sha1.map(upperHex);
  if (out.cert_sha256) out.cert_sha256 = out.cert_sha256.map(upperHex);
  if (out.apk_sha256) out.apk_sha256 = out.apk_sha256.map(upperHex);
  if (out.all) out.all = out.all.map(normaliseMatch);
  if (out.any) out.any = out.any.map(normaliseMatch);
  if (out.not) out.not = normaliseMatch(out.not);
  return out;
}

function normaliseRule(r: RuleDef): RuleDef {
  const tests = r.tests && {
    match: r.tests.match.map(normaliseCase),
    no_match: r.tests.no_match.map(normaliseCase),
  };
  return {
    ...r,
    match: normaliseMatch(r.match),
    // no `raise: undefined` key: a rule must survive JSON (the compiled index) unchanged
    ...(r.raise ? { raise: r.raise.map((x) => ({ ...x, when: normaliseMatch(x.when) })) } : {}),
    ...(tests ? { tests } : {}),
  };
}

function normaliseCase<T extends { app?: Record<string, unknown> }>(c: T): T {
  if (!c.app) return c;
  const app = { ...c.app };
  for (const k of ['cert_sha1', 'cert_sha256', 'apk_sha256']) {
    if (typeof app[k] === 'string') app[k] = upperHex(app[k] as string);
  }
  return { ...c, app };
}

async function loadRuleFile(
  file: string,
  pack: { id: string; version: string },
): Promise<{ rules: LoadedRule[]; errors: RuleLoadError[]; text: string }> {
  const { docs, errors, text } = await parseYamlFile(file);
  const rules: LoadedRule[] = [];
  for (const { value, doc, lc } of docs) {
    const res = (await parser()).schema.RULE.safeParse(value);
    if (!res.success) {
      errors.push(...zodErrors(file, doc, lc, res.error.issues));
      continue;
    }
    const at = deps().locate.locatePath(doc, [], lc);
    rules.push({
      ...normaliseRule(res.data),
      pack: pack.id,
      packVersion: pack.version,
      file,
      ...at,
    });
  }
  return { rules, errors, text };
}

/**
 * The pack's sha256: over every file that affects the loaded pack (pack.yaml,
 * labels.yaml, every rule file), each as relative path + length + text, sorted
 * by path. The one definition, for the loader and for the compiled index
 * (src/rules/compiled.ts), which must agree byte for byte.
 */
export function packDigest(contents: ReadonlyArray<readonly [string, string]>): string {
  const hash = createHash('sha256');
  const sorted = [...contents].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [rel, text] of sorted) {
    // path separators normalised so the digest is the same on every OS
    hash.update(`${rel.split(sep).join('/')}\0${Buffer.byteLength(text)}\0`);
    hash.update(text);
  }
  return hash.digest('hex');
}

/**
 * The sha256 of a pack folder as the loader would compute it, without parsing:
 * reads pack.yaml, labels.yaml and every rule file. Undefined when the pack
 * could not be read or is over the size limits (then only a full load can say
 * what is wrong).
 */
export async function hashPackDir(dir: string): Promise<string | undefined> {
  try {
    const files = [join(dir, 'pack.yaml')];
    if (existsSync(join(dir, LABELS_FILE))) files.push(join(dir, LABELS_FILE));
    files.push(...ruleFilesSync(dir));
    const contents: Array<[string, string]> = [];
    let total = 0;
    for (const file of files) {
      if (statSync(file).size > MAX_FILE_BYTES) return undefined;
      const text = readFileSync(file, 'utf8');
      total += Buffer.byteLength(text);
      if (total > MAX_PACK_BYTES) return undefined;
      contents.push([relative(dir, file), text]);
    }
    return packDigest(contents);
  } catch {
    return undefined;
  }
}

/** One pack folder, loaded (or refused, with every error). */
export type PackLoadResult = { pack?: RulePack; errors: RuleLoadError[] };

export interface LoadOptions {
  /**
   * How to load one pack folder; default: parse and check every file
   * (`parsePackDir`). The compiled index (compiled.ts) passes its own.
   */
  loadPack?: (dir: string) => Promise<PackLoadResult>;
}

/** Parses and schema-checks one pack folder: always the full work, never a cache. */
export function parsePackDir(dir: string): Promise<PackLoadResult> {
  return loadPackDir(dir);
}

async function loadPackDir(dir: string): Promise<{ pack?: RulePack; errors: RuleLoadError[] }> {
  const metaFile = join(dir, 'pack.yaml');
  const meta = await parseYamlFile(metaFile);
  const errors = [...meta.errors];
  let packMeta: PackMeta | undefined;
  if (meta.docs.length !== 1 && meta.errors.length === 0) {
    errors.push({ file: metaFile, message: 'expected exactly one YAML document in pack.yaml' });
  } else if (meta.docs[0]) {
    const { value, doc, lc } = meta.docs[0];
    const schemaVersion = (value as { schema?: unknown } | null)?.schema;
    if (typeof schemaVersion === 'number' && schemaVersion !== RULE_PACK_SCHEMA) {
      errors.push({
        file: metaFile,
        ...deps().locate.locateKey(doc, [], 'schema', lc),
        message: `this pack uses rule-pack schema ${schemaVersion}, but this spycheck reads schema ${RULE_PACK_SCHEMA} — update spycheck or use a matching pack`,
      });
    } else {
      const res = (await parser()).schema.PACK_META.safeParse(value);
      if (res.success) packMeta = res.data;
      else errors.push(...zodErrors(metaFile, doc, lc, res.error.issues));
    }
  }
  if (!packMeta) return { errors };
  const labels = await loadLabelsFile(dir, packMeta, errors);
  return loadRuleSet(dir, packMeta, await ruleFiles(dir), meta.text, errors, metaFile, labels);
}

/** A pack's labels.yaml, when it has one: validated, errors with file:line:col. */
async function loadLabelsFile(
  dir: string,
  meta: PackMeta,
  errors: RuleLoadError[],
): Promise<{ labels?: PackLabels; text: string; file: string } | undefined> {
  const file = join(dir, LABELS_FILE);
  if (!(await exists(file))) return undefined;
  const parsed = await parseYamlFile(file);
  errors.push(...parsed.errors);
  if (parsed.errors.length) return { text: parsed.text, file };
  if (parsed.docs.length !== 1) {
    errors.push({ file, message: `expected exactly one YAML document in ${LABELS_FILE}` });
    return { text: parsed.text, file };
  }
  const { value, doc, lc } = parsed.docs[0]!;
  const res = (await parser()).schema.PACK_LABELS.safeParse(value);
  if (!res.success) {
    errors.push(...zodErrors(file, doc, lc, res.error.issues));
    return { text: parsed.text, file };
  }
  return { labels: { pack: meta.id, file, labels: res.data.labels }, text: parsed.text, file };
}

async function loadRuleSet(
  dir: string,
  meta: PackMeta,
  files: string[],
  metaText: string,
  errors: RuleLoadError[],
  metaFile: string | undefined,
  labels?: { labels?: PackLabels; text: string; file: string },
): Promise<{ pack?: RulePack; errors: RuleLoadError[] }> {
  const contents: Array<[string, string]> = [];
  if (metaFile) contents.push([relative(dir, metaFile), metaText]);
  // the names change what reports say, so they are part of the pack's digest
  if (labels) contents.push([relative(dir, labels.file), labels.text]);
  const rules: LoadedRule[] = [];
  let total = Buffer.byteLength(metaText) + Buffer.byteLength(labels?.text ?? '');
  for (const file of files) {
    const r = await loadRuleFile(file, meta);
    errors.push(...r.errors);
    rules.push(...r.rules);
    total += Buffer.byteLength(r.text);
    if (total > MAX_PACK_BYTES) {
      errors.push({ file: dir, message: `pack is too large (over ${MAX_PACK_BYTES} bytes)` });
      break;
    }
    contents.push([relative(dir, file), r.text]);
  }
  if (rules.length === 0 && errors.length === 0) {
    errors.push({
      file: metaFile ?? dir,
      message: labels
        ? `pack holds no rules (a ${LABELS_FILE} is read only from a pack that also has rules)`
        : 'pack holds no rules',
    });
  }
  const sha256 = packDigest(contents);
  if (errors.length) return { errors };
  if (labels?.labels) attachPackLabels(rules, labels.labels);
  return {
    pack: {
      id: meta.id,
      name: meta.name,
      version: meta.version,
      sha256,
      dir,
      meta,
      rules,
      ...(labels?.labels ? { labels: labels.labels } : {}),
    },
    errors,
  };
}

async function loadSingleRuleFile(file: string) {
  const stem = basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const meta: PackMeta = {
    schema: RULE_PACK_SCHEMA,
    id: `local.${stem || 'rules'}`,
    name: `Local rules from ${basename(file)}`,
    version: '0.0.0-local',
    licence: 'unknown',
    date: '1970-01-01',
  };
  return loadRuleSet(dirname(file), meta, [file], '', [], undefined);
}

/** Expands one user-given path into pack directories / single rule files. */
async function expand(p: string): Promise<{ dirs: string[]; files: string[]; error?: string }> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(p);
  } catch {
    return { dirs: [], files: [], error: 'no such file or folder' };
  }
  if (st.isFile()) {
    if (basename(p) === 'pack.yaml') return { dirs: [dirname(p)], files: [] };
    if (isYaml(p)) return { dirs: [], files: [p] };
    return { dirs: [], files: [], error: 'expected a rule pack folder or a .yaml rule file' };
  }
  if (await exists(join(p, 'pack.yaml'))) return { dirs: [p], files: [] };
  const dirs: string[] = [];
  const entries = (await readdir(p, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    const sub = join(p, e.name);
    if (e.isDirectory() && !e.name.startsWith('.') && (await isDir(sub))) {
      if (await exists(join(sub, 'pack.yaml'))) dirs.push(sub);
    }
  }
  if (dirs.length === 0) {
    return { dirs, files: [], error: 'no pack.yaml here or in the folders directly inside it' };
  }
  return { dirs, files: [] };
}

/**
 * Loads every pack under `paths`. By default everything is parsed and checked
 * (what `rules validate` and `rules test` use); `opts.loadPack` lets the
 * compiled index (compiled.ts) supply packs whose bytes it has seen before.
 */
export async function loadRulePacks(
  paths: string[],
  opts: LoadOptions = {},
): Promise<{ packs: RulePack[]; errors: RuleLoadError[] }> {
  const loadPack = opts.loadPack ?? loadPackDir;
  const packs: RulePack[] = [];
  const errors: RuleLoadError[] = [];
  const seenDirs = new Set<string>();
  for (const p of paths) {
    const { dirs, files, error } = await expand(p);
    if (error) errors.push({ file: p, message: error });
    const fresh = dirs.filter((d) => !seenDirs.has(d));
    for (const d of fresh) seenDirs.add(d);
    const loads = [...fresh.map((d) => loadPack(d)), ...files.map(loadSingleRuleFile)];
    for (const r of await Promise.all(loads)) {
      errors.push(...r.errors);
      if (r.pack) packs.push(r.pack);
    }
  }
  errors.push(...crossPackErrors(packs));
  // Cross-pack conflicts leave both packs loaded: the caller must refuse to scan on any error.
  return { packs, errors };
}

/** Ids are global: a rule id or pack id may appear once across everything loaded. */
function crossPackErrors(packs: RulePack[]): RuleLoadError[] {
  const errors: RuleLoadError[] = [];
  const packIds = new Map<string, RulePack>();
  for (const p of packs) {
    const first = packIds.get(p.id);
    if (first) {
      errors.push({
        file: join(p.dir, 'pack.yaml'),
        message: `duplicate pack id "${p.id}" (also used by ${first.dir})`,
      });
    } else packIds.set(p.id, p);
  }
  const ids = new Map<string, LoadedRule>();
  for (const p of packs) {
    for (const r of p.rules) {
      const first = ids.get(r.id);
      if (first) {
        errors.push({
          file: r.file,
          line: r.line,
          col: r.col,
          message: `duplicate rule id "${r.id}" (first defined at ${location(first)}) — rule ids are never reused; give this rule a new id`,
        });
      } else ids.set(r.id, r);
    }
  }
  for (const p of packs) {
    for (const r of p.rules) {
      for (const old of r.replaces ?? []) {
        if (ids.has(old)) {
          errors.push({
            file: r.file,
            line: r.line,
            col: r.col,
            message: `rule "${r.id}" replaces "${old}", but "${old}" is still defined — remove the old rule`,
          });
        }
      }
    }
  }
  return errors;
}
