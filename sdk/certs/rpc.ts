/**
 * ChainRpc: a small JSON-RPC client for issuing and verifying certificates, over SEVERAL urls.
 *
 * - Failover: the first url that answers wins and stays preferred; a url that is dead, hangs
 *   past the timeout, answers 429 or 5xx, or answers something that is not JSON-RPC moves the
 *   call on to the next. When no url answered, `ChainUnavailableError` (kind network | timeout
 *   | rateLimited | server, url redacted): a verifier reports that as ERROR, never INVALID.
 * - A JSON-RPC error answer (an eth_call revert above all) is the node's verdict, not
 *   unavailability: `RpcCallError`, no failover. A "limit exceeded" answer (-32005) is a
 *   rate limit and does fail over.
 * - Batching: `batch([...])` sends one HTTP request; each element counts one in `callCount`.
 * - Browser-compatible: only `fetch` (no node: imports); the portal runs it as is.
 */
import { redactUrl } from "../ledger/errors";

export type UnavailableKind = "network" | "timeout" | "rateLimited" | "server";

/** No url answered; `urls` are redacted, `attempts` says what each one did. */
export class ChainUnavailableError extends Error {
  constructor(
    readonly kind: UnavailableKind,
    readonly method: string,
    readonly attempts: readonly { url: string; kind: UnavailableKind; detail: string }[],
  ) {
    super(`${method}: no RPC url answered (${attempts.map((a) => `${a.url}: ${a.detail}`).join("; ") || "no urls"})`);
    this.name = "ChainUnavailableError";
  }
}

/** The node answered with a JSON-RPC error (e.g. an eth_call that reverted). */
export class RpcCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly rpcMessage: string,
    readonly data?: unknown,
  ) {
    super(`${method}: ${rpcMessage} (code ${code})`);
    this.name = "RpcCallError";
  }
}

/** A url that is not http(s). */
export class RpcUrlError extends Error {
  constructor(readonly url: string) {
    super(`rpc: ${url} must be an http:// or https:// URL`);
    this.name = "RpcUrlError";
  }
}

export interface RpcCall {
  method: string;
  params: readonly unknown[];
}

export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: RpcCallError };

export interface ChainRpcOptions {
  /** Per HTTP request, per url (default 5000 ms). */
  timeoutMs?: number;
  /** Largest batch sent in one HTTP request (default 100); bigger batches are split. */
  maxBatch?: number;
  /** A fetch to use instead of the global one (tests). */
  fetch?: typeof fetch;
}

interface Endpoint {
  /** Without user info (fetch refuses URLs that carry credentials). */
  href: string;
  redacted: string;
  authorization?: string;
}

