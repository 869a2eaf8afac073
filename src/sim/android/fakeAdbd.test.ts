import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adb } from '../../device/android/adbkit.js';
import {
  A_AUTH,
  A_CLSE,
  A_CNXN,
  A_OKAY,
  A_OPEN,
  A_WRTE,
  type AdbPacket,
  encodePacket,
  PacketReader,
} from './adbPacket.js';
import { loadProfile } from './device.js';
import { type FakeAdbd, startFakeAdbd } from './fakeAdbd.js';
import { hasAdb, type RealAdbServer, startRealAdbServer } from './realAdb.js';

const here = dirname(fileURLToPath(import.meta.url));
const tiny = join(here, 'testdata', 'tiny-phone');
const locked = join(here, 'testdata', 'locked-phone');
const APK = '/data/app/~~Q1w2e3R4==/com.example.tracker-Z9x8y7==/base.apk';

function syncFrame(id: string, arg: string): Buffer {
  const b = Buffer.from(arg, 'utf8');
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(b.length, 4);
  return Buffer.concat([head, b]);
}

/** A minimal adb host, to test packet-level behaviour without the adb binary. */
class RawHost {
  private reader = new PacketReader(1 << 20);
  private queue: AdbPacket[] = [];
  private wake?: () => void;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.queue.push(...this.reader.push(c));
      this.wake?.();
    });
  }
  static async open(port: number): Promise<RawHost> {
    const s = connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    return new RawHost(s);
  }
  send(command: number, arg0: number, arg1: number, data?: Buffer | string): void {
    this.socket.write(
      encodePacket(command, arg0, arg1, typeof data === 'string' ? Buffer.from(data) : data),
    );
  }
  /** Next packet, or undefined after `ms` of silence. */
  async next(ms = 2000): Promise<AdbPacket | undefined> {
    const deadline = Date.now() + ms;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    return this.queue.shift();
  }
  close(): void {
    this.socket.destroy();
  }
}

describe('fake adbd at the packet level', () => {
  let adbd: FakeAdbd | undefined;
  let host: RawHost | undefined;
  afterEach(async () => {
    host?.close();
    await adbd?.close();
  });

  it('answers CNXN with a banner advertising only cmd', async () => {
    adbd = await startFakeAdbd({ profile: await loadProfile(tiny) });
    host = await RawHost.open(adbd.port);
    host.send(A_CNXN, 0x01000001, 1 << 20, 'host::features=shell_v2,cmd,stat_v2\0');
    const p = await host.next();
    expect(p?.command).toBe(A_CNXN);
    expect(p?.arg0).toBe(0x01000001);
    expect(p?.arg1).toBe(256 * 1024);
    expect(p?.data.toString()).toBe(
      'device::ro.product.name=a12nsxx;ro.product.model=SM-A125F;ro.product.device=a12;features=cmd',
    );
  });

  it('keeps one WRTE in flight and reassembles sync frames split across and batched in WRTEs', async () => {
    adbd = await startFakeAdbd({ profile: await loadProfile(tiny) });
    host = await RawHost.open(adbd.port);
    // a small host max payload forces several WRTEs for one 64 KiB DATA frame
    host.send(A_CNXN, 0x01000001, 16384, 'host::\0');
    await host.next();
    host.send(A_OPEN, 7, 0, 'sync:\0');
    const ok = await host.next();
    expect(ok?.command).toBe(A_OKAY);
    const local = ok!.arg0;
    expect(ok?.arg1).toBe(7);
    const frames = Buffer.concat([syncFrame('STAT', APK), syncFrame('RECV', APK)]);
    // a STAT header split across two WRTEs, the second also carrying the whole RECV
    host.send(A_WRTE, 7, local, frames.subarray(0, 5));
    expect((await host.next())?.command).toBe(A_OKAY);
    expect(await host.next(50)).toBeUndefined();
    host.send(A_WRTE, 7, local, frames.subarray(5));
    expect((await host.next())?.command).toBe(A_OKAY);

    const received: Buffer[] = [];
    for (;;) {
      const p = await host.next();
      if (!p || p.command !== A_WRTE) break;
      expect(p.data.length).toBeLessThanOrEqual(16384);
      received.push(p.data);
      // nothing more may arrive until we acknowledge
      expect(await host.next(30)).toBeUndefined();
      host.send(A_OKAY, 7, local);
      const all = Buffer.concat(received);
      if (all.length >= 24 && all.subarray(-8, -4).toString() === 'DONE') break;
    }
    const all = Buffer.concat(received);
    expect(all.subarray(0, 4).toString()).toBe('STAT');
    // reassemble the RECV payload from DATA frames
    const apk = readFileSync(join(tiny, 'apks', 'tracker.apk'));
    const chunks: Buffer[] = [];
    let off = 16;
    while (all.subarray(off, off + 4).toString() === 'DATA') {
      const n = all.readUInt32LE(off + 4);
      expect(n).toBeLessThanOrEqual(64 * 1024);
      chunks.push(all.subarray(off + 8, off + 8 + n));
      off += 8 + n;
    }
    expect(all.subarray(off, off + 4).toString()).toBe('DONE');
    expect(Buffer.concat(chunks).equals(apk)).toBe(true);
    expect(adbd.log.filter('sync').map((e) => e.request)).toEqual([`STAT ${APK}`, `RECV ${APK}`]);
  });

  it('closes unknown services and never opens them', async () => {
    adbd = await startFakeAdbd({ profile: await loadProfile(tiny) });
    host = await RawHost.open(adbd.port);
    host.send(A_CNXN, 0x01000001, 1 << 20, 'host::\0');
    await host.next();
    host.send(A_OPEN, 3, 0, 'remount:\0');
    const p = await host.next();
    expect([p?.command, p?.arg0, p?.arg1]).toEqual([A_CLSE, 0, 3]);
  });

  it('asks an unknown computer to authenticate and never accepts it', async () => {
    adbd = await startFakeAdbd({ profile: await loadProfile(locked) });
    host = await RawHost.open(adbd.port);
    host.send(A_CNXN, 0x01000001, 1 << 20, 'host::\0');
    const token = await host.next();
    expect([token?.command, token?.arg0, token?.data.length]).toEqual([A_AUTH, 1, 20]);
    host.send(A_AUTH, 2, 0, Buffer.alloc(256, 1));
    const again = await host.next();
    expect([again?.command, again?.arg0]).toEqual([A_AUTH, 1]);
    expect(again?.data.equals(token!.data)).toBe(false);
    host.send(A_AUTH, 3, 0, 'QAAAA… key\0');
    expect(await host.next(100)).toBeUndefined();
    // still refuses services
    host.send(A_OPEN, 1, 0, 'shell:getprop\0');
    expect(await host.next(100)).toBeUndefined();
  });
});

