import { describe, expect, it } from 'vitest';
import {
  ANDROID_COMMANDS,
  assertAllowedShell,
  ForbiddenCommandError,
  isAllowedShell,
  isAllowedSync,
  sha256sumCommands,
} from './commands.js';

describe('read-only allowlist', () => {
  it('allows every fixed command', () => {
    for (const c of Object.values(ANDROID_COMMANDS)) expect(isAllowedShell(c), c).toBe(true);
  });

  it.each([
    'pm uninstall com.example.spy',
    'pm clear com.example.spy',
    'pm disable-user com.example.spy',
    'pm grant com.x android.permission.CAMERA',
    'pm install /sdcard/x.apk',
    'settings put secure adb_enabled 0',
    'settings delete global package_verifier_enable',
    'am force-stop com.example.spy',
    'am start -a android.intent.action.VIEW',
    'rm -rf /sdcard',
    'input tap 10 10',
    'screencap -p /sdcard/s.png',
    'reboot',
    'cmd appops set com.x CAMERA deny',
    'cmd package uninstall com.x',
    'getprop; rm -rf /sdcard',
    'getprop && reboot',
    'dumpsys package com.x; reboot',
    'dumpsys package com.x|sh',
    'sha256sum /data/app/x/base.apk; rm /data/app/x/base.apk',
    'sha256sum /data/app/x/base.apk $(reboot)',
    'sha256sum /sdcard/DCIM/photo.jpg',
    'sha256sum /data/data/com.whatsapp/databases/msgstore.db',
    'sha256sum /data/app/../../sdcard/Download/x.apk x',
    // ".." must not climb out of the APK folders (a hostile package list names the path)
    'sha256sum /data/app/../../sdcard/Download/x.apk',
    'sha256sum /data/app/com.x-1/base.apk /data/app/../../sdcard/x.apk',
    'sha256sum /system/app/../../data/data/com.whatsapp/x.apk',
    'sha256sum /data/app/x/../../../sdcard/y.apk',
    'content query --uri content://sms/inbox',
    'dumpsys package com.x\nreboot',
    'bu backup -all',
    // battery stats: only the exact history command is read-only
    'dumpsys batterystats --reset',
    'dumpsys batterystats --charged',
    'dumpsys batterystats --checkin',
    'dumpsys batterystats -c',
    'dumpsys batterystats --write',
    'dumpsys batterystats --new-daily',
    'dumpsys batterystats enable full-history',
    'dumpsys batterystats disable no-auto-reset',
    'dumpsys batterystats --history --reset',
    'dumpsys batterystats --history; dumpsys batterystats --reset',
    'dumpsys batterystats --history && dumpsys batterystats --reset',
    'dumpsys batterystats --history\ndumpsys batterystats --reset',
    'dumpsys batterystats --history-start 0',
    'dumpsys batterystats --history-create-events 100',
    'dumpsys batterystats --history com.x',
    'dumpsys batterystats',
    // linked devices (issue 14): only the exact dumps; verbs that change the phone stay refused
    'dumpsys netstats --poll',
    'dumpsys netstats poll',
    'dumpsys netstats detail --poll',
    'dumpsys netstats detail poll',
    'dumpsys netstats --checkin',
    'dumpsys netstats detail --checkin',
    'dumpsys netstats --proto',
    'dumpsys netstats',
    'dumpsys netstats detail; dumpsys netstats --poll',
    'cmd role add-role-holder android.app.role.SMS com.x',
    'cmd role remove-role-holder android.app.role.SMS com.x',
    'cmd role get-role-holders android.app.role.SMS',
    'cmd companiondevice disassociate 0 com.x AA:BB:CC:DD:EE:FF',
    'cmd companiondevice associate 0 com.x AA:BB:CC:DD:EE:FF',
    'cmd connectivity airplane-mode enable',
    'cmd bluetooth_manager disable',
    'dumpsys bluetooth_manager --proto-bin',
    'dumpsys connectivity --diag',
    'pm create-user evil',
    'pm remove-user 10',
    'pm list users; pm remove-user 10',
    'cmd user remove 10',
    'settings put global private_dns_mode off',
    'settings put global http_proxy :0',
    'settings delete secure always_on_vpn_app',
    'ime set com.x/.Ime',
    'ime disable com.x/.Ime',
    // screen lock: only the dump; the verbs that set, clear or test a credential stay refused
    'cmd lock_settings clear',
    'cmd lock_settings clear --old 1234',
    'cmd lock_settings set-pin 1234',
    'cmd lock_settings set-pattern 1235789',
    'cmd lock_settings set-password hunter2',
    'cmd lock_settings set-disabled true',
    'cmd lock_settings verify --old 1234',
    'cmd lock_settings get-disabled',
    'locksettings clear',
    'locksettings set-pin 1234',
    'dumpsys lock_settings --proto',
    'dumpsys lock_settings; cmd lock_settings clear',
    'getprop ',
    '',
  ])('refuses %j', (cmd) => {
    expect(isAllowedShell(cmd)).toBe(false);
    expect(() => assertAllowedShell(cmd)).toThrow(ForbiddenCommandError);
  });

  it('allows the linked-devices dumps exactly as written', () => {
    for (const c of [
      'dumpsys bluetooth_manager',
      'dumpsys companiondevice',
      'dumpsys connectivity',
      'dumpsys role',
      'dumpsys netstats detail',
      'dumpsys user',
      'pm list users',
      'dumpsys lock_settings',
    ]) {
      expect(isAllowedShell(c), c).toBe(true);
    }
  });

  it('allows hashing APKs and per-app queries with safe arguments', () => {
    expect(
      isAllowedShell('sha256sum /data/app/~~Ab-_==/com.x-Yz==/base.apk /system/app/A/A.apk'),
    ).toBe(true);
    expect(
      isAllowedSync('RECV', '/data/app/~~l6tHbjufc_oo0aALvWzQZw==/com.x_y-a_B==/base.apk'),
    ).toBe(true);
    expect(
      isAllowedSync(
        'RECV',
        '/mnt/expand/2f9b7c1e-46a2-4cbb-b0d1-5e8f1a2b3c4d/app/~~a==/com.x-b==/base.apk',
      ),
    ).toBe(true);
    expect(isAllowedShell('dumpsys package com.example.app')).toBe(true);
    expect(isAllowedShell('pm path com.example.app')).toBe(true);
  });

  it('allows reading the battery history, exactly as written', () => {
    expect(ANDROID_COMMANDS.batteryHistory).toBe('dumpsys batterystats --history');
    expect(isAllowedShell('dumpsys batterystats --history')).toBe(true);
    expect(isAllowedShell(' dumpsys batterystats --history')).toBe(false);
    expect(isAllowedShell('dumpsys batterystats  --history')).toBe(false);
  });

  it('reads the phone clock with one fixed command, and never any other form of date', () => {
    expect(ANDROID_COMMANDS.clock).toBe('date +%s.%N%z');
    expect(isAllowedShell('date +%s.%N%z')).toBe(true);
    for (const cmd of [
      // toybox date sets the clock when given a date instead of a +FORMAT
      'date -s 2024-01-01',
      'date -s "2024-01-01 00:00:00"',
      'date --set=2024-01-01',
      'date -u -s 2024-01-01',
      'date 010100002024',
      'date 010100002024.00',
      'date @1700000000',
      'date -D %s 1700000000',
      'date +%s.%N%z -s 2024-01-01',
      'date +%s.%N%z 010100002024',
      'date +%s.%N%z; date -s 2024-01-01',
      'date +%s.%N%z && reboot',
      'date +%s.%N%z\ndate -s 2024-01-01',
      'date -s',
      'date',
      'date +%s',
      'date  +%s.%N%z',
      ' date +%s.%N%z',
      'date +%s.%N%z ',
      'toybox date -s 2024-01-01',
      '/system/bin/date -s 2024-01-01',
      'hwclock -w',
      'timedatectl set-time 2024-01-01',
    ]) {
      expect(isAllowedShell(cmd), cmd).toBe(false);
      expect(() => assertAllowedShell(cmd), cmd).toThrow(ForbiddenCommandError);
    }
    // words that merely contain "date" still pass where a pattern allows them
    expect(isAllowedShell('dumpsys package com.date.update')).toBe(true);
    expect(isAllowedShell('pm path com.example.dateapp')).toBe(true);
  });

  it('only lets sync read APK files', () => {
    expect(isAllowedSync('RECV', '/data/app/~~a==/com.x-b==/base.apk')).toBe(true);
    expect(isAllowedSync('STAT', '/data/app/com.x-1/base.apk')).toBe(true);
    expect(isAllowedSync('SEND', '/data/app/com.x-1/base.apk')).toBe(false);
    expect(isAllowedSync('RECV', '/sdcard/DCIM/a.jpg')).toBe(false);
    expect(isAllowedSync('RECV', '/data/data/com.whatsapp/databases/msgstore.db')).toBe(false);
    expect(isAllowedSync('RECV', '/data/app/../data/com.x/x.apk')).toBe(false);
  });

  it('batches APK hashing into few commands that each stay allowed and short', () => {
    const paths = Array.from(
      { length: 1000 },
      (_, i) => `/data/app/~~Q${i}w==/com.example.app${i}-Zx${i}==/base.apk`,
    );
    const cmds = sha256sumCommands(paths);
    expect(cmds.length).toBeLessThan(30);
    expect(cmds.length).toBeGreaterThan(1);
    for (const c of cmds) {
      expect(c.length).toBeLessThanOrEqual(3800);
      expect(isAllowedShell(c)).toBe(true);
    }
    expect(
      cmds
        .join(' ')
        .split(' ')
        .filter((w) => w.endsWith('.apk')),
    ).toHaveLength(1000);
  });

  it('drops paths it would not be allowed to send', () => {
    expect(sha256sumCommands(['/sdcard/a.apk', '/data/app/x/base.apk; reboot'])).toEqual([]);
    expect(
      sha256sumCommands(['/data/app/../../sdcard/x.apk', '/data/app/com.x-1/base.apk']),
    ).toEqual(['sha256sum /data/app/com.x-1/base.apk']);
  });

  it('still allows names that merely contain dots', () => {
    expect(isAllowedShell('sha256sum /data/app/~~a..b==/com.x..y-1/base.apk')).toBe(true);
    expect(isAllowedShell('sha256sum /data/app/com.x-1/split_config..apk')).toBe(true);
  });
});
