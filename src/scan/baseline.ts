/**
 * The earlier check a scan is compared with (`scan --baseline BUNDLE`): read and verified
 * before the phone is touched, so a wrong path stops the scan before anything is read, and a
 * bundle that does not verify is still compared but said to be unverified first.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { diffSnapshots } from '../analyze/diff.js';
import { unknownFacts } from '../analyze/facts.js';
import type { BaselineComparison } from '../model/baseline.js';
import type { Snapshot } from '../model/snapshot.js';
import { readPlainFile } from '../report/files.js';
import { readBundleSnapshot } from '../report/readBundleSnapshot.js';

export interface Baseline {
  dir: string;
  verified: boolean;
  /** verify's one sentence: "Unchanged since …" or what changed */
  summary: string;
  manifestSha256: string;
  caseRef?: string;
  snapshot: Snapshot;
}

export type BaselineRead = { ok: true; baseline: Baseline } | { ok: false; message: string };

export async function readBaseline(dir: string, env: NodeJS.ProcessEnv): Promise<BaselineRead> {
  const r = await readBundleSnapshot(dir, env);
  let manifestBytes = r.manifestBytes;
  if (!manifestBytes) {
    try {
      manifestBytes = await readPlainFile(join(dir, 'manifest.json'), {
        maxBytes: 64 * 1024 * 1024,
        within: dir,
      });
    } catch {
      return {
        ok: false,
        message: `The earlier check given with --baseline could not be used: ${r.summary}`,
      };
    }
  }
  if ('problem' in r) {
    return {
      ok: false,
      message: `The earlier check given with --baseline could not be used: ${r.problem}.`,
    };
  }
  let caseRef: string | undefined;
  try {
    const m = JSON.parse(manifestBytes.toString('utf8')) as { case?: { ref?: unknown } };
    if (typeof m.case?.ref === 'string') caseRef = m.case.ref;
  } catch {
    // an unreadable manifest is already a verification problem, said with the comparison
  }
  return {
    ok: true,
    baseline: {
      dir,
      verified: r.verified,
      summary: r.summary,
      manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
      ...(caseRef ? { caseRef } : {}),
      snapshot: r.snapshot,
    },
  };
}

/** What changed since the earlier check; nothing is compared when it was another phone. */
export function compareWithBaseline(b: Baseline, now: Snapshot): BaselineComparison {
  const before = b.snapshot.device?.serial;
  const samePhone = !!before && before !== 'unknown' && before === now.device?.serial;
  const common = {
    manifestSha256: b.manifestSha256,
    verified: b.verified,
    ...(b.snapshot.finished ? { finished: b.snapshot.finished } : {}),
    ...(b.caseRef ? { caseRef: b.caseRef } : {}),
  };
  if (!samePhone) {
    return {
      ...common,
      samePhone: false,
      ...(before ? { otherSerial: before } : {}),
      changes: [],
      notCompared: ['everything: the earlier check was of another phone'],
    };
  }
  const d = diffSnapshots(b.snapshot, now);
  return { ...common, samePhone: true, changes: d.changes, notCompared: d.notCompared };
}

/**
 * The apps on the phone at the earlier check, for "an app added since the hand-over": only from
 * a bundle that verified, of the same phone, when that check read the whole app list.
 */
export function handoverApps(b: Baseline, now: Snapshot): string[] | undefined {
  const before = b.snapshot.device?.serial;
  // a bundle that did not verify could list an added app as there at hand-over; without the
  // list, the apps that came with the phone are the stricter stand-in
  if (!b.verified || !before || before === 'unknown' || before !== now.device?.serial) {
    return undefined;
  }
  const missing = unknownFacts(b.snapshot);
  if (missing.has('packages') || missing.has('ios_apps')) return undefined;
  const apps = Array.isArray(b.snapshot.apps) ? b.snapshot.apps : [];
  return apps.map((a) => a?.id).filter((id): id is string => typeof id === 'string');
}
