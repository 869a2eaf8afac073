/**
 * The render-neutral report: every sentence the caseworker, the survivor and
 * the police read, decided once here. Renderers only lay it out. All text
 * that came from the phone is cleaned here (and again by each renderer).
 */
import { createHash } from 'node:crypto';
import { isComplete } from '../analyze/blindSpots.js';
import { type Fact, factChecksFor } from '../analyze/facts.js';
import { compareFindings } from '../analyze/order.js';
import { DEFAULT_HELPLINES } from '../config/helplines.js';
import type { Category } from '../model/category.js';
import type { CheckCause, CheckStatus } from '../model/check.js';
import type { Finding, FindingsDoc, NotEvaluated } from '../model/findings.js';
import type { IosApp } from '../model/iosSnapshot.js';
import type { RawRecord } from '../model/raw.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import {
  type AndroidApp,
  type AndroidSnapshot,
  type LastUse,
  type PlatformId,
  RECENT_USE_KINDS,
  type RecentUseKind,
  type Snapshot,
} from '../model/snapshot.js';
import { durationWords, longDate, ukDate, ukDateTime } from '../util/dates.js';
import { cleanText, hasHiddenCharacters, showHidden } from '../util/sanitize.js';
import type { DerivedFrom } from './bundle.js';
import {
  type PurposeSection,
  purposeSection,
  type SinceSection,
  sinceSection,
} from './followUp.js';
import {
  IOS_AFTER_SCAN,
  IOS_BUILT_TO_HEADING,
  IOS_CANNOT_SEE,
  IOS_CATEGORY_LABEL,
  iosBuiltTo,
  iosDeviceRows,
  iosOriginText,
} from './iosWords.js';
import {
  type ChecklistSection,
  type LinkedSection,
  linkedSection,
  smartHomeChecklist,
} from './linkedSection.js';

export interface RulePackRef {
  id: string;
  version: string;
  sha256: string;
  /** the pack's name and date (pack.yaml), when known: reports say how old each list is */
  name?: string;
  date?: string;
  /** the pack names known stalkerware: an old one is called out in the headline */
  stalkerware?: boolean;
  /** installed by `rules update`: fingerprint of the key that signed the release */
  signer?: string;
}

/** Lists of known spyware older than this are called out: vendors rename apps every few weeks. */
export const STALE_LIST_DAYS = 90;

/** Who the survivor can contact: set once per install (spycheck config) */
export interface ContactDetails {
  /** the organisation running the check, e.g. "Safe Steps Leeds" */
  organisation?: string;
  /** its phone number, as people dial it */
  phone?: string;
  /** helplines printed in every report (default: the UK's National Domestic Abuse Helpline) */
  helplines?: { name: string; phone: string; note?: string }[];
}

export interface ReportMeta {
  /** who to contact, printed in the report; absent → the UK default helplines */
  contact?: ContactDetails;
  /** first 12 hex of snapshot.json's SHA-256, as written (default: worked out from the snapshot) */
  bundleId?: string;
  caseRef?: string;
  examiner?: string;
  consent?: boolean;
  /** UTC ISO time the report was written */
  generatedAt: string;
  tool: { name: string; version: string };
  rules: RulePackRef[];
  /** Where the evidence bundle is (shown in the terminal summary) */
  bundleDir?: string;
  /** Fingerprint of the key that signs the bundle */
  signedBy?: string;
  /** This bundle was made from an earlier one (re-analysis) */
  derivedFrom?: DerivedFrom;
  /** Set when the report is re-rendered from a saved bundle */
  renderedFrom?: { bundle: string; verified: boolean; summary: string };
}

export interface ReportFinding {
  id: string;
  severity: Severity;
  severityLabel: string;
  category: Category;
  categoryLabel: string;
  title: string;
  /** App name (or account/device name) as the phone shows it, cleaned */
  name: string;
  /** Set when the name held hidden or control characters (a disguise trick) */
  nameWarning?: string;
  /** Package name / account / device id, cleaned */
  subjectId: string;
  subjectType: Finding['subject']['type'];
  /**
   * Whether to show the subject line: not for the phone itself (it is named at the top,
   * repeating "Samsung SM-A125F (serial)" under every setting only adds noise).
   */
  showSubject: boolean;
  /** For account findings: the accounts signed in on the phone, in plain words */
  accounts: string[];
  what: string;
  /** For apps: where it came from, cross-checked against Android's own install record */
  origin?: string;
  risk: string;
  /** What this app can do on this phone (verb phrases), from access it holds */
  canAccess: string[];
  /**
   * The heading for canAccess: "On this phone it can" where the phone shows the access an app
   * holds (Android); an iPhone scan only sees what an app is built to ask for
   */
  canAccessHeading: string;
  /** When the app last used location, the microphone, the camera… (survivor's words) */
  lastUsed: string[];
  /** The same uses, most recent first, with the phone's clock (table and annex) */
  uses: UseLine[];
  /** When the app was first installed, as the phone recorded it */
  installed?: { utc: string; words: string };
  /** The one thing to do, in a few words (the at-a-glance table) */
  todo: string;
  nextSteps: string;
  /** Safety-first advice; empty for "for information" notes, which need no warning */
  safety: string[];
}

export interface FindingGroup {
  severity: Severity;
  heading: string;
  intro: string;
  /**
   * The safety advice for the group, said once before its findings; empty when no finding in
   * it is an app, profile or account (a phone setting's own next steps say what to do)
   */
  safety: string[];
  findings: ReportFinding[];
}

export interface PrivacyReportSection {
  /** "The App Privacy Report saved on this iPhone covers 23 November to 30 November 2026." */
  intro: string;
  apps: { name: string; id: string; uses: string[]; notOnPhone: boolean }[];
  /** how many more apps the report names than are listed */
  more: number;
}

/** One row of the at-a-glance table on page 1. */
export interface GlanceRow {
  id: string;
  severity: Severity;
  /** "Serious", "Could track or control you", "Worth a look" */
  severityLabel: string;
  title: string;
  /** the app (or profile) as the phone or a rule pack names it; empty for settings */
  name: string;
  /** "16 April 2024" (UK date), when the phone recorded the install */
  installed?: string;
  /** the most recent uses, shortest words first ("Microphone: 4 minutes before the check") */
  lastUse: string[];
  todo: string;
}

export interface EvidenceFinding {
  id: string;
  rule: string;
  severity: Severity;
  category: Category;
  title: string;
  subject: string;
  reasons: { rule: string; pack: string; matcher: string; value: string }[];
  /** Other evidence fields, as key → value text (invisible characters shown) */
  details: [string, string][];
}

export interface ReportModel {
  /** which kind of phone: some words (how to untrust this computer) differ */
  platform: 'android' | 'ios';
  title: string;
  /** the case reference, for every page's footer (cleaned) */
  caseRef?: string;
  /** short id of the evidence this report was made from (footer of every page) */
  bundleId: string;
  /** page 1's table: one row per finding that is more than information, in display order */
  glance: GlanceRow[];
  /** how many "for information" findings the table leaves out */
  glanceInfo: number;
  /** who to contact: the organisation, then helplines (one line each) */
  contact: string[];
  /** an iPhone's App Privacy Report: every app it shows using something, most recent first */
  privacyReport?: PrivacyReportSection;
  /** checked for a purpose (a second phone): the stricter reading and its hand-over checklist */
  purpose?: PurposeSection;
  /** Android: devices and networks linked to the phone, shown also when nothing is unusual */
  linked?: LinkedSection;
  /** what a phone check cannot see in the home: smart-home devices, cars, trackers, wearables */
  smartHome?: ChecklistSection;
  /** what changed since an earlier check of this phone (`scan --baseline`), before the findings */
  since?: SinceSection;
  /**
   * Said before anything else when the data may have been changed before this
   * report was made (it came from a bundle that did not verify).
   */
  provenanceWarning?: string;
  complete: boolean;
  headline: string;
  /** Short lines under the headline (incomplete scan, clean-result caveat) */
  headlineNotes: string[];
  counts: Record<Severity, number>;
  /** The phone, in plain words (model, Android version) */
  deviceSummary: string;
  safetyFirst: string[];
  groups: FindingGroup[];
  checked: { title: string; note?: string }[];
  /** the rule packs compared with, and how old each was at the scan */
  lists: string[];
  /** Checks that did not run (or ran only in part), one line per check or missing fact */
  notChecked: NotCheckedItem[];
  cannotSee: { title: string; detail: string }[];
  afterScan: string[];
  sensitivity: string;
  /** Where the evidence bundle is, when there is one */
  bundleDir?: string;
  evidence: {
    intro: string[];
    scan: [string, string][];
    /** the phone's clock against this computer's, when it was read */
    clock: [string, string][];
    /** lines for the examiner to fill in by hand (exhibit, place, IMEI, signature) */
    fillIn: { label: string; hint?: string }[];
    /** how to check the files without trusting this report */
    howToVerify: string[];
    rules: RulePackRef[];
    findings: EvidenceFinding[];
    /** Rules that could not be judged, one line per rule (technical, for police) */
    notEvaluated: { rule: string; pack: string; facts: string; subjects?: string }[];
    raw: Pick<RawRecord, 'file' | 'command' | 'time' | 'bytes' | 'sha256'>[];
    warnings: string[];
  };
}

