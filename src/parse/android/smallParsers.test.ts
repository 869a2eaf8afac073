import { describe, expect, it } from 'vitest';
import { parseAppOpsQuery } from './appops.js';
import { parseComponentList } from './components.js';
import { parseDeviceIdleWhitelist } from './deviceIdle.js';
import * as parserModules from './index.js';
import { ANDROID_PARSERS } from './index.js';
import { parseLauncherActivities } from './launcherActivities.js';
import { parseSettingsList } from './settings.js';
import { parseSha256sum } from './sha256sum.js';
import { fixture, HOSTILE, PHONES } from './testdata/fixtures.js';
import { parseWhichSu } from './whichSu.js';

describe('parseComponentList', () => {
  it('expands short class names and keeps the raw text', () => {
    expect(parseComponentList('com.a/.Svc:com.b/com.b.Other').parsed).toEqual([
      { package: 'com.a', component: 'com.a.Svc', raw: 'com.a/.Svc' },
      { package: 'com.b', component: 'com.b.Other', raw: 'com.b/com.b.Other' },
    ]);
  });

  it('treats empty, null and stray separators as nothing, and warns about junk', () => {
    expect(parseComponentList('').parsed).toEqual([]);
    expect(parseComponentList('null').parsed).toEqual([]);
    expect(parseComponentList(undefined).parsed).toEqual([]);
    expect(parseComponentList('::com.a/.S::').parsed).toHaveLength(1);
    const r = parseComponentList('com.a/.S:not a component:com.a/.S');
    expect(r.parsed).toHaveLength(1);
    expect(r.warnings).toHaveLength(1);
  });
});

