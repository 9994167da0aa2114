import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ApiRequestError, ProvenanceClient } from "../sdk/api/client";
import { LICENSE_STATE, MILESTONE, REASON, reasonsOfBits } from "../sdk/api/enums";
import { AssetLicenses, type AssetResponse, type MilestoneItem } from "../sdk/api/schemas";
import type { AnvilNode } from "./helpers/anvil";
import { MEMBER_NAMES, runScenario, startAnvilWorld, type AnvilWorld, type ScenarioResult } from "./helpers/anvil-world";
import { startTestServer, type TestServer } from "./helpers/indexer";
import { ZeroAddress } from "ethers";
import { computeClaim } from "../sdk/incentives/claim";
import { loadMatchingRule } from "../sdk/incentives/rule";

/**
 * Every endpoint of the provenance API against a chain with real transactions: runScenario
 * drives every ledger event, the indexer follows it, and the answers are checked against the
 * scenario's own record and against the contracts' views.
 */
describe("Provenance API: every endpoint over real transactions (Anvil)", function () {
  this.timeout(180_000);
  let node: AnvilNode;
  let w: AnvilWorld;
  let s: ScenarioResult;
  let server: TestServer;
  let api: ProvenanceClient;
  let tmp: string;
  let head: number;

  before(async function () {
    tmp = mkdtempSync(path.join(tmpdir(), "drl-api-"));
    ({ node, w } = await startAnvilWorld(path.join(tmp, "deployment.json")));
    s = await runScenario(w);
    // Many confirm=chain checks from one client: the per-client limits are tested in test/api-safety.test.ts.
    server = await startTestServer(node.url, w.deploymentFile, { DRL_RATE_LIMIT: "0", DRL_CONFIRM_RATE_LIMIT: "0" });
    head = await server.caughtUp();
    api = new ProvenanceClient(server.url);
  });

  after(async function () {
    await server?.destroy();
    await node?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function apiError(p: Promise<unknown>): Promise<ApiRequestError> {
    try {
      await p;
    } catch (e) {
      if (e instanceof ApiRequestError) return e;
      throw e;
    }
    throw new Error("expected the request to fail");
  }

  const single = () =>
    Object.entries(s.assets).filter((e): e is [Exclude<keyof ScenarioResult["assets"], "batch">, bigint] => e[0] !== "batch");

  describe("GET /v1/health", function () {
    it("reports the chain, the head, the indexed block, no lag and the contracts", async function () {
      const h = await api.health();
      expect(h.chainId).to.equal(w.chainId);
      expect(h.indexedBlock).to.be.at.least(head);
      expect(h.lag).to.equal(0);
      expect(h.status).to.equal("ok");
      expect(h.deployBlock).to.equal(w.deployBlock);
      expect(h.contracts.registry).to.equal(w.addresses.registry);
      expect(h.contracts.evidence).to.equal(w.addresses.evidence);
      expect(h.contracts.office).to.equal(w.addresses.office);
      expect(h.modules).to.deep.equal({ compliance: await w.ledger.registry.compliance(), licenses: await w.ledger.registry.licenses() });
      expect(h.asOfBlock).to.equal(h.indexedBlock);
    });
  });

  describe("GET /v1/assets/:ref", function () {
    it("finds the same asset by id, registration number and content hash", async function () {
      const id = s.assets.registered.toString();
      const rn = s.registrationNumbers.registered;
      expect(rn).to.be.a("string");
      const byId = await api.asset(id);
      const byNumber = await api.asset(rn ?? "");
      const byHash = await api.asset(s.contentHashes.registered);
      expect(byNumber.id).to.equal(id);
      expect(byHash.id).to.equal(id);
      expect(byId.registrationNumber).to.equal(rn);
      expect(byId.contentHash).to.equal(s.contentHashes.registered.toLowerCase());
    });

    it("agrees with the chain on status, holder and encumbrances for every scenario asset", async function () {
      for (const [name, id] of single()) {
        const a = await api.asset(id.toString());
        const r = await w.ledger.registry.recordOf(id);
        const [holder, status, grade, rights] = [r.holder, r.status, r.grade, r.rights];
        const chainStatus = ["none", "applied", "publicity", "registered", "refused", "cancelled"][Number(status)];
        expect(a.status, name).to.equal(chainStatus);
        // The token holder once registered; the applicant while the application is pending.
        const pending = a.status === "applied" || a.status === "publicity";
        expect(a.holder?.address ?? null, `${name} holder`).to.equal(pending ? a.applicant.address : s.holders[name]);
        if (a.status !== "cancelled" && a.status !== "refused") expect(a.holder?.address, `${name} record holder`).to.equal(holder);
        expect(a.grade, name).to.equal(["general", "important", "core"][Number(grade)]);
        expect(a.rights.length, name).to.equal([1, 2, 4].filter((b) => (Number(rights) & b) !== 0).length);
        expect(a.frozen, `${name} frozen`).to.equal(r.frozen);
        expect(a.pledged, `${name} pledged`).to.equal(r.pledged);
        expect(a.disputed, `${name} disputed`).to.equal(r.disputed);
        expect(a.objectionsOpen, `${name} objections open`).to.equal(r.objectionsOpen);
        // The open and admitted objections, and every court hold, as the dispute module counts them.
        const [open, admitted, holds] = await w.ledger.disputes.docketOf(id);
        expect(a.openObjections, `${name} open objections`).to.equal(Number(open));
        expect(a.admittedObjections, `${name} admitted objections`).to.equal(Number(admitted));
        expect(a.holds.length, `${name} holds`).to.equal(Number(holds));
        for (const hold of a.holds) expect(await w.ledger.disputes.holdOf(id, hold.caseHash), `${name} hold ${hold.caseHash}`).to.equal(hold.court);
        // A live listing is one its holder made (TradeDesk.liveListingOf).
        const live = await w.ledger.tradeDesk.liveListingOf(id);
        expect(a.listing?.live ? a.listing.exchange : ZeroAddress, `${name} live listing`).to.equal(live);
        const active = await w.ledger.pledges.activePledgeOf(id);
        expect(a.pledges.find((p) => p.state === "active")?.id ?? "0", `${name} active pledge`).to.equal(active.toString());
        expect(a.asOfBlock).to.be.at.least(head);
      }
    });

    it("names the holder and says what encumbers each asset", async function () {
      const reg = await api.asset(s.assets.registered.toString());
      expect(reg.holder?.name).to.equal(MEMBER_NAMES.alice);
      expect(reg).to.include({ frozen: false, pledged: false, disputed: false, expired: false, status: "registered" });
      expect(reg.metadataHash).to.equal(s.metadata.correctedHash.toLowerCase());
      expect(reg.metadataUri).to.equal(s.metadata.correctedUri);
      expect(reg.validUntil).to.equal(s.metadata.renewedValidUntil);
      expect(reg.grade).to.equal("important");
      expect(reg.latestValuation?.valuationId).to.equal(s.valuationId.toString());
      const frozen = await api.asset(s.assets.frozen.toString());
      expect(frozen.frozen).to.equal(true);
      // Every active hold, with its case and court.
      expect(frozen.holds.map((x) => [x.caseHash, x.court])).to.deep.equal([
        [s.holds.caseA.toLowerCase(), w.court.address],
        [s.holds.caseB.toLowerCase(), w.court2.address],
      ]);
      expect((await api.asset(s.assets.pledged.toString())).pledged).to.equal(true);
      const disputed = await api.asset(s.assets.disputed.toString());
      expect(disputed.disputed).to.equal(true);
      expect(disputed.openObjections).to.equal(2);
      expect(disputed.admittedObjections).to.equal(1);
      const admitted = disputed.objections.find((o) => o.id === s.objections.admitted.toString());
      expect(admitted?.claimant).to.equal(w.dave.address);
      expect(admitted?.admitted?.by).to.equal(w.registrar.address);
      const notAdmitted = disputed.objections.find((o) => o.id === s.objections.open.toString());
      expect(notAdmitted?.claimant).to.equal(w.carol.address);
      expect(notAdmitted?.admitted).to.equal(null);
      const expired = await api.asset(s.assets.expired.toString());
      expect(expired.expired).to.equal(true);
      expect(expired.validUntil).to.equal(s.expiredValidUntil);
      const cancelled = await api.asset(s.assets.cancelled.toString());
      expect(cancelled.status).to.equal("cancelled");
      expect(cancelled.holder).to.equal(null);
      expect(cancelled.cancelled?.lastHolder).to.equal(w.alice.address);
      expect((await api.asset(s.assets.refused.toString())).refused?.by).to.equal(w.registrar.address);
      const pending = await api.asset(s.assets.pending.toString());
      expect(pending.status).to.equal("applied");
      expect(pending.deidentificationReview?.passed).to.equal(true);
      expect(pending.category).to.equal("personal");
      const derived = await api.asset(s.assets.derived.toString());
      expect(derived.parents).to.deep.equal([s.assets.registered.toString()]);
      expect(derived.sourceType).to.equal("derived");
      // Listed on alice's order; the court moved it to bob, so the listing lapsed.
      expect(derived.listing).to.include({ exchange: w.exchange.address, holder: w.alice.address, live: false });
      // The court order carried the pledge to bob.
      const carried = derived.pledges.find((p) => p.id === s.pledges.carried.toString());
      expect(carried).to.include({ state: "active", pledgor: w.bob.address, pledgee: w.carol.address });
      expect(carried?.carried.map((c) => [c.from, c.to])).to.deep.equal([[w.alice.address, w.bob.address]]);
      // The court's cancellation discharged bob's pledge to alice.
      const discharged = (await api.asset(s.assets.cancelledByCourt.toString())).pledges.find((p) => p.id === s.pledges.discharged.toString());
      expect(discharged?.state).to.equal("discharged");
      expect(discharged?.ended?.byCourt).to.equal(true);
      // Clearances are keyed per recipient: dave's for `traded`, none left for `registered`.
      expect((await api.asset(s.assets.traded.toString())).crossBorderClearances.map((c) => c.recipient)).to.deep.equal([w.dave.address]);
      expect(reg.crossBorderClearances).to.deep.equal([]);
      expect(reg.listing).to.equal(null); // alice delisted it
      expect(reg.milestones).to.include("financing");
      expect(reg.annulledMilestones).to.deep.equal([]); // annulled, then recorded again
      // The recovery transfer moved erin's asset to her organisation's new account.
      expect((await api.asset(s.assets.recovered.toString())).holder?.address).to.equal(s.members.erinNew);
      expect(pending.deidentificationReview?.regulator).to.equal(w.regulator.address);
    });

    it("answers 404 for an unknown id, registration number or content hash, and 400 for a malformed ref", async function () {
      // (DR-…-0000999999-6 has a correct check digit: a well-formed number that was never issued.)
      for (const ref of ["999999", "DR-2026-440300-1-0000999999-6", `0x${"ab".repeat(32)}`]) {
        const e = await apiError(api.asset(ref));
        expect(e.status, ref).to.equal(404);
        expect(e.code).to.equal("not_found");
      }
      const bad = await apiError(api.asset("not-a-ref"));
      expect(bad.status).to.equal(400);
      expect(bad.field).to.equal("ref");
    });

    it("answers 400 for a registration number whose check digit is wrong, saying so, and on every route that takes a ref", async function () {
      const rn = s.registrationNumbers.registered ?? "";
      const last = rn.slice(-1);
      const wrong = `${rn.slice(0, -1)}${last === "0" ? "1" : "0"}`;
      for (const path of [`/v1/assets/${wrong}`, `/v1/assets/${wrong}/history`, `/v1/assets/${wrong}/tradability?buyer=${w.bob.address}`]) {
        const res = await fetch(`${server.url}${path}`);
        expect(res.status, path).to.equal(400);
        const body = (await res.json()) as { error: { field: string; message: string } };
        expect(body.error.field).to.equal("ref");
        expect(body.error.message).to.contain("check digit is wrong");
        expect(body.error.message).to.contain(`gives ${last}`);
      }
      expect((await api.asset(rn)).id).to.equal(s.assets.registered.toString());
    });
  });

  describe("GET /v1/assets", function () {
    it("filters by status, holder, grade, category and kind, and every item matches", async function () {
      const registered = await api.assets({ status: "registered", limit: 200 });
      expect(registered.items.length).to.be.greaterThan(3);
      for (const a of registered.items) expect(a.status).to.equal("registered");
      const alices = await api.assets({ holder: w.alice.address, limit: 200 });
      expect(alices.items.map((a) => a.id)).to.include(s.assets.registered.toString());
      for (const a of alices.items) expect(a.holder?.address).to.equal(w.alice.address);
      const important = await api.assets({ grade: "important", limit: 200 });
      expect(important.items.map((a) => a.id)).to.include.members([s.assets.registered.toString(), s.assets.pending.toString()]);
      const pub = await api.assets({ category: "public", status: "registered", limit: 200 });
      expect(pub.items.map((a) => a.id)).to.include(s.assets.traded.toString());
      for (const a of pub.items) expect(a).to.include({ category: "public", status: "registered" });
      const products = await api.assets({ kind: "product", limit: 200 });
      for (const a of products.items) expect(a.kind).to.equal("product");
    });

    it("finds an asset by a registration-number search", async function () {
      const rn = s.registrationNumbers.registered ?? "";
      const found = await api.assets({ q: rn });
      expect(found.items.map((a) => a.id)).to.deep.equal([s.assets.registered.toString()]);
    });

    it("finds an asset by its name, in any case and in Chinese, and shows the name", async function () {
      for (const q of ["集装箱吞吐量", "shanghai PORT"]) {
        const found = await api.assets({ q });
        expect(found.items.map((a) => a.id), q).to.deep.equal([s.assets.registered.toString()]);
        expect(found.items[0]?.name).to.equal("上海港集装箱吞吐量 Shanghai Port Throughput");
      }
      expect((await api.asset(s.assets.registered.toString())).name).to.equal("上海港集装箱吞吐量 Shanghai Port Throughput");
      expect((await api.asset(s.assets.cancelled.toString())).name).to.equal("Port throughput 2026 / 港口吞吐量");
    });

    it("pages with a cursor through every asset exactly once", async function () {
      const all = await api.assets({ limit: 200 });
      expect(all).to.include({ nextCursor: null, cursor: null, partial: false });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 100; i++) {
        const page = await api.assets({ limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((a) => a.id));
        expect(page.cursor).to.equal(page.nextCursor);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).to.deep.equal(all.items.map((a) => a.id));
      expect(new Set(seen).size).to.equal(seen.length);
    });

    it("refuses limit above 200, unknown parameters and foreign cursors with 400 naming the field", async function () {
      expect((await apiError(api.assets({ limit: 201 }))).field).to.equal("limit");
      expect((await apiError(api.assets({ status: "sold" }))).field).to.equal("status");
      expect((await apiError(api.assets({ cursor: Buffer.from("lic:1").toString("base64url"), status: "registered" }))).field).to.equal("cursor");
      const res = await fetch(`${server.url}/v1/assets?colour=red`);
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).to.equal("colour");
    });
  });

  describe("GET /v1/assets/:ref/history", function () {
    it("lists every event of the asset in chain order with tx hashes, actors and summaries", async function () {
      const h = await api.history(s.assets.registered.toString(), { limit: 200 });
      expect(h.items.length).to.be.greaterThan(10);
      expect(h.items[0]?.event).to.equal("AssetApplied");
      expect(h.items[0]?.contract).to.equal("office");
      const names = h.items.map((e) => e.event);
      for (const e of [
        "AssetApplied",
        "PublicityStarted",
        "AssetRegistered",
        "Transfer",
        "MetadataChanged",
        "AssetCorrected",
        "AssetRenewed",
        "LicenseGranted",
        "LicenseRevoked",
        "LicenseEnded",
        "CrossBorderCleared",
        "CrossBorderRevoked",
        "Listed",
        "Delisted",
        "ValuationRecorded",
        "MilestoneRecorded",
        "MilestoneAnnulled",
      ]) {
        expect(names, e).to.include(e);
      }
      const consent = h.items.find((e) => e.event === "LicenseRevoked" && e.args.licenseId === s.licenseIds.consented.toString());
      expect(consent?.summary).to.contain("with the licensee's consent");
      expect(h.items.find((e) => e.event === "MilestoneAnnulled")?.actor).to.equal(w.registrar.address);
      for (let i = 1; i < h.items.length; i++) {
        const [a, b] = [h.items[i - 1], h.items[i]];
        if (!a || !b) continue;
        expect(a.block < b.block || (a.block === b.block && a.logIndex < b.logIndex)).to.equal(true);
      }
      for (const e of h.items) {
        expect(e.summary.length).to.be.greaterThan(10);
        expect(e.tx).to.match(/^0x[0-9a-f]{64}$/);
      }
      const registered = h.items.find((e) => e.event === "AssetRegistered");
      expect(registered?.summary).to.contain(s.registrationNumbers.registered ?? "?");
      expect(registered?.summary).to.contain(MEMBER_NAMES.alice);
      expect(registered?.actor).to.equal(w.registrar.address);
      // The transaction hashes are the chain's: the receipt holds a log at that index.
      const receipt = await node.provider.getTransactionReceipt(registered?.tx ?? "");
      expect(receipt?.blockNumber).to.equal(registered?.block);
    });

    it("pages through the history with a cursor", async function () {
      const all = await api.history(s.assets.registered.toString(), { limit: 200 });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 200; i++) {
        const page = await api.history(s.assets.registered.toString(), { limit: 4, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((e) => `${e.block}:${e.logIndex}`));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).to.deep.equal(all.items.map((e) => `${e.block}:${e.logIndex}`));
    });

    it("shows court orders, forced transfers, carried pledges and holds in the history of the asset they concern", async function () {
      const h = await api.history(s.assets.transferredByCourt.toString(), { limit: 200 });
      const names = h.items.map((e) => e.event);
      expect(names).to.include.members(["TransferOrdered", "ForcedTransfer", "Transfer", "PledgeCarried", "Listed"]);
      const cancelled = (await api.history(s.assets.cancelledByCourt.toString(), { limit: 200 })).items.map((e) => e.event);
      expect(cancelled).to.include.members(["CancellationOrdered", "PledgeDischarged", "LicenseEnded", "RegistrationCancelled"]);
      const frozen = (await api.history(s.assets.frozen.toString(), { limit: 200 })).items;
      expect(frozen.filter((e) => e.event === "AssetFrozenByCourt").map((e) => e.actor)).to.deep.equal([w.court.address, w.court.address, w.court2.address]);
      const disputed = (await api.history(s.assets.disputed.toString(), { limit: 200 })).items.map((e) => e.event);
      expect(disputed).to.include.members(["ObjectionFiled", "ObjectionWithdrawn", "ObjectionRuled", "ObjectionAdmitted", "DisputeFlagsChanged"]);
      const traded = (await api.history(s.assets.traded.toString(), { limit: 200 })).items.map((e) => e.event);
      expect(traded).to.include.members(["SellOrderPlaced", "Listed", "Delisted", "TradeRecorded"]);
    });

    it("shows the recovery transfer after a key rotation", async function () {
      const h = await api.history(s.assets.recovered.toString(), { limit: 200 });
      const recovery = h.items.find((e) => e.event === "RecoveryTransfer");
      expect(recovery?.actor).to.equal(w.registrar.address);
      expect(recovery?.args).to.include({ from: s.members.erin, to: s.members.erinNew });
      expect(recovery?.summary).to.contain("key rotation");
      expect(h.items.at(-1)?.event).to.equal("RecoveryTransfer");
    });
  });

  describe("GET /v1/assets/:ref/lineage", function () {
    it("links the derived asset to its parent from both ends", async function () {
      const child = await api.lineage(s.assets.derived.toString());
      expect(child.edges).to.deep.include({ parent: s.assets.registered.toString(), child: s.assets.derived.toString(), parentLicense: "0" });
      expect(child.nodes.map((n) => n.id)).to.include(s.assets.registered.toString());
      const parent = await api.lineage(s.assets.registered.toString());
      expect(parent.nodes.find((n) => n.id === s.assets.derived.toString())?.depth).to.equal(1);
      expect(child.nodes.find((n) => n.id === s.assets.registered.toString())?.depth).to.equal(-1);
      expect(parent.truncated).to.equal(false);
    });
  });

  describe("GET /v1/assets/:ref/licenses and /v1/licenses/:id", function () {
    it("separates active and ended licences and shows the sublicence chain", async function () {
      const l = await api.licenses(s.assets.registered.toString());
      const active = l.active.map((x) => x.id);
      const ended = l.ended.map((x) => x.id);
      expect(l).to.include({ truncated: false, cursor: null });
      // limit=2 pages through the same licences, in id order, truncated until the last page.
      const paged: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 50; i++) {
        const res = await fetch(`${server.url}/v1/assets/${s.assets.registered}/licenses?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        const page = AssetLicenses.parse(await res.json());
        expect(page.truncated).to.equal(page.cursor !== null);
        paged.push(...[...page.active, ...page.ended].map((x) => x.id).sort((a, b) => Number(a) - Number(b)));
        cursor = page.cursor;
        if (!cursor) break;
      }
      expect(paged).to.deep.equal([...active, ...ended].sort((a, b) => Number(a) - Number(b)));
      expect(active).to.include.members([s.licenseIds.root.toString(), s.licenseIds.crossBorder.toString()]);
      expect(ended).to.include.members([
        s.licenseIds.sublicense.toString(),
        s.licenseIds.viaOffer.toString(),
        s.licenseIds.consented.toString(),
        s.licenseIds.lapsed.toString(),
      ]);
      const root = l.active.find((x) => x.id === s.licenseIds.root.toString());
      expect(root?.sublicenses).to.include(s.licenseIds.sublicense.toString());
      expect(root?.module).to.equal(w.addresses.licenses);
      const sub = l.ended.find((x) => x.id === s.licenseIds.sublicense.toString());
      expect(sub?.parentId).to.equal(s.licenseIds.root.toString());
      expect(sub?.state).to.equal("revoked");
      expect(sub?.revoked?.byCourt).to.equal(true);
      const offer = l.ended.find((x) => x.id === s.licenseIds.viaOffer.toString());
      expect(offer).to.include({ viaOffer: true, revocable: true, state: "revoked" });
      expect(l.ended.find((x) => x.id === s.licenseIds.consented.toString())?.revoked?.withConsent).to.equal(true);
      // Revoking the clearance keyed to dave suspended his cross-border licence.
      expect(l.active.find((x) => x.id === s.licenseIds.crossBorder.toString())?.state).to.equal("suspended");
      const lapsed = l.ended.find((x) => x.id === s.licenseIds.lapsed.toString());
      expect(lapsed?.state).to.equal("ended");
      expect(lapsed?.ended?.cause).to.equal("lapsed");
      // The court's cancellation of the asset ended its licence.
      const cancelled = await api.licenses(s.assets.cancelledByCourt.toString());
      const endedByCourt = cancelled.ended.find((x) => x.id === s.licenseIds.endedByCancellation.toString());
      expect(endedByCourt?.state).to.equal("ended");
      expect(endedByCourt?.ended?.cause).to.equal("assetCancelled");
    });

    it("agrees with the licence registry on every licence's terms and state (stateOf, one to one)", async function () {
      for (const id of Object.values(s.licenseIds)) {
        const l = await api.license(id);
        const onChain = await w.ledger.licenses.licenseOf(id);
        expect(l.licensee.address).to.equal(onChain.licensee);
        expect(l.start).to.equal(Number(onChain.start));
        expect(l.end).to.equal(Number(onChain.end));
        expect(await w.ledger.licenses.verifyTerms(id, l.scopeHash, l.termsHash, BigInt(l.feeAmount), l.feeCurrency === "CNY" ? "0x434e59" : l.feeCurrency)).to.equal(true);
        expect(l.state, `licence ${id}`).to.equal(LICENSE_STATE[Number(await w.ledger.licenses.stateOf(id))]);
        expect(l.state === "active", `licence ${id}`).to.equal(await w.ledger.licenses.isInForce(id));
      }
      const e = await apiError(api.license(987654n));
      expect(e.status).to.equal(404);
    });
  });

  describe("GET /v1/assets/:ref/holder?atBlock=N", function () {
    it("answers who held each asset at every block where it changed, as ownerOf did then", async function () {
      const transfers = await w.ledger.registry.queryFilter(w.ledger.registry.filters.Transfer(), w.deployBlock, head);
      expect(transfers.length).to.be.greaterThan(5);
      for (const t of transfers) {
        const id = t.args.tokenId;
        for (const block of [t.blockNumber - 1, t.blockNumber, t.blockNumber + 1].filter((b) => b <= head)) {
          const answer = await api.holderAt(id.toString(), block);
          let owner: string | null = null;
          try {
            owner = await w.ledger.registry.ownerOf(id, { blockTag: block });
          } catch {
            owner = null;
          }
          expect(answer.holder?.address ?? null, `asset ${id} at block ${block}`).to.equal(owner);
        }
      }
    });

    it("refuses a block after the indexed head and a non-numeric block", async function () {
      const id = s.assets.registered.toString();
      expect((await apiError(api.holderAt(id, head + 1000))).field).to.equal("atBlock");
      const res = await fetch(`${server.url}/v1/assets/${id}/holder?atBlock=yesterday`);
      expect(res.status).to.equal(400);
    });
  });

  describe("GET /v1/assets/:ref/tradability", function () {
    it("answers with the contracts' full reason set for every asset, buyer, right and territory", async function () {
      const buyers = [w.bob.address, w.carol.address, w.dave.address, w.outsider.address];
      for (const [name, id] of single()) {
        for (const buyer of buyers) {
          for (const rights of ["holding", "processing", "operation"] as const) {
            for (const territory of ["domestic", "crossBorder"] as const) {
              const t = await api.tradability(id.toString(), { buyer, rights, territory, confirm: "chain" });
              const codes = [...new Set(t.reasons.map((r) => r.code))];
              expect(codes, `${name} → ${buyer} (${rights}, ${territory})`).to.deep.equal(t.chain?.reasons);
              expect(t.chain?.agrees, `${name} → ${buyer} (${rights}, ${territory})`).to.equal(true);
              expect(t.chain?.reasons).to.deep.equal(reasonsOfBits(BigInt(t.chain?.bits ?? "0")));
              expect(t.reasons[0]?.code ?? "OK").to.equal(t.chain?.reason);
              expect(t.tradable).to.equal(t.reasons.length === 0);
            }
          }
        }
      }
    });

    it("gives the reasons a buyer needs: frozen, pledged, disputed, expired, cancelled, foreign buyer", async function () {
      const first = async (asset: bigint, buyer: string) => (await api.tradability(asset.toString(), { buyer })).reasons[0]?.code ?? "OK";
      expect(await first(s.assets.registered, w.bob.address)).to.equal("OK");
      expect(await first(s.assets.frozen, w.alice.address)).to.equal("Frozen");
      expect(await first(s.assets.pledged, w.bob.address)).to.equal("Pledged");
      expect(await first(s.assets.disputed, w.alice.address)).to.equal("Disputed");
      expect(await first(s.assets.expired, w.bob.address)).to.equal("Expired");
      expect(await first(s.assets.cancelled, w.bob.address)).to.equal("Cancelled");
      expect(await first(s.assets.pending, w.bob.address)).to.equal("NotRegistered");
      expect(await first(s.assets.registered, w.outsider.address)).to.equal("NotMember");
      // Clearances are keyed to the recipient: dave has one for `traded`, none for `registered`.
      expect(await first(s.assets.registered, w.dave.address)).to.equal("CrossBorderNotCleared");
      expect(await first(s.assets.traded, w.dave.address)).to.equal("OK");
      // A pledged asset may still be licensed.
      expect((await api.tradability(s.assets.pledged.toString(), { buyer: w.bob.address, rights: "processing" })).tradable).to.equal(true);
      expect(REASON).to.include("NotHolder");
      const notHolder = await api.tradability(s.assets.registered.toString(), { buyer: w.bob.address, seller: w.carol.address, confirm: "chain" });
      expect(notHolder.reasons[0]?.code).to.equal("NotHolder");
      expect(notHolder.chain?.agrees).to.equal(true);
    });

    it("lists every failing check, not only the first, and the chain's bit set says the same", async function () {
      // A retired seller (erin's old account) selling to an outsider an asset it no longer holds.
      const t = await api.tradability(s.assets.recovered.toString(), { seller: s.members.erin, buyer: w.outsider.address, confirm: "chain" });
      expect(t.reasons.map((r) => [r.code, r.party])).to.deep.equal([
        ["NotHolder", s.members.erin],
        ["NotMember", s.members.erin],
        ["NotMember", w.outsider.address],
      ]);
      expect(t.chain?.reasons).to.deep.equal(["NotHolder", "NotMember"]);
      expect(t.chain?.agrees).to.equal(true);
      // Pledged, with a foreign buyer without a clearance.
      const many = await api.tradability(s.assets.pledged.toString(), { buyer: w.dave.address, confirm: "chain" });
      expect(many.reasons.map((r) => r.code)).to.deep.equal(["Pledged", "CrossBorderNotCleared"]);
      expect(many.chain?.reasons).to.deep.equal(["Pledged", "CrossBorderNotCleared"]);
      expect(many.chain?.agrees).to.equal(true);
      // The expired asset to an outsider: the asset's check and the buyer's.
      const expired = await api.tradability(s.assets.expired.toString(), { buyer: w.outsider.address, confirm: "chain" });
      expect(expired.reasons.map((r) => r.code)).to.deep.equal(["Expired", "NotMember"]);
      expect(expired.chain?.agrees).to.equal(true);
    });

    it("says RightsNotClaimed for a licence of a right the registration does not claim", async function () {
      // `pledged` claims the holding and processing-use rights only.
      const t = await api.tradability(s.assets.pledged.toString(), { buyer: w.bob.address, rights: "operation", confirm: "chain" });
      expect(t.reasons.map((r) => r.code)).to.deep.equal(["RightsNotClaimed"]);
      expect(t.chain).to.include({ reason: "RightsNotClaimed", agrees: true });
      expect((await api.tradability(s.assets.pledged.toString(), { buyer: w.bob.address, rights: "processing" })).reasons).to.deep.equal([]);
    });

    it("checks a sublicence without the holder check, as licenseReasons(..., isSublicense) does", async function () {
      const asSub = await api.tradability(s.assets.registered.toString(), { seller: w.bob.address, buyer: w.carol.address, rights: "processing", sublicense: true, confirm: "chain" });
      expect(asSub).to.include({ tradable: true, sublicense: true });
      expect(asSub.chain?.agrees).to.equal(true);
      const asRoot = await api.tradability(s.assets.registered.toString(), { seller: w.bob.address, buyer: w.carol.address, rights: "processing", confirm: "chain" });
      expect(asRoot.reasons.map((r) => r.code)).to.deep.equal(["NotHolder"]);
      expect(asRoot.chain?.agrees).to.equal(true);
      const res = await fetch(`${server.url}/v1/assets/${s.assets.registered}/tradability?buyer=${w.bob.address}&sublicense=true`);
      expect(res.status, "a sublicence of the holding right").to.equal(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).to.equal("sublicense");
    });

    it("requires a valid buyer and a known right", async function () {
      const id = s.assets.registered.toString();
      expect((await fetch(`${server.url}/v1/assets/${id}/tradability`)).status).to.equal(400);
      const res = await fetch(`${server.url}/v1/assets/${id}/tradability?buyer=${w.bob.address}&rights=ownership`);
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).to.equal("rights");
    });
  });

  describe("GET /v1/members/:address and its assets", function () {
    it("returns the member's registration facts and standing", async function () {
      const alice = await api.member(w.alice.address.toLowerCase());
      expect(alice).to.include({ address: w.alice.address, name: MEMBER_NAMES.alice, status: "active", jurisdiction: "domestic" });
      expect((await api.member(w.dave.address)).jurisdiction).to.equal("foreign");
      // erin was suspended and reinstated; then her organisation was rebound to a new account.
      const erin = await api.member(s.members.erin);
      expect(erin.name).to.equal(s.members.erinName);
      expect(erin.status).to.equal("retired");
      expect(erin.rebound).to.include({ to: s.members.erinNew, by: w.registrar.address });
      expect(erin.orgIdHash).to.equal(s.members.erinOrgIdHash.toLowerCase());
      const erinNew = await api.member(s.members.erinNew);
      expect(erinNew).to.include({ name: s.members.erinName, status: "active", orgIdHash: s.members.erinOrgIdHash.toLowerCase(), memberType: "dataProductCompany" });
      expect(erinNew.rebound?.from).to.equal(s.members.erin);
      expect((await w.ledger.members.memberOf(s.members.erin)).status).to.equal(3n); // Retired
      expect((await apiError(api.member(w.outsider.address))).status).to.equal(404);
      expect((await apiError(api.member("0x1234"))).field).to.equal("address");
    });

    it("answers 404 for the assets and milestones of an address that is not a member, as for the member itself", async function () {
      for (const path of [`/v1/members/${w.outsider.address}/assets`, `/v1/members/${w.outsider.address}/milestones`]) {
        const res = await fetch(`${server.url}${path}`);
        expect(res.status, path).to.equal(404);
        expect(((await res.json()) as { error: { code: string } }).error.code).to.equal("not_found");
      }
      // A retired member (erin's old account) is still a member: her lists answer 200.
      expect((await fetch(`${server.url}/v1/members/${s.members.erin}/assets`)).status).to.equal(200);
    });

    it("lists the assets a member holds, with pages", async function () {
      const page = await api.memberAssets(w.alice.address, { limit: 200 });
      const chainHeld = single().filter(([name]) => s.holders[name] === w.alice.address).map(([, id]) => id.toString());
      expect(page.items.map((a) => a.id)).to.include.members(chainHeld);
      for (const a of page.items) expect(a.holder?.address).to.equal(w.alice.address);
      const first = await api.memberAssets(w.alice.address, { limit: 1 });
      expect(first.items.length).to.equal(1);
      expect(first.nextCursor).to.be.a("string");
    });
  });

  describe("GET /v1/members/:address/licenses", function () {
    it("lists the licences granted to a member as licensee, newest first, each with its state, in pages", async function () {
      const carol = await api.memberLicenses(w.carol.address, { limit: 200 });
      const ids = carol.items.map((l) => l.id);
      expect(ids).to.include.members([s.licenseIds.sublicense, s.licenseIds.viaOffer].map(String));
      for (const l of carol.items) expect(l.licensee.address).to.equal(w.carol.address);
      expect(ids.map(Number)).to.deep.equal([...ids.map(Number)].sort((a, b) => b - a));
      // Each state as /v1/licenses/:id gives it.
      for (const l of carol.items) expect(l.state, l.id).to.equal((await api.license(l.id)).state);
      const pages: string[] = [];
      for await (const l of api.allMemberLicenses(w.carol.address, { limit: 1 })) pages.push(l.id);
      expect(pages).to.deep.equal(ids);
      expect(ids).not.to.include(String(s.licenseIds.root)); // bob's, not carol's
      expect((await fetch(`${server.url}/v1/members/${w.outsider.address}/licenses`)).status).to.equal(404);
      expect((await apiError(api.memberLicenses(w.carol.address, { limit: 0 }))).field).to.equal("limit");
    });
  });

  describe("GET /v1/config", function () {
    it("gives the trusted deployment and the matching-fund rule of its configuration file", async function () {
      const c = await api.config();
      expect(c.chain.chainId).to.equal(server.deployment.chainId);
      expect(c.chain.addresses.registry).to.equal(w.addresses.registry);
      expect(c.chain.addresses.incentives).to.equal(w.addresses.incentives);
      expect(c.browserRpcUrl).to.equal(null);
      expect(c.matchingRule).to.deep.equal(loadMatchingRule());
      expect((await fetch(`${server.url}/v1/config?x=1`)).status).to.equal(400);
    });
  });

  describe("GET /v1/members/:address/milestones", function () {
    it("lists every first of every enterprise with tx hashes, within the period asked", async function () {
      const all: MilestoneItem[] = [];
      for (const who of [w.alice, w.bob, w.carol, w.dave]) {
        const m = await api.milestones(who.address, { limit: 200 });
        for (const item of m.items) expect(item.enterprise).to.equal(who.address);
        all.push(...m.items);
      }
      expect(new Set(all.map((m) => m.kind))).to.deep.equal(new Set(MILESTONE));
      const txs = new Set(all.map((m) => m.tx));
      for (const [kind, tx] of Object.entries(s.milestones)) {
        if (kind === "annulment") continue;
        expect(txs.has(tx.toLowerCase()), kind).to.equal(true);
      }
      // The annulled first is shown as annulled; the one recorded again after it is not.
      const annulled = all.find((m) => m.tx === s.milestones.financingAnnulled.toLowerCase());
      expect(annulled?.kind).to.equal("financing");
      expect(annulled?.annulled?.by).to.equal(w.registrar.address);
      expect(annulled?.annulled?.at.tx).to.equal(s.milestones.annulment.toLowerCase());
      const again = all.find((m) => m.tx === s.milestones.financing.toLowerCase());
      expect(again?.annulled).to.equal(null);
      // The bureau's incentives sit on the recording they were paid for: the annulled one keeps
      // its own; the genuine one has a municipal one and a national one withdrawn.
      expect(annulled?.incentives.map((i) => [i.level, i.amount, i.revoked === null])).to.deep.equal([["national", "30000000", true]]);
      expect(again?.incentives.map((i) => [i.level, i.amount, i.currency, i.bureau, i.revoked?.by ?? null])).to.deep.equal([
        ["municipal", "20000000", "CNY", w.bureau.address, null],
        ["national", "10000000", "CNY", w.bureau.address, w.bureau.address],
      ]);
      const claim = computeClaim(all.filter((m) => m.enterprise === again?.enterprise), loadMatchingRule());
      const line = claim.firsts.find((f) => f.block === again?.block);
      expect(line?.incentives.map((i) => [i.level, i.matching, i.notCounted])).to.deep.equal([
        ["municipal", "10000000", null],
        ["national", "0", "revoked"],
      ]);
      expect(claim.firsts.find((f) => f.block === annulled?.block)?.claim).to.equal("0");

      const alice = await api.milestones(w.alice.address, { limit: 200 });
      const times = alice.items.map((m) => m.at).sort((a, b) => a - b);
      const mid = times[Math.floor(times.length / 2)] ?? 0;
      const later = await api.milestones(w.alice.address, { from: mid, limit: 200 });
      expect(later.items.every((m) => m.at >= mid)).to.equal(true);
      expect(later.items.length).to.equal(times.filter((t) => t >= mid).length);
      const iso = new Date((mid - 1) * 1000).toISOString();
      const earlier = await api.milestones(w.alice.address, { to: iso, limit: 200 });
      expect(earlier.items.every((m) => m.at < mid)).to.equal(true);
      expect((await apiError(api.milestones(w.alice.address, { from: "soon" }))).field).to.equal("from");
      expect((await apiError(api.milestones(w.alice.address, { from: 200, to: 100 }))).field).to.equal("from");
    });

    it("reads dates in UTC unless they carry an offset, includes the whole `to` day, and refuses impossible dates", async function () {
      const all = (await api.milestones(w.alice.address, { limit: 200 })).items;
      const first = all[0];
      expect(first, "alice has milestones").to.not.equal(undefined);
      const at = first?.at ?? 0;
      const day = new Date(at * 1000).toISOString().slice(0, 10);
      const dayStart = Date.parse(`${day}T00:00:00Z`) / 1000;
      const sameDay = all.filter((m) => m.at >= dayStart && m.at < dayStart + 86_400);
      // to=that day includes everything on that day, not only its first second.
      const upTo = await api.milestones(w.alice.address, { to: day, limit: 200 });
      expect(upTo.to).to.equal(dayStart + 86_399);
      expect(upTo.timeZone).to.equal("UTC");
      expect(upTo.items.map((m) => m.tx)).to.include.members(sameDay.map((m) => m.tx));
      expect(upTo.items.every((m) => m.at <= dayStart + 86_399)).to.equal(true);
      // from=that day starts at its UTC midnight; a bare date and the same instant with an offset agree.
      const fromDay = await api.milestones(w.alice.address, { from: day, to: day, limit: 200 });
      expect(fromDay.from).to.equal(dayStart);
      expect(fromDay.items.map((m) => m.tx).sort()).to.deep.equal(sameDay.map((m) => m.tx).sort());
      const next = new Date((dayStart + 86_400) * 1000).toISOString().slice(0, 10);
      const withOffset = await api.milestones(w.alice.address, { from: `${next}T08:00:00+08:00`, limit: 200 });
      expect(withOffset.from).to.equal(dayStart + 86_400);
      const minutesOffset = await api.milestones(w.alice.address, { from: `${day}T01:30:00+0130`, limit: 1 });
      expect(minutesOffset.from).to.equal(dayStart);
      // A time without an offset is UTC too (not the server's local time).
      expect((await api.milestones(w.alice.address, { from: `${day}T00:00:00`, limit: 1 })).from).to.equal(dayStart);
      // Impossible dates and times are 400, never rolled over into the next month.
      for (const bad of ["2026-02-30", "2025-02-29", "2026-13-01", "2026-04-31", "2026-01-01T24:00:00Z", "2026-01-01T10:60Z", "2026-01-01T00:00:00+15:00"]) {
        const e = await apiError(api.milestones(w.alice.address, { to: bad }));
        expect(e.status, bad).to.equal(400);
        expect(e.field, bad).to.equal("to");
      }
      expect((await api.milestones(w.alice.address, { from: "2024-02-29" })).from).to.equal(Date.parse("2024-02-29T00:00:00Z") / 1000);
    });
  });

  describe("GET /v1/evidence/:hash", function () {
    it("lists every party's anchor of a root, says whether one is live, and by whom", async function () {
      const e = await api.evidence(s.evidence.root);
      expect(e.anchored).to.equal(true);
      expect(e.anchors.map((a) => [a.anchorer, a.revoked === null]).sort()).to.deep.equal(
        [
          [w.alice.address, true],
          [w.bob.address, false],
        ].sort(),
      );
      expect(e.anchors.every((a) => a.itemCount === s.evidence.itemCount)).to.equal(true);
      // Only bob's anchor, which he revoked.
      const bobs = await api.evidence(s.evidence.root, { anchorer: w.bob.address });
      expect(bobs.anchored).to.equal(false);
      expect(bobs.anchors.map((a) => a.anchorer)).to.deep.equal([w.bob.address]);
      const revoked = await api.evidence(s.evidence.revokedRoot);
      expect(revoked.anchored).to.equal(false);
      expect(revoked.anchors[0]?.revoked).to.not.equal(null);
    });

    it("proves an item under its root with the Merkle proof, as EvidenceAnchor.verify(anchorer, ...) does", async function () {
      const e = await api.evidence(s.evidence.leaf, { proof: s.evidence.proof, root: s.evidence.root });
      const [valid] = await w.ledger.evidence.verify(w.alice.address, s.evidence.root, s.evidence.leaf, s.evidence.proof);
      expect(valid).to.equal(true);
      expect(e.proofValid).to.equal(true);
      expect(e.anchored).to.equal(true);
      expect(e.inRoot?.root).to.equal(s.evidence.root.toLowerCase());
      expect(e.inRoot?.anchors.length).to.equal(2);
      for (const anchorer of [w.alice.address, w.bob.address]) {
        const [chain] = await w.ledger.evidence.verify(anchorer, s.evidence.root, s.evidence.leaf, s.evidence.proof);
        const ours = await api.evidence(s.evidence.leaf, { proof: s.evidence.proof, root: s.evidence.root, anchorer });
        expect(ours.anchored, anchorer).to.equal(chain);
      }
      const wrong = await api.evidence(`0x${"11".repeat(32)}`, { proof: s.evidence.proof, root: s.evidence.root });
      expect(wrong.proofValid).to.equal(false);
      expect(wrong.anchored).to.equal(false);
    });

    it("refuses a proof without the root it is to be checked against (400 naming root)", async function () {
      const e = await apiError(api.evidence(s.evidence.leaf, { proof: s.evidence.proof }));
      expect(e.status).to.equal(400);
      expect(e.field).to.equal("root");
    });

    it("lists the ledger events that cite a hash", async function () {
      const e = await api.evidence(s.contentHashes.registered);
      expect(e.references.map((r) => r.event)).to.include("AssetApplied");
      expect(e.references.find((r) => r.event === "AssetApplied")?.assetId).to.equal(s.assets.registered.toString());
      const none = await api.evidence(`0x${"22".repeat(32)}`);
      expect(none).to.include({ anchored: false, inRoot: null });
      expect(none.anchors).to.deep.equal([]);
      expect(none.references).to.deep.equal([]);
    });
  });

  describe("GET /v1/openapi.json and /metrics", function () {
    it("serves an OpenAPI 3.1 document covering every endpoint", async function () {
      const doc = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, { get: { parameters: { name: string }[] } }> };
      expect(doc.openapi).to.equal("3.1.0");
      for (const p of [
        "/v1/health",
        "/v1/ready",
        "/v1/assets",
        "/v1/assets/{ref}",
        "/v1/assets/{ref}/history",
        "/v1/assets/{ref}/lineage",
        "/v1/assets/{ref}/licenses",
        "/v1/assets/{ref}/holder",
        "/v1/assets/{ref}/tradability",
        "/v1/licenses/{id}",
        "/v1/members/{address}",
        "/v1/members/{address}/assets",
        "/v1/members/{address}/milestones",
        "/v1/evidence/{hash}",
      ]) {
        expect(doc.paths, p).to.have.property(p);
      }
      expect(doc.paths["/v1/assets/{ref}/tradability"]?.get.parameters.map((x) => x.name)).to.include.members(["ref", "buyer", "rights", "confirm"]);
      // Every reference resolves inside the document.
      const text = JSON.stringify(doc);
      const schemas = (doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas;
      const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? "");
      expect(refs.length).to.be.greaterThan(10);
      for (const ref of refs) expect(schemas, ref).to.have.property(ref.replace("#/components/schemas/", ""));
      expect(schemas).to.have.property("AssetResponse");
    });

    it("exposes the indexed block, lag, ingest rate and request latencies to Prometheus on the admin listener only", async function () {
      // The route label is the same pattern for an answer and for an error on that route.
      expect((await fetch(`${server.url}/v1/assets/not-a-ref`)).status).to.equal(400);
      expect((await fetch(`${server.url}/v1/assets/${s.assets.registered}`)).status).to.equal(200);
      const pub = await fetch(`${server.url}/metrics`);
      expect(pub.status).to.equal(404);
      expect(((await pub.json()) as { error: { code: string } }).error.code).to.equal("not_found");
      expect(new URL(server.adminUrl).hostname).to.equal("127.0.0.1");
      const text = await (await fetch(`${server.adminUrl}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
      expect(value("drl_indexed_block")).to.be.at.least(head);
      expect(value("drl_index_lag_blocks")).to.equal(0);
      expect(value("drl_events_indexed_total")).to.be.at.least(s.events.total - 20);
      expect(text).to.contain("drl_ingest_events_per_second");
      expect(text).to.match(/drl_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/assets\/:ref"[^}]*status="200"/);
      expect(text).to.match(/drl_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/assets\/:ref"[^}]*status="400"/);
      expect(text).to.not.match(/route="\/assets\/:ref"/);
    });
  });

  describe("following the head", function () {
    it("serves a new transaction's event once its block is indexed", async function () {
      const before: AssetResponse = await api.asset(s.assets.registered.toString());
      await (await w.ledger.registry.connect(w.alice).changeMetadata(s.assets.registered, `0x${"33".repeat(32)}`, "ipfs://new")).wait();
      await server.caughtUp();
      const after = await api.asset(s.assets.registered.toString());
      expect(after.metadataVersion).to.equal(before.metadataVersion + 1);
      expect(after.metadataUri).to.equal("ipfs://new");
      expect(after.asOfBlock).to.be.greaterThan(before.asOfBlock);
    });
  });
});