export interface NotCheckedItem {
  title: string;
  /** Why it could not be checked, as the collector recorded it */
  reason: string;
  /** The one thing to do about it, in plain words */
  action?: string;
  /** What that means for the person whose phone it is, in plain words */
  meaning?: string;
  /** How many of our rules could not be judged because of it */
  rulesNotJudged?: number;
  /** How many apps those rules could not judge (when only some apps were affected) */
  appsNotJudged?: number;
}

export interface ReportInput {
  snapshot: Snapshot;
  findings: FindingsDoc;
  meta: ReportMeta;
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  high: 'Serious',
  medium: 'Could be used to track or control',
  low: 'Worth a look',
  info: 'For information',
};

const GROUP_TEXT: Record<Severity, { heading: string; intro: string }> = {
  high: {
    heading: 'Serious: spyware or signs that someone can watch this phone',
    intro:
      'These are known spying apps, or apps and settings that let someone watch this phone. ' +
      'Do not remove anything yet: read the safety advice first.',
  },
  medium: {
    heading: 'Could be used to track or control',
    intro:
      'These apps or settings have normal uses, but someone could also use them to track you ' +
      'or control the phone. Check whether you set them up yourself.',
  },
  low: {
    heading: 'Worth a look',
    intro: 'These are less likely to be a problem, but are worth checking together.',
  },
  info: {
    heading: 'For information',
    intro: 'Things we noticed that are not a problem on their own.',
  },
};

export const CATEGORY_LABEL: Record<Category, string> = {
  stalkerware: 'Known spyware (an app made to secretly watch someone)',
  watchware: 'Monitoring app',
  'dual-use': 'App that can also be used to watch someone',
  'location-sharing': 'Location sharing',
  'parental-control': 'Parental control app',
  'remote-access': 'Remote control app',
  'anti-theft': 'Anti-theft app (can find and control the phone)',
  'smart-home': 'Smart-home app',
  'root-jailbreak': 'Phone protections removed ("rooted")',
  'device-posture': 'Phone setting',
  behaviour: 'Unusual behaviour',
};

/** The advice that goes with every finding. Order matters: safety first. */
export const FINDING_SAFETY: readonly string[] = [
  'Do not remove the app or change settings yet. The person who set it up may be told, or ' +
    'may notice, and that could put you in more danger.',
  'Talk it through with your support worker and make a safety plan first.',
  'Keep the evidence. If you might go to the police, ask them to look at the phone before ' +
    'anything is removed.',
];

/** For spyware that was on the phone before: nothing to remove, but the same care. */
export const PAST_APP_SAFETY: readonly string[] = [
  'Do not change passwords or settings on this phone yet. The person who installed it may ' +
    'notice, and that could put you in more danger.',
  'Talk it through with your support worker and make a safety plan first.',
  'Keep this report: the dates are evidence. If you might go to the police, ask them to look at ' +
    'the phone.',
];

const SAFETY_FIRST: readonly string[] = [
  'If you are in danger now, call 999. If you cannot speak, call 999 and then press 55 when asked.',
  'Removing an app or changing a setting may alert the person who set it up, and they can ' +
    'often remove spyware from a distance. Keep the evidence and make a safety plan with your ' +
    'support worker before you change anything.',
  'If you think someone is watching this phone, use a different, safe phone or computer to ' +
    'get help or to plan.',
];

const CANNOT_SEE: readonly { title: string; detail: string }[] = [
  {
    title: 'Google or Apple account access',
    detail:
      'Someone who knows your Google or Apple password can see your emails, photos, location ' +
      'history and backups from any computer. Check which devices are signed in to your account, ' +
      'and change the password from a safe device when it is safe to do so.',
  },
  {
    title: 'Location sharing in Google Maps and Find My',
    detail:
      'Open Google Maps, tap your picture, then "Location sharing" to see who can see where ' +
      'you are. On Apple devices, check the Find My app.',
  },
  {
    title: 'Find My Device',
    detail:
      'Anyone signed in to your Google account can see where the phone is with Find My Device, ' +
      'and can lock or wipe it.',
  },
  {
    title: 'Shared family groups and phone plans',
    detail:
      'A Google family group, Apple Family Sharing or a shared phone contract can let the ' +
      'organiser see your location, apps or call records.',
  },
  {
    title: 'Cloud backups',
    detail:
      'Photos, messages and files backed up to Google Drive, Google Photos, iCloud, WhatsApp ' +
      'backup or similar can be read by anyone who can sign in to that account.',
  },
  {
    title: 'Smart-home devices and their accounts',
    detail:
      'Smart speakers, cameras, doorbells, heating and lights can be watched or controlled ' +
      'through someone else\u2019s account.',
  },
  {
    title: 'Trackers such as AirTags',
    detail:
      'Small trackers hidden in a bag, coat or car cannot be found by checking the phone. ' +
      'Android phones can scan for unknown trackers in Settings (Safety & emergency).',
  },
  {
    title: 'Other phones, tablets and computers',
    detail: 'We only checked this phone. Other devices you use may need checking too.',
  },
];

const AFTER_SCAN: readonly string[] = [
  'Turn off USB debugging on the phone: Settings, then System, then Developer options, then ' +
    'switch off "USB debugging". (On some phones Developer options is under "Additional ' +
    'settings".) If you turned on Developer options only for this check, switch them off too.',
  'In Developer options, tap "Revoke USB debugging authorisations" so this computer is no ' +
    'longer trusted by the phone.',
  'Unplug the phone from this computer.',
];

const SENSITIVITY =
  'This report is sensitive. If the person you are worried about finds it, you could be in ' +
  'more danger. Keep printed copies somewhere safe, and do not save it on a shared device or ' +
  'in a shared account.';

/**
 * What a missing fact means for the survivor. Keyed by fact (not by rule) so a report lists
 * one line per thing we could not see, however many rules needed it.
 */
export const FACT_TEXT: Record<Fact, { title: string; meaning: string }> = {
  packages: {
    title: 'The list of installed apps',
    meaning:
      'We could not see which apps are on this phone, so we cannot say whether a spying app ' +
      'is installed.',
  },
  permissions: {
    title: 'Where apps came from and what they may use',
    meaning:
      'We could not see where apps came from or what they are allowed to use, so an app that ' +
      'someone else put on the phone, or that can see your messages or location, may not show up.',
  },
  launcher: {
    title: 'Which apps have an icon',
    meaning:
      'We could not see which apps have an icon, so we cannot say whether an app is hiding ' +
      'from the app list.',
  },
  certs: {
    title: 'Who made each app',
    meaning:
      'We could not see who made some apps, so spyware that uses an innocent-looking name may ' +
      'not be recognised.',
  },
  apk_hashes: {
    title: 'Fingerprints of app files',
    meaning:
      'We could not take a fingerprint of some app files, so known spyware that has been ' +
      'renamed may not be recognised.',
  },
  accessibility: {
    title: 'Apps that can read the screen',
    meaning:
      'We could not see which apps can read the screen, so we cannot say whether an app can ' +
      'see what you read and type.',
  },
  notification_listeners: {
    title: 'Apps that can read notifications',
    meaning:
      'We could not see which apps can read notifications, so we cannot say whether an app ' +
      'can read your message previews.',
  },
  device_policy: {
    title: 'Apps that can control the phone',
    meaning:
      'We could not see which apps have control over the phone, so we cannot say whether an ' +
      'app can lock or wipe it, or stop itself being removed.',
  },
  appops: {
    title: 'Special app permissions',
    meaning:
      'We could not see some special permissions (seeing which apps you use, showing on top ' +
      'of other apps, installing apps), so we cannot say whether an app uses them to watch you ' +
      'or to hide.',
  },
  battery: {
    title: 'Apps that run in the background all the time',
    meaning:
      'We could not see which apps are allowed to run in the background all the time, which ' +
      'spying apps need to keep sending information.',
  },
  settings: {
    title: 'Security settings',
    meaning:
      'We could not read the security settings, so we cannot say whether the phone\u2019s app ' +
      'safety checks (such as Play Protect) have been turned off.',
  },
  props: {
    title: 'Basic facts about the phone',
    meaning:
      'We could not read basic facts about the phone (such as its Android version and last ' +
      'security update), so some checks of the phone itself were not made.',
  },
  root: {
    title: 'Whether the phone\u2019s protections were removed ("rooted")',
    meaning:
      'We could not check whether the phone\u2019s protections have been removed. If they have, ' +
      'a spying app could see everything on the phone.',
  },
  accounts: {
    title: 'Accounts signed in on the phone',
    meaning:
      'We could not see which accounts are signed in, so we cannot say whether an account ' +
      'someone else controls is on this phone.',
  },
  adb_keys: {
    title: 'Computers trusted for USB debugging',
    meaning:
      'We could not see which computers are trusted for USB debugging on this phone, so we ' +
      'cannot say whether an unknown computer has access.',
  },
  past_packages: {
    title: 'Apps that were on the phone before',
    meaning:
      'We could not see the phone\u2019s records of apps that were installed and then removed, ' +
      'so spyware that was taken off the phone before this check would not show up.',
  },
  recent_use: {
    title: 'When apps last used your location, microphone or camera',
    meaning:
      'We could not see when apps last used your location, the microphone, the camera, your ' +
      'messages or your call log, so we cannot say whether a watching app was used recently.',
  },
  ios_apps: {
    title: 'The apps on this iPhone and who made them',
    meaning:
      'We could not see which apps are on this iPhone or who signed them, so an app put on it ' +
      'outside the App Store, or a tool that removes the iPhone\u2019s protections, may not show up.',
  },
  ios_device: {
    title: 'Basic facts about the iPhone (iOS version, passcode, Find My, management)',
    meaning:
      'We could not see which iOS version this iPhone runs, whether it has a passcode, or whether ' +
      'an organisation manages it.',
  },
  ios_profiles: {
    title: 'Configuration profiles and device management',
    meaning:
      'We could not see the profiles on this iPhone, so a profile that lets someone else manage it ' +
      'or see its internet traffic may not show up.',
  },
  companion_devices: {
    title: 'Watches and other devices linked to this phone',
    meaning:
      'We could not see which apps are linked to a watch or other nearby device, so a device ' +
      'that copies your notifications to someone else may not show up.',
  },
  vpn: {
    title: 'VPN apps that could see your internet traffic',
    meaning:
      'We could not see whether a VPN is on, so an app that sends your internet traffic ' +
      'through someone else may not show up.',
  },
  keyboards: {
    title: 'Keyboards that can see what you type',
    meaning:
      'We could not see which keyboards are turned on, so a keyboard that records what you type ' +
      'may not show up.',
  },
  roles: {
    title: 'Which apps handle your texts, calls and the assistant',
    meaning:
      'We could not see which apps handle your text messages, calls and the assistant, so an ' +
      'unknown app that reads them may not show up.',
  },
  data_sent: {
    title: 'How much data each app has sent',
    meaning:
      'We could not see how much data each app sent, so a hidden app that uploads a lot may ' +
      'not stand out.',
  },
  users: {
    title: 'Other users and work profiles',
    meaning:
      'We could not see whether there are other users or a work profile on this phone, where ' +
      'apps can run out of sight.',
  },
  screen_lock: {
    title: 'Whether the phone has a screen lock',
    meaning:
      'We could not see whether this phone has a PIN, pattern or password, so we cannot say ' +
      'whether someone who picks it up could open it.',
  },
};

