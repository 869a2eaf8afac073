/**
 * An App Privacy Report the phone's owner saved (see parse/ios/appPrivacyReport.ts) → the
 * iOS Snapshot: merged into an iPhone bundle's snapshot, or, given alone, a snapshot that
 * says plainly that the phone itself was not read. Pure.
 *
 * What goes in:
 * - `recentUse`: bundle id → kind → last use, keyed by the phone's own spelling of the id when
 *   the app is on its app list (reports and phones can disagree on case); programs iOS names by
 *   path keep their path as key.
 * - `privacyReport`: the file's name and SHA-256, the time span, counts, the uses with no kind
 *   (`otherUse`: screen recording, media library, system pickers…), the domains each app
 *   contacted itself (`domains`), and the report's apps that are not on the app list
 *   (`notOnAppList`).
 * - a check `app-privacy-report`; the parser in `parsers`; the file itself in `raw`.
 */
import { createHash } from 'node:crypto';
import type { CheckStatus } from '../model/check.js';
import type { RawOutput, RawRecord } from '../model/raw.js';
import type { IosPrivacyReport, IosSnapshot } from '../model/snapshot.js';
import { SNAPSHOT_SCHEMA } from '../model/snapshot.js';
import { type AppPrivacyReport, PARSER } from '../parse/ios/appPrivacyReport.js';
import { unreadDeviceState } from '../parse/ios/lockdownValues.js';

export const PRIVACY_REPORT_CHECK = 'app-privacy-report';
const CHECK_TITLE =
  'When apps last used location, the microphone, the camera, contacts and photos, and the ' +
  'domains they contacted (App Privacy Report saved on the phone: its last 7 days)';
/** What raw/index.json says the file is. */
export const PRIVACY_REPORT_COMMAND =
  'App Privacy Report exported from the phone (Settings › Privacy & Security › App Privacy ' +
  'Report › Save App Activity) and handed to spycheck as a file';
/** Most report apps named as "not on the app list". */
const MAX_NOT_ON_LIST = 1000;
/** Folders where iOS keeps its own programs; a program elsewhere is worth a word. */
const SYSTEM_FOLDERS = [
  '/System/',
  '/usr/',
  '/sbin/',
  '/bin/',
  '/Applications/',
  '/private/var/containers/Bundle/Application/',
  '/Developer/',
];

export interface PrivacyReportFile {
  /** the file's name as given (no folder) */
  name: string;
  data: Buffer;
  sha256: string;
  /** when spycheck read it */
  readAt: Date;
}

/**
 * The report as it is kept in raw/: every line exactly as saved, except the websites the person
 * visited inside apps (`NonAppInitiated` network records, and any record naming the website
 * that made a connection in `context`). Those are browsing history, which spycheck never
 * collects; the file's own SHA-256 is recorded, so the kept copy can be matched to the file
 * still on the phone or laptop.
 */
export function withoutBrowsing(data: Buffer): { data: Buffer; leftOut: number } {
  const text = data.toString('utf8');
  const kept: string[] = [];
  let leftOut = 0;
  // split after each newline, so every kept line keeps its own ending byte for byte
  for (const line of text.split(/(?<=\n)/)) {
    if (isBrowsing(line)) leftOut++;
    else kept.push(line);
  }
  return leftOut === 0 ? { data, leftOut } : { data: Buffer.from(kept.join(''), 'utf8'), leftOut };
}

function isBrowsing(line: string): boolean {
  if (!line.includes('networkActivity')) return false;
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return false;
  }
  if (!rec || typeof rec !== 'object') return false;
  const r = rec as Record<string, unknown>;
  if (r.type !== 'networkActivity') return false;
  return (
    r.initiatedType === 'NonAppInitiated' || (typeof r.context === 'string' && r.context !== '')
  );
}

/** The file as raw evidence: what it is, when it was read, and its lines but for browsing. */
export function privacyReportRaw(file: PrivacyReportFile): RawOutput {
  const safeName = file.name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 80);
  const kept = withoutBrowsing(file.data);
  const leftOut =
    kept.leftOut > 0
      ? ` (${kept.leftOut} line${kept.leftOut === 1 ? '' : 's'} naming websites visited inside apps left out: browsing history is never kept; the file as saved has SHA-256 ${file.sha256})`
      : '';
  const record: RawRecord = {
    id: 'ios.app-privacy-report',
    command: `${PRIVACY_REPORT_COMMAND}: ${file.name.slice(0, 200)}${leftOut}`,
    file: `app-privacy-report-${file.sha256.slice(0, 12)}${safeName ? `-${safeName}` : ''}`.slice(
      0,
      120,
    ),
    time: file.readAt.toISOString(),
    durationMs: 0,
    bytes: kept.data.length,
    sha256: kept.leftOut > 0 ? createHash('sha256').update(kept.data).digest('hex') : file.sha256,
  };
  return { record, data: kept.data };
}

