/**
 * The LevelDB key layout. Numbers are zero-padded so that byte order is numeric order, which
 * makes "latest holder at or before block N" and "milestones between two dates" one range
 * read each. Prefixes under `meta:`, `blk:` and `undo:` are bookkeeping; everything else is
 * derived ledger state and is what a canonical dump compares.
 *
 * State kept by a swappable module (the registry's compliance and licence modules) is keyed by
 * the module's address (`m` below, lower case without 0x), so that a module swap starts from
 * the new module's own state and the replaced module's records stop counting.
 */
const pad = (n: number | bigint | string, width: number): string => String(n).padStart(width, "0");
export const padBlock = (n: number): string => pad(n, 12);
export const padId = (id: string | bigint): string => pad(id, 20);
const lower = (h: string): string => h.toLowerCase();
/** A module's address as a key part. */
const mod = (address: string): string => lower(address).replace(/^0x/, "");

export const K = {
  checkpoint: "meta:checkpoint",
  identity: "meta:identity",
  block: (n: number) => `blk:${padBlock(n)}`,
  undo: (n: number) => `undo:${padBlock(n)}`,

  /** The registry's current modules (StoredModules). */
  modules: "mod:current",

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
  /** Range start of a filter index at `value` (a `validUntil` range reads up to a time). */
  indexAt: (field: string, value: string) => `ix:${field}:${value}`,
  /**
   * The text search index (`tx:<token>:<id>`): the tokens of an asset's name, metadata URI and
   * holder's member name (schema.ts textTokens). Tokens hold only letters, marks and digits, so
   * the id is always after the last colon.
   */
  text: (token: string, id: string) => `tx:${token}:${padId(id)}`,
  /** The entries of exactly one token. */
  textPrefix: (token: string) => `tx:${token}:`,
  /** The entries of every token that starts with `start` (a word prefix search). */
  textStartingWith: (start: string) => `tx:${start}`,
  /** Range starts of the registration-number and content-hash indexes, for prefix searches. */
  registrationNumberPrefix: (p: string) => `rn:${p}`,
  contentHashPrefix: (p: string) => `ch:${lower(p)}`,
  child: (parent: string, child: string) => `kid:${padId(parent)}:${padId(child)}`,
  childPrefix: (parent: string) => `kid:${padId(parent)}:`,

  license: (module: string, id: string) => `lic:${mod(module)}:${padId(id)}`,
  assetLicense: (module: string, assetId: string, licenseId: string) => `alic:${mod(module)}:${padId(assetId)}:${padId(licenseId)}`,
  assetLicensePrefix: (module: string, assetId: string) => `alic:${mod(module)}:${padId(assetId)}:`,
  /** A licence by its licensee (GET /v1/members/:address/licenses). */
  licenseeLicense: (module: string, licensee: string, licenseId: string) => `llic:${mod(module)}:${lower(licensee)}:${padId(licenseId)}`,
  licenseeLicensePrefix: (module: string, licensee: string) => `llic:${mod(module)}:${lower(licensee)}:`,

  member: (address: string) => `m:${lower(address)}`,
  /** A first as recorded (block and log position: an annulled first recorded again in the same second is another record). */
  milestone: (enterprise: string, at: number, assetId: string, kind: number, block: number, logIndex: number) =>
    `ms:${lower(enterprise)}:${pad(at, 12)}:${padId(assetId)}:${kind}:${padBlock(block)}:${pad(logIndex, 6)}`,
  milestonePrefix: (enterprise: string) => `ms:${lower(enterprise)}:`,
  milestoneAt: (enterprise: string, at: number) => `ms:${lower(enterprise)}:${pad(at, 12)}`,
  /** The current record of an asset's first of `kind` (StoredMilestonePointer: its K.milestone key). */
  milestoneOf: (assetId: string, kind: number) => `msp:${padId(assetId)}:${kind}`,
  /** The latest incentive of a first at a level (StoredIncentivePointer: the first's K.milestone key and the incentive's place in it). */
  incentiveOf: (assetId: string, kind: number, level: number) => `inc:${padId(assetId)}:${kind}:${level}`,

  /** One party's anchor of a root: anchors are keyed by (anchorer, root). */
  evidenceAnchor: (root: string, anchorer: string) => `ev:${lower(root)}:${lower(anchorer)}`,
  evidenceAnchorPrefix: (root: string) => `ev:${lower(root)}:`,
  evidenceRef: (hash: string, block: number, logIndex: number, field: string) =>
    `eref:${lower(hash)}:${padBlock(block)}:${pad(logIndex, 6)}:${field}`,
  evidenceRefPrefix: (hash: string) => `eref:${lower(hash)}:`,
  /** De-identification reviews, keyed by (applicant, content hash), per compliance module. */
  deidentification: (module: string, applicant: string, contentHash: string) => `deid:${mod(module)}:${lower(applicant)}:${lower(contentHash)}`,

  /** Cross-border clearances, keyed by (asset, recipient), per compliance module. */
  clearance: (module: string, assetId: string, recipient: string) => `cb:${mod(module)}:${padId(assetId)}:${lower(recipient)}`,
  clearancePrefix: (module: string, assetId: string) => `cb:${mod(module)}:${padId(assetId)}:`,
  sandbox: (module: string, assetId: string) => `sb:${mod(module)}:${padId(assetId)}`,
  pledge: (id: string) => `pl:${padId(id)}`,
  assetPledge: (assetId: string, pledgeId: string) => `apl:${padId(assetId)}:${padId(pledgeId)}`,
  assetPledgePrefix: (assetId: string) => `apl:${padId(assetId)}:`,
  objection: (id: string) => `obj:${padId(id)}`,
  trade: (id: string) => `tr:${padId(id)}`,
  valuation: (id: string) => `val:${padId(id)}`,
  /** Contract-level events with no asset (configuration, commitments, nonces). */
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
