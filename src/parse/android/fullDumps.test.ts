/**
 * The full service dumps that androidqf's dumpsys.txt and bugreports hold, read in place of the
 * narrower questions a live scan asks. Fixtures: testdata/<phone>/appops_full.txt,
 * deviceidle_full.txt and package_resolver.txt (our own text, modelled on Android 10, 12, 14).
 */
import { describe, expect, it } from 'vitest';
import { launcherStateOf, parseActivityResolver } from './activityResolver.js';
import { appOpHolders, isAppOpsDump, parseAppOpsDump } from './appopsDump.js';
import { parseDeviceIdleDump, parseDeviceIdleWhitelist } from './deviceIdle.js';
import { parseSettingsList } from './settings.js';
import { fixture, HOSTILE } from './testdata/fixtures.js';

const holders = (phone: string, op: string) => {
  const r = parseAppOpsDump(fixture(`${phone}/appops_full.txt`));
  expect(r.warnings).toEqual([]);
  return appOpHolders(r.parsed, op);
};

describe('parseAppOpsDump', () => {
  it('tells the full dump from a query-op answer', () => {
    expect(isAppOpsDump(fixture('a12-samsung/appops_full.txt'))).toBe(true);
    expect(isAppOpsDump('com.mobile.tracker.free\n')).toBe(false);
    expect(isAppOpsDump('No operations.\n')).toBe(false);
  });

  it('reads Android 10: no attribution tags, uid-wide modes win, other users left out', () => {
    expect(holders('a10-xiaomi', 'GET_USAGE_STATS').packages).toEqual(['com.sys.update.service']);
    // the package says "default", but its uid is allowed to draw over apps
    expect(holders('a10-xiaomi', 'SYSTEM_ALERT_WINDOW').packages).toEqual([
      'com.sys.update.service',
    ]);
    const install = holders('a10-xiaomi', 'REQUEST_INSTALL_PACKAGES');
    // u10a187 is another user's copy; u0a200 is allowed uid-wide with no package named
    expect(install.packages).toEqual(['com.miui.analytics']);
    expect(install.appIds).toEqual([10200]);
    expect(holders('a10-xiaomi', 'GET_USAGE_STATS').lastAccess).toEqual({
      'com.sys.update.service': '2021-03-09 09:55:02.118',
    });
  });

  it('reads Android 12: events inside null=[ … ], "(allow):" with a trailing space', () => {
    const usage = holders('a12-samsung', 'GET_USAGE_STATS');
    expect(usage.packages).toEqual(['com.mobile.tracker.free', 'com.samsung.android.bixby.agent']);
    expect(usage.lastAccess).toEqual({ 'com.mobile.tracker.free': '2022-06-14 19:58:03.117' });
    expect(holders('a12-samsung', 'SYSTEM_ALERT_WINDOW').packages).toEqual([
      'com.mobile.tracker.free',
    ]);
    expect(holders('a12-samsung', 'REQUEST_INSTALL_PACKAGES').packages).toEqual([
      'com.android.chrome',
    ]);
    const dump = parseAppOpsDump(fixture('a12-samsung/appops_full.txt')).parsed;
    const gms = dump.uids.find((u) => u.uid === 'u0a149')?.packages[0]?.ops[1];
    expect(gms).toMatchObject({ op: 'FINE_LOCATION', switchOp: 'COARSE_LOCATION' });
  });

  it('reads Android 14: named attribution tags, foreground ops, a uid-wide "ignore"', () => {
    const usage = holders('a14-pixel', 'GET_USAGE_STATS');
    expect(usage.packages).toEqual(['net.family.locator', 'com.google.android.apps.wellbeing']);
    // the latest access of any attribution tag
    expect(usage.lastAccess['net.family.locator']).toBe('2024-05-12 10:51:40.114');
    // the package asked for "allow", but its uid is set to "ignore", which wins
    expect(holders('a14-pixel', 'SYSTEM_ALERT_WINDOW').packages).toEqual([]);
    expect(holders('a14-pixel', 'REQUEST_INSTALL_PACKAGES').packages).toEqual([
      'net.family.locator',
    ]);
    expect(holders('a14-pixel', 'COARSE_LOCATION').packages).toEqual([]);
  });

  it('says when the dump was cut short or is not an app-op dump', () => {
    const cut = parseAppOpsDump(
      `${fixture('a12-samsung/appops_full.txt').slice(0, 900)}\n*** SERVICE 'appops' DUMP TIMEOUT (10000ms) EXPIRED ***\n`,
    );
    expect(cut.warnings.join('\n')).toMatch(/stopped printing/);
    const junk = parseAppOpsDump('hello\nworld\n');
    expect(junk.parsed.uids).toEqual([]);
    expect(appOpHolders(junk.parsed, 'GET_USAGE_STATS').supported).toBe(false);
  });
});

