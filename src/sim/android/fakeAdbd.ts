/**
 * A fake adbd: the phone end of the ADB transport protocol over TCP, the kind
 * `adb connect HOST:PORT` talks to. The real adb server (and any client behind
 * it) then sees a simulated phone exactly as it would see a phone on Wi-Fi.
 * Serves raw `shell:`/`exec:` and read-only `sync:`; everything else is refused.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  A_AUTH,
  A_CLSE,
  A_CNXN,
  A_OKAY,
  A_OPEN,
  A_VERSION,
  A_WRTE,
  AUTH_TOKEN,
  commandName,
  encodePacket,
  PacketReader,
} from './adbPacket.js';
import type { DeviceProfile } from './deviceProfile.js';
import { listenTcp } from './listen.js';
import { RequestLog } from './requestLog.js';
import { type FaultAnswer, playFault, recordFaultAnswer } from './shellFaults.js';
import { SyncSession, sleep } from './syncService.js';

export interface FakeAdbdOptions {
  profile: DeviceProfile;
  host?: string;
  port?: number;
  /** Delay before answering each shell command and sync request (real phones: 50–150 ms). */
  latencyMs?: number;
  log?: RequestLog;
}

export interface FakeAdbd {
  port: number;
  host: string;
  log: RequestLog;
  /** Every misbehaving answer (profile `faults`) played so far, and whether the host closed it. */
  faultAnswers: FaultAnswer[];
  /** Stop listening and drop every connection (to the host it looks like the phone went away). */
  close(): Promise<void>;
}

/** What we accept per packet; adbd's classic MAX_PAYLOAD. */
const MAX_DATA = 256 * 1024;

interface Stream {
  localId: number;
  remoteId: number;
  closed: boolean;
  /** Resolves when the stream is closed, by either side */
  whenClosed: Promise<void>;
  markClosed: () => void;
  /** Resolves when the host acknowledges our WRTE in flight. */
  ackWaiter?: () => void;
  sync?: SyncSession;
}

