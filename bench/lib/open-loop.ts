/**
 * An open-loop (constant-rate) HTTP load generator, as wrk2 does it: request i is due at
 * t0 + i / rate, whatever happened to the requests before it, and its latency is measured
 * from the moment it was DUE, not from when it went out. A server that stalls for 50 ms thus
 * owes every request that fell due during the stall its share of the wait (no coordinated
 * omission), and a run that cannot keep up shows it in its latencies.
 *
 * Why not autocannon's `overallRate`: autocannon 8 gives each connection a budget of
 * rate / connections requests per second, sends them back to back as fast as answers come
 * (closed loop), then idles until the next one-second tick. At 1,000 req/s over 50 connections
 * that is a burst of 1,000 requests at the start of every second: the server is at saturation
 * for the burst and idle after it, so the latencies are those of queueing in a burst (a bare
 * Express hello showed a 4.5 ms median and a 30 ms p99 at "1,000 req/s"). Its correction for
 * coordinated omission also uses an expected interval of ceil(1 / rate-per-connection) = 1 ms,
 * so every answer slower than 1 ms adds synthetic samples. Neither is the latency at a load.
 *
 * The requests go over `connections` keep-alive sockets (Node's http Agent, one request in
 * flight per socket); a request due while every socket is busy waits for one, and that wait is
 * in its latency. The generator runs in its own `node` process (bench/lib/load-child.ts),
 * so the benchmark process's heap (Hardhat, the chain setup) and its collections stay out of
 * the timings.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import type { LoadFigures } from "./load";

export interface OpenLoopSettings {
  /** Requests per second offered, over all connections. */
  rate: number;
  /** Seconds measured. */
  duration: number;
  /** Seconds of unrecorded load at the same rate before the measured part (same sockets). */
  warmup: number;
  connections: number;
  /** A request unanswered this long (ms) is a timeout. */
  timeoutMs?: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Offers `rate` req/s to `base` (http://host:port), each path taken in turn from `paths`. */
export async function openLoop(base: string, s: OpenLoopSettings, paths: readonly string[]): Promise<LoadFigures> {
  if (paths.length === 0) throw new Error("openLoop: no request paths");
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: s.connections, maxFreeSockets: s.connections, scheduling: "fifo" });
  const timeoutMs = s.timeoutMs ?? 10_000;
  const interval = 1000 / s.rate;
  const total = Math.round(s.rate * (s.warmup + s.duration));
  const firstMeasured = Math.round(s.rate * s.warmup);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let bodyBytes = 0;
  let answered = 0;
  let sent = 0;
  let outstanding = 0;
  let pathIndex = 0;
  let measuredEnd = 0;
  let allSent: () => void = () => {};
  const done = new Promise<void>((r) => (allSent = r));
  let t0 = 0;

  const fire = (i: number): void => {
    const due = t0 + i * interval;
    const measured = i >= firstMeasured;
    const path = paths[pathIndex++ % paths.length] ?? "/";
    outstanding++;
    let settled = false;
    const settle = (kind: "ok" | "non2xx" | "error" | "timeout", bytes = 0): void => {
      if (settled) return;
      settled = true;
      outstanding--;
      if (measured) {
        const end = performance.now();
        measuredEnd = Math.max(measuredEnd, end);
        if (kind === "ok") {
          latencies.push(end - due);
          bodyBytes += bytes;
          answered++;
        } else if (kind === "non2xx") non2xx++;
        else if (kind === "error") errors++;
        else timeouts++;
      }
      if (sent === total && outstanding === 0) allSent();
    };
    const req = http.get({ host: url.hostname, port: url.port, path, agent, timeout: timeoutMs }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("end", () => settle(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? "ok" : "non2xx", bytes));
      res.on("error", () => settle("error"));
    });
    req.on("timeout", () => {
      settle("timeout");
      req.destroy();
    });
    req.on("error", () => settle("error"));
  };

  // The schedule is absolute: each tick sends every request that has fallen due, so a late
  // timer (or a busy client) never lowers the offered rate, and the lateness is counted.
  const measuredStart = () => t0 + firstMeasured * interval;
  await new Promise<void>((resolve) => {
    t0 = performance.now();
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && t0 + sent * interval <= now) fire(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, Math.min(1, t0 + sent * interval - performance.now())));
      else resolve();
    };
    tick();
  });
  if (outstanding > 0) await done;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const p50 = round2(percentile(latencies, 50));
  const p99 = round2(percentile(latencies, 99));
  const measuredMs = Math.max(1, measuredEnd - measuredStart());
  const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : NaN;
  return {
    reqPerSec: round2((answered / measuredMs) * 1000),
    latencyP50Ms: p50,
    latencyP99Ms: p99,
    latencyMaxMs: round2(latencies.at(-1) ?? NaN),
    latencyMeanMs: round2(mean),
    // No separate histogram: every response time is kept (sub-millisecond).
    histogramP50Ms: p50,
    histogramP99Ms: p99,
    offeredRate: s.rate,
    requests: answered + non2xx,
    non2xx,
    errors,
    timeouts,
    durationSec: round2(measuredMs / 1000),
    bytesPerResponse: answered > 0 ? Math.round(bodyBytes / answered) : 0,
  };
}
