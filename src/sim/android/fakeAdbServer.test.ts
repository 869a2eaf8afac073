import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Adb } from '../../device/android/adbkit.js';
import { DeviceProfile, loadProfile } from './device.js';
import { type FakeAdbServer, startFakeAdbServer } from './fakeAdbServer.js';

const here = dirname(fileURLToPath(import.meta.url));
const tiny = join(here, 'testdata', 'tiny-phone');
const locked = join(here, 'testdata', 'locked-phone');
const APK = '/data/app/~~Q1w2e3R4==/com.example.tracker-Z9x8y7==/base.apk';

let server: FakeAdbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(profiles: DeviceProfile[], latencyMs = 0) {
  server = await startFakeAdbServer({ profiles, latencyMs });
  const client = Adb.createClient({ host: server.host, port: server.port, bin: '/bin/false' });
  return { server, client };
}

function syncFrame(id: string, arg: string): Buffer {
  const b = Buffer.from(arg, 'utf8');
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(b.length, 4);
  return Buffer.concat([head, b]);
}

/**
 * Raw host-protocol requests on one connection, then optional raw bytes (sent
 * `pieceSize` bytes at a time); returns everything the server sent until it closed.
 */
function rawRequest(
  port: number,
  services: string | string[],
  after?: Buffer,
  pieceSize = 1 << 20,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('connect', async () => {
      for (const svc of [services].flat()) {
        s.write(`${svc.length.toString(16).padStart(4, '0')}${svc}`);
      }
      for (let off = 0; after && off < after.length; off += pieceSize) {
        await new Promise((r) => setTimeout(r, 2));
        s.write(after.subarray(off, off + pieceSize));
      }
    });
    s.on('data', (c) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

describe('fake adb server, driven by adbkit', () => {
  it('lists phones with their states', async () => {
    const { client } = await start([await loadProfile(tiny), await loadProfile(locked)]);
    const devices = await client.listDevices();
    expect(devices).toEqual([
      { id: 'SIMTINY0001', type: 'device' },
      { id: 'SIMLOCKED02', type: 'unauthorized' },
    ]);
    expect(await client.version()).toBe(41);
  });

  it('runs shell commands and getprop like a phone', async () => {
    const { server, client } = await start([await loadProfile(tiny)]);
    const device = client.getDevice('SIMTINY0001');
    const out = await Adb.util.readAll(await device.shell('getprop'));
    expect(out.toString()).toBe(readFileSync(join(tiny, 'getprop.txt'), 'utf8'));
    const props = await device.getProperties();
    expect(props['ro.product.model']).toBe('SM-A125F');
    const unknown = await Adb.util.readAll(await device.shell('frobnicate --all'));
    expect(unknown.toString()).toBe('/system/bin/sh: frobnicate: inaccessible or not found\n');
    expect(server.log.filter('shell', 'SIMTINY0001').map((e) => e.request)).toEqual([
      'getprop',
      'getprop',
      'frobnicate --all',
    ]);
    expect(server.log.entries.every((e) => e.via === 'host-server')).toBe(true);
    expect(server.log.entries[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it('hashes served and listed APKs with sha256sum', async () => {
    const { client } = await start([await loadProfile(tiny)]);
    const device = client.getDevice('SIMTINY0001');
    const listedOnly = '/data/app/~~a8B7c6==/org.example.notes-K5j4==/base.apk';
    const cmd = `sha256sum ${APK} ${listedOnly} /data/app/nope.apk`;
    const out = (await Adb.util.readAll(await device.shell(cmd))).toString();
    const real = createHash('sha256')
      .update(readFileSync(join(tiny, 'apks', 'tracker.apk')))
      .digest('hex');
    const stand = createHash('sha256').update(`spycheck-sim:${listedOnly}`).digest('hex');
    expect(out).toBe(
      `${real}  ${APK}\n${stand}  ${listedOnly}\nsha256sum: /data/app/nope.apk: No such file or directory\n`,
    );
  });

  it('stats, lists and pulls a served APK byte for byte over sync', async () => {
    const { server, client } = await start([await loadProfile(tiny)], 5);
    const device = client.getDevice('SIMTINY0001');
    const expected = readFileSync(join(tiny, 'apks', 'tracker.apk'));
    const st = await device.stat(APK);
    expect(st.size).toBe(expected.length);
    expect(st.isFile()).toBe(true);
    const pulled = await Adb.util.readAll(await device.pull(APK));
    expect(pulled.equals(expected)).toBe(true);
    const entries = await device.readdir(dirname(APK));
    expect(entries.map((e) => e.name)).toEqual(['base.apk', 'split_config.arm64_v8a.apk']);
    expect(server.log.filter('sync').map((e) => e.request)).toEqual([
      `STAT ${APK}`,
      `RECV ${APK}`,
      `LIST ${dirname(APK)}`,
    ]);
  });

  it('fails RECV of a missing file and refuses SEND, ending the session like adbd', async () => {
    const { client } = await start([await loadProfile(tiny)]);
    const device = client.getDevice('SIMTINY0001');
    // STAT of a missing file answers mode 0, which adbkit turns into ENOENT
    await expect(device.stat('/data/app/nothing/base.apk')).rejects.toThrow(/ENOENT/);
    const open = ['host:transport:SIMTINY0001', 'sync:'];
    const recv = await rawRequest(server!.port, open, syncFrame('RECV', '/data/app/x/base.apk'));
    expect(recv.toString('latin1')).toBe(
      'OKAYOKAYFAIL\x26\0\0\0open failed: No such file or directory',
    );
    const send = await rawRequest(
      server!.port,
      open,
      Buffer.concat([syncFrame('SEND', '/data/local/tmp/x,33188'), syncFrame('DATA', 'x')]),
    );
    expect(send.toString('latin1')).toMatch(/^OKAYOKAYFAIL.{4}.*read-only/s);
  });

  it('answers sync frames split across writes and batched in one write', async () => {
    const { server } = await start([await loadProfile(tiny)]);
    const frames = Buffer.concat([
      syncFrame('STAT', APK),
      syncFrame('STAT', '/data/app/none'),
      syncFrame('QUIT', ''),
    ]);
    const out = await rawRequest(server.port, ['host:transport:SIMTINY0001', 'sync:'], frames, 3);
    expect(out.subarray(0, 8).toString()).toBe('OKAYOKAY');
    expect(out.subarray(8, 12).toString()).toBe('STAT');
    expect(out.readUInt32LE(12)).toBe(0o100644);
    expect(out.readUInt32LE(16)).toBe(readFileSync(join(tiny, 'apks', 'tracker.apk')).length);
    expect(out.subarray(24, 28).toString()).toBe('STAT');
    expect(out.subarray(28, 40).equals(Buffer.alloc(12))).toBe(true);
    expect(out.length).toBe(40);
  });

  it('lists an unauthorized phone and refuses to talk to it with adb’s message', async () => {
    const { client } = await start([await loadProfile(locked)]);
    const device = client.getDevice('SIMLOCKED02');
    await expect(device.shell('getprop')).rejects.toThrow(/device unauthorized/);
    const raw = await rawRequest(server!.port, 'host:devices-l');
    expect(raw.toString()).toMatch(
      /^OKAY[0-9a-f]{4}SIMLOCKED02 +unauthorized usb:1-1 transport_id:1\n$/,
    );
  });

  it('answers devices -l, features, tport and unknown services like adb', async () => {
    const { server } = await start([await loadProfile(tiny)]);
    const long = (await rawRequest(server.port, 'host:devices-l')).toString();
    expect(long).toContain(
      'SIMTINY0001            device usb:1-1 product:a12nsxx model:SM_A125F device:a12 transport_id:1\n',
    );
    expect((await rawRequest(server.port, 'host-serial:SIMTINY0001:features')).toString()).toBe(
      'OKAY0003cmd',
    );
    const tport = await rawRequest(server.port, ['host:tport:serial:SIMTINY0001', 'shell:getprop']);
    expect(tport.subarray(0, 4).toString()).toBe('OKAY');
    expect(tport.readBigUInt64LE(4)).toBe(1n);
    expect(tport.subarray(12, 16).toString()).toBe('OKAY');
    expect(tport.subarray(16).toString()).toContain('[ro.build.version.sdk]: [31]');
    expect((await rawRequest(server.port, 'host:transport:NOPE')).toString()).toBe(
      "FAIL0017device 'NOPE' not found",
    );
    const other = await rawRequest(server.port, ['host:transport-any', 'reboot:']);
    expect(other.toString()).toBe('OKAYFAIL0006closed');
  });

  it('tracks devices as they change state and go away', async () => {
    const { server, client } = await start([await loadProfile(tiny), await loadProfile(locked)]);
    const tracker = await client.trackDevices();
    const events: string[] = [];
    tracker.on('change', (d) => events.push(`change ${d.id} ${d.type}`));
    tracker.on('remove', (d) => events.push(`remove ${d.id}`));
    await new Promise((r) => setTimeout(r, 50));
    server.setState('SIMLOCKED02', 'device');
    await new Promise((r) => setTimeout(r, 50));
    server.unplug('SIMTINY0001');
    await new Promise((r) => setTimeout(r, 50));
    tracker.end();
    expect(events).toEqual(['change SIMLOCKED02 device', 'remove SIMTINY0001']);
    expect(await client.listDevices()).toEqual([{ id: 'SIMLOCKED02', type: 'device' }]);
  });

  it('delays each shell command and sync request by the injected latency', async () => {
    const { client } = await start([await loadProfile(tiny)], 80);
    const device = client.getDevice('SIMTINY0001');
    let t = Date.now();
    await Adb.util.readAll(await device.shell('getprop'));
    expect(Date.now() - t).toBeGreaterThanOrEqual(75);
    t = Date.now();
    await device.stat(APK);
    expect(Date.now() - t).toBeGreaterThanOrEqual(75);
    t = Date.now();
    await client.listDevices();
    expect(Date.now() - t).toBeLessThan(75);
  });

  it('cuts a shell stream mid-output when the phone is unplugged', async () => {
    const big = Buffer.alloc(32 * 1024 * 1024, 'x');
    const phone = new DeviceProfile({
      name: 'big',
      description: '',
      serial: 'BIG1',
      state: 'device',
      banner: { product: 'p', model: 'm', device: 'd' },
      shell: { 'dumpsys package packages': big },
      files: {},
    });
    const { server, client } = await start([phone]);
    const stream = await client.getDevice('BIG1').shell('dumpsys package packages');
    const received = await new Promise<number>((resolve) => {
      let n = 0;
      stream.on('data', (c: Buffer) => {
        if (n === 0) server.unplug('BIG1');
        n += c.length;
      });
      stream.on('close', () => resolve(n));
      stream.on('error', () => {});
    });
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(big.length);
    await expect(client.getDevice('BIG1').shell('getprop')).rejects.toThrow(/not found/);
  });
});
