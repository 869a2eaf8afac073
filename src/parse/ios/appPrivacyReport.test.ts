import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MAX_DOMAINS_KEPT,
  MAX_LINE_CHARS,
  MAX_REPORT_BYTES,
  moment,
  parseAppPrivacyReport,
} from './appPrivacyReport.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(join(HERE, 'testdata', 'app-privacy-report', name));

const access = (o: Record<string, unknown>) =>
  JSON.stringify({
    type: 'access',
    kind: 'intervalBegin',
    category: 'microphone',
    identifier: 'A1',
    timeStamp: '2024-06-10T10:00:00.000+02:00',
    accessor: { identifier: 'com.example.app', identifierType: 'bundleID' },
    ...o,
  });

describe('parseAppPrivacyReport: iOS versions', () => {
  it('iOS 15.0 (Record App Activity): stream + tccService, lower-case timestamp, events', () => {
    const { parsed, warnings } = parseAppPrivacyReport(
      fixture('ios15.0-record-app-activity.ndjson'),
    );
    expect(warnings).toEqual([]);
    expect(parsed.shapes).toEqual(['ios15.0-stream']);
    expect(parsed.accessRecords).toBe(7);
    expect(parsed.recentUse['com.example.notes']).toEqual({
      contacts: {
        phoneTime: '2021-09-27 09:12:40',
        utc: '2021-09-27T13:12:40.118Z',
        op: 'contacts',
      },
    });
    expect(parsed.recentUse['com.example.voicememo']?.microphone).toEqual({
      phoneTime: '2021-09-27 10:04:48',
      utc: '2021-09-27T14:04:48.002Z',
      op: 'microphone',
    });
    expect(parsed.recentUse['com.example.maps']?.location?.phoneTime).toBe('2021-09-28 07:52:13');
    // a TCC service with no kind keeps its own name
    expect(parsed.otherUse['com.example.maps']).toEqual({
      Calendar: {
        phoneTime: '2021-09-28 08:00:01',
        utc: '2021-09-28T12:00:01.000Z',
        op: 'Calendar',
      },
    });
    // a program named by path
    expect(parsed.recentUse['/usr/libexec/findmydeviced']?.location?.phoneTime).toBe(
      '2021-09-28 09:15:00',
    );
    expect(parsed.from).toBe('2021-09-27T13:12:40.118Z');
    expect(parsed.to).toBe('2021-09-28T13:15:00.000Z');
  });

  it('iOS 16: last use per kind, in use when saved, other categories, domains', () => {
    const { parsed, warnings } = parseAppPrivacyReport(fixture('ios16-report.ndjson'));
    expect(warnings).toEqual([]);
    expect(parsed.shapes.sort()).toEqual(['access', 'network']);
    expect(parsed.accessRecords).toBe(13);
    expect(parsed.networkRecords).toBe(4);
    expect(parsed.websiteRecords).toBe(1);
    expect(parsed.skippedLines).toBe(0);
    // the latest end of three intervals (the earlier microphone interval is older)
    expect(parsed.recentUse['com.example.chat']).toEqual({
      microphone: {
        phoneTime: '2023-03-20 18:09:40',
        utc: '2023-03-20T18:09:40.003Z',
        op: 'microphone',
      },
      camera: { phoneTime: '2023-03-21 12:00:30', utc: '2023-03-21T12:00:30.250Z', op: 'camera' },
    });
    // a begin with no end: still in use when the report was saved
    expect(parsed.recentUse['com.example.maps']?.location).toEqual({
      phoneTime: '2023-03-22 16:40:12',
      utc: '2023-03-22T16:40:12.900Z',
      op: 'location',
      ongoing: true,
    });
    // the media library is music and video, not photos; screen recording has no kind
    expect(parsed.recentUse['com.example.music']).toBeUndefined();
    expect(Object.keys(parsed.otherUse['com.example.music'] ?? {})).toEqual(['mediaLibrary']);
    expect(parsed.otherUse['com.example.meet']?.screenRecording?.phoneTime).toBe(
      '2023-03-22 10:25:00',
    );
    expect(
      parsed.recentUse['/System/Library/PrivateFrameworks/CoreParsec.framework/parsecd']?.location,
    ).toBeDefined();
    // domains: the app's own, most hits first; the website visited inside the app is not kept
    expect(parsed.domains['com.example.chat']).toEqual([
      { domain: 'api.chat.example', hits: 214, last: '2023-03-22T16:30:00.000Z' },
      {
        domain: 'metrics.tracker.example',
        hits: 37,
        last: '2023-03-22T16:31:10.000Z',
        tracker: true,
        owner: 'Tracker Example Ltd',
      },
    ]);
    expect(JSON.stringify(parsed)).not.toContain('news.example');
    expect(parsed.apps).toEqual([
      'com.example.chat',
      'com.example.maps',
      'com.example.meet',
      'com.example.music',
      '/System/Library/PrivateFrameworks/CoreParsec.framework/parsecd',
    ]);
  });

  it('iOS 17: a system picker is not the app reading photos; new fields are ignored', () => {
    const { parsed, warnings } = parseAppPrivacyReport(fixture('ios17-report.ndjson'));
    expect(warnings).toEqual([]);
    const social = parsed.recentUse['com.example.social'];
    expect(social?.photos).toEqual({
      phoneTime: '2024-06-11 09:00:04',
      utc: '2024-06-11T07:00:04.000Z',
      op: 'photos',
    });
    expect(social?.contacts?.utc).toBe('2024-06-12T20:13:01.000Z');
    // the picker's interval is matched to its end even though the end does not repeat outOfProcess
    expect(parsed.otherUse['com.example.social']).toEqual({
      'photos (picker)': {
        phoneTime: '2024-06-10 14:20:09',
        utc: '2024-06-10T12:20:09.640Z',
        op: 'photos (picker)',
      },
    });
    expect(parsed.recentUse['/usr/libexec/locationd']?.location?.phoneTime).toBe(
      '2024-06-13 06:31:00',
    );
    expect(parsed.domains['com.example.social']?.map((d) => d.domain)).toEqual([
      'graph.social.example',
      'ads.network.example',
    ]);
    expect(parsed.websiteRecords).toBe(1);
    expect(JSON.stringify(parsed)).not.toContain('shop.example');
  });

  it('iOS 18: bundle ids compared without case; times across a clock change compared as instants', () => {
    const { parsed, warnings } = parseAppPrivacyReport(fixture('ios18-report.ndjson'));
    expect(warnings).toEqual([]);
    // one app, spelled as first seen
    expect(parsed.apps).toEqual([
      'com.example.camera',
      'com.example.Walkie',
      'com.example.weather',
    ]);
    const walkie = parsed.recentUse['com.example.Walkie'];
    // 01:21 +00:00 (after the clock went back) is later than 23:55 +01:00 the day before
    expect(walkie?.microphone).toEqual({
      phoneTime: '2024-10-27 01:21:00',
      utc: '2024-10-27T01:21:00.000Z',
      op: 'microphone',
    });
    expect(walkie?.location?.ongoing).toBe(true);
    expect(parsed.recentUse['com.example.walkie']).toBeUndefined();
    // records for one domain in two spellings are added up
    expect(parsed.domains['com.example.Walkie']).toEqual([
      { domain: 'relay.walkie.example', hits: 42, last: '2024-10-28T08:00:05.000Z' },
    ]);
    expect(parsed.otherUse['com.example.camera']?.['photos (picker)']).toBeDefined();
    expect(parsed.recentUse['com.example.camera']?.photos).toBeUndefined();
    expect(parsed.otherUse['com.example.weather']?.weatherKit).toBeDefined();
  });

  it('the infected iPhone report: the look-alike used the microphone and location recently', () => {
    const { parsed, warnings } = parseAppPrivacyReport(fixture('ios16-infected-report.ndjson'));
    expect(warnings).toEqual([]);
    const agent = parsed.recentUse['com.apple.icloud.sync.agent'];
    expect(agent?.microphone?.utc).toBe('2026-11-30T00:15:47.030Z');
    expect(agent?.location).toMatchObject({ phoneTime: '2026-11-30 08:05:31', ongoing: true });
    expect(agent?.contacts?.phoneTime).toBe('2026-11-30 03:00:02');
    expect(parsed.recentUse['com.apple.SystemHelper']?.microphone?.phoneTime).toBe(
      '2026-11-29 21:45:00',
    );
    expect(parsed.domains['com.apple.icloud.sync.agent']?.[0]).toMatchObject({
      domain: 'upload.sync-agent-cloud.example',
      hits: 1873,
    });
    expect(parsed.to).toBe('2026-11-30T08:06:00.500Z');
  });
});

