/**
 * `spycheck export BUNDLE [--out FILE.zip]`: one zip of a verified bundle and
 * its SHA-256 ("FILE.zip.sha256", sha256sum format) for handing the evidence
 * over. A bundle that does not verify is refused (exit 1, nothing written);
 * one signed by a key this computer does not know is exported, and that is
 * said plainly. Nothing is re-signed.
 */
import { basename } from 'node:path';
import { Command } from 'commander';
import { trustedFingerprints } from '../report/keys.js';
import { forTerminal, hasHiddenCharacters } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

const shown = (s: string, maxLength = 1000) => forTerminal(s, { maxLength });

export function exportCommand(ctx: CliContext): Command {
  return new Command('export')
    .description('write a verified evidence bundle as one zip + its SHA-256, for handing over')
    .argument('<bundle>', 'the bundle folder')
    .option(
      '--out <file.zip>',
      'the zip to write (must not exist yet; default: beside the bundle, <bundle folder name>.zip)',
    )
    .action(async (bundle: string, opts: { out?: string }) => {
      // the zip writer and the verifier are loaded when the command runs, one at a time
      const { MANIFEST_FILE } = await import('../report/bundle.js');
      const { ExportRefusedError, exportBundle } = await import('../report/export.js');
      let result: Awaited<ReturnType<typeof exportBundle>>;
      try {
        result = await exportBundle(bundle, {
          ...(opts.out !== undefined ? { out: opts.out } : {}),
          trustedFingerprints: trustedFingerprints(ctx.env),
        });
      } catch (err) {
        if (err instanceof ExportRefusedError) {
          if (err.why === 'not-verified') {
            const v = err.verification;
            ctx.stderr.write(
              `Cannot export ${shown(bundle, 300)}. ${shown(v?.summary ?? err.message, 2000)}\n`,
            );
            for (const p of (v?.problems ?? []).slice(0, 20)) {
              ctx.stderr.write(`  - ${shown(p.message)}\n`);
            }
            if ((v?.problems.length ?? 0) > 20) {
              ctx.stderr.write(`  (and ${(v?.problems.length ?? 0) - 20} more problems)\n`);
            }
            const problems = v?.problems ?? [];
            const notABundle =
              problems.every((p) => !p.file) ||
              (problems.length === 1 &&
                problems[0]?.kind === 'missing' &&
                problems[0].file === MANIFEST_FILE);
            ctx.stderr.write(
              notABundle
                ? 'Nothing was written. Give the folder of a finished bundle (the one that holds manifest.json).\n'
                : 'Nothing was written. spycheck only exports a bundle that is unchanged since it was ' +
                    'signed. Leave this folder exactly as it is (do not try to repair it) and tell whoever ' +
                    'made the bundle: they may still have an unchanged copy.\n',
            );
            ctx.exit(EXIT.error);
            return;
          }
          if (err.why === 'too-large') {
            ctx.stderr.write(
              `Cannot export ${shown(bundle, 300)}. ${shown(err.message)} Nothing was written.\n`,
            );
            ctx.exit(EXIT.error);
            return;
          }
          ctx.stderr.write(`${shown(err.message)} Nothing was written.\n`);
          ctx.exit(EXIT.usage);
          return;
        }
        ctx.stderr.write(
          `Could not export the bundle: ${shown((err as Error).message)} Nothing was written.\n`,
        );
        ctx.exit(EXIT.error);
        return;
      }

      const v = result.verification;
      if (v.ok) {
        ctx.stderr.write(`Checked the bundle: ${shown(v.summary, 2000)}\n`);
      } else {
        if (result.unknownKey) {
          ctx.stderr.write(
            `Checked the bundle: the files are unchanged since they were signed, but this computer does not know the key that signed them (${shown(v.signedBy ?? 'unknown', 200)}). ` +
              'That is normal for a bundle made on another computer. It is exported as it is (nothing is re-signed); ' +
              'whoever receives it should compare that key with the fingerprint the organisation that made it published.\n',
          );
        }
        if (result.provenanceWarning) {
          ctx.stderr.write(
            'Warning: this bundle was made from a bundle that did NOT verify, so what it shows may have ' +
              'been changed before it was signed. The zip holds it as it is, and the bundle itself says so.\n',
          );
        }
      }
      const zipName = basename(result.zip);
      ctx.stderr.write(
        `Wrote ${shown(result.zip)} (${result.files} files in the folder ${shown(result.topFolder, 300)}, ${result.bytes} bytes)\n` +
          `  and ${shown(result.checksumFile)}\n` +
          `SHA-256 of the zip: ${result.sha256}\n` +
          'The zip is as sensitive as the bundle: hand it over in person or on an encrypted USB stick, ' +
          `never by email or a shared folder. The receiver checks it with "sha256sum -c ${shown(zipName, 300)}.sha256" ` +
          `in the folder that holds both files, or unzips it and runs "spycheck verify ${shown(result.topFolder, 300)}".\n`,
      );
      // data for scripts: the zip's path, exactly when it is an ordinary one
      ctx.stdout.write(
        `${hasHiddenCharacters(result.zip) ? forTerminal(result.zip, { maxLength: 4000 }) : result.zip}\n`,
      );
      ctx.exit(EXIT.ok);
    });
}
