/**
 * The contracts' transfer rule (DataAssetRegistry._reasons) evaluated over the index. Like the
 * contracts' bit-set views (transferReasons, licenseReasons) it evaluates every check, so the
 * set of codes is the contracts' set; they are listed in the contracts' evaluation order
 * (REASON_ORDER), so `reasons[0]` is what transferCheck / licenseCheck answer.
 *
 *   - cancelled → Cancelled only; else not registered → NotRegistered only; else
 *     NotHolder (unless a sublicence), RightsNotClaimed, Expired, CoreData, Frozen, Disputed,
 *     Pledged (transfers and pledges only);
 *   - then, always, the parties: NotMember for a seller or buyer that is not active, and
 *     CrossBorderNotCleared when the buyer is active, the act is cross-border or the buyer is
 *     foreign, and no clearance keyed to the buyer is in force.
 */
import { RIGHT_BIT, type ReasonName, type RightName } from "../../sdk/api/enums";
import type { StoredAsset, StoredClearance, StoredMember } from "../store/records";

export interface RuleInput {
  asset: StoredAsset;
  /** The seller: the holder for a holding trade or a holder's licence, the parent licensee for a sublicence. */
  from: string | null;
  to: string;
  fromMember: StoredMember | undefined;
  toMember: StoredMember | undefined;
  /** The clearance keyed to (asset, `to`) in the registry's current compliance module. */
  clearance: StoredClearance | undefined;
  /** Time of the block the answer is for (the contracts compare with block.timestamp). */
  now: number;
  rights: RightName;
  /** The act is cross-border in itself (a cross-border licence). */
  crossBorder: boolean;
  /** A sublicence: the seller is a parent licensee, so the holder check does not apply. */
  sublicense: boolean;
}

export interface Failure {
  code: Exclude<ReasonName, "OK">;
  party: string | null;
  message: string;
}

/** The rights bits a request asks for: 0 for the holding right (transfers and pledges). */
export function rightsBitsOf(rights: RightName): number {
  return rights === "holding" ? 0 : RIGHT_BIT[rights];
}

export function tradabilityReasons(x: RuleInput): Failure[] {
  const out: Failure[] = [];
  const { asset } = x;
  const transfer = x.rights === "holding"; // transfers and pledges are blocked by a pledge; licences are not
  const wanted = rightsBitsOf(x.rights);
  if (asset.status === "cancelled") out.push({ code: "Cancelled", party: null, message: "the registration was cancelled" });
  else if (asset.status !== "registered") out.push({ code: "NotRegistered", party: null, message: `the asset is not registered (status ${asset.status})` });
  else {
    if (!x.sublicense && (x.from === null || asset.holder?.toLowerCase() !== x.from.toLowerCase())) {
      out.push({ code: "NotHolder", party: x.from, message: "the seller does not hold the asset" });
    }
    if ((asset.rightsBits & wanted) !== wanted) {
      out.push({ code: "RightsNotClaimed", party: null, message: `the registration does not claim the ${x.rights} right` });
    }
    if (asset.validUntil < x.now) out.push({ code: "Expired", party: null, message: `the registration expired at ${asset.validUntil}` });
    if (asset.grade === "core") out.push({ code: "CoreData", party: null, message: "core data may not be traded" });
    if (asset.frozen) out.push({ code: "Frozen", party: null, message: `a court holds the asset (${asset.holds.length} hold(s))` });
    if (asset.disputed) {
      const admitted = asset.objections.filter((o) => o.admitted !== null).length;
      out.push({ code: "Disputed", party: null, message: `${admitted} admitted objection(s) open` });
    }
    if (transfer && asset.pledged) out.push({ code: "Pledged", party: null, message: "the asset is pledged" });
  }
  const fromActive = x.fromMember?.status === "active";
  const toActive = x.toMember?.status === "active";
  if (!fromActive) out.push({ code: "NotMember", party: x.from, message: "the seller is not an active member" });
  if (!toActive) out.push({ code: "NotMember", party: x.to, message: "the buyer is not an active member" });
  if (toActive && (x.crossBorder || x.toMember?.jurisdiction === "foreign") && !(x.clearance && x.clearance.validUntil >= x.now)) {
    out.push({ code: "CrossBorderNotCleared", party: x.to, message: "cross-border provision needs the regulator's clearance for this recipient" });
  }
  return out;
}
