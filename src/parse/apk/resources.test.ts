import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildArsc } from './axml-builder.test-util.js';
import { readResourceTable, resolveString, resolveStringAllConfigs } from './resources.js';
import { readZipDirectory, readZipEntry } from './zip.js';
import { pseudoRandomBytes } from './zip-builder.test-util.js';

const arscOf = (name: string): Buffer => {
  const apk = readFileSync(new URL(`./testdata/manifest/${name}`, import.meta.url));
  const dir = readZipDirectory(apk).parsed!;
  return readZipEntry(apk, dir.entries.find((e) => e.name === 'resources.arsc')!).parsed!;
};

const table = (buf: Buffer) => {
  const r = readResourceTable(buf);
  expect(r.parsed).toBeDefined();
  return r.parsed!;
};

describe('resources.arsc written by aapt and aapt2', () => {
  // Ids as `aapt2 dump resources` / `aapt dump resources` print them for app/res.
  it.each([
    // aapt2 sorts entries by name (service_name after the fillers); aapt keeps file order.
    ['labelref-aapt2.apk', 0x7f010000, 0x7f010015],
    ['labelref-sparse.apk', 0x7f010000, 0x7f010015],
    ['labelref-aapt1.apk', 0x7f020000, 0x7f020001],
  ])('%s: resolves the app name in the default config and lists each translation', (name, id, service) => {
    const t = table(arscOf(name));
    expect(t.packages).toEqual([{ id: 0x7f, name: 'com.example.labelref' }]);
    expect(resolveString(t, id)).toEqual({ parsed: 'Daily Planner ✓', warnings: [] });
    const all = resolveStringAllConfigs(t, id);
    expect(all[0]).toEqual({ config: 'default', text: 'Daily Planner ✓' });
    expect(all.map((x) => x.text)).toContain('Tagesplaner');
    expect(resolveString(t, service).parsed).toBe('Planner Sync');
  });

  it('the sparse build reads its German name through a sparse type chunk', () => {
    const buf = arscOf('labelref-sparse.apk');
    // Sanity check on the fixture itself: some type chunk has FLAG_SPARSE set.
    let sparse = false;
    for (
      let i = buf.indexOf(Buffer.from([0x01, 0x02]));
      i >= 0;
      i = buf.indexOf(Buffer.from([0x01, 0x02]), i + 1)
    ) {
      if (buf.readUInt16LE(i + 2) >= 0x40 && buf[i + 9] === 0x01) sparse = true;
    }
    expect(sparse).toBe(true);
    expect(resolveStringAllConfigs(table(buf), 0x7f010000)[1]!.text).toBe('Tagesplaner');
  });

  it('reports a missing id with a warning', () => {
    const r = resolveString(table(arscOf('labelref-aapt2.apk')), 0x7f01ffff);
    expect(r.parsed).toBeUndefined();
    expect(r.warnings[0]).toMatch(/0x7f01ffff is not in resources.arsc/);
  });
});

