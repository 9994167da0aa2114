/**
 * The SDK's error classes. Callers (the CLI above all) map them to exit codes without looking
 * at messages: InputError → 2, LedgerError → 1, NodeUnavailableError → 3.
 */

/** A value given to the SDK breaks a rule; `field` is the dotted path of the named field. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(field ? `${field}: ${rule}` : rule);
    this.name = "InputError";
  }
}

/** A value that can be printed as JSON (bigints become decimal strings before this). */
export type ErrorArg = string | number | boolean | null | ErrorArg[];

/** The contract reverted with a custom error, decoded with the ledger's ABIs. */
export class LedgerError extends Error {
  constructor(
    /** The custom error's name, e.g. "AssetFrozen". */
    readonly errorName: string,
    /** Its arguments by name (uints as decimal strings, enum fields as their names where known). */
    readonly args: Record<string, ErrorArg>,
    /** A sentence in words, e.g. "asset 12 is frozen by court order". */
    message: string,
    /** The 4-byte selector and the raw revert data, for an error not in the ABIs. */
    readonly data?: string,
  ) {
    super(message);
    this.name = "LedgerError";
  }
}

/** The node could not be reached (refused, timed out, DNS); `url` has any key redacted. */
export class NodeUnavailableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the node at ${url}: ${reason}`);
    this.name = "NodeUnavailableError";
  }
}

/** The deployment file is missing, unreadable or does not describe a ledger. */
export class DeploymentError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "DeploymentError";
  }
}

/**
 * A URL with anything that may carry a provider key hidden: user info, the query string, and
 * path segments that look like keys (long alphanumeric runs, as Infura/Alchemy URLs end in).
 */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "<unparseable URL>";
  }
  if (u.username || u.password) {
    u.username = "***";
    u.password = "";
  }
  if (u.search) u.search = "?***";
  u.hash = "";
  u.pathname = u.pathname
    .split("/")
    .map((seg) => (/^[A-Za-z0-9_-]{20,}$/.test(seg) ? "***" : seg))
    .join("/");
  return u.toString();
}
