import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { buildReportModel, type ReportMeta } from './model.js';
import { renderPdf } from './pdf.js';
import { renderTerminal } from './terminal.js';
import { sampleFindings, sampleSnapshot } from './testdata/sample.js';
import { renderText } from './text.js';

const hasTool = (name: string) =>
  ['/usr/bin', '/usr/local/bin', '/bin'].some((d) => existsSync(join(d, name)));
const hasPdftoppm = hasTool('pdftoppm');
const hasPdftotext = hasTool('pdftotext');

const tmp = mkdtempSync(join(tmpdir(), 'spycheck-render-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const meta: ReportMeta = {
  caseRef: 'DV-2025-0142',
  examiner: 'A. Caseworker',
  consent: true,
  generatedAt: '2025-03-04T14:07:00Z',
  tool: { name: 'spycheck', version: '0.1.0' },
  rules: [{ id: 'spycheck-core', version: '2025.03.1', sha256: 'ab'.repeat(32) }],
  bundleDir: '/tmp/bundle',
  signedBy: '1a2b 3c4d',
};
const model = buildReportModel({ snapshot: sampleSnapshot(), findings: sampleFindings(), meta });
const ESC_OR_BIDI = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]/;

describe('renderers with hostile app names', () => {
  it('terminal: no escape sequences, plain when colour is off', () => {
    const plain = renderTerminal(model, { color: false });
    expect(plain).not.toMatch(ESC_OR_BIDI);
    expect(plain).toContain('gpj.exeSystem');
    expect(plain).toContain('What we could not check:');
    expect(plain).toContain('Evidence bundle: /tmp/bundle');
    const coloured = renderTerminal(model, { color: true });
    // Only our own SGR colour codes: ESC [ digits;… m, never 2J, OSC or bidi.
    const withoutSgr = coloured.replace(/\x1b\[[0-9;]*m/g, '');
    expect(withoutSgr).not.toMatch(ESC_OR_BIDI);
    expect(coloured).not.toBe(plain);
  });

  it('text: no controls or bidi; the evidence section shows the hidden characters', () => {
    const text = renderText(model);
    expect(text).not.toMatch(ESC_OR_BIDI);
    expect(text).toContain('<U+202E>gpj.exe<U+001B>[2J');
    expect(text).toContain('could be in more danger');
    expect(text).toContain('contains hidden characters');
  });

  it('html: hostile markup is escaped and nothing external can load', () => {
    const html = renderHtml(model);
    expect(html).not.toMatch(ESC_OR_BIDI);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    // The OSC 8 link text is dropped from the caseworker's part; police see it as inert text.
    const [caseworkerPart, evidencePart] = html.split('<section class="evidence"');
    expect(caseworkerPart).not.toContain('evil.example');
    expect(evidencePart).toContain('&lt;U+001B&gt;]8;;https://evil.example/');
    expect(html).toContain('<html lang="en-GB">');
    expect(html).toMatch(/<main>[\s\S]*<\/main>/);
    expect(html).toContain("default-src 'none'");
  });

  it('every renderer says what could not be checked and that clean is not proof', () => {
    const outputs = [renderText(model), renderHtml(model), renderTerminal(model, { color: false })];
    for (const out of outputs) {
      expect(out).toContain('Computers this phone trusts');
      expect(out).toMatch(/does not prove the phone is safe/);
    }
  });
});

describe('renderPdf', () => {
  it('writes a PDF with metadata', async () => {
    const pdf = await renderPdf(model, { creationDate: new Date('2025-03-04T14:07:00Z') });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/Title');
  });

  it.skipIf(!hasPdftoppm)('renders with pdftoppm (skipped: pdftoppm not installed)', async () => {
    const file = join(tmp, 'r.pdf');
    writeFileSync(file, await renderPdf(model));
    execFileSync('pdftoppm', ['-r', '30', '-png', file, join(tmp, 'page')]);
    const pages = readdirSync(tmp).filter((f) => f.startsWith('page'));
    expect(pages.length).toBeGreaterThan(2);
  });

  it.skipIf(!hasPdftotext)(
    'has page numbers, no hostile characters, and non-Latin names (skipped: pdftotext not installed)',
    async () => {
      const snapshot = sampleSnapshot();
      const findings = sampleFindings();
      findings.findings[2]!.subject.label = 'Локатор Ελληνικά';
      const m = buildReportModel({ snapshot, findings, meta });
      const file = join(tmp, 'u.pdf');
      writeFileSync(file, await renderPdf(m));
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8');
      expect(text).toMatch(/Page 1 of \d+/);
      expect(text).toContain('Локатор Ελληνικά');
      expect(text).toContain('What we could not check');
      expect(text).not.toMatch(/[\u202a-\u202e\x1b]/);
    },
  );
});
