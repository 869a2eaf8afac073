/** The simulated phone's clock: `date` answers the computer's clock plus the profile's offset. */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adb } from '../../device/android/adbkit.js';
import { ANDROID_COMMANDS } from '../../device/android/commands.js';
import { parseDate } from '../../parse/android/date.js';
import { packageRoot } from '../../util/packageRoot.js';
import { DeviceProfile, loadProfile } from './device.js';
import { type FakeAdbd, startFakeAdbd } from './fakeAdbd.js';
import { type FakeAdbServer, startFakeAdbServer } from './fakeAdbServer.js';
import { hasAdb, type RealAdbServer, startRealAdbServer } from './realAdb.js';
import { formatDate } from './shellCommands.js';

const CLOCK = ANDROID_COMMANDS.clock;

function phone(offsetSeconds?: number, zone = 'Europe/London'): DeviceProfile {
  return new DeviceProfile({
    name: 'clock-phone',
    description: '',
    serial: 'SIMCLOCK01',
    state: 'device',
    banner: { product: 'p', model: 'm', device: 'd' },
    shell: { getprop: `[persist.sys.timezone]: [${zone}]\n` },
    files: {},
    ...(offsetSeconds !== undefined ? { clock: { offsetSeconds } } : {}),
  });
}

/** The phone's clock minus this computer's, in seconds, from one `date` answer. */
function driftOf(answer: string, before: number, after: number): { lo: number; hi: number } {
  const r = parseDate(answer).parsed.clock!;
  return { lo: (r.epochMs - after) / 1000, hi: (r.epochMs + r.resolutionMs - before) / 1000 };
}

describe('formatDate (toybox date +FORMAT)', () => {
  const summer = Date.UTC(2024, 6, 1, 11, 2, 3, 456);
  const winter = Date.UTC(2024, 0, 5, 9, 8, 7, 5);

  it('prints epoch seconds, nanoseconds and the offset of the phone’s zone', () => {
    expect(formatDate('%s.%N%z', summer, 'Europe/London')).toBe('1719831723.456000000+0100');
    expect(formatDate('%s.%N%z', winter, 'Europe/London')).toBe('1704445687.005000000+0000');
    expect(formatDate('%s.%3N%:z', winter, 'America/St_Johns')).toBe('1704445687.005-03:30');
  });

  it('prints the default form and the usual fields in local time', () => {
    expect(formatDate('%a %b %e %H:%M:%S %Z %Y', winter, 'Asia/Kolkata')).toBe(
      'Fri Jan  5 14:38:07 GMT+05:30 2024',
    );
    expect(formatDate('%F %T %%', summer, 'UTC')).toBe('2024-07-01 11:02:03 %');
  });

  it('prints an escape it does not know as its letter, as bionic does', () => {
    expect(formatDate('%s.%Q', winter, 'UTC')).toBe('1704445687.Q');
  });
});

describe('the simulated phone’s date', () => {
  it('answers the computer’s clock plus the profile’s offset, and the clock moves', async () => {
    const p = phone(192);
    const before = Date.now();
    const first = p.shell(CLOCK).toString();
    const after = Date.now();
    expect(first).toMatch(/^\d{10}\.\d{9}[+-]\d{4}\n$/);
    const d = driftOf(first, before, after);
    expect(d.lo).toBeLessThanOrEqual(192);
    expect(d.hi).toBeGreaterThanOrEqual(192);
    await new Promise((r) => setTimeout(r, 15));
    const second = parseDate(p.shell(CLOCK).toString()).parsed.clock!;
    expect(second.epochMs).toBeGreaterThan(parseDate(first).parsed.clock!.epochMs);
  });

  it('runs on the computer’s clock without a profile offset, and behind with a negative one', () => {
    const before = Date.now();
    const on = phone().shell(CLOCK).toString();
    const behind = phone(-3600).shell(CLOCK).toString();
    const after = Date.now();
    const d0 = driftOf(on, before, after);
    expect(d0.lo).toBeLessThanOrEqual(0);
    expect(d0.hi).toBeGreaterThanOrEqual(0);
    const d1 = driftOf(behind, before, after);
    expect(d1.lo).toBeLessThanOrEqual(-3600);
    expect(d1.hi).toBeGreaterThanOrEqual(-3600);
  });

  it('never sets its clock', () => {
    const p = phone(10);
    expect(p.shell('date -s 2020-01-01').toString()).toBe(
      'date: cannot set date: Operation not permitted\n',
    );
    expect(p.clockOffsetMs).toBe(10_000);
  });

  it('the demo phone infected-a12 runs 192 s fast (profile.yaml clock)', async () => {
    const demo = await loadProfile(join(packageRoot(), 'fixtures', 'devices', 'infected-a12'));
    expect(demo.clockOffsetMs).toBe(192_000);
    expect(parseDate(demo.shell(CLOCK).toString()).parsed.clock?.utcOffset).toMatch(/^\+0[01]:00$/);
  });
});

describe('the fake adb server answers the clock through adbkit', () => {
  let server: FakeAdbServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('shell:date +%s.%N%z gives the phone’s clock, and the log shows the request', async () => {
    server = await startFakeAdbServer({ profiles: [phone(192)] });
    const client = Adb.createClient({ host: '127.0.0.1', port: server.port, bin: '/bin/false' });
    const before = Date.now();
    const out = await Adb.util.readAll(await client.getDevice('SIMCLOCK01').shell(CLOCK));
    const after = Date.now();
    const d = driftOf(out.toString(), before, after);
    expect(d.lo).toBeLessThanOrEqual(192);
    expect(d.hi).toBeGreaterThanOrEqual(192);
    expect(server.log.filter('shell').map((e) => e.request)).toContain(CLOCK);
  });
});

describe.skipIf(!hasAdb)(
  'the fake adbd answers the clock to the real adb (needs /usr/bin/adb)',
  () => {
    let adb: RealAdbServer;
    let adbd: FakeAdbd;
    beforeAll(async () => {
      adb = await startRealAdbServer();
      adbd = await startFakeAdbd({ profile: phone(-75) });
      await adb.connect(`127.0.0.1:${adbd.port}`);
    });
    afterAll(async () => {
      await adb?.stop();
      await adbd?.close();
    });

    it('adbkit through the real adb server reads the clock 75 s slow', async () => {
      const client = Adb.createClient({ host: '127.0.0.1', port: adb.port, bin: '/bin/false' });
      const before = Date.now();
      const out = await Adb.util.readAll(
        await client.getDevice(`127.0.0.1:${adbd.port}`).shell(CLOCK),
      );
      const after = Date.now();
      const d = driftOf(out.toString(), before, after);
      expect(d.lo).toBeLessThanOrEqual(-75);
      expect(d.hi).toBeGreaterThanOrEqual(-75);
      expect(adbd.log.filter('shell').map((e) => e.request)).toContain(CLOCK);
    });
  },
);
