/**
 * What an iPhone scan knows, as facts: the `ios` detail blocks of the future
 * platform-neutral Snapshot v2 (docs/architecture-seam.md). Types only; the
 * pure readers that fill them are in src/parse/ios/.
 *
 * A value spycheck could not read is 'unknown' (or absent for plain text),
 * never false: "not read" must never look like "clean".
 */
import type { ParserInfo } from './parse.js';

/** true / false as the phone said it, or 'unknown' when it did not say (not asked, missing, garbled). */
export type IosFlag = boolean | 'unknown';

/** The iPhone itself: public lockdown values and the values a session reads. */
export interface IosDeviceDetails {
  /** UniqueDeviceID; '' when the phone did not give it */
  udid: string;
  /** ProductType, e.g. "iPhone14,7" */
  productType?: string;
  /** "iPhone 14" for ProductTypes spycheck knows; absent for others (productType still says) */
  marketingName?: string;
  /** HardwareModel, e.g. "D27AP" */
  hardwareModel?: string;
  /** DeviceClass: iPhone, iPad, iPod */
  deviceClass?: string;
  /** The name the owner gave the phone (often holds a person's name: personal data) */
  deviceName?: string;
  /** ProductVersion, e.g. "17.6.1" */
  iosVersion?: string;
  /** BuildVersion, e.g. "21G93" */
  build?: string;
  /** SerialNumber (session only) */
  serialNumber?: string;
  /** PasswordProtected: a passcode is set */
  passcodeSet: IosFlag;
  /** com.apple.mobile.chaperone DeviceIsChaperoned: supervised by an organisation */
  supervised: IosFlag;
  /** com.apple.fmip IsAssociated: Find My is on for an Apple Account */
  findMyAssociated: IosFlag;
  /** com.apple.mobile.backup WillEncrypt: computer backups are encrypted */
  backupEncryption: IosFlag;
  /** com.apple.security.mac.amfi DeveloperModeStatus (iOS 16+) */
  developerMode: IosFlag;
  /** com.apple.mobile.wireless_lockdown EnableWifiConnections: a computer may sync over Wi-Fi */
  wifiSync: IosFlag;
  /** Session values the phone said it has no value for (`Domain/Key` or `Key`) */
  missingValues: string[];
}

/** installation_proxy's ApplicationType. 'other' keeps the raw text in `typeRaw`. */
export type IosAppType = 'User' | 'System' | 'Internal' | 'Hidden' | 'other';

/**
 * Who signed an app, as a class:
 * - app-store: "Apple iPhone OS Application Signing" (Apple re-signs every App Store app)
 * - testflight: the App Store signer with the beta-reports-active entitlement
 * - enterprise: "iPhone Distribution:"/"Apple Distribution:" (an organisation's own
 *   distribution: enterprise or ad hoc), installed outside the App Store
 * - developer: "iPhone Developer:"/"Apple Development:" (a developer's build, free or paid account)
 * - system: part of iOS (System/Internal apps carry no signer: that is normal)
 * - unknown: no signer where one is expected, a signer spycheck does not know, or a claim
 *   that cannot be believed (see `spoofedAppStoreSigner`)
 */
export type IosSignerClass =
  | 'app-store'
  | 'enterprise'
  | 'developer'
  | 'testflight'
  | 'system'
  | 'unknown';

export interface IosSigner {
  /** The verdict: what spycheck believes */
  class: IosSignerClass;
  /** What the signer text claims, before any check (differs from `class` when spoofed) */
  claimed: IosSignerClass;
  /** SignerIdentity as the phone gave it */
  identity?: string;
  /** SignerOrganization as the phone gave it */
  organization?: string;
  /** Apple team id, from the signer "(TEAMID)" or the entitlements */
  teamId?: string;
  /**
   * For `enterprise`: 'enterprise' when a provisioning profile of that team provisions all
   * devices, 'ad-hoc' when it lists devices, 'unknown' when no profile was read.
   */
  distribution?: 'enterprise' | 'ad-hoc' | 'unknown';
  /** ProfileValidated: the user trusted the developer/organisation in Settings */
  profileValidated?: boolean;
  /** IsAdHocSigned */
  adHocSigned?: boolean;
  /** ApplicationDSID is present (an Apple Account bought it); the value itself is not kept */
  hasPurchaseRecord: boolean;
}

