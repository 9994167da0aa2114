/**
 * A JSON-RPC client that outlasts a flaky node. Transport faults (refused or reset
 * connections, timeouts, HTTP 429 and 5xx, bodies that are not complete JSON) are retried
 * forever with exponential backoff and full jitter: the indexer must never skip a block, so
 * it waits for the node rather than giving up. A JSON-RPC error answer is the node's verdict
 * on the request and is thrown as `RpcError` for the caller to act on (e.g. shrink a log range).
 *
 * The URL may carry a provider key (path, query or user info): `url` is its redacted form, and
 * every message this client makes (faults, errors) has the key scrubbed out. User info is sent
 * as a Basic Authorization header (fetch refuses URLs that carry credentials).
 */
import { redactUrl, scrubber } from "../redact";

export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(`${method}: ${message} (code ${code})`);
    this.name = "RpcError";
  }
}

/** Raised when a call with an attempt limit met only transport faults. */
export class RpcUnavailableError extends Error {
  constructor(
    readonly method: string,
    readonly lastFault: string,
  ) {
    super(`${method}: the node did not answer (${lastFault})`);
    this.name = "RpcUnavailableError";
  }
}

/**
 * Raised when an answer is larger than the caller allowed (`maxBytes`). Reading stops at the
 * limit, so a node's oversized answer costs no more memory than that; the log reader then
 * asks for a smaller range.
 */
export class AnswerTooLargeError extends Error {
  constructor(
    readonly method: string,
    readonly maxBytes: number,
    /** The answer's size, when the node declared it (Content-Length). */
    readonly size: number | null = null,
  ) {
    super(`${method}: the answer is larger than ${maxBytes} bytes`);
    this.name = "AnswerTooLargeError";
  }
}

/** Raised when the client is closed while a call waits. */
export class RpcClosedError extends Error {
  constructor() {
    super("the RPC client was closed");
    this.name = "RpcClosedError";
  }
}

export interface RpcClientOptions {
  url: string;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called on every transport fault that will be retried. */
  onFault?: (fault: string) => void;
  /** Called when a call succeeds (resets "node unreachable" state). */
  onSuccess?: () => void;
}

interface JsonRpcResponse {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface RpcCall {
  method: string;
  params: unknown[];
}

class TransportFault extends Error {}

export class RpcClient {
  private nextId = 1;
  private closed = false;
  private readonly aborts = new Set<AbortController>();
  private readonly sleepers = new Set<() => void>();
  /** The node's URL with its path, query and user info hidden (for messages). */
  readonly url: string;
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly scrub: (text: string) => string;
  private readonly timeoutMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly opts: RpcClientOptions) {
    this.url = redactUrl(opts.url);
    this.scrub = scrubber(opts.url);
    this.headers = { "content-type": "application/json" };
    let endpoint = opts.url;
    try {
      const u = new URL(opts.url);
      if (u.username !== "" || u.password !== "") {
        const credentials = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
        this.headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
        u.username = "";
        u.password = "";
        endpoint = u.href;
      }
    } catch {
      // Left as given: fetch will report it unreachable (scrubbed).
    }
    this.endpoint = endpoint;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.baseDelayMs = opts.baseDelayMs ?? 100;
    this.maxDelayMs = opts.maxDelayMs ?? 5_000;
  }

  /** Stops retries and aborts requests in flight; pending calls reject with RpcClosedError. */
  close(): void {
    this.closed = true;
    for (const a of this.aborts) a.abort();
    for (const wake of this.sleepers) wake();
  }

  /**
   * One call. Transport faults are retried forever unless `attempts` is given, in which case
   * the call fails with RpcUnavailableError after that many (the log reader then shrinks its range).
   * With `maxBytes`, an answer over that size fails with AnswerTooLargeError (not retried).
   */
  async call<T>(method: string, params: unknown[] = [], opts: { attempts?: number; maxBytes?: number } = {}): Promise<T> {
    const [res] = await this.send([{ method, params }], opts.attempts, opts.maxBytes);
    return unwrap<T>(method, res);
  }

