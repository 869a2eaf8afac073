/**
 * A small, defensive ZIP reader over an in-memory Buffer — just enough to list an APK's entries
 * and read a few small ones (META-INF signature files). APKs come from phones we do not trust,
 * so every offset and size is checked against the buffer, decompression is capped, and anything
 * odd becomes a warning instead of an exception.
 *
 * Format: PKWARE APPNOTE.TXT (sections 4.3.6 local header, 4.3.12 central directory header,
 * 4.3.14–4.3.16 ZIP64 and end of central directory).
 */
import { inflateRawSync } from 'node:zlib';
import type { ParseResult } from '../../model/parse.js';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate; anything else is not read */
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's local file header */
  localHeaderOffset: number;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Offset of the first central directory header: the APK Signing Block ends right before it */
  centralDirectoryOffset: number;
  /** Offset of the End of Central Directory record */
  eocdOffset: number;
}

const EOCD_SIG = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIG = 0x06064b50;
const CDH_SIG = 0x02014b50;
const CDH_SIZE = 46;
const LFH_SIG = 0x04034b50;
const LFH_SIZE = 30;
const MAX_COMMENT = 0xffff;
/** More entries than any real APK has; stops a crafted directory from eating memory. */
const MAX_ENTRIES = 200_000;

/** Default cap for one decompressed entry: signature files are a few KB. */
export const DEFAULT_MAX_ENTRY_BYTES = 4 * 1024 * 1024;

/**
 * Find the End of Central Directory record. It sits at the very end of the file, followed only
 * by a comment of up to 65535 bytes, so scan backwards from the last possible position. A
 * record whose comment length reaches exactly the end of the file wins; the signature bytes can
 * also occur by chance inside the comment or compressed data, so a candidate that does not line
 * up is only used when nothing better exists (with a warning).
 */
function findEocd(buf: Buffer, warnings: string[]): number | undefined {
  if (buf.length < EOCD_SIZE) return undefined;
  const lowest = Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT);
  let loose: number | undefined;
  for (let i = buf.length - EOCD_SIZE; i >= lowest; i--) {
    if (buf.readUInt32LE(i) !== EOCD_SIG) continue;
    const commentLength = buf.readUInt16LE(i + 20);
    if (i + EOCD_SIZE + commentLength === buf.length) return i;
    loose ??= i;
  }
  if (loose !== undefined) {
    warnings.push('ZIP end record does not line up with the end of the file (trailing data?)');
  }
  return loose;
}

