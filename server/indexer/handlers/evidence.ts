/**
 * EvidenceAnchor: anchors keyed by (anchorer, root): one root may have several anchorers, and
 * each revokes only its own.
 */
import type { EvidenceAnchor } from "../../../typechain-types/contracts/evidence/EvidenceAnchor";
import { K } from "../../store/keys";
import type { StoredAnchor } from "../../store/records";
import { contract, mustPatch } from "./define";

export default contract<EvidenceAnchor>("evidence")
  .on("EvidenceAnchored", {
    fields: { root: "hash", anchorer: "address", itemCount: "num", manifestHash: "hash" },
    summary: (a, f) => `${f.who(a.anchorer)} anchored evidence root ${f.short(a.root)} of ${a.itemCount} item(s)`,
    apply: (a, { db, where }) => {
      const r: StoredAnchor = { root: a.root, anchorer: a.anchorer, itemCount: a.itemCount, manifestHash: a.manifestHash, anchored: where, revoked: null };
      // (anchorer, root) is anchored at most once.
      db.putNew(K.evidenceAnchor(a.root, a.anchorer), r);
    },
  })
  .on("EvidenceRevoked", {
    fields: { root: "hash", anchorer: "address", reasonHash: "hash" },
    summary: (a, f) => `${f.who(a.anchorer)} revoked its anchor of ${f.short(a.root)}`,
    apply: (a, { db, where }) => {
      mustPatch<StoredAnchor>(db, "anchorer", K.evidenceAnchor(a.root, a.anchorer), (r) => {
        r.revoked = { reasonHash: a.reasonHash, at: where.time, block: where.block, tx: where.tx };
      });
    },
  });
