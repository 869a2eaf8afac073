import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePlist, encodeBinary, encodeXml } from './plist.js';
import { loadIosProfile } from './profile.js';

const PROFILES = ['ios-clean', 'ios-infected', 'ios-supervised', 'ios-locked', 'ios-unpaired'];
const tmp = mkdtempSync(join(tmpdir(), 'spycheck-ios-profile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('iOS profiles', () => {
  it.each(
    PROFILES,
  )('%s loads, and its system apps carry no signer (as on a real phone)', async (name) => {
    const p = await loadIosProfile(name);
    expect(p.name).toBe(name);
    expect(p.public.UniqueDeviceID).toBe(p.udid);
    const system = p.apps.filter((a) => a.ApplicationType === 'System');
    expect(system.length).toBeGreaterThan(50);
    for (const a of system) {
      expect(a.SignerIdentity, String(a.CFBundleIdentifier)).toBeUndefined();
      expect(a.ProfileValidated, String(a.CFBundleIdentifier)).toBeUndefined();
    }
  });

  it('ios-clean has about 90 apps, a dozen or more of them hidden system parts', async () => {
    const p = await loadIosProfile('ios-clean');
    expect(p.apps.length).toBeGreaterThanOrEqual(85);
    const hidden = p.apps.filter(
      (a) =>
        Array.isArray(a.SBAppTags) &&
        a.SBAppTags.includes('hidden') &&
        a.ApplicationType === 'System',
    );
    expect(hidden.length).toBeGreaterThanOrEqual(12);
    expect(p.profiles).toEqual([]);
  });

  function write(yaml: string): string {
    const dir = mkdtempSync(join(tmp, 'p-'));
    writeFileSync(join(dir, 'profile.yaml'), yaml);
    return dir;
  }
  const base = 'platform: ios\nname: t\nudid: 00008110-001C3D5E2A6B801E\n';

  it('refuses a session-only value among the public ones', async () => {
    const dir = write(`${base}public:\n  SerialNumber: X\n`);
    await expect(loadIosProfile(dir)).rejects.toThrow(/only the public lockdown keys/);
  });

  it('refuses an app listed twice and an app without ApplicationType', async () => {
    let dir = write(`${base}public: {}\napps: [a.yaml]\n`);
    writeFileSync(
      join(dir, 'a.yaml'),
      '- {CFBundleIdentifier: a.b, ApplicationType: User}\n- {CFBundleIdentifier: a.b, ApplicationType: User}\n',
    );
    await expect(loadIosProfile(dir)).rejects.toThrow(/a\.b is listed twice/);
    dir = write(`${base}public: {}\napps: [a.yaml]\n`);
    writeFileSync(join(dir, 'a.yaml'), '- {CFBundleIdentifier: a.b}\n');
    await expect(loadIosProfile(dir)).rejects.toThrow(/ApplicationType/);
  });

  it('names an unknown state', async () => {
    const dir = write(`${base}public: {}\nstate: asleep\n`);
    await expect(loadIosProfile(dir)).rejects.toThrow(/at state/);
  });
});

describe('plist', () => {
  const value = { A: 'x', N: 3, T: true, L: ['a', 1], D: { B: Buffer.from('pem') } };
  it('round-trips XML and binary, with <data> as Buffers', () => {
    expect(decodePlist(encodeXml(value))).toEqual(value);
    expect(decodePlist(encodeBinary(value))).toEqual(value);
  });
  it('refuses undefined (a real client crashes on it)', () => {
    expect(() => encodeXml({ A: undefined } as never)).toThrow(/\.A/);
  });
  it('refuses what is not a plist', () => {
    expect(() => decodePlist(Buffer.from('hello'))).toThrow();
  });
});
