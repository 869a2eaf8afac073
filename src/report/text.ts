/** report.txt: the whole report as plain text, 78 columns, readable in any editor. */

import { forText } from '../util/sanitize.js';
import { impactText, type ReportModel } from './model.js';
import { wrap } from './wrap.js';

const WIDTH = 78;

export function renderText(model: ReportModel): string {
  const out: string[] = [];
  const t = (s: unknown, max = 4000) => forText(s, { maxLength: max, multiline: true });
  const para = (s: string, indent = '') => out.push(...wrap(t(s), WIDTH, indent));
  /** A hanging-indent list item: continuation lines line up with the text. */
  const bullet = (s: string, mark = '-', indent = '') => {
    const pad = `${indent}${' '.repeat(mark.length + 1)}`;
    const [first = '', ...rest] = wrap(t(s), WIDTH, pad);
    out.push(`${indent}${mark} ${first.slice(pad.length)}`, ...rest);
  };
  const heading = (s: string, ch = '=') =>
    out.push('', t(s), ch.repeat(Math.min(WIDTH, t(s).length)));

  out.push(t(model.title).toUpperCase(), '');
  if (model.provenanceWarning) {
    para(model.provenanceWarning);
    out.push('');
  }
  para(model.headline);
  for (const n of model.headlineNotes) para(n);
  out.push('');
  para(`Phone: ${model.deviceSummary}`);
  out.push('');
  para(model.sensitivity);

  if (model.since) {
    heading(model.since.heading);
    for (const n of model.since.notes) para(n);
    if (model.since.none) para(model.since.none);
    for (const c of model.since.changes) bullet(`${c.severityLabel}: ${c.words}`);
    if (model.since.safety) para(model.since.safety);
  }

  if (model.glance.length > 0) {
    heading('At a glance');
    for (const r of model.glance) {
      const name = r.name && !r.title.includes(r.name) ? ` (${r.name})` : '';
      bullet(`${r.severityLabel}: ${r.title}${name}`, `${r.id}.`);
      const pad = ' '.repeat(r.id.length + 2);
      if (r.installed) para(`Installed: ${r.installed}`, pad);
      if (r.lastUse.length > 0) para(`Last used: ${r.lastUse.join('; ')}`, pad);
      para(`What to do: ${r.todo}`, pad);
    }
    if (model.glanceInfo > 0) {
      para(`Also ${model.glanceInfo} for information, at the end of "What we found".`);
    }
  }

  heading('Your safety comes first');
  for (const s of model.safetyFirst) bullet(s);
  para('Who to contact:');
  for (const c of model.contact) bullet(c, '*', '  ');

  heading('What we found');
  if (model.groups.length === 0)
    para('Nothing that matched our list of spyware and warning signs.');
  for (const group of model.groups) {
    heading(`${group.heading} (${group.findings.length})`, '-');
    para(group.intro);
    if (group.safety.length > 0) {
      para('Before you do anything about these:');
      for (const s of group.safety) bullet(s, '!', '  ');
    }
    for (const f of group.findings) {
      out.push('');
      out.push(...wrap(`[${f.id}] ${t(f.title, 300)}`, WIDTH));
      if (f.showSubject) {
        const label =
          f.subjectType === 'app' ? 'App' : f.subjectType === 'profile' ? 'Profile' : 'Item';
        para(`${label}: ${f.name}${f.name !== f.subjectId ? ` (${f.subjectId})` : ''}`, '    ');
        if (f.nameWarning) para(`Note: ${f.nameWarning}`, '    ');
      }
      if (f.accounts.length > 0) {
        para('Accounts on this phone:', '    ');
        for (const a of f.accounts) bullet(a, '*', '      ');
      }
      para(`Type: ${f.categoryLabel}`, '    ');
      if (f.what) para(`What it is: ${f.what}`, '    ');
      if (f.origin) para(`Where it came from: ${f.origin}`, '    ');
      if (f.installed) para(`Installed: ${f.installed.words}`, '    ');
      if (f.risk) para(`What the other person could see or do: ${f.risk}`, '    ');
      if (f.canAccess.length > 0) {
        para(`${f.canAccessHeading}:`, '    ');
        for (const a of f.canAccess) bullet(a, '*', '      ');
      }
      if (f.lastUsed.length > 0) {
        para('Last used:', '    ');
        for (const a of f.lastUsed) bullet(a, '*', '      ');
      }
      if (f.nextSteps) para(`What to do next: ${f.nextSteps}`, '    ');
      if (f.safety.length > 0) {
        para('Before you do anything:', '    ');
        for (const s of f.safety) bullet(s, '!', '      ');
      }
    }
  }

  if (model.privacyReport) {
    heading('What the App Privacy Report shows');
    para(model.privacyReport.intro);
    for (const a of model.privacyReport.apps) {
      const id = a.name !== a.id ? ` (${a.id})` : '';
      bullet(`${a.name}${id}${a.notOnPhone ? ', not on the phone\u2019s app list now' : ''}`);
      for (const u of a.uses) bullet(u, '*', '    ');
    }
    if (model.privacyReport.more > 0) {
      para(
        `And ${model.privacyReport.more} more apps: the evidence bundle holds the whole report.`,
      );
    }
  }

  if (model.linked) {
    heading(model.linked.heading);
    for (const n of model.linked.notChecked) bullet(n, '!');
    para(model.linked.intro);
    para(model.linked.safety);
    for (const g of model.linked.groups) {
      para(`${g.title}:`);
      for (const line of g.lines) bullet(line, '*', '  ');
    }
  }

  if (model.smartHome) {
    heading(model.smartHome.heading);
    para(model.smartHome.intro);
    for (const g of model.smartHome.groups) {
      para(`${g.title}:`);
      for (const item of g.items) bullet(item, '[ ]', '  ');
    }
    para(model.smartHome.safety);
  }

  if (model.purpose) {
    heading('Before the second phone is handed over');
    for (const g of model.purpose.checklist) {
      para(`${g.title}:`);
      for (const item of g.items) bullet(item, '[ ]', '  ');
    }
  }

  heading('What we checked');
  for (const c of model.checked) bullet(c.note ? `${c.title} (${c.note})` : c.title);
  if (model.lists.length > 0) {
    para('We compared what we found with these lists:');
    for (const l of model.lists) bullet(l);
  }

  heading('What we could not check');
  if (model.notChecked.length === 0) para('Every check ran.');
  for (const c of model.notChecked) {
    bullet(
      c.meaning
        ? `${c.title}. ${c.meaning} ${impactText(c)} (Why: ${c.reason})`
        : `${c.title}: ${c.reason}`,
    );
    if (c.action) para(`What to do: ${c.action}`, '  ');
  }

  heading('Things this check cannot see');
  para('A clean result does not prove the phone is safe. Please also check these together:');
  for (const c of model.cannotSee) bullet(`${c.title}. ${c.detail}`, '[ ]');

  heading('After the check');
  for (const s of model.afterScan) bullet(s);

  heading('Evidence (for police)');
  for (const s of model.evidence.intro) {
    para(s);
    out.push('');
  }
  heading('Scan details', '-');
  for (const [k, v] of model.evidence.scan) out.push(...wrap(`${t(k)}: ${t(v)}`, WIDTH));
  heading('Phone clock', '-');
  for (const [k, v] of model.evidence.clock) out.push(...wrap(`${t(k)}: ${t(v)}`, WIDTH));
  heading('Rule packs', '-');
  if (model.evidence.rules.length === 0) para('None recorded.');
  for (const r of model.evidence.rules)
    out.push(...wrap(`${r.id} ${r.version} sha256:${r.sha256}`, WIDTH));
  heading('Findings: rules and matched values', '-');
  if (model.evidence.findings.length === 0) para('No findings.');
  for (const f of model.evidence.findings) {
    out.push('', ...wrap(`${f.id} ${f.severity} ${f.category} rule=${f.rule}`, WIDTH));
    out.push(...wrap(`subject: ${t(f.subject)}`, WIDTH, '    '));
    for (const r of f.reasons) {
      out.push(
        ...wrap(`matched ${r.rule} (${r.pack}) ${r.matcher} = ${t(r.value)}`, WIDTH, '    '),
      );
    }
    for (const [k, v] of f.details) out.push(...wrap(`${t(k)}: ${t(v)}`, WIDTH, '    '));
  }
  heading('Rules that could not be judged', '-');
  if (model.evidence.notEvaluated.length === 0) para('None: every rule had the facts it needs.');
  for (const n of model.evidence.notEvaluated) {
    out.push(...wrap(`${t(n.rule)} (${t(n.pack)}) missing: ${t(n.facts)}`, WIDTH));
    if (n.subjects) out.push(...wrap(`apps: ${t(n.subjects)}`, WIDTH, '    '));
  }
  heading('Raw outputs (raw/ folder)', '-');
  if (model.evidence.raw.length === 0) para('None recorded.');
  for (const r of model.evidence.raw) {
    out.push('', ...wrap(`raw/${t(r.file)}  ${r.bytes} bytes  ${r.time}`, WIDTH));
    out.push(...wrap(`command: ${t(r.command)}`, WIDTH, '    '));
    out.push(...wrap(`sha256: ${r.sha256}`, WIDTH, '    '));
  }
  if (model.evidence.warnings.length > 0) {
    heading('Collection warnings', '-');
    for (const w of model.evidence.warnings) bullet(w);
  }
  heading('How to check these files', '-');
  for (const s of model.evidence.howToVerify) bullet(s);
  out.push('');
  return `${out.join('\n').replace(/[ ]+$/gm, '')}\n`;
}
