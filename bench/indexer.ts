/**
 * Indexer and provenance-API benchmark on a local Anvil node.
 *
 *   npm run bench:indexer        (= npx hardhat run bench/indexer.ts)
 *
 * Setup (not timed): Anvil, the ledger (test/helpers/anvil-world.ts), 100,000 applications
 * filed through the RegistrationOffice with commit–reveal (one commitment per submitBatch of
 * 100; some of them registered), and one asset with 50 history events.
 * Then, each in its own `node` child process:
 *   1. ingest   — the indexer (server/main.ts, DRL_NO_API=1) backfills the whole chain into a
 *                 fresh index: events per second, and the process's peak RSS (VmHWM);
 *   2. API      — the server on the finished index: tradability over random assets, one
 *                 asset's history, search and filtered lists, and a bare Express 5 `GET /hello`
 *                 app as the baseline; closed loop with autocannon (saturation throughput)
 *                 and, for hello, tradability and search, open loop at a fixed offered rate
 *                 from a constant-rate generator (bench/lib/open-loop.ts: latency at a load
 *                 the server is meant to carry), each generator in a process of its own
 *                 (bench/lib/load-child.ts);
 *   3. head     — Anvil mines a block per second, each with a ledger event: time from a block
 *                 appearing to the API saying it is indexed.
 * Prints a table, writes bench/results/indexer.json. A missed target prints MISSES TARGET and
 * still exits 0; a crash or a correctness mismatch (event count, non-2xx answers, wrong
 * history) exits non-zero. See bench/README.md.
 *
 * Environment knobs (bench/README.md has the table): BENCH_ASSETS (100000), BENCH_REGISTER
 * (3000), BENCH_CHUNK (10000), BENCH_DURATION (10 s per load run), BENCH_WARMUP (3 s),
 * BENCH_CONNECTIONS (50), BENCH_RATE (1000 req/s offered to hello and tradability),
 * BENCH_SEARCH_RATE (500 req/s offered to search), BENCH_RESULTS_FILE (where to write the
 * results; a trial run on a small configuration should not overwrite the real ones),
 * BENCH_HEAD_BLOCKS (20), BENCH_CPU_PROF (ingest | api | all: run that
 * child with --cpu-prof and print where its time goes), BENCH_NODE_ARGS (extra node flags for
 * the servers), BENCH_SERVER_ENTRY (a compiled dist/server/main.js instead of ts-node), and
 * DRL_* server settings (passed on). Anything not default is printed and recorded.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { hexlify, randomBytes, toQuantity } from "ethers";
import { freePort, startAnvil, type AnvilNode } from "../test/helpers/anvil";
import { deployAnvilWorld, generateLoad, type AnvilWorld, type DeploymentFile } from "../test/helpers/anvil-world";
import { DAY, applicationAt, commitmentOf } from "../test/helpers/fixture";
import { INDEXED_CONTRACTS } from "../server/deployment";
import { killAllChildren, procMemory, ROOT, spawnNodeChild, type NodeChild } from "./lib/children";
import { formatProfile, summariseProfile, type ProfileSummary } from "./lib/cpuprofile";
import type { LoadFigures, LoadSettings } from "./lib/load";
import type { LoadJob } from "./lib/load-child";
import type { OpenLoopSettings } from "./lib/open-loop";
import { SERVER_NODE_FLAGS, SERVER_PROCESS_ENV } from "../server/process-env";
import { gitState } from "./lib/git-state";

// ─── Settings ───────────────────────────────────────────────────────────────────────────

function intEnv(name: string, dflt: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${raw})`);
  return n;
}

const ASSETS = intEnv("BENCH_ASSETS", 100_000, 1);
const REGISTER = Math.min(ASSETS, intEnv("BENCH_REGISTER", 3_000, 0));
const CHUNK = intEnv("BENCH_CHUNK", 10_000, 100);
const DURATION = intEnv("BENCH_DURATION", 10, 1);
const WARMUP = intEnv("BENCH_WARMUP", 3, 0);
const CONNECTIONS = intEnv("BENCH_CONNECTIONS", 50, 1);
const HEAD_BLOCKS = intEnv("BENCH_HEAD_BLOCKS", 20, 3);
/** Offered rates of the open-loop runs, requests per second over all connections. */
const RATE = intEnv("BENCH_RATE", 1_000, 1);
const SEARCH_RATE = intEnv("BENCH_SEARCH_RATE", 500, 1);
/** Extra `node` flags for the server children (e.g. --trace-gc, --max-old-space-size=256), to try them out. */
/** Extra node flags given with BENCH_NODE_ARGS, after the server's own (server/process-env.ts). */
const EXTRA_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? "").split(/\s+/).filter((a) => a !== "");
/** The servers start as `npm start` and `npm run server` start them: same node flags, same environment. */
const SERVER_NODE_ARGS = [...SERVER_NODE_FLAGS, ...EXTRA_NODE_ARGS];
/**
 * The server's entry point: the compiled server as deployed (dist/server/main.js; `npm run
 * bench:indexer` builds it first) run by plain node, or BENCH_SERVER_ENTRY=server/main.ts to run
 * the TypeScript under ts-node transpile-only.
 */
const SERVER_ENTRY = process.env.BENCH_SERVER_ENTRY || "dist/server/main.js";
const SERVER_TS = SERVER_ENTRY.endsWith(".ts");
const serverCommand =
  `${Object.entries(SERVER_PROCESS_ENV).map(([k, v]) => `${k}=${v} `).join("")}` +
  `node ${SERVER_NODE_ARGS.join(" ")} ${SERVER_TS ? "-r ts-node/register/transpile-only " : ""}${SERVER_ENTRY}`;
const PROFILE = (process.env.BENCH_CPU_PROF ?? "").toLowerCase();
if (!["", "0", "ingest", "api", "all"].includes(PROFILE)) throw new Error("BENCH_CPU_PROF must be ingest, api or all");
const PROFILE_INGEST = PROFILE === "ingest" || PROFILE === "all";
const PROFILE_API = PROFILE === "api" || PROFILE === "all";

/** History events of the history asset: applied, publicity, registered, mint Transfer, and MetadataChanged × 46. */
const HISTORY_EVENTS = 50;
const HISTORY_BASE_EVENTS = 4;