/** Check id → the facts it supplies. Dashes and underscores are the same ("adb-keys"). */
function factsForCheck(checkId: string, platform: PlatformId | undefined): Fact[] {
  const norm = (id: string) => id.toLowerCase().replace(/-/g, '_');
  const id = norm(checkId);
  const facts = (Object.entries(factChecksFor(platform)) as [Fact, readonly string[]][])
    .filter(([fact, ids]) => norm(fact) === id || ids.some((c) => norm(c) === id))
    .map(([fact]) => fact);
  // on an iPhone the hidden tag comes with the app list: one meaning says it all
  return platform === 'ios' && facts.includes('ios_apps')
    ? facts.filter((f) => f !== 'launcher')
    : facts;
}

/** Account types → the name people know them by. */
const ACCOUNT_TYPES: Record<string, string> = {
  'com.google': 'Google',
  'com.osp.app.signin': 'Samsung account',
  'com.whatsapp': 'WhatsApp',
  'com.facebook.auth.login': 'Facebook',
  'com.instagram': 'Instagram',
  'com.microsoft.office.outlook.USER_ACCOUNT': 'Outlook',
  'com.microsoft.workaccount': 'Microsoft work account',
  'com.skype.contacts.sync': 'Skype',
  'com.xiaomi': 'Xiaomi account',
  'com.huawei.hwid': 'Huawei ID',
  'com.oppo.usercenter': 'OPPO account',
  'com.heytap.usercenter': 'OPPO / OnePlus account',
  'org.telegram.messenger': 'Telegram',
  'org.thoughtcrime.securesms': 'Signal',
  'com.viber.voip': 'Viber',
};

/** Runtime permissions → what the app could see, in plain words. */
const PERMISSION_ACCESS: readonly [RegExp, string][] = [
  [/\.ACCESS_(?:FINE|COARSE|BACKGROUND)_LOCATION$/, 'see where the phone is (location)'],
  [/\.(?:READ|RECEIVE|SEND)_SMS$|\.RECEIVE_MMS$/, 'read text messages'],
  [/\.READ_CALL_LOG$|\.PROCESS_OUTGOING_CALLS$|\.READ_PHONE_STATE$/, 'see calls and call history'],
  [/\.RECORD_AUDIO$/, 'use the microphone (it could record sound)'],
  [/\.CAMERA$/, 'use the camera'],
  [
    /\.READ_EXTERNAL_STORAGE$|\.READ_MEDIA_(?:IMAGES|VIDEO)$|\.MANAGE_EXTERNAL_STORAGE$/,
    'see photos, videos and files',
  ],
  [/\.READ_CONTACTS$/, 'see contacts'],
  [/\.READ_CALENDAR$/, 'see the calendar'],
];

export function buildReportModel(input: ReportInput): ReportModel {
  const { snapshot, findings, meta } = input;
  const sorted = sortFindings(Array.isArray(findings.findings) ? findings.findings : []);
  const notEvaluated = Array.isArray(findings.notEvaluated) ? findings.notEvaluated : [];
  const counts = countBySeverity(sorted);
  const apps = new Map<string, AndroidApp>(
    snapshot.platform === 'android' ? snapshot.apps.map((a) => [a.id, a]) : [],
  );
  const iosApps = new Map<string, IosApp>(
    snapshot.platform === 'ios' ? snapshot.apps.map((a) => [a.id, a]) : [],
  );

  const groups: FindingGroup[] = [];
  for (const severity of SEVERITIES) {
    const list = sorted.filter((f) => f.severity === severity);
    if (list.length === 0) continue;
    const shown = list.map((f) => toReportFinding(f, snapshot, apps, iosApps));
    // said once per group, and only where it fits: "do not remove the app" is for apps,
    // profiles and accounts someone else may watch, not for an old security update
    const fits = list.some(
      (f) =>
        severity !== 'info' && f.subject?.type !== 'device' && f.evidence?.history === undefined,
    );
    groups.push({
      severity,
      ...GROUP_TEXT[severity],
      safety: fits ? [...FINDING_SAFETY] : [],
      findings: shown,
    });
  }

  const platform = snapshot.platform === 'ios' ? 'ios' : 'android';
  const purpose = purposeSection(findings.purpose, platform);
  const since = sinceSection(findings.sinceBaseline);
  const { headline, notes } = headlineFor(sorted, snapshot, {
    incomplete: !isComplete(snapshot, findings),
    nextStep: nextStepFor(snapshot, findings),
    ...(purpose ? { purposeWords: purpose.words } : {}),
  });
  if (purpose) notes.push(purpose.note);
  notes.push(...listAges(meta.rules, snapshot.finished).stale);
  const checks = snapshot.checks ?? [];
  const provenanceWarning = provenanceWarningFor(meta);
  const caseRef = cleanText(meta.caseRef, { maxLength: 80 }) || undefined;
  return {
    title: 'Phone check report',
    platform: snapshot.platform === 'ios' ? 'ios' : 'android',
    ...(caseRef ? { caseRef } : {}),
    bundleId: cleanText(meta.bundleId, { maxLength: 64 }) || snapshotId(snapshot),
    glance: groups.filter((g) => g.severity !== 'info').flatMap((g) => g.findings.map(glanceRow)),
    glanceInfo: counts.info,
    contact: contactLines(meta.contact),
    ...privacyReportSection(snapshot),
    ...linkedFields(snapshot, findings),
    ...(purpose ? { purpose } : {}),
    ...(since ? { since } : {}),
    ...(provenanceWarning ? { provenanceWarning } : {}),
    complete: isComplete(snapshot, findings),
    headline,
    headlineNotes: notes,
    counts,
    deviceSummary: deviceSummary(snapshot),
    safetyFirst: [...SAFETY_FIRST],
    groups,
    checked: checks
      .filter((c) => c.status === 'ok' || c.status === 'partial')
      .map((c) => ({
        title: cleanText(c.title),
        note: c.status === 'partial' ? `Only partly: ${reasonText(c)}` : undefined,
      })),
    lists: listAges(meta.rules, snapshot.finished).lines,
    notChecked: notCheckedItems(checks, notEvaluated, snapshot.platform),
    cannotSee: (snapshot.platform === 'ios' ? IOS_CANNOT_SEE : CANNOT_SEE)
      // the smart-home and wearables checklist goes through these in more depth
      .filter((c) => !COVERED_BY_SMART_HOME_CHECKLIST.has(c.title))
      .map((c) => ({ ...c })),
    afterScan: [...(snapshot.platform === 'ios' ? IOS_AFTER_SCAN : AFTER_SCAN)],
    sensitivity: SENSITIVITY,
    bundleDir: meta.bundleDir,
    evidence: withFollowUp(
      withTimes(
        buildEvidence(snapshot, sorted, notEvaluated, meta, isComplete(snapshot, findings)),
        groups.flatMap((g) => g.findings),
      ),
      purpose,
      since,
    ),
  };
}

/** "Things this check cannot see" items that the smart-home checklist covers in more depth. */
const COVERED_BY_SMART_HOME_CHECKLIST: ReadonlySet<string> = new Set([
  'Smart-home devices and their accounts',
  'Trackers such as AirTags',
]);

