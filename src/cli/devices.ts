import { Command } from 'commander';
import type { PlatformId } from '../model/snapshot.js';
import type { PhoneAccess } from '../platform/platform.js';
import { listPhones } from '../scan/listPhones.js';
import { stateHelp } from '../scan/pickDevice.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';
import { loadPlatform } from './platforms.js';

const FAMILIES: Record<PlatformId, { name: string; plural: string }> = {
  android: { name: 'Android', plural: 'Android phones' },
  ios: { name: 'iPhone', plural: 'iPhones' },
};

export function devicesCommand(ctx: CliContext): Command {
  return new Command('devices')
    .description('List connected phones (Android and iPhone) and whether they can be read')
    .option('--json', 'print the list as JSON on stdout')
    .option(
      '--demo [profile]',
      'list a built-in simulated phone instead of real ones (an ios-* profile is an iPhone)',
    )
    .action(async (opts: { json?: boolean; demo?: string | boolean }) => {
      const demo = opts.demo ? (typeof opts.demo === 'string' ? opts.demo : true) : undefined;
      // A demo lists only its own simulated phone; otherwise every family is asked.
      const only: PlatformId | undefined = demo
        ? demo === true
          ? 'android'
          : (await import('../sim/demoPlatform.js')).demoPlatformOf(demo)
        : undefined;
      const ids: PlatformId[] = only ? [only] : ['android', 'ios'];
      // each family's code is loaded only when it is asked, one at a time
      const access: PhoneAccess[] = [];
      for (const id of ids) access.push(await loadPlatform(id));
      const listings = await listPhones(access, ctx.env, demo);
      const devices = listings.flatMap((l) =>
        l.devices.map((d) => ({ platform: l.platform, ...d })),
      );
      const unreachable = listings.flatMap((l) =>
        l.note ? [{ platform: l.platform, message: l.note }] : [],
      );
      // A family that cannot be reached is one line; the others are still listed.
      for (const u of unreachable) {
        ctx.stderr.write(
          `${FAMILIES[u.platform].plural}: ${forTerminal(u.message, { maxLength: 1000 })}\n`,
        );
      }
      if (opts.json) {
        ctx.stdout.write(
          `${JSON.stringify({ devices, ...(unreachable.length ? { unreachable } : {}) }, null, 2)}\n`,
        );
      } else if (devices.length === 0 && unreachable.length < listings.length) {
        ctx.stderr.write(
          'No phone found. Check the cable and unlock the phone. Android: turn on USB debugging. iPhone: tap "Trust This Computer". "spycheck doctor" can help.\n',
        );
      } else {
        for (const d of devices) {
          const help = stateHelp(d.state);
          const columns = [FAMILIES[d.platform].name, d.serial, d.state, d.model, d.connection]
            .filter((c): c is string => c !== undefined && c !== '')
            .map((c) => forTerminal(c));
          ctx.stdout.write(`${columns.join('\t')}${help ? `\n  ${help}` : ''}\n`);
        }
      }
      if (unreachable.length === listings.length) ctx.exit(EXIT.error);
    });
}
