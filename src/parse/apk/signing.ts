/**
 * Read the signing certificates of an APK, for every signature scheme Android uses:
 *
 * - v1 (JAR signing): META-INF/*.RSA|*.DSA|*.EC, each a PKCS#7 SignedData (RFC 2315 / 5652).
 * - v2, v3, v3.1: the APK Signing Block, which sits right before the ZIP central directory
 *   (https://source.android.com/docs/security/features/apksigning/v2 and …/v3).
 *
 * Stalkerware vendors rename apps but keep their key, so the uppercase-hex SHA-1 of the
 * signer certificate's DER is what public indicator lists carry. The APK comes from a phone we
 * do not trust: every length is checked, work is bounded, and problems become warnings.
 * Signatures are NOT verified: this says who claims to have signed, which is what the
 * indicators describe; the phone's package manager has already verified installed APKs.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { ParseResult, ParserInfo } from '../../model/parse.js';
import type { SigningCert } from '../../model/snapshot.js';
import {
  children,
  oidToString,
  readTlv,
  TAG_CONTEXT_0,
  TAG_INTEGER,
  TAG_SEQUENCE,
  TAG_SET,
  type Tlv,
} from './der.js';
import { readZipDirectory, readZipEntry, type ZipDirectory } from './zip.js';

export const APK_SIGNING_PARSER: ParserInfo = { id: 'apk.signing', version: 1 };

export type ApkSignatureScheme = 'v1' | 'v2' | 'v3' | 'v3.1';

export interface ApkSigningInfo {
  /** Each distinct signer certificate once, in the order first found */
  certs: SigningCert[];
  /** Schemes that yielded at least one certificate, weakest first */
  schemes: ApkSignatureScheme[];
  /**
   * v3 key rotation: SHA-256 of each certificate in the proof-of-rotation, oldest first; the
   * last is the current signer. Every key of a history is also in `certs` (as v3 when it
   * signs nothing else), because a vendor's old key on an indicator list still identifies a
   * renamed, re-keyed app. The history is not verified: like the rest, it is a claim.
   */
  lineage?: string[];
}

/** Uppercase hex SHA-256 of a whole file (the form AndroidApp.apkSha256 uses). */
export function apkSha256(buf: Buffer): string {
  return sha256Hex(buf);
}

function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex').toUpperCase();
}

const SIG_BLOCK_MAGIC = Buffer.from('APK Sig Block 42', 'latin1');
const SCHEME_BLOCK_IDS: ReadonlyArray<[number, ApkSignatureScheme]> = [
  [0x7109871a, 'v2'],
  [0xf05368c0, 'v3'],
  [0x1b93ad61, 'v3.1'],
];
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
/** Real APKs have one signer, rarely two or three; more is hostile or broken. */
const MAX_SIGNERS = 16;
const MAX_V1_FILES = 16;
/** Signature block files are a few KB; leave room for long chains. */
const MAX_V1_FILE_BYTES = 1024 * 1024;
const MAX_PAIRS = 4096;

interface Span {
  start: number;
  end: number;
}

/** A uint32-LE length-prefixed span starting at `offset` that must end by `limit`. */
function lengthPrefixed(buf: Buffer, offset: number, limit: number): Span | undefined {
  if (offset + 4 > limit) return undefined;
  const start = offset + 4;
  const end = start + buf.readUInt32LE(offset);
  return end <= limit ? { start, end } : undefined;
}

/** Every length-prefixed item inside `outer`, or undefined if one runs past it. */
function lengthPrefixedItems(buf: Buffer, outer: Span, max: number): Span[] | undefined {
  const items: Span[] = [];
  let p = outer.start;
  while (p < outer.end && items.length < max) {
    const item = lengthPrefixed(buf, p, outer.end);
    if (!item) return undefined;
    items.push(item);
    p = item.end;
  }
  return items;
}

/**
 * The ID–value pairs of the APK Signing Block. Layout, ending at the central directory:
 * u64 size, pairs (u64 length, u32 id, value), u64 size again, 16-byte magic.
 * Returns an empty list when there is no block (a v1-only or unsigned APK).
 */
