/** The hand-over app list is believed only from a verified check of this same phone. */
import { describe, expect, it } from 'vitest';
import { tolerantSnapshot } from '../report/tolerantSnapshot.js';
import { type Baseline, compareWithBaseline, handoverApps } from './baseline.js';

const snap = (serial: string, apps: string[]) =>
  tolerantSnapshot({
    platform: 'android',
    device: { serial },
    apps: apps.map((id) => ({ id, installerClass: 'store', launcher: 'visible' })),
    checks: [],
    finished: '2026-11-01T10:00:00Z',
  });
const baseline = (serial: string, verified = true): Baseline => ({
  dir: '/x',
  verified,
  summary: '',
  manifestSha256: 'ab'.repeat(32),
  snapshot: snap(serial, ['org.example.notes']),
});

describe('handoverApps', () => {
  it('takes the earlier apps from a verified check of the same phone', () => {
    expect(handoverApps(baseline('R58R'), snap('R58R', []))).toEqual(['org.example.notes']);
  });
  it('never from a bundle that did not verify, another phone, or an unknown serial', () => {
    expect(handoverApps(baseline('R58R', false), snap('R58R', []))).toBeUndefined();
    expect(handoverApps(baseline('OTHER'), snap('R58R', []))).toBeUndefined();
    expect(handoverApps(baseline('unknown'), snap('unknown', []))).toBeUndefined();
  });
});

describe('compareWithBaseline', () => {
  it('compares nothing with another phone, and says what was not compared', () => {
    const c = compareWithBaseline(baseline('OTHER'), snap('R58R', ['a.b']));
    expect(c.samePhone).toBe(false);
    expect(c.otherSerial).toBe('OTHER');
    expect(c.changes).toEqual([]);
  });
});
