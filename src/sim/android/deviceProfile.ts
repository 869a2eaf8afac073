/**
 * One simulated Android phone: answers shell commands and file requests from
 * its profile, the way a real phone would. Shared by the fake adb server and
 * the fake adbd. It only ever reads: nothing here can change the profile.
 */
import { posix } from 'node:path';
import { type DeviceCostsOption, PhoneCosts, resolveCosts } from './deviceCosts.js';
import {
  bufferFile,
  type GeneratedFileSpec,
  generatedFile,
  generatedSha256,
  generatedSha256Sync,
  type ServedFile,
} from './servedFiles.js';
import {
  apkPathsFromPmList,
  formatDate,
  packageBlockIndex,
  placeholderApkHash,
  sha256Hex,
  words,
} from './shellCommands.js';
import type { ShellFault } from './shellFaults.js';
import { sleep } from './syncService.js';

export type { ShellFault } from './shellFaults.js';

export type DeviceState = 'device' | 'unauthorized' | 'offline';

export interface DeviceBanner {
  product: string;
  model: string;
  device: string;
}

/** An in-memory profile (what profile.yaml describes, with files already read). */
export interface DeviceProfileData {
  name: string;
  description: string;
  serial: string;
  state: DeviceState;
  banner: DeviceBanner;
  /** Exact command string → output, as the phone prints it (stdout and stderr merged). */
  shell: Record<string, string | Buffer>;
  /** Absolute device path → file content, served over sync. */
  files: Record<string, Buffer>;
  /**
   * Absolute device path → a file of a declared size whose bytes are generated on demand (big
   * APKs of benchmark phones), never held in memory. See servedFiles.ts.
   */
  generated?: Record<string, GeneratedFileSpec>;
  /**
   * What the phone's own work costs (flash reads for sha256sum, USB transfers, dumpsys time):
   * `true` for a budget phone's figures, or some of them. Unset: everything is instant.
   */
  costs?: DeviceCostsOption;
  /** Exact command string → how its answer misbehaves (never ends, trickles). */
  faults?: Record<string, ShellFault>;
  /** The phone's clock runs `offsetSeconds` ahead of the computer's (negative: behind). */
  clock?: { offsetSeconds: number };
  /** The folder it was loaded from (absent for in-memory profiles). */
  dir?: string;
}

export interface SyncStat {
  /** POSIX mode bits including the file type (0o100644 file, 0o40755 directory) */
  mode: number;
  size: number;
  /** Seconds since the epoch */
  mtime: number;
}

export interface SyncEntry extends SyncStat {
  name: string;
}

const FILE_MODE = 0o100644;
const DIR_MODE = 0o40755;
/** Every served file has this mtime (2024-01-01T00:00:00Z) so runs are reproducible. */
const FIXED_MTIME = 1_704_067_200;

/** Commands that hold the APK list the phone would know about, most complete first. */
const PM_LIST_PREFIX = 'pm list packages';

export class DeviceProfile {
  readonly name: string;
  readonly description: string;
  readonly serial: string;
  readonly state: DeviceState;
  readonly banner: DeviceBanner;
  readonly dir?: string;
  private readonly shellOutputs: Map<string, Buffer>;
  private readonly normalizedShell: Map<string, Buffer>;
  /** keyed by the command's words joined by one space, so spacing does not matter */
  private readonly faults: Map<string, ShellFault>;
  private readonly files: Map<string, ServedFile>;
  private readonly generatedSpecs: Map<string, GeneratedFileSpec>;
  /** directory → names of its direct children */
  private readonly dirs: Map<string, Set<string>>;
  private apkPathsCache?: Map<string, string[]>;
  private packageBlocksCache?: Map<string, string>;
  /** How far the phone's clock runs ahead of the computer's, in ms */
  readonly clockOffsetMs: number;
  /** The phone's own costs and its shared flash and USB; undefined = everything instant */
  readonly costs: PhoneCosts | undefined;

