import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readApkSigningCerts } from '../../parse/apk/signing.js';
import { packageRoot } from '../../util/packageRoot.js';
import {
  bufferFile,
  fileChunks,
  generatedFile,
  generatedSha256,
  generatedSha256Sync,
} from './servedFiles.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const whole = (f: { size: number; read(o: number, n: number): Buffer }) => f.read(0, f.size);
const sample = readFileSync(
  join(packageRoot(), 'fixtures/devices/infected-a12/apks/com.dailyplanner.notes.apk'),
);

describe('generated files', () => {
  it('have the declared size, the same bytes on every read, and differ by path', () => {
    const p = '/data/app/x/base.apk';
    const f = generatedFile(p, { size: 200_003 });
    const all = whole(f);
    expect(all.length).toBe(200_003);
    expect(whole(generatedFile(p, { size: 200_003 })).equals(all)).toBe(true);
    // any window reads the same bytes as the whole
    for (const [o, n] of [
      [0, 10],
      [65_530, 20],
      [131_072, 65_536],
      [199_990, 100],
    ] as const)
      expect(f.read(o, n).equals(all.subarray(o, o + n))).toBe(true);
    expect(Buffer.concat([...fileChunks(f, 65_536)]).equals(all)).toBe(true);
    // blocks are not copies of each other
    expect(all.subarray(0, 65_536).equals(all.subarray(65_536, 131_072))).toBe(false);
    expect(
      whole(generatedFile('/data/app/y/base.apk', { size: 1000 })).equals(all.subarray(0, 1000)),
    ).toBe(false);
  });

  it('hash to what a pull returns, from memory, from the cache, or freshly', async () => {
    const p = `/data/app/hash-${process.pid}/base.apk`;
    const spec = { size: 3 * 1024 * 1024 + 17 };
    const expected = sha(whole(generatedFile(p, spec)));
    expect(await generatedSha256(p, spec)).toBe(expected);
    expect(generatedSha256Sync(p, spec)).toBe(expected);
    expect(generatedSha256Sync(`${p}.2`, spec)).toBe(sha(whole(generatedFile(`${p}.2`, spec))));
  });

  it('carry a real APK whose signer still reads, at the declared size', () => {
    const f = generatedFile('/data/app/z/base.apk', { size: 3_000_000, carrier: sample });
    const apk = whole(f);
    expect(apk.length).toBe(3_000_000);
    const want = readApkSigningCerts(sample).parsed;
    const got = readApkSigningCerts(apk).parsed;
    expect(want.certs.length).toBeGreaterThan(0);
    expect(got.certs.map((c) => c.sha1)).toEqual(want.certs.map((c) => c.sha1));
    expect(got.schemes).toEqual(want.schemes);
  });

  it('serve in-memory files as they are', () => {
    const f = bufferFile(sample);
    expect(f.size).toBe(sample.length);
    expect(whole(f).equals(sample)).toBe(true);
  });
});
