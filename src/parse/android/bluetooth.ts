import type { LinkedDeviceKind, PairedDevice } from '../../model/linkedDevices.js';
import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.bluetoothManager', version: 1 } as const;

export interface BluetoothBonds {
  /** The phone printed its list of paired devices (false: Bluetooth off, or not in this dump) */
  listed: boolean;
  /** Bluetooth was off: the adapter is not asked, so paired devices are not printed */
  off: boolean;
  devices: PairedDevice[];
}

const MAX_DEVICES = 200;
// "  AA:BB:CC:DD:EE:FF [DUAL] Galaxy Watch4" (≤12), "  XX:XX:XX:XX:EE:FF [ DUAL ][ 0x240704 ] Pixel Watch" (13+)
const ADDRESS = '((?:[0-9A-Fa-fX]{2}:){5}[0-9A-Fa-fX]{2})';
const DEVICE = new RegExp(
  `^\\s+${ADDRESS}\\s*\\[\\s*([A-Z/?]+)\\s*\\](?:\\s*\\[\\s*(0x[0-9A-Fa-f]{1,8})\\s*\\])?\\s?(.*)$`,
);

const TRANSPORT: Record<string, PairedDevice['transport']> = {
  'BR/EDR': 'classic',
  CLASSIC: 'classic',
  LE: 'le',
  DUAL: 'dual',
};

/** Bluetooth major/minor device class → what kind of device it says it is. */
export function kindOfClass(cod: number): LinkedDeviceKind | undefined {
  const major = (cod >> 8) & 0x1f;
  const minor = (cod >> 2) & 0x3f;
  switch (major) {
    case 0x01:
      return 'computer';
    case 0x02:
      return 'phone';
    case 0x04:
      // audio/video: car audio (minor 8) or headphones and speakers
      return minor === 0x08 ? 'car' : 'headphones';
    case 0x07:
      // wearable: wrist watch (minor 1), glasses (5)
      return minor === 0x01 ? 'watch' : minor === 0x05 ? 'glasses' : 'wearable';
    case 0x09:
      return 'health';
    default:
      return undefined;
  }
}

// controls, bidi overrides/isolates and zero-width characters: a name could forge report lines
const UNSAFE_NAME =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

// terminal "operating system commands" (OSC 8 links, OSC 52 clipboard): ESC ] … BEL or ESC \
const OSC = /\u001b\][^\u0007\u001b]{0,2000}(?:\u0007|\u001b\\)?/g;

/** Removes OSC sequences whole (splitLines would leave their text, such as a link's address). */
export function stripOsc(text: string): string {
  return text.includes('\u001b]') ? text.replace(OSC, '') : text;
}

/** A name from the phone, on one line without control characters, at most 120 characters. */
export function cleanName(raw: string): string | undefined {
  const s = raw.replace(UNSAFE_NAME, '').trim();
  if (!s || s === 'null') return undefined;
  return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}

/**
 * `dumpsys bluetooth_manager`: the manager's state, then (when Bluetooth is on) the adapter's
 * dump, whose `Bonded devices:` list names each paired device with its address, type and name.
 * Android 13+ hides the first four bytes of the address (`XX:XX:XX:XX:EE:FF`) and adds the class
 * of device. When Bluetooth is off the adapter is not asked and no list is printed.
 */
export function parseBluetoothManager(text: string): ParseResult<BluetoothBonds> {
  const out: BluetoothBonds = { listed: false, off: false, devices: [] };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed: out, warnings: [`bluetooth_manager: ${quote(err)}`] };
  let inBonded = false;
  for (const line of splitLines(stripOsc(text))) {
    const t = line.trim();
    if (/^enabled:\s*false$/i.test(t) || /^state:\s*OFF$/.test(t)) out.off = true;
    if (/^Bonded devices:/.test(t)) {
      out.listed = true;
      out.off = false;
      inBonded = true;
      continue;
    }
    if (!inBonded) continue;
    if (t === '') continue;
    const m = DEVICE.exec(line);
    if (!m) {
      // the list ends at the first line that is not a device (the profiles' dumps follow)
      inBonded = false;
      continue;
    }
    if (out.devices.length >= MAX_DEVICES) {
      warnings.push(`more than ${MAX_DEVICES} paired devices: the rest were not read`);
      inBonded = false;
      continue;
    }
    const cod = m[3] ? Number.parseInt(m[3], 16) : undefined;
    const kind = cod !== undefined ? kindOfClass(cod) : undefined;
    const name = cleanName(m[4] ?? '');
    out.devices.push({
      address: m[1]!.toUpperCase(),
      ...(name ? { name } : {}),
      transport: TRANSPORT[m[2]!] ?? 'unknown',
      ...(kind ? { kind } : {}),
      ...(m[3] ? { classOfDevice: m[3].toLowerCase() } : {}),
    });
  }
  return { parsed: out, warnings };
}
