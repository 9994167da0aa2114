/**
 * HTTP load with autocannon, in the benchmark's own process: a fixed number of connections,
 * pipelining 1, for a fixed duration, each request's path chosen by a function (so requests
 * spread over many assets). Returns the figures the benchmark reports.
 */
import autocannon from "autocannon";

export interface LoadSettings {
  connections: number;
  pipelining: number;
  /** Seconds. */
  duration: number;
}

export interface LoadFigures {
  /** Mean requests per second over the run (autocannon's requests.average). */
  reqPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  latencyMeanMs: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
  /** Mean response body size, bytes. */
  bytesPerResponse: number;
}

/** Runs autocannon against `base` (http://host:port) with `pathOf()` giving each request's path. */
export async function load(base: string, settings: LoadSettings, pathOf: () => string, title: string): Promise<LoadFigures> {
  const r = await autocannon({
    url: base,
    title,
    connections: settings.connections,
    pipelining: settings.pipelining,
    duration: settings.duration,
    requests: [
      {
        method: "GET",
        setupRequest: (req) => ({ ...req, path: pathOf() }),
      },
    ],
  });
  const responses = r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"];
  return {
    reqPerSec: r.requests.average,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMaxMs: r.latency.max,
    latencyMeanMs: r.latency.average,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationSec: r.duration,
    bytesPerResponse: responses > 0 ? Math.round(r.throughput.total / responses) : 0,
  };
}
