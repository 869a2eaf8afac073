/**
 * The evidence trail: every answer a phone (or an imported file) gave, kept
 * byte for byte beside the command that asked for it.
 */
export interface RawRecord {
  /** Stable id of the collection step (e.g. "dumpsys.package") */
  id: string;
  /** Exact command sent (shell) or sync path */
  command: string;
  /** Path of the raw file inside the bundle, relative to raw/ */
  file: string;
  /** UTC ISO time the command was sent */
  time: string;
  durationMs: number;
  bytes: number;
  sha256: string;
}

/** One raw output exactly as the phone sent it, with what was asked and when. */
export interface RawOutput {
  record: RawRecord;
  data: Buffer;
  /**
   * Set when `data` is only the start of the answer: spycheck stopped reading
   * before the phone finished (it sent too much, or too slowly). Plain words.
   */
  cutShort?: string;
}
