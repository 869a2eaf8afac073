import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceProfile, loadProfileData, type ShellFault } from '../../sim/android/device.js';
import { type FakeAdbServer, startFakeAdbServer } from '../../sim/android/fakeAdbServer.js';
import { Adb } from './adbkit.js';
import {
  OutputCutShortError,
  PhoneLostError,
  PullStoppedError,
  PullTooLargeError,
  phoneOptionsFromEnv,
  ReadOnlyAndroidPhone,
} from './phone.js';

const tiny = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'sim',
  'android',
  'testdata',
  'tiny-phone',
);
const DUMP = 'dumpsys package packages';
const SETTINGS = 'settings list global';
const MiB = 1024 * 1024;

let server: FakeAdbServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function phoneWith(
  edit: { shell?: Record<string, string | Buffer>; faults?: Record<string, ShellFault> },
  options: ConstructorParameters<typeof ReadOnlyAndroidPhone>[2] = {},
) {
  const data = await loadProfileData(tiny);
  const profile = new DeviceProfile({
    ...data,
    shell: { ...data.shell, ...edit.shell },
    faults: edit.faults ?? {},
  });
  server = await startFakeAdbServer({ profiles: [profile] });
  const client = Adb.createClient({ host: server.host, port: server.port, bin: '/bin/false' });
  return { server, profile, phone: new ReadOnlyAndroidPhone(client, profile.serial, options) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await sleep(10);
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a long shell answer under the cap', () => {
  it('is read whole, byte for byte (64 MB)', async () => {
    const line = Buffer.from('  Package [com.example.app] (1a2b3c):\n    userId=10234\n', 'utf8');
    const big = Buffer.alloc(64 * MiB);
    for (let off = 0; off < big.length; off += line.length) line.copy(big, off);
    const { phone } = await phoneWith({ shell: { [DUMP]: big } });
    const text = await phone.shell('packageDetails', DUMP);
    expect(text.length).toBe(big.length);
    const [raw] = phone.raw;
    expect(raw?.cutShort).toBeUndefined();
    expect(raw?.record.bytes).toBe(big.length);
    expect(raw?.record.sha256).toBe(sha(big));
    expect(raw?.data.equals(big)).toBe(true);
    expect(phone.bytesRead).toBe(big.length);
  }, 20_000);
});

describe('an answer that never ends', () => {
  it('is cut at the cap: the stream is closed, what came is kept and marked cut short', async () => {
    const {
      phone,
      profile,
      server: s,
    } = await phoneWith(
      { faults: { [SETTINGS]: { kind: 'endless' } } },
      { maxShellBytes: 2 * MiB },
    );
    const err = await phone.shell('settingsGlobal', SETTINGS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputCutShortError);
    expect((err as Error).message).toBe(
      'The phone kept sending output for "settings list global" past 2 MB, so spycheck stopped reading it',
    );
    const [raw] = phone.raw;
    expect(raw?.cutShort).toBe((err as Error).message);
    // every byte read is kept (the last chunk may run past the cap)
    expect(raw!.data.length).toBeGreaterThan(2 * MiB);
    expect(raw!.data.length).toBeLessThan(2 * MiB + 256 * 1024);
    expect((err as OutputCutShortError).text).toBe(raw!.data.toString('utf8'));
    expect(raw?.record.sha256).toBe(sha(raw!.data));
    // the answer is the phone's usual output, repeated
    const usual = profile.shell(SETTINGS);
    expect(raw!.data.subarray(0, usual.length).equals(usual)).toBe(true);
    expect(raw!.data.subarray(usual.length, 2 * usual.length).equals(usual)).toBe(true);
    // the simulator sees the stream closed and stops writing
    const answer = s.faultAnswers[0]!;
    await until(() => answer.closed !== undefined);
    expect(answer.closed).toBeDefined();
    // one faulty command is not a lost phone: the next question is answered
    expect(phone.lostError).toBeUndefined();
    expect(await phone.shell('getprop', 'getprop')).toBe(profile.shell('getprop').toString());
  });

  it('a second one stops the scan (the phone, not one command, misbehaves), keeping both', async () => {
    const { phone, server: s } = await phoneWith(
      { faults: { [SETTINGS]: { kind: 'endless' }, [DUMP]: { kind: 'endless' } } },
      { maxShellBytes: MiB },
    );
    await expect(phone.shell('settingsGlobal', SETTINGS)).rejects.toBeInstanceOf(
      OutputCutShortError,
    );
    const second = await phone.shell('packageDetails', DUMP).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(PhoneLostError);
    expect(phone.lostError?.message).toMatch(/stopped before it finished.*without end/);
    expect(phone.raw.map((r) => r.cutShort !== undefined)).toEqual([true, true]);
    await expect(phone.shell('getprop', 'getprop')).rejects.toBeInstanceOf(PhoneLostError);
    await until(() => s.faultAnswers.every((a) => a.closed));
    expect(s.faultAnswers.map((a) => a.closed !== undefined)).toEqual([true, true]);
  });

  it('takes its cap from SPYCHECK_MAX_SHELL_BYTES in the environment it is given', async () => {
    const options = phoneOptionsFromEnv({ SPYCHECK_MAX_SHELL_BYTES: String(MiB) });
    expect(options).toEqual({ maxShellBytes: MiB });
    const { phone } = await phoneWith({ faults: { [SETTINGS]: { kind: 'endless' } } }, options);
    await expect(phone.shell('settingsGlobal', SETTINGS)).rejects.toThrow(/past 1 MB/);
    // nonsense is ignored, never a zero or negative cap
    expect(
      phoneOptionsFromEnv({ SPYCHECK_MAX_SHELL_BYTES: '-5', SPYCHECK_REQUEST_TIMEOUT_MS: '0' }),
    ).toEqual({});
  });
});

