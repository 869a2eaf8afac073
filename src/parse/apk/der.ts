/**
 * A tiny ASN.1 DER/BER walker: just enough to find certificates inside a PKCS#7 SignedData
 * blob (the v1 JAR signature files META-INF/*.RSA|DSA|EC). It never throws: a malformed
 * element comes back as undefined and the caller decides what to warn about.
 */

export interface Tlv {
  /** The identifier octet as is (class, constructed bit, tag number) */
  tag: number;
  /** Offset of the identifier octet: buf.subarray(start, end) is the whole element */
  start: number;
  /** First content byte */
  contentStart: number;
  /** One past the last content byte (before the end-of-contents octets for BER indefinite) */
  contentEnd: number;
  /** One past the whole element */
  end: number;
}

export const TAG_INTEGER = 0x02;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;
/** [0] constructed, context-specific: EXPLICIT content, and the IMPLICIT certificates SET */
export const TAG_CONTEXT_0 = 0xa0;

/** Real signature blocks nest a dozen levels at most; this stops hostile recursion. */
const MAX_DEPTH = 32;

/**
 * Read the element starting at `offset`, which must end by `limit`. BER indefinite lengths
 * (0x80, used by some streaming PKCS#7 writers) are followed through their children.
 */
export function readTlv(buf: Buffer, offset: number, limit: number, depth = 0): Tlv | undefined {
  if (depth > MAX_DEPTH || offset < 0 || offset + 2 > limit || limit > buf.length) return undefined;
  const tag = buf[offset]!;
  // High tag numbers (0x1f) never occur in the structures we read.
  if ((tag & 0x1f) === 0x1f) return undefined;
  const first = buf[offset + 1]!;
  let p = offset + 2;
  if (first === 0x80) {
    if ((tag & 0x20) === 0) return undefined;
    // Indefinite length: children until the 00 00 end-of-contents marker.
    let q = p;
    while (q + 2 <= limit) {
      if (buf[q] === 0 && buf[q + 1] === 0) {
        return { tag, start: offset, contentStart: p, contentEnd: q, end: q + 2 };
      }
      const child = readTlv(buf, q, limit, depth + 1);
      if (!child) return undefined;
      q = child.end;
    }
    return undefined;
  }
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    // Four length bytes already describe 4 GiB: more is never legitimate here.
    if (n > 4 || p + n > limit) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p + i]!;
    p += n;
  }
  const end = p + length;
  if (end > limit) return undefined;
  return { tag, start: offset, contentStart: p, contentEnd: end, end };
}

/** The direct children of a constructed element; undefined if any child is malformed. */
export function children(buf: Buffer, parent: Tlv, depth = 0): Tlv[] | undefined {
  const out: Tlv[] = [];
  let p = parent.contentStart;
  while (p < parent.contentEnd) {
    const child = readTlv(buf, p, parent.contentEnd, depth + 1);
    if (!child) return undefined;
    out.push(child);
    p = child.end;
  }
  return out;
}

/** Dotted form of an OBJECT IDENTIFIER's content bytes, e.g. "1.2.840.113549.1.7.2". */
export function oidToString(buf: Buffer, tlv: Tlv): string | undefined {
  if (tlv.tag !== TAG_OID || tlv.contentEnd <= tlv.contentStart) return undefined;
  const parts: number[] = [];
  let value = 0;
  for (let i = tlv.contentStart; i < tlv.contentEnd; i++) {
    const b = buf[i]!;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) return undefined;
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}
