/**
 * Reorgs the undo journals cannot undo must halt the indexer, never be absorbed; and an event
 * that breaks the handlers' invariants halts it the same way.
 *
 * Path A: the indexer fell more than the reorg window behind the head, so the blocks it then
 * indexed have no journal, and the kept blocks below them are no common ancestor to roll back
 * to (undoing the journals above one would leave those blocks' writes in place).
 * Path B: the chain forks below the checkpoint after the step's checkpoint check and before its
 * eth_getLogs: the logs and the new checkpoint then come from the new branch while the state
 * below is the old branch's, and no later checkpoint check would notice.
 *
 * Each case ends either equal to a clean reindex of the chain (canonical dump and digest) or
 * halted with the index exactly as it was.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ZeroAddress, keccak256, toBeHex, toQuantity, zeroPadValue } from "ethers";
import hre from "hardhat";
import { LEDGER_CONTRACTS } from "../scripts/lib/ledger";
import { loadDeployment } from "../server/deployment";
import type { DecodedEvent } from "../server/indexer/decode";
import { Dispatcher } from "../server/indexer/dispatch";
import { IndexInvariantError } from "../server/indexer/handlers";
import { INDEX_FORMAT, Indexer } from "../server/indexer/indexer";
import { RpcClient } from "../server/rpc/client";
import { K } from "../server/store/keys";
import { IndexStore, Overlay } from "../server/store/store";
import type { AnvilNode } from "./helpers/anvil";
import { mined, startAnvilWorld, type AnvilSigner, type AnvilWorld } from "./helpers/anvil-world";
import { describeDumpDifference } from "./helpers/compare";
import { h } from "./helpers/fixture";
import { nodeHead, serveIndex, settledAtHead, startRpcGate, waitUntil, type Served } from "./helpers/indexer";

describe("Indexer: a reorg the journals cannot undo halts; one they can ends equal to a clean reindex (Anvil)", function () {
  let root: string;
  let node: AnvilNode;
  let w: AnvilWorld;
  const open = new Set<Served>();
  let dirs = 0;

  before(async function () {
    this.timeout(300_000); // a shared, busy machine: deploying the ledger can take a while
    root = mkdtempSync(path.join(tmpdir(), "drl-deep-reorg-"));
    ({ node, w } = await startAnvilWorld(path.join(root, "deployment.json")));
  });
  afterEach(async function () {
    for (const x of open) await x.s.close();
    open.clear();
  });
  after(async function () {
    for (const x of open) await x.s.close();
    await node?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const newDir = () => path.join(root, `index-${++dirs}`);
  async function serve(dir: string, extra: Parameters<typeof serveIndex>[3] = {}): Promise<Served> {
    const x = await serveIndex(node.url, w.deploymentFile, dir, extra);
    open.add(x);
    return x;
  }
  async function shut(x: Served): Promise<void> {
    await x.s.close();
    open.delete(x);
  }
  const settled = (x: Served) => settledAtHead(node.url, x);

  /** An evidence anchor by `who`: one transaction, one block, one state record (ev:<root>:<anchorer>). */
  async function anchor(who: AnvilSigner, label: string): Promise<string> {
    const root = h(label);
    await mined(node, await w.ledger.evidence.connect(who).anchor(root, 1, h(`${label}-manifest`)));
    return root.toLowerCase();
  }
  const anchored = async (x: Served, root: string, who: AnvilSigner) => (await x.s.store.get(K.evidenceAnchor(root, who.address))) !== undefined;

  /** A fresh index of the node's chain as it is now. */
  async function cleanIndex(): Promise<{ dump: Awaited<ReturnType<IndexStore["canonicalDump"]>>; digest: string | undefined; number: number }> {
    const clean = await serve(newDir());
    try {
      const cp = await settled(clean);
      return { dump: await clean.s.store.canonicalDump(), digest: cp.digest, number: cp.number };
    } finally {
      await shut(clean);
    }
  }

  async function expectHaltedUntouched(x: Served, before: { cp: unknown; dump: unknown }, pattern: RegExp): Promise<void> {
    await waitUntil(
      () => x.s.indexer.status.state === "halted",
      () => `the indexer to halt (status ${JSON.stringify(x.s.indexer.status)}; log: ${x.logs.slice(-6).join(" | ")})`,
    );
    const st = x.s.indexer.status;
    expect(st.lastError ?? "").to.match(/reorg deeper than the kept window/);
    expect(st.lastError ?? "").to.match(pattern);
    expect(x.logs.join("\n"), "no rollback may be reported").to.not.match(/rolled back/);
    // Nothing was written, and nothing is written later either.
    await node.mine(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(x.s.indexer.status.state).to.equal("halted");
    expect(await x.s.store.checkpoint()).to.deep.equal(before.cp);
    expect(await x.s.store.canonicalDump()).to.deep.equal(before.dump);
  }

  /**
   * A window of 4; the index is left at `fork + 3` after blocks fork+1..fork+3 were indexed
   * while the head was 12 blocks above the fork (so they have no journal), with blocks up to
   * `fork` kept from an earlier run. Returns the server, still running, with its step after
   * fork+3 held at eth_getLogs by the gate.
   */
  async function behindWithGap(window: number) {
    const dir = newDir();
    const first = await serve(dir, { DRL_REORG_WINDOW: window });
    await anchor(w.alice, "gap-before-1");
    await anchor(w.bob, "gap-before-2");
    await settled(first);
    const snapshot = await node.snapshot();
    const fork = await nodeHead(node.url);
    await shut(first);
    // The old branch: twelve blocks above the fork, with anchors in the first two.
    const oldRoots = [await anchor(w.alice, "gap-old-1"), await anchor(w.carol, "gap-old-2")];
    await node.mine(10);
    const gate = await startRpcGate(node.url);
    const held = gate.holdLogsFrom(fork.number + 4);
    const x = await serve(dir, { DRL_RPC_URL: gate.url, DRL_REORG_WINDOW: window, DRL_MAX_BLOCK_RANGE: 1 });
    await held;
    await waitUntil(async () => (await x.s.store.checkpoint())?.number === fork.number + 3, "block fork+3 to be committed");
    const kept = (await x.s.store.keptBlocks()).map(([n]) => n);
    expect(kept, "kept blocks from the first run").to.include(fork.number);
    expect(kept, "blocks indexed more than a window behind keep no journal").to.not.include(fork.number + 1);
    expect(await anchored(x, oldRoots[0] ?? "", w.alice)).to.equal(true);
    return { x, gate, snapshot, fork, dir, before: { cp: await x.s.store.checkpoint(), dump: await x.s.store.canonicalDump() } };
  }

  it("halts on an index an older indexer wrote (another format), with the index untouched", async function () {
    const dir = newDir();
    const first = await serve(dir);
    await settled(first);
    await shut(first);
    // An index from before the text-search and flag indexes: its identity names no format.
    const old = await IndexStore.open(dir);
    const identity = (await old.get<Record<string, unknown>>(K.identity)) ?? {};
    delete identity.format;
    await old.db.put(K.identity, JSON.stringify(identity));
    const before = { cp: await old.checkpoint(), dump: await old.canonicalDump() };
    await old.close();
    const x = await serve(dir);
    await waitUntil(() => x.s.indexer.status.state === "halted", "the indexer to halt");
    expect(x.s.indexer.status.lastError).to.equal(
      `the index directory was written by an older indexer (format 1, this one writes ${INDEX_FORMAT}); delete it (or point DRL_INDEX_DIR elsewhere) to reindex`,
    );
    await node.mine(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await x.s.store.checkpoint()).to.deep.equal(before.cp);
    expect(await x.s.store.canonicalDump()).to.deep.equal(before.dump);
  });

  it("Path A: a fork at the last kept block, under blocks indexed a window behind, halts at the start-up check with the index untouched", async function () {
    const { x, gate, snapshot, dir, before } = await behindWithGap(4);
    try {
      await shut(x); // stopped at fork+3 while its next step waited for logs
    } finally {
      await gate.close();
    }
    // Blocks fork+1.. are replaced: the newest kept block (fork) is still on the chain, but the
    // three blocks above it cannot be undone. Before the fix this "rolled back 0 block(s)".
    expect(await node.revert(snapshot)).to.equal(true);
    await anchor(w.bob, "gap-new-1");
    await node.mine(14);
    const y = await serve(dir, { DRL_REORG_WINDOW: 4 });
    await expectHaltedUntouched(y, before, /no undo journal/);
  });

  it("Path B: a fork below the checkpoint while a step waits for its logs, under blocks with no journal, halts with the index untouched", async function () {
    const { x, gate, snapshot, before } = await behindWithGap(4);
    try {
      expect(await node.revert(snapshot)).to.equal(true);
      await anchor(w.bob, "gap-new-2");
      await node.mine(14);
      gate.release(); // the held eth_getLogs now reads the new branch
      await expectHaltedUntouched(x, before, /no undo journal/);
    } finally {
      await gate.close();
    }
  });

  it("Path B: a fork inside the journalled blocks while a step far behind waits for its logs is rolled back and ends equal to a clean reindex", async function () {
    const window = 6;
    const dir = newDir();
    const first = await serve(dir, { DRL_REORG_WINDOW: window });
    await anchor(w.alice, "b-before");
    await settled(first);
    const snapshot = await node.snapshot();
    const fork = await nodeHead(node.url);
    // The old branch's two blocks are indexed and journalled (the indexer follows the head).
    const oldRoots = [await anchor(w.alice, "b-old-1"), await anchor(w.carol, "b-old-2")];
    const cp = await settled(first);
    expect(cp.number).to.equal(fork.number + 2);
    await shut(first);
    // Then it falls behind: its next range starts more than a window below the head.
    await node.mine(10);
    const gate = await startRpcGate(node.url);
    try {
      const held = gate.holdLogsFrom(cp.number + 1);
      const x = await serve(dir, { DRL_RPC_URL: gate.url, DRL_REORG_WINDOW: window, DRL_MAX_BLOCK_RANGE: 1 });
      await held; // the checkpoint check passed; the step waits for the logs of cp+1
      expect(await anchored(x, oldRoots[1] ?? "", w.carol)).to.equal(true);
      expect(await node.revert(snapshot)).to.equal(true);
      const newRoot = await anchor(w.bob, "b-new");
      await node.mine(14);
      gate.release();
      await settledAtHead(node.url, x);
      expect(x.s.indexer.status.reorgs).to.equal(1);
      expect(x.logs.some((l) => l.includes(`rolled back 2 block(s) to the common ancestor ${fork.number}`)), x.logs.join("\n")).to.equal(true);
      for (const [r, who] of [[oldRoots[0], w.alice], [oldRoots[1], w.carol]] as const) expect(await anchored(x, r ?? "", who), "an anchor of the replaced branch").to.equal(false);
      expect(await anchored(x, newRoot, w.bob), "the new branch's anchor").to.equal(true);

      const followed = await x.s.store.canonicalDump();
      const xcp = await x.s.store.checkpoint();
      const clean = await cleanIndex();
      expect(xcp?.number).to.equal(clean.number);
      expect(followed.sha256, describeDumpDifference(clean.dump, followed)).to.equal(clean.dump.sha256);
      expect(xcp?.digest, "the state digest").to.equal(clean.digest);
    } finally {
      await gate.close();
    }
  });
});