describe('an answer that trickles and never finishes', () => {
  it('is given up after requestTimeoutMs and its stream closed; what came is kept', async () => {
    const { phone, server: s } = await phoneWith(
      { faults: { [DUMP]: { kind: 'slow', bytes: 5, intervalMs: 40 } } },
      { requestTimeoutMs: 400 },
    );
    const err = await phone.shell('packageDetails', DUMP).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhoneLostError);
    expect((err as Error).message).toMatch(/no answer to "dumpsys package packages"/);
    const answer = s.faultAnswers[0]!;
    await until(() => answer.closed !== undefined, 1000);
    expect(answer.closed).toBeDefined();
    const [raw] = phone.raw;
    expect(raw?.cutShort).toBe((err as Error).message);
    expect(raw!.data.length).toBeGreaterThan(0);
    expect(raw!.data.length).toBeLessThanOrEqual(answer.bytesSent);
  });

  it('is closed at once when the scan is stopped (Ctrl-C)', async () => {
    const { phone, server: s } = await phoneWith({
      faults: { [DUMP]: { kind: 'slow', bytes: 5, intervalMs: 40 } },
    });
    const pending = phone.shell('packageDetails', DUMP).catch((e: unknown) => e);
    await until(() => (s.faultAnswers[0]?.bytesSent ?? 0) > 10);
    phone.abort('The scan was stopped before it finished (Ctrl-C)');
    expect(await pending).toBeInstanceOf(PhoneLostError);
    const answer = s.faultAnswers[0]!;
    await until(() => answer.closed !== undefined, 1000);
    expect(answer.closed).toBeDefined();
  });
});

/**
 * An adb server whose phone accepts `sync:` and then never answers: enough to
 * see whether a pull that is given up closes its connection.
 */
async function hungSyncServer(): Promise<{ port: number; syncs: Socket[]; server: Server }> {
  const syncs: Socket[] = [];
  const srv = createServer((socket) => {
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 4) {
        const len = Number.parseInt(buf.toString('latin1', 0, 4), 16);
        if (Number.isNaN(len) || buf.length < 4 + len) return;
        const service = buf.toString('latin1', 4, 4 + len);
        buf = buf.subarray(4 + len);
        socket.write('OKAY');
        if (service === 'sync:') {
          syncs.push(socket);
          socket.removeAllListeners('data');
          socket.resume();
          return;
        }
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const address = srv.address();
  return { port: typeof address === 'object' && address ? address.port : 0, syncs, server: srv };
}

describe('a pull that is given up', () => {
  const APK = '/data/app/~~Q1w2e3R4==/com.example.tracker-Z9x8y7==/base.apk';
  const closed = (s: Socket) =>
    new Promise<boolean>((r) => {
      if (s.destroyed) r(true);
      s.once('close', () => r(true));
      setTimeout(() => r(false), 1000);
    });

  for (const how of ['timeout', 'abort'] as const) {
    it(`closes its sync connection (${how})`, async () => {
      const fake = await hungSyncServer();
      try {
        const client = Adb.createClient({ host: '127.0.0.1', port: fake.port, bin: '/bin/false' });
        const phone = new ReadOnlyAndroidPhone(client, 'HUNG', {
          requestTimeoutMs: how === 'timeout' ? 300 : 60_000,
        });
        const pending = phone.pull(APK).catch((e: unknown) => e);
        await until(() => fake.syncs.length > 0);
        expect(fake.syncs).toHaveLength(1);
        if (how === 'abort') phone.abort('The scan was stopped before it finished (Ctrl-C)');
        expect(await pending).toBeInstanceOf(PhoneLostError);
        expect(await closed(fake.syncs[0]!)).toBe(true);
      } finally {
        for (const s of fake.syncs) s.destroy();
        await new Promise((r) => fake.server.close(r));
      }
    });
  }
});

describe('a pull hashed on the way, within limits', () => {
  const APK = '/data/app/~~Q1w2e3R4==/com.example.tracker-Z9x8y7==/base.apk';

  it('lands in one buffer of the size the phone gave, every chunk seen once on the way', async () => {
    const { phone } = await phoneWith({});
    const st = await phone.stat(APK);
    const hash = createHash('sha256');
    let seen = 0;
    const apk = await phone.pull(APK, {
      size: st!.size,
      onData: (c) => {
        seen += c.length;
        hash.update(c);
      },
    });
    expect(apk.length).toBe(st!.size);
    expect(seen).toBe(apk.length);
    expect(hash.digest('hex')).toBe(sha(apk));
    expect(apk.equals(await phone.pull(APK))).toBe(true);
  });

  it('refuses a file over its own cap before any of it is used', async () => {
    const { phone } = await phoneWith({});
    const e = await phone.pull(APK, { maxBytes: 10 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PullTooLargeError);
    // the phone is still there for the next request
    expect(phone.lostError).toBeUndefined();
    expect((await phone.pull(APK)).length).toBeGreaterThan(10);
  });

  it('gives a copy up when its time is over, and the phone stays usable', async () => {
    const fake = await hungSyncServer();
    try {
      const client = Adb.createClient({ host: '127.0.0.1', port: fake.port, bin: '/bin/false' });
      const phone = new ReadOnlyAndroidPhone(client, 'HUNG', { requestTimeoutMs: 60_000 });
      const e = await phone.pull(APK, { stopAfterMs: 50 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PullStoppedError);
      expect(phone.lostError).toBeUndefined();
    } finally {
      for (const s of fake.syncs) s.destroy();
      await new Promise((r) => fake.server.close(r));
    }
  });
});
