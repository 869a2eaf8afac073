/**
 * What the caseworker sees: rules that could not be judged (grouped by missing fact), the order
 * of findings, the phone's name, and findings about the phone itself or its accounts.
 */
import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../model/check.js';
import type { Finding, FindingsDoc, NotEvaluated } from '../model/findings.js';
import { renderHtml } from './html.js';
import {
  buildReportModel,
  displayDeviceName,
  impactText,
  notCheckedItems,
  type ReportMeta,
  sortFindings,
} from './model.js';
import { renderTerminal } from './terminal.js';
import { sampleFindings, sampleSnapshot } from './testdata/sample.js';
import { renderText } from './text.js';

const meta: ReportMeta = {
  generatedAt: '2025-03-04T14:07:00Z',
  tool: { name: 'spycheck', version: '0.1.0' },
  rules: [],
};

const TRUSTED_MEANING =
  'We could not see which computers are trusted for USB debugging on this phone, so we ' +
  'cannot say whether an unknown computer has access.';

function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'severity' | 'category'>): Finding {
  return {
    rule: `rule.${over.id}`,
    title: `Title ${over.id}`,
    subject: { type: 'app', id: `com.example.${over.id.toLowerCase()}` },
    evidence: { reasons: [] },
    explanation: { what: 'w', risk: 'r', next_steps: 'n' },
    ...over,
  };
}

describe('notCheckedItems', () => {
  const noAdb: CheckStatus = {
    id: 'trusted-computers',
    title: 'Computers trusted for USB debugging',
    status: 'not-checked',
    reason: 'the phone has no "adb" service',
  };

  it('gives one line per check, however many rules needed it, and counts the rules', () => {
    const notEvaluated: NotEvaluated[] = [
      { rule: 'posture.trusted-computers', pack: 'device-posture', facts: ['adb_keys'] },
      { rule: 'posture.many-computers', pack: 'device-posture', facts: ['adb_keys'] },
    ];
    const items = notCheckedItems([noAdb], notEvaluated);
    expect(items).toHaveLength(1);
    expect(items[0]!.title).toBe('Computers trusted for USB debugging');
    expect(items[0]!.meaning).toBe(TRUSTED_MEANING);
    expect(items[0]!.reason).toBe('the phone has no "adb" service');
    expect(items[0]!.rulesNotJudged).toBe(2);
    expect(impactText(items[0]!)).toBe(
      'Because of this, 2 of our checks were not made (listed in the evidence section).',
    );
  });

  it('adds a line for a missing fact that no check explains', () => {
    const items = notCheckedItems(
      [],
      [{ rule: 'posture.trusted-computers', pack: 'device-posture', facts: ['adb_keys'] }],
    );
    expect(items).toEqual([
      {
        title: 'Computers trusted for USB debugging',
        reason: 'The phone did not give us this information.',
        meaning: TRUSTED_MEANING,
        rulesNotJudged: 1,
      },
    ]);
  });

  it('says how many apps were affected when only some apps could not be judged', () => {
    const partial: CheckStatus = {
      id: 'signing-certs',
      title: 'Who signed the apps',
      status: 'partial',
      reason: '2 of 5 app files could not be read',
    };
    const items = notCheckedItems(
      [partial],
      [
        { rule: 'stalkerware.a', pack: 'p', facts: ['certs'], subjects: ['com.a', 'com.b'] },
        { rule: 'stalkerware.b', pack: 'p', facts: ['certs'], subjects: ['com.b'] },
      ],
    );
    expect(items).toHaveLength(1);
    expect(items[0]!.reason).toMatch(/^Only partly checked:/);
    expect(items[0]!.appsNotJudged).toBe(2);
    expect(impactText(items[0]!)).toMatch(/2 of our checks were not made for 2 apps/);
  });

  it('keeps a partly-run check with no affected rule free of alarming meaning', () => {
    const partial: CheckStatus = { id: 'apk-hashes', title: 'Fingerprints', status: 'partial' };
    const [item] = notCheckedItems([partial], []);
    expect(item!.meaning).toBeUndefined();
    expect(item!.reason).toMatch(/No reason was recorded/);
  });

  it('survives malformed input and ignores unknown facts', () => {
    const bad = [
      null,
      { rule: 'x', pack: 'y', facts: 'adb_keys' },
      { rule: 'z', pack: 'y', facts: ['nope'] },
    ];
    expect(notCheckedItems([], bad as unknown as NotEvaluated[])).toEqual([]);
  });
});

