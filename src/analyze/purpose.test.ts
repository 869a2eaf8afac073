/**
 * A check for a purpose (a covert second phone): the purpose's own rules are judged only then,
 * only ever make findings more serious, never take over another rule's words about an app, and
 * stand instead of the everyday rules they name.
 */
import { describe, expect, it } from 'vitest';
import type { AndroidSnapshot } from '../model/snapshot.js';
import { analyzeSnapshot } from './analyze.js';
import { compileRules } from './compile.js';
import { pack } from './pack.test-util.js';
import { snapshotFromCase } from './ruleTester.js';

const rules = compileRules([
  pack([
    {
      id: 'x.accounts',
      category: 'device-posture',
      severity: 'info',
      match: { account_count: { at_least: 1 } },
    },
    {
      id: 'x.life360',
      category: 'location-sharing',
      severity: 'low',
      title: 'Life360',
      match: { package: ['com.life360.android.safetymapd'] },
    },
    {
      id: 'x.second.account',
      purpose: 'second-phone',
      instead_of: ['x.accounts'],
      category: 'device-posture',
      severity: 'medium',
      match: { account_count: { at_least: 1 } },
    },
    {
      id: 'x.second.added',
      purpose: 'second-phone',
      category: 'device-posture',
      severity: 'medium',
      title: 'added',
      match: { handover_app: false },
    },
  ]),
]);

function phone(): AndroidSnapshot {
  const s = snapshotFromCase({
    app: { id: 'com.life360.android.safetymapd', installer: 'store' },
    device: { accounts: [{ type: 'com.google', name: 'sam@example.com' }] },
  }) as AndroidSnapshot;
  s.apps.push({
    ...s.apps[0]!,
    id: 'com.android.chrome',
    system: true,
    installerClass: 'preinstalled',
  });
  s.apps.push({ ...s.apps[0]!, id: 'org.example.bus', system: false });
  return s;
}

const byRule = (doc: ReturnType<typeof analyzeSnapshot>) =>
  Object.fromEntries(doc.findings.map((f) => [`${f.rule}:${f.subject.id}`, f.severity]));

describe('checking a phone for a purpose', () => {
  it('a plain check never judges a purpose rule, and treats the account as information', () => {
    const doc = analyzeSnapshot(phone(), rules);
    expect(byRule(doc)).toEqual({
      'x.accounts:accounts': 'info',
      'x.life360:com.life360.android.safetymapd': 'low',
    });
    expect(doc.purpose).toBeUndefined();
    // not judged at all: a purpose rule is never "could not be checked" either
    expect(JSON.stringify(doc.notEvaluated ?? [])).not.toContain('x.second');
  });

  it('a second phone: the account and every added app are at least medium, location sharing keeps its own words', () => {
    const doc = analyzeSnapshot(phone(), rules, { purpose: 'second-phone' });
    expect(doc.purpose).toBe('second-phone');
    expect(byRule(doc)).toEqual({
      // instead of the everyday "accounts" note, never both
      'x.second.account:accounts': 'medium',
      // explained by what the app is, raised to medium by the purpose
      'x.life360:com.life360.android.safetymapd': 'medium',
      'x.second.added:org.example.bus': 'medium',
    });
    const life = doc.findings.find((f) => f.subject.id === 'com.life360.android.safetymapd')!;
    expect(life.title).toBe('Life360');
    expect(life.evidence.raisedFor).toMatch(/second phone/);
  });

  it('with the hand-over check, only apps that were not on the phone then count as added', () => {
    const doc = analyzeSnapshot(phone(), rules, {
      purpose: 'second-phone',
      handoverApps: ['com.android.chrome', 'COM.LIFE360.ANDROID.SAFETYMAPD'],
    });
    const added = doc.findings.filter((f) => f.rule === 'x.second.added').map((f) => f.subject.id);
    expect(added).toEqual(['org.example.bus']);
    // Life360 was there at hand-over, and location sharing is still raised on a secret phone
    expect(byRule(doc)['x.life360:com.life360.android.safetymapd']).toBe('medium');
  });

  it('a system app the hand-over check did not list is still an added app', () => {
    const doc = analyzeSnapshot(phone(), rules, {
      purpose: 'second-phone',
      handoverApps: ['com.life360.android.safetymapd', 'org.example.bus'],
    });
    expect(
      doc.findings.filter((f) => f.rule === 'x.second.added').map((f) => f.subject.id),
    ).toEqual(['com.android.chrome']);
  });
});

describe('instead_of never hides an everyday finding', () => {
  it('a rule without a purpose cannot stand instead of another, and the rule format refuses it', async () => {
    const { RULE } = await import('../rules/schema.js');
    const bad = RULE.safeParse({
      id: 'x.quiet',
      title: 'q',
      category: 'device-posture',
      severity: 'info',
      platforms: ['android'],
      match: { account_count: { at_least: 1 } },
      instead_of: ['x.spy'],
      explanation: { what: 'w', risk: 'r', next_steps: 'n' },
    });
    expect(bad.success).toBe(false);
    // even if a pack got one past the loader, the engine ignores it
    const rules2 = compileRules([
      pack([
        { id: 'x.spy', match: { package: ['com.spy.app'] } },
        {
          id: 'x.quiet',
          severity: 'info',
          category: 'device-posture',
          instead_of: ['x.spy'],
          match: { account_count: { at_least: 1 } },
        },
      ]),
    ]);
    const s = snapshotFromCase({
      app: { id: 'com.spy.app', installer: 'sideloaded' },
      device: { accounts: [{ type: 'com.google', name: 'a@example.com' }] },
    });
    const doc = analyzeSnapshot(s, rules2);
    expect(doc.findings.find((f) => f.subject.id === 'com.spy.app')?.severity).toBe('high');
  });

  it('a purpose rule never stands instead of a more serious finding', () => {
    const rules3 = compileRules([
      pack([
        {
          id: 'x.accounts-serious',
          severity: 'high',
          category: 'device-posture',
          match: { account_count: { at_least: 1 } },
        },
        {
          id: 'x.second.account',
          purpose: 'second-phone',
          instead_of: ['x.accounts-serious'],
          category: 'device-posture',
          severity: 'medium',
          match: { account_count: { at_least: 1 } },
        },
      ]),
    ]);
    const doc = analyzeSnapshot(phone(), rules3, { purpose: 'second-phone' });
    expect(doc.findings.map((f) => f.rule).sort()).toEqual([
      'x.accounts-serious',
      'x.second.account',
    ]);
  });
});
