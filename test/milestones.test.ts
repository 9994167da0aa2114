import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { CNY, DAY, DataCategory, Milestone, deployWorld, h, register, submit, type World } from "./helpers/fixture";

const REGISTRAR = 1n;
const EXCHANGE = 2n;
const AUDITOR = 4n;
const REGULATOR = 5n;
const MILESTONE_WRITER = 14n;
const Treatment = { Inventory: 0, IntangibleAsset: 1 } as const;

interface Setup {
  w: World;
  /** alice's registered enterprise-category asset. */
  id: bigint;
  /** A registered public-category asset of bob. */
  publicId: bigint;
  /** An account granted MILESTONE_WRITER (as a ledger module would be). */
  writer: HardhatEthersSigner;
}

async function milestoneWorld(): Promise<Setup> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  const publicId = await register(w, w.bob, { category: DataCategory.Public });
  const writer = (await ethers.getSigners())[13];
  if (!writer) throw new Error("needs 14 signers");
  await w.ledger.manager.connect(w.admin).grantRole(MILESTONE_WRITER, writer.address, 0);
  return { w, id, publicId, writer };
}

describe("MilestoneRegistry", () => {
  describe("constructor", () => {
    it("refuses a zero registry", async () => {
      const { w } = await loadFixture(milestoneWorld);
      const factory = await ethers.getContractFactory("MilestoneRegistry");
      const m = await w.ledger.manager.getAddress();
      await expect(factory.deploy(m, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger.milestones, "ZeroAddress")
        .withArgs("registry");
      const r = await w.ledger.registry.getAddress();
      const ms = await factory.deploy(m, r);
      expect(await ms.registry()).to.equal(r);
    });
  });

  describe("attestFinancialStatements", () => {
    it("records an auditor's attestation as inventory", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const ev = h("audit");
      const tx = await w.ledger.milestones.connect(w.auditor).attestFinancialStatements(id, Treatment.Inventory, ev);
      const at = await time.latest();
      await expect(tx)
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(id, Milestone.FinancialStatements, w.alice.address, w.auditor.address, at, ev, Treatment.Inventory);
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.FinancialStatements);
      expect(r.set).to.equal(true);
      expect(r.attester).to.equal(w.auditor.address);
      expect(r.enterprise).to.equal(w.alice.address);
      expect(r.detail).to.equal(BigInt(Treatment.Inventory));
      expect(r.evidenceHash).to.equal(ev);
      expect(r[1]).to.equal(BigInt(at)); // `at`
    });

    it("records an intangible-asset treatment for the current holder", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, id);
      const ev = h("audit");
      await w.ledger.milestones.connect(w.auditor).attestFinancialStatements(id, Treatment.IntangibleAsset, ev);
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.FinancialStatements);
      expect(r.detail).to.equal(BigInt(Treatment.IntangibleAsset));
      expect(r.enterprise).to.equal(w.carol.address);
    });

    it("refuses an unknown treatment, a second attestation, a zero hash and an unregistered asset", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const ms = w.ledger.milestones.connect(w.auditor);
      await expect(ms.attestFinancialStatements(id, 2, h()))
        .to.be.revertedWithCustomError(ms, "OutOfRange")
        .withArgs("treatment", 2n);
      await expect(ms.attestFinancialStatements(id, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ms, "ZeroHash")
        .withArgs("evidenceHash");
      const pending = await submit(w, w.alice);
      await expect(ms.attestFinancialStatements(pending, 0, h()))
        .to.be.revertedWithCustomError(ms, "AssetNotRegistered")
        .withArgs(pending);
      await expect(ms.attestFinancialStatements(12345n, 0, h()))
        .to.be.revertedWithCustomError(ms, "AssetNotRegistered")
        .withArgs(12345n);
      const first = h("first");
      await ms.attestFinancialStatements(id, 0, first);
      await expect(ms.attestFinancialStatements(id, 1, h()))
        .to.be.revertedWithCustomError(ms, "MilestoneAlreadyRecorded")
        .withArgs(id, Milestone.FinancialStatements);
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.FinancialStatements);
      expect(r.detail).to.equal(0n);
      expect(r.evidenceHash).to.equal(first);
    });

    it("refuses a cancelled registration", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      await w.ledger.registry.connect(w.alice).cancel(id, h());
      await expect(w.ledger.milestones.connect(w.auditor).attestFinancialStatements(id, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "AssetNotRegistered")
        .withArgs(id);
    });

    it("is refused to anyone but an auditor", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      for (const who of [w.outsider, w.alice, w.registrar, w.exchange]) {
        await expect(w.ledger.milestones.connect(who).attestFinancialStatements(id, 0, h()))
          .to.be.revertedWithCustomError(w.ledger.milestones, "MissingRole")
          .withArgs(who.address, AUDITOR);
      }
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.FinancialStatements)).set).to.equal(false);
    });
  });

  describe("attestOpening", () => {
    it("is recorded by the registrar for public data", async () => {
      const { w, publicId } = await loadFixture(milestoneWorld);
      const ev = h("opening");
      await expect(w.ledger.milestones.connect(w.registrar).attestOpening(publicId, ev))
        .to.emit(w.ledger.milestones, "MilestoneRecorded");
      const r = await w.ledger.milestones.milestoneOf(publicId, Milestone.Opening);
      expect(r.set).to.equal(true);
      expect(r.attester).to.equal(w.registrar.address);
      expect(r.enterprise).to.equal(w.bob.address);
      expect(r.evidenceHash).to.equal(ev);
      expect(r.detail).to.equal(0n);
      await expect(w.ledger.milestones.connect(w.regulator).attestOpening(publicId, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "MilestoneAlreadyRecorded")
        .withArgs(publicId, Milestone.Opening);
    });

    it("is recorded by the regulator for public data", async () => {
      const { w, publicId } = await loadFixture(milestoneWorld);
      const ev = h("opening");
      const tx = await w.ledger.milestones.connect(w.regulator).attestOpening(publicId, ev);
      const at = await time.latest();
      await expect(tx)
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(publicId, Milestone.Opening, w.bob.address, w.regulator.address, at, ev, 0);
      expect((await w.ledger.milestones.milestoneOf(publicId, Milestone.Opening)).attester).to.equal(w.regulator.address);
    });

    it("refuses enterprise data, an unregistered public application and a zero hash", async () => {
      const { w, id, publicId } = await loadFixture(milestoneWorld);
      await expect(w.ledger.milestones.connect(w.registrar).attestOpening(id, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "NotPublicData")
        .withArgs(id);
      const pending = await submit(w, w.carol, { category: DataCategory.Public });
      await expect(w.ledger.milestones.connect(w.registrar).attestOpening(pending, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "AssetNotRegistered")
        .withArgs(pending);
      await expect(w.ledger.milestones.connect(w.registrar).attestOpening(publicId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.milestones, "ZeroHash")
        .withArgs("evidenceHash");
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Opening)).set).to.equal(false);
    });

    it("is refused to anyone but the registrar or the regulator", async () => {
      const { w, publicId } = await loadFixture(milestoneWorld);
      for (const who of [w.outsider, w.bob, w.auditor, w.exchange]) {
        await expect(w.ledger.milestones.connect(who).attestOpening(publicId, h()))
          .to.be.revertedWithCustomError(w.ledger.milestones, "MissingAnyRole")
          .withArgs(who.address, REGISTRAR, REGULATOR);
      }
      expect((await w.ledger.milestones.milestoneOf(publicId, Milestone.Opening)).set).to.equal(false);
    });
  });

  describe("attestFinancing", () => {
    it("is recorded by an exchange", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const ev = h("abs");
      const tx = await w.ledger.milestones.connect(w.exchange).attestFinancing(id, ev);
      const at = await time.latest();
      await expect(tx)
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(id, Milestone.Financing, w.alice.address, w.exchange.address, at, ev, 0);
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Financing);
      expect(r.set).to.equal(true);
      expect(r.attester).to.equal(w.exchange.address);
      expect(r.enterprise).to.equal(w.alice.address);
    });

    it("is recorded by an auditor, and a later pledge does not overwrite it", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const ev = h("credit");
      await w.ledger.milestones.connect(w.auditor).attestFinancing(id, ev);
      const due = (await time.latest()) + 30 * DAY;
      await w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1n, CNY, due, h());
      await expect(w.ledger.pledges.connect(w.bob).accept(1n)).to.not.emit(w.ledger.milestones, "MilestoneRecorded");
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Financing);
      expect(r.attester).to.equal(w.auditor.address);
      expect(r.evidenceHash).to.equal(ev);
    });

    it("is refused once a pledge recorded the first financing", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const due = (await time.latest()) + 30 * DAY;
      await w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1n, CNY, due, h());
      await w.ledger.pledges.connect(w.bob).accept(1n);
      await expect(w.ledger.milestones.connect(w.exchange).attestFinancing(id, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "MilestoneAlreadyRecorded")
        .withArgs(id, Milestone.Financing);
    });

    it("is refused to anyone but an exchange or an auditor", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      for (const who of [w.outsider, w.alice, w.registrar, w.regulator]) {
        await expect(w.ledger.milestones.connect(who).attestFinancing(id, h()))
          .to.be.revertedWithCustomError(w.ledger.milestones, "MissingAnyRole")
          .withArgs(who.address, EXCHANGE, AUDITOR);
      }
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Financing)).set).to.equal(false);
    });
  });

  describe("recordAutomatic", () => {
    it("records a first for a MILESTONE_WRITER, once; later calls change nothing", async () => {
      const { w, id, writer } = await loadFixture(milestoneWorld);
      const ev = h("listing");
      const tx = await w.ledger.milestones.connect(writer).recordAutomatic(id, Milestone.Listing, w.exchange.address, w.alice.address, ev);
      const at = await time.latest();
      await expect(tx)
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(id, Milestone.Listing, w.alice.address, w.exchange.address, at, ev, 0);
      await expect(
        w.ledger.milestones.connect(writer).recordAutomatic(id, Milestone.Listing, w.bob.address, w.bob.address, h()),
      ).to.not.emit(w.ledger.milestones, "MilestoneRecorded");
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Listing);
      expect(r.attester).to.equal(w.exchange.address);
      expect(r.enterprise).to.equal(w.alice.address);
      expect(r.evidenceHash).to.equal(ev);
      expect(r[1]).to.equal(BigInt(at));
    });

    it("refuses the Registration kind", async () => {
      const { w, id, writer } = await loadFixture(milestoneWorld);
      await expect(
        w.ledger.milestones.connect(writer).recordAutomatic(id, Milestone.Registration, writer.address, w.alice.address, h()),
      )
        .to.be.revertedWithCustomError(w.ledger.milestones, "AutomaticMilestone")
        .withArgs(Milestone.Registration);
    });

    it("is refused to anyone without MILESTONE_WRITER", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      for (const who of [w.outsider, w.exchange, w.auditor, w.admin]) {
        await expect(
          w.ledger.milestones.connect(who).recordAutomatic(id, Milestone.Trade, who.address, w.alice.address, h()),
        )
          .to.be.revertedWithCustomError(w.ledger.milestones, "MissingRole")
          .withArgs(who.address, MILESTONE_WRITER);
      }
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Trade)).set).to.equal(false);
    });
  });

  describe("milestoneOf(Registration)", () => {
    it("is unset before confirmation and names the confirming registrar after", async () => {
      const { w } = await loadFixture(milestoneWorld);
      const id = await submit(w, w.carol);
      await w.ledger.registry.connect(w.registrar).accept(id, DAY);
      const before = await w.ledger.milestones.milestoneOf(id, Milestone.Registration);
      expect(before.set).to.equal(false);
      expect(before.attester).to.equal(ethers.ZeroAddress);
      expect(before[1]).to.equal(0n);
      await time.increase(DAY);
      await w.ledger.registry.connect(w.registrar).confirm(id);
      const at = await time.latest();
      const after = await w.ledger.milestones.milestoneOf(id, Milestone.Registration);
      expect(after.set).to.equal(true);
      expect(after.attester).to.equal(w.registrar.address);
      expect(after[1]).to.equal(BigInt(at));
      expect(after.enterprise).to.equal(ethers.ZeroAddress);
      expect(after.evidenceHash).to.equal(ethers.ZeroHash);
      const reg = await w.ledger.registry.registrationOf(id);
      expect(reg.confirmedBy).to.equal(w.registrar.address);
      expect(reg.confirmedAt).to.equal(BigInt(at));
    });

    it("is unset for an unknown asset", async () => {
      const { w } = await loadFixture(milestoneWorld);
      expect((await w.ledger.milestones.milestoneOf(777n, Milestone.Registration)).set).to.equal(false);
      expect((await w.ledger.milestones.milestoneOf(777n, Milestone.Listing)).set).to.equal(false);
    });
  });
});
