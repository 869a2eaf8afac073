/**
 * Snapshot × compiled rules → findings. Pure: no I/O, no clock ("now" is
 * the snapshot's `finished` time, so the same inputs always give the same
 * findings).
 */

import { CATEGORIES } from '../model/category.js';
import {
  FINDINGS_SCHEMA,
  type Finding,
  type FindingSubject,
  type FindingsDoc,
  type MatchReason,
  type NotEvaluated,
} from '../model/findings.js';
import type { IosApp, IosProfile } from '../model/iosSnapshot.js';
import { PURPOSE_READING, type Purpose } from '../model/purpose.js';
import { SEVERITIES, type Severity, severityRank } from '../model/severity.js';
import type { AndroidApp, Snapshot } from '../model/snapshot.js';
import { borrowedName, cleanLabel, labelIndexFor } from '../rules/labels.js';
import { blindSpots } from './blindSpots.js';
import type { CompiledRule, CompiledRules } from './compile.js';
import { dualUseWords } from './dualUse.js';
import { unknownFacts } from './facts.js';
import { type Ctx, makeCtx, type Outcome, type SubjectApp } from './match.js';
import { compareFindings } from './order.js';
import { pastAppFindings } from './pastApps.js';

const CATEGORY_RANK = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));
const MAX_SUBJECTS_LISTED = 50;

export interface RuleHit {
  rule: CompiledRule;
  severity: Severity;
  reasons: MatchReason[];
}