/** Devices and networks linked to the phone, and the smart-home checklist (report/linkedSection.ts). */
function linkedFields(
  snapshot: Snapshot,
  findings: FindingsDoc,
): { linked?: LinkedSection; smartHome: ChecklistSection } {
  const linked = linkedSection(snapshot, findings);
  return { ...(linked ? { linked } : {}), smartHome: smartHomeChecklist(snapshot) };
}

/** The annex records the purpose and the earlier check compared with, beside the scan's details. */
function withFollowUp(
  evidence: ReportModel['evidence'],
  purpose: PurposeSection | undefined,
  since: SinceSection | undefined,
): ReportModel['evidence'] {
  if (purpose) evidence.scan.push(['Checked as', purpose.words.replace(/\.$/, '')]);
  if (since) evidence.scan.push(...since.evidence);
  return evidence;
}

const GLANCE_SEVERITY: Record<Severity, string> = {
  high: 'Serious',
  medium: 'Could track or control you',
  low: 'Worth a look',
  info: 'For information',
};

const USE_SHORT: Record<RecentUseKind, string> = {
  location: 'Location',
  microphone: 'Microphone',
  camera: 'Camera',
  'body-sensors': 'Body sensors',
  sms: 'Text messages',
  'call-log': 'Call log',
  contacts: 'Contacts',
  photos: 'Photos',
};

function glanceRow(f: ReportFinding): GlanceRow {
  return {
    id: f.id,
    severity: f.severity,
    severityLabel: GLANCE_SEVERITY[f.severity],
    title: f.title,
    name: f.showSubject && f.subjectType !== 'device' ? f.name : '',
    ...(f.installed ? { installed: ukDate(f.installed.utc, 'short') } : {}),
    // two lines at most: the table must stay short enough for page 1
    lastUse: f.uses.slice(0, 2).map((u) => u.short),
    todo: f.todo,
  };
}

/** Apps listed from an App Privacy Report, at most: a week of use on a busy phone is long. */
const PRIVACY_REPORT_APPS = 25;

/**
 * Every app the App Privacy Report shows using location, the microphone, the camera, contacts or
 * photos: an app nobody recognises in this list matters even when no rule names it, and with the
 * report alone (no app list read from the phone) it is the only place the uses can be shown.
 */
function privacyReportSection(snapshot: Snapshot): { privacyReport?: PrivacyReportSection } {
  if (snapshot.platform !== 'ios' || !snapshot.privacyReport || !snapshot.recentUse) return {};
  const report = snapshot.privacyReport;
  const names = new Map(snapshot.apps.map((a) => [a.id.toLowerCase(), a.name]));
  const gone = new Set(
    (Array.isArray(report.notOnAppList) ? report.notOnAppList : []).map((a) =>
      String(a).toLowerCase(),
    ),
  );
  const rows = Object.entries(snapshot.recentUse)
    .map(([id, uses]) => ({ id, lines: lastUses(uses, snapshot.finished) }))
    .filter((r) => r.lines.length > 0);
  const rank = (r: { lines: UseLine[] }) =>
    r.lines[0]?.ongoing ? -1 : (r.lines[0]?.agoMs ?? Number.MAX_VALUE);
  rows.sort((a, b) => rank(a) - rank(b));
  const from = ukDate(report.from);
  const to = ukDate(report.to);
  const span = from && to ? ` It covers ${from} to ${to}.` : '';
  return {
    privacyReport: {
      intro:
        `These apps used your location, the microphone, the camera, your contacts or your photos, as the App Privacy Report saved on this iPhone shows.${span} ` +
        'Check that you know each one. An app you do not recognise could be watching you.',
      apps: rows.slice(0, PRIVACY_REPORT_APPS).map((r) => ({
        id: cleanText(r.id, { maxLength: 200 }),
        name:
          cleanText(names.get(r.id.toLowerCase()) ?? '', { maxLength: 200 }) ||
          cleanText(r.id, { maxLength: 200 }),
        uses: r.lines.map((u) => `${u.what}: ${u.words}`),
        notOnPhone: gone.has(r.id.toLowerCase()),
      })),
      more: Math.max(0, rows.length - PRIVACY_REPORT_APPS),
    },
  };
}

function contactLines(contact: ContactDetails | undefined): string[] {
  const lines: string[] = [];
  const org = cleanText(contact?.organisation, { maxLength: 120 });
  const phone = cleanText(contact?.phone, { maxLength: 40 });
  if (org || phone) {
    lines.push(
      org && phone ? `${org}: ${phone}` : org ? org : `Your support worker's service: ${phone}`,
    );
  }
  const helplines =
    Array.isArray(contact?.helplines) && contact.helplines.length > 0
      ? contact.helplines
      : DEFAULT_HELPLINES;
  for (const h of helplines.slice(0, 8)) {
    const name = cleanText(h?.name, { maxLength: 120 });
    const number = cleanText(h?.phone, { maxLength: 40 });
    const note = cleanText(h?.note, { maxLength: 120 });
    if (name && number) lines.push(`${name}: ${number}${note ? ` (${note})` : ''}`);
  }
  return lines;
}

/** The first 12 hex of the SHA-256 of snapshot.json as spycheck writes it. */
export function snapshotId(snapshot: Snapshot): string {
  return createHash('sha256')
    .update(`${JSON.stringify(snapshot, null, 2)}\n`)
    .digest('hex')
    .slice(0, 12);
}

/** Severity first, then the kind of finding, then findings backed by more rules. */
export function sortFindings(findings: Finding[]): Finding[] {
  // the order analyze numbers them in (F1, F2…), so every format agrees
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => compareFindings(a.f, b.f) || a.i - b.i)
    .map(({ f }) => f);
}

/**
 * One line per check that did not run, with what it means for the survivor, plus one line per
 * missing fact that no listed check explains. Rules are counted, never listed, here: the rule
 * ids go to the evidence section.
 */
export function notCheckedItems(
  checks: CheckStatus[],
  notEvaluated: NotEvaluated[],
  platform?: PlatformId,
): NotCheckedItem[] {
  const byFact = new Map<Fact, NotEvaluated[]>();
  for (const n of notEvaluated) {
    for (const fact of Array.isArray(n?.facts) ? n.facts : []) {
      if (!(fact in FACT_TEXT)) continue;
      const list = byFact.get(fact as Fact) ?? [];
      list.push(n);
      byFact.set(fact as Fact, list);
    }
  }
  const covered = new Set<Fact>();
  const items: NotCheckedItem[] = [];
  for (const c of checks) {
    if (!c || c.status === 'ok') continue;
    const facts = factsForCheck(String(c.id ?? ''), platform);
    // A partly-run check only matters here when analyze says some rule could not be judged.
    const relevant = c.status === 'partial' ? facts.filter((f) => byFact.has(f)) : facts;
    for (const f of relevant) covered.add(f);
    const action = c.cause ? CAUSE_ACTION[c.cause] : undefined;
    items.push({
      title: cleanText(c.title) || cleanText(c.id) || 'A check',
      reason: c.status === 'partial' ? `Only partly checked: ${reasonText(c)}` : reasonText(c),
      ...(action ? { action } : {}),
      ...impact(relevant, byFact),
    });
  }
  for (const [fact] of byFact) {
    if (covered.has(fact)) continue;
    items.push({
      title: FACT_TEXT[fact].title,
      reason: 'The phone did not give us this information.',
      ...impact([fact], byFact),
    });
  }
  return items;
}

function impact(
  facts: Fact[],
  byFact: Map<Fact, NotEvaluated[]>,
): Pick<NotCheckedItem, 'meaning' | 'rulesNotJudged' | 'appsNotJudged'> {
  if (facts.length === 0) return {};
  const rules = new Set<string>();
  const apps = new Set<string>();
  let wholePhone = false;
  for (const f of facts) {
    for (const n of byFact.get(f) ?? []) {
      rules.add(`${n.pack}/${n.rule}`);
      if (Array.isArray(n.subjects) && n.subjects.length > 0) {
        for (const a of n.subjects) apps.add(a);
      } else wholePhone = true;
    }
  }
  const out: Pick<NotCheckedItem, 'meaning' | 'rulesNotJudged' | 'appsNotJudged'> = {
    meaning: facts.map((f) => FACT_TEXT[f].meaning).join(' '),
  };
  if (rules.size > 0) out.rulesNotJudged = rules.size;
  if (apps.size > 0 && !wholePhone) out.appsNotJudged = apps.size;
  return out;
}

/** "Because of this, 3 of our checks could not be made for 2 apps." (empty when none were) */
export function impactText(item: NotCheckedItem): string {
  const n = item.rulesNotJudged ?? 0;
  if (n <= 0) return '';
  const apps = item.appsNotJudged ? ` for ${plural(item.appsNotJudged, 'app', 'apps')}` : '';
  return (
    `Because of this, ${n} of our checks ${n === 1 ? 'was' : 'were'} not made${apps} ` +
    '(listed in the evidence section).'
  );
}

function reasonText(c: CheckStatus): string {
  return cleanText(c.reason, { maxLength: 400 }) || 'No reason was recorded.';
}

