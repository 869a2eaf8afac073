import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.roles', version: 1 } as const;

export interface RoleDump {
  /** user id → role name → holders */
  users: Record<number, Record<string, string[]>>;
}

const MAX_LINES = 50_000;

/**
 * `dumpsys role` (Android 10+): one block per user, `user_id=N`, then each role as `name=ROLE`
 * followed by one `holders=PKG` line per holder (the dump's nesting lines — `user_states:`,
 * `roles:` — are skipped). Android 9 and older have no role service (`Can't find service`).
 */
export function parseRoles(text: string): ParseResult<RoleDump> {
  const out: RoleDump = { users: {} };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed: out, warnings: [`role: ${quote(err)}`] };
  let user: number | undefined;
  let role: string | undefined;
  const lines = splitLines(text);
  if (lines.length > MAX_LINES) warnings.push(`role: only the first ${MAX_LINES} lines were read`);
  for (const line of lines.slice(0, MAX_LINES)) {
    const m = /^\s*([a-z_]+)[=:]\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'user_id') {
      user = /^\d{1,6}$/.test(value) ? Number(value) : undefined;
      role = undefined;
      if (user !== undefined) out.users[user] ??= {};
    } else if (key === 'name' && user !== undefined) {
      role = /^[A-Za-z0-9_.]{1,200}$/.test(value) ? value : undefined;
      if (role) out.users[user]![role] ??= [];
    } else if (key === 'holders' && user !== undefined && role) {
      if (isPackageName(value)) {
        const list = out.users[user]![role]!;
        if (!list.includes(value)) list.push(value);
      } else if (value) warnings.push(`role: a holder that is not an app id: ${quote(value)}`);
    }
  }
  if (Object.keys(out.users).length === 0 && text.trim() !== '') {
    warnings.push('role: no user was listed');
  }
  return { parsed: out, warnings };
}

/** Roles that see messages, calls or what is said to the phone. */
export const WATCHED_ROLES = {
  'android.app.role.SMS': 'sms',
  'android.app.role.DIALER': 'dialer',
  'android.app.role.CALL_SCREENING': 'call-screening',
  'android.app.role.CALL_REDIRECTION': 'call-redirection',
  'android.app.role.ASSISTANT': 'assistant',
} as const;
