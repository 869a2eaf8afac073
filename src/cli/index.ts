import { Command, CommanderError } from 'commander';
import { toolInfo } from '../util/packageRoot.js';
import { forTerminal } from '../util/sanitize.js';
import { analyzeCommand } from './analyze.js';
import { configCommand } from './config.js';
import { type CliContext, EXIT, type ExitCode } from './context.js';
import { devicesCommand } from './devices.js';
import { diffCommand } from './diff.js';
import { doctorCommand } from './doctor.js';
import { exportCommand } from './export.js';
import { keysCommand } from './keys.js';
import { openWithSystem } from './openFile.js';
import { reportCommand } from './report.js';
import { rulesCommand } from './rules.js';
import { scanCommand } from './scan.js';
import { simCommand } from './sim.js';
import { verifyCommand } from './verify.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('spycheck')
    .description(
      'Checks a phone for stalkerware, tracking and location sharing, without changing anything on it.',
    )
    .version(toolInfo().version)
    .showHelpAfterError('(run "spycheck --help" for the commands)')
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .exitOverride();
  for (const cmd of [
    scanCommand(ctx),
    devicesCommand(ctx),
    analyzeCommand(ctx),
    reportCommand(ctx),
    verifyCommand(ctx),
    diffCommand(ctx),
    exportCommand(ctx),
    rulesCommand(ctx),
    keysCommand(ctx),
    doctorCommand(ctx),
    configCommand(ctx),
    simCommand(ctx),
  ]) {
    program.addCommand(cmd);
  }
  // commander's own errors (unknown option, missing argument) are usage errors: exit 2
  const applyOverride = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
    c.commands.forEach(applyOverride);
  };
  program.commands.forEach(applyOverride);
  return program;
}

export function processContext(): { ctx: CliContext; code: () => ExitCode } {
  let code: ExitCode = EXIT.ok;
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    color:
      Boolean(process.stderr.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== ''),
    exit: (c) => {
      code = c;
    },
    liveProgress: Boolean(process.stderr.isTTY),
    openFile: (path) => openWithSystem(path),
  };
  return { ctx, code: () => code };
}

/** Runs the CLI; resolves to the exit code (bin/spycheck.js sets process.exitCode). */
export async function main(argv: string[], context = processContext()): Promise<number> {
  const { ctx, code } = context;
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      if (e.code === 'commander.help') return EXIT.ok;
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // an unexpected error may quote anything (a file name, text read from a phone or a bundle)
    ctx.stderr.write(
      `spycheck: ${forTerminal(e instanceof Error ? e.message : String(e), { maxLength: 1000 })}\n`,
    );
    return EXIT.error;
  }
  return code();
}
