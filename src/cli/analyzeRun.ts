import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { analyzeSnapshot } from '../analyze/analyze.js';
import { isComplete } from '../analyze/blindSpots.js';
import { compileRules } from '../analyze/compile.js';
import { isPurpose, type Purpose } from '../model/purpose.js';
import type { RawOutput } from '../model/raw.js';
import type { Snapshot } from '../model/snapshot.js';
import { SNAPSHOT_SCHEMA } from '../model/snapshot.js';
import {
  type DerivedFrom,
  type ImportSource,
  MANIFEST_FILE,
  type Manifest,
  RAW_DIR,
  writeBundle,
} from '../report/bundle.js';
import { readPlainFile, safeRelativePath } from '../report/files.js';
import type { ReportFormat } from '../report/formats.js';
import { trustedFingerprints } from '../report/keys.js';
import { cleanChain, importSourceOf } from '../report/provenance.js';
import { verifyBundle } from '../report/verify.js';
import { defaultBundleDir } from '../scan/bundleDir.js';
import { loadScanRules, packRef, packsUsed } from '../scan/loadRules.js';
import { detectInput, importAcquisition } from '../snapshot/import/detect.js';
import { snapshotSchema } from '../snapshot/schema.js';
import { toolInfo } from '../util/packageRoot.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';
import { exitCodeFor } from './exitCode.js';
import {
  addPrivacyReport,
  isPrivacyReportFile,
  privacyReportSnapshot,
  type ReadPrivacyReport,
  readPrivacyReport,
} from './privacyReportInput.js';
import { printScanSummary } from './scanSummary.js';

