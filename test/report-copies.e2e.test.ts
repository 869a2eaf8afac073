/**
 * Two copies from one bundle: the survivor's report.pdf (short, safe to take home) and the
 * police annex evidence.pdf (exhibit lines, the phone's clock, how to check the files). Every
 * page of both carries the case reference and the bundle id, so a loose page finds its way back.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

const hasPdftotext = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'].some(existsSync);

/** Page objects in a PDF pdfkit wrote (its page dictionaries are not compressed). */
const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

const pagesText = (file: string): string[] =>
  execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);

describe('the survivor copy and the police annex of the infected demo phone', () => {
  const out = join(tempDir(), 'bundle');
  let bundleId = '';

  it('scans, and writes both PDFs beside the other reports', async () => {
    const r = await runCli([
      'scan',
      '--demo',
      'infected-a12',
      '--out',
      out,
      '--case',
      'DV-TEST-7',
      '--examiner',
      'Sam Jones',
      '--consent',
    ]);
    expect([0, 3]).toContain(r.code);
    for (const f of ['report.pdf', 'evidence.pdf', 'report.html', 'SHA256SUMS']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(r.stdout).toContain(`For the police: ${join(out, 'evidence.pdf')}`);
    bundleId = createHash('sha256')
      .update(readFileSync(join(out, 'snapshot.json')))
      .digest('hex')
      .slice(0, 12);
  });

  it('keeps the survivor copy to four pages at most', () => {
    const pages = pageCount(readFileSync(join(out, 'report.pdf')));
    expect(pages).toBeGreaterThan(0);
    expect(pages).toBeLessThanOrEqual(4);
  });

  it.skipIf(!hasPdftotext)(
    'puts the case reference and bundle id on every page of both (skipped: pdftotext not installed)',
    () => {
      for (const file of ['report.pdf', 'evidence.pdf']) {
        const pages = pagesText(join(out, file));
        expect(pages.length, file).toBeGreaterThan(0);
        pages.forEach((p, i) => {
          expect(p, `${file} page ${i + 1}`).toContain('Case DV-TEST-7');
          expect(p, `${file} page ${i + 1}`).toContain(`Bundle ${bundleId}`);
        });
      }
    },
  );

  it.skipIf(!hasPdftotext)(
    'gives the annex what an officer needs, and keeps it out of the survivor copy (skipped: pdftotext not installed)',
    () => {
      const annex = pagesText(join(out, 'evidence.pdf')).join('\n').replace(/\s+/g, ' ');
      expect(annex).toContain('Exhibit reference');
      expect(annex).toContain('Place of examination');
      expect(annex).toMatch(/IMEI Dial \*#06# on the phone .* cannot be read over USB debugging/);
      // the demo phone runs 192 s fast
      expect(annex).toMatch(/the phone is 19[1-3] s ahead of this computer/);
      expect(annex).toContain('sha256sum -c SHA256SUMS');
      expect(annex).toMatch(/F1: Known stalkerware/);
      const survivor = pagesText(join(out, 'report.pdf')).join('\n').replace(/\s+/g, ' ');
      expect(survivor).toContain('At a glance');
      expect(survivor).toContain('National Domestic Abuse Helpline');
      expect(survivor).not.toContain('Raw outputs');
      expect(survivor).not.toContain('sha256');
    },
  );

  it('re-renders the annex from the bundle with the same id (spycheck report --format evidence)', async () => {
    const again = join(tempDir(), 'again');
    const r = await runCli(['report', out, '--format', 'evidence', '--out', again]);
    expect(r.code).toBe(0);
    expect(existsSync(join(again, 'evidence.pdf'))).toBe(true);
    expect(existsSync(join(again, 'report.pdf'))).toBe(false);
    if (hasPdftotext) {
      expect(pagesText(join(again, 'evidence.pdf'))[0]).toContain(`Bundle ${bundleId}`);
    }
  });
});
