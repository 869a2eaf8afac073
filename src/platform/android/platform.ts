import { collectAndroid, pullLimitsFromEnv } from '../../device/android/collector.js';
import { phoneOptionsFromEnv, ReadOnlyAndroidPhone } from '../../device/android/phone.js';
import type { AndroidCollection } from '../../model/androidCollection.js';
import { androidCollectOptions, assembleAndroidSnapshot } from '../../snapshot/android.js';
import { type Platform, stopReason } from '../platform.js';
import { type AdbConnection, connectAdb } from './connect.js';

type OpenAdb = Extract<AdbConnection, { ok: true }>;

/** Android phones over adb: the real adb server, or the built-in simulated phone for --demo. */
export const android: Platform<OpenAdb, AndroidCollection> = {
  id: 'android',
  connect: (env, demo) => connectAdb(env, demo),
  list: (connection) => connection.listDevices(),
  async collect(connection, device, env, { onProgress, signal, hashAllApps }) {
    const phone = new ReadOnlyAndroidPhone(
      connection.client,
      device.serial,
      phoneOptionsFromEnv(env),
    );
    // Stopping keeps what was read: the phone refuses further requests and the
    // collection ends as if the phone had gone, marked incomplete.
    const stop = () => phone.abort(stopReason(signal!));
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      return await collectAndroid(
        phone,
        androidCollectOptions({
          ...(onProgress ? { onProgress } : {}),
          pullLimits: pullLimitsFromEnv(env),
          ...(hashAllApps ? { hashAllApps } : {}),
        }),
      );
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  },
  assemble: (collection, tool) => assembleAndroidSnapshot(collection, tool),
};
