import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultRulesDir, formatRuleError, loadRulePacks } from './load.js';

const GOOD = join(import.meta.dirname, 'testdata', 'good-pack');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A copy of the good pack with rules/one.yaml replaced by `rule`. */
async function packWith(rule: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spycheck-rules-'));
  dirs.push(dir);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'rules'));
  await writeFile(join(dir, 'pack.yaml'), await readFile(join(GOOD, 'pack.yaml')));
  await writeFile(join(dir, 'rules', 'one.yaml'), rule);
  return dir;
}

const base = (match: string, extra = '') => `id: test.one
title: Test rule
category: stalkerware
severity: high
platforms: [android]
match:
${match}
explanation: { what: w, risk: r, next_steps: n }
${extra}`;

describe('loadRulePacks', () => {
  it('loads a valid pack with a stable sha256', async () => {
    const a = await loadRulePacks([GOOD]);
    const b = await loadRulePacks([GOOD]);
    expect(a.errors).toEqual([]);
    expect(a.packs).toHaveLength(1);
    expect(a.packs[0]!.rules.map((r) => r.id)).toEqual(['test.one']);
    expect(a.packs[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.packs[0]!.sha256).toBe(b.packs[0]!.sha256);
  });

  it('finds the shipped packs from import.meta.url', async () => {
    const { packs, errors } = await loadRulePacks([defaultRulesDir()]);
    expect(errors.map(formatRuleError)).toEqual([]);
    expect(packs.map((p) => p.id).sort()).toEqual(
      [
        'anti-theft',
        'behaviour',
        'device-posture',
        'ios',
        'isdi-dual-use',
        'linked-devices',
        'location-sharing',
        'parental-control',
        'remote-access',
        'root-tools',
        'second-phone',
        'smart-home',
        'stalkerware-indicators',
      ].sort(),
    );
  });

  const cases: Array<{ name: string; yaml: string; line: number; message: RegExp }> = [
    {
      name: 'bad YAML',
      yaml: base('  package: [com.example.spy'),
      line: 8,
      message: /YAML syntax/,
    },
    {
      name: 'unknown key with suggestion',
      yaml: base('  package: [com.example.spy]', 'license: MIT\n'),
      line: 9,
      message: /unknown key "license".*did you mean "licence"|unknown key "license"/,
    },
    {
      name: 'unknown matcher',
      yaml: base('  package_prefix: [com.example]'),
      line: 7,
      message: /unknown key "package_prefix" in match/,
    },
    {
      name: 'malformed hash',
      yaml: base('  cert_sha1: [ABCDEF]'),
      line: 7,
      message: /match.cert_sha1\[0\]: expected a SHA-1/,
    },
    { name: 'empty matcher', yaml: base('  {}'), line: 7, message: /empty matcher/ },
    {
      name: 'empty nested matcher',
      yaml: base('  any:\n    - {}'),
      line: 8,
      message: /match.any\[0\].*empty matcher/,
    },
    {
      name: 'wildcard package',
      yaml: base('  package: ["com.example.*"]'),
      line: 7,
      message: /exact app id/,
    },
    {
      name: 'bad severity',
      yaml: base('  package: [com.example.spy]').replace('severity: high', 'severity: critical'),
      line: 4,
      message: /severity/,
    },
    {
      name: 'duplicate key',
      yaml: base('  package: [com.example.spy]').replace('title: Test rule', 'title: A\ntitle: B'),
      line: 3,
      message: /YAML syntax: .*unique/i,
    },
    {
      name: 'alias bomb',
      yaml: `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`,
      line: 1,
      message: /too many YAML aliases/,
    },
  ];

  it.each(cases)('rejects $name with file:line', async ({ yaml, line, message }) => {
    const dir = await packWith(yaml);
    const { packs, errors } = await loadRulePacks([dir]);
    expect(packs).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    const hit = errors.find((e) => message.test(e.message));
    expect(hit, errors.map(formatRuleError).join('\n')).toBeDefined();
    expect(hit!.file).toBe(join(dir, 'rules', 'one.yaml'));
    expect(hit!.line).toBe(line);
    expect(formatRuleError(hit!)).toMatch(new RegExp(`one\\.yaml:${line}:\\d+: `));
  });

  it('refuses a huge document before parsing it', async () => {
    const dir = await packWith(`# ${'x'.repeat(9 * 1024 * 1024)}\n`);
    const { errors } = await loadRulePacks([dir]);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/too large/);
  });

  it('rejects a duplicate rule id across packs, naming both places', async () => {
    const other = await packWith(base('  package: [com.example.other]'));
    await writeFile(
      join(other, 'pack.yaml'),
      (await readFile(join(GOOD, 'pack.yaml'), 'utf8')).replace('test-good', 'test-other'),
    );
    const { errors } = await loadRulePacks([GOOD, other]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/duplicate rule id "test.one".*good-pack/);
    expect(errors[0]!.line).toBe(1);
  });

  it('normalises hashes to uppercase without colons', async () => {
    const sha1 = 'ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01';
    const dir = await packWith(base(`  cert_sha1: ["${sha1}"]`));
    const { packs, errors } = await loadRulePacks([dir]);
    expect(errors).toEqual([]);
    expect(packs[0]!.rules[0]!.match.cert_sha1).toEqual([
      'ABCDEF0123456789ABCDEF0123456789ABCDEF01',
    ]);
  });

  it('loads a single rule file as a local pack', async () => {
    const { packs, errors } = await loadRulePacks([join(GOOD, 'rules', 'one.yaml')]);
    expect(errors).toEqual([]);
    expect(packs[0]!.id).toBe('local.one');
  });

  it('reports a missing path and a folder without packs', async () => {
    const { errors } = await loadRulePacks(['/nonexistent/x', import.meta.dirname]);
    expect(errors.map((e) => e.message)).toEqual([
      'no such file or folder',
      expect.stringMatching(/no pack.yaml/),
    ]);
  });

  it('refuses a pack written for another schema version', async () => {
    const dir = await packWith(base('  package: [com.example.spy]'));
    await writeFile(
      join(dir, 'pack.yaml'),
      (await readFile(join(GOOD, 'pack.yaml'), 'utf8')).replace('schema: 1', 'schema: 2'),
    );
    const { errors } = await loadRulePacks([dir]);
    expect(errors[0]).toMatchObject({ line: 1, message: expect.stringMatching(/update spycheck/) });
  });
});
