/**
 * Apps that were on the phone before and are gone now, from two places the phone keeps:
 * its battery history (installs and removals since it was last charged, roughly) and apps
 * removed with their data kept. Pure: no I/O.
 */

import type { AndroidApp, PastApp, PastAppTime } from '../model/snapshot.js';
import type { BatteryHistory, BatteryHistoryEvent } from '../parse/android/batteryHistory.js';

export function buildPastApps(
  apps: readonly AndroidApp[],
  history: BatteryHistory | undefined,
): PastApp[] {
  // installed for the phone's owner now: those are judged as they are, never as "before"
  const current = new Set(apps.filter((a) => a.installedForUser0 !== false).map((a) => a.id));
  const byId = new Map<string, PastApp>();
  const entry = (id: string): PastApp => {
    let p = byId.get(id);
    if (!p) byId.set(id, (p = { id, sources: [] }));
    return p;
  };

  for (const e of history?.events ?? []) {
    if (current.has(e.package)) continue;
    const p = entry(e.package);
    if (!p.sources.includes('battery-history')) p.sources.push('battery-history');
    // the first install and the last removal: the whole time someone could have used it
    if (e.kind === 'installed' && !p.installed) p.installed = timeOf(e);
    if (e.kind === 'removed') p.removed = timeOf(e);
  }

  for (const a of apps) {
    if (a.installedForUser0 !== false || current.has(a.id)) continue;
    const p = entry(a.id);
    p.sources.push('kept-data');
    if (!p.installed && a.firstInstallTime) {
      p.installed = {
        utc: a.firstInstallTime,
        printed: 'first install time in "dumpsys package"',
      };
    }
    if (!p.removed) {
      p.removed = {
        unknown:
          'the app is not installed for the phone\u2019s main user, but its data is kept; the phone does not say when it was removed',
      };
    }
  }

  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function timeOf(e: BatteryHistoryEvent): PastAppTime {
  return {
    ...(e.time ? { utc: e.time } : {}),
    ...(e.phoneTime ? { phoneTime: e.phoneTime } : {}),
    printed: `battery history: ${e.printed}`,
    ...(e.timeUnknown ? { unknown: e.timeUnknown } : {}),
  };
}
