/**
 * Turns what the collector read (raw text) into the normalized Snapshot.
 * Pure: no I/O. The collector asks it two questions during a scan (is this
 * output usable? which APKs need a closer look?) so device code never has
 * to understand output formats.
 */
import type { CollectOptions } from '../device/android/collector.js';
import type {
  AndroidCollection,
  AndroidStepId,
  ApkCertResult,
} from '../model/androidCollection.js';
import { ANDROID_STEP_IDS } from '../model/androidCollection.js';
import type { CheckCause, CheckStatus } from '../model/check.js';
import type { ParseResult } from '../model/parse.js';
import {
  type AndroidApp,
  type AndroidSnapshot,
  type ComponentRef,
  type InstallerClass,
  SNAPSHOT_SCHEMA,
} from '../model/snapshot.js';
import { launcherStateOf, parseActivityResolver } from '../parse/android/activityResolver.js';
import { type AppOpsQuery, parseAppOpsQuery } from '../parse/android/appops.js';
import {
  type AppOpHolders,
  appOpHolders,
  isAppOpsDump,
  parseAppOpsDump,
} from '../parse/android/appopsDump.js';
import { parseBatteryHistory } from '../parse/android/batteryHistory.js';
import { parseComponentList } from '../parse/android/components.js';
import { parseDeviceIdleWhitelist } from '../parse/android/deviceIdle.js';
import { parseDumpsysAccessibility } from '../parse/android/dumpsysAccessibility.js';
import { parseDumpsysAccount } from '../parse/android/dumpsysAccount.js';
import { parseDumpsysAdb } from '../parse/android/dumpsysAdb.js';
import { parseDumpsysDevicePolicy } from '../parse/android/dumpsysDevicePolicy.js';
import {
  type DumpsysPackage,
  parseDumpsysPackage,
  phoneLocalTimeToUtc,
} from '../parse/android/dumpsysPackage.js';
import { parseGetprop } from '../parse/android/getprop.js';
import { ANDROID_PARSERS } from '../parse/android/index.js';
import { parseLauncherActivities } from '../parse/android/launcherActivities.js';
import { type PmListPackage, parsePmList } from '../parse/android/pmList.js';
import { parseSettingsList } from '../parse/android/settings.js';
import { parseSha256sum } from '../parse/android/sha256sum.js';
import {
  classifyShellError,
  detectShellError,
  type ShellError,
} from '../parse/android/shellError.js';
import { parseWhichSu } from '../parse/android/whichSu.js';
import { APK_MANIFEST_PARSER, readApkManifest } from '../parse/apk/manifest.js';
import { APK_SIGNING_PARSER as APK_PARSER, readApkSigningCerts } from '../parse/apk/signing.js';
import { sizeWords } from '../util/bytes.js';
import { ANDROID_STEP_REGISTRY, androidCheckSources } from './androidSteps.js';
import { checkAndroidVersion } from './androidVersions.js';
import { androidClock } from './clock.js';
import {
  classifyInstaller,
  installOrigin,
  packageSourceName,
  ROOT_MANAGER_PACKAGES,
} from './installers.js';
import { readLinked } from './linked.js';
import { once } from './parseOnce.js';
import { buildPastApps } from './pastApps.js';
import { recentUseOf } from './recentUse.js';
import { readScreenLock } from './screenLock.js';

type Outputs = AndroidCollection['outputs'];

const pmListOf = (o: Outputs) =>
  o.packages ? once('pm', o.packages.text, parsePmList) : undefined;
const dumpsysOf = (o: Outputs) =>
  o.packageDetails && !detectShellError(o.packageDetails.text)
    ? once('dumpsys', o.packageDetails.text, parseDumpsysPackage)
    : undefined;

/** Whether the phone accepted a command, or spycheck should try the fallback (see the registry). */
export function acceptOutput(step: AndroidStepId, text: string): boolean {
  if (detectShellError(text)) return false;
  return ANDROID_STEP_REGISTRY[step].accept?.(text) ?? true;
}

interface AppSeed {
  id: string;
  pm?: PmListPackage;
  ds?: DumpsysPackage;
  /** the package list was asked with -i, so a missing installer means "none" */
  installerKnown: boolean;
}

