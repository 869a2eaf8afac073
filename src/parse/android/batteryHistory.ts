import type { ParseResult } from '../../model/parse.js';
import { formatWall, utcToPhoneLocal, wallClock, wallToUtc } from './phoneTime.js';
import { detectShellError } from './shellError.js';
import { isPackageName, quote, splitLines } from './text.js';

export const PARSER = { id: 'android.batteryHistory', version: 1 } as const;

/**
 * One app install or removal the phone wrote in its battery history. The
 * history keeps these for a while after the app is gone, so they show apps
 * that were on the phone before (Android 9 to 15 print them the same way).
 */
export interface BatteryHistoryEvent {
  kind: 'installed' | 'removed';
  package: string;
  /**
   * The number printed before the name, as printed. Android puts the app's
   * version code there for installs (older versions print it like a user id,
   * "u3a21016") and 0 for removals. Kept for the evidence, not interpreted.
   */
  uid?: string;
  /** UTC ISO time, when it can be worked out (see timeUnknown otherwise) */
  time?: string;
  /** the phone's own clock at that moment, "yyyy-MM-dd HH:mm:ss" (the phone's local time) */
  phoneTime?: string;
  /** where the time comes from, as the phone printed it (for the evidence section) */
  printed: string;
  /** why no time could be worked out, in plain words */
  timeUnknown?: string;
}

export interface BatteryHistory {
  events: BatteryHistoryEvent[];
  /** history lines read; 0 means the phone printed no history at all */
  lines: number;
  /** UTC ISO time of the earliest clock reading in the history: how far back it reaches */
  from?: string;
}

export interface BatteryHistoryOptions {
  /** the phone's time zone (persist.sys.timezone); without it no UTC time is given */
  timeZone?: string;
}

/**
 * A history line: the time since the history began, right-aligned (TimeUtils.formatDuration:
 * "0", "+45ms", "+1h02m03s004ms", "+2d03h04m05s006ms"), the record size in brackets, then the
 * record. Verbose dumps add the state bits in hex; the bugreport copy is the same text.
 */
