/**
 * Android binary XML (AXML), the compiled form of AndroidManifest.xml inside an APK, and the
 * string pool that AXML and resources.arsc share.
 *
 * Format: AOSP frameworks/base/libs/androidfw/include/androidfw/ResourceTypes.h (ResChunk_header,
 * ResStringPool_header, ResXMLTree_node, ResXMLTree_attrExt, ResXMLTree_attribute, Res_value).
 * Every chunk starts with { u16 type, u16 headerSize, u32 size }, little-endian.
 *
 * The bytes come from an app we do not trust, and stalkerware is packed to defeat analysis
 * tools: every offset and count is checked against its chunk, strings are decoded only when
 * asked for, work is bounded by the buffer size, and problems become warnings, never throws.
 */
import type { ParseResult } from '../../model/parse.js';

export const RES_STRING_POOL_TYPE = 0x0001;
export const RES_TABLE_TYPE = 0x0002;
export const RES_XML_TYPE = 0x0003;
const RES_XML_START_NAMESPACE_TYPE = 0x0100;
const RES_XML_END_NAMESPACE_TYPE = 0x0101;
const RES_XML_START_ELEMENT_TYPE = 0x0102;
const RES_XML_END_ELEMENT_TYPE = 0x0103;
const RES_XML_RESOURCE_MAP_TYPE = 0x0180;

/** Res_value data types (the ones a manifest uses; others are kept as numbers). */
export const TYPE_NULL = 0x00;
export const TYPE_REFERENCE = 0x01;
export const TYPE_ATTRIBUTE = 0x02;
export const TYPE_STRING = 0x03;
export const TYPE_DYNAMIC_REFERENCE = 0x07;
export const TYPE_INT_DEC = 0x10;
export const TYPE_INT_HEX = 0x11;
export const TYPE_INT_BOOLEAN = 0x12;

const NO_INDEX = 0xffffffff;
const UTF8_FLAG = 0x100;
const CHUNK_HEADER = 8;

/** Stop collecting warnings past this: a hostile file can otherwise produce millions. */
const MAX_WARNINGS = 50;

/** A bounded warning list: repeats are dropped and the total is capped. */
export class Warnings {
  readonly list: string[] = [];
  private readonly seen = new Set<string>();
  private dropped = 0;

  constructor(private readonly prefix = '') {}

  add(message: string): void {
    const text = this.prefix + message;
    if (this.seen.has(text)) return;
    if (this.list.length >= MAX_WARNINGS) {
      this.dropped++;
      return;
    }
    this.seen.add(text);
    this.list.push(text);
  }

  addAll(messages: readonly string[]): void {
    for (const m of messages) this.add(m);
  }

  done(): string[] {
    if (this.dropped > 0) {
      this.list.push(`${this.prefix}${this.dropped} further problems were not listed`);
      this.dropped = 0;
    }
    return this.list;
  }
}

export interface Chunk {
  type: number;
  headerSize: number;
  /** Offset of the chunk's first byte */
  start: number;
  /** Offset right after the chunk (clamped to its parent) */
  end: number;
}

/**
 * Read the chunk header at `offset`, which must lie inside [offset, limit). A chunk whose size
 * runs past its parent is clamped to the parent (Android refuses it; we read what is there, so
 * a truncated file still yields its first elements) with a warning.
 */
export function readChunk(
  buf: Buffer,
  offset: number,
  limit: number,
  warn: Warnings,
): Chunk | undefined {
  if (offset + CHUNK_HEADER > limit) return undefined;
  const type = buf.readUInt16LE(offset);
  const headerSize = buf.readUInt16LE(offset + 2);
  const size = buf.readUInt32LE(offset + 4);
  if (headerSize < CHUNK_HEADER || size < headerSize) {
    warn.add(`chunk at offset ${offset} has impossible sizes (header ${headerSize}, ${size})`);
    return undefined;
  }
  let end = offset + size;
  if (end > limit) {
    warn.add(`chunk 0x${type.toString(16)} at offset ${offset} runs past its end (cut short?)`);
    end = limit;
  }
  if (offset + headerSize > end) return undefined;
  return { type, headerSize, start: offset, end };
}

