/**
 * The evidence bundle (layout and manifest contract: DESIGN.md "Evidence
 * bundle"). Everything else is written first; SHA256SUMS, manifest.sig and
 * then manifest.json come last, so a bundle whose writing was interrupted has
 * no manifest and can never verify as complete.
 */
import { createHash, sign } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isComplete } from '../analyze/blindSpots.js';
import { loadContact } from '../config/config.js';
import type { FindingsDoc } from '../model/findings.js';
import type { Purpose } from '../model/purpose.js';
import type { RawRecord } from '../model/raw.js';
import type { Snapshot } from '../model/snapshot.js';
import { collectGarbage } from '../util/memory.js';
import { makePrivateDir, safeRelativePath, writeFileAtomic } from './files.js';
import { REPORT_FILES, type ReportFormat } from './formats.js';
import { renderHtml } from './html.js';
import { loadOrCreateSigningKey, rawPublicKey, type SigningKey } from './keys.js';
import { buildReportModel, type ContactDetails, type RulePackRef } from './model.js';
import { renderText } from './text.js';

export const MANIFEST_SCHEMA = 1;
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
/**
 * Every file's SHA-256 in the format of `sha256sum`, so anyone can check the
 * bundle without spycheck (`sha256sum -c SHA256SUMS` in the bundle folder).
 * Not listed in the manifest (it holds the manifest's own hash); verify
 * checks that it says exactly what the signed manifest says.
 */
export const SUMS_FILE = 'SHA256SUMS';
export const RAW_DIR = 'raw';
export const RAW_INDEX = 'raw/index.json';

// the formats live apart so the CLI can list them without loading any renderer
export { REPORT_FILES, REPORT_FORMATS, type ReportFormat } from './formats.js';

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** Where an imported acquisition came from (chain of custody for police). */
export interface ImportSource {
  kind: 'androidqf' | 'bugreport';
  file: string;
  /** SHA-256 of the zip, when it was one */
  sha256?: string;
}

/**
 * The bundle a re-analysed bundle was made from, and whether it verified when
 * it was re-checked. Carries that bundle's own origin forward, so a chain of
 * re-analyses never forgets that the data was imported or ever failed to verify.
 */
export interface DerivedFrom {
  bundle: string;
  manifestSha256: string;
  verified?: boolean;
  /** what that bundle's manifest said its data came from */
  source?: ImportSource;
  /** what that bundle was itself made from */
  derivedFrom?: DerivedFrom;
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  tool: { name: string; version: string };
  /** UTC ISO time the bundle was written and signed */
  created: string;
  scan: {
    started: string;
    finished: string;
    complete: boolean;
    platform: string;
    device: Record<string, string | number>;
  };
  case: { ref: string | null; examiner: string | null; consent: boolean };
  rules: RulePackRef[];
  /** why the phone was checked, when that made the reading stricter (`--purpose`) */
  purpose?: Purpose;
  /** the earlier check this one was compared with (`--baseline`): its manifest.json's SHA-256 */
  baseline?: { manifestSha256: string; verified: boolean };
  /** the bundle this one was re-checked from, and whether it verified then */
  derivedFrom?: DerivedFrom;
  /** Set when the data came from files another tool acquired, not from the phone */
  source?: ImportSource;
  /** The signing key, embedded so the bundle verifies on any machine */
  key: { algorithm: 'ed25519'; publicKey: string; fingerprint: string };
  files: ManifestFile[];
}

export interface BundleInput {
  dir: string;
  snapshot: Snapshot;
  findings: FindingsDoc;
  raw: { record: RawRecord; data: Buffer }[];
  case: { ref?: string; examiner?: string; consent: boolean };
  rules: RulePackRef[];
  formats: ReportFormat[];
  derivedFrom?: DerivedFrom;
  source?: ImportSource;
  tool: { name: string; version: string };
  /** who the survivor can contact (spycheck config); default the UK helplines */
  contact?: ContactDetails;
  /** Signing key; default: this install's key from the config dir */
  key?: SigningKey;
  /** Environment used to find the config dir (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** Clock (tests) */
  now?: () => Date;
}

