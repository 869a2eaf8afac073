/**
 * The only door to an iPhone. Every request is checked against the
 * allowlist before it is sent (the check sits on the very function that
 * writes to the socket), every answer is kept as received with what was
 * asked and when, every socket is closed, and failures come out as plain
 * kinds. No judgement here: what the values mean is for src/analyze.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { LOCKDOWN_PORT, Lockdown, PlistService, Usbmux, upgradeToSSL } from './aid.js';
import {
  assertAllowedLockdown,
  assertAllowedService,
  assertAllowedUsbmux,
  INSTALLATION_PROXY,
  MC_INSTALL,
  MISAGENT,
  SPRINGBOARD,
} from './allowlist.js';

export type IosErrorKind =
  | 'usbmuxd-missing'
  | 'no-phone'
  | 'not-paired'
  | 'pairing-refused'
  | 'locked'
  | 'service-missing'
  | 'forbidden'
  | 'lost'
  | 'failed';

export class IosDeviceError extends Error {
  constructor(
    readonly kind: IosErrorKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'IosDeviceError';
  }
}

/** One answer exactly as the phone sent it (after TLS), with what was asked and when. */
export interface IosRawRecord {
  id: string;
  /** `lockdownd GetValue com.apple.fmip IsAssociated`, `com.apple.mobile.installation_proxy Browse` … */
  request: string;
  file: string;
  /** UTC ISO time the request was sent */
  time: string;
  durationMs: number;
  bytes: number;
  sha256: string;
}

export interface IosRawOutput {
  record: IosRawRecord;
  /** The answer's frames as received: each a 4-byte big-endian length and a plist. */
  data: Buffer;
}

export interface ReadOnlyIPhoneOptions {
  /** USBMUXD_SOCKET_ADDRESS form: `/path`, `UNIX:/path` or `host:port`. Default /var/run/usbmuxd. */
  socketAddress?: string;
  /**
   * One read (connection, session, service and all its answers) taking longer
   * than this means the phone is gone or hung. Default 30 s.
   */
  requestTimeoutMs?: number;
  /**
   * Tests only: leave appium-ios-device's duplicate-reply bug in place, to
   * prove the test that covers the workaround fails without it.
   */
  withoutDuplicateReplyWorkaround?: boolean;
}

export const DEFAULT_USBMUXD_SOCKET = '/var/run/usbmuxd';

export type UsbmuxdAddress = { path: string } | { host: string; port: number };

/** Reads USBMUXD_SOCKET_ADDRESS the way libimobiledevice does: `UNIX:/path`, `/path` or `host:port`. */
export function parseUsbmuxdAddress(value: string | undefined): UsbmuxdAddress {
  const v = value?.trim();
  if (!v) return { path: DEFAULT_USBMUXD_SOCKET };
  if (v.startsWith('UNIX:')) return { path: v.slice(5) };
  if (v.startsWith('/')) return { path: v };
  const m = /^(.*):(\d{1,5})$/.exec(v);
  if (m && Number(m[2]) < 65536) return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
  return { path: v };
}

function describeAddress(a: UsbmuxdAddress): string {
  return 'path' in a ? a.path : `${a.host}:${a.port}`;
}

/** The lockdown values spycheck reads inside a session (notes/device-access.md). */
export const SESSION_QUERIES: readonly { domain?: string; key: string }[] = [
  { key: 'SerialNumber' },
  { key: 'PasswordProtected' },
  { domain: 'com.apple.mobile.chaperone', key: 'DeviceIsChaperoned' },
  { domain: 'com.apple.fmip', key: 'IsAssociated' },
  { domain: 'com.apple.mobile.backup', key: 'WillEncrypt' },
  { domain: 'com.apple.security.mac.amfi', key: 'DeveloperModeStatus' },
  { domain: 'com.apple.mobile.wireless_lockdown', key: 'EnableWifiConnections' },
  // The phone's clock, for the police annex (times the phone records are on its clock). Only a
  // session gives them: the public values (no session) do not hold them. Asked by key, not
  // as the whole value dictionary, which would also bring the phone number, IMEI and ICCID.
  // The clock first: its GetValue's round trip bounds the reading.
  { key: 'TimeIntervalSince1970' },
  { key: 'TimeZone' },
  { key: 'TimeZoneOffsetFromUTC' },
];

