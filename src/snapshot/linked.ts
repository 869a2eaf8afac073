/**
 * Devices and networks linked to an Android phone, from the steps that read them (issue 14):
 * paired and companion devices, VPN, private DNS, proxy, other users, keyboards, role holders
 * and the data each app sent. Pure; the assembler hands it its `use` (which records a refused
 * or missing step as that step's problem) and the settings tables it already read.
 */
import type { AndroidStepId } from '../model/androidCollection.js';
import type { CheckCause } from '../model/check.js';
import type { BytesSent, LinkedState } from '../model/linkedDevices.js';
import type { ParseResult } from '../model/parse.js';
import type { AndroidApp } from '../model/snapshot.js';
import { parseBluetoothManager } from '../parse/android/bluetooth.js';
import { parseCompanionDevices } from '../parse/android/companion.js';
import { parseConnectivityVpn } from '../parse/android/connectivity.js';
import {
  alwaysOnVpnOf,
  keyboardsOf,
  privateDnsOf,
  proxiesOf,
} from '../parse/android/linkedSettings.js';
import { parseNetstatsDetail } from '../parse/android/netstats.js';
import { parseRoles } from '../parse/android/roles.js';
import { parseUsers } from '../parse/android/users.js';

interface Problem {
  reason: string;
  cause?: CheckCause;
}

export interface LinkedInputs {
  use: <T>(step: AndroidStepId, parse: (t: string) => ParseResult<T>) => T | undefined;
  /** settings tables, or undefined when that table was not read */
  secure?: Record<string, string>;
  global?: Record<string, string>;
  apps: readonly AndroidApp[];
  /** a step answered, but not with what this check needs */
  stepProblem: (step: AndroidStepId, p: Problem) => void;
  /** a check ran only in part for a reason of its own */
  checkNote: (check: string, p: Problem) => void;
  warn: (w: string) => void;
}

/** Apps by data sent: how many are kept in the snapshot. */
export const TOP_SENDERS_KEPT = 50;

const UNSUPPORTED: Problem = {
  reason: 'this phone cannot answer this question (some phones, often older ones, do not have it)',
  cause: 'unsupported',
};

export function readLinked(x: LinkedInputs): LinkedState {
  const out: LinkedState = {};
  // one app per uid (user 0: the uid is the app id); shared uids (system) name no single app
  const byUid = new Map<number, string | null>();
  for (const a of x.apps) {
    if (a.uid === undefined) continue;
    byUid.set(a.uid, byUid.has(a.uid) ? null : a.id);
  }
  const appOfUid = (uid: number) => byUid.get(uid % 100_000) ?? undefined;

  const bt = x.use('bluetooth', parseBluetoothManager);
  if (bt) {
    if (bt.listed) out.pairedDevices = bt.devices;
    else if (bt.off) {
      out.bluetoothOff = true;
      x.checkNote('linked-devices', {
        reason: 'Bluetooth was off, so the phone did not list the devices paired with it',
      });
    } else {
      x.stepProblem('bluetooth', {
        reason: 'the phone did not list the devices paired with it',
        cause: 'empty',
      });
    }
  }
  const comp = x.use('companionDevices', parseCompanionDevices);
  if (comp?.listed) out.companionAssociations = comp.associations;
  else if (comp) x.stepProblem('companionDevices', UNSUPPORTED);

  const conn = x.use('connectivity', parseConnectivityVpn);
  if (conn && !conn.listed) {
    x.stepProblem('connectivity', {
      reason: 'the phone\u2019s list of networks was not in the expected form',
      cause: 'garbled',
    });
  }
  if (conn?.listed || x.secure) {
    const always = x.secure ? alwaysOnVpnOf(x.secure) : {};
    out.vpn = {
      active: (conn?.listed ? conn.vpns : []).map((v) => {
        const pkg = v.ownerUid !== undefined ? appOfUid(v.ownerUid) : undefined;
        return pkg ? { ...v, package: pkg } : v;
      }),
      ...always,
    };
  }
  if (x.global) {
    out.privateDns = privateDnsOf(x.global);
    out.proxy = proxiesOf(x.global);
  }
  if (x.secure) {
    const k = keyboardsOf(x.secure);
    out.keyboards = k.parsed;
    for (const w of k.warnings.slice(0, 5)) x.warn(`settings list secure: ${w}`);
  }
  const roles = x.use('roles', parseRoles);
  if (roles) {
    const main = roles.users[0];
    if (main) out.roleHolders = main;
    else {
      x.stepProblem('roles', {
        reason: 'the phone did not list which apps hold each role',
        cause: 'empty',
      });
    }
  }
  const net = x.use('netstats', parseNetstatsDetail);
  if (net?.listed) {
    // one line per app: its copies in a work profile or another user (uid 10_10123…) count too
    const byKey = new Map<string, BytesSent>();
    for (const [uidText, bytes] of Object.entries(net.txByUid)) {
      const uid = Number(uidText);
      const pkg = appOfUid(uid);
      const key = pkg ?? `uid:${uid}`;
      const seen = byKey.get(key);
      if (seen) seen.bytes += bytes;
      else
        byKey.set(key, { uid: pkg ? uid % 100_000 : uid, ...(pkg ? { package: pkg } : {}), bytes });
    }
    const sent = [...byKey.values()]
      .filter((s) => s.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes || a.uid - b.uid);
    out.bytesSent = sent.slice(0, TOP_SENDERS_KEPT);
  } else if (net) {
    x.stepProblem('netstats', {
      reason: 'the phone did not list how much data each app sent',
      cause: 'empty',
    });
  }
  const users = x.use('users', parseUsers);
  if (users?.users.length) out.users = users.users;
  else if (users) {
    x.stepProblem('users', { reason: 'the phone did not list its users', cause: 'empty' });
  }
  return out;
}
