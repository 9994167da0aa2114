/**
 * A JSON-RPC proxy that misbehaves on purpose, between a client under test (the indexer)
 * and a node:
 *
 *   const proxy = await startFaultProxy(node.url, { seed: 7, rate429: 0.05, logCap: 1000 });
 *   ... point the client at proxy.url ...
 *   proxy.setFaults({ rateHang: 0.2 });
 *   expect(proxy.stats.hang).to.be.greaterThan(0);
 *   await proxy.close();
 *
 * Per HTTP request (a single call or a batch) one seeded draw picks at most one fault, in
 * this order of the rates: 429, 500, hang, truncate, reset. Independently, `logCap` answers
 * an eth_getLogs with more than `logCap` entries with the error Infura and Alchemy give,
 * `{ code: -32005, message: "query returned more than N results" }` (in a batch, per item).
 * The proxy prints nothing.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { prng } from "./compare";

export interface FaultConfig {
  /** Seed of the PRNG that decides the faults (same seed, same sequence of requests → same faults). */
  seed: number;
  /** Share of requests answered HTTP 429 with `Retry-After: 0`. */
  rate429: number;
  /** Share of requests answered HTTP 500 with a text body. */
  rate500: number;
  /** Share of requests accepted and never answered (until the client gives up or the proxy closes). */
  rateHang: number;
  /** Share of requests forwarded and answered 200 with only the first half of the upstream body. */
  rateTruncate: number;
  /** Share of requests whose connection is destroyed without an answer. */
  rateReset: number;
  /** Largest eth_getLogs result passed through; more is answered with error -32005. null: no cap. */
  logCap: number | null;
}

export interface FaultStats {
  /** HTTP requests received. */
  requests: number;
  /** Requests forwarded to the target (including truncated ones). */
  forwarded: number;
  status429: number;
  status500: number;
  hang: number;
  truncate: number;
  reset: number;
  /** eth_getLogs answers replaced by the -32005 error (batch items count one each). */
  logCap: number;
  /** Requests the target could not answer (the proxy replied 502). */
  upstreamErrors: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Live counters. */
  readonly stats: FaultStats;
  /** The configuration in force. */
  readonly faults: Readonly<FaultConfig>;
  /** Changes the configuration from the next request on; a new `seed` restarts the PRNG. */
  setFaults(partial: Partial<FaultConfig>): void;
  /** Zeroes the counters. */
  resetStats(): void;
  /** Ends hanging requests, closes every connection and stops listening. */
  close(): Promise<void>;
}

export const DEFAULT_FAULTS: FaultConfig = {
  seed: 1,
  rate429: 0,
  rate500: 0,
  rateHang: 0,
  rateTruncate: 0,
  rateReset: 0,
  logCap: null,
};

/** mulberry32: small, fast, good enough to spread faults. Returns floats in [0, 1). */

function emptyStats(): FaultStats {
  return { requests: 0, forwarded: 0, status429: 0, status500: 0, hang: 0, truncate: 0, reset: 0, logCap: 0, upstreamErrors: 0 };
}

type Fault = "429" | "500" | "hang" | "truncate" | "reset" | null;

interface RpcRequest {
  id?: unknown;
  method?: unknown;
}

interface RpcResponse {
  jsonrpc?: string;
  id?: unknown;
  result?: unknown;
  error?: unknown;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Ids (JSON-encoded, to compare any JSON value) of the eth_getLogs calls in a request body. */
function getLogsIds(body: unknown): Set<string> | null {
  const items: unknown[] = Array.isArray(body) ? body : [body];
  const ids = new Set<string>();
  for (const item of items) {
    if (typeof item !== "object" || item === null) continue;
    const r = item as RpcRequest;
    if (r.method === "eth_getLogs") ids.add(JSON.stringify(r.id ?? null));
  }
  return ids.size > 0 ? ids : null;
}

/** Replaces over-large eth_getLogs results by the -32005 error; returns the new body and the count replaced. */
function capLogs(upstream: string, ids: Set<string>, cap: number): { body: string; capped: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(upstream);
  } catch {
    return { body: upstream, capped: 0 };
  }
  let capped = 0;
  const fix = (item: unknown): unknown => {
    if (typeof item !== "object" || item === null) return item;
    const r = item as RpcResponse;
    if (!ids.has(JSON.stringify(r.id ?? null))) return item;
    if (!Array.isArray(r.result) || r.result.length <= cap) return item;
    capped += 1;
    return { jsonrpc: r.jsonrpc ?? "2.0", id: r.id ?? null, error: { code: -32005, message: `query returned more than ${cap} results` } };
  };
  const out = Array.isArray(parsed) ? parsed.map(fix) : fix(parsed);
  return capped > 0 ? { body: JSON.stringify(out), capped } : { body: upstream, capped: 0 };
}

