import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { a, buildArsc, buildAxml, type El, manifestTree } from './axml-builder.test-util.js';
import { readApkManifest } from './manifest.js';
import { buildZip, pseudoRandomBytes } from './zip-builder.test-util.js';

const here = new URL('./', import.meta.url);
const fileOf = (rel: string): string => fileURLToPath(new URL(rel, here));
const read = (rel: string): Buffer => readFileSync(fileOf(rel));
const apkOf = (manifest: El, arsc?: Buffer): Buffer =>
  buildZip([
    { name: 'AndroidManifest.xml', data: buildAxml(manifest), deflate: true },
    ...(arsc ? [{ name: 'resources.arsc', data: arsc }] : []),
  ]);

const labelRefApks = ['labelref-aapt2.apk', 'labelref-sparse.apk', 'labelref-aapt1.apk'];
const infected = '../../../fixtures/devices/infected-a12/apks/';

describe('readApkManifest on real APKs', () => {
  it.each(labelRefApks)('%s (built by aapt/aapt2, label by reference)', (name) => {
    expect(readApkManifest(read(`testdata/manifest/${name}`))).toEqual({
      parsed: {
        package: 'com.example.labelref',
        versionCode: 42,
        versionName: '4.2-ref',
        label: 'Daily Planner ✓',
        accessibilityServices: ['com.example.labelref.Watcher'],
        notificationListeners: ['com.example.labelref.sync.NotifyReader'],
        deviceAdminReceivers: ['com.example.labelref.Admin'],
        hasLauncherActivity: true,
        usesPermissions: [
          'android.permission.RECEIVE_BOOT_COMPLETED',
          'android.permission.ACCESS_FINE_LOCATION',
        ],
      },
      warnings: [],
    });
  });

  it.each([
    ['com.dailyplanner.notes.apk', 'com.dailyplanner.notes', 'Daily Planner', 12, '1.2.0'],
    ['com.device.health.service.apk', 'com.device.health.service', 'Device Health', 305, '3.0.5'],
    ['com.systemservice.apk', 'com.systemservice', 'System Service', 71, '7.1'],
  ])('infected-a12 %s', (file, pkg, label, versionCode, versionName) => {
    const { parsed, warnings } = readApkManifest(read(infected + file));
    expect(warnings).toEqual([]);
    expect(parsed).toMatchObject({ package: pkg, versionCode, versionName });
    expect(parsed.label).toBe(label);
  });

  it('reads the APKs that scripts/make-apk.sh builds', () => {
    expect(readApkManifest(read('testdata/v1-rsa.apk')).parsed).toMatchObject({
      package: 'com.example.legacy',
      label: 'Legacy Sync',
      versionCode: 7,
      versionName: '2.3',
    });
  });
});

