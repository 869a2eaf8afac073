/**
 * The benchmark's simulated phones: a Pixel 8 Pro on Android 14 with 63 system apps, 3
 * stalkerware apps sideloaded from a browser download, and 100 or 1,000 apps from the Play
 * Store. Every /data/app APK is served at a realistic size (syntheticApkSize), generated on
 * demand; the sideloaded ones carry a real signed sample APK so their signers read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceProfile } from '../sim/android/device.js';
import { describeCosts, REAL_PHONE_COSTS } from '../sim/android/deviceCosts.js';
import { syntheticProfileData } from '../sim/android/synthetic.js';
import { packageRoot } from '../util/packageRoot.js';

export const BENCH_SYSTEM_APPS = 63;
export const BENCH_SIDELOADED = 3;
export const BENCH_SEED = 7;

/** Total apps of the phone with `store` store apps. */
export const benchApps = (store: number) => store + BENCH_SYSTEM_APPS + BENCH_SIDELOADED;

export function benchProfile(apps: number, costs: boolean): DeviceProfile {
  const carrier = readFileSync(
    join(packageRoot(), 'fixtures/devices/infected-a12/apks/com.dailyplanner.notes.apk'),
  );
  return new DeviceProfile(
    syntheticProfileData({
      apps,
      seed: BENCH_SEED,
      sideloaded: BENCH_SIDELOADED,
      system: BENCH_SYSTEM_APPS,
      apks: { carrier },
      ...(costs ? { costs: true } : {}),
    }),
  );
}

/** The device model, as the bench prints it above its table. */
export function describeBenchPhone(storeCounts: number[]): string {
  return [
    `Simulated phone: Google Pixel 8 Pro, Android 14 (synthetic, seed ${BENCH_SEED}): ${BENCH_SYSTEM_APPS} system apps, ${BENCH_SIDELOADED} sideloaded from a browser download, and ${storeCounts.join(' or ')} Play Store apps.`,
    'APKs served at realistic sizes, generated on demand: store base APKs log-uniform 4–80 MB (median ~18 MB, mean ~25 MB), sideloaded 2–15 MB (built around a real signed sample APK), system APKs not served.',
    `Device costs ("costs on"): ${describeCosts(REAL_PHONE_COSTS)}; flash and USB are each one shared resource. "costs off": the phone's own work is free (the figures before issue 11).`,
    'Latency: added before each shell answer and each sync request, like adbd on a real phone (50–150 ms).',
  ].join('\n');
}