// ─── Broken invariants ────────────────────────────────────────────────────────────────────

const where = { block: 7, blockHash: `0x${"aa".repeat(32)}`, tx: `0x${"bb".repeat(32)}`, logIndex: 0 };
const addr = (b: string) => `0x${b.repeat(20)}`;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("Indexer: an event that breaks the handlers' invariants halts the indexer", function () {
  let dir: string;
  let store: IndexStore;
  beforeEach(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "drl-invariant-"));
    store = await IndexStore.open(path.join(dir, "index"));
  });
  afterEach(async function () {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function dispatcher(): { d: Dispatcher; o: Overlay } {
    const o = new Overlay(store);
    o.setBlock(7, true);
    return { d: new Dispatcher(o), o };
  }
  const ev = (contract: DecodedEvent["contract"], event: string, args: DecodedEvent["args"]): DecodedEvent => ({
    ...where,
    contract,
    address: "0x0000000000000000000000000000000000000009",
    event,
    args,
  });

  it("refuses a Transfer, a suspension, a rebinding, a ruling or an annulment about a record no event created", function () {
    const { d } = dispatcher();
    const transfer = thrown(() => d.apply(ev("registry", "Transfer", { from: ZeroAddress, to: addr("11"), tokenId: "999999" }), 1000));
    expect(transfer).to.be.instanceOf(IndexInvariantError);
    expect(String(transfer)).to.match(/999999/);

    const suspended = thrown(() => d.apply(ev("members", "MemberSuspended", { account: addr("12"), reasonHash: h("r"), registrar: addr("13") }), 1000));
    expect(suspended).to.be.instanceOf(IndexInvariantError);
    expect(suspended).to.include({ event: "members.MemberSuspended", field: "account" });
    expect(String(suspended)).to.match(/no earlier event created/);

    const rebound = thrown(() =>
      d.apply(ev("members", "MemberRebound", { orgIdHash: h("o"), oldAccount: addr("14"), newAccount: addr("15"), reasonHash: h("r"), registrar: addr("13") }), 1000),
    );
    expect(rebound).to.include({ event: "members.MemberRebound", field: "oldAccount" });

    const ruled = thrown(() =>
      d.apply(ev("disputes", "ObjectionRuled", { objectionId: "5", assetId: "1", ruling: 0, decisionHash: h("d"), adjudicator: addr("16"), claimant: addr("17") }), 1000),
    );
    expect(ruled).to.include({ event: "disputes.ObjectionRuled", field: "objectionId" });

    const annulled = thrown(() =>
      d.apply(ev("milestones", "MilestoneAnnulled", { assetId: "1", kind: 0, enterprise: addr("18"), reasonHash: h("r"), registrar: addr("13") }), 1000),
    );
    expect(annulled).to.include({ event: "milestones.MilestoneAnnulled", field: "kind" });
  });

  it("refuses an id the ABI decoding turned into \"\" (a renamed field)", function () {
    const { d, o } = dispatcher();
    const e = thrown(() => d.apply(ev("registry", "Transfer", { from: ZeroAddress, to: addr("11"), tokenId: "" }), 1000));
    expect(e).to.include({ event: "registry.Transfer", field: "tokenId" });
    expect(o.ops()).to.deep.equal([]);
  });

  /** Runs an indexer against a node that serves two empty blocks after the deploy block and then one with `log`; returns once it halts. */
  async function haltOn(craft: (registry: { address: string; topic: (event: string) => string }) => { topics: string[]; data: string }): Promise<{ lastError: string; logs: string[] }> {
    // A node that serves two empty blocks after the deploy block, then one with the crafted log.
    const deploymentFile = path.join(dir, "deployment.json");
    const deployBlock = 10;
    const addresses: Record<string, string> = {};
    const abis: Record<string, unknown[]> = {};
    let i = 1;
    for (const [key, name] of Object.entries(LEDGER_CONTRACTS)) {
      addresses[key] = `0x${(i++).toString(16).padStart(40, "0")}`;
      abis[key] = (await hre.artifacts.readArtifact(name)).abi as unknown[];
    }
    writeFileSync(deploymentFile, JSON.stringify({ network: "unit", chainId: 31337, deployBlock, addresses, abis }));
    const deployment = await loadDeployment(deploymentFile);
    const registry = deployment.interfaces.registry;
    const topic = (event: string) => {
      const e = registry.getEvent(event);
      if (!e) throw new Error(`no ${event} in the registry's ABI`);
      return e.topicHash;
    };
    const head = deployBlock + 2;
    const hashOf = (n: number) => keccak256(toBeHex(n, 32));
    const header = (n: number) => ({ number: toQuantity(n), hash: hashOf(n), parentHash: hashOf(n - 1), timestamp: toQuantity(1_700_000_000 + n) });
    const crafted = {
      address: addresses.registry,
      ...craft({ address: addresses.registry ?? "", topic }),
      blockNumber: toQuantity(head),
      blockHash: hashOf(head),
      transactionHash: `0x${"cd".repeat(32)}`,
      logIndex: "0x0",
      removed: false,
    };
    type Call = { id: number; method: string; params: unknown[] };
    const answer = (c: Call): unknown => {
      switch (c.method) {
        case "eth_chainId":
          return toQuantity(31337);
        case "eth_blockNumber":
          return toQuantity(head);
        case "eth_getBlockByNumber":
          return header(Number(c.params[0]));
        case "eth_getLogs": {
          const f = c.params[0] as { fromBlock: string; toBlock: string };
          return Number(f.fromBlock) <= head && head <= Number(f.toBlock) ? [crafted] : [];
        }
        default:
          throw new Error(`unexpected ${c.method}`);
      }
    };
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Call | Call[];
        const one = (c: Call) => ({ jsonrpc: "2.0", id: c.id, result: answer(c) });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(Array.isArray(body) ? body.map(one) : one(body)));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const rpc = new RpcClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 2_000 });
    const logs: string[] = [];
    const indexer = new Indexer({ rpc, store, deployment, pollMs: 10, log: (m) => logs.push(m) });
    try {
      await indexer.start();
      await waitUntil(() => indexer.status.state === "halted", () => `a halt (status ${JSON.stringify(indexer.status)})`, 10_000);
      const cp = await store.checkpoint();
      expect(cp?.number ?? deployBlock - 1, "the crafted block is not committed").to.be.lessThan(head);
      expect(await store.keys("ah:")).to.deep.equal([]);
      expect(await store.keys("hold:")).to.deep.equal([]);
      expect(await store.keys("sys:")).to.deep.equal([]);
      return { lastError: indexer.status.lastError ?? "", logs };
    } finally {
      await indexer.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  it("halts a running indexer at a crafted Transfer of an id never created, naming it, with nothing of its block written", async function () {
    const { lastError, logs } = await haltOn(({ topic }) => ({
      topics: [topic("Transfer"), zeroPadValue(ZeroAddress, 32), zeroPadValue(addr("11"), 32), toBeHex(999_999, 32)],
      data: "0x",
    }));
    expect(lastError).to.match(/invariant/);
    expect(lastError).to.match(/999999/);
    expect(logs.some((l) => l.startsWith("HALTED:"))).to.equal(true);
  });

  it("halts at a log of a ledger contract whose event the deployment's ABI does not declare, instead of skipping it", async function () {
    const teleported = keccak256(Buffer.from("AssetTeleported(uint256)"));
    const { lastError } = await haltOn(() => ({ topics: [teleported, toBeHex(1, 32)], data: "0x" }));
    expect(lastError).to.match(/invariant/);
    expect(lastError).to.include(`topic ${teleported}`);
    expect(lastError).to.include("registry: log 0 of block 12");
  });
});