const hasAapt = (() => {
  try {
    execFileSync('aapt', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasAapt)(
  hasAapt
    ? 'agrees with aapt dump badging run live'
    : 'SKIPPED: aapt is not installed (apt install aapt)',
  () => {
    const all = [
      ...labelRefApks.map((n) => `testdata/manifest/${n}`),
      ...[
        'com.dailyplanner.notes.apk',
        'com.device.health.service.apk',
        'com.systemservice.apk',
      ].map((n) => infected + n),
    ];
    it.each(all)('%s', (rel) => {
      const out = execFileSync('aapt', ['dump', 'badging', fileOf(rel)], { encoding: 'utf8' });
      const pkgLine = /^package: name='([^']*)' versionCode='(\d+)' versionName='([^']*)'/m.exec(
        out,
      )!;
      const { parsed } = readApkManifest(read(rel));
      expect([parsed.package, parsed.versionCode, parsed.versionName]).toEqual([
        pkgLine[1],
        Number(pkgLine[2]),
        pkgLine[3],
      ]);
      // aapt prints the label only when the APK has a resources.arsc.
      const label = /^application-label:'(.*)'$/m.exec(out)?.[1];
      if (label !== undefined) expect(parsed.label).toBe(label);
      const perms = [...out.matchAll(/^uses-permission: name='([^']*)'/gm)].map((m) => m[1]);
      expect(parsed.usesPermissions).toEqual(perms);
    });
  },
);

describe('readApkManifest semantics', () => {
  const app = (children: El[], attrs = [a('label', 'App')]): El =>
    manifestTree('com.example.spy', [{ tag: 'application', attrs, children }]);
  const launcherFilter: El = {
    tag: 'intent-filter',
    children: [
      { tag: 'action', attrs: [a('name', 'android.intent.action.MAIN')] },
      { tag: 'category', attrs: [a('name', 'android.intent.category.LAUNCHER')] },
    ],
  };

  it('reads android: attributes by resource id even when their names are obfuscated', () => {
    const obf = manifestTree(
      'com.example.spy',
      [{ tag: 'application', attrs: [{ name: '', id: 0x01010001, str: 'Calculator' }] }],
      [{ name: 'a', id: 0x0101021b, int: 9 }],
    );
    expect(readApkManifest(apkOf(obf)).parsed).toMatchObject({
      label: 'Calculator',
      versionCode: 9,
    });
  });

  it('does not take a decoy attribute named "label" that has another resource id', () => {
    const decoy = app(
      [],
      [
        { name: 'label', id: 0x01010002, str: 'Decoy' },
        { name: 'x', id: 0x01010001, str: 'Real' },
      ],
    );
    expect(readApkManifest(apkOf(decoy)).parsed.label).toBe('Real');
  });

  it('qualifies relative class names and applies the application-wide permission', () => {
    const m = app(
      [
        { tag: 'service', attrs: [a('name', 'Plain')] },
        {
          tag: 'service',
          attrs: [
            a('name', '.Dot'),
            a('permission', 'android.permission.BIND_NOTIFICATION_LISTENER_SERVICE'),
          ],
        },
      ],
      [a('label', 'App'), a('permission', 'android.permission.BIND_ACCESSIBILITY_SERVICE')],
    );
    expect(readApkManifest(apkOf(m)).parsed).toMatchObject({
      accessibilityServices: ['com.example.spy.Plain'],
      notificationListeners: ['com.example.spy.Dot'],
    });
  });

  it('ignores components outside <application>, as Android does', () => {
    const m = manifestTree('com.example.spy', [
      {
        tag: 'service',
        attrs: [
          a('name', '.Stray'),
          a('permission', 'android.permission.BIND_ACCESSIBILITY_SERVICE'),
        ],
      },
      { tag: 'activity', children: [launcherFilter] },
      { tag: 'application' },
    ]);
    expect(readApkManifest(apkOf(m)).parsed).toMatchObject({
      accessibilityServices: [],
      hasLauncherActivity: false,
    });
  });

  it('needs MAIN and LAUNCHER in one filter of an enabled activity', () => {
    const split: El[] = [
      { tag: 'intent-filter', children: [launcherFilter.children![0]!] },
      { tag: 'intent-filter', children: [launcherFilter.children![1]!] },
    ];
    const launcher = (m: El) => readApkManifest(apkOf(m)).parsed.hasLauncherActivity;
    expect(launcher(app([{ tag: 'activity', children: split }]))).toBe(false);
    expect(
      launcher(
        app([{ tag: 'activity', attrs: [a('enabled', false)], children: [launcherFilter] }]),
      ),
    ).toBe(false);
    expect(launcher(app([{ tag: 'activity-alias', children: [launcherFilter] }]))).toBe(true);
  });

  it('resolves a label reference through resources.arsc, default config first', () => {
    const arsc = buildArsc({
      configs: [
        { language: 'de', entries: [{ str: 'Tagesplaner' }] },
        { entries: [{ str: 'Daily Planner' }] },
      ],
    });
    const m = app([], [a('label', 0x7f010000, true)]);
    expect(readApkManifest(apkOf(m, arsc))).toMatchObject({
      parsed: { label: 'Daily Planner' },
      warnings: [],
    });
    const missing = readApkManifest(apkOf(m));
    expect(missing.parsed.label).toBeUndefined();
    expect(missing.parsed.package).toBe('com.example.spy');
    expect(missing.warnings.join('\n')).toMatch(/no readable resources.arsc/);
  });

  it('shortens an absurdly long name and keeps hostile characters for the renderer to escape', () => {
    const evil = '<script>\u202e\n'.repeat(500);
    const { parsed, warnings } = readApkManifest(apkOf(app([], [a('label', evil)])));
    expect(parsed.label).toBe(evil.slice(0, 1000));
    expect(warnings.join()).toMatch(/shortened to 1000/);
  });
});

describe('readApkManifest on hostile input', () => {
  const real = read('testdata/manifest/labelref-aapt2.apk');

  it('returns an empty manifest with warnings for non-APKs', () => {
    for (const buf of [
      Buffer.alloc(0),
      pseudoRandomBytes(4096, 7),
      buildZip([{ name: 'x', data: Buffer.from('y') }]),
    ]) {
      const r = readApkManifest(buf);
      expect(r.parsed.package).toBeUndefined();
      expect(r.parsed.accessibilityServices).toEqual([]);
      expect(r.warnings.length).toBeGreaterThan(0);
    }
  });

  it('reads what it can from a truncated manifest', () => {
    const axml = buildAxml(
      manifestTree('com.example.cut', [{ tag: 'application', attrs: [a('label', 'Cut')] }]),
    );
    for (let n = 0; n < axml.length; n += 3) {
      const r = readApkManifest(
        buildZip([{ name: 'AndroidManifest.xml', data: axml.subarray(0, n) }]),
      );
      expect(r.warnings.length).toBeGreaterThan(0);
    }
  });

  it('never throws on corrupted APK bytes', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const bad = Buffer.from(real);
      const noise = pseudoRandomBytes(32, seed);
      for (let i = 0; i < 16; i++) bad[noise.readUInt16LE(i * 2) % bad.length] = noise[i]!;
      expect(() => readApkManifest(bad)).not.toThrow();
    }
  });

  it('warns when an APK holds two manifests', () => {
    const m = buildAxml(manifestTree('com.first', []));
    const r = readApkManifest(
      buildZip([
        { name: 'AndroidManifest.xml', data: m },
        { name: 'AndroidManifest.xml', data: buildAxml(manifestTree('com.second', [])) },
      ]),
    );
    expect(r.parsed.package).toBe('com.first');
    expect(r.warnings.join()).toMatch(/2 entries named AndroidManifest.xml/);
  });

  it('handles a manifest with 100k attributes in bounded time', () => {
    const junk = Array.from({ length: 50_000 }, (_, i) => ({ name: `n${i % 3}`, str: 'v' }));
    const m = manifestTree('com.example.big', [
      { tag: 'uses-permission', attrs: junk },
      { tag: 'application', attrs: [...junk, a('label', 'Still Found')] },
    ]);
    const t = Date.now();
    const { parsed, warnings } = readApkManifest(apkOf(m));
    expect(Date.now() - t).toBeLessThan(5000);
    expect(parsed.label).toBe('Still Found');
    expect(warnings.join()).toMatch(/far more than any real app/);
  });

  it('is not fooled into a reference loop by the label', () => {
    const arsc = buildArsc({ configs: [{ entries: [{ type: 0x01, data: 0x7f010000 }] }] });
    const r = readApkManifest(
      apkOf(
        manifestTree('com.x', [{ tag: 'application', attrs: [a('label', 0x7f010000, true)] }]),
        arsc,
      ),
    );
    expect(r.parsed.label).toBeUndefined();
    expect(r.warnings.join()).toMatch(/loop/);
  });
});
