/**
 * The fake usbmuxd and lockdownd on the wire, with a hand-made client: the
 * framing and values real clients rely on, and refusal of everything that
 * would change the phone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FrameReader, lengthPrefixed, swap16, usbmuxMessage } from './frames.js';
import { decodeDict, encodeBinary, encodeXml, type PlistDict } from './plist.js';
import { type IosProfile, type IosState, loadIosProfile } from './profile.js';
import { TlsCarrier } from './tlsCarrier.js';
import { type FakeUsbmuxd, startFakeUsbmuxd } from './usbmuxd.js';

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-usbmuxd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let sim: FakeUsbmuxd | undefined;
const open: Duplex[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  await sim?.close();
  sim = undefined;
});

let n = 0;
async function start(name = 'ios-clean', state?: IosState): Promise<IosProfile> {
  const p = await loadIosProfile(name);
  const profile = state ? { ...p, state } : p;
  sim = await startFakeUsbmuxd({ profiles: [profile], socketPath: join(tmp, `mux-${n++}`) });
  return profile;
}

/** A tiny client: reads frames of one kind off a stream. */
class Wire {
  private reader = new FrameReader();
  private waiting: (() => void)[] = [];
  constructor(
    readonly stream: Duplex,
    private readonly kind: 'usbmux' | 'plist',
  ) {
    open.push(stream);
    stream.on('data', this.onData);
  }
  private onData = (c: Buffer) => {
    this.reader.push(c);
    for (const w of this.waiting.splice(0)) w();
  };
  detach(): Buffer {
    this.stream.off('data', this.onData);
    return this.reader.rest();
  }
  async next(): Promise<{ tag?: number; body: PlistDict }> {
    for (;;) {
      if (this.kind === 'usbmux') {
        const m = this.reader.nextUsbmux();
        if (m) return { tag: m.header.tag, body: decodeDict(m.payload) };
      } else {
        const f = this.reader.nextLengthPrefixed();
        if (f) return { body: decodeDict(f) };
      }
      await new Promise<void>((resolve, reject) => {
        this.waiting.push(resolve);
        this.stream.once('close', () => reject(new Error('closed')));
      });
    }
  }
  usbmux(tag: number, body: PlistDict): Promise<{ tag?: number; body: PlistDict }> {
    this.stream.write(usbmuxMessage(tag, encodeXml(body)));
    return this.next();
  }
  /** Clients send binary plists to lockdownd and services. */
  ask(body: PlistDict, binary = true): Promise<{ body: PlistDict }> {
    this.stream.write(lengthPrefixed(binary ? encodeBinary(body) : encodeXml(body)));
    return this.next();
  }
}

async function muxClient(): Promise<Wire> {
  const s: Socket = netConnect(sim!.socketPath);
  await new Promise((r) => s.once('connect', r));
  return new Wire(s, 'usbmux');
}

/** usbmuxd Connect to a port on the phone; the socket becomes the tunnel. */
async function tunnel(port: number): Promise<{ result: number; stream: Socket }> {
  const mux = await muxClient();
  const r = await mux.usbmux(7, { MessageType: 'Connect', DeviceID: 1, PortNumber: swap16(port) });
  mux.detach();
  return { result: r.body.Number as number, stream: mux.stream as Socket };
}

async function pairRecord(udid: string): Promise<PlistDict> {
  const mux = await muxClient();
  const r = await mux.usbmux(3, { MessageType: 'ReadPairRecord', PairRecordID: udid });
  return decodeDict(r.body.PairRecordData as Buffer);
}

function tls(stream: Socket, rec: PlistDict): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const t = tlsConnect({
      socket: stream,
      key: rec.HostPrivateKey as Buffer,
      cert: rec.HostCertificate as Buffer,
      rejectUnauthorized: false,
    });
    open.push(t);
    t.once('secureConnect', () => resolve(t));
    t.once('error', reject);
  });
}

