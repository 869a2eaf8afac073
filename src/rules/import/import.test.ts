import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './common.js';
import { importIsdi } from './isdi.js';
import { importStalkerwareIndicators } from './stalkerware-indicators.js';

const ECHAP = '/work/shared/data/stalkerware-indicators';
const ISDI = '/work/shared/data/isdi';

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
      iosBundles: 6,
    });
    expect(files.get('pack.yaml')).toMatch(/a04c5c1958bff93fec3b1b56edbb412b209f2a38/);
    expect(files.get('pack.yaml')).toMatch(/CC-BY-4.0/);
    const ttspy = files.get('rules/stalkerware.thetruthspy.yaml') ?? '';
    // generic names are kept as exact ids, never turned into prefixes
    expect(ttspy).toMatch(/- com\.fone\n/);
    expect(ttspy).toMatch(/TheTruthSpy \(also sold as/);
  });
});

describe.skipIf(!existsSync(ISDI))('ISDI importer (needs upstream data)', () => {
  it('keeps dual-use apps and leaves stalkerware rows to Echap', async () => {
    const { stats } = await importIsdi(ISDI, { exclude: new Set(['com.strava2']) });
    expect(stats.skippedStalkerware).toBe(613);
    expect((stats.dualUseAndroid ?? 0) + (stats.dualUseIos ?? 0)).toBeGreaterThan(5000);
  });
});
