/**
 * index.json of a release folder: which packs it holds, in which files, with their size,
 * sha256, signature file and signer. The index itself is not signed: everything in it is
 * checked against the signed archive before a pack is used (size, sha256, signature, and
 * the id and version of the pack.yaml inside).
 */
import { z } from 'zod';
import { PACK_ID, PACK_VERSION } from './versions.js';

export const INDEX_FILE = 'index.json';
export const INDEX_FORMAT = 'spycheck-rule-packs';
/** Bump when index.json changes so that an older spycheck would misread it. */
export const INDEX_FORMAT_VERSION = 1;
/** index.json is read whole; a real one is a few kB. */
export const MAX_INDEX_BYTES = 1024 * 1024;
/** A detached Ed25519 signature is 64 bytes. */
export const SIGNATURE_BYTES = 64;
/** The largest archive spycheck downloads (a pack is at most 64 MB unpacked). */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

/** A file of the release folder: a plain name beside index.json, never a path. */
const FILE_NAME = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, { message: 'expected a plain file name' })
  .refine((s) => !s.includes('..'), { message: 'expected a plain file name' });

export const INDEX_ENTRY = z.object({
  id: z.string().max(100).regex(PACK_ID, { message: 'expected a pack id' }),
  version: z.string().max(100).regex(PACK_VERSION, { message: 'expected a version like 1.2.3' }),
  date: z.iso.date(),
  /** the rule-pack schema version of the pack (src/rules/schemaVersion.ts) */
  schema: z.number().int().min(1).max(1_000_000),
  file: FILE_NAME,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected 64 hex digits' }),
  size: z.number().int().min(1).max(MAX_ARCHIVE_BYTES),
  signature: FILE_NAME,
  /** fingerprint of the signing key, "1a2b 3c4d …" as spycheck prints it */
  signer: z
    .string()
    .regex(/^[0-9a-f]{4}( [0-9a-f]{4}){15}$/, { message: 'expected a key fingerprint' }),
  changelog: z.string().max(2000).optional(),
});

export const RELEASE_INDEX = z.object({
  format: z.literal(INDEX_FORMAT),
  formatVersion: z.literal(INDEX_FORMAT_VERSION),
  generated: z.iso.datetime(),
  packs: z.array(INDEX_ENTRY).max(1000),
});

export type IndexEntry = z.infer<typeof INDEX_ENTRY>;
export type ReleaseIndex = z.infer<typeof RELEASE_INDEX>;

export class IndexError extends Error {
  override name = 'IndexError';
}

/** Reads index.json bytes; anything unexpected is an IndexError with a plain reason. */
export function parseIndex(bytes: Buffer): ReleaseIndex {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new IndexError('index.json is not valid JSON (damaged, or not a release folder).');
  }
  const d = doc as { format?: unknown; formatVersion?: unknown } | null;
  if (!d || typeof d !== 'object' || d.format !== INDEX_FORMAT) {
    throw new IndexError('index.json is not a spycheck rule-pack index.');
  }
  if (typeof d.formatVersion === 'number' && d.formatVersion > INDEX_FORMAT_VERSION) {
    throw new IndexError(
      'This release folder was made by a newer spycheck. Update spycheck first, then try again.',
    );
  }
  const res = RELEASE_INDEX.safeParse(doc);
  if (!res.success) {
    const issue = res.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.map(String).join('.').slice(0, 100)}` : '';
    throw new IndexError(
      `index.json is damaged${where}: ${issue?.message ?? 'unexpected content'}.`,
    );
  }
  const seen = new Set<string>();
  for (const p of res.data.packs) {
    const key = `${p.id}@${p.version}`;
    if (seen.has(key)) throw new IndexError(`index.json lists ${key} twice.`);
    seen.add(key);
  }
  return res.data;
}

export function serialiseIndex(index: ReleaseIndex): string {
  return `${JSON.stringify(index, null, 2)}\n`;
}
