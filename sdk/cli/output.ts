/**
 * How `drl` prints: aligned tables and plain sentences for people, one JSON document with
 * `--json`. Bigints print as decimal strings (as the API answers them). Progress and notes go
 * to stderr so that stdout stays machine-readable.
 */
export interface Output {
  readonly json: boolean;
  /** A result: the JSON document (with --json) or the lines for people. */
  result(value: unknown, human: () => string): void;
  /** A note for people on stderr (suppressed with --json). */
  note(message: string): void;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

export function createOutput(json: boolean, write: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Output {
  return {
    json,
    result(value, human) {
      write(json ? `${toJson(value)}\n` : `${human()}\n`);
    },
    note(message) {
      if (!json) err(`${message}\n`);
    },
  };
}

/** Display width of a string: CJK and other wide characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ? 2 : 1;
  }
  return w;
}

/** An aligned table with a header row; cells are converted with String(). */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === undefined || c === null ? "" : String(c))));
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ""))));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - displayWidth(c)))).join("  ");
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Key–value lines with the keys aligned. */
export function fields(pairs: readonly (readonly [string, unknown])[]): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== "");
  const w = Math.max(0, ...shown.map(([k]) => displayWidth(k)));
  return shown.map(([k, v]) => `${k}${" ".repeat(w - displayWidth(k))}  ${String(v)}`).join("\n");
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A unix time in local time and in UTC: `2026-03-01 17:00:00 (local, +08:00) = 2026-03-01 09:00:00 UTC`. */
export function formatTime(unixSeconds: number | bigint | string): string {
  const seconds = Number(unixSeconds);
  if (!Number.isFinite(seconds)) return String(unixSeconds);
  const d = new Date(seconds * 1000);
  const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const off = -d.getTimezoneOffset();
  const offset = `${off >= 0 ? "+" : "-"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  const utc = d.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "");
  return `${local} (local, ${offset}) = ${utc} UTC`;
}

/** Minor units (fen, cents) as an amount with two decimals and the currency. */
export function formatAmount(minor: bigint | string | number, currency: string): string {
  const v = BigInt(minor);
  const whole = v / 100n;
  const cents = (v % 100n).toString().padStart(2, "0");
  return `${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents} ${currency}`;
}
