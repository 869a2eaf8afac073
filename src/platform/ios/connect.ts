import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  classifyIosError,
  listUsbmuxdPhones,
  parseUsbmuxdAddress,
  type UsbmuxdPhone,
} from '../../device/ios/phone.js';
import { loadIosProfile } from '../../sim/ios/profile.js';
import { startFakeUsbmuxd } from '../../sim/ios/usbmuxd.js';
import type { ConnectFailure, PhoneConnection } from '../platform.js';

export const DEFAULT_IOS_DEMO_PROFILE = 'ios-clean';

export interface IosConnection extends PhoneConnection {
  ok: true;
  /** Where the door finds usbmuxd, in USBMUXD_SOCKET_ADDRESS form (`UNIX:/path` or `host:port`) */
  socketAddress: string;
  /** One usbmuxd answer per look-up (ListDevices, ReadPairRecord); sends nothing to any phone */
  listPhones(): Promise<UsbmuxdPhone[]>;
}

/** Steps for the caseworker when usbmuxd is not there, in plain words. */
export const USBMUXD_MISSING_HELP =
  'usbmuxd lets this computer talk to iPhones. Install it and plug the iPhone in again: Debian/Ubuntu "sudo apt install usbmuxd"; Windows: install iTunes or Apple Devices; a Mac has it already.';

/**
 * usbmuxd named by the environment (USBMUXD_SOCKET_ADDRESS, else the usual
 * /var/run/usbmuxd), or, with --demo, a simulated iPhone behind a usbmuxd of
 * its own on a private socket that close() removes.
 */
export async function connectIos(
  env: NodeJS.ProcessEnv,
  demo: string | boolean | undefined,
): Promise<IosConnection | ConnectFailure> {
  if (demo) {
    const name = typeof demo === 'string' ? demo : DEFAULT_IOS_DEMO_PROFILE;
    let dir: string | undefined;
    try {
      const profile = await loadIosProfile(name);
      dir = mkdtempSync(join(tmpdir(), 'spycheck-usbmuxd-'));
      const socketPath = join(dir, 'usbmuxd');
      const mux = await startFakeUsbmuxd({ profiles: [profile], socketPath });
      const privateDir = dir;
      return open(`UNIX:${socketPath}`, `the simulated iPhone "${name}"`, {
        demoProfile: name,
        demoProfileDir: profile.dir,
        close: async () => {
          await mux.close();
          rmSync(privateDir, { recursive: true, force: true });
        },
      });
    } catch (e) {
      if (dir) rmSync(dir, { recursive: true, force: true });
      return {
        ok: false,
        message: `Could not start the simulated iPhone "${name}": ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }
  const given = env.USBMUXD_SOCKET_ADDRESS?.trim();
  const address = parseUsbmuxdAddress(given);
  const shown = 'path' in address ? address.path : `${address.host}:${address.port}`;
  return open(
    given || `UNIX:${shown}`,
    `usbmuxd at ${shown}${given ? ' (from USBMUXD_SOCKET_ADDRESS)' : ''}`,
    { close: async () => {} },
  );
}

function open(
  socketAddress: string,
  where: string,
  extra: { demoProfile?: string; demoProfileDir?: string; close(): Promise<void> },
): IosConnection {
  return {
    ok: true,
    socketAddress,
    ...extra,
    describeError: (e) => describeIosError(e, where),
    notReadyFor: (e) => (classifyIosError(e).kind === 'usbmuxd-missing' ? 'no-service' : undefined),
    listPhones: () => listUsbmuxdPhones({ socketAddress }),
  };
}

export function describeIosError(e: unknown, where: string): string {
  const err = classifyIosError(e);
  if (err.kind === 'usbmuxd-missing')
    return `Could not reach ${where}, so iPhones cannot be seen. ${USBMUXD_MISSING_HELP} "spycheck doctor" checks your set-up.`;
  return `Problem talking to ${where}: ${err.message}`;
}