function seeds(o: Outputs): Map<string, AppSeed> {
  const map = new Map<string, AppSeed>();
  const installerKnown = / -i\b/.test(o.packages?.command ?? '');
  for (const p of pmListOf(o)?.parsed.packages ?? []) {
    map.set(p.id, { id: p.id, pm: p, installerKnown });
  }
  for (const d of dumpsysOf(o)?.parsed.packages ?? []) {
    const s = map.get(d.id) ?? { id: d.id, installerKnown: true };
    s.ds = d;
    map.set(d.id, s);
  }
  return map;
}

function isSystem(s: AppSeed): boolean {
  if (s.ds) return s.ds.system;
  // Without details, the APK location tells: system images live outside /data/app.
  const path = s.pm?.apkPath;
  return path !== undefined && !path.startsWith('/data/');
}

/** Removed for the phone's owner with only its data kept: no app file is left to read. */
function removedKeepingData(s: AppSeed): boolean {
  return s.ds?.user0?.installed === false;
}

function baseApk(s: AppSeed): string | undefined {
  return s.pm?.apkPath ?? s.ds?.apkPaths[0];
}

function installerFacts(s: AppSeed) {
  const installer = s.ds?.installerPackageName ?? s.pm?.installer;
  return {
    installer,
    initiator: s.ds?.installInitiatingPackageName,
    packageSource: s.ds?.packageSource,
    system: isSystem(s),
    unknown: installer === undefined && !s.ds && !s.installerKnown,
  };
}

export function androidCollectOptions(
  extra: Pick<CollectOptions, 'onProgress' | 'concurrency' | 'pullLimits' | 'hashAllApps'> = {},
): CollectOptions {
  return {
    ...extra,
    steps: ANDROID_STEP_IDS.map((id) => {
      const { commands, from } = ANDROID_STEP_REGISTRY[id];
      return from ? { id, commands, from } : { id, commands };
    }),
    accept: acceptOutput,
    plan: {
      // --hash-all-apps: the store apps (the apps not from a store are copied, and hashed here);
      // the system image's own apps stay unhashed, as they always were
      apksToHash(o) {
        return [...seeds(o).values()]
          .filter((s) => !isSystem(s) && !removedKeepingData(s))
          .filter((s) => mayBeSample(classifyInstaller(installerFacts(s))) === false)
          .map(baseApk)
          .filter((p): p is string => Boolean(p));
      },
      // Every app not from a store, riskiest first: the copy limits may stop before the last.
      // The installer class is the cross-checked one (a false store claim counts as sideloaded).
      apksToInspect(o) {
        const risk = riskOf(o);
        return [...seeds(o).values()]
          .filter((s) => !removedKeepingData(s))
          .map((s) => ({ s, cls: classifyInstaller(installerFacts(s)) }))
          .filter(({ cls }) => mayBeSample(cls))
          .map(({ s, cls }) => ({ s, score: risk(s, cls) }))
          .sort((a, b) => b.score - a.score || a.s.id.localeCompare(b.s.id))
          .map(({ s }) => baseApk(s))
          .filter((p): p is string => Boolean(p));
      },
    },
    readCerts(apk) {
      const r = readApkSigningCerts(apk);
      const m = readApkManifest(apk);
      return {
        certs: r.parsed.certs,
        schemes: r.parsed.schemes,
        warnings: [...r.warnings, ...m.warnings],
        ...(m.parsed.label ? { label: m.parsed.label } : {}),
        ...(m.parsed.package ? { manifestPackage: m.parsed.package } : {}),
      };
    },
  };
}

/**
 * Whether an app of this installer class can be a known spyware sample, whose file hashes and
 * signers the rules hold: any app not from a store (sideloaded, another store, installed from a
 * computer, a false store claim — classifyInstaller cross-checks the claim), or of unknown
 * origin. Store and preinstalled apps are not copied or hashed by default: a store app's file
 * is the store's build of it (the samples are the files spyware sellers hand out), and the
 * rules still match them by package name.
 */
export function mayBeSample(cls: InstallerClass | undefined): boolean {
  return cls !== 'store' && cls !== 'preinstalled';
}

/**
 * How risky an app not from a store looks, from what the steps read, to copy the riskiest
 * first: no icon (hidden), special access (screen reading, notifications, device admin, usage
 * access, drawing over apps, installing apps), then where it came from.
 */
