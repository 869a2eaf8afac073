import { beforeAll, describe, expect, it } from 'vitest';
import {
  defaultRulesDir,
  formatRuleError,
  type LoadedRule,
  loadRulePacks,
  type RulePack,
} from '../../src/rules/load.js';
import type { MatchExpr } from '../../src/rules/schema.js';
import { testPacks } from '../../src/rules/tester.js';

/** The researched packs and the least number of rules each must keep. */
const HANDWRITTEN: Record<string, { minRules: number; categories: string[] }> = {
  'location-sharing': { minRules: 8, categories: ['location-sharing'] },
  'parental-control': { minRules: 9, categories: ['parental-control'] },
  'remote-access': { minRules: 6, categories: ['remote-access'] },
  'anti-theft': { minRules: 4, categories: ['anti-theft'] },
  'smart-home': { minRules: 10, categories: ['smart-home'] },
  'root-tools': { minRules: 8, categories: ['root-jailbreak'] },
};

interface Ids {
  package: string[];
  ios_bundle: string[];
}

/** Every package and bundle id named anywhere in a match expression (any/all/not included). */
function idsOf(m: MatchExpr | undefined, out: Ids = { package: [], ios_bundle: [] }): Ids {
  if (!m) return out;
  out.package.push(...(m.package ?? []));
  out.ios_bundle.push(...(m.ios_bundle ?? []));
  for (const sub of [...(m.any ?? []), ...(m.all ?? [])]) idsOf(sub, out);
  idsOf(m.not, out);
  return out;
}

function duplicates(xs: string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(xs.filter((x) => seen.has(x) || !seen.add(x)))];
}

describe('hand-written rule packs', () => {
  let packs: RulePack[] = [];
  let mine: RulePack[] = [];
  let rules: LoadedRule[] = [];

  beforeAll(async () => {
    const loaded = await loadRulePacks([defaultRulesDir()]);
    expect(loaded.errors.map(formatRuleError)).toEqual([]);
    packs = loaded.packs;
    mine = packs.filter((p) => p.id in HANDWRITTEN);
    rules = mine.flatMap((p) => p.rules);
  });

  it.each(Object.entries(HANDWRITTEN))('ships %s with enough rules', (id, want) => {
    const pack = packs.find((p) => p.id === id);
    expect(pack, `pack ${id} is missing`).toBeDefined();
    expect(pack!.rules.length).toBeGreaterThanOrEqual(want.minRules);
    for (const r of pack!.rules) expect(want.categories, r.id).toContain(r.category);
  });

  it('pass their own match / no_match cases', () => {
    const failures = testPacks(mine).flatMap((r) => r.failures);
    expect(failures.map(formatRuleError)).toEqual([]);
  });

  it('name each package id and each bundle id exactly once', () => {
    const all = rules.map((r) => idsOf(r.match));
    const pkgs = all.flatMap((i) => i.package);
    const bundles = all.flatMap((i) => i.ios_bundle);
    expect(duplicates(pkgs)).toEqual([]);
    expect(duplicates(bundles)).toEqual([]);
    expect(pkgs.length).toBeGreaterThan(50);
    expect(bundles.length).toBeGreaterThan(15);
  });

  it('never start at high, and keep smart-home apps at low', () => {
    for (const r of rules) {
      expect(r.severity, r.id).not.toBe('high');
      if (r.category === 'smart-home') expect(r.severity, r.id).toBe('low');
      if (r.category === 'root-jailbreak') expect(r.severity, r.id).toBe('medium');
    }
  });

  it('only raise smart-home apps to medium, and others to high only for a hidden watcher', () => {
    for (const r of rules) {
      for (const step of r.raise ?? []) {
        if (r.category === 'smart-home') {
          expect(step.severity, r.id).toBe('medium');
        } else {
          expect(step.severity, r.id).toBe('high');
          expect(step.when.launcher, r.id).toBe('hidden');
        }
      }
    }
  });

  it('leave apps that came with the phone alone', () => {
    for (const r of rules) expect(r.match.system, r.id).toBe(false);
  });

  it('give every id a display name, and every rule text, false positives and references', () => {
    for (const r of rules) {
      const { package: pkgs, ios_bundle: bundles } = idsOf(r.match);
      for (const id of [...pkgs, ...bundles]) expect(r.labels?.[id], `${r.id}: ${id}`).toBeTruthy();
      expect(r.explanation.what.length, r.id).toBeGreaterThan(20);
      expect(r.explanation.risk.length, r.id).toBeGreaterThan(20);
      expect(r.explanation.next_steps, r.id).toMatch(/safety plan/);
      expect(r.falsepositives?.length, r.id).toBeGreaterThan(0);
      expect(r.references?.length, r.id).toBeGreaterThan(0);
    }
  });

  it('declare the platforms whose ids they list', () => {
    for (const r of rules) {
      const { package: pkgs, ios_bundle: bundles } = idsOf(r.match);
      expect(r.platforms.includes('android'), r.id).toBe(pkgs.length > 0);
      expect(r.platforms.includes('ios'), r.id).toBe(bundles.length > 0);
    }
  });
});
