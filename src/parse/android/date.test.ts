import { describe, expect, it } from 'vitest';
import { parseDate } from './date.js';

describe('parseDate (date +%s.%N%z)', () => {
  it('reads toybox 0.7.4+: seconds, nanoseconds cut to ms, and the UTC offset', () => {
    expect(parseDate('1764494162.123456789+0100\n')).toEqual({
      parsed: { clock: { epochMs: 1_764_494_162_123, resolutionMs: 1, utcOffset: '+01:00' } },
      warnings: [],
    });
    expect(parseDate('1764494162.999999999-0330\r\n').parsed.clock).toEqual({
      epochMs: 1_764_494_162_999,
      resolutionMs: 1,
      utcOffset: '-03:30',
    });
  });

  it('reads older phones, whose date has no %N, as whole seconds', () => {
    // toybox before 0.7.4 and toolbox hand %N to bionic's strftime, which prints the letter
    expect(parseDate('1764494162.N+0000\n').parsed.clock).toEqual({
      epochMs: 1_764_494_162_000,
      resolutionMs: 1000,
      utcOffset: '+00:00',
    });
    expect(parseDate('1764494162.%N+0000').parsed.clock?.resolutionMs).toBe(1000);
    expect(parseDate('1764494162\n').parsed.clock).toEqual({
      epochMs: 1_764_494_162_000,
      resolutionMs: 1000,
    });
  });

  it('keeps a short fraction with its own resolution (milliseconds, tenths)', () => {
    expect(parseDate('1764494162.123+0000').parsed.clock).toMatchObject({
      epochMs: 1_764_494_162_123,
      resolutionMs: 1,
    });
    expect(parseDate('1764494162.5+0000').parsed.clock).toMatchObject({
      epochMs: 1_764_494_162_500,
      resolutionMs: 100,
    });
    expect(parseDate('1764494162.05+01:00').parsed.clock).toMatchObject({
      epochMs: 1_764_494_162_050,
      resolutionMs: 10,
      utcOffset: '+01:00',
    });
  });

  it('reads a phone whose clock was reset to 1970 as a real reading', () => {
    expect(parseDate('0.000000000+0000').parsed.clock?.epochMs).toBe(0);
    expect(parseDate('86400.N+0000').parsed.clock?.epochMs).toBe(86_400_000);
  });

  it('gives nothing, with a warning, for empty output', () => {
    for (const t of ['', '\n', '   \r\n']) {
      const r = parseDate(t);
      expect(r.parsed.clock).toBeUndefined();
      expect(r.warnings).toEqual(['The phone printed nothing for its clock']);
    }
  });

  it('gives nothing for junk, errors and the wrong format, and says so', () => {
    for (const t of [
      'Mon Nov 30 09:13:46 GMT 2026',
      'date: bad format',
      '2026-11-30T09:13:46+0000',
      '1764494162.12a+0000',
      '-1764494162+0000',
      '1764494162.1234567890+0000',
      '1764494162 +0000 extra',
      '\u0000\u001b[31m',
    ]) {
      const r = parseDate(t);
      expect(r.parsed.clock, t).toBeUndefined();
      expect(r.warnings.length, t).toBeGreaterThan(0);
    }
    const err = parseDate('/system/bin/sh: date: inaccessible or not found\n');
    expect(err.parsed).toEqual({});
    expect(err.warnings[0]).toMatch(/^Could not read the phone's clock/);
  });

  it('refuses huge numbers: past year 9999, or past what a number holds exactly', () => {
    for (const t of [
      '253402300800.0+0000',
      '99999999999999999999.123+0000',
      '9007199254740993+0000',
    ]) {
      const r = parseDate(t);
      expect(r.parsed.clock, t).toBeUndefined();
      expect(r.warnings.join(' '), t).toMatch(/not a possible time/);
    }
    expect(parseDate('253402300799.999+0000').parsed.clock?.epochMs).toBe(253_402_300_799_999);
  });

  it('drops an impossible UTC offset but keeps the time', () => {
    const r = parseDate('1764494162.000000000+2500');
    expect(r.parsed.clock).toEqual({ epochMs: 1_764_494_162_000, resolutionMs: 1 });
    expect(r.warnings[0]).toMatch(/UTC offset is not a possible one: "\+2500"/);
    expect(parseDate('1764494162.0+0075').parsed.clock?.utcOffset).toBeUndefined();
    expect(parseDate('1764494162.0+1400').parsed.clock?.utcOffset).toBe('+14:00');
    expect(parseDate('1764494162.0-1300').parsed.clock?.utcOffset).toBeUndefined();
  });

  it('uses the one reading among noise lines (a linker warning), and warns about the noise', () => {
    const r = parseDate(
      'WARNING: linker: /system/bin/toybox has text relocations.\n1764494162.N+0000\n',
    );
    expect(r.parsed.clock?.epochMs).toBe(1_764_494_162_000);
    expect(r.warnings).toEqual([
      'Unexpected output from date: "WARNING: linker: /system/bin/toybox has text relocations."',
    ]);
  });

  it('says at most a few noise lines one by one, then counts the rest', () => {
    const r = parseDate(`${'noise\n'.repeat(1000)}1764494162.N+0000\n`);
    expect(r.parsed.clock?.epochMs).toBe(1_764_494_162_000);
    expect(r.warnings).toHaveLength(6);
    expect(r.warnings[5]).toBe('995 more unexpected lines from date');
  });

  it('uses none when the phone printed two readings', () => {
    const r = parseDate('1764494162.1+0000\n1764494163.1+0000\n');
    expect(r.parsed.clock).toBeUndefined();
    expect(r.warnings).toContain('The phone printed more than one clock reading; none was used');
  });

  it('quotes hostile text safely in warnings', () => {
    const r = parseDate('\u202e1764494162\u202c\n');
    expect(r.parsed.clock).toBeUndefined();
    expect(r.warnings[0]).toContain('\\u202e');
  });
});
