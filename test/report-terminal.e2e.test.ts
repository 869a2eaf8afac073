/**
 * Issue 7, defect 6: `spycheck report BUNDLE` printed the verification
 * summary raw (`verify` already cleaned it), and the summary names files found in the bundle. A file name
 * holding escape sequences could clear the screen and paint "Bundle verified
 * OK" over "does NOT verify".
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

/** ESC and C0 controls (line breaks aside), C1 controls, bidi and zero-width characters. */
const HIDDEN =
  /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060-\u2064\ufeff]/;

const EVIL_NAME =
  '\x1b[2J\x1b[H\x1b[32mBundle verified OK\x1b[0m\x1b]0;pwned\x07\x9b2J\u202egpj.exe\u2066x\u2069\u200b';

describe('spycheck report on a bundle with a hostile file name inside', () => {
  it('prints the warning cleaned, and it still says the bundle does NOT verify', async () => {
    const bundle = join(tempDir(), 'bundle');
    expect((await runCli(['scan', '--demo', '--out', bundle, '--format', 'json'])).code).toBe(0);
    writeFileSync(join(bundle, EVIL_NAME), 'added later\n');

    const out = join(tempDir(), 'reports');
    const r = await runCli(['report', bundle, '--format', 'text', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Warning: This bundle does NOT verify: 1 problem \(.*gpj\.exe.*\)\./);
    expect(r.stderr).not.toMatch(HIDDEN);
    expect(r.stdout).not.toMatch(HIDDEN);
    expect(r.stdout).toBe(`${out}\n`);

    // verify says the same, as cleanly
    const v = await runCli(['verify', bundle]);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/This bundle does NOT verify: 1 problem \(.*gpj\.exe.*\)\./);
    expect(v.stderr).not.toMatch(HIDDEN);
    expect(v.stdout).not.toMatch(HIDDEN);
  });

  it('cleans a hostile bundle folder name on stdout and stderr', async () => {
    const parent = tempDir();
    const bundle = join(parent, `case\x1b]0;pwned\x07\u202e\x9b2J`);
    expect((await runCli(['scan', '--demo', '--out', bundle, '--format', 'json'])).code).toBe(0);
    mkdirSync(join(bundle, 'raw', '\x1b[2J'), { recursive: true });
    writeFileSync(join(bundle, 'raw', '\x1b[2J', 'x'), 'added later\n');

    // no --out: the report folder is named after the bundle
    const r = await runCli(['report', bundle, '--format', 'text']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/does NOT verify/);
    expect(r.stderr).toMatch(/Reports written to .*case-report-\d{8}T\d{6}Z/);
    expect(r.stderr).not.toMatch(HIDDEN);
    expect(r.stdout).not.toMatch(HIDDEN);
    expect(r.stdout).toMatch(/case-report-\d{8}T\d{6}Z\n$/);
  });
});