export interface BundleResult {
  dir: string;
  manifest: Manifest;
  /** Things that did not stop the bundle but should be told (e.g. a raw hash that differed) */
  warnings: string[];
}

export class BundleExistsError extends Error {
  constructor(readonly dir: string) {
    super(
      `${dir} is not empty. spycheck writes each evidence bundle to a new, empty folder ` +
        'so an earlier bundle is never overwritten or mixed with this one.',
    );
    this.name = 'BundleExistsError';
  }
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * The SHA256SUMS text for a bundle: the files its manifest lists, plus
 * manifest.json and manifest.sig, one `<sha256>  <path>` line each, sorted
 * by path. Bundle paths never hold a backslash or a line break, so no line
 * needs sha256sum's escaping.
 */
export function sha256SumsText(
  files: readonly { path: string; sha256: string }[],
  manifestBytes: Buffer,
  signature: Buffer,
): string {
  const lines = [
    ...files.map((f) => ({ path: f.path, sha256: f.sha256.toLowerCase() })),
    { path: MANIFEST_FILE, sha256: sha256(manifestBytes) },
    { path: SIGNATURE_FILE, sha256: sha256(signature) },
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return lines.map((l) => `${l.sha256}  ${l.path}\n`).join('');
}

export async function writeBundle(input: BundleInput): Promise<BundleResult> {
  const { dir } = input;
  await refuseNonEmpty(dir);
  const key = input.key ?? loadOrCreateSigningKey(input.env ?? process.env);
  const now = input.now ?? (() => new Date());
  const warnings: string[] = [...key.warnings];
  const files: ManifestFile[] = [];
  // who to contact comes from this install's settings, as the signing key does
  let contact = input.contact;
  if (!contact) {
    const loaded = await loadContact(input.env ?? process.env);
    contact = loaded.contact;
    if (loaded.warning) warnings.push(loaded.warning);
  }

  await makePrivateDir(dir);
  await makePrivateDir(join(dir, RAW_DIR));

  const put = async (path: string, data: Buffer | string) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const parts = path.split('/');
    if (parts.length > 1) await makePrivateDir(join(dir, ...parts.slice(0, -1)));
    await writeFileAtomic(join(dir, ...parts), bytes);
    files.push({ path, sha256: sha256(bytes), bytes: bytes.length });
  };

  // Raw outputs first, exactly as received.
  const index: Record<string, unknown>[] = [];
  const used = new Set<string>(['index.json']);
  for (const [i, { record, data }] of input.raw.entries()) {
    let name = safeRelativePath(record.file);
    if (!name || used.has(name)) {
      const fallback = `unnamed-${String(i + 1).padStart(3, '0')}.bin`;
      warnings.push(
        `Raw output ${JSON.stringify(record.id)} had an unusable file name ` +
          `(${JSON.stringify(record.file)}); saved as raw/${fallback}.`,
      );
      name = fallback;
    }
    used.add(name);
    const actual = sha256(data);
    if (record.sha256 && record.sha256.toLowerCase() !== actual) {
      warnings.push(
        `raw/${name}: the hash recorded at collection (${record.sha256}) differs from the ` +
          `bytes being saved (${actual}). The saved bytes and their hash are kept.`,
      );
    }
    await put(`${RAW_DIR}/${name}`, data);
    index.push({
      file: name,
      id: record.id,
      command: record.command,
      time: record.time,
      durationMs: record.durationMs,
      bytes: data.length,
      sha256: actual,
    });
  }
  await put(RAW_INDEX, `${JSON.stringify({ schema: 1, files: index }, null, 2)}\n`);

  await put('findings.json', `${JSON.stringify(input.findings, null, 2)}\n`);
  await put('snapshot.json', `${JSON.stringify(input.snapshot, null, 2)}\n`);
  // the id on every report page: the start of snapshot.json's SHA-256, as the manifest lists it
  const bundleId = files.find((f) => f.path === 'snapshot.json')?.sha256.slice(0, 12);

  const created = now().toISOString();
  const model = buildReportModel({
    snapshot: input.snapshot,
    findings: input.findings,
    meta: {
      caseRef: input.case.ref,
      examiner: input.case.examiner,
      consent: input.case.consent,
      generatedAt: created,
      tool: input.tool,
      rules: input.rules,
      bundleDir: dir,
      signedBy: key.fingerprint,
      derivedFrom: input.derivedFrom,
      ...(bundleId ? { bundleId } : {}),
      contact,
    },
  });
  const formats = new Set(input.formats);
  // A report that fails to render must not cost the evidence: skip it, say so,
  // and still sign what was read ("spycheck report" can render it again later).
  const render = async (format: string, file: string, make: () => string | Promise<Buffer>) => {
    if (!formats.has(format as ReportFormat)) return;
    try {
      await put(file, await make());
    } catch (err) {
      warnings.push(
        `${file} could not be made (${(err as Error).message}); the evidence is complete without it. ` +
          'Try "spycheck report BUNDLE" later.',
      );
    }
  };
  await render('text', REPORT_FILES.text, () => renderText(model));
  await render('html', REPORT_FILES.html, () => renderHtml(model));
  // the PDFs are the last and largest step: what the reading and the other files left behind is
  // freed first, so a large phone's scan does not peak here (src/util/memory.ts)
  if (formats.has('pdf') || formats.has('evidence')) collectGarbage();
  // pdfkit and its fonts are loaded only when a PDF is asked for
  await render('pdf', REPORT_FILES.pdf, async () => {
    const { renderPdf } = await import('./pdf.js');
    return renderPdf(model, { creationDate: new Date(created) });
  });
  await render('evidence', REPORT_FILES.evidence, async () => {
    const { renderEvidencePdf } = await import('./evidencePdf.js');
    return renderEvidencePdf(model, { creationDate: new Date(created) });
  });

  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    tool: input.tool,
    created,
    scan: {
      started: input.snapshot.started,
      finished: input.snapshot.finished,
      complete: isComplete(input.snapshot, input.findings),
      platform: input.snapshot.platform,
      device: deviceIds(input.snapshot),
    },
    case: {
      ref: input.case.ref ?? null,
      examiner: input.case.examiner ?? null,
      consent: input.case.consent === true,
    },
    rules: input.rules.map((r) => ({
      id: r.id,
      version: r.version,
      sha256: r.sha256,
      ...(r.date ? { date: r.date } : {}),
      ...(r.signer ? { signer: r.signer } : {}),
    })),
    ...(input.findings.purpose ? { purpose: input.findings.purpose } : {}),
    ...(input.findings.sinceBaseline
      ? {
          baseline: {
            manifestSha256: input.findings.sinceBaseline.manifestSha256,
            verified: input.findings.sinceBaseline.verified,
          },
        }
      : {}),
    ...(input.derivedFrom ? { derivedFrom: input.derivedFrom } : {}),
    ...(input.source ? { source: input.source } : {}),
    key: {
      algorithm: 'ed25519',
      publicKey: rawPublicKey(key.publicKey).toString('base64'),
      fingerprint: key.fingerprint,
    },
    files: [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const signature = sign(null, manifestBytes, key.privateKey);
  // SHA256SUMS before the manifest: a bundle that has a manifest always has its SHA256SUMS too
  await writeFileAtomic(
    join(dir, SUMS_FILE),
    sha256SumsText(manifest.files, manifestBytes, signature),
  );
  await writeFileAtomic(join(dir, SIGNATURE_FILE), signature);
  await writeFileAtomic(join(dir, MANIFEST_FILE), manifestBytes);
  return { dir, manifest, warnings };
}

function deviceIds(snapshot: Snapshot): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(snapshot.device ?? {})) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  }
  return out;
}

async function refuseNonEmpty(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0) throw new BundleExistsError(dir);
}
