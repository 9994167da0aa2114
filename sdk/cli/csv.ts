/** A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) for batch manifests. */
import { UsageError } from "./exit";

export function parseCsv(flag: string, text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\uFEFF/, "");
  while (i < src.length) {
    const ch = src[i] ?? "";
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
    i += 1;
  }
  if (quoted) throw new UsageError(flag, `line ${rows.length + 1}: a quoted field is not closed`);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ""));
}

/** Rows as objects keyed by the header row (lower-cased, trimmed). */
export function csvRecords(flag: string, text: string): { line: number; get(column: string): string | undefined }[] {
  const rows = parseCsv(flag, text);
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  if (!header || header.length === 0) throw new UsageError(flag, "is empty (needs a header row and one row per application)");
  return rows.slice(1).map((r, i) => ({
    line: i + 2,
    get(column: string) {
      const at = header.indexOf(column.toLowerCase());
      const v = at < 0 ? undefined : r[at]?.trim();
      return v === "" ? undefined : v;
    },
  }));
}
