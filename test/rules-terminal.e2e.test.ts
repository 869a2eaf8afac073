/**
 * Issue 7, defect 6: text from a rule pack or an import source never reaches
 * the terminal uncleaned — not through `rules list` / `rules show`, not
 * through load errors, not through import warnings.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

/** ESC and C0 controls (line breaks and tab aside), C1 controls, bidi and zero-width characters. */
const HIDDEN =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060-\u2064\ufeff]/;

const PACK_YAML = `schema: 1
id: test-hostile
name: Test pack
version: 0.1.0
licence: MIT
date: 2026-01-01
`;

const ruleYaml = (
  over: { title?: string; extra?: string; id?: string } = {},
) => `id: ${over.id ?? 'test.hostile'}
title: ${over.title ?? 'Test rule'}
category: stalkerware
severity: high
platforms: [android]
match:
  package: [com.example.spy]
explanation: { what: w, risk: r, next_steps: n }
${over.extra ?? ''}`;

function packDir(files: Record<string, string>): string {
  const dir = join(tempDir('spycheck-hostile-pack-'), 'pack');
  mkdirSync(join(dir, 'rules'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function expectClean(...texts: string[]): void {
  for (const t of texts) {
    expect(t).not.toMatch(HIDDEN);
    expect(t).not.toContain('\x1b');
  }
}

describe('rules list / rules show with hostile pack text', () => {
  it('refuses a pack name with escape sequences, with a clean file:line:col error', async () => {
    // YAML double-quoted escapes: \e = ESC, \a = BEL, \x9b = 8-bit CSI, \u202E = RLO
    const dir = packDir({
      'pack.yaml': PACK_YAML.replace(
        'name: Test pack',
        'name: "Pack\\e[2J\\e[H\\e]0;pwned\\aBundle verified OK\\x9b2J\\u202Egpj.exe"',
      ),
      'rules/one.yaml': ruleYaml(),
    });
    const r = await runCli(['rules', 'list', '--no-default-rules', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, 'pack.yaml')}:3:7: name: expected plain text without control, bidi-override or invisible`,
    );
    expect(r.stdout).toBe('');
    expectClean(r.stdout, r.stderr);
  });

  it('refuses a rule title with C1 and bidi characters, in list and in show', async () => {
    const dir = packDir({
      'pack.yaml': PACK_YAML,
      'rules/one.yaml': ruleYaml({
        title: '"Calculator\\x9b2J\\u2066\\u202Eexe.gpj\\u2069\\u200B"',
      }),
    });
    for (const args of [
      ['rules', 'list', '--no-default-rules', '--rules', dir],
      ['rules', 'show', 'test.hostile', '--rules', dir],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(
        `${join(dir, 'rules', 'one.yaml')}:2:8: title: expected plain text`,
      );
      expect(r.stdout).toBe('');
      expectClean(r.stdout, r.stderr);
    }
  });

  it('prints an unknown key named with escape and bidi characters cleaned, its hidden characters shown', async () => {
    const dir = packDir({
      'pack.yaml': PACK_YAML,
      'rules/one.yaml': ruleYaml({ extra: '"lev\\e[2J\\e]0;x\\ael\\u202Eelif": high\n' }),
    });
    const r = await runCli(['rules', 'validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, 'rules', 'one.yaml')}:9:1: unknown key "lev<U+001B>[2J<U+001B>]0;x<U+0007>el<U+202E>elif"`,
    );
    expectClean(r.stderr);
  });

  it('cleans a hostile rule file name in load errors, in list and in show', async () => {
    const evil = 'one\x1b[2J\x1b]0;pwned\x07\u202elmay.yaml';
    const bad = packDir({
      'pack.yaml': PACK_YAML,
      [`rules/${evil}`]: ruleYaml({ extra: 'level: high\n' }),
    });
    const v = await runCli(['rules', 'validate', bad]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/rules\/one.*lmay\.yaml:9:1: unknown key "level"/);
    expectClean(v.stderr);

    // a single rule file is loaded as the pack "Local rules from <file name>"
    const good = packDir({ 'pack.yaml': PACK_YAML, [`rules/${evil}`]: ruleYaml() });
    const file = join(good, 'rules', evil);
    const list = await runCli(['rules', 'list', '--no-default-rules', '--rules', file]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Local rules from one.*lmay\.yaml/);
    expectClean(list.stdout, list.stderr);

    const show = await runCli(['rules', 'show', 'test.hostile', '--rules', file]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^# .*one.*lmay\.yaml:1:1 \(pack local\.one/);
    expectClean(show.stdout, show.stderr);
  });

  it('rules show cleans values the schema lets through, line by line, keeping the YAML layout', async () => {
    const dir = packDir({
      'pack.yaml': PACK_YAML,
      'rules/one.yaml': `id: test.setting
title: Test rule
category: stalkerware
severity: high
platforms: [android]
match:
  setting:
    key: secure.test_key
    equals: ["on\\u202E\\u2066ffo", "x\\u200By"]
explanation: { what: w, risk: r, next_steps: n }
`,
    });
    const r = await runCli(['rules', 'show', 'test.setting', '--rules', dir]);
    expect(r.code).toBe(0);
    expectClean(r.stdout);
    expect(r.stdout).toContain('\nmatch:\n  setting:\n    key: secure.test_key\n    equals:\n');
    expect(r.stdout).toContain('\n      - onffo\n      - xy\n');
  });

  it('rules show cleans a rule id given on the command line that is not found', async () => {
    const r = await runCli(['rules', 'show', 'nope\x1b[2J\u202e']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No rule with id "nope".');
    expectClean(r.stderr);
  });
});

describe('rules import with hostile source text', () => {
  it('prints warnings cleaned and drops bidi characters from labels, so the pack loads', async () => {
    const src = tempDir('spycheck-hostile-isdi-');
    writeFileSync(
      join(src, 'app-flags.csv'),
      [
        'appId,store,flag,title',
        'com.example.tracker,playstore,dual-use,Find Friend\u202as\u202c\u200f',
        'com.example.recorder,playstore,spyware,Recorder\x9b2J',
        '\x1b[2J\x1b]0;pwned\x07\u202eBundle verified OK,playstore,dual-use,Evil',
      ].join('\n'),
    );
    const out = join(tempDir('spycheck-hostile-out-'), 'isdi');
    const r = await runCli(['rules', 'import', 'isdi', src, '--out', out]);
    expect(r.stderr).toMatch(
      /warning: .*app-flags\.csv: ".*Bundle verified OK" is not a valid app id; skipped/,
    );
    expectClean(r.stderr, r.stdout);
    expect(r.code, r.stderr).toBe(0);
    expect((await runCli(['rules', 'validate', out])).code).toBe(0);
    const generated = readFileSync(join(out, 'rules', 'isdi.dual-use.yaml'), 'utf8');
    expect(generated).toContain('com.example.tracker: Find Friends\n');
  });
});
