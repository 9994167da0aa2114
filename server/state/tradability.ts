/**
 * The contracts' transfer rule (DataAssetRegistry._reason) evaluated over the index. Checks run
 * in the contracts' order; unlike the contracts, which stop at the first failure, this lists
 * every failing check, so `reasons[0]` is what the contract view answers.
 */
import type { ReasonName, RightName } from "../../sdk/api/enums";
import type { StoredAsset, StoredClearance, StoredMember } from "./records";

export interface RuleInput {
  asset: StoredAsset;
  /** The seller: the holder for a holding trade or a holder's licence. */
  from: string | null;
  to: string;
  fromMember: StoredMember | undefined;
  toMember: StoredMember | undefined;
  clearance: StoredClearance | undefined;
  /** Time of the block the answer is for (the contracts compare with block.timestamp). */
  now: number;
  rights: RightName;
  crossBorder: boolean;
}

export interface Failure {
  code: Exclude<ReasonName, "OK">;
  party: string | null;
  message: string;
}

export function tradabilityReasons(x: RuleInput): Failure[] {
  const out: Failure[] = [];
  const { asset } = x;
  const transfer = x.rights === "holding"; // transfers and pledges are blocked by a pledge; licences are not
  if (asset.status === "cancelled") out.push({ code: "Cancelled", party: null, message: "the registration was cancelled" });
  else if (asset.status !== "registered") out.push({ code: "NotRegistered", party: null, message: `the asset is not registered (status ${asset.status})` });
  else {
    if (x.from === null || asset.holder?.toLowerCase() !== x.from.toLowerCase()) {
      out.push({ code: "NotHolder", party: x.from, message: "the seller does not hold the asset" });
    }
    if (asset.validUntil < x.now) out.push({ code: "Expired", party: null, message: `the registration expired at ${asset.validUntil}` });
    if (asset.grade === "core") out.push({ code: "CoreData", party: null, message: "core data may not be traded" });
    if (asset.frozen) out.push({ code: "Frozen", party: null, message: "a court has frozen the asset" });
    if (asset.openObjections > 0) out.push({ code: "Disputed", party: null, message: `${asset.openObjections} objection(s) open` });
    if (transfer && asset.pledged) out.push({ code: "Pledged", party: null, message: "the asset is pledged" });
  }
  // The contracts check the parties only once the asset passes; this list goes on so that a
  // buyer sees everything to fix, and the first entry still matches the contracts.
  if (!x.fromMember || x.fromMember.status !== "active") {
    out.push({ code: "NotMember", party: x.from, message: "the seller is not an active member" });
  }
  if (!x.toMember || x.toMember.status !== "active") {
    out.push({ code: "NotMember", party: x.to, message: "the buyer is not an active member" });
  } else if (x.crossBorder || x.toMember.jurisdiction === "foreign") {
    if (!x.clearance || x.clearance.validUntil < x.now) {
      out.push({ code: "CrossBorderNotCleared", party: x.to, message: "cross-border provision needs the regulator's clearance" });
    }
  }
  return out;
}
