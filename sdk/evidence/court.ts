/**
 * Evidence deposits (存证) in court form: what an internet court's evidence platform answers
 * when a party brings a file and its deposit. The file is hashed again here (plain SHA-256, as
 * `sha256sum` prints it), the proof file's Merkle path is recomputed, and everything else comes
 * from the chain, not from the proof file: the anchor (EvidenceAnchor.anchorOf), the block and
 * transaction that deposited it (the EvidenceAnchored log), that block's hash and time, the
 * anchorer's member name (MemberRegistry.memberOf), and a later revocation (the EvidenceRevoked
 * log, with its block and transaction). What the proof file claims about its anchor is only
 * compared: a mismatch is a reason, never taken as fact.
 */
import path from "node:path";
import { z } from "zod";
import type { Provider } from "ethers";
import type { LedgerClient } from "../ledger/client";
import { InputError } from "../ledger/errors";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { EvidenceProof } from "./batch";
import { fingerprintFile } from "../fingerprint/fingerprint";
import { isoTimes } from "./times";

export { isoTimes };

const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const IsoUtc = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
const IsoBeijing = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);

/** A point on the chain with its time in UTC and in Beijing time (UTC+8). */
export const ChainMoment = z
  .object({
    block: z.number().int().min(0),
    blockHash: Hex32,
    tx: Hex32,
    logIndex: z.number().int().min(0),
    /** Unix seconds of the block. */
    time: z.number().int().min(0),
    timeUtc: IsoUtc,
    timeBeijing: IsoBeijing,
  })
  .strict();
export type ChainMoment = z.infer<typeof ChainMoment>;

/** The court-form answer about one file and its deposit. */
export const CourtEvidence = z
  .object({
    type: z.literal("drl.evidenceCourtAnswer"),
    version: z.literal(1),
    /** The file as given, its base name, its size in bytes. */
    file: z.string(),
    fileName: z.string(),
    size: z.number().int().min(0),
    /** SHA-256 of the file, lower-case hex as sha256sum prints it, and as the 0x item of the tree. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    fingerprint: Hex32,
    /** The deposit number EV-<chain>-<block>-<log>-<item>, from the chain's anchor when found (else the proof file's). */
    depositNumber: z.string(),
    itemIndex: z.number().int().min(0),
    itemCount: z.number().int().min(1),
    /** That exact file is an item of a root the anchorer anchored on this chain (revoked or not). */
    deposited: z.boolean(),
    /** Deposited, not revoked, and the proof file agrees with the chain. */
    valid: z.boolean(),
    /** Why not valid, in words (empty when valid). */
    reasons: z.array(z.string()),
    root: Hex32,
    manifestHash: Hex32,
    anchorer: Address,
    /** The anchorer's member name on the ledger (null if it is not a member). */
    anchorerName: z.string().nullable(),
    chainId: z.string().regex(/^\d+$/),
    evidenceContract: Address,
    /** Where and when the root was anchored, from the chain (null if not anchored). */
    anchor: ChainMoment.nullable(),
    revoked: z.boolean(),
    /** The revocation, from the chain (null if not revoked). */
    revocation: ChainMoment.extend({ reasonHash: Hex32 }).strict().nullable(),
    /** When the check ran (the node's latest block and its time). */
    checkedAtBlock: z.number().int().min(0),
    checkedAt: IsoUtc,
  })
  .strict();
export type CourtEvidence = z.infer<typeof CourtEvidence>;


interface FoundLog {
  blockNumber: number;
  transactionHash: string;
  index: number;
}

