/**
 * `drl evidence anchor <files…> --out DIR`, `drl evidence verify <file> <proof.json> [--offline]`
 * (online: the court form of sdk/evidence/court.ts) and `drl evidence report <file> <proof.json>
 * --pdf out.pdf` (the one-page deposit report).
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { anchorEvidenceBatch, readEvidenceProof, verifyEvidenceOffline } from "../../evidence/batch";
import { courtVerifyEvidence, type ChainMoment, type CourtEvidence } from "../../evidence/court";
import { renderEvidenceReportPdf } from "../../evidence/report-pdf";
import { NegativeAnswer, UsageError } from "../exit";
import { fields, table } from "../output";
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

function moment(m: ChainMoment): string {
  return `${m.timeUtc.replace("T", " ").replace("Z", " UTC")} = ${m.timeBeijing.replace("T", " ").replace("+08:00", " 北京时间 (UTC+8)")}`;
}

/** The court form in words: the verdict line, then every fact a court asks for. */
function courtText(a: CourtEvidence): string {
  const head = !a.deposited
    ? `NOT DEPOSITED: ${a.file} is not an item deposited by ${a.anchorer} under root ${a.root} on chain ${a.chainId}.`
    : a.revoked
      ? `DEPOSITED, BUT REVOKED: ${a.file} was deposited, and the depositor later revoked the root.`
      : a.valid
        ? `DEPOSITED: ${a.file} is exactly the file deposited as ${a.depositNumber}; not revoked.`
        : `DEPOSITED, WITH FINDINGS: ${a.file} was deposited, but the proof file disagrees with the chain.`;
  const rows: [string, unknown][] = [
    ["deposit number", a.depositNumber],
    ["file", `${a.fileName} (${a.size} bytes)`],
    ["SHA-256", a.sha256],
    ["root", a.root],
    ["anchorer", `${a.anchorer}${a.anchorerName ? ` (${a.anchorerName})` : " (not a member)"}`],
  ];
  if (a.anchor) rows.push(["transaction", a.anchor.tx], ["block", `${a.anchor.block} (${a.anchor.blockHash})`], ["block time", moment(a.anchor)]);
  rows.push(["revoked", a.revocation ? `yes, at block ${a.revocation.block}, tx ${a.revocation.tx}, ${moment(a.revocation)}` : a.revoked ? "yes" : `no (as of block ${a.checkedAtBlock})`]);
  return [head, fields(rows), ...(a.reasons.length > 0 ? ["Findings:", ...a.reasons.map((r) => `  - ${r}`)] : [])].join("\n");
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
      if (f.offline) {
        const verdict = await verifyEvidenceOffline(file, proof);
        ctx.out.result({ ...verdict, file, deposit: proof.deposit.number, root: proof.root, offline: true }, () =>
          verdict.valid
            ? `VALID (offline): ${file} is item ${proof.deposit.leafIndex} of root ${proof.root} (deposit ${proof.deposit.number}). The chain was not asked whether the root is anchored or revoked.`
            : [`NOT VALID: ${file}`, ...verdict.reasons.map((r) => `  - ${r}`)].join("\n"),
        );
        if (!verdict.valid) throw new NegativeAnswer("");
        return;
      }
      const answer = await courtVerifyEvidence(readingClient(ctx), file, proof);
      ctx.out.result(answer, () => courtText(answer));
      if (!answer.valid) throw new NegativeAnswer("");
    });
  evidence
    .command("report")
    .description("write the one-page deposit report (PDF) of one evidence file, checked against the chain")
    .argument("<file>", "the evidence file")
    .argument("<proof.json>", "its proof file")
    .requiredOption("--pdf <out.pdf>", "where to write the report")
    .action(async (file: string, proofFile: string, f: { pdf: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      await existingFile("<file>", file);
      if (!f.pdf.toLowerCase().endsWith(".pdf")) throw new UsageError("--pdf", "must name a .pdf file");
      const proof = await readEvidenceProof(proofFile);
      const answer = await courtVerifyEvidence(readingClient(ctx), file, proof);
      const bytes = await renderEvidenceReportPdf(answer);
      try {
        await writeFile(f.pdf, bytes);
      } catch (e) {
        throw new UsageError("--pdf", `cannot write ${f.pdf} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
      }
      ctx.out.result({ ...answer, pdf: f.pdf, pdfBytes: bytes.length }, () => `${courtText(answer)}\nWrote the deposit report to ${f.pdf} (${bytes.length} bytes).`);
      if (!answer.valid) throw new NegativeAnswer("");
    });
}
