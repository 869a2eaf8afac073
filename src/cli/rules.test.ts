import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext, ExitCode } from './context.js';
import { rulesCommand } from './rules.js';

const GOOD = join(import.meta.dirname, '..', 'rules', 'testdata', 'good-pack');

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  let code: ExitCode = 0;
  const ctx: CliContext = {
    stdout: out,
    stderr: err,
    env: {},
    interactive: false,
    color: false,
    exit: (c) => {
      code = c;
    },
  };
  const program = new Command('spycheck').exitOverride().addCommand(rulesCommand(ctx));
  await program.parseAsync(['node', 'spycheck', 'rules', ...args]);
  return { code, stdout, stderr };
}

describe('spycheck rules', () => {
  it('validate and test pass on a good pack', async () => {
    expect((await run(['validate', GOOD])).code).toBe(0);
    const t = await run(['test', GOOD]);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/1 rule\(s\), 2 case\(s\) passed, 0 failure/);
  });

  it('exits 1 with file:line:col for a broken pack', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spycheck-cli-'));
    try {
      await writeFile(join(dir, 'pack.yaml'), await readFile(join(GOOD, 'pack.yaml')));
      const rule = (await readFile(join(GOOD, 'rules', 'one.yaml'), 'utf8')).replace(
        'severity: high',
        'severity: high\nlevel: high',
      );
      await writeFile(join(dir, 'one.yaml'), rule);
      const r = await run(['validate', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${join(dir, 'one.yaml')}:5:1: unknown key "level"`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 when a rule test fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'spycheck-cli-'));
    try {
      await writeFile(join(dir, 'pack.yaml'), await readFile(join(GOOD, 'pack.yaml')));
      const rule = (await readFile(join(GOOD, 'rules', 'one.yaml'), 'utf8')).replace(
        'no_match: [{ app: { id: com.example.clean } }]',
        'no_match: [{ app: { id: com.example.spy } }]',
      );
      await writeFile(join(dir, 'one.yaml'), rule);
      const r = await run(['test', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /one\.yaml:1:1: rule "test.one": tests.no_match\[0\].*must not match/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('show prints a shipped rule', async () => {
    const r = await run(['show', 'behaviour.hidden-sideloaded-watcher']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/severity: high/);
  });
});
