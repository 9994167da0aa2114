/**
 * `GET /v1/assets` search and filters over a chain with thousands of assets: every request
 * examines a bounded number of index keys (MAX_EXAMINED) and says `partial` when it stopped
 * there; cursors go on from where it stopped and reach the true answer, with no duplicates or
 * gaps. The true answers are worked out here independently, from the full listing and each
 * asset's own answer, never from the search code.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as S from "../sdk/api/schemas";
import { Queries, MAX_EXAMINED } from "../server/state/queries";
import { IndexDb } from "../server/indexer/handlers/db";
import { IndexInvariantError } from "../server/indexer/handlers";
import { K } from "../server/store/keys";
import type { StoredAsset } from "../server/store/records";
import { IndexStore, Overlay, type Checkpoint } from "../server/store/store";
import type { AnvilNode } from "./helpers/anvil";
import {
  MEMBER_NAMES,
  generateLoad,
  mined,
  registerOnAnvil,
  runScenario,
  sellOrder,
  signSellOrder,
  type AnvilWorld,
  type LoadResult,
  type ScenarioResult,
  startAnvilWorld,
} from "./helpers/anvil-world";
import { applicationAt, h } from "./helpers/fixture";
import { startTestServer, type TestServer } from "./helpers/indexer";

type Summary = S.AssetList["items"][number];

/** More than three times MAX_EXAMINED assets, so that one holder's share exceeds the bound. */
const LOAD = 3_300;

