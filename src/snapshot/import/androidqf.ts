/**
 * androidqf acquisitions (github.com/mvt-project/androidqf): a folder (or its ZIP) with
 * getprop.txt, settings_<ns>.txt (`settings list <ns>`), dumpsys.txt (one full `dumpsys`),
 * packages.json (each app's name, installer, uid, system flag and its files with SHA-256 and,
 * when androidqf copied the file, its signing certificate), root_binaries.json (where `which -a`
 * found su, magisk and other root tools) and optionally the APKs under apks/. Anything it does
 * not hold stays missing: "not checked".
 */
import { createHash } from 'node:crypto';
import type { AndroidStepId, ApkCertResult } from '../../model/androidCollection.js';
import type { SigningCert } from '../../model/snapshot.js';
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
  // a full `dumpsys batterystats` starts with the battery history (app installs and removals)
  batterystats: 'batteryHistory',
  // devices and networks linked to the phone (a full dump prints the same as the live scan's);
  // netstats is left out: without `detail` it has no per-app section
  bluetooth_manager: 'bluetooth',
  companiondevice: 'companionDevices',
  connectivity: 'connectivity',
  role: 'roles',
  user: 'users',
  // the screen lock: a full dump prints LockSettingsService.dump, as the live scan's does
  lock_settings: 'lockSettings',
} as const;

/**
 * Full service dumps that answer what a live scan asks with narrower commands (`cmd appops
 * query-op …`, `dumpsys deviceidle whitelist`): the assembler reads either form.
 */
export const DUMPSYS_FULL_SERVICES = {
  appops: ['appopsUsageStats', 'appopsOverlay', 'appopsInstall', 'appopsDump'],
  deviceidle: ['deviceIdle'],
  // androidqf's settings_<ns>.txt come first; a bugreport has only this
  settings: ['settingsSecure', 'settingsGlobal', 'settingsSystem'],
} as const satisfies Record<string, readonly AndroidStepId[]>;

/** Puts the full appops, deviceidle and settings dumps where the live scan's answers go. */
export function useFullServiceDumps(
  b: CollectionBuilder,
  services: Map<string, string>,
  source: string,
): boolean {
  let used = false;
  // text smuggled around the package dump (see noteStrayPackages) may shape these too
  const tainted = b.suspect.has('packageDetails');
  for (const [service, steps] of Object.entries(DUMPSYS_FULL_SERVICES)) {
    const text = services.get(service);
    if (text === undefined) continue;
    for (const step of steps) {
      if (b.outputs[step]) continue;
      b.outputs[step] = { command: `${source} (DUMP OF SERVICE ${service})`, text };
      if (tainted) b.suspect.add(step);
      used = true;
    }
  }
  return used;
}

