/**
 * misagent CopyAll (ProfileType Provisioning) → provisioning profiles. The
 * answer is `{ Status, Payload: [data…] }`; each data is a signed
 * (CMS/PKCS#7, DER) profile whose content is an XML property list. The
 * signature is not checked here: the plist is found between its `<?xml` and
 * `</plist>` and read. ProvisionsAllDevices marks an enterprise profile;
 * ProvisionedDevices lists the phones an ad hoc or development profile is
 * for (only their count, and whether this phone is among them, is kept).
 */
import { parse as parsePlistXml } from 'plist';
import type { IosFlag, IosProvisioningProfile } from '../../model/iosSnapshot.js';
import type { ParseResult } from '../../model/parse.js';
import { type Dict, flag, get, isDict, text, textList, Warnings } from './values.js';

export const PARSER = { id: 'ios.provisioning', version: 1 } as const;

/** Most profiles read from one answer. */
export const MAX_PROVISIONING_PROFILES = 200;
/** Largest profile read (real ones are 10–40 KB; device lists make them larger). */
export const MAX_PROFILE_BYTES = 2 * 1024 * 1024;

const XML_START = Buffer.from('<?xml', 'latin1');
const PLIST_END = Buffer.from('</plist>', 'latin1');

export function parseProvisioningProfiles(
  reply: unknown,
  udid?: string,
): ParseResult<IosProvisioningProfile[]> {
  const w = new Warnings();
  if (!isDict(reply)) {
    w.add('The provisioning profile answer is not a dictionary; none read');
    return { parsed: [], warnings: w.done() };
  }
  const status = get(reply, 'Status');
  if (status !== undefined && status !== 0)
    w.add('The provisioning profile answer reports an error');
  const payload = get(reply, 'Payload');
  if (payload === undefined) return { parsed: [], warnings: w.done() };
  if (!Array.isArray(payload)) {
    w.add('The provisioning profile list is not a list; none read');
    return { parsed: [], warnings: w.done() };
  }
  if (payload.length > MAX_PROVISIONING_PROFILES)
    w.add(
      `The phone holds ${payload.length} provisioning profiles; read the first ${MAX_PROVISIONING_PROFILES}`,
    );
  const out: IosProvisioningProfile[] = [];
  payload.slice(0, MAX_PROVISIONING_PROFILES).forEach((item, i) => {
    const p = readOne(item, i + 1, udid, w);
    if (p) out.push(p);
  });
  return { parsed: out, warnings: w.done() };
}

/** Team id → true when any of its profiles provisions all devices (for parseApps). */
export function provisionsAllDevicesByTeam(
  profiles: readonly IosProvisioningProfile[],
): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const p of profiles) {
    if (p.provisionsAllDevices === 'unknown') continue;
    for (const t of p.teamIds) out.set(t, out.get(t) === true || p.provisionsAllDevices);
  }
  return out;
}

function readOne(
  item: unknown,
  n: number,
  udid: string | undefined,
  w: Warnings,
): IosProvisioningProfile | undefined {
  const where = `Provisioning profile ${n}`;
  let bytes: Buffer;
  if (Buffer.isBuffer(item)) bytes = item;
  else if (item instanceof Uint8Array) bytes = Buffer.from(item);
  else {
    w.add(`${where} is not data; skipped`);
    return undefined;
  }
  if (bytes.length > MAX_PROFILE_BYTES) {
    w.add(`${where} is ${bytes.length} bytes, larger than any real profile; skipped`);
    return undefined;
  }
  const start = bytes.indexOf(XML_START);
  const end = start < 0 ? -1 : bytes.indexOf(PLIST_END, start);
  if (start < 0 || end < 0) {
    w.add(`${where} holds no property list; skipped`);
    return undefined;
  }
  let d: unknown;
  try {
    d = parsePlistXml(bytes.subarray(start, end + PLIST_END.length).toString('utf8'));
  } catch {
    w.add(`${where}: its property list cannot be read; skipped`);
    return undefined;
  }
  if (!isDict(d)) {
    w.add(`${where}: its property list is not a dictionary; skipped`);
    return undefined;
  }
  const ents: Dict = isDict(get(d, 'Entitlements')) ? (get(d, 'Entitlements') as Dict) : {};
  const devicesRaw = get(d, 'ProvisionedDevices');
  const devices = Array.isArray(devicesRaw) ? devicesRaw : undefined;
  const all = flag(d, 'ProvisionsAllDevices', w, where);
  let listsThisPhone: IosFlag = 'unknown';
  if (devices && udid)
    listsThisPhone = devices.some(
      (x) => typeof x === 'string' && x.toUpperCase() === udid.toUpperCase(),
    );
  const gta = get(ents, 'get-task-allow');
  const getTaskAllow = typeof gta === 'boolean' ? gta : undefined;
  const kind: IosProvisioningProfile['kind'] =
    all === true
      ? 'enterprise'
      : devices
        ? getTaskAllow === true
          ? 'development'
          : getTaskAllow === false
            ? 'ad-hoc'
            : 'unknown'
        : 'unknown';
  const appIdent = get(ents, 'application-identifier');
  const p: IosProvisioningProfile = {
    uuid: text(d, 'UUID', w, where),
    name: text(d, 'Name', w, where),
    teamIds: textList(d, 'TeamIdentifier', w, where, 16),
    teamName: text(d, 'TeamName', w, where),
    appIdName: text(d, 'AppIDName', w, where),
    applicationIdentifier: typeof appIdent === 'string' ? appIdent.slice(0, 512) : undefined,
    provisionsAllDevices: all === 'unknown' && devices ? false : all,
    deviceCount: devices?.length,
    listsThisPhone,
    getTaskAllow,
    kind,
    created: isoDate(get(d, 'CreationDate')),
    expires: isoDate(get(d, 'ExpirationDate')),
  };
  for (const k of Object.keys(p) as (keyof IosProvisioningProfile)[])
    if (p[k] === undefined) delete p[k];
  return p;
}

function isoDate(v: unknown): string | undefined {
  return v instanceof Date && Number.isFinite(v.getTime()) ? v.toISOString() : undefined;
}
