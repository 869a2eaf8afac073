/**
 * The rule-pack format, as strict zod schemas. The loader validates every
 * YAML document against these; `schema/*.schema.json` is generated from them
 * so editors can validate packs too. Bump RULE_PACK_SCHEMA when a field
 * changes meaning; packs declaring another version are refused.
 */
import { z } from 'zod';
import { CATEGORIES } from '../model/category.js';
import { OTHER_USER_KINDS } from '../model/linkedDevices.js';
import { PURPOSES } from '../model/purpose.js';
import { SEVERITIES } from '../model/severity.js';
import { RECENT_USE_KINDS } from '../model/snapshot.js';
import { HIDDEN_CHARS, HIDDEN_CHARS_EXCEPT_LINE_BREAKS } from '../util/sanitize.js';

import { RULE_PACK_SCHEMA } from './schemaVersion.js';

export { RULE_PACK_SCHEMA };

const SEVERITY = z.enum(SEVERITIES);
const CATEGORY = z.enum(CATEGORIES);
const INSTALLER_CLASS = z.enum(['store', 'other-store', 'sideloaded', 'preinstalled', 'unknown']);

/** Android package / iOS bundle id: dotted identifiers, no wildcards (matching is exact). */
const APP_ID = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/, {
    message: 'expected an exact app id like com.example.app (no wildcards, no spaces)',
  });

/** Hex, any case, optionally colon-separated as keytool prints; normalised to uppercase. */
const hex = (bytes: number, what: string) =>
  z
    .string()
    .regex(
      new RegExp(`^(?:[0-9A-Fa-f]{${bytes * 2}}|[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){${bytes - 1}})$`),
      {
        message: `expected a ${what}: ${bytes * 2} hex digits`,
      },
    );
export const SHA1 = hex(20, 'SHA-1');
export const SHA256 = hex(32, 'SHA-256');

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'expected at least one value');

/**
 * Plain text, line breaks allowed: nothing the terminal sanitiser would remove
 * (control characters and escape sequences, C1 controls, bidi overrides and
 * isolates, zero-width characters), so a pack cannot paint over a report or
 * hide what it says.
 */
const TEXT = z
  .string()
  .min(1)
  .max(4000)
  .regex(new RegExp(`^[^${HIDDEN_CHARS_EXCEPT_LINE_BREAKS}]*$`), {
    message:
      'expected plain text without control, bidi-override or invisible (zero-width) characters',
  });
const SHORT = TEXT.max(200);

const ONE_LINE =
  'expected an app name on one line, without control, bidi-override or invisible (zero-width) characters';

/**
 * An app's name as people know it: one line (a line break could forge a line of
 * the report), no hidden characters, at most 120 characters.
 */
export const LABEL = z
  .string()
  .min(1)
  .max(120)
  .regex(new RegExp(`^[^${HIDDEN_CHARS}]*$`), { message: ONE_LINE })
  .refine((s) => s.trim() !== '', { message: 'expected a name, not only spaces' });

const SETTING_KEY = z.string().regex(/^(?:secure|global|system)\.[A-Za-z0-9_.:-]+$/, {
  message: 'expected "secure.<key>", "global.<key>" or "system.<key>"',
});

export const ROOT_SIGNS = [
  'test_keys',
  'debuggable',
  'bootloader_unlocked',
  'verified_boot_not_green',
  'su_binary',
  'root_package',
] as const;

/** Devices and networks linked to an Android phone (see rules/README.md). */
export const KEYBOARD_STATES = ['default', 'enabled'] as const;
export const ROLES = ['sms', 'dialer', 'call-screening', 'call-redirection', 'assistant'] as const;
export const COMPANION_KINDS = [
  'watch',
  'glasses',
  'car',
  'computer',
  'streaming',
  'other',
] as const;
export const PRIVATE_DNS_MODES = ['off', 'opportunistic', 'hostname', 'unknown'] as const;
export const PROXY_SOURCES = ['global_http_proxy', 'http_proxy', 'pac'] as const;
/** Users and profiles beside the phone's owner */
export const USER_KINDS = OTHER_USER_KINDS;

/** What `recently_used` can name: the Snapshot's kinds of recent use. */
export const RECENT_USES = RECENT_USE_KINDS;

