/**
 * Verifying a certificate without trusting whoever shows it, nor any indexer: every chain
 * answer comes from JSON-RPC (ChainRpc, several urls with failover), against the verifier's OWN
 * trusted deployment (chain id and contract addresses), never the certificate's.
 *
 *   const report = await verifyCertificate(json, { deployment, rpcUrls: ["http://127.0.0.1:8545"] });
 *   const report = await verifyCertificate({ payload: "eyJ2Ijox…" }, { deployment, rpcUrls });
 *
 * The checks (report.ts), in order:
 *   1 wellFormed      zod (schema.ts)
 *   2 signature       the EIP-712 signature recovers to the issuer DID's address, and the proof's
 *                     eip712 block is the declared one
 *   3 issuerAuthority AccessManager.hasRole(REGISTRAR, issuer) at the anchor block; if the hash was
 *                     anchored in EvidenceAnchor by the issuer, it is not revoked
 *   4 anchorBlock     the chain's block at the anchor number has the anchor's hash
 *   5 claimedState    the certificate rebuilt from the chain at the anchor block (build.ts) equals
 *                     the claimed one, field by field; the first differing field is named
 *   6 data            the given data's fingerprint is the content hash
 *   7 changesSince    events after the anchor block (since.ts), and an expiry
 *
 * A check that cannot run because no node answered (ChainUnavailableError: down, timeout, 429,
 * 5xx) is an "error" entry and the verdict ERROR, never INVALID. A QR payload alone is verified
 * by rebuilding the signed certificate from the chain at its block and comparing the hash.
 *
 * Browser-compatible: no node: imports (the Node file hasher is verify-node.ts).
 */
import { Interface, getAddress } from "ethers";
import type { Deployment } from "../ledger/deployment-schema";
import { buildCertificate, buildLicenceCertificate } from "./build";
import { certificateHash, hashedDocument } from "./canonical";
import { proofTemplate, recoverIssuer } from "./eip712";
import { differingFields } from "./field-diff";
import { PayloadError, decodeVerifyPayload, type VerifyPayload } from "./payload";
import {
  CHECK_IDS,
  OFFLINE_CHECKS,
  pendingChecks,
  summaryOf,
  verdictOf,
  type Change,
  type CheckEntry,
  type CheckId,
  type VerificationReport,
} from "./report";
import { ChainRpc, ChainUnavailableError, RpcCallError, blockTag } from "./rpc";
import { ANCHOR_CONTRACT_KEYS, CertificateFormatError, isoSeconds, parseCertificate, parseIssuerDid, unixSeconds, type Certificate, type UnsignedCertificate } from "./schema";
import { changeQueries, changesFromLogs, expiryChange, type RawLog } from "./since";
import { ChainStateError } from "./chain-state";

/** The data to compare with the content hash: its fingerprint, or a function that computes it. */
export type DataInput = { contentHash: string } | ((expectedContentHash: string) => Promise<{ contentHash: string }>);

export interface VerifyOptions {
  /** The verifier's own deployment: chain id and ledger addresses (never taken from the certificate). Needed unless offline. */
  deployment?: Deployment;
  /** JSON-RPC urls, tried in order (failover). Ignored when `rpc` is given. */
  rpcUrls?: readonly string[];
  /** An existing client (e.g. the server's): its counters are read before and after. */
  rpc?: ChainRpc;
  /** Per HTTP request timeout for a client made from rpcUrls (default 5000 ms). */
  timeoutMs?: number;
  /** The data the certificate names (check 6); without it check 6 is not run. */
  data?: DataInput;
  /** Only checks 1, 2 and 6: no network at all. */
  offline?: boolean;
  /** Called as each check finishes (the portal shows them live). */
  onCheck?: (entry: CheckEntry) => void;
  /** The clock of `checkedAt` (tests). */
  now?: () => Date;
}

/** What `verifyCertificate` takes: a certificate JSON (any value: check 1 parses it), or a QR payload. */
export type VerifyInput = unknown;

/** A request the verifier cannot act on at all (bad options, a payload offline). CLI exit 2, HTTP 400. */
export class VerifyInputError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = "VerifyInputError";
  }
}

