import type { ParseResult } from '../../model/parse.js';
import { detectShellError } from './shellError.js';
import { quote, splitLines } from './text.js';

export const PARSER = { id: 'android.netstats', version: 1 } as const;

export interface NetstatsDetail {
  /** The dump had per-app (UID) stats: only `detail` (or `--uid`) prints them */
  listed: boolean;
  /** uid → bytes sent (tx) since the phone started, summed over networks */
  txByUid: Record<number, number>;
}

const MAX_LINES = 400_000;

/**
 * `dumpsys netstats detail`: after the device totals, `UID stats:` lists, per network, uid, set
 * and tag, a history of buckets `st=<start> rb=<rx bytes> rp=… tb=<tx bytes> tp=… op=…`. Only
 * `UID stats` with `tag=0x0` is summed (the `UID tag stats` section counts the same bytes again,
 * by socket tag); only bytes sent are kept, as totals per uid. No networks, no addresses.
 */
export function parseNetstatsDetail(text: string): ParseResult<NetstatsDetail> {
  const out: NetstatsDetail = { listed: false, txByUid: {} };
  const warnings: string[] = [];
  const err = detectShellError(text);
  if (err) return { parsed: out, warnings: [`netstats: ${quote(err)}`] };
  let inUid = false;
  let uid: number | undefined;
  const lines = splitLines(text);
  if (lines.length > MAX_LINES) {
    warnings.push(`netstats: only the first ${MAX_LINES} lines were read`);
  }
  for (const line of lines.slice(0, MAX_LINES)) {
    const t = line.trim();
    if (/^[A-Za-z][A-Za-z ]*:$/.test(t) && !line.startsWith(' ')) {
      inUid = t === 'UID stats:';
      if (inUid) out.listed = true;
      uid = undefined;
      continue;
    }
    if (!inUid) continue;
    if (t.startsWith('ident=')) {
      const m = / uid=(-?\d{1,10}) set=\S+ tag=(0x[0-9a-fA-F]+)/.exec(t);
      uid = m && Number(m[2]) === 0 && Number(m[1]) >= 0 ? Number(m[1]) : undefined;
      continue;
    }
    if (uid === undefined) continue;
    const tb = / tb=(\d{1,20})/.exec(t)?.[1];
    if (!tb || !t.startsWith('st=')) continue;
    const n = Number(tb);
    // more than a petabyte in one bucket is not a phone's count: say so, keep the rest
    if (!Number.isFinite(n) || n > 1e15) {
      if (warnings.length < 5) warnings.push(`netstats: an impossible byte count ${quote(tb)}`);
      continue;
    }
    out.txByUid[uid] = (out.txByUid[uid] ?? 0) + n;
  }
  return { parsed: out, warnings };
}
