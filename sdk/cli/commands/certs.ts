/**
 * `drl cert <ref> [--at-block N] --out cert.json [--pdf cert.pdf] [--anchor] [--licence ID]`:
 * issues a rights certificate (sdk/certs) for an asset, or for one of its licences, at a block,
 * signed with the registrar's key (--as registrar locally; DRL_PRIVATE_KEY or --keystore
 * elsewhere). `--anchor` deposits the certificate hash in EvidenceAnchor as the issuer, so that
 * the issue itself is on the chain.
 *
 * A key without the REGISTRAR role at the anchor block could sign (a signature is only maths),
 * but its certificate would fail the verifier's issuer-authority check: the command refuses it
 * up front (exit 2) instead of handing out a certificate that can never verify.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { keccak256, toUtf8Bytes, type Signer } from "ethers";
import type { Command } from "commander";
import { certificateHash } from "../../certs/canonical";
import { ChainStateError, isRegistrarAt } from "../../certs/chain-state";
import { issueCertificate, issueLicenceCertificate } from "../../certs/build";
import { payloadOf, verifyUrl } from "../../certs/payload";
import { ChainRpc, ChainUnavailableError, RpcCallError } from "../../certs/rpc";
import type { Certificate } from "../../certs/schema";
import { LedgerClient } from "../../ledger/client";
import { NetworkFailure, UsageError } from "../exit";
import { fields } from "../output";
import { resolveSigner } from "../signer";
import { assetId as resolveAssetId, contextOf, signing, type SigningFlags } from "./common";

interface CertFlags extends SigningFlags {
  out: string;
  atBlock?: string;
  pdf?: string;
  anchor?: boolean;
  licence?: string;
  portal?: string;
}

function parseBlock(raw: string): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new UsageError("--at-block", "must be a block number (a whole number, 0 or more)");
  return Number(raw);
}

function parseLicenceId(raw: string): bigint {
  if (!/^[1-9][0-9]{0,30}$/.test(raw)) throw new UsageError("--licence", "must be a licence id (a positive whole number)");
  return BigInt(raw);
}

function writeOut(flag: string, file: string, data: string | Buffer): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, data);
  } catch (e) {
    throw new UsageError(flag, `cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** The SDK's certificate errors as the CLI's exit classes (2 input, 3 chain unavailable). */
function cliError(e: unknown, rpcUrl: string, flag: string): unknown {
  if (e instanceof ChainUnavailableError) return new NetworkFailure(rpcUrl, `${e.kind}: ${e.attempts.map((a) => a.detail).join("; ")}`);
  if (e instanceof ChainStateError) {
    if (e.code === "badAnswer") return new NetworkFailure(rpcUrl, e.message);
    return new UsageError(e.code === "blockNotFound" ? "--at-block" : flag, e.message);
  }
  if (e instanceof RpcCallError) return new NetworkFailure(rpcUrl, e.message);
  return e;
}

