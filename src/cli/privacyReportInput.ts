/**
 * `spycheck analyze REPORT.ndjson [--with BUNDLE]`: an iPhone's App Privacy Report as an
 * analyze input. Recognising the file, reading it (bounded), and turning it into a snapshot
 * (alone) or into an addition to an iPhone bundle's snapshot (`--with`). The bundle itself is
 * verified and taken over by analyze.ts, exactly as `analyze BUNDLE` does.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { RawOutput } from '../model/raw.js';
import type { Snapshot } from '../model/snapshot.js';
import {
  type AppPrivacyReport,
  MAX_REPORT_BYTES,
  parseAppPrivacyReport,
} from '../parse/ios/appPrivacyReport.js';
import { readPlainFile } from '../report/files.js';
import {
  mergePrivacyReport,
  type PrivacyReportFile,
  snapshotFromPrivacyReport,
} from '../snapshot/iosPrivacyReport.js';

export interface ReadPrivacyReport {
  file: PrivacyReportFile;
  report: AppPrivacyReport;
  warnings: string[];
}

const STREAM = 'com.apple.privacy.accounting.stream.';

/**
 * Is this an App Privacy Report? A plain file named `.ndjson`, or one whose first record
 * is an App Privacy Report record (`type` access or networkActivity, or iOS 15.0's `stream`).
 */
export function isPrivacyReportFile(path: string): boolean {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return false;
  }
  if (!st.isFile()) return false;
  if (/\.ndjson$/i.test(path)) return true;
  const head = Buffer.alloc(64 * 1024);
  let n = 0;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  const first = head
    .subarray(0, n)
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .split('\n')
    .find((l) => l.trim() !== '');
  if (!first) return false;
  try {
    const rec = JSON.parse(first) as unknown;
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return false;
    const { type, stream } = rec as { type?: unknown; stream?: unknown };
    return (
      type === 'access' ||
      type === 'networkActivity' ||
      (typeof stream === 'string' && stream.startsWith(STREAM))
    );
  } catch {
    return false;
  }
}

/** Reads and parses the file; an error in plain words when it cannot be used. */
export async function readPrivacyReport(
  path: string,
  now = new Date(),
): Promise<ReadPrivacyReport | { error: string }> {
  let data: Buffer;
  try {
    data = await readPlainFile(path, { maxBytes: MAX_REPORT_BYTES });
  } catch (e) {
    return {
      error: `it cannot be read (${e instanceof Error ? e.message : String(e)}); an App Privacy Report is at most ${MAX_REPORT_BYTES / 1024 / 1024} MB`,
    };
  }
  const { parsed, warnings } = parseAppPrivacyReport(data);
  if (parsed.accessRecords === 0 && parsed.networkRecords === 0) {
    return {
      error:
        'it holds no App Privacy Report records (on the iPhone: Settings › Privacy & Security › App Privacy Report › Save App Activity)',
    };
  }
  return {
    file: {
      name: basename(path),
      data,
      sha256: createHash('sha256').update(data).digest('hex'),
      readAt: now,
    },
    report: parsed,
    warnings,
  };
}

/** The report alone: an iPhone snapshot whose phone checks all say the phone was not read. */
export function privacyReportSnapshot(
  read: ReadPrivacyReport,
  tool: { name: string; version: string },
): { snapshot: Snapshot; raw: RawOutput } {
  return snapshotFromPrivacyReport(read.report, read.warnings, read.file, tool);
}

/** The report added to a verified bundle's snapshot; an Android bundle is refused. */
export function addPrivacyReport(
  snapshot: Snapshot,
  read: ReadPrivacyReport,
): { snapshot: Snapshot; raw?: RawOutput; notes: string[] } | { error: string } {
  if (snapshot.platform !== 'ios') {
    return {
      error:
        'That bundle is from an Android phone. An App Privacy Report comes from an iPhone: give the bundle of the iPhone it was saved on.',
    };
  }
  const merged = mergePrivacyReport(snapshot, read.report, read.warnings, read.file);
  const r = read.report;
  const span = r.from && r.to ? `, ${r.from} to ${r.to} UTC` : '';
  return {
    snapshot: merged.snapshot,
    ...(merged.raw ? { raw: merged.raw } : {}),
    notes: [
      `Added the App Privacy Report ${read.file.name} (${r.accessRecords} access records, ${r.apps.length} apps${span}) to the iPhone's bundle.`,
      ...merged.warnings.map((w) => `Warning: ${w}`),
    ],
  };
}
