/**
 * One simulated iPhone behind usbmuxd: lockdownd on port 62078 (plist
 * framing, TLS session from the pair record) and the services it starts.
 * Only reads are answered; anything that would change the phone is logged as
 * forbidden and refused.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket } from 'node:tls';
import { zoneOffsetMinutes } from '../zone.js';
import { FrameReader, lengthPrefixed } from './frames.js';
import { makePairRecord, type PairRecord } from './pairing.js';
import { decodeDict, encodeXml, type PlistDict, type PlistValue } from './plist.js';
import type { IosProfile } from './profile.js';
import { PUBLIC_LOCKDOWN_KEYS } from './profile.js';
import type { IosRequestLog } from './requestLog.js';
import { TlsCarrier, tlsRecordAt } from './tlsCarrier.js';

export const LOCKDOWN_PORT = 62078;

/**
 * The requests lockdownd answers here; every other one is refused as
 * forbidden. Goodbye (libimobiledevice's farewell) changes nothing either.
 */
const LOCKDOWN_READS = new Set([
  'QueryType',
  'GetValue',
  'StartSession',
  'StopSession',
  'StartService',
  'Goodbye',
]);
const PUBLIC = new Set<string>(PUBLIC_LOCKDOWN_KEYS);
/** Session values of the phone's clock (see SimIPhone.clockValues). */
const CLOCK_KEYS: readonly string[] = [
  'TimeIntervalSince1970',
  'TimeZone',
  'TimeZoneOffsetFromUTC',
];

function pickKeys(d: PlistDict, keys: readonly string[]): PlistDict {
  const out: PlistDict = {};
  for (const k of keys) if (d[k] !== undefined) out[k] = d[k];
  return out;
}

/** Read as a whole domain this answers {}: only asking by key gives a value (as on iOS 16+). */
const KEY_ONLY_DOMAINS = new Set(['com.apple.security.mac.amfi']);

type ServiceHandler = (request: PlistDict, send: (reply: PlistValue) => void) => void;

interface PendingService {
  name: string;
  ssl: boolean;
}

export class SimIPhone {
  readonly deviceId: number;
  /** What the computer has from "Trust This Computer"; undefined when never paired. */
  readonly pairRecord: PairRecord | undefined;
  /** The phone's own copy of the pairing; the host's record is refused when it was removed. */
  private readonly phoneKnowsHost: boolean;
  private readonly pending = new Map<number, PendingService>();
  private nextPort = 49_152;
  private readonly openSockets = new Set<Duplex>();

  constructor(
    readonly profile: IosProfile,
    readonly log: IosRequestLog,
    deviceId: number,
    pairRecord?: PairRecord,
  ) {
    this.deviceId = deviceId;
    const state = profile.state;
    this.pairRecord =
      state === 'unpaired'
        ? undefined
        : (pairRecord ?? makePairRecord(profile.udid, String(profile.public.WiFiAddress ?? '')));
    this.phoneKnowsHost = state !== 'unpaired' && state !== 'pairing-removed';
  }

  get udid(): string {
    return this.profile.udid;
  }

  /** Whether something listens on `port`: lockdownd, or a service started for one connection. */
  accepts(port: number): boolean {
    return port === LOCKDOWN_PORT || this.pending.has(port);
  }

  /** A usbmuxd Connect to `port` that was accepted: the socket is taken over. */
  connect(port: number, socket: Duplex, leftover: Buffer): boolean {
    if (port === LOCKDOWN_PORT) {
      this.track(socket);
      new LockdownConnection(this, socket, leftover);
      return true;
    }
    const service = this.pending.get(port);
    if (!service) return false;
    // A started service takes one connection, as on the phone.
    this.pending.delete(port);
    this.track(socket);
    this.serve(service, socket, leftover);
    return true;
  }

  close(): void {
    for (const s of this.openSockets) s.destroy();
    this.openSockets.clear();
  }

  private track(socket: Duplex): void {
    this.openSockets.add(socket);
    socket.once('close', () => this.openSockets.delete(socket));
  }

