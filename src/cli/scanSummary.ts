import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { FindingsDoc } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';
import type { DerivedFrom } from '../report/bundle.js';
import { buildReportModel, type RulePackRef } from '../report/model.js';
import { renderTerminal } from '../report/terminal.js';
import { toolInfo } from '../util/packageRoot.js';
import { forTerminal } from '../util/sanitize.js';
import type { CliContext } from './context.js';

/**
 * The short result after a scan. It is the command's answer, so it goes to
 * stdout — unless --json owns stdout, then to stderr.
 */
export function printScanSummary(
  ctx: CliContext,
  r: {
    snapshot: Snapshot;
    findings: FindingsDoc;
    bundleDir: string;
    stats?: { roundTrips: number; wallMs: number };
    /** the rule packs used: an old list of known spyware is said in the summary too */
    rules?: RulePackRef[];
    toStderr?: boolean;
    /** set for a re-analysed bundle: a failed source puts a warning first */
    derivedFrom?: DerivedFrom;
  },
): void {
  const out: Writable = r.toStderr ? ctx.stderr : ctx.stdout;
  const model = buildReportModel({
    snapshot: r.snapshot,
    findings: r.findings,
    meta: {
      generatedAt: new Date().toISOString(),
      tool: toolInfo(),
      rules: r.rules ?? [],
      bundleDir: r.bundleDir,
      // the terminal shows no bundle id: naming it would hash the whole snapshot once more
      bundleId: '-',
      ...(r.derivedFrom ? { derivedFrom: r.derivedFrom } : {}),
    },
  });
  out.write(`\n${renderTerminal(model, { color: colorFor(out, ctx.env) })}`);
  if (r.stats) {
    ctx.stderr.write(
      `(read in ${r.stats.wallMs < 1000 ? `${Math.round(r.stats.wallMs)} ms` : `${(r.stats.wallMs / 1000).toFixed(1)} s`} with ${r.stats.roundTrips} requests to the phone)\n`,
    );
  }
  const open = fileToOpen(r.bundleDir);
  if (open) out.write(`\n${open}\n`);
}

/** The last lines: which file to read with the survivor, which one to print, and the police annex. */
export function fileToOpen(dir: string): string | undefined {
  const has = (f: string) => existsSync(join(dir, f));
  const read = ['report.html', 'report.txt', 'report.pdf'].find(has);
  if (!read) return undefined;
  const print = read !== 'report.pdf' && has('report.pdf') ? ' (to print: report.pdf)' : '';
  const police = has('evidence.pdf')
    ? `\nFor the police: ${forTerminal(join(dir, 'evidence.pdf'), { maxLength: 1000 })} (hand over the whole folder: spycheck export)`
    : '';
  return `Read this with the survivor: ${forTerminal(join(dir, read), { maxLength: 1000 })}${print}${police}`;
}

export function colorFor(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}
