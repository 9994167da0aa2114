import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  application,
  batchCommitmentOf,
  commitTo,
  deployWorld,
  h,
  Jurisdiction,
  MemberType,
  register,
  submit,
  type World,
  Field,
} from "./helpers/fixture";

const MemberStatus = { None: 0n, Active: 1n, Suspended: 2n, Retired: 3n } as const;

const ALICE_ORG = ethers.id("USCC:Alice Data Co.");
const BOB_ORG = ethers.id("USCC:Bob Analytics Ltd.");

function spare(w: World, i: number): HardhatEthersSigner {
  const s = w.spare[i];
  if (!s) throw new Error(`no spare account ${i}`);
  return s;
}

/** Commits to a single application and reveals it as `who` (the call, not awaited). */
async function revealAs(w: World, who: HardhatEthersSigner) {
  const app = await application();
  const salt = await commitTo(w, who, String(app.contentHash));
  return w.ledger.office.connect(who).submit(app, salt);
}

/** Commits to a batch of one and reveals it as `who`. */
async function revealBatchAs(w: World, who: HardhatEthersSigner) {
  const app = await application();
  const salt = h("salt");
  await w.ledger.office.connect(who).commit(batchCommitmentOf(who.address, [String(app.contentHash)], salt));
  return w.ledger.office.connect(who).submitBatch([app], salt);
}

