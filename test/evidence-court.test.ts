/**
 * Evidence deposits in court form (issue 11), through the `drl` CLI on Anvil: a batch anchored
 * by a member, `drl evidence verify` saying deposited (root, anchorer and member name, block,
 * block time in UTC and Beijing time), then revoked with the revocation's block and tx, and
 * "not deposited" for a different file; `drl evidence report --pdf` writes the one-page deposit
 * report (pdftotext finds the deposit number and the SHA-256); and `GET /v1/evidence/:hash`
 * gives the same facts from the index.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AnvilNode } from "./helpers/anvil";
import { MEMBER_NAMES, mined, startAnvilWorld, type AnvilWorld } from "./helpers/anvil-world";
import { runCli, type CliResult } from "./helpers/cli";
import { h } from "./helpers/fixture";
import { startTestServer, type TestServer } from "./helpers/indexer";
import { CourtEvidence, EvidenceProofFile, ProvenanceClient, type EvidenceProof } from "../sdk";

function hasTool(tool: string): boolean {
  return spawnSync(tool, ["-v"], { stdio: "ignore" }).error === undefined;
}

describe("drl evidence court form", function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let w: AnvilWorld;
  let tmp: string;
  let dataDir: string;
  let files: string[];
  let proofDir: string;
  let server: TestServer | undefined;
  const drl = (args: string[]): Promise<CliResult> => runCli(args, { cwd: tmp, env: { DRL_DATA_DIR: dataDir } });
  const court = (r: CliResult): CourtEvidence => CourtEvidence.parse(JSON.parse(r.stdout));
  const proofOf = (name: string): EvidenceProof => EvidenceProofFile.parse(JSON.parse(readFileSync(path.join(proofDir, `${name}.proof.json`), "utf8")));
  const sha256 = (f: string): string => execFileSync("sha256sum", [f], { encoding: "utf8" }).split(" ")[0] ?? "";

  before(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), "drl-ev-court-"));
    dataDir = path.join(tmp, "data");
    mkdirSync(dataDir);
    ({ node, w } = await startAnvilWorld(path.join(dataDir, "deployment.json")));
    writeFileSync(path.join(dataDir, "endpoints.json"), JSON.stringify({ rpcUrl: node.url, apiUrl: "http://127.0.0.1:9", chainId: node.chainId, local: true }));
    files = ["合同.pdf", "invoice.csv", "chat-log.txt"].map((name, i) => {
      const f = path.join(tmp, name);
      writeFileSync(f, `evidence ${i}: ${name}\n`.repeat(10 + i));
      return f;
    });
    proofDir = path.join(tmp, "proofs");
    // holder1 is dev account 7: alice, a member.
    const anchored = await drl(["evidence", "anchor", ...files, "--out", proofDir, "--as", "holder1", "--json"]);
    expect(anchored.code, anchored.stderr).to.equal(0);
    // A second deposit, by bob (holder2), which nobody revokes.
    const second = path.join(tmp, "photo.jpg");
    writeFileSync(second, "a photograph\n");
    const again = await drl(["evidence", "anchor", second, "--out", proofDir, "--as", "holder2", "--json"]);
    expect(again.code, again.stderr).to.equal(0);
  });

  after(async () => {
    await server?.destroy();
    await node?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("verify: that exact file was deposited, under which root, by whom, at what block and time", async () => {
    const proof = proofOf("合同.pdf");
    const r = await drl(["evidence", "verify", files[0]!, path.join(proofDir, "合同.pdf.proof.json"), "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const a = court(r);
    const block = await node.provider.getBlock(proof.anchor.blockNumber);
    expect(a).to.deep.include({ deposited: true, valid: true, revoked: false, revocation: null, root: proof.root, anchorer: w.alice.address, anchorerName: MEMBER_NAMES.alice, sha256: sha256(files[0]!), depositNumber: proof.deposit.number });
    expect(a.anchor).to.deep.include({ block: proof.anchor.blockNumber, tx: proof.anchor.txHash, blockHash: block?.hash, time: block?.timestamp });
    const t = block?.timestamp ?? 0;
    expect(a.anchor?.timeUtc).to.equal(new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"));
    expect(Date.parse(a.anchor?.timeBeijing ?? "")).to.equal(t * 1000);
    expect(a.anchor?.timeBeijing).to.match(/\+08:00$/);

    const text = await drl(["evidence", "verify", files[0]!, path.join(proofDir, "合同.pdf.proof.json")]);
    expect(text.code).to.equal(0);
    expect(text.stdout).to.match(/^DEPOSITED: /);
    expect(text.stdout).to.include(proof.deposit.number).and.include(MEMBER_NAMES.alice).and.include("北京时间");
  });

  it("a different file is not deposited (exit 1), naming the mismatch", async () => {
    const other = path.join(tmp, "other.txt");
    writeFileSync(other, "not the deposited file\n");
    const r = await drl(["evidence", "verify", other, path.join(proofDir, "invoice.csv.proof.json"), "--json"]);
    expect(r.code).to.equal(1);
    const a = court(r);
    expect(a).to.deep.include({ deposited: false, valid: false, sha256: sha256(other) });
    expect(a.reasons[0]).to.match(/is not the proof's item/);
    const text = await drl(["evidence", "verify", other, path.join(proofDir, "invoice.csv.proof.json")]);
    expect(text.stdout).to.match(/^NOT DEPOSITED: /);
  });

  it("the deposit report PDF carries the deposit number and the SHA-256", async function () {
    if (!hasTool("pdftotext")) {
      console.log("      (skipped: pdftotext from poppler-utils is not installed)");
      this.skip();
    }
    const out = path.join(tmp, "report.pdf");
    const r = await drl(["evidence", "report", files[1]!, path.join(proofDir, "invoice.csv.proof.json"), "--pdf", out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`Wrote the deposit report to ${out}`);
    const proof = proofOf("invoice.csv");
    expect(execFileSync("pdfinfo", [out], { encoding: "utf8" })).to.match(/Pages:\s+1\n/);
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", out, "-"], { encoding: "utf8" });
    expect(text).to.include(proof.deposit.number);
    expect(text).to.include(sha256(files[1]!));
    expect(text).to.include(MEMBER_NAMES.alice).and.include("北京时间").and.include("已存证，未撤销");
    const bad = await drl(["evidence", "report", files[1]!, path.join(proofDir, "invoice.csv.proof.json"), "--pdf", path.join(tmp, "report.txt")]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include("--pdf");
  });

  it("after a revocation, verify says revoked with the revocation's block and tx (exit 1), and so does the API", async () => {
    const proof = proofOf("chat-log.txt");
    const reasonHash = h("withdrawn by the depositor");
    const receipt = await mined(node, await w.ledger.evidence.connect(w.alice).revoke(proof.root, reasonHash));
    const r = await drl(["evidence", "verify", files[2]!, path.join(proofDir, "chat-log.txt.proof.json"), "--json"]);
    expect(r.code).to.equal(1);
    const a = court(r);
    expect(a).to.deep.include({ deposited: true, valid: false, revoked: true });
    expect(a.revocation).to.deep.include({ block: receipt.blockNumber, tx: receipt.hash.toLowerCase(), reasonHash });
    expect(a.anchor?.block).to.equal(proof.anchor.blockNumber);
    const text = await drl(["evidence", "verify", files[2]!, path.join(proofDir, "chat-log.txt.proof.json")]);
    expect(text.stdout).to.match(/^DEPOSITED, BUT REVOKED: /);
    expect(text.stdout).to.include(`yes, at block ${receipt.blockNumber}, tx ${receipt.hash.toLowerCase()}`);

    // The API: the item under its root, with block time and the revocation.
    server = await startTestServer(node.url, w.deploymentFile);
    await server.caughtUp();
    const api = new ProvenanceClient(server.url);
    const e = await api.evidence(proof.leaf, { root: proof.root, proof: proof.proof });
    expect(e.proofValid).to.equal(true);
    expect(e.anchored).to.equal(false);
    const block = await node.provider.getBlock(proof.anchor.blockNumber);
    expect(e.deposit).to.deep.include({ deposited: true, root: proof.root, anchorer: w.alice.address, anchorerName: MEMBER_NAMES.alice, block: proof.anchor.blockNumber, tx: proof.anchor.txHash, blockTime: block?.timestamp, revoked: true });
    expect(e.deposit?.blockTimeUtc).to.equal(a.anchor?.timeUtc);
    expect(e.deposit?.blockTimeBeijing).to.equal(a.anchor?.timeBeijing);
    expect(e.deposit?.revocation).to.deep.include({ block: receipt.blockNumber, tx: receipt.hash.toLowerCase() });
    expect(e.inRoot?.anchors[0]?.revoked).to.deep.include({ block: receipt.blockNumber, tx: receipt.hash.toLowerCase() });
    // A file never deposited: no deposit.
    const none = await api.evidence(h("never deposited"));
    expect(none.deposit).to.equal(null);
    // Bob's deposit still stands.
    const photo = proofOf("photo.jpg");
    const live = await api.evidence(photo.leaf, { root: photo.root, proof: photo.proof });
    expect(live.anchored).to.equal(true);
    expect(live.deposit).to.deep.include({ revoked: false, revocation: null, block: photo.anchor.blockNumber, anchorer: w.bob.address, anchorerName: MEMBER_NAMES.bob });
  });
});
