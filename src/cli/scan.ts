import { Command, InvalidArgumentError, Option } from 'commander';
import { SEVERITIES, type Severity } from '../analyze/types.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/bundle.js';
import { runScan } from '../scan/runScan.js';
import type { CliContext } from './context.js';

export { REPORT_FORMATS, type ReportFormat };

export function parseFormats(value: string): ReportFormat[] {
  const list = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const f of list) {
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) {
      throw new InvalidArgumentError(
        `"${f}" is not a report format. Use: ${REPORT_FORMATS.join(', ')}.`,
      );
    }
  }
  if (list.length === 0) throw new InvalidArgumentError('give at least one format');
  return [...new Set(list)] as ReportFormat[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function scanCommand(ctx: CliContext): Command {
  return new Command('scan')
    .description(
      'Read a connected phone (without changing it) and write a report and evidence bundle',
    )
    .option('--serial <id>', 'which phone to scan when more than one is connected')
    .addOption(new Option('--platform <platform>', 'phone type').choices(['android', 'ios']))
    .option('--out <dir>', 'where to write the evidence bundle (a new folder)')
    .option('--format <list>', 'reports to write: text,html,pdf,json', parseFormats, [
      ...REPORT_FORMATS,
    ])
    .option('--case <ref>', 'case reference for the evidence record')
    .option('--examiner <name>', 'name of the person running the check')
    .option('--consent', 'the phone owner has agreed to this check')
    .option('--rules <path>', 'add a rule pack (file or folder); can be repeated', collect, [])
    .option('--no-default-rules', 'do not use the rule packs that come with spycheck')
    .option('--demo [profile]', 'scan a built-in simulated phone (default: infected-a12)')
    .option('--json', 'print findings.json on stdout (and nothing else)')
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit with code 4 when a finding this severe or worse is found',
      ).choices(SEVERITIES.filter((s) => s !== 'info')),
    )
    .action(async (opts: ScanCliOptions) => {
      if (opts.platform === 'ios') {
        ctx.stderr.write('iPhone scans are not available in this version of spycheck yet.\n');
        ctx.exit(2);
        return;
      }
      const code = await runScan(ctx, {
        serial: opts.serial,
        out: opts.out,
        formats: opts.format,
        caseRef: opts.case,
        examiner: opts.examiner,
        consent: opts.consent,
        rules: opts.rules,
        defaultRules: opts.defaultRules,
        demo: opts.demo,
        json: opts.json === true,
        failOn: opts.failOn,
      });
      ctx.exit(code);
    });
}

interface ScanCliOptions {
  serial?: string;
  platform?: 'android' | 'ios';
  out?: string;
  format: ReportFormat[];
  case?: string;
  examiner?: string;
  consent?: boolean;
  rules: string[];
  defaultRules: boolean;
  demo?: string | boolean;
  json?: boolean;
  failOn?: Exclude<Severity, 'info'>;
}
