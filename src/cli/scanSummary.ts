import type { Writable } from 'node:stream';
import type { FindingsDoc } from '../model/findings.js';
import type { Snapshot } from '../model/snapshot.js';
import type { DerivedFrom } from '../report/bundle.js';
import { buildReportModel } from '../report/model.js';
import { renderTerminal } from '../report/terminal.js';
import { toolInfo } from '../util/packageRoot.js';
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
      rules: [],
      bundleDir: r.bundleDir,
      ...(r.derivedFrom ? { derivedFrom: r.derivedFrom } : {}),
    },
  });
  out.write(`\n${renderTerminal(model, { color: colorFor(out, ctx.env) })}`);
  if (r.stats) {
    ctx.stderr.write(
      `(read in ${r.stats.wallMs < 1000 ? `${Math.round(r.stats.wallMs)} ms` : `${(r.stats.wallMs / 1000).toFixed(1)} s`} with ${r.stats.roundTrips} requests to the phone)\n`,
    );
  }
}

export function colorFor(stream: Writable, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean((stream as { isTTY?: boolean }).isTTY);
}
