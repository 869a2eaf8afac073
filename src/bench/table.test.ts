import { describe, expect, it } from 'vitest';
import { type CaseResult, markdownTable, speedUps } from './table.js';

const row = (over: Partial<CaseResult>): CaseResult => ({
  name: 'spycheck scan',
  apps: 166,
  latencyMs: 50,
  costs: true,
  roundTrips: 22,
  bytesRead: 24e6,
  wallMs: 2000,
  peakRssMb: 150,
  ...over,
});

describe('bench table', () => {
  const rows = [
    row({}),
    row({ name: 'per-app baseline', roundTrips: 167, wallMs: 11_000 }),
    row({ apps: 1066, wallMs: 4000, peakRssMb: 190 }),
    row({ name: 'per-app baseline', apps: 1066, wallMs: 60_000, extrapolated: true }),
    row({ apps: 1066, latencyMs: 100, wallMs: 61_000, note: 'stopped after 60 s' }),
  ];

  it('prints a markdown table with speed-ups against the same phone, latency and costs', () => {
    const t = markdownTable(rows).split('\n');
    expect(t[0]).toMatch(/^\| case \| apps \| costs \| latency \|/);
    expect(t).toHaveLength(2 + rows.length);
    expect(t[2]).toContain('| 5.5× |');
    expect(t.find((l) => l.includes('1066') && l.includes('4.00 s'))).toContain('~15.0×');
    expect(t.find((l) => l.includes('stopped'))).toContain('> 61.00 s');
    expect(t.find((l) => l.includes('baseline') && l.includes('1066'))).toContain('~60.00 s');
  });

  it('checks the targets of issue 11', () => {
    const lines = speedUps(rows);
    expect(lines[0]).toContain('5.5× faster (target ≥ 5×)');
    expect(lines[1]).toContain('1066 apps, costs on, 50 ms: 4.00 s');
    expect(lines[2]).toContain('22 (166 apps) vs 22 (1066 apps)');
  });
});
