/**
 * The provenance API's parameters and responses, as zod schemas: the one definition that the
 * server validates with, the SDK client parses with, and `GET /v1/openapi.json` is generated
 * from. Amounts and ids that may exceed 2^53 are decimal strings; times are unix seconds.
 */
import { checksumAddress } from "../address";
import { checkDigit } from "../registration-number";
import { z } from "zod";
import {
  ASSET_KIND,
  ASSET_STATUS,
  DATA_CATEGORY,
  DELIVERY_MODE,
  EXPORT_MECHANISM,
  JURISDICTION,
  LICENSE_END_CAUSE,
  LICENSE_STATE,
  MEMBER_STATUS,
  MEMBER_TYPE,
  INCENTIVE_LEVEL,
  MILESTONE,
  PERSONAL_INFO,
  PLEDGE_STATUS,
  PRODUCT_FORM,
  REASON,
  RIGHTS,
  SECURITY_GRADE,
  SOURCE_TYPE,
  TERRITORY,
} from "./enums";

// ─── Scalars ───────────────────────────────────────────────────────────────────────────

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX_32 = /^0x[0-9a-fA-F]{64}$/;
const REGISTRATION_NUMBER = /^DR-\d{4}-\d{6}-\d-\d{10}-[0-9X]$/;
/** Largest id the contracts can hold (uint48 in licences, uint64 in the content index). */
const MAX_ID = 2n ** 64n - 1n;

export const Address = z
  .string()
  .regex(HEX_ADDRESS, "must be a 0x-prefixed 20-byte hex address")
  .meta({ description: "EVM address, checksummed in responses", example: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
export const Bytes32 = z
  .string()
  .regex(HEX_32, "must be a 0x-prefixed 32-byte hex string")
  .meta({ description: "32-byte hash, lower-case hex" });
export const DecimalId = z
  .string()
  .regex(/^[1-9]\d{0,19}$/, "must be a positive decimal integer")
  // zod runs refinements even after the regex failed: only test numbers as numbers.
  .refine((s) => !/^\d+$/.test(s) || BigInt(s) <= MAX_ID, "must be at most 2^64-1")
  .meta({ description: "positive decimal id" });
export const Amount = z.string().regex(/^\d+$/).meta({ description: "unsigned integer as a decimal string" });
export const UnixTime = z.number().int().nonnegative().meta({ description: "unix time, seconds" });
export const BlockNumber = z.number().int().nonnegative();
/** A query parameter holding a whole number written in decimal digits (no "", "1e3", "0x10"). */
const wholeNumber = (what: string, min: number, max: number) =>
  z
    .string({ error: `must be ${what}` })
    .regex(/^\d{1,15}$/, `must be ${what} in decimal digits`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const blockParam = wholeNumber("a block number", 0, Number.MAX_SAFE_INTEGER);
/** An address as a parameter: any case, answered checksummed (a wrong mixed-case checksum is refused). */
const AddressParam = z
  .string()
  .regex(HEX_ADDRESS, "must be a 0x-prefixed 20-byte hex address")
  .refine((a) => !/[a-f]/.test(a.slice(2)) || !/[A-F]/.test(a.slice(2)) || isChecksummed(a), "has a mixed-case checksum that does not match")
  .transform((a) => (HEX_ADDRESS.test(a) ? checksumAddress(a) : a))
  .meta({ description: "EVM address (any case; a mixed-case one must carry a valid checksum)" });

function isChecksummed(a: string): boolean {
  try {
    return checksumAddress(a) === a;
  } catch {
    return false;
  }
}

/** `:ref` — a token id, a registration number, or a content hash. */
export const AssetRef = z
  .string()
  .refine(
    (s) => /^[1-9]\d{0,19}$/.test(s) || REGISTRATION_NUMBER.test(s) || HEX_32.test(s),
    "must be a decimal asset id, a registration number (DR-YYYY-AAAAAA-T-NNNNNNNNNN-C) or a 0x content hash",
  )
  // A mistyped registration number is told apart from an unknown one: its check digit is wrong.
  .superRefine((s, ctx) => {
    if (!REGISTRATION_NUMBER.test(s)) return;
    const expected = checkDigit(s.slice(3, -2).replaceAll("-", ""));
    if (s.endsWith(`-${expected}`)) return;
    ctx.addIssue({ code: "custom", message: `is a registration number whose check digit is wrong (ISO 7064 MOD 11-2 gives ${expected}, not ${s.slice(-1)}): check it for a typo` });
  })
  .meta({ description: "decimal asset id, registration number, or 0x-prefixed content hash" });

export const Where = z
  .object({ block: BlockNumber, time: UnixTime, tx: Bytes32, logIndex: z.number().int().nonnegative() })
  .meta({ id: "Where", description: "the block, time, transaction and log of an event" });
export type Where = z.infer<typeof Where>;

// ─── Errors ────────────────────────────────────────────────────────────────────────────

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "machine-readable: bad_request, not_found, unavailable, ..." }),
      message: z.string(),
      field: z.string().optional().meta({ description: "the parameter at fault, for bad_request" }),
      indexedBlock: BlockNumber.optional().meta({ description: "for behind (409): the last block this replica has indexed" }),
    }),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof ErrorBody>;

