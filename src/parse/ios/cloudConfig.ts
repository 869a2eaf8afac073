/**
 * MCInstall GetCloudConfiguration → supervision and Automated Device
 * Enrolment (Apple Business/School Manager). `{}` means no organisation set
 * the phone up; it does not prove the phone is not supervised (Apple
 * Configurator, or a value the phone left out): lockdown's
 * DeviceIsChaperoned says that, and a missing key is 'unknown'.
 */
import type { IosCloudConfiguration } from '../../model/iosSnapshot.js';
import type { ParseResult } from '../../model/parse.js';
import { flag, isDict, MAX_LIST, text, textList, Warnings } from './values.js';

export const PARSER = { id: 'ios.cloudConfiguration', version: 2 } as const;

/**
 * Keys that only an organisation's set-up writes. An ordinary iPhone also
 * answers with a few keys (AllowPairing, CloudConfigurationUIComplete,
 * IsSupervised false…): those never count as "set up by an organisation".
 */
const ORGANISATION_KEYS = [
  'OrganizationName',
  'OrganizationMagic',
  'ConfigurationURL',
  'MDMServerURL',
  'OrganizationEmail',
  'OrganizationPhone',
];

export function parseCloudConfiguration(value: unknown): ParseResult<IosCloudConfiguration> {
  const w = new Warnings();
  const where = 'Cloud configuration';
  let d: Record<string, unknown> = {};
  if (isDict(value)) d = value;
  else
    w.add(
      value === undefined
        ? 'No cloud configuration was read'
        : 'The cloud configuration is not a dictionary; ignored',
    );
  const keys = Object.keys(d).slice(0, MAX_LIST);
  const c: IosCloudConfiguration = {
    present:
      ORGANISATION_KEYS.some((k) => Object.hasOwn(d, k)) ||
      d.IsMandatory === true ||
      d.IsMDMUnremovable === true ||
      d.IsSupervised === true,
    supervised: flag(d, 'IsSupervised', w, where),
    organisation: text(d, 'OrganizationName', w, where),
    department: text(d, 'OrganizationDepartment', w, where),
    email: text(d, 'OrganizationEmail', w, where),
    phone: text(d, 'OrganizationPhone', w, where),
    mdmUnremovable: flag(d, 'IsMDMUnremovable', w, where),
    mandatory: flag(d, 'IsMandatory', w, where),
    applied: flag(d, 'ConfigurationWasApplied', w, where),
    allowPairing: flag(d, 'AllowPairing', w, where),
    skipSetup: textList(d, 'SkipSetup', w, where),
    keys,
  };
  for (const k of ['organisation', 'department', 'email', 'phone'] as const)
    if (c[k] === undefined) delete c[k];
  return { parsed: c, warnings: w.done() };
}
