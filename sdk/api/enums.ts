/**
 * The ledger's enums by name, in the contracts' order (contracts/common/DataTypes.sol): index
 * i of each tuple is the uint8 value i in the ABI. Shared by the indexer, the API and the SDK.
 */
export const ASSET_STATUS = ["none", "applied", "publicity", "registered", "refused", "cancelled"] as const;
export const ASSET_KIND = ["resource", "product"] as const;
export const PRODUCT_FORM = ["none", "dataset", "report", "api", "model", "index"] as const;
export const DATA_CATEGORY = ["public", "enterprise", "personal"] as const;
export const SOURCE_TYPE = ["selfCollected", "licensed", "purchased", "publicAuthorisation", "derived"] as const;
export const SECURITY_GRADE = ["general", "important", "core"] as const;
export const PERSONAL_INFO = ["none", "deIdentified", "anonymised"] as const;
export const MEMBER_TYPE = ["enterprise", "publicBody", "dataProductCompany", "other"] as const;
export const JURISDICTION = ["domestic", "foreign"] as const;
export const TERRITORY = ["domestic", "crossBorder"] as const;
export const MILESTONE = ["registration", "listing", "trade", "financialStatements", "opening", "financing"] as const;
export const DELIVERY_MODE = ["plaintext", "privacyComputing", "api", "sandbox"] as const;
export const VALUATION_METHOD = ["cost", "market", "income"] as const;
export const RULING = ["dismiss", "cancel", "transferToClaimant", "compensate"] as const;
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
] as const;
/** The three rights (三权分置) and their bits in the contracts' `rights` field. */
export const RIGHTS = ["holding", "processing", "operation"] as const;
export const RIGHT_BIT = { holding: 1, processing: 2, operation: 4 } as const;

export type AssetStatusName = (typeof ASSET_STATUS)[number];
export type ReasonName = (typeof REASON)[number];
export type RightName = (typeof RIGHTS)[number];

/** The name of enum value `value` in `names`, or `unknown(<value>)` for a value appended later. */
export function enumName<T extends readonly string[]>(names: T, value: number | bigint): T[number] {
  const name = names[Number(value)];
  return (name ?? `unknown(${value})`) as T[number];
}

/** The rights named in a bit set. */
export function rightsOf(bits: number): RightName[] {
  return RIGHTS.filter((r) => (bits & RIGHT_BIT[r]) !== 0);
}
