/**
 * Carries a TLS session over a connection that may go back to plain text,
 * as lockdownd's does after StopSession. Node's TLS takes a socket over for
 * good, so TLS runs on this stand-in instead, which copies bytes to and from
 * the real connection until detach().
 */
import { Duplex } from 'node:stream';

export class TlsCarrier extends Duplex {
  private attached = true;
  private readonly onData = (chunk: Buffer) => {
    this.push(chunk);
  };
  private readonly onEnd = () => {
    this.push(null);
  };
  private readonly onClose = () => {
    if (this.attached) this.destroy();
  };

  constructor(
    private readonly conn: Duplex,
    leftover?: Buffer,
  ) {
    super();
    if (leftover && leftover.length > 0) this.push(leftover);
    conn.on('data', this.onData);
    conn.once('end', this.onEnd);
    conn.once('close', this.onClose);
  }

  /** From now on the connection is the caller's again; TLS bytes no longer reach it. */
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.conn.off('data', this.onData);
    this.conn.off('end', this.onEnd);
    this.conn.off('close', this.onClose);
  }

  override _read(): void {}

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (e?: Error | null) => void,
  ): void {
    if (this.attached) this.conn.write(chunk, done);
    else done();
  }

  override _final(done: (e?: Error | null) => void): void {
    done();
  }

  override _destroy(err: Error | null, done: (e?: Error | null) => void): void {
    // A TLS failure while still attached ends the connection, as on the phone.
    if (this.attached) {
      this.detach();
      this.conn.destroy();
    }
    done(err);
  }
}

/** Length of a TLS record at the start of `buf` (a close_notify alert left after StopSession), or 0. */
export function tlsRecordAt(buf: Buffer): number {
  if (buf.length < 5) return 0;
  const type = buf[0]!;
  if (type < 0x14 || type > 0x17 || buf[1] !== 0x03) return 0;
  return 5 + buf.readUInt16BE(3);
}
