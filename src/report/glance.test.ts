import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/findings.js';
import { durationWords, ukDate, ukDateTime } from '../util/dates.js';
import { buildReportModel, type ReportMeta, snapshotId, todoFor } from './model.js';
import { sampleFindings, sampleSnapshot } from './testdata/sample.js';

const meta: ReportMeta = {
  caseRef: 'DV-2026-041',
  generatedAt: '2026-06-14T10:05:00Z',
  tool: { name: 'spycheck', version: '0.1.0' },
  rules: [],
};

describe('UK dates and durations', () => {
  it('gives UK local time with the right zone name in summer and winter', () => {
    expect(ukDateTime('2026-06-14T09:59:30Z')).toBe('14 June 2026, 10:59 (UK time, BST)');
    expect(ukDateTime('2026-11-30T09:11:37Z')).toBe('30 November 2026, 09:11 (UK time, GMT)');
    // just after midnight in summer is the next day in the UK
    expect(ukDate('2026-07-01T23:30:00Z')).toBe('2 July 2026');
    expect(ukDateTime('not a date')).toBeUndefined();
  });

  it('says durations in the largest unit that reads naturally', () => {
    expect(durationWords(30_000)).toBe('less than a minute');
    expect(durationWords(4 * 60_000)).toBe('4 minutes');
    expect(durationWords(3 * 3_600_000)).toBe('3 hours');
    expect(durationWords(12 * 86_400_000)).toBe('12 days');
    expect(durationWords(150 * 86_400_000)).toBe('4 months');
    expect(durationWords(957 * 86_400_000)).toBe('2 years');
    expect(durationWords(-5)).toBeUndefined();
  });
});

describe('the at-a-glance table', () => {
  const snapshot = sampleSnapshot({ finished: '2026-06-14T10:04:00Z' });
  const spy = snapshot.apps.find((a) => a.id === 'com.wifi.syncservice');
  if (spy) spy.firstInstallTime = '2026-05-01T08:00:00Z';
  snapshot.recentUse = {
    'com.wifi.syncservice': {
      location: {
        phoneTime: '2026-06-14 10:59:30',
        utc: '2026-06-14T09:59:30Z',
        op: 'FINE_LOCATION',
      },
      microphone: {
        phoneTime: '2026-04-01 08:00:00',
        utc: '2026-04-01T07:00:00Z',
        op: 'RECORD_AUDIO',
      },
    },
  };
  const model = buildReportModel({ snapshot, findings: sampleFindings(), meta });

  it('lists every finding but notes for information, in the order they are shown', () => {
    const shown = model.groups.flatMap((g) => g.findings).filter((f) => f.severity !== 'info');
    expect(model.glance.map((r) => r.id)).toEqual(shown.map((f) => f.id));
    expect(model.glanceInfo).toBe(model.counts.info);
    expect(model.glance.every((r) => r.severity !== 'info')).toBe(true);
  });

  it('gives the install date and the most recent use first', () => {
    const row = model.glance.find((r) => r.title && model.groups.some(() => true) && r.installed);
    expect(row?.installed).toBe('1 May 2026');
    expect(row?.lastUse[0]).toBe('Location: 4 minutes before the check');
    expect(row?.lastUse[1]).toBe('Microphone: 1 Apr 2026');
  });

  it('keeps the phone clock for the annex, not for the survivor', () => {
    const f = model.groups.flatMap((g) => g.findings).find((x) => x.uses.length > 0);
    expect(f?.lastUsed[0]).toBe('Your location: 4 minutes before this check');
    expect(f?.lastUsed.join(' ')).not.toContain('10:59:30');
    const e = model.evidence.findings.find((x) => x.id === f?.id);
    const row = e?.details.find(([k]) => k === 'Last used: your location');
    expect(row?.[1]).toContain('2026-06-14 10:59:30 on the phone\u2019s clock');
    expect(row?.[1]).toContain('14 June 2026, 10:59 (UK time, BST)');
    expect(e?.details.find(([k]) => k === 'First installed')?.[1]).toContain(
      '2026-05-01 08:00:00 UTC',
    );
  });

  it('never tells the survivor to act alone on serious findings', () => {
    const f = (over: Partial<Finding>): Finding =>
      ({
        id: 'F1',
        rule: 'r',
        severity: 'high',
        category: 'stalkerware',
        title: 't',
        subject: { type: 'app', id: 'a' },
        ...over,
      }) as Finding;
    expect(todoFor(f({}))).toMatch(/Do not remove it yet\. Make a safety plan first\./);
    expect(todoFor(f({ subject: { type: 'device', id: 'd' } }))).toMatch(/Do not change it yet/);
    expect(todoFor(f({ severity: 'medium' }))).toMatch(/support worker before changing/);
    expect(todoFor(f({ evidence: { reasons: [], history: {} } }))).toMatch(/Keep this report/);
  });
});

