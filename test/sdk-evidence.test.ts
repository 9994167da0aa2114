/**
 * Evidence batches through the SDK on the Hardhat network: anchor many files' fingerprints as
 * one Merkle root, one proof file each; verify offline from the proof file alone and online
 * against the chain (who anchored, when, revoked or not); tampered files and proofs fail.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { evidenceLeafHash, evidenceTreeOf } from "../sdk/evidence/tree";
import { deployWorld, type World } from "./helpers/fixture";
import {
  EvidenceProofFile,
  InputError,
  LedgerClient,
  anchorEvidenceBatch,
  parseDeployment,
  readEvidenceProof,
  textHash,
  verifyEvidenceOffline,
  verifyEvidenceOnline,
  type Deployment,
  type LedgerKey,
} from "../sdk";

async function deploymentOf(w: World): Promise<Deployment> {
  const addresses: Record<string, string> = {};
  for (const [k, c] of Object.entries(w.ledger) as [LedgerKey, { getAddress(): Promise<string> }][]) addresses[k] = await c.getAddress();
  return parseDeployment({ network: "hardhat", chainId: 31337, deployBlock: 0, addresses });
}

describe("SDK evidence batches", function () {
  this.timeout(60_000);
  let w: World;
  let client: LedgerClient;
  let dir: string;
  let out: string;
  let files: string[];

  beforeEach(async () => {
    w = await deployWorld();
    client = LedgerClient.connect({ runner: w.alice, deployment: await deploymentOf(w) });
    dir = mkdtempSync(path.join(tmpdir(), "drl-ev-"));
    out = path.join(dir, "proofs");
    execFileSync("mkdir", [out]);
    files = ["contract.pdf", "invoice.csv", "photo.jpg", "log.txt", "证据.txt"].map((name, i) => {
      const f = path.join(dir, name);
      writeFileSync(f, `evidence item ${i}: ${name}\n`);
      return f;
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("anchors a batch and writes one proof file per item with the deposit number", async () => {
    const batch = await anchorEvidenceBatch(client, files, out);
    expect(batch.proofs).to.have.length(5);
    for (const [i, f] of files.entries()) {
      const proofFile = path.join(out, `${path.basename(f)}.proof.json`);
      expect(existsSync(proofFile), proofFile).to.equal(true);
      const proof = EvidenceProofFile.parse(JSON.parse(readFileSync(proofFile, "utf8")));
      const sha = execFileSync("sha256sum", [f], { encoding: "utf8" }).split(" ")[0];
      expect(proof.leaf).to.equal(`0x${sha}`);
      expect(proof.root).to.equal(batch.root);
      expect(proof.anchor).to.deep.include({ txHash: batch.txHash, blockNumber: batch.blockNumber, chainId: "31337", anchorer: w.alice.address });
      expect(proof.deposit.leafIndex).to.equal(i);
      expect(proof.deposit.number).to.equal(`EV-31337-${batch.blockNumber}-0-${i}`);
      expect(proof.itemCount).to.equal(5);
    }
    // The manifest is sha256sum's own format: `sha256sum -c` accepts it.
    const manifest = path.join(out, `evidence-${batch.root.slice(2, 14)}.sha256`);
    expect(execFileSync("sha256sum", ["-c", manifest], { cwd: dir, encoding: "utf8" })).to.match(/contract\.pdf: OK/);
    const anchored = await w.ledger.evidence.anchorOf(w.alice.address, batch.root);
    expect(anchored.itemCount).to.equal(5n);
  });

  it("verifies an item offline from its proof file alone, and refuses a changed file or proof", async () => {
    await anchorEvidenceBatch(client, files, out);
    const f = files[1] ?? "";
    const proof = await readEvidenceProof(path.join(out, "invoice.csv.proof.json"));
    expect((await verifyEvidenceOffline(f, proof)).valid).to.equal(true);

    writeFileSync(f, "evidence item 1: invoice.csv (edited)\n");
    const changed = await verifyEvidenceOffline(f, proof);
    expect(changed.valid).to.equal(false);
    expect(changed.reasons[0]).to.match(/is not the proof's item/);

    const other = await readEvidenceProof(path.join(out, "log.txt.proof.json"));
    const swapped = await verifyEvidenceOffline(files[3] ?? "", { ...other, proof: [...proof.proof] });
    expect(swapped.valid).to.equal(false);
    expect(swapped.reasons).to.deep.equal(["the proof does not lead from the item to the root"]);
  });

  it("verifies online: anchored by whom and when, then revoked", async () => {
    const batch = await anchorEvidenceBatch(client, files, out);
    const proof = await readEvidenceProof(path.join(out, "证据.txt.proof.json"));
    const block = await ethers.provider.getBlock(batch.blockNumber);
    const online = await verifyEvidenceOnline(client, files[4] ?? "", proof);
    expect(online).to.deep.include({ valid: true, anchored: true, revoked: false, anchorer: w.alice.address, anchoredAt: block?.timestamp });

    await client.revokeEvidence({ root: batch.root, reasonHash: textHash("forged source") });
    const revoked = await verifyEvidenceOnline(client, files[4] ?? "", proof);
    expect(revoked.valid).to.equal(false);
    expect(revoked.revoked).to.equal(true);
    expect(revoked.reasons).to.deep.equal([`root ${batch.root} was revoked by ${w.alice.address}`]);
    // Offline, the proof still holds: revocation is a fact of the chain.
    expect((await verifyEvidenceOffline(files[4] ?? "", proof)).valid).to.equal(true);
  });

  it("a proof naming another anchorer is not anchored online", async () => {
    await anchorEvidenceBatch(client, files, out);
    const proof = await readEvidenceProof(path.join(out, "log.txt.proof.json"));
    const claimed = { ...proof, anchor: { ...proof.anchor, anchorer: w.bob.address } };
    const v = await verifyEvidenceOnline(client, files[3] ?? "", claimed);
    expect(v.valid).to.equal(false);
    expect(v.anchored).to.equal(false);
  });

  it("refuses a malformed proof file and duplicate item names, naming the field", async () => {
    const bad = path.join(dir, "bad.proof.json");
    writeFileSync(bad, JSON.stringify({ type: "drl.evidenceProof", version: 1, file: "x", leaf: "0x12" }));
    const e = await readEvidenceProof(bad).then(() => null, (err: unknown) => err);
    expect(e).to.be.instanceOf(InputError);
    expect((e as InputError).field).to.equal("proof file.leaf");
    const dup = path.join(dir, "sub");
    execFileSync("mkdir", [dup]);
    writeFileSync(path.join(dup, "log.txt"), "other");
    const d = await anchorEvidenceBatch(client, [...files, path.join(dup, "log.txt")], out).then(() => null, (err: unknown) => err);
    expect((d as InputError).field).to.equal("files");
  });
});

describe("SDK evidence tree", () => {
  it("is OpenZeppelin's StandardMerkleTree node for node: same root and the same proof for every item, at every size", () => {
    for (const size of [1, 2, 3, 4, 5, 7, 8, 33, 100]) {
      const items = Array.from({ length: size }, (_, i) => [ethers.keccak256(ethers.toUtf8Bytes(`item ${size}-${i}`))] as [string]);
      const standard = StandardMerkleTree.of(items, ["bytes32"]);
      const ours = evidenceTreeOf(items.map(([v]) => evidenceLeafHash(v)));
      expect(ours.root, `root of ${size}`).to.equal(standard.root);
      expect(ours.proofs).to.have.length(size);
      for (let i = 0; i < size; i++) {
        expect(ours.proofs[i], `proof ${i} of ${size}`).to.deep.equal(standard.getProof(items[i]!));
        expect(StandardMerkleTree.verify(ours.root, ["bytes32"], items[i]!, ours.proofs[i]!)).to.equal(true);
      }
    }
  });
});
