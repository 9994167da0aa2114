/**
 * The SDK's LedgerClient end to end on the Hardhat network: every family of ledger actions
 * once through named inputs, the ids and events it answers, and typed errors for reverts,
 * bad input and an unreachable node.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { JsonRpcProvider, Network, type Signer } from "ethers";
import { deployWorld, DAY, YEAR, type World } from "./helpers/fixture";
import {
  InputError,
  LedgerClient,
  LedgerError,
  NodeUnavailableError,
  connectRpc,
  parseDeployment,
  planBatches,
  textHash,
  isValidRegistrationNumber,
  type ApplicationInput,
  type Deployment,
  type LedgerKey,
} from "../sdk";

async function deploymentOf(w: World): Promise<Deployment> {
  const addresses: Record<string, string> = {};
  for (const [k, c] of Object.entries(w.ledger) as [LedgerKey, { getAddress(): Promise<string> }][]) addresses[k] = await c.getAddress();
  return parseDeployment({ network: "hardhat", chainId: 31337, deployBlock: 0, addresses });
}

/** What a promise rejected with (null if it resolved). */
const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);

let n = 0;
const hash = (label: string): string => textHash(`${label}:${++n}`);

async function app(overrides: Partial<ApplicationInput> = {}): Promise<ApplicationInput> {
  return {
    name: "Port throughput 2026 / 港口吞吐量",
    kind: "product",
    form: "dataset",
    category: "enterprise",
    rights: ["holding", "processing", "operation"],
    source: "selfCollected",
    grade: "general",
    validUntil: (await time.latest()) + YEAR,
    sourceEvidenceHash: hash("source"),
    contentHash: hash("content"),
    metadataHash: hash("metadata"),
    metadataUri: "ipfs://bafy-metadata",
    ...overrides,
  };
}

