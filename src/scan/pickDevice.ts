import type { PlatformId } from '../model/snapshot.js';
import type { ListedDevice, NotReady } from '../platform/platform.js';
import { forTerminal } from '../util/sanitize.js';

export type PickResult =
  | { ok: true; device: ListedDevice }
  | { ok: false; usage: boolean; message: string; notReady?: NotReady };

/** Listed states that mean the phone does not trust this computer yet. */
const NOT_TRUSTED: ReadonlySet<string> = new Set(['unauthorized', 'not paired', 'pairing refused']);

const STATE_HELP: Record<string, string> = {
  unauthorized:
    'The phone is connected but has not allowed this computer yet. Unlock the phone and tap "Allow" on the "Allow USB debugging?" message. Leave "Always allow from this computer" unticked, so this computer is not trusted after today.',
  offline:
    'The phone is connected but not answering. Unplug the cable, unlock the phone, and plug it back in.',
  authorizing:
    'The phone is still deciding whether to trust this computer. Wait a moment and try again.',
  'no permissions':
    'This computer is not allowed to use the USB device. On Linux, add a udev rule for the phone (see README) or run "adb devices" once as the same user.',
  // iPhones (usbmuxd)
  'not paired':
    'This computer is not paired with the iPhone yet. Unlock the iPhone and keep it plugged in. Then pair it: on a Mac open Finder, on Windows open Apple Devices (or iTunes), on Linux run "idevicepair pair". Tap "Trust This Computer" on the iPhone and enter its passcode, then run the scan again.',
  locked:
    'The iPhone is locked. Unlock it with its passcode and keep it unlocked during the check.',
  'pairing refused':
    'The iPhone no longer trusts this computer. Unplug it, unlock it, plug it back in and tap "Trust This Computer", then enter its passcode. If the question does not appear, pair again (Finder, Apple Devices or "idevicepair pair").',
};

/** States in which a phone can be read: adb's "device", an iPhone this computer is paired with. */
const READY_STATES: ReadonlySet<string> = new Set(['device', 'paired']);

export function stateHelp(state: string): string | undefined {
  return STATE_HELP[state];
}

/** Which phone to scan, or a plain message saying why we cannot choose. */
export function pickDevice(
  devices: readonly ListedDevice[],
  serial?: string,
  platform: PlatformId = 'android',
): PickResult {
  if (serial) {
    const d = devices.find((x) => x.serial === serial);
    if (!d) {
      const list = devices.length
        ? `Connected: ${devices.map((x) => forTerminal(x.serial)).join(', ')}.`
        : 'No phone is connected.';
      return {
        ok: false,
        usage: false,
        message: `No phone with the id "${forTerminal(serial)}" is connected. ${list}`,
      };
    }
    return readiness(d);
  }
  if (devices.length === 0) {
    return {
      ok: false,
      usage: false,
      message:
        platform === 'ios'
          ? 'No iPhone found. Check the USB cable (try another one if you can), unlock the iPhone and plug it in again. Run "spycheck doctor" for help.'
          : 'No phone found. Check the USB cable, unlock the phone and make sure USB debugging is on (Settings > Developer options). Run "spycheck doctor" for help.',
    };
  }
  if (devices.length > 1) {
    const lines = devices.map(
      (d) =>
        `  ${forTerminal(d.serial)}  ${forTerminal(d.state)}${d.model ? `  ${forTerminal(d.model)}` : ''}`,
    );
    return {
      ok: false,
      usage: true,
      message: `More than one phone is connected. Choose one with --serial:\n${lines.join('\n')}`,
    };
  }
  return readiness(devices[0] as ListedDevice);
}

function readiness(d: ListedDevice): PickResult {
  if (READY_STATES.has(d.state)) return { ok: true, device: d };
  return {
    ok: false,
    usage: false,
    message: `${forTerminal(d.serial)}: ${STATE_HELP[d.state] ?? `the phone is in the state "${d.state}" and cannot be read.`}`,
    ...(NOT_TRUSTED.has(d.state) ? { notReady: 'not-trusted' as const } : {}),
  };
}