/** One thing to do next for each kind of gap. Never "not supported" for a refusal. */
export const CAUSE_ACTION: Record<CheckCause, string> = {
  refused:
    'Unlock the phone, keep the screen on and run the check again. If the phone refuses again, ' +
    'a newer version of spycheck may be able to ask in another way.',
  // true whatever the part: an old Android that never prints it is not helped by a newer spycheck
  unsupported:
    'This phone does not give this over USB. If it matters, look for it on the phone itself, ' +
    'together with your support worker.',
  failed:
    'Run the check again. If it fails again, a newer version of spycheck may be able to read ' +
    'this phone.',
  empty: 'Unlock the phone, keep the screen on and run the check again.',
  garbled:
    'Run the check again. If the same part cannot be read, a newer version of spycheck may read it.',
  'cut-short':
    'Restart the phone if you can do so safely, then run the check again. Keep this report: the ' +
    'phone behaving like this is worth noting.',
  disconnected:
    'Check the cable (try another one if you can), unlock the phone, plug it in again and run ' +
    'the check again.',
  'no-answer': 'Unplug the phone, unlock it, plug it in again and run the check again.',
  stopped: 'Run the check again and let it finish.',
  'not-in-import':
    'If you can, check the phone itself with spycheck: the files this report was made from do ' +
    'not hold this.',
  'unreadable-files':
    'Run the check again. If the same apps cannot be read, note their names for a specialist.',
  'time-limit':
    'When there is more time, run the check again and let it copy more of the app files ' +
    '(spycheck\u2019s guide says how). The evidence section names these apps and their sizes.',
  locked:
    'Unlock the iPhone with its passcode, keep it unlocked with the screen on, and run the check again.',
  'not-trusted':
    'Unlock the phone and plug it in again. When it asks whether to trust this computer, tap ' +
    'Trust (on an iPhone, then enter its passcode), and run the check again.',
};

/** The order in which causes decide the headline's one next step: the broadest fix first. */
const CAUSE_ORDER: readonly CheckCause[] = [
  'not-trusted',
  'locked',
  'disconnected',
  'no-answer',
  'stopped',
  'not-in-import',
  'refused',
  'empty',
  'cut-short',
  'failed',
  'garbled',
  'unsupported',
  'unreadable-files',
  'time-limit',
];

/** The one thing to do next when the result is incomplete (undefined when it is not). */
export function nextStepFor(snapshot: Snapshot, findings: FindingsDoc): string | undefined {
  const serious = new Set(findings.incomplete ? findings.incomplete.checks : []);
  const checks = (snapshot.checks ?? []).filter(
    (c) => c && c.status !== 'ok' && (serious.size === 0 || serious.has(c.id)),
  );
  let best: CheckCause | undefined;
  for (const c of checks) {
    if (!c.cause) continue;
    if (best === undefined || CAUSE_ORDER.indexOf(c.cause) < CAUSE_ORDER.indexOf(best)) {
      best = c.cause;
    }
  }
  if (best) return CAUSE_ACTION[best];
  if (!snapshot.complete || serious.size > 0) return CAUSE_ACTION.failed;
  return undefined;
}

