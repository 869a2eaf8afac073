/**
 * `spycheck report BUNDLE [--format text,html,pdf,evidence] [--out DIR]`: re-render the
 * reports from a saved bundle's findings.json and snapshot.json.
 *
 * The reports go to a NEW folder (default: beside the bundle, named
 * "<bundle>-report-<UTC time>"), never into the bundle: adding files to a
 * signed bundle would make it fail verification, and re-signing it would hide
 * that it was touched. The bundle is verified first and the result is
 * printed in the new report's evidence section.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import type { FindingsDoc } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Manifest } from '../report/bundle.js';
import { REPORT_FILES } from '../report/formats.js';

/** findings.json and snapshot.json of real scans are a few MB. */
const MAX_READ_BYTES = 512 * 1024 * 1024;

import { toolInfo } from '../util/packageRoot.js';
import { forTerminal, hasHiddenCharacters } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

/** pdf: the survivor's report.pdf; evidence: the police annex evidence.pdf */
type RenderFormat = 'text' | 'html' | 'pdf' | 'evidence';
const RENDER_FORMATS: readonly RenderFormat[] = ['text', 'html', 'pdf', 'evidence'];

export function parseFormats(value: string): { formats: RenderFormat[]; notes: string[] } {
  const formats: RenderFormat[] = [];
  const notes: string[] = [];
  for (const raw of value.split(',').map((s) => s.trim().toLowerCase())) {
    if (!raw) continue;
    if (raw === 'json') {
      notes.push('json: findings.json is already in the bundle; nothing to re-render.');
      continue;
    }
    if (!(RENDER_FORMATS as readonly string[]).includes(raw)) {
      throw new Error(`Unknown format ${JSON.stringify(raw)}: use text, html, pdf, evidence`);
    }
    if (!formats.includes(raw as RenderFormat)) formats.push(raw as RenderFormat);
  }
  return { formats, notes };
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

import { tolerantSnapshot } from '../report/tolerantSnapshot.js';

export { tolerantSnapshot };

export function reportCommand(ctx: CliContext): Command {
  return new Command('report')
    .description('write the reports again from a saved evidence bundle (into a new folder)')
    .argument('<bundle>', 'the bundle folder')
    .option(
      '--format <list>',
      'which reports: text,html,pdf (survivor copy),evidence (police annex)',
      'text,html,pdf,evidence',
    )
    .option('--out <dir>', 'folder for the reports (new or empty; default: beside the bundle)')
    .action(async (bundle: string, opts: { format: string; out?: string }) => {
      let formats: RenderFormat[];
      try {
        const parsed = parseFormats(opts.format);
        formats = parsed.formats;
        for (const n of parsed.notes) ctx.stderr.write(`${forTerminal(n, { maxLength: 500 })}\n`);
      } catch (err) {
        ctx.stderr.write(`${forTerminal((err as Error).message, { maxLength: 500 })}\n`);
        ctx.exit(EXIT.usage);
        return;
      }
      // loaded when the command runs, one at a time (the PDF renderers only for a PDF, below)
      const { MANIFEST_FILE } = await import('../report/bundle.js');
      const { makePrivateDir, readPlainFile, writeFileAtomic } = await import('../report/files.js');
      const { trustedFingerprints } = await import('../report/keys.js');
      const { buildReportModel } = await import('../report/model.js');
      const { verifyBundle } = await import('../report/verify.js');
      const { loadContact } = await import('../config/config.js');

      // Verify first and render exactly the bytes that were checked: a file
      // swapped between two reads must never be what the report shows.
      const verification = await verifyBundle(bundle, {
        trustedFingerprints: trustedFingerprints(ctx.env),
        keepBytes: ['findings.json', 'snapshot.json'],
      });
      const read = async (name: string): Promise<string> => {
        const kept = name === MANIFEST_FILE ? verification.manifestBytes : undefined;
        const bytes =
          kept ??
          verification.checkedFiles?.get(name) ??
          (await readPlainFile(join(bundle, name), { maxBytes: MAX_READ_BYTES, within: bundle }));
        return bytes.toString('utf8');
      };

      let findings: FindingsDoc;
      let snapshot: Snapshot;
      let manifest: Partial<Manifest> = {};
      // the id in every page footer: the start of snapshot.json's SHA-256, as the bundle holds it
      let snapshotBundleId: string;
      try {
        findings = JSON.parse(await read('findings.json'));
        if (!findings || !Array.isArray(findings.findings)) {
          throw new Error('findings.json has no findings list');
        }
        const snapshotText = await read('snapshot.json');
        snapshotBundleId = createHash('sha256').update(snapshotText).digest('hex').slice(0, 12);
        snapshot = tolerantSnapshot(JSON.parse(snapshotText));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT' || code === 'ENOTDIR'
            ? 'it is not an evidence bundle written by "spycheck scan" (no findings.json and snapshot.json there)'
            : forTerminal((err as Error).message, { maxLength: 500 });
        ctx.stderr.write(
          `Could not read the bundle at ${forTerminal(bundle, { maxLength: 1000 })}: ${why}\n`,
        );
        ctx.exit(EXIT.error);
        return;
      }
      try {
        manifest = JSON.parse(await read(MANIFEST_FILE));
      } catch {
        // verifyBundle reported the missing or damaged manifest.
      }

      if (!verification.ok) {
        // the summary names files found in the bundle: hostile names must not reach the terminal
        ctx.stderr.write(`Warning: ${forTerminal(verification.summary, { maxLength: 2000 })}\n`);
        for (const p of verification.problems) {
          ctx.stderr.write(`  - ${forTerminal(p.message, { maxLength: 1000 })}\n`);
        }
        ctx.stderr.write('The new report says so in its evidence section.\n');
      }

      const now = new Date();
      const source = resolve(bundle);
      const out = opts.out ?? join(dirname(source), `${basename(source)}-report-${stamp(now)}`);
      const { contact, warning: contactWarning } = await loadContact(ctx.env);
      if (contactWarning)
        ctx.stderr.write(`Warning: ${forTerminal(contactWarning, { maxLength: 1000 })}\n`);
      const model = buildReportModel({
        snapshot,
        findings,
        meta: {
          contact,
          bundleId: snapshotBundleId,
          caseRef: manifest.case?.ref ?? undefined,
          examiner: manifest.case?.examiner ?? undefined,
          consent: manifest.case?.consent,
          generatedAt: now.toISOString(),
          tool: manifest.tool ?? toolInfo(),
          rules: Array.isArray(manifest.rules) ? manifest.rules : [],
          signedBy: verification.signedBy,
          derivedFrom: manifest.derivedFrom,
          renderedFrom: {
            bundle: source,
            verified: verification.ok,
            summary: verification.summary,
          },
        },
      });

      try {
        const existing = await readdir(out).catch(() => [] as string[]);
        if (existing.length > 0) {
          ctx.stderr.write(
            `${forTerminal(out, { maxLength: 1000 })} is not empty; choose a new folder with --out.\n`,
          );
          ctx.exit(EXIT.usage);
          return;
        }
        await makePrivateDir(out);
        for (const f of formats) {
          const data =
            f === 'text'
              ? (await import('../report/text.js')).renderText(model)
              : f === 'html'
                ? (await import('../report/html.js')).renderHtml(model)
                : f === 'evidence'
                  ? await (await import('../report/evidencePdf.js')).renderEvidencePdf(model, {
                      creationDate: now,
                    })
                  : await (await import('../report/pdf.js')).renderPdf(model, {
                      creationDate: now,
                    });
          await writeFileAtomic(join(out, REPORT_FILES[f]), data);
        }
      } catch (err) {
        ctx.stderr.write(
          `Could not write the reports: ${forTerminal((err as Error).message, { maxLength: 1000 })}\n`,
        );
        ctx.exit(EXIT.error);
        return;
      }
      ctx.stderr.write(
        `Reports written to ${forTerminal(out, { maxLength: 1000 })} (the bundle itself was not changed).\n`,
      );
      // data for scripts: an ordinary path is printed exactly (forTerminal would fold double
      // spaces); one holding escapes or invisible characters is cleaned like any other text
      ctx.stdout.write(
        `${hasHiddenCharacters(out) ? forTerminal(out, { maxLength: 4000 }) : out}\n`,
      );
      ctx.exit(EXIT.ok);
    });
}
