import { Command, InvalidArgumentError } from 'commander';
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
    .argument('<platform>', 'android or ios')
    .argument('<profile>', 'a profile name from fixtures/devices, or a profile folder')
    .option('--port <n>', 'TCP port to listen on', port)
    .option(
      '--adbd',
      'act as a phone that the real adb connects to ("adb connect"), not as an adb server',
    )
    .option('--latency <ms>', 'delay each answer, like a real phone (ms)', port, 0)
    .option(
      '--socket <path>',
      'ios: the unix socket the simulated usbmuxd listens on (default: USBMUXD_SOCKET_ADDRESS, else a temp file)',
    )
    .action(
      async (
        platform: string,
        profile: string,
        opts: { port?: number; adbd?: boolean; latency: number; socket?: string },
      ) => {
        if (platform === 'ios') {
          try {
            const { runIosSim } = await import('../sim/ios/run.js');
            await runIosSim(profile, { socketPath: opts.socket, env: ctx.env, stderr: ctx.stderr });
          } catch (e) {
            ctx.stderr.write(
              `Could not run the simulated iPhone: ${forTerminal(e instanceof Error ? e.message : String(e), { maxLength: 1000 })}\n`,
            );
            ctx.exit(EXIT.error);
          }
          return;
        }
        if (platform !== 'android') {
          ctx.stderr.write(
            `There are no simulated ${forTerminal(platform)} phones. Use: spycheck sim android PROFILE or spycheck sim ios PROFILE\n`,
          );
          ctx.exit(EXIT.usage);
          return;
        }
        try {
          const { runSim } = await import('../sim/android/run.js');
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
