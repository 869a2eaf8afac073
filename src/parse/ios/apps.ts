/**
 * installation_proxy Browse (a list of app dictionaries) or Lookup (bundle id
 * → dictionary) → apps, with who signed each and whether that claim holds.
 *
 * Signers (notes/device-access.md): "Apple iPhone OS Application Signing" is
 * the App Store (TestFlight builds add the beta-reports-active entitlement);
 * "iPhone Distribution:"/"Apple Distribution: Org (TEAM)" an organisation's
 * own distribution (enterprise or ad hoc); "iPhone Developer:"/"Apple
 * Development:" a developer build. System apps carry no signer: normal.
 *
 * TrollStore (and uicache on rootless jailbreaks) registers apps with a
 * spoofed App Store signer: SignerOrganization "Apple Inc." or the App Store
 * signer, but ad hoc signed with no purchase record (ApplicationDSID), often
 * with platform-application / no-sandbox entitlements that only iOS's own
 * code may hold. Such a claim is not believed.
 */
import type {
  IosApp,
  IosAppType,
  IosSigner,
  IosSignerClass,
  IosSpoofReason,
} from '../../model/iosSnapshot.js';
import type { ParseResult } from '../../model/parse.js';
import type { HomeScreen } from './iconState.js';
import {
  type Dict,
  flag,
  get,
  isDict,
  MAX_LIST,
  MAX_TEXT,
  quote,
  text,
  textList,
  Warnings,
} from './values.js';

export const PARSER = { id: 'ios.apps', version: 1 } as const;

/** Most apps read from one answer (a full phone has 100–400 with the system ones). */
export const MAX_APPS = 5000;

export const APP_STORE_SIGNER = 'Apple iPhone OS Application Signing';
const DISTRIBUTION = /^(?:iPhone|Apple) Distribution: /;
const DEVELOPMENT = /^(?:iPhone Developer|Apple Development): /;
const TEAM_IN_SIGNER = /\(([A-Z0-9]{10})\)\s*$/;
const TEAM_PREFIX = /^[A-Z0-9]{10}\./;

/** Entitlements only iOS's own code should hold; on a User app they mean it escaped the rules. */
export const PRIVILEGED_ENTITLEMENTS = [
  'platform-application',
  'com.apple.private.security.no-sandbox',
] as const;

/**
 * Entitlements worth showing a caseworker when an app holds them. Apple
 * grants the private ones only to its own code; the public ones are
 * capabilities that matter for tracking and control.
 */
export const NOTABLE_ENTITLEMENTS: Readonly<Record<string, string>> = Object.freeze({
  'platform-application': 'runs as part of iOS',
  'com.apple.private.security.no-sandbox': 'runs outside the app sandbox',
  'com.apple.private.skip-library-validation': 'loads code not signed with it',
  'com.apple.private.security.container-manager': 'reaches other apps’ data',
  'com.apple.private.security.storage.AppDataContainers': 'reaches other apps’ data',
  'com.apple.private.persona-mgmt': 'can act as other users of the phone',
  'com.apple.private.tcc.allow': 'uses privacy-protected data without asking',
  'com.apple.private.tcc.manager': 'can change privacy permissions',
  'com.apple.locationd.preauthorized': 'reads location without asking',
  'com.apple.locationd.effective_bundle': 'reads location on behalf of others',
  'com.apple.private.MobileGestalt.AllowedProtectedKeys': 'reads protected device identifiers',
  'task_for_pid-allow': 'controls other running programs',
  'com.apple.system-task-ports': 'controls other running programs',
  'run-unsigned-code': 'runs unsigned code',
  'dynamic-codesigning': 'creates code while running',
  'get-task-allow': 'a debuggable developer build',
  'com.apple.developer.family-controls': 'Screen Time controls (parental control)',
  'com.apple.developer.networking.networkextension': 'VPN, content filter or DNS proxy',
  'com.apple.developer.networking.vpn.api': 'VPN',
  'com.apple.developer.location.push': 'asks for location through push notifications',
});

const TYPES: Readonly<Record<string, IosAppType>> = {
  User: 'User',
  System: 'System',
  Internal: 'Internal',
  Hidden: 'Hidden',
};

export interface ParseAppsOptions {
  /** The home screen as read (iconState.ts); absent = not read, so no app is called visible */
  homeScreen?: HomeScreen;
  /**
   * Provisioning profiles' teams (misagent), to tell enterprise from ad hoc distribution:
   * team id → true when a profile of that team provisions all devices.
   */
  provisionsAllDevices?: ReadonlyMap<string, boolean>;
}

/** `ABCDE12345.com.example.app` → `com.example.app` (ISDi-style lists hold both forms). */
export function stripTeamPrefix(id: string): string {
  return TEAM_PREFIX.test(id) ? id.slice(11) : id;
}

