import { describe, expect, it } from 'vitest';
import type { AndroidCollection } from '../model/androidCollection.js';
import type { IosReading } from '../model/iosReading.js';
import type { RawOutput } from '../model/raw.js';
import { androidClock, iosClock, phoneClock } from './clock.js';

const SENT = '2026-11-30T10:00:00.000Z';
const sentMs = Date.parse(SENT);

function raw(id: string, command: string, time = SENT, durationMs = 40): RawOutput {
  return {
    record: {
      id,
      command,
      file: `001-${id}.txt`,
      time,
      durationMs,
      bytes: 0,
      sha256: '0'.repeat(64),
    },
    data: Buffer.alloc(0),
  };
}

describe('phoneClock: drift and its uncertainty', () => {
  it('a phone 3 minutes fast: positive drift from the middle of the round trip', () => {
    const c = phoneClock({
      phoneMs: sentMs + 20 + 192_000,
      resolutionMs: 1,
      sent: SENT,
      durationMs: 40,
      zone: 'Europe/London',
      utcOffset: '+00:00',
      read: 'command',
    });
    expect(c).toEqual({
      phoneUtc: '2026-11-30T10:03:12.020Z',
      laptopUtc: '2026-11-30T10:00:00.020Z',
      driftSeconds: 192,
      // half of 40 ms, plus 1 ms of resolution
      uncertaintySeconds: 0.021,
      roundTripMs: 40,
      zone: 'Europe/London',
      utcOffset: '+00:00',
      read: 'command',
    });
  });

  it('a phone behind: negative drift; drift is exactly phoneUtc - laptopUtc', () => {
    const c = phoneClock({
      phoneMs: sentMs - 95_500,
      resolutionMs: 1,
      sent: SENT,
      durationMs: 7,
      read: 'lockdown',
    })!;
    expect(c.driftSeconds).toBe(-95.504);
    expect((Date.parse(c.phoneUtc) - Date.parse(c.laptopUtc)) / 1000).toBe(c.driftSeconds);
    // an odd round trip: its middle rounded up, and the uncertainty covers the rounding
    expect(c.laptopUtc).toBe('2026-11-30T10:00:00.004Z');
    expect(c.uncertaintySeconds).toBe(0.005);
    expect(c).not.toHaveProperty('zone');
  });

  it('whole seconds only: the uncertainty grows by a second, and the true drift stays inside', () => {
    // the phone's clock was really 192.7 s ahead; it printed whole seconds
    const trueDrift = 192_700;
    const answeredAt = sentMs + 300; // somewhere in a 500 ms round trip
    const printed = Math.floor((answeredAt + trueDrift) / 1000) * 1000;
    const c = phoneClock({
      phoneMs: printed,
      resolutionMs: 1000,
      sent: SENT,
      durationMs: 500,
      read: 'command',
    })!;
    expect(c.uncertaintySeconds).toBe(1.25);
    expect(Math.abs(trueDrift / 1000 - c.driftSeconds)).toBeLessThanOrEqual(c.uncertaintySeconds);
  });

  it('the true drift is always within the uncertainty, wherever in the round trip the phone read', () => {
    for (const duration of [0, 1, 9, 250, 3000]) {
      for (const at of [0, 0.25, 0.5, 1]) {
        for (const resolution of [1, 1000]) {
          const trueDrift = -61_234;
          const read = sentMs + Math.round(duration * at);
          const printed = Math.floor((read + trueDrift) / resolution) * resolution;
          const c = phoneClock({
            phoneMs: printed,
            resolutionMs: resolution,
            sent: SENT,
            durationMs: duration,
            read: 'command',
          })!;
          expect(
            Math.abs(trueDrift / 1000 - c.driftSeconds),
            `${duration} ${at} ${resolution}`,
          ).toBeLessThanOrEqual(c.uncertaintySeconds + 1e-9);
        }
      }
    }
  });

  it('gives nothing for times that cannot be a clock', () => {
    const base = { resolutionMs: 1, sent: SENT, durationMs: 5, read: 'command' as const };
    expect(phoneClock({ ...base, phoneMs: Number.NaN })).toBeUndefined();
    expect(phoneClock({ ...base, phoneMs: -1 })).toBeUndefined();
    expect(phoneClock({ ...base, phoneMs: 1e20 })).toBeUndefined();
    expect(phoneClock({ ...base, phoneMs: sentMs, sent: 'yesterday' })).toBeUndefined();
    expect(phoneClock({ ...base, phoneMs: sentMs, durationMs: -1 })).toBeUndefined();
    expect(phoneClock({ ...base, phoneMs: sentMs, durationMs: 3_600_000 })).toBeUndefined();
    // a phone whose clock was reset to 1970 is a reading, with a huge drift
    expect(phoneClock({ ...base, phoneMs: 0 })?.phoneUtc).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('androidClock: the date step, timed by its raw record', () => {
  const command = 'date +%s.%N%z';
  const collection = (text: string | undefined, raws: RawOutput[] = [raw('clock', command)]) =>
    ({
      outputs: text === undefined ? {} : { clock: { command, text } },
      raw: raws,
    }) as Pick<AndroidCollection, 'outputs' | 'raw'>;

  it('reads the phone clock with its zone and offset', () => {
    const phone = sentMs + 20 + 192_000;
    const text = `${Math.floor(phone / 1000)}.${String(phone % 1000).padStart(3, '0')}000000+0000\n`;
    const r = androidClock(collection(text), 'Europe/London');
    expect(r.warnings).toEqual([]);
    expect(r.clock).toMatchObject({
      driftSeconds: 192,
      uncertaintySeconds: 0.021,
      zone: 'Europe/London',
      utcOffset: '+00:00',
      read: 'command',
    });
  });

  it('says nothing when the step was never asked (an import, a phone lost before it)', () => {
    expect(androidClock(collection(undefined), 'UTC')).toEqual({ warnings: [] });
  });

  it('warns, in plain words, when the phone refused or printed junk', () => {
    const refused = androidClock(
      collection('/system/bin/sh: date: inaccessible or not found\n'),
      'UTC',
    );
    expect(refused.clock).toBeUndefined();
    expect(refused.warnings[0]).toMatch(/clock could not be read \(the phone does not have/);
    const junk = androidClock(collection('garbage\n'), 'UTC');
    expect(junk.clock).toBeUndefined();
    expect(junk.warnings).toContain(
      'date +%s.%N%z: The phone printed no clock reading spycheck understands',
    );
  });

  it('needs the raw record of the same command to time the reading', () => {
    expect(androidClock(collection('1764494162.N+0000', []), 'UTC').clock).toBeUndefined();
    expect(
      androidClock(collection('1764494162.N+0000', [raw('clock', 'date +%s')]), 'UTC').clock,
    ).toBeUndefined();
  });

  it('leaves out a zone name that is not one', () => {
    const r = androidClock(collection('1764494162.N+0000'), 'Europe/London; rm -rf /');
    expect(r.clock).toBeDefined();
    expect(r.clock).not.toHaveProperty('zone');
  });
});

describe('iosClock: lockdown TimeIntervalSince1970, timed by its GetValue', () => {
  const reading = (session: Record<string, unknown>, extra: Partial<IosReading> = {}) =>
    ({
      values: { public: {}, session, missing: [] },
      raw: [raw('lockdown-TimeIntervalSince1970', 'lockdownd GetValue TimeIntervalSince1970')],
      problems: [],
      ...extra,
    }) as Pick<IosReading, 'values' | 'raw' | 'problems'>;

  it('reads the clock with its zone and offset (seconds east of UTC)', () => {
    const r = iosClock(
      reading({
        TimeIntervalSince1970: (sentMs + 20 - 95_000) / 1000 + 0.0004,
        TimeZone: 'Europe/London',
        TimeZoneOffsetFromUTC: 3600.0,
      }),
    );
    expect(r.warnings).toEqual([]);
    expect(r.clock).toEqual({
      phoneUtc: '2026-11-30T09:58:25.020Z',
      laptopUtc: '2026-11-30T10:00:00.020Z',
      driftSeconds: -95,
      uncertaintySeconds: 0.021,
      roundTripMs: 40,
      zone: 'Europe/London',
      utcOffset: '+01:00',
      read: 'lockdown',
    });
  });

  it('a whole number is taken as whole seconds; odd zone values are left out', () => {
    const r = iosClock(
      reading({ TimeIntervalSince1970: 1_764_494_162, TimeZone: 42, TimeZoneOffsetFromUTC: 1e9 }),
    );
    expect(r.clock?.uncertaintySeconds).toBe(1.02);
    expect(r.clock).not.toHaveProperty('zone');
    expect(r.clock).not.toHaveProperty('utcOffset');
  });

  it('says so when the phone had no clock value or gave a wrong type', () => {
    const missing = iosClock(
      reading({}, { values: { public: {}, session: {}, missing: ['TimeIntervalSince1970'] } }),
    );
    expect(missing.clock).toBeUndefined();
    expect(missing.warnings[0]).toMatch(/did not give its clock/);
    const wrong = iosClock(reading({ TimeIntervalSince1970: 'soon' }));
    expect(wrong.clock).toBeUndefined();
    expect(wrong.warnings[0]).toMatch(/could not be placed/);
  });

  it('says nothing when the session values were not read, or never asked for the clock', () => {
    expect(
      iosClock(
        reading(
          { TimeIntervalSince1970: 1 },
          { problems: [{ step: 'session-values', kind: 'locked', message: 'locked' }] },
        ),
      ),
    ).toEqual({ warnings: [] });
    expect(iosClock(reading({ PasswordProtected: true }))).toEqual({ warnings: [] });
  });
});