const LINE = /^\s*(0|[+-](?:\d+d)?(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?(?:\d+ms)?)\s+\((\d+)\)\s+(.*)$/;
const DURATION = /^([+-])(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
/** A clock reading, in the phone's local time as it was when the history was printed. */
const CLOCK = /^(RESET:)?TIME:\s*(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)\s*$/;
/**
 * The event is always the last thing on a record, after state changes and wake locks. An
 * app's wake lock name can contain quotes, so only a match at the very end is trusted.
 */
const EVENT = /(?:^|\s)[+-]?(pkginst|pkgunin)=([^\s:"]*):"([^"\n]*)"\s*$/;
const MENTIONS_EVENT = /\b(?:pkginst|pkgunin)=/;
/** Before this the phone's clock had not been set (a fresh boot reads 1970 or a build date). */
const EARLIEST_REAL_YEAR = 2012;
const MAX_EVENTS = 20_000;
const MAX_WARNINGS = 8;

interface Clock {
  /** history offset (ms) of the clock line */
  at: number;
  /** the clock line's offset and text as printed */
  printedAt: string;
  text: string;
  /** the phone's local wall clock at that line, as a Date whose UTC fields hold it */
  wall: Date;
  /** the same moment in UTC, when the zone is known */
  utcMs?: number;
}

function durationMs(raw: string): number | undefined {
  if (raw === '0') return 0;
  const m = /\d/.test(raw) ? DURATION.exec(raw) : null;
  if (!m) return undefined;
  const [d, h, mi, s, ms] = [m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const v = (((d * 24 + h) * 60 + mi) * 60 + s) * 1000 + ms;
  return Number.isSafeInteger(v) ? (m[1] === '-' ? -v : v) : undefined;
}

/**
 * `dumpsys batterystats --history` (or the history at the top of a full `dumpsys batterystats`,
 * as bugreports and androidqf hold it): the apps installed (`pkginst=`) and removed
 * (`pkgunin=`) while the history was kept, with the time of each.
 *
 * Times: each line says how long after the start of the history it was written. Clock lines
 * ("RESET:TIME: 2024-05-01-10-00-00", "TIME: …" when the clock was set) say what the phone's
 * clock read at that point; an event's time is the last clock reading plus the time since it.
 * After a restart ("START") the gap while the phone was off is not counted, so times are
 * unknown until the next clock line. Without the phone's time zone no UTC time is given.
 */
export function parseBatteryHistory(
  text: string,
  options: BatteryHistoryOptions = {},
): ParseResult<BatteryHistory> {
  const parsed: BatteryHistory = { events: [], lines: 0 };
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(w);
  };
  const err = detectShellError(text);
  if (err) return { parsed, warnings: [`Battery history not available: ${err}`] };

  const zone = options.timeZone || undefined;
  let clock: Clock | undefined;
  /** why there is no usable clock right now */
  let noClock = 'the battery history has no clock time before this point';
  let last = Number.NEGATIVE_INFINITY;
  let unreadable = 0;
  let outOfOrder = 0;
  let capped = false;

  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') continue;
    // a new block of history (a second dump, or the old history of early Android) starts over
    if (/^(?:Old )?[Bb]attery History\b/.test(t)) {
      clock = undefined;
      noClock = 'the battery history has no clock time before this point';
      last = Number.NEGATIVE_INFINITY;
      continue;
    }
    const m = LINE.exec(line);
    if (!m) {
      if (MENTIONS_EVENT.test(t)) {
        unreadable++;
        warn(`Unreadable battery history line ${quote(t)}`);
      }
      continue;
    }
    const offsetText = m[1]!;
    const at = durationMs(offsetText);
    const record = m[3]!.trim();
    if (at === undefined) {
      if (MENTIONS_EVENT.test(record)) {
        unreadable++;
        warn(`Unreadable battery history time ${quote(offsetText)}`);
      }
      continue;
    }
    parsed.lines++;
    if (at < last) {
      // lines going back in time: the text was cut and joined, or a line was smuggled in
      outOfOrder++;
      clock = undefined;
      noClock = 'the battery history lines are out of order here, so the time is not certain';
    }
    last = at;

    if (record === 'START' || record === 'SHUTDOWN') {
      clock = undefined;
      noClock = 'the phone was restarted before this and had not yet noted the time';
      continue;
    }
    if (record === '*OVERFLOW*') {
      warn(
        'The battery history was full, so the phone stopped keeping some of it: apps added or removed after that point may be missing.',
      );
      continue;
    }
    const c = CLOCK.exec(record);
    if (c) {
      clock = readClock(c, at, offsetText, record, zone);
      if (!clock) {
        noClock =
          Number(c[2]) < EARLIEST_REAL_YEAR
            ? "the phone's clock had not been set yet at this point"
            : 'the clock time printed before this could not be read';
      } else if (parsed.from === undefined && clock.utcMs !== undefined) {
        parsed.from = new Date(clock.utcMs).toISOString();
      }
      continue;
    }
    if (!MENTIONS_EVENT.test(record)) continue;
    const e = EVENT.exec(record);
    const pkg = e?.[3];
    if (!e || !pkg || !isPackageName(pkg)) {
      unreadable++;
      warn(`Unreadable app install or removal in the battery history: ${quote(record)}`);
      continue;
    }
    if (parsed.events.length >= MAX_EVENTS) {
      capped = true;
      continue;
    }
    parsed.events.push(
      eventAt(e[1] === 'pkginst' ? 'installed' : 'removed', pkg, e[2], at, offsetText, clock, {
        zone,
        noClock,
      }),
    );
  }

  if (parsed.lines === 0) {
    warn('The phone printed no battery history.');
  }
  if (outOfOrder > 0) {
    warn(
      `${outOfOrder} battery history line(s) go back in time; times after them are only given from the next clock line.`,
    );
  }
  if (capped) warn(`Only the first ${MAX_EVENTS} app installs and removals were read.`);
  if (unreadable > MAX_WARNINGS) warn(`${unreadable} battery history lines could not be read.`);
  return { parsed, warnings };
}

function readClock(
  c: RegExpExecArray,
  at: number,
  printedAt: string,
  text: string,
  zone: string | undefined,
): Clock | undefined {
  const parts = [c[2], c[3], c[4], c[5], c[6], c[7]].map(Number);
  if (parts[0]! < EARLIEST_REAL_YEAR) return undefined;
  const wall = wallClock(parts);
  if (!wall) return undefined;
  const utc = zone ? wallToUtc(wall.getTime(), zone) : undefined;
  return {
    at,
    printedAt,
    text,
    wall,
    ...(utc ? { utcMs: Date.parse(utc) } : {}),
  };
}

function eventAt(
  kind: BatteryHistoryEvent['kind'],
  pkg: string,
  uid: string | undefined,
  at: number,
  offsetText: string,
  clock: Clock | undefined,
  ctx: { zone: string | undefined; noClock: string },
): BatteryHistoryEvent {
  const event: BatteryHistoryEvent = {
    kind,
    package: pkg,
    ...(uid ? { uid } : {}),
    printed: clock
      ? `${offsetText} after "${clock.text}" (at ${clock.printedAt})`
      : `${offsetText} (no clock time before it)`,
  };
  if (!clock) return { ...event, timeUnknown: ctx.noClock };
  const since = at - clock.at;
  if (clock.utcMs !== undefined && ctx.zone) {
    const utcMs = clock.utcMs + since;
    event.time = new Date(utcMs).toISOString();
    const local = utcToPhoneLocal(utcMs, ctx.zone);
    if (local) event.phoneTime = local;
    return event;
  }
  // Without a usable time zone the phone's own clock reading is still known (a change to
  // or from summer time in between would move it by an hour); UTC is not.
  event.phoneTime = formatWall(new Date(clock.wall.getTime() + since));
  event.timeUnknown = ctx.zone
    ? `the phone's time zone ${quote(ctx.zone, 40)} is not one spycheck knows, so the UTC time could not be worked out`
    : "the phone's time zone is not known, so the UTC time could not be worked out";
  return event;
}