describe('parseDeviceIdleWhitelist on the full dump', () => {
  it.each([
    [
      'a10-xiaomi',
      ['com.sys.update.service'],
      ['com.android.providers.downloads', 'com.google.android.gms', 'com.xiaomi.finddevice'],
    ],
    [
      'a12-samsung',
      ['com.mobile.tracker.free', 'com.whatsapp'],
      ['com.samsung.android.location', 'com.google.android.gms', 'com.samsung.android.kgclient'],
    ],
    // no "Whitelist user apps:" at all: Android prints no empty list
    [
      'a14-pixel',
      [],
      ['com.android.shell', 'com.google.android.gms', 'com.google.android.apps.work.oobconfig'],
    ],
  ])('reads the user and system lists (%s)', (phone, user, system) => {
    const r = parseDeviceIdleWhitelist(fixture(`${phone}/deviceidle_full.txt`));
    expect(r.warnings).toEqual([]);
    expect(r.parsed.user).toEqual(user);
    expect(r.parsed.system).toEqual(system);
  });

  it('agrees with the whitelist answer of the same phone', () => {
    for (const phone of ['a10-xiaomi', 'a12-samsung']) {
      const short = parseDeviceIdleWhitelist(fixture(`${phone}/deviceidle.txt`)).parsed;
      const full = parseDeviceIdleWhitelist(fixture(`${phone}/deviceidle_full.txt`)).parsed;
      expect(full.user).toEqual(short.user);
    }
  });

  it('warns when the dump stops before its end, so "no user apps" is not claimed', () => {
    const text = fixture('a14-pixel/deviceidle_full.txt').split(
      '  Whitelist (except idle) all',
    )[0]!;
    const r = parseDeviceIdleDump(text);
    expect(r.parsed.user).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/cut short/);
  });
});

describe('parseSettingsList on the full settings dump', () => {
  it.each([
    'a12-samsung',
    'a14-pixel',
  ] as const)("reads the main user's namespace as `settings list` would (%s)", (phone) => {
    const dump = fixture(`${phone}/settings_dump.txt`);
    const list = parseSettingsList(fixture(`${phone}/settings_secure.txt`)).parsed;
    const r = parseSettingsList(dump, 'secure');
    expect(r.warnings).toEqual([]);
    for (const key of [
      'accessibility_enabled',
      'enabled_accessibility_services',
      'enabled_notification_listeners',
    ]) {
      expect(r.parsed[key], key).toBe(list[key]);
    }
    // the change history is not a setting
    expect(Object.keys(r.parsed).some((k) => /Historical|update/.test(k))).toBe(false);
  });

  it('keeps namespaces and users apart, drops default and tag, and keeps null as "null"', () => {
    const a12 = fixture('a12-samsung/settings_dump.txt');
    expect(parseSettingsList(a12, 'global').parsed).toEqual({
      adb_enabled: '1',
      package_verifier_enable: '0',
      upload_apk_enable: '0',
      bluetooth_address: 'null',
    });
    expect(parseSettingsList(a12, 'system').parsed).toEqual({ screen_brightness: '102' });
    const a14 = fixture('a14-pixel/settings_dump.txt');
    const secure = parseSettingsList(a14, 'secure').parsed;
    expect(secure.multi_line_value).toBe('first\nsecond');
    expect(secure.skip_first_use_hints).toBe('1');
    expect(parseSettingsList(a14, 'global').parsed.wifi_networks_available_notification_on).toBe(
      'null',
    );
    // CONFIG SETTINGS (device_config) is none of the three
    expect(parseSettingsList(a14, 'global').parsed['privacy/location_indicators_enabled']).toBe(
      undefined,
    );
    // a dump that holds only another user's settings says so
    expect(
      parseSettingsList('GLOBAL SETTINGS (user 10)\n_id:1 name:a value:1\n', 'global').warnings[0],
    ).toMatch(/no global settings for the main user/);
  });
});

