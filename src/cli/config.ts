/**
 * `spycheck config`: who to contact, set once on this computer and printed
 * in every report (the organisation, its number, the helplines).
 *
 *   spycheck config show [--json]
 *   spycheck config set organisation|phone VALUE
 *   spycheck config unset organisation|phone|helplines
 *   spycheck config add-helpline NAME NUMBER [--note TEXT]
 *   spycheck config remove-helpline NAME
 *   spycheck config path
 */
import { Argument, Command } from 'commander';
import {
  addHelpline,
  type ConfigRead,
  checkOrganisation,
  checkPhone,
  configFilePath,
  type Helpline,
  helplinesOf,
  moveAside,
  readConfig,
  removeHelpline,
  type SpycheckConfig,
  TEXT_KEYS,
  type TextKey,
  warningFor,
  writeConfig,
} from '../config/config.js';
import { forTerminal } from '../util/sanitize.js';
import { type CliContext, EXIT } from './context.js';

const shown = (s: string): string => forTerminal(s, { maxLength: 600 });

export function configCommand(ctx: CliContext): Command {
  const say = (s: string): void => {
    ctx.stderr.write(`${shown(s)}\n`);
  };

  /** Reads the settings to change them; an unusable file is moved aside first (nothing is lost). */
  async function change(
    update: (
      config: SpycheckConfig,
    ) => { ok: true; config: SpycheckConfig } | { ok: false; problem: string },
    done: (config: SpycheckConfig) => string,
  ): Promise<void> {
    const read = await readConfig(ctx.env);
    const result = update(read.config);
    if (!result.ok) {
      say(result.problem);
      ctx.exit(EXIT.usage);
      return;
    }
    try {
      if (read.state === 'unusable') {
        const aside = await moveAside(read.path);
        say(
          `The old settings file could not be used (${read.problem}). It was kept as ${aside} and a new one started.`,
        );
      } else if (read.state === 'ok' && read.problems.length > 0) {
        say(
          `Left out of the settings file, because it was not valid: ${read.problems.join('; ')}.`,
        );
      }
      await writeConfig(ctx.env, result.config);
    } catch (e) {
      say(
        `Could not save the settings in ${read.path}: ${e instanceof Error ? e.message : String(e)}`,
      );
      ctx.exit(EXIT.error);
      return;
    }
    say(done(result.config));
    ctx.exit(EXIT.ok);
  }

  const config = new Command('config').description(
    'who to contact, printed in every report: your organisation, its phone number and helplines',
  );

  config
    .command('show')
    .description('show the organisation, phone number and helplines the reports will list')
    .option('--json', 'print the settings as JSON on stdout')
    .action(async (opts: { json?: boolean }) => {
      const read = await readConfig(ctx.env);
      const warning = warningFor(read);
      if (warning) say(`Warning: ${warning}`);
      if (opts.json) {
        ctx.stdout.write(
          `${JSON.stringify(
            {
              path: read.path,
              organisation: read.config.organisation ?? null,
              phone: read.config.phone ?? null,
              helplines: helplinesOf(read.config),
              defaultHelplines: !read.config.helplines?.length,
            },
            null,
            2,
          )}\n`,
        );
      } else {
        ctx.stdout.write(showText(read));
      }
      ctx.exit(EXIT.ok);
    });

  config
    .command('set')
    .description(
      'set your organisation\'s name or phone number, e.g. set organisation "Safe Steps Leeds"',
    )
    .addArgument(new Argument('<key>', 'what to set').choices(TEXT_KEYS))
    .argument('<value>', 'the new value (put it in quotes if it has spaces)')
    .action(async (key: TextKey, value: string) => {
      const checked = key === 'organisation' ? checkOrganisation(value) : checkPhone(value);
      await change(
        (c) => (checked.ok ? { ok: true, config: { ...c, [key]: checked.value } } : checked),
        () =>
          `Saved. Reports now show ${key === 'organisation' ? 'the organisation' : 'the phone number'} "${checked.ok ? checked.value : ''}".`,
      );
    });

  config
    .command('unset')
    .description('remove a setting (helplines: go back to the default UK helplines)')
    .addArgument(new Argument('<key>', 'what to remove').choices([...TEXT_KEYS, 'helplines']))
    .action(async (key: TextKey | 'helplines') => {
      await change(
        (c) => {
          const { [key]: _, ...rest } = c;
          return { ok: true, config: rest };
        },
        () =>
          key === 'helplines'
            ? 'Saved. Reports now list the default UK helplines.'
            : `Saved. Reports no longer show ${key === 'organisation' ? 'an organisation' : 'a phone number for your organisation'}.`,
      );
    });

  config
    .command('add-helpline')
    .description(
      'add a helpline to the reports (or change the number of one already listed), e.g. add-helpline "Leeds helpline" "0113 496 0000"',
    )
    .argument('<name>', 'the helpline name (in quotes if it has spaces)')
    .argument('<number>', 'its phone number (digits, spaces and + ( ) - only)')
    .option('--note <text>', 'a short note, e.g. "Free, 24 hours"')
    .action(async (name: string, phone: string, opts: { note?: string }) => {
      let replaced = false;
      await change(
        (c) => {
          const r = addHelpline(c, { name, phone, ...(opts.note ? { note: opts.note } : {}) });
          if (r.ok) replaced = r.replaced;
          return r;
        },
        (c) =>
          `Saved. ${replaced ? 'Changed' : 'Added'} "${name.trim()}". Reports now list ${c.helplines?.length ?? 0} helpline${c.helplines?.length === 1 ? '' : 's'} ("spycheck config show" lists them).`,
      );
    });

  config
    .command('remove-helpline')
    .description('take a helpline off the reports (any of the defaults too)')
    .argument('<name>', 'the helpline name, as "spycheck config show" lists it')
    .action(async (name: string) => {
      await change(
        (c) => removeHelpline(c, name),
        (c) =>
          c.helplines?.length
            ? `Saved. Removed "${name.trim()}". Reports now list ${c.helplines.length} helpline${c.helplines.length === 1 ? '' : 's'}.`
            : `Saved. Removed "${name.trim()}". No helplines of your own are left, so reports list the default UK helplines.`,
      );
    });

  config
    .command('path')
    .description('print where the settings file is kept')
    .action(() => {
      ctx.stdout.write(`${configFilePath(ctx.env)}\n`);
      ctx.exit(EXIT.ok);
    });

  return config;
}

