/**
 * Signed-message files through the SDK: a licence offer and a sell order are signed with the
 * domain the contract reports, written to a file, read back and executed; a tampered file, or
 * one signed for another contract, is refused before any transaction.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Signer } from "ethers";
import { deployWorld, DAY, YEAR, type World } from "./helpers/fixture";
import {
  InputError,
  LedgerClient,
  LedgerError,
  parseDeployment,
  readLicenseOffer,
  readSellOrder,
  textHash,
  writeLicenseOffer,
  writeSellOrder,
  type Deployment,
  type LedgerKey,
} from "../sdk";

const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);
let n = 0;
const hash = (label: string): string => textHash(`${label}:${++n}`);

describe("SDK licence offers and sell orders as files", function () {
  this.timeout(60_000);
  let w: World;
  let dep: Deployment;
  let dir: string;
  let assetId: bigint;
  const as = (s: Signer): LedgerClient => LedgerClient.connect({ runner: s, deployment: dep });

  beforeEach(async () => {
    w = await deployWorld();
    const addresses: Record<string, string> = {};
    for (const [k, c] of Object.entries(w.ledger) as [LedgerKey, { getAddress(): Promise<string> }][]) addresses[k] = await c.getAddress();
    dep = parseDeployment({ network: "hardhat", chainId: 31337, deployBlock: 0, addresses });
    dir = mkdtempSync(path.join(tmpdir(), "drl-offer-"));
    const applied = await as(w.alice).apply({
      name: "Freight index",
      kind: "product",
      form: "index",
      category: "enterprise",
      rights: ["holding", "processing", "operation"],
      source: "selfCollected",
      grade: "general",
      validUntil: (await time.latest()) + YEAR,
      sourceEvidenceHash: hash("s"),
      contentHash: hash("c"),
      metadataHash: hash("m"),
      metadataUri: "https://registry.example/meta/freight.json",
    });
    assetId = applied.assetId;
    await as(w.registrar).accept({ assetId, publicityPeriod: DAY });
    await time.increase(DAY);
    await as(w.registrar).confirm({ assetId });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function offerFile(): Promise<string> {
    const now = await time.latest();
    const offer = await as(w.alice).signLicenseOffer({
      assetId,
      terms: { licensee: w.bob.address, rights: ["processing", "operation"], territory: "domestic", start: now, end: now + 30 * DAY, scopeHash: hash("scope"), termsHash: hash("terms"), fee: { amount: 2n ** 90n, currency: "CNY" } },
      deadline: now + DAY,
    });
    const file = path.join(dir, "offer.json");
    await writeLicenseOffer(file, offer);
    return file;
  }

  it("writes an offer file that the licensee reads and accepts", async () => {
    const file = await offerFile();
    const json = JSON.parse(readFileSync(file, "utf8")) as { offer: { terms: { feeAmount: string } }; domain: { verifyingContract: string } };
    expect(json.offer.terms.feeAmount).to.equal((2n ** 90n).toString());
    expect(json.domain.verifyingContract).to.equal(await w.ledger.licenses.getAddress());
    const offer = await readLicenseOffer(file);
    const accepted = await as(w.bob).acceptLicenseOffer(offer);
    const granted = await w.ledger.licenses.licenseOf(accepted.licenseId);
    expect(granted.licensee).to.equal(w.bob.address);
    expect(granted.rights).to.equal(6n);
  });

  it("refuses a tampered offer file offline, naming the signature", async () => {
    const file = await offerFile();
    const json = JSON.parse(readFileSync(file, "utf8")) as { offer: { terms: { feeAmount: string; licensee: string } } };
    json.offer.terms.feeAmount = "1";
    writeFileSync(file, JSON.stringify(json));
    const e = await caught(readLicenseOffer(file));
    expect(e).to.be.instanceOf(InputError);
    expect((e as InputError).field).to.equal("signature");
  });

  it("refuses an offer signed for another contract before sending", async () => {
    const offer = await readLicenseOffer(await offerFile());
    const other = await w.ledger.tradeDesk.getAddress();
    const resigned = { ...offer, domain: { ...offer.domain, verifyingContract: other } };
    resigned.signature = await w.alice.signTypedData(
      { name: resigned.domain.name, version: resigned.domain.version, chainId: resigned.domain.chainId, verifyingContract: other },
      (await import("../sdk")).OFFER_TYPES,
      resigned.offer,
    );
    const before = await ethers.provider.getBlockNumber();
    const e = await caught(as(w.bob).acceptLicenseOffer(resigned));
    expect((e as InputError).field).to.equal("domain");
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
  });

  it("the holder's sell order goes to the exchange as a file and is executed from it", async () => {
    const now = await time.latest();
    const order = await as(w.alice).signSellOrder({ assetId, exchange: w.exchange.address, buyer: w.carol.address, price: "250000000", currency: "CNY", deadline: now + 7 * DAY });
    const file = path.join(dir, "order.json");
    await writeSellOrder(file, order);
    const read = await readSellOrder(file);
    expect(read.order).to.deep.equal(order.order);
    await as(w.exchange).list({ order: read, listingRefHash: hash("listing") });
    const wrongBuyer = await caught(as(w.exchange).trade({ order: read, buyer: w.bob.address, exchangeRefHash: hash("t") }));
    expect((wrongBuyer as LedgerError).errorName).to.equal("WrongBuyer");
    expect((wrongBuyer as LedgerError).message).to.equal(`the order is for buyer ${w.carol.address}, not ${w.bob.address}`);
    const traded = await as(w.exchange).trade({ order: read, buyer: w.carol.address, exchangeRefHash: hash("t") });
    expect(traded.events.find((e) => e.name === "TradeRecorded")?.args.price).to.equal("250000000");
    expect(await w.ledger.registry.ownerOf(assetId)).to.equal(w.carol.address);
  });

  it("refuses a sell order file whose price or buyer was changed", async () => {
    const now = await time.latest();
    const order = await as(w.alice).signSellOrder({ assetId, exchange: w.exchange.address, price: 1000n, currency: "CNY", deadline: now + 7 * DAY });
    const file = path.join(dir, "order.json");
    await writeSellOrder(file, order);
    for (const edit of [(o: { price: string; buyer: string }) => (o.price = "1"), (o: { price: string; buyer: string }) => (o.buyer = w.bob.address)]) {
      const json = JSON.parse(readFileSync(file, "utf8")) as { order: { price: string; buyer: string } };
      edit(json.order);
      const tampered = path.join(dir, "tampered.json");
      writeFileSync(tampered, JSON.stringify(json));
      const e = await caught(readSellOrder(tampered));
      expect((e as InputError).field).to.equal("signature");
    }
    writeFileSync(path.join(dir, "junk.json"), "{not json");
    const junk = await caught(readSellOrder(path.join(dir, "junk.json")));
    expect((junk as InputError).rule).to.match(/not valid JSON/);
  });

  it("cancelling a sell order's nonce stops the exchange from listing it", async () => {
    const now = await time.latest();
    const order = await as(w.alice).signSellOrder({ assetId, exchange: w.exchange.address, price: 1000n, currency: "CNY", deadline: now + 7 * DAY });
    await as(w.alice).cancelSellOrderNonce({ nonce: order.order.nonce });
    const e = await caught(as(w.exchange).list({ order, listingRefHash: hash("l") }));
    expect((e as LedgerError).errorName).to.equal("NonceAlreadyUsed");
  });
});
