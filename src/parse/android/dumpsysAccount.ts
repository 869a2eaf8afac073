import type { ParseResult } from '../../model/parse.js';
import type { Account } from '../../model/snapshot.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.dumpsysAccount', version: 1 } as const;

const USER = /^User UserInfo\{(\d+):/;
const COUNT = /^Accounts: (\d+)$/;
// Greedy name: names may hold ", " and braces; the type is the LAST ", type=" field.
const ACCOUNT = /^Account \{name=(.*), type=([^,{}\s]+)\}$/;

/**
 * `dumpsys account`, per user:
 *
 *     User UserInfo{0:Owner:c13}:
 *       Accounts: 2
 *         Account {name=someone@gmail.com, type=com.google}
 *
 * Returns a map user id → accounts, so callers can tell a work profile apart.
 */
export function parseDumpsysAccountByUser(text: string): ParseResult<Record<string, Account[]>> {
  const parsed: Record<string, Account[]> = {};
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read accounts: ${err}`] };
  let user = '0';
  let expected: number | undefined;
  let inList = false;
  const check = () => {
    const got = parsed[user]?.length ?? 0;
    if (expected !== undefined && got < expected) {
      warnings.push(`User ${user}: ${expected} accounts announced but ${got} could be read`);
    }
    expected = undefined;
  };
  for (const line of splitLines(text)) {
    const t = line.trim();
    const u = USER.exec(t);
    if (u) {
      check();
      user = u[1]!;
      inList = false;
      continue;
    }
    const c = COUNT.exec(t);
    if (c) {
      check();
      expected = Number(c[1]);
      parsed[user] ??= [];
      inList = true;
      continue;
    }
    if (!inList) continue;
    if (t.startsWith('Account {')) {
      const m = ACCOUNT.exec(t);
      if (m) parsed[user]!.push({ name: m[1]!, type: m[2]! });
      else warnings.push(`Unreadable account line ${quote(t)}`);
      continue;
    }
    // The list ends at the first line that is not an account (blank line, history table…).
    inList = false;
  }
  check();
  return { parsed, warnings };
}

/** Accounts of every user on the phone (main user, work profile, others), without repeats. */
export function parseDumpsysAccount(text: string): ParseResult<Account[]> {
  const { parsed: byUser, warnings } = parseDumpsysAccountByUser(text);
  const out: Account[] = [];
  const seen = new Set<string>();
  const users = Object.keys(byUser).sort((a, b) => Number(a) - Number(b));
  for (const u of users) {
    for (const a of byUser[u]!) {
      const key = `${a.type}\u0000${a.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(a);
    }
  }
  return { parsed: out, warnings };
}
