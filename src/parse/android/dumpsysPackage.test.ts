import { describe, expect, it } from 'vitest';
import { parseDumpsysPackage, phoneLocalTimeToUtc } from './dumpsysPackage.js';
import { fixture, HOSTILE } from './testdata/fixtures.js';

describe('parseDumpsysPackage — Android 10 (Xiaomi)', () => {
  const { parsed, warnings } = parseDumpsysPackage(fixture('a10-xiaomi/dumpsys_package.txt'));
  const byId = new Map(parsed.packages.map((p) => [p.id, p]));

  it('reads every package block and only the Packages section', () => {
    expect(warnings).toEqual([]);
    expect(parsed.packages.map((p) => p.id)).toEqual([
      'com.google.android.gms',
      'com.sys.update.service',
      'com.miui.analytics',
    ]);
    expect(parsed.hiddenSystemPackages).toEqual(['com.google.android.gms']);
  });

  it('reads versions, paths, times, installer and flags of a sideloaded app', () => {
    const p = byId.get('com.sys.update.service')!;
    expect(p.userId).toBe(10187);
    expect(p.versionCode).toBe(31);
    expect(p.minSdk).toBe(19);
    expect(p.targetSdk).toBe(22);
    expect(p.versionName).toBe('3.1 beta (build 7)');
    expect(p.codePath).toBe('/data/app/com.sys.update.service-7mH0qO2p_LrZ4kJcVwXyAA==');
    expect(p.apkPaths).toEqual([
      '/data/app/com.sys.update.service-7mH0qO2p_LrZ4kJcVwXyAA==/base.apk',
    ]);
    expect(p.timeStamp).toBe('2023-10-28 22:41:05');
    expect(p.firstInstallTime).toBe('2023-10-28 22:41:09');
    expect(p.lastUpdateTime).toBe('2023-10-28 22:41:09');
    expect(p.installerPackageName).toBe('com.google.android.packageinstaller');
    expect(p.installInitiatingPackageName).toBeUndefined();
    expect(p.system).toBe(false);
    expect(p.updatedSystem).toBe(false);
    expect(p.pkgFlags).toEqual(['HAS_CODE', 'ALLOW_CLEAR_USER_DATA', 'ALLOW_BACKUP']);
  });

  it('reads requested, install and runtime permissions with grant state and flags', () => {
    const p = byId.get('com.sys.update.service')!;
    expect(p.requestedPermissions).toContain('android.permission.PACKAGE_USAGE_STATS');
    expect(p.requestedPermissions).toHaveLength(9);
    expect(p.installPermissions).toEqual([
      { name: 'android.permission.REQUEST_IGNORE_BATTERY_OPTIMIZATIONS', granted: true },
      { name: 'android.permission.SYSTEM_ALERT_WINDOW', granted: false },
    ]);
    expect(p.user0?.runtimePermissions).toContainEqual({
      name: 'android.permission.READ_SMS',
      granted: true,
      flags: 'USER_SET|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED',
    });
    expect(p.user0?.runtimePermissions).toContainEqual({
      name: 'android.permission.RECORD_AUDIO',
      granted: false,
    });
    expect(p.user0?.runtimePermissions).toHaveLength(5);
  });

  it('strips ": restricted=true" from requested permissions', () => {
    expect(byId.get('com.google.android.gms')!.requestedPermissions).toContain(
      'android.permission.READ_EXTERNAL_STORAGE',
    );
  });

  it('marks updated system apps and keeps the hidden system copy path', () => {
    const g = byId.get('com.google.android.gms')!;
    expect(g.system).toBe(true);
    expect(g.updatedSystem).toBe(true);
    expect(g.systemCodePath).toBe('/system/priv-app/GmsCore');
    expect(g.versionCode).toBe(214516028); // from Packages, not the hidden copy
  });

  it('keeps user 0 apart from the second space (XSpace user 999)', () => {
    const g = byId.get('com.google.android.gms')!;
    expect(g.users.map((u) => u.userId)).toEqual([0, 999]);
    expect(g.user0?.installed).toBe(true);
    expect(g.user0?.runtimePermissions[0]).toEqual({
      name: 'android.permission.ACCESS_FINE_LOCATION',
      granted: true,
      flags: 'GRANTED_BY_DEFAULT|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED',
    });
    expect(g.users[1]?.installed).toBe(false);
  });

  it('reads a system app disabled by the user', () => {
    const a = byId.get('com.miui.analytics')!;
    expect(a.apkPaths).toEqual(['/system/app/AnalyticsCore/base.apk']);
    expect(a.user0?.enabled).toBe(3);
    expect(a.user0?.enabledState).toBe('disabled-user');
    expect(a.user0?.lastDisabledCaller).toBe('com.android.settings');
    expect(a.installerPackageName).toBeUndefined();
  });
});