  /**
   * Logs a request; false when the profile's `faults.silent` lists it: the
   * phone then never answers it (a hung service), so clients' time limits
   * can be tested.
   */
  logRequest(
    target: string,
    request: string,
    forbidden: boolean,
    via: 'lockdownd' | 'service',
  ): boolean {
    this.log.add({ via, udid: this.udid, target, request, forbidden });
    return !this.profile.faults.silent.includes(request);
  }

  /**
   * The session values of the phone's clock, as a real phone gives them: TimeIntervalSince1970
   * (a real: the computer's clock now plus the profile's offset), TimeZone and
   * TimeZoneOffsetFromUTC (seconds east of UTC, a real). The profile's `session.global` may set
   * the zone (default Europe/London) or any of these outright.
   */
  clockValues(): PlistDict {
    const global = this.profile.session.global;
    const now = Date.now() + (this.profile.clock?.offsetSeconds ?? 0) * 1000;
    const zone = typeof global.TimeZone === 'string' ? global.TimeZone : 'Europe/London';
    const seconds = now / 1000;
    return {
      // a plist <real> with its fraction, as a phone gives it
      TimeIntervalSince1970: Number.isInteger(seconds) ? seconds + 0.000001 : seconds,
      TimeZone: zone,
      TimeZoneOffsetFromUTC: zoneOffsetMinutes(now, zone) * 60,
      ...pickKeys(global, CLOCK_KEYS),
    };
  }

  /** GetValue: public keys always; the rest only inside a session. */
  getValue(
    domain: string | undefined,
    key: string | undefined,
    inSession: boolean,
  ): PlistValue | undefined {
    const p = this.profile;
    if (!domain) {
      if (key === undefined) {
        const all: PlistDict = { ...p.public };
        if (inSession) Object.assign(all, this.clockValues(), p.session.global);
        return all;
      }
      if (PUBLIC.has(key)) return p.public[key];
      if (inSession && CLOCK_KEYS.includes(key)) return this.clockValues()[key];
      return inSession ? p.session.global[key] : undefined;
    }
    if (!inSession) return undefined;
    const values = p.session.domains[domain];
    if (key === undefined) return KEY_ONLY_DOMAINS.has(domain) ? {} : values;
    return values?.[key];
  }

  /** StartService inside a session: a port for one new usbmuxd Connect. */
  startService(name: string): PlistDict {
    const st = this.profile.state;
    if (st === 'locked' || st === 'locked-before-first-unlock')
      return { Request: 'StartService', Service: name, Error: 'PasswordProtected' };
    if (!this.profile.services.includes(name))
      return { Request: 'StartService', Service: name, Error: 'InvalidService' };
    const port = this.nextPort++;
    const ssl = !this.profile.plainServices.includes(name);
    this.pending.set(port, { name, ssl });
    return {
      Request: 'StartService',
      Service: name,
      Port: port,
      ...(ssl ? { EnableServiceSSL: true } : {}),
    };
  }

  sessionAllowed(hostId: unknown, buid: unknown): PlistDict | undefined {
    if (!this.phoneKnowsHost || !this.pairRecord || hostId !== this.pairRecord.HostID)
      return { Request: 'StartSession', Error: 'InvalidHostID' };
    if (typeof buid === 'string' && buid !== this.pairRecord.SystemBUID)
      return { Request: 'StartSession', Error: 'InvalidHostID' };
    if (this.profile.state === 'locked-before-first-unlock')
      return { Request: 'StartSession', Error: 'PasswordProtected' };
    return undefined;
  }

  /** TLS on `socket` as the phone (server side) with the device certificate. */
  tls(socket: Duplex): TLSSocket {
    const rec = this.pairRecord;
    if (!rec) throw new Error('no pairing');
    const t = new TLSSocket(socket as never, {
      isServer: true,
      secureContext: createSecureContext({
        key: rec.devicePrivateKey,
        cert: rec.DeviceCertificate,
      }),
    });
    t.on('error', () => t.destroy());
    this.track(t);
    return t;
  }

