/**
 * The page layout the SDK's PDFs share (certificates, deposit reports): A4 portrait, the CJK
 * font of font.ts for every glyph (Latin included, so one subset is embedded), a title block,
 * numbered sections, label/value rows that wrap long values (hashes break anywhere), notes, an
 * image beside the text, and a footer with page numbers. Rendering is synchronous into pdfkit;
 * `finish()` collects the bytes. pdfkit and fontkit (~0.3 s to load) are loaded with the first
 * document, not by whoever merely imports the SDK.
 */
import type PDFKitDocument from "pdfkit";
import { cjkFont, type PdfFont } from "./font";
import { qrModules } from "./qr";

type PdfKitCtor = typeof PDFKitDocument;
let pdfkitCtor: PdfKitCtor | undefined;
async function loadPdfKit(): Promise<PdfKitCtor> {
  pdfkitCtor ??= (await import("pdfkit")).default;
  return pdfkitCtor;
}

/** A4 in PDF points (1/72 inch). */
export const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = 46;
const FOOTER = 26;
const INK = "#111111";
const MUTED = "#555555";
const RULE = "#9aa4b2";
const ACCENT = "#8b1a1a";

export interface PdfMeta {
  title: string;
  subject?: string;
  author?: string;
  keywords?: string;
  /** The document's creation time (fixed for reproducible output); now by default. */
  created?: Date;
}

/** One label/value row; `value` may be several lines (\n). */
export interface Row {
  label: string;
  value: string;
  /** Draw the value in the accent colour (a verdict, a warning). */
  strong?: boolean;
}

export interface RowsOptions {
  /** Width of the label column. */
  labelWidth?: number;
  /** Value font size (labels are a point smaller). */
  size?: number;
  /** Right edge short of the margin, to leave room for an image beside the rows. */
  rightInset?: number;
}

export class PdfLayout {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly ended: Promise<Buffer>;
  private sectionNo = 0;

  /** A new A4 document. */
  static async open(meta: PdfMeta): Promise<PdfLayout> {
    return new PdfLayout(await loadPdfKit(), await cjkFont(), meta);
  }

  private constructor(PDFDocument: PdfKitCtor, font: PdfFont, meta: PdfMeta) {
    const created = meta.created ?? new Date();
    this.doc = new PDFDocument({
      size: "A4",
      margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
      bufferPages: true,
      info: { Title: meta.title, Subject: meta.subject ?? "", Author: meta.author ?? "Data Rights Ledger", Keywords: meta.keywords ?? "", Creator: "Data Rights Ledger SDK", Producer: "pdfkit", CreationDate: created, ModDate: created },
      // No default Helvetica (pdfkit parses its AFM per document): the CJK font is set below.
      font: null as unknown as string,
      lang: "zh-CN",
      displayTitle: true,
    });
    this.doc.on("data", (c: Buffer) => this.chunks.push(c));
    this.ended = new Promise((resolve, reject) => {
      this.doc.on("end", () => resolve(Buffer.concat(this.chunks)));
      this.doc.on("error", reject);
    });
    // pdfkit takes a parsed fontkit font (anything with `layout`): parsed once per process.
    this.doc.font(font as unknown as PDFKit.Mixins.PDFFontSource);
    this.doc.fillColor(INK);
  }

  get left(): number {
    return MARGIN;
  }
  get right(): number {
    return A4.width - MARGIN;
  }
  get width(): number {
    return A4.width - 2 * MARGIN;
  }
  get y(): number {
    return this.doc.y;
  }
  private get bottom(): number {
    return A4.height - MARGIN - FOOTER;
  }

  /** Starts a new page when fewer than `height` points are left on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** The document's title (two languages), a subtitle, and a rule. */
  title(main: string, second: string, sub?: string): void {
    const d = this.doc;
    d.fillColor(ACCENT).fontSize(20).text(main, this.left, d.y, { width: this.width, align: "center" });
    d.fillColor(INK).fontSize(12).text(second, { width: this.width, align: "center" });
    if (sub) d.fillColor(MUTED).fontSize(8.5).text(sub, { width: this.width, align: "center" });
    d.moveDown(0.4);
    this.rule(ACCENT, 1.2);
    d.moveDown(0.5);
    d.fillColor(INK);
  }

  rule(color = RULE, width = 0.6): void {
    const d = this.doc;
    d.save().moveTo(this.left, d.y).lineTo(this.right, d.y).lineWidth(width).strokeColor(color).stroke().restore();
  }

