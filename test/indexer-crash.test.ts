/**
 * Crash safety of the indexer: a backfill that is SIGKILLed at many random moments (right
 * after a commit, mid-fetch, mid-apply, during start-up) and restarted each time must end in
 * exactly the state of one clean, uninterrupted reindex.
 *
 * The kill plan comes from a seeded PRNG; the seed is printed, and DRL_CRASH_SEED=<seed>
 * replays the same plan (the instants still depend on the machine's speed).
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ServerConfigSchema } from "../server/config";
import { INDEXED_CONTRACTS } from "../server/deployment";
import { startServer } from "../server/server";
import { IndexStore } from "../server/store/store";
import type { AnvilNode } from "./helpers/anvil";
import { generateLoad, runScenario, startAnvilWorld, type AnvilWorld } from "./helpers/anvil-world";
import { describeDumpDifference, prng, seedFromEnv, type Dump } from "./helpers/compare";

const ROOT = path.resolve(__dirname, "..");
const MIN_EVENTS = 5_000;
const KILLS = 12;
/** Backfill in small steps, so that it takes many commits. */
const CRASH_MAX_RANGE = 5;
const CRASH_TARGET_LOGS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface RawLogCount {
  address: string;
}

/**
 * Ledger events on the chain: every log of the indexed ledger contracts (all but the
 * AccessManager, which the indexer does not follow) from the deploy block to `head`.
 */
async function countLedgerEvents(node: AnvilNode, w: AnvilWorld, head: number): Promise<number> {
  const addresses = INDEXED_CONTRACTS.map((k) => w.addresses[k]);
  let total = 0;
  for (let from = w.deployBlock; from <= head; from += 1_000) {
    const to = Math.min(head, from + 999);
    const logs = await node.rpc<RawLogCount[]>("eth_getLogs", [{ fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}`, address: addresses }]);
    total += logs.length;
  }
  return total;
}

async function dumpOf(dir: string): Promise<Dump & { checkpoint: number | null }> {
  const store = await IndexStore.open(dir);
  try {
    const dump = await store.canonicalDump();
    const cp = await store.checkpoint();
    return { ...dump, checkpoint: cp?.number ?? null };
  } finally {
    await store.close();
  }
}

async function storeCheckpoint(dir: string): Promise<number | null> {
  const store = await IndexStore.open(dir);
  try {
    return (await store.checkpoint())?.number ?? null;
  } finally {
    await store.close();
  }
}

/** A readable account of how two dumps differ: the first differing position and lines missing on either side. */

// ─── The indexer as a child process ─────────────────────────────────────────────────────

type KillMode = "commit" | "commit+delay" | "start+delay" | "spawn+delay";

interface KillPlan {
  mode: KillMode;
  /** For the commit modes: kill at (or after) the n-th commit of this run. */
  commits: number;
  /** ms after the anchor (0 for "commit"). */
  delay: number;
}

interface KillRecord extends KillPlan {
  run: number;
  /** Commits this run printed before the kill. */
  commitsSeen: number;
  /** The last `checkpoint` line seen (in any run) before the kill; null if none yet. */
  lastLine: number | null;
  /** The checkpoint found in the store after the process died. */
  stored: number | null;
  /** ms from the last commit line (or from the anchor) to the kill. */
  sinceLastCommit: number | null;
  msFromSpawn: number;
  /** The checkpoint was below the head when the process died. */
  midBackfill: boolean;
}

class IndexerChild {
  readonly child: ChildProcess;
  readonly spawnedAt = Date.now();
  startedAt: number | null = null;
  commits: { block: number; events: number; at: number }[] = [];
  output = "";
  private lineBuf = "";
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: NodeJS.ProcessEnv, onCommitLine: (block: number, child: IndexerChild) => void) {
    this.child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join("server", "main.ts")], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.lineBuf += chunk.toString("utf8");
      let nl: number;
      while ((nl = this.lineBuf.indexOf("\n")) >= 0) {
        const line = this.lineBuf.slice(0, nl);
        this.lineBuf = this.lineBuf.slice(nl + 1);
        this.line(line, onCommitLine);
      }
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-8_000);
    });
  }

  private line(line: string, onCommitLine: (block: number, child: IndexerChild) => void): void {
    this.output = (this.output + line + "\n").slice(-8_000);
    const m = /^checkpoint (\d+) events (\d+)$/.exec(line);
    if (m) {
      const block = Number(m[1]);
      this.commits.push({ block, events: Number(m[2]), at: Date.now() });
      onCommitLine(block, this);
    } else if (/^\[indexer\] (resuming after block|indexing from the deploy block)/.test(line)) {
      this.startedAt = Date.now();
    }
    for (const l of [...this.listeners]) l();
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when `cond` holds (checked on every output line and every 20 ms); rejects if the child dies first or on timeout. */
  async until(cond: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (!this.alive) throw new Error(`the indexer exited (${String(this.child.exitCode)}/${String(this.child.signalCode)}) while waiting for ${what}; output:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.listeners.delete(done);
          resolve();
        };
        const t = setTimeout(done, 20);
        this.listeners.add(done);
      });
    }
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.alive) this.child.kill(signal);
  }
}

