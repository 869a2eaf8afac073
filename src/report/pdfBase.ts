/**
 * What the survivor's report.pdf and the police annex evidence.pdf share: pdfkit set up with the
 * embedded DejaVu fonts (app names in any script print as they are), the page furniture and
 * the layout pieces. Every page footer carries the case reference and the bundle id, so a
 * loose page can always be put back with its report.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { forPdf } from '../util/sanitize.js';
import type { ReportModel } from './model.js';

const require = createRequire(import.meta.url);

function fontDir(): string {
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

export const COLOURS = {
  text: '#1a1a1a',
  muted: '#4a4a4a',
  line: '#b8b8b8',
  high: '#a4161a',
  highBg: '#fdecea',
  medium: '#7a4a00',
  mediumBg: '#fff4e0',
  low: '#0b5394',
  lowBg: '#e8f1fb',
  info: '#555555',
  infoBg: '#f2f2f2',
  safeBg: '#eef7ee',
  safe: '#1e5e20',
} as const;

export const SEVERITY_COLOUR = {
  high: COLOURS.high,
  medium: COLOURS.medium,
  low: COLOURS.low,
  info: COLOURS.info,
} as const;

export interface PdfOptions {
  /** Fixed creation date (tests, reproducible renders); default now */
  creationDate?: Date;
}

/** Make a PDF: `draw` lays out the pages; footers are added to every page afterwards. */
export function makePdf(
  model: ReportModel,
  what: { title: string; subject: string; footer: string },
  opts: PdfOptions,
  draw: (doc: PDFKit.PDFDocument) => void,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 44, bottom: 58, left: 46, right: 46 },
    bufferPages: true,
    autoFirstPage: true,
    lang: 'en-GB',
    displayTitle: true,
    info: {
      Title: `${forPdf(what.title)}: ${forPdf(model.deviceSummary)}`,
      Author: 'spycheck',
      Subject: what.subject,
      Keywords: 'spycheck, phone check, evidence',
      CreationDate: opts.creationDate ?? new Date(),
    },
  });
  const fonts = fontDir();
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
    draw(doc);
    addPageFooters(doc, model, what.footer);
    doc.end();
  } catch (err) {
    doc.end();
    return Promise.reject(err);
  }
  return done;
}

/** "Case DV-2026-041 · Bundle 3f9a1c2e7b40" */
export function footerId(model: ReportModel): string {
  const parts = [model.caseRef ? `Case ${model.caseRef}` : 'No case reference'];
  parts.push(`Bundle ${model.bundleId}`);
  return forPdf(parts.join(' \u00b7 '), { maxLength: 160 });
}