describe('parseSettingsList', () => {
  it('reads key=value with "=" in values, empty values and "null"', () => {
    const { parsed, warnings } = parseSettingsList(fixture('a10-xiaomi/settings_secure.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.install_non_market_apps).toBe('1');
    expect(parsed.bluetooth_name).toBe('');
    expect(parsed.some_vendor_json).toBe('{"a":1,"b":"x=y"}');
    expect(parsed.enabled_notification_listeners).toBe(
      'com.sys.update.service/.svc.Listener:com.miui.notification/.NotificationListener',
    );
    expect(
      parseSettingsList(fixture('a12-samsung/settings_secure.txt')).parsed.bluetooth_address,
    ).toBe('null');
  });

  it('joins a value that spans lines (Android 14 fixture)', () => {
    const { parsed } = parseSettingsList(fixture('a14-pixel/settings_secure.txt'));
    expect(parsed.multi_line_value).toBe('first\nsecond');
    expect(parsed.adb_enabled).toBe('1');
  });

  it('reports usage text instead of settings', () => {
    const r = parseSettingsList('usage:  settings [--user <USERID> | current] list NAMESPACE');
    expect(r.parsed).toEqual({});
    expect(r.warnings).toHaveLength(1);
  });
});

describe('parseLauncherActivities', () => {
  it.each(PHONES)('reads the --brief format (%s)', (phone) => {
    const { parsed, warnings } = parseLauncherActivities(fixture(`${phone}/launcher.txt`));
    expect(warnings).toEqual([]);
    expect(parsed.components.length).toBe(parsed.declaredCount);
  });

  it('returns packages and short component names', () => {
    const { parsed } = parseLauncherActivities(fixture('a10-xiaomi/launcher.txt'));
    expect(parsed.packages).toEqual([
      'com.whatsapp',
      'com.android.settings',
      'com.miui.securitycenter',
    ]);
    expect(parsed.components[0]).toBe('com.whatsapp/.Main');
  });

  it('reads "No activities found", the --components form and a cut list', () => {
    expect(parseLauncherActivities('No activities found\n').parsed.packages).toEqual([]);
    expect(parseLauncherActivities('com.a/.Main\ncom.b/com.b.Home\n').parsed.packages).toEqual([
      'com.a',
      'com.b',
    ]);
    const cut = parseLauncherActivities(
      '3 activities found:\n  Activity #0:\n    priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false\n    com.a/.Main\n  Activity #1:\n',
    );
    expect(cut.parsed.packages).toEqual(['com.a']);
    expect(cut.warnings[0]).toContain('announced 3');
  });

  it('falls back to a full ResolveInfo dump', () => {
    const full =
      '1 activities found:\n  Activity #0:\n    priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false\n    ActivityInfo:\n      name=com.x.MainActivity\n      packageName=com.x\n      enabled=true exported=true\n';
    expect(parseLauncherActivities(full).parsed.components).toEqual(['com.x/com.x.MainActivity']);
  });

  it('reports an unknown command', () => {
    const r = parseLauncherActivities('Unknown command: query-activities');
    expect(r.parsed.packages).toEqual([]);
    expect(r.warnings).toHaveLength(1);
  });
});

describe('parseAppOpsQuery', () => {
  it('reads one package per line', () => {
    expect(parseAppOpsQuery(fixture('a12-samsung/appops_usage.txt'))).toEqual({
      parsed: {
        packages: ['com.mobile.tracker.free', 'com.samsung.android.lool'],
        supported: true,
      },
      warnings: [],
    });
  });

  it('reads "No operations." and empty output as none', () => {
    expect(parseAppOpsQuery(fixture('a14-pixel/appops_overlay.txt')).parsed).toEqual({
      packages: [],
      supported: true,
    });
    expect(parseAppOpsQuery('').parsed.supported).toBe(true);
  });

  it('marks errors and help text as unsupported', () => {
    for (const t of [
      'Error: Unknown operation string: GET_USAGE_STATS',
      'AppOps service (appops) commands:\n  help\n',
      'Unknown command: query-op',
      'Some unexpected banner text',
    ]) {
      const r = parseAppOpsQuery(t);
      expect(r.parsed.supported).toBe(false);
      expect(r.warnings.length).toBeGreaterThan(0);
    }
  });
});

describe('parseDeviceIdleWhitelist', () => {
  it.each(PHONES)('splits user and system exemptions (%s)', (phone) => {
    const { parsed, warnings } = parseDeviceIdleWhitelist(fixture(`${phone}/deviceidle.txt`));
    expect(warnings).toEqual([]);
    expect(parsed.user.length).toBeGreaterThan(0);
    expect(parsed.system).toContain('com.google.android.gms');
  });

  it('keeps the right lists', () => {
    const { parsed } = parseDeviceIdleWhitelist(fixture('a12-samsung/deviceidle.txt'));
    expect(parsed.user).toEqual(['com.mobile.tracker.free', 'com.whatsapp']);
    expect(parsed.system).toEqual([
      'com.samsung.android.location',
      'com.google.android.gms',
      'com.samsung.android.kgclient',
    ]);
  });

  it('warns about unknown kinds and junk', () => {
    const r = parseDeviceIdleWhitelist('user,com.a,1\nweird,com.b,2\njunk\n');
    expect(r.parsed.user).toEqual(['com.a']);
    expect(r.warnings).toHaveLength(2);
  });
});

describe('parseSha256sum', () => {
  const h = 'ab'.repeat(32);
  it('reads hashes (uppercase) and per-file errors', () => {
    const { parsed, warnings } = parseSha256sum(
      `${h}  /data/app/~~x==/com.a-y==/base.apk\nsha256sum: /data/app/gone/base.apk: No such file or directory\nsha256sum: /system/app/X/X.apk: Permission denied\n`,
    );
    expect(warnings).toEqual([]);
    expect(parsed.hashes).toEqual({ '/data/app/~~x==/com.a-y==/base.apk': h.toUpperCase() });
    expect(parsed.errors).toEqual({
      '/data/app/gone/base.apk': 'No such file or directory',
      '/system/app/X/X.apk': 'Permission denied',
    });
  });

  it('warns about short hashes and reports a missing sha256sum', () => {
    expect(parseSha256sum('abc  /data/app/a.apk').warnings).toHaveLength(1);
    expect(parseSha256sum('/system/bin/sh: sha256sum: not found').warnings[0]).toContain(
      'sha256sum',
    );
  });
});

describe('parseWhichSu', () => {
  it('reads paths, empty output and a missing which', () => {
    expect(parseWhichSu('/system/xbin/su\n').parsed).toEqual({
      paths: ['/system/xbin/su'],
      checked: true,
    });
    expect(parseWhichSu('').parsed).toEqual({ paths: [], checked: true });
    const missing = parseWhichSu('/system/bin/sh: which: not found');
    expect(missing.parsed.checked).toBe(false);
    expect(missing.warnings).toHaveLength(1);
    expect(parseWhichSu('su not in path').warnings).toHaveLength(1);
  });
});

describe('ANDROID_PARSERS', () => {
  it('lists every parser once with a version', () => {
    const ids = ANDROID_PARSERS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('android.dumpsysPackage');
    // one per parser module of index.ts (its namespace exports, ANDROID_PARSERS aside)
    expect(ids.length).toBe(Object.keys(parserModules).length - 1);
    expect(ids).toEqual(expect.arrayContaining(['android.appopsDump', 'android.activityResolver']));
    for (const p of ANDROID_PARSERS) expect(p.version).toBeGreaterThanOrEqual(1);
  });
});

describe('hostile input', () => {
  it('never throws', () => {
    const fns = [
      parseAppOpsQuery,
      (t: string) => parseComponentList(t),
      parseDeviceIdleWhitelist,
      parseLauncherActivities,
      parseSettingsList,
      parseSha256sum,
      parseWhichSu,
    ];
    for (const f of fns) for (const h of HOSTILE) expect(() => f(h)).not.toThrow();
  });
});

describe('component lists glued to a broken settings line', () => {
  it('keeps the real component and reports the junk', async () => {
    const { parseComponentList } = await import('./components.js');
    const r = parseComponentList('com.whatsapp/.Listener\ngarbage line');
    expect(r.parsed.map((c) => c.package)).toEqual(['com.whatsapp']);
    expect(r.warnings.length).toBe(1);
  });
});