  private serve(service: PendingService, socket: Duplex, leftover: Buffer): void {
    const handler = serviceHandler(this, service.name);
    let stream: Duplex = socket;
    if (service.ssl) {
      if (leftover.length > 0) socket.unshift(leftover);
      stream = this.tls(socket);
      leftover = Buffer.alloc(0);
    }
    framedPlists(
      stream,
      leftover,
      (req) => handler(req, (reply) => stream.write(lengthPrefixed(encodeXml(reply)))),
      (why) =>
        this.logRequest(service.name, `${service.name} (unreadable: ${why})`, true, 'service'),
    );
  }
}

/** Calls `onRequest` for every plist frame; a frame that is not a plist dictionary closes the connection. */
function framedPlists(
  stream: Duplex,
  leftover: Buffer,
  onRequest: (req: PlistDict) => void,
  onBadFrame: (why: string) => void,
  /** After StopSession: drop the client's TLS close_notify that may still come. */
  skipTlsRecords = false,
): () => Buffer {
  const reader = new FrameReader();
  const onData = (chunk: Buffer) => {
    reader.push(chunk);
    try {
      if (skipTlsRecords) reader.skip(tlsRecordAt);
      for (let f = reader.nextLengthPrefixed(); f; f = reader.nextLengthPrefixed()) {
        if (f.length === 0) continue;
        onRequest(decodeDict(f));
      }
    } catch (e) {
      onBadFrame(e instanceof Error ? e.message : String(e));
      stream.destroy();
    }
  };
  stream.on('data', onData);
  stream.on('error', () => stream.destroy());
  if (leftover.length > 0) onData(leftover);
  return () => {
    stream.off('data', onData);
    return reader.rest();
  };
}

class LockdownConnection {
  private session: string | undefined;
  /** Where requests are read and answers written: the connection, or TLS on it during a session. */
  private stream: Duplex;
  private carrier: TlsCarrier | undefined;

  constructor(
    private readonly phone: SimIPhone,
    private readonly conn: Duplex,
    leftover: Buffer,
  ) {
    this.stream = conn;
    this.listen(leftover);
  }

  private stopListening: () => Buffer = () => Buffer.alloc(0);

  private listen(leftover: Buffer, skipTlsRecords = false): void {
    this.stopListening = framedPlists(
      this.stream,
      leftover,
      (req) => this.handle(req),
      (why) => this.phone.logRequest('lockdownd', `(unreadable: ${why})`, true, 'lockdownd'),
      skipTlsRecords,
    );
  }

  private send(reply: PlistDict): void {
    this.stream.write(lengthPrefixed(encodeXml(reply)));
  }