/** `spycheck analyze INPUT`: what the command does (loaded when it runs; see ./analyze.ts). */
export async function runAnalyze(
  ctx: CliContext,
  input: string,
  opts: AnalyzeOptions,
): Promise<void> {
  if (isPrivacyReportFile(resolve(input))) {
    await analyzePrivacyReport(ctx, opts, input);
    return;
  }
  if (opts.with !== undefined) {
    ctx.stderr.write(
      `--with is only for an iPhone's App Privacy Report (.ndjson); ${forTerminal(input, { maxLength: 300 })} is not one.\n`,
    );
    ctx.exit(EXIT.usage);
    return;
  }
  const detected = detectInput(resolve(input));
  if (detected.kind === 'unknown') {
    ctx.stderr.write(
      `${forTerminal(input, { maxLength: 300 })} cannot be analysed: ${forTerminal(detected.reason, { maxLength: 400 })}.\n"spycheck analyze" reads an evidence bundle written by "spycheck scan", an androidqf folder or ZIP, or an Android bugreport ZIP.\n`,
    );
    ctx.exit(EXIT.usage);
    return;
  }
  if (detected.kind !== 'bundle') {
    const imported = importAcquisition(detected.kind, detected.files, toolInfo());
    if ('error' in imported) {
      ctx.stderr.write(
        `Could not import ${forTerminal(input, { maxLength: 300 })}: ${forTerminal(imported.error, { maxLength: 600 })}\n`,
      );
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
    await finish(ctx, opts, imported.snapshot, imported.raw, { consent: false }, undefined, source);
    return;
  }
  await analyzeBundle(ctx, opts, detected.dir);
}

/**
 * An iPhone's App Privacy Report: alone, a snapshot that says the phone was not read; with
 * `--with BUNDLE`, added to that iPhone bundle, which is verified and taken over exactly as
 * `analyze BUNDLE` does.
 */
async function analyzePrivacyReport(
  ctx: CliContext,
  opts: AnalyzeOptions,
  input: string,
): Promise<void> {
  const shown = forTerminal(input, { maxLength: 300 });
  const read = await readPrivacyReport(resolve(input));
  if ('error' in read) {
    ctx.stderr.write(
      `${shown} cannot be analysed as an App Privacy Report: ${forTerminal(read.error, { maxLength: 600 })}.\n`,
    );
    ctx.exit(EXIT.error);
    return;
  }
  if (opts.with !== undefined) {
    const detected = detectInput(resolve(opts.with));
    if (detected.kind !== 'bundle') {
      ctx.stderr.write(
        `--with ${forTerminal(opts.with, { maxLength: 300 })} is not a spycheck bundle (a folder with snapshot.json). Give the folder "spycheck scan" wrote for this iPhone.\n`,
      );
      ctx.exit(EXIT.usage);
      return;
    }
    await analyzeBundle(ctx, opts, detected.dir, read);
    return;
  }
  const { snapshot, raw } = privacyReportSnapshot(read, toolInfo());
  ctx.stderr.write(
    'Note: the phone itself was not read. This check is made only from the App Privacy Report: ' +
      'it cannot say which apps are installed, who made them or how the phone is set up. To add ' +
      'the report to a check of the phone, run "spycheck scan" with the iPhone connected, then ' +
      '"spycheck analyze REPORT.ndjson --with BUNDLE".\n',
  );
  await finish(ctx, opts, snapshot, [raw], { consent: false });
}

/**
 * Re-check a saved bundle. Its files are hostile input: the source is
 * verified first and refused unless it verifies (or --force), and only files
 * its manifest lists, with the bytes it lists, are taken over — so no doctored
 * bundle is ever laundered into a new one signed by this computer.
 */
async function analyzeBundle(
  ctx: CliContext,
  opts: AnalyzeOptions,
  dir: string,
  privacyReport?: ReadPrivacyReport,
): Promise<void> {
  const shownDir = forTerminal(dir, { maxLength: 300 });
  // keepBytes: everything below uses the very bytes that were checked, never a second read
  const check = await verifyBundle(dir, {
    trustedFingerprints: trustedFingerprints(ctx.env),
    keepBytes: true,
  });
  const checked = check.checkedFiles ?? new Map<string, Buffer>();
  if (!check.ok && !opts.force) {
    ctx.stderr.write(
      `Cannot re-check ${shownDir}. ${forTerminal(check.summary, { maxLength: 600 })}\n`,
    );
    for (const p of check.problems.slice(0, 20)) {
      ctx.stderr.write(`  - ${forTerminal(p.message, { maxLength: 600 })}\n`);
    }
    ctx.stderr.write(
      'spycheck will not sign a new bundle made from it: that would make evidence that may have been ' +
        "changed look genuine. If it was made on another computer, trust that organisation's key first " +
        '("spycheck keys trust FINGERPRINT"). To look at it anyway, add --force: the new bundle, its ' +
        'reports and "spycheck verify" will all say it was made from a bundle that did NOT verify.\n',
    );
    ctx.exit(EXIT.error);
    return;
  }

  let manifestBytes: Buffer | undefined;
  let manifest: Partial<Manifest> = {};
  try {
    manifestBytes =
      check.manifestBytes ??
      (await readPlainFile(join(dir, MANIFEST_FILE), {
        maxBytes: MAX_MANIFEST_BYTES,
        within: dir,
      }));
    const doc = JSON.parse(manifestBytes.toString('utf8'));
    if (doc && typeof doc === 'object') manifest = doc;
  } catch {
    // forced past a missing or damaged manifest: nothing from it is carried over
  }

  let snapshot: Snapshot;
  const snapPath = join(dir, 'snapshot.json');
  try {
    const bytes =
      checked.get('snapshot.json') ??
      (check.ok
        ? undefined
        : await readPlainFile(snapPath, { maxBytes: MAX_SNAPSHOT_BYTES, within: dir }));
    if (!bytes) throw new Error("snapshot.json is not listed in the bundle's manifest");
    const parsed = snapshotSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `it is not a snapshot this version of spycheck reads (schema ${SNAPSHOT_SCHEMA}): ${issue?.path.join('.') || '(top)'}: ${issue?.message}`,
      );
    }
    snapshot = parsed.data as Snapshot;
  } catch (e) {
    ctx.stderr.write(
      `Could not read ${forTerminal(snapPath, { maxLength: 300 })}: ${forTerminal(e instanceof Error ? e.message : String(e), { maxLength: 400 })}\n`,
    );
    ctx.exit(EXIT.error);
    return;
  }

  if (!check.ok) {
    ctx.stderr.write(
      `Warning: --force: re-checking ${shownDir}, which does NOT verify. The new bundle and its reports say so first, and its case details are not carried over.\n`,
    );
    snapshot.warnings.unshift(
      `Made from a bundle that did NOT verify when it was re-checked: ${check.summary}`,
    );
  }
  const warn = (w: string) => ctx.stderr.write(`Warning: ${forTerminal(w, { maxLength: 400 })}\n`);
  const raw = await takeOverRaw(dir, snapshot, manifest, warn, checked, check.ok);
  if (privacyReport) {
    const added = addPrivacyReport(snapshot, privacyReport);
    if ('error' in added) {
      ctx.stderr.write(`${added.error}\n`);
      ctx.exit(EXIT.usage);
      return;
    }
    snapshot = added.snapshot;
    if (added.raw) raw.push(added.raw);
    for (const n of added.notes) ctx.stderr.write(`${forTerminal(n, { maxLength: 1200 })}\n`);
  }
  const source = importSourceOf(manifest.source);
  const chain = cleanChain(manifest.derivedFrom);
  const derivedFrom: DerivedFrom = {
    bundle: basename(dir),
    manifestSha256: manifestBytes ? createHash('sha256').update(manifestBytes).digest('hex') : '',
    verified: check.ok,
    ...(source ? { source } : {}),
    ...(chain ? { derivedFrom: chain } : {}),
  };
  await finish(
    ctx,
    opts,
    snapshot,
    raw,
    check.ok ? caseOf(manifest) : { consent: false },
    derivedFrom,
    source,
    // a second phone is judged again as a second phone (only a signed manifest is believed)
    check.ok && isPurpose(manifest.purpose) ? manifest.purpose : undefined,
  );
}

