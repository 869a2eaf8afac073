/**
 * The Snapshot's schema, for reading a saved snapshot.json back (analyze,
 * report) and for schema/snapshot.schema.json. Mirrors ./types.ts; a test
 * checks that a fresh scan's snapshot passes it.
 */
import { z } from 'zod';
import { CHECK_CAUSES } from '../model/check.js';
import { LINKED_DEVICE_KINDS, PHONE_USER_KINDS } from '../model/linkedDevices.js';
import { RECENT_USE_KINDS, SCREEN_LOCK_CREDENTIALS, SNAPSHOT_SCHEMA } from '../model/snapshot.js';

const grant = z.object({ name: z.string(), granted: z.boolean(), flags: z.string().optional() });
const cert = z.object({
  sha1: z.string().regex(/^[0-9A-F]{40}$/),
  sha256: z.string().regex(/^[0-9A-F]{64}$/),
  subject: z.string().optional(),
  issuer: z.string().optional(),
  organization: z.string().optional(),
  scheme: z.enum(['v1', 'v2', 'v3']).optional(),
});
const component = z.object({ package: z.string(), component: z.string(), raw: z.string() });
const isoTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

const app = z.object({
  id: z.string(),
  label: z.string().optional(),
  versionName: z.string().optional(),
  versionCode: z.number().optional(),
  installer: z.string().optional(),
  installInitiator: z.string().optional(),
  installOriginator: z.string().optional(),
  installPackageSource: z
    .enum(['unspecified', 'other', 'store', 'local-file', 'downloaded-file'])
    .optional(),
  installedFromComputer: z.boolean().optional(),
  falseStoreClaim: z.string().optional(),
  installerClass: z.enum(['store', 'other-store', 'sideloaded', 'preinstalled', 'unknown']),
  firstInstallTime: isoTime.optional(),
  lastUpdateTime: isoTime.optional(),
  uid: z.number().optional(),
  system: z.boolean(),
  updatedSystem: z.boolean(),
  enabled: z.boolean().optional(),
  installedForUser0: z.boolean().optional(),
  apkPaths: z.array(z.string()),
  flags: z.array(z.string()).optional(),
  permissions: z.object({
    requested: z.array(z.string()),
    install: z.array(grant),
    runtime: z.array(grant),
  }),
  launcher: z.enum(['visible', 'hidden', 'unknown']),
  apkSha256: z
    .string()
    .regex(/^[0-9A-F]{64}$/)
    .optional(),
  certs: z.array(cert).optional(),
});

const pastAppTime = z.object({
  utc: isoTime.optional(),
  phoneTime: z.string().optional(),
  printed: z.string().optional(),
  unknown: z.string().optional(),
});
/** LastUse: Android's app-op times and an iPhone's App Privacy Report */
const lastUse = z.object({
  phoneTime: z.string(),
  utc: isoTime.optional(),
  op: z.string(),
  ongoing: z.literal(true).optional(),
});

const pastApp = z.object({
  id: z.string(),
  sources: z.array(z.enum(['battery-history', 'kept-data'])).min(1),
  installed: pastAppTime.optional(),
  removed: pastAppTime.optional(),
});

/** The phone's clock against this computer's (PhoneClock in src/model/snapshot.ts). */
const phoneClock = z.object({
  phoneUtc: isoTime,
  laptopUtc: isoTime,
  driftSeconds: z.number(),
  uncertaintySeconds: z.number().min(0),
  roundTripMs: z.number().min(0).optional(),
  zone: z.string().max(100).optional(),
  utcOffset: z
    .string()
    .regex(/^[+-]\d\d:\d\d$/)
    .optional(),
  read: z.enum(['command', 'lockdown']),
});

/** Devices and networks linked to the phone (model/linkedDevices.ts): identifiers and totals. */
const linkedKind = z.enum(LINKED_DEVICE_KINDS);
const linkedState = z.object({
  pairedDevices: z
    .array(
      z.object({
        address: z.string(),
        name: z.string().optional(),
        transport: z.enum(['classic', 'le', 'dual', 'unknown']).optional(),
        kind: linkedKind.optional(),
        classOfDevice: z.string().optional(),
      }),
    )
    .optional(),
  bluetoothOff: z.boolean().optional(),
  companionAssociations: z
    .array(
      z.object({
        package: z.string(),
        userId: z.number().optional(),
        address: z.string().optional(),
        displayName: z.string().optional(),
        profile: z.string().optional(),
        kind: linkedKind,
        approved: z.string().optional(),
        selfManaged: z.boolean().optional(),
      }),
    )
    .optional(),
  vpn: z
    .object({
      active: z.array(
        z.object({ ownerUid: z.number().optional(), package: z.string().optional() }),
      ),
      alwaysOn: z.string().optional(),
      lockdown: z.boolean().optional(),
    })
    .optional(),
  privateDns: z
    .object({
      mode: z.enum(['off', 'opportunistic', 'hostname', 'unknown']),
      host: z.string().optional(),
      raw: z.string().optional(),
    })
    .optional(),
  proxy: z
    .array(
      z.object({
        source: z.enum(['global_http_proxy', 'http_proxy', 'pac']),
        host: z.string(),
        port: z.number().optional(),
        exclusions: z.string().optional(),
      }),
    )
    .optional(),
  users: z
    .array(
      z.object({
        id: z.number(),
        name: z.string().optional(),
        flags: z.string().optional(),
        type: z.string().optional(),
        kind: z.enum(PHONE_USER_KINDS),
        running: z.boolean().optional(),
        parentId: z.number().optional(),
      }),
    )
    .optional(),
  keyboards: z
    .array(z.object({ package: z.string(), component: z.string(), default: z.boolean() }))
    .optional(),
  roleHolders: z.record(z.string(), z.array(z.string())).optional(),
  bytesSent: z
    .array(z.object({ uid: z.number(), package: z.string().optional(), bytes: z.number() }))
    .optional(),
});

