/**
 * `spycheck diff OLD_BUNDLE NEW_BUNDLE [--json | --format text|json] [--fail-on LEVEL] [--force]`:
 * what changed between two checks of the same phone, in plain words (`--json` prints the
 * document of src/analyze/diffSchema.ts). Both bundles are verified first; one
 * that does not verify is said first (and in the JSON), never silently compared. Two different
 * phones are refused unless --force. Parts either check could not read are said before any
 * change, so "nothing changed" is never more reassuring than what was seen.
 */
import { Command, Option } from 'commander';
import type { DiffJson } from '../analyze/diffSchema.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import type { Snapshot } from '../model/snapshot.js';
import { NOT_COMPARED_BETWEEN_CHECKS } from '../report/followUp.js';
import { ukDateTime } from '../util/dates.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

const shown = (s: unknown, maxLength = 1000) => forTerminal(s, { maxLength });

interface Side {
  bundle: string;
  verified: boolean;
  summary: string;
  finished?: string;
  serial?: string;
  snapshot?: Snapshot;
  problem?: string;
}

async function readSide(bundle: string, ctx: CliContext): Promise<Side> {
  const { readBundleSnapshot } = await import('../report/readBundleSnapshot.js');
  const r = await readBundleSnapshot(bundle, ctx.env);
  const side = { bundle, verified: r.verified, summary: r.summary };
  if ('problem' in r) return { ...side, problem: r.problem };
  return {
    ...side,
    finished: r.snapshot.finished,
    serial: r.snapshot.device?.serial,
    snapshot: r.snapshot,
  };
}

const publicSide = (s: Side) => ({
  bundle: s.bundle,
  verified: s.verified,
  summary: s.summary,
  ...(s.finished ? { finished: s.finished } : {}),
  ...(s.serial ? { serial: s.serial } : {}),
});

export function diffCommand(ctx: CliContext): Command {
  return new Command('diff')
    .description('say what changed between two checks of the same phone')
    .argument('<old>', 'the earlier bundle')
    .argument('<new>', 'the later bundle')
    .option('--json', 'print the changes as JSON on stdout (and nothing else)')
    .addOption(
      new Option('--format <format>', 'text (the default) or json (the same as --json)').choices([
        'text',
        'json',
      ]),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit with code 4 when a change this severe or worse is found',
      ).choices(['high', 'medium', 'low']),
    )
    .option('--force', 'compare bundles of two different phones')
    .action(
      async (
        oldDir: string,
        newDir: string,
        opts: { json?: boolean; format?: 'text' | 'json'; failOn?: Severity; force?: boolean },
      ) => {
        if (opts.json && opts.format === 'text') {
          ctx.stderr.write('--json and --format text ask for two different outputs: give one.\n');
          ctx.exit(EXIT.usage);
          return;
        }
        const json = opts.json === true || opts.format === 'json';
        const before = await readSide(oldDir, ctx);
        const after = await readSide(newDir, ctx);
        for (const s of [before, after]) {
          if (!s.snapshot) {
            ctx.stderr.write(`Cannot compare ${shown(s.bundle, 300)}: ${shown(s.problem, 600)}\n`);
            ctx.exit(EXIT.error);
            return;
          }
        }
        if (before.serial !== after.serial && !opts.force) {
          ctx.stderr.write(
            `These are checks of two different phones (${shown(before.serial, 80)} and ${shown(after.serial, 80)}), so there is nothing to compare. Use --force to compare them anyway.\n`,
          );
          ctx.exit(EXIT.usage);
          return;
        }
        const { diffSnapshots, DIFF_SCHEMA } = await import('../analyze/diff.js');
        const d = diffSnapshots(before.snapshot!, after.snapshot!);
        const warnings: string[] = [];
        for (const [label, s] of [
          ['earlier', before],
          ['later', after],
        ] as const) {
          if (!s.verified) {
            warnings.push(
              `WARNING: the ${label} bundle (${s.bundle}) did NOT verify: ${s.summary} What it says may have been changed, so these changes cannot be relied on.`,
            );
          }
        }
        if (
          before.finished &&
          after.finished &&
          Date.parse(before.finished) > Date.parse(after.finished)
        ) {
          warnings.push(
            'The first bundle is the later check: the changes are listed from the later check back to the earlier one. Give the earlier bundle first.',
          );
        }
        const worst = d.changes.reduce<Severity | undefined>(
          (w, c) =>
            w === undefined || SEVERITIES.indexOf(c.severity) < SEVERITIES.indexOf(w)
              ? c.severity
              : w,
          undefined,
        );
        if (json) {
          const doc: DiffJson = {
            schema: DIFF_SCHEMA,
            old: publicSide(before),
            new: publicSide(after),
            warnings,
            notCompared: d.notCompared,
            changes: d.changes.map(({ kind, subject, before: b, after: a, severity }) => ({
              kind,
              subject,
              before: b,
              after: a,
              severity,
            })),
          };
          ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        } else {
          const out: string[] = [];
          for (const w of warnings) out.push(shown(w, 2000));
          const when = ukDateTime(before.finished) ?? 'an earlier date';
          out.push(`Since the check on ${when}:`);
          if (d.notCompared.length > 0) {
            out.push(
              `Not compared, because one of the two checks could not read it: ${shown(d.notCompared.join('; '), 1000)}.`,
            );
          }
          out.push(NOT_COMPARED_BETWEEN_CHECKS);
          if (d.changes.length === 0) {
            out.push(
              d.notCompared.length > 0
                ? 'In what both checks could read, nothing changed. This does not prove nothing changed.'
                : 'Nothing changed in the apps, accounts, special access and security settings spycheck compares. This does not prove the phone is safe.',
            );
          }
          const mark: Record<Severity, string> = {
            high: '!!',
            medium: ' !',
            low: ' ?',
            info: '  ',
          };
          for (const c of d.changes) out.push(`${mark[c.severity]} ${shown(c.words, 600)}`);
          if (worst === 'high' || worst === 'medium') {
            out.push(
              'Before changing anything: removing an app or changing a setting may alert the person who set it up. Make a safety plan with your support worker first.',
            );
          }
          ctx.stdout.write(`${out.join('\n')}\n`);
        }
        const reached =
          opts.failOn !== undefined &&
          worst !== undefined &&
          SEVERITIES.indexOf(worst) <= SEVERITIES.indexOf(opts.failOn);
        ctx.exit(reached ? EXIT.failOn : EXIT.ok);
      },
    );
}
