/**
 * One pack folder as a deterministic tar.gz: plain files only, sorted by path, every
 * header the same apart from name and size (mode 0644, owner 0, the pack's date as the
 * time), gzip without a name, time or OS. The same folder gives the same bytes with the
 * same spycheck and Node.
 *
 * The reader is for archives from elsewhere: it refuses absolute paths, "..", hidden
 * names, links, devices and anything but plain files and folders, duplicate names, more
 * than `maxEntries` entries, a file over `maxFileBytes` and more than `maxTotalBytes`
 * unpacked (gunzip itself stops there). Nothing is written while reading; `extractArchive`
 * then writes only the checked entries below a fresh folder.
 */
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { safeRelativePath } from '../../report/files.js';
import { MAX_FILE_BYTES, MAX_PACK_BYTES } from '../load.js';

export const ARCHIVE_EXT = '.tar.gz';

export interface ArchiveEntry {
  /** "/"-separated path inside the pack folder */
  path: string;
  data: Buffer;
}

export interface ArchiveLimits {
  maxEntries: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export const ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 10_000,
  maxFileBytes: MAX_FILE_BYTES,
  maxTotalBytes: MAX_PACK_BYTES,
};

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

const BLOCK = 512;

// ---------------------------------------------------------------- pack folder → entries

/**
 * The files of a pack folder as the release holds them: every plain file below it, except
 * hidden names, node_modules and nested packs (as the loader skips them). A link or a
 * device is refused: a release holds only plain files.
 */
export async function packFiles(
  dir: string,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<ArchiveEntry[]> {
  const out: ArchiveEntry[] = [];
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    const here = rel ? join(dir, ...rel.split('/')) : dir;
    const names = (await readdir(here)).sort();
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const relPath = rel ? `${rel}/${name}` : name;
      const full = join(here, name);
      const st = await lstat(full);
      if (st.isSymbolicLink()) {
        throw new ArchiveError(
          `${relPath} is a link. A release holds only plain files: copy the file in instead.`,
        );
      }
      if (st.isDirectory()) {
        // a nested pack is a pack of its own (the loader skips it too)
        if (
          await lstat(join(full, 'pack.yaml')).then(
            () => true,
            () => false,
          )
        )
          continue;
        await walk(relPath);
        continue;
      }
      if (!st.isFile()) throw new ArchiveError(`${relPath} is not a plain file.`);
      if (safeRelativePath(relPath) !== relPath) {
        throw new ArchiveError(
          `${relPath}: the name is too long or has characters a release cannot hold.`,
        );
      }
      if (st.size > limits.maxFileBytes) {
        throw new ArchiveError(`${relPath} is larger than ${limits.maxFileBytes} bytes.`);
      }
      const data = await readFile(full);
      total += data.length;
      if (total > limits.maxTotalBytes) {
        throw new ArchiveError(`the pack is larger than ${limits.maxTotalBytes} bytes.`);
      }
      out.push({ path: relPath, data });
      if (out.length > limits.maxEntries) {
        throw new ArchiveError(`the pack has more than ${limits.maxEntries} files.`);
      }
    }
  };
  await walk('');
  return out;
}

// ---------------------------------------------------------------- writing

function writeString(buf: Buffer, s: string, offset: number, length: number): void {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length > length) throw new ArchiveError(`name too long for the archive: ${s}`);
  bytes.copy(buf, offset);
}

function writeOctal(buf: Buffer, n: number, offset: number, length: number): void {
  // length-1 octal digits, then NUL
  writeString(buf, n.toString(8).padStart(length - 1, '0'), offset, length - 1);
}

/** name (≤100 bytes) and prefix (≤155 bytes), split at a "/" as ustar requires. */
function splitName(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= 100) return { name: path, prefix: '' };
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(name) <= 100 && Buffer.byteLength(prefix) <= 155) return { name, prefix };
    if (Buffer.byteLength(name) > 100) break;
  }
  throw new ArchiveError(`${path}: the path is too long for a release archive.`);
}

function header(path: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { name, prefix } = splitName(path);
  writeString(h, name, 0, 100);
  writeOctal(h, 0o644, 100, 8);
  writeOctal(h, 0, 108, 8);
  writeOctal(h, 0, 116, 8);
  writeOctal(h, size, 124, 12);
  writeOctal(h, mtime, 136, 12);
  h.fill(0x20, 148, 156);
  h[156] = 0x30; // '0': a plain file
  writeString(h, 'ustar\u000000', 257, 8);
  writeString(h, prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, `${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8);
  return h;
}

/** The archive's bytes: entries sorted by path, fixed headers, gzip without name/time/OS. */
export function writeArchive(entries: readonly ArchiveEntry[], mtimeSeconds: number): Buffer {
  const sorted = [...entries].sort((a, b) =>
    Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)),
  );
  const parts: Buffer[] = [];
  for (const e of sorted) {
    parts.push(header(e.path, e.data.length, mtimeSeconds), e.data);
    const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  const gz = gzipSync(Buffer.concat(parts), { level: zlibConstants.Z_BEST_COMPRESSION });
  // the gzip header: no time (bytes 4–7), OS "unknown" (byte 9), so every OS writes the same
  gz.writeUInt32LE(0, 4);
  gz[9] = 255;
  return gz;
}

// ---------------------------------------------------------------- reading

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a device',
  '4': 'a device',
  '6': 'a pipe',
  '7': 'a special file',
  x: 'an extended header',
  g: 'an extended header',
  L: 'a long-name header',
  K: 'a long-link header',
};

const decoder = new TextDecoder('utf-8', { fatal: true });

function readString(h: Buffer, offset: number, length: number): string {
  const field = h.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function readOctal(h: Buffer, offset: number, length: number, what: string): number {
  const field = h.subarray(offset, offset + length);
  if ((field[0] ?? 0) & 0x80)
    throw new ArchiveError(`the archive's ${what} field is not one spycheck reads.`);
  const s = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^[ ]+/, '');
  if (!/^[0-7]{0,12}$/.test(s)) throw new ArchiveError(`the archive's ${what} field is damaged.`);
  return s === '' ? 0 : Number.parseInt(s, 8);
}

