/**
 * Loaded with `node --import` into a spycheck process the benchmark starts: on exit it writes
 * the process's peak RSS (KiB) to $SPYCHECK_BENCH_RSS_FILE, so the bench can report the memory
 * of the scan alone (the simulated phone runs in another process).
 */
import { writeFileSync } from 'node:fs';

const file = process.env.SPYCHECK_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, String(process.resourceUsage().maxRSS));
    } catch {
      // the figure is missing from the table; the scan is unaffected
    }
  });
}
