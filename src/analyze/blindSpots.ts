/**
 * Which checks that did not run (or ran only in part) leave a high-severity
 * rule unable to see what it needs. Any such gap makes the whole result
 * incomplete: it must never read as clear (safety rule 6).
 */

import type { FindingsDoc } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';
import type { CompiledRules } from './compile.js';
import { type Fact, factChecksFor } from './facts.js';

export function blindSpots(
  snapshot: Snapshot,
  rules: CompiledRules,
): FindingsDoc['incomplete'] | undefined {
  const seriousFacts = new Set<Fact>();
  for (const r of rules.rules) {
    // a rule for another kind of phone is never judged here, so it cannot leave a gap
    if (!r.platforms.has(snapshot.platform)) continue;
    const canBeHigh = r.rule.severity === 'high' || r.raise.some((x) => x.severity === 'high');
    if (canBeHigh) for (const f of r.facts) seriousFacts.add(f);
  }
  const checks = new Set<string>();
  const facts = new Set<Fact>();
  const table = Object.entries(factChecksFor(snapshot.platform)) as [Fact, readonly string[]][];
  for (const c of snapshot.checks ?? []) {
    if (!c || c.status === 'ok') continue;
    for (const [fact, ids] of table) {
      if (!seriousFacts.has(fact) || !ids.includes(c.id)) continue;
      checks.add(c.id);
      facts.add(fact);
    }
  }
  // an older snapshot has no app-history check at all: the past was never looked at
  if (
    snapshot.platform !== 'ios' &&
    seriousFacts.has('past_packages') &&
    snapshot.pastApps === undefined
  ) {
    checks.add('app-history');
    facts.add('past_packages');
  }
  if (checks.size === 0) return undefined;
  return { checks: [...checks].sort(), facts: [...facts].sort() };
}

/** A scan or import is complete only when it finished and no serious check is missing. */
export function isComplete(
  snapshot: Pick<Snapshot, 'complete' | 'checks'>,
  findings: FindingsDoc,
): boolean {
  if (snapshot.complete !== true) return false;
  // findings.json written before spycheck judged this has no "incomplete": then any check that
  // did not fully run counts, rather than reading an old gap as clear
  if (findings.incomplete === undefined) {
    return (snapshot.checks ?? []).every((c) => !c || c.status === 'ok');
  }
  return !findings.incomplete;
}
