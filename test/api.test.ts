import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ApiRequestError, ProvenanceClient } from "../sdk/api/client";
import { MILESTONE, REASON } from "../sdk/api/enums";
import type { AssetResponse } from "../sdk/api/schemas";
import { startAnvil, type AnvilNode } from "./helpers/anvil";
import { MEMBER_NAMES, deployAnvilWorld, runScenario, type AnvilWorld, type ScenarioResult } from "./helpers/anvil-world";
import { startTestServer, type TestServer } from "./helpers/indexer";

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
    node = await startAnvil();
    w = await deployAnvilWorld(node, path.join(tmp, "deployment.json"));
    s = await runScenario(w);
    server = await startTestServer(node.url, w.deploymentFile);
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
      expect((await api.asset(s.assets.frozen.toString())).frozen).to.equal(true);
      expect((await api.asset(s.assets.pledged.toString())).pledged).to.equal(true);
      const disputed = await api.asset(s.assets.disputed.toString());
      expect(disputed.disputed).to.equal(true);
      expect(disputed.openObjections).to.be.greaterThan(0);
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
    });

    it("answers 404 for an unknown id, registration number or content hash, and 400 for a malformed ref", async function () {
      for (const ref of ["999999", "DR-2026-440300-1-0000999999-0", `0x${"ab".repeat(32)}`]) {
        const e = await apiError(api.asset(ref));
        expect(e.status, ref).to.equal(404);
        expect(e.code).to.equal("not_found");
      }
      const bad = await apiError(api.asset("not-a-ref"));
      expect(bad.status).to.equal(400);
      expect(bad.field).to.equal("ref");
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

    it("pages with a cursor through every asset exactly once", async function () {
      const all = await api.assets({ limit: 200 });
      expect(all.nextCursor).to.equal(null);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 100; i++) {
        const page = await api.assets({ limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((a) => a.id));
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
      const names = h.items.map((e) => e.event);
      for (const e of ["AssetApplied", "PublicityStarted", "AssetRegistered", "Transfer", "MetadataChanged", "AssetCorrected", "AssetRenewed", "LicenseGranted", "Listed", "Delisted", "ValuationRecorded", "MilestoneRecorded"]) {
        expect(names, e).to.include(e);
      }
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

    it("shows court orders and forced transfers in the history of the asset they moved", async function () {
      const h = await api.history(s.assets.transferredByCourt.toString(), { limit: 200 });
      const names = h.items.map((e) => e.event);
      expect(names).to.include.members(["TransferOrdered", "ForcedTransfer", "Transfer"]);
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
      expect(active).to.include.members([s.licenseIds.root.toString(), s.licenseIds.crossBorder.toString()]);
      expect(ended).to.include.members([s.licenseIds.sublicense.toString(), s.licenseIds.viaOffer.toString()]);
      const root = l.active.find((x) => x.id === s.licenseIds.root.toString());
      expect(root?.sublicenses).to.include(s.licenseIds.sublicense.toString());
      const sub = l.ended.find((x) => x.id === s.licenseIds.sublicense.toString());
      expect(sub?.parentId).to.equal(s.licenseIds.root.toString());
      expect(sub?.state).to.equal("revoked");
      expect(sub?.revoked?.byCourt).to.equal(true);
      expect(l.ended.find((x) => x.id === s.licenseIds.viaOffer.toString())?.viaOffer).to.equal(true);
    });

    it("agrees with the licence registry on every licence's terms and force", async function () {
      for (const id of Object.values(s.licenseIds)) {
        const l = await api.license(id);
        const onChain = await w.ledger.licenses.licenseOf(id);
        expect(l.licensee.address).to.equal(onChain.licensee);
        expect(l.start).to.equal(Number(onChain.start));
        expect(l.end).to.equal(Number(onChain.end));
        expect(await w.ledger.licenses.verifyTerms(id, l.scopeHash, l.termsHash, BigInt(l.feeAmount), l.feeCurrency === "CNY" ? "0x434e59" : l.feeCurrency)).to.equal(true);
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
    it("answers like the contracts' pre-trade views for every asset, buyer and right", async function () {
      const buyers = [w.bob.address, w.carol.address, w.dave.address, w.outsider.address];
      for (const [name, id] of single()) {
        for (const buyer of buyers) {
          for (const rights of ["holding", "processing", "operation"] as const) {
            const t = await api.tradability(id.toString(), { buyer, rights, confirm: "chain" });
            expect(t.chain?.agrees, `${name} → ${buyer} (${rights}): index ${t.reasons[0]?.code ?? "OK"}, chain ${t.chain?.reason}`).to.equal(true);
            expect(t.tradable).to.equal(t.reasons.length === 0);
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
      expect(await first(s.assets.registered, w.dave.address)).to.equal("CrossBorderNotCleared");
      // A pledged asset may still be licensed.
      expect((await api.tradability(s.assets.pledged.toString(), { buyer: w.bob.address, rights: "processing" })).tradable).to.equal(true);
      expect(REASON).to.include("NotHolder");
      const notHolder = await api.tradability(s.assets.registered.toString(), { buyer: w.bob.address, seller: w.carol.address, confirm: "chain" });
      expect(notHolder.reasons[0]?.code).to.equal("NotHolder");
      expect(notHolder.chain?.agrees).to.equal(true);
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
      const erin = await api.member(s.members.erin);
      expect(erin.name).to.equal(s.members.erinName);
      expect(erin.status).to.equal("active"); // suspended, then reinstated
      expect(erin.orgIdHash).to.equal(s.members.erinOrgIdHash.toLowerCase());
      expect((await apiError(api.member(w.outsider.address))).status).to.equal(404);
      expect((await apiError(api.member("0x1234"))).field).to.equal("address");
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

  describe("GET /v1/members/:address/milestones", function () {
    it("lists every first of every enterprise with tx hashes, within the period asked", async function () {
      const all: { kind: string; tx: string; at: number }[] = [];
      for (const who of [w.alice, w.bob, w.carol, w.dave]) {
        const m = await api.milestones(who.address, { limit: 200 });
        for (const item of m.items) expect(item.enterprise).to.equal(who.address);
        all.push(...m.items);
      }
      expect(new Set(all.map((m) => m.kind))).to.deep.equal(new Set(MILESTONE));
      const txs = new Set(all.map((m) => m.tx));
      for (const [kind, tx] of Object.entries(s.milestones)) expect(txs.has(tx.toLowerCase()), kind).to.equal(true);

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
  });

  describe("GET /v1/evidence/:hash", function () {
    it("says whether a root is anchored, by whom and when, and whether it was revoked", async function () {
      const e = await api.evidence(s.evidence.root);
      expect(e.anchored).to.equal(true);
      expect(e.asRoot?.itemCount).to.equal(s.evidence.itemCount);
      expect(e.asRoot?.anchorer).to.equal(w.alice.address);
      const revoked = await api.evidence(s.evidence.revokedRoot);
      expect(revoked.anchored).to.equal(false);
      expect(revoked.asRoot?.revoked).to.not.equal(null);
    });

    it("proves an item under its root with the Merkle proof, as EvidenceAnchor.verify does", async function () {
      const e = await api.evidence(s.evidence.leaf, { proof: s.evidence.proof, root: s.evidence.root });
      const [valid] = await w.ledger.evidence.verify(s.evidence.root, s.evidence.leaf, s.evidence.proof);
      expect(valid).to.equal(true);
      expect(e.proofValid).to.equal(true);
      expect(e.anchored).to.equal(true);
      expect(e.inRoot?.root).to.equal(s.evidence.root.toLowerCase());
      const wrong = await api.evidence(`0x${"11".repeat(32)}`, { proof: s.evidence.proof, root: s.evidence.root });
      expect(wrong.proofValid).to.equal(false);
      expect(wrong.anchored).to.equal(false);
    });

    it("lists the ledger events that cite a hash", async function () {
      const e = await api.evidence(s.contentHashes.registered);
      expect(e.references.map((r) => r.event)).to.include("AssetApplied");
      expect(e.references.find((r) => r.event === "AssetApplied")?.assetId).to.equal(s.assets.registered.toString());
      const none = await api.evidence(`0x${"22".repeat(32)}`);
      expect(none).to.include({ anchored: false, asRoot: null });
      expect(none.references).to.deep.equal([]);
    });
  });

  describe("GET /v1/openapi.json and /metrics", function () {
    it("serves an OpenAPI 3.1 document covering every endpoint", async function () {
      const doc = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, { get: { parameters: { name: string }[] } }> };
      expect(doc.openapi).to.equal("3.1.0");
      for (const p of [
        "/v1/health",
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

    it("exposes the indexed block, lag, ingest rate and request latencies to Prometheus", async function () {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
      expect(value("drl_indexed_block")).to.be.at.least(head);
      expect(value("drl_index_lag_blocks")).to.equal(0);
      expect(value("drl_events_indexed_total")).to.be.at.least(s.events.total - 20);
      expect(text).to.contain("drl_ingest_events_per_second");
      expect(text).to.match(/drl_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/assets\/:ref"/);
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
