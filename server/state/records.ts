/**
 * What the indexer stores per entity. Enum fields hold the names from sdk/api/enums.ts; parties
 * are checksummed addresses (names are joined in when a response is built).
 */
import type { Where } from "../../sdk/api/schemas";
import type { PlainArgs } from "../indexer/decode";

export interface StoredAsset {
  id: string;
  registrationNumber: string | null;
  status: string;
  holder: string | null;
  applicant: string;
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
  applied: Where;
  publicityEnd: number | null;
  confirmed: { by: string; at: number } | null;
  refused: { by: string; reasonHash: string } | null;
  cancelled: { by: string; lastHolder: string; reasonHash: string; at: number } | null;
  openObjections: number;
  frozen: boolean;
  pledged: boolean;
  listing: { exchange: string; listingRefHash: string } | null;
  milestones: string[];
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

export interface StoredHolder extends Where {
  holder: string | null;
}

export interface StoredLicense {
  id: string;
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
  scopeHash: string;
  termsHash: string;
  feeAmount: string;
  feeCurrency: string;
  viaOffer: boolean;
  granted: Where;
  revoked: { by: string; reasonHash: string; byCourt: boolean; at: number } | null;
  sublicenses: string[];
}

export interface StoredMember {
  address: string;
  name: string;
  orgIdHash: string;
  memberType: string;
  jurisdiction: string;
  status: "active" | "suspended";
  admitted: Where;
  admittedBy: string;
  suspension: { reasonHash: string; by: string; at: number } | null;
}

export interface StoredMilestone extends Where {
  assetId: string;
  kind: string;
  enterprise: string;
  attester: string;
  at: number;
  evidenceHash: string | null;
  detail: number;
}

export interface StoredAnchor {
  root: string;
  anchorer: string;
  itemCount: number;
  manifestHash: string;
  anchored: Where;
  revoked: { reasonHash: string; at: number } | null;
}

export interface StoredEvidenceRef extends Where {
  event: string;
  assetId: string | null;
  field: string;
}

export interface StoredClearance {
  validUntil: number;
  mechanism: number;
  routeHash: string;
}

export interface StoredSandbox {
  validUntil: number;
  approvalHash: string;
}

export interface StoredDeidentification {
  passed: boolean;
  reportHash: string;
  regulator: string;
}

/** Pledges, objections, trades and valuations: the event's fields plus a lifecycle state. */
export interface StoredCase extends Where {
  id: string;
  assetId: string;
  state: string;
  fields: PlainArgs;
}
