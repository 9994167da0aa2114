/**
 * Evidence batches: many files' fingerprints (plain SHA-256, 0x-hex) as the leaves of one
 * OpenZeppelin StandardMerkleTree (leaf type ["bytes32"], what EvidenceAnchor.verify checks),
 * its root anchored in one transaction, and one proof file per item, `<file name>.proof.json`.
 * A proof file is enough to verify the item offline; online, the chain says who anchored it,
 * when, and whether it was revoked.
 *
 * The batch's manifest (its hash is anchored with the root) is `sha256sum`'s own output format:
 * `<sha256 hex>  <file name>\n` per item in leaf order, so `sha256sum -c` checks it.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { z } from "zod";
import type { LedgerClient } from "../ledger/client";
import { InputError } from "../ledger/errors";
import { parseInput } from "../ledger/inputs";
import { fingerprintFile } from "../fingerprint/fingerprint";
import { evidenceLeafHash, evidenceTreeOf } from "./tree";

const Hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string")
  .transform((h) => h.toLowerCase());
const Addr = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address");

/** The proof file of one evidence item. */
export const EvidenceProofFile = z
  .object({
    type: z.literal("drl.evidenceProof", { error: () => 'must be "drl.evidenceProof"' }),
    version: z.literal(1, { error: () => "must be 1" }),
    /** The item's file name when anchored. */
    file: z.string().min(1, "must not be empty"),
    /** The item: the file's SHA-256 (as sha256sum prints it) as 0x-hex. */
    leaf: Hex32,
    root: Hex32,
    proof: z.array(Hex32).max(64, "is too long for any tree"),
    itemCount: z.number().int().min(1, "must be at least 1"),
    manifestHash: Hex32,
    anchor: z
      .object({
        txHash: Hex32,
        blockNumber: z.number().int().min(0),
        chainId: z.string().regex(/^\d+$/, "must be a decimal chain id"),
        anchorer: Addr,
        evidenceContract: Addr,
        anchoredAt: z.number().int().min(0),
      })
      .strict(),
    /** The deposit number: the anchor's id (block-logIndex) and the leaf's index in the tree. */
    deposit: z
      .object({
        number: z.string().regex(/^EV-\d+-\d+-\d+-\d+$/, "must look like EV-<chain>-<block>-<log>-<leaf>"),
        anchorId: z.string().regex(/^\d+-\d+$/, "must be <block>-<logIndex>"),
        leafIndex: z.number().int().min(0),
      })
      .strict(),
  })
  .strict();
export type EvidenceProof = z.output<typeof EvidenceProofFile>;

export interface EvidenceItem {
  file: string;
  leaf: string;
  size: number;
}

export interface EvidenceBatch {
  items: EvidenceItem[];
  /** proofs[i] is items[i]'s Merkle proof. */
  proofs: string[][];
  root: string;
  /** sha256sum-format lines of the items in leaf order. */
  manifest: string;
  manifestHash: string;
}

