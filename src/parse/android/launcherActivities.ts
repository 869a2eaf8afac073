import type { ParseResult } from '../../model/parse.js';
import { parseComponent } from './components.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.launcherActivities', version: 1 } as const;

export interface LauncherActivities {
  /** Packages with at least one launcher activity, in first-seen order */
  packages: string[];
  /** Component names as printed (short form, e.g. com.foo/.Main) */
  components: string[];
  /** The "N activities found:" count when printed, to cross-check */
  declaredCount?: number;
}

const COUNT = /^(\d+) activities found:$/;
const ACTIVITY_HEADER = /^Activity #\d+:$/;
const BRIEF_INFO = /^priority=-?\d+ /;

/**
 * `cmd package query-activities --brief -a MAIN -c LAUNCHER`:
 *
 *     2 activities found:
 *       Activity #0:
 *         priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false
 *         com.android.settings/.Settings
 *
 * or "No activities found". Without --brief (or on a vendor that ignores it)
 * a full ResolveInfo dump appears; component names are then taken from its
 * `ActivityInfo:` / `name=` lines where possible.
 */
export function parseLauncherActivities(text: string): ParseResult<LauncherActivities> {
  const parsed: LauncherActivities = { packages: [], components: [] };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not list launcher apps: ${err}`] };
  const pkgs = new Set<string>();
  const comps = new Set<string>();
  let fullDump = false;
  let fullPkg: string | undefined;
  let fullName: string | undefined;
  let entries = 0;
  const add = (raw: string) => {
    const ref = parseComponent(raw);
    if (!ref) return false;
    if (!comps.has(ref.raw)) {
      comps.add(ref.raw);
      parsed.components.push(ref.raw);
    }
    if (!pkgs.has(ref.package)) {
      pkgs.add(ref.package);
      parsed.packages.push(ref.package);
    }
    return true;
  };
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '' || ACTIVITY_HEADER.test(t) || BRIEF_INFO.test(t)) continue;
    if (t === 'No activities found') continue;
    const c = COUNT.exec(t);
    if (c) {
      parsed.declaredCount = Number(c[1]);
      continue;
    }
    if (!t.includes(' ') && t.includes('/')) {
      entries++;
      if (!add(t)) warnings.push(`Unreadable launcher entry ${quote(t)}`);
      continue;
    }
    // Full ResolveInfo dump: "ActivityInfo:" then "name=…" and "packageName=…".
    fullDump = true;
    if (t === 'ActivityInfo:') {
      fullPkg = undefined;
      fullName = undefined;
      continue;
    }
    const pm = /^packageName=(\S+)$/.exec(t);
    if (pm) fullPkg = pm[1];
    const nm = /^name=(\S+)$/.exec(t);
    if (nm) fullName = nm[1];
    if (fullPkg && fullName) {
      entries++;
      add(`${fullPkg}/${fullName}`);
      fullPkg = undefined;
      fullName = undefined;
    }
  }
  if (fullDump && parsed.components.length === 0) {
    warnings.push('Launcher list was not in the expected brief format; no entries could be read');
  }
  if (parsed.declaredCount !== undefined && entries < parsed.declaredCount) {
    warnings.push(
      `Launcher list announced ${parsed.declaredCount} activities but only ${entries} were read (output cut short?)`,
    );
  }
  return { parsed, warnings };
}
