/**
 * report.pdf: the survivor's copy. Short enough to read in a drop-in session: the headline and
 * an at-a-glance table on page 1, then each finding, what this check could not see, and what
 * to do after it. The technical record is in evidence.pdf (evidencePdf.ts), for the police.
 */
import { type FindingGroup, impactText, type ReportFinding, type ReportModel } from './model.js';
import { COLOURS, makePdf, PdfLayout, type PdfOptions, SEVERITY_COLOUR } from './pdfBase.js';

export type { PdfOptions } from './pdfBase.js';

export function renderPdf(model: ReportModel, opts: PdfOptions = {}): Promise<Buffer> {
  return makePdf(
    model,
    {
      title: model.title,
      subject: 'Read-only phone check for stalkerware and tracking',
      footer: 'Phone check report. Sensitive: keep this safe',
    },
    opts,
    (doc) => new SurvivorLayout(doc).render(model),
  );
}

const GROUP_BOX = {
  bg: COLOURS.mediumBg,
  bar: COLOURS.medium,
  size: 9,
  title: 'Before you do anything about these',
} as const;

/** Findings' label column: wide enough for "What they could see or do" on two lines. */
const KEY_WIDTH = 104;

class SurvivorLayout extends PdfLayout {
  render(model: ReportModel): void {
    this.heading(model.title, 1);
    this.para(`Phone: ${model.deviceSummary}`, { colour: COLOURS.muted });
    const tone =
      model.counts.high > 0
        ? { bg: COLOURS.highBg, bar: COLOURS.high }
        : model.counts.medium + model.counts.low > 0
          ? { bg: COLOURS.mediumBg, bar: COLOURS.medium }
          : { bg: COLOURS.safeBg, bar: COLOURS.safe };
    if (model.provenanceWarning) {
      this.box(model.provenanceWarning, { bg: COLOURS.highBg, bar: COLOURS.high, bold: true });
    }
    this.box(model.headline, { ...tone, bold: true, size: 12.5 });
    for (const n of model.headlineNotes) {
      this.box(n, { bg: COLOURS.mediumBg, bar: COLOURS.medium, size: 9 });
    }

    if (model.since) this.since(model.since);
    if (model.glance.length > 0) this.glance(model);

    this.box(
      [
        ...model.safetyFirst.map((s) => `\u2022 ${s}`),
        '',
        'Who to contact:',
        ...model.contact.map((c) => `\u2022 ${c}`),
        '',
        'Keep this report safe: if the person you are worried about finds it, you could be in ' +
          'more danger. Do not keep it on a shared device or in a shared account.',
      ].join('\n'),
      { bg: COLOURS.safeBg, bar: COLOURS.safe, size: 9, title: 'Your safety comes first' },
    );

    // the heading never sits alone: it goes with the start of the first group
    const firstGroup = model.groups[0];
    this.ensure(30 + (firstGroup ? this.groupStartHeight(firstGroup) : 40));
    this.heading('What we found', 2);
    if (model.groups.length === 0) {
      this.para('Nothing on this phone matched our list of spyware and warning signs.');
    }
    for (const group of model.groups) {
      // A group heading, its intro and its safety advice never sit apart from its first finding.
      this.ensure(this.groupStartHeight(group));
      this.heading(`${group.heading} (${group.findings.length})`, 3);
      this.para(group.intro, { colour: COLOURS.muted, size: 9.5 });
      if (group.safety.length > 0) {
        // one paragraph: on paper the same words take two lines fewer than a list
        this.box(group.safety.join(' '), GROUP_BOX);
      }
      for (const f of group.findings) {
        if (f.severity === 'info') this.note(f);
        else this.finding(f);
      }
    }

    if (model.privacyReport) {
      this.heading('What the App Privacy Report shows', 2);
      this.para(model.privacyReport.intro, { size: 9.5 });
      for (const a of model.privacyReport.apps) {
        const id = a.name !== a.id ? ` (${a.id})` : '';
        const gone = a.notOnPhone ? ', not on the phone\u2019s app list now' : '';
        this.kv(`${a.name}${gone}`, `${a.uses.join('. ')}.${id ? `\n${id.slice(2, -1)}` : ''}`, {
          keyWidth: 150,
          size: 9,
        });
      }
      if (model.privacyReport.more > 0) {
        this.para(
          `And ${model.privacyReport.more} more apps: the evidence bundle holds the whole report.`,
          { size: 9 },
        );
      }
    }

    if (model.linked) {
      // compact on paper: one row per part, what was read beside its name
      const l = model.linked;
      this.ensure(90);
      this.heading(l.heading, 2);
      for (const n of l.notChecked) {
        this.box(n, { bg: COLOURS.mediumBg, bar: COLOURS.medium, size: 8.5 });
      }
      this.para(l.safety, { size: 8.5, colour: COLOURS.muted });
      // on paper, the parts with nothing unusual share one line; the others are shown in full
      const quiet = l.groups.filter((g) => !g.notable).map((g) => g.short);
      for (const g of l.groups.filter((x) => x.notable)) {
        this.kv(g.title, g.lines.join('\n'), { keyWidth: 150, size: 8.5 });
      }
      if (quiet.length > 0) {
        this.kv(
          'Read, nothing unusual',
          `${quiet.join('; ')}. The full list is in report.html and report.txt.`,
          {
            keyWidth: 150,
            size: 8.5,
          },
        );
      }
    }

    if (model.purpose) {
      this.heading('Before the second phone is handed over', 2);
      for (const g of model.purpose.checklist) {
        this.ensure(40);
        this.heading(g.title, 3);
        this.checklist(g.items);
      }
    }

    this.heading('What we could not check', 2);
    if (model.notChecked.length === 0) {
      this.para(
        `All ${model.checked.length} checks ran. The evidence annex (evidence.pdf) lists them.`,
        { size: 9.5 },
      );
    } else {
      this.bullets(
        model.notChecked.map(
          (c) =>
            (c.meaning
              ? `${c.title}. ${c.meaning} ${impactText(c)}\nWhy: ${c.reason}`
              : `${c.title}: ${c.reason}`) + (c.action ? `\nWhat to do: ${c.action}` : ''),
        ),
        { size: 9.5 },
      );
    }

    this.heading('Things this check cannot see', 2);
    this.para(
      'A clean result does not prove the phone is safe. Please go through these together:',
      { size: 9.5 },
    );
    // the smart-home and wearables checklist, in short (report.html and report.txt have it all)
    this.checklist([
      ...model.cannotSee.map((c) => `${c.title}. ${c.detail}`),
      ...(model.smartHome?.short ?? []),
    ]);

    this.heading('After the check', 2);
    this.bullets(model.afterScan, { mark: '\u2192', size: 8.5 });
  }