function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function joinParts(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * A report must never read as trustworthy when its data came from a bundle
 * that failed verification (now, or when it was re-analysed): whatever it
 * says may have been edited, for example spyware removed from the list.
 */
export function provenanceWarningFor(meta: ReportMeta): string | undefined {
  const unverified =
    (meta.renderedFrom && !meta.renderedFrom.verified) || chainHasUnverified(meta.derivedFrom);
  if (!unverified) return undefined;
  return (
    'WARNING: this report was made from an evidence bundle that did NOT verify. Its contents ' +
    'may have been changed, so nothing in this report can be relied on, including anything it ' +
    'says was not found. Use the original bundle, or check the phone again.'
  );
}

function chainHasUnverified(link: DerivedFrom | undefined): boolean {
  for (let depth = 0; link && typeof link === 'object' && depth < 100; depth++) {
    if (link.verified === false) return true;
    link = link.derivedFrom;
  }
  return false;
}

export function headlineFor(
  findings: Finding[],
  snapshot: Pick<AndroidSnapshot, 'complete'> & {
    raw?: Pick<RawRecord, 'command'>[];
    checks?: Pick<CheckStatus, 'cause'>[];
  },
  opts: { incomplete?: boolean; nextStep?: string; purposeWords?: string } = {},
): { headline: string; notes: string[] } {
  // known spyware that was removed before the check is counted apart: it is not on the phone now
  const gone = (f: Finding) => f.evidence?.history !== undefined;
  const spyware = findings.filter(
    (f) => f.severity === 'high' && f.category === 'stalkerware' && !gone(f),
  );
  const pastSpyware = findings.filter(
    (f) => f.severity === 'high' && f.category === 'stalkerware' && gone(f),
  );
  const otherHigh = findings.filter((f) => f.severity === 'high' && f.category !== 'stalkerware');
  const worth = findings.filter((f) => f.severity === 'medium' || f.severity === 'low');
  const notes: string[] = [];
  const incomplete = opts.incomplete ?? !snapshot.complete;
  // an imported acquisition (androidqf, bugreport) is read from files, not from the phone
  // (or a file saved on the phone, such as an iPhone's App Privacy Report, with no phone read)
  const imported =
    snapshot.raw?.some((r) => /^(androidqf|bugreport):/.test(r.command)) === true ||
    (Array.isArray(snapshot.checks) && snapshot.checks.some((c) => c?.cause === 'not-in-import'));
  if (incomplete) {
    notes.push(
      imported
        ? 'The files this report was made from do not hold everything spycheck needs to check. ' +
            'See "What we could not check".'
        : snapshot.complete
          ? 'Some checks could not run or ran only in part. See "What we could not check".'
          : 'The check did not finish, so some things could not be checked. See "What we could ' +
            'not check".',
    );
    if (opts.nextStep) notes.push(`What to do: ${opts.nextStep}`);
  }

  const parts: string[] = [];
  if (spyware.length > 0) {
    const apps = spyware.every((f) => f.subject.type === 'app');
    parts.push(
      apps
        ? `${plural(spyware.length, 'app that is', 'apps that are')} known spyware`
        : `${plural(spyware.length, 'sign', 'signs')} of known spyware`,
    );
  }
  if (pastSpyware.length > 0) {
    parts.push(
      `${plural(pastSpyware.length, 'known spyware app that was', 'known spyware apps that were')} on the phone before`,
    );
  }
  if (otherHigh.length > 0) {
    parts.push(
      spyware.length + pastSpyware.length > 0
        ? plural(otherHigh.length, 'other serious warning sign', 'other serious warning signs')
        : plural(otherHigh.length, 'serious warning sign', 'serious warning signs'),
    );
  }
  if (worth.length > 0) {
    parts.push(plural(worth.length, 'thing worth checking', 'things worth checking'));
  }

  let found: string;
  if (spyware.length > 0 || pastSpyware.length > 0 || otherHigh.length > 0) {
    found = `We found ${joinParts(parts)}.`;
  } else if (worth.length > 0) {
    found = incomplete
      ? `In what we could check, we did not find known spyware, but we found ${joinParts(parts)}.`
      : `We did not find known spyware, but we found ${joinParts(parts)}.`;
    if (!incomplete) notes.push('Not finding spyware does not prove the phone is safe.');
  } else {
    found = incomplete
      ? 'In what we could check, we did not find known spyware.'
      : 'We did not find known spyware. This does not prove the phone is safe.';
  }
  // Said first, before any finding: a partial picture must never read as clear.
  const judged = opts.purposeWords ? `${opts.purposeWords} ${found}` : found;
  const headline = incomplete
    ? `This check is not complete, so it must not be read as clear. ${judged}`
    : judged;
  return { headline, notes };
}

/**
 * "samsung" → "Samsung" for display (the evidence keeps the value as read); a maker name the
 * model already starts with is not repeated ("OnePlus OnePlus 9").
 */
export function displayDeviceName(maker: string | undefined, model: string | undefined): string {
  const m = cleanText(maker, { maxLength: 60 });
  const shownMaker = m && m === m.toLowerCase() ? m.charAt(0).toUpperCase() + m.slice(1) : m;
  const shownModel = cleanText(model, { maxLength: 80 });
  if (shownMaker && shownModel.toLowerCase().startsWith(shownMaker.toLowerCase()))
    return shownModel;
  return [shownMaker, shownModel].filter(Boolean).join(' ');
}

function deviceSummary(snapshot: Snapshot): string {
  if (snapshot.platform === 'ios') {
    const d = snapshot.device;
    const name = cleanText(d.model ?? '', { maxLength: 80 }) || 'iPhone';
    const v = d.iosVersion ? `, iOS ${cleanText(d.iosVersion, { maxLength: 20 })}` : '';
    return `${name.startsWith('i') ? name : `Apple ${name}`}${v}`;
  }
  const d = snapshot.device ?? ({} as AndroidSnapshot['device']);
  const name = displayDeviceName(d.manufacturer ?? d.brand, d.model) || 'phone';
  const version = d.androidVersion
    ? `, Android ${cleanText(d.androidVersion, { maxLength: 20 })}`
    : '';
  return `${name}${version}`;
}

function toReportFinding(
  f: Finding,
  snapshot: Snapshot,
  apps: Map<string, AndroidApp>,
  iosApps: Map<string, IosApp>,
): ReportFinding {
  const subjectId = cleanText(f.subject.id);
  // an app that was on the phone before can do nothing now: no "it can" list from its old entry
  const app =
    f.subject.type === 'app' && f.evidence?.history === undefined
      ? apps.get(f.subject.id)
      : undefined;
  const iosApp = f.subject.type === 'app' ? iosApps.get(f.subject.id) : undefined;
  const ownName = app?.label ?? iosApp?.name ?? '';
  const recent: Record<string, Partial<Record<RecentUseKind, LastUse>>> | undefined =
    'recentUse' in snapshot ? snapshot.recentUse : undefined;
  const usedBy = app?.id ?? iosApp?.id;
  const uses =
    usedBy && recent && Object.hasOwn(recent, usedBy)
      ? lastUses(recent[usedBy], snapshot.finished)
      : [];
  const installed = installedWhen(app?.firstInstallTime, snapshot.finished);
  const name = cleanText(f.subject.label ?? ownName) || subjectId;
  return {
    id: cleanText(f.id, { maxLength: 40 }),
    severity: f.severity,
    severityLabel: SEVERITY_LABEL[f.severity] ?? String(f.severity),
    category: f.category,
    categoryLabel:
      (snapshot.platform === 'ios' ? IOS_CATEGORY_LABEL[f.category] : undefined) ??
      CATEGORY_LABEL[f.category] ??
      cleanText(f.category),
    title: cleanText(f.title, { maxLength: 300 }),
    name,
    nameWarning:
      hasHiddenCharacters(f.subject.label ?? ownName) || hasHiddenCharacters(f.subject.id)
        ? 'The name on the phone contains hidden characters, which can be used to disguise an ' +
          'app. It is shown here with them removed; the evidence section shows them.'
        : undefined,
    subjectId,
    subjectType: f.subject.type,
    showSubject: f.subject.type !== 'device' && f.subject.type !== 'account',
    accounts: f.subject.type === 'account' ? accountLines(snapshot) : [],
    what: cleanText(f.explanation?.what, { maxLength: 2000, multiline: true }),
    ...(app
      ? { origin: originText(app) }
      : iosApp
        ? { origin: iosOriginText(iosApp, iosJailbreakSigns(snapshot, iosApp.id)) }
        : {}),
    risk: cleanText(f.explanation?.risk, { maxLength: 2000, multiline: true }),
    canAccess:
      app && snapshot.platform === 'android'
        ? accessFor(app, snapshot)
        : iosApp
          ? iosBuiltTo(iosApp)
          : [],
    canAccessHeading: iosApp ? IOS_BUILT_TO_HEADING : 'On this phone it can',
    lastUsed: uses.map((u) => `${u.what}: ${u.words}`),
    uses,
    ...(installed ? { installed } : {}),
    todo: todoFor(f),
    nextSteps: cleanText(f.explanation?.next_steps, { maxLength: 2000, multiline: true }),
    // the group says FINDING_SAFETY once; spyware that was removed before needs other words
    safety: f.severity !== 'info' && f.evidence?.history !== undefined ? [...PAST_APP_SAFETY] : [],
  };
}

function installedWhen(
  iso: string | undefined,
  finished: string,
): { utc: string; words: string } | undefined {
  const t = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  // Android prints 1970 for apps whose time it does not know
  if (Number.isNaN(t) || t < Date.UTC(2008, 0, 1)) return undefined;
  const utcIso = new Date(t).toISOString();
  return { utc: utcIso, words: whenWords(utcIso, Math.max(0, Date.parse(finished) - t)) };
}

/**
 * The one thing to do, in a few words, for the at-a-glance table. The finding's own next steps
 * say it in full; this never says less about safety than they do.
 */
export function todoFor(f: Finding): string {
  const past = f.evidence?.history !== undefined;
  if (past) return 'Keep this report. Talk to your support worker before changing anything.';
  const type = f.subject?.type;
  if (f.severity === 'info') return 'For information. Check you know it.';
  if (type === 'account') return 'Check you know it and that only you know the password.';
  if (type === 'device') {
    return f.severity === 'high'
      ? 'Do not change it yet. Make a safety plan first.'
      : 'Talk to your support worker before changing it.';
  }
  if (f.severity === 'high') return 'Do not remove it yet. Make a safety plan first.';
  return 'Did you set this up? Talk to your support worker before changing it.';
}

/** Store packages → the name people know. */
const STORE_NAMES: Record<string, string> = {
  'com.android.vending': 'Google Play',
  'com.sec.android.app.samsungapps': 'the Galaxy Store',
  'com.huawei.appmarket': 'AppGallery',
  'com.xiaomi.market': 'the Xiaomi app store',
  'com.xiaomi.mipicks': 'the Xiaomi app store',
  'com.amazon.venezia': 'the Amazon Appstore',
  'org.fdroid.fdroid': 'F-Droid',
  'com.aurora.store': 'Aurora Store',
};
const storeName = (p: string | undefined) => (p && STORE_NAMES[p]) || 'an app store';

/**
 * Where an app came from, in plain words. The installer field is only a claim:
 * when Android's own record says otherwise, both are said.
 */
export function originText(app: AndroidApp): string {
  const computer = 'from a computer, over a USB cable';
  if (app.falseStoreClaim) {
    return (
      `It says it came from ${storeName(app.falseStoreClaim)}, but Android\u2019s own record shows ` +
      (app.installedFromComputer
        ? `it was put on the phone ${computer}. Someone with the phone and a computer can do this.`
        : 'it was installed from a file, not from the store.')
    );
  }
  if (app.installedFromComputer) {
    return `It was put on the phone ${computer}. Someone with the phone and a computer can do this.`;
  }
  switch (app.installerClass) {
    case 'store':
      // only the install record (who started it, or how the file came) confirms the claim
      return app.installInitiator === app.installer || app.installPackageSource === 'store'
        ? `It was installed from ${storeName(app.installer ?? app.installInitiator)}.`
        : `Its details say it came from ${storeName(app.installer ?? app.installInitiator)}.`;
    case 'other-store':
      return `It came from ${storeName(app.installer ?? app.installInitiator)}, an app store that checks apps less than Google Play does.`;
    case 'preinstalled':
      return 'It came with the phone.';
    case 'sideloaded':
      return (
        'It was not installed from an app store: it was installed from a file, for example a ' +
        'download or a file sent to the phone.'
      );
    default:
      return 'We could not see where it came from.';
  }
}

const USE_WORDS: Record<RecentUseKind, string> = {
  location: 'Your location',
  microphone: 'The microphone',
  camera: 'The camera',
  'body-sensors': 'Body sensors (such as heart rate)',
  sms: 'Your text messages',
  'call-log': 'Your call log',
  contacts: 'Your contacts',
  photos: 'Your photos',
};

/** One kind of recent use, for the survivor's words, the at-a-glance table and the annex. */
export interface UseLine {
  kind: RecentUseKind;
  /** "Your location" */
  what: string;
  /** "4 minutes before this check", "16 April 2024, 2 years before this check" */
  words: string;
  /** the same, short, for the at-a-glance table ("Location: 4 minutes before the check") */
  short: string;
  /** milliseconds before the check, for ordering (undefined when unknown; 0 when after it) */
  agoMs?: number;
  /** the phone's own clock, as it printed it */
  phoneTime: string;
  /** UTC ISO, when the phone's zone was known */
  utc?: string;
  /** where it was read from (an app-op, an App Privacy Report category) */
  op: string;
  /** still in use when the record was made (an iPhone App Privacy Report) */
  ongoing?: boolean;
}

const DAY_MS = 86_400_000;

/** Each kind an app used, most recent first. */
export function lastUses(
  uses: Partial<Record<RecentUseKind, LastUse>> | undefined,
  finished: string,
): UseLine[] {
  if (!uses || typeof uses !== 'object') return [];
  const end = Date.parse(finished);
  const out: UseLine[] = [];
  for (const kind of RECENT_USE_KINDS) {
    const u = Object.hasOwn(uses, kind) ? uses[kind] : undefined;
    if (!u || typeof u.phoneTime !== 'string') continue;
    const t = typeof u.utc === 'string' ? Date.parse(u.utc) : Number.NaN;
    const utc = Number.isNaN(t) ? undefined : new Date(t).toISOString();
    const phoneTime = cleanText(u.phoneTime.replace(/\.\d+$/, ''), { maxLength: 40 });
    const diff = Number.isNaN(t) || Number.isNaN(end) ? undefined : end - t;
    const ongoing = u.ongoing === true;
    let words: string;
    let short: string;
    if (diff === undefined) {
      const day = /^(\d{4})-(\d\d)-(\d\d)/.exec(phoneTime);
      words = day
        ? `${longDate(day[1]!, Number(day[2]), Number(day[3]))} (the phone\u2019s date)`
        : 'used, time not known';
      short = day ? phoneTime.slice(0, 10) : 'time not known';
    } else if (diff < 0) {
      // an App Privacy Report saved after the scan can hold later uses
      words = `${ukDate(utc)}, after this check`;
      short = `${ukDate(utc, 'short')}, after the check`;
    } else {
      words = whenWords(utc!, diff);
      short =
        diff < 2 * DAY_MS
          ? `${durationWords(diff)} before the check`
          : (ukDate(utc, 'short') ?? phoneTime.slice(0, 10));
    }
    if (ongoing) {
      words = `in use when the App Privacy Report was saved (it started ${words.replace(/^(\d+ [A-Z])/, 'on $1')})`;
      short = 'in use when the report was saved';
    }
    out.push({
      kind,
      what: USE_WORDS[kind],
      words,
      short: `${USE_SHORT[kind]}: ${short}`,
      ...(diff !== undefined ? { agoMs: Math.max(0, diff) } : {}),
      phoneTime,
      ...(utc ? { utc } : {}),
      op: cleanText(u.op, { maxLength: 60 }),
      ...(ongoing ? { ongoing } : {}),
    });
  }
  // in use right now first, then most recent
  const rank = (u: UseLine) => (u.ongoing ? -1 : (u.agoMs ?? Number.MAX_VALUE));
  return out.sort((a, b) => rank(a) - rank(b));
}

/**
 * "Your location: 4 minutes before this check"; older uses by date ("16 April 2024, 2 years
 * before this check"), which is what people remember. The phone's own clock goes to the annex.
 */
export function lastUsedLines(
  uses: Partial<Record<RecentUseKind, LastUse>> | undefined,
  finished: string,
): string[] {
  return lastUses(uses, finished).map((u) => `${u.what}: ${u.words}`);
}

/** When something happened, in words a survivor uses: recent → how long ago, else the date. */
function whenWords(utc: string, agoMs: number): string {
  if (agoMs < 2 * DAY_MS) return `${durationWords(agoMs)} before this check`;
  return `${ukDate(utc)}, ${durationWords(agoMs)} before this check`;
}

/** "Known stalkerware (Echap): updated 21 June 2026, 5 months before this check". */
export function listAges(
  rules: readonly RulePackRef[] | undefined,
  finished: string,
): { lines: string[]; stale: string[] } {
  const lines: string[] = [];
  let oldest: { days: number; words: string } | undefined;
  const end = Date.parse(finished);
  for (const r of Array.isArray(rules) ? rules : []) {
    const name = cleanText(r?.name ?? r?.id, { maxLength: 120 });
    const m = typeof r?.date === 'string' ? /^(\d{4})-(\d\d)-(\d\d)$/.exec(r.date) : null;
    if (!name) continue;
    if (!m) {
      lines.push(`${name}: date not known`);
      continue;
    }
    const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const day = longDate(m[1]!, Number(m[2]), Number(m[3]));
    const days = Number.isNaN(end) ? Number.NaN : Math.floor((end - t) / 86_400_000);
    const age =
      Number.isNaN(days) || days < 0
        ? ''
        : days === 0
          ? ', the day of this check'
          : days < 62
            ? `, ${days} day${days === 1 ? '' : 's'} before this check`
            : `, ${Math.floor(days / 30.44)} months before this check`;
    lines.push(`${name}: updated ${day}${age}`);
    if (r.stalkerware && days > STALE_LIST_DAYS && (!oldest || days > oldest.days)) {
      oldest = { days, words: `${day}${age}` };
    }
  }
  // one note, about the oldest list of known spyware: that is how far behind the check may be
  const stale = oldest
    ? [
        `The list of known spyware this check used was last updated on ${oldest.words}. Spyware ` +
          'makers rename their apps often, so newer spyware may not be on it. A newer version of spycheck may have newer lists.',
      ]
    : [];
  return { lines, stale };
}

/** What points at a jailbreak on this very app (for its origin words). */
function iosJailbreakSigns(snapshot: Snapshot, appId: string): string[] {
  if (snapshot.platform !== 'ios') return [];
  const list = Array.isArray(snapshot.jailbreak?.indicators) ? snapshot.jailbreak.indicators : [];
  return list.filter((i) => i?.appId === appId).map((i) => String(i.kind));
}

function accountLines(snapshot: Snapshot): string[] {
  if (snapshot.platform !== 'android') return [];
  const accounts = Array.isArray(snapshot.accounts) ? snapshot.accounts : [];
  return accounts.map((a) => {
    const type = String(a?.type ?? '');
    const kind = ACCOUNT_TYPES[type] ?? cleanText(type, { maxLength: 120 });
    const name = cleanText(a?.name, { maxLength: 200 }) || 'no name shown';
    return kind ? `${name} (${kind})` : name;
  });
}

/** What an app can reach on this phone, from access it actually holds (not just asked for). */
export function accessFor(app: AndroidApp, snapshot: AndroidSnapshot): string[] {
  const out: string[] = [];
  const granted = [
    ...(app.permissions?.runtime ?? []).filter((p) => p.granted).map((p) => p.name),
    ...(app.permissions?.install ?? []).filter((p) => p.granted).map((p) => p.name),
  ];
  for (const [pattern, words] of PERMISSION_ACCESS) {
    if (granted.some((p) => pattern.test(p)) && !out.includes(words)) out.push(words);
  }
  const has = (list: { package: string }[] | undefined) =>
    (list ?? []).some((c) => c.package === app.id);
  if (has(snapshot.accessibilityServices)) {
    out.push('see everything on the screen and what you type (accessibility access)');
  }
  if (has(snapshot.notificationListeners)) {
    out.push('read your notifications, which often show message text');
  }
  if (has(snapshot.deviceAdmins) || snapshot.deviceOwner?.package === app.id) {
    out.push('lock or wipe the phone, and make itself hard to remove (device admin)');
  }
  if (snapshot.appOps?.GET_USAGE_STATS?.includes(app.id)) {
    out.push('see which apps you use and when');
  }
  if (snapshot.batteryOptimisationExempt?.includes(app.id)) {
    out.push('run in the background all the time');
  }
  return out;
}

function utc(iso: string | undefined): string {
  if (!iso) return 'not recorded';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return cleanText(iso, { maxLength: 60 });
  return `${d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} UTC`;
}

export { utc as formatUtc };

function buildEvidence(
  snapshot: Snapshot,
  findings: Finding[],
  notEvaluated: NotEvaluated[],
  meta: ReportMeta,
  complete: boolean,
): ReportModel['evidence'] {
  const d: Partial<AndroidSnapshot['device']> =
    snapshot.platform === 'android' ? (snapshot.device ?? {}) : {};
  const scan: [string, string][] = [];
  const add = (k: string, v: unknown) => {
    if (v === undefined || v === null || v === '') return;
    scan.push([k, showHidden(v, 300)]);
  };
  add('Case reference', meta.caseRef);
  add('Examiner', meta.examiner);
  add(
    'Consent recorded',
    meta.consent === undefined ? undefined : meta.consent ? 'yes' : 'no (not recorded)',
  );
  add('Scan started', utcAndUk(snapshot.started));
  add('Scan finished', utcAndUk(snapshot.finished));
  add(
    'Scan complete',
    !snapshot.complete
      ? 'NO: the scan was cut short'
      : complete
        ? 'yes'
        : 'NO: some checks could not run or ran only in part',
  );
  add('Platform', snapshot.platform);
  if (snapshot.platform === 'ios') for (const [k, v] of iosDeviceRows(snapshot)) add(k, v);
  add('Serial number', d.serial);
  add('Manufacturer', d.manufacturer);
  add('Brand', d.brand);
  add('Model', d.model);
  add('Device', d.device);
  add('Android version', d.androidVersion);
  add('SDK level', d.sdk);
  add('Security patch', d.securityPatch);
  add('Build fingerprint', d.fingerprint);
  add('Build type / tags', [d.buildType, d.buildTags].filter(Boolean).join(' / '));
  add('Tool', `${meta.tool.name} ${meta.tool.version}`);
  add('Report written', utcAndUk(meta.generatedAt));
  add('Signing key fingerprint', meta.signedBy);
  if (meta.derivedFrom) {
    add('Derived from bundle', meta.derivedFrom.bundle);
    add('Source manifest SHA-256', meta.derivedFrom.manifestSha256);
    if (meta.derivedFrom.verified !== undefined) {
      add(
        'Source bundle verified when re-checked',
        meta.derivedFrom.verified
          ? 'yes'
          : 'NO: it had been changed or was signed by an unknown key',
      );
    }
  }
  if (meta.renderedFrom) {
    add('Re-rendered from bundle', meta.renderedFrom.bundle);
    add('Bundle verification', meta.renderedFrom.summary);
  }

  const intro = [
    'This section is for the police or a legal adviser.',
    'Please examine the phone before anything is removed from it. The person who installed ' +
      'spyware can often uninstall it remotely once they suspect it has been found, and the ' +
      'evidence on the phone would then be lost.',
    'spycheck only reads from the phone: it does not install, remove or change anything, and ' +
      'it does not read messages, photos, contacts or call logs. Every command output it ' +
      'received is kept unchanged in the raw/ folder of the evidence bundle, listed below with ' +
      'its SHA-256 hash. The bundle manifest is signed (Ed25519); check it with ' +
      '"spycheck verify <bundle>".',
    'Times are in UTC, with UK local time beside them where it helps. Times the phone ' +
      'recorded are also given as its own clock showed them.',
  ];
  if (meta.renderedFrom && !meta.renderedFrom.verified) {
    intro.unshift(
      `WARNING: the evidence bundle this report was made from did not verify: ${cleanText(
        meta.renderedFrom.summary,
        { maxLength: 600 },
      )}`,
    );
  }

  return {
    intro,
    scan,
    clock: clockRows(snapshot),
    fillIn: [
      { label: 'Exhibit reference' },
      { label: 'Place of examination' },
      {
        label: 'IMEI',
        hint:
          snapshot.platform === 'ios'
            ? 'Dial *#06# on the iPhone, or see Settings > General > About, and copy the number here.'
            : 'Dial *#06# on the phone and copy the number here. It cannot be read over USB debugging.',
      },
      {
        label: 'Examiner (name)',
        ...(meta.examiner
          ? { hint: `Recorded by spycheck: ${showHidden(meta.examiner, 120)}` }
          : {}),
      },
      { label: 'Signature' },
      { label: 'Date and time signed' },
    ],
    howToVerify: howToVerify(meta),
    rules: meta.rules.map((r) => ({
      id: cleanText(r.id, { maxLength: 120 }),
      version: cleanText(r.version, { maxLength: 60 }),
      sha256: cleanText(r.sha256, { maxLength: 80 }),
    })),
    findings: findings.map(toEvidenceFinding),
    notEvaluated: notEvaluated.map((n) => {
      const subjects = Array.isArray(n?.subjects) ? n.subjects : [];
      return {
        rule: showHidden(n?.rule, 120),
        pack: showHidden(n?.pack, 80),
        facts: (Array.isArray(n?.facts) ? n.facts : []).map((f) => showHidden(f, 40)).join(', '),
        subjects:
          subjects.length > 0 ? subjects.map((a) => showHidden(a, 200)).join(', ') : undefined,
      };
    }),
    raw: (snapshot.raw ?? []).map((r) => ({
      file: showHidden(r.file, 200),
      command: showHidden(r.command, 400),
      time: utc(r.time),
      bytes: r.bytes,
      sha256: cleanText(r.sha256, { maxLength: 80 }),
    })),
    warnings: [
      ...checkProblemLines(snapshot.checks ?? []),
      ...(snapshot.warnings ?? []).map((w) => showHidden(w, 400)),
    ],
  };
}

/** Each finding's install time and last uses, on the phone's clock, in UTC and UK time. */
function withTimes(
  evidence: ReportModel['evidence'],
  shown: ReportFinding[],
): ReportModel['evidence'] {
  const byId = new Map(shown.map((f) => [f.id, f]));
  for (const e of evidence.findings) {
    const f = byId.get(e.id);
    if (!f) continue;
    if (f.installed) e.details.push(['First installed', utcAndUk(f.installed.utc)]);
    for (const u of f.uses) {
      const when = u.utc ? `; ${utcAndUk(u.utc)}` : '; UTC not known (phone time zone not read)';
      e.details.push([
        `Last used: ${u.what.toLowerCase()}`,
        `${u.phoneTime} on the phone\u2019s clock${when} (${u.op})`,
      ]);
    }
  }
  return evidence;
}

/** "2026-11-30 09:11:37 UTC (30 November 2026, 09:11 (UK time, GMT))" */
function utcAndUk(iso: string | undefined): string {
  const uk = ukDateTime(iso);
  return uk ? `${utc(iso)}; ${uk}` : utc(iso);
}

/**
 * The phone's clock at the scan against this computer's. Times the phone recorded (installs, last
 * use) are on its clock: a court needs the offset. Read defensively: it comes from a bundle.
 */
function clockRows(snapshot: Snapshot): [string, string][] {
  const c = (snapshot as { clock?: unknown }).clock as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object') {
    return [['Phone clock', 'not read in this scan: compare the phone\u2019s clock by hand']];
  }
  const rows: [string, string][] = [];
  const phone = typeof c.phoneUtc === 'string' ? c.phoneUtc : undefined;
  const laptop = typeof c.laptopUtc === 'string' ? c.laptopUtc : undefined;
  if (phone) rows.push(['Phone clock at the scan', utcAndUk(phone)]);
  if (laptop) rows.push(['This computer\u2019s clock', utcAndUk(laptop)]);
  const drift = typeof c.driftSeconds === 'number' ? c.driftSeconds : undefined;
  if (drift !== undefined && Number.isFinite(drift)) {
    const within =
      typeof c.uncertaintySeconds === 'number' && Number.isFinite(c.uncertaintySeconds)
        ? ` (within ${Math.max(1, Math.ceil(c.uncertaintySeconds))} s)`
        : '';
    const abs = Math.abs(Math.round(drift));
    rows.push([
      'Difference',
      abs === 0
        ? `none: the clocks agree${within}`
        : `the phone is ${abs} s ${drift > 0 ? 'ahead of' : 'behind'} this computer${within}. ` +
          'Times the phone recorded (installs, last use) are on its clock.',
    ]);
  }
  if (typeof c.zone === 'string' && c.zone) rows.push(['Phone time zone', showHidden(c.zone, 60)]);
  return rows.length > 0 ? rows : [['Phone clock', 'not recorded']];
}

