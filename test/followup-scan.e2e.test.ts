/**
 * Issue 12, must show: `scan --baseline` puts what changed since the last check in the report,
 * before the findings, and records which check it was compared with; `--purpose second-phone`
 * reads a covert second phone strictly, says so in every report, and gives the hand-over
 * checklist, while a plain scan of the same phone treats its account as information.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

const dir = tempDir();
const handover = join(dir, 'handover');
const later = join(dir, 'later');
const read = (bundle: string, file: string) => readFileSync(join(bundle, file), 'utf8');
const json = <T>(bundle: string, file: string) => JSON.parse(read(bundle, file)) as T;

interface FindingsJson {
  purpose?: string;
  findings: { id: string; rule: string; severity: string; subject: { id: string } }[];
  sinceBaseline?: {
    manifestSha256: string;
    verified: boolean;
    samePhone: boolean;
    changes: { kind: string; subject: { id: string }; severity: string; words: string }[];
    notCompared: string[];
  };
}

beforeAll(async () => {
  const first = await runCli([
    'scan',
    '--demo',
    'clean-pixel14',
    '--out',
    handover,
    '--format',
    'json',
  ]);
  expect([0, 3], first.stderr).toContain(first.code);
  const r = await runCli([
    'scan',
    '--demo',
    'clean-pixel14-later',
    '--out',
    later,
    '--format',
    'text,html,json',
    '--baseline',
    handover,
  ]);
  expect([0, 3], r.stderr).toContain(r.code);
}, 120_000);

/** The lines of report.txt's section with this heading, up to the next heading. */
function section(text: string, heading: RegExp): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return [];
  const rest = lines.slice(start + 2);
  const end = rest.findIndex((l, i) => /^[=-]{3,}$/.test(rest[i + 1] ?? '') && l !== '');
  return rest.slice(0, end < 0 ? undefined : end);
}