function addPageFooters(doc: PDFKit.PDFDocument, model: ReportModel, label: string): void {
  const range = doc.bufferedPageRange();
  const id = footerId(model);
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing inside the bottom margin would start a new page; lift it for the footer.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - 38;
    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    doc.font('body').fontSize(8).fillColor(COLOURS.muted);
    doc.text(`${forPdf(label)} \u00b7 ${id}`, left, y, { width: width - 70, lineBreak: false });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, left, y, {
      width,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
}

export interface Column {
  header: string;
  width: number;
}

/** Layout pieces both PDFs use. Every string passes through t() (cleaned for PDF). */
export class PdfLayout {
  readonly left: number;
  readonly width: number;

  constructor(readonly doc: PDFKit.PDFDocument) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  t(s: unknown, max = 4000): string {
    return forPdf(s, { maxLength: max, multiline: true });
  }

  /** Points left on this page. */
  room(): number {
    return this.doc.page.height - this.doc.page.margins.bottom - this.doc.y;
  }

  /** Start a new page when fewer than `needed` points are left. */
  ensure(needed: number): void {
    if (this.room() < needed) this.doc.addPage();
  }

  /** The height of a whole page body: more than this cannot be kept together. */
  pageRoom(): number {
    const { page } = this.doc;
    return page.height - page.margins.top - page.margins.bottom;
  }

  heading(text: string, level: 1 | 2 | 3 | 4): void {
    const size = { 1: 18, 2: 13.5, 3: 11.5, 4: 10.5 }[level];
    // Keep a heading with the first lines that follow it.
    this.ensure(level === 3 ? 60 : size * 5);
    if (level === 2) this.doc.moveDown(0.6);
    else if (level > 2) this.doc.moveDown(0.4);
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
      this.doc.moveDown(0.3);
    }
    this.doc.moveDown(0.15);
  }

  para(text: string, opts: { size?: number; colour?: string; indent?: number } = {}): void {
    const indent = opts.indent ?? 0;
    this.doc
      .font('body')
      .fontSize(opts.size ?? 10)
      .fillColor(opts.colour ?? COLOURS.text);
    this.doc.text(this.t(text), this.left + indent, this.doc.y, {
      width: this.width - indent,
      lineGap: 1.5,
    });
    this.doc.moveDown(0.3);
  }

  bullets(items: string[], opts: { mark?: string; size?: number; indent?: number } = {}): void {
    const size = opts.size ?? 10;
    const indent = opts.indent ?? 0;
    const mark = opts.mark ?? '\u2022';
    for (const item of items) {
      this.doc.font('body').fontSize(size).fillColor(COLOURS.text);
      const text = this.t(item);
      const h = this.doc.heightOfString(text, { width: this.width - indent - 14, lineGap: 1.5 });
      this.ensure(Math.min(h, 40) + 4);
      const y = this.doc.y;
      this.doc.text(mark, this.left + indent, y, { width: 14, lineBreak: false });
      this.doc.text(text, this.left + indent + 14, y, {
        width: this.width - indent - 14,
        lineGap: 1.5,
      });
      this.doc.moveDown(0.15);
    }
  }

  /** A shaded box with text inside (headline, safety, notices). */
  box(
    text: string,
    opts: { bg: string; bar: string; bold?: boolean; size?: number; title?: string },
  ): void {
    const size = opts.size ?? 10;
    const pad = 7;
    const inner = this.width - pad * 2 - 5;
    const body = this.t(text);
    this.doc.font(opts.bold ? 'bold' : 'body').fontSize(size);
    let height = this.doc.heightOfString(body, { width: inner, lineGap: 1.5 }) + pad * 2;
    let titleHeight = 0;
    if (opts.title) {
      this.doc.font('bold').fontSize(size + 0.5);
      titleHeight = this.doc.heightOfString(this.t(opts.title, 200), { width: inner }) + 3;
      height += titleHeight;
    }
    this.ensure(height + 6);
    const y = this.doc.y;
    this.doc.rect(this.left, y, this.width, height).fill(opts.bg);
    this.doc.rect(this.left, y, 4, height).fill(opts.bar);
    this.doc.fillColor(COLOURS.text);
    if (opts.title) {
      this.doc.font('bold').fontSize(size + 0.5);
      this.doc.text(this.t(opts.title, 200), this.left + 5 + pad, y + pad, { width: inner });
    }
    this.doc.font(opts.bold ? 'bold' : 'body').fontSize(size);
    this.doc.text(body, this.left + 5 + pad, y + pad + titleHeight, { width: inner, lineGap: 1.5 });
    this.doc.y = y + height + 5;
  }

  /** A label and its value side by side; mono for values a court may need to copy exactly. */
  kv(
    key: string,
    value: string,
    opts: { mono?: boolean; keyWidth?: number; size?: number } = {},
  ): void {
    const keyWidth = opts.keyWidth ?? 118;
    const size = opts.size ?? (opts.mono ? 8 : 9.5);
    this.doc.font(opts.mono ? 'mono' : 'body').fontSize(size);
    const v = this.t(value, 2000);
    const valueHeight = this.doc.heightOfString(v, {
      width: this.width - keyWidth,
      lineGap: 1,
    });
    this.ensure(Math.min(valueHeight, 50) + 4);
    const y = this.doc.y;
    this.doc.font('bold').fontSize(Math.min(9, size)).fillColor(COLOURS.text);
    this.doc.text(this.t(key, 200), this.left, y, { width: keyWidth - 8 });
    const afterKey = this.doc.y;
    this.doc.font(opts.mono ? 'mono' : 'body').fontSize(size);
    this.doc.text(v, this.left + keyWidth, y, { width: this.width - keyWidth, lineGap: 1 });
    this.doc.y = Math.max(this.doc.y, afterKey) + 2;
  }

  /**
   * A table with a header row repeated on each new page. Cells are plain text; a row is never
   * split across pages (rows here are a few lines at most).
   */
  table(
    columns: Column[],
    rows: { cells: string[]; colour?: string }[],
    opts: { size?: number; firstBold?: boolean } = {},
  ): void {
    const size = opts.size ?? 8.5;
    const pad = 3;
    const scale = this.width / columns.reduce((a, c) => a + c.width, 0);
    const widths = columns.map((c) => c.width * scale);
    const measure = (cells: string[], bold: boolean) =>
      Math.max(
        ...cells.map((c, i) => {
          this.doc.font(bold || (opts.firstBold && i === 1) ? 'bold' : 'body').fontSize(size);
          return this.doc.heightOfString(this.t(c, 600), { width: widths[i]! - pad * 2 });
        }),
      ) +
      pad * 2;
    const drawRow = (cells: string[], kind: 'header' | 'body', colour?: string) => {
      const height = measure(cells, kind === 'header');
      const y = this.doc.y;
      if (kind === 'header') this.doc.rect(this.left, y, this.width, height).fill(COLOURS.infoBg);
      let x = this.left;
      cells.forEach((c, i) => {
        const bold = kind === 'header' || (opts.firstBold === true && i === 1);
        this.doc
          .font(bold ? 'bold' : 'body')
          .fontSize(size)
          .fillColor(kind === 'body' && i === 2 && colour ? colour : COLOURS.text);
        this.doc.text(this.t(c, 600), x + pad, y + pad, { width: widths[i]! - pad * 2 });
        x += widths[i]!;
      });
      this.doc
        .moveTo(this.left, y + height)
        .lineTo(this.left + this.width, y + height)
        .lineWidth(0.5)
        .strokeColor(COLOURS.line)
        .stroke();
      this.doc.y = y + height;
    };
    const header = columns.map((c) => c.header);
    const headerHeight = measure(header, true);
    this.ensure(headerHeight + (rows[0] ? measure(rows[0].cells, false) : 0));
    drawRow(header, 'header');
    for (const row of rows) {
      const need = measure(row.cells, false);
      if (this.room() < need) {
        this.doc.addPage();
        drawRow(header, 'header');
      }
      drawRow(row.cells, 'body', row.colour);
    }
    this.doc.x = this.left;
    this.doc.moveDown(0.4);
  }

  /** A line to write on by hand: "Exhibit reference ______________". */
  fillLine(label: string, hint?: string): void {
    this.ensure(hint ? 44 : 30);
    this.doc.moveDown(0.5);
    const y = this.doc.y;
    this.doc.font('bold').fontSize(9.5).fillColor(COLOURS.text);
    this.doc.text(this.t(label, 200), this.left, y, { width: 150 });
    const lineY = y + 11;
    this.doc
      .moveTo(this.left + 155, lineY)
      .lineTo(this.left + this.width, lineY)
      .lineWidth(0.6)
      .strokeColor(COLOURS.muted)
      .stroke();
    this.doc.y = Math.max(this.doc.y, lineY + 3);
    if (hint) {
      this.doc.font('body').fontSize(8).fillColor(COLOURS.muted);
      this.doc.text(this.t(hint, 300), this.left + 155, this.doc.y, { width: this.width - 155 });
    }
    this.doc.x = this.left;
  }
}
