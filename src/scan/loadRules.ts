import { resolve } from 'node:path';
import type { RulePackRef } from '../report/model.js';
import { type CompiledLoadOptions, loadRulePacksCompiled } from '../rules/compiled.js';
import { formatRuleError, type RulePack } from '../rules/load.js';
import { defaultRulePaths } from '../rules/release/installed.js';

export type LoadedRules = { ok: true; packs: RulePack[] } | { ok: false; message: string };

/**
 * The rule packs a scan or an import judges with: the shipped ones unless
 * turned off, then the caller's. A broken pack stops everything, so a
 * phone is never judged by half a rule set.
 *
 * A pack whose bytes were compiled before (the shipped index built at
 * `npm run build`, or the user cache for other packs) loads without YAML or
 * schema work; any other pack is parsed and checked in full (src/rules/compiled.ts).
 */
export async function loadScanRules(opts: {
  rules: string[];
  defaultRules: boolean;
  extra?: string[];
  /** where compiled packs come from (tests); default: shipped index + user cache */
  compiled?: CompiledLoadOptions;
  /** where installed packs are (SPYCHECK_DATA_DIR…); default process.env */
  env?: NodeJS.ProcessEnv;
}): Promise<LoadedRules> {
  // the shipped packs, an installed newer version in place of a shipped one, then other
  // installed packs (src/rules/release/installed.ts)
  const defaults = opts.defaultRules ? defaultRulePaths(opts.env ?? process.env) : undefined;
  const paths = [
    ...(defaults?.paths ?? []),
    ...opts.rules.map((p) => resolve(p)),
    ...(opts.extra ?? []),
  ];
  if (paths.length === 0) {
    return {
      ok: false,
      message: 'No rule packs to use: --no-default-rules needs at least one --rules PATH.',
    };
  }
  const { packs, errors } = await loadRulePacksCompiled(paths, opts.compiled);
  if (errors.length === 0) {
    for (const p of packs) {
      const record = defaults?.installed.get(p.dir)?.record;
      // the signer is claimed only for the very files that were verified when installed
      if (record && record.packSha256 === p.sha256) installedSigners.set(p, record.signer);
    }
    return { ok: true, packs };
  }
  const lines = [
    'A rule pack is broken, so spycheck stopped before reading the phone. Fix or remove the pack and try again:',
    ...errors.slice(0, 20).map((e) => `  ${formatRuleError(e)}`),
    ...(errors.length > 20 ? [`  … and ${errors.length - 20} more problems`] : []),
  ];
  return { ok: false, message: lines.join('\n') };
}

/** Packs installed by `rules update`, loaded here: the fingerprint of their signer. */
const installedSigners = new WeakMap<RulePack, string>();

/**
 * The packs a check judged with: a pack whose rules are all for another purpose (the second
 * phone's) took no part in an everyday check, so it is not listed as a list compared with.
 */
export function packsUsed(packs: RulePack[], purpose?: string): RulePack[] {
  return packs.filter(
    (p) => p.rules.length === 0 || p.rules.some((r) => !r.purpose || r.purpose === purpose),
  );
}

/** What the bundle and reports record of a pack: identity, hash, name and date (and signer). */
export function packRef(p: RulePack): RulePackRef {
  const stalkerware = p.rules.some((r) => r.category === 'stalkerware');
  const signer = installedSigners.get(p);
  return {
    id: p.id,
    version: p.version,
    sha256: p.sha256,
    name: p.name,
    date: p.meta.date,
    ...(stalkerware ? { stalkerware: true } : {}),
    ...(signer ? { signer } : {}),
  };
}