  /**
   * Several calls in one HTTP request; answers in call order, each a result or an RpcError.
   * With `attempts`, fails with RpcUnavailableError after that many transport faults.
   */
  async batch<T>(calls: RpcCall[], opts: { attempts?: number } = {}): Promise<(T | RpcError)[]> {
    if (calls.length === 0) return [];
    const answers = await this.send(calls, opts.attempts);
    return answers.map((a, i) => {
      try {
        return unwrap<T>(calls[i]?.method ?? "?", a);
      } catch (e) {
        if (e instanceof RpcError) return e;
        throw e;
      }
    });
  }

  private async send(calls: RpcCall[], attempts = Infinity, maxBytes = Infinity): Promise<JsonRpcResponse[]> {
    const ids = calls.map(() => this.nextId++);
    const single = calls.length === 1;
    const payload = calls.map((c, i) => ({ jsonrpc: "2.0", id: ids[i], method: c.method, params: c.params }));
    const body = JSON.stringify(single ? payload[0] : payload);
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new RpcClosedError();
      try {
        const answer = await this.post(body, calls[0]?.method ?? "?", maxBytes);
        const list = Array.isArray(answer) ? (answer as JsonRpcResponse[]) : [answer as JsonRpcResponse];
        const byId = new Map(list.map((r) => [r.id, r]));
        const ordered = ids.map((id) => byId.get(id));
        if (ordered.some((r) => r === undefined)) throw new TransportFault("the answer is missing some requests");
        this.opts.onSuccess?.();
        return ordered as JsonRpcResponse[];
      } catch (e) {
        if (this.closed) throw new RpcClosedError();
        if (!(e instanceof TransportFault)) throw e;
        const fault = this.scrub(e.message);
        this.opts.onFault?.(`${calls[0]?.method ?? "?"}${single ? "" : ` (+${calls.length - 1})`}: ${fault}`);
        if (attempt + 1 >= attempts) throw new RpcUnavailableError(calls[0]?.method ?? "?", fault);
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  /** Full jitter: a uniform delay in [0, min(cap, base·2^attempt)]. */
  private backoff(attempt: number): number {
    return Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(attempt, 20));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private async post(body: string, method: string, maxBytes: number): Promise<unknown> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      let res: Response;
      try {
        res = await fetch(this.endpoint, { method: "POST", headers: this.headers, body, signal: abort.signal });
      } catch (e) {
        throw new TransportFault(abort.signal.aborted ? `no answer within ${this.timeoutMs} ms` : `unreachable (${causeOf(e)})`);
      }
      let text: string;
      try {
        text = maxBytes === Infinity ? await res.text() : await readAtMost(res, maxBytes, abort);
      } catch (e) {
        if (e instanceof AnswerTooLarge) throw new AnswerTooLargeError(method, maxBytes, e.size);
        throw new TransportFault(abort.signal.aborted ? `body not complete within ${this.timeoutMs} ms` : `body cut off (${causeOf(e)})`);
      }
      if (res.status === 429 || res.status >= 500) throw new TransportFault(`HTTP ${res.status}`);
      try {
        return JSON.parse(text);
      } catch {
        if (!res.ok) throw new TransportFault(`HTTP ${res.status}`);
        throw new TransportFault(`answer is not complete JSON (${text.length} bytes)`);
      }
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }
}

class AnswerTooLarge extends Error {
  constructor(readonly size: number | null) {
    super("answer too large");
  }
}

/** The body as text, or AnswerTooLarge (and the request aborted) once it passes `maxBytes`. */
async function readAtMost(res: Response, maxBytes: number, abort: AbortController): Promise<string> {
  if (!res.body) return "";
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    abort.abort();
    throw new AnswerTooLarge(declared);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      abort.abort();
      throw new AnswerTooLarge(null);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

function unwrap<T>(method: string, res: JsonRpcResponse | undefined): T {
  if (!res) throw new RpcError(method, -32603, "no answer");
  if (res.error) throw new RpcError(method, res.error.code, String(res.error.message), res.error.data);
  return res.result as T;
}

function causeOf(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return cause.message;
    return e.message;
  }
  return String(e);
}
