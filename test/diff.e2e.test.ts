/**
 * `spycheck diff`: two checks of a simulated phone compared through the CLI. Both bundles are
 * verified first; a changed bundle is compared but said first, never passed off as genuine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffDocumentSchema } from '../src/analyze/diffSchema.js';
import { runCli, tempDir } from './helpers.js';

const dir = tempDir();
const first = join(dir, 'first');
const second = join(dir, 'second');
const other = join(dir, 'other');

beforeAll(async () => {
  for (const [out, profile] of [
    [first, 'infected-a12'],
    [second, 'infected-a12'],
    [other, 'clean-pixel14'],
  ] as const) {
    const r = await runCli(['scan', '--demo', profile, '--out', out, '--format', 'json']);
    expect([0, 3]).toContain(r.code);
  }
}, 120_000);

interface DiffJson {
  schema: number;
  old: { verified: boolean; serial: string };
  new: { verified: boolean };
  warnings: string[];
  notCompared: string[];
  changes: { kind: string; subject: { id: string }; severity: string }[];
}

describe('spycheck diff', () => {
  it('finds nothing between two checks of an unchanged phone, and says what that does not prove', async () => {
    const r = await runCli(['diff', first, second]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Since the check on .* \(UK time, GMT\):/);
    expect(r.stdout).toContain(
      'Nothing changed in the apps, accounts, special access and security settings spycheck compares. This does not prove the phone is safe.',
    );
    const j = JSON.parse((await runCli(['diff', first, second, '--json'])).stdout) as DiffJson;
    expect(diffDocumentSchema.safeParse(j).error).toBeUndefined();
    expect(j.schema).toBe(1);
    expect(j.old.verified && j.new.verified).toBe(true);
    expect(j.changes).toEqual([]);
    expect(j.notCompared).toEqual([]);
  });

  it('refuses two different phones unless asked', async () => {
    const r = await runCli(['diff', first, other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/two different phones/);
    expect((await runCli(['diff', first, other, '--force', '--json'])).code).not.toBe(2);
  });

  it('says first when a bundle was changed, and --fail-on counts what it shows', async () => {
    const changed = join(dir, 'changed');
    const r = await runCli([
      'scan',
      '--demo',
      'infected-a12',
      '--out',
      changed,
      '--format',
      'json',
    ]);
    expect([0, 3]).toContain(r.code);
    const file = join(changed, 'snapshot.json');
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    snap.accounts.push({ type: 'com.google', name: 'watcher@example.com' });
    writeFileSync(file, `${JSON.stringify(snap, null, 2)}\n`);
    const text = await runCli(['diff', first, changed]);
    expect(text.stdout.split('\n')[0]).toMatch(/^WARNING: the later bundle .* did NOT verify/);
    expect(text.stdout).toContain(
      'A new account was added since the last check: watcher@example.com',
    );
    const j = JSON.parse((await runCli(['diff', first, changed, '--json'])).stdout) as DiffJson;
    expect(diffDocumentSchema.safeParse(j).error).toBeUndefined();
    expect(j.new.verified).toBe(false);
    expect(j.warnings[0]).toMatch(/later bundle .* did NOT verify/);
    // --format json is the same document as --json; --format text the same words as no option
    expect((await runCli(['diff', first, changed, '--format', 'json'])).stdout).toBe(
      `${JSON.stringify(j, null, 2)}\n`,
    );
    expect((await runCli(['diff', first, changed, '--format', 'text'])).stdout).toBe(text.stdout);
    expect((await runCli(['diff', first, changed, '--json', '--format', 'text'])).code).toBe(2);
    expect(j.changes.map((c) => [c.kind, c.subject.id, c.severity])).toEqual([
      ['account-added', 'watcher@example.com', 'medium'],
    ]);
    expect((await runCli(['diff', first, changed, '--fail-on', 'medium'])).code).toBe(4);
    expect((await runCli(['diff', first, changed, '--fail-on', 'high'])).code).toBe(0);
  });
});