  /** A numbered section heading. */
  section(title: string): void {
    this.ensure(48);
    const d = this.doc;
    this.sectionNo += 1;
    d.moveDown(0.35);
    d.fillColor(ACCENT).fontSize(11).text(`${this.sectionNo}. ${title}`, this.left, d.y, { width: this.width });
    d.moveDown(0.1);
    this.rule();
    d.moveDown(0.25);
    d.fillColor(INK);
  }

  /** Label/value rows; a value wraps inside its column, and a row never splits across pages. */
  rows(rows: readonly Row[], opts: RowsOptions = {}): void {
    const d = this.doc;
    const size = opts.size ?? 8.5;
    const labelWidth = opts.labelWidth ?? 150;
    const gap = 8;
    const valueWidth = this.width - labelWidth - gap - (opts.rightInset ?? 0);
    for (const r of rows) {
      const value = r.value === "" ? "—" : r.value;
      d.fontSize(size);
      const h = Math.max(d.heightOfString(value, { width: valueWidth }), d.fontSize(size - 0.5).heightOfString(r.label, { width: labelWidth }));
      this.ensure(h + 2);
      const y = d.y;
      d.fillColor(MUTED).fontSize(size - 0.5).text(r.label, this.left, y, { width: labelWidth });
      d.fillColor(r.strong ? ACCENT : INK).fontSize(size).text(value, this.left + labelWidth + gap, y, { width: valueWidth });
      d.x = this.left;
      d.y = y + h + 2.5;
    }
    d.fillColor(INK);
  }

  /** A small-print paragraph across the page. */
  note(text: string, opts: { size?: number; color?: string } = {}): void {
    const d = this.doc;
    d.fontSize(opts.size ?? 8);
    this.ensure(d.heightOfString(text, { width: this.width }) + 2);
    d.fillColor(opts.color ?? MUTED).text(text, this.left, d.y, { width: this.width });
    d.fillColor(INK);
  }

  /** A PNG at (x, y), `size` points square, with a caption under it. */
  image(png: Buffer, at: { x: number; y: number; size: number; caption?: string }): void {
    const d = this.doc;
    const { x: keepX, y: keepY } = d;
    d.image(png, at.x, at.y, { width: at.size, height: at.size });
    if (at.caption) d.fillColor(MUTED).fontSize(7).text(at.caption, at.x - 10, at.y + at.size + 2, { width: at.size + 20, align: "center" });
    d.fillColor(INK);
    d.x = keepX;
    d.y = keepY;
  }

  /**
   * `text` as a QR code at (x, y), `size` points square including a 4-module quiet zone, drawn
   * as vector squares (one filled path), with a caption under it.
   */
  async qr(text: string, at: { x: number; y: number; size: number; caption?: string }): Promise<void> {
    const { size: n, dark } = await qrModules(text);
    const d = this.doc;
    const { x: keepX, y: keepY } = d;
    const m = at.size / (n + 8);
    d.save();
    d.rect(at.x, at.y, at.size, at.size).fill("#ffffff");
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        // Runs of dark modules in a row become one rectangle (slightly overlapping: no hairline gaps).
        if (dark[row * n + col] !== 1) continue;
        let end = col;
        while (end + 1 < n && dark[row * n + end + 1] === 1) end++;
        d.rect(at.x + (col + 4) * m, at.y + (row + 4) * m, (end - col + 1) * m, m + 0.05);
        col = end;
      }
    }
    d.fill("#000000");
    d.restore();
    if (at.caption) d.fillColor(MUTED).fontSize(7).text(at.caption, at.x - 10, at.y + at.size + 2, { width: at.size + 20, align: "center" });
    d.fillColor(INK);
    d.x = keepX;
    d.y = keepY;
  }

  /** Writes the footer on every page and returns the PDF's bytes. */
  async finish(footer: string): Promise<Buffer> {
    const d = this.doc;
    const range = d.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      d.switchToPage(i);
      const y = A4.height - MARGIN - FOOTER + 8;
      d.save().moveTo(this.left, y).lineTo(this.right, y).lineWidth(0.4).strokeColor(RULE).stroke().restore();
      // Below the bottom margin: text there must not open a new page.
      const keep = d.page.margins.bottom;
      d.page.margins.bottom = 0;
      d.fillColor(MUTED).fontSize(7).text(footer, this.left, y + 4, { width: this.width - 60, lineBreak: false });
      d.text(`${i - range.start + 1} / ${range.count}`, this.right - 60, y + 4, { width: 60, align: "right", lineBreak: false });
      d.page.margins.bottom = keep;
    }
    d.flushPages();
    d.end();
    return this.ended;
  }
}
