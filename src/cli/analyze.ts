import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { analyzeSnapshot } from '../analyze/analyze.js';
import { compileRules } from '../analyze/compile.js';
import { writeBundle } from '../report/bundle.js';
import { defaultBundleDir, loadScanRules } from '../scan/runScan.js';
import { androidSnapshotSchema } from '../snapshot/schema.js';
import type { AndroidSnapshot } from '../snapshot/types.js';
import { SNAPSHOT_SCHEMA } from '../snapshot/types.js';
import { toolInfo } from '../util/packageRoot.js';
import { type CliContext, EXIT } from './context.js';
import { parseFormats, REPORT_FORMATS, type ReportFormat } from './scan.js';
import { printScanSummary } from './scanSummary.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Re-runs today's rules over a saved bundle's snapshot into a NEW bundle that
 * names the one it came from; the original stays untouched as evidence.
 */
export function analyzeCommand(ctx: CliContext): Command {
  return new Command('analyze')
    .description('Check a saved evidence bundle again with the current rules (writes a new bundle)')
    .argument('<input>', 'an evidence bundle folder written by "spycheck scan"')
    .option('--out <dir>', 'where to write the new bundle')
    .option('--rules <path>', 'add a rule pack (file or folder); can be repeated', collect, [])
    .option('--no-default-rules', 'do not use the rule packs that come with spycheck')
    .option('--format <list>', 'reports to write: text,html,pdf,json', parseFormats, [
      ...REPORT_FORMATS,
    ])
    .option('--json', 'print findings.json on stdout (and nothing else)')
    .action(
      async (
        input: string,
        opts: {
          out?: string;
          rules: string[];
          defaultRules: boolean;
          format: ReportFormat[];
          json?: boolean;
        },
      ) => {
        const dir = resolve(input);
        const snapPath = join(dir, 'snapshot.json');
        if (!existsSync(dir) || !statSync(dir).isDirectory() || !existsSync(snapPath)) {
          ctx.stderr.write(
            `${input} is not an evidence bundle (no snapshot.json). "spycheck analyze" reads bundles written by "spycheck scan"; androidqf and bugreport imports are not available yet.\n`,
          );
          ctx.exit(EXIT.usage);
          return;
        }
        let snapshot: AndroidSnapshot;
        try {
          const parsed = androidSnapshotSchema.safeParse(
            JSON.parse(readFileSync(snapPath, 'utf8')),
          );
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new Error(
              `it is not a snapshot this version of spycheck reads (schema ${SNAPSHOT_SCHEMA}): ${issue?.path.join('.') || '(top)'}: ${issue?.message}`,
            );
          }
          snapshot = parsed.data as AndroidSnapshot;
        } catch (e) {
          ctx.stderr.write(
            `Could not read ${snapPath}: ${e instanceof Error ? e.message : String(e)}\n`,
          );
          ctx.exit(EXIT.error);
          return;
        }
        const packs = await loadScanRules(ctx, {
          rules: opts.rules,
          defaultRules: opts.defaultRules,
        });
        if (!packs) {
          ctx.exit(EXIT.error);
          return;
        }
        const findings = analyzeSnapshot(snapshot, compileRules(packs));
        const manifestPath = join(dir, 'manifest.json');
        const manifestSha256 = existsSync(manifestPath)
          ? createHash('sha256').update(readFileSync(manifestPath)).digest('hex')
          : '';
        const out = resolve(
          opts.out ??
            `${defaultBundleDir(snapshot.started, snapshot.device.serial)}-reanalysed-${Date.now().toString(36)}`,
        );
        const raw = readRaw(dir, snapshot);
        const written = await writeBundle({
          dir: out,
          snapshot,
          findings,
          raw,
          case: readCase(dir),
          rules: packs.map((p) => ({ id: p.id, version: p.version, sha256: p.sha256 })),
          formats: opts.format,
          tool: toolInfo(),
          env: ctx.env,
          derivedFrom: { bundle: basename(dir), manifestSha256 },
        });
        if (opts.json) ctx.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
        printScanSummary(ctx, { snapshot, findings, bundleDir: written.dir, toStderr: opts.json });
        ctx.exit(snapshot.complete ? EXIT.ok : EXIT.incomplete);
      },
    );
}

function readRaw(dir: string, snapshot: AndroidSnapshot) {
  return snapshot.raw.flatMap((record) => {
    const p = join(dir, 'raw', record.file);
    return existsSync(p) ? [{ record, data: readFileSync(p) }] : [];
  });
}

function readCase(dir: string): { ref?: string; examiner?: string; consent: boolean } {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    return { ref: m.case?.ref, examiner: m.case?.examiner, consent: m.case?.consent === true };
  } catch {
    return { consent: false };
  }
}