/** Judges one rule on one subject, applying any severity raise. */
export function judge(
  rule: CompiledRule,
  ctx: Ctx,
  app: SubjectApp | undefined,
  profile?: IosProfile,
): { hit?: RuleHit; outcome: Outcome } {
  const outcome = rule.match(ctx, app, profile);
  if (outcome.v !== 'yes') return { outcome };
  let severity = rule.rule.severity;
  const raw = [...outcome.reasons];
  for (const r of rule.raise) {
    const o = r.when(ctx, app, profile);
    if (o.v === 'yes') {
      raw.push(...o.reasons);
      if (severityRank(r.severity) < severityRank(severity)) severity = r.severity;
    }
  }
  const seen = new Set<string>();
  const reasons: MatchReason[] = [];
  for (const x of raw) {
    const key = `${x.matcher}\0${x.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reasons.push({
      rule: rule.rule.id,
      pack: rule.rule.pack,
      packVersion: rule.rule.packVersion,
      severity,
      title: rule.rule.title,
      matcher: x.matcher,
      value: x.value,
    });
  }
  return { hit: { rule, severity, reasons }, outcome };
}

/** Rules that may concern this app: those indexed under its ids, plus unguarded ones. */
function candidates(rules: CompiledRules, app: SubjectApp, ctx: Ctx): CompiledRule[] {
  const out = new Set<CompiledRule>();
  const platform = ctx.snapshot.platform;
  const add = (list: CompiledRule[] | undefined) => {
    if (list) for (const r of list) if (r.platforms.has(platform)) out.add(r);
  };
  if (ctx.ios) {
    add(rules.index.ios_bundle.get(app.id.toLowerCase()));
    add(rules.unanchored);
    return [...out];
  }
  const a = app as AndroidApp;
  add(rules.index.package.get(app.id));
  const app_ = a;
  for (const c of app_.certs ?? []) {
    if (typeof c.sha1 === 'string') add(rules.index.cert_sha1.get(c.sha1.toUpperCase()));
    if (typeof c.sha256 === 'string') add(rules.index.cert_sha256.get(c.sha256.toUpperCase()));
  }
  if (typeof app_.apkSha256 === 'string') {
    add(rules.index.apk_sha256.get(app_.apkSha256.toUpperCase()));
  }
  add(rules.unanchored);
  return [...out];
}

/**
 * The hit whose rule explains a finding: most severe; then known stalkerware;
 * then (outside stalkerware) words a maintainer wrote for this very app over
 * generated ones; then the more serious category, in the order reports list them.
 */
function better(a: RuleHit, b: RuleHit): boolean {
  // a rule for the check's purpose makes a finding more serious (see toFinding), but the words
  // of a rule about what the app is (Life360 shares your location) say more than "added later"
  const pa = a.rule.rule.purpose !== undefined;
  if (pa !== (b.rule.rule.purpose !== undefined)) return !pa;
  if (a.severity !== b.severity) return severityRank(a.severity) < severityRank(b.severity);
  const ca = CATEGORY_RANK.get(a.rule.rule.category) ?? 99;
  const cb = CATEGORY_RANK.get(b.rule.rule.category) ?? 99;
  const sa = a.rule.rule.category === 'stalkerware';
  const sb = b.rule.rule.category === 'stalkerware';
  if (sa !== sb) return sa;
  // Hand-written words suit dual-use apps best; for known stalkerware the
  // indicator list's product names are what police and caseworkers search for.
  if (!sa && a.rule.curated !== b.rule.curated) return a.rule.curated;
  if (ca !== cb) return ca < cb;
  // a rule serious in its own right says more than one raised to it by an extra fact
  const ra = a.severity !== a.rule.rule.severity;
  if (ra !== (b.severity !== b.rule.rule.severity)) return !ra;
  // within one kind, a rule that names this very app (Dopamine) says more than one about
  // what it does (an app with iOS's own powers)
  const na = namesApp(a);
  if (na !== namesApp(b)) return na;
  return a.rule.rule.id < b.rule.rule.id;
}

const namesApp = (h: RuleHit) =>
  h.reasons.some((r) => r.matcher === 'package' || r.matcher === 'ios_bundle');

interface Group {
  subject: FindingSubject;
  hits: RuleHit[];
  app?: AndroidApp;
  iosApp?: IosApp;
  profile?: IosProfile;
}

function deviceSubject(snapshot: Snapshot, rule: CompiledRule): FindingSubject {
  const d = snapshot.device ?? { serial: 'unknown' };
  const label = [d.manufacturer, d.model].filter(Boolean).join(' ') || undefined;
  const usesAccounts = rule.facts.has('accounts') && rule.facts.size === 1;
  if (usesAccounts) return { type: 'account', id: 'accounts', label: 'Accounts on this phone' };
  return { type: 'device', id: d.serial || 'unknown', ...(label ? { label } : {}) };
}

export interface AnalyzeOptions {
  /** why the phone is checked: rules for that purpose are judged too, and some findings raised */
  purpose?: Purpose;
  /** the apps of the baseline check (the phone as handed over), for `handover_app` */
  handoverApps?: Iterable<string>;
}

export function analyzeSnapshot(
  snapshot: Snapshot,
  allRules: CompiledRules,
  opts: AnalyzeOptions = {},
): FindingsDoc {
  const rules = forPurpose(allRules, opts.purpose);
  const unknown = unknownFacts(snapshot);
  const ctx: Ctx = {
    ...makeCtx(snapshot, unknown, unknownFacts(snapshot, 'partial')),
    ...(opts.handoverApps
      ? { handover: new Set([...opts.handoverApps].map((id) => id.toLowerCase())) }
      : {}),
  };
  const groups = new Map<string, Group>();
  const notEval = new Map<CompiledRule, { facts: Set<string>; subjects: Set<string> }>();
  const noteUnknown = (rule: CompiledRule, o: Outcome, subject?: string) => {
    let e = notEval.get(rule);
    if (!e) notEval.set(rule, (e = { facts: new Set(), subjects: new Set() }));
    for (const f of o.missing) e.facts.add(f);
    if (subject) e.subjects.add(subject);
  };

  const platform = snapshot.platform;
  const forPlatform = (r: CompiledRule) => r.platforms.has(platform);
  const apps: SubjectApp[] = Array.isArray(snapshot.apps) ? snapshot.apps : [];
  for (const app of apps) {
    if (!app || typeof app.id !== 'string') continue;
    // Listed with -u but removed for the phone's owner (only its data is kept):
    // it cannot watch anyone, and saying it can would send people after a ghost.
    if (ctx.android && (app as AndroidApp).installedForUser0 === false) continue;
    for (const rule of candidates(rules, app, ctx)) {
      const { hit, outcome } = judge(rule, ctx, app);
      if (outcome.v === 'unknown') noteUnknown(rule, outcome, app.id);
      if (!hit) continue;
      const key = `app\0${app.id}`;
      let g = groups.get(key);
      if (!g) {
        const own = ctx.ios ? (app as IosApp).name : (app as AndroidApp).label;
        const label = own ?? cleanLabel(rule.rule.labels?.[app.id]);
        g = {
          subject: { type: 'app', id: app.id, ...(label ? { label } : {}) },
          hits: [],
          ...(ctx.ios ? { iosApp: app as IosApp } : { app: app as AndroidApp }),
        };
        groups.set(key, g);
      }
      const ruleName = g.subject.label ? undefined : cleanLabel(rule.rule.labels?.[app.id]);
      if (ruleName) g.subject.label = ruleName;
      g.hits.push(hit);
    }
    // No name from the phone or the rules that hit: any pack's name for this id, and
    // only for an app that came with the phone or from a store (never over a disguise).
    const g = groups.get(`app\0${app.id}`);
    if (g && !g.subject.label) {
      const name = borrowedName(labelIndexFor(rules), app, platform);
      if (name) g.subject.label = name;
    }
  }

  // iPhone configuration profiles: one finding per profile, with every rule that matched it.
  if (ctx.ios) {
    for (const profile of ctx.ios.profiles) {
      for (const rule of rules.profile.filter(forPlatform)) {
        const { hit, outcome } = judge(rule, ctx, undefined, profile);
        if (outcome.v === 'unknown') noteUnknown(rule, outcome, profile.id);
        if (!hit) continue;
        const key = `profile\0${profile.id}`;
        let g = groups.get(key);
        if (!g) {
          const label = profile.displayName ?? profile.organisation;
          g = {
            subject: { type: 'profile', id: profile.id, ...(label ? { label } : {}) },
            hits: [],
            profile,
          };
          groups.set(key, g);
        }
        g.hits.push(hit);
      }
    }
  }

  // Device-level rules stay one finding per rule: each posture problem needs its own advice.
  for (const rule of rules.device.filter(forPlatform)) {
    const { hit, outcome } = judge(rule, ctx, undefined);
    if (outcome.v === 'unknown') noteUnknown(rule, outcome);
    if (!hit) continue;
    groups.set(`rule\0${rule.rule.id}`, { subject: deviceSubject(snapshot, rule), hits: [hit] });
  }

  // A rule that reads a fact nobody could collect was not judged anywhere it was not reached.
  for (const rule of rules.rules.filter(forPlatform)) {
    const missing = [...rule.facts].filter((f) => unknown.has(f));
    if (missing.length) noteUnknown(rule, { v: 'unknown', reasons: [], missing });
  }

  dropReplaced(groups);
  const findings = [...groups.values()].map((g) => toFinding(g, ctx, opts.purpose));
  // known spyware that was installed and removed before: its own finding, never merged
  if (snapshot.platform === 'android') findings.push(...pastAppFindings(snapshot, rules));
  // numbered in the order every report shows them
  findings.sort(compareFindings);
  findings.forEach((f, i) => {
    f.id = `F${i + 1}`;
  });

  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) summary[f.severity]++;

  const notEvaluated: NotEvaluated[] = [...notEval.entries()]
    .map(([rule, e]) => {
      const subjects = [...e.subjects].sort().slice(0, MAX_SUBJECTS_LISTED);
      return {
        rule: rule.rule.id,
        pack: rule.rule.pack,
        facts: [...e.facts].sort(),
        ...(subjects.length ? { subjects } : {}),
      };
    })
    .sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));

  return {
    schema: FINDINGS_SCHEMA,
    ...(opts.purpose ? { purpose: opts.purpose } : {}),
    summary,
    findings,
    ...(notEvaluated.length ? { notEvaluated } : {}),
    ...withBlindSpots(snapshot, rules),
  };
}

/**
 * The rules judged for a purpose: every rule without one, plus that purpose's own. A rule for
 * another purpose is left out entirely (neither a finding nor "not judged").
 */
function forPurpose(rules: CompiledRules, purpose: Purpose | undefined): CompiledRules {
  const keep = (r: CompiledRule) => r.rule.purpose === undefined || r.rule.purpose === purpose;
  if (rules.rules.every(keep)) return rules;
  const index = Object.fromEntries(
    Object.entries(rules.index).map(([kind, m]) => [
      kind,
      new Map([...m].map(([id, list]) => [id, list.filter(keep)] as const)),
    ]),
  ) as CompiledRules['index'];
  return {
    ...rules,
    rules: rules.rules.filter(keep),
    index,
    unanchored: rules.unanchored.filter(keep),
    device: rules.device.filter(keep),
    profile: rules.profile.filter(keep),
  };
}

/**
 * A rule that says it stands instead of others (the second phone's "any account" instead of
 * the everyday "accounts on this phone") removes their findings about the phone, and their hits
 * on the same app, so one thing is never said twice in two voices.
 */
function dropReplaced(groups: Map<string, Group>): void {
  // only a rule for the check's purpose may stand instead of others (the rule format refuses
  // `instead_of` elsewhere), only on its own subject, and never in place of a more serious one
  const replacers: { ids: Set<string>; severity: Severity; key: string; device: boolean }[] = [];
  for (const [key, g] of groups) {
    for (const h of g.hits) {
      const ids = h.rule.rule.instead_of;
      if (!h.rule.rule.purpose || !ids?.length) continue;
      replacers.push({
        ids: new Set(ids),
        severity: h.severity,
        key,
        device: key.startsWith('rule\0'),
      });
    }
  }
  if (replacers.length === 0) return;
  const notWorse = (h: RuleHit, r: { severity: Severity }) =>
    severityRank(h.severity) >= severityRank(r.severity);
  for (const [key, g] of groups) {
    const device = key.startsWith('rule\0');
    g.hits = g.hits.filter(
      (h) =>
        !replacers.some(
          (r) => r.ids.has(h.rule.rule.id) && notWorse(h, r) && (device ? r.device : r.key === key),
        ),
    );
    if (g.hits.length === 0) groups.delete(key);
  }
}

function withBlindSpots(snapshot: Snapshot, rules: CompiledRules): Partial<FindingsDoc> {
  return { incomplete: blindSpots(snapshot, rules) ?? false };
}

function toFinding(g: Group, ctx: Ctx, purpose?: Purpose): Finding {
  let top = g.hits[0]!;
  for (const h of g.hits) if (better(h, top)) top = h;
  const ordered = [...g.hits].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  // An app a hand-written rule marks dual_use (family, anti-theft) gets words for what it is.
  const dual = dualUseWords(g.hits, ctx, g.app, better);
  const r = (dual?.hit ?? top).rule.rule;
  const evidence: Finding['evidence'] = { reasons: ordered.flatMap((h) => h.reasons) };
  if (g.app) {
    const a = g.app;
    evidence.app = {
      package: a.id,
      ...(a.versionName ? { version: a.versionName } : {}),
      installerClass: a.installerClass,
      ...(a.installer ? { installer: a.installer } : {}),
      ...(a.installInitiator ? { installInitiator: a.installInitiator } : {}),
      ...(a.installOriginator ? { installOriginator: a.installOriginator } : {}),
      ...(a.installPackageSource ? { installPackageSource: a.installPackageSource } : {}),
      ...(a.installedFromComputer ? { installedFromComputer: true } : {}),
      ...(a.falseStoreClaim ? { falseStoreClaim: a.falseStoreClaim } : {}),
      launcher: a.launcher,
      ...(a.firstInstallTime ? { firstInstallTime: a.firstInstallTime } : {}),
    };
    const uses = ctx.android?.recentUse;
    const mine = uses && Object.hasOwn(uses, a.id) ? uses[a.id] : undefined;
    // when it last used location, the microphone…: the phone's clock, UTC and the app-op
    if (mine && Object.keys(mine).length > 0) evidence.lastUsed = mine;
  }
  if (g.iosApp) {
    const a = g.iosApp;
    evidence.iosApp = {
      bundleId: a.id,
      ...(a.version ? { version: a.version } : {}),
      type: a.type,
      signer: a.signer.class,
      ...(a.signer.organization || a.signer.identity
        ? { signedBy: a.signer.organization ?? a.signer.identity }
        : {}),
      ...(a.spoofedAppStoreSigner
        ? { spoofedAppStoreSigner: a.spoofedAppStoreSigner.reasons }
        : {}),
      hiddenByTag: a.hiddenBy.includes('sbapptags'),
      homeScreen:
        a.hidden === 'unknown'
          ? 'not read'
          : a.hiddenBy.includes('no-home-screen-icon')
            ? 'not on the home screen (may be in the App Library)'
            : a.hiddenBy.includes('sbapptags')
              ? 'no icon anywhere'
              : 'on the home screen',
      ...(a.backgroundModes.length ? { backgroundModes: a.backgroundModes } : {}),
    };
    // when it last used location, the microphone…, from an App Privacy Report its owner saved
    const uses = ctx.ios?.recentUse;
    const key = uses
      ? Object.keys(uses).find((k) => k.toLowerCase() === a.id.toLowerCase())
      : undefined;
    const mine = uses && key !== undefined ? uses[key] : undefined;
    if (mine && Object.keys(mine).length > 0) evidence.lastUsed = mine;
  }
  if (g.profile) {
    const p = g.profile;
    evidence.profile = {
      identifier: p.id,
      ...(p.displayName ? { displayName: p.displayName } : {}),
      ...(p.organisation ? { organisation: p.organisation } : {}),
      ...(p.description ? { description: p.description } : {}),
      removalDisallowed: p.removalDisallowed,
      payloadContents: p.payloadContents,
    };
  }
  if (dual?.evidence) evidence.dualUse = dual.evidence;
  let severity = dual?.severity ?? top.severity;
  // the purpose's own rules and its category floor only ever make a finding more serious
  for (const h of g.hits) {
    if (h.rule.rule.purpose && severityRank(h.severity) < severityRank(severity)) {
      severity = h.severity;
    }
  }
  const reading = purpose ? PURPOSE_READING[purpose] : undefined;
  if (
    reading?.floorCategories.includes(r.category) &&
    severityRank(reading.floor) < severityRank(severity)
  ) {
    severity = reading.floor;
  }
  if (severity !== (dual?.severity ?? top.severity) && reading) {
    evidence.raisedFor = reading.raisedBecause;
  }
  return {
    id: '',
    rule: r.id,
    severity,
    category: r.category,
    title: dual?.title ?? r.title,
    subject: g.subject,
    evidence,
    explanation: dual?.explanation ?? { ...r.explanation },
  };
}
