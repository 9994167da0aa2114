import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  CNY,
  DAY,
  DeliveryMode,
  Grade,
  Milestone,
  Reason,
  SELL_ORDER_TYPES,
  YEAR,
  deployWorld,
  h,
  licenseTerms,
  register,
  sellOrderFor,
  signOrder,
  submit,
  type World,
  Field,
} from "./helpers/fixture";

type Order = Awaited<ReturnType<typeof sellOrderFor>>;
type OrderOverrides = Parameters<typeof sellOrderFor>[2];
type DomainOverrides = Parameters<typeof signOrder>[3];


const PRICE = 8_800_000n;

/** A sell order as the contract's events carry it (a tuple in ABI order). */
function orderTuple(o: Order): unknown[] {
  return [o.assetId, o.exchange, o.buyer, o.price, o.currency, o.deadline, o.nonce];
}

interface Market extends World {
  id: bigint;
  desk: string;
}

/** alice holds a registered asset. Nothing is listed yet. */
async function marketWorld(): Promise<Market> {
  const w = await deployWorld();
  const id = await register(w, w.alice);
  return { ...w, id, desk: await w.ledger.tradeDesk.getAddress() };
}

/** A sell order for `assetId` signed by `holder`. */
async function signedOrder(
  w: Market,
  holder: HardhatEthersSigner,
  overrides: OrderOverrides = {},
  assetId: bigint = w.id,
): Promise<{ order: Order; sig: string }> {
  const order = await sellOrderFor(w, assetId, overrides);
  return { order, sig: await signOrder(w, holder, order) };
}

/** As marketWorld, with alice's asset listed by `exchange` on her signed order (any buyer). */
async function listedWorld(): Promise<Market & { order: Order; sig: string; listingRef: string }> {
  const m = await marketWorld();
  const { order, sig } = await signedOrder(m, m.alice);
  const listingRef = h("listing");
  await m.ledger.tradeDesk.connect(m.exchange).list(order, sig, listingRef);
  return { ...m, order, sig, listingRef };
}

/** As listedWorld, with a licence from alice to bob (sublicensable, revocable) and bob's sublicence to carol. */
async function licensedWorld(): Promise<Awaited<ReturnType<typeof listedWorld>> & { rootId: bigint; subId: bigint }> {
  const m = await listedWorld();
  const rootId = await m.ledger.licenses.nextLicenseId();
  await m.ledger.licenses.connect(m.alice).grant(m.id, await licenseTerms(m.bob.address, { sublicensable: true, revocable: true }));
  const parent = await m.ledger.licenses.licenseOf(rootId);
  const subId = await m.ledger.licenses.nextLicenseId();
  await m.ledger.licenses
    .connect(m.bob)
    .sublicense(rootId, await licenseTerms(m.carol.address, { start: Number(parent.start), end: Number(parent.end) }));
  return { ...m, rootId, subId };
}

/** The exchange executes a holding sale on an order. */
function trade(
  w: Market,
  exchange: HardhatEthersSigner,
  order: Order,
  sig: string,
  buyer: string,
  mode: number = DeliveryMode.Plaintext,
  ref: string = h("trade"),
) {
  return w.ledger.tradeDesk.connect(exchange).tradeHolding(order, sig, buyer, mode, ref);
}

async function firstTrade(w: Market, assetId: bigint = w.id) {
  return w.ledger.milestones.milestoneOf(assetId, Milestone.Trade);
}

async function orgOf(w: Market, who: HardhatEthersSigner): Promise<string> {
  return (await w.ledger.members.memberOf(who.address)).orgIdHash;
}

