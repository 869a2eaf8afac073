import type { ParseResult } from '../../model/parse.js';
import type { AppOpsQuery } from './appops.js';
import { detectShellError } from './shellError.js';
import { indentOf, isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.appopsDump', version: 2 } as const;

/** One op of one package, as the full dump prints it. */
export interface AppOpEntry {
  op: string;
  /** the package's own mode: allow, ignore, deny, default, foreground */
  mode: string;
  /** the op whose mode decides this one ("/ switch COARSE_LOCATION=allow"), when printed */
  switchOp?: string;
  switchMode?: string;
  /** latest "Access:" time printed for any state, phone-local "YYYY-MM-DD HH:MM:SS.mmm" */
  lastAccess?: string;
  /** latest "Reject:" time printed, phone-local */
  lastReject?: string;
}

export interface AppOpsUid {
  /** as printed: "u0a192", "1000", "u10s1000" */
  uid: string;
  /** Android user the uid belongs to (0 = the main user); undefined for isolated uids */
  userId?: number;
  /** the uid without its user part (10192 for u0a192) */
  appId?: number;
  /** uid-wide modes ("      LEGACY_STORAGE: mode=allow"): they win over package modes */
  modes: Record<string, string>;
  packages: AppOpsPackage[];
}

export interface AppOpsPackage {
  id: string;
  ops: AppOpEntry[];
}

export interface AppOpsDump {
  uids: AppOpsUid[];
}

const UID = /^Uid (\S+):$/;
const PACKAGE = /^Package (\S+):$/;
// "GET_USAGE_STATS (allow):" / "FINE_LOCATION (allow / switch COARSE_LOCATION=allow): "
const OP = /^([A-Z][A-Z0-9_]*) \(([a-z]+)(?: \/ switch ([A-Z][A-Z0-9_]*)=([a-z]+))?\):$/;
const UID_MODE = /^([A-Z][A-Z0-9_]*): mode=([a-z]+)$/;
const OTHER_OP = /^[A-Za-z_][\w.:-]* \([^()]*\):\s*$/;
// "Access: [fg-s] 2024-05-01 10:00:00.123 (-3d2h…)" (Android 10 may leave out the space)
const EVENT = /^(Access|Reject): \[[^\]]*\]\s*(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)/;
const TIMEOUT = /^\*\*\* SERVICE '[^']*' DUMP TIMEOUT/;
const MAX_PACKAGES = 50_000;
const MAX_WARNINGS = 20;

/** Whether a step's text is the full `dumpsys appops` rather than a `query-op` list. */
export function isAppOpsDump(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*Current AppOps Service state:/m.test(head) || /^ {2}Uid \S+:\r?$/m.test(text);
}

function uidParts(raw: string): { userId?: number; appId?: number } {
  let m = /^(\d+)$/.exec(raw);
  if (m) return { userId: 0, appId: Number(m[1]) };
  m = /^u(\d+)a(\d+)$/.exec(raw);
  if (m) return { userId: Number(m[1]), appId: 10_000 + Number(m[2]) };
  m = /^u(\d+)s(\d+)$/.exec(raw);
  if (m) return { userId: Number(m[1]), appId: Number(m[2]) };
  return {};
}

/**
 * The full `dumpsys appops` (in androidqf's dumpsys.txt and in bugreports), Android 10–15:
 *
 *     Current AppOps Service state:
 *       Settings: …
 *       Uid u0a192:
 *         state=cch
 *           LEGACY_STORAGE: mode=allow
 *         Package com.example:
 *           GET_USAGE_STATS (allow):
 *               Access: [bg-s] 2024-05-01 10:00:00.123 (-3d2h10m)
 *           FINE_LOCATION (allow / switch COARSE_LOCATION=allow):
 *             null=[
 *               Access: [fg-s] 2024-05-01 10:00:00.123 (-3d2h10m) duration=+2s
 *             ]
 *
 * Android 11+ wraps the events in attribution tags (`null=[` … `]`), 12+ adds `capability=`
 * and `appWidgetVisible=` lines. Lines are recognised by their shape, not their indent.
 */
