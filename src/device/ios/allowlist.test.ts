import { describe, expect, it } from 'vitest';
import {
  assertAllowedLockdown,
  assertAllowedService,
  assertAllowedUsbmux,
  ForbiddenRequestError,
  INSTALLATION_PROXY,
  MC_INSTALL,
  MISAGENT,
  SPRINGBOARD,
} from './allowlist.js';

const ld = (o: Record<string, unknown>) => ({ Label: 'spycheck', ProtocolVersion: '2', ...o });

describe('lockdown allowlist', () => {
  it.each([
    ld({ Request: 'QueryType' }),
    ld({ Request: 'GetValue' }),
    ld({ Request: 'GetValue', Domain: 'com.apple.fmip', Key: 'IsAssociated' }),
    ld({ Request: 'StartSession', HostID: 'H', SystemBUID: 'B' }),
    ld({ Request: 'StopSession' }),
    ld({ Request: 'StartService', Service: INSTALLATION_PROXY }),
    ld({ Request: 'StartService', Service: MC_INSTALL }),
    ld({ Request: 'StartService', Service: MISAGENT }),
    ld({ Request: 'StartService', Service: SPRINGBOARD }),
  ])('allows %o', (req) => expect(() => assertAllowedLockdown(req)).not.toThrow());

  it.each([
    ld({
      Request: 'SetValue',
      Domain: 'com.apple.mobile.wireless_lockdown',
      Key: 'EnableWifiConnections',
      Value: true,
    }),
    ld({ Request: 'RemoveValue', Key: 'DeviceName' }),
    ld({ Request: 'Pair', PairRecord: {} }),
    ld({ Request: 'Unpair' }),
    ld({ Request: 'ValidatePair' }),
    ld({ Request: 'EnterRecovery' }),
    ld({ Request: 'Activate' }),
    ld({ Request: 'Deactivate' }),
    ld({ Request: 'Goodbye' }),
    ld({ Request: 'getvalue' }),
    ld({}),
    ld({ Request: 'GetValue', Key: 'DeviceName', Value: 'x' }),
    ld({ Request: 'StartService', Service: 'com.apple.mobile.diagnostics_relay' }),
    ld({ Request: 'StartService', Service: 'com.apple.afc' }),
    ld({ Request: 'StartService', Service: 'com.apple.crashreportmover' }),
    ld({ Request: 'StartService', Service: 'com.apple.mobilebackup2' }),
    ld({ Request: 'StartService', Service: 'com.apple.mobile.house_arrest' }),
    ld({ Request: 'StartService', Service: 'com.apple.mobile.screenshotr' }),
    ld({ Request: 'StartService', Service: 'toString' }),
    ld({ Request: 'StartService' }),
    'GetValue',
    null,
    [ld({ Request: 'GetValue' })],
  ])('refuses %o before it is sent', (req) => {
    expect(() => assertAllowedLockdown(req)).toThrow(ForbiddenRequestError);
  });
});

describe('service allowlist', () => {
  it.each([
    [
      INSTALLATION_PROXY,
      {
        Command: 'Browse',
        ClientOptions: { ApplicationType: 'Any', ReturnAttributes: ['CFBundleIdentifier'] },
      },
    ],
    [INSTALLATION_PROXY, { Command: 'Lookup', ClientOptions: { BundleIDs: ['a.b'] } }],
    [MC_INSTALL, { RequestType: 'GetProfileList' }],
    [MC_INSTALL, { RequestType: 'GetCloudConfiguration' }],
    [MISAGENT, { MessageType: 'CopyAll', ProfileType: 'Provisioning' }],
    [SPRINGBOARD, { command: 'getIconState', formatVersion: '2' }],
  ] as const)('%s allows %o', (service, req) => {
    expect(() => assertAllowedService(service, req)).not.toThrow();
  });

  it.each([
    [INSTALLATION_PROXY, { Command: 'Install', PackagePath: '/x.ipa' }],
    [INSTALLATION_PROXY, { Command: 'Upgrade', PackagePath: '/x.ipa' }],
    [INSTALLATION_PROXY, { Command: 'Uninstall', ApplicationIdentifier: 'com.life360.safetymap' }],
    [INSTALLATION_PROXY, { Command: 'Archive', ApplicationIdentifier: 'a' }],
    [INSTALLATION_PROXY, { Command: 'RemoveArchive', ApplicationIdentifier: 'a' }],
    [
      INSTALLATION_PROXY,
      { Command: 'Browse', ClientOptions: { ApplicationType: 'Any', PackagePath: '/x' } },
    ],
    [INSTALLATION_PROXY, { Command: 'Browse', ApplicationIdentifier: 'a' }],
    [MC_INSTALL, { RequestType: 'InstallProfile', Payload: Buffer.from('x') }],
    [MC_INSTALL, { RequestType: 'RemoveProfile', ProfileIdentifier: Buffer.from('x') }],
    [MC_INSTALL, { RequestType: 'Flush' }],
    [MC_INSTALL, { RequestType: 'EraseDevice' }],
    [MISAGENT, { MessageType: 'Install', Profile: Buffer.from('x'), ProfileType: 'Provisioning' }],
    [MISAGENT, { MessageType: 'Remove', ProfileID: 'x', ProfileType: 'Provisioning' }],
    [MISAGENT, { MessageType: 'CopyAll', ProfileType: 'Other' }],
    [SPRINGBOARD, { command: 'setIconState', iconState: [] }],
    [SPRINGBOARD, { command: 'getIconPNGData', bundleId: 'a' }],
    ['com.apple.mobile.diagnostics_relay', { Request: 'Restart' }],
    ['com.apple.afc', { Operation: 'RemovePath' }],
    ['__proto__', { command: 'getIconState' }],
  ] as const)('%s refuses %o', (service, req) => {
    expect(() => assertAllowedService(service, req)).toThrow(ForbiddenRequestError);
  });
});

describe('usbmuxd allowlist', () => {
  it('allows look-ups and Connect', () => {
    for (const t of ['ListDevices', 'ReadPairRecord', 'ReadBUID', 'Connect'])
      expect(() => assertAllowedUsbmux({ MessageType: t, ProgName: 'x' })).not.toThrow();
  });
  it.each(['SavePairRecord', 'DeletePairRecord', 'Listen', 'Pair', ''])('refuses %s', (t) => {
    expect(() => assertAllowedUsbmux({ MessageType: t })).toThrow(ForbiddenRequestError);
  });
  it('refuses a pair record smuggled into an allowed message', () => {
    expect(() =>
      assertAllowedUsbmux({
        MessageType: 'ReadPairRecord',
        PairRecordID: 'x',
        PairRecordData: Buffer.from('x'),
      }),
    ).toThrow(ForbiddenRequestError);
  });
});
