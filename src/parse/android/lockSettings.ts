import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { indentOf, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.lock-settings', version: 1 } as const;

/** The kind of screen lock a user has. "unknown" whenever the phone did not say plainly. */
export type LockCredential = 'none' | 'pattern' | 'pin' | 'password' | 'unknown';

export interface LockSettingsUser {
  userId: number;
  credential: LockCredential;
  /** what the phone printed that the answer comes from (capped, printable), if anything */
  raw?: string;
}

export interface LockSettings {
  users: LockSettingsUser[];
}

const MAX_CHARS = 4_000_000;
const MAX_LINES = 100_000;
const MAX_LINE = 1_000;
const MAX_USERS = 64;
const MAX_RAW = 80;
const MAX_USER_ID = 2_147_483_647;
/** Line-level warnings kept before the rest are only counted. */
const MAX_LINE_WARNINGS = 20;

const HEADER = /^Current lock settings service state:\s*$/;
const USER_STATE = /^User State:\s*$/;
// A top-level heading (no indent): "Storage:", "StrongAuth:", "Keys in namespace:"…
const HEADING = /^[A-Za-z][A-Za-z0-9 _-]{0,60}:$/;
// "User 0" alone on its line. Storage lists "User 0 [/data/system_de/0/spblob]:", which is not one.
const USER = /^User (\S+)$/;
const CREDENTIAL_TYPE = /^CredentialType\s*[:=]\s*(.*)$/i;
const QUALITY = /^Quality\s*[:=]\s*(.*)$/i;

/** CredentialType names printed by LockSettingsService.credentialTypeToString (Android 11+). */
const CREDENTIAL_NAMES: Readonly<Record<string, LockCredential>> = {
  none: 'none',
  pattern: 'pattern',
  pin: 'pin',
  password: 'password',
};

/**
 * DevicePolicyManager.PASSWORD_QUALITY_* as stored for the keyguard. Quality 0
 * (UNSPECIFIED) is NOT read as "no lock": Android 11+ phones print "Quality: 0"
 * next to "CredentialType: Pin", so 0 only means the phone did not record one.
 */
const QUALITY_CREDENTIAL: ReadonlyMap<number, LockCredential> = new Map([
  [0x10000, 'pattern'], // SOMETHING: what a pattern stores
  [0x20000, 'pin'], // NUMERIC
  [0x30000, 'pin'], // NUMERIC_COMPLEX
  [0x40000, 'password'], // ALPHABETIC
  [0x50000, 'password'], // ALPHANUMERIC
  [0x60000, 'password'], // COMPLEX
]);

interface UserBlock {
  userId: number;
  credentialType?: string;
  quality?: string;
}

/** Phone text kept as data: printable ASCII, capped. */
function printable(value: string): string {
  const cut = value.length > MAX_RAW ? `${value.slice(0, MAX_RAW)}…` : value;
  return cut.replace(/[^\x20-\x7e…]/g, '?');
}

function parseQuality(value: string): number | undefined {
  const v = value.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v);
  if (/^0x[0-9a-f]{1,8}$/i.test(v)) return Number.parseInt(v.slice(2), 16);
  return undefined;
}

function decide(block: UserBlock, warnings: string[]): LockSettingsUser {
  const { userId } = block;
  if (block.credentialType !== undefined) {
    const rawType = block.credentialType.trim();
    const raw = printable(rawType);
    const known = CREDENTIAL_NAMES[rawType.toLowerCase()];
    if (known) return { userId, credential: known, raw };
    warnings.push(
      `User ${userId}: unrecognised lock type ${quote(rawType)}; the kind of screen lock is unknown`,
    );
    return { userId, credential: 'unknown', raw };
  }
  if (block.quality !== undefined) {
    const raw = printable(`Quality: ${block.quality.trim()}`);
    const q = parseQuality(block.quality);
    const fromQuality = q === undefined ? undefined : QUALITY_CREDENTIAL.get(q);
    if (fromQuality) return { userId, credential: fromQuality, raw };
    warnings.push(
      q === 0
        ? `User ${userId}: the phone gives only "Quality: 0", which does not tell whether a screen lock is set`
        : `User ${userId}: lock quality ${quote(block.quality.trim())} does not tell which screen lock is set`,
    );
    return { userId, credential: 'unknown', raw };
  }
  warnings.push(
    `User ${userId}: the phone does not say which screen lock is set (Android 10 and older do not print it)`,
  );
  return { userId, credential: 'unknown' };
}

