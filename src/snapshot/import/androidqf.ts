/**
 * androidqf acquisitions (github.com/mvt-project/androidqf): a folder (or its ZIP) with
 * getprop.txt, settings_<ns>.txt (`settings list <ns>`), dumpsys.txt (one full `dumpsys`),
 * packages.json (each app's name, installer, uid, system flag and its files with SHA-256) and
 * optionally the APKs under apks/. Anything it does not hold stays missing: "not checked".
 */
import { createHash } from 'node:crypto';
import type { AndroidStepId, ApkCertResult } from '../../device/android/collector.js';
import { androidCollectOptions } from '../android.js';
import { CollectionBuilder, serialFromGetprop, toText } from './collection.js';
import { splitDumpsysServices, strayPackageEntries } from './sections.js';
import { findByBaseName, type ImportFiles } from './zipFolder.js';

const MAX_TEXT = 64 * 1024 * 1024;
// below V8's ~512 MiB string limit, so a large file gets a plain message, not a crash
const MAX_DUMPSYS = 256 * 1024 * 1024;
const MAX_APK = 200 * 1024 * 1024;
const MAX_APKS = 60;

// "android" itself has no dot
const PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;
const APK_PATH = /^\/[^\s\0-\x1f]+\.apk$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;

/** Files whose presence says "this is androidqf". */
export const ANDROIDQF_MARKERS = [
  'packages.json',
  'getprop.txt',
  'dumpsys.txt',
  'acquisition.json',
];

export const DUMPSYS_SERVICES = {
  package: 'packageDetails',
  accessibility: 'accessibility',
  device_policy: 'devicePolicy',
  account: 'accounts',
  adb: 'adbKeys',
} as const;

interface QfFile {
  path: string;
  sha256?: string;
}
interface QfPackage {
  name: string;
  installer?: string;
  uid?: number;
  files: QfFile[];
}

export function importAndroidqf(
  files: ImportFiles,
  now = new Date(),
): ReturnType<CollectionBuilder['build']> {
  const times = acquisitionTimes(files, now);
  const b = new CollectionBuilder('androidqf', times.started);
  const textOf = (base: string, max = MAX_TEXT) => {
    const name = findByBaseName(files, base);
    return name ? { name, buf: files.read(name, max) } : undefined;
  };

  const getprop = textOf('getprop.txt');
  if (getprop?.buf) b.step('getprop', getprop.name, getprop.buf.toString('utf8'), getprop.buf);
  for (const [ns, step] of [
    ['secure', 'settingsSecure'],
    ['global', 'settingsGlobal'],
    ['system', 'settingsSystem'],
  ] as const) {
    const f = textOf(`settings_${ns}.txt`);
    if (f?.buf) b.step(step, f.name, f.buf.toString('utf8'), f.buf);
  }

  const dumpsys = textOf('dumpsys.txt', MAX_DUMPSYS);
  if (dumpsys?.buf) {
    const full = dumpsys.buf.toString('utf8');
    const services = splitDumpsysServices(full);
    noteStrayPackages(b, full, services.get('package'));
    let used = false;
    for (const [service, step] of Object.entries(DUMPSYS_SERVICES)) {
      const text = services.get(service);
      if (text === undefined) continue;
      b.outputs[step] = { command: `androidqf:${dumpsys.name} (DUMP OF SERVICE ${service})`, text };
      used = true;
    }
    if (used) b.keep(dumpsys.name, dumpsys.buf);
    if (services.has('deviceidle')) {
      b.notes.push(
        'The full "dumpsys deviceidle" in this acquisition lists battery exemptions in a form spycheck does not read yet; that check was not made.',
      );
    }
  }

  const pj = textOf('packages.json');
  if (pj?.buf) {
    const pkgs = readPackagesJson(pj.buf, b.notes);
    if (pkgs.length > 0) {
      b.keep(pj.name, pj.buf);
      // older androidqf versions may leave the installer out: then "none" must not be assumed
      const installerKnown = pkgs.every((p) => p.installer !== undefined);
      const lines = pkgs.map((p) => {
        const base = basePath(p);
        const inst = p.installer && PACKAGE.test(p.installer) ? p.installer : 'null';
        const instTail = p.installer === undefined ? '' : `  installer=${inst}`;
        const uidTail = p.uid !== undefined ? ` uid:${p.uid}` : '';
        return `package:${base ? `${base}=` : ''}${p.name}${instTail}${uidTail}`;
      });
      // marked as made by spycheck, not as the phone's own answer to pm list
      b.outputs.packages = {
        command: `androidqf:${pj.name} (as pm list packages -f${installerKnown ? ' -i' : ''} -U -u)`,
        text: `${lines.join('\n')}\n`,
      };
      const hashes = pkgs.flatMap((p) =>
        p.files.filter((f) => f.sha256).map((f) => `${f.sha256!.toLowerCase()}  ${f.path}`),
      );
      if (hashes.length > 0) {
        b.apkHashOutputs.push({
          command: `androidqf:${pj.name} (file hashes, as sha256sum)`,
          text: `${hashes.join('\n')}\n`,
        });
      }
      readApkCerts(files, pkgs, b);
    }
  }
  return b.build(serialFromGetprop(b.outputs.getprop?.text), times.started, times.finished, [
    ...files.warnings.slice(0, 20),
  ]);
}

