/**
 * Rule-signing keys: Ed25519 in PEM, as `openssl genpkey -algorithm ed25519` writes the
 * private key (PKCS#8) and `openssl pkey -pubout` the public one (SPKI). Fingerprints are
 * the same as for bundle-signing keys (src/report/keys.ts): SHA-256 of the raw public key,
 * in groups of four.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readPlainFile } from '../../report/files.js';
import { normaliseFingerprint, publicKeyFingerprint } from '../../report/keys.js';

/** A key file is a few hundred bytes; anything larger is not one. */
export const MAX_KEY_FILE_BYTES = 16 * 1024;

export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

const MAKE_ONE =
  'Make one with: spycheck rules keygen --out FOLDER (or openssl genpkey -algorithm ed25519 -out KEY.pem).';

/** "1a2b 3c4d …" (as printed) */
export const fingerprintOf = (key: KeyObject): string => publicKeyFingerprint(key);
/** 64 lowercase hex digits (as stored and compared) */
export const hexFingerprint = (key: KeyObject): string =>
  normaliseFingerprint(publicKeyFingerprint(key));
/** 64 hex digits → "1a2b 3c4d …" */
export const groupFingerprint = (hex: string): string =>
  (normaliseFingerprint(hex).match(/.{1,4}/g) ?? []).join(' ');

async function readKeyFile(path: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readPlainFile(path, { maxBytes: MAX_KEY_FILE_BYTES });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeyFileError(`There is no file ${path}.`);
    throw new KeyFileError(`${path} could not be read as a key file: ${(err as Error).message}.`);
  }
  return buf.toString('utf8');
}

/** The private key that signs releases; anything but an unencrypted Ed25519 PEM key is refused. */
export function privateKeyFromPem(pem: string, shown: string): KeyObject {
  if (!pem.includes('PRIVATE KEY-----')) {
    if (pem.includes('PUBLIC KEY-----')) {
      throw new KeyFileError(
        `${shown} is a public key. Signing needs the private key (the one you keep secret).`,
      );
    }
    throw new KeyFileError(`${shown} is not a PEM key file. ${MAKE_ONE}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MISSING_PASSPHRASE' || /passphrase/i.test((err as Error).message)) {
      throw new KeyFileError(
        `${shown} is protected by a passphrase, which spycheck cannot use. Keep an unprotected key on an encrypted drive instead.`,
      );
    }
    throw new KeyFileError(`${shown} is not a key spycheck can read. ${MAKE_ONE}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyFileError(
      `${shown} is ${describeType(key.asymmetricKeyType)} key; rule packs are signed only with Ed25519 keys. ${MAKE_ONE}`,
    );
  }
  return key;
}

/** A publisher's public key; a private key is refused (it must never leave the publisher). */
export function publicKeyFromPem(pem: string, shown: string): KeyObject {
  if (pem.includes('PRIVATE KEY-----')) {
    throw new KeyFileError(
      `${shown} is a PRIVATE key. Never copy a private key to another computer: ask the publisher for their public key file instead (it says PUBLIC KEY inside).`,
    );
  }
  if (!pem.includes('PUBLIC KEY-----')) {
    throw new KeyFileError(
      `${shown} is not a public key file. Ask the publisher for their public key file (it says PUBLIC KEY inside).`,
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new KeyFileError(`${shown} is damaged or not a key spycheck can read.`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyFileError(
      `${shown} is ${describeType(key.asymmetricKeyType)} key; rule packs are signed only with Ed25519 keys.`,
    );
  }
  return key;
}

function describeType(t: string | undefined): string {
  if (!t) return 'an unknown kind of';
  const name = t.toUpperCase();
  return /^(?:[AEIOX]|RSA)/.test(name) ? `an ${name}` : `a ${name}`;
}

export async function readPrivateKeyFile(path: string): Promise<KeyObject> {
  return privateKeyFromPem(await readKeyFile(path), path);
}

export async function readPublicKeyFile(path: string): Promise<KeyObject> {
  return publicKeyFromPem(await readKeyFile(path), path);
}

/** SPKI PEM of a public key, as `openssl pkey -pubout` writes it. */
export const publicKeyPem = (key: KeyObject): string =>
  key.export({ format: 'pem', type: 'spki' }).toString();

/** A new key pair, PEM as openssl writes it. */
export function generateRuleSigningKey(): {
  privatePem: string;
  publicPem: string;
  fingerprint: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKeyPem(publicKey),
    fingerprint: fingerprintOf(publicKey),
  };
}