/** installation_proxy attributes worth reading for each app. */
export const APP_ATTRIBUTES = [
  'CFBundleIdentifier',
  'CFBundleDisplayName',
  'CFBundleName',
  'CFBundleExecutable',
  'CFBundleShortVersionString',
  'CFBundleVersion',
  'ApplicationType',
  'SignerIdentity',
  'SignerOrganization',
  'ProfileValidated',
  'ApplicationDSID',
  'IsAdHocSigned',
  'Entitlements',
  'UIBackgroundModes',
  'SBAppTags',
  'Path',
  'Container',
  'NSLocationAlwaysAndWhenInUseUsageDescription',
  'NSLocationAlwaysUsageDescription',
  'NSLocationWhenInUseUsageDescription',
  'NSMicrophoneUsageDescription',
  'NSCameraUsageDescription',
  'NSContactsUsageDescription',
  'NSPhotoLibraryUsageDescription',
  'NSMotionUsageDescription',
  'NSCalendarsUsageDescription',
  'NSSpeechRecognitionUsageDescription',
  'NSBluetoothAlwaysUsageDescription',
  'NSHealthShareUsageDescription',
] as const;

export type Dict = Record<string, unknown>;

export interface SessionValues {
  /** `Key` or `Domain/Key` → value */
  values: Record<string, unknown>;
  /** Queries the phone had no value for (MissingValue) */
  missing: string[];
}

export interface ProfileInfo {
  profileList: Dict;
  cloudConfiguration: Dict;
}

/** Opens a plain socket to usbmuxd, telling "not running" from other failures. */
async function openUsbmuxd(address: UsbmuxdAddress, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = 'path' in address ? connect(address.path) : connect(address.port, address.host);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new IosDeviceError(
          'usbmuxd-missing',
          `usbmuxd did not answer at ${describeAddress(address)}`,
        ),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(
        new IosDeviceError(
          'usbmuxd-missing',
          `usbmuxd is not running (nothing at ${describeAddress(address)}: ${e.code ?? e.message}). On Linux install and start usbmuxd; on Windows install iTunes or Apple Devices`,
          e,
        ),
      );
    };
    socket.once('error', onError);
  });
}

/** Plain kinds for what appium-ios-device and the phone report. */
export function classifyIosError(e: unknown): IosDeviceError {
  if (e instanceof IosDeviceError) return e;
  const text =
    e instanceof Error
      ? `${e.name} ${e.message} ${(e as { code?: string }).code ?? ''}`
      : String(e);
  if (e instanceof Error && e.name === 'ForbiddenRequestError')
    return new IosDeviceError('forbidden', e.message, e);
  if (/InvalidHostID/.test(text))
    return new IosDeviceError(
      'pairing-refused',
      'The iPhone no longer trusts this computer (its pairing was removed on the phone). Unlock it, reconnect, and tap "Trust"',
      e,
    );
  if (/PasswordProtected/.test(text))
    return new IosDeviceError(
      'locked',
      'The iPhone is locked. Unlock it with its passcode and keep it unlocked during the check',
      e,
    );
  if (/InvalidService/.test(text))
    return new IosDeviceError('service-missing', 'This iPhone does not offer that service', e);
  if (/pair record|PairingDialogResponsePending|NotPaired/.test(text))
    return new IosDeviceError('not-paired', 'This computer is not trusted by the iPhone yet', e);
  if (/ECONNRESET|EPIPE|ECONNREFUSED|socket hang up|timeout|closed|ENOENT/i.test(text))
    return new IosDeviceError('lost', 'The iPhone stopped answering', e);
  return new IosDeviceError('failed', e instanceof Error ? e.message : String(e), e);
}

/** An iPhone as usbmuxd itself reports it: nothing here was asked of the phone. */
export interface UsbmuxdPhone {
  udid: string;
  /** How usbmuxd reaches it: `USB`, or `Network` (Wi-Fi sync) */
  connection: string;
  /** usbmuxd holds a pair record for it (this computer was trusted once) */
  paired: boolean;
}

