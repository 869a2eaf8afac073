import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readZipDirectory, readZipEntry } from './zip.js';
import { buildZip, pseudoRandomBytes } from './zip-builder.test-util.js';

const testdata = new URL('./testdata/', import.meta.url);

describe('readZipDirectory', () => {
  it('lists the entries of a real APK built by zip + apksigner', () => {
    const apk = readFileSync(new URL('v1v2v3-rsa.apk', testdata));
    const { parsed, warnings } = readZipDirectory(apk);
    expect(warnings).toEqual([]);
    expect(parsed?.entries.map((e) => e.name).sort()).toEqual([
      'AndroidManifest.xml',
      'META-INF/MANIFEST.MF',
      'META-INF/SPYCHECK.RSA',
      'META-INF/SPYCHECK.SF',
      'assets/about.txt',
      'classes.dex',
    ]);
  });

  it('reads stored and deflated entries', () => {
    const text = Buffer.from('hello '.repeat(100));
    const zip = buildZip([
      { name: 'a.txt', data: text },
      { name: 'b.txt', data: text, deflate: true },
    ]);
    const dir = readZipDirectory(zip).parsed!;
    for (const entry of dir.entries) {
      const { parsed, warnings } = readZipEntry(zip, entry);
      expect(warnings).toEqual([]);
      expect(parsed?.equals(text)).toBe(true);
    }
    expect(dir.entries[1]?.method).toBe(8);
  });

  it('finds the end record behind a ZIP comment and ignores a fake one inside it', () => {
    const zip = buildZip([{ name: 'a', data: Buffer.from('x') }]);
    // A comment that itself contains end-record magic bytes.
    const comment = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(30, 0x41)]);
    zip.writeUInt16LE(comment.length, zip.length - 2);
    const withComment = Buffer.concat([zip, comment]);
    const { parsed, warnings } = readZipDirectory(withComment);
    expect(warnings).toEqual([]);
    expect(parsed?.entries.map((e) => e.name)).toEqual(['a']);
  });

  it('warns about data that is not a ZIP', () => {
    for (const buf of [Buffer.alloc(0), Buffer.from('PK'), pseudoRandomBytes(5000, 7)]) {
      const { parsed, warnings } = readZipDirectory(buf);
      expect(parsed).toBeUndefined();
      expect(warnings.join('\n')).toMatch(/not a ZIP/);
    }
  });

  it('warns when the central directory points outside the file', () => {
    const zip = buildZip([{ name: 'a', data: Buffer.from('x') }]);
    zip.writeUInt32LE(0x7fffffff, zip.length - 6);
    const { parsed, warnings } = readZipDirectory(zip);
    expect(parsed).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/outside the file/);
  });

  it('does not crash on a ZIP64 end record it cannot follow', () => {
    const zip = buildZip([{ name: 'a', data: Buffer.from('x') }]);
    zip.writeUInt32LE(0xffffffff, zip.length - 6);
    const { parsed, warnings } = readZipDirectory(zip);
    expect(parsed).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/ZIP64/);
  });

  it('reads entries despite trailing data after the end record, with a warning', () => {
    const zip = buildZip([{ name: 'a', data: Buffer.from('x') }]);
    const { parsed, warnings } = readZipDirectory(Buffer.concat([zip, Buffer.from('trailer')]));
    expect(parsed?.entries.map((e) => e.name)).toEqual(['a']);
    expect(warnings.join('\n')).toMatch(/does not line up/);
  });

  it('follows a ZIP64 end record to the central directory', () => {
    const zip = buildZip([{ name: 'a', data: Buffer.from('x') }]);
    const eocd = zip.subarray(zip.length - 22);
    const cdSize = eocd.readUInt32LE(12);
    const cdOffset = eocd.readUInt32LE(16);
    const body = zip.subarray(0, zip.length - 22);
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeBigUInt64LE(1n, 24);
    record.writeBigUInt64LE(1n, 32);
    record.writeBigUInt64LE(BigInt(cdSize), 40);
    record.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(body.length), 8);
    const end = Buffer.from(eocd);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 12);
    end.writeUInt32LE(0xffffffff, 16);
    const zip64 = Buffer.concat([body, record, locator, end]);
    const { parsed, warnings } = readZipDirectory(zip64);
    expect(parsed?.entries.map((e) => e.name)).toEqual(['a']);
    expect(readZipEntry(zip64, parsed!.entries[0]!).parsed?.toString()).toBe('x');
    expect(warnings.join('\n')).toMatch(/ZIP64/);
  });

  it('survives every single-byte corruption of a real APK', () => {
    const apk = readFileSync(new URL('v1v2v3-rsa.apk', testdata));
    for (let i = 0; i < apk.length; i += 13) {
      const bad = Buffer.from(apk);
      bad[i] = (bad[i]! + 0x80) & 0xff;
      const dir = readZipDirectory(bad);
      for (const entry of dir.parsed?.entries ?? []) readZipEntry(bad, entry);
    }
  });
});

describe('readZipEntry', () => {
  it('refuses a zip bomb instead of inflating it', () => {
    const zip = buildZip([
      { name: 'bomb', data: Buffer.alloc(20 * 1024 * 1024), deflate: true, claimedSize: 10 },
    ]);
    expect(zip.length).toBeLessThan(100_000);
    const entry = readZipDirectory(zip).parsed!.entries[0]!;
    const { parsed, warnings } = readZipEntry(zip, entry, { maxBytes: 1024 * 1024 });
    expect(parsed).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/more than the 1048576-byte limit/);
  });

  it('warns when the directory lies about the uncompressed size', () => {
    const zip = buildZip([
      { name: 'x', data: Buffer.from('abcdef'), deflate: true, claimedSize: 3 },
    ]);
    const entry = readZipDirectory(zip).parsed!.entries[0]!;
    const { parsed, warnings } = readZipEntry(zip, entry);
    expect(parsed?.toString()).toBe('abcdef');
    expect(warnings.join('\n')).toMatch(/directory says 3/);
  });

  it('warns about corrupt deflate data and sizes past the end of the file', () => {
    const zip = buildZip([{ name: 'x', data: Buffer.from('abcdef'.repeat(50)), deflate: true }]);
    const entry = readZipDirectory(zip).parsed!.entries[0]!;
    const corrupt = Buffer.from(zip);
    corrupt.fill(0xff, 35, 45);
    expect(readZipEntry(corrupt, entry).warnings.join('\n')).toMatch(/corrupt/);
    const tooLong = { ...entry, compressedSize: 0x7fffffff };
    expect(readZipEntry(zip, tooLong).warnings.join('\n')).toMatch(/past the end/);
    const badMethod = { ...entry, method: 99 };
    expect(readZipEntry(zip, badMethod).warnings.join('\n')).toMatch(/method 99/);
  });
});
