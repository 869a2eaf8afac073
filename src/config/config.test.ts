import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addHelpline,
  CONFIG_FILE,
  checkHelpline,
  checkOrganisation,
  checkPhone,
  configFilePath,
  DEFAULT_HELPLINES,
  LIMITS,
  loadContact,
  parseConfig,
  readConfig,
  removeHelpline,
  writeConfig,
} from './config.js';

const freshEnv = (): NodeJS.ProcessEnv => ({
  SPYCHECK_CONFIG_DIR: join(mkdtempSync(join(tmpdir(), 'spycheck-config-')), 'spycheck'),
});

/** Writes a settings file by hand (as someone editing it, or an attacker, would). */
function writeRaw(env: NodeJS.ProcessEnv, text: string, mode = 0o600): string {
  const dir = env.SPYCHECK_CONFIG_DIR!;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, CONFIG_FILE);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

const posix = typeof process.getuid === 'function';

describe('settings file: where it is', () => {
  it('sits beside the signing key: SPYCHECK_CONFIG_DIR, else XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configFilePath({ SPYCHECK_CONFIG_DIR: '/x/y' })).toBe(join('/x/y', 'config.json'));
    expect(configFilePath({ XDG_CONFIG_HOME: '/cfg' })).toBe(
      join('/cfg', 'spycheck', 'config.json'),
    );
    expect(configFilePath({ HOME: '/home/sam' })).toBe(
      join('/home/sam', '.config', 'spycheck', 'config.json'),
    );
  });
});

describe('checking values', () => {
  it.each([
    ['0808 2000 247', true],
    ['+44 (0)113 246 0401', true],
    ['999', true],
    ['0113-246-0401', true],
    ['12', false],
    ['0808 2000 247 ext 5', false],
    ['call 0808', false],
    ['0808\u202e2000', false],
    ['0808\n2000', false],
    ['1234567890123456', false],
    ['', false],
  ])('phone %j → %s', (value, ok) => {
    expect(checkPhone(value).ok).toBe(ok);
  });

  it('keeps names plain: no control or invisible characters, capped length, trimmed', () => {
    expect(checkOrganisation('  Safe  Steps Leeds ')).toEqual({
      ok: true,
      value: 'Safe Steps Leeds',
    });
    expect(checkOrganisation('Safe\u001b[31mSteps').ok).toBe(false);
    expect(checkOrganisation('Safe\u200bSteps').ok).toBe(false);
    expect(checkOrganisation('x'.repeat(LIMITS.organisation + 1)).ok).toBe(false);
    expect(checkOrganisation('   ').ok).toBe(false);
    expect(checkOrganisation(42).ok).toBe(false);
  });

  it('checks each part of a helpline and says which one is wrong', () => {
    expect(checkHelpline({ name: 'Leeds DVS', phone: '0113 496 0401', note: '' })).toEqual({
      ok: true,
      value: { name: 'Leeds DVS', phone: '0113 496 0401' },
    });
    const bad = checkHelpline({ name: 'Leeds DVS', phone: 'ring us' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problem).toMatch(/"Leeds DVS" may only have digits/);
    expect(checkHelpline({ name: 'X', phone: '0808 2000 247', note: 'y'.repeat(500) }).ok).toBe(
      false,
    );
    expect(checkHelpline(['X', '0808']).ok).toBe(false);
  });

  it('the default helplines pass the same checks', () => {
    for (const h of DEFAULT_HELPLINES) expect(checkHelpline(h)).toEqual({ ok: true, value: h });
    expect(DEFAULT_HELPLINES[0]).toEqual({
      name: 'National Domestic Abuse Helpline (England)',
      phone: '0808 2000 247',
      note: 'Free, 24 hours',
    });
  });
});

describe('parseConfig', () => {
  it('keeps good values and names each one left out', () => {
    const { config, problems, unusable } = parseConfig({
      schema: 1,
      organisation: 'Safe Steps Leeds',
      phone: 'not a number',
      colour: 'red',
    });
    expect(unusable).toBeUndefined();
    expect(config).toEqual({ organisation: 'Safe Steps Leeds' });
    expect(problems).toEqual([
      '"colour" is not a setting',
      'The phone number may only have digits, spaces and + ( ) -',
    ]);
  });

  it('uses no helpline from a list with one bad entry (all or nothing)', () => {
    const { config, problems } = parseConfig({
      helplines: [
        { name: 'Good', phone: '0808 2000 247' },
        { name: 'Bad', phone: '0808 2000 247; rm -rf' },
      ],
    });
    expect(config.helplines).toBeUndefined();
    expect(problems).toHaveLength(1);
  });

  it('refuses what is not a settings object, or another schema', () => {
    expect(parseConfig([1, 2]).unusable).toMatch(/does not hold settings/);
    expect(parseConfig('x').unusable).toMatch(/does not hold settings/);
    expect(parseConfig({ schema: 99 }).unusable).toMatch(/another version/);
  });
});

describe('read and write', () => {
  it('writes owner-only, atomically, and reads back what it wrote', async () => {
    const env = freshEnv();
    const path = await writeConfig(env, {
      organisation: 'Safe Steps Leeds',
      phone: '0113 496 0000',
      helplines: [{ name: 'Leeds DVS', phone: '0113 496 0401', note: '24 hours' }],
    });
    expect(path).toBe(configFilePath(env));
    if (posix) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(env.SPYCHECK_CONFIG_DIR!).mode & 0o777).toBe(0o700);
    }
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ schema: 1 });
    const read = await readConfig(env);
    expect(read).toMatchObject({
      state: 'ok',
      problems: [],
      config: { organisation: 'Safe Steps Leeds', phone: '0113 496 0000' },
    });
  });

  it('a missing file is no problem: every default applies', async () => {
    const env = freshEnv();
    expect(await readConfig(env)).toMatchObject({ state: 'missing', config: {} });
    expect(await loadContact(env)).toEqual({ contact: { helplines: [...DEFAULT_HELPLINES] } });
  });
});

