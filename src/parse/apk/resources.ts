/**
 * String lookups in an APK's resources.arsc: enough to turn a manifest reference such as
 * android:label="@0x7f0b0021" into the text the phone shows ("Daily Planner").
 *
 * Format: AOSP frameworks/base/libs/androidfw ResourceTypes.h — ResTable_header, the global
 * value string pool, then ResTable_package chunks holding ResTable_typeSpec and ResTable_type
 * chunks. A resource id is 0xPPTTEEEE: package, type (1-based), entry index.
 *
 * Entries are located lazily per lookup, so a table with millions of entries costs only what
 * is asked for. Hostile offsets, counts and reference loops become warnings.
 */
import type { ParseResult } from '../../model/parse.js';
import {
  type Chunk,
  childChunks,
  RES_STRING_POOL_TYPE,
  RES_TABLE_TYPE,
  readChunk,
  StringPool,
  TYPE_DYNAMIC_REFERENCE,
  TYPE_REFERENCE,
  TYPE_STRING,
  type TypedValue,
  Warnings,
} from './axml.js';

const RES_TABLE_PACKAGE_TYPE = 0x0200;
const RES_TABLE_TYPE_TYPE = 0x0201;

const NO_ENTRY = 0xffffffff;
const NO_ENTRY16 = 0xffff;
const FLAG_SPARSE = 0x01;
const FLAG_OFFSET16 = 0x02;
const KNOWN_TYPE_FLAGS = FLAG_SPARSE | FLAG_OFFSET16;
const ENTRY_FLAG_COMPLEX = 0x0001;
const ENTRY_FLAG_COMPACT = 0x0008;

/** Real apps have a few hundred config variants per type; thousands of chunks is hostile. */
const MAX_TYPE_CHUNKS = 50_000;
/** Android follows reference chains too; 8 hops is more than any real string alias uses. */
const MAX_REFERENCE_HOPS = 8;

interface TypeChunk {
  /** Offset of the entry offsets array */
  offsetsStart: number;
  /** Offset entries are measured from */
  entriesStart: number;
  end: number;
  entryCount: number;
  flags: number;
  /** True when every field after ResTable_config.size is zero: the default resources */
  isDefault: boolean;
  config: string;
}

interface Package {
  id: number;
  name: string;
  /** By type id (1-based), in file order */
  types: Map<number, TypeChunk[]>;
}

export interface ResourceTable {
  /** Package ids and names, in file order */
  packages: { id: number; name: string }[];
  /** One value in every configuration that has it (bags skipped), default config first. */
  readonly lookup: (resId: number) => ParseResult<ResourceValue[]>;
}

export interface ResourceValue {
  /** 'default' or a short hex form of the non-default configuration bytes */
  config: string;
  value: TypedValue;
}

/** Read the resource table index. `parsed` is undefined when this is not a resources.arsc. */
export function readResourceTable(buf: Buffer): ParseResult<ResourceTable | undefined> {
  const warn = new Warnings('resources.arsc: ');
  const root = readChunk(buf, 0, buf.length, warn);
  if (!root || root.type !== RES_TABLE_TYPE) {
    warn.add('not a resource table (no RES_TABLE_TYPE header)');
    return { parsed: undefined, warnings: warn.done() };
  }
  let values: StringPool | undefined;
  const packages: Package[] = [];
  let typeChunks = 0;
  for (const chunk of childChunks(buf, root.start + root.headerSize, root.end, warn)) {
    if (chunk.type === RES_STRING_POOL_TYPE) {
      if (values) warn.add('second global string pool ignored');
      else values = StringPool.read(buf, chunk, warn);
    } else if (chunk.type === RES_TABLE_PACKAGE_TYPE) {
      const pkg = readPackage(buf, chunk, warn, MAX_TYPE_CHUNKS - typeChunks);
      if (!pkg) continue;
      for (const list of pkg.types.values()) typeChunks += list.length;
      packages.push(pkg);
    }
  }
  const pool = values ?? StringPool.empty(warn);
  if (!values) warn.add('no global string pool');
  const lookup = (resId: number): ParseResult<ResourceValue[]> => {
    const w = new Warnings('resources.arsc: ');
    const parsed = lookupAll(buf, packages, pool, resId, w);
    return { parsed, warnings: w.done() };
  };
  return {
    parsed: { packages: packages.map(({ id, name }) => ({ id, name })), lookup },
    warnings: warn.done(),
  };
}