// ─── Queries and parameters ────────────────────────────────────────────────────────────

export const Limit = wholeNumber("a number", 1, 200).default(50);
/** A boolean filter: `true` or `false`. */
const flagParam = (description: string) =>
  z
    .enum(["true", "false"], { error: "must be true or false" })
    .transform((v) => v === "true")
    .optional()
    .meta({ description });
export const Cursor = z.string().max(200, "is too long").regex(/^[A-Za-z0-9_-]+$/, "is not a cursor from a previous page");

export const RefParams = z.object({ ref: AssetRef });
export const AddressParams = z.object({ address: AddressParam });
export const LicenseParams = z.object({ id: DecimalId });
export const EvidenceParams = z.object({ hash: Bytes32 });

export const AssetsQuery = z.strictObject({
  holder: AddressParam.optional(),
  status: z.enum(ASSET_STATUS).optional(),
  grade: z.enum(SECURITY_GRADE).optional(),
  category: z.enum(DATA_CATEGORY).optional(),
  kind: z.enum(ASSET_KIND).optional(),
  frozen: flagParam("a court holds it (true) or none does (false)"),
  disputed: flagParam("an admitted objection is open"),
  pledged: flagParam("an active pledge encumbers it"),
  listed: flagParam("it has a live listing (the holder who listed it still holds the registered asset)"),
  expired: flagParam("registered, with validUntil before the time of asOfBlock"),
  q: z
    .string()
    .min(1, "must not be empty")
    .max(100, "must be at most 100 characters")
    .refine((s) => /[\p{L}\p{N}]/u.test(s), "must contain a letter or a digit")
    .optional()
    .meta({
      description:
        "search: every word must start a word of the name, metadata URI or holder's member name (any case; Chinese, Japanese and Korean text matches anywhere); `DR-…` searches registration numbers by prefix, `0x…` content hashes by prefix",
    }),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type AssetsQuery = z.infer<typeof AssetsQuery>;
/** A list page's limit where the whole list usually fits (licences, evidence references). */
export const LongPageQuery = z.strictObject({ limit: wholeNumber("a number", 1, 200).default(200), cursor: Cursor.optional() });
export const PageQuery = z.strictObject({ limit: Limit, cursor: Cursor.optional() });
export const HolderQuery = z.strictObject({ atBlock: blockParam });
export const TradabilityQuery = z.strictObject({
  buyer: AddressParam,
  seller: AddressParam.optional().meta({ description: "defaults to the current holder (the licensor, for a licence)" }),
  rights: z.enum(RIGHTS).default("holding"),
  territory: z.enum(TERRITORY).default("domestic").meta({ description: "of a licence; a holding transfer is cross-border when the buyer is foreign" }),
  sublicense: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .meta({ description: "for a licence: the seller is a parent licensee granting a sublicence (the holder check does not apply)" }),
  confirm: z.enum(["chain"]).optional(),
});
export type TradabilityQuery = z.infer<typeof TradabilityQuery>;
/**
 * A time as a query parameter: unix seconds, or ISO 8601 (`YYYY-MM-DD`, or with a time
 * `THH:MM[:SS[.fff]]` and an optional `Z` / `±HH:MM` offset). Without an offset it is read in
 * UTC. As an end (`to`), a bare date includes that whole day (its last second). Impossible
 * dates and times (2026-02-30, 24:00, +15:00) are refused rather than rolled over.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isoSeconds(s: string, end: boolean): number | string {
  const m = ISO_TIME.exec(s);
  if (!m) return "must be unix seconds or an ISO 8601 date (YYYY-MM-DD, optionally THH:MM[:SS] and Z or ±HH:MM)";
  const [, y, mo, d, hh, mi, ss, off] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (month < 1 || month > 12) return `has no month ${mo}`;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return `is not a date: ${y}-${mo} has ${daysInMonth} days`;
  const [hour, minute, second] = [Number(hh ?? 0), Number(mi ?? 0), Number(ss ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return "has an impossible time of day";
  let offsetSeconds = 0;
  if (off && off !== "Z") {
    const om = /^([+-])(\d{2}):?(\d{2})$/.exec(off);
    const [oh, omin] = [Number(om?.[2]), Number(om?.[3])];
    if (!om || oh > 14 || omin > 59) return "has an impossible UTC offset";
    offsetSeconds = (om[1] === "-" ? -1 : 1) * (oh * 3600 + omin * 60);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetSeconds;
  return end && hh === undefined ? utc + 86_399 : utc;
}

const timeParam = (end: boolean) =>
  z
    .string()
    .transform((s, ctx) => {
      const v = /^\d{1,12}$/.test(s) ? Number(s) : isoSeconds(s, end);
      if (typeof v === "string") {
        ctx.addIssue({ code: "custom", message: v });
        return z.NEVER;
      }
      return v;
    })
    .pipe(z.number().int().min(0, "must not be before 1970"))
    .meta({ description: `unix seconds, or ISO 8601 read in UTC unless it carries an offset${end ? "; a bare date includes that whole day" : ""}` });
export const MilestonesQuery = z.strictObject({ from: timeParam(false).optional(), to: timeParam(true).optional(), limit: Limit, cursor: Cursor.optional() });
export const EvidenceQuery = z.strictObject({
  anchorer: AddressParam.optional().meta({ description: "count only this party's anchors (as EvidenceAnchor.verify(anchorer, ...) does)" }),
  root: Bytes32.optional(),
  proof: z
    .string()
    .max(66 * 64, "is too long")
    .transform((s) => (s === "" ? [] : s.split(",")))
    .pipe(z.array(Bytes32).max(64, "has more than 64 hashes"))
    .optional()
    .meta({ description: "a Merkle proof of the hash under `root` (comma-separated hashes); requires `root`" }),
});

// ─── Responses ─────────────────────────────────────────────────────────────────────────

const asOf = { asOfBlock: BlockNumber.meta({ description: "the last indexed block this answer reflects" }) };
const page = { nextCursor: z.string().nullable().meta({ description: "pass as `cursor` for the next page; null at the end" }) };
/** Every list's page: `cursor` while more may follow, `partial` when the page stopped at the bound of keys examined. */
const listPage = {
  ...page,
  cursor: z.string().nullable().meta({ description: "pass back as `cursor` for the next page; null when there is no more (the same as nextCursor)" }),
  partial: z.boolean().meta({
    description: "true when the request stopped at the bound of index keys examined per request before `limit` matches: follow `cursor` for the rest",
  }),
};

export const Health = z
  .object({
    status: z.enum(["ok", "syncing", "degraded", "halted"]),
    serving: z.boolean().meta({ description: "false (and HTTP 503) when the indexer halted or lag exceeds maxLagBlocks: take the replica out of rotation" }),
    chainId: z.number().int(),
    node: z.string().meta({ description: "the node followed: scheme and host only (its path, query and credentials may hold a provider key)" }),
    head: BlockNumber.nullable().meta({ description: "the node's latest block, as last seen" }),
    indexedBlock: BlockNumber.nullable(),
    digest: z
      .string()
      .nullable()
      .meta({ description: "the state digest at indexedBlock: equal on every replica at the same block; null for an index written before digests" }),
    lag: z.number().int().nullable().meta({ description: "head − indexedBlock, in blocks" }),
    maxLagBlocks: z.number().int().meta({ description: "the lag beyond which this replica reports itself out of service (DRL_MAX_LAG_BLOCKS)" }),
    confirmations: z.number().int(),
    deployBlock: BlockNumber,
    contracts: z.record(z.string(), Address),
    modules: z
      .object({ compliance: Address, licenses: Address })
      .meta({ description: "the compliance and licence modules the registry consults at the indexed block (its latest ModulesSet)" }),
    lastError: z.string().nullable(),
    ...asOf,
  })
  .meta({ id: "Health" });
export type Health = z.infer<typeof Health>;

export const Ready = z
  .object({
    ready: z.boolean(),
    reason: z.string().nullable().meta({ description: "why this replica cannot serve, when it cannot" }),
    indexedBlock: BlockNumber.nullable(),
  })
  .meta({ id: "Ready" });
export type Ready = z.infer<typeof Ready>;

export const Party = z.object({ address: Address, name: z.string().nullable() }).meta({ id: "Party" });

export const OpenObjection = z
  .object({
    id: DecimalId,
    claimant: Address,
    evidenceHash: Bytes32,
    filed: Where,
    admitted: z
      .object({ by: Address, at: Where })
      .nullable()
      .meta({ description: "the registrar's or a court's admission: while an admitted objection is open the asset is disputed" }),
  })
  .meta({ id: "OpenObjection" });

export const CourtHold = z
  .object({ caseHash: Bytes32, court: Address, placed: Where })
  .meta({ id: "CourtHold", description: "one court's hold (查封) for one case; the asset is frozen while any is active" });

export const Pledge = z
  .object({
    id: DecimalId,
    state: z.enum(PLEDGE_STATUS),
    pledgor: Address.meta({ description: "the current pledgor (a carried pledge binds the new holder)" }),
    pledgee: Address,
    securedAmount: Amount,
    currency: z.string(),
    dueDate: UnixTime,
    registryRefHash: Bytes32,
    proposed: Where,
    activated: Where.nullable(),
    carried: z
      .array(z.object({ from: Address, to: Address, caseHash: Bytes32, at: Where }))
      .meta({ description: "court orders that moved the asset and carried the pledge to its new holder" }),
    ended: z
      .object({ at: Where, by: Address.nullable(), byCourt: z.boolean(), caseHash: Bytes32.nullable() })
      .nullable()
      .meta({ description: "withdrawn, released, enforced or discharged (by a court order that moved or cancelled the asset)" }),
  })
  .meta({ id: "Pledge" });
export type Pledge = z.infer<typeof Pledge>;

export const Listing = z
  .object({
    exchange: Address,
    holder: Address.meta({ description: "the holder whose sell order was listed" }),
    listingRefHash: Bytes32,
    orderHash: Bytes32,
    listed: Where,
    live: z.boolean().meta({ description: "the listing holder still holds the registered asset; a listing lapses when the holder changes" }),
  })
  .meta({ id: "Listing" });

export const Clearance = z
  .object({ recipient: Address, validUntil: UnixTime, mechanism: z.enum(EXPORT_MECHANISM), routeHash: Bytes32, regulator: Address })
  .meta({ id: "Clearance", description: "a cross-border clearance keyed to one recipient" });

export const Asset = z
  .object({
    id: DecimalId,
    registrationNumber: z.string().nullable(),
    name: z.string().meta({ description: "the asset's name, as in its application" }),
    status: z.enum(ASSET_STATUS),
    holder: Party.nullable().meta({ description: "the applicant while the application is pending, then the holding-right holder; null once refused or cancelled" }),
    applicant: Party,
    kind: z.enum(ASSET_KIND),
    productForm: z.enum(PRODUCT_FORM),
    category: z.enum(DATA_CATEGORY),
    rights: z.array(z.enum(RIGHTS)),
    sourceType: z.enum(SOURCE_TYPE),
    grade: z.enum(SECURITY_GRADE),
    personalInfo: z.enum(PERSONAL_INFO),
    registrantType: z.enum(MEMBER_TYPE),
    validUntil: UnixTime,
    contentHash: Bytes32,
    sourceEvidenceHash: Bytes32,
    metadataHash: Bytes32,
    metadataUri: z.string(),
    metadataVersion: z.number().int(),
    parents: z.array(DecimalId),
    parentLicenses: z.array(z.string()),
    commitment: Bytes32.meta({ description: "the commitment the application revealed" }),
    applied: Where,
    publicityEnd: UnixTime.nullable(),
    confirmed: z.object({ by: Address, at: UnixTime }).nullable(),
    refused: z.object({ by: Address, reasonHash: Bytes32 }).nullable(),
    cancelled: z.object({ by: Address, lastHolder: Address, reasonHash: Bytes32, at: UnixTime }).nullable(),
    objectionsOpen: z.boolean().meta({ description: "an objection is open (a pending application waits for its ruling)" }),
    disputed: z.boolean().meta({ description: "an admitted objection is open: no transfer, licence or pledge" }),
    openObjections: z.number().int(),
    admittedObjections: z.number().int(),
    objections: z.array(OpenObjection).meta({ description: "the open objections, admitted or not" }),
    frozen: z.boolean(),
    holds: z.array(CourtHold).meta({ description: "every active court hold, per case" }),
    pledged: z.boolean(),
    pledges: z.array(Pledge).meta({ description: "every pledge of the asset, in id order" }),
    expired: z.boolean().meta({ description: "validUntil is before the time of asOfBlock" }),
    listing: Listing.nullable(),
    crossBorderClearances: z.array(Clearance),
    sandboxApproval: z.object({ validUntil: UnixTime, approvalHash: Bytes32, regulator: Address }).nullable(),
    deidentificationReview: z
      .object({ passed: z.boolean(), reportHash: Bytes32, regulator: Address })
      .nullable()
      .meta({ description: "the review of this content hash for this applicant" }),
    milestones: z.array(z.enum(MILESTONE)).meta({ description: "the firsts the asset holds (annulled ones excluded)" }),
    annulledMilestones: z.array(z.enum(MILESTONE)).meta({ description: "firsts annulled by the registrar and not recorded again" }),
    latestValuation: z
      .object({ valuationId: DecimalId, value: Amount, currency: z.string(), method: z.string(), valuationDate: UnixTime, evaluator: Address })
      .nullable(),
    updated: Where,
  })
  .meta({ id: "Asset" });
export type Asset = z.infer<typeof Asset>;
export const AssetResponse = Asset.extend(asOf).meta({ id: "AssetResponse" });
export type AssetResponse = z.infer<typeof AssetResponse>;

export const AssetSummary = Asset.pick({
  id: true,
  registrationNumber: true,
  name: true,
  status: true,
  holder: true,
  kind: true,
  category: true,
  grade: true,
  rights: true,
  validUntil: true,
  contentHash: true,
  metadataUri: true,
}).meta({ id: "AssetSummary" });
export const AssetList = z.object({ items: z.array(AssetSummary), ...listPage, ...asOf }).meta({ id: "AssetList" });
export type AssetList = z.infer<typeof AssetList>;

export const HistoryEvent = Where.extend({
  contract: z.string().meta({ description: "the ledger contract that emitted it (registry, office, licenses, ...)" }),
  event: z.string(),
  actor: Address.nullable(),
  summary: z.string().meta({ description: "plain-language account of what happened" }),
  args: z.record(z.string(), z.json()).meta({ description: "the event's fields as decoded from the log" }),
}).meta({ id: "HistoryEvent" });
export type HistoryEvent = z.infer<typeof HistoryEvent>;
export const History = z.object({ assetId: DecimalId, items: z.array(HistoryEvent), ...listPage, ...asOf }).meta({ id: "History" });
export type History = z.infer<typeof History>;

export const Lineage = z
  .object({
    assetId: DecimalId,
    nodes: z.array(z.object({ id: DecimalId, registrationNumber: z.string().nullable(), status: z.enum(ASSET_STATUS), depth: z.number().int() })),
    edges: z.array(z.object({ parent: DecimalId, child: DecimalId, parentLicense: z.string() })),
    truncated: z.boolean().meta({ description: "the walk stopped at 500 nodes or 2,000 links read: more ancestors or descendants exist" }),
    ...asOf,
  })
  .meta({ id: "Lineage" });
export type Lineage = z.infer<typeof Lineage>;

export const LicenseState = z.enum(LICENSE_STATE);
export const License = z
  .object({
    id: DecimalId,
    module: Address.meta({ description: "the licence registry that granted it (the registry's licence module)" }),
    assetId: DecimalId,
    parentId: DecimalId.nullable(),
    depth: z.number().int(),
    licensor: Party,
    licensee: Party,
    rights: z.array(z.enum(RIGHTS)),
    territory: z.enum(TERRITORY),
    start: UnixTime,
    end: UnixTime,
    sublicensable: z.boolean(),
    revocable: z.boolean().meta({ description: "granted as revocable: the licensor may revoke it alone" }),
    scopeHash: Bytes32,
    termsHash: Bytes32,
    feeAmount: Amount,
    feeCurrency: z.string(),
    viaOffer: z.boolean(),
    granted: Where,
    revoked: z.object({ by: Address, reasonHash: Bytes32, byCourt: z.boolean(), withConsent: z.boolean(), at: UnixTime }).nullable(),
    ended: z
      .object({ cause: z.enum(LICENSE_END_CAUSE), caseHash: Bytes32.nullable(), at: Where })
      .nullable()
      .meta({ description: "closed after it lapsed, or ended by the asset's cancellation" }),
    state: LicenseState.meta({
      description: "LicenseRegistry.stateOf at the time of asOfBlock: suspended while the asset is graded core or a cross-border licensee's clearance is gone; parentEnded when a parent is not in force",
    }),
    sublicenses: z.array(DecimalId),
  })
  .meta({ id: "License" });
export type License = z.infer<typeof License>;
export const LicenseResponse = License.extend(asOf).meta({ id: "LicenseResponse" });
export const AssetLicenses = z
  .object({
    assetId: DecimalId,
    active: z.array(License),
    ended: z.array(License),
    truncated: z.boolean().meta({ description: "more licences follow (in id order) than this page's `limit`: pass `cursor` for them" }),
    cursor: z.string().nullable().meta({ description: "pass back as `cursor` for the next licences; null at the end" }),
    ...asOf,
  })
  .meta({
    id: "AssetLicenses",
    description: "the asset's licences in id order, `limit` (default 200) at a time (active: active, notStarted or suspended; ended: the rest); sublicence chains via parentId and sublicenses",
  });
export type AssetLicenses = z.infer<typeof AssetLicenses>;

export const HolderAt = z
  .object({
    assetId: DecimalId,
    atBlock: BlockNumber,
    holder: Party.nullable().meta({ description: "null before the asset was registered or after it was cancelled" }),
    since: Where.nullable().meta({ description: "the change of holder that made it so" }),
    ...asOf,
  })
  .meta({ id: "HolderAt" });
export type HolderAt = z.infer<typeof HolderAt>;

export const ReasonItem = z.object({
  code: z.enum(REASON),
  party: Address.nullable().meta({ description: "the party it concerns (holder, membership, cross-border), if any" }),
  message: z.string(),
});
export const Tradability = z
  .object({
    assetId: DecimalId,
    seller: Address.nullable(),
    buyer: Address,
    rights: z.enum(RIGHTS),
    territory: z.enum(TERRITORY),
    sublicense: z.boolean(),
    tradable: z.boolean(),
    reasons: z.array(ReasonItem).meta({
      description: "every failed check, in the contracts' order; the codes are the contracts' full reason set and the first is what the pre-trade check answers",
    }),
    chain: z
      .object({
        reason: z.enum(REASON).meta({ description: "transferCheck / licenseCheck: the first failing check" }),
        reasons: z.array(z.enum(REASON)).meta({ description: "transferReasons / licenseReasons: the bit set, as codes in the evaluation order" }),
        bits: Amount.meta({ description: "the bit set itself (bit r for Reason r)" }),
        atBlock: BlockNumber,
        agrees: z.boolean().meta({ description: "the index's set of codes equals the contracts' bit set, and the first reasons match" }),
      })
      .nullable()
      .meta({ description: "with confirm=chain: the contracts' pre-trade views, called at asOfBlock" }),
    ...asOf,
  })
  .meta({ id: "Tradability" });
export type Tradability = z.infer<typeof Tradability>;

export const Member = z
  .object({
    address: Address,
    name: z.string(),
    orgIdHash: Bytes32,
    memberType: z.enum(MEMBER_TYPE),
    jurisdiction: z.enum(JURISDICTION),
    status: z.enum(MEMBER_STATUS).exclude(["none"]),
    admitted: Where,
    admittedBy: Address,
    suspension: z.object({ reasonHash: Bytes32, by: Address, at: UnixTime }).nullable(),
    rebound: z
      .object({ from: Address.nullable(), to: Address.nullable(), reasonHash: Bytes32, by: Address, at: Where })
      .nullable()
      .meta({ description: "a key rotation: `to` on the retired account, `from` on the account that took over" }),
    ...asOf,
  })
  .meta({ id: "Member" });
export type Member = z.infer<typeof Member>;
export const MemberAssets = z.object({ address: Address, items: z.array(AssetSummary), ...listPage, ...asOf }).meta({ id: "MemberAssets" });

/** An incentive the bureau recorded for a first (IncentiveRegistry.IncentiveRecorded). */
export const Incentive = Where.extend({
  level: z.enum(INCENTIVE_LEVEL),
  amount: Amount.meta({ description: "in the currency's minor unit (fen for CNY)" }),
  currency: z.string().regex(/^[A-Z]{3}$/).meta({ description: "ISO 4217" }),
  evidenceHash: Bytes32,
  bureau: Address,
  revoked: z
    .object({ by: Address, reasonHash: Bytes32, at: Where })
    .nullable()
    .meta({ description: "withdrawn by the bureau (recorded in error): it counts for nothing" }),
}).meta({ id: "Incentive" });
export type Incentive = z.infer<typeof Incentive>;

export const MilestoneItem = Where.extend({
  assetId: DecimalId,
  kind: z.enum(MILESTONE),
  enterprise: Address,
  attester: Address,
  at: UnixTime,
  evidenceHash: Bytes32.nullable(),
  detail: z.number().int(),
  annulled: z
    .object({ by: Address, reasonHash: Bytes32, at: Where })
    .nullable()
    .meta({ description: "annulled by the registrar: the first earns nothing (a later event may record it again)" }),
  incentives: z.array(Incentive).meta({ description: "the incentives the bureau recorded for this first, oldest first" }),
}).meta({ id: "MilestoneItem" });
export type MilestoneItem = z.infer<typeof MilestoneItem>;
export const MemberMilestones = z
  .object({
    address: Address,
    from: UnixTime.nullable(),
    to: UnixTime.nullable(),
    timeZone: z.literal("UTC").optional().meta({ description: "dates without an offset in from/to were read in this time zone (a bare `to` date includes that whole day)" }),
    items: z.array(MilestoneItem),
    ...listPage,
    ...asOf,
  })
  .meta({ id: "MemberMilestones" });
export type MemberMilestones = z.infer<typeof MemberMilestones>;
export const MemberLicenses = z
  .object({ address: Address, items: z.array(License), ...listPage, ...asOf })
  .meta({ id: "MemberLicenses", description: "licences (and sublicences) granted to this member as licensee, newest first" });
export type MemberLicenses = z.infer<typeof MemberLicenses>;

/** A ratio of the matching-fund rule: a decimal such as "1" or "0.5" (at most 4 decimals). */
const Ratio = z.string().regex(/^(0|[1-9]\d{0,5})(\.\d{1,4})?$/, "must be a decimal ratio such as 1 or 0.5 (at most 4 decimals)");
/**
 * The pilot zone's matching-fund rule (deployments/config/matching-funds.json): for each
 * incentive an enterprise received for a first, matching funds at the level's ratio, up to a
 * cap per enterprise. Configuration, because the zone adjusts it.
 */
export const MatchingRule = z
  .strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as CNY"),
    minorUnitDigits: z.number().int().min(0).max(4),
    ratios: z.strictObject({ national: Ratio, municipal: Ratio }),
    capPerEnterprise: z.string().regex(/^(0|[1-9]\d{0,15})(\.\d{1,4})?$/, "must be an amount in the currency's major unit, such as 1000000"),
    policy: z.string().min(1).max(500).meta({ description: "the policy the parameters come from, as the bureau cites it" }),
  })
  .meta({ id: "MatchingRule" });
