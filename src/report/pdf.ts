/**
 * report.pdf with pdfkit (no browser). The DejaVu fonts are embedded so app
 * names in Cyrillic, Greek, Arabic, Hebrew and many other scripts print as
 * they are; every page carries a page number and a "keep this safe" line.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { forPdf } from '../util/sanitize.js';
import { impactText, type ReportFinding, type ReportModel } from './model.js';

const require = createRequire(import.meta.url);

function fontDir(): string {
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

const COLOURS = {
  text: '#1a1a1a',
  muted: '#4a4a4a',
  line: '#b8b8b8',
  high: '#a4161a',
  highBg: '#fdecea',
  medium: '#7a4a00',
  mediumBg: '#fff4e0',
  low: '#0b5394',
  info: '#555555',
  safeBg: '#eef7ee',
  safe: '#1e5e20',
} as const;

const SEVERITY_COLOUR = {
  high: COLOURS.high,
  medium: COLOURS.medium,
  low: COLOURS.low,
  info: COLOURS.info,
} as const;

export interface PdfOptions {
  /** Fixed creation date (tests, reproducible renders); default now */
  creationDate?: Date;
}

export function renderPdf(model: ReportModel, opts: PdfOptions = {}): Promise<Buffer> {
  const fonts = fontDir();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    bufferPages: true,
    autoFirstPage: true,
    lang: 'en-GB',
    displayTitle: true,
    info: {
      Title: `${forPdf(model.title)}: ${forPdf(model.deviceSummary)}`,
      Author: 'spycheck',
      Subject: 'Read-only phone check for stalkerware and tracking',
      Keywords: 'spycheck, phone check, evidence',
      CreationDate: opts.creationDate ?? new Date(),
    },
  });
  doc.registerFont('body', join(fonts, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(fonts, 'DejaVuSans-Bold.ttf'));
  doc.registerFont('mono', join(fonts, 'DejaVuSansMono.ttf'));

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  try {
    new Layout(doc).render(model);
    addPageFooters(doc, model);
    doc.end();
  } catch (err) {
    doc.end();
    return Promise.reject(err);
  }
  return done;
}

class Layout {
  private readonly left: number;
  private readonly width: number;

  constructor(private readonly doc: PDFKit.PDFDocument) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  private t(s: unknown, max = 4000): string {
    return forPdf(s, { maxLength: max, multiline: true });
  }

  /** Start a new page when fewer than `needed` points are left. */
  private ensure(needed: number): void {
    const bottom = this.doc.page.height - this.doc.page.margins.bottom;
    if (this.doc.y + needed > bottom) this.doc.addPage();
  }

  private heading(text: string, level: 1 | 2 | 3 | 4): void {
    const size = { 1: 20, 2: 15, 3: 12.5, 4: 11 }[level];
    // Keep a heading with the first lines that follow it.
    this.ensure(level === 3 ? 110 : size * 5);
    if (level <= 2) this.doc.moveDown(level === 1 ? 0 : 0.8);
    else this.doc.moveDown(0.5);
    this.doc.font('bold').fontSize(size).fillColor(COLOURS.text);
    this.doc.text(this.t(text, 400), this.left, this.doc.y, { width: this.width });
    if (level === 2) {
      const y = this.doc.y + 2;
      this.doc
        .moveTo(this.left, y)
        .lineTo(this.left + this.width, y)
        .lineWidth(0.8)
        .strokeColor(COLOURS.line)
        .stroke();
      this.doc.moveDown(0.4);
    }
    this.doc.moveDown(0.2);
  }

  private para(text: string, opts: { size?: number; colour?: string; indent?: number } = {}): void {
    const indent = opts.indent ?? 0;
    this.doc
      .font('body')
      .fontSize(opts.size ?? 10.5)
      .fillColor(opts.colour ?? COLOURS.text);
    this.doc.text(this.t(text), this.left + indent, this.doc.y, {
      width: this.width - indent,
      lineGap: 2,
    });
    this.doc.moveDown(0.35);
  }

  private bullets(items: string[], mark = '•', indent = 0): void {
    this.doc.font('body').fontSize(10.5).fillColor(COLOURS.text);
    for (const item of items) {
      this.ensure(30);
      const y = this.doc.y;
      this.doc.text(mark, this.left + indent, y, { width: 14, lineBreak: false });
      this.doc.text(this.t(item), this.left + indent + 14, y, {
        width: this.width - indent - 14,
        lineGap: 2,
      });
      this.doc.moveDown(0.25);
    }
  }

  /** A shaded box with text inside (headline, safety, notices). */
  private box(
    text: string,
    opts: { bg: string; bar: string; bold?: boolean; size?: number },
  ): void {
    const size = opts.size ?? 10.5;
    const pad = 8;
    const inner = this.width - pad * 2 - 5;
    this.doc.font(opts.bold ? 'bold' : 'body').fontSize(size);
    const body = this.t(text);
    const height = this.doc.heightOfString(body, { width: inner, lineGap: 2 }) + pad * 2;
    this.ensure(height + 6);
    const y = this.doc.y;
    this.doc.rect(this.left, y, this.width, height).fill(opts.bg);
    this.doc.rect(this.left, y, 5, height).fill(opts.bar);
    this.doc.fillColor(COLOURS.text);
    this.doc.text(body, this.left + 5 + pad, y + pad, { width: inner, lineGap: 2 });
    this.doc.y = y + height + 6;
  }

