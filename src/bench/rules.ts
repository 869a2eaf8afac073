/**
 * Rule-engine benchmark: ~20k exact indicators × 2,000 apps, compiled and
 * matched. Timing lives here, not in tests, so slow CI machines never fail.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSnapshot } from '../analyze/analyze.js';
import { compileRules } from '../analyze/compile.js';
import { snapshotFromCase } from '../analyze/ruleTester.js';
import type { AndroidApp } from '../model/snapshot.js';
import { loadRulePacksCompiled, type PackSource } from '../rules/compiled.js';
import { defaultRulesDir, type LoadedRule, loadRulePacks, type RulePack } from '../rules/load.js';

const hex = (n: number, len: number) => n.toString(16).toUpperCase().padStart(len, '0');

export function benchRules(): {
  indicators: number;
  apps: number;
  compileMs: number;
  matchMs: number;
} {
  const rules: LoadedRule[] = [];
  for (let r = 0; r < 500; r++) {
    rules.push({
      id: `bench.r${r}`,
      title: `Bench ${r}`,
      category: 'stalkerware',
      severity: 'high',
      platforms: ['android'],
      explanation: { what: 'w', risk: 'r', next_steps: 'n' },
      match: {
        any: [
          { package: Array.from({ length: 10 }, (_, i) => `com.bench.r${r}.p${i}`) },
          { cert_sha1: Array.from({ length: 10 }, (_, i) => hex(r * 100 + i, 40)) },
          { apk_sha256: Array.from({ length: 20 }, (_, i) => hex(r * 100 + i, 64)) },
        ],
      },
      pack: 'bench',
      packVersion: '0',
      file: 'bench.yaml',
    });
  }
  rules.push({
    ...rules[0]!,
    id: 'bench.behaviour',
    match: {
      installer: ['sideloaded'],
      launcher: 'hidden',
      any: [{ accessibility_service: true }],
    },
  });
  const pack: RulePack = {
    id: 'bench',
    name: 'bench',
    version: '0',
    sha256: '0',
    dir: '.',
    meta: {
      schema: 1,
      id: 'bench',
      name: 'bench',
      version: '0.0.0',
      licence: 'MIT',
      date: '2026-01-01',
    },
    rules,
  };
  const snap = snapshotFromCase({ device: {} });
  const apps: AndroidApp[] = [];
  for (let i = 0; i < 2000; i++) {
    const base = snapshotFromCase({
      app: {
        id: `org.app${i}.x`,
        installer: i % 3 ? 'store' : 'sideloaded',
        cert_sha1: hex(10_000_000 + i, 40),
      },
    });
    apps.push(base.apps[0]!);
  }
  apps[7] = { ...apps[7]!, id: 'com.bench.r3.p1' };
  snap.apps = apps;

  const t0 = performance.now();
  const compiled = compileRules([pack]);
  const t1 = performance.now();
  const doc = analyzeSnapshot(snap, compiled);
  const t2 = performance.now();
  if (doc.findings.length !== 1)
    throw new Error(`benchmark expected 1 finding, got ${doc.findings.length}`);
  return {
    indicators: compiled.indicators,
    apps: apps.length,
    compileMs: t1 - t0,
    matchMs: t2 - t1,
  };
}

export interface RulesLoadBench {
  packs: number;
  rules: number;
  /** full YAML parse and schema check of every pack (no index, no cache): a cold run */
  parseMs: number;
  /** the shipped packs through the public loader with the shipped index (npm run build) */
  indexMs: number;
  /** how each pack came in that load: all "index" when dist/rules-index.json matches */
  indexSources: PackSource[];
  /** the same packs as `--rules` copies: first load (parse + write the user cache) */
  cacheColdMs: number;
  /** …and the second (from the user cache) */
  cacheWarmMs: number;
  cacheSources: PackSource[];
}

/**
 * Rule-pack loading, cold and warm, in this process (the first load pays for
 * warming up the parser, as a real run does). The user-cache figures use a
 * throwaway cache and copies of the packs, never the user's own cache.
 */
export async function benchRulesLoad(rulesDir = defaultRulesDir()): Promise<RulesLoadBench> {
  const ms = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const r = await f();
    return [r, performance.now() - t0];
  };
  const [parsed, parseMs] = await ms(() => loadRulePacks([rulesDir]));
  if (parsed.errors.length)
    throw new Error('the rule packs do not load: run spycheck rules validate');
  const [fromIndex, indexMs] = await ms(() =>
    loadRulePacksCompiled([rulesDir], { cacheDir: false, shippedDir: rulesDir }),
  );
  const tmp = await mkdtemp(join(tmpdir(), 'spycheck-bench-rules-'));
  try {
    const copy = join(tmp, 'packs');
    await cp(rulesDir, copy, { recursive: true });
    const opts = { index: false as const, cacheDir: join(tmp, 'cache') };
    const [, cacheColdMs] = await ms(() => loadRulePacksCompiled([copy], opts));
    const [warm, cacheWarmMs] = await ms(() => loadRulePacksCompiled([copy], opts));
    return {
      packs: parsed.packs.length,
      rules: parsed.packs.reduce((n, p) => n + p.rules.length, 0),
      parseMs,
      indexMs,
      indexSources: [...fromIndex.sources.values()],
      cacheColdMs,
      cacheWarmMs,
      cacheSources: [...warm.sources.values()],
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** One line for the benchmark's output. */
export function formatRulesLoad(r: RulesLoadBench): string {
  const indexed = r.indexSources.filter((s) => s === 'index').length;
  const cached = r.cacheSources.filter((s) => s === 'cache').length;
  return (
    `Rule packs (${r.packs} packs, ${r.rules} rules): full parse ${r.parseMs.toFixed(0)} ms; ` +
    `shipped index ${r.indexMs.toFixed(0)} ms (${indexed}/${r.indexSources.length} packs from the index, target ≤ 150 ms); ` +
    `other packs: first load ${r.cacheColdMs.toFixed(0)} ms, cached ${r.cacheWarmMs.toFixed(0)} ms (${cached}/${r.cacheSources.length} from the cache)`
  );
}
