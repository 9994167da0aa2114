/**
 * Certificate benchmark (issue 11):
 *
 *   npm run bench:certs            (= hardhat compile --quiet && ts-node --transpile-only bench/certs.ts; tsc checks the types)
 *
 * Starts its own Anvil (node_modules/.bin/anvil), deploys the ledger and gives one asset
 * something in every list of its certificate (a licence, a valuation, a pledge, an admitted
 * objection, a court hold: test/helpers/certs-verify-world.ts). Then, each repeated
 * BENCH_CERTS_RUNS times (default 30) after a few warm-up runs, medians reported:
 *
 * - issueJsonMs: build the certificate from the chain at a block and sign it (EIP-712, the
 *   registrar's key in process: an ethers Wallet);
 * - issuePdfMs: the same, plus the A4 PDF with its QR code (sdk/certs/pdf.ts);
 * - verifyOnlineMs: verifyCertificate against the local chain, every check; the baseline, measured
 *   in the same run, is one bare eth_blockNumber round trip to the same node;
 * - verifyOfflineMs: verifyCertificate offline (checks 1, 2 and 6 with a given fingerprint);
 * - evidenceAnchor10kMs: sdk/evidence/tree.ts, the tree and proofs `drl evidence anchor` builds (@openzeppelin/merkle-tree,
 *   sdk/evidence/batch.ts anchors) over 10,000 items, and every item's proof; the items' leaf
 *   hashes are computed before the clock starts (hashing excluded). For reference, once, the
 *   same with leaf hashing and StandardMerkleTree.getProof (which re-hashes to check each proof);
 * - verifyOnlineRpcCalls: JSON-RPC calls one online verification makes (each element of a batch
 *   counts one), with the HTTP requests they travel in.
 *
 * Writes bench/results/certs.json (figures, targets, verdicts, baselines) and prints a table.
 * A missed target prints MISSES TARGET and still exits 0; a failure (a verdict that is not
 * VALID, a wrong count) exits non-zero.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import os from "node:os";
import { HDNodeWallet, hexlify, randomBytes } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { evidenceLeafHash, evidenceTreeOf } from "../sdk/evidence/tree";
import { issueCertificate } from "../sdk/certs/build";
import { renderCertificatePdf } from "../sdk/certs/pdf";
import { verifyUrl } from "../sdk/certs/payload";
import { ChainRpc } from "../sdk/certs/rpc";
import { verifyCertificate } from "../sdk/certs/verify";
import { rawRpc } from "../test/helpers/anvil";
import { CREATED, startCertsWorld } from "../test/helpers/certs-verify-world";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_CERTS_RUNS ?? 30);
const WARMUP = 3;
const ITEMS = 10_000;
const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

type Key = "issueJsonMs" | "issuePdfMs" | "verifyOnlineMs" | "verifyOfflineMs" | "evidenceAnchor10kMs" | "verifyOnlineRpcCalls";
const TARGETS: Record<Key, { text: string; max: number | null }> = {
  issueJsonMs: { text: "<= 50", max: 50 },
  issuePdfMs: { text: "<= 300", max: 300 },
  verifyOnlineMs: { text: "<= 100", max: 100 },
  verifyOfflineMs: { text: "<= 10", max: 10 },
  evidenceAnchor10kMs: { text: "<= 2000", max: 2000 },
  verifyOnlineRpcCalls: { text: "report (batched)", max: null },
};

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/** Runs `fn` WARMUP + RUNS times; the RUNS timings (ms). */
async function timed(fn: () => Promise<unknown>, runs = RUNS): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("BENCH_CERTS_RUNS must be a positive integer");
  console.log("starting Anvil, deploying the ledger and giving an asset a full certificate ...");
  const cw = await startCertsWorld();
  try {
    const registrarKey = HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, "m/44'/60'/0'/0/1");
    if (registrarKey.address !== cw.w.registrar.address) throw new Error("the registrar is not dev account 1");
    const rpc = new ChainRpc([cw.node.url]);
    const input = { assetId: cw.assets.rich, atBlock: cw.issuedAt, created: CREATED };
    const cert = await issueCertificate(rpc, cw.deployment, registrarKey, input);
    const url = verifyUrl("https://portal.example", cert);
    // A block after the anchor, so that check 7 reads the logs since, as a real verification does.
    await cw.node.mine(1);

    console.log(`timing, ${RUNS} runs each after ${WARMUP} warm-up runs ...`);
    const issueJson = await timed(() => issueCertificate(rpc, cw.deployment, registrarKey, input));
    const issuePdf = await timed(async () => {
      const c = await issueCertificate(rpc, cw.deployment, registrarKey, input);
      const pdf = await renderCertificatePdf(c, { verifyUrl: verifyUrl("https://portal.example", c) });
      if (pdf.length < 1000) throw new Error("the PDF is empty");
    });
    const pdfOnly = await timed(() => renderCertificatePdf(cert, { verifyUrl: url }));

    const calls: number[] = [];
    const requests: number[] = [];
    const verifyOnline = await timed(async () => {
      const r = await verifyCertificate(cert, { deployment: cw.deployment, rpcUrls: [cw.node.url] });
      if (r.verdict !== "VALID") throw new Error(`online verification answered ${r.verdict}: ${r.summary}`);
      calls.push(r.rpcCalls);
      requests.push(r.httpRequests);
    });
    const baseline = await timed(() => rawRpc<string>(cw.node.url, "eth_blockNumber"));
    const data = { contentHash: cert.credentialSubject.contentHash };
    const verifyOffline = await timed(async () => {
      const r = await verifyCertificate(cert, { offline: true, data });
      if (r.verdict !== "VALID" || r.rpcCalls !== 0) throw new Error(`offline verification answered ${r.verdict}`);
    });

    // The items' leaf hashes (the standard leaf hash of each fingerprint) are computed before the
    // clock starts: "hashing excluded". The tree over them is OpenZeppelin's (SimpleMerkleTree over
    // the leaf hashes is node for node StandardMerkleTree's: same sort, same pair hash, same root,
    // checked below), and each proof is read from the tree's nodes, sibling by sibling.
    const items = Array.from({ length: ITEMS }, () => [hexlify(randomBytes(32))] as [string]);
    const leafHashes = items.map(([v]) => evidenceLeafHash(v));
    // What `drl evidence anchor` runs (sdk/evidence/batch.ts builds its batch with it).
    const buildWithProofs = () => evidenceTreeOf(leafHashes);
    {
      const standard = StandardMerkleTree.of(items, ["bytes32"]);
      const { root, proofs } = buildWithProofs();
      if (root !== standard.root) throw new Error("the tree over the leaf hashes is not the evidence batch's tree");
      for (const i of [0, 1, 4999, ITEMS - 1]) {
        if (JSON.stringify(proofs[i]) !== JSON.stringify(standard.getProof(items[i]!))) throw new Error(`proof ${i} differs from StandardMerkleTree.getProof`);
      }
    }
    const anchor10k = await timed(async () => {
      const { proofs } = buildWithProofs();
      if (proofs.length !== ITEMS) throw new Error(`${proofs.length} proofs, not ${ITEMS}`);
    }, Math.min(RUNS, 7));
    // For reference, once: everything as sdk/evidence/batch.ts does it for 10,000 items (leaf hashing
    // inside StandardMerkleTree.of, and getProof, which re-hashes and checks each proof).
    const t0 = performance.now();
    const whole = StandardMerkleTree.of(items, ["bytes32"]);
    for (let i = 0; i < ITEMS; i++) whole.getProof(i);
    const standardWithLeafHashingMs = performance.now() - t0;

    const rpcCalls = median(calls);
    if (new Set(calls).size !== 1) console.log(`note: the RPC call count varied between runs: ${[...new Set(calls)].join(", ")}`);
    const figures: Record<Key, number> = {
      issueJsonMs: round(median(issueJson)),
      issuePdfMs: round(median(issuePdf)),
      verifyOnlineMs: round(median(verifyOnline)),
      verifyOfflineMs: round(median(verifyOffline), 3),
      evidenceAnchor10kMs: round(median(anchor10k)),
      verifyOnlineRpcCalls: rpcCalls,
    };
    const verdicts = Object.fromEntries(
      (Object.keys(TARGETS) as Key[]).map((k) => {
        const max = TARGETS[k].max;
        return [k, max === null ? "reported" : figures[k] <= max ? "pass" : "MISSES TARGET"];
      }),
    ) as Record<Key, string>;
    const baselines = {
      rpcRoundTripMs: round(median(baseline), 3),
      verifyOnlineVsRoundTrip: round(figures.verifyOnlineMs / Math.max(0.001, median(baseline)), 1),
      verifyOnlineHttpRequests: median(requests),
      pdfRenderOnlyMs: round(median(pdfOnly)),
      evidenceStandardTreeWithLeafHashingAndCheckedProofsMs: round(standardWithLeafHashingMs),
    };
    const result = {
      ...figures,
      targets: Object.fromEntries((Object.keys(TARGETS) as Key[]).map((k) => [k, TARGETS[k].text])),
      verdicts,
      baselines,
      runs: RUNS,
      warmupRuns: WARMUP,
      evidenceItems: ITEMS,
      certificateBytes: JSON.stringify(cert).length,
      subject: {
        licences: cert.credentialSubject.licences.length,
        valuations: cert.credentialSubject.valuations.length,
        pledges: cert.credentialSubject.encumbrances.pledges.length,
        objections: cert.credentialSubject.encumbrances.objections.length,
        holds: cert.credentialSubject.encumbrances.holds.length,
        blocksOfHistory: cw.issuedAt - cw.deployment.deployBlock,
      },
      // The figures are wall-clock on a shared machine: the load average says how busy it was.
      machine: { node: process.version, cpus: os.cpus().length, loadAverage1m: round(os.loadavg()[0] ?? 0) },
    };

    const rows: [string, string, string, string][] = [
      ["issueJsonMs", String(figures.issueJsonMs), TARGETS.issueJsonMs.text, verdicts.issueJsonMs],
      ["issuePdfMs", String(figures.issuePdfMs), TARGETS.issuePdfMs.text, `${verdicts.issuePdfMs} (render alone ${baselines.pdfRenderOnlyMs} ms)`],
      ["verifyOnlineMs", String(figures.verifyOnlineMs), TARGETS.verifyOnlineMs.text, `${verdicts.verifyOnlineMs} (baseline eth_blockNumber round trip ${baselines.rpcRoundTripMs} ms)`],
      ["verifyOfflineMs", String(figures.verifyOfflineMs), TARGETS.verifyOfflineMs.text, verdicts.verifyOfflineMs],
      ["evidenceAnchor10kMs", String(figures.evidenceAnchor10kMs), TARGETS.evidenceAnchor10kMs.text, `${verdicts.evidenceAnchor10kMs} (with leaf hashing and getProof's checks, once: ${baselines.evidenceStandardTreeWithLeafHashingAndCheckedProofsMs} ms)`],
      ["verifyOnlineRpcCalls", String(figures.verifyOnlineRpcCalls), TARGETS.verifyOnlineRpcCalls.text, `in ${baselines.verifyOnlineHttpRequests} HTTP requests`],
    ];
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ["key", "median", "target"][i]!.length));
    const line = (r: string[]) => `| ${r.map((c, i) => (i === 1 ? c.padStart(w[i] ?? 0) : i < 3 ? c.padEnd(w[i] ?? 0) : c)).join(" | ")} |`;
    console.log(line(["key", "median", "target", "verdict"]));
    for (const r of rows) console.log(line(r));

    const out = path.join(ROOT, "bench", "results", "certs.json");
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
    console.log(`wrote ${path.relative(ROOT, out)}`);
  } finally {
    await cw.node.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
