/**
 * `GET /v1/assets/:ref/certificate?atBlock=N[&format=pdf][&issuer=0x…][&created=…]`: the
 * UNSIGNED preview of an asset's rights certificate at a block (sdk/certs/build.ts): the same
 * document `drl cert` signs, without `proof`. The API holds no keys, so it never signs.
 *
 * The ref (id, registration number or content hash) is resolved in the index; the document is
 * read from the chain at the block through the API's own node client (never from the index),
 * so the preview is what a verifier would rebuild. `issuer` and `created` default to the zero
 * address and now; give them to preview exactly the document a registrar will sign.
 *
 * Errors: a bad parameter is 400 naming it, an unknown ref 404, a block beyond the chain's head
 * or an asset not registered at the block 409, the node unreachable 503.
 */
import express from "express";
import { ZeroAddress } from "ethers";
import { z } from "zod";
import { RefParams } from "../../sdk/api/schemas";
import { buildCertificate } from "../../sdk/certs/build";
import { ChainStateError, type CertDeployment } from "../../sdk/certs/chain-state";
import { renderCertificatePdf } from "../../sdk/certs/pdf";
import { ChainRpc, ChainUnavailableError } from "../../sdk/certs/rpc";
import { LEDGER_KEYS, type LedgerKey } from "../../sdk/ledger/deployment";
import { InputError } from "../../sdk/ledger/errors";
import { RpcError, RpcUnavailableError } from "../rpc/client";
import { K } from "../store/keys";
import type { Checkpoint } from "../store/store";
import { Queries } from "../state/queries";
import type { ApiContext } from "./app";
import { ApiError, BadRequestError, NotFoundError, UnavailableError, parseOr400 } from "./errors";

export const CertificateQuery = z.strictObject({
  atBlock: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, "must be a block number (a whole number, 0 or more)")
    .transform(Number)
    .refine(Number.isSafeInteger, "must be a block number (a whole number, 0 or more)")
    .optional(),
  format: z.enum(["json", "pdf"], { error: "must be json or pdf" }).default("json"),
  issuer: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address").optional(),
  created: z
    .string()
    .regex(/^([0-9]{1,12}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/, "must be unix seconds or ISO-8601 UTC to the second (2026-01-02T03:04:05Z)")
    .optional(),
});

/** How many node calls the preview may retry on a transport fault before answering 503. */
const ATTEMPTS = 2;

/**
 * A `fetch` for ChainRpc that sends through the API's RpcClient (its URL, key and scrubbing
 * stay inside it), with bounded attempts: a dead node becomes ChainUnavailableError, not a hang.
 */
function viaRpcClient(ctx: Pick<ApiContext, "rpc">): typeof fetch {
  return async (_input, init) => {
    const body = JSON.parse(String(init?.body ?? "null")) as { id: number; method: string; params: unknown[] } | { id: number; method: string; params: unknown[] }[];
    const calls = Array.isArray(body) ? body : [body];
    let answers: unknown[];
    try {
      answers = await ctx.rpc.batch<unknown>(calls.map((c) => ({ method: c.method, params: c.params })), { attempts: ATTEMPTS });
    } catch (e) {
      if (e instanceof RpcUnavailableError) throw new TypeError(e.message);
      throw e;
    }
    const out = calls.map((c, i) => {
      const a = answers[i];
      if (a instanceof RpcError) return { jsonrpc: "2.0", id: c.id, error: { code: a.code, message: a.message, data: a.data } };
      return { jsonrpc: "2.0", id: c.id, result: a };
    });
    return new Response(JSON.stringify(Array.isArray(body) ? out : out[0]), { status: 200, headers: { "content-type": "application/json" } });
  };
}

/**
 * A ChainRpc for one request that talks to the server's node through its RpcClient, so the
 * node URL's key never leaves it (the URL ChainRpc is given is the redacted one, for messages).
 */