describe('parseDumpsysPackage — Android 12 (Samsung)', () => {
  const { parsed, warnings } = parseDumpsysPackage(fixture('a12-samsung/dumpsys_package.txt'));
  const byId = new Map(parsed.packages.map((p) => [p.id, p]));

  it('reads Android 11+ install source fields', () => {
    expect(warnings).toEqual([]);
    const t = byId.get('com.mobile.tracker.free')!;
    expect(t.installerPackageName).toBe('com.google.android.packageinstaller');
    expect(t.installInitiatingPackageName).toBe('com.sec.android.app.sbrowser');
    expect(t.installOriginatingPackageName).toBe('com.sec.android.app.sbrowser');
    expect(t.apkPaths).toEqual([
      '/data/app/~~h3Xn9qPw8sLkA0zR7YbC1w==/com.mobile.tracker.free-pR9cT2uWq0mN6vB8xJ3kEg==/base.apk',
    ]);
  });

  it('keeps only user 0 install permissions (", userId=95" lines belong to Secure Folder)', () => {
    const t = byId.get('com.mobile.tracker.free')!;
    expect(t.installPermissions).toEqual([
      { name: 'android.permission.FOREGROUND_SERVICE', granted: true },
      { name: 'android.permission.RECEIVE_BOOT_COMPLETED', granted: true },
    ]);
    expect(t.user0?.runtimePermissions.filter((p) => p.granted).map((p) => p.name)).toEqual([
      'android.permission.ACCESS_FINE_LOCATION',
      'android.permission.ACCESS_BACKGROUND_LOCATION',
      'android.permission.READ_CONTACTS',
    ]);
  });

  it('merges flags and privatePkgFlags, and ignores usesLibraries lists', () => {
    const c = byId.get('com.android.chrome')!;
    expect(c.pkgFlags).toContain('UPDATED_SYSTEM_APP');
    expect(c.privateFlags).toContain('PRODUCT');
    expect(c.updatedSystem).toBe(true);
    expect(c.systemCodePath).toBe('/product/app/Chrome');
    expect(c.requestedPermissions).not.toContain('android.ext.services');
  });

  it('reads a disabled system app', () => {
    const b = byId.get('com.samsung.android.bixby.agent')!;
    expect(b.user0?.enabledState).toBe('disabled');
    expect(b.users).toHaveLength(2);
  });

  it('does not read the Queries section as packages', () => {
    expect(parsed.packages).toHaveLength(3);
  });
});

describe('parseDumpsysPackage — Android 14 (Pixel)', () => {
  const { parsed, warnings } = parseDumpsysPackage(fixture('a14-pixel/dumpsys_package.txt'));
  const byId = new Map(parsed.packages.map((p) => [p.id, p]));

  it('reads appId= as the uid and per-user firstInstallTime', () => {
    expect(warnings).toEqual([]);
    const f = byId.get('net.family.locator')!;
    expect(f.userId).toBe(10288);
    expect(f.firstInstallTime).toBeUndefined();
    expect(f.user0?.firstInstallTime).toBe('2024-06-30 01:12:15');
    expect(f.installInitiatingPackageName).toBe('com.android.shell');
    expect(f.installOriginatingPackageName).toBeUndefined(); // "null"
    expect(f.users.find((u) => u.userId === 10)?.installed).toBe(false);
  });

  it('reads suspended and disabled-until-used state', () => {
    const w = byId.get('com.google.android.apps.wellbeing')!;
    expect(w.user0?.suspended).toBe(true);
    expect(w.user0?.enabledState).toBe('disabled-until-used');
    expect(w.requestedPermissions).toEqual([]);
  });

  it('marks Maps as an updated system app', () => {
    const m = byId.get('com.google.android.apps.maps')!;
    expect(m.updatedSystem).toBe(true);
    expect(m.user0?.runtimePermissions).toHaveLength(3);
  });
});