export const IOS_SIGNERS = [
  'app-store',
  'enterprise',
  'developer',
  'testflight',
  'system',
  'unknown',
] as const;
export const IOS_JAILBREAK_SIGNS = [
  'known-app',
  'jailbreak-path',
  'privileged-user-app',
  'system-app-outside-system',
] as const;
export const IOS_DEVICE_KEYS = [
  'passcode_set',
  'supervised',
  'find_my',
  'backup_encryption',
  'developer_mode',
  'wifi_sync',
] as const;

/** Screen lock kinds a rule can name (model/snapshot.ts ScreenLockCredential, less "unknown"). */
export const SCREEN_LOCKS = ['none', 'pattern', 'pin', 'password'] as const;

/**
 * A match expression. A mapping means ALL of its keys must hold (like
 * Sigma); a list value means ANY of its items; `all`/`any`/`not` combine
 * nested expressions. Every matcher is exact — no prefixes, no regular
 * expressions (they are too easy to get wrong and too slow when hostile).
 */
export interface MatchExpr {
  package?: string[];
  ios_bundle?: string[];
  cert_sha1?: string[];
  cert_sha256?: string[];
  apk_sha256?: string[];
  cert_organization?: string[];
  cert_subject_contains?: string[];
  installer?: Array<z.infer<typeof INSTALLER_CLASS>>;
  launcher?: 'hidden' | 'visible';
  system?: boolean;
  handover_app?: boolean;
  permission?: string[];
  appop?: string[];
  platform_name?: boolean;
  false_store_claim?: boolean;
  accessibility_service?: boolean;
  notification_listener?: boolean;
  device_admin?: boolean;
  device_owner?: boolean;
  profile_owner?: boolean;
  usage_access?: boolean;
  draw_over_apps?: boolean;
  install_other_apps?: boolean;
  battery_exempt?: boolean;
  setting?: { key: string; equals?: string[]; absent?: boolean };
  prop?: { key: string; equals: string[] };
  root?: Array<(typeof ROOT_SIGNS)[number]>;
  patch_older_than_days?: number;
  account_count?: { type?: string; at_least: number };
  adb_keys_at_least?: number;
  recently_used?: { what: Array<(typeof RECENT_USES)[number]>; within_hours: number };
  vpn_owner?: boolean;
  keyboard?: Array<(typeof KEYBOARD_STATES)[number]>;
  role?: Array<(typeof ROLES)[number]>;
  companion_device?: Array<(typeof COMPANION_KINDS)[number]>;
  data_sent?: { top: number; at_least_mb: number };
  private_dns?: { mode?: Array<(typeof PRIVATE_DNS_MODES)[number]>; host?: string[] };
  proxy?: Array<(typeof PROXY_SOURCES)[number]>;
  other_users?: Array<(typeof USER_KINDS)[number]>;
  screen_lock?: Array<(typeof SCREEN_LOCKS)[number]>;
  ios_signer?: Array<(typeof IOS_SIGNERS)[number]>;
  ios_spoofed_signer?: boolean;
  ios_apple_lookalike?: boolean;
  ios_background_mode?: string[];
  ios_usage?: string[];
  ios_entitlement?: string[];
  ios_jailbreak_sign?: Array<(typeof IOS_JAILBREAK_SIGNS)[number]>;
  ios_device?: Partial<Record<(typeof IOS_DEVICE_KEYS)[number], boolean>>;
  ios_management?: { enrolled?: boolean; mdm_unremovable?: boolean };
  ios_version_below?: string;
  ios_profile?: boolean;
  ios_profile_removal_disallowed?: boolean;
  all?: MatchExpr[];
  any?: MatchExpr[];
  not?: MatchExpr;
}

