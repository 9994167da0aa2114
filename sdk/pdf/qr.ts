/**
 * QR codes for the PDFs (the `qrcode` package). In a PDF the code is drawn as vector squares
 * (`qrModules` + PdfLayout.qr): sharp at any scan resolution, and no PNG to encode and decode
 * again (that round trip cost more than the rest of the page). `qrPng` gives a PNG for elsewhere.
 */
import type QRCodeModule from "qrcode";

type QRCodeLib = typeof QRCodeModule;
let lib: QRCodeLib | undefined;
/** Loaded on first use, like pdfkit: commands that make no PDF do not pay for it. */
async function qrcode(): Promise<QRCodeLib> {
  lib ??= (await import("qrcode")).default;
  return lib;
}

/**
 * Level M (15% recovery) keeps a URL of a few hundred characters at a version that still
 * decodes from a 150 dpi scan of a 52 mm square.
 */
const LEVEL = "M" as const;

/** The dark modules of `text`'s QR code: `size` × `size`, row-major, 1 = dark. */
export async function qrModules(text: string): Promise<{ size: number; dark: Uint8Array }> {
  const code = (await qrcode()).create(text, { errorCorrectionLevel: LEVEL });
  return { size: code.modules.size, dark: code.modules.data };
}

/** A PNG of `text` as a QR code, with the standard's 4-module quiet zone. */
export async function qrPng(text: string, opts: { scale?: number } = {}): Promise<Buffer> {
  return (await qrcode()).toBuffer(text, { type: "png", errorCorrectionLevel: LEVEL, margin: 4, scale: opts.scale ?? 6, color: { dark: "#000000", light: "#ffffff" } });
}
