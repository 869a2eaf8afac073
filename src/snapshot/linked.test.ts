import { describe, expect, it } from 'vitest';
import type { AndroidStepId } from '../model/androidCollection.js';
import type { ParseResult } from '../model/parse.js';
import type { AndroidApp } from '../model/snapshot.js';
import { detectShellError } from '../parse/android/shellError.js';
import { fixture } from '../parse/android/testdata/fixtures.js';
import { readLinked } from './linked.js';

const app = (id: string, uid: number): AndroidApp => ({
  id,
  uid,
  installerClass: 'store',
  system: false,
  updatedSystem: false,
  apkPaths: [],
  permissions: { requested: [], install: [], runtime: [] },
  launcher: 'visible',
});

function run(outputs: Partial<Record<AndroidStepId, string>>, settings = true) {
  const problems = new Map<string, { reason: string; cause?: string }>();
  const notes = new Map<string, { reason: string }>();
  const linked = readLinked({
    use: <T>(step: AndroidStepId, parse: (t: string) => ParseResult<T>) => {
      const t = outputs[step];
      if (t === undefined || detectShellError(t)) {
        problems.set(step, { reason: 'refused or missing' });
        return undefined;
      }
      return parse(t).parsed;
    },
    ...(settings
      ? {
          secure: { always_on_vpn_app: 'com.example.vpn', always_on_vpn_lockdown: '0' },
          global: { private_dns_mode: 'off' },
        }
      : {}),
    apps: [app('com.example.vpn', 10227), app('com.example.chat', 10110)],
    stepProblem: (step, p) => problems.set(step, p),
    checkNote: (check, p) => notes.set(check, p),
    warn: () => {},
  });
  return { linked, problems, notes };
}

describe('readLinked', () => {
  it('maps uids to apps, sums an app\u2019s profile copies and keeps the always-on VPN', () => {
    const net = `${fixture('a14-pixel/netstats_detail.txt')}`.replace(
      'UID tag stats:',
      [
        '  ident=[{type=1}] uid=1010227 set=DEFAULT tag=0x0',
        '      st=1 rb=1 rp=1 tb=1000 tp=1 op=0',
        'UID tag stats:',
      ].join('\n'),
    );
    const { linked, problems } = run({
      connectivity: fixture('a14-pixel/connectivity.txt'),
      netstats: net,
      users: fixture('a14-pixel/user.txt'),
      roles: fixture('a14-pixel/role.txt'),
      bluetooth: fixture('a14-pixel/bluetooth_manager.txt'),
      companionDevices: fixture('a14-pixel/companiondevice_empty.txt'),
    });
    expect(problems.size).toBe(0);
    expect(linked.vpn).toEqual({
      active: [{ ownerUid: 10227, package: 'com.example.vpn' }],
      alwaysOn: 'com.example.vpn',
      lockdown: false,
    });
    expect(linked.bytesSent?.[0]).toEqual({
      uid: 10227,
      package: 'com.example.vpn',
      bytes: 210334112 + 98113004 + 5120331 + 1000,
    });
    expect(linked.bytesSent?.find((b) => b.uid === 1000)?.package).toBeUndefined();
    expect(linked.privateDns).toEqual({ mode: 'off' });
    expect(linked.proxy).toEqual([]);
    expect(linked.companionAssociations).toEqual([]);
    expect(linked.users?.map((u) => u.kind)).toEqual(['owner', 'work-profile', 'secondary']);
  });

  it('never reads a missing or empty answer as "nothing there"', () => {
    const { linked, problems, notes } = run(
      {
        bluetooth: fixture('a10-xiaomi/bluetooth_manager.txt'),
        companionDevices: '',
        connectivity: 'something else entirely\n',
        netstats: 'Dev stats:\n  Pending bytes: 0\n',
        roles: '',
        users: 'Users:\n',
      },
      false,
    );
    expect(linked.pairedDevices).toBeUndefined();
    expect(linked.bluetoothOff).toBe(true);
    expect(notes.get('linked-devices')?.reason).toMatch(/Bluetooth was off/);
    expect(linked.companionAssociations).toBeUndefined();
    expect(problems.get('companionDevices')?.cause).toBe('unsupported');
    expect(problems.get('connectivity')?.cause).toBe('garbled');
    expect(problems.get('netstats')?.cause).toBe('empty');
    expect(problems.get('roles')?.cause).toBe('empty');
    expect(problems.get('users')?.cause).toBe('empty');
    expect(linked.vpn).toBeUndefined();
    expect(linked.bytesSent).toBeUndefined();
    expect(linked.keyboards).toBeUndefined();
    expect(linked.privateDns).toBeUndefined();
  });
});
