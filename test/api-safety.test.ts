/**
 * The API safe to expose: limits (rate, confirm=chain rate, in flight, timeout, body), security
 * headers and CORS, the admin listener, secrets kept out of answers and logs, confirm=chain when
 * the node is down, HTTP semantics (405, HEAD, JSON 404/413/431), health and ready as a load
 * balancer reads them, and read-your-writes (X-Indexed-Block, minBlock → 409).
 *
 * One Anvil chain with a few assets and one in-process server; variants of the app (other
 * limits, another node, a stubbed indexer status) run over the same index via createApp.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApp, type ApiContext } from "../server/api/app";
import { CircuitBreaker, CircuitOpenError } from "../server/api/circuit-breaker";
import { answerClientErrors } from "../server/api/http-semantics";
import { PORTAL_CSP, findPortalDir } from "../server/api/portal";
import type { ApiLimits } from "../server/api/limits";
import { createMetrics } from "../server/metrics";
import { ConfigError, loadServerConfig } from "../server/config";
import { redactUrl, scrubber } from "../server/redact";
import { RpcClient } from "../server/rpc/client";
import type { IndexerStatus } from "../server/status";
import * as S from "../sdk/api/schemas";
import type { AnvilNode } from "./helpers/anvil";
import { generateLoad, startAnvilWorld, type AnvilWorld } from "./helpers/anvil-world";
import { startTestServer, testConfig, type TestServer } from "./helpers/indexer";
import { ListenError, startServer } from "../server/server";
import { IndexStore } from "../server/store/store";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with any method, headers and body, the target sent as given. */
function request(base: string, method: string, target: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: target, headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${method} ${target.slice(0, 100)}`)));
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

function errorOf(r: Reply): S.ErrorBody["error"] {
  expect(r.headers["content-type"] ?? "", `${r.status} ${r.body.slice(0, 200)}`).to.contain("application/json");
  return S.ErrorBody.parse(JSON.parse(r.body)).error;
}

/** A fake node: counts requests; `mode` says whether it answers with 500s or never answers. */
async function badNode(mode: "error500" | "hang"): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    req.resume();
    if (mode === "error500") res.writeHead(500).end("down");
    // "hang": never answers (the client's timeout ends it).
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A node URL that carries a provider key three ways (distinctive strings, so that no hash or address contains them by chance). */
const SECRET_URL = "http://drluser:s3cretpw@127.0.0.1:1/key123zz?apikey=apikeyvalue42";
const SECRETS = ["drluser", "s3cretpw", "key123zz", "apikey", "apikeyvalue42", SECRET_URL];

describe("API: safe to expose (limits, headers, admin listener, secrets, HTTP semantics, health, read-your-writes; Anvil)", function () {
  this.timeout(120_000);
  let tmp: string;
  let node: AnvilNode;
  let w: AnvilWorld;
  let server: TestServer;
  let assetId: string;
  const closers: (() => Promise<void>)[] = [];

  before(async function () {
    tmp = mkdtempSync(path.join(tmpdir(), "drl-safety-"));
    ({ node, w } = await startAnvilWorld(path.join(tmp, "deployment.json")));
    const load = await generateLoad(w, { assets: 3, register: 2 });
    assetId = load.firstId.toString();
    server = await startTestServer(node.url, w.deploymentFile, { DRL_RATE_LIMIT: "0", DRL_CONFIRM_RATE_LIMIT: "0" });
    await server.caughtUp();
  });

  after(async function () {
    for (const c of closers.reverse()) await c();
    await server?.destroy();
    await node?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Another app over the same index, with its own limits, node and status; listening on a free port. */
  async function variant(
    opts: { limits?: Partial<ApiLimits>; rpcUrl?: string; rpcTimeoutMs?: number; status?: () => IndexerStatus; logs?: string[]; store?: IndexStore; portalDir?: string | null; browserRpcUrl?: string } = {},
  ): Promise<string> {
    const rpcUrl = opts.rpcUrl ?? node.url;
    const rpc = new RpcClient({ url: rpcUrl, timeoutMs: opts.rpcTimeoutMs ?? 5_000 });
    const status = opts.status ?? (() => server.indexer.status);
    const ctx: ApiContext = {
      store: opts.store ?? server.store,
      deployment: server.deployment,
      status,
      rpc,
      metrics: createMetrics(status, false),
      confirmations: 0,
      limits: { ratePerMinute: 0, confirmRatePerMinute: 0, ...opts.limits },
      scrub: scrubber(rpcUrl),
      log: (m) => opts.logs?.push(m),
      ...(opts.portalDir !== undefined ? { portalDir: opts.portalDir } : {}),
      ...(opts.browserRpcUrl !== undefined ? { browserRpcUrl: opts.browserRpcUrl } : {}),
    };
    const app = createApp(ctx);
    const s = await new Promise<http.Server>((resolve) => {
      const srv = app.listen(0, "127.0.0.1", () => resolve(srv));
    });
    answerClientErrors(s);
    closers.push(
      () =>
        new Promise<void>((r) => {
          rpc.close();
          s.closeAllConnections();
          s.close(() => r());
        }),
    );
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  const tradability = (confirm: boolean) => `/v1/assets/${assetId}/tradability?buyer=${w.bob.address}${confirm ? "&confirm=chain" : ""}`;

  describe("limits", function () {
    it("rate-limits each client per minute with a JSON 429 and Retry-After", async function () {
      const base = await variant({ limits: { ratePerMinute: 5 } });
      for (let i = 0; i < 5; i++) expect((await request(base, "GET", `/v1/assets/${assetId}`)).status, `request ${i + 1}`).to.equal(200);
      const r = await request(base, "GET", `/v1/assets/${assetId}`);
      expect(r.status).to.equal(429);
      expect(errorOf(r).code).to.equal("rate_limited");
      expect(Number(r.headers["retry-after"])).to.be.within(1, 60);
      // Health and readiness probes are not counted, nor refused.
      for (let i = 0; i < 10; i++) {
        expect((await request(base, "GET", "/v1/health")).status).to.equal(200);
        expect((await request(base, "GET", "/v1/ready")).status).to.equal(200);
      }
      expect((await request(base, "GET", "/v1/assets/1")).status).to.equal(429);
    });

    it("rate-limits confirm=chain on its own: its limit is spent while plain tradability answers go on", async function () {
      const base = await variant({ limits: { confirmRatePerMinute: 2 } });
      for (let i = 0; i < 2; i++) {
        const ok = await request(base, "GET", tradability(true));
        expect(ok.status, ok.body).to.equal(200);
        expect((JSON.parse(ok.body) as S.Tradability).chain?.agrees).to.equal(true);
      }
      const limited = await request(base, "GET", tradability(true));
      expect(limited.status).to.equal(429);
      expect(errorOf(limited).message).to.contain("confirm=chain");
      expect(errorOf(limited).message).to.match(/retry in \d+ s$/);
      expect(Number(limited.headers["retry-after"])).to.be.within(1, 60);
      for (let i = 0; i < 5; i++) expect((await request(base, "GET", tradability(false))).status).to.equal(200);
    });

    it("refuses requests beyond the in-flight cap with a JSON 503 overloaded, and times a slow request out with a JSON 503", async function () {
      const hang = await badNode("hang");
      closers.push(hang.close);
      const base = await variant({ rpcUrl: hang.url, rpcTimeoutMs: 60_000, limits: { maxInFlight: 1, requestTimeoutMs: 1_500 } });
      // The first request waits for a node that never answers; the second finds the slot taken.
      const slow = request(base, "GET", tradability(true));
      for (let i = 0; i < 100 && hang.requests() === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(hang.requests(), "the slow request reached the node").to.equal(1);
      const refused = await request(base, "GET", `/v1/assets/${assetId}`);
      expect(refused.status).to.equal(503);
      expect(errorOf(refused).code).to.equal("overloaded");
      const timedOut = await slow;
      expect(timedOut.status).to.equal(503);
      expect(errorOf(timedOut).code).to.equal("timeout");
    });

    it("answers a body over the limit with a JSON 413, on known and unknown paths alike", async function () {
      const big = Buffer.alloc(64 * 1024, "a");
      for (const [method, target] of [
        ["POST", "/v1/assets"],
        ["GET", `/v1/assets/${assetId}`],
        ["PUT", "/nowhere"],
      ] as const) {
        const r = await request(server.url, method, target, { headers: { "content-type": "application/json", "content-length": String(big.length) }, body: big });
        expect(r.status, `${method} ${target}: ${r.body.slice(0, 200)}`).to.equal(413);
        expect(errorOf(r).code).to.equal("payload_too_large");
      }
      // A small body on a GET is read and ignored.
      expect((await request(server.url, "GET", `/v1/assets/${assetId}`, { headers: { "content-length": "2" }, body: "{}" })).status).to.equal(200);
      // A chunked body over the limit (no declared length) too.
      const chunked = await request(server.url, "POST", `/v1/assets/${assetId}`, { headers: { "transfer-encoding": "chunked" }, body: big });
      expect(chunked.status).to.equal(413);
    });
  });

  describe("headers and CORS", function () {
    it("sends security headers and, by default, no CORS headers", async function () {
      const r = await request(server.url, "GET", "/v1/health", { headers: { origin: "https://elsewhere.example" } });
      expect(r.headers["x-content-type-options"]).to.equal("nosniff");
      expect(r.headers["content-security-policy"]).to.be.a("string");
      expect(r.headers["strict-transport-security"]).to.be.a("string");
      expect(r.headers["x-frame-options"]).to.equal("SAMEORIGIN");
      expect(r.headers["x-powered-by"]).to.equal(undefined);
      expect(r.headers["access-control-allow-origin"]).to.equal(undefined);
    });

    it("allows the configured origins only", async function () {
      const base = await variant({ limits: { corsOrigins: ["https://portal.example"] } });
      const ok = await request(base, "GET", `/v1/assets/${assetId}`, { headers: { origin: "https://portal.example" } });
      expect(ok.headers["access-control-allow-origin"]).to.equal("https://portal.example");
      expect(ok.headers["access-control-expose-headers"]).to.contain("X-Indexed-Block");
      const other = await request(base, "GET", `/v1/assets/${assetId}`, { headers: { origin: "https://evil.example" } });
      expect(other.status).to.equal(200);
      expect(other.headers["access-control-allow-origin"]).to.equal(undefined);
      const preflight = await request(base, "OPTIONS", `/v1/assets/${assetId}`, {
        headers: { origin: "https://portal.example", "access-control-request-method": "GET" },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers["access-control-allow-methods"]).to.equal("GET,HEAD");
    });
  });

  describe("the admin listener", function () {
    it("serves /metrics on loopback, apart from the public API, which answers 404 JSON for it", async function () {
      expect(new URL(server.adminUrl).hostname).to.equal("127.0.0.1");
      expect(server.adminUrl).to.not.equal(server.url);
      const m = await request(server.adminUrl, "GET", "/metrics");
      expect(m.status).to.equal(200);
      expect(m.body).to.contain("drl_indexed_block");
      const pub = await request(server.url, "GET", "/metrics");
      expect(pub.status).to.equal(404);
      expect(errorOf(pub).code).to.equal("not_found");
      expect((await request(server.adminUrl, "GET", "/v1/health")).status).to.equal(404);
    });
  });

  describe("a busy port", function () {
    it("is a ListenError naming the port and its settings, and releases the index for the next start", async function () {
      const port = new URL(server.url).port;
      const dir = mkdtempSync(path.join(tmpdir(), "drl-busy-"));
      const config = testConfig(node.url, w.deploymentFile, dir, { DRL_API_PORT: port });
      let error: unknown;
      try {
        const s = await startServer(config, { log: () => {} });
        await s.close(); // only if it wrongly started: the assertion below then fails
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ListenError);
      expect((error as Error).message).to.equal(`the API could not listen on 127.0.0.1:${port} (DRL_API_HOST, DRL_API_PORT): the port is in use`);
      // The failed start closed the store: another process (or this one) can open the index.
      const again = await startServer(testConfig(node.url, w.deploymentFile, dir), { log: () => {} });
      await again.close();
      rmSync(dir, { recursive: true, force: true });
    });
  });

  describe("secrets", function () {
    it("never shows the node URL's key or credentials in health, error bodies or logs", async function () {
      const logs: string[] = [];
      // A whole server on a node URL with user info, a key in the path and one in the query.
      const dir = mkdtempSync(path.join(tmpdir(), "drl-secret-"));
      const s = await startServer(testConfig(SECRET_URL, w.deploymentFile, dir, { DRL_RPC_TIMEOUT_MS: "200" }), { log: (m) => logs.push(m) });
      closers.push(async () => {
        await s.close();
        rmSync(dir, { recursive: true, force: true });
      });
      for (let i = 0; i < 200 && s.indexer.status.rpcFaults < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(s.indexer.status.rpcFaults, "the indexer met the unreachable node").to.be.at.least(2);
      const health = await request(s.url, "GET", "/v1/health");
      const h = S.Health.parse(JSON.parse(health.body));
      expect(h.node).to.equal("http://127.0.0.1:1/…");
      expect(h.lastError, "the fault is reported").to.be.a("string");
      // confirm=chain through a variant on the populated index, with the same URL.
      const variantLogs: string[] = [];
      const base = await variant({ rpcUrl: SECRET_URL, rpcTimeoutMs: 500, logs: variantLogs });
      const confirm = await request(base, "GET", tradability(true));
      expect(confirm.status).to.equal(503);
      expect(errorOf(confirm).code).to.equal("node_unavailable");
      const vHealth = await request(base, "GET", "/v1/health");
      const seen = [health.body, confirm.body, vHealth.body, ...logs, ...variantLogs, s.indexer.status.lastError ?? ""].join("\n");
      expect(seen).to.contain("127.0.0.1:1");
      for (const secret of SECRETS) expect(seen, secret).to.not.contain(secret);
    });

    it("sends the URL's user info as Basic authorization, to the URL's path and query, and scrubs them from its errors", async function () {
      let seen: { url?: string; auth?: string } = {};
      const fake = http.createServer((req, res) => {
        seen = { url: req.url, auth: req.headers.authorization };
        req.resume();
        res.writeHead(503).end();
      });
      await new Promise<void>((r) => fake.listen(0, "127.0.0.1", r));
      closers.push(() => new Promise<void>((r) => fake.close(() => r())));
      const port = (fake.address() as AddressInfo).port;
      const url = `http://us%40er:s3cr%3At@127.0.0.1:${port}/v3/key123?apikey=abc`;
      const faults: string[] = [];
      const rpc = new RpcClient({ url, onFault: (f) => faults.push(f) });
      const err = await rpc.call("eth_chainId", [], { attempts: 1 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(Error);
      expect(seen.url).to.equal("/v3/key123?apikey=abc");
      expect(seen.auth).to.equal(`Basic ${Buffer.from("us@er:s3cr:t").toString("base64")}`);
      expect(rpc.url).to.equal(`http://127.0.0.1:${port}/…`);
      const text = [(err as Error).message, ...faults].join("\n");
      for (const secret of ["s3cr", "key123", "apikey", "us%40er", "us@er"]) expect(text, secret).to.not.contain(secret);
    });
  });

  describe("redaction and settings", function () {
    it("shows a node URL as scheme and host only", function () {
      expect(redactUrl("https://mainnet.provider.example/v3/0123456789abcdef")).to.equal("https://mainnet.provider.example/…");
      expect(redactUrl("https://node.example/?apikey=k")).to.equal("https://node.example/…");
      expect(redactUrl("https://u:p@node.example:8545")).to.equal("https://node.example:8545/…");
      expect(redactUrl("http://127.0.0.1:8545")).to.equal("http://127.0.0.1:8545");
      expect(redactUrl("not a url")).to.equal("(invalid URL)");
      const scrub = scrubber("https://u:pw123@node.example/v3/key456?apikey=k789");
      expect(scrub("fetch https://u:pw123@node.example/v3/key456?apikey=k789 failed; key456 k789 pw123")).to.equal("fetch https://node.example/… failed; … … …");
    });

    it("the confirm=chain breaker: open after a failure, one trial after the cool-down, closed again by a success", async function () {
      let now = 1_000;
      const b = new CircuitBreaker(5_000, () => now);
      let calls = 0;
      const fail = () => {
        calls++;
        return Promise.reject(new Error("node down"));
      };
      const ok = () => {
        calls++;
        return Promise.resolve("answer");
      };
      await b.run(fail).catch(() => undefined);
      const open = await b.run(ok).catch((e: unknown) => e);
      expect(open).to.be.instanceOf(CircuitOpenError);
      expect((open as CircuitOpenError).message).to.contain("node down");
      expect(calls).to.equal(1);
      now += 5_000;
      // Half-open: one trial goes through; while it runs, others are still refused.
      let release: (v: string) => void = () => {};
      const trial = b.run(() => {
        calls++;
        return new Promise<string>((r) => (release = r));
      });
      expect(await b.run(ok).catch((e: unknown) => e)).to.be.instanceOf(CircuitOpenError);
      release("answer");
      expect(await trial).to.equal("answer");
      expect(await b.run(ok)).to.equal("answer");
      expect(calls).to.equal(3);
    });

    it("reads the limits from the environment, with the documented defaults, and names a bad variable", function () {
      const d = loadServerConfig({});
      expect(d).to.deep.include({ DRL_RATE_LIMIT: 1200, DRL_CONFIRM_RATE_LIMIT: 60, DRL_REQUEST_TIMEOUT_MS: 10_000, DRL_MAX_IN_FLIGHT: 512, DRL_MAX_BODY_KB: 16 });
      expect(d).to.deep.include({ DRL_TRUST_PROXY: 0, DRL_MAX_LAG_BLOCKS: 50, DRL_ADMIN_HOST: "127.0.0.1", DRL_ADMIN_PORT: 0 });
      expect(d.DRL_CORS_ORIGINS).to.deep.equal([]);
      expect(loadServerConfig({ DRL_CORS_ORIGINS: "https://a.example, https://b.example:8443" }).DRL_CORS_ORIGINS).to.deep.equal(["https://a.example", "https://b.example:8443"]);
      expect(() => loadServerConfig({ DRL_CORS_ORIGINS: "https://a.example/portal" })).to.throw(ConfigError, /^DRL_CORS_ORIGINS/);
      expect(() => loadServerConfig({ DRL_RATE_LIMIT: "lots" })).to.throw(ConfigError, /^DRL_RATE_LIMIT: must be a number/);
      // A bad node URL is named without being echoed (it may carry a key).
      expect(() => loadServerConfig({ DRL_RPC_URL: "secret-key-123" })).to.throw(ConfigError).that.satisfies((e: Error) => !e.message.includes("secret-key-123"));
    });
  });

  describe("confirm=chain when the node is down", function () {
    it("answers 503 node_unavailable, and after a failure does not ask the node again during the cool-down", async function () {
      const down = await badNode("error500");
      closers.push(down.close);
      const base = await variant({ rpcUrl: down.url });
      const first = await request(base, "GET", tradability(true));
      expect(first.status).to.equal(503);
      expect(errorOf(first).code).to.equal("node_unavailable");
      // One attempt, no retries: the client is not kept waiting through a backoff.
      expect(down.requests()).to.equal(1);
      for (let i = 0; i < 5; i++) {
        const again = await request(base, "GET", tradability(true));
        expect(again.status).to.equal(503);
        expect(errorOf(again).code).to.equal("node_unavailable");
      }
      expect(down.requests(), "answered by the breaker, not the node").to.equal(1);
      // The index's own answer does not need the node.
      expect((await request(base, "GET", tradability(false))).status).to.equal(200);
    });

    it("gives up on a node that does not answer after one RPC timeout, then answers at once", async function () {
      const hang = await badNode("hang");
      closers.push(hang.close);
      const base = await variant({ rpcUrl: hang.url, rpcTimeoutMs: 300 });
      const first = await request(base, "GET", tradability(true));
      expect(first.status).to.equal(503);
      expect(errorOf(first).message).to.contain("no answer within 300 ms");
      const second = await request(base, "GET", tradability(true));
      expect(errorOf(second).code).to.equal("node_unavailable");
      expect(hang.requests()).to.equal(1);
    });
  });

  describe("the portal at /", function () {
    let portal: string;
    before(function () {
      portal = path.join(tmp, "portal");
      mkdirSync(path.join(portal, "assets"), { recursive: true });
      writeFileSync(path.join(portal, "index.html"), '<!doctype html><title>portal</title><script type="module" src="/assets/app-abc123.js"></script>');
      writeFileSync(path.join(portal, "assets", "app-abc123.js"), "export {};\n");
    });

    it("serves the built portal under a CSP that allows its own origin only, its hashed files for good, HEAD, and 405 for other methods", async function () {
      const base = await variant({ portalDir: portal });
      const page = await request(base, "GET", "/");
      expect(page.status).to.equal(200);
      expect(page.headers["content-type"]).to.match(/^text\/html/);
      expect(page.body).to.contain("/assets/app-abc123.js");
      expect(page.headers["cache-control"]).to.equal("no-cache");
      const csp = String(page.headers["content-security-policy"]);
      expect(csp).to.equal(PORTAL_CSP);
      // Nothing from another origin, no inline code: only 'self' (and data:/blob: images) anywhere;
      // scripts may compile WebAssembly (the verify page's SHA-256), which allows no JS eval.
      for (const d of csp.split("; ")) expect(d, d).to.match(/^[a-z-]+( ('self'|'none'|data:|blob:))+$|^script-src 'self' 'wasm-unsafe-eval'$/);
      for (const d of ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "connect-src 'self'", "font-src 'self'", "frame-ancestors 'none'"]) expect(csp).to.contain(d);
      expect(csp).not.to.match(/'unsafe-eval'|'unsafe-inline'/);
      const js = await request(base, "GET", "/assets/app-abc123.js");
      expect(js.status).to.equal(200);
      expect(js.headers["content-type"]).to.match(/javascript/);
      expect(js.headers["cache-control"]).to.contain("immutable");
      expect(js.headers["content-security-policy"]).to.equal(PORTAL_CSP);
      const head = await request(base, "HEAD", "/");
      expect(head.status).to.equal(200);
      expect(head.body).to.equal("");
      const post = await request(base, "POST", "/");
      expect(post.status).to.equal(405);
      expect(post.headers.allow).to.equal("GET, HEAD");
      expect(errorOf(post).code).to.equal("method_not_allowed");
      for (const target of ["/assets/nope.js", "/assets/../../etc/passwd", "/assets/%2e%2e/%2e%2e/index.html", "/index.htm"]) {
        const r = await request(base, "GET", target);
        expect(r.status, target).to.equal(404);
        expect(errorOf(r).code, target).to.equal("not_found");
      }
      // The API keeps its own headers.
      expect((await request(base, "GET", "/v1/health")).headers["content-security-policy"]).not.to.equal(PORTAL_CSP);
    });

    it("compresses the page's scripts for a browser that asks, and only then", async function () {
      const big = path.join(portal, "assets", "big-def456.js");
      writeFileSync(big, `export const table = ${JSON.stringify(Array.from({ length: 4000 }, (_, i) => `row ${i}`))};\n`);
      const base = await variant({ portalDir: portal });
      const gz = await request(base, "GET", "/assets/big-def456.js", { headers: { "Accept-Encoding": "gzip" } });
      expect(gz.status).to.equal(200);
      expect(gz.headers["content-encoding"]).to.equal("gzip");
      const plain = await request(base, "GET", "/assets/big-def456.js");
      expect(plain.headers["content-encoding"]).to.equal(undefined);
      expect(plain.body).to.contain("row 3999");
    });

    it("serves the page at /verify too (the path of a certificate's QR code; its payload stays in the fragment)", async function () {
      const base = await variant({ portalDir: portal });
      const page = await request(base, "GET", "/verify");
      expect(page.status).to.equal(200);
      expect(page.body).to.contain("/assets/app-abc123.js");
      expect(page.headers["content-security-policy"]).to.equal(PORTAL_CSP);
      expect((await request(base, "POST", "/verify")).status).to.equal(405);
      expect((await request(base, "GET", "/verify/x")).status).to.equal(404);
    });

    it("lets the page call the chain endpoint configured for browsers, and no other origin", async function () {
      const base = await variant({ portalDir: portal, browserRpcUrl: "https://rpc.zone.example:8545/public" });
      const csp = String((await request(base, "GET", "/")).headers["content-security-policy"]);
      expect(csp).to.contain("connect-src 'self' https://rpc.zone.example:8545;");
      expect(csp.match(/https?:\/\//g)).to.have.length(1);
      const config = JSON.parse((await request(base, "GET", "/v1/config")).body) as { browserRpcUrl: string | null };
      expect(config.browserRpcUrl).to.equal("https://rpc.zone.example:8545/public");
    });

    it("answers / with a JSON 503 that says how to build the portal when it is not built", async function () {
      const base = await variant({ portalDir: null });
      const r = await request(base, "GET", "/");
      expect(r.status).to.equal(503);
      expect(errorOf(r).code).to.equal("portal_not_built");
      expect(errorOf(r).message).to.contain("npm run build:portal");
    });

    it("finds the build in dist/portal of the package the server belongs to, compiled or from its sources", function () {
      const pkg = path.join(tmp, "pkg");
      for (const d of ["dist/server/api", "dist/portal", "server/api", "cache/drl-cli-x/server/api"]) mkdirSync(path.join(pkg, d), { recursive: true });
      writeFileSync(path.join(pkg, "package.json"), "{}");
      const portalDir = path.join(pkg, "dist", "portal");
      expect(findPortalDir(path.join(pkg, "dist", "server", "api"))).to.equal(null); // not built yet
      writeFileSync(path.join(portalDir, "index.html"), "<!doctype html>");
      for (const from of ["dist/server/api", "server/api", "cache/drl-cli-x/server/api"]) expect(findPortalDir(path.join(pkg, from)), from).to.equal(portalDir);
      // The nearest package.json decides: a package inside the checkout does not find the checkout's build.
      mkdirSync(path.join(pkg, "node_modules", "other", "server", "api"), { recursive: true });
      writeFileSync(path.join(pkg, "node_modules", "other", "package.json"), "{}");
      expect(findPortalDir(path.join(pkg, "node_modules", "other", "server", "api"))).to.equal(null);
      // This checkout's own server finds its build.
      expect(findPortalDir()).to.equal(path.resolve(__dirname, "..", "dist", "portal"));
    });
  });

  describe("HTTP semantics", function () {
    it("answers other methods on known routes with a JSON 405 and Allow, OPTIONS with 204 and Allow", async function () {
      for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
        for (const target of ["/v1/health", "/v1/assets", `/v1/assets/${assetId}`, `/v1/assets/${assetId}/history`, `/v1/members/${w.alice.address}/milestones`]) {
          const r = await request(server.url, method, target);
          expect(r.status, `${method} ${target}`).to.equal(405);
          expect(r.headers.allow).to.equal("GET, HEAD");
          expect(errorOf(r).code).to.equal("method_not_allowed");
        }
      }
      const o = await request(server.url, "OPTIONS", `/v1/assets/${assetId}`);
      expect(o.status).to.equal(204);
      expect(o.headers.allow).to.equal("GET, HEAD");
      const unknown = await request(server.url, "POST", "/v1/nowhere");
      expect(unknown.status).to.equal(404);
      expect(errorOf(unknown).code).to.equal("not_found");
    });

    it("answers HEAD on GET routes with the GET's status and headers and no body", async function () {
      const get = await request(server.url, "GET", `/v1/assets/${assetId}`);
      const head = await request(server.url, "HEAD", `/v1/assets/${assetId}`);
      expect(head.status).to.equal(200);
      expect(head.body).to.equal("");
      expect(head.headers["content-type"]).to.equal(get.headers["content-type"]);
      expect(head.headers["x-indexed-block"]).to.equal(get.headers["x-indexed-block"]);
      expect((await request(server.url, "HEAD", "/v1/assets/999999")).status).to.equal(404);
      expect((await request(server.url, "HEAD", "/v1/health")).status).to.equal(200);
    });

    it("answers an oversized request head with a JSON 431 and malformed HTTP with a JSON 400, and keeps serving", async function () {
      const big = await request(server.url, "GET", "/v1/health", { headers: { cookie: "a".repeat(20_000) } });
      expect(big.status).to.equal(431);
      expect(errorOf(big).code).to.equal("headers_too_large");
      // Raw bytes that are not HTTP.
      const raw = await new Promise<string>((resolve, reject) => {
        const u = new URL(server.url);
        const sock: Socket = net.connect(Number(u.port), u.hostname, () => sock.write("GARBAGE \x01\x02 NOT-HTTP\r\n\r\n"));
        let text = "";
        sock.on("data", (c: Buffer) => (text += c.toString("latin1")));
        sock.on("end", () => resolve(text));
        sock.on("error", reject);
      });
      expect(raw).to.match(/^HTTP\/1\.1 400 /);
      expect(raw).to.contain("application/json");
      expect(S.ErrorBody.parse(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).error.code).to.equal("bad_request");
      expect((await request(server.url, "GET", "/v1/health")).status).to.equal(200);
    });
  });

  describe("health and ready", function () {
    const stub = (patch: Partial<IndexerStatus>) => () => ({ ...server.indexer.status, ...patch });

    it("are 200 on a replica that is caught up, with the state digest", async function () {
      const h = await request(server.url, "GET", "/v1/health");
      expect(h.status).to.equal(200);
      const body = S.Health.parse(JSON.parse(h.body));
      expect(body.serving).to.equal(true);
      expect(body.digest).to.match(/^[0-9a-f]{64}$/);
      const r = await request(server.url, "GET", "/v1/ready");
      expect(r.status).to.equal(200);
      expect(S.Ready.parse(JSON.parse(r.body))).to.deep.include({ ready: true, reason: null });
    });

    it("are 503 when the indexer has halted, with the reason", async function () {
      const base = await variant({ status: stub({ state: "halted", lastError: "reorg deeper than the journal" }) });
      const h = await request(base, "GET", "/v1/health");
      expect(h.status).to.equal(503);
      expect(S.Health.parse(JSON.parse(h.body))).to.deep.include({ status: "halted", serving: false, lastError: "reorg deeper than the journal" });
      const r = await request(base, "GET", "/v1/ready");
      expect(r.status).to.equal(503);
      expect(S.Ready.parse(JSON.parse(r.body)).reason).to.contain("halted");
      // State answers say why, too.
      expect(errorOf(await request(base, "GET", `/v1/assets/${assetId}`)).code).to.equal("index_halted");
    });

    it("ready is 503 while nothing is indexed yet; health stays 200 (not halted, not lagging) and state answers say index_empty", async function () {
      const dir = mkdtempSync(path.join(tmpdir(), "drl-empty-"));
      const empty = await IndexStore.open(dir);
      closers.push(async () => {
        await empty.close();
        rmSync(dir, { recursive: true, force: true });
      });
      const base = await variant({ store: empty, status: stub({ state: "syncing", indexedBlock: null }) });
      const r = await request(base, "GET", "/v1/ready");
      expect(r.status).to.equal(503);
      expect(S.Ready.parse(JSON.parse(r.body))).to.deep.equal({ ready: false, reason: "nothing is indexed yet", indexedBlock: null });
      const h = await request(base, "GET", "/v1/health");
      expect(h.status).to.equal(200);
      expect(S.Health.parse(JSON.parse(h.body)).indexedBlock).to.equal(null);
      const a = await request(base, "GET", `/v1/assets/${assetId}`);
      expect(a.status).to.equal(503);
      expect(errorOf(a).code).to.equal("index_empty");
    });

    it("are 503 when the index lags the head by more than the bound, 200 within it", async function () {
      const indexed = (await server.store.checkpoint())?.number ?? 0;
      const far = await variant({ status: stub({ head: indexed + 11 }), limits: { maxLagBlocks: 10 } });
      const h = await request(far, "GET", "/v1/health");
      expect(h.status).to.equal(503);
      expect(S.Health.parse(JSON.parse(h.body))).to.deep.include({ lag: 11, maxLagBlocks: 10, serving: false });
      expect((await request(far, "GET", "/v1/ready")).status).to.equal(503);
      const near = await variant({ status: stub({ head: indexed + 10 }), limits: { maxLagBlocks: 10 } });
      expect((await request(near, "GET", "/v1/health")).status).to.equal(200);
      expect((await request(near, "GET", "/v1/ready")).status).to.equal(200);
    });
  });

  describe("read-your-writes", function () {
    it("sends X-Indexed-Block equal to the answer's asOfBlock on every state answer", async function () {
      for (const target of [`/v1/assets/${assetId}`, `/v1/assets/${assetId}/history`, "/v1/assets", tradability(false), `/v1/members/${w.alice.address}`, "/v1/health"]) {
        const r = await request(server.url, "GET", target);
        expect(r.status, target).to.equal(200);
        const body = JSON.parse(r.body) as { asOfBlock: number };
        expect(r.headers["x-indexed-block"], target).to.equal(String(body.asOfBlock));
      }
    });

    it("answers 409 behind, with the replica's block, for a minBlock it has not indexed; 400 for a bad minBlock", async function () {
      const indexed = (await server.store.checkpoint())?.number ?? 0;
      for (const target of [`/v1/assets/${assetId}`, `/v1/assets/${assetId}/history`]) {
        const r = await request(server.url, "GET", `${target}?minBlock=${indexed + 1000}`);
        expect(r.status, target).to.equal(409);
        const e = errorOf(r);
        expect(e).to.deep.include({ code: "behind", field: "minBlock", indexedBlock: indexed });
        expect(r.headers["x-indexed-block"]).to.equal(String(indexed));
        expect((await request(server.url, "GET", `${target}?minBlock=${indexed}`)).status).to.equal(200);
      }
      for (const bad of ["abc", "-1", "", "1e3", "1&minBlock=2"]) {
        const r = await request(server.url, "GET", `/v1/assets/${assetId}?minBlock=${bad}`);
        expect(r.status, bad).to.equal(400);
        expect(errorOf(r).field).to.equal("minBlock");
      }
    });

    it("lets a client that just sent a transaction wait for a state that includes it", async function () {
      const load = await generateLoad(w, { assets: 1 });
      const id = load.lastId.toString();
      let answer: Reply | null = null;
      for (let i = 0; i < 500; i++) {
        const r = await request(server.url, "GET", `/v1/assets/${id}?minBlock=${load.toBlock}`);
        expect([200, 409], r.body).to.include(r.status);
        if (r.status === 200) {
          answer = r;
          break;
        }
        await new Promise((res) => setTimeout(res, 20));
      }
      expect(answer, "the replica caught up").to.not.equal(null);
      const asset = S.AssetResponse.parse(JSON.parse(answer?.body ?? "{}"));
      expect(asset.id).to.equal(id);
      expect(asset.asOfBlock).to.be.at.least(load.toBlock);
    });
  });
});
