import { describe, expect, it } from 'vitest';
import { parseBluetoothManager } from './bluetooth.js';
import { parseCompanionDevices } from './companion.js';
import { parseConnectivityVpn } from './connectivity.js';
import { alwaysOnVpnOf, keyboardsOf, privateDnsOf, proxiesOf } from './linkedSettings.js';
import { parseNetstatsDetail } from './netstats.js';
import { parseRoles } from './roles.js';
import { fixture, HOSTILE } from './testdata/fixtures.js';
import { parseUsers } from './users.js';

describe('parseBluetoothManager', () => {
  it('reads bonded devices with the class of device (Android 14, masked addresses)', () => {
    const r = parseBluetoothManager(fixture('a14-pixel/bluetooth_manager.txt'));
    expect(r.warnings).toEqual([]);
    expect(r.parsed.listed).toBe(true);
    expect(r.parsed.devices).toEqual([
      {
        address: 'XX:XX:XX:XX:7E:0A',
        name: 'Pixel Watch 2',
        transport: 'dual',
        kind: 'watch',
        classOfDevice: '0x240704',
      },
      {
        address: 'XX:XX:XX:XX:51:C3',
        name: 'Pixel Buds A-Series',
        transport: 'classic',
        kind: 'headphones',
        classOfDevice: '0x240404',
      },
      {
        address: 'XX:XX:XX:XX:02:EF',
        name: 'VW BT 4711',
        transport: 'classic',
        kind: 'car',
        classOfDevice: '0x200420',
      },
    ]);
  });

  it('reads the older layout without a class (Samsung, Android 12)', () => {
    const r = parseBluetoothManager(fixture('a12-samsung/bluetooth_manager.txt'));
    expect(r.parsed.devices.map((d) => [d.address, d.name, d.transport])).toEqual([
      ['E8:3A:12:66:B0:4D', 'Galaxy Watch4 (B04D)', 'dual'],
      ['A0:E9:DB:21:7C:11', 'Galaxy Buds2', 'classic'],
      ['F4:60:77:0C:93:2A', 'Smart Tag', 'le'],
    ]);
  });

  it('says when Bluetooth is off and no list was printed (never "no devices")', () => {
    const r = parseBluetoothManager(fixture('a10-xiaomi/bluetooth_manager.txt'));
    expect(r.parsed).toEqual({ listed: false, off: true, devices: [] });
  });

  it('drops terminal links whole, address and all', () => {
    const r = parseBluetoothManager(
      'Bonded devices:\n  AA:BB:CC:DD:EE:FF [LE] Watch \u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007\n',
    );
    expect(r.parsed.devices[0]?.name).toBe('Watch click');
  });

  it('cleans hostile names', () => {
    const r = parseBluetoothManager(
      'Bonded devices:\n  AA:BB:CC:DD:EE:FF [LE] evil\u0007\u001b name\n',
    );
    expect(r.parsed.devices[0]?.name).toBe('evil name');
  });
});

describe('parseCompanionDevices', () => {
  it('reads current associations only, keeping names with quotes and commas', () => {
    const r = parseCompanionDevices(fixture('a14-pixel/companiondevice.txt'));
    expect(r.warnings).toEqual([]);
    expect(r.parsed.listed).toBe(true);
    expect(r.parsed.associations).toEqual([
      {
        package: 'com.google.android.apps.wearables.maestro.companion',
        userId: 0,
        address: '8C:19:2D:4A:7E:0A',
        displayName: 'Pixel Watch 2 (7E0A)',
        profile: 'android.app.role.COMPANION_DEVICE_WATCH',
        kind: 'watch',
        approved: 'Sat Aug 17 18:22:51 BST 2024',
      },
      {
        package: 'com.example.fitband',
        userId: 0,
        displayName: "Sam's Band, Blue",
        kind: 'other',
        approved: 'Tue Oct 01 09:00:00 BST 2024',
        selfManaged: true,
      },
    ]);
  });

  it('reads Samsung (Android 12) and Android 10 field names', () => {
    const s = parseCompanionDevices(fixture('a12-samsung/companiondevice.txt')).parsed;
    expect(s.associations.map((a) => [a.package, a.kind])).toEqual([
      ['com.samsung.android.app.watchmanager', 'watch'],
    ]);
    const x = parseCompanionDevices(fixture('a10-xiaomi/companiondevice.txt')).parsed;
    expect(x.associations).toEqual([
      { package: 'com.mi.health', userId: 0, address: 'C8:0F:10:2B:44:A1', kind: 'other' },
    ]);
  });

  it('tells an empty list from no list', () => {
    expect(parseCompanionDevices(fixture('a14-pixel/companiondevice_empty.txt')).parsed).toEqual({
      listed: true,
      associations: [],
    });
    expect(parseCompanionDevices('').parsed.listed).toBe(false);
    expect(parseCompanionDevices("Can't find service: companiondevice\n").parsed.listed).toBe(
      false,
    );
  });
});

