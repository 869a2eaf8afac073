import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { indentOf, isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.deviceIdle', version: 2 } as const;

export interface DeviceIdleWhitelist {
  /** Exempted by the user (or by an app that asked the user): worth a look */
  user: string[];
  /** Exempted by the system image ("system" and "system-excidle") */
  system: string[];
}

/**
 * `dumpsys deviceidle whitelist`: `<kind>,<package>,<uid>` lines where kind
 * is system-excidle, system or user. The full `dumpsys deviceidle` (in an
 * androidqf dumpsys.txt or a bugreport) is read too: see parseDeviceIdleDump.
 */
export function parseDeviceIdleWhitelist(text: string): ParseResult<DeviceIdleWhitelist> {
  const parsed: DeviceIdleWhitelist = { user: [], system: [] };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read battery-optimisation exemptions: ${err}`] };
  if (isDeviceIdleDump(text)) return parseDeviceIdleDump(text);
  const seenUser = new Set<string>();
  const seenSystem = new Set<string>();
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') continue;
    const parts = t.split(',');
    const kind = parts[0];
    const pkg = parts[1];
    if (parts.length < 2 || pkg === undefined || !isPackageName(pkg)) {
      warnings.push(`Unreadable exemption line ${quote(t)}`);
      continue;
    }
    if (kind === 'user') {
      if (!seenUser.has(pkg)) parsed.user.push(pkg);
      seenUser.add(pkg);
    } else if (kind === 'system' || kind === 'system-excidle') {
      if (!seenSystem.has(pkg)) parsed.system.push(pkg);
      seenSystem.add(pkg);
    } else {
      warnings.push(`Unknown exemption kind ${quote(kind ?? '')} for ${pkg}`);
    }
  }
  return { parsed, warnings };
}

const LISTS = new Map<string, keyof DeviceIdleWhitelist | 'skip'>([
  ['Whitelist (except idle) system apps', 'system'],
  ['Whitelist system apps', 'system'],
  ['Whitelist user apps', 'user'],
  ['Removed from whitelist system apps', 'skip'],
]);
// printed after the lists: without it the dump was cut short
const END = /^(?:mLightEnabled|mForceIdle|mScreenOn|mState)=/;

function isDeviceIdleDump(text: string): boolean {
  return /^ {2}(?:Settings|Whitelist [^\n]*):\s*$/m.test(text) || /^ {2}mLightEnabled=/m.test(text);
}

/**
 * The full `dumpsys deviceidle` (Android 6–15):
 *
 *       Settings:
 *         flex_time_short=+1m0s0ms
 *       Whitelist (except idle) system apps:
 *         com.android.shell
 *       Whitelist system apps:
 *         com.google.android.gms
 *       Whitelist user apps:
 *         com.example.tracker
 *       Whitelist (except idle) all app ids:
 *         1001
 *       mLightEnabled=true  mDeepEnabled=true
 *
 * A list with no apps is not printed at all, so a dump that reached its end
 * (`mLightEnabled=`) without "Whitelist user apps:" means no app was exempted by the user.
 */
export function parseDeviceIdleDump(text: string): ParseResult<DeviceIdleWhitelist> {
  const parsed: DeviceIdleWhitelist = { user: [], system: [] };
  const warnings: string[] = [];
  let list: keyof DeviceIdleWhitelist | 'skip' | undefined;
  let listIndent = 0;
  let ended = false;
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') continue;
    if (/^\*\*\* SERVICE '[^']*' DUMP TIMEOUT/.test(t)) {
      warnings.push('The phone stopped printing the battery exemptions before it finished');
      continue;
    }
    if (END.test(t)) ended = true;
    const indent = indentOf(line);
    if (list !== undefined && indent > listIndent) {
      if (list === 'skip') continue;
      if (!isPackageName(t)) {
        if (warnings.length < 10) warnings.push(`Unreadable exemption line ${quote(t)}`);
        continue;
      }
      if (!parsed[list].includes(t)) parsed[list].push(t);
      continue;
    }
    list = t.endsWith(':') ? LISTS.get(t.slice(0, -1)) : undefined;
    listIndent = indent;
  }
  if (!ended) {
    warnings.push(
      'The battery exemption list may be cut short: the end of the deviceidle dump is missing',
    );
  }
  return { parsed, warnings };
}