function readPackage(
  buf: Buffer,
  chunk: Chunk,
  warn: Warnings,
  budget: number,
): Package | undefined {
  // ResTable_package: header(8), id u32, name char16[128], then string pool offsets.
  if (chunk.start + 12 + 256 > chunk.end || chunk.headerSize < 12 + 256) {
    warn.add(`package chunk at offset ${chunk.start} is too short`);
    return undefined;
  }
  const id = buf.readUInt32LE(chunk.start + 8);
  const rawName = buf.toString('utf16le', chunk.start + 12, chunk.start + 12 + 256);
  const nul = rawName.indexOf('\0');
  const pkg: Package = {
    id,
    name: nul >= 0 ? rawName.slice(0, nul) : rawName,
    types: new Map(),
  };
  let count = 0;
  for (const c of childChunks(buf, chunk.start + chunk.headerSize, chunk.end, warn)) {
    if (c.type !== RES_TABLE_TYPE_TYPE) continue;
    if (count >= budget) {
      warn.add(`more than ${MAX_TYPE_CHUNKS} type chunks; the rest were not read`);
      break;
    }
    const t = readTypeChunk(buf, c, warn);
    if (!t) continue;
    count++;
    const typeId = buf[c.start + 8]!;
    const list = pkg.types.get(typeId);
    if (list) list.push(t);
    else pkg.types.set(typeId, [t]);
  }
  return pkg;
}

function readTypeChunk(buf: Buffer, c: Chunk, warn: Warnings): TypeChunk | undefined {
  // ResTable_type: header(8), id u8, flags u8, reserved u16, entryCount u32, entriesStart u32,
  // then ResTable_config (its own size first).
  if (c.start + 24 > c.end || c.headerSize < 24) {
    warn.add(`type chunk at offset ${c.start} is too short`);
    return undefined;
  }
  const flags = buf[c.start + 9]!;
  if (flags & ~KNOWN_TYPE_FLAGS) {
    warn.add(`type chunk at offset ${c.start} has unknown flags 0x${flags.toString(16)}`);
  }
  const configStart = c.start + 20;
  const configSize = Math.min(buf.readUInt32LE(configStart), c.start + c.headerSize - configStart);
  let isDefault = true;
  for (let p = configStart + 4; p < configStart + configSize; p++) {
    if (buf[p] !== 0) {
      isDefault = false;
      break;
    }
  }
  return {
    offsetsStart: c.start + c.headerSize,
    entriesStart: c.start + buf.readUInt32LE(c.start + 16),
    end: c.end,
    entryCount: buf.readUInt32LE(c.start + 12),
    flags,
    isDefault,
    config: isDefault
      ? 'default'
      : buf.toString('hex', configStart + 4, configStart + Math.max(4, configSize)),
  };
}

/** Offset of entry `index` in a type chunk, or undefined when this config lacks it. */
function entryOffset(buf: Buffer, t: TypeChunk, index: number, warn: Warnings): number | undefined {
  let rel: number | undefined;
  if (t.flags & FLAG_SPARSE) {
    // Sorted (u16 index, u16 offset/4) pairs: binary search, bounded by what fits.
    const n = Math.min(t.entryCount, Math.floor((t.end - t.offsetsStart) / 4));
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = t.offsetsStart + mid * 4;
      const idx = buf.readUInt16LE(at);
      if (idx === index) {
        rel = buf.readUInt16LE(at + 2) * 4;
        break;
      }
      if (idx < index) lo = mid + 1;
      else hi = mid - 1;
    }
    if (rel === undefined) return undefined;
  } else if (index >= t.entryCount) {
    return undefined;
  } else if (t.flags & FLAG_OFFSET16) {
    const at = t.offsetsStart + index * 2;
    if (at + 2 > t.end) return undefined;
    const v = buf.readUInt16LE(at);
    if (v === NO_ENTRY16) return undefined;
    rel = v * 4;
  } else {
    const at = t.offsetsStart + index * 4;
    if (at + 4 > t.end) return undefined;
    const v = buf.readUInt32LE(at);
    if (v === NO_ENTRY) return undefined;
    rel = v;
  }
  const offset = t.entriesStart + rel;
  if (offset + 8 > t.end) {
    warn.add(`entry ${index} lies outside its type chunk`);
    return undefined;
  }
  return offset;
}

