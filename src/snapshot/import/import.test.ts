import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildZip } from '../../parse/apk/zip-builder.test-util.js';
import { importAndroidqf, readPackagesJson } from './androidqf.js';
import { importBugreport } from './bugreport.js';
import { serialFromGetprop } from './collection.js';
import { importAcquisition } from './detect.js';
import { bugreportSection, splitDumpsysServices, strayPackageEntries } from './sections.js';
import { normaliseName, openFolder, openZipBuffer } from './zipFolder.js';

/** A small deflate ZIP, names taken as given (so hostile ones can be written). */
function zip(entries: [string, Buffer | string][]): Buffer {
  return buildZip(
    entries.map(([name, data]) => ({ name, data: Buffer.from(data), deflate: true })),
  );
}

const SEP = '-'.repeat(79);

describe('normaliseName', () => {
  it('refuses names that leave the acquisition and tidies the rest', () => {
    for (const bad of [
      '../x',
      'a/../../b',
      '/etc/passwd',
      'C:\\Windows\\x',
      '..\\..\\x',
      'a\0b',
      '',
    ]) {
      expect(normaliseName(bad), bad).toBeUndefined();
    }
    expect(normaliseName('a/./b//c.txt')).toBe('a/b/c.txt');
    expect(normaliseName('dir\\getprop.txt')).toBe('dir/getprop.txt');
  });
});

describe('openZipBuffer', () => {
  it('ignores entries with unsafe names and caps what one entry may inflate to', () => {
    const r = openZipBuffer(
      zip([
        ['../../evil.txt', 'x'],
        ['/abs/getprop.txt', 'x'],
        ['ok/getprop.txt', '[ro.serialno]: [ABC123]\n'],
        ['bomb.txt', Buffer.alloc(2 * 1024 * 1024)],
      ]),
    );
    const files = r.files!;
    expect(files.names).toEqual(['bomb.txt', 'ok/getprop.txt']);
    expect(files.warnings.join('\n')).toMatch(/unsafe name/);
    expect(files.read('ok/getprop.txt', 1024)?.toString()).toContain('ABC123');
    expect(files.read('bomb.txt', 64 * 1024)).toBeUndefined();
    expect(files.warnings.join('\n')).toMatch(/inflates to more than/);
  });

  it('says why garbage is not a ZIP', () => {
    const r = openZipBuffer(Buffer.from('PK\x03\x04 not really'));
    expect(r.files).toBeUndefined();
    expect(r.error).toMatch(/ZIP/);
  });
});

describe('openFolder', () => {
  it('does not follow links out of the acquisition', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spycheck-qf-'));
    const outside = mkdtempSync(join(tmpdir(), 'spycheck-outside-'));
    writeFileSync(join(outside, 'getprop.txt'), 'secret');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'settings_secure.txt'), 'a=1\n');
    symlinkSync(join(outside, 'getprop.txt'), join(dir, 'getprop.txt'));
    const files = openFolder(dir);
    expect(files.names).toEqual(['sub/settings_secure.txt']);
    expect(files.warnings.join('\n')).toMatch(/link; not followed/);
    expect(files.read('sub/settings_secure.txt', 2)).toBeUndefined();
  });
});

