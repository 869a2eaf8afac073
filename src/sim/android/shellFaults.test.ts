import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  A_CLSE,
  A_CNXN,
  A_OKAY,
  A_OPEN,
  A_WRTE,
  type AdbPacket,
  encodePacket,
  PacketReader,
} from './adbPacket.js';
import { DeviceProfile, loadProfileData, type ShellFault } from './device.js';
import { type FakeAdbd, startFakeAdbd } from './fakeAdbd.js';
import { type FakeAdbServer, startFakeAdbServer } from './fakeAdbServer.js';
import { runSim } from './run.js';
import type { FaultAnswer } from './shellFaults.js';

const tiny = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'tiny-phone');
const DUMP = 'dumpsys package packages';

async function tinyWith(faults: Record<string, ShellFault>): Promise<DeviceProfile> {
  return new DeviceProfile({ ...(await loadProfileData(tiny)), faults });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await sleep(10);
}

/** `shell:CMD` straight over the host protocol, as adbkit sends it. */
async function openShell(port: number, serial: string, command: string): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  s.on('error', () => {});
  for (const svc of [`host:transport:${serial}`, `shell:${command}`]) {
    s.write(`${svc.length.toString(16).padStart(4, '0')}${svc}`);
  }
  return s;
}

let server: FakeAdbServer | undefined;
let adbd: FakeAdbd | undefined;
afterEach(async () => {
  await server?.close();
  await adbd?.close();
  server = undefined;
  adbd = undefined;
});

describe('fake adb server: an answer that never ends', () => {
  it('keeps repeating the usual output until the client hangs up, then stops writing', async () => {
    const profile = await tinyWith({ [DUMP]: { kind: 'endless' } });
    server = await startFakeAdbServer({ profiles: [profile] });
    const s = await openShell(server.port, profile.serial, DUMP);
    let got = 0;
    let head = '';
    s.on('data', (c: Buffer) => {
      if (head.length < 4000) head += c.toString('utf8');
      got += c.length;
    });
    await until(() => got > 4 * 1024 * 1024);
    expect(got).toBeGreaterThan(4 * 1024 * 1024);
    // it is the phone's own dump, over and over
    expect(head.slice(8)).toContain(profile.shell(DUMP).toString('utf8').slice(0, 200));
    s.destroy();
    const answer = server.faultAnswers[0]!;
    await until(() => answer.closed !== undefined);
    expect(answer).toMatchObject({ command: DUMP, kind: 'endless', serial: profile.serial });
    expect(answer.closed).toBeDefined();
    const sent = answer.bytesSent;
    await sleep(200);
    expect(answer.bytesSent).toBe(sent);
  });

  it('waits for a client that is not reading instead of piling data up', async () => {
    const profile = await tinyWith({ [DUMP]: { kind: 'endless' } });
    server = await startFakeAdbServer({ profiles: [profile] });
    const s = await openShell(server.port, profile.serial, DUMP);
    s.pause();
    await sleep(500);
    const answer = server.faultAnswers[0]!;
    // only what the socket buffers hold, never an ever-growing backlog
    expect(answer.bytesSent).toBeLessThan(32 * 1024 * 1024);
    const sent = answer.bytesSent;
    await sleep(200);
    expect(answer.bytesSent - sent).toBeLessThan(1024 * 1024);
    s.destroy();
    await until(() => answer.closed !== undefined);
    expect(answer.closed).toBeDefined();
  });
});

describe('fake adb server: an answer that trickles', () => {
  it('sends a few bytes at a time at the set pace and never finishes', async () => {
    const profile = await tinyWith({ [DUMP]: { kind: 'slow', bytes: 3, intervalMs: 100 } });
    server = await startFakeAdbServer({ profiles: [profile] });
    const s = await openShell(server.port, profile.serial, DUMP);
    let text = '';
    let ended = false;
    s.on('data', (c: Buffer) => (text += c.toString('latin1')));
    s.on('end', () => (ended = true));
    await sleep(550);
    // OKAY for the transport, OKAY for the shell
    expect(text.startsWith('OKAYOKAY')).toBe(true);
    const body = text.slice(8);
    expect(body.length).toBeGreaterThanOrEqual(9);
    expect(body.length).toBeLessThanOrEqual(21);
    expect(profile.shell(DUMP).toString('latin1').startsWith(body)).toBe(true);
    expect(ended).toBe(false);
    s.destroy();
    const answer = server.faultAnswers[0]!;
    await until(() => answer.closed !== undefined);
    expect(answer.closed).toBeDefined();
  });

  it('leaves other commands alone', async () => {
    const profile = await tinyWith({ [DUMP]: { kind: 'slow' } });
    server = await startFakeAdbServer({ profiles: [profile] });
    const s = await openShell(server.port, profile.serial, 'getprop');
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => s.once('close', r));
    expect(Buffer.concat(chunks).subarray(8)).toEqual(profile.shell('getprop'));
    expect(server.faultAnswers).toEqual([]);
  });
});

