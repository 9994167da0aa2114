/**
 * `drl verify <cert.json | verify URL> [--data FILE-or-DIR] [--offline] [--rpc URL ...]`: checks a
 * certificate against the chain (never the API), prints each check with its status and reason,
 * the verdict in words and what changed since; `--json` prints the report (sdk/certs/report.ts).
 * Exit 0 VALID, 1 INVALID or VALID_BUT_SUPERSEDED, 2 bad input, 3 ERROR (the chain did not answer).
 */
import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { checkNumber, type VerificationReport } from "../../certs/report";
import { VerifyInputError, verifyCertificate } from "../../certs/verify";
import { dataFromPath, readCertificateFile } from "../../certs/verify-node";
import type { Deployment } from "../../ledger/deployment";
import { redactUrl } from "../../ledger/errors";
import { NegativeAnswer, NetworkFailure, UsageError } from "../exit";
import { formatTime, table } from "../output";
import { contextOf } from "./common";

/** Every --rpc given (the program's global --rpc keeps only the last; verification fails over between all). */
function rpcFlags(cmd: Command): string[] {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  // commander keeps the argv it parsed in rawArgs (not in its typings).
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv.slice(2);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const a = raw[i] ?? "";
    if (a === "--") break;
    if (a === "--rpc" && i + 1 < raw.length) out.push(raw[++i] ?? "");
    else if (a.startsWith("--rpc=")) out.push(a.slice("--rpc=".length));
  }
  return out;
}

function checkUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError("--rpc", `"${redactUrl(raw)}" is not a URL (e.g. http://127.0.0.1:8545)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new UsageError("--rpc", "must be an http:// or https:// URL");
  return raw;
}

const STATUS_WORDS = { passed: "passed", failed: "FAILED", notRun: "not run", error: "ERROR" } as const;

/** The report for people: each check, the changes, the verdict in words. */
export function formatReport(r: VerificationReport): string {
  const lines: string[] = [];
  const what = r.certificateType === "licence" ? "licence certificate" : r.certificateType === "asset" ? "data-rights certificate" : "certificate";
  lines.push(`Verifying ${r.input === "payload" ? `the ${what} rebuilt from a QR payload` : `a ${what}`}${r.certificateId ? ` ${r.certificateId}` : ""}`);
  const signatureOk = r.checks.find((c) => c.id === "signature")?.status === "passed";
  if (r.issuer) lines.push(`  ${signatureOk ? `signed by ${r.issuer} (the issuer)` : `the signature recovers to ${r.issuer}`}${r.chainId !== null ? `, chain ${r.chainId}` : ""}${r.anchorBlock !== null ? `, anchor block ${r.anchorBlock}` : ""}`);
  lines.push("");
  for (const c of r.checks) {
    lines.push(`  ${checkNumber(c.id)}. ${STATUS_WORDS[c.status].padEnd(7)}  ${c.title}`);
    lines.push(`              ${c.reason}${c.field ? ` [field: ${c.field}]` : ""}`);
  }
  if (r.changes.length > 0) {
    lines.push("", `Changes since block ${r.anchorBlock ?? "?"} (up to block ${r.headBlock ?? "?"}):`);
    lines.push(table(["block", "change", "event", "transaction", "detail"], r.changes.map((c) => [c.blockNumber, c.kind, c.event, c.txHash ?? "(none: a time limit)", c.detail])));
  }
  lines.push("", r.summary);
  if (r.offline) lines.push("Offline: checks 3 (issuer authority), 4 (anchor block), 5 (claimed state) and 7 (changes since) were NOT run.");
  lines.push(`(${r.rpcCalls} JSON-RPC call${r.rpcCalls === 1 ? "" : "s"} in ${r.httpRequests} HTTP request${r.httpRequests === 1 ? "" : "s"}; checked ${formatTime(Math.floor(Date.parse(r.checkedAt) / 1000))})`);
  return lines.join("\n");
}

/** A QR payload or verify URL given instead of a file. */
function looksLikePayload(arg: string): boolean {
  return arg.includes("#cert=") || arg.startsWith("cert=") || (/^[A-Za-z0-9_-]{80,}$/.test(arg) && !existsSync(arg));
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description("verify a certificate (JSON file, or a verify URL / QR payload) against the chain, never the API")
    .argument("<certificate>", "the certificate JSON file, or the verify URL (…#cert=…) its QR code holds")
    .option("--data <file-or-dir>", "the data the certificate names: its fingerprint must be the content hash")
    .option("--offline", "only the checks that need no chain: well formed, signature, data")
    .addHelpText("after", "\nRPC: give --rpc URL several times to fail over between nodes (default: DRL_RPC_URL, then the local drl start).\nExit: 0 VALID, 1 INVALID or VALID_BUT_SUPERSEDED, 2 bad input, 3 ERROR (the chain did not answer).")
    .action(async (certArg: string, f: { data?: string; offline?: boolean }, cmd: Command) => {
      const ctx = contextOf(cmd);
      if (f.data !== undefined && !existsSync(f.data)) throw new UsageError("--data", `cannot read ${f.data} (ENOENT)`);
      let input: unknown;
      if (existsSync(certArg)) {
        if (!statSync(certArg).isFile()) throw new UsageError("<certificate>", `${certArg} is not a regular file`);
        try {
          input = await readCertificateFile(certArg);
        } catch (e) {
          if (e instanceof VerifyInputError) throw new UsageError("<certificate>", e.rule);
          throw e;
        }
      } else if (looksLikePayload(certArg)) {
        input = { payload: certArg };
      } else {
        throw new UsageError("<certificate>", `cannot read ${certArg} (ENOENT); give a certificate file or a verify URL`);
      }
      const offline = f.offline === true;
      const given = rpcFlags(cmd).map(checkUrl);
      const rpcUrls = given.length > 0 ? given : [ctx.rpcUrl];
      // Offline needs no deployment (nothing is read from the chain); online it is the trusted one.
      let deployment: Deployment | undefined;
      try {
        deployment = ctx.deployment();
      } catch (e) {
        if (!offline) throw e;
      }
      let report: VerificationReport;
      try {
        report = await verifyCertificate(input, { deployment, rpcUrls, offline, ...(f.data === undefined ? {} : { data: dataFromPath(f.data) }) });
      } catch (e) {
        if (e instanceof VerifyInputError) throw new UsageError(e.field === "data" ? "--data" : e.field === "offline" ? "--offline" : e.field === "rpcUrls" ? "--rpc" : "<certificate>", e.rule);
        throw e;
      }
      ctx.out.result(report, () => formatReport(report));
      if (report.verdict === "ERROR") throw new NetworkFailure(rpcUrls[0] ?? "", `${rpcUrls.length > 1 ? `nor ${rpcUrls.length - 1} other url${rpcUrls.length > 2 ? "s" : ""}; ` : ""}verification could not finish (ERROR); nothing was found against the certificate`);
      if (report.verdict !== "VALID") throw new NegativeAnswer("");
    });
}
