import { describe, expect, it } from 'vitest';
import { PARSER, parseLockSettings } from './lockSettings.js';
import { fixture, HOSTILE } from './testdata/fixtures.js';

const read = (name: string) => parseLockSettings(fixture(`lock-settings/${name}`));
const creds = (name: string) =>
  read(name).parsed.users.map((u) => [u.userId, u.credential] as const);

describe('parseLockSettings', () => {
  it('has a stable parser id', () => {
    expect(PARSER).toEqual({ id: 'android.lock-settings', version: 1 });
  });

  it('Android 9 (and 8–10): users listed, lock type not printed, so unknown', () => {
    const r = read('a09-aosp.txt');
    expect(r.parsed.users).toEqual([{ userId: 0, credential: 'unknown' }]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/does not say/);
  });

  it('quality-only layout: maps DevicePolicyManager qualities, never 0 to none', () => {
    const r = read('quality-only.txt');
    expect(r.parsed.users).toEqual([
      { userId: 0, credential: 'pattern', raw: 'Quality: 65536' },
      { userId: 10, credential: 'unknown', raw: 'Quality: 0' },
      { userId: 11, credential: 'pin', raw: 'Quality: 0x20000' },
    ]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/User 10/);
  });

  it('Android 11: pattern for the main user, none for a second user', () => {
    const r = read('a11.txt');
    expect(r.parsed.users).toEqual([
      { userId: 0, credential: 'pattern', raw: 'Pattern' },
      { userId: 10, credential: 'none', raw: 'None' },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('Android 13 Pixel: PIN (storage "User 0 […]:" lines are not users)', () => {
    const r = read('a13-pixel.txt');
    expect(creds('a13-pixel.txt')).toEqual([[0, 'pin']]);
    expect(r.warnings).toEqual([]);
  });

  it('Android 14 Samsung: vendor lines and sections ignored, odd user ids kept', () => {
    const r = read('a14-samsung.txt');
    expect(creds('a14-samsung.txt')).toEqual([
      [0, 'password'],
      [95, 'unknown'],
      [150, 'pattern'],
    ]);
    expect(r.parsed.users[1]!.raw).toBe('Unknown 6');
    // the vendor "Knox Dar State:" section's "CredentialType: None" must not be read
    expect(r.parsed.users[0]!.credential).toBe('password');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/User 95: unrecognised lock type "Unknown 6"/);
  });

  it('Android 15: PIN for the main user, password for a private space', () => {
    const r = read('a15.txt');
    expect(creds('a15.txt')).toEqual([
      [0, 'pin'],
      [11, 'password'],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('a phone with no screen lock', () => {
    const r = read('no-lock.txt');
    expect(r.parsed.users).toEqual([{ userId: 0, credential: 'none', raw: 'None' }]);
    expect(r.warnings).toEqual([]);
  });

  it('permission denied and missing service give a warning and no users', () => {
    for (const name of ['permission-denied.txt', 'missing-service.txt']) {
      const r = read(name);
      expect(r.parsed.users).toEqual([]);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(/^Could not read lock settings: /);
    }
    expect(read('permission-denied.txt').warnings[0]).toMatch(/refused/);
    expect(read('missing-service.txt').warnings[0]).toMatch(/no "lock_settings" service/);
  });

  it('reads CRLF output and ignores case of the lock type', () => {
    const text =
      'Current lock settings service state:\r\n\r\nUser State:\r\n  User 0\r\n    CredentialType: PIN\r\n';
    expect(parseLockSettings(text).parsed.users).toEqual([
      { userId: 0, credential: 'pin', raw: 'PIN' },
    ]);
  });

  it('never turns missing or odd data into "none"', () => {
    const cases = [
      'Current lock settings service state:\n\nUser State:\n  User 0\n    SID: 0\n',
      'Current lock settings service state:\n\nUser State:\n  User 0\n    CredentialType:\n',
      'Current lock settings service state:\n\nUser State:\n  User 0\n    CredentialType: -1\n',
      'Current lock settings service state:\n\nUser State:\n  User 0\n    Quality: 0\n',
      'Current lock settings service state:\n\nUser State:\n  User 0\n    Quality: 524288\n',
      'Current lock settings service state:\n\nUser State:\n  User 0\n    Quality: lots\n',
    ];
    for (const text of cases) {
      const r = parseLockSettings(text);
      expect(r.parsed.users).toHaveLength(1);
      expect(r.parsed.users[0]!.credential).toBe('unknown');
      expect(r.warnings.length).toBeGreaterThan(0);
    }
  });

  it('warns on empty, unrecognised and user-less output', () => {
    expect(parseLockSettings('').warnings).toEqual(['The lock settings dump was empty']);
    expect(parseLockSettings('hello\nworld').warnings[0]).toMatch(/does not look like/);
    expect(parseLockSettings('Current lock settings service state:\n').warnings[0]).toMatch(
      /lists no users/,
    );
  });

  it('handles odd user ids: negative, huge, non-numeric and repeated', () => {
    const text = [
      'Current lock settings service state:',
      'User State:',
      '  User -9999',
      '    CredentialType: None',
      '  User 99999999999',
      '    CredentialType: None',
      '  User abc',
      '    CredentialType: None',
      '  User 2147483647',
      '    CredentialType: Pattern',
      '  User 0',
      '    CredentialType: Pin',
      '  User 0',
      '    CredentialType: None',
    ].join('\n');
    const r = parseLockSettings(text);
    expect(r.parsed.users).toEqual([
      { userId: 2147483647, credential: 'pattern', raw: 'Pattern' },
      { userId: 0, credential: 'pin', raw: 'Pin' },
    ]);
    expect(r.warnings).toHaveLength(4);
  });

  it('caps the number of users and the length of what it keeps', () => {
    const parts = ['Current lock settings service state:', 'User State:'];
    for (let i = 0; i < 500; i++) parts.push(`  User ${i}`, '    CredentialType: Pin');
    const r = parseLockSettings(parts.join('\n'));
    expect(r.parsed.users).toHaveLength(64);
    expect(r.warnings).toEqual(['More than 64 users; the rest were not read']);

    const long = `Current lock settings service state:\nUser State:\n  User 0\n    CredentialType: ${'\u202e'.repeat(5000)}`;
    const l = parseLockSettings(long);
    expect(l.parsed.users[0]!.credential).toBe('unknown');
    expect(l.parsed.users[0]!.raw!.length).toBeLessThanOrEqual(81);
    expect(l.parsed.users[0]!.raw).toMatch(/^[\x20-\x7e…]*$/);
  });

  it('never throws on hostile input', () => {
    const huge = `Current lock settings service state:\nUser State:\n${'  User 1\n    Quality: 9\n'.repeat(300_000)}`;
    const inputs = [
      ...HOSTILE,
      huge,
      'x'.repeat(5_000_000),
      '\n'.repeat(200_000),
      'User State:\n' + '\u0000\uffff'.repeat(10_000),
      undefined as unknown as string,
      null as unknown as string,
      42 as unknown as string,
    ];
    for (const input of inputs) {
      const r = parseLockSettings(input);
      expect(Array.isArray(r.parsed.users)).toBe(true);
      expect(Array.isArray(r.warnings)).toBe(true);
      expect(r.parsed.users.length).toBeLessThanOrEqual(64);
      expect(r.warnings.length).toBeLessThanOrEqual(64 + 25);
      for (const u of r.parsed.users) expect(u.credential).not.toBe('none');
    }
  });
});