function riskOf(o: Outputs): (s: AppSeed, cls: InstallerClass) => number {
  const ok = (step: AndroidStepId) => {
    const t = o[step]?.text;
    return t !== undefined && !detectShellError(t) ? t : undefined;
  };
  const launcherText = ok('launcher');
  const icons = launcherText ? parseLauncherActivities(launcherText).parsed.packages : [];
  // an empty icon list means the question failed: then no app counts as hidden
  const visible = icons.length > 0 ? new Set(icons) : undefined;
  const access = new Map<string, number>();
  const grant = (pkgs: Iterable<string>) => {
    for (const p of new Set(pkgs)) access.set(p, (access.get(p) ?? 0) + 1);
  };
  const secureText = ok('settingsSecure');
  if (secureText) {
    const secure = parseSettingsList(secureText, 'secure').parsed;
    for (const key of ['enabled_accessibility_services', 'enabled_notification_listeners']) {
      grant(parseComponentList(secure[key]).parsed.map((c) => c.package));
    }
  }
  const policyText = ok('devicePolicy');
  if (policyText) {
    const p = parseDumpsysDevicePolicy(policyText).parsed;
    grant([
      ...p.admins.map((a) => a.package),
      ...(p.deviceOwner ? [p.deviceOwner.package] : []),
      ...p.profileOwners.map((x) => x.package),
    ]);
  }
  for (const [op, step] of [
    ['GET_USAGE_STATS', 'appopsUsageStats'],
    ['SYSTEM_ALERT_WINDOW', 'appopsOverlay'],
    ['REQUEST_INSTALL_PACKAGES', 'appopsInstall'],
  ] as const) {
    const t = ok(step);
    if (!t) continue;
    grant(
      isAppOpsDump(t)
        ? appOpHolders(once('appopsDump', t, parseAppOpsDump).parsed, op).packages
        : parseAppOpsQuery(t).parsed.packages,
    );
  }
  const origin: Partial<Record<InstallerClass, number>> = { sideloaded: 3, unknown: 2 };
  return (s, cls) => {
    const kinds = access.get(s.id) ?? 0;
    const hidden = visible !== undefined && !visible.has(s.id);
    return (hidden ? 4 : 0) + (kinds > 0 ? 4 + Math.min(kinds, 3) : 0) + (origin[cls] ?? 0);
  };
}

/** Check id → title and sources with roles, derived once from the step registry. */
const CHECK_SOURCES = androidCheckSources();