  private kv(key: string, value: string, mono = false): void {
    const keyWidth = 150;
    this.doc.font(mono ? 'mono' : 'body').fontSize(mono ? 8.5 : 10);
    const v = this.t(value, 2000);
    const valueHeight = this.doc.heightOfString(v, { width: this.width - keyWidth });
    this.ensure(Math.min(valueHeight, 60) + 4);
    const y = this.doc.y;
    this.doc.font('bold').fontSize(9.5).fillColor(COLOURS.text);
    this.doc.text(this.t(key, 200), this.left, y, { width: keyWidth - 8 });
    const afterKey = this.doc.y;
    this.doc.font(mono ? 'mono' : 'body').fontSize(mono ? 8.5 : 10);
    this.doc.text(v, this.left + keyWidth, y, { width: this.width - keyWidth });
    this.doc.y = Math.max(this.doc.y, afterKey) + 2;
  }

  render(model: ReportModel): void {
    const { doc } = this;
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
    this.box(model.headline, { ...tone, bold: true, size: 14 });
    for (const n of model.headlineNotes) {
      this.box(n, { bg: COLOURS.mediumBg, bar: COLOURS.medium });
    }
    this.box(`Keep this safe. ${model.sensitivity}`, { bg: '#f2f2f2', bar: COLOURS.muted });

    this.heading('Your safety comes first', 2);
    this.bullets(model.safetyFirst);

    const firstFinding = model.groups[0]?.findings[0];
    this.ensure(140 + (firstFinding ? this.keepTogether(firstFinding) : 0));
    this.heading('What we found', 2);
    if (model.groups.length === 0) {
      this.para('Nothing on this phone matched our list of spyware and warning signs.');
    }
    for (const group of model.groups) {
      // A group heading and its intro never sit alone at the foot of a page.
      const first = group.findings[0];
      this.ensure(80 + (first ? this.keepTogether(first) : 0));
      this.heading(`${group.heading} (${group.findings.length})`, 3);
      this.para(group.intro, { colour: COLOURS.muted });
      if (group.safety.length > 0) {
        this.box(
          `Before you do anything about these:\n${group.safety.map((s) => `• ${s}`).join('\n')}`,
          { bg: COLOURS.mediumBg, bar: COLOURS.medium, size: 9.5 },
        );
      }
      for (const f of group.findings) this.finding(f);
    }

    this.heading('What we checked', 2);
    this.bullets(model.checked.map((c) => (c.note ? `${c.title} (${c.note})` : c.title)));
    if (model.lists.length > 0) {
      this.para('We compared what we found with these lists:');
      this.bullets(model.lists);
    }
    this.heading('What we could not check', 3);
    if (model.notChecked.length === 0) this.para('Every check ran.');
    this.bullets(
      model.notChecked.map(
        (c) =>
          (c.meaning
            ? `${c.title}. ${c.meaning} ${impactText(c)}\nWhy: ${c.reason}`
            : `${c.title}: ${c.reason}`) + (c.action ? `\nWhat to do: ${c.action}` : ''),
      ),
    );

    this.heading('Things this check cannot see', 2);
    this.para('A clean result does not prove the phone is safe. Please go through these together:');
    this.bullets(
      model.cannotSee.map((c) => `${c.title}. ${c.detail}`),
      '☐',
    );

    this.heading('After the check', 2);
    this.bullets(model.afterScan, '→');

    doc.addPage();
    this.evidence(model);
  }

  private finding(f: ReportFinding): void {
    const { doc } = this;
    // Keep a finding together unless it is most of a page long.
    this.ensure(this.keepTogether(f));
    doc.moveDown(0.4);
    const y = doc.y;
    doc
      .font('bold')
      .fontSize(9)
      .fillColor(SEVERITY_COLOUR[f.severity] ?? COLOURS.text);
    doc.text(this.t(f.severityLabel).toUpperCase(), this.left, y, { width: this.width });
    doc.font('bold').fontSize(11.5).fillColor(COLOURS.text);
    doc.text(this.t(f.title, 300), this.left, doc.y, { width: this.width });
    doc.moveDown(0.3);
    if (f.showSubject) {
      this.kv(
        f.subjectType === 'app' ? 'App' : f.subjectType === 'profile' ? 'Profile' : 'Item',
        f.name !== f.subjectId ? `${f.name} (${f.subjectId})` : f.name,
      );
      if (f.nameWarning) this.kv('Note', f.nameWarning);
    }
    if (f.accounts.length > 0) {
      this.kv('Accounts on this phone', f.accounts.map((a) => `• ${a}`).join('\n'));
    }
    this.kv('Type', f.categoryLabel);
    if (f.what) this.kv('What it is', f.what);
    if (f.origin) this.kv('Where it came from', f.origin);
    if (f.risk) this.kv('What the other person could see or do', f.risk);
    if (f.canAccess.length > 0) {
      this.kv(f.canAccessHeading, f.canAccess.map((a) => `• ${a}`).join('\n'));
    }
    if (f.lastUsed.length > 0) this.kv('Last used', f.lastUsed.map((a) => `• ${a}`).join('\n'));
    if (f.nextSteps) this.kv('What to do next', f.nextSteps);
    if (f.safety.length > 0) {
      this.box(`Before you do anything:\n${f.safety.map((s) => `• ${s}`).join('\n')}`, {
        bg: COLOURS.mediumBg,
        bar: COLOURS.medium,
        size: 9.5,
      });
    }
    const endY = doc.y;
    doc
      .moveTo(this.left, endY)
      .lineTo(this.left + this.width, endY)
      .lineWidth(0.5)
      .strokeColor(COLOURS.line)
      .stroke();
    doc.y = endY + 4;
  }

