/**
 * The device side of adb's `sync:` service (SYNC.TXT), read-only: STAT, LIST,
 * RECV and QUIT. Transport-agnostic: the fake adb server feeds it socket bytes,
 * the fake adbd feeds it WRTE payloads (frames may be split or batched).
 * Like adbd, any failure answers FAIL and ends the session.
 */
import type { DeviceProfile } from './deviceProfile.js';

/** adbd's SYNC_DATA_MAX */
export const SYNC_DATA_MAX = 64 * 1024;
/** adbd refuses longer paths */
const MAX_PATH = 1024;

export interface SyncIo {
  /** Send bytes to the client; resolves when more may be sent (flow control). */
  write(data: Buffer): Promise<void>;
  /** Close the service stream. */
  end(): void;
}

export interface SyncOptions {
  latencyMs?: number;
  /** Called once per request, before it is answered. */
  onRequest?: (op: string, path: string) => void;
}

export class SyncSession {
  private pending = Buffer.alloc(0);
  private busy = false;
  private done = false;
  private ended = false;

  constructor(
    private readonly device: DeviceProfile,
    private readonly io: SyncIo,
    private readonly options: SyncOptions = {},
  ) {}

  /** Bytes from the client, in whatever pieces the transport delivered them. */
  push(chunk: Buffer): void {
    if (this.done) return;
    this.pending = Buffer.concat([this.pending, chunk]);
    void this.drain();
  }

  /** The client went away: stop answering. */
  close(): void {
    this.done = true;
    this.ended = true;
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.done && this.pending.length >= 8) {
        const id = this.pending.toString('latin1', 0, 4);
        const len = this.pending.readUInt32LE(4);
        if (id === 'QUIT') {
          this.options.onRequest?.(id, '');
          return this.finish();
        }
        if (len > MAX_PATH) {
          this.options.onRequest?.(id, `(${len}-byte path)`);
          return await this.fail('path too long');
        }
        if (this.pending.length < 8 + len) return;
        const path = this.pending.toString('utf8', 8, 8 + len);
        this.pending = this.pending.subarray(8 + len);
        this.options.onRequest?.(id, path);
        if (this.options.latencyMs) await sleep(this.options.latencyMs);
        if (this.done) return;
        if (!(await this.answer(id, path))) return this.finish();
      }
    } catch {
      // the transport closed under us (phone unplugged, client gone)
      this.finish();
    } finally {
      this.busy = false;
    }
  }

  /** false = the session is over (after a FAIL). */
  private async answer(id: string, path: string): Promise<boolean> {
    switch (id) {
      case 'STAT': {
        const st = this.device.stat(path);
        const out = Buffer.alloc(16);
        out.write('STAT', 0, 'latin1');
        // a missing file is not an error in STAT v1: all fields zero
        out.writeUInt32LE(st?.mode ?? 0, 4);
        out.writeUInt32LE(st?.size ?? 0, 8);
        out.writeUInt32LE(st?.mtime ?? 0, 12);
        await this.io.write(out);
        return true;
      }
      case 'LIST': {
        for (const e of this.device.list(path) ?? []) {
          const name = Buffer.from(e.name, 'utf8');
          const head = Buffer.alloc(20);
          head.write('DENT', 0, 'latin1');
          head.writeUInt32LE(e.mode, 4);
          head.writeUInt32LE(e.size, 8);
          head.writeUInt32LE(e.mtime, 12);
          head.writeUInt32LE(name.length, 16);
          await this.io.write(Buffer.concat([head, name]));
        }
        const end = Buffer.alloc(20);
        end.write('DONE', 0, 'latin1');
        await this.io.write(end);
        return true;
      }
      case 'RECV': {
        const data = this.device.openFile(path);
        if (!data) {
          await this.fail(
            this.device.stat(path)
              ? 'read failed: Is a directory'
              : 'open failed: No such file or directory',
          );
          return false;
        }
        // With device costs the bytes go at the phone's USB speed, sharing the link with every
        // other pull and shell answer; the last piece is waited for before DONE.
        const usb = this.device.costs;
        let through = 0;
        for (let off = 0; off < data.size; off += SYNC_DATA_MAX) {
          const part = data.read(off, SYNC_DATA_MAX);
          if (usb) through = await usb.transferPiece(part.length + 8);
          await this.io.write(Buffer.concat([header('DATA', part.length), part]));
          if (this.done) return false;
        }
        if (usb) await usb.waitUntil(through);
        await this.io.write(header('DONE', 0));
        return true;
      }
      case 'SEND':
        await this.fail('spycheck simulator is read-only: SEND refused');
        return false;
      default:
        await this.fail(`unknown command ${Buffer.from(id, 'latin1').toString('hex')}`);
        return false;
    }
  }

  private async fail(message: string): Promise<void> {
    const text = Buffer.from(message, 'utf8');
    await this.io.write(Buffer.concat([header('FAIL', text.length), text]));
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.pending = Buffer.alloc(0);
    if (this.ended) return;
    this.ended = true;
    this.io.end();
  }
}

function header(id: string, n: number): Buffer {
  const b = Buffer.alloc(8);
  b.write(id, 0, 'latin1');
  b.writeUInt32LE(n, 4);
  return b;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
