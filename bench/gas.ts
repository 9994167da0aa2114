/**
 * Gas benchmark of the ledger's main operations on the in-process Hardhat network.
 *
 *   npm run bench:gas        (= npx hardhat run bench/gas.ts)
 *
 * Every figure is `gasUsed` from a transaction receipt (intrinsic 21,000 and calldata included).
 * Prints a table against the targets, a table of reference figures quoted from the issue, and
 * writes bench/results/gas.json. A missed target is reported as MISSED and the process still
 * exits 0; a failed measurement (a reverted transaction, a failed check) exits non-zero.
 * See bench/README.md for what each figure means.
 */
import fs from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  DAY,
  Status,
  application,
  batchCommitmentOf,
  commitmentOf,
  deployWorld,
  h,
  licenseTerms,
  type ApplicationInput,
  type World,
} from "../test/helpers/fixture";
import { LEDGER_CONTRACTS } from "../scripts/lib/ledger";
import { artifacts } from "hardhat";

// ─── Inputs ─────────────────────────────────────────────────────────────────────────────

/** A realistic metadata location: an IPFS CIDv1 (base32), as a registration centre would store. */
const METADATA_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
const EVIDENCE_ITEMS = 1000;
const BATCH_SIZE = 50;
const PUBLICITY = DAY;

const TARGETS = {
  commit: 50_000,
  apply: 150_000,
  applyAcceptConfirm: 260_000,
  licenseGrant: 120_000,
  transfer: 80_000,
  evidenceAnchor1000: 50_000,
  batchApplyPerAsset: 120_000,
} as const;
type Metric = keyof typeof TARGETS;

/** Quoted from the issue (same Hardhat 2.29 network); NOT measured by this script. */
const REFERENCE = {
  easAttest: 338_986,
  easMultiAttestPerItem: 301_081,
  ozErc721Mint: 51_088,
  documentStoreIssue: 48_157,
} as const;

// ─── Helpers ────────────────────────────────────────────────────────────────────────────

/** Sends, waits, and returns gasUsed; throws if the transaction failed. */
async function gasOf(label: string, sent: Promise<ContractTransactionResponse>): Promise<bigint> {
  const tx = await sent;
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`${label}: transaction failed (${tx.hash})`);
  return receipt.gasUsed;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** A realistic application: unique content, source evidence and metadata hashes, 60+ char URI. */
function realisticApplication(overrides: Partial<ApplicationInput> = {}): Promise<ApplicationInput> {
  return application({ metadataUri: METADATA_URI, ...overrides });
}

interface Lifecycle {
  id: bigint;
  commit: bigint;
  submit: bigint;
  accept: bigint;
  confirm: bigint;
}

/** commit → reveal (submit) → accept (one-day publicity) → wait → confirm, measuring each step. */
async function registerMeasured(w: World, applicant: HardhatEthersSigner): Promise<Lifecycle> {
  const { registry, office } = w.ledger;
  const app = await realisticApplication();
  const salt = h("salt");
  const commit = await gasOf("commit", office.connect(applicant).commit(commitmentOf(applicant.address, String(app.contentHash), salt)));
  const id = await registry.nextAssetId();
  const submit = await gasOf("submit", office.connect(applicant).submit(app, salt));
  const accept = await gasOf("accept", registry.connect(w.registrar).accept(id, PUBLICITY));
  await time.increase(PUBLICITY);
  const confirm = await gasOf("confirm", registry.connect(w.registrar).confirm(id));
  check((await registry.statusOf(id)) === Status.Registered, `asset ${id} registered`);
  check((await registry.ownerOf(id)) === applicant.address, `asset ${id} held by the applicant`);
  return { id, commit, submit, accept, confirm };
}