function howToVerify(meta: ReportMeta): string[] {
  const key = meta.signedBy ? showHidden(meta.signedBy, 120) : 'the fingerprint in Scan details';
  return [
    `With spycheck: spycheck verify BUNDLE --key "${key}" checks the signature and every file. ` +
      'On a computer that does not know this key it says so: compare the key with the ' +
      'fingerprint the organisation that ran the check published, by phone or in writing.',
    'Without spycheck: in the bundle folder, run "sha256sum -c SHA256SUMS" (macOS: ' +
      '"shasum -a 256 -c SHA256SUMS"). Every file must say OK. The same hashes are in ' +
      'manifest.json, which manifest.sig signs.',
    'A bundle handed over as a zip ("spycheck export") comes with NAME.zip.sha256: run ' +
      '"sha256sum -c NAME.zip.sha256" before unzipping.',
    'The bundle id in every page footer is the first 12 characters of the SHA-256 of ' +
      'snapshot.json.',
  ];
}

/** For police: each check that did not run fully, with the phone's own words where it gave any. */
function checkProblemLines(checks: CheckStatus[]): string[] {
  return checks
    .filter((c) => c && c.status !== 'ok')
    .map((c) => {
      const status = c.status === 'partial' ? 'ran in part' : 'did not run';
      const cause = c.cause ? ` (${c.cause})` : '';
      const said = c.detail ? ` The phone answered: "${showHidden(c.detail, 200)}"` : '';
      return `Check "${showHidden(c.id, 60)}" ${status}${cause}: ${showHidden(c.reason ?? '', 300)}.${said}`;
    });
}

