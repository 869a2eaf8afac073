import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/findings.js';
import type { LoadedRule, RulePack } from '../rules/load.js';
import type { RuleDef } from '../rules/schema.js';
import { analyzeSnapshot } from './analyze.js';
import { compileRules } from './compile.js';
import { snapshotFromCase } from './ruleTester.js';

type RuleIn = Partial<RuleDef> & Pick<RuleDef, 'id' | 'match'>;

function pack(id: string, generated: boolean, rules: RuleIn[]): RulePack {
  const loaded: LoadedRule[] = rules.map((r) => ({
    title: r.id,
    category: 'stalkerware',
    severity: 'high',
    platforms: ['android'],
    explanation: { what: `${r.id} what`, risk: `${r.id} risk`, next_steps: `${r.id} next` },
    ...r,
    pack: id,
    packVersion: '1.0.0',
    file: `${r.id}.yaml`,
  }));
  return {
    id,
    name: id,
    version: '1.0.0',
    sha256: '0',
    dir: '.',
    meta: {
      schema: 1,
      id,
      name: id,
      version: '1.0.0',
      licence: 'MIT',
      date: '2026-01-01',
      ...(generated ? { generated: { by: 'test', command: 'test' } } : {}),
    },
    rules: loaded,
  };
}

const CHILD = 'org.family.child';
const PARENT = 'org.family.parent';

/** Echap-like list: the child app as stalkerware, the parent app as both. */
const LIST = pack('list', true, [
  {
    id: 'stalkerware.family',
    title: 'Known stalkerware: Family',
    match: { package: [CHILD, PARENT] },
    explanation: {
      what: 'It is stalkerware: an app made to spy on a phone in secret.',
      risk: 'list risk',
      next_steps: 'list next',
    },
  },
  {
    id: 'watchware.family',
    category: 'watchware',
    severity: 'medium',
    match: { package: [PARENT] },
  },
]);

const childRule = (extra: Partial<RuleDef> = {}): RuleIn => ({
  id: 'location.family-child',
  title: 'Family child app',
  category: 'location-sharing',
  severity: 'medium',
  dual_use: true,
  match: { package: [CHILD], system: false },
  explanation: {
    what: 'Family is the app on the child phone.',
    risk: 'The parent app can see where this phone is.',
    next_steps: 'Ask who installed it. Make a safety plan first.',
  },
  ...extra,
});

const HAND = pack('family', false, [
  childRule(),
  {
    id: 'location.family-parent',
    title: 'Family parent app',
    category: 'location-sharing',
    severity: 'low',
    dual_use: true,
    match: { package: [PARENT], system: false },
    explanation: { what: 'parent what', risk: 'parent risk', next_steps: 'parent next' },
  },
]);

type Case = Parameters<typeof snapshotFromCase>[0];

function finding(c: Case, packs: RulePack[] = [LIST, HAND]): Finding {
  const doc = analyzeSnapshot(snapshotFromCase(c), compileRules(packs));
  const f = doc.findings.filter((x) => x.subject.type === 'app');
  expect(f).toHaveLength(1);
  return f[0]!;
}

const words = (f: Finding) => `${f.title} ${f.explanation.what} ${f.explanation.risk}`;
const NEVER = /spy[^.]*secret|made to spy|stalkerware:/i;