describe('who to contact', () => {
  const snapshot = sampleSnapshot();
  it('prints the national helpline when nothing is set', () => {
    const model = buildReportModel({ snapshot, findings: sampleFindings(), meta });
    expect(model.contact[0]).toBe(
      'National Domestic Abuse Helpline (England): 0808 2000 247 (Free, 24 hours)',
    );
    expect(model.contact.every((c) => /: 0[0-9 ]+/.test(c))).toBe(true);
  });

  it('prints the organisation first, and cleans what the config file says', () => {
    const model = buildReportModel({
      snapshot,
      findings: sampleFindings(),
      meta: {
        ...meta,
        contact: {
          organisation: 'Safe Steps\u202e Leeds\x1b[2J',
          phone: '0113 496 0000',
          helplines: [{ name: 'Live Fear Free', phone: '0808 80 10 800', note: 'Wales' }],
        },
      },
    });
    expect(model.contact[0]).toMatch(/^Safe Steps.*Leeds.*: 0113 496 0000$/);
    expect(model.contact[0]).not.toMatch(/[\u202e\x1b]/);
    expect(model.contact[1]).toBe('Live Fear Free: 0808 80 10 800 (Wales)');
    expect(model.contact).toHaveLength(2);
  });
});

describe('the police annex', () => {
  it('says how far the phone clock is from this computer, and which way', () => {
    const snapshot = sampleSnapshot() as ReturnType<typeof sampleSnapshot> & { clock?: unknown };
    snapshot.clock = {
      phoneUtc: '2026-06-14T10:07:12Z',
      laptopUtc: '2026-06-14T10:04:00Z',
      driftSeconds: 192.4,
      uncertaintySeconds: 0.05,
      zone: 'Europe/London',
      read: 'command',
    };
    const model = buildReportModel({ snapshot, findings: sampleFindings(), meta });
    const diff = model.evidence.clock.find(([k]) => k === 'Difference')?.[1];
    expect(diff).toMatch(/^the phone is 192 s ahead of this computer \(within 1 s\)/);
    (snapshot.clock as { driftSeconds: number }).driftSeconds = -30;
    const behind = buildReportModel({ snapshot, findings: sampleFindings(), meta });
    expect(behind.evidence.clock.find(([k]) => k === 'Difference')?.[1]).toMatch(/30 s behind/);
  });

  it('says plainly when the clock was not read, and asks for the IMEI by hand', () => {
    const model = buildReportModel({
      snapshot: sampleSnapshot(),
      findings: sampleFindings(),
      meta,
    });
    expect(model.evidence.clock[0]?.[1]).toMatch(/not read/);
    const imei = model.evidence.fillIn.find((f) => f.label === 'IMEI');
    expect(imei?.hint).toMatch(/\*#06#.*cannot be read over USB debugging/);
    expect(model.evidence.fillIn.map((f) => f.label)).toEqual(
      expect.arrayContaining(['Exhibit reference', 'Place of examination', 'Signature']),
    );
  });

  it('names the bundle by its snapshot, the same on every render', () => {
    const snapshot = sampleSnapshot();
    const a = buildReportModel({ snapshot, findings: sampleFindings(), meta });
    const b = buildReportModel({ snapshot, findings: sampleFindings(), meta });
    expect(a.bundleId).toMatch(/^[0-9a-f]{12}$/);
    expect(a.bundleId).toBe(b.bundleId);
    expect(a.bundleId).toBe(snapshotId(snapshot));
    const given = buildReportModel({
      snapshot,
      findings: sampleFindings(),
      meta: { ...meta, bundleId: 'abcdef012345' },
    });
    expect(given.bundleId).toBe('abcdef012345');
    expect(a.caseRef).toBe('DV-2026-041');
  });
});
