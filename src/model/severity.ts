/**
 * How serious a finding is (findings.json contract). The order is the order
 * of seriousness, so ranking and "this bad or worse" read it from here.
 */
export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** 0 for the most serious; lower is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
