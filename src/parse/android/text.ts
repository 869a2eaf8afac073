/**
 * Small text helpers shared by the Android parsers. Phones send CRLF, NULs,
 * ANSI colours and truncated output; every parser goes through these so that
 * hostile or broken text never crashes a scan.
 */

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;

/** Lines of a command's output: CRLF/CR normalised, NULs and ANSI escapes removed. */
export function splitLines(text: string): string[] {
  if (!text) return [];
  let t = text;
  if (t.includes('\u0000')) t = t.replaceAll('\u0000', '');
  if (t.includes('\u001b')) t = t.replace(ANSI, '');
  if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n');
  const lines = t.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// C0/C1 controls, bidi overrides/isolates, zero-width and other invisible format characters
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/**
 * Text from the phone made safe to put in a warning: invisible and
 * direction-changing characters shown as \u escapes, and cut to a length a
 * reader can take in.
 */
export function quote(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  const safe = cut.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${safe}"`;
}

/** Android's own rule for package names: two or more Java identifiers joined by dots. */
const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+$/;
/** Some system packages have a single segment ("android"). */
const SINGLE_SEGMENT = /^[A-Za-z][A-Za-z0-9_]*$/;

export function isPackageName(value: string, allowSingleSegment = true): boolean {
  return PACKAGE_NAME.test(value) || (allowSingleSegment && SINGLE_SEGMENT.test(value));
}

/** Count of leading spaces (tabs count as one; dumpsys uses spaces). */
export function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return i;
}