function readSigningBlockPairs(
  apk: Buffer,
  cdOffset: number,
  warnings: string[],
): { id: number; value: Span }[] {
  if (cdOffset < 32) return [];
  if (!apk.subarray(cdOffset - 16, cdOffset).equals(SIG_BLOCK_MAGIC)) return [];
  const sizeInFooter = apk.readBigUInt64LE(cdOffset - 24);
  // The size counts everything after the leading size field, so the block starts 8 bytes earlier.
  if (sizeInFooter < 24n || sizeInFooter + 8n > BigInt(cdOffset)) {
    warnings.push('APK Signing Block size points outside the file; v2/v3 signatures not read');
    return [];
  }
  const blockStart = cdOffset - Number(sizeInFooter) - 8;
  if (apk.readBigUInt64LE(blockStart) !== sizeInFooter) {
    warnings.push('APK Signing Block sizes disagree; v2/v3 signatures not read');
    return [];
  }
  const pairs: { id: number; value: Span }[] = [];
  const pairsEnd = cdOffset - 24;
  let p = blockStart + 8;
  while (p < pairsEnd) {
    if (pairs.length >= MAX_PAIRS) {
      warnings.push(`APK Signing Block has more than ${MAX_PAIRS} entries; the rest were skipped`);
      break;
    }
    if (p + 12 > pairsEnd) {
      warnings.push('APK Signing Block ends inside an entry header');
      break;
    }
    const length = apk.readBigUInt64LE(p);
    if (length < 4n || length > BigInt(pairsEnd - p - 8)) {
      warnings.push(`APK Signing Block entry at offset ${p} has an impossible length`);
      break;
    }
    const end = p + 8 + Number(length);
    pairs.push({ id: apk.readUInt32LE(p + 8), value: { start: p + 12, end } });
    p = end;
  }
  return pairs;
}

const PROOF_OF_ROTATION_ATTR = 0x3ba06f8c;
/** A lineage longer than this is not a real key history. */
const MAX_LINEAGE = 32;

interface SchemeCerts {
  /** The signer certificate of each signer */
  signers: Buffer[];
  /** v3 proof-of-rotation certificates, oldest first (the last one is the current signer) */
  lineage: Buffer[];
}

/**
 * v3 proof-of-rotation attribute: u32 version, then one length-prefixed node per key, oldest
 * first; a node is (signed data (certificate, u32 algorithm), u32 flags, u32 algorithm,
 * signature). Only the certificates are needed.
 */
function lineageCerts(apk: Buffer, value: Span, scheme: string, warnings: string[]): Buffer[] {
  const nodes = lengthPrefixedItems(apk, { start: value.start + 4, end: value.end }, MAX_LINEAGE);
  if (value.end - value.start < 4 || !nodes) {
    warnings.push(`APK Signature Scheme ${scheme} block: key rotation history is malformed`);
    return [];
  }
  const certs: Buffer[] = [];
  for (const node of nodes) {
    const signedData = lengthPrefixed(apk, node.start, node.end);
    const cert = signedData && lengthPrefixed(apk, signedData.start, signedData.end);
    if (!cert || cert.end === cert.start) {
      warnings.push(`APK Signature Scheme ${scheme} block: a key rotation entry is malformed`);
      continue;
    }
    certs.push(apk.subarray(cert.start, cert.end));
  }
  return certs;
}

/** The ID-value attributes at the end of v3 signed data (after the SDK range). */
function v3Attributes(apk: Buffer, signedData: Span, afterCerts: number): Span[] {
  const attrs = lengthPrefixed(apk, afterCerts + 8, signedData.end);
  return (attrs && lengthPrefixedItems(apk, attrs, 64)) ?? [];
}

/**
 * The signer certificate of each signer in a v2/v3/v3.1 block. Per the scheme, each signer is
 * (signed data, …) and signed data starts (digests, certificates, …) for all three versions;
 * the first certificate is the signer's own, any others are its chain. v3 signed data goes on
 * with (u32 minSdk, u32 maxSdk, attributes), where a rotated key leaves its history.
 */
function schemeBlockCerts(
  apk: Buffer,
  value: Span,
  scheme: ApkSignatureScheme,
  warnings: string[],
): SchemeCerts {
  const out: SchemeCerts = { signers: [], lineage: [] };
  const bad = (what: string): SchemeCerts => {
    warnings.push(`APK Signature Scheme ${scheme} block: ${what}`);
    return out;
  };
  const signersSpan = lengthPrefixed(apk, value.start, value.end);
  if (!signersSpan) return bad('signer list runs past the block');
  const signers = lengthPrefixedItems(apk, signersSpan, MAX_SIGNERS + 1);
  if (!signers) return bad('a signer runs past the signer list');
  if (signers.length === 0) return bad('no signers');
  if (signers.length > MAX_SIGNERS) {
    warnings.push(
      `APK Signature Scheme ${scheme} block: only the first ${MAX_SIGNERS} signers read`,
    );
    signers.length = MAX_SIGNERS;
  }
  for (const [i, signer] of signers.entries()) {
    const signedData = lengthPrefixed(apk, signer.start, signer.end);
    const digests = signedData && lengthPrefixed(apk, signedData.start, signedData.end);
    const certList = digests && lengthPrefixed(apk, digests.end, signedData.end);
    const first = certList && lengthPrefixed(apk, certList.start, certList.end);
    if (!signedData || !certList || !first || first.end === first.start) {
      bad(`signer ${i + 1} has no readable certificate`);
      continue;
    }
    out.signers.push(apk.subarray(first.start, first.end));
    if (scheme === 'v2') continue;
    for (const attr of v3Attributes(apk, signedData, certList.end)) {
      if (attr.end - attr.start < 4 || apk.readUInt32LE(attr.start) !== PROOF_OF_ROTATION_ATTR) {
        continue;
      }
      const history = { start: attr.start + 4, end: attr.end };
      out.lineage.push(...lineageCerts(apk, history, scheme, warnings));
    }
  }
  return out;
}

