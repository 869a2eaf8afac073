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
  /** Colour allowed on stderr (TTY and NO_COLOR unset) */
  color: boolean;
  /** Record the exit code (contract in DESIGN.md) */
  exit(code: ExitCode): void;
}

/** Exit codes are part of the CLI contract (DESIGN.md). */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  incomplete: 3,
  failOn: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
