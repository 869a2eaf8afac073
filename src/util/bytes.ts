/** Sizes and durations as a caseworker reads them ("84 MB", "about 45 s"). */

const MiB = 1024 * 1024;

/** "about 45 s", "about 3 min", "a few seconds": an estimate said as one. */
export function durationText(ms: number): string {
  const s = ms / 1000;
  if (s < 5) return 'a few seconds';
  if (s < 90) return `about ${Math.round(s / 5) * 5} s`;
  return `about ${Math.round(s / 60)} min`;
}

/** "41 of 120 MB" (one decimal below 10 MB; KB for tiny files, as the simulated phones have). */
export function bytesOfText(done: number, total: number): string {
  if (total < 0.1 * MiB) return `${Math.round(done / 1024)} of ${Math.round(total / 1024)} KB`;
  const f = (b: number) => (total < 10 * MiB ? (b / MiB).toFixed(1) : String(Math.round(b / MiB)));
  return `${f(done)} of ${f(total)} MB`;
}

/** "84 MB", "1.2 MB", "40 KB" */
export function sizeWords(bytes: number): string {
  if (bytes < 0.1 * MiB) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return bytes < 10 * MiB ? `${(bytes / MiB).toFixed(1)} MB` : `${Math.round(bytes / MiB)} MB`;
}
