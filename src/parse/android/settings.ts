import type { ParseResult } from '../../snapshot/types.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.settings', version: 1 } as const;

// Setting names are plain identifiers; vendors add dots, dashes and capitals.
const KEY = /^([A-Za-z0-9_][A-Za-z0-9_.:@-]*)=(.*)$/;

/**
 * `settings list secure|global|system`: one `key=value` per line. Values may
 * contain "=", be empty or be the text "null" (kept as printed). A value with
 * an embedded newline continues on lines that do not start a new key.
 */
export function parseSettingsList(text: string): ParseResult<Record<string, string>> {
  const parsed: Record<string, string> = {};
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read settings: ${err}`] };
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
