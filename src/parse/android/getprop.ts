import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.getprop', version: 1 } as const;

const START = /^\[([^\]]*)\]: \[(.*)$/;

/**
 * `getprop` prints `[key]: [value]`. A value holding newlines continues on
 * the following lines until one ends with `]`.
 */
export function parseGetprop(text: string): ParseResult<Record<string, string>> {
  const parsed: Record<string, string> = Object.create(null);
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`getprop failed: ${err}`] };
  const lines = splitLines(text);
  let key: string | undefined;
  let buf: string[] = [];
  const finish = (last: string) => {
    if (key === undefined) return;
    buf.push(last);
    parsed[key] = buf.join('\n');
    key = undefined;
    buf = [];
  };
  for (const line of lines) {
    if (key !== undefined) {
      // A new "[k]: [" line means the previous value was cut short.
      if (START.test(line)) {
        warnings.push(`Property ${quote(key)} has no closing bracket; kept what was read`);
        parsed[key] = buf.join('\n');
        key = undefined;
        buf = [];
      } else if (line.endsWith(']')) {
        finish(line.slice(0, -1));
        continue;
      } else {
        buf.push(line);
        continue;
      }
    }
    if (line.trim() === '') continue;
    const m = START.exec(line);
    if (!m) {
      warnings.push(`Unreadable getprop line ${quote(line)}`);
      continue;
    }
    key = m[1]!;
    const rest = m[2]!;
    if (rest.endsWith(']')) finish(rest.slice(0, -1));
    else buf.push(rest);
  }
  if (key !== undefined) {
    warnings.push(`Property ${quote(key)} was cut off; kept what was read`);
    parsed[key] = buf.join('\n');
  }
  return { parsed: { ...parsed }, warnings };
}
