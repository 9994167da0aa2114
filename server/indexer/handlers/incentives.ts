/**
 * IncentiveRegistry: the incentives the pilot zone's bureau recorded for firsts. Each is kept
 * on the record of the first it was paid for (the current one: the contract refuses an
 * incentive for a first that is not recorded or was annulled), so the milestone report carries
 * them and the matching-fund claim (sdk/incentives/claim.ts) is computed from one answer.
 */
import { INCENTIVE_LEVEL, MILESTONE, enumName } from "../../../sdk/api/enums";
import type { IncentiveRegistry } from "../../../typechain-types/contracts/incentives/IncentiveRegistry";
import { K } from "../../store/keys";
import type { StoredIncentive, StoredIncentivePointer, StoredMilestone, StoredMilestonePointer } from "../../store/records";
import { currency } from "./common";
import { contract, mustGet, mustPatch } from "./define";

export default contract<IncentiveRegistry>("incentives")
  .on("IncentiveRecorded", {
    fields: { assetId: "dec", kind: "num", level: "num", amount: "dec", currency: "bytes3", evidenceHash: "hash", milestoneAt: "num", bureau: "address" },
    summary: (a, f) =>
      `Bureau ${f.who(a.bureau)} recorded a ${enumName(INCENTIVE_LEVEL, a.level)} incentive of ${a.amount} (minor units) ${currency(a.currency)} for the first ${enumName(MILESTONE, a.kind)}`,
    apply: (a, { db, where }) => {
      const first = mustGet<StoredMilestonePointer>(db, "kind", K.milestoneOf(a.assetId, a.kind));
      const incentive: StoredIncentive = {
        ...where,
        level: enumName(INCENTIVE_LEVEL, a.level),
        amount: a.amount,
        currency: currency(a.currency),
        evidenceHash: a.evidenceHash,
        bureau: a.bureau,
        revoked: null,
      };
      let index = 0;
      mustPatch<StoredMilestone>(db, "kind", first.key, (m) => {
        m.incentives = [...(m.incentives ?? []), incentive];
        index = m.incentives.length - 1;
      });
      const pointer: StoredIncentivePointer = { key: first.key, index };
      db.put(K.incentiveOf(a.assetId, a.kind, a.level), pointer);
    },
  })
  .on("IncentiveRevoked", {
    fields: { assetId: "dec", kind: "num", level: "num", reasonHash: "hash", bureau: "address" },
    summary: (a, f) =>
      `Bureau ${f.who(a.bureau)} withdrew the ${enumName(INCENTIVE_LEVEL, a.level)} incentive for the first ${enumName(MILESTONE, a.kind)} (reason ${f.short(a.reasonHash)}): it counts for nothing`,
    apply: (a, { db, where }) => {
      const pointer = mustGet<StoredIncentivePointer>(db, "level", K.incentiveOf(a.assetId, a.kind, a.level));
      mustPatch<StoredMilestone>(db, "kind", pointer.key, (m) => {
        const i = m.incentives?.[pointer.index];
        if (i) i.revoked = { by: a.bureau, reasonHash: a.reasonHash, at: where };
      });
    },
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
