/**
 * evidence.pdf: the annex for the police, from the same bundle as the survivor's report. It
 * numbers findings as every other format does, gives times in UTC and UK time beside the
 * phone's own clock, leaves room for what only a person can record (exhibit, place, IMEI,
 * signature) and says how to check every file without trusting this document.
 */
import type { ReportModel } from './model.js';
import { COLOURS, makePdf, PdfLayout, type PdfOptions } from './pdfBase.js';

export function renderEvidencePdf(model: ReportModel, opts: PdfOptions = {}): Promise<Buffer> {
  return makePdf(
    model,
    {
      title: 'Phone check: evidence annex',
      subject: 'Evidence annex of a read-only phone check (spycheck)',
      footer: 'Evidence annex. Sensitive',
    },
    opts,
    (doc) => new EvidenceLayout(doc).render(model),
  );
}

class EvidenceLayout extends PdfLayout {
  render(model: ReportModel): void {
    const e = model.evidence;
    this.heading('Phone check: evidence annex', 1);
    this.para(`Phone: ${model.deviceSummary}`, { colour: COLOURS.muted });
    if (model.provenanceWarning) {
      this.box(model.provenanceWarning, { bg: COLOURS.highBg, bar: COLOURS.high, bold: true });
    }
    this.box(model.headline, { bg: COLOURS.infoBg, bar: COLOURS.muted, bold: true, size: 10.5 });
    for (const n of model.headlineNotes) {
      this.box(n, { bg: COLOURS.mediumBg, bar: COLOURS.medium, size: 9 });
    }
    for (const s of e.intro) this.para(s, { size: 9.5 });

    this.heading('Examination record', 2);
    this.para('To be completed by hand by the person who examined the phone.', {
      size: 9,
      colour: COLOURS.muted,
    });
    for (const f of e.fillIn) this.fillLine(f.label, f.hint);
    this.doc.moveDown(0.6);

    this.heading('Scan details', 2);
    for (const [k, v] of e.scan) this.kv(k, v, { mono: true, keyWidth: 140 });
    this.heading('Phone clock', 3);
    for (const [k, v] of e.clock) this.kv(k, v, { mono: true, keyWidth: 140 });

    this.heading('How to check these files', 2);
    this.bullets(e.howToVerify, { size: 9.5 });

    this.heading('Findings', 2);
    if (model.glance.length > 0 || e.findings.length > 0) {
      this.table(
        [
          { header: 'No.', width: 30 },
          { header: 'Finding', width: 190 },
          { header: 'Severity', width: 60 },
          { header: 'Rule', width: 150 },
        ],
        e.findings.map((f) => ({
          cells: [f.id, f.title, f.severity, f.rule],
        })),
        { size: 8 },
      );
    } else {
      this.para('No findings.');
    }
    for (const f of e.findings) {
      this.heading(`${f.id}: ${f.title}`, 4);
      this.kv('Rule', f.rule, { mono: true });
      this.kv('Severity', `${f.severity} (${f.category})`, { mono: true });
      this.kv('Subject', f.subject, { mono: true });
      for (const r of f.reasons) {
        this.kv('Matched', `${r.rule} (${r.pack}): ${r.matcher} = ${r.value}`, { mono: true });
      }
      for (const [k, v] of f.details) this.kv(k, v, { mono: true });
    }

    this.heading('What was checked', 2);
    this.bullets(
      model.checked.map((c) => (c.note ? `${c.title} (${c.note})` : c.title)),
      { size: 9 },
    );
    this.heading('What could not be checked', 3);
    if (model.notChecked.length === 0) this.para('Every check ran.', { size: 9.5 });
    this.bullets(
      model.notChecked.map((c) => `${c.title}: ${c.reason}`),
      { size: 9 },
    );
    this.heading('Rules that could not be judged', 3);
    if (e.notEvaluated.length === 0) {
      this.para('None: every rule had the facts it needs.', { size: 9.5 });
    } else {
      this.para(
        'These rules neither matched nor came out clean, because a fact they need was not ' +
          'read from the phone.',
        { size: 9.5 },
      );
    }
    for (const n of e.notEvaluated) {
      this.kv(
        `${n.rule} (${n.pack})`,
        `missing: ${n.facts}${n.subjects ? `\napps: ${n.subjects}` : '\nwhole phone'}`,
        { mono: true, keyWidth: 170 },
      );
    }

    this.heading('Rule packs', 2);
    if (model.lists.length > 0) this.bullets(model.lists, { size: 9 });
    if (e.rules.length === 0) this.para('None recorded.');
    for (const r of e.rules) {
      this.kv(`${r.id} ${r.version}`, `sha256 ${r.sha256}`, { mono: true, keyWidth: 170 });
    }

    this.heading('Raw outputs (raw/ folder)', 2);
    if (e.raw.length === 0) this.para('None recorded.');
    for (const r of e.raw) {
      this.kv(`raw/${r.file}`, `${r.command}\n${r.time}, ${r.bytes} bytes\nsha256 ${r.sha256}`, {
        mono: true,
        keyWidth: 150,
      });
    }
    if (e.warnings.length > 0) {
      this.heading('Collection warnings', 3);
      this.bullets(e.warnings, { size: 9 });
    }
  }
}