  private handle(req: PlistDict): void {
    const phone = this.phone;
    const request = typeof req.Request === 'string' ? req.Request : '';
    const domain = typeof req.Domain === 'string' ? req.Domain : undefined;
    const key = typeof req.Key === 'string' ? req.Key : undefined;
    const forbidden = !LOCKDOWN_READS.has(request);
    const detail = [
      request || '(no Request)',
      domain,
      key,
      typeof req.Service === 'string' ? req.Service : undefined,
    ]
      .filter((x) => x !== undefined)
      .join(' ');
    if (!phone.logRequest('lockdownd', detail, forbidden, 'lockdownd')) return;
    if (forbidden) {
      this.send({ Request: request, Error: 'NotAllowed' });
      return;
    }
    switch (request) {
      case 'QueryType':
        this.send({ Request: 'QueryType', Type: 'com.apple.mobile.lockdown' });
        return;
      case 'GetValue': {
        const value = phone.getValue(domain, key, this.session !== undefined);
        const echo: PlistDict = {
          Request: 'GetValue',
          ...(domain ? { Domain: domain } : {}),
          ...(key ? { Key: key } : {}),
        };
        this.send(
          value === undefined ? { ...echo, Error: 'MissingValue' } : { ...echo, Value: value },
        );
        return;
      }
      case 'StartSession': {
        const refused = phone.sessionAllowed(req.HostID, req.SystemBUID);
        if (refused) {
          this.send(refused);
          return;
        }
        this.session = randomUUID().toUpperCase();
        this.send({ Request: 'StartSession', SessionID: this.session, EnableSessionSSL: true });
        // Everything after this answer is TLS, on the same connection.
        this.carrier = new TlsCarrier(this.conn, this.stopListening());
        this.stream = phone.tls(this.carrier);
        this.listen(Buffer.alloc(0));
        return;
      }
      case 'Goodbye':
        this.send({ Request: 'Goodbye', Result: 'Success' });
        this.stream.end();
        return;
      case 'StopSession': {
        if (!this.session) {
          this.send({ Request: 'StopSession', Error: 'NoRunningSession' });
          return;
        }
        this.session = undefined;
        // The answer is the last thing in TLS; then the connection is plain text again.
        const tls = this.stream;
        const carrier = this.carrier;
        this.stopListening();
        tls.write(lengthPrefixed(encodeXml({ Request: 'StopSession', Result: 'Success' })), () => {
          carrier?.detach();
          tls.destroy();
          this.carrier = undefined;
          this.stream = this.conn;
          this.listen(Buffer.alloc(0), true);
        });
        return;
      }
      case 'StartService': {
        const name = typeof req.Service === 'string' ? req.Service : '';
        if (!this.session) {
          this.send({ Request: 'StartService', Service: name, Error: 'NoRunningSession' });
          return;
        }
        this.send(phone.startService(name));
        return;
      }
    }
  }
}

const INSTALLATION_PROXY = 'com.apple.mobile.installation_proxy';
const MC_INSTALL = 'com.apple.mobile.MCInstall';
const SPRINGBOARD = 'com.apple.springboardservices';

function serviceHandler(phone: SimIPhone, name: string): ServiceHandler {
  if (name === INSTALLATION_PROXY) return (req, send) => installationProxy(phone, req, send);
  if (name === MC_INSTALL) return (req, send) => mcInstall(phone, req, send);
  if (name === SPRINGBOARD) return (req, send) => springboard(phone, req, send);
  return (req, send) => {
    phone.logRequest(name, `${name} ${describe(req)}`, true, 'service');
    send({ Error: 'NotSimulated' });
  };
}

function describe(req: PlistDict): string {
  for (const k of ['Command', 'RequestType', 'MessageType', 'command']) {
    if (typeof req[k] === 'string') return req[k] as string;
  }
  return '(no command)';
}

/** System, User, Internal (hidden system parts) or Any, as installation_proxy filters. */
function typeMatches(app: PlistDict, wanted: unknown): boolean {
  if (wanted === undefined || wanted === 'Any') return true;
  return app.ApplicationType === wanted;
}

function pick(app: PlistDict, attributes: unknown): PlistDict {
  if (!Array.isArray(attributes) || attributes.length === 0) return app;
  const out: PlistDict = {};
  for (const a of attributes) {
    if (typeof a === 'string' && app[a] !== undefined) out[a] = app[a] as PlistValue;
  }
  // The phone always says which app an entry is.
  out.CFBundleIdentifier = app.CFBundleIdentifier as string;
  return out;
}

function installationProxy(phone: SimIPhone, req: PlistDict, send: (r: PlistDict) => void): void {
  const command = describe(req);
  const forbidden = command !== 'Browse' && command !== 'Lookup';
  if (
    !phone.logRequest(INSTALLATION_PROXY, `${INSTALLATION_PROXY} ${command}`, forbidden, 'service')
  )
    return;
  if (forbidden) {
    send({
      Status: 'Complete',
      Error: 'NotAllowed',
      ErrorDescription: `${command} is not allowed`,
    });
    return;
  }
  const options = (req.ClientOptions ?? {}) as PlistDict;
  const apps = phone.profile.apps.filter((a) => typeMatches(a, options.ApplicationType));
  if (command === 'Lookup') {
    const ids = Array.isArray(options.BundleIDs) ? options.BundleIDs : undefined;
    const result: PlistDict = {};
    for (const a of apps) {
      const id = a.CFBundleIdentifier as string;
      if (!ids || ids.includes(id)) result[id] = pick(a, options.ReturnAttributes);
    }
    send({ LookupResult: result, Status: 'Complete' });
    return;
  }
  const batch = phone.profile.browseBatch;
  for (let i = 0; i < apps.length; i += batch) {
    const list = apps.slice(i, i + batch).map((a) => pick(a, options.ReturnAttributes));
    send({
      Status: 'BrowsingApplications',
      CurrentIndex: i,
      CurrentAmount: list.length,
      Total: apps.length,
      CurrentList: list,
    });
  }
  send({ Status: 'Complete' });
}

