/** The benchmark's results as a table that pastes into the README, and the targets of issue 11. */

export interface CaseResult {
  name: string;
  apps: number;
  latencyMs: number;
  /** device costs on (flash, USB, dumpsys time) */
  costs: boolean;
  roundTrips: number;
  bytesRead: number;
  wallMs: number;
  /** the scan's own phone-reading time, when it says */
  phoneMs?: number;
  peakRssMb: number;
  /** not run: computed from a run at another latency */
  extrapolated?: boolean;
  /** e.g. stopped after the time limit */
  note?: string;
  /** wall times of every run when the row is a median of several */
  runs?: number[];
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function baselineFor(rows: CaseResult[], r: CaseResult): CaseResult | undefined {
  return rows.find(
    (b) =>
      b.name === 'per-app baseline' &&
      b.apps === r.apps &&
      b.latencyMs === r.latencyMs &&
      b.costs === r.costs,
  );
}

/** Markdown: one row per case, scan rows with their speed-up over the per-app baseline. */
export function markdownTable(rows: CaseResult[]): string {
  const head = [
    'case',
    'apps',
    'costs',
    'latency',
    'round trips',
    'read',
    'wall',
    'phone',
    'peak RSS',
    'vs baseline',
  ];
  const order = (r: CaseResult) =>
    ['spycheck scan', 'per-app baseline', 'collect via real adb', 'iPhone collect'].indexOf(r.name);
  const sorted = [...rows].sort(
    (a, b) =>
      order(a) - order(b) ||
      a.apps - b.apps ||
      Number(a.costs) - Number(b.costs) ||
      a.latencyMs - b.latencyMs,
  );
  const body = sorted.map((r) => {
    const base = r.name === 'spycheck scan' ? baselineFor(rows, r) : undefined;
    const speed =
      base && !r.note
        ? `${base.extrapolated ? '~' : ''}${(base.wallMs / r.wallMs).toFixed(1)}×`
        : '';
    return [
      r.name,
      String(r.apps),
      r.name === 'iPhone collect' ? '–' : r.costs ? 'on' : 'off',
      `${r.latencyMs} ms`,
      String(r.roundTrips),
      `${(r.bytesRead / 1e6).toFixed(1)} MB`,
      r.note
        ? `> ${secs(r.wallMs)} (${r.note})`
        : `${r.extrapolated ? '~' : ''}${secs(r.wallMs)}${r.runs && r.runs.length > 1 ? ` (median of ${r.runs.length}: ${r.runs.map((ms) => (ms / 1000).toFixed(2)).join('/')})` : ''}`,
      r.phoneMs !== undefined ? secs(r.phoneMs) : '',
      Number.isFinite(r.peakRssMb) ? `${r.peakRssMb.toFixed(0)} MB` : '',
      speed,
    ];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

/** The lines that check the targets of issue 11 ("Must show"). */
export function speedUps(rows: CaseResult[]): string[] {
  const out: string[] = [];
  const scan = (apps: number, lat: number, costs: boolean) =>
    rows.find(
      (r) =>
        r.name === 'spycheck scan' && r.apps === apps && r.latencyMs === lat && r.costs === costs,
    );
  const apps = [...new Set(rows.filter((r) => r.name === 'spycheck scan').map((r) => r.apps))].sort(
    (a, b) => a - b,
  );
  const [small, big] = [apps[0], apps[apps.length - 1]];
  if (small !== undefined) {
    const s = scan(small, 50, true);
    const b = s && baselineFor(rows, s);
    if (s && b && !s.note) {
      out.push(
        `${small} apps, costs on, 50 ms: spycheck scan ${secs(s.wallMs)} end to end vs per-app baseline ${b.extrapolated ? '~' : ''}${secs(b.wallMs)}: ${(b.wallMs / s.wallMs).toFixed(1)}× faster (target ≥ 5×)`,
      );
    }
  }
  if (big !== undefined && big !== small) {
    const s = scan(big, 50, true);
    if (s) {
      out.push(
        `${big} apps, costs on, 50 ms: ${s.note ? `> ${secs(s.wallMs)} (${s.note})` : secs(s.wallMs)} end to end (target ≤ 5 s); peak RSS ${Number.isFinite(s.peakRssMb) ? `${s.peakRssMb.toFixed(0)} MB` : '?'} (target ≤ 200 MB)`,
      );
    }
    const a = small !== undefined ? scan(small, 50, true) : undefined;
    if (a && s) {
      out.push(
        `Round trips, costs on, 50 ms: ${a.roundTrips} (${small} apps) vs ${s.roundTrips} (${big} apps) (target: not growing with the number of store apps)`,
      );
    }
  }
  return out;
}