const fmt = (n: bigint | number): string => Number(n).toLocaleString("en-US");
const ratio = (a: bigint | number, b: bigint | number): string => (Number(a) / Number(b)).toFixed(3);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((hd, i) => Math.max(hd.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ") + " |";
  const sep = "|" + widths.map((wd, i) => (i === 0 ? "-".repeat(wd + 2) : "-".repeat(wd + 1) + ":")).join("|") + "|";
  return [line(header), sep, ...rows.map(line)].join("\n");
}

// ─── Benchmark ──────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const w = await deployWorld();
  const { registry, licenses, evidence } = w.ledger;
  const { alice, bob, carol } = w;

  // 1. alice's first-ever application, taken through to registration (she holds nothing yet:
  //    confirm sets her holdings counter from zero).
  const first = await registerMeasured(w, alice);

  // 2. Steady state: alice already holds one registered asset.
  const steady = await registerMeasured(w, alice);
  const apply = steady.submit;
  const applyAcceptConfirm = steady.submit + steady.accept + steady.confirm;
  const applyAcceptConfirmFirst = first.submit + first.accept + first.confirm;

  // 3. First licence on asset `steady.id`, holder alice to member bob.
  const terms = await licenseTerms(bob.address);
  const licenseId = await licenses.nextLicenseId();
  const licenseGrant = await gasOf("grant", licenses.connect(alice).grant(steady.id, terms));
  check((await licenses.licenseOf(licenseId)).licensee === bob.address, "licence stored for bob");
  check(await licenses.isInForce(licenseId), "licence in force");

  // 4. Transfers. alice gets a third asset so that she still holds at least one after both
  //    transfers (no clear-to-zero refund flatters the figure); bob holds one asset, carol none.
  const third = await registerMeasured(w, alice);
  const bobs = await registerMeasured(w, bob);
  check((await registry.balanceOf(bob.address)) === 1n, "bob holds one asset");
  check((await registry.balanceOf(carol.address)) === 0n, "carol holds none");
  const transfer = await gasOf(
    "transfer to a holder",
    registry.connect(alice).transferFrom(alice.address, bob.address, first.id),
  );
  check((await registry.ownerOf(first.id)) === bob.address, "first asset now bob's");
  const transferToEmpty = await gasOf(
    "transfer to a non-holder",
    registry.connect(alice).transferFrom(alice.address, carol.address, third.id),
  );
  check((await registry.ownerOf(third.id)) === carol.address, "third asset now carol's");
  check((await registry.balanceOf(alice.address)) === 1n, "alice still holds one asset");

  // 5. Evidence: one anchor for a Merkle tree of 1,000 random hashes.
  const values = Array.from({ length: EVIDENCE_ITEMS }, () => ethers.hexlify(ethers.randomBytes(32)));
  const tree = StandardMerkleTree.of(
    values.map((v) => [v]),
    ["bytes32"],
  );
  const manifestHash = ethers.keccak256(ethers.toUtf8Bytes(JSON.stringify(values)));
  const evidenceAnchor1000 = await gasOf(
    "anchor",
    evidence.connect(carol).anchor(tree.root, EVIDENCE_ITEMS, manifestHash),
  );
  const probe = Math.floor(Math.random() * EVIDENCE_ITEMS);
  const probeValue = values[probe];
  if (probeValue === undefined) throw new Error("probe index out of range");
  const [valid] = await evidence.verify(carol.address, tree.root, probeValue, tree.getProof(probe));
  check(valid, `evidence item ${probe} verifies against the anchored root`);
  const [forged] = await evidence.verify(carol.address, tree.root, h("not-in-tree"), tree.getProof(probe));
  check(!forged, "an item not in the tree does not verify");

  // 6. Batch of 50 applications by bob (who already holds an asset).
  const apps: ApplicationInput[] = [];
  for (let i = 0; i < BATCH_SIZE; i++) apps.push(await realisticApplication());
  const batchSalt = h("salt");
  await gasOf("batch commit", w.ledger.office.connect(bob).commit(batchCommitmentOf(bob.address, apps.map((a) => String(a.contentHash)), batchSalt)));
  const firstBatchId = await registry.nextAssetId();
  const batchGas = await gasOf("submitBatch", w.ledger.office.connect(bob).submitBatch(apps, batchSalt));
  const batchApplyPerAsset = Math.round(Number(batchGas) / BATCH_SIZE);
  check((await registry.nextAssetId()) === firstBatchId + BigInt(BATCH_SIZE), "batch advanced the id counter by 50");
  for (let i = 0n; i < BigInt(BATCH_SIZE); i++) {
    const id = firstBatchId + i;
    check((await registry.statusOf(id)) === Status.Applied, `batch asset ${id} exists and is Applied`);
    const { holder } = await registry.recordOf(id);
    check(holder === bob.address, `batch asset ${id} filed by bob`);
  }

  // 7. Baseline measured in this run: a plain OpenZeppelin ERC-721 mint and transfer, to a
  //    receiver that already holds a token (the same steady state as the figures above).
  const baseline = await (await ethers.getContractFactory("BaselineERC721")).deploy();
  await baseline.waitForDeployment();
  await (await baseline.mint(bob.address, 1n)).wait();
  await (await baseline.mint(alice.address, 2n)).wait();
  const baselineMint = await gasOf("baseline mint", baseline.mint(alice.address, 3n));
  const baselineTransfer = await gasOf(
    "baseline transfer",
    baseline.connect(alice).transferFrom(alice.address, bob.address, 2n),
  );
  check((await baseline.ownerOf(2n)) === bob.address, "baseline token moved");

  // ─── Report ─────────────────────────────────────────────────────────────────────────
  const results: Record<Metric, number> = {
    commit: Number(steady.commit),
    apply: Number(apply),
    applyAcceptConfirm: Number(applyAcceptConfirm),
    licenseGrant: Number(licenseGrant),
    transfer: Number(transfer),
    evidenceAnchor1000: Number(evidenceAnchor1000),
    batchApplyPerAsset,
  };

  const missed: string[] = [];
  const row = (label: string, gas: number, metric: Metric, counts: boolean): string[] => {
    const target = TARGETS[metric];
    const within = gas <= target;
    if (!within && counts) missed.push(`${metric}: ${fmt(gas)} > ${fmt(target)} (over by ${fmt(gas - target)})`);
    const verdict = within ? "yes" : `no  MISSED by ${fmt(gas - target)}`;
    return [label, fmt(gas), fmt(target), ratio(gas, target), verdict];
  };

  console.log("\nGas benchmark (Hardhat network, gasUsed from receipts)\n");
  console.log(
    table(
      ["operation", "measured gas", "target", "measured/target", "within target"],
      [
        row("commit (one application)", results.commit, "commit", true),
        row("apply (the reveal: submit, steady state)", results.apply, "apply", true),
        row("  extra: apply, member's first-ever application", Number(first.submit), "apply", false),
        row("applyAcceptConfirm (reveal + accept + confirm, holder already holds 1)", results.applyAcceptConfirm, "applyAcceptConfirm", true),
        row("  extra: applyAcceptConfirm, member's first asset", Number(applyAcceptConfirmFirst), "applyAcceptConfirm", false),
        row("licenseGrant (first licence on the asset)", results.licenseGrant, "licenseGrant", true),
        row("transfer (to a member holding 1 asset)", results.transfer, "transfer", true),
        row("  extra: transfer to a member holding none", Number(transferToEmpty), "transfer", false),
        row(`evidenceAnchor1000 (1 tx for ${EVIDENCE_ITEMS} items)`, results.evidenceAnchor1000, "evidenceAnchor1000", true),
        row(`batchApplyPerAsset (submitBatch of ${BATCH_SIZE} / ${BATCH_SIZE})`, results.batchApplyPerAsset, "batchApplyPerAsset", true),
      ],
    ),
  );
  console.log(
    `\nbreakdown: steady submit ${fmt(steady.submit)} + accept ${fmt(steady.accept)} + confirm ${fmt(steady.confirm)}; ` +
      `first asset submit ${fmt(first.submit)} + accept ${fmt(first.accept)} + confirm ${fmt(first.confirm)}; ` +
      `bob's first asset (after others) ${fmt(bobs.submit + bobs.accept + bobs.confirm)}; ` +
      `submitBatch(${BATCH_SIZE}) total ${fmt(batchGas)}.`,
  );
  console.log("extra rows are for context only and are not written to gas.json.");

  console.log("\nreference figures (same Hardhat 2.29 network, from the issue) — quoted from the issue, NOT measured here\n");
  console.log(
    table(
      ["reference operation", "quoted gas"],
      [
        ["EAS attest (similar payload)", fmt(REFERENCE.easAttest)],
        ["EAS multiAttest, per item", fmt(REFERENCE.easMultiAttestPerItem)],
        ["OpenZeppelin ERC-721 mint", fmt(REFERENCE.ozErc721Mint)],
        ["OpenAttestation DocumentStore issue(root)", fmt(REFERENCE.documentStoreIssue)],
      ],
    ),
  );
  console.log("");
  console.log(
    table(
      ["ratio (measured here / quoted)", "ratio"],
      [
        ["apply / EAS attest", ratio(results.apply, REFERENCE.easAttest)],
        ["batchApplyPerAsset / EAS multiAttest per item", ratio(results.batchApplyPerAsset, REFERENCE.easMultiAttestPerItem)],
        ["evidenceAnchor1000 / DocumentStore issue", ratio(results.evidenceAnchor1000, REFERENCE.documentStoreIssue)],
      ],
    ),
  );

  console.log("\nbaseline measured in this run: plain OpenZeppelin ERC-721 (receiver already holds a token)\n");
  console.log(
    table(
      ["operation", "measured gas", "ledger / baseline"],
      [
        ["ERC-721 mint (baseline)", fmt(Number(baselineMint)), ""],
        ["ERC-721 transferFrom (baseline)", fmt(Number(baselineTransfer)), ""],
        ["ledger apply+accept+confirm vs mint", fmt(results.applyAcceptConfirm), ratio(results.applyAcceptConfirm, baselineMint)],
        ["ledger transfer (all rules) vs transferFrom", fmt(results.transfer), ratio(results.transfer, baselineTransfer)],
      ],
    ),
  );

  // Runtime size of every deployable contract against the 24,576-byte limit (EIP-170); the
  // project keeps at least 4 KB of headroom in each.
  const LIMIT = 24_576;
  const HEADROOM = 4_096;
  const sizes: Record<string, number> = {};
  const sizeRows: string[][] = [];
  for (const name of [...Object.values(LEDGER_CONTRACTS)]) {
    const bytes = (await artifacts.readArtifact(name)).deployedBytecode.length / 2 - 1;
    sizes[name] = bytes;
    const room = LIMIT - bytes;
    if (room < HEADROOM) missed.push(`${name}: runtime ${fmt(bytes)} bytes leaves ${fmt(room)} (< ${fmt(HEADROOM)}) under the limit`);
    sizeRows.push([name, fmt(bytes), fmt(room), (bytes / LIMIT).toFixed(3), room >= HEADROOM ? "yes" : "no  TOO BIG"]);
  }
  console.log("\ncontract runtime sizes (EIP-170 limit 24,576 bytes; at least 4,096 bytes of headroom wanted)\n");
  console.log(table(["contract", "runtime bytes", "headroom", "size/limit", "≥ 4 KB headroom"], sizeRows));

  const out = path.join(__dirname, "results", "gas.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ ...results, sizes }) + "\n");
  console.log(`\nwrote ${path.relative(process.cwd(), out)}: ${JSON.stringify(results)}`);

  if (missed.length > 0) {
    console.log(`\nMISSED ${missed.length} target(s):\n  ${missed.join("\n  ")}`);
  } else {
    console.log("\nall targets met.");
  }
}

main().catch((error: unknown) => {
  console.error("benchmark failed:", error);
  process.exitCode = 1;
});
