import { describe, expect, it } from 'vitest';
import type { FindingsDoc } from '../model/findings.js';
import type { AndroidSnapshot } from '../model/snapshot.js';
import { buildReportModel, headlineFor, listAges, type ReportMeta } from './model.js';
import { sampleFindings, sampleSnapshot } from './testdata/sample.js';

const meta: ReportMeta = {
  generatedAt: '2025-03-04T14:07:00Z',
  tool: { name: 'spycheck', version: '0.1.0' },
  rules: [],
};
const empty: FindingsDoc = {
  schema: 1,
  summary: { high: 0, medium: 0, low: 0, info: 0 },
  findings: [],
  // as analyze writes it today: every check that serious rules need ran
  incomplete: false,
};

describe('headline', () => {
  it('says a clean scan is not proof of safety', () => {
    const m = buildReportModel({ snapshot: sampleSnapshot(), findings: empty, meta });
    expect(m.headline).toBe(
      'We did not find known spyware. This does not prove the phone is safe.',
    );
    expect(m.groups).toEqual([]);
  });

  it('counts known spyware apart from things worth checking', () => {
    const all = sampleFindings().findings;
    const spyAndTwo = [all[0]!, all[2]!, all[3]!];
    expect(headlineFor(spyAndTwo, { complete: true }).headline).toBe(
      'We found 1 app that is known spyware and 2 things worth checking.',
    );
    const onlyMedium = headlineFor([all[2]!], { complete: true });
    expect(onlyMedium.headline).toBe(
      'We did not find known spyware, but we found 1 thing worth checking.',
    );
    expect(onlyMedium.notes.join(' ')).toContain('does not prove');
  });

  it('says an incomplete scan is incomplete', () => {
    const m = buildReportModel({
      snapshot: sampleSnapshot({ complete: false }),
      findings: empty,
      meta,
    });
    expect(m.headlineNotes[0]).toMatch(/did not finish/);
  });
});

describe('buildReportModel', () => {
  const m = buildReportModel({ snapshot: sampleSnapshot(), findings: sampleFindings(), meta });

  it('orders groups by severity and says the safety advice once per group, not per finding', () => {
    expect(m.groups.map((g) => g.severity)).toEqual(['high', 'medium', 'low']);
    for (const g of m.groups) {
      const apps = g.findings.filter((f) => f.subjectType === 'app');
      // a group with an app in it says it once; no finding repeats it
      if (apps.length > 0) expect(g.safety.join(' ')).toMatch(/Do not remove the app/);
      for (const f of g.findings) expect(f.safety).toEqual([]);
    }
  });

  it('gives a group of phone settings only no "do not remove the app" box', () => {
    const posture = sampleFindings().findings.find((f) => f.subject.type === 'device');
    expect(posture).toBeDefined();
    const only = buildReportModel({
      snapshot: sampleSnapshot(),
      findings: { ...sampleFindings(), findings: [{ ...posture!, severity: 'medium' }] },
      meta,
    });
    expect(only.groups[0]!.safety).toEqual([]);
  });

  it('says what the spyware can reach from the access it holds, not what it asked for', () => {
    const spy = m.groups[0]!.findings[0]!;
    expect(spy.canAccess).toContain('read text messages');
    expect(spy.canAccess).toContain('use the microphone (it could record sound)');
    expect(spy.canAccess).not.toContain('use the camera');
  });

  it('lists checks that could not run, with the reason and what it means', () => {
    expect(m.notChecked.map(({ title, reason }) => ({ title, reason }))).toEqual([
      {
        title: 'Who made each app (signing certificates)',
        reason: 'The phone did not let us copy the app files.',
      },
      {
        title: 'Computers this phone trusts',
        reason: 'This version of Android does not show this over USB.',
      },
    ]);
    expect(m.notChecked[1]!.meaning).toMatch(/which computers are trusted for USB debugging/);
  });

  it('cleans hostile names and flags them', () => {
    const hostile = m.groups[2]!.findings.find((f) => f.subjectId === 'com.evil.label')!;
    expect(hostile.name).toBe('gpj.exeSystem <script>alert(1)</script>Service');
    expect(hostile.nameWarning).toBeDefined();
  });

  it('tells police to examine the phone before anything is removed', () => {
    expect(m.evidence.intro.join(' ')).toMatch(/examine the phone before anything is removed/);
    expect(m.evidence.raw).toHaveLength(4);
  });

  it('does not crash on a snapshot with missing pieces', () => {
    const broken = { ...sampleSnapshot(), checks: undefined, raw: undefined, warnings: undefined };
    expect(() =>
      buildReportModel({
        snapshot: broken as unknown as AndroidSnapshot,
        findings: sampleFindings(),
        meta,
      }),
    ).not.toThrow();
  });
});

describe('headline for an incomplete report', () => {
  it('says an import lacked the information, not that a check was cut short', () => {
    const live = headlineFor([], { complete: false, raw: [{ command: 'getprop' }] });
    expect(live.notes[0]).toMatch(/did not finish/);
    const imported = headlineFor([], {
      complete: false,
      raw: [{ command: 'androidqf:getprop.txt' }],
    });
    expect(imported.notes[0]).toMatch(/files this report was made from/);
  });
});

describe('listAges', () => {
  const rules = [
    {
      id: 'a',
      version: '1',
      sha256: 'x',
      name: 'Known spyware',
      date: '2026-06-21',
      stalkerware: true,
    },
    {
      id: 'b',
      version: '1',
      sha256: 'x',
      name: 'Older spyware list',
      date: '2026-01-02',
      stalkerware: true,
    },
    { id: 'c', version: '1', sha256: 'x', name: 'Phone settings', date: '2026-11-30' },
    { id: 'd', version: '1', sha256: 'x' },
  ];

  it('says how old each list was at the check', () => {
    expect(listAges(rules, '2026-11-30T10:00:00Z').lines).toEqual([
      'Known spyware: updated 21 June 2026, 5 months before this check',
      'Older spyware list: updated 2 January 2026, 10 months before this check',
      'Phone settings: updated 30 November 2026, the day of this check',
      'd: date not known',
    ]);
  });

  it('calls out the oldest list of known spyware once, only past 90 days', () => {
    const { stale } = listAges(rules, '2026-11-30T10:00:00Z');
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatch(
      /^The list of known spyware this check used was last updated on 2 January 2026/,
    );
    expect(listAges(rules.slice(0, 1), '2026-07-01T00:00:00Z').stale).toEqual([]);
    // a settings list is never called out, however old
    expect(listAges([{ ...rules[2]!, date: '2020-01-01' }], '2026-11-30T10:00:00Z').stale).toEqual(
      [],
    );
  });
});
