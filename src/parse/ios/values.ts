/**
 * Small readers for plist values as a phone sent them. A phone (or a file
 * someone hands us) may send any type anywhere, lists of any length and text
 * with any characters: these never throw, bound what they keep, and leave
 * text as sent (control characters included) for the sanitiser downstream.
 */
import type { IosFlag } from '../../model/iosSnapshot.js';
import { quote } from '../android/text.js';

export { quote };

export type Dict = Record<string, unknown>;

/** Longest text kept from one value; longer text is cut (and a warning says so). */
export const MAX_TEXT = 4096;
/** Most entries kept from one list (background modes, tags, TCC services…). */
export const MAX_LIST = 256;

export function isDict(v: unknown): v is Dict {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !Buffer.isBuffer(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Date)
  );
}

/** Own property only (a key named "__proto__" or "constructor" is just a key). */
export function get(d: Dict, key: string): unknown {
  return Object.hasOwn(d, key) ? d[key] : undefined;
}

/** Collects warnings, each once. */
export class Warnings {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();
  private dropped = 0;
  add(text: string): void {
    if (this.seen.has(text)) return;
    if (this.list.length >= 200) {
      this.dropped++;
      return;
    }
    this.seen.add(text);
    this.list.push(text);
  }
  done(): string[] {
    if (this.dropped > 0) this.list.push(`${this.dropped} more warnings were left out`);
    return this.list;
  }
}

/** A text value; numbers are text too (a version sent as 16.5 still reads "16.5"). */
export function text(d: Dict, key: string, w: Warnings, where: string): string | undefined {
  const v = get(d, key);
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') {
    w.add(`${where}: ${key} is not text; ignored`);
    return undefined;
  }
  if (v.length > MAX_TEXT) {
    w.add(`${where}: ${key} is ${v.length} characters long; kept the first ${MAX_TEXT}`);
    return v.slice(0, MAX_TEXT);
  }
  return v;
}

/** A yes/no value: booleans only (and 0/1, which some tools write); anything else is unknown. */
export function flag(d: Dict, key: string, w: Warnings, where: string): IosFlag {
  const v = get(d, key);
  if (v === undefined) return 'unknown';
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  w.add(`${where}: ${key} is not true or false; taken as unknown`);
  return 'unknown';
}

/** A list of text values; other entries are skipped, the list is cut at `max`. */
export function textList(
  d: Dict,
  key: string,
  w: Warnings,
  where: string,
  max = MAX_LIST,
): string[] {
  const v = get(d, key);
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    if (typeof v === 'string') return [v.slice(0, MAX_TEXT)];
    w.add(`${where}: ${key} is not a list; ignored`);
    return [];
  }
  const out: string[] = [];
  let skipped = 0;
  for (const item of v) {
    if (out.length >= max) {
      w.add(`${where}: ${key} has ${v.length} entries; kept the first ${max}`);
      break;
    }
    if (typeof item === 'string') {
      const t = item.slice(0, MAX_TEXT);
      if (!out.includes(t)) out.push(t);
    } else skipped++;
  }
  if (skipped > 0) w.add(`${where}: ${key} has ${skipped} entries that are not text; skipped`);
  return out;
}
