import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.appops', version: 1 } as const;

export interface AppOpsQuery {
  /** Packages holding the op in the queried mode */
  packages: string[];
  /** false when the phone did not accept the query (old Android, unknown op…) */
  supported: boolean;
}

/**
 * `cmd appops query-op --user 0 OP allow`: one package per line, or nothing
 * / "No operations." when no app holds the op. Anything else (usage text,
 * "Error: Unknown operation string") means the phone could not answer.
 */
export function parseAppOpsQuery(text: string): ParseResult<AppOpsQuery> {
  const packages: string[] = [];
  const err = detectShellError(text);
  if (err)
    return { parsed: { packages, supported: false }, warnings: [`App-op query failed: ${err}`] };
  const warnings: string[] = [];
  const seen = new Set<string>();
  let junk = 0;
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '' || t === 'No operations.') continue;
    if (isPackageName(t)) {
      if (!seen.has(t)) {
        seen.add(t);
        packages.push(t);
      }
      continue;
    }
    junk++;
    if (junk <= 5) warnings.push(`Unreadable app-op line ${quote(t)}`);
  }
  if (junk > 0 && packages.length === 0) {
    return {
      parsed: { packages, supported: false },
      warnings: [...warnings, 'App-op query answered in an unknown format'],
    };
  }
  return { parsed: { packages, supported: true }, warnings };
}