describe('parseAppPrivacyReport: bad and hostile input', () => {
  it('counts malformed lines and keeps reading', () => {
    const text = [
      access({ kind: 'intervalEnd' }),
      '{not json',
      '[1,2,3]',
      '"a string"',
      JSON.stringify({ type: 'somethingNew', x: 1 }),
      access({ kind: 'halfway' }),
      access({ timeStamp: 'yesterday' }),
      access({ category: 42 }),
      access({ accessor: 'com.example.app' }),
      JSON.stringify({ type: 'networkActivity', domain: 'a.example', hits: 1 }),
      '',
      '   ',
    ].join('\r\n');
    const { parsed, warnings } = parseAppPrivacyReport(text);
    expect(parsed.accessRecords).toBe(1);
    expect(parsed.skippedLines).toBe(9);
    expect(parsed.lines).toBe(10);
    expect(parsed.recentUse['com.example.app']?.microphone?.phoneTime).toBe('2024-06-10 10:00:00');
    expect(warnings).toEqual(
      expect.arrayContaining([
        'Line 2 is not JSON; skipped',
        'Line 3 is not a JSON object; skipped',
        'Line 5: a record of type "somethingNew"; skipped',
        'Line 6: an access record of kind "halfway"; skipped',
        'Line 7: an access record with no readable time; skipped',
        'Line 10: a network record with no usable bundleID; skipped',
      ]),
    );
  });

  it('never throws on empty, binary or non-report input', () => {
    for (const input of ['', '\n\n', Buffer.from([0, 255, 254, 1, 10, 13]), '{}', 'null']) {
      const r = parseAppPrivacyReport(input);
      expect(r.parsed.accessRecords).toBe(0);
      expect(r.warnings).toContain('No App Privacy Report records were found in the file');
    }
  });

  it('refuses a file over the size cap unread, and skips an over-long line unread', () => {
    const big = parseAppPrivacyReport(Buffer.alloc(MAX_REPORT_BYTES + 1, 0x20));
    expect(big.parsed.lines).toBe(0);
    expect(big.warnings[0]).toMatch(/more than the 52428800 .* not read/);
    const long = access({ padding: 'x'.repeat(MAX_LINE_CHARS) });
    const r = parseAppPrivacyReport(`${long}\n${access({})}`);
    expect(r.parsed.skippedLines).toBe(1);
    expect(r.warnings[0]).toMatch(/^Line 1 is \d+ characters long; skipped unread$/);
    expect(r.parsed.recentUse['com.example.app']).toBeDefined();
  });

  it('keeps control characters, invisible characters and prototype names out of ids', () => {
    const ids = [
      'com.evil\u001b[31m.app',
      'com.evil\u202e.app',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'x'.repeat(300),
      '/var/jb/usr/bin/\u0007spy',
      '/var/jb/\u200bspy',
    ];
    const lines = ids.map((id, i) =>
      access({
        identifier: `I${i}`,
        accessor: { identifier: id, identifierType: id.startsWith('/') ? 'path' : 'bundleID' },
      }),
    );
    lines.push(
      JSON.stringify({
        type: 'networkActivity',
        bundleID: 'com.example.app',
        domain: 'evil\u001b]0;title\u0007.example',
        hits: 5,
      }),
      JSON.stringify({
        type: 'networkActivity',
        bundleID: 'com.example.app',
        domain: 'ok.example',
        hits: 5,
        domainOwner: `Owner\u202e\u001b[2J${'y'.repeat(10_000)}`,
      }),
      // a __proto__ key inside a record is only a key
      '{"type":"access","__proto__":{"polluted":true},"kind":"event","category":"camera","timeStamp":"2024-06-10T10:00:00Z","accessor":{"identifier":"com.example.app"}}',
    );
    const { parsed } = parseAppPrivacyReport(lines.join('\n'));
    expect(parsed.apps).toEqual(['com.example.app']);
    expect(Object.keys(parsed.recentUse)).toEqual(['com.example.app']);
    expect(parsed.skippedLines).toBe(ids.length + 1);
    const owner = parsed.domains['com.example.app']?.[0]?.owner ?? '';
    expect(owner.length).toBeLessThanOrEqual(100);
    expect(owner).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parsed.recentUse['com.example.app']?.camera?.utc).toBe('2024-06-10T10:00:00.000Z');
  });

  it('keeps at most the top domains per app', () => {
    const lines = Array.from({ length: MAX_DOMAINS_KEPT + 20 }, (_, i) =>
      JSON.stringify({
        type: 'networkActivity',
        bundleID: 'com.example.app',
        domain: `d${i}.example`,
        hits: i + 1,
        initiatedType: 'AppInitiated',
      }),
    );
    const { parsed } = parseAppPrivacyReport(lines.join('\n'));
    const kept = parsed.domains['com.example.app'] ?? [];
    expect(kept).toHaveLength(MAX_DOMAINS_KEPT);
    expect(kept[0]?.domain).toBe(`d${MAX_DOMAINS_KEPT + 19}.example`);
  });

  it('a time with no zone is kept as printed, without UTC, and said', () => {
    const r = parseAppPrivacyReport(access({ kind: 'event', timeStamp: '2024-06-10T10:00:00' }));
    expect(r.parsed.recentUse['com.example.app']?.microphone).toEqual({
      phoneTime: '2024-06-10 10:00:00',
      op: 'microphone',
    });
    expect(r.warnings[0]).toMatch(/1 times in the file have no time zone/);
  });
});

