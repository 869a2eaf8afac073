/**
 * adbkit's entry point for tests. adbkit is CommonJS: Node's ESM loader gives
 * `default` = module.exports (so `default.Adb`), while vitest's interop gives
 * `default` = exports.default (the Adb class itself). Accept both.
 */
import adbkit from '@devicefarmer/adbkit';

type AdbStatic = typeof adbkit.Adb;
const mod = adbkit as unknown as { Adb?: AdbStatic };
export const Adb: AdbStatic = mod.Adb ?? (adbkit as unknown as AdbStatic);
