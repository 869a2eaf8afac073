import { describe, expect, it } from 'vitest';
import { parseDumpsysAccessibility } from './dumpsysAccessibility.js';
import { parseDumpsysAccount, parseDumpsysAccountByUser } from './dumpsysAccount.js';
import { adbKeyFingerprint, parseDumpsysAdb } from './dumpsysAdb.js';
import { parseDumpsysDevicePolicy } from './dumpsysDevicePolicy.js';
import { fixture, HOSTILE, PHONES } from './testdata/fixtures.js';

describe('parseDumpsysAccessibility', () => {
  it('Android 10: enabled service and installed list', () => {
    const { parsed, warnings } = parseDumpsysAccessibility(fixture('a10-xiaomi/accessibility.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.enabled).toEqual([
      {
        package: 'com.sys.update.service',
        component: 'com.sys.update.service.svc.NotifyAccessibility',
        raw: 'com.sys.update.service/com.sys.update.service.svc.NotifyAccessibility',
      },
    ]);
    expect(parsed.installed.map((s) => s.component)).toEqual([
      'com.google.android.marvin.talkback.TalkBackService',
      'com.sys.update.service.svc.NotifyAccessibility',
    ]);
  });

  it('Android 12 (Samsung): two enabled services, a second user with none', () => {
    const { parsed, warnings } = parseDumpsysAccessibility(
      fixture('a12-samsung/accessibility.txt'),
    );
    expect(warnings).toEqual([]);
    expect(parsed.enabled.map((s) => s.package)).toEqual([
      'com.mobile.tracker.free',
      'com.samsung.accessibility',
    ]);
    expect(parsed.enabledByUser['95']).toEqual([]);
    expect(parsed.installed).toHaveLength(4);
  });

  it('Android 14 (Pixel): no installed list, enabled still read', () => {
    const { parsed, warnings } = parseDumpsysAccessibility(fixture('a14-pixel/accessibility.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.installed).toEqual([]);
    expect(parsed.enabled.map((s) => s.raw)).toEqual([
      'net.family.locator/net.family.locator.core.A11yWatcher',
    ]);
  });

  it('reads the old "enabledServices:" spelling and brace-less lists', () => {
    expect(
      parseDumpsysAccessibility('User state[attributes:{id=0}\n  enabledServices:{{com.a/.S}}\n]')
        .parsed.enabled,
    ).toEqual([{ package: 'com.a', component: 'com.a.S', raw: 'com.a/.S' }]);
    expect(
      parseDumpsysAccessibility(
        '     Enabled services:{com.a/.S, com.b/com.b.T}',
      ).parsed.enabled.map((s) => s.package),
    ).toEqual(['com.a', 'com.b']);
  });

  it('reads a multi-line numbered "enabled services: {" block', () => {
    const text =
      'User state[\n  attributes:{id=0}\n  installed services: {\n    0 : com.a/.S\n  }\n  enabled services: {\n    0 : com.a/.S\n    1 : com.b/com.b.T  (A11yTool)\n  }\n  bound services:{}\n';
    const r = parseDumpsysAccessibility(text);
    expect(r.warnings).toEqual([]);
    expect(r.parsed.enabled.map((s) => s.component)).toEqual(['com.a.S', 'com.b.T']);
    expect(r.parsed.installed).toHaveLength(1);
  });

  it('warns when nothing could be found or the line is cut', () => {
    expect(
      parseDumpsysAccessibility('ACCESSIBILITY MANAGER (dumpsys accessibility)\n').warnings,
    ).toHaveLength(1);
    const cut = parseDumpsysAccessibility('     Enabled services:{{com.a/.S}, {com.b/.T');
    expect(cut.parsed.enabled.map((s) => s.package)).toEqual(['com.a']);
    expect(cut.warnings.join()).toContain('cut short');
  });
});

describe('parseDumpsysDevicePolicy', () => {
  it('Android 10: two admins with their policies, no owners', () => {
    const { parsed, warnings } = parseDumpsysDevicePolicy(fixture('a10-xiaomi/device_policy.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.admins).toEqual([
      {
        package: 'com.sys.update.service',
        component: 'com.sys.update.service.admin.AdminReceiver',
        raw: 'com.sys.update.service/.admin.AdminReceiver',
        policies: ['wipe-data', 'force-lock', 'watch-login', 'disable-camera'],
      },
      {
        package: 'com.google.android.gms',
        component: 'com.google.android.gms.mdm.receivers.MdmDeviceAdminReceiver',
        raw: 'com.google.android.gms/.mdm.receivers.MdmDeviceAdminReceiver',
        policies: ['wipe-data', 'force-lock'],
      },
    ]);
    expect(parsed.deviceOwner).toBeUndefined();
    expect(parsed.profileOwners).toEqual([]);
  });

  it('Android 12 (Samsung): Secure Folder profile owner, admins per user', () => {
    const { parsed, warnings } = parseDumpsysDevicePolicy(fixture('a12-samsung/device_policy.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.admins.map((a) => a.package)).toEqual(['com.samsung.android.kgclient']);
    expect(parsed.adminsByUser['95']?.[0]?.component).toBe(
      'com.samsung.android.knox.containercore.provisioning.DualAppManagerService$DeviceAdmin',
    );
    expect(parsed.profileOwners.map((p) => p.package)).toEqual([
      'com.samsung.android.knox.containercore',
    ]);
    expect(parsed.deviceOwner).toBeUndefined();
  });

  it('Android 14 (Pixel): a device owner and its admin; userRestrictions are not policies', () => {
    const { parsed, warnings } = parseDumpsysDevicePolicy(fixture('a14-pixel/device_policy.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.deviceOwner).toEqual({
      package: 'net.family.locator',
      component: 'net.family.locator.admin.LockReceiver',
      raw: 'net.family.locator/net.family.locator.admin.LockReceiver',
    });
    expect(parsed.admins[0]?.policies).toEqual([
      'wipe-data',
      'reset-password',
      'force-lock',
      'disable-camera',
    ]);
  });

  it('falls back to package= when admin= is unreadable, and reports refusal', () => {
    const r = parseDumpsysDevicePolicy('  Device Owner:\n    admin=garbage\n    package=com.mdm\n');
    expect(r.parsed.deviceOwner?.package).toBe('com.mdm');
    expect(r.warnings).toHaveLength(1);
    expect(parseDumpsysDevicePolicy("Permission Denial: can't dump").warnings).toHaveLength(1);
  });
});

describe('parseDumpsysAccount', () => {
  it('Android 10 (Xiaomi): names with braces and commas, second space accounts', () => {
    const { parsed, warnings } = parseDumpsysAccount(fixture('a10-xiaomi/account.txt'));
    expect(warnings).toEqual([]);
    expect(parsed).toEqual([
      { name: 'jane.doe@gmail.com', type: 'com.google' },
      { name: 'Xiaomi {cloud}, id', type: 'com.xiaomi' },
      { name: 'second.phone@gmail.com', type: 'com.google' },
    ]);
    expect(
      Object.keys(parseDumpsysAccountByUser(fixture('a10-xiaomi/account.txt')).parsed),
    ).toEqual(['0', '999']);
  });

  it.each(PHONES)('reads every phone without warnings (%s)', (phone) => {
    const r = parseDumpsysAccount(fixture(`${phone}/account.txt`));
    expect(r.warnings).toEqual([]);
    expect(r.parsed.length).toBeGreaterThan(0);
  });

  it('keeps the same name under different types (Samsung)', () => {
    const { parsed } = parseDumpsysAccount(fixture('a12-samsung/account.txt'));
    expect(parsed.map((a) => a.type)).toEqual(['com.google', 'com.osp.app.signin', 'com.whatsapp']);
  });

  it('warns when fewer accounts are read than announced', () => {
    const r = parseDumpsysAccount(
      'User UserInfo{0:Owner:13}:\n  Accounts: 2\n    Account {name=a@b.c, type=com.google}\n',
    );
    expect(r.parsed).toHaveLength(1);
    expect(r.warnings[0]).toContain('2 accounts announced');
  });
});

describe('parseDumpsysAdb', () => {
  it('Android 10: one trusted key with name and fingerprint, system_keys error ignored', () => {
    const { parsed, warnings } = parseDumpsysAdb(fixture('a10-xiaomi/adb.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.available).toBe(true);
    expect(parsed.keys).toHaveLength(1);
    expect(parsed.keys[0]?.name).toBe('examiner@caseworker-laptop');
    expect(parsed.keys[0]?.fingerprint).toMatch(/^([0-9A-F]{2}:){15}[0-9A-F]{2}$/);
    expect(parsed.lastKeyReceived).toBe('4F:1C:77:0A:9E:25:61:B3:0C:DD:18:F2:AA:90:3B:6E');
  });

  it('Android 12: two user keys, keystore gives the last connection', () => {
    const { parsed, warnings } = parseDumpsysAdb(fixture('a12-samsung/adb.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.keys.map((k) => k.name)).toEqual(['bob@DESKTOP-7QK2M1', 'jane@jane-macbook']);
    expect(parsed.keys[0]?.lastConnection).toBe(new Date(1707951480000).toISOString());
    expect(parsed.keys[1]?.lastConnection).toBeUndefined();
  });

  it('Android 14: a keystore-only key with XML entities; wifi networks are not keys', () => {
    const { parsed, warnings } = parseDumpsysAdb(fixture('a14-pixel/adb.txt'));
    expect(warnings).toEqual([]);
    expect(parsed.keys).toHaveLength(2);
    expect(parsed.keys[1]?.name).toBe('<unknown>@laptop');
    expect(parsed.keys[1]?.lastConnection).toBe('2024-06-28T18:40:00.000Z');
  });

  it('fingerprint is the MD5 of the decoded key', () => {
    // Known MD5 test vector: md5("The quick brown fox jumps over the lazy dog")
    const b64 = Buffer.from('The quick brown fox jumps over the lazy dog').toString('base64');
    expect(adbKeyFingerprint(b64)).toBe('9E:10:7D:9D:37:2B:B6:82:6B:D8:1D:35:42:A4:19:D6');
    expect(adbKeyFingerprint('QQ==')).toBeUndefined();
  });

  it('old phones without the service: available false, no warning', () => {
    expect(parseDumpsysAdb("Can't find service: adb")).toEqual({
      parsed: { available: false, keys: [] },
      warnings: [],
    });
  });

  it('warns about an unexpected layout', () => {
    expect(parseDumpsysAdb('something else entirely').warnings).toHaveLength(1);
  });
});

describe('hostile input', () => {
  it('never throws', () => {
    const fns = [
      parseDumpsysAccessibility,
      parseDumpsysAccount,
      parseDumpsysAdb,
      parseDumpsysDevicePolicy,
    ];
    for (const f of fns) for (const h of HOSTILE) expect(() => f(h)).not.toThrow();
  });
});
