import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ROLES } from "../scripts/lib/roles";
import {
  CNY,
  DAY,
  DataCategory,
  DeliveryMode,
  Milestone,
  deployWorld,
  h,
  register,
  sellOrderFor,
  signOrder,
  submit,
  type World,
  Field,
} from "./helpers/fixture";

const Treatment = { Inventory: 0, IntangibleAsset: 1 } as const;

interface Setup {
  w: World;
  /** alice's registered enterprise-category asset. */
  id: bigint;
  /** A registered public-category asset of bob. */
  publicId: bigint;
  /** An account granted MILESTONE_WRITER, standing in for a ledger module. */
  writer: HardhatEthersSigner;
}

async function milestoneWorld(): Promise<Setup> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  const publicId = await register(w, w.bob, { category: DataCategory.Public });
  const writer = w.spare[0];
  if (!writer) throw new Error("needs a spare account");
  await w.ledger.manager.connect(w.admin).grantRole(ROLES.MILESTONE_WRITER, writer.address, 0);
  return { w, id, publicId, writer };
}

function spare(w: World, i: number): HardhatEthersSigner {
  const s = w.spare[i];
  if (!s) throw new Error(`no spare account ${i}`);
  return s;
}

/** The holder's signed sell order; `list` lists it on `w.exchange`. */
async function signedOrder(w: World, holder: HardhatEthersSigner, id: bigint, price = 1_000_000n) {
  const order = await sellOrderFor(w, id, { price });
  return { order, sig: await signOrder(w, holder, order) };
}

/** The exchange lists `id` on the holder's order; returns the listing reference. */
async function list(w: World, holder: HardhatEthersSigner, id: bigint): Promise<string> {
  const { order, sig } = await signedOrder(w, holder, id);
  const ref = h("listing");
  await w.ledger.tradeDesk.connect(w.exchange).list(order, sig, ref);
  return ref;
}

/** The exchange sells `id` from `holder` to `buyer` at `price` on the holder's order. */
async function sell(w: World, holder: HardhatEthersSigner, id: bigint, buyer: HardhatEthersSigner, price: bigint) {
  const { order, sig } = await signedOrder(w, holder, id, price);
  return w.ledger.tradeDesk.connect(w.exchange).tradeHolding(order, sig, buyer.address, DeliveryMode.Plaintext, h("trade-ref"));
}

/** alice pledges `id` to bob, who accepts; returns the registry reference. */
async function pledgeToBob(w: World, id: bigint) {
  const ref = h("movable-property-ref");
  const pid = await w.ledger.pledges.nextPledgeId();
  await w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1n, CNY, (await time.latest()) + 30 * DAY, ref);
  return { pid, ref };
}

