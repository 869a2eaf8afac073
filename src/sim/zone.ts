/** Time zones for the simulated phones' clocks. */
import { zoneOffsetMinutes as offsetOrNothing } from '../parse/android/phoneTime.js';

/** Minutes east of UTC of `zone` at `ms` (0 for a zone this computer does not know). */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  return offsetOrNothing(ms, zone) ?? 0;
}