/** Visit the child chunks in [start, end), stopping at the first unreadable header. */
export function* childChunks(
  buf: Buffer,
  start: number,
  end: number,
  warn: Warnings,
): Generator<Chunk> {
  let p = start;
  while (p + CHUNK_HEADER <= end) {
    const chunk = readChunk(buf, p, end, warn);
    if (!chunk) return;
    yield chunk;
    // Sizes are at least 8 (checked in readChunk), so this always moves forward.
    p = chunk.end;
  }
}

/**
 * A ResStringPool: strings are decoded on first use and cached, so a pool that claims millions
 * of strings costs nothing until they are asked for, and each one is decoded once.
 */
export class StringPool {
  private readonly cache = new Map<number, string | undefined>();

  private constructor(
    private readonly buf: Buffer,
    /** Offset of the string index array */
    private readonly indexStart: number,
    readonly count: number,
    private readonly dataStart: number,
    private readonly dataEnd: number,
    readonly utf8: boolean,
    private readonly warn: Warnings,
  ) {}

  static empty(warn: Warnings): StringPool {
    return new StringPool(Buffer.alloc(0), 0, 0, 0, 0, false, warn);
  }

  /** Parse the pool header of `chunk` (type RES_STRING_POOL_TYPE). */
  static read(buf: Buffer, chunk: Chunk, warn: Warnings): StringPool {
    if (chunk.headerSize < 28 || chunk.start + 28 > chunk.end) {
      warn.add('string pool header is too short');
      return StringPool.empty(warn);
    }
    let count = buf.readUInt32LE(chunk.start + 8);
    const flags = buf.readUInt32LE(chunk.start + 16);
    const stringsStart = buf.readUInt32LE(chunk.start + 20);
    const stylesStart = buf.readUInt32LE(chunk.start + 24);
    const indexStart = chunk.start + chunk.headerSize;
    const fits = Math.floor(Math.max(0, chunk.end - indexStart) / 4);
    if (count > fits) {
      warn.add(`string pool claims ${count} strings but has room for ${fits}`);
      count = fits;
    }
    const dataStart = chunk.start + stringsStart;
    let dataEnd = chunk.end;
    // Styles (spans) follow the strings; keep string reads out of them.
    if (stylesStart !== 0 && chunk.start + stylesStart > dataStart) {
      dataEnd = Math.min(dataEnd, chunk.start + stylesStart);
    }
    if (count > 0 && (stringsStart === 0 || dataStart >= chunk.end)) {
      warn.add('string pool data lies outside its chunk');
      count = 0;
    }
    return new StringPool(
      buf,
      indexStart,
      count,
      dataStart,
      dataEnd,
      (flags & UTF8_FLAG) !== 0,
      warn,
    );
  }

  /** The string at `index`, or undefined (with a warning) when it cannot be read. */
  get(index: number, warn: Warnings = this.warn): string | undefined {
    if (index === NO_INDEX || index < 0) return undefined;
    if (index >= this.count) {
      warn.add(`string index ${index} is outside the pool (${this.count} strings)`);
      return undefined;
    }
    if (this.cache.has(index)) return this.cache.get(index);
    const value = this.decode(index, warn);
    this.cache.set(index, value);
    return value;
  }

  private decode(index: number, warn: Warnings): string | undefined {
    const at = this.dataStart + this.buf.readUInt32LE(this.indexStart + index * 4);
    const value = this.utf8 ? this.decodeUtf8(at) : this.decodeUtf16(at);
    if (value === undefined) warn.add(`string ${index} runs outside the string pool`);
    return value;
  }

  private decodeUtf8(at: number): string | undefined {
    const buf = this.buf;
    const dataEnd = this.dataEnd;
    // Two lengths, each 1 byte or 2 with the high bit set: UTF-16 units, then UTF-8 bytes.
    let p = at;
    const len = (): number | undefined => {
      if (p >= dataEnd) return undefined;
      const first = buf[p++]!;
      if (!(first & 0x80)) return first;
      if (p >= dataEnd) return undefined;
      return ((first & 0x7f) << 8) | buf[p++]!;
    };
    if (len() === undefined) return undefined;
    const bytes = len();
    if (bytes === undefined || p + bytes > dataEnd) return undefined;
    return buf.toString('utf8', p, p + bytes);
  }

