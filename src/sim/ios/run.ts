/** `spycheck sim ios PROFILE`: run one simulated iPhone behind a fake usbmuxd until Ctrl-C. */

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { untilStopped } from '../profileFiles.js';
import { loadIosProfile } from './profile.js';
import { startFakeUsbmuxd } from './usbmuxd.js';

export interface RunIosSimOptions {
  /** Unix socket path; default: USBMUXD_SOCKET_ADDRESS when it names one, else a file in the temp folder. */
  socketPath?: string;
  /** The environment to read USBMUXD_SOCKET_ADDRESS from (the CLI passes its own). */
  env?: NodeJS.ProcessEnv;
  stderr?: { write(text: string): unknown };
  /** Stops the simulator (besides SIGINT/SIGTERM); for tests and embedding. */
  signal?: AbortSignal;
}

/** The unix socket the sim listens on: --socket, else USBMUXD_SOCKET_ADDRESS (`UNIX:/path` or `/path`), else a temp file. */
export function iosSimSocketPath(option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option) return option;
  const fromEnv = env.USBMUXD_SOCKET_ADDRESS?.trim();
  if (fromEnv) {
    if (fromEnv.startsWith('UNIX:')) return fromEnv.slice(5);
    if (fromEnv.startsWith('/')) return fromEnv;
    throw new Error(
      `USBMUXD_SOCKET_ADDRESS is "${fromEnv}": the simulated iPhone listens on a unix socket only. Use --socket PATH`,
    );
  }
  return join(tmpdir(), 'spycheck-usbmuxd.sock');
}

export async function runIosSim(
  profileName: string,
  options: RunIosSimOptions = {},
): Promise<void> {
  const out = options.stderr ?? process.stderr;
  const profile = await loadIosProfile(profileName);
  const socketPath = iosSimSocketPath(options.socketPath, options.env ?? {});
  const mux = await startFakeUsbmuxd({ profiles: [profile], socketPath });
  const who = `Simulated iPhone "${profile.name}"${profile.description ? ` (${profile.description})` : ''}`;
  const stateNote: Record<typeof profile.state, string> = {
    paired: '',
    locked:
      '\nIt is locked: it answers basic questions, but not about apps or profiles until unlocked.',
    'locked-before-first-unlock':
      '\nIt was just restarted and never unlocked: it refuses every session.',
    unpaired: '\nIt has never trusted this computer: only basic questions are answered.',
    'pairing-removed':
      '\nIt no longer trusts this computer (the pairing was removed on the phone).',
  };
  const faultNote = profile.faults.silent
    .map((r) => `\nOn purpose, it never answers "${r}".`)
    .join('');
  out.write(
    `${who} is connected to a simulated usbmuxd at ${socketPath}.${stateNote[profile.state]}${faultNote}\n` +
      `UDID: ${profile.udid}\n` +
      `Point clients at it:      export USBMUXD_SOCKET_ADDRESS=UNIX:${socketPath}\n` +
      `For example:              USBMUXD_SOCKET_ADDRESS=UNIX:${socketPath} ideviceinfo -s\n` +
      'Press Ctrl-C to stop the simulated phone.\n',
  );
  await untilStopped(options.signal);
  await mux.close();
  const refused = mux.log.forbidden().length;
  out.write(
    `Simulated iPhone stopped after ${mux.log.entries.length} requests` +
      (refused ? ` (${refused} refused because they would have changed the phone)` : '') +
      '.\n',
  );
}
