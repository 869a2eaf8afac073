/**
 * Who to contact, set once per install: the organisation running the checks,
 * its phone number and the helplines every report lists. Stored as a small
 * JSON file beside this computer's signing key (src/report/keys.ts
 * configDir: SPYCHECK_CONFIG_DIR, else $XDG_CONFIG_HOME/spycheck, else
 * ~/.config/spycheck), owner-only, written atomically.
 *
 * The file is read as hostile input: a report handed to a survivor must never
 * show a number someone slipped in. A link, a file other users can change, a
 * broken file or a bad value gives a plain warning and the defaults, never a
 * crash.
 */
import { lstat, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { makePrivateDir, readPlainFile, writeFileAtomic } from '../report/files.js';
import { configDir } from '../report/keys.js';
import type { ContactDetails } from '../report/model.js';
import { cleanText, HIDDEN_CHARS } from '../util/sanitize.js';
import { DEFAULT_HELPLINES } from './helplines.js';

export const CONFIG_FILE = 'config.json';
export const CONFIG_SCHEMA = 1;
/** A settings file is a few hundred bytes; anything this large is not ours. */
export const MAX_CONFIG_BYTES = 64 * 1024;

export const LIMITS = {
  organisation: 100,
  /** characters in a phone number as written (digits, spaces, + ( ) -) */
  phone: 30,
  helplineName: 80,
  helplineNote: 160,
  helplines: 10,
} as const;

export type Helpline = NonNullable<ContactDetails['helplines']>[number];

/** What the settings file holds (every field optional). */
export interface SpycheckConfig {
  organisation?: string;
  phone?: string;
  /** absent or empty: the default helplines */
  helplines?: Helpline[];
}

export { DEFAULT_HELPLINES } from './helplines.js';

/** The keys `config set` and `config unset` take. */
export const TEXT_KEYS = ['organisation', 'phone'] as const;
export type TextKey = (typeof TEXT_KEYS)[number];

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), CONFIG_FILE);
}

export type Checked = { ok: true; value: string } | { ok: false; problem: string };

const HIDDEN = new RegExp(`[${HIDDEN_CHARS}]`);

/** Plain one-line text: no control or invisible characters, a length cap. */
function checkText(value: unknown, what: string, max: number, required = true): Checked {
  if (typeof value !== 'string') return { ok: false, problem: `${what} must be text` };
  if (HIDDEN.test(value))
    return { ok: false, problem: `${what} has a hidden or control character in it` };
  const v = value.replace(/ {2,}/g, ' ').trim();
  if (required && v === '') return { ok: false, problem: `${what} is empty` };
  if (Array.from(v).length > max)
    return { ok: false, problem: `${what} is longer than ${max} characters` };
  return { ok: true, value: v };
}

export const checkOrganisation = (value: unknown): Checked =>
  checkText(value, 'The organisation name', LIMITS.organisation);

/** Digits, spaces, + ( ) - only; between 3 digits (999, 111) and 15 (the international maximum). */
export function checkPhone(value: unknown, what = 'The phone number'): Checked {
  const t = checkText(value, what, LIMITS.phone);
  if (!t.ok) return t;
  if (!/^[0-9 +()-]+$/.test(t.value))
    return {
      ok: false,
      problem: `${what} may only have digits, spaces and + ( ) -`,
    };
  const digits = t.value.replace(/\D/g, '').length;
  if (digits < 3) return { ok: false, problem: `${what} has fewer than 3 digits` };
  if (digits > 15) return { ok: false, problem: `${what} has more than 15 digits` };
  return t;
}

export function checkHelpline(
  value: unknown,
): { ok: true; value: Helpline } | { ok: false; problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'a helpline is not a name and a number' };
  const h = value as Record<string, unknown>;
  const name = checkText(h.name, 'The helpline name', LIMITS.helplineName);
  if (!name.ok) return name;
  const phone = checkPhone(h.phone, `The number of "${name.value}"`);
  if (!phone.ok) return phone;
  if (h.note === undefined || h.note === '')
    return { ok: true, value: { name: name.value, phone: phone.value } };
  const note = checkText(h.note, `The note for "${name.value}"`, LIMITS.helplineNote);
  if (!note.ok) return note;
  return { ok: true, value: { name: name.value, phone: phone.value, note: note.value } };
}

