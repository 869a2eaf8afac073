import type { ScanProgress } from '../scan/scanPhone.js';

/**
 * Ctrl-C while the phone is read stops reading and keeps what was read (the
 * bundle is written, marked incomplete); while the evidence is saved it is
 * held off once, since stopping then would leave it unsigned. A second
 * Ctrl-C quits at once (each listener goes after its first use), and at any
 * other moment Ctrl-C quits as usual.
 */
export function interruptHandling(say: (s: string) => void) {
  const controller = new AbortController();
  let armed: (() => void) | undefined;
  const release = () => {
    if (armed) process.off('SIGINT', armed);
    armed = undefined;
  };
  const arm = (listener: () => void) => {
    release();
    armed = listener;
    process.once('SIGINT', listener);
  };
  return {
    signal: controller.signal,
    release,
    follow(p: ScanProgress) {
      if (p.kind !== 'phase') return;
      if (p.phase === 'reading') {
        arm(() => {
          say('Stopping. Keeping what was read so far (press Ctrl-C again to quit at once)…');
          controller.abort('The scan was stopped before it finished (Ctrl-C)');
        });
      } else if (p.phase === 'saving') {
        arm(() => {
          say('Saving the evidence first; this takes a few seconds (Ctrl-C again quits at once)…');
        });
      } else {
        release();
      }
    },
  };
}