export const MATCH: z.ZodType<MatchExpr> = z
  .strictObject({
    package: list(APP_ID).optional().describe('exact Android package names (any of)'),
    ios_bundle: list(APP_ID).optional().describe('exact iOS bundle ids (any of)'),
    cert_sha1: list(SHA1).optional().describe('signing certificate SHA-1 (any of)'),
    cert_sha256: list(SHA256).optional().describe('signing certificate SHA-256 (any of)'),
    apk_sha256: list(SHA256).optional().describe('SHA-256 of base.apk (any of)'),
    cert_organization: list(SHORT)
      .optional()
      .describe('certificate subject organisation O=, exact, case-insensitive'),
    cert_subject_contains: list(SHORT.min(4))
      .optional()
      .describe('text inside the certificate subject, case-insensitive'),
    installer: list(INSTALLER_CLASS).optional().describe('where the app came from (any of)'),
    launcher: z.enum(['hidden', 'visible']).optional().describe('app icon in the launcher'),
    system: z.boolean().optional().describe('part of the system image'),
    handover_app: z
      .boolean()
      .optional()
      .describe(
        'the app was on the phone when it was handed over: in the bundle given with --baseline, ' +
          'else one that came with the phone (a system app)',
      ),
    permission: list(z.string().regex(/^[A-Za-z0-9_.]+$/))
      .optional()
      .describe('granted permissions, full names (any of)'),
    appop: list(z.string().regex(/^[A-Z_]+$/))
      .optional()
      .describe('app-ops in allow mode (any of)'),
    platform_name: z
      .boolean()
      .optional()
      .describe(
        'the package name claims Android or a phone maker (com.android., com.google.android., com.samsung. …)',
      ),
    false_store_claim: z
      .boolean()
      .optional()
      .describe(
        "the installer field names a store, but Android's own install record says otherwise",
      ),
    accessibility_service: z.boolean().optional(),
    notification_listener: z.boolean().optional(),
    device_admin: z.boolean().optional(),
    device_owner: z.boolean().optional(),
    profile_owner: z.boolean().optional(),
    usage_access: z.boolean().optional(),
    draw_over_apps: z.boolean().optional(),
    install_other_apps: z.boolean().optional(),
    battery_exempt: z.boolean().optional(),
    setting: z
      .strictObject({
        key: SETTING_KEY,
        equals: list(z.string().max(200)).optional(),
        absent: z.literal(true).optional(),
      })
      .refine((s) => (s.equals === undefined) !== (s.absent === undefined), {
        message: 'expected exactly one of "equals" or "absent"',
      })
      .optional()
      .describe('a device setting value'),
    prop: z
      .strictObject({
        key: z.string().regex(/^[A-Za-z0-9_.-]+$/),
        equals: list(z.string().max(200)),
      })
      .optional()
      .describe('a system property value'),
    root: list(z.enum(ROOT_SIGNS)).optional().describe('root indicators (any of)'),
    patch_older_than_days: z.number().int().min(1).max(36500).optional(),
    account_count: z
      .strictObject({
        type: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+$/)
          .optional(),
        at_least: z.number().int().min(1),
      })
      .optional(),
    adb_keys_at_least: z.number().int().min(1).optional(),
    recently_used: z
      .strictObject({
        what: list(z.enum(RECENT_USES)),
        within_hours: z
          .number()
          .int()
          .min(1)
          .max(24 * 366),
      })
      .optional()
      .describe(
        'The app used any of these (location, microphone, camera, body sensors, sms, call log; iPhone: contacts, photos) within this many hours before the scan ended. Android: the app-op records; iPhone: an App Privacy Report its owner saved (none given: no)',
      ),
    vpn_owner: z
      .boolean()
      .optional()
      .describe('Android: the app set up the VPN connected now, or is the always-on VPN app'),
    keyboard: list(z.enum(KEYBOARD_STATES))
      .optional()
      .describe(
        'Android: the app is the keyboard in use (default) or a keyboard turned on (enabled)',
      ),
    role: list(z.enum(ROLES))
      .optional()
      .describe(
        'Android: the app holds any of these roles for the main user (sms, dialer, call-screening, call-redirection, assistant)',
      ),
    companion_device: list(z.enum(COMPANION_KINDS))
      .optional()
      .describe(
        'Android: the app is linked to a nearby device of any of these kinds (Companion Device Manager; other = no kind given)',
      ),
    data_sent: z
      .strictObject({
        top: z.number().int().min(1).max(50),
        at_least_mb: z.number().min(0).max(1_000_000),
      })
      .optional()
      .describe(
        'Android: the app is among the top senders of data since the phone started, and sent at least this many megabytes',
      ),
    private_dns: z
      .strictObject({
        mode: list(z.enum(PRIVATE_DNS_MODES)).optional(),
        host: list(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/)).optional(),
      })
      .refine((d) => d.mode !== undefined || d.host !== undefined, {
        message: 'expected "mode" or "host"',
      })
      .optional()
      .describe('Android: private DNS mode (any of) and provider host name (exact, any of)'),
    proxy: list(z.enum(PROXY_SOURCES))
      .optional()
      .describe('Android: a proxy is set (global_http_proxy, http_proxy, or a proxy script: pac)'),
    other_users: list(z.enum(USER_KINDS))
      .optional()
      .describe('Android: another user or profile of any of these kinds is on the phone'),
    screen_lock: list(z.enum(SCREEN_LOCKS))
      .optional()
      .describe(
        "Android: the main user's screen lock is any of these (none, pattern, pin, password); a phone that does not say (Android 8–10) is not evaluated",
      ),
    ios_signer: list(z.enum(IOS_SIGNERS))
      .optional()
      .describe(
        'iPhone: who signed the app (any of). app-store; testflight; enterprise (a company, outside the App Store); developer (a developer build); system (part of iOS); unknown',
      ),
    ios_spoofed_signer: z
      .boolean()
      .optional()
      .describe(
        'iPhone: the app claims the App Store signer but cannot be (ad hoc signed, no purchase record, iOS-only entitlements): how TrollStore installs apps',
      ),
    ios_apple_lookalike: z
      .boolean()
      .optional()
      .describe(
        'iPhone: a com.apple.* bundle id on an app that is not part of iOS or the App Store',
      ),
    ios_background_mode: list(z.string().regex(/^[A-Za-z0-9_.-]+$/))
      .optional()
      .describe('iPhone: UIBackgroundModes the app declares (any of), e.g. location, audio, voip'),
    ios_usage: list(z.string().regex(/^NS[A-Za-z]+UsageDescription$/))
      .optional()
      .describe('iPhone: NS…UsageDescription keys the app declares (any of)'),
    ios_entitlement: list(z.string().regex(/^[A-Za-z0-9_.-]+$/))
      .optional()
      .describe('iPhone: notable entitlements the app holds (any of), e.g. platform-application'),
    ios_jailbreak_sign: list(z.enum(IOS_JAILBREAK_SIGNS))
      .optional()
      .describe('iPhone: signs on the app that the protections were removed (any of)'),
    ios_device: z
      .strictObject(
        Object.fromEntries(IOS_DEVICE_KEYS.map((k) => [k, z.boolean().optional()])) as Record<
          (typeof IOS_DEVICE_KEYS)[number],
          z.ZodOptional<z.ZodBoolean>
        >,
      )
      .refine((d) => Object.keys(d).length > 0, { message: 'expected at least one setting' })
      .optional()
      .describe('iPhone: settings read from the phone (all must hold)'),
    ios_management: z
      .strictObject({ enrolled: z.boolean().optional(), mdm_unremovable: z.boolean().optional() })
      .refine((d) => Object.keys(d).length > 0, { message: 'expected enrolled or mdm_unremovable' })
      .optional()
      .describe("iPhone: an organisation's set-up (supervision, device management)"),
    ios_version_below: z
      .string()
      .regex(/^\d+(?:\.\d+){0,2}$/, { message: 'expected an iOS version like 17.6' })
      .optional()
      .describe('iPhone: iOS older than this version'),
    ios_profile: z.boolean().optional().describe('iPhone: judged once per configuration profile'),
    ios_profile_removal_disallowed: z
      .boolean()
      .optional()
      .describe('iPhone: the profile cannot be removed in Settings'),
    get all() {
      return list(MATCH).optional();
    },
    get any() {
      return list(MATCH).optional();
    },
    get not() {
      return MATCH.optional();
    },
  })
  .refine((m) => Object.keys(m).length > 0, {
    message: 'empty matcher: expected at least one condition',
  })
  .meta({ id: 'match', title: 'Match expression' });

