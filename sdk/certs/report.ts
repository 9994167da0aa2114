/**
 * The verification report of a certificate: one entry per check in the issue's order, the
 * verdict, and what happened to the asset since the anchor block. One zod schema for the SDK,
 * the CLI (`drl verify --json`), the API (`POST /v1/verify`) and the portal.
 *
 * The verdict is derived from the entries by one rule (`verdictOf`), never set by hand:
 *   a failed check → INVALID; otherwise a check that could not run (node down, timeout,
 *   rate limit) → ERROR; otherwise changes since the anchor → VALID_BUT_SUPERSEDED; else VALID.
 * A check that was not run (offline, no data given) does not change the verdict; the report
 * says so (`offline`, each entry's reason).
 */
import { z } from "zod";

/** The checks, in the order the issue lists them. */
export const CHECK_IDS = ["wellFormed", "signature", "issuerAuthority", "anchorBlock", "claimedState", "data", "changesSince"] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const CHECK_TITLES: Record<CheckId, string> = {
  wellFormed: "The certificate is well formed",
  signature: "The signature recovers to the issuer",
  issuerAuthority: "The issuer held the registrar role at the anchor block",
  anchorBlock: "The anchor block hash is the chain's block at that number",
  claimedState: "The claimed state equals the contracts' state at the anchor block",
  data: "The data hashes to the content hash",
  changesSince: "What has happened since the anchor block",
};

/** The checks `--offline` runs: everything else needs the chain. */
export const OFFLINE_CHECKS: readonly CheckId[] = ["wellFormed", "signature", "data"];

export const CHECK_STATUS = ["passed", "failed", "notRun", "error"] as const;
export type CheckStatus = (typeof CHECK_STATUS)[number];

