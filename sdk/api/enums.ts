/**
 * The ledger's enums by name, in the contracts' order (contracts/common/DataTypes.sol and the
 * enums declared inside the contracts): index i of each tuple is the uint8 value i in the ABI.
 * Shared by the indexer, the API and the SDK.
 */
export const ASSET_STATUS = ["none", "applied", "publicity", "registered", "refused", "cancelled"] as const;
export const ASSET_KIND = ["resource", "product"] as const;
export const PRODUCT_FORM = ["none", "dataset", "report", "api", "model", "index"] as const;
export const DATA_CATEGORY = ["public", "enterprise", "personal"] as const;
export const SOURCE_TYPE = ["selfCollected", "licensed", "purchased", "publicAuthorisation", "derived"] as const;
export const SECURITY_GRADE = ["general", "important", "core"] as const;
export const PERSONAL_INFO = ["none", "deIdentified", "anonymised"] as const;
export const MEMBER_TYPE = ["enterprise", "publicBody", "dataProductCompany", "other"] as const;
/** MemberRegistry.MemberStatus; "retired": the organisation was rebound to another account. */
export const MEMBER_STATUS = ["none", "active", "suspended", "retired"] as const;
export const JURISDICTION = ["domestic", "foreign"] as const;
export const TERRITORY = ["domestic", "crossBorder"] as const;
export const MILESTONE = ["registration", "listing", "trade", "financialStatements", "opening", "financing"] as const;
/** IncentiveRegistry.Level: who paid an incentive for a first (the matching-fund rule's ratio per level). */
export const INCENTIVE_LEVEL = ["national", "municipal"] as const;
/** MilestoneRegistry.Treatment (the `detail` of a financial-statements first). */
export const TREATMENT = ["inventory", "intangibleAsset"] as const;
export const DELIVERY_MODE = ["plaintext", "privacyComputing", "api", "sandbox"] as const;
export const VALUATION_METHOD = ["cost", "market", "income"] as const;
export const RULING = ["dismiss", "cancel", "transferToClaimant", "compensate"] as const;
/** DisputeResolution.ObjectionStatus. */
export const OBJECTION_STATUS = ["none", "open", "dismissed", "cancelled", "transferredToClaimant", "compensated", "withdrawn"] as const;
/** PledgeRegistry.PledgeStatus; "discharged": ended by a court order that moved or cancelled the asset. */
export const PLEDGE_STATUS = ["none", "proposed", "active", "released", "enforced", "withdrawn", "discharged"] as const;
/** What a court order that moves a pledged asset does with the pledge (PledgeAction). */
export const PLEDGE_ACTION = ["none", "carry", "discharge"] as const;
/** ComplianceRegistry.ExportMechanism of a cross-border clearance. */
export const EXPORT_MECHANISM = ["securityAssessment", "standardContract", "certification", "exempt"] as const;
/**
 * LicenseRegistry.LicenseState, one to one ("parentEnded" is ParentNotInForce): what
 * `stateOf(id)` answers. The API never answers "none" (an unknown licence is a 404).
 */
export const LICENSE_STATE = ["none", "active", "notStarted", "expired", "revoked", "ended", "assetNotRegistered", "suspended", "parentEnded"] as const;
/** LicenseRegistry.EndCause of `LicenseEnded`. */
export const LICENSE_END_CAUSE = ["lapsed", "assetCancelled"] as const;
/** The pre-trade views' answer (`Reason` in the contracts). */
export const REASON = [
  "OK",
  "NotRegistered",
  "Disputed",
  "Frozen",
  "Pledged",
  "Expired",
  "Cancelled",
  "CoreData",
  "NotMember",
  "CrossBorderNotCleared",
  "NotHolder",
  "RightsNotClaimed",
] as const;
/**
 * The order in which the registry evaluates its checks (DataAssetRegistry.ORDER): the first
 * failing one in this order is what `transferCheck` / `licenseCheck` answer.
 */
export const REASON_ORDER = [
  "Cancelled",
  "NotRegistered",
  "NotHolder",
  "RightsNotClaimed",
  "Expired",
  "CoreData",
  "Frozen",
  "Disputed",
  "Pledged",
  "NotMember",
  "CrossBorderNotCleared",
] as const satisfies readonly Exclude<ReasonName, "OK">[];
/** The three rights (三权分置) and their bits in the contracts' `rights` field. */
export const RIGHTS = ["holding", "processing", "operation"] as const;
export const RIGHT_BIT = { holding: 1, processing: 2, operation: 4 } as const;

export type AssetStatusName = (typeof ASSET_STATUS)[number];
export type ReasonName = (typeof REASON)[number];
export type RightName = (typeof RIGHTS)[number];
export type LicenseStateName = (typeof LICENSE_STATE)[number];

/** The name of enum value `value` in `names`, or `unknown(<value>)` for a value appended later. */
export function enumName<T extends readonly string[]>(names: T, value: number | bigint): T[number] {
  const name = names[Number(value)];
  return (name ?? `unknown(${value})`) as T[number];
}

/** The rights named in a bit set. */
export function rightsOf(bits: number): RightName[] {
  return RIGHTS.filter((r) => (bits & RIGHT_BIT[r]) !== 0);
}

/** The reason codes in a pre-trade bit set (bit `r` for Reason `r`), in the evaluation order. */
export function reasonsOfBits(bits: bigint): Exclude<ReasonName, "OK">[] {
  return REASON_ORDER.filter((r) => (bits >> BigInt(REASON.indexOf(r))) & 1n);
}

/** The bit set of reason codes (the inverse of `reasonsOfBits`). */
export function bitsOfReasons(codes: readonly ReasonName[]): bigint {
  let bits = 0n;
  for (const c of codes) if (c !== "OK") bits |= 1n << BigInt(REASON.indexOf(c));
  return bits;
}

/**
 * Names of the arguments the contracts' shared input errors reject (`Field` in
 * contracts/common/DataTypes.sol): index i is the uint8 value i, so `ZeroHash(5)` is about
 * `reasonHash`. The names are the ABI's argument names.
 */
export const FIELD = [
  "account",
  "orgIdHash",
  "name",
  "memberType",
  "jurisdiction",
  "reasonHash",
  "areaCode",
  "members",
  "registry",
  "compliance",
  "licenses",
  "milestones",
  "disputes",
  "pledges",
  "to",
  "buyer",
  "licensee",
  "pledgee",
  "recipient",
  "kind",
  "productForm",
  "category",
  "rights",
  "sourceType",
  "grade",
  "personalInfo",
  "validUntil",
  "sourceEvidenceHash",
  "contentHash",
  "metadataHash",
  "metadataUri",
  "parents",
  "parentLicenses",
  "publicityPeriod",
  "newValidUntil",
  "evidenceHash",
  "decisionHash",
  "caseHash",
  "ruling",
  "listingRefHash",
  "exchangeRefHash",
  "currency",
  "mode",
  "territory",
  "start",
  "end",
  "scopeHash",
  "termsHash",
  "feeCurrency",
  "reportHash",
  "routeHash",
  "mechanism",
  "approvalHash",
  "treatment",
  "method",
  "value",
  "valuationDate",
  "securedAmount",
  "dueDate",
  "registryRefHash",
  "root",
  "itemCount",
  "commitment",
  "revealWindow",
  "batch",
  "licenseIds",
  "objectionIds",
  "pledgeAction",
  "licenseId",
  "deadline",
  "exchange",
  "baseURI",
  "targets",
  "level",
  "amount",
] as const;
export type FieldName = (typeof FIELD)[number];
