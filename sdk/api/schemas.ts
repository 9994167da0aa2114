/**
 * The provenance API's parameters and responses, as zod schemas: the one definition that the
 * server validates with, the SDK client parses with, and `GET /v1/openapi.json` is generated
 * from. Amounts and ids that may exceed 2^53 are decimal strings; times are unix seconds.
 */
import { checksumAddress } from "../address";
import { z } from "zod";
import {
  ASSET_KIND,
  ASSET_STATUS,
  DATA_CATEGORY,
  DELIVERY_MODE,
  JURISDICTION,
  MEMBER_TYPE,
  MILESTONE,
  PERSONAL_INFO,
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
    }),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof ErrorBody>;

// ─── Queries and parameters ────────────────────────────────────────────────────────────

export const Limit = wholeNumber("a number", 1, 200).default(50);
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
  q: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters").optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type AssetsQuery = z.infer<typeof AssetsQuery>;
export const PageQuery = z.strictObject({ limit: Limit, cursor: Cursor.optional() });
export const HolderQuery = z.strictObject({ atBlock: blockParam });
export const TradabilityQuery = z.strictObject({
  buyer: AddressParam,
  seller: AddressParam.optional().meta({ description: "defaults to the current holder (the licensor, for a licence)" }),
  rights: z.enum(RIGHTS).default("holding"),
  territory: z.enum(TERRITORY).default("domestic").meta({ description: "of a licence; a holding transfer is cross-border when the buyer is foreign" }),
  confirm: z.enum(["chain"]).optional(),
});
export type TradabilityQuery = z.infer<typeof TradabilityQuery>;
const timeParam = z
  .string()
  .refine((s) => /^\d{1,12}$/.test(s) || /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s), "must be unix seconds or an ISO 8601 date")
  .transform((s) => (/^\d+$/.test(s) ? Number(s) : Math.floor(Date.parse(s) / 1000)))
  .pipe(z.number({ error: "must be a valid date" }).int().min(0, "must not be before 1970"));
export const MilestonesQuery = z.strictObject({ from: timeParam.optional(), to: timeParam.optional(), limit: Limit, cursor: Cursor.optional() });
export const EvidenceQuery = z.strictObject({
  root: Bytes32.optional(),
  proof: z
    .string()
    .max(66 * 64, "is too long")
    .transform((s) => (s === "" ? [] : s.split(",")))
    .pipe(z.array(Bytes32).max(64, "has more than 64 hashes"))
    .optional(),
});

// ─── Responses ─────────────────────────────────────────────────────────────────────────

const asOf = { asOfBlock: BlockNumber.meta({ description: "the last indexed block this answer reflects" }) };
const page = { nextCursor: z.string().nullable().meta({ description: "pass as `cursor` for the next page; null at the end" }) };

export const Health = z
  .object({
    status: z.enum(["ok", "syncing", "degraded", "halted"]),
    chainId: z.number().int(),
    head: BlockNumber.nullable().meta({ description: "the node's latest block, as last seen" }),
    indexedBlock: BlockNumber.nullable(),
    lag: z.number().int().nullable().meta({ description: "head − indexedBlock, in blocks" }),
    confirmations: z.number().int(),
    deployBlock: BlockNumber,
    contracts: z.record(z.string(), Address),
    lastError: z.string().nullable(),
    ...asOf,
  })
  .meta({ id: "Health" });
export type Health = z.infer<typeof Health>;

export const Party = z.object({ address: Address, name: z.string().nullable() }).meta({ id: "Party" });