/** Starts the proxy on a free loopback port, forwarding to `target` (a node's HTTP JSON-RPC URL). */
export async function startFaultProxy(target: string, faults: Partial<FaultConfig> = {}): Promise<FaultProxy> {
  let config: FaultConfig = { ...DEFAULT_FAULTS, ...faults };
  let random = prng(config.seed);
  const stats = emptyStats();
  const hanging = new Set<Socket>();
  const sockets = new Set<Socket>();
  let closing = false;

  const pick = (): Fault => {
    const u = random();
    let edge = 0;
    const order: [number, Fault][] = [
      [config.rate429, "429"],
      [config.rate500, "500"],
      [config.rateHang, "hang"],
      [config.rateTruncate, "truncate"],
      [config.rateReset, "reset"],
    ];
    for (const [rate, fault] of order) {
      edge += Math.max(0, rate);
      if (u < edge) return fault;
    }
    return null;
  };

  const forward = async (body: Buffer): Promise<{ status: number; text: string; contentType: string } | null> => {
    try {
      const res = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: body.toString("utf8"),
      });
      const text = await res.text();
      return { status: res.status, text, contentType: res.headers.get("content-type") ?? "application/json" };
    } catch {
      return null;
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const body = await readBody(req);
    stats.requests += 1;
    if (req.method !== "POST") {
      res.writeHead(405, { "content-type": "text/plain", allow: "POST" }).end("only POST");
      return;
    }
    // The draw happens for every request, so a fault's position does not depend on the others' rates being 0.
    const fault = pick();
    switch (fault) {
      case "429":
        stats.status429 += 1;
        res.writeHead(429, { "content-type": "text/plain", "retry-after": "0" }).end("Too Many Requests");
        return;
      case "500":
        stats.status500 += 1;
        res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
        return;
      case "hang": {
        stats.hang += 1;
        const socket = req.socket;
        hanging.add(socket);
        socket.once("close", () => hanging.delete(socket));
        if (closing) socket.destroy();
        return;
      }
      case "reset":
        stats.reset += 1;
        req.socket.destroy();
        return;
      default:
        break;
    }

    const upstream = await forward(body);
    if (upstream === null) {
      stats.upstreamErrors += 1;
      res.writeHead(502, { "content-type": "text/plain" }).end("Bad Gateway");
      return;
    }
    stats.forwarded += 1;
    let text = upstream.text;
    const cap = config.logCap;
    if (cap !== null) {
      let parsedRequest: unknown = null;
      try {
        parsedRequest = JSON.parse(body.toString("utf8"));
      } catch {
        parsedRequest = null;
      }
      const ids = getLogsIds(parsedRequest);
      if (ids) {
        const capped = capLogs(text, ids, cap);
        stats.logCap += capped.capped;
        text = capped.body;
      }
    }
    if (fault === "truncate") {
      stats.truncate += 1;
      const full = Buffer.from(text, "utf8");
      const half = full.subarray(0, Math.floor(full.length / 2));
      res.writeHead(200, { "content-type": upstream.contentType, "content-length": String(half.length) });
      res.end(half);
      return;
    }
    res.writeHead(upstream.status, { "content-type": upstream.contentType, "content-length": String(Buffer.byteLength(text)) });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("proxy error");
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // Hanging requests must not be cut by the server's own timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fault proxy: no port");
  const port = address.port;

  let closed: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    get faults(): Readonly<FaultConfig> {
      return config;
    },
    setFaults(partial: Partial<FaultConfig>): void {
      config = { ...config, ...partial };
      if (partial.seed !== undefined) random = prng(partial.seed);
    },
    resetStats(): void {
      Object.assign(stats, emptyStats());
    },
    close(): Promise<void> {
      if (closed) return closed;
      closing = true;
      closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of hanging) socket.destroy();
        hanging.clear();
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