  private findingHeight(f: ReportFinding): number {
    const { doc } = this;
    const valueWidth = this.width - 150;
    doc.font('body').fontSize(10);
    const values = [
      f.showSubject ? f.name : undefined,
      f.showSubject ? f.nameWarning : undefined,
      f.accounts.map((a) => `• ${a}`).join('\n'),
      f.categoryLabel,
      f.what,
      f.origin,
      f.risk,
      f.canAccess.map((a) => `• ${a}`).join('\n'),
      f.lastUsed.map((a) => `• ${a}`).join('\n'),
      f.nextSteps,
    ].filter((v): v is string => Boolean(v));
    let height = 50;
    for (const v of values) height += doc.heightOfString(this.t(v), { width: valueWidth }) + 2;
    if (f.safety.length > 0) {
      doc.fontSize(9.5);
      const safety = `Before you do anything:\n${f.safety.map((s) => `• ${s}`).join('\n')}`;
      height += doc.heightOfString(safety, { width: this.width - 21, lineGap: 2 }) + 30;
    }
    return height;
  }

  /** How much room a finding needs before it starts: all of it, up to most of a page. */
  private keepTogether(f: ReportFinding): number {
    return Math.min(this.findingHeight(f), this.pageRoom() * 0.7);
  }

  /** The height of a whole page body: more than this cannot be kept together. */
  private pageRoom(): number {
    const { page } = this.doc;
    return page.height - page.margins.top - page.margins.bottom;
  }

  private evidence(model: ReportModel): void {
    const e = model.evidence;
    this.heading('Evidence for police', 2);
    for (const s of e.intro) this.para(s);
    this.heading('Scan details', 3);
    for (const [k, v] of e.scan) this.kv(k, v, true);
    this.heading('Rule packs', 3);
    if (e.rules.length === 0) this.para('None recorded.');
    for (const r of e.rules) this.kv(`${r.id} ${r.version}`, `sha256 ${r.sha256}`, true);
    this.heading('Findings: rules and matched values', 3);
    if (e.findings.length === 0) this.para('No findings.');
    for (const f of e.findings) {
      this.heading(`${f.id}: ${f.title}`, 4);
      this.kv('Rule', f.rule, true);
      this.kv('Severity', `${f.severity} (${f.category})`, true);
      this.kv('Subject', f.subject, true);
      for (const r of f.reasons)
        this.kv('Matched', `${r.rule} (${r.pack}): ${r.matcher} = ${r.value}`, true);
      for (const [k, v] of f.details) this.kv(k, v, true);
    }
    this.heading('Rules that could not be judged', 3);
    if (e.notEvaluated.length === 0) this.para('None: every rule had the facts it needs.');
    else {
      this.para(
        'These rules neither matched nor came out clean, because a fact they need was not ' +
          'read from the phone.',
      );
    }
    for (const n of e.notEvaluated) {
      this.kv(
        `${n.rule} (${n.pack})`,
        `missing: ${n.facts}${n.subjects ? `\napps: ${n.subjects}` : '\nwhole phone'}`,
        true,
      );
    }
    this.heading('Raw outputs (raw/ folder)', 3);
    if (e.raw.length === 0) this.para('None recorded.');
    for (const r of e.raw) {
      this.kv(
        `raw/${r.file}`,
        `${r.command}\n${r.time}, ${r.bytes} bytes\nsha256 ${r.sha256}`,
        true,
      );
    }
    if (e.warnings.length > 0) {
      this.heading('Collection warnings', 3);
      this.bullets(e.warnings);
    }
  }
}

function addPageFooters(doc: PDFKit.PDFDocument, model: ReportModel): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing inside the bottom margin would start a new page; lift it for the footer.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 40;
    const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    doc.font('body').fontSize(8.5).fillColor(COLOURS.muted);
    doc.text(`${forPdf(model.title)}. Sensitive: keep this safe.`, doc.page.margins.left, y, {
      width,
      lineBreak: false,
    });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, doc.page.margins.left, y, {
      width,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
}
