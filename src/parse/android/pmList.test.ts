import { describe, expect, it } from 'vitest';
import { parsePmList } from './pmList.js';
import { fixture, HOSTILE, PHONES } from './testdata/fixtures.js';

describe('parsePmList', () => {
  it('reads path, package, installer and uid (Android 10)', () => {
    const { parsed, warnings } = parsePmList(fixture('a10-xiaomi/pm_list.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.packages).toHaveLength(5);
    expect(parsed.packages[1]).toEqual({
      id: 'com.sys.update.service',
      apkPath: '/data/app/com.sys.update.service-7mH0qO2p_LrZ4kJcVwXyAA==/base.apk',
      installer: 'com.google.android.packageinstaller',
      uid: 10187,
    });
    // installer=null → undefined; single-segment "android" is a real package
    expect(parsed.packages[2]).toEqual({
      id: 'com.miui.analytics',
      apkPath: '/system/app/AnalyticsCore/AnalyticsCore.apk',
      uid: 10061,
    });
    expect(parsed.packages[3]!.id).toBe('android');
  });

  it('splits on the last "=" when the path has base64 "==" (Android 11+)', () => {
    const { parsed } = parsePmList(fixture('a12-samsung/pm_list.txt'));
    expect(parsed.packages[0]).toEqual({
      id: 'com.android.chrome',
      apkPath:
        '/data/app/~~Qz2pJc4K-0yBtR8LwM1Tfg==/com.android.chrome-WmV0cE2S_H2yPq4x9nBXcw==/base.apk',
      installer: 'com.android.vending',
      uid: 10182,
    });
  });

  it('reads apex paths with "@" (Android 14)', () => {
    const { parsed } = parsePmList(fixture('a14-pixel/pm_list.txt'));
    const t = parsed.packages.find((p) => p.id === 'com.google.android.networkstack.tethering');
    expect(t?.apkPath).toBe(
      '/apex/com.android.tethering/priv-app/TetheringNextGoogle@340090000/TetheringNextGoogle.apk',
    );
    expect(t?.uid).toBe(1073);
  });

  it('reads the fallbacks: no -U, bare -f, bare list, versionCode, multi-user uids', () => {
    expect(
      parsePmList('package:/data/app/a/base.apk=com.a  installer=null\n').parsed.packages,
    ).toEqual([{ id: 'com.a', apkPath: '/data/app/a/base.apk' }]);
    expect(parsePmList('package:/system/app/B/B.apk=com.b\n').parsed.packages).toEqual([
      { id: 'com.b', apkPath: '/system/app/B/B.apk' },
    ]);
    expect(parsePmList('package:com.c\n').parsed.packages).toEqual([{ id: 'com.c' }]);
    expect(
      parsePmList(
        'package:/data/app/d/base.apk=com.d versionCode:42  installer=com.android.vending uid:10001,1010001',
      ).parsed.packages,
    ).toEqual([
      {
        id: 'com.d',
        apkPath: '/data/app/d/base.apk',
        versionCode: 42,
        installer: 'com.android.vending',
        uid: 10001,
      },
    ]);
  });

  it('warns about unreadable lines and keeps the rest', () => {
    const r = parsePmList('package:com.ok\nWARNING: linker: something\npackage:/x=not a package\n');
    expect(r.parsed.packages.map((p) => p.id)).toEqual(['com.ok']);
    expect(r.warnings).toHaveLength(2);
  });

  it('drops hostile invisible characters from warnings, never from the phone', () => {
    const r = parsePmList(
      'package:/data/app/x==/base.apk=com.evil\u202eppa  installer=com.x uid:1',
    );
    expect(r.parsed.packages).toEqual([]);
    expect(r.warnings[0]).toContain('\\u202e');
    expect(r.warnings[0]).not.toContain('\u202e');
  });

  it('reports a rejected flag instead of an empty list', () => {
    const r = parsePmList('Error: Unknown option: -U');
    expect(r.parsed.packages).toEqual([]);
    expect(r.warnings[0]).toContain('-U');
  });

  it('never throws', () => {
    for (const h of HOSTILE) expect(() => parsePmList(h)).not.toThrow();
    for (const p of PHONES) expect(parsePmList(fixture(`${p}/pm_list.txt`)).warnings).toEqual([]);
  });
});
