import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { CNY, DAY, Reason, Status, deployWorld, h, licenseTerms, register, submit, type World } from "./helpers/fixture";

const REGISTRAR = 1n;
const COURT = 6n;

/** ObjectionStatus values of DisputeResolution. */
const OStatus = { None: 0n, Open: 1n, Dismissed: 2n, Cancelled: 3n, TransferredToClaimant: 4n, Compensated: 5n, Withdrawn: 6n } as const;
/** Ruling values of DisputeResolution. */
const Ruling = { Dismiss: 0, Cancel: 1, TransferToClaimant: 2, Compensate: 3 } as const;

/** Files an objection by `claimant` against `assetId` and returns the objection id. */
async function object(w: World, claimant: HardhatEthersSigner, assetId: bigint, evidence = h("evidence")): Promise<bigint> {
  const id = await w.ledger.disputes.nextObjectionId();
  await w.ledger.disputes.connect(claimant).object(assetId, evidence);
  return id;
}

async function disputed(w: World, assetId: bigint): Promise<boolean> {
  const rec = await w.ledger.registry.recordOf(assetId);
  return rec.disputed;
}

describe("DisputeResolution", () => {
  describe("constructor", () => {
    it("refuses a zero registry or member registry", async () => {
      const w = await loadFixture(deployWorld);
      const factory = await ethers.getContractFactory("DisputeResolution");
      const m = await w.ledger.manager.getAddress();
      const r = await w.ledger.registry.getAddress();
      const mem = await w.ledger.members.getAddress();
      await expect(factory.deploy(m, ethers.ZeroAddress, mem))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroAddress")
        .withArgs("registry");
      await expect(factory.deploy(m, r, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroAddress")
        .withArgs("members");
      const d = await factory.deploy(m, r, mem);
      expect(await d.registry()).to.equal(r);
      expect(await d.members()).to.equal(mem);
      expect(await d.nextObjectionId()).to.equal(1n);
    });
  });

  describe("object", () => {
    it("records an objection during review and marks the application disputed", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      const evidence = h("evidence");
      await expect(w.ledger.disputes.connect(w.bob).object(id, evidence))
        .to.emit(w.ledger.disputes, "ObjectionFiled")
        .withArgs(1n, id, w.bob.address, evidence)
        .and.to.emit(w.ledger.registry, "DisputeCountChanged")
        .withArgs(id, 1n);
      const o = await w.ledger.disputes.objectionOf(1n);
      expect(o.assetId).to.equal(id);
      expect(o.status).to.equal(OStatus.Open);
      expect(o.claimant).to.equal(w.bob.address);
      expect(o.evidenceHash).to.equal(evidence);
      expect(o.filedAt).to.equal(BigInt(await time.latest()));
      expect(await w.ledger.disputes.nextObjectionId()).to.equal(2n);
      expect(await disputed(w, id)).to.equal(true);
      expect((await w.ledger.registry.registrationOf(id)).openObjections).to.equal(1n);
    });

    it("during publicity blocks confirmation until the objection closes", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      await w.ledger.registry.connect(w.registrar).accept(id, DAY);
      const oid = await object(w, w.bob, id);
      await time.increase(DAY);
      await expect(w.ledger.registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(w.ledger.registry, "ObjectionsOpen")
        .withArgs(id, 1n);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Publicity);
      await w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Dismiss, h("decision"));
      await w.ledger.registry.connect(w.registrar).confirm(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect(await disputed(w, id)).to.equal(false);
    });

    it("after registration makes the asset disputed: transfer, licence and pledge are refused", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await object(w, w.carol, id);
      expect(await disputed(w, id)).to.equal(true);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Disputed);
      await expect(w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(id);
      await expect(w.ledger.licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address)))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(id);
      const due = (await time.latest()) + 30 * DAY;
      await expect(w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1000n, CNY, due, h("ref")))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("refuses a non-member claimant", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      await expect(w.ledger.disputes.connect(w.outsider).object(id, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NotActiveMember")
        .withArgs(w.outsider.address);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      await expect(w.ledger.disputes.connect(w.bob).object(id, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NotActiveMember")
        .withArgs(w.bob.address);
      expect(await disputed(w, id)).to.equal(false);
    });

    it("refuses a zero evidence hash", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      await expect(w.ledger.disputes.connect(w.bob).object(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs("evidenceHash");
    });

    it("refuses an unknown, refused or cancelled asset with the registry's WrongStatus", async () => {
      const w = await loadFixture(deployWorld);
      await expect(w.ledger.disputes.connect(w.bob).object(99n, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(99n, Status.None);
      const refused = await submit(w, w.alice);
      await w.ledger.registry.connect(w.registrar).refuse(refused, h("reason"));
      await expect(w.ledger.disputes.connect(w.bob).object(refused, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(refused, Status.Refused);
      const cancelled = await register(w, w.alice);
      await w.ledger.registry.connect(w.alice).cancel(cancelled, h("reason"));
      await expect(w.ledger.disputes.connect(w.bob).object(cancelled, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(cancelled, Status.Cancelled);
      expect(await w.ledger.disputes.nextObjectionId()).to.equal(1n);
    });
  });

  describe("withdraw", () => {
    it("lets the claimant withdraw, clearing the dispute", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const oid = await object(w, w.bob, id);
      await expect(w.ledger.disputes.connect(w.bob).withdraw(oid))
        .to.emit(w.ledger.disputes, "ObjectionWithdrawn")
        .withArgs(oid, id, w.bob.address)
        .and.to.emit(w.ledger.registry, "DisputeCountChanged")
        .withArgs(id, 0n);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Withdrawn);
      expect(await disputed(w, id)).to.equal(false);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
    });

    it("refuses anyone but the claimant", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const oid = await object(w, w.bob, id);
      for (const who of [w.alice, w.carol, w.registrar, w.outsider]) {
        await expect(w.ledger.disputes.connect(who).withdraw(oid))
          .to.be.revertedWithCustomError(w.ledger.disputes, "NotClaimant")
          .withArgs(oid, who.address);
      }
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
    });

    it("refuses an unknown or closed objection", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      await expect(w.ledger.disputes.connect(w.bob).withdraw(5n))
        .to.be.revertedWithCustomError(w.ledger.disputes, "UnknownObjection")
        .withArgs(5n);
      const oid = await object(w, w.bob, id);
      await w.ledger.disputes.connect(w.bob).withdraw(oid);
      await expect(w.ledger.disputes.connect(w.bob).withdraw(oid))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ObjectionNotOpen")
        .withArgs(oid, OStatus.Withdrawn);
    });
  });

  describe("rule", () => {
    it("Dismiss by the registrar clears the dispute only when the last objection closes", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const first = await object(w, w.bob, id);
      const second = await object(w, w.carol, id);
      expect((await w.ledger.registry.registrationOf(id)).openObjections).to.equal(2n);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.registrar).rule(first, Ruling.Dismiss, decision))
        .to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(first, id, Ruling.Dismiss, decision, w.registrar.address, w.bob.address)
        .and.to.emit(w.ledger.registry, "DisputeCountChanged")
        .withArgs(id, 1n);
      expect((await w.ledger.disputes.objectionOf(first)).status).to.equal(OStatus.Dismissed);
      expect(await disputed(w, id)).to.equal(true);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Disputed);
      await w.ledger.disputes.connect(w.court).rule(second, Ruling.Dismiss, h("decision"));
      expect(await disputed(w, id)).to.equal(false);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("Cancel on a registered asset burns the token", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const oid = await object(w, w.bob, id);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.court).rule(oid, Ruling.Cancel, decision))
        .to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.Cancel, decision, w.court.address, w.bob.address)
        .and.to.emit(w.ledger.registry, "RegistrationCancelled")
        .withArgs(id, await w.ledger.disputes.getAddress(), w.alice.address, decision)
        .and.to.emit(w.ledger.registry, "Transfer")
        .withArgs(w.alice.address, ethers.ZeroAddress, id);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Cancelled);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      await expect(w.ledger.registry.ownerOf(id)).to.be.revertedWithCustomError(w.ledger.registry, "ERC721NonexistentToken");
      expect(await w.ledger.registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Cancelled);
    });

    it("Cancel on a pending application cancels it", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      const oid = await object(w, w.bob, id);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Cancel, decision))
        .to.emit(w.ledger.registry, "RegistrationCancelled")
        .withArgs(id, await w.ledger.disputes.getAddress(), w.alice.address, decision);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      await expect(w.ledger.registry.connect(w.registrar).accept(id, DAY))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
    });

    it("TransferToClaimant moves a registered asset to the claimant", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const oid = await object(w, w.bob, id);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.court).rule(oid, Ruling.TransferToClaimant, decision))
        .to.emit(w.ledger.registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.disputes.getAddress(), decision)
        .and.to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.TransferToClaimant, decision, w.court.address, w.bob.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.registry.recordOf(id)).holder).to.equal(w.bob.address);
      expect(await w.ledger.registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.registry.balanceOf(w.bob.address)).to.equal(1n);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.TransferredToClaimant);
      expect(await disputed(w, id)).to.equal(false);
    });

    it("TransferToClaimant is not applicable to a pending application", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      await w.ledger.registry.connect(w.registrar).accept(id, DAY);
      const oid = await object(w, w.bob, id);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.TransferToClaimant, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "RulingNotApplicable")
        .withArgs(oid, Ruling.TransferToClaimant, Status.Publicity);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
      expect(await disputed(w, id)).to.equal(true);
    });

    it("Compensate closes the objection and the asset stays with its holder", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const oid = await object(w, w.bob, id);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Compensate, decision))
        .to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.Compensate, decision, w.registrar.address, w.bob.address);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Compensated);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
      expect(await disputed(w, id)).to.equal(false);
    });

    it("refuses anyone who is neither registrar nor court", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const oid = await object(w, w.bob, id);
      for (const who of [w.outsider, w.bob, w.exchange, w.regulator]) {
        await expect(w.ledger.disputes.connect(who).rule(oid, Ruling.Dismiss, h()))
          .to.be.revertedWithCustomError(w.ledger.disputes, "MissingAnyRole")
          .withArgs(who.address, REGISTRAR, COURT);
      }
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
    });

    it("refuses a ruling out of range, a zero decision hash, a closed or unknown objection", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const oid = await object(w, w.bob, id);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, 4, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "OutOfRange")
        .withArgs("ruling", 4n);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Dismiss, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs("decisionHash");
      await expect(w.ledger.disputes.connect(w.registrar).rule(42n, Ruling.Dismiss, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "UnknownObjection")
        .withArgs(42n);
      await w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Dismiss, h());
      await expect(w.ledger.disputes.connect(w.court).rule(oid, Ruling.Cancel, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ObjectionNotOpen")
        .withArgs(oid, OStatus.Dismissed);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
    });
  });

  describe("court orders", () => {
    it("freeze stops transfer, holder cancellation and metadata change; unfreeze lifts it", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const caseHash = h("case");
      await expect(w.ledger.disputes.connect(w.court).freeze(id, caseHash))
        .to.emit(w.ledger.disputes, "AssetFrozenByCourt")
        .withArgs(id, caseHash, w.court.address)
        .and.to.emit(w.ledger.registry, "FrozenChanged")
        .withArgs(id, true);
      expect((await w.ledger.registry.recordOf(id)).frozen).to.equal(true);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Frozen);
      await expect(w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(id);
      await expect(w.ledger.registry.connect(w.alice).cancel(id, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(id);
      await expect(w.ledger.registry.connect(w.alice).changeMetadata(id, h(), "ipfs://new"))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(id);
      await expect(w.ledger.disputes.connect(w.court).freeze(id, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "AlreadyInState")
        .withArgs(id);

      const liftHash = h("lift");
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, liftHash))
        .to.emit(w.ledger.disputes, "AssetUnfrozenByCourt")
        .withArgs(id, liftHash, w.court.address)
        .and.to.emit(w.ledger.registry, "FrozenChanged")
        .withArgs(id, false);
      expect((await w.ledger.registry.recordOf(id)).frozen).to.equal(false);
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "AlreadyInState")
        .withArgs(id);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("freeze refuses a zero case hash and an unregistered asset", async () => {
      const w = await loadFixture(deployWorld);
      const pending = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).freeze(pending, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs("caseHash");
      await expect(w.ledger.disputes.connect(w.court).unfreeze(pending, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs("caseHash");
      await expect(w.ledger.disputes.connect(w.court).freeze(pending, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
    });

    it("orderTransfer moves a frozen, pledged and disputed asset", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      const due = (await time.latest()) + 30 * DAY;
      const pledgeId = await w.ledger.pledges.connect(w.alice).propose.staticCall(id, w.bob.address, 1000n, CNY, due, h());
      await w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1000n, CNY, due, h());
      await w.ledger.pledges.connect(w.bob).accept(pledgeId);
      await object(w, w.bob, id);
      await w.ledger.disputes.connect(w.court).freeze(id, h());
      const rec = await w.ledger.registry.recordOf(id);
      expect([rec.frozen, rec.pledged, rec.disputed]).to.deep.equal([true, true, true]);

      const caseHash = h("order");
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.carol.address, caseHash))
        .to.emit(w.ledger.disputes, "TransferOrdered")
        .withArgs(id, w.carol.address, caseHash, w.court.address)
        .and.to.emit(w.ledger.registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.carol.address, await w.ledger.disputes.getAddress(), caseHash)
        .and.to.emit(w.ledger.registry, "Transfer")
        .withArgs(w.alice.address, w.carol.address, id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.carol.address);
      expect(await w.ledger.registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.registry.balanceOf(w.carol.address)).to.equal(1n);
    });

    it("orderTransfer refuses a non-member receiver, the zero address, a zero hash and an unregistered asset", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.outsider.address, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, ethers.ZeroAddress, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroAddress")
        .withArgs("to");
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs("caseHash");
      const pending = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(pending, w.bob.address, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("orderCancel cancels a registration (even frozen) and a pending application", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      await w.ledger.disputes.connect(w.court).freeze(id, h());
      const caseHash = h("order");
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, caseHash))
        .to.emit(w.ledger.disputes, "CancellationOrdered")
        .withArgs(id, caseHash, w.court.address)
        .and.to.emit(w.ledger.registry, "RegistrationCancelled")
        .withArgs(id, await w.ledger.disputes.getAddress(), w.alice.address, caseHash);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      await expect(w.ledger.registry.ownerOf(id)).to.be.revertedWithCustomError(w.ledger.registry, "ERC721NonexistentToken");

      const pending = await submit(w, w.bob);
      await w.ledger.disputes.connect(w.court).orderCancel(pending, h());
      expect(await w.ledger.registry.statusOf(pending)).to.equal(Status.Cancelled);

      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs("caseHash");
    });

    it("every court order is refused for an outsider and for the registrar", async () => {
      const w = await loadFixture(deployWorld);
      const id = await register(w, w.alice);
      for (const who of [w.outsider, w.registrar]) {
        const d = w.ledger.disputes.connect(who);
        await expect(d.freeze(id, h())).to.be.revertedWithCustomError(d, "MissingRole").withArgs(who.address, COURT);
        await expect(d.unfreeze(id, h())).to.be.revertedWithCustomError(d, "MissingRole").withArgs(who.address, COURT);
        await expect(d.orderTransfer(id, w.bob.address, h()))
          .to.be.revertedWithCustomError(d, "MissingRole")
          .withArgs(who.address, COURT);
        await expect(d.orderCancel(id, h())).to.be.revertedWithCustomError(d, "MissingRole").withArgs(who.address, COURT);
      }
      const rec = await w.ledger.registry.recordOf(id);
      expect(rec.holder).to.equal(w.alice.address);
      expect(rec.status).to.equal(Status.Registered);
      expect(rec.frozen).to.equal(false);
    });
  });
});