interface QfFile {
  path: string;
  sha256?: string;
  /** the signer androidqf read from its copy of the file (apkverifier's CertInfo) */
  cert?: SigningCert;
  /** why androidqf could not read the signer, when it says */
  certError?: string;
}
interface QfPackage {
  name: string;
  installer?: string;
  uid?: number;
  /** `pm list packages -s` / `-3` membership, as androidqf recorded it */
  system?: boolean;
  thirdParty?: boolean;
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
    if (useFullServiceDumps(b, services, `androidqf:${dumpsys.name}`)) used = true;
    if (used) b.keep(dumpsys.name, dumpsys.buf);
  }

  const root = textOf('root_binaries.json', 1024 * 1024);
  if (root?.buf) {
    const paths = readRootBinaries(root.buf, b.notes);
    // marked as made by spycheck from androidqf's `which -a` answers
    if (paths) b.step('su', root.name, paths.length ? `${paths.join('\n')}\n` : '', root.buf);
    if (b.outputs.su) b.outputs.su.command += ' (root tools found, as which su)';
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
      useListedCerts(pkgs, b);
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
      const cert = readCertInfo(fo.certificate);
      const certError =
        typeof fo.certificate_error === 'string' && fo.certificate_error.trim() !== ''
          ? cleanText(fo.certificate_error, 200)
          : undefined;
      files.push({
        path: fo.path,
        ...(sha ? { sha256: sha } : {}),
        ...(cert ? { cert } : {}),
        ...(certError ? { certError } : {}),
      });
    }
    const uid =
      typeof o.uid === 'number' && Number.isInteger(o.uid) && o.uid >= 0 ? o.uid : undefined;
    out.push({
      name,
      // an empty installer is "not read", not "none" (androidqf writes "null" for none)
      installer: typeof o.installer === 'string' && o.installer !== '' ? o.installer : undefined,
      uid,
      ...(typeof o.system === 'boolean' ? { system: o.system } : {}),
      ...(typeof o.third_party === 'boolean' ? { thirdParty: o.third_party } : {}),
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

const HEX40 = /^[0-9a-fA-F]{40}$/;
const RDN = /, (?=(?:C|ST|L|O|OU|CN)=)/;

/** Control characters out, length capped: text another tool wrote goes into reports. */
function cleanText(s: string, max: number): string {
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/**
 * androidqf's `certificate`: apkverifier's CertInfo, written with Go's field names
 * ({"Md5","Sha1","Sha256","ValidFrom","ValidTo","Issuer","Subject","SignatureAlgorithm",
 * "SerialNumber"}), hashes in lower-case hex, names as "C=US, O=Android, CN=Android". An
 * empty one (all "") means androidqf did not read the file. Names are turned CN-first, as
 * spycheck writes them when it reads an APK itself.
 */
export function readCertInfo(v: unknown): SigningCert | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const sha1 = typeof o.Sha1 === 'string' && HEX40.test(o.Sha1) ? o.Sha1.toUpperCase() : '';
  const sha256 = typeof o.Sha256 === 'string' && HEX64.test(o.Sha256) ? o.Sha256.toUpperCase() : '';
  if (!sha1 || !sha256) return undefined;
  const name = (x: unknown) =>
    typeof x === 'string' && x.trim() !== ''
      ? cleanText(x, 1024).split(RDN).reverse().join(', ')
      : undefined;
  const subject = name(o.Subject);
  const issuer = name(o.Issuer);
  const org =
    typeof o.Subject === 'string'
      ? /(?:^|, )O=(.*?)(?=, (?:OU|CN)=|$)/.exec(cleanText(o.Subject, 1024))?.[1]
      : undefined;
  return {
    sha1,
    sha256,
    ...(subject ? { subject } : {}),
    ...(issuer ? { issuer } : {}),
    // apkverifier joins several O= values with ";": the first is the one a rule names
    ...(org?.split(';')[0]?.trim() ? { organization: org.split(';')[0]!.trim() } : {}),
  };
}

/**
 * Signers androidqf itself read (packages.json), for apps whose APK is not in apks/ or could
 * not be read here: androidqf may have deleted copies signed by well-known companies, or been
 * told to keep none.
 */
function useListedCerts(pkgs: QfPackage[], b: CollectionBuilder): void {
  let used = 0;
  const failed: string[] = [];
  for (const p of pkgs) {
    const base = basePath(p);
    if (!base || b.apkCerts[base]?.ok) continue;
    const withCert = p.files.find((f) => f.path === base && f.cert) ?? p.files.find((f) => f.cert);
    if (!withCert?.cert) {
      const why = p.files.find((f) => f.certError)?.certError;
      if (why) failed.push(`${p.name} (${why})`);
      continue;
    }
    b.apkCerts[base] = {
      ok: true,
      certs: [withCert.cert],
      schemes: [],
      bytes: 0,
      warnings: [],
    };
    used++;
  }
  if (failed.length > 0) {
    b.notes.push(
      `androidqf could not read who signed ${failed.length === 1 ? 'this app' : `these ${failed.length} apps`}: ${failed.slice(0, 5).join('; ')}${failed.length > 5 ? '; …' : ''}`,
    );
  }
  if (used > 0) {
    b.notes.push(
      `${used === 1 ? 'For 1 app, who signed it was' : `For ${used} apps, who signed them was`} taken from androidqf's own reading of the app files (packages.json), not read again by spycheck.`,
    );
  }
}

/** Root tool binary names androidqf looks for; busybox alone is not a sign of root. */
const ROOT_TOOL =
  /^(?:su|supersu|magisk|magiskhide|magiskinit|magiskpolicy|superuser\.apk|kingouser\.apk|supersu\.apk)$/i;

/**
 * root_binaries.json: a list of what `which -a <name>` printed for su, busybox, magisk and
 * other root tools (each entry may hold several paths, one a line). undefined when unreadable.
 */
export function readRootBinaries(buf: Buffer, notes: string[]): string[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch {
    notes.push('root_binaries.json is not valid JSON; the search for root tools was not read');
    return undefined;
  }
  if (!Array.isArray(doc)) {
    notes.push('root_binaries.json does not hold a list; the search for root tools was not read');
    return undefined;
  }
  const paths: string[] = [];
  const other: string[] = [];
  for (const item of doc.slice(0, 200)) {
    if (typeof item !== 'string') continue;
    for (const line of item.split(/\r?\n/)) {
      const t = line.trim();
      if (!/^\/[^\s\0-\x1f]{1,255}$/.test(t)) continue;
      const base = t.slice(t.lastIndexOf('/') + 1);
      const list = ROOT_TOOL.test(base) ? paths : other;
      if (!list.includes(t)) list.push(t);
    }
  }
  if (other.length > 0) {
    notes.push(
      `androidqf also found ${other.slice(0, 5).join(', ')}: tools often added to rooted phones, but not proof of root on their own.`,
    );
  }
  return paths;
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
