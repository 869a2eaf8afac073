/**
 * A saved bundle's snapshot.json, verified first: what `diff` and `scan --baseline` compare
 * with. The bytes that matched the signed manifest are used when they did; a changed file is
 * still read, and `verified: false` says so (the caller says it first).
 */
import { join } from 'node:path';
import type { Snapshot } from '../model/snapshot.js';
import { readPlainFile } from './files.js';
import { trustedFingerprints } from './keys.js';
import { tolerantSnapshot } from './tolerantSnapshot.js';
import { verifyBundle } from './verify.js';

/** snapshot.json of real scans is a few MB. */
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

export type BundleSnapshotRead = {
  verified: boolean;
  /** verify's one sentence: "Unchanged since …" or what changed */
  summary: string;
  /** the manifest bytes whose signature was checked, when there was a manifest */
  manifestBytes?: Buffer;
} & ({ snapshot: Snapshot } | { problem: string });

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function readBundleSnapshot(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<BundleSnapshotRead> {
  const v = await verifyBundle(dir, {
    trustedFingerprints: trustedFingerprints(env),
    keepBytes: ['snapshot.json'],
  });
  const base = {
    verified: v.ok,
    summary: v.summary,
    ...(v.manifestBytes ? { manifestBytes: v.manifestBytes } : {}),
  };
  let text: string;
  try {
    const bytes =
      v.checkedFiles?.get('snapshot.json') ??
      (await readPlainFile(join(dir, 'snapshot.json'), {
        maxBytes: MAX_SNAPSHOT_BYTES,
        within: dir,
      }));
    text = bytes.toString('utf8');
  } catch (e) {
    return { ...base, problem: `its snapshot.json could not be read (${why(e)})` };
  }
  try {
    return { ...base, snapshot: tolerantSnapshot(JSON.parse(text)) };
  } catch (e) {
    return { ...base, problem: `its snapshot.json is not readable JSON (${why(e)})` };
  }
}
