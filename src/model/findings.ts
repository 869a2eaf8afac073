/** findings.json contract (DESIGN.md). Bump FINDINGS_SCHEMA on breaking change. */
import type { BaselineComparison } from './baseline.js';
import type { Category } from './category.js';
import type { Purpose } from './purpose.js';
import type { Severity } from './severity.js';

export const FINDINGS_SCHEMA = 1;

export interface Explanation {
  /** What it is, in plain words */
  what: string;
  /** What the other person could see or do */
  risk: string;
  /** What to do next, safely */
  next_steps: string;
}

export interface FindingSubject {
  type: 'app' | 'device' | 'account' | 'profile';
  id: string;
  label?: string;
}

/** One reason a rule matched: which matcher, which fact, which value. */
export interface MatchReason {
  rule: string;
  pack: string;
  packVersion: string;
  severity: Severity;
  title: string;
  /** matcher name, e.g. "package", "cert_sha1", "accessibility_service" */
  matcher: string;
  /** the fact's value that matched (e.g. the package name, the cert hash) */
  value: string;
}

export interface Finding {
  id: string;
  /** Rule id of the most severe reason */
  rule: string;
  severity: Severity;
  category: Category;
  title: string;
  subject: FindingSubject;
  evidence: Record<string, unknown> & { reasons: MatchReason[] };
  explanation: Explanation;
}

export interface FindingsDoc {
  schema: typeof FINDINGS_SCHEMA;
  /** why the phone was checked, when that made the reading stricter (a second phone) */
  purpose?: Purpose;
  /** what changed since an earlier check of this phone (`scan --baseline`) */
  sinceBaseline?: BaselineComparison;
  summary: Record<Severity, number>;
  findings: Finding[];
  /** Rules that could not be judged for lack of a fact (added; optional) */
  notEvaluated?: NotEvaluated[];
  /**
   * Set when a check that high-severity rules depend on did not run or ran
   * only in part: the result is incomplete and must not be read as clear.
   * false when every such check ran. Absent only in findings.json files
   * written before spycheck judged this (readers must then be careful).
   */
  incomplete?: { checks: string[]; facts: string[] } | false;
}

/**
 * A rule that could not be judged because a fact it needs was not read
 * (its check was 'not-checked'): neither a finding nor a clean result.
 */
export interface NotEvaluated {
  rule: string;
  pack: string;
  /** fact ids that were missing (see FACT_CHECKS in src/analyze/facts.ts) */
  facts: string[];
  /** subjects (app ids) the rule could not judge; absent when it concerns the whole phone */
  subjects?: string[];
}
