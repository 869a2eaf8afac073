/**
 * One read-only view over an acquisition someone else made: a folder or a ZIP archive. Both
 * come from outside spycheck and may be hostile, so nothing is ever extracted to disk, entry
 * names are only used as lookup keys (after refusing "..", absolute and drive paths), folders
 * are walked without following links, and every read has a size cap.
 */
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { readZipDirectory, readZipEntry, type ZipEntry } from '../../parse/apk/zip.js';

export interface ImportFiles {
  /** 'folder' or 'zip' */
  container: 'folder' | 'zip';
  /** normalised relative paths ("a/b.txt"), shallowest first */
  names: string[];
  /** the bytes of one file, or undefined (with a warning) when it is too large or unreadable */
  read(name: string, maxBytes: number): Buffer | undefined;
  /** declared size of a file, when known */
  size(name: string): number | undefined;
  warnings: string[];
  /** one plain file given on its own, not a folder or archive */
  single?: boolean;
}

/** Larger than any real bugreport or androidqf archive without APKs; a whole ZIP is read into memory. */
export const MAX_ZIP_BYTES = 1536 * 1024 * 1024;
const MAX_FILES = 20_000;
const MAX_DEPTH = 5;

/** A safe relative name, or undefined for names that try to leave the acquisition. */
export function normaliseName(raw: string): string | undefined {
  const name = raw.replace(/\\/g, '/');
  if (name.includes('\0') || name.startsWith('/') || /^[A-Za-z]:/.test(name)) return undefined;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

const depth = (n: string) => n.split('/').length;
const byDepth = (a: string, b: string) => depth(a) - depth(b) || a.localeCompare(b);

export function openFolder(dir: string): ImportFiles {
  const warnings: string[] = [];
  const sizes = new Map<string, number>();
  const walk = (rel: string, level: number) => {
    if (level > MAX_DEPTH) return;
    let entries: string[];
    try {
      entries = readdirSync(join(dir, rel));
    } catch (e) {
      warnings.push(`Could not list ${rel || 'the folder'}: ${(e as Error).message}`);
      return;
    }
    for (const entry of entries) {
      if (sizes.size >= MAX_FILES) {
        warnings.push(`The folder holds more than ${MAX_FILES} files; the rest were not looked at`);
        return;
      }
      const relPath = rel ? `${rel}/${entry}` : entry;
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(join(dir, relPath));
      } catch {
        continue;
      }
      // links could point anywhere on this computer: never followed
      if (st.isSymbolicLink()) warnings.push(`${relPath} is a link; not followed`);
      else if (st.isDirectory()) walk(relPath, level + 1);
      else if (st.isFile()) sizes.set(relPath, st.size);
    }
  };
  walk('', 0);
  return {
    container: 'folder',
    names: [...sizes.keys()].sort(byDepth),
    warnings,
    size: (name) => sizes.get(name),
    read(name, maxBytes) {
      const size = sizes.get(name);
      if (size === undefined) return undefined;
      if (size > maxBytes) {
        warnings.push(`${name} is larger than ${maxBytes} bytes; not read`);
        return undefined;
      }
      try {
        // the size was checked before; read at most that much in case the file grows
        const fd = openSync(join(dir, name), 'r');
        try {
          const buf = Buffer.alloc(size);
          const n = readSync(fd, buf, 0, size, 0);
          return buf.subarray(0, n);
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        warnings.push(`Could not read ${name}: ${(e as Error).message}`);
        return undefined;
      }
    },
  };
}

/** One plain file (an old-style bugreport .txt) seen as an acquisition holding just it. */
export function openSingleFile(path: string, name: string): ImportFiles {
  const warnings: string[] = [];
  let size = 0;
  try {
    size = lstatSync(path).size;
  } catch {
    /* read() will say */
  }
  return {
    container: 'folder',
    single: true,
    names: [name],
    warnings,
    size: (n) => (n === name ? size : undefined),
    read(n, maxBytes) {
      if (n !== name) return undefined;
      if (size > maxBytes) {
        warnings.push(`${name} is larger than ${maxBytes} bytes; not read`);
        return undefined;
      }
      try {
        return readFileSync(path);
      } catch (e) {
        warnings.push(`Could not read ${name}: ${(e as Error).message}`);
        return undefined;
      }
    },
  };
}

/** Opens a ZIP archive; undefined (with the reason) when it is not one spycheck can read. */
export function openZip(path: string): { files?: ImportFiles; error?: string } {
  let size: number;
  try {
    size = lstatSync(path).size;
  } catch (e) {
    return { error: `could not read it (${(e as Error).message})` };
  }
  if (size > MAX_ZIP_BYTES) {
    return {
      error: `it is larger than ${MAX_ZIP_BYTES / 1024 / 1024} MiB; unpack it and give spycheck the folder instead`,
    };
  }
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return { error: `could not read it (${(e as Error).message})` };
  }
  return openZipBuffer(buf);
}

export function openZipBuffer(buf: Buffer): { files?: ImportFiles; error?: string } {
  const dir = readZipDirectory(buf);
  if (!dir.parsed) return { error: dir.warnings[0] ?? 'not a ZIP archive' };
  const warnings = dir.warnings.slice(0, 20);
  const entries = new Map<string, ZipEntry>();
  let refused = 0;
  for (const e of dir.parsed.entries) {
    if (e.name.endsWith('/')) continue;
    const name = normaliseName(e.name);
    if (!name) {
      refused++;
      if (refused <= 5)
        warnings.push(`ZIP entry ${JSON.stringify(e.name)} has an unsafe name; ignored`);
      continue;
    }
    if (entries.has(name)) {
      warnings.push(`ZIP holds ${JSON.stringify(name)} more than once; the first is used`);
      continue;
    }
    if (entries.size >= MAX_FILES) {
      warnings.push(`The ZIP holds more than ${MAX_FILES} files; the rest were not looked at`);
      break;
    }
    entries.set(name, e);
  }
  if (refused > 5) warnings.push(`${refused} ZIP entries in all had unsafe names and were ignored`);
  return {
    files: {
      container: 'zip',
      names: [...entries.keys()].sort(byDepth),
      warnings,
      size: (name) => entries.get(name)?.uncompressedSize,
      read(name, maxBytes) {
        const entry = entries.get(name);
        if (!entry) return undefined;
        const r = readZipEntry(buf, entry, { maxBytes });
        warnings.push(...r.warnings);
        return r.parsed;
      },
    },
  };
}

/** The shallowest file whose base name matches (case-insensitive), e.g. "getprop.txt". */
export function findByBaseName(files: ImportFiles, pattern: string | RegExp): string | undefined {
  const test =
    typeof pattern === 'string'
      ? (b: string) => b.toLowerCase() === pattern.toLowerCase()
      : (b: string) => pattern.test(b);
  return files.names.find((n) => test(n.slice(n.lastIndexOf('/') + 1)));
}