async function session(profile: IosProfile): Promise<{ ld: Wire; rec: PlistDict }> {
  const rec = await pairRecord(profile.udid);
  const { stream } = await tunnel(62078);
  const plain = new Wire(stream, 'plist');
  const started = await plain.ask({
    Request: 'StartSession',
    HostID: rec.HostID as string,
    SystemBUID: rec.SystemBUID as string,
  });
  expect(started.body).toMatchObject({ EnableSessionSSL: true });
  plain.detach();
  return { ld: new Wire(await tls(stream, rec), 'plist'), rec };
}

describe('usbmuxd', () => {
  it('echoes tags and answers ListDevices, ReadBUID, ReadPairRecord and Listen', async () => {
    const p = await start();
    const mux = await muxClient();
    const list = await mux.usbmux(41, { MessageType: 'ListDevices' });
    expect(list.tag).toBe(41);
    expect(list.body.DeviceList).toEqual([
      expect.objectContaining({
        DeviceID: 1,
        Properties: expect.objectContaining({ SerialNumber: p.udid, ConnectionType: 'USB' }),
      }),
    ]);
    expect((await mux.usbmux(42, { MessageType: 'ReadBUID' })).body.BUID).toMatch(
      /^[0-9A-F-]{36}$/,
    );
    const rec = await pairRecord(p.udid);
    for (const k of ['HostCertificate', 'HostPrivateKey', 'DeviceCertificate', 'RootCertificate'])
      expect((rec[k] as Buffer).toString()).toMatch(/^-----BEGIN /);
    expect(rec.HostID).toBeTypeOf('string');
    const listen = await mux.usbmux(43, { MessageType: 'Listen' });
    expect(listen.body).toEqual({ MessageType: 'Result', Number: 0 });
    expect((await mux.next()).body).toMatchObject({ MessageType: 'Attached', DeviceID: 1 });
  });

  it('has no pair record for a phone never trusted (Result 2)', async () => {
    const p = await start('ios-unpaired');
    const mux = await muxClient();
    const r = await mux.usbmux(5, { MessageType: 'ReadPairRecord', PairRecordID: p.udid });
    expect(r.body).toEqual({ MessageType: 'Result', Number: 2 });
  });

  it('refuses a port nothing listens on (Result 3) and logs, but refuses, pairing changes', async () => {
    await start();
    expect((await tunnel(1234)).result).toBe(3);
    const mux = await muxClient();
    const r = await mux.usbmux(9, { MessageType: 'DeletePairRecord', PairRecordID: 'x' });
    expect(r.body).toEqual({ MessageType: 'Result', Number: 1 });
    expect(sim!.log.forbidden().map((e) => e.request)).toEqual(['DeletePairRecord x']);
  });
});

describe('unreadable input', () => {
  it('logs it as refused and cuts the client off', async () => {
    await start();
    const mux = await muxClient();
    const closed = new Promise((r) => mux.stream.once('close', r));
    mux.stream.write(usbmuxMessage(1, Buffer.from('not a plist at all')));
    await closed;
    const { stream } = await tunnel(62078);
    const closedToo = new Promise((r) => stream.once('close', r));
    stream.write(lengthPrefixed(Buffer.from('garbage')));
    await closedToo;
    expect(sim!.log.forbidden().map((e) => e.request)).toEqual([
      '(unreadable: not a property list)',
      '(unreadable: not a property list)',
    ]);
  });
});

