import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";
import {
  CNY,
  DAY,
  Grade,
  Milestone,
  PledgeAction,
  Reason,
  Status,
  YEAR,
  deployWorld,
  h,
  register,
  type World,
  Field,
} from "./helpers/fixture";

/** Module role ids (scripts/lib/roles.ts). */
const DISPUTES_MODULE = 10n;
const PLEDGE_MODULE = 12n;
/** PledgeStatus values of PledgeRegistry. */
const PStatus = { None: 0n, Proposed: 1n, Active: 2n, Released: 3n, Enforced: 4n, Withdrawn: 5n, Discharged: 6n } as const;

type Tx = Promise<ContractTransactionResponse>;

interface Proposal {
  pledgeId: bigint;
  dueDate: number;
  ref: string;
  amount: bigint;
}

/** `pledgor` proposes to pledge `assetId` to `pledgee`, due in 30 days unless told. */
async function propose(
  w: World,
  assetId: bigint,
  pledgor: HardhatEthersSigner = w.alice,
  pledgee: HardhatEthersSigner = w.bob,
  dueDate?: number
): Promise<Proposal> {
  const due = dueDate ?? (await time.latest()) + 30 * DAY;
  const ref = h("ref");
  const amount = 5_000_000n;
  const pledgeId = await w.ledger.pledges.nextPledgeId();
  await w.ledger.pledges.connect(pledgor).propose(assetId, pledgee.address, amount, CNY, due, ref);
  return { pledgeId, dueDate: due, ref, amount };
}

/** Files an objection by `claimant` and has the registrar admit it; returns its id. */
async function objectAdmitted(w: World, claimant: HardhatEthersSigner, assetId: bigint): Promise<bigint> {
  const oid = await w.ledger.disputes.nextObjectionId();
  await w.ledger.disputes.connect(claimant).object(assetId, h("evidence"));
  await w.ledger.disputes.connect(w.registrar).admit(oid);
  return oid;
}

/** The regulator clears the asset to go to `recipient` abroad, for a year. */
async function clear(w: World, assetId: bigint, recipient: string): Promise<void> {
  await w.ledger.compliance
    .connect(w.regulator)
    .grantCrossBorderClearance(assetId, recipient, h("route"), 0, (await time.latest()) + YEAR);
}

async function registeredWorld(): Promise<{ w: World; id: bigint }> {
  const w = await deployWorld();
  return { w, id: await register(w, w.alice) };
}

/** A registered asset of alice, pledged to bob. */
async function pledgedWorld(): Promise<{ w: World; id: bigint; p: Proposal }> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  const p = await propose(w, id);
  await w.ledger.pledges.connect(w.bob).accept(p.pledgeId);
  return { w, id, p };
}

/** A registered asset of alice, pledged to dave (foreign, cleared for this asset). */
async function foreignPledgeWorld(): Promise<{ w: World; id: bigint; p: Proposal }> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  await clear(w, id, w.dave.address);
  const p = await propose(w, id, w.alice, w.dave);
  await w.ledger.pledges.connect(w.dave).accept(p.pledgeId);
  return { w, id, p };
}