function sameBytes(buf: Buffer, a: Tlv, b: Tlv): boolean {
  return buf.subarray(a.start, a.end).equals(buf.subarray(b.start, b.end));
}

/** issuer and serialNumber of a Certificate, to match a SignerInfo's IssuerAndSerialNumber. */
function certIssuerSerial(buf: Buffer, cert: Tlv): { issuer: Tlv; serial: Tlv } | undefined {
  const tbs = children(buf, cert)?.[0];
  if (tbs?.tag !== TAG_SEQUENCE) return undefined;
  const fields = children(buf, tbs);
  if (!fields) return undefined;
  const rest = fields[0]?.tag === TAG_CONTEXT_0 ? fields.slice(1) : fields;
  const [serial, , issuer] = rest;
  if (serial?.tag !== TAG_INTEGER || issuer?.tag !== TAG_SEQUENCE) return undefined;
  return { issuer, serial };
}

/**
 * Signer certificates of one PKCS#7 SignedData. The certificates SET may also carry chain
 * certificates (a CA), so keep the ones a SignerInfo names by issuer + serial number; when
 * no signer can be matched (e.g. subjectKeyIdentifier form), keep them all, with a warning.
 */
function pkcs7SignerCerts(buf: Buffer, name: string, warnings: string[]): Buffer[] {
  const bad = (what: string): Buffer[] => {
    warnings.push(`v1 signature ${name}: ${what}`);
    return [];
  };
  const contentInfo = readTlv(buf, 0, buf.length);
  if (contentInfo?.tag !== TAG_SEQUENCE) return bad('not a DER/BER PKCS#7 structure');
  const [oid, explicit] = children(buf, contentInfo) ?? [];
  if (!oid || oidToString(buf, oid) !== OID_SIGNED_DATA || explicit?.tag !== TAG_CONTEXT_0) {
    return bad('not a PKCS#7 SignedData');
  }
  const signedData = children(buf, explicit)?.[0];
  const fields = signedData?.tag === TAG_SEQUENCE ? children(buf, signedData) : undefined;
  if (!fields) return bad('SignedData is malformed');
  // version, digestAlgorithms, encapContentInfo, then [0] IMPLICIT certificates (optional)
  const certSet = fields.slice(3).find((f) => f.tag === TAG_CONTEXT_0);
  const certTlvs = (certSet && children(buf, certSet)) ?? [];
  const certsOnly = certTlvs.filter((c) => c.tag === TAG_SEQUENCE);
  if (certsOnly.length === 0) return bad('carries no certificate');

  const signerInfos = fields
    .slice(3)
    .reverse()
    .find((f) => f.tag === TAG_SET);
  const wanted = new Set<number>();
  for (const info of (signerInfos && children(buf, signerInfos)) ?? []) {
    const sid = children(buf, info)?.[1];
    const [issuer, serial] = sid?.tag === TAG_SEQUENCE ? (children(buf, sid) ?? []) : [];
    if (!issuer || !serial) continue;
    certsOnly.forEach((cert, i) => {
      const ids = certIssuerSerial(buf, cert);
      if (ids && sameBytes(buf, ids.issuer, issuer) && sameBytes(buf, ids.serial, serial)) {
        wanted.add(i);
      }
    });
  }
  if (wanted.size === 0) {
    warnings.push(`v1 signature ${name}: signer not matched to a certificate; reporting all`);
    return certsOnly.map((c) => buf.subarray(c.start, c.end));
  }
  return [...wanted]
    .sort((a, b) => a - b)
    .map((i) => buf.subarray(certsOnly[i]!.start, certsOnly[i]!.end));
}

