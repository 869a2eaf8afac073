/**
 * Lockdown values → device facts. `publicValues` is GetValue without a
 * session (model, iOS version…); `session` is what a session read:
 * `{ values: { 'Key' | 'Domain/Key': value }, missing: [...] }` as the door
 * returns it, or undefined when no session could be started (locked,
 * not trusted). A value that is missing, not asked or of the wrong type is
 * 'unknown', never false.
 */
import type { IosDeviceDetails, IosFlag } from '../../model/iosSnapshot.js';
import type { ParseResult } from '../../model/parse.js';
import { marketingName } from './deviceNames.js';
import { type Dict, flag, get, isDict, MAX_LIST, quote, text, Warnings } from './values.js';

export const PARSER = { id: 'ios.lockdownValues', version: 1 } as const;

/** Session value names (as the door keys them) → the device fact they give. */
export const SESSION_FACTS = {
  PasswordProtected: 'passcodeSet',
  'com.apple.mobile.chaperone/DeviceIsChaperoned': 'supervised',
  'com.apple.fmip/IsAssociated': 'findMyAssociated',
  'com.apple.mobile.backup/WillEncrypt': 'backupEncryption',
  'com.apple.security.mac.amfi/DeveloperModeStatus': 'developerMode',
  'com.apple.mobile.wireless_lockdown/EnableWifiConnections': 'wifiSync',
} as const satisfies Record<string, keyof IosDeviceDetails>;

export function parseLockdownValues(
  publicValues: unknown,
  session?: unknown,
): ParseResult<IosDeviceDetails> {
  const w = new Warnings();
  const pub: Dict = isDict(publicValues) ? publicValues : {};
  if (!isDict(publicValues))
    w.add(
      publicValues === undefined
        ? 'The phone gave no device information'
        : 'The device information is not a dictionary; ignored',
    );
  const where = 'Device information';
  const productType = text(pub, 'ProductType', w, where);
  const device: IosDeviceDetails = {
    udid: text(pub, 'UniqueDeviceID', w, where) ?? '',
    productType,
    marketingName: marketingName(productType),
    hardwareModel: text(pub, 'HardwareModel', w, where),
    deviceClass: text(pub, 'DeviceClass', w, where),
    deviceName: text(pub, 'DeviceName', w, where),
    iosVersion: text(pub, 'ProductVersion', w, where),
    build: text(pub, 'BuildVersion', w, where),
    ...unreadDeviceState(),
  };
  if (productType && !device.marketingName && productType.startsWith('iPhone'))
    w.add(`Unknown iPhone model ${quote(productType)}; shown as is`);

  if (session === undefined) {
    w.add('No session values were read: passcode, supervision, Find My and backups are unknown');
    return { parsed: prune(device), warnings: w.done() };
  }
  if (!isDict(session)) {
    w.add('The session values are not a dictionary; ignored');
    return { parsed: prune(device), warnings: w.done() };
  }
  const values: Dict = isDict(get(session, 'values')) ? (get(session, 'values') as Dict) : {};
  if (!isDict(get(session, 'values'))) w.add('The session values have no value list');
  const missingRaw = get(session, 'missing');
  if (Array.isArray(missingRaw))
    for (const m of missingRaw.slice(0, MAX_LIST))
      if (typeof m === 'string' && !device.missingValues.includes(m)) device.missingValues.push(m);

  const serial = text(values, 'SerialNumber', w, 'Session value');
  if (serial !== undefined) device.serialNumber = serial;
  for (const [name, fact] of Object.entries(SESSION_FACTS)) {
    const v: IosFlag = flag(values, name, w, 'Session value');
    (device as unknown as Record<string, IosFlag>)[fact] = v;
  }
  return { parsed: prune(device), warnings: w.done() };
}

/** Leaves out optional text the phone did not give (so JSON shows only what was read). */
function prune(d: IosDeviceDetails): IosDeviceDetails {
  const out = { ...d } as Record<string, unknown>;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as IosDeviceDetails;
}

/** The session values before (or without) a session: nothing known, nothing missing yet. */
export function unreadDeviceState() {
  return {
    passcodeSet: 'unknown',
    supervised: 'unknown',
    findMyAssociated: 'unknown',
    backupEncryption: 'unknown',
    developerMode: 'unknown',
    wifiSync: 'unknown',
    missingValues: [] as string[],
  } as const;
}
