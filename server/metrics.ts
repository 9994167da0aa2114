/**
 * Prometheus metrics (prom-client): how far the index is, how fast it ingests, how the node
 * behaves, and how long API requests take. One registry per server, so tests can run several.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { IndexerStatus } from "./status";

export interface Metrics {
  registry: Registry;
  requestDuration: Histogram<"method" | "route" | "status">;
  eventsIndexed: Counter;
  rpcFaults: Counter;
  /** Feed events applied by a commit, for the events-per-second gauge. */
  recordCommit(events: number): void;
}

export function createMetrics(status: () => IndexerStatus, defaults = true): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: "drl_" });
  const window: [number, number][] = []; // [time ms, events]
  new Gauge({
    name: "drl_indexed_block",
    help: "Last block whose events are in the index",
    registers: [registry],
    collect() {
      this.set(status().indexedBlock ?? -1);
    },
  });
  new Gauge({
    name: "drl_chain_head_block",
    help: "The node's latest block, as last seen",
    registers: [registry],
    collect() {
      this.set(status().head ?? -1);
    },
  });
  new Gauge({
    name: "drl_index_lag_blocks",
    help: "Head minus indexed block",
    registers: [registry],
    collect() {
      const s = status();
      this.set(s.head !== null && s.indexedBlock !== null ? Math.max(0, s.head - s.indexedBlock) : -1);
    },
  });
  new Gauge({
    name: "drl_ingest_events_per_second",
    help: "Events applied per second over the last 10 seconds",
    registers: [registry],
    collect() {
      const now = Date.now();
      while (window.length > 0 && (window[0]?.[0] ?? now) < now - 10_000) window.shift();
      this.set(window.reduce((s, [, n]) => s + n, 0) / 10);
    },
  });
  new Gauge({
    name: "drl_indexer_halted",
    help: "1 when the indexer stopped on an error it cannot recover from (see /v1/health)",
    registers: [registry],
    collect() {
      this.set(status().state === "halted" ? 1 : 0);
    },
  });
  const eventsIndexed = new Counter({ name: "drl_events_indexed_total", help: "Ledger events applied to the index", registers: [registry] });
  const rpcFaults = new Counter({ name: "drl_rpc_faults_total", help: "Node requests that failed and were retried", registers: [registry] });
  new Counter({
    name: "drl_reorgs_total",
    help: "Chain reorganisations rolled back",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(status().reorgs);
    },
  });
  const requestDuration = new Histogram({
    name: "drl_http_request_duration_seconds",
    help: "API request latency",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    requestDuration,
    eventsIndexed,
    rpcFaults,
    recordCommit(events: number) {
      eventsIndexed.inc(events);
      window.push([Date.now(), events]);
      if (window.length > 10_000) window.shift();
    },
  };
}