interface JsonRpcAnswer {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

class EndpointFault extends Error {
  constructor(
    readonly kind: UnavailableKind,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const RATE_LIMIT_CODES = new Set([-32005, -32029]);

export class ChainRpc {
  /** JSON-RPC calls made (each element of a batch counts one), including failed-over retries. */
  callCount = 0;
  /** HTTP requests sent. */
  httpRequests = 0;
  private readonly endpoints: Endpoint[];
  private preferred = 0;
  private nextId = 1;
  private readonly timeoutMs: number;
  private readonly maxBatch: number;
  private readonly fetchImpl: typeof fetch;

  constructor(urls: string | readonly string[], opts: ChainRpcOptions = {}) {
    const list = typeof urls === "string" ? [urls] : [...urls];
    if (list.length === 0) throw new RpcUrlError("(none)");
    this.endpoints = list.map((raw) => {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new RpcUrlError(redactUrl(raw));
      }
      if (!/^https?:$/.test(u.protocol)) throw new RpcUrlError(redactUrl(raw));
      let authorization: string | undefined;
      if (u.username || u.password) {
        authorization = `Basic ${btoa(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`)}`;
        u.username = "";
        u.password = "";
      }
      return { href: u.toString(), redacted: redactUrl(raw), authorization };
    });
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.maxBatch = Math.max(1, opts.maxBatch ?? 100);
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The redacted urls, in failover order. */
  get urls(): string[] {
    return this.endpoints.map((e) => e.redacted);
  }

  /** Resets callCount and httpRequests (a benchmark measures one verification). */
  resetCounters(): void {
    this.callCount = 0;
    this.httpRequests = 0;
  }

  /** One call; a JSON-RPC error answer throws RpcCallError. */
  async request(method: string, params: readonly unknown[] = []): Promise<unknown> {
    const [outcome] = await this.batchSettled([{ method, params }]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.result;
  }

  /** Several calls in one HTTP request (split past maxBatch); the first JSON-RPC error throws. */
  async batch(calls: readonly RpcCall[]): Promise<unknown[]> {
    const out = await this.batchSettled(calls);
    return out.map((o) => {
      if (!o.ok) throw o.error;
      return o.result;
    });
  }

  /** Several calls in one HTTP request; each answer or its JSON-RPC error, in order. */
  async batchSettled(calls: readonly RpcCall[]): Promise<RpcOutcome[]> {
    if (calls.length === 0) return [];
    const chunks: RpcCall[][] = [];
    for (let i = 0; i < calls.length; i += this.maxBatch) chunks.push(calls.slice(i, i + this.maxBatch));
    const results = await Promise.all(chunks.map((c) => this.sendWithFailover(c)));
    return results.flat();
  }

  private async sendWithFailover(calls: readonly RpcCall[]): Promise<RpcOutcome[]> {
    const attempts: { url: string; kind: UnavailableKind; detail: string }[] = [];
    const n = this.endpoints.length;
    for (let k = 0; k < n; k++) {
      const index = (this.preferred + k) % n;
      const ep = this.endpoints[index]!;
      try {
        const out = await this.send(ep, calls);
        this.preferred = index;
        return out;
      } catch (e) {
        if (!(e instanceof EndpointFault)) throw e;
        attempts.push({ url: ep.redacted, kind: e.kind, detail: e.detail });
      }
    }
    const method = calls.length === 1 ? calls[0]!.method : `batch of ${calls.length} (${calls[0]!.method}…)`;
    throw new ChainUnavailableError(attempts[attempts.length - 1]?.kind ?? "network", method, attempts);
  }

  private async send(ep: Endpoint, calls: readonly RpcCall[]): Promise<RpcOutcome[]> {
    const ids = calls.map(() => this.nextId++);
    const body = calls.map((c, i) => ({ jsonrpc: "2.0", id: ids[i], method: c.method, params: c.params }));
    const single = calls.length === 1;
    this.httpRequests++;
    this.callCount += calls.length;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (ep.authorization) headers.authorization = ep.authorization;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let text: string;
    let status: number;
    try {
      // Called as a plain function: a browser's own fetch, passed in, throws "Illegal invocation" as a method.
      const f = this.fetchImpl;
      const res = await f(ep.href, { method: "POST", headers, body: JSON.stringify(single ? body[0] : body), signal: controller.signal });
      status = res.status;
      // The body is read under the same timer: a node that sends headers then hangs is a timeout.
      text = await res.text();
    } catch (e) {
      if (controller.signal.aborted) throw new EndpointFault("timeout", `timed out after ${this.timeoutMs} ms`);
      throw new EndpointFault("network", networkDetail(e));
    } finally {
      clearTimeout(timer);
    }
    if (status === 429) throw new EndpointFault("rateLimited", "HTTP 429 (rate limited)");
    if (status >= 500) throw new EndpointFault("server", `HTTP ${status}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new EndpointFault("server", `HTTP ${status}: the answer is not JSON`);
    }
    const answers: JsonRpcAnswer[] = Array.isArray(json) ? (json as JsonRpcAnswer[]) : [json as JsonRpcAnswer];
    if (answers.length === 1 && calls.length > 1 && answers[0]?.id === null && answers[0]?.error) {
      // The node refused the whole batch (some refuse batches beyond a size): a server fault.
      throw new EndpointFault("server", `batch refused: ${String(answers[0].error.message ?? "error")}`);
    }
    const byId = new Map<unknown, JsonRpcAnswer>();
    for (const a of answers) if (a && typeof a === "object") byId.set(a.id, a);
    const out: RpcOutcome[] = [];
    for (let i = 0; i < calls.length; i++) {
      const a = byId.get(ids[i]) ?? (single ? answers[0] : undefined);
      if (!a || typeof a !== "object" || (!("result" in a) && !a.error)) {
        throw new EndpointFault("server", `HTTP ${status}: no JSON-RPC answer for ${calls[i]!.method}`);
      }
      if (a.error) {
        const code = typeof a.error.code === "number" ? a.error.code : 0;
        const message = typeof a.error.message === "string" ? a.error.message : "error";
        if (RATE_LIMIT_CODES.has(code) || /rate limit|too many requests/i.test(message)) throw new EndpointFault("rateLimited", `${code}: ${message}`);
        out.push({ ok: false, error: new RpcCallError(calls[i]!.method, code, message, a.error.data) });
      } else {
        out.push({ ok: true, result: a.result });
      }
    }
    return out;
  }

  // ─── Conveniences (each one JSON-RPC call) ────────────────────────────────────────────

  async chainId(): Promise<number> {
    return Number(BigInt(asString(await this.request("eth_chainId"), "eth_chainId")));
  }

  async blockNumber(): Promise<number> {
    return Number(BigInt(asString(await this.request("eth_blockNumber"), "eth_blockNumber")));
  }
}

function asString(v: unknown, method: string): string {
  if (typeof v !== "string") throw new RpcCallError(method, 0, "answer is not a hex string");
  return v;
}

function networkDetail(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return cause.message.slice(0, 120);
  return e instanceof Error ? e.message.slice(0, 120) : "network error";
}

/** 0x-hex quantity of a block number (for block tags). */
export function blockTag(n: number | bigint): string {
  return `0x${BigInt(n).toString(16)}`;
}