  constructor(data: DeviceProfileData) {
    this.clockOffsetMs = Math.round((data.clock?.offsetSeconds ?? 0) * 1000);
    this.name = data.name;
    this.description = data.description;
    this.serial = data.serial;
    this.state = data.state;
    this.banner = { ...data.banner };
    if (data.dir !== undefined) this.dir = data.dir;
    this.shellOutputs = new Map();
    this.normalizedShell = new Map();
    for (const [cmd, out] of Object.entries(data.shell)) {
      const buf = Buffer.isBuffer(out) ? Buffer.from(out) : Buffer.from(out, 'utf8');
      this.shellOutputs.set(cmd, buf);
      this.normalizedShell.set(words(cmd).join(' '), buf);
    }
    this.faults = new Map(
      Object.entries(data.faults ?? {}).map(([cmd, f]) => [words(cmd).join(' '), { ...f }]),
    );
    const costs = resolveCosts(data.costs);
    this.costs = costs ? new PhoneCosts(costs) : undefined;
    this.files = new Map();
    this.generatedSpecs = new Map();
    this.dirs = new Map([['/', new Set()]]);
    const served: [string, ServedFile, GeneratedFileSpec?][] = [
      ...Object.entries(data.files).map(([path, content]): [string, ServedFile] => [
        path,
        bufferFile(Buffer.from(content)),
      ]),
      ...Object.entries(data.generated ?? {}).map(
        ([path, spec]): [string, ServedFile, GeneratedFileSpec] => [
          path,
          generatedFile(path, spec),
          spec,
        ],
      ),
    ];
    for (const [path, file, spec] of served) {
      const p = normalizePath(path);
      if (p === undefined || p === '/') {
        throw new Error(`profile ${data.name}: served file path must be absolute: ${path}`);
      }
      this.files.set(p, file);
      if (spec) this.generatedSpecs.set(p, spec);
      else this.generatedSpecs.delete(p);
      let child = p;
      while (child !== '/') {
        const parent = posix.dirname(child);
        const names = this.dirs.get(parent) ?? new Set<string>();
        names.add(posix.basename(child));
        this.dirs.set(parent, names);
        child = parent;
      }
    }
  }

  /** What a real adbd puts in its CNXN banner. Only `cmd`: see notes/device-access.md. */
  bannerString(): string {
    const b = this.banner;
    return (
      `device::ro.product.name=${bannerValue(b.product)};ro.product.model=${bannerValue(b.model)};` +
      `ro.product.device=${bannerValue(b.device)};features=cmd`
    );
  }

  /** Output of `shell:<cmd>`: stdout and stderr merged, as adb's raw shell service gives it. */
  shell(cmd: string): Buffer {
    const exact = this.shellOutputs.get(cmd) ?? this.normalizedShell.get(words(cmd).join(' '));
    if (exact) return exact;
    return Buffer.from(this.dynamicShell(words(cmd)), 'utf8');
  }

  /** How the answer to `cmd` misbehaves, if the profile says it does. */
  shellFault(cmd: string): ShellFault | undefined {
    const f = this.faults.get(words(cmd).join(' '));
    return f ? { ...f } : undefined;
  }

  /** Commands whose answers misbehave, with how. */
  shellFaults(): [string, ShellFault][] {
    return [...this.faults].map(([cmd, f]) => [cmd, { ...f }]);
  }

  /** Served file content, or undefined when the phone has no such file. Reads it all: see openFile. */
  readFile(path: string): Buffer | undefined {
    const file = this.openFile(path);
    return file ? file.read(0, file.size) : undefined;
  }

  /** A served file for reading piece by piece (generated files never sit in memory whole). */
  openFile(path: string): ServedFile | undefined {
    const p = normalizePath(path);
    return p === undefined ? undefined : this.files.get(p);
  }

