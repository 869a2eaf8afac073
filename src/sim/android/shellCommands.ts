/**
 * Pure helpers that compute shell output the way a real phone would, from the
 * profile's other outputs and served files. No I/O.
 */
import { createHash } from 'node:crypto';

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

/** The arguments of a simple command line: whitespace separated, no quoting (the sim has no shell). */
export function words(cmd: string): string[] {
  return cmd.trim().split(/\s+/).filter(Boolean);
}
