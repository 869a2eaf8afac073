import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Client, DeviceClient } from '@devicefarmer/adbkit';
import type { RawOutput } from '../../model/raw.js';
import { assertAllowedShell, assertAllowedSync } from './commands.js';
import { withoutContent } from './contentFilter.js';

/** The phone stopped answering (unplugged, screen-locked into "charge only", adb restarted…). */
export class PhoneLostError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'PhoneLostError';
  }
}

/**
 * One command's answer went on past `maxShellBytes`, so spycheck stopped
 * reading it. `text` is what came before that; it is also kept in raw[].
 */
export class OutputCutShortError extends Error {
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(message);
    this.name = 'OutputCutShortError';
  }
}

/**
 * A copy given up because it ran past the time it was allowed (the phone is still there):
 * the file counts as not copied, and nothing of it is used.
 */
export class PullStoppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PullStoppedError';
  }
}

/** A file larger than the copy was allowed to be: stopped before any of it is used. */
export class PullTooLargeError extends Error {
  constructor(readonly cap: number) {
    super(`file is larger than ${cap} bytes`);
    this.name = 'PullTooLargeError';
  }
}

/**
 * Real full `dumpsys package` output on a phone with hundreds of apps runs to
 * tens of MB; 128 MiB leaves room for that and still bounds memory when a
 * phone never stops sending.
 */
export const DEFAULT_MAX_SHELL_BYTES = 128 * 1024 * 1024;

/** The largest APK copied (base APKs of popular apps are 4–80 MB; games' can be larger). */
export const DEFAULT_MAX_PULL_BYTES = 150 * 1024 * 1024;

export interface ReadOnlyPhoneOptions {
  /**
   * A request with no answer for this long means the phone is gone or hung
   * (a frozen adbd never closes the stream). Default 120 s: a slow phone's
   * full package dump takes seconds, not minutes.
   */
  requestTimeoutMs?: number;
  /** Largest file we will pull, in bytes */
  maxPullBytes?: number;
  /** Most bytes read from one shell answer before spycheck stops reading it */
  maxShellBytes?: number;
}

/**
 * Knobs for tests and for a caseworker whose phone really does print more:
 * SPYCHECK_MAX_SHELL_BYTES and SPYCHECK_REQUEST_TIMEOUT_MS (positive
 * integers). The CLI passes its own environment, so in-process tests can set
 * them per run.
 */
