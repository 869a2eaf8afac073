import { createHash } from 'node:crypto';
import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliContext, ExitCode } from '../cli/context.js';
import { rulesCommand } from '../cli/rules.js';
import { loadScanRules } from '../scan/loadRules.js';
import {
  cacheDir,
  cacheEntryPath,
  compilePack,
  loadRulePacksCompiled,
  MAX_CACHE_ENTRIES,
  writeShippedIndex,
} from './compiled.js';
import { packLabelsOf } from './labels.js';
import { defaultRulesDir, hashPackDir, loadRulePacks, type RulePack } from './load.js';

const GOOD = join(import.meta.dirname, 'testdata', 'good-pack');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function tmp(prefix = 'spycheck-compiled-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A copy of a pack folder in a fresh temp folder. */
async function copyPack(from: string, name = 'pack'): Promise<string> {
  const dir = join(await tmp(), name);
  await cp(from, dir, { recursive: true });
  return dir;
}

/** Flips one byte of a file (a letter of the first "title:" line), in place. */
async function changeOneByte(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const at = text.indexOf(from);
  expect(at).toBeGreaterThanOrEqual(0);
  expect(Buffer.byteLength(from)).toBe(Buffer.byteLength(to));
  await writeFile(file, text.slice(0, at) + to + text.slice(at + from.length));
}

/** Rewrites a cache entry as someone might: payload edited, header fixed up to match. */
async function rewriteEntry(
  path: string,
  out: string,
  edit: {
    payload?: (p: Record<string, unknown>) => void;
    header?: (h: Record<string, unknown>) => void;
  },
): Promise<void> {
  const text = await readFile(path, 'utf8');
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
  const payload = JSON.parse(text.slice(nl + 1)) as Record<string, unknown>;
  edit.payload?.(payload);
  const body = JSON.stringify(payload);
  header.digest = createHash('sha256').update(body).digest('hex');
  edit.header?.(header);
  await writeFile(out, `${JSON.stringify(header)}\n${body}\n`);
}

/** Rules with their pack's labels.yaml, as the label index sees them. */
const withLabels = (packs: RulePack[]) =>
  packs.map((p) => p.rules.map((r) => packLabelsOf(r)?.labels ?? null));

describe('shipped index', () => {
  let index: string;
  let full: Awaited<ReturnType<typeof loadRulePacks>>;
  beforeAll(async () => {
    index = join(await tmp(), 'rules-index.json');
    const built = await writeShippedIndex(index);
    expect(built.errors).toEqual([]);
    full = await loadRulePacks([defaultRulesDir()]);
    expect(built.packs).toEqual(full.packs.map((p) => p.id));
  });

  it('gives exactly the rules a full parse gives, for every shipped pack', async () => {
    const fast = await loadRulePacksCompiled([defaultRulesDir()], { index, cacheDir: false });
    expect([...fast.sources.values()]).toEqual(full.packs.map(() => 'index'));
    expect(fast.errors).toEqual([]);
    expect(fast.packs.length).toBe(13);
    // deep and strict: same keys, same order of rules, same files and positions
    expect(fast.packs).toStrictEqual(full.packs);
    expect(isDeepStrictEqual(fast.packs, full.packs)).toBe(true);
    expect(withLabels(fast.packs)).toStrictEqual(withLabels(full.packs));
    expect(fast.packs.map((p) => p.sha256)).toEqual(full.packs.map((p) => p.sha256));
  });

  it('the sha256 read without parsing is the loader’s own, labels.yaml included', async () => {
    for (const p of full.packs) expect(await hashPackDir(p.dir)).toBe(p.sha256);
    const dir = await copyPack(join(defaultRulesDir(), 'device-posture'));
    const before = await hashPackDir(dir);
    await changeOneByte(join(dir, 'labels.yaml'), 'Samsung Internet', 'Samsung Internes');
    expect(await hashPackDir(dir)).not.toBe(before);
  });

  it('a one-byte change in a shipped pack is parsed, and the change shows', async () => {
    const rulesDir = await tmp();
    await cp(join(defaultRulesDir(), 'device-posture'), join(rulesDir, 'device-posture'), {
      recursive: true,
    });
    await cp(join(defaultRulesDir(), 'root-tools'), join(rulesDir, 'root-tools'), {
      recursive: true,
    });
    const idx = join(await tmp(), 'rules-index.json');
    await writeShippedIndex(idx, rulesDir);
    const cache = await tmp();
    const opts = { index: idx, cacheDir: cache, shippedDir: rulesDir };
    const a = await loadRulePacksCompiled([rulesDir], opts);
    expect([...a.sources.values()]).toEqual(['index', 'index']);

    const rule = a.packs[1]!.rules[0]!;
    const file = rule.file;
    expect(file.startsWith(join(rulesDir, 'root-tools'))).toBe(true);
    const title = rule.title;
    const changed = `${title[0] === 'X' ? 'Y' : 'X'}${title.slice(1)}`;
    await changeOneByte(file, `title: ${title}`, `title: ${changed}`);
    const b = await loadRulePacksCompiled([rulesDir], opts);
    expect([...b.sources.values()]).toEqual(['index', 'parsed']);
    expect(b.errors).toEqual([]);
    expect(b.packs[1]!.rules.find((r) => r.id === rule.id)!.title).toBe(changed);
    expect(b.packs[1]!.sha256).not.toBe(a.packs[1]!.sha256);
    // a shipped pack being edited is parsed each time, never put in the user cache
    await expect(stat(join(cache, 'rules'))).rejects.toThrow();

    await changeOneByte(
      join(rulesDir, 'device-posture', 'labels.yaml'),
      'Samsung Internet',
      'Samsung Internes',
    );
    const c = await loadRulePacksCompiled([rulesDir], opts);
    expect(c.sources.get(join(rulesDir, 'device-posture'))).toBe('parsed');
    expect(c.packs[0]!.labels?.labels['com.sec.android.app.sbrowser']).toBe('Samsung Internes');
  });

  it('a damaged, foreign or linked index is ignored: every pack is parsed', async () => {
    const dir = await tmp();
    const text = await readFile(index, 'utf8');
    const cases: Record<string, string> = {
      truncated: text.slice(0, text.length - 1000),
      edited: text.replace('"title":"', '"title":"X'),
      foreign: text.replace('"spycheck":"', '"spycheck":"9'),
      garbage: 'not json at all',
    };
    for (const [name, body] of Object.entries(cases)) {
      const p = join(dir, `${name}.json`);
      await writeFile(p, body);
      const r = await loadRulePacksCompiled([join(defaultRulesDir(), 'root-tools')], {
        index: p,
        cacheDir: false,
      });
      expect([...r.sources.values()], name).toEqual(['parsed']);
      expect(r.errors).toEqual([]);
    }
    const link = join(dir, 'link.json');
    await symlink(index, link);
    const r = await loadRulePacksCompiled([join(defaultRulesDir(), 'root-tools')], {
      index: link,
      cacheDir: false,
    });
    expect([...r.sources.values()]).toEqual(['parsed']);
  });
});

describe('user cache', () => {
  it('parses once, then loads the same pack from the cache; a one-byte change re-parses', async () => {
    const pack = await copyPack(join(defaultRulesDir(), 'device-posture'));
    const cache = await tmp();
    const opts = { index: false as const, cacheDir: cache };
    const a = await loadRulePacksCompiled([pack], opts);
    expect([...a.sources.values()]).toEqual(['parsed']);
    const entry = cacheEntryPath(cache, a.packs[0]!.sha256)!;
    expect((await stat(entry)).mode & 0o777).toBe(0o600);
    expect((await stat(join(cache, 'rules'))).mode & 0o777).toBe(0o700);

    const b = await loadRulePacksCompiled([pack], opts);
    expect([...b.sources.values()]).toEqual(['cache']);
    expect(b.packs).toStrictEqual(a.packs);
    expect(b.packs).toStrictEqual((await loadRulePacks([pack])).packs);
    expect(withLabels(b.packs)).toStrictEqual(withLabels(a.packs));

    const file = a.packs[0]!.rules[0]!.file;
    const title = a.packs[0]!.rules[0]!.title;
    const changed = `${title[0] === 'X' ? 'Y' : 'X'}${title.slice(1)}`;
    await changeOneByte(file, `title: ${title}`, `title: ${changed}`);
    const c = await loadRulePacksCompiled([pack], opts);
    expect([...c.sources.values()]).toEqual(['parsed']);
    expect(c.packs[0]!.rules[0]!.title).toBe(changed);
    const d = await loadRulePacksCompiled([pack], opts);
    expect([...d.sources.values()]).toEqual(['cache']);
    expect(d.packs[0]!.rules[0]!.title).toBe(changed);
  });

  it('a broken pack is never cached and always reported', async () => {
    const pack = await copyPack(GOOD);
    await changeOneByte(join(pack, 'rules', 'one.yaml'), 'severity: high', 'severity: hugh');
    const cache = await tmp();
    for (let i = 0; i < 2; i++) {
      const r = await loadRulePacksCompiled([pack], { index: false, cacheDir: cache });
      expect(r.packs).toEqual([]);
      expect(r.errors.length).toBeGreaterThan(0);
      expect([...r.sources.values()]).toEqual(['parsed']);
    }
    await expect(readdir(join(cache, 'rules'))).rejects.toThrow();
  });

  describe('a tampered entry is ignored and rebuilt', () => {
    let pack: string;
    let cache: string;
    let entry: string;
    let sha: string;
    const load = () => loadRulePacksCompiled([pack], { index: false, cacheDir: cache });
    beforeAll(async () => {
      pack = await copyPack(GOOD);
      cache = await tmp();
      const r = await load();
      sha = r.packs[0]!.sha256;
      entry = cacheEntryPath(cache, sha)!;
    });
    const good = async () => {
      await rm(entry, { force: true });
      expect([...(await load()).sources.values()]).toEqual(['parsed']);
      expect([...(await load()).sources.values()]).toEqual(['cache']);
    };
    /** The entry is ignored (parsed, right rules), and a good one is written again. */
    const ignored = async (what: string) => {
      const r = await load();
      expect([...r.sources.values()], what).toEqual(['parsed']);
      expect(r.packs[0]!.rules[0]!.title, what).toBe('Test rule');
      expect(r.packs[0]!.rules[0]!.match, what).toEqual({ package: ['com.example.spy'] });
      expect([...(await load()).sources.values()], what).toEqual(['cache']);
    };

    it('edited JSON (digest no longer matches)', async () => {
      await good();
      const text = await readFile(entry, 'utf8');
      await writeFile(entry, text.replace('"title":"Test rule"', '"title":"Test ruse"'));
      await ignored('edited');
    });

    it('edited JSON with a fixed-up digest that breaks the shape', async () => {
      await good();
      await rewriteEntry(entry, entry, {
        payload: (p) => {
          (p.rules as Array<Record<string, unknown>>)[0]!.match = { package: 5 };
        },
      });
      await ignored('shape');
      await rewriteEntry(entry, entry, {
        payload: (p) => {
          (p.rules as Array<Record<string, unknown>>)[0]!.severity = 'catastrophic';
        },
      });
      await ignored('severity');
      await rewriteEntry(entry, entry, {
        payload: (p) => {
          (p.rules as Array<Record<string, unknown>>)[0]!.file = '../../etc/passwd';
        },
      });
      await ignored('path');
    });

    it('another pack’s entry under this key, or another key in the header', async () => {
      await good();
      const other = await copyPack(join(defaultRulesDir(), 'root-tools'));
      const o = await loadRulePacksCompiled([other], { index: false, cacheDir: cache });
      const otherEntry = cacheEntryPath(cache, o.packs[0]!.sha256)!;
      await cp(otherEntry, entry);
      await ignored('other entry');
      await rewriteEntry(otherEntry, entry, {
        header: (h) => {
          h.key = entry
            .split('/')
            .pop()!
            .replace(/\.json$/, '');
        },
      });
      await ignored('other payload, this key'); // the payload's sha256 is not this pack's
      await rewriteEntry(entry, entry, { header: (h) => (h.spycheck = '0.0.1') });
      await ignored('older spycheck');
      await rewriteEntry(entry, entry, { header: (h) => (h.code = '0'.repeat(64)) });
      await ignored('other loader code');
      await rewriteEntry(entry, entry, { header: (h) => (h.schema = 2) });
      await ignored('other schema');
    });

    it('truncated, empty, garbage', async () => {
      for (const cut of [(t: string) => t.slice(0, t.length - 20), () => '', () => '\u0000{{{']) {
        await good();
        await writeFile(entry, cut(await readFile(entry, 'utf8')));
        await ignored('damaged');
      }
    });

    it('a link (even to a good entry) or a folder', async () => {
      await good();
      const elsewhere = join(await tmp(), 'entry.json');
      await cp(entry, elsewhere);
      await rm(entry);
      await symlink(elsewhere, entry);
      await ignored('link');
      await rm(entry);
      await mkdir(entry);
      const r = await load();
      expect([...r.sources.values()]).toEqual(['parsed']);
      expect(r.errors).toEqual([]);
      await rm(entry, { recursive: true });
    });
  });

  it('a cache that cannot be written costs nothing but time', async () => {
    const pack = await copyPack(GOOD);
    const notADir = join(await tmp(), 'file');
    await writeFile(notADir, 'x');
    const r = await loadRulePacksCompiled([pack], { index: false, cacheDir: notADir });
    expect(r.errors).toEqual([]);
    expect(r.packs.map((p) => p.id)).toEqual(['test-good']);
  });

  it('keeps at most MAX_CACHE_ENTRIES entries, the newest', async () => {
    const cache = await tmp();
    const root = join(cache, 'rules');
    await mkdir(root, { recursive: true });
    const old = new Date(Date.now() - 86_400_000);
    for (let i = 0; i < MAX_CACHE_ENTRIES + 5; i++) {
      const p = join(root, `${i.toString(16).padStart(64, '0')}.json`);
      await writeFile(p, 'x');
      await utimes(p, old, old);
    }
    const pack = await copyPack(GOOD);
    const r = await loadRulePacksCompiled([pack], { index: false, cacheDir: cache });
    const names = await readdir(root);
    expect(names).toHaveLength(MAX_CACHE_ENTRIES);
    expect(names).toContain(cacheEntryPath(cache, r.packs[0]!.sha256)!.split('/').pop());
  });

  it('a single rule file is always parsed', async () => {
    const cache = await tmp();
    for (let i = 0; i < 2; i++) {
      const r = await loadRulePacksCompiled([join(GOOD, 'rules', 'one.yaml')], {
        index: false,
        cacheDir: cache,
      });
      expect(r.packs.map((p) => p.id)).toEqual(['local.one']);
    }
    await expect(readdir(join(cache, 'rules'))).rejects.toThrow();
  });

  it('compilePack refuses what JSON would not give back exactly', async () => {
    const [p] = (await loadRulePacks([GOOD])).packs;
    expect(compilePack(p!)).toBeDefined();
    const odd = { ...p!, rules: [{ ...p!.rules[0]!, line: Number.NaN }] };
    expect(compilePack(odd)).toBeUndefined();
    const outside = { ...p!, rules: [{ ...p!.rules[0]!, file: '/elsewhere/x.yaml' }] };
    expect(compilePack(outside)).toBeUndefined();
  });

  it('the cache folder follows SPYCHECK_CACHE_DIR, XDG_CACHE_HOME, then the platform', () => {
    expect(cacheDir({ SPYCHECK_CACHE_DIR: '/x/c' }, 'linux')).toBe('/x/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x/xdg', HOME: '/h' }, 'linux')).toBe('/x/xdg/spycheck');
    expect(cacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/h' }, 'linux')).toBe(
      '/h/.cache/spycheck',
    );
    expect(cacheDir({ HOME: '/h' }, 'linux')).toBe('/h/.cache/spycheck');
    expect(cacheDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Caches/spycheck');
    expect(cacheDir({ HOME: '/h', LOCALAPPDATA: '/w/Local' }, 'win32')).toBe(
      join('/w/Local', 'spycheck', 'Cache'),
    );
  });
});