export const androidSnapshotSchema = z.object({
  schema: z.literal(SNAPSHOT_SCHEMA),
  platform: z.literal('android'),
  tool: z.object({ name: z.string(), version: z.string() }),
  started: isoTime,
  finished: isoTime,
  complete: z.boolean(),
  device: z.object({
    serial: z.string(),
    manufacturer: z.string().optional(),
    brand: z.string().optional(),
    model: z.string().optional(),
    device: z.string().optional(),
    androidVersion: z.string().optional(),
    sdk: z.number().optional(),
    securityPatch: z.string().optional(),
    fingerprint: z.string().optional(),
    buildType: z.string().optional(),
    buildTags: z.string().optional(),
  }),
  props: z.record(z.string(), z.string()),
  apps: z.array(app),
  accessibilityServices: z.array(component),
  notificationListeners: z.array(component),
  deviceAdmins: z.array(component.extend({ policies: z.array(z.string()).optional() })),
  deviceOwner: component.optional(),
  profileOwners: z.array(component),
  accounts: z.array(z.object({ type: z.string(), name: z.string() })),
  settings: z.object({
    secure: z.record(z.string(), z.string()),
    global: z.record(z.string(), z.string()),
    system: z.record(z.string(), z.string()),
  }),
  appOps: z.record(z.string(), z.array(z.string())),
  appOpsLastAccess: z.record(z.string(), z.record(z.string(), isoTime)).optional(),
  batteryOptimisationExempt: z.array(z.string()),
  root: z.object({
    debuggable: z.boolean().optional(),
    testKeys: z.boolean().optional(),
    verifiedBootState: z.string().optional(),
    bootloaderLocked: z.boolean().optional(),
    suPaths: z.array(z.string()),
    rootPackages: z.array(z.string()),
  }),
  adbKeys: z
    .array(
      z.object({
        name: z.string().optional(),
        fingerprint: z.string().optional(),
        lastConnection: z.string().optional(),
      }),
    )
    .optional(),
  pastApps: z.array(pastApp).optional(),
  linked: linkedState.optional(),
  screenLock: z
    .object({
      userId: z.number().int(),
      credential: z.enum(SCREEN_LOCK_CREDENTIALS),
      raw: z.string().optional(),
    })
    .optional(),
  clock: phoneClock.optional(),
  recentUse: z
    .record(
      z.string(),
      z.object(Object.fromEntries(RECENT_USE_KINDS.map((k) => [k, lastUse.optional()]))).strict(),
    )
    .optional(),
  checks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.enum(['ok', 'partial', 'not-checked']),
      reason: z.string().optional(),
      cause: z.enum(CHECK_CAUSES).optional(),
      detail: z.string().optional(),
    }),
  ),
  warnings: z.array(z.string()),
  parsers: z.array(z.object({ id: z.string(), version: z.number() })),
  raw: z.array(
    z.object({
      id: z.string(),
      command: z.string(),
      file: z.string(),
      time: isoTime,
      durationMs: z.number(),
      bytes: z.number(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
});

const flag = z.union([z.boolean(), z.literal('unknown')]);
const text = z.string().max(4096);
const texts = z.array(text).max(4096);

const iosSigner = z.object({
  class: z.enum(['app-store', 'enterprise', 'developer', 'testflight', 'system', 'unknown']),
  claimed: z.enum(['app-store', 'enterprise', 'developer', 'testflight', 'system', 'unknown']),
  identity: text.optional(),
  organization: text.optional(),
  teamId: text.optional(),
  distribution: z.enum(['enterprise', 'ad-hoc', 'unknown']).optional(),
  profileValidated: z.boolean().optional(),
  adHocSigned: z.boolean().optional(),
  hasPurchaseRecord: z.boolean(),
});

const iosApp = z.object({
  id: text,
  name: text.optional(),
  version: text.optional(),
  bundleVersion: text.optional(),
  type: z.enum(['User', 'System', 'Internal', 'Hidden', 'other']),
  typeRaw: text.optional(),
  system: z.boolean(),
  signer: iosSigner,
  spoofedAppStoreSigner: z
    .object({
      reasons: z.array(
        z.enum([
          'ad-hoc-signed',
          'no-purchase-record',
          'apple-organisation',
          'platform-application',
          'no-sandbox',
        ]),
      ),
    })
    .optional(),
  appleLookalike: z.boolean(),
  hidden: z.enum(['visible', 'hidden', 'unknown']),
  hiddenBy: z.array(z.enum(['sbapptags', 'no-home-screen-icon'])),
  tags: texts,
  backgroundModes: texts,
  usageDescriptions: texts,
  entitlements: z.object({
    notable: texts,
    tccAllow: texts,
    applicationIdentifier: text.optional(),
    getTaskAllow: z.boolean().optional(),
  }),
  path: text.optional(),
  container: text.optional(),
});

const iosProfile = z.object({
  id: text,
  uuid: text.optional(),
  displayName: text.optional(),
  organisation: text.optional(),
  description: text.optional(),
  removalDisallowed: flag,
  active: flag,
  version: z.number().optional(),
  payloadContents: z.literal('not-readable'),
});

const iosCloud = z.object({
  present: z.boolean(),
  supervised: flag,
  organisation: text.optional(),
  department: text.optional(),
  email: text.optional(),
  phone: text.optional(),
  mdmUnremovable: flag,
  mandatory: flag,
  applied: flag,
  allowPairing: flag,
  skipSetup: texts,
  keys: texts,
});

export const iosSnapshotSchema = z.object({
  schema: z.literal(SNAPSHOT_SCHEMA),
  platform: z.literal('ios'),
  tool: z.object({ name: z.string(), version: z.string() }),
  started: isoTime,
  finished: isoTime,
  complete: z.boolean(),
  device: z.object({
    serial: text,
    udid: text,
    manufacturer: z.literal('Apple'),
    model: text.optional(),
    productType: text.optional(),
    marketingName: text.optional(),
    hardwareModel: text.optional(),
    deviceClass: text.optional(),
    deviceName: text.optional(),
    iosVersion: text.optional(),
    build: text.optional(),
    serialNumber: text.optional(),
    passcodeSet: flag,
    supervised: flag,
    findMyAssociated: flag,
    backupEncryption: flag,
    developerMode: flag,
    wifiSync: flag,
    missingValues: texts,
  }),
  apps: z.array(iosApp),
  homeScreenRead: z.boolean(),
  profiles: z.array(iosProfile),
  cloudConfiguration: iosCloud.optional(),
  jailbreak: z.object({
    jailbreak: z.boolean(),
    trollStore: z.boolean(),
    indicators: z.array(
      z.object({
        kind: z.enum([
          'known-app',
          'jailbreak-path',
          'privileged-user-app',
          'system-app-outside-system',
        ]),
        appId: text,
        tool: z
          .object({
            name: text,
            role: z.enum([
              'jailbreak',
              'package-manager',
              'trollstore',
              'file-manager',
              'terminal',
            ]),
          })
          .optional(),
        strength: z.enum(['strong', 'supporting']),
      }),
    ),
    appsChecked: z.boolean(),
  }),
  clock: phoneClock.optional(),
  recentUse: androidSnapshotSchema.shape.recentUse,
  privacyReport: z
    .object({
      file: text,
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      from: isoTime.optional(),
      to: isoTime.optional(),
      accesses: z.number().int().min(0),
      networkRecords: z.number().int().min(0),
      apps: z.number().int().min(0),
      skippedLines: z.number().int().min(0),
      otherUse: z.record(z.string(), z.record(z.string(), lastUse)).optional(),
      domains: z
        .record(
          z.string(),
          z.array(
            z.object({
              domain: text,
              hits: z.number().int().min(0),
              last: isoTime.optional(),
              tracker: z.literal(true).optional(),
              owner: text.optional(),
            }),
          ),
        )
        .optional(),
      notOnAppList: texts.optional(),
    })
    .optional(),
  checks: androidSnapshotSchema.shape.checks,
  warnings: z.array(z.string()),
  parsers: androidSnapshotSchema.shape.parsers,
  raw: androidSnapshotSchema.shape.raw,
});

/** A saved snapshot.json of either platform. */
export const snapshotSchema = z.discriminatedUnion('platform', [
  androidSnapshotSchema,
  iosSnapshotSchema,
]);

export function snapshotJsonSchema(): unknown {
  return z.toJSONSchema(snapshotSchema, { target: 'draft-2020-12' });
}
