/**
 * SDK benchmark: fingerprints and end-to-end registrations through the SDK.
 *
 *   npm run bench:sdk            (= hardhat compile --quiet && ts-node bench/sdk.ts)
 *
 * 1. fingerprint — a 1 GiB file (BENCH_SDK_FILE_MB) hashed by `sha256sum` and by the SDK's
 *    fingerprintFile, best of two runs each, alternating, in the same run. The SDK side runs in
 *    a plain `node` child (the fingerprint module transpiled on the fly, no ts-node), so its
 *    peak RSS (getrusage maxrss) is the hashing's own, not the compiler's.
 * 2. directory — 10,000 small files (BENCH_SDK_DIR_FILES) in 100 folders: fingerprintDirectory,
 *    files per second (also in the child).
 * 3. end to end — Anvil (node_modules/.bin/anvil), the ledger deployed on automine, the indexer
 *    and API in process; then the chain switched to what the ceiling assumes, a 30M-gas block
 *    every second; timed: applyBatch (as few commit+reveal pairs as the office allows),
 *    acceptMany, the publicity period skipped with evm_increaseTime (a legal wait, not work),
 *    confirmMany, until the API lists every asset as registered. BENCH_SDK_ASSETS (1000).
 *    gasCeilingRegistrationsPerSec = 30M gas/s ÷ the measured gas per registration (commit +
 *    reveal + accept + confirm, from the receipts).
 *
 * Writes bench/results/sdk.json and prints a table with the targets. A missed target prints
 * MISSES TARGET and still exits 0; a failure (a revert, a wrong count) exits non-zero.
 * BENCH_SDK_ONLY=e2e runs the end-to-end part alone and writes no results file.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import ts from "typescript";
import { HDNodeWallet, toQuantity, type Signer } from "ethers";
import { startAnvil } from "../test/helpers/anvil";
import { deployAnvilWorld } from "../test/helpers/anvil-world";
import { startTestServer } from "../test/helpers/indexer";
import { LedgerClient, ProvenanceClient, connectRpc, loadDeployment, textHash, type ApplicationInput } from "../sdk";

const ROOT = path.resolve(__dirname, "..");
const intEnv = (name: string, dflt: number): number => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
};
const FILE_MB = intEnv("BENCH_SDK_FILE_MB", 1024);
const DIR_FILES = intEnv("BENCH_SDK_DIR_FILES", 10_000);
const ASSETS = intEnv("BENCH_SDK_ASSETS", 1000);
const DAY = 86_400;
const BLOCK_GAS_PER_SEC = 30_000_000;
const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

/** The child: hashes the file and the directory with the transpiled module, prints JSON. */
const CHILD = `
const fp = require(process.argv[2]);
(async () => {
  const file = process.argv[3], dir = process.argv[4];
  const t0 = process.hrtime.bigint();
  const f = await fp.fingerprintFile(file);
  const t1 = process.hrtime.bigint();
  let d = null, t2 = t1, t3 = t1;
  if (dir) { t2 = process.hrtime.bigint(); d = await fp.fingerprintDirectory(dir); t3 = process.hrtime.bigint(); }
  process.stdout.write(JSON.stringify({ sha256: f.sha256, size: f.size, fileSeconds: Number(t1 - t0) / 1e9,
    dirFiles: d ? d.entries.length : 0, dirSeconds: Number(t3 - t2) / 1e9, maxRssKb: process.resourceUsage().maxRSS }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function transpiledFingerprint(work: string): string {
  const src = readFileSync(path.join(ROOT, "sdk/fingerprint/fingerprint.ts"), "utf8");
  const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  const file = path.join(work, "fingerprint.js");
  writeFileSync(file, out.outputText);
  writeFileSync(path.join(work, "child.js"), CHILD);
  return file;
}

interface ChildAnswer {
  sha256: string;
  size: number;
  fileSeconds: number;
  dirFiles: number;
  dirSeconds: number;
  maxRssKb: number;
}

function runChild(work: string, module: string, file: string, dir?: string): Promise<ChildAnswer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(work, "child.js"), module, file, ...(dir ? [dir] : [])], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as ChildAnswer) : reject(new Error(`fingerprint child exited ${code}`))));
  });
}

function sha256sum(file: string): { sha256: string; seconds: number } {
  const t0 = performance.now();
  const out = execFileSync("sha256sum", [file], { encoding: "utf8" });
  return { sha256: out.split(" ")[0] ?? "", seconds: (performance.now() - t0) / 1000 };
}

function writeBigFile(file: string, mb: number): void {
  // 8 MiB of pseudo-random bytes, varied per block so no two blocks are equal.
  const block = Buffer.alloc(8 << 20);
  let x = 0x9e3779b9;
  for (let i = 0; i < block.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block.writeUInt32LE(x >>> 0, i);
  }
  const fd = openSync(file, "w");
  const blocks = Math.ceil(mb / 8);
  for (let b = 0; b < blocks; b += 1) {
    block.writeUInt32LE(b, 0);
    writeSync(fd, block, 0, b === blocks - 1 && mb % 8 !== 0 ? (mb % 8) << 20 : block.length);
  }
  closeSync(fd);
}

function writeSmallFiles(dir: string, count: number): void {
  for (let d = 0; d < 100; d += 1) mkdirSync(path.join(dir, `d${String(d).padStart(2, "0")}`), { recursive: true });
  for (let i = 0; i < count; i += 1) writeFileSync(path.join(dir, `d${String(i % 100).padStart(2, "0")}`, `f${i}.csv`), `row,${i}\n${"x".repeat(i % 900)}\n`);
}

async function fingerprints(work: string): Promise<{ fingerprintMBps: number; sha256sumMBps: number; fingerprintPeakRssMb: number; dirFingerprintFilesPerSec: number }> {
  const big = path.join(work, "big.bin");
  const dir = path.join(work, "small");
  console.log(`writing a ${FILE_MB} MiB file and ${DIR_FILES} small files in ${work} ...`);
  writeBigFile(big, FILE_MB);
  writeSmallFiles(dir, DIR_FILES);
  const module = transpiledFingerprint(work);
  const mb = FILE_MB * 1.048576; // MB (10^6 bytes) per MiB
  const sums: number[] = [];
  const ours: ChildAnswer[] = [];
  for (let run = 0; run < 2; run += 1) {
    const s = sha256sum(big);
    const c = await runChild(work, module, big, run === 0 ? dir : undefined);
    if (c.sha256 !== s.sha256) throw new Error(`fingerprint ${c.sha256} differs from sha256sum ${s.sha256}`);
    sums.push(s.seconds);
    ours.push(c);
  }
  const dirRun = ours[0];
  if (!dirRun || dirRun.dirFiles !== DIR_FILES) throw new Error(`the directory fingerprint listed ${dirRun?.dirFiles} files, not ${DIR_FILES}`);
  return {
    fingerprintMBps: mb / Math.min(...ours.map((o) => o.fileSeconds)),
    sha256sumMBps: mb / Math.min(...sums),
    fingerprintPeakRssMb: Math.max(...ours.map((o) => o.maxRssKb)) / 1024,
    dirFingerprintFilesPerSec: DIR_FILES / dirRun.dirSeconds,
  };
}

async function endToEnd(work: string): Promise<{ endToEndRegistrationsPerSec: number; gasCeilingRegistrationsPerSec: number; gasPerRegistration: number; seconds: number }> {
  const node = await startAnvil();
  const server = { current: undefined as undefined | Awaited<ReturnType<typeof startTestServer>> };
  try {
    const w = await deployAnvilWorld(node, path.join(work, "anvil-bench.json"));
    const dep = loadDeployment(w.deploymentFile);
    server.current = await startTestServer(node.url, w.deploymentFile);
    await server.current.caughtUp();
    const api = new ProvenanceClient(server.current.url);
    // BENCH_SDK_SIGNER=wallet: local wallets from Anvil's development keys (signing in JS, as
    // with DRL_PRIVATE_KEY); default: the node's unlocked accounts (the node signs).
    const provider = await connectRpc(node.url, { pollingIntervalMs: 20 });
    const signer = async (i: number): Promise<Signer> =>
      process.env.BENCH_SDK_SIGNER === "wallet"
        ? HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).connect(provider)
        : provider.getSigner(i);
    const alice = LedgerClient.connect({ runner: await signer(7), deployment: dep });
    const registrar = LedgerClient.connect({ runner: await signer(1), deployment: dep });
    if ((await alice.address()) !== w.alice.address || (await registrar.address()) !== w.registrar.address) throw new Error("the Anvil accounts are not the default mnemonic's");
    // The chain the ceiling assumes: a 30M-gas block every second (setup above ran on automine).
    await node.rpc("evm_setBlockGasLimit", [toQuantity(BLOCK_GAS_PER_SEC)]);
    await node.rpc("evm_setAutomine", [false]);
    await node.rpc("evm_setIntervalMining", [1]);
    const now = await node.timestamp();
    const apps: ApplicationInput[] = Array.from({ length: ASSETS }, (_, i) => ({
      name: `Bench dataset ${i}`,
      kind: "product",
      form: "dataset",
      category: "enterprise",
      rights: ["holding", "processing", "operation"],
      source: "selfCollected",
      grade: "general",
      validUntil: now + 365 * DAY,
      sourceEvidenceHash: textHash(`source ${i}`),
      contentHash: textHash(`content ${i} ${now}`),
      metadataHash: textHash(`metadata ${i}`),
      metadataUri: `ipfs://bench-${i}`,
    }));
    console.log(`registering ${ASSETS} assets through the SDK ...`);
    const t0 = performance.now();
    const phases: [string, number][] = [];
    let mark = t0;
    const phase = (name: string): void => {
      const t = performance.now();
      phases.push([name, (t - mark) / 1000]);
      mark = t;
    };
    const verbose = process.env.BENCH_SDK_VERBOSE === "1";
    const inFlight = 50;
    const filed = await alice.applyBatch(apps, { inFlight, onProgress: (p) => verbose && console.log(`  applyBatch: ${p.transactions}/${p.plannedTransactions} transactions`) });
    phase("applyBatch");
    const accepted = await registrar.acceptMany({ assetIds: filed.assetIds, publicityPeriod: DAY }, { inFlight });
    phase("acceptMany");
    const skip0 = performance.now();
    await node.increaseTime(DAY + 1);
    const skipped = performance.now() - skip0;
    mark = performance.now();
    const confirmed = await registrar.confirmMany({ assetIds: filed.assetIds }, { inFlight });
    phase("confirmMany");
    // Until the API lists every asset as registered.
    while ((await countRegistered(api, w.alice.address)) < ASSETS) await new Promise((r) => setTimeout(r, 20));
    phase("until the API shows all registered");
    console.log(phases.map(([n, t]) => `${n} ${round(t)} s`).join(", "));
    const seconds = (performance.now() - t0 - skipped) / 1000;
    // Gas: every transaction of the flow, from its receipt.
    const hashes = [
      ...filed.transactions.flatMap((t) => [t.commitTxHash, t.txHash]),
      ...accepted.transactions.map((t) => t.txHash),
      ...confirmed.transactions.map((t) => t.txHash),
    ];
    let gas = 0n;
    for (const h of hashes) {
      const r = await node.provider.getTransactionReceipt(h);
      if (!r || r.status !== 1) throw new Error(`transaction ${h} failed`);
      gas += r.gasUsed;
    }
    const gasPerRegistration = Number(gas) / ASSETS;
    return { endToEndRegistrationsPerSec: ASSETS / seconds, gasCeilingRegistrationsPerSec: BLOCK_GAS_PER_SEC / gasPerRegistration, gasPerRegistration, seconds };
  } finally {
    await server.current?.destroy();
    await node.stop();
  }
}

