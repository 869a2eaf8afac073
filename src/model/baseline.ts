/**
 * What a check records of the earlier check it was compared with (`scan --baseline`): which
 * bundle, whether it verified, and what changed since. Kept in findings.json so every report
 * made later from the bundle says the same.
 */
import type { Severity } from './severity.js';

export interface BaselineChange {
  /** what kind of change (see ChangeKind in src/analyze/diff.ts) */
  kind: string;
  subject: { type: 'app' | 'account' | 'device' | 'profile'; id: string; label?: string };
  before: string | null;
  after: string | null;
  severity: Severity;
  /** one plain sentence for the survivor's report */
  words: string;
}

export interface BaselineComparison {
  /** the earlier bundle's manifest.json SHA-256: names it for anyone holding both */
  manifestSha256: string;
  /** the earlier bundle verified with its signature when it was compared */
  verified: boolean;
  /** when the earlier check ended (UTC ISO), as its snapshot says */
  finished?: string;
  /** its case reference, to find it again */
  caseRef?: string;
  /** the earlier check was of this same phone (serials agree); nothing is compared otherwise */
  samePhone: boolean;
  /** the earlier phone's serial, when it was another phone */
  otherSerial?: string;
  changes: BaselineChange[];
  /** parts of the phone one of the two checks could not read: no change is said there */
  notCompared: string[];
}