describe('loadContact', () => {
  it('gives the organisation, its number and its helplines', async () => {
    const env = freshEnv();
    await writeConfig(env, {
      organisation: 'Safe Steps Leeds',
      phone: '0113 496 0000',
      helplines: [{ name: 'Leeds DVS', phone: '0113 496 0401' }],
    });
    expect(await loadContact(env)).toEqual({
      contact: {
        organisation: 'Safe Steps Leeds',
        phone: '0113 496 0000',
        helplines: [{ name: 'Leeds DVS', phone: '0113 496 0401' }],
      },
    });
  });

  it.each([
    ['damaged JSON', '{"organisation": "Safe', /damaged/],
    ['not an object', '"hello"', /does not hold settings/],
    ['another schema', '{"schema": 7}', /another version/],
    ['huge', `{"organisation": "${'x'.repeat(70_000)}"}`, /too large/],
  ])('a broken file (%s) gives a plain warning and the defaults', async (_, text, why) => {
    const env = freshEnv();
    writeRaw(env, text);
    const { contact, warning } = await loadContact(env);
    expect(contact).toEqual({ helplines: [...DEFAULT_HELPLINES] });
    expect(warning).toMatch(why);
    expect(warning).toMatch(/default helplines/);
  });

  it('a hostile value is left out, with a warning, and the rest is used', async () => {
    const env = freshEnv();
    writeRaw(
      env,
      JSON.stringify({
        organisation: 'Safe Steps\u001b]0;pwned\u0007',
        phone: '0113 496 0000',
        '\u001b[2Jkey': 1,
      }),
    );
    const { contact, warning } = await loadContact(env);
    expect(contact).toEqual({ phone: '0113 496 0000', helplines: [...DEFAULT_HELPLINES] });
    expect(warning).toMatch(/Part of the settings file/);
    // what the file holds is quoted only after it is made safe for a terminal
    expect(warning).not.toMatch(/\u001b/);
  });

  it.skipIf(!posix)('refuses a link to another file', async () => {
    const env = freshEnv();
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'spycheck-elsewhere-')), 'x.json');
    writeFileSync(elsewhere, JSON.stringify({ organisation: 'Not us' }));
    mkdirSync(env.SPYCHECK_CONFIG_DIR!, { recursive: true, mode: 0o700 });
    symlinkSync(elsewhere, configFilePath(env));
    const { contact, warning } = await loadContact(env);
    expect(contact.organisation).toBeUndefined();
    expect(warning).toMatch(/is a link to another file/);
  });

  it.skipIf(!posix)('refuses a file everyone can change', async () => {
    const env = freshEnv();
    writeRaw(env, JSON.stringify({ phone: '0113 496 0000' }), 0o666);
    const { contact, warning } = await loadContact(env);
    expect(contact.phone).toBeUndefined();
    expect(warning).toMatch(/other people on this computer could change it/);
  });

  it.skipIf(!posix)('refuses a folder in place of the file', async () => {
    const env = freshEnv();
    mkdirSync(configFilePath(env), { recursive: true });
    const { warning } = await loadContact(env);
    expect(warning).toMatch(/not a plain file/);
  });
});

describe('changing the helplines', () => {
  it('the first one added keeps the defaults listed', () => {
    const r = addHelpline({}, { name: 'Leeds DVS', phone: '0113 496 0401' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.helplines).toHaveLength(DEFAULT_HELPLINES.length + 1);
    expect(r.config.helplines?.at(-1)).toEqual({ name: 'Leeds DVS', phone: '0113 496 0401' });
    expect(r.replaced).toBe(false);
  });

  it('adding one with the same name (any case) changes it', () => {
    const start = { helplines: [{ name: 'Leeds DVS', phone: '0113 496 0401' }] };
    const r = addHelpline(start, { name: 'leeds dvs', phone: '0113 496 0000', note: 'new' });
    expect(r).toEqual({
      ok: true,
      replaced: true,
      config: { helplines: [{ name: 'leeds dvs', phone: '0113 496 0000', note: 'new' }] },
    });
  });

  it(`stops at ${LIMITS.helplines}`, () => {
    const full = {
      helplines: Array.from({ length: LIMITS.helplines }, (_, i) => ({
        name: `Line ${i}`,
        phone: '0808 2000 247',
      })),
    };
    const r = addHelpline(full, { name: 'One more', phone: '0808 2000 247' });
    expect(r.ok).toBe(false);
  });

  it('removes by name; removing the last brings back the defaults', () => {
    const start = { organisation: 'X', helplines: [{ name: 'Leeds DVS', phone: '0113 496 0401' }] };
    expect(removeHelpline(start, 'nope').ok).toBe(false);
    expect(removeHelpline(start, ' LEEDS  DVS ')).toEqual({
      ok: true,
      config: { organisation: 'X' },
    });
    const fromDefaults = removeHelpline({}, "Men's Advice Line");
    expect(fromDefaults.ok && fromDefaults.config.helplines).toHaveLength(
      DEFAULT_HELPLINES.length - 1,
    );
  });
});
