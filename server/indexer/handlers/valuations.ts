/**
 * ValuationRegistry: valuation reports; the latest is kept on the asset.
 */
import { VALUATION_METHOD, enumName } from "../../../sdk/api/enums";
import type { ValuationRegistry } from "../../../typechain-types/contracts/finance/ValuationRegistry";
import { K } from "../../store/keys";
import type { StoredCase } from "../../store/records";
import { currency } from "./common";
import { contract } from "./define";

export default contract<ValuationRegistry>("valuations")
  .on("ValuationRecorded", {
    fields: {
      valuationId: "dec",
      assetId: "dec",
      evaluator: "address",
      method: "num",
      value: "dec",
      currency: "bytes3",
      valuationDate: "num",
      reportHash: "hash",
    },
    summary: (a, f) => `Evaluator ${f.who(a.evaluator)} valued the asset at ${a.value} ${currency(a.currency)} (${enumName(VALUATION_METHOD, a.method)} method)`,
    apply: (a, { db, where, event }) => {
      const c: StoredCase = { ...where, id: a.valuationId, assetId: a.assetId, state: "recorded", fields: event.args };
      db.putNew(K.valuation(c.id), c);
      db.patchAsset(a.assetId, where, (x) => {
        x.latestValuation = {
          valuationId: a.valuationId,
          value: a.value,
          currency: currency(a.currency),
          method: enumName(VALUATION_METHOD, a.method),
          valuationDate: a.valuationDate,
          evaluator: a.evaluator,
        };
      });
    },
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
