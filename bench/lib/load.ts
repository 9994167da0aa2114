/**
 * Closed-loop HTTP load with autocannon, run in a generator process of its own
 * (bench/lib/load-child.ts): a fixed number of connections, pipelining 1, for a fixed
 * duration, each request's path chosen by a function (so requests spread over many assets);
 * each connection sends its next request when the previous one is answered. This measures
 * saturation throughput, and its p99 is mostly queueing. Latency at a fixed offered rate (open loop) is measured by open-loop.ts instead:
 * autocannon's `overallRate` sends each second's requests in a burst (see there).
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
  /** autocannon's own p50/p99 (1 ms resolution); in an open-loop run, the same as the precise figures. */
  histogramP50Ms: number;
  histogramP99Ms: number;
  /** The offered rate of an open-loop run (null: closed loop). */
  offeredRate: number | null;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
  /** Mean response size, bytes (closed loop: autocannon's, headers included; open loop: the body). */
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
    // The larger of the precise and the histogram figure (the histogram has 1 ms resolution).
    latencyP50Ms: round2(Math.max(preciseP50, r.latency.p50)),
    latencyP99Ms: round2(Math.max(preciseP99, r.latency.p99)),
    latencyMaxMs: r.latency.max,
    latencyMeanMs: r.latency.average,
    histogramP50Ms: r.latency.p50,
    histogramP99Ms: r.latency.p99,
    offeredRate: null,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationSec: r.duration,
    bytesPerResponse: responses > 0 ? Math.round(r.throughput.total / responses) : 0,
  };
}