const TARGETS = {
  ingestEventsPerSec: { op: ">=", value: 5_000, unit: "events/s" },
  peakRssMb: { op: "<=", value: 300, unit: "MiB" },
  tradabilityReqPerSec: { op: ">=", value: 3_000, unit: "req/s" },
  tradabilityP99Ms: { op: "<=", value: 20, unit: "ms" },
  historyReqPerSec: { op: ">=", value: 1_500, unit: "req/s" },
  headLatencyMedianMs: { op: "<=", value: 500, unit: "ms" },
  helloReqPerSec: { op: "baseline", value: null, unit: "req/s" },
  // Open loop at RATE req/s offered (1,000 by default): latency at a load, not queueing at saturation.
  tradabilityP99AtRateMs: { op: "<=", value: 10, unit: "ms" },
  helloP99AtRateMs: { op: "baseline", value: null, unit: "ms" },
  tradabilityP99VsHello: { op: "<=", value: 2, unit: "×" },
  // Search and filtered lists over the whole index (GET /v1/assets?q=… and filters).
  searchReqPerSec: { op: ">=", value: 1_000, unit: "req/s" },
  searchP99AtRateMs: { op: "<=", value: 50, unit: "ms" },
} as const;
type Key = keyof typeof TARGETS;

const RESULTS_FILE = process.env.BENCH_RESULTS_FILE ? path.resolve(process.env.BENCH_RESULTS_FILE) : path.join(ROOT, "bench", "results", "indexer.json");

// ─── Small helpers ──────────────────────────────────────────────────────────────────────

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const log = (m: string) => console.log(`[bench ${elapsed().padStart(7)}] ${m}`);
const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Correctness problems: any one makes the run fail (exit 1) after the results are written. */
const problems: string[] = [];
function problem(m: string): void {
  problems.push(m);
  console.error(`\n*** MISMATCH: ${m}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return NaN;
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T };
}

/**
 * DRL_* tuning settings given to this process (e.g. DRL_MAX_BLOCK_RANGE, DRL_TARGET_LOGS,
 * DRL_POLL_MS) are passed on to the server children, to try a setting out; they are printed
 * and recorded in the results, because the figures are then not those of the defaults. The
 * settings the benchmark itself controls are always its own.
 */
const BENCH_CONTROLLED = [
  "DRL_RPC_URL",
  "DRL_DEPLOYMENT",
  "DRL_INDEX_DIR",
  "DRL_API_HOST",
  "DRL_API_PORT",
  "DRL_NO_API",
  "DRL_LOG_COMMITS",
  "DRL_CONFIRMATIONS",
  "DRL_RATE_LIMIT",
  "DRL_CONFIRM_RATE_LIMIT",
];
const SERVER_OVERRIDES: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith("DRL_") && !BENCH_CONTROLLED.includes(e[0]) && e[1] !== undefined),
);

/** The environment for a server child: this process's, the DRL_* overrides, plus `extra`. */
function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("DRL_")) env[k] = v;
  return { ...env, ...SERVER_PROCESS_ENV, ...SERVER_OVERRIDES, ...extra };
}

/** A server child (indexer and/or API) on the benchmark's chain, started as `npm start` starts it. */
function spawnServer(name: string, node: AnvilNode, deploymentFile: string, indexDir: string, profDir: string | null, env: Record<string, string>): NodeChild {
  const child = spawnNodeChild(name, SERVER_ENTRY, {
    tsNode: SERVER_TS,
    nodeArgs: [...SERVER_NODE_ARGS, ...(profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : [])],
    env: serverEnv({ DRL_RPC_URL: node.url, DRL_DEPLOYMENT: deploymentFile, DRL_INDEX_DIR: indexDir, DRL_CONFIRMATIONS: "0", ...env }),
  });
  children.add(child);
  return child;
}


async function newestProfile(dir: string): Promise<string | null> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile")).sort();
  const last = files.at(-1);
  return last ? path.join(dir, last) : null;
}

// ─── Setup: chain and load ──────────────────────────────────────────────────────────────

interface ChainSetup {
  world: AnvilWorld;
  /** Ids of the load's applications (consecutive). */
  firstId: bigint;
  lastId: bigint;
  registeredIds: bigint[];
  historyAssetId: bigint;
  headBlock: number;
  /** Ledger logs on the chain (eth_getLogs over the indexed contracts). */
  chainLogs: number;
  /** Logs in the load's and the history asset's receipts (context only). */
  receiptLogs: number;
  generateMs: number;
}

async function setupChain(node: AnvilNode, deploymentFile: string): Promise<ChainSetup> {
  const t0 = performance.now();
  const world = await deployAnvilWorld(node, deploymentFile);
  log(`ledger deployed at block ${world.deployBlock}; filing ${fmtInt(ASSETS)} applications (${fmtInt(REGISTER)} registered) in chunks of ${fmtInt(CHUNK)}`);

  let firstId: bigint | null = null;
  let lastId = 0n;
  let receiptLogs = 0;
  const registeredIds: bigint[] = [];
  let filed = 0;
  let registered = 0;
  // Applications only (10 submitBatch transactions of 100 per block, generateLoad's default),
  // then the last REGISTER applications in one call that also accepts and confirms them. That
  // call mines 100 transactions per block: Anvil's time per block grows with the state, and
  // one accept or confirm per transaction would otherwise need 2 × REGISTER / 10 blocks.
  const plain = ASSETS - REGISTER;
  while (filed < ASSETS) {
    const last = filed >= plain;
    const n = last ? REGISTER : Math.min(CHUNK, plain - filed);
    const reg = last ? REGISTER : 0;
    const r = await generateLoad(world, { assets: n, register: reg, batchSize: 100, perBlock: last ? 100 : 10 });
    firstId ??= r.firstId;
    lastId = r.lastId;
    for (let i = 0; i < reg; i++) registeredIds.push(r.firstId + BigInt(i));
    filed += n;
    registered += reg;
    receiptLogs += r.events;
    const secs = (performance.now() - t0) / 1000;
    log(
      `generate: ${fmtInt(filed)}/${fmtInt(ASSETS)} applications, ${fmtInt(registered)} registered, ` +
        `${fmtInt(receiptLogs)} events so far, blocks to ${r.toBlock}, ${secs.toFixed(0)} s (this call ${(r.ms / 1000).toFixed(1)} s)`,
    );
  }
  if (firstId === null) throw new Error("no load was generated");

  // One asset with exactly HISTORY_EVENTS history events: alice files it (commit, then reveal:
  // the commitment has no asset, so it is not in the history), it is accepted and confirmed
  // (PublicityStarted, AssetRegistered, Transfer), then she changes its metadata.
  const reg = world.ledger.registry;
  const office = world.ledger.office;
  const now = await node.timestamp();
  const historyAssetId = await reg.nextAssetId();
  const unique = () => hexlify(randomBytes(32));
  const send = async (label: string, from: string, data: string, to = world.addresses.registry) => {
    const hash = await node.rpc<string>("eth_sendTransaction", [{ from, to, data, gas: toQuantity(2_000_000) }]);
    const rc = await receipt(node, hash);
    if (rc.status !== "0x1") throw new Error(`history asset: ${label} reverted (${hash})`);
    receiptLogs += rc.logs.length;
  };
  const alice = world.alice.address;
  const registrar = world.registrar.address;
  const app = applicationAt(now, { contentHash: unique(), metadataHash: unique(), sourceEvidenceHash: unique() });
  const appSalt = unique();
  await send("commit", alice, office.interface.encodeFunctionData("commit", [commitmentOf(alice, String(app.contentHash), appSalt)]), world.addresses.office);
  await send("submit", alice, office.interface.encodeFunctionData("submit", [app, appSalt]), world.addresses.office);
  await send("accept", registrar, reg.interface.encodeFunctionData("accept", [historyAssetId, DAY]));
  await node.increaseTime(DAY + 1);
  await send("confirm", registrar, reg.interface.encodeFunctionData("confirm", [historyAssetId]));
  // The metadata changes in one block (one block per transaction gets slow on a large state).
  await node.rpc("evm_setAutomine", [false]);
  try {
    let nonce = Number(await node.rpc<string>("eth_getTransactionCount", [alice, "pending"]));
    const hashes: string[] = [];
    for (let i = 0; i < HISTORY_EVENTS - HISTORY_BASE_EVENTS; i++) {
      const data = reg.interface.encodeFunctionData("changeMetadata", [historyAssetId, unique(), `ipfs://bafy-history-${i + 1}`]);
      hashes.push(await node.rpc<string>("eth_sendTransaction", [{ from: alice, to: world.addresses.registry, data, gas: toQuantity(500_000), nonce: toQuantity(nonce++) }]));
    }
    await node.rpc("evm_mine");
    for (const hash of hashes) {
      const rc = await receipt(node, hash);
      if (rc.status !== "0x1") throw new Error(`history asset: changeMetadata reverted (${hash})`);
      receiptLogs += rc.logs.length;
    }
  } finally {
    await node.rpc("evm_setAutomine", [true]);
  }
  const headBlock = Number(await node.rpc<string>("eth_blockNumber"));
  const generateMs = performance.now() - t0;
  log(`history asset ${historyAssetId} ready; chain head is block ${headBlock}; setup took ${(generateMs / 1000).toFixed(0)} s`);

  const chainLogs = await countLedgerLogs(node, deploymentFile, world.deployBlock, headBlock);
  log(`eth_getLogs: ${fmtInt(chainLogs)} ledger events on the chain in blocks ${world.deployBlock}..${headBlock} (${fmtInt(receiptLogs)} in the load's receipts)`);
  return { world, firstId, lastId, registeredIds, historyAssetId, headBlock, chainLogs, receiptLogs, generateMs };
}