export function assembleAndroidSnapshot(
  c: AndroidCollection,
  tool: { name: string; version: string },
): AndroidSnapshot {
  const o = c.outputs;
  const warnings: string[] = [...c.notes];
  const stepProblem = new Map<AndroidStepId, Problem>();
  const stepWarned = new Set<AndroidStepId>();
  const checkWarned = new Set<string>();

  function use<T>(step: AndroidStepId, parse: (t: string) => ParseResult<T>): T | undefined {
    const out = o[step];
    if (!out) {
      stepProblem.set(
        step,
        c.complete
          ? { reason: 'spycheck could not run this check', cause: 'failed' }
          : whyUnread(c),
      );
      return undefined;
    }
    const err = classifyShellError(out.text);
    if (err) {
      stepProblem.set(step, shellProblem(err));
      return undefined;
    }
    const r = parse(out.text);
    if (r.warnings.length) {
      stepWarned.add(step);
      for (const w of r.warnings.slice(0, 10)) warnings.push(`${out.command}: ${w}`);
    }
    return r.parsed;
  }

  const props = use('getprop', parseGetprop) ?? {};
  const pm = o.packages && !detectShellError(o.packages.text) ? pmListOf(o) : undefined;
  if (!pm) use('packages', parsePmList);
  else if (pm.parsed.packages.length === 0) {
    // every phone has apps; an empty list means the question failed, not a clean phone
    stepProblem.set('packages', {
      reason: 'the phone answered with an empty app list',
      cause: 'empty',
    });
  } else if (pm.warnings.length) stepWarned.add('packages');
  const ds = dumpsysOf(o);
  if (!ds) use('packageDetails', parseDumpsysPackage);
  else if (ds.warnings.length) {
    stepWarned.add('packageDetails');
    for (const w of ds.warnings.slice(0, 10)) warnings.push(`${o.packageDetails?.command}: ${w}`);
  }
  const launcherRead = use('launcher', parseLauncherActivities);
  // An empty icon list would make every app look hidden: it means the question failed.
  const launcher = launcherRead && launcherRead.packages.length > 0 ? launcherRead : undefined;
  if (launcherRead && !launcher)
    stepProblem.set('launcher', {
      reason: 'the phone answered with an empty list of app icons',
      cause: 'empty',
    });
  // Without the icon question (imports, or a phone that refused it), the full package dump's
  // activity table tells which apps have no icon; without filter details, not which have one.
  const checkNote = new Map<string, Problem>();
  const resolverRead =
    !launcher && o.packageDetails && !detectShellError(o.packageDetails.text)
      ? once('resolver', o.packageDetails.text, parseActivityResolver)
      : undefined;
  const resolver = resolverRead?.parsed.found ? resolverRead.parsed : undefined;
  if (resolverRead && resolver) {
    stepProblem.delete('launcher');
    if (resolverRead.warnings.length) stepWarned.add('launcher');
    for (const w of resolverRead.warnings.slice(0, 10))
      warnings.push(`${o.packageDetails?.command}: ${w}`);
    if (!resolver.detailed) {
      checkNote.set('launcher', {
        reason:
          'the app list read here shows which apps have no icon, but cannot always tell which apps have one',
      });
    }
  }
  // `settings list <ns>`, or (bugreports) the full `dumpsys settings` with every namespace
  const secure = use('settingsSecure', (t) => parseSettingsList(t, 'secure')) ?? {};
  const global = use('settingsGlobal', (t) => parseSettingsList(t, 'global')) ?? {};
  const system = use('settingsSystem', (t) => parseSettingsList(t, 'system')) ?? {};
  const a11y = use('accessibility', parseDumpsysAccessibility);
  const policy = use('devicePolicy', parseDumpsysDevicePolicy);
  const accounts = use('accounts', parseDumpsysAccount);
  const adb = use('adbKeys', parseDumpsysAdb);
  const appOps: Record<string, string[]> = {};
  const opSteps = [
    ['GET_USAGE_STATS', 'appopsUsageStats'],
    ['SYSTEM_ALERT_WINDOW', 'appopsOverlay'],
    ['REQUEST_INSTALL_PACKAGES', 'appopsInstall'],
  ] as const;
  // the live scan asks `cmd appops query-op`; imports hold the full `dumpsys appops` tree
  const opAppIds: [string, number[]][] = [];
  const opLastAccess: [string, Record<string, string>][] = [];
  let opDumpWarned = false;
  for (const [op, step] of opSteps) {
    const r = use<AppOpsQuery | AppOpHolders>(step, (t) => {
      if (!isAppOpsDump(t)) return parseAppOpsQuery(t);
      const d = once('appopsDump', t, parseAppOpsDump);
      // one dump answers all three: its warnings are said once, but mark each check
      if (opDumpWarned && d.warnings.length) stepWarned.add(step);
      const w = opDumpWarned ? [] : d.warnings;
      opDumpWarned = true;
      return { parsed: appOpHolders(d.parsed, op), warnings: w };
    });
    if (r && 'appIds' in r) {
      opAppIds.push([op, r.appIds]);
      opLastAccess.push([op, r.lastAccess]);
    }
    if (r?.supported) appOps[op] = r.packages;
    else if (r) {
      stepProblem.set(step, {
        reason:
          'this phone cannot answer this question (some phones, often older ones, do not have it)',
        cause: 'unsupported',
      });
    }
  }
  const idle = use('deviceIdle', parseDeviceIdleWhitelist);
  const su = use('su', parseWhichSu);

  const tz = props['persist.sys.timezone'];
  // the history prints clock times in the phone's zone: no zone, no UTC time (never a guess)
  const history = use('batteryHistory', (t) => parseBatteryHistory(t, { timeZone: tz }));
  if (history && history.lines === 0) {
    stepProblem.set('batteryHistory', {
      reason: 'the phone\u2019s battery records were empty, so they cannot show earlier apps',
      cause: 'empty',
    });
  }
  // the full app-op dump: when each app last used location, the microphone, the camera…
  const opsDump = use('appopsDump', (t) => once('appopsDump', t, parseAppOpsDump));
  if (opsDump && opsDump.uids.length === 0) {
    stepProblem.set('appopsDump', {
      reason: 'the phone\u2019s app-use records were empty or not in the expected form',
      cause: 'empty',
    });
  }
  const recentUse = opsDump?.uids.length
    ? recentUseOf(opsDump, (phoneTime) => toUtc(phoneTime, tz))
    : undefined;
  const hashes: Record<string, string> = {};
  for (const h of c.apkHashOutputs) Object.assign(hashes, parseSha256sum(h.text).parsed.hashes);
  const launcherSet = launcher ? new Set(launcher.packages) : undefined;

  const apps: AndroidApp[] = [];
  // apps whose file the copy limits left on the phone (app id → why, and its size)
  const notCopied = new Map<string, Extract<ApkCertResult, { ok: false }>>();
  for (const s of seeds(o).values()) {
    const d = s.ds;
    const base = baseApk(s);
    const facts = installerFacts(s);
    const origin = installOrigin(facts);
    const certResult: ApkCertResult | undefined = base ? c.apkCerts[base] : undefined;
    const app: AndroidApp = {
      id: s.id,
      versionName: d?.versionName,
      versionCode: d?.versionCode ?? s.pm?.versionCode,
      installer: facts.installer,
      installInitiator: d?.installInitiatingPackageName,
      installOriginator: d?.installOriginatingPackageName,
      installPackageSource: packageSourceName(d?.packageSource),
      installedFromComputer: origin.fromComputer || undefined,
      falseStoreClaim: origin.falseStoreClaim,
      installerClass: origin.installerClass,
      firstInstallTime: toUtc(d?.firstInstallTime ?? d?.user0?.firstInstallTime, tz),
      lastUpdateTime: toUtc(d?.lastUpdateTime, tz),
      uid: d?.userId ?? s.pm?.uid,
      system: facts.system,
      updatedSystem: d?.updatedSystem ?? false,
      enabled: d?.user0?.enabledState ? !d.user0.enabledState.startsWith('disabled') : undefined,
      installedForUser0: d?.user0?.installed,
      apkPaths: d?.apkPaths.length ? d.apkPaths : base ? [base] : [],
      flags: d ? [...d.pkgFlags, ...d.privateFlags] : undefined,
      permissions: {
        requested: d?.requestedPermissions ?? [],
        install: d?.installPermissions ?? [],
        runtime: d?.user0?.runtimePermissions ?? [],
      },
      launcher: launcherSet
        ? launcherSet.has(s.id)
          ? 'visible'
          : 'hidden'
        : resolver
          ? (launcherStateOf(resolver, s.id) ?? 'unknown')
          : 'unknown',
    };
    // the file copied to this computer was hashed as it arrived; otherwise the phone's own
    // sha256sum (--hash-all-apps) or an import's record of it
    const hash = certResult?.sha256 ?? (base ? hashes[base] : undefined);
    if (hash) app.apkSha256 = hash;
    if (certResult?.ok) {
      app.certs = certResult.certs;
      if (certResult.certs.length === 0) {
        const why = certResult.warnings[0] ?? 'no signature was found in it';
        warnings.push(`Could not read who signed ${s.id}: ${why}`);
      }
      // a label from an APK that names another package would mislabel this app
      if (certResult.label && certResult.manifestPackage === s.id) app.label = certResult.label;
      else if (certResult.manifestPackage && certResult.manifestPackage !== s.id) {
        warnings.push(`The app file of ${s.id} says it belongs to ${certResult.manifestPackage}`);
      }
    } else if (certResult?.skipped) {
      notCopied.set(s.id, certResult);
      // for the evidence section: which app, how large, and why it was not copied
      warnings.push(
        `Not copied from the phone, so who signed ${s.id} was not checked and its file was not fingerprinted: ${certResult.reason}`,
      );
    } else if (certResult) warnings.push(`Could not read who signed ${s.id}: ${certResult.reason}`);
    apps.push(dropUndefined(app));
  }
  apps.sort((a, b) => a.id.localeCompare(b.id));
  // an op allowed uid-wide reaches every app of that uid (user 0: the uid is the app id)
  for (const [op, ids] of opAppIds) {
    const holders = appOps[op];
    if (!holders || ids.length === 0) continue;
    for (const a of apps) {
      if (a.uid !== undefined && ids.includes(a.uid) && !holders.includes(a.id)) holders.push(a.id);
    }
  }
  const appOpsLastAccess: Record<string, Record<string, string>> = {};
  for (const [op, byPkg] of opLastAccess) {
    for (const [pkg, raw] of Object.entries(byPkg)) {
      const utc = toUtc(raw, tz);
      if (utc) (appOpsLastAccess[op] ??= {})[pkg] = utc;
    }
  }
  const version = checkAndroidVersion(props);
  if (version.warning) warnings.push(version.warning);
  // the phone's clock against this computer's: an evidence detail, no check depends on it
  const clock = androidClock(c, tz);
  warnings.push(...clock.warnings);

  const a11ySetting = parseComponentList(secure.enabled_accessibility_services);
  const listenerSetting = parseComponentList(secure.enabled_notification_listeners);
  const a11yEnabled = mergeComponents(a11y?.enabled ?? [], a11ySetting.parsed);
  const listeners = listenerSetting.parsed;
  // a component we could not read may be the one that matters: say so
  for (const [check, r] of [
    ['accessibility', a11ySetting],
    ['notification-listeners', listenerSetting],
  ] as const) {
    if (r.warnings.length === 0) continue;
    checkWarned.add(check);
    for (const w of r.warnings.slice(0, 5)) warnings.push(`settings list secure: ${w}`);
  }
  const installed = new Set(apps.map((a) => a.id));
  // devices and networks linked to the phone: paired devices, VPN, private DNS, users…
  const linked = readLinked({
    use,
    secure: stepProblem.has('settingsSecure') ? undefined : secure,
    global: stepProblem.has('settingsGlobal') ? undefined : global,
    apps,
    stepProblem: (step, p) => stepProblem.set(step, p),
    checkNote: (check, p) => checkNote.set(check, p),
    warn: (w) => warnings.push(w),
  });
  // the main user's screen lock; a lock type not printed (Android 8–10) is not "no lock"
  const screenLock = readScreenLock({
    use,
    stepProblem: (step, p) => stepProblem.set(step, p),
  });

  const snapshot: AndroidSnapshot = {
    schema: SNAPSHOT_SCHEMA,
    platform: 'android',
    tool,
    started: c.started,
    finished: c.finished,
    complete: c.complete,
    device: dropUndefined({
      serial: c.serial,
      manufacturer: props['ro.product.manufacturer'],
      brand: props['ro.product.brand'],
      model: props['ro.product.model'],
      device: props['ro.product.device'],
      androidVersion: version.version,
      sdk: /^\d{1,3}$/.test(props['ro.build.version.sdk'] ?? '')
        ? Number(props['ro.build.version.sdk'])
        : undefined,
      securityPatch: props['ro.build.version.security_patch'],
      fingerprint: props['ro.build.fingerprint'],
      buildType: props['ro.build.type'],
      buildTags: props['ro.build.tags'],
    }),
    props: keepProps(props),
    apps,
    accessibilityServices: a11yEnabled,
    notificationListeners: listeners,
    deviceAdmins: policy?.admins ?? [],
    ...(policy?.deviceOwner ? { deviceOwner: policy.deviceOwner } : {}),
    profileOwners: policy?.profileOwners ?? [],
    accounts: accounts ?? [],
    settings: { secure, global, system },
    appOps,
    ...(Object.keys(appOpsLastAccess).length ? { appOpsLastAccess } : {}),
    batteryOptimisationExempt: idle?.user ?? [],
    ...(recentUse ? { recentUse } : {}),
    root: dropUndefined({
      debuggable: props['ro.debuggable'] === undefined ? undefined : props['ro.debuggable'] === '1',
      testKeys:
        props['ro.build.tags'] === undefined
          ? undefined
          : props['ro.build.tags'].includes('test-keys'),
      verifiedBootState: props['ro.boot.verifiedbootstate'],
      bootloaderLocked:
        props['ro.boot.flash.locked'] === undefined
          ? undefined
          : props['ro.boot.flash.locked'] === '1',
      suPaths: su?.paths ?? [],
      rootPackages: [...ROOT_MANAGER_PACKAGES].filter((p) => installed.has(p)),
    }),
    ...(adb?.available ? { adbKeys: adb.keys } : {}),
    pastApps: buildPastApps(apps, history),
    linked,
    ...(screenLock ? { screenLock } : {}),
    ...(clock.clock ? { clock: clock.clock } : {}),
    checks: [],
    warnings,
    parsers: [...ANDROID_PARSERS, APK_PARSER, APK_MANIFEST_PARSER],
    raw: c.raw.map((r) => r.record),
  };

  for (const step of c.suspectSteps ?? []) stepWarned.add(step);
  snapshot.checks = buildChecks(
    stepProblem,
    stepWarned,
    checkWarned,
    c,
    apps,
    checkNote,
    notCopied,
  );
  if (apps.length === 0) {
    // nothing about apps can be said: never let that read as a clean phone
    snapshot.complete = false;
    warnings.push(
      'No apps could be read from this phone, so this scan cannot say anything about apps.',
    );
  }
  return snapshot;
}

