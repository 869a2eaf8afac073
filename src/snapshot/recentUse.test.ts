import { describe, expect, it } from 'vitest';
import { parseAppOpsDump } from '../parse/android/appopsDump.js';
import { phoneLocalTimeToUtc } from '../parse/android/phoneTime.js';
import { lastUsedLines } from '../report/model.js';
import { recentUseOf } from './recentUse.js';

// Android 12 layout: attribution tags around the events, capability lines under the uid
const DUMP = `Current AppOps Service state:
  Settings:
    top_state_settle_time=+5s0ms
  Uid u0a201:
    state=cch
    capability=LCMN
      RECORD_AUDIO: mode=allow
    Package com.example.tracker:
      FINE_LOCATION (allow / switch COARSE_LOCATION=allow):
        null=[
          Access: [bg-s] 2026-06-14 09:58:01.120 (-2m)
          Access: [fg-s] 2026-06-13 22:10:00.000 (-11h)
        ]
      COARSE_LOCATION (allow):
        null=[
          Access: [bg-s] 2026-06-14 09:59:30.000 (-30s)
        ]
      RECORD_AUDIO (allow):
        null=[
          Reject: [bg-s] 2026-06-14 09:59:59.000 (-1s)
          Access: [bg-s] 2026-06-14 08:00:00.000 (-2h)
        ]
      READ_SMS (allow):
        null=[
          Access: [bg-s] 2026-06-10 07:00:00.000 (-4d)
        ]
      GET_USAGE_STATS (allow):
        null=[
          Access: [bg-s] 2026-06-14 09:00:00.000 (-1h)
        ]
  Uid u10a201:
    state=cch
    Package com.example.tracker:
      CAMERA (allow):
        null=[
          Access: [fg-s] 2026-06-14 09:59:00.000 (-1m)
        ]
`;

const toUtc = (t: string) => phoneLocalTimeToUtc(t, 'Europe/London');

describe('recentUseOf', () => {
  const uses = recentUseOf(parseAppOpsDump(DUMP).parsed, toUtc);

  it('keeps the latest of the ops that mean one thing (fine and coarse location)', () => {
    expect(uses['com.example.tracker']?.location).toEqual({
      phoneTime: '2026-06-14 09:59:30.000',
      op: 'COARSE_LOCATION',
      // British Summer Time: an hour ahead of UTC
      utc: '2026-06-14T08:59:30.000Z',
    });
  });

  it('counts an access, never a refusal, and ignores ops that are not about the person', () => {
    expect(uses['com.example.tracker']?.microphone?.phoneTime).toBe('2026-06-14 08:00:00.000');
    expect(uses['com.example.tracker']?.sms?.op).toBe('READ_SMS');
    expect(Object.keys(uses['com.example.tracker'] ?? {}).sort()).toEqual([
      'location',
      'microphone',
      'sms',
    ]);
  });

  it('reads the main user only: another user\u2019s camera use is not this person\u2019s', () => {
    expect(uses['com.example.tracker']?.camera).toBeUndefined();
    expect(
      recentUseOf(parseAppOpsDump(DUMP).parsed, toUtc, 10)['com.example.tracker']?.camera,
    ).toBeDefined();
  });

  it('an unknown time zone leaves the UTC time out, never guessed', () => {
    const r = recentUseOf(parseAppOpsDump(DUMP).parsed, () => undefined);
    expect(r['com.example.tracker']?.location?.utc).toBeUndefined();
    expect(r['com.example.tracker']?.location?.phoneTime).toBe('2026-06-14 09:59:30.000');
  });
});

describe('lastUsedLines', () => {
  const uses = recentUseOf(parseAppOpsDump(DUMP).parsed, toUtc)['com.example.tracker'];

  it('says how long before the check each use was; older uses by their UK date', () => {
    expect(lastUsedLines(uses, '2026-06-14T09:03:30.000Z')).toEqual([
      'Your location: 4 minutes before this check',
      'The microphone: 2 hours before this check',
      'Your text messages: 10 June 2026, 4 days before this check',
    ]);
  });

  it('a use without a UTC time gives the phone\u2019s date; nothing shows nothing', () => {
    expect(
      lastUsedLines({ camera: { phoneTime: '2026-06-14 09:00:00', op: 'CAMERA' } }, 'x'),
    ).toEqual(['The camera: 14 June 2026 (the phone\u2019s date)']);
    expect(lastUsedLines(undefined, '2026-06-14T09:00:00Z')).toEqual([]);
  });
});

describe('an op line of a form the parser does not know', () => {
  it('never lends its events to the op before it (no false "used the microphone")', () => {
    const dump = `Current AppOps Service state:
  Uid u0a99:
    Package com.example.app:
      RECORD_AUDIO (allow):
        null=[
          Access: [fg-s] 2026-06-01 09:00:00.000 (-13d)
        ]
      deprecated (default):
        null=[
          Access: [bg-s] 2026-06-14 09:59:00.000 (-1m)
        ]
      MIUI_VENDOR-OP (allow):
          Access: [bg-s] 2026-06-14 09:59:30.000 (-30s)
`;
    const uses = recentUseOf(parseAppOpsDump(dump).parsed, () => undefined);
    expect(uses['com.example.app']?.microphone?.phoneTime).toBe('2026-06-01 09:00:00.000');
  });
});
