/**
 * The phone's clock against this computer's, for the police annex: times read from a phone
 * (installs, last uses, history) are on the phone's own clock, so a court needs the offset.
 * Pure: the phone's reading comes from its answer, this computer's from the raw record of the
 * request that asked (sent at `time`, answered `durationMs` later).
 */
import type { AndroidCollection } from '../model/androidCollection.js';
import type { IosReading } from '../model/iosReading.js';
import type { RawOutput } from '../model/raw.js';
import type { PhoneClock } from '../model/snapshot.js';
import { parseDate } from '../parse/android/date.js';
import { classifyShellError } from '../parse/android/shellError.js';

/** 9999-12-31T23:59:59Z: the latest time a phone's clock is taken to show */
const MAX_MS = 253_402_300_799_000;
/** Longest round trip worth a reading: past this, the uncertainty says more than the drift */
const MAX_ROUND_TRIP_MS = 10 * 60_000;

export interface ClockReading {
  /** What the phone's clock said, ms since 1970 UTC */
  phoneMs: number;
  /** How finely the phone gave it, in ms (1000 for whole seconds) */
  resolutionMs: number;
  /** This computer's clock when the request was sent (UTC ISO) */
  sent: string;
  /** Until the whole answer was in, in ms */
  durationMs: number;
  zone?: string;
  utcOffset?: string;
  read: PhoneClock['read'];
}

/**
 * The phone answered somewhere within the round trip, so this computer's clock is taken at its
 * middle and half the round trip goes into the uncertainty, with the reading's own resolution
 * (the phone's clock was somewhere in [reading, reading + resolution)). Undefined when the
 * times cannot be a clock (out of range, not a number).
 */
export function phoneClock(r: ClockReading): PhoneClock | undefined {
  const sentMs = Date.parse(r.sent);
  if (!Number.isFinite(sentMs) || !Number.isFinite(r.phoneMs)) return undefined;
  if (r.phoneMs < 0 || r.phoneMs > MAX_MS) return undefined;
  if (!Number.isFinite(r.durationMs) || r.durationMs < 0 || r.durationMs > MAX_ROUND_TRIP_MS)
    return undefined;
  if (!Number.isFinite(r.resolutionMs) || r.resolutionMs < 0) return undefined;
  const phoneMs = Math.floor(r.phoneMs);
  const half = Math.ceil(r.durationMs / 2);
  const laptopMs = sentMs + half;
  return {
    phoneUtc: new Date(phoneMs).toISOString(),
    laptopUtc: new Date(laptopMs).toISOString(),
    // whole ms on both sides, so this is exactly phoneUtc - laptopUtc
    driftSeconds: (phoneMs - laptopMs) / 1000,
    uncertaintySeconds: (half + Math.ceil(r.resolutionMs)) / 1000,
    roundTripMs: r.durationMs,
    ...(r.zone ? { zone: r.zone } : {}),
    ...(r.utcOffset ? { utcOffset: r.utcOffset } : {}),
    read: r.read,
  };
}

/** A zone name as phones give them (Europe/London, America/Argentina/Buenos_Aires, UTC, GMT+01:00) */
function zoneName(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Za-z0-9_+:\-/]{1,64}$/.test(v) ? v : undefined;
}

/** The last raw record with this id (the answer the reading came from). */
function rawOf(raw: readonly RawOutput[], id: string, command?: string): RawOutput | undefined {
  for (let i = raw.length - 1; i >= 0; i--) {
    const r = raw[i]!;
    if (r.record.id === id && (command === undefined || r.record.command === command)) return r;
  }
  return undefined;
}

const NOT_PLACED = 'times the phone recorded cannot be compared with this computer\u2019s clock';

/**
 * Android: `date +%s.%N%z`, timed by its raw record. `zone` is the phone's
 * persist.sys.timezone. Nothing (and no warning) when the step was not asked (an import, a
 * phone lost before it: the scan already says so).
 */
