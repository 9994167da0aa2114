/**
 * The provenance API (Express 5). Read-only: it holds no keys and sends no transactions. Every
 * parameter is parsed with the zod schemas in sdk/api/schemas.ts, and every state answer is
 * read from one store snapshot and says which block it reflects (`asOfBlock`).
 */
import express, { type Request, type Response } from "express";
import { Interface } from "ethers";
import { REASON, bitsOfReasons, enumName, reasonsOfBits } from "../../sdk/api/enums";
import {
  AddressParams,
  AssetsQuery,
  EvidenceParams,
  EvidenceQuery,
  HolderQuery,
  LicenseParams,
  LongPageQuery,
  MilestonesQuery,
  PageQuery,
  RefParams,
  TradabilityQuery,
  type Tradability,
} from "../../sdk/api/schemas";
import type { MatchingRule, PortalConfig } from "../../sdk/api/schemas";
import type { Deployment } from "../deployment";
import type { Metrics } from "../metrics";
import { RpcClient, RpcError } from "../rpc/client";
import type { IndexerStatus } from "../status";
import { K } from "../store/keys";
import type { StoredAsset } from "../store/records";
import type { Checkpoint, IndexStore, Reader } from "../store/store";
import { Queries } from "../state/queries";
import { rightsBitsOf } from "../state/tradability";
import { ApiError, BadRequestError, NotFoundError, UnavailableError, errorBody, errorHandler, parseOr400 } from "./errors";
import { CircuitBreaker } from "./circuit-breaker";
import { answerHealth, answerReady } from "./health";
import { methodNotAllowed } from "./http-semantics";
import { DEFAULT_LIMITS, bodyLimit, corsAllowList, inFlightAndTimeout, isProbe, rateLimiter, securityHeaders, type ApiLimits } from "./limits";
import { certificateRoutes, serverChainRpc } from "./certificates";
import { openApiDocument } from "./openapi";
import { verifyRoutes } from "./verify";
import { findPortalDir, portalRoutes } from "./portal";
import { readYourWrites, sendStateText, stampStateAnswers } from "./read-your-writes";
import { loadMatchingRule } from "../../sdk/incentives/rule";

export interface ApiContext {
  store: IndexStore;
  deployment: Deployment;
  status: () => IndexerStatus;
  /** For `?confirm=chain`: the node the answer is checked against (read-only calls). */
  rpc: RpcClient;
  metrics: Metrics;
  confirmations: number;
  log?: (m: string) => void;
  /** Extra routes mounted before the 404 handler. */
  extend?: (app: express.Express) => void;
  /** The built portal served at `/` (server/api/portal.ts); default: dist/portal of the server's package (findPortalDir); null: none. */
  portalDir?: string | null;
  /** Rate limits, timeout, in-flight cap, body limit, CORS, lag bound (server/api/limits.ts); defaults if not given. */
  limits?: Partial<ApiLimits>;
  /** Removes secrets (the node URL's key) from messages before they are logged or answered. */
  scrub?: (text: string) => string;
  /** A chain JSON-RPC endpoint browsers may call (GET /v1/config; the portal's CSP allows it); null or absent: none. */
  browserRpcUrl?: string | null;
  /** The matching-fund rule (GET /v1/config); default: the package's deployments/config/matching-funds.json. */
  matchingRule?: MatchingRule;
}

/** The registry's pre-trade views: the first failing check, and every failing check as a bit set. */
const PRE_TRADE = new Interface([
  "function transferCheck(uint256 assetId, address from, address to) view returns (uint8)",
  "function transferReasons(uint256 assetId, address from, address to) view returns (uint256)",
  "function licenseCheck(uint256 assetId, address licensor, address licensee, uint8 rights, uint8 territory, bool isSublicense) view returns (uint8)",
  "function licenseReasons(uint256 assetId, address licensor, address licensee, uint8 rights, uint8 territory, bool isSublicense) view returns (uint256)",
]);

