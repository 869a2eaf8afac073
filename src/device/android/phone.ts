import { createHash } from 'node:crypto';
import type { Client, DeviceClient } from '@devicefarmer/adbkit';
import type { RawRecord } from '../../snapshot/types.js';
import { Adb } from './adbkit.js';
import { assertAllowedShell, assertAllowedSync } from './commands.js';

/** One raw output exactly as the phone sent it, with what was asked and when. */
export interface RawOutput {
  record: RawRecord;
  data: Buffer;
}

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

export interface ReadOnlyPhoneOptions {
  /**
   * A request with no answer for this long means the phone is gone or hung
   * (a frozen adbd never closes the stream). Default 120 s: a slow phone's
   * full package dump takes seconds, not minutes.
   */
  requestTimeoutMs?: number;
  /** Largest file we will pull, in bytes */
  maxPullBytes?: number;
}

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
  roundTrips = 0;
  bytesRead = 0;

  constructor(
    client: Client,
    readonly serial: string,
    private readonly options: ReadOnlyPhoneOptions = {},
  ) {
    this.device = client.getDevice(serial);
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

  /** Run an allowlisted shell command; returns stdout+stderr as text. */
  async shell(id: string, command: string): Promise<string> {
    assertAllowedShell(command);
    const data = await this.guard(command, async () => {
      const stream = await this.device.shell(command);
      return Adb.util.readAll(stream);
    });
    this.keep(id, command, data.buf, data.started, data.ms);
    return data.buf.toString('utf8');
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

  /** Pull a file over adb sync (RECV). Not stored in raw[]: callers record what they derive. */
  async pull(path: string): Promise<Buffer> {
    assertAllowedSync('RECV', path);
    const max = this.options.maxPullBytes ?? 150 * 1024 * 1024;
    const r = await this.guard(`sync RECV ${path}`, async () => {
      const transfer = await this.device.pull(path);
      return new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let total = 0;
        transfer.on('data', (c: Buffer) => {
          total += c.length;
          if (total > max) {
            transfer.cancel();
            reject(new Error(`file is larger than ${max} bytes`));
            return;
          }
          chunks.push(c);
        });
        transfer.on('end', () => resolve(Buffer.concat(chunks)));
        transfer.on('error', reject);
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
    fn: () => Promise<T>,
  ): Promise<{ buf: T; started: string; ms: number }> {
    if (this.lost) throw this.lost;
    const started = new Date();
    this.roundTrips++;
    let timer: NodeJS.Timeout | undefined;
    let stop: ((e: Error) => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      stop = reject;
      const ms = this.options.requestTimeoutMs ?? 120_000;
      timer = setTimeout(
        () =>
          reject(
            new PhoneLostError(
              `The phone gave no answer to "${what}" in ${Math.round(ms / 1000)} s`,
            ),
          ),
        ms,
      );
    });
    this.stoppers.add(stop!);
    try {
      const buf = await Promise.race([fn(), stopped]);
      if (Buffer.isBuffer(buf)) this.bytesRead += buf.length;
      return { buf, started: started.toISOString(), ms: Date.now() - started.getTime() };
    } catch (e) {
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

  private keep(id: string, command: string, data: Buffer, time: string, durationMs: number): void {
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
    });
  }
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