function readU64(buf: Buffer, offset: number): number {
  const v = buf.readBigUInt64LE(offset);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

interface DirectoryBounds {
  count: number;
  size: number;
  offset: number;
}

/** ZIP64: the 32-bit EOCD fields are 0xFFFF…; the real values live in the ZIP64 EOCD record. */
function readZip64Bounds(
  buf: Buffer,
  eocd: number,
  warnings: string[],
): DirectoryBounds | undefined {
  warnings.push('ZIP64 archive: unusual for an APK; reading it as far as possible');
  const loc = eocd - ZIP64_LOCATOR_SIZE;
  if (loc < 0 || buf.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG) {
    warnings.push('ZIP64 locator missing');
    return undefined;
  }
  const rec = readU64(buf, loc + 8);
  if (rec + 56 > loc || buf.readUInt32LE(rec) !== ZIP64_EOCD_SIG) {
    warnings.push('ZIP64 end record missing or outside the file');
    return undefined;
  }
  return {
    count: readU64(buf, rec + 32),
    size: readU64(buf, rec + 40),
    offset: readU64(buf, rec + 48),
  };
}

/** Apply a ZIP64 extended-information extra field (id 0x0001) to the fields set to 0xFFFFFFFF. */
function applyZip64Extra(
  buf: Buffer,
  extraStart: number,
  extraEnd: number,
  entry: ZipEntry,
): boolean {
  let p = extraStart;
  while (p + 4 <= extraEnd) {
    const id = buf.readUInt16LE(p);
    const len = buf.readUInt16LE(p + 2);
    const dataEnd = p + 4 + len;
    if (dataEnd > extraEnd) return false;
    if (id === 0x0001) {
      let q = p + 4;
      const next = (): number | undefined => {
        if (q + 8 > dataEnd) return undefined;
        const v = readU64(buf, q);
        q += 8;
        return v;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next() ?? -1;
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next() ?? -1;
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next() ?? -1;
      return (
        entry.uncompressedSize >= 0 && entry.compressedSize >= 0 && entry.localHeaderOffset >= 0
      );
    }
    p = dataEnd;
  }
  return false;
}

/** List the entries of a ZIP archive. `parsed` is undefined when this is not a readable ZIP. */
export function readZipDirectory(buf: Buffer): ParseResult<ZipDirectory | undefined> {
  const warnings: string[] = [];
  const eocd = findEocd(buf, warnings);
  if (eocd === undefined) {
    warnings.push('not a ZIP archive (no end of central directory record)');
    return { parsed: undefined, warnings };
  }
  let bounds: DirectoryBounds | undefined = {
    count: buf.readUInt16LE(eocd + 10),
    size: buf.readUInt32LE(eocd + 12),
    offset: buf.readUInt32LE(eocd + 16),
  };
  if (bounds.count === 0xffff || bounds.size === 0xffffffff || bounds.offset === 0xffffffff) {
    bounds = readZip64Bounds(buf, eocd, warnings);
    if (!bounds) return { parsed: undefined, warnings };
  }
  if (buf.readUInt16LE(eocd + 4) !== 0 || buf.readUInt16LE(eocd + 6) !== 0) {
    warnings.push('multi-disk ZIP archive: reading only what is in this file');
  }
  const { offset: cdOffset, size: cdSize } = bounds;
  if (cdOffset > eocd || cdOffset + cdSize > eocd) {
    warnings.push(
      `ZIP central directory (offset ${cdOffset}, ${cdSize} bytes) lies outside the file`,
    );
    return { parsed: undefined, warnings };
  }

  const entries: ZipEntry[] = [];
  const cdEnd = cdOffset + cdSize;
  let p = cdOffset;
  while (p < cdEnd) {
    if (entries.length >= MAX_ENTRIES) {
      warnings.push(`ZIP has more than ${MAX_ENTRIES} entries; the rest were not read`);
      break;
    }
    if (p + CDH_SIZE > cdEnd || buf.readUInt32LE(p) !== CDH_SIG) {
      warnings.push(
        `ZIP central directory is damaged at offset ${p}; ${entries.length} entries read`,
      );
      break;
    }
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const next = p + CDH_SIZE + nameLength + extraLength + commentLength;
    if (next > cdEnd) {
      warnings.push(`ZIP central directory entry at offset ${p} runs past the directory`);
      break;
    }
    const nameStart = p + CDH_SIZE;
    // Android reads every entry name as UTF-8, whatever the language-encoding flag says.
    const entry: ZipEntry = {
      name: buf.toString('utf8', nameStart, nameStart + nameLength),
      method: buf.readUInt16LE(p + 10),
      flags: buf.readUInt16LE(p + 8),
      compressedSize: buf.readUInt32LE(p + 20),
      uncompressedSize: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
    };
    const extraStart = nameStart + nameLength;
    const needsZip64 =
      entry.compressedSize === 0xffffffff ||
      entry.uncompressedSize === 0xffffffff ||
      entry.localHeaderOffset === 0xffffffff;
    if (needsZip64 && !applyZip64Extra(buf, extraStart, extraStart + extraLength, entry)) {
      warnings.push(`ZIP entry ${JSON.stringify(entry.name)} has unreadable ZIP64 sizes; skipped`);
    } else {
      entries.push(entry);
    }
    p = next;
  }
  if (bounds.count !== entries.length && bounds.count !== 0xffff) {
    warnings.push(
      `ZIP end record announces ${bounds.count} entries but the directory holds ${entries.length}`,
    );
  }
  return { parsed: { entries, centralDirectoryOffset: cdOffset, eocdOffset: eocd }, warnings };
}

export interface ReadEntryOptions {
  /** Refuse to produce more than this many bytes (zip bombs, lying sizes) */
  maxBytes?: number;
}

/** Read (and inflate) one entry. `parsed` is undefined when it cannot be read safely. */
export function readZipEntry(
  buf: Buffer,
  entry: ZipEntry,
  options: ReadEntryOptions = {},
): ParseResult<Buffer | undefined> {
  const warnings: string[] = [];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const label = JSON.stringify(entry.name);
  const fail = (why: string): ParseResult<Buffer | undefined> => {
    warnings.push(`ZIP entry ${label}: ${why}`);
    return { parsed: undefined, warnings };
  };
  if (entry.flags & 0x1) return fail('encrypted; not read');
  const lfh = entry.localHeaderOffset;
  if (lfh + LFH_SIZE > buf.length || buf.readUInt32LE(lfh) !== LFH_SIG) {
    return fail('local header missing or outside the file');
  }
  const dataStart = lfh + LFH_SIZE + buf.readUInt16LE(lfh + 26) + buf.readUInt16LE(lfh + 28);
  // Sizes come from the central directory: local headers may defer them to a data descriptor.
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > buf.length) return fail('data runs past the end of the file');
  const raw = buf.subarray(dataStart, dataEnd);

  let data: Buffer;
  if (entry.method === 0) {
    if (raw.length > maxBytes) return fail(`larger than the ${maxBytes}-byte limit; not read`);
    data = raw;
  } else if (entry.method === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: maxBytes });
    } catch (err) {
      const code = (err as { code?: string }).code;
      return fail(
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `inflates to more than the ${maxBytes}-byte limit; not read`
          : `deflate data is corrupt (${code ?? 'error'})`,
      );
    }
  } else {
    return fail(`compression method ${entry.method} is not supported`);
  }
  if (data.length !== entry.uncompressedSize) {
    warnings.push(
      `ZIP entry ${label}: ${data.length} bytes, but the directory says ${entry.uncompressedSize}`,
    );
  }
  return { parsed: data, warnings };
}
