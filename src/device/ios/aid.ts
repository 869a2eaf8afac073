/**
 * appium-ios-device, the pieces spycheck uses. It ships no index types, so
 * the classes come from their own build files (named CommonJS exports).
 */
import { LOCKDOWN_PORT, Lockdown } from 'appium-ios-device/build/lib/lockdown/index.js';
import { PlistService } from 'appium-ios-device/build/lib/plist-service/index.js';
import { upgradeToSSL } from 'appium-ios-device/build/lib/ssl-helper.js';
import { Usbmux } from 'appium-ios-device/build/lib/usbmux/index.js';

export { Lockdown, LOCKDOWN_PORT, PlistService, Usbmux, upgradeToSSL };
