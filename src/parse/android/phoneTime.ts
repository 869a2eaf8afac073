/**
 * dumpsys prints times in the phone's local time without a zone
 * ("2024-03-02 14:05:11"). The caller knows the phone's zone
 * (persist.sys.timezone) and converts with this.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(zone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    return undefined;
  }
  formatters.set(zone, f);
  return f;
}

/** Offset (ms) of `zone` from UTC at the instant `utcMs`. */
function offsetAt(f: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour! % 24,
    parts.minute!,
    parts.second!,
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Minutes east of UTC of `zone` at `utcMs` (undefined for a zone this computer does not know). */
export function zoneOffsetMinutes(utcMs: number, zone: string): number | undefined {
  const f = formatterFor(zone);
  return f ? Math.round(offsetAt(f, utcMs) / 60_000) : undefined;
}

/**
 * Convert a phone-local time string to a UTC ISO string, or undefined when
 * the text or the zone cannot be read. In the hour repeated when clocks go
 * back the earlier instant is chosen; a time skipped when clocks go forward
 * is read with the offset in force just before the change.
 */
export function phoneLocalTimeToUtc(raw: string, ianaZone: string): string | undefined {
  const m = LOCAL.exec(raw.trim());
  if (!m) return undefined;
  const wall = wallClock([m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number));
  return wall ? wallToUtc(wall.getTime(), ianaZone) : undefined;
}

/**
 * A local clock reading [year, month, day, hour, minute, second] as a
 * wall-clock Date (its UTC fields hold the reading), or undefined when it is
 * not a real date and time (2024-02-31, 25:00).
 */
export function wallClock(parts: readonly number[]): Date | undefined {
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return wall.getUTCDate() === d ? wall : undefined;
}

/** A wall-clock reading (ms, as from wallClock) in a zone → UTC ISO, or undefined. */
export function wallToUtc(wall: number, ianaZone: string): string | undefined {
  const f = formatterFor(ianaZone);
  if (!f) return undefined;
  // Two candidate offsets: the one in force a day before and a day after.
  const candidates = [offsetAt(f, wall - 86_400_000), offsetAt(f, wall + 86_400_000)];
  const matches: number[] = [];
  for (const off of candidates) {
    const utc = wall - off;
    if (offsetAt(f, utc) === off && !matches.includes(utc)) matches.push(utc);
  }
  const chosen = matches.length > 0 ? Math.min(...matches) : wall - candidates[0]!;
  const date = new Date(chosen);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The phone's local clock reading ("2024-03-02 14:05:11") at a UTC instant, or undefined
 * when the zone cannot be read. The inverse of phoneLocalTimeToUtc.
 */
export function utcToPhoneLocal(utcMs: number, ianaZone: string): string | undefined {
  if (!Number.isFinite(utcMs)) return undefined;
  const f = formatterFor(ianaZone);
  if (!f) return undefined;
  const wall = new Date(Math.floor(utcMs / 1000) * 1000 + offsetAt(f, utcMs));
  return Number.isNaN(wall.getTime()) ? undefined : formatWall(wall);
}

/** A wall-clock Date (its UTC fields hold the local reading) as "yyyy-MM-dd HH:mm:ss". */
export function formatWall(wall: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(wall.getUTCFullYear(), 4)}-${p(wall.getUTCMonth() + 1)}-${p(wall.getUTCDate())} ` +
    `${p(wall.getUTCHours())}:${p(wall.getUTCMinutes())}:${p(wall.getUTCSeconds())}`
  );
}
