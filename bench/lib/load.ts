/**
 * HTTP load with autocannon, in the benchmark's own process: a fixed number of connections,
 * pipelining 1, for a fixed duration, each request's path chosen by a function (so requests
 * spread over many assets). Returns the figures the benchmark reports.
 *
 * Two kinds of run:
 * - closed loop (no `overallRate`): each connection sends its next request when the previous
 *   one is answered; this measures saturation throughput, and its p99 is mostly queueing;
 * - open loop at a fixed offered rate (`overallRate`, requests per second over all
 *   connections), as wrk2 does: latency at a load the server is meant to carry. autocannon
 *   corrects its histogram for coordinated omission (a late answer also delays the requests
 *   that should have been sent meanwhile); its histogram has 1 ms resolution, so the precise
 *   percentiles are also computed from every response time (sub-millisecond), and the rows use
 *   the larger of the two.
 */
import autocannon from "autocannon";

export interface LoadSettings {
  connections: number;
  pipelining: number;
  /** Seconds. */
  duration: number;
  /** Offered requests per second over all connections (open loop); absent = closed loop. */
  overallRate?: number;
}

export interface LoadFigures {
  /** Mean requests per second over the run (autocannon's requests.average). */
  reqPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  latencyMeanMs: number;
  /** autocannon's own p50/p99 (1 ms resolution; corrected for coordinated omission in open-loop runs). */
  histogramP50Ms: number;
  histogramP99Ms: number;
  /** The offered rate of an open-loop run (null: closed loop). */
  offeredRate: number | null;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
  /** Mean response body size, bytes. */
  bytesPerResponse: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Runs autocannon against `base` (http://host:port) with `pathOf()` giving each request's path. */
export async function load(base: string, settings: LoadSettings, pathOf: () => string, title: string): Promise<LoadFigures> {
  const times: number[] = [];
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        title,
        connections: settings.connections,
        pipelining: settings.pipelining,
        duration: settings.duration,
        ...(settings.overallRate ? { overallRate: settings.overallRate } : {}),
        requests: [
          {
            method: "GET",
            setupRequest: (req) => ({ ...req, path: pathOf() }),
          },
        ],
      },
      (err: unknown, result: autocannon.Result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)),
    );
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
  const responses = r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"];
  times.sort((a, b) => a - b);
  const preciseP50 = percentile(times, 50);
  const preciseP99 = percentile(times, 99);
  return {
    reqPerSec: r.requests.average,
    // The larger of the precise and the histogram figure: never below the coordinated-omission correction.
    latencyP50Ms: round2(Math.max(preciseP50, r.latency.p50)),
    latencyP99Ms: round2(Math.max(preciseP99, r.latency.p99)),
    latencyMaxMs: r.latency.max,
    latencyMeanMs: r.latency.average,
    histogramP50Ms: r.latency.p50,
    histogramP99Ms: r.latency.p99,
    offeredRate: settings.overallRate ?? null,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationSec: r.duration,
    bytesPerResponse: responses > 0 ? Math.round(r.throughput.total / responses) : 0,
  };
}
