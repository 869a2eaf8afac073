import { splitLines } from './text.js';

export const PARSER = { id: 'android.shellError', version: 1 } as const;

/**
 * What kind of "no": the phone refused (a permission the shell lacks), does
 * not have the command at all, or tried and failed. The report gives each a
 * different next step, and never calls a refusal "not supported".
 */
export type ShellErrorKind = 'refused' | 'unsupported' | 'failed';

interface Pattern {
  re: RegExp;
  kind: ShellErrorKind;
  reason: (m: RegExpExecArray) => string;
}

/**
 * Patterns for the FIRST meaningful line of a refused or unknown command.
 * They are anchored on purpose: normal dumpsys output contains words like
 * "Error" or "Exception" inside package and class names.
 */
const FIRST_LINE: readonly Pattern[] = [
  {
    re: /^(?:\/system\/bin\/sh: )?(?:[^:\s]+: )?(\S+): (?:inaccessible or )?not found$/,
    kind: 'unsupported',
    reason: (m) => `the phone does not have the command "${m[1]}"`,
  },
  {
    re: /^(?:cmd: )?Can't find service: (\S+)/,
    kind: 'unsupported',
    reason: (m) => `the phone has no "${m[1]}" service`,
  },
  {
    re: /^(?:Error: )?Unknown (?:option|argument|flag)[:\s]+(\S+)?/i,
    kind: 'unsupported',
    reason: (m) => `the phone does not know the option ${m[1] ?? ''}`.trim(),
  },
  {
    re: /^(?:Error: )?Unknown (?:command|sub-?command)[:\s]*(\S+)?/i,
    kind: 'unsupported',
    reason: (m) => `the phone does not know the command ${m[1] ?? ''}`.trim(),
  },
  {
    re: /^Permission Denial\b/,
    kind: 'refused',
    reason: () => 'the phone refused access (permission denial)',
  },
  {
    re: /^(?:Error: )?(?:java\.lang\.)?SecurityException\b|^Security exception\b/,
    kind: 'refused',
    reason: () => 'the phone refused access (security exception)',
  },
  {
    re: /^Exception occurred while executing\b/,
    kind: 'failed',
    reason: () => 'the command failed on the phone (exception)',
  },
  {
    re: /^(?:[a-z]+\.)+[A-Za-z]*Exception\b/,
    kind: 'failed',
    reason: () => 'the command failed on the phone (exception)',
  },
  {
    re: /^Failure calling service\b/,
    kind: 'failed',
    reason: () => 'the phone could not reach the service',
  },
  { re: /^Error:/, kind: 'failed', reason: () => 'the phone reported an error' },
  {
    re: /^(?:usage|Usage|USAGE):/,
    kind: 'unsupported',
    reason: () => 'the phone printed its usage text (command not accepted)',
  },
  {
    re: /^Bad (?:argument|option)\b/i,
    kind: 'unsupported',
    reason: () => 'the phone rejected an argument',
  },
  {
    re: /^(?:\S+: )?Permission denied$/,
    kind: 'refused',
    reason: () => 'the phone refused access (permission denied)',
  },
];

/** Help texts print a title line ending with "commands:" (e.g. "AppOps service (appops) commands:"). */
const HELP_TITLE = /^[\w ()-]+ commands:$/;

const MAX_SHOWN = 160;

/** The phone's own words help a technical reader; keep them printable and short. */
function printable(line: string): string {
  const shown = line.length > MAX_SHOWN ? `${line.slice(0, MAX_SHOWN)}…` : line;
  return shown.replace(/[^\x20-\x7e…]/g, '?');
}

function cleanReason(reason: string, line: string): string {
  return `${reason}: ${line}`;
}

/**
 * Recognise the output of a command the phone refused or does not know, and
 * return a short plain reason. Undefined for normal output (including empty
 * output, which many commands print when there is nothing to list).
 */
export function detectShellError(text: string): string | undefined {
  const e = classifyShellError(text);
  return e ? cleanReason(e.reason, e.line) : undefined;
}

export interface ShellError {
  kind: ShellErrorKind;
  /** plain reason, without the phone's own words */
  reason: string;
  /** the phone's first line, printable ASCII, capped (for the evidence section) */
  line: string;
}

/** Like detectShellError, keeping the kind of refusal and the phone's words apart. */
export function classifyShellError(text: string): ShellError | undefined {
  const lines = splitLines(text);
  let first: string | undefined;
  for (const l of lines) {
    const t = l.trim();
    if (t !== '') {
      first = t;
      break;
    }
  }
  if (first === undefined) return undefined;
  const line = printable(first);
  for (const p of FIRST_LINE) {
    const m = p.re.exec(first);
    if (m) return { kind: p.kind, reason: p.reason(m), line };
  }
  if (HELP_TITLE.test(first)) {
    return { kind: 'unsupported', reason: 'the phone printed its help text', line };
  }
  return undefined;
}