export function phoneOptionsFromEnv(env: NodeJS.ProcessEnv): ReadOnlyPhoneOptions {
  const int = (name: string): number | undefined => {
    const v = env[name];
    if (!v || !/^\d+$/.test(v.trim())) return undefined;
    const n = Number(v);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  const out: ReadOnlyPhoneOptions = {};
  const maxShellBytes = int('SPYCHECK_MAX_SHELL_BYTES');
  const requestTimeoutMs = int('SPYCHECK_REQUEST_TIMEOUT_MS');
  if (maxShellBytes) out.maxShellBytes = maxShellBytes;
  if (requestTimeoutMs) out.requestTimeoutMs = requestTimeoutMs;
  return out;
}

/** Called when a request is given up (timeout, abort): closes its stream so no more data flows in. */
type OnStop = (halt: () => void) => void;

/**
 * The only door to an Android phone. It exposes three read operations, each
 * checked against the allowlist before anything is sent, and keeps every raw
 * output it received. Nothing else in spycheck holds the adbkit device.
 */
export class ReadOnlyAndroidPhone {
  readonly raw: RawOutput[] = [];
  private readonly device: DeviceClient;
  private lost: PhoneLostError | undefined;
  private readonly stoppers = new Set<(e: Error) => void>();
  private seq = 0;
  private answersCutShort = 0;
  roundTrips = 0;
  bytesRead = 0;

  constructor(
    client: Client,
    readonly serial: string,
    private readonly options: ReadOnlyPhoneOptions = {},
  ) {
    this.device = client.getDevice(serial);
    this.options = options;
  }

  /** The largest file `pull` copies */
  get maxPullBytes(): number {
    return this.options.maxPullBytes ?? DEFAULT_MAX_PULL_BYTES;
  }

  get lostError(): PhoneLostError | undefined {
    return this.lost;
  }

  /**
   * Ask the adb server whether the phone is still there. A shell stream that
   * ends early looks like a short answer, so the collector checks this at
   * the end before it calls a scan complete.
   */
  async stillConnected(): Promise<boolean> {
    if (this.lost) return false;
    try {
      return (await this.device.getState()) === 'device';
    } catch {
      return false;
    }
  }

  /**
   * Run an allowlisted shell command; returns stdout+stderr as text.
   * Throws OutputCutShortError when the answer runs past maxShellBytes.
   */
  async shell(id: string, command: string): Promise<string> {
    assertAllowedShell(command);
    const max = this.options.maxShellBytes ?? DEFAULT_MAX_SHELL_BYTES;
    const got: Received = { chunks: [], bytes: 0, cut: false, done: false };
    const started = new Date();
    const elapsed = () => Date.now() - started.getTime();
    try {
      await this.guard(command, async (onStop) => {
        const stream = await this.device.shell(command);
        onStop(() => stream.destroy());
        await readUpTo(stream, max, got);
      });
    } catch (e) {
      got.done = true;
      // What came before the phone was lost is evidence too.
      if (got.bytes > 0) {
        const why = e instanceof Error ? e.message : String(e);
        this.keep(
          id,
          command,
          withoutContent(command, joined(got)),
          started.toISOString(),
          elapsed(),
          why,
        );
      }
      throw e;
    } finally {
      this.bytesRead += got.bytes;
    }
    const data = withoutContent(command, joined(got));
    if (!got.cut) {
      this.keep(id, command, data, started.toISOString(), elapsed());
      return data.toString('utf8');
    }
    const why = `The phone kept sending output for "${command}" past ${sizeText(max)}, so spycheck stopped reading it`;
    this.keep(id, command, data, started.toISOString(), elapsed(), why);
    // One endless answer is a fault of that command (a service whose dump
    // loops): the phone still answers everything else, and calling it lost
    // would throw away every check still to come. A second one means the
    // phone itself misbehaves, and each more would cost up to maxShellBytes
    // of memory, so stop asking and save what was read. The wording matches
    // how the report explains a scan that was stopped early.
    this.answersCutShort++;
    if (this.answersCutShort > 1) {
      this.abort(
        'The scan was stopped before it finished, because the phone kept sending output without end to more than one question',
      );
      throw this.lost;
    }
    throw new OutputCutShortError(why, data.toString('utf8'));
  }

  /** Size of a file, or undefined when it does not exist / cannot be read. */
  async stat(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    assertAllowedSync('STAT', path);
    const r = await this.guard(`sync STAT ${path}`, async () => {
      const st = await this.device.stat(path);
      return { size: st.size, mtimeMs: st.mtimeMs };
    }).catch((e: unknown) => {
      if (e instanceof PhoneLostError) throw e;
      return undefined;
    });
    return r?.buf;
  }

  /**
   * Pull a file over adb sync (RECV). Not stored in raw[]: callers record what they derive.
   *
   * `size` (from a STAT) lets the file land in one buffer of that size, so a large APK is never
   * held twice (chunks plus their join); `onData` sees every chunk as it arrives (to hash it on
   * the way). `maxBytes` lowers the cap for this file; `stopAfterMs` gives the copy up (a
   * PullStoppedError, the phone stays usable) when it is still running then.
   */
  async pull(
    path: string,
    opts: {
      size?: number;
      maxBytes?: number;
      onData?: (chunk: Buffer) => void;
      stopAfterMs?: number;
    } = {},
  ): Promise<Buffer> {
    assertAllowedSync('RECV', path);
    const max = Math.min(opts.maxBytes ?? Infinity, this.maxPullBytes);
    const size =
      opts.size !== undefined && opts.size > 0 && opts.size <= max ? opts.size : undefined;
    const r = await this.guard(`sync RECV ${path}`, async (onStop) => {
      // The Sync handle, not device.pull(): only it can close the connection
      // when the transfer is given up.
      const sync = await this.device.syncService();
      const transfer = sync.pull(path);
      const close = () => {
        transfer.cancel();
        transfer.destroy();
        closeSync(sync);
      };
      onStop(close);
      return new Promise<Buffer>((resolve, reject) => {
        // one buffer of the announced size; chunks (joined once) only when the size is unknown
        const whole = size !== undefined ? Buffer.allocUnsafe(size) : undefined;
        const chunks: Buffer[] = [];
        let total = 0;
        let over = false;
        const timer =
          opts.stopAfterMs !== undefined
            ? setTimeout(
                () => {
                  finish();
                  close();
                  reject(new PullStoppedError(`copying ${path} took longer than the time allowed`));
                },
                Math.max(0, opts.stopAfterMs),
              )
            : undefined;
        const finish = () => {
          over = true;
          clearTimeout(timer);
        };
        // given up from outside (phone lost, Ctrl-C): the timer must not outlive the copy
        onStop(finish);
        transfer.on('data', (c: Buffer) => {
          if (over) return;
          total += c.length;
          if (total > max || (whole && total > whole.length)) {
            finish();
            close();
            reject(
              whole && total <= max
                ? new Error('the file grew while it was copied')
                : new PullTooLargeError(max),
            );
            return;
          }
          opts.onData?.(c);
          if (whole) c.copy(whole, total - c.length);
          else chunks.push(c);
        });
        transfer.on('end', () => {
          if (over) return;
          finish();
          sync.end();
          resolve(whole ? whole.subarray(0, total) : Buffer.concat(chunks));
        });
        transfer.on('error', (e: unknown) => {
          finish();
          reject(e);
        });
      });
    });
    if (r.buf.length === 0) {
      // adbkit ends a failed transfer (sync FAIL) before it reports the
      // error, so a failed read looks empty. An APK is never empty: ask why.
      const st = await this.stat(path);
      throw new Error(
        st ? 'the phone sent nothing for this file' : 'No such file or directory on the phone',
      );
    }
    return r.buf;
  }

  private async guard<T>(
    what: string,
    fn: (onStop: OnStop) => Promise<T>,
  ): Promise<{ buf: T; started: string; ms: number }> {
    if (this.lost) throw this.lost;
    const started = new Date();
    this.roundTrips++;
    let timer: NodeJS.Timeout | undefined;
    let stop: ((e: Error) => void) | undefined;
    // Losing the race is not enough: a stream left open keeps filling memory
    // (an endless answer) or keeps a socket alive, so giving up closes it.
    const halts: (() => void)[] = [];
    let halted = false;
    const run = (h: () => void) => {
      try {
        h();
      } catch {
        // already closed
      }
    };
    const halt = () => {
      halted = true;
      for (const h of halts.splice(0)) run(h);
    };
    // a stream that arrives after the request was given up is closed at once
    const onStop: OnStop = (h) => (halted ? run(h) : void halts.push(h));
    const stopped = new Promise<never>((_, reject) => {
      stop = (e) => {
        reject(e);
        halt();
      };
      const ms = this.options.requestTimeoutMs ?? 120_000;
      timer = setTimeout(
        () =>
          stop!(
            new PhoneLostError(
              `The phone gave no answer to "${what}" in ${Math.round(ms / 1000)} s`,
            ),
          ),
        ms,
      );
    });
    this.stoppers.add(stop!);
    try {
      const buf = await Promise.race([fn(onStop), stopped]);
      if (Buffer.isBuffer(buf)) this.bytesRead += buf.length;
      return { buf, started: started.toISOString(), ms: Date.now() - started.getTime() };
    } catch (e) {
      halt();
      if (e instanceof PhoneLostError) {
        this.lost ??= e;
        throw this.lost;
      }
      if (isConnectionLoss(e)) {
        this.lost ??= new PhoneLostError(`The phone stopped answering during "${what}"`, e);
        throw this.lost;
      }
      throw e;
    } finally {
      clearTimeout(timer);
      this.stoppers.delete(stop!);
    }
  }

  /**
   * Stop now (Ctrl-C, the caseworker has to leave): every request still
   * waiting fails as if the phone were unplugged, so the collector returns
   * what it already has and the bundle is written, marked incomplete.
   */
  abort(reason: string): void {
    this.lost ??= new PhoneLostError(reason);
    for (const stop of [...this.stoppers]) stop(this.lost);
  }

  private keep(
    id: string,
    command: string,
    data: Buffer,
    time: string,
    durationMs: number,
    cutShort?: string,
  ): void {
    this.seq++;
    const file = `${String(this.seq).padStart(3, '0')}-${id.replace(/[^a-z0-9.-]+/gi, '_')}.txt`;
    this.raw.push({
      record: {
        id,
        command,
        file,
        time,
        durationMs,
        bytes: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
      },
      data,
      ...(cutShort ? { cutShort } : {}),
    });
  }
}

interface Received {
  chunks: Buffer[];
  bytes: number;
  /** stopped reading at the cap */
  cut: boolean;
  /** the request is over (given up): late chunks are not added */
  done: boolean;
}

/**
 * Reads a shell answer until it ends or passes `max` bytes. Chunks are joined
 * once at the end: adbkit's readAll joins on every chunk, which is quadratic
 * (a 64 MB answer took ~24 s). Every chunk read is kept, so the answer may run
 * past `max` by less than one chunk.
 */
async function readUpTo(stream: Duplex, max: number, got: Received): Promise<void> {
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    if (got.done) return;
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    got.chunks.push(b);
    got.bytes += b.length;
    if (got.bytes > max) {
      got.cut = true;
      // at once: leaving the loop would also destroy it, but only after a tick
      stream.destroy();
      return;
    }
  }
}

function joined(got: Received): Buffer {
  return got.chunks.length === 1 ? got.chunks[0]! : Buffer.concat(got.chunks, got.bytes);
}

/** "128 MB", "8 MB", "512 bytes": sizes as the caseworker reads them. */
function sizeText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  return `${bytes} bytes`;
}

/**
 * Closes a Sync connection at once. adbkit's Sync keeps its connection
 * private and its end() only half-closes the socket, which stays open while
 * unread data sits in it (a cancelled pull stops reading).
 */
function closeSync(sync: { end(): unknown }): void {
  const socket = (sync as { connection?: { socket?: { destroy?: () => void } } }).connection
    ?.socket;
  if (typeof socket?.destroy === 'function') socket.destroy();
  else sync.end();
}

/** Errors that mean the phone (or the adb server) went away, not that one command failed. */
export function isConnectionLoss(e: unknown): boolean {
  const text =
    e instanceof Error
      ? `${e.name} ${e.message} ${(e as { code?: string }).code ?? ''}`
      : String(e);
  return /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|device '.*' not found|device (?:offline|not found|unauthorized|still authorizing)|no devices|Premature end of stream|PrematureEOFError/i.test(
    text,
  );
}
