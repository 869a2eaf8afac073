/**
 * What the person waiting sees while a phone is read, on stderr.
 *
 * On a terminal the counts of a long stage ("Reading the phone: step 7 of 18
 * (accounts)") redraw one line in place (first replacing the line that
 * started the stage), which stays on screen when the stage ends. Anywhere else (a log, a script, a test) every message is a line of
 * its own, and counts are written at most once every `logEveryMs`, so a log
 * of a slow phone still shows it moving without a line per answer.
 */
import type { Writable } from 'node:stream';
import type { AndroidStepId } from '../model/androidCollection.js';
import type { ProgressCount } from '../scan/scanPhone.js';
import { bytesOfText } from '../util/bytes.js';

/** The questions asked of an Android phone, in plain words (a new step must be named here). */
const STEP_WORDS: Record<AndroidStepId, string> = {
  clock: 'date and time',
  getprop: 'model and version',
  packages: 'app list',
  packageDetails: 'app details',
  launcher: 'apps with an icon',
  settingsSecure: 'settings',
  settingsGlobal: 'settings',
  settingsSystem: 'settings',
  accessibility: 'accessibility',
  devicePolicy: 'device admin apps',
  accounts: 'accounts',
  adbKeys: 'computers allowed to connect',
  appopsUsageStats: 'app usage access',
  appopsOverlay: 'apps shown over others',
  appopsInstall: 'apps that can install apps',
  deviceIdle: 'battery settings',
  batteryHistory: 'battery history',
  appopsDump: 'app permissions',
  su: 'root access',
  bluetooth: 'paired Bluetooth devices',
  companionDevices: 'linked watches and devices',
  connectivity: 'VPN',
  roles: 'apps for texts and calls',
  netstats: 'data sent by apps',
  users: 'other users and profiles',
  lockSettings: 'screen lock',
};

/** One count in words, e.g. "Reading the phone: step 7 of 18 (accounts)". */
export function countText(c: ProgressCount): string {
  switch (c.stage) {
    case 'steps': {
      const words =
        c.item && Object.hasOwn(STEP_WORDS, c.item)
          ? STEP_WORDS[c.item as AndroidStepId]
          : undefined;
      return `Reading the phone: step ${c.done} of ${c.total}${words ? ` (${words})` : ''}`;
    }
    case 'app-files':
      return `Checking app files: ${c.done} of ${c.total}`;
    case 'signers':
      return `Checking who signed the apps not from a store: ${c.done} of ${c.total}${
        c.bytesTotal ? ` (${bytesOfText(c.bytesDone ?? 0, c.bytesTotal)})` : ''
      }`;
  }
}

export interface ProgressPrinter {
  /** a message on its own line (ends any progress line first) */
  line(text: string): void;
  /** a stage starting */
  step(text: string): void;
  /** a count within a stage */
  count(c: ProgressCount): void;
  /** the reading is over: end any progress line */
  end(): void;
}

const CLEAR_LINE = '\r\x1b[K';

export function progressPrinter(
  out: Writable,
  opts: { live: boolean; now?: () => number; logEveryMs?: number },
): ProgressPrinter {
  const now = opts.now ?? Date.now;
  const every = opts.logEveryMs ?? 10_000;
  /** a live line is on screen without its line break */
  let open = false;
  let lastWritten = now();
  const write = (s: string) => {
    out.write(s);
    lastWritten = now();
  };
  const close = () => {
    if (open) write('\n');
    open = false;
  };
  return {
    line(text) {
      close();
      write(`${text}\n`);
    },
    step(text) {
      if (opts.live) {
        // stays on screen, unless the stage's first count replaces it
        close();
        write(`  ${text}`);
        open = true;
      } else write(`  ${text}\n`);
    },
    count(c) {
      const text = `  ${countText(c)}`;
      if (opts.live) {
        write(`${open ? CLEAR_LINE : ''}${text}`);
        open = true;
        if (c.done >= c.total) close();
      } else if (now() - lastWritten >= every) {
        write(`${text}\n`);
      }
    },
    end: close,
  };
}