describe('splitDumpsysServices', () => {
  it('cuts services at their end markers and keeps the longest of repeated dumps', () => {
    const text = [
      'Currently running services:',
      '  package',
      SEP,
      'DUMP OF SERVICE CRITICAL package:',
      'short',
      '--------- 0.1s was the duration of dumpsys package, ending at: 2026-01-01 00:00:00',
      SEP,
      'DUMP OF SERVICE adb:',
      'ADB MANAGER STATE (dumpsys adb):',
      SEP,
      'DUMP OF SERVICE package:',
      'Packages:',
      '  Package [a.b] (1):',
      '--------- 0.1s was the duration of dumpsys package, ending at: 2026-01-01 00:00:01',
      "------ 0.2s was the duration of 'DUMPSYS' ------",
      'trailing text',
    ].join('\n');
    const s = splitDumpsysServices(text);
    expect(s.get('package')).toBe('Packages:\n  Package [a.b] (1):\n');
    expect(s.get('adb')).toBe('ADB MANAGER STATE (dumpsys adb):\n');
    expect([...s.keys()].sort()).toEqual(['adb', 'package']);
  });

  it("is not ended by another service's end marker, and says when app entries are left outside", () => {
    const text = [
      'DUMP OF SERVICE package:',
      'Packages:',
      '  Package [a.b] (1):',
      '--------- 0.1s was the duration of dumpsys adb, ending at: 2026-01-01 00:00:01',
      '  Package [c.d] (2):',
      '------ smuggled heading ------',
      '  Package [e.f] (3):',
    ].join('\n');
    const pkg = splitDumpsysServices(text).get('package');
    expect(pkg).toContain('[c.d]');
    expect(pkg).not.toContain('[e.f]');
    expect(strayPackageEntries(text, pkg)).toBe(1);
  });

  it('reads nothing from text without service headings', () => {
    expect(splitDumpsysServices('garbage\n\0\n------').size).toBe(0);
  });
});

describe('bugreportSection', () => {
  it('returns one section body up to the next heading', () => {
    const text = [
      '------ SYSTEM PROPERTIES (getprop) ------',
      '[ro.serialno]: [X1]',
      "------ 0.01s was the duration of 'SYSTEM PROPERTIES' ------",
      '------ OTHER (x) ------',
    ].join('\n');
    expect(bugreportSection(text, 'SYSTEM PROPERTIES')).toBe('[ro.serialno]: [X1]\n');
    expect(bugreportSection(text, 'MISSING')).toBeUndefined();
  });
});

describe('readPackagesJson', () => {
  it('skips hostile or malformed entries with a note instead of failing', () => {
    const notes: string[] = [];
    const pkgs = readPackagesJson(
      Buffer.from(
        JSON.stringify([
          {
            name: 'com.good.app',
            installer: 'com.android.vending',
            uid: 10100,
            files: [
              { path: '/data/app/~~a==/com.good.app-b==/base.apk', sha256: 'AB'.repeat(32) },
              { path: '/data/app/x.apk\npackage:/data/app/y.apk=com.fake', sha256: 'zz' },
            ],
          },
          { name: 'evil\npackage:/system/app/a.apk=com.fake' },
          null,
          'text',
          { name: 'android', files: 'not a list', uid: -4 },
        ]),
      ),
      notes,
    );
    expect(pkgs.map((p) => p.name)).toEqual(['com.good.app', 'android']);
    expect(pkgs[0]?.files).toEqual([
      { path: '/data/app/~~a==/com.good.app-b==/base.apk', sha256: 'AB'.repeat(32) },
    ]);
    expect(pkgs[1]?.uid).toBeUndefined();
    expect(notes.join('\n')).toMatch(/3 entries without a valid app name/);
  });

  it('says when packages.json is not JSON or not a list', () => {
    const notes: string[] = [];
    expect(readPackagesJson(Buffer.from('{oops'), notes)).toEqual([]);
    expect(readPackagesJson(Buffer.from('{"a":1}'), notes)).toEqual([]);
    expect(notes).toHaveLength(2);
  });
});

