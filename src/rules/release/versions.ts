/**
 * Pack versions (pack.yaml `version`, e.g. 1.2.0, 1.0.1+6de92d1, 2.0.0-rc.1), compared as
 * semantic versions: build metadata after "+" is ignored, a pre-release is lower than its
 * release. Used to refuse downgrades and replays of an older release.
 */

/** The same pattern as pack.yaml's `version` (src/rules/schema.ts PACK_META). */
export const PACK_VERSION = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
/** The same pattern as pack.yaml's `id`. */
export const PACK_ID = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;

const isSafeVersion = (v: string) => PACK_VERSION.test(v) && v.length <= 100;
const isSafeId = (v: string) => PACK_ID.test(v) && v.length <= 100;

/** A version that can name a folder and be compared; false for anything else. */
export function validVersion(v: unknown): v is string {
  return typeof v === 'string' && isSafeVersion(v);
}

/** A pack id that can name a folder; false for anything else. */
export function validPackId(v: unknown): v is string {
  return typeof v === 'string' && isSafeId(v);
}

function parts(v: string): { core: number[]; pre: string[] } {
  const noBuild = v.split('+')[0] ?? v;
  const dash = noBuild.indexOf('-');
  const core = (dash < 0 ? noBuild : noBuild.slice(0, dash)).split('.').map(Number);
  const pre = dash < 0 ? [] : noBuild.slice(dash + 1).split('.');
  return { core, pre };
}

/** <0 when a is older than b, 0 when the same version, >0 when newer. */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  // a release is newer than its pre-releases
  if (x.pre.length === 0 && y.pre.length === 0) return 0;
  if (x.pre.length === 0) return 1;
  if (y.pre.length === 0) return -1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = Number(p) - Number(q);
      if (d !== 0) return Math.sign(d);
    } else if (pn !== qn) return pn ? -1 : 1;
    else if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