const EXPLANATION = z.strictObject({
  what: TEXT.describe('what it is, in plain words'),
  risk: TEXT.describe('what the other person could see or do'),
  next_steps: TEXT.describe('what to do next, safely'),
});

/** A simulated app for rule tests; only the facts a rule looks at. */
const TEST_APP = z.strictObject({
  id: APP_ID,
  label: SHORT.optional(),
  installer: INSTALLER_CLASS.optional(),
  launcher: z.enum(['hidden', 'visible', 'unknown']).optional(),
  system: z.boolean().optional(),
  permissions: z.array(z.string()).optional(),
  appops: z.array(z.string()).optional(),
  cert_sha1: SHA1.optional(),
  cert_sha256: SHA256.optional(),
  cert_organization: SHORT.optional(),
  cert_subject: SHORT.optional(),
  apk_sha256: SHA256.optional(),
  accessibility_service: z.boolean().optional(),
  notification_listener: z.boolean().optional(),
  device_admin: z.boolean().optional(),
  device_owner: z.boolean().optional(),
  profile_owner: z.boolean().optional(),
  battery_exempt: z.boolean().optional(),
  /** the store the installer field falsely claims (Android's record says otherwise) */
  false_store_claim: APP_ID.optional(),
  /** installed over USB from a computer */
  from_computer: z.boolean().optional(),
  /** what it used, and how many hours before the scan ended: { microphone: 2 } */
  used: z.partialRecord(z.enum(RECENT_USES), z.number().min(0)).optional(),
  /** set up the VPN connected now and is the always-on VPN app */
  vpn_owner: z.boolean().optional(),
  keyboard: z.enum(KEYBOARD_STATES).optional(),
  roles: z.array(z.enum(ROLES)).optional(),
  /** linked to a nearby device of this kind */
  companion: z.enum(COMPANION_KINDS).optional(),
  /** megabytes sent since the phone started (the only app that sent any, so the top sender) */
  sent_mb: z.number().min(0).optional(),
});