describe('notEvaluated in every format', () => {
  const snapshot = sampleSnapshot({
    checks: [
      { id: 'apps', title: 'Installed apps', status: 'ok' },
      {
        id: 'trusted-computers',
        title: 'Computers trusted for USB debugging',
        status: 'not-checked',
        reason: 'the phone has no "adb" service',
      },
    ],
  });
  const findings: FindingsDoc = {
    ...sampleFindings(),
    notEvaluated: [
      { rule: 'posture.trusted-computers', pack: 'device-posture', facts: ['adb_keys'] },
      {
        rule: 'stalkerware.by-cert',
        pack: 'stalkerware-indicators',
        facts: ['certs'],
        subjects: ['com.wifi.syncservice'],
      },
    ],
  };
  const model = buildReportModel({ snapshot, findings, meta });

  it('puts plain words in the caseworker part and rule ids only in the evidence', () => {
    const text = renderText(model);
    const html = renderHtml(model);
    for (const [out, cut] of [
      [text, text.indexOf('Evidence (for police)')],
      [html, html.indexOf('<section class="evidence"')],
    ] as const) {
      const caseworker = out.slice(0, cut).replace(/\s+/g, ' ');
      const evidence = out.slice(cut);
      expect(caseworker).toContain(TRUSTED_MEANING);
      expect(caseworker).toMatch(/which apps came from|who made some apps/);
      expect(caseworker).not.toContain('posture.trusted-computers');
      expect(evidence).toContain('Rules that could not be judged');
      expect(evidence).toContain('posture.trusted-computers');
      expect(evidence).toContain('stalkerware.by-cert');
      expect(evidence).toContain('com.wifi.syncservice');
    }
    const terminal = renderTerminal(model, { color: false });
    expect(terminal.replace(/\s+/g, ' ')).toContain(TRUSTED_MEANING);
    expect(terminal).not.toContain('posture.trusted-computers');
  });

  it('keeps the evidence list complete, one line per rule', () => {
    expect(model.evidence.notEvaluated).toEqual([
      { rule: 'posture.trusted-computers', pack: 'device-posture', facts: 'adb_keys' },
      {
        rule: 'stalkerware.by-cert',
        pack: 'stalkerware-indicators',
        facts: 'certs',
        subjects: 'com.wifi.syncservice',
      },
    ]);
  });
});

describe('findings as people read them', () => {
  it('puts known spyware first, then findings backed by more rules', () => {
    const posture = finding({ id: 'P', severity: 'high', category: 'device-posture' });
    const behaviour = finding({ id: 'B', severity: 'high', category: 'behaviour' });
    const spyOne = finding({ id: 'S1', severity: 'high', category: 'stalkerware' });
    const reason = (rule: string) => ({
      rule,
      pack: 'p',
      packVersion: '1',
      severity: 'high' as const,
      title: rule,
      matcher: 'package',
      value: 'v',
    });
    const spyTwo = finding({
      id: 'S2',
      severity: 'high',
      category: 'stalkerware',
      evidence: { reasons: [reason('a'), reason('b')] },
    });
    const low = finding({ id: 'L', severity: 'low', category: 'stalkerware' });
    expect(sortFindings([low, posture, behaviour, spyOne, spyTwo]).map((f) => f.id)).toEqual([
      'S2',
      'S1',
      'B',
      'P',
      'L',
    ]);
  });

  it('shows the maker with a capital letter, without repeating it', () => {
    expect(displayDeviceName('samsung', 'SM-A125F')).toBe('Samsung SM-A125F');
    expect(displayDeviceName('OnePlus', 'OnePlus 9')).toBe('OnePlus 9');
    expect(displayDeviceName('HUAWEI', 'ELS-NX9')).toBe('HUAWEI ELS-NX9');
    expect(displayDeviceName(undefined, undefined)).toBe('');
    const m = buildReportModel({ snapshot: sampleSnapshot(), findings: sampleFindings(), meta });
    expect(m.deviceSummary).toBe('Samsung SM-A515F, Android 13');
    // The evidence keeps the value exactly as the phone gave it.
    expect(m.evidence.scan).toContainEqual(['Manufacturer', 'samsung']);
  });

  it('does not repeat the phone under every setting, lists accounts, and spares info notes the warning box', () => {
    const device = finding({
      id: 'D',
      severity: 'info',
      category: 'device-posture',
      title: 'USB debugging is on',
      subject: { type: 'device', id: 'R58M40ABCDE', label: 'samsung SM-A515F' },
    });
    const accounts = finding({
      id: 'A',
      severity: 'low',
      category: 'device-posture',
      title: 'More than one Google account on this phone',
      subject: { type: 'account', id: 'accounts', label: 'Accounts on this phone' },
    });
    const findings: FindingsDoc = {
      schema: 1,
      summary: { high: 0, medium: 0, low: 1, info: 1 },
      findings: [device, accounts],
    };
    const m = buildReportModel({ snapshot: sampleSnapshot(), findings, meta });
    const [acc] = m.groups[0]!.findings;
    const [dev] = m.groups[1]!.findings;
    expect(dev!.showSubject).toBe(false);
    expect(dev!.safety).toEqual([]);
    expect(m.groups[1]!.safety).toEqual([]);
    expect(acc!.showSubject).toBe(false);
    expect(acc!.accounts).toEqual(['someone@example.com (Google)']);
    // the accounts group says the safety advice once, above its findings
    expect(m.groups[0]!.safety.length).toBeGreaterThan(0);

    const terminal = renderTerminal(m, { color: false });
    expect(terminal).toContain('USB debugging is on\n');
    expect(terminal).not.toContain('R58M40ABCDE');
    expect(terminal).not.toContain('Accounts on this phone (accounts)');
    const text = renderText(m);
    const caseworker = text.slice(0, text.indexOf('Evidence (for police)'));
    expect(caseworker).not.toContain('R58M40ABCDE');
    expect(caseworker).toContain('someone@example.com (Google)');
    // Police still see the exact subject.
    expect(text.slice(text.indexOf('Evidence (for police)'))).toContain('device R58M40ABCDE');
    const html = renderHtml(m);
    expect(html.split('<section class="evidence"')[0]).not.toContain('R58M40ABCDE');
    expect((html.match(/Before you do anything/g) ?? []).length).toBe(1);
  });
});
