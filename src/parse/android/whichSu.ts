import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.whichSu', version: 1 } as const;

export interface WhichSu {
  /** Absolute paths where an `su` binary was found; empty = none on PATH */
  paths: string[];
  /** false when `which` itself is missing or failed, so "no su" is not known */
  checked: boolean;
}

/** `which su`: the path(s) of su, or nothing when there is none. */
export function parseWhichSu(text: string): ParseResult<WhichSu> {
  const err = detectShellError(text);
  if (err)
    return { parsed: { paths: [], checked: false }, warnings: [`Could not look for su: ${err}`] };
  const paths: string[] = [];
  const warnings: string[] = [];
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') continue;
    if (t.startsWith('/') && !/\s/.test(t)) {
      if (!paths.includes(t)) paths.push(t);
    } else {
      warnings.push(`Unexpected output from which su: ${quote(t)}`);
    }
  }
  return { parsed: { paths, checked: true }, warnings };
}