  /** What changed since the last check: before the findings, as the most recent news. */
  private since(since: NonNullable<ReportModel['since']>): void {
    this.ensure(60);
    this.heading(since.heading, 2);
    for (const n of since.notes)
      this.box(n, { bg: COLOURS.mediumBg, bar: COLOURS.medium, size: 9 });
    if (since.none) this.para(since.none, { size: 9.5 });
    if (since.changes.length > 0) {
      this.bullets(
        since.changes.map((c) => `${c.severityLabel}: ${c.words}`),
        { size: 9.5 },
      );
    }
    if (since.safety) this.box(since.safety, GROUP_BOX);
  }

  /** Tick boxes two to a row: eight short items read as a list, and a page can end between rows. */
  private checklist(items: string[]): void {
    const { doc } = this;
    const gap = 14;
    const colWidth = (this.width - gap) / 2;
    const size = 8.5;
    const measure = (i: string) => {
      doc.font('body').fontSize(size);
      return doc.heightOfString(this.t(i), { width: colWidth - 14, lineGap: 1 });
    };
    for (let r = 0; r < items.length; r += 2) {
      const pair = items.slice(r, r + 2);
      const height = Math.max(...pair.map(measure)) + 5;
      this.ensure(height);
      const top = doc.y;
      pair.forEach((item, c) => {
        const x = this.left + c * (colWidth + gap);
        doc.font('body').fontSize(size).fillColor(COLOURS.text);
        doc.text('\u2610', x, top, { width: 14, lineBreak: false });
        doc.text(this.t(item), x + 14, top, { width: colWidth - 14, lineGap: 1 });
      });
      doc.x = this.left;
      doc.y = top + height;
    }
  }

  /** Page 1's table: every finding that matters, how serious, when installed and last used. */
  private glance(model: ReportModel): void {
    this.doc.moveDown(0.2);
    this.doc.font('bold').fontSize(11).fillColor(COLOURS.text);
    this.doc.text('At a glance', this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2);
    this.table(
      [
        { header: 'No.', width: 22 },
        { header: 'What we found', width: 158 },
        { header: 'How serious', width: 58 },
        { header: 'Installed', width: 48 },
        { header: 'Last used', width: 112 },
        { header: 'What to do', width: 105 },
      ],
      model.glance.map((r) => ({
        cells: [
          r.id,
          r.name && !r.title.includes(r.name) ? `${r.title}\n${r.name}` : r.title,
          r.severityLabel,
          r.installed ?? '',
          r.lastUse.join('\n'),
          r.todo,
        ],
        colour: SEVERITY_COLOUR[r.severity],
      })),
      { size: 8, firstBold: true },
    );
    if (model.glanceInfo > 0) {
      this.para(
        `Also ${model.glanceInfo} ${model.glanceInfo === 1 ? 'note' : 'notes'} for information, ` +
          'at the end of "What we found". Times are from the phone\u2019s records.',
        { size: 8.5, colour: COLOURS.muted },
      );
    }
  }

  /** Room for a group's heading, intro, safety box and the start of its first finding. */
  private groupStartHeight(group: FindingGroup): number {
    const { doc } = this;
    let h = 28;
    doc.font('body').fontSize(9.5);
    h += doc.heightOfString(this.t(group.intro), { width: this.width, lineGap: 1.5 }) + 4;
    if (group.safety.length > 0) {
      doc.font('body').fontSize(GROUP_BOX.size);
      h +=
        doc.heightOfString(this.t(group.safety.join(' ')), {
          width: this.width - 19,
          lineGap: 1.5,
        }) + 34;
    }
    const first = group.findings[0];
    return h + (first ? this.keepTogether(first) : 0);
  }

