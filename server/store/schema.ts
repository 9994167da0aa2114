/**
 * The index schema beside the key layout: which asset fields have filter indexes, and how the
 * registry's current modules are read. Shared by the writer and the read path.
 */
import { K } from "./keys";
import type { StoredAsset, StoredModules } from "./records";

/** Fields indexed for `GET /v1/assets` filters (`ix:<field>:<value>:<id>`). */
export const ASSET_INDEXES = ["holder", "status", "grade", "category", "kind"] as const;
export type IndexedField = (typeof ASSET_INDEXES)[number];

/** The value an asset has in a filter index (holders lower case), or null for none. */
export function indexValue(a: StoredAsset, field: IndexedField): string | null {
  if (field === "holder") return a.holder ? a.holder.toLowerCase() : null;
  return a[field];
}

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