describe('parseActivityResolver', () => {
  const read = (phone: string) =>
    parseActivityResolver(
      fixture(`${phone}/package_resolver.txt`) + fixture(`${phone}/dumpsys_package.txt`),
    );

  it('Android 10 (plain dump): no MAIN, or MAIN switched off, means no icon', () => {
    const r = read('a10-xiaomi');
    expect(r.warnings).toEqual([]);
    expect(r.parsed.found).toBe(true);
    expect(r.parsed.detailed).toBe(false);
    // its only MAIN activity is the launcher alias it switched off: the classic hidden icon
    expect(r.parsed.disabled.get('com.sys.update.service')).toEqual(
      new Set(['com.sys.update.service.ui.LauncherAlias']),
    );
    expect(launcherStateOf(r.parsed, 'com.sys.update.service')).toBe('hidden');
    expect(launcherStateOf(r.parsed, 'com.miui.analytics')).toBe('hidden');
    // a MAIN activity may or may not be an icon when categories are not printed
    expect(launcherStateOf(r.parsed, 'com.whatsapp')).toBe('unknown');
    expect(r.parsed.main.get('com.google.android.gms')).toEqual(
      new Set(['com.google.android.gms.app.settings.GoogleSettingsActivity']),
    );
  });

  it('Android 12 (plain dump): the preferred-activities table is not the resolver table', () => {
    const r = read('a12-samsung');
    expect(r.warnings).toEqual([]);
    expect(launcherStateOf(r.parsed, 'com.samsung.android.bixby.agent')).toBe('hidden');
    expect(launcherStateOf(r.parsed, 'com.mobile.tracker.free')).toBe('unknown');
    expect([...r.parsed.main.keys()]).toEqual([
      'com.android.chrome',
      'com.sec.android.app.launcher',
      'com.mobile.tracker.free',
    ]);
  });

  it('Android 14 with filter details: LAUNCHER tells icons apart from other MAIN activities', () => {
    const r = read('a14-pixel');
    expect(r.warnings).toEqual([]);
    expect(r.parsed.detailed).toBe(true);
    expect(launcherStateOf(r.parsed, 'com.google.android.apps.maps')).toBe('visible');
    expect(launcherStateOf(r.parsed, 'com.google.android.dialer')).toBe('visible');
    expect(launcherStateOf(r.parsed, 'net.family.locator')).toBe('hidden');
    expect(launcherStateOf(r.parsed, 'com.google.android.apps.wellbeing')).toBe('hidden');
  });

  it('finds nothing in a package dump without the table (dumpsys package packages)', () => {
    const r = parseActivityResolver(fixture('a12-samsung/dumpsys_package.txt'));
    expect(r.parsed.found).toBe(false);
    expect(launcherStateOf(r.parsed, 'com.android.chrome')).toBeUndefined();
  });
});

describe('hostile input to the full-dump parsers', () => {
  it.each(HOSTILE.map((h, i) => [i, h] as const))('never throws (#%i)', (_i, text) => {
    for (const t of [text, `Current AppOps Service state:\n  Uid u0a1:\n    Package x:\n${text}`]) {
      const a = parseAppOpsDump(t);
      expect(Array.isArray(a.parsed.uids)).toBe(true);
      appOpHolders(a.parsed, 'GET_USAGE_STATS');
      expect(Array.isArray(parseDeviceIdleDump(t).parsed.user)).toBe(true);
      const r = parseActivityResolver(`Activity Resolver Table:\n  Non-Data Actions:\n${t}`);
      expect(r.parsed.main instanceof Map).toBe(true);
    }
  });

  it('does not let a smuggled "constructor:" heading or a bad name through', () => {
    const r = parseDeviceIdleDump('  constructor:\n    com.a.b\n  mLightEnabled=true\n');
    expect(r.parsed).toEqual({ user: [], system: [] });
    const a = parseAppOpsDump(
      'Current AppOps Service state:\n  Uid u0a5:\n    Package evil\u202eppa:\n      GET_USAGE_STATS (allow):\n',
    );
    expect(appOpHolders(a.parsed, 'GET_USAGE_STATS').packages).toEqual([]);
    expect(a.warnings.join('\n')).toMatch(/\\u202e/);
  });
});
