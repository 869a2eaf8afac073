import { describe, expect, it } from 'vitest';
import type { AndroidSnapshot, PastApp } from '../model/snapshot.js';
import { analyzeSnapshot } from './analyze.js';
import { compileRules } from './compile.js';
import { pack } from './pack.test-util.js';
import { packagesAlone } from './pastApps.js';
import { snapshotFromCase } from './ruleTester.js';

const SPY = {
  id: 'stalkerware.spyco',
  title: 'Known stalkerware: SpyCo',
  match: {
    any: [
      { package: ['com.spyco.app'] },
      { cert_sha1: ['ABCDEF0123456789ABCDEF0123456789ABCDEF01'] },
    ],
  },
};

const REMOVED: PastApp = {
  id: 'com.spyco.app',
  sources: ['battery-history'],
  installed: {
    utc: '2024-05-01T08:02:03.004Z',
    phoneTime: '2024-05-01 09:02:03',
    printed: 'battery history: +1h02m03s004ms after "RESET:TIME: 2024-05-01-08-00-00" (at 0)',
  },
  removed: {
    utc: '2024-05-03T08:30:45.250Z',
    phoneTime: '2024-05-03 09:30:45',
    printed: 'battery history: +2d01h30m45s250ms after "RESET:TIME: 2024-05-01-08-00-00" (at 0)',
  },
};

function snap(pastApps: PastApp[], extra: Partial<AndroidSnapshot> = {}): AndroidSnapshot {
  return { ...(snapshotFromCase({ device: {} }) as AndroidSnapshot), pastApps, ...extra };
}

describe('packagesAlone', () => {
  it('keeps only ids that prove the match with nothing else known', () => {
    expect([...packagesAlone({ package: ['a.b', 'c.d'] })]).toEqual(['a.b', 'c.d']);
    expect([...packagesAlone({ any: [{ package: ['a.b'] }, { cert_sha1: ['X'] }] })]).toEqual([
      'a.b',
    ]);
    // the name alone is not enough when the rule also needs "not a system app"
    expect([...packagesAlone({ package: ['com.android.system'], system: false })]).toEqual([]);
    expect([
      ...packagesAlone({ all: [{ package: ['a.b', 'c.d'] }, { package: ['c.d'] }] }),
    ]).toEqual(['c.d']);
    expect([...packagesAlone({ package: ['a.b'], launcher: 'hidden' })]).toEqual([]);
    expect([...packagesAlone({ not: { package: ['a.b'] } })]).toEqual([]);
  });
});

