import type { InstallerClass } from './types.js';

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
  system: boolean;
  /** true when we had no installer information at all */
  unknown?: boolean;
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
    // Android 11+ still records who really started the install: a shell or a
    // file installer there means the store claim is false.
    if (initiator && FILE_INSTALLERS.has(initiator)) return 'sideloaded';
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