export function parseApps(records: unknown, options: ParseAppsOptions = {}): ParseResult<IosApp[]> {
  const w = new Warnings();
  const entries: Array<[string | undefined, unknown]> = [];
  let total: number;
  if (Array.isArray(records)) {
    total = records.length;
    for (const r of records.slice(0, MAX_APPS)) entries.push([undefined, r]);
  } else if (isDict(records)) {
    // Lookup: bundle id → dictionary
    const keys = Object.keys(records);
    total = keys.length;
    for (const k of keys.slice(0, MAX_APPS)) entries.push([k, records[k]]);
  } else {
    w.add('The app list is not a list; no apps read');
    return { parsed: [], warnings: w.done() };
  }
  if (total > MAX_APPS) w.add(`The phone listed ${total} apps; read the first ${MAX_APPS}`);
  const home =
    options.homeScreen?.read === true ? new Set(options.homeScreen.bundleIds) : undefined;
  const apps: IosApp[] = [];
  const seen = new Set<string>();
  let notDicts = 0;
  for (const [key, record] of entries) {
    if (!isDict(record)) {
      notDicts++;
      continue;
    }
    const app = readApp(record, key, w, home, options.provisionsAllDevices);
    if (!app) continue;
    if (seen.has(app.id)) {
      w.add(`App ${quote(app.id)} is listed twice; kept the first`);
      continue;
    }
    seen.add(app.id);
    apps.push(app);
  }
  if (notDicts > 0) w.add(`${notDicts} app entries are not dictionaries; skipped`);
  return { parsed: apps, warnings: w.done() };
}

function readApp(
  r: Dict,
  key: string | undefined,
  w: Warnings,
  home: ReadonlySet<string> | undefined,
  teams: ReadonlyMap<string, boolean> | undefined,
): IosApp | undefined {
  const ents: Dict = isDict(get(r, 'Entitlements')) ? (get(r, 'Entitlements') as Dict) : {};
  const appIdentifierRaw = get(ents, 'application-identifier');
  const applicationIdentifier =
    typeof appIdentifierRaw === 'string' ? appIdentifierRaw.slice(0, MAX_TEXT) : undefined;
  let id = text(r, 'CFBundleIdentifier', w, 'An app');
  if (id === undefined || id === '') {
    const fallback = key?.slice(0, MAX_TEXT) ?? applicationIdentifier;
    if (!fallback) {
      w.add('An app has no bundle identifier; skipped');
      return undefined;
    }
    id = stripTeamPrefix(fallback);
    w.add(`An app has no CFBundleIdentifier; named ${quote(id)} from its other fields`);
  }
  const where = `App ${quote(id)}`;
  if (get(r, 'Entitlements') !== undefined && !isDict(get(r, 'Entitlements')))
    w.add(`${where}: Entitlements is not a dictionary; ignored`);

  const typeRaw = text(r, 'ApplicationType', w, where);
  const type: IosAppType =
    typeRaw !== undefined && Object.hasOwn(TYPES, typeRaw) ? TYPES[typeRaw]! : 'other';
  if (type === 'other')
    w.add(
      typeRaw === undefined
        ? `${where}: no ApplicationType`
        : `${where}: unknown ApplicationType ${quote(typeRaw)}`,
    );
  const system = type === 'System' || type === 'Internal' || type === 'Hidden';

  const held = (k: string): boolean => {
    const v = get(ents, k);
    return v === true || (v !== undefined && v !== false && v !== 0 && v !== '');
  };
  const notable = Object.keys(NOTABLE_ENTITLEMENTS).filter(held);
  const tccAllow = textList(ents, 'com.apple.private.tcc.allow', w, where);
  const getTaskAllowRaw = get(ents, 'get-task-allow');

  const { signer, spoofReasons } = classifySigner(r, ents, type, w, where, teams);

  const tags = textList(r, 'SBAppTags', w, where);
  const hiddenBy: IosApp['hiddenBy'] = [];
  if (tags.includes('hidden')) hiddenBy.push('sbapptags');
  if (home && !home.has(id)) hiddenBy.push('no-home-screen-icon');
  const hidden: IosApp['hidden'] = hiddenBy.length > 0 ? 'hidden' : home ? 'visible' : 'unknown';

  const usageDescriptions = Object.keys(r)
    .filter((k) => /^NS[A-Za-z]+UsageDescription$/.test(k))
    .sort()
    .slice(0, MAX_LIST);

  const isAppleId = /^com\.apple\./i.test(id);
  const app: IosApp = {
    id,
    name: text(r, 'CFBundleDisplayName', w, where) || text(r, 'CFBundleName', w, where),
    version: text(r, 'CFBundleShortVersionString', w, where),
    bundleVersion: text(r, 'CFBundleVersion', w, where),
    type,
    ...(type === 'other' && typeRaw !== undefined ? { typeRaw } : {}),
    system,
    signer,
    ...(spoofReasons.length > 0 ? { spoofedAppStoreSigner: { reasons: spoofReasons } } : {}),
    appleLookalike:
      isAppleId &&
      !system &&
      (spoofReasons.length > 0 || (signer.class !== 'app-store' && signer.class !== 'testflight')),
    hidden,
    hiddenBy,
    tags,
    backgroundModes: textList(r, 'UIBackgroundModes', w, where),
    usageDescriptions,
    entitlements: {
      notable,
      tccAllow,
      ...(applicationIdentifier !== undefined ? { applicationIdentifier } : {}),
      ...(typeof getTaskAllowRaw === 'boolean' ? { getTaskAllow: getTaskAllowRaw } : {}),
    },
    path: text(r, 'Path', w, where),
    container: text(r, 'Container', w, where),
  };
  for (const k of ['name', 'version', 'bundleVersion', 'path', 'container'] as const)
    if (app[k] === undefined) delete app[k];
  return app;
}