function childEnv(rpcUrl: string, deployment: string, dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("DRL_")) env[k] = v;
  return {
    ...env,
    DRL_NO_API: "1",
    DRL_LOG_COMMITS: "1",
    DRL_RPC_URL: rpcUrl,
    DRL_DEPLOYMENT: deployment,
    DRL_INDEX_DIR: dir,
    DRL_MAX_BLOCK_RANGE: String(CRASH_MAX_RANGE),
    DRL_TARGET_LOGS: String(CRASH_TARGET_LOGS),
    DRL_CONFIRMATIONS: "0",
    DRL_POLL_MS: "20",
    DRL_RPC_TIMEOUT_MS: "10000",
  };
}

/** A shuffled plan with every mode represented, so that kills land at every kind of moment. */
function killPlan(random: () => number, kills: number): KillPlan[] {
  const modes: KillMode[] = [];
  const quota: [KillMode, number][] = [
    ["commit", 0.25],
    ["commit+delay", 0.45],
    ["start+delay", 0.2],
    ["spawn+delay", 0.1],
  ];
  for (const [mode, share] of quota) for (let i = 0; i < Math.max(1, Math.round(kills * share)); i++) modes.push(mode);
  while (modes.length < kills) modes.push("commit+delay");
  modes.length = Math.max(kills, 4);
  for (let i = modes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = modes[i];
    const b = modes[j];
    if (a === undefined || b === undefined) throw new Error("shuffle");
    modes[i] = b;
    modes[j] = a;
  }
  return modes.map((mode) => ({
    mode,
    commits: 1 + Math.floor(random() * 3),
    delay: mode === "commit" ? 0 : Math.floor(random() * 301),
  }));
}

