/**
 * An iPhone's App Privacy Report (Settings › Privacy & Security › App Privacy
 * Report › Save App Activity) → when each app last used location, the
 * microphone, the camera, contacts and photos, and which domains it contacted.
 * Pure: bytes in, `ParseResult` out; never throws; bounded.
 *
 * The file is NDJSON: one JSON object per line (Apple, "Inspecting app
 * activity data"). Shapes read, by iOS version:
 *
 * - iOS 15.2 and later (15.2 … 18): `{"type":"access","kind":"intervalBegin"|"intervalEnd",
 *   "category":"location"|"camera"|"microphone"|"contacts"|"photos"|"mediaLibrary"|
 *   "screenRecording","timeStamp":"2024-05-02T08:15:03.120+01:00","identifier":UUID,
 *   "accessor":{"identifier":"com.x","identifierType":"bundleID"|"path"}}`; a begin and its end
 *   share `identifier`. Screen recording adds `broadcaster` (who shares the screen, usually
 *   SpringBoard). Later versions add `outOfProcess: true` (the access went through a system
 *   picker: the person chose what to share) and `accessCount`. System programs are named by
 *   path (`identifierType: "path"`).
 *   `{"type":"networkActivity","bundleID":…,"domain":…,"hits":n,"timeStamp":latest,
 *   "firstTimeStamp":…,"domainType":1|2,"initiatedType":"AppInitiated"|"NonAppInitiated",
 *   "context":…,"domainOwner":…}`; later versions add `domainClassification` and
 *   `contextVerificationType`, which are not needed here.
 * - iOS 15.0–15.1 ("Record App Activity", `App_Privacy_Report_v4_…`): no `type`; a `stream`
 *   (`com.apple.privacy.accounting.stream.tcc` with `tccService: "kTCCServiceMicrophone"`…,
 *   or `….stream.location`), lower-case `timestamp`, `kind` also `"event"` (one moment), and
 *   `version`.
 *
 * What is kept, and what is not:
 * - Per accessor (bundle id, compared without case; the first spelling seen is kept) and per
 *   kind: the last use. That is the latest intervalEnd (or event); an intervalBegin whose end
 *   is not in the file was still going on when the report was saved: `ongoing: true`, at the
 *   time it began. Times are compared as instants (a week can cross a clock change).
 * - `phoneTime` is the local clock as printed ("yyyy-MM-dd HH:mm:ss"); `utc` comes from the
 *   printed offset (none printed: no `utc`, and a warning).
 * - Categories → kinds: location, microphone, camera, contacts, photos. `mediaLibrary` is the
 *   music and video library (not photos), `screenRecording` and iOS 15.0's other TCC services
 *   have no kind: they go to `otherUse` under the report's own name. An access through a system
 *   picker (`outOfProcess`) is the person choosing photos or contacts to share, not the app
 *   reading them: it goes to `otherUse` as "photos (picker)".
 * - Domains: only the app's own contacts (`AppInitiated`). Websites the person visited inside
 *   an app (`NonAppInitiated`) and `context` (the website that made a connection) are browsing
 *   history: counted, never kept. Per app at most MAX_DOMAINS_KEPT, most hits first.
 * - Hostile input: at most MAX_REPORT_BYTES and MAX_LINES; a line longer than MAX_LINE_CHARS is
 *   skipped unread; a line that is not JSON or not a record is counted, not fatal. Bundle ids
 *   and domains must look like bundle ids and domains, paths must have no control or invisible
 *   characters: anything else is skipped (never kept, never a key). Maps, not objects, while
 *   reading; names of Object.prototype's properties are refused as ids.
 */
import type { ParseResult } from '../../model/parse.js';
import type { ContactedDomain, LastUse, RecentUseKind } from '../../model/snapshot.js';
import { cleanText, hasHiddenCharacters } from '../../util/sanitize.js';
import { type Dict, get, isDict, quote, Warnings } from './values.js';

export const PARSER = { id: 'ios.app-privacy-report', version: 1 } as const;

/** Largest file read (a busy week is a few MB). */
export const MAX_REPORT_BYTES = 50 * 1024 * 1024;
/** Most lines read. */
export const MAX_LINES = 1_000_000;
/** Longest line read (a real record is a few hundred characters). */
export const MAX_LINE_CHARS = 64 * 1024;
/** Most apps and programs kept. */
export const MAX_ACCESSORS = 5000;
/** Most distinct domains counted per app while reading. */
export const MAX_DOMAINS_COUNTED = 2000;
/** Most domains kept per app. */
export const MAX_DOMAINS_KEPT = 50;
/** Most intervals waiting for their end at one time. */
export const MAX_OPEN_INTERVALS = 100_000;
/** Most `otherUse` categories kept per app. */
const MAX_OTHER_KINDS = 32;