/**
 * Adds the report to an iPhone bundle's snapshot (a copy; the input is not changed). Returns
 * the new snapshot and the raw output to add, plus warnings to print.
 */
export function mergePrivacyReport(
  snapshot: IosSnapshot,
  report: AppPrivacyReport,
  reportWarnings: string[],
  file: PrivacyReportFile,
): { snapshot: IosSnapshot; raw?: RawOutput; warnings: string[] } {
  const warnings: string[] = [];
  const appsCheck = snapshot.checks.find((c) => c.id === 'apps');
  const appListRead = appsCheck !== undefined && appsCheck.status !== 'not-checked';
  const onPhone = new Map<string, string>();
  for (const a of snapshot.apps) onPhone.set(a.id.toLowerCase(), a.id);
  const keyOf = (id: string) => (id.startsWith('/') ? id : (onPhone.get(id.toLowerCase()) ?? id));

  const notOnAppList = appListRead
    ? report.apps.filter((id) => !id.startsWith('/') && !onPhone.has(id.toLowerCase()))
    : [];
  if (notOnAppList.length > 0) {
    const shown = notOnAppList.slice(0, 20).join(', ');
    const more = notOnAppList.length > 20 ? ` and ${notOnAppList.length - 20} more` : '';
    warnings.push(
      `${notOnAppList.length} app${notOnAppList.length === 1 ? '' : 's'} in the App Privacy Report ${notOnAppList.length === 1 ? 'is' : 'are'} not on the phone's app list (removed since, or part of iOS): ${shown}${more}. Their uses are kept.`,
    );
  }
  if (!appListRead) {
    warnings.push(
      "The phone's app list was not read in this bundle, so spycheck cannot tell which apps in the App Privacy Report are on the phone.",
    );
  }
  if (snapshot.privacyReport) {
    warnings.push(
      `This bundle already held the App Privacy Report ${snapshot.privacyReport.file}; it is replaced by ${file.name}.`,
    );
  }
  warnings.push(...programWarnings(report));

  const privacyReport = reportSummary(report, file, keyOf);
  if (notOnAppList.length > 0) {
    privacyReport.notOnAppList = notOnAppList.slice(0, MAX_NOT_ON_LIST);
  }
  const raw = privacyReportRaw(file);
  const alreadyKept = snapshot.raw.some(
    (r) => r.sha256 === raw.record.sha256 && r.id === raw.record.id,
  );
  const out: IosSnapshot = {
    ...snapshot,
    recentUse: rekey(report.recentUse, keyOf),
    privacyReport,
    checks: [...snapshot.checks.filter((c) => c.id !== PRIVACY_REPORT_CHECK), reportCheck(report)],
    warnings: [
      ...snapshot.warnings,
      describe(report, file),
      ...reportWarnings.map((w) => `App Privacy Report: ${w}`),
      ...warnings,
    ],
    parsers: [...snapshot.parsers.filter((p) => p.id !== PARSER.id), { ...PARSER }],
    raw: alreadyKept ? snapshot.raw : [...snapshot.raw, raw.record],
  };
  return { snapshot: out, ...(alreadyKept ? {} : { raw }), warnings };
}

/** Why each phone check was not made when only the report was given. */
const NOT_READ =
  'the phone itself was not read: spycheck was given only an App Privacy Report saved on it';
const UNREAD_CHECKS: Array<[string, string]> = [
  [
    'device-values',
    'Basic facts about the iPhone (model, iOS version, passcode, Find My, supervision)',
  ],
  ['apps', 'The list of apps, and who signed each one (App Store, a company or a developer)'],
  ['profiles', 'Configuration profiles and device management'],
  ['home-screen', 'Which apps have an icon on the home screen'],
];

/**
 * A snapshot made from the report alone: no app list, no profiles, no device values — each
 * check says the phone was not read, so the result is never more reassuring than what was seen.
 */