/** An app that was on the phone before: where it was seen and each time, in UTC and as printed. */
function historyDetails(h: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = [];
  const sources = Array.isArray(h.sources) ? h.sources : [];
  const seenIn = sources.map((s) =>
    s === 'battery-history'
      ? 'the phone\u2019s battery history (dumpsys batterystats --history)'
      : s === 'kept-data'
        ? 'the app list: not installed for the main user, its data kept (pm list packages -u)'
        : String(s),
  );
  if (seenIn.length) rows.push(['Seen in', showHidden(seenIn.join('; '), 300)]);
  for (const [key, word] of [
    ['installed', 'Installed'],
    ['removed', 'Removed'],
  ] as const) {
    const t = h[key];
    if (!t || typeof t !== 'object') {
      rows.push([word, 'not recorded']);
      continue;
    }
    const v = t as Record<string, unknown>;
    if (typeof v.utc === 'string') rows.push([`${word} (UTC)`, utc(v.utc)]);
    if (typeof v.phoneTime === 'string') {
      rows.push([`${word} (the phone\u2019s own clock)`, showHidden(v.phoneTime, 60)]);
    }
    if (typeof v.printed === 'string') {
      rows.push([`${word} (as printed)`, showHidden(v.printed, 300)]);
    }
    if (typeof v.unknown === 'string') {
      rows.push([`${word}: time not known`, showHidden(v.unknown, 300)]);
    }
  }
  return rows;
}

function toEvidenceFinding(f: Finding): EvidenceFinding {
  const reasons = Array.isArray(f.evidence?.reasons) ? f.evidence.reasons : [];
  const details: [string, string][] = [];
  for (const [key, value] of Object.entries(f.evidence ?? {})) {
    // recent use is given below in words and on each clock (withTimes), not as JSON
    if (key === 'reasons' || key === 'lastUsed') continue;
    if (key === 'history' && value && typeof value === 'object') {
      details.push(...historyDetails(value as Record<string, unknown>));
      continue;
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    details.push([showHidden(key, 80), showHidden(text ?? '', 600)]);
  }
  const label = f.subject.label ? ` (label: "${showHidden(f.subject.label, 200)}")` : '';
  return {
    id: showHidden(f.id, 40),
    rule: showHidden(f.rule, 120),
    severity: f.severity,
    category: f.category,
    title: cleanText(f.title, { maxLength: 300 }),
    subject: `${f.subject.type} ${showHidden(f.subject.id, 200)}${label}`,
    reasons: reasons.map((r) => ({
      rule: showHidden(r.rule, 120),
      pack: `${showHidden(r.pack, 80)} ${showHidden(r.packVersion, 40)}`,
      matcher: showHidden(r.matcher, 60),
      value: showHidden(r.value, 300),
    })),
    details,
  };
}
