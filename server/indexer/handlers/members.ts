/**
 * MemberRegistry: admission, suspension, and key rotation (an organisation rebound to a new
 * account; the old one is retired).
 */
import { JURISDICTION, MEMBER_TYPE, enumName } from "../../../sdk/api/enums";
import type { MemberRegistry } from "../../../typechain-types/contracts/membership/MemberRegistry";
import { K } from "../../store/keys";
import type { StoredMember } from "../../store/records";
import { contract, mustGet, mustPatch } from "./define";

export default contract<MemberRegistry>("members")
  .on("MemberAdmitted", {
    fields: { account: "address", orgIdHash: "hash", name: "string", memberType: "num", jurisdiction: "num", registrar: "address" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} admitted ${a.name} (${a.account}) as a ${enumName(JURISDICTION, a.jurisdiction)} member`,
    apply: (a, { db, where }) => {
      const m: StoredMember = {
        address: a.account,
        name: a.name,
        orgIdHash: a.orgIdHash,
        memberType: enumName(MEMBER_TYPE, a.memberType),
        jurisdiction: enumName(JURISDICTION, a.jurisdiction),
        status: "active",
        admitted: where,
        admittedBy: a.registrar,
        suspension: null,
        rebound: null,
      };
      db.setName(m.address, m.name);
      db.put(K.member(m.address), m);
    },
  })
  .on("MemberSuspended", {
    fields: { account: "address", reasonHash: "hash", registrar: "address" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} suspended ${f.who(a.account)}`,
    apply: (a, { db, where }) => {
      mustPatch<StoredMember>(db, "account", K.member(a.account), (m) => {
        m.status = "suspended";
        m.suspension = { reasonHash: a.reasonHash, by: a.registrar, at: where.time };
      });
    },
  })
  .on("MemberReinstated", {
    fields: { account: "address", registrar: "address" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} reinstated ${f.who(a.account)}`,
    apply: (a, { db }) => {
      mustPatch<StoredMember>(db, "account", K.member(a.account), (m) => {
        m.status = "active";
        m.suspension = null;
      });
    },
  })
  .on("MemberRebound", {
    fields: { orgIdHash: "hash", oldAccount: "address", newAccount: "address", reasonHash: "hash", registrar: "address" },
    summary: (a, f) => `Registrar ${f.who(a.registrar)} rebound the organisation from ${f.who(a.oldAccount)} to ${a.newAccount} (key rotation)`,
    apply: (a, { db, where }) => {
      const old = mustGet<StoredMember>(db, "oldAccount", K.member(a.oldAccount));
      const rebound = { reasonHash: a.reasonHash, by: a.registrar, at: where };
      // The new account takes over the record and its standing (a suspended organisation stays suspended).
      const next: StoredMember = {
        ...old,
        address: a.newAccount,
        status: old.status === "suspended" ? "suspended" : "active",
        admitted: where,
        admittedBy: a.registrar,
        rebound: { ...rebound, from: a.oldAccount, to: null },
      };
      db.put(K.member(a.newAccount), next);
      db.setName(a.newAccount, next.name);
      db.put(K.member(a.oldAccount), { ...old, status: "retired", rebound: { ...rebound, from: old.rebound?.from ?? null, to: a.newAccount } });
    },
  })
  .on("AuthorityUpdated", {
    fields: { authority: "address" },
    summary: (a) => `Access manager is now ${a.authority}`,
  });