/**
 * Who signed the app, and whether an App Store claim holds. Exported for the
 * rules' tests; `parseApps` is the way in.
 */
export function classifySigner(
  r: Dict,
  ents: Dict,
  type: IosAppType,
  w: Warnings,
  where: string,
  teams?: ReadonlyMap<string, boolean>,
): { signer: IosSigner; spoofReasons: IosSpoofReason[] } {
  const identity = text(r, 'SignerIdentity', w, where);
  const organization = text(r, 'SignerOrganization', w, where);
  const adHoc = flag(r, 'IsAdHocSigned', w, where);
  const validated = flag(r, 'ProfileValidated', w, where);
  const dsid = get(r, 'ApplicationDSID');
  const hasPurchaseRecord =
    (typeof dsid === 'number' && dsid !== 0) || (typeof dsid === 'string' && dsid !== '');
  const system = type === 'System' || type === 'Internal' || type === 'Hidden';

  const entTeam = get(ents, 'com.apple.developer.team-identifier');
  const appIdent = get(ents, 'application-identifier');
  const teamId =
    (identity ? TEAM_IN_SIGNER.exec(identity)?.[1] : undefined) ??
    (typeof entTeam === 'string' && /^[A-Z0-9]{10}$/.test(entTeam) ? entTeam : undefined) ??
    (typeof appIdent === 'string' && TEAM_PREFIX.test(appIdent)
      ? appIdent.slice(0, 10)
      : undefined);

  const beta = get(ents, 'beta-reports-active') === true;
  let claimed: IosSignerClass;
  let distribution: IosSigner['distribution'];
  if (identity === APP_STORE_SIGNER) claimed = beta ? 'testflight' : 'app-store';
  else if (identity && DISTRIBUTION.test(identity)) {
    claimed = 'enterprise';
    const all = teamId ? teams?.get(teamId) : undefined;
    distribution = all === undefined ? 'unknown' : all ? 'enterprise' : 'ad-hoc';
  } else if (identity && DEVELOPMENT.test(identity)) claimed = 'developer';
  else if (identity === undefined && system) claimed = 'system';
  else if (identity === undefined && organization === 'Apple Inc.') claimed = 'app-store';
  else {
    claimed = 'unknown';
    if (identity !== undefined) w.add(`${where}: unknown signer ${quote(identity)}`);
  }

  // The TrollStore pattern: an App Store (or Apple) claim that the rest contradicts.
  const claimsAppStore =
    claimed === 'app-store' ||
    claimed === 'testflight' ||
    (!system && organization === 'Apple Inc.');
  const reasons: IosSpoofReason[] = [];
  if (claimsAppStore) {
    const noPurchase = adHoc === true && !hasPurchaseRecord;
    const privileged =
      type === 'User' && PRIVILEGED_ENTITLEMENTS.some((k) => get(ents, k) === true);
    if (noPurchase || privileged) {
      if (adHoc === true) reasons.push('ad-hoc-signed');
      if (!hasPurchaseRecord) reasons.push('no-purchase-record');
      if (!system && organization === 'Apple Inc.') reasons.push('apple-organisation');
      if (type === 'User' && get(ents, 'platform-application') === true)
        reasons.push('platform-application');
      if (type === 'User' && get(ents, 'com.apple.private.security.no-sandbox') === true)
        reasons.push('no-sandbox');
    }
  }

  const signer: IosSigner = {
    class: reasons.length > 0 ? 'unknown' : claimed,
    claimed,
    hasPurchaseRecord,
  };
  if (identity !== undefined) signer.identity = identity;
  if (organization !== undefined) signer.organization = organization;
  if (teamId !== undefined) signer.teamId = teamId;
  if (distribution !== undefined) signer.distribution = distribution;
  if (validated !== 'unknown') signer.profileValidated = validated;
  if (adHoc !== 'unknown') signer.adHocSigned = adHoc;
  return { signer, spoofReasons: reasons };
}