describe('known spyware that was on the phone before', () => {
  it('is reported at high with both dates, as its own finding', () => {
    const doc = analyzeSnapshot(snap([REMOVED]), compileRules([pack([SPY])]));
    expect(doc.findings).toHaveLength(1);
    const f = doc.findings[0]!;
    expect(f).toMatchObject({
      rule: 'stalkerware.spyco',
      severity: 'high',
      category: 'stalkerware',
      title: 'Spyware was on this phone before: SpyCo',
      subject: { type: 'app', id: 'com.spyco.app', label: 'SpyCo' },
    });
    expect(f.explanation.what).toContain(
      'It was installed on 1 May 2024 at 09:02 (the phone\u2019s own time) and removed on 3 May 2024 at 09:30 (the phone\u2019s own time).',
    );
    expect(f.explanation.risk).toMatch(/had to hold this phone/);
    expect(f.explanation.risk).toMatch(/put it back/);
    expect(f.explanation.next_steps).toMatch(/^Do not change anything/);
    expect(f.explanation.next_steps).toMatch(/does not prove/);
    expect(f.evidence.reasons).toEqual([
      expect.objectContaining({
        rule: 'stalkerware.spyco',
        matcher: 'past_package',
        value: 'com.spyco.app',
      }),
    ]);
    expect(f.evidence.history).toEqual({
      package: 'com.spyco.app',
      sources: ['battery-history'],
      installed: REMOVED.installed,
      removed: REMOVED.removed,
    });
    expect(doc.summary.high).toBe(1);
  });

  it('says so when the times could not be worked out, rather than guessing', () => {
    const doc = analyzeSnapshot(
      snap([{ id: 'com.spyco.app', sources: ['battery-history'], removed: { unknown: 'x' } }]),
      compileRules([pack([SPY])]),
    );
    expect(doc.findings[0]?.explanation.what).toContain(
      'We could not work out exactly when it was installed or removed.',
    );
  });

  it('reports an app removed with its data kept', () => {
    const doc = analyzeSnapshot(
      snap([
        {
          id: 'com.spyco.app',
          sources: ['kept-data'],
          installed: { utc: '2024-04-20T10:00:00.000Z' },
          removed: { unknown: 'no date' },
        },
      ]),
      compileRules([pack([SPY])]),
    );
    const what = doc.findings[0]?.explanation.what ?? '';
    expect(what).toContain('It was installed on 20 April 2024 at 10:00 UTC.');
    expect(what).toContain('The phone still keeps its data');
  });

  it('never adds "was here before" for an app that is installed now', () => {
    const s = snapshotFromCase({ app: { id: 'com.spyco.app' } }) as AndroidSnapshot;
    s.pastApps = [REMOVED];
    const doc = analyzeSnapshot(s, compileRules([pack([SPY])]));
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]?.title).toBe('Known stalkerware: SpyCo');
    expect(doc.findings[0]?.evidence.history).toBeUndefined();
  });

  it('leaves ordinary apps, watchware and rules needing more than the name alone', () => {
    const rules = compileRules([
      pack([
        SPY,
        {
          id: 'watchware.x',
          severity: 'medium',
          category: 'watchware',
          match: { package: ['com.watch.x'] },
        },
        { id: 'stalkerware.sys', match: { package: ['com.android.system'], system: false } },
      ]),
    ]);
    const doc = analyzeSnapshot(
      snap(
        ['com.whatsapp', 'com.watch.x', 'com.android.system'].map((id) => ({
          id,
          sources: ['battery-history' as const],
        })),
      ),
      rules,
    );
    expect(doc.findings).toEqual([]);
  });

  it('uses words that allow for a family app the survivor may have installed', () => {
    const rules = compileRules([
      pack([
        SPY,
        {
          id: 'location.findkids',
          title: 'Find Kids (family locator)',
          category: 'location-sharing',
          severity: 'medium',
          dual_use: true,
          labels: { 'com.spyco.app': 'Find Kids' },
          match: { package: ['com.spyco.app'] },
        },
      ]),
    ]);
    const f = analyzeSnapshot(snap([REMOVED]), rules).findings[0]!;
    expect(f.severity).toBe('high');
    expect(f.rule).toBe('location.findkids');
    expect(f.title).toBe(
      'An app that can be used to watch someone was on this phone before: Find Kids',
    );
    expect(f.explanation.what).not.toMatch(/made to watch someone in secret/);
    expect(f.explanation.next_steps).toMatch(/If you installed it yourself/);
    expect(f.evidence.reasons.map((r) => r.rule)).toEqual([
      'location.findkids',
      'stalkerware.spyco',
    ]);
  });

  it('a refused battery history leaves known-spyware rules not judged, never clean', () => {
    const s = snap([], {
      checks: [
        {
          id: 'app-history',
          title: 'Apps that were installed and then removed recently',
          status: 'not-checked',
          reason: 'the phone refused to answer this question',
        },
      ],
    });
    const doc = analyzeSnapshot(s, compileRules([pack([SPY])]));
    expect(doc.findings).toEqual([]);
    expect(doc.notEvaluated).toEqual([
      { rule: 'stalkerware.spyco', pack: 'p', facts: ['past_packages'] },
    ]);
    expect(doc.incomplete).toEqual({ checks: ['app-history'], facts: ['past_packages'] });
  });
});