describe('resources.arsc entry layouts', () => {
  it('falls back to the first config that has the entry when the default lacks it', () => {
    const t = table(
      buildArsc({
        configs: [
          { entries: [{ str: 'Default' }, undefined] },
          { language: 'de', entries: [{ str: 'Standard' }, { str: 'Nur Deutsch' }] },
        ],
      }),
    );
    expect(resolveString(t, 0x7f010000).parsed).toBe('Default');
    expect(resolveString(t, 0x7f010001).parsed).toBe('Nur Deutsch');
  });

  it('prefers the default config even when it comes later in the file', () => {
    const t = table(
      buildArsc({
        configs: [
          { language: 'fr', entries: [{ str: 'Agenda' }] },
          { entries: [{ str: 'Planner' }] },
        ],
      }),
    );
    expect(resolveString(t, 0x7f010000).parsed).toBe('Planner');
  });

  it.each(['offset16', 'sparse', 'dense'] as const)('reads %s entry offsets', (layout) => {
    const entries = [undefined, { str: 'one' }, undefined, { str: 'three' }];
    const t = table(buildArsc({ utf8: false, configs: [{ layout, entries }] }));
    expect(resolveString(t, 0x7f010001).parsed).toBe('one');
    expect(resolveString(t, 0x7f010003).parsed).toBe('three');
    expect(resolveString(t, 0x7f010002).parsed).toBeUndefined();
    expect(resolveString(t, 0x7f010009).parsed).toBeUndefined();
  });

  it('follows references between string resources, and stops loops', () => {
    const t = table(
      buildArsc({
        configs: [
          {
            entries: [
              { type: 0x01, data: 0x7f010001 },
              { str: 'Aliased' },
              { type: 0x01, data: 0x7f010003 },
              { type: 0x01, data: 0x7f010002 },
              { type: 0x10, data: 5 },
            ],
          },
        ],
      }),
    );
    expect(resolveString(t, 0x7f010000)).toEqual({ parsed: 'Aliased', warnings: [] });
    const loop = resolveString(t, 0x7f010002);
    expect(loop.parsed).toBeUndefined();
    expect(loop.warnings.join()).toMatch(/loop/);
    expect(resolveString(t, 0x7f010004).warnings.join()).toMatch(/not a string/);
  });

  it('reads compact entries and skips complex (bag) entries with a warning', () => {
    const t = table(
      buildArsc({
        configs: [
          { entries: [{ str: 'pad' }, { compact: { type: 0x03, data: 0 } }, { complex: true }] },
        ],
      }),
    );
    expect(resolveString(t, 0x7f010001).parsed).toBe('pad');
    const bag = resolveString(t, 0x7f010002);
    expect(bag.parsed).toBeUndefined();
    expect(bag.warnings.join()).toMatch(/not a simple value/);
  });

  it('warns about unknown type-chunk flags', () => {
    const r = readResourceTable(buildArsc({ configs: [{ flags: 0x80, entries: [{ str: 'x' }] }] }));
    expect(r.warnings.join()).toMatch(/unknown flags 0x80/);
  });

  it('resolves ids of a shared library compiled with package id 0', () => {
    const t = table(buildArsc({ packageId: 0, configs: [{ entries: [{ str: 'Lib' }] }] }));
    expect(resolveString(t, 0x7f010000).parsed).toBe('Lib');
  });
});

describe('resources.arsc hostile input', () => {
  const real = arscOf('labelref-aapt2.apk');

  it('never throws on truncation, and warns', () => {
    for (let n = 0; n < real.length; n++) {
      const r = readResourceTable(real.subarray(0, n));
      if (r.parsed) resolveString(r.parsed, 0x7f010000);
      if (n < real.length - 8) expect(r.warnings.length).toBeGreaterThan(0);
    }
  });

  it('never throws on corrupted tables or random bytes', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const bad = Buffer.from(real);
      const noise = pseudoRandomBytes(24, seed);
      for (let i = 0; i < 12; i++) bad[noise.readUInt16LE(i * 2) % bad.length] = noise[i]!;
      const r = readResourceTable(bad);
      if (r.parsed) {
        resolveString(r.parsed, 0x7f010000);
        resolveStringAllConfigs(r.parsed, 0x7f010001);
      }
      expect(readResourceTable(pseudoRandomBytes(512, seed)).parsed).toBeUndefined();
    }
  });

  it('keeps entry offsets inside their chunk', () => {
    const buf = buildArsc({ configs: [{ entries: [{ str: 'ok' }, { str: 'moved' }] }] });
    const typeChunk = buf.lastIndexOf(Buffer.from([0x01, 0x02, 0x54, 0x00]));
    buf.writeUInt32LE(0x7ffffff0, typeChunk + 84 + 4); // second entry offset
    const r = resolveString(table(buf), 0x7f010001);
    expect(r.parsed).toBeUndefined();
    expect(r.warnings.join()).toMatch(/outside its type chunk/);
    expect(resolveString(table(buf), 0x7f010000).parsed).toBe('ok');
  });
});
