import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { analyzeSnapshot } from '../analyze/analyze.js';
import { compileRules } from '../analyze/compile.js';
import type { RawOutput } from '../device/android/phone.js';
import { type ImportSource, writeBundle } from '../report/bundle.js';
import { safeRelativePath } from '../report/files.js';
import { trustedFingerprints } from '../report/keys.js';
import { forTerminal } from '../report/sanitize.js';
import { verifyBundle } from '../report/verify.js';
import { defaultBundleDir, loadScanRules } from '../scan/runScan.js';
import { detectInput, importAcquisition } from '../snapshot/import/detect.js';
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
    .description(
      'Check a saved evidence bundle, an androidqf acquisition or a bugreport with the current rules (writes a new bundle)',
    )
    .argument('<input>', 'a bundle folder, an androidqf folder or ZIP, or a bugreport ZIP')
    .option('--out <dir>', 'where to write the new bundle')
    .option('--rules <path>', 'add a rule pack (file or folder); can be repeated', collect, [])
    .option('--no-default-rules', 'do not use the rule packs that come with spycheck')
    .option('--format <list>', 'reports to write: text,html,pdf,json', parseFormats, [
      ...REPORT_FORMATS,
    ])
    .option('--json', 'print findings.json on stdout (and nothing else)')
    .action(async (input: string, opts: AnalyzeOptions) => {
      const detected = detectInput(resolve(input));
      if (detected.kind === 'unknown') {
        ctx.stderr.write(
          `${input} cannot be analysed: ${detected.reason}.\n"spycheck analyze" reads an evidence bundle written by "spycheck scan", an androidqf folder or ZIP, or an Android bugreport ZIP.\n`,
        );
        ctx.exit(EXIT.usage);
        return;
      }
      if (detected.kind !== 'bundle') {
        const imported = importAcquisition(detected.kind, detected.files, toolInfo());
        if ('error' in imported) {
          ctx.stderr.write(`Could not import ${input}: ${imported.error}\n`);
          ctx.exit(EXIT.error);
          return;
        }
        const source = {
          kind: detected.kind,
          file: basename(resolve(input)),
          ...(detected.container === 'zip' ? { sha256: sha256File(resolve(input)) } : {}),
        };
        imported.snapshot.warnings.unshift(
          detected.container === 'zip'
            ? `Imported from ${source.file} (${detected.kind} ZIP, SHA-256 ${source.sha256}); not read from the phone by spycheck.`
            : `Imported from the ${detected.kind} folder ${source.file}; not read from the phone by spycheck.`,
        );
        await finish(
          ctx,
          opts,
          imported.snapshot,
          imported.raw,
          { consent: false },
          undefined,
          source,
        );
        return;
      }
      const dir = detected.dir;
      const snapPath = join(dir, 'snapshot.json');
      let snapshot: AndroidSnapshot;
      try {
        const parsed = androidSnapshotSchema.safeParse(JSON.parse(readFileSync(snapPath, 'utf8')));
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
      const manifestPath = join(dir, 'manifest.json');
      const manifestSha256 = existsSync(manifestPath)
        ? createHash('sha256').update(readFileSync(manifestPath)).digest('hex')
        : '';
      // Re-signing must not launder a doctored bundle: check the source first,
      // record the result, and trust none of its case details if it fails.
      const source = await verifyBundle(dir, { trustedFingerprints: trustedFingerprints(ctx.env) });
      if (!source.ok) {
        ctx.stderr.write(
          `Warning: the bundle being re-checked does not verify (${forTerminal(source.summary, { maxLength: 300 })}). The new bundle records this, and its case details are not carried over.\n`,
        );
        snapshot.warnings.push(
          `Made from a bundle that did NOT verify when it was re-checked: ${source.summary}`,
        );
      }
      const warn = (w: string) =>
        ctx.stderr.write(`Warning: ${forTerminal(w, { maxLength: 400 })}\n`);
      await finish(
        ctx,
        opts,
        snapshot,
        readRaw(dir, snapshot, warn),
        source.ok ? readCase(dir) : { consent: false },
        { bundle: basename(dir), manifestSha256, verified: source.ok },
      );
    });
}

interface AnalyzeOptions {
  out?: string;
  rules: string[];
  defaultRules: boolean;
  format: ReportFormat[];
  json?: boolean;
}

/** Judge a snapshot with today's rules, write it as a new signed bundle and say what was found. */
async function finish(
  ctx: CliContext,
  opts: AnalyzeOptions,
  snapshot: AndroidSnapshot,
  raw: RawOutput[],
  caseInfo: { ref?: string; examiner?: string; consent: boolean },
  derivedFrom?: { bundle: string; manifestSha256: string; verified: boolean },
  source?: ImportSource,
): Promise<void> {
  const packs = await loadScanRules(ctx, { rules: opts.rules, defaultRules: opts.defaultRules });
  if (!packs) {
    ctx.exit(EXIT.error);
    return;
  }
  const findings = analyzeSnapshot(snapshot, compileRules(packs));
  const suffix = derivedFrom ? 'reanalysed' : 'imported';
  const out = resolve(
    opts.out ??
      `${defaultBundleDir(snapshot.started, snapshot.device.serial)}-${suffix}-${Date.now().toString(36)}`,
  );
  const written = await writeBundle({
    dir: out,
    snapshot,
    findings,
    raw,
    case: caseInfo,
    rules: packs.map((p) => ({ id: p.id, version: p.version, sha256: p.sha256 })),
    formats: opts.format,
    tool: toolInfo(),
    env: ctx.env,
    ...(derivedFrom ? { derivedFrom } : {}),
    ...(source ? { source } : {}),
  });
  for (const w of written.warnings)
    ctx.stderr.write(`Warning: ${forTerminal(w, { maxLength: 400 })}\n`);
  if (opts.json) ctx.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  printScanSummary(ctx, { snapshot, findings, bundleDir: written.dir, toStderr: opts.json });
  ctx.exit(snapshot.complete ? EXIT.ok : EXIT.incomplete);
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Largest raw output taken over from a saved bundle (real ones are a few MB). */
const MAX_RAW_BYTES = 256 * 1024 * 1024;

/**
 * The saved bundle's raw outputs. Their names come from its snapshot.json,
 * which may have been doctored: only plain files inside raw/ are read, never
 * a path that climbs out (it could copy this computer's signing key) or a
 * device or pipe (it could hang).
 */
function readRaw(dir: string, snapshot: AndroidSnapshot, warn: (s: string) => void) {
  return snapshot.raw.flatMap((record) => {
    const name = safeRelativePath(record.file);
    const p = name ? join(dir, 'raw', name) : undefined;
    const st = p ? lstatSync(p, { throwIfNoEntry: false }) : undefined;
    if (!p || !st?.isFile() || st.size > MAX_RAW_BYTES) {
      warn(
        `Raw output ${JSON.stringify(record.file).slice(0, 120)} was not taken over: not a plain file inside raw/.`,
      );
      return [];
    }
    return [{ record, data: readFileSync(p) }];
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