export interface AppPrivacyReport {
  /** which shapes of record were seen */
  shapes: Array<'ios15.0-stream' | 'access' | 'network'>;
  /** UTC ISO time of the earliest and latest record */
  from?: string;
  to?: string;
  lines: number;
  accessRecords: number;
  networkRecords: number;
  /** network records of websites visited inside apps: counted, not kept */
  websiteRecords: number;
  /** lines that were not records spycheck reads (bad JSON, unknown shape, bad values) */
  skippedLines: number;
  /** accessor → kind → last use (keys: bundle ids as first spelled, or paths) */
  recentUse: Record<string, Partial<Record<RecentUseKind, LastUse>>>;
  /** accessor → the report's category → last use, for uses with no kind */
  otherUse: Record<string, Record<string, LastUse>>;
  /** bundle id → domains it contacted itself, most hits first */
  domains: Record<string, ContactedDomain[]>;
  /** every accessor and network app named, as first spelled (bundle ids, then paths) */
  apps: string[];
}

/** The report's categories that are a kind of recent use. */
const CATEGORY_KIND: Readonly<Record<string, RecentUseKind>> = {
  location: 'location',
  microphone: 'microphone',
  camera: 'camera',
  contacts: 'contacts',
  photos: 'photos',
};

/** iOS 15.0's TCC services → the category later versions print. */
const TCC_CATEGORY: Readonly<Record<string, string>> = {
  kTCCServiceMicrophone: 'microphone',
  kTCCServiceCamera: 'camera',
  kTCCServiceAddressBook: 'contacts',
  kTCCServicePhotos: 'photos',
  kTCCServicePhotosAdd: 'photos',
  kTCCServiceMediaLibrary: 'mediaLibrary',
  kTCCServiceLocation: 'location',
};

const STREAM_PREFIX = 'com.apple.privacy.accounting.stream.';

/** Names an id must never be: they are properties every plain object already has. */
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Apple's bundle id characters (letters, digits, hyphen, period), plus underscore seen in the wild. */
const BUNDLE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;
/** A host name or an IP address (v4 or v6), as the report prints it. */
const DOMAIN = /^[A-Za-z0-9_:[\]](?:[A-Za-z0-9._:[\]-]{0,252})$/;
const CATEGORY = /^[A-Za-z][A-Za-z0-9 ()._-]{0,63}$/;
const TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)?$/;

interface Moment {
  /** instant in ms, when the offset was printed */
  ms?: number;
  phoneTime: string;
}

interface Accessor {
  id: string;
  type: 'bundleID' | 'path';
}

interface Open {
  app: string;
  category: string;
  at: Moment;
}

interface DomainCount {
  domain: string;
  hits: number;
  lastMs?: number;
  tracker: boolean;
  owner?: string;
}