describe("PledgeRegistry", () => {
  describe("constructor", () => {
    it("refuses a zero registry, milestone registry or dispute module", async () => {
      const { w } = await loadFixture(registeredWorld);
      const factory = await ethers.getContractFactory("PledgeRegistry");
      const m = await w.ledger.manager.getAddress();
      const r = await w.ledger.registry.getAddress();
      const ms = await w.ledger.milestones.getAddress();
      const d = await w.ledger.disputes.getAddress();
      await expect(factory.deploy(m, ethers.ZeroAddress, ms, d))
        .to.be.revertedWithCustomError(w.ledger.pledges, "ZeroAddress")
        .withArgs(Field.Registry);
      await expect(factory.deploy(m, r, ethers.ZeroAddress, d))
        .to.be.revertedWithCustomError(w.ledger.pledges, "ZeroAddress")
        .withArgs(Field.Milestones);
      await expect(factory.deploy(m, r, ms, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger.pledges, "ZeroAddress")
        .withArgs(Field.Disputes);
      const p = await factory.deploy(m, r, ms, d);
      expect(await p.registry()).to.equal(r);
      expect(await p.milestones()).to.equal(ms);
      expect(await p.disputes()).to.equal(d);
      expect(await p.members()).to.equal(await w.ledger.members.getAddress());
      expect(await p.nextPledgeId()).to.equal(1n);
    });
  });

  describe("propose", () => {
    it("records a proposal by the holder, which neither encumbers the asset nor records a first", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const dueDate = (await time.latest()) + 30 * DAY;
      const ref = h("ref");
      await expect(w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1234n, CNY, dueDate, ref))
        .to.emit(w.ledger.pledges, "PledgeProposed")
        .withArgs(1n, id, w.alice.address, w.bob.address, 1234n, CNY, dueDate, ref)
        .and.not.to.emit(w.ledger.milestones, "MilestoneRecorded");
      const p = await w.ledger.pledges.pledgeOf(1n);
      expect(p.pledgor).to.equal(w.alice.address);
      expect(p.pledgee).to.equal(w.bob.address);
      expect(p.assetId).to.equal(id);
      expect(p.status).to.equal(PStatus.Proposed);
      expect(p.dueDate).to.equal(BigInt(dueDate));
      expect(p.currency).to.equal(CNY);
      expect(p.securedAmount).to.equal(1234n);
      expect(p.registryRefHash).to.equal(ref);
      expect(await w.ledger.pledges.nextPledgeId()).to.equal(2n);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(0n);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(false);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.carol.address)).to.equal(Reason.OK);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Financing)).set).to.equal(false);
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
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      await expect(w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.bob.address);
    });

    it("refuses a foreign pledgee without a clearance keyed to it", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const due = (await time.latest()) + 30 * DAY;
      await clear(w, id, w.bob.address); // another recipient's clearance does not count
      await expect(w.ledger.pledges.connect(w.alice).propose(id, w.dave.address, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
      await clear(w, id, w.dave.address);
      await w.ledger.pledges.connect(w.alice).propose(id, w.dave.address, 1n, CNY, due, h());
      expect(await w.ledger.pledges.nextPledgeId()).to.equal(2n);
    });

    it("refuses a frozen, disputed or expired asset", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const p = w.ledger.pledges.connect(w.alice);
      const due = (await time.latest()) + 30 * DAY;
      const caseHash = h("case");
      await w.ledger.disputes.connect(w.court).freeze(id, caseHash);
      await expect(p.propose(id, w.bob.address, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(id);
      await w.ledger.disputes.connect(w.court).unfreeze(id, caseHash);
      const oid = await objectAdmitted(w, w.carol, id);
      await expect(p.propose(id, w.bob.address, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(id);
      await w.ledger.disputes.connect(w.carol).withdraw(oid);
      const { validUntil } = await w.ledger.registry.recordOf(id);
      await time.increaseTo(validUntil + 1n);
      await expect(p.propose(id, w.bob.address, 1n, CNY, Number(validUntil) + DAY, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetExpired")
        .withArgs(id, validUntil);
      expect(await w.ledger.pledges.nextPledgeId()).to.equal(1n);
    });

    it("refuses invalid input", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const p = w.ledger.pledges.connect(w.alice);
      const now = await time.latest();
      const due = now + 30 * DAY;
      await expect(p.propose(id, ethers.ZeroAddress, 1n, CNY, due, h()))
        .to.be.revertedWithCustomError(p, "ZeroAddress")
        .withArgs(Field.Pledgee);
      await expect(p.propose(id, w.alice.address, 1n, CNY, due, h())).to.be.revertedWithCustomError(p, "SelfPledge");
      await expect(p.propose(id, w.bob.address, 0n, CNY, due, h()))
        .to.be.revertedWithCustomError(p, "OutOfRange")
        .withArgs(Field.SecuredAmount, 0n);
      await expect(p.propose(id, w.bob.address, 1n, "0x000000", due, h()))
        .to.be.revertedWithCustomError(p, "ZeroHash")
        .withArgs(Field.Currency);
      const late = now + 100;
      await time.setNextBlockTimestamp(late);
      await expect(p.propose(id, w.bob.address, 1n, CNY, late, h()))
        .to.be.revertedWithCustomError(p, "InPast")
        .withArgs(Field.DueDate, late, late);
      await expect(p.propose(id, w.bob.address, 1n, CNY, due, ethers.ZeroHash))
        .to.be.revertedWithCustomError(p, "ZeroHash")
        .withArgs(Field.RegistryRefHash);
      expect(await w.ledger.pledges.nextPledgeId()).to.equal(1n);
    });

    it("attack: a pledge falls due after the registration lapses, so the pledgee can never enforce it", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { validUntil } = await w.ledger.registry.recordOf(id);
      const late = Number(validUntil) + 1;
      await expect(w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1n, CNY, late, h()))
        .to.be.revertedWithCustomError(w.ledger.pledges, "DueAfterValidity")
        .withArgs(late, validUntil);
      expect(await w.ledger.pledges.nextPledgeId()).to.equal(1n);
      // The last second of validity is still a valid due date.
      const p = await propose(w, id, w.alice, w.bob, Number(validUntil));
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).dueDate).to.equal(validUntil);
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
      const tx = w.ledger.pledges.connect(w.bob).accept(pledgeId);
      await expect(tx)
        .to.emit(w.ledger.pledges, "PledgeActivated")
        .withArgs(pledgeId, id, w.bob.address)
        .and.to.emit(w.ledger.registry, "PledgedChanged")
        .withArgs(id, true);
      const at = await time.latest();
      // A pledge to a lender of another organisation is the arm's-length event the financing first needs.
      await expect(tx)
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(id, Milestone.Financing, w.alice.address, w.bob.address, at, ref, 0);
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
      for (const who of [w.alice, w.carol, w.outsider, w.court]) {
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

    it("fails once an admitted objection disputes the asset", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { pledgeId } = await propose(w, id);
      await objectAdmitted(w, w.carol, id);
      await expect(w.ledger.pledges.connect(w.bob).accept(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(id);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Proposed);
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

  describe("validity and renewal", () => {
    it("a renewal only extends the validity, so it never falls below an active pledge's due date", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const { validUntil } = await w.ledger.registry.recordOf(id);
      const p = await propose(w, id, w.alice, w.bob, Number(validUntil));
      await w.ledger.pledges.connect(w.bob).accept(p.pledgeId);
      for (const shorter of [validUntil - 1n, validUntil]) {
        await expect(w.ledger.registry.connect(w.registrar).renew(id, shorter, h("renewal")))
          .to.be.revertedWithCustomError(w.ledger.registry, "RenewalNotLater")
          .withArgs(validUntil, shorter);
      }
      expect((await w.ledger.registry.recordOf(id)).validUntil).to.equal(validUntil);
      const longer = validUntil + BigInt(30 * DAY);
      await w.ledger.registry.connect(w.registrar).renew(id, longer, h("renewal"));
      expect((await w.ledger.registry.recordOf(id)).validUntil).to.equal(longer);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).dueDate).to.be.lessThanOrEqual(longer);
    });
  });

  describe("enforce", () => {
    it("is refused before the due date and to anyone but the pledgee", async () => {
      const { w, p } = await loadFixture(pledgedWorld);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "PledgeNotDue")
        .withArgs(p.pledgeId, p.dueDate);
      await time.increaseTo(p.dueDate + 1);
      for (const who of [w.alice, w.carol, w.court]) {
        await expect(w.ledger.pledges.connect(who).enforce(p.pledgeId))
          .to.be.revertedWithCustomError(w.ledger.pledges, "NotPledgee")
          .withArgs(p.pledgeId, who.address);
      }
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
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

    it("a court hold stops the pledgee's own enforcement (AssetFrozen), but not a court's", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.disputes.connect(w.court).freeze(id, h("case"));
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
      const caseHash = h("court");
      await expect(w.ledger.pledges.connect(w.court2).courtEnforce(p.pledgeId, caseHash))
        .to.emit(w.ledger.pledges, "PledgeEnforced")
        .withArgs(p.pledgeId, id, w.court2.address, true, caseHash)
        .and.to.emit(w.ledger.registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.pledges.getAddress(), caseHash);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(false);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Enforced);
    });

    // Changed: any open objection used to block enforcement; now only an admitted one of someone
    // other than the pledgor does (issue 8, sections 2 and 3).
    it("an admitted objection of a third party blocks the pledgee's enforcement (AssetDisputed); an unadmitted one does not", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await time.increaseTo(p.dueDate + 1);
      const oid = await w.ledger.disputes.nextObjectionId();
      await w.ledger.disputes.connect(w.carol).object(id, h("evidence"));
      await expect(w.ledger.pledges.connect(w.bob).enforce.staticCall(p.pledgeId)).to.not.be.reverted;
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "AssetDisputed")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
    });

    it("attack: the pledgor's own objection, filed and admitted, shields the asset from enforcement — now it does not", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await objectAdmitted(w, w.alice, id);
      expect((await w.ledger.registry.recordOf(id)).disputed).to.equal(true);
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.emit(w.ledger.pledges, "PledgeEnforced")
        .withArgs(p.pledgeId, id, w.bob.address, false, p.ref);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("the pledgor's own admitted objection does not hide a third party's", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await objectAdmitted(w, w.alice, id);
      await objectAdmitted(w, w.carol, id);
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "AssetDisputed")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    // Changed: the pledgee's enforcement used to be refused on an expired asset. A pledge never
    // falls due after the validity (issue 8, section 2), and enforcement ignores the validity.
    it("works after the asset expired: enforcement ignores validity", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      const { validUntil } = await w.ledger.registry.recordOf(id);
      await time.increaseTo(validUntil + 1n);
      expect(await w.ledger.registry.isExpired(id)).to.equal(true);
      await w.ledger.pledges.connect(w.bob).enforce(p.pledgeId);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Enforced);
    });

    it("a court may enforce after the asset expired too", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      const { validUntil } = await w.ledger.registry.recordOf(id);
      await time.increaseTo(validUntil + 1n);
      await w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h("court"));
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("works after the pledgor was suspended", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h("reason"));
      await time.increaseTo(p.dueDate + 1);
      await w.ledger.pledges.connect(w.bob).enforce(p.pledgeId);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("needs an active pledgee (NotActiveMember)", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.bob.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    // Changed: a court's enforcement used to move a core-grade asset. No order overrides the
    // law (issue 8, section 6): core data moves neither by the pledgee nor by a court.
    it("a core-grade asset does not move, by the pledgee or by a court (CoreDataRestricted)", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h("report"));
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.bob).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted")
        .withArgs(id);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h("court")))
        .to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
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
    it("works before the due date on a disputed and frozen asset", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await objectAdmitted(w, w.carol, id);
      await w.ledger.disputes.connect(w.court2).freeze(id, h("case"));
      const caseHash = h("court");
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, caseHash))
        .to.emit(w.ledger.pledges, "PledgeEnforced")
        .withArgs(p.pledgeId, id, w.court.address, true, caseHash);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("refuses a foreign pledgee whose clearance was revoked (CrossBorderNotCleared), by the pledgee or by a court", async () => {
      const { w, id, p } = await loadFixture(foreignPledgeWorld);
      await w.ledger.compliance.connect(w.regulator).revokeCrossBorderClearance(id, w.dave.address, h("reason"));
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h("court")))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
      await expect(w.ledger.pledges.connect(w.dave).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      await clear(w, id, w.dave.address);
      await w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h("court"));
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.dave.address);
    });

    it("is the court's: an outsider, the pledgee and the registrar are refused", async () => {
      const { w, p } = await loadFixture(pledgedWorld);
      for (const who of [w.outsider, w.bob, w.registrar, w.admin]) {
        await expect(w.ledger.pledges.connect(who).courtEnforce(p.pledgeId, h()))
          .to.be.revertedWithCustomError(w.ledger.pledges, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
    });

    it("refuses a zero case hash and a pledge that is not active", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.pledges, "ZeroHash")
        .withArgs(Field.CaseHash);
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

    // Ported: this test used to cancel the pledged asset by the registrar and then find the pledge
    // unenforceable. The registrar can no longer do that; only a court's cancellation, which
    // discharges the pledge with an event.
    it("attack: a registrar cancels a pledged asset and leaves a pledge that can never be enforced", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      await expect(w.ledger.registry.connect(w.registrar).registrarCancel(id, h("reason")))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetPledged")
        .withArgs(id);
      await expect(w.ledger.registry.connect(w.alice).cancel(id, h("reason")))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetPledged")
        .withArgs(id);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
      const caseHash = h("order");
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, caseHash, []))
        .to.emit(w.ledger.pledges, "PledgeDischarged")
        .withArgs(p.pledgeId, id, caseHash);
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h()))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(p.pledgeId, PStatus.Discharged);
    });
  });

  describe("across the pledgee's key rotation", () => {
    it("attack: a creditor who lost its key is locked out of its pledge — its organisation's new account acts for it", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      const fresh = w.spare[0] as HardhatEthersSigner;
      await w.ledger.members.connect(w.registrar).rebind(w.bob.address, fresh.address, h("rebind"));
      // The retired account can no longer act; the new one can, and the asset goes to it.
      await time.increaseTo(p.dueDate + 1);
      await expect(w.ledger.pledges.connect(w.carol).enforce(p.pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "NotPledgee")
        .withArgs(p.pledgeId, w.carol.address);
      await expect(w.ledger.pledges.connect(fresh).enforce(p.pledgeId)).to.emit(w.ledger.pledges, "PledgeEnforced");
      expect(await w.ledger.registry.ownerOf(id)).to.equal(fresh.address);
    });

    it("a court's enforcement of a retired pledgee's pledge sends the asset to its organisation's new account", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      const fresh = w.spare[0] as HardhatEthersSigner;
      await w.ledger.members.connect(w.registrar).rebind(w.bob.address, fresh.address, h("rebind"));
      await w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h("case"));
      expect(await w.ledger.registry.ownerOf(id)).to.equal(fresh.address);
    });

    it("the new account accepts a proposal made to the old one, and releases it", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const p = await propose(w, id);
      const fresh = w.spare[0] as HardhatEthersSigner;
      await w.ledger.members.connect(w.registrar).rebind(w.bob.address, fresh.address, h("rebind"));
      await expect(w.ledger.pledges.connect(fresh).accept(p.pledgeId))
        .to.emit(w.ledger.pledges, "PledgeActivated")
        .withArgs(p.pledgeId, id, fresh.address);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).pledgee).to.equal(fresh.address);
      await w.ledger.pledges.connect(fresh).release(p.pledgeId);
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(false);
    });
  });

  describe("module hooks", () => {
    it("settleForCourt is for the dispute module only (NotModule)", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      for (const who of [w.outsider, w.court, w.registrar, w.admin, w.bob]) {
        const pl = w.ledger.pledges.connect(who);
        for (const action of [PledgeAction.Carry, PledgeAction.Discharge]) {
          await expect(pl.settleForCourt(id, action, w.carol.address, h()))
            .to.be.revertedWithCustomError(pl, "NotModule")
            .withArgs(who.address, DISPUTES_MODULE);
        }
      }
      const rec = await w.ledger.pledges.pledgeOf(p.pledgeId);
      expect([rec.pledgor, rec.status]).to.deep.equal([w.alice.address, PStatus.Active]);
    });

    it("the registry's pledge hooks answer only the pledge module (NotModule)", async () => {
      const { w, id } = await loadFixture(pledgedWorld);
      for (const who of [w.outsider, w.court, w.bob]) {
        const r = w.ledger.registry.connect(who);
        await expect(r.setPledged(id, false)).to.be.revertedWithCustomError(r, "NotModule").withArgs(who.address, PLEDGE_MODULE);
        await expect(r.enforcePledge(id, w.bob.address, true, h()))
          .to.be.revertedWithCustomError(r, "NotModule")
          .withArgs(who.address, PLEDGE_MODULE);
      }
      expect((await w.ledger.registry.recordOf(id)).pledged).to.equal(true);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });
  });

  describe("closing the contract", () => {
    it("stops every member action (ContractClosed) and a court's enforcement, until it is reopened", async () => {
      const { w, id, p } = await loadFixture(pledgedWorld);
      const other = await register(w, w.bob);
      const proposal = await propose(w, other, w.bob, w.carol);
      await time.increaseTo(p.dueDate + 1);
      const target = await w.ledger.pledges.getAddress();
      await w.ledger.manager.connect(w.admin).setTargetClosed(target, true);
      const due = (await time.latest()) + 30 * DAY;
      const actions: [string, () => Tx][] = [
        ["propose", () => w.ledger.pledges.connect(w.bob).propose(other, w.alice.address, 1n, CNY, due, h())],
        ["withdraw", () => w.ledger.pledges.connect(w.bob).withdraw(proposal.pledgeId)],
        ["accept", () => w.ledger.pledges.connect(w.carol).accept(proposal.pledgeId)],
        ["release", () => w.ledger.pledges.connect(w.bob).release(p.pledgeId)],
        ["enforce", () => w.ledger.pledges.connect(w.bob).enforce(p.pledgeId)],
      ];
      for (const [name, call] of actions) {
        await expect(call(), name).to.be.revertedWithCustomError(w.ledger.pledges, "ContractClosed").withArgs(target);
      }
      await expect(w.ledger.pledges.connect(w.court).courtEnforce(p.pledgeId, h()))
        .to.be.revertedWithCustomError(w.ledger.pledges, "AccessManagedUnauthorized")
        .withArgs(w.court.address);
      expect((await w.ledger.pledges.pledgeOf(p.pledgeId)).status).to.equal(PStatus.Active);
      expect((await w.ledger.pledges.pledgeOf(proposal.pledgeId)).status).to.equal(PStatus.Proposed);

      await w.ledger.manager.connect(w.admin).setTargetClosed(target, false);
      await w.ledger.pledges.connect(w.bob).enforce(p.pledgeId);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });
  });
});
