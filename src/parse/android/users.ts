import type { PhoneUser, PhoneUserKind } from '../../model/linkedDevices.js';
import type { ParseResult } from '../../model/parse.js';
import { cleanName, stripOsc } from './bluetooth.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.users', version: 1 } as const;

export interface UserList {
  listed: boolean;
  users: PhoneUser[];
}

const MAX_USERS = 100;

// UserInfo flags (android.content.pm.UserInfo)
const FLAG = {
  GUEST: 0x4,
  RESTRICTED: 0x8,
  MANAGED_PROFILE: 0x20,
  FULL: 0x400,
  SYSTEM: 0x800,
  PROFILE: 0x1000,
} as const;

const TYPE_KIND: Record<string, PhoneUserKind> = {
  'android.os.usertype.full.SYSTEM': 'owner',
  'android.os.usertype.full.SECONDARY': 'secondary',
  'android.os.usertype.full.GUEST': 'guest',
  'android.os.usertype.full.RESTRICTED': 'restricted',
  'android.os.usertype.full.DEMO': 'secondary',
  'android.os.usertype.profile.MANAGED': 'work-profile',
  'android.os.usertype.profile.CLONE': 'clone-profile',
  'android.os.usertype.profile.PRIVATE': 'private-profile',
};

function kindOf(id: number, flags: number | undefined, type: string | undefined): PhoneUserKind {
  const byType = type ? TYPE_KIND[type] : undefined;
  if (byType) {
    // the headless system user (cars, some tablets) is not the person's own user
    return byType;
  }
  if (type?.startsWith('android.os.usertype.profile.')) return 'other-profile';
  if (flags !== undefined) {
    if (flags & FLAG.MANAGED_PROFILE) return 'work-profile';
    if (flags & FLAG.PROFILE) return 'other-profile';
    if (flags & FLAG.GUEST) return 'guest';
    if (flags & FLAG.RESTRICTED) return 'restricted';
  }
  return id === 0 ? 'owner' : 'secondary';
}

/**
 * `dumpsys user` (or, when it is refused, `pm list users`): each user as `UserInfo{id:name:flags}`
 * (flags in hex; the name may hold `:`). `pm list users` adds ` running`; `dumpsys user` follows
 * each with indented `Type: android.os.usertype…` (Android 11+), `State: RUNNING_UNLOCKED` and
 * sometimes `parentId=N` on the first line. Other sections (user types, restrictions) are skipped.
 */
export function parseUsers(text: string): ParseResult<UserList> {
  const out: UserList = { listed: false, users: [] };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed: out, warnings: [`users: ${quote(err)}`] };
  let current: (PhoneUser & { flagBits?: number }) | undefined;
  const finish = () => {
    if (!current) return;
    const { flagBits, ...u } = current;
    u.kind = kindOf(u.id, flagBits, u.type);
    if (!out.users.some((x) => x.id === u.id)) out.users.push(u);
    current = undefined;
  };
  for (const line of splitLines(stripOsc(text))) {
    const t = line.trim();
    if (/^Users:/.test(t)) out.listed = true;
    const m = /^UserInfo\{(\d{1,6}):(.*):([0-9a-fA-F]{1,8})\}(.*)$/.exec(t);
    if (m) {
      finish();
      out.listed = true;
      if (out.users.length >= MAX_USERS) {
        warnings.push(`more than ${MAX_USERS} users: the rest were not read`);
        break;
      }
      const rest = m[4] ?? '';
      const name = cleanName(m[2] ?? '');
      const parent = /parentId=(-?\d{1,6})/.exec(rest)?.[1];
      current = {
        id: Number(m[1]),
        ...(name ? { name } : {}),
        flags: m[3]!.toLowerCase(),
        flagBits: Number.parseInt(m[3]!, 16),
        kind: 'secondary',
        ...(/\brunning\b/.test(rest) ? { running: true } : {}),
        ...(parent && Number(parent) >= 0 ? { parentId: Number(parent) } : {}),
      };
      continue;
    }
    if (!current) continue;
    if (!/^\s/.test(line) && t !== '') {
      finish();
      continue;
    }
    const type = /^Type: (android\.os\.usertype\.[A-Za-z_.]+)$/.exec(t)?.[1];
    if (type) current.type = type;
    const state = /^State: (\S+)/.exec(t)?.[1];
    if (state) current.running = state.startsWith('RUNNING');
  }
  finish();
  if (!out.listed && text.trim() !== '') warnings.push('users: no user list was found');
  return { parsed: out, warnings };
}

/** Users other than the phone's owner: other people, guests and profiles. */
export function otherUsers(users: readonly PhoneUser[]): PhoneUser[] {
  return users.filter((u) => u.kind !== 'owner');
}

/** Flags a caller can test: exported for tests. */
export const USER_FLAGS = FLAG;