/** Reads an App Privacy Report. `data` is the file's bytes (UTF-8) or its text. */
export function parseAppPrivacyReport(data: Buffer | string): ParseResult<AppPrivacyReport> {
  const w = new Warnings();
  const out: AppPrivacyReport = {
    shapes: [],
    lines: 0,
    accessRecords: 0,
    networkRecords: 0,
    websiteRecords: 0,
    skippedLines: 0,
    recentUse: {},
    otherUse: {},
    domains: {},
    apps: [],
  };
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (bytes > MAX_REPORT_BYTES) {
    w.add(
      `The file is ${bytes} bytes, more than the ${MAX_REPORT_BYTES} an App Privacy Report can be; not read`,
    );
    return { parsed: out, warnings: w.done() };
  }
  let text = typeof data === 'string' ? data : data.toString('utf8');
  if (text.startsWith('\ufeff')) text = text.slice(1);

  const shapes = new Set<AppPrivacyReport['shapes'][number]>();
  /** lower-case id → the spelling first seen */
  const names = new Map<string, Accessor>();
  const uses = new Map<string, Map<string, { use: LastUse; ms?: number }>>();
  const open = new Map<string, Open>();
  const domains = new Map<string, Map<string, DomainCount>>();
  const domainsLeftOut = new Map<string, number>();
  let minMs = Number.POSITIVE_INFINITY;
  let maxMs = Number.NEGATIVE_INFINITY;
  let noOffset = 0;
  let tooManyApps = 0;
  const skip = (why: string) => {
    out.skippedLines++;
    w.add(why);
  };
  const seeTime = (m: Moment | undefined) => {
    if (m?.ms === undefined) return;
    if (m.ms < minMs) minMs = m.ms;
    if (m.ms > maxMs) maxMs = m.ms;
  };
  const time = (rec: Dict, ...keys: string[]): Moment | undefined => {
    for (const k of keys) {
      const v = get(rec, k);
      if (v === undefined) continue;
      const m = typeof v === 'string' ? moment(v) : undefined;
      if (m && m.ms === undefined) noOffset++;
      return m;
    }
    return undefined;
  };
  /** The accessor's key (first spelling), or undefined when there is no room for one more. */
  const nameOf = (a: Accessor): string | undefined => {
    const lower = a.type === 'path' ? a.id : a.id.toLowerCase();
    const known = names.get(lower);
    if (known) return known.id;
    if (names.size >= MAX_ACCESSORS) {
      tooManyApps++;
      return undefined;
    }
    names.set(lower, a);
    return a.id;
  };
  const record = (app: string, category: string, at: Moment, ongoing: boolean) => {
    let mine = uses.get(app);
    if (!mine) uses.set(app, (mine = new Map()));
    const seen = mine.get(category);
    if (seen && !later(at, ongoing, seen)) return;
    if (!seen && !kindOf(category) && mine.size >= MAX_OTHER_KINDS + 5) return;
    const use: LastUse = {
      phoneTime: at.phoneTime,
      ...(at.ms !== undefined ? { utc: new Date(at.ms).toISOString() } : {}),
      op: category,
      ...(ongoing ? { ongoing: true as const } : {}),
    };
    mine.set(category, { use, ...(at.ms !== undefined ? { ms: at.ms } : {}) });
  };

  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const length = end - start;
    const lineStart = start;
    start = end + 1;
    lineNo++;
    if (lineNo > MAX_LINES) {
      w.add(`The file has more than ${MAX_LINES} lines; read the first ${MAX_LINES}`);
      break;
    }
    if (length > MAX_LINE_CHARS) {
      skip(`Line ${lineNo} is ${length} characters long; skipped unread`);
      continue;
    }
    const line = text.slice(lineStart, end).trim();
    if (line === '') continue;
    out.lines++;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      skip(`Line ${lineNo} is not JSON; skipped`);
      continue;
    }
    if (!isDict(rec)) {
      skip(`Line ${lineNo} is not a JSON object; skipped`);
      continue;
    }
    const type = get(rec, 'type');
    const stream = get(rec, 'stream');

    if (type === 'networkActivity') {
      shapes.add('network');
      const appId = text255(get(rec, 'bundleID')) ?? accessorOf(get(rec, 'accessor'))?.id;
      const domain = domainOf(get(rec, 'domain'));
      if (!appId || !validBundleId(appId)) {
        skip(`Line ${lineNo}: a network record with no usable bundleID; skipped`);
        continue;
      }
      if (!domain) {
        skip(`Line ${lineNo}: a network record with no usable domain; skipped`);
        continue;
      }
      out.networkRecords++;
      const last = time(rec, 'timeStamp', 'timestamp');
      seeTime(last);
      seeTime(time(rec, 'firstTimeStamp'));
      const app = nameOf({ id: appId, type: 'bundleID' });
      if (get(rec, 'initiatedType') === 'NonAppInitiated') {
        // a website the person visited inside the app: browsing history, never kept
        out.websiteRecords++;
        continue;
      }
      if (!app) continue;
      let mine = domains.get(app);
      if (!mine) domains.set(app, (mine = new Map()));
      let d = mine.get(domain);
      if (!d) {
        if (mine.size >= MAX_DOMAINS_COUNTED) {
          domainsLeftOut.set(app, (domainsLeftOut.get(app) ?? 0) + 1);
          continue;
        }
        mine.set(domain, (d = { domain, hits: 0, tracker: false }));
      }
      d.hits += hitsOf(get(rec, 'hits'));
      if (last?.ms !== undefined && (d.lastMs === undefined || last.ms > d.lastMs)) {
        d.lastMs = last.ms;
      }
      if (get(rec, 'domainType') === 1) d.tracker = true;
      const owner = get(rec, 'domainOwner');
      if (d.owner === undefined && typeof owner === 'string' && owner.trim() !== '') {
        d.owner = cleanText(owner.slice(0, 400), { maxLength: 100 }) || undefined;
      }
      continue;
    }

    let category: string | undefined;
    if (type === 'access') {
      shapes.add('access');
      const c = get(rec, 'category');
      category = typeof c === 'string' && CATEGORY.test(c) ? c : undefined;
    } else if (type === undefined && typeof stream === 'string') {
      shapes.add('ios15.0-stream');
      category = streamCategory(stream, get(rec, 'tccService'));
    } else {
      skip(
        `Line ${lineNo}: a record of type ${typeof type === 'string' ? quote(type, 40) : 'unknown'}; skipped`,
      );
      continue;
    }
    if (!category) {
      skip(`Line ${lineNo}: an access record with no usable category; skipped`);
      continue;
    }
    const accessor = accessorOf(get(rec, 'accessor'));
    if (!accessor) {
      skip(`Line ${lineNo}: an access record with no usable accessor; skipped`);
      continue;
    }
    const kind = get(rec, 'kind');
    const at = time(rec, 'timeStamp', 'timestamp');
    if (!at) {
      skip(`Line ${lineNo}: an access record with no readable time; skipped`);
      continue;
    }
    if (kind !== 'intervalBegin' && kind !== 'intervalEnd' && kind !== 'event') {
      skip(
        `Line ${lineNo}: an access record of kind ${typeof kind === 'string' ? quote(kind, 40) : 'unknown'}; skipped`,
      );
      continue;
    }
    out.accessRecords++;
    seeTime(at);
    const app = nameOf(accessor);
    if (!app) continue;
    const picker = get(rec, 'outOfProcess') === true;
    const used = picker ? `${category} (picker)` : category;
    const idv = get(rec, 'identifier');
    // a begin and its end share the identifier (an end may not repeat outOfProcess)
    const interval =
      typeof idv === 'string' && idv.length > 0 && idv.length <= 100
        ? `${idv}\u0000${app}\u0000${category}`
        : undefined;
    if (kind === 'intervalBegin' && interval) {
      if (open.size < MAX_OPEN_INTERVALS) {
        open.set(interval, { app, category: used, at });
        continue;
      }
      w.add(
        `More than ${MAX_OPEN_INTERVALS} uses were open at once; later ones are read as moments`,
      );
    }
    let ended = used;
    if (kind === 'intervalEnd' && interval) {
      const begun = open.get(interval);
      if (begun) {
        ended = begun.category;
        open.delete(interval);
      }
    }
    record(app, ended, at, false);
  }

  // a use whose end is not in the file was still going on when the report was saved
  for (const o of open.values()) record(o.app, o.category, o.at, true);

  if (noOffset > 0) {
    w.add(
      `${noOffset} times in the file have no time zone; they are kept as printed, without a UTC time`,
    );
  }
  if (tooManyApps > 0) {
    w.add(
      `The file names more than ${MAX_ACCESSORS} apps; ${tooManyApps} records of others were not kept`,
    );
  }
  for (const [app, n] of domainsLeftOut) {
    w.add(
      `${quote(app)} contacted more than ${MAX_DOMAINS_COUNTED} domains; ${n} records were not counted`,
    );
  }

  out.shapes = [...shapes];
  if (Number.isFinite(minMs)) out.from = new Date(minMs).toISOString();
  if (Number.isFinite(maxMs)) out.to = new Date(maxMs).toISOString();
  const ordered = [...names.values()].sort(
    (a, b) => (a.type === b.type ? 0 : a.type === 'bundleID' ? -1 : 1) || a.id.localeCompare(b.id),
  );
  out.apps = ordered.map((a) => a.id);
  const recent: Array<[string, Partial<Record<RecentUseKind, LastUse>>]> = [];
  const other: Array<[string, Record<string, LastUse>]> = [];
  for (const app of out.apps) {
    const mine = uses.get(app);
    if (!mine) continue;
    const kinds: Array<[RecentUseKind, LastUse]> = [];
    const rest: Array<[string, LastUse]> = [];
    for (const [category, { use }] of [...mine].sort(([a], [b]) => a.localeCompare(b))) {
      const kind = kindOf(category);
      if (kind) kinds.push([kind, use]);
      else if (rest.length < MAX_OTHER_KINDS) rest.push([category, use]);
    }
    if (kinds.length) recent.push([app, Object.fromEntries(kinds)]);
    if (rest.length) other.push([app, Object.fromEntries(rest)]);
  }
  out.recentUse = Object.fromEntries(recent);
  out.otherUse = Object.fromEntries(other);
  const kept: Array<[string, ContactedDomain[]]> = [];
  for (const app of out.apps) {
    const mine = domains.get(app);
    if (!mine || mine.size === 0) continue;
    const list = [...mine.values()]
      .sort(
        (a, b) =>
          b.hits - a.hits || (b.lastMs ?? 0) - (a.lastMs ?? 0) || a.domain.localeCompare(b.domain),
      )
      .slice(0, MAX_DOMAINS_KEPT)
      .map(
        (d): ContactedDomain => ({
          domain: d.domain,
          hits: d.hits,
          ...(d.lastMs !== undefined ? { last: new Date(d.lastMs).toISOString() } : {}),
          ...(d.tracker ? { tracker: true as const } : {}),
          ...(d.owner ? { owner: d.owner } : {}),
        }),
      );
    kept.push([app, list]);
  }
  out.domains = Object.fromEntries(kept);
  if (out.accessRecords === 0 && out.networkRecords === 0) {
    w.add('No App Privacy Report records were found in the file');
  }
  return { parsed: out, warnings: w.done() };
}