describe("SDK LedgerClient", function () {
  this.timeout(120_000);
  let w: World;
  let dep: Deployment;
  const as = (s: Signer): LedgerClient => LedgerClient.connect({ runner: s, deployment: dep });

  /** Applies as `who`, accepts and confirms; returns the asset id. */
  async function registered(who: Signer, overrides: Partial<ApplicationInput> = {}): Promise<bigint> {
    const { assetId } = await as(who).apply(await app(overrides));
    await as(w.registrar).accept({ assetId, publicityPeriod: DAY });
    await time.increase(DAY);
    await as(w.registrar).confirm({ assetId });
    return assetId;
  }

  beforeEach(async () => {
    w = await deployWorld();
    dep = await deploymentOf(w);
  });

  it("admits, suspends and reinstates a member by named fields", async () => {
    const who = w.spare[0];
    if (!who) throw new Error("no spare account");
    const admitted = await as(w.registrar).admitMember({ account: who.address, orgIdHash: textHash("USCC:Spare Co."), name: "Spare Co.", type: "dataProductCompany", jurisdiction: "domestic" });
    expect(admitted.events.map((e) => e.name)).to.include("MemberAdmitted");
    expect(admitted.events[0]?.args.memberType).to.equal(2);
    await as(w.registrar).suspendMember({ account: who.address, reasonHash: textHash("audit") });
    const back = await as(w.registrar).reinstateMember({ account: who.address });
    expect(back.events.map((e) => e.name)).to.deep.equal(["MemberReinstated"]);
    expect(back.blockNumber).to.equal(await ethers.provider.getBlockNumber());
  });

  it("applies in one call (commit, next block, reveal), accepts, confirms with a registration number; refuses another", async () => {
    const input = await app();
    const applied = await as(w.alice).apply(input);
    expect(applied.assetId).to.equal(1n);
    expect(applied.contentHash).to.equal(input.contentHash);
    const filed = applied.events.find((e) => e.name === "AssetApplied");
    expect(filed?.args.applicant).to.equal(w.alice.address);
    const commitReceipt = await ethers.provider.getTransactionReceipt(applied.commitTxHash);
    expect(commitReceipt?.blockNumber).to.be.lessThan(applied.blockNumber);
    await as(w.registrar).accept({ assetId: applied.assetId, publicityPeriod: DAY });
    await time.increase(DAY);
    const confirmed = await as(w.registrar).confirm({ assetId: applied.assetId });
    expect(isValidRegistrationNumber(confirmed.registrationNumber), confirmed.registrationNumber).to.equal(true);
    expect(await w.ledger.registry.ownerOf(applied.assetId)).to.equal(w.alice.address);

    const other = await as(w.bob).apply(await app({ kind: "resource", form: undefined, rights: ["holding"] }));
    const refused = await as(w.registrar).refuse({ assetId: other.assetId, reasonHash: textHash("incomplete") });
    expect(refused.events.map((e) => e.name)).to.include("ApplicationRefused");
  });

  it("files a batch in as few transactions as the work bound allows, reporting progress", async () => {
    const limits = await as(w.bob).batchLimits();
    expect(limits).to.deep.equal({ maxBatch: 100, maxWork: 14_000, applicationWork: 100, parentWork: 40 });
    const apps = await Promise.all(Array.from({ length: 105 }, () => app()));
    const progress: number[] = [];
    const result = await as(w.bob).applyBatch(apps, { onProgress: (p) => progress.push(p.done) });
    expect(result.assetIds).to.have.length(105);
    expect(result.assetIds[0]).to.equal(1n);
    expect(result.assetIds[104]).to.equal(105n);
    expect(result.transactions.map((t) => t.count)).to.deep.equal([100, 5]);
    expect(progress.at(-1)).to.equal(105);
    // Work bound: 16-parent applications cost 740 each, so 18 fit in 14,000.
    const heavy = Array.from({ length: 40 }, () => ({ parents: new Array<number>(16).fill(1) }));
    expect(planBatches(heavy, limits).map((c) => c.length)).to.deep.equal([18, 18, 4]);
  });

  it("accepts and confirms many, sent back to back", async () => {
    const result = await as(w.bob).applyBatch(await Promise.all([app(), app(), app()]));
    await as(w.registrar).acceptMany({ assetIds: result.assetIds, publicityPeriod: DAY });
    await time.increase(DAY);
    const confirmed = await as(w.registrar).confirmMany({ assetIds: result.assetIds });
    expect(confirmed.transactions.flatMap((t) => t.events.filter((e) => e.name === "AssetRegistered"))).to.have.length(3);
  });

  it("a refusal in the middle of acceptMany is a LedgerError naming that asset", async () => {
    const result = await as(w.bob).applyBatch(await Promise.all([app(), app()]));
    const [a, b] = result.assetIds;
    const e = await caught(as(w.registrar).acceptMany({ assetIds: [a ?? 0n, 999n, b ?? 0n], publicityPeriod: DAY }));
    expect(e).to.be.instanceOf(LedgerError);
    expect((e as LedgerError).errorName).to.equal("WrongStatus");
    expect((e as LedgerError).args).to.deep.equal({ assetId: "999", status: "none" });
    expect((await w.ledger.registry.statusOf(a ?? 0n))).to.equal(2n);
  });

  it("objects, admits and rules; freezes and unfreezes; changes, corrects, renews, cancels", async () => {
    const id = await registered(w.alice);
    const filed = await as(w.bob).object({ assetId: id, evidenceHash: hash("evidence") });
    expect(filed.objectionId).to.equal(1n);
    await as(w.registrar).admitObjection({ objectionId: filed.objectionId });
    const ruled = await as(w.registrar).rule({ objectionId: filed.objectionId, ruling: "dismiss", decisionHash: hash("decision") });
    expect(ruled.events.find((e) => e.name === "ObjectionRuled")?.args.ruling).to.equal(0);

    const caseHash = textHash("(2026) Yue 03 Min Chu 123");
    await as(w.court).freeze({ assetId: id, caseHash });
    const err = await as(w.alice)
      .transfer({ assetId: id, to: w.bob.address })
      .then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(LedgerError);
    expect((err as LedgerError).errorName).to.equal("AssetFrozen");
    expect((err as LedgerError).args).to.deep.equal({ assetId: id.toString() });
    expect((err as LedgerError).message).to.equal(`asset ${id} is frozen by court order`);
    await as(w.court).unfreeze({ assetId: id, caseHash });

    const changed = await as(w.alice).change({ assetId: id, metadataHash: hash("m2"), metadataUri: "ipfs://v2" });
    expect(changed.events.map((e) => e.name)).to.include("MetadataChanged");
    await as(w.registrar).correct({ assetId: id, metadataHash: hash("m3"), metadataUri: "ipfs://v3", reasonHash: hash("typo") });
    const renewed = await as(w.registrar).renew({ assetId: id, validUntil: (await time.latest()) + 2 * YEAR, evidenceHash: hash("renewal") });
    expect(renewed.events.map((e) => e.name)).to.include("AssetRenewed");
    const transferred = await as(w.alice).transfer({ assetId: id, to: w.bob.address });
    expect(transferred.events.find((e) => e.name === "Transfer")?.args.to).to.equal(w.bob.address);
    const cancelled = await as(w.bob).cancel({ assetId: id, reasonHash: hash("withdrawn") });
    expect(cancelled.events.map((e) => e.name)).to.include("RegistrationCancelled");
  });

  it("grants, sublicenses and revokes licences; signs, accepts and cancels an offer", async () => {
    const id = await registered(w.alice);
    const now = await time.latest();
    const terms = { rights: ["processing"] as ("processing" | "operation")[], start: now, end: now + 30 * DAY, scopeHash: hash("scope"), termsHash: hash("terms") };
    const granted = await as(w.alice).grantLicense({ assetId: id, terms: { ...terms, licensee: w.bob.address, sublicensable: true, revocable: true, fee: { amount: 100_000n, currency: "CNY" } } });
    expect(granted.licenseId).to.equal(1n);
    const sub = await as(w.bob).sublicense({ parentId: granted.licenseId, terms: { ...terms, licensee: w.carol.address } });
    expect(sub.licenseId).to.equal(2n);
    const revoked = await as(w.alice).revokeLicense({ licenseId: granted.licenseId, reasonHash: hash("breach") });
    expect(revoked.events.map((e) => e.name)).to.include("LicenseRevoked");

    const offer = await as(w.alice).signLicenseOffer({ assetId: id, terms: { ...terms, licensee: w.carol.address }, deadline: now + DAY });
    expect(offer.domain.name).to.equal("DRL LicenseRegistry");
    const accepted = await as(w.carol).acceptLicenseOffer(offer);
    expect(accepted.events.find((e) => e.name === "LicenseGranted")?.args.viaOffer).to.equal(true);
    const again = await as(w.carol)
      .acceptLicenseOffer(offer)
      .then(() => null, (e: unknown) => e);
    expect((again as LedgerError).errorName).to.equal("NonceAlreadyUsed");

    const second = await as(w.alice).signLicenseOffer({ assetId: id, terms: { ...terms, licensee: w.carol.address }, deadline: now + DAY });
    await as(w.alice).cancelLicenseNonce({ nonce: second.offer.nonce });
    const cancelledUse = await as(w.carol)
      .acceptLicenseOffer(second)
      .then(() => null, (e: unknown) => e);
    expect(cancelledUse).to.be.instanceOf(LedgerError);
    expect((cancelledUse as LedgerError).errorName).to.equal("NonceAlreadyUsed");
    expect((cancelledUse as LedgerError).message).to.equal(`${w.alice.address} already used or cancelled nonce ${second.offer.nonce}`);
  });

  it("signs a sell order, lists, and trades it; delists another", async () => {
    const id = await registered(w.alice);
    const now = await time.latest();
    const order = await as(w.alice).signSellOrder({ assetId: id, exchange: w.exchange.address, price: 1_000_000n, currency: "CNY", deadline: now + 7 * DAY });
    expect(order.domain).to.deep.include({ name: "DRL TradeDesk", version: "1", chainId: 31337n });
    await as(w.exchange).list({ order, listingRefHash: hash("listing") });
    const traded = await as(w.exchange).trade({ order, buyer: w.bob.address, mode: "privacyComputing", exchangeRefHash: hash("trade") });
    expect(traded.tradeId).to.equal(1n);
    expect(traded.events.find((e) => e.name === "TradeRecorded")?.args.mode).to.equal(1);
    expect(await w.ledger.registry.ownerOf(id)).to.equal(w.bob.address);

    const other = await registered(w.carol);
    const order2 = await as(w.carol).signSellOrder({ assetId: other, exchange: w.exchange.address, price: 5n, currency: "CNY", deadline: now + 7 * DAY });
    await as(w.exchange).list({ order: order2, listingRefHash: hash("listing") });
    const delisted = await as(w.carol).delist({ assetId: other, reasonHash: hash("changed my mind") });
    expect(delisted.events.map((e) => e.name)).to.include("Delisted");
    // A tampered order is refused before anything is sent.
    const tampered = { ...order2, order: { ...order2.order, price: 1n } };
    const before = await ethers.provider.getBlockNumber();
    const refused = await caught(as(w.exchange).list({ order: tampered, listingRefHash: hash("x") }));
    expect(refused).to.be.instanceOf(InputError);
    expect((refused as InputError).field).to.equal("signature");
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
  });

  it("records a valuation; proposes, accepts and releases a pledge; records a milestone and compliance records", async () => {
    const id = await registered(w.alice);
    const now = await time.latest();
    const valued = await as(w.evaluator).recordValuation({ assetId: id, method: "income", value: 12_345_600n, currency: "CNY", valuationDate: now - DAY, reportHash: hash("report") });
    expect(valued.valuationId).to.equal(1n);
    const proposed = await as(w.alice).proposePledge({ assetId: id, pledgee: w.bob.address, securedAmount: "5000000", currency: "CNY", dueDate: now + 30 * DAY, registryRefHash: hash("ref") });
    expect(proposed.pledgeId).to.equal(1n);
    await as(w.bob).acceptPledge({ pledgeId: proposed.pledgeId });
    const released = await as(w.bob).releasePledge({ pledgeId: proposed.pledgeId });
    expect(released.events.map((e) => e.name)).to.include("PledgeReleased");

    const ms = await as(w.auditor).recordMilestone({ assetId: id, kind: "financialStatements", detail: "intangibleAsset", evidenceHash: hash("audit") });
    const rec = ms.events.find((e) => e.name === "MilestoneRecorded");
    expect(rec?.args.kind).to.equal(3);
    expect(rec?.args.detail).to.equal(1);

    const graded = await as(w.regulator).confirmGrade({ assetId: id, grade: "important", reportHash: hash("grade") });
    expect(graded.events.map((e) => e.name)).to.include("GradeConfirmed");
    const cleared = await as(w.regulator).grantCrossBorderClearance({ assetId: id, recipient: w.dave.address, routeHash: hash("route"), mechanism: "standardContract", validUntil: now + YEAR });
    expect(cleared.events.find((e) => e.name === "CrossBorderCleared")?.args.mechanism).to.equal(1);
    await as(w.regulator).revokeCrossBorderClearance({ assetId: id, recipient: w.dave.address, reasonHash: hash("revoked") });
  });

  it("court orders: a transfer that carries the pledge, and a cancellation", async () => {
    const id = await registered(w.alice);
    const now = await time.latest();
    const { pledgeId } = await as(w.alice).proposePledge({ assetId: id, pledgee: w.bob.address, securedAmount: 1n, currency: "CNY", dueDate: now + 30 * DAY, registryRefHash: hash("ref") });
    await as(w.bob).acceptPledge({ pledgeId });
    const missing = await as(w.court)
      .orderTransfer({ assetId: id, to: w.carol.address, caseHash: hash("case") })
      .then(() => null, (e: unknown) => e);
    expect((missing as LedgerError).errorName).to.equal("PledgeActionRequired");
    expect((missing as LedgerError).message).to.equal(`asset ${id} is pledged: say whether the pledge is carried or discharged`);
    const ordered = await as(w.court).orderTransfer({ assetId: id, to: w.carol.address, caseHash: hash("case"), pledgeAction: "carry" });
    expect(ordered.events.map((e) => e.name)).to.include.members(["TransferOrdered", "PledgeCarried"]);
    const other = await registered(w.bob);
    const cancelled = await as(w.court).orderCancel({ assetId: other, caseHash: hash("case") });
    expect(cancelled.events.map((e) => e.name)).to.include("CancellationOrdered");
  });

  it("anchors and revokes evidence roots", async () => {
    const root = hash("root");
    const anchored = await as(w.alice).anchorEvidence({ root, itemCount: 3, manifestHash: hash("manifest") });
    expect(anchored.root).to.equal(root);
    const dup = await as(w.alice)
      .anchorEvidence({ root, itemCount: 3, manifestHash: hash("manifest") })
      .then(() => null, (e: unknown) => e);
    expect((dup as LedgerError).errorName).to.equal("AlreadyAnchored");
    expect((dup as LedgerError).args).to.deep.equal({ root, anchorer: w.alice.address });
    const revoked = await as(w.alice).revokeEvidence({ root, reasonHash: hash("forged") });
    expect(revoked.events.map((e) => e.name)).to.deep.equal(["EvidenceRevoked"]);
  });

  it("decodes reverts of shared input errors and access errors into sentences", async () => {
    const unknown = await as(w.registrar)
      .accept({ assetId: 999, publicityPeriod: DAY })
      .then(() => null, (e: unknown) => e);
    expect((unknown as LedgerError).errorName).to.equal("WrongStatus");
    expect((unknown as LedgerError).args).to.deep.equal({ assetId: "999", status: "none" });
    expect((unknown as LedgerError).message).to.equal("there is no asset 999");
    const short = await as(w.registrar)
      .accept({ assetId: 1, publicityPeriod: 60 })
      .then(() => null, (e: unknown) => e);
    expect((short as LedgerError).errorName).to.equal("OutOfRange");
    expect((short as LedgerError).args).to.deep.equal({ field: "publicityPeriod", value: "60" });
    const unauthorised = await as(w.outsider)
      .accept({ assetId: 1, publicityPeriod: DAY })
      .then(() => null, (e: unknown) => e);
    expect((unauthorised as LedgerError).errorName).to.equal("AccessManagedUnauthorized");
    expect((unauthorised as LedgerError).message).to.equal(`${w.outsider.address} does not hold the role this action needs`);
  });

  it("refuses bad named fields with an InputError naming the field, sending nothing", async () => {
    const before = await ethers.provider.getBlockNumber();
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [async () => as(w.alice).apply({ ...(await app()), rights: ["holding", "owning" as "holding"] }), "rights.1", /one of holding, processing, operation/],
      [async () => as(w.alice).apply({ ...(await app()), kind: "product-ish" as "product" }), "kind", /one of resource, product/],
      [async () => as(w.alice).apply({ ...(await app()), contentHash: "0x1234" }), "contentHash", /32-byte/],
      [async () => as(w.alice).apply({ ...(await app()), name: "" }), "name", /empty/],
      [async () => as(w.alice).apply({ ...(await app()), validUntil: 1.5 }), "validUntil", /whole unix seconds/],
      [() => as(w.alice).transfer({ assetId: 1, to: "0xnot-an-address" }), "to", /20-byte hex address/],
      [() => as(w.alice).transfer({ assetId: 0, to: w.bob.address }), "assetId", /at least 1/],
      [() => as(w.evaluator).recordValuation({ assetId: 1, method: "guess" as "cost", value: 1n, currency: "CNY", valuationDate: 1, reportHash: hash("r") }), "method", /cost, market, income/],
      [() => as(w.alice).proposePledge({ assetId: 1, pledgee: w.bob.address, securedAmount: 1n, currency: "cny", dueDate: 1, registryRefHash: hash("r") }), "currency", /three-letter/],
      [() => as(w.court).freeze({ assetId: 1, caseHash: ethers.ZeroHash }), "caseHash", /zero hash/],
      [() => as(w.auditor).recordMilestone({ assetId: 1, kind: "financialStatements", evidenceHash: hash("e") }), "detail", /required/],
    ];
    for (const [run, field, rule] of cases) {
      const e = await run().then(() => null, (err: unknown) => err);
      expect(e, field).to.be.instanceOf(InputError);
      expect((e as InputError).field, field).to.equal(field);
      expect((e as InputError).rule, field).to.match(rule);
    }
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
  });

  it("a read-only client refuses to send, naming how to give a key", async () => {
    const ro = LedgerClient.connect({ runner: ethers.provider, deployment: dep });
    expect(await ro.nextAssetId()).to.equal(1n);
    const e = await caught(ro.cancel({ assetId: 1, reasonHash: hash("r") }));
    expect(e).to.be.instanceOf(InputError);
    expect((e as InputError).message).to.match(/private key/);
  });

  it("a node that cannot be reached is a NodeUnavailableError with the URL redacted", async () => {
    const net = await import("node:net");
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, "127.0.0.1", () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === "object" && a ? a.port : 0));
      });
    });
    const url = `http://127.0.0.1:${port}/v3/0123456789abcdef0123456789abcdef`;
    const e = await connectRpc(url, { timeoutMs: 2000 }).then(() => null, (err: unknown) => err);
    expect(e).to.be.instanceOf(NodeUnavailableError);
    expect((e as NodeUnavailableError).url).to.equal(`http://127.0.0.1:${port}/v3/***`);
    expect((e as NodeUnavailableError).message).to.not.include("0123456789abcdef");
    expect((e as NodeUnavailableError).reason).to.equal("ECONNREFUSED");

    // A client whose node goes away: the read fails as NodeUnavailableError, not a revert.
    const provider = new JsonRpcProvider(url, Network.from(31337), { staticNetwork: true });
    const client = LedgerClient.connect({ runner: provider, deployment: dep });
    const down = await caught(client.nextAssetId());
    provider.destroy();
    expect(down).to.be.instanceOf(NodeUnavailableError);
    expect((down as NodeUnavailableError).url).to.equal(`http://127.0.0.1:${port}/v3/***`);
  });
});