/** Fingerprints the files and builds the tree (nothing is sent). */
export async function buildEvidenceBatch(files: readonly string[], opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<EvidenceBatch> {
  if (files.length === 0) throw new InputError("files", "must name at least one evidence file");
  const names = new Set<string>();
  const items: EvidenceItem[] = [];
  for (const f of files) {
    const name = path.basename(f);
    if (names.has(name)) throw new InputError("files", `two files are named ${name}: their proof files would collide`);
    names.add(name);
    const fp = await fingerprintFile(f);
    items.push({ file: name, leaf: fp.hash, size: fp.size });
    opts.onProgress?.(items.length, files.length);
  }
  const tree = evidenceTreeOf(items.map((i) => evidenceLeafHash(i.leaf)));
  const manifest = items.map((i) => `${i.leaf.slice(2)}  ${i.file}\n`).join("");
  const manifestHash = `0x${createHash("sha256").update(manifest, "utf8").digest("hex")}`;
  return { items, proofs: tree.proofs, root: tree.root, manifest, manifestHash };
}

function proofOf(batch: EvidenceBatch, leafIndex: number): string[] {
  const proof = batch.proofs[leafIndex];
  if (proof === undefined) throw new Error(`the evidence tree has no proof for item ${leafIndex}`);
  return proof;
}

export interface AnchoredBatch {
  txHash: string;
  blockNumber: number;
  root: string;
  proofs: { file: string; proofFile: string; proof: EvidenceProof }[];
}

/**
 * Anchors a batch with `client` and writes `<name>.proof.json` per item (and the manifest as
 * `evidence-<root prefix>.sha256`) into `outDir`.
 */
export async function anchorEvidenceBatch(client: LedgerClient, files: readonly string[], outDir: string): Promise<AnchoredBatch> {
  const batch = await buildEvidenceBatch(files);
  const tx = await client.anchorEvidence({ root: batch.root, itemCount: batch.items.length, manifestHash: batch.manifestHash });
  const event = tx.events.find((e) => e.name === "EvidenceAnchored");
  const anchorer = String(event?.args.anchorer ?? (await client.address()));
  const logIndex = event?.logIndex ?? 0;
  const chainId = await client.chainId();
  const block = await client.call(async () => (client.runner.provider ?? null)?.getBlock(tx.blockNumber));
  const anchoredAt = block?.timestamp ?? 0;
  const evidenceContract = client.deployment.addresses.evidence;
  const proofs: AnchoredBatch["proofs"] = [];
  for (const [leafIndex, item] of batch.items.entries()) {
    const proof: EvidenceProof = {
      type: "drl.evidenceProof",
      version: 1,
      file: item.file,
      leaf: item.leaf,
      root: batch.root,
      proof: proofOf(batch, leafIndex),
      itemCount: batch.items.length,
      manifestHash: batch.manifestHash,
      anchor: { txHash: tx.txHash, blockNumber: tx.blockNumber, chainId: chainId.toString(), anchorer, evidenceContract, anchoredAt },
      deposit: { number: `EV-${chainId}-${tx.blockNumber}-${logIndex}-${leafIndex}`, anchorId: `${tx.blockNumber}-${logIndex}`, leafIndex },
    };
    const proofFile = path.join(outDir, `${item.file}.proof.json`);
    await writeFile(proofFile, `${JSON.stringify(proof, null, 2)}\n`);
    proofs.push({ file: item.file, proofFile, proof });
  }
  await writeFile(path.join(outDir, `evidence-${batch.root.slice(2, 14)}.sha256`), batch.manifest);
  return { txHash: tx.txHash, blockNumber: tx.blockNumber, root: batch.root, proofs };
}

export async function readEvidenceProof(file: string): Promise<EvidenceProof> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new InputError("proof file", `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError("proof file", `${file} is not valid JSON`);
  }
  return parseInput(EvidenceProofFile, json, "proof file");
}

export interface OfflineVerdict {
  valid: boolean;
  /** Why not, in words (empty when valid). */
  reasons: string[];
  fingerprint: string;
}

/** Checks an evidence file against its proof file alone: fingerprint = leaf, and the proof reaches the root. */
export async function verifyEvidenceOffline(evidenceFile: string, proof: EvidenceProof): Promise<OfflineVerdict> {
  const fp = await fingerprintFile(evidenceFile);
  const reasons: string[] = [];
  if (fp.hash !== proof.leaf) reasons.push(`the file's SHA-256 ${fp.sha256} is not the proof's item ${proof.leaf.slice(2)}`);
  let reaches = false;
  try {
    reaches = StandardMerkleTree.verify(proof.root, ["bytes32"], [proof.leaf], proof.proof);
  } catch {
    reaches = false;
  }
  if (!reaches) reasons.push("the proof does not lead from the item to the root");
  return { valid: reasons.length === 0, reasons, fingerprint: fp.hash };
}

export interface OnlineVerdict extends OfflineVerdict {
  anchored: boolean;
  revoked: boolean;
  anchorer: string;
  /** Unix seconds of the anchoring block (0 if not anchored). */
  anchoredAt: number;
}

/** Checks offline, then against the chain: anchored by the proof's anchorer, when, and not revoked. */
export async function verifyEvidenceOnline(client: LedgerClient, evidenceFile: string, proof: EvidenceProof): Promise<OnlineVerdict> {
  const offline = await verifyEvidenceOffline(evidenceFile, proof);
  const reasons = [...offline.reasons];
  const chainId = await client.chainId();
  if (chainId.toString() !== proof.anchor.chainId) reasons.push(`the proof is for chain ${proof.anchor.chainId}, this node is chain ${chainId}`);
  const ev = client.contracts.evidence;
  const a = await client.call(() => ev.anchorOf(proof.anchor.anchorer, proof.root));
  const anchoredAt = Number(a.anchoredAt);
  const anchored = anchoredAt !== 0;
  if (!anchored) reasons.push(`root ${proof.root} is not anchored by ${proof.anchor.anchorer} on this chain`);
  if (a.revoked) reasons.push(`root ${proof.root} was revoked by ${proof.anchor.anchorer}`);
  if (anchored && !a.revoked) {
    const [valid] = await client.call(() => ev.verify(proof.anchor.anchorer, proof.root, proof.leaf, proof.proof));
    if (!valid) reasons.push("the contract does not accept the proof");
  }
  return { valid: reasons.length === 0, reasons, fingerprint: offline.fingerprint, anchored, revoked: a.revoked, anchorer: proof.anchor.anchorer, anchoredAt };
}
