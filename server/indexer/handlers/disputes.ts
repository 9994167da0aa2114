/**
 * DisputeResolution: objections (filed, admitted, withdrawn, ruled) and court orders, with
 * court holds per case. The registry's own flags (objections open, disputed, frozen) come
 * from its events; these keep who objected, who admitted, and every active hold.
 */
import { RULING, enumName } from "../../../sdk/api/enums";
import type { DisputeResolution } from "../../../typechain-types/contracts/disputes/DisputeResolution";
import { K } from "../../store/keys";
import type { StoredObjection } from "../../store/records";
import { without } from "./common";
import { contract, mustPatch } from "./define";

/** The objection's status after a ruling (DisputeResolution.ObjectionStatus). */
const RULED_STATE = ["dismissed", "cancelled", "transferredToClaimant", "compensated"] as const;

export default contract<DisputeResolution>("disputes")
  .on("ObjectionFiled", {
    fields: { objectionId: "dec", assetId: "dec", claimant: "address", evidenceHash: "hash" },
    summary: (a, f) => `${f.who(a.claimant)} filed objection ${a.objectionId}`,
    apply: (a, { db, where }) => {
      const o: StoredObjection = {
        id: a.objectionId,
        assetId: a.assetId,
        claimant: a.claimant,
        evidenceHash: a.evidenceHash,
        state: "open",
        filed: where,
        admitted: null,
        closed: null,
      };
      db.putNew(K.objection(o.id), o);
      db.patchAsset(a.assetId, where, (x) => {
        x.objections = [...x.objections, { id: o.id, claimant: o.claimant, evidenceHash: o.evidenceHash, filed: where, admitted: null }];
      });
    },
  })
  .on("ObjectionAdmitted", {
    fields: { objectionId: "dec", assetId: "dec", by: "address" },
    summary: (a, f) => `${f.who(a.by)} admitted objection ${a.objectionId}: while it is open the asset is disputed`,
    apply: (a, { db, where }) => {
      const admitted = { by: a.by, at: where };
      mustPatch<StoredObjection>(db, "objectionId", K.objection(a.objectionId), (o) => {
        o.admitted = admitted;
      });
      db.patchAsset(a.assetId, where, (x) => {
        x.objections = x.objections.map((o) => (o.id === a.objectionId ? { ...o, admitted } : o));
      });
    },
  })
  .on("ObjectionWithdrawn", {
    fields: { objectionId: "dec", assetId: "dec", claimant: "address" },
    summary: (a, f) => `${f.who(a.claimant)} withdrew objection ${a.objectionId}`,
    apply: (a, { db, where }) => {
      mustPatch<StoredObjection>(db, "objectionId", K.objection(a.objectionId), (o) => {
        o.state = "withdrawn";
        o.closed = { at: where, ruling: null, decisionHash: null, adjudicator: null };
      });
      db.patchAsset(a.assetId, where, (x) => {
        x.objections = without(x.objections, (o) => o.id === a.objectionId);
      });
    },
  })
  .on("ObjectionRuled", {
    fields: { objectionId: "dec", assetId: "dec", ruling: "num", decisionHash: "hash", adjudicator: "address", claimant: "address" },
    summary: (a, f) => `${f.who(a.adjudicator)} ruled on objection ${a.objectionId}: ${enumName(RULING, a.ruling)}`,
    apply: (a, { db, where }) => {
      mustPatch<StoredObjection>(db, "objectionId", K.objection(a.objectionId), (o) => {
        o.state = enumName(RULED_STATE, a.ruling);
        o.closed = { at: where, ruling: enumName(RULING, a.ruling), decisionHash: a.decisionHash, adjudicator: a.adjudicator };
      });
      db.patchAsset(a.assetId, where, (x) => {
        x.objections = without(x.objections, (o) => o.id === a.objectionId);
      });
    },
  })
  .on("AssetFrozenByCourt", {
    fields: { assetId: "dec", caseHash: "hash", court: "address" },
    summary: (a, f) => `Court ${f.who(a.court)} placed a hold on the asset (case ${f.short(a.caseHash)})`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.holds = [...x.holds, { caseHash: a.caseHash, court: a.court, placed: where }];
      }),
  })
  .on("AssetUnfrozenByCourt", {
    fields: { assetId: "dec", caseHash: "hash", court: "address" },
    summary: (a, f) => `Court ${f.who(a.court)} lifted its hold (case ${f.short(a.caseHash)})`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.holds = without(x.holds, (h) => h.caseHash === a.caseHash);
      }),
  })
  .on("TransferOrdered", {
    fields: { assetId: "dec", to: "address", caseHash: "hash", court: "address" },
    summary: (a, f) => `Court ${f.who(a.court)} ordered the transfer to ${f.who(a.to)} (case ${f.short(a.caseHash)})`,
  })
  .on("CancellationOrdered", {
    fields: { assetId: "dec", caseHash: "hash", court: "address" },
    summary: (a, f) => `Court ${f.who(a.court)} ordered the cancellation (case ${f.short(a.caseHash)})`,
  })
  .on("PledgeRegistrySet", {
    fields: { pledges: "address" },
    summary: (a) => `Court orders settle pledges with ${a.pledges}`,
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
