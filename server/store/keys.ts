/**
 * The LevelDB key layout. Numbers are zero-padded so that byte order is numeric order, which
 * makes "latest holder at or before block N" and "milestones between two dates" one range
 * read each. Prefixes under `meta:`, `blk:` and `undo:` are bookkeeping; everything else is
 * derived ledger state and is what a canonical dump compares.
 */
const pad = (n: number | bigint | string, width: number): string => String(n).padStart(width, "0");
export const padBlock = (n: number): string => pad(n, 12);
export const padId = (id: string | bigint): string => pad(id, 20);
const lower = (h: string): string => h.toLowerCase();

export const K = {
  checkpoint: "meta:checkpoint",
  identity: "meta:identity",
  block: (n: number) => `blk:${padBlock(n)}`,
  undo: (n: number) => `undo:${padBlock(n)}`,

  asset: (id: string) => `a:${padId(id)}`,
  assetPrefix: "a:",
  history: (id: string, block: number, logIndex: number) => `ah:${padId(id)}:${padBlock(block)}:${pad(logIndex, 6)}`,
  historyPrefix: (id: string) => `ah:${padId(id)}:`,
  holderAt: (id: string, block: number) => `hold:${padId(id)}:${padBlock(block)}`,
  holderAtPrefix: (id: string) => `hold:${padId(id)}:`,
  byRegistrationNumber: (n: string) => `rn:${n}`,
  byContentHash: (h: string) => `ch:${lower(h)}`,
  /** Secondary indexes for list filters: `ix:<field>:<value>:<id>`. */
  index: (field: string, value: string, id: string) => `ix:${field}:${value}:${padId(id)}`,
  indexPrefix: (field: string, value: string) => `ix:${field}:${value}:`,
  child: (parent: string, child: string) => `kid:${padId(parent)}:${padId(child)}`,
  childPrefix: (parent: string) => `kid:${padId(parent)}:`,

  license: (id: string) => `lic:${padId(id)}`,
  assetLicense: (assetId: string, licenseId: string) => `alic:${padId(assetId)}:${padId(licenseId)}`,
  assetLicensePrefix: (assetId: string) => `alic:${padId(assetId)}:`,

  member: (address: string) => `m:${lower(address)}`,
  milestone: (enterprise: string, at: number, assetId: string, kind: number) =>
    `ms:${lower(enterprise)}:${pad(at, 12)}:${padId(assetId)}:${kind}`,
  milestonePrefix: (enterprise: string) => `ms:${lower(enterprise)}:`,
  milestoneAt: (enterprise: string, at: number) => `ms:${lower(enterprise)}:${pad(at, 12)}`,

  evidenceRoot: (root: string) => `ev:${lower(root)}`,
  evidenceRef: (hash: string, block: number, logIndex: number, field: string) =>
    `eref:${lower(hash)}:${padBlock(block)}:${pad(logIndex, 6)}:${field}`,
  evidenceRefPrefix: (hash: string) => `eref:${lower(hash)}:`,
  deidentification: (contentHash: string) => `deid:${lower(contentHash)}`,

  clearance: (assetId: string) => `cb:${padId(assetId)}`,
  sandbox: (assetId: string) => `sb:${padId(assetId)}`,
  pledge: (id: string) => `pl:${padId(id)}`,
  objection: (id: string) => `obj:${padId(id)}`,
  trade: (id: string) => `tr:${padId(id)}`,
  valuation: (id: string) => `val:${padId(id)}`,
  /** Contract-level events with no asset (configuration, nonces). */
  system: (block: number, logIndex: number) => `sys:${padBlock(block)}:${pad(logIndex, 6)}`,
} as const;

/** Bookkeeping prefixes, excluded from canonical dumps. */
export const BOOKKEEPING_PREFIXES = ["meta:", "blk:", "undo:"] as const;

/** The first key after every key that starts with `prefix`. */
export function prefixEnd(prefix: string): string {
  return prefix + "\uffff";
}

/** Decodes the zero-padded id at the end of an index key. */
export function idFromKey(key: string): string {
  const last = key.slice(key.lastIndexOf(":") + 1);
  return BigInt(last).toString();
}
