/**
 * One lockdown session per iPhone scan: the platform's reading holds one lockdown connection
 * and starts every service in its one session, instead of a session (StartSession, TLS,
 * StopSession) per step. Counted on the simulated iPhone's request log, with the door's
 * behaviour on a locked, hung or closed phone kept.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { PlistService } from '../src/device/ios/aid.js';
import { ReadOnlyIPhone, receiveReply } from '../src/device/ios/phone.js';
import { collectIos } from '../src/platform/ios/platform.js';
import { type IosProfile, type IosState, loadIosProfile } from '../src/sim/ios/profile.js';
import { type FakeUsbmuxd, startFakeUsbmuxd } from '../src/sim/ios/usbmuxd.js';
import { expectOnlyAllowedIosReads } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-ios-session-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let sim: FakeUsbmuxd | undefined;
let phone: ReadOnlyIPhone | undefined;
afterEach(async () => {
  phone?.close();
  phone = undefined;
  await sim?.close();
  sim = undefined;
});

let n = 0;
async function start(
  name: string,
  change: Partial<IosProfile> & { state?: IosState } = {},
  timeoutMs = 10_000,
) {
  const profile = { ...(await loadIosProfile(name)), ...change };
  const socketPath = join(tmp, `usbmuxd-${n++}`);
  sim = await startFakeUsbmuxd({ profiles: [profile], socketPath });
  phone = new ReadOnlyIPhone(profile.udid, {
    socketAddress: `UNIX:${socketPath}`,
    requestTimeoutMs: timeoutMs,
  });
  return { profile, phone };
}

/** lockdownd requests by name (`StartSession`, `StartService com.apple…`). */
const lockdownd = () =>
  sim!.log.entries.filter((e) => e.via === 'lockdownd').map((e) => e.request.split(' ')[0]);
const count = (name: string) => lockdownd().filter((r) => r === name).length;

describe('one lockdown session per iPhone scan', () => {
  it.each([
    'ios-infected',
    'ios-clean',
    'ios-supervised',
  ])('%s: one StartSession and one StopSession; every service started in it', async (name) => {
    const { phone } = await start(name);
    const reading = await collectIos(phone);
    expect(reading.apps.length).toBeGreaterThan(0);
    expect(count('StartSession')).toBe(1);
    expect(count('StopSession')).toBe(1);
    // installation_proxy, MCInstall, springboardservices (absent on the supervised phone)
    expect(count('StartService')).toBe(3);
    // the session ends after the last service was started
    expect(lockdownd().at(-1)).toBe('StopSession');
    expect(phone.openSockets).toBe(0);
    expectOnlyAllowedIosReads(sim!);
  });

  it('reads the same values, apps and profiles as separate sessions did', async () => {
    const { phone } = await start('ios-infected');
    const held = await collectIos(phone);
    // the same reads, one session each (the door's default outside a scan)
    const own = {
      pub: await phone.publicValues(),
      session: await phone.sessionValues(),
      apps: await phone.apps(),
      profiles: await phone.profiles(),
    };
    expect(count('StartSession')).toBe(1 + 3);
    const { TimeIntervalSince1970: _a, ...heldSession } = held.values.session;
    const { TimeIntervalSince1970: _b, ...ownSession } = own.session.values;
    expect(heldSession).toEqual(ownSession);
    expect(held.values.public).toEqual(own.pub);
    expect(held.apps).toEqual(own.apps);
    expect(held.profiles).toEqual(own.profiles.profileList);
    expect(phone.openSockets).toBe(0);
  });

  it('a locked phone: the session values are read, then the first service is refused', async () => {
    const { phone } = await start('ios-locked');
    const reading = await collectIos(phone);
    expect(reading.values.session.PasswordProtected).toBe(true);
    expect(reading.problems[0]).toMatchObject({ step: 'apps', kind: 'locked' });
    expect(reading.notReady?.reason).toBe('locked');
    expect(count('StartSession')).toBe(1);
    expect(phone.openSockets).toBe(0);
  });

  it('pairing removed: StartSession refused once, nothing else asked', async () => {
    const { phone } = await start('ios-clean', { state: 'pairing-removed' });
    const reading = await collectIos(phone);
    expect(reading.problems[0]).toMatchObject({ step: 'session-values', kind: 'pairing-refused' });
    expect(reading.notReady).toMatchObject({ reason: 'not-trusted', nothingRead: true });
    expect(count('StartSession')).toBe(1);
    expect(count('StartService')).toBe(0);
    expect(phone.openSockets).toBe(0);
  });

  it('a service that never answers: "lost", the held session is dropped, no socket left', async () => {
    const { phone } = await start(
      'ios-clean',
      { faults: { silent: ['com.apple.mobile.installation_proxy Browse'] } },
      1_500,
    );
    const reading = await collectIos(phone);
    expect(reading.problems[0]).toMatchObject({ step: 'apps', kind: 'lost' });
    expect(reading.complete).toBe(false);
    // nothing more is asked of a phone that stopped answering, not even StopSession
    expect(count('StartService')).toBe(1);
    expect(count('StopSession')).toBe(0);
    expect(phone.openSockets).toBe(0);
  });

  it('a held connection the phone closed between reads is replaced by a new session', async () => {
    const { phone } = await start('ios-clean');
    phone.holdSession();
    await phone.sessionValues();
    expect(phone.openSockets).toBeGreaterThan(0);
    // lockdownd hangs up on the idle connection
    const held = (phone as unknown as { held: { channel: { sockets: { destroy(): void }[] } } })
      .held;
    for (const s of held.channel.sockets) s.destroy();
    await new Promise((r) => setImmediate(r));
    expect((await phone.apps()).length).toBeGreaterThan(0);
    expect(count('StartSession')).toBe(2);
    await phone.endSession();
    expect(phone.openSockets).toBe(0);
  });

  it('public values asked after the session started still come from outside it', async () => {
    const { phone } = await start('ios-clean');
    phone.holdSession();
    await phone.sessionValues();
    const pub = await phone.publicValues();
    expect(pub.SerialNumber).toBeUndefined();
    expect(pub.ProductVersion).toBe('18.1');
    await phone.endSession();
    expect(phone.openSockets).toBe(0);
  });

  it('a read outside a scan still opens and closes its own session', async () => {
    const { phone } = await start('ios-clean');
    await phone.sessionValues();
    expect(phone.openSockets).toBe(0);
    await phone.apps();
    expect(phone.openSockets).toBe(0);
    expect(count('StartSession')).toBe(2);
    expect(count('StopSession')).toBe(2);
  });
});

describe('receiveReply', () => {
  it('takes a reply as soon as it is decoded, with no polling timer', async () => {
    vi.useFakeTimers();
    try {
      const decoder = new EventEmitter();
      const ps = { replyQueue: [] as unknown[], _decoder: decoder };
      decoder.on('data', (d) => ps.replyQueue.push(d));
      const got = receiveReply(ps as unknown as PlistService, 5_000);
      decoder.emit('data', { Request: 'GetValue', Value: 1 });
      // no timer advanced: the 50 ms poll of appium-ios-device's receivePlist would still wait
      await expect(got).resolves.toEqual({ Request: 'GetValue', Value: 1 });
      // an answer already queued is taken at once; an absent one times out
      ps.replyQueue.push('queued');
      await expect(receiveReply(ps as unknown as PlistService, 5_000)).resolves.toBe('queued');
      const late = receiveReply(ps as unknown as PlistService, 5_000);
      vi.advanceTimersByTime(5_000);
      await expect(late).rejects.toThrow(/within the timeout/);
      expect(decoder.listenerCount('data')).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