/** Waits for a transaction's receipt (automine mines it shortly after eth_sendTransaction returns). */
async function receipt(node: AnvilNode, hash: string, timeoutMs = 30_000): Promise<{ status: string; blockNumber: string; logs: unknown[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rc = await node.rpc<{ status: string; blockNumber: string; logs: unknown[] } | null>("eth_getTransactionReceipt", [hash]);
    if (rc) return rc;
    if (Date.now() > deadline) throw new Error(`no receipt for ${hash} after ${timeoutMs / 1000} s`);
    await sleep(5);
  }
}

/** Logs of the indexed contracts (the deployment file's INDEXED_CONTRACTS) in [from, to]. */
async function countLedgerLogs(node: AnvilNode, deploymentFile: string, from: number, to: number): Promise<number> {
  const dep = JSON.parse(await readFile(deploymentFile, "utf8")) as DeploymentFile;
  const addresses = INDEXED_CONTRACTS.map((k) => {
    const a = (dep.addresses as Record<string, string | undefined>)[k];
    if (!a) throw new Error(`deployment file has no ${k}`);
    return a;
  });
  let total = 0;
  const step = 20;
  for (let a = from; a <= to; a += step) {
    const b = Math.min(to, a + step - 1);
    const logs = await node.rpc<unknown[]>("eth_getLogs", [{ fromBlock: toQuantity(a), toBlock: toQuantity(b), address: addresses }]);
    total += logs.length;
  }
  return total;
}

// ─── 1. Ingest ──────────────────────────────────────────────────────────────────────────

interface IngestResult {
  events: number;
  commits: number;
  wallMs: number;
  startupMs: number;
  fromFirstCommitMs: number;
  peakRssMb: number;
  sampledPeakRssMb: number;
  rssSamples: number;
  exit: string;
  profile: ProfileSummary | null;
  profileFile: string | null;
}

