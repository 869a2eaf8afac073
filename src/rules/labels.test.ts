import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLabelIndex, cleanLabel, labelIndexFor, packLabelsOf } from './labels.js';
import { defaultRulesDir, formatRuleError, type LoadedRule, loadRulePacks } from './load.js';

const GOOD = join(import.meta.dirname, 'testdata', 'good-pack');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A copy of the good pack with a labels.yaml (and, optionally, no rules). */
async function packWithLabels(labels: string, opts: { rules?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spycheck-labels-'));
  dirs.push(dir);
  await writeFile(join(dir, 'pack.yaml'), await readFile(join(GOOD, 'pack.yaml')));
  if (opts.rules !== false) {
    await mkdir(join(dir, 'rules'));
    await writeFile(
      join(dir, 'rules', 'one.yaml'),
      await readFile(join(GOOD, 'rules', 'one.yaml')),
    );
  }
  await writeFile(join(dir, 'labels.yaml'), labels);
  return dir;
}

describe("a pack's labels.yaml", () => {
  it('is loaded beside the rules, not as a rule file, and is part of the pack digest', async () => {
    const a = await packWithLabels('labels:\n  com.example.browser: Example Browser\n');
    const b = await packWithLabels('labels:\n  com.example.browser: Another Browser\n');
    const la = await loadRulePacks([a]);
    const lb = await loadRulePacks([b]);
    expect(la.errors.map(formatRuleError)).toEqual([]);
    const pack = la.packs[0]!;
    expect(pack.labels?.labels).toEqual({ 'com.example.browser': 'Example Browser' });
    expect(packLabelsOf(pack.rules[0]!)?.labels['com.example.browser']).toBe('Example Browser');
    // a different name is a different pack
    expect(pack.sha256).not.toBe(lb.packs[0]!.sha256);
  });

  it.each([
    ['a line break (it could forge a line of the report)', '"Chrome\\nNo spyware found"'],
    ['a bidi override', '"\u202eemorhC"'],
    ['an escape sequence', '"Chrome\\e[2J"'],
    ['a zero-width character', '"Chr\u200bome"'],
    ['only spaces', '"   "'],
    ['a name over 120 characters', `"${'x'.repeat(121)}"`],
  ])('refuses a name with %s, with file:line', async (_what, name) => {
    const dir = await packWithLabels(`labels:\n  com.example.browser: ${name}\n`);
    const { packs, errors } = await loadRulePacks([dir]);
    expect(packs).toEqual([]);
    expect(errors.map(formatRuleError).join('\n')).toMatch(/labels\.yaml:2:\d+: labels\./);
  });

  it('refuses wildcards in ids, unknown keys and an empty list', async () => {
    for (const [text, why] of [
      ['labels:\n  com.example.*: Browser\n', /labels\.com\.example\.\*: expected an exact app id/],
      ['labels:\n  com.example.browser: Browser\nnames: {}\n', /unknown key "names"/],
      ['labels: {}\n', /at least one app name/],
    ] as const) {
      const { errors } = await loadRulePacks([await packWithLabels(text)]);
      expect(errors.map(formatRuleError).join('\n')).toMatch(why);
    }
  });

  it('says that a pack with only labels.yaml is not read', async () => {
    const dir = await packWithLabels('labels:\n  com.example.browser: Browser\n', { rules: false });
    const { errors } = await loadRulePacks([dir]);
    expect(errors.map(formatRuleError).join('\n')).toMatch(/no rules.*labels\.yaml/);
  });

  it('the shipped names load and name the common apps findings are about', async () => {
    const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
    expect(errors.map(formatRuleError)).toEqual([]);
    const index = labelIndexFor({ rules: packs.flatMap((p) => p.rules.map((rule) => ({ rule }))) });
    expect(index.names.get('com.sec.android.app.sbrowser')).toBe('Samsung Internet');
    expect(index.names.get('com.android.chrome')).toBe('Chrome');
    expect(index.names.get('com.google.android.apps.nbu.files')).toBe('Files by Google');
    expect(index.names.get('com.sec.android.app.myfiles')).toBe('My Files (Samsung)');
  });
});

describe('the label index', () => {
  const rule = (id: string, labels: Record<string, string>) =>
    ({ id, labels, pack: 'p' }) as unknown as LoadedRule;

  it('prefers hand-written rules, then packs’ lists, then generated packs', () => {
    const index = buildLabelIndex([
      { rule: rule('gen.one', { 'a.b': 'Store title', 'c.d': 'Generated only' }), curated: false },
      { rule: rule('hand.one', { 'a.b': 'Hand-written' }), curated: true },
    ]);
    expect(index.names.get('a.b')).toBe('Hand-written');
    expect(index.names.get('c.d')).toBe('Generated only');
  });

  it('cleans hostile text from packs built without the loader', () => {
    expect(cleanLabel('\u202eevil\u001b[31m name\nnext line')).toBe('evil name next line');
    expect(cleanLabel('\u200b \u0007')).toBeUndefined();
    expect(cleanLabel('x'.repeat(500))!.length).toBeLessThanOrEqual(120);
  });
});