function v1Certs(apk: Buffer, dir: ZipDirectory, warnings: string[]): Buffer[] {
  const files = dir.entries.filter((e) => /^META-INF\/[^/]+\.(RSA|DSA|EC)$/i.test(e.name));
  if (files.length > MAX_V1_FILES) {
    warnings.push(`${files.length} v1 signature files; only the first ${MAX_V1_FILES} read`);
    files.length = MAX_V1_FILES;
  }
  const certs: Buffer[] = [];
  for (const entry of files) {
    const data = readZipEntry(apk, entry, { maxBytes: MAX_V1_FILE_BYTES });
    warnings.push(...data.warnings);
    if (data.parsed)
      certs.push(...pkcs7SignerCerts(data.parsed, JSON.stringify(entry.name), warnings));
  }
  return certs;
}

// Control characters in a hostile certificate name must not reach reports or terminals.
const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();

/** Node prints names one RDN a line in DER order; show them CN-first like keytool/apksigner. */
function formatName(name: string): string {
  return name.split('\n').map(clean).filter(Boolean).reverse().join(', ');
}

/** The first O= value, without the backslash escapes Node adds (\\, \\+ \\" …). */
function organizationOf(subject: string): string | undefined {
  const line = subject.split('\n').find((l) => l.startsWith('O='));
  if (!line) return undefined;
  return clean(line.slice(2).replace(/\\([,+"\\<>;=# ])/g, '$1')) || undefined;
}

type Scheme = NonNullable<SigningCert['scheme']>;
const SCHEME_RANK: Record<Scheme, number> = { v1: 1, v2: 2, v3: 3 };

function describeCert(der: Buffer, scheme: Scheme, warnings: string[]): SigningCert {
  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  const cert: SigningCert = { sha1, sha256: sha256Hex(der), scheme };
  // Only DER (starts with a SEQUENCE): X509Certificate would also accept PEM text.
  try {
    if (der[0] !== TAG_SEQUENCE) throw new Error('not DER');
    const x509 = new X509Certificate(der);
    cert.subject = formatName(x509.subject);
    cert.issuer = formatName(x509.issuer);
    const org = organizationOf(x509.subject);
    if (org) cert.organization = org;
  } catch {
    warnings.push(`certificate ${sha1} could not be decoded; only its fingerprint is known`);
  }
  return cert;
}

/** Signing certificates of an APK (all schemes), deduplicated, with warnings for what failed. */
export function readApkSigningCerts(apk: Buffer): ParseResult<ApkSigningInfo> {
  const warnings: string[] = [];
  const info: ApkSigningInfo = { certs: [], schemes: [] };
  const dir = readZipDirectory(apk);
  warnings.push(...dir.warnings);
  if (!dir.parsed) {
    warnings.push('not a readable APK: no signing certificates read');
    return { parsed: info, warnings };
  }

  const found: [ApkSignatureScheme, Buffer[]][] = [['v1', v1Certs(apk, dir.parsed, warnings)]];
  // Keep the longest history as `lineage`, but make every key in any history matchable.
  let lineage: Buffer[] = [];
  const pastKeys: Buffer[] = [];
  const pairs = readSigningBlockPairs(apk, dir.parsed.centralDirectoryOffset, warnings);
  for (const [id, scheme] of SCHEME_BLOCK_IDS) {
    const certs: Buffer[] = [];
    for (const pair of pairs.filter((p) => p.id === id)) {
      const read = schemeBlockCerts(apk, pair.value, scheme, warnings);
      certs.push(...read.signers);
      pastKeys.push(...read.lineage);
      if (read.lineage.length > lineage.length) lineage = read.lineage;
    }
    found.push([scheme, certs]);
  }

  const bySha256 = new Map<string, SigningCert>();
  // A key seen only in a rotation history counts as v3; one that signs too keeps its scheme.
  const add = (der: Buffer, scheme: Scheme, signs = true): string => {
    const sha256 = sha256Hex(der);
    const seen = bySha256.get(sha256);
    if (seen) {
      if (signs && SCHEME_RANK[scheme] > SCHEME_RANK[seen.scheme ?? 'v1']) seen.scheme = scheme;
    } else {
      const cert = describeCert(der, scheme, warnings);
      bySha256.set(sha256, cert);
      info.certs.push(cert);
    }
    return sha256;
  };
  for (const [scheme, ders] of found) {
    if (ders.length > 0) info.schemes.push(scheme);
    for (const der of ders) add(der, scheme === 'v3.1' ? 'v3' : scheme);
  }
  for (const der of pastKeys) add(der, 'v3', false);
  if (lineage.length > 0) info.lineage = lineage.map(sha256Hex);
  if (info.certs.length === 0) {
    warnings.push('no signing certificate found: the APK is unsigned or its signature is damaged');
  }
  return { parsed: info, warnings };
}
