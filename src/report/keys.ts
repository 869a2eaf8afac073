/**
 * The per-install Ed25519 signing key. Created on first use in the config
 * dir; the manifest embeds the public key so a bundle verifies anywhere, and
 * an organisation can publish the fingerprint so police can pin it.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRIVATE_KEY_FILE = 'signing-key.pem';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key */
  publicKeyPem: string;
  /** SHA-256 of the raw 32-byte public key, hex in groups of four */
  fingerprint: string;
  /** Where the private key lives (undefined for in-memory keys) */
  path?: string;
  /** Set when the key file was just created */
  created?: boolean;
  warnings: string[];
}

/** $SPYCHECK_CONFIG_DIR, else $XDG_CONFIG_HOME/spycheck, else ~/.config/spycheck. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SPYCHECK_CONFIG_DIR) return env.SPYCHECK_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'spycheck');
  return join(env.HOME || homedir(), '.config', 'spycheck');
}

/** The raw 32-byte Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('Not an Ed25519 public key');
  }
  return Buffer.from(jwk.x, 'base64url');
}

/** SHA-256 of the raw public key, lowercase hex in groups of 4 ("1a2b 3c4d …"). */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  const hex = createHash('sha256').update(rawPublicKey(publicKey)).digest('hex');
  return hex.match(/.{4}/g)!.join(' ');
}

/** Compare fingerprints written with or without spaces/colons, in any case. */
export function normaliseFingerprint(fp: string): string {
  return fp.replace(/[\s:]/g, '').toLowerCase();
}

export function keyFromPrivatePem(pem: string | Buffer, path?: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`The signing key${path ? ` at ${path}` : ''} is not an Ed25519 key`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    fingerprint: publicKeyFingerprint(publicKey),
    path,
    warnings: [],
  };
}

/** A throwaway key (tests, or when signing with a key that is never stored). */
export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return keyFromPrivatePem(privateKey.export({ format: 'pem', type: 'pkcs8' }));
}

/**
 * Load the install's key, creating it (0700 dir, 0600 file) the first time.
 * A damaged key file is an error, never silently replaced: bundles signed
 * with the old key must keep their known fingerprint.
 */
export function loadOrCreateSigningKey(env: NodeJS.ProcessEnv = process.env): SigningKey {
  const dir = configDir(env);
  const path = join(dir, PRIVATE_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let pem: Buffer | undefined;
  try {
    pem = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (pem === undefined) {
    const fresh = generateKeyPairSync('ed25519');
    const text = fresh.privateKey.export({ format: 'pem', type: 'pkcs8' });
    try {
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      const key = keyFromPrivatePem(text, path);
      return { ...key, created: true };
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      pem = readFileSync(path);
    }
  }
  let key: SigningKey;
  try {
    key = keyFromPrivatePem(pem, path);
  } catch (err) {
    throw new Error(
      `The signing key at ${path} could not be read (${(err as Error).message}). ` +
        'Move it aside only if you are sure: bundles signed with it keep its fingerprint.',
    );
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    key.warnings.push(
      `The signing key ${path} can be read by other users (mode ${mode.toString(8)}); ` +
        'run: chmod 600 on it.',
    );
  }
  return key;
}

/** File in the config dir listing other organisations' key fingerprints, one a line. */
export const TRUSTED_KEYS_FILE = 'trusted-keys.txt';

/**
 * Keys whose bundles this computer accepts without --key: its own key, the
 * fingerprints in trusted-keys.txt and in SPYCHECK_TRUSTED_KEYS (separated by
 * commas). A bundle signed by any other key is reported, because
 * anyone can re-sign a doctored bundle with a key of their own.
 */
export function trustedFingerprints(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = new Set<string>();
  const dir = configDir(env);
  try {
    const own = keyFromPrivatePem(readFileSync(join(dir, PRIVATE_KEY_FILE)));
    out.add(normaliseFingerprint(own.fingerprint));
  } catch {
    // no key yet on this computer (or unreadable): nothing of ours to trust
  }
  const listed: string[] = [];
  try {
    listed.push(...readFileSync(join(dir, TRUSTED_KEYS_FILE), 'utf8').split('\n'));
  } catch {
    // no list
  }
  // fingerprints are shown in groups with spaces, so entries are separated by commas
  listed.push(...(env.SPYCHECK_TRUSTED_KEYS ?? '').split(/[,;\n]+/));
  for (const line of listed) {
    const fp = normaliseFingerprint(line.replace(/#.*/, ''));
    if (/^[0-9a-f]{64}$/.test(fp)) out.add(fp);
  }
  return [...out];
}