/** A printed time → the local clock as printed, and the instant when the offset is printed. */
export function moment(printed: string): Moment | undefined {
  const m = TIME.exec(printed);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  const nums = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [Y, M, D, H, Mi, S] = nums;
  if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || Mi > 59 || S > 60) return undefined;
  const phoneTime = `${y}-${mo}-${d} ${h}:${mi}:${s}`;
  if (!zone) return { phoneTime };
  let offsetMin = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 18 || om > 59) return { phoneTime };
    offsetMin = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms =
    Date.UTC(Y, M - 1, D, H, Mi, S, frac ? Math.floor(Number(`0${frac}`) * 1000) : 0) -
    offsetMin * 60_000;
  return Number.isFinite(ms) ? { phoneTime, ms } : { phoneTime };
}

/** Is `a` (ongoing or not) a later last use than `seen`? An ongoing use beats an ended one. */
function later(a: Moment, ongoing: boolean, seen: { use: LastUse; ms?: number }): boolean {
  const seenOngoing = seen.use.ongoing === true;
  if (ongoing !== seenOngoing) return ongoing;
  if (a.ms !== undefined && seen.ms !== undefined) return a.ms > seen.ms;
  return a.phoneTime > seen.use.phoneTime;
}

function kindOf(category: string): RecentUseKind | undefined {
  return Object.hasOwn(CATEGORY_KIND, category) ? CATEGORY_KIND[category] : undefined;
}

