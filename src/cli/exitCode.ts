import type { FindingsDoc } from '../model/findings.js';
import { type Severity, severityRank } from '../model/severity.js';
import { EXIT, type ExitCode } from './context.js';

/** How a command ended, as far as the exit code contract (DESIGN.md) cares. */
export type CommandOutcome =
  /** nothing useful was written: the way it was asked (usage) or something failed (error) */
  | { stopped: 'usage' | 'error' }
  /** a phone or an import was judged and its bundle written */
  | { complete: boolean; findings: FindingsDoc };

/** The exit code contract (DESIGN.md): one pure function decides it for every command. */
export function exitCodeFor(outcome: CommandOutcome, failOn?: Exclude<Severity, 'info'>): ExitCode {
  if ('stopped' in outcome) return outcome.stopped === 'usage' ? EXIT.usage : EXIT.error;
  if (!outcome.complete) return EXIT.incomplete;
  const worse = (s: Severity) => severityRank(s) <= severityRank(failOn ?? 'high');
  if (failOn && outcome.findings.findings.some((f) => worse(f.severity))) {
    return EXIT.failOn;
  }
  return EXIT.ok;
}
