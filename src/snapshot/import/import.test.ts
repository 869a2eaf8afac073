import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildZip } from '../../parse/apk/zip-builder.test-util.js';
import { importAndroidqf, readCertInfo, readPackagesJson, readRootBinaries } from './androidqf.js';
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

describe("androidqf's own readings", () => {
  // apkverifier's CertInfo as Go writes it: capitalised field names, lower-case hex, C= first
  const certInfo = {
    Md5: '6da90ba37957a92bdd0be8605a527595',
    Sha1: '6bdb2cb7b0d9472a9791bac4839b0b3276e502d3',
    Sha256: '39b389f830f715bb8926de18f96e2a637adb38f8644f33cc2b1b5d022e21e216',
    ValidFrom: '2026-11-23T19:16:36Z',
    ValidTo: '2054-04-10T19:16:36Z',
    Issuer: 'C=XX, L=Nowhere, O=Example Ltd;Second Org, OU=Unit, CN=Example Signer',
    Subject: 'C=XX, L=Nowhere, O=Example Ltd;Second Org, OU=Unit, CN=Example Signer',
    SignatureAlgorithm: 'SHA256-RSA',
    SerialNumber: 1234567,
  };

  it('reads the signer of packages.json in the form spycheck writes it', () => {
    expect(readCertInfo(certInfo)).toEqual({
      sha1: '6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3',
      sha256: '39B389F830F715BB8926DE18F96E2A637ADB38F8644F33CC2B1B5D022E21E216',
      subject: 'CN=Example Signer, OU=Unit, O=Example Ltd;Second Org, L=Nowhere, C=XX',
      issuer: 'CN=Example Signer, OU=Unit, O=Example Ltd;Second Org, L=Nowhere, C=XX',
      organization: 'Example Ltd',
    });
    // what androidqf writes for a file it did not read, and junk
    const empty = { ...certInfo, Md5: '', Sha1: '', Sha256: '', Subject: '', Issuer: '' };
    for (const bad of [empty, null, 'x', [], { Sha1: 'zz', Sha256: certInfo.Sha256 }]) {
      expect(readCertInfo(bad)).toBeUndefined();
    }
    const hostile = readCertInfo({ ...certInfo, Subject: 'CN=a\u202e\nb, O=x\u0000y' });
    expect(hostile?.subject).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('keeps the signer, the system flag and the reason a signer is missing', () => {
    const notes: string[] = [];
    const [app, sys] = readPackagesJson(
      Buffer.from(
        JSON.stringify([
          {
            name: 'com.example.notes',
            installer: 'com.google.android.packageinstaller',
            uid: 10190,
            system: false,
            third_party: true,
            files: [
              {
                path: '/data/app/~~a==/com.example.notes-b==/base.apk',
                sha256: 'ab'.repeat(32),
                certificate: certInfo,
                certificate_error: '',
              },
            ],
          },
          {
            name: 'com.android.chrome',
            system: true,
            third_party: false,
            files: [
              {
                path: '/data/app/~~c==/com.android.chrome-d==/base.apk',
                certificate: { ...certInfo, Sha1: '', Sha256: '' },
                certificate_error: 'zip: not a valid zip file',
              },
            ],
          },
        ]),
      ),
      notes,
    );
    expect(app).toMatchObject({ system: false, thirdParty: true });
    expect(app?.files[0]?.cert?.sha1).toBe('6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3');
    expect(sys).toMatchObject({ system: true, thirdParty: false });
    expect(sys?.files[0]).toEqual({
      path: '/data/app/~~c==/com.android.chrome-d==/base.apk',
      certError: 'zip: not a valid zip file',
    });
    expect(notes).toEqual([]);
  });

  it('reads root_binaries.json: one entry may hold several paths; busybox alone is no proof', () => {
    const notes: string[] = [];
    expect(
      readRootBinaries(
        Buffer.from(
          JSON.stringify([
            '/system/bin/su\n/system/xbin/su',
            '/system/xbin/busybox',
            '/sbin/magisk',
            'which: not found',
            42,
            '/system/bin/su',
          ]),
        ),
        notes,
      ),
    ).toEqual(['/system/bin/su', '/system/xbin/su', '/sbin/magisk']);
    expect(notes.join('\n')).toMatch(/busybox: tools often added to rooted phones/);
    expect(readRootBinaries(Buffer.from('[]'), [])).toEqual([]);
    const bad: string[] = [];
    expect(readRootBinaries(Buffer.from('{"su":1}'), bad)).toBeUndefined();
    expect(readRootBinaries(Buffer.from('nope'), bad)).toBeUndefined();
    expect(bad).toHaveLength(2);
  });
});

describe('importAndroidqf', () => {
  it('answers the app-op, battery and su questions from the dumps and root_binaries.json', () => {
    const dumpsys = [
      'DUMP OF SERVICE appops:',
      'Current AppOps Service state:',
      '  Uid u0a5:',
      '    Package com.a.b:',
      '      GET_USAGE_STATS (allow):',
      '--------- 0.1s was the duration of dumpsys appops, ending at: 2026-01-01 00:00:00',
      'DUMP OF SERVICE deviceidle:',
      '  Whitelist user apps:',
      '    com.a.b',
      '  mLightEnabled=true  mDeepEnabled=true',
      '--------- 0.1s was the duration of dumpsys deviceidle, ending at: 2026-01-01 00:00:00',
    ].join('\n');
    const files = openZipBuffer(
      zip([
        ['x/dumpsys.txt', dumpsys],
        ['x/root_binaries.json', '["/system/bin/su"]'],
      ]),
    ).files!;
    const c = importAndroidqf(files);
    for (const step of ['appopsUsageStats', 'appopsOverlay', 'appopsInstall'] as const) {
      expect(c.outputs[step]?.command).toBe('androidqf:x/dumpsys.txt (DUMP OF SERVICE appops)');
      expect(c.outputs[step]?.text).toContain('GET_USAGE_STATS (allow):');
    }
    expect(c.outputs.deviceIdle?.text).toContain('Whitelist user apps:');
    expect(c.outputs.su).toEqual({
      command: 'androidqf:x/root_binaries.json (root tools found, as which su)',
      text: '/system/bin/su\n',
    });
    expect(c.notes.join('\n')).not.toMatch(/deviceidle/);
    expect(c.raw.map((r) => r.record.command)).toEqual([
      'androidqf:x/dumpsys.txt',
      'androidqf:x/root_binaries.json',
    ]);
  });

  it('takes the signer from packages.json only where the APK copy is missing', () => {
    const cert = {
      Sha1: '6bdb2cb7b0d9472a9791bac4839b0b3276e502d3',
      Sha256: '39b389f830f715bb8926de18f96e2a637adb38f8644f33cc2b1b5d022e21e216',
      Subject: 'C=XX, O=Example Ltd, CN=Example',
    };
    const files = openZipBuffer(
      zip([
        [
          'packages.json',
          JSON.stringify([
            {
              name: 'com.a.b',
              installer: 'null',
              files: [{ path: '/data/app/a/base.apk', certificate: cert }],
            },
            { name: 'c.d', installer: 'null', files: [{ path: '/data/app/c/base.apk' }] },
            {
              name: 'e.f',
              installer: 'null',
              files: [
                {
                  path: '/data/app/e/base.apk',
                  certificate: { Sha1: '', Sha256: '' },
                  certificate_error: 'zip: not a valid zip file',
                },
              ],
            },
          ]),
        ],
      ]),
    ).files!;
    const c = importAndroidqf(files);
    expect(c.apkCerts['/data/app/a/base.apk']).toMatchObject({
      ok: true,
      certs: [{ sha1: '6BDB2CB7B0D9472A9791BAC4839B0B3276E502D3', organization: 'Example Ltd' }],
    });
    expect(c.apkCerts['/data/app/c/base.apk']).toBeUndefined();
    expect(c.notes.join('\n')).toMatch(/For 1 app, who signed it was taken from androidqf/);
    expect(c.notes.join('\n')).toMatch(
      /androidqf could not read who signed this app: e\.f \(zip: not a valid zip file\)/,
    );
  });

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
  it('answers the app-op and battery questions from the full dumps in its DUMPSYS section', () => {
    const text = [
      '------ SYSTEM PROPERTIES (getprop) ------',
      '[ro.serialno]: [Q9]',
      '------ DUMPSYS (/system/bin/dumpsys) ------',
      'DUMP OF SERVICE appops:',
      'Current AppOps Service state:',
      '--------- 0.1s was the duration of dumpsys appops, ending at: 2026-01-01 00:00:00',
      'DUMP OF SERVICE deviceidle:',
      '  mLightEnabled=true  mDeepEnabled=true',
      '--------- 0.1s was the duration of dumpsys deviceidle, ending at: 2026-01-01 00:00:00',
      "------ 0.2s was the duration of 'DUMPSYS' ------",
    ].join('\n');
    const c = importBugreport(openZipBuffer(zip([['bugreport-x.txt', text]])).files!);
    if ('error' in c) throw new Error(c.error);
    expect(c.outputs.appopsOverlay?.command).toBe(
      'bugreport:bugreport-x.txt (DUMP OF SERVICE appops)',
    );
    expect(c.outputs.deviceIdle?.text).toContain('mLightEnabled=true');
    expect(c.outputs.su).toBeUndefined();
  });

  it('reads the screen lock from a lock_settings section, and says when there is none', () => {
    const lock = [
      'DUMP OF SERVICE lock_settings:',
      'Current lock settings service state:',
      '',
      'User State:',
      '  User 0',
      '    Quality: 0',
      '    CredentialType: None',
      '--------- 0.1s was the duration of dumpsys lock_settings, ending at: 2026-01-01 00:00:00',
    ];
    const text = [
      '------ SYSTEM PROPERTIES (getprop) ------',
      '[ro.serialno]: [Q9]',
      '------ DUMPSYS (/system/bin/dumpsys) ------',
      ...lock,
      "------ 0.2s was the duration of 'DUMPSYS' ------",
    ].join('\n');
    const c = importBugreport(openZipBuffer(zip([['bugreport-x.txt', text]])).files!);
    if ('error' in c) throw new Error(c.error);
    expect(c.outputs.lockSettings?.command).toBe(
      'bugreport:bugreport-x.txt (DUMP OF SERVICE lock_settings)',
    );
    expect(c.outputs.lockSettings?.text).toContain('CredentialType: None');
    const qf = importAndroidqf(openZipBuffer(zip([['x/dumpsys.txt', lock.join('\n')]])).files!);
    expect(qf.outputs.lockSettings?.text).toContain('CredentialType: None');
    // without the section the check is "not in import", never "no lock"
    const none = importAcquisition(
      'androidqf',
      openZipBuffer(zip([['x/getprop.txt', '[ro.serialno]: [Q9]\n']])).files!,
      { name: 'spycheck', version: 'test' },
    );
    if ('error' in none) throw new Error(none.error);
    expect(none.snapshot.screenLock).toBeUndefined();
    expect(none.snapshot.checks.find((k) => k.id === 'screen-lock')).toMatchObject({
      status: 'not-checked',
      cause: 'not-in-import',
    });
  });

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