describe("TradeDesk", () => {
  describe("constructor", () => {
    it("refuses a zero registry or milestone address and wires the member registry from the registry", async () => {
      const w = await loadFixture(marketWorld);
      const factory = await ethers.getContractFactory("TradeDesk");
      const manager = await w.ledger.manager.getAddress();
      const registry = await w.ledger.registry.getAddress();
      const milestones = await w.ledger.milestones.getAddress();
      await expect(factory.deploy(manager, ethers.ZeroAddress, milestones))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroAddress")
        .withArgs(Field.Registry);
      await expect(factory.deploy(manager, registry, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroAddress")
        .withArgs(Field.Milestones);
      const desk = await factory.deploy(manager, registry, milestones);
      expect(await desk.registry()).to.equal(registry);
      expect(await desk.milestones()).to.equal(milestones);
      expect(await desk.members()).to.equal(await w.ledger.members.getAddress());
      expect(await desk.nextTradeId()).to.equal(1n);
    });
  });

  describe("sell orders (EIP-712)", () => {
    it("computes the digest the holder signs", async () => {
      const w = await loadFixture(marketWorld);
      const { order, sig } = await signedOrder(w, w.alice, { buyer: w.bob.address });
      const { chainId } = await ethers.provider.getNetwork();
      const domain = { name: "DRL TradeDesk", version: "1", chainId, verifyingContract: w.desk };
      const expected = ethers.TypedDataEncoder.hash(domain, SELL_ORDER_TYPES, order);
      expect(await w.ledger.tradeDesk.orderDigest(order)).to.equal(expected);
      expect(ethers.recoverAddress(expected, sig)).to.equal(w.alice.address);
      expect(await w.ledger.tradeDesk.SELL_ORDER_TYPEHASH()).to.equal(
        ethers.id(ethers.TypedDataEncoder.from(SELL_ORDER_TYPES).encodeType("SellOrder")),
      );
    });

    it("lets the holder place an order on chain, then the exchange lists and trades it with an empty signature", async () => {
      const w = await loadFixture(marketWorld);
      const order = await sellOrderFor(w, w.id, { buyer: w.bob.address });
      const hash = await w.ledger.tradeDesk.orderDigest(order);
      expect(await w.ledger.tradeDesk.connect(w.alice).placeOrder.staticCall(order)).to.equal(hash);
      await expect(w.ledger.tradeDesk.connect(w.alice).placeOrder(order))
        .to.emit(w.ledger.tradeDesk, "SellOrderPlaced")
        .withArgs(hash, w.id, w.alice.address, orderTuple(order));
      expect(await w.ledger.tradeDesk.isPlaced(w.alice.address, hash)).to.equal(true);
      expect(await w.ledger.tradeDesk.isPlaced(w.bob.address, hash)).to.equal(false);

      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, "0x", h("listing")))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(w.id, w.exchange.address, w.alice.address, anyValue, hash);
      await expect(trade(w, w.exchange, order, "0x", w.bob.address))
        .to.emit(w.ledger.tradeDesk, "NonceUsed")
        .withArgs(w.alice.address, order.nonce);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
    });

    it("refuses placeOrder by anyone but the holder, and an invalid order", async () => {
      const w = await loadFixture(marketWorld);
      const order = await sellOrderFor(w, w.id);
      for (const who of [w.bob, w.exchange, w.outsider]) {
        await expect(w.ledger.tradeDesk.connect(who).placeOrder(order))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotHolder")
          .withArgs(w.id, who.address);
      }
      const d = w.ledger.tradeDesk.connect(w.alice);
      await expect(d.placeOrder({ ...order, exchange: ethers.ZeroAddress }))
        .to.be.revertedWithCustomError(d, "ZeroAddress")
        .withArgs(Field.Exchange);
      await expect(d.placeOrder({ ...order, currency: "0x000000" }))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs(Field.Currency);
      const past = (await time.latest()) - 1;
      await expect(d.placeOrder({ ...order, deadline: past }))
        .to.be.revertedWithCustomError(d, "SignatureExpired")
        .withArgs(past);
      const pending = await submit(w, w.alice);
      await expect(d.placeOrder({ ...order, assetId: pending }))
        .to.be.revertedWithCustomError(w.ledger.registry, "ERC721NonexistentToken")
        .withArgs(pending);
      expect(await w.ledger.tradeDesk.isPlaced(w.bob.address, await w.ledger.tradeDesk.orderDigest(order))).to.equal(false);
    });

    it("refuses an empty signature for an order the holder did not place", async () => {
      const w = await loadFixture(marketWorld);
      const order = await sellOrderFor(w, w.id);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, "0x", h())).to.be.revertedWithCustomError(
        w.ledger.tradeDesk,
        "InvalidSignature",
      );
      await expect(trade(w, w.exchange, order, "0x", w.bob.address)).to.be.revertedWithCustomError(w.ledger.tradeDesk, "InvalidSignature");
      // An order placed by someone else (bob, for bob's own asset) does not stand for alice's.
      const bobs = await register(w, w.bob);
      const bobOrder = await sellOrderFor(w, bobs);
      await w.ledger.tradeDesk.connect(w.bob).placeOrder(bobOrder);
      await expect(trade(w, w.exchange, { ...bobOrder, assetId: w.id }, "0x", w.carol.address)).to.be.revertedWithCustomError(
        w.ledger.tradeDesk,
        "InvalidSignature",
      );
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
    });

    it("uses up the order's nonce in a trade (NonceUsed); a replay is refused with NonceAlreadyUsed", async () => {
      const w = await loadFixture(marketWorld);
      const { order, sig } = await signedOrder(w, w.alice);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, order.nonce)).to.equal(false);
      await expect(trade(w, w.exchange, order, sig, w.bob.address))
        .to.emit(w.ledger.tradeDesk, "NonceUsed")
        .withArgs(w.alice.address, order.nonce);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, order.nonce)).to.equal(true);
      // bob sells it back; alice's old order must not sell it a second time.
      const back = await signedOrder(w, w.bob, { buyer: w.alice.address });
      await trade(w, w.exchange, back.order, back.sig, w.alice.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      await expect(trade(w, w.exchange, order, sig, w.carol.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NonceAlreadyUsed")
        .withArgs(w.alice.address, order.nonce);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NonceAlreadyUsed")
        .withArgs(w.alice.address, order.nonce);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
    });

    it("listing does not use up the order's nonce", async () => {
      const w = await loadFixture(listedWorld);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, w.order.nonce)).to.equal(false);
    });

    it("cancelNonce invalidates an order, also a listed one at trade time, and a placed one", async () => {
      const w = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(w.alice).cancelNonce(w.order.nonce))
        .to.emit(w.ledger.tradeDesk, "NonceCancelled")
        .withArgs(w.alice.address, w.order.nonce);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, w.order.nonce)).to.equal(true);
      await expect(trade(w, w.exchange, w.order, w.sig, w.bob.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NonceAlreadyUsed")
        .withArgs(w.alice.address, w.order.nonce);
      await expect(w.ledger.tradeDesk.connect(w.alice).cancelNonce(w.order.nonce))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NonceAlreadyUsed")
        .withArgs(w.alice.address, w.order.nonce);

      const placed = await sellOrderFor(w, w.id);
      await w.ledger.tradeDesk.connect(w.alice).placeOrder(placed);
      await w.ledger.tradeDesk.connect(w.alice).cancelNonce(placed.nonce);
      await expect(trade(w, w.exchange, placed, "0x", w.bob.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NonceAlreadyUsed")
        .withArgs(w.alice.address, placed.nonce);
      // Another holder's nonce space is untouched.
      expect(await w.ledger.tradeDesk.nonceUsed(w.bob.address, w.order.nonce)).to.equal(false);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
    });

    it("refuses an expired order (SignatureExpired) at listing and at trade; the deadline second itself is in time", async () => {
      const w = await loadFixture(marketWorld);
      const { order, sig } = await signedOrder(w, w.alice, { deadline: (await time.latest()) + DAY });
      await w.ledger.tradeDesk.connect(w.exchange).list(order, sig, h());
      await time.increaseTo(order.deadline + 1);
      await expect(trade(w, w.exchange, order, sig, w.bob.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SignatureExpired")
        .withArgs(order.deadline);
      await w.ledger.tradeDesk.connect(w.alice).delist(w.id, ethers.ZeroHash);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SignatureExpired")
        .withArgs(order.deadline);

      const edge = await signedOrder(w, w.alice, { deadline: (await time.latest()) + 100 });
      await time.setNextBlockTimestamp(edge.order.deadline);
      await trade(w, w.exchange, edge.order, edge.sig, w.bob.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
    });

    it("refuses a signature for another chain, another contract, or another domain name or version", async () => {
      const w = await loadFixture(marketWorld);
      const order = await sellOrderFor(w, w.id);
      const { chainId } = await ethers.provider.getNetwork();
      const wrong: DomainOverrides[] = [
        { chainId: chainId + 1n },
        { verifyingContract: await w.ledger.licenses.getAddress() },
        { verifyingContract: await w.ledger.registry.getAddress() },
        { name: "DRL LicenseRegistry" },
        { version: "2" },
      ];
      for (const d of wrong) {
        const sig = await signOrder(w, w.alice, order, d);
        await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, sig, h())).to.be.revertedWithCustomError(
          w.ledger.tradeDesk,
          "InvalidSignature",
        );
        await expect(trade(w, w.exchange, order, sig, w.bob.address)).to.be.revertedWithCustomError(w.ledger.tradeDesk, "InvalidSignature");
      }
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, order.nonce)).to.equal(false);
    });

    it("refuses an order with any field tampered", async () => {
      const w = await loadFixture(marketWorld);
      const second = await register(w, w.alice);
      const { order, sig } = await signedOrder(w, w.alice);
      const tampered: [string, HardhatEthersSigner, string, Order][] = [
        ["assetId", w.exchange, w.bob.address, { ...order, assetId: second }],
        ["exchange", w.exchange2, w.bob.address, { ...order, exchange: w.exchange2.address }],
        ["buyer", w.exchange, w.bob.address, { ...order, buyer: w.bob.address }],
        ["price", w.exchange, w.bob.address, { ...order, price: 1n }],
        ["currency", w.exchange, w.bob.address, { ...order, currency: "0x555344" }],
        ["deadline", w.exchange, w.bob.address, { ...order, deadline: order.deadline + 1 }],
        ["nonce", w.exchange, w.bob.address, { ...order, nonce: order.nonce + 1n }],
      ];
      for (const [field, exchange, buyer, changed] of tampered) {
        await expect(trade(w, exchange, changed, sig, buyer), field).to.be.revertedWithCustomError(w.ledger.tradeDesk, "InvalidSignature");
        await expect(w.ledger.tradeDesk.connect(exchange).list(changed, sig, h()), field).to.be.revertedWithCustomError(
          w.ledger.tradeDesk,
          "InvalidSignature",
        );
      }
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect(await w.ledger.registry.ownerOf(second)).to.equal(w.alice.address);
      // The untampered order still works.
      await trade(w, w.exchange, order, sig, w.bob.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
    });

    it("refuses an order signed by anyone but the holder, and malformed signatures", async () => {
      const w = await loadFixture(marketWorld);
      const order = await sellOrderFor(w, w.id);
      for (const signer of [w.bob, w.exchange, w.admin]) {
        await expect(trade(w, w.exchange, order, await signOrder(w, signer, order), w.carol.address)).to.be.revertedWithCustomError(
          w.ledger.tradeDesk,
          "InvalidSignature",
        );
      }
      for (const bad of ["0x1234", ethers.hexlify(new Uint8Array(65))]) {
        await expect(trade(w, w.exchange, order, bad, w.carol.address)).to.be.revertedWithCustomError(w.ledger.tradeDesk, "InvalidSignature");
      }
    });

    it("emits every used and cancelled nonce, so that nonceUsed can be rebuilt from the log", async () => {
      const w = await loadFixture(marketWorld);
      const d = w.ledger.tradeDesk;
      const fromBlock = await ethers.provider.getBlockNumber();
      const first = await signedOrder(w, w.alice, { nonce: 1n });
      await d.connect(w.exchange).list(first.order, first.sig, h()); // listing uses nothing
      await d.connect(w.alice).cancelNonce(2n);
      await trade(w, w.exchange, first.order, first.sig, w.bob.address);
      const second = await signedOrder(w, w.bob, { nonce: 1n });
      await trade(w, w.exchange, second.order, second.sig, w.carol.address);
      await d.connect(w.bob).cancelNonce(3n);
      const failed = await signedOrder(w, w.carol, { nonce: 4n });
      await expect(trade(w, w.exchange, failed.order, failed.sig, w.outsider.address)).to.be.revertedWithCustomError(
        w.ledger.registry,
        "NotActiveMember",
      );

      const used = await d.queryFilter(d.filters.NonceUsed(), fromBlock);
      const cancelled = await d.queryFilter(d.filters.NonceCancelled(), fromBlock);
      expect(used).to.have.length(2);
      expect(cancelled).to.have.length(2);
      const rebuilt = new Set([...used, ...cancelled].map((e) => `${e.args.signer}:${e.args.nonce}`));
      for (const signer of [w.alice, w.bob, w.carol]) {
        for (let n = 0n; n <= 5n; n += 1n) {
          expect(await d.nonceUsed(signer.address, n), `${signer.address}:${n}`).to.equal(rebuilt.has(`${signer.address}:${n}`));
        }
      }
    });
  });

  describe("list", () => {
    it("lists an asset on the holder's signed order, and records the first listing", async () => {
      const w = await loadFixture(marketWorld);
      const { order, sig } = await signedOrder(w, w.alice);
      const ref = h("listing");
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, sig, ref))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(w.id, w.exchange.address, w.alice.address, ref, await w.ledger.tradeDesk.orderDigest(order))
        .and.to.emit(w.ledger.milestones, "MilestoneRecorded");
      const at = await time.latest();
      const l = await w.ledger.tradeDesk.listingOf(w.id);
      expect(l.exchange).to.equal(w.exchange.address);
      expect(l.listedAt).to.equal(BigInt(at));
      expect(l.holder).to.equal(w.alice.address);
      expect(l.listingRefHash).to.equal(ref);
      expect(await w.ledger.tradeDesk.liveListingOf(w.id)).to.equal(w.exchange.address);
      const m = await w.ledger.milestones.milestoneOf(w.id, Milestone.Listing);
      expect(m.set).to.equal(true);
      expect(m.attester).to.equal(w.exchange.address);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.evidenceHash).to.equal(ref);
      expect(m[1]).to.equal(BigInt(at)); // `at`
      // Listing does not move the token, and needs no approval of the desk.
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect(await w.ledger.registry.getApproved(w.id)).to.equal(ethers.ZeroAddress);
    });

    it("does not take an operator approval (setApprovalForAll) or a token approval as consent: a listing needs the holder's order", async () => {
      // Changed (issue 8 §1): this test used to accept setApprovalForAll to the desk as the
      // holder's consent to list; an approval of the desk is no longer consent to a sale.
      const w = await loadFixture(marketWorld);
      await w.ledger.registry.connect(w.alice).setApprovalForAll(w.desk, true);
      await w.ledger.registry.connect(w.alice).approve(w.desk, w.id);
      const order = await sellOrderFor(w, w.id);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, "0x", h())).to.be.revertedWithCustomError(
        w.ledger.tradeDesk,
        "InvalidSignature",
      );
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(ethers.ZeroAddress);
      expect((await w.ledger.milestones.milestoneOf(w.id, Milestone.Listing)).set).to.equal(false);
      // With her order, it lists.
      await w.ledger.tradeDesk.connect(w.exchange).list(order, await signOrder(w, w.alice, order), h());
      expect(await w.ledger.tradeDesk.liveListingOf(w.id)).to.equal(w.exchange.address);
    });

    it("attack: an exchange lists and sells a holder's tokens at its own price after the holder approved the desk", async () => {
      const w = await loadFixture(marketWorld);
      const other = await register(w, w.alice);
      // alice approves the desk for everything and signs one order, for one asset, at one price, via one exchange.
      await w.ledger.registry.connect(w.alice).setApprovalForAll(w.desk, true);
      const { order, sig } = await signedOrder(w, w.alice, { buyer: w.bob.address });
      const desk = w.ledger.tradeDesk;
      // Its own price: the order no longer matches her signature.
      const cheap = { ...order, price: 1n };
      await expect(desk.connect(w.exchange).list(cheap, sig, h())).to.be.revertedWithCustomError(desk, "InvalidSignature");
      await expect(trade(w, w.exchange, cheap, sig, w.bob.address)).to.be.revertedWithCustomError(desk, "InvalidSignature");
      // An order the exchange signs itself, or no signature at all.
      const forged = await sellOrderFor(w, w.id, { price: 1n });
      for (const s of [await signOrder(w, w.exchange, forged), "0x"]) {
        await expect(trade(w, w.exchange, forged, s, w.carol.address)).to.be.revertedWithCustomError(desk, "InvalidSignature");
      }
      // Her other token, on the signature she gave for the first.
      await expect(trade(w, w.exchange, { ...order, assetId: other }, sig, w.bob.address)).to.be.revertedWithCustomError(
        desk,
        "InvalidSignature",
      );
      // Another buyer, or another exchange.
      await expect(trade(w, w.exchange, order, sig, w.carol.address))
        .to.be.revertedWithCustomError(desk, "WrongBuyer")
        .withArgs(w.bob.address, w.carol.address);
      await expect(trade(w, w.exchange2, order, sig, w.bob.address))
        .to.be.revertedWithCustomError(desk, "WrongExchange")
        .withArgs(w.exchange.address, w.exchange2.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect(await w.ledger.registry.ownerOf(other)).to.equal(w.alice.address);
      expect(await desk.nextTradeId()).to.equal(1n);
      expect((await w.ledger.milestones.milestoneOf(w.id, Milestone.Listing)).set).to.equal(false);
      expect((await firstTrade(w)).set).to.equal(false);
    });

    it("requires the EXCHANGE role", async () => {
      const w = await loadFixture(marketWorld);
      const { order, sig } = await signedOrder(w, w.alice);
      for (const who of [w.outsider, w.alice, w.registrar, w.court]) {
        await expect(w.ledger.tradeDesk.connect(who).list(order, sig, h()))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(ethers.ZeroAddress);
    });

    it("requires an order that names the listing exchange and is the holder's own", async () => {
      const w = await loadFixture(marketWorld);
      const { order, sig } = await signedOrder(w, w.alice);
      await expect(w.ledger.tradeDesk.connect(w.exchange2).list(order, sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "WrongExchange")
        .withArgs(w.exchange.address, w.exchange2.address);
      // Signed by someone else (not the holder): refused.
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, await signOrder(w, w.bob, order), h())).to.be.revertedWithCustomError(
        w.ledger.tradeDesk,
        "InvalidSignature",
      );
      await expect(w.ledger.tradeDesk.connect(w.exchange).list({ ...order, exchange: ethers.ZeroAddress }, sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroAddress")
        .withArgs(Field.Exchange);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list({ ...order, currency: "0x000000" }, sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroHash")
        .withArgs(Field.Currency);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(ethers.ZeroAddress);
    });

    it("refuses an asset that is not tradable, with the reason", async () => {
      const w = await loadFixture(marketWorld);
      const { order, sig } = await signedOrder(w, w.alice);
      const list = () => w.ledger.tradeDesk.connect(w.exchange).list(order, sig, h());
      const hold = h("case");
      await w.ledger.disputes.connect(w.court).freeze(w.id, hold);
      await expect(list()).to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable").withArgs(w.id, Reason.Frozen);
      await w.ledger.disputes.connect(w.court).unfreeze(w.id, hold);

      const oid = await w.ledger.disputes.nextObjectionId();
      await w.ledger.disputes.connect(w.bob).object(w.id, h());
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      await expect(list()).to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable").withArgs(w.id, Reason.Disputed);
      await w.ledger.disputes.connect(w.bob).withdraw(oid);

      const due = (await time.latest()) + 30 * DAY;
      const pid = await w.ledger.pledges.nextPledgeId();
      await w.ledger.pledges.connect(w.alice).propose(w.id, w.bob.address, 1n, CNY, due, h());
      await w.ledger.pledges.connect(w.bob).accept(pid);
      await expect(list()).to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable").withArgs(w.id, Reason.Pledged);
      await w.ledger.pledges.connect(w.bob).release(pid);

      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      await expect(list()).to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable").withArgs(w.id, Reason.NotMember);
      await w.ledger.members.connect(w.registrar).reinstate(w.alice.address);

      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.Core, h());
      await expect(list()).to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable").withArgs(w.id, Reason.CoreData);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.General, h());

      await list();
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(w.exchange.address);
    });

    it("refuses an expired asset", async () => {
      const w = await loadFixture(marketWorld);
      const { validUntil } = await w.ledger.registry.recordOf(w.id);
      await time.increaseTo(validUntil + 1n);
      const { order, sig } = await signedOrder(w, w.alice);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable")
        .withArgs(w.id, Reason.Expired);
    });

    it("refuses an unregistered asset", async () => {
      const w = await loadFixture(marketWorld);
      const pending = await submit(w, w.alice);
      const order = await sellOrderFor(w, pending);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, await signOrder(w, w.alice, order), h()))
        .to.be.revertedWithCustomError(w.ledger.registry, "ERC721NonexistentToken")
        .withArgs(pending);
    });

    it("refuses an asset already listed by its holder, and a zero reference", async () => {
      const w = await loadFixture(listedWorld);
      const second = await signedOrder(w, w.alice, { exchange: w.exchange2.address });
      await expect(w.ledger.tradeDesk.connect(w.exchange2).list(second.order, second.sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "AlreadyListed")
        .withArgs(w.id, w.exchange.address);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(w.order, w.sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "AlreadyListed")
        .withArgs(w.id, w.exchange.address);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(w.order, w.sig, ethers.ZeroHash))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "ZeroHash")
        .withArgs(Field.ListingRefHash);
    });

    it("records the listing milestone once: list, delist, list again leaves it unchanged", async () => {
      const w = await loadFixture(listedWorld);
      const before = await w.ledger.milestones.milestoneOf(w.id, Milestone.Listing);
      await w.ledger.tradeDesk.connect(w.exchange).delist(w.id, h("reason"));
      const second = await signedOrder(w, w.alice, { exchange: w.exchange2.address });
      const ref2 = h("listing2");
      await expect(w.ledger.tradeDesk.connect(w.exchange2).list(second.order, second.sig, ref2))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(w.id, w.exchange2.address, w.alice.address, ref2, await w.ledger.tradeDesk.orderDigest(second.order))
        .and.not.to.emit(w.ledger.milestones, "MilestoneRecorded");
      const after = await w.ledger.milestones.milestoneOf(w.id, Milestone.Listing);
      expect(after.attester).to.equal(w.exchange.address);
      expect(after.evidenceHash).to.equal(w.listingRef);
      expect(after[1]).to.equal(before[1]);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(w.exchange2.address);
    });

    it("lets a foreign holder list (its own clearance is not the listing's concern); the buyer's clearance is checked at the trade", async () => {
      const w = await loadFixture(marketWorld);
      const daves = await register(w, w.dave);
      expect(await w.ledger.compliance.isCrossBorderCleared(daves, w.dave.address)).to.equal(false);
      const { order, sig } = await signedOrder(w, w.dave, {}, daves);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(order, sig, h()))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(daves, w.exchange.address, w.dave.address, anyValue, await w.ledger.tradeDesk.orderDigest(order));
      expect(await w.ledger.tradeDesk.liveListingOf(daves)).to.equal(w.exchange.address);
      await trade(w, w.exchange, order, sig, w.bob.address);
      expect(await w.ledger.registry.ownerOf(daves)).to.equal(w.bob.address);

      // The other checks still apply to a foreign holder's listing.
      const again = await register(w, w.dave);
      await w.ledger.disputes.connect(w.court).freeze(again, h());
      const o2 = await signedOrder(w, w.dave, {}, again);
      await expect(w.ledger.tradeDesk.connect(w.exchange).list(o2.order, o2.sig, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotTradable")
        .withArgs(again, Reason.Frozen);
    });
  });

  describe("a stale listing", () => {
    it("attack: a stale listing sells a token that has since moved to someone else", async () => {
      const w = await loadFixture(listedWorld);
      // alice, who listed, hands the token to bob outside the desk.
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      expect(await w.ledger.tradeDesk.liveListingOf(w.id)).to.equal(ethers.ZeroAddress);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).holder).to.equal(w.alice.address);
      // The exchange tries to execute the listing on alice's order: bob never consented.
      await expect(trade(w, w.exchange, w.order, w.sig, w.carol.address)).to.be.revertedWithCustomError(
        w.ledger.tradeDesk,
        "InvalidSignature",
      );
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
    });

    it("lapses when the holder changes: a placed order of the former holder does not sell either", async () => {
      const w = await loadFixture(marketWorld);
      const order = await sellOrderFor(w, w.id);
      await w.ledger.tradeDesk.connect(w.alice).placeOrder(order);
      await w.ledger.tradeDesk.connect(w.exchange).list(order, "0x", h());
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      await expect(trade(w, w.exchange, order, "0x", w.carol.address)).to.be.revertedWithCustomError(w.ledger.tradeDesk, "InvalidSignature");
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
    });

    it("does not bind the new holder: its own order lists anew, on another exchange too, and trades", async () => {
      const w = await loadFixture(listedWorld);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      const bobs = await signedOrder(w, w.bob, { exchange: w.exchange2.address });
      const ref = h("listing-bob");
      await expect(w.ledger.tradeDesk.connect(w.exchange2).list(bobs.order, bobs.sig, ref))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(w.id, w.exchange2.address, w.bob.address, ref, await w.ledger.tradeDesk.orderDigest(bobs.order));
      expect(await w.ledger.tradeDesk.liveListingOf(w.id)).to.equal(w.exchange2.address);
      const l = await w.ledger.tradeDesk.listingOf(w.id);
      expect(l.holder).to.equal(w.bob.address);
      // The first listing stays alice's.
      expect((await w.ledger.milestones.milestoneOf(w.id, Milestone.Listing)).enterprise).to.equal(w.alice.address);
      await trade(w, w.exchange2, bobs.order, bobs.sig, w.carol.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.carol.address);
    });

    it("revives if the former holder gets the token back", async () => {
      const w = await loadFixture(listedWorld);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      await w.ledger.registry.connect(w.bob).transferFrom(w.bob.address, w.alice.address, w.id);
      expect(await w.ledger.tradeDesk.liveListingOf(w.id)).to.equal(w.exchange.address);
      // alice's listing binds the asset to its exchange again.
      const other = await signedOrder(w, w.alice, { exchange: w.exchange2.address });
      await expect(trade(w, w.exchange2, other.order, other.sig, w.carol.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(w.id, w.exchange2.address);
    });
  });

  describe("delist", () => {
    it("by the listing exchange", async () => {
      const w = await loadFixture(listedWorld);
      const reason = h("reason");
      await expect(w.ledger.tradeDesk.connect(w.exchange).delist(w.id, reason))
        .to.emit(w.ledger.tradeDesk, "Delisted")
        .withArgs(w.id, w.exchange.address, w.exchange.address, reason);
      const l = await w.ledger.tradeDesk.listingOf(w.id);
      expect(l.exchange).to.equal(ethers.ZeroAddress);
      expect(l.holder).to.equal(ethers.ZeroAddress);
      expect(l.listingRefHash).to.equal(ethers.ZeroHash);
      expect(await w.ledger.tradeDesk.liveListingOf(w.id)).to.equal(ethers.ZeroAddress);
      await expect(w.ledger.tradeDesk.connect(w.exchange).delist(w.id, reason))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListed")
        .withArgs(w.id);
    });

    it("by the holder, with a zero reason", async () => {
      const w = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(w.alice).delist(w.id, ethers.ZeroHash))
        .to.emit(w.ledger.tradeDesk, "Delisted")
        .withArgs(w.id, w.exchange.address, w.alice.address, ethers.ZeroHash);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(ethers.ZeroAddress);
    });

    it("attack: the holder delists, and the exchange still executes the order it listed — the holder's delisting withdraws it", async () => {
      const w = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(w.alice).delist(w.id, ethers.ZeroHash))
        .to.emit(w.ledger.tradeDesk, "NonceCancelled")
        .withArgs(w.alice.address, w.order.nonce);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, w.order.nonce)).to.equal(true);
      await expect(trade(w, w.exchange, w.order, w.sig, w.bob.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NonceAlreadyUsed")
        .withArgs(w.alice.address, w.order.nonce);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
    });

    it("a listing lapsed by a change of holder is replaced with a Delisted event when the new holder lists", async () => {
      const w = await loadFixture(listedWorld);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      const o = await signedOrder(w, w.bob, { exchange: w.exchange2.address });
      await expect(w.ledger.tradeDesk.connect(w.exchange2).list(o.order, o.sig, h()))
        .to.emit(w.ledger.tradeDesk, "Delisted")
        .withArgs(w.id, w.exchange.address, w.exchange2.address, ethers.ZeroHash)
        .and.to.emit(w.ledger.tradeDesk, "Listed");
      expect(await w.ledger.tradeDesk.liveListingOf(w.id)).to.equal(w.exchange2.address);
    });

    it("the exchange's own delisting leaves the holder's order standing", async () => {
      const w = await loadFixture(listedWorld);
      await expect(w.ledger.tradeDesk.connect(w.exchange).delist(w.id, h())).not.to.emit(w.ledger.tradeDesk, "NonceCancelled");
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, w.order.nonce)).to.equal(false);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).orderNonce).to.equal(0n);
    });

    it("refuses anyone else (NotListingParty)", async () => {
      const w = await loadFixture(listedWorld);
      for (const who of [w.bob, w.outsider, w.exchange2, w.registrar]) {
        await expect(w.ledger.tradeDesk.connect(who).delist(w.id, h()))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListingParty")
          .withArgs(w.id, who.address);
      }
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(w.exchange.address);
    });

    it("of a stale listing: by the current holder, not the former one", async () => {
      const w = await loadFixture(listedWorld);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, w.id);
      await expect(w.ledger.tradeDesk.connect(w.alice).delist(w.id, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListingParty")
        .withArgs(w.id, w.alice.address);
      await expect(w.ledger.tradeDesk.connect(w.bob).delist(w.id, ethers.ZeroHash))
        .to.emit(w.ledger.tradeDesk, "Delisted")
        .withArgs(w.id, w.exchange.address, w.bob.address, ethers.ZeroHash);
    });

    it("refuses an asset never listed", async () => {
      const w = await loadFixture(marketWorld);
      await expect(w.ledger.tradeDesk.connect(w.alice).delist(w.id, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListed")
        .withArgs(w.id);
    });
  });

  describe("tradeHolding", () => {
    it("moves the token to the buyer atomically and records the trade", async () => {
      const w = await loadFixture(listedWorld);
      const ref = h("trade");
      await expect(trade(w, w.exchange, w.order, w.sig, w.bob.address, DeliveryMode.PrivacyComputing, ref))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, w.id, w.exchange.address, w.alice.address, w.bob.address, 0n, w.order.price, CNY, DeliveryMode.PrivacyComputing, ref)
        .and.to.emit(w.ledger.tradeDesk, "Delisted")
        .withArgs(w.id, w.exchange.address, w.exchange.address, ref)
        .and.to.emit(w.ledger.tradeDesk, "NonceUsed")
        .withArgs(w.alice.address, w.order.nonce)
        .and.to.emit(w.ledger.registry, "Transfer")
        .withArgs(w.alice.address, w.bob.address, w.id);
      const at = await time.latest();
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
      expect(await w.ledger.registry.balanceOf(w.alice.address)).to.equal(0n);
      expect(await w.ledger.registry.balanceOf(w.bob.address)).to.equal(1n);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(ethers.ZeroAddress);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(2n);

      const t = await w.ledger.tradeDesk.tradeOf(1n);
      expect(t.seller).to.equal(w.alice.address);
      expect(t.buyer).to.equal(w.bob.address);
      expect(t.assetId).to.equal(w.id);
      expect(t.licenseId).to.equal(0n);
      expect(t.exchange).to.equal(w.exchange.address);
      expect(t.mode).to.equal(BigInt(DeliveryMode.PrivacyComputing));
      expect(t[6]).to.equal(BigInt(at)); // `at`
      expect(t.currency).to.equal(CNY);
      expect(t.price).to.equal(w.order.price);
      expect(t.exchangeRefHash).to.equal(ref);

      const m = await firstTrade(w);
      expect(m.set).to.equal(true);
      expect(m.attester).to.equal(w.exchange.address);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.evidenceHash).to.equal(ref);
    });

    it("needs no ERC-721 approval: withdrawing the desk's approval does not stop a sale on the holder's order", async () => {
      // Changed (issue 8 §1): the old test failed the trade once the holder withdrew the desk's
      // approval; an approval is no longer the consent, so withdrawing one changes nothing and
      // the holder withdraws its consent with cancelNonce (see "cancelNonce invalidates an order").
      const w = await loadFixture(marketWorld);
      await w.ledger.registry.connect(w.alice).approve(w.desk, w.id);
      await w.ledger.registry.connect(w.alice).approve(ethers.ZeroAddress, w.id);
      const { order, sig } = await signedOrder(w, w.alice);
      expect(await w.ledger.registry.isApprovedForAll(w.alice.address, w.desk)).to.equal(false);
      await trade(w, w.exchange, order, sig, w.bob.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
      // An approval the holder did give is cleared by the sale, as by any move.
      await w.ledger.registry.connect(w.bob).approve(w.desk, w.id);
      const bobs = await signedOrder(w, w.bob);
      await trade(w, w.exchange, bobs.order, bobs.sig, w.carol.address);
      expect(await w.ledger.registry.getApproved(w.id)).to.equal(ethers.ZeroAddress);
    });

    it("keeps the first trade milestone when the asset is sold again", async () => {
      const w = await loadFixture(listedWorld);
      const ref1 = h("trade1");
      await trade(w, w.exchange, w.order, w.sig, w.bob.address, DeliveryMode.Api, ref1);
      const bobs = await signedOrder(w, w.bob, { exchange: w.exchange2.address, price: PRICE });
      const listing2 = h("listing2");
      await expect(w.ledger.tradeDesk.connect(w.exchange2).list(bobs.order, bobs.sig, listing2))
        .to.emit(w.ledger.tradeDesk, "Listed")
        .withArgs(w.id, w.exchange2.address, w.bob.address, listing2, await w.ledger.tradeDesk.orderDigest(bobs.order));
      const ref2 = h("trade2");
      await expect(trade(w, w.exchange2, bobs.order, bobs.sig, w.carol.address, DeliveryMode.Plaintext, ref2))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(2n, w.id, w.exchange2.address, w.bob.address, w.carol.address, 0n, PRICE, CNY, DeliveryMode.Plaintext, ref2)
        .and.not.to.emit(w.ledger.milestones, "MilestoneRecorded");
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.carol.address);
      const m = await firstTrade(w);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.evidenceHash).to.equal(ref1);
    });

    it("lets only the listing exchange trade a live listing; without one, the order alone decides", async () => {
      // Changed (issue 8 §1): the old test refused every trade of an unlisted asset. The holder's
      // order is now the consent, and it names the one exchange that may execute it; a live
      // listing binds the asset to its exchange.
      const w = await loadFixture(listedWorld);
      const viaOther = await signedOrder(w, w.alice, { exchange: w.exchange2.address });
      await expect(trade(w, w.exchange2, viaOther.order, viaOther.sig, w.bob.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(w.id, w.exchange2.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, viaOther.order.nonce)).to.equal(false);

      await w.ledger.tradeDesk.connect(w.alice).delist(w.id, ethers.ZeroHash);
      await expect(trade(w, w.exchange2, viaOther.order, viaOther.sig, w.bob.address))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .and.not.to.emit(w.ledger.tradeDesk, "Delisted");
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
    });

    it("refuses an order that names another exchange (WrongExchange) or another buyer (WrongBuyer)", async () => {
      const w = await loadFixture(marketWorld);
      const { order, sig } = await signedOrder(w, w.alice, { buyer: w.bob.address });
      await expect(trade(w, w.exchange2, order, sig, w.bob.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "WrongExchange")
        .withArgs(w.exchange.address, w.exchange2.address);
      for (const buyer of [w.carol, w.dave]) {
        await expect(trade(w, w.exchange, order, sig, buyer.address))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "WrongBuyer")
          .withArgs(w.bob.address, buyer.address);
      }
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      await trade(w, w.exchange, order, sig, w.bob.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
    });

    it("refuses a sale to the seller itself (SelfTrade)", async () => {
      const w = await loadFixture(listedWorld);
      await expect(trade(w, w.exchange, w.order, w.sig, w.alice.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SelfTrade")
        .withArgs(w.alice.address);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
      expect((await firstTrade(w)).set).to.equal(false);
    });

    it("refuses a sale between two accounts of one organisation (SameOrganisation)", async () => {
      // The member registry admits one account per organisation; two accounts share an org-id
      // hash only after a key rotation (rebind), where the old account is retired.
      const w = await loadFixture(marketWorld);
      const org = await orgOf(w, w.alice);
      const fresh = w.spare[0]!;
      const { order, sig } = await signedOrder(w, w.alice);
      await w.ledger.members.connect(w.registrar).rebind(w.alice.address, fresh.address, h());
      expect(await orgOf(w, fresh)).to.equal(org);
      await expect(trade(w, w.exchange, order, sig, fresh.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SameOrganisation")
        .withArgs(org);
      // After the registrar's recovery transfer, the new account cannot sell to the old one either.
      await w.ledger.registry.connect(w.registrar).recoveryTransfer(w.id, fresh.address, h());
      const back = await signedOrder(w, fresh);
      await expect(trade(w, w.exchange, back.order, back.sig, w.alice.address))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SameOrganisation")
        .withArgs(org);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
    });

    it("requires the EXCHANGE role", async () => {
      const w = await loadFixture(listedWorld);
      for (const who of [w.outsider, w.alice, w.registrar]) {
        await expect(w.ledger.tradeDesk.connect(who).tradeHolding(w.order, w.sig, w.bob.address, 0, h()))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
    });

    it("refuses a buyer who is not a member, and nothing changes", async () => {
      const w = await loadFixture(listedWorld);
      await expect(trade(w, w.exchange, w.order, w.sig, w.outsider.address))
        .to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember")
        .withArgs(w.outsider.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(w.exchange.address);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, w.order.nonce)).to.equal(false);
      expect((await firstTrade(w)).set).to.equal(false);
    });

    it("refuses a foreign buyer until the asset is cleared for that buyer", async () => {
      const w = await loadFixture(listedWorld);
      await expect(trade(w, w.exchange, w.order, w.sig, w.dave.address))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.dave.address);
      // A clearance keyed to another recipient does not cover dave.
      const until = (await time.latest()) + YEAR;
      await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(w.id, w.bob.address, h("route"), 0, until);
      await expect(trade(w, w.exchange, w.order, w.sig, w.dave.address))
        .to.be.revertedWithCustomError(w.ledger.registry, "CrossBorderNotCleared")
        .withArgs(w.id, w.dave.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      await w.ledger.compliance.connect(w.regulator).grantCrossBorderClearance(w.id, w.dave.address, h("route"), 0, until);
      await trade(w, w.exchange, w.order, w.sig, w.dave.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.dave.address);
    });

    it("refuses sandbox delivery without the regulator's approval, and allows it with", async () => {
      const w = await loadFixture(listedWorld);
      await expect(trade(w, w.exchange, w.order, w.sig, w.bob.address, DeliveryMode.Sandbox))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SandboxNotApproved")
        .withArgs(w.id);
      await w.ledger.compliance.connect(w.regulator).approveSandbox(w.id, h("sandbox"), (await time.latest()) + YEAR);
      const ref = h("trade");
      await expect(trade(w, w.exchange, w.order, w.sig, w.bob.address, DeliveryMode.Sandbox, ref))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, w.id, w.exchange.address, w.alice.address, w.bob.address, 0n, w.order.price, CNY, DeliveryMode.Sandbox, ref);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
      expect((await w.ledger.tradeDesk.tradeOf(1n)).mode).to.equal(BigInt(DeliveryMode.Sandbox));
    });

    it("refuses invalid input", async () => {
      const w = await loadFixture(listedWorld);
      const d = w.ledger.tradeDesk.connect(w.exchange);
      await expect(d.tradeHolding(w.order, w.sig, ethers.ZeroAddress, 0, h()))
        .to.be.revertedWithCustomError(d, "ZeroAddress")
        .withArgs(Field.Buyer);
      await expect(d.tradeHolding({ ...w.order, currency: "0x000000" }, w.sig, w.bob.address, 0, h()))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs(Field.Currency);
      await expect(d.tradeHolding(w.order, w.sig, w.bob.address, 4, h()))
        .to.be.revertedWithCustomError(d, "OutOfRange")
        .withArgs(Field.Mode, 4n);
      await expect(d.tradeHolding(w.order, w.sig, w.bob.address, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs(Field.ExchangeRefHash);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(w.exchange.address);
    });

    it("respects the full transfer rule after listing: frozen, pledged, disputed, core, suspended seller", async () => {
      const w = await loadFixture(listedWorld);
      const go = () => trade(w, w.exchange, w.order, w.sig, w.bob.address);
      const hold = h("case");
      await w.ledger.disputes.connect(w.court).freeze(w.id, hold);
      await expect(go()).to.be.revertedWithCustomError(w.ledger.registry, "AssetFrozen").withArgs(w.id);
      await w.ledger.disputes.connect(w.court).unfreeze(w.id, hold);

      const pid = await w.ledger.pledges.nextPledgeId();
      await w.ledger.pledges.connect(w.alice).propose(w.id, w.carol.address, 1n, CNY, (await time.latest()) + 30 * DAY, h());
      await w.ledger.pledges.connect(w.carol).accept(pid);
      await expect(go()).to.be.revertedWithCustomError(w.ledger.registry, "AssetPledged").withArgs(w.id);
      await w.ledger.pledges.connect(w.carol).release(pid);

      // An objection alone does not stop the sale; an admitted one does.
      const oid = await w.ledger.disputes.nextObjectionId();
      await w.ledger.disputes.connect(w.carol).object(w.id, h());
      expect(await w.ledger.registry.transferCheck(w.id, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      await w.ledger.disputes.connect(w.registrar).admit(oid);
      await expect(go()).to.be.revertedWithCustomError(w.ledger.registry, "AssetDisputed").withArgs(w.id);
      await w.ledger.disputes.connect(w.carol).withdraw(oid);

      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.Core, h());
      await expect(go()).to.be.revertedWithCustomError(w.ledger.registry, "CoreDataRestricted").withArgs(w.id);
      await w.ledger.compliance.connect(w.regulator).confirmGrade(w.id, Grade.General, h());

      await w.ledger.members.connect(w.registrar).suspend(w.alice.address, h());
      await expect(go()).to.be.revertedWithCustomError(w.ledger.registry, "NotActiveMember").withArgs(w.alice.address);
      await w.ledger.members.connect(w.registrar).reinstate(w.alice.address);

      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect(await w.ledger.tradeDesk.nonceUsed(w.alice.address, w.order.nonce)).to.equal(false);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(w.exchange.address);
      await go();
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
    });

    it("refuses an expired asset", async () => {
      const w = await loadFixture(marketWorld);
      const { validUntil } = await w.ledger.registry.recordOf(w.id);
      const { order, sig } = await signedOrder(w, w.alice, { deadline: Number(validUntil) + DAY });
      await time.increaseTo(validUntil + 1n);
      await expect(trade(w, w.exchange, order, sig, w.bob.address))
        .to.be.revertedWithCustomError(w.ledger.registry, "AssetExpired")
        .withArgs(w.id, validUntil);
    });

    it("attack: a zero-price trade earns the first-trade milestone", async () => {
      const w = await loadFixture(marketWorld);
      const free = await signedOrder(w, w.alice, { price: 0n });
      await expect(trade(w, w.exchange, free.order, free.sig, w.bob.address))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .and.not.to.emit(w.ledger.milestones, "MilestoneRecorded");
      expect((await w.ledger.tradeDesk.tradeOf(1n)).price).to.equal(0n);
      expect((await firstTrade(w)).set).to.equal(false);
      // A later sale with a price is the first trade.
      const paid = await signedOrder(w, w.bob, { price: PRICE });
      const ref = h("paid");
      await expect(trade(w, w.exchange, paid.order, paid.sig, w.carol.address, DeliveryMode.Api, ref))
        .to.emit(w.ledger.milestones, "MilestoneRecorded")
        .withArgs(w.id, Milestone.Trade, w.bob.address, w.exchange.address, anyValue, ref, 0);
      const m = await firstTrade(w);
      expect(m.set).to.equal(true);
      expect(m.enterprise).to.equal(w.bob.address);
    });
  });

  describe("tradeLicense", () => {
    it("records the sale of a holder's licence: seller is the holder, buyer the licensee", async () => {
      const w = await loadFixture(licensedWorld);
      const ref = h("trade");
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.rootId, PRICE, CNY, DeliveryMode.Api, ref))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, w.id, w.exchange.address, w.alice.address, w.bob.address, w.rootId, PRICE, CNY, DeliveryMode.Api, ref)
        .and.not.to.emit(w.ledger.tradeDesk, "Delisted");
      const t = await w.ledger.tradeDesk.tradeOf(1n);
      expect(t.seller).to.equal(w.alice.address);
      expect(t.buyer).to.equal(w.bob.address);
      expect(t.licenseId).to.equal(w.rootId);
      expect(t.assetId).to.equal(w.id);
      // The holding right does not move, and the listing stays.
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.alice.address);
      expect((await w.ledger.tradeDesk.listingOf(w.id)).exchange).to.equal(w.exchange.address);
      const m = await firstTrade(w);
      expect(m.set).to.equal(true);
      expect(m.enterprise).to.equal(w.alice.address);
      expect(m.attester).to.equal(w.exchange.address);
    });

    it("records the sale of a sublicence: seller is the parent licensee", async () => {
      const w = await loadFixture(licensedWorld);
      const ref = h("trade");
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.subId, PRICE, CNY, DeliveryMode.Plaintext, ref))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, w.id, w.exchange.address, w.bob.address, w.carol.address, w.subId, PRICE, CNY, DeliveryMode.Plaintext, ref);
      const t = await w.ledger.tradeDesk.tradeOf(1n);
      expect(t.seller).to.equal(w.bob.address);
      expect(t.buyer).to.equal(w.carol.address);
      expect((await firstTrade(w)).enterprise).to.equal(w.bob.address);
    });

    it("refuses a revoked, suspended or unknown licence", async () => {
      const w = await loadFixture(licensedWorld);
      await w.ledger.licenses.connect(w.alice).revoke(w.rootId, h("reason"));
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "LicenseNotInForce")
        .withArgs(w.rootId);
      // A sublicence falls with its parent.
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.subId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "LicenseNotInForce")
        .withArgs(w.subId);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(999n, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "LicenseNotInForce")
        .withArgs(999n);
      // A cross-border licence whose licensee lost its clearance is suspended.
      await w.ledger.compliance
        .connect(w.regulator)
        .grantCrossBorderClearance(w.id, w.carol.address, h("route"), 0, (await time.latest()) + YEAR);
      const cb = await w.ledger.licenses.nextLicenseId();
      await w.ledger.licenses.connect(w.alice).grant(w.id, await licenseTerms(w.carol.address, { territory: 1 }));
      await w.ledger.compliance.connect(w.regulator).revokeCrossBorderClearance(w.id, w.carol.address, h());
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(cb, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "LicenseNotInForce")
        .withArgs(cb);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
    });

    it("refuses an unlisted asset and another exchange", async () => {
      const w = await loadFixture(licensedWorld);
      await expect(w.ledger.tradeDesk.connect(w.exchange2).tradeLicense(w.rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(w.id, w.exchange2.address);
      await w.ledger.tradeDesk.connect(w.exchange).delist(w.id, h());
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(w.id, w.exchange.address);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
    });

    it("refuses a stale listing (made by a former holder); the licence binds the new holder, who is the seller once it lists", async () => {
      const w = await loadFixture(licensedWorld);
      await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.carol.address, w.id);
      expect(await w.ledger.licenses.isInForce(w.rootId)).to.equal(true);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.rootId, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "NotListedHere")
        .withArgs(w.id, w.exchange.address);
      const carols = await signedOrder(w, w.carol);
      await w.ledger.tradeDesk.connect(w.exchange).list(carols.order, carols.sig, h());
      const ref = h("trade");
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.rootId, PRICE, CNY, 0, ref))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .withArgs(1n, w.id, w.exchange.address, w.carol.address, w.bob.address, w.rootId, PRICE, CNY, 0, ref);
    });

    it("requires the EXCHANGE role and valid input", async () => {
      const w = await loadFixture(licensedWorld);
      for (const who of [w.outsider, w.bob]) {
        await expect(w.ledger.tradeDesk.connect(who).tradeLicense(w.rootId, PRICE, CNY, 0, h()))
          .to.be.revertedWithCustomError(w.ledger.tradeDesk, "AccessManagedUnauthorized")
          .withArgs(who.address);
      }
      const d = w.ledger.tradeDesk.connect(w.exchange);
      await expect(d.tradeLicense(w.rootId, PRICE, "0x000000", 0, h()))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs(Field.Currency);
      await expect(d.tradeLicense(w.rootId, PRICE, CNY, 4, h())).to.be.revertedWithCustomError(d, "OutOfRange").withArgs(Field.Mode, 4n);
      await expect(d.tradeLicense(w.rootId, PRICE, CNY, 0, ethers.ZeroHash))
        .to.be.revertedWithCustomError(d, "ZeroHash")
        .withArgs(Field.ExchangeRefHash);
      await expect(d.tradeLicense(w.rootId, PRICE, CNY, DeliveryMode.Sandbox, h()))
        .to.be.revertedWithCustomError(d, "SandboxNotApproved")
        .withArgs(w.id);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(1n);
    });

    // Changed: a holder can no longer license itself (SelfLicense at the grant), so the self-sale
    // is refused at the grant; the same-organisation sale is built from a licence bob granted to
    // alice on an asset alice later bought, after alice's organisation rotated its key.
    it("requires arm's length: no licence to oneself, and no licence sale within one organisation", async () => {
      const w = await loadFixture(listedWorld);
      await expect(w.ledger.licenses.connect(w.alice).grant(w.id, await licenseTerms(w.alice.address)))
        .to.be.revertedWithCustomError(w.ledger.licenses, "SelfLicense")
        .withArgs(w.alice.address);
      const bobs = await register(w, w.bob);
      const licence = await w.ledger.licenses.nextLicenseId();
      await w.ledger.licenses.connect(w.bob).grant(bobs, await licenseTerms(w.alice.address, { end: (await time.latest()) + 100 * DAY }));
      await w.ledger.registry.connect(w.bob).transferFrom(w.bob.address, w.alice.address, bobs);
      const org = await orgOf(w, w.alice);
      const fresh = w.spare[0]!;
      await w.ledger.members.connect(w.registrar).rebind(w.alice.address, fresh.address, h());
      await w.ledger.registry.connect(w.registrar).recoveryTransfer(bobs, fresh.address, h());
      const o = await signedOrder(w, fresh, {}, bobs);
      await w.ledger.tradeDesk.connect(w.exchange).list(o.order, o.sig, h());
      // The licensor is the organisation's new account, the licensee its retired one.
      expect(await w.ledger.licenses.partiesOf(licence)).to.deep.equal([bobs, fresh.address, w.alice.address]);
      expect(await w.ledger.licenses.isInForce(licence)).to.equal(true);
      const before = await w.ledger.tradeDesk.nextTradeId();
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(licence, PRICE, CNY, 0, h()))
        .to.be.revertedWithCustomError(w.ledger.tradeDesk, "SameOrganisation")
        .withArgs(org);
      expect(await w.ledger.tradeDesk.nextTradeId()).to.equal(before);
      expect((await firstTrade(w, bobs)).set).to.equal(false);
    });

    it("records no first trade for a zero-price licence sale; a later priced one is the first", async () => {
      const w = await loadFixture(licensedWorld);
      await expect(w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.rootId, 0n, CNY, 0, h()))
        .to.emit(w.ledger.tradeDesk, "TradeRecorded")
        .and.not.to.emit(w.ledger.milestones, "MilestoneRecorded");
      expect((await firstTrade(w)).set).to.equal(false);
      await w.ledger.tradeDesk.connect(w.exchange).tradeLicense(w.subId, PRICE, CNY, 0, h());
      const m = await firstTrade(w);
      expect(m.set).to.equal(true);
      expect(m.enterprise).to.equal(w.bob.address);
    });
  });

  describe("emergency stop", () => {
    it("closing the desk stops the holder's actions with ContractClosed and the exchange's with AccessManagedUnauthorized", async () => {
      const w = await loadFixture(listedWorld);
      const d = w.ledger.tradeDesk;
      await w.ledger.manager.connect(w.admin).setTargetClosed(w.desk, true);
      const order = await sellOrderFor(w, w.id);
      const closed: (() => Promise<unknown>)[] = [
        () => d.connect(w.alice).placeOrder(order),
        () => d.connect(w.alice).cancelNonce(1n),
        () => d.connect(w.alice).delist(w.id, h()),
      ];
      for (const call of closed) await expect(call()).to.be.revertedWithCustomError(d, "ContractClosed").withArgs(w.desk);
      const restricted: (() => Promise<unknown>)[] = [
        () => d.connect(w.exchange).list(w.order, w.sig, h()),
        () => d.connect(w.exchange).tradeHolding(w.order, w.sig, w.bob.address, 0, h()),
        () => d.connect(w.exchange).tradeLicense(1n, PRICE, CNY, 0, h()),
      ];
      for (const call of restricted) {
        await expect(call()).to.be.revertedWithCustomError(d, "AccessManagedUnauthorized").withArgs(w.exchange.address);
      }
      await w.ledger.manager.connect(w.admin).setTargetClosed(w.desk, false);
      await trade(w, w.exchange, w.order, w.sig, w.bob.address);
      expect(await w.ledger.registry.ownerOf(w.id)).to.equal(w.bob.address);
    });
  });
});