const TEST_DEVICE = z.strictObject({
  settings: z.record(SETTING_KEY, z.string()).optional(),
  props: z.record(z.string(), z.string()).optional(),
  root: z.array(z.enum(ROOT_SIGNS)).optional(),
  patch_age_days: z.number().int().min(0).optional(),
  accounts: z.array(z.strictObject({ type: z.string(), name: z.string() })).optional(),
  adb_keys: z.number().int().min(0).optional(),
  /** other users and profiles on the phone, by kind */
  users: z.array(z.enum(USER_KINDS)).optional(),
  /** the main user's screen lock (default: pin); unknown = the phone did not say */
  screen_lock: z.enum([...SCREEN_LOCKS, 'unknown']).optional(),
  /** fact ids whose check could not run (see FACT_CHECKS in analyze/facts.ts) */
  not_checked: z.array(z.string()).optional(),
});

/** A simulated iPhone app for rule tests. */
const TEST_IOS_APP = z.strictObject({
  id: APP_ID,
  name: SHORT.optional(),
  /** User (default) or System */
  system: z.boolean().optional(),
  signer: z.enum(IOS_SIGNERS).optional(),
  signed_by: SHORT.optional(),
  spoofed_signer: z.boolean().optional(),
  apple_lookalike: z.boolean().optional(),
  hidden: z.enum(['visible', 'hidden', 'unknown']).optional(),
  background_modes: z.array(z.string()).optional(),
  usage: z.array(z.string()).optional(),
  entitlements: z.array(z.string()).optional(),
  jailbreak_signs: z.array(z.enum(IOS_JAILBREAK_SIGNS)).optional(),
});

/** A simulated iPhone's settings, management and profiles for rule tests. */
const TEST_IOS_DEVICE = z.strictObject({
  ios_version: z.string().optional(),
  passcode_set: z.boolean().optional(),
  supervised: z.boolean().optional(),
  find_my: z.boolean().optional(),
  developer_mode: z.boolean().optional(),
  wifi_sync: z.boolean().optional(),
  backup_encryption: z.boolean().optional(),
  /** set up by an organisation (cloud configuration), with its name */
  organisation: SHORT.optional(),
  mdm_unremovable: z.boolean().optional(),
  profiles: z
    .array(
      z.strictObject({
        id: APP_ID,
        name: SHORT.optional(),
        organisation: SHORT.optional(),
        removal_disallowed: z.boolean().optional(),
      }),
    )
    .optional(),
  /** check ids that could not run: apps, device-values, profiles, home-screen */
  not_checked: z.array(z.string()).optional(),
});

const TEST_CASE = z
  .strictObject({
    app: TEST_APP.optional(),
    ios_app: TEST_IOS_APP.optional(),
    device: TEST_DEVICE.optional(),
    ios_device: TEST_IOS_DEVICE.optional(),
    severity: SEVERITY.optional().describe('expected severity after any raise'),
  })
  .refine((t) => t.app || t.device || t.ios_app || t.ios_device, {
    message: 'expected an "app", "ios_app", "device" or "ios_device" fact',
  })
  .refine((t) => !((t.app || t.device) && (t.ios_app || t.ios_device)), {
    message:
      'a test case is one phone: Android ("app", "device") or iPhone ("ios_app", "ios_device"), not both',
  });

