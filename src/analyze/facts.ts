/**
 * Which snapshot facts a matcher reads, and which collector checks supply
 * them. When such a check is 'not-checked' the fact is UNKNOWN: a rule that
 * needs it neither fires nor counts as clean (analyze reports it under
 * `notEvaluated`).
 */
import type { Snapshot } from '../snapshot/types.js';

export type Fact =
  | 'packages'
  | 'permissions'
  | 'launcher'
  | 'certs'
  | 'apk_hashes'
  | 'accessibility'
  | 'notification_listeners'
  | 'device_policy'
  | 'appops'
  | 'battery'
  | 'settings'
  | 'props'
  | 'root'
  | 'accounts'
  | 'adb_keys';

/**
 * Check ids (CheckStatus.id) that supply each fact. Both a short id and the
 * raw-step id are accepted so collectors can name checks either way.
 */
export const FACT_CHECKS: Record<Fact, readonly string[]> = {
  packages: ['packages', 'pm.list', 'pm.list.packages'],
  permissions: ['permissions', 'dumpsys.package'],
  launcher: ['launcher', 'launcher.activities'],
  certs: ['certs', 'apk.certs', 'signing-certs'],
  apk_hashes: ['apk_hashes', 'apk-hashes', 'apk.sha256'],
  accessibility: ['accessibility', 'dumpsys.accessibility'],
  notification_listeners: ['notification_listeners', 'notification-listeners', 'settings.secure'],
  device_policy: ['device_policy', 'device-policy', 'dumpsys.device_policy'],
  appops: ['appops', 'cmd.appops'],
  battery: ['battery', 'deviceidle', 'dumpsys.deviceidle'],
  settings: ['settings', 'settings.secure', 'settings.global', 'settings.system'],
  props: ['props', 'getprop'],
  root: ['root', 'getprop', 'which.su'],
  accounts: ['accounts', 'dumpsys.account'],
  adb_keys: ['adb_keys', 'adb-keys', 'dumpsys.adb'],
};

/** Facts whose check could not run on this snapshot. */
export function unknownFacts(snapshot: Snapshot): Set<Fact> {
  const missing = new Set<string>();
  for (const c of snapshot.checks ?? []) if (c.status === 'not-checked') missing.add(c.id);
  const out = new Set<Fact>();
  for (const [fact, ids] of Object.entries(FACT_CHECKS) as Array<[Fact, readonly string[]]>) {
    if (ids.some((id) => missing.has(id))) out.add(fact);
  }
  if (snapshot.adbKeys === undefined) out.add('adb_keys');
  return out;
}
