import type { ParseResult } from '../../model/parse.js';
import type { ComponentRef } from '../../model/snapshot.js';
import { parseComponent } from './components.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.dumpsysAccessibility', version: 1 } as const;

export interface AccessibilityState {
  /** Enabled services of user 0 (or of the only user printed) */
  enabled: ComponentRef[];
  /** Installed services, when the phone lists them (dropped from the dump in Android 14) */
  installed: ComponentRef[];
  /** Enabled services per user id, for phones with work profiles or several users */
  enabledByUser: Record<string, ComponentRef[]>;
}

const ENABLED = /^(?:Enabled services|enabledServices):\s*\{(.*)\}\s*$/i;
const ENABLED_OPEN = /^(?:Enabled services|enabledServices):/i;
const USER_ID = /\bid=(\d+)/;
const INSTALLED_ITEM = /^\d+\s*:\s*(\S+)/;

/**
 * `dumpsys accessibility`. Android 10–13 print, per user, `installed
 * services: {` with numbered lines, then `Enabled services:{{pkg/cls}, …}`;
 * Android 14+ drops the installed list and prints only labels under `Bound
 * services:`. Very old builds used `enabledServices:`. Both are read.
 */
export function parseDumpsysAccessibility(text: string): ParseResult<AccessibilityState> {
  const parsed: AccessibilityState = { enabled: [], installed: [], enabledByUser: {} };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read accessibility services: ${err}`] };

  let currentUser = '0';
  // Multi-line numbered lists: "installed services: {" and (some builds) "enabled services: {"
  let inList: 'installed' | 'enabled' | undefined;
  let sawEnabled = false;
  const installedSeen = new Set<string>();
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t.startsWith('User state[') || t.startsWith('attributes:{')) {
      const m = USER_ID.exec(t);
      if (m) currentUser = m[1]!;
      inList = undefined;
      if (!t.startsWith('attributes:{')) continue;
    }
    if (t.startsWith('attributes:{')) {
      const m = USER_ID.exec(t);
      if (m) currentUser = m[1]!;
      continue;
    }
    if (/^installed services:\s*\{\s*$/i.test(t)) {
      inList = 'installed';
      continue;
    }
    if (/^enabled ?services:\s*\{\s*$/i.test(t)) {
      inList = 'enabled';
      sawEnabled = true;
      parsed.enabledByUser[currentUser] ??= [];
      continue;
    }
    if (inList) {
      if (t.startsWith('}')) {
        inList = undefined;
        continue;
      }
      const m = INSTALLED_ITEM.exec(t);
      const ref = m ? parseComponent(m[1]!) : undefined;
      if (!ref) {
        if (t !== '') warnings.push(`Unreadable ${inList} accessibility service ${quote(t)}`);
      } else if (inList === 'installed') {
        if (!installedSeen.has(ref.raw)) parsed.installed.push(ref);
        installedSeen.add(ref.raw);
      } else {
        const into = parsed.enabledByUser[currentUser]!;
        if (!into.some((r) => r.raw === ref.raw)) into.push(ref);
      }
      continue;
    }
    const em = ENABLED.exec(t);
    if (em) {
      sawEnabled = true;
      const list = enabledList(em[1]!, warnings);
      const into = (parsed.enabledByUser[currentUser] ??= []);
      for (const ref of list) if (!into.some((r) => r.raw === ref.raw)) into.push(ref);
      continue;
    }
    if (ENABLED_OPEN.test(t)) {
      sawEnabled = true;
      warnings.push(`Accessibility list cut short: ${quote(t)}`);
      const rest = t.slice(t.indexOf(':') + 1);
      const into = (parsed.enabledByUser[currentUser] ??= []);
      for (const ref of enabledList(rest.replace(/^\s*\{/, ''), [])) into.push(ref);
    }
  }
  const users = Object.keys(parsed.enabledByUser);
  parsed.enabled =
    parsed.enabledByUser['0'] ?? (users.length === 1 ? parsed.enabledByUser[users[0]!]! : []);
  if (!sawEnabled && text.trim() !== '') {
    warnings.push('No "Enabled services" line found in the accessibility dump');
  }
  return { parsed, warnings };
}

/** Inner text of `{{a/b}, {c/.d}}` → components. */
function enabledList(inner: string, warnings: string[]): ComponentRef[] {
  const out: ComponentRef[] = [];
  const re = /\{([^{}]*)\}/g;
  let any = false;
  for (let m = re.exec(inner); m; m = re.exec(inner)) {
    any = true;
    const item = m[1]!.trim();
    if (item === '' || item === 'null') continue;
    const ref = parseComponent(item);
    if (ref) out.push(ref);
    else warnings.push(`Unreadable accessibility service ${quote(item)}`);
  }
  // Some builds print the names without inner braces: {a/b, c/d} or {a/b:c/d}
  if (!any) {
    for (const part of inner.split(/[,:]\s*/)) {
      const p = part.trim();
      if (p === '' || p === 'null') continue;
      const ref = parseComponent(p);
      if (ref) out.push(ref);
      else warnings.push(`Unreadable accessibility service ${quote(p)}`);
    }
  }
  return out;
}