function basePath(p: QfPackage): string | undefined {
  const base = p.files.find((f) => f.path.endsWith('/base.apk')) ?? p.files[0];
  return base?.path;
}

/** packages.json, defensively: anything not shaped like an app is skipped with a note. */
export function readPackagesJson(buf: Buffer, notes: string[]): QfPackage[] {
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    notes.push(`packages.json is not valid JSON (${(e as Error).message}); its apps were not read`);
    return [];
  }
  if (!Array.isArray(doc)) {
    notes.push('packages.json does not hold a list of apps; its apps were not read');
    return [];
  }
  const out: QfPackage[] = [];
  let skipped = 0;
  for (const item of doc) {
    const o = (item ?? {}) as Record<string, unknown>;
    const name = typeof o.name === 'string' ? o.name : '';
    if (!PACKAGE.test(name) || name.length > 255) {
      skipped++;
      continue;
    }
    const files: QfFile[] = [];
    for (const f of Array.isArray(o.files) ? o.files : []) {
      const fo = (f ?? {}) as Record<string, unknown>;
      if (typeof fo.path !== 'string' || !APK_PATH.test(fo.path)) continue;
      const sha = typeof fo.sha256 === 'string' && HEX64.test(fo.sha256) ? fo.sha256 : undefined;
      files.push({ path: fo.path, ...(sha ? { sha256: sha } : {}) });
    }
    const uid =
      typeof o.uid === 'number' && Number.isInteger(o.uid) && o.uid >= 0 ? o.uid : undefined;
    out.push({
      name,
      // an empty installer is "not read", not "none" (androidqf writes "null" for none)
      installer: typeof o.installer === 'string' && o.installer !== '' ? o.installer : undefined,
      uid,
      files,
    });
  }
  if (skipped > 0)
    notes.push(`packages.json: ${skipped} entries without a valid app name were skipped`);
  return out;
}

/**
 * APKs androidqf copied (apks/…) are matched to apps by their SHA-256, whatever their file
 * names, and read for signing certificates exactly as a live scan reads a pulled APK.
 */
function readApkCerts(files: ImportFiles, pkgs: QfPackage[], b: CollectionBuilder): void {
  const byHash = new Map<string, string>();
  for (const p of pkgs)
    for (const f of p.files) if (f.sha256) byHash.set(f.sha256.toLowerCase(), f.path);
  const apks = files.names.filter((n) => n.toLowerCase().endsWith('.apk'));
  if (apks.length > MAX_APKS) {
    b.notes.push(
      `${apks.length} APK files were copied; the signing certificates of ${MAX_APKS} were checked.`,
    );
  }
  const readCerts = androidCollectOptions().readCerts;
  for (const name of apks.slice(0, MAX_APKS)) {
    const size = files.size(name) ?? 0;
    if (size > MAX_APK) {
      b.notes.push(`${name} is larger than ${MAX_APK} bytes; who signed it was not checked`);
      continue;
    }
    const buf = files.read(name, MAX_APK);
    if (!buf) continue;
    const path = byHash.get(createHash('sha256').update(buf).digest('hex'));
    if (!path || b.apkCerts[path]) continue;
    let result: ApkCertResult;
    try {
      result = { ok: true, bytes: buf.length, ...readCerts(buf) };
    } catch (e) {
      result = { ok: false, reason: e instanceof Error ? e.message : String(e) };
    }
    b.apkCerts[path] = result;
  }
}

function acquisitionTimes(files: ImportFiles, now: Date): { started: string; finished: string } {
  const fallback = now.toISOString();
  const name = findByBaseName(files, 'acquisition.json');
  const buf = name ? files.read(name, 1024 * 1024) : undefined;
  let doc: Record<string, unknown> = {};
  try {
    doc = (JSON.parse(toText(buf) ?? '{}') ?? {}) as Record<string, unknown>;
  } catch {
    /* a broken acquisition.json only costs the times */
  }
  const iso = (...keys: string[]) => {
    for (const k of keys) {
      const v = doc[k];
      if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
    }
    return undefined;
  };
  const started = iso('started', 'Started', 'start_time') ?? fallback;
  return { started, finished: iso('completed', 'Completed', 'finished') ?? started };
}

export function noteStrayPackages(
  b: { notes: string[]; suspect: Set<AndroidStepId> },
  full: string,
  packageDump: string | undefined,
) {
  const stray = strayPackageEntries(full, packageDump);
  if (stray > 0) {
    // every service read from this dump could have been shaped by smuggled text
    for (const step of Object.values(DUMPSYS_SERVICES)) b.suspect.add(step);
    b.notes.push(
      `${stray} app entries appear outside the "package" service dump: it may be cut short or hold smuggled text, so some apps may be missing from this report.`,
    );
  }
}