describe('parseDumpsysPackage — broken input', () => {
  it('warns about an unreadable header and keeps the other packages', () => {
    const text =
      'Packages:\n  Package [bad name!] (1):\n    userId=1\n  Package [com.ok] (2):\n    userId=10001\n    codePath=/data/app/com.ok-1\n';
    const r = parseDumpsysPackage(text);
    expect(r.parsed.packages.map((p) => p.id)).toEqual(['com.ok']);
    expect(r.parsed.packages[0]!.userId).toBe(10001);
    expect(r.warnings.join('\n')).toContain('package header');
  });

  it('keeps a truncated dump and says so', () => {
    const full = fixture('a12-samsung/dumpsys_package.txt');
    const cut = full.slice(0, full.indexOf('    codePath=/system/priv-app/BixbyAgentStub'));
    const r = parseDumpsysPackage(cut);
    expect(r.parsed.packages).toHaveLength(3);
    expect(r.parsed.packages[1]!.user0?.runtimePermissions).toHaveLength(4);
    expect(r.warnings.join('\n')).toMatch(/cut short/);
  });

  it('warns about bad numbers without inventing values', () => {
    const r = parseDumpsysPackage(
      'Packages:\n  Package [com.a] (1):\n    userId=abc\n    versionCode=x minSdk=1\n    User 0: enabled=99 installed=maybe\n',
    );
    const p = r.parsed.packages[0]!;
    expect(p.userId).toBeUndefined();
    expect(p.versionCode).toBeUndefined();
    expect(p.user0?.installed).toBeUndefined();
    expect(p.user0?.enabledState).toBeUndefined();
    expect(r.warnings.length).toBeGreaterThanOrEqual(3);
  });

  it('reports a refused dump and a missing section', () => {
    expect(parseDumpsysPackage("Can't find service: package").warnings[0]).toContain('package');
    expect(parseDumpsysPackage('Dexopt state:\n  [com.a]\n').warnings[0]).toContain('Packages:');
  });

  it('never throws', () => {
    for (const h of HOSTILE) expect(() => parseDumpsysPackage(h)).not.toThrow();
  });

  it('reads 1,000 packages (~10 MB) in one pass', () => {
    const block = fixture('a12-samsung/dumpsys_package.txt');
    const one = block.slice(
      block.indexOf('  Package [com.mobile.tracker.free]'),
      block.indexOf('  Package [com.samsung'),
    );
    const parts: string[] = ['Packages:\n'];
    let size = 0;
    let i = 0;
    while (i < 1000 || size < 10_000_000) {
      const b = one
        .replaceAll('com.mobile.tracker.free', `com.gen.app${i}`)
        .replace(
          '    requested permissions:\n',
          `    requested permissions:\n${'      android.permission.PADDING_PERMISSION_FOR_SIZE\n'.repeat(150)}`,
        );
      parts.push(b);
      size += b.length;
      i++;
    }
    const text = parts.join('');
    // how fast: npm run bench; here, that a 10 MB dump is read whole
    const r = parseDumpsysPackage(text);
    expect(r.parsed.packages.length).toBe(i);
    expect(i).toBeGreaterThanOrEqual(1000);
    expect(text.length).toBeGreaterThan(10_000_000);
  });
});

