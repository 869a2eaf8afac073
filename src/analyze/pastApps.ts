/**
 * Known spyware that was on the phone before: the package ids of high-severity stalkerware
 * rules are also checked against the apps the phone says were installed and removed
 * (snapshot.pastApps: battery history, apps removed with their data kept). Only ids that
 * prove the match on their own count: a rule that also needs the app's certificate, icon
 * or installer cannot be judged on an app that is gone.
 *
 * Each hit is its own finding (subject type 'app', evidence.history with the dates), never
 * merged with an installed app: an app installed now is judged as it is, and is not also
 * reported as "was here before". Pure: no I/O, no clock.
 */

import type { Explanation, Finding, MatchReason } from '../model/findings.js';
import type { AndroidSnapshot, PastApp, PastAppTime } from '../model/snapshot.js';
import type { LoadedRule } from '../rules/load.js';
import type { MatchExpr } from '../rules/schema.js';
import { longDate } from '../util/dates.js';
import type { CompiledRule, CompiledRules } from './compile.js';

/** Package ids for which `m` holds when nothing but the package name is known. */
export function packagesAlone(m: MatchExpr): Set<string> {
  let result: Set<string> | undefined;
  const meet = (s: Set<string>) => {
    result = result === undefined ? s : new Set([...result].filter((x) => s.has(x)));
  };
  for (const [key, value] of Object.entries(m)) {
    if (value === undefined) continue;
    if (key === 'package') meet(new Set(value as string[]));
    else if (key === 'any') {
      const union = new Set<string>();
      for (const sub of value as MatchExpr[]) for (const p of packagesAlone(sub)) union.add(p);
      meet(union);
    } else if (key === 'all') for (const sub of value as MatchExpr[]) meet(packagesAlone(sub));
    // any other condition needs a fact an app that is gone no longer has
    else return new Set();
  }
  return result ?? new Set();
}

/** Every package id a rule names anywhere (outside `not`), to know what an app is. */
function packagesNamed(m: MatchExpr, out = new Set<string>()): Set<string> {
  for (const p of m.package ?? []) out.add(p);
  for (const sub of [...(m.all ?? []), ...(m.any ?? [])]) packagesNamed(sub, out);
  return out;
}

/** A known-stalkerware rule whose package ids also judge apps that were on the phone before. */
export function judgesPastApps(rule: LoadedRule): boolean {
  return rule.category === 'stalkerware' && rule.severity === 'high';
}

export interface PastIndex {
  /** package id → known-stalkerware rules its id alone satisfies */
  stalkerware: Map<string, CompiledRule[]>;
  /** package id → hand-written `dual_use` rules naming it (family and anti-theft apps) */
  dualUse: Map<string, CompiledRule[]>;
}

export function emptyPastIndex(): PastIndex {
  return { stalkerware: new Map(), dualUse: new Map() };
}

/** Adds one compiled rule to the index; true when it judges past apps. */
export function indexPastRule(index: PastIndex, compiled: CompiledRule): boolean {
  const add = (map: Map<string, CompiledRule[]>, id: string) => {
    const list = map.get(id);
    if (list) {
      if (!list.includes(compiled)) list.push(compiled);
    } else map.set(id, [compiled]);
  };
  const rule = compiled.rule;
  if (rule.dual_use === true) for (const id of packagesNamed(rule.match)) add(index.dualUse, id);
  if (!judgesPastApps(rule)) return false;
  const ids = packagesAlone(rule.match);
  for (const id of ids) add(index.stalkerware, id);
  return ids.size > 0;
}

// ---- Words (plain UK English, reading age about 12). Kept apart from the logic below.

const STALKERWARE_TITLE = (name: string) => `Spyware was on this phone before: ${name}`;
const DUAL_USE_TITLE = (name: string) =>
  `An app that can be used to watch someone was on this phone before: ${name}`;

const STALKERWARE_WHAT = (name: string) =>
  `${name} is known spyware: an app made to watch someone in secret. It is not on this phone ` +
  'now, but the phone\u2019s own records show it was here.';
const DUAL_USE_WHAT = (name: string) =>
  `${name} is sold for families or for finding a lost phone, but it is also on a list of apps ` +
  'used to spy on people. It is not on this phone now, but the phone\u2019s own records show it ' +
  'was here.';

const STALKERWARE_RISK =
  'To install it, someone had to hold this phone and unlock it. While it was on the phone, they ' +
  'may have been able to read your messages, see where you were, see your photos and listen to ' +
  'calls. They may still know what they saw then, and they may try to put it back.';
const DUAL_USE_RISK =
  'If you did not put it on the phone yourself, someone had to hold this phone and unlock it to ' +
  'install it. While it was on the phone, they may have been able to see where you were, and ' +
  'more. They may try to put it back.';

const NEXT_STEPS =
  'Do not change anything on the phone yet: the person who installed it may notice, and that ' +
  'could put you at risk. Talk to your support worker and make a safety plan first. Keep this ' +
  'report: the dates are evidence, and the police can check them. Think about who had your phone ' +
  'around those dates. When it is safe, change the phone\u2019s passcode and the passwords of the ' +
  'accounts you use on it, from a safe device. Finding nothing on the phone today does not prove ' +
  'it is safe: the app could be put back, so have the phone checked again later.';
