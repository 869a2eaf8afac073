import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../../src/analyze/analyze.js';
import { type CompiledRules, compileRules } from '../../src/analyze/compile.js';
import { snapshotFromCase, testPacks } from '../../src/analyze/ruleTester.js';
import type { Finding } from '../../src/model/findings.js';
import {
  defaultRulesDir,
  formatRuleError,
  type LoadedRule,
  loadRulePacks,
  type RulePack,
} from '../../src/rules/load.js';
import type { MatchExpr } from '../../src/rules/schema.js';

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

  // Almost all iPhone stalkerware needs a jailbreak, and an iPhone is never jailbroken by
  // accident: iPhone jailbreak tools start at high. Rooting an Android phone is common.
  const iosJailbreak = (r: LoadedRule) =>
    r.category === 'root-jailbreak' && r.platforms.length === 1 && r.platforms[0] === 'ios';

  it('never start at high (but iPhone jailbreak tools do), and keep smart-home apps at low', () => {
    for (const r of rules) {
      if (r.category === 'smart-home') expect(r.severity, r.id).toBe('low');
      if (iosJailbreak(r)) expect(r.severity, r.id).toBe('high');
      else expect(r.severity, r.id).not.toBe('high');
      if (r.category === 'root-jailbreak' && !iosJailbreak(r))
        expect(r.severity, r.id).toBe('medium');
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

  it('leave apps that came with the phone alone (a jailbreak registers its apps as part of iOS)', () => {
    for (const r of rules) expect(r.match.system, r.id).toBe(iosJailbreak(r) ? undefined : false);
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

/**
 * Family and anti-theft apps that Echap's stalkerware list also names. Each is
 * a decision a person made (dual_use in the hand-written rule): a new overlap
 * must be looked at and added here.
 */
const LISTED_FAMILY_APPS: Record<string, string> = {
  'com.alienmanfc6.wheresmyandroid': 'antitheft.wheres-my-droid',
  'com.lsdroid.cerberus': 'antitheft.cerberus',
  'com.lsdroid.cerberuss': 'antitheft.cerberus',
  'com.screentime': 'parental.screen-time',
  'org.findmykids.app': 'location.findmykids-parent',
  'org.findmykids.child': 'location.findmykids-child',
};
const NOUN: Record<string, string> = {
  'location-sharing': 'A family-tracking app',
  'parental-control': 'A parental-control app',
  'anti-theft': 'An anti-theft app',
};
const SPY_WORDS = /spy[^.]*secret|made to spy|stalkerware:/i;

describe('family and anti-theft apps on the stalkerware list', () => {
  let packs: RulePack[] = [];
  let compiled: CompiledRules;
  /** package id → ids of the generated stalkerware rules naming it */
  const listed = new Map<string, string[]>();

  beforeAll(async () => {
    const loaded = await loadRulePacks([defaultRulesDir()]);
    packs = loaded.packs;
    compiled = compileRules(packs);
    for (const p of packs.filter((x) => x.meta.generated))
      for (const r of p.rules.filter((x) => x.category === 'stalkerware'))
        for (const id of idsOf(r.match).package) listed.set(id, [...(listed.get(id) ?? []), r.id]);
  });

  const overlaps = () =>
    packs
      .filter((p) => !p.meta.generated)
      .flatMap((p) => p.rules)
      .flatMap((r) => idsOf(r.match).package.map((id) => ({ id, rule: r })))
      .filter((o) => listed.has(o.id));

  it('are all known, and their rules say dual_use', () => {
    const found = Object.fromEntries(overlaps().map((o) => [o.id, o.rule.id]));
    expect(found).toEqual(LISTED_FAMILY_APPS);
    for (const o of overlaps()) expect(o.rule.dual_use, o.rule.id).toBe(true);
  });

  it('mark every family, parental-control and anti-theft rule dual_use', () => {
    const family = packs.filter((p) =>
      ['location-sharing', 'parental-control', 'anti-theft'].includes(p.id),
    );
    expect(family).toHaveLength(3);
    for (const r of family.flatMap((p) => p.rules)) expect(r.dual_use, r.id).toBe(true);
  });

  const scan = (app: Parameters<typeof snapshotFromCase>[0]['app'], notChecked?: string[]) => {
    const doc = analyzeSnapshot(
      snapshotFromCase({ app, ...(notChecked ? { device: { not_checked: notChecked } } : {}) }),
      compiled,
    );
    const f = doc.findings.filter((x) => x.subject.id === app?.id);
    expect(f).toHaveLength(1);
    return f[0]!;
  };
  const rule = (id: string) => packs.flatMap((p) => p.rules).find((r) => r.id === id)!;
  const noSpyWords = (f: Finding) =>
    expect(`${f.title} ${f.explanation.what} ${f.explanation.risk}`).not.toMatch(SPY_WORDS);

  it.each(
    Object.entries(LISTED_FAMILY_APPS),
  )('%s, visible and from a store: medium, in the words of %s', (id, ruleId) => {
    const f = scan({ id, installer: 'store', launcher: 'visible' });
    const r = rule(ruleId);
    expect(f.severity).toBe('medium');
    expect([f.rule, f.category, f.title]).toEqual([r.id, r.category, r.title]);
    expect(f.explanation).toEqual(r.explanation);
    expect(f.evidence.reasons.map((x) => x.rule)).toEqual(expect.arrayContaining(listed.get(id)!));
  });

  it.each(
    Object.entries(LISTED_FAMILY_APPS),
  )('%s, hidden: high, saying what it is and can do on an adult phone', (id, ruleId) => {
    const r = rule(ruleId);
    const f = scan({ id, installer: 'store', launcher: 'hidden' });
    expect(f.severity).toBe('high');
    expect(f.rule).toBe(r.id);
    expect(f.category).toBe(r.category);
    expect(f.title).toBe(`${NOUN[r.category]} is hidden on this phone`);
    expect(f.explanation.what.startsWith(r.explanation.what)).toBe(true);
    expect(f.explanation.risk).toContain(r.explanation.risk);
    expect(f.explanation.risk).toMatch(/keep track of you/);
    expect(f.explanation.next_steps).toBe(r.explanation.next_steps);
    noSpyWords(f);
  });

  it.each(
    Object.keys(LISTED_FAMILY_APPS),
  )('%s with accessibility or device admin, or from outside a store: high', (id) => {
    for (const extra of [
      { accessibility_service: true },
      { device_admin: true },
      { installer: 'sideloaded' as const },
    ]) {
      const f = scan({ id, installer: 'store', launcher: 'visible', ...extra });
      expect(f.severity, JSON.stringify(extra)).toBe('high');
      noSpyWords(f);
    }
  });

  it.each(
    Object.keys(LISTED_FAMILY_APPS),
  )('%s whose icon could not be checked: still high, and says so', (id) => {
    for (const f of [
      scan({ id, installer: 'store', launcher: 'unknown' }),
      scan({ id, installer: 'store' }, ['launcher']),
    ]) {
      expect(f.severity).toBe('high');
      expect(f.title).toMatch(/could not check if it is hidden/);
      expect(f.explanation.what).toMatch(/could not check whether its icon is hidden/);
      noSpyWords(f);
    }
  });
});
