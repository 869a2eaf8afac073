/**
 * The only requests spycheck may send to an iPhone, checked before a byte
 * is sent. Everything here reads; nothing pairs, installs, removes or sets.
 * (DESIGN.md, absolute rule 1; notes/device-access.md.)
 */

export const INSTALLATION_PROXY = 'com.apple.mobile.installation_proxy';
export const MC_INSTALL = 'com.apple.mobile.MCInstall';
export const MISAGENT = 'com.apple.misagent';
export const SPRINGBOARD = 'com.apple.springboardservices';

/** usbmuxd: host-side look-ups and opening a tunnel. Never SavePairRecord/DeletePairRecord. */
export const USBMUX_ALLOWED = ['ListDevices', 'ReadPairRecord', 'ReadBUID', 'Connect'] as const;

/** lockdownd requests. Never SetValue, RemoveValue, Pair, Unpair, EnterRecovery, Activate… */
export const LOCKDOWN_ALLOWED = [
  'QueryType',
  'GetValue',
  'StartSession',
  'StopSession',
  'StartService',
] as const;

/** Per service: which field names the command, and the read-only commands allowed. */
export const SERVICE_ALLOWED: Readonly<
  Record<string, { field: string; commands: readonly string[]; keys: readonly string[] }>
> = {
  [INSTALLATION_PROXY]: {
    field: 'Command',
    commands: ['Browse', 'Lookup'],
    keys: ['Command', 'ClientOptions'],
  },
  [MC_INSTALL]: {
    field: 'RequestType',
    commands: ['GetProfileList', 'GetCloudConfiguration'],
    keys: ['RequestType'],
  },
  [MISAGENT]: { field: 'MessageType', commands: ['CopyAll'], keys: ['MessageType', 'ProfileType'] },
  [SPRINGBOARD]: {
    field: 'command',
    commands: ['getIconState'],
    keys: ['command', 'formatVersion'],
  },
};

/** Fields a lockdown read may carry; a `Value` (what SetValue sends) never goes out. */
const LOCKDOWN_KEYS = new Set([
  'Label',
  'ProtocolVersion',
  'Request',
  'Domain',
  'Key',
  'HostID',
  'SystemBUID',
  'Service',
]);
const USBMUX_KEYS = new Set([
  'MessageType',
  'ProgName',
  'ClientVersionString',
  'PairRecordID',
  'DeviceID',
  'PortNumber',
]);
const CLIENT_OPTIONS = new Set(['ApplicationType', 'ReturnAttributes', 'BundleIDs']);

export class ForbiddenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenRequestError';
  }
}

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function name(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v).slice(0, 80) : `(${typeof v})`;
}

function onlyKeys(req: Dict, allowed: ReadonlySet<string>, where: string): void {
  for (const k of Object.keys(req)) {
    if (!allowed.has(k))
      throw new ForbiddenRequestError(`${where}: field ${name(k)} is not allowed`);
  }
}

export function assertAllowedUsbmux(req: unknown): void {
  if (!isDict(req)) throw new ForbiddenRequestError('usbmuxd: a request must be a dictionary');
  const type = req.MessageType;
  if (typeof type !== 'string' || !(USBMUX_ALLOWED as readonly string[]).includes(type))
    throw new ForbiddenRequestError(`usbmuxd: ${name(type)} is not a read-only request`);
  onlyKeys(req, USBMUX_KEYS, `usbmuxd ${type}`);
}

export function assertAllowedLockdown(req: unknown): void {
  if (!isDict(req)) throw new ForbiddenRequestError('lockdownd: a request must be a dictionary');
  const request = req.Request;
  if (typeof request !== 'string' || !(LOCKDOWN_ALLOWED as readonly string[]).includes(request))
    throw new ForbiddenRequestError(`lockdownd: ${name(request)} is not a read-only request`);
  onlyKeys(req, LOCKDOWN_KEYS, `lockdownd ${request}`);
  if (request === 'StartService') {
    const service = req.Service;
    if (typeof service !== 'string' || !Object.hasOwn(SERVICE_ALLOWED, service))
      throw new ForbiddenRequestError(`lockdownd: service ${name(service)} is not on the list`);
  }
}

export function assertAllowedService(service: string, req: unknown): void {
  const rule = Object.hasOwn(SERVICE_ALLOWED, service) ? SERVICE_ALLOWED[service] : undefined;
  if (!rule) throw new ForbiddenRequestError(`service ${name(service)} is not on the list`);
  if (!isDict(req)) throw new ForbiddenRequestError(`${service}: a request must be a dictionary`);
  const command = req[rule.field];
  if (typeof command !== 'string' || !rule.commands.includes(command))
    throw new ForbiddenRequestError(`${service}: ${name(command)} is not a read-only request`);
  onlyKeys(req, new Set(rule.keys), `${service} ${command}`);
  if (service === INSTALLATION_PROXY && req.ClientOptions !== undefined) {
    if (!isDict(req.ClientOptions))
      throw new ForbiddenRequestError(`${service}: ClientOptions must be a dictionary`);
    onlyKeys(req.ClientOptions, CLIENT_OPTIONS, `${service} ${command} ClientOptions`);
  }
  if (service === MISAGENT && req.ProfileType !== undefined && req.ProfileType !== 'Provisioning')
    throw new ForbiddenRequestError(
      `${service}: ProfileType ${name(req.ProfileType)} is not allowed`,
    );
}
