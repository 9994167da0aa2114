/**
 * LicenseRegistry, the registry's licence module: licences are keyed by the module's address
 * (ids restart at 1 in a new module). Revocation (by the licensor of a revocable licence, with
 * the licensee's consent, by surrender or by a court), ending (lapsed and closed, or the asset
 * cancelled) and the nonces of signed offers.
 */
import { LICENSE_END_CAUSE, TERRITORY, enumName, rightsOf } from "../../../sdk/api/enums";
import type { LicenseRegistry } from "../../../typechain-types/contracts/licensing/LicenseRegistry";
import { K } from "../../store/keys";
import type { StoredLicense } from "../../store/records";
import { currency, hashOrNull } from "./common";
import { contract, mustGet, mustPatch } from "./define";

export default contract<LicenseRegistry>("licenses")
  .on("LicenseGranted", {
    fields: {
      licenseId: "dec",
      assetId: "dec",
      licensee: "address",
      licensor: "address",
      parentId: "dec",
      terms: {
        licensee: "address",
        rights: "num",
        territory: "num",
        start: "num",
        end: "num",
        sublicensable: "bool",
        revocable: "bool",
        scopeHash: "hash",
        termsHash: "hash",
        feeAmount: "dec",
        feeCurrency: "bytes3",
      },
      viaOffer: "bool",
    },
    summary: (a, f) => {
      const t = a.terms;
      const rights = rightsOf(t.rights).join(" and ");
      const kind = a.parentId === "0" ? "licence" : `sublicence (under licence ${a.parentId})`;
      const revocable = t.revocable ? ", revocable by the licensor" : "";
      return `${f.who(a.licensor)} granted ${kind} ${a.licenseId} of the ${rights} right to ${f.who(a.licensee)}, ${f.date(t.start)} to ${f.date(t.end)}${revocable}`;
    },
    apply: (a, { db, where, event }) => {
      const t = a.terms;
      const module = event.address;
      const parentId = a.parentId === "0" ? null : a.parentId;
      // A sublicence's parent was granted earlier in the same module.
      const parent = parentId ? mustGet<StoredLicense>(db, "parentId", K.license(module, parentId)) : undefined;
      const lic: StoredLicense = {
        id: a.licenseId,
        module,
        assetId: a.assetId,
        parentId,
        depth: parent ? parent.depth + 1 : 0,
        licensor: a.licensor,
        licensee: a.licensee,
        rightsBits: t.rights,
        territory: enumName(TERRITORY, t.territory),
        start: t.start,
        end: t.end,
        sublicensable: t.sublicensable,
        revocable: t.revocable,
        scopeHash: t.scopeHash,
        termsHash: t.termsHash,
        feeAmount: t.feeAmount,
        feeCurrency: currency(t.feeCurrency),
        viaOffer: a.viaOffer,
        granted: where,
        revoked: null,
        ended: null,
        sublicenses: [],
      };
      // A licence id is issued once per module.
      db.putNew(K.license(module, lic.id), lic);
      db.appendNew(K.assetLicense(module, lic.assetId, lic.id), 1);
      db.appendNew(K.licenseeLicense(module, lic.licensee, lic.id), 1);
      if (parent && parentId) {
        parent.sublicenses.push(lic.id);
        db.put(K.license(module, parentId), parent);
      }
    },
  })
  .on("LicenseRevoked", {
    fields: { licenseId: "dec", assetId: "dec", by: "address", reasonHash: "hash", byCourt: "bool", withConsent: "bool" },
    summary: (a, f) => `Licence ${a.licenseId} revoked by ${a.byCourt ? "court " : ""}${f.who(a.by)}${a.withConsent ? " with the licensee's consent" : ""}`,
    apply: (a, { db, where, event }) => {
      mustPatch<StoredLicense>(db, "licenseId", K.license(event.address, a.licenseId), (l) => {
        l.revoked = { by: a.by, reasonHash: a.reasonHash, byCourt: a.byCourt, withConsent: a.withConsent, at: where.time };
      });
    },
  })
  .on("LicenseEnded", {
    fields: { licenseId: "dec", assetId: "dec", caseHash: "hash", cause: "num" },
    summary: (a, f) =>
      enumName(LICENSE_END_CAUSE, a.cause) === "assetCancelled"
        ? `Licence ${a.licenseId} ended: the asset was cancelled (case ${f.short(a.caseHash)})`
        : `Licence ${a.licenseId} ended: it lapsed and was closed`,
    apply: (a, { db, where, event }) => {
      mustPatch<StoredLicense>(db, "licenseId", K.license(event.address, a.licenseId), (l) => {
        l.ended = { cause: enumName(LICENSE_END_CAUSE, a.cause), caseHash: hashOrNull(a.caseHash), at: where };
      });
    },
  })
  .on("NonceUsed", {
    fields: { signer: "address", nonce: "dec" },
    summary: (a, f) => `A licence offer signed by ${f.who(a.signer)} was used (nonce ${a.nonce})`,
  })
  .on("NonceCancelled", {
    fields: { signer: "address", nonce: "dec" },
    summary: (a, f) => `${f.who(a.signer)} cancelled the licence-offer nonce ${a.nonce}`,
  })
  .on("EIP712DomainChanged", {
    fields: {},
    summary: () => "The EIP-712 domain changed",
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
