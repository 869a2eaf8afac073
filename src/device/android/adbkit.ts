/**
 * adbkit's entry point. adbkit is CommonJS: Node's ESM loader gives
 * `default` = module.exports (so `default.Adb`), while vitest's interop gives
 * `default` = exports.default (the Adb class itself). Accept both so the
 * same code runs under tests and after the build.
 */
import adbkit from '@devicefarmer/adbkit';

type AdbStatic = typeof adbkit.Adb;
const mod = adbkit as unknown as { Adb?: AdbStatic };
export const Adb: AdbStatic = mod.Adb ?? (adbkit as unknown as AdbStatic);
