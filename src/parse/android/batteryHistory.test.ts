import { describe, expect, it } from 'vitest';
import { type BatteryHistoryEvent, parseBatteryHistory } from './batteryHistory.js';
import { ANDROID_PARSERS } from './index.js';
import { fixture, HOSTILE } from './testdata/fixtures.js';

const brief = (e: BatteryHistoryEvent) => [
  e.kind,
  e.package,
  e.time ?? null,
  e.phoneTime ?? null,
  e.timeUnknown ? 'unknown' : 'known',
];

describe('parseBatteryHistory', () => {
  it('is registered with the other parsers', () => {
    expect(ANDROID_PARSERS.map((p) => p.id)).toContain('android.batteryHistory');
  });

  it('Android 9: version codes printed like user ids, a restart, and a change to summer time', () => {
    const { parsed, warnings } = parseBatteryHistory(
      fixture('a09-samsung/batterystats_history.txt'),
      { timeZone: 'Europe/London' },
    );
    expect(warnings).toEqual([]);
    expect(parsed.from).toBe('2024-03-30T21:14:05.000Z');
    expect(parsed.events.map(brief)).toEqual([
      ['installed', 'com.whatsapp', '2024-03-30T22:02:38.117Z', '2024-03-30 22:02:38', 'known'],
      [
        'installed',
        'com.samsung.android.game.gametools',
        '2024-03-30T22:05:10.060Z',
        '2024-03-30 22:05:10',
        'known',
      ],
      // clocks went forward at 01:00 UTC: 4h46m after 21:14 GMT is 03:00 summer time, not 02:00
      [
        'installed',
        'com.bestspy.helper',
        '2024-03-31T02:00:00.000Z',
        '2024-03-31 03:00:00',
        'known',
      ],
      // after a restart the time the phone was off is not in the history: no guess
      ['removed', 'com.bestspy.helper', null, null, 'unknown'],
      [
        'removed',
        'com.samsung.android.game.gametools',
        '2024-04-01T08:16:12.860Z',
        '2024-04-01 09:16:12',
        'known',
      ],
    ]);
    expect(parsed.events[0]?.uid).toBe('u4a42153');
    expect(parsed.events[3]?.timeUnknown).toMatch(/restarted/);
    expect(parsed.events[0]?.printed).toBe(
      '+48m33s117ms after "RESET:TIME: 2024-03-30-21-14-05" (at 0)',
    );
  });

  it('Android 10: a clock that was not set yet gives no time, then the network time does', () => {
    const { parsed, warnings } = parseBatteryHistory(
      fixture('a10-xiaomi/batterystats_history.txt'),
      {
        timeZone: 'Europe/Warsaw',
      },
    );
    expect(warnings).toEqual([]);
    expect(parsed.events.map(brief)).toEqual([
      ['installed', 'com.miui.cleaner.helper', null, null, 'unknown'],
      [
        'installed',
        'org.telegram.messenger',
        '2024-02-20T17:44:38.360Z',
        '2024-02-20 18:44:38',
        'known',
      ],
      // the event sits at the end of a line that also names a wake lock
      [
        'removed',
        'com.miui.cleaner.helper',
        '2024-02-20T18:53:46.660Z',
        '2024-02-20 19:53:46',
        'known',
      ],
    ]);
    expect(parsed.events[0]?.timeUnknown).toMatch(/clock had not been set/);
    expect(parsed.from).toBe('2024-02-20T17:40:00.000Z');
  });

  it('Android 12: plain version codes, and a clock change in the middle', () => {
    const { parsed } = parseBatteryHistory(fixture('a12-samsung/batterystats_history.txt'), {
      timeZone: 'Europe/Berlin',
    });
    expect(parsed.events.map(brief)).toEqual([
      ['installed', 'com.whatsapp', '2024-06-10T05:45:11.700Z', '2024-06-10 07:45:11', 'known'],
      [
        'installed',
        'com.systemservice',
        '2024-06-10T05:52:12.000Z',
        '2024-06-10 07:52:12',
        'known',
      ],
      // counted from the new clock reading, not from the first one
      ['removed', 'com.systemservice', '2024-06-10T07:10:00.000Z', '2024-06-10 09:10:00', 'known'],
      [
        'installed',
        'com.sec.android.app.popupcalculator',
        '2024-06-10T07:12:00.000Z',
        '2024-06-10 09:12:00',
        'known',
      ],
    ]);
    expect(parsed.events[1]?.uid).toBe('10452');
    expect(parsed.events[2]?.printed).toBe(
      '+1h10m00s000ms after "TIME: 2024-06-10-09-00-00" (at +1h00m00s000ms)',
    );
  });

  it('Android 14 full dump: reads only the history, accepts +/- marks, warns about bad names', () => {
    const { parsed, warnings } = parseBatteryHistory(fixture('a14-pixel/batterystats_full.txt'), {
      timeZone: 'Europe/London',
    });
    expect(parsed.events.map(brief)).toEqual([
      [
        'installed',
        'com.google.android.apps.maps',
        '2024-05-01T07:41:22.014Z',
        '2024-05-01 08:41:22',
        'known',
      ],
      ['installed', 'com.mspy.lite', '2024-05-01T08:02:03.004Z', '2024-05-01 09:02:03', 'known'],
      [
        'installed',
        'com.google.android.apps.maps',
        '2024-05-01T10:00:00.000Z',
        '2024-05-01 11:00:00',
        'known',
      ],
      ['removed', 'com.mspy.lite', '2024-05-03T08:30:45.250Z', '2024-05-03 09:30:45', 'known'],
    ]);
    // a name with a direction-changing character and a line cut off mid-name
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toContain('\\u202e');
    expect(warnings.join('\n')).toContain('com.trunc');
    // "Daily stats" package changes and per-PID times are not history lines
    expect(parsed.lines).toBe(10);
  });

  it('without the time zone keeps the phone clock reading and says why there is no UTC time', () => {
    const { parsed } = parseBatteryHistory(fixture('a14-pixel/batterystats_full.txt'));
    const spy = parsed.events.find((e) => e.package === 'com.mspy.lite')!;
    expect(spy.time).toBeUndefined();
    expect(spy.phoneTime).toBe('2024-05-01 09:02:03');
    expect(spy.timeUnknown).toMatch(/time zone is not known/);
    const bad = parseBatteryHistory(fixture('a14-pixel/batterystats_full.txt'), {
      timeZone: 'Mars/Olympus',
    }).parsed.events[1]!;
    expect(bad.time).toBeUndefined();
    expect(bad.timeUnknown).toMatch(/"Mars\/Olympus" is not one spycheck knows/);
  });

  it('gives no times after lines that go back in time (text cut and joined, or smuggled)', () => {
    const text = [
      'Battery History (0% used, 1KB used of 4096KB, 3 strings using 200):',
      '                    0 (15) RESET:TIME: 2024-05-01-08-00-00',
      '       +2h00m00s000ms (2) 090 pkginst=5:"com.a.b"',
      '          +1m00s000ms (2) 090 pkgunin=0:"com.a.b"',
      '       +3h00m00s000ms (13) TIME: 2024-05-01-11-00-00',
      '       +3h00m01s000ms (2) 090 pkginst=6:"com.c.d"',
    ].join('\n');
    const { parsed, warnings } = parseBatteryHistory(text, { timeZone: 'UTC' });
    expect(parsed.events.map(brief)).toEqual([
      ['installed', 'com.a.b', '2024-05-01T10:00:00.000Z', '2024-05-01 10:00:00', 'known'],
      ['removed', 'com.a.b', null, null, 'unknown'],
      ['installed', 'com.c.d', '2024-05-01T11:00:01.000Z', '2024-05-01 11:00:01', 'known'],
    ]);
    expect(warnings.join('\n')).toMatch(/go back in time/);
  });

  it('handles a history cut off mid-line, an overflow, a refusal and an empty answer', () => {
    const cut = parseBatteryHistory(
      '                    0 (15) RESET:TIME: 2024-05-01-08-00-00\n' +
        '         +10m00s000ms (2) 090 pkginst=5:"com.a.b"\n' +
        '         +20m00s000ms (1) *OVERFLOW*\n' +
        '         +30m00s000ms (2) 090 pkgunin=0:"com.a',
      { timeZone: 'UTC' },
    );
    expect(cut.parsed.events.map((e) => e.package)).toEqual(['com.a.b']);
    expect(cut.warnings.join('\n')).toMatch(/history was full/);
    expect(cut.warnings.join('\n')).toMatch(/Unreadable app install or removal/);

    const refused = parseBatteryHistory(
      "Permission Denial: can't dump BatteryStats from from pid=123, uid=2000 without permission android.permission.DUMP\n",
    );
    expect(refused.parsed).toEqual({ events: [], lines: 0 });
    expect(refused.warnings[0]).toMatch(/not available/);

    expect(parseBatteryHistory('').warnings).toEqual(['The phone printed no battery history.']);
    expect(
      parseBatteryHistory('Battery History (0% used, 0 used of 4096KB, 0 strings using 0):\n')
        .warnings,
    ).toEqual(['The phone printed no battery history.']);
  });

  it('does not take an event from the middle of a line (an app-chosen wake lock name)', () => {
    const text =
      '                    0 (15) RESET:TIME: 2024-05-01-08-00-00\n' +
      '          +5s000ms (2) 090 +wake_lock=u0a99:"x pkginst=1:"com.mspy.lite" y"\n';
    const { parsed, warnings } = parseBatteryHistory(text, { timeZone: 'UTC' });
    expect(parsed.events).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it.each(HOSTILE.map((h, i) => [i, h]))('survives hostile input #%i', (_i, text) => {
    const r = parseBatteryHistory(text as string, { timeZone: 'Europe/London' });
    expect(Array.isArray(r.parsed.events)).toBe(true);
  });

  it('keeps up with a large history', () => {
    const lines = ['                    0 (15) RESET:TIME: 2024-05-01-08-00-00'];
    for (let i = 1; i <= 50_000; i++) {
      const s = String(i % 60).padStart(2, '0');
      const m = String(Math.floor(i / 60) % 60).padStart(2, '0');
      const h = Math.floor(i / 3600);
      lines.push(`${`+${h}h${m}m${s}s000ms`.padStart(21)} (2) 090 +wake_lock=1000:"*alarm*"`);
    }
    lines.push('      +20h00m00s000ms (2) 090 pkgunin=0:"com.a.b"');
    const t0 = Date.now();
    const { parsed } = parseBatteryHistory(lines.join('\n'), { timeZone: 'UTC' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(parsed.events.map((e) => e.time)).toEqual(['2024-05-02T04:00:00.000Z']);
  });
});