describe('a family app that a stalkerware list also names', () => {
  it('visible, from an app store: medium, in the hand-written words', () => {
    const f = finding({ app: { id: CHILD, installer: 'store', launcher: 'visible' } });
    expect(f.severity).toBe('medium');
    expect(f.rule).toBe('location.family-child');
    expect(f.category).toBe('location-sharing');
    expect(f.title).toBe('Family child app');
    expect(f.explanation).toEqual(HAND.rules[0]!.explanation);
    // the list's reason is kept as evidence
    expect(f.evidence.reasons.map((r) => r.rule)).toContain('stalkerware.family');
    expect(f.evidence.dualUse).toEqual({
      rule: 'location.family-child',
      alsoListedAs: ['stalkerware.family'],
      seen: [],
      notChecked: [],
    });
  });

  it('hidden: high, says what the app is and can do on an adult phone, never "spy in secret"', () => {
    const f = finding({ app: { id: CHILD, installer: 'store', launcher: 'hidden' } });
    expect(f.severity).toBe('high');
    expect(f.category).toBe('location-sharing');
    expect(f.rule).toBe('location.family-child');
    expect(f.title).toBe('A family-tracking app is hidden on this phone');
    expect(f.explanation.what).toMatch(/^Family is the app on the child phone\./);
    expect(f.explanation.what).toMatch(/icon is hidden/);
    expect(f.explanation.risk).toMatch(/keep track of you/);
    expect(f.explanation.risk).toMatch(/may not know it is there/);
    expect(f.explanation.risk).toMatch(/The parent app can see where this phone is\./);
    expect(f.explanation.next_steps).toBe('Ask who installed it. Make a safety plan first.');
    expect(words(f)).not.toMatch(NEVER);
    expect(f.evidence.dualUse).toMatchObject({ seen: ['icon hidden'], notChecked: [] });
  });

  it.each([
    [{ accessibility_service: true }, 'can see the screen of this phone', 'accessibility service'],
    [{ device_admin: true }, 'has been given extra control of this phone', 'device administrator'],
    [{ installer: 'sideloaded' as const }, 'from outside an app store', 'not from an app store'],
    [
      { installer: 'other-store' as const },
      'less well-known app store',
      'from a less well-known app store',
    ],
  ])('visible but %o: high', (extra, title, seen) => {
    const f = finding({ app: { id: CHILD, installer: 'store', launcher: 'visible', ...extra } });
    expect(f.severity).toBe('high');
    expect(f.title).toContain(title);
    expect(f.evidence.dualUse).toMatchObject({ seen: [seen] });
    expect(words(f)).not.toMatch(NEVER);
  });

  it('an icon that could not be checked is never taken as visible', () => {
    for (const c of [
      { app: { id: CHILD, installer: 'store' as const, launcher: 'unknown' as const } },
      { app: { id: CHILD, installer: 'store' as const }, device: { not_checked: ['launcher'] } },
    ]) {
      const f = finding(c);
      expect(f.severity).toBe('high');
      expect(f.title).toBe(
        'A family-tracking app is on this phone, and we could not check if it is hidden',
      );
      expect(f.explanation.what).toMatch(/We could not check whether its icon is hidden\./);
      expect(f.explanation.risk).toMatch(/could not check everything/);
      expect(f.evidence.dualUse).toMatchObject({ seen: [], notChecked: ['launcher'] });
      expect(words(f)).not.toMatch(NEVER);
    }
  });

  it('special access that could not be checked keeps it high too', () => {
    const f = finding({
      app: { id: CHILD, installer: 'store', launcher: 'visible' },
      device: { not_checked: ['accessibility', 'device-admins'] },
    });
    expect(f.severity).toBe('high');
    expect(f.evidence.dualUse).toMatchObject({ notChecked: ['accessibility', 'device_admin'] });
    expect(f.explanation.what).toMatch(/could not check whether it can see the screen/);
  });

  it('a seen concern names the finding even when another fact is unknown', () => {
    const f = finding({
      app: { id: CHILD, installer: 'store', launcher: 'hidden' },
      device: { not_checked: ['accessibility'] },
    });
    expect(f.title).toBe('A family-tracking app is hidden on this phone');
    expect(f.explanation.what).toMatch(/could not check whether it can see the screen/);
  });

  it('the parent side takes its own words at medium when visible and from a store', () => {
    const f = finding({ app: { id: PARENT, installer: 'store', launcher: 'visible' } });
    expect(f.severity).toBe('medium');
    expect(f.rule).toBe('location.family-parent');
    expect(f.explanation.what).toBe('parent what');
  });

  it('part of the system (a rule without system: false): high, and says so', () => {
    const any = pack('family', false, [childRule({ match: { package: [CHILD] } })]);
    const f = finding(
      { app: { id: CHILD, system: true, installer: 'preinstalled', launcher: 'visible' } },
      [LIST, any],
    );
    expect(f.severity).toBe('high');
    expect(f.title).toBe('A family-tracking app is part of the system on this phone');
    expect(f.evidence.dualUse).toMatchObject({ seen: ['part of the system'] });
  });

  it('uses the category for the noun', () => {
    const anti = pack('anti', false, [childRule({ id: 'antitheft.x', category: 'anti-theft' })]);
    const f = finding({ app: { id: CHILD, installer: 'store', launcher: 'hidden' } }, [LIST, anti]);
    expect(f.title).toBe('An anti-theft app is hidden on this phone');
    expect(f.category).toBe('anti-theft');
  });
});

describe('what dual_use does not change', () => {
  it('without dual_use the list keeps its words and severity', () => {
    const plain = pack('family', false, [childRule({ dual_use: undefined })]);
    const f = finding({ app: { id: CHILD, installer: 'store', launcher: 'visible' } }, [
      LIST,
      plain,
    ]);
    expect(f.severity).toBe('high');
    expect(f.rule).toBe('stalkerware.family');
    expect(f.evidence.dualUse).toBeUndefined();
  });

  it('dual_use in a generated pack counts for nothing', () => {
    const gen = pack('gen', true, [childRule()]);
    const f = finding({ app: { id: CHILD, installer: 'store', launcher: 'visible' } }, [LIST, gen]);
    expect(f.severity).toBe('high');
    expect(f.category).toBe('stalkerware');
  });

  it('with no stalkerware hit, hand-written words replace generated ones at the highest severity', () => {
    const watchOnly = pack('list', true, [LIST.rules[1]!]);
    const f = finding({ app: { id: PARENT, installer: 'store', launcher: 'hidden' } }, [
      watchOnly,
      HAND,
    ]);
    expect(f.severity).toBe('medium');
    expect(f.rule).toBe('location.family-parent');
    expect(f.explanation.what).toBe('parent what');
    expect(f.evidence.dualUse).toBeUndefined();
  });

  it('the hand-written rule alone is judged as before', () => {
    const f = finding({ app: { id: CHILD, installer: 'sideloaded', launcher: 'hidden' } }, [HAND]);
    expect(f.severity).toBe('medium');
    expect(f.title).toBe('Family child app');
  });
});
