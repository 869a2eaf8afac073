import type { InstallerClass } from '../model/snapshot.js';

/** App stores that review what they publish. */
const STORES = new Set([
  'com.android.vending', // Google Play
  'com.google.android.feedback', // Google Play on very old phones
  'com.sec.android.app.samsungapps', // Galaxy Store
  'com.huawei.appmarket', // AppGallery
  'com.xiaomi.market', // GetApps / Mi store
  'com.xiaomi.mipicks',
  'com.heytap.market', // OPPO / realme
  'com.oppo.market',
  'com.bbk.appstore', // vivo
  'com.amazon.venezia', // Amazon Appstore
  'com.hihonor.appmarket', // HONOR
  'com.oneplus.market',
  'com.lenovo.leos.appstore',
]);

/** Stores and store clients outside the big vendors: less review, but not a bare file. */
const OTHER_STORES = new Set([
  'org.fdroid.fdroid',
  'org.fdroid.basic',
  'com.looker.droidify',
  'com.aurora.store',
  'com.apkpure.aegon',
  'com.uptodown',
  'com.aptoide.pt',
  'cm.aptoide.pt',
  'com.apkmirror.helper.prod',
  'dev.imranr.obtainium',
  'com.machiav3lli.fdroid',
]);

/** Installers that mean "someone opened an APK file": the system installer UI or adb. */
const FILE_INSTALLERS = new Set([
  'com.google.android.packageinstaller',
  'com.android.packageinstaller',
  'com.samsung.android.packageinstaller',
  'com.miui.packageinstaller',
  'com.android.shell', // pushed over USB with adb install
]);

export interface InstallerFacts {
  installer?: string;
  initiator?: string;
  /** Android 14+ packageSource= (0 unspecified, 1 other, 2 store, 3 local file, 4 downloaded file) */
  packageSource?: number;
  system: boolean;
  /** true when we had no installer information at all */
  unknown?: boolean;
}

/** The package adb's shell runs as: an install "by" it came over a USB cable from a computer. */
export const SHELL_PACKAGE = 'com.android.shell';

export const PACKAGE_SOURCES = [
  'unspecified',
  'other',
  'store',
  'local-file',
  'downloaded-file',
] as const;
export type PackageSource = (typeof PACKAGE_SOURCES)[number];

export function packageSourceName(n: number | undefined): PackageSource | undefined {
  return n === undefined ? undefined : PACKAGE_SOURCES[n];
}

export interface InstallOrigin {
  installerClass: InstallerClass;
  /** Installed over USB from a computer (adb), by the installer's or the install record's account */
  fromComputer: boolean;
  /**
   * The store the installer field names, when Android's own install record
   * says the app did not come from it (pm install -i fakes the field).
   */
  falseStoreClaim?: string;
}

/**
 * Where an app came from, cross-checked: the installer field is only a claim
 * (anyone with a computer can set it); the record of who started the install
 * (Android 11+) and how the file arrived (Android 14+) are a second source.
 */
export function installOrigin(f: InstallerFacts): InstallOrigin {
  const installer = normalise(f.installer);
  const initiator = normalise(f.initiator);
  const fromComputer = !f.system && (installer === SHELL_PACKAGE || initiator === SHELL_PACKAGE);
  const installerClass = classifyInstaller(f);
  const claimsStore = installer !== undefined && STORES.has(installer);
  const falseStoreClaim =
    claimsStore && !f.system && installerClass !== 'store' ? installer : undefined;
  return { installerClass, fromComputer, ...(falseStoreClaim ? { falseStoreClaim } : {}) };
}

/**
 * Where an app came from. Android 11+ also records who *started* the install:
 * a package installer started by a browser is a download, whatever the
 * installer field says. Anything installed by an ordinary app (not a store)
 * counts as "sideloaded": that is how dropper apps install spyware.
 */
export function classifyInstaller(f: InstallerFacts): InstallerClass {
  if (f.system) return 'preinstalled';
  if (f.unknown) return 'unknown';
  const installer = normalise(f.installer);
  const initiator = normalise(f.initiator);
  if (installer && STORES.has(installer)) {
    // Installing with a forged installer name (pm's -i option) fakes this field, but
    // Android 11+ still records who really started the install, and Android 14+
    // how the file arrived: a shell, a file installer or a file means the claim is false.
    if (initiator && FILE_INSTALLERS.has(initiator)) return 'sideloaded';
    // the initiator cannot be set with pm's -i: a store there settles it
    const storeStarted = initiator !== undefined && STORES.has(initiator);
    if ((f.packageSource === 3 || f.packageSource === 4) && !storeStarted) return 'sideloaded';
    return 'store';
  }
  if (installer && OTHER_STORES.has(installer)) return 'other-store';
  if (initiator && STORES.has(initiator)) return 'store';
  if (initiator && OTHER_STORES.has(initiator)) return 'other-store';
  if (!installer) return 'sideloaded';
  if (FILE_INSTALLERS.has(installer)) return 'sideloaded';
  return 'sideloaded';
}

function normalise(p: string | undefined): string | undefined {
  if (!p) return undefined;
  const t = p.trim();
  return t === '' || t === 'null' ? undefined : t;
}

/**
 * Package-name beginnings that belong to Android itself and to phone makers.
 * An app outside the system image that uses one is dressed up to be
 * overlooked ("com.android.system.update" from a download).
 */
export const PLATFORM_NAMESPACES: readonly string[] = [
  'android.',
  'com.android.',
  'com.google.android.',
  'com.samsung.',
  'com.sec.',
  'com.miui.',
  'com.xiaomi.',
  'com.huawei.',
  'com.hihonor.',
  'com.oppo.',
  'com.coloros.',
  'com.heytap.',
  'com.oplus.',
  'com.vivo.',
  'com.bbk.',
  'com.oneplus.',
  'com.realme.',
  'com.motorola.',
  'com.lge.',
  'com.sonymobile.',
  'com.qualcomm.',
  'com.mediatek.',
  'com.transsion.',
  'com.nothing.',
];

/** The platform or maker namespace a package name claims, if any. */
export function platformNamespace(id: string): string | undefined {
  return PLATFORM_NAMESPACES.find((ns) => id.startsWith(ns) && id.length > ns.length);
}

/** Apps that manage root access; their presence is a strong sign the phone is rooted. */
export const ROOT_MANAGER_PACKAGES = new Set([
  'com.topjohnwu.magisk',
  'io.github.huskydg.magisk',
  'io.github.vvb2060.magisk',
  'me.weishu.kernelsu',
  'me.bmax.apatch',
  'eu.chainfire.supersu',
  'com.noshufou.android.su',
  'com.noshufou.android.su.elite',
  'com.koushikdutta.superuser',
  'com.thirdparty.superuser',
  'com.yellowes.su',
  'com.kingroot.kinguser',
  'com.kingo.root',
  'com.zhiqupk.root.global',
  'com.alephzain.framaroot',
]);
