import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { CNY, DAY, Milestone, Reason, Status, deployWorld, h, register, type World } from "./helpers/fixture";

const COURT = 6n;
/** PledgeStatus values of PledgeRegistry. */
const PStatus = { None: 0n, Proposed: 1n, Active: 2n, Released: 3n, Enforced: 4n, Withdrawn: 5n } as const;

interface Proposal {
  pledgeId: bigint;
  dueDate: number;
  ref: string;
  amount: bigint;
}

/** `pledgor` proposes to pledge `assetId` to `pledgee`, due in 30 days. */
async function propose(
  w: World,
  assetId: bigint,
  pledgor: HardhatEthersSigner = w.alice,
  pledgee: HardhatEthersSigner = w.bob,
): Promise<Proposal> {
  const dueDate = (await time.latest()) + 30 * DAY;
  const ref = h("ref");
  const amount = 5_000_000n;
  const p = w.ledger.pledges.connect(pledgor);
  const pledgeId = await p.propose.staticCall(assetId, pledgee.address, amount, CNY, dueDate, ref);
  await p.propose(assetId, pledgee.address, amount, CNY, dueDate, ref);
  return { pledgeId, dueDate, ref, amount };
}

/** A registered asset of alice, pledged to bob. */
async function pledgedWorld(): Promise<{ w: World; id: bigint; p: Proposal }> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  const p = await propose(w, id);
  await w.ledger.pledges.connect(w.bob).accept(p.pledgeId);
  return { w, id, p };
}

async function registeredWorld(): Promise<{ w: World; id: bigint }> {
  const w = await deployWorld();
  return { w, id: await register(w, w.alice) };
}