/**
 * Checks that usbmuxd answers on its socket (a unix socket is checked on the
 * socket file itself first). Throws usbmuxd-missing in plain words.
 */
export async function checkUsbmuxd(options: ReadOnlyIPhoneOptions = {}): Promise<string> {
  const address = parseUsbmuxdAddress(options.socketAddress);
  const socket = await openUsbmuxdChecked(address, options.requestTimeoutMs ?? 5_000);
  socket.destroy();
  return describeAddress(address);
}

async function openUsbmuxdChecked(address: UsbmuxdAddress, timeoutMs: number): Promise<Socket> {
  if ('path' in address) {
    const st = await stat(address.path).catch(() => undefined);
    if (!st?.isSocket())
      throw new IosDeviceError(
        'usbmuxd-missing',
        `usbmuxd is not running (no socket at ${address.path}). On Linux install and start usbmuxd; on Windows install iTunes or Apple Devices`,
      );
  }
  return openUsbmuxd(address, timeoutMs);
}

/** Lists the UDIDs usbmuxd knows. Throws usbmuxd-missing when nothing listens at the socket. */
export async function listIPhones(options: ReadOnlyIPhoneOptions = {}): Promise<string[]> {
  return (await listUsbmuxdPhones(options, { pairRecords: false })).map((p) => p.udid);
}

/**
 * The iPhones usbmuxd knows, one entry per UDID (USB preferred over Wi-Fi),
 * and, unless told not to, whether usbmuxd holds a pair record for each.
 * Only ListDevices and ReadPairRecord go out, both answered by usbmuxd on
 * this computer: nothing is sent to any phone. The pair record itself (it
 * holds this computer's private key) is neither kept nor returned.
 */
export async function listUsbmuxdPhones(
  options: ReadOnlyIPhoneOptions = {},
  { pairRecords = true }: { pairRecords?: boolean } = {},
): Promise<UsbmuxdPhone[]> {
  const address = parseUsbmuxdAddress(options.socketAddress);
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const socket = await openUsbmuxdChecked(address, timeoutMs);
  socket.on('error', () => {});
  const mux = guardedUsbmux(socket);
  try {
    const devices = (await mux.listDevices(timeoutMs)) as {
      Properties?: { SerialNumber?: unknown; ConnectionType?: unknown };
    }[];
    const byUdid = new Map<string, UsbmuxdPhone>();
    for (const d of devices) {
      const udid = d.Properties?.SerialNumber;
      if (typeof udid !== 'string' || udid === '') continue;
      const type = d.Properties?.ConnectionType;
      const connection = typeof type === 'string' && type !== '' ? type : 'USB';
      const seen = byUdid.get(udid);
      if (!seen || (seen.connection !== 'USB' && connection === 'USB'))
        byUdid.set(udid, { udid, connection, paired: false });
    }
    const phones = [...byUdid.values()];
    if (pairRecords) {
      for (const p of phones) {
        const rec: unknown = await mux.readPairRecord(p.udid, timeoutMs);
        p.paired = isDict(rec) && typeof rec.HostID === 'string';
      }
    }
    return phones;
  } catch (e) {
    throw classifyIosError(e);
  } finally {
    socket.destroy();
  }
}

export function guardedUsbmux(socket: Socket): Usbmux {
  const mux = new Usbmux(socket);
  const send = mux._sendPlist.bind(mux);
  mux._sendPlist = (json: { tag: number; payload: unknown }) => {
    assertAllowedUsbmux(json.payload);
    send(json);
  };
  return mux;
}

/** Every plist leaving through this service is checked first; every frame arriving is kept. */
export function guardPlistService(
  ps: PlistService,
  check: (req: unknown) => void,
  frames: Buffer[],
): void {
  const send = ps.sendPlist.bind(ps);
  ps.sendPlist = (json: unknown) => {
    check(json);
    send(json);
  };
  (ps._splitter as unknown as Duplex).on('data', (frame: Buffer) =>
    frames.push(Buffer.from(frame)),
  );
}

