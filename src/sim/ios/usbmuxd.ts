/**
 * A fake usbmuxd on a unix socket: the daemon that, on a real computer,
 * lists the iPhones plugged in, hands out pair records and tunnels a client
 * connection to a port on a phone. Real clients (appium-ios-device,
 * libimobiledevice, pymobiledevice3) talk to it with
 * USBMUXD_SOCKET_ADDRESS=UNIX:/path.
 */
import { randomUUID } from 'node:crypto';
import { lstat, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameReader, swap16, usbmuxMessage } from './frames.js';
import { SimIPhone } from './lockdownd.js';
import type { PairRecord } from './pairing.js';
import { pairRecordData } from './pairing.js';
import { decodeDict, encodeXml, type PlistDict } from './plist.js';
import type { IosProfile } from './profile.js';
import { IosRequestLog } from './requestLog.js';

/** usbmuxd's Result numbers. */
export const USBMUX_RESULT = { ok: 0, badCommand: 1, badDevice: 2, refused: 3 } as const;

/** Requests usbmuxd answers here; the rest change the computer's pairings and are refused. */
const USBMUX_READS = new Set(['ListDevices', 'ReadPairRecord', 'ReadBUID', 'Connect', 'Listen']);

export interface FakeUsbmuxd {
  socketPath: string;
  log: IosRequestLog;
  phones: SimIPhone[];
  close(): Promise<void>;
}

export interface FakeUsbmuxdOptions {
  profiles: IosProfile[];
  socketPath: string;
  /** Reuse pair records (tests that restart the sim); by UDID. */
  pairRecords?: Record<string, PairRecord>;
}

export async function startFakeUsbmuxd(options: FakeUsbmuxdOptions): Promise<FakeUsbmuxd> {
  const log = new IosRequestLog();
  const phones = options.profiles.map(
    (p, i) => new SimIPhone(p, log, i + 1, options.pairRecords?.[p.udid]),
  );
  const buid = randomUUID().toUpperCase();
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    handleClient(socket, phones, log, buid);
  });
  await clearStaleSocket(options.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    socketPath: options.socketPath,
    log,
    phones,
    close: async () => {
      for (const s of open) s.destroy();
      for (const p of phones) p.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(options.socketPath, { force: true });
    },
  };
}

/**
 * A socket file left by a sim that was killed would make listen fail, so it
 * is removed; but never a live one (a real usbmuxd) and never a plain file.
 */
async function clearStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return;
  if (!st.isSocket()) throw new Error(`${path} exists and is not a socket; choose another path`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live)
    throw new Error(
      `something (a real usbmuxd?) is already listening at ${path}; choose another path with --socket`,
    );
  await rm(path, { force: true });
}

function deviceEntry(phone: SimIPhone): PlistDict {
  return {
    DeviceID: phone.deviceId,
    MessageType: 'Attached',
    Properties: {
      ConnectionSpeed: 480_000_000,
      ConnectionType: 'USB',
      DeviceID: phone.deviceId,
      LocationID: 0x01100000 + phone.deviceId,
      ProductID: 0x12a8,
      SerialNumber: phone.udid,
      USBSerialNumber: phone.udid.replace(/-/g, ''),
    },
  };
}

function handleClient(socket: Socket, phones: SimIPhone[], log: IosRequestLog, buid: string): void {
  const reader = new FrameReader();
  const reply = (tag: number, payload: PlistDict) =>
    socket.write(usbmuxMessage(tag, encodeXml(payload)));
  const result = (tag: number, n: number) => reply(tag, { MessageType: 'Result', Number: n });
  const onData = (chunk: Buffer) => {
    reader.push(chunk);
    try {
      for (let m = reader.nextUsbmux(); m; m = reader.nextUsbmux()) {
        const req = decodeDict(m.payload);
        const type = typeof req.MessageType === 'string' ? req.MessageType : '';
        const tag = m.header.tag;
        const udid = typeof req.PairRecordID === 'string' ? req.PairRecordID : '';
        const forbidden = !USBMUX_READS.has(type);
        const phone =
          typeof req.DeviceID === 'number'
            ? phones.find((p) => p.deviceId === req.DeviceID)
            : undefined;
        const port = typeof req.PortNumber === 'number' ? swap16(req.PortNumber) : undefined;
        log.add({
          via: 'usbmuxd',
          udid: udid || phone?.udid || '',
          target: 'usbmuxd',
          request: [type || '(no MessageType)', udid, port]
            .filter((x) => x !== undefined && x !== '')
            .join(' '),
          forbidden,
        });
        if (forbidden) {
          result(tag, USBMUX_RESULT.badCommand);
          continue;
        }
        switch (type) {
          case 'ListDevices':
            reply(tag, { DeviceList: phones.map(deviceEntry) });
            break;
          case 'ReadBUID':
            reply(tag, { BUID: buid });
            break;
          case 'ReadPairRecord': {
            const rec = phones.find((p) => p.udid === udid)?.pairRecord;
            if (rec) reply(tag, { PairRecordData: pairRecordData(rec) });
            else result(tag, USBMUX_RESULT.badDevice);
            break;
          }
          case 'Listen':
            result(tag, USBMUX_RESULT.ok);
            for (const p of phones) reply(0, deviceEntry(p));
            break;
          case 'Connect': {
            if (!phone || port === undefined) {
              result(tag, USBMUX_RESULT.badDevice);
              break;
            }
            if (!phone.accepts(port)) {
              result(tag, USBMUX_RESULT.refused);
              break;
            }
            result(tag, USBMUX_RESULT.ok);
            // From here on this connection is a raw tunnel to the phone's port.
            socket.off('data', onData);
            phone.connect(port, socket, reader.rest());
            return;
          }
        }
      }
    } catch (e) {
      // A message usbmuxd cannot read: logged (as refused) and the client is cut off.
      log.add({
        via: 'usbmuxd',
        udid: '',
        target: 'usbmuxd',
        request: `(unreadable: ${e instanceof Error ? e.message : String(e)})`,
        forbidden: true,
      });
      socket.destroy();
    }
  };
  socket.on('data', onData);
}