async function ingest(node: AnvilNode, deploymentFile: string, indexDir: string, headBlock: number, profDir: string | null): Promise<IngestResult> {
  log(`ingest: starting the indexer child (${serverCommand}) into ${indexDir}`);
  let events = 0;
  let commits = 0;
  let lastBlock = -1;
  let firstLineAt: number | null = null;
  let firstCommitAt: number | null = null;
  let doneAt: number | null = null;
  let reached: () => void = () => {};
  const reachedHead = new Promise<void>((r) => (reached = r));

  const t0 = performance.now();
  const child = spawnServer("indexer", node, deploymentFile, indexDir, profDir, { DRL_NO_API: "1", DRL_LOG_COMMITS: "1" });
  child.onLine((line) => {
    const now = performance.now();
    // Start-up ends when the indexer says where it starts (store opened, chain id checked).
    if (firstLineAt === null && line.startsWith("[indexer] ")) firstLineAt = now;
    const m = /^checkpoint (\d+) events (\d+)$/.exec(line);
    if (!m) {
      if (!line.startsWith("[indexer] indexing from") && !line.startsWith("[indexer] admin listener")) console.log(`  indexer| ${line}`);
      return;
    }
    firstCommitAt ??= now;
    commits++;
    events += Number(m[2]);
    lastBlock = Number(m[1]);
    if (lastBlock >= headBlock && doneAt === null) {
      doneAt = now;
      reached();
    }
  });

  let sampledPeak = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    const mem = procMemory(child.pid);
    if (mem) {
      samples++;
      sampledPeak = Math.max(sampledPeak, mem.rssMb);
    }
  }, 100);
  const progress = setInterval(() => {
    const secs = (performance.now() - t0) / 1000;
    log(`ingest: block ${lastBlock}/${headBlock}, ${fmtInt(events)} events, ${secs.toFixed(1)} s, RSS ${procMemory(child.pid)?.rssMb.toFixed(0) ?? "?"} MiB`);
  }, 5_000);

  let timer: NodeJS.Timeout | undefined;
  try {
    const exited = child.exited.then(({ code, signal }) => {
      throw new Error(`the indexer exited (code ${code}, signal ${signal}) before reaching block ${headBlock}; its output:\n${child.tail()}`);
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the indexer did not reach block ${headBlock} within 30 minutes (at ${lastBlock})`)), 30 * 60_000);
    });
    await Promise.race([reachedHead, exited, timeout]);
  } finally {
    clearInterval(progress);
    clearInterval(sampler);
    clearTimeout(timer);
  }
  // VmHWM just before stopping it: the peak RSS over the whole backfill.
  const mem = procMemory(child.pid);
  if (!mem) throw new Error("could not read /proc/<pid>/status of the indexer");
  const stop = await child.stop();
  const exit = `code ${stop.code}, signal ${stop.signal}`;
  if (stop.code !== 0) problem(`the indexer did not stop cleanly on SIGTERM (${exit}); its output:\n${child.tail()}`);
  children.delete(child);

  let profile: ProfileSummary | null = null;
  let profileFile: string | null = null;
  if (profDir) {
    profileFile = await newestProfile(profDir);
    if (profileFile) profile = summariseProfile(profileFile, ROOT, 25);
    else console.warn(`no .cpuprofile was written in ${profDir}`);
  }
  const end = doneAt ?? performance.now();
  return {
    events,
    commits,
    wallMs: end - t0,
    startupMs: (firstLineAt ?? end) - t0,
    fromFirstCommitMs: end - (firstCommitAt ?? end),
    peakRssMb: mem.hwmMb,
    sampledPeakRssMb: Math.max(sampledPeak, mem.rssMb),
    rssSamples: samples,
    exit,
    profile,
    profileFile,
  };
}

// ─── 2. API load ────────────────────────────────────────────────────────────────────────

interface Health {
  status: string;
  indexedBlock: number | null;
  head: number | null;
}

async function startApi(node: AnvilNode, deploymentFile: string, indexDir: string, profDir: string | null): Promise<{ child: NodeChild; base: string }> {
  const port = await freePort();
  // The load comes from one client (this process): the per-client rate limit would cap it.
  const child = spawnServer("api", node, deploymentFile, indexDir, profDir, { DRL_API_HOST: "127.0.0.1", DRL_API_PORT: String(port), DRL_RATE_LIMIT: "0", DRL_CONFIRM_RATE_LIMIT: "0" });
  child.onLine((line) => {
    if (!line.startsWith("[indexer] resuming") && !line.startsWith("[api] listening") && !line.startsWith("[indexer] admin listener")) console.log(`  api| ${line}`);
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!child.alive()) throw new Error(`the API server exited; its output:\n${child.tail()}`);
    try {
      const { body } = await getJson<Health>(`${base}/v1/health`);
      if (body.status === "ok") break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API server at ${base} did not report status ok within 60 s; its output:\n${child.tail()}`);
    await sleep(50);
  }
  return { child, base };
}

async function startHello(): Promise<{ child: NodeChild; base: string }> {
  // The baseline runs with the servers' node flags and environment, so that only the app differs.
  const child = spawnNodeChild("hello", "bench/lib/hello-server.ts", { nodeArgs: [...SERVER_NODE_ARGS], env: { ...process.env, ...SERVER_PROCESS_ENV, HELLO_PORT: "0" } });
  children.add(child);
  const m = await child.waitForLine(/^listening (\d+)$/, 30_000);
  return { child, base: `http://127.0.0.1:${m[1] ?? ""}` };
}

/**
 * Runs one load job in a generator process of its own (bench/lib/load-child.ts), so that this
 * process's heap (Hardhat, the chain setup) is neither timed nor a cap on the rate; a non-2xx
 * answer or an error is a problem.
 */