describe('rules validate and rules test', () => {
  async function run(args: string[]) {
    let stderr = '';
    const out = new PassThrough();
    const err = new PassThrough();
    err.on('data', (c) => (stderr += c));
    let code: ExitCode = 0;
    const ctx: CliContext = {
      stdout: out,
      stderr: err,
      env: {},
      interactive: false,
      color: false,
      exit: (c) => {
        code = c;
      },
    };
    const program = new Command('spycheck').exitOverride().addCommand(rulesCommand(ctx));
    await program.parseAsync(['node', 'spycheck', 'rules', ...args]);
    return { code, stderr };
  }

  it('never use the cache, even an entry that would pass every check', async () => {
    // a good entry, planted under the key of a pack whose YAML is broken
    const cache = await tmp();
    vi.stubEnv('SPYCHECK_CACHE_DIR', cache);
    const good = await copyPack(GOOD);
    const g = await loadRulePacksCompiled([good], { index: false });
    const goodEntry = cacheEntryPath(cache, g.packs[0]!.sha256)!;
    const broken = await copyPack(GOOD);
    await changeOneByte(join(broken, 'rules', 'one.yaml'), 'severity: high', 'severity: hugh');
    const sha = (await hashPackDir(broken))!;
    const planted = cacheEntryPath(cache, sha)!;
    await rewriteEntry(goodEntry, planted, {
      payload: (p) => {
        p.sha256 = sha;
      },
      header: (h) => {
        h.key = planted
          .split('/')
          .pop()!
          .replace(/\.json$/, '');
      },
    });
    // the scan's loader takes it (a consistent entry in the owner-only cache is trusted)…
    const scan = await loadScanRules({ rules: [broken], defaultRules: false });
    expect(scan.ok).toBe(true);
    // …validate and test read the YAML and refuse the pack
    for (const cmd of ['validate', 'test']) {
      const r = await run([cmd, broken]);
      expect(r.code, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(/one\.yaml:4:\d+: severity/);
    }
  });
});
