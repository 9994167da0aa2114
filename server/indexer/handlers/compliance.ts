/**
 * ComplianceRegistry, the registry's compliance module: its records are keyed by the module's
 * address (see server/store/keys.ts), so that a module swap starts from the new module's own.
 * De-identification reviews are keyed by (applicant, content hash), clearances by
 * (asset, recipient).
 */
import { EXPORT_MECHANISM, SECURITY_GRADE, enumName } from "../../../sdk/api/enums";
import type { ComplianceRegistry } from "../../../typechain-types/contracts/compliance/ComplianceRegistry";
import { K } from "../../store/keys";
import type { StoredClearance, StoredDeidentification, StoredSandbox } from "../../store/records";
import { contract } from "./define";

export default contract<ComplianceRegistry>("compliance")
  .on("GradeConfirmed", {
    fields: { assetId: "dec", grade: "num", reportHash: "hash", regulator: "address" },
    summary: (a, f) => `Regulator ${f.who(a.regulator)} confirmed the grade ${enumName(SECURITY_GRADE, a.grade)}`,
  })
  .on("DeidentificationReviewed", {
    fields: { contentHash: "hash", applicant: "address", passed: "bool", reportHash: "hash", regulator: "address" },
    summary: (a, f) => `Regulator ${f.who(a.regulator)} ${a.passed ? "passed" : "failed"} the de-identification review of ${f.short(a.contentHash)} for ${f.who(a.applicant)}`,
    apply: (a, { db, event }) => {
      const r: StoredDeidentification = { passed: a.passed, reportHash: a.reportHash, regulator: a.regulator };
      db.put(K.deidentification(event.address, a.applicant, a.contentHash), r);
    },
  })
  .on("CrossBorderCleared", {
    fields: { assetId: "dec", recipient: "address", routeHash: "hash", mechanism: "num", validUntil: "num", regulator: "address" },
    summary: (a, f) => `Regulator ${f.who(a.regulator)} cleared cross-border provision to ${f.who(a.recipient)} until ${f.date(a.validUntil)}`,
    apply: (a, { db, event }) => {
      const c: StoredClearance = {
        recipient: a.recipient,
        validUntil: a.validUntil,
        mechanism: enumName(EXPORT_MECHANISM, a.mechanism),
        routeHash: a.routeHash,
        regulator: a.regulator,
      };
      db.put(K.clearance(event.address, a.assetId, a.recipient), c);
    },
  })
  .on("CrossBorderRevoked", {
    fields: { assetId: "dec", recipient: "address", reasonHash: "hash", regulator: "address" },
    summary: (a, f) => `Regulator ${f.who(a.regulator)} revoked the cross-border clearance of ${f.who(a.recipient)}; its cross-border licences are suspended`,
    apply: (a, { db, event }) => db.del(K.clearance(event.address, a.assetId, a.recipient)),
  })
  .on("SandboxApproved", {
    fields: { assetId: "dec", approvalHash: "hash", validUntil: "num", regulator: "address" },
    summary: (a, f) => `Regulator ${f.who(a.regulator)} approved sandbox delivery until ${f.date(a.validUntil)}`,
    apply: (a, { db, event }) => {
      const s: StoredSandbox = { validUntil: a.validUntil, approvalHash: a.approvalHash, regulator: a.regulator };
      db.put(K.sandbox(event.address, a.assetId), s);
    },
  })
  .on("SandboxRevoked", {
    fields: { assetId: "dec", reasonHash: "hash", regulator: "address" },
    summary: (a, f) => `Regulator ${f.who(a.regulator)} revoked the sandbox approval`,
    apply: (a, { db, event }) => db.del(K.sandbox(event.address, a.assetId)),
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
