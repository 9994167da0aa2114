/**
 * The little of fontkit (pdfkit's own font engine, installed with it) that sdk/pdf uses: a
 * font parsed once and handed to pdfkit, which accepts any object with `layout`.
 */
declare module "fontkit" {
  export interface Font {
    readonly postscriptName: string;
    layout(text: string): unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