export function createApp(ctx: ApiContext): express.Express {
  const app = express();
  const scrub = ctx.scrub ?? ((t: string) => t);
  const log = ((l: (m: string) => void) => (m: string) => l(scrub(m)))(ctx.log ?? (() => {}));
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...ctx.limits };
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("json spaces", 0);
  app.set("trust proxy", limits.trustProxy);

  // Latency per route pattern (low cardinality), recorded when the response is sent. The label
  // is the route's full pattern whether the handler answered or threw (the router restores
  // req.baseUrl before the error handler runs, so the mount point is kept aside).
  app.use((req, res, next) => {
    const end = ctx.metrics.requestDuration.startTimer();
    res.on("finish", () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const base = typeof res.locals.routeBase === "string" ? res.locals.routeBase : req.baseUrl;
      end({ method: req.method.length <= 10 ? req.method : "other", route: typeof route === "string" ? `${base}${route}` : "unmatched", status: String(res.statusCode) });
    });
    next();
  });
  app.use(securityHeaders());
  // CORS and the rate limit only when configured (off, they are no-ops: no layer for them).
  if (limits.corsOrigins.length > 0) app.use(corsAllowList(limits.corsOrigins));
  app.use(inFlightAndTimeout(limits.maxInFlight, limits.requestTimeoutMs));
  if (limits.ratePerMinute > 0) app.use(rateLimiter(limits.ratePerMinute, "requests", isProbe));
  app.use(bodyLimit(limits.maxBodyBytes, { "/v1/verify": limits.maxVerifyBodyBytes }));
  app.use(stampStateAnswers());
  const confirmLimit = rateLimiter(limits.confirmRatePerMinute, "confirm=chain requests");
  // After a failed node call, confirm=chain answers 503 at once for 5 s rather than waiting for the node.
  const breaker = new CircuitBreaker(5_000);

  /**
   * Runs `fn` over the index as of one commit: first through the read cache (fast); if a
   * commit landed meanwhile, again over a LevelDB snapshot. 503 if nothing is indexed yet or
   * the indexer halted.
   */
  async function read<T>(fn: (q: Queries) => Promise<T>): Promise<T> {
    const st = ctx.status();
    if (st.state === "halted") throw new UnavailableError("index_halted", `the indexer stopped: ${st.lastError ?? "unknown error"}`);
    // The cache is consistent only if no write began or ended while the request ran (see
    // IndexStore.stable); otherwise the request is answered again from one snapshot.
    const generation = ctx.store.generation;
    if (ctx.store.stable) {
      try {
        const answer = await over(ctx.store.cachedReader(), fn);
        if (ctx.store.generation === generation) return answer;
      } catch (e) {
        if (ctx.store.generation === generation) throw e;
      }
    }
    return over(ctx.store.reader(), fn);
  }

  async function over<T>(reader: Reader, fn: (q: Queries) => Promise<T>): Promise<T> {
    try {
      const cp = await reader.get<Checkpoint>(K.checkpoint);
      if (!cp) throw new UnavailableError("index_empty", "the index has not reached the deploy block yet; retry shortly");
      return await fn(new Queries(reader, cp, ctx.deployment.defaultModules));
    } finally {
      await reader.close();
    }
  }

  async function assetOr404(q: Queries, ref: string): Promise<StoredAsset> {
    const a = await q.resolve(ref);
    if (!a) throw new NotFoundError(`asset ${ref}`);
    return a;
  }

  const v1 = express.Router();
  v1.use((_req, res, next) => {
    res.locals.routeBase = "/v1";
    next();
  });
  v1.use(readYourWrites(async () => (await ctx.store.checkpoint())?.number ?? null));

  v1.get("/health", async (_req, res) => {
    await answerHealth(ctx, limits.maxLagBlocks, scrub, res);
  });

  v1.get("/ready", async (_req, res) => {
    await answerReady(ctx, limits.maxLagBlocks, scrub, res);
  });

  v1.get("/assets", async (req, res) => {
    const query = parseOr400(AssetsQuery, req.query, "query");
    res.json(await read((q) => q.assets(query)));
  });

  v1.get("/assets/:ref", async (req, res) => {
    const { ref } = parseOr400(RefParams, req.params, "ref");
    res.json(
      await read(async (q) => {
        const a = await assetOr404(q, ref);
        return (await q.asset(a.id)) ?? Promise.reject(new NotFoundError(`asset ${ref}`));
      }),
    );
  });

  v1.get("/assets/:ref/history", async (req, res) => {
    const { ref } = parseOr400(RefParams, req.params, "ref");
    const { limit, cursor } = parseOr400(PageQuery, req.query, "query");
    const { text, asOfBlock } = await read(async (q) => ({ text: await q.historyJson((await assetOr404(q, ref)).id, limit, cursor), asOfBlock: q.asOfBlock }));
    sendStateText(res, asOfBlock, text);
  });

  v1.get("/assets/:ref/lineage", async (req, res) => {
    const { ref } = parseOr400(RefParams, req.params, "ref");
    parseOr400(PageQuery.pick({}), req.query, "query");
    res.json(await read(async (q) => q.lineage((await assetOr404(q, ref)).id)));
  });

  v1.get("/assets/:ref/licenses", async (req, res) => {
    const { ref } = parseOr400(RefParams, req.params, "ref");
    const { limit, cursor } = parseOr400(LongPageQuery, req.query, "query");
    res.json(await read(async (q) => q.assetLicenses((await assetOr404(q, ref)).id, limit, cursor)));
  });

  v1.get("/assets/:ref/holder", async (req, res) => {
    const { ref } = parseOr400(RefParams, req.params, "ref");
    const { atBlock } = parseOr400(HolderQuery, req.query, "atBlock");
    res.json(
      await read(async (q) => {
        const id = (await assetOr404(q, ref)).id;
        if (atBlock > q.asOfBlock) throw new ApiError(400, "bad_request", `atBlock ${atBlock} is after the last indexed block ${q.asOfBlock}`, "atBlock");
        return q.holderAt(id, atBlock);
      }),
    );
  });

  // confirm=chain's own limit (the URL test first: Express parses req.query anew on every read).
  v1.get("/assets/:ref/tradability", (req, res, next) => (req.url.includes("confirm") && req.query.confirm === "chain" ? confirmLimit(req, res, next) : next()));
  v1.get("/assets/:ref/tradability", async (req, res) => {
    const { ref } = parseOr400(RefParams, req.params, "ref");
    const query = parseOr400(TradabilityQuery, req.query, "query");
    if (query.sublicense && query.rights === "holding") {
      throw new ApiError(400, "bad_request", "sublicense applies to a licence (rights processing or operation)", "sublicense");
    }
    const body = await read(async (q): Promise<Tradability> => {
      const asset = await assetOr404(q, ref);
      const { seller, failures } = await q.tradability(asset, query);
      return {
        assetId: asset.id,
        seller,
        buyer: query.buyer,
        rights: query.rights,
        territory: query.territory,
        sublicense: query.sublicense,
        tradable: failures.length === 0,
        reasons: failures,
        chain: null,
        asOfBlock: q.asOfBlock,
      };
    });
    if (query.confirm === "chain") {
      const chain = await chainReasons(body.assetId, body.seller, query.buyer, query.rights, query.territory, query.sublicense, body.asOfBlock);
      const index = body.reasons.map((r) => r.code);
      const indexFirst = index[0] ?? "OK";
      body.chain = {
        reason: chain.first,
        reasons: reasonsOfBits(chain.bits),
        bits: chain.bits.toString(),
        atBlock: body.asOfBlock,
        // Equal sets (the index may name NotMember twice, for the seller and the buyer), and the same first.
        agrees: bitsOfReasons(index) === chain.bits && indexFirst === chain.first,
      };
    }
    res.json(body);
  });

  /** The contracts' own pre-trade views (first reason and bit set), called at `block`. */
  async function chainReasons(
    assetId: string,
    seller: string | null,
    buyer: string,
    rights: "holding" | "processing" | "operation",
    territory: "domestic" | "crossBorder",
    sublicense: boolean,
    block: number,
  ): Promise<{ first: (typeof REASON)[number]; bits: bigint }> {
    const from = seller ?? "0x0000000000000000000000000000000000000000";
    const [checkFn, reasonsFn] = rights === "holding" ? (["transferCheck", "transferReasons"] as const) : (["licenseCheck", "licenseReasons"] as const);
    const args = rights === "holding" ? [assetId, from, buyer] : [assetId, from, buyer, rightsBitsOf(rights), territory === "crossBorder" ? 1 : 0, sublicense];
    const at = `0x${block.toString(16)}`;
    const to = ctx.deployment.addresses.registry;
    let answers: (string | RpcError)[];
    try {
      // One attempt, behind the breaker: a client waits at most one RPC timeout, and only the first after a failure.
      answers = await breaker.run(() =>
        ctx.rpc.batch<string>(
          [
            { method: "eth_call", params: [{ to, data: PRE_TRADE.encodeFunctionData(checkFn, args) }, at] },
            { method: "eth_call", params: [{ to, data: PRE_TRADE.encodeFunctionData(reasonsFn, args) }, at] },
          ],
          { attempts: 1 },
        ),
      );
    } catch (e) {
      throw new UnavailableError("node_unavailable", scrub(`could not confirm with the node: ${e instanceof Error ? e.message : String(e)}`));
    }
    const [first, bits] = answers;
    if (typeof first !== "string" || typeof bits !== "string") {
      const err = [first, bits].find((x) => x instanceof RpcError);
      throw new UnavailableError("node_unavailable", scrub(`could not confirm with the node: ${err instanceof Error ? err.message : "no answer"}`));
    }
    const [code] = PRE_TRADE.decodeFunctionResult(checkFn, first);
    const [set] = PRE_TRADE.decodeFunctionResult(reasonsFn, bits);
    return { first: enumName(REASON, Number(code)), bits: BigInt(set as bigint) };
  }

  v1.get("/licenses/:id", async (req, res) => {
    const { id } = parseOr400(LicenseParams, req.params, "id");
    parseOr400(PageQuery.pick({}), req.query, "query");
    res.json(await read(async (q) => (await q.license(BigInt(id).toString())) ?? Promise.reject(new NotFoundError(`licence ${id}`))));
  });

  v1.get("/members/:address", async (req, res) => {
    const { address } = parseOr400(AddressParams, req.params, "address");
    parseOr400(PageQuery.pick({}), req.query, "query");
    res.json(await read(async (q) => (await q.member(address)) ?? Promise.reject(new NotFoundError(`member ${address}`))));
  });

  v1.get("/members/:address/assets", async (req, res) => {
    const { address } = parseOr400(AddressParams, req.params, "address");
    const { limit, cursor } = parseOr400(PageQuery, req.query, "query");
    res.json(
      await read(async (q) => {
        // An address that was never admitted has no assets to list: 404, as for /members/:address.
        if (!(await q.member(address))) throw new NotFoundError(`member ${address}`);
        return { address, ...(await q.memberAssets(address, limit, cursor)) };
      }),
    );
  });

  v1.get("/members/:address/milestones", async (req, res) => {
    const { address } = parseOr400(AddressParams, req.params, "address");
    const { from, to, limit, cursor } = parseOr400(MilestonesQuery, req.query, "query");
    if (from !== undefined && to !== undefined && from > to) throw new ApiError(400, "bad_request", "from must not be after to", "from");
    res.json(
      await read(async (q) => {
        if (!(await q.member(address))) throw new NotFoundError(`member ${address}`);
        return { ...(await q.milestones(address, from, to, limit, cursor)), timeZone: "UTC" as const };
      }),
    );
  });

  v1.get("/members/:address/licenses", async (req, res) => {
    const { address } = parseOr400(AddressParams, req.params, "address");
    const { limit, cursor } = parseOr400(PageQuery, req.query, "query");
    res.json(
      await read(async (q) => {
        if (!(await q.member(address))) throw new NotFoundError(`member ${address}`);
        return q.memberLicenses(address, limit, cursor);
      }),
    );
  });

  // What a browser needs beside the index: the trusted deployment, the chain endpoint it may
  // call itself, and the matching-fund rule. Configuration: the same on every replica.
  const portalConfig: PortalConfig = {
    chain: { network: ctx.deployment.network, chainId: ctx.deployment.chainId, deployBlock: ctx.deployment.deployBlock, addresses: ctx.deployment.addresses },
    browserRpcUrl: ctx.browserRpcUrl ?? null,
    matchingRule: ctx.matchingRule ?? loadMatchingRule(),
  };
  v1.get("/config", (req, res) => {
    parseOr400(PageQuery.pick({}), req.query, "query");
    res.json(portalConfig);
  });

  v1.get("/evidence/:hash", async (req, res) => {
    const { hash } = parseOr400(EvidenceParams, req.params, "hash");
    const { root, proof, anchorer } = parseOr400(EvidenceQuery, req.query, "query");
    // A proof is checked against a root the caller names: one "the proof leads to" proves nothing.
    if (proof !== undefined && root === undefined) throw new BadRequestError("root", "is required with proof (the anchored root the proof is checked against)");
    res.json(await read((q) => q.evidence(hash, { root, proof, anchorer })));
  });

  // Rights certificates: the unsigned preview, read from the chain at a block, and verification,
  // which reads the chain itself and never the index. Both cost node calls: their own rate limit.
  const certLimit = rateLimiter(limits.certRatePerMinute, "certificate previews and verifications");
  v1.use("/assets/:ref/certificate", certLimit);
  v1.use("/verify", certLimit);
  v1.use(certificateRoutes(ctx));
  v1.use(verifyRoutes({ deployment: ctx.deployment, rpc: () => serverChainRpc(ctx, 5_000), scrub, maxBodyBytes: limits.maxVerifyBodyBytes }));

  let openapi: unknown;
  v1.get("/openapi.json", (_req, res) => {
    openapi ??= openApiDocument();
    res.json(openapi);
  });

  // Last among the /v1 routes: every other method on a known path is a 405.
  methodNotAllowed(v1);
  app.use("/v1", v1);
  // /metrics is served by the admin listener only (server/admin.ts): here it is an unknown path.

  app.use(portalRoutes(ctx.portalDir === undefined ? findPortalDir() : ctx.portalDir, { browserRpcUrl: ctx.browserRpcUrl ?? null }));
  ctx.extend?.(app);

  app.use((req: Request, res: Response) => {
    res.status(404).json(errorBody(new NotFoundError(`no endpoint ${req.method} ${req.path.slice(0, 100)}`)));
  });
  app.use(errorHandler(log));
  return app;
}