/** AccessManager.hasRole and EvidenceAnchor.anchorOf, the two reads of check 3. */
const AUTHORITY = new Interface([
  "function hasRole(uint64 roleId, address account) view returns (bool isMember, uint32 executionDelay)",
  "function anchorOf(address anchorer, bytes32 root) view returns ((uint40 anchoredAt, uint32 itemCount, bool revoked))",
]);
/** contracts/access/Roles.sol REGISTRAR. */
const REGISTRAR_ROLE = 1n;

interface RpcBlock {
  number: string;
  hash: string;
  timestamp: string;
}

/** Whether the input is `{ payload }` (a QR payload or verify URL) rather than a certificate. */
function payloadOfInput(input: unknown): string | null {
  // A JSON text is a certificate (check 1 parses it), any other text a payload or verify URL.
  if (typeof input === "string") return input.trimStart().startsWith("{") ? null : input;
  if (typeof input === "object" && input !== null && !Array.isArray(input) && "payload" in input && !("credentialSubject" in input)) {
    const p = (input as { payload: unknown }).payload;
    if (typeof p !== "string") throw new VerifyInputError("payload", "must be the QR payload text or a verify URL");
    return p;
  }
  return null;
}

function unavailableReason(e: ChainUnavailableError): string {
  const what = { network: "no node answered", timeout: "the node timed out", rateLimited: "the node rate-limited the request", server: "the node answered with a server error" }[e.kind];
  return `${what} (${e.attempts.map((a) => `${a.url}: ${a.detail}`).join("; ") || "no urls"}); this says nothing about the certificate`;
}

/** A certificate given as JSON text. */
function jsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CertificateFormatError("", "the certificate text is not JSON");
  }
}

/** The asset id, licence id, anchor block and the validities a certificate states. */
function factsOf(cert: Certificate | UnsignedCertificate): { kind: "asset" | "licence"; assetId: bigint; licenceId?: bigint; block: number; blockHash: string; blockTime: number; contentHash: string; assetValidUntil: number; licenceEnd: number | null } {
  if (cert.type[1] === "LicenceCertificate") {
    const s = (cert as Extract<Certificate, { type: readonly ["VerifiableCredential", "LicenceCertificate"] }>).credentialSubject;
    return { kind: "licence", assetId: BigInt(s.asset.assetId), licenceId: BigInt(s.licenceId), block: s.anchor.blockNumber, blockHash: s.anchor.blockHash, blockTime: s.anchor.blockTime, contentHash: s.asset.contentHash, assetValidUntil: s.asset.validUntil, licenceEnd: s.end };
  }
  const s = (cert as Extract<Certificate, { type: readonly ["VerifiableCredential", "DataRightsCertificate"] }>).credentialSubject;
  return { kind: "asset", assetId: BigInt(s.tokenId), block: s.anchor.blockNumber, blockHash: s.anchor.blockHash, blockTime: s.anchor.blockTime, contentHash: s.contentHash, assetValidUntil: s.validity.validUntil, licenceEnd: null };
}

/** Rebuilds the unsigned certificate from the chain (build.ts), for an asset or a licence. */
function rebuild(rpc: ChainRpc, deployment: Deployment, kind: "asset" | "licence", id: bigint, atBlock: number, issuer: string, created: number): Promise<UnsignedCertificate> {
  return kind === "licence"
    ? buildLicenceCertificate(rpc, deployment, { licenceId: id, atBlock, issuer, created })
    : buildCertificate(rpc, deployment, { assetId: id, atBlock, issuer, created });
}

/** A signed certificate from a rebuilt unsigned one and a signature (the QR payload's). */
function withSignature(unsigned: UnsignedCertificate, sig: string): Certificate {
  return { ...unsigned, proof: { ...proofTemplate(unsigned), proofValue: sig } } as Certificate;
}

/**
 * The values a tampered certificate may disagree on, from each place the document repeats
 * them: the rebuild is tried with each combination and the one with the fewest differences
 * wins, so a change to one copy is named at that copy (a changed `validFrom` is reported as
 * `validFrom`, not as the `id` that embeds the original time).
 */