function mcInstall(phone: SimIPhone, req: PlistDict, send: (r: PlistDict) => void): void {
  const command = describe(req);
  const forbidden = command !== 'GetProfileList' && command !== 'GetCloudConfiguration';
  if (!phone.logRequest(MC_INSTALL, `${MC_INSTALL} ${command}`, forbidden, 'service')) return;
  if (forbidden) {
    send({
      Status: 'Error',
      ErrorChain: [
        {
          ErrorDomain: 'MCInstallationErrorDomain',
          ErrorCode: 4001,
          LocalizedDescription: `${command} is not allowed`,
        },
      ],
    });
    return;
  }
  if (command === 'GetCloudConfiguration') {
    send({ Status: 'Acknowledged', CloudConfiguration: phone.profile.cloudConfiguration });
    return;
  }
  const manifest: PlistDict = {};
  const metadata: PlistDict = {};
  for (const p of phone.profile.profiles) {
    manifest[p.identifier] = { Description: p.displayName, IsActive: p.active };
    metadata[p.identifier] = {
      PayloadDisplayName: p.displayName,
      ...(p.organization ? { PayloadOrganization: p.organization } : {}),
      ...(p.description ? { PayloadDescription: p.description } : {}),
      PayloadRemovalDisallowed: p.removalDisallowed,
      PayloadUUID: p.uuid,
      PayloadVersion: p.version,
    };
  }
  send({
    Status: 'Acknowledged',
    OrderedIdentifiers: phone.profile.profiles.map((p) => p.identifier),
    ProfileManifest: manifest,
    ProfileMetadata: metadata,
  });
}

/** Icons per home-screen page on a 6.1" iPhone, and in the dock. */
const PAGE_ICONS = 24;
const DOCK_ICONS = 4;

function icon(app: PlistDict): PlistDict {
  const id = app.CFBundleIdentifier as string;
  const name = app.CFBundleDisplayName ?? app.CFBundleName ?? id;
  return { bundleIdentifier: id, displayIdentifier: id, displayName: name as string };
}

/**
 * The home screen (getIconState, format 2): the dock, then each page. Apps
 * tagged hidden have no icon anywhere, as on the phone.
 */
function springboard(phone: SimIPhone, req: PlistDict, send: (r: PlistValue) => void): void {
  const command = describe(req);
  const forbidden = command !== 'getIconState';
  if (!phone.logRequest(SPRINGBOARD, `${SPRINGBOARD} ${command}`, forbidden, 'service')) return;
  if (forbidden) {
    send({ Error: 'NotAllowed' });
    return;
  }
  const visible = phone.profile.apps
    .filter((a) => !(Array.isArray(a.SBAppTags) && a.SBAppTags.includes('hidden')))
    .map(icon);
  const dockIds = [
    'com.apple.mobilephone',
    'com.apple.mobilesafari',
    'com.apple.MobileSMS',
    'com.apple.Music',
  ];
  const dock = visible
    .filter((i) => dockIds.includes(i.bundleIdentifier as string))
    .slice(0, DOCK_ICONS);
  const rest = visible.filter((i) => !dock.includes(i));
  const pages: PlistValue[] = [dock];
  for (let i = 0; i < rest.length; i += PAGE_ICONS) pages.push(rest.slice(i, i + PAGE_ICONS));
  send(pages);
}
