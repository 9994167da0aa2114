/**
 * What keeps the public API up under abuse: per-client rate limits, a cap on requests in
 * flight, a request timeout and a body limit, plus security headers and an opt-in CORS
 * allow-list. Every refusal is the API's JSON error body. Settings: server/config.ts.
 */
import cors from "cors";
import express, { type RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import { ServerConfigSchema, type ServerConfig } from "../config";
import { ApiError, errorBody } from "./errors";

export interface ApiLimits {
  /** Requests per minute per client; 0 = unlimited. */
  ratePerMinute: number;
  /** `confirm=chain` requests per minute per client; 0 = unlimited. */
  confirmRatePerMinute: number;
  requestTimeoutMs: number;
  maxInFlight: number;
  maxBodyBytes: number;
  /** POST /v1/verify's own body limit (a certificate JSON). */
  maxVerifyBodyBytes: number;
  /** Certificate previews and verifications per minute per client; 0 = unlimited. */
  certRatePerMinute: number;
  corsOrigins: string[];
  /** Trusted proxy hops (X-Forwarded-For), for the client address the rate limits count by. */
  trustProxy: number;
  /** /v1/health and /v1/ready answer 503 beyond this lag, in blocks. */
  maxLagBlocks: number;
}

export function limitsOf(config: ServerConfig): ApiLimits {
  return {
    ratePerMinute: config.DRL_RATE_LIMIT,
    confirmRatePerMinute: config.DRL_CONFIRM_RATE_LIMIT,
    requestTimeoutMs: config.DRL_REQUEST_TIMEOUT_MS,
    maxInFlight: config.DRL_MAX_IN_FLIGHT,
    maxBodyBytes: config.DRL_MAX_BODY_KB * 1024,
    maxVerifyBodyBytes: config.DRL_MAX_VERIFY_BODY_KB * 1024,
    certRatePerMinute: config.DRL_CERT_RATE_LIMIT,
    corsOrigins: config.DRL_CORS_ORIGINS,
    trustProxy: config.DRL_TRUST_PROXY,
    maxLagBlocks: config.DRL_MAX_LAG_BLOCKS,
  };
}

/** The documented defaults (server/config.ts), for an app built without a configuration. */
export const DEFAULT_LIMITS: ApiLimits = limitsOf(ServerConfigSchema.parse({}));

const noop: RequestHandler = (_req, _res, next) => next();

/** Sends an ApiError as JSON, unless an answer has already started. */
function refuse(res: express.Response, e: ApiError, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.set(headers).status(e.status).json(errorBody(e));
}

/** Health and readiness probes (load balancers, monitors) are never rate-limited: they are cheap, and must answer. */
export function isProbe(req: express.Request): boolean {
  const p = req.path.toLowerCase().replace(/\/$/, "");
  return p === "/v1/health" || p === "/v1/ready";
}

/** A fixed one-minute window per client address; 429 `rate_limited` with Retry-After. Requests `exempt` says are not counted. */
export function rateLimiter(perMinute: number, what: string, exempt: (req: express.Request) => boolean = () => false): RequestHandler {
  if (perMinute <= 0) return noop;
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    skip: exempt,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    // The address is Express's req.ip: DRL_TRUST_PROXY decides whether X-Forwarded-For counts
    // (express-rate-limit warns once, in the log, when the header comes without it).
    handler: (req, res) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime() ?? Date.now() + 60_000;
      const retry = String(Math.max(1, Math.ceil((reset - Date.now()) / 1000)));
      refuse(res, new ApiError(429, "rate_limited", `more than ${perMinute} ${what} per minute from this client; retry in ${retry} s`), { "retry-after": retry });
    },
  });
}

/**
 * At most `maxInFlight` requests answered at once (the rest get 503 `overloaded` at once), and
 * each one answered within `timeoutMs` or given 503 `timeout` (what it still computes is
 * dropped). One middleware, one listener: this runs on every request of the hot path.
 */
export function inFlightAndTimeout(maxInFlight: number, timeoutMs: number): RequestHandler {
  let inFlight = 0;
  const onTimeout = (res: express.Response) => refuse(res, new ApiError(503, "timeout", `no answer within ${timeoutMs} ms; retry shortly`), { "retry-after": "1" });
  return (_req, res, next) => {
    if (inFlight >= maxInFlight) return refuse(res, new ApiError(503, "overloaded", `the server is answering ${maxInFlight} requests already; retry shortly`), { "retry-after": "1" });
    inFlight++;
    const timer = setTimeout(onTimeout, timeoutMs, res);
    // 'close' follows every response, sent or cut off.
    res.once("close", () => {
      inFlight--;
      clearTimeout(timer);
    });
    next();
  };
}

/** Reads (and discards) a body up to `maxBytes`; a larger one is a 413 through the error handler. */
export function bodyLimit(maxBytes: number, perPath: Readonly<Record<string, number>> = {}): RequestHandler {
  const read = express.raw({ limit: maxBytes, type: () => true });
  const own = new Map(Object.entries(perPath).map(([p, n]) => [p, express.raw({ limit: n, type: () => true })]));
  // Nearly every request has no body: skip the parser for them.
  return (req, res, next) => {
    if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) return next();
    (own.get(req.path) ?? read)(req, res, next);
  };
}

/**
 * Security headers. The API serves JSON only; the portal (same origin) sets its own policy if it
 * needs one. helmet's headers do not depend on the request with these options, so helmet runs
 * once, at start-up, against a recording response, and each request then gets the recorded
 * headers (and removals) directly: the same headers, without a chain of a dozen middlewares
 * recomputing them on every request.
 */
export function securityHeaders(): RequestHandler {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.push([name, String(value)]);
      return recorder;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
    getHeader: () => undefined,
  };
  let called = false;
  const middleware = helmet({ crossOriginResourcePolicy: { policy: "same-origin" } }) as unknown as (
    req: { method: string; headers: Record<string, string> },
    res: typeof recorder,
    next: (err?: unknown) => void,
  ) => void;
  middleware({ method: "GET", headers: {} }, recorder, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    called = true;
  });
  // helmet answers synchronously; should a version ever not, run it per request as before.
  if (!called) return helmet({ crossOriginResourcePolicy: { policy: "same-origin" } });
  return (_req, res, next) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

/** CORS for the listed origins only; none listed = no CORS headers at all. */
export function corsAllowList(origins: readonly string[]): RequestHandler {
  if (origins.length === 0) return noop;
  const allowed = new Set(origins);
  return cors({
    origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
    methods: ["GET", "HEAD"],
    exposedHeaders: ["X-Indexed-Block", "Retry-After", "RateLimit", "RateLimit-Policy"],
    maxAge: 600,
  });
}
