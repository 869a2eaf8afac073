/** Reads `fixtures/devices/ios-<name>/profile.yaml` and the app lists it names into an IosProfile. */

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { readProfileYaml } from '../profileFiles.js';
import { isDict, type PlistDict, type PlistValue } from './plist.js';

/**
 * What lockdownd answers to GetValue without a session: the values a real
 * phone gives any computer, paired or not. Everything else needs a session.
 */
export const PUBLIC_LOCKDOWN_KEYS = [
  'BasebandCertId',
  'BasebandKeyHashInformation',
  'BasebandSerialNumber',
  'BasebandVersion',
  'BoardId',
  'BuildVersion',
  'CPUArchitecture',
  'ChipID',
  'DeviceClass',
  'DeviceColor',
  'DeviceName',
  'DieID',
  'HardwareModel',
  'HasSiDP',
  'PartitionType',
  'ProductName',
  'ProductType',
  'ProductVersion',
  'ProductionSOC',
  'ProtocolVersion',
  'SupportedDeviceFamilies',
  'TelephonyCapability',
  'UniqueChipID',
  'UniqueDeviceID',
  'WiFiAddress',
] as const;

const PUBLIC = new Set<string>(PUBLIC_LOCKDOWN_KEYS);

/**
 * - `paired`: trusted and unlocked; everything answers.
 * - `locked`: passcode set and screen locked: StartService → PasswordProtected.
 * - `locked-before-first-unlock`: just rebooted, never unlocked: even StartSession → PasswordProtected.
 * - `unpaired`: this computer was never trusted: usbmuxd has no pair record.
 * - `pairing-removed`: the computer still has a record but the phone forgot it: StartSession → InvalidHostID.
 */
export const IOS_STATES = [
  'paired',
  'locked',
  'locked-before-first-unlock',
  'unpaired',
  'pairing-removed',
] as const;
export type IosState = (typeof IOS_STATES)[number];

const nonEmpty = z.string().min(1);
const plistValue: z.ZodType<PlistValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.array(plistValue),
    z.record(z.string(), plistValue),
  ]),
) as z.ZodType<PlistValue>;
const plistDict = z.record(z.string(), plistValue);

const mcProfile = z.strictObject({
  identifier: nonEmpty,
  displayName: nonEmpty,
  organization: z.string().optional(),
  description: z.string().optional(),
  removalDisallowed: z.boolean().default(false),
  uuid: nonEmpty,
  version: z.int().default(1),
  active: z.boolean().default(true),
});

export const iosProfileSchema = z.strictObject({
  platform: z.literal('ios'),
  name: nonEmpty,
  description: z.string().default(''),
  udid: z.string().regex(/^[0-9A-Fa-f-]{24,40}$/, 'a UDID is 24–40 hex digits and dashes'),
  state: z.enum(IOS_STATES).default('paired'),
  /** Public lockdown values (readable without a session). */
  public: plistDict.refine(
    (d) => Object.keys(d).every((k) => PUBLIC.has(k)),
    'only the public lockdown keys belong here; put the rest under session',
  ),
  /** Values only a session reads: `global` (no Domain) and per-domain dictionaries. */
  session: z
    .strictObject({
      global: plistDict.default({}),
      domains: z.record(nonEmpty, plistDict).default({}),
    })
    .default({ global: {}, domains: {} }),
  /** Services this phone runs in the simulator; any other name answers InvalidService. */
  services: z
    .array(nonEmpty)
    .default(['com.apple.mobile.installation_proxy', 'com.apple.mobile.MCInstall']),
  /** Services that start without TLS on their connection (EnableServiceSSL false). */
  plainServices: z.array(nonEmpty).default([]),
  /** YAML files (relative to the profile folder) each holding a list of installation_proxy app dictionaries. */
  apps: z.array(nonEmpty).default([]),
  /** How many apps go in one BrowsingApplications message. */
  browseBatch: z.int().min(1).max(1000).default(25),
  profiles: z.array(mcProfile).default([]),
  cloudConfiguration: plistDict.default({}),
  /**
   * Misbehaviour for tests and training: `silent` lists requests, as the
   * request log writes them (`StartSession`,
   * `com.apple.mobile.installation_proxy Browse`), that are never answered.
   */
  faults: z.strictObject({ silent: z.array(nonEmpty).default([]) }).default({ silent: [] }),
  /**
   * The phone's clock: `offsetSeconds` ahead of the computer's (negative: behind). The session
   * value TimeIntervalSince1970 is the computer's clock now plus this, so it moves. Default 0.
   */
  clock: z.strictObject({ offsetSeconds: z.number().min(-1e10).max(1e10) }).optional(),
});

export type IosProfileYaml = z.infer<typeof iosProfileSchema>;

export interface IosProfile extends Omit<IosProfileYaml, 'apps' | 'profiles'> {
  dir: string;
  /** Installation_proxy app dictionaries, in the order the phone lists them. */
  apps: PlistDict[];
  profiles: z.infer<typeof mcProfile>[];
}

export class IosProfileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'IosProfileError';
  }
}

function issues(error: z.ZodError): string {
  return error.issues
    .map((i) => `  at ${i.path.map(String).join('.') || '(top)'}: ${i.message}`)
    .join('\n');
}

const appList = z.array(
  plistDict.refine(
    (d) => typeof d.CFBundleIdentifier === 'string' && typeof d.ApplicationType === 'string',
    'every app needs CFBundleIdentifier and ApplicationType',
  ),
);

export async function loadIosProfile(dirOrName: string): Promise<IosProfile> {
  const { dir, yamlPath, raw } = await readProfileYaml(
    dirOrName,
    (path, message) => new IosProfileError(path, message),
  );
  const parsed = iosProfileSchema.safeParse(raw);
  if (!parsed.success)
    throw new IosProfileError(yamlPath, `invalid profile:\n${issues(parsed.error)}`);
  const p = parsed.data;
  const apps: PlistDict[] = [];
  for (const rel of p.apps) {
    const file = resolve(dir, rel);
    let list: unknown;
    try {
      list = parseYaml(await readFile(file, 'utf8'));
    } catch (err) {
      throw new IosProfileError(yamlPath, `apps: cannot read ${rel}: ${(err as Error).message}`);
    }
    const ok = appList.safeParse(list);
    if (!ok.success) throw new IosProfileError(file, `invalid app list:\n${issues(ok.error)}`);
    apps.push(...ok.data.filter(isDict));
  }
  const seen = new Set<string>();
  for (const a of apps) {
    const id = a.CFBundleIdentifier as string;
    if (seen.has(id)) throw new IosProfileError(yamlPath, `app ${id} is listed twice`);
    seen.add(id);
  }
  return { ...p, dir, apps };
}