describe('scan --baseline: the report says what changed since the last check', () => {
  it('lists exactly the three changes under "since the last check", before the findings', () => {
    const text = read(later, 'report.txt');
    const since = section(text, /^Since the last check on \d{1,2} \w+ \d{4}$/);
    // a bullet's wrapped lines joined back into one
    const items = since
      .join('\n')
      .split(/\n(?=- )/)
      .filter((b) => b.startsWith('- '))
      .map((b) =>
        b
          .slice(2)
          .split('\n')
          .filter((l) => l.startsWith('  ') || !l.startsWith('A '))
          .map((l) => l.trim())
          .join(' '),
      );
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/^Serious: New app since the last check: Update Service/);
    expect(items.slice(1).sort()).toEqual([
      expect.stringMatching(
        /^Could track or control you: A new account was added since the last check: jay\.harlow\.84@gmail\.com/,
      ),
      expect.stringMatching(/^Could track or control you: Play Protect app checks were turned off/),
    ]);
    expect(since.join(' ')).toMatch(/talk to your support worker/);
    // before the findings: the section comes before "At a glance" and "What we found"
    expect(text.indexOf('Since the last check on')).toBeLessThan(text.indexOf('At a glance'));
    expect(text.indexOf('Since the last check on')).toBeLessThan(text.indexOf('What we found'));
  });

  it('keeps the comparison in findings.json and the earlier manifest hash in the signed manifest', async () => {
    const f = json<FindingsJson>(later, 'findings.json');
    const b = f.sinceBaseline!;
    expect(b.samePhone && b.verified).toBe(true);
    expect(b.notCompared).toEqual([]);
    expect(b.changes.map((c) => [c.kind, c.subject.id]).sort()).toEqual([
      ['account-added', 'jay.harlow.84@gmail.com'],
      ['app-installed', 'update.service.android'],
      ['setting-changed', 'global.package_verifier_enable'],
    ]);
    const earlier = createHash('sha256')
      .update(readFileSync(join(handover, 'manifest.json')))
      .digest('hex');
    expect(b.manifestSha256).toBe(earlier);
    const m = json<{ baseline?: { manifestSha256: string; verified: boolean } }>(
      later,
      'manifest.json',
    );
    expect(m.baseline).toEqual({ manifestSha256: earlier, verified: true });
    expect((await runCli(['verify', later])).code).toBe(0);
    // a report made again from the bundle says the same
    const again = await runCli(['report', later, '--format', 'text', '--out', join(dir, 'again')]);
    expect(again.code, again.stderr).toBe(0);
    expect(read(join(dir, 'again'), 'report.txt')).toContain(
      'A new account was added since the last check',
    );
    // the HTML report shows the section too
    expect(read(later, 'report.html')).toMatch(/<h2 id="since-h">Since the last check on/);
  });

  it('says first that an earlier bundle did not verify, and still compares it', async () => {
    const changed = join(dir, 'changed');
    const r = await runCli([
      'scan',
      '--demo',
      'clean-pixel14',
      '--out',
      changed,
      '--format',
      'json',
    ]);
    expect([0, 3]).toContain(r.code);
    const file = join(changed, 'snapshot.json');
    writeFileSync(
      file,
      read(changed, 'snapshot.json').replace('"complete": true', '"complete": true '),
    );
    const out = join(dir, 'after-changed');
    const s = await runCli([
      'scan',
      '--demo',
      'clean-pixel14-later',
      '--out',
      out,
      '--format',
      'text,json',
      '--baseline',
      changed,
    ]);
    expect([0, 3]).toContain(s.code);
    const since = section(read(out, 'report.txt'), /^Since the last check/);
    expect(since.join(' ')).toMatch(/^Warning: the earlier check.s files did not pass/);
    expect(json<FindingsJson>(out, 'findings.json').sinceBaseline?.verified).toBe(false);
  });

  it('compares nothing with a check of another phone, and says so', async () => {
    const other = join(dir, 'other');
    await runCli(['scan', '--demo', 'infected-a12', '--out', other, '--format', 'json']);
    const out = join(dir, 'vs-other');
    const s = await runCli([
      'scan',
      '--demo',
      'clean-pixel14',
      '--out',
      out,
      '--format',
      'text,json',
      '--baseline',
      other,
    ]);
    expect([0, 3]).toContain(s.code);
    const b = json<FindingsJson>(out, 'findings.json').sinceBaseline!;
    expect(b.samePhone).toBe(false);
    expect(b.changes).toEqual([]);
    expect(read(out, 'report.txt')).toMatch(/The earlier check was of another phone \(serial R58R/);
  });

  it('stops before reading the phone when the earlier check cannot be read', async () => {
    const out = join(dir, 'never');
    const s = await runCli([
      'scan',
      '--demo',
      'clean-pixel14',
      '--out',
      out,
      '--baseline',
      join(dir, 'nope'),
    ]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/earlier check given with --baseline could not be used/);
    expect(s.stderr).not.toMatch(/Reading the phone/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('scan --purpose second-phone', () => {
  const plain = join(dir, 'second-plain');
  const strict = join(dir, 'second-strict');
  beforeAll(async () => {
    for (const [out, extra] of [
      [plain, []],
      [strict, ['--purpose', 'second-phone']],
    ] as const) {
      const r = await runCli([
        'scan',
        '--demo',
        'second-phone-a14',
        '--out',
        out,
        '--format',
        'text,html,json',
        ...extra,
      ]);
      expect([0, 3], r.stderr).toContain(r.code);
    }
  }, 120_000);

  const severityOf = (bundle: string, pred: (f: FindingsJson['findings'][number]) => boolean) =>
    json<FindingsJson>(bundle, 'findings.json').findings.find(pred)?.severity;

  it('a plain scan treats the everyday account as information', () => {
    expect(severityOf(plain, (f) => f.subject.id === 'accounts')).toBe('info');
    expect(json<FindingsJson>(plain, 'findings.json').purpose).toBeUndefined();
  });

  it('as a second phone, the account and the family locator are at least medium, each with what to do', () => {
    const f = json<FindingsJson>(strict, 'findings.json');
    expect(f.purpose).toBe('second-phone');
    const account = f.findings.find((x) => x.subject.id === 'accounts')!;
    expect(account.rule).toBe('second-phone.account');
    expect(account.severity).toBe('medium');
    const locator = f.findings.find((x) => x.subject.id === 'com.life360.android.safetymapd')!;
    expect(['medium', 'high']).toContain(locator.severity);
    // never both the everyday note and the second phone's finding about the account
    expect(f.findings.filter((x) => x.subject.id === 'accounts')).toHaveLength(1);
    const text = read(strict, 'report.txt');
    expect(text).toMatch(/An account is signed in on the second phone/);
    expect(text).toMatch(/What to do next: Check every account listed here/);
  });

  it('says in every report that the phone was judged as a second phone, with the hand-over checklist', () => {
    const text = read(strict, 'report.txt');
    expect(text.split('\n').slice(0, 4).join(' ')).toMatch(
      /checked as a second phone that must stay secret/i,
    );
    expect(text).toMatch(/Before the second phone is handed over/);
    expect(text).toMatch(/Charge it somewhere the other person does not go/);
    const html = read(strict, 'report.html');
    expect(html).toMatch(
      /<p class="headline[^"]*">Checked as a second phone that must stay secret\./,
    );
    expect(html).toContain('Before the second phone is handed over');
    const m = json<{ purpose?: string }>(strict, 'manifest.json');
    expect(m.purpose).toBe('second-phone');
    expect(read(plain, 'report.txt')).not.toMatch(/second phone/i);
  });
});

describe('analyze BUNDLE of a second phone', () => {
  it('judges it again as a second phone', async () => {
    const src = join(dir, 'second-src');
    const s = await runCli([
      'scan',
      '--demo',
      'second-phone-a14',
      '--out',
      src,
      '--format',
      'json',
      '--purpose',
      'second-phone',
    ]);
    expect([0, 3]).toContain(s.code);
    const out = join(dir, 'second-again');
    const r = await runCli(['analyze', src, '--out', out, '--format', 'text,json']);
    expect([0, 3], r.stderr).toContain(r.code);
    const f = json<FindingsJson>(out, 'findings.json');
    expect(f.purpose).toBe('second-phone');
    expect(f.findings.find((x) => x.subject.id === 'accounts')?.severity).toBe('medium');
  });
});
