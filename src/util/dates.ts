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
