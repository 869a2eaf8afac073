import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRulesDir } from '../rules/load.js';
import { benchRules, benchRulesLoad, formatRulesLoad } from './rules.js';

describe('benchRules', () => {
  it('builds ~20k indicators × 2,000 apps and finds exactly the planted app', () => {
    const r = benchRules();
    expect(r.indicators).toBe(20_000);
    expect(r.apps).toBe(2000);
    expect(r.compileMs).toBeGreaterThanOrEqual(0);
  });
});

describe('benchRulesLoad', () => {
  it('loads packs parsed, then from the user cache (no shipped index under src/)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spycheck-bench-test-'));
    try {
      for (const p of ['root-tools', 'behaviour']) {
        await cp(join(defaultRulesDir(), p), join(dir, p), { recursive: true });
      }
      const r = await benchRulesLoad(dir);
      expect(r.packs).toBe(2);
      expect(r.cacheSources).toEqual(['cache', 'cache']);
      expect(r.indexSources).toHaveLength(2);
      expect(formatRulesLoad(r)).toMatch(/^Rule packs \(2 packs, \d+ rules\): full parse/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