const isZeroBlock = (b: Buffer) => b.every((x) => x === 0);

/** The entries of an archive from elsewhere, checked; nothing is written. */
export function readArchive(gz: Buffer, limits: ArchiveLimits = ARCHIVE_LIMITS): ArchiveEntry[] {
  let tar: Buffer;
  // headers and padding on top of the files' own bytes
  const maxOut = limits.maxTotalBytes + (limits.maxEntries + 2) * BLOCK * 2;
  try {
    tar = gunzipSync(gz, { maxOutputLength: maxOut });
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ||
      err instanceof RangeError
    ) {
      throw new ArchiveError(`it unpacks to more than ${maxOut} bytes.`);
    }
    throw new ArchiveError('it is not a gzip archive, or it is damaged.');
  }
  const entries: ArchiveEntry[] = [];
  const files = new Set<string>();
  const dirs = new Set<string>();
  let total = 0;
  let count = 0;
  let off = 0;
  for (;;) {
    if (off + BLOCK > tar.length) throw new ArchiveError('the archive is cut short.');
    const h = tar.subarray(off, off + BLOCK);
    if (isZeroBlock(h)) break;
    if (++count > limits.maxEntries) {
      throw new ArchiveError(`it has more than ${limits.maxEntries} entries.`);
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (readOctal(h, 148, 8, 'checksum') !== sum)
      throw new ArchiveError('an archive header is damaged.');
    if (h.subarray(257, 262).toString('latin1') !== 'ustar') {
      throw new ArchiveError('it is not a tar archive spycheck reads (ustar).');
    }
    let name: string;
    let prefix: string;
    try {
      name = readString(h, 0, 100);
      prefix = readString(h, 345, 155);
    } catch {
      throw new ArchiveError('an entry name is not valid text.');
    }
    const type = String.fromCharCode(h[156]!);
    const raw = prefix ? `${prefix}/${name}` : name;
    const path = type === '5' ? raw.replace(/\/+$/, '') : raw;
    const shown = JSON.stringify(path.slice(0, 200));
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.startsWith('\\')) {
      throw new ArchiveError(`the entry ${shown} has an absolute path.`);
    }
    if (path.split(/[\\/]/).includes('..')) {
      throw new ArchiveError(`the entry ${shown} points outside the pack folder ("..").`);
    }
    if (safeRelativePath(path) !== path) {
      throw new ArchiveError(`the entry ${shown} has a name a pack cannot hold.`);
    }
    const size = readOctal(h, 124, 12, 'size');
    const kind = TYPE_NAMES[type];
    if (kind)
      throw new ArchiveError(`the entry ${shown} is ${kind}; a pack holds only plain files.`);
    if (type !== '0' && type !== '\0' && type !== '5') {
      throw new ArchiveError(`the entry ${shown} is not a plain file.`);
    }
    const start = off + BLOCK;
    off = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === '5') {
      if (size !== 0) throw new ArchiveError(`the folder entry ${shown} is damaged.`);
      if (files.has(path)) throw new ArchiveError(`${shown} is in the archive twice.`);
      dirs.add(path);
      continue;
    }
    if (size > limits.maxFileBytes) {
      throw new ArchiveError(`the entry ${shown} is larger than ${limits.maxFileBytes} bytes.`);
    }
    total += size;
    if (total > limits.maxTotalBytes) {
      throw new ArchiveError(`it unpacks to more than ${limits.maxTotalBytes} bytes.`);
    }
    if (start + size > tar.length) throw new ArchiveError('the archive is cut short.');
    if (files.has(path) || dirs.has(path))
      throw new ArchiveError(`${shown} is in the archive twice.`);
    files.add(path);
    entries.push({ path, data: Buffer.from(tar.subarray(start, start + size)) });
  }
  // a file cannot also be a folder on the way to another file
  for (const e of entries) {
    const segs = e.path.split('/');
    for (let i = 1; i < segs.length; i++) {
      const parent = segs.slice(0, i).join('/');
      if (files.has(parent)) {
        throw new ArchiveError(
          `${JSON.stringify(parent)} is both a file and a folder in the archive.`,
        );
      }
    }
  }
  return entries;
}

/**
 * Writes checked entries below `dest`, which must be a new empty folder this process made:
 * every path was checked by readArchive, and files are created new (never through a link).
 */
export async function extractArchive(
  entries: readonly ArchiveEntry[],
  dest: string,
): Promise<void> {
  for (const e of entries) {
    const rel = safeRelativePath(e.path);
    if (rel !== e.path) throw new ArchiveError(`unsafe entry ${JSON.stringify(e.path)}`);
    const target = join(dest, ...rel.split('/'));
    if (!target.startsWith(dest + sep))
      throw new ArchiveError(`unsafe entry ${JSON.stringify(e.path)}`);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, e.data, { flag: 'wx', mode: 0o600 });
  }
}
