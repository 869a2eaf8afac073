/**
 * Android's API level (ro.build.version.sdk) → the version people know. The level is what the
 * system really runs; the version text (ro.build.version.release) is only a label, and
 * modified or counterfeit phones sometimes claim a newer one.
 */
const BY_SDK: Readonly<Record<number, { name: string; releases: readonly string[] }>> = {
  21: { name: '5.0', releases: ['5.0', '5'] },
  22: { name: '5.1', releases: ['5.1'] },
  23: { name: '6.0', releases: ['6.0', '6'] },
  24: { name: '7.0', releases: ['7.0', '7'] },
  25: { name: '7.1', releases: ['7.1'] },
  26: { name: '8.0', releases: ['8.0', '8'] },
  27: { name: '8.1', releases: ['8.1'] },
  28: { name: '9', releases: ['9'] },
  29: { name: '10', releases: ['10'] },
  30: { name: '11', releases: ['11'] },
  31: { name: '12', releases: ['12'] },
  // 12L phones still call themselves "12"
  32: { name: '12L', releases: ['12', '12L'] },
  33: { name: '13', releases: ['13'] },
  34: { name: '14', releases: ['14'] },
  35: { name: '15', releases: ['15'] },
};

/** The Android version an API level stands for, e.g. 31 → "12"; undefined outside 21–35. */
export function androidVersionForSdk(sdk: number | undefined): string | undefined {
  return sdk === undefined ? undefined : BY_SDK[sdk]?.name;
}

/** Whether a version text ("12", "7.1.2") fits an API level. */
export function releaseFitsSdk(release: string, sdk: number): boolean {
  const entry = BY_SDK[sdk];
  if (!entry) return true;
  const r = release.trim();
  return entry.releases.some((p) => r === p || r.startsWith(`${p}.`));
}

/** The version part of a build fingerprint: brand/product/device:RELEASE/ID/INCREMENTAL:type/tags */
export function releaseFromFingerprint(fingerprint: string | undefined): string | undefined {
  const m = /^[^/:\s]+\/[^/:\s]+\/[^/:\s]+:([^/:\s]+)\//.exec(fingerprint ?? '');
  return m?.[1];
}

export interface AndroidVersionCheck {
  /** the version the report uses */
  version?: string;
  /** plain-words note when the phone's own claim was not used */
  warning?: string;
}

/**
 * Which Android version to report. When the version text disagrees with the API level and the
 * fingerprint does not back the text up, the level wins and the claim is noted; when the
 * fingerprint does back it up, the text is kept and the disagreement noted. Preview builds
 * (codename other than REL) name the coming version and are left alone.
 */
export function checkAndroidVersion(props: Readonly<Record<string, string>>): AndroidVersionCheck {
  const release = props['ro.build.version.release'];
  const sdkText = props['ro.build.version.sdk'];
  const sdk = /^\d{1,3}$/.test(sdkText ?? '') ? Number(sdkText) : undefined;
  const fromSdk = androidVersionForSdk(sdk);
  if (sdk === undefined || !fromSdk) return { version: release };
  if (release === undefined || release.trim() === '') return { version: fromSdk };
  const codename = props['ro.build.version.codename'];
  if (codename && codename !== 'REL') return { version: release };
  if (releaseFitsSdk(release, sdk)) return { version: release };
  const claim = clip(release);
  const fp = releaseFromFingerprint(props['ro.build.fingerprint']);
  if (fp !== undefined && fp.trim() === release.trim()) {
    // the fingerprint backs the text up: keep the phone's words, but say they do not add up
    return {
      version: release,
      warning: `The phone says it runs Android ${claim}, but its system reports level ${sdk}, which is Android ${fromSdk}. The report uses what the phone says.`,
    };
  }
  return {
    version: fromSdk,
    warning: `The phone says it runs Android ${claim}, but its system reports level ${sdk}, which is Android ${fromSdk}. The report uses Android ${fromSdk}.`,
  };
}

function clip(s: string): string {
  const t = s.trim().replace(/[^\w .-]/g, '');
  return t.length > 20 ? `${t.slice(0, 20)}…` : t;
}
