/** `spycheck verify BUNDLE [--key FINGERPRINT | --key-file PEM] [--json]`: exit 1 on any problem. */
import { createPublicKey } from 'node:crypto';
import { Command } from 'commander';
import { readPlainFile } from '../report/files.js';
import { normaliseFingerprint, publicKeyFingerprint, trustedFingerprints } from '../report/keys.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

/**
 * A key fingerprint as typed: 64 hex digits, spaces or colons allowed. Never
 * a file name: a file named like the published fingerprint, holding someone
 * else's key, would otherwise make a re-signed forgery verify.
 */
export function parseFingerprint(value: string): string {
  const hex = normaliseFingerprint(value);
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(
      `A key fingerprint is 64 hex digits (put one with spaces in quotes); got ${JSON.stringify(forTerminal(value, { maxLength: 120 }))}. To use a public key file, give it with --key-file.`,
    );
  }
  return hex;
}

/** Fingerprint of a public key file (PEM, as printed by `keys show`). */
export async function fingerprintOfKeyFile(path: string): Promise<string> {
  let pem: Buffer;
  try {
    pem = await readPlainFile(path, { maxBytes: 64 * 1024 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `There is no key file at ${forTerminal(path, { maxLength: 300 })}.`
        : `The key file ${forTerminal(path, { maxLength: 300 })} could not be read: ${forTerminal((err as Error).message, { maxLength: 300 })}.`,
    );
  }
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(
      `${forTerminal(path, { maxLength: 300 })} is not a public key file (PEM, as printed by "spycheck keys show").`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${forTerminal(path, { maxLength: 300 })} is not an Ed25519 key.`);
  }
  return normaliseFingerprint(publicKeyFingerprint(key));
}

/** The one key a command was told to expect, from --key or --key-file (not both). */
export async function expectedKey(opts: {
  key?: string;
  keyFile?: string;
}): Promise<string | undefined> {
  if (opts.key !== undefined && opts.keyFile !== undefined) {
    throw new Error(
      'Give either --key (a fingerprint) or --key-file (a public key file), not both.',
    );
  }
  if (opts.key !== undefined) return parseFingerprint(opts.key);
  if (opts.keyFile !== undefined) return fingerprintOfKeyFile(opts.keyFile);
  return undefined;
}

export function verifyCommand(ctx: CliContext): Command {
  return new Command('verify')
    .description('check that an evidence bundle is complete, unchanged and signed')
    .argument('<bundle>', 'the bundle folder')
    .option(
      '--key <fingerprint>',
      "require the signing key with this fingerprint (64 hex digits); needed for another computer's bundles",
    )
    .option('--key-file <pem>', 'require the signing key in this public key file (PEM)')
    .option('--json', 'machine-readable result on stdout')
    .action(async (bundle: string, opts: { key?: string; keyFile?: string; json?: boolean }) => {
      let expectedFingerprint: string | undefined;
      try {
        expectedFingerprint = await expectedKey(opts);
      } catch (err) {
        ctx.stderr.write(`${(err as Error).message}\n`);
        ctx.exit(EXIT.usage);
        return;
      }
      const { verifyBundle } = await import('../report/verify.js');
      const result = await verifyBundle(bundle, {
        expectedFingerprint,
        trustedFingerprints: trustedFingerprints(ctx.env),
      });
      if (opts.json) {
        ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        const out = result.ok ? ctx.stdout : ctx.stderr;
        out.write(`${forTerminal(result.summary, { maxLength: 2000 })}\n`);
        for (const p of result.problems) {
          ctx.stderr.write(`  - ${forTerminal(p.message, { maxLength: 1000 })}\n`);
        }
      }
      ctx.exit(result.ok ? EXIT.ok : EXIT.error);
    });
}