interface Channel {
  ps: PlistService;
  frames: Buffer[];
  label: string;
  /** The sockets under it (the usbmuxd tunnel, and TLS on top of it). */
  sockets: Duplex[];
}

export class ReadOnlyIPhone {
  readonly raw: IosRawOutput[] = [];
  private readonly address: UsbmuxdAddress;
  private readonly sockets = new Set<Duplex>();
  /** Sockets spycheck is done with: their closing is not the phone going away. */
  private readonly released = new WeakSet<Duplex>();
  /** Fails the read under way (a socket closed under it). */
  private failCurrent: ((e: IosDeviceError) => void) | undefined;
  private lost: IosDeviceError | undefined;
  private seq = 0;
  roundTrips = 0;
  /**
   * One lockdown connection (and, once started, its session) kept from read to read, when
   * `holdSession()` asked for it: every service is started in that one session, so a scan
   * makes one StartSession and one TLS handshake for lockdownd instead of one per read.
   */
  private holding = false;
  private held: { channel: Channel; session: boolean; busy: boolean } | undefined;
  /** The held connection's sockets: a read leaves them open; their closing is not a lost read. */
  private readonly kept = new WeakSet<Duplex>();

  constructor(
    readonly udid: string,
    private readonly options: ReadOnlyIPhoneOptions = {},
  ) {
    this.address = parseUsbmuxdAddress(options.socketAddress);
  }

  private get timeoutMs(): number {
    return this.options.requestTimeoutMs ?? 30_000;
  }

  /** Public lockdown values (no session): model, iOS version, name… */
  async publicValues(): Promise<Dict> {
    return this.run(async () => {
      const { channel } = await this.lockdownChannel();
      const value = await this.ask(channel, 'lockdown-public', 'lockdownd GetValue', {
        Label: 'spycheck',
        ProtocolVersion: '2',
        Request: 'GetValue',
      });
      this.doneWith(channel);
      if (!isDict(value.Value))
        throw classifyIosError(new Error(`Unexpected data: ${JSON.stringify(value)}`));
      return value.Value;
    });
  }

  /** Values only a session reads (passcode set, supervised, Find My, backups, developer mode…). */
  async sessionValues(queries = SESSION_QUERIES): Promise<SessionValues> {
    return this.run(async () => {
      const { channel } = await this.openSession();
      const out: SessionValues = { values: {}, missing: [] };
      for (const q of queries) {
        const name = q.domain ? `${q.domain}/${q.key}` : q.key;
        const reply = await this.ask(
          channel,
          `lockdown-${name}`,
          `lockdownd GetValue ${q.domain ? `${q.domain} ` : ''}${q.key}`,
          {
            Label: 'spycheck',
            ProtocolVersion: '2',
            Request: 'GetValue',
            ...(q.domain ? { Domain: q.domain } : {}),
            Key: q.key,
          },
        );
        if (reply.Value !== undefined && reply.Error === undefined) out.values[name] = reply.Value;
        else if (reply.Error === 'MissingValue') out.missing.push(name);
        else throw classifyIosError(new Error(`Unexpected data: ${JSON.stringify(reply)}`));
      }
      if (this.isHeld(channel)) this.doneWith(channel);
      else await this.stopSession(channel);
      return out;
    });
  }

  /** Every app with the useful attributes (installation_proxy Browse). */
  async apps(attributes: readonly string[] = APP_ATTRIBUTES): Promise<Dict[]> {
    return this.run(async () => {
      const channel = await this.openService(INSTALLATION_PROXY);
      const replies = await this.askUntilComplete(
        channel,
        'installation_proxy-browse',
        `${INSTALLATION_PROXY} Browse`,
        {
          Command: 'Browse',
          ClientOptions: { ApplicationType: 'Any', ReturnAttributes: [...attributes] },
        },
      );
      this.finish(channel);
      return replies.flatMap((r) =>
        Array.isArray(r.CurrentList) ? r.CurrentList.filter(isDict) : [],
      );
    });
  }

