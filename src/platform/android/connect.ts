import type { Client } from '@devicefarmer/adbkit';
import { adbServerAddress, createAdbClient } from '../../device/android/adbServer.js';
import { loadProfile } from '../../sim/android/device.js';
import { startFakeAdbServer } from '../../sim/android/fakeAdbServer.js';
import type { ListedDevice } from '../platform.js';

export const DEFAULT_DEMO_PROFILE = 'infected-a12';

export type AdbConnection =
  | {
      ok: true;
      client: Client;
      /** set when talking to the built-in simulated phone */
      demoProfile?: string;
      /** directory of the demo profile (holds its training rule pack) */
      demoProfileDir?: string;
      /** Phones the adb server knows, with the model from their banner; asks no phone anything */
      listDevices(): Promise<ListedDevice[]>;
      describeError(e: unknown): string;
      close(): Promise<void>;
    }
  | { ok: false; message: string };

/**
 * An adb client for the real adb server named by the environment, or, with
 * --demo, for an in-process simulated phone that speaks the same protocol.
 */
export async function connectAdb(
  env: NodeJS.ProcessEnv,
  demo: string | boolean | undefined,
): Promise<AdbConnection> {
  let client: Client;
  let close = async (): Promise<void> => {};
  let demoProfile: string | undefined;
  let demoProfileDir: string | undefined;
  let where: string;
  if (demo) {
    demoProfile = typeof demo === 'string' ? demo : DEFAULT_DEMO_PROFILE;
    try {
      const profile = await loadProfile(demoProfile);
      const server = await startFakeAdbServer({ profiles: [profile] });
      demoProfileDir = profile.dir;
      // '/bin/false': adbkit must never start a real adb server for the demo
      client = createAdbClient(
        { host: server.host, port: server.port, source: 'demo' },
        '/bin/false',
      );
      close = () => server.close();
      where = `the simulated phone "${demoProfile}"`;
    } catch (e) {
      return {
        ok: false,
        message: `Could not start the simulated phone "${demoProfile}": ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  } else {
    try {
      const address = adbServerAddress(env);
      client = createAdbClient(address, env.SPYCHECK_ADB_BIN || 'adb');
      where = `the adb server at ${address.host}:${address.port}${address.source === 'default' ? '' : ` (from ${address.source})`}`;
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }
  return {
    ok: true,
    client,
    demoProfile,
    demoProfileDir,
    close,
    describeError: (e) => describeAdbError(e, where),
    async listDevices() {
      // host:devices-l only: the adb server answers from the phone's connection
      // banner, so listing phones sends nothing to any phone (no consent yet).
      const devices = await client.listDevicesWithPaths();
      return devices.map((d) => {
        const item: ListedDevice = { serial: d.id, state: d.type };
        const model = bannerModel(Object.values(d));
        if (model) item.model = model;
        return item;
      });
    },
  };
}

/**
 * The "model:" field of an `adb devices -l` line. adbkit splits the line by
 * position, which shifts when a field such as the USB path is absent (phones
 * over TCP), so the field is found by its name instead.
 */
export function bannerModel(fields: readonly unknown[]): string | undefined {
  for (const f of fields) {
    if (typeof f === 'string' && f.startsWith('model:')) {
      // adb has already turned spaces and punctuation into "_"; which one each
      // was cannot be known, so the model is shown as adb printed it
      const model = f.slice('model:'.length).trim();
      return model || undefined;
    }
  }
  return undefined;
}

export function describeAdbError(e: unknown, where: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string } | undefined)?.code;
  if (code === 'ENOENT' || /spawn .*ENOENT/.test(msg)) {
    return `Could not reach ${where}, and adb is not installed, so spycheck could not start it. Install adb (Debian/Ubuntu: "sudo apt install adb"; macOS: "brew install android-platform-tools"; Windows: Android SDK Platform-Tools), then try again. "spycheck doctor" checks your set-up.`;
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) {
    return `Could not reach ${where}. Start it with "adb start-server" and try again.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /getaddrinfo/.test(msg)) {
    return `Could not find the computer named in the address of ${where}. Check ADB_SERVER_SOCKET (the form is tcp:HOST:PORT), or unset it to use this computer's adb.`;
  }
  if (/Command failed: .*start-server/.test(msg)) {
    return `Could not reach ${where}, and starting adb there failed. Run "adb start-server" yourself and try again, or check ANDROID_ADB_SERVER_PORT / ADB_SERVER_SOCKET. "spycheck doctor" checks your set-up.`;
  }
  return `Problem talking to ${where}: ${msg}`;
}
