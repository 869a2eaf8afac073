import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listIPhones } from '../../device/ios/phone.js';
import { iosSimSocketPath, runIosSim } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-ios-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('runIosSim', () => {
  it('listens where USBMUXD_SOCKET_ADDRESS says, prints how to point clients at it, stops on request', async () => {
    const socket = join(tmp, 'mux.sock');
    let text = '';
    const controller = new AbortController();
    const done = runIosSim('ios-supervised', {
      env: { USBMUXD_SOCKET_ADDRESS: `UNIX:${socket}` },
      stderr: { write: (s: string) => (text += s) },
      signal: controller.signal,
    });
    for (let i = 0; i < 500 && !text.includes('Ctrl-C'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(text).toContain(`export USBMUXD_SOCKET_ADDRESS=UNIX:${socket}`);
    expect(text).toContain('UDID: 00008110-000A1B2C3D4E5F60');
    expect(await listIPhones({ socketAddress: `UNIX:${socket}` })).toEqual([
      '00008110-000A1B2C3D4E5F60',
    ]);
    controller.abort();
    await done;
    expect(text).toMatch(/stopped after 1 requests\.\n$/);
    expect(existsSync(socket)).toBe(false);
  });

  it('picks --socket over the environment, and refuses a TCP address', () => {
    expect(iosSimSocketPath('/a', { USBMUXD_SOCKET_ADDRESS: '/b' })).toBe('/a');
    expect(iosSimSocketPath(undefined, { USBMUXD_SOCKET_ADDRESS: '/b' })).toBe('/b');
    expect(iosSimSocketPath(undefined, {})).toMatch(/spycheck-usbmuxd\.sock$/);
    expect(() =>
      iosSimSocketPath(undefined, { USBMUXD_SOCKET_ADDRESS: '127.0.0.1:27015' }),
    ).toThrow(/unix socket/);
  });

  it('never replaces a file that is not a socket', async () => {
    const file = join(tmp, 'plain-file');
    writeFileSync(file, 'keep me');
    await expect(
      runIosSim('ios-clean', { socketPath: file, stderr: { write: () => true } }),
    ).rejects.toThrow(/not a socket/);
    expect(existsSync(file)).toBe(true);
  });

  it('fails with a clear message for an unknown profile', async () => {
    await expect(
      runIosSim('ios-no-such-phone', { socketPath: join(tmp, 'x'), stderr: { write: () => true } }),
    ).rejects.toThrow(/no such simulated phone/);
  });
});
