/**
 * `npm run build`: compiles the shipped rule packs into dist/rules-index.json
 * (see compiled.ts). A pack that does not load is left out and named here; the
 * loader then parses it in full and refuses it with its errors.
 */
import { rm } from 'node:fs/promises';
import { shippedIndexPath, writeShippedIndex } from './compiled.js';
import { formatRuleError } from './load.js';

const out = shippedIndexPath();
try {
  const { packs, errors } = await writeShippedIndex(out);
  for (const e of errors.slice(0, 20)) process.stderr.write(`${formatRuleError(e)}\n`);
  process.stderr.write(`rules index: ${packs.length} pack(s) compiled into ${out}\n`);
} catch (err) {
  // never a stale index: without one, every pack is parsed in full
  await rm(out, { force: true });
  process.stderr.write(
    `rules index not written (${err instanceof Error ? err.message : String(err)}); rule packs will be parsed at each run\n`,
  );
}
