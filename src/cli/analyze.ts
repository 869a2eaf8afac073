import { Command } from 'commander';
import { REPORT_FORMATS } from '../report/formats.js';
import type { AnalyzeOptions } from './analyzeRun.js';
import type { CliContext } from './context.js';
import { parseFormats } from './scan.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Re-runs today's rules over a saved bundle's snapshot into a NEW bundle that
 * names the one it came from; the original stays untouched as evidence.
 */
export function analyzeCommand(ctx: CliContext): Command {
  return new Command('analyze')
    .description(
      "Check a saved evidence bundle, an androidqf acquisition, a bugreport or an iPhone's App Privacy Report with the current rules (writes a new bundle)",
    )
    .argument(
      '<input>',
      "a bundle folder, an androidqf folder or ZIP, a bugreport ZIP, or an iPhone's App Privacy Report (.ndjson)",
    )
    .option(
      '--with <bundle>',
      "with an App Privacy Report: the iPhone's bundle (from spycheck scan) to add it to",
    )
    .option('--out <dir>', 'where to write the new bundle')
    .option('--rules <path>', 'add a rule pack (file or folder); can be repeated', collect, [])
    .option('--no-default-rules', 'do not use the rule packs that come with spycheck')
    .option('--format <list>', 'reports to write: text,html,pdf,evidence,json', parseFormats, [
      ...REPORT_FORMATS,
    ])
    .option('--json', 'print findings.json on stdout (and nothing else)')
    .option(
      '--force',
      're-check a bundle that does not verify (the new bundle and its reports say so first)',
    )
    .action(async (input: string, opts: AnalyzeOptions) => {
      // the implementation (rules, importers, renderers) is loaded only when the command runs
      const { runAnalyze } = await import('./analyzeRun.js');
      await runAnalyze(ctx, input, opts);
    });
}
