/**
 * What changed between two versions of a pack: rules added and removed (by id), and exact
 * indicators added and removed (app ids, iPhone bundle ids, certificate and file hashes),
 * for `rules update` and `rules diff`.
 */
import type { LoadedRule, RulePack } from '../load.js';
import type { MatchExpr } from '../schema.js';

export interface PackDiff {
  id: string;
  from?: { version: string; date?: string; where: 'installed' | 'shipped' };
  to: { version: string; date?: string };
  rulesAdded: string[];
  rulesRemoved: string[];
  rulesChanged: string[];
  indicatorsAdded: string[];
  indicatorsRemoved: string[];
}

/** Matchers whose values are exact indicators, and how they are shown. */
const INDICATOR_KINDS = {
  package: 'app',
  ios_bundle: 'iPhone app',
  cert_sha1: 'certificate SHA-1',
  cert_sha256: 'certificate SHA-256',
  apk_sha256: 'app file SHA-256',
} as const satisfies Partial<Record<keyof MatchExpr, string>>;

function collect(m: MatchExpr | undefined, out: Set<string>, depth = 0): void {
  if (!m || depth > 64) return;
  for (const [k, label] of Object.entries(INDICATOR_KINDS)) {
    const vals = (m as Record<string, unknown>)[k];
    if (Array.isArray(vals))
      for (const v of vals) if (typeof v === 'string') out.add(`${label} ${v}`);
  }
  for (const sub of [...(m.all ?? []), ...(m.any ?? [])]) collect(sub, out, depth + 1);
  if (m.not) collect(m.not, out, depth + 1);
}

export function packIndicators(rules: readonly LoadedRule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) collect(r.match, out);
  return out;
}

/** A rule as it judges: what it matches and says, without where it sits in the files. */
function ruleBody(r: LoadedRule): string {
  const { file, line, col, pack, packVersion, ...rest } = r;
  void file;
  void line;
  void col;
  void pack;
  void packVersion;
  return JSON.stringify(rest);
}

const sorted = (s: Iterable<string>) => [...s].sort();

export function diffPacks(
  before: RulePack | undefined,
  after: RulePack,
  where: 'installed' | 'shipped' = 'installed',
): PackDiff {
  const oldRules = new Map((before?.rules ?? []).map((r) => [r.id, r]));
  const newRules = new Map(after.rules.map((r) => [r.id, r]));
  const oldInd = packIndicators(before?.rules ?? []);
  const newInd = packIndicators(after.rules);
  return {
    id: after.id,
    ...(before ? { from: { version: before.version, date: before.meta.date, where } } : {}),
    to: { version: after.version, date: after.meta.date },
    rulesAdded: sorted([...newRules.keys()].filter((id) => !oldRules.has(id))),
    rulesRemoved: sorted([...oldRules.keys()].filter((id) => !newRules.has(id))),
    rulesChanged: sorted(
      [...newRules.entries()]
        .filter(([id, r]) => oldRules.has(id) && ruleBody(oldRules.get(id)!) !== ruleBody(r))
        .map(([id]) => id),
    ),
    indicatorsAdded: sorted([...newInd].filter((i) => !oldInd.has(i))),
    indicatorsRemoved: sorted([...oldInd].filter((i) => !newInd.has(i))),
  };
}

/** Plain lines for the terminal (the caller cleans them for display). */
export function describeDiff(d: PackDiff, maxListed = 10): string[] {
  const head = d.from
    ? `${d.id}: ${d.from.version} (${d.from.where === 'shipped' ? 'came with spycheck' : 'installed'}) → ${d.to.version}`
    : `${d.id}: new pack, version ${d.to.version}`;
  const out = [
    head,
    `  rules: ${d.rulesAdded.length} added, ${d.rulesRemoved.length} removed, ${d.rulesChanged.length} changed`,
    `  indicators: ${d.indicatorsAdded.length} added, ${d.indicatorsRemoved.length} removed`,
  ];
  const list = (sign: string, items: string[]) => {
    for (const i of items.slice(0, maxListed)) out.push(`    ${sign} ${i}`);
    if (items.length > maxListed) out.push(`    … and ${items.length - maxListed} more`);
  };
  list('+ rule', d.rulesAdded);
  list('- rule', d.rulesRemoved);
  list('~ rule', d.rulesChanged);
  list('+', d.indicatorsAdded);
  list('-', d.indicatorsRemoved);
  return out;
}
