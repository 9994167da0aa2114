import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse, Result } from "ethers";
import {
  CNY,
  DAY,
  Grade,
  Jurisdiction,
  MemberType,
  PledgeAction,
  Reason,
  Rights,
  Ruling,
  Status,
  Territory,
  YEAR,
  application,
  deployWorld,
  h,
  licenseTerms,
  register,
  submit,
  submitBatch,
  type World,
  Field,
} from "./helpers/fixture";

/** Module role ids (scripts/lib/roles.ts). */
const DISPUTES_MODULE = 10n;
const COURT_ROLE = 6n;
/** ObjectionStatus values of DisputeResolution. */
const OStatus = {
  None: 0n,
  Open: 1n,
  Dismissed: 2n,
  Cancelled: 3n,
  TransferredToClaimant: 4n,
  Compensated: 5n,
  Withdrawn: 6n,
} as const;
/** PledgeStatus values of PledgeRegistry. */
const PStatus = { Proposed: 1n, Active: 2n, Enforced: 4n, Discharged: 6n } as const;
/** LicenseRegistry.LicenseState and EndCause values. */
const LState = { Active: 1n, Ended: 5n } as const;
const EndCause = { AssetCancelled: 1n } as const;

type Tx = Promise<ContractTransactionResponse>;

/** Files an objection by `claimant` against `assetId` and returns its id. */
async function object(w: World, claimant: HardhatEthersSigner, assetId: bigint, evidence = h("evidence")): Promise<bigint> {
  const id = await w.ledger.disputes.nextObjectionId();
  await w.ledger.disputes.connect(claimant).object(assetId, evidence);
  return id;
}

/** Files an objection and has it admitted (by the registrar unless told). */
async function objectAdmitted(w: World, claimant: HardhatEthersSigner, assetId: bigint, by = w.registrar): Promise<bigint> {
  const id = await object(w, claimant, assetId);
  await w.ledger.disputes.connect(by).admit(id);
  return id;
}

/** `pledgor` pledges `assetId` to `pledgee` (proposed and accepted), due in 30 days; returns the pledge id. */
async function pledge(
  w: World,
  assetId: bigint,
  pledgor = w.alice,
  pledgee = w.bob
): Promise<{ pledgeId: bigint; dueDate: number }> {
  const dueDate = (await time.latest()) + 30 * DAY;
  const pledgeId = await w.ledger.pledges.nextPledgeId();
  await w.ledger.pledges.connect(pledgor).propose(assetId, pledgee.address, 1_000n, CNY, dueDate, h("ref"));
  await w.ledger.pledges.connect(pledgee).accept(pledgeId);
  return { pledgeId, dueDate };
}

/** The holder grants a domestic processing-use licence; returns its id. */
async function grant(w: World, assetId: bigint, licensor: HardhatEthersSigner, licensee: HardhatEthersSigner): Promise<bigint> {
  const id = await w.ledger.licenses.nextLicenseId();
  await w.ledger.licenses.connect(licensor).grant(assetId, await licenseTerms(licensee.address));
  return id;
}

/** The regulator clears the asset to go to one recipient abroad, for a year. */
async function clear(w: World, assetId: bigint, recipient: string): Promise<void> {
  await w.ledger.compliance
    .connect(w.regulator)
    .grantCrossBorderClearance(assetId, recipient, h("route"), 0, (await time.latest()) + YEAR);
}

async function record(
  w: World,
  assetId: bigint
): Promise<{ frozen: boolean; pledged: boolean; disputed: boolean; objectionsOpen: boolean }> {
  const r = await w.ledger.registry.recordOf(assetId);
  return { frozen: r.frozen, pledged: r.pledged, disputed: r.disputed, objectionsOpen: r.objectionsOpen };
}

async function docket(w: World, assetId: bigint): Promise<{ open: bigint; admitted: bigint; holds: bigint }> {
  const [open, admitted, holds] = await w.ledger.disputes.docketOf(assetId);
  return { open, admitted, holds };
}

/** The arguments of every `name` event `contract` emitted in the transaction, in order. */
async function eventsOf(tx: Tx, contract: BaseContract, name: string): Promise<Result[]> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  const address = (await contract.getAddress()).toLowerCase();
  const out: Result[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name === name) out.push(parsed.args);
  }
  return out;
}

async function registeredWorld(): Promise<{ w: World; id: bigint }> {
  const w = await deployWorld();
  return { w, id: await register(w, w.alice) };
}

/** A registered asset of alice, pledged to bob. */
async function pledgedWorld(): Promise<{ w: World; id: bigint; pledgeId: bigint; dueDate: number }> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  return { w, id, ...(await pledge(w, id)) };
}

/** A registered asset of alice with an open objection by carol. */
async function objectedWorld(): Promise<{ w: World; id: bigint; oid: bigint }> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  return { w, id, oid: await object(w, w.carol, id) };
}

