/**
 * ADB transport packets (OVERVIEW.TXT / protocol.txt): a 24-byte header of six
 * little-endian u32 (command, arg0, arg1, data length, data byte-sum, command ^
 * 0xffffffff), then the data.
 */

export const A_CNXN = 0x4e584e43;
export const A_AUTH = 0x48545541;
export const A_OPEN = 0x4e45504f;
export const A_OKAY = 0x59414b4f;
export const A_WRTE = 0x45545257;
export const A_CLSE = 0x45534c43;
export const A_STLS = 0x534c5453;

/** Protocol version that lets both sides skip the checksum (we still send a correct one). */
export const A_VERSION = 0x01000001;
export const AUTH_TOKEN = 1;
export const AUTH_SIGNATURE = 2;
export const AUTH_RSAPUBLICKEY = 3;

const HEADER = 24;

export interface AdbPacket {
  command: number;
  arg0: number;
  arg1: number;
  data: Buffer;
}

export function encodePacket(command: number, arg0: number, arg1: number, data?: Buffer): Buffer {
  const body = data ?? Buffer.alloc(0);
  const head = Buffer.alloc(HEADER);
  head.writeUInt32LE(command >>> 0, 0);
  head.writeUInt32LE(arg0 >>> 0, 4);
  head.writeUInt32LE(arg1 >>> 0, 8);
  head.writeUInt32LE(body.length, 12);
  head.writeUInt32LE(byteSum(body), 16);
  head.writeUInt32LE((command ^ 0xffffffff) >>> 0, 20);
  return Buffer.concat([head, body]);
}

function byteSum(data: Buffer): number {
  let sum = 0;
  for (const b of data) sum = (sum + b) >>> 0;
  return sum;
}

/** Four-letter name of a command, for logs and errors. */
export function commandName(command: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(command >>> 0);
  return /^[A-Z]{4}$/.test(b.toString('latin1'))
    ? b.toString('latin1')
    : `0x${command.toString(16)}`;
}

/** Reassembles packets from a byte stream; throws on a corrupt header so the caller can hang up. */
export class PacketReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxData: number) {}

  push(chunk: Buffer): AdbPacket[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: AdbPacket[] = [];
    while (this.buffered.length >= HEADER) {
      const command = this.buffered.readUInt32LE(0);
      const length = this.buffered.readUInt32LE(12);
      const magic = this.buffered.readUInt32LE(20);
      if (magic !== (command ^ 0xffffffff) >>> 0) {
        throw new Error(`bad packet magic for ${commandName(command)}`);
      }
      // CNXN may carry up to 1 MiB (MAX_PAYLOAD of newer hosts) before limits are agreed
      if (length > Math.max(this.maxData, 1024 * 1024)) {
        throw new Error(`packet too large: ${length} bytes`);
      }
      if (this.buffered.length < HEADER + length) break;
      out.push({
        command,
        arg0: this.buffered.readUInt32LE(4),
        arg1: this.buffered.readUInt32LE(8),
        data: Buffer.from(this.buffered.subarray(HEADER, HEADER + length)),
      });
      this.buffered = this.buffered.subarray(HEADER + length);
    }
    return out;
  }
}
