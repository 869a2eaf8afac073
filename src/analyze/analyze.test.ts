import { describe, expect, it } from 'vitest';
import type { AndroidSnapshot } from '../model/snapshot.js';
import type { RuleDef } from '../rules/schema.js';
import { analyzeSnapshot } from './analyze.js';
import { compileRules } from './compile.js';
import { pack } from './pack.test-util.js';
import { snapshotFromCase } from './ruleTester.js';

type Case = Parameters<typeof snapshotFromCase>[0];
const run = (rules: Parameters<typeof pack>[0], c: Case) =>
  analyzeSnapshot(snapshotFromCase(c), compileRules([pack(rules)]));

describe('matcher semantics', () => {
  const table: Array<{ name: string; match: RuleDef['match']; c: Case; hit: boolean }> = [
    {
      name: 'exact package',
      match: { package: ['com.fone'] },
      c: { app: { id: 'com.fone' } },
      hit: true,
    },
    {
      name: 'never a prefix',
      match: { package: ['com.fone'] },
      c: { app: { id: 'com.fone.extra' } },
      hit: false,
    },
    {
      name: 'not a suffix either',
      match: { package: ['com.fone'] },
      c: { app: { id: 'org.com.fone' } },
      hit: false,
    },
    {
      name: 'cert sha1 matches whatever the case on the phone',
      match: { cert_sha1: ['ABCDEF0123456789ABCDEF0123456789ABCDEF01'] },
      c: { app: { id: 'a.b', cert_sha1: 'abcdef0123456789abcdef0123456789abcdef01' } },
      hit: true,
    },
    {
      name: 'all: both needed',
      match: { all: [{ installer: ['sideloaded'] }, { launcher: 'hidden' }] },
      c: { app: { id: 'a.b', installer: 'sideloaded', launcher: 'visible' } },
      hit: false,
    },
    {
      name: 'mapping keys are AND',
      match: { installer: ['sideloaded'], launcher: 'hidden' },
      c: { app: { id: 'a.b', installer: 'sideloaded', launcher: 'hidden' } },
      hit: true,
    },
    {
      name: 'any: one is enough',
      match: { any: [{ accessibility_service: true }, { notification_listener: true }] },
      c: { app: { id: 'a.b', notification_listener: true } },
      hit: true,
    },
    {
      name: 'not',
      match: { package: ['a.b'], not: { installer: ['store'] } },
      c: { app: { id: 'a.b', installer: 'store' } },
      hit: false,
    },
    {
      name: 'permission must be granted',
      match: { permission: ['android.permission.RECORD_AUDIO'] },
      c: { app: { id: 'a.b', permissions: ['android.permission.CAMERA'] } },
      hit: false,
    },
    {
      name: 'not-checked accessibility never fires',
      match: { package: ['a.b'], accessibility_service: true },
      c: {
        app: { id: 'a.b', accessibility_service: true },
        device: { not_checked: ['accessibility'] },
      },
      hit: false,
    },
    {
      name: 'not-checked is not "absent" either',
      match: { package: ['a.b'], accessibility_service: false },
      c: { app: { id: 'a.b' }, device: { not_checked: ['accessibility'] } },
      hit: false,
    },
    {
      name: 'unknown launcher does not satisfy "hidden" nor "not visible"',
      match: { package: ['a.b'], not: { launcher: 'visible' } },
      c: { app: { id: 'a.b', launcher: 'unknown' } },
      hit: false,
    },
    {
      name: 'setting equals',
      match: { setting: { key: 'global.package_verifier_enable', equals: ['0'] } },
      c: { device: { settings: { 'global.package_verifier_enable': '0' } } },
      hit: true,
    },
  ];
  it.each(table)('$name', ({ match, c, hit }) => {
    const doc = run([{ id: 't.rule', match }], c);
    expect(doc.findings.length > 0).toBe(hit);
  });

  it('reports a rule it could not judge instead of calling it clean', () => {
    const doc = run([{ id: 't.rule', match: { package: ['a.b'], accessibility_service: true } }], {
      app: { id: 'a.b' },
      device: { not_checked: ['accessibility'] },
    });
    expect(doc.findings).toEqual([]);
    expect(doc.notEvaluated).toEqual([
      { rule: 't.rule', pack: 'p', facts: ['accessibility'], subjects: ['a.b'] },
    ]);
  });

  it('takes "now" for patch age from the snapshot, not the clock', () => {
    const s = snapshotFromCase({ device: {} }) as AndroidSnapshot;
    s.device.securityPatch = '2020-01-01';
    const rules = compileRules([pack([{ id: 't.patch', match: { patch_older_than_days: 730 } }])]);
    s.finished = '2021-01-01T00:00:00Z';
    expect(analyzeSnapshot(s, rules).findings).toHaveLength(0);
    s.finished = '2023-01-01T00:00:00Z';
    expect(analyzeSnapshot(s, rules).findings[0]!.evidence.reasons[0]!.value).toMatch(/2020-01-01/);
  });
});