describe("Asset search and filters: bounded work per request (Anvil)", function () {
  this.timeout(600_000);
  let node: AnvilNode;
  let w: AnvilWorld;
  let s: ScenarioResult;
  let load: LoadResult;
  let server: TestServer;
  let tmp: string;
  /** Assets filed here, beside the scenario's and the load's. */
  const mine = { ningbo: 0n, bobData: 0n, database: 0n, listed: 0n };
  /** Every asset, as the unfiltered listing pages them. */
  let all: Summary[];

  before(async function () {
    tmp = mkdtempSync(path.join(tmpdir(), "drl-search-"));
    ({ node, w } = await startAnvilWorld(path.join(tmp, "deployment.json")));
    s = await runScenario(w);
    load = await generateLoad(w, { assets: LOAD });
    const now = await node.timestamp();
    mine.ningbo = await registerOnAnvil(
      w,
      w.carol,
      applicationAt(now, { name: "Ningbo-Zhoushan 宁波舟山港 Container Index", metadataUri: "https://data.example/ningbo.json", contentHash: h("search:ningbo") }),
    );
    // Held by bob and named with "data": found only after every other "data" asset in the index.
    mine.bobData = await registerOnAnvil(w, w.bob, applicationAt(now, { name: "Data lake of freight", metadataUri: "ipfs://bafy-lake", contentHash: h("search:lake") }));
    mine.database = await registerOnAnvil(w, w.alice, applicationAt(now, { name: "Database of DATA sets", metadataUri: "ipfs://bafy-db", contentHash: h("search:db") }));
    // A live listing: alice's asset on the exchange, on her signed order.
    mine.listed = await registerOnAnvil(w, w.alice, applicationAt(now, { name: "Listed tide tables", metadataUri: "ipfs://bafy-tide", contentHash: h("search:tide") }));
    await mined(node, await w.ledger.registry.connect(w.alice).approve(w.addresses.tradeDesk, mine.listed));
    const order = sellOrder(mine.listed, w.exchange.address, await node.timestamp());
    await mined(node, await w.ledger.tradeDesk.connect(w.exchange).list(order, await signSellOrder(w, w.alice, order), h("search:listing")));
    server = await startTestServer(node.url, w.deploymentFile);
    await server.caughtUp(300_000);
    all = await collect("/v1/assets?limit=200");
  });

  after(async function () {
    await server?.destroy();
    await node?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function get(p: string): Promise<S.AssetList> {
    const res = await fetch(server.url + p);
    const body: unknown = await res.json();
    expect(res.status, `${p}: ${JSON.stringify(body).slice(0, 300)}`).to.equal(200);
    return S.AssetList.parse(body);
  }

  /** Follows cursors to the end; every page's fields agree with each other. */
  async function collect(p: string, pages?: S.AssetList[]): Promise<Summary[]> {
    const out: Summary[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 1_000; i++) {
      const page = await get(cursor ? `${p}&cursor=${cursor}` : p);
      pages?.push(page);
      expect(page.nextCursor).to.equal(page.cursor);
      if (page.partial) expect(page.cursor, "a partial page says where to go on").to.be.a("string");
      out.push(...page.items);
      cursor = page.cursor;
      if (!cursor) return out;
    }
    throw new Error(`${p}: no end after 1,000 pages`);
  }

  const ids = (list: Summary[]) => list.map((a) => a.id);
  const byId = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : 1);
  const isLoad = (id: string) => BigInt(id) >= load.firstId && BigInt(id) <= load.lastId;

  /** The test's own reading of "every query word starts a word of the name, URI or holder's name". */
  function wordsMatch(a: Summary, q: string): boolean {
    const words = [a.name, a.metadataUri, a.holder?.name ?? ""].join(" ").toLowerCase().split(/[^\p{L}\p{N}]+/u);
    return q
      .toLowerCase()
      .split(/\s+/)
      .every((t) => words.some((x) => x.startsWith(t)));
  }

  describe("bounded scans", function () {
    it("stops a search whose indexes are large but whose answer is small at the bound, partial with a cursor; the cursors reach the true answer", async function () {
      const bob = w.bob.address;
      const truth = ids(all.filter((a) => a.holder?.address === bob && wordsMatch(a, "data"))).sort(byId);
      expect(truth, "bob's asset named with data").to.include(mine.bobData.toString());
      const holderShare = all.filter((a) => a.holder?.address === bob).length;
      expect(holderShare, "each index of the query is larger than the bound").to.be.greaterThan(MAX_EXAMINED);

      const pages: S.AssetList[] = [];
      const found = await collect(`/v1/assets?q=data&holder=${bob}&limit=50`, pages);
      const [first] = pages;
      expect(first?.partial, "the first page stopped at the bound").to.equal(true);
      expect(first?.items.length).to.be.lessThan(50);
      expect(pages.length).to.be.greaterThan(1);
      expect(pages.at(-1)?.partial).to.equal(false);
      expect(ids(found).sort(byId)).to.deep.equal(truth);
      expect(new Set(ids(found)).size).to.equal(found.length);
    });

    it("stops a filter that matches nothing among thousands of assets, and following its cursors ends with the empty answer", async function () {
      // Thousands of assets are named "港口…" (the load), over a thousand are bob's, over a thousand have a
      // word starting "alice" (alice's applications carry her name): none is all three.
      const p = `/v1/assets?status=applied&category=enterprise&holder=${w.bob.address}&q=${encodeURIComponent("港口 alice")}&limit=20`;
      const pages: S.AssetList[] = [];
      const found = await collect(p, pages);
      expect(found).to.deep.equal([]);
      expect(pages[0]?.partial).to.equal(true);
      expect(pages[0]?.items).to.deep.equal([]);
      expect(pages.at(-1)?.cursor).to.equal(null);
    });

    it("walks the smallest index: a query with one small index answers whole within a small bound, and without it is partial", async function () {
      const cp = await server.store.checkpoint();
      if (!cp) throw new Error("no checkpoint");
      const reader = server.store.reader();
      try {
        // A bound of 40 keys: thousands of assets are named "港口…", a handful are frozen.
        const q = new Queries(reader, cp as Checkpoint, server.deployment.defaultModules, 40);
        const frozen = ids(all.filter((a) => a.name.includes("港口"))).filter((id) => id === s.assets.frozen.toString());
        expect(frozen, "the frozen asset has the default name").to.have.length(1);
        const narrow = await q.assets(S.AssetsQuery.parse({ q: "港口", frozen: "true", limit: "200" }));
        expect(narrow.partial).to.equal(false);
        expect(narrow.cursor).to.equal(null);
        expect(ids(narrow.items)).to.include(s.assets.frozen.toString());
        for (const a of narrow.items) expect(a.name).to.include("港口");
        const wide = await q.assets(S.AssetsQuery.parse({ q: "港口", status: "applied", limit: "200" }));
        expect(wide.partial).to.equal(true);
        expect(wide.items.length).to.be.at.most(40);
        // An index with no key at all answers at once, whatever the others hold.
        const none = await q.assets(S.AssetsQuery.parse({ q: "nomatchword", status: "applied", limit: "200" }));
        expect(none).to.include({ partial: false, cursor: null });
        expect(none.items).to.deep.equal([]);
      } finally {
        await reader.close();
      }
    });
  });

  describe("cursor paging", function () {
    it("pages a prefix search with no duplicates and no gaps, listing an asset with several matching words once", async function () {
      const truth = ids(all.filter((a) => wordsMatch(a, "dat"))).sort(byId);
      expect(truth).to.include(mine.database.toString()); // "Database of DATA sets": two words start with "dat"
      expect(truth.length).to.be.greaterThan(MAX_EXAMINED);
      const found = await collect("/v1/assets?q=dat&limit=37");
      expect(new Set(ids(found)).size, "no duplicates").to.equal(found.length);
      expect(ids(found).sort(byId), "no gaps").to.deep.equal(truth);
    });

    it("pages an unfiltered and a filtered list in id order, every asset once", async function () {
      const seen = await collect("/v1/assets?limit=200");
      expect(ids(seen)).to.deep.equal(ids(all));
      expect(ids(all)).to.deep.equal([...ids(all)].sort(byId));
      expect(all.length).to.be.greaterThan(LOAD);
      const applied = await collect("/v1/assets?status=applied&limit=150");
      expect(ids(applied)).to.deep.equal(ids(all.filter((a) => a.status === "applied")));
    });

    it("refuses a cursor of another query's index and a forged one with 400 naming cursor", async function () {
      const page = await get("/v1/assets?q=port&limit=1");
      expect(page.cursor).to.be.a("string");
      for (const bad of [`/v1/assets?status=registered&cursor=${page.cursor}`, `/v1/assets?q=port&cursor=${Buffer.from("0~a:1").toString("base64url")}`, "/v1/assets?q=port&cursor=abc"]) {
        const res = await fetch(server.url + bad);
        expect(res.status, bad).to.equal(400);
        expect(((await res.json()) as S.ErrorBody).error.field, bad).to.equal("cursor");
      }
    });
  });

  describe("search fields", function () {
    const find = async (q: string) => ids(await collect(`/v1/assets?q=${encodeURIComponent(q)}&limit=200`));

    it("finds a name by word prefixes in any case and order, and Chinese text inside a name", async function () {
      expect(await find("NINGBO")).to.deep.equal([mine.ningbo.toString()]);
      expect(await find("cont ningbo-zhou")).to.deep.equal([mine.ningbo.toString()]);
      expect(await find("舟山")).to.deep.equal([mine.ningbo.toString()]);
      expect(await find("宁波舟山港")).to.deep.equal([mine.ningbo.toString()]);
      // One character: every asset whose name holds it.
      const gang = await find("港");
      expect(gang).to.include.members([mine.ningbo.toString(), s.assets.registered.toString()]);
      expect(gang.sort(byId)).to.deep.equal(ids(all.filter((a) => a.name.includes("港"))).sort(byId));
      // Two characters that are not neighbours in any name find nothing.
      expect(await find("宁港")).to.deep.equal([]);
      expect(await find("ingbo")).to.deep.equal([], "a word matches from its start");
    });

    it("finds by the metadata URI's words and by the holder's member name", async function () {
      expect(await find("bafy-lake")).to.deep.equal([mine.bobData.toString()]);
      expect(await find("data.example")).to.deep.equal([mine.ningbo.toString()]);
      const carols = await find("carol exchange");
      const heldByCarol = ids(all.filter((a) => a.holder?.name === MEMBER_NAMES.carol));
      expect(carols.sort(byId)).to.deep.equal(heldByCarol.sort(byId));
      expect(carols).to.include(mine.ningbo.toString());
    });

    it("finds registration numbers and content hashes by prefix", async function () {
      const rn = s.registrationNumbers.registered ?? "";
      expect(await find(rn)).to.deep.equal([s.assets.registered.toString()]);
      expect(await find(rn.toLowerCase())).to.deep.equal([s.assets.registered.toString()]);
      const stem = rn.slice(0, 15);
      expect((await find(stem)).sort(byId)).to.deep.equal(ids(all.filter((a) => a.registrationNumber?.startsWith(stem))).sort(byId));
      const ch = s.contentHashes.frozen;
      expect(await find(ch.slice(0, 14))).to.deep.equal([s.assets.frozen.toString()]);
      expect(await find(ch.toUpperCase().replace("0X", "0x"))).to.deep.equal([s.assets.frozen.toString()]);
    });

    it("refuses a query with no letter or digit with 400 naming q", async function () {
      const res = await fetch(`${server.url}/v1/assets?q=${encodeURIComponent("-/ !")}`);
      expect(res.status).to.equal(400);
      expect(((await res.json()) as S.ErrorBody).error.field).to.equal("q");
    });
  });

  describe("filters", function () {
    /** Each asset's own answer, for every asset that is not a pending load application. */
    let views: Map<string, S.AssetResponse>;

    before(async function () {
      views = new Map();
      for (const a of all) {
        if (isLoad(a.id)) continue;
        const res = await fetch(`${server.url}/v1/assets/${a.id}`);
        views.set(a.id, S.AssetResponse.parse(await res.json()));
      }
    });

    /** The ids a flag holds for: from each asset's own answer (a pending load application has none of them). */
    function truth(flag: "frozen" | "disputed" | "pledged" | "listed" | "expired", want: boolean, extra: (a: Summary) => boolean = () => true): string[] {
      const out: string[] = [];
      for (const a of all) {
        const v = views.get(a.id);
        const has = v ? (flag === "listed" ? v.listing?.live === true : v[flag]) : false;
        if (has === want && extra(a)) out.push(a.id);
      }
      return out.sort(byId);
    }

    for (const flag of ["frozen", "disputed", "pledged", "listed", "expired"] as const) {
      it(`${flag}=true and ${flag}=false split the assets as each asset's own answer does`, async function () {
        const yes = ids(await collect(`/v1/assets?${flag}=true&limit=200`)).sort(byId);
        expect(yes).to.deep.equal(truth(flag, true));
        expect(yes.length, `the world has a ${flag} asset`).to.be.greaterThan(0);
        const no = ids(await collect(`/v1/assets?${flag}=false&status=registered&limit=200`)).sort(byId);
        expect(no).to.deep.equal(truth(flag, false, (a) => a.status === "registered"));
        expect(no.length).to.be.greaterThan(0);
      });
    }

    it("names the scenario's encumbered assets under their flags", async function () {
      const idsOf = async (p: string) => ids(await collect(p));
      expect(await idsOf("/v1/assets?frozen=true&limit=200")).to.include(s.assets.frozen.toString());
      expect(await idsOf("/v1/assets?disputed=true&limit=200")).to.include(s.assets.disputed.toString());
      expect(await idsOf("/v1/assets?pledged=true&limit=200")).to.include.members([s.assets.pledged.toString(), s.assets.derived.toString()]);
      expect(await idsOf("/v1/assets?expired=true&limit=200")).to.include(s.assets.expired.toString());
      expect(await idsOf("/v1/assets?listed=true&limit=200")).to.deep.equal([mine.listed.toString()]);
      // A listing that lapsed when the holder changed does not count.
      expect(await idsOf("/v1/assets?listed=true&limit=200")).not.to.include(s.assets.traded.toString());
    });

    it("combines flags with other filters and a search", async function () {
      const alice = w.alice.address;
      const got = ids(await collect(`/v1/assets?pledged=true&holder=${alice}&limit=200`)).sort(byId);
      expect(got).to.deep.equal(truth("pledged", true, (a) => a.holder?.address === alice));
      const tide = ids(await collect(`/v1/assets?listed=true&q=tide&frozen=false&limit=200`));
      expect(tide).to.deep.equal([mine.listed.toString()]);
      expect(ids(await collect(`/v1/assets?listed=true&q=ningbo&limit=200`))).to.deep.equal([]);
    });

    it("refuses a flag that is not true or false with 400 naming it", async function () {
      for (const flag of ["frozen", "disputed", "pledged", "listed", "expired"]) {
        const res = await fetch(`${server.url}/v1/assets?${flag}=yes`);
        expect(res.status).to.equal(400);
        expect(((await res.json()) as S.ErrorBody).error.field).to.equal(flag);
      }
    });
  });
});

describe("Asset search across a reorg (Anvil)", function () {
  this.timeout(300_000);
  let node: AnvilNode;
  let w: AnvilWorld;
  let tmp: string;
  const servers: TestServer[] = [];

  before(async function () {
    tmp = mkdtempSync(path.join(tmpdir(), "drl-search-reorg-"));
    ({ node, w } = await startAnvilWorld(path.join(tmp, "deployment.json")));
  });

  after(async function () {
    for (const x of servers) await x.destroy();
    await node?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function serve(): Promise<TestServer> {
    const x = await startTestServer(node.url, w.deploymentFile, { DRL_CONFIRMATIONS: "0" });
    servers.push(x);
    return x;
  }

  async function search(x: TestServer, q: string): Promise<string[]> {
    const res = await fetch(`${x.url}/v1/assets?q=${encodeURIComponent(q)}&limit=200`);
    expect(res.status).to.equal(200);
    const page = S.AssetList.parse(await res.json());
    expect(page.partial).to.equal(false);
    return page.items.map((a) => a.id);
  }

  it("forgets a rolled-back asset's words and holder, finds the new branch's, and equals a clean reindex", async function () {
    const x = await serve();
    await x.caughtUp();
    const snapshot = await node.snapshot();
    const now = await node.timestamp();
    const orphan = await registerOnAnvil(w, w.alice, applicationAt(now, { name: "Walrus census 海象普查", metadataUri: "ipfs://bafy-walrus", contentHash: h("reorg:walrus") }));
    await mined(node, await w.ledger.registry.connect(w.alice).transferFrom(w.alice.address, w.bob.address, orphan));
    await x.caughtUp();
    expect(await search(x, "walrus")).to.deep.equal([orphan.toString()]);
    expect(await search(x, "海象")).to.deep.equal([orphan.toString()]);
    expect(await search(x, "bob analytics")).to.deep.equal([orphan.toString()]);
    const reorgs = x.indexer.status.reorgs;

    expect(await node.revert(snapshot)).to.equal(true);
    const replacement = await registerOnAnvil(w, w.carol, applicationAt(now, { name: "Narwhal survey 独角鲸", metadataUri: "ipfs://bafy-narwhal", contentHash: h("reorg:narwhal") }));
    await node.mine(4); // longer than the orphaned branch
    await x.caughtUp();
    expect(x.indexer.status.reorgs).to.be.greaterThan(reorgs);

    for (const q of ["walrus", "海象", "bafy-walrus", "bob analytics"]) expect(await search(x, q), q).to.deep.equal([]);
    expect(await search(x, "narwhal")).to.deep.equal([replacement.toString()]);
    expect(await search(x, "独角")).to.deep.equal([replacement.toString()]);
    expect(await search(x, "carol")).to.deep.equal([replacement.toString()]);
    const rn = ((await (await fetch(`${x.url}/v1/assets/${replacement}`)).json()) as S.AssetResponse).registrationNumber ?? "";
    expect(await search(x, rn)).to.deep.equal([replacement.toString()]);

    const clean = await serve();
    await clean.caughtUp();
    expect(await clean.store.checkpoint()).to.deep.equal(await x.store.checkpoint());
    const [followed, fresh] = [await x.store.canonicalDump(), await clean.store.canonicalDump()];
    const onlyFollowed = followed.lines.filter((l) => !fresh.lines.includes(l)).slice(0, 5);
    expect(onlyFollowed, "keys the followed index has and a clean reindex has not").to.deep.equal([]);
    expect(followed.sha256).to.equal(fresh.sha256);
  });
});

/** An asset record as the office handler writes it, for the writer's tests. */
const TEMPLATE: StoredAsset = {
  id: "0",
  registrationNumber: null,
  status: "applied",
  holder: null,
  applicant: "0x0000000000000000000000000000000000000001",
  name: "",
  kind: "product",
  productForm: "dataset",
  category: "enterprise",
  rightsBits: 7,
  sourceType: "selfCollected",
  grade: "general",
  personalInfo: "none",
  registrantType: "enterprise",
  validUntil: 1_900_000_000,
  contentHash: h("db:content"),
  sourceEvidenceHash: h("db:source"),
  metadataHash: h("db:metadata"),
  metadataUri: "",
  metadataVersion: 1,
  parents: [],
  parentLicenses: [],
  commitment: h("db:commitment"),
  applied: { block: 10, time: 1_700_000_010, tx: h("db:tx"), logIndex: 0 },
  publicityEnd: null,
  confirmed: null,
  refused: null,
  cancelled: null,
  objectionsOpen: false,
  disputed: false,
  objections: [],
  frozen: false,
  holds: [],
  pledged: false,
  listing: null,
  milestones: [],
  annulledMilestones: [],
  latestValuation: null,
  updated: { block: 10, time: 1_700_000_010, tx: h("db:tx"), logIndex: 0 },
};

describe("The search index as the indexer writes it", function () {
  let dir: string;
  let store: IndexStore;
  const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
  const at = (block: number) => ({ block, time: 1_700_000_000 + block, tx: `0x${"12".repeat(32)}`, logIndex: 3 });

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "drl-search-db-"));
    store = await IndexStore.open(dir);
    for (const [address, name] of [
      [ALICE, "Alice Data Co."],
      [BOB, "Bob Analytics Ltd."],
    ] as const) {
      await store.db.put(K.member(address), JSON.stringify({ address, name }));
    }
  });

  after(async function () {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function fresh(): { o: Overlay; db: IndexDb } {
    const o = new Overlay(store);
    o.setBlock(10, true);
    return { o, db: new IndexDb(o) };
  }

  const stored = (id: string): StoredAsset => ({
    ...TEMPLATE,
    id,
    holder: ALICE,
    applicant: ALICE,
    name: "上海港集装箱 Throughput",
    metadataUri: "ipfs://bafy-one",
  });

  it("writes each word, each CJK pair and each run's last character, and the holder's name, for a new asset", function () {
    const { o, db } = fresh();
    db.createAsset(stored("5"));
    for (const t of ["throughput", "上海", "海港", "港集", "集装", "装箱", "箱", "ipfs", "bafy", "one", "alice", "data", "co"]) {
      expect(o.has(K.text(t, "5")), t).to.equal(true);
    }
    for (const t of ["thr", "上", "港", "bob"]) expect(o.has(K.text(t, "5")), t).to.equal(false);
  });

  it("moves the tokens when the name, URI or holder changes, and the flag indexes with the flags", function () {
    const { o, db } = fresh();
    db.createAsset(stored("6"));
    db.patchAsset("6", at(11), (a) => {
      a.holder = BOB;
      a.metadataUri = "ipfs://bafy-two";
      a.frozen = true;
      a.status = "registered";
    });
    for (const t of ["bob", "analytics", "ltd", "two"]) expect(o.has(K.text(t, "6")), t).to.equal(true);
    for (const t of ["alice", "data", "co", "one"]) expect(o.has(K.text(t, "6")), t).to.equal(false);
    expect(o.has(K.text("throughput", "6"))).to.equal(true);
    expect(o.has(K.index("frozen", "true", "6"))).to.equal(true);
    expect(o.has(K.index("validUntil", String(TEMPLATE.validUntil).padStart(12, "0"), "6"))).to.equal(true);
    db.patchAsset("6", at(12), (a) => {
      a.frozen = false;
      a.status = "cancelled";
      a.holder = null;
    });
    expect(o.has(K.index("frozen", "true", "6"))).to.equal(false);
    expect(o.has(K.index("validUntil", String(TEMPLATE.validUntil).padStart(12, "0"), "6"))).to.equal(false);
    expect(o.has(K.text("bob", "6")), "no holder, no holder's name").to.equal(false);
  });

  it("halts on an event about an asset the index never saw applied for", function () {
    const { db } = fresh();
    expect(() => db.patchAsset("99", at(13), (a) => void (a.frozen = true))).to.throw(IndexInvariantError, /asset 99/);
  });
});
