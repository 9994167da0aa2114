/**
 * Exit codes of `drl` and the typed errors behind them. A top-level handler (main.ts) maps
 * every error to one line and a code, so a user never sees a stack trace:
 *   0 success · 1 a negative answer or a contract refusal · 2 usage or input · 3 chain or network.
 */
import { DeploymentError, InputError, LedgerError, NodeUnavailableError, redactUrl } from "../ledger/errors";
import { ApiRequestError, ApiUnavailableError } from "../api/client";
import { DeployError } from "../deploy/deployment";
import { FingerprintError } from "../fingerprint/fingerprint";

export const EXIT = { ok: 0, negative: 1, usage: 2, network: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage or input error: `flag` names the flag or argument (`--rights`, `<ref>`). Exit 2. */
export class UsageError extends Error {
  constructor(
    readonly flag: string,
    readonly rule: string,
  ) {
    super(flag ? `${flag}: ${rule}` : rule);
    this.name = "UsageError";
  }
}

/** A negative answer the user asked for (not tradable, proof not valid). Exit 1. */
export class NegativeAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NegativeAnswer";
  }
}

/** The node or the API at `url` (redacted) could not be reached or answered nonsense. Exit 3. */
export class NetworkFailure extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${redactUrl(url)}: ${reason}`);
    this.name = "NetworkFailure";
  }
}

/** Errno (and ethers) codes that mean "nobody answered there". */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET", "NETWORK_ERROR", "TIMEOUT", "SERVER_ERROR"]);

function errnoOf(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Redacts every http(s) URL inside a message (a provider key may ride in one). */
export function redactMessage(message: string): string {
  return message.replace(/https?:\/\/[^\s"'<>),]+/g, (u) => redactUrl(u));
}

export interface ExitReport {
  code: ExitCode;
  message: string;
}

/** The exit code and the one line to print for any error. */
export function classify(e: unknown): ExitReport {
  if (e instanceof UsageError || e instanceof InputError || e instanceof DeployError || e instanceof FingerprintError) return { code: EXIT.usage, message: e.message };
  if (e instanceof DeploymentError) return { code: EXIT.usage, message: `--network: ${e.message}` };
  if (e instanceof NegativeAnswer) return { code: EXIT.negative, message: e.message };
  if (e instanceof LedgerError) return { code: EXIT.negative, message: `refused: ${e.message}` };
  if (e instanceof NodeUnavailableError || e instanceof NetworkFailure || e instanceof ApiUnavailableError) return { code: EXIT.network, message: e.message };
  if (e instanceof ApiRequestError) {
    // An unknown ref or a bad query is the user's input; anything else is the API failing.
    if (e.status === 404 || e.status === 400) return { code: EXIT.usage, message: `${e.field ? `${e.field}: ` : ""}${e.message}` };
    return { code: EXIT.network, message: `the API answered ${e.status}: ${e.message}` };
  }
  const errno = errnoOf(e);
  if (errno) return { code: EXIT.network, message: redactMessage(`network failure (${errno}): ${e instanceof Error ? e.message : String(e)}`) };
  // Anything else is a bug, reported in one line (exit 1) rather than as a stack trace.
  const message = e instanceof Error ? e.message : String(e);
  return { code: EXIT.negative, message: redactMessage(`failed: ${message.split("\n")[0] ?? ""}`) };
}
