/**
 * Which snapshot facts a matcher reads, and which collector checks supply
 * them. When such a check is 'not-checked' the fact is UNKNOWN: a rule that
 * needs it neither fires nor counts as clean (analyze reports it under
 * `notEvaluated`).
 */
import type { Fact } from '../model/fact.js';
import type { PlatformId, Snapshot } from '../model/snapshot.js';
import { androidFactChecks } from '../snapshot/androidSteps.js';

export type { Fact };

/**
 * Check ids (CheckStatus.id) that supply each fact on Android, derived from
 * the step registry; each fact's own name is accepted too (rule tests use it).
 */
export const FACT_CHECKS: Record<Fact, readonly string[]> = {
  ...androidFactChecks(),
  // iPhone facts: no Android check supplies them
  ios_apps: [],
  ios_device: [],
  ios_profiles: [],
};

/**
 * The iPhone's checks (snapshot/ios.ts) that supply each fact. A fact no
 * iPhone has (accessibility, app-ops…) is absent: rules that read it are
 * judged as "no" there, never as "not checked".
 */
export const IOS_FACT_CHECKS: Partial<Record<Fact, readonly string[]>> = {
  // an iPhone app's hidden tag comes with the app list; the home screen is evidence only
  launcher: ['apps'],
  ios_apps: ['apps'],
  ios_device: ['device-values'],
  ios_profiles: ['profiles'],
  // when apps last used the microphone…: only from an App Privacy Report its owner saved
  recent_use: ['app-privacy-report'],
};

/** Facts read from `snapshot.linked` (devices and networks linked to the phone). */
export const LINKED_FACTS: readonly Fact[] = [
  'companion_devices',
  'vpn',
  'keyboards',
  'roles',
  'data_sent',
  'users',
];

/** Fact → the checks that supply it, for one platform. */
export function factChecksFor(
  platform: PlatformId | undefined,
): Partial<Record<Fact, readonly string[]>> {
  return platform === 'ios' ? IOS_FACT_CHECKS : FACT_CHECKS;
}

/** Facts whose check could not run on this snapshot (or, with status 'partial', ran only in part). */
export function unknownFacts(
  snapshot: Snapshot,
  status: 'not-checked' | 'partial' = 'not-checked',
): Set<Fact> {
  const missing = new Set<string>();
  for (const c of snapshot.checks ?? []) if (c?.status === status) missing.add(c.id);
  const out = new Set<Fact>();
  const table = factChecksFor(snapshot.platform);
  for (const [fact, ids] of Object.entries(table) as Array<[Fact, readonly string[]]>) {
    if (ids.some((id) => missing.has(id))) out.add(fact);
  }
  if (snapshot.platform === 'ios') return out;
  if (status === 'not-checked' && snapshot.adbKeys === undefined) out.add('adb_keys');
  // a snapshot from before the app-history check (or one that skipped it) never saw the past
  if (status === 'not-checked' && snapshot.pastApps === undefined) out.add('past_packages');
  // nor, before spycheck read app-use records, when apps were last used
  if (status === 'not-checked' && snapshot.recentUse === undefined) out.add('recent_use');
  // nor, before spycheck read them, linked devices, the VPN, keyboards, roles, users, data sent
  if (status === 'not-checked' && snapshot.linked === undefined) {
    for (const f of LINKED_FACTS) out.add(f);
  }
  // nor, before spycheck read it (or when it was not read), whether the phone has a screen lock
  if (status === 'not-checked' && snapshot.screenLock === undefined) out.add('screen_lock');
  return out;
}