describe('lockdownd', () => {
  it('answers QueryType and public values without a session, in binary or XML', async () => {
    await start();
    const { result, stream } = await tunnel(62078);
    expect(result).toBe(0);
    const ld = new Wire(stream, 'plist');
    expect((await ld.ask({ Request: 'QueryType' })).body).toEqual({
      Request: 'QueryType',
      Type: 'com.apple.mobile.lockdown',
    });
    expect((await ld.ask({ Request: 'GetValue', Key: 'ProductVersion' }, false)).body.Value).toBe(
      '18.1',
    );
    for (const q of [
      { Key: 'SerialNumber' } as PlistDict,
      { Key: 'PasswordProtected' },
      { Domain: 'com.apple.fmip', Key: 'IsAssociated' },
      { Domain: 'com.apple.mobile.chaperone', Key: 'DeviceIsChaperoned' },
    ]) {
      const r = await ld.ask({ Request: 'GetValue', ...q });
      expect(r.body.Error).toBe('MissingValue');
      expect(r.body.Value).toBeUndefined();
    }
    const all = (await ld.ask({ Request: 'GetValue' })).body.Value as PlistDict;
    expect(all.UniqueDeviceID).toBeDefined();
    expect(all.SerialNumber).toBeUndefined();
    expect(
      (await ld.ask({ Request: 'StartService', Service: 'com.apple.mobile.installation_proxy' }))
        .body.Error,
    ).toBe('NoRunningSession');
    // libimobiledevice's farewell changes nothing: answered, not refused.
    expect((await ld.ask({ Request: 'Goodbye' })).body).toEqual({
      Request: 'Goodbye',
      Result: 'Success',
    });
    expect(sim!.log.forbidden()).toEqual([]);
  });

  it('reads session values over TLS, and the amfi domain only by key', async () => {
    const p = await start();
    const { ld } = await session(p);
    expect((await ld.ask({ Request: 'GetValue', Key: 'SerialNumber' })).body.Value).toBe(
      'KX7Q2M4N9P',
    );
    expect(
      (await ld.ask({ Request: 'GetValue', Domain: 'com.apple.security.mac.amfi' })).body.Value,
    ).toEqual({});
    expect(
      (
        await ld.ask({
          Request: 'GetValue',
          Domain: 'com.apple.security.mac.amfi',
          Key: 'DeveloperModeStatus',
        })
      ).body.Value,
    ).toBe(false);
    expect(
      (await ld.ask({ Request: 'StartService', Service: 'com.apple.misagent' })).body.Error,
    ).toBe('InvalidService');
    expect((await ld.ask({ Request: 'StopSession' })).body).toEqual({
      Request: 'StopSession',
      Result: 'Success',
    });
  });

  it('goes back to plain text after StopSession, where session values are refused again', async () => {
    const p = await start();
    const rec = await pairRecord(p.udid);
    const { stream } = await tunnel(62078);
    const plain = new Wire(stream, 'plist');
    await plain.ask({
      Request: 'StartSession',
      HostID: rec.HostID as string,
      SystemBUID: rec.SystemBUID as string,
    });
    const rest = plain.detach();
    // TLS on a carrier, so this client too can go back to plain text.
    const carrier = new TlsCarrier(stream, rest);
    const secure = new Wire(await tls(carrier as unknown as Socket, rec), 'plist');
    expect((await secure.ask({ Request: 'GetValue', Key: 'SerialNumber' })).body.Value).toBe(
      'KX7Q2M4N9P',
    );
    expect((await secure.ask({ Request: 'StopSession' })).body).toEqual({
      Request: 'StopSession',
      Result: 'Success',
    });
    secure.detach();
    carrier.detach();
    const again = new Wire(stream, 'plist');
    expect((await again.ask({ Request: 'GetValue', Key: 'ProductVersion' })).body.Value).toBe(
      '18.1',
    );
    expect((await again.ask({ Request: 'GetValue', Key: 'SerialNumber' })).body.Error).toBe(
      'MissingValue',
    );
    expect(sim!.log.forbidden()).toEqual([]);
  });

  it('logs and refuses every request that would change the phone', async () => {
    const p = await start('ios-infected');
    const { ld } = await session(p);
    for (const req of [
      {
        Request: 'SetValue',
        Domain: 'com.apple.mobile.wireless_lockdown',
        Key: 'EnableWifiConnections',
        Value: false,
      },
      { Request: 'RemoveValue', Key: 'DeviceName' },
      { Request: 'Pair' },
      { Request: 'Unpair' },
      { Request: 'EnterRecovery' },
    ] as PlistDict[]) {
      expect((await ld.ask(req)).body.Error).toBe('NotAllowed');
    }
    const ip = await ld.ask({
      Request: 'StartService',
      Service: 'com.apple.mobile.installation_proxy',
    });
    const mc = await ld.ask({ Request: 'StartService', Service: 'com.apple.mobile.MCInstall' });
    expect(ip.body).toMatchObject({ EnableServiceSSL: true, Port: expect.any(Number) });
    const rec = await pairRecord(p.udid);

    const ipConn = await tunnel(ip.body.Port as number);
    const ipWire = new Wire(await tls(ipConn.stream, rec), 'plist');
    for (const Command of ['Uninstall', 'Install', 'Upgrade', 'Archive']) {
      const r = await ipWire.ask({
        Command,
        ApplicationIdentifier: 'com.life360.safetymap',
        PackagePath: '/x',
      });
      expect(r.body.Error).toBe('NotAllowed');
    }
    // The port took its one connection.
    expect((await tunnel(ip.body.Port as number)).result).toBe(3);

    const mcConn = await tunnel(mc.body.Port as number);
    const mcWire = new Wire(await tls(mcConn.stream, rec), 'plist');
    for (const RequestType of ['RemoveProfile', 'InstallProfile', 'EraseDevice']) {
      expect((await mcWire.ask({ RequestType })).body.Status).toBe('Error');
    }
    expect((await mcWire.ask({ RequestType: 'GetProfileList' })).body.OrderedIdentifiers).toEqual([
      'com.devicecare.profile.A8C3',
    ]);

    expect(sim!.log.forbidden().map((e) => e.request)).toEqual([
      'SetValue com.apple.mobile.wireless_lockdown EnableWifiConnections',
      'RemoveValue DeviceName',
      'Pair',
      'Unpair',
      'EnterRecovery',
      'com.apple.mobile.installation_proxy Uninstall',
      'com.apple.mobile.installation_proxy Install',
      'com.apple.mobile.installation_proxy Upgrade',
      'com.apple.mobile.installation_proxy Archive',
      'com.apple.mobile.MCInstall RemoveProfile',
      'com.apple.mobile.MCInstall InstallProfile',
      'com.apple.mobile.MCInstall EraseDevice',
    ]);
  });

  it('browses in batches, honouring ApplicationType and ReturnAttributes', async () => {
    const p = await start();
    const { ld, rec } = await session(p);
    const ip = await ld.ask({
      Request: 'StartService',
      Service: 'com.apple.mobile.installation_proxy',
    });
    const conn = await tunnel(ip.body.Port as number);
    const w = new Wire(await tls(conn.stream, rec), 'plist');
    w.stream.write(
      lengthPrefixed(
        encodeBinary({
          Command: 'Browse',
          ClientOptions: {
            ApplicationType: 'User',
            ReturnAttributes: ['CFBundleIdentifier', 'SignerIdentity'],
          },
        }),
      ),
    );
    const lists: PlistDict[][] = [];
    for (;;) {
      const { body } = await w.next();
      if (body.Status === 'Complete') break;
      expect(body.Status).toBe('BrowsingApplications');
      lists.push(body.CurrentList as PlistDict[]);
    }
    const users = p.apps.filter((a) => a.ApplicationType === 'User');
    expect(lists.length).toBe(Math.ceil(users.length / p.browseBatch));
    const all = lists.flat();
    expect(all).toHaveLength(users.length);
    for (const a of all)
      expect(Object.keys(a).sort()).toEqual(['CFBundleIdentifier', 'SignerIdentity']);
  });

  it('refuses a session to a computer the phone no longer trusts, and before the first unlock', async () => {
    let p = await start('ios-clean', 'pairing-removed');
    let rec = await pairRecord(p.udid);
    let w = new Wire((await tunnel(62078)).stream, 'plist');
    expect(
      (await w.ask({ Request: 'StartSession', HostID: rec.HostID as string })).body.Error,
    ).toBe('InvalidHostID');
    await sim!.close();
    p = await start('ios-clean', 'locked-before-first-unlock');
    rec = await pairRecord(p.udid);
    w = new Wire((await tunnel(62078)).stream, 'plist');
    expect(
      (
        await w.ask({
          Request: 'StartSession',
          HostID: rec.HostID as string,
          SystemBUID: rec.SystemBUID as string,
        })
      ).body.Error,
    ).toBe('PasswordProtected');
  });
});
