/**
 * The full app-op dump → when each app last used location, the microphone,
 * the camera, body sensors, text messages or the call log. Pure. Android
 * records the last access per op; several ops mean one thing to a survivor
 * (fine and coarse location), so the latest of them is kept.
 */
import type { LastUse, RecentUseKind } from '../model/snapshot.js';
import type { AppOpsDump } from '../parse/android/appopsDump.js';

/** App-ops (AOSP AppOpsManager names) → what they mean to the person using the phone. */
export const RECENT_USE_OPS: Readonly<Record<string, RecentUseKind>> = {
  FINE_LOCATION: 'location',
  COARSE_LOCATION: 'location',
  MONITOR_LOCATION: 'location',
  MONITOR_HIGH_POWER_LOCATION: 'location',
  RECORD_AUDIO: 'microphone',
  CAMERA: 'camera',
  BODY_SENSORS: 'body-sensors',
  READ_SMS: 'sms',
  RECEIVE_SMS: 'sms',
  SEND_SMS: 'sms',
  READ_CALL_LOG: 'call-log',
};

export function recentUseOf(
  dump: AppOpsDump,
  toUtc: (phoneTime: string) => string | undefined,
  userId = 0,
): Record<string, Partial<Record<RecentUseKind, LastUse>>> {
  const out: Record<string, Partial<Record<RecentUseKind, LastUse>>> = {};
  for (const u of dump.uids) {
    if (u.userId !== userId) continue;
    for (const p of u.packages) {
      for (const e of p.ops) {
        const kind = RECENT_USE_OPS[e.op];
        if (!kind || !e.lastAccess) continue;
        // package names start with a letter, so never "__proto__"
        const uses = (out[p.id] ??= {});
        const seen = uses[kind];
        // the dump prints one fixed-width local format: text order is time order
        if (seen && seen.phoneTime >= e.lastAccess) continue;
        const utc = toUtc(e.lastAccess);
        uses[kind] = { phoneTime: e.lastAccess, op: e.op, ...(utc ? { utc } : {}) };
      }
    }
  }
  return out;
}