describe('parseConnectivityVpn', () => {
  it('finds the VPN and its owner uid (Android 14, 10)', () => {
    expect(parseConnectivityVpn(fixture('a14-pixel/connectivity.txt')).parsed).toEqual({
      listed: true,
      vpns: [{ ownerUid: 10227 }],
    });
    expect(parseConnectivityVpn(fixture('a10-xiaomi/connectivity.txt')).parsed).toEqual({
      listed: true,
      vpns: [{ ownerUid: 10148 }],
    });
  });

  it('does not take a VPN request for a VPN (Samsung, Android 12)', () => {
    expect(parseConnectivityVpn(fixture('a12-samsung/connectivity.txt')).parsed).toEqual({
      listed: true,
      vpns: [],
    });
  });
});

describe('parseRoles', () => {
  it('reads holders per user (both dump styles)', () => {
    const p = parseRoles(fixture('a14-pixel/role.txt'));
    expect(p.warnings).toEqual([]);
    expect(p.parsed.users[0]?.['android.app.role.SMS']).toEqual([
      'com.google.android.apps.messaging',
    ]);
    expect(p.parsed.users[0]?.['android.app.role.CALL_REDIRECTION']).toEqual([]);
    expect(Object.keys(p.parsed.users)).toEqual(['0', '10']);
    const s = parseRoles(fixture('a12-samsung/role.txt')).parsed;
    expect(s.users[0]?.['android.app.role.DIALER']).toEqual(['com.samsung.android.dialer']);
    const x = parseRoles(fixture('a10-xiaomi/role.txt')).parsed;
    expect(x.users[0]?.['android.app.role.SMS']).toEqual(['com.android.mms']);
  });
});

describe('parseNetstatsDetail', () => {
  it('sums bytes sent per uid from UID stats only (not tag stats, not device totals)', () => {
    const r = parseNetstatsDetail(fixture('a14-pixel/netstats_detail.txt'));
    expect(r.parsed.listed).toBe(true);
    expect(r.parsed.txByUid).toEqual({
      1000: 1120334,
      10110: 2210980 + 1004112 + 301221,
      10227: 210334112 + 98113004 + 5120331,
    });
    const x = parseNetstatsDetail(fixture('a10-xiaomi/netstats_detail.txt')).parsed;
    expect(x.txByUid).toEqual({ 10148: 712004, 10088: 2100340 });
  });

  it('says when the dump has no per-app section (a plain `dumpsys netstats`)', () => {
    expect(parseNetstatsDetail('Dev stats:\n  Pending bytes: 0\n').parsed.listed).toBe(false);
  });
});