export function registerCerts(program: Command): void {
  signing(
    program
      .command("cert")
      .description("issue a signed rights certificate (W3C VC 2.0, EIP-712) of an asset, or of one of its licences, at a block")
      .argument("<ref>", "the asset: id, registration number or content hash")
      .requiredOption("--out <cert.json>", "where to write the certificate JSON")
      .option("--at-block <N>", "the block the certificate speaks for (default: the chain's head)")
      .option("--pdf <cert.pdf>", "also write the A4 PDF with the verify QR code")
      .option("--anchor", "deposit the certificate hash in the evidence anchor (EvidenceAnchor.anchor) as the issuer")
      .option("--licence <ID>", "a licence certificate for this licence of the asset, instead of the asset's")
      .option("--portal <url>", "the portal the QR code's verify URL points at (default: DRL_PORTAL_URL, then the API URL)"),
  ).action(async (ref: string, f: CertFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    if (f.pdf !== undefined && !f.pdf.toLowerCase().endsWith(".pdf")) throw new UsageError("--pdf", "must name a .pdf file");
    const requested = f.atBlock !== undefined ? parseBlock(f.atBlock) : undefined;
    const licenceId = f.licence !== undefined ? parseLicenceId(f.licence) : undefined;
    const portal = f.portal ?? (process.env.DRL_PORTAL_URL || ctx.apiUrl);
    try {
      if (!/^https?:\/\//.test(portal)) throw new Error();
      new URL(portal);
    } catch {
      throw new UsageError("--portal", "must be an http:// or https:// URL");
    }
    const deployment = ctx.deployment();
    const id = await resolveAssetId(ctx, "<ref>", ref);
    const signer: Signer = await resolveSigner(f, ctx.rpc(), ctx.local);
    const issuer = await signer.getAddress();
    const rpc = new ChainRpc(ctx.rpcUrl, { timeoutMs: 15_000 });

    let cert: Certificate;
    let atBlock: number;
    try {
      const head = await rpc.blockNumber();
      atBlock = requested ?? head;
      if (atBlock > head) throw new UsageError("--at-block", `block ${atBlock} is beyond the chain's head (${head})`);
      if (atBlock < deployment.deployBlock) throw new UsageError("--at-block", `block ${atBlock} is before the ledger's deployment (block ${deployment.deployBlock})`);
      if (!(await isRegistrarAt(rpc, deployment, issuer, atBlock))) {
        throw new UsageError(
          "--as",
          `the signing key ${issuer} did not hold the REGISTRAR role at block ${atBlock}: a certificate it signs would fail verification (issuer authority). Sign as a registrar (--as registrar locally, or DRL_PRIVATE_KEY / --keystore)`,
        );
      }
      const created = Math.floor(Date.now() / 1000);
      if (licenceId !== undefined) {
        const lc = await issueLicenceCertificate(rpc, deployment, signer, { licenceId, atBlock, created });
        if (lc.credentialSubject.asset.assetId !== id.toString()) {
          throw new UsageError("--licence", `licence ${licenceId} is a licence of asset ${lc.credentialSubject.asset.assetId}, not of asset ${id}`);
        }
        cert = lc;
      } else {
        cert = await issueCertificate(rpc, deployment, signer, { assetId: id, atBlock, created });
      }
    } catch (e) {
      throw cliError(e, ctx.rpcUrl, licenceId !== undefined ? "--licence" : "<ref>");
    }

    const hash = certificateHash(cert);
    const url = verifyUrl(portal, payloadOf(cert));
    writeOut("--out", f.out, `${JSON.stringify(cert, null, 2)}\n`);
    let pdfBytes: number | undefined;
    if (f.pdf !== undefined) {
      // Loaded only when asked for: pdfkit and the CJK font are not every command's start-up cost.
      const { renderCertificatePdf } = await import("../../certs/pdf");
      const pdf = await renderCertificatePdf(cert, { verifyUrl: url });
      writeOut("--pdf", f.pdf, pdf);
      pdfBytes = pdf.length;
    }
    let anchored: { txHash: string; blockNumber: number } | undefined;
    if (f.anchor) {
      const client = LedgerClient.connect({ runner: signer, deployment, rpcUrl: ctx.rpcUrl });
      // The manifest of a one-item deposit: the certificate's id, so the anchor says what it is.
      const tx = await client.anchorEvidence({ root: hash, itemCount: 1, manifestHash: keccak256(toUtf8Bytes(cert.id)) });
      anchored = { txHash: tx.txHash, blockNumber: tx.blockNumber };
    }

    const subject = cert.credentialSubject;
    const what = "licenceId" in subject ? `licence ${subject.licenceId} of asset ${subject.asset.assetId}` : `asset ${subject.tokenId} (${subject.registrationNumber})`;
    ctx.out.result(
      {
        certificate: f.out,
        certificateHash: hash,
        kind: "licenceId" in subject ? "licence" : "asset",
        assetId: id.toString(),
        ...(licenceId !== undefined ? { licenceId: licenceId.toString() } : {}),
        atBlock,
        issuer: cert.issuer,
        verifyUrl: url,
        ...(f.pdf !== undefined ? { pdf: f.pdf, pdfBytes } : {}),
        ...(anchored ? { anchor: anchored } : {}),
      },
      () =>
        [
          `Issued the certificate of ${what} at block ${atBlock}, signed by ${issuer}.`,
          fields([
            ["certificate", f.out],
            ["certificate hash", hash],
            ["issuer", cert.issuer],
            ["verify URL", url],
            ...(f.pdf !== undefined ? ([["PDF", `${f.pdf} (${pdfBytes} bytes)`]] as [string, unknown][]) : []),
            ...(anchored ? ([["anchored", `tx ${anchored.txHash}, block ${anchored.blockNumber}`]] as [string, unknown][]) : []),
          ]),
        ].join("\n"),
    );
  });
}
