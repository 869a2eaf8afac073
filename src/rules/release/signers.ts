/**
 * Trusted rule publishers: one public key file per publisher in `rule-signers/` of the
 * data folder, named by its fingerprint. Separate from the keys whose evidence bundles
 * this computer trusts (src/report/keys.ts): trusting someone's bundles does not let
 * them change the rules, nor the other way round.
 */
import type { KeyObject } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makePrivateDir, readPlainFile, writeFileAtomic } from '../../report/files.js';
import { normaliseFingerprint } from '../../report/keys.js';
import {
  fingerprintOf,
  groupFingerprint,
  hexFingerprint,
  MAX_KEY_FILE_BYTES,
  publicKeyFromPem,
  publicKeyPem,
} from './keys.js';
import { storeRoot } from './store.js';

export const SIGNERS_DIR = 'rule-signers';

export interface TrustedSigner {
  /** 64 hex digits */
  hex: string;
  /** "1a2b 3c4d …" */
  fingerprint: string;
  key: KeyObject;
  file: string;
}

export const signersDir = (env: NodeJS.ProcessEnv): string => join(storeRoot(env), SIGNERS_DIR);

/** Every trusted signer; a file that is damaged, a link, or not named by its key is ignored. */
export async function trustedSigners(env: NodeJS.ProcessEnv): Promise<Map<string, TrustedSigner>> {
  const dir = signersDir(env);
  const out = new Map<string, TrustedSigner>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const m = /^([0-9a-f]{64})\.pem$/.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    try {
      const pem = (
        await readPlainFile(file, { maxBytes: MAX_KEY_FILE_BYTES, within: dir })
      ).toString('utf8');
      const key = publicKeyFromPem(pem, file);
      const hex = hexFingerprint(key);
      if (hex !== m[1]) continue;
      out.set(hex, { hex, fingerprint: fingerprintOf(key), key, file });
    } catch {
      // not a key we can use: as if it were not there
    }
  }
  return out;
}

/** Adds a publisher's key; returns its fingerprint and whether it was already trusted. */
export async function trustSigner(
  env: NodeJS.ProcessEnv,
  key: KeyObject,
): Promise<{ fingerprint: string; already: boolean }> {
  const dir = signersDir(env);
  const hex = hexFingerprint(key);
  const already = (await trustedSigners(env)).has(hex);
  if (!already) {
    await makePrivateDir(dir);
    await writeFileAtomic(join(dir, `${hex}.pem`), publicKeyPem(key));
  }
  return { fingerprint: groupFingerprint(hex), already };
}

export type UntrustResult =
  | { ok: true; fingerprint: string }
  | { ok: false; reason: 'not-found' | 'ambiguous' | 'bad-input'; matches?: string[] };

/** Removes a publisher by fingerprint (spaces and colons allowed; at least 8 digits of it). */
export async function untrustSigner(env: NodeJS.ProcessEnv, given: string): Promise<UntrustResult> {
  const fp = normaliseFingerprint(given);
  if (!/^[0-9a-f]{8,64}$/.test(fp)) return { ok: false, reason: 'bad-input' };
  const signers = await trustedSigners(env);
  const matches = [...signers.values()].filter((s) => s.hex.startsWith(fp));
  // a damaged or foreign file named by this fingerprint goes too
  if (matches.length === 0 && fp.length === 64) {
    const file = join(signersDir(env), `${fp}.pem`);
    const there = await rm(file).then(
      () => true,
      () => false,
    );
    return there
      ? { ok: true, fingerprint: groupFingerprint(fp) }
      : { ok: false, reason: 'not-found' };
  }
  if (matches.length === 0) return { ok: false, reason: 'not-found' };
  if (matches.length > 1) {
    return { ok: false, reason: 'ambiguous', matches: matches.map((m) => m.fingerprint) };
  }
  await rm(matches[0]!.file, { force: true });
  return { ok: true, fingerprint: matches[0]!.fingerprint };
}
