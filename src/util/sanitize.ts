/**
 * Text that comes from the phone (app names, labels, account names, raw
 * values) is hostile: an app can name itself anything. Before it reaches a
 * terminal, a PDF, a text file or HTML it is made inert here.
 */

/** ESC/CSI/OSC/DCS sequences (7-bit and 8-bit forms). */
const ESCAPE_SEQUENCES = new RegExp(
  [
    // OSC, DCS, SOS, PM, APC: ESC ] … (BEL | ESC \) — also unterminated, to the end
    '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[\\s\\S]*?(?:\\x07|\\x1b\\\\|\\x9c|$)',
    // CSI: ESC [ params intermediates final
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]?',
    // any other two-character escape (ESC c = reset, ESC 7, …)
    '\\x1b[\\x20-\\x7e]?',
  ].join('|'),
  'g',
);

/**
 * Characters that reorder or hide text: bidi embeddings/overrides/isolates and
 * marks (the "gpj.exe" trick), zero-width characters, and the BOM.
 */
const INVISIBLE_CHARS =
  '\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\u061c\\u200b-\\u200d\\u2060-\\u2064\\ufeff\\u180e\\u034f\\u115f\\u1160\\u3164\\uffa0';
const INVISIBLE = new RegExp(`[${INVISIBLE_CHARS}]`, 'g');

/** C0 controls except tab, line feed and carriage return (ESC is among them). */
const C0_EXCEPT_LINE_BREAKS = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f';
/** DEL, C1 controls (8-bit CSI, OSC, …), line and paragraph separators. */
const DEL_C1_SEPARATORS = '\\u007f-\\u009f\\u2028\\u2029';

/**
 * Every character the sanitiser removes, as the body of a regular-expression
 * character class: controls (so every escape sequence, whose introducer is
 * ESC or a C1 control), line separators, and the invisible characters. Text
 * without any of them passes cleanText unchanged apart from spacing. The one
 * home of this list: the rule schema refuses the same characters.
 */
export const HIDDEN_CHARS = `${C0_EXCEPT_LINE_BREAKS}\\t\\n\\r${DEL_C1_SEPARATORS}${INVISIBLE_CHARS}`;
/**
 * HIDDEN_CHARS without tab, line feed and carriage return, which multi-line
 * text keeps (cleanText with `multiline` keeps line breaks, turns tabs into spaces).
 */
export const HIDDEN_CHARS_EXCEPT_LINE_BREAKS = `${C0_EXCEPT_LINE_BREAKS}${DEL_C1_SEPARATORS}${INVISIBLE_CHARS}`;

const HIDDEN = new RegExp(`[${HIDDEN_CHARS}]`, 'g');

/** C0, DEL, C1 controls; line/paragraph separators. */
const CONTROLS = new RegExp(`[${C0_EXCEPT_LINE_BREAKS}\\t\\n\\r${DEL_C1_SEPARATORS}]`, 'g');

/** What multi-line cleaning removes (line feeds stay; CR was turned into LF first; tab becomes a space). */
const MULTILINE_CONTROLS = new RegExp(`[${C0_EXCEPT_LINE_BREAKS}\\t\\r${DEL_C1_SEPARATORS}]`, 'g');

export const DEFAULT_MAX_LENGTH = 200;

export interface CleanOptions {
  /** Cap in characters (code points); longer text ends with "…". Default 200. */
  maxLength?: number;
  /** Keep line breaks (for multi-line explanation text); default false. */
  multiline?: boolean;
}

/** Strip escape sequences, controls and invisible characters; cap the length. */
export function cleanText(input: unknown, opts: CleanOptions = {}): string {
  const max = opts.maxLength ?? DEFAULT_MAX_LENGTH;
  let s = typeof input === 'string' ? input : input == null ? '' : String(input);
  s = wellFormed(s);
  s = s.replace(ESCAPE_SEQUENCES, '');
  s = s.replace(INVISIBLE, '');
  if (opts.multiline) {
    s = s.replace(/\r\n?/g, '\n');
    s = s.replace(MULTILINE_CONTROLS, (c) => (c === '\t' ? ' ' : ''));
    s = s.replace(/\n{3,}/g, '\n\n');
  } else {
    s = s.replace(/[\t\n\r\u2028\u2029]+/g, ' ').replace(CONTROLS, '');
  }
  s = s.replace(/[ ]{2,}/g, ' ').trim();
  return capLength(s, max);
}

function capLength(s: string, max: number): string {
  // Count code points so a surrogate pair is never cut in half.
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Safe for a terminal: no escape sequence can reach it. */
export function forTerminal(input: unknown, opts?: CleanOptions): string {
  return cleanText(input, opts);
}

/**
 * Safe for a terminal, for multi-line text whose layout matters (YAML): every
 * line is cleaned on its own by forTerminal and keeps its leading indentation
 * and its line break.
 */
export function forTerminalLines(input: string, maxLineLength = 2000): string {
  return input
    .split('\n')
    .map((line) => {
      const indent = /^ */.exec(line)?.[0] ?? '';
      return indent + forTerminal(line.slice(indent.length), { maxLength: maxLineLength });
    })
    .join('\n');
}

/** Safe for pdfkit text (which would draw control characters as boxes or break lines). */
export function forPdf(input: unknown, opts?: CleanOptions): string {
  return cleanText(input, opts);
}

/** Safe for report.txt. */
export function forText(input: unknown, opts?: CleanOptions): string {
  return cleanText(input, opts);
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape for HTML text and attribute values (quoted). Clean the text first. */
export function escapeHtml(input: string): string {
  return input.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * For the evidence section: keep every character but make the invisible ones
 * visible as <U+202E>, so police see exactly what the phone reported.
 */
export function showHidden(input: unknown, maxLength = 400): string {
  const s = typeof input === 'string' ? input : input == null ? '' : String(input);
  const shown = wellFormed(s).replace(
    HIDDEN,
    (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`,
  );
  return capLength(shown, maxLength);
}

/** True when the text holds escapes, controls or invisible characters (worth telling police). */
export function hasHiddenCharacters(input: string): boolean {
  return new RegExp(HIDDEN.source).test(input);
}

/** Replace lone surrogates (invalid UTF-16) with U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}
