/**
 * The install trap (notes/device-access.md): with bplist-parser 0.5 resolved,
 * loading appium-ios-device throws "Cannot read properties of undefined
 * (reading 'UID')". package.json pins it through "overrides"; this proves
 * the installed tree loads.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

describe('appium-ios-device', () => {
  it('loads with import() and exposes utilities and services', async () => {
    const name = 'appium-ios-device';
    const mod = (await import(name)) as {
      utilities?: Record<string, unknown>;
      services?: Record<string, unknown>;
      default?: { utilities?: Record<string, unknown>; services?: Record<string, unknown> };
    };
    const utilities = mod.utilities ?? mod.default?.utilities;
    const services = mod.services ?? mod.default?.services;
    expect(typeof utilities?.getConnectedDevices).toBe('function');
    expect(typeof utilities?.startLockdownSession).toBe('function');
    expect(typeof services?.startInstallationProxyService).toBe('function');
    expect(typeof services?.startMCInstallService).toBe('function');
  });

  it('loads with require(), as a CommonJS consumer would', () => {
    const require = createRequire(import.meta.url);
    const mod = require('appium-ios-device') as { utilities: Record<string, unknown> };
    expect(typeof mod.utilities.getDeviceInfo).toBe('function');
    const version = (require('appium-ios-device/package.json') as { version: string }).version;
    expect(version).toBe('3.1.23');
    expect((require('bplist-parser/package.json') as { version: string }).version).toBe('0.3.2');
  });
});