describe('parseUsers', () => {
  it('reads users, types and state from dumpsys user (Android 14)', () => {
    const r = parseUsers(fixture('a14-pixel/user.txt'));
    expect(r.parsed.users).toEqual([
      {
        id: 0,
        name: 'Owner',
        flags: '4c13',
        kind: 'owner',
        type: 'android.os.usertype.full.SYSTEM',
        running: true,
      },
      {
        id: 10,
        name: 'Work profile',
        flags: '1030',
        kind: 'work-profile',
        type: 'android.os.usertype.profile.MANAGED',
        running: true,
        parentId: 0,
      },
      {
        id: 11,
        name: 'Second phone user: Tom',
        flags: '410',
        kind: 'secondary',
        type: 'android.os.usertype.full.SECONDARY',
        running: false,
      },
    ]);
  });

  it('reads pm list users and old dumps by their flags', () => {
    const s = parseUsers(fixture('a12-samsung/pm_list_users.txt')).parsed.users;
    expect(s.map((u) => [u.id, u.kind, u.running])).toEqual([
      [0, 'owner', true],
      [150, 'work-profile', true],
    ]);
    const x = parseUsers(fixture('a10-xiaomi/user.txt')).parsed.users;
    expect(x.map((u) => [u.id, u.name, u.kind])).toEqual([
      [0, '机主', 'owner'],
      [999, 'XSpace', 'other-profile'],
    ]);
  });
});

describe('settings read for linked devices', () => {
  it('reads keyboards, with the default first and subtype hashes dropped', () => {
    const k = keyboardsOf({
      default_input_method: 'com.example.kb/.Ime',
      enabled_input_methods:
        'com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME;-921088104:com.example.kb/.Ime',
    });
    expect(k.parsed).toEqual([
      {
        package: 'com.google.android.inputmethod.latin',
        component: 'com.android.inputmethod.latin.LatinIME',
        default: false,
      },
      { package: 'com.example.kb', component: 'com.example.kb.Ime', default: true },
    ]);
  });

  it('reads private DNS, proxies and the always-on VPN', () => {
    expect(privateDnsOf({})).toEqual({ mode: 'opportunistic' });
    expect(privateDnsOf({ private_dns_mode: 'off' })).toEqual({ mode: 'off' });
    expect(
      privateDnsOf({ private_dns_mode: 'hostname', private_dns_specifier: 'DNS.Example.NET.' }),
    ).toEqual({ mode: 'hostname', host: 'dns.example.net' });
    expect(
      proxiesOf({
        http_proxy: '10.0.0.9:8080',
        global_http_proxy_host: 'proxy.example.org',
        global_http_proxy_port: '3128',
        global_http_proxy_exclusion_list: 'localhost',
        global_proxy_pac_url: 'http://pac.example.org/x.pac?token=secret',
      }),
    ).toEqual([
      {
        source: 'global_http_proxy',
        host: 'proxy.example.org',
        port: 3128,
        exclusions: 'localhost',
      },
      { source: 'http_proxy', host: '10.0.0.9', port: 8080 },
      { source: 'pac', host: 'pac.example.org' },
    ]);
    expect(proxiesOf({ http_proxy: ':0', global_http_proxy_host: 'null' })).toEqual([]);
    expect(alwaysOnVpnOf({ always_on_vpn_app: 'com.x.vpn', always_on_vpn_lockdown: '1' })).toEqual({
      alwaysOn: 'com.x.vpn',
      lockdown: true,
    });
    expect(alwaysOnVpnOf({})).toEqual({});
  });
});

describe('hostile input', () => {
  it('never throws and bounds what it keeps', () => {
    const big = `Bonded devices:\n${'  AA:BB:CC:DD:EE:FF [LE] x\n'.repeat(500)}`;
    expect(parseBluetoothManager(big).parsed.devices).toHaveLength(200);
    for (const h of [...HOSTILE, big]) {
      for (const f of [
        parseBluetoothManager,
        parseCompanionDevices,
        parseConnectivityVpn,
        parseRoles,
        parseNetstatsDetail,
        parseUsers,
      ]) {
        expect(() => f(h)).not.toThrow();
      }
      expect(() =>
        keyboardsOf({ default_input_method: h, enabled_input_methods: h }),
      ).not.toThrow();
      expect(() => proxiesOf({ http_proxy: h, global_proxy_pac_url: h })).not.toThrow();
      expect(() =>
        privateDnsOf({ private_dns_mode: 'hostname', private_dns_specifier: h }),
      ).not.toThrow();
    }
  });
});
