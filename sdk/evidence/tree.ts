/**
 * The evidence batch's Merkle tree and every item's proof, in one pass.
 *
 * The tree is OpenZeppelin's StandardMerkleTree for `bytes32` leaves (what EvidenceAnchor.verify
 * checks): leaf = keccak256(keccak256(abi.encode(item))), sorted pairs. Built as a
 * SimpleMerkleTree over those leaf hashes it is the same tree node for node, and each proof is
 * read off the nodes sibling by sibling. StandardMerkleTree.getProof re-hashes the tree to check
 * every proof it returns, which makes 10,000 proofs take seconds instead of milliseconds.
 */
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, keccak256 } from "ethers";

const coder = AbiCoder.defaultAbiCoder();

/** The standard leaf hash of one `bytes32` item (as StandardMerkleTree and EvidenceAnchor compute it). */
export function evidenceLeafHash(item: string): string {
  return keccak256(keccak256(coder.encode(["bytes32"], [item])));
}

export interface EvidenceTree {
  root: string;
  /** proofs[i] is the proof of the i-th leaf hash given. */
  proofs: string[][];
}

/** The tree over already computed leaf hashes, and each leaf's proof. */
export function evidenceTreeOf(leafHashes: readonly string[]): EvidenceTree {
  const tree = SimpleMerkleTree.of([...leafHashes]);
  const { tree: nodes, values } = tree.dump();
  const proofs = values.map(({ treeIndex }) => {
    const proof: string[] = [];
    for (let i = treeIndex; i > 0; i = Math.floor((i - 1) / 2)) {
      const sibling = nodes[i % 2 === 1 ? i + 1 : i - 1];
      if (sibling === undefined) throw new Error(`the evidence tree has no sibling for node ${i}`);
      proof.push(sibling);
    }
    return proof;
  });
  return { root: tree.root, proofs };
}
