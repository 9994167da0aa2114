/**
 * DataAssetRegistry: review, the token, the records' flags (set through the module hooks) and
 * the registry's configuration, including the module swap the indexer follows (ModulesSet).
 */
import { ZeroAddress } from "ethers";
import { SECURITY_GRADE, enumName } from "../../../sdk/api/enums";
import type { DataAssetRegistry } from "../../../typechain-types/contracts/registry/DataAssetRegistry";
import { K } from "../../store/keys";
import type { StoredHolder, StoredMilestone, StoredMilestonePointer, StoredModules } from "../../store/records";
import { withOnce } from "./common";
import { contract } from "./define";

export default contract<DataAssetRegistry>("registry")
  .on("PublicityStarted", {
    fields: { assetId: "dec", registrar: "address", publicityEnd: "num" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} accepted the application; publicity runs until ${f.date(a.publicityEnd)}`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.status = "publicity";
        x.publicityEnd = a.publicityEnd;
      }),
  })
  .on("ApplicationRefused", {
    fields: { assetId: "dec", registrar: "address", reasonHash: "hash" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} refused the application (reason ${f.short(a.reasonHash)})`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.status = "refused";
        x.holder = null;
        x.refused = { by: a.registrar, reasonHash: a.reasonHash };
      }),
  })
  .on("AssetRegistered", {
    fields: { assetId: "dec", holder: "address", registrar: "address", registrationNumber: "string", confirmedAt: "num", validUntil: "num" },
    summary: (a, f) => `Registered as ${a.registrationNumber} to ${f.who(a.holder)} by registrar ${f.who(a.registrar)}, valid until ${f.date(a.validUntil)}`,
    apply: (a, { db, where }) => {
      let contentHash: string | null = null;
      db.patchAsset(a.assetId, where, (x) => {
        x.status = "registered";
        x.registrationNumber = a.registrationNumber;
        x.confirmed = { by: a.registrar, at: a.confirmedAt };
        x.validUntil = a.validUntil;
        x.holder = a.holder;
        x.milestones = withOnce(x.milestones, "registration");
        contentHash = x.contentHash;
      });
      // A registration number is issued once, to this id.
      db.putNew(K.byRegistrationNumber(a.registrationNumber), a.assetId);
      // The confirmation is the first registration (kind 0).
      const ms: StoredMilestone = {
        ...where,
        assetId: a.assetId,
        kind: "registration",
        enterprise: a.holder,
        attester: a.registrar,
        at: a.confirmedAt,
        evidenceHash: contentHash,
        detail: 0,
        annulled: null,
      };
      const key = K.milestone(ms.enterprise, ms.at, a.assetId, 0, where.block, where.logIndex);
      db.putNew(key, ms);
      const pointer: StoredMilestonePointer = { key };
      db.putNew(K.milestoneOf(a.assetId, 0), pointer);
    },
  })
  .on("Transfer", {
    fields: { from: "address", to: "address", tokenId: "dec" },
    asset: (a) => a.tokenId,
    summary: (a, f) => {
      if (a.from === ZeroAddress) return `Holding right issued to ${f.who(a.to)}`;
      if (a.to === ZeroAddress) return `Holding right extinguished (held by ${f.who(a.from)})`;
      return `Holding right passed from ${f.who(a.from)} to ${f.who(a.to)}`;
    },
    apply: (a, { db, where }) => {
      const holder = a.to === ZeroAddress ? null : a.to;
      db.patchAsset(a.tokenId, where, (x) => {
        x.holder = holder;
      });
      const h: StoredHolder = { ...where, holder };
      db.appendNew(K.holderAt(a.tokenId, where.block), h);
    },
  })
  .on("Approval", {
    fields: { owner: "address", approved: "address", tokenId: "dec" },
    asset: (a) => a.tokenId,
    summary: (a, f) =>
      a.approved === ZeroAddress
        ? `Holder ${f.who(a.owner)} cleared the transfer approval`
        : `Holder ${f.who(a.owner)} approved ${f.who(a.approved)} to transfer the asset (an approval is not consent to a sale)`,
  })
  .on("ApprovalForAll", {
    fields: { owner: "address", operator: "address", approved: "bool" },
    summary: (a, f) => `${f.who(a.owner)} ${a.approved ? "approved" : "no longer approves"} ${f.who(a.operator)} as operator of all its assets`,
  })
  .on("MetadataChanged", {
    fields: { assetId: "dec", by: "address", version: "num", previousHash: "hash", newHash: "hash", newUri: "string" },
    summary: (a, f) => `Holder ${f.who(a.by)} changed the metadata (version ${a.version})`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.metadataHash = a.newHash;
        x.metadataUri = a.newUri;
        x.metadataVersion = a.version;
      }),
  })
  .on("AssetCorrected", {
    fields: { assetId: "dec", registrar: "address", version: "num", previousHash: "hash", newHash: "hash", newUri: "string", reasonHash: "hash" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} corrected the metadata (version ${a.version})`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.metadataHash = a.newHash;
        x.metadataUri = a.newUri;
        x.metadataVersion = a.version;
      }),
  })
  .on("AssetRenewed", {
    fields: { assetId: "dec", registrar: "address", previousValidUntil: "num", newValidUntil: "num", evidenceHash: "hash" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} renewed the registration until ${f.date(a.newValidUntil)}`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.validUntil = a.newValidUntil;
      }),
  })
  .on("RegistrationCancelled", {
    fields: { assetId: "dec", by: "address", lastHolder: "address", reasonHash: "hash" },
    summary: (a, f) => `Registration cancelled by ${f.who(a.by)}; last holder ${f.who(a.lastHolder)}`,
    apply: (a, { db, where }) =>
      // A listing stays on record (as TradeDesk.listingOf keeps it) but is no longer live.
      db.patchAsset(a.assetId, where, (x) => {
        x.status = "cancelled";
        x.holder = null;
        x.cancelled = { by: a.by, lastHolder: a.lastHolder, reasonHash: a.reasonHash, at: where.time };
      }),
  })
  .on("DisputeFlagsChanged", {
    fields: { assetId: "dec", objectionsOpen: "bool", disputed: "bool" },
    summary: (a) =>
      a.disputed
        ? "An admitted objection is open: the asset is disputed"
        : a.objectionsOpen
          ? "Objections are open (none admitted): the asset is not disputed"
          : "No objection open any more",
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.objectionsOpen = a.objectionsOpen;
        x.disputed = a.disputed;
      }),
  })
  .on("FrozenChanged", {
    fields: { assetId: "dec", frozen: "bool" },
    summary: (a) => (a.frozen ? "The asset is frozen (its first court hold)" : "The asset is no longer frozen (its last court hold was lifted)"),
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.frozen = a.frozen;
      }),
  })
  .on("PledgedChanged", {
    fields: { assetId: "dec", pledged: "bool" },
    summary: (a) => (a.pledged ? "The asset is pledged" : "The asset is no longer pledged"),
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.pledged = a.pledged;
      }),
  })
  .on("GradeChanged", {
    fields: { assetId: "dec", previousGrade: "num", newGrade: "num" },
    summary: (a) => `Security grade changed from ${enumName(SECURITY_GRADE, a.previousGrade)} to ${enumName(SECURITY_GRADE, a.newGrade)}`,
    apply: (a, { db, where }) =>
      db.patchAsset(a.assetId, where, (x) => {
        x.grade = enumName(SECURITY_GRADE, a.newGrade);
      }),
  })
  .on("ForcedTransfer", {
    fields: { assetId: "dec", from: "address", to: "address", module: "address", caseHash: "hash" },
    summary: (a, f) => `Holding right moved by order from ${f.who(a.from)} to ${f.who(a.to)} (case ${f.short(a.caseHash)})`,
  })
  .on("RecoveryTransfer", {
    fields: { assetId: "dec", from: "address", to: "address", registrar: "address", reasonHash: "hash" },
    summary: (a, f) =>
      `Registrar ${f.who(a.registrar)} moved the asset from ${f.who(a.from)} to ${f.who(a.to)}, the organisation's new account after a key rotation (reason ${f.short(a.reasonHash)})`,
  })
  .on("ModulesSet", {
    fields: { compliance: "address", licenses: "address" },
    summary: (a) => `The registry's modules are now compliance ${a.compliance} and licences ${a.licenses}`,
    apply: (a, { db }) => {
      // Journalled like any state: a reorg that undoes the ModulesSet undoes the switch.
      const m: StoredModules = { compliance: a.compliance.toLowerCase(), licenses: a.licenses.toLowerCase() };
      db.put(K.modules, m);
    },
  })
  .on("BaseURISet", {
    fields: { baseURI: "string" },
    summary: (a) => `The token URI base is now ${a.baseURI}`,
  })
  .on("MetadataUpdate", {
    fields: { _tokenId: "dec" },
    summary: (a) => `Metadata of token ${a._tokenId} updated (ERC-4906)`,
  })
  .on("BatchMetadataUpdate", {
    fields: { _fromTokenId: "dec", _toTokenId: "dec" },
    summary: (a) => `Metadata of tokens ${a._fromTokenId} to ${a._toTokenId} updated (ERC-4906)`,
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