describe("Indexer crash safety (Anvil, SIGKILL mid-backfill)", function () {
  this.timeout(600_000);

  let node: AnvilNode;
  let w: AnvilWorld;
  let work: string;
  let head: number;
  let events: number;
  let reference: Dump;
  let referenceApplied: number;
  const children: IndexerChild[] = [];

  before(async function () {
    const t0 = Date.now();
    work = mkdtempSync(path.join(tmpdir(), "drl-crash-"));
    ({ node, w } = await startAnvilWorld(path.join(work, "anvil-test.json")));
    const scenario = await runScenario(w);
    // 50 applications per transaction, one transaction per block: ~100 blocks of 50 events.
    const load = await generateLoad(w, { assets: 5_000, batchSize: 50, perBlock: 1 });
    head = await node.provider.getBlockNumber();
    events = await countLedgerEvents(node, w, head);
    console.log(
      `      chain: head ${head}, ${events} ledger events (scenario ${scenario.events.total}, load ${load.events} in blocks ${load.fromBlock}..${load.toBlock}); set up in ${Date.now() - t0} ms`,
    );

    // The reference: one clean, uninterrupted reindex with the default ranges, in-process.
    const t1 = Date.now();
    const refDir = path.join(work, "reference");
    const server = await startServer(
      ServerConfigSchema.parse({
        DRL_RPC_URL: node.url,
        DRL_DEPLOYMENT: w.deploymentFile,
        DRL_INDEX_DIR: refDir,
        DRL_API_PORT: "0",
        DRL_POLL_MS: "20",
      }),
      { serve: false, log: () => {} },
    );
    try {
      await server.indexer.waitForBlock(head, 120_000);
      referenceApplied = server.indexer.status.eventsApplied;
    } finally {
      await server.close();
    }
    reference = await dumpOf(refDir);
    console.log(`      reference reindex: ${reference.entries} entries, sha256 ${reference.sha256.slice(0, 16)}…, ${referenceApplied} events applied, ${Date.now() - t1} ms`);
  });

  after(async function () {
    for (const c of children) c.kill();
    await Promise.all(children.map((c) => c.exited));
    await node?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(`holds at least ${MIN_EVENTS.toLocaleString("en")} ledger events of every kind, all applied by a clean reindex`, function () {
    expect(events).to.be.at.least(MIN_EVENTS);
    expect(referenceApplied, "events applied by the clean reindex vs. ledger logs on the chain").to.equal(events);
    expect(reference.entries).to.be.greaterThan(0);
  });

  it(`ends in the reference state after ${KILLS} SIGKILLs at random moments of the backfill`, async function () {
    const seed = seedFromEnv("DRL_CRASH_SEED");
    console.log(`      crash seed ${seed} (rerun with DRL_CRASH_SEED=${seed})`);
    const random = prng(seed);
    const plan = killPlan(random, KILLS);
    const dir = path.join(work, "crash");
    const env = childEnv(node.url, w.deploymentFile, dir);
    const t0 = Date.now();

    const seen: { lastLine: number | null } = { lastLine: null };
    const records: KillRecord[] = [];
    for (const [i, step] of plan.entries()) {
      let killedAt: number | null = null;
      const target = step.commits;
      // A plain "commit" kill is sent synchronously from the output handler, as soon as the line is read.
      const c = new IndexerChild(env, (block, ch) => {
        seen.lastLine = block;
        if (step.mode === "commit" && killedAt === null && c.commits.length >= target) {
          killedAt = Date.now();
          ch.kill();
        }
      });
      children.push(c);
      const caughtUp = () => seen.lastLine !== null && seen.lastLine >= head;
      switch (step.mode) {
        case "spawn+delay":
          await sleep(step.delay);
          break;
        case "start+delay":
          await c.until(() => c.startedAt !== null, "the indexer to start", 60_000);
          await sleep(step.delay);
          break;
        case "commit":
        case "commit+delay":
          await c.until(
            () => killedAt !== null || c.commits.length >= target || (caughtUp() && c.startedAt !== null),
            `commit #${target} of run ${i + 1}`,
            60_000,
          );
          if (step.mode === "commit+delay") await sleep(step.delay);
          break;
      }
      if (killedAt === null) {
        killedAt = Date.now();
        c.kill();
      }
      const exit = await c.exited;
      expect(exit.signal, `run ${i + 1} should die of SIGKILL, not exit on its own (code ${String(exit.code)}); output:\n${c.output}`).to.equal("SIGKILL");
      const lastCommit = c.commits.at(-1);
      const stored = await storeCheckpoint(dir);
      // Every commit the process reported before it died must have survived the kill.
      const reported = seen.lastLine;
      if (reported !== null) expect(stored, `store checkpoint after kill ${i + 1} (last reported ${reported})`).to.be.at.least(reported);
      records.push({
        ...step,
        run: i + 1,
        commitsSeen: c.commits.length,
        lastLine: reported,
        stored,
        sinceLastCommit: lastCommit ? killedAt - lastCommit.at : c.startedAt !== null ? killedAt - c.startedAt : null,
        msFromSpawn: killedAt - c.spawnedAt,
        midBackfill: stored === null || stored < head,
      });
      seen.lastLine = stored ?? reported;
    }

    // The last run goes to the head undisturbed and stops cleanly.
    const final = new IndexerChild(env, (block) => {
      seen.lastLine = block;
    });
    children.push(final);
    await final.until(() => final.startedAt !== null && seen.lastLine !== null && seen.lastLine >= head, "the final run to reach the head", 120_000);
    final.kill("SIGTERM");
    const finalExit = await final.exited;
    expect(finalExit.code, `the final run should stop cleanly on SIGTERM; output:\n${final.output}`).to.equal(0);

    console.log(`      ${records.length} kills (head ${head}); the final run made ${final.commits.length} commits; crash run took ${Date.now() - t0} ms`);
    console.log("        #  mode          n  delay  from-spawn  since-commit/start  commits  last-line  stored");
    for (const r of records) {
      console.log(
        `        ${String(r.run).padStart(2)} ${r.mode.padEnd(13)} ${String(r.commits).padStart(2)} ${String(r.delay).padStart(5)}ms ${String(r.msFromSpawn).padStart(8)}ms ${String(r.sinceLastCommit ?? "-").padStart(14)}ms ${String(r.commitsSeen).padStart(8)} ${String(r.lastLine ?? "-").padStart(10)} ${String(r.stored ?? "-").padStart(7)}${r.midBackfill ? "" : "  (at head)"}`,
      );
    }

    expect(records.length).to.be.at.least(8);
    const mid = records.filter((r) => r.midBackfill).length;
    expect(mid, "kills that landed while the checkpoint was below the head").to.be.at.least(Math.ceil(records.length / 2));
    // Some kills must have landed between commits of a run that had already committed (mid-batch).
    const betweenCommits = records.filter((r) => r.midBackfill && r.mode !== "commit" && r.commitsSeen > 0 && (r.sinceLastCommit ?? 0) > 0).length;
    expect(betweenCommits, "kills between two commits of a running backfill").to.be.at.least(1);

    const crash = await dumpOf(dir);
    expect(crash.checkpoint).to.equal(head);
    if (crash.sha256 !== reference.sha256 || crash.entries !== reference.entries) {
      expect.fail(`the crash run's state differs from the clean reindex (seed ${seed}):\n${describeDumpDifference(reference, crash)}`);
    }
    expect(crash.entries).to.equal(reference.entries);
    expect(crash.sha256).to.equal(reference.sha256);
  });
});
