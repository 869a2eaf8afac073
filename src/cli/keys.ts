/** `spycheck keys show`: print this install's public signing key so an organisation can publish it. */
import { Command } from 'commander';
import { loadOrCreateSigningKey } from '../report/keys.js';
import { type CliContext, EXIT } from './context.js';

export function keysCommand(ctx: CliContext): Command {
  const keys = new Command('keys').description(
    "this install's signing key (used to sign evidence bundles)",
  );
  keys
    .command('show')
    .description('print the public key (PEM) and its fingerprint')
    .option('--json', 'machine-readable output on stdout')
    .action((opts: { json?: boolean }) => {
      let key: ReturnType<typeof loadOrCreateSigningKey>;
      try {
        key = loadOrCreateSigningKey(ctx.env);
      } catch (err) {
        ctx.stderr.write(`${(err as Error).message}\n`);
        ctx.exit(EXIT.error);
        return;
      }
      if (key.created) ctx.stderr.write(`Created a new signing key at ${key.path}\n`);
      for (const w of key.warnings) ctx.stderr.write(`Warning: ${w}\n`);
      if (opts.json) {
        ctx.stdout.write(
          `${JSON.stringify({ algorithm: 'ed25519', publicKeyPem: key.publicKeyPem, fingerprint: key.fingerprint, path: key.path }, null, 2)}\n`,
        );
      } else {
        ctx.stdout.write(
          `${key.publicKeyPem.trimEnd()}\nFingerprint (SHA-256): ${key.fingerprint}\n`,
        );
      }
      ctx.exit(EXIT.ok);
    });
  return keys;
}
