/**
 * Test-only: write small ZIP archives by hand so tests can build hostile ones (lying sizes,
 * zip bombs, fake APK Signing Blocks) that no real zip tool would produce.
 */
import { deflateRawSync } from 'node:zlib';

export interface FixtureEntry {
  name: string;
  data: Buffer;
  deflate?: boolean;
  /** Override the uncompressed size written in the central directory (to lie) */
  claimedSize?: number;
}

const u16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
export const u64 = (v: number | bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};

/**
 * Build a ZIP. `beforeDirectory` is inserted between the entry data and the central directory:
 * exactly where an APK Signing Block lives.
 */
export function buildZip(
  entries: FixtureEntry[],
  beforeDirectory: Buffer = Buffer.alloc(0),
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const method = e.deflate ? 8 : 0;
    const size = e.claimedSize ?? e.data.length;
    const common = [u16(20), u16(0x800), u16(method), u16(0), u16(0x5021), u32(0)];
    const sizes = [u32(body.length), u32(size), u16(name.length), u16(0)];
    const local = Buffer.concat([u32(0x04034b50), ...common, ...sizes, name, body]);
    centrals.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(20),
        ...common,
        ...sizes,
        u16(0),
        u16(0),
        u16(0),
        u32(0),
        u32(offset),
        name,
      ]),
    );
    locals.push(local);
    offset += local.length;
  }
  const cdOffset = offset + beforeDirectory.length;
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(entries.length),
    u16(entries.length),
    u32(cd.length),
    u32(cdOffset),
    u16(0),
  ]);
  return Buffer.concat([...locals, beforeDirectory, cd, eocd]);
}

/** An APK Signing Block holding the given ID-value pairs (lengths can be overridden). */
export function signingBlock(
  pairs: { id: number; value: Buffer; length?: bigint }[],
  sizeOverride?: bigint,
): Buffer {
  const body = Buffer.concat(
    pairs.map((p) =>
      Buffer.concat([u64(p.length ?? BigInt(p.value.length + 4)), u32(p.id), p.value]),
    ),
  );
  const size = sizeOverride ?? BigInt(body.length + 8 + 16);
  return Buffer.concat([u64(size), body, u64(size), Buffer.from('APK Sig Block 42', 'latin1')]);
}

/** uint32-LE length prefix, as the v2/v3 scheme blocks nest their fields. */
export function lp(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(body.length), body]);
}

/** A v2/v3 scheme block value with one signer per certificate list. */
export function schemeBlock(signerCerts: Buffer[][]): Buffer {
  const signers = signerCerts.map((certs) => {
    const signedData = lp(lp(), lp(...certs.map((c) => lp(c))), lp());
    return lp(signedData, lp(), lp());
  });
  return lp(...signers);
}

/** Deterministic pseudo-random bytes (xorshift32) so failures can be reproduced. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
