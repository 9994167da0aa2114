/**
 * Turning what ethers throws into the SDK's typed errors: revert data decoded with the ABIs
 * (Interface.parseError over every ledger error; no message matching) → LedgerError; a
 * transport failure → NodeUnavailableError with the redacted URL. Everything else passes
 * through unchanged so that a bug is not disguised as a refusal.
 */
import { JsonRpcProvider, type Provider, type Signer } from "ethers";
import { ledgerErrors } from "./abis";
import { InputError, LedgerError, NodeUnavailableError, redactUrl } from "./errors";
import { formatErrorArgs, sentenceFor } from "./sentences";

/** Decodes revert data into a LedgerError, or undefined if it is not a ledger error. */
export function decodeRevert(data: string): LedgerError | undefined {
  let parsed: ReturnType<ReturnType<typeof ledgerErrors>["parseError"]> = null;
  try {
    parsed = ledgerErrors().parseError(data);
  } catch {
    parsed = null;
  }
  if (!parsed) return undefined;
  const args = formatErrorArgs(parsed.fragment, parsed.args);
  return new LedgerError(parsed.name, args, sentenceFor(parsed.name, args), data);
}

const HEX = /^0x[0-9a-fA-F]*$/;

/** The revert data somewhere inside an ethers / Hardhat / JSON-RPC error. */
export function revertDataOf(e: unknown, depth = 0): string | undefined {
  if (depth > 6 || e === null || typeof e !== "object") return undefined;
  const o = e as Record<string, unknown>;
  const d = o.data;
  if (typeof d === "string" && HEX.test(d) && d.length >= 10) return d;
  for (const k of ["data", "error", "info", "cause", "revert", "originalError", "parent"]) {
    const v = o[k];
    if (v !== null && typeof v === "object") {
      const found = revertDataOf(v, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);

/** A transport failure's short reason, if `e` is one (refused, reset, DNS, timeout). */
export function networkFailureOf(e: unknown, depth = 0): string | undefined {
  if (depth > 6 || e === null || typeof e !== "object") return undefined;
  const o = e as Record<string, unknown>;
  const code = typeof o.code === "string" ? o.code : undefined;
  if (code && NETWORK_CODES.has(code)) return code;
  if (code === "TIMEOUT") return "timed out";
  if (code === "NETWORK_ERROR") return "network error";
  // undici's fetch wraps the socket error in a TypeError("fetch failed") with a cause.
  if (o instanceof TypeError && o.message === "fetch failed") return networkFailureOf(o.cause, depth + 1) ?? "fetch failed";
  for (const k of ["cause", "error", "info", "originalError"]) {
    const v = o[k];
    if (v !== null && typeof v === "object") {
      const found = networkFailureOf(v, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** The SDK's typed error for whatever a call threw. */
export function translateError(e: unknown, url: string): unknown {
  if (e instanceof InputError || e instanceof LedgerError || e instanceof NodeUnavailableError) return e;
  const data = revertDataOf(e);
  if (data) {
    const decoded = decodeRevert(data);
    if (decoded) return decoded;
    return new LedgerError("UnknownError", { data }, `the contract refused with an error not in the ledger's ABIs (${data.slice(0, 10)})`, data);
  }
  const net = networkFailureOf(e);
  if (net) return new NodeUnavailableError(redactUrl(url), net);
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "CALL_EXCEPTION") return new LedgerError("Reverted", {}, "the contract refused without giving a reason");
  return e;
}

/** The URL a runner talks to, when its provider is a JsonRpcProvider. */
export function urlOfRunner(runner: Signer | Provider): string | undefined {
  const provider = runner instanceof JsonRpcProvider ? runner : runner.provider;
  if (provider instanceof JsonRpcProvider) return provider._getConnection().url;
  return undefined;
}
