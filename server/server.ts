/**
 * Wires the pieces: store, RPC client, indexer, metrics and the HTTP API. Used by
 * server/main.ts, by `npm start`, and by the tests and benchmarks (which run it in-process).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type express from "express";
import type { ServerConfig } from "./config";
import { loadDeployment, type Deployment } from "./deployment";
import { Indexer } from "./indexer/indexer";
import { createMetrics, type Metrics } from "./metrics";
import { RpcClient } from "./rpc/client";
import { IndexStore } from "./store/store";

export interface RunningServer {
  url: string;
  indexer: Indexer;
  store: IndexStore;
  deployment: Deployment;
  metrics: Metrics;
  /** null for an indexer-only server (`serve: false`), which does not even load the API's modules. */
  app: express.Express | null;
  http: Server | null;
  close(): Promise<void>;
}

export interface StartOptions {
  /** false: no HTTP listener (an indexer-only process). */
  serve?: boolean;
  log?: (m: string) => void;
  extend?: (app: express.Express) => void;
}

export async function startServer(config: ServerConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.log ?? ((m: string) => console.log(`[drl] ${m}`));
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
  const app =
    opts.serve === false
      ? null
      : (await import("./api/app")).createApp({
    store,
    deployment,
    status: () => ix.status,
    rpc: apiRpc,
    metrics,
    confirmations: config.DRL_CONFIRMATIONS,
    log: (m) => log(`api: ${m}`),
    ...(opts.extend ? { extend: opts.extend } : {}),
  });
  await ix.start();
  const http = await new Promise<Server | null>((resolve) => {
    if (!app) return resolve(null);
    const s = app.listen(config.DRL_API_PORT, config.DRL_API_HOST, () => resolve(s));
  });
  const address = http ? (http.address() as AddressInfo) : null;
  const url = address ? `http://${config.DRL_API_HOST}:${address.port}` : "";
  let closed = false;
  return {
    url,
    indexer: ix,
    store,
    deployment,
    metrics,
    app,
    http,
    async close() {
      if (closed) return;
      closed = true;
      if (http) {
        // Stop accepting, let requests in flight finish (up to 2 s), then close what is left,
        // so that no handler reads a store that is already closed.
        const closed = new Promise<void>((r) => http.close(() => r()));
        http.closeIdleConnections();
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000).unref())]);
        http.closeAllConnections();
        await closed;
      }
      apiRpc.close();
      await ix.stop();
      await store.close();
    },
  };
}