  private decodeUtf16(at: number): string | undefined {
    const buf = this.buf;
    const dataEnd = this.dataEnd;
    if (at + 2 > dataEnd) return undefined;
    let units = buf.readUInt16LE(at);
    let p = at + 2;
    if (units & 0x8000) {
      if (p + 2 > dataEnd) return undefined;
      units = ((units & 0x7fff) << 16) | buf.readUInt16LE(p);
      p += 2;
    }
    if (p + units * 2 > dataEnd) return undefined;
    return buf.toString('utf16le', p, p + units * 2);
  }
}

export interface TypedValue {
  /** Res_value dataType (TYPE_*) */
  type: number;
  /** Raw 32-bit data; for TYPE_STRING the pool index */
  data: number;
  /** For TYPE_STRING: the string */
  string?: string;
}

export interface AxmlAttribute {
  namespace?: string;
  /** The name as written in the string pool (may be empty or obfuscated) */
  name: string;
  /** The attribute's resource id from the resource map, e.g. 0x01010001 for android:label */
  resourceId?: number;
  value: TypedValue;
}

export interface AxmlElement {
  name: string;
  namespace?: string;
  /** Index of the enclosing element in `elements`, or -1 for a root */
  parent: number;
  depth: number;
  line: number;
  attributes: AxmlAttribute[];
}

export interface AxmlDocument {
  /** Start tags in document order; nesting through `parent` */
  elements: AxmlElement[];
}

/** Well beyond any real manifest (the biggest have a few thousand elements). */
const MAX_ELEMENTS = 100_000;
const MAX_ATTRIBUTES = 400_000;
/** Real elements carry a few dozen attributes at most; thousands means a packer or an attack. */
const UNUSUAL_ATTRIBUTES = 1_000;
/** Android's own parser allows any depth; we only need a few levels and must not blow up. */
const MAX_DEPTH = 1_000;

/**
 * Read an AXML document. `parsed` is undefined when the bytes are not AXML at all; a damaged
 * document yields the elements read before the damage, plus warnings.
 */
export function readAxml(buf: Buffer): ParseResult<AxmlDocument | undefined> {
  const warn = new Warnings();
  const root = readChunk(buf, 0, buf.length, warn);
  if (!root || root.type !== RES_XML_TYPE) {
    warn.add('not Android binary XML (no RES_XML_TYPE header)');
    return { parsed: undefined, warnings: warn.done() };
  }
  let pool = StringPool.empty(warn);
  let havePool = false;
  let resourceIds: Uint32Array = new Uint32Array(0);
  const elements: AxmlElement[] = [];
  const stack: number[] = [];
  let attributeTotal = 0;
  let stopped = false;

  for (const chunk of childChunks(buf, root.start + root.headerSize, root.end, warn)) {
    if (stopped) break;
    switch (chunk.type) {
      case RES_STRING_POOL_TYPE:
        if (havePool) {
          warn.add('second string pool ignored');
        } else {
          pool = StringPool.read(buf, chunk, warn);
          havePool = true;
        }
        break;
      case RES_XML_RESOURCE_MAP_TYPE: {
        const start = chunk.start + chunk.headerSize;
        const n = Math.floor((chunk.end - start) / 4);
        resourceIds = new Uint32Array(n);
        for (let i = 0; i < n; i++) resourceIds[i] = buf.readUInt32LE(start + i * 4);
        break;
      }
      case RES_XML_START_ELEMENT_TYPE: {
        if (elements.length >= MAX_ELEMENTS) {
          warn.add(`more than ${MAX_ELEMENTS} elements; the rest were not read`);
          stopped = true;
          break;
        }
        if (stack.length >= MAX_DEPTH) {
          warn.add(`elements nested deeper than ${MAX_DEPTH}; the rest were not read`);
          stopped = true;
          break;
        }
        const el = readStartElement(buf, chunk, pool, resourceIds, warn, {
          parent: stack.length ? stack[stack.length - 1]! : -1,
          depth: stack.length,
          budget: MAX_ATTRIBUTES - attributeTotal,
        });
        if (!el) break;
        attributeTotal += el.attributes.length;
        stack.push(elements.length);
        elements.push(el);
        break;
      }
      case RES_XML_END_ELEMENT_TYPE: {
        const top = stack.pop();
        if (top === undefined) {
          warn.add('end tag without a start tag');
          break;
        }
        // ResXMLTree_endElementExt (ns, name) follows the node header.
        const ext = chunk.start + chunk.headerSize;
        const name = ext + 8 <= chunk.end ? pool.get(buf.readUInt32LE(ext + 4)) : '';
        if (name !== elements[top]!.name) {
          warn.add(`end tag </${name ?? '?'}> closes <${elements[top]!.name}>`);
        }
        break;
      }
      case RES_XML_START_NAMESPACE_TYPE:
      case RES_XML_END_NAMESPACE_TYPE:
        // Attributes carry their namespace URI directly; prefixes are only for printing.
        break;
      default:
        // CDATA and chunk types added by packers: Android skips what it does not know.
        break;
    }
  }
  if (!havePool) warn.add('binary XML has no string pool');
  if (stack.length > 0 && !stopped)
    warn.add(`${stack.length} elements are never closed (cut short?)`);
  return { parsed: { elements }, warnings: warn.done() };
}

