/** The simulated iPhone's clock: lockdown session values, the computer's clock plus an offset. */
import { describe, expect, it } from 'vitest';
import { SimIPhone } from './lockdownd.js';
import { loadIosProfile } from './profile.js';
import { IosRequestLog } from './requestLog.js';

async function iphone(
  name: string,
  edit: (p: Awaited<ReturnType<typeof loadIosProfile>>) => void = () => {},
) {
  const profile = await loadIosProfile(name);
  edit(profile);
  return new SimIPhone(profile, new IosRequestLog(), 1);
}

describe('the simulated iPhone’s clock', () => {
  it('ios-infected runs 95 s slow: TimeIntervalSince1970 is a real that moves', async () => {
    const phone = await iphone('ios-infected');
    expect(phone.profile.clock).toEqual({ offsetSeconds: -95 });
    const before = Date.now();
    const t = phone.getValue(undefined, 'TimeIntervalSince1970', true) as number;
    const after = Date.now();
    expect(Number.isInteger(t)).toBe(false);
    expect(t * 1000).toBeGreaterThanOrEqual(before - 95_000 - 1);
    expect(t * 1000).toBeLessThanOrEqual(after - 95_000 + 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(phone.getValue(undefined, 'TimeIntervalSince1970', true) as number).toBeGreaterThan(t);
    expect(phone.getValue(undefined, 'TimeZone', true)).toBe('Europe/London');
    expect([0, 3600]).toContain(phone.getValue(undefined, 'TimeZoneOffsetFromUTC', true));
  });

  it('gives the clock only inside a session, as a real phone does', async () => {
    const phone = await iphone('ios-clean');
    expect(phone.getValue(undefined, 'TimeIntervalSince1970', false)).toBeUndefined();
    const all = phone.getValue(undefined, undefined, false) as Record<string, unknown>;
    expect(all).not.toHaveProperty('TimeIntervalSince1970');
    const session = phone.getValue(undefined, undefined, true) as Record<string, unknown>;
    expect(typeof session.TimeIntervalSince1970).toBe('number');
    expect(session.TimeZone).toBe('Europe/London');
  });

  it('takes the zone, or a fixed value, from the profile’s session values', async () => {
    const phone = await iphone('ios-clean', (p) => {
      p.session.global.TimeZone = 'Asia/Kolkata';
    });
    expect(phone.getValue(undefined, 'TimeZone', true)).toBe('Asia/Kolkata');
    expect(phone.getValue(undefined, 'TimeZoneOffsetFromUTC', true)).toBe(19_800);
    const fixed = await iphone('ios-clean', (p) => {
      p.session.global.TimeIntervalSince1970 = 1_000_000_000.5;
    });
    expect(fixed.getValue(undefined, 'TimeIntervalSince1970', true)).toBe(1_000_000_000.5);
  });
});