export const VERDICTS = ["VALID", "VALID_BUT_SUPERSEDED", "INVALID", "ERROR"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const CheckEntrySchema = z
  .object({
    id: z.enum(CHECK_IDS),
    title: z.string(),
    status: z.enum(CHECK_STATUS),
    /** Why, in one sentence: what was compared, what differed, or why it could not run. */
    reason: z.string(),
    /** The first field that differs, as a dotted path (`credentialSubject.holder.orgIdHash`). */
    field: z.string().optional(),
    /** For an error entry: what went wrong with the node (`network`, `timeout`, `rateLimited`, `server`). */
    errorKind: z.string().optional(),
  })
  .strict();
export type CheckEntry = z.infer<typeof CheckEntrySchema>;

/** Kinds of what can happen to an asset (or a licence) after the anchor block. */
export const CHANGE_KINDS = [
  "transferred",
  "licensed",
  "licenceRevoked",
  "licenceEnded",
  "pledgeProposed",
  "pledged",
  "pledgeReleased",
  "pledgeEnforced",
  "frozen",
  "unfrozen",
  "objected",
  "disputed",
  "objectionClosed",
  "cancelled",
  "expired",
  "renewed",
  "corrected",
  "metadataChanged",
  "regraded",
  "valued",
  "milestone",
  "listed",
  "delisted",
  "traded",
  "compliance",
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

const Hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be a 0x-prefixed lower-case 32-byte hex string");

export const ChangeSchema = z
  .object({
    kind: z.enum(CHANGE_KINDS),
    /** The ledger event(s) behind it (`Transfer`; `TransferOrdered, ForcedTransfer, Transfer` for one court order); "validUntil" for an expiry. */
    event: z.string(),
    /** Block of the event; for an expiry, the head block at which the validity was seen to have run out. */
    blockNumber: z.number().int().nonnegative(),
    /** null only for an expiry (no transaction makes an asset expire). */
    txHash: Hex32.nullable(),
    /** One sentence for people. */
    detail: z.string(),
  })
  .strict();
export type Change = z.infer<typeof ChangeSchema>;

export const VerificationReportSchema = z
  .object({
    verdict: z.enum(VERDICTS),
    /** One sentence: the verdict in words, naming the failed check and field, or the error. */
    summary: z.string(),
    /** "asset" or "licence" certificate, when check 1 could tell. */
    certificateType: z.enum(["asset", "licence"]).nullable(),
    /** The certificate's id and hash, when it was well formed. */
    certificateId: z.string().nullable(),
    certificateHash: Hex32.nullable(),
    /** The recovered signer (checksummed), when the signature could be read. */
    issuer: z.string().nullable(),
    /** The chain id and anchor block the certificate claims, when it was well formed. */
    chainId: z.number().int().positive().nullable(),
    anchorBlock: z.number().int().nonnegative().nullable(),
    checks: z.array(CheckEntrySchema).length(CHECK_IDS.length),
    changes: z.array(ChangeSchema),
    /** true when only the offline checks (1, 2, 6) were run. */
    offline: z.boolean(),
    /** The verifier's input: a certificate JSON, or a QR payload from which the certificate was rebuilt. */
    input: z.enum(["certificate", "payload"]),
    /** JSON-RPC calls made (each element of a batch counts one) and HTTP requests sent. */
    rpcCalls: z.number().int().nonnegative(),
    httpRequests: z.number().int().nonnegative(),
    /** The chain head the changes were read up to (null offline or when the node did not answer). */
    headBlock: z.number().int().nonnegative().nullable(),
    checkedAt: z.string(),
  })
  .strict();
export type VerificationReport = z.infer<typeof VerificationReportSchema>;

/** The verdict the entries and changes imply (the only way a verdict is made). */
export function verdictOf(checks: readonly CheckEntry[], changes: readonly Change[]): Verdict {
  if (checks.some((c) => c.status === "failed")) return "INVALID";
  if (checks.some((c) => c.status === "error")) return "ERROR";
  return changes.length > 0 ? "VALID_BUT_SUPERSEDED" : "VALID";
}

/** The verdict in one sentence: for INVALID every failed check (and field), for ERROR what could not run. */
export function summaryOf(verdict: Verdict, checks: readonly CheckEntry[], changes: readonly Change[], offline: boolean): string {
  const name = (c: CheckEntry) => `check ${checkNumber(c.id)} (${c.title.toLowerCase()})`;
  switch (verdict) {
    case "INVALID": {
      const failed = checks.filter((c) => c.status === "failed");
      // The reason shown is the one that names a field, if any check could name it.
      const primary = failed.find((c) => c.field !== undefined) ?? failed[0];
      return `INVALID: ${failed.map((c) => `${name(c)} failed${c.field ? ` at ${c.field}` : ""}`).join("; ")}. ${primary?.reason ?? ""}`;
    }
    case "ERROR": {
      const errored = checks.filter((c) => c.status === "error");
      const first = errored[0];
      const more = errored.length - 1;
      return `ERROR: ${first ? name(first) : "a check"}${more > 0 ? ` and ${more} more` : ""} could not run: ${first?.reason ?? ""}. Nothing was found against the certificate; try again, or another node.`;
    }
    case "VALID_BUT_SUPERSEDED":
      return `VALID_BUT_SUPERSEDED: the certificate is genuine and was true at its anchor block, but the asset has changed since (${changes.length} change${changes.length === 1 ? "" : "s"}).`;
    case "VALID":
      return offline
        ? "VALID (offline): well formed, the signature recovers to the issuer and the data matches where given; the issuer's authority, the anchor block, the claimed state and later changes were NOT checked (no chain)."
        : "VALID: every check passed and nothing has changed since the anchor block.";
  }
}

/** 1-based number of a check, as the issue numbers them. */
export function checkNumber(id: CheckId | undefined): number {
  return id === undefined ? 0 : CHECK_IDS.indexOf(id) + 1;
}

/** A fresh entry for each check, all not run: the verifier fills them in as it goes. */
export function pendingChecks(): Record<CheckId, CheckEntry> {
  const out = {} as Record<CheckId, CheckEntry>;
  for (const id of CHECK_IDS) out[id] = { id, title: CHECK_TITLES[id], status: "notRun", reason: "not run" };
  return out;
}