/** The simple value of the entry at `offset`; undefined for bags (styles, plurals, arrays). */
function entryValue(buf: Buffer, offset: number, end: number): TypedValue | undefined {
  const size = buf.readUInt16LE(offset);
  const flags = buf.readUInt16LE(offset + 2);
  if (flags & ENTRY_FLAG_COMPACT) {
    // Android 14 compact entry: u16 key, u16 flags (data type in the high byte), u32 data.
    return { type: flags >>> 8, data: buf.readUInt32LE(offset + 4) };
  }
  if (flags & ENTRY_FLAG_COMPLEX) return undefined;
  const v = offset + size;
  if (size < 8 || v + 8 > end) return undefined;
  return { type: buf[v + 3]!, data: buf.readUInt32LE(v + 4) };
}

function findPackage(packages: Package[], id: number): Package | undefined {
  const exact = packages.find((p) => p.id === id);
  if (exact) return exact;
  // A shared library is compiled with package id 0 and assigned one at load time.
  return packages.length === 1 && packages[0]!.id === 0 ? packages[0] : undefined;
}

function lookupAll(
  buf: Buffer,
  packages: Package[],
  pool: StringPool,
  resId: number,
  warn: Warnings,
): ResourceValue[] {
  const pkg = findPackage(packages, resId >>> 24);
  const chunks = pkg?.types.get((resId >>> 16) & 0xff) ?? [];
  const index = resId & 0xffff;
  const out: ResourceValue[] = [];
  for (const t of chunks) {
    const offset = entryOffset(buf, t, index, warn);
    if (offset === undefined) continue;
    const value = entryValue(buf, offset, t.end);
    if (!value) continue;
    if (value.type === TYPE_STRING) value.string = pool.get(value.data, warn);
    out.push({ config: t.config, value });
  }
  // Default first, then the rest in file order (stable sort).
  return out.sort((a, b) => Number(b.config === 'default') - Number(a.config === 'default'));
}

/**
 * Resolve a string resource as the phone would without a locale preference: the default
 * configuration, else the first configuration that has it; references to other resources are
 * followed a few hops.
 */
export function resolveString(
  table: ResourceTable,
  resId: number,
): ParseResult<string | undefined> {
  const warnings: string[] = [];
  const seen = new Set<number>();
  let id = resId;
  for (let hop = 0; hop <= MAX_REFERENCE_HOPS; hop++) {
    if (seen.has(id)) {
      warnings.push(`resource ${hex(resId)} refers to itself in a loop`);
      return { parsed: undefined, warnings };
    }
    seen.add(id);
    const found = table.lookup(id);
    warnings.push(...found.warnings);
    const [first] = found.parsed;
    if (!first) {
      warnings.push(`resource ${hex(id)} is not in resources.arsc (or is not a simple value)`);
      return { parsed: undefined, warnings };
    }
    const { value } = first;
    if (value.type === TYPE_STRING) {
      if (value.string === undefined) {
        warnings.push(`resource ${hex(id)} points to an unreadable string`);
      }
      return { parsed: value.string, warnings };
    }
    if (value.type !== TYPE_REFERENCE && value.type !== TYPE_DYNAMIC_REFERENCE) {
      warnings.push(`resource ${hex(id)} is not a string (type 0x${value.type.toString(16)})`);
      return { parsed: undefined, warnings };
    }
    id = value.data;
  }
  warnings.push(`resource ${hex(resId)}: more than ${MAX_REFERENCE_HOPS} references deep`);
  return { parsed: undefined, warnings };
}

/** Every configuration's string for `resId` (e.g. each translation of an app's name). */
export function resolveStringAllConfigs(
  table: ResourceTable,
  resId: number,
): { config: string; text: string }[] {
  return table
    .lookup(resId)
    .parsed.filter((v) => v.value.string !== undefined)
    .map((v) => ({ config: v.config, text: v.value.string! }));
}

export function hex(id: number): string {
  return `0x${(id >>> 0).toString(16).padStart(8, '0')}`;
}
