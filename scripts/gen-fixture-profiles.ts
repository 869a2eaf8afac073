/**
 * Writes the simulated-phone profiles under fixtures/devices/ from compact app
 * lists, so every output of one phone agrees (same packages, uids, paths,
 * permissions). The committed files are what the simulator serves; re-run this
 * after changing a list or a renderer in src/sim/android/synthetic.ts:
 *
 *   npx rolldown scripts/gen-fixture-profiles.ts -p node -f esm -e yaml -o .gen-fixtures.tmp.mjs \
 *     && node .gen-fixtures.tmp.mjs; rm -f .gen-fixtures.tmp.mjs
 *
 * (run from the repository root; the APKs in infected-a12/apks are built by
 * scripts/make-apk.sh and only referenced here.)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  apkPath,
  CMD,
  dataAppDir,
  renderDevicePolicy,
  renderShell,
  type SimApp,
  type SimBatteryHistory,
  type SimOpEvent,
  type SimOpUse,
  type SimPhone,
  SYSTEM_IMAGE_TIME,
  strHash,
} from '../src/sim/android/synthetic.js';

const ROOT = join(process.cwd(), 'fixtures', 'devices');
const DAY = 86_400_000;

/** Short permission names → full ones ("CAMERA" → android.permission.CAMERA). */
function P(names: string): string[] {
  return names
    .split(/\s+/)
    .filter(Boolean)
    .map((n) => (n.includes('.') ? n : `android.permission.${n}`));
}

const BASIC =
  'INTERNET ACCESS_NETWORK_STATE WAKE_LOCK RECEIVE_BOOT_COMPLETED FOREGROUND_SERVICE VIBRATE com.google.android.c2dm.permission.RECEIVE';
const ADS = 'com.google.android.gms.permission.AD_ID ACCESS_WIFI_STATE';

interface AppSpec {
  pkg: string;
  label?: string;
  ver?: string;
  code?: number;
  launcher?: string;
  perms?: string;
  grant?: string;
  /** days before the phone's "now" */
  installedDaysAgo?: number;
  updatedDaysAgo?: number;
  target?: number;
  min?: number;
  a11y?: SimApp['a11y'];
  listener?: SimApp['listener'];
  admin?: SimApp['admin'];
  batteryExempt?: boolean;
  ops?: string[];
  enabledState?: number;
  extraFlags?: string[];
  abi?: string | null;
  signingVersion?: number;
}

interface PhoneCtx {
  now: number;
  setup: number;
  sdk: number;
  seed: number;
  nextUid: number;
  apps: SimApp[];
}

/**
 * The battery history up to the scan: `hours` back from `now`, with the updates of that time
 * (from the app list) and the installs and removals given here.
 */
function history(
  now: number,
  hours: number,
  events: SimBatteryHistory['events'] = [],
  restarts: number[] = [],
): SimBatteryHistory {
  return { start: now - hours * 3_600_000, end: now - 60_000, events, restarts };
}

function ctx(now: number, setupDaysAgo: number, sdk: number, seed: number): PhoneCtx {
  return { now, setup: now - setupDaysAgo * DAY, sdk, seed, nextUid: 10100, apps: [] };
}

/** Core platform packages with fixed uids (android.uid.system, phone, shell…). */
function platform(c: PhoneCtx, list: [string, string, number, string?][]): void {
  for (const [pkg, dir, uid, apkFile] of list) {
    c.apps.push({
      pkg,
      uid,
      versionName: String(c.sdk === 29 ? 10 : c.sdk === 31 ? 12 : c.sdk === 33 ? 13 : 14),
      versionCode: c.sdk,
      minSdk: c.sdk,
      targetSdk: c.sdk,
      systemDir: dir,
      apkFile,
      installer: null,
      installTime: c.setup,
      updateTime: SYSTEM_IMAGE_TIME,
      requested: P('INTERNET RECEIVE_BOOT_COMPLETED WAKE_LOCK'),
      granted: [],
      abi: null,
      extraFlags:
        pkg === 'com.android.systemui' || pkg === 'com.android.phone' ? ['PERSISTENT'] : [],
      sharedUser: uid < 10000 ? sharedUserFor(uid) : undefined,
    });
  }
}

function sharedUserFor(uid: number): string {
  if (uid === 1000) return 'android.uid.system';
  if (uid === 1001) return 'android.uid.phone';
  if (uid === 2000) return 'android.uid.shell';
  if (uid === 1002) return 'android.uid.bluetooth';
  if (uid === 1027) return 'android.uid.nfc';
  return 'android.uid.system';
}

/** A preinstalled app: `dir` in the system image; `updated` when a store has updated it since. */
function sys(c: PhoneCtx, dir: string, s: AppSpec & { updated?: boolean }): SimApp {
  const updated = s.updated ?? false;
  const app: SimApp = {
    pkg: s.pkg,
    uid: c.nextUid++,
    versionName: s.ver ?? `${c.sdk - 20}.${(strHash(s.pkg) % 40) + 1}.${strHash(s.pkg) % 97}`,
    versionCode: s.code ?? 100000 + (strHash(s.pkg) % 9_000_000),
    minSdk: s.min ?? Math.min(c.sdk, 28),
    targetSdk: s.target ?? c.sdk,
    systemDir: dir,
    updated,
    codeDir: undefined,
    installer: updated ? 'com.android.vending' : null,
    initiator: updated && c.sdk >= 30 ? 'com.android.vending' : null,
    installTime: c.setup,
    updateTime: updated
      ? c.now - (s.updatedDaysAgo ?? 1 + (strHash(s.pkg) % 40)) * DAY
      : SYSTEM_IMAGE_TIME,
    launcher: s.launcher,
    requested: P(`${BASIC} ${s.perms ?? ''}`),
    granted: P(s.grant ?? ''),
    a11y: s.a11y,
    listener: s.listener,
    admin: s.admin,
    batteryExempt: s.batteryExempt,
    ops: s.ops,
    enabledState: s.enabledState,
    extraFlags: s.extraFlags,
    abi: s.abi,
    signingVersion: s.signingVersion,
  };
  c.apps.push(app);
  return app;
}

/** An app installed by the user from a store (Play by default). */
function store(c: PhoneCtx, s: AppSpec, installer = 'com.android.vending'): SimApp {
  const installed = c.now - (s.installedDaysAgo ?? 20 + (strHash(s.pkg) % 150)) * DAY;
  const updated = Math.min(c.now - (s.updatedDaysAgo ?? strHash(s.pkg, 3) % 20) * DAY, c.now);
  const app: SimApp = {
    pkg: s.pkg,
    uid: c.nextUid++,
    versionName: s.ver ?? '1.0.0',
    versionCode: s.code ?? 1,
    minSdk: s.min ?? 24,
    targetSdk: s.target ?? Math.min(c.sdk, 34),
    installer,
    initiator: c.sdk >= 30 ? installer : null,
    originator: null,
    installTime: Math.max(installed, c.setup + 3_600_000 + (strHash(s.pkg) % 86_400) * 1000),
    updateTime: Math.max(updated, installed),
    launcher: s.launcher,
    requested: P(`${BASIC} ${ADS} ${s.perms ?? ''}`),
    granted: P(s.grant ?? ''),
    a11y: s.a11y,
    listener: s.listener,
    admin: s.admin,
    batteryExempt: s.batteryExempt,
    ops: s.ops,
    enabledState: s.enabledState,
    extraFlags: s.extraFlags,
    abi: s.abi,
    splits: ['base', 'config.arm64_v8a', 'config.en', 'config.xxhdpi'],
    signingVersion: s.signingVersion,
  };
  c.apps.push(app);
  return app;
}

function finishUids(c: PhoneCtx): void {
  // installer uids are looked up by package; nothing to do beyond a sanity check
  const seen = new Set<string>();
  for (const a of c.apps) {
    if (seen.has(a.pkg)) throw new Error(`duplicate package ${a.pkg}`);
    seen.add(a.pkg);
  }
}

const MIN = 60_000;

/**
 * App-op uses that `dumpsys appops` shows for one app, on top of the ordinary ones the
 * renderer makes from its grants. Times are minutes before the phone's "now" (plus a few
 * seconds so they are not round).
 */
function opUse(c: PhoneCtx, pkg: string, list: SimOpUse[]): void {
  const app = c.apps.find((a) => a.pkg === pkg);
  if (!app) throw new Error(`opUse: no app ${pkg}`);
  app.opUse = [...(app.opUse ?? []), ...list];
}

/** An op event `minutes` before now, in uid state `state`. */
function at(
  c: PhoneCtx,
  minutes: number,
  state: string,
  extra: Partial<Omit<SimOpEvent, 'at'>> = {},
): SimOpEvent {
  const jitter = strHash(`${minutes}:${state}:${extra.tag ?? ''}`, c.seed) % 57_000;
  return { at: c.now - minutes * MIN - jitter, state, ...extra };
}

/** FINE_LOCATION and its switch COARSE_LOCATION with the same accesses. */
function location(events: SimOpEvent[], reject: SimOpEvent[] = []): SimOpUse[] {
  const fine = events.map((e) => ({ ...e, at: e.at - 37 }));
  return [
    { op: 'COARSE_LOCATION', access: events, reject },
    { op: 'FINE_LOCATION', access: fine, reject },
  ];
}

// ---------------------------------------------------------------------------
// Shared catalogues

const AOSP_CORE: [string, string, number, string?][] = [
  ['android', '/system/framework', 1000, 'framework-res.apk'],
  ['com.android.providers.settings', '/system/priv-app/SettingsProvider', 1000],
  ['com.android.phone', '/system/priv-app/TeleService', 1001],
  ['com.android.server.telecom', '/system/priv-app/Telecom', 1000],
  ['com.android.shell', '/system/priv-app/Shell', 2000],
  ['com.android.location.fused', '/system/priv-app/FusedLocation', 1000],
  ['com.android.inputdevices', '/system/priv-app/InputDevices', 1000],
  ['com.android.keychain', '/system/priv-app/KeyChain', 1000],
  ['com.android.localtransport', '/system/priv-app/LocalTransport', 1000],
  ['com.android.wallpaperbackup', '/system/app/WallpaperBackup', 1000],
  ['com.android.nfc', '/system/app/NfcNci', 1027],
  ['com.android.se', '/system/app/SecureElement', 1068],
  ['com.android.providers.telephony', '/system/priv-app/TelephonyProvider', 1001],
];

function aospApps(c: PhoneCtx, extra: string[] = []): void {
  for (const name of [
    'com.android.providers.contacts|/system/priv-app/ContactsProvider|READ_CONTACTS WRITE_CONTACTS GET_ACCOUNTS',
    'com.android.providers.calendar|/system/priv-app/CalendarProvider|READ_CALENDAR WRITE_CALENDAR',
    'com.android.providers.downloads|/system/priv-app/DownloadProvider|',
    'com.android.providers.blockednumber|/system/priv-app/BlockedNumberProvider|',
    'com.android.providers.userdictionary|/system/priv-app/UserDictionaryProvider|',
    'com.android.externalstorage|/system/priv-app/ExternalStorageProvider|',
    'com.android.mtp|/system/priv-app/MtpService|',
    'com.android.printspooler|/system/app/PrintSpooler|',
    'com.android.vpndialogs|/system/priv-app/VpnDialogs|',
    'com.android.bips|/system/app/BuiltInPrintService|',
    'com.android.bookmarkprovider|/system/app/BookmarkProvider|',
    'com.android.certinstaller|/system/app/CertInstaller|',
    'com.android.companiondevicemanager|/system/app/CompanionDeviceManager|',
    'com.android.htmlviewer|/system/app/HTMLViewer|',
    'com.android.pacprocessor|/system/app/PacProcessor|',
    'com.android.proxyhandler|/system/priv-app/ProxyHandler|',
    'com.android.sharedstoragebackup|/system/priv-app/SharedStorageBackup|',
    'com.android.simappdialog|/system/app/SimAppDialog|',
    'com.android.smspush|/system/app/WAPPushManager|',
    'com.android.stk|/system/app/Stk|',
    'com.android.storagemanager|/system/priv-app/StorageManager|',
    'com.android.backupconfirm|/system/priv-app/BackupRestoreConfirmation|',
    'com.android.calllogbackup|/system/priv-app/CallLogBackup|READ_CALL_LOG',
    'com.android.dynsystem|/system/priv-app/DynamicSystemInstallationService|',
    'com.android.managedprovisioning|/system/priv-app/ManagedProvisioning|',
    'com.android.bluetoothmidiservice|/system/app/BluetoothMidiService|',
    'com.android.carrierconfig|/system/priv-app/CarrierConfig|',
    'com.android.wallpaper.livepicker|/system/app/LiveWallpapersPicker|',
    ...extra,
  ]) {
    const [pkg = '', dir = '', perms = ''] = name.split('|');
    sys(c, dir, { pkg, perms, abi: null });
  }
}

const GMS_PERMS =
  'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION READ_CONTACTS GET_ACCOUNTS READ_PHONE_STATE CAMERA RECORD_AUDIO BODY_SENSORS ACTIVITY_RECOGNITION READ_SMS RECEIVE_SMS';
const GMS_GRANT =
  'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION READ_CONTACTS GET_ACCOUNTS READ_PHONE_STATE CAMERA RECORD_AUDIO BODY_SENSORS ACTIVITY_RECOGNITION READ_SMS RECEIVE_SMS';

/** Google Mobile Services, present on every Play-certified phone; returns the GMS app. */
function gmsCore(c: PhoneCtx, prefix: string, updateDays: number): SimApp {
  const gms = sys(c, `${prefix}/priv-app/PrebuiltGmsCore`, {
    pkg: 'com.google.android.gms',
    updated: true,
    ver: c.sdk >= 34 ? '24.18.19 (190400-633713831)' : '24.07.14 (190400-608507424)',
    code: c.sdk >= 34 ? 241819044 : 240714044,
    updatedDaysAgo: updateDays,
    perms: GMS_PERMS,
    grant: GMS_GRANT,
    admin: {
      cls: 'com.google.android.gms.mdm.receivers.MdmDeviceAdminReceiver',
      active: true,
      policies: ['force-lock', 'wipe-data'],
    },
    extraFlags: ['PERSISTENT'],
  });
  sys(c, `${prefix}/priv-app/GoogleServicesFramework`, { pkg: 'com.google.android.gsf' });
  sys(c, `${prefix}/priv-app/Phonesky`, {
    pkg: 'com.android.vending',
    updated: true,
    ver: c.sdk >= 34 ? '40.8.23-31 [0] [PR] 631208290' : '39.4.21-29 [0] [PR] 607389123',
    code: c.sdk >= 34 ? 84082330 : 83942110,
    launcher: 'com.android.vending.AssetBrowserActivity',
    perms: 'REQUEST_INSTALL_PACKAGES GET_ACCOUNTS POST_NOTIFICATIONS',
    grant: 'GET_ACCOUNTS POST_NOTIFICATIONS',
  });
  return gms;
}

