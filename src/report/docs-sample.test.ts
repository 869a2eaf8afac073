/**
 * Renders the sample report into docs/ (docs/sample/, docs/screenshots/).
 * Only runs when asked: SPYCHECK_RENDER_DOCS=1 npx vitest run src/report/docs-sample.test.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { hasChromium, launchChromium } from './browser.js';
import { renderEvidencePdf } from './evidencePdf.js';
import { renderHtml } from './html.js';
import { buildReportModel } from './model.js';
import { renderPdf } from './pdf.js';
import { sampleFindings, sampleSnapshot } from './testdata/sample.js';
import { renderText } from './text.js';

const enabled = process.env.SPYCHECK_RENDER_DOCS === '1';
const root = join(import.meta.dirname, '..', '..', 'docs');

describe.skipIf(!enabled)('docs sample (set SPYCHECK_RENDER_DOCS=1 to render)', () => {
  it('renders docs/sample', async () => {
    const when = new Date('2025-03-04T14:07:00Z');
    const model = buildReportModel({
      snapshot: sampleSnapshot(),
      findings: sampleFindings(),
      meta: {
        caseRef: 'DV-2025-0142',
        examiner: 'A. Caseworker',
        consent: true,
        generatedAt: when.toISOString(),
        tool: { name: 'spycheck', version: '0.1.0' },
        rules: [{ id: 'spycheck-core', version: '2025.03.1', sha256: 'ab'.repeat(32) }],
        signedBy: '3f9a 1c0e 77b2 d41e 0a6c 5b9d 2e81 f0c4 9a3d 6e12 b7f0 44c8 1d5e a9b3 c260 8f17',
      },
    });
    const sample = join(root, 'sample');
    // docs/screenshots/ holds pictures of a real demo scan; the sample's go beside the sample
    const shots = join(root, 'sample', 'screenshots');
    mkdirSync(sample, { recursive: true });
    mkdirSync(shots, { recursive: true });
    const html = renderHtml(model);
    writeFileSync(join(sample, 'report.html'), html);
    writeFileSync(join(sample, 'report.txt'), renderText(model));
    writeFileSync(join(sample, 'report.pdf'), await renderPdf(model, { creationDate: when }));
    writeFileSync(
      join(sample, 'evidence.pdf'),
      await renderEvidencePdf(model, { creationDate: when }),
    );

    if (existsSync('/usr/bin/pdftoppm')) {
      execFileSync('pdftoppm', [
        '-r',
        '70',
        '-png',
        '-f',
        '1',
        '-l',
        '2',
        join(sample, 'report.pdf'),
        join(shots, 'pdf-page'),
      ]);
      for (const [from, to] of [
        ['pdf-page-1.png', 'pdf-page-1.png'],
        ['pdf-page-2.png', 'pdf-page-2.png'],
      ]) {
        if (existsSync(join(shots, from!))) renameSync(join(shots, from!), join(shots, to!));
      }
    }
    if (hasChromium) {
      const browser = await launchChromium();
      try {
        for (const [name, width, height] of [
          ['html-desktop', 1280, 900],
          ['html-phone', 390, 844],
        ] as const) {
          const page = await browser.newPage({ viewport: { width, height } });
          await page.setContent(html);
          await page.screenshot({ path: join(shots, `${name}.png`) });
          await page.locator('#found').scrollIntoViewIfNeeded();
          await page.evaluate(() => document.getElementById('found')?.scrollIntoView());
          await page.screenshot({ path: join(shots, `${name}-findings.png`) });
          await page.close();
        }
      } finally {
        await browser.close();
      }
    }
  }, 120_000);
});