describe('phoneLocalTimeToUtc', () => {
  it('converts with the phone zone, including DST', () => {
    expect(phoneLocalTimeToUtc('2024-03-02 14:05:11', 'Europe/Berlin')).toBe(
      '2024-03-02T13:05:11.000Z',
    );
    expect(phoneLocalTimeToUtc('2024-07-02 14:05:11', 'Europe/Berlin')).toBe(
      '2024-07-02T12:05:11.000Z',
    );
    expect(phoneLocalTimeToUtc('2024-07-02 14:05:11', 'America/New_York')).toBe(
      '2024-07-02T18:05:11.000Z',
    );
    expect(phoneLocalTimeToUtc('2024-07-02 14:05:11', 'UTC')).toBe('2024-07-02T14:05:11.000Z');
    expect(phoneLocalTimeToUtc('2024-01-15 08:00:00', 'Asia/Kolkata')).toBe(
      '2024-01-15T02:30:00.000Z',
    );
  });

  it('picks the earlier instant in the repeated hour and survives the skipped hour', () => {
    // Berlin 2024-10-27 02:30 happens twice (CEST then CET)
    expect(phoneLocalTimeToUtc('2024-10-27 02:30:00', 'Europe/Berlin')).toBe(
      '2024-10-27T00:30:00.000Z',
    );
    // Berlin 2024-03-31 02:30 does not exist
    expect(phoneLocalTimeToUtc('2024-03-31 02:30:00', 'Europe/Berlin')).toMatch(
      /^2024-03-31T0[01]:30:00/,
    );
  });

  it('returns undefined for bad text or zone', () => {
    expect(phoneLocalTimeToUtc('yesterday', 'UTC')).toBeUndefined();
    expect(phoneLocalTimeToUtc('2024-02-31 10:00:00', 'UTC')).toBeUndefined();
    expect(phoneLocalTimeToUtc('2024-03-02 14:05:11', 'Not/AZone')).toBeUndefined();
    expect(phoneLocalTimeToUtc('2024-03-02 14:05:11', '')).toBeUndefined();
  });
});

describe('install source on Android 11+ package blocks', () => {
  it('reads initiatingPackageName= / originatingPackageName= as printed in package blocks', () => {
    const text = [
      'Packages:',
      '  Package [com.example.tracker] (4b1c2d9):',
      '    userId=10201',
      '    pkg=Package{7e2a1f0 com.example.tracker}',
      '    codePath=/data/app/~~Zk1_aQ==/com.example.tracker-Pq9_x==',
      '    installerPackageName=com.android.vending',
      '    installerPackageUid=10078',
      '    initiatingPackageName=com.android.shell',
      '    originatingPackageName=null',
      '    packageSource=1',
      '',
    ].join('\n');
    const p = parseDumpsysPackage(text).parsed.packages[0];
    expect(p?.installerPackageName).toBe('com.android.vending');
    expect(p?.installInitiatingPackageName).toBe('com.android.shell');
    expect(p?.installOriginatingPackageName).toBeUndefined();
  });
});

describe('text that tries to hide app blocks', () => {
  const block = (id: string, extra = '') =>
    [
      `  Package [${id}] (1a2b3c):`,
      '    userId=10200',
      `    codePath=/data/app/~~Ab==/${id}-Cd==`,
      `    versionName=1.0${extra}`,
      '    User 0: ceDataInode=1 installed=true hidden=false suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false',
      '',
    ].join('\n');

  it('keeps reading after column-0 text a versionName smuggled in', () => {
    const text = `Packages:\n${block('com.a.first', '\nnot a heading')}${block('com.b.second')}`;
    const r = parseDumpsysPackage(text);
    expect(r.parsed.packages.map((p) => p.id)).toEqual(['com.a.first', 'com.b.second']);
    expect(r.warnings.join('\n')).toMatch(/Unexpected text/);
  });

  it('keeps reading package blocks after an injected heading, and says so', () => {
    const text = `Packages:\n${block('com.a.first', '\nFake heading:')}${block('com.b.second')}`;
    const r = parseDumpsysPackage(text);
    expect(r.parsed.packages.map((p) => p.id)).toContain('com.b.second');
    expect(r.warnings.join('\n')).toMatch(/unexpected heading/);
  });

  it('notices a dump cut off in the last block', () => {
    const whole = `Packages:\n${block('com.a.first')}${block('com.b.second')}`;
    const cut = whole.slice(0, whole.lastIndexOf('    User 0:') - 1);
    expect(parseDumpsysPackage(whole).warnings).toEqual([]);
    expect(parseDumpsysPackage(cut).warnings.join('\n')).toMatch(/cut short/);
  });
});
