import type { ParseResult } from '../../model/parse.js';
import type { PermissionGrant } from '../../model/snapshot.js';
import { detectShellError } from './shellError.js';
import { indentOf, isPackageName, quote, splitLines } from './text.js';

export { phoneLocalTimeToUtc } from './phoneTime.js';

export const PARSER = { id: 'android.dumpsysPackage', version: 2 } as const;

/** `enabled=` of a user state, as PackageManager.COMPONENT_ENABLED_STATE_* */
export type EnabledState =
  | 'default'
  | 'enabled'
  | 'disabled'
  | 'disabled-user'
  | 'disabled-until-used';

const ENABLED_STATES: readonly EnabledState[] = [
  'default',
  'enabled',
  'disabled',
  'disabled-user',
  'disabled-until-used',
];

export interface DumpsysUserState {
  userId: number;
  installed?: boolean;
  hidden?: boolean;
  suspended?: boolean;
  stopped?: boolean;
  /** raw `enabled=` number (0 default, 1 enabled, 2 disabled, 3 disabled-user, 4 until used) */
  enabled?: number;
  enabledState?: EnabledState;
  /** Android 13+: per-user first install time, phone-local raw text */
  firstInstallTime?: string;
  /** Who disabled it, when the phone records it */
  lastDisabledCaller?: string;
  runtimePermissions: PermissionGrant[];
}

export interface DumpsysPackage {
  id: string;
  /** The app's uid (`userId=` up to Android 12, `appId=` later) */
  userId?: number;
  versionCode?: number;
  minSdk?: number;
  targetSdk?: number;
  versionName?: string;
  /** codePath as printed: a directory (Android 5+) or an .apk file */
  codePath?: string;
  /** base APK path derived from codePath */
  apkPaths: string[];
  /** union of `pkgFlags=[…]` and `flags=[…]` */
  pkgFlags: string[];
  /** union of `privatePkgFlags=[…]` and `privateFlags=[…]` */
  privateFlags: string[];
  /** phone-local raw text, e.g. "2024-03-02 14:05:11"; convert with phoneLocalTimeToUtc */
  timeStamp?: string;
  firstInstallTime?: string;
  lastUpdateTime?: string;
  installerPackageName?: string;
  installInitiatingPackageName?: string;
  installOriginatingPackageName?: string;
  /**
   * Android 14+: how the install reached the phone, as the installer declared
   * it (0 unspecified, 1 other, 2 store, 3 local file, 4 downloaded file).
   */
  packageSource?: number;
  requestedPermissions: string[];
  installPermissions: PermissionGrant[];
  /** State for user 0 (the main user) when printed */
  user0?: DumpsysUserState;
  /** Every user state printed, user 0 included */
  users: DumpsysUserState[];
  /** SYSTEM flag set */
  system: boolean;
  /** UPDATED_SYSTEM_APP flag, or listed under "Hidden system packages:" */
  updatedSystem: boolean;
  /** codePath of the original (hidden) system copy, for updated system apps */
  systemCodePath?: string;
}

export interface DumpsysPackages {
  packages: DumpsysPackage[];
  /** Packages listed under "Hidden system packages:" (system copies replaced by an update) */
  hiddenSystemPackages: string[];
}

type Section = 'none' | 'packages' | 'hidden' | 'other';
type ListCtx = 'none' | 'requested' | 'install' | 'user' | 'runtime' | 'ignore' | 'user-ignore';

const HEADER = /^Package \[([^\]]*)\] \(([^)]*)\):\s*$/;
const USER_LINE = /^User (\d+):\s*(.*)$/;
const GRANT = /^([^\s:]+): granted=(true|false)(.*)$/;
const FLAGS = /flags=\[\s*([^\]]*?)\s*\]/;
const MAX_WARNINGS = 50;

function newPackage(id: string): DumpsysPackage {
  return {
    id,
    apkPaths: [],
    pkgFlags: [],
    privateFlags: [],
    requestedPermissions: [],
    installPermissions: [],
    users: [],
    system: false,
    updatedSystem: false,
  };
}

/** "[ A B C ]" → ["A","B","C"] */
function bracketList(value: string): string[] | undefined {
  const v = value.trim();
  if (!v.startsWith('[') || !v.endsWith(']')) return undefined;
  return v
    .slice(1, -1)
    .split(/[\s,]+/)
    .filter((s) => s !== '');
}