describe('findings', () => {
  it('merges several rules on one app into one finding at the highest severity', () => {
    const doc = run(
      [
        { id: 'a.low', severity: 'low', category: 'dual-use', match: { package: ['com.spy'] } },
        {
          id: 'b.high',
          severity: 'high',
          match: { cert_sha1: ['ABCDEF0123456789ABCDEF0123456789ABCDEF01'] },
          explanation: { what: 'high what', risk: 'r', next_steps: 'n' },
        },
        {
          id: 'c.device',
          severity: 'info',
          category: 'device-posture',
          match: { setting: { key: 'global.adb_enabled', equals: ['1'] } },
        },
      ],
      { app: { id: 'com.spy', cert_sha1: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' } },
    );
    expect(doc.findings.map((f) => [f.id, f.rule, f.severity, f.subject.type])).toEqual([
      ['F1', 'b.high', 'high', 'app'],
      ['F2', 'c.device', 'info', 'device'],
    ]);
    const f = doc.findings[0]!;
    expect(f.explanation.what).toBe('high what');
    expect(f.evidence.reasons.map((r) => [r.rule, r.matcher, r.value, r.packVersion])).toEqual([
      ['b.high', 'cert_sha1', 'ABCDEF0123456789ABCDEF0123456789ABCDEF01', '1.0.0'],
      ['a.low', 'package', 'com.spy', '1.0.0'],
    ]);
    expect(doc.summary).toEqual({ high: 1, medium: 0, low: 0, info: 1 });
  });

  it('raises severity when a dual-use app also holds dangerous grants', () => {
    const rule = {
      id: 'd.dual',
      severity: 'low' as const,
      match: { package: ['com.track'] },
      raise: [
        { severity: 'medium' as const, when: { permission: ['android.permission.RECORD_AUDIO'] } },
      ],
    };
    expect(run([rule], { app: { id: 'com.track' } }).findings[0]!.severity).toBe('low');
    const raised = run([rule], {
      app: { id: 'com.track', permissions: ['android.permission.RECORD_AUDIO'] },
    }).findings[0]!;
    expect(raised.severity).toBe('medium');
    expect(raised.evidence.reasons.map((r) => r.value)).toContain(
      'android.permission.RECORD_AUDIO',
    );
  });

  it('survives hostile snapshot content', () => {
    const s = snapshotFromCase({ app: { id: 'a.b' } }) as AndroidSnapshot;
    (s as unknown as { apps: unknown[] }).apps.push(null, { id: 42 }, { id: 'x.y', certs: [{}] });
    (s as unknown as { appOps: unknown }).appOps = { GET_USAGE_STATS: 'oops' };
    const doc = analyzeSnapshot(
      s,
      compileRules([
        pack([
          { id: 't.c', match: { cert_sha1: ['ABCDEF0123456789ABCDEF0123456789ABCDEF01'] } },
          { id: 't.u', match: { usage_access: true } },
        ]),
      ]),
    );
    expect(doc.findings).toEqual([]);
  });
});