describe('importAndroidqf', () => {
  it('synthesises a marked app list and hashes from packages.json', () => {
    const files = openZipBuffer(
      zip([
        ['x/getprop.txt', '[ro.serialno]: [R5]\n[ro.build.version.sdk]: [33]\n'],
        [
          'x/packages.json',
          JSON.stringify([
            {
              name: 'com.a.b',
              installer: 'null',
              uid: 10200,
              files: [{ path: '/data/app/a/base.apk', sha256: 'c'.repeat(64) }],
            },
          ]),
        ],
      ]),
    ).files!;
    const c = importAndroidqf(files, new Date('2026-01-02T03:04:05Z'));
    expect(c.serial).toBe('R5');
    expect(c.complete).toBe(false);
    expect(c.outputs.packages).toEqual({
      command: 'androidqf:x/packages.json (as pm list packages -f -i -U -u)',
      text: 'package:/data/app/a/base.apk=com.a.b  installer=null uid:10200\n',
    });
    expect(c.apkHashOutputs[0]?.text).toBe(`${'c'.repeat(64)}  /data/app/a/base.apk\n`);
    expect(c.outputs.launcher).toBeUndefined();
    expect(c.raw.map((r) => r.record.command)).toEqual([
      'androidqf:x/getprop.txt',
      'androidqf:x/packages.json',
    ]);
    expect(c.started).toBe('2026-01-02T03:04:05.000Z');
  });

  it('does not claim "no installer" when packages.json leaves it out', () => {
    const files = openZipBuffer(
      zip([
        [
          'packages.json',
          JSON.stringify([
            { name: 'com.a.b', files: [] },
            { name: 'c.d', installer: 'null' },
          ]),
        ],
      ]),
    ).files!;
    const c = importAndroidqf(files);
    expect(c.outputs.packages?.command).toBe(
      'androidqf:packages.json (as pm list packages -f -U -u)',
    );
    expect(c.outputs.packages?.text).toBe('package:com.a.b\npackage:c.d  installer=null\n');
  });

  it('refuses an acquisition with nothing readable', () => {
    const files = openZipBuffer(zip([['acquisition.json', '{']])).files!;
    const r = importAcquisition('androidqf', files, { name: 'spycheck', version: 't' });
    expect(r).toEqual({ error: expect.stringMatching(/no phone data/) });
  });
});

describe('importBugreport', () => {
  it('ignores a main_entry.txt that points outside and falls back to bugreport-*.txt', () => {
    const files = openZipBuffer(
      zip([
        ['main_entry.txt', '../../etc/passwd'],
        ['bugreport-x.txt', '------ SYSTEM PROPERTIES (getprop) ------\n[ro.serialno]: [Q9]\n'],
      ]),
    ).files!;
    const c = importBugreport(files);
    expect('error' in c).toBe(false);
    if ('error' in c) return;
    expect(c.serial).toBe('Q9');
    expect(Object.keys(c.outputs)).toEqual(['getprop']);
  });

  it('says plainly when there is no main file', () => {
    const files = openZipBuffer(zip([['version.txt', '2.0']])).files!;
    expect(importBugreport(files)).toEqual({
      error: expect.stringMatching(/no bugreport-\*\.txt/),
    });
  });
});

describe('serialFromGetprop', () => {
  it('never passes on a hostile serial', () => {
    expect(serialFromGetprop('[ro.serialno]: [../../etc]\n')).toBe('unknown');
    expect(serialFromGetprop('[ro.serialno]: [R58R41ABCDE]\n')).toBe('R58R41ABCDE');
    expect(serialFromGetprop(undefined)).toBe('unknown');
  });
});

describe('a crafted file with absurdly many lines', () => {
  it('is refused in plain words instead of exhausting memory', async () => {
    const { checkLineCount } = await import('./sections.js');
    expect(() => checkLineCount('\n'.repeat(8_000_001), 'The bugreport')).toThrow(
      /more than 8,000,000 lines/,
    );
    expect(() => checkLineCount('a\nb\n', 'The bugreport')).not.toThrow();
  });
});

describe('smuggled text around the package dump', () => {
  it('marks the checks read from that dump as partial, never as plainly done', async () => {
    const { CollectionBuilder } = await import('./collection.js');
    const { noteStrayPackages } = await import('./androidqf.js');
    const b = new CollectionBuilder('androidqf', '2026-01-01T00:00:00.000Z');
    const full = 'DUMP OF SERVICE accessibility:\n  Package [com.evil.x] (1):\n';
    noteStrayPackages(b, full, '');
    expect(b.suspect.has('accessibility')).toBe(true);
    expect(b.notes.join('\n')).toMatch(/outside the "package" service dump/);
  });
});