export const Asset = z
  .object({
    id: DecimalId,
    registrationNumber: z.string().nullable(),
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
    applied: Where,
    publicityEnd: UnixTime.nullable(),
    confirmed: z.object({ by: Address, at: UnixTime }).nullable(),
    refused: z.object({ by: Address, reasonHash: Bytes32 }).nullable(),
    cancelled: z.object({ by: Address, lastHolder: Address, reasonHash: Bytes32, at: UnixTime }).nullable(),
    openObjections: z.number().int(),
    disputed: z.boolean(),
    frozen: z.boolean(),
    pledged: z.boolean(),
    expired: z.boolean().meta({ description: "validUntil is before the time of asOfBlock" }),
    listing: z.object({ exchange: Address, listingRefHash: Bytes32 }).nullable(),
    crossBorderClearance: z.object({ validUntil: UnixTime, mechanism: z.number().int(), routeHash: Bytes32 }).nullable(),
    sandboxApproval: z.object({ validUntil: UnixTime, approvalHash: Bytes32 }).nullable(),
    deidentificationReview: z.object({ passed: z.boolean(), reportHash: Bytes32, regulator: Address }).nullable(),
    milestones: z.array(z.enum(MILESTONE)),
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
export const AssetList = z.object({ items: z.array(AssetSummary), ...page, ...asOf }).meta({ id: "AssetList" });
export type AssetList = z.infer<typeof AssetList>;

export const HistoryEvent = Where.extend({
  contract: z.string().meta({ description: "the ledger contract that emitted it (registry, licenses, ...)" }),
  event: z.string(),
  actor: Address.nullable(),
  summary: z.string().meta({ description: "plain-language account of what happened" }),
  args: z.record(z.string(), z.json()).meta({ description: "the event's fields as decoded from the log" }),
}).meta({ id: "HistoryEvent" });
export type HistoryEvent = z.infer<typeof HistoryEvent>;
export const History = z.object({ assetId: DecimalId, items: z.array(HistoryEvent), ...page, ...asOf }).meta({ id: "History" });
export type History = z.infer<typeof History>;

export const Lineage = z
  .object({
    assetId: DecimalId,
    nodes: z.array(z.object({ id: DecimalId, registrationNumber: z.string().nullable(), status: z.enum(ASSET_STATUS), depth: z.number().int() })),
    edges: z.array(z.object({ parent: DecimalId, child: DecimalId, parentLicense: z.string() })),
    truncated: z.boolean(),
    ...asOf,
  })
  .meta({ id: "Lineage" });
export type Lineage = z.infer<typeof Lineage>;

export const LicenseState = z.enum(["active", "notStarted", "ended", "revoked", "parentEnded", "assetNotRegistered"]);
export const License = z
  .object({
    id: DecimalId,
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
    scopeHash: Bytes32,
    termsHash: Bytes32,
    feeAmount: Amount,
    feeCurrency: z.string(),
    viaOffer: z.boolean(),
    granted: Where,
    revoked: z.object({ by: Address, reasonHash: Bytes32, byCourt: z.boolean(), at: UnixTime }).nullable(),
    state: LicenseState.meta({ description: "at the time of asOfBlock, with the chain of parents considered" }),
    sublicenses: z.array(DecimalId),
  })
  .meta({ id: "License" });
export type License = z.infer<typeof License>;
export const LicenseResponse = License.extend(asOf).meta({ id: "LicenseResponse" });
export const AssetLicenses = z
  .object({ assetId: DecimalId, active: z.array(License), ended: z.array(License), ...asOf })
  .meta({ id: "AssetLicenses", description: "every licence of the asset; sublicence chains via parentId and sublicenses" });
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
  party: Address.nullable().meta({ description: "the party it concerns (membership, cross-border), if any" }),
  message: z.string(),
});
export const Tradability = z
  .object({
    assetId: DecimalId,
    seller: Address.nullable(),
    buyer: Address,
    rights: z.enum(RIGHTS),
    territory: z.enum(TERRITORY),
    tradable: z.boolean(),
    reasons: z.array(ReasonItem).meta({ description: "every failed check, in the contracts' order; the first is what the contract answers" }),
    chain: z
      .object({ reason: z.enum(REASON), atBlock: BlockNumber, agrees: z.boolean() })
      .nullable()
      .meta({ description: "with confirm=chain: the contracts' pre-trade view, called at asOfBlock" }),
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
    status: z.enum(["active", "suspended"]),
    admitted: Where,
    admittedBy: Address,
    suspension: z.object({ reasonHash: Bytes32, by: Address, at: UnixTime }).nullable(),
    ...asOf,
  })
  .meta({ id: "Member" });
export type Member = z.infer<typeof Member>;
export const MemberAssets = z.object({ address: Address, items: z.array(AssetSummary), ...page, ...asOf }).meta({ id: "MemberAssets" });

export const MilestoneItem = Where.extend({
  assetId: DecimalId,
  kind: z.enum(MILESTONE),
  enterprise: Address,
  attester: Address,
  at: UnixTime,
  evidenceHash: Bytes32.nullable(),
  detail: z.number().int(),
}).meta({ id: "MilestoneItem" });
export type MilestoneItem = z.infer<typeof MilestoneItem>;
export const MemberMilestones = z
  .object({ address: Address, from: UnixTime.nullable(), to: UnixTime.nullable(), items: z.array(MilestoneItem), ...page, ...asOf })
  .meta({ id: "MemberMilestones" });
export type MemberMilestones = z.infer<typeof MemberMilestones>;

export const EvidenceAnchorInfo = z.object({
  root: Bytes32,
  anchorer: Address,
  itemCount: z.number().int(),
  manifestHash: Bytes32,
  anchored: Where,
  revoked: z.object({ reasonHash: Bytes32, at: UnixTime }).nullable(),
});
export const Evidence = z
  .object({
    hash: Bytes32,
    anchored: z.boolean().meta({ description: "the hash is an anchored, unrevoked root, or proven to be an item under one" }),
    asRoot: EvidenceAnchorInfo.nullable(),
    inRoot: EvidenceAnchorInfo.nullable().meta({ description: "with root and proof: the root the proof leads to" }),
    proofValid: z.boolean().nullable(),
    references: z.array(Where.extend({ event: z.string(), assetId: DecimalId.nullable(), field: z.string() })).meta({
      description: "ledger events that cite this hash (source evidence, milestone evidence, reports...)",
    }),
    ...asOf,
  })
  .meta({ id: "Evidence" });
export type Evidence = z.infer<typeof Evidence>;

// ─── Reused enums, for clients ─────────────────────────────────────────────────────────

export { ASSET_STATUS, DATA_CATEGORY, DELIVERY_MODE, MILESTONE, REASON, RIGHTS, SECURITY_GRADE, TERRITORY };
