import { describe, expect, it } from 'vitest';
import { parseApps } from './apps.js';
import { findJailbreakIndicators, knownTool } from './jailbreak.js';
import { loadPlist } from './testdata.test-util.js';

describe('findJailbreakIndicators', () => {
  it('iOS 16 rootless jailbreak with TrollStore: every sign, each on its app', () => {
    const { parsed: apps } = parseApps(loadPlist('ios16-apps.plist'));
    const { parsed, warnings } = findJailbreakIndicators(apps);
    expect(warnings).toEqual([]);
    expect(parsed.jailbreak).toBe(true);
    expect(parsed.trollStore).toBe(true);
    expect(parsed.appsChecked).toBe(true);
    expect(parsed.indicators).toEqual([
      {
        kind: 'known-app',
        appId: 'com.opa334.TrollStore',
        tool: { name: 'TrollStore', role: 'trollstore' },
        strength: 'strong',
      },
      { kind: 'system-app-outside-system', appId: 'com.opa334.TrollStore', strength: 'supporting' },
      { kind: 'privileged-user-app', appId: 'com.bettercare.familylink', strength: 'strong' },
      {
        kind: 'known-app',
        appId: 'org.coolstar.SileoStore',
        tool: { name: 'Sileo', role: 'package-manager' },
        strength: 'strong',
      },
      { kind: 'jailbreak-path', appId: 'org.coolstar.SileoStore', strength: 'strong' },
      { kind: 'jailbreak-path', appId: 'com.example.rootlessnotes', strength: 'strong' },
    ]);
  });

  it('clean iOS 18 and sideloaded iOS 17 apps: nothing (enterprise and developer apps are not jailbreaks)', () => {
    for (const file of ['ios18-apps.plist', 'ios17-apps.plist']) {
      const { parsed } = findJailbreakIndicators(parseApps(loadPlist(file)).parsed);
      expect(parsed).toEqual({
        jailbreak: false,
        trollStore: false,
        indicators: [],
        appsChecked: true,
      });
    }
  });

  it('a spoofed signer alone means TrollStore (or uicache), even when TrollStore itself is gone', () => {
    const { parsed: apps } = parseApps([
      {
        CFBundleIdentifier: 'com.example.left',
        ApplicationType: 'User',
        SignerIdentity: 'Apple iPhone OS Application Signing',
        IsAdHocSigned: true,
      },
    ]);
    const { parsed } = findJailbreakIndicators(apps);
    expect(parsed.trollStore).toBe(true);
    expect(parsed.jailbreak).toBe(false);
  });

  it('matches known ids whatever their case: palera1n, unc0ver, checkra1n, Zebra, Installer 5, Filza, Dopamine', () => {
    const ids = [
      'com.samiiau.loader',
      'science.xnu.undecimus',
      'kjc.loader',
      'XYZ.willy.zebra',
      'me.apptapp.installer',
      'com.tigisoftware.Filza',
      'com.opa334.Dopamine',
      'com.opa334.trollstorepersistencehelper',
      'com.saurik.Cydia',
    ];
    const { parsed: apps } = parseApps(
      ids.map((id) => ({
        CFBundleIdentifier: id,
        ApplicationType: 'System',
        Path: `/Applications/${id}.app`,
      })),
    );
    const { parsed } = findJailbreakIndicators(apps);
    expect(parsed.indicators.map((i) => i.tool?.name)).toEqual([
      'palera1n',
      'unc0ver',
      'checkra1n',
      'Zebra',
      'Installer 5',
      'Filza',
      'Dopamine',
      'TrollStore helper',
      'Cydia',
    ]);
    expect(parsed.jailbreak).toBe(true);
    expect(parsed.trollStore).toBe(true);
  });

  it('system apps in iOS 16+ places (cryptexes, staged system apps) are not out of place', () => {
    const { parsed: apps } = parseApps([
      {
        CFBundleIdentifier: 'com.apple.a',
        ApplicationType: 'System',
        Path: '/private/preboot/Cryptexes/App/Applications/MobileSafari.app',
      },
      {
        CFBundleIdentifier: 'com.apple.b',
        ApplicationType: 'System',
        Path: '/private/var/staged_system_apps/Stocks.app',
      },
      {
        CFBundleIdentifier: 'com.apple.c',
        ApplicationType: 'Internal',
        Path: '/System/Library/PrivateFrameworks/X.framework/X.app',
      },
    ]);
    expect(findJailbreakIndicators(apps).parsed.indicators).toEqual([]);
  });

  it('no app list: nothing found means nothing (appsChecked false)', () => {
    const { parsed, warnings } = findJailbreakIndicators(undefined);
    expect(parsed.appsChecked).toBe(false);
    expect(warnings.join('\n')).toMatch(/could not be looked for/);
  });
});

describe('knownTool', () => {
  it('knows a tool re-signed for sideloading with its team id as a last part', () => {
    expect(knownTool('com.opa334.Dopamine.726YNLRKV9')?.name).toBe('Dopamine');
    expect(knownTool('com.opa334.Dopamine-roothide')?.role).toBe('jailbreak');
    expect(knownTool('com.tigisoftware.Filza')?.role).toBe('file-manager');
  });
  it('does not strip an ordinary last part, or name an unknown app', () => {
    expect(knownTool('com.opa334.Dopamine.extension')).toBeUndefined();
    expect(knownTool('com.example.notes.726YNLRKV9')).toBeUndefined();
    expect(knownTool('com.opa334')).toBeUndefined();
  });
});
