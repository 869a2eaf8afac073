/**
 * Property lists as phones send them: XML (usbmuxd, lockdownd's answers) or
 * binary "bplist00" (what most clients send). Values are plain JS: dicts,
 * arrays, strings, numbers, booleans, Buffers for <data>.
 */
import bplistCreator from 'bplist-creator';
import bplistParser from 'bplist-parser';
import { build as buildXml, parse as parseXml } from 'plist';

export type PlistValue =
  | string
  | number
  | boolean
  | Buffer
  | Date
  | PlistValue[]
  | { [key: string]: PlistValue };
export type PlistDict = { [key: string]: PlistValue };

const BINARY_MAGIC = Buffer.from('bplist00', 'latin1');

export function isBinaryPlist(data: Buffer): boolean {
  return data.length >= 8 && data.subarray(0, 8).equals(BINARY_MAGIC);
}

/** Decode an XML or binary plist; throws on anything else. */
export function decodePlist(data: Buffer): PlistValue {
  if (isBinaryPlist(data)) {
    const [value] = bplistParser.parseBuffer(data);
    return value as PlistValue;
  }
  const text = data.toString('utf8');
  if (!text.trimStart().startsWith('<')) throw new Error('not a property list');
  return buffers(parseXml(text)) as PlistValue;
}

/** The XML parser gives <data> as Uint8Array; callers get Buffers, as from the binary parser. */
function buffers(v: unknown): unknown {
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v);
  if (Array.isArray(v)) return v.map(buffers);
  if (typeof v === 'object' && v !== null && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = buffers(x);
    return out;
  }
  return v;
}

export function decodeDict(data: Buffer): PlistDict {
  const v = decodePlist(data);
  if (!isDict(v)) throw new Error('the property list is not a dictionary');
  return v;
}

export function isDict(v: unknown): v is PlistDict {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !Buffer.isBuffer(v) &&
    !(v instanceof Date)
  );
}

/** XML, the way usbmuxd and lockdownd answer. Refuses `undefined` (a real client's binary encoder crashes on it). */
export function encodeXml(value: PlistValue): Buffer {
  assertDefined(value, '');
  return Buffer.from(buildXml(value), 'utf8');
}

export function encodeBinary(value: PlistValue): Buffer {
  assertDefined(value, '');
  return bplistCreator(value as Record<string, unknown>);
}

function assertDefined(value: unknown, path: string): void {
  if (value === undefined || value === null)
    throw new Error(`plist value at "${path}" is ${value}`);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertDefined(v, `${path}[${i}]`);
  } else if (isDict(value))
    for (const [k, v] of Object.entries(value)) assertDefined(v, `${path}.${k}`);
}
