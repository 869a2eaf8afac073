import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PlistService } from './aid.js';
import {
  assertAllowedLockdown,
  assertAllowedService,
  ForbiddenRequestError,
  INSTALLATION_PROXY,
} from './allowlist.js';
import {
  classifyIosError,
  DEFAULT_USBMUXD_SOCKET,
  fixDuplicateReplies,
  guardedUsbmux,
  guardPlistService,
  listIPhones,
  parseUsbmuxdAddress,
} from './phone.js';

/** A socket stand-in that records every byte written to it. */
function recordingSocket(): { socket: Duplex; written: Buffer[] } {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      cb();
    },
  });
  return { socket, written };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('the door checks before it sends', () => {
  it('sends an allowed lockdown request and refuses SetValue without writing a byte', async () => {
    const { socket, written } = recordingSocket();
    const ps = new PlistService(socket);
    guardPlistService(ps, assertAllowedLockdown, []);
    expect(() =>
      ps.sendPlist({
        Request: 'SetValue',
        Domain: 'com.apple.fmip',
        Key: 'IsAssociated',
        Value: false,
      }),
    ).toThrow(ForbiddenRequestError);
    expect(() => ps.sendPlist({ Request: 'Pair' })).toThrow(ForbiddenRequestError);
    await tick();
    expect(written).toEqual([]);
    ps.sendPlist({ Request: 'GetValue', Key: 'ProductVersion' });
    await tick();
    expect(Buffer.concat(written).subarray(4, 12).toString('latin1')).toBe('bplist00');
  });

  it('refuses an Uninstall on installation_proxy without writing a byte', async () => {
    const { socket, written } = recordingSocket();
    const ps = new PlistService(socket);
    guardPlistService(ps, (r) => assertAllowedService(INSTALLATION_PROXY, r), []);
    expect(() =>
      ps.sendPlist({ Command: 'Uninstall', ApplicationIdentifier: 'com.life360.safetymap' }),
    ).toThrow(ForbiddenRequestError);
    await tick();
    expect(written).toEqual([]);
  });

  it('refuses usbmuxd requests that change pairings', async () => {
    const { socket, written } = recordingSocket();
    const mux = guardedUsbmux(socket as never);
    expect(() =>
      mux._sendPlist({ tag: 1, payload: { MessageType: 'DeletePairRecord', PairRecordID: 'x' } }),
    ).toThrow(ForbiddenRequestError);
    await tick();
    expect(written).toEqual([]);
  });

  it('leaves a single pipe alone (a fixed appium-ios-device release)', () => {
    const { socket } = recordingSocket();
    const ps = new PlistService(socket);
    expect(fixDuplicateReplies(ps)).toBe(false);
  });
});

describe('parseUsbmuxdAddress', () => {
  it.each([
    [undefined, { path: DEFAULT_USBMUXD_SOCKET }],
    ['', { path: DEFAULT_USBMUXD_SOCKET }],
    ['UNIX:/tmp/mux', { path: '/tmp/mux' }],
    ['/var/run/usbmuxd', { path: '/var/run/usbmuxd' }],
    ['127.0.0.1:27015', { host: '127.0.0.1', port: 27015 }],
    ['localhost:1', { host: 'localhost', port: 1 }],
  ])('%s', (value, expected) => expect(parseUsbmuxdAddress(value)).toEqual(expected));
});

describe('classifyIosError', () => {
  it.each([
    ['Unexpected data: {"Request":"StartSession","Error":"InvalidHostID"}', 'pairing-refused'],
    ['Unexpected data: {"Request":"StartService","Error":"PasswordProtected"}', 'locked'],
    ['Unexpected data: {"Error":"InvalidService"}', 'service-missing'],
    ["Could not find a pair record for device 'x'", 'not-paired'],
    ['read ECONNRESET', 'lost'],
    ['Failed to receive any data within the timeout: 5000', 'lost'],
    ['something else', 'failed'],
  ])('%s → %s', (message, kind) => expect(classifyIosError(new Error(message)).kind).toBe(kind));

  it('keeps a refused request as "forbidden"', () => {
    expect(classifyIosError(new ForbiddenRequestError('no')).kind).toBe('forbidden');
  });
});

describe('listIPhones', () => {
  it('says usbmuxd is missing when the path is not a socket', async () => {
    await expect(listIPhones({ socketAddress: import.meta.filename })).rejects.toMatchObject({
      kind: 'usbmuxd-missing',
    });
  });
});
