/**
 * The CJK font of every PDF the SDK makes: Noto Sans SC (Simplified Chinese, with Latin) from
 * the @embedpdf/fonts-sc package, so `npm install` brings it and nothing is downloaded at run
 * time. The 8 MB OpenType file is read and parsed ONCE per process: pdfkit takes the parsed
 * fontkit font object, and glyph outlines and layout tables parsed for one document stay parsed
 * for the next (each document still embeds only the subset of glyphs it uses).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type * as Fontkit from "fontkit";

export const FONT_PACKAGE = "@embedpdf/fonts-sc";
export const FONT_FILE = "NotoSansHans-Regular.otf";

/** A parsed font as pdfkit's `doc.font()` takes it. */
export type PdfFont = Fontkit.Font;

export class FontMissingError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`the PDF font ${file} cannot be read (${reason}); reinstall the ${FONT_PACKAGE} package (npm install)`);
    this.name = "FontMissingError";
  }
}

/** Where the package keeps its OTF files (its `exports` map hides them from require.resolve). */
export function fontPath(file = FONT_FILE): string {
  return path.join(path.dirname(require.resolve(FONT_PACKAGE)), "..", "fonts", file);
}

let cached: PdfFont | undefined;

/** The CJK font, parsed on first use and kept for the life of the process (fontkit is loaded then too). */
export async function cjkFont(): Promise<PdfFont> {
  if (cached) return cached;
  const fontkit = await import("fontkit");
  const file = fontPath();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new FontMissingError(file, (e as NodeJS.ErrnoException).code ?? "error");
  }
  cached = fontkit.create(bytes);
  return cached;
}
