/** Splits a byte stream into frames: usbmuxd (16-byte little-endian header) and lockdown/services (4-byte big-endian length). */

/** Frames bigger than this are refused: a sim should not be made to buffer without end. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export interface UsbmuxHeader {
  length: number;
  version: number;
  type: number;
  tag: number;
}

export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** Bytes not yet taken as a frame (handed on when a usbmuxd connection becomes a tunnel). */
  rest(): Buffer {
    const r = this.buf;
    this.buf = Buffer.alloc(0);
    return r;
  }

  /** Drops records at the start while `length(buffer)` says one is there (> 0) and complete. */
  skip(length: (buf: Buffer) => number): void {
    for (let n = length(this.buf); n > 0 && this.buf.length >= n; n = length(this.buf)) {
      this.buf = this.buf.subarray(n);
    }
  }

  /** Next usbmuxd message: header + plist payload, or undefined until more bytes come. */
  nextUsbmux(): { header: UsbmuxHeader; payload: Buffer } | undefined {
    if (this.buf.length < 16) return undefined;
    const length = this.buf.readUInt32LE(0);
    if (length < 16 || length > MAX_FRAME_BYTES)
      throw new Error(`bad usbmuxd message length ${length}`);
    if (this.buf.length < length) return undefined;
    const header = {
      length,
      version: this.buf.readUInt32LE(4),
      type: this.buf.readUInt32LE(8),
      tag: this.buf.readUInt32LE(12),
    };
    const payload = this.buf.subarray(16, length);
    this.buf = this.buf.subarray(length);
    return { header, payload };
  }

  /** Next lockdown/service plist payload (without its 4-byte length). */
  nextLengthPrefixed(): Buffer | undefined {
    if (this.buf.length < 4) return undefined;
    const length = this.buf.readUInt32BE(0);
    if (length > MAX_FRAME_BYTES) throw new Error(`bad frame length ${length}`);
    if (this.buf.length < 4 + length) return undefined;
    const payload = this.buf.subarray(4, 4 + length);
    this.buf = this.buf.subarray(4 + length);
    return payload;
  }
}

export function usbmuxMessage(tag: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(16 + payload.length, 0);
  header.writeUInt32LE(1, 4);
  header.writeUInt32LE(8, 8);
  header.writeUInt32LE(tag, 12);
  return Buffer.concat([header, payload]);
}

export function lengthPrefixed(payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** usbmuxd's Connect carries the port in network byte order inside a little-endian field. */
export function swap16(n: number): number {
  return ((n & 0xff) << 8) | ((n >> 8) & 0xff);
}
