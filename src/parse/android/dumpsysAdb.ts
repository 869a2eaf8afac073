import { createHash } from 'node:crypto';
import type { ParseResult } from '../../model/parse.js';
import type { AdbKey } from '../../model/snapshot.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.dumpsysAdb', version: 1 } as const;

export interface AdbState {
  /** false when the phone has no adb service to ask (Android 9 and older) */
  available: boolean;
  /** Computers this phone trusts for USB/wireless debugging */
  keys: AdbKey[];
  /** Fingerprint of the key of the computer connected now, when printed */
  lastKeyReceived?: string;
}

/** Android adb public keys are base64 of a 524-byte RSA struct, so always start "QAAAA". */
const KEY_LINE = /^([A-Za-z0-9+/]{40,}={0,2})(?:\s+(.*))?$/;
const FIELD = /^([a-z_]+)=(.*)$/;
const XML_KEY = /<adbKey\b[^>]*?\bkey="([^"]*)"[^>]*?(?:\blastConnection="(\d+)")?[^>]*\/?>/;
const XML_KEY_ATTR_LAST = /\blastConnection="(\d+)"/;

/** MD5 of the decoded key, colon hex: what Android shows as the computer's fingerprint. */
export function adbKeyFingerprint(base64Key: string): string | undefined {
  const raw = Buffer.from(base64Key, 'base64');
  if (raw.length < 16) return undefined;
  const hex = createHash('md5').update(raw).digest('hex').toUpperCase();
  return hex.match(/../g)!.join(':');
}

function decodeXmlText(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * `dumpsys adb` (Android 10+): an indented text dump of the debugging
 * manager, e.g.
 *
 *     debugging_manager={
 *       connected_to_adb=true
 *       last_key_received=AB:CD:…
 *       user_keys=QAAAA… user@laptop
 *       QAAAA… other@pc
 *
 *       keystore=<?xml …?>
 *       <keyStore version="1">
 *       <adbKey key="QAAAA… user@laptop" lastConnection="1712345678901" />
 *       </keyStore>
 *     }
 *
 * user_keys is the adb_keys file (several lines); keystore (Android 11+)
 * holds keys allowed "always" with their last connection time.
 * "Can't find service: adb" on older phones → available: false.
 */
export function parseDumpsysAdb(text: string): ParseResult<AdbState> {
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) {
    const noService = /no "adb" service/.test(err);
    return {
      parsed: { available: false, keys: [] },
      warnings: noService ? [] : [`Could not read trusted computers: ${err}`],
    };
  }
  const byKey = new Map<string, AdbKey & { key: string }>();
  const order: string[] = [];
  const addKey = (key: string, name: string | undefined) => {
    let k = byKey.get(key);
    if (!k) {
      k = { key };
      const fp = adbKeyFingerprint(key);
      if (fp) k.fingerprint = fp;
      else warnings.push(`Unreadable adb key ${quote(key, 24)}`);
      byKey.set(key, k);
      order.push(key);
    }
    if (name && !k.name) k.name = name;
    return k;
  };

  let field: string | undefined;
  let lastKeyReceived: string | undefined;
  let sawManager = false;
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') {
      // A blank line ends a multi-line value.
      if (field === 'user_keys') field = undefined;
      continue;
    }
    if (t.startsWith('debugging_manager=')) sawManager = true;
    const f = FIELD.exec(t);
    // Inside user_keys, a line that looks like a key wins over a "field=" reading: real
    // keys start "QAAAA" and never match FIELD, but a hostile comment could.
    if (f && !(field === 'user_keys' && KEY_LINE.test(t))) {
      field = f[1];
      const value = f[2]!.trim();
      if (field === 'last_key_received' && value !== '' && value !== 'null')
        lastKeyReceived = value;
      if (field === 'user_keys') readKeyLine(value);
      if (field === 'keystore') readXml(value);
      if (field !== 'user_keys' && field !== 'keystore') field = undefined;
      continue;
    }
    if (t === '}' || t.endsWith('={')) {
      field = undefined;
      continue;
    }
    if (field === 'user_keys') readKeyLine(t);
    else if (field === 'keystore') readXml(t);
  }

  function readKeyLine(value: string): void {
    if (value === '' || /^Couldn't read/i.test(value)) {
      if (value !== '') warnings.push(`The phone could not read its adb key list: ${quote(value)}`);
      return;
    }
    const m = KEY_LINE.exec(value);
    if (!m) {
      warnings.push(`Unreadable adb key line ${quote(value, 40)}`);
      return;
    }
    addKey(m[1]!, m[2]?.trim() || undefined);
  }

  function readXml(value: string): void {
    if (!value.includes('<adbKey')) return;
    const m = XML_KEY.exec(value);
    if (!m) return;
    const full = decodeXmlText(m[1]!).trim();
    const sp = full.indexOf(' ');
    const key = sp > 0 ? full.slice(0, sp) : full;
    const name = sp > 0 ? full.slice(sp + 1).trim() : undefined;
    if (!KEY_LINE.test(key)) {
      warnings.push(`Unreadable adb key in keystore ${quote(key, 24)}`);
      return;
    }
    const k = addKey(key, name);
    const last = m[2] ?? XML_KEY_ATTR_LAST.exec(value)?.[1];
    if (last) {
      const d = new Date(Number(last));
      if (!Number.isNaN(d.getTime())) k.lastConnection = d.toISOString();
    }
  }

  if (!sawManager && text.trim() !== '') {
    warnings.push('The adb dump did not have the expected debugging_manager section');
  }
  const keys: AdbKey[] = order.map((key) => {
    const { key: _omit, ...rest } = byKey.get(key)!;
    return rest;
  });
  const parsed: AdbState = { available: true, keys };
  if (lastKeyReceived) parsed.lastKeyReceived = lastKeyReceived;
  return { parsed, warnings };
}
