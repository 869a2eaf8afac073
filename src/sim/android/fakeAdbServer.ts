/**
 * A fake adb server (the host protocol on TCP 5037 that adbkit and the `adb`
 * client speak), with simulated phones behind it instead of USB. Used when no
 * adb binary is around (`scan --demo`, tests, training).
 */
import type { Socket } from 'node:net';
import type { DeviceProfile, DeviceState } from './deviceProfile.js';
import { listenTcp } from './listen.js';
import { RequestLog } from './requestLog.js';
import { type FaultAnswer, playFault, recordFaultAnswer, socketSink } from './shellFaults.js';
import { writePieces } from './streamOut.js';
import { SyncSession, sleep } from './syncService.js';

export interface FakeAdbServerOptions {
  profiles: DeviceProfile[];
  host?: string;
  port?: number;
  /** Delay before answering each shell command and sync request, like a real phone (50–150 ms). */
  latencyMs?: number;
  /** Share one log between several simulators. */
  log?: RequestLog;
}

export interface FakeAdbServer {
  port: number;
  host: string;
  log: RequestLog;
  /** Every misbehaving answer (profile `faults`) played so far, and whether the client hung up. */
  faultAnswers: FaultAnswer[];
  /** Bytes sent to clients so far (answers, file data and protocol framing), for the benchmark. */
  bytesSent(): number;
  close(): Promise<void>;
  /** Change what `adb devices` shows (e.g. the user accepts the USB debugging prompt). */
  setState(serial: string, state: DeviceState): void;
  /** Pull the cable: the phone disappears and every connection to it is cut, mid-output too. */
  unplug(serial: string): void;
  /** Plug an unplugged phone back in. */
  plug(serial: string): void;
}

/** The host protocol version adb 1.0.41 (platform-tools 29+) reports. */
const ADB_SERVER_VERSION = 41;

interface Phone {
  profile: DeviceProfile;
  state: DeviceState;
  plugged: boolean;
  transportId: number;
  usbPort: number;
  sockets: Set<Socket>;
}

const UNAUTHORIZED_MESSAGE = () =>
  'device unauthorized.\n' +
  `This adb server's $ADB_VENDOR_KEYS is ${process.env.ADB_VENDOR_KEYS ?? 'not set'}\n` +
  "Try 'adb kill-server' if that seems wrong.\n" +
  'Otherwise check for a confirmation dialog on your device.';

