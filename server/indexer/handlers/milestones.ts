/**
 * MilestoneRegistry: the six firsts. The registrar can annul a wrongly recorded first; an
 * annulled first stays on record as annulled, and a later event may record it again.
 */
import { MILESTONE, enumName } from "../../../sdk/api/enums";
import type { MilestoneRegistry } from "../../../typechain-types/contracts/milestones/MilestoneRegistry";
import { K } from "../../store/keys";
import type { StoredMilestone, StoredMilestonePointer } from "../../store/records";
import { hashOrNull, withOnce, without } from "./common";
import { contract, mustGet, mustPatch } from "./define";

export default contract<MilestoneRegistry>("milestones")
  .on("MilestoneRecorded", {
    fields: { assetId: "dec", kind: "num", enterprise: "address", attester: "address", at: "num", evidenceHash: "hash", detail: "num" },
    summary: (a, f) => `First ${enumName(MILESTONE, a.kind)} recorded for ${f.who(a.enterprise)} by ${f.who(a.attester)}`,
    apply: (a, { db, where }) => {
      const kind = enumName(MILESTONE, a.kind);
      const ms: StoredMilestone = {
        ...where,
        assetId: a.assetId,
        kind,
        enterprise: a.enterprise,
        attester: a.attester,
        at: a.at,
        evidenceHash: hashOrNull(a.evidenceHash),
        detail: a.detail,
        annulled: null,
      };
      // Block and log position make the key new (an annulled first recorded again keeps its own record).
      const key = K.milestone(ms.enterprise, ms.at, a.assetId, a.kind, where.block, where.logIndex);
      db.putNew(key, ms);
      const pointer: StoredMilestonePointer = { key };
      db.put(K.milestoneOf(a.assetId, a.kind), pointer);
      db.patchAsset(a.assetId, where, (x) => {
        x.milestones = withOnce(x.milestones, kind);
        x.annulledMilestones = without(x.annulledMilestones, (k) => k === kind);
      });
    },
  })
  .on("MilestoneAnnulled", {
    fields: { assetId: "dec", kind: "num", enterprise: "address", reasonHash: "hash", registrar: "address" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} annulled the first ${enumName(MILESTONE, a.kind)} (reason ${f.short(a.reasonHash)}): it earns nothing`,
    apply: (a, { db, where }) => {
      const kind = enumName(MILESTONE, a.kind);
      // The event names no time (and no enterprise for the registration first): the pointer does.
      const pointer = mustGet<StoredMilestonePointer>(db, "kind", K.milestoneOf(a.assetId, a.kind));
      mustPatch<StoredMilestone>(db, "kind", pointer.key, (m) => {
        m.annulled = { by: a.registrar, reasonHash: a.reasonHash, at: where };
      });
      db.patchAsset(a.assetId, where, (x) => {
        x.milestones = without(x.milestones, (k) => k === kind);
        x.annulledMilestones = withOnce(x.annulledMilestones, kind);
      });
    },
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
