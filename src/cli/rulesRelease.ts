/**
 * `spycheck rules keygen | pack | trust | untrust | update | rollback | diff`: signed rule
 * pack releases (src/rules/release/). Registered by rules.ts. Each action loads its code
 * when it runs, so start-up stays fast. Results go to stdout, problems to stderr; exit 0
 * when everything asked was done, 1 when something was refused or failed, 2 for usage.
 */
import { chmod, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

const line = (s: string) => `${s}\n`;
/** Text from a release, a key file or the command line, made safe for the terminal. */
const t = (s: unknown, maxLength = 2000) => forTerminal(s, { maxLength });
/** One line, cleaned; its indentation is kept (the cleaner collapses spaces). */
const clean = (s: string) => {
  const indent = /^ */.exec(s)?.[0] ?? '';
  return `${indent}${t(s.slice(indent.length))}`;
};
const out = (ctx: CliContext, s: string) => ctx.stdout.write(line(clean(s)));
const err = (ctx: CliContext, s: string) => ctx.stderr.write(line(clean(s)));
/** Several lines, each cleaned on its own (so the layout stays). */
const outLines = (ctx: CliContext, lines: string[]) => {
  for (const l of lines) for (const part of l.split('\n')) out(ctx, part);
};
const errLines = (ctx: CliContext, lines: string[]) => {
  for (const l of lines) for (const part of l.split('\n')) err(ctx, part);
};

export const KEYGEN_PRIVATE = 'rule-signing-key.pem';
export const KEYGEN_PUBLIC = 'rule-signing-key.pub.pem';

export function addReleaseCommands(cmd: Command, ctx: CliContext): void {
  cmd
    .command('keygen')
    .description('make an Ed25519 key pair for signing rule pack releases (publishers only)')
    .requiredOption('--out <dir>', 'folder for the two key files (created when missing)')
    .action(async (opts: { out: string }) => {
      const { generateRuleSigningKey } = await import('../rules/release/keys.js');
      const key = generateRuleSigningKey();
      const priv = join(opts.out, KEYGEN_PRIVATE);
      const pub = join(opts.out, KEYGEN_PUBLIC);
      try {
        await mkdir(opts.out, { recursive: true, mode: 0o700 });
        // never replace a key: releases signed with it are trusted by its fingerprint
        const h = await open(priv, 'wx', 0o600);
        try {
          await h.writeFile(key.privatePem);
        } finally {
          await h.close();
        }
        await chmod(priv, 0o600);
        const p = await open(pub, 'wx', 0o644);
        try {
          await p.writeFile(key.publicPem);
        } finally {
          await p.close();
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        err(
          ctx,
          code === 'EEXIST'
            ? `${opts.out} already holds a rule-signing key. spycheck never replaces a key: choose another folder.`
            : `Could not write the key files: ${(e as Error).message}`,
        );
        ctx.exit(EXIT.error);
        return;
      }
      out(ctx, `Private key: ${priv} (keep it secret; only you can read it)`);
      out(ctx, `Public key: ${pub} (give this to caseworkers)`);
      out(ctx, `Fingerprint: ${key.fingerprint}`);
      err(
        ctx,
        'Publish the fingerprint where caseworkers can check it, and read it out to them by phone when they trust your key.',
      );
    });

  cmd
    .command('pack')
    .description('check, test, sign and write rule packs as a release folder (publishers only)')
    .argument('<dir...>', 'pack folders (each holds pack.yaml)')
    .requiredOption('--key <pem>', 'your Ed25519 private key (PEM)')
    .requiredOption('--out <dir>', 'the release folder to write (index.json, archives, signatures)')
    .option('--changelog <text>', 'one line saying what changed, shown to caseworkers')
    .action(async (dirs: string[], opts: { key: string; out: string; changelog?: string }) => {
      const { releasePacks } = await import('../rules/release/pack.js');
      const changelog = opts.changelog?.replace(/\s+/g, ' ').trim().slice(0, 2000);
      const r = await releasePacks({
        dirs,
        keyFile: opts.key,
        outDir: opts.out,
        ...(changelog ? { changelog } : {}),
      });
      if (!r.ok) {
        errLines(ctx, r.problems);
        err(ctx, 'Nothing was released.');
        ctx.exit(EXIT.error);
        return;
      }
      for (const p of r.packs) {
        out(
          ctx,
          `${p.unchanged ? 'Unchanged' : 'Released'} ${p.id} ${p.version}: ${p.file} (${p.size} bytes, sha256 ${p.sha256})`,
        );
      }
      out(ctx, `Signed by ${r.signer}`);
      out(ctx, `Index: ${r.index}`);
      err(
        ctx,
        'Copy the whole release folder to your web server, shared drive or USB stick as it is.',
      );
    });

  cmd
    .command('trust')
    .description("trust a rule publisher's public key for rules update")
    .argument(
      '[pubkey]',
      "the publisher's public key file (PEM); without it: list trusted publishers",
    )
    .action(async (file: string | undefined) => {
      const signers = await import('../rules/release/signers.js');
      if (!file) {
        const list = [...(await signers.trustedSigners(ctx.env)).values()];
        if (list.length === 0) err(ctx, 'No rule publisher is trusted on this laptop yet.');
        for (const s of list) out(ctx, s.fingerprint);
        return;
      }
      const { KeyFileError, readPublicKeyFile } = await import('../rules/release/keys.js');
      try {
        const key = await readPublicKeyFile(file);
        const r = await signers.trustSigner(ctx.env, key);
        out(ctx, `Fingerprint: ${r.fingerprint}`);
        errLines(ctx, [
          r.already
            ? 'This publisher was already trusted on this laptop.'
            : 'spycheck will now install rule packs signed with this key.',
          'Phone the publisher on a number you already know (not one from the same email or website as the key) and read the fingerprint out to them, group by group.',
          `If any group is different, remove the key at once: spycheck rules untrust "${r.fingerprint}"`,
        ]);
      } catch (e) {
        if (!(e instanceof KeyFileError)) throw e;
        err(ctx, e.message);
        ctx.exit(EXIT.error);
      }
    });

  cmd
    .command('untrust')
    .description('stop trusting a rule publisher')
    .argument('<fingerprint>', 'the fingerprint (spaces allowed; at least its first 8 digits)')
    .action(async (fp: string) => {
      const { untrustSigner } = await import('../rules/release/signers.js');
      const r = await untrustSigner(ctx.env, fp);
      if (r.ok) {
        out(ctx, `Removed ${r.fingerprint}: rules update will not install packs signed with it.`);
        err(
          ctx,
          'Packs already installed stay in use; spycheck rules rollback PACK goes back to the one before.',
        );
        return;
      }
      if (r.reason === 'bad-input') {
        err(ctx, 'Give the fingerprint as spycheck printed it (at least its first 8 digits).');
        ctx.exit(EXIT.usage);
        return;
      }
      err(
        ctx,
        r.reason === 'ambiguous'
          ? `More than one trusted publisher starts with that: ${r.matches?.join(', ')}. Give more of the fingerprint.`
          : 'No trusted rule publisher has that fingerprint. spycheck rules trust (with no file) lists them.',
      );
      ctx.exit(EXIT.error);
    });

  cmd
    .command('update')
    .description('install newer signed rule packs from a release (web address or folder)')
    .requiredOption(
      '--from <url|folder>',
      'the release: an http(s) address or a folder (USB stick, shared drive)',
    )
    .action(async (opts: { from: string }) => {
      const { describeUpdate, updatePacks } = await import('../rules/release/update.js');
      err(ctx, `Reading rule packs from ${opts.from} …`);
      const r = await updatePacks({ from: opts.from, env: ctx.env });
      if (!r.ok) {
        err(ctx, r.message);
        ctx.exit(EXIT.error);
        return;
      }
      const refused = r.packs.filter((p) => p.status === 'refused');
      for (const p of r.packs) {
        if (p.status === 'refused') errLines(ctx, describeUpdate(p));
        else outLines(ctx, describeUpdate(p));
      }
      const installed = r.packs.filter((p) => p.status === 'installed').length;
      if (r.packs.length === 0) err(ctx, 'The release lists no rule packs.');
      else if (refused.length) {
        err(
          ctx,
          `${installed} installed, ${refused.length} refused. The packs in use before stay in use for anything refused.`,
        );
        ctx.exit(EXIT.error);
      } else if (installed) {
        err(ctx, `${installed} pack(s) installed. Every scan from now on uses them.`);
      } else err(ctx, 'Everything is up to date.');
    });

  cmd
    .command('rollback')
    .description('go back to the rule pack version in use before the last update')
    .argument('<pack>', 'pack id (as spycheck rules list shows it)')
    .action(async (id: string) => {
      const { rollbackPack } = await import('../rules/release/rollback.js');
      const r = await rollbackPack(id, ctx.env);
      if (!r.ok) {
        err(ctx, r.message);
        ctx.exit(EXIT.error);
        return;
      }
      out(ctx, r.message);
      if (r.diff) {
        const { describeDiff } = await import('../rules/release/diff.js');
        outLines(
          ctx,
          describeDiff(r.diff).map((l) => `  ${l}`),
        );
      }
    });

  cmd
    .command('diff')
    .description('what the installed rule packs changed: rules and indicators added and removed')
    .argument('[pack]', 'one pack id (default: every installed pack)')
    .action(async (id: string | undefined) => {
      const { compareInstalled } = await import('../rules/release/compare.js');
      const { describeDiff } = await import('../rules/release/diff.js');
      const r = await compareInstalled(ctx.env, id);
      if (!r.ok) {
        err(ctx, r.message);
        ctx.exit(EXIT.error);
        return;
      }
      for (const d of r.diffs) outLines(ctx, describeDiff(d, 50));
      errLines(ctx, r.notes);
    });
}