export async function startFakeAdbServer(options: FakeAdbServerOptions): Promise<FakeAdbServer> {
  const log = options.log ?? new RequestLog();
  const latencyMs = options.latencyMs ?? 0;
  let nextTransportId = 1;
  const phones = new Map<string, Phone>();
  options.profiles.forEach((profile, i) => {
    if (phones.has(profile.serial))
      throw new Error(`two simulated phones share serial ${profile.serial}`);
    phones.set(profile.serial, {
      profile,
      state: profile.state,
      plugged: true,
      transportId: nextTransportId++,
      usbPort: i + 1,
      sockets: new Set(),
    });
  });
  const trackers = new Map<Socket, { long: boolean; last: string }>();
  const open = new Set<Socket>();
  let closedBytes = 0;
  const faultAnswers: FaultAnswer[] = [];

  const plugged = () => [...phones.values()].filter((p) => p.plugged);

  const deviceList = (long: boolean): string =>
    plugged()
      .map((p) => {
        if (!long) return `${p.profile.serial}\t${p.state}\n`;
        let line = `${p.profile.serial.padEnd(22)} ${p.state} usb:1-${p.usbPort}`;
        if (p.state === 'device') {
          const b = p.profile.banner;
          // adb sanitizes only the model (anything not alphanumeric becomes _)
          line += ` product:${b.product} model:${b.model.replace(/[^A-Za-z0-9]/g, '_')} device:${b.device}`;
        }
        return `${line} transport_id:${p.transportId}\n`;
      })
      .join('');

  const notifyTrackers = () => {
    for (const [socket, t] of trackers) {
      const list = deviceList(t.long);
      if (list === t.last) continue;
      t.last = list;
      socket.write(hex4Value(list));
    }
  };

  type Pick = { phone: Phone } | { error: string };
  const pick = (selector: string): Pick => {
    let candidates: Phone[];
    if (selector.startsWith('serial:')) {
      const serial = selector.slice('serial:'.length);
      const phone = phones.get(serial);
      if (!phone?.plugged) return { error: `device '${serial}' not found` };
      candidates = [phone];
    } else if (selector.startsWith('id:')) {
      const id = Number(selector.slice(3));
      const phone = plugged().find((p) => p.transportId === id);
      if (!phone) return { error: `no device with transport id '${selector.slice(3)}'` };
      candidates = [phone];
    } else {
      // any / usb (all simulated phones are USB) / local (no emulators here)
      candidates = selector === 'local' ? [] : plugged();
      if (candidates.length === 0) {
        return { error: selector === 'usb' ? 'no devices found' : 'no devices/emulators found' };
      }
      if (candidates.length > 1) {
        return {
          error: selector === 'usb' ? 'more than one device' : 'more than one device/emulator',
        };
      }
    }
    const phone = candidates[0]!;
    if (phone.state === 'unauthorized') return { error: UNAUTHORIZED_MESSAGE() };
    if (phone.state === 'offline') return { error: 'device offline' };
    return { phone };
  };

  /** Like pick(), but for host-serial queries that also answer for unauthorized phones. */
  const find = (serialOrAny: string): Phone | string => {
    if (serialOrAny === 'any') {
      const all = plugged();
      if (all.length === 1) return all[0]!;
      return all.length === 0 ? 'no devices/emulators found' : 'more than one device/emulator';
    }
    const phone = phones.get(serialOrAny);
    return phone?.plugged ? phone : `device '${serialOrAny}' not found`;
  };

  const handle = (socket: Socket) => {
    socket.setNoDelay(true);
    open.add(socket);
    let buffered = Buffer.alloc(0);
    let phone: Phone | undefined;
    let mode: 'host' | 'device' | 'busy' | 'sync' = 'host';
    let sync: SyncSession | undefined;

    const fail = (message: string) => {
      const msg = Buffer.from(message, 'utf8');
      socket.end(Buffer.concat([Buffer.from('FAIL', 'latin1'), hex4(msg.length), msg]));
    };
    const okay = (payload?: string | Buffer) => {
      socket.write('OKAY');
      if (payload !== undefined) socket.write(hex4Value(payload));
    };
    const bind = (p: Phone) => {
      phone = p;
      p.sockets.add(socket);
    };

    const hostService = (service: string) => {
      log.add('host-server', phone?.profile.serial ?? serialOf(service), 'host', service);
      if (service === 'host:version') return socket.end(okayValue(hex4(ADB_SERVER_VERSION)));
      if (service === 'host:devices' || service === 'host:devices-l') {
        return socket.end(okayValue(deviceList(service.endsWith('-l'))));
      }
      if (service === 'host:track-devices' || service === 'host:track-devices-l') {
        const long = service.endsWith('-l');
        const list = deviceList(long);
        trackers.set(socket, { long, last: list });
        mode = 'busy';
        return okay(list);
      }
      if (service === 'host:kill') {
        // The simulator keeps running (stop it with Ctrl-C); the client only needs the OKAY.
        return socket.end('OKAY');
      }
      if (service === 'host:host-features') return socket.end(okayValue('cmd'));

      const transport = /^host:(transport|tport):(.*)$/.exec(service);
      const transportId = /^host:transport-id:(\d+)$/.exec(service);
      const transportKind = /^host:transport-(any|usb|local)$/.exec(service);
      if (transport || transportId || transportKind) {
        let selector: string;
        if (transportId) selector = `id:${transportId[1]}`;
        else if (transportKind) selector = transportKind[1]!;
        else if (transport![1] === 'transport') selector = `serial:${transport![2]}`;
        else selector = transport![2]!;
        if (transport?.[1] === 'tport' && !/^(serial:.+|any|usb|local)$/.test(selector)) {
          return fail(`unknown transport request: ${service}`);
        }
        const picked = pick(selector);
        if ('error' in picked) return fail(picked.error);
        bind(picked.phone);
        mode = 'device';
        socket.write('OKAY');
        if (transport?.[1] === 'tport') {
          const id = Buffer.alloc(8);
          id.writeBigUInt64LE(BigInt(picked.phone.transportId));
          socket.write(id);
        }
        return;
      }

      const query = hostQuery(service);
      if (query) {
        const target = find(query.serial);
        if (typeof target === 'string') return fail(target);
        bind(target);
        switch (query.what) {
          case 'get-state':
            return socket.end(okayValue(target.state));
          case 'get-serialno':
            return socket.end(okayValue(target.profile.serial));
          case 'get-devpath':
            return socket.end(okayValue(`usb:1-${target.usbPort}`));
          case 'features':
            if (target.state !== 'device') return fail(pickError(target));
            return socket.end(okayValue('cmd'));
        }
      }
      return fail(`unknown host service '${service}'`);
    };

    const deviceService = async (service: string) => {
      const p = phone!;
      const serial = p.profile.serial;
      const shellMatch = /^(shell|exec):(.*)$/s.exec(service);
      if (shellMatch) {
        log.add('host-server', serial, 'shell', shellMatch[2]!);
        mode = 'busy';
        socket.write('OKAY');
        if (latencyMs) await sleep(latencyMs);
        if (socket.destroyed) return;
        const command = shellMatch[2]!;
        const fault = p.profile.shellFault(command);
        if (fault) {
          const record = recordFaultAnswer(faultAnswers, serial, command, fault);
          await playFault(fault, p.profile.shell(command), socketSink(socket), record);
          if (!socket.destroyed) socket.end();
          return;
        }
        const out = await p.profile.answer(command);
        if (socket.destroyed) return;
        if (await writePieces(socket, out)) socket.end();
        return;
      }
      if (service === 'sync:') {
        log.add('host-server', serial, 'other', service);
        mode = 'sync';
        socket.write('OKAY');
        sync = new SyncSession(
          p.profile,
          {
            write: async (data) => {
              if (socket.destroyed) throw new Error('connection closed');
              await writePieces(socket, data);
            },
            end: () => socket.end(),
          },
          {
            latencyMs,
            onRequest: (op, path) => log.add('host-server', serial, 'sync', `${op} ${path}`.trim()),
          },
        );
        const rest = buffered;
        buffered = Buffer.alloc(0);
        if (rest.length) sync.push(rest);
        return;
      }
      log.add('host-server', serial, 'other', service);
      mode = 'busy';
      fail('closed');
    };

    const pump = () => {
      while (mode === 'host' || mode === 'device') {
        if (buffered.length < 4) return;
        const lenText = buffered.toString('latin1', 0, 4);
        if (!/^[0-9a-fA-F]{4}$/.test(lenText)) {
          mode = 'busy';
          return fail('bad request length');
        }
        const len = Number.parseInt(lenText, 16);
        if (buffered.length < 4 + len) return;
        const service = buffered.toString('utf8', 4, 4 + len);
        buffered = buffered.subarray(4 + len);
        if (mode === 'host') hostService(service);
        else void deviceService(service);
      }
    };

    socket.on('data', (chunk: Buffer) => {
      if (mode === 'sync') return sync?.push(chunk);
      if (mode === 'busy') return;
      buffered = Buffer.concat([buffered, chunk]);
      pump();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      open.delete(socket);
      closedBytes += socket.bytesWritten;
      trackers.delete(socket);
      phone?.sockets.delete(socket);
      sync?.close();
    });
  };

  const { host, port, close } = await listenTcp(handle, options.host, options.port);

  const get = (serial: string): Phone => {
    const phone = phones.get(serial);
    if (!phone) throw new Error(`no simulated phone with serial ${serial}`);
    return phone;
  };

  return {
    port,
    host,
    log,
    faultAnswers,
    bytesSent: () => [...open].reduce((n, s) => n + s.bytesWritten, closedBytes),
    close,
    setState(serial, state) {
      const phone = get(serial);
      phone.state = state;
      notifyTrackers();
    },
    unplug(serial) {
      const phone = get(serial);
      phone.plugged = false;
      for (const s of phone.sockets) s.destroy();
      phone.sockets.clear();
      notifyTrackers();
    },
    plug(serial) {
      const phone = get(serial);
      if (phone.plugged) return;
      phone.plugged = true;
      phone.transportId = nextTransportId++;
      notifyTrackers();
    },
  };
}

/** `host-serial:<serial>:<what>` (the serial may itself hold colons, e.g. 10.0.0.2:5555). */
function hostQuery(service: string): { serial: string; what: string } | undefined {
  const m =
    /^(?:host-serial:(.+)|host(?:-usb|-local)?):(get-state|get-serialno|get-devpath|features)$/.exec(
      service,
    );
  if (!m) return undefined;
  return { serial: m[1] ?? 'any', what: m[2]! };
}

function pickError(phone: Phone): string {
  return phone.state === 'unauthorized' ? UNAUTHORIZED_MESSAGE() : 'device offline';
}

function serialOf(service: string): string {
  return (
    /^host-serial:(.+):[a-z-]+$/.exec(service)?.[1] ??
    /^host:transport:(.+)$/.exec(service)?.[1] ??
    ''
  );
}

function hex4(n: number): Buffer {
  return Buffer.from(n.toString(16).padStart(4, '0'), 'latin1');
}

/** A length-prefixed value as the host protocol frames it. */
function hex4Value(value: string | Buffer): Buffer {
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  return Buffer.concat([hex4(b.length), b]);
}

function okayValue(value: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from('OKAY', 'latin1'), hex4Value(value)]);
}
