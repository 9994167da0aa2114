/**
 * The indexer against a misbehaving node: a fault proxy that answers 429 and 500, hangs,
 * truncates bodies, resets connections and caps eth_getLogs; and a node that goes away for a
 * while. The indexer must keep going (never halt), say what is wrong on /v1/health and
 * /metrics, and end in exactly the state of a clean reindex straight from the node.
 *
 * The proxy's faults come from a seeded PRNG; the seed is printed, and DRL_FAULT_SEED=<seed>
 * reruns it.
 */
import { expect } from "chai";
import http from "node:http";
import type { Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Health } from "../sdk/api/schemas";
import { ServerConfigSchema, type ServerConfig } from "../server/config";
import { INDEXED_CONTRACTS } from "../server/deployment";
import type { IndexerState } from "../server/indexer/indexer";
import { startServer, type RunningServer } from "../server/server";
import { IndexStore } from "../server/store/store";
import { freePort, type AnvilNode } from "./helpers/anvil";
import { generateLoad, runScenario, startAnvilWorld, type AnvilWorld } from "./helpers/anvil-world";
import { startFaultProxy, type FaultProxy } from "./helpers/fault-proxy";
import { describeDumpDifference, seedFromEnv, type Dump } from "./helpers/compare";

const LOG_CAP = 50;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function expectSameState(reference: Dump, actual: Dump, what: string): void {
  if (actual.sha256 !== reference.sha256 || actual.entries !== reference.entries) {
    expect.fail(`${what}: the index differs from a clean reindex:\n${describeDumpDifference(reference, actual)}`);
  }
  expect(actual.entries).to.equal(reference.entries);
  expect(actual.sha256).to.equal(reference.sha256);
}

async function dumpOf(dir: string): Promise<Dump> {
  const store = await IndexStore.open(dir);
  try {
    return await store.canonicalDump();
  } finally {
    await store.close();
  }
}

interface LogRef {
  blockNumber: string;
}

/** Ledger events (logs of the indexed contracts) per block, from the deploy block to `head`. */
async function logsPerBlock(node: AnvilNode, w: AnvilWorld, head: number): Promise<Map<number, number>> {
  const addresses = INDEXED_CONTRACTS.map((k) => w.addresses[k]);
  const out = new Map<number, number>();
  for (let from = w.deployBlock; from <= head; from += 1_000) {
    const to = Math.min(head, from + 999);
    const logs = await node.rpc<LogRef[]>("eth_getLogs", [{ fromBlock: `0x${from.toString(16)}`, toBlock: `0x${to.toString(16)}`, address: addresses }]);
    for (const l of logs) out.set(Number(l.blockNumber), (out.get(Number(l.blockNumber)) ?? 0) + 1);
  }
  return out;
}

/** A timed fetch; null when the server does not answer (refused, reset, timeout). */
async function get(url: string, timeoutMs = 2_000): Promise<{ status: number; text: string } | null> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const res = await fetch(url, { signal: ctl.signal });
    return { status: res.status, text: await res.text() };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

async function getHealth(apiUrl: string): Promise<Health | null> {
  const r = await get(`${apiUrl}/v1/health`);
  // 503 is an answer too: health takes a replica out of rotation while it lags the head by more
  // than DRL_MAX_LAG_BLOCKS (as during this backfill through a faulty node), with the same body.
  if (!r || (r.status !== 200 && r.status !== 503)) return null;
  return JSON.parse(r.text) as Health;
}

/** Watches a running server: the indexer's state and /v1/health, every ~25 ms, until stopped. */
class Watcher {
  readonly states = new Set<IndexerState>();
  readonly health: (Health | null)[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly server: RunningServer) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.states.add(this.server.indexer.status.state);
      if (this.server.url) this.health.push(await getHealth(this.server.url));
      this.states.add(this.server.indexer.status.state);
      await sleep(25);
    }
  }

  get troubled(): Health[] {
    return this.health.filter((h): h is Health => h !== null && (h.status === "degraded" || h.lastError !== null));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** Waits until the indexer has indexed `head`, watching that it never halts. */
async function caughtUp(server: RunningServer, head: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = server.indexer.status;
    if (s.state === "halted") throw new Error(`the indexer halted: ${s.lastError ?? "?"}`);
    if ((s.indexedBlock ?? -1) >= head) return;
    if (Date.now() > deadline) throw new Error(`block ${head} not indexed within ${timeoutMs} ms (at ${String(s.indexedBlock)}; state ${s.state}; ${s.lastError ?? "no error"})`);
    await sleep(50);
  }
}

