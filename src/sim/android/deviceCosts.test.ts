import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Adb } from '../../device/android/adbkit.js';
import { DeviceProfile, type DeviceProfileData } from './device.js';
import { resolveCosts, SharedResource } from './deviceCosts.js';
import { type FakeAdbServer, startFakeAdbServer } from './fakeAdbServer.js';

const A = '/data/app/~~a==/com.example.a-x==/base.apk';
const B = '/data/app/~~b==/com.example.b-y==/base.apk';

/** 1 MB/s = 1,000 bytes per ms: sizes in KB read as ms. */
function phone(costs: DeviceProfileData['costs'], sizes = { a: 60_000, b: 60_000 }) {
  return new DeviceProfile({
    name: 'costly',
    description: '',
    serial: 'COSTLY1',
    state: 'device',
    banner: { product: 'p', model: 'm', device: 'd' },
    shell: {
      'pm list packages -f': `package:${A}=com.example.a\npackage:${B}=com.example.b\n`,
      'dumpsys package packages':
        'Packages:\n  Package [com.example.a] (1):\n    x=1\n  Package [com.example.b] (2):\n    x=2\n',
    },
    files: {},
    generated: { [A]: { size: sizes.a }, [B]: { size: sizes.b } },
    ...(costs !== undefined ? { costs } : {}),
  });
}

const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
};

describe('SharedResource', () => {
  it('serves one booking at a time, first come first served', async () => {
    const r = new SharedResource('flash');
    const t0 = performance.now();
    const ends: number[] = [];
    await Promise.all(
      [40, 40, 40].map((ms) => r.use(ms).then(() => ends.push(performance.now() - t0))),
    );
    expect(ends[0]).toBeGreaterThanOrEqual(38);
    expect(ends[1]).toBeGreaterThanOrEqual(78);
    expect(ends[2]).toBeGreaterThanOrEqual(118);
    expect(r.busyMs).toBe(120);
  });

  it('adds many small bookings up exactly on a timeline (no timer tick lost per piece)', () => {
    let now = 0;
    const r = new SharedResource('usb', () => now);
    for (let i = 0; i < 100; i++) r.book(0.5);
    expect(r.book(0)).toBeCloseTo(50);
    now = 80;
    expect(r.book(10)).toBe(90);
  });
});

describe('device costs', () => {
  it('are off by default, and `true` means a budget phone', () => {
    expect(phone(undefined).costs).toBeUndefined();
    expect(resolveCosts(true)).toEqual({
      flashMBps: 300,
      usbMBps: 30,
      dumpsysPackageMsPerPackage: 2,
      dumpsysOnePackageMs: 4,
    });
    expect(resolveCosts({ usbMBps: 5 })?.usbMBps).toBe(5);
    expect(() => resolveCosts({ flashMBps: 0 })).toThrow();
  });

  it('sha256sum takes bytes / flash speed, and two hash commands queue on the one flash', async () => {
    const p = phone({ flashMBps: 1, usbMBps: 1000 });
    const [, one] = await timed(() => p.answer(`sha256sum ${A}`));
    expect(one).toBeGreaterThanOrEqual(58);
    expect(one).toBeLessThan(400);
    const [, both] = await timed(() => p.answer(`sha256sum ${A} ${B}`));
    expect(both).toBeGreaterThanOrEqual(118);
    const [, parallel] = await timed(() =>
      Promise.all([p.answer(`sha256sum ${A}`), p.answer(`sha256sum ${B}`)]),
    );
    expect(parallel).toBeGreaterThanOrEqual(118);
    expect(p.costs?.flash.busyMs).toBeCloseTo(300);
  });

  it('scales with the file size', async () => {
    const p = phone({ flashMBps: 1, usbMBps: 1000 }, { a: 20_000, b: 100_000 });
    const [, small] = await timed(() => p.answer(`sha256sum ${A}`));
    const [, big] = await timed(() => p.answer(`sha256sum ${B}`));
    expect(small).toBeLessThan(big - 50);
    expect(big).toBeGreaterThanOrEqual(98);
  });

  it('answers the same with and without costs', async () => {
    const cmd = `sha256sum ${A} ${B}`;
    const free = phone(undefined);
    const slow = phone({ flashMBps: 100, usbMBps: 100 });
    expect((await slow.answer(cmd)).toString()).toBe(free.shell(cmd).toString());
    expect((await free.answer(cmd)).toString()).toBe(free.shell(cmd).toString());
  });

  it('charges dumpsys package per package, and a per-app dumpsys per call', async () => {
    const p = phone({ dumpsysPackageMsPerPackage: 40, dumpsysOnePackageMs: 30, usbMBps: 1000 });
    const [, all] = await timed(() => p.answer('dumpsys package packages'));
    expect(all).toBeGreaterThanOrEqual(78);
    const [out, one] = await timed(() => p.answer('dumpsys package com.example.a'));
    expect(out.toString()).toContain('Package [com.example.a]');
    expect(one).toBeGreaterThanOrEqual(28);
    expect(one).toBeLessThan(78);
  });

  describe('over the adb protocol', () => {
    let server: FakeAdbServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('pulls at USB speed, all pulls sharing the one link, byte for byte what sha256sum hashed', async () => {
      const p = phone({ usbMBps: 1, flashMBps: 1000 });
      server = await startFakeAdbServer({ profiles: [p] });
      const client = Adb.createClient({ host: server.host, port: server.port, bin: '/bin/false' });
      const device = client.getDevice('COSTLY1');
      const pull = async (path: string) => Adb.util.readAll(await device.pull(path));
      const [a, oneMs] = await timed(() => pull(A));
      expect(a.length).toBe(60_000);
      expect(oneMs).toBeGreaterThanOrEqual(55);
      const [both, twoMs] = await timed(() => Promise.all([pull(A), pull(B)]));
      expect(twoMs).toBeGreaterThanOrEqual(115);
      const hashes = (await Adb.util.readAll(await device.shell(`sha256sum ${A} ${B}`)))
        .toString()
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[0]);
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(hashes).toEqual([sha(a), sha(both[1])]);
      expect(both[0].equals(a)).toBe(true);
    });
  });
});
