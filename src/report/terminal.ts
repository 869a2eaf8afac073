/** The short summary printed after a scan: headline, findings, not-checked list, bundle path. */
import { Chalk } from 'chalk';
import { forTerminal } from '../util/sanitize.js';
import type { ReportModel } from './model.js';
import { wrap } from './wrap.js';

export interface TerminalOptions {
  /** Colour only when the caller decided it is allowed (TTY and NO_COLOR unset). */
  color: boolean;
}

export function renderTerminal(model: ReportModel, opts: TerminalOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const t = (s: unknown, max = 300) => forTerminal(s, { maxLength: max });
  const mark = {
    high: c.red.bold('!!'),
    medium: c.yellow.bold(' !'),
    low: c.cyan(' ?'),
    info: '  ',
  };
  const out: string[] = [];
  const spyware = model.counts.high > 0;
  if (model.provenanceWarning) out.push(c.red.bold(t(model.provenanceWarning, 600)));
  out.push(spyware ? c.red.bold(t(model.headline)) : c.bold(t(model.headline)));
  for (const n of model.headlineNotes) out.push(c.yellow(t(n)));
  out.push(`Phone: ${t(model.deviceSummary)}`);

  if (model.since) {
    out.push('', c.bold(`${t(model.since.heading)}:`));
    for (const n of model.since.notes) out.push(c.yellow(t(n, 600)));
    if (model.since.none) out.push(t(model.since.none));
    for (const ch of model.since.changes) out.push(`${mark[ch.severity]} ${t(ch.words, 600)}`);
  }

  for (const group of model.groups) {
    const info = group.severity === 'info';
    out.push('', c.bold(t(group.heading)));
    for (const f of group.findings) {
      const title = t(f.title);
      // the same number as in every report and the police annex ("F3" is one finding everywhere)
      let line = `${mark[f.severity]} ${t(f.id, 12)} ${title}`;
      // Settings of the phone itself need no subject: the phone is named above.
      if (f.showSubject) {
        const named = f.name !== f.subjectId && !title.includes(t(f.name, 80));
        line += `: ${named ? `${t(f.name, 80)} (${t(f.subjectId, 120)})` : t(f.subjectId, 120)}`;
      }
      out.push(info ? c.dim(line) : line);
    }
  }
  if (model.counts.high + model.counts.medium > 0) {
    out.push('', c.bold('Before removing anything, make a safety plan and keep the evidence.'));
  }

  if (model.notChecked.length > 0) {
    out.push('', c.bold('What we could not check:'));
    // Many checks usually fail for one reason (an unplug): say the reason once.
    const byReason = new Map<string, typeof model.notChecked>();
    for (const n of model.notChecked) {
      const key = t(n.reason, 400);
      byReason.set(key, [...(byReason.get(key) ?? []), n]);
    }
    for (const [reason, items] of byReason) {
      if (items.length === 1 && items[0]?.meaning) {
        const n = items[0];
        const text = `${t(n.title)}. ${t(n.meaning, 600)}`;
        out.push(`  - ${wrap(text, 78, '    ').join('\n').trimStart()}`);
        out.push(c.dim(wrap(`Why: ${reason}`, 78, '    ').join('\n')));
      } else {
        const text = `${reason.charAt(0).toUpperCase()}${reason.slice(1)}: ${items.map((n) => t(n.title, 120)).join('; ')}.`;
        out.push(`  - ${wrap(text, 78, '    ').join('\n').trimStart()}`);
      }
      const action = items.find((n) => n.action)?.action;
      if (action) out.push(wrap(`What to do: ${t(action, 400)}`, 78, '    ').join('\n'));
    }
    if (model.notChecked.length > 1) {
      out.push(c.dim('  The full report says what each of these means for the survivor.'));
    }
  }
  out.push(
    '',
    c.dim('A clean result does not prove the phone is safe. The full report lists what a'),
  );
  if (model.platform === 'ios') {
    out.push(
      c.dim('USB scan cannot see (Safety Check, Find My sharing, Family Sharing, trackers).'),
    );
    out.push(c.dim('After the check: unplug the iPhone. The report says how to make it forget'));
    out.push(c.dim('this computer (do that only as part of a safety plan).'));
  } else {
    out.push(c.dim('scan cannot see (accounts, location sharing, cloud backups, trackers).'));
    out.push(
      c.dim('After the check: turn off USB debugging and revoke USB debugging authorisations.'),
    );
  }
  if (model.bundleDir) out.push('', renderBundleLocation(model.bundleDir, opts).trimEnd());
  return `${out.join('\n')}\n`;
}

/** The line that says where the bundle is (separate so callers can print it last). */
export function renderBundleLocation(dir: string, opts: TerminalOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  return `${c.bold('Evidence bundle:')} ${forTerminal(dir, { maxLength: 1000 })}\n`;
}
