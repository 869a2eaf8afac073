import { splitLines } from './text.js';

export const PARSER = { id: 'android.shellError', version: 1 } as const;

interface Pattern {
  re: RegExp;
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
    reason: (m) => `the phone does not have the command "${m[1]}"`,
  },
  {
    re: /^(?:cmd: )?Can't find service: (\S+)/,
    reason: (m) => `the phone has no "${m[1]}" service`,
  },
  {
    re: /^(?:Error: )?Unknown (?:option|argument|flag)[:\s]+(\S+)?/i,
    reason: (m) => `the phone does not know the option ${m[1] ?? ''}`.trim(),
  },
  {
    re: /^(?:Error: )?Unknown (?:command|sub-?command)[:\s]*(\S+)?/i,
    reason: (m) => `the phone does not know the command ${m[1] ?? ''}`.trim(),
  },
  {
    re: /^Permission Denial\b/,
    reason: () => 'the phone refused access (permission denial)',
  },
  {
    re: /^(?:Error: )?(?:java\.lang\.)?SecurityException\b|^Security exception\b/,
    reason: () => 'the phone refused access (security exception)',
  },
  {
    re: /^Exception occurred while executing\b/,
    reason: () => 'the command failed on the phone (exception)',
  },
  {
    re: /^(?:[a-z]+\.)+[A-Za-z]*Exception\b/,
    reason: () => 'the command failed on the phone (exception)',
  },
  {
    re: /^Failure calling service\b/,
    reason: () => 'the phone could not reach the service',
  },
  { re: /^Error:/, reason: () => 'the phone reported an error' },
  {
    re: /^(?:usage|Usage|USAGE):/,
    reason: () => 'the phone printed its usage text (command not accepted)',
  },
  { re: /^Bad (?:argument|option)\b/i, reason: () => 'the phone rejected an argument' },
  {
    re: /^(?:\S+: )?Permission denied$/,
    reason: () => 'the phone refused access (permission denied)',
  },
];

/** Help texts print a title line ending with "commands:" (e.g. "AppOps service (appops) commands:"). */
const HELP_TITLE = /^[\w ()-]+ commands:$/;

const MAX_SHOWN = 160;

function cleanReason(reason: string, line: string): string {
  const shown = line.length > MAX_SHOWN ? `${line.slice(0, MAX_SHOWN)}…` : line;
  // The phone's own words help a technical reader; keep them printable.
  const safe = shown.replace(/[^\x20-\x7e]/g, '?');
  return `${reason}: ${safe}`;
}

/**
 * Recognise the output of a command the phone refused or does not know, and
 * return a short plain reason. Undefined for normal output (including empty
 * output, which many commands print when there is nothing to list).
 */
export function detectShellError(text: string): string | undefined {
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
  for (const p of FIRST_LINE) {
    const m = p.re.exec(first);
    if (m) return cleanReason(p.reason(m), first);
  }
  if (HELP_TITLE.test(first)) return cleanReason('the phone printed its help text', first);
  return undefined;
}