describe("DisputeResolution", () => {
  describe("constructor and wiring", () => {
    it("refuses a zero registry and reads the member registry from the registry", async () => {
      const { w } = await loadFixture(registeredWorld);
      const factory = await ethers.getContractFactory("DisputeResolution");
      const m = await w.ledger.manager.getAddress();
      const r = await w.ledger.registry.getAddress();
      await expect(factory.deploy(m, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroAddress")
        .withArgs(Field.Registry);
      const d = await factory.deploy(m, r);
      expect(await d.registry()).to.equal(r);
      expect(await d.members()).to.equal(await w.ledger.members.getAddress());
      expect(await d.nextObjectionId()).to.equal(1n);
      expect(await d.pledges()).to.equal(ethers.ZeroAddress);
    });

    // Changed: the pledge registry is wired once; re-pointing it would strand the pledges
    // recorded in the first (PledgeRegistryAlreadySet), so the admin can no longer set it again.
    it("setPledgeRegistry is the admin's, refuses the zero address, is wired by deployLedger, and only once", async () => {
      const { w } = await loadFixture(registeredWorld);
      const pledges = await w.ledger.pledges.getAddress();
      expect(await w.ledger.disputes.pledges()).to.equal(pledges);
      for (const who of [w.outsider, w.registrar, w.court, w.alice]) {
        await expect(w.ledger.disputes.connect(who).setPledgeRegistry(pledges))
          .to.be.revertedWithCustomError(w.ledger.disputes, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      await expect(w.ledger.disputes.connect(w.admin).setPledgeRegistry(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroAddress")
        .withArgs(Field.Pledges);
      await expect(w.ledger.disputes.connect(w.admin).setPledgeRegistry(w.outsider.address))
        .to.be.revertedWithCustomError(w.ledger.disputes, "PledgeRegistryAlreadySet")
        .withArgs(pledges);
      expect(await w.ledger.disputes.pledges()).to.equal(pledges);
      // A fresh module is wired once, with the event.
      const fresh = await (await ethers.getContractFactory("DisputeResolution")).deploy(
        await w.ledger.manager.getAddress(),
        await w.ledger.registry.getAddress(),
      );
      await w.ledger.manager
        .connect(w.admin)
        .setTargetFunctionRole(await fresh.getAddress(), [fresh.interface.getFunction("setPledgeRegistry").selector], 0n);
      await expect(fresh.connect(w.admin).setPledgeRegistry(pledges)).to.emit(fresh, "PledgeRegistrySet").withArgs(pledges);
    });

    it("a dispute module without a pledge registry refuses to move or cancel a pledged asset (PledgesNotSet)", async () => {
      const { w, id } = await loadFixture(pledgedWorld);
      const factory = await ethers.getContractFactory("DisputeResolution");
      const fresh = await factory.deploy(await w.ledger.manager.getAddress(), await w.ledger.registry.getAddress());
      const freshAddress = await fresh.getAddress();
      await w.ledger.manager.connect(w.admin).grantRole(DISPUTES_MODULE, freshAddress, 0);
      const selectors = [
        fresh.interface.getFunction("orderTransfer").selector,
        fresh.interface.getFunction("orderCancel").selector,
      ];
      await w.ledger.manager.connect(w.admin).setTargetFunctionRole(freshAddress, selectors, COURT_ROLE);
      await expect(
        fresh.connect(w.court).orderTransfer(id, w.carol.address, h("case"), PledgeAction.Discharge)
      ).to.be.revertedWithCustomError(fresh, "PledgesNotSet");
      await expect(fresh.connect(w.court).orderCancel(id, h("case"), [])).to.be.revertedWithCustomError(fresh, "PledgesNotSet");
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await record(w, id)).pledged).to.equal(true);
    });
  });

  describe("object", () => {
    it("during review records the objection: objections open, not disputed", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      const evidence = h("evidence");
      await expect(w.ledger.disputes.connect(w.bob).object(id, evidence))
        .to.emit(w.ledger.disputes, "ObjectionFiled")
        .withArgs(1n, id, w.bob.address, evidence)
        .and.to.emit(w.ledger.registry, "DisputeFlagsChanged")
        .withArgs(id, true, false);
      const o = await w.ledger.disputes.objectionOf(1n);
      expect(o.assetId).to.equal(id);
      expect(o.status).to.equal(OStatus.Open);
      expect(o.admitted).to.equal(false);
      expect(o.claimant).to.equal(w.bob.address);
      expect(o.evidenceHash).to.equal(evidence);
      expect(o.filedAt).to.equal(BigInt(await time.latest()));
      expect(await w.ledger.disputes.nextObjectionId()).to.equal(2n);
      expect(await w.ledger.disputes.openObjectionOf(id, w.bob.address)).to.equal(1n);
      expect(await docket(w, id)).to.deep.equal({ open: 1n, admitted: 0n, holds: 0n });
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: true });
    });

    it("during publicity an open objection blocks confirmation until it is ruled on", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      await w.ledger.registry.connect(w.registrar).accept(id, DAY);
      const oid = await object(w, w.bob, id);
      await time.increase(DAY);
      await expect(w.ledger.registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(w.ledger.registry, "ObjectionsOpen")
        .withArgs(id);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Publicity);
      await w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Dismiss, h("decision"), []);
      await w.ledger.registry.connect(w.registrar).confirm(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: false });
    });

    it("during review a withdrawn objection no longer blocks confirmation", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      const oid = await object(w, w.bob, id);
      await w.ledger.registry.connect(w.registrar).accept(id, DAY);
      await time.increase(DAY);
      await expect(w.ledger.registry.connect(w.registrar).confirm(id))
        .to.be.revertedWithCustomError(w.ledger.registry, "ObjectionsOpen")
        .withArgs(id);
      await w.ledger.disputes.connect(w.bob).withdraw(oid);
      await w.ledger.registry.connect(w.registrar).confirm(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    // Changed: an objection after registration used to make the asset disputed at once; now it
    // only does so once admitted (issue 8, section 3).
    it("after registration is recorded at once, but the asset is not disputed until admitted", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      await expect(w.ledger.disputes.connect(w.carol).object(id, h("evidence")))
        .to.emit(w.ledger.disputes, "ObjectionFiled")
        .and.to.emit(w.ledger.registry, "DisputeFlagsChanged")
        .withArgs(id, true, false);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: true });
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("attack: a competitor files an objection to freeze a rival's asset — without admission nothing is blocked", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      await object(w, w.carol, id);
      // Every pre-trade view passes, and the holder licenses, pledges and sells as before.
      expect(await w.ledger.registry.transferReasons(id, w.alice.address, w.bob.address)).to.equal(0n);
      expect(
        await w.ledger.registry.licenseReasons(id, w.alice.address, w.bob.address, Rights.PROCESSING, Territory.Domestic, false)
      ).to.equal(0n);
      expect(await w.ledger.registry.pledgeReasons(id, w.alice.address, w.bob.address)).to.equal(0n);
      const lid = await grant(w, id, w.alice, w.bob);
      expect(await w.ledger.licenses.isInForce(lid)).to.equal(true);
      const { pledgeId } = await pledge(w, id);
      await w.ledger.pledges.connect(w.bob).release(pledgeId);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await record(w, id)).disputed).to.equal(false);
    });

    it("one open objection per claimant and asset; a new one once the first is closed", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await expect(w.ledger.disputes.connect(w.carol).object(id, h("again")))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ObjectionAlreadyOpen")
        .withArgs(id, w.carol.address, oid);
      // Another claimant, and the same claimant on another asset, may object.
      const other = await object(w, w.bob, id);
      const second = await register(w, w.bob);
      await object(w, w.carol, second);
      expect(await docket(w, id)).to.deep.equal({ open: 2n, admitted: 0n, holds: 0n });
      await w.ledger.disputes.connect(w.carol).withdraw(oid);
      expect(await w.ledger.disputes.openObjectionOf(id, w.carol.address)).to.equal(0n);
      const renewed = await object(w, w.carol, id);
      expect(renewed).to.not.equal(oid);
      expect(await w.ledger.disputes.openObjectionOf(id, w.carol.address)).to.equal(renewed);
      expect(await w.ledger.disputes.openObjectionOf(id, w.bob.address)).to.equal(other);
      expect(await docket(w, id)).to.deep.equal({ open: 2n, admitted: 0n, holds: 0n });
    });

    it("refuses a claimant who is not an active member", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      await expect(w.ledger.disputes.connect(w.outsider).object(id, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NotActiveMember")
        .withArgs(w.outsider.address);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      await expect(w.ledger.disputes.connect(w.bob).object(id, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NotActiveMember")
        .withArgs(w.bob.address);
      expect((await record(w, id)).objectionsOpen).to.equal(false);
      expect(await w.ledger.disputes.nextObjectionId()).to.equal(1n);
    });

    it("refuses a zero evidence hash", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      await expect(w.ledger.disputes.connect(w.bob).object(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs(Field.EvidenceHash);
    });

    it("refuses an unknown, refused or cancelled asset (WrongStatus)", async () => {
      const w = await loadFixture(deployWorld);
      await expect(w.ledger.disputes.connect(w.bob).object(99n, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "WrongStatus")
        .withArgs(99n, Status.None);
      const refused = await submit(w, w.alice);
      await w.ledger.registry.connect(w.registrar).refuse(refused, h("reason"));
      await expect(w.ledger.disputes.connect(w.bob).object(refused, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "WrongStatus")
        .withArgs(refused, Status.Refused);
      const cancelled = await register(w, w.alice);
      await w.ledger.registry.connect(w.alice).cancel(cancelled, h("reason"));
      await expect(w.ledger.disputes.connect(w.bob).object(cancelled, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "WrongStatus")
        .withArgs(cancelled, Status.Cancelled);
      expect(await w.ledger.disputes.nextObjectionId()).to.equal(1n);
    });
  });

  describe("admit", () => {
    it("by the registrar makes the asset disputed: transfer, licence, pledge and cancellation are refused", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await expect(w.ledger.disputes.connect(w.registrar).admit(oid))
        .to.emit(w.ledger.disputes, "ObjectionAdmitted")
        .withArgs(oid, id, w.registrar.address)
        .and.to.emit(w.ledger.registry, "DisputeFlagsChanged")
        .withArgs(id, true, true);
      expect((await w.ledger.disputes.objectionOf(oid)).admitted).to.equal(true);
      expect(await docket(w, id)).to.deep.equal({ open: 1n, admitted: 1n, holds: 0n });
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: true, objectionsOpen: true });
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
      await expect(w.ledger.registry.connect(w.alice).cancel(id, h("reason")))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("a court may admit too (ADJUDICATOR capability)", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await expect(w.ledger.disputes.connect(w.court2).admit(oid))
        .to.emit(w.ledger.disputes, "ObjectionAdmitted")
        .withArgs(oid, id, w.court2.address);
      expect((await record(w, id)).disputed).to.equal(true);
    });

    it("is refused to anyone without the ADJUDICATOR role", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      for (const who of [w.outsider, w.alice, w.carol, w.exchange, w.regulator, w.auditor]) {
        await expect(w.ledger.disputes.connect(who).admit(oid))
          .to.be.revertedWithCustomError(w.ledger.disputes, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.disputes.objectionOf(oid)).admitted).to.equal(false);
      expect((await record(w, id)).disputed).to.equal(false);
    });

    it("refuses an objection to a pending application (NotAdmissible)", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      const inReview = await object(w, w.bob, id);
      await expect(w.ledger.disputes.connect(w.registrar).admit(inReview))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NotAdmissible")
        .withArgs(inReview, Status.Applied);
      await w.ledger.registry.connect(w.registrar).accept(id, DAY);
      await expect(w.ledger.disputes.connect(w.court).admit(inReview))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NotAdmissible")
        .withArgs(inReview, Status.Publicity);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: true });
    });

    it("refuses an admitted (AlreadyAdmitted), closed or unknown objection", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      await expect(w.ledger.disputes.connect(w.court).admit(oid))
        .to.be.revertedWithCustomError(w.ledger.disputes, "AlreadyAdmitted")
        .withArgs(oid);
      expect(await docket(w, id)).to.deep.equal({ open: 1n, admitted: 1n, holds: 0n });
      await w.ledger.disputes.connect(w.carol).withdraw(oid);
      await expect(w.ledger.disputes.connect(w.registrar).admit(oid))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ObjectionNotOpen")
        .withArgs(oid, OStatus.Withdrawn);
      await expect(w.ledger.disputes.connect(w.registrar).admit(42n))
        .to.be.revertedWithCustomError(w.ledger.disputes, "UnknownObjection")
        .withArgs(42n);
      expect((await record(w, id)).disputed).to.equal(false);
    });

    it("the asset stays disputed until its last admitted objection closes", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      const bobs = await objectAdmitted(w, w.bob, id, w.court);
      const daves = await object(w, w.dave, id); // open, never admitted
      expect(await docket(w, id)).to.deep.equal({ open: 3n, admitted: 2n, holds: 0n });
      await expect(w.ledger.disputes.connect(w.registrar).rule(bobs, Ruling.Dismiss, h("decision"), [])).to.not.emit(
        w.ledger.registry,
        "DisputeFlagsChanged"
      );
      expect((await record(w, id)).disputed).to.equal(true);
      await expect(w.ledger.disputes.connect(w.carol).withdraw(oid))
        .to.emit(w.ledger.registry, "DisputeFlagsChanged")
        .withArgs(id, true, false);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: true });
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await expect(w.ledger.disputes.connect(w.dave).withdraw(daves))
        .to.emit(w.ledger.registry, "DisputeFlagsChanged")
        .withArgs(id, false, false);
      expect(await docket(w, id)).to.deep.equal({ open: 0n, admitted: 0n, holds: 0n });
    });
  });

  describe("withdraw", () => {
    it("lets the claimant withdraw an admitted objection, clearing the dispute", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      await expect(w.ledger.disputes.connect(w.carol).withdraw(oid))
        .to.emit(w.ledger.disputes, "ObjectionWithdrawn")
        .withArgs(oid, id, w.carol.address)
        .and.to.emit(w.ledger.registry, "DisputeFlagsChanged")
        .withArgs(id, false, false);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Withdrawn);
      expect(await w.ledger.disputes.openObjectionOf(id, w.carol.address)).to.equal(0n);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: false });
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
    });

    it("refuses anyone but the claimant", async () => {
      const { w, oid } = await loadFixture(objectedWorld);
      for (const who of [w.alice, w.bob, w.registrar, w.court, w.outsider]) {
        await expect(w.ledger.disputes.connect(who).withdraw(oid))
          .to.be.revertedWithCustomError(w.ledger.disputes, "NotClaimant")
          .withArgs(oid, who.address);
      }
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
    });

    it("refuses an unknown or closed objection", async () => {
      const { w, oid } = await loadFixture(objectedWorld);
      await expect(w.ledger.disputes.connect(w.carol).withdraw(5n))
        .to.be.revertedWithCustomError(w.ledger.disputes, "UnknownObjection")
        .withArgs(5n);
      await w.ledger.disputes.connect(w.carol).withdraw(oid);
      await expect(w.ledger.disputes.connect(w.carol).withdraw(oid))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ObjectionNotOpen")
        .withArgs(oid, OStatus.Withdrawn);
    });
  });

  describe("rule (the registrar's ruling)", () => {
    it("Dismiss clears the flags only when the last objection closes", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      const second = await object(w, w.bob, id);
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Dismiss, decision, []))
        .to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.Dismiss, decision, w.registrar.address, w.carol.address)
        .and.to.emit(w.ledger.registry, "DisputeFlagsChanged")
        .withArgs(id, true, false);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Dismissed);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: true });
      await w.ledger.disputes.connect(w.registrar).rule(second, Ruling.Dismiss, h("decision"), []);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: false });
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("Cancel burns the token and ends every listed licence, each with an event", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const l1 = await grant(w, id, w.alice, w.bob);
      const l2 = await grant(w, id, w.alice, w.carol);
      const oid = await objectAdmitted(w, w.carol, id);
      const decision = h("decision");
      const disputes = await w.ledger.disputes.getAddress();
      const tx = w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Cancel, decision, [l1, l2]);
      await expect(tx)
        .to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.Cancel, decision, w.registrar.address, w.carol.address)
        .and.to.emit(w.ledger.registry, "RegistrationCancelled")
        .withArgs(id, disputes, w.alice.address, decision)
        .and.to.emit(w.ledger.registry, "Transfer")
        .withArgs(w.alice.address, ethers.ZeroAddress, id);
      const ended = await eventsOf(tx, w.ledger.licenses, "LicenseEnded");
      expect(ended.map((e) => [...e])).to.deep.equal([
        [l1, id, decision, EndCause.AssetCancelled],
        [l2, id, decision, EndCause.AssetCancelled],
      ]);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Cancelled);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      expect((await w.ledger.registry.registrationOf(id)).openLicenses).to.equal(0n);
      expect(await w.ledger.licenses.stateOf(l1)).to.equal(LState.Ended);
      expect(await w.ledger.licenses.stateOf(l2)).to.equal(LState.Ended);
      await expect(w.ledger.registry.ownerOf(id)).to.be.revertedWithCustomError(w.ledger.registry, "ERC721NonexistentToken");
      expect(await w.ledger.registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Cancelled);
    });

    it("Cancel is refused while an open licence is left out (LicensesOpen), and nothing changes", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const l1 = await grant(w, id, w.alice, w.bob);
      const l2 = await grant(w, id, w.alice, w.carol);
      const oid = await object(w, w.carol, id);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Cancel, h("decision"), [l1]))
        .to.be.revertedWithCustomError(w.ledger.registry, "LicensesOpen")
        .withArgs(id, 1n);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Cancel, h("decision"), []))
        .to.be.revertedWithCustomError(w.ledger.registry, "LicensesOpen")
        .withArgs(id, 2n);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
      expect(await w.ledger.licenses.stateOf(l1)).to.equal(LState.Active);
      expect(await w.ledger.licenses.stateOf(l2)).to.equal(LState.Active);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
    });

    it("Cancel on a pending application cancels it", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      const oid = await object(w, w.bob, id);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Cancel, decision, []))
        .to.emit(w.ledger.registry, "RegistrationCancelled")
        .withArgs(id, await w.ledger.disputes.getAddress(), w.alice.address, decision);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      expect((await record(w, id)).objectionsOpen).to.equal(false);
      await expect(w.ledger.registry.connect(w.registrar).accept(id, DAY))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
    });

    it("TransferToClaimant moves an unencumbered registered asset to the claimant", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.TransferToClaimant, decision, []))
        .to.emit(w.ledger.registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.carol.address, await w.ledger.disputes.getAddress(), decision)
        .and.to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.TransferToClaimant, decision, w.registrar.address, w.carol.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.carol.address);
      expect(await w.ledger.registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.registry.balanceOf(w.carol.address)).to.equal(1n);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.TransferredToClaimant);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: false });
    });

    it("TransferToClaimant is not applicable to a pending application", async () => {
      const w = await loadFixture(deployWorld);
      const id = await submit(w, w.alice);
      await w.ledger.registry.connect(w.registrar).accept(id, DAY);
      const oid = await object(w, w.bob, id);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.TransferToClaimant, h(), []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "RulingNotApplicable")
        .withArgs(oid, Ruling.TransferToClaimant, Status.Publicity);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.disputes, "RulingNotApplicable")
        .withArgs(oid, Ruling.TransferToClaimant, Status.Publicity);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
      expect((await record(w, id)).objectionsOpen).to.equal(true);
    });

    it("Compensate closes the objection and the asset stays with its holder", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Compensate, decision, []))
        .to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.Compensate, decision, w.registrar.address, w.carol.address);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Compensated);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
      expect((await record(w, id)).objectionsOpen).to.equal(false);
    });

    it("attack: a registrar rules a frozen asset away from a court's hold", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await w.ledger.disputes.connect(w.court).freeze(id, h("case"));
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.TransferToClaimant, h("decision"), []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "AssetFrozen")
        .withArgs(id);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Cancel, h("decision"), []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "AssetFrozen")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
      // A ruling that leaves the asset where it is remains the registrar's to make.
      await w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Dismiss, h("decision"), []);
      expect(await record(w, id)).to.deep.equal({ frozen: true, pledged: false, disputed: false, objectionsOpen: false });
    });

    it("attack: a registrar's ruling cancels or moves a pledged asset and leaves the pledge dangling", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const oid = await objectAdmitted(w, w.carol, id);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Cancel, h("decision"), []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "AssetPledged")
        .withArgs(id);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.TransferToClaimant, h("decision"), []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "AssetPledged")
        .withArgs(id);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Active);
      await w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Compensate, h("decision"), []);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Active);
    });

    // Changed: a court used to rule through `rule`; it now has `courtRule`, which settles pledges.
    it("is the registrar's: a court (which has courtRule), members and outsiders are refused", async () => {
      const { w, oid } = await loadFixture(objectedWorld);
      for (const who of [w.court, w.outsider, w.carol, w.exchange, w.regulator]) {
        await expect(w.ledger.disputes.connect(who).rule(oid, Ruling.Dismiss, h(), []))
          .to.be.revertedWithCustomError(w.ledger.disputes, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
    });

    it("refuses a ruling out of range, a zero decision hash, a closed or unknown objection", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, 4, h(), []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "OutOfRange")
        .withArgs(Field.Ruling, 4n);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Dismiss, ethers.ZeroHash, []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs(Field.DecisionHash);
      await expect(w.ledger.disputes.connect(w.registrar).rule(42n, Ruling.Dismiss, h(), []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "UnknownObjection")
        .withArgs(42n);
      await w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Dismiss, h(), []);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.Cancel, h(), []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ObjectionNotOpen")
        .withArgs(oid, OStatus.Dismissed);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
    });
  });

  describe("courtRule (a court's ruling)", () => {
    it("TransferToClaimant moves a frozen and disputed asset", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await w.ledger.disputes.connect(w.court).admit(oid);
      await w.ledger.disputes.connect(w.court2).freeze(id, h("case"));
      const decision = h("judgment");
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, decision, [], PledgeAction.None))
        .to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.TransferToClaimant, decision, w.court.address, w.carol.address)
        .and.to.emit(w.ledger.registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.carol.address, await w.ledger.disputes.getAddress(), decision);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.carol.address);
      // The other court's hold stays on the asset with its new holder.
      expect(await record(w, id)).to.deep.equal({ frozen: true, pledged: false, disputed: false, objectionsOpen: false });
    });

    it("TransferToClaimant of a pledged asset needs Carry or Discharge; Carry binds the claimant", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const oid = await objectAdmitted(w, w.carol, id, w.court);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.disputes, "PledgeActionRequired")
        .withArgs(id);
      const decision = h("judgment");
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, decision, [], PledgeAction.Carry))
        .to.emit(w.ledger.pledges, "PledgeCarried")
        .withArgs(pledgeId, id, w.carol.address, w.alice.address, decision);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.carol.address);
      const p = await w.ledger.pledges.pledgeOf(pledgeId);
      expect(p.pledgor).to.equal(w.carol.address);
      expect(p.status).to.equal(PStatus.Active);
      expect((await record(w, id)).pledged).to.equal(true);
    });

    it("TransferToClaimant with Discharge ends the pledge", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const oid = await object(w, w.carol, id);
      const decision = h("judgment");
      await expect(
        w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, decision, [], PledgeAction.Discharge)
      )
        .to.emit(w.ledger.pledges, "PledgeDischarged")
        .withArgs(pledgeId, id, decision)
        .and.to.emit(w.ledger.registry, "PledgedChanged")
        .withArgs(id, false);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.carol.address);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Discharged);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(0n);
      expect((await record(w, id)).pledged).to.equal(false);
    });

    it("TransferToClaimant to the pledgee cannot carry the pledge to it (SelfPledge), but may discharge it", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const oid = await object(w, w.bob, id); // the pledgee claims the asset
      await expect(
        w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], PledgeAction.Carry)
      ).to.be.revertedWithCustomError(w.ledger.pledges, "SelfPledge");
      await w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], PledgeAction.Discharge);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Discharged);
    });

    it("TransferToClaimant of an unpledged asset refuses a pledge action (NoPledgeToSettle)", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      for (const action of [PledgeAction.Carry, PledgeAction.Discharge]) {
        await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], action))
          .to.be.revertedWithCustomError(w.ledger.disputes, "NoPledgeToSettle")
          .withArgs(id);
      }
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("Cancel discharges the pledge and ends every listed licence, each with an event", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const lid = await grant(w, id, w.alice, w.carol);
      const oid = await object(w, w.carol, id);
      await w.ledger.disputes.connect(w.court).freeze(id, h("case"));
      const decision = h("judgment");
      const tx = w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.Cancel, decision, [lid], PledgeAction.None);
      await expect(tx)
        .to.emit(w.ledger.pledges, "PledgeDischarged")
        .withArgs(pledgeId, id, decision)
        .and.to.emit(w.ledger.licenses, "LicenseEnded")
        .withArgs(lid, id, decision, EndCause.AssetCancelled)
        .and.to.emit(w.ledger.registry, "RegistrationCancelled")
        .withArgs(id, await w.ledger.disputes.getAddress(), w.alice.address, decision);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Discharged);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(0n);
      expect(await w.ledger.licenses.stateOf(lid)).to.equal(LState.Ended);
    });

    // Changed: a cancellation discharges the pledge, so "carry" makes no sense with it and is
    // now refused (ArgumentNotApplicable) instead of being ignored; None and Discharge both discharge.
    it("Cancel never leaves a pledge behind: it discharges it, and refuses Carry", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const oid = await object(w, w.carol, id);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.Cancel, h("judgment"), [], PledgeAction.Carry))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ArgumentNotApplicable")
        .withArgs(oid, Ruling.Cancel);
      await w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.Cancel, h("judgment"), [], PledgeAction.Discharge);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Discharged);
      expect((await record(w, id)).pledged).to.equal(false);
    });

    it("refuses arguments that do not apply to the ruling instead of ignoring them", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const licenseId = await grant(w, id, w.alice, w.carol);
      const oid = await object(w, w.carol, id);
      const d = w.ledger.disputes;
      for (const ruling of [Ruling.Dismiss, Ruling.Compensate]) {
        for (const action of [PledgeAction.Carry, PledgeAction.Discharge]) {
          await expect(d.connect(w.court).courtRule(oid, ruling, h(), [], action))
            .to.be.revertedWithCustomError(d, "ArgumentNotApplicable")
            .withArgs(oid, ruling);
        }
        await expect(d.connect(w.court).courtRule(oid, ruling, h(), [licenseId], PledgeAction.None))
          .to.be.revertedWithCustomError(d, "ArgumentNotApplicable")
          .withArgs(oid, ruling);
        await expect(d.connect(w.registrar).rule(oid, ruling, h(), [licenseId]))
          .to.be.revertedWithCustomError(d, "ArgumentNotApplicable")
          .withArgs(oid, ruling);
      }
      await expect(d.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [licenseId], PledgeAction.Discharge))
        .to.be.revertedWithCustomError(d, "ArgumentNotApplicable")
        .withArgs(oid, Ruling.TransferToClaimant);
      // Nothing moved, the pledge and the licence stand.
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Active);
      expect(await w.ledger.licenses.isInForce(licenseId)).to.equal(true);
      expect((await d.objectionOf(oid)).status).to.equal(1n);
    });

    it("Cancel is refused while an open licence is left out (LicensesOpen)", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      await grant(w, id, w.alice, w.carol);
      const oid = await object(w, w.carol, id);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.Cancel, h(), [], PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "LicensesOpen")
        .withArgs(id, 1n);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Active);
    });

    it("refuses a pledge action or ruling out of range, and a zero decision hash", async () => {
      const { w, oid } = await loadFixture(objectedWorld);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.Dismiss, h(), [], 3))
        .to.be.revertedWithCustomError(w.ledger.disputes, "OutOfRange")
        .withArgs(Field.PledgeAction, 3n);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, 4, h(), [], PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.disputes, "OutOfRange")
        .withArgs(Field.Ruling, 4n);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.Dismiss, ethers.ZeroHash, [], PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs(Field.DecisionHash);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
    });

    it("is the court's: the registrar, members and outsiders are refused", async () => {
      const { w, oid } = await loadFixture(objectedWorld);
      for (const who of [w.registrar, w.outsider, w.carol, w.regulator]) {
        await expect(w.ledger.disputes.connect(who).courtRule(oid, Ruling.Dismiss, h(), [], PledgeAction.None))
          .to.be.revertedWithCustomError(w.ledger.disputes, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
    });
  });

  describe("dismissSuspended", () => {
    it("dismisses a suspended member's objections in one call, each with its event, and clears the flags", async () => {
      const w = await loadFixture(deployWorld);
      const inReview = await submit(w, w.alice);
      const inPublicity = await submit(w, w.alice);
      await w.ledger.registry.connect(w.registrar).accept(inPublicity, DAY);
      const registered = await register(w, w.carol);
      const o1 = await object(w, w.bob, inReview);
      const o2 = await object(w, w.bob, inPublicity);
      const o3 = await objectAdmitted(w, w.bob, registered);
      const carols = await object(w, w.dave, registered);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      const decision = h("decision");
      const tx = w.ledger.disputes.connect(w.registrar).dismissSuspended(w.bob.address, [o1, o2, o3], decision);
      const ruled = await eventsOf(tx, w.ledger.disputes, "ObjectionRuled");
      expect(ruled.map((e) => [...e])).to.deep.equal([
        [o1, inReview, BigInt(Ruling.Dismiss), decision, w.registrar.address, w.bob.address],
        [o2, inPublicity, BigInt(Ruling.Dismiss), decision, w.registrar.address, w.bob.address],
        [o3, registered, BigInt(Ruling.Dismiss), decision, w.registrar.address, w.bob.address],
      ]);
      for (const o of [o1, o2, o3]) expect((await w.ledger.disputes.objectionOf(o)).status).to.equal(OStatus.Dismissed);
      expect((await record(w, inReview)).objectionsOpen).to.equal(false);
      expect((await record(w, inPublicity)).objectionsOpen).to.equal(false);
      // The other claimant's objection stays open; the admitted one no longer disputes the asset.
      expect(await record(w, registered)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: true });
      expect((await w.ledger.disputes.objectionOf(carols)).status).to.equal(OStatus.Open);
      await time.increase(DAY);
      await w.ledger.registry.connect(w.registrar).confirm(inPublicity);
      expect(await w.ledger.registry.ownerOf(inPublicity)).to.equal(w.alice.address);
    });

    it("dismisses up to MAX_DISMISS objections in one call", async () => {
      const w = await loadFixture(deployWorld);
      const max = Number(await w.ledger.disputes.MAX_DISMISS());
      expect(max).to.equal(100);
      const apps = [];
      for (let i = 0; i < max; i++) apps.push(await application());
      const first = await submitBatch(w, w.alice, apps);
      const ids: bigint[] = [];
      for (let i = 0; i < max; i++) ids.push(await object(w, w.bob, first + BigInt(i)));
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      await w.ledger.disputes.connect(w.registrar).dismissSuspended(w.bob.address, ids, h("decision"));
      for (const i of [0, max - 1]) {
        expect((await record(w, first + BigInt(i))).objectionsOpen).to.equal(false);
      }
      expect(await w.ledger.disputes.openObjectionOf(first + BigInt(max - 1), w.bob.address)).to.equal(0n);
    });

    it("refuses an active claimant, another claimant's objection, a closed one, bad bounds and a zero hash", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      const bobs = await object(w, w.bob, id);
      const d = w.ledger.disputes.connect(w.registrar);
      await expect(d.dismissSuspended(w.bob.address, [bobs], h()))
        .to.be.revertedWithCustomError(d, "ClaimantActive")
        .withArgs(w.bob.address);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      await expect(d.dismissSuspended(w.bob.address, [bobs, oid], h()))
        .to.be.revertedWithCustomError(d, "NotClaimant")
        .withArgs(oid, w.bob.address);
      await expect(d.dismissSuspended(w.bob.address, [bobs, 99n], h()))
        .to.be.revertedWithCustomError(d, "UnknownObjection")
        .withArgs(99n);
      await expect(d.dismissSuspended(w.bob.address, [], h()))
        .to.be.revertedWithCustomError(d, "OutOfRange")
        .withArgs(Field.ObjectionIds, 0n);
      await expect(
        d.dismissSuspended(
          w.bob.address,
          Array.from({ length: 101 }, () => bobs),
          h()
        )
      )
        .to.be.revertedWithCustomError(d, "OutOfRange")
        .withArgs(Field.ObjectionIds, 101n);
      await expect(d.dismissSuspended(w.bob.address, [bobs], ethers.ZeroHash))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs(Field.DecisionHash);
      await expect(d.dismissSuspended(w.bob.address, [bobs, bobs], h()))
        .to.be.revertedWithCustomError(d, "ObjectionNotOpen")
        .withArgs(bobs, OStatus.Dismissed);
      // Every refusal left both objections open.
      expect((await w.ledger.disputes.objectionOf(bobs)).status).to.equal(OStatus.Open);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
      expect(await docket(w, id)).to.deep.equal({ open: 2n, admitted: 0n, holds: 0n });
    });

    it("is the registrar's", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const bobs = await object(w, w.bob, id);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      for (const who of [w.court, w.outsider, w.alice, w.regulator]) {
        await expect(w.ledger.disputes.connect(who).dismissSuspended(w.bob.address, [bobs], h()))
          .to.be.revertedWithCustomError(w.ledger.disputes, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.disputes.objectionOf(bobs)).status).to.equal(OStatus.Open);
    });
  });

  describe("objections across a key rotation (one per organisation)", () => {
    it("the organisation's new account cannot file a second objection, and may withdraw the first", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const oid = await object(w, w.carol, id);
      const fresh = w.spare[0] as HardhatEthersSigner;
      await w.ledger.members.connect(w.registrar).rebind(w.carol.address, fresh.address, h("rebind"));
      await expect(w.ledger.disputes.connect(fresh).object(id, h("again")))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ObjectionAlreadyOpen")
        .withArgs(id, fresh.address, oid);
      expect(await w.ledger.disputes.openObjectionOf(id, fresh.address)).to.equal(oid);
      await expect(w.ledger.disputes.connect(w.bob).withdraw(oid))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NotClaimant")
        .withArgs(oid, w.bob.address);
      await expect(w.ledger.disputes.connect(fresh).withdraw(oid)).to.emit(w.ledger.disputes, "ObjectionWithdrawn");
      expect((await docket(w, id)).open).to.equal(0n);
    });

    it("the registrar dismisses a retired account's objections in one call", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const oid = await object(w, w.carol, id);
      await w.ledger.members.connect(w.registrar).rebind(w.carol.address, (w.spare[0] as HardhatEthersSigner).address, h("rebind"));
      const decision = h("decision");
      await expect(w.ledger.disputes.connect(w.registrar).dismissSuspended(w.carol.address, [oid], decision))
        .to.emit(w.ledger.disputes, "ObjectionRuled")
        .withArgs(oid, id, Ruling.Dismiss, decision, w.registrar.address, w.carol.address);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Dismissed);
    });
  });

  describe("court holds per case (轮候查封)", () => {
    it("freeze places a hold for a case: transfer, holder cancellation and metadata change are refused", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const caseHash = h("case");
      await expect(w.ledger.disputes.connect(w.court).freeze(id, caseHash))
        .to.emit(w.ledger.disputes, "AssetFrozenByCourt")
        .withArgs(id, caseHash, w.court.address)
        .and.to.emit(w.ledger.registry, "FrozenChanged")
        .withArgs(id, true);
      expect(await w.ledger.disputes.holdOf(id, caseHash)).to.equal(w.court.address);
      expect(await docket(w, id)).to.deep.equal({ open: 0n, admitted: 0n, holds: 1n });
      expect((await record(w, id)).frozen).to.equal(true);
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

      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, caseHash))
        .to.emit(w.ledger.disputes, "AssetUnfrozenByCourt")
        .withArgs(id, caseHash, w.court.address)
        .and.to.emit(w.ledger.registry, "FrozenChanged")
        .withArgs(id, false);
      expect(await w.ledger.disputes.holdOf(id, caseHash)).to.equal(ethers.ZeroAddress);
      expect((await record(w, id)).frozen).to.equal(false);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    // Changed: a second freeze used to revert AlreadyInState; holds are now per case (issue 8, section 4).
    it("attack: a second court's freeze is lost — now it is recorded and outlives the first court's release", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const first = h("case-1");
      const second = h("case-2");
      await w.ledger.disputes.connect(w.court).freeze(id, first);
      await expect(w.ledger.disputes.connect(w.court2).freeze(id, second))
        .to.emit(w.ledger.disputes, "AssetFrozenByCourt")
        .withArgs(id, second, w.court2.address)
        .and.not.to.emit(w.ledger.registry, "FrozenChanged");
      expect(await w.ledger.disputes.holdOf(id, first)).to.equal(w.court.address);
      expect(await w.ledger.disputes.holdOf(id, second)).to.equal(w.court2.address);
      expect((await docket(w, id)).holds).to.equal(2n);

      // The first court lifts its hold: the second still holds the asset.
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, first))
        .to.emit(w.ledger.disputes, "AssetUnfrozenByCourt")
        .withArgs(id, first, w.court.address)
        .and.not.to.emit(w.ledger.registry, "FrozenChanged");
      expect((await record(w, id)).frozen).to.equal(true);
      await expect(w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(id);

      // Free only after the last hold.
      await expect(w.ledger.disputes.connect(w.court2).unfreeze(id, second))
        .to.emit(w.ledger.registry, "FrozenChanged")
        .withArgs(id, false);
      expect(await docket(w, id)).to.deep.equal({ open: 0n, admitted: 0n, holds: 0n });
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("one court may hold an asset for several cases", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const a = h("case-a");
      const b = h("case-b");
      await w.ledger.disputes.connect(w.court).freeze(id, a);
      await w.ledger.disputes.connect(w.court).freeze(id, b);
      expect((await docket(w, id)).holds).to.equal(2n);
      await w.ledger.disputes.connect(w.court).unfreeze(id, b);
      expect((await record(w, id)).frozen).to.equal(true);
      await w.ledger.disputes.connect(w.court).unfreeze(id, a);
      expect((await record(w, id)).frozen).to.equal(false);
    });

    // Changed: unfreeze used to take any case hash (and refuse only zero); it now names the hold it lifts.
    it("a court releases only its own case: NotHoldingCourt, NoSuchHold", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const caseHash = h("case");
      await w.ledger.disputes.connect(w.court).freeze(id, caseHash);
      await expect(w.ledger.disputes.connect(w.court2).unfreeze(id, caseHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NotHoldingCourt")
        .withArgs(id, caseHash, w.court2.address);
      const unknown = h("unknown");
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, unknown))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NoSuchHold")
        .withArgs(id, unknown);
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NoSuchHold")
        .withArgs(id, ethers.ZeroHash);
      expect(await w.ledger.disputes.holdOf(id, caseHash)).to.equal(w.court.address);
      expect((await record(w, id)).frozen).to.equal(true);
      await w.ledger.disputes.connect(w.court).unfreeze(id, caseHash);
      await expect(w.ledger.disputes.connect(w.court).unfreeze(id, caseHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "NoSuchHold")
        .withArgs(id, caseHash);
    });

    it("refuses a duplicate hold for a case (HoldExists), whichever court asks", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const caseHash = h("case");
      await w.ledger.disputes.connect(w.court).freeze(id, caseHash);
      for (const court of [w.court, w.court2]) {
        await expect(w.ledger.disputes.connect(court).freeze(id, caseHash))
          .to.be.revertedWithCustomError(w.ledger.disputes, "HoldExists")
          .withArgs(id, caseHash, w.court.address);
      }
      expect((await docket(w, id)).holds).to.equal(1n);
    });

    it("refuses a zero case hash, an application and a cancelled asset", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      await expect(w.ledger.disputes.connect(w.court).freeze(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs(Field.CaseHash);
      const pending = await submit(w, w.bob);
      await expect(w.ledger.disputes.connect(w.court).freeze(pending, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
      // A cancelled asset with a hold left on it takes no further hold.
      await w.ledger.disputes.connect(w.court).freeze(id, h("case"));
      await w.ledger.disputes.connect(w.court).orderCancel(id, h("order"), []);
      await expect(w.ledger.disputes.connect(w.court2).freeze(id, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "WrongStatus")
        .withArgs(id, Status.Cancelled);
      expect((await docket(w, id)).holds).to.equal(1n);
      expect((await docket(w, pending)).holds).to.equal(0n);
    });

    it("freeze and unfreeze events carry the case hash as an indexed topic", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const a = h("case-a");
      const b = h("case-b");
      await w.ledger.disputes.connect(w.court).freeze(id, a);
      await w.ledger.disputes.connect(w.court2).freeze(id, b);
      await w.ledger.disputes.connect(w.court).unfreeze(id, a);
      const frozenB = await w.ledger.disputes.queryFilter(w.ledger.disputes.filters.AssetFrozenByCourt(id, b));
      expect(frozenB.map((e) => [e.args.caseHash, e.args.court])).to.deep.equal([[b, w.court2.address]]);
      const liftedA = await w.ledger.disputes.queryFilter(w.ledger.disputes.filters.AssetUnfrozenByCourt(id, a));
      expect(liftedA.map((e) => [e.args.caseHash, e.args.court])).to.deep.equal([[a, w.court.address]]);
      expect(await w.ledger.disputes.queryFilter(w.ledger.disputes.filters.AssetUnfrozenByCourt(id, b))).to.have.length(0);
    });

    it("freeze and unfreeze are the court's", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const caseHash = h("case");
      await w.ledger.disputes.connect(w.court).freeze(id, caseHash);
      for (const who of [w.outsider, w.registrar, w.alice, w.regulator]) {
        const d = w.ledger.disputes.connect(who);
        await expect(d.freeze(id, h())).to.be.revertedWithCustomError(d, "AccessManagedUnauthorized").withArgs(who.address);
        await expect(d.unfreeze(id, caseHash))
          .to.be.revertedWithCustomError(d, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await docket(w, id)).to.deep.equal({ open: 0n, admitted: 0n, holds: 1n });
      expect(await w.ledger.disputes.holdOf(id, caseHash)).to.equal(w.court.address);
    });
  });

  describe("orderTransfer", () => {
    it("moves a frozen and disputed asset", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      await w.ledger.disputes.connect(w.court2).freeze(id, h("case"));
      const caseHash = h("order");
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, caseHash, PledgeAction.None))
        .to.emit(w.ledger.disputes, "TransferOrdered")
        .withArgs(id, w.bob.address, caseHash, w.court.address)
        .and.to.emit(w.ledger.registry, "ForcedTransfer")
        .withArgs(id, w.alice.address, w.bob.address, await w.ledger.disputes.getAddress(), caseHash)
        .and.to.emit(w.ledger.registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect(await w.ledger.registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.registry.balanceOf(w.bob.address)).to.equal(1n);
    });

    // Changed: an order used to move a pledged asset and leave the pledge on the old holder; it must
    // now carry or discharge it (issue 8, section 2).
    it("of a pledged asset needs Carry or Discharge (PledgeActionRequired)", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.carol.address, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.disputes, "PledgeActionRequired")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).pledgor).to.equal(w.alice.address);
    });

    it("Carry: the pledge binds the new holder, who can no longer escape the pledgee's enforcement", async () => {
      const { w, id, pledgeId, dueDate } = await loadFixture(pledgedWorld);
      const caseHash = h("order");
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.carol.address, caseHash, PledgeAction.Carry))
        .to.emit(w.ledger.pledges, "PledgeCarried")
        .withArgs(pledgeId, id, w.carol.address, w.alice.address, caseHash)
        .and.to.emit(w.ledger.disputes, "TransferOrdered")
        .withArgs(id, w.carol.address, caseHash, w.court.address);
      const p = await w.ledger.pledges.pledgeOf(pledgeId);
      expect(p.pledgor).to.equal(w.carol.address);
      expect(p.status).to.equal(PStatus.Active);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(pledgeId);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.carol.address);
      expect((await record(w, id)).pledged).to.equal(true);
      await expect(w.ledger.registry.connect(w.carol).transferFrom(w.carol.address, w.alice.address, id))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetPledged")
        .withArgs(id);
      await time.increaseTo(dueDate + 1);
      await w.ledger.pledges.connect(w.bob).enforce(pledgeId);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
    });

    it("Carry to the pledgee itself is refused (SelfPledge)", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      await expect(
        w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, h(), PledgeAction.Carry)
      ).to.be.revertedWithCustomError(w.ledger.pledges, "SelfPledge");
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).pledgor).to.equal(w.alice.address);
    });

    it("Discharge ends the pledge and the new holder holds a free asset", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const caseHash = h("order");
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.carol.address, caseHash, PledgeAction.Discharge))
        .to.emit(w.ledger.pledges, "PledgeDischarged")
        .withArgs(pledgeId, id, caseHash)
        .and.to.emit(w.ledger.registry, "PledgedChanged")
        .withArgs(id, false);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Discharged);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(0n);
      expect((await record(w, id)).pledged).to.equal(false);
      await w.ledger.registry.connect(w.carol).transferFrom(w.carol.address, w.alice.address, id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      await expect(w.ledger.pledges.connect(w.bob).release(pledgeId))
        .to.be.revertedWithCustomError(w.ledger.pledges, "WrongPledgeStatus")
        .withArgs(pledgeId, PStatus.Discharged);
    });

    it("refuses a pledge action on an unpledged asset (NoPledgeToSettle) and one out of range", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      for (const action of [PledgeAction.Carry, PledgeAction.Discharge]) {
        await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, h(), action))
          .to.be.revertedWithCustomError(w.ledger.disputes, "NoPledgeToSettle")
          .withArgs(id);
      }
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, h(), 3))
        .to.be.revertedWithCustomError(w.ledger.disputes, "OutOfRange")
        .withArgs(Field.PledgeAction, 3n);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("refuses a non-member receiver, the zero address, a zero case hash and an unregistered asset", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.outsider.address, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, ethers.ZeroAddress, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroAddress")
        .withArgs(Field.To);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, ethers.ZeroHash, PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs(Field.CaseHash);
      const pending = await submit(w, w.alice);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(pending, w.bob.address, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(pending, Status.Applied);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });
  });

  describe("orderCancel", () => {
    it("cancels a frozen registration and a pending application", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      await w.ledger.disputes.connect(w.court).freeze(id, h("case"));
      const disputes = await w.ledger.disputes.getAddress();
      const caseHash = h("order");
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, caseHash, []))
        .to.emit(w.ledger.disputes, "CancellationOrdered")
        .withArgs(id, caseHash, w.court.address)
        .and.to.emit(w.ledger.registry, "RegistrationCancelled")
        .withArgs(id, disputes, w.alice.address, caseHash);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      await expect(w.ledger.registry.ownerOf(id)).to.be.revertedWithCustomError(w.ledger.registry, "ERC721NonexistentToken");

      const pending = await submit(w, w.bob);
      const pendingCase = h("order");
      await expect(w.ledger.disputes.connect(w.court2).orderCancel(pending, pendingCase, []))
        .to.emit(w.ledger.registry, "RegistrationCancelled")
        .withArgs(pending, disputes, w.bob.address, pendingCase);
      expect(await w.ledger.registry.statusOf(pending)).to.equal(Status.Cancelled);
      expect((await w.ledger.registry.registrationOf(pending)).confirmedAt).to.equal(0n);

      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, h(), []))
        .to.be.revertedWithCustomError(w.ledger.registry, "WrongStatus")
        .withArgs(id, Status.Cancelled);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, ethers.ZeroHash, []))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ZeroHash")
        .withArgs(Field.CaseHash);
    });

    it("discharges the pledge and ends every listed licence, each with a LicenseEnded event", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const l1 = await grant(w, id, w.alice, w.bob);
      const l2 = await grant(w, id, w.alice, w.carol);
      const caseHash = h("order");
      const tx = w.ledger.disputes.connect(w.court).orderCancel(id, caseHash, [l1, l2]);
      await expect(tx)
        .to.emit(w.ledger.pledges, "PledgeDischarged")
        .withArgs(pledgeId, id, caseHash)
        .and.to.emit(w.ledger.disputes, "CancellationOrdered")
        .withArgs(id, caseHash, w.court.address);
      const ended = await eventsOf(tx, w.ledger.licenses, "LicenseEnded");
      expect(ended.map((e) => [...e])).to.deep.equal([
        [l1, id, caseHash, EndCause.AssetCancelled],
        [l2, id, caseHash, EndCause.AssetCancelled],
      ]);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Cancelled);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Discharged);
      expect(await w.ledger.pledges.activePledgeOf(id)).to.equal(0n);
      expect((await record(w, id)).pledged).to.equal(false);
      expect(await w.ledger.licenses.stateOf(l1)).to.equal(LState.Ended);
      expect(await w.ledger.licenses.stateOf(l2)).to.equal(LState.Ended);
      expect(await w.ledger.licenses.isInForce(l1)).to.equal(false);
    });

    it("is refused while an open licence is left out (LicensesOpen), and nothing changes", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      const l1 = await grant(w, id, w.alice, w.bob);
      const l2 = await grant(w, id, w.alice, w.carol);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, h(), [l2]))
        .to.be.revertedWithCustomError(w.ledger.registry, "LicensesOpen")
        .withArgs(id, 1n);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
      expect((await w.ledger.pledges.pledgeOf(pledgeId)).status).to.equal(PStatus.Active);
      expect(await w.ledger.licenses.stateOf(l1)).to.equal(LState.Active);
      expect(await w.ledger.licenses.stateOf(l2)).to.equal(LState.Active);
    });

    it("refuses a licence of another asset (WrongAsset)", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const other = await register(w, w.bob);
      const foreign = await grant(w, other, w.bob, w.carol);
      await expect(w.ledger.disputes.connect(w.court).orderCancel(id, h(), [foreign]))
        .to.be.revertedWithCustomError(w.ledger.licenses, "WrongAsset")
        .withArgs(foreign, id);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
    });

    it("orderTransfer and orderCancel are the court's", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      for (const who of [w.outsider, w.registrar, w.alice]) {
        const d = w.ledger.disputes.connect(who);
        await expect(d.orderTransfer(id, w.bob.address, h(), PledgeAction.None))
          .to.be.revertedWithCustomError(d, "AccessManagedUnauthorized")
          .withArgs(who.address);
        await expect(d.orderCancel(id, h(), []))
          .to.be.revertedWithCustomError(d, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect(await w.ledger.registry.statusOf(id)).to.equal(Status.Registered);
    });
  });

  describe("forced moves keep the law no order overrides", () => {
    it("a core-grade asset does not move by order or ruling (CoreDataRestricted)", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h("report"));
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted")
        .withArgs(id);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted")
        .withArgs(id);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.TransferToClaimant, h(), []))
        .to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
    });

    it("a pledged core-grade asset does not move either, whatever happens to the pledge", async () => {
      const { w, id, pledgeId } = await loadFixture(pledgedWorld);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(id, Grade.Core, h("report"));
      for (const action of [PledgeAction.Carry, PledgeAction.Discharge]) {
        await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.carol.address, h(), action))
          .to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted")
          .withArgs(id);
      }
      const p = await w.ledger.pledges.pledgeOf(pledgeId);
      expect([p.pledgor, p.status]).to.deep.equal([w.alice.address, PStatus.Active]);
    });

    it("a move to a foreign member needs a clearance keyed to that recipient", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const erin = w.spare[0];
      if (!erin) throw new Error("no spare account");
      await w.ledger.members
        .connect(w.registrar)
        .admit(erin.address, ethers.id("USCC:Erin Overseas"), "Erin Overseas Ltd.", MemberType.Enterprise, Jurisdiction.Foreign);
      // A clearance for another recipient (abroad or at home) does not count.
      await clear(w, id, erin.address);
      await clear(w, id, w.bob.address);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.dave.address, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
      const oid = await object(w, w.dave, id);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      await clear(w, id, w.dave.address);
      await w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], PledgeAction.None);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.dave.address);
    });

    it("a clearance that has lapsed does not count", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const until = (await time.latest()) + DAY;
      await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(id, w.dave.address, h("route"), 0, until);
      await time.increaseTo(until + 1);
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.dave.address, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
    });

    it("the recipient must be an active member", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const oid = await object(w, w.bob, id);
      await w.ledger.members.connect(w.registrar).suspend(w.bob.address, h("reason"));
      await expect(w.ledger.disputes.connect(w.court).orderTransfer(id, w.bob.address, h(), PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.bob.address);
      await expect(w.ledger.disputes.connect(w.court).courtRule(oid, Ruling.TransferToClaimant, h(), [], PledgeAction.None))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.bob.address);
      await expect(w.ledger.disputes.connect(w.registrar).rule(oid, Ruling.TransferToClaimant, h(), []))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.bob.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });
  });

  describe("access", () => {
    it("every duty refuses an outsider and a member (AccessManagedUnauthorized)", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      const pledges = await w.ledger.pledges.getAddress();
      for (const who of [w.outsider, w.alice]) {
        const d = w.ledger.disputes.connect(who);
        const duties: [string, () => Tx][] = [
          ["setPledgeRegistry", () => d.setPledgeRegistry(pledges)],
          ["admit", () => d.admit(oid)],
          ["rule", () => d.rule(oid, Ruling.Dismiss, h(), [])],
          ["courtRule", () => d.courtRule(oid, Ruling.Dismiss, h(), [], PledgeAction.None)],
          ["dismissSuspended", () => d.dismissSuspended(w.carol.address, [oid], h())],
          ["freeze", () => d.freeze(id, h())],
          ["unfreeze", () => d.unfreeze(id, h())],
          ["orderTransfer", () => d.orderTransfer(id, w.bob.address, h(), PledgeAction.None)],
          ["orderCancel", () => d.orderCancel(id, h(), [])],
        ];
        for (const [name, call] of duties) {
          await expect(call(), name).to.be.revertedWithCustomError(d, "AccessManagedUnauthorized").withArgs(who.address);
        }
      }
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: true });
    });

    it("closing the contract stops member actions (ContractClosed) and duties, until it is reopened", async () => {
      const { w, id, oid } = await loadFixture(objectedWorld);
      const target = await w.ledger.disputes.getAddress();
      await w.ledger.manager.connect(w.admin).setTargetClosed(target, true);
      await expect(w.ledger.disputes.connect(w.bob).object(id, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ContractClosed")
        .withArgs(target);
      await expect(w.ledger.disputes.connect(w.carol).withdraw(oid))
        .to.be.revertedWithCustomError(w.ledger.disputes, "ContractClosed")
        .withArgs(target);
      await expect(w.ledger.disputes.connect(w.registrar).admit(oid))
        .to.be.revertedWithCustomError(w.ledger.disputes, "AccessManagedUnauthorized")
        .withArgs(w.registrar.address);
      await expect(w.ledger.disputes.connect(w.court).freeze(id, h()))
        .to.be.revertedWithCustomError(w.ledger.disputes, "AccessManagedUnauthorized")
        .withArgs(w.court.address);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Open);

      await w.ledger.manager.connect(w.admin).setTargetClosed(target, false);
      await w.ledger.disputes.connect(w.carol).withdraw(oid);
      expect((await w.ledger.disputes.objectionOf(oid)).status).to.equal(OStatus.Withdrawn);
    });

    it("the dispute hooks of the registry and the licence registry answer only the dispute module (NotModule)", async () => {
      const { w, id } = await loadFixture(registeredWorld);
      const lid = await grant(w, id, w.alice, w.bob);
      for (const who of [w.outsider, w.court, w.registrar, w.admin]) {
        const r = w.ledger.registry.connect(who);
        await expect(r.setDisputeFlags(id, true, true))
          .to.be.revertedWithCustomError(r, "NotModule")
          .withArgs(who.address, DISPUTES_MODULE);
        await expect(r.setFrozen(id, true)).to.be.revertedWithCustomError(r, "NotModule").withArgs(who.address, DISPUTES_MODULE);
        await expect(r.forceTransfer(id, w.bob.address, h()))
          .to.be.revertedWithCustomError(r, "NotModule")
          .withArgs(who.address, DISPUTES_MODULE);
        await expect(r.forceCancel(id, h())).to.be.revertedWithCustomError(r, "NotModule").withArgs(who.address, DISPUTES_MODULE);
        const l = w.ledger.licenses.connect(who);
        await expect(l.endForCancellation(id, [lid], h()))
          .to.be.revertedWithCustomError(l, "NotModule")
          .withArgs(who.address, DISPUTES_MODULE);
      }
      expect(await record(w, id)).to.deep.equal({ frozen: false, pledged: false, disputed: false, objectionsOpen: false });
      expect(await w.ledger.licenses.stateOf(lid)).to.equal(LState.Active);
    });
  });
});
