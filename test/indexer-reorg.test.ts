/**
 * Reorgs on a real Anvil node, with the indexer running in-process and following the head
 * (confirmations 0, 20 ms polling): evm_snapshot/evm_revert onto a longer branch, anvil_reorg
 * at the same height (only the checkpoint's hash changes), a reorg deeper than the kept window
 * (the indexer must halt and leave the store alone), a chain rewritten while the server was
 * down (the start-up check), and a reorg that lands in the middle of an indexer step.
 *
 * After every reorg the followed index must equal a clean reindex of the same chain (canonical
 * dump, checkpoint and a broad set of API answers), and the API must tell the new branch's story.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { toQuantity, type Interface, type ContractTransactionReceipt, type ContractTransactionResponse } from "ethers";
import { ServerConfigSchema, type ServerConfig } from "../server/config";
import { startServer, type RunningServer } from "../server/server";
import type { Checkpoint } from "../server/store/store";
import * as S from "../sdk/api/schemas";
import type { AnvilNode } from "./helpers/anvil";
import { salt, startAnvilWorld, type AnvilSigner, type AnvilWorld } from "./helpers/anvil-world";
import { startRpcGate } from "./helpers/indexer";
import { DAY, applicationAt, commitmentOf, h, termsFor, type ApplicationInput } from "./helpers/fixture";

const POLL_MS = 20;
/** Gas for the transactions handed to anvil_reorg (it would otherwise estimate on the pre-reorg state). */
const REORG_TX_GAS = toQuantity(5_000_000);

interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  transactions: string[];
}
interface RpcReceipt {
  status: string;
  blockHash: string;
  blockNumber: string;
}
type Dump = Awaited<ReturnType<RunningServer["store"]["canonicalDump"]>>;
interface Served {
  s: RunningServer;
  logs: string[];
}
interface Reply {
  status: number;
  body: unknown;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const lower = (s: string) => s.toLowerCase();

async function getJson(base: string, p: string): Promise<Reply> {
  const res = await fetch(base + p, { headers: { accept: "application/json" } });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function getOk<T>(schema: { parse(v: unknown): T }, base: string, p: string): Promise<T> {
  const r = await getJson(base, p);
  expect(r.status, `GET ${p}: ${JSON.stringify(r.body).slice(0, 300)}`).to.equal(200);
  return schema.parse(r.body);
}

function expectSameDump(followed: Dump, clean: Dump): void {
  if (followed.sha256 === clean.sha256) return;
  const inClean = new Set(clean.lines);
  const inFollowed = new Set(followed.lines);
  const show = (lines: string[]) =>
    lines
      .slice(0, 12)
      .map((l) => `    ${l.slice(0, 240)}`)
      .join("\n") || "    (none)";
  expect.fail(
    `the followed index differs from a clean reindex (${followed.entries} vs ${clean.entries} entries)\n` +
      `  only in the followed index:\n${show(followed.lines.filter((l) => !inClean.has(l)))}\n` +
      `  only in the clean reindex:\n${show(clean.lines.filter((l) => !inFollowed.has(l)))}`,
  );
}

describe("Indexer: reorgs on Anvil (in-process server following the head)", function () {
  let root: string;
  let node: AnvilNode;
  let w: AnvilWorld;
  const open = new Set<RunningServer>();
  let dirCount = 0;

  before(async function () {
    root = mkdtempSync(path.join(tmpdir(), "drl-reorg-"));
    ({ node, w } = await startAnvilWorld(path.join(root, "deployment.json")));
  });

  afterEach(async function () {
    for (const s of open) await s.close();
    open.clear();
  });

  after(async function () {
    for (const s of open) await s.close();
    await node?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  // ─── Servers ──────────────────────────────────────────────────────────────────────────

  const newDir = () => path.join(root, `index-${++dirCount}`);

  async function serve(dir: string, extra: Partial<ServerConfig> = {}): Promise<Served> {
    const logs: string[] = [];
    const config = ServerConfigSchema.parse({
      DRL_RPC_URL: node.url,
      DRL_DEPLOYMENT: w.deploymentFile,
      DRL_INDEX_DIR: dir,
      DRL_API_HOST: "127.0.0.1",
      DRL_API_PORT: 0,
      DRL_CONFIRMATIONS: 0,
      DRL_POLL_MS: POLL_MS,
      ...extra,
    });
    const s = await startServer(config, { log: (m) => logs.push(m) });
    open.add(s);
    return { s, logs };
  }

  async function shut(x: Served): Promise<void> {
    await x.s.close();
    open.delete(x.s);
  }

  // ─── Chain ────────────────────────────────────────────────────────────────────────────

  async function block(n: number | "latest"): Promise<RpcBlock> {
    const b = await node.rpc<RpcBlock | null>("eth_getBlockByNumber", [n === "latest" ? "latest" : toQuantity(n), false]);
    if (!b) throw new Error(`the node has no block ${n}`);
    return b;
  }

  async function head(): Promise<{ number: number; hash: string }> {
    const b = await block("latest");
    return { number: Number(b.number), hash: lower(b.hash) };
  }

  async function mined(p: Promise<ContractTransactionResponse>, txs?: string[]): Promise<ContractTransactionReceipt> {
    const tx = await p;
    const r = await tx.wait();
    if (!r || r.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
    txs?.push(lower(r.hash));
    return r;
  }

  function eventArg(r: ContractTransactionReceipt, contract: "office" | "licenses", event: string, arg: string): bigint {
    const iface = w.ledger[contract].interface;
    for (const log of r.logs) {
      if (lower(log.address) !== lower(w.addresses[contract])) continue;
      const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
      if (parsed?.name === event) return parsed.args.getValue(arg) as bigint;
    }
    throw new Error(`no ${event} in ${r.hash}`);
  }
  const appliedId = (r: ContractTransactionReceipt) => eventArg(r, "office", "AssetApplied", "assetId");

  /**
   * An application whose commitment is mined now, to be revealed later: the commit–reveal
   * needs the commitment in an earlier block, so the tests commit before the branch point and
   * reveal on the branches (a reorg that drops a reveal leaves the commitment to reveal again).
   */
  interface Committed {
    who: AnvilSigner;
    app: ApplicationInput;
    salt: string;
  }
  async function committed(who: AnvilSigner, app: ApplicationInput): Promise<Committed> {
    const s = salt();
    await mined(w.ledger.office.connect(who).commit(commitmentOf(who.address, String(app.contentHash), s)));
    return { who, app, salt: s };
  }
  const reveal = (c: Committed, txs?: string[]) => mined(w.ledger.office.connect(c.who).submit(c.app, c.salt), txs);

  /** A raw transaction for anvil_reorg: an unlocked dev account calling the office or the registry. */
  function rawTx(from: AnvilSigner, call: { reveal: Committed } | { transferFrom: unknown[] }) {
    if ("reveal" in call) {
      const iface: Interface = w.ledger.office.interface;
      return { from: from.address, to: w.addresses.office, data: iface.encodeFunctionData("submit", [call.reveal.app, call.reveal.salt]), gas: REORG_TX_GAS };
    }
    const iface: Interface = w.ledger.registry.interface;
    return { from: from.address, to: w.addresses.registry, data: iface.encodeFunctionData("transferFrom", call.transferFrom), gas: REORG_TX_GAS };
  }

  /** Every transaction in blocks [from, to] succeeded; returns their hashes. */
  async function succeededIn(from: number, to: number): Promise<string[]> {
    const out: string[] = [];
    for (let n = from; n <= to; n++) {
      for (const tx of (await block(n)).transactions) {
        const r = await node.rpc<RpcReceipt | null>("eth_getTransactionReceipt", [tx]);
        expect(r?.status, `transaction ${tx} of block ${n}`).to.equal("0x1");
        out.push(lower(tx));
      }
    }
    return out;
  }

  // ─── Scenario pieces ──────────────────────────────────────────────────────────────────

  interface Prepared {
    /** alice's, registered: the branches transfer it to different members. */
    a: bigint;
    /** alice's, publicity over: the old branch confirms it, the new one does not. */
    p: bigint;
    /** alice's application the old branch reveals (committed before it). */
    oldApp: Committed;
    /** bob's application a new branch reveals, and carol's (both committed before the branch point). */
    newApp: Committed;
    laterApp: Committed;
  }

  async function prepare(): Promise<Prepared> {
    const reg = w.ledger.registry;
    const now = await node.timestamp();
    const a = appliedId(await reveal(await committed(w.alice, applicationAt(now))));
    const p = appliedId(await reveal(await committed(w.alice, applicationAt(now))));
    await mined(reg.connect(w.registrar).accept(a, DAY));
    await mined(reg.connect(w.registrar).accept(p, DAY));
    await node.increaseTime(DAY + 1);
    await mined(reg.connect(w.registrar).confirm(a));
    const t = await node.timestamp();
    const oldApp = await committed(w.alice, applicationAt(t, { contentHash: lower(h("old-branch-content")) }));
    const newApp = await committed(w.bob, applicationAt(t, { contentHash: lower(h("new-branch-content")) }));
    const laterApp = await committed(w.carol, applicationAt(t, { contentHash: lower(h("later-branch-content")) }));
    return { a, p, oldApp, newApp, laterApp };
  }

  interface OldBranch {
    /** alice's application on the old branch (its id is reused on the new one). */
    x: bigint;
    oldHash: string;
    /** P's registration number on the old branch. */
    regNumberP: string;
    /** alice → carol on A, on the old branch only. */
    license: bigint;
    /** Transactions of the old branch (four blocks). */
    txs: string[];
  }

  /** Four blocks: an application (the reveal), a confirmation (mint), a licence, a transfer A alice → bob. */
  async function oldBranch({ a, p, oldApp }: Prepared): Promise<OldBranch> {
    const reg = w.ledger.registry;
    const txs: string[] = [];
    const now = await node.timestamp();
    const oldHash = String(oldApp.app.contentHash);
    const x = appliedId(await reveal(oldApp, txs));
    await mined(reg.connect(w.registrar).confirm(p), txs);
    const regNumberP = await reg.registrationNumber(p);
    const license = eventArg(
      await mined(w.ledger.licenses.connect(w.alice).grant(a, termsFor(w.carol.address, { start: now, end: now + 30 * DAY })), txs),
      "licenses",
      "LicenseGranted",
      "licenseId",
    );
    await mined(reg.connect(w.alice).transferFrom(w.alice.address, w.bob.address, a), txs);
    return { x, oldHash, regNumberP, license, txs };
  }

  /** The API shows the old branch (sanity check before rewriting it). */
  async function expectOldBranch(url: string, prep: Prepared, old: OldBranch): Promise<void> {
    const x = await getOk(S.AssetResponse, url, `/v1/assets/${old.oldHash}`);
    expect(x.id).to.equal(old.x.toString());
    expect((await getOk(S.AssetResponse, url, `/v1/assets/${prep.p}`)).registrationNumber).to.equal(old.regNumberP);
    expect((await getOk(S.LicenseResponse, url, `/v1/licenses/${old.license}`)).assetId).to.equal(prep.a.toString());
    expect(lower((await getOk(S.AssetResponse, url, `/v1/assets/${prep.a}`)).holder?.address ?? "")).to.equal(lower(w.bob.address));
  }

  interface NewBranch {
    /** What asset id `old.x` is on the new branch, if anything. */
    x: { contentHash: string; applicant: string } | null;
    /** Holder of A on the new branch. */
    holderOfA: string;
    /** Transactions of the orphaned blocks. */
    orphaned: string[];
  }

  /** The API answers from the new branch: nothing of the orphaned blocks is left. */
  async function expectNewBranch(url: string, prep: Prepared, old: OldBranch, nb: NewBranch): Promise<void> {
    // The old application's content hash is unknown; its id is the new branch's application or nothing.
    expect((await getJson(url, `/v1/assets/${old.oldHash}`)).status, "old content hash").to.equal(404);
    const x = await getJson(url, `/v1/assets/${old.x}`);
    if (nb.x === null) {
      expect(x.status, `asset ${old.x}`).to.equal(404);
    } else {
      expect(x.status, `asset ${old.x}`).to.equal(200);
      const ax = S.AssetResponse.parse(x.body);
      expect(ax.contentHash).to.equal(nb.x.contentHash);
      expect(lower(ax.applicant.address)).to.equal(lower(nb.x.applicant));
      expect(ax.status).to.equal("applied");
      expect((await getOk(S.AssetResponse, url, `/v1/assets/${nb.x.contentHash}`)).id).to.equal(old.x.toString());
    }
    // P's confirmation was orphaned: back in publicity, no registration number, no token.
    const p = await getOk(S.AssetResponse, url, `/v1/assets/${prep.p}`);
    expect(p.status).to.equal("publicity");
    expect(p.registrationNumber).to.equal(null);
    expect(p.milestones).to.not.include("registration");
    expect((await getJson(url, `/v1/assets/${old.regNumberP}`)).status, "old registration number").to.equal(404);
    // The licence was orphaned.
    expect((await getJson(url, `/v1/licenses/${old.license}`)).status, "orphaned licence").to.equal(404);
    const lic = await getOk(S.AssetLicenses, url, `/v1/assets/${prep.a}/licenses`);
    expect([...lic.active, ...lic.ended].map((l) => l.id)).to.not.include(old.license.toString());
    // A's holder follows the new branch, now and at the head block; bob never held it.
    const hd = await head();
    const a = await getOk(S.AssetResponse, url, `/v1/assets/${prep.a}`);
    expect(lower(a.holder?.address ?? "")).to.equal(lower(nb.holderOfA));
    const at = await getOk(S.HolderAt, url, `/v1/assets/${prep.a}/holder?atBlock=${hd.number}`);
    expect(lower(at.holder?.address ?? "")).to.equal(lower(nb.holderOfA));
    const bobs = await getOk(S.MemberAssets, url, `/v1/members/${w.bob.address}/assets?limit=200`);
    expect(bobs.items.map((i) => i.id)).to.not.include(prep.a.toString());
    // No history event of any asset comes from an orphaned block.
    await expectHistoryCanonical(url, nb.orphaned);
  }

  /** Every history event of every asset is a transaction of the node's current chain, in the block it names. */
  async function expectHistoryCanonical(url: string, orphaned: string[]): Promise<void> {
    const hashes = new Map<number, string>();
    const canonical = async (n: number) => {
      let hash = hashes.get(n);
      if (hash === undefined) {
        hash = lower((await block(n)).hash);
        hashes.set(n, hash);
      }
      return hash;
    };
    const list = await getOk(S.AssetList, url, "/v1/assets?limit=200");
    expect(list.nextCursor).to.equal(null);
    for (const item of list.items) {
      let cursor: string | null = null;
      do {
        const page: S.History = await getOk(S.History, url, `/v1/assets/${item.id}/history?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
        for (const e of page.items) {
          const where = `asset ${item.id}: ${e.event} at block ${e.block} (tx ${e.tx})`;
          expect(orphaned, where).to.not.include(lower(e.tx));
          const r = await node.rpc<RpcReceipt | null>("eth_getTransactionReceipt", [e.tx]);
          expect(r, `${where}: not a transaction of the chain`).to.not.equal(null);
          expect(Number(r?.blockNumber), where).to.equal(e.block);
          expect(lower(r?.blockHash ?? ""), `${where}: from a replaced block`).to.equal(await canonical(e.block));
        }
        cursor = page.nextCursor;
      } while (cursor);
    }
  }

  // ─── Comparison with a clean reindex ──────────────────────────────────────────────────

  /** Waits until the server's checkpoint is the node's head (number and hash) and it follows. */
  async function settled(x: Served, timeoutMs = 20_000): Promise<Checkpoint> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const st = x.s.indexer.status;
      if (st.state === "halted") throw new Error(`the indexer halted: ${st.lastError ?? ""}`);
      const [hd, cp] = await Promise.all([head(), x.s.store.checkpoint()]);
      if (cp && cp.number === hd.number && cp.hash === hd.hash && st.state === "following") return cp;
      if (Date.now() > deadline) {
        throw new Error(
          `the indexer did not reach the head ${hd.number} (${hd.hash}) within ${timeoutMs} ms: checkpoint ${JSON.stringify(cp)}, ` +
            `status ${JSON.stringify(st)}; last log lines:\n${x.logs.slice(-10).join("\n")}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** A broad set of API answers, to compare two servers at the same block. */
  async function apiViews(url: string, atBlock: number): Promise<Record<string, Reply>> {
    const paths = ["/v1/assets?limit=200"];
    const list = await getOk(S.AssetList, url, "/v1/assets?limit=200");
    for (const { id, contentHash } of list.items) {
      paths.push(
        `/v1/assets/${id}`,
        `/v1/assets/${contentHash}`,
        `/v1/assets/${id}/history?limit=200`,
        `/v1/assets/${id}/lineage`,
        `/v1/assets/${id}/licenses`,
        `/v1/assets/${id}/holder?atBlock=${atBlock}`,
        `/v1/assets/${id}/tradability?buyer=${w.carol.address}`,
        `/v1/assets/${id}/tradability?buyer=${w.dave.address}&rights=processing&territory=crossBorder`,
      );
    }
    for (const m of [w.alice, w.bob, w.carol, w.dave]) {
      paths.push(`/v1/members/${m.address}`, `/v1/members/${m.address}/assets?limit=200`, `/v1/members/${m.address}/milestones?limit=200`);
    }
    for (let l = 1; l <= 4; l++) paths.push(`/v1/licenses/${l}`);
    const out: Record<string, Reply> = {};
    for (const p of paths) out[p] = await getJson(url, p);
    return out;
  }

  /** The followed index equals a clean reindex of the current chain: checkpoint, canonical dump, API answers. */
  async function expectEqualsCleanReindex(x: Served): Promise<void> {
    const cp = await settled(x);
    const clean = await serve(newDir());
    try {
      expect(await settled(clean)).to.deep.equal(cp);
      expectSameDump(await x.s.store.canonicalDump(), await clean.s.store.canonicalDump());
      expect(await apiViews(x.s.url, cp.number)).to.deep.equal(await apiViews(clean.s.url, cp.number));
    } finally {
      await shut(clean);
    }
  }

  // ─── Tests ────────────────────────────────────────────────────────────────────────────

  it("evm_revert onto a longer branch with different events: rolls back to the fork and follows the new branch", async function () {
    const reg = w.ledger.registry;
    const prep = await prepare();
    const x = await serve(newDir());
    await settled(x);

    const snapshot = await node.snapshot();
    const fork = await head();
    const old = await oldBranch(prep);
    const oldHead = await settled(x);
    expect(oldHead.number).to.equal(fork.number + 4);
    await expectOldBranch(x.s.url, prep, old);
    const reorgs = x.s.indexer.status.reorgs;

    expect(await node.revert(snapshot)).to.equal(true);
    expect((await head()).number).to.equal(fork.number);
    const newHash = String(prep.newApp.app.contentHash);
    const y = appliedId(await reveal(prep.newApp));
    expect(y, "the new branch reuses the orphaned application's id").to.equal(old.x);
    await mined(reg.connect(w.alice).transferFrom(w.alice.address, w.carol.address, prep.a));
    await node.mine(4); // longer than the old branch: fork + 6 > fork + 4

    const cp = await settled(x);
    expect(cp.number).to.equal(fork.number + 6);
    expect(x.s.indexer.status.reorgs).to.be.greaterThan(reorgs);
    expect(x.logs.some((l) => l.startsWith("reorg: ")), x.logs.join("\n")).to.equal(true);
    await expectNewBranch(x.s.url, prep, old, { x: { contentHash: newHash, applicant: w.bob.address }, holderOfA: w.carol.address, orphaned: old.txs });
    await expectEqualsCleanReindex(x);
  });

  it("anvil_reorg at the same height: notices the checkpoint's new hash without a new block, then an empty replacement", async function () {
    const prep = await prepare();
    const x = await serve(newDir());
    await settled(x);
    const old = await oldBranch(prep);
    const oldHead = await settled(x);
    await expectOldBranch(x.s.url, prep, old);
    const reorgs = x.s.indexer.status.reorgs;

    // Replace the old branch's four blocks with four others: bob's application (offset 0), A
    // alice → carol (offset 1), an empty block (offset 2), carol's application (offset 3). Their
    // commitments were mined before the old branch.
    const newHash = String(prep.newApp.app.contentHash);
    const laterHash = String(prep.laterApp.app.contentHash);
    await node.rpc("anvil_reorg", [
      4,
      [
        [rawTx(w.bob, { reveal: prep.newApp }), 0],
        [rawTx(w.alice, { transferFrom: [w.alice.address, w.carol.address, prep.a] }), 1],
        [rawTx(w.carol, { reveal: prep.laterApp }), 3],
      ],
    ]);
    const replaced = await head();
    expect(replaced.number, "anvil_reorg keeps the height").to.equal(oldHead.number);
    expect(replaced.hash).to.not.equal(oldHead.hash);
    const newTxs = await succeededIn(oldHead.number - 3, oldHead.number);
    expect(newTxs).to.have.length(3);
    expect((await block(oldHead.number - 1)).transactions).to.have.length(0);

    // No block is mined from here on: only the checkpoint's hash tells the indexer.
    const cp = await settled(x);
    expect(cp.number).to.equal(oldHead.number);
    expect(x.s.indexer.status.reorgs).to.be.greaterThan(reorgs);
    await expectNewBranch(x.s.url, prep, old, { x: { contentHash: newHash, applicant: w.bob.address }, holderOfA: w.carol.address, orphaned: old.txs });
    const later = await getOk(S.AssetResponse, x.s.url, `/v1/assets/${laterHash}`);
    expect(lower(later.applicant.address)).to.equal(lower(w.carol.address));
    await expectEqualsCleanReindex(x);

    // Once more, shallower: the last two blocks (the empty one and carol's application) become two empty blocks.
    const reorgs2 = x.s.indexer.status.reorgs;
    await node.rpc("anvil_reorg", [2, []]);
    const replaced2 = await head();
    expect(replaced2.number).to.equal(oldHead.number);
    expect(replaced2.hash).to.not.equal(replaced.hash);
    const cp2 = await settled(x);
    expect(cp2.hash).to.equal(replaced2.hash);
    expect(x.s.indexer.status.reorgs).to.be.greaterThan(reorgs2);
    expect((await getJson(x.s.url, `/v1/assets/${laterHash}`)).status, "carol's orphaned application").to.equal(404);
    expect((await getOk(S.AssetResponse, x.s.url, `/v1/assets/${newHash}`)).id).to.equal(old.x.toString());
    await expectHistoryCanonical(x.s.url, [...old.txs, ...newTxs.slice(2)]);
    await expectEqualsCleanReindex(x);
  });

  it("a reorg deeper than DRL_REORG_WINDOW halts the indexer and leaves the store exactly as it was", async function () {
    const window = 4;
    const now = await node.timestamp();
    // Commitments before the branch point, revealed on the branches.
    const oldApps = await Promise.all([w.alice, w.bob, w.carol].map(async (who) => committed(who, applicationAt(now))));
    const newApps = [await committed(w.bob, applicationAt(now, { contentHash: h("deep-new-branch") })), await committed(w.carol, applicationAt(now))];
    const x = await serve(newDir(), { DRL_REORG_WINDOW: window });
    await settled(x);

    const snapshot = await node.snapshot();
    const fork = await head();
    for (const c of oldApps) await reveal(c);
    await node.mine(3);
    const before = await settled(x);
    expect(before.number).to.equal(fork.number + 6); // deeper than the window: fork < before - window
    expect((await x.s.store.keptBlocks()).length).to.be.at.most(window + 1);
    const dump = await x.s.store.canonicalDump();
    const assetsBefore = await getOk(S.AssetList, x.s.url, "/v1/assets?limit=200");

    expect(await node.revert(snapshot)).to.equal(true);
    for (const c of newApps) await reveal(c);
    await node.mine(8);

    const deadline = Date.now() + 10_000;
    while (x.s.indexer.status.state !== "halted" && Date.now() < deadline) await sleep(POLL_MS);
    const st = x.s.indexer.status;
    expect(st.state, `status ${JSON.stringify(st)}`).to.equal("halted");
    expect(st.lastError ?? "").to.match(/reorg/i);

    // A halted replica answers 503 so that a load balancer takes it out of rotation.
    const health = await getJson(x.s.url, "/v1/health");
    expect(health.status).to.equal(503);
    const hb = S.Health.parse(health.body);
    expect(hb.status).to.equal("halted");
    expect(hb.lastError ?? "").to.match(/reorg deeper than the kept window/);
    expect(hb.indexedBlock).to.equal(before.number);

    const id = assetsBefore.items[0]?.id ?? "1";
    for (const p of [
      "/v1/assets",
      `/v1/assets/${id}`,
      `/v1/assets/${id}/history`,
      `/v1/assets/${id}/lineage`,
      `/v1/assets/${id}/licenses`,
      `/v1/assets/${id}/holder?atBlock=1`,
      `/v1/assets/${id}/tradability?buyer=${w.bob.address}`,
      "/v1/licenses/1",
      `/v1/members/${w.alice.address}`,
      `/v1/members/${w.alice.address}/assets`,
      `/v1/members/${w.alice.address}/milestones`,
      `/v1/evidence/${h("evidence")}`,
    ]) {
      const r = await getJson(x.s.url, p);
      expect(r.status, `GET ${p}`).to.equal(503);
      const e = S.ErrorBody.parse(r.body);
      expect(e.error.code, `GET ${p}`).to.equal("index_halted");
      expect(e.error.message).to.match(/reorg/);
    }

    // Nothing was written, and nothing is written later either.
    await node.mine(2);
    await sleep(10 * POLL_MS);
    expect(x.s.indexer.status.state).to.equal("halted");
    expect(await x.s.store.checkpoint()).to.deep.equal(before);
    expect(await x.s.store.canonicalDump()).to.deep.equal(dump);
    await shut(x);
  });

  it("start-up check: a chain rewritten (same height) while the server was down is detected and rolled back", async function () {
    const reg = w.ledger.registry;
    const prep = await prepare();
    const dir = newDir();
    const first = await serve(dir);
    await settled(first);
    const snapshot = await node.snapshot();
    const fork = await head();
    const old = await oldBranch(prep);
    const oldHead = await settled(first);
    await expectOldBranch(first.s.url, prep, old);
    await shut(first);

    // Rewrite the four blocks under the stopped server: same height, different events.
    expect(await node.revert(snapshot)).to.equal(true);
    const newHash = String(prep.newApp.app.contentHash);
    await reveal(prep.newApp);
    await mined(reg.connect(w.alice).transferFrom(w.alice.address, w.carol.address, prep.a));
    await node.mine(2);
    const rewritten = await head();
    expect(rewritten.number).to.equal(oldHead.number);
    expect(rewritten.hash).to.not.equal(oldHead.hash);

    const second = await serve(dir);
    const cp = await settled(second);
    expect(cp.hash).to.equal(rewritten.hash);
    expect(second.logs.find((l) => l.startsWith("resuming after")) ?? "").to.include(`resuming after block ${oldHead.number}`);
    const reorgLine = second.logs.find((l) => l.startsWith("reorg: "));
    expect(reorgLine, second.logs.join("\n")).to.not.equal(undefined);
    expect(reorgLine).to.include(`block ${oldHead.number} was replaced`);
    expect(reorgLine).to.include(`common ancestor ${fork.number}`);
    expect(second.s.indexer.status.reorgs).to.equal(1);
    await expectNewBranch(second.s.url, prep, old, { x: { contentHash: newHash, applicant: w.bob.address }, holderOfA: w.carol.address, orphaned: old.txs });
    await expectEqualsCleanReindex(second);
  });

  it("start-up check: a chain now shorter than the checkpoint rolls back to the fork and ends equal to a clean reindex", async function () {
    const prep = await prepare();
    const dir = newDir();
    const first = await serve(dir);
    await settled(first);
    const snapshot = await node.snapshot();
    const fork = await head();
    const old = await oldBranch(prep);
    const oldHead = await settled(first);
    await shut(first);

    expect(await node.revert(snapshot)).to.equal(true);
    expect((await head()).number).to.be.lessThan(oldHead.number);

    const second = await serve(dir);
    const cp = await settled(second);
    expect(cp.number).to.equal(fork.number);
    expect(second.s.indexer.status.reorgs).to.equal(1);
    await expectNewBranch(second.s.url, prep, old, { x: null, holderOfA: w.alice.address, orphaned: old.txs });
    await expectEqualsCleanReindex(second);
  });

  it("a reorg that lands between an indexer step's eth_getLogs and its header reads is not missed", async function () {
    // The step reads the logs of the new blocks, then their headers. If the blocks are replaced
    // in between, the headers (and so the checkpoint) come from the new branch while the
    // events came from the old one; the next step's checkpoint check then sees nothing wrong.
    const gate = await startRpcGate(node.url);
    try {
      const now = await node.timestamp();
      const raceHash = lower(h("race-content"));
      const raceApp = await committed(w.carol, applicationAt(now, { contentHash: raceHash }));
      const x = await serve(newDir(), { DRL_RPC_URL: gate.url });
      const c = await settled(x);

      // An empty block: the step reads its (no) logs, then asks for its header, which is held.
      const held = gate.holdHeaderAbove(c.number);
      await node.mine(1);
      await held;
      // Meanwhile the empty block is replaced by one with an application in it.
      await node.rpc("anvil_reorg", [1, [[rawTx(w.carol, { reveal: raceApp }), 0]]]);
      expect(await succeededIn(c.number + 1, c.number + 1)).to.have.length(1);
      const replacing = await head();
      gate.release();

      // The indexer settles on the replacing block's hash (so no later check will look again)...
      const cp = await settled(x);
      expect(cp.hash).to.equal(replacing.hash);
      await sleep(10 * POLL_MS);
      expect(await x.s.store.checkpoint()).to.deep.equal(cp);
      // ...and must have applied that block's events.
      const r = await getJson(x.s.url, `/v1/assets/${raceHash}`);
      expect(r.status, `the application in the replacing block ${c.number + 1} is missing from the index: ${JSON.stringify(r.body)}`).to.equal(200);
      await expectEqualsCleanReindex(x);
    } finally {
      for (const s of open) await s.close();
      open.clear();
      await gate.close();
    }
  });
});