/**
 * A parsed settings file → the values that pass the checks, and a problem
 * for each one left out (it falls back to its default).
 */
export function parseConfig(data: unknown): {
  config: SpycheckConfig;
  problems: string[];
  unusable?: string;
} {
  const problems: string[] = [];
  const config: SpycheckConfig = {};
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { config, problems, unusable: 'it does not hold settings' };
  const d = data as Record<string, unknown>;
  if (d.schema !== undefined && d.schema !== CONFIG_SCHEMA)
    return {
      config,
      problems,
      unusable: `it was written by another version of spycheck (schema ${String(d.schema).slice(0, 20)})`,
    };
  for (const key of Object.keys(d)) {
    if (!['schema', 'organisation', 'phone', 'helplines'].includes(key))
      problems.push(`"${cleanText(key, { maxLength: 40 })}" is not a setting`);
  }
  if (d.organisation !== undefined) {
    const c = checkOrganisation(d.organisation);
    if (c.ok) config.organisation = c.value;
    else problems.push(c.problem);
  }
  if (d.phone !== undefined) {
    const c = checkPhone(d.phone);
    if (c.ok) config.phone = c.value;
    else problems.push(c.problem);
  }
  if (d.helplines !== undefined) {
    // all or nothing: a list with one bad entry is not the list anyone set
    const list = d.helplines;
    if (!Array.isArray(list)) problems.push('the helplines are not a list');
    else if (list.length > LIMITS.helplines)
      problems.push(`there are more than ${LIMITS.helplines} helplines`);
    else {
      const good: Helpline[] = [];
      for (const item of list) {
        const c = checkHelpline(item);
        if (c.ok) good.push(c.value);
        else {
          problems.push(c.problem);
          break;
        }
      }
      if (good.length === list.length && good.length > 0) config.helplines = good;
    }
  }
  return { config, problems };
}

export type ConfigRead =
  /** no settings file yet: every default applies */
  | { state: 'missing'; path: string; config: SpycheckConfig }
  /** read; `problems` lists values left out (each falls back to its default) */
  | { state: 'ok'; path: string; config: SpycheckConfig; problems: string[] }
  /** there is a file, but it cannot be trusted or understood: nothing in it is used */
  | { state: 'unusable'; path: string; config: SpycheckConfig; problem: string };

/** Owned by someone else, or writable by everyone: anyone could change the numbers in it. */
async function othersCanChange(path: string): Promise<boolean> {
  if (typeof process.getuid !== 'function') return false; // Windows: ACLs, not modes
  const st = await lstat(path);
  const uid = process.getuid();
  return (st.uid !== uid && st.uid !== 0) || (st.mode & 0o002) !== 0;
}

export async function readConfig(env: NodeJS.ProcessEnv = process.env): Promise<ConfigRead> {
  const path = configFilePath(env);
  let bytes: Buffer;
  try {
    bytes = await readPlainFile(path, { maxBytes: MAX_CONFIG_BYTES });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return { state: 'missing', path, config: {} };
    return { state: 'unusable', path, config: {}, problem: describeReadError(err) };
  }
  try {
    if ((await othersCanChange(path)) || (await othersCanChange(configDir(env))))
      return {
        state: 'unusable',
        path,
        config: {},
        problem: 'other people on this computer could change it',
      };
  } catch (e) {
    return { state: 'unusable', path, config: {}, problem: describeReadError(e as Error) };
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { state: 'unusable', path, config: {}, problem: 'it is damaged (not readable JSON)' };
  }
  const { config, problems, unusable } = parseConfig(data);
  if (unusable) return { state: 'unusable', path, config: {}, problem: unusable };
  return { state: 'ok', path, config, problems };
}

function describeReadError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (e.name === 'UnsafeFileError') {
    if (/link/.test(e.message)) return 'it is a link to another file';
    if (/larger/.test(e.message)) return 'it is far too large to be a settings file';
    return 'it is not a plain file';
  }
  if (code === 'EACCES' || code === 'EPERM') return 'spycheck is not allowed to read it';
  if (code === 'ELOOP') return 'it is a link to another file';
  return e.message;
}