export function androidClock(
  c: Pick<AndroidCollection, 'outputs' | 'raw'>,
  zone: string | undefined,
): { clock?: PhoneClock; warnings: string[] } {
  const out = c.outputs.clock;
  if (!out) return { warnings: [] };
  const err = classifyShellError(out.text);
  if (err) {
    return {
      warnings: [`The phone\u2019s clock could not be read (${err.reason}), so ${NOT_PLACED}.`],
    };
  }
  const parsed = parseDate(out.text);
  const warnings = parsed.warnings.slice(0, 5).map((w) => `${out.command}: ${w}`);
  const raw = rawOf(c.raw, 'clock', out.command);
  const read = parsed.parsed.clock;
  if (!read || !raw) return { warnings };
  const clock = phoneClock({
    phoneMs: read.epochMs,
    resolutionMs: read.resolutionMs,
    sent: raw.record.time,
    durationMs: raw.record.durationMs,
    ...(zoneName(zone) ? { zone: zoneName(zone) } : {}),
    ...(read.utcOffset ? { utcOffset: read.utcOffset } : {}),
    read: 'command',
  });
  if (!clock)
    warnings.push(`The phone\u2019s clock reading could not be placed, so ${NOT_PLACED}.`);
  return { ...(clock ? { clock } : {}), warnings };
}

/** Session value names the iPhone's clock is read from (src/device/ios SESSION_QUERIES). */
export const IOS_CLOCK_KEYS = {
  time: 'TimeIntervalSince1970',
  zone: 'TimeZone',
  offset: 'TimeZoneOffsetFromUTC',
} as const;

/** "+01:00" from seconds east of UTC; undefined when it cannot be a real offset. */
function offsetText(seconds: unknown): string | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  const minutes = Math.round(seconds / 60);
  if (minutes < -12 * 60 || minutes > 14 * 60) return undefined;
  const a = Math.abs(minutes);
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/**
 * iPhone: lockdown's TimeIntervalSince1970 (read in the session-values step), timed by the raw
 * record of its GetValue, with TimeZone and TimeZoneOffsetFromUTC. Nothing (and no warning)
 * when the session values were not read: the device-values check says why.
 */
export function iosClock(reading: Pick<IosReading, 'values' | 'raw' | 'problems'>): {
  clock?: PhoneClock;
  warnings: string[];
} {
  if (reading.problems.some((p) => p.step === 'session-values')) return { warnings: [] };
  const values = reading.values.session;
  const time = values[IOS_CLOCK_KEYS.time];
  if (time === undefined) {
    // said only when the phone was asked and had no value (an older reading never asked)
    const said = reading.values.missing.includes(IOS_CLOCK_KEYS.time);
    return { warnings: said ? [`The iPhone did not give its clock, so ${NOT_PLACED}.`] : [] };
  }
  const raw = rawOf(reading.raw, `lockdown-${IOS_CLOCK_KEYS.time}`);
  const ok = typeof time === 'number' && Number.isFinite(time);
  const clock =
    ok && raw
      ? phoneClock({
          phoneMs: Math.floor(time * 1000),
          // lockdown gives a real with a fraction; a whole number may be whole seconds only
          resolutionMs: Number.isInteger(time) ? 1000 : 1,
          sent: raw.record.time,
          durationMs: raw.record.durationMs,
          ...(zoneName(values[IOS_CLOCK_KEYS.zone])
            ? { zone: zoneName(values[IOS_CLOCK_KEYS.zone]) }
            : {}),
          ...(offsetText(values[IOS_CLOCK_KEYS.offset])
            ? { utcOffset: offsetText(values[IOS_CLOCK_KEYS.offset]) }
            : {}),
          read: 'lockdown',
        })
      : undefined;
  if (!clock) {
    return { warnings: [`The iPhone\u2019s clock reading could not be placed, so ${NOT_PLACED}.`] };
  }
  return { clock, warnings: [] };
}
