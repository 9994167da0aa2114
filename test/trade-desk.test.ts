import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  CNY,
  DAY,
  DeliveryMode,
  Milestone,
  Reason,
  YEAR,
  deployWorld,
  h,
  licenseTerms,
  register,
  submit,
  type World,
} from "./helpers/fixture";

const EXCHANGE = 2n;
const PRICE = 8_800_000n;

interface Market {
  w: World;
  id: bigint;
  desk: string;
  /** A second exchange, holding the EXCHANGE role. */
  exchange2: HardhatEthersSigner;
}

/** alice holds a registered asset; a second exchange exists. Nothing is listed yet. */
async function marketWorld(): Promise<Market> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  const signers = await ethers.getSigners();
  const exchange2 = signers[12];
  if (!exchange2) throw new Error("needs 13 signers");
  await w.ledger.manager.connect(w.admin).grantRole(EXCHANGE, exchange2.address, 0);
  return { w, id, desk: await w.ledger.tradeDesk.getAddress(), exchange2 };
}

/** As marketWorld, with alice's asset approved to the desk and listed by `exchange`. */
async function listedWorld(): Promise<Market & { listingRef: string }> {
  const m = await marketWorld();
  await m.w.ledger.registry.connect(m.w.alice).approve(m.desk, m.id);
  const listingRef = h("listing");
  await m.w.ledger.tradeDesk.connect(m.w.exchange).list(m.id, listingRef);
  return { ...m, listingRef };
}

/** As listedWorld, with a licence granted by alice to bob (sublicensable) and bob's sublicence to carol. */
async function licensedWorld(): Promise<Market & { rootId: bigint; subId: bigint }> {
  const m = await listedWorld();
  const { w, id } = m;
  const rootId = await w.ledger.licenses.nextLicenseId();
  await w.ledger.licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address, { sublicensable: true }));
  const parent = await w.ledger.licenses.licenseOf(rootId);
  const subId = await w.ledger.licenses.nextLicenseId();
  await w.ledger.licenses
    .connect(w.bob)
    .sublicense(rootId, await licenseTerms(w.carol.address, { start: Number(parent.start), end: Number(parent.end) }));
  return { ...m, rootId, subId };
}

