/**
 * One simulated Android phone: answers shell commands and file requests from
 * its profile, the way a real phone would. Shared by the fake adb server and
 * the fake adbd. It only ever reads: nothing here can change the profile.
 */
import { posix } from 'node:path';
import {
  apkPathsFromPmList,
  formatDate,
  packageBlocks,
  placeholderApkHash,
  sha256Hex,
  words,
} from './shellCommands.js';
import type { ShellFault } from './shellFaults.js';

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
  private readonly files: Map<string, Buffer>;
  /** directory → names of its direct children */
  private readonly dirs: Map<string, Set<string>>;
  private apkPathsCache?: Map<string, string[]>;
  /** How far the phone's clock runs ahead of the computer's, in ms */
  readonly clockOffsetMs: number;

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
    this.files = new Map();
    this.dirs = new Map([['/', new Set()]]);
    for (const [path, content] of Object.entries(data.files)) {
      const p = normalizePath(path);
      if (p === undefined || p === '/') {
        throw new Error(`profile ${data.name}: served file path must be absolute: ${path}`);
      }
      this.files.set(p, Buffer.from(content));
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

  /** Served file content, or undefined when the phone has no such file. */
  readFile(path: string): Buffer | undefined {
    const p = normalizePath(path);
    return p === undefined ? undefined : this.files.get(p);
  }

  /** undefined = no such file or directory (sync STAT then answers mode 0). */
  stat(path: string): SyncStat | undefined {
    const p = normalizePath(path);
    if (p === undefined) return undefined;
    const file = this.files.get(p);
    if (file) return { mode: FILE_MODE, size: file.length, mtime: FIXED_MTIME };
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
  private sha256sum(paths: string[]): string {
    const known = new Set([...this.apkPaths().values()].flat());
    let out = '';
    for (const path of paths) {
      const file = this.readFile(path);
      if (file) out += `${sha256Hex(file)}  ${path}\n`;
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
    const all =
      this.shellOutputs.get('dumpsys package packages') ?? this.shellOutputs.get('dumpsys package');
    if (!all) return `Unable to find package: ${pkg}\n`;
    return packageBlocks(all.toString('utf8'), pkg) || `Unable to find package: ${pkg}\n`;
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
