/**
 * The one way the portal shows a time: the ledger's unix seconds in the reader's local time and
 * in UTC side by side (registrars, courts and foreign members compare times across zones), in a
 * `<time datetime>` carrying the exact ISO instant for machines.
 */
import { h } from "preact";
import { useI18n } from "./i18n";

const pad = (n: number) => String(n).padStart(2, "0");

/** The instant as ISO 8601 UTC, e.g. 2026-12-02T07:04:05Z. */
export function isoOf(unix: number): string {
  return new Date(unix * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `YYYY-MM-DD HH:MM` in the browser's time zone. */
export function localText(unix: number): string {
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `YYYY-MM-DD HH:MM` in UTC. */
export function utcText(unix: number): string {
  const d = new Date(unix * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** The local zone's offset, e.g. UTC+08:00, for the tooltip. */
function offsetText(unix: number): string {
  const off = -new Date(unix * 1000).getTimezoneOffset();
  return `UTC${off >= 0 ? "+" : "-"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** Both readings as one line: `2026-12-02 15:04 (local) · 2026-12-02 07:04 UTC`. */
export function bothText(unix: number, localLabel: string): string {
  return `${localText(unix)} (${localLabel}) · ${utcText(unix)} UTC`;
}

/**
 * `<time datetime="…Z">local (local) · utc UTC</time>`; out-of-range values are shown raw.
 * A plain function, for lists that show hundreds (the timeline): no component, no context
 * subscription per time.
 */
export function timeElement(unix: number, localLabel: string) {
  if (!Number.isFinite(unix) || Math.abs(unix) > 8.64e12) return h("span", null, String(unix));
  return h("time", { dateTime: isoOf(unix), title: `${isoOf(unix)} (${localLabel} ${offsetText(unix)})`, class: "time" }, bothText(unix, localLabel));
}

/** timeElement in the reader's language. */
export function Time({ unix }: { unix: number }) {
  const { t } = useI18n();
  return timeElement(unix, t.localTime);
}