export function parseAppOpsDump(text: string): ParseResult<AppOpsDump> {
  const parsed: AppOpsDump = { uids: [] };
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(w);
  };
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read the app-op list: ${err}`] };
  let uid: AppOpsUid | undefined;
  let pkg: AppOpsPackage | undefined;
  let op: AppOpEntry | undefined;
  let packages = 0;
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') continue;
    if (TIMEOUT.test(t)) {
      warn('The phone stopped printing the app-op list before it finished');
      continue;
    }
    // a line at the outer indent that is not a uid ends the uid list ("User restrictions…")
    if (indentOf(line) <= 2 && !UID.test(t)) {
      uid = undefined;
      pkg = undefined;
      op = undefined;
      continue;
    }
    const u = UID.exec(t);
    if (u) {
      uid = { uid: u[1]!, ...uidParts(u[1]!), modes: {}, packages: [] };
      parsed.uids.push(uid);
      pkg = undefined;
      op = undefined;
      continue;
    }
    if (!uid) continue;
    const p = PACKAGE.exec(t);
    if (p) {
      op = undefined;
      if (!isPackageName(p[1]!)) {
        warn(`Unreadable app name in the app-op list: ${quote(p[1]!)}`);
        pkg = undefined;
        continue;
      }
      if (++packages > MAX_PACKAGES) {
        warn(`The app-op list names more than ${MAX_PACKAGES} apps; the rest were not read`);
        break;
      }
      pkg = { id: p[1]!, ops: [] };
      uid.packages.push(pkg);
      continue;
    }
    const um = UID_MODE.exec(t);
    if (um && !pkg) {
      uid.modes[um[1]!] = um[2]!;
      continue;
    }
    const o = OP.exec(t);
    if (o) {
      if (!pkg) continue;
      op = { op: o[1]!, mode: o[2]! };
      if (o[3]) {
        op.switchOp = o[3];
        op.switchMode = o[4]!;
      }
      pkg.ops.push(op);
      continue;
    }
    // an op line of a form not known here (a vendor op, AOSP's "deprecated"): its events
    // must not be credited to the op before it
    if (OTHER_OP.test(t)) {
      op = undefined;
      continue;
    }
    const ev = EVENT.exec(t);
    if (ev && op) {
      const key = ev[1] === 'Access' ? 'lastAccess' : 'lastReject';
      // same fixed-width format, so the text order is the time order
      if (!op[key] || ev[2]! > op[key]!) op[key] = ev[2]!;
    }
  }
  if (parsed.uids.length === 0) warn('The app-op list was not in the expected form');
  return { parsed, warnings };
}

/** What `cmd appops query-op --user N OP allow` would have answered, read from the full dump. */
export interface AppOpHolders extends AppOpsQuery {
  /** app ids (user N) allowed the op uid-wide where the dump names no package under the uid */
  appIds: number[];
  /** package → latest phone-local access time of the op, where printed */
  lastAccess: Record<string, string>;
}

export function appOpHolders(dump: AppOpsDump, op: string, userId = 0): AppOpHolders {
  const packages: string[] = [];
  const appIds: number[] = [];
  const lastAccess: Record<string, string> = {};
  const seen = new Set<string>();
  for (const u of dump.uids) {
    if (u.userId !== userId) continue;
    const uidMode = u.modes[op];
    if (u.packages.length === 0 && uidMode === 'allow' && u.appId !== undefined) {
      appIds.push(u.appId);
    }
    for (const p of u.packages) {
      const e = p.ops.find((x) => x.op === op);
      // package names start with a letter, so never "__proto__"
      if (e?.lastAccess && (!lastAccess[p.id] || e.lastAccess > lastAccess[p.id]!)) {
        lastAccess[p.id] = e.lastAccess;
      }
      // a uid-wide mode wins over the package's own; a switched op follows its switch
      const mode = uidMode ?? (e?.switchOp ? (u.modes[e.switchOp] ?? e.switchMode) : e?.mode);
      if (mode === 'allow' && !seen.has(p.id)) {
        seen.add(p.id);
        packages.push(p.id);
      }
    }
  }
  return { packages, supported: dump.uids.length > 0, appIds, lastAccess };
}