export const RULE_ID = z
  .string()
  .max(120)
  .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:\.[a-z0-9]+(?:[-_][a-z0-9]+)*)+$/, {
    message: 'expected a dotted lowercase id like "stalkerware.thetruthspy"',
  });

export const RULE = z
  .strictObject({
    id: RULE_ID,
    replaces: list(RULE_ID).optional().describe('ids this rule replaces (never reuse an id)'),
    status: z.enum(['stable', 'test', 'deprecated']).optional(),
    purpose: z
      .enum(PURPOSES)
      .optional()
      .describe(
        'judged only when the phone is checked for this purpose (spycheck scan --purpose); ' +
          'such a rule makes a finding more serious but never replaces the words of another ' +
          'rule about the same app',
      ),
    instead_of: list(RULE_ID)
      .optional()
      .describe(
        "when this rule finds something, these rules' findings about the phone are not shown",
      ),
    title: SHORT,
    category: CATEGORY,
    severity: SEVERITY,
    platforms: list(z.enum(['android', 'ios'])),
    match: MATCH,
    raise: list(z.strictObject({ severity: SEVERITY, when: MATCH }))
      .optional()
      .describe('raise the severity when these facts also hold'),
    dual_use: z
      .boolean()
      .optional()
      .describe(
        'hand-written packs only: the app is sold openly (family, safety, anti-theft). Its words ' +
          "replace a generated pack's for the same app; when a stalkerware list also names it, " +
          'the icon, installer and special access decide the severity (see rules/README.md)',
      ),
    labels: z
      .record(APP_ID, LABEL)
      .optional()
      .describe(
        'names of the apps this rule names, by exact id; shown when the phone gives no name',
      ),
    explanation: EXPLANATION,
    falsepositives: z.array(SHORT).optional(),
    references: z.array(z.string().url().max(500)).optional(),
    date: z.iso.date().optional(),
    modified: z.iso.date().optional(),
    tests: z
      .strictObject({
        match: z.array(TEST_CASE),
        no_match: z.array(TEST_CASE),
      })
      .optional(),
  })
  .refine((r) => r.instead_of === undefined || r.purpose !== undefined, {
    message:
      '"instead_of" is only for a rule with a "purpose" (it must never hide an everyday finding)',
    path: ['instead_of'],
  })
  .meta({ id: 'rule', title: 'spycheck rule' });

export const PACK_META = z
  .strictObject({
    schema: z.literal(RULE_PACK_SCHEMA),
    id: z.string().regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/, {
      message: 'expected a lowercase pack id like "stalkerware-indicators"',
    }),
    name: SHORT,
    version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, {
      message: 'expected a version like 1.2.3',
    }),
    licence: SHORT,
    date: z.iso.date(),
    description: TEXT.optional(),
    sources: z
      .array(
        z.strictObject({
          name: SHORT,
          url: z.string().url(),
          revision: z.string().max(100).optional(),
          licence: SHORT,
          attribution: TEXT,
        }),
      )
      .optional(),
    generated: z.strictObject({ by: SHORT, command: SHORT }).optional(),
  })
  .meta({ id: 'pack', title: 'spycheck rule pack (pack.yaml)' });

/**
 * A pack's `labels.yaml`: names of common store and preinstalled apps, by exact
 * id, for findings about apps the phone gives no name for (see rules/README.md).
 */
export const PACK_LABELS = z
  .strictObject({
    labels: z
      .record(APP_ID, LABEL)
      .refine((l) => Object.keys(l).length > 0, { message: 'expected at least one app name' })
      .describe('exact app id: the name people know the app by'),
  })
  .meta({ id: 'labels', title: 'spycheck app names (labels.yaml)' });

export type RuleDef = z.infer<typeof RULE>;
export type PackMeta = z.infer<typeof PACK_META>;
export type RuleTestCase = z.infer<typeof TEST_CASE>;
export type Severity = z.infer<typeof SEVERITY>;

/** JSON Schemas for editors (yaml-language-server). */
export function ruleJsonSchema(): unknown {
  return { ...z.toJSONSchema(RULE, { unrepresentable: 'any' }), $id: 'rule-pack.schema.json' };
}
export function packJsonSchema(): unknown {
  return { ...z.toJSONSchema(PACK_META, { unrepresentable: 'any' }), $id: 'pack.schema.json' };
}