export function snapshotFromPrivacyReport(
  report: AppPrivacyReport,
  reportWarnings: string[],
  file: PrivacyReportFile,
  tool: { name: string; version: string },
): { snapshot: IosSnapshot; raw: RawOutput } {
  const raw = privacyReportRaw(file);
  const at = file.readAt.toISOString();
  const checks: CheckStatus[] = UNREAD_CHECKS.map(([id, title]) => ({
    id,
    title,
    status: 'not-checked',
    reason: NOT_READ,
    cause: 'not-in-import',
  }));
  checks.push(reportCheck(report));
  const snapshot: IosSnapshot = {
    schema: SNAPSHOT_SCHEMA,
    platform: 'ios',
    tool,
    started: at,
    finished: at,
    complete: false,
    device: {
      serial: 'not-read',
      udid: '',
      manufacturer: 'Apple',
      model: 'iPhone (not read: only its App Privacy Report)',
      ...unreadDeviceState(),
    },
    apps: [],
    homeScreenRead: false,
    profiles: [],
    jailbreak: { jailbreak: false, trollStore: false, indicators: [], appsChecked: false },
    recentUse: rekey(report.recentUse, (id) => id),
    privacyReport: reportSummary(report, file, (id) => id),
    checks,
    warnings: [
      `The phone itself was not read. This check was made only from an App Privacy Report saved on the phone (${file.name}): it says when apps used location, the microphone, the camera, contacts and photos, but not which apps are installed, who made them, or how the phone is set up. Connect the iPhone and run "spycheck scan" to check the phone itself.`,
      describe(report, file),
      ...reportWarnings.map((w) => `App Privacy Report: ${w}`),
      ...programWarnings(report),
    ],
    parsers: [{ ...PARSER }],
    raw: [raw.record],
  };
  return { snapshot, raw };
}

function describe(report: AppPrivacyReport, file: PrivacyReportFile): string {
  const span = report.from && report.to ? `, covering ${report.from} to ${report.to} (UTC)` : '';
  return (
    `App Privacy Report ${file.name} (SHA-256 ${file.sha256}) added${span}: saved on the phone and ` +
    'handed over, not read from the phone by spycheck. Websites visited inside apps are in the ' +
    'file (kept as evidence in raw/) but not shown.'
  );
}

function reportCheck(report: AppPrivacyReport): CheckStatus {
  const check: CheckStatus = { id: PRIVACY_REPORT_CHECK, title: CHECK_TITLE, status: 'ok' };
  if (report.skippedLines > 0) {
    check.status = 'partial';
    check.reason = `${report.skippedLines} line${report.skippedLines === 1 ? '' : 's'} of the App Privacy Report could not be read`;
    check.cause = 'garbled';
  }
  return check;
}

function reportSummary(
  report: AppPrivacyReport,
  file: PrivacyReportFile,
  keyOf: (id: string) => string,
): IosPrivacyReport {
  const otherUse = rekey(report.otherUse, keyOf);
  const domains = rekey(report.domains, keyOf);
  return {
    file: file.name,
    sha256: file.sha256,
    ...(report.from ? { from: report.from } : {}),
    ...(report.to ? { to: report.to } : {}),
    accesses: report.accessRecords,
    networkRecords: report.networkRecords,
    apps: report.apps.length,
    skippedLines: report.skippedLines,
    ...(Object.keys(otherUse).length ? { otherUse } : {}),
    ...(Object.keys(domains).length ? { domains } : {}),
  };
}

/** Same values under the phone's spelling of each id (Object.fromEntries: no prototype setter). */
function rekey<T>(byApp: Record<string, T>, keyOf: (id: string) => string): Record<string, T> {
  return Object.fromEntries(Object.entries(byApp).map(([id, v]) => [keyOf(id), v]));
}

/** Programs outside iOS's own folders that used something (as on a jailbroken phone). */
function programWarnings(report: AppPrivacyReport): string[] {
  const odd = report.apps.filter(
    (id) => id.startsWith('/') && !SYSTEM_FOLDERS.some((f) => id.startsWith(f)),
  );
  if (odd.length === 0) return [];
  const uses = (id: string) =>
    Object.keys({
      ...(report.recentUse[id] ?? {}),
      ...(report.otherUse[id] ?? {}),
    }).join(', ');
  return odd
    .slice(0, 20)
    .map(
      (id) =>
        `A program outside iOS's own folders used ${uses(id) || 'something'} (as on a jailbroken phone): ${id}`,
    );
}