describe("MilestoneRegistry", () => {
  describe("constructor", () => {
    it("refuses a zero registry", async () => {
      const { w } = await loadFixture(milestoneWorld);
      const factory = await ethers.getContractFactory("MilestoneRegistry");
      const m = await w.ledger.manager.getAddress();
      await expect(factory.deploy(m, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger.milestones, "ZeroAddress")
        .withArgs(Field.Registry);
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
      expect(r.annulled).to.equal(false);
      expect(r.attester).to.equal(w.auditor.address);
      expect(r.enterprise).to.equal(w.alice.address);
      expect(r.detail).to.equal(BigInt(Treatment.Inventory));
      expect(r.evidenceHash).to.equal(ev);
      expect(r[1]).to.equal(BigInt(at)); // `at` (Result.at is the array method)
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
        .withArgs(Field.Treatment, 2n);
      await expect(ms.attestFinancialStatements(id, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ms, "ZeroHash")
        .withArgs(Field.EvidenceHash);
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
          .to.be.revertedWithCustomError(w.ledger.milestones, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.FinancialStatements)).set).to.equal(false);
    });
  });

  describe("attestOpening", () => {
    it("is recorded by the registrar for public data", async () => {
      const { w, publicId } = await loadFixture(milestoneWorld);
      const ev = h("opening");
      const tx = await w.ledger.milestones.connect(w.registrar).attestOpening(publicId, ev);
      await expect(tx)
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(publicId, Milestone.Opening, w.bob.address, w.registrar.address, await time.latest(), ev, 0);
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
        .withArgs(Field.EvidenceHash);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Opening)).set).to.equal(false);
      expect((await w.ledger.milestones.milestoneOf(publicId, Milestone.Opening)).set).to.equal(false);
    });

    it("is refused to anyone without the OPENING_ATTESTER capability", async () => {
      const { w, publicId } = await loadFixture(milestoneWorld);
      for (const who of [w.outsider, w.bob, w.auditor, w.exchange, w.court]) {
        await expect(w.ledger.milestones.connect(who).attestOpening(publicId, h()))
          .to.be.revertedWithCustomError(w.ledger.milestones, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.milestones.milestoneOf(publicId, Milestone.Opening)).set).to.equal(false);
    });

    it("the capability, not the registrar role, is what counts", async () => {
      const { w, publicId } = await loadFixture(milestoneWorld);
      const bare = spare(w, 1);
      await w.ledger.manager.connect(w.admin).grantRole(ROLES.REGISTRAR, bare.address, 0);
      await expect(w.ledger.milestones.connect(bare).attestOpening(publicId, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "AccessManagedUnauthorized")
        .withArgs(bare.address);
      await w.ledger.manager.connect(w.admin).grantRole(ROLES.OPENING_ATTESTER, bare.address, 0);
      await w.ledger.milestones.connect(bare).attestOpening(publicId, h());
      expect((await w.ledger.milestones.milestoneOf(publicId, Milestone.Opening)).attester).to.equal(bare.address);
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
      const { pid } = await pledgeToBob(w, id);
      await expect(w.ledger.pledges.connect(w.bob).accept(pid)).to.not.emit(w.ledger.milestones, "MilestoneRecorded");
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Financing);
      expect(r.attester).to.equal(w.auditor.address);
      expect(r.evidenceHash).to.equal(ev);
    });

    it("is refused once a pledge recorded the first financing", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const { pid } = await pledgeToBob(w, id);
      await w.ledger.pledges.connect(w.bob).accept(pid);
      await expect(w.ledger.milestones.connect(w.exchange).attestFinancing(id, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "MilestoneAlreadyRecorded")
        .withArgs(id, Milestone.Financing);
    });

    it("is refused to anyone without the FINANCING_ATTESTER capability", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      for (const who of [w.outsider, w.alice, w.registrar, w.regulator, w.evaluator]) {
        await expect(w.ledger.milestones.connect(who).attestFinancing(id, h()))
          .to.be.revertedWithCustomError(w.ledger.milestones, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      const bare = spare(w, 1);
      await w.ledger.manager.connect(w.admin).grantRole(ROLES.EXCHANGE, bare.address, 0);
      await expect(w.ledger.milestones.connect(bare).attestFinancing(id, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "AccessManagedUnauthorized")
        .withArgs(bare.address);
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

    it("is refused to anyone but a MILESTONE_WRITER module", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      for (const who of [w.outsider, w.exchange, w.auditor, w.registrar, w.admin]) {
        await expect(w.ledger.milestones.connect(who).recordAutomatic(id, Milestone.Trade, who.address, w.alice.address, h()))
          .to.be.revertedWithCustomError(w.ledger.milestones, "NotModule")
          .withArgs(who.address, ROLES.MILESTONE_WRITER);
      }
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Trade)).set).to.equal(false);
    });

    it("attack: an enterprise records its own first for the subsidy", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      for (const kind of [Milestone.Listing, Milestone.Trade, Milestone.Financing]) {
        await expect(w.ledger.milestones.connect(w.alice).recordAutomatic(id, kind, w.alice.address, w.alice.address, h()))
          .to.be.revertedWithCustomError(w.ledger.milestones, "NotModule")
          .withArgs(w.alice.address, ROLES.MILESTONE_WRITER);
        expect((await w.ledger.milestones.milestoneOf(id, kind)).set).to.equal(false);
      }
    });
  });

  describe("firsts earned by arm's-length events", () => {
    it("an exchange's listing on the holder's signed order records the first listing", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const { order, sig } = await signedOrder(w, w.alice, id);
      const ref = h("listing");
      const tx = await w.ledger.tradeDesk.connect(w.exchange).list(order, sig, ref);
      await expect(tx)
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(id, Milestone.Listing, w.alice.address, w.exchange.address, await time.latest(), ref, 0);
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Listing);
      expect(r.set).to.equal(true);
      expect(r.enterprise).to.equal(w.alice.address);
    });

    it("attack: a zero-price sale earns the first trade", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      await expect(sell(w, w.alice, id, w.bob, 0n))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .and.to.not.emit(w.ledger.milestones, "MilestoneRecorded");
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Trade)).set).to.equal(false);
      // The next sale at a price is the first trade, for its seller.
      const tx = await sell(w, w.bob, id, w.carol, 500n);
      await expect(tx).to.emit(w.ledger.milestones, "MilestoneRecorded");
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Trade);
      expect(r.set).to.equal(true);
      expect(r.enterprise).to.equal(w.bob.address);
      expect(r.attester).to.equal(w.exchange.address);
    });

    it("attack: a holder sells to itself for the first trade", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      await expect(sell(w, w.alice, id, w.alice, 1_000n))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SelfTrade")
        .withArgs(w.alice.address);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Trade)).set).to.equal(false);
    });

    it("attack: an organisation sells between its own two accounts for the first trade", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      // After a key rotation both accounts carry alice's org-id hash.
      const fresh = spare(w, 1);
      await w.ledger.members.connect(w.registrar).rebind(w.alice.address, fresh.address, h());
      await expect(sell(w, w.alice, id, fresh, 1_000n))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SameOrganisation")
        .withArgs(ethers.id("USCC:Alice Data Co."));
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Trade)).set).to.equal(false);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("a pledge records the first financing only once the pledgee accepts it", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const { pid, ref } = await pledgeToBob(w, id);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Financing)).set).to.equal(false);
      const tx = await w.ledger.pledges.connect(w.bob).accept(pid);
      await expect(tx)
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(id, Milestone.Financing, w.alice.address, w.bob.address, await time.latest(), ref, 0);
    });

    it("a withdrawn pledge proposal records nothing", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const { pid } = await pledgeToBob(w, id);
      await expect(w.ledger.pledges.connect(w.alice).withdraw(pid)).to.not.emit(w.ledger.milestones, "MilestoneRecorded");
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Financing)).set).to.equal(false);
    });
  });

  describe("annul", () => {
    it("annuls an automatic first: it stays on record as annulled", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const ref = await list(w, w.alice, id);
      const reason = h("wrongly-recorded");
      await expect(w.ledger.milestones.connect(w.registrar).annul(id, Milestone.Listing, reason))
        .to.emit(w.ledger.milestones, "MilestoneAnnulled")
        .withArgs(id, Milestone.Listing, w.alice.address, reason, w.registrar.address);
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Listing);
      expect(r.set).to.equal(true);
      expect(r.annulled).to.equal(true);
      expect(r.enterprise).to.equal(w.alice.address);
      expect(r.evidenceHash).to.equal(ref);
    });

    it("an annulled first is earned again by a later genuine event", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      await list(w, w.alice, id);
      await w.ledger.milestones.connect(w.registrar).annul(id, Milestone.Listing, h());
      await w.ledger.tradeDesk.connect(w.alice).delist(id, h());
      const ref = await list(w, w.alice, id);
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Listing);
      expect(r.set).to.equal(true);
      expect(r.annulled).to.equal(false);
      expect(r.evidenceHash).to.equal(ref);
    });

    it("an annulled attested first can be attested again", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      await w.ledger.milestones.connect(w.auditor).attestFinancialStatements(id, Treatment.Inventory, h());
      await w.ledger.milestones.connect(w.registrar).annul(id, Milestone.FinancialStatements, h());
      const ev = h("corrected-audit");
      await expect(w.ledger.milestones.connect(w.auditor).attestFinancialStatements(id, Treatment.IntangibleAsset, ev)).to.emit(
        w.ledger.milestones,
        "MilestoneRecorded",
      );
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.FinancialStatements);
      expect(r.annulled).to.equal(false);
      expect(r.detail).to.equal(BigInt(Treatment.IntangibleAsset));
      expect(r.evidenceHash).to.equal(ev);
    });

    it("a set first that is not annulled is never recorded twice", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const ref = await list(w, w.alice, id);
      await sell(w, w.alice, id, w.bob, 1_000n);
      // bob lists and sells again: neither first moves.
      const again = await signedOrder(w, w.bob, id);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(again.order, again.sig, h()))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .and.to.not.emit(w.ledger.milestones, "MilestoneRecorded");
      await expect(sell(w, w.bob, id, w.carol, 2_000n)).to.not.emit(w.ledger.milestones, "MilestoneRecorded");
      const listing = await w.ledger.milestones.milestoneOf(id, Milestone.Listing);
      expect(listing.enterprise).to.equal(w.alice.address);
      expect(listing.evidenceHash).to.equal(ref);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Trade)).enterprise).to.equal(w.alice.address);
    });

    it("annuls the registration first, read from the registry", async () => {
      const { w } = await loadFixture(milestoneWorld);
      const id = await register(w, w.carol);
      const confirmedAt = (await w.ledger.registry.registrationOf(id)).confirmedAt;
      const reason = h();
      await expect(w.ledger.milestones.connect(w.registrar).annul(id, Milestone.Registration, reason))
        .to.emit(w.ledger.milestones, "MilestoneAnnulled")
        .withArgs(id, Milestone.Registration, ethers.ZeroAddress, reason, w.registrar.address);
      const r = await w.ledger.milestones.milestoneOf(id, Milestone.Registration);
      expect(r.set).to.equal(true);
      expect(r.annulled).to.equal(true);
      expect(r[1]).to.equal(confirmedAt);
      expect(r.attester).to.equal(ethers.ZeroAddress);
      expect(r.enterprise).to.equal(ethers.ZeroAddress);
      await expect(w.ledger.milestones.connect(w.registrar).annul(id, Milestone.Registration, h()))
        .to.be.revertedWithCustomError(w.ledger.milestones, "MilestoneNotRecorded")
        .withArgs(id, Milestone.Registration);
    });

    it("refuses an unset or already annulled first", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const ms = w.ledger.milestones.connect(w.registrar);
      await expect(ms.annul(id, Milestone.Trade, h()))
        .to.be.revertedWithCustomError(ms, "MilestoneNotRecorded")
        .withArgs(id, Milestone.Trade);
      const pending = await submit(w, w.carol);
      await expect(ms.annul(pending, Milestone.Registration, h()))
        .to.be.revertedWithCustomError(ms, "MilestoneNotRecorded")
        .withArgs(pending, Milestone.Registration);
      await list(w, w.alice, id);
      await ms.annul(id, Milestone.Listing, h());
      await expect(ms.annul(id, Milestone.Listing, h()))
        .to.be.revertedWithCustomError(ms, "MilestoneNotRecorded")
        .withArgs(id, Milestone.Listing);
    });

    it("rejects an unknown kind and a zero reason", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      const ms = w.ledger.milestones.connect(w.registrar);
      await expect(ms.annul(id, 6, h())).to.be.revertedWithCustomError(ms, "OutOfRange").withArgs(Field.Kind, 6);
      await expect(ms.annul(id, Milestone.Registration, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ms, "ZeroHash")
        .withArgs(Field.ReasonHash);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Registration)).annulled).to.equal(false);
    });

    it("is refused to anyone but the registrar", async () => {
      const { w, id } = await loadFixture(milestoneWorld);
      for (const who of [w.outsider, w.alice, w.court, w.regulator, w.auditor, w.admin]) {
        await expect(w.ledger.milestones.connect(who).annul(id, Milestone.Registration, h()))
          .to.be.revertedWithCustomError(w.ledger.milestones, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Registration)).annulled).to.equal(false);
    });
  });

  describe("milestoneOf(Registration)", () => {
    it("is unset before confirmation and set at the confirmation time after", async () => {
      const { w } = await loadFixture(milestoneWorld);
      const id = await submit(w, w.carol);
      await w.ledger.registry.connect(w.registrar).accept(id, DAY);
      const before = await w.ledger.milestones.milestoneOf(id, Milestone.Registration);
      expect(before.set).to.equal(false);
      expect(before.attester).to.equal(ethers.ZeroAddress);
      expect(before[1]).to.equal(0n);
      await time.increase(DAY);
      // The confirming registrar and the holder are in AssetRegistered, not in the record.
      await expect(w.ledger.registry.connect(w.registrar).confirm(id))
        .to.emit(w.ledger.registry, "AssetRegistered")
        .withArgs(id, w.carol.address, w.registrar.address, anyValue, anyValue, anyValue);
      const at = await time.latest();
      const after = await w.ledger.milestones.milestoneOf(id, Milestone.Registration);
      expect(after.set).to.equal(true);
      expect(after.annulled).to.equal(false);
      expect(after[1]).to.equal(BigInt(at));
      expect(after.attester).to.equal(ethers.ZeroAddress);
      expect(after.enterprise).to.equal(ethers.ZeroAddress);
      expect(after.evidenceHash).to.equal(ethers.ZeroHash);
      expect((await w.ledger.registry.registrationOf(id)).confirmedAt).to.equal(BigInt(at));
    });

    it("is unset for an unknown asset", async () => {
      const { w } = await loadFixture(milestoneWorld);
      expect((await w.ledger.milestones.milestoneOf(777n, Milestone.Registration)).set).to.equal(false);
      expect((await w.ledger.milestones.milestoneOf(777n, Milestone.Listing)).set).to.equal(false);
    });
  });
});
