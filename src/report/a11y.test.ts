import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './browser.js';
import { renderHtml } from './html.js';
import { buildReportModel } from './model.js';
import { sampleFindings, sampleSnapshot } from './testdata/sample.js';

const require = createRequire(import.meta.url);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

describe.skipIf(!hasChromium)(
  'report.html accessibility (skipped: /usr/bin/chromium not installed)',
  () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    beforeAll(async () => {
      browser = await launchChromium();
    }, 30_000);
    afterAll(async () => {
      await browser?.close();
    });

    const html = renderHtml(
      buildReportModel({
        snapshot: sampleSnapshot({ complete: false }),
        findings: sampleFindings(),
        meta: {
          generatedAt: '2025-03-04T14:07:00Z',
          tool: { name: 'spycheck', version: '0.1.0' },
          rules: [{ id: 'spycheck-core', version: '1', sha256: 'ab'.repeat(32) }],
        },
      }),
    );

    for (const width of [1280, 375]) {
      it(`has no serious or critical axe violations at ${width}px`, async () => {
        // bypassCSP: the report's own policy forbids every script, including axe.
        const context = await browser.newContext({
          bypassCSP: true,
          viewport: { width, height: 800 },
        });
        const page = await context.newPage();
        const requests: string[] = [];
        page.on('request', (r) => {
          if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
        });
        await page.setContent(html);
        await page.addScriptTag({
          content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'),
        });
        const violations = (await page.evaluate(async () => {
          // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page
          const result = await (globalThis as any).axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] },
          });
          return result.violations;
        })) as AxeViolation[];
        const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(
          bad.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
        ).toEqual([]);
        expect(requests).toEqual([]);
        // Nothing wider than the screen (no sideways scrolling on a phone).
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
        await context.close();
      }, 60_000);
    }
  },
);
