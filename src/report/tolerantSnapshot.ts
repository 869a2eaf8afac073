import type { Snapshot } from '../model/snapshot.js';

/** Fill arrays a hand-edited or older snapshot may lack, so rendering never crashes. */
export function tolerantSnapshot(doc: unknown): Snapshot {
  const s = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const common = {
    apps: list(s.apps),
    checks: list(s.checks),
    raw: list(s.raw),
    warnings: list(s.warnings),
    complete: s.complete === true,
  };
  if (s.platform === 'ios') {
    const device = (s.device && typeof s.device === 'object' ? s.device : {}) as Record<
      string,
      unknown
    >;
    const unknownFlag = (v: unknown) => (typeof v === 'boolean' ? v : 'unknown');
    return {
      ...(s as unknown as Snapshot),
      ...common,
      device: {
        ...device,
        serial: typeof device.serial === 'string' ? device.serial : 'unknown',
        udid: typeof device.udid === 'string' ? device.udid : 'unknown',
        manufacturer: 'Apple',
        passcodeSet: unknownFlag(device.passcodeSet),
        supervised: unknownFlag(device.supervised),
        findMyAssociated: unknownFlag(device.findMyAssociated),
        backupEncryption: unknownFlag(device.backupEncryption),
        developerMode: unknownFlag(device.developerMode),
        wifiSync: unknownFlag(device.wifiSync),
        missingValues: list(device.missingValues),
      },
      profiles: list(s.profiles),
      homeScreenRead: s.homeScreenRead === true,
      jailbreak: (s.jailbreak as object | undefined) ?? {
        jailbreak: false,
        trollStore: false,
        indicators: [],
        appsChecked: false,
      },
      platform: 'ios',
    } as Snapshot;
  }
  return {
    ...(s as unknown as Snapshot),
    ...common,
    device: (s.device as object | undefined) ?? { serial: 'unknown' },
    accessibilityServices: list(s.accessibilityServices),
    notificationListeners: list(s.notificationListeners),
    deviceAdmins: list(s.deviceAdmins),
    appOps: (s.appOps as object | undefined) ?? {},
    batteryOptimisationExempt: list(s.batteryOptimisationExempt),
  } as Snapshot;
}