function text255(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= 255 ? v : undefined;
}

function validBundleId(id: string): boolean {
  return BUNDLE_ID.test(id) && !RESERVED.has(id);
}

/** `{identifier, identifierType}` → a bundle id or a path, when it is a safe one. */
function accessorOf(v: unknown): Accessor | undefined {
  if (!isDict(v)) return undefined;
  const id = get(v, 'identifier');
  const type = get(v, 'identifierType');
  if (typeof id !== 'string' || id.length === 0) return undefined;
  const isPath = type === 'path' || (type !== 'bundleID' && id.startsWith('/'));
  if (isPath) {
    if (!id.startsWith('/') || id.length > 1024 || hasHiddenCharacters(id)) return undefined;
    return { id, type: 'path' };
  }
  return validBundleId(id) ? { id, type: 'bundleID' } : undefined;
}

function domainOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const d = v.trim().toLowerCase().replace(/\.$/, '');
  return d.length > 0 && d.length <= 253 && DOMAIN.test(d) && !RESERVED.has(d) ? d : undefined;
}

function hitsOf(v: unknown): number {
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? Math.min(n, 1e9) : 0;
}

/** iOS 15.0: `….stream.tcc` + `kTCCService…`, or `….stream.<category>`. */
function streamCategory(stream: string, tccService: unknown): string | undefined {
  if (!stream.startsWith(STREAM_PREFIX)) return undefined;
  const rest = stream.slice(STREAM_PREFIX.length);
  if (rest === 'tcc') {
    if (typeof tccService !== 'string') return undefined;
    const mapped = Object.hasOwn(TCC_CATEGORY, tccService) ? TCC_CATEGORY[tccService] : undefined;
    if (mapped) return mapped;
    const bare = tccService.replace(/^kTCCService/, '');
    return CATEGORY.test(bare) ? bare : undefined;
  }
  return CATEGORY.test(rest) ? rest : undefined;
}