async function countRegistered(api: ProvenanceClient, holder: string): Promise<number> {
  let n = 0;
  for await (const a of api.allMemberAssets(holder, { limit: 200 })) if (a.status === "registered") n += 1;
  return n;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), "drl-bench-sdk-"));
  try {
    if (process.env.BENCH_SDK_ONLY === "e2e") {
      // A quicker run of the end-to-end part alone; writes no results file.
      const e = await endToEnd(work);
      console.log(`end to end: ${round(e.endToEndRegistrationsPerSec)} /s; gas ceiling ${round(e.gasCeilingRegistrationsPerSec)} /s`);
      return;
    }
    const fp = await fingerprints(work);
    rmSync(path.join(work, "big.bin"), { force: true });
    const e2e = await endToEnd(work);
    const results = {
      fingerprintMBps: round(fp.fingerprintMBps),
      sha256sumMBps: round(fp.sha256sumMBps),
      fingerprintPeakRssMb: round(fp.fingerprintPeakRssMb),
      dirFingerprintFilesPerSec: round(fp.dirFingerprintFilesPerSec),
      endToEndRegistrationsPerSec: round(e2e.endToEndRegistrationsPerSec),
      gasCeilingRegistrationsPerSec: round(e2e.gasCeilingRegistrationsPerSec),
    };
    const rows: [string, string, string, boolean][] = [
      ["fingerprint of the file", `${results.fingerprintMBps} MB/s`, `≥ 90% of sha256sum (${round(results.sha256sumMBps * 0.9)} MB/s); ratio ${round(results.fingerprintMBps / results.sha256sumMBps)}`, results.fingerprintMBps >= 0.9 * results.sha256sumMBps],
      ["sha256sum, same file", `${results.sha256sumMBps} MB/s`, "(baseline)", true],
      ["fingerprint peak RSS", `${results.fingerprintPeakRssMb} MB`, "≤ 100 MB", results.fingerprintPeakRssMb <= 100],
      [`directory of ${DIR_FILES} files`, `${results.dirFingerprintFilesPerSec} files/s`, "≥ 5,000 files/s", results.dirFingerprintFilesPerSec >= 5000],
      [
        `end to end, ${ASSETS} registrations`,
        `${results.endToEndRegistrationsPerSec} /s (${round(e2e.seconds)} s)`,
        `≥ 50% of the gas ceiling (${round(results.gasCeilingRegistrationsPerSec * 0.5)} /s); ratio ${round(results.endToEndRegistrationsPerSec / results.gasCeilingRegistrationsPerSec)}`,
        results.endToEndRegistrationsPerSec >= 0.5 * results.gasCeilingRegistrationsPerSec,
      ],
      ["gas ceiling", `${results.gasCeilingRegistrationsPerSec} /s`, `30M gas/s ÷ ${Math.round(e2e.gasPerRegistration)} gas per registration`, true],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log("");
    for (const [what, value, target, ok] of rows) console.log(`${what.padEnd(w0)}  ${value.padEnd(w1)}  ${target}${ok ? "" : "  MISSES TARGET"}`);
    mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(path.join(ROOT, "bench/results/sdk.json"), `${JSON.stringify(results, null, 2)}\n`);
    console.log("\nwrote bench/results/sdk.json");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const round = (x: number): number => Math.round(x * 100) / 100;

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
