/** `spycheck verify BUNDLE [--key FILE|FINGERPRINT] [--json]`: exit 1 on any problem. */
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { normaliseFingerprint, publicKeyFingerprint, trustedFingerprints } from '../report/keys.js';
import { forTerminal } from '../report/sanitize.js';
import { verifyBundle } from '../report/verify.js';
import { type CliContext, EXIT } from './context.js';

/**
 * --key accepts a public key file (PEM, as printed by `keys show`) or a
 * fingerprint (64 hex digits, spaces or colons allowed).
 */
export function resolveExpectedFingerprint(value: string): string {
  if (existsSync(value)) {
    const key = createPublicKey(readFileSync(value));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${value} is not an Ed25519 key`);
    return publicKeyFingerprint(key);
  }
  const hex = normaliseFingerprint(value);
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(
      `The key must be a public key file or a 64-digit hex fingerprint (put a fingerprint with spaces in quotes); got ${JSON.stringify(value)}`,
    );
  }
  return hex;
}

export function verifyCommand(ctx: CliContext): Command {
  return new Command('verify')
    .description('check that an evidence bundle is complete, unchanged and signed')
    .argument('<bundle>', 'the bundle folder')
    .option(
      '--key <file|fingerprint>',
      "require this signing key (public key file or fingerprint); needed for another computer's bundles",
    )
    .option('--json', 'machine-readable result on stdout')
    .action(async (bundle: string, opts: { key?: string; json?: boolean }) => {
      let expectedFingerprint: string | undefined;
      if (opts.key) {
        try {
          expectedFingerprint = resolveExpectedFingerprint(opts.key);
        } catch (err) {
          ctx.stderr.write(`${(err as Error).message}\n`);
          ctx.exit(EXIT.usage);
          return;
        }
      }
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