/** `config show` in words: what each report will say, and how to change it. */
export function showText(read: ConfigRead): string {
  const c = read.config;
  const lines: string[] = [];
  lines.push('Who to contact, printed in every report:', '');
  lines.push(
    `Organisation:  ${c.organisation ? shown(c.organisation) : 'not set (spycheck config set organisation "Your organisation")'}`,
  );
  lines.push(
    `Phone:         ${c.phone ? shown(c.phone) : 'not set (spycheck config set phone "0113 496 0000")'}`,
  );
  lines.push('');
  const own = Boolean(c.helplines?.length);
  lines.push(
    own
      ? 'Helplines:'
      : 'Helplines (the defaults; add your own with "spycheck config add-helpline"):',
  );
  lines.push(...helplineLines(helplinesOf(c)));
  lines.push(
    '',
    `Settings file: ${shown(read.path)}${read.state === 'missing' ? ' (not created yet)' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

function helplineLines(list: readonly Helpline[]): string[] {
  const len = (s: string) => Array.from(s).length;
  const pad = (s: string, width: number) => s + ' '.repeat(Math.max(0, width - len(s)));
  const rows = list.map((h) => ({
    name: shown(h.name),
    phone: shown(h.phone),
    note: h.note ? shown(h.note) : '',
  }));
  const nameWidth = Math.min(60, Math.max(...rows.map((r) => len(r.name))));
  const phoneWidth = Math.max(...rows.map((r) => len(r.phone)));
  return rows.map((r) =>
    `  ${pad(r.name, nameWidth)}  ${r.note ? `${pad(r.phone, phoneWidth)}  ${r.note}` : r.phone}`.trimEnd(),
  );
}