export interface AnalyzeOptions {
  force?: boolean;
  /** with an App Privacy Report: the iPhone bundle to add it to */
  with?: string;
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
  snapshot: Snapshot,
  raw: RawOutput[],
  caseInfo: { ref?: string; examiner?: string; consent: boolean },
  derivedFrom?: DerivedFrom,
  source?: ImportSource,
  purpose?: Purpose,
): Promise<void> {
  const loaded = await loadScanRules({
    rules: opts.rules,
    defaultRules: opts.defaultRules,
    env: ctx.env,
  });
  if (!loaded.ok) {
    ctx.stderr.write(`${loaded.message}\n`);
    ctx.exit(exitCodeFor({ stopped: 'error' }));
    return;
  }
  const packs = loaded.packs;
  const findings = analyzeSnapshot(snapshot, compileRules(packs), purpose ? { purpose } : {});
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
    rules: packsUsed(packs, purpose).map(packRef),
    formats: opts.format,
    tool: toolInfo(),
    env: ctx.env,
    ...(derivedFrom ? { derivedFrom } : {}),
    ...(source ? { source } : {}),
  });
  for (const w of written.warnings)
    ctx.stderr.write(`Warning: ${forTerminal(w, { maxLength: 400 })}\n`);
  if (opts.json) ctx.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  printScanSummary(ctx, {
    snapshot,
    findings,
    bundleDir: written.dir,
    toStderr: opts.json,
    ...(derivedFrom ? { derivedFrom } : {}),
  });
  // exit 3 for imports as for scans: a check that serious rules need was missing
  ctx.exit(exitCodeFor({ complete: isComplete(snapshot, findings), findings }));
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Largest raw output taken over from a saved bundle (real ones are a few MB). */
const MAX_RAW_BYTES = 256 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

/**
 * The saved bundle's raw outputs. Their names come from its snapshot.json,
 * which may have been doctored: a raw file is taken over only when the
 * manifest lists it and its bytes still match, and it is a plain file reached
 * without any link (a linked folder could copy this computer's signing key,
 * a pipe could hang).
 */
async function takeOverRaw(
  dir: string,
  snapshot: Snapshot,
  manifest: Partial<Manifest>,
  warn: (s: string) => void,
  checked: Map<string, Buffer>,
  verified: boolean,
): Promise<RawOutput[]> {
  const listed = new Map<string, { sha256: string; bytes: number }>();
  for (const f of Array.isArray(manifest.files) ? manifest.files : []) {
    if (f && typeof f.path === 'string' && typeof f.sha256 === 'string') listed.set(f.path, f);
  }
  const out: RawOutput[] = [];
  for (const record of snapshot.raw) {
    const name = safeRelativePath(record.file);
    const entry = name ? listed.get(`${RAW_DIR}/${name}`) : undefined;
    const shown = JSON.stringify(record.file).slice(0, 120);
    if (!name || !entry) {
      warn(`Raw output ${shown} was not taken over: the bundle's manifest does not list it.`);
      continue;
    }
    const already = checked.get(`${RAW_DIR}/${name}`);
    if (already) {
      out.push({ record, data: already });
      continue;
    }
    if (verified) {
      // a verified bundle's listed files were all checked above: anything else was not
      warn(`Raw output ${shown} was not taken over: it was not among the files checked.`);
      continue;
    }
    try {
      const data = await readPlainFile(join(dir, RAW_DIR, ...name.split('/')), {
        maxBytes: MAX_RAW_BYTES,
        within: dir,
      });
      if (createHash('sha256').update(data).digest('hex') !== entry.sha256.toLowerCase()) {
        warn(`Raw output ${shown} was not taken over: it was changed after the bundle was signed.`);
        continue;
      }
      out.push({ record, data });
    } catch (err) {
      warn(
        `Raw output ${shown} was not taken over: ${err instanceof Error ? err.message : String(err)}.`,
      );
    }
  }
  return out;
}

function caseOf(m: Partial<Manifest>): { ref?: string; examiner?: string; consent: boolean } {
  const c = m.case && typeof m.case === 'object' ? m.case : undefined;
  return {
    ...(typeof c?.ref === 'string' ? { ref: c.ref } : {}),
    ...(typeof c?.examiner === 'string' ? { examiner: c.examiner } : {}),
    consent: c?.consent === true,
  };
}