describe("PledgeRegistry", () => {
  describe("constructor", () => {
    it("refuses a zero registry or milestone registry", async () => {
      const { w } = await loadFixture(registeredWorld);
      const factory = await ethers.getContractFactory("PledgeRegistry");
      const m = await w.ledger.manager.getAddress();
      const r = await w.ledger.registry.getAddress();
      const ms = await w.ledger.milestones.getAddress();
      await expect(factory.deploy(m, ethers.ZeroAddress, ms))
        .to.be.revertedWithCustomError(w.ledger.pledges, "ZeroAddress")
        .withArgs("registry");
      await expect(factory.deploy(m, r, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger.pledges, "ZeroAddress")
        .withArgs("milestones");
      const p = await factory.deploy(m, r, ms);
      expect(await p.registry()).to.equal(r);
      expect(await p.milestones()).to.equal(ms);
    });
  });

  describe("propose", () => {
    it("records a proposal by the holder", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const dueDate = (await time.latest()) + 30 * DAY;
      const ref = h("ref");
      await expect(w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1234n, CNY, dueDate, ref))
        .to.emit(w.ledger.pledges, "PledgeProposed")
        .withArgs(1n, id, w.alice.address, w.bob.address, 1234n, CNY, dueDate, ref);
      const p = await w.ledger.pledges.pledgeOf(1n);
      expect(p.pledgor).to.equal(w.alice.address);
      expect(p.pledgee).to.equal(w.bob.address);
      expect(p.assetId).to.equal(id);
      expect(p.status).to.equal(PStatus.Proposed);
      expect(p.dueDate).to.equal(BigInt(dueDate));
      expect(p.currency).to.equal(CNY);
      expect(p.securedAmount).to.equal(1234n);
      expect(p.registryRefHash).to.equal(ref);
      // A proposal does not encumber the asset yet.
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(0n);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(false);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.OK);
    });

    it("refuses a caller who is not the holder", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const due = (await time.latest()) + 30 * DAY;
      await expect(w.ledger.pledges.connect(w.carol).propose(id, w.bob.address, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotHolder")
        .withArgs(id, w.carol.address);
    });

    it("refuses a pledgee who is not an active member", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const due = (await time.latest()) + 30 * DAY;
      await expect(w.ledger.pledges.connect(w.alice).propose(id, w.outsider.address, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.outsider.address);
    });

    it("refuses invalid input", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const p = w.ledger.pledges.connect(w.alice);
      const now = await time.latest();
      const due = now + 30 * DAY;
      await expect(p.propose(id, ethers.ZeroAddress, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(p, "ZeroAddress")
        .withArgs("pledgee");
      await expect(p.propose(id, w.alice.address, 1n, CNY, due, h())).to.be.revertedWithCustomError(p, "SelfPledge");
      await expect(p.propose(id, w.bob.address, 0n, CNY, due, h()))
        .to.be.revertedWithCustomError(p, "OutOfRange")
        .withArgs("securedAmount", 0n);
      await expect(p.propose(id, w.bob.address, 1n, "0x000000", due, h()))
        .to.be.revertedWithCustomError(p, "ZeroHash")
        .withArgs("currency");
      const late = now + 100;
      await time.setNextBlockTimestamp(late);
      await expect(p.propose(id, w.bob.address, 1n, CNY, late, h()))
        .to.be.revertedWithCustomError(p, "InPast")
        .withArgs("dueDate", late, late);
      await expect(p.propose(id, w.bob.address, 1n, CNY, due, ethers.ZeroHash))
        .to.be.revertedWithCustomError(p, "ZeroHash")
        .withArgs("registryRefHash");
    });
  });

  describe("withdraw", () => {
    it("lets the pledgor withdraw a proposal, which can then not be accepted", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { pledgeId } = await propose(w, id);
      await expect(w.ledger.pledges.connect(w.bob).withdraw(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "NotPledgor")
        .withArgs(pledgeId, w.bob.address);
      await expect(w.ledger.pledges.connect(w.alice).withdraw(pledgeId))
        .to.emit(w.ledger.pledges, "PledgeWithdrawn")
        .withArgs(pledgeId, id);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Withdrawn);
      await expect(w.ledger.pledges.connect(w.bob).accept(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(pledgeId, PStatus.Withdrawn);
      await expect(w.ledger.pledges.connect(w.alice).withdraw(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(pledgeId, PStatus.Withdrawn);
    });

    it("refuses an unknown or accepted pledge", async () => {
      const { w, p } = await loadFixture(pledgedWorld);
      await expect(w.ledger.pledges.connect(w.alice).withdraw(77n))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(77n, PStatus.None);
      await expect(w.ledger.pledges.connect(w.alice).withdraw(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(p.pledgeId, PStatus.Active);
    });
  });

  describe("accept", () => {
    it("puts the pledge in effect, blocks transfer and a second pledge, and records the first financing", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { pledgeId, ref } = await propose(w, id);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Financing)).set).to.equal(false);
      await expect(w.ledger.pledges.connect(w.bob).accept(pledgeId))
        .to.emit(w.ledger.pledges, "PledgeActivated")
        .withArgs(pledgeId, id, w.bob.address)
        .and.to.emit(w.ledger.registry, "PledgedChanged")
        .withArgs(id, true)
        .and.to.emit(w.ledger.milestones, "MilestoneRecorded");
      const at = await time.latest();
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Active);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(pledgeId);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(true);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.Pledged);
      expect(await w.ledger.registry.pledgeCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.Pledged);

      const m = await w.ledger.milestones.milestoneOf(id, Milestone.Financing);
      expect(m.set).to.equal(true);
      expect(m.attester).to.equal(w.bob.address);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.evidenceHash).to.equal(ref);
      expect(m[1]).to.equal(BigInt(at)); // `at` (Result.at is shadowed by Array.prototype.at)

      await expect(w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, id))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetPledged")
        .withArgs(id);
      const due = (await time.latest()) + 30 * DAY;
      await expect(w.ledger.pledges.connect(w.alice).propose(id, w.carol.address, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetPledged")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("records the financing milestone on the first pledge only", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      const first = await w.ledger.milestones.milestoneOf(id, Milestone.Financing);
      await w.ledger.pledges.connect(w.bob).release(p.pledgeId);
      const second = await propose(w, id, w.alice, w.carol);
      await expect(w.ledger.pledges.connect(w.carol).accept(second.pledgeId))
        .to.emit(w.ledger.pledges, "PledgeActivated")
        .withArgs(second.pledgeId, id, w.carol.address)
        .and.not.to.emit(w.ledger.milestones, "MilestoneRecorded");
      const after = await w.ledger.milestones.milestoneOf(id, Milestone.Financing);
      expect(after.attester).to.equal(w.bob.address);
      expect(after.evidenceHash).to.equal(p.ref);
      expect(after[1]).to.equal(first[1]);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(second.pledgeId);
    });

    it("is refused to anyone but the pledgee", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { pledgeId } = await propose(w, id);
      for (const who of [w.alice, w.carol, w.outsider]) {
        await expect(w.ledger.pledges.connect(who).accept(pledgeId))
          .to.be.revertedWithCustomError(w.ledger.pledges, "NotPledgee")
          .withArgs(pledgeId, who.address);
      }
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Proposed);
    });

    it("fails once the pledgor no longer holds the asset", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { pledgeId } = await propose(w, id);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, id);
      await expect(w.ledger.pledges.connect(w.bob).accept(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotHolder")
        .withArgs(id, w.alice.address);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(false);
    });

    it("refuses an unknown or already active pledge, and a second proposal once the first is active", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const first = await propose(w, id);
      const second = await propose(w, id, w.alice, w.carol);
      await w.ledger.pledges.connect(w.bob).accept(first.pledgeId);
      await expect(w.ledger.pledges.connect(w.bob).accept(first.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(first.pledgeId, PStatus.Active);
      await expect(w.ledger.pledges.connect(w.carol).accept(second.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetPledged")
        .withArgs(id);
      await expect(w.ledger.pledges.connect(w.bob).accept(99n))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(99n, PStatus.None);
    });
  });

  describe("release", () => {
    it("lets the pledgee release: the asset is free again", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await expect(w.ledger.pledges.connect(w.alice).release(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "NotPledgee")
        .withArgs(p.pledgeId, w.alice.address);
      await expect(w.ledger.pledges.connect(w.bob).release(p.pledgeId))
        .to.emit(w.ledger.pledges, "PledgeReleased")
        .withArgs(p.pledgeId, id, w.bob.address)
        .and.to.emit(w.ledger.registry, "PledgedChanged")
        .withArgs(id, false);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Released);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(0n);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(false);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.OK);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      await expect(w.ledger.pledges.connect(w.bob).release(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(p.pledgeId, PStatus.Released);
    });

    it("refuses a proposal not yet accepted", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { pledgeId } = await propose(w, id);
      await expect(w.ledger.pledges.connect(w.bob).release(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(pledgeId, PStatus.Proposed);
    });
  });

  describe("enforce", () => {
    it("is refused before the due date and to anyone but the pledgee", async () => {
      const { w, p } = await loadFixture(pledgedWorld);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "PledgeNotDue")
        .withArgs(p.pledgeId, p.dueDate);
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.alice).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "NotPledgee")
        .withArgs(p.pledgeId, w.alice.address);
    });

    it("after the due date moves the asset to the pledgee and clears the pledge", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.emit(w.ledger.pledges, "PledgeEnforced")
        .withArgs(p.pledgeId, id, w.bob.address, false, p.ref)
        .and.to.emit(w.ledger.registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.pledges.getAddress(), p.ref)
        .and.to.emit(w.ledger.registry, "PledgedChanged")
        .withArgs(id, false);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(false);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Enforced);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(0n);
      expect(await w.ledger.registry.transferCheck(id, w.bob.address, w.carol.address)).to.equal(Reason.OK);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(p.pledgeId, PStatus.Enforced);
      await expect(w.ledger.pledges.connect(w.bob).release(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(p.pledgeId, PStatus.Enforced);
    });

    it("refuses a frozen asset to the pledgee, but a court may enforce it", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.disputes.connect(w.court).freeze(id, h("case"));
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      const caseHash = h("court");
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, caseHash))
        .to.emit(w.ledger.pledges, "PledgeEnforced")
        .withArgs(p.pledgeId, id, w.court.address, true, caseHash)
        .and.to.emit(w.ledger.registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.pledges.getAddress(), caseHash);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(false);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Enforced);
    });

    it("refuses a disputed asset to the pledgee", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.disputes.connect(w.carol).object(id, h("evidence"));
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
    });

    // contracts/README.md: "a pledgee's own enforcement bypasses only the pledge" — an expired
    // or core-grade asset must not move on the pledgee's own enforcement; a court's may.
    it("refuses an expired asset to the pledgee, but a court may enforce it", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      const { validUntil } = await w.ledger.registry.recordOf(id);
      await time.increaseTo(validUntil + 1n);
      expect(await w.ledger.registry.isExpired(id)).to.equal(true);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetExpired")
        .withArgs(id, validUntil);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      await w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h("court"));
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("refuses a core-grade asset to the pledgee, but a court may enforce it", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, 2, h("report"));
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      await w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h("court"));
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("refuses a proposal not yet accepted", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { pledgeId } = await propose(w, id);
      await expect(w.ledger.pledges.connect(w.bob).enforce(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(pledgeId, PStatus.Proposed);
    });
  });

  describe("courtEnforce", () => {
    it("works before the due date on a disputed asset", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.disputes.connect(w.carol).object(id, h("evidence"));
      const caseHash = h("court");
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, caseHash))
        .to.emit(w.ledger.pledges, "PledgeEnforced")
        .withArgs(p.pledgeId, id, w.court.address, true, caseHash);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("is refused to an outsider, the pledgee and the registrar", async () => {
      const { w, p } = await loadFixture(pledgedWorld);
      for (const who of [w.outsider, w.bob, w.registrar]) {
        await expect(w.ledger.pledges.connect(who).courtEnforce(p.pledgeId, h()))
          .to.be.revertedWithCustomError(w.ledger.pledges, "MissingRole")
          .withArgs(who.address, COURT);
      }
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
    });

    it("refuses a zero case hash and a pledge that is not active", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.pledges, "ZeroHash")
        .withArgs("caseHash");
      await w.ledger.pledges.connect(w.bob).release(p.pledgeId);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h()))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(p.pledgeId, PStatus.Released);
      const next = await propose(w, id, w.alice, w.carol);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(next.pledgeId, h()))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(next.pledgeId, PStatus.Proposed);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("refuses to enforce on a cancelled registration", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.registry.connect(w.registrar).cancel(id, h("reason"));
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
    });
  });
});