describe.skipIf(!hasAdb)(
  'fake adbd with the real adb (skipped: /usr/bin/adb not installed)',
  () => {
    let server: RealAdbServer;
    let adbPort = 0;
    let phone: FakeAdbd;
    let lockedPhone: FakeAdbd;
    const adb = (...args: string[]) => server.adb(...args);

    beforeAll(async () => {
      server = await startRealAdbServer();
      adbPort = server.port;
      phone = await startFakeAdbd({ profile: await loadProfile(tiny) });
      lockedPhone = await startFakeAdbd({ profile: await loadProfile(locked) });
      await server.connect(`127.0.0.1:${phone.port}`);
      await server.connect(`127.0.0.1:${lockedPhone.port}`, 'unauthorized');
    });

    afterAll(async () => {
      await server?.stop();
      await phone?.close();
      await lockedPhone?.close();
    });

    it('runs `adb shell getprop` with the profile’s exact output', async () => {
      const { stdout, code } = await adb('-s', `127.0.0.1:${phone.port}`, 'shell', 'getprop');
      expect(code).toBe(0);
      expect(stdout).toBe(readFileSync(join(tiny, 'getprop.txt'), 'utf8'));
      expect(phone.log.filter('shell').map((e) => e.request)).toContain('getprop');
      expect(phone.log.entries.every((e) => e.via === 'adbd' && e.serial === 'SIMTINY0001')).toBe(
        true,
      );
    });

    it('lets adbkit, through the real adb server, run shell and pull an APK byte for byte', async () => {
      const client = Adb.createClient({ host: '127.0.0.1', port: adbPort, bin: '/bin/false' });
      const devices = await client.listDevices();
      expect(devices).toContainEqual({ id: `127.0.0.1:${phone.port}`, type: 'device' });
      const device = client.getDevice(`127.0.0.1:${phone.port}`);
      const pm = await Adb.util.readAll(await device.shell('pm list packages -f -i -U -u'));
      expect(pm.toString()).toBe(readFileSync(join(tiny, 'pm-list.txt'), 'utf8'));
      const pulled = await Adb.util.readAll(await device.pull(APK));
      expect(pulled.equals(readFileSync(join(tiny, 'apks', 'tracker.apk')))).toBe(true);
      expect(phone.log.filter('sync').map((e) => e.request)).toContain(`RECV ${APK}`);
    });

    it('shows a phone that never accepted this computer as unauthorized', async () => {
      const { stdout } = await adb('devices');
      expect(stdout).toContain(`127.0.0.1:${lockedPhone.port}\tunauthorized`);
      const shell = await adb('-s', `127.0.0.1:${lockedPhone.port}`, 'shell', 'getprop');
      expect(shell.code).not.toBe(0);
      expect(shell.stderr).toMatch(/unauthorized/);
      expect(lockedPhone.log.filter('shell')).toEqual([]);
    });
  },
);