function buildChecks(
  problems: Map<AndroidStepId, Problem>,
  warned: Set<AndroidStepId>,
  checkWarned: Set<string>,
  c: AndroidCollection,
  apps: AndroidApp[],
  /** checks that ran only in part for a reason of their own */
  notes: Map<string, Problem> = new Map(),
  /** apps whose file the copy limits left on the phone */
  notCopied: Map<string, Extract<ApkCertResult, { ok: false }>> = new Map(),
): CheckStatus[] {
  const checks: CheckStatus[] = [];
  for (const [id, entry] of Object.entries(CHECK_SOURCES)) {
    const own = entry.sources.filter((x) => x.role !== 'stands-in');
    if (own.length === 0) continue; // coverage checks are judged over the apps, below
    const failed = (x: { step: AndroidStepId }) => problems.has(x.step);
    // a stand-in (a bugreport's package dump as the app list) replaces the check's own
    // failed source wholly, when it was read and gave apps
    const standIn = entry.sources.find((x) => x.role === 'stands-in' && !failed(x));
    const sources =
      standIn && own.some(failed) && apps.length > 0
        ? [{ ...standIn, role: 'required' as const }]
        : own;
    const steps = sources.map((x) => x.step);
    const failing = sources.filter(failed);
    const either = sources.filter((x) => x.role === 'either');
    const bad =
      failing.some((x) => x.role === 'required') || (either.length > 0 && either.every(failed));
    const title = entry.title;
    if (bad) {
      const first = failing.find((x) => x.role !== 'partial-without') ?? failing[0]!;
      checks.push({ id, title, status: 'not-checked', ...problems.get(first.step) });
    } else if (
      failing.length > 0 ||
      checkWarned.has(id) ||
      notes.has(id) ||
      steps.some((s) => warned.has(s))
    ) {
      const problem: Problem = failing.length
        ? problems.get(failing[0]!.step)!
        : notes.has(id) && !steps.some((s) => warned.has(s))
          ? notes.get(id)!
          : steps.some((s) => c.suspectSteps?.includes(s))
            ? c.lostReason
              ? {
                  reason:
                    'the answer may be cut short, because the scan ended while the phone was sending it',
                  cause: causeOfLoss(c),
                }
              : cutShortProblem(c, steps)
            : {
                reason:
                  'part of what the phone printed could not be read; see the evidence section',
                cause: 'garbled',
              };
      checks.push({ id, title, status: 'partial', ...problem });
    } else {
      checks.push({ id, title, status: 'ok' });
    }
  }
  // an app removed with only its data kept has no app file left to read (pastApps covers it)
  const current = apps.filter((a) => a.installedForUser0 !== false);
  // Only apps that can be a known sample count (see mayBeSample): store and preinstalled apps
  // are neither copied nor, by default, hashed, and their rules are judged without it.
  const canMatch = current.filter((a) => mayBeSample(a.installerClass));
  checks.push(
    coverage(
      'apk-hashes',
      CHECK_SOURCES['apk-hashes'].title,
      canMatch.filter((a) => !a.apkSha256),
      canMatch.length,
      c,
      notCopied,
      'fingerprint',
    ),
  );
  checks.push(
    coverage(
      'signing-certs',
      CHECK_SOURCES['signing-certs'].title,
      canMatch.filter((a) => !a.certs?.length),
      canMatch.length,
      c,
      notCopied,
      'signer',
    ),
  );
  return checks;
}

