/**
 * PledgeRegistry: a pledge's life, including the court orders that carry it to the asset's new
 * holder or discharge it.
 */
import type { PledgeRegistry } from "../../../typechain-types/contracts/finance/PledgeRegistry";
import { K } from "../../store/keys";
import type { StoredPledge } from "../../store/records";
import { currency } from "./common";
import { contract, mustPatch } from "./define";

export default contract<PledgeRegistry>("pledges")
  .on("PledgeProposed", {
    fields: {
      pledgeId: "dec",
      assetId: "dec",
      pledgor: "address",
      pledgee: "address",
      securedAmount: "dec",
      currency: "bytes3",
      dueDate: "num",
      registryRefHash: "hash",
    },
    summary: (a, f) => `${f.who(a.pledgor)} proposed pledge ${a.pledgeId} to ${f.who(a.pledgee)} securing ${a.securedAmount}, due ${f.date(a.dueDate)}`,
    apply: (a, { db, where }) => {
      const p: StoredPledge = {
        id: a.pledgeId,
        assetId: a.assetId,
        state: "proposed",
        pledgor: a.pledgor,
        pledgee: a.pledgee,
        securedAmount: a.securedAmount,
        currency: currency(a.currency),
        dueDate: a.dueDate,
        registryRefHash: a.registryRefHash,
        proposed: where,
        activated: null,
        carried: [],
        ended: null,
      };
      db.putNew(K.pledge(p.id), p);
      db.appendNew(K.assetPledge(p.assetId, p.id), 1);
    },
  })
  .on("PledgeWithdrawn", {
    fields: { pledgeId: "dec", assetId: "dec" },
    summary: (a) => `Pledge ${a.pledgeId} withdrawn`,
    apply: (a, { db, where }) => {
      mustPatch<StoredPledge>(db, "pledgeId", K.pledge(a.pledgeId), (p) => {
        p.state = "withdrawn";
        p.ended = { at: where, by: p.pledgor, byCourt: false, caseHash: null };
      });
    },
  })
  .on("PledgeActivated", {
    fields: { pledgeId: "dec", assetId: "dec", pledgee: "address" },
    summary: (a, f) => `Pledge ${a.pledgeId} took effect (pledgee ${f.who(a.pledgee)})`,
    apply: (a, { db, where }) => {
      mustPatch<StoredPledge>(db, "pledgeId", K.pledge(a.pledgeId), (p) => {
        p.state = "active";
        p.activated = where;
      });
    },
  })
  .on("PledgeReleased", {
    fields: { pledgeId: "dec", assetId: "dec", pledgee: "address" },
    summary: (a, f) => `Pledge ${a.pledgeId} released by ${f.who(a.pledgee)}`,
    apply: (a, { db, where }) => {
      mustPatch<StoredPledge>(db, "pledgeId", K.pledge(a.pledgeId), (p) => {
        p.state = "released";
        p.ended = { at: where, by: a.pledgee, byCourt: false, caseHash: null };
      });
    },
  })
  .on("PledgeEnforced", {
    fields: { pledgeId: "dec", assetId: "dec", by: "address", byCourt: "bool", caseHash: "hash" },
    summary: (a, f) => `Pledge ${a.pledgeId} enforced by ${a.byCourt ? "court " : ""}${f.who(a.by)}`,
    apply: (a, { db, where }) => {
      mustPatch<StoredPledge>(db, "pledgeId", K.pledge(a.pledgeId), (p) => {
        p.state = "enforced";
        p.ended = { at: where, by: a.by, byCourt: a.byCourt, caseHash: a.caseHash };
      });
    },
  })
  .on("PledgeCarried", {
    fields: { pledgeId: "dec", assetId: "dec", newPledgor: "address", previousPledgor: "address", caseHash: "hash" },
    summary: (a, f) => `A court order moved the asset; pledge ${a.pledgeId} now binds ${f.who(a.newPledgor)} (was ${f.who(a.previousPledgor)}; case ${f.short(a.caseHash)})`,
    apply: (a, { db, where }) => {
      mustPatch<StoredPledge>(db, "pledgeId", K.pledge(a.pledgeId), (p) => {
        p.pledgor = a.newPledgor;
        p.carried = [...p.carried, { from: a.previousPledgor, to: a.newPledgor, caseHash: a.caseHash, at: where }];
      });
    },
  })
  .on("PledgeDischarged", {
    fields: { pledgeId: "dec", assetId: "dec", caseHash: "hash" },
    summary: (a, f) => `A court order discharged pledge ${a.pledgeId} (case ${f.short(a.caseHash)})`,
    apply: (a, { db, where }) => {
      mustPatch<StoredPledge>(db, "pledgeId", K.pledge(a.pledgeId), (p) => {
        p.state = "discharged";
        p.ended = { at: where, by: null, byCourt: true, caseHash: a.caseHash };
      });
    },
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
