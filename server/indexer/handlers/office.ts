/**
 * RegistrationOffice: commit–reveal applications. Each revealed application is one asset.
 */
import {
  ASSET_KIND,
  DATA_CATEGORY,
  MEMBER_TYPE,
  PERSONAL_INFO,
  PRODUCT_FORM,
  SECURITY_GRADE,
  SOURCE_TYPE,
  enumName,
} from "../../../sdk/api/enums";
import type { RegistrationOffice } from "../../../typechain-types/contracts/registration/RegistrationOffice";
import { K } from "../../store/keys";
import type { StoredAsset } from "../../store/records";
import { contract } from "./define";

export default contract<RegistrationOffice>("office")
  .on("AssetApplied", {
    fields: {
      assetId: "dec",
      applicant: "address",
      application: {
        name: "string",
        kind: "num",
        productForm: "num",
        category: "num",
        rights: "num",
        sourceType: "num",
        grade: "num",
        personalInfo: "num",
        validUntil: "num",
        sourceEvidenceHash: "hash",
        contentHash: "hash",
        metadataHash: "hash",
        metadataUri: "string",
        parents: "decs",
        parentLicenses: "decs",
      },
      registrantType: "num",
      commitment: "hash",
    },
    summary: (a, f) => {
      const parents = a.application.parents.length > 0 ? `, derived from asset ${a.application.parents.join(", ")}` : "";
      return `${f.who(a.applicant)} applied to register asset ${a.assetId} "${a.application.name}" (content ${f.short(a.application.contentHash)}${parents})`;
    },
    apply: (a, { db, where }) => {
      const app = a.application;
      const asset: StoredAsset = {
        id: a.assetId,
        registrationNumber: null,
        status: "applied",
        holder: a.applicant,
        applicant: a.applicant,
        name: app.name,
        kind: enumName(ASSET_KIND, app.kind),
        productForm: enumName(PRODUCT_FORM, app.productForm),
        category: enumName(DATA_CATEGORY, app.category),
        rightsBits: app.rights,
        sourceType: enumName(SOURCE_TYPE, app.sourceType),
        grade: enumName(SECURITY_GRADE, app.grade),
        personalInfo: enumName(PERSONAL_INFO, app.personalInfo),
        registrantType: enumName(MEMBER_TYPE, a.registrantType),
        validUntil: app.validUntil,
        contentHash: app.contentHash,
        sourceEvidenceHash: app.sourceEvidenceHash,
        metadataHash: app.metadataHash,
        metadataUri: app.metadataUri,
        metadataVersion: 0,
        parents: [...app.parents],
        parentLicenses: [...app.parentLicenses],
        commitment: a.commitment,
        applied: where,
        publicityEnd: null,
        confirmed: null,
        refused: null,
        cancelled: null,
        objectionsOpen: false,
        disputed: false,
        objections: [],
        frozen: false,
        holds: [],
        pledged: false,
        listing: null,
        milestones: [],
        annulledMilestones: [],
        latestValuation: null,
        updated: where,
      };
      db.createAsset(asset);
      // A refused or cancelled application frees its content hash for a later one.
      db.put(K.byContentHash(asset.contentHash), asset.id);
      for (const p of asset.parents) db.appendNew(K.child(p, asset.id), 1);
    },
  })
  .on("ApplicationCommitted", {
    fields: { commitment: "hash", committer: "address" },
    summary: (a, f) => `${f.who(a.committer)} committed to an application (${f.short(a.commitment)})`,
  })
  .on("RevealWindowSet", {
    fields: { revealWindow: "num" },
    summary: (a) => `Applications may now be revealed up to ${a.revealWindow} s after their commitment`,
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
