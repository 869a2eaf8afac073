import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseApps } from './apps.js';
import { parseProvisioningProfiles, provisionsAllDevicesByTeam } from './provisioning.js';
import { loadPlist } from './testdata.test-util.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const file = (name: string) => readFileSync(join(HERE, 'testdata', name));
const ENTERPRISE = file('ios17-provisioning-enterprise.mobileprovision');
const DEVELOPMENT = file('ios17-provisioning-development.mobileprovision');
const UDID = '00008120-000E25C83A90201E';

describe('parseProvisioningProfiles (misagent CopyAll)', () => {
  it('iOS 17: an enterprise profile and a free-account development profile', () => {
    const { parsed, warnings } = parseProvisioningProfiles(
      { Status: 0, Payload: [ENTERPRISE, new Uint8Array(DEVELOPMENT)] },
      UDID,
    );
    expect(warnings).toEqual([]);
    expect(parsed).toEqual([
      {
        uuid: '5E8A1C3F-2B7D-4E90-A1C6-8F3D2B4E6A71',
        name: 'Harbour Field In House',
        teamIds: ['7QK2M9XW4P'],
        teamName: 'Harbour Logistics Solutions Ltd',
        appIdName: 'Harbour Field',
        applicationIdentifier: '7QK2M9XW4P.*',
        provisionsAllDevices: true,
        listsThisPhone: 'unknown',
        getTaskAllow: false,
        kind: 'enterprise',
        created: '2024-03-04T10:21:07.000Z',
        expires: '2025-03-04T10:21:07.000Z',
      },
      {
        uuid: 'A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D',
        name: 'iOS Team Provisioning Profile: *',
        teamIds: ['Z9Y8X7W6V5'],
        teamName: 'John Doe (Personal Team)',
        appIdName: 'XC Wildcard',
        applicationIdentifier: 'Z9Y8X7W6V5.*',
        provisionsAllDevices: false,
        deviceCount: 2,
        listsThisPhone: true,
        getTaskAllow: true,
        kind: 'development',
        created: '2024-05-20T18:02:44.000Z',
        expires: '2024-05-27T18:02:44.000Z',
      },
    ]);
  });

  it('tells parseApps that the distribution-signed app is enterprise', () => {
    const { parsed: profiles } = parseProvisioningProfiles({ Status: 0, Payload: [ENTERPRISE] });
    const teams = provisionsAllDevicesByTeam(profiles);
    expect([...teams]).toEqual([['7QK2M9XW4P', true]]);
    const { parsed: apps } = parseApps(loadPlist('ios17-apps.plist'), {
      provisionsAllDevices: teams,
    });
    expect(apps.find((a) => a.id === 'uk.co.harbourlogistics.fieldapp')!.signer.distribution).toBe(
      'enterprise',
    );
  });

  it('no profiles: an empty list, no warning', () => {
    expect(parseProvisioningProfiles({ Status: 0, Payload: [] })).toEqual({
      parsed: [],
      warnings: [],
    });
  });

  it('hostile: wrong types, no plist, broken XML, huge data, a thousand entries never throw', () => {
    for (const bad of [undefined, null, [], 'x', { Payload: 'x' }])
      expect(parseProvisioningProfiles(bad).parsed).toEqual([]);
    const { parsed, warnings } = parseProvisioningProfiles({
      Status: 1,
      Payload: [
        'not data',
        Buffer.from('0\x82 no plist here'),
        Buffer.from('<?xml version="1.0"?><plist><dict><key>a</key></plist>'),
        Buffer.from('<?xml version="1.0"?><plist><array/></plist>'),
        Buffer.alloc(3 * 1024 * 1024),
        ENTERPRISE,
      ],
    });
    expect(parsed.map((p) => p.name)).toEqual(['Harbour Field In House']);
    expect(warnings.length).toBeGreaterThanOrEqual(5);
    const many = parseProvisioningProfiles({ Payload: Array(1000).fill(DEVELOPMENT) });
    expect(many.parsed).toHaveLength(200);
  });
});