/** Why an App Store signer claim cannot be believed (TrollStore / uicache registration). */
export type IosSpoofReason =
  /** IsAdHocSigned true: App Store apps are never ad hoc signed */
  | 'ad-hoc-signed'
  /** no ApplicationDSID: no Apple Account bought it */
  | 'no-purchase-record'
  /** SignerOrganization "Apple Inc." on an app that is not part of iOS */
  | 'apple-organisation'
  /** platform-application entitlement (only iOS's own code has it) on a User app */
  | 'platform-application'
  /** com.apple.private.security.no-sandbox on a User app */
  | 'no-sandbox';

export interface IosApp {
  /** CFBundleIdentifier */
  id: string;
  /** CFBundleDisplayName, else CFBundleName: kept as sent (control characters too) */
  name?: string;
  /** CFBundleShortVersionString */
  version?: string;
  /** CFBundleVersion */
  bundleVersion?: string;
  type: IosAppType;
  /** ApplicationType as sent, when it is not one of the known ones */
  typeRaw?: string;
  /** Part of iOS (System, Internal, Hidden) by its ApplicationType: what it claims to be */
  system: boolean;
  signer: IosSigner;
  /** Present when the App Store signer it claims is not believable, with every reason found */
  spoofedAppStoreSigner?: { reasons: IosSpoofReason[] };
  /** A com.apple.* bundle id on an app that is not part of iOS and not signed by the App Store */
  appleLookalike: boolean;
  /**
   * 'hidden': SBAppTags says hidden, or the home screen was read and the app has no icon on
   * any page or in any folder (since iOS 14 an owner can also keep an app in the App Library
   * only). 'unknown': no hidden tag and the home screen was not read. Rules treat only the
   * tag as hidden (rule matcher `launcher: hidden`): an owner may keep any app in the App
   * Library, so a missing home-screen icon is evidence, not a warning sign.
   */
  hidden: 'visible' | 'hidden' | 'unknown';
  /** Why it counts as hidden */
  hiddenBy: Array<'sbapptags' | 'no-home-screen-icon'>;
  /** SBAppTags as sent */
  tags: string[];
  /** UIBackgroundModes (location, audio, voip, fetch…) */
  backgroundModes: string[];
  /** The NS…UsageDescription keys the app declares (what it may ask for), not their text */
  usageDescriptions: string[];
  entitlements: {
    /** Entitlements worth a caseworker's attention, by key, that are set (see apps.ts) */
    notable: string[];
    /** com.apple.private.tcc.allow: privacy services granted without asking (kTCCService…) */
    tccAllow: string[];
    /** application-identifier as sent ("TEAMID.bundle.id" for third-party apps) */
    applicationIdentifier?: string;
    /** get-task-allow: a debuggable developer build */
    getTaskAllow?: boolean;
  };
  /** Path of the .app bundle */
  path?: string;
  /** Data container path */
  container?: string;
}

/** A configuration profile as MCInstall GetProfileList describes it. */
export interface IosProfile {
  /** The profile's identifier (PayloadIdentifier) */
  id: string;
  uuid?: string;
  displayName?: string;
  organisation?: string;
  description?: string;
  /** PayloadRemovalDisallowed: the owner cannot remove it in Settings */
  removalDisallowed: IosFlag;
  /** ProfileManifest IsActive */
  active: IosFlag;
  version?: number;
  /**
   * GetProfileList carries no payloads: a live scan cannot say whether a profile installs a
   * root certificate, a VPN or MDM. Always 'not-readable'; never guess.
   */
  payloadContents: 'not-readable';
}

