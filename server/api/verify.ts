/**
 * POST /v1/verify: verifies a certificate, or a QR payload, against the chain.
 *
 * Body: `{ "certificate": {…} }` or `{ "payload": "<QR payload or verify URL>" }`, optionally
 * `"contentHash": "0x…"` (the data's fingerprint, check 6). The chain answers come from the
 * server's own node over JSON-RPC (sdk/certs ChainRpc), never from the index, and the trusted
 * deployment is the server's. The answer is the verification report (sdk/certs/report.ts):
 *
 *   200  verdict VALID, VALID_BUT_SUPERSEDED or INVALID (the verification ran to a verdict)
 *   503  verdict ERROR: the server's node did not answer (down, timeout, rate limit); the body
 *        is still the full report, with `Retry-After`. A 503 is a server-side condition to retry,
 *        never a statement about the certificate.
 *   400  a malformed body, naming the field (`certificate`, `payload`, `contentHash`, `body`).
 */
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { VerificationReportSchema, type VerificationReport } from "../../sdk/certs/report";
import type { ChainRpc } from "../../sdk/certs/rpc";
import { VerifyInputError, verifyCertificate } from "../../sdk/certs/verify";
import { parseDeployment, type Deployment as SdkDeployment } from "../../sdk/ledger/deployment";
import { ApiError, BadRequestError, parseOr400 } from "./errors";

export interface VerifyRoutesContext {
  /** The server's deployment (chain id, deploy block, addresses): the trusted one. */
  deployment: { network: string; chainId: number; deployBlock: number; addresses: Record<string, string> };
  /** The server's node(s), tried in order (failover). Never the index. Ignored when `rpc` is given. */
  rpcUrls?: readonly string[];
  /** A client per request to the server's node (the server passes one that keeps the URL's key inside its RpcClient). */
  rpc?: () => ChainRpc;
  /** Per HTTP request to the node (default 3000 ms: two urls fit in the API's request timeout). */
  rpcTimeoutMs?: number;
  /** Removes secrets (the node URL's key) from the answer's reasons. */
  scrub?: (text: string) => string;
  /** Largest body accepted when no body parser ran before this router (default 256 KiB). */
  maxBodyBytes?: number;
}

const Hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex fingerprint");

/** The body: exactly one of certificate or payload. */
export const VerifyBody = z
  .strictObject({
    certificate: z.record(z.string(), z.unknown(), { error: "must be the certificate JSON object" }).optional(),
    payload: z.string({ error: "must be the QR payload text or the verify URL" }).min(1, "must not be empty").max(4096, "must be at most 4096 characters").optional(),
    contentHash: Hash32.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.certificate === undefined && b.payload === undefined) ctx.addIssue({ code: "custom", path: ["certificate"], message: "is required (or payload)" });
    if (b.certificate !== undefined && b.payload !== undefined) ctx.addIssue({ code: "custom", path: ["payload"], message: "must not be given with certificate (one or the other)" });
  });

function bodyOf(req: Request): unknown {
  const raw: unknown = req.body;
  if (raw === undefined || (Buffer.isBuffer(raw) && raw.length === 0)) throw new BadRequestError("body", "is required: a JSON object { certificate } or { payload }");
  if (Buffer.isBuffer(raw) || typeof raw === "string") {
    try {
      return JSON.parse(raw.toString()) as unknown;
    } catch {
      throw new BadRequestError("body", "is not JSON");
    }
  }
  return raw;
}

export function verifyRoutes(ctx: VerifyRoutesContext): Router {
  const router = express.Router();
  const scrub = ctx.scrub ?? ((t: string) => t);
  let deployment: SdkDeployment | undefined;
  const trusted = (): SdkDeployment => (deployment ??= parseDeployment({ network: ctx.deployment.network, chainId: ctx.deployment.chainId, deployBlock: ctx.deployment.deployBlock, addresses: ctx.deployment.addresses }, "server deployment"));
  // A body parser for when this router is mounted without the app's (the app's keeps the raw bytes too).
  const readBody = express.raw({ limit: ctx.maxBodyBytes ?? 256 * 1024, type: () => true });

  router.post("/verify", readBody, async (req: Request, res: Response) => {
    const json = bodyOf(req);
    if (typeof json !== "object" || json === null || Array.isArray(json)) throw new BadRequestError("body", "must be a JSON object { certificate } or { payload }");
    const body = parseOr400(VerifyBody, json, "body");
    let report: VerificationReport;
    try {
      // One client per request: its counters are this verification's rpcCalls.
      report = await verifyCertificate(body.payload !== undefined ? { payload: body.payload } : body.certificate, {
        deployment: trusted(),
        ...(ctx.rpc ? { rpc: ctx.rpc() } : { rpcUrls: ctx.rpcUrls ?? [] }),
        timeoutMs: ctx.rpcTimeoutMs ?? 3000,
        ...(body.contentHash !== undefined ? { data: { contentHash: body.contentHash.toLowerCase() } } : {}),
      });
    } catch (e) {
      if (e instanceof VerifyInputError) throw new BadRequestError(e.field === "payload" ? "payload" : e.field === "data" ? "contentHash" : "body", e.rule);
      throw e;
    }
    // Reasons may quote a node URL: the scrubber hides its key.
    const answer = VerificationReportSchema.parse({ ...report, summary: scrub(report.summary), checks: report.checks.map((c) => ({ ...c, reason: scrub(c.reason) })) });
    if (answer.verdict === "ERROR") res.status(503).set("Retry-After", "5");
    res.json(answer);
  });
  router.all("/verify", (req, res) => {
    res.set("Allow", "POST");
    if (req.method === "OPTIONS") {
      res.status(204).end();
      return;
    }
    throw new ApiError(405, "method_not_allowed", `${req.method.slice(0, 20)} is not allowed here; allowed: POST`);
  });
  return router;
}