/** Just enough of an adb host to open one shell stream on the fake adbd. */
async function adbdShell(port: number, command: string) {
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const reader = new PacketReader(1 << 20);
  const packets: AdbPacket[] = [];
  socket.on('data', (c: Buffer) => packets.push(...reader.push(c)));
  const send = (cmd: number, a0: number, a1: number, data?: string) =>
    socket.write(encodePacket(cmd, a0, a1, data === undefined ? undefined : Buffer.from(data)));
  send(A_CNXN, 0x01000001, 256 * 1024, 'host::\0');
  await until(() => packets.length > 0);
  send(A_OPEN, 9, 0, `shell:${command}\0`);
  await until(() => packets.some((p) => p.command === A_OKAY));
  const local = packets.find((p) => p.command === A_OKAY)!.arg0;
  return { socket, packets, send, local };
}

describe('fake adbd: misbehaving answers', () => {
  it('an endless answer goes on WRTE after WRTE, each waiting for the OKAY, until CLSE', async () => {
    const profile = await tinyWith({ [DUMP]: { kind: 'endless' } });
    adbd = await startFakeAdbd({ profile });
    const host = await adbdShell(adbd.port, DUMP);
    const wrtes = () => host.packets.filter((p) => p.command === A_WRTE).length;
    for (let i = 0; i < 20; i++) {
      await until(() => wrtes() > i, 1000);
      // one in flight: nothing more comes until this one is acknowledged
      await sleep(i === 0 ? 50 : 0);
      expect(wrtes()).toBe(i + 1);
      host.send(A_OKAY, 9, host.local);
    }
    const answer: FaultAnswer = adbd.faultAnswers[0]!;
    expect(answer.kind).toBe('endless');
    host.send(A_CLSE, 9, host.local);
    await until(() => answer.closed !== undefined);
    expect(answer.closed).toBeDefined();
    const sent = answer.bytesSent;
    await sleep(100);
    expect(answer.bytesSent).toBe(sent);
    host.socket.destroy();
  });

  it('a slow answer stops when the host goes away', async () => {
    const profile = await tinyWith({ [DUMP]: { kind: 'slow', bytes: 2, intervalMs: 50 } });
    adbd = await startFakeAdbd({ profile });
    const host = await adbdShell(adbd.port, DUMP);
    const timer = setInterval(() => host.send(A_OKAY, 9, host.local), 20);
    await sleep(300);
    clearInterval(timer);
    const data = host.packets.filter((p) => p.command === A_WRTE).map((p) => p.data);
    expect(data.length).toBeGreaterThanOrEqual(2);
    expect(data.every((d) => d.length === 2)).toBe(true);
    expect(host.packets.some((p) => p.command === A_CLSE)).toBe(false);
    host.socket.destroy();
    const answer = adbd.faultAnswers[0]!;
    await until(() => answer.closed !== undefined);
    expect(answer.closed).toBeDefined();
  });
});

describe('faults in a profile', () => {
  it('are read from profile.yaml and checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spycheck-fault-'));
    const yaml = (faults: string) =>
      writeFileSync(
        join(dir, 'profile.yaml'),
        'name: f\nserial: F1\nbanner: { product: p, model: m, device: d }\n' +
          `shell:\n  getprop: { text: "[a]: [b]\\n" }\n${faults}`,
      );
    yaml(
      'faults:\n  "settings  list global": { kind: endless }\n  getprop: { kind: slow, bytes: 2, intervalMs: 5000 }\n',
    );
    const p = new DeviceProfile(await loadProfileData(dir));
    expect(p.shellFault('settings list global')).toEqual({ kind: 'endless' });
    expect(p.shellFault('getprop')).toEqual({ kind: 'slow', bytes: 2, intervalMs: 5000 });
    expect(p.shellFault('settings list secure')).toBeUndefined();
    yaml('faults:\n  getprop: { kind: stuck }\n');
    await expect(loadProfileData(dir)).rejects.toThrow(/faults\.getprop/);
    yaml('faults:\n  getprop: { kind: slow, bytes: 0 }\n');
    await expect(loadProfileData(dir)).rejects.toThrow(/faults\.getprop\.bytes/);
  });

  it('spycheck sim says which answers misbehave on purpose', async () => {
    let text = '';
    const controller = new AbortController();
    const done = runSim(tiny, {
      port: 0,
      stderr: { write: (s: string) => (text += s) },
      signal: controller.signal,
      faults: { [DUMP]: { kind: 'endless' }, getprop: { kind: 'slow', intervalMs: 3000 } },
    });
    await until(() => text.includes('Ctrl-C'));
    expect(text).toContain(`its answer to "${DUMP}" never ends`);
    expect(text).toContain('its answer to "getprop" trickles out 4 bytes every 3000 ms');
    controller.abort();
    await done;
  });
});
