/**
 * A simulated phone's answer to `dumpsys lock_settings` (LockSettingsService.dump), in the layout
 * its Android version prints (modelled on src/parse/android/testdata/lock-settings): Android 10
 * and older list the users with no lock type; 11–13 print `SP Handle:` and `CredentialType:`;
 * 14+ print `LSKF-based SP protector ID:`; Samsung adds its Knox lines. Pure and deterministic.
 */
import type { SimPhone } from './synthetic.js';

/** The main user's screen lock on a simulated phone (unset: a PIN, as most phones have). */
export type SimScreenLock = 'none' | 'pattern' | 'pin' | 'password';

const CREDENTIAL: Record<SimScreenLock, { name: string; quality: number }> = {
  none: { name: 'None', quality: 0 },
  pattern: { name: 'Pattern', quality: 65_536 },
  pin: { name: 'Pin', quality: 131_072 },
  password: { name: 'Password', quality: 262_144 },
};

const DAY = 86_400_000;

/** FNV-1a, as synthetic.ts strHash (kept here so this module imports only types from there). */
function strHash(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** yyyy-MM-dd HH:mm:ss in the phone's zone. */
function localTime(ms: number, tzOffsetMin: number): string {
  const d = new Date(ms + tzOffsetMin * 60_000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** 16 lowercase hex digits derived from the phone and a label. */
function hex16(phone: SimPhone, label: string): string {
  const a = strHash(`${label}:a`, phone.seed).toString(16).padStart(8, '0');
  const b = strHash(`${label}:b`, phone.seed).toString(16).padStart(8, '0');
  return `${a}${b}`;
}

export function renderLockSettings(phone: SimPhone): string {
  const lock = phone.screenLock ?? 'pin';
  const { name, quality } = CREDENTIAL[lock];
  const handle = hex16(phone, 'sp-handle');
  const sid = lock === 'none' ? '0' : hex16(phone, 'sid');
  const now = phone.now ?? Date.UTC(2024, 0, 15, 12, 0, 0);
  const changedMs = now - (40 + (strHash('lock-changed', phone.seed) % 300)) * DAY;
  const changed = localTime(changedMs, phone.tzOffsetMin);
  const lines = ['Current lock settings service state:'];
  if (phone.sdk <= 29) {
    // Android 8–10: users with their handle and SID only; no lock type is printed
    lines.push(
      'SP Enabled = true',
      '    User 0',
      `        SP Handle = ${handle}`,
      `        SID = ${sid === '0' ? '0' : sid}`,
      '',
    );
    return `${lines.join('\n')}\n`;
  }
  const samsung = phone.vendor === 'samsung';
  lines.push('');
  if (samsung && phone.sdk >= 34) lines.push('DO Enabled: false', 'Knox Vendor Lock: not set', '');
  lines.push('User State:', '  User 0');
  if (phone.sdk >= 34) {
    lines.push(
      `    LSKF-based SP protector ID: ${handle}`,
      `    LSKF last changed: ${changed} (previous protector: 0)`,
    );
  } else {
    lines.push(`    SP Handle: ${handle}`, `    Last changed: ${changed} (0)`);
  }
  lines.push(
    `    SID: ${sid}`,
    `    Quality: ${quality}`,
    `    CredentialType: ${name}`,
    '    SeparateChallenge: false',
    '    Metrics: known',
  );
  if (samsung && phone.sdk >= 34) lines.push('    VendorLockType: 0', '    DualDarUser: false');
  lines.push('');
  if (phone.sdk >= 34) lines.push('Keys in namespace:', '');
  const files =
    lock === 'none'
      ? [`       58 ${changed} ${handle}.pwd`, `      186 ${changed} ${handle}.spblob`]
      : [
          `        5 ${changed} ${handle}.weaver`,
          `       72 ${changed} ${handle}.metrics`,
          `      186 ${changed} ${handle}.spblob`,
        ];
  lines.push(
    'Storage:',
    '  User 0 [/data/system_de/0/spblob]:',
    ...files,
    '',
    'StrongAuth:',
    '  PrimaryAuthFlags state:',
    '    userId=0, primaryAuthFlags=0',
    '',
    'RebootEscrow:',
    '  mRebootEscrowWanted=false',
    '  mRebootEscrowReady=false',
    '  mPendingRebootEscrowKey is not set',
    '',
  );
  if (phone.sdk >= 34) lines.push('PasswordHandleCount: 0', 'BootComplete: true', '');
  return `${lines.join('\n')}\n`;
}
