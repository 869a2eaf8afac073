import type { ParseResult } from '../../snapshot/types.js';
import { detectShellError } from './shellError.js';
import { isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.deviceIdle', version: 1 } as const;

export interface DeviceIdleWhitelist {
  /** Exempted by the user (or by an app that asked the user): worth a look */
  user: string[];
  /** Exempted by the system image ("system" and "system-excidle") */
  system: string[];
}

/**
 * `dumpsys deviceidle whitelist`: `<kind>,<package>,<uid>` lines where kind
 * is system-excidle, system or user.
 */
export function parseDeviceIdleWhitelist(text: string): ParseResult<DeviceIdleWhitelist> {
  const parsed: DeviceIdleWhitelist = { user: [], system: [] };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read battery-optimisation exemptions: ${err}`] };
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
