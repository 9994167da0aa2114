/** `drl evidence anchor <files…> --out DIR` and `drl evidence verify <file> <proof.json> [--offline]`. */
import { mkdir, stat } from "node:fs/promises";
import type { Command } from "commander";
import { anchorEvidenceBatch, readEvidenceProof, verifyEvidenceOffline, verifyEvidenceOnline } from "../../evidence/batch";
import { NegativeAnswer, UsageError } from "../exit";
import { fields, formatTime, table } from "../output";
import { contextOf, readingClient, signing, signingClient, type SigningFlags } from "./common";

async function existingFile(flag: string, file: string): Promise<void> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new UsageError(flag, `${file} is not a regular file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(flag, `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

export function registerEvidence(program: Command): void {
  const evidence = program.command("evidence").description("evidence batches anchored on chain");
  signing(evidence.command("anchor").description("anchor a batch of evidence files; writes <file>.proof.json for each").argument("<files...>", "the evidence files").requiredOption("--out <dir>", "where to write the proof files")).action(
    async (files: string[], f: { out: string } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      for (const file of files) await existingFile("<files>", file);
      try {
        await mkdir(f.out, { recursive: true });
      } catch (e) {
        throw new UsageError("--out", `cannot create ${f.out} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
      }
      const client = await signingClient(ctx, f);
      const a = await anchorEvidenceBatch(client, files, f.out);
      ctx.out.result({ txHash: a.txHash, blockNumber: a.blockNumber, root: a.root, proofs: a.proofs.map((p) => ({ file: p.file, proofFile: p.proofFile, deposit: p.proof.deposit.number })) }, () =>
        [`Anchored ${a.proofs.length} evidence file${a.proofs.length === 1 ? "" : "s"} under root ${a.root}.`, table(["file", "deposit number", "proof file"], a.proofs.map((p) => [p.file, p.proof.deposit.number, p.proofFile])), fields([["transaction", a.txHash], ["block", a.blockNumber]])].join("\n"),
      );
    },
  );
  evidence
    .command("verify")
    .description("check one evidence file against its proof file, and against the chain unless --offline")
    .argument("<file>", "the evidence file")
    .argument("<proof.json>", "its proof file")
    .option("--offline", "check the proof alone, without the chain")
    .action(async (file: string, proofFile: string, f: { offline?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      await existingFile("<file>", file);
      const proof = await readEvidenceProof(proofFile);
      const verdict = f.offline ? await verifyEvidenceOffline(file, proof) : await verifyEvidenceOnline(readingClient(ctx), file, proof);
      ctx.out.result({ ...verdict, file, deposit: proof.deposit.number, root: proof.root }, () =>
        verdict.valid
          ? `VALID: ${file} is item ${proof.deposit.leafIndex} of root ${proof.root} (deposit ${proof.deposit.number}${f.offline ? ", checked offline" : `, anchored ${formatTime(proof.anchor.anchoredAt)}`}).`
          : [`NOT VALID: ${file}`, ...verdict.reasons.map((r) => `  - ${r}`)].join("\n"),
      );
      if (!verdict.valid) throw new NegativeAnswer("");
    });
}
