import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAxml, TYPE_INT_DEC, TYPE_STRING } from './axml.js';
import {
  a,
  buildAxml,
  chunk,
  manifestTree,
  stringPool,
  u16,
  u32,
} from './axml-builder.test-util.js';
import { readZipDirectory, readZipEntry } from './zip.js';
import { pseudoRandomBytes } from './zip-builder.test-util.js';

const manifestOf = (path: string): Buffer => {
  const apk = readFileSync(new URL(path, import.meta.url));
  const dir = readZipDirectory(apk).parsed!;
  return readZipEntry(apk, dir.entries.find((e) => e.name === 'AndroidManifest.xml')!).parsed!;
};

describe('readAxml on manifests compiled by aapt2', () => {
  const { parsed, warnings } = readAxml(manifestOf('./testdata/manifest/labelref-aapt2.apk'));

  it('reads every element with its nesting', () => {
    expect(warnings).toEqual([]);
    const els = parsed!.elements;
    expect(els[0]).toMatchObject({ name: 'manifest', parent: -1, depth: 0 });
    const service = els.find((e) => e.name === 'service')!;
    expect(els[service.parent]!.name).toBe('application');
    const names = els.map((e) => e.name);
    expect(names).toContain('activity-alias');
    expect(names.filter((n) => n === 'uses-permission')).toHaveLength(2);
  });

  it('gives attributes their resource ids and typed values', () => {
    const root = parsed!.elements[0]!;
    const code = root.attributes.find((x) => x.resourceId === 0x0101021b)!;
    expect(code.value).toEqual({ type: TYPE_INT_DEC, data: 42 });
    const pkg = root.attributes.find((x) => x.name === 'package')!;
    expect(pkg.namespace).toBeUndefined();
    expect(pkg.value).toMatchObject({ type: TYPE_STRING, string: 'com.example.labelref' });
    const label = parsed!.elements.find((e) => e.name === 'application')!.attributes[0]!;
    expect(label.resourceId).toBe(0x01010001);
    expect(label.value.type).toBe(0x01);
    expect(label.value.data >>> 24).toBe(0x7f);
  });
});

describe('readAxml string pools', () => {
  const long = 'Ž'.repeat(300);
  it.each([true, false])('decodes %s UTF-8 pools, long strings and non-ASCII text', (utf8) => {
    const doc = buildAxml(
      manifestTree('com.x', [{ tag: 'application', attrs: [a('label', long)] }]),
      { utf8 },
    );
    const { parsed, warnings } = readAxml(doc);
    expect(warnings).toEqual([]);
    expect(parsed!.elements[1]!.attributes[0]!.value.string).toBe(long);
  });

  it('decodes UTF-16 strings longer than 32767 units (two-unit length)', () => {
    const huge = 'x'.repeat(40_000);
    const doc = buildAxml(
      manifestTree('com.x', [{ tag: 'application', attrs: [a('label', huge)] }]),
    );
    expect(readAxml(doc).parsed!.elements[1]!.attributes[0]!.value.string).toBe(huge);
  });

  it('warns when the pool claims more strings than it holds', () => {
    const pool = stringPool(['manifest'], { claimCount: 0x7fffffff });
    const el = chunk(
      0x0102,
      Buffer.concat([u32(1), u32(0xffffffff)]),
      Buffer.concat([u32(0xffffffff), u32(0), u16(20), u16(20), u16(0), u16(0), u16(0), u16(0)]),
    );
    const { parsed, warnings } = readAxml(
      chunk(0x0003, Buffer.alloc(0), Buffer.concat([pool, el])),
    );
    expect(parsed!.elements[0]!.name).toBe('manifest');
    expect(warnings.join('\n')).toMatch(/claims 2147483647 strings/);
  });
});

describe('readAxml on damaged or hostile input', () => {
  const real = manifestOf('./testdata/manifest/labelref-aapt2.apk');

  it('never throws on any truncation of a real manifest, and says it was cut short', () => {
    for (let n = 0; n < real.length; n++) {
      const r = readAxml(real.subarray(0, n));
      if (n < real.length - 8) expect(r.warnings.length).toBeGreaterThan(0);
    }
  });

  it('keeps the elements before the cut', () => {
    const { parsed, warnings } = readAxml(real.subarray(0, Math.floor(real.length * 0.6)));
    expect(parsed!.elements[0]!.name).toBe('manifest');
    expect(warnings.join('\n')).toMatch(/cut short/);
  });

  it('rejects random bytes with a warning', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = readAxml(pseudoRandomBytes(2000, seed));
      expect(r.warnings.length).toBeGreaterThan(0);
    }
  });

  it('survives random corruption of a real manifest', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const bad = Buffer.from(real);
      const noise = pseudoRandomBytes(16, seed);
      for (let i = 0; i < 8; i++) bad[noise.readUInt16LE(i * 2) % bad.length] = noise[i]!;
      expect(() => readAxml(bad)).not.toThrow();
    }
  });

  it('warns about end tags that do not match and elements never closed', () => {
    const doc = buildAxml(manifestTree('com.x', [{ tag: 'application' }]), { omitEnds: true });
    expect(readAxml(doc).warnings.join('\n')).toMatch(/never closed/);
  });

  it('clamps an attribute count larger than the chunk', () => {
    const doc = buildAxml(
      manifestTree('com.x', [{ tag: 'application', attrs: [a('label', 'L')] }]),
    );
    // The application start tag: patch its attributeCount (u16 at ext+12) to 65535.
    const appTag = doc.indexOf(
      Buffer.from([0x02, 0x01, 0x10, 0x00]),
      doc.indexOf(Buffer.from([0x02, 0x01])) + 8,
    );
    doc.writeUInt16LE(0xffff, appTag + 16 + 12);
    const { parsed, warnings } = readAxml(doc);
    expect(parsed!.elements[1]!.attributes).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/claims 65535 attributes but its chunk holds 1/);
  });

  it('reads 100k attributes in bounded time and flags them as unusual', () => {
    const junk = Array.from({ length: 50_000 }, (_, i) => ({ name: `j${i % 7}`, str: 'x' }));
    const doc = buildAxml(
      manifestTree('com.x', [
        { tag: 'application', attrs: [...junk, a('label', 'Hidden')] },
        { tag: 'uses-permission', attrs: junk },
      ]),
    );
    const t = Date.now();
    const { parsed, warnings } = readAxml(doc);
    expect(Date.now() - t).toBeLessThan(3000);
    expect(parsed!.elements[1]!.attributes.at(-1)!.value.string).toBe('Hidden');
    expect(warnings.join('\n')).toMatch(/50001 attributes: far more than any real app/);
  });

  it('stops at an impossible chunk size instead of looping', () => {
    const doc = buildAxml(manifestTree('com.x', [{ tag: 'application' }]));
    const pool = 8;
    doc.writeUInt32LE(4, pool + 4); // string pool size smaller than its header
    const r = readAxml(doc);
    expect(r.warnings.join('\n')).toMatch(/impossible sizes/);
  });
});