/** Asks the chain whether `evidenceFile` is the item its proof file says it is, and what became of it. */
export async function courtVerifyEvidence(client: LedgerClient, evidenceFile: string, proof: EvidenceProof): Promise<CourtEvidence> {
  const provider: Provider | null = client.runner.provider ?? null;
  if (provider === null) throw new InputError("client", "needs a provider to read the chain");
  const ev = client.contracts.evidence;
  // The file is hashed once (it may be large); the Merkle path is checked as batch.ts does.
  const fp = await fingerprintFile(evidenceFile);
  const reasons: string[] = [];
  const fileMatches = fp.hash === proof.leaf;
  if (!fileMatches) reasons.push(`the file's SHA-256 ${fp.sha256} is not the proof's item ${proof.leaf.slice(2)}`);
  let proofReaches = false;
  try {
    proofReaches = StandardMerkleTree.verify(proof.root, ["bytes32"], [proof.leaf], proof.proof);
  } catch {
    proofReaches = false;
  }
  if (!proofReaches) reasons.push("the proof does not lead from the item to the root");

  const chainId = (await client.chainId()).toString();
  if (chainId !== proof.anchor.chainId) reasons.push(`the proof is for chain ${proof.anchor.chainId}, this node is chain ${chainId}`);
  const evidenceContract = client.deployment.addresses.evidence;
  if (evidenceContract.toLowerCase() !== proof.anchor.evidenceContract.toLowerCase())
    reasons.push(`the proof names evidence contract ${proof.anchor.evidenceContract}, this deployment's is ${evidenceContract}`);

  const anchorer = proof.anchor.anchorer;
  const [record, member, head] = await Promise.all([
    client.call(() => ev.anchorOf(anchorer, proof.root)),
    client.call(() => client.contracts.members.memberOf(anchorer)),
    client.call(() => provider.getBlock("latest")),
  ]);
  const anchoredAt = Number(record.anchoredAt);
  const anchorerName = Number(member.status) !== 0 && member.name !== "" ? member.name : null;

  // The deposit's own log: first where the proof file says, else anywhere since deployment.
  let anchorLog: FoundLog | undefined;
  if (anchoredAt !== 0) {
    const filter = ev.filters.EvidenceAnchored(proof.root, anchorer);
    const at = proof.anchor.blockNumber;
    anchorLog = (await client.call(() => ev.queryFilter(filter, at, at)))[0];
    anchorLog ??= (await client.call(() => ev.queryFilter(filter, client.deployment.deployBlock, "latest")))[0];
  } else {
    reasons.push(`root ${proof.root} is not anchored by ${anchorer} on this chain`);
  }
  let anchor: CourtEvidence["anchor"] = null;
  if (anchorLog) {
    anchor = await moment(client, provider, anchorLog);
    if (anchor.time !== anchoredAt) reasons.push(`the anchor's block time ${anchor.time} is not the contract's anchoredAt ${anchoredAt}`);
    if (anchor.block !== proof.anchor.blockNumber || anchor.tx !== proof.anchor.txHash.toLowerCase())
      reasons.push(`the proof file says block ${proof.anchor.blockNumber}, tx ${proof.anchor.txHash}; the chain has the anchor at block ${anchor.block}, tx ${anchor.tx}`);
  } else if (anchoredAt !== 0) {
    reasons.push("the contract holds the anchor but the node returned no EvidenceAnchored log for it (a pruned node?)");
  }

  let revocation: CourtEvidence["revocation"] = null;
  if (record.revoked) {
    reasons.push(`root ${proof.root} was revoked by ${anchorer}`);
    const from = anchorLog?.blockNumber ?? client.deployment.deployBlock;
    const logs = await client.call(() => ev.queryFilter(ev.filters.EvidenceRevoked(proof.root, anchorer), from, "latest"));
    const log = logs[0];
    if (log) revocation = { ...(await moment(client, provider, log)), reasonHash: String(log.args.reasonHash).toLowerCase() };
  }

  const deposited = anchoredAt !== 0 && fileMatches && proofReaches;
  const depositNumber = anchor ? `EV-${chainId}-${anchor.block}-${anchor.logIndex}-${proof.deposit.leafIndex}` : proof.deposit.number;
  if (anchor && depositNumber !== proof.deposit.number) reasons.push(`the proof file's deposit number ${proof.deposit.number} is not the chain's ${depositNumber}`);
  const headTime = head?.timestamp ?? Math.floor(Date.now() / 1000);
  return CourtEvidence.parse({
    type: "drl.evidenceCourtAnswer",
    version: 1,
    file: evidenceFile,
    fileName: path.basename(evidenceFile),
    size: fp.size,
    sha256: fp.sha256,
    fingerprint: fp.hash,
    depositNumber,
    itemIndex: proof.deposit.leafIndex,
    itemCount: proof.itemCount,
    deposited,
    valid: deposited && !record.revoked && reasons.length === 0,
    reasons: [...new Set(reasons)],
    root: proof.root,
    manifestHash: proof.manifestHash,
    anchorer,
    anchorerName,
    chainId,
    evidenceContract,
    anchor,
    revoked: record.revoked,
    revocation,
    checkedAtBlock: head?.number ?? 0,
    checkedAt: isoTimes(headTime).timeUtc,
  });
}

async function moment(client: LedgerClient, provider: Provider, log: FoundLog): Promise<ChainMoment> {
  const block = await client.call(() => provider.getBlock(log.blockNumber));
  if (!block || block.hash === null) throw new InputError("block", `the node has no block ${log.blockNumber}`);
  return { block: log.blockNumber, blockHash: block.hash.toLowerCase(), tx: log.transactionHash.toLowerCase(), logIndex: log.index, time: block.timestamp, ...isoTimes(block.timestamp) };
}
