/**
 * What the index stores per entity: the value side of the storage schema (the keys are in
 * keys.ts). Enum fields hold the names from sdk/api/enums.ts; parties are checksummed
 * addresses (names are joined in when a response is built). The writer (server/indexer) and
 * the read path (server/state) both depend on this file, never on each other.
 */
import type { Where } from "../../sdk/api/schemas";

/** A decoded event field: addresses checksummed, hashes lower-case, small ints as numbers, large ones as decimal strings. */
export type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };
export type PlainArgs = Record<string, Plain>;

export interface StoredOpenObjection {
  id: string;
  claimant: string;
  evidenceHash: string;
  filed: Where;
  admitted: { by: string; at: Where } | null;
}

export interface StoredHold {
  caseHash: string;
  court: string;
  placed: Where;
}

export interface StoredListing {
  exchange: string;
  holder: string;
  listingRefHash: string;
  orderHash: string;
  listed: Where;
}

export interface StoredAsset {
  id: string;
  registrationNumber: string | null;
  status: string;
  holder: string | null;
  applicant: string;
  name: string;
  kind: string;
  productForm: string;
  category: string;
  rightsBits: number;
  sourceType: string;
  grade: string;
  personalInfo: string;
  registrantType: string;
  validUntil: number;
  contentHash: string;
  sourceEvidenceHash: string;
  metadataHash: string;
  metadataUri: string;
  metadataVersion: number;
  parents: string[];
  parentLicenses: string[];
  commitment: string;
  applied: Where;
  publicityEnd: number | null;
  confirmed: { by: string; at: number } | null;
  refused: { by: string; reasonHash: string } | null;
  cancelled: { by: string; lastHolder: string; reasonHash: string; at: number } | null;
  /** The registry's flags (DisputeFlagsChanged): what its rule reads. */
  objectionsOpen: boolean;
  disputed: boolean;
  /** The open objections (DisputeResolution's events). */
  objections: StoredOpenObjection[];
  frozen: boolean;
  holds: StoredHold[];
  pledged: boolean;
  listing: StoredListing | null;
  milestones: string[];
  annulledMilestones: string[];
  latestValuation: {
    valuationId: string;
    value: string;
    currency: string;
    method: string;
    valuationDate: number;
    evaluator: string;
  } | null;
  updated: Where;
}

export interface StoredHistoryEvent extends Where {
  contract: string;
  event: string;
  actor: string | null;
  summary: string;
  args: PlainArgs;
}

export interface StoredSystemEvent extends Where {
  contract: string;
  event: string;
  args: PlainArgs;
}

export interface StoredHolder extends Where {
  holder: string | null;
}

export interface StoredLicense {
  id: string;
  /** The licence registry (module) that granted it, lower case. */
  module: string;
  assetId: string;
  parentId: string | null;
  depth: number;
  licensor: string;
  licensee: string;
  rightsBits: number;
  territory: string;
  start: number;
  end: number;
  sublicensable: boolean;
  revocable: boolean;
  scopeHash: string;
  termsHash: string;
  feeAmount: string;
  feeCurrency: string;
  viaOffer: boolean;
  granted: Where;
  revoked: { by: string; reasonHash: string; byCourt: boolean; withConsent: boolean; at: number } | null;
  ended: { cause: string; caseHash: string | null; at: Where } | null;
  sublicenses: string[];
}

export interface StoredMember {
  address: string;
  name: string;
  orgIdHash: string;
  memberType: string;
  jurisdiction: string;
  status: "active" | "suspended" | "retired";
  admitted: Where;
  admittedBy: string;
  suspension: { reasonHash: string; by: string; at: number } | null;
  rebound: { from: string | null; to: string | null; reasonHash: string; by: string; at: Where } | null;
}

export interface StoredMilestone extends Where {
  assetId: string;
  kind: string;
  enterprise: string;
  attester: string;
  at: number;
  evidenceHash: string | null;
  detail: number;
  annulled: { by: string; reasonHash: string; at: Where } | null;
  /** The incentives the bureau recorded for this recording of the first (absent: none). */
  incentives?: StoredIncentive[];
}

export interface StoredIncentive extends Where {
  level: "national" | "municipal";
  amount: string;
  currency: string;
  evidenceHash: string;
  bureau: string;
  revoked: { by: string; reasonHash: string; at: Where } | null;
}

/** Where the latest incentive of a first at a level is: its first's record, and its index there. */
export interface StoredIncentivePointer {
  key: string;
  index: number;
}

/** Where the current record of an asset's first is. */
export interface StoredMilestonePointer {
  /** Its K.milestone key. */
  key: string;
}

export interface StoredAnchor {
  root: string;
  anchorer: string;
  itemCount: number;
  manifestHash: string;
  anchored: Where;
  /** block and tx: absent in an index built before they were recorded. */
  revoked: { reasonHash: string; at: number; block?: number; tx?: string } | null;
}

export interface StoredEvidenceRef extends Where {
  event: string;
  assetId: string | null;
  field: string;
}

export interface StoredClearance {
  recipient: string;
  validUntil: number;
  mechanism: string;
  routeHash: string;
  regulator: string;
}

export interface StoredSandbox {
  validUntil: number;
  approvalHash: string;
  regulator: string;
}

export interface StoredDeidentification {
  passed: boolean;
  reportHash: string;
  regulator: string;
}

export interface StoredObjection {
  id: string;
  assetId: string;
  claimant: string;
  evidenceHash: string;
  state: string;
  filed: Where;
  admitted: { by: string; at: Where } | null;
  closed: { at: Where; ruling: string | null; decisionHash: string | null; adjudicator: string | null } | null;
}

export interface StoredPledge {
  id: string;
  assetId: string;
  state: string;
  pledgor: string;
  pledgee: string;
  securedAmount: string;
  currency: string;
  dueDate: number;
  registryRefHash: string;
  proposed: Where;
  activated: Where | null;
  carried: { from: string; to: string; caseHash: string; at: Where }[];
  ended: { at: Where; by: string | null; byCourt: boolean; caseHash: string | null } | null;
}

/** Trades and valuations: the event's fields plus a lifecycle state. */
export interface StoredCase extends Where {
  id: string;
  assetId: string;
  state: string;
  fields: PlainArgs;
}

/** The registry's current compliance and licence modules (lower case), from its latest ModulesSet. */
export interface StoredModules {
  compliance: string;
  licenses: string;
}
