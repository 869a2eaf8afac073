/**
 * Words and severity for an app that a hand-written rule marked `dual_use`
 * describes: an app sold openly for families, safety or a lost phone (Find
 * My Kids, Cerberus…). Precedence (documented in rules/README.md):
 *
 * 1. A `dual_use` rule's words replace a generated pack's words for the same
 *    app (they were written for that app); the severity is still the highest.
 * 2. When a stalkerware list (a generated pack's `stalkerware` rule) also
 *    names the app, what was seen on the phone decides:
 *    - icon visible, installed from a main app store, no accessibility, not a
 *      device administrator (each of these read, not assumed): MEDIUM, with
 *      the hand-written words;
 *    - anything else (hidden, special access, not from a store, or a check
 *      that could not run): HIGH, with words that say what the app is and
 *      what it can do on an adult's phone. Never "made to spy in secret": the
 *      survivor may have installed it herself, for her child.
 *
 * Pure: reads only the snapshot facts already prepared in the match context.
 */

import type { Category } from '../model/category.js';
import type { Explanation, MatchReason } from '../model/findings.js';
import { type Severity, severityRank } from '../model/severity.js';
import type { AndroidApp } from '../model/snapshot.js';
import type { CompiledRule } from './compile.js';
import type { Fact } from './facts.js';
import { type Ctx, compileMatch, type Eval } from './match.js';

/** One rule's hit on one app (the same shape as analyze.ts's RuleHit). */
export interface Hit {
  rule: CompiledRule;
  severity: Severity;
  reasons: MatchReason[];
}

export interface DualUseWords {
  /** the hit whose rule id and category the finding carries */
  hit: Hit;
  severity: Severity;
  title: string;
  explanation: Explanation;
  /** what decided the severity, for findings.json (only when a stalkerware list names the app) */
  evidence?: {
    rule: string;
    alsoListedAs: string[];
    seen: string[];
    notChecked: string[];
  };
}

// ---- Words (plain UK English, reading age about 12). Reviewed as copy, kept apart from logic.

const NOUN: Partial<Record<Category, string>> = {
  'location-sharing': 'A family-tracking app',
  'parental-control': 'A parental-control app',
  'anti-theft': 'An anti-theft app',
  'remote-access': 'A remote-control app',
  'smart-home': 'A tracking app',
};
const OTHER_NOUN = 'An app that can track this phone';

type Concern =
  | 'hidden'
  | 'accessibility'
  | 'device_admin'
  | 'sideloaded'
  | 'other_store'
  | 'preinstalled';
type Unchecked = 'launcher' | 'accessibility' | 'device_admin' | 'installer';

/** Title endings, most telling first: the first concern seen names the finding. */
const TITLE: Record<Concern, string> = {
  hidden: 'is hidden on this phone',
  accessibility: 'can see the screen of this phone',
  device_admin: 'has been given extra control of this phone',
  sideloaded: 'was put on this phone from outside an app store',
  other_store: 'came from a less well-known app store',
  preinstalled: 'is part of the system on this phone',
};
const TITLE_UNCHECKED: Record<Unchecked, string> = {
  launcher: 'is on this phone, and we could not check if it is hidden',
  accessibility: 'is on this phone, and we could not check what it can see',
  device_admin: 'is on this phone, and we could not check what control it has',
  installer: 'is on this phone, and we could not check where it came from',
};

const SEEN: Record<Concern, string> = {
  hidden: 'Its icon is hidden, so it does not show in the list of apps.',
  accessibility: 'It has accessibility access: it can see what is on the screen and what is typed.',
  device_admin:
    'It is a device administrator: it is harder to remove, and it may be able to lock the phone.',
  sideloaded: 'It was not installed from an app store.',
  other_store: 'It was installed from a less well-known app store, not the main one.',
  preinstalled: "It is part of the phone's system, so it did not come from an app store.",
};
/** Evidence labels (findings.json), short and stable. */
const SEEN_EVIDENCE: Record<Concern, string> = {
  hidden: 'icon hidden',
  accessibility: 'accessibility service',
  device_admin: 'device administrator',
  sideloaded: 'not from an app store',
  other_store: 'from a less well-known app store',
  preinstalled: 'part of the system',
};
const UNCHECKED: Record<Unchecked, string> = {
  launcher: 'We could not check whether its icon is hidden.',
  accessibility: 'We could not check whether it can see the screen (accessibility).',
  device_admin: 'We could not check whether it is a device administrator.',
  installer: 'We could not tell where it was installed from.',
};

const LISTED =
  'It is also on a public list of stalkerware, because it can be used to watch a partner.';