describe('parseAppPrivacyReport: damaged copies of every fixture (seeded)', () => {
  it('never throws, and nothing with a control or invisible character becomes an id', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const names = [
      'ios15.0-record-app-activity.ndjson',
      'ios16-report.ndjson',
      'ios17-report.ndjson',
      'ios18-report.ndjson',
      'ios16-infected-report.ndjson',
    ];
    const nasty = ['\u0000', '\u001b[2J', '\u202e', '"', '}', '\n', '\\u0000', '__proto__', 'é'];
    for (let i = 0; i < 300; i++) {
      const text = fixture(names[i % names.length]!).toString('utf8');
      const chars = [...text];
      for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) {
        const at = Math.floor(rand() * chars.length);
        chars.splice(at, Math.floor(rand() * 3), nasty[Math.floor(rand() * nasty.length)]!);
      }
      const { parsed } = parseAppPrivacyReport(chars.join(''));
      const ids = [
        ...parsed.apps,
        ...Object.keys(parsed.recentUse),
        ...Object.keys(parsed.domains),
        ...Object.values(parsed.domains).flatMap((l) => l.map((d) => d.domain)),
      ];
      for (const id of ids) {
        expect(id).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b]/);
        expect(id).not.toBe('__proto__');
      }
    }
  });
});

describe('moment', () => {
  it('reads offsets with and without a colon, Z, and fractions; refuses nonsense', () => {
    expect(moment('2021-10-09T06:41:51.896+08:00')).toEqual({
      phoneTime: '2021-10-09 06:41:51',
      ms: Date.parse('2021-10-08T22:41:51.896Z'),
    });
    expect(moment('2021-10-09T06:41:51-0530')?.ms).toBe(Date.parse('2021-10-09T12:11:51Z'));
    expect(moment('2021-06-06T16:15:48Z')?.ms).toBe(Date.parse('2021-06-06T16:15:48Z'));
    expect(moment('2021-13-09T06:41:51Z')).toBeUndefined();
    expect(moment('2021-10-09 06:41:51Z')).toBeUndefined();
    expect(moment('2021-10-09T06:41:51+99:00')).toEqual({ phoneTime: '2021-10-09 06:41:51' });
  });
});
