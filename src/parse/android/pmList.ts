import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.pmList', version: 1 } as const;

export interface PmListPackage {
  id: string;
  apkPath?: string;
  /** undefined when the phone printed "null" (no installer recorded) or -i was not used */
  installer?: string;
  uid?: number;
  versionCode?: number;
}

export interface PmList {
  packages: PmListPackage[];
}

// Trailing fields, in the order PackageManagerShellCommand prints them:
// `package:<path>=<pkg> versionCode:<n>  installer=<pkg|null> uid:<n>[,<n>…]`
// `(?<!\s)` starts a match only at the first space of a run: same matches, but linear
// time on lines with long runs of spaces (quadratic without it).
const UID_TAIL = /(?<!\s)\s+uid:(\d+)(?:,\d+)*\s*$/;
const INSTALLER_TAIL = /(?<!\s)\s+installer=(\S*)\s*$/;
const VERSION_TAIL = /(?<!\s)\s+versionCode:(\d+)\s*$/;

/**
 * `pm list packages -f -i -U -u` and its fallbacks (`--user 0`, without -U,
 * bare -f). The APK path may itself contain "=" (Android 11+ uses base64
 * directory names such as `~~AbC==`), so the package name is what follows the
 * LAST "=" of the first field.
 */
export function parsePmList(text: string): ParseResult<PmList> {
  const packages: PmListPackage[] = [];
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed: { packages }, warnings: [`Could not list apps: ${err}`] };
  const seen = new Map<string, number>();
  for (const line of splitLines(text)) {
    if (line.trim() === '') continue;
    if (!line.startsWith('package:')) {
      warnings.push(`Unreadable package list line ${quote(line)}`);
      continue;
    }
    let rest = line.slice('package:'.length).trimEnd();
    const entry: Partial<PmListPackage> = {};
    let m = UID_TAIL.exec(rest);
    if (m) {
      entry.uid = Number(m[1]);
      rest = rest.slice(0, m.index);
    }
    m = INSTALLER_TAIL.exec(rest);
    if (m) {
      const inst = m[1]!;
      if (inst !== '' && inst !== 'null') {
        if (isPackageName(inst)) entry.installer = inst;
        else warnings.push(`Unusual installer name ${quote(inst)} for line ${quote(line)}`);
      }
      rest = rest.slice(0, m.index);
    }
    m = VERSION_TAIL.exec(rest);
    if (m) {
      entry.versionCode = Number(m[1]);
      rest = rest.slice(0, m.index);
    }
    rest = rest.trim();
    const eq = rest.lastIndexOf('=');
    const id = eq >= 0 ? rest.slice(eq + 1) : rest;
    const path = eq >= 0 ? rest.slice(0, eq) : undefined;
    if (!isPackageName(id)) {
      warnings.push(`Unreadable package name in line ${quote(line)}`);
      continue;
    }
    const pkg: PmListPackage = { id };
    if (path) pkg.apkPath = path;
    if (entry.installer !== undefined) pkg.installer = entry.installer;
    if (entry.uid !== undefined) pkg.uid = entry.uid;
    if (entry.versionCode !== undefined) pkg.versionCode = entry.versionCode;
    const prev = seen.get(id);
    if (prev !== undefined) {
      // Multi-user phones can repeat a package; keep the first (user 0 is listed first).
      continue;
    }
    seen.set(id, packages.length);
    packages.push(pkg);
  }
  return { parsed: { packages }, warnings };
}
