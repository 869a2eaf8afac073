import type { ParseResult } from '../../model/parse.js';
import type { ComponentRef, DeviceAdmin } from '../../model/snapshot.js';
import { parseComponent } from './components.js';
import { detectShellError } from './shellError.js';
import { indentOf, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.dumpsysDevicePolicy', version: 1 } as const;

export interface DevicePolicyState {
  /** Active device admins of user 0 (or of every user when user 0 is absent) */
  admins: DeviceAdmin[];
  deviceOwner?: ComponentRef;
  profileOwners: ComponentRef[];
  /** Active admins per user id */
  adminsByUser: Record<string, DeviceAdmin[]>;
}

const ADMINS_HEADER = /^Enabled Device Admins \(User (\d+)(?:,[^)]*)?\):?/;
const OWNER_HEADER = /^(Device Owner|Profile Owner)(?: \(User (\d+)\))?:/;
const ADMIN_ENTRY = /^([^\s:]+\/[^\s:]+):$/;
const COMPONENT_INFO = /ComponentInfo\{([^}]+)\}/;

type Block =
  | { kind: 'admins'; user: string; indent: number; admin?: DeviceAdmin; inPolicies: number }
  | { kind: 'owner'; owner: 'device' | 'profile'; indent: number; ref?: ComponentRef; pkg?: string }
  | { kind: 'none' };

/**
 * `dumpsys device_policy`: `Enabled Device Admins (User N, provisioningState: S):`
 * with one `pkg/cls:` entry each and its `policies:` list; `Device Owner:` and
 * `Profile Owner (User N):` blocks with `admin=ComponentInfo{pkg/cls}` and
 * `package=`. Same layout on Android 10–15; only the surrounding text changes.
 */
export function parseDumpsysDevicePolicy(text: string): ParseResult<DevicePolicyState> {
  const parsed: DevicePolicyState = { admins: [], profileOwners: [], adminsByUser: {} };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Could not read device admin apps: ${err}`] };
  let block: Block = { kind: 'none' };

  const closeOwner = () => {
    if (block.kind !== 'owner') return;
    let ref = block.ref;
    if (!ref && block.pkg) ref = { package: block.pkg, component: '', raw: block.pkg };
    if (!ref) warnings.push(`A ${block.owner} owner was listed but its app could not be read`);
    else if (block.owner === 'device') parsed.deviceOwner ??= ref;
    else if (!parsed.profileOwners.some((p) => p.raw === ref.raw)) parsed.profileOwners.push(ref);
  };

  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') continue;
    const ind = indentOf(line);
    if (block.kind !== 'none' && ind <= block.indent) {
      closeOwner();
      block = { kind: 'none' };
    }
    const ah = ADMINS_HEADER.exec(t);
    if (ah) {
      closeOwner();
      block = { kind: 'admins', user: ah[1]!, indent: ind, inPolicies: -1 };
      parsed.adminsByUser[ah[1]!] ??= [];
      continue;
    }
    const oh = OWNER_HEADER.exec(t);
    if (oh) {
      closeOwner();
      block = {
        kind: 'owner',
        owner: oh[1] === 'Device Owner' ? 'device' : 'profile',
        indent: ind,
      };
      continue;
    }
    if (block.kind === 'owner') {
      if (t.startsWith('admin=')) {
        const m = COMPONENT_INFO.exec(t);
        const ref = m ? parseComponent(m[1]!) : parseComponent(t.slice(6));
        if (ref) block.ref = ref;
        else warnings.push(`Unreadable owner component ${quote(t)}`);
      } else if (t.startsWith('package=')) {
        block.pkg = t.slice(8).trim();
      }
      continue;
    }
    if (block.kind === 'admins') {
      if (block.inPolicies >= 0 && ind > block.inPolicies) {
        if (block.admin && /^[\w-]+$/.test(t)) (block.admin.policies ??= []).push(t);
        continue;
      }
      block.inPolicies = -1;
      const em = ADMIN_ENTRY.exec(t);
      if (em && (!block.admin || ind <= block.indent + 2 || !t.includes('='))) {
        const ref = parseComponent(em[1]!);
        if (ref) {
          const admin: DeviceAdmin = { ...ref };
          block.admin = admin;
          parsed.adminsByUser[block.user]!.push(admin);
        } else warnings.push(`Unreadable device admin ${quote(t)}`);
        continue;
      }
      if (t === 'policies:') {
        block.inPolicies = ind;
        if (block.admin) block.admin.policies ??= [];
      }
    }
  }
  closeOwner();
  const users = Object.keys(parsed.adminsByUser);
  parsed.admins =
    parsed.adminsByUser['0'] ??
    (users.length > 0 ? users.flatMap((u) => parsed.adminsByUser[u]!) : []);
  return { parsed, warnings };
}
