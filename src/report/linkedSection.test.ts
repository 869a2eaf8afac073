/** The words of the "devices and networks" section that do not need a whole scan to check. */
import { describe, expect, it } from 'vitest';
import type { FindingsDoc } from '../model/findings.js';
import { linkedSection, phoneDate } from './linkedSection.js';
import { tolerantSnapshot } from './tolerantSnapshot.js';

const noFindings = {
  schema: 1,
  summary: { high: 0, medium: 0, low: 0, info: 0 },
  findings: [],
} as FindingsDoc;

describe('phoneDate', () => {
  it('says the day of a date as Java prints it on the phone, in UK words', () => {
    expect(phoneDate('Sat Aug 17 18:22:51 BST 2024')).toBe('17 August 2024');
    expect(phoneDate('Thu Mar 03 14:11:09 GMT 2022')).toBe('3 March 2022');
  });
  it('shows anything else as printed, cleaned', () => {
    expect(phoneDate('1715257800000')).toBe('1715257800000');
    expect(phoneDate('Xyz Foo 03 14:11:09 GMT 2022')).toBe('Xyz Foo 03 14:11:09 GMT 2022');
    // a hidden direction mark is removed before the date is read
    expect(phoneDate('Sat Aug 17 18:22:51 BST 2024\u202e')).toBe('17 August 2024');
  });
});

describe('an iPhone\u2019s devices and networks', () => {
  const iphone = (profiles: unknown[], status = 'ok') =>
    tolerantSnapshot({
      platform: 'ios',
      profiles,
      checks: [{ id: 'profiles', title: 'Configuration profiles', status }],
    });

  it('names each profile with what a profile can set, and where to look', () => {
    const s = linkedSection(
      iphone([{ id: 'com.example.care', displayName: 'Device Care', organisation: 'Care Ltd' }]),
      noFindings,
    )!;
    expect(s.notChecked).toEqual([]);
    const net = s.groups.find((g) => g.title.startsWith('Who could see'))!;
    expect(net.notable).toBe(true);
    expect(net.lines[0]).toMatch(
      /^Profile "Device Care" from Care Ltd: it can send .* VPN, proxy or DNS server/,
    );
  });

  it('says when no profile is installed, and never that traffic is safe', () => {
    const net = linkedSection(iphone([]), noFindings)!.groups[0]!;
    expect(net.lines[0]).toMatch(/^No configuration profile is installed/);
    expect(net.lines.join(' ')).toMatch(/A VPN app shows in Settings/);
  });

  it('says first that the profiles were not read', () => {
    const s = linkedSection(iphone([], 'not-checked'), noFindings)!;
    expect(s.notChecked[0]).toMatch(/^Not checked: configuration profiles/);
    expect(s.groups[0]!.lines[0]).toBe('Not checked (see above).');
  });
});

describe('a bundle written by a newer spycheck', () => {
  it('shows a kind of user or device this version does not know as the nearest it knows', () => {
    const s = tolerantSnapshot({
      platform: 'android',
      device: { serial: 'X' },
      apps: [],
      checks: [
        { id: 'users', title: 'Users', status: 'ok' },
        { id: 'linked-devices', title: 'Devices', status: 'ok' },
      ],
      linked: {
        users: [
          { id: 0, kind: 'owner' },
          { id: 12, kind: 'future-kind' },
        ],
        pairedDevices: [{ address: 'AA:BB', name: 'Thing', kind: 'future-device' }],
        companionAssociations: [],
      },
    });
    const section = linkedSection(s, noFindings)!;
    const users = section.groups.find((g) => g.title.startsWith('Other users'))!;
    expect(users.lines).toEqual(['A separate profile (user 12).']);
    const devices = section.groups.find((g) => g.title.startsWith('Watches'))!;
    expect(devices.lines[0]).toBe('Paired over Bluetooth: Thing, a device (AA:BB).');
  });
});