function coverage(
  id: string,
  title: string,
  missed: AndroidApp[],
  total: number,
  c: AndroidCollection,
  notCopied: Map<string, Extract<ApkCertResult, { ok: false }>>,
  what: 'fingerprint' | 'signer',
): CheckStatus {
  if (missed.length === 0) return { id, title, status: 'ok' };
  const done = total - missed.length;
  const status = done === 0 ? 'not-checked' : 'partial';
  const skipped = missed.filter((a) => notCopied.has(a.id));
  if (skipped.length === 0) {
    const why: Problem = c.complete
      ? { reason: 'some app files could not be read', cause: 'unreadable-files' }
      : whyUnread(c);
    return {
      id,
      title,
      status,
      reason: `${done} of ${total} apps checked: ${why.reason}`,
      cause: why.cause,
    };
  }
  // The copy limits: say in plain words which apps, how large, and that the file was too large
  // for the time of this check (the evidence section's warnings have each one's reason).
  const n = skipped.length;
  const apps = n === 1 ? '1 app' : `${n} apps`;
  const verb =
    what === 'signer'
      ? `we did not check who made ${apps} from outside an app store`
      : `we did not take the fingerprint of ${apps} from outside an app store`;
  const shown = skipped.slice(0, 5).map((a) => {
    const bytes = notCopied.get(a.id)?.bytes;
    return bytes !== undefined ? `${a.id} (${sizeWords(bytes)})` : a.id;
  });
  const more = n > shown.length ? ` and ${n - shown.length} more (see the evidence section)` : '';
  const list = more ? `${shown.join(', ')}${more}` : joinWords(shown);
  const others = missed.length - n;
  const rest =
    others > 0
      ? `; ${others} more could not be read${c.complete ? '' : ` (${whyUnread(c).reason})`}`
      : '';
  return {
    id,
    title,
    status,
    reason: `${verb}, because ${n === 1 ? 'its file was' : 'their files were'} too large to copy in the time of this check: ${list}${rest}`,
    // a lost phone is the broader fix when it also kept files unread
    cause: others > 0 && !c.complete ? causeOfLoss(c) : 'time-limit',
  };
}

