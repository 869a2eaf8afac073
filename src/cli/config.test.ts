import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFilePath, DEFAULT_HELPLINES, loadContact } from '../config/config.js';
import { runWith } from './testContext.test-util.js';

const freshEnv = (): NodeJS.ProcessEnv => ({
  SPYCHECK_CONFIG_DIR: join(mkdtempSync(join(tmpdir(), 'spycheck-cli-config-')), 'spycheck'),
});

describe('spycheck config', () => {
  it('shows the defaults before anything is set, and where the file will be', async () => {
    const env = freshEnv();
    const r = await runWith(['config', 'show'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Organisation:  not set');
    expect(r.stdout).toContain('Helplines (the defaults');
    expect(r.stdout).toMatch(
      /National Domestic Abuse Helpline \(England\) +0808 2000 247 +Free, 24 hours/,
    );
    expect(r.stdout).toContain(`Settings file: ${configFilePath(env)} (not created yet)`);
  });

  it('sets, shows and unsets the organisation and its number', async () => {
    const env = freshEnv();
    let r = await runWith(['config', 'set', 'organisation', 'Safe Steps Leeds'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Saved. Reports now show the organisation "Safe Steps Leeds".\n');
    r = await runWith(['config', 'set', 'phone', '0113 496 0000'], { env });
    expect(r.code).toBe(0);
    r = await runWith(['config', 'show', '--json'], { env });
    expect(JSON.parse(r.stdout)).toMatchObject({
      organisation: 'Safe Steps Leeds',
      phone: '0113 496 0000',
      defaultHelplines: true,
    });
    r = await runWith(['config', 'unset', 'phone'], { env });
    expect(r.code).toBe(0);
    expect((await loadContact(env)).contact).toEqual({
      organisation: 'Safe Steps Leeds',
      helplines: [...DEFAULT_HELPLINES],
    });
  });

  it('refuses a bad value as a usage error and keeps what was there', async () => {
    const env = freshEnv();
    await runWith(['config', 'set', 'phone', '0113 496 0000'], { env });
    const r = await runWith(['config', 'set', 'phone', '0113 abc'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('The phone number may only have digits, spaces and + ( ) -\n');
    expect((await loadContact(env)).contact.phone).toBe('0113 496 0000');
    const unknown = await runWith(['config', 'set', 'colour', 'red'], { env });
    expect(unknown.code).toBe(2);
  });

  it('adds, changes and removes helplines', async () => {
    const env = freshEnv();
    let r = await runWith(
      ['config', 'add-helpline', 'Leeds DVS', '0113 496 0401', '--note', '24 hours'],
      { env },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Saved\. Added "Leeds DVS"\. Reports now list 7 helplines/);
    r = await runWith(['config', 'add-helpline', 'leeds dvs', '0113 496 0402'], { env });
    expect(r.stderr).toMatch(/Changed "leeds dvs"/);
    r = await runWith(['config', 'remove-helpline', "Men's Advice Line"], { env });
    expect(r.code).toBe(0);
    const { contact } = await loadContact(env);
    expect(contact.helplines?.map((h) => h.name)).toContain('leeds dvs');
    expect(contact.helplines?.map((h) => h.name)).not.toContain("Men's Advice Line");
    r = await runWith(['config', 'remove-helpline', 'No such line'], { env });
    expect(r.code).toBe(2);
    r = await runWith(['config', 'unset', 'helplines'], { env });
    expect(r.stderr).toBe('Saved. Reports now list the default UK helplines.\n');
    expect((await loadContact(env)).contact.helplines).toEqual([...DEFAULT_HELPLINES]);
  });

  it('a broken file: show warns and shows the defaults; a change keeps the old file aside', async () => {
    const env = freshEnv();
    const path = configFilePath(env);
    mkdirSync(env.SPYCHECK_CONFIG_DIR!, { recursive: true, mode: 0o700 });
    writeFileSync(path, '{"organisation": ', { mode: 0o600 });
    let r = await runWith(['config', 'show'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^Warning: The settings file .* was not used because it is damaged/);
    expect(r.stdout).toContain('Organisation:  not set');
    r = await runWith(['config', 'set', 'organisation', 'Safe Steps Leeds'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`It was kept as ${path}.broken and a new one started.`);
    expect(readFileSync(`${path}.broken`, 'utf8')).toBe('{"organisation": ');
    expect((await loadContact(env)).contact.organisation).toBe('Safe Steps Leeds');
  });

  it('path prints where the file is, without creating it', async () => {
    const env = freshEnv();
    const r = await runWith(['config', 'path'], { env });
    expect(r.stdout).toBe(`${configFilePath(env)}\n`);
    expect(existsSync(configFilePath(env))).toBe(false);
  });
});