/** A plain forwarder to the node on a port of our choosing, so that "the node" can go away and come back at the same address. */
interface Forwarder {
  readonly url: string;
  close(): Promise<void>;
}

async function startForwarder(target: string, port: number): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) })
        .then(async (up) => {
          const text = await up.text();
          res.writeHead(up.status, { "content-type": "application/json" }).end(text);
        })
        .catch(() => {
          res.writeHead(502, { "content-type": "text/plain" }).end("Bad Gateway");
        });
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  let closed: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}

describe("Indexer under RPC faults (Anvil + fault proxy)", function () {
  this.timeout(600_000);

  let node: AnvilNode;
  let w: AnvilWorld;
  let work: string;
  let dirs = 0;
  const cleanup: (() => Promise<void>)[] = [];

  const freshDir = () => path.join(work, `index-${++dirs}`);
  const config = (rpcUrl: string, dir: string, overrides: Partial<Record<keyof ServerConfig, string>> = {}): ServerConfig =>
    ServerConfigSchema.parse({
      DRL_RPC_URL: rpcUrl,
      DRL_DEPLOYMENT: w.deploymentFile,
      DRL_INDEX_DIR: dir,
      DRL_API_PORT: "0",
      DRL_POLL_MS: "20",
      ...overrides,
    });

  /** A clean reindex straight from the node (no proxy), up to the current head. */
  async function cleanReindex(): Promise<{ dump: Dump; head: number; applied: number }> {
    const head = await node.provider.getBlockNumber();
    const dir = freshDir();
    const server = await startServer(config(node.url, dir), { serve: false, log: () => {} });
    let applied: number;
    try {
      await caughtUp(server, head, 120_000);
      applied = server.indexer.status.eventsApplied;
    } finally {
      await server.close();
    }
    return { dump: await dumpOf(dir), head, applied };
  }

  before(async function () {
    const t0 = Date.now();
    work = mkdtempSync(path.join(tmpdir(), "drl-faults-"));
    ({ node, w } = await startAnvilWorld(path.join(work, "anvil-test.json")));
    await runScenario(w);
    // 20 applications per transaction, 2 transactions per block: 40 events a block, under the proxy's log cap.
    await generateLoad(w, { assets: 1_500, batchSize: 20, perBlock: 2 });
    const head = await node.provider.getBlockNumber();
    const perBlock = await logsPerBlock(node, w, head);
    const events = [...perBlock.values()].reduce((a, b) => a + b, 0);
    const busiest = Math.max(...perBlock.values());
    console.log(`      chain: head ${head}, ${events} ledger events, at most ${busiest} in a block; set up in ${Date.now() - t0} ms`);
    expect(events).to.be.within(1_000, 2_500);
    // A block with more logs than the cap could never be read through the proxy (ranges split down to one block).
    expect(busiest, "ledger events in the busiest block").to.be.at.most(LOG_CAP);
  });

  afterEach(async function () {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });

  after(async function () {
    await node?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("survives 429s, 500s, hangs, truncated bodies, resets and a log cap, reports them, and ends in the clean state", async function () {
    const reference = await cleanReindex();
    const seed = seedFromEnv("DRL_FAULT_SEED");
    console.log(`      fault seed ${seed} (rerun with DRL_FAULT_SEED=${seed})`);
    const proxy: FaultProxy = await startFaultProxy(node.url, {
      seed,
      rate429: 0.1,
      rate500: 0.1,
      rateHang: 0.06,
      rateTruncate: 0.1,
      rateReset: 0.1,
      logCap: LOG_CAP,
    });
    cleanup.push(() => proxy.close());

    const t0 = Date.now();
    const dir = freshDir();
    const logs: string[] = [];
    const server = await startServer(config(proxy.url, dir, { DRL_RPC_TIMEOUT_MS: "500" }), { log: (m) => logs.push(m) });
    cleanup.push(() => server.close());
    const watcher = new Watcher(server);
    cleanup.push(() => watcher.stop());
    try {
      await caughtUp(server, reference.head, 240_000);
    } finally {
      await watcher.stop();
    }
    const ms = Date.now() - t0;
    // Stop indexing (the API stays up) so that the fault counters hold still while they are compared.
    await server.indexer.stop();
    const st = server.indexer.status;
    const metrics = await get(`${server.adminUrl}/metrics`);
    const faultsMetric = /^drl_rpc_faults_total (\S+)$/m.exec(metrics?.text ?? "");
    const troubled = watcher.troubled;
    console.log(
      `      caught up through the proxy in ${ms} ms: ${JSON.stringify(proxy.stats)}; status.rpcFaults ${st.rpcFaults}; ` +
        `${watcher.health.length} health samples, ${troubled.length} degraded/with an error (e.g. ${JSON.stringify(troubled[0]?.lastError ?? null)}); ` +
        `${logs.filter((l) => l.startsWith("step failed")).length} failed steps, ${logs.filter((l) => l.startsWith("eth_getLogs refused")).length} range splits`,
    );
    for (const l of [...new Set(logs.filter((m) => m.startsWith("step failed")).map((m) => m.replace(/^step failed \(\d+\): /, "")))].slice(0, 5)) {
      console.log(`        step failure: ${l}`);
    }

    expect([...watcher.states], "indexer states seen during the run").to.not.include("halted");
    expect(st.state, "state after a clean stop").to.equal("stopped");
    expect(proxy.stats.status429, "429s injected").to.be.greaterThan(0);
    expect(proxy.stats.status500, "500s injected").to.be.greaterThan(0);
    expect(proxy.stats.hang, "hangs injected").to.be.greaterThan(0);
    expect(proxy.stats.truncate, "truncated bodies injected").to.be.greaterThan(0);
    expect(proxy.stats.reset, "resets injected").to.be.greaterThan(0);
    expect(proxy.stats.logCap, "eth_getLogs answers capped").to.be.greaterThan(0);
    expect(proxy.stats.upstreamErrors, "requests the node itself failed").to.equal(0);
    expect(st.rpcFaults, "status.rpcFaults").to.be.greaterThan(0);
    expect(metrics?.status).to.equal(200);
    expect(faultsMetric, "drl_rpc_faults_total in /metrics").to.not.equal(null);
    expect(Number(faultsMetric?.[1]), "drl_rpc_faults_total").to.be.greaterThan(0);
    expect(Number(faultsMetric?.[1]), "drl_rpc_faults_total vs. status.rpcFaults").to.equal(st.rpcFaults);
    expect(watcher.health.filter((h) => h === null).length, "health requests that got no answer").to.equal(0);
    expect(troubled.length, "health samples that were degraded or named an error").to.be.greaterThan(0);

    await server.close();
    expectSameState(reference.dump, await dumpOf(dir), "after the faulty run");
  });

  it("halves a range whose eth_getLogs answer passes DRL_MAX_ANSWER_MB, reading no more than that, and ends in the clean state", async function () {
    const reference = await cleanReindex();
    const dir = freshDir();
    const logs: string[] = [];
    // A target no answer reaches lets the range grow until an answer passes the 1 MB cap.
    const server = await startServer(config(node.url, dir, { DRL_MAX_ANSWER_MB: "1", DRL_TARGET_LOGS: "1000000" }), { serve: false, log: (m) => logs.push(m) });
    cleanup.push(() => server.close());
    await caughtUp(server, reference.head, 120_000);
    const splits = logs.filter((m) => m.includes("the answer is larger than 1048576 bytes"));
    expect(splits.length, `range splits for oversized answers (log: ${JSON.stringify(logs.slice(0, 5))})`).to.be.greaterThan(0);
    expect(server.indexer.status.eventsApplied).to.equal(reference.applied);
    await server.close();
    expectSameState(reference.dump, await dumpOf(dir), "after oversized answers");
  });

  it("rides out the node going away mid-run: the API keeps answering, health says degraded, and it catches up when the node returns", async function () {
    const port = await freePort();
    let forwarder = await startForwarder(node.url, port);
    cleanup.push(() => forwarder.close());
    const dir = freshDir();
    const logs: string[] = [];
    const server = await startServer(config(forwarder.url, dir, { DRL_RPC_TIMEOUT_MS: "500" }), { log: (m) => logs.push(m) });
    cleanup.push(() => server.close());
    const before = await node.provider.getBlockNumber();
    await caughtUp(server, before, 120_000);

    // The node goes away; the chain moves on meanwhile.
    await forwarder.close();
    const load = await generateLoad(w, { assets: 300, batchSize: 20, perBlock: 2 });
    const head = await node.provider.getBlockNumber();
    expect(head).to.be.greaterThan(before);
    const downSince = Date.now();
    const watcher = new Watcher(server);
    await sleep(3_000);
    await watcher.stop();
    const downFor = Date.now() - downSince;
    const assets = await get(`${server.url}/v1/assets?limit=1`);
    const health = await getHealth(server.url);
    const troubled = watcher.troubled;
    console.log(
      `      node down for ${downFor} ms (${load.events} new events in blocks ${load.fromBlock}..${load.toBlock}): ${watcher.health.length} health samples, ` +
        `${troubled.length} degraded; last: ${JSON.stringify({ status: health?.status, lastError: health?.lastError, indexedBlock: health?.indexedBlock, head: health?.head })}`,
    );
    expect([...watcher.states], "indexer states while the node was down").to.not.include("halted");
    expect(server.indexer.status.state).to.be.oneOf(["syncing", "following"]);
    expect(server.indexer.status.indexedBlock, "nothing can be indexed while the node is away").to.equal(before);
    expect(watcher.health.filter((h) => h === null).length, "health requests that got no answer while the node was down").to.equal(0);
    expect(health, "/v1/health while the node is down").to.not.equal(null);
    expect(health?.status).to.equal("degraded");
    expect(health?.lastError, "lastError while the node is down").to.be.a("string").and.match(/node/);
    expect(health?.indexedBlock).to.equal(before);
    expect(assets?.status, "the API still serves the index while the node is down").to.equal(200);

    // The node comes back at the same address.
    forwarder = await startForwarder(node.url, port);
    const back = Date.now();
    await caughtUp(server, head, 60_000);
    const catchUpMs = Date.now() - back;
    let after: Health | null = null;
    for (let i = 0; i < 100 && after?.status !== "ok"; i++) {
      after = await getHealth(server.url);
      if (after?.status !== "ok") await sleep(50);
    }
    console.log(`      node back: caught up to ${head} in ${catchUpMs} ms; health ${JSON.stringify({ status: after?.status, lastError: after?.lastError })}`);
    expect(after?.status, "health once caught up again").to.equal("ok");
    expect(after?.lastError).to.equal(null);

    await server.close();
    const reference = await cleanReindex();
    expect(reference.head).to.equal(head);
    expectSameState(reference.dump, await dumpOf(dir), "after the node outage");
  });

  it("started while the node is down: serves /v1/health (degraded) meanwhile, then indexes once the node appears", async function () {
    const rpcPort = await freePort(); // nothing listens here yet
    const apiPort = await freePort();
    const dir = freshDir();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const starting = startServer(config(`http://127.0.0.1:${rpcPort}`, dir, { DRL_RPC_TIMEOUT_MS: "500", DRL_API_PORT: String(apiPort) }), { log: () => {} });
    let server: RunningServer | null = null;
    let startError: unknown = null;
    void starting.then(
      (s) => {
        server = s;
      },
      (e: unknown) => {
        startError = e;
      },
    );
    let forwarder: Forwarder | null = null;
    cleanup.push(async () => {
      // startServer only settles once something answers on the RPC port.
      forwarder ??= await startForwarder(node.url, rpcPort);
      await starting.then((s) => s.close()).catch(() => undefined);
      await forwarder.close();
    });

    // A few seconds with no node at all.
    const samples: (Health | null)[] = [];
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      samples.push(await getHealth(apiUrl));
      await sleep(100);
    }
    const answered = samples.filter((h): h is Health => h !== null);
    const lastDown = answered.at(-1) ?? null;
    console.log(
      `      no node for 3 s: startServer ${server ? "resolved" : startError ? "failed" : "still pending"}; ${answered.length}/${samples.length} health requests answered; ` +
        `last: ${JSON.stringify(lastDown ? { status: lastDown.status, lastError: lastDown.lastError } : null)}`,
    );
    expect(startError, "startServer must not give up while the node is down").to.equal(null);

    // The node appears: it must start and catch up.
    forwarder = await startForwarder(node.url, rpcPort);
    const head = await node.provider.getBlockNumber();
    let timer: NodeJS.Timeout | undefined;
    const running = await Promise.race([starting, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 30_000)))]);
    clearTimeout(timer);
    expect(running, "startServer once the node answers").to.not.equal(null);
    if (!running) return;
    await caughtUp(running, head, 60_000);
    await running.close();
    const reference = await cleanReindex();
    expectSameState(reference.dump, await dumpOf(dir), "after starting without a node");

    // What an operator sees while the node is down at start-up.
    expect(answered.length, "health requests answered while the node was down since start-up").to.be.greaterThan(0);
    expect(lastDown?.status).to.equal("degraded");
    expect(lastDown?.lastError).to.be.a("string");
  });
});
