/** `recently_used` on an iPhone: read from an App Privacy Report the phone's owner saved. */
import { describe, expect, it } from 'vitest';
import type { IosSnapshot } from '../model/snapshot.js';
import { analyzeSnapshot } from './analyze.js';
import { compileRules } from './compile.js';
import { pack } from './pack.test-util.js';
import { iosSnapshotFromCase, TEST_NOW } from './ruleTester.js';

const hoursBefore = (h: number) => new Date(Date.parse(TEST_NOW) - h * 3_600_000).toISOString();

const rules = compileRules([
  pack([
    {
      id: 'ios.mic-recently',
      platforms: ['ios'],
      match: { recently_used: { what: ['microphone', 'location'], within_hours: 24 } },
    },
  ]),
]);

function phone(recentUse?: IosSnapshot['recentUse'], reportTo?: string): IosSnapshot {
  const s = iosSnapshotFromCase({ ios_app: { id: 'com.example.Agent' } } as never);
  if (recentUse) s.recentUse = recentUse;
  if (reportTo) {
    s.privacyReport = {
      file: 'r.ndjson',
      sha256: '0'.repeat(64),
      to: reportTo,
      accesses: 1,
      networkRecords: 0,
      apps: 1,
      skippedLines: 0,
    };
  }
  return s;
}

const use = (utc: string, op: string, ongoing = false) => ({
  phoneTime: utc.slice(0, 19).replace('T', ' '),
  utc,
  op,
  ...(ongoing ? { ongoing: true as const } : {}),
});

describe('recently_used on iPhone apps', () => {
  it('fires when the report shows a use within the window (bundle id compared without case)', () => {
    const doc = analyzeSnapshot(
      phone({ 'com.example.agent': { microphone: use(hoursBefore(3), 'microphone') } }),
      rules,
    );
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]?.subject.id).toBe('com.example.Agent');
    expect(doc.findings[0]?.evidence.reasons).toEqual([
      expect.objectContaining({
        matcher: 'recently_used',
        value: `microphone at ${hoursBefore(3)}`,
      }),
    ]);
    expect(doc.findings[0]?.evidence.lastUsed).toMatchObject({ microphone: { op: 'microphone' } });
  });

  it('does not fire for an older use, or another kind', () => {
    expect(
      analyzeSnapshot(
        phone({
          'com.example.Agent': {
            microphone: use(hoursBefore(30), 'microphone'),
            camera: use(hoursBefore(1), 'camera'),
          },
        }),
        rules,
      ).findings,
    ).toEqual([]);
  });

  it('a use still going on when the report was saved counts as lasting until then', () => {
    const snap = phone(
      { 'com.example.Agent': { location: use(hoursBefore(40), 'location', true) } },
      hoursBefore(2),
    );
    const doc = analyzeSnapshot(snap, rules);
    expect(doc.findings[0]?.evidence.reasons[0]?.value).toMatch(/still in use/);
    // without the report's end time, only the time it began is known
    delete snap.privacyReport;
    expect(analyzeSnapshot(snap, rules).findings).toEqual([]);
  });

  it('with no App Privacy Report: "no", not a blind spot (an iPhone keeps no readable record)', () => {
    const doc = analyzeSnapshot(phone(), rules);
    expect(doc.findings).toEqual([]);
    expect(doc.notEvaluated ?? []).toEqual([]);
    expect(doc.incomplete).toBe(false);
  });
});
