import { Command, InvalidArgumentError } from 'commander';
import { runSim } from '../sim/android/run.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('not a port number');
  return n;
}

export function simCommand(ctx: CliContext): Command {
  return new Command('sim')
    .description('Run a simulated phone for training and manual tests, until Ctrl-C')
    .argument('<platform>', 'android (iOS is not available yet)')
    .argument('<profile>', 'a profile name from fixtures/devices, or a profile folder')
    .option('--port <n>', 'TCP port to listen on', port)
    .option(
      '--adbd',
      'act as a phone that the real adb connects to ("adb connect"), not as an adb server',
    )
    .option('--latency <ms>', 'delay each answer, like a real phone (ms)', port, 0)
    .action(
      async (
        platform: string,
        profile: string,
        opts: { port?: number; adbd?: boolean; latency: number },
      ) => {
        if (platform !== 'android') {
          ctx.stderr.write(
            `Simulated ${forTerminal(platform)} phones are not available yet. Use: spycheck sim android PROFILE\n`,
          );
          ctx.exit(EXIT.usage);
          return;
        }
        try {
          await runSim(profile, {
            port: opts.port,
            adbd: opts.adbd,
            latencyMs: opts.latency,
            stderr: ctx.stderr,
          });
        } catch (e) {
          ctx.stderr.write(
            `Could not run the simulated phone: ${forTerminal(e instanceof Error ? e.message : String(e), { maxLength: 1000 })}\n`,
          );
          ctx.exit(EXIT.error);
        }
      },
    );
}