  /** Named apps (installation_proxy Lookup); absent ones are simply not in the result. */
  async lookupApps(
    bundleIds: readonly string[],
    attributes: readonly string[] = APP_ATTRIBUTES,
  ): Promise<Record<string, Dict>> {
    return this.run(async () => {
      const channel = await this.openService(INSTALLATION_PROXY);
      const replies = await this.askUntilComplete(
        channel,
        'installation_proxy-lookup',
        `${INSTALLATION_PROXY} Lookup`,
        {
          Command: 'Lookup',
          ClientOptions: {
            ApplicationType: 'Any',
            BundleIDs: [...bundleIds],
            ReturnAttributes: [...attributes],
          },
        },
      );
      this.finish(channel);
      const found = replies.find((r) => isDict(r.LookupResult))?.LookupResult;
      const out: Record<string, Dict> = {};
      if (isDict(found)) for (const [k, v] of Object.entries(found)) if (isDict(v)) out[k] = v;
      return out;
    });
  }

  /** Configuration profiles (names, organisations, removable or not) and supervision. */
  async profiles(): Promise<ProfileInfo> {
    return this.run(async () => {
      const channel = await this.openService(MC_INSTALL);
      const profileList = await this.ask(
        channel,
        'mcinstall-profiles',
        `${MC_INSTALL} GetProfileList`,
        {
          RequestType: 'GetProfileList',
        },
      );
      const cloud = await this.ask(
        channel,
        'mcinstall-cloud',
        `${MC_INSTALL} GetCloudConfiguration`,
        {
          RequestType: 'GetCloudConfiguration',
        },
      );
      this.finish(channel);
      for (const r of [profileList, cloud])
        if (r.Status !== 'Acknowledged')
          throw classifyIosError(new Error(`MCInstall error: ${JSON.stringify(r)}`));
      return {
        profileList,
        cloudConfiguration: isDict(cloud.CloudConfiguration) ? cloud.CloudConfiguration : {},
      };
    });
  }

  /** Provisioning profiles (misagent CopyAll). service-missing when the phone does not offer it. */
  async provisioningProfiles(): Promise<Dict> {
    return this.run(async () => {
      const channel = await this.openService(MISAGENT);
      const reply = await this.ask(channel, 'misagent-copyall', `${MISAGENT} CopyAll`, {
        MessageType: 'CopyAll',
        ProfileType: 'Provisioning',
      });
      this.finish(channel);
      return reply;
    });
  }

  /** Home-screen layout (springboardservices getIconState). */
  async iconState(): Promise<unknown> {
    return this.run(async () => {
      const channel = await this.openService(SPRINGBOARD);
      const frames = channel.frames.length;
      const started = new Date();
      this.roundTrips++;
      channel.ps.sendPlist({ command: 'getIconState', formatVersion: '2' });
      const reply: unknown = await receiveReply(channel.ps, this.timeoutMs);
      this.keep(
        'springboard-icons',
        `${SPRINGBOARD} getIconState`,
        channel.frames.slice(frames),
        started,
      );
      this.finish(channel);
      return reply;
    });
  }

  /** Stop now: every open socket is closed and waiting requests fail as "lost". */
  abort(reason: string): void {
    this.lost ??= new IosDeviceError('lost', reason);
    this.failCurrent?.(this.lost);
    this.closeSockets();
  }

  /**
   * Sockets still open: 0 after every read (each read closes what it opened), except the one
   * held lockdown connection after `holdSession()`, until `endSession()` or `close()`.
   */
  get openSockets(): number {
    return this.sockets.size;
  }

  /**
   * From now on, keep one lockdown connection and its session from read to read and start
   * every service in it (a scan: one StartSession, one TLS handshake for lockdownd). Reads
   * ask the same things in the same order; only the session's start and stop are shared.
   * After any failed read the held connection is dropped (a late answer must never be taken
   * for the next one), and the next read opens a new one. `endSession()` or `close()` ends it.
   */
  holdSession(): void {
    this.holding = true;
  }

  /** Stops the held session politely (StopSession) and closes its connection. */
  async endSession(): Promise<void> {
    const held = this.held;
    this.holding = false;
    if (!held || this.lost) return this.dropHeld();
    await this.run(async () => {
      if (held.session) await this.stopSession(held.channel);
      else this.finish(held.channel);
    }).catch(() => undefined);
    this.dropHeld();
  }