  /**
   * Output of `shell:<cmd>` as the servers send it: the same bytes as shell(), after the phone's
   * own work for it (flash reads for sha256sum, system_server time for dumpsys package) and the
   * trip of the output over USB, when the profile has costs. Generated APKs are hashed without
   * blocking the simulator.
   */
  async answer(cmd: string): Promise<Buffer> {
    const argv = words(cmd);
    const hashing =
      argv[0] === 'sha256sum' &&
      !this.shellOutputs.has(cmd) &&
      !this.normalizedShell.has(argv.join(' '));
    const costs = this.costs;
    if (hashing) {
      const paths = argv.slice(1);
      const work = costs?.readFlash(
        paths.reduce((n, path) => n + (this.openFile(path)?.size ?? 0), 0),
      );
      const hashes = new Map<string, string>();
      for (const path of paths) {
        const p = normalizePath(path);
        const spec = p === undefined ? undefined : this.generatedSpecs.get(p);
        if (p !== undefined && spec) hashes.set(p, await generatedSha256(p, spec));
      }
      await work;
      const out = Buffer.from(this.sha256sum(paths, hashes), 'utf8');
      await costs?.sendOutput(out.length);
      return out;
    }
    const out = this.shell(cmd);
    if (costs) {
      const ms = this.systemServerMs(argv);
      if (ms > 0) await sleep(ms);
      await costs.sendOutput(out.length);
    }
    return out;
  }

  /** system_server time of a dumpsys package call (ms); 0 for everything else. */
  private systemServerMs(argv: string[]): number {
    const c = this.costs?.costs;
    if (!c || argv[0] !== 'dumpsys' || argv[1] !== 'package') return 0;
    if (argv.length === 2 || (argv.length === 3 && argv[2] === 'packages')) {
      return c.dumpsysPackageMsPerPackage * this.apkPaths().size;
    }
    return argv.length === 3 ? c.dumpsysOnePackageMs : 0;
  }

  /** undefined = no such file or directory (sync STAT then answers mode 0). */
  stat(path: string): SyncStat | undefined {
    const p = normalizePath(path);
    if (p === undefined) return undefined;
    const file = this.files.get(p);
    if (file) return { mode: FILE_MODE, size: file.size, mtime: FIXED_MTIME };
    if (this.dirs.has(p)) return { mode: DIR_MODE, size: 4096, mtime: FIXED_MTIME };
    return undefined;
  }

  /** Directory entries including `.` and `..` like readdir(3); undefined when not a directory. */
  list(path: string): SyncEntry[] | undefined {
    const p = normalizePath(path);
    if (p === undefined) return undefined;
    const names = this.dirs.get(p);
    if (!names) return undefined;
    const dir = { mode: DIR_MODE, size: 4096, mtime: FIXED_MTIME };
    const out: SyncEntry[] = [
      { name: '.', ...dir },
      { name: '..', ...dir },
    ];
    for (const name of [...names].sort()) {
      const st = this.stat(posix.join(p, name));
      if (st) out.push({ name, ...st });
    }
    return out;
  }

  /** Every package's APK paths as the profile's `pm list packages -f` output names them. */
  apkPaths(): Map<string, string[]> {
    if (this.apkPathsCache) return this.apkPathsCache;
    const merged = new Map<string, string[]>();
    for (const [cmd, out] of this.shellOutputs) {
      if (!cmd.startsWith(PM_LIST_PREFIX) || !words(cmd).includes('-f')) continue;
      for (const [pkg, paths] of apkPathsFromPmList(out.toString('utf8'))) {
        const list = merged.get(pkg) ?? [];
        for (const p of paths) if (!list.includes(p)) list.push(p);
        merged.set(pkg, list);
      }
    }
    this.apkPathsCache = merged;
    return merged;
  }