const DUAL_USE_NEXT_STEPS = `If you installed it yourself, for example for your child, this may be nothing to worry about. If not: ${NEXT_STEPS.charAt(0).toLowerCase()}${NEXT_STEPS.slice(1)}`;

const KEPT_DATA =
  ' The phone still keeps its data: it was removed with its data kept, or it is still ' +
  'installed for another user of this phone (such as a work profile). It could be put back ' +
  'quickly, with its old settings.';

function when(p: PastApp): string {
  const installed = dateText(p.installed);
  const removed = dateText(p.removed);
  const keptData = p.sources.includes('kept-data');
  let s: string;
  if (installed && removed) s = ` It was installed on ${installed} and removed on ${removed}.`;
  else if (installed) {
    s = keptData
      ? ` It was installed on ${installed}.`
      : p.removed
        ? ` It was installed on ${installed}. It was removed later, but we could not work out exactly when.`
        : ` It was installed on ${installed}. We could not see when it was removed.`;
  } else if (removed) {
    s = p.installed
      ? ` It was removed on ${removed}. We could not work out exactly when it was installed.`
      : ` It was removed on ${removed}. We could not see when it was installed.`;
  } else if (keptData) s = '';
  else s = ' We could not work out exactly when it was installed or removed.';
  return keptData ? `${s}${KEPT_DATA}` : s;
}

/** "1 May 2024 at 09:02 (the phone's own time)", or undefined when no time is known. */
function dateText(t: PastAppTime | undefined): string | undefined {
  const local = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)/.exec(t?.phoneTime ?? '');
  if (local) {
    return `${longDate(local[1]!, Number(local[2]), Number(local[3]))} at ${local[4]}:${local[5]} (the phone\u2019s own time)`;
  }
  const utc = t?.utc ? new Date(t.utc) : undefined;
  if (!utc || Number.isNaN(utc.getTime())) return undefined;
  const hh = String(utc.getUTCHours()).padStart(2, '0');
  const mm = String(utc.getUTCMinutes()).padStart(2, '0');
  return `${longDate(utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate())} at ${hh}:${mm} UTC`;
}

/** "Known stalkerware: mSpy" → "mSpy" (the generated packs' titles); else the title itself. */
function productName(rule: LoadedRule, id: string): string {
  const label = rule.labels?.[id];
  if (label) return label;
  const m = /^Known (?:stalkerware|spyware):\s*(.+)$/i.exec(rule.title);
  return m?.[1]?.trim() || id;
}

const byId = (a: CompiledRule, b: CompiledRule) =>
  a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0;

function reason(r: CompiledRule, value: string): MatchReason {
  return {
    rule: r.rule.id,
    pack: r.rule.pack,
    packVersion: r.rule.packVersion,
    severity: 'high',
    title: r.rule.title,
    matcher: 'past_package',
    value,
  };
}

/** One finding per app that was on the phone before and that a known-stalkerware rule names. */
export function pastAppFindings(snapshot: AndroidSnapshot, rules: CompiledRules): Finding[] {
  const past = Array.isArray(snapshot.pastApps) ? snapshot.pastApps : [];
  if (past.length === 0) return [];
  const apps = Array.isArray(snapshot.apps) ? snapshot.apps : [];
  const current = new Set(
    apps.filter((a) => a && a.installedForUser0 !== false).map((a) => String(a.id)),
  );
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const p of past) {
    if (!p || typeof p.id !== 'string' || current.has(p.id) || seen.has(p.id)) continue;
    const hits = [...(rules.past.stalkerware.get(p.id) ?? [])].sort(byId);
    const top = hits[0];
    if (!top) continue;
    seen.add(p.id);
    const dual = [...(rules.past.dualUse.get(p.id) ?? [])].sort(byId)[0];
    const named = dual ?? top;
    const name = productName(named.rule, p.id);
    const explanation: Explanation = dual
      ? {
          what: `${DUAL_USE_WHAT(name)}${when(p)}`,
          risk: DUAL_USE_RISK,
          next_steps: DUAL_USE_NEXT_STEPS,
        }
      : {
          what: `${STALKERWARE_WHAT(name)}${when(p)}`,
          risk: STALKERWARE_RISK,
          next_steps: NEXT_STEPS,
        };
    const sources = Array.isArray(p.sources) ? p.sources.filter((s) => typeof s === 'string') : [];
    out.push({
      id: '',
      rule: named.rule.id,
      severity: 'high',
      category: named.rule.category,
      title: dual ? DUAL_USE_TITLE(name) : STALKERWARE_TITLE(name),
      subject: { type: 'app', id: p.id, label: name },
      evidence: {
        reasons: [...(dual ? [dual] : []), ...hits].map((r) => reason(r, p.id)),
        history: {
          package: p.id,
          sources,
          ...(p.installed ? { installed: { ...p.installed } } : {}),
          ...(p.removed ? { removed: { ...p.removed } } : {}),
        },
      },
      explanation,
    });
  }
  return out;
}