/** MCInstall GetCloudConfiguration: supervision and Automated Device Enrolment. */
export interface IosCloudConfiguration {
  /**
   * An organisation set the phone up: it named one, or enrolment was mandatory, unremovable or
   * supervised. An ordinary phone's few default keys do not count.
   */
  present: boolean;
  /** IsSupervised; 'unknown' when not said (see the device's `supervised` too) */
  supervised: IosFlag;
  organisation?: string;
  department?: string;
  email?: string;
  phone?: string;
  /** IsMDMUnremovable: the management (MDM) profile cannot be removed */
  mdmUnremovable: IosFlag;
  /** IsMandatory: enrolment could not be skipped during setup */
  mandatory: IosFlag;
  /** ConfigurationWasApplied: the organisation's setup was applied */
  applied: IosFlag;
  /** AllowPairing: the phone may trust computers */
  allowPairing: IosFlag;
  /** SkipSetup: setup screens the organisation skipped */
  skipSetup: string[];
  /** Every key the phone sent, for the evidence section */
  keys: string[];
}

/**
 * A provisioning profile (misagent CopyAll): who may install apps signed outside the App
 * Store on this phone, and on which phones.
 */
export interface IosProvisioningProfile {
  uuid?: string;
  name?: string;
  /** TeamIdentifier */
  teamIds: string[];
  teamName?: string;
  appIdName?: string;
  /** Entitlements application-identifier, e.g. "TEAMID.*" or "TEAMID.com.example.app" */
  applicationIdentifier?: string;
  /** ProvisionsAllDevices: an enterprise profile (installs on any phone) */
  provisionsAllDevices: IosFlag;
  /** How many phones ProvisionedDevices lists (the UDIDs themselves are not kept) */
  deviceCount?: number;
  /** Whether ProvisionedDevices names this phone; 'unknown' when no UDID was given or no list */
  listsThisPhone: IosFlag;
  /** get-task-allow in its entitlements: a development profile */
  getTaskAllow?: boolean;
  /**
   * enterprise: provisions all devices; development: listed phones, debuggable; ad-hoc:
   * listed phones, not debuggable; unknown: none of these could be told
   */
  kind: 'enterprise' | 'ad-hoc' | 'development' | 'unknown';
  /** UTC ISO times */
  created?: string;
  expires?: string;
}

/** What points at a jailbreak or TrollStore (an installer that bypasses the App Store). */
export type IosJailbreakIndicatorKind =
  /** A jailbreak, its package manager, TrollStore or a root file manager is installed */
  | 'known-app'
  /** An app lives under a rootless jailbreak's folder (/var/jb) */
  | 'jailbreak-path'
  /** A User app with platform-application or no-sandbox entitlements */
  | 'privileged-user-app'
  /** An app that says it is part of iOS but lives where apps are installed */
  | 'system-app-outside-system';

export type IosJailbreakToolRole =
  | 'jailbreak'
  | 'package-manager'
  | 'trollstore'
  | 'file-manager'
  | 'terminal';

export interface IosJailbreakIndicator {
  kind: IosJailbreakIndicatorKind;
  /** The app it was seen on */
  appId: string;
  /** For known-app: what the app is */
  tool?: { name: string; role: IosJailbreakToolRole };
  /** strong: on its own it means jailbroken/TrollStore; supporting: adds weight only */
  strength: 'strong' | 'supporting';
}

export interface IosJailbreakIndicators {
  /** Strong indicators point at a jailbreak (rootful or rootless) */
  jailbreak: boolean;
  /** TrollStore or its helper is installed, or an app is registered with a spoofed App Store signer */
  trollStore: boolean;
  indicators: IosJailbreakIndicator[];
  /** false when there was no app list to look at: then nothing found means nothing */
  appsChecked: boolean;
}

/** Everything the pure iOS readers make of one scan, ready for the Snapshot v2 assembler. */
export interface IosScanDetails {
  device: IosDeviceDetails;
  /** undefined when the app list could not be read */
  apps?: IosApp[];
  /** whether the home screen (icon state) was read, so `hidden` can say 'visible' */
  homeScreenRead: boolean;
  /** undefined when MCInstall could not be read */
  profiles?: IosProfile[];
  cloudConfiguration?: IosCloudConfiguration;
  /** undefined when misagent could not be read (older phones may not offer it) */
  provisioningProfiles?: IosProvisioningProfile[];
  jailbreak: IosJailbreakIndicators;
  warnings: string[];
  parsers: ParserInfo[];
}
