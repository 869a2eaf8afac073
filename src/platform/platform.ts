/**
 * The seam between "a phone family" and the scan use case. Each platform
 * (Android now, iOS next) knows how to reach its phones, read one and turn
 * what it read into a Snapshot; the use case (src/scan/scanPhone.ts) knows
 * the order of things (rules before the phone, consent before reading,
 * evidence saved even when the phone goes away) and never which phone it is.
 */
import type { RawOutput } from '../model/raw.js';
import type { PlatformId, Snapshot } from '../model/snapshot.js';

/** A phone the transport knows about, as listed before anything is asked of it. */
export interface ListedDevice {
  /** adb serial, or an iPhone's UDID */
  serial: string;
  /** adb's state (`device`, `unauthorized`…) or an iPhone's (`paired`, `not paired`) */
  state: string;
  model?: string;
  /** How the phone is reached, when the transport says (usbmuxd: `USB` or `Network`) */
  connection?: string;
}

/** An open transport (adb server, usbmuxd, or a simulated phone behind the same protocol). */
export interface PhoneConnection {
  ok: true;
  /** set when talking to a built-in simulated phone */
  demoProfile?: string;
  /** directory of the demo profile (holds its training rule pack) */
  demoProfileDir?: string;
  /** The transport's error in plain words, naming where spycheck tried to reach it */
  describeError(e: unknown): string;
  /** Whether the error means the phone service itself is missing (a distinct exit code) */
  notReadyFor?(e: unknown): NotReady | undefined;
  close(): Promise<void>;
}

export interface ConnectFailure {
  ok: false;
  message: string;
  notReady?: NotReady;
}

/**
 * Why a phone could not be read at all, each with its own exit code:
 * - `locked`: an iPhone that is locked refuses every service
 * - `not-trusted`: the phone does not trust this computer (iPhone not paired or trust
 *   withdrawn; Android "Allow USB debugging?" not accepted)
 * - `no-service`: the program that reaches phones (usbmuxd) is not running on this computer
 */
export type NotReady = 'locked' | 'not-trusted' | 'no-service';

/** What the use case needs of any platform's reading: the evidence and how long it took. */
export interface PhoneReading {
  raw: RawOutput[];
  stats: { roundTrips: number; wallMs: number };
  /**
   * Set when the phone refused before its apps could be read. With `nothingRead` (nothing
   * beyond its model was read) there is nothing to judge and no bundle is written; otherwise
   * what was read is judged and saved, marked incomplete. Either way the exit code and the
   * message say what to do.
   */
  notReady?: { reason: NotReady; message: string; nothingRead: boolean };
}

export interface CollectHooks {
  /** one line per collection step, for the person waiting */
  onProgress?: (message: string) => void;
  /** stops reading; what was read is kept and the scan is marked incomplete */
  signal?: AbortSignal;
  /**
   * Android: also fingerprint every store app's file on the phone (`scan --hash-all-apps`, for
   * the evidence record; slow on a real phone). Other platforms ignore it.
   */
  hashAllApps?: boolean;
}

/**
 * Reaching and reading one phone family. A family whose readings cannot be
 * turned into a Snapshot yet (iOS, until its Snapshot lands) stops here:
 * it lists and reads phones, but scanPhone cannot take it.
 */
export interface PhoneAccess<
  Connection extends PhoneConnection = PhoneConnection,
  Reading extends PhoneReading = PhoneReading,
> {
  readonly id: PlatformId;
  /** Opens the transport; `demo` asks for a built-in simulated phone (true: the default one). */
  connect(env: NodeJS.ProcessEnv, demo?: string | true): Promise<Connection | ConnectFailure>;
  /** Phones the transport knows; must send nothing to any phone (no consent yet). */
  list(connection: Connection): Promise<ListedDevice[]>;
  /** Reads one phone, read-only; returns what was read even when the phone goes away. */
  collect(
    connection: Connection,
    device: ListedDevice,
    env: NodeJS.ProcessEnv,
    hooks: CollectHooks,
  ): Promise<Reading>;
}

/** A phone family the scan use case can run end to end: it also turns a reading into a Snapshot. */
export interface Platform<
  Connection extends PhoneConnection = PhoneConnection,
  Reading extends PhoneReading = PhoneReading,
> extends PhoneAccess<Connection, Reading> {
  /** Pure: what was read → the normalized Snapshot. */
  assemble(reading: Reading, tool: { name: string; version: string }): Snapshot;
}

/** The reason a stop request gives, or a plain default when the caller gave none. */
export function stopReason(signal: AbortSignal): string {
  return typeof signal.reason === 'string'
    ? signal.reason
    : 'The scan was stopped before it finished';
}