function readStartElement(
  buf: Buffer,
  chunk: Chunk,
  pool: StringPool,
  resourceIds: Uint32Array,
  warn: Warnings,
  at: { parent: number; depth: number; budget: number },
): AxmlElement | undefined {
  // ResXMLTree_node: header(8) + lineNumber + comment; then ResXMLTree_attrExt (20 bytes).
  const ext = chunk.start + chunk.headerSize;
  if (chunk.headerSize < 16 || ext + 20 > chunk.end) {
    warn.add(`start tag at offset ${chunk.start} is too short`);
    return undefined;
  }
  const line = buf.readUInt32LE(chunk.start + 8);
  const nsIndex = buf.readUInt32LE(ext);
  const name = pool.get(buf.readUInt32LE(ext + 4)) ?? '';
  const attributeStart = buf.readUInt16LE(ext + 8);
  const attributeSize = buf.readUInt16LE(ext + 10);
  let count = buf.readUInt16LE(ext + 12);
  const el: AxmlElement = {
    name,
    namespace: pool.get(nsIndex),
    parent: at.parent,
    depth: at.depth,
    line,
    attributes: [],
  };
  if (count === 0) return el;
  if (attributeSize < 20) {
    warn.add(`<${name}> has ${attributeSize}-byte attributes (20 expected); not read`);
    return el;
  }
  const first = ext + attributeStart;
  const fits = first >= chunk.end ? 0 : Math.floor((chunk.end - first) / attributeSize);
  if (count > fits) {
    warn.add(`<${name}> claims ${count} attributes but its chunk holds ${fits}`);
    count = fits;
  }
  if (count > UNUSUAL_ATTRIBUTES) {
    warn.add(`<${name}> has ${count} attributes: far more than any real app (packed or hostile?)`);
  }
  if (count > at.budget) {
    warn.add(`more than ${MAX_ATTRIBUTES} attributes in the document; the rest were not read`);
    count = Math.max(0, at.budget);
  }
  for (let i = 0; i < count; i++) {
    const a = first + i * attributeSize;
    const nameIndex = buf.readUInt32LE(a + 4);
    const type = buf[a + 15]!;
    const data = buf.readUInt32LE(a + 16);
    const resId = nameIndex < resourceIds.length ? resourceIds[nameIndex] : undefined;
    const value: TypedValue = { type, data };
    if (type === TYPE_STRING) value.string = pool.get(data);
    el.attributes.push({
      namespace: pool.get(buf.readUInt32LE(a)),
      name: pool.get(nameIndex) ?? '',
      resourceId: resId || undefined,
      value,
    });
  }
  return el;
}
