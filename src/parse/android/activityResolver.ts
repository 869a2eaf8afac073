import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { indentOf, isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.activityResolver', version: 1 } as const;

const MAIN = 'android.intent.action.MAIN';
const LAUNCHER = 'android.intent.category.LAUNCHER';

export interface ActivityResolver {
  /** The dump printed an "Activity Resolver Table:" with a "Non-Data Actions:" part */
  found: boolean;
  /**
   * Each filter's actions and categories were printed (`dumpsys package -f`, or one app's
   * dump), so an icon in the app list can be told apart from any other MAIN activity.
   * A plain `dumpsys package` (androidqf, bugreports) prints components only.
   */
  detailed: boolean;
  /** package → activities (full class names) with a MAIN filter that needs no data */
  main: Map<string, Set<string>>;
  /** detailed only: package → activities whose MAIN filter also has category LAUNCHER */
  launcher: Map<string, Set<string>>;
  /** package → activities switched off for user 0 ("disabledComponents:" under "User 0:") */
  disabled: Map<string, Set<string>>;
}

export type LauncherState = 'visible' | 'hidden' | 'unknown';

// "        2c6b8f1 com.android.settings/.Settings" (+ " filter 5e6f7a8" or " (2 filters)")
const ENTRY = /^[0-9a-f]{1,16} ([^\s/]+)\/(\S+?)(?: filter [0-9a-f]{1,16}| \(\d+ filters\))?$/;
const QUOTED = /^(Action|Category): "([^"]*)"$/;
const PKG_HEADER = /^Package \[([^\]]*)\] \(/;
const USER = /^User (\d+):/;
const CLASS = /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+$/;
const MAX_WARNINGS = 20;

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  let s = map.get(key);
  if (!s) {
    s = new Set();
    map.set(key, s);
  }
  s.add(value);
}

/** "com.a/.Main" → "com.a.Main"; "com.a/com.b.Main" stays as it is. */
function fullClass(pkg: string, cls: string): string {
  return cls.startsWith('.') ? `${pkg}${cls}` : cls;
}

/**
 * Which apps can show an icon in the app list, from a full `dumpsys package`: its
 * "Activity Resolver Table:" lists, under "Non-Data Actions:" → "android.intent.action.MAIN:",
 * every activity that answers MAIN, and the "Packages:" part lists components switched off
 * for user 0 (how most stalkerware hides its icon). Android 7–15 print:
 *
 *     Activity Resolver Table:
 *       Non-Data Actions:
 *           android.intent.action.MAIN:
 *             2c6b8f1 com.android.settings/.Settings
 *             9d1e0a2 com.example/.ui.Main (2 filters)
 *
 * and with filter details (`-f`, or one app's dump):
 *
 *             2c6b8f1 com.android.settings/.Settings filter 5e6f7a8
 *               Action: "android.intent.action.MAIN"
 *               Category: "android.intent.category.LAUNCHER"
 */
export function parseActivityResolver(text: string): ParseResult<ActivityResolver> {
  const parsed: ActivityResolver = {
    found: false,
    detailed: false,
    main: new Map(),
    launcher: new Map(),
    disabled: new Map(),
  };
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(w);
  };
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read the app list: ${err}`] };

  type Top = 'none' | 'activities' | 'packages';
  let top: Top = 'none';
  let inNonData = false;
  let action: string | undefined;
  let actionIndent = 0;
  // the activity whose filter details follow, and what they said
  let entry: { pkg: string; cls: string; indent: number; launcher: boolean } | null = null;
  const closeEntry = () => {
    if (entry?.launcher) add(parsed.launcher, entry.pkg, entry.cls);
    entry = null;
  };
  let pkg: string | undefined;
  let user: number | undefined;
  let listIndent = -1;

  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') continue;
    const indent = indentOf(line);
    if (/^\*\*\* SERVICE '[^']*' DUMP TIMEOUT/.test(t)) {
      warn('The phone stopped printing the app list before it finished');
      continue;
    }
    if (indent === 0) {
      closeEntry();
      top =
        t === 'Activity Resolver Table:' ? 'activities' : t === 'Packages:' ? 'packages' : 'none';
      inNonData = false;
      action = undefined;
      pkg = undefined;
      user = undefined;
      listIndent = -1;
      continue;
    }

    if (top === 'activities') {
      if (indent <= 2) {
        closeEntry();
        inNonData = t === 'Non-Data Actions:';
        if (inNonData) parsed.found = true;
        action = undefined;
        continue;
      }
      if (!inNonData) continue;
      if (action === undefined || indent <= actionIndent) {
        closeEntry();
        action = t.endsWith(':') ? t.slice(0, -1) : undefined;
        actionIndent = indent;
        continue;
      }
      if (action !== MAIN) continue;
      if (entry && indent > entry.indent) {
        const q = QUOTED.exec(t);
        if (q) {
          // listed under MAIN, so the filter has that action; the category decides
          parsed.detailed = true;
          if (q[1] === 'Category' && q[2] === LAUNCHER) entry.launcher = true;
        }
        continue;
      }
      closeEntry();
      const m = ENTRY.exec(t);
      if (!m || !isPackageName(m[1]!)) {
        warn(`Unreadable activity line ${quote(t)}`);
        continue;
      }
      const cls = fullClass(m[1]!, m[2]!);
      add(parsed.main, m[1]!, cls);
      entry = { pkg: m[1]!, cls, indent, launcher: false };
      continue;
    }

    if (top === 'packages') {
      const h = PKG_HEADER.exec(t);
      if (h) {
        pkg = isPackageName(h[1]!) ? h[1] : undefined;
        user = undefined;
        listIndent = -1;
        continue;
      }
      const u = USER.exec(t);
      if (u) {
        user = Number(u[1]);
        listIndent = -1;
        continue;
      }
      if (listIndent >= 0 && indent > listIndent) {
        if (pkg && user === 0 && CLASS.test(t)) add(parsed.disabled, pkg, t);
        continue;
      }
      listIndent = t === 'disabledComponents:' ? indent : -1;
    }
  }
  closeEntry();
  return { parsed, warnings };
}

/**
 * An app's icon state from the resolver table, or undefined when the dump had no table.
 * No MAIN activity that is switched on means no icon ("hidden"). Without filter details a
 * MAIN activity may or may not be an icon, so such an app stays "unknown".
 */
export function launcherStateOf(r: ActivityResolver, pkg: string): LauncherState | undefined {
  if (!r.found) return undefined;
  const off = r.disabled.get(pkg);
  const on = (set: Set<string> | undefined) => [...(set ?? [])].some((c) => !off?.has(c));
  if (!on(r.main.get(pkg))) return 'hidden';
  if (!r.detailed) return 'unknown';
  return on(r.launcher.get(pkg)) ? 'visible' : 'hidden';
}
