/**
 * The index schema beside the key layout: which asset fields have filter indexes, the words
 * the text search index holds, and how the registry's current modules are read. Shared by the
 * writer (server/indexer) and the read path (server/state), so both tokenise alike.
 */
import { K } from "./keys";
import type { StoredAsset, StoredModules } from "./records";

/**
 * Fields indexed for `GET /v1/assets` filters (`ix:<field>:<value>:<id>`). The flags are
 * indexed only when true (the false side is most assets: a walk of it would select nothing),
 * and `validUntil` only while the asset is registered, zero-padded so that the index is in
 * expiry order and "expired at time T" is one range (`expired` depends on the time asked).
 */
export const ASSET_INDEXES = ["holder", "status", "grade", "category", "kind", "frozen", "disputed", "pledged", "listed", "validUntil"] as const;
export type IndexedField = (typeof ASSET_INDEXES)[number];

/** A unix time as an index value: fixed width, so byte order is time order. */
export const timeValue = (t: number): string => String(t).padStart(12, "0");

/** The listing is live: the holder who listed it still holds the registered asset (TradeDesk.liveListingOf). */
export function liveListing(a: StoredAsset): boolean {
  return a.listing !== null && a.status === "registered" && a.holder !== null && a.holder === a.listing.holder;
}

/** The value an asset has in a filter index (holders lower case), or null for none. */
export function indexValue(a: StoredAsset, field: IndexedField): string | null {
  switch (field) {
    case "holder":
      return a.holder ? a.holder.toLowerCase() : null;
    case "frozen":
    case "disputed":
    case "pledged":
      return a[field] ? "true" : null;
    case "listed":
      return liveListing(a) ? "true" : null;
    case "validUntil":
      return a.status === "registered" ? timeValue(a.validUntil) : null;
    default:
      return a[field];
  }
}

// ─── Text search ───────────────────────────────────────────────────────────────────────

/**
 * The text index holds each word of an asset's searchable fields whole (its first MAX_WORD
 * characters), so a query word is a prefix range of it (`tx:<word>` … ), not a key per
 * prefix. Scripts written without spaces (Han, kana, Hangul) are indexed by every pair of
 * neighbouring characters plus each run's last character: a run of two or more query
 * characters is found through any of its pairs, and a single character is the start of one of
 * the tokens of every run that holds it (a prefix range again).
 */
/** 24 characters: a key of the longest word still fits a list cursor (200 base64url characters). */
export const MAX_WORD = 24;

/** A query or field word: `word` (letters and digits, matched as a prefix) or `cjk` (matched anywhere). */
export interface Term {
  kind: "word" | "cjk";
  text: string;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const CJK_RUN = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+)/u;
const IS_CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Compatibility forms folded (full-width letters, ligatures) and lower case. */
export function normalise(s: string): string {
  return s.normalize("NFKC").toLowerCase();
}

const ASCII = /^[\x00-\x7f]*$/;
const ASCII_SEPARATORS = /[^a-z0-9]+/;

/** The words and CJK runs of a text, in order. */
export function termsOf(text: string): Term[] {
  const out: Term[] = [];
  if (ASCII.test(text)) {
    // The common case, the same answer without NFKC and Unicode property classes (several times faster).
    for (const w of text.toLowerCase().split(ASCII_SEPARATORS)) if (w !== "") out.push({ kind: "word", text: w });
    return out;
  }
  for (const m of normalise(text).matchAll(WORD)) {
    for (const part of m[0].split(CJK_RUN)) {
      if (part !== "") out.push({ kind: IS_CJK.test(part) ? "cjk" : "word", text: part });
    }
  }
  return out;
}

/** The index tokens of one field term. */
function tokensOfTerm(t: Term, into: Set<string>): void {
  const chars = [...t.text];
  if (t.kind === "word") {
    into.add(chars.slice(0, MAX_WORD).join(""));
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) into.add(`${chars[i]}${chars[i + 1]}`);
  const last = chars.at(-1);
  if (last !== undefined) into.add(last);
}

/**
 * How a query term is looked up: tokens that start with `prefix` (a word, or one CJK
 * character), or, for a CJK run, tokens equal to one of its pairs (`exact`). Every asset the
 * term matches holds such a token.
 */
export type Lookup = { prefix: string } | { exact: string[] };

export function lookupOf(t: Term): Lookup {
  const chars = [...t.text];
  if (t.kind === "word") return { prefix: chars.slice(0, MAX_WORD).join("") };
  if (chars.length === 1) return { prefix: t.text };
  return { exact: chars.slice(0, -1).map((c, i) => `${c}${chars[i + 1] ?? ""}`) };
}

/**
 * The searchable texts of an asset: its name, metadata URI and holder's member name (as the
 * member registry names the holder when the asset last changed; names are given at admission).
 * Registration numbers and content hashes have their own indexes (`rn:`, `ch:`).
 */
export function searchFields(a: Pick<StoredAsset, "name" | "metadataUri">, holderName: string | null): string[] {
  return [a.name, a.metadataUri, holderName ?? ""];
}

/** The terms of every field, together. */
export function fieldTerms(fields: readonly string[]): Term[] {
  return fields.flatMap(termsOf);
}

/** Every text index token of these terms (`tx:<token>:<id>`). */
export function tokensOfTerms(terms: readonly Term[]): Set<string> {
  const out = new Set<string>();
  for (const t of terms) tokensOfTerm(t, out);
  return out;
}

/** Every text index token of these fields. */
export function textTokens(fields: readonly string[]): Set<string> {
  return tokensOfTerms(fieldTerms(fields));
}

/**
 * Whether a record's terms match every term of a query: a word starts one of its words, a CJK
 * run occurs in one of its runs (a run of CJK characters occurs in a text only inside one run).
 */
export function matchesTerms(record: readonly Term[], query: readonly Term[]): boolean {
  return query.every((t) => record.some((f) => f.kind === t.kind && (t.kind === "word" ? f.text.startsWith(t.text) : f.text.includes(t.text))));
}

/** Keys in LevelDB order (UTF-8 bytes, which JavaScript's UTF-16 comparison differs from past the BMP). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

// ─── Modules ───────────────────────────────────────────────────────────────────────────

/** Anything that reads one key synchronously or as a promise (an Overlay or a Reader). */
interface KeyReader {
  get<T>(key: string): T | undefined | Promise<T | undefined>;
}

/**
 * The registry's modules as the index last saw them (its latest ModulesSet), or the
 * deployment's compliance and licence contracts before any.
 */
export async function modulesOf(r: KeyReader, defaults: StoredModules): Promise<StoredModules> {
  return (await r.get<StoredModules>(K.modules)) ?? defaults;
}
