import { Command } from 'commander';
import { connectAdb } from '../platform/android/connect.js';
import { stateHelp } from '../scan/pickDevice.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

export function devicesCommand(ctx: CliContext): Command {
  return new Command('devices')
    .description('List connected phones and whether they can be read')
    .option('--json', 'print the list as JSON on stdout')
    .option('--demo [profile]', 'list the built-in simulated phone instead of real ones')
    .action(async (opts: { json?: boolean; demo?: string | boolean }) => {
      const conn = await connectAdb(ctx.env, opts.demo);
      if (!conn.ok) {
        ctx.stderr.write(`${conn.message}\n`);
        ctx.exit(EXIT.error);
        return;
      }
      try {
        const devices = await conn.listDevices();
        if (opts.json) {
          ctx.stdout.write(`${JSON.stringify({ devices }, null, 2)}\n`);
        } else if (devices.length === 0) {
          ctx.stderr.write(
            'No phone found. Check the cable, unlock the phone and turn on USB debugging. "spycheck doctor" can help.\n',
          );
        } else {
          for (const d of devices) {
            const help = stateHelp(d.state);
            ctx.stdout.write(
              `${forTerminal(d.serial)}\t${forTerminal(d.state)}${d.model ? `\t${forTerminal(d.model)}` : ''}${help ? `\n  ${help}` : ''}\n`,
            );
          }
        }
      } catch (e) {
        ctx.stderr.write(`${conn.describeError(e)}\n`);
        ctx.exit(EXIT.error);
      } finally {
        await conn.close();
      }
    });
}
