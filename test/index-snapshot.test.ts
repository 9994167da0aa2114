/**
 * A new replica starts from a snapshot of another's index instead of a backfill from the
 * deploy block: `npm run index:snapshot` (scripts/index-snapshot.ts) or IndexStore.copyTo
 * writes one commit's state to a new directory; a replica started on it checks that the
 * snapshot's block is on its chain, resumes after it, and reaches the digest of a replica that
 * backfilled from zero. A snapshot of a branch since replaced halts the replica.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { IndexStore, SNAPSHOT_MARKER_KEY } from "../server/store/store";
import type { AnvilNode } from "./helpers/anvil";
import { generateLoad, mined, startAnvilWorld, type AnvilSigner, type AnvilWorld } from "./helpers/anvil-world";
import { describeDumpDifference } from "./helpers/compare";
import { h } from "./helpers/fixture";
import { serveIndex, settledAtHead, waitUntil, type Served } from "./helpers/indexer";

const ROOT = path.resolve(__dirname, "..");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the script as `npm run index:snapshot` does (ts-node, here without type checking for speed). */
function snapshotScript(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", "index-snapshot.ts"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DRL_INDEX_DIR: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("Index snapshots: a replica restored from one resumes and reaches the digest of a backfill (Anvil)", function () {
  let root: string;
  let node: AnvilNode;
  let w: AnvilWorld;
  const open = new Set<Served>();
  let dirs = 0;

  before(async function () {
    this.timeout(300_000); // a shared, busy machine: deploying the ledger can take a while
    root = mkdtempSync(path.join(tmpdir(), "drl-snapshot-"));
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

  const newDir = (name = "index") => path.join(root, `${name}-${++dirs}`);
  async function serve(dir: string): Promise<Served> {
    const x = await serveIndex(node.url, w.deploymentFile, dir);
    open.add(x);
    return x;
  }
  async function shut(x: Served): Promise<void> {
    await x.s.close();
    open.delete(x);
  }
  const settled = (x: Served) => settledAtHead(node.url, x, 60_000);
  async function anchor(who: AnvilSigner, label: string): Promise<void> {
    await mined(node, await w.ledger.evidence.connect(who).anchor(h(label), 1, h(`${label}-manifest`)));
  }

  it("copies a running index while commits land; the restored replica checks its block, resumes after it and agrees with a backfill from zero", async function () {
    this.timeout(120_000);
    const source = await serve(newDir());
    await generateLoad(w, { assets: 20, register: 4, batchSize: 5 });
    await settled(source);

    // The copy is taken while the source keeps indexing new blocks.
    const out = newDir("copy");
    const [copied] = await Promise.all([source.s.store.copyTo(out), generateLoad(w, { assets: 10, batchSize: 5 })]);
    const at = copied.checkpoint;
    if (!at) throw new Error("the copy has no checkpoint");
    expect(at.digest).to.match(/^[0-9a-f]{64}$/);

    const restored = await serve(out);
    await waitUntil(() => restored.logs.some((l) => l.startsWith("resuming after")), () => `the restored replica to resume (log: ${restored.logs.join(" | ")})`);
    expect(restored.logs.find((l) => l.startsWith("restored from a snapshot"))).to.include(`taken at block ${at.number}`);
    expect(restored.logs.find((l) => l.startsWith("resuming after"))).to.include(`resuming after block ${at.number} (${at.hash})`);
    expect(restored.logs.some((l) => l.startsWith("indexing from the deploy block")), "no backfill from zero").to.equal(false);

    await anchor(w.alice, "after-the-snapshot");
    const backfill = await serve(newDir());
    const [a, b, c] = await Promise.all([settled(source), settled(restored), settled(backfill)]);
    expect(b).to.deep.equal(a);
    expect(c).to.deep.equal(a);
    const reference = await backfill.s.store.canonicalDump();
    for (const x of [source, restored]) {
      const dump = await x.s.store.canonicalDump();
      expect(dump.sha256, describeDumpDifference(reference, dump)).to.equal(reference.sha256);
    }
    // The check is made once: the marker is gone.
    expect(await restored.s.store.get(SNAPSHOT_MARKER_KEY)).to.equal(undefined);
  });

  it("halts a replica restored from a snapshot whose block the chain has since replaced, with a clear error and the copy unchanged", async function () {
    this.timeout(60_000);
    const chainSnapshot = await node.snapshot();
    const source = await serve(newDir());
    await anchor(w.bob, "replaced-1");
    await anchor(w.bob, "replaced-2");
    const cp = await settled(source);
    const out = newDir("copy");
    await source.s.store.copyTo(out);
    await shut(source);
    const copy = await IndexStore.open(out);
    const before = await copy.canonicalDump();
    await copy.close();

    // The chain goes back below the snapshot's block and grows another branch past it.
    expect(await node.revert(chainSnapshot)).to.equal(true);
    await anchor(w.carol, "other-branch");
    await node.mine(4);

    const restored = await serve(out);
    await waitUntil(() => restored.s.indexer.status.state === "halted", () => `a halt (status ${JSON.stringify(restored.s.indexer.status)})`);
    const err = restored.s.indexer.status.lastError ?? "";
    expect(err).to.include(`restored from a snapshot taken at block ${cp.number} (${cp.hash}`);
    expect(err).to.match(/another chain or of a branch since replaced/);
    expect(await restored.s.store.checkpoint()).to.deep.equal(cp);
    expect(await restored.s.store.canonicalDump()).to.deep.equal(before);
  });

  it("npm run index:snapshot: copies a stopped index, refuses one a server holds open, and says what is wrong with bad arguments (exit 2)", async function () {
    this.timeout(120_000);
    const dir = newDir();
    const source = await serve(dir);
    await anchor(w.alice, "script");
    const cp = await settled(source);

    const locked = await snapshotScript(["--index", dir, "--out", newDir("copy")]);
    expect(locked.code, locked.stderr).to.equal(1);
    expect(locked.stderr).to.match(/open in another process/);
    await shut(source);

    const out = newDir("copy");
    const ok = await snapshotScript(["--out", out], { DRL_INDEX_DIR: dir });
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.include(`at block ${cp.number} (${cp.hash}), state digest ${cp.digest ?? ""}`);
    const [orig, copy] = [await IndexStore.open(dir), await IndexStore.open(out)];
    try {
      expect((await copy.canonicalDump()).sha256).to.equal((await orig.canonicalDump()).sha256);
      expect(await copy.checkpoint()).to.deep.equal(cp);
    } finally {
      await orig.close();
      await copy.close();
    }

    const notEmpty = path.join(root, "not-empty");
    mkdirSync(notEmpty);
    writeFileSync(path.join(notEmpty, "x"), "x");
    const cases: [string[], RegExp][] = [
      [[], /--out is required/],
      [["--index", dir], /--out is required/],
      [["--out"], /--out needs a directory/],
      [["--out", "--index", dir], /--out needs a directory/],
      [["--out="], /--out needs a directory, not an empty string/],
      [["--bogus", "--out", "x"], /unknown option --bogus/],
      [["stray"], /unexpected argument "stray"/],
      [["--out", "a", "--out", "b"], /--out is given twice/],
      [["--index", dir, "--out", dir], /--out must not be the index itself/],
      [["--index", path.join(root, "no-such-index"), "--out", newDir("copy")], /--index: there is no index at/],
      [["--index", dir, "--out", notEmpty], /--out: .*is not empty/],
    ];
    for (const [args, message] of cases) {
      const r = await snapshotScript(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(r.stderr, args.join(" ")).to.match(message);
      expect(r.stderr, "a usage line, no stack trace").to.include("usage: npm run index:snapshot").and.not.match(/\n\s+at /);
    }
  });
});
