import { describe, expect, it } from 'vitest';
import { classifyInstaller } from './installers.js';

describe('where an app came from', () => {
  it.each([
    [{ installer: 'com.android.vending', system: false }, 'store'],
    [{ installer: 'com.sec.android.app.samsungapps', system: false }, 'store'],
    [{ installer: 'org.fdroid.fdroid', system: false }, 'other-store'],
    [{ installer: undefined, system: false }, 'sideloaded'],
    [{ installer: 'null', system: false }, 'sideloaded'],
    [{ installer: 'com.google.android.packageinstaller', system: false }, 'sideloaded'],
    [
      {
        installer: 'com.google.android.packageinstaller',
        initiator: 'com.android.chrome',
        system: false,
      },
      'sideloaded',
    ],
    [{ installer: 'com.android.shell', system: false }, 'sideloaded'],
    [{ installer: 'com.example.dropper', system: false }, 'sideloaded'],
    [{ installer: 'com.android.vending', system: true }, 'preinstalled'],
    [
      { installer: 'com.android.vending', initiator: 'com.android.vending', system: false },
      'store',
    ],
    [
      { installer: 'com.android.vending', initiator: 'com.android.shell', system: false },
      'sideloaded',
    ],
    [{ installer: undefined, system: false, unknown: true }, 'unknown'],
  ] as const)('%j → %s', (facts, expected) => {
    expect(classifyInstaller(facts)).toBe(expected);
  });
});