function candidatesOf(cert: Certificate): { ids: bigint[]; blocks: number[]; issuers: string[]; createds: number[] } {
  const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];
  const f = factsOf(cert);
  const idParts = cert.id.split(":"); // urn:drl:cert:eip155:<chainId>:<kind>:<id>:<block>:<created>
  const num = (s: string | undefined): number[] => (s !== undefined && /^\d{1,15}$/.test(s) ? [Number(s)] : []);
  const big = (s: string | undefined): bigint[] => (s !== undefined && /^[1-9]\d{0,30}$/.test(s) ? [BigInt(s)] : []);
  const subjectId = cert.credentialSubject.id.split(":").pop();
  const statusId = "licenceId" in cert.credentialStatus ? cert.credentialStatus.licenceId : cert.credentialStatus.assetId;
  const vmAddress = cert.proof.verificationMethod.split("#")[0]?.split(":")[4];
  const issuers = [parseIssuerDid(cert.issuer).address];
  if (vmAddress && /^0x[0-9a-fA-F]{40}$/.test(vmAddress)) issuers.push(getAddress(vmAddress.toLowerCase()));
  return {
    ids: uniq([f.kind === "licence" ? f.licenceId! : f.assetId, ...big(subjectId), ...big(statusId), ...big(idParts[6])]),
    blocks: uniq([f.block, cert.credentialStatus.anchorBlock, ...num(idParts[7])]),
    issuers: uniq(issuers),
    createds: uniq([unixSeconds(cert.proof.created), unixSeconds(cert.validFrom), ...num(idParts[8])]),
  };
}

/**
 * Rebuilds the certificate for each combination of candidates (only one when nothing was
 * changed) and keeps the closest: its differing fields, or null if nothing could be rebuilt.
 */
async function closestRebuild(rpc: ChainRpc, deployment: Deployment, cert: Certificate, head: number): Promise<{ diffs: string[] } | { error: unknown } | { undecided: ChainStateError }> {
  const claimed = hashedDocument(cert);
  const c = candidatesOf(cert);
  const kind = factsOf(cert).kind;
  let best: string[] | null = null;
  let lastError: unknown = null;
  let undecidedError: ChainStateError | null = null;
  for (const id of c.ids) {
    for (const block of c.blocks) {
      if (block > head) continue;
      for (const iss of c.issuers) {
        for (const created of c.createds) {
          let rebuilt: UnsignedCertificate;
          try {
            rebuilt = await rebuild(rpc, deployment, kind, id, block, iss, created);
          } catch (e) {
            if (e instanceof ChainUnavailableError) throw e;
            if (undecided(e)) undecidedError ??= e;
            else lastError = e;
            continue;
          }
          const diffs = differingFields(claimed, hashedDocument(rebuilt));
          if (best === null || diffs.length < best.length) best = diffs;
          if (diffs.length === 0) return { diffs };
        }
      }
    }
  }
  if (best !== null) return { diffs: best };
  // Nothing could be rebuilt: a real absence (no such asset) is a failure; a node that could not tell is an error.
  return lastError !== null || undecidedError === null ? { error: lastError } : { undecided: undecidedError };
}

/** A rebuild failure that says nothing about the certificate (the node's chain, a block it lacks, an answer it garbled, a list past the reader's bound). */
function undecided(e: unknown): e is ChainStateError {
  return e instanceof ChainStateError && e.code !== "notFound" && e.code !== "notRegistered";
}

/**
 * The anchor's chain id and contracts against the verifier's trusted deployment: a certificate
 * of another chain or other contracts is named at that field (the chain id recurs in many
 * fields; this names the one that says which chain the claims are read from).
 */
function trustedAnchorMismatch(cert: Certificate, deployment: Deployment): { field: string; reason: string } | null {
  const anchor = cert.credentialSubject.anchor;
  if (anchor.chainId !== deployment.chainId) {
    return { field: "credentialSubject.anchor.chainId", reason: `the certificate's claims are on chain ${anchor.chainId}, but this verifier trusts the deployment on chain ${deployment.chainId}` };
  }
  for (const key of ANCHOR_CONTRACT_KEYS) {
    const trusted = getAddress(deployment.addresses[key].toLowerCase());
    if (anchor.contracts[key] !== trusted) {
      return { field: `credentialSubject.anchor.contracts.${key}`, reason: `the certificate names ${anchor.contracts[key]} as the ${key} contract, but the trusted deployment's is ${trusted}` };
    }
  }
  return null;
}