  /** Closes every socket this door opened. */
  close(): void {
    this.holding = false;
    this.held = undefined;
    this.closeSockets();
  }

  private isHeld(channel: Channel): boolean {
    return this.held?.channel === channel;
  }

  /** Forgets the held connection and closes its sockets. */
  private dropHeld(): void {
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    for (const s of held.channel.sockets) {
      this.released.add(s);
      this.sockets.delete(s);
      s.destroy();
    }
  }

  /** A lockdown connection for one request: the held one when holding, else a new one. */
  private async lockdownChannel(): Promise<{ channel: Channel }> {
    // inside a session GetValue answers more than the public values: ask those on their own
    if (!this.holding || this.held?.session) return this.openLockdown();
    if (this.held) {
      this.held.busy = true;
      return { channel: this.held.channel };
    }
    const { channel } = await this.openLockdown();
    this.held = { channel, session: false, busy: true };
    for (const s of channel.sockets) this.kept.add(s);
    return { channel };
  }

  /** Done with a lockdown channel: a held one stays open for the next read. */
  private doneWith(channel: Channel): void {
    if (this.isHeld(channel)) this.held!.busy = false;
    else this.finish(channel);
  }

  private closeSockets(): void {
    for (const s of this.sockets) {
      this.released.add(s);
      s.destroy();
    }
    this.sockets.clear();
  }

  private release(...sockets: Duplex[]): void {
    for (const s of sockets) this.released.add(s);
  }

  /** Done with a channel: its sockets may close now. */
  private finish(channel: Channel): void {
    this.release(...channel.sockets);
    channel.ps.close();
  }

  private track<T extends Duplex>(s: T): T {
    this.sockets.add(s);
    s.once('close', () => {
      this.sockets.delete(s);
      if (this.released.has(s)) return;
      const lost = new IosDeviceError(
        'lost',
        'The iPhone stopped answering (its connection closed)',
      );
      if (this.kept.has(s)) {
        // the held lockdown connection closed between reads: the next read opens a new one
        // (and finds out whether the phone is still there); only a read using it fails now
        const busy = this.held?.channel.sockets.includes(s) && this.held.busy;
        if (this.held?.channel.sockets.includes(s)) this.dropHeld();
        if (busy) this.failCurrent?.(lost);
        return;
      }
      this.failCurrent?.(lost);
    });
    // An error on a socket nobody waits on must not crash the process.
    s.on('error', () => {});
    return s;
  }

