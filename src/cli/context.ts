import type { Writable } from 'node:stream';

/**
 * What a command may touch of the outside world. Commands write data to
 * `stdout` (and nothing else there), messages to `stderr`, and report their
 * outcome through `exit()` — they never call process.exit themselves, so
 * tests can run them in-process.
 */
export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  /** Environment (process.env in real runs; a copy in tests) */
  env: NodeJS.ProcessEnv;
  /** stdin is a terminal we may prompt on */
  interactive: boolean;
  /** Where typed answers come from (process.stdin when unset; tests give their own) */
  stdin?: NodeJS.ReadableStream;
  /** Colour allowed on stderr (TTY and NO_COLOR unset) */
  color: boolean;
  /** Record the exit code (contract in DESIGN.md) */
  exit(code: ExitCode): void;
  /**
   * stderr is a terminal: progress may redraw one line in place. Unset (logs,
   * tests): progress is printed as separate lines, a few at most.
   */
  liveProgress?: boolean;
  /**
   * Opens a file in the program the computer uses for it (a report in the web
   * browser). Resolves once it was handed over; rejects when it could not be.
   * Only real runs set it, so a test never starts a browser.
   */
  openFile?: (path: string) => Promise<void>;
}

/** Exit codes are part of the CLI contract (DESIGN.md). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  incomplete: 3,
  failOn: 4,
  /** nothing was read: the iPhone is locked */
  locked: 5,
  /** nothing was read: the phone does not trust this computer (not paired, trust not given) */
  notTrusted: 6,
  /** nothing was read: the service that reaches phones (usbmuxd) is not running on this computer */
  noService: 7,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
