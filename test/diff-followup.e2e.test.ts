/**
 * Issue 12, must show: a live scan of a simulated phone, then of the same phone after a
 * monitoring app was installed with accessibility, an account added and Play Protect turned
 * off: `diff` names exactly those three changes and no other app. And a simulated covert
 * second phone scans, with its family locator found.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffDocumentSchema } from '../src/analyze/diffSchema.js';
import { runCli, tempDir } from './helpers.js';

const dir = tempDir();
const findings = (out: string) =>
  (
    JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) as {
      findings: { rule: string; severity: string; subject: { type: string; id: string } }[];
    }
  ).findings;
const before = join(dir, 'clean-pixel14');
const after = join(dir, 'clean-pixel14-later');

beforeAll(async () => {
  for (const [out, profile] of [
    [before, 'clean-pixel14'],
    [after, 'clean-pixel14-later'],
  ] as const) {
    const r = await runCli(['scan', '--demo', profile, '--out', out, '--format', 'json']);
    expect([0, 3], r.stderr).toContain(r.code);
  }
}, 120_000);

describe('a follow-up visit: spycheck diff of clean-pixel14 and clean-pixel14-later', () => {
  it('names exactly the monitoring app, the added account and Play Protect off', async () => {
    const r = await runCli(['diff', before, after, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = diffDocumentSchema.parse(JSON.parse(r.stdout));
    expect(j.old.verified && j.new.verified).toBe(true);
    expect(j.old.serial).toBe('38101FDJH00A7K');
    expect(j.new.serial).toBe(j.old.serial);
    expect(j.warnings).toEqual([]);
    expect(j.notCompared).toEqual([]);
    expect(j.changes).toEqual([
      {
        kind: 'app-installed',
        subject: { type: 'app', id: 'update.service.android', label: 'Update Service' },
        before: null,
        after: '5.4.1',
        severity: 'high',
      },
      {
        kind: 'account-added',
        subject: { type: 'account', id: 'jay.harlow.84@gmail.com', label: 'com.google' },
        before: null,
        after: 'com.google',
        severity: 'medium',
      },
      {
        kind: 'setting-changed',
        subject: {
          type: 'device',
          id: 'global.package_verifier_enable',
          label: 'Play Protect app checks',
        },
        // clean-pixel14 never had the key: Android's default, checks on
        before: '1',
        after: '0',
        severity: 'medium',
      },
    ]);
    // no other app, whatever else the two scans differ in (times, battery history, app use)
    expect(j.changes.filter((c) => c.subject.type === 'app')).toHaveLength(1);
    // the scans' own findings agree: the shipped packs know the app (mSpy)
    const apps = (out: string) =>
      findings(out)
        .filter((f) => f.subject.type === 'app')
        .map((f) => [f.rule, f.severity]);
    expect(apps(before)).toEqual([]);
    expect(apps(after)).toEqual([['stalkerware.mspy', 'high']]);
  });

  it('says them in plain words, the app first, with what it can do', async () => {
    const r = await runCli(['diff', before, after]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Since the check on .*:$/);
    // what is never compared is said before any change
    expect(lines[1]).toMatch(/^Not compared between the two checks: watches/);
    expect(lines.slice(2, 5)).toEqual([
      '!! New app since the last check: Update Service (update.service.android), not from an app store. It can see the screen and what you type (accessibility).',
      ' ! A new account was added since the last check: jay.harlow.84@gmail.com (com.google). Do you know it, and only you its password?',
      ' ! Play Protect app checks were turned off since the last check.',
    ]);
    expect(lines[5]).toMatch(/^Before changing anything:/);
    expect(lines).toHaveLength(6);
    expect((await runCli(['diff', before, after, '--fail-on', 'high'])).code).toBe(4);
  });

  it('the other way round, says the app removed and checks back on, and that the order is reversed', async () => {
    const r = await runCli(['diff', after, before, '--format', 'json']);
    const j = diffDocumentSchema.parse(JSON.parse(r.stdout));
    expect(j.warnings[0]).toMatch(/The first bundle is the later check/);
    expect(j.changes.map((c) => [c.kind, c.subject.id, c.severity])).toEqual([
      ['account-removed', 'jay.harlow.84@gmail.com', 'low'],
      ['app-removed', 'update.service.android', 'low'],
      ['setting-changed', 'global.package_verifier_enable', 'info'],
    ]);
  });
});

describe('the covert second phone: second-phone-a14', () => {
  it('scans, and finds the family locator and the survivor account', async () => {
    const out = join(dir, 'second-phone-a14');
    const r = await runCli([
      'scan',
      '--demo',
      'second-phone-a14',
      '--out',
      out,
      '--format',
      'json',
    ]);
    expect([0, 3], r.stderr).toContain(r.code);
    const got = findings(out).map((f) => [f.rule, f.subject.id, f.severity]);
    expect(got).toContainEqual(['location.life360', 'com.life360.android.safetymapd', 'medium']);
    // a plain scan: the account is information (--purpose second-phone makes it more)
    expect(got).toContainEqual(['posture.accounts-check', 'accounts', 'info']);
    expect(got.filter(([, , severity]) => severity === 'high')).toEqual([]);
    const snapshot = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8')) as {
      device: { serial: string };
      accounts: { type: string; name: string }[];
      settings: { secure: Record<string, string> };
    };
    expect(snapshot.device.serial).toBe('R5CW30HJ7QN');
    expect(snapshot.accounts).toEqual([{ type: 'com.google', name: 'leah.b.morgan@gmail.com' }]);
    expect(snapshot.settings.secure.backup_enabled).toBe('1');
  });
});