function googleApps(c: PhoneCtx, prefix: string, names: string[]): void {
  const table: Record<string, AppSpec & { dir: string; updated?: boolean }> = {
    chrome: {
      dir: `${prefix}/app/Chrome`,
      pkg: 'com.android.chrome',
      updated: true,
      ver: '124.0.6367.113',
      code: 636711333,
      launcher: 'com.google.android.apps.chrome.Main',
      perms: 'CAMERA RECORD_AUDIO ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
      grant: 'POST_NOTIFICATIONS',
    },
    youtube: {
      dir: `${prefix}/app/YouTube`,
      pkg: 'com.google.android.youtube',
      updated: true,
      ver: '19.16.39',
      code: 1545143232,
      launcher: 'com.google.android.youtube.app.honeycomb.Shell$HomeActivity',
      perms: 'CAMERA RECORD_AUDIO POST_NOTIFICATIONS',
      grant: 'POST_NOTIFICATIONS',
    },
    gmail: {
      dir: `${prefix}/app/PrebuiltGmail`,
      pkg: 'com.google.android.gm',
      updated: true,
      ver: '2024.04.14.627337744.Release',
      code: 64943287,
      launcher: 'com.google.android.gm.ConversationListActivityGmail',
      perms: 'READ_CONTACTS GET_ACCOUNTS POST_NOTIFICATIONS',
      grant: 'READ_CONTACTS GET_ACCOUNTS POST_NOTIFICATIONS',
    },
    maps: {
      dir: `${prefix}/app/Maps`,
      pkg: 'com.google.android.apps.maps',
      updated: true,
      ver: '11.127.0101',
      code: 1067012345,
      launcher: 'com.google.android.maps.MapsActivity',
      perms:
        'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION RECORD_AUDIO POST_NOTIFICATIONS',
      grant: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
    },
    search: {
      dir: `${prefix}/priv-app/Velvet`,
      pkg: 'com.google.android.googlequicksearchbox',
      updated: true,
      ver: '15.16.35.29.arm64',
      code: 301384526,
      launcher: 'com.google.android.googlequicksearchbox.SearchActivity',
      perms: 'RECORD_AUDIO ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION READ_CONTACTS',
      grant: 'RECORD_AUDIO ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION READ_CONTACTS',
    },
    photos: {
      dir: `${prefix}/app/Photos`,
      pkg: 'com.google.android.apps.photos',
      updated: true,
      ver: '6.83.0.627455710',
      code: 48301234,
      launcher: 'com.google.android.apps.photos.home.HomeActivity',
      perms: 'READ_MEDIA_IMAGES READ_MEDIA_VIDEO ACCESS_MEDIA_LOCATION READ_EXTERNAL_STORAGE',
      grant: 'READ_MEDIA_IMAGES READ_MEDIA_VIDEO ACCESS_MEDIA_LOCATION READ_EXTERNAL_STORAGE',
    },
    drive: {
      dir: `${prefix}/app/Drive`,
      pkg: 'com.google.android.apps.docs',
      updated: true,
      ver: '2.24.167.0.all.alldpi',
      code: 224167010,
      launcher: 'com.google.android.apps.docs.app.NewMainProxyActivity',
    },
    meet: {
      dir: `${prefix}/app/Duo`,
      pkg: 'com.google.android.apps.tachyon',
      updated: true,
      ver: '225.0.627466105.duo.android_20240414.09_p3',
      code: 6274661,
      launcher: 'com.google.android.apps.tachyon.MainActivity',
      perms: 'CAMERA RECORD_AUDIO READ_CONTACTS',
      grant: 'READ_CONTACTS',
    },
    music: {
      dir: `${prefix}/app/YouTubeMusicPrebuilt`,
      pkg: 'com.google.android.apps.youtube.music',
      updated: true,
      ver: '7.02.52',
      code: 70252240,
      launcher: 'com.google.android.apps.youtube.music.activities.MusicActivity',
    },
    gboard: {
      dir: `${prefix}/app/LatinIMEGooglePrebuilt`,
      pkg: 'com.google.android.inputmethod.latin',
      updated: true,
      ver: '14.2.05.620728640-release-arm64-v8a',
      code: 142050000,
      perms: 'READ_CONTACTS RECORD_AUDIO',
      grant: 'READ_CONTACTS',
    },
    talkback: {
      dir: `${prefix}/app/talkback`,
      pkg: 'com.google.android.marvin.talkback',
      updated: true,
      ver: '14.2.0.604127218',
      code: 60412721,
      a11y: {
        cls: 'com.google.android.accessibility.talkback.TalkBackService',
        enabled: false,
        label: 'TalkBack',
      },
    },
    files: {
      dir: `${prefix}/app/FilesPrebuilt`,
      pkg: 'com.google.android.apps.nbu.files',
      updated: true,
      ver: '1.3214.627005671.0-release',
      code: 3214100,
      launcher: 'com.google.android.apps.nbu.files.home.HomeActivity',
      perms:
        'READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE READ_MEDIA_IMAGES READ_MEDIA_VIDEO READ_MEDIA_AUDIO',
      grant:
        'READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE READ_MEDIA_IMAGES READ_MEDIA_VIDEO READ_MEDIA_AUDIO',
    },
    packageinstaller: {
      dir: '/system/priv-app/GooglePackageInstaller',
      pkg: 'com.google.android.packageinstaller',
    },
    familylinkhelper: {
      dir: `${prefix}/app/KidsSupervisionStub`,
      pkg: 'com.google.android.apps.kids.familylinkhelper',
    },
    feedback: { dir: `${prefix}/app/GoogleFeedback`, pkg: 'com.google.android.feedback' },
    tts: { dir: `${prefix}/app/GoogleTTS`, pkg: 'com.google.android.tts', updated: true },
    contactssync: {
      dir: `${prefix}/app/GoogleContactsSyncAdapter`,
      pkg: 'com.google.android.syncadapters.contacts',
    },
    calendarsync: {
      dir: `${prefix}/app/GoogleCalendarSyncAdapter`,
      pkg: 'com.google.android.syncadapters.calendar',
    },
    partnersetup: {
      dir: `${prefix}/priv-app/PartnerSetupPrebuilt`,
      pkg: 'com.google.android.partnersetup',
    },
    onetimeinit: {
      dir: `${prefix}/priv-app/GoogleOneTimeInitializer`,
      pkg: 'com.google.android.onetimeinitializer',
    },
    restore: {
      dir: `${prefix}/priv-app/GoogleRestorePrebuilt`,
      pkg: 'com.google.android.apps.restore',
    },
    printrec: {
      dir: `${prefix}/app/PrintRecommendationService`,
      pkg: 'com.google.android.printservice.recommendation',
    },
    markup: { dir: `${prefix}/app/MarkupGoogle`, pkg: 'com.google.android.markup' },
    adm: {
      dir: `${prefix}/app/PrebuiltFindMyDevice`,
      pkg: 'com.google.android.apps.adm',
      updated: true,
      launcher: 'com.google.android.apps.adm.activities.MainActivity',
    },
    wellbeing: {
      dir: `${prefix}/priv-app/WellbeingPrebuilt`,
      pkg: 'com.google.android.apps.wellbeing',
      updated: true,
      ops: ['GET_USAGE_STATS'],
    },
    asi: {
      dir: `${prefix}/priv-app/DevicePersonalizationPrebuiltPixel2022`,
      pkg: 'com.google.android.as',
      updated: true,
    },
    calendar: {
      dir: `${prefix}/app/CalendarGooglePrebuilt`,
      pkg: 'com.google.android.calendar',
      updated: true,
      launcher: 'com.android.calendar.AllInOneActivity',
      perms: 'READ_CALENDAR WRITE_CALENDAR READ_CONTACTS',
      grant: 'READ_CALENDAR WRITE_CALENDAR READ_CONTACTS',
    },
    keep: {
      dir: `${prefix}/app/PrebuiltKeep`,
      pkg: 'com.google.android.keep',
      launcher: 'com.google.android.keep.activities.BrowseActivity',
    },
    wallet: {
      dir: `${prefix}/app/WalletPrebuilt`,
      pkg: 'com.google.android.apps.walletnfcrel',
      updated: true,
      launcher: 'com.google.commerce.tapandpay.android.wallet.WalletActivity',
    },
    gearhead: {
      dir: `${prefix}/priv-app/AndroidAutoStubPrebuilt`,
      pkg: 'com.google.android.projection.gearhead',
      updated: true,
    },
    clouddpc: {
      dir: `${prefix}/priv-app/AndroidDevicePolicy`,
      pkg: 'com.google.android.apps.work.clouddpc',
    },
    setupwizard: {
      dir: `${prefix}/priv-app/SetupWizardPrebuilt`,
      pkg: 'com.google.android.setupwizard',
    },
    configupdater: {
      dir: `${prefix}/priv-app/ConfigUpdater`,
      pkg: 'com.google.android.configupdater',
    },
    ims: {
      dir: `${prefix}/priv-app/CarrierServices`,
      pkg: 'com.google.android.ims',
      updated: true,
      perms: 'READ_PHONE_STATE READ_SMS RECEIVE_SMS SEND_SMS',
      grant: 'READ_PHONE_STATE READ_SMS RECEIVE_SMS SEND_SMS',
    },
  };
  for (const n of names) {
    const spec = table[n];
    if (!spec) throw new Error(`unknown google app ${n}`);
    sys(c, spec.dir, spec);
  }
}

// ---------------------------------------------------------------------------
// Popular store apps (real package ids, realistic permissions)