  private dynamicShell(argv: string[]): string {
    const [prog, ...args] = argv;
    if (prog === undefined) return '';
    if (prog === 'sha256sum') return this.sha256sum(args);
    if (prog === 'date') return this.date(args);
    // `getprop KEY`, as trainers type it into `adb shell`: the value alone, or an empty line
    if (prog === 'getprop' && args.length === 1) return `${this.getprop(args[0]!)}\n`;
    if (prog === 'pm' && args[0] === 'path' && args.length === 2) return this.pmPath(args[1]!);
    if (prog === 'dumpsys' && args.length >= 1) {
      if (args[0] === 'package' && args.length === 2 && args[1]!.includes('.')) {
        return this.dumpsysPackage(args[1]!);
      }
      return `Can't find service: ${args[0]}\n`;
    }
    return `/system/bin/sh: ${prog}: inaccessible or not found\n`;
  }

  /** The phone's clock now: the computer's plus the profile's offset (so it moves). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /**
   * toybox `date`: `date` or `date +FORMAT` prints the clock in the phone's zone
   * (persist.sys.timezone). Given a date to set, a phone's shell user may not: the simulator
   * says so and changes nothing (spycheck's allowlist never sends it).
   */
  private date(args: string[]): string {
    const zone = this.getprop('persist.sys.timezone') || 'UTC';
    const now = this.now();
    if (args.length === 0) return `${formatDate('%a %b %e %H:%M:%S %Z %Y', now, zone)}\n`;
    if (args.length === 1 && args[0]!.startsWith('+'))
      return `${formatDate(args[0]!.slice(1), now, zone)}\n`;
    return 'date: cannot set date: Operation not permitted\n';
  }

  private getprop(key: string): string {
    const all = this.shellOutputs.get('getprop')?.toString('utf8') ?? '';
    for (const line of all.split('\n')) {
      const m = /^\[([^\]]*)\]: \[(.*)\]\s*$/.exec(line);
      if (m && m[1] === key) return m[2] ?? '';
    }
    return '';
  }

  /** toybox sha256sum: `<lowercase hex>  <path>`, errors inline (stderr is merged). */
  private sha256sum(paths: string[], hashed = new Map<string, string>()): string {
    const known = new Set([...this.apkPaths().values()].flat());
    let out = '';
    for (const path of paths) {
      const p = normalizePath(path);
      const file = p === undefined ? undefined : this.files.get(p);
      const spec = p === undefined ? undefined : this.generatedSpecs.get(p);
      if (p !== undefined && file && spec) {
        out += `${hashed.get(p) ?? generatedSha256Sync(p, spec)}  ${path}\n`;
      } else if (file) out += `${sha256Hex(file.read(0, file.size))}  ${path}\n`;
      else if (known.has(path)) out += `${placeholderApkHash(path)}  ${path}\n`;
      else if (this.stat(path)) out += `sha256sum: ${path}: Is a directory\n`;
      else out += `sha256sum: ${path}: No such file or directory\n`;
    }
    return out;
  }

  /** `pm path`: base.apk first, then split APKs served beside it. Unknown package: no output. */
  private pmPath(pkg: string): string {
    const paths = [...(this.apkPaths().get(pkg) ?? [])];
    for (const base of [...paths]) {
      const dir = posix.dirname(base);
      for (const entry of this.list(dir) ?? []) {
        const p = posix.join(dir, entry.name);
        if (entry.name.endsWith('.apk') && !paths.includes(p)) paths.push(p);
      }
    }
    return paths.map((p) => `package:${p}\n`).join('');
  }

  private dumpsysPackage(pkg: string): string {
    if (!this.packageBlocksCache) {
      const all =
        this.shellOutputs.get('dumpsys package packages') ??
        this.shellOutputs.get('dumpsys package');
      this.packageBlocksCache = all ? packageBlockIndex(all.toString('utf8')) : new Map();
    }
    return this.packageBlocksCache.get(pkg) ?? `Unable to find package: ${pkg}\n`;
  }
}

/** Banner values are `key=value;` pairs after `::`; keep separators out of them. */
function bannerValue(v: string): string {
  return v.replace(/[:;=\s\0]/g, '_');
}

/** Absolute, `..`-resolved path without a trailing slash; undefined when not absolute. */
export function normalizePath(path: string): string | undefined {
  if (!path.startsWith('/') || path.includes('\0')) return undefined;
  const p = posix.normalize(path);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
