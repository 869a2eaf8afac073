/**
 * A full garbage collection between the phases of a scan, so that the peak memory of a scan of a
 * phone with a thousand apps stays well under 200 MB on a caseworker's laptop. Each phase (the
 * reading, the reports) leaves tens of MB of garbage behind, and V8 collects it only when it
 * chooses: whether a collection happened to run before the PDFs decided a 170 MB or a 200 MB
 * peak. One collection costs about 10–30 ms.
 *
 * V8 only hands out its collector when asked for it (`--expose-gc`); the flag is set for
 * contexts made from now on, and one new context gives the function. If a Node version does not
 * allow it, nothing happens: memory is then only what V8 decides.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collector === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      collector = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collector = null;
    }
  }
  try {
    collector?.();
  } catch {
    // only ever an optimisation
  }
}
