import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.settings', version: 2 } as const;

export type SettingsNamespace = 'secure' | 'global' | 'system';

// Setting names are plain identifiers; vendors add dots, dashes and capitals.
const KEY = /^([A-Za-z0-9_][A-Za-z0-9_.:@-]*)=(.*)$/;

/**
 * `settings list secure|global|system`: one `key=value` per line. Values may
 * contain "=", be empty or be the text "null" (kept as printed). A value with
 * an embedded newline continues on lines that do not start a new key.
 * Given the full `dumpsys settings` (a bugreport's) and a namespace, reads that
 * namespace of the main user from it instead: see parseSettingsDump.
 */
export function parseSettingsList(
  text: string,
  namespace?: SettingsNamespace,
): ParseResult<Record<string, string>> {
  const parsed: Record<string, string> = {};
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read settings: ${err}`] };
  if (namespace && DUMP_HEADING.test(text)) return parseSettingsDump(text, namespace);
  let last: string | undefined;
  for (const line of splitLines(text)) {
    const m = KEY.exec(line);
    if (m) {
      last = m[1]!;
      Object.defineProperty(parsed, last, {
        value: m[2]!,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    if (last !== undefined) {
      parsed[last] += `\n${line}`;
      continue;
    }
    if (line.trim() !== '') warnings.push(`Unreadable settings line ${quote(line)}`);
  }
  return { parsed, warnings };
}

const DUMP_HEADING = /^(?:GLOBAL|SECURE|SYSTEM) SETTINGS \(user \d+\)\s*$/m;
const SECTION = /^(CONFIG|GLOBAL|SECURE|SYSTEM) SETTINGS \(user (\d+)\)\s*$/;
// "_id:41 name:adb_enabled pkg:android value:1 default:1 defaultSystemSet:true tag:x"
const ENTRY =
  /^_id:\S+ name:(\S+)(?: pkg:\S+)? value:(.*?)(?: default:.*? defaultSystemSet:(?:true|false))?(?: tag:.*)?$/;
const MAX_ENTRIES = 20_000;

/**
 * The full `dumpsys settings` (SettingsProvider), Android 8–15:
 *
 *     GLOBAL SETTINGS (user 0)
 *     version: 213
 *     _id:41 name:adb_enabled pkg:android value:1 default:1 defaultSystemSet:true
 *     _id:72 name:package_verifier_enable pkg:com.android.vending value:0
 *
 *     Historical operations
 *       …
 *     SECURE SETTINGS (user 0)
 *
 * Global settings are printed for user 0 only. A missing value prints as "null"
 * (Android 13 and older) or "{null}"; both are kept as "null", as `settings list` prints it.
 */
export function parseSettingsDump(
  text: string,
  namespace: SettingsNamespace,
): ParseResult<Record<string, string>> {
  const parsed: Record<string, string> = {};
  const warnings: string[] = [];
  const want = namespace.toUpperCase();
  let inSection = false;
  let found = false;
  let last: string | undefined;
  let count = 0;
  for (const line of splitLines(text)) {
    const sec = SECTION.exec(line);
    if (sec) {
      inSection = sec[1] === want && sec[2] === '0';
      found ||= inSection;
      last = undefined;
      continue;
    }
    if (!inSection) continue;
    if (line.trim() === '' || line.startsWith('Historical operations')) {
      // the entries end with a blank line; the change history follows
      last = undefined;
      continue;
    }
    const m = ENTRY.exec(line);
    if (m) {
      if (++count > MAX_ENTRIES) {
        warnings.push(`More than ${MAX_ENTRIES} settings; the rest were not read`);
        break;
      }
      last = m[1]!;
      const value = m[2] === '{null}' ? 'null' : m[2]!;
      Object.defineProperty(parsed, last, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      continue;
    }
    // a value with a line break goes on until the next entry
    if (last !== undefined) parsed[last] += `\n${line}`;
  }
  if (!found) warnings.push(`The settings dump has no ${namespace} settings for the main user`);
  return { parsed, warnings };
}
