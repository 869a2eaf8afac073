import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.date', version: 1 } as const;

/** The phone's clock as `date +%s.%N%z` printed it. */
export interface PhoneClockReading {
  /** What the phone's clock said, in ms since 1970-01-01 UTC (a finer fraction is cut to ms) */
  epochMs: number;
  /**
   * How finely it was printed, in ms: 1000 when the phone printed whole seconds only (toybox
   * before 0.7.4, Android 8.0 and older, has no %N), 1 with a full fraction
   */
  resolutionMs: number;
  /** The phone's UTC offset at that moment, "+01:00", when it printed one */
  utcOffset?: string;
}

/**
 * Latest clock reading taken as real: 9999-12-31T23:59:59Z. A phone whose clock was reset reads
 * 1970 (0 is a real reading); anything past this is not a clock but garbage.
 */
const MAX_EPOCH_SECONDS = 253_402_300_799;

/**
 * `1764494162.123456789+0000` (toybox 0.7.4+), `1764494162.N+0000` (older toybox and toolbox:
 * bionic's strftime prints an unknown `%N` as `N`), `1764494162` (`date +%s`); a fraction of
 * fewer digits, a `%N` left as is, and `+01:00` are read too.
 */
const LINE = /^(\d{1,20})(?:\.(\d{1,9}|%?N))?(?:\s?([+-])(\d{2}):?(\d{2}))?$/;

/** What the answer held: `clock` is absent when it was not a clock reading (warnings say why). */
export interface PhoneDate {
  clock?: PhoneClockReading;
}

/** Noise lines worth a warning each; more are counted in one */
const MAX_NOISE_WARNINGS = 5;

/** `date +%s.%N%z`: the phone's clock, or no clock (with a warning) when the answer is not one. */
export function parseDate(text: string): ParseResult<PhoneDate> {
  const err = detectShellError(text);
  if (err) return { parsed: {}, warnings: [`Could not read the phone's clock: ${err}`] };
  const warnings: string[] = [];
  const found: RegExpExecArray[] = [];
  let noise = 0;
  for (const line of splitLines(text)) {
    const t = line.trim();
    if (t === '') continue;
    const m = LINE.exec(t);
    if (m) found.push(m);
    // a linker warning or similar noise before the answer: said, and the answer still used
    else if (++noise <= MAX_NOISE_WARNINGS)
      warnings.push(`Unexpected output from date: ${quote(t)}`);
  }
  if (noise > MAX_NOISE_WARNINGS)
    warnings.push(`${noise - MAX_NOISE_WARNINGS} more unexpected lines from date`);
  if (found.length === 0) {
    warnings.push(
      text.trim() === ''
        ? 'The phone printed nothing for its clock'
        : 'The phone printed no clock reading spycheck understands',
    );
    return { parsed: {}, warnings };
  }
  if (found.length > 1) {
    warnings.push('The phone printed more than one clock reading; none was used');
    return { parsed: {}, warnings };
  }
  const [, secText, frac, sign, hh, mm] = found[0]!;
  const seconds = Number(secText);
  if (!Number.isSafeInteger(seconds) || seconds > MAX_EPOCH_SECONDS) {
    warnings.push(`The phone's clock reading is not a possible time: ${quote(secText!)}`);
    return { parsed: {}, warnings };
  }
  let epochMs = seconds * 1000;
  let resolutionMs = 1000;
  if (frac && /^\d+$/.test(frac)) {
    epochMs += Number(frac.padEnd(3, '0').slice(0, 3));
    resolutionMs = frac.length >= 3 ? 1 : 10 ** (3 - frac.length);
  }
  const reading: PhoneClockReading = { epochMs, resolutionMs };
  if (sign && hh && mm) {
    const h = Number(hh);
    const min = Number(mm);
    // real offsets run from -12:00 to +14:00
    if (min < 60 && (sign === '+' ? h <= 14 : h <= 12)) reading.utcOffset = `${sign}${hh}:${mm}`;
    else
      warnings.push(`The phone's UTC offset is not a possible one: ${quote(`${sign}${hh}${mm}`)}`);
  }
  return { parsed: { clock: reading }, warnings };
}
