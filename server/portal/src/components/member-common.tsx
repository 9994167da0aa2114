/**
 * What the member page's parts share: reading every page of a list, a table that scrolls in
 * its own keyboard-reachable region (the page itself never scrolls sideways, even at 390 px),
 * and the report period as the CLI reads it (a start date from local midnight, an end date
 * through 23:59:59 local time).
 */
import type { ComponentChildren } from "preact";
import type { Messages } from "../i18n";

/** Every item of the SDK's `all…` generators, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A wide table: scrolls inside a labelled, focusable region, so keyboard users can scroll it too. */
export function TableRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="member-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export type PeriodField = "from" | "to";
export type PeriodError = { field: PeriodField; kind: "invalid"; raw: string } | { field: PeriodField; kind: "range" } | { field: "to"; kind: "reversed" };
/** The period in unix seconds (null: open), or what is wrong with it. */
export type Period = { ok: true; from: number | null; to: number | null } | { ok: false; error: PeriodError };

/** The ledger's times are uint32 seconds (as the CLI's dates). */
const MAX_SECONDS = 2 ** 32 - 1;

/** `YYYY-MM-DD` as unix seconds: local midnight, or with `endOfDay` that day's last second. */
function daySeconds(text: string, endOfDay: boolean): number | "invalid" | "range" {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return "invalid";
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return "invalid";
  // setFullYear, not the constructor: `new Date(50, …)` would mean 1950.
  const day = new Date(2000, 0, 1);
  day.setFullYear(y, mo - 1, d);
  day.setHours(0, 0, 0, 0);
  // 2026-02-30 rolls over to March: refuse it rather than move it.
  if (day.getFullYear() !== y || day.getMonth() !== mo - 1 || day.getDate() !== d) return "invalid";
  let ms = day.getTime();
  if (endOfDay) {
    const next = new Date(day.getTime());
    next.setDate(d + 1);
    next.setHours(0, 0, 0, 0);
    ms = next.getTime() - 1000;
  }
  const seconds = Math.floor(ms / 1000);
  return seconds < 0 || seconds > MAX_SECONDS ? "range" : seconds;
}

/** The period the form or the link gives (empty: open at that end). */
export function checkPeriod(fromText: string, toText: string): Period {
  const from = fromText === "" ? null : daySeconds(fromText, false);
  if (typeof from === "string") return { ok: false, error: from === "invalid" ? { field: "from", kind: "invalid", raw: fromText } : { field: "from", kind: "range" } };
  const to = toText === "" ? null : daySeconds(toText, true);
  if (typeof to === "string") return { ok: false, error: to === "invalid" ? { field: "to", kind: "invalid", raw: toText } : { field: "to", kind: "range" } };
  if (from !== null && to !== null && to < from) return { ok: false, error: { field: "to", kind: "reversed" } };
  return { ok: true, from, to };
}

/** The error in words, naming the field. */
export function periodErrorText(t: Messages, e: PeriodError): string {
  const label = e.field === "from" ? t.memberFrom : t.memberTo;
  switch (e.kind) {
    case "invalid":
      return t.memberDateInvalid(label, e.raw);
    case "range":
      return t.memberDateOutOfRange(label);
    case "reversed":
      return t.memberDateReversed(t.memberTo, t.memberFrom);
  }
}