  /** A note for information: what it is and what to do, in a few lines. */
  private note(f: ReportFinding): void {
    const { doc } = this;
    const subject =
      f.showSubject && f.name
        ? ` (${f.name !== f.subjectId ? `${f.name}, ${f.subjectId}` : f.name})`
        : '';
    const accounts = f.accounts.length > 0 ? ` ${f.accounts.join('; ')}.` : '';
    const body = `${f.what}${accounts} ${f.nextSteps}`.trim();
    doc.font('body').fontSize(9);
    const h =
      doc.heightOfString(this.t(body), { width: this.width, lineGap: 1 }) +
      doc.heightOfString(this.t(f.title), { width: this.width }) +
      8;
    this.ensure(h);
    doc.moveDown(0.35);
    doc.font('bold').fontSize(9.5).fillColor(COLOURS.text);
    doc.text(this.t(`${f.id}. ${f.title}${subject}`, 500), this.left, doc.y, { width: this.width });
    doc.font('body').fontSize(9).fillColor(COLOURS.text);
    doc.text(this.t(body), this.left, doc.y, { width: this.width, lineGap: 1 });
    doc.x = this.left;
  }

  private finding(f: ReportFinding): void {
    const { doc } = this;
    // Keep a finding together unless it is most of a page long.
    this.ensure(this.keepTogether(f));
    doc.moveDown(0.2);
    doc
      .font('bold')
      .fontSize(8)
      .fillColor(SEVERITY_COLOUR[f.severity] ?? COLOURS.text);
    doc.text(
      `${this.t(f.severityLabel).toUpperCase()} \u00b7 ${this.t(f.categoryLabel)}`,
      this.left,
      doc.y,
      { width: this.width },
    );
    doc.font('bold').fontSize(10.5).fillColor(COLOURS.text);
    doc.text(`${this.t(f.id, 20)}. ${this.t(f.title, 300)}`, this.left, doc.y, {
      width: this.width,
    });
    doc.moveDown(0.2);
    for (const [k, v] of this.rows(f)) this.kv(k, v, { keyWidth: KEY_WIDTH, size: 9 });
    const endY = doc.y + 1;
    doc
      .moveTo(this.left, endY)
      .lineTo(this.left + this.width, endY)
      .lineWidth(0.5)
      .strokeColor(COLOURS.line)
      .stroke();
    doc.y = endY + 3;
  }

  /** The label/value lines of one finding, shortest useful form. */
  private rows(f: ReportFinding): [string, string][] {
    const rows: [string, string][] = [];
    if (f.showSubject) {
      rows.push([
        f.subjectType === 'app' ? 'App' : f.subjectType === 'profile' ? 'Profile' : 'Item',
        f.name !== f.subjectId ? `${f.name} (${f.subjectId})` : f.name,
      ]);
      if (f.nameWarning) rows.push(['Note', f.nameWarning]);
    }
    if (f.accounts.length > 0) rows.push(['Accounts on this phone', f.accounts.join('\n')]);
    if (f.what) rows.push(['What it is', f.what]);
    if (f.origin || f.installed) {
      const installed =
        f.installed && f.severity !== 'info' ? `Installed ${f.installed.words}.` : '';
      rows.push(['Where it came from', [f.origin, installed].filter(Boolean).join(' ')]);
    }
    // a note for information says what it is and what to do; the rest is in the annex
    const brief = f.severity === 'info';
    if (f.risk && !brief) rows.push(['What they could see or do', f.risk]);
    if (f.canAccess.length > 0 && !brief) {
      // a heading with an aside ("It is built to (an iPhone scan cannot see…)") is too long
      // for the label column: the aside follows the list instead
      const [, label = f.canAccessHeading, aside] =
        /^(.*?)\s*(\(.*\))?$/.exec(f.canAccessHeading) ?? [];
      rows.push([label, `${sentence(f.canAccess)}${aside ? ` ${aside}` : ''}`]);
    }
    if (f.lastUsed.length > 0 && !brief) rows.push(['Last used', `${f.lastUsed.join('. ')}.`]);
    if (f.nextSteps) rows.push(['What to do next', f.nextSteps]);
    if (f.safety.length > 0) rows.push(['Before you do anything', f.safety.join(' ')]);
    return rows;
  }

  private findingHeight(f: ReportFinding): number {
    const { doc } = this;
    doc.font('body').fontSize(9);
    let height = 34;
    for (const [, v] of this.rows(f)) {
      height += doc.heightOfString(this.t(v), { width: this.width - KEY_WIDTH, lineGap: 1 }) + 2;
    }
    return height;
  }

  /** How much room a finding needs before it starts: all of it, up to most of a page. */
  private keepTogether(f: ReportFinding): number {
    return Math.min(this.findingHeight(f), 80);
  }
}

/** "see where the phone is; read text messages; use the camera." as one sentence. */
function sentence(items: string[]): string {
  const s = items.join('; ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}
