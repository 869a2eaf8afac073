/** `spycheck sim android PROFILE`: run one simulated phone until Ctrl-C, for training and manual tests. */
import { untilStopped } from '../profileFiles.js';
import { DeviceProfile, loadProfileData, type ShellFault } from './device.js';
import { type DeviceCostsOption, describeCosts } from './deviceCosts.js';
import { startFakeAdbd } from './fakeAdbd.js';
import { startFakeAdbServer } from './fakeAdbServer.js';
import { SLOW_DEFAULTS } from './shellFaults.js';

/** Away from adb's own 5037 so a real adb server can run beside the simulator. */
export const DEFAULT_SIM_SERVER_PORT = 15037;
/** Outside 5555–5585, which a real adb server probes for emulators on its own. */
export const DEFAULT_SIM_ADBD_PORT = 15555;

export interface RunSimOptions {
  port?: number;
  /** Act as a phone for the real adb to `adb connect` to, instead of as an adb server. */
  adbd?: boolean;
  latencyMs?: number;
  host?: string;
  /** Where instructions go (default process.stderr). */
  stderr?: { write(text: string): unknown };
  /** Stops the simulator (besides SIGINT/SIGTERM); for tests and embedding. */
  signal?: AbortSignal;
  /** Misbehaving answers on top of the profile's own `faults` (command → fault). */
  faults?: Record<string, ShellFault>;
  /**
   * Make the phone as slow as a real one where its own work is the bottleneck (flash reads for
   * sha256sum, USB for pulls and output, dumpsys time): `true` for a budget phone, or figures.
   * Overrides the profile's own `costs`.
   */
  costs?: DeviceCostsOption;
}

export async function runSim(profileName: string, options: RunSimOptions = {}): Promise<void> {
  const out = options.stderr ?? process.stderr;
  const data = await loadProfileData(profileName);
  const profile = new DeviceProfile({
    ...data,
    faults: { ...data.faults, ...options.faults },
    ...(options.costs !== undefined ? { costs: options.costs } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 0;
  const who = `Simulated phone "${profile.name}"${profile.description ? ` (${profile.description})` : ''}`;
  const stateNote =
    profile.state === 'device'
      ? ''
      : `\nIt shows as "${profile.state}", as a phone does before ${
          profile.state === 'unauthorized'
            ? 'the USB debugging prompt is accepted'
            : 'it finishes connecting'
        }.`;
  const faultNote = profile
    .shellFaults()
    .map(
      ([cmd, f]) =>
        `\nOn purpose, its answer to "${cmd}" ${
          f.kind === 'endless'
            ? 'never ends'
            : `trickles out ${f.bytes ?? SLOW_DEFAULTS.bytes} bytes every ${f.intervalMs ?? SLOW_DEFAULTS.intervalMs} ms and never ends`
        }.`,
    )
    .join('');
  const costNote = profile.costs
    ? `\nIt works as slowly as a real phone: ${describeCosts(profile.costs.costs)}.`
    : '';

  let stop: () => Promise<void>;
  let requests: () => number;
  if (options.adbd) {
    const adbd = await startFakeAdbd({
      profile,
      host,
      port: options.port ?? DEFAULT_SIM_ADBD_PORT,
      latencyMs,
    });
    stop = adbd.close;
    requests = () => adbd.log.entries.length;
    const addr = `${host}:${adbd.port}`;
    out.write(
      `${who} is listening as a phone (adbd) on ${addr}.${stateNote}${faultNote}${costNote}\n` +
        `Connect your adb to it:   adb connect ${addr}\n` +
        `Then check it:            spycheck scan --serial ${addr}\n` +
        `When done:                adb disconnect ${addr}\n` +
        'Press Ctrl-C to stop the simulated phone.\n',
    );
  } else {
    const server = await startFakeAdbServer({
      profiles: [profile],
      host,
      port: options.port ?? DEFAULT_SIM_SERVER_PORT,
      latencyMs,
    });
    stop = server.close;
    requests = () => server.log.entries.length;
    out.write(
      `${who} is connected to a simulated adb server on ${host}:${server.port}.${stateNote}${faultNote}${costNote}\n` +
        `Serial: ${profile.serial}\n` +
        `Check it with spycheck:   ANDROID_ADB_SERVER_PORT=${server.port} spycheck scan\n` +
        `Or look with adb:         adb -P ${server.port} devices -l\n` +
        '(Use -P with adb: without it adb talks to its own server on 5037, not to this one.)\n' +
        'Press Ctrl-C to stop the simulated phone.\n',
    );
  }

  await untilStopped(options.signal);
  await stop();
  out.write(`Simulated phone stopped after ${requests()} requests.\n`);
}
