/**
 * The SDK on a real node (Anvil) with the indexer and API: the ledger client registers assets
 * in batches, licenses one and anchors evidence; ProvenanceClient reads every endpoint, and its
 * iterators walk every page to the end. A closed API port is an ApiUnavailableError.
 */
import { expect } from "chai";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AnvilNode } from "./helpers/anvil";
import { startAnvilWorld, type AnvilWorld } from "./helpers/anvil-world";
import { startTestServer, type TestServer } from "./helpers/indexer";
import {
  ApiUnavailableError,
  LedgerClient,
  ProvenanceClient,
  anchorEvidenceBatch,
  loadDeployment,
  textHash,
  type ApplicationInput,
  type Deployment,
  allPages as allPagesForTest,
} from "../sdk";

const DAY = 86_400;
let n = 0;
const hash = (label: string): string => textHash(`${label}:${++n}`);

describe("SDK on Anvil with the provenance API", function () {
  this.timeout(240_000);
  let node: AnvilNode;
  let w: AnvilWorld;
  let dep: Deployment;
  let server: TestServer;
  let api: ProvenanceClient;
  let dir: string;
  let ids: bigint[];
  let licenseId: bigint;
  let root: string;
  let leaf: string;
  let proof: string[];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "drl-sdk-api-"));
    ({ node, w } = await startAnvilWorld(path.join(dir, "anvil-test.json")));
    dep = loadDeployment(w.deploymentFile);
    const as = (s: AnvilWorld["alice"]): LedgerClient => LedgerClient.connect({ runner: s, deployment: dep });
    const now = await node.timestamp();
    const apps: ApplicationInput[] = Array.from({ length: 5 }, (_, i) => ({
      name: `Dataset ${i} / 数据集 ${i}`,
      kind: "product",
      form: "dataset",
      category: "enterprise",
      rights: ["holding", "processing", "operation"],
      source: "selfCollected",
      grade: "general",
      validUntil: now + 365 * DAY,
      sourceEvidenceHash: hash("s"),
      contentHash: hash("c"),
      metadataHash: hash("m"),
      metadataUri: `ipfs://meta-${i}`,
    }));
    const batch = await as(w.alice).applyBatch(apps);
    ids = batch.assetIds;
    // Pipelined: Anvil's mempool queues nonces that arrive out of order.
    await as(w.registrar).acceptMany({ assetIds: ids, publicityPeriod: DAY }, { inFlight: 5 });
    await node.increaseTime(DAY + 1);
    const confirmed = await as(w.registrar).confirmMany({ assetIds: ids }, { inFlight: 5 });
    expect(confirmed.transactions.map((t) => t.events.find((e) => e.name === "AssetRegistered")?.args.assetId)).to.deep.equal(ids.map(String));
    const t = await node.timestamp();
    const first = ids[0] ?? 0n;
    ({ licenseId } = await as(w.alice).grantLicense({
      assetId: first,
      terms: { licensee: w.bob.address, rights: ["processing"], start: t, end: t + 30 * DAY, scopeHash: hash("scope"), termsHash: hash("terms") },
    }));
    const evDir = path.join(dir, "evidence");
    const out = path.join(dir, "proofs");
    for (const d of [evDir, out]) mkdirSync(d);
    const files = ["a.txt", "b.txt", "c.txt"].map((f) => {
      writeFileSync(path.join(evDir, f), `evidence ${f}`);
      return path.join(evDir, f);
    });
    const anchored = await anchorEvidenceBatch(as(w.carol), files, out);
    root = anchored.root;
    leaf = anchored.proofs[1]?.proof.leaf ?? "";
    proof = anchored.proofs[1]?.proof.proof ?? [];
    server = await startTestServer(node.url, w.deploymentFile);
    await server.caughtUp();
    api = new ProvenanceClient(server.url);
  });

  after(async () => {
    await server?.destroy();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads a deployment file under a path with spaces, and refuses a network name that climbs out of deployments/", async () => {
    const spaced = path.join(dir, "My Data Dir");
    mkdirSync(spaced, { recursive: true });
    copyFileSync(w.deploymentFile, path.join(spaced, "deployment.json"));
    expect(loadDeployment(path.join(spaced, "deployment.json")).chainId).to.equal(dep.chainId);
    expect(() => loadDeployment("../secrets")).to.throw(/network names are letters, digits/);
  });

  it("reads health, readiness and the OpenAPI document", async () => {
    const health = await api.health();
    expect(health.contracts).to.deep.include({ registry: dep.addresses.registry });
    expect((await api.ready()).ready).to.equal(true);
    const doc = await api.openApi();
    expect(Object.keys(doc.paths)).to.include("/v1/assets/{ref}/tradability");
  });

  it("walks every page of the assets, a member's assets and an asset's history", async () => {
    const all: string[] = [];
    for await (const a of api.allAssets({ limit: 2 })) all.push(a.id);
    expect(all.sort()).to.deep.equal(ids.map(String).sort());
    const mine: string[] = [];
    for await (const a of api.allMemberAssets(w.alice.address, { limit: 2 })) mine.push(a.id);
    expect(mine).to.have.length(5);
    const events: string[] = [];
    for await (const e of api.allHistory(String(ids[0]), { limit: 1 })) events.push(e.event);
    expect(events).to.include.members(["AssetApplied", "PublicityStarted", "AssetRegistered", "LicenseGranted"]);
  });

  it("reads one asset, its licences (all pages), lineage, holder, the licence, the member and tradability", async () => {
    const ref = String(ids[0]);
    const asset = await api.asset(ref);
    expect(asset.status).to.equal("registered");
    const licences: string[] = [];
    for await (const l of api.allLicenses(ref, { limit: 1 })) licences.push(l.id);
    expect(licences).to.deep.equal([String(licenseId)]);
    expect((await api.license(licenseId)).licensee.address).to.equal(w.bob.address);
    expect((await api.lineage(ref)).assetId).to.equal(ref);
    expect((await api.holderAt(ref, (await api.health()).asOfBlock)).holder?.address).to.equal(w.alice.address);
    expect((await api.member(w.alice.address)).address).to.equal(w.alice.address);
    const trade = await api.tradability(ref, { buyer: w.bob.address });
    expect(trade.tradable).to.equal(true);
    const ms: string[] = [];
    for await (const m of api.allMilestones(w.alice.address, { limit: 1 })) ms.push(m.kind);
    expect(ms.length).to.be.greaterThan(0);
  });

  it("reads an anchored evidence item with its proof", async () => {
    const ev = await api.evidence(leaf, { root, proof, anchorer: w.carol.address });
    expect(ev.proofValid).to.equal(true);
    expect(ev.anchored).to.equal(true);
  });

  it("follows cursor, else nextCursor, and stops on a repeated cursor", async () => {
    const pages: Record<string, { items: number[]; cursor?: string | null; nextCursor?: string | null }> = {
      start: { items: [1, 2], cursor: "p2", nextCursor: "ignored" },
      p2: { items: [3], nextCursor: "p3" },
      p3: { items: [4], cursor: "p2" },
    };
    const got: number[] = [];
    for await (const x of allPagesForTest(async (c) => pages[c ?? "start"] ?? { items: [], cursor: null })) got.push(x as number);
    expect(got).to.deep.equal([1, 2, 3, 4]);
  });

  it("calls its fetch as a plain function, as a browser's fetch requires (no Illegal invocation)", async () => {
    // A browser's window.fetch throws when called as a method of another object.
    let calls = 0;
    const browserLike = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      if (this !== undefined && this !== globalThis) throw new TypeError("Failed to execute 'fetch': Illegal invocation");
      calls++;
      return fetch(input, init);
    } as typeof fetch;
    const h = await new ProvenanceClient(server.url, browserLike).health();
    expect(h.chainId).to.equal(31337);
    expect(calls).to.equal(1);
  });

  it("a closed API port is an ApiUnavailableError naming the URL", async () => {
    const dead = new ProvenanceClient("http://127.0.0.1:1");
    const e = await dead.health().then(() => null, (err: unknown) => err);
    expect(e).to.be.instanceOf(ApiUnavailableError);
    expect((e as ApiUnavailableError).message).to.include("http://127.0.0.1:1");
  });
});
