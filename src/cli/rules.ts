/**
 * `spycheck rules …`: list, validate, test, show and import rule packs.
 * Data goes to ctx.stdout, messages to ctx.stderr; failures set exit 1.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import type { GeneratedPack } from '../rules/import/common.js';
import type { RulePack } from '../rules/load.js';
import { packageRoot } from '../util/packageRoot.js';
import { forTerminal, forTerminalLines } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';
import { addReleaseCommands } from './rulesRelease.js';

// The rules code (YAML, zod schemas, the importers) is loaded when a rules command runs, not
// at start-up: each action imports what it uses.

/** The shipped packs' folder: the same as defaultRulesDir() (src/rules/load.ts), without loading it. */
const shippedRulesDir = (): string => join(packageRoot(), 'rules');

const line = (s: string) => `${s}\n`;
/** Text from a pack, an import source or the command line, made safe for the terminal. */
const t = (s: unknown, maxLength = 1000) => forTerminal(s, { maxLength });

async function loadOrReport(ctx: CliContext, paths: string[]): Promise<RulePack[] | undefined> {
  const { defaultRulesDir, formatRuleError, loadRulePacks } = await import('../rules/load.js');
  const { packs, errors } = await loadRulePacks(paths.length ? paths : [defaultRulesDir()]);
  if (errors.length) {
    for (const e of errors) ctx.stderr.write(line(formatRuleError(e)));
    ctx.stderr.write(line(`${errors.length} problem(s) in rule packs; fix them and try again.`));
    ctx.exit(EXIT.error);
    return undefined;
  }
  return packs;
}

export function rulesCommand(ctx: CliContext): Command {
  const cmd = new Command('rules').description('list, check, test and import rule packs');

  cmd
    .command('list')
    .description('list the rule packs scans use (shipped and installed) and their rules')
    .option('--rules <path...>', 'also load these packs')
    .option('--no-default-rules', 'do not load the shipped or installed packs')
    .action(async (opts: { rules?: string[]; defaultRules: boolean }) => {
      const { defaultRulePaths } = await import('../rules/release/installed.js');
      const defaults = opts.defaultRules
        ? defaultRulePaths(ctx.env, shippedRulesDir())
        : { paths: [], installed: new Map() };
      const paths = [...defaults.paths, ...(opts.rules ?? [])];
      const packs = await loadOrReport(ctx, paths);
      if (!packs) return;
      const { compileRules } = await import('../analyze/compile.js');
      const compiled = compileRules(packs);
      for (const p of packs) {
        const signer = defaults.installed.get(p.dir)?.record?.signer;
        ctx.stdout.write(
          line(
            `${t(p.id)} ${t(p.version)}  ${t(p.name)}  (${p.rules.length} rules, sha256 ${p.sha256.slice(0, 12)}${signer ? `, installed, signed by ${t(signer)}` : ''})`,
          ),
        );
        for (const r of p.rules)
          ctx.stdout.write(line(`  ${t(r.severity).padEnd(6)} ${t(r.id)}  ${t(r.title)}`));
      }
      ctx.stderr.write(
        line(
          `${packs.length} packs, ${compiled.rules.length} rules, ${compiled.indicators} exact indicators`,
        ),
      );
    });

  cmd
    .command('validate')
    .argument('[path...]', 'pack folders, folders of packs, or rule files (default: shipped packs)')
    .description('check rule packs against the schema; errors name file:line:col')
    .action(async (paths: string[]) => {
      const packs = await loadOrReport(ctx, paths);
      if (!packs) return;
      const n = packs.reduce((s, p) => s + p.rules.length, 0);
      ctx.stderr.write(line(`OK: ${packs.length} pack(s), ${n} rule(s)`));
    });

  cmd
    .command('test')
    .argument('[path...]', 'pack folders, folders of packs, or rule files (default: shipped packs)')
    .description("run every rule's own must-match and must-not-match cases")
    .action(async (paths: string[]) => {
      const packs = await loadOrReport(ctx, paths);
      if (!packs) return;
      const { testPacks } = await import('../analyze/ruleTester.js');
      const { formatRuleError } = await import('../rules/load.js');
      const results = testPacks(packs);
      const failures = results.flatMap((r) => r.failures);
      for (const f of failures) ctx.stderr.write(line(formatRuleError(f)));
      const passed = results.reduce((s, r) => s + r.passed, 0);
      ctx.stderr.write(
        line(`${results.length} rule(s), ${passed} case(s) passed, ${failures.length} failure(s)`),
      );
      if (failures.length) ctx.exit(EXIT.error);
    });

  cmd
    .command('show')
    .argument('<id>', 'rule id')
    .option('--rules <path...>', 'also load these packs')
    .description('print one rule')
    .action(async (id: string, opts: { rules?: string[] }) => {
      const { defaultRulePaths } = await import('../rules/release/installed.js');
      const shipped = defaultRulePaths(ctx.env, shippedRulesDir()).paths;
      const packs = await loadOrReport(ctx, [...shipped, ...(opts.rules ?? [])]);
      if (!packs) return;
      const { stringify } = await import('yaml');
      for (const p of packs) {
        const r = p.rules.find((x) => x.id === id);
        if (!r) continue;
        const { pack, packVersion, file, line: l, col, ...def } = r;
        ctx.stdout.write(
          line(`# ${t(file)}:${l ?? 1}:${col ?? 1} (pack ${t(pack)} ${t(packVersion)})`),
        );
        // cleaned line by line, so the YAML keeps its layout
        ctx.stdout.write(forTerminalLines(stringify(def, { lineWidth: 100 })));
        return;
      }
      ctx.stderr.write(line(`No rule with id "${t(id, 200)}".`));
      ctx.exit(EXIT.error);
    });

  cmd
    .command('schema')
    .description('print the JSON Schemas for rule files and pack.yaml (for editors)')
    .option('--pack', 'print the pack.yaml schema instead of the rule schema')
    .action(async (opts: { pack?: boolean }) => {
      const { packJsonSchema, ruleJsonSchema } = await import('../rules/schema.js');
      ctx.stdout.write(
        line(JSON.stringify(opts.pack ? packJsonSchema() : ruleJsonSchema(), null, 2)),
      );
    });

  const imp = cmd.command('import').description('generate a pack from a public indicator set');
  imp
    .command('stalkerware-indicators')
    .argument('<source>', 'folder with ioc.yaml, watchware.yaml and samples.csv')
    .option(
      '--out <dir>',
      'pack folder to write',
      join(shippedRulesDir(), 'stalkerware-indicators'),
    )
    .action(async (source: string, opts: { out: string }) => {
      const { importStalkerwareIndicators } = await import(
        '../rules/import/stalkerware-indicators.js'
      );
      await runImport(ctx, opts.out, () => importStalkerwareIndicators(source));
    });
  imp
    .command('isdi')
    .argument('<source>', 'app-flags.csv or the folder holding it')
    .option('--out <dir>', 'pack folder to write', join(shippedRulesDir(), 'isdi-dual-use'))
    .action(async (source: string, opts: { out: string }) => {
      const { importIsdi } = await import('../rules/import/isdi.js');
      const exclude = await stalkerwarePackages();
      await runImport(ctx, opts.out, () => importIsdi(source, { exclude }));
    });
  addReleaseCommands(cmd, ctx);
  return cmd;
}

