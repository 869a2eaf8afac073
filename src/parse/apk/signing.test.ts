import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../util/systemTool.js';
import { apkSha256, readApkSigningCerts } from './signing.js';
import {
  buildZip,
  lp,
  pseudoRandomBytes,
  schemeBlock,
  signingBlock,
  u64,
} from './zip-builder.test-util.js';

const testdata = new URL('./testdata/', import.meta.url);
const read = (name: string): Buffer => readFileSync(new URL(name, testdata));

interface Expected {
  schemes: string[];
  certs: {
    scheme: string;
    sha1: string;
    sha256: string;
    subject: string;
    organization: string;
  }[];
  notSigners?: string[];
  lineage?: string[];
}
const expected: Record<string, Expected> = JSON.parse(
  readFileSync(new URL('expected.json', testdata), 'utf8'),
).apks;
const apkNames = readdirSync(testdata).filter((f) => f.endsWith('.apk'));

const V2 = 0x7109871a;
const V3 = 0xf05368c0;
const V31 = 0x1b93ad61;
const u32le = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};

const hasApksigner = hasTool('apksigner');
const hasKeytool = hasTool('keytool');

describe('readApkSigningCerts on APKs signed by jarsigner / apksigner / openssl', () => {
  it('has an expectation for every testdata APK', () => {
    expect(apkNames.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (name, want) => {
    const { parsed, warnings } = readApkSigningCerts(read(name));
    expect(warnings).toEqual([]);
    expect(parsed.schemes).toEqual(want.schemes);
    expect(parsed.certs).toEqual(
      want.certs.map((c) => ({ ...c, issuer: expect.any(String) as unknown as string })),
    );
    expect(parsed.lineage).toEqual(want.lineage);
    for (const notSigner of want.notSigners ?? []) {
      expect(parsed.certs.map((c) => c.sha1)).not.toContain(notSigner);
    }
  });

  it('reports a self-signed certificate as its own issuer', () => {
    const cert = readApkSigningCerts(read('v1-ec.apk')).parsed.certs[0]!;
    expect(cert.issuer).toBe(cert.subject);
  });
});

/** Fingerprints printed by the independent tools, as uppercase hex without colons. */
function toolFingerprints(apkPath: string, hasV2: boolean): Set<string> {
  const found = new Set<string>();
  const collect = (text: string): void => {
    for (const m of text.matchAll(/SHA-?1(?: digest)?:\s*([0-9A-Fa-f:]{40,59})/g)) {
      found.add(m[1]!.replaceAll(':', '').toUpperCase());
    }
  };
  const run = (cmd: string, args: string[]): string =>
    execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  collect(run('keytool', ['-printcert', '-jarfile', apkPath]));
  if (hasV2) {
    // Default: the v3 signer; capped at Android 8.1 (no v3 there): the v2 signer.
    collect(run('apksigner', ['verify', '--print-certs', apkPath]));
    collect(run('apksigner', ['verify', '--print-certs', '--max-sdk-version', '27', apkPath]));
  }
  return found;
}

describe.skipIf(!hasApksigner || !hasKeytool)(
  hasApksigner && hasKeytool
    ? 'agrees with apksigner and keytool run live'
    : 'SKIPPED: apksigner or keytool is not installed (Debian: apt install apksigner default-jdk-headless)',
  () => {
    const real = apkNames.filter((n) => !n.startsWith('pkcs7-'));
    it.each(real)('%s', (name) => {
      const path = fileURLToPath(new URL(name, testdata));
      const { parsed } = readApkSigningCerts(read(name));
      const hasV2 = parsed.schemes.includes('v2');
      expect(new Set(parsed.certs.map((c) => c.sha1))).toEqual(toolFingerprints(path, hasV2));
    });

    it('reads the same key rotation history as apksigner lineage', () => {
      const name = 'v1v2v3-rotated.apk';
      const out = execFileSync(
        'apksigner',
        ['lineage', '--in', fileURLToPath(new URL(name, testdata)), '--print-certs'],
        { encoding: 'utf8' },
      );
      const fromTool = [...out.matchAll(/SHA-256 digest: ([0-9a-f]{64})/g)].map((m) =>
        m[1]!.toUpperCase(),
      );
      expect(fromTool).toHaveLength(2);
      expect(readApkSigningCerts(read(name)).parsed.lineage).toEqual(fromTool);
    });
  },
);

describe('apkSha256', () => {
  it('is the uppercase hex SHA-256 of the whole file', () => {
    const apk = read('v1-rsa.apk');
    expect(apkSha256(apk)).toBe(createHash('sha256').update(apk).digest('hex').toUpperCase());
    expect(apkSha256(Buffer.alloc(0))).toBe(
      'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
    );
  });
});

describe('readApkSigningCerts on hand-built signing blocks', () => {
  const certDer = (name: string): Buffer => {
    // Take the real v1 signer certificate out of a testdata APK via the v2 block path.
    const { parsed } = readApkSigningCerts(read(name));
    expect(parsed.certs.length).toBeGreaterThan(0);
    return extractFirstV2Cert(read(name));
  };

  it('reads every signer of a v2 block and a v3.1 block, deduplicating across schemes', () => {
    const rsa = certDer('v2v3-rsa.apk');
    const ec = certDer('v1v2v3-ec.apk');
    const block = signingBlock([
      { id: 0x42726577, value: Buffer.alloc(64) }, // verity padding: ignored
      { id: V2, value: schemeBlock([[rsa], [ec]]) },
      { id: V31, value: schemeBlock([[ec]]) },
    ]);
    const apk = buildZip([{ name: 'classes.dex', data: Buffer.from('dex') }], block);
    const { parsed, warnings } = readApkSigningCerts(apk);
    expect(warnings).toEqual([]);
    expect(parsed.schemes).toEqual(['v2', 'v3.1']);
    expect(parsed.certs.map((c) => c.scheme)).toEqual(['v2', 'v3']);
    expect(parsed.certs[1]?.organization).toBe('Example Vendor GmbH');
  });

  it('reports a key that appears only in a v3 rotation history', () => {
    const rsa = certDer('v2v3-rsa.apk');
    const ec = certDer('v1v2v3-ec.apk');
    const node = (cert: Buffer): Buffer =>
      lp(lp(lp(cert), u32le(0x0201)), u32le(0), u32le(0x0201), lp(Buffer.from('sig')));
    const rotation = Buffer.concat([u32le(0x3ba06f8c), u32le(1), node(rsa), node(ec)]);
    const sdk = Buffer.concat([u32le(28), u32le(0x7fffffff)]);
    const signedData = lp(lp(), lp(lp(ec)), sdk, lp(lp(rotation)));
    const v3 = lp(lp(signedData, sdk, lp(), lp()));
    const apk = buildZip([], signingBlock([{ id: V3, value: v3 }]));
    const { parsed, warnings } = readApkSigningCerts(apk);
    expect(warnings).toEqual([]);
    expect(parsed.schemes).toEqual(['v3']);
    expect(parsed.certs.map((c) => c.organization)).toEqual([
      'Example Vendor GmbH',
      'Spycheck Test Signing',
    ]);
    expect(parsed.lineage).toEqual([parsed.certs[1]?.sha256, parsed.certs[0]?.sha256]);
  });

  it('warns about a malformed rotation history and keeps the signer', () => {
    const ec = certDer('v1v2v3-ec.apk');
    const rotation = Buffer.concat([u32le(0x3ba06f8c), u32le(1), u32le(0xffffff)]);
    const sdk = Buffer.concat([u32le(28), u32le(0x7fffffff)]);
    const v3 = lp(lp(lp(lp(), lp(lp(ec)), sdk, lp(lp(rotation))), sdk, lp(), lp()));
    const { parsed, warnings } = readApkSigningCerts(
      buildZip([], signingBlock([{ id: V3, value: v3 }])),
    );
    expect(parsed.certs).toHaveLength(1);
    expect(parsed.lineage).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/rotation history is malformed/);
  });

  it('shows a hostile certificate name safely', () => {
    const der = read('hostile-name.der');
    const apk = buildZip([], signingBlock([{ id: V2, value: schemeBlock([[der]]) }]));
    const { parsed, warnings } = readApkSigningCerts(apk);
    expect(warnings).toEqual([]);
    const cert = parsed.certs[0]!;
    expect(cert.subject).not.toMatch(/[\u0000-\u001f]/);
    expect(cert.subject).toContain('CN=line1');
    expect(cert.organization).toBe('Überwachung, Inc. 监控');
  });

  it('hashes bytes that are not a certificate and warns', () => {
    const junk = Buffer.from('definitely not DER');
    const apk = buildZip([], signingBlock([{ id: V3, value: schemeBlock([[junk]]) }]));
    const { parsed, warnings } = readApkSigningCerts(apk);
    expect(parsed.certs).toEqual([
      {
        scheme: 'v3',
        sha1: createHash('sha1').update(junk).digest('hex').toUpperCase(),
        sha256: createHash('sha256').update(junk).digest('hex').toUpperCase(),
      },
    ]);
    expect(warnings.join('\n')).toMatch(/could not be decoded/);
  });

  const hostile: [string, Buffer][] = [
    ['block size larger than the file', signingBlock([], 1n << 62n)],
    ['block size smaller than its footer', signingBlock([], 3n)],
    [
      'pair length pointing outside the block',
      signingBlock([{ id: V2, value: Buffer.alloc(16), length: 1n << 40n }]),
    ],
    ['pair length below 4', signingBlock([{ id: V2, value: Buffer.alloc(0), length: 0n }])],
    [
      'signer list length outside the value',
      signingBlock([{ id: V2, value: Buffer.from([0xff, 0xff, 0xff, 0x7f, 0, 0]) }]),
    ],
    [
      'certificate length outside the signer',
      signingBlock([{ id: V3, value: lp(lp(lp(lp(), Buffer.from([0xff, 0xff, 0xff, 0xff])))) }]),
    ],
    ['empty signer list', signingBlock([{ id: V2, value: lp() }])],
    ['sizes that disagree', Buffer.concat([u64(0), signingBlock([]).subarray(8)])],
  ];
  it.each(hostile)('warns and does not throw: %s', (_label, block) => {
    const apk = buildZip([{ name: 'a', data: Buffer.from('a') }], block);
    const { parsed, warnings } = readApkSigningCerts(apk);
    expect(parsed.certs).toEqual([]);
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings.at(-1)).toMatch(/no signing certificate found/);
  });

  it('stops at a reasonable number of signers', () => {
    const rsa = certDer('v2v3-rsa.apk');
    const many = Array.from({ length: 40 }, () => [rsa]);
    const apk = buildZip([], signingBlock([{ id: V2, value: schemeBlock(many) }]));
    const { parsed, warnings } = readApkSigningCerts(apk);
    expect(parsed.certs).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/only the first 16 signers/);
  });
});