  /** Runs one read with a time limit; whatever it opened is closed when it ends or is given up. */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.lost) throw this.lost;
    const before = new Set(this.sockets);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      this.failCurrent = reject;
      timer = setTimeout(
        () =>
          reject(
            new IosDeviceError(
              'lost',
              `The iPhone gave no answer in ${Math.round(this.timeoutMs / 1000)} s`,
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (e) {
      const err = this.lost ?? classifyIosError(e);
      if (err.kind === 'lost') this.lost ??= err;
      // a request on it may still be answered late: never reuse the held connection after this
      // (a service the phone does not offer is a clean answer: the session stays usable)
      if (err.kind !== 'service-missing') this.dropHeld();
      throw err;
    } finally {
      clearTimeout(timer);
      this.failCurrent = undefined;
      for (const s of [...this.sockets]) {
        if (before.has(s) || (this.kept.has(s) && this.held?.channel.sockets.includes(s))) continue;
        this.released.add(s);
        this.sockets.delete(s);
        s.destroy();
      }
    }
  }

  private async usbmux(): Promise<{ mux: Usbmux; socket: Socket }> {
    const socket = this.track(await openUsbmuxd(this.address, this.timeoutMs));
    return { mux: guardedUsbmux(socket), socket };
  }

  /** Done with a usbmuxd connection that was only used for look-ups. */
  private closeMux(mux: Usbmux, socket: Socket): void {
    this.release(socket);
    mux.close();
  }

  /** Never kept in raw[]: the pair record holds this computer's private key. */
  private async pairRecord(mux: Usbmux): Promise<{
    HostID: string;
    SystemBUID: string;
    HostPrivateKey: Buffer;
    HostCertificate: Buffer;
  }> {
    const rec: unknown = await mux.readPairRecord(this.udid, this.timeoutMs);
    if (!isDict(rec) || typeof rec.HostID !== 'string')
      throw new IosDeviceError(
        'not-paired',
        'This computer is not trusted by the iPhone yet: unlock it, connect it, tap "Trust" and enter the passcode',
      );
    return rec as never;
  }

  private async openLockdown(): Promise<{ lockdown: Lockdown; channel: Channel }> {
    const { mux, socket: muxSocket } = await this.usbmux();
    const device = await mux.findDevice(this.udid, this.timeoutMs);
    if (!device) throw new IosDeviceError('no-phone', `The iPhone ${this.udid} is not connected`);
    const socket = this.track(
      (await mux.connect(device.Properties.DeviceID, LOCKDOWN_PORT, this.timeoutMs)) as Socket,
    );
    const ps = new PlistService(socket);
    const frames: Buffer[] = [];
    guardPlistService(ps, assertAllowedLockdown, frames);
    return {
      lockdown: new Lockdown(ps),
      channel: { ps, frames, label: 'lockdownd', sockets: [muxSocket, socket] },
    };
  }

  /** A lockdown session on TLS, with appium-ios-device's duplicate-reply bug worked around. */
  private async openSession(): Promise<{ channel: Channel }> {
    if (this.held?.session) {
      this.held.busy = true;
      return { channel: this.held.channel };
    }
    const { mux, socket } = await this.usbmux();
    const rec = await this.pairRecord(mux);
    this.closeMux(mux, socket);
    const { channel } = await this.lockdownChannel();
    const reply = await this.ask(channel, 'lockdown-start-session', 'lockdownd StartSession', {
      Label: 'spycheck',
      ProtocolVersion: '2',
      Request: 'StartSession',
      HostID: rec.HostID,
      SystemBUID: rec.SystemBUID,
    });
    if (reply.Error !== undefined || typeof reply.SessionID !== 'string')
      throw classifyIosError(new Error(`Unexpected data: ${JSON.stringify(reply)}`));
    if (reply.EnableSessionSSL === true) {
      channel.ps.enableSessionSSL(rec.HostPrivateKey, rec.HostCertificate);
      channel.sockets.push(this.track(channel.ps._socketClient as unknown as Duplex));
      if (!this.options.withoutDuplicateReplyWorkaround) fixDuplicateReplies(channel.ps);
    }
    if (this.isHeld(channel)) {
      this.held!.session = true;
      for (const s of channel.sockets) this.kept.add(s);
    }
    return { channel };
  }

  /** Ends the session and the lockdown connection (the phone may hang up after answering). */
  private async stopSession(channel: Channel): Promise<void> {
    this.release(...channel.sockets);
    await this.ask(channel, 'lockdown-stop-session', 'lockdownd StopSession', {
      Label: 'spycheck',
      ProtocolVersion: '2',
      Request: 'StopSession',
    }).catch(() => undefined);
    channel.ps.close();
  }

  /** Starts `service` in a session and connects to it (TLS when the phone asks for it). */
  private async openService(service: string): Promise<Channel> {
    const { channel } = await this.openSession();
    const reply = await this.ask(
      channel,
      `lockdown-start-${service}`,
      `lockdownd StartService ${service}`,
      {
        Label: 'spycheck',
        ProtocolVersion: '2',
        Request: 'StartService',
        Service: service,
      },
    );
    if (reply.Error !== undefined || typeof reply.Port !== 'number')
      throw classifyIosError(new Error(`Unexpected data: ${JSON.stringify(reply)}`));
    if (this.isHeld(channel)) this.doneWith(channel);
    else await this.stopSession(channel);
    const { mux, socket: muxSocket } = await this.usbmux();
    const device = await mux.findDevice(this.udid, this.timeoutMs);
    if (!device) throw new IosDeviceError('lost', `The iPhone ${this.udid} was disconnected`);
    const rec = reply.EnableServiceSSL === true ? await this.pairRecord(mux) : undefined;
    let socket: Duplex = this.track(
      (await mux.connect(device.Properties.DeviceID, reply.Port, this.timeoutMs)) as Socket,
    );
    const sockets: Duplex[] = [muxSocket, socket];
    if (rec) {
      socket = this.track(upgradeToSSL(socket as Socket, rec.HostPrivateKey, rec.HostCertificate));
      sockets.push(socket);
    }
    const ps = new PlistService(socket);
    const frames: Buffer[] = [];
    guardPlistService(ps, (req) => assertAllowedService(service, req), frames);
    return { ps, frames, label: service, sockets };
  }

  /** One request, one answer, kept in raw[]. */
  private async ask(channel: Channel, id: string, request: string, plist: Dict): Promise<Dict> {
    const before = channel.frames.length;
    const started = new Date();
    this.roundTrips++;
    channel.ps.sendPlist(plist);
    const reply: unknown = await receiveReply(channel.ps, this.timeoutMs);
    this.keep(id, request, channel.frames.slice(before), started);
    if (!isDict(reply))
      throw new IosDeviceError('failed', `${request}: the answer is not a dictionary`);
    return reply;
  }

  /** A request answered by several messages, up to Status Complete (installation_proxy). */
  private async askUntilComplete(
    channel: Channel,
    id: string,
    request: string,
    plist: Dict,
  ): Promise<Dict[]> {
    const before = channel.frames.length;
    const started = new Date();
    this.roundTrips++;
    channel.ps.sendPlist(plist);
    const replies: Dict[] = [];
    try {
      for (;;) {
        const r: unknown = await receiveReply(channel.ps, this.timeoutMs);
        if (!isDict(r))
          throw new IosDeviceError('failed', `${request}: an answer is not a dictionary`);
        replies.push(r);
        if (r.Error !== undefined)
          throw classifyIosError(new Error(`${request}: ${JSON.stringify(r)}`));
        if (r.Status === 'Complete') return replies;
      }
    } finally {
      this.keep(id, request, channel.frames.slice(before), started);
    }
  }

  private keep(id: string, request: string, frames: Buffer[], started: Date): void {
    const data = Buffer.concat(frames);
    this.seq++;
    this.raw.push({
      record: {
        id,
        request,
        file: `${String(this.seq).padStart(3, '0')}-${id.replace(/[^a-z0-9.-]+/gi, '_')}.plist-frames`,
        time: started.toISOString(),
        durationMs: Date.now() - started.getTime(),
        bytes: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
      },
      data,
    });
  }
}

/**
 * appium-ios-device 3.1.23's enableSessionSSL pipes the splitter into the
 * decoder a second time, so every reply is queued twice and answers shift by
 * one request. Undo the second pipe; a fixed release keeps its only one.
 */
export function fixDuplicateReplies(ps: PlistService): boolean {
  const splitter = ps._splitter as unknown as {
    _readableState?: { pipes?: unknown[] };
    unpipe(d: unknown): void;
  };
  const pipes = splitter._readableState?.pipes;
  if (
    Array.isArray(pipes) &&
    pipes.length === 2 &&
    pipes[0] === ps._decoder &&
    pipes[1] === ps._decoder
  ) {
    // unpipe takes away one of the two pipes; the other keeps the replies flowing.
    splitter.unpipe(ps._decoder);
    return true;
  }
  return false;
}

/**
 * The next reply on a plist channel, as soon as it is decoded. appium-ios-device's own
 * `receivePlist` looks at its reply queue every 50 ms (a timer), which cost up to 50 ms per
 * request: about a second of a 20-request iPhone scan. This takes replies from the same queue
 * (so the duplicate-reply workaround and its test see the same order), waking on the decoder's
 * `data` event, which fires after the library's own listener has queued the reply.
 */
export function receiveReply(ps: PlistService, timeoutMs: number): Promise<unknown> {
  const queue = (ps as unknown as { replyQueue: unknown[] }).replyQueue;
  const decoder = ps._decoder as unknown as Duplex;
  if (queue.length > 0) return Promise.resolve(queue.shift());
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (queue.length === 0) return;
      cleanup();
      resolve(queue.shift());
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Failed to receive any data within the timeout: ${timeoutMs}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      decoder.off('data', onData);
    };
    decoder.on('data', onData);
  });
}

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}