export type MatchingRule = z.infer<typeof MatchingRule>;

/** GET /v1/config: what a browser needs beside the API (the portal reads it). */
export const PortalConfig = z
  .object({
    chain: z.object({ network: z.string(), chainId: z.number().int().positive(), deployBlock: BlockNumber, addresses: z.record(z.string(), Address) }),
    browserRpcUrl: z.string().nullable().meta({ description: "a JSON-RPC endpoint browsers may call directly to verify certificates; null: verify through POST /v1/verify" }),
    matchingRule: MatchingRule,
  })
  .meta({ id: "PortalConfig" });
export type PortalConfig = z.infer<typeof PortalConfig>;

export const EvidenceAnchorInfo = z
  .object({
    root: Bytes32,
    anchorer: Address,
    itemCount: z.number().int(),
    manifestHash: Bytes32,
    anchored: Where,
    revoked: z
      .object({
        reasonHash: Bytes32,
        at: UnixTime,
        block: BlockNumber.nullable().meta({ description: "the revocation's block (null in an index built before it was recorded)" }),
        tx: Bytes32.nullable(),
      })
      .nullable(),
  })
  .meta({ id: "EvidenceAnchorInfo", description: "one party's anchor of a root (anchors are keyed by anchorer and root)" });
const IsoUtc = z.string().meta({ description: "ISO 8601 in UTC, e.g. 2026-05-01T02:03:04Z" });
const IsoBeijing = z.string().meta({ description: "ISO 8601 in Beijing time, e.g. 2026-05-01T10:03:04+08:00" });
export const EvidenceDeposit = z
  .object({
    deposited: z.boolean().meta({ description: "the hash was deposited: a root anchored by `anchorer`, or an item a valid proof leads to under such a root (revoked or not)" }),
    root: Bytes32,
    anchorer: Address,
    anchorerName: z.string().nullable().meta({ description: "the anchorer's member name (null if not a member)" }),
    block: BlockNumber,
    tx: Bytes32,
    blockTime: UnixTime,
    blockTimeUtc: IsoUtc,
    blockTimeBeijing: IsoBeijing,
    revoked: z.boolean(),
    revocation: z
      .object({ block: BlockNumber.nullable(), tx: Bytes32.nullable(), time: UnixTime, timeUtc: IsoUtc, timeBeijing: IsoBeijing, reasonHash: Bytes32 })
      .nullable(),
  })
  .meta({
    id: "EvidenceDeposit",
    description: "the court form: which deposit holds the hash (of `anchorer` if given; else the earliest unrevoked one, else the earliest), by whom, at what block and block time, and whether it was revoked",
  });
