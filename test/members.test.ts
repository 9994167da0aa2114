import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ROLES } from "../scripts/lib/roles";
import { application, deployWorld, h, Jurisdiction, MemberType, submit, type World } from "./helpers/fixture";

const MemberStatus = { None: 0n, Active: 1n, Suspended: 2n } as const;

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
      expect(await members.isActive(w.outsider.address)).to.equal(true);
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
      const [active] = await members.standing(w.outsider.address);
      expect(active).to.equal(false);
      expect((await members.memberOf(w.outsider.address)).status).to.equal(MemberStatus.None);
      expect(await members.accountOfOrganisation(h())).to.equal(ethers.ZeroAddress);
    });

    it("is refused to an outsider and to a role other than registrar", async () => {
      const { members } = w.ledger;
      await expect(members.connect(w.outsider).admit(w.outsider.address, h(), "X", 0, 0))
        .to.be.revertedWithCustomError(members, "MissingRole")
        .withArgs(w.outsider.address, ROLES.REGISTRAR);
      await expect(members.connect(w.regulator).admit(w.outsider.address, h(), "X", 0, 0))
        .to.be.revertedWithCustomError(members, "MissingRole")
        .withArgs(w.regulator.address, ROLES.REGISTRAR);
      await expect(members.connect(w.admin).admit(w.outsider.address, h(), "X", 0, 0))
        .to.be.revertedWithCustomError(members, "MissingRole")
        .withArgs(w.admin.address, ROLES.REGISTRAR);
    });

    it("rejects bad input with the field name", async () => {
      const members = w.ledger.members.connect(w.registrar);
      await expect(members.admit(ethers.ZeroAddress, h(), "X", 0, 0))
        .to.be.revertedWithCustomError(members, "ZeroAddress")
        .withArgs("account");
      await expect(members.admit(w.outsider.address, ethers.ZeroHash, "X", 0, 0))
        .to.be.revertedWithCustomError(members, "ZeroHash")
        .withArgs("orgIdHash");
      await expect(members.admit(w.outsider.address, h(), "", 0, 0))
        .to.be.revertedWithCustomError(members, "EmptyString")
        .withArgs("name");
      await expect(members.admit(w.outsider.address, h(), "X", 4, 0))
        .to.be.revertedWithCustomError(members, "OutOfRange")
        .withArgs("memberType", 4);
      await expect(members.admit(w.outsider.address, h(), "X", 99, 0))
        .to.be.revertedWithCustomError(members, "OutOfRange")
        .withArgs("memberType", 99);
      await expect(members.admit(w.outsider.address, h(), "X", 0, 2))
        .to.be.revertedWithCustomError(members, "OutOfRange")
        .withArgs("jurisdiction", 2);
      await expect(members.admit(w.outsider.address, h(), "X", 0, 99))
        .to.be.revertedWithCustomError(members, "OutOfRange")
        .withArgs("jurisdiction", 99);
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
      const aliceOrg = ethers.id("USCC:Alice Data Co.");
      expect(await members.accountOfOrganisation(aliceOrg)).to.equal(w.alice.address);
      await expect(members.admit(w.outsider.address, aliceOrg, "Alice second account", 0, 0))
        .to.be.revertedWithCustomError(members, "OrganisationAlreadyAdmitted")
        .withArgs(aliceOrg, w.alice.address);
      expect(await members.isActive(w.outsider.address)).to.equal(false);
    });
  });

  describe("suspend and reinstate", () => {
    it("suspends an active member, who then cannot apply", async () => {
      const { members, registry } = w.ledger;
      const reason = h();
      await expect(members.connect(w.registrar).suspend(w.bob.address, reason))
        .to.emit(members, "MemberSuspended")
        .withArgs(w.bob.address, reason, w.registrar.address);
      expect(await members.isActive(w.bob.address)).to.equal(false);
      expect((await members.memberOf(w.bob.address)).status).to.equal(MemberStatus.Suspended);
      const [active] = await members.standing(w.bob.address);
      expect(active).to.equal(false);
      await expect(registry.connect(w.bob).submit(await application()))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.bob.address);
      await expect(registry.connect(w.bob).submitBatch([await application()]))
        .to.be.revertedWithCustomError(registry, "NotActiveMember")
        .withArgs(w.bob.address);
    });

    it("reinstates a suspended member, who can then apply again", async () => {
      const { members, registry } = w.ledger;
      await members.connect(w.registrar).suspend(w.bob.address, h());
      await expect(members.connect(w.registrar).reinstate(w.bob.address))
        .to.emit(members, "MemberReinstated")
        .withArgs(w.bob.address, w.registrar.address);
      expect(await members.isActive(w.bob.address)).to.equal(true);
      expect((await members.memberOf(w.bob.address)).status).to.equal(MemberStatus.Active);
      const id = await submit(w, w.bob);
      expect((await registry.recordOf(id)).holder).to.equal(w.bob.address);
    });

    it("suspend rejects a zero reason, a non-member and an already suspended member", async () => {
      const members = w.ledger.members.connect(w.registrar);
      await expect(members.suspend(w.bob.address, ethers.ZeroHash))
        .to.be.revertedWithCustomError(members, "ZeroHash")
        .withArgs("reasonHash");
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
      await expect(members.connect(w.outsider).suspend(w.bob.address, h()))
        .to.be.revertedWithCustomError(members, "MissingRole")
        .withArgs(w.outsider.address, ROLES.REGISTRAR);
      await expect(members.connect(w.court).suspend(w.bob.address, h()))
        .to.be.revertedWithCustomError(members, "MissingRole")
        .withArgs(w.court.address, ROLES.REGISTRAR);
      await members.connect(w.registrar).suspend(w.bob.address, h());
      await expect(members.connect(w.outsider).reinstate(w.bob.address))
        .to.be.revertedWithCustomError(members, "MissingRole")
        .withArgs(w.outsider.address, ROLES.REGISTRAR);
      await expect(members.connect(w.bob).reinstate(w.bob.address))
        .to.be.revertedWithCustomError(members, "MissingRole")
        .withArgs(w.bob.address, ROLES.REGISTRAR);
      expect(await members.isActive(w.bob.address)).to.equal(false);
    });
  });
});
