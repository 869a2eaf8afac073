/**
 * What `spycheck analyze INPUT` was given: a spycheck bundle, an androidqf folder or ZIP, or a
 * bugreport ZIP; and turning the last three into a Snapshot plus its raw evidence.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AndroidCollection } from '../../model/androidCollection.js';
import type { RawOutput } from '../../model/raw.js';
import type { AndroidSnapshot } from '../../model/snapshot.js';
import { assembleAndroidSnapshot } from '../android.js';
import { ANDROIDQF_MARKERS, importAndroidqf } from './androidqf.js';
import { BUGREPORT_MAIN, importBugreport } from './bugreport.js';
import type { ImportFormat } from './collection.js';
import {
  findByBaseName,
  type ImportFiles,
  openFolder,
  openSingleFile,
  openZip,
} from './zipFolder.js';

export type DetectedInput =
  | { kind: 'bundle'; dir: string }
  | { kind: ImportFormat; files: ImportFiles; container: 'folder' | 'zip' }
  | { kind: 'unknown'; reason: string };

function head(path: string, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  try {
    const fd = openSync(path, 'r');
    try {
      return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return Buffer.alloc(0);
  }
}

const startsLikeZip = (h: Buffer) =>
  h.length >= 4 && (h.readUInt32LE(0) === 0x04034b50 || h.readUInt32LE(0) === 0x06054b50);
// `adb bugreport` on Android 6 and older wrote one text file starting with this banner
const startsLikeBugreportText = (h: Buffer) => /^=+\r?\n== dumpstate: /.test(h.toString('latin1'));
// androidqf can encrypt its archive with age (https://age-encryption.org)
const startsLikeAge = (h: Buffer) => h.toString('latin1').startsWith('age-encryption.org/v1');

function classify(files: ImportFiles): ImportFormat | undefined {
  if (findByBaseName(files, 'main_entry.txt') || findByBaseName(files, BUGREPORT_MAIN)) {
    return 'bugreport';
  }
  if (ANDROIDQF_MARKERS.some((m) => findByBaseName(files, m))) return 'androidqf';
  return undefined;
}

export function detectInput(path: string): DetectedInput {
  if (!existsSync(path)) return { kind: 'unknown', reason: 'it does not exist' };
  const st = statSync(path);
  if (st.isDirectory()) {
    if (existsSync(join(path, 'snapshot.json'))) return { kind: 'bundle', dir: path };
    const files = openFolder(path);
    const kind = classify(files);
    if (kind === 'androidqf') return { kind, files, container: 'folder' };
    if (kind === 'bugreport') return { kind, files, container: 'folder' };
    return {
      kind: 'unknown',
      reason: 'it is a folder with no snapshot.json (bundle) and no androidqf files',
    };
  }
  const h = st.isFile() ? head(path, 256) : Buffer.alloc(0);
  if (startsLikeBugreportText(h)) {
    return { kind: 'bugreport', files: openSingleFile(path, basename(path)), container: 'folder' };
  }
  if (startsLikeAge(h)) {
    return {
      kind: 'unknown',
      reason:
        'it is encrypted (age); decrypt it first with the key the acquisition was made with, then analyse the ZIP',
    };
  }
  if (!startsLikeZip(h)) {
    return { kind: 'unknown', reason: 'it is neither a folder nor a ZIP archive' };
  }
  const zip = openZip(path);
  if (!zip.files) return { kind: 'unknown', reason: `the ZIP cannot be read: ${zip.error}` };
  const kind = classify(zip.files);
  if (!kind) {
    return { kind: 'unknown', reason: 'the ZIP holds neither a bugreport nor androidqf files' };
  }
  return { kind, files: zip.files, container: 'zip' };
}

export interface ImportedAcquisition {
  format: ImportFormat;
  snapshot: AndroidSnapshot;
  raw: RawOutput[];
}

/** Reads an androidqf or bugreport acquisition into a Snapshot, as a scan of that phone would. */
export function importAcquisition(
  format: ImportFormat,
  files: ImportFiles,
  tool: { name: string; version: string },
  now = new Date(),
): ImportedAcquisition | { error: string } {
  const c: AndroidCollection | { error: string } =
    format === 'androidqf' ? importAndroidqf(files, now) : importBugreport(files, now);
  if ('error' in c) return c;
  if (Object.keys(c.outputs).length === 0) {
    return { error: `no phone data spycheck can read was found in this ${format} acquisition` };
  }
  const snapshot = assembleAndroidSnapshot(c, tool);
  // a missing step here was never in the acquisition; the phone was not "disconnected"
  const source = format === 'androidqf' ? 'this androidqf acquisition' : 'this bugreport';
  const unread = 'the phone was disconnected before this was read';
  for (const check of snapshot.checks ?? []) {
    if (check.reason?.includes(unread)) {
      check.reason = check.reason.replace(unread, `${source} does not contain this information`);
      check.cause = 'not-in-import';
    }
  }
  return { format, snapshot, raw: c.raw };
}
