import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSnapshot } from '../../analyze/analyze.js';
import { compileRules } from '../../analyze/compile.js';
import { snapshotFromCase } from '../../analyze/ruleTester.js';
import { packageRoot } from '../../util/packageRoot.js';
import { defaultRulesDir, loadRulePacks } from '../load.js';
import type { MatchExpr } from '../schema.js';
import { parseCsv } from './common.js';
import { importIsdi } from './isdi.js';
import { importStalkerwareIndicators } from './stalkerware-indicators.js';

// The upstream copies live in the steering repo's shared/ folder, beside this checkout.
const SHARED = [
  process.env.SPYCHECK_SHARED_DATA,
  join(packageRoot(), '..', 'shared', 'data'),
  '/work/shared/data',
].find((d): d is string => Boolean(d && existsSync(d)));
const ECHAP = join(SHARED ?? '/nonexistent', 'stalkerware-indicators');
const ISDI = join(SHARED ?? '/nonexistent', 'isdi');

describe('parseCsv', () => {
  it('handles quotes, doubled quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi"""\r\n')).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
    ]);
  });
});

describe.skipIf(!existsSync(ECHAP))('stalkerware-indicators importer (needs upstream data)', () => {
  it('imports every indicator', async () => {
    const { stats, files } = await importStalkerwareIndicators(ECHAP);
    expect(stats).toMatchObject({
      packages: 613,
      certificates: 471,
      sampleHashes: 3228,
      samplePackages: 57,
      iosBundles: 6,
    });
    expect(files.get('pack.yaml')).toMatch(/a04c5c1958bff93fec3b1b56edbb412b209f2a38/);
    expect(files.get('pack.yaml')).toMatch(/CC-BY-4.0/);
    const ttspy = files.get('rules/stalkerware.thetruthspy.yaml') ?? '';
    // generic names are kept as exact ids, never turned into prefixes
    expect(ttspy).toMatch(/- com\.fone\n/);
    expect(ttspy).toMatch(/TheTruthSpy \(also sold as/);
    // a name seen only in a Copy9 sample joins TheTruthSpy, never on a system app
    expect(ttspy).toMatch(/- package:\n {8}- com\.android\.system\n {6}system: false\n/);
  });
});

describe.skipIf(!existsSync(ISDI))('ISDI importer (needs upstream data)', () => {
  it('keeps dual-use apps and leaves stalkerware rows to Echap', async () => {
    const { stats } = await importIsdi(ISDI, { exclude: new Set(['com.strava2']) });
    expect(stats.skippedStalkerware).toBe(613);
    expect((stats.dualUseAndroid ?? 0) + (stats.dualUseIos ?? 0)).toBeGreaterThan(5000);
  });
});

describe('the shipped stalkerware-indicators pack', () => {
  it('holds every upstream indicator, without needing the upstream copy', async () => {
    const { packs, errors } = await loadRulePacks([
      join(defaultRulesDir(), 'stalkerware-indicators'),
    ]);
    expect(errors).toEqual([]);
    const values = (key: string, category?: string) => {
      const out = new Set<string>();
      const walk = (m: unknown): void => {
        if (Array.isArray(m)) m.forEach(walk);
        else if (m && typeof m === 'object') {
          for (const [k, v] of Object.entries(m)) {
            if (k === key) for (const x of [v].flat()) out.add(String(x));
            else walk(v);
          }
        }
      };
      for (const r of packs[0]?.rules ?? [])
        if (!category || r.category === category) walk(r.match);
      return out;
    };
    expect(values('package', 'stalkerware').size).toBe(613 + SAMPLE_ONLY);
    expect(values('cert_sha1', 'stalkerware').size).toBe(471);
    expect(values('apk_sha256').size).toBe(3228);
    expect(values('ios_bundle').size).toBe(6);
  });

  // Package names of samples.csv that ioc.yaml and watchware.yaml lack (Echap a04c5c1).
  const SAMPLE_ONLY = 57;
  const samplesOnly = async () => {
    const { packs } = await loadRulePacks([join(defaultRulesDir(), 'stalkerware-indicators')]);
    const out = new Map<string, string>();
    for (const r of packs[0]?.rules ?? [])
      for (const sub of (r.match.any ?? []) as MatchExpr[])
        if (sub.system === false) for (const p of sub.package ?? []) out.set(p, r.id);
    return { packs, out };
  };

  it('holds the package names seen only in samples, under their product, never for system apps', async () => {
    const { packs, out } = await samplesOnly();
    expect(out.size).toBe(SAMPLE_ONLY);
    expect(
      Object.fromEntries([...out].filter(([p]) => /^com\.(android|sec|duiyun\.minspy$)/.test(p))),
    ).toEqual({
      'com.android.system': 'stalkerware.thetruthspy',
      'com.sec.android.as': 'stalkerware.androidspy',
      'com.duiyun.minspy': 'stalkerware.cocospy',
    });
    const rules = compileRules(packs);
    const run = (app: NonNullable<Parameters<typeof snapshotFromCase>[0]['app']>) =>
      analyzeSnapshot(snapshotFromCase({ app }), rules).findings.map((f) => [f.rule, f.severity]);
    for (const [pkg, rule] of out) {
      expect(run({ id: pkg, installer: 'sideloaded' }), pkg).toEqual([[rule, 'high']]);
      expect(run({ id: pkg, system: true, installer: 'preinstalled' }), pkg).toEqual([]);
    }
  });
});