export function serverChainRpc(ctx: Pick<ApiContext, "rpc">, timeoutMs = 30_000): ChainRpc {
  return new ChainRpc(/^https?:\/\//.test(ctx.rpc.url) ? ctx.rpc.url : "http://node.invalid/", { fetch: viaRpcClient(ctx), timeoutMs });
}

function certDeployment(ctx: ApiContext): CertDeployment {
  const addresses = {} as Record<LedgerKey, string>;
  for (const k of LEDGER_KEYS) addresses[k] = ctx.deployment.addresses[k] ?? ZeroAddress;
  return { chainId: ctx.deployment.chainId, deployBlock: ctx.deployment.deployBlock, addresses };
}

/** The asset id of a ref, from the index (404 if it knows no such asset). */
async function resolveRef(ctx: ApiContext, ref: string): Promise<bigint> {
  const reader = ctx.store.reader();
  try {
    const cp = await reader.get<Checkpoint>(K.checkpoint);
    if (!cp) throw new UnavailableError("index_empty", "the index has not reached the deploy block yet; retry shortly");
    const a = await new Queries(reader, cp, ctx.deployment.defaultModules).resolve(ref);
    if (!a) throw new NotFoundError(`asset ${ref}`);
    return BigInt(a.id);
  } finally {
    await reader.close();
  }
}

/** The certificate routes, to mount under /v1 (the lead mounts them). */
export function certificateRoutes(ctx: ApiContext): express.Router {
  const router = express.Router();
  const deployment = certDeployment(ctx);

  router.get("/assets/:ref/certificate", async (req, res) => {
    const { ref } = parseOr400(RefParams, req.params, "ref");
    const query = parseOr400(CertificateQuery, req.query, "query");
    if (query.atBlock !== undefined && query.atBlock < deployment.deployBlock) {
      throw new BadRequestError("atBlock", `must not be before the ledger's deployment block ${deployment.deployBlock}`);
    }
    const assetId = await resolveRef(ctx, ref);
    const rpc = serverChainRpc(ctx);
    try {
      const head = await rpc.blockNumber();
      const atBlock = query.atBlock ?? head;
      if (atBlock > head) throw new ApiError(409, "beyond_head", `atBlock ${atBlock} is beyond the chain's head (block ${head})`, "atBlock", { head });
      const created = query.created === undefined ? Math.floor(Date.now() / 1000) : /^[0-9]+$/.test(query.created) ? Number(query.created) : query.created;
      const unsigned = await buildCertificate(rpc, deployment, { assetId, atBlock, issuer: query.issuer ?? ZeroAddress, created });
      if (query.format === "pdf") {
        const pdf = await renderCertificatePdf(unsigned);
        res.setHeader("content-disposition", `inline; filename="certificate-${assetId}-${atBlock}.pdf"`);
        res.type("application/pdf").send(pdf);
        return;
      }
      res.json(unsigned);
    } catch (e) {
      throw apiErrorOf(e, ref);
    }
  });
  return router;
}

function apiErrorOf(e: unknown, ref: string): unknown {
  if (e instanceof ApiError) return e;
  if (e instanceof InputError) return new BadRequestError(e.field, e.rule);
  if (e instanceof ChainUnavailableError) return new UnavailableError("node_unavailable", "the chain's node did not answer; retry shortly");
  if (e instanceof ChainStateError) {
    switch (e.code) {
      case "notFound":
        return new NotFoundError(`asset ${ref} at that block`);
      case "notRegistered":
        return new ApiError(409, "not_registered", e.message, "atBlock");
      case "blockNotFound":
        return new ApiError(409, "beyond_head", e.message, "atBlock");
      case "notDeployed":
        return new BadRequestError("atBlock", "is before the ledger's deployment");
      case "tooMany":
        return new ApiError(409, "too_many", e.message);
      default:
        return new ApiError(502, "bad_node_answer", e.message);
    }
  }
  return e;
}