export async function startFakeAdbd(options: FakeAdbdOptions): Promise<FakeAdbd> {
  const { profile } = options;
  const log = options.log ?? new RequestLog();
  const latencyMs = options.latencyMs ?? 0;
  const serial = profile.serial;
  const faultAnswers: FaultAnswer[] = [];

  const handle = (socket: Socket) => {
    socket.setNoDelay(true);
    const reader = new PacketReader(MAX_DATA);
    const streams = new Map<number, Stream>();
    let nextLocalId = 1;
    let hostMaxData = MAX_DATA;
    let online = false;

    const send = (command: number, arg0: number, arg1: number, data?: Buffer) => {
      if (!socket.destroyed) socket.write(encodePacket(command, arg0, arg1, data));
    };

    const closeStream = (s: Stream, tellHost: boolean) => {
      if (s.closed) return;
      s.closed = true;
      streams.delete(s.localId);
      s.sync?.close();
      s.markClosed();
      s.ackWaiter?.();
      if (tellHost) send(A_CLSE, s.localId, s.remoteId);
    };

    /** Sends data as WRTE packets, one in flight: waits for the host's OKAY before the next. */
    const write = async (s: Stream, data: Buffer): Promise<void> => {
      const max = Math.min(hostMaxData, MAX_DATA);
      for (let off = 0; off < data.length; off += max) {
        if (s.closed || socket.destroyed) throw new Error('stream closed');
        const acked = new Promise<void>((resolve) => {
          s.ackWaiter = resolve;
        });
        send(A_WRTE, s.localId, s.remoteId, data.subarray(off, off + max));
        await acked;
      }
    };

    const open = async (remoteId: number, service: string) => {
      let markClosed = () => {};
      const whenClosed = new Promise<void>((resolve) => {
        markClosed = resolve;
      });
      const s: Stream = { localId: nextLocalId++, remoteId, closed: false, whenClosed, markClosed };
      const shell = /^(shell|exec):(.*)$/s.exec(service);
      if (shell) {
        const command = shell[2]!;
        log.add('adbd', serial, 'shell', command);
        streams.set(s.localId, s);
        send(A_OKAY, s.localId, remoteId);
        if (latencyMs) await sleep(latencyMs);
        const fault = profile.shellFault(command);
        if (fault) {
          const record = recordFaultAnswer(faultAnswers, serial, command, fault);
          // write() waits for the host's OKAY of each WRTE: that is the backpressure
          const sink = {
            closed: s.whenClosed,
            write: (chunk: Buffer) =>
              write(s, chunk).then(
                () => true,
                () => false,
              ),
          };
          await playFault(fault, profile.shell(command), sink, record);
          closeStream(s, true);
          return;
        }
        try {
          const out = await profile.answer(command);
          await write(s, out);
        } catch {
          return;
        }
        closeStream(s, true);
        return;
      }
      if (service === 'sync:') {
        log.add('adbd', serial, 'other', service);
        streams.set(s.localId, s);
        send(A_OKAY, s.localId, remoteId);
        s.sync = new SyncSession(
          profile,
          { write: (data) => write(s, data), end: () => closeStream(s, true) },
          {
            latencyMs,
            onRequest: (op, path) => log.add('adbd', serial, 'sync', `${op} ${path}`.trim()),
          },
        );
        return;
      }
      // Anything else (root:, remount:, reboot:, tcpip:, shell v2…) does not exist here.
      log.add('adbd', serial, 'other', service);
      send(A_CLSE, 0, remoteId);
    };

    const onPacket = (command: number, arg0: number, arg1: number, data: Buffer) => {
      switch (command) {
        case A_CNXN: {
          log.add('adbd', serial, 'other', `CNXN ${data.toString('utf8').replace(/\0+$/, '')}`);
          hostMaxData = arg1 > 0 ? arg1 : MAX_DATA;
          // a reconnect resets every stream
          for (const s of [...streams.values()]) closeStream(s, false);
          if (profile.state === 'device') {
            online = true;
            send(A_CNXN, A_VERSION, MAX_DATA, Buffer.from(profile.bannerString(), 'utf8'));
          } else if (profile.state === 'unauthorized') {
            send(A_AUTH, AUTH_TOKEN, 0, randomBytes(20));
          }
          // offline: a phone that never answers the handshake
          return;
        }
        case A_AUTH:
          log.add('adbd', serial, 'other', `AUTH ${arg0}`);
          // Nobody accepts the prompt: every signature gets a new token; public keys are ignored.
          if (profile.state === 'unauthorized' && arg0 === 2) {
            send(A_AUTH, AUTH_TOKEN, 0, randomBytes(20));
          }
          return;
        case A_OPEN:
          if (!online) return;
          void open(arg0, data.toString('utf8').replace(/\0+$/, ''));
          return;
        case A_OKAY: {
          const s = streams.get(arg1);
          const waiter = s?.ackWaiter;
          if (s && waiter) {
            s.ackWaiter = undefined;
            waiter();
          }
          return;
        }
        case A_WRTE: {
          const s = streams.get(arg1);
          if (!s) return;
          send(A_OKAY, s.localId, s.remoteId);
          s.sync?.push(data);
          return;
        }
        case A_CLSE: {
          const s = streams.get(arg1);
          if (s) closeStream(s, false);
          return;
        }
        default:
          log.add('adbd', serial, 'other', `ignored ${commandName(command)}`);
      }
    };

    socket.on('data', (chunk: Buffer) => {
      let packets: ReturnType<PacketReader['push']>;
      try {
        packets = reader.push(chunk);
      } catch (err) {
        log.add('adbd', serial, 'other', `hung up: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const p of packets) onPacket(p.command, p.arg0, p.arg1, p.data);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      for (const s of [...streams.values()]) closeStream(s, false);
    });
  };

  const { host, port, close } = await listenTcp(handle, options.host, options.port);
  return {
    port,
    host,
    log,
    faultAnswers,
    close,
  };
}