/**
 * `dumpsys lock_settings` (LockSettingsService.dump, read-only). Android 11–15:
 *
 *     Current lock settings service state:
 *
 *     User State:
 *       User 0
 *         SP Handle: …            (Android 14+: "LSKF-based SP protector ID: …")
 *         SID: …
 *         Quality: 131072
 *         CredentialType: Pin     (None, Pattern, Pin, Password, or "Unknown <n>")
 *         SeparateChallenge: false
 *         Metrics: known
 *
 *     Storage:
 *       User 0 [/data/system_de/0/spblob]:
 *       …
 *
 * Android 8–10 print only "SP Enabled = …" and, per user, "    User 0" with the
 * SP handle and SID: the users are listed with credential "unknown".
 * Only lines inside the user list are read; later sections are ignored.
 * A missing or unreadable lock type is always "unknown", never "none".
 */
export function parseLockSettings(text: string): ParseResult<LockSettings> {
  const users: LockSettingsUser[] = [];
  const warnings: string[] = [];
  const parsed: LockSettings = { users };
  if (typeof text !== 'string') {
    return { parsed, warnings: ['Could not read lock settings: no text'] };
  }
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read lock settings: ${err}`] };

  let input = text;
  if (input.length > MAX_CHARS) {
    warnings.push(
      `The lock settings dump is very long; only the first ${MAX_CHARS} characters were read`,
    );
    input = input.slice(0, MAX_CHARS);
  }
  const lines = splitLines(input);
  if (lines.length > MAX_LINES) {
    warnings.push(
      `The lock settings dump has more than ${MAX_LINES} lines; the rest were not read`,
    );
  }

  // 'start': before any heading (Android 8–10 list users here); 'users': under "User State:";
  // 'other': any later section, whose "User …" lines are not users.
  let section: 'start' | 'users' | 'other' = 'start';
  let sawHeader = false;
  let current: UserBlock | undefined;
  const blocks: UserBlock[] = [];
  const seen = new Set<number>();
  let tooMany = false;
  let lineWarnings = 0;
  const lineWarning = (w: string) => {
    if (++lineWarnings <= MAX_LINE_WARNINGS) warnings.push(w);
  };

  const end = Math.min(lines.length, MAX_LINES);
  for (let i = 0; i < end; i++) {
    const full = lines[i]!;
    const line = full.length > MAX_LINE ? full.slice(0, MAX_LINE) : full;
    const t = line.trim();
    if (t === '') continue;

    if (HEADER.test(t)) {
      sawHeader = true;
      continue;
    }
    if (indentOf(line) === 0 && HEADING.test(t)) {
      section = USER_STATE.test(t) ? 'users' : 'other';
      current = undefined;
      continue;
    }
    if (section === 'other') continue;

    const u = USER.exec(t);
    if (u) {
      current = undefined;
      const id = u[1]!;
      if (!/^\d{1,10}$/.test(id) || Number(id) > MAX_USER_ID) {
        lineWarning(`Unreadable user line ${quote(t)}`);
        continue;
      }
      const userId = Number(id);
      if (seen.has(userId)) {
        lineWarning(`User ${userId} is listed twice; the first entry was kept`);
        continue;
      }
      if (blocks.length >= MAX_USERS) {
        if (!tooMany) warnings.push(`More than ${MAX_USERS} users; the rest were not read`);
        tooMany = true;
        continue;
      }
      seen.add(userId);
      current = { userId };
      blocks.push(current);
      continue;
    }
    if (!current) continue;

    const c = CREDENTIAL_TYPE.exec(t);
    if (c) {
      current.credentialType ??= c[1]!;
      continue;
    }
    const q = QUALITY.exec(t);
    if (q) current.quality ??= q[1]!;
    // Other per-user lines (SID, SeparateChallenge, vendor additions) say nothing about the lock.
  }

  if (lineWarnings > MAX_LINE_WARNINGS) {
    warnings.push(`${lineWarnings - MAX_LINE_WARNINGS} more unreadable or repeated user lines`);
  }
  for (const b of blocks) users.push(decide(b, warnings));

  if (users.length === 0) {
    if (lines.length === 0) warnings.push('The lock settings dump was empty');
    else if (!sawHeader) warnings.push('The output does not look like dumpsys lock_settings');
    else warnings.push('The lock settings dump lists no users');
  } else if (!sawHeader) {
    warnings.push('The lock settings dump has no "Current lock settings service state:" heading');
  }
  return { parsed, warnings };
}