function joinWords(parts: string[]): string {
  return parts.length <= 1
    ? parts.join('')
    : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Phone-local install times → UTC. Without the phone's time zone, UTC is assumed and said. */
function toUtc(raw: string | undefined, tz: string | undefined): string | undefined {
  if (!raw) return undefined;
  return phoneLocalTimeToUtc(raw, tz || 'UTC');
}

/** Why a step of an unfinished scan has no answer, in the words the report uses. */
function whyUnread(c: AndroidCollection): Problem {
  const cause = causeOfLoss(c);
  if (cause === 'stopped') return { reason: 'the scan was stopped before this was read', cause };
  if (cause === 'no-answer') {
    return { reason: 'the phone stopped answering before this was read', cause };
  }
  return { reason: 'the phone was disconnected before this was read', cause };
}

function causeOfLoss(c: AndroidCollection): CheckCause {
  const r = c.lostReason ?? '';
  if (/Ctrl-C|stopped before it finished/.test(r)) return 'stopped';
  if (/no answer/.test(r)) return 'no-answer';
  return 'disconnected';
}

/** A step whose answer is suspect although the phone stayed: it never stopped, or smuggled lines. */
function cutShortProblem(c: AndroidCollection, steps: readonly AndroidStepId[]): Problem {
  const cut = steps.some((s) => c.notes.some((n) => n.includes(`"${c.outputs[s]?.command}" past`)));
  return cut
    ? {
        reason: 'the phone kept sending output without end, so spycheck stopped reading it',
        cause: 'cut-short',
      }
    : {
        reason: 'the text may be incomplete or hold smuggled lines; see the evidence section',
        cause: 'garbled',
      };
}

/** A check that did not run or ran in part: plain words, what kind, and the phone's words. */
type Problem = Pick<CheckStatus, 'reason' | 'cause' | 'detail'> & { reason: string };

/** The phone answered with an error: say what kind in plain words; its own words go to evidence. */
function shellProblem(err: ShellError): Problem {
  const reason =
    err.kind === 'refused'
      ? 'the phone refused to answer this question'
      : err.kind === 'unsupported'
        ? 'this phone cannot answer this question (some phones, often older ones, do not have it)'
        : 'the phone gave an error instead of an answer';
  return { reason, cause: err.kind, detail: err.line };
}

function mergeComponents(a: ComponentRef[], b: ComponentRef[]): ComponentRef[] {
  const seen = new Map<string, ComponentRef>();
  for (const x of [...a, ...b]) {
    const key = `${x.package}/${x.component}`;
    if (!seen.has(key)) seen.set(key, x);
  }
  return [...seen.values()];
}

/** Only build and boot properties: enough to identify the phone and its security state. */
function keepProps(props: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('ro.') || k === 'persist.sys.timezone') out[k] = v;
  }
  return out;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
