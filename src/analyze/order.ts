/**
 * The one order findings are shown in, everywhere: findings.json numbers them
 * (F1, F2…) in this order, and every report lists them the same way, so "F3"
 * means the same finding in the terminal, the PDF and the police annex.
 * Most serious first; then the more serious kind (known spyware before
 * settings); then findings backed by more rules; then apps before profiles,
 * accounts and the phone itself; then by id, so the order never depends on
 * the order rules were loaded.
 */
import { CATEGORIES } from '../model/category.js';
import type { Finding } from '../model/findings.js';
import { SEVERITIES } from '../model/severity.js';

const SUBJECT_RANK: Record<string, number> = { app: 0, profile: 1, account: 2, device: 3 };

const rank = <T>(list: readonly T[], v: T) => {
  const i = list.indexOf(v);
  return i === -1 ? list.length : i;
};

const rulesBehind = (f: Finding) =>
  new Set((Array.isArray(f.evidence?.reasons) ? f.evidence.reasons : []).map((r) => r?.rule)).size;

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export function compareFindings(a: Finding, b: Finding): number {
  return (
    rank(SEVERITIES, a.severity) - rank(SEVERITIES, b.severity) ||
    rank(CATEGORIES, a.category) - rank(CATEGORIES, b.category) ||
    rulesBehind(b) - rulesBehind(a) ||
    (SUBJECT_RANK[a.subject?.type] ?? 9) - (SUBJECT_RANK[b.subject?.type] ?? 9) ||
    (text(a.subject?.id) < text(b.subject?.id)
      ? -1
      : text(a.subject?.id) > text(b.subject?.id)
        ? 1
        : 0) ||
    (text(a.rule) < text(b.rule) ? -1 : text(a.rule) > text(b.rule) ? 1 : 0)
  );
}