describe("MemberRegistry", () => {
  let w: World;

  beforeEach(async () => {
    w = await loadFixture(deployWorld);
  });

  describe("admit", () => {
    it("admits a new member, records every field and indexes the organisation", async () => {
      const { members } = w.ledger;
      const org = ethers.id("USCC:Outsider Public Body");
      const tx = members
        .connect(w.registrar)
        .admit(w.outsider.address, org, "Outsider Public Body", MemberType.PublicBody, Jurisdiction.Foreign);
      await expect(tx)
        .to.emit(members, "MemberAdmitted")
        .withArgs(w.outsider.address, org, "Outsider Public Body", MemberType.PublicBody, Jurisdiction.Foreign, w.registrar.address);
      const block = await ethers.provider.getBlock("latest");
      const m = await members.memberOf(w.outsider.address);
      expect(m.orgIdHash).to.equal(org);
      expect(m.status).to.equal(MemberStatus.Active);
      expect(m.memberType).to.equal(BigInt(MemberType.PublicBody));
      expect(m.jurisdiction).to.equal(BigInt(Jurisdiction.Foreign));
      expect(m.admittedAt).to.equal(BigInt(block!.timestamp));
      expect(m.name).to.equal("Outsider Public Body");
      expect(await members.accountOfOrganisation(org)).to.equal(w.outsider.address);
      expect(await members.orgOf(w.outsider.address)).to.equal(org);
      expect(await members.isActive(w.outsider.address)).to.equal(true);
      expect(await members.isSuspended(w.outsider.address)).to.equal(false);
      const [active, jurisdiction, memberType] = await members.standing(w.outsider.address);
      expect(active).to.equal(true);
      expect(jurisdiction).to.equal(BigInt(Jurisdiction.Foreign));
      expect(memberType).to.equal(BigInt(MemberType.PublicBody));
    });

    it("accepts the highest member type and jurisdiction values", async () => {
      await expect(
        w.ledger.members.connect(w.registrar).admit(w.outsider.address, h(), "Other Org", MemberType.Other, Jurisdiction.Foreign),
      ).to.emit(w.ledger.members, "MemberAdmitted");
      expect((await w.ledger.members.memberOf(w.outsider.address)).memberType).to.equal(BigInt(MemberType.Other));
    });

    it("reports an unknown account as not a member", async () => {
      const { members } = w.ledger;
      expect(await members.isActive(w.outsider.address)).to.equal(false);
      expect(await members.isSuspended(w.outsider.address)).to.equal(false);
      expect(await members.orgOf(w.outsider.address)).to.equal(ethers.ZeroHash);
      const [active] = await members.standing(w.outsider.address);
      expect(active).to.equal(false);
      expect((await members.memberOf(w.outsider.address)).status).to.equal(MemberStatus.None);
      expect(await members.accountOfOrganisation(h())).to.equal(ethers.ZeroAddress);
    });

    it("is refused to an outsider and to a role other than registrar", async () => {
      const { members } = w.ledger;
      for (const who of [w.outsider, w.regulator, w.admin, w.alice]) {
        await expect(members.connect(who).admit(w.outsider.address, h(), "X", 0, 0))
          .to.be.revertedWithCustomError(members, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await members.memberOf(w.outsider.address)).status).to.equal(MemberStatus.None);
    });

    it("rejects bad input with the field", async () => {
      const members = w.ledger.members.connect(w.registrar);
      await expect(members.admit(ethers.ZeroAddress, h(), "X", 0, 0))
        .to.be.revertedWithCustomError(members, "ZeroAddress")
        .withArgs(Field.Account);
      await expect(members.admit(w.outsider.address, ethers.ZeroHash, "X", 0, 0))
        .to.be.revertedWithCustomError(members, "ZeroHash")
        .withArgs(Field.OrgIdHash);
      await expect(members.admit(w.outsider.address, h(), "", 0, 0))
        .to.be.revertedWithCustomError(members, "EmptyString")
        .withArgs(Field.Name);
      await expect(members.admit(w.outsider.address, h(), "X", 4, 0))
        .to.be.revertedWithCustomError(members, "OutOfRange")
        .withArgs(Field.MemberType, 4);
      await expect(members.admit(w.outsider.address, h(), "X", 99, 0))
        .to.be.revertedWithCustomError(members, "OutOfRange")
        .withArgs(Field.MemberType, 99);
      await expect(members.admit(w.outsider.address, h(), "X", 0, 2))
        .to.be.revertedWithCustomError(members, "OutOfRange")
        .withArgs(Field.Jurisdiction, 2);
      await expect(members.admit(w.outsider.address, h(), "X", 0, 99))
        .to.be.revertedWithCustomError(members, "OutOfRange")
        .withArgs(Field.Jurisdiction, 99);
    });

    it("refuses an account that is already a member, active or suspended", async () => {
      const members = w.ledger.members.connect(w.registrar);
      await expect(members.admit(w.alice.address, h(), "Alice again", 0, 0))
        .to.be.revertedWithCustomError(members, "AlreadyMember")
        .withArgs(w.alice.address);
      await members.suspend(w.alice.address, h());
      await expect(members.admit(w.alice.address, h(), "Alice again", 0, 0))
        .to.be.revertedWithCustomError(members, "AlreadyMember")
        .withArgs(w.alice.address);
    });

    it("refuses a second account for an organisation already admitted", async () => {
      const members = w.ledger.members.connect(w.registrar);
      expect(await members.accountOfOrganisation(ALICE_ORG)).to.equal(w.alice.address);
      await expect(members.admit(w.outsider.address, ALICE_ORG, "Alice second account", 0, 0))
        .to.be.revertedWithCustomError(members, "OrganisationAlreadyAdmitted")
        .withArgs(ALICE_ORG, w.alice.address);
      expect(await members.isActive(w.outsider.address)).to.equal(false);
    });
  });

  describe("suspend and reinstate", () => {
    it("suspends an active member, who then cannot apply", async () => {
      const { members, office } = w.ledger;
      const reason = h();
      await expect(members.connect(w.registrar).suspend(w.bob.address, reason))
        .to.emit(members, "MemberSuspended")
        .withArgs(w.bob.address, reason, w.registrar.address);
      expect(await members.isActive(w.bob.address)).to.equal(false);
      expect(await members.isSuspended(w.bob.address)).to.equal(true);
      expect((await members.memberOf(w.bob.address)).status).to.equal(MemberStatus.Suspended);
      const [active] = await members.standing(w.bob.address);
      expect(active).to.equal(false);
      await expect(revealAs(w, w.bob)).to.be.revertedWithCustomError(office, "NotActiveMember").withArgs(w.bob.address);
      await expect(revealBatchAs(w, w.bob)).to.be.revertedWithCustomError(office, "NotActiveMember").withArgs(w.bob.address);
    });

    it("reinstates a suspended member, who can then apply again", async () => {
      const { members, registry } = w.ledger;
      await members.connect(w.registrar).suspend(w.bob.address, h());
      await expect(members.connect(w.registrar).reinstate(w.bob.address))
        .to.emit(members, "MemberReinstated")
        .withArgs(w.bob.address, w.registrar.address);
      expect(await members.isActive(w.bob.address)).to.equal(true);
      expect(await members.isSuspended(w.bob.address)).to.equal(false);
      expect((await members.memberOf(w.bob.address)).status).to.equal(MemberStatus.Active);
      const id = await submit(w, w.bob);
      expect((await registry.recordOf(id)).holder).to.equal(w.bob.address);
    });

    it("suspend rejects a zero reason, a non-member and an already suspended member", async () => {
      const members = w.ledger.members.connect(w.registrar);
      await expect(members.suspend(w.bob.address, ethers.ZeroHash))
        .to.be.revertedWithCustomError(members, "ZeroHash")
        .withArgs(Field.ReasonHash);
      await expect(members.suspend(w.outsider.address, h()))
        .to.be.revertedWithCustomError(members, "NotMember")
        .withArgs(w.outsider.address);
      await members.suspend(w.bob.address, h());
      await expect(members.suspend(w.bob.address, h()))
        .to.be.revertedWithCustomError(members, "AlreadySuspended")
        .withArgs(w.bob.address);
    });

    it("reinstate rejects an active member and a non-member", async () => {
      const members = w.ledger.members.connect(w.registrar);
      await expect(members.reinstate(w.bob.address))
        .to.be.revertedWithCustomError(members, "NotSuspended")
        .withArgs(w.bob.address);
      await expect(members.reinstate(w.outsider.address))
        .to.be.revertedWithCustomError(members, "NotSuspended")
        .withArgs(w.outsider.address);
    });

    it("suspend and reinstate are refused to anyone but the registrar", async () => {
      const { members } = w.ledger;
      for (const who of [w.outsider, w.court]) {
        await expect(members.connect(who).suspend(w.bob.address, h()))
          .to.be.revertedWithCustomError(members, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await members.isActive(w.bob.address)).to.equal(true);
      await members.connect(w.registrar).suspend(w.bob.address, h());
      for (const who of [w.outsider, w.bob]) {
        await expect(members.connect(who).reinstate(w.bob.address))
          .to.be.revertedWithCustomError(members, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await members.isActive(w.bob.address)).to.equal(false);
    });
  });

  describe("rebind (key rotation)", () => {
    it("moves the organisation's record to a new account and retires the old one", async () => {
      const { members } = w.ledger;
      const fresh = spare(w, 0);
      const before = await members.memberOf(w.alice.address);
      const reason = h("lost-key");
      await expect(members.connect(w.registrar).rebind(w.alice.address, fresh.address, reason))
        .to.emit(members, "MemberRebound")
        .withArgs(ALICE_ORG, w.alice.address, fresh.address, reason, w.registrar.address);

      const m = await members.memberOf(fresh.address);
      expect(m.orgIdHash).to.equal(ALICE_ORG);
      expect(m.status).to.equal(MemberStatus.Active);
      expect(m.name).to.equal(before.name);
      expect(m.memberType).to.equal(before.memberType);
      expect(m.jurisdiction).to.equal(before.jurisdiction);
      expect(await members.isActive(fresh.address)).to.equal(true);
      expect(await members.orgOf(fresh.address)).to.equal(await members.orgOf(w.alice.address));
      expect(await members.accountOfOrganisation(ALICE_ORG)).to.equal(fresh.address);

      const old = await members.memberOf(w.alice.address);
      expect(old.status).to.equal(MemberStatus.Retired);
      expect(old.orgIdHash).to.equal(ALICE_ORG);
      expect(await members.isActive(w.alice.address)).to.equal(false);
      expect(await members.isSuspended(w.alice.address)).to.equal(false);
      const [active] = await members.standing(w.alice.address);
      expect(active).to.equal(false);
    });

    it("keeps a foreign organisation foreign", async () => {
      const { members } = w.ledger;
      const fresh = spare(w, 0);
      await members.connect(w.registrar).rebind(w.dave.address, fresh.address, h());
      const [active, jurisdiction] = await members.standing(fresh.address);
      expect(active).to.equal(true);
      expect(jurisdiction).to.equal(BigInt(Jurisdiction.Foreign));
    });

    it("the retired account can no longer act; the registrar moves its assets to the new one", async () => {
      const { members, registry, office } = w.ledger;
      const id = await register(w, w.alice);
      const fresh = spare(w, 0);
      await members.connect(w.registrar).rebind(w.alice.address, fresh.address, h());
      await expect(revealAs(w, w.alice)).to.be.revertedWithCustomError(office, "NotActiveMember").withArgs(w.alice.address);
      await expect(registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.alice.address);
      const reason = h("recovery");
      await expect(registry.connect(w.registrar).recoveryTransfer(id, fresh.address, reason))
        .to.emit(registry, "RecoveryTransfer")
        .withArgs(id, w.alice.address, fresh.address, w.registrar.address, reason);
      expect(await registry.ownerOf(id)).to.equal(fresh.address);
      // The new account acts for the organisation.
      await registry.connect(fresh).transferFrom(fresh.address, w.bob.address, id);
      expect(await registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await registry.recordOf(await submit(w, fresh))).holder).to.equal(fresh.address);
    });

    it("attack: a suspended member rotates its key to escape the suspension", async () => {
      const { members, office } = w.ledger;
      await members.connect(w.registrar).suspend(w.bob.address, h());
      const fresh = spare(w, 0);
      await members.connect(w.registrar).rebind(w.bob.address, fresh.address, h());
      // The organisation stays suspended under its new account.
      expect((await members.memberOf(fresh.address)).status).to.equal(MemberStatus.Suspended);
      expect(await members.isSuspended(fresh.address)).to.equal(true);
      expect(await members.isActive(fresh.address)).to.equal(false);
      const [active] = await members.standing(fresh.address);
      expect(active).to.equal(false);
      await expect(revealAs(w, fresh)).to.be.revertedWithCustomError(office, "NotActiveMember").withArgs(fresh.address);
      expect((await members.memberOf(w.bob.address)).status).to.equal(MemberStatus.Retired);
      // Only a reinstatement lifts it, and on the new account.
      await expect(members.connect(w.registrar).reinstate(w.bob.address))
        .to.be.revertedWithCustomError(members, "NotSuspended")
        .withArgs(w.bob.address);
      await members.connect(w.registrar).reinstate(fresh.address);
      expect(await members.isActive(fresh.address)).to.equal(true);
    });

    it("refuses a non-member or retired old account, and a new account that is or was a member", async () => {
      const members = w.ledger.members.connect(w.registrar);
      const [a, b] = [spare(w, 0), spare(w, 1)];
      await expect(members.rebind(w.outsider.address, a.address, h()))
        .to.be.revertedWithCustomError(members, "NotMember")
        .withArgs(w.outsider.address);
      await expect(members.rebind(w.alice.address, w.bob.address, h()))
        .to.be.revertedWithCustomError(members, "AlreadyMember")
        .withArgs(w.bob.address);
      await expect(members.rebind(w.alice.address, w.alice.address, h()))
        .to.be.revertedWithCustomError(members, "AlreadyMember")
        .withArgs(w.alice.address);
      await members.rebind(w.alice.address, a.address, h());
      await expect(members.rebind(w.alice.address, b.address, h()))
        .to.be.revertedWithCustomError(members, "NotMember")
        .withArgs(w.alice.address);
      // A retired account cannot be bound again, to its own organisation or another.
      await expect(members.rebind(a.address, w.alice.address, h()))
        .to.be.revertedWithCustomError(members, "AlreadyMember")
        .withArgs(w.alice.address);
      await expect(members.rebind(w.bob.address, w.alice.address, h()))
        .to.be.revertedWithCustomError(members, "AlreadyMember")
        .withArgs(w.alice.address);
      expect(await w.ledger.members.accountOfOrganisation(ALICE_ORG)).to.equal(a.address);
      expect(await w.ledger.members.accountOfOrganisation(BOB_ORG)).to.equal(w.bob.address);
      expect(await w.ledger.members.isActive(b.address)).to.equal(false);
    });

    it("a retired account cannot be suspended, reinstated or admitted again; its organisation stays taken", async () => {
      const members = w.ledger.members.connect(w.registrar);
      const fresh = spare(w, 0);
      await members.rebind(w.alice.address, fresh.address, h());
      await expect(members.suspend(w.alice.address, h()))
        .to.be.revertedWithCustomError(members, "NotMember")
        .withArgs(w.alice.address);
      await expect(members.reinstate(w.alice.address))
        .to.be.revertedWithCustomError(members, "NotSuspended")
        .withArgs(w.alice.address);
      await expect(members.admit(w.alice.address, h(), "Alice reborn", 0, 0))
        .to.be.revertedWithCustomError(members, "AlreadyMember")
        .withArgs(w.alice.address);
      await expect(members.admit(w.outsider.address, ALICE_ORG, "Alice third account", 0, 0))
        .to.be.revertedWithCustomError(members, "OrganisationAlreadyAdmitted")
        .withArgs(ALICE_ORG, fresh.address);
    });

    it("rejects a zero new account and a zero reason", async () => {
      const members = w.ledger.members.connect(w.registrar);
      await expect(members.rebind(w.alice.address, ethers.ZeroAddress, h()))
        .to.be.revertedWithCustomError(members, "ZeroAddress")
        .withArgs(Field.Account);
      await expect(members.rebind(w.alice.address, spare(w, 0).address, ethers.ZeroHash))
        .to.be.revertedWithCustomError(members, "ZeroHash")
        .withArgs(Field.ReasonHash);
      expect(await w.ledger.members.isActive(w.alice.address)).to.equal(true);
    });

    it("is refused to anyone but the registrar, including the organisation itself", async () => {
      const { members } = w.ledger;
      const fresh = spare(w, 0);
      for (const who of [w.outsider, w.alice, w.court, w.admin]) {
        await expect(members.connect(who).rebind(w.alice.address, fresh.address, h()))
          .to.be.revertedWithCustomError(members, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await members.accountOfOrganisation(ALICE_ORG)).to.equal(w.alice.address);
      expect((await members.memberOf(fresh.address)).status).to.equal(MemberStatus.None);
    });
  });
});