describe("TradeDesk", () => {
  describe("constructor", () => {
    it("refuses any zero module address", async () => {
      const { w } = await loadFixture(marketWorld);
      const factory = await ethers.getContractFactory("TradeDesk");
      const a = [
        await w.ledger.manager.getAddress(),
        await w.ledger.registry.getAddress(),
        await w.ledger.licenses.getAddress(),
        await w.ledger.compliance.getAddress(),
        await w.ledger.milestones.getAddress(),
      ] as const;
      const z = ethers.ZeroAddress;
      await expect(factory.deploy(a[0], z, a[2], a[3], a[4]))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroAddress")
        .withArgs("registry");
      await expect(factory.deploy(a[0], a[1], z, a[3], a[4]))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroAddress")
        .withArgs("licenses");
      await expect(factory.deploy(a[0], a[1], a[2], z, a[4]))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroAddress")
        .withArgs("compliance");
      await expect(factory.deploy(a[0], a[1], a[2], a[3], z))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroAddress")
        .withArgs("milestones");
      const desk = await factory.deploy(a[0], a[1], a[2], a[3], a[4]);
      expect(await desk.registry()).to.equal(a[1]);
      expect(await desk.licenses()).to.equal(a[2]);
      expect(await desk.compliance()).to.equal(a[3]);
      expect(await desk.milestones()).to.equal(a[4]);
      expect(await desk.nextTradeId()).to.equal(1n);
    });
  });

  describe("list", () => {
    it("lists an asset the holder approved, and records the first listing", async () => {
      const { w, id, desk } = await loadFixture(marketWorld);
      await w.ledger.registry.connect(w.alice).approve(desk, id);
      const ref = h("listing");
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(id, ref))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(id, w.exchange.address, w.alice.address, ref)
        .and.to.emit(w.ledger.milestones, "MilestoneRecorded");
      const at = await time.latest();
      const l = await w.ledger.tradeDesk.listingOf(id);
      expect(l.exchange).to.equal(w.exchange.address);
      expect(l.listedAt).to.equal(BigInt(at));
      expect(l.listingRefHash).to.equal(ref);
      const m = await w.ledger.milestones.milestoneOf(id, Milestone.Listing);
      expect(m.set).to.equal(true);
      expect(m.attester).to.equal(w.exchange.address);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.evidenceHash).to.equal(ref);
      expect(m[1]).to.equal(BigInt(at));
      // Listing does not move the token.
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("accepts an operator approval (setApprovalForAll) as consent", async () => {
      const { w, id, desk } = await loadFixture(marketWorld);
      await w.ledger.registry.connect(w.alice).setApprovalForAll(desk, true);
      const ref = h("listing");
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(id, ref))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(id, w.exchange.address, w.alice.address, ref);
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(w.exchange.address);
    });

    it("requires the EXCHANGE role", async () => {
      const { w, id, desk } = await loadFixture(marketWorld);
      await w.ledger.registry.connect(w.alice).approve(desk, id);
      for (const who of [w.outsider, w.alice, w.registrar]) {
        await expect(w.ledger.tradeDesk.connect(who).list(id, h()))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "MissingRole")
          .withArgs(who.address, EXCHANGE);
      }
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(ethers.ZeroAddress);
    });

    it("requires the holder's approval of the desk", async () => {
      const { w, id } = await loadFixture(marketWorld);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(id, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SellerApprovalMissing")
        .withArgs(id, w.alice.address);
      // Approving someone else is not consent.
      await w.ledger.registry.connect(w.alice).approve(w.bob.address, id);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(id, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SellerApprovalMissing")
        .withArgs(id, w.alice.address);
    });

    it("refuses an asset that is not tradable, with the reason", async () => {
      const { w, id, desk } = await loadFixture(marketWorld);
      await w.ledger.registry.connect(w.alice).setApprovalForAll(desk, true);
      await w.ledger.disputes.connect(w.court).freeze(id, h());
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(id, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable")
        .withArgs(id, Reason.Frozen);
      await w.ledger.disputes.connect(w.court).unfreeze(id, h());

      const oid = await w.ledger.disputes.nextObjectionId();
      await w.ledger.disputes.connect(w.bob).object(id, h());
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(id, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable")
        .withArgs(id, Reason.Disputed);
      await w.ledger.disputes.connect(w.bob).withdraw(oid);

      const due = (await time.latest()) + 30 * DAY;
      await w.ledger.pledges.connect(w.alice).propose(id, w.bob.address, 1n, CNY, due, h());
      await w.ledger.pledges.connect(w.bob).accept(1n);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(id, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable")
        .withArgs(id, Reason.Pledged);
      await w.ledger.pledges.connect(w.bob).release(1n);

      await w.ledger.tradeDesk.connect(w.exchange).list(id, h());
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(w.exchange.address);
    });

    it("refuses an unregistered asset", async () => {
      const { w } = await loadFixture(marketWorld);
      const pending = await submit(w, w.alice);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(pending, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "ERC721NonexistentToken")
        .withArgs(pending);
    });

    it("refuses an asset already listed, and a zero reference", async () => {
      const { w, id, exchange2 } = await loadFixture(listedWorld);
      for (const ex of [w.exchange, exchange2]) {
        await expect(w.ledger.tradeDesk.connect(ex).list(id, h()))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "AlreadyListed")
          .withArgs(id, w.exchange.address);
      }
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(id, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroHash")
        .withArgs("listingRefHash");
    });

    it("records the listing milestone once: list, delist, list again leaves it unchanged", async () => {
      const { w, id, exchange2, listingRef } = await loadFixture(listedWorld);
      const before = await w.ledger.milestones.milestoneOf(id, Milestone.Listing);
      await w.ledger.tradeDesk.connect(w.exchange).delist(id, h("reason"));
      const ref2 = h("listing2");
      await expect(w.ledger.tradeDesk.connect(exchange2).list(id, ref2))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(id, exchange2.address, w.alice.address, ref2)
        .and.not.to.emit(w.ledger.milestones, "MilestoneRecorded");
      const after = await w.ledger.milestones.milestoneOf(id, Milestone.Listing);
      expect(after.attester).to.equal(w.exchange.address);
      expect(after.evidenceHash).to.equal(listingRef);
      expect(after[1]).to.equal(before[1]);
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(exchange2.address);
    });
  });

  describe("delist", () => {
    it("by the listing exchange", async () => {
      const { w, id } = await loadFixture(listedWorld);
      const reason = h("reason");
      await expect(w.ledger.tradeDesk.connect(w.exchange).delist(id, reason))
        .to.emit(w.ledger.tradeDesk, "Delisted")
        .withArgs(id, w.exchange.address, w.exchange.address, reason);
      const l = await w.ledger.tradeDesk.listingOf(id);
      expect(l.exchange).to.equal(ethers.ZeroAddress);
      expect(l.listingRefHash).to.equal(ethers.ZeroHash);
      await expect(w.ledger.tradeDesk.connect(w.exchange).delist(id, reason))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListed")
        .withArgs(id);
    });

    it("by the holder, with a zero reason", async () => {
      const { w, id } = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(w.alice).delist(id, ethers.ZeroHash))
        .to.emit(w.ledger.tradeDesk, "Delisted")
        .withArgs(id, w.exchange.address, w.alice.address, ethers.ZeroHash);
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(ethers.ZeroAddress);
    });

    it("refuses anyone else", async () => {
      const { w, id, exchange2 } = await loadFixture(listedWorld);
      for (const who of [w.bob, w.outsider, exchange2, w.registrar]) {
        await expect(w.ledger.tradeDesk.connect(who).delist(id, h()))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListingParty")
          .withArgs(id, who.address);
      }
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(w.exchange.address);
    });

    it("refuses an asset never listed", async () => {
      const { w, id } = await loadFixture(marketWorld);
      await expect(w.ledger.tradeDesk.connect(w.alice).delist(id, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListed")
        .withArgs(id);
    });
  });

  describe("tradeHolding", () => {
    it("moves the token to the buyer atomically and records the trade", async () => {
      const { w, id } = await loadFixture(listedWorld);
      const ref = h("trade");
      await expect(
        w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.bob.address, PRICE, CNY, DeliveryMode.PrivacyComputing, ref),
      )
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, id, w.exchange.address, w.alice.address, w.bob.address, 0n, PRICE, CNY, DeliveryMode.PrivacyComputing, ref)
        .and.to.emit(w.ledger.tradeDesk, "Delisted")
        .withArgs(id, w.exchange.address, w.exchange.address, ref)
        .and.to.emit(w.ledger.registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, id);
      const at = await time.latest();
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect(await w.ledger.registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.registry.balanceOf(w.bob.address)).to.equal(1n);
      // The desk's approval is cleared with the transfer.
      expect(await w.ledger.registry.getApproved(id)).to.equal(ethers.ZeroAddress);
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(ethers.ZeroAddress);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(2n);

      const t = await w.ledger.tradeDesk.tradeOf(1n);
      expect(t.seller).to.equal(w.alice.address);
      expect(t.buyer).to.equal(w.bob.address);
      expect(t.assetId).to.equal(id);
      expect(t.licenseId).to.equal(0n);
      expect(t.exchange).to.equal(w.exchange.address);
      expect(t.mode).to.equal(BigInt(DeliveryMode.PrivacyComputing));
      expect(t[6]).to.equal(BigInt(at)); // `at`
      expect(t.currency).to.equal(CNY);
      expect(t.price).to.equal(PRICE);
      expect(t.exchangeRefHash).to.equal(ref);

      const m = await w.ledger.milestones.milestoneOf(id, Milestone.Trade);
      expect(m.set).to.equal(true);
      expect(m.attester).to.equal(w.exchange.address);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.evidenceHash).to.equal(ref);
    });

    it("keeps the first trade milestone when the asset is sold again", async () => {
      const { w, id, desk, exchange2 } = await loadFixture(listedWorld);
      const ref1 = h("trade1");
      await w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.bob.address, PRICE, CNY, DeliveryMode.Api, ref1);
      await w.ledger.registry.connect(w.bob).approve(desk, id);
      const listing2 = h("listing2");
      await expect(w.ledger.tradeDesk.connect(exchange2).list(id, listing2))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(id, exchange2.address, w.bob.address, listing2);
      const ref2 = h("trade2");
      await expect(w.ledger.tradeDesk.connect(exchange2).tradeHolding(id, w.carol.address, PRICE, CNY, DeliveryMode.Plaintext, ref2))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(2n, id, exchange2.address, w.bob.address, w.carol.address, 0n, PRICE, CNY, DeliveryMode.Plaintext, ref2)
        .and.not.to.emit(w.ledger.milestones, "MilestoneRecorded");
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.carol.address);
      const m = await w.ledger.milestones.milestoneOf(id, Milestone.Trade);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.evidenceHash).to.equal(ref1);
    });

    it("refuses an unlisted asset and an exchange other than the listing one", async () => {
      const { w, id, exchange2 } = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(exchange2).tradeHolding(id, w.bob.address, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(id, exchange2.address);
      await w.ledger.tradeDesk.connect(w.alice).delist(id, ethers.ZeroHash);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.bob.address, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(id, w.exchange.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("requires the EXCHANGE role", async () => {
      const { w, id } = await loadFixture(listedWorld);
      for (const who of [w.outsider, w.alice, w.registrar]) {
        await expect(w.ledger.tradeDesk.connect(who).tradeHolding(id, w.bob.address, PRICE, CNY, 0, h()))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "MissingRole")
          .withArgs(who.address, EXCHANGE);
      }
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
    });

    it("refuses a buyer who is not a member, and nothing changes", async () => {
      const { w, id } = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.outsider.address, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(w.exchange.address);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Trade)).set).to.equal(false);
    });

    it("refuses a foreign buyer until the asset is cleared for cross-border transfer", async () => {
      const { w, id } = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.dave.address, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(id, w.dave.address);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(id, h("route"), 0, (await time.latest()) + YEAR);
      await w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.dave.address, PRICE, CNY, 0, h());
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.dave.address);
    });

    it("refuses sandbox delivery without the regulator's approval, and allows it with", async () => {
      const { w, id } = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.bob.address, PRICE, CNY, DeliveryMode.Sandbox, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SandboxNotApproved")
        .withArgs(id);
      await w.ledger.compliance.connect(w.regulator).approveSandbox(id, h("sandbox"), (await time.latest()) + YEAR);
      const ref = h("trade");
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.bob.address, PRICE, CNY, DeliveryMode.Sandbox, ref))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, id, w.exchange.address, w.alice.address, w.bob.address, 0n, PRICE, CNY, DeliveryMode.Sandbox, ref);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);
      expect((await w.ledger.tradeDesk.tradeOf(1n)).mode).to.equal(BigInt(DeliveryMode.Sandbox));
    });

    it("refuses invalid input", async () => {
      const { w, id } = await loadFixture(listedWorld);
      const d = w.ledger.tradeDesk.connect(w.exchange);
      await expect(d.tradeHolding(id, ethers.ZeroAddress, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(d, "ZeroAddress")
        .withArgs("buyer");
      await expect(d.tradeHolding(id, w.bob.address, PRICE, "0x000000", 0, h()))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs("currency");
      await expect(d.tradeHolding(id, w.bob.address, PRICE, CNY, 4, h()))
        .to.be.revertedWithCustomError(d, "OutOfRange")
        .withArgs("mode", 4n);
      await expect(d.tradeHolding(id, w.bob.address, PRICE, CNY, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs("exchangeRefHash");
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(w.exchange.address);
    });

    it("fails when the holder withdrew the desk's approval or the asset was frozen after listing", async () => {
      const { w, id, desk } = await loadFixture(listedWorld);
      await w.ledger.registry.connect(w.alice).approve(ethers.ZeroAddress, id);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.bob.address, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "ERC721InsufficientApproval")
        .withArgs(desk, id);
      await w.ledger.registry.connect(w.alice).approve(desk, id);
      await w.ledger.disputes.connect(w.court).freeze(id, h());
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeHolding(id, w.bob.address, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen")
        .withArgs(id);
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(w.exchange.address);
    });
  });

  describe("tradeLicense", () => {
    it("records the sale of a holder's licence: seller is the holder, buyer the licensee", async () => {
      const { w, id, rootId } = await loadFixture(licensedWorld);
      const ref = h("trade");
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(rootId, PRICE, CNY, DeliveryMode.Api, ref))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, id, w.exchange.address, w.alice.address, w.bob.address, rootId, PRICE, CNY, DeliveryMode.Api, ref)
        .and.not.to.emit(w.ledger.tradeDesk, "Delisted");
      const t = await w.ledger.tradeDesk.tradeOf(1n);
      expect(t.seller).to.equal(w.alice.address);
      expect(t.buyer).to.equal(w.bob.address);
      expect(t.licenseId).to.equal(rootId);
      expect(t.assetId).to.equal(id);
      // The holding right does not move, and the listing stays.
      expect(await w.ledger.registry.ownerOf(id)).to.equal(w.alice.address);
      expect((await w.ledger.tradeDesk.listingOf(id)).exchange).to.equal(w.exchange.address);
      const m = await w.ledger.milestones.milestoneOf(id, Milestone.Trade);
      expect(m.set).to.equal(true);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.attester).to.equal(w.exchange.address);
    });

    it("records the sale of a sublicence: seller is the parent licensee", async () => {
      const { w, id, subId } = await loadFixture(licensedWorld);
      const ref = h("trade");
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(subId, PRICE, CNY, DeliveryMode.Plaintext, ref))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, id, w.exchange.address, w.bob.address, w.carol.address, subId, PRICE, CNY, DeliveryMode.Plaintext, ref);
      const t = await w.ledger.tradeDesk.tradeOf(1n);
      expect(t.seller).to.equal(w.bob.address);
      expect(t.buyer).to.equal(w.carol.address);
      expect((await w.ledger.milestones.milestoneOf(id, Milestone.Trade)).enterprise).to.equal(w.bob.address);
    });

    it("refuses a revoked or unknown licence", async () => {
      const { w, rootId, subId } = await loadFixture(licensedWorld);
      await w.ledger.licenses.connect(w.alice).revoke(rootId, h("reason"));
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "LicenseNotInForce")
        .withArgs(rootId);
      // A sublicence falls with its parent.
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(subId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "LicenseNotInForce")
        .withArgs(subId);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(999n, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "LicenseNotInForce")
        .withArgs(999n);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
    });

    it("refuses an unlisted asset and another exchange", async () => {
      const { w, id, rootId, exchange2 } = await loadFixture(licensedWorld);
      await expect(w.ledger.tradeDesk.connect(exchange2).tradeLicense(rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(id, exchange2.address);
      await w.ledger.tradeDesk.connect(w.exchange).delist(id, h());
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(id, w.exchange.address);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
    });

    it("requires the EXCHANGE role and valid input", async () => {
      const { w, id, rootId } = await loadFixture(licensedWorld);
      await expect(w.ledger.tradeDesk.connect(w.outsider).tradeLicense(rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "MissingRole")
        .withArgs(w.outsider.address, EXCHANGE);
      await expect(w.ledger.tradeDesk.connect(w.bob).tradeLicense(rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "MissingRole")
        .withArgs(w.bob.address, EXCHANGE);
      const d = w.ledger.tradeDesk.connect(w.exchange);
      await expect(d.tradeLicense(rootId, PRICE, "0x000000", 0, h()))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs("currency");
      await expect(d.tradeLicense(rootId, PRICE, CNY, 4, h())).to.be.revertedWithCustomError(d, "OutOfRange").withArgs("mode", 4n);
      await expect(d.tradeLicense(rootId, PRICE, CNY, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs("exchangeRefHash");
      await expect(d.tradeLicense(rootId, PRICE, CNY, DeliveryMode.Sandbox, h()))
        .to.be.revertedWithCustomError(d, "SandboxNotApproved")
        .withArgs(id);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
    });
  });
});

