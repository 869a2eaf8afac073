/**
 * Whether a check could run. A check that could not run is "not checked",
 * never "clean" — the report must say so.
 */
export interface CheckStatus {
  id: string;
  /** plain-language name of what was checked */
  title: string;
  status: 'ok' | 'partial' | 'not-checked';
  /** why it is partial / not checked, in plain words (never the phone's raw error text) */
  reason?: string;
  /** what kind of problem it was, so the report can say what to do next */
  cause?: CheckCause;
  /** the phone's own words (an error line), for the evidence section only */
  detail?: string;
}

/**
 * Why a check did not run or ran in part. "refused" (the phone said no) is
 * never the same as "unsupported" (the phone has no such command).
 */
export const CHECK_CAUSES = [
  'refused',
  'unsupported',
  'failed',
  'empty',
  'garbled',
  'cut-short',
  'disconnected',
  'no-answer',
  'stopped',
  'not-in-import',
  'unreadable-files',
  /**
   * Android: app files not copied to keep the check quick (the limits on bytes and time
   * copied, SPYCHECK_PULL_MAX_MB and SPYCHECK_PULL_MAX_SECONDS)
   */
  'time-limit',
  /** iPhone: locked (or not unlocked since it started), so its services refuse */
  'locked',
  /** the phone does not trust this computer (iPhone not paired, trust withdrawn; adb not allowed) */
  'not-trusted',
] as const;
export type CheckCause = (typeof CHECK_CAUSES)[number];