async function runGenerator(label: string, job: LoadJob, seconds: number): Promise<LoadFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "drl-bench-load-"));
  const file = path.join(dir, "job.json");
  try {
    await writeFile(file, JSON.stringify(job));
    const child = spawnNodeChild(`${label} generator`, "bench/lib/load-child.ts", { args: [file] });
    children.add(child);
    const m = await child.waitForLine(/^result (\{.*\})$/, (seconds + 60) * 1000);
    await child.exited;
    children.delete(child);
    const f = JSON.parse(m[1] ?? "{}") as LoadFigures;
    if (f.non2xx > 0 || f.errors > 0 || f.timeouts > 0) problem(`${label}: ${f.non2xx} non-2xx answers, ${f.errors} errors, ${f.timeouts} timeouts`);
    if (f.requests === 0) problem(`${label}: no request completed`);
    return f;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Request paths made up front for a generator: `n` of them (the job cycles through them). */
const pathsOf = (pathOf: () => string, n: number): string[] => Array.from({ length: Math.max(1, Math.min(1 << 16, n)) }, pathOf);

/** Closed loop with autocannon: a warm-up run (not recorded), then the measured run. */
async function measure(label: string, base: string, settings: LoadSettings, pathOf: () => string): Promise<LoadFigures> {
  log(`${label}: ${WARMUP} s warm-up, then ${settings.connections} connections, pipelining ${settings.pipelining}, ${settings.duration} s, closed loop (autocannon in its own process)`);
  const f = await runGenerator(label, { mode: "closed", base, title: label, settings, warmup: WARMUP, paths: pathsOf(pathOf, 1 << 16) }, WARMUP + settings.duration);
  log(
    `${label}: ${fmtInt(f.reqPerSec)} req/s, p50 ${f.latencyP50Ms} ms, p99 ${f.latencyP99Ms} ms (histogram ${f.histogramP99Ms} ms), max ${f.latencyMaxMs} ms, ` +
      `${fmtInt(f.requests)} requests, ${f.bytesPerResponse} B/response, non-2xx ${f.non2xx}, errors ${f.errors}`,
  );
  return f;
}

/**
 * The same requests, open loop at `rate` requests per second offered over the same number of
 * connections: the constant-rate generator (bench/lib/open-loop.ts, wrk2's method;
 * autocannon's `overallRate` sends bursts, see there), warm-up included in the same run.
 */
async function measureAtRate(label: string, base: string, settings: LoadSettings, rate: number, pathOf: () => string): Promise<LoadFigures> {
  const open: OpenLoopSettings = { rate, duration: settings.duration, warmup: WARMUP, connections: settings.connections };
  log(`${label}: open loop at ${fmtInt(rate)} req/s offered, ${settings.connections} connections, ${WARMUP} s warm-up + ${settings.duration} s (constant-rate generator in its own process)`);
  const f = await runGenerator(label, { mode: "open", base, settings: open, paths: pathsOf(pathOf, Math.ceil(rate * (WARMUP + settings.duration))) }, WARMUP + settings.duration);
  log(
    `${label}: ${fmtInt(f.reqPerSec)} req/s carried, p50 ${f.latencyP50Ms} ms, p99 ${f.latencyP99Ms} ms, max ${f.latencyMaxMs} ms, ` +
      `${fmtInt(f.requests)} requests, ${f.bytesPerResponse} B/response body, non-2xx ${f.non2xx}, errors ${f.errors}, timeouts ${f.timeouts}`,
  );
  if (f.reqPerSec < 0.95 * rate) console.warn(`${label}: carried ${fmtInt(f.reqPerSec)} req/s of the ${fmtInt(rate)} offered: its latency is that of an overloaded server`);
  return f;
}

/**
 * Search and filtered-list requests over the whole index: exact registration numbers and
 * content-hash prefixes of registered assets, the load's metadata URI (matches every
 * application), a term that matches nothing (the worst case for a scan), and filters alone
 * and combined with a holder. Built from a sample of real assets.
 */
async function searchPaths(api: string, ids: readonly bigint[], members: readonly string[]): Promise<string[]> {
  const sample: { registrationNumber: string | null; contentHash: string }[] = [];
  for (const id of ids.slice(0, 100)) {
    const a = await getJson<{ registrationNumber: string | null; contentHash: string }>(`${api}/v1/assets/${id}`);
    if (a.status === 200) sample.push(a.body);
  }
  const paths: string[] = [];
  for (const a of sample) {
    if (a.registrationNumber) paths.push(`/v1/assets?q=${a.registrationNumber}`);
    paths.push(`/v1/assets?q=${a.contentHash.slice(0, 12)}`);
  }
  for (const m of members) paths.push(`/v1/assets?holder=${m}&status=registered`, `/v1/assets?holder=${m}`);
  paths.push(
    "/v1/assets?q=bafy-load",
    "/v1/assets?q=ipfs%3A%2F%2Fbafy-load&limit=20",
    "/v1/assets?q=no-such-asset-anywhere",
    "/v1/assets?status=registered",
    "/v1/assets?status=applied&limit=20",
    "/v1/assets?grade=core",
    "/v1/assets?category=public&status=registered",
    "/v1/assets?kind=product",
    "/v1/assets?status=cancelled",
  );
  return paths;
}

// ─── 3. Head latency ────────────────────────────────────────────────────────────────────

interface HeadResult {
  samplesMs: number[];
  blocks: number[];
  /** Blocks whose ledger transaction landed elsewhere (context; should be 0). */
  blocksWithoutOurEvent: number;
}

async function headLatency(world: AnvilWorld, api: string): Promise<HeadResult> {
  const { node } = world;
  const office = world.ledger.office;
  const alice = world.alice.address;
  let nonce = Number(await node.rpc<string>("eth_getTransactionCount", [alice, "pending"]));
  const now = await node.timestamp();
  // One application revealed per measured block: their commitments go in first (one block, as
  // the reveal must come in a later block than its commitment).
  const apps = Array.from({ length: HEAD_BLOCKS + 1 }, () => ({
    app: applicationAt(now, { contentHash: hexlify(randomBytes(32)), metadataHash: hexlify(randomBytes(32)), sourceEvidenceHash: hexlify(randomBytes(32)) }),
    salt: hexlify(randomBytes(32)),
  }));
  await node.rpc("evm_setAutomine", [false]);
  const commits: string[] = [];
  try {
    for (const { app, salt } of apps) {
      const data = office.interface.encodeFunctionData("commit", [commitmentOf(alice, String(app.contentHash), salt)]);
      commits.push(await node.rpc<string>("eth_sendTransaction", [{ from: alice, to: world.addresses.office, data, gas: toQuantity(200_000), nonce: toQuantity(nonce++) }]));
    }
    await node.rpc("evm_mine");
  } finally {
    await node.rpc("evm_setAutomine", [true]);
  }
  for (const hash of commits) {
    const rc = await receipt(node, hash);
    if (rc.status !== "0x1") throw new Error(`head: a commitment reverted (${hash})`);
  }
  let next = 0;
  const submitData = () => {
    const a = apps[next++];
    if (!a) throw new Error("head: no committed application left");
    return office.interface.encodeFunctionData("submit", [a.app, a.salt]);
  };

  await node.rpc("evm_setIntervalMining", [1]);
  const automine = await node.rpc<boolean>("anvil_getAutomine");
  log(`head: interval mining 1 s (automine ${automine}); ${HEAD_BLOCKS} blocks, polling every 5 ms`);
  const samples: number[] = [];
  const blocks: number[] = [];
  const sent: string[] = [];
  let missing = 0;
  let last = Number(await node.rpc<string>("eth_blockNumber"));
  // One more round than samples: the first block after the switch may come at any time.
  for (let i = 0; i <= HEAD_BLOCKS; i++) {
    const hash = await node.rpc<string>("eth_sendTransaction", [{ from: alice, to: world.addresses.office, data: submitData(), gas: toQuantity(2_000_000), nonce: toQuantity(nonce++) }]);
    let n = last;
    let t0 = 0;
    const deadline = Date.now() + 10_000;
    while (n <= last) {
      if (Date.now() > deadline) throw new Error(`head: no block after ${last} within 10 s`);
      await sleep(5);
      n = Number(await node.rpc<string>("eth_blockNumber"));
      t0 = performance.now();
    }
    last = n;
    let t1 = 0;
    for (;;) {
      const { body } = await getJson<Health>(`${api}/v1/health`);
      t1 = performance.now();
      if ((body.indexedBlock ?? -1) >= n) break;
      if (t1 - t0 > 30_000) throw new Error(`head: block ${n} not indexed within 30 s (indexedBlock ${body.indexedBlock})`);
      await sleep(5);
    }
    if (i === 0) continue;
    samples.push(t1 - t0);
    blocks.push(n);
    sent.push(hash);
    log(`head: block ${n} queryable after ${(t1 - t0).toFixed(0)} ms`);
  }
  // Each measured block should carry the submit sent for it (checked afterwards: receipts can
  // lag the block number by a moment on a large state).
  for (const [j, hash] of sent.entries()) {
    const rc = await receipt(node, hash);
    if (Number(rc.blockNumber) !== blocks[j] || rc.status !== "0x1") {
      missing++;
      console.warn(`head: the submit sent for block ${blocks[j] ?? "?"} is in block ${Number(rc.blockNumber)} (status ${rc.status})`);
    }
  }
  return { samplesMs: samples, blocks, blocksWithoutOurEvent: missing };
}

// ─── Report ─────────────────────────────────────────────────────────────────────────────

function verdict(key: Key, value: number): "pass" | "MISSES TARGET" | "baseline" {
  const t = TARGETS[key];
  if (t.op === "baseline") return "baseline";
  if (!Number.isFinite(value)) return "MISSES TARGET";
  return (t.op === ">=" ? value >= t.value : value <= t.value) ? "pass" : "MISSES TARGET";
}

function printTable(figures: Record<Key, number>, ratios: Partial<Record<Key, number>>): void {
  const rows: string[][] = [["figure", "measured", "target", "result", "vs hello"]];
  for (const key of Object.keys(TARGETS) as Key[]) {
    const t = TARGETS[key];
    const v = figures[key];
    const digits = t.unit === "×" ? 2 : t.unit === "ms" || t.unit === "MiB" ? 1 : 0;
    const measured = `${digits ? v.toFixed(digits) : fmtInt(v)} ${t.unit}`;
    const target = t.op === "baseline" ? "baseline" : `${t.op === ">=" ? "≥" : "≤"} ${fmtInt(t.value)}${t.unit === "×" ? "×" : ""}`;
    const ratio = ratios[key];
    rows.push([key, measured, target, verdict(key, v), ratio === undefined ? "" : `${ratio.toFixed(2)}×`]);
  }
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const line = (r: string[]) => `| ${r.map((cell, c) => (c === 1 ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join(" | ")} |`;
  console.log("");
  console.log(line(rows[0] ?? []));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log("");
}

// ─── Main ───────────────────────────────────────────────────────────────────────────────

const children = new Set<NodeChild>();

async function main(): Promise<void> {
  const loadAvgAtStart = os.loadavg().map((x) => round(x, 2));
  const g = gitState(ROOT, ["server", "sdk"]);
  const gitAtStart = { commit: g.commit, serverSourcesModified: g.modified };
  let loadAvgBeforeLoad: number[] = [];
  const tmp = await mkdtemp(path.join(os.tmpdir(), "drl-bench-indexer-"));
  const profDir = PROFILE_INGEST || PROFILE_API ? await mkdtemp(path.join(os.tmpdir(), "drl-bench-prof-")) : null;
  const deploymentFile = path.join(tmp, "deployment.json");
  const indexDir = path.join(tmp, "index");
  let node: AnvilNode | null = null;
  try {
    log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${fmtInt(os.totalmem() / 2 ** 20)} MiB, node ${process.version}, ` +
        `load average ${loadAvgAtStart.join(" ")}; git ${gitAtStart.commit?.slice(0, 10) ?? "?"}${gitAtStart.serverSourcesModified ? " (server/ or sdk/ modified)" : ""}; work dir ${tmp}`,
    );
    if (!SERVER_TS) {
      if (!existsSync(path.join(ROOT, SERVER_ENTRY))) throw new Error(`BENCH_SERVER_ENTRY ${SERVER_ENTRY} does not exist (npm run build:server?)`);
      log(`NOTE: the servers run compiled: ${serverCommand}`);
    }
    if (EXTRA_NODE_ARGS.length) log(`NOTE: server children run with extra node flags: ${EXTRA_NODE_ARGS.join(" ")}`);
    if (Object.keys(SERVER_OVERRIDES).length) log(`NOTE: server settings overridden from the environment: ${JSON.stringify(SERVER_OVERRIDES)}`);
    node = await startAnvil();
    log(`anvil on ${node.url} (pid ${node.child.pid ?? "?"})`);
    const chain = await setupChain(node, deploymentFile);

    // 1. Ingest
    const ing = await ingest(node, deploymentFile, indexDir, chain.headBlock, PROFILE_INGEST ? profDir : null);
    const ingestEventsPerSec = ing.events / (ing.wallMs / 1000);
    log(
      `ingest: ${fmtInt(ing.events)} events in ${(ing.wallMs / 1000).toFixed(2)} s (${fmtInt(ingestEventsPerSec)} events/s; ` +
        `start-up ${(ing.startupMs / 1000).toFixed(2)} s, first commit → head ${(ing.fromFirstCommitMs / 1000).toFixed(2)} s) in ${ing.commits} commits; ` +
        `VmHWM ${ing.peakRssMb.toFixed(1)} MiB, sampled peak VmRSS ${ing.sampledPeakRssMb.toFixed(1)} MiB (${ing.rssSamples} samples)`,
    );
    if (ing.events !== chain.chainLogs) {
      problem(`the indexer applied ${ing.events} events, but the chain has ${chain.chainLogs} ledger logs (eth_getLogs over the indexed contracts)`);
    }
    if (ing.profile) console.log(formatProfile(ing.profile, `ingest CPU profile (${ing.profileFile ?? ""})`));

    // 2. API
    // When the API is profiled, each load runs against its own server process, so that each
    // profile covers one endpoint (its warm-up included; the history one also the head phase).
    const apiProfDir = async (label: string): Promise<string | null> => {
      if (!PROFILE_API || !profDir) return null;
      const dir = path.join(profDir, label);
      await mkdir(dir, { recursive: true });
      return dir;
    };
    let apiDir = await apiProfDir("api-tradability");
    let api = await startApi(node, deploymentFile, indexDir, apiDir);
    log(`api: listening on ${api.base} (pid ${api.child.pid})`);
    const apiProfiles: Record<string, ProfileSummary> = {};
    const stopApi = async (label: string): Promise<void> => {
      const st = await api.child.stop();
      children.delete(api.child);
      if (st.code !== 0) problem(`the API server did not stop cleanly on SIGTERM (code ${st.code}, signal ${st.signal}); its output:\n${api.child.tail()}`);
      if (!apiDir) return;
      const f = await newestProfile(apiDir);
      if (!f) return console.warn(`no .cpuprofile was written in ${apiDir}`);
      const summary = summariseProfile(f, ROOT, 25);
      apiProfiles[label] = summary;
      console.log(formatProfile(summary, `API server CPU profile, ${label} (${f})`));
    };
    const w = chain.world;
    const members = [w.alice.address, w.bob.address, w.carol.address, w.dave.address];
    const assetCount = Number(chain.lastId - chain.firstId) + 1;
    const randomAsset = () => (chain.firstId + BigInt(Math.floor(Math.random() * assetCount))).toString();
    const randomMember = () => members[Math.floor(Math.random() * members.length)] ?? w.alice.address;

    // Correctness spot checks before the load.
    const hist = await getJson<{ items: unknown[]; nextCursor: string | null }>(`${api.base}/v1/assets/${chain.historyAssetId}/history?limit=200`);
    if (hist.status !== 200 || hist.body.items.length !== HISTORY_EVENTS || hist.body.nextCursor !== null) {
      problem(`history of asset ${chain.historyAssetId}: HTTP ${hist.status}, ${hist.body.items?.length ?? "?"} items (want ${HISTORY_EVENTS}), nextCursor ${String(hist.body.nextCursor)}`);
    }
    const firstReg = chain.registeredIds[0];
    if (firstReg !== undefined) {
      const a = await getJson<{ status: string }>(`${api.base}/v1/assets/${firstReg}`);
      if (a.status !== 200 || a.body.status !== "registered") problem(`asset ${firstReg} should be registered: HTTP ${a.status}, status ${a.body.status}`);
    }
    const registeredSet = new Set(chain.registeredIds);
    if (!registeredSet.has(chain.firstId)) {
      const a = await getJson<{ status: string }>(`${api.base}/v1/assets/${chain.firstId}`);
      if (a.status !== 200 || a.body.status !== "applied") problem(`asset ${chain.firstId} should be applied: HTTP ${a.status}, status ${a.body.status}`);
    }
    let tradable = 0;
    const SAMPLE = 200;
    const sampleIds = [...chain.registeredIds.slice(0, SAMPLE / 2), ...Array.from({ length: SAMPLE / 2 }, () => BigInt(randomAsset()))];
    for (const id of sampleIds) {
      const r = await getJson<{ tradable: boolean }>(`${api.base}/v1/assets/${id}/tradability?buyer=${randomMember()}`);
      if (r.status !== 200) problem(`tradability of asset ${id}: HTTP ${r.status}`);
      if (r.body.tradable) tradable++;
    }
    log(`api checks: history ${hist.body.items.length} events; ${tradable}/${sampleIds.length} sampled tradability answers say tradable`);

    loadAvgBeforeLoad = os.loadavg().map((x) => round(x, 2));
    const settings: LoadSettings = { connections: CONNECTIONS, pipelining: 1, duration: DURATION };
    const hello = await startHello();
    log(`hello: listening on ${hello.base} (pid ${hello.child.pid})`);
    const helloFig = await measure("hello", hello.base, settings, () => "/hello");
    const helloAtRateFig = await measureAtRate("hello at rate", hello.base, settings, RATE, () => "/hello");
    await hello.child.stop();
    children.delete(hello.child);
    const tradabilityPath = () => `/v1/assets/${randomAsset()}/tradability?buyer=${randomMember()}`;
    const tradFig = await measure("tradability", api.base, settings, tradabilityPath);
    const tradAtRateFig = await measureAtRate("tradability at rate", api.base, settings, RATE, tradabilityPath);
    if (PROFILE_API) {
      await stopApi("tradability");
      apiDir = await apiProfDir("api-history");
      api = await startApi(node, deploymentFile, indexDir, apiDir);
    }
    const historyPath = `/v1/assets/${chain.historyAssetId}/history`;
    const histFig = await measure("history", api.base, settings, () => historyPath);

    // Search and filtered lists (every path answered 200 before the load).
    const searches = await searchPaths(api.base, [...chain.registeredIds, ...Array.from({ length: 20 }, () => BigInt(randomAsset()))], members);
    for (const p of searches) {
      const r = await getJson<{ items?: unknown[] }>(`${api.base}${p}`);
      if (r.status !== 200 || !Array.isArray(r.body.items)) problem(`search ${p}: HTTP ${r.status}`);
    }
    log(`search: ${searches.length} distinct search and filter requests`);
    const searchPath = () => searches[Math.floor(Math.random() * searches.length)] ?? "/v1/assets";
    const searchFig = await measure("search", api.base, settings, searchPath);
    const searchAtRateFig = await measureAtRate("search at rate", api.base, settings, SEARCH_RATE, searchPath);

    // 3. Head latency (same API server, which follows the chain with confirmations 0).
    const head = await headLatency(w, api.base);
    const headLatencyMedianMs = median(head.samplesMs);
    log(`head: median ${headLatencyMedianMs.toFixed(0)} ms, p90 ${percentile(head.samplesMs, 90).toFixed(0)} ms, max ${Math.max(...head.samplesMs).toFixed(0)} ms`);
    if (head.blocksWithoutOurEvent > 0) console.warn(`head: ${head.blocksWithoutOurEvent} of ${head.samplesMs.length} blocks did not carry the ledger event sent for them`);

    await stopApi(PROFILE_API ? "history (and the head phase)" : "");

    // ── Results ──
    const figures: Record<Key, number> = {
      ingestEventsPerSec: Math.round(ingestEventsPerSec),
      peakRssMb: round(ing.peakRssMb),
      tradabilityReqPerSec: Math.round(tradFig.reqPerSec),
      tradabilityP99Ms: tradFig.latencyP99Ms,
      historyReqPerSec: Math.round(histFig.reqPerSec),
      headLatencyMedianMs: round(headLatencyMedianMs),
      helloReqPerSec: Math.round(helloFig.reqPerSec),
      tradabilityP99AtRateMs: tradAtRateFig.latencyP99Ms,
      helloP99AtRateMs: helloAtRateFig.latencyP99Ms,
      tradabilityP99VsHello: round(tradAtRateFig.latencyP99Ms / helloAtRateFig.latencyP99Ms, 2),
      searchReqPerSec: Math.round(searchFig.reqPerSec),
      searchP99AtRateMs: searchAtRateFig.latencyP99Ms,
    };
    const ratios = {
      tradabilityReqPerSec: tradFig.reqPerSec / helloFig.reqPerSec,
      historyReqPerSec: histFig.reqPerSec / helloFig.reqPerSec,
      helloReqPerSec: 1,
      searchReqPerSec: searchFig.reqPerSec / helloFig.reqPerSec,
    };
    const verdicts = Object.fromEntries((Object.keys(TARGETS) as Key[]).map((k) => [k, verdict(k, figures[k])]));
    const totalMs = performance.now() - started;
    const results = {
      ...figures,
      tradabilityVsHello: round(ratios.tradabilityReqPerSec, 3),
      historyVsHello: round(ratios.historyReqPerSec, 3),
      targets: Object.fromEntries((Object.keys(TARGETS) as Key[]).map((k) => [k, TARGETS[k].op === "baseline" ? "baseline" : `${TARGETS[k].op} ${TARGETS[k].value}`])),
      verdicts,
      problems,
      profiled: { ingest: PROFILE_INGEST, api: PROFILE_API },
      serverOverrides: SERVER_OVERRIDES,
      serverNodeArgs: SERVER_NODE_ARGS,
      serverProcessEnv: SERVER_PROCESS_ENV,
      serverCommand,
      ingest: {
        events: ing.events,
        chainLedgerLogs: chain.chainLogs,
        commits: ing.commits,
        blocks: chain.headBlock - chain.world.deployBlock,
        wallMs: Math.round(ing.wallMs),
        startupMs: Math.round(ing.startupMs),
        firstCommitToHeadMs: Math.round(ing.fromFirstCommitMs),
        eventsPerSecAfterStartup: Math.round(ing.events / ((ing.wallMs - ing.startupMs) / 1000)),
        sampledPeakRssMb: round(ing.sampledPeakRssMb),
        rssSamples: ing.rssSamples,
        ...(ing.profile ? { profileTopSelf: ing.profile.self.slice(0, 15), profileByFile: ing.profile.byFile.slice(0, 10) } : {}),
      },
      load: {
        ...settings,
        warmupSec: WARMUP,
        tradability: { ...tradFig, assetsSpread: assetCount, buyers: members.length, sampledTradableShare: round(tradable / sampleIds.length, 3) },
        history: { ...histFig, assetId: chain.historyAssetId.toString(), events: HISTORY_EVENTS },
        hello: helloFig,
        openLoop: {
          rate: RATE,
          searchRate: SEARCH_RATE,
          // bench/lib/open-loop.ts: not autocannon's overallRate (which sends each second's requests in one burst).
          generator: "constant rate, latency from each request's due time (wrk2's method), own node process, node:http keep-alive agent",
          hello: helloAtRateFig,
          tradability: tradAtRateFig,
          search: searchAtRateFig,
        },
        search: { ...searchFig, distinctRequests: searches.length },
        ...(PROFILE_API ? { apiProfiles: Object.fromEntries(Object.entries(apiProfiles).map(([k, v]) => [k, { self: v.self.slice(0, 15), byFile: v.byFile.slice(0, 10) }])) } : {}),
      },
      head: {
        blocks: head.samplesMs.length,
        samplesMs: head.samplesMs.map((x) => round(x)),
        p90Ms: round(percentile(head.samplesMs, 90)),
        maxMs: round(Math.max(...head.samplesMs)),
        blocksWithoutOurEvent: head.blocksWithoutOurEvent,
        pollMs: 5,
        indexerPollMs: 100,
      },
      setup: {
        applications: ASSETS,
        registered: chain.registeredIds.length,
        firstAssetId: chain.firstId.toString(),
        lastAssetId: chain.lastId.toString(),
        historyAssetId: chain.historyAssetId.toString(),
        deployBlock: chain.world.deployBlock,
        headBlock: chain.headBlock,
        receiptLogs: chain.receiptLogs,
        generateMs: Math.round(chain.generateMs),
      },
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? null,
        totalMemMb: Math.round(os.totalmem() / 2 ** 20),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAvg: { atStart: loadAvgAtStart, beforeLoad: loadAvgBeforeLoad, atEnd: os.loadavg().map((x) => round(x, 2)) },
      },
      git: gitAtStart,
      totalRuntimeMs: Math.round(totalMs),
      date: new Date().toISOString(),
    };
    await mkdir(path.dirname(RESULTS_FILE), { recursive: true });
    await writeFile(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");

    printTable(figures, ratios);
    console.log(`tradabilityVsHello ${results.tradabilityVsHello}, historyVsHello ${results.historyVsHello}`);
    if (PROFILE) console.log(`NOTE: run with BENCH_CPU_PROF=${PROFILE}: the profiled process's figures are slowed by the profiler`);
    const missed = (Object.keys(verdicts) as Key[]).filter((k) => verdicts[k] === "MISSES TARGET");
    if (missed.length) console.log(`MISSES TARGET: ${missed.join(", ")}`);
    console.log(`written ${path.relative(ROOT, RESULTS_FILE)}; total runtime ${(totalMs / 1000).toFixed(0)} s`);
    if (problems.length) {
      console.error(`\nFAILED: ${problems.length} correctness problem(s):\n- ${problems.join("\n- ")}`);
      process.exitCode = 1;
    }
  } finally {
    for (const c of children) await c.stop(3_000);
    children.clear();
    killAllChildren();
    if (node) await node.stop();
    await rm(tmp, { recursive: true, force: true });
    if (profDir) log(`CPU profiles kept in ${profDir}`);
  }
}

main()
  .catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    killAllChildren();
    process.exitCode = 1;
  })
  .finally(() => {
    // Everything is stopped by now; should a stray handle keep the process alive, do not hang.
    setTimeout(() => process.exit(), 5_000).unref();
  });
