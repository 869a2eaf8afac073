import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.sha256sum', version: 1 } as const;

export interface Sha256Sums {
  /** path → uppercase hex SHA-256 */
  hashes: Record<string, string>;
  /** path → the phone's reason (e.g. "No such file or directory") */
  errors: Record<string, string>;
}

const OK = /^([0-9a-fA-F]{64}) [ *]?(\/.*)$/;
const FAIL = /^sha256sum: (\/.*?): ([^:]+)$/;

/** toybox `sha256sum PATH…`: `<hex>  <path>` or `sha256sum: <path>: <reason>`. */
export function parseSha256sum(text: string): ParseResult<Sha256Sums> {
  const parsed: Sha256Sums = { hashes: {}, errors: {} };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not hash app files: ${err}`] };
  for (const line of splitLines(text)) {
    if (line.trim() === '') continue;
    const ok = OK.exec(line);
    if (ok) {
      setOwn(parsed.hashes, ok[2]!, ok[1]!.toUpperCase());
      continue;
    }
    const fail = FAIL.exec(line);
    if (fail) {
      setOwn(parsed.errors, fail[1]!, fail[2]!.trim());
      continue;
    }
    warnings.push(`Unreadable hash line ${quote(line)}`);
  }
  return { parsed, warnings };
}

function setOwn(obj: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
