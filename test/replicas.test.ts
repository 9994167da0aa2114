/**
 * Many replicas: the index is a deterministic function of the chain, so independent indexers
 * (each with its own LevelDB) at the same block hold the same state and report the same state
 * digest, however their block ranges were cut, whether they followed the chain live or
 * backfilled it later, and across a reorg within the window.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { STATE_DIGEST_GENESIS } from "../server/store/store";
import { K } from "../server/store/keys";
import type { AnvilNode } from "./helpers/anvil";
import { generateLoad, mined, runScenario, startAnvilWorld, type AnvilSigner, type AnvilWorld } from "./helpers/anvil-world";
import { describeDumpDifference } from "./helpers/compare";
import { h } from "./helpers/fixture";
import { nodeHead, serveIndex, settledAtHead, type Served } from "./helpers/indexer";

describe("Replicas: independent indexers on one chain reach the same block with the same state digest (Anvil)", function () {
  let root: string;
  let node: AnvilNode;
  let w: AnvilWorld;
  const open = new Set<Served>();
  let dirs = 0;

  before(async function () {
    this.timeout(300_000); // a shared, busy machine: deploying the ledger can take a while
    root = mkdtempSync(path.join(tmpdir(), "drl-replicas-"));
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

  async function replica(extra: Parameters<typeof serveIndex>[3] = {}): Promise<Served> {
    const x = await serveIndex(node.url, w.deploymentFile, path.join(root, `replica-${++dirs}`), extra);
    open.add(x);
    return x;
  }
  const settled = (x: Served) => settledAtHead(node.url, x, 60_000);

  async function anchor(who: AnvilSigner, label: string): Promise<string> {
    const r = h(label);
    await mined(node, await w.ledger.evidence.connect(who).anchor(r, 1, h(`${label}-manifest`)));
    return r.toLowerCase();
  }

  /** All replicas at the node's head: the same checkpoint (digest included), the same canonical dump, and the digest in their status. */
  async function expectAgree(replicas: Served[]): Promise<string> {
    const cps = await Promise.all(replicas.map((x) => settled(x)));
    const first = replicas[0];
    const cp = cps[0];
    if (!first || !cp) throw new Error("no replicas");
    expect(cp.digest, "a digest").to.match(/^[0-9a-f]{64}$/);
    const reference = await first.s.store.canonicalDump();
    for (const [i, x] of replicas.entries()) {
      expect(cps[i], `replica ${i}'s checkpoint`).to.deep.equal(cp);
      expect(x.s.indexer.status.digest, `replica ${i}'s status digest`).to.equal(cp.digest);
      const dump = await x.s.store.canonicalDump();
      expect(dump.sha256, `replica ${i}: ${describeDumpDifference(reference, dump)}`).to.equal(reference.sha256);
    }
    return cp.digest ?? "";
  }

  it("three replicas with differently cut ranges, started before, during and after the activity, agree block for block", async function () {
    this.timeout(180_000);
    // One follows from the start with large ranges, one with ranges of at most 3 blocks and a
    // small log target (so busy blocks are committed alone).
    const live = await replica();
    const small = await replica({ DRL_MAX_BLOCK_RANGE: 3, DRL_TARGET_LOGS: 10 });
    await runScenario(w);
    // The third backfills everything after the activity.
    const late = await replica({ DRL_MAX_BLOCK_RANGE: 50 });
    const digest = await expectAgree([live, small, late]);
    expect(digest).to.not.equal(STATE_DIGEST_GENESIS);

    // More activity, followed live by all three: they agree again, on a new digest.
    await generateLoad(w, { assets: 30, register: 5, batchSize: 10 });
    const next = await expectAgree([live, small, late]);
    expect(next).to.not.equal(digest);

    // A block with no ledger events leaves the digest where it was.
    await node.mine(3);
    expect(await expectAgree([live, small, late])).to.equal(next);
  });

  it("replicas that followed a reorg within the window have the digest of a clean reindex of the new branch", async function () {
    this.timeout(120_000);
    const a = await replica();
    const b = await replica({ DRL_MAX_BLOCK_RANGE: 2 });
    await anchor(w.alice, "rep-before");
    await expectAgree([a, b]);
    const snapshot = await node.snapshot();
    const fork = await nodeHead(node.url);

    const oldRoot = await anchor(w.alice, "rep-old-1");
    await anchor(w.bob, "rep-old-2");
    const oldDigest = await expectAgree([a, b]);

    expect(await node.revert(snapshot)).to.equal(true);
    const newRoot = await anchor(w.carol, "rep-new-1");
    await node.mine(3);
    const head = await nodeHead(node.url);
    expect(head.number).to.be.greaterThan(fork.number + 2);
    const newDigest = await expectAgree([a, b]);
    for (const x of [a, b]) expect(x.s.indexer.status.reorgs, "each replica rolled back").to.be.greaterThan(0);
    expect(newDigest).to.not.equal(oldDigest);
    for (const x of [a, b]) {
      expect(await x.s.store.get(K.evidenceAnchor(oldRoot, w.alice.address)), "the replaced branch's anchor").to.equal(undefined);
      expect(await x.s.store.get(K.evidenceAnchor(newRoot, w.carol.address)), "the new branch's anchor").to.not.equal(undefined);
    }

    // A replica started now backfills the new branch only: same digest.
    const clean = await replica();
    expect(await expectAgree([a, b, clean])).to.equal(newDigest);
  });
});