/** Package ids of the shipped stalkerware pack, so ISDI does not repeat them. */
async function stalkerwarePackages(): Promise<Set<string>> {
  const { loadRulePacks } = await import('../rules/load.js');
  const dir = join(shippedRulesDir(), 'stalkerware-indicators');
  const out = new Set<string>();
  const exists = await readdir(dir).then(
    () => true,
    () => false,
  );
  if (!exists) return out;
  const { packs } = await loadRulePacks([dir]);
  const walk = (m: { package?: string[]; any?: unknown[]; all?: unknown[] }) => {
    for (const p of m.package ?? []) out.add(p);
    for (const s of [...(m.any ?? []), ...(m.all ?? [])]) walk(s as typeof m);
  };
  for (const p of packs) for (const r of p.rules) walk(r.match);
  return out;
}

async function runImport(
  ctx: CliContext,
  out: string,
  generate: () => Promise<GeneratedPack>,
): Promise<void> {
  const { writePack } = await import('../rules/import/common.js');
  const { testPacks } = await import('../analyze/ruleTester.js');
  const { formatRuleError } = await import('../rules/load.js');
  let pack: GeneratedPack;
  try {
    pack = await generate();
    await writePack(out, pack);
  } catch (err) {
    ctx.stderr.write(line(`Import failed: ${t(err instanceof Error ? err.message : String(err))}`));
    ctx.exit(EXIT.error);
    return;
  }
  for (const w of pack.warnings.slice(0, 50)) ctx.stderr.write(line(`warning: ${t(w)}`));
  if (pack.warnings.length > 50)
    ctx.stderr.write(line(`… and ${pack.warnings.length - 50} more warnings`));
  const stats = Object.entries(pack.stats)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  ctx.stderr.write(line(`Wrote ${pack.files.size} files to ${t(out)}: ${t(stats)}`));
  // A generated pack must load and pass its own tests before anyone ships it.
  const packs = await loadOrReport(ctx, [out]);
  if (!packs) return;
  const failures = testPacks(packs).flatMap((r) => r.failures);
  for (const f of failures) ctx.stderr.write(line(formatRuleError(f)));
  if (failures.length) ctx.exit(EXIT.error);
}
