/**
 * `spycheck keys show`: print this install's public signing key so an organisation can publish it.
 * `spycheck keys trust KEY`: accept another organisation's bundles on this computer.
 */

import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { configDir, loadOrCreateSigningKey, TRUSTED_KEYS_FILE } from '../report/keys.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';
import { expectedKey } from './verify.js';

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
        ctx.stderr.write(`${forTerminal((err as Error).message, { maxLength: 600 })}\n`);
        ctx.exit(EXIT.error);
        return;
      }
      if (key.created) {
        ctx.stderr.write(
          `Created a new signing key at ${forTerminal(key.path, { maxLength: 500 })}\n`,
        );
      }
      for (const w of key.warnings)
        ctx.stderr.write(`Warning: ${forTerminal(w, { maxLength: 600 })}\n`);
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
  keys
    .command('trust')
    .description("accept bundles signed by another organisation's key (as they published it)")
    .argument('[fingerprint]', 'the fingerprint they published (64 hex digits)')
    .option('--key-file <pem>', 'their public key file (PEM) instead of a fingerprint')
    .option('--name <text>', 'who the key belongs to, kept beside it')
    .action(async (value: string | undefined, opts: { name?: string; keyFile?: string }) => {
      let fingerprint: string | undefined;
      try {
        fingerprint = await expectedKey({ key: value, keyFile: opts.keyFile });
      } catch (err) {
        ctx.stderr.write(`${(err as Error).message}\n`);
        ctx.exit(EXIT.usage);
        return;
      }
      if (!fingerprint) {
        ctx.stderr.write(
          'Give the fingerprint the organisation published, or their public key file with --key-file.\n',
        );
        ctx.exit(EXIT.usage);
        return;
      }
      const dir = configDir(ctx.env);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const note = opts.name ? ` # ${opts.name.replace(/[\r\n#]/g, ' ').slice(0, 100)}` : '';
      appendFileSync(join(dir, TRUSTED_KEYS_FILE), `${fingerprint}${note}\n`, { mode: 0o600 });
      ctx.stdout.write(`Bundles signed by ${fingerprint} will now verify on this computer.\n`);
      ctx.exit(EXIT.ok);
    });
  return keys;
}
