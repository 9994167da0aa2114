/**
 * Parsers of command-line values. Each takes the flag's name and the raw text, and returns
 * the value or throws a UsageError that names the flag and the rule (exit 2). They never
 * throw anything else, whatever the input (test/cli-parse.test.ts feeds them hostile text).
 */
import { getAddress } from "ethers";
import { REGISTRATION_NUMBER_PATTERN, isValidRegistrationNumber } from "../registration-number";
import { RIGHTS, type RightName } from "../api/enums";
import { UsageError } from "./exit";

const UINT32_MAX = 2 ** 32 - 1;
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30s`, `10m`, `2h`, `7d`, `2w` or plain seconds; returned as whole seconds (1 s … 2^32-1 s). */
export function parseDuration(flag: string, raw: string): number {
  const m = /^(\d{1,10})([smhdw]?)$/.exec(raw.trim());
  if (!m) throw new UsageError(flag, `"${clip(raw)}" is not a duration (use 30s, 10m, 2h, 7d or plain seconds)`);
  const seconds = Number(m[1]) * (UNITS[m[2] || "s"] ?? 1);
  if (seconds < 1) throw new UsageError(flag, "must be at least 1 second");
  if (seconds > UINT32_MAX) throw new UsageError(flag, "is too long (at most 136 years)");
  return seconds;
}

/**
 * `YYYY-MM-DD` (local midnight; with `endOfDay`, the last second of that day, so an end date
 * includes the whole day) or ISO-8601 with a time and an offset (`2026-03-01T09:00:00+08:00`,
 * `…Z`). Returned as unix seconds.
 */
export function parseDate(flag: string, raw: string, opts: { endOfDay?: boolean } = {}): number {
  const text = raw.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  let ms: number;
  if (day) {
    const [y, mo, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const date = new Date(y, mo - 1, d + (opts.endOfDay ? 1 : 0));
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || new Date(y, mo - 1, d).getDate() !== d) {
      throw new UsageError(flag, `"${clip(raw)}" is not a calendar date`);
    }
    ms = date.getTime() - (opts.endOfDay ? 1000 : 0);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    ms = Date.parse(text);
  } else {
    throw new UsageError(flag, `"${clip(raw)}" is not a date (use YYYY-MM-DD or ISO-8601 with an offset, e.g. 2026-03-01T09:00:00+08:00)`);
  }
  if (!Number.isFinite(ms)) throw new UsageError(flag, `"${clip(raw)}" is not a valid date`);
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0 || seconds > UINT32_MAX) throw new UsageError(flag, "must be between 1970 and 2106");
  return seconds;
}

/** A 0x-prefixed 20-byte address in any case (a wrong EIP-55 checksum is refused); returned checksummed. */
export function parseAddress(flag: string, raw: string): string {
  const text = raw.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new UsageError(flag, `"${clip(raw)}" is not an address (0x and 40 hex digits)`);
  const mixed = /[a-f]/.test(text.slice(2)) && /[A-F]/.test(text.slice(2));
  try {
    return mixed ? getAddress(text) : getAddress(text.toLowerCase());
  } catch {
    throw new UsageError(flag, `"${clip(raw)}" has a wrong checksum (check for a typo, or give it in lower case)`);
  }
}

/** A positive decimal id (asset, licence, objection, pledge). */
export function parseId(flag: string, raw: string): bigint {
  const text = raw.trim();
  if (!/^[1-9]\d{0,77}$/.test(text)) throw new UsageError(flag, `"${clip(raw)}" is not an id (a positive whole number)`);
  const v = BigInt(text);
  if (v >= 2n ** 256n) throw new UsageError(flag, "is too large");
  return v;
}

/** A whole number within [min, max]. */
export function parseInteger(flag: string, raw: string, min: number, max: number): number {
  const text = raw.trim();
  if (!/^-?\d{1,16}$/.test(text)) throw new UsageError(flag, `"${clip(raw)}" is not a whole number`);
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(flag, `must be between ${min} and ${max}`);
  return v;
}

/** A TCP port (1–65535). */
export function parsePort(flag: string, raw: string): number {
  return parseInteger(flag, raw, 1, 65_535);
}

/**
 * An amount in the currency's main unit with at most two decimals (`1200`, `99.5`, `0.01`),
 * returned in minor units (fen, cents) as the contracts store it.
 */
export function parseAmount(flag: string, raw: string): bigint {
  const m = /^(\d{1,36})(?:\.(\d{1,2}))?$/.exec(raw.trim().replace(/_/g, ""));
  if (!m) throw new UsageError(flag, `"${clip(raw)}" is not an amount (digits, at most two decimals, e.g. 1200 or 99.50)`);
  return BigInt(m[1] ?? "0") * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
}

/** An ISO-4217 currency code: three capital letters (lower case is accepted). */
export function parseCurrency(flag: string, raw: string): string {
  const text = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(text)) throw new UsageError(flag, `"${clip(raw)}" is not a currency code (three letters, e.g. CNY)`);
  return text;
}

/** kebab-case or snake_case → camelCase, lower-cased for comparison. */
function canonical(name: string): string {
  return name.trim().replace(/[-_ ]+(.)/g, (_m, c: string) => c.toUpperCase()).toLowerCase();
}

/**
 * An enum value by its API name (`selfCollected`), a kebab-case alias (`self-collected`) or
 * either in another case; returned as the API name.
 */
export function parseEnum<const T extends readonly string[]>(flag: string, names: T, raw: string, exclude: readonly string[] = []): T[number] {
  const allowed = names.filter((n) => !exclude.includes(n));
  const want = canonical(raw);
  const hit = allowed.find((n) => n.toLowerCase() === want);
  if (hit === undefined) {
    throw new UsageError(flag, `"${clip(raw)}" is not one of ${allowed.map((n) => (kebab(n) === n ? n : `${n} (${kebab(n)})`)).join(", ")}`);
  }
  return hit as T[number];
}

/** camelCase → kebab-case, for help texts. */
export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A comma-separated list of rights (`holding,processing`), each named once. */
export function parseRights(flag: string, raw: string, allowed: readonly RightName[] = RIGHTS): RightName[] {
  const parts = raw.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw new UsageError(flag, `must name at least one of ${allowed.join(", ")}`);
  const out: RightName[] = [];
  for (const p of parts) {
    const r = parseEnum(flag, allowed, p);
    if (out.includes(r)) throw new UsageError(flag, `names ${r} twice`);
    out.push(r);
  }
  return out;
}

/** A 0x-prefixed 32-byte hash (a content hash, a Merkle root), returned lower case. */
export function parseHash(flag: string, raw: string): string {
  const text = raw.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) throw new UsageError(flag, `"${clip(raw)}" is not a 32-byte hash (0x and 64 hex digits)`);
  if (/^0x0{64}$/.test(text)) throw new UsageError(flag, "must not be the zero hash");
  return text.toLowerCase();
}

/** What an asset reference names, before the API resolves it. */
export type AssetRefKind = { kind: "id"; id: bigint } | { kind: "registrationNumber"; value: string } | { kind: "contentHash"; value: string };

/** An asset id, a registration number (with a correct check digit) or a content hash. */
export function parseAssetRef(flag: string, raw: string): AssetRefKind {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return { kind: "id", id: parseId(flag, text) };
  if (REGISTRATION_NUMBER_PATTERN.test(text)) {
    if (!isValidRegistrationNumber(text)) throw new UsageError(flag, `"${clip(raw)}" has a wrong check digit`);
    return { kind: "registrationNumber", value: text };
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return { kind: "contentHash", value: parseHash(flag, text) };
  throw new UsageError(flag, `"${clip(raw)}" is not an asset id, a registration number (DR-YYYY-AAAAAA-T-NNNNNNNNNN-C) or a 0x content hash`);
}

/** Non-empty text of at most `maxBytes` bytes of UTF-8. */
export function parseText(flag: string, raw: string, maxBytes = 1024): string {
  if (raw.trim().length === 0) throw new UsageError(flag, "must not be empty");
  if (Buffer.byteLength(raw, "utf8") > maxBytes) throw new UsageError(flag, `must be at most ${maxBytes} bytes of UTF-8`);
  return raw;
}

/** At most 40 characters of the user's input, for messages (never a whole pasted file). */
function clip(raw: string): string {
  const flat = raw.replace(/[\u0000-\u001f\u007f]/g, "?");
  return flat.length > 40 ? `${flat.slice(0, 40)}…` : flat;
}
