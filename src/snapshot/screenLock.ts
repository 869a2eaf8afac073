/**
 * Whether the phone's main user has a screen lock, from `dumpsys lock_settings`. Pure; the
 * assembler hands it its `use` (which records a refused or missing step as that step's problem).
 *
 * Only a plainly printed lock type counts. Android 8–10 print none, and a phone may print one
 * spycheck does not know: then the check did not run (rules that need it are "not evaluated"),
 * never "no lock" and never clean. The type is still kept in the snapshot as evidence.
 */
import type { AndroidStepId } from '../model/androidCollection.js';
import type { CheckCause } from '../model/check.js';
import type { ParseResult } from '../model/parse.js';
import type { ScreenLock } from '../model/snapshot.js';
import { parseLockSettings } from '../parse/android/lockSettings.js';

interface Problem {
  reason: string;
  cause?: CheckCause;
}

export interface ScreenLockInputs {
  use: <T>(step: AndroidStepId, parse: (t: string) => ParseResult<T>) => T | undefined;
  /** the step answered, but not with what the check needs */
  stepProblem: (step: AndroidStepId, p: Problem) => void;
}

export function readScreenLock(x: ScreenLockInputs): ScreenLock | undefined {
  const lock = x.use('lockSettings', parseLockSettings);
  if (!lock) return undefined;
  const main = lock.users.find((u) => u.userId === 0);
  if (!main) {
    x.stepProblem('lockSettings', {
      reason: 'the phone did not say whether its main user has a screen lock',
      cause: lock.users.length > 0 ? 'garbled' : 'empty',
    });
    return undefined;
  }
  const screenLock: ScreenLock = {
    userId: 0,
    credential: main.credential,
    ...(main.raw !== undefined ? { raw: main.raw } : {}),
  };
  if (main.credential === 'unknown') {
    // printed but not in a form known here, or (Android 8–10) not printed at all
    x.stepProblem(
      'lockSettings',
      main.raw !== undefined
        ? {
            reason:
              'the phone printed its screen lock in a form spycheck does not know, so it is not known whether it has one',
            cause: 'garbled',
          }
        : {
            reason:
              'this phone does not say which screen lock is set (Android 10 and older do not), so it is not known whether it has one',
            cause: 'unsupported',
          },
    );
  }
  return screenLock;
}