export const Evidence = z
  .object({
    hash: Bytes32,
    anchored: z.boolean().meta({ description: "the hash is a root with an unrevoked anchor, or proven to be an item under one (of `anchorer`, if given)" }),
    anchors: z.array(EvidenceAnchorInfo).meta({ description: "every party's anchor of the hash as a root (of `anchorer` only, if given)" }),
    inRoot: z
      .object({ root: Bytes32, anchors: z.array(EvidenceAnchorInfo) })
      .nullable()
      .meta({ description: "with a proof: the root it was checked against (`root`, which a proof requires) and its anchors" }),
    proofValid: z.boolean().nullable(),
    deposit: EvidenceDeposit.nullable().meta({ description: "the court form of the answer (null when no anchor holds the hash)" }),
    references: z.array(Where.extend({ event: z.string(), assetId: DecimalId.nullable(), field: z.string() })).meta({
      description: "ledger events that cite this hash (source evidence, milestone evidence, reports...), oldest first, at most 200",
    }),
    anchorsTruncated: z.boolean().meta({ description: "more than 200 parties anchored the hash: `anchors` (and inRoot's) hold the first 200 by address" }),
    referencesTruncated: z.boolean().meta({ description: "more than 200 events cite the hash: `references` holds the oldest 200" }),
    ...asOf,
  })
  .meta({ id: "Evidence" });
export type Evidence = z.infer<typeof Evidence>;

// ─── Reused enums, for clients ─────────────────────────────────────────────────────────

export { ASSET_STATUS, DATA_CATEGORY, DELIVERY_MODE, LICENSE_STATE, MEMBER_STATUS, MILESTONE, PLEDGE_STATUS, REASON, RIGHTS, SECURITY_GRADE, TERRITORY };
