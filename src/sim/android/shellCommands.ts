/**
 * Pure helpers that compute shell output the way a real phone would, from the
 * profile's other outputs and served files. No I/O.
 */
import { createHash } from 'node:crypto';
import { zoneOffsetMinutes } from '../zone.js';

/**
 * APK paths by package from `pm list packages -f …` output. Lines look like
 * `package:/data/app/~~Q1w2==/com.x-Z9==/base.apk=com.x installer=… uid:10234`;
 * the path itself may hold `=`, the package name never does, so split at the last one.
 */
export function apkPathsFromPmList(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const first = line.trim().split(/\s+/)[0] ?? '';
    if (!first.startsWith('package:/')) continue;
    const spec = first.slice('package:'.length);
    const eq = spec.lastIndexOf('=');
    if (eq <= 0) continue;
    const path = spec.slice(0, eq);
    const pkg = spec.slice(eq + 1);
    if (!pkg) continue;
    const list = out.get(pkg) ?? [];
    if (!list.includes(path)) list.push(path);
    out.set(pkg, list);
  }
  return out;
}

/** Stand-in hash for an APK the phone lists but the profile does not serve: stable across runs. */
export function placeholderApkHash(path: string): string {
  return createHash('sha256').update(`spycheck-sim:${path}`).digest('hex');
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Cut one package's `Package [pkg] (…):` block (up to the next line indented by
 * two spaces or less) out of every section of `dumpsys package` output, keeping
 * each section header it appeared under, as `dumpsys package <pkg>` prints it.
 */
export function packageBlocks(dumpsys: string, pkg: string): string {
  const lines = dumpsys.split('\n');
  const out: string[] = [];
  let section = '';
  let inBlock = false;
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const blank = line.trim() === '';
    if (inBlock && !blank && indent <= 2) inBlock = false;
    if (!inBlock && !blank && indent === 0) {
      section = line;
      continue;
    }
    if (!inBlock && indent === 2 && line.trimStart().startsWith(`Package [${pkg}]`)) {
      if (out.length > 0) out.push('');
      if (section) out.push(section);
      inBlock = true;
    }
    if (inBlock && !blank) out.push(line);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}

/**
 * packageBlocks() for every package at once: package → what `dumpsys package <pkg>` prints.
 * One pass over the dump, so a phone asked about each of its 1,000 apps in turn does not cut
 * the whole dump 1,000 times.
 */
export function packageBlockIndex(dumpsys: string): Map<string, string> {
  const blocks = new Map<string, string[]>();
  let section = '';
  let current: string[] | undefined;
  for (const line of dumpsys.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const blank = line.trim() === '';
    if (current && !blank && indent <= 2) current = undefined;
    if (!current && !blank && indent === 0) {
      section = line;
      continue;
    }
    const pkg = !current && indent === 2 ? /^ {2}Package \[([^\]]+)\]/.exec(line)?.[1] : undefined;
    if (pkg !== undefined) {
      const out = blocks.get(pkg) ?? [];
      if (out.length > 0) out.push('');
      if (section) out.push(section);
      blocks.set(pkg, out);
      current = out;
    }
    if (current && !blank) current.push(line);
  }
  return new Map([...blocks].map(([pkg, lines]) => [pkg, `${lines.join('\n')}\n`]));
}

/** The arguments of a simple command line: whitespace separated, no quoting (the sim has no shell). */
export function words(cmd: string): string[] {
  return cmd.trim().split(/\s+/).filter(Boolean);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * toybox `date +FORMAT` at `ms` in `zone`: the strftime escapes a phone's date prints, plus
 * toybox's %N (nanoseconds; %3N its first digits) and %:z. Any other escape prints its letter,
 * as bionic's strftime does.
 */
export function formatDate(format: string, ms: number, zone: string): string {
  const offset = zoneOffsetMinutes(ms, zone);
  const d = new Date(ms + offset * 60_000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const z = (colon: boolean) => {
    const a = Math.abs(offset);
    return `${offset < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}${colon ? ':' : ''}${p2(a % 60)}`;
  };
  const nanos = `${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}000000`;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%' || i + 1 >= format.length) {
      out += ch;
      continue;
    }
    const c = format[++i]!;
    if (/[1-9]/.test(c) && format[i + 1] === 'N') {
      out += nanos.slice(0, Number(c));
      i++;
      continue;
    }
    if (c === ':' && format[i + 1] === 'z') {
      out += z(true);
      i++;
      continue;
    }
    switch (c) {
      case 's':
        out += String(Math.floor(ms / 1000));
        break;
      case 'N':
        out += nanos;
        break;
      case 'z':
        out += z(false);
        break;
      case 'Z':
        out += offset === 0 ? 'UTC' : `GMT${z(true)}`;
        break;
      case 'Y':
        out += String(d.getUTCFullYear());
        break;
      case 'm':
        out += p2(d.getUTCMonth() + 1);
        break;
      case 'd':
        out += p2(d.getUTCDate());
        break;
      case 'e':
        out += String(d.getUTCDate()).padStart(2, ' ');
        break;
      case 'H':
        out += p2(d.getUTCHours());
        break;
      case 'M':
        out += p2(d.getUTCMinutes());
        break;
      case 'S':
        out += p2(d.getUTCSeconds());
        break;
      case 'a':
        out += DAYS[d.getUTCDay()];
        break;
      case 'b':
        out += MONTHS[d.getUTCMonth()];
        break;
      case 'F':
        out += `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
        break;
      case 'T':
        out += `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      default:
        // %% is a percent sign; bionic prints any escape it does not know as its letter
        out += c;
    }
  }
  return out;
}
