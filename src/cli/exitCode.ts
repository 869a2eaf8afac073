import type { FindingsDoc } from '../model/findings.js';
import { type Severity, severityRank } from '../model/severity.js';
import type { NotReady } from '../platform/platform.js';
import { EXIT, type ExitCode } from './context.js';

const STOPPED: Record<'usage' | 'error' | NotReady, ExitCode> = {
  usage: EXIT.usage,
  error: EXIT.error,
  locked: EXIT.locked,
  'not-trusted': EXIT.notTrusted,
  'no-service': EXIT.noService,
};

/** How a command ended, as far as the exit code contract (DESIGN.md) cares. */
export type CommandOutcome =
  /**
   * nothing useful was written: the way it was asked (usage), something failed (error), or the
   * phone was not ready to be read (locked, not trusting this computer, no phone service)
   */
  | { stopped: 'usage' | 'error' | NotReady }
  /**
   * a phone or an import was judged and its bundle written; `notReady` when the phone refused
   * part-way for a reason the person can fix (locked, trust withdrawn): its code wins over 3
   */
  | { complete: boolean; findings: FindingsDoc; notReady?: NotReady };

/** The exit code contract (DESIGN.md): one pure function decides it for every command. */
export function exitCodeFor(outcome: CommandOutcome, failOn?: Exclude<Severity, 'info'>): ExitCode {
  if ('stopped' in outcome) return STOPPED[outcome.stopped];
  if (outcome.notReady) return STOPPED[outcome.notReady];
  if (!outcome.complete) return EXIT.incomplete;
  const worse = (s: Severity) => severityRank(s) <= severityRank(failOn ?? 'high');
  if (failOn && outcome.findings.findings.some((f) => worse(f.severity))) {
    return EXIT.failOn;
  }
  return EXIT.ok;
}
