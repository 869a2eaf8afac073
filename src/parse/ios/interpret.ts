/**
 * One call from what the door read to the iOS details of a scan: every
 * parser in the right order (home screen before apps, apps before the
 * jailbreak check). Pure. A part that was not read is left undefined and
 * comes out unknown, never clean.
 */
import type { IosScanDetails } from '../../model/iosSnapshot.js';
import { parseApps } from './apps.js';
import { parseCloudConfiguration } from './cloudConfig.js';
import { parseIconState } from './iconState.js';
import { IOS_PARSERS } from './index.js';
import { findJailbreakIndicators } from './jailbreak.js';
import { parseLockdownValues } from './lockdownValues.js';
import { parseProfileList } from './profiles.js';
import { parseProvisioningProfiles, provisionsAllDevicesByTeam } from './provisioning.js';

export interface IosReadingParts {
  /** GetValue without a session */
  publicValues?: unknown;
  /** `{ values, missing }` from a session */
  session?: unknown;
  /** installation_proxy Browse list, or a Lookup result */
  apps?: unknown;
  /** springboardservices getIconState answer */
  iconState?: unknown;
  /** MCInstall GetProfileList answer */
  profileList?: unknown;
  /** MCInstall GetCloudConfiguration's CloudConfiguration */
  cloudConfiguration?: unknown;
  /** misagent CopyAll (Provisioning) answer */
  provisioning?: unknown;
}

export function interpretIosReading(parts: IosReadingParts): IosScanDetails {
  const warnings: string[] = [];
  const device = parseLockdownValues(parts.publicValues, parts.session);
  warnings.push(...device.warnings);
  const home = parts.iconState === undefined ? undefined : parseIconState(parts.iconState);
  if (home) warnings.push(...home.warnings);
  const homeScreen = home?.parsed.read ? home.parsed : undefined;
  const provisioning =
    parts.provisioning === undefined
      ? undefined
      : parseProvisioningProfiles(parts.provisioning, device.parsed.udid || undefined);
  if (provisioning) warnings.push(...provisioning.warnings);
  const apps =
    parts.apps === undefined
      ? undefined
      : parseApps(parts.apps, {
          homeScreen,
          provisionsAllDevices: provisioning && provisionsAllDevicesByTeam(provisioning.parsed),
        });
  if (apps) warnings.push(...apps.warnings);
  const jailbreak = findJailbreakIndicators(apps?.parsed);
  warnings.push(...jailbreak.warnings);
  const profiles =
    parts.profileList === undefined ? undefined : parseProfileList(parts.profileList);
  if (profiles) warnings.push(...profiles.warnings);
  const cloud =
    parts.cloudConfiguration === undefined
      ? undefined
      : parseCloudConfiguration(parts.cloudConfiguration);
  if (cloud) warnings.push(...cloud.warnings);
  return {
    device: device.parsed,
    ...(apps ? { apps: apps.parsed } : {}),
    homeScreenRead: homeScreen !== undefined,
    ...(profiles ? { profiles: profiles.parsed } : {}),
    ...(cloud ? { cloudConfiguration: cloud.parsed } : {}),
    ...(provisioning ? { provisioningProfiles: provisioning.parsed } : {}),
    jailbreak: jailbreak.parsed,
    warnings,
    parsers: [...IOS_PARSERS],
  };
}