function addAll(into: string[], items: readonly string[]): void {
  for (const i of items) if (!into.includes(i)) into.push(i);
}

/** `key=value key=value …` tokens (values without spaces). */
function tokens(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const tok of text.split(/\s+/)) {
    const eq = tok.indexOf('=');
    if (eq > 0) out.set(tok.slice(0, eq), tok.slice(eq + 1));
  }
  return out;
}

function bool(v: string | undefined): boolean | undefined {
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

function pkgOrUndefined(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().split(/\s+/)[0] ?? '';
  return t === '' || t === 'null' ? undefined : t;
}

function grant(line: string): PermissionGrant | undefined {
  const m = GRANT.exec(line);
  if (!m) return undefined;
  const g: PermissionGrant = { name: m[1]!, granted: m[2] === 'true' };
  const f = FLAGS.exec(m[3]!);
  if (f && f[1]!.trim() !== '') g.flags = f[1]!.trim();
  return g;
}

/** Base APK for a codePath: a directory holds base.apk; old phones point at the file. */
function apkPathsFor(codePath: string): string[] {
  if (codePath === '' || codePath === 'null') return [];
  if (codePath.endsWith('.apk')) return [codePath];
  return [`${codePath.replace(/\/+$/, '')}/base.apk`];
}

/**
 * `dumpsys package packages` (or the full `dumpsys package`): every
 * package's versions, install times, installer, flags and permissions.
 * One pass over the lines; indentation is measured from each
 * `Package [..]` header so vendor prefixes do not matter.
 */
export function parseDumpsysPackage(text: string): ParseResult<DumpsysPackages> {
  const parsed: DumpsysPackages = { packages: [], hiddenSystemPackages: [] };
  const warnings: string[] = [];
  let warnCount = 0;
  const warn = (msg: string) => {
    warnCount++;
    if (warnCount <= MAX_WARNINGS) warnings.push(msg);
  };
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read the app details: ${err}`] };

  const byId = new Map<string, DumpsysPackage>();
  const hidden = new Map<string, string | undefined>();
  let section: Section = 'none';
  let cur: DumpsysPackage | undefined;
  let curHidden: { id: string; codePath?: string } | undefined;
  let skipping = false;
  let base = 2;
  let ctx: ListCtx = 'none';
  let user: DumpsysUserState | undefined;
  let sawPackagesHeader = false;
  let sawTimeout = false;
  let lastSection = '';

  const closeBlock = () => {
    if (curHidden) hidden.set(curHidden.id, curHidden.codePath);
    cur = undefined;
    curHidden = undefined;
    user = undefined;
    ctx = 'none';
    skipping = false;
  };

  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length === 0) continue;
    const ind = indentOf(line);
    if (ind === line.length) continue;
    const body = ind === 0 ? line : line.slice(ind);

    if (body.startsWith('*** SERVICE') && body.includes('TIMEOUT')) sawTimeout = true;

    if (ind === 0) {
      // Only a header line ("Something:") starts a section. Other text at
      // column 0 (a value with a newline in it, garbage) must not hide the
      // blocks after it.
      if (!/^[A-Za-z][^\n]{0,80}:$/.test(body)) {
        if (section === 'packages' || section === 'hidden') {
          warn(`Unexpected text in the app details: ${quote(body)}`);
        }
        continue;
      }
      closeBlock();
      lastSection = body;
      if (body === 'Packages:') {
        section = 'packages';
        sawPackagesHeader = true;
      } else if (body === 'Hidden system packages:') section = 'hidden';
      else section = 'other';
      continue;
    }

    if (body.startsWith('Package [')) {
      if (section === 'other') {
        if (ind !== 2) continue;
        // Package blocks only live under "Packages:": a header that appeared
        // in between is more likely injected text than a real section.
        warn(`App details continue after an unexpected heading ${quote(lastSection)}`);
        section = 'packages';
      }
      closeBlock();
      if (section === 'none') section = 'packages';
      const m = HEADER.exec(body);
      const id = m?.[1];
      if (!m || id === undefined || !isPackageName(id)) {
        warn(`Could not read the package header ${quote(body)}`);
        skipping = true;
        continue;
      }
      base = ind;
      if (section === 'hidden') {
        curHidden = { id };
        continue;
      }
      if (byId.has(id)) {
        warn(`Package ${id} is listed twice; kept the first entry`);
        skipping = true;
        continue;
      }
      cur = newPackage(id);
      byId.set(id, cur);
      parsed.packages.push(cur);
      continue;
    }

    if (section === 'other' || section === 'none' || skipping) continue;

    if (curHidden) {
      if (ind === base + 2 && body.startsWith('codePath='))
        curHidden.codePath = body.slice(9).trim();
      continue;
    }
    if (!cur) continue;
    if (ind <= base) {
      // Something at block level that is not a package header: vendor text.
      continue;
    }

    const depth = ind - base;
    // ctx is changed inside the helper functions below; read it afresh.
    const here = ctx as ListCtx;
    if (depth <= 2) {
      user = undefined;
      ctx = 'none';
      readField(cur, body);
      continue;
    }
    if (depth <= 4) {
      if (here === 'requested') {
        const name = body.split(':', 1)[0]!.trim();
        if (name !== '' && !cur.requestedPermissions.includes(name))
          cur.requestedPermissions.push(name);
      } else if (here === 'install') {
        // Lines for other users carry ", userId=N"; user 0's are plain.
        if (/,\s*userId=\d+/.test(body)) continue;
        const g = grant(body);
        if (g) cur.installPermissions.push(g);
        else warn(`Could not read an install permission of ${cur.id}: ${quote(body)}`);
      } else if (here === 'user' || here === 'runtime' || here === 'user-ignore') {
        readUserSubline(body);
      } else if (here === 'none') {
        // Some vendors print user state fields one level deeper; read as field.
        readField(cur, body);
      }
      continue;
    }
    // depth ≥ 6: runtime permissions under a user, or nested vendor detail.
    if (here === 'runtime' && user) {
      const g = grant(body);
      if (g) user.runtimePermissions.push(g);
      else warn(`Could not read a runtime permission of ${cur.id}: ${quote(body)}`);
    } else if (here === 'requested' || here === 'install') {
      // Continuation of a list printed one level deeper (seen on some vendors).
      if (here === 'requested') {
        const name = body.split(':', 1)[0]!.trim();
        if (name !== '' && !cur.requestedPermissions.includes(name))
          cur.requestedPermissions.push(name);
      }
    }
  }
  closeBlock();

  function readUserSubline(body: string): void {
    if (!user) return;
    if (body === 'runtime permissions:') {
      ctx = 'runtime';
      return;
    }
    ctx = 'user';
    if (body.startsWith('firstInstallTime=')) user.firstInstallTime = body.slice(17).trim();
    else if (body.startsWith('lastDisabledCaller:'))
      user.lastDisabledCaller = body.slice(19).trim() || undefined;
    else if (body.endsWith(':')) ctx = 'user-ignore';
  }

  function readField(pkg: DumpsysPackage, body: string): void {
    const um = USER_LINE.exec(body);
    if (um) {
      const t = tokens(um[2]!);
      const state: DumpsysUserState = { userId: Number(um[1]), runtimePermissions: [] };
      const inst = bool(t.get('installed'));
      if (inst !== undefined) state.installed = inst;
      const hid = bool(t.get('hidden'));
      if (hid !== undefined) state.hidden = hid;
      const sus = bool(t.get('suspended'));
      if (sus !== undefined) state.suspended = sus;
      const stop = bool(t.get('stopped'));
      if (stop !== undefined) state.stopped = stop;
      const en = int(t.get('enabled'));
      if (en !== undefined) {
        state.enabled = en;
        const s = ENABLED_STATES[en];
        if (s) state.enabledState = s;
        else warn(`Unknown enabled state ${en} for ${pkg.id}`);
      }
      pkg.users.push(state);
      if (state.userId === 0 && !pkg.user0) pkg.user0 = state;
      user = state;
      ctx = 'user';
      return;
    }
    if (body === 'requested permissions:') {
      ctx = 'requested';
      return;
    }
    if (body === 'install permissions:') {
      ctx = 'install';
      return;
    }
    if (body === 'runtime permissions:') {
      // Very old layout: runtime permissions at package level belong to user 0.
      if (!pkg.user0) {
        pkg.user0 = { userId: 0, runtimePermissions: [] };
        pkg.users.push(pkg.user0);
      }
      user = pkg.user0;
      ctx = 'runtime';
      return;
    }
    if (body.endsWith(':')) {
      ctx = 'ignore';
      return;
    }
    const eq = body.indexOf('=');
    if (eq <= 0) return;
    const key = body.slice(0, eq);
    const value = body.slice(eq + 1);
    switch (key) {
      case 'userId':
      case 'appId': {
        const n = int(value.trim());
        if (n !== undefined) pkg.userId ??= n;
        else warn(`Could not read the uid of ${pkg.id}: ${quote(value)}`);
        break;
      }
      case 'versionCode': {
        const t = tokens(body);
        const vc = int(t.get('versionCode'));
        if (vc !== undefined) pkg.versionCode = vc;
        else warn(`Could not read the version code of ${pkg.id}: ${quote(value)}`);
        const min = int(t.get('minSdk'));
        if (min !== undefined) pkg.minSdk = min;
        const target = int(t.get('targetSdk'));
        if (target !== undefined) pkg.targetSdk = target;
        break;
      }
      case 'versionName':
        pkg.versionName = value.trim();
        break;
      case 'codePath':
        pkg.codePath = value.trim();
        pkg.apkPaths = apkPathsFor(pkg.codePath);
        break;
      case 'pkgFlags':
      case 'flags': {
        const l = bracketList(value);
        if (l) addAll(pkg.pkgFlags, l);
        break;
      }
      case 'privatePkgFlags':
      case 'privateFlags': {
        const l = bracketList(value);
        if (l) addAll(pkg.privateFlags, l);
        break;
      }
      case 'timeStamp':
        pkg.timeStamp = value.trim();
        break;
      case 'firstInstallTime':
        pkg.firstInstallTime = value.trim();
        break;
      case 'lastUpdateTime':
        pkg.lastUpdateTime = value.trim();
        break;
      case 'installerPackageName':
        setInstallFields(pkg, body);
        break;
      case 'installInitiatingPackageName':
      case 'installOriginatingPackageName':
      case 'initiatingPackageName':
      case 'originatingPackageName':
      case 'packageSource':
        setInstallFields(pkg, body);
        break;
    }
  }

  /** Install source fields; some builds print several on one line. */
  function setInstallFields(pkg: DumpsysPackage, body: string): void {
    const t = tokens(body);
    const a = pkgOrUndefined(t.get('installerPackageName'));
    if (a !== undefined) pkg.installerPackageName = a;
    // Package blocks print initiatingPackageName= (Android 11+); install
    // sessions and some builds print installInitiatingPackageName=.
    const b = pkgOrUndefined(
      t.get('initiatingPackageName') ?? t.get('installInitiatingPackageName'),
    );
    if (b !== undefined) pkg.installInitiatingPackageName = b;
    const c = pkgOrUndefined(
      t.get('originatingPackageName') ?? t.get('installOriginatingPackageName'),
    );
    if (c !== undefined) pkg.installOriginatingPackageName = c;
    const src = t.get('packageSource');
    if (src !== undefined && /^[0-4]$/.test(src.trim())) pkg.packageSource = Number(src.trim());
  }

  for (const pkg of parsed.packages) {
    pkg.system = pkg.pkgFlags.includes('SYSTEM');
    pkg.updatedSystem = pkg.pkgFlags.includes('UPDATED_SYSTEM_APP') || hidden.has(pkg.id);
    const sysPath = hidden.get(pkg.id);
    if (sysPath) pkg.systemCodePath = sysPath;
    if (hidden.has(pkg.id)) pkg.system = true;
  }
  parsed.hiddenSystemPackages = [...hidden.keys()];

  if (!sawPackagesHeader && parsed.packages.length === 0) {
    warn('No "Packages:" section found in the app details');
  }
  const last = parsed.packages[parsed.packages.length - 1];
  const endsCleanly = text.endsWith('\n');
  if (last && (!endsCleanly || (last.codePath === undefined && parsed.packages.length > 1))) {
    warn(`The details of ${last.id} look cut short (output may be truncated)`);
  } else if (last && lastSection === 'Packages:' && !last.user0 && parsed.packages.length > 1) {
    // every installed package prints a "User 0:" line; the last block ending before it was cut
    warn(`The details of ${last.id} look cut short (no user state)`);
  }
  if (sawTimeout) warn('The phone stopped the app-details dump early (dumpsys timeout)');
  if (warnCount > MAX_WARNINGS) warnings.push(`… and ${warnCount - MAX_WARNINGS} more warnings`);
  return { parsed, warnings };
}
