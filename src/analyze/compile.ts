/**
 * Compiles loaded packs once per run: match expressions become closures,
 * and rules guarded by exact ids (package, certificate, APK hash) are
 * indexed in Maps so each app only meets the rules that can concern it.
 */

import type { Severity } from '../model/severity.js';
import type { PlatformId } from '../model/snapshot.js';
import type { LoadedRule, RulePack } from '../rules/load.js';
import type { MatchExpr } from '../rules/schema.js';
import type { Fact } from './facts.js';
import {
  type AnchorKind,
  anchorsOf,
  compileMatch,
  type Eval,
  usesAppMatchers,
  usesProfileMatchers,
} from './match.js';
import { emptyPastIndex, indexPastRule, type PastIndex } from './pastApps.js';

export interface CompiledRule {
  rule: LoadedRule;
  /** 'app': judged once per app; 'profile': once per iPhone profile; 'device': once per phone */
  scope: 'app' | 'profile' | 'device';
  /** The phone families the rule was written for: it is not judged on others */
  platforms: ReadonlySet<PlatformId>;
  match: Eval;
  raise: Array<{ severity: Severity; when: Eval }>;
  /** Facts this rule reads, to say which rules a missing check left unevaluated */
  facts: ReadonlySet<Fact>;
  /** From a hand-written pack (its words were written for this app, not generated) */
  curated: boolean;
}

export interface CompiledRules {
  packs: Array<{ id: string; name: string; version: string; sha256: string }>;
  rules: CompiledRule[];
  /** anchor kind → exact id → rules guarded by it */
  index: Record<AnchorKind, Map<string, CompiledRule[]>>;
  /** app rules without an exact-id guard: judged against every app */
  unanchored: CompiledRule[];
  device: CompiledRule[];
  /** iPhone rules judged once per configuration profile */
  profile: CompiledRule[];
  /** total exact indicators indexed (for `rules list` and benchmarks) */
  indicators: number;
  /** package id → rules that also judge apps that were on the phone before (see pastApps.ts) */
  past: PastIndex;
}

const MATCHER_FACTS: Record<string, Fact> = {
  cert_sha1: 'certs',
  cert_sha256: 'certs',
  cert_organization: 'certs',
  cert_subject_contains: 'certs',
  apk_sha256: 'apk_hashes',
  launcher: 'launcher',
  handover_app: 'packages',
  permission: 'permissions',
  // the install record is read with the app details
  false_store_claim: 'permissions',
  appop: 'appops',
  usage_access: 'appops',
  draw_over_apps: 'appops',
  install_other_apps: 'appops',
  accessibility_service: 'accessibility',
  notification_listener: 'notification_listeners',
  device_admin: 'device_policy',
  device_owner: 'device_policy',
  profile_owner: 'device_policy',
  battery_exempt: 'battery',
  setting: 'settings',
  prop: 'props',
  patch_older_than_days: 'props',
  root: 'root',
  account_count: 'accounts',
  adb_keys_at_least: 'adb_keys',
  recently_used: 'recent_use',
  vpn_owner: 'vpn',
  keyboard: 'keyboards',
  role: 'roles',
  companion_device: 'companion_devices',
  data_sent: 'data_sent',
  // private DNS and proxies are global settings
  private_dns: 'settings',
  proxy: 'settings',
  other_users: 'users',
  screen_lock: 'screen_lock',
  // an app list that was not read hides every bundle id (package ids keep their own checks)
  ios_bundle: 'ios_apps',
  ios_signer: 'ios_apps',
  ios_spoofed_signer: 'ios_apps',
  ios_apple_lookalike: 'ios_apps',
  ios_background_mode: 'ios_apps',
  ios_usage: 'ios_apps',
  ios_entitlement: 'ios_apps',
  ios_jailbreak_sign: 'ios_apps',
  ios_device: 'ios_device',
  ios_version_below: 'ios_device',
  ios_management: 'ios_profiles',
  ios_profile: 'ios_profiles',
  ios_profile_removal_disallowed: 'ios_profiles',
};

function factsOf(m: MatchExpr, out: Set<Fact>): Set<Fact> {
  for (const [k, v] of Object.entries(m)) {
    const f = MATCHER_FACTS[k];
    if (f) out.add(f);
    // either platform's app list: one that was not read leaves "added since the hand-over" unknown
    if (k === 'handover_app') out.add('ios_apps');
    if (k === 'all' || k === 'any') for (const s of v as MatchExpr[]) factsOf(s, out);
    if (k === 'not') factsOf(v as MatchExpr, out);
  }
  return out;
}

export function compileRules(packs: RulePack[]): CompiledRules {
  const index: CompiledRules['index'] = {
    package: new Map(),
    ios_bundle: new Map(),
    cert_sha1: new Map(),
    cert_sha256: new Map(),
    apk_sha256: new Map(),
  };
  const rules: CompiledRule[] = [];
  const unanchored: CompiledRule[] = [];
  const device: CompiledRule[] = [];
  const profile: CompiledRule[] = [];
  let indicators = 0;
  const past = emptyPastIndex();
  for (const pack of packs) {
    for (const rule of pack.rules) {
      const exprs = [rule.match, ...(rule.raise ?? []).map((r) => r.when)];
      const facts = new Set<Fact>();
      for (const e of exprs) factsOf(e, facts);
      const scope = exprs.some(usesAppMatchers)
        ? 'app'
        : exprs.some(usesProfileMatchers)
          ? 'profile'
          : 'device';
      const compiled: CompiledRule = {
        rule,
        scope,
        platforms: new Set(rule.platforms ?? ['android']),
        match: compileMatch(rule.match),
        raise: (rule.raise ?? []).map((r) => ({
          severity: r.severity,
          when: compileMatch(r.when),
        })),
        facts,
        curated: !pack.meta.generated,
      };
      // known-stalkerware ids also judge past apps: one more fact that can be missing
      // a rule for a purpose judges the phone as it is now, never apps that were on it before
      if (!rule.purpose && indexPastRule(past, compiled)) facts.add('past_packages');
      rules.push(compiled);
      if (scope === 'device') {
        device.push(compiled);
        continue;
      }
      if (scope === 'profile') {
        profile.push(compiled);
        continue;
      }
      const anchors = anchorsOf(rule.match);
      if (!anchors) {
        unanchored.push(compiled);
        continue;
      }
      const seen = new Set<string>();
      for (const [kind, id] of anchors) {
        const key = `${kind}\0${id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        indicators++;
        const list = index[kind].get(id);
        if (list) list.push(compiled);
        else index[kind].set(id, [compiled]);
      }
    }
  }
  return {
    packs: packs.map((p) => ({ id: p.id, name: p.name, version: p.version, sha256: p.sha256 })),
    rules,
    index,
    unanchored,
    device,
    profile,
    indicators,
    past,
  };
}