/** Writes the settings (owner-only, atomically) and returns the file's path. */
export async function writeConfig(env: NodeJS.ProcessEnv, config: SpycheckConfig): Promise<string> {
  const dir = configDir(env);
  const path = join(dir, CONFIG_FILE);
  await makePrivateDir(dir);
  const doc: Record<string, unknown> = { schema: CONFIG_SCHEMA };
  if (config.organisation) doc.organisation = config.organisation;
  if (config.phone) doc.phone = config.phone;
  if (config.helplines?.length) doc.helplines = config.helplines;
  await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}

/**
 * Moves an unusable settings file aside (config.json.broken) so a new one can
 * be started without losing what was there. Returns where it went.
 */
export async function moveAside(path: string): Promise<string> {
  const aside = `${path}.broken`;
  await rename(path, aside);
  return aside;
}

/** The helplines the reports list: the ones set, else the defaults. */
export function helplinesOf(config: SpycheckConfig): Helpline[] {
  return (config.helplines?.length ? config.helplines : DEFAULT_HELPLINES).map((h) => ({ ...h }));
}

/** Adds a helpline (the first one added starts from the defaults, so they stay listed). */
export function addHelpline(
  config: SpycheckConfig,
  helpline: { name: string; phone: string; note?: string },
): { ok: true; config: SpycheckConfig; replaced: boolean } | { ok: false; problem: string } {
  const c = checkHelpline(helpline);
  if (!c.ok) return c;
  const list = helplinesOf(config);
  const at = list.findIndex((h) => sameName(h.name, c.value.name));
  if (at >= 0) list[at] = c.value;
  else if (list.length >= LIMITS.helplines)
    return {
      ok: false,
      problem: `There are already ${LIMITS.helplines} helplines, the most a report lists. Remove one first.`,
    };
  else list.push(c.value);
  return { ok: true, config: { ...config, helplines: list }, replaced: at >= 0 };
}

/** Removes a helpline by name (any case). Removing the last one brings back the defaults. */
export function removeHelpline(
  config: SpycheckConfig,
  name: string,
): { ok: true; config: SpycheckConfig } | { ok: false; problem: string } {
  const list = helplinesOf(config);
  const kept = list.filter((h) => !sameName(h.name, name));
  if (kept.length === list.length)
    return { ok: false, problem: `No helpline is called "${name.slice(0, LIMITS.helplineName)}".` };
  const { helplines: _, ...rest } = config;
  return { ok: true, config: kept.length ? { ...rest, helplines: kept } : rest };
}

const sameName = (a: string, b: string): boolean =>
  a.trim().toLowerCase() === b.replace(/ {2,}/g, ' ').trim().toLowerCase();

/**
 * Who to contact, for the reports: the organisation and its number when set,
 * and the helplines (the defaults when none are set). Never throws: a settings
 * file that cannot be used gives a warning in plain words and the defaults.
 */
export async function loadContact(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ contact: ContactDetails; warning?: string }> {
  let read: ConfigRead;
  try {
    read = await readConfig(env);
  } catch (e) {
    read = {
      state: 'unusable',
      path: configFilePath(env),
      config: {},
      problem: e instanceof Error ? e.message : String(e),
    };
  }
  const { config } = read;
  const contact: ContactDetails = {
    ...(config.organisation ? { organisation: config.organisation } : {}),
    ...(config.phone ? { phone: config.phone } : {}),
    helplines: helplinesOf(config),
  };
  const warning = warningFor(read);
  return warning ? { contact, warning } : { contact };
}

/** The plain-words warning for a settings file that could not be used in full, if any. */
export function warningFor(read: ConfigRead): string | undefined {
  if (read.state === 'unusable')
    return `The settings file ${read.path} was not used because ${read.problem}. The reports show the default helplines and no organisation details. Setting anything with "spycheck config" starts a new file and keeps the old one aside.`;
  if (read.state === 'ok' && read.problems.length > 0)
    return `Part of the settings file ${read.path} was not used: ${read.problems.join('; ')}. The defaults are used instead. Set them again with "spycheck config".`;
  return undefined;
}
