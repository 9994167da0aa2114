/**
 * Wires the pieces: store, RPC client, indexer, metrics and the HTTP API. Used by
 * server/main.ts, by `npm start`, and by the tests and benchmarks (which run it in-process).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type express from "express";
import { startAdmin } from "./admin";
import type { ServerConfig } from "./config";
import { loadDeployment, type Deployment } from "./deployment";
import { Indexer } from "./indexer/indexer";
import { createMetrics, type Metrics } from "./metrics";
import { scrubber } from "./redact";
import { RpcClient } from "./rpc/client";
import { IndexStore } from "./store/store";
import { loadMatchingRule } from "../sdk/incentives/rule";

/** A listener could not bind its address (most often: the port is in use by another process). */
export class ListenError extends Error {
  constructor(what: string, readonly settings: string, host: string, port: number, cause: unknown) {
    const why = cause instanceof Error && "code" in cause && cause.code === "EADDRINUSE" ? "the port is in use" : cause instanceof Error ? cause.message : String(cause);
    super(`the ${what} could not listen on ${host}:${port} (${settings}): ${why}`);
    this.name = "ListenError";
  }
}

export interface RunningServer {
  url: string;
  indexer: Indexer;
  store: IndexStore;
  deployment: Deployment;
  metrics: Metrics;
  /** null for an indexer-only server (`serve: false`), which does not even load the API's modules. */
  app: express.Express | null;
  http: Server | null;
  /** The admin listener (`/metrics`), loopback by default: http://host:port. */
  adminUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** false: no HTTP listener (an indexer-only process). */
  serve?: boolean;
  log?: (m: string) => void;
  extend?: (app: express.Express) => void;
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  // Every log line passes the scrubber: the node URL may carry a provider key.
  const scrub = scrubber(config.DRL_RPC_URL);
  const rawLog = opts.log ?? ((m: string) => console.log(`[drl] ${m}`));
  const log = (m: string) => rawLog(scrub(m));
  const deployment = await loadDeployment(config.DRL_DEPLOYMENT);
  const store = await IndexStore.open(config.DRL_INDEX_DIR);
  let indexer: Indexer | undefined;
  const rpcOptions = { url: config.DRL_RPC_URL, timeoutMs: config.DRL_RPC_TIMEOUT_MS };
  const metrics = createMetrics(() => {
    if (!indexer) throw new Error("metrics read before start");
    return indexer.status;
  });
  const rpc = new RpcClient({
    ...rpcOptions,
    onFault: (f) => {
      metrics.rpcFaults.inc();
      if (indexer) {
        indexer.status.rpcFaults++;
        indexer.status.lastError = `node: ${f}`;
      }
    },
  });
  indexer = new Indexer({
    rpc,
    store,
    deployment,
    confirmations: config.DRL_CONFIRMATIONS,
    reorgWindow: config.DRL_REORG_WINDOW,
    maxRange: config.DRL_MAX_BLOCK_RANGE,
    targetLogs: config.DRL_TARGET_LOGS,
    maxAnswerBytes: config.DRL_MAX_ANSWER_MB * 2 ** 20,
    pollMs: config.DRL_POLL_MS,
    heapBudgetMb: config.DRL_HEAP_BUDGET_MB,
    log,
  });
  const ix = indexer;
  ix.onCommit((_cp, events) => metrics.recordCommit(events));
  // A separate client for API confirmations, so that closing the indexer's does not affect it.
  const apiRpc = new RpcClient(rpcOptions);
  // Loaded only when serving: an indexer-only process starts ~0.3 s sooner without Express,
  // the routes and the OpenAPI schemas.
  const api =
    opts.serve === false
      ? null
      : { ...(await import("./api/app")), ...(await import("./api/limits")), ...(await import("./api/http-semantics")) };
  const app =
    api === null
      ? null
      : api.createApp({
    store,
    deployment,
    status: () => ix.status,
    rpc: apiRpc,
    metrics,
    confirmations: config.DRL_CONFIRMATIONS,
    log: (m) => log(`api: ${m}`),
    limits: api.limitsOf(config),
    scrub,
    browserRpcUrl: config.DRL_PORTAL_RPC_URL === "" ? null : config.DRL_PORTAL_RPC_URL,
    matchingRule: loadMatchingRule(config.DRL_MATCHING_RULE === "" ? undefined : config.DRL_MATCHING_RULE),
    ...(opts.extend ? { extend: opts.extend } : {}),
  });
  let admin: Awaited<ReturnType<typeof startAdmin>>;
  try {
    admin = await startAdmin(metrics, config.DRL_ADMIN_HOST, config.DRL_ADMIN_PORT, log);
  } catch (e) {
    apiRpc.close();
    await store.close();
    throw new ListenError("admin listener (metrics)", "DRL_ADMIN_HOST, DRL_ADMIN_PORT", config.DRL_ADMIN_HOST, config.DRL_ADMIN_PORT, e);
  }
  log(`admin listener (metrics) on ${admin.url}/metrics`);
  // Listen before indexing: a busy port is an error at start, not a URL printed for another
  // process's server.
  let http: Server | null = null;
  if (app) {
    try {
      http = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(config.DRL_API_PORT, config.DRL_API_HOST, (e?: Error) => (e ? reject(e) : resolve(s)));
        s.once("error", reject);
      });
    } catch (e) {
      await admin.close();
      apiRpc.close();
      await store.close();
      throw new ListenError("API", "DRL_API_HOST, DRL_API_PORT", config.DRL_API_HOST, config.DRL_API_PORT, e);
    }
    api?.answerClientErrors(http);
    // Node's own limits, beyond the app's request timeout: a request head must arrive within
    // 20 s (slow-loris), a whole request within the timeout plus 5 s.
    http.headersTimeout = 20_000;
    http.requestTimeout = config.DRL_REQUEST_TIMEOUT_MS + 5_000;
  }
  await ix.start();
  const listening = http;
  const address = listening ? (listening.address() as AddressInfo) : null;
  const url = address ? `http://${config.DRL_API_HOST}:${address.port}` : "";

  let closed = false;
  return {
    url,
    indexer: ix,
    store,
    deployment,
    metrics,
    app,
    http: listening,
    adminUrl: admin.url,
    async close() {
      if (closed) return;
      closed = true;
      if (listening) {
        // Stop accepting, let requests in flight finish (up to 2 s), then close what is left,
        // so that no handler reads a store that is already closed.
        const closed = new Promise<void>((r) => listening.close(() => r()));
        listening.closeIdleConnections();
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000).unref())]);
        listening.closeAllConnections();
        await closed;
      }
      await admin.close();
      apiRpc.close();
      await ix.stop();
      await store.close();
    },
  };
}
