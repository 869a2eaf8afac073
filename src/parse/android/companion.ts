import type { CompanionAssociation, LinkedDeviceKind } from '../../model/linkedDevices.js';
import type { ParseResult } from '../../model/parse.js';
import { cleanName, stripOsc } from './bluetooth.js';
import { detectShellError } from './shellError.js';
import { isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.companionDevice', version: 1 } as const;

export interface CompanionDevices {
  /** The phone printed its list of associations (an empty list counts) */
  listed: boolean;
  associations: CompanionAssociation[];
}

const MAX = 200;

const PROFILE_KIND: Record<string, LinkedDeviceKind> = {
  'android.app.role.COMPANION_DEVICE_WATCH': 'watch',
  'android.app.role.COMPANION_DEVICE_GLASSES': 'glasses',
  'android.app.role.SYSTEM_AUTOMOTIVE_PROJECTION': 'car',
  'android.app.role.COMPANION_DEVICE_COMPUTER': 'computer',
  'android.app.role.COMPANION_DEVICE_APP_STREAMING': 'streaming',
  'android.app.role.COMPANION_DEVICE_NEARBY_DEVICE_STREAMING': 'streaming',
};

/**
 * The fields of `Association{k=v, k='v', …}`. A quoted value runs to the quote that is followed
 * by `, <key>=` or the closing brace (a device name may hold a quote or a comma).
 */
function fields(body: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const m = /^\s*,?\s*([A-Za-z][A-Za-z0-9_]*)=/.exec(body.slice(i));
    if (!m) break;
    i += m[0].length;
    const key = m[1]!;
    let value: string;
    if (body[i] === "'") {
      const rest = body.slice(i + 1);
      const end = /'(?=, [A-Za-z][A-Za-z0-9_]*=|\s*$)/.exec(rest);
      const stop = end ? end.index : rest.length;
      value = rest.slice(0, stop);
      i += 1 + stop + (end ? 1 : 0);
    } else {
      const rest = body.slice(i);
      const end = /, [A-Za-z][A-Za-z0-9_]*=/.exec(rest);
      const stop = end ? end.index : rest.length;
      value = rest.slice(0, stop);
      i += stop;
    }
    if (!out.has(key)) out.set(key, value.trim());
  }
  return out;
}

const pick = (f: Map<string, string>, ...keys: string[]) => {
  for (const k of keys) {
    const v = f.get(k);
    if (v !== undefined && v !== '' && v !== 'null') return v;
  }
  return undefined;
};

/**
 * `dumpsys companiondevice`: `Companion Device Associations:` then one `Association{…}` per line
 * (`<empty>` when none, Android 13+), then other sections (`Last Removed Association:`, connected
 * devices, …) that are not current associations. Field names changed over the years: Android 12+
 * `mPackageName`, `mDeviceMacAddress`, `mDisplayName`, `mDeviceProfile`, `mTimeApprovedMs` (a
 * Java date); Android 10–11 `packageName`/`companionAppPackage`, `deviceMacAddress`/`deviceAddress`.
 */
export function parseCompanionDevices(text: string): ParseResult<CompanionDevices> {
  const out: CompanionDevices = { listed: false, associations: [] };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed: out, warnings: [`companiondevice: ${quote(err)}`] };
  let inList = false;
  for (const line of splitLines(stripOsc(text))) {
    const t = line.trim();
    const header = /^Companion Device Associations:\s*(.*)$/.exec(t);
    if (header) {
      out.listed = true;
      inList = header[1] !== '<empty>';
      continue;
    }
    if (!inList) continue;
    if (t === '') continue;
    const m = /^Association\{(.*)\}$/.exec(t);
    if (!m) {
      // another section starts: only the first list holds current associations
      if (!/^\s/.test(line)) inList = false;
      else warnings.push(`companiondevice: could not read ${quote(t)}`);
      continue;
    }
    if (out.associations.length >= MAX) {
      warnings.push(`more than ${MAX} companion associations: the rest were not read`);
      inList = false;
      continue;
    }
    const f = fields(m[1]!);
    const pkg = pick(
      f,
      'mPackageName',
      'packageName',
      'companionAppPackage',
      'mCompanionAppPackage',
    );
    if (!pkg || !isPackageName(pkg)) {
      warnings.push(`companiondevice: an association without a readable app: ${quote(t)}`);
      continue;
    }
    const profile = pick(f, 'mDeviceProfile', 'deviceProfile');
    const userText = pick(f, 'mUserId', 'userId');
    const address = pick(f, 'mDeviceMacAddress', 'deviceMacAddress', 'deviceAddress');
    const displayName = cleanName(pick(f, 'mDisplayName', 'displayName') ?? '');
    const approved = pick(f, 'mTimeApprovedMs', 'timeApprovedMs');
    const selfManaged = pick(f, 'mSelfManaged', 'selfManaged');
    out.associations.push({
      package: pkg,
      ...(userText && /^\d{1,6}$/.test(userText) ? { userId: Number(userText) } : {}),
      ...(address && /^(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/.test(address)
        ? { address: address.toUpperCase() }
        : {}),
      ...(displayName ? { displayName } : {}),
      ...(profile ? { profile } : {}),
      kind: (profile && PROFILE_KIND[profile]) || 'other',
      ...(approved ? { approved: approved.slice(0, 60) } : {}),
      ...(selfManaged === 'true' ? { selfManaged: true } : {}),
    });
  }
  return { parsed: out, warnings };
}