describe('readApkSigningCerts on hostile v1 signature files', () => {
  it('refuses a zip bomb posing as META-INF/CERT.RSA', () => {
    const apk = buildZip([
      { name: 'META-INF/CERT.RSA', data: Buffer.alloc(30 * 1024 * 1024), deflate: true },
    ]);
    const { parsed, warnings } = readApkSigningCerts(apk);
    expect(parsed.certs).toEqual([]);
    expect(warnings.join('\n')).toMatch(/byte limit/);
  });

  it('warns about garbage and deeply nested DER', () => {
    // 1000 nested indefinite-length SEQUENCEs: recursion must stop early.
    const nested = Buffer.alloc(2000);
    for (let i = 0; i < nested.length; i += 2) nested.set([0x30, 0x80], i);
    const apk = buildZip([
      { name: 'META-INF/A.RSA', data: pseudoRandomBytes(3000, 42) },
      { name: 'META-INF/B.EC', data: nested },
      { name: 'META-INF/C.DSA', data: Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]) },
    ]);
    const { parsed, warnings } = readApkSigningCerts(apk);
    expect(parsed.certs).toEqual([]);
    expect(warnings.filter((w) => w.startsWith('v1 signature'))).toHaveLength(3);
  });
});

describe('readApkSigningCerts never throws on damaged input', () => {
  it.each(apkNames)('truncated at every 997th byte: %s', (name) => {
    const apk = read(name);
    for (let end = 0; end < apk.length; end += 997) {
      const { parsed, warnings } = readApkSigningCerts(apk.subarray(0, end));
      expect(warnings.length, `cut at ${end}`).toBeGreaterThan(0);
      expect(Array.isArray(parsed.certs)).toBe(true);
    }
  });

  it.each(apkNames)('with one byte flipped at every 97th position: %s', (name) => {
    const apk = read(name);
    for (let i = 0; i < apk.length; i += 97) {
      const bad = Buffer.from(apk);
      bad[i] = bad[i]! ^ 0xff;
      const { parsed } = readApkSigningCerts(bad);
      for (const cert of parsed.certs) expect(cert.sha1).toMatch(/^[0-9A-F]{40}$/);
    }
  });

  it('on random bytes, with and without a ZIP end record', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const noise = pseudoRandomBytes(4096, seed);
      expect(readApkSigningCerts(noise).warnings.length).toBeGreaterThan(0);
      const fakeEnd = Buffer.concat([
        noise,
        Buffer.from('PK\x05\x06', 'latin1'),
        noise.subarray(0, 18),
      ]);
      fakeEnd.writeUInt16LE(0, fakeEnd.length - 2);
      expect(readApkSigningCerts(fakeEnd).warnings.length).toBeGreaterThan(0);
    }
  });
});

/** The first certificate in the first v2/v3 signer of a real APK, found by walking the block. */
function extractFirstV2Cert(apk: Buffer): Buffer {
  const magic = apk.indexOf('APK Sig Block 42');
  const size = Number(apk.readBigUInt64LE(magic - 8));
  const start = magic + 16 - size - 8;
  const pairValue = start + 8 + 12;
  // signers(len) → signer(len) → signedData(len) → digests(len)…, certificates(len) → cert(len)
  let p = pairValue + 4 + 4 + 4;
  p += 4 + apk.readUInt32LE(p);
  p += 4;
  const len = apk.readUInt32LE(p);
  return apk.subarray(p + 4, p + 4 + len);
}