/** Verifies a certificate (or a QR payload) and returns the report; throws only VerifyInputError. */
export async function verifyCertificate(input: VerifyInput, opts: VerifyOptions): Promise<VerificationReport> {
  const offline = opts.offline === true;
  const checks = pendingChecks();
  const changes: Change[] = [];
  const set = (id: CheckId, entry: Omit<CheckEntry, "id" | "title">): void => {
    checks[id] = { id, title: checks[id].title, ...entry };
    opts.onCheck?.(checks[id]);
  };
  let rpc: ChainRpc | null = null;
  if (!offline) {
    if (opts.rpc) rpc = opts.rpc;
    else {
      if (!opts.rpcUrls || opts.rpcUrls.length === 0) throw new VerifyInputError("rpcUrls", "at least one JSON-RPC url is needed (or verify offline)");
      try {
        rpc = new ChainRpc(opts.rpcUrls, { timeoutMs: opts.timeoutMs });
      } catch (e) {
        throw new VerifyInputError("rpcUrls", e instanceof Error ? e.message : String(e));
      }
    }
  }
  const calls0 = rpc?.callCount ?? 0;
  const http0 = rpc?.httpRequests ?? 0;
  if (!offline && opts.deployment === undefined) throw new VerifyInputError("deployment", "the trusted deployment (chain id and contract addresses) is needed to check against the chain");
  // Only read on the online path, where it was just checked to be there.
  const deployment = opts.deployment as Deployment;

  let cert: Certificate | null = null;
  let payload: VerifyPayload | null = null;
  let headBlock: number | null = null;
  let recovered: string | null = null;
  const payloadText = payloadOfInput(input);

  const finish = (): VerificationReport => {
    const list = CHECK_IDS.map((id) => checks[id]);
    const verdict = verdictOf(list, changes);
    let hash: string | null = null;
    let f: ReturnType<typeof factsOf> | null = null;
    if (cert) {
      try {
        hash = certificateHash(cert);
        f = factsOf(cert);
      } catch {
        hash = null;
      }
    }
    return {
      verdict,
      summary: summaryOf(verdict, list, changes, offline),
      certificateType: f?.kind ?? payload?.k ?? null,
      certificateId: cert?.id ?? null,
      certificateHash: hash ?? payload?.hash ?? null,
      issuer: recovered,
      chainId: cert?.credentialSubject.anchor.chainId ?? payload?.chainId ?? null,
      anchorBlock: f?.block ?? payload?.block ?? null,
      checks: list,
      changes,
      offline,
      input: payloadText === null ? "certificate" : "payload",
      rpcCalls: (rpc?.callCount ?? 0) - calls0,
      httpRequests: (rpc?.httpRequests ?? 0) - http0,
      headBlock,
      checkedAt: (opts.now?.() ?? new Date()).toISOString(),
    };
  };
  const notRunRest = (reason: string): void => {
    for (const id of CHECK_IDS) if (checks[id].reason === "not run") set(id, { status: "notRun", reason });
  };

  // ─── 1. Well formed (or, for a payload, the certificate rebuilt from the chain) ──────────
  if (payloadText !== null) {
    if (offline) throw new VerifyInputError("offline", "a QR payload alone is checked by rebuilding the certificate from the chain; verify the certificate JSON to check offline");
    try {
      payload = decodeVerifyPayload(payloadText);
    } catch (e) {
      if (!(e instanceof PayloadError)) throw e;
      set("wellFormed", { status: "failed", reason: `the QR payload is malformed: ${e.message}`, field: e.field ? `payload.${e.field}` : "payload" });
      notRunRest("not run: the QR payload is malformed");
      return finish();
    }
    if (payload.chainId !== deployment.chainId) {
      set("wellFormed", { status: "failed", reason: `the payload names chain ${payload.chainId}, but the trusted deployment is chain ${deployment.chainId}`, field: "payload.chainId" });
      notRunRest("not run: the payload is for another chain");
      return finish();
    }
    try {
      const unsigned = await rebuild(rpc!, deployment, payload.k, BigInt(payload.id), payload.block, payload.iss, payload.created);
      cert = withSignature(unsigned, payload.sig);
    } catch (e) {
      if (e instanceof ChainUnavailableError || undecided(e)) {
        const reason = e instanceof ChainUnavailableError ? unavailableReason(e) : `${e instanceof Error ? e.message : String(e)}; this says nothing about the certificate`;
        set("wellFormed", { status: "error", reason: `the certificate could not be rebuilt from the chain: ${reason}`, errorKind: e instanceof ChainUnavailableError ? e.kind : e instanceof ChainStateError ? e.code : "server" });
        notRunRest("not run: the certificate could not be rebuilt from the chain");
        return finish();
      }
      set("wellFormed", { status: "failed", reason: `the chain holds no ${payload.k} ${payload.id} to rebuild at block ${payload.block}: ${e instanceof Error ? e.message : String(e)}`, field: "payload.id" });
      notRunRest("not run: nothing to rebuild");
      return finish();
    }
    set("wellFormed", { status: "passed", reason: `rebuilt the ${payload.k} certificate from the chain at block ${payload.block} (QR payload v${payload.v})` });
  } else {
    try {
      cert = parseCertificate(typeof input === "string" ? jsonText(input) : input);
      set("wellFormed", { status: "passed", reason: `a ${cert.type[1]} in the W3C VC 2.0 shape, every field as the schema requires` });
    } catch (e) {
      // Any other error of the parser is still a malformed document, never a crash.
      const field = e instanceof CertificateFormatError ? e.field || undefined : undefined;
      set("wellFormed", { status: "failed", reason: e instanceof Error ? e.message : String(e), field });
      notRunRest("not run: the certificate is not well formed");
      return finish();
    }
  }
  const facts = factsOf(cert);

  // ─── 2. Signature ───────────────────────────────────────────────────────────────────────
  const issuer = parseIssuerDid(cert.issuer).address;
  try {
    recovered = recoverIssuer(cert);
    if (recovered !== issuer) {
      set("signature", { status: "failed", reason: `the signature recovers to ${recovered}, not to the issuer ${issuer}: the certificate was changed after signing, or another key signed it`, ...(payload ? { field: "payload.sig" } : {}) });
    } else {
      // The signature holds: any difference in the proof's metadata is a change of that field.
      const { proofValue: _sig, ...claimed } = cert.proof;
      const [field] = differingFields(claimed, proofTemplate(cert));
      if (field !== undefined) set("signature", { status: "failed", reason: `the proof's ${field} is not the declared EIP-712 signature suite value`, field: `proof.${field}` });
      else set("signature", { status: "passed", reason: `EIP-712 signature by ${recovered}, the issuer (${cert.proof.type})` });
    }
  } catch (e) {
    if (!(e instanceof CertificateFormatError)) throw e;
    set("signature", { status: "failed", reason: e.message, field: e.field });
  }
  if (payload && checks.signature.status === "passed" && certificateHash(cert) !== payload.hash) {
    // The signature holds over the rebuilt document but the hash differs: the payload's hash was changed.
    set("signature", { status: "failed", reason: `the rebuilt certificate hashes to ${certificateHash(cert)}, not to the payload's ${payload.hash}`, field: "payload.hash" });
  }

  // ─── 6. Data (offline too) ──────────────────────────────────────────────────────────────
  const dataField = facts.kind === "licence" ? "credentialSubject.asset.contentHash" : "credentialSubject.contentHash";
  if (opts.data === undefined) {
    set("data", { status: "notRun", reason: "no data given (give the file or directory to compare its fingerprint with the content hash)" });
  } else {
    try {
      const given = typeof opts.data === "function" ? await opts.data(facts.contentHash) : opts.data;
      const got = given.contentHash.toLowerCase();
      if (got === facts.contentHash) set("data", { status: "passed", reason: `the data's fingerprint is the content hash ${facts.contentHash}` });
      else set("data", { status: "failed", reason: `the data's fingerprint ${got} is not the content hash ${facts.contentHash}: this is not the data the certificate names`, field: dataField });
    } catch (e) {
      throw new VerifyInputError("data", e instanceof Error ? e.message : String(e));
    }
  }

  if (offline || rpc === null) {
    for (const id of CHECK_IDS) {
      if (!OFFLINE_CHECKS.includes(id)) set(id, { status: "notRun", reason: "not run: offline (this check reads the chain)" });
    }
    return finish();
  }

  // ─── 3, 4 and the head: one batch ───────────────────────────────────────────────────────
  const hash = certificateHash(cert);
  const chainChecks: CheckId[] = ["issuerAuthority", "anchorBlock", "claimedState", "changesSince"];
  let head: { number: number; timestamp: number } | null = null;
  try {
    const answers = await rpc.batchSettled([
      { method: "eth_chainId", params: [] },
      { method: "eth_getBlockByNumber", params: [blockTag(facts.block), false] },
      { method: "eth_getBlockByNumber", params: ["latest", false] },
      { method: "eth_call", params: [{ to: deployment.addresses.manager, data: AUTHORITY.encodeFunctionData("hasRole", [REGISTRAR_ROLE, issuer]) }, blockTag(facts.block)] },
      { method: "eth_call", params: [{ to: deployment.addresses.evidence, data: AUTHORITY.encodeFunctionData("anchorOf", [issuer, hash]) }, "latest"] },
    ]);
    const [chainIdA, anchorA, latestA, roleA, anchoredA] = answers;
    const chainId = chainIdA?.ok ? Number(BigInt(String(chainIdA.result))) : null;
    if (chainId !== deployment.chainId) {
      const reason = chainId === null ? "the node did not say which chain it is" : `the node is chain ${chainId}, but the trusted deployment is chain ${deployment.chainId}: point the verifier at a node of its deployment's chain`;
      for (const id of chainChecks) set(id, { status: "error", reason, errorKind: "wrongChain" });
      return finish();
    }
    const latest = latestA?.ok ? (latestA.result as RpcBlock | null) : null;
    if (!latest) throw new ChainUnavailableError("server", "eth_getBlockByNumber", []);
    head = { number: Number(BigInt(latest.number)), timestamp: Number(BigInt(latest.timestamp)) };
    headBlock = head.number;

    // 4. The anchor block.
    const anchorBlock = anchorA?.ok ? (anchorA.result as RpcBlock | null) : null;
    const copies = candidatesOf(cert).blocks;
    if (anchorBlock === null) {
      if (copies.length > 1) {
        // The certificate's own copies of the anchor block (anchor, credentialStatus, id) disagree: not a lagging node.
        set("anchorBlock", { status: "failed", reason: `the certificate names block ${facts.block} in its anchor but ${copies.filter((b) => b !== facts.block).join(", ")} elsewhere, and this chain has no block ${facts.block} yet`, field: "credentialSubject.anchor.blockNumber" });
      } else if (facts.block > head.number) {
        set("anchorBlock", { status: "error", reason: `the node's head is block ${head.number}, before the anchor block ${facts.block}: it may be behind; try another node`, errorKind: "behind" });
      } else {
        set("anchorBlock", { status: "failed", reason: `the chain has no block ${facts.block}`, field: "credentialSubject.anchor.blockNumber" });
      }
    } else if (anchorBlock.hash.toLowerCase() !== facts.blockHash) {
      set("anchorBlock", { status: "failed", reason: `block ${facts.block} of this chain is ${anchorBlock.hash.toLowerCase()}, not ${facts.blockHash}: another chain, or a block that was reorganised away`, field: "credentialSubject.anchor.blockHash" });
    } else {
      set("anchorBlock", { status: "passed", reason: `block ${facts.block} of chain ${chainId} is ${facts.blockHash}` });
    }

    // 3. The issuer's authority at the anchor block, and the anchored hash not revoked.
    if (anchorBlock === null) {
      set("issuerAuthority", { status: "notRun", reason: "not run: the anchor block is not on this node" });
    } else if (!roleA?.ok || !anchoredA?.ok) {
      const err = !roleA?.ok ? roleA?.error : !anchoredA?.ok ? anchoredA?.error : undefined;
      set("issuerAuthority", { status: "error", reason: `the node refused the role or anchor read: ${err?.message ?? "no answer"}`, errorKind: "server" });
    } else {
      const [isMember] = AUTHORITY.decodeFunctionResult("hasRole", String(roleA.result));
      const [anchored] = AUTHORITY.decodeFunctionResult("anchorOf", String(anchoredA.result));
      const anchoredAt = Number((anchored as { anchoredAt: bigint }).anchoredAt);
      const revoked = (anchored as { revoked: boolean }).revoked;
      if (isMember !== true) {
        set("issuerAuthority", { status: "failed", reason: `${issuer} did not hold the registrar role at block ${facts.block}`, field: "issuer" });
      } else if (anchoredAt !== 0 && revoked) {
        set("issuerAuthority", { status: "failed", reason: `the issuer anchored this certificate's hash ${hash} and later revoked it`, field: "proof" });
      } else {
        set("issuerAuthority", {
          status: "passed",
          reason: `${issuer} held the registrar role at block ${facts.block}; ${anchoredAt !== 0 ? `the certificate's hash was anchored by the issuer at ${isoSeconds(anchoredAt)} and is not revoked` : "the certificate's hash was not anchored (optional)"}`,
        });
      }
    }
  } catch (e) {
    if (!(e instanceof ChainUnavailableError)) throw e;
    for (const id of chainChecks) set(id, { status: "error", reason: unavailableReason(e), errorKind: e.kind });
    return finish();
  }

  // ─── 5. The claimed state, rebuilt from the chain at the anchor block ───────────────────
  if (payload) {
    set("claimedState", { status: "passed", reason: `the certificate was rebuilt from the contracts' state at block ${facts.block}${checks.signature.status === "passed" ? " and the signature holds over it" : ""}` });
  } else if (candidatesOf(cert).blocks.every((b) => b > head!.number)) {
    set("claimedState", { status: "notRun", reason: "not run: the anchor block is not on this node yet" });
  } else {
    try {
      const mismatch = trustedAnchorMismatch(cert, deployment);
      const r = mismatch ?? (await closestRebuild(rpc, deployment, cert, head.number));
      if ("reason" in r) {
        set("claimedState", { status: "failed", reason: r.reason, field: r.field });
      } else if ("undecided" in r) {
        set("claimedState", { status: "error", reason: `the state at block ${facts.block} could not be read: ${r.undecided.message}`, errorKind: r.undecided.code });
      } else if ("error" in r) {
        const e = r.error;
        set("claimedState", { status: "failed", reason: `the chain holds no such ${facts.kind} at block ${facts.block}: ${e instanceof Error ? e.message : String(e)}`, field: facts.kind === "licence" ? "credentialSubject.licenceId" : "credentialSubject.tokenId" });
      } else if (r.diffs.length > 0) {
        const [first, ...more] = r.diffs;
        set("claimedState", { status: "failed", reason: `${first} differs from the contracts' state at block ${facts.block}${more.length > 0 ? ` (and ${more.length} more field${more.length === 1 ? "" : "s"}: ${more.slice(0, 5).join(", ")}${more.length > 5 ? ", …" : ""})` : ""}`, field: first });
      } else {
        set("claimedState", { status: "passed", reason: `every field equals the contracts' state at block ${facts.block} (eth_call at that block; name, kind, form, source and parents from the canonical AssetApplied log)` });
        // Everything signed is as the chain says, yet the signature does not recover: the signature itself was changed.
        if (checks.signature.status === "failed" && checks.signature.field === undefined) set("signature", { ...checks.signature, field: "proof.proofValue" });
      }
    } catch (e) {
      if (!(e instanceof ChainUnavailableError)) throw e;
      set("claimedState", { status: "error", reason: unavailableReason(e), errorKind: e.kind });
    }
  }

  // ─── 7. What has happened since ─────────────────────────────────────────────────────────
  try {
    const queries = changeQueries(deployment, { assetId: facts.assetId, licenceId: facts.licenceId }, facts.block, head.number);
    const answers = queries.length === 0 ? [] : await rpc.batchSettled(queries);
    const failed = answers.find((a) => !a.ok);
    if (failed && !failed.ok) {
      set("changesSince", { status: "error", reason: `the node refused the log query: ${failed.error.message}`, errorKind: "server" });
    } else {
      const logs = answers.flatMap((a) => (a.ok ? (a.result as RawLog[]) : []));
      changes.push(...changesFromLogs(logs));
      const expiries = [expiryChange("asset", facts.assetValidUntil, facts.blockTime, head), facts.licenceEnd === null ? null : expiryChange("licence", facts.licenceEnd, facts.blockTime, head)];
      for (const x of expiries) if (x) changes.push(x);
      set("changesSince", {
        status: "passed",
        reason: changes.length === 0 ? `nothing has changed from block ${facts.block + 1} to the head ${head.number}` : `${changes.length} change${changes.length === 1 ? "" : "s"} from block ${facts.block + 1} to the head ${head.number}: ${[...new Set(changes.map((x) => x.kind))].join(", ")}`,
      });
    }
  } catch (e) {
    if (e instanceof ChainUnavailableError) set("changesSince", { status: "error", reason: unavailableReason(e), errorKind: e.kind });
    else if (e instanceof RpcCallError) set("changesSince", { status: "error", reason: `the node refused the log query: ${e.message}`, errorKind: "server" });
    else throw e;
  }
  return finish();
}