const STORE: Record<string, AppSpec> = {
  whatsapp: {
    pkg: 'com.whatsapp',
    ver: '2.24.9.78',
    code: 241297800,
    launcher: 'com.whatsapp.Main',
    perms:
      'READ_CONTACTS WRITE_CONTACTS GET_ACCOUNTS CAMERA RECORD_AUDIO ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION READ_PHONE_STATE READ_PHONE_NUMBERS CALL_PHONE MANAGE_OWN_CALLS READ_MEDIA_IMAGES READ_MEDIA_VIDEO READ_MEDIA_AUDIO READ_EXTERNAL_STORAGE POST_NOTIFICATIONS BLUETOOTH_CONNECT USE_BIOMETRIC USE_FULL_SCREEN_INTENT REQUEST_IGNORE_BATTERY_OPTIMIZATIONS',
    grant:
      'READ_CONTACTS WRITE_CONTACTS GET_ACCOUNTS CAMERA RECORD_AUDIO READ_PHONE_STATE READ_MEDIA_IMAGES READ_MEDIA_VIDEO READ_EXTERNAL_STORAGE POST_NOTIFICATIONS',
    installedDaysAgo: 170,
  },
  instagram: {
    pkg: 'com.instagram.android',
    ver: '329.0.0.41.93',
    code: 374213112,
    launcher: 'com.instagram.mainactivity.LauncherActivity',
    perms:
      'CAMERA RECORD_AUDIO READ_MEDIA_IMAGES READ_MEDIA_VIDEO ACCESS_COARSE_LOCATION READ_CONTACTS POST_NOTIFICATIONS',
    grant: 'CAMERA READ_MEDIA_IMAGES READ_MEDIA_VIDEO POST_NOTIFICATIONS',
  },
  facebook: {
    pkg: 'com.facebook.katana',
    ver: '461.0.0.51.107',
    code: 462012345,
    launcher: 'com.facebook.katana.LoginActivity',
    perms:
      'CAMERA RECORD_AUDIO READ_CONTACTS ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION READ_MEDIA_IMAGES POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  messenger: {
    pkg: 'com.facebook.orca',
    ver: '453.0.0.42.108',
    code: 454012980,
    launcher: 'com.facebook.orca.auth.StartScreenActivity',
    perms:
      'CAMERA RECORD_AUDIO READ_CONTACTS READ_PHONE_STATE POST_NOTIFICATIONS SYSTEM_ALERT_WINDOW',
    grant: 'CAMERA RECORD_AUDIO POST_NOTIFICATIONS',
  },
  spotify: {
    pkg: 'com.spotify.music',
    ver: '8.9.36.616',
    code: 111009424,
    launcher: 'com.spotify.music.MainActivity',
    perms: 'RECORD_AUDIO BLUETOOTH_CONNECT POST_NOTIFICATIONS',
    grant: 'BLUETOOTH_CONNECT POST_NOTIFICATIONS',
  },
  netflix: {
    pkg: 'com.netflix.mediaclient',
    ver: '8.110.1',
    code: 62401,
    launcher: 'com.netflix.mediaclient.ui.launch.UIWebViewActivity',
  },
  amazon: {
    pkg: 'com.amazon.mShop.android.shopping',
    ver: '28.8.0.100',
    code: 1241080010,
    launcher: 'com.amazon.mShop.home.HomeActivity',
    perms: 'CAMERA RECORD_AUDIO ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  uber: {
    pkg: 'com.ubercab',
    ver: '4.519.10004',
    code: 245190,
    launcher: 'com.ubercab.presidio.app.core.root.RootActivity',
    perms:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION READ_CONTACTS CALL_PHONE POST_NOTIFICATIONS',
    grant: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
  },
  deliveroo: {
    pkg: 'com.deliveroo.orderapp',
    ver: '3.181.0',
    code: 318100,
    launcher: 'com.deliveroo.orderapp.splash.ui.SplashActivity',
    perms: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
    grant: 'ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
  },
  duolingo: {
    pkg: 'com.duolingo',
    ver: '5.151.4',
    code: 1788,
    launcher: 'com.duolingo.app.LoginActivity',
    perms: 'RECORD_AUDIO POST_NOTIFICATIONS',
    grant: 'RECORD_AUDIO POST_NOTIFICATIONS',
  },
  tiktok: {
    pkg: 'com.zhiliaoapp.musically',
    ver: '34.5.4',
    code: 2023405040,
    launcher: 'com.ss.android.ugc.aweme.splash.SplashActivity',
    perms:
      'CAMERA RECORD_AUDIO READ_CONTACTS READ_MEDIA_IMAGES READ_MEDIA_VIDEO POST_NOTIFICATIONS',
    grant: 'CAMERA RECORD_AUDIO READ_MEDIA_IMAGES READ_MEDIA_VIDEO POST_NOTIFICATIONS',
  },
  snapchat: {
    pkg: 'com.snapchat.android',
    ver: '12.85.0.40',
    code: 244506,
    launcher: 'com.snap.mushroom.MainActivity',
    perms:
      'CAMERA RECORD_AUDIO ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION READ_CONTACTS READ_MEDIA_IMAGES POST_NOTIFICATIONS',
    grant: 'CAMERA RECORD_AUDIO ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
  },
  telegram: {
    pkg: 'org.telegram.messenger',
    ver: '10.11.1',
    code: 46421,
    launcher: 'org.telegram.messenger.DefaultIcon',
    perms: 'CAMERA RECORD_AUDIO READ_CONTACTS ACCESS_FINE_LOCATION POST_NOTIFICATIONS',
    grant: 'READ_CONTACTS POST_NOTIFICATIONS',
  },
  signal: {
    pkg: 'org.thoughtcrime.securesms',
    ver: '7.5.2',
    code: 1415,
    launcher: 'org.thoughtcrime.securesms.RoutingActivity',
    perms: 'CAMERA RECORD_AUDIO READ_CONTACTS WRITE_CONTACTS READ_PHONE_STATE POST_NOTIFICATIONS',
    grant: 'CAMERA RECORD_AUDIO READ_CONTACTS WRITE_CONTACTS POST_NOTIFICATIONS',
  },
  teams: {
    pkg: 'com.microsoft.teams',
    ver: '1416/1.0.0.2024081701',
    code: 2024081701,
    launcher: 'com.microsoft.skype.teams.Launcher',
    perms: 'CAMERA RECORD_AUDIO READ_CONTACTS GET_ACCOUNTS POST_NOTIFICATIONS',
    grant: 'RECORD_AUDIO POST_NOTIFICATIONS',
  },
  outlook: {
    pkg: 'com.microsoft.office.outlook',
    ver: '4.2416.0',
    code: 1000834,
    launcher: 'com.microsoft.office.outlook.MainActivity',
    perms:
      'READ_CONTACTS WRITE_CONTACTS GET_ACCOUNTS READ_CALENDAR WRITE_CALENDAR POST_NOTIFICATIONS',
    grant: 'GET_ACCOUNTS POST_NOTIFICATIONS',
  },
  authenticator: {
    pkg: 'com.google.android.apps.authenticator2',
    ver: '7.0',
    code: 70000003,
    launcher: 'com.google.android.apps.authenticator.AuthenticatorActivity',
    perms: 'CAMERA',
    grant: 'CAMERA',
  },
  bitwarden: {
    pkg: 'com.x8bit.bitwarden',
    ver: '2024.4.1',
    code: 11423,
    launcher: 'com.x8bit.bitwarden.MainActivity',
    perms: 'CAMERA USE_BIOMETRIC POST_NOTIFICATIONS',
    grant: 'CAMERA POST_NOTIFICATIONS',
    a11y: {
      cls: 'com.x8bit.bitwarden.Accessibility.AccessibilityService',
      enabled: true,
      label: 'Bitwarden',
    },
    ops: ['SYSTEM_ALERT_WINDOW'],
  },
  garmin: {
    pkg: 'com.garmin.android.apps.connectmobile',
    ver: '5.1',
    code: 500100,
    launcher: 'com.garmin.android.apps.connectmobile.launch.AppLaunchActivity',
    perms:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION BLUETOOTH_SCAN BLUETOOTH_CONNECT READ_CONTACTS READ_PHONE_STATE READ_CALL_LOG ACTIVITY_RECOGNITION POST_NOTIFICATIONS REQUEST_IGNORE_BATTERY_OPTIMIZATIONS',
    grant:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION BLUETOOTH_SCAN BLUETOOTH_CONNECT READ_CONTACTS READ_PHONE_STATE ACTIVITY_RECOGNITION POST_NOTIFICATIONS',
    listener: {
      cls: 'com.garmin.android.apps.connectmobile.smartnotifications.NotificationListener',
      enabled: true,
    },
    batteryExempt: true,
  },
  monzo: {
    pkg: 'co.uk.getmondo',
    ver: '5.108.0',
    code: 1501080,
    launcher: 'co.uk.getmondo.splash.SplashActivity',
    perms: 'CAMERA USE_BIOMETRIC POST_NOTIFICATIONS READ_CONTACTS',
    grant: 'POST_NOTIFICATIONS',
  },
  barclays: {
    pkg: 'com.barclays.android.barclaysmobilebanking',
    ver: '3.24.0',
    code: 3240002,
    launcher: 'com.barclays.android.barclaysmobilebanking.activity.SplashActivity',
    perms: 'CAMERA USE_BIOMETRIC ACCESS_COARSE_LOCATION READ_PHONE_STATE POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  revolut: {
    pkg: 'com.revolut.revolut',
    ver: '10.35',
    code: 1003500,
    launcher: 'com.revolut.ui.splash.SplashActivity',
    perms: 'CAMERA USE_BIOMETRIC READ_CONTACTS ACCESS_FINE_LOCATION POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  hsbc: {
    pkg: 'uk.co.hsbc.hsbcukmobilebanking',
    ver: '3.18.0',
    code: 31800,
    launcher: 'com.hsbc.mobilebanking.MainActivity',
    perms: 'CAMERA USE_BIOMETRIC POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  paypal: {
    pkg: 'com.paypal.android.p2pmobile',
    ver: '8.60.1',
    code: 8601,
    launcher: 'com.paypal.android.p2pmobile.startup.activities.StartupActivity',
    perms: 'CAMERA READ_CONTACTS ACCESS_FINE_LOCATION POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  trainline: {
    pkg: 'com.thetrainline',
    ver: '268.0.0',
    code: 268000,
    launcher: 'com.thetrainline.search_screen.SearchActivity',
    perms: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
    grant: 'ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
  },
  iplayer: {
    pkg: 'bbc.iplayer.android',
    ver: '4.171.0.26110',
    code: 26110,
    launcher: 'uk.co.bbc.iplayer.startup.routing.RoutingActivity',
  },
  bbcnews: {
    pkg: 'bbc.mobile.news.uk',
    ver: '7.3.2',
    code: 35113,
    launcher: 'bbc.mobile.news.v3.app.TopLevelActivity',
    perms: 'POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  shazam: {
    pkg: 'com.shazam.android',
    ver: '14.18.0-240418',
    code: 1412180,
    launcher: 'com.shazam.android.activities.SplashActivity',
    perms: 'RECORD_AUDIO ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
    grant: 'RECORD_AUDIO',
  },
  pinterest: {
    pkg: 'com.pinterest',
    ver: '12.15.0',
    code: 12150030,
    launcher: 'com.pinterest.activity.PinterestActivity',
    perms: 'CAMERA READ_MEDIA_IMAGES POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  reddit: {
    pkg: 'com.reddit.frontpage',
    ver: '2024.16.0',
    code: 1614260,
    launcher: 'launcher.default',
    perms: 'CAMERA READ_MEDIA_IMAGES POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  linkedin: {
    pkg: 'com.linkedin.android',
    ver: '4.1.935',
    code: 181900,
    launcher: 'com.linkedin.android.authenticator.LaunchActivity',
    perms: 'CAMERA READ_CONTACTS READ_CALENDAR POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  discord: {
    pkg: 'com.discord',
    ver: '227.13 - Stable',
    code: 227213,
    launcher: 'com.discord.main.MainDefault',
    perms: 'CAMERA RECORD_AUDIO READ_MEDIA_IMAGES POST_NOTIFICATIONS BLUETOOTH_CONNECT',
    grant: 'RECORD_AUDIO POST_NOTIFICATIONS',
  },
  strava: {
    pkg: 'com.strava',
    ver: '357.10',
    code: 1335710,
    launcher: 'com.strava.SplashActivity',
    perms:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACTIVITY_RECOGNITION BLUETOOTH_SCAN BLUETOOTH_CONNECT POST_NOTIFICATIONS',
    grant: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACTIVITY_RECOGNITION POST_NOTIFICATIONS',
  },
  calm: {
    pkg: 'com.calm.android',
    ver: '6.50',
    code: 4860,
    launcher: 'com.calm.android.ui.splash.SplashActivity',
    perms: 'POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  ebay: {
    pkg: 'com.ebay.mobile',
    ver: '6.158.0.1',
    code: 61580001,
    launcher: 'com.ebay.mobile.home.impl.main.MainActivity',
    perms: 'CAMERA POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  vinted: {
    pkg: 'fr.vinted',
    ver: '24.16.0',
    code: 24160000,
    launcher: 'fr.vinted.activity.LauncherActivity',
    perms: 'CAMERA READ_MEDIA_IMAGES POST_NOTIFICATIONS',
    grant: 'CAMERA READ_MEDIA_IMAGES POST_NOTIFICATIONS',
  },
  booking: {
    pkg: 'com.booking',
    ver: '46.3',
    code: 19504,
    launcher: 'com.booking.startup.HomeActivity',
    perms: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  airbnb: {
    pkg: 'com.airbnb.android',
    ver: '24.17',
    code: 24001700,
    launcher: 'com.airbnb.android.feat.homescreen.HomeActivity',
    perms: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION CAMERA POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  twitch: {
    pkg: 'tv.twitch.android.app',
    ver: '18.0.0',
    code: 1800001,
    launcher: 'tv.twitch.android.app.core.LandingActivity',
  },
  nhs: {
    pkg: 'com.nhs.online.nhsonline',
    ver: '3.34.0',
    code: 334000,
    launcher: 'com.nhs.online.nhsonline.MainActivity',
    perms: 'USE_BIOMETRIC POST_NOTIFICATIONS',
    grant: 'POST_NOTIFICATIONS',
  },
  citymapper: {
    pkg: 'com.citymapper.app.release',
    ver: '11.4.1',
    code: 1104010,
    launcher: 'com.citymapper.app.EntryPointActivity',
    perms: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION POST_NOTIFICATIONS',
    grant: 'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION',
  },
  lloyds: {
    pkg: 'com.grppl.android.shell.CMBlloydsTSB73',
    ver: '128.02',
    code: 12802,
    launcher: 'com.lloydsbanking.mobile.SplashActivity',
    perms: 'CAMERA USE_BIOMETRIC ACCESS_COARSE_LOCATION READ_PHONE_STATE',
    grant: '',
  },
};

function storeApps(c: PhoneCtx, names: string[], overrides: Record<string, Partial<AppSpec>> = {}) {
  for (const n of names) {
    const spec = STORE[n];
    if (!spec) throw new Error(`unknown store app ${n}`);
    const s = { ...spec, ...(overrides[n] ?? {}) };
    if (c.sdk < 33) {
      // older phones: no POST_NOTIFICATIONS/READ_MEDIA_* (the renderer drops them as
      // runtime permissions); keep the list honest to what the app targets
      s.target = Math.min(s.target ?? 34, c.sdk + 2);
    }
    store(c, s);
  }
}

// ---------------------------------------------------------------------------
// Common props and settings

function props(base: Record<string, string>): Record<string, string> {
  return {
    'dalvik.vm.heapsize': '512m',
    'gsm.sim.state': 'LOADED',
    'persist.sys.locale': 'en-GB',
    'persist.sys.timezone': 'Europe/London',
    'persist.sys.usb.config': 'mtp,adb',
    'ro.boot.flash.locked': '1',
    'ro.boot.verifiedbootstate': 'green',
    'ro.boot.vbmeta.device_state': 'locked',
    'ro.build.tags': 'release-keys',
    'ro.build.type': 'user',
    'ro.crypto.state': 'encrypted',
    'ro.debuggable': '0',
    'ro.secure': '1',
    'ro.adb.secure': '1',
    'service.adb.root': '0',
    'sys.boot_completed': '1',
    'sys.usb.config': 'mtp,adb',
    'sys.usb.state': 'mtp,adb',
    ...base,
  };
}

function adbKey(seed: number, name: string, lastConnection: number): SimPhone['adbKeys'][number] {
  let s = 'QAAAA';
  let h = seed >>> 0;
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < 64; i++) {
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    s += chars[h % 64];
  }
  let fp = '';
  for (let i = 0; i < 16; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x27d4eb2d) >>> 0;
    fp += `${i ? ':' : ''}${(h % 256).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return { key: `${s}=`, name, lastConnection, fingerprint: fp };
}

const GOOGLE_AUTH =
  'com.google.android.gms/com.google.android.gms.auth.account.authenticator.GoogleAccountAuthenticatorService';

// ---------------------------------------------------------------------------
// 1. clean-pixel14

function cleanPixel14(): SimPhone {
  const now = Date.UTC(2024, 4, 20, 10, 30, 0);
  const c = ctx(now, 190, 34, 14);
  platform(c, AOSP_CORE);
  sys(c, '/system_ext/priv-app/SystemUIGoogle', {
    pkg: 'com.android.systemui',
    extraFlags: ['PERSISTENT'],
  });
  sys(c, '/system_ext/priv-app/SettingsGoogle', {
    pkg: 'com.android.settings',
    launcher: 'com.android.settings.Settings',
  });
  sys(c, '/system_ext/priv-app/NexusLauncherRelease', {
    pkg: 'com.google.android.apps.nexuslauncher',
  });
  sys(c, '/system/app/Bluetooth', { pkg: 'com.android.bluetooth' });
  aospApps(c, [
    'com.android.credentialmanager|/system/priv-app/CredentialManager|',
    'com.android.intentresolver|/system/priv-app/IntentResolver|',
    'com.android.DeviceAsWebcam|/system/priv-app/DeviceAsWebcam|CAMERA',
    'com.android.traceur|/system/app/Traceur|',
    'com.android.emergency|/system/priv-app/EmergencyInfoGoogleNoUi|',
    'com.android.imsserviceentitlement|/system/app/ImsServiceEntitlement|',
    'com.android.hotspot2.osulogin|/system/app/OsuLogin|',
    'com.android.ons|/system/priv-app/ONS|',
    'com.android.soundpicker|/system/app/SoundPicker|',
    'com.android.musicfx|/system/priv-app/MusicFX|',
    'com.android.devicediagnostics|/system/priv-app/DeviceDiagnostics|',
    'com.android.cameraextensions|/system/app/CameraExtensionsProxy|',
  ]);
  const gms = gmsCore(c, '/product', 2);
  googleApps(c, '/product', [
    'chrome',
    'youtube',
    'gmail',
    'maps',
    'search',
    'photos',
    'drive',
    'meet',
    'music',
    'gboard',
    'talkback',
    'files',
    'packageinstaller',
    'familylinkhelper',
    'feedback',
    'tts',
    'contactssync',
    'calendarsync',
    'partnersetup',
    'onetimeinit',
    'restore',
    'printrec',
    'markup',
    'adm',
    'wellbeing',
    'asi',
    'calendar',
    'keep',
    'wallet',
    'gearhead',
    'clouddpc',
    'setupwizard',
    'configupdater',
    'ims',
  ]);
  for (const [pkg, dir, launcher, perms, grant] of [
    [
      'com.google.android.dialer',
      '/product/priv-app/GoogleDialer',
      'com.google.android.dialer.extensions.GoogleDialtactsActivity',
      'READ_CONTACTS WRITE_CONTACTS CALL_PHONE READ_CALL_LOG WRITE_CALL_LOG READ_PHONE_STATE RECORD_AUDIO',
      'READ_CONTACTS WRITE_CONTACTS CALL_PHONE READ_CALL_LOG WRITE_CALL_LOG READ_PHONE_STATE RECORD_AUDIO',
    ],
    [
      'com.google.android.apps.messaging',
      '/product/app/PrebuiltBugle',
      'com.google.android.apps.messaging.ui.ConversationListActivity',
      'READ_SMS RECEIVE_SMS SEND_SMS RECEIVE_MMS READ_CONTACTS READ_PHONE_STATE POST_NOTIFICATIONS',
      'READ_SMS RECEIVE_SMS SEND_SMS RECEIVE_MMS READ_CONTACTS READ_PHONE_STATE POST_NOTIFICATIONS',
    ],
    [
      'com.google.android.contacts',
      '/product/app/GoogleContacts',
      'com.android.contacts.activities.PeopleActivity',
      'READ_CONTACTS WRITE_CONTACTS GET_ACCOUNTS',
      'READ_CONTACTS WRITE_CONTACTS GET_ACCOUNTS',
    ],
    [
      'com.google.android.GoogleCamera',
      '/product/app/GoogleCamera',
      'com.android.camera.CameraLauncher',
      'CAMERA RECORD_AUDIO ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION',
      'CAMERA RECORD_AUDIO',
    ],
    [
      'com.google.android.deskclock',
      '/product/app/PrebuiltDeskClockGoogle',
      'com.android.deskclock.DeskClock',
      'POST_NOTIFICATIONS',
      'POST_NOTIFICATIONS',
    ],
    [
      'com.google.android.calculator',
      '/product/app/CalculatorGooglePrebuilt',
      'com.android.calculator2.Calculator',
      '',
      '',
    ],
    [
      'com.google.android.apps.recorder',
      '/product/app/RecorderPrebuilt',
      'com.google.android.apps.recorder.ui.MainActivity',
      'RECORD_AUDIO',
      'RECORD_AUDIO',
    ],
    [
      'com.google.android.apps.safetyhub',
      '/product/priv-app/SafetyHubPrebuilt',
      'com.google.android.apps.safetyhub.main.MainActivity',
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION CALL_PHONE SEND_SMS',
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION CALL_PHONE SEND_SMS',
    ],
    [
      'com.google.android.apps.tips',
      '/product/priv-app/TipsPrebuilt',
      'com.google.android.apps.tips.TipsMainActivity',
      '',
      '',
    ],
    [
      'com.google.android.apps.googleassistant',
      '/product/app/AssistantShell',
      'com.google.android.apps.googleassistant.AssistantActivity',
      '',
      '',
    ],
    ['com.google.android.apps.pixelmigrate', '/product/priv-app/PixelMigrate', '', '', ''],
    [
      'com.google.android.apps.wallpaper',
      '/product/priv-app/WallpaperPickerGoogleRelease',
      '',
      '',
      '',
    ],
    ['com.google.android.apps.turbo', '/product/priv-app/TurboPrebuilt', '', '', ''],
    ['com.google.android.as.oss', '/product/priv-app/PrivateComputeServices', '', '', ''],
    ['com.google.android.aicore', '/product/priv-app/AiCore', '', '', ''],
    [
      'com.google.android.apps.customization.pixel',
      '/product/priv-app/PixelThemesStub',
      '',
      '',
      '',
    ],
    ['com.google.android.apps.camera.services', '/product/priv-app/CameraServices', '', '', ''],
    ['com.google.android.gms.supervision', '/product/priv-app/KidsSupervisionServices', '', '', ''],
    [
      'com.google.android.settings.intelligence',
      '/product/priv-app/SettingsIntelligenceGooglePrebuilt',
      '',
      '',
      '',
    ],
    ['com.google.android.documentsui', '/system/priv-app/DocumentsUIGoogle', '', '', ''],
    [
      'com.google.android.euicc',
      '/product/priv-app/EuiccGoogle',
      '',
      'READ_PHONE_STATE',
      'READ_PHONE_STATE',
    ],
    ['com.google.android.hiddenmenu', '/product/priv-app/HiddenMenu', '', '', ''],
    [
      'com.google.android.apps.diagnosticstool',
      '/product/priv-app/DiagnosticsToolPrebuilt',
      '',
      '',
      '',
    ],
    ['com.google.android.modulemetadata', '/product/app/ModuleMetadataGoogle', '', '', ''],
    ['com.google.android.gmsintegration', '/product/priv-app/GmsIntegration', '', '', ''],
    [
      'com.google.android.apps.scone',
      '/product/priv-app/ConnectivityThermalPowerManager',
      '',
      '',
      '',
    ],
    ['com.google.android.apps.dreamliner', '/product/priv-app/DreamlinerPrebuilt', '', '', ''],
    ['com.google.android.apps.carrier.carrierwifi', '/product/priv-app/CarrierWifi', '', '', ''],
    ['com.google.android.apps.aiwallpapers', '/product/app/AiWallpapers', '', '', ''],
    [
      'com.google.android.apps.weather',
      '/product/app/WeatherPixelPrebuilt',
      'com.google.android.apps.weather.home.HomeActivity',
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION',
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION',
    ],
    [
      'com.google.android.apps.accessibility.voiceaccess',
      '/product/app/VoiceAccessPrebuilt',
      '',
      '',
      '',
    ],
    [
      'com.google.android.permissioncontroller',
      '/apex/com.android.permission/priv-app/GooglePermissionController@340818022',
      '',
      '',
      '',
    ],
    [
      'com.google.android.providers.media.module',
      '/apex/com.android.mediaprovider/priv-app/MediaProviderGoogle@340818022',
      '',
      'READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE',
      'READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE',
    ],
    ['com.google.android.networkstack', '/system/priv-app/NetworkStackGoogle', '', '', ''],
    [
      'com.google.android.cellbroadcastreceiver',
      '/apex/com.android.cellbroadcast/priv-app/GoogleCellBroadcastApp@340818022',
      '',
      '',
      '',
    ],
    [
      'com.google.android.ext.services',
      '/apex/com.android.extservices/priv-app/GoogleExtServices@340818022',
      '',
      '',
      '',
    ],
    [
      'com.google.android.overlay.gmsconfig.common',
      '/product/overlay/GmsConfigOverlayCommon',
      '',
      '',
      '',
    ],
    [
      'com.google.android.overlay.modules.ext.services',
      '/product/overlay/GoogleExtServicesConfigOverlay',
      '',
      '',
      '',
    ],
    ['com.android.systemui.overlay.pixel', '/product/overlay/PixelConfigOverlayCommon', '', '', ''],
    [
      'com.google.android.connectivity.resources',
      '/apex/com.android.tethering/priv-app/ServiceConnectivityResourcesGoogle@340818022',
      '',
      '',
      '',
    ],
    [
      'com.google.android.bluetooth',
      '/apex/com.android.btservices/app/BluetoothGoogle@340818022',
      '',
      'BLUETOOTH_CONNECT BLUETOOTH_SCAN',
      'BLUETOOTH_CONNECT BLUETOOTH_SCAN',
    ],
  ] as const) {
    const apkFile = dir.startsWith('/apex/')
      ? `${dir.slice(dir.lastIndexOf('/') + 1).split('@')[0]}.apk`
      : undefined;
    const a = sys(c, dir, { pkg, launcher: launcher || undefined, perms, grant });
    a.apkFile = apkFile;
  }
  storeApps(c, [
    'whatsapp',
    'instagram',
    'facebook',
    'messenger',
    'spotify',
    'netflix',
    'amazon',
    'uber',
    'deliveroo',
    'duolingo',
    'tiktok',
    'snapchat',
    'telegram',
    'signal',
    'teams',
    'outlook',
    'authenticator',
    'bitwarden',
    'garmin',
    'monzo',
    'barclays',
    'revolut',
    'hsbc',
    'paypal',
    'trainline',
    'iplayer',
    'bbcnews',
    'shazam',
    'pinterest',
    'reddit',
    'linkedin',
    'discord',
    'strava',
    'calm',
    'ebay',
    'vinted',
    'booking',
    'airbnb',
    'nhs',
    'citymapper',
  ]);
  // the user set the password manager as the autofill service; the watch app may run in the background
  // dumpsys appops: only ordinary apps doing ordinary things
  opUse(c, 'com.google.android.apps.maps', [
    ...location([at(c, 95, 'top'), at(c, 26 * 60, 'fgsvc', { duration: 22 * MIN + 4_310 })]),
    { op: 'RECORD_AUDIO', access: [at(c, 26 * 60 + 3, 'top', { duration: 6_120 })] },
  ]);
  opUse(c, 'com.google.android.GoogleCamera', [
    { op: 'CAMERA', access: [at(c, 20 * 60, 'top', { duration: 48_207 })] },
    { op: 'RECORD_AUDIO', access: [at(c, 3 * 24 * 60, 'top', { duration: 31_884 })] },
    ...location([at(c, 20 * 60 + 1, 'top')]),
  ]);
  opUse(c, 'com.google.android.apps.messaging', [
    { op: 'READ_CONTACTS', access: [at(c, 41, 'top')] },
    { op: 'READ_SMS', access: [at(c, 40, 'top'), at(c, 3 * 60, 'bg')] },
    { op: 'RECEIVE_SMS', access: [at(c, 3 * 60, 'bg')] },
  ]);
  opUse(c, 'com.google.android.dialer', [
    { op: 'READ_CONTACTS', access: [at(c, 5 * 60, 'top')] },
    { op: 'READ_CALL_LOG', access: [at(c, 5 * 60, 'top')] },
    { op: 'RECORD_AUDIO', access: [at(c, 5 * 60 - 6, 'top', { duration: 4 * MIN + 12_004 })] },
  ]);
  // Play services: several attribution tags, location asked for other apps (trusted proxy)
  opUse(c, 'com.google.android.gms', [
    ...location([
      at(c, 12, 'pers', { tag: 'fused_location_provider', flags: 'tp' }),
      at(c, 96, 'pers', { tag: 'fused_location_provider' }),
      at(c, 7 * 60, 'pers', { tag: 'network_location_provider' }),
      at(c, 3 * 24 * 60, 'pers'),
    ]),
    { op: 'BODY_SENSORS', access: [at(c, 9 * 24 * 60, 'pers')] },
  ]);
  finishUids(c);
  const pm = c.apps.find((a) => a.pkg === 'com.x8bit.bitwarden') as SimApp;
  return {
    name: 'clean-pixel14',
    screenLock: 'pin',
    description:
      'Google Pixel 8, Android 14 (May 2024 patch), about 150 apps from the Play Store and the system image, Play Protect on, one Google account. Should look innocent.',
    serial: '38101FDJH00A7K',
    state: 'device',
    banner: { product: 'shiba', model: 'Pixel_8', device: 'shiba' },
    sdk: 34,
    vendor: 'google',
    props: props({
      'ro.build.fingerprint': 'google/shiba/shiba:14/AP1A.240505.004/11583682:user/release-keys',
      'ro.build.id': 'AP1A.240505.004',
      'ro.build.display.id': 'AP1A.240505.004',
      'ro.build.version.incremental': '11583682',
      'ro.build.version.release': '14',
      'ro.build.version.release_or_codename': '14',
      'ro.build.version.sdk': '34',
      'ro.build.version.security_patch': '2024-05-05',
      'ro.build.date': 'Thu Apr 11 18:54:13 UTC 2024',
      'ro.build.date.utc': '1712861653',
      'ro.product.brand': 'google',
      'ro.product.manufacturer': 'Google',
      'ro.product.model': 'Pixel 8',
      'ro.product.device': 'shiba',
      'ro.product.name': 'shiba',
      'ro.product.board': 'shiba',
      'ro.hardware': 'shiba',
      'ro.serialno': '38101FDJH00A7K',
      'ro.boot.serialno': '38101FDJH00A7K',
      'ro.boot.hardware.sku': 'G9BQD',
      'ro.soc.model': 'Tensor G3',
      'ro.com.google.gmsversion': '14_202402',
      'gsm.operator.alpha': 'EE',
      'gsm.sim.operator.alpha': 'EE',
      'gsm.version.baseband': 'g5300i-231115-240216-B-11464217',
    }),
    apps: c.apps,
    accounts: [{ name: 'sam.okafor.mail@gmail.com', type: 'com.google' }],
    authenticators: {
      'com.google': GOOGLE_AUTH,
      'com.google.work': GOOGLE_AUTH.replace(
        'GoogleAccountAuthenticatorService',
        'WorkAccountAuthenticatorService',
      ),
      'com.whatsapp': 'com.whatsapp/com.whatsapp.accountsync.AccountAuthenticatorService',
      'com.microsoft.office.outlook.USER_ACCOUNT':
        'com.microsoft.office.outlook/com.microsoft.office.outlook.sync.OutlookAccountAuthenticatorService',
    },
    settings: {
      secure: {
        android_id: '9f3b61c2e07a4d15',
        autofill_service: `${pm.pkg}/com.x8bit.bitwarden.Autofill.AutofillService`,
        backup_enabled: '1',
        bluetooth_name: 'Pixel 8',
        default_input_method:
          'com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME',
        enabled_input_methods:
          'com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME',
        install_non_market_apps: '1',
        location_mode: '3',
        lock_screen_show_notifications: '1',
        screensaver_enabled: '0',
        selected_spell_checker:
          'com.google.android.inputmethod.latin/com.android.inputmethod.latin.spellcheck.AndroidSpellCheckerService',
        user_setup_complete: '1',
        voice_interaction_service:
          'com.google.android.googlequicksearchbox/com.google.android.voiceinteraction.GsaVoiceInteractionService',
      },
      global: {
        adb_enabled: '1',
        adb_wifi_enabled: '0',
        airplane_mode_on: '0',
        auto_time: '1',
        auto_time_zone: '1',
        bluetooth_on: '1',
        data_roaming: '0',
        development_settings_enabled: '1',
        device_name: 'Pixel 8',
        device_provisioned: '1',
        mobile_data: '1',
        package_verifier_user_consent: '1',
        stay_on_while_plugged_in: '0',
        upload_apk_enable: '1',
        verifier_verify_adb_installs: '1',
        wifi_on: '1',
      },
      system: {
        accelerometer_rotation: '0',
        font_scale: '1.0',
        haptic_feedback_enabled: '1',
        screen_brightness: '112',
        screen_brightness_mode: '1',
        screen_off_timeout: '60000',
        volume_ring: '5',
      },
    },
    adbKeys: [adbKey(1401, 'caseworker@spycheck-laptop', now - 120_000)],
    idleSystem: [
      { pkg: 'com.android.shell', uid: 2000, exceptIdle: true },
      { pkg: 'com.google.android.gms', uid: gms.uid, exceptIdle: true },
      { pkg: 'com.android.vending', uid: uidOf(c, 'com.android.vending') },
      {
        pkg: 'com.google.android.apps.messaging',
        uid: uidOf(c, 'com.google.android.apps.messaging'),
      },
      { pkg: 'com.google.android.ims', uid: uidOf(c, 'com.google.android.ims'), exceptIdle: true },
    ],
    seed: 14,
    now,
    tzOffsetMin: 60,
    // ordinary apps tried and removed again: the battery history must not make them look bad
    batteryHistory: history(now, 40, [
      {
        at: now - 31 * 3_600_000,
        kind: 'installed',
        pkg: 'com.king.candycrushsaga',
        versionCode: 1285601,
      },
      { at: now - 29 * 3_600_000, kind: 'removed', pkg: 'com.king.candycrushsaga' },
      {
        at: now - 20 * 3_600_000,
        kind: 'installed',
        pkg: 'com.einnovation.temu',
        versionCode: 21700,
      },
      { at: now - 3 * 3_600_000, kind: 'removed', pkg: 'com.einnovation.temu' },
    ]),
  };
}

function uidOf(c: PhoneCtx, pkg: string): number {
  const a = c.apps.find((x) => x.pkg === pkg);
  if (!a) throw new Error(`no ${pkg}`);
  return a.uid;
}

// ---------------------------------------------------------------------------
// 2. infected-a12

/** The three non-store apps the infected phone serves as real APKs. */
export const INFECTED_APKS = {
  known: { pkg: 'com.systemservice', file: 'apks/com.systemservice.apk' },
  renamed: { pkg: 'com.dailyplanner.notes', file: 'apks/com.dailyplanner.notes.apk' },
  unknown: { pkg: 'com.device.health.service', file: 'apks/com.device.health.service.apk' },
};

function samsungApps(c: PhoneCtx, extraStore: string[]): void {
  platform(c, AOSP_CORE);
  for (const [pkg, dir, launcher, perms] of [
    ['com.android.systemui', '/system/priv-app/SystemUI', '', ''],
    ['com.android.settings', '/system/priv-app/SecSettings', 'com.android.settings.Settings', ''],
    ['com.sec.android.app.launcher', '/system/priv-app/TouchWizHome_2017', '', ''],
    [
      'com.samsung.android.messaging',
      '/system/priv-app/SamsungMessages_11',
      'com.android.mms.ui.ConversationComposer',
      'READ_SMS RECEIVE_SMS SEND_SMS RECEIVE_MMS READ_CONTACTS READ_PHONE_STATE',
    ],
    [
      'com.samsung.android.dialer',
      '/system/priv-app/SamsungDialer',
      'com.samsung.android.dialer.DialtactsActivity',
      'READ_CONTACTS CALL_PHONE READ_CALL_LOG WRITE_CALL_LOG READ_PHONE_STATE',
    ],
    [
      'com.samsung.android.app.contacts',
      '/system/priv-app/SamsungContacts',
      'com.android.contacts.activities.PeopleActivity',
      'READ_CONTACTS WRITE_CONTACTS GET_ACCOUNTS',
    ],
    [
      'com.sec.android.app.camera',
      '/system/priv-app/SamsungCamera',
      'com.sec.android.app.camera.Camera',
      'CAMERA RECORD_AUDIO ACCESS_FINE_LOCATION',
    ],
    [
      'com.sec.android.gallery3d',
      '/system/priv-app/SamsungGallery2018',
      'com.samsung.android.gallery.app.activity.GalleryActivity',
      'READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE ACCESS_MEDIA_LOCATION',
    ],
    [
      'com.sec.android.app.myfiles',
      '/system/priv-app/SecMyFiles2020',
      'com.sec.android.app.myfiles.external.ui.MainActivity',
      'READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE',
    ],
    [
      'com.samsung.android.calendar',
      '/system/app/SamsungCalendar',
      'com.samsung.android.app.calendar.activity.MainActivity',
      'READ_CALENDAR WRITE_CALENDAR',
    ],
    [
      'com.sec.android.app.clockpackage',
      '/system/priv-app/ClockPackage',
      'com.sec.android.app.clockpackage.ClockPackage',
      '',
    ],
    [
      'com.sec.android.app.popupcalculator',
      '/system/app/SecCalculator_R',
      'com.sec.android.app.popupcalculator.Calculator',
      '',
    ],
    [
      'com.samsung.android.app.notes',
      '/system/app/Notes40',
      'com.samsung.android.app.notes.memolist.MemoListActivity',
      '',
    ],
    [
      'com.sec.android.app.samsungapps',
      '/system/app/GalaxyApps_OPEN',
      'com.sec.android.app.samsungapps.SamsungAppsMainActivity',
      'REQUEST_INSTALL_PACKAGES',
    ],
    ['com.samsung.android.mobileservice', '/system/priv-app/MobileService', '', ''],
    ['com.osp.app.signin', '/system/priv-app/SamsungAccount', '', 'GET_ACCOUNTS'],
    [
      'com.samsung.android.fmm',
      '/system/priv-app/FmmDM',
      '',
      'ACCESS_FINE_LOCATION ACCESS_BACKGROUND_LOCATION',
    ],
    ['com.samsung.android.bixby.agent', '/system/priv-app/BixbyAgentStub', '', ''],
    ['com.samsung.android.scloud', '/system/priv-app/SamsungCloudClient', '', ''],
    ['com.samsung.android.lool', '/system/priv-app/SmartManager_v6_DeviceSecurity', '', ''],
    [
      'com.samsung.android.sm.devicesecurity',
      '/system/priv-app/SmartManager_v6_DeviceSecurity_Engine',
      '',
      '',
    ],
    ['com.samsung.knox.securefolder', '/system/priv-app/SecureFolder', '', ''],
    [
      'com.samsung.android.game.gamehome',
      '/system/app/GameHome',
      'com.samsung.android.game.gamehome.app.MainActivity',
      '',
    ],
    [
      'com.samsung.android.oneconnect',
      '/system/priv-app/SmartThingsKit',
      'com.samsung.android.oneconnect.ui.SCMainActivity',
      'ACCESS_FINE_LOCATION BLUETOOTH_SCAN BLUETOOTH_CONNECT',
    ],
    ['com.samsung.android.app.tips', '/system/app/Tips', '', ''],
    ['com.samsung.accessibility', '/system/priv-app/SamsungAccessibility', '', ''],
    ['com.samsung.android.honeyboard', '/system/app/HoneyBoard', '', 'READ_CONTACTS'],
    ['com.samsung.android.incallui', '/system/priv-app/InCallUI', '', ''],
    [
      'com.sec.android.app.sbrowser',
      '/system/app/SBrowser_14.0',
      'com.sec.android.app.sbrowser.SBrowserMainActivity',
      'ACCESS_FINE_LOCATION CAMERA RECORD_AUDIO REQUEST_INSTALL_PACKAGES',
    ],
    ['com.facebook.appmanager', '/system/app/FBAppManager_NS', '', ''],
    ['com.facebook.services', '/system/app/FBServices', '', ''],
    ['com.facebook.system', '/system/app/FBInstaller_NS', '', ''],
    [
      'com.microsoft.skydrive',
      '/system/app/OneDrive_Samsung_v3',
      'com.microsoft.skydrive.MainActivity',
      '',
    ],
    ['com.netflix.partner.activation', '/system/app/Netflix_Activation', '', ''],
  ] as const) {
    const a = sys(c, dir, { pkg, launcher: launcher || undefined, perms, grant: perms });
    if (pkg === 'com.samsung.accessibility')
      a.a11y = {
        cls: 'com.samsung.android.app.talkback.TalkBackService',
        enabled: false,
        label: 'Voice Assistant',
      };
  }
  sys(c, '/system/app/Facebook_stub', {
    pkg: 'com.facebook.katana',
    launcher: 'com.facebook.katana.LoginActivity',
    enabledState: 3,
  });
  aospApps(c);
  gmsCore(c, '/system', 5);
  googleApps(c, '/system', [
    'chrome',
    'youtube',
    'gmail',
    'maps',
    'search',
    'photos',
    'drive',
    'meet',
    'packageinstaller',
    'talkback',
    'feedback',
    'tts',
    'contactssync',
    'calendarsync',
    'partnersetup',
    'configupdater',
  ]);
  storeApps(c, extraStore);
}

/**
 * A /data/app folder without "_" for the APKs the scanner must pull: real folders often have
 * one, but the shipped sync allowlist does not accept it yet (see the report).
 */
function pullableDir(pkg: string, seed: number): string {
  for (let s = seed; ; s++) {
    const dir = dataAppDir(pkg, s);
    if (!dir.includes('_')) return dir;
  }
}

function infectedA12(): SimPhone {
  const now = Date.UTC(2024, 3, 16, 13, 5, 0);
  const c = ctx(now, 640, 31, 12);
  samsungApps(c, [
    'whatsapp',
    'instagram',
    'spotify',
    'tiktok',
    'snapchat',
    'uber',
    'shazam',
    'messenger',
    'lloyds',
    'netflix',
  ]);
  const sbrowser = 'com.sec.android.app.sbrowser';
  const pkgInstaller = 'com.google.android.packageinstaller';
  const browser = c.apps.find((a) => a.pkg === sbrowser) as SimApp;
  browser.ops = ['REQUEST_INSTALL_PACKAGES'];
  browser.requested.push('android.permission.REQUEST_INSTALL_PACKAGES');
  const sideload = (spec: AppSpec & { daysAgo: number; minutes: number }): SimApp => {
    const t = now - spec.daysAgo * DAY + spec.minutes * 60_000;
    const a: SimApp = {
      pkg: spec.pkg,
      uid: c.nextUid++,
      versionName: spec.ver ?? '1.0',
      versionCode: spec.code ?? 1,
      minSdk: 24,
      targetSdk: spec.target ?? 29,
      installer: pkgInstaller,
      initiator: pkgInstaller,
      originator: sbrowser,
      installTime: t,
      updateTime: t,
      launcher: spec.launcher,
      requested: P(spec.perms ?? ''),
      granted: P(spec.grant ?? ''),
      a11y: spec.a11y,
      listener: spec.listener,
      admin: spec.admin,
      batteryExempt: spec.batteryExempt,
      ops: spec.ops,
      abi: null,
      signingVersion: spec.signingVersion,
      codeDir: pullableDir(spec.pkg, c.seed),
    };
    c.apps.push(a);
    return a;
  };
  // (a) a known stalkerware package (TheTruthSpy family), with the grants its setup guide asks for
  sideload({
    pkg: INFECTED_APKS.known.pkg,
    daysAgo: 23,
    minutes: 0,
    ver: '7.1',
    code: 71,
    target: 29,
    signingVersion: 1,
    launcher: 'com.systemservice.activity.MainActivity',
    perms:
      'INTERNET ACCESS_NETWORK_STATE ACCESS_WIFI_STATE RECEIVE_BOOT_COMPLETED WAKE_LOCK FOREGROUND_SERVICE READ_SMS RECEIVE_SMS READ_CALL_LOG READ_CONTACTS READ_PHONE_STATE PROCESS_OUTGOING_CALLS ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION RECORD_AUDIO CAMERA READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE GET_ACCOUNTS SYSTEM_ALERT_WINDOW PACKAGE_USAGE_STATS REQUEST_IGNORE_BATTERY_OPTIMIZATIONS',
    grant:
      'READ_SMS RECEIVE_SMS READ_CALL_LOG READ_CONTACTS READ_PHONE_STATE PROCESS_OUTGOING_CALLS ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION RECORD_AUDIO CAMERA READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE GET_ACCOUNTS',
    a11y: {
      cls: 'com.systemservice.service.AccessibilityMonitorService',
      enabled: true,
      label: 'System Service',
    },
    listener: { cls: 'com.systemservice.service.NotificationMonitorService', enabled: true },
    admin: {
      cls: 'com.systemservice.receiver.AdminReceiver',
      active: true,
      policies: ['watch-login', 'force-lock'],
    },
    batteryExempt: true,
    ops: ['GET_USAGE_STATS', 'SYSTEM_ALERT_WINDOW'],
  });
  // (b) renamed stalkerware: innocent name, visible icon, nothing special: only its signer tells
  sideload({
    pkg: INFECTED_APKS.renamed.pkg,
    daysAgo: 23,
    minutes: 9,
    ver: '1.2.0',
    code: 12,
    target: 30,
    signingVersion: 3,
    launcher: 'com.dailyplanner.notes.ui.PlannerActivity',
    perms: 'INTERNET ACCESS_NETWORK_STATE RECEIVE_BOOT_COMPLETED WAKE_LOCK FOREGROUND_SERVICE',
  });
  // (c) unknown sideloaded app: hidden icon, accessibility + listener + admin, spyware grants
  sideload({
    pkg: INFECTED_APKS.unknown.pkg,
    daysAgo: 22,
    minutes: 17,
    ver: '3.0.5',
    code: 305,
    target: 30,
    signingVersion: 3,
    perms:
      'INTERNET ACCESS_NETWORK_STATE RECEIVE_BOOT_COMPLETED WAKE_LOCK FOREGROUND_SERVICE ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION RECORD_AUDIO READ_SMS RECEIVE_SMS SEND_SMS READ_CONTACTS READ_CALL_LOG READ_PHONE_STATE REQUEST_IGNORE_BATTERY_OPTIMIZATIONS QUERY_ALL_PACKAGES',
    grant:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION RECORD_AUDIO READ_SMS RECEIVE_SMS SEND_SMS READ_CONTACTS READ_CALL_LOG READ_PHONE_STATE',
    a11y: {
      cls: 'com.device.health.service.core.HealthAccessibilityService',
      enabled: true,
      label: 'Device Health',
    },
    listener: { cls: 'com.device.health.service.core.HealthNotificationService', enabled: true },
    admin: {
      cls: 'com.device.health.service.core.HealthAdminReceiver',
      active: true,
      policies: ['limit-password', 'watch-login', 'reset-password', 'force-lock', 'wipe-data'],
    },
    batteryExempt: true,
  });
  // dumpsys appops: the stalkerware read location minutes ago, recorded within the hour, read
  // SMS and the call log today and took a photo yesterday; ordinary apps much less
  opUse(c, INFECTED_APKS.known.pkg, [
    ...location(
      [at(c, 3, 'fgsvc'), at(c, 2 * 60 + 20, 'bg'), at(c, 9 * 60, 'cch')],
      [at(c, 17 * 60, 'cch')],
    ),
    { op: 'READ_CALL_LOG', access: [at(c, 112, 'fgsvc'), at(c, 6 * 60, 'bg')] },
    { op: 'READ_SMS', access: [at(c, 131, 'fgsvc'), at(c, 5 * 60 + 2, 'bg')] },
    // Android 12 refuses the camera to a background app: a Reject besides the access
    {
      op: 'CAMERA',
      access: [at(c, 24 * 60 + 7, 'fgsvc', { duration: 3_906 })],
      reject: [at(c, 26 * 60 + 40, 'bg')],
    },
    { op: 'RECORD_AUDIO', access: [at(c, 38, 'fgsvc', { duration: 15 * MIN + 2 })] },
  ]);
  opUse(c, INFECTED_APKS.unknown.pkg, [
    ...location([at(c, 6, 'fgsvc'), at(c, 71, 'bg')]),
    { op: 'READ_CALL_LOG', access: [at(c, 4 * 60 + 15, 'fgsvc')] },
    { op: 'READ_SMS', access: [at(c, 58, 'fgsvc'), at(c, 7 * 60 + 30, 'bg')] },
    { op: 'RECORD_AUDIO', access: [at(c, 24, 'fgsvc', { duration: 10 * MIN + 517 })] },
  ]);
  opUse(c, 'com.sec.android.app.camera', [
    { op: 'CAMERA', access: [at(c, 2 * 24 * 60 + 190, 'top', { duration: 61_330 })] },
  ]);
  opUse(c, 'com.samsung.android.messaging', [
    { op: 'READ_SMS', access: [at(c, 3 * 60 + 12, 'top')] },
  ]);
  opUse(c, 'com.google.android.apps.maps', [...location([at(c, 4 * 24 * 60 + 75, 'top')])]);
  finishUids(c);
  return {
    name: 'infected-a12',
    screenLock: 'pattern',
    description:
      'Samsung Galaxy A12 (SM-A125F), Android 12 / One UI 4.1, with a known stalkerware app, a renamed one signed by the same training vendor key, and an unknown hidden app with accessibility, notification access and device admin. Play Protect off.',
    serial: 'R58R41ABCDE',
    state: 'device',
    banner: { product: 'a12nsxx', model: 'SM_A125F', device: 'a12' },
    sdk: 31,
    vendor: 'samsung',
    props: props({
      'ro.build.fingerprint':
        'samsung/a12nsxx/a12:12/SP1A.210812.016/A125FXXU3CWA3:user/release-keys',
      'ro.build.id': 'SP1A.210812.016',
      'ro.build.display.id': 'SP1A.210812.016.A125FXXU3CWA3',
      'ro.build.version.incremental': 'A125FXXU3CWA3',
      'ro.build.version.release': '12',
      'ro.build.version.release_or_codename': '12',
      'ro.build.version.sdk': '31',
      'ro.build.version.security_patch': '2023-01-01',
      'ro.build.version.oneui': '40100',
      'ro.build.date': 'Wed Jan  4 19:22:35 KST 2023',
      'ro.build.date.utc': '1672827755',
      'ro.product.brand': 'samsung',
      'ro.product.manufacturer': 'samsung',
      'ro.product.model': 'SM-A125F',
      'ro.product.device': 'a12',
      'ro.product.name': 'a12nsxx',
      'ro.product.board': 'exynos850',
      'ro.hardware': 'exynos850',
      'ro.serialno': 'R58R41ABCDE',
      'ro.boot.serialno': 'R58R41ABCDE',
      'ro.boot.warranty_bit': '0',
      'ro.warranty_bit': '0',
      'ro.csc.sales_code': 'BTU',
      'ro.com.google.gmsversion': '12_202207',
      'ro.config.knox': 'v30',
      'gsm.operator.alpha': 'vodafone UK',
      'gsm.version.baseband': 'A125FXXU3CWA3',
      'persist.sys.timezone': 'Europe/London',
    }),
    apps: c.apps,
    accounts: [
      { name: 'leah.b.morgan@gmail.com', type: 'com.google' },
      { name: 'leah.b.morgan@gmail.com', type: 'com.osp.app.signin' },
      { name: 'WhatsApp', type: 'com.whatsapp' },
    ],
    authenticators: {
      'com.google': GOOGLE_AUTH,
      'com.osp.app.signin':
        'com.osp.app.signin/com.samsung.android.samsungaccount.authentication.server.service.AuthenticationService',
      'com.whatsapp': 'com.whatsapp/com.whatsapp.accountsync.AccountAuthenticatorService',
      'com.samsung.android.mobileservice':
        'com.samsung.android.mobileservice/com.samsung.android.mobileservice.auth.SemsAuthenticatorService',
    },
    settings: {
      secure: {
        android_id: '5d1e0c9b7a21f348',
        backup_enabled: '1',
        bluetooth_name: 'Galaxy A12',
        default_input_method: 'com.samsung.android.honeyboard/.service.HoneyBoardService',
        enabled_input_methods: 'com.samsung.android.honeyboard/.service.HoneyBoardService',
        install_non_market_apps: '1',
        location_mode: '3',
        lock_screen_show_notifications: '1',
        user_setup_complete: '1',
      },
      global: {
        adb_enabled: '1',
        adb_wifi_enabled: '0',
        airplane_mode_on: '0',
        auto_time: '1',
        bluetooth_on: '1',
        development_settings_enabled: '1',
        device_name: 'Galaxy A12',
        device_provisioned: '1',
        mobile_data: '1',
        package_verifier_enable: '0',
        package_verifier_user_consent: '-1',
        upload_apk_enable: '0',
        verifier_verify_adb_installs: '0',
        wifi_on: '1',
      },
      system: {
        font_scale: '1.0',
        screen_brightness: '140',
        screen_brightness_mode: '1',
        screen_off_timeout: '30000',
      },
    },
    adbKeys: [adbKey(1201, 'caseworker@spycheck-laptop', now - 90_000)],
    idleSystem: [
      { pkg: 'com.android.shell', uid: 2000, exceptIdle: true },
      { pkg: 'com.google.android.gms', uid: uidOf(c, 'com.google.android.gms'), exceptIdle: true },
      { pkg: 'com.samsung.android.messaging', uid: uidOf(c, 'com.samsung.android.messaging') },
      {
        pkg: 'com.samsung.android.fmm',
        uid: uidOf(c, 'com.samsung.android.fmm'),
        exceptIdle: true,
      },
    ],
    seed: 12,
    now,
    tzOffsetMin: 60,
    // the demo phone's clock runs about 3 minutes fast, so the police annex shows a drift
    clockOffsetSeconds: 192,
    batteryHistory: history(now, 30),
  };
}

// ---------------------------------------------------------------------------
// 3. dualuse-pixel7

function dualusePixel7(): SimPhone {
  const now = Date.UTC(2024, 1, 27, 15, 40, 0);
  const c = ctx(now, 420, 33, 7);
  platform(c, AOSP_CORE);
  sys(c, '/system_ext/priv-app/SystemUIGoogle', {
    pkg: 'com.android.systemui',
    extraFlags: ['PERSISTENT'],
  });
  sys(c, '/system_ext/priv-app/SettingsGoogle', {
    pkg: 'com.android.settings',
    launcher: 'com.android.settings.Settings',
  });
  sys(c, '/system_ext/priv-app/NexusLauncherRelease', {
    pkg: 'com.google.android.apps.nexuslauncher',
  });
  aospApps(c);
  gmsCore(c, '/product', 3);
  googleApps(c, '/product', [
    'chrome',
    'youtube',
    'gmail',
    'maps',
    'search',
    'photos',
    'drive',
    'meet',
    'gboard',
    'talkback',
    'files',
    'packageinstaller',
    'familylinkhelper',
    'tts',
    'contactssync',
    'adm',
    'wellbeing',
    'calendar',
    'wallet',
    'setupwizard',
    'ims',
  ]);
  for (const [pkg, dir, launcher] of [
    [
      'com.google.android.dialer',
      '/product/priv-app/GoogleDialer',
      'com.google.android.dialer.extensions.GoogleDialtactsActivity',
    ],
    [
      'com.google.android.apps.messaging',
      '/product/app/PrebuiltBugle',
      'com.google.android.apps.messaging.ui.ConversationListActivity',
    ],
    [
      'com.google.android.contacts',
      '/product/app/GoogleContacts',
      'com.android.contacts.activities.PeopleActivity',
    ],
    [
      'com.google.android.GoogleCamera',
      '/product/app/GoogleCamera',
      'com.android.camera.CameraLauncher',
    ],
    [
      'com.google.android.deskclock',
      '/product/app/PrebuiltDeskClockGoogle',
      'com.android.deskclock.DeskClock',
    ],
    [
      'com.google.android.calculator',
      '/product/app/CalculatorGooglePrebuilt',
      'com.android.calculator2.Calculator',
    ],
  ] as const)
    sys(c, dir, { pkg, launcher });
  storeApps(c, [
    'whatsapp',
    'instagram',
    'spotify',
    'outlook',
    'monzo',
    'netflix',
    'uber',
    'tiktok',
  ]);
  // dual-use apps, all from the Play Store
  store(c, {
    pkg: 'com.life360.android.safetymapd',
    ver: '24.6.0',
    code: 246000,
    launcher: 'com.life360.android.shared.ui.RootActivity',
    perms:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION ACTIVITY_RECOGNITION READ_CONTACTS POST_NOTIFICATIONS BLUETOOTH_SCAN BLUETOOTH_CONNECT REQUEST_IGNORE_BATTERY_OPTIMIZATIONS',
    grant:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION ACTIVITY_RECOGNITION READ_CONTACTS POST_NOTIFICATIONS',
    batteryExempt: true,
    installedDaysAgo: 61,
  });
  store(c, {
    pkg: 'com.qustodio.qustodioapp',
    ver: '180.80.2-family',
    code: 1808020,
    launcher: 'com.qustodio.qustodioapp.ui.SplashActivity',
    perms:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION READ_CONTACTS READ_CALL_LOG READ_SMS READ_PHONE_STATE POST_NOTIFICATIONS PACKAGE_USAGE_STATS SYSTEM_ALERT_WINDOW BIND_VPN_SERVICE REQUEST_IGNORE_BATTERY_OPTIMIZATIONS',
    grant:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION READ_PHONE_STATE POST_NOTIFICATIONS',
    a11y: {
      cls: 'com.qustodio.qustodioapp.accessibility.QustodioAccessibilityService',
      enabled: true,
      label: 'Qustodio',
    },
    admin: {
      cls: 'com.qustodio.qustodioapp.receivers.QustodioDeviceAdminReceiver',
      active: true,
      policies: ['force-lock', 'watch-login'],
    },
    ops: ['GET_USAGE_STATS', 'SYSTEM_ALERT_WINDOW'],
    batteryExempt: true,
    installedDaysAgo: 58,
  });
  store(c, {
    pkg: 'com.teamviewer.quicksupport.market',
    ver: '15.52.427',
    code: 1552427,
    launcher: 'com.teamviewer.quicksupport.ui.QSActivity',
    perms: 'POST_NOTIFICATIONS SYSTEM_ALERT_WINDOW REQUEST_IGNORE_BATTERY_OPTIMIZATIONS',
    grant: 'POST_NOTIFICATIONS',
    ops: ['SYSTEM_ALERT_WINDOW'],
    installedDaysAgo: 40,
  });
  store(c, {
    pkg: 'com.geozilla.family',
    ver: '6.43.6',
    code: 6436,
    launcher: 'com.geozilla.family.MainActivity',
    perms:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION ACTIVITY_RECOGNITION READ_CONTACTS POST_NOTIFICATIONS',
    grant:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION POST_NOTIFICATIONS',
    installedDaysAgo: 33,
  });
  // dumpsys appops: the family-locator apps follow the phone in the background
  opUse(c, 'com.life360.android.safetymapd', [
    ...location([at(c, 2, 'fgsvc'), at(c, 9, 'bg'), at(c, 3 * 60, 'top')]),
    { op: 'ACTIVITY_RECOGNITION', access: [at(c, 4, 'bg')] },
  ]);
  opUse(c, 'com.geozilla.family', [...location([at(c, 41, 'bg'), at(c, 26 * 60, 'top')])]);
  opUse(c, 'com.qustodio.qustodioapp', [
    ...location([at(c, 63, 'fgsvc')]),
    { op: 'GET_USAGE_STATS', access: [at(c, 1, 'fgsvc'), at(c, 35, 'bg')] },
  ]);
  opUse(c, 'com.google.android.apps.maps', [...location([at(c, 5 * 60, 'top')])]);
  opUse(c, 'com.google.android.GoogleCamera', [
    { op: 'CAMERA', access: [at(c, 2 * 24 * 60, 'top', { duration: 12_550 })] },
  ]);
  opUse(c, 'com.google.android.apps.messaging', [{ op: 'READ_SMS', access: [at(c, 80, 'top')] }]);
  finishUids(c);
  return {
    name: 'dualuse-pixel7',
    description:
      'Google Pixel 7, Android 13, about 80 apps including dual-use ones from the Play Store (Life360, Qustodio child app, TeamViewer QuickSupport, GeoZilla), two Google accounts.',
    serial: '28031FDH2004RM',
    state: 'device',
    banner: { product: 'panther', model: 'Pixel_7', device: 'panther' },
    sdk: 33,
    vendor: 'google',
    props: props({
      'ro.build.fingerprint':
        'google/panther/panther:13/TQ3A.230901.001/10750268:user/release-keys',
      'ro.build.id': 'TQ3A.230901.001',
      'ro.build.display.id': 'TQ3A.230901.001',
      'ro.build.version.incremental': '10750268',
      'ro.build.version.release': '13',
      'ro.build.version.release_or_codename': '13',
      'ro.build.version.sdk': '33',
      'ro.build.version.security_patch': '2023-09-01',
      'ro.build.date': 'Tue Aug  8 21:35:21 UTC 2023',
      'ro.build.date.utc': '1691530521',
      'ro.product.brand': 'google',
      'ro.product.manufacturer': 'Google',
      'ro.product.model': 'Pixel 7',
      'ro.product.device': 'panther',
      'ro.product.name': 'panther',
      'ro.product.board': 'panther',
      'ro.hardware': 'panther',
      'ro.serialno': '28031FDH2004RM',
      'ro.boot.serialno': '28031FDH2004RM',
      'ro.soc.model': 'GS201',
      'gsm.operator.alpha': 'O2 - UK',
    }),
    apps: c.apps,
    accounts: [
      { name: 'amira.hassan.92@gmail.com', type: 'com.google' },
      { name: 'd.kowalski.home@gmail.com', type: 'com.google' },
      { name: 'WhatsApp', type: 'com.whatsapp' },
      { name: 'amira.hassan.92@outlook.com', type: 'com.microsoft.office.outlook.USER_ACCOUNT' },
    ],
    authenticators: {
      'com.google': GOOGLE_AUTH,
      'com.whatsapp': 'com.whatsapp/com.whatsapp.accountsync.AccountAuthenticatorService',
      'com.microsoft.office.outlook.USER_ACCOUNT':
        'com.microsoft.office.outlook/com.microsoft.office.outlook.sync.OutlookAccountAuthenticatorService',
    },
    settings: {
      secure: {
        android_id: 'c7a0e4519b3d2f86',
        backup_enabled: '1',
        bluetooth_name: 'Pixel 7',
        install_non_market_apps: '1',
        location_mode: '3',
        user_setup_complete: '1',
      },
      global: {
        adb_enabled: '1',
        adb_wifi_enabled: '0',
        auto_time: '1',
        development_settings_enabled: '1',
        device_name: 'Pixel 7',
        device_provisioned: '1',
        package_verifier_user_consent: '1',
        upload_apk_enable: '1',
        verifier_verify_adb_installs: '1',
        wifi_on: '1',
      },
      system: { screen_brightness: '96', screen_off_timeout: '60000' },
    },
    adbKeys: [adbKey(701, 'caseworker@spycheck-laptop', now - 60_000)],
    idleSystem: [
      { pkg: 'com.android.shell', uid: 2000, exceptIdle: true },
      { pkg: 'com.google.android.gms', uid: uidOf(c, 'com.google.android.gms'), exceptIdle: true },
      {
        pkg: 'com.google.android.apps.messaging',
        uid: uidOf(c, 'com.google.android.apps.messaging'),
      },
    ],
    seed: 7,
    now,
    tzOffsetMin: 0,
    batteryHistory: history(now, 52, [], [now - 26 * 3_600_000]),
  };
}

// ---------------------------------------------------------------------------
// 4. old-a10 (Xiaomi Redmi Note 8, MIUI 12, Android 10)

function oldA10(): SimPhone {
  const now = Date.UTC(2024, 2, 8, 11, 15, 0);
  const c = ctx(now, 1300, 29, 10);
  platform(
    c,
    AOSP_CORE.filter(([p]) => p !== 'com.android.se'),
  );
  for (const [pkg, dir, launcher, perms] of [
    ['com.android.systemui', '/system/priv-app/MiuiSystemUI', '', ''],
    ['com.android.settings', '/system/priv-app/Settings', 'com.android.settings.MainSettings', ''],
    ['com.miui.home', '/system/priv-app/MiuiHome', '', ''],
    [
      'com.miui.securitycenter',
      '/system/priv-app/SecurityCenter',
      'com.miui.securityscan.MainActivity',
      'READ_PHONE_STATE',
    ],
    [
      'com.miui.gallery',
      '/system/priv-app/MiuiGallery',
      'com.miui.gallery.activity.HomePageActivity',
      'READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE ACCESS_MEDIA_LOCATION',
    ],
    ['com.miui.notes', '/system/app/Notes', 'com.miui.notes.ui.NotesListActivity', ''],
    [
      'com.miui.weather2',
      '/system/app/Weather',
      'com.miui.weather2.ActivityWeatherMain',
      'ACCESS_COARSE_LOCATION',
    ],
    [
      'com.miui.calculator',
      '/system/app/Calculator',
      'com.miui.calculator.cal.CalculatorActivity',
      '',
    ],
    [
      'com.android.deskclock',
      '/system/app/DeskClock',
      'com.android.deskclock.DeskClockTabActivity',
      '',
    ],
    [
      'com.miui.player',
      '/system/priv-app/Music',
      'com.miui.player.ui.MusicBrowserActivity',
      'READ_EXTERNAL_STORAGE',
    ],
    [
      'com.miui.videoplayer',
      '/system/app/MiuiVideoGlobal',
      'com.miui.video.global.activity.HomeActivity',
      'READ_EXTERNAL_STORAGE',
    ],
    [
      'com.android.thememanager',
      '/system/app/ThemeManager',
      'com.android.thememanager.ThemeResourceTabActivity',
      '',
    ],
    [
      'com.xiaomi.mipicks',
      '/system/app/MiPicks',
      'com.xiaomi.market.ui.MarketTabActivity',
      'REQUEST_INSTALL_PACKAGES',
    ],
    [
      'com.mi.android.globalFileexplorer',
      '/system/app/FileExplorer',
      'com.android.fileexplorer.FileExplorerTabActivity',
      'READ_EXTERNAL_STORAGE WRITE_EXTERNAL_STORAGE',
    ],
    ['com.miui.cleaner', '/system/app/CleanMaster', '', ''],
    ['com.xiaomi.account', '/system/priv-app/XiaomiAccount', '', 'GET_ACCOUNTS'],
    ['com.xiaomi.finddevice', '/system/priv-app/FindDevice', '', 'ACCESS_FINE_LOCATION'],
    ['com.miui.analytics', '/system/app/AnalyticsCore', '', ''],
    ['com.miui.msa.global', '/system/app/MSA-Global', '', ''],
    [
      'com.miui.compass',
      '/system/app/Compass',
      'com.miui.compass.CompassActivity',
      'ACCESS_COARSE_LOCATION',
    ],
    [
      'com.android.camera',
      '/system/priv-app/MiuiCamera',
      'com.android.camera.Camera',
      'CAMERA RECORD_AUDIO ACCESS_FINE_LOCATION',
    ],
    [
      'com.miui.screenrecorder',
      '/system/app/MiuiScreenRecorder',
      'com.miui.screenrecorder.ScreenRecorderActivity',
      'RECORD_AUDIO',
    ],
    ['com.miui.fm', '/system/app/FM', 'com.miui.fm.FmMainActivity', 'RECORD_AUDIO'],
    [
      'com.xiaomi.scanner',
      '/system/app/MiuiScanner',
      'com.xiaomi.scanner.app.ScanActivity',
      'CAMERA',
    ],
    ['com.miui.bugreport', '/system/app/MiuiBugReport', '', ''],
    ['com.miui.cloudservice', '/system/priv-app/CloudService', '', ''],
    ['com.miui.powerkeeper', '/system/priv-app/PowerKeeper', '', ''],
    ['com.miui.daemon', '/system/priv-app/MiuiDaemon', '', ''],
    ['com.xiaomi.discover', '/system/priv-app/Updater', '', ''],
    [
      'com.android.mms',
      '/system/priv-app/Mms',
      'com.android.mms.ui.MmsTabActivity',
      'READ_SMS RECEIVE_SMS SEND_SMS RECEIVE_MMS READ_CONTACTS',
    ],
    [
      'com.android.contacts',
      '/system/priv-app/Contacts',
      'com.android.contacts.activities.TwelveKeyDialer',
      'READ_CONTACTS WRITE_CONTACTS CALL_PHONE READ_CALL_LOG WRITE_CALL_LOG READ_PHONE_STATE',
    ],
    ['com.miui.packageinstaller', '/system/priv-app/MiuiPackageInstaller', '', ''],
    ['com.miui.guardprovider', '/system/app/GuardProvider', '', ''],
    ['com.miui.yellowpage', '/system/priv-app/YellowPage', '', 'READ_CONTACTS'],
  ] as const)
    sys(c, dir, {
      pkg,
      launcher: launcher || undefined,
      perms,
      grant: perms,
      target: 29,
      abi: 'arm64-v8a',
    });
  aospApps(c);
  gmsCore(c, '/system', 9);
  googleApps(c, '/system', [
    'chrome',
    'youtube',
    'gmail',
    'maps',
    'search',
    'photos',
    'drive',
    'meet',
    'gboard',
    'tts',
    'contactssync',
    'calendarsync',
    'partnersetup',
    'configupdater',
    'feedback',
  ]);
  storeApps(c, [
    'whatsapp',
    'facebook',
    'instagram',
    'spotify',
    'shazam',
    'telegram',
    'uber',
    'duolingo',
    'paypal',
    'ebay',
    'bbcnews',
    'booking',
  ]);
  // dumpsys appops (Android 10: no attribution tags)
  opUse(c, 'com.android.camera', [
    { op: 'CAMERA', access: [at(c, 3 * 24 * 60, 'top', { duration: 20_411 })] },
  ]);
  opUse(c, 'com.android.mms', [
    { op: 'READ_SMS', access: [at(c, 52, 'top'), at(c, 9 * 60, 'bg')] },
    { op: 'READ_CALL_LOG', access: [at(c, 52, 'top')] },
  ]);
  opUse(c, 'com.google.android.apps.maps', [
    ...location([at(c, 2 * 24 * 60, 'top'), at(c, 2 * 24 * 60 - 30, 'fgsvcl')]),
  ]);
  finishUids(c);
  return {
    name: 'old-a10',
    // Android 10 does not print it: the check cannot tell
    screenLock: 'pattern',
    description:
      'Xiaomi Redmi Note 8 (ginkgo), MIUI 12.0.3, Android 10, about 100 apps, clean. Older output formats: no adb service, per-package firstInstallTime, AOSP 10 accessibility dump.',
    serial: '7c2a9f31',
    state: 'device',
    banner: { product: 'ginkgo', model: 'Redmi_Note_8', device: 'ginkgo' },
    sdk: 29,
    vendor: 'xiaomi',
    props: props({
      'ro.build.fingerprint':
        'xiaomi/ginkgo/ginkgo:10/QKQ1.200114.002/V12.0.3.0.QCOMIXM:user/release-keys',
      'ro.build.id': 'QKQ1.200114.002',
      'ro.build.display.id': 'QKQ1.200114.002 test-keys',
      'ro.build.version.incremental': 'V12.0.3.0.QCOMIXM',
      'ro.build.version.release': '10',
      'ro.build.version.sdk': '29',
      'ro.build.version.security_patch': '2021-01-01',
      'ro.build.date': 'Wed Jan 13 21:42:52 WIB 2021',
      'ro.build.date.utc': '1610548972',
      'ro.miui.ui.version.name': 'V12',
      'ro.miui.ui.version.code': '10',
      'ro.product.brand': 'xiaomi',
      'ro.product.manufacturer': 'Xiaomi',
      'ro.product.model': 'Redmi Note 8',
      'ro.product.device': 'ginkgo',
      'ro.product.name': 'ginkgo',
      'ro.product.board': 'trinket',
      'ro.hardware': 'qcom',
      'ro.serialno': '7c2a9f31',
      'ro.boot.serialno': '7c2a9f31',
      'ro.boot.verifiedbootstate': 'green',
      'ro.boot.flash.locked': '1',
      'ro.crypto.state': 'encrypted',
      'gsm.operator.alpha': 'giffgaff',
    }),
    apps: c.apps,
    accounts: [
      { name: 'tomasz.w.nowak@gmail.com', type: 'com.google' },
      { name: '6123456789', type: 'com.xiaomi' },
      { name: 'WhatsApp', type: 'com.whatsapp' },
    ],
    authenticators: {
      'com.google': GOOGLE_AUTH,
      'com.xiaomi': 'com.xiaomi.account/com.xiaomi.passport.accountmanager.AuthenticatorService',
      'com.whatsapp': 'com.whatsapp/com.whatsapp.accountsync.AccountAuthenticatorService',
    },
    settings: {
      secure: {
        android_id: '1b8e5f0c2d7a9364',
        backup_enabled: '0',
        bluetooth_name: 'Redmi Note 8',
        install_non_market_apps: '1',
        location_providers_allowed: 'gps,network',
        location_mode: '3',
        user_setup_complete: '1',
      },
      global: {
        adb_enabled: '1',
        auto_time: '1',
        development_settings_enabled: '1',
        device_name: 'Redmi Note 8',
        device_provisioned: '1',
        package_verifier_enable: '1',
        package_verifier_user_consent: '1',
        upload_apk_enable: '1',
        wifi_on: '1',
      },
      system: { screen_brightness: '520', screen_off_timeout: '60000' },
    },
    adbKeys: [],
    idleSystem: [
      { pkg: 'com.android.shell', uid: 2000, exceptIdle: true },
      { pkg: 'com.google.android.gms', uid: uidOf(c, 'com.google.android.gms'), exceptIdle: true },
      { pkg: 'com.miui.powerkeeper', uid: uidOf(c, 'com.miui.powerkeeper') },
      { pkg: 'com.xiaomi.finddevice', uid: uidOf(c, 'com.xiaomi.finddevice'), exceptIdle: true },
    ],
    seed: 10,
    now,
    tzOffsetMin: 0,
    batteryHistory: history(now, 44, [
      { at: now - 38 * 3_600_000, kind: 'removed', pkg: 'com.supercell.clashofclans' },
    ]),
  };
}

// ---------------------------------------------------------------------------
// 5. spyware-gone-a10: old-a10 after someone removed their spyware

const SPYWARE_GONE_NOW = Date.UTC(2024, 2, 8, 11, 15, 0);

function spywareGoneA10(): SimPhone {
  const base = oldA10();
  const now = SPYWARE_GONE_NOW;
  const serial = '5e81d0b7';
  const uid = Math.max(...base.apps.map((a) => a.uid)) + 1;
  // TheTruthSpy, removed with "keep the app's data": still listed by pm list packages -u
  const kept: SimApp = {
    pkg: 'com.ispyoo',
    uid,
    versionName: '3.8.2',
    versionCode: 382,
    minSdk: 19,
    targetSdk: 28,
    installer: 'com.google.android.packageinstaller',
    installTime: Date.UTC(2024, 1, 17, 21, 4, 33),
    updateTime: Date.UTC(2024, 1, 17, 21, 4, 33),
    requested: P(
      `${BASIC} READ_SMS RECEIVE_SMS READ_CALL_LOG ACCESS_FINE_LOCATION RECORD_AUDIO READ_CONTACTS`,
    ),
    granted: [],
    installedForUser0: false,
    splits: ['base'],
  };
  return {
    ...base,
    name: 'spyware-gone-a10',
    description:
      'Xiaomi Redmi Note 8, Android 10, the same apps as old-a10: nothing spycheck knows is installed today, but the battery history shows mSpy (com.mspy.lite) installed on 5 March 2024 and removed on 7 March, with a restart in between, and TheTruthSpy (com.ispyoo) was removed with its data kept.',
    serial,
    banner: { ...base.banner },
    props: { ...base.props, 'ro.serialno': serial, 'ro.boot.serialno': serial },
    apps: [...base.apps, kept],
    batteryHistory: history(
      now,
      72,
      [
        // Android 10 prints an install's version code like a user id: 40210 → u0a30210
        {
          at: Date.UTC(2024, 2, 5, 19, 42, 10),
          kind: 'installed',
          pkg: 'com.mspy.lite',
          versionCode: 40210,
        },
        { at: Date.UTC(2024, 2, 6, 17, 0, 0), kind: 'removed', pkg: 'com.supercell.clashofclans' },
        { at: Date.UTC(2024, 2, 7, 8, 3, 55), kind: 'removed', pkg: 'com.mspy.lite' },
      ],
      [Date.UTC(2024, 2, 6, 2, 30, 0)],
    ),
  };
}

// ---------------------------------------------------------------------------
// 6. clean-pixel14-later: clean-pixel14 four days on, after someone else had it for an evening

/**
 * The monitoring app's APK, a real signed file served over adb sync so its signer can be read:
 *   scripts/make-apk.sh --package update.service.android --label "Update Service" \
 *     --version-code 541 --version-name 5.4.1 --key unknown-sideload-vendor --scheme v2v3 \
 *     --target-sdk 30 --out fixtures/devices/clean-pixel14-later/apks/update.service.android.apk
 */
const LATER_APK = { pkg: 'update.service.android', file: 'apks/update.service.android.apk' };

function cleanPixel14Later(): SimPhone {
  const base = cleanPixel14();
  const then = base.now as number;
  const shift = 4 * DAY + 3 * 3_600_000 + 40 * MIN;
  const now = then + shift;
  // Wednesday 22 May 2024, 21:42 on the phone's clock (UTC+1)
  const installedAt = then + 2 * DAY + 10 * 3_600_000 + 12 * MIN + 31_000;
  const pkg = LATER_APK.pkg;
  // mSpy as it names itself on a phone: "Update Service", icon hidden once set up. Downloaded in
  // Chrome; Chrome was allowed to install apps for that one download and switched back after,
  // so nothing about Chrome changed. Every other app is exactly as in clean-pixel14.
  const monitor: SimApp = {
    pkg,
    uid: Math.max(...base.apps.map((a) => a.uid)) + 1,
    versionName: '5.4.1',
    versionCode: 541,
    minSdk: 24,
    targetSdk: 30,
    installer: 'com.google.android.packageinstaller',
    initiator: 'com.google.android.packageinstaller',
    originator: 'com.android.chrome',
    installTime: installedAt,
    updateTime: installedAt,
    requested: P(
      `${BASIC} ACCESS_WIFI_STATE READ_SMS RECEIVE_SMS READ_CALL_LOG READ_CONTACTS READ_PHONE_STATE ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION RECORD_AUDIO READ_EXTERNAL_STORAGE REQUEST_IGNORE_BATTERY_OPTIMIZATIONS`,
    ),
    granted: P(
      'READ_SMS RECEIVE_SMS READ_CALL_LOG READ_CONTACTS READ_PHONE_STATE ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION RECORD_AUDIO READ_EXTERNAL_STORAGE',
    ),
    a11y: {
      cls: 'update.service.android.services.KeyboardAccessibilityService',
      enabled: true,
      label: 'Update Service',
    },
    batteryExempt: true,
    abi: null,
    signingVersion: 2,
    codeDir: pullableDir(pkg, base.seed),
    opUse: [
      {
        op: 'COARSE_LOCATION',
        access: [
          { at: now - 9 * MIN - 12_407, state: 'fgsvc' },
          { at: now - 3 * 3_600_000 - 4_118, state: 'bg' },
        ],
      },
      {
        op: 'FINE_LOCATION',
        access: [
          { at: now - 9 * MIN - 12_444, state: 'fgsvc' },
          { at: now - 3 * 3_600_000 - 4_155, state: 'bg' },
        ],
      },
      { op: 'READ_SMS', access: [{ at: now - 47 * MIN - 20_950, state: 'fgsvc' }] },
    ],
  };
  // the owner's own use of the phone, as recent as it was at the first check
  const apps = base.apps.map((a) =>
    a.opUse
      ? {
          ...a,
          opUse: a.opUse.map((u) => ({
            ...u,
            access: u.access?.map((e) => ({ ...e, at: e.at + shift })),
            reject: u.reject?.map((e) => ({ ...e, at: e.at + shift })),
          })),
        }
      : a,
  );
  return {
    ...base,
    name: 'clean-pixel14-later',
    description:
      'clean-pixel14 four days later: the same Pixel 8 (same serial, same apps), after someone installed mSpy as "Update Service" (update.service.android) from a download in Chrome, not from the Play Store, with its icon hidden and its accessibility service switched on, added a second Google account (jay.harlow.84@gmail.com) and turned Play Protect off. Its battery history shows the install on the evening of 22 May 2024. For spycheck diff and scan --baseline against clean-pixel14.',
    apps: [...apps, monitor],
    accounts: [...base.accounts, { name: 'jay.harlow.84@gmail.com', type: 'com.google' }],
    settings: {
      ...base.settings,
      global: { ...base.settings.global, package_verifier_enable: '0' },
    },
    adbKeys: [adbKey(1401, 'caseworker@spycheck-laptop', now - 120_000)],
    now,
    batteryHistory: history(now, 60),
  };
}

// ---------------------------------------------------------------------------
// 7. second-phone-a14: a covert second phone, with the survivor's everyday account on it

function secondPhoneA14(): SimPhone {
  const now = Date.UTC(2024, 5, 3, 14, 20, 0);
  // set up by the support service six weeks ago, handed over three days ago
  const c = ctx(now, 45, 34, 41);
  samsungApps(c, []);
  // the survivor's own additions after the hand-over: WhatsApp, and the family locator her
  // children's other parent asked her to keep using
  storeApps(c, ['whatsapp'], { whatsapp: { installedDaysAgo: 3, updatedDaysAgo: 3 } });
  store(c, {
    pkg: 'com.life360.android.safetymapd',
    ver: '24.20.0',
    code: 242000,
    launcher: 'com.life360.android.shared.ui.RootActivity',
    perms:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION ACTIVITY_RECOGNITION READ_CONTACTS POST_NOTIFICATIONS BLUETOOTH_SCAN BLUETOOTH_CONNECT REQUEST_IGNORE_BATTERY_OPTIMIZATIONS',
    grant:
      'ACCESS_FINE_LOCATION ACCESS_COARSE_LOCATION ACCESS_BACKGROUND_LOCATION ACTIVITY_RECOGNITION READ_CONTACTS POST_NOTIFICATIONS',
    batteryExempt: true,
    installedDaysAgo: 2,
    updatedDaysAgo: 2,
  });
  opUse(c, 'com.life360.android.safetymapd', [
    ...location([at(c, 4, 'fgsvc'), at(c, 22, 'bg'), at(c, 5 * 60, 'top')]),
    { op: 'ACTIVITY_RECOGNITION', access: [at(c, 6, 'bg')] },
  ]);
  opUse(c, 'com.sec.android.app.camera', [
    { op: 'CAMERA', access: [at(c, 26 * 60, 'top', { duration: 9_310 })] },
  ]);
  finishUids(c);
  const serial = 'R5CW30HJ7QN';
  return {
    name: 'second-phone-a14',
    // handed over without a screen lock
    screenLock: 'none',
    description:
      "Samsung Galaxy A14 (SM-A145R), Android 14 / One UI 6, a covert second phone handed over three days ago: the apps it came with, WhatsApp and Life360 from the Play Store, the survivor's everyday Google account (leah.b.morgan@gmail.com, as on infected-a12) signed in, backup on. A plain scan finds little; with --purpose second-phone the account and Life360 matter.",
    serial,
    state: 'device',
    banner: { product: 'a14nsxx', model: 'SM_A145R', device: 'a14' },
    sdk: 34,
    vendor: 'samsung',
    props: props({
      'ro.build.fingerprint':
        'samsung/a14nsxx/a14:14/UP1A.231005.007/A145RXXS4CXC2:user/release-keys',
      'ro.build.id': 'UP1A.231005.007',
      'ro.build.display.id': 'UP1A.231005.007.A145RXXS4CXC2',
      'ro.build.version.incremental': 'A145RXXS4CXC2',
      'ro.build.version.release': '14',
      'ro.build.version.release_or_codename': '14',
      'ro.build.version.sdk': '34',
      'ro.build.version.security_patch': '2024-03-01',
      'ro.build.version.oneui': '60000',
      'ro.build.date': 'Tue Mar 12 16:48:09 KST 2024',
      'ro.build.date.utc': '1710229689',
      'ro.product.brand': 'samsung',
      'ro.product.manufacturer': 'samsung',
      'ro.product.model': 'SM-A145R',
      'ro.product.device': 'a14',
      'ro.product.name': 'a14nsxx',
      'ro.product.board': 'mt6769',
      'ro.hardware': 'mt6769',
      'ro.serialno': serial,
      'ro.boot.serialno': serial,
      'ro.boot.warranty_bit': '0',
      'ro.warranty_bit': '0',
      'ro.csc.sales_code': 'BTU',
      'ro.com.google.gmsversion': '14_202311',
      'ro.config.knox': 'v37',
      'gsm.operator.alpha': 'giffgaff',
      'gsm.version.baseband': 'A145RXXS4CXC2',
    }),
    apps: c.apps,
    accounts: [{ name: 'leah.b.morgan@gmail.com', type: 'com.google' }],
    authenticators: {
      'com.google': GOOGLE_AUTH,
      'com.osp.app.signin':
        'com.osp.app.signin/com.samsung.android.samsungaccount.authentication.server.service.AuthenticationService',
      'com.whatsapp': 'com.whatsapp/com.whatsapp.accountsync.AccountAuthenticatorService',
    },
    settings: {
      secure: {
        android_id: '3e9c07a1d45b28f6',
        backup_enabled: '1',
        bluetooth_name: 'Galaxy A14',
        default_input_method: 'com.samsung.android.honeyboard/.service.HoneyBoardService',
        enabled_input_methods: 'com.samsung.android.honeyboard/.service.HoneyBoardService',
        location_mode: '3',
        lock_screen_show_notifications: '1',
        user_setup_complete: '1',
      },
      global: {
        adb_enabled: '1',
        adb_wifi_enabled: '0',
        airplane_mode_on: '0',
        auto_time: '1',
        bluetooth_on: '0',
        development_settings_enabled: '1',
        device_name: 'Galaxy A14',
        device_provisioned: '1',
        mobile_data: '1',
        package_verifier_user_consent: '1',
        upload_apk_enable: '1',
        verifier_verify_adb_installs: '1',
        wifi_on: '1',
      },
      system: {
        font_scale: '1.0',
        screen_brightness: '128',
        screen_brightness_mode: '1',
        screen_off_timeout: '30000',
      },
    },
    adbKeys: [adbKey(4101, 'caseworker@spycheck-laptop', now - 75_000)],
    idleSystem: [
      { pkg: 'com.android.shell', uid: 2000, exceptIdle: true },
      { pkg: 'com.google.android.gms', uid: uidOf(c, 'com.google.android.gms'), exceptIdle: true },
      { pkg: 'com.samsung.android.messaging', uid: uidOf(c, 'com.samsung.android.messaging') },
      {
        pkg: 'com.samsung.android.fmm',
        uid: uidOf(c, 'com.samsung.android.fmm'),
        exceptIdle: true,
      },
    ],
    seed: 41,
    now,
    tzOffsetMin: 60,
    batteryHistory: history(now, 40),
  };
}

// ---------------------------------------------------------------------------
// 8. linked-a14: clean-pixel14 with devices and networks linked to it (issue 14)

/**
 * The five apps put on the phone by hand, as real signed files (one unknown vendor's key):
 *   scripts/make-apk.sh --package PKG --label LABEL --version-code N --version-name X \
 *     --key unknown-sideload-vendor --scheme v2v3 --target-sdk 33 \
 *     --out fixtures/devices/linked-a14/apks/PKG.apk
 */
const LINKED_APKS = {
  watch: { pkg: 'com.fitpulse.watchsync', label: 'FitPulse Watch', code: 312, ver: '3.1.2' },
  vpn: { pkg: 'net.securetunnel.vpn', label: 'Secure Tunnel', code: 2040, ver: '2.4.0' },
  agent: { pkg: 'com.mdm.remotecontrol.agent', label: 'Device Agent', code: 77, ver: '7.7' },
  keyboard: { pkg: 'com.typefast.keyboard', label: 'TypeFast Keyboard', code: 1501, ver: '1.5.1' },
  sms: { pkg: 'com.textmate.sms', label: 'TextMate', code: 908, ver: '9.0.8' },
} as const;

function linkedA14(): SimPhone {
  const base = cleanPixel14();
  const now = base.now as number;
  let uid = Math.max(...base.apps.map((a) => a.uid)) + 1;
  // installed from a Chrome download through the package installer, eleven days ago
  const side = (
    a: (typeof LINKED_APKS)[keyof typeof LINKED_APKS],
    more: Partial<SimApp> & { perms: string; grant?: string },
  ): SimApp => {
    const at = now - 11 * DAY + (strHash(a.pkg) % 3_600) * 1000;
    const { perms, grant, ...rest } = more;
    return {
      pkg: a.pkg,
      uid: uid++,
      versionName: a.ver,
      versionCode: a.code,
      minSdk: 24,
      targetSdk: 33,
      installer: 'com.google.android.packageinstaller',
      initiator: 'com.google.android.packageinstaller',
      originator: 'com.android.chrome',
      installTime: at,
      updateTime: at,
      requested: P(`${BASIC} ${perms}`),
      granted: P(grant ?? ''),
      abi: null,
      signingVersion: 2,
      codeDir: pullableDir(a.pkg, base.seed),
      ...rest,
    };
  };
  const W = LINKED_APKS;
  const apps: SimApp[] = [
    ...base.apps,
    // a watch app that reads every notification: on the wrist of someone else's watch
    side(W.watch, {
      perms: 'BLUETOOTH_CONNECT BLUETOOTH_SCAN REQUEST_COMPANION_PROFILE_WATCH',
      grant: 'BLUETOOTH_CONNECT BLUETOOTH_SCAN',
      launcher: 'com.fitpulse.watchsync.MainActivity',
      listener: { cls: 'com.fitpulse.watchsync.NotificationMirrorService', enabled: true },
    }),
    // the always-on VPN, no icon: every connection of the phone goes through it
    side(W.vpn, {
      perms: 'BIND_VPN_SERVICE FOREGROUND_SERVICE_SPECIAL_USE',
      batteryExempt: true,
    }),
    // the app that set up the work profile (its profile owner), no icon
    side(W.agent, {
      perms: 'BIND_DEVICE_ADMIN MANAGE_PROFILE_AND_DEVICE_OWNERS',
    }),
    side(W.keyboard, {
      perms: 'BIND_INPUT_METHOD READ_CONTACTS',
      grant: 'READ_CONTACTS',
      launcher: 'com.typefast.keyboard.SetupActivity',
    }),
    side(W.sms, {
      perms:
        'READ_SMS RECEIVE_SMS SEND_SMS RECEIVE_MMS RECEIVE_WAP_PUSH READ_CONTACTS READ_PHONE_STATE',
      grant: 'READ_SMS RECEIVE_SMS SEND_SMS RECEIVE_MMS RECEIVE_WAP_PUSH READ_CONTACTS',
      launcher: 'com.textmate.sms.ui.ConversationsActivity',
    }),
  ];
  const secure = { ...base.settings.secure };
  secure.default_input_method = 'com.typefast.keyboard/.TypeFastIME';
  secure.enabled_input_methods =
    'com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME:com.typefast.keyboard/.TypeFastIME';
  secure.always_on_vpn_app = W.vpn.pkg;
  secure.always_on_vpn_lockdown = '1';
  secure.sms_default_application = W.sms.pkg;
  const global = {
    ...base.settings.global,
    private_dns_mode: 'hostname',
    private_dns_specifier: 'dns.safe-family-filter.net',
    http_proxy: '192.168.1.77:8888',
    global_http_proxy_host: '192.168.1.77',
    global_http_proxy_port: '8888',
    global_http_proxy_exclusion_list: '',
  };
  const phone: SimPhone = {
    ...base,
    name: 'linked-a14',
    serial: '38101FDJH00L14',
    props: {
      ...base.props,
      'ro.serialno': '38101FDJH00L14',
      'ro.boot.serialno': '38101FDJH00L14',
    },
    description:
      'Google Pixel 8, Android 14: clean-pixel14 with a paired watch linked to a notification-reading app from outside a store, an always-on VPN from a hidden app from outside a store, a private DNS provider, an HTTP proxy, a work profile set up by a hidden unknown app, a keyboard from outside a store and an unknown app for text messages.',
    apps,
    settings: { ...base.settings, secure, global },
    linked: {
      bonded: [
        {
          address: 'D4:3A:2C:81:9F:21',
          name: 'Galaxy Watch5 (9F21)',
          transport: 'DUAL',
          cod: 0x240704,
        },
        { address: 'A0:E9:DB:21:7C:11', name: 'Galaxy Buds2', transport: 'BR/EDR', cod: 0x240404 },
      ],
      associations: [
        {
          pkg: W.watch.pkg,
          address: 'D4:3A:2C:81:9F:21',
          displayName: 'Galaxy Watch5 (9F21)',
          profile: 'android.app.role.COMPANION_DEVICE_WATCH',
          approved: now - 11 * DAY + 2 * 3_600_000,
        },
      ],
      vpnOwner: W.vpn.pkg,
      roles: { 'android.app.role.SMS': [W.sms.pkg] },
      sent: { [W.vpn.pkg]: 486_203_117, [W.watch.pkg]: 31_020_554 },
      users: [
        {
          id: 10,
          name: 'Work profile',
          flags: 0x1030,
          type: 'android.os.usertype.profile.MANAGED',
          running: true,
          parentId: 0,
        },
      ],
    },
  };
  const agent = apps.find((a) => a.pkg === W.agent.pkg) as SimApp;
  const policy = renderDevicePolicy(phone).replace(
    '\n  Enabled Device Admins (User 0',
    `  Profile Owner (User 10): \n    admin=ComponentInfo{${agent.pkg}/${agent.pkg}.AgentAdminReceiver}\n    name=Device Agent\n    package=${agent.pkg}\n    isOrganizationOwnedDevice=false\n\n  Enabled Device Admins (User 0`,
  );
  return {
    ...phone,
    extraShell: { ...(phone.extraShell ?? {}), [CMD.dumpsysDevicePolicy]: policy },
  };
}

// ---------------------------------------------------------------------------
// Writing profiles

const FILE_NAMES: Record<string, string> = {
  [CMD.getprop]: 'getprop.txt',
  [CMD.pmList]: 'pm-list.txt',
  [CMD.pmListUser0]: 'pm-list.txt',
  [CMD.pmListNoUid]: 'pm-list-no-uid.txt',
  [CMD.pmListBare]: 'pm-list-bare.txt',
  [CMD.dumpsysPackage]: 'dumpsys-package-packages.txt',
  [CMD.dumpsysPackageFull]: 'dumpsys-package.txt',
  [CMD.launcherActivities]: 'launcher-activities.txt',
  [CMD.settingsSecure]: 'settings-secure.txt',
  [CMD.settingsGlobal]: 'settings-global.txt',
  [CMD.settingsSystem]: 'settings-system.txt',
  [CMD.dumpsysAccessibility]: 'dumpsys-accessibility.txt',
  [CMD.dumpsysDevicePolicy]: 'dumpsys-device_policy.txt',
  [CMD.dumpsysAccount]: 'dumpsys-account.txt',
  [CMD.dumpsysAdb]: 'dumpsys-adb.txt',
  [CMD.appopsUsageStats]: 'appops-get_usage_stats.txt',
  [CMD.appopsOverlay]: 'appops-system_alert_window.txt',
  [CMD.appopsInstall]: 'appops-request_install_packages.txt',
  [CMD.deviceIdleWhitelist]: 'deviceidle-whitelist.txt',
  [CMD.batteryHistory]: 'batterystats-history.txt',
  [CMD.dumpsysAppops]: 'dumpsys-appops.txt',
  [CMD.bluetoothManager]: 'dumpsys-bluetooth_manager.txt',
  [CMD.companionDevice]: 'dumpsys-companiondevice.txt',
  [CMD.connectivity]: 'dumpsys-connectivity.txt',
  [CMD.role]: 'dumpsys-role.txt',
  [CMD.netstatsDetail]: 'dumpsys-netstats-detail.txt',
  [CMD.dumpsysUser]: 'dumpsys-user.txt',
  [CMD.pmListUsers]: 'pm-list-users.txt',
  [CMD.lockSettings]: 'dumpsys-lock_settings.txt',
};

function writePhone(phone: SimPhone, files: Record<string, string> = {}): void {
  const dir = join(ROOT, phone.name);
  mkdirSync(dir, { recursive: true });
  for (const f of Object.values(FILE_NAMES)) rmSync(join(dir, f), { force: true });
  const shell = renderShell(phone);
  const shellYaml: Record<string, string | { text: string }> = {};
  for (const [cmd, out] of Object.entries(shell)) {
    const name = FILE_NAMES[cmd];
    // short answers read better inline; long outputs go to files
    if (!name || out.length < 60) {
      shellYaml[cmd] = { text: out };
      continue;
    }
    writeFileSync(join(dir, name), out);
    shellYaml[cmd] = name;
  }
  const filesYaml: Record<string, string> = {};
  for (const [pkg, local] of Object.entries(files)) {
    const app = phone.apps.find((a) => a.pkg === pkg);
    if (!app) throw new Error(`no app ${pkg}`);
    readFileSync(join(dir, local));
    filesYaml[apkPath(app, phone.seed)] = local;
  }
  const doc = {
    name: phone.name,
    description: phone.description,
    serial: phone.serial,
    state: phone.state,
    banner: phone.banner,
    ...(phone.clockOffsetSeconds ? { clock: { offsetSeconds: phone.clockOffsetSeconds } } : {}),
    shell: shellYaml,
    files: filesYaml,
  };
  writeFileSync(
    join(dir, 'profile.yaml'),
    `# Generated by scripts/gen-fixture-profiles.ts — edit the generator, not this file.\n${stringify(doc, { lineWidth: 0 })}`,
  );
}

function writeMinimal(
  name: string,
  description: string,
  serial: string,
  state: 'unauthorized' | 'offline',
  banner: SimPhone['banner'],
): void {
  const dir = join(ROOT, name);
  mkdirSync(dir, { recursive: true });
  const doc = { name, description, serial, state, banner, shell: {}, files: {} };
  writeFileSync(
    join(dir, 'profile.yaml'),
    `# Generated by scripts/gen-fixture-profiles.ts — edit the generator, not this file.\n${stringify(doc, { lineWidth: 0 })}`,
  );
}

function main(): void {
  writePhone(cleanPixel14());
  writePhone(infectedA12(), {
    [INFECTED_APKS.known.pkg]: INFECTED_APKS.known.file,
    [INFECTED_APKS.renamed.pkg]: INFECTED_APKS.renamed.file,
    [INFECTED_APKS.unknown.pkg]: INFECTED_APKS.unknown.file,
  });
  writePhone(dualusePixel7());
  writePhone(oldA10());
  writePhone(spywareGoneA10());
  writePhone(cleanPixel14Later(), { [LATER_APK.pkg]: LATER_APK.file });
  writePhone(secondPhoneA14());
  writePhone(
    linkedA14(),
    Object.fromEntries(Object.values(LINKED_APKS).map((a) => [a.pkg, `apks/${a.pkg}.apk`])),
  );
  writeMinimal(
    'unauthorized-a13',
    'Samsung Galaxy A13 (SM-A135F), Android 13: USB debugging prompt not accepted, so adb shows it as unauthorized and nothing can be read.',
    'R9TT30XYZAB',
    'unauthorized',
    { product: 'a13nsxx', model: 'SM_A135F', device: 'a13' },
  );
  writeMinimal(
    'offline-a11',
    'Motorola moto g9 play, Android 11: connected but adb reports it offline (cable or adbd stuck).',
    'ZY22B3KQ7P',
    'offline',
    { product: 'guamp_retail', model: 'moto_g9_play', device: 'guamp' },
  );
}

main();