const ADULT_SEEN = 'Set up like this on your phone, someone may be using it to keep track of you.';
const ADULT_HIDDEN = 'Because it is hidden, you may not know it is there.';
const ADULT_UNCHECKED =
  'On your phone, an app like this can be used to keep track of you. ' +
  'We could not check everything, so treat this as serious until you have looked at the phone together with your support worker.';

// ---- Logic

const higher = (a: Severity, b: Severity): Severity => (severityRank(a) <= severityRank(b) ? a : b);

const FACT_CHECKS: Array<
  [Extract<Concern, 'hidden' | 'accessibility' | 'device_admin'>, Unchecked, Eval, Fact]
> = [
  ['hidden', 'launcher', compileMatch({ launcher: 'hidden' }), 'launcher'],
  [
    'accessibility',
    'accessibility',
    compileMatch({ accessibility_service: true }),
    'accessibility',
  ],
  ['device_admin', 'device_admin', compileMatch({ device_admin: true }), 'device_policy'],
];

/** What was seen on the phone that an openly used family app does not need; and what could not be read. */
function assess(ctx: Ctx, app: AndroidApp): { seen: Concern[]; unchecked: Unchecked[] } {
  const seen: Concern[] = [];
  const unchecked: Unchecked[] = [];
  for (const [concern, fact, check, source] of FACT_CHECKS) {
    const o = check(ctx, app);
    if (o.v === 'yes') seen.push(concern);
    // a check that ran only in part cannot vouch for a "no": lowering needs a full read
    else if (o.v === 'unknown' || ctx.partial.has(source)) unchecked.push(fact);
  }
  // Only the main stores lower the severity; anything else is not "from a store" here. The
  // installer is only believed when the app details (where the install record lives) were read.
  const detailsRead = !ctx.unknown.has('permissions') && !ctx.partial.has('permissions');
  if (app.installerClass === 'unknown' || !app.installerClass || !detailsRead) {
    unchecked.push('installer');
  } else if (app.installerClass === 'other-store') seen.push('other_store');
  else if (app.installerClass === 'preinstalled') seen.push('preinstalled');
  else if (app.installerClass !== 'store') seen.push('sideloaded');
  return { seen, unchecked };
}

const join = (...parts: Array<string | undefined>) =>
  parts
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(' ');

/**
 * The finding's words when a `dual_use` rule is among the hits on one app;
 * undefined when none is (the ordinary precedence applies).
 */
export function dualUseWords(
  hits: readonly Hit[],
  ctx: Ctx,
  app: AndroidApp | undefined,
  better: (a: Hit, b: Hit) => boolean,
): DualUseWords | undefined {
  const dual = hits.filter((h) => h.rule.curated && h.rule.rule.dual_use === true);
  if (!app || dual.length === 0) return undefined;
  const best = (list: readonly Hit[]) => list.reduce((t, h) => (better(h, t) ? h : t));
  const listed = hits.filter((h) => !h.rule.curated && h.rule.rule.category === 'stalkerware');
  // Hand-written rules compete as usual; generated words give way to the dual-use rule's.
  const top = best(hits.filter((h) => h.rule.curated));
  const worded = (hit: Hit, severity: Severity): DualUseWords => ({
    hit,
    severity,
    title: hit.rule.rule.title,
    explanation: { ...hit.rule.rule.explanation },
  });
  const highest = (list: readonly Hit[]) =>
    list.reduce<Severity>((s, h) => higher(s, h.severity), 'info');

  if (listed.length === 0) return worded(top, highest(hits));

  const { seen, unchecked } = assess(ctx, app);
  const evidence = {
    rule: best(dual).rule.rule.id,
    alsoListedAs: [...new Set(listed.map((h) => h.rule.rule.id))].sort(),
    seen: seen.map((c) => SEEN_EVIDENCE[c]),
    notChecked: unchecked,
  };
  if (seen.length === 0 && unchecked.length === 0) {
    // In plain sight, from a store: the stalkerware listing alone does not make it high.
    const rest = hits.filter((h) => !listed.includes(h));
    return { ...worded(top, higher('medium', highest(rest))), evidence };
  }

  const d = best(dual);
  const r = d.rule.rule;
  const noun = NOUN[r.category] ?? OTHER_NOUN;
  const first = seen[0];
  const title = `${noun} ${first ? TITLE[first] : TITLE_UNCHECKED[unchecked[0]!]}`;
  const what = join(
    r.explanation.what,
    LISTED,
    ...seen.map((c) => SEEN[c]),
    ...unchecked.map((u) => UNCHECKED[u]),
  );
  const risk = first
    ? join(ADULT_SEEN, seen.includes('hidden') ? ADULT_HIDDEN : undefined, r.explanation.risk)
    : join(ADULT_UNCHECKED, r.explanation.risk);
  return {
    hit: d,
    severity: 'high',
    title,
    explanation: { what, risk, next_steps: r.explanation.next_steps },
    evidence,
  };
}
