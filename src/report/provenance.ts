/**
 * Where a bundle's data came from, as its manifest claims it. Manifests are
 * hostile input: these rebuild the claims with known keys, capped lengths and
 * a capped depth, and never drop a "did not verify" on the way.
 */
import type { DerivedFrom, ImportSource } from './bundle.js';

const MAX_LINKS = 20;

/** The manifest's own import record, if it is well formed. */
export function importSourceOf(value: unknown): ImportSource | undefined {
  const v = value as Partial<ImportSource> | undefined;
  if (!v || typeof v !== 'object') return undefined;
  if (v.kind !== 'androidqf' && v.kind !== 'bugreport') return undefined;
  if (typeof v.file !== 'string') return undefined;
  return {
    kind: v.kind,
    file: v.file.slice(0, 300),
    ...(typeof v.sha256 === 'string' ? { sha256: v.sha256.slice(0, 64) } : {}),
  };
}

/**
 * A derivedFrom chain rebuilt link by link (no recursion: a crafted manifest
 * can nest thousands deep). Links past MAX_LINKS are folded into one, which
 * keeps verified: false if any of them said so.
 */
export function cleanChain(value: unknown): DerivedFrom | undefined {
  const links: DerivedFrom[] = [];
  let v = value as Partial<DerivedFrom> | undefined;
  let anyUnverifiedBeyond = false;
  let beyond = 0;
  for (let i = 0; v && typeof v === 'object' && i < 100_000; i++) {
    if (links.length < MAX_LINKS) {
      const source = importSourceOf(v.source);
      links.push({
        bundle: String(v.bundle ?? '').slice(0, 300),
        manifestSha256: String(v.manifestSha256 ?? '').slice(0, 64),
        ...(typeof v.verified === 'boolean' ? { verified: v.verified } : {}),
        ...(source ? { source } : {}),
      });
    } else {
      beyond++;
      if (v.verified === false) anyUnverifiedBeyond = true;
    }
    v = v.derivedFrom as Partial<DerivedFrom> | undefined;
  }
  if (beyond > 0) {
    links.push({
      bundle: `(${beyond} earlier bundles not shown)`,
      manifestSha256: '',
      ...(anyUnverifiedBeyond ? { verified: false } : {}),
    });
  }
  let chain: DerivedFrom | undefined;
  for (const link of links.reverse()) chain = chain ? { ...link, derivedFrom: chain } : link;
  return chain;
}
