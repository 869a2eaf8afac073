/**
 * Each phone family's code, loaded only when that family is reached: adbkit
 * for Android phones, appium-ios-device for iPhones. `spycheck --help`, or a
 * scan with `--platform android`, never pays for the other one.
 *
 * Load one family at a time (await each): on Node 20, importing
 * appium-ios-device's modules while another import is under way can fail as
 * `plist` is being required (see src/bench/run.ts).
 */
import type { PlatformId } from '../model/snapshot.js';
import type { android } from '../platform/android/platform.js';
import type { ios } from '../platform/ios/platform.js';

export type AndroidPlatform = typeof android;
export type IosPlatform = typeof ios;
export type AnyPlatform = AndroidPlatform | IosPlatform;

export async function loadPlatform(id: 'android'): Promise<AndroidPlatform>;
export async function loadPlatform(id: 'ios'): Promise<IosPlatform>;
export async function loadPlatform(id: PlatformId): Promise<AnyPlatform>;
export async function loadPlatform(id: PlatformId): Promise<AnyPlatform> {
  if (id === 'ios') return (await import('../platform/ios/platform.js')).ios;
  return (await import('../platform/android/platform.js')).android;
}
