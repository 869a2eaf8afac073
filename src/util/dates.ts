const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "21 June 2026": the way UK readers write a date. `month` is 1–12. */
export function longDate(year: number | string, month: number, day: number): string {
  return `${day} ${MONTHS[month - 1] ?? month} ${year}`;
}

const UK_ZONE = 'Europe/London';

/** "16 April 2024, 14:01 (UK time, BST)": what a UK reader's clock said at that moment. */
export function ukDateTime(iso: string | undefined): string | undefined {
  const t = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return undefined;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: UK_ZONE,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).formatToParts(new Date(t));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  // en-GB names the zone "GMT" or "GMT+1"; people know the summer one as BST
  const zone = get('timeZoneName') === 'GMT' ? 'GMT' : 'BST';
  return `${get('day')} ${get('month')} ${get('year')}, ${get('hour')}:${get('minute')} (UK time, ${zone})`;
}

/**
 * "16 April 2024" in the UK's calendar (a time just after midnight BST is the next day);
 * "16 Apr 2024" where space is short (a table).
 */
export function ukDate(
  iso: string | undefined,
  month: 'long' | 'short' = 'long',
): string | undefined {
  const t = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(t)) return undefined;
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: UK_ZONE,
    day: 'numeric',
    month,
    year: 'numeric',
  }).format(new Date(t));
}

/** "4 minutes", "3 hours", "12 days", "5 months", "2 years": how long before a moment. */
export function durationWords(ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const n = (v: number, one: string) => `${v} ${one}${v === 1 ? '' : 's'}`;
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'less than a minute';
  if (min < 120) return n(min, 'minute');
  const hours = Math.floor(min / 60);
  if (hours < 48) return n(hours, 'hour');
  const days = Math.floor(hours / 24);
  if (days < 62) return n(days, 'day');
  const months = Math.floor(days / 30.44);
  if (months < 24) return n(months, 'month');
  return n(Math.floor(days / 365.25), 'year');
}
