/**
 * A corpus of hostile requests, each of which the API must refuse with a JSON 4xx: never a
 * 500, never a stack trace, never an HTML page, never an empty body. Path traversal, huge
 * parameters, bad percent-encodings, Unicode look-alikes, injection strings, wrong methods,
 * oversized heads and bodies, impossible dates, bad addresses, refs and hashes, negative and
 * huge numbers, duplicated and nested parameters, bytes that are not HTTP. (The random
 * counterpart is test/api-fuzz.test.ts.) Afterwards the server still answers and the index is
 * unchanged.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import * as S from "../sdk/api/schemas";
import type { AnvilNode } from "./helpers/anvil";
import { generateLoad, startAnvilWorld, type AnvilWorld } from "./helpers/anvil-world";
import { startTestServer, type TestServer } from "./helpers/indexer";

interface Hostile {
  /** What it tries, for the failure message. */
  label: string;
  method?: string;
  target: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Bytes sent as they are on a fresh socket, instead of an HTTP request. */
  raw?: string;
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

function send(base: URL, h: Hostile): Promise<Reply> {
  if (h.raw !== undefined) return sendRaw(base, h.raw);
  return new Promise((resolve, reject) => {
    const headers = { ...(h.body ? { "content-length": String(h.body.length), "content-type": "application/json" } : {}), ...h.headers };
    const req = http.request({ host: base.hostname, port: base.port, method: h.method ?? "GET", path: h.target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(20_000, () => req.destroy(new Error("no answer within 20 s")));
    req.on("error", reject);
    if (h.body) req.write(h.body);
    req.end();
  });
}

function sendRaw(base: URL, bytes: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(base.port), base.hostname, () => sock.write(Buffer.from(bytes, "latin1")));
    let text = "";
    sock.setTimeout(20_000, () => sock.destroy(new Error("no answer within 20 s")));
    sock.on("data", (c: Buffer) => (text += c.toString("utf8")));
    sock.on("end", () => {
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /^content-type:\s*(.*)$/im.exec(head)?.[1] ?? "";
      resolve({ status, contentType, body: rest.join("\r\n\r\n") });
    });
    sock.on("error", reject);
  });
}

/** What is wrong with a reply to a hostile request, or null. */
function problemOf(r: Reply): string | null {
  if (r.status < 400 || r.status > 499) return `status ${r.status} (a 4xx was expected)`;
  if (!r.contentType.includes("application/json")) return `content-type ${r.contentType || "none"} (JSON expected)`;
  if (/<html|<!doctype/i.test(r.body)) return "an HTML body";
  if (/\n\s+at |node_modules|\.ts:\d+/.test(r.body)) return "a stack trace in the body";
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    return `a body that is not JSON: ${r.body.slice(0, 100)}`;
  }
  const e = S.ErrorBody.safeParse(json);
  if (!e.success) return "a body that is not {error:{code,message}}";
  if (e.data.error.message.trim() === "") return "an empty message";
  if (r.status === 400 && !e.data.error.field) return "a 400 that names no field";
  return null;
}

/** Percent-encodes the UTF-8 bytes of `s`, leaving only unreserved characters. */
function pct(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function corpus(w: AnvilWorld, assetId: string, lastBlock: number): Hostile[] {
  const A = w.alice.address;
  const B = w.bob.address;
  const last = A.search(/[a-fA-F][^a-fA-F]*$/);
  const ch = A.charAt(last);
  const badChecksum = A.slice(0, last) + (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()) + A.slice(last + 1);
  const hash = `0x${"ab".repeat(32)}`;
  const injections = [
    "' OR 1=1 --",
    "1; DROP TABLE assets",
    '{"$gt":""}',
    "<script>alert(1)</script>",
    "${jndi:ldap://x/a}",
    "{{7*7}}",
    "; rm -rf /",
    "$(id)",
    "`id`",
    "\r\nSet-Cookie: x=1",
    "\u0000",
    "__proto__",
  ];
  const list: Hostile[] = [];
  const add = (label: string, target: string, extra: Omit<Hostile, "label" | "target"> = {}) => list.push({ label, target, ...extra });

  // ── Bad refs, on every route that takes one ──
  const badRefs = [
    ["parent directory", ".."],
    ["encoded parent directory", "%2e%2e"],
    ["traversal to /etc/passwd", "..%2F..%2Fetc%2Fpasswd"],
    ["backslash traversal", "..%5C..%5Cwindows"],
    ["NUL byte", "%00"],
    ["zero", "0"],
    ["negative", "-1"],
    ["leading zero", "01"],
    ["decimal point", "1.0"],
    ["exponent", "1e3"],
    ["hex number", "0x10"],
    ["bare 0x", "0x"],
    ["non-hex hash", `0x${"g".repeat(64)}`],
    ["short hash", `0x${"a".repeat(63)}`],
    ["long hash", `0x${"a".repeat(65)}`],
    ["21 digits", "9".repeat(21)],
    ["wrong check digit", "DR-2026-440300-1-0000999999-0"],
    ["truncated registration number", "DR-2026"],
    ["lower-case registration number", "dr-2026-440300-1-0000999999-6"],
    ["fullwidth digits", pct("１２３")],
    ["Arabic-Indic digits", pct("٣")],
    ["zero-width space", pct("1\u200b")],
    ["emoji", pct("🦄")],
    ["right-to-left override", pct("\u202e1")],
    ["truncated UTF-8", "%E0%A4%A"],
    ["overlong UTF-8 slash", "%C0%AF"],
    ["UTF-16 surrogate", "%ED%A0%80"],
    ["invalid byte", "%FF"],
    ["bare percent", "%"],
    ["5000 digits", "9".repeat(5_000)],
    ...injections.map((s) => [`injection ${JSON.stringify(s)}`, pct(s)]),
  ] as const;
  const refRoutes = [
    (r: string) => `/v1/assets/${r}`,
    (r: string) => `/v1/assets/${r}/history`,
    (r: string) => `/v1/assets/${r}/lineage`,
    (r: string) => `/v1/assets/${r}/licenses`,
    (r: string) => `/v1/assets/${r}/holder?atBlock=1`,
    (r: string) => `/v1/assets/${r}/tradability?buyer=${B}`,
  ];
  for (const [label, ref] of badRefs) for (const route of refRoutes) add(`ref: ${label}`, route(ref));

  // ── Bad addresses, in the path and in parameters ──
  const badAddresses = [
    ["too short", "0x1234"],
    ["non-hex", `0x${"g".repeat(40)}`],
    ["one digit short", A.slice(0, -1)],
    ["one digit long", `${A}0`],
    ["wrong checksum", badChecksum],
    ["no 0x", A.slice(2)],
    ["leading space", pct(` ${A}`)],
    ["trailing space", pct(`${A} `)],
    ["fullwidth", pct(`0x${"Ａ".repeat(40)}`)],
    ["upper-case 0X", `0X${A.slice(2)}`],
    ["SQL injection", pct("' OR '1'='1")],
    ["NUL byte", "%00"],
  ] as const;
  for (const [label, a] of badAddresses) {
    add(`member: ${label}`, `/v1/members/${a}`);
    add(`member assets: ${label}`, `/v1/members/${a}/assets`);
    add(`member milestones: ${label}`, `/v1/members/${a}/milestones`);
    add(`buyer: ${label}`, `/v1/assets/${assetId}/tradability?buyer=${a}`);
    add(`seller: ${label}`, `/v1/assets/${assetId}/tradability?buyer=${B}&seller=${a}`);
    add(`evidence anchorer: ${label}`, `/v1/evidence/${hash}?anchorer=${a}`);
  }
  // Addresses that are well-formed but not members: 404 for the member and both its lists.
  for (const a of [w.outsider.address, `0x${"00".repeat(20)}`]) {
    add("not a member", `/v1/members/${a}`);
    add("not a member's assets", `/v1/members/${a}/assets`);
    add("not a member's milestones", `/v1/members/${a}/milestones`);
  }

  // ── Negative, huge and malformed numbers ──
  const badLimits = ["-1", "0", "201", "1e3", "0x10", "NaN", "Infinity", "99999999999999999999", "%205", "5%20", "1.5", "", "%00"];
  for (const l of badLimits) {
    add(`limit=${l}`, `/v1/assets/${assetId}/history?limit=${l}`);
    add(`limit=${l}`, `/v1/members/${A}/assets?limit=${l}`);
    add(`limit=${l}`, `/v1/members/${A}/milestones?limit=${l}`);
  }
  for (const b of ["-1", "1e3", "0x10", "", "abc", "9007199254740993", String(lastBlock + 1_000_000), "%2B1", "1.5"]) add(`atBlock=${b}`, `/v1/assets/${assetId}/holder?atBlock=${b}`);
  add("atBlock missing", `/v1/assets/${assetId}/holder`);
  for (const id of ["0", "-1", "abc", "1e3", "1.5", "%20", "18446744073709551616", "9".repeat(30), pct("１")]) add(`licence id ${id.slice(0, 20)}`, `/v1/licenses/${id}`);
  for (const c of ["!!!", "A".repeat(201), "%00", pct("a b"), pct("../"), pct("é")]) {
    add(`cursor ${c.slice(0, 20)}`, `/v1/assets/${assetId}/history?cursor=${c}`);
    add(`cursor ${c.slice(0, 20)}`, `/v1/members/${A}/milestones?cursor=${c}`);
  }

  // ── Dates ──
  const badDates = [
    "2026-02-30",
    "2025-02-29",
    "2026-13-01",
    "2026-00-10",
    "2026-01-32",
    "2026-04-31",
    "2026-01-01T25:00Z",
    "2026-01-01T10:61",
    "2026-01-01T10:00:60Z",
    "2026-01-01T00:00:00%2B15:00",
    "2026-1-1",
    "26-01-01",
    "yesterday",
    "1e9",
    "-1",
    "9999999999999",
    "1960-01-01",
    "%2B275760-09-13T00:00:00.000Z",
    pct("Tue, 01 Jan 2030 00:00:00 GMT"),
    pct("２０２６-01-01"),
  ];
  for (const d of badDates) {
    add(`from=${d}`, `/v1/members/${A}/milestones?from=${d}`);
    add(`to=${d}`, `/v1/members/${A}/milestones?to=${d}`);
  }
  add("from after to", `/v1/members/${A}/milestones?from=2026-05-02&to=2026-05-01`);

  // ── Evidence ──
  for (const [label, h] of [
    ["short", "0x1234"],
    ["non-hex", `0x${"z".repeat(64)}`],
    ["no 0x", "ab".repeat(32)],
    ["traversal", "..%2F..%2Fetc"],
    ["huge", `0x${"a".repeat(5000)}`],
  ] as const) {
    add(`evidence hash ${label}`, `/v1/evidence/${h}`);
  }
  add("proof without root", `/v1/evidence/${hash}?proof=${hash}`);
  add("empty proof without root", `/v1/evidence/${hash}?proof=`);
  add("proof with a bad item", `/v1/evidence/${hash}?root=${hash}&proof=${hash},zz`);
  add("proof of 65 hashes", `/v1/evidence/${hash}?root=${hash}&proof=${Array.from({ length: 65 }, () => hash).join(",")}`);
  add("bad root", `/v1/evidence/${hash}?root=0x1234&proof=${hash}`);
  add("root twice", `/v1/evidence/${hash}?root=${hash}&root=${hash}`);

  // ── Tradability parameters ──
  for (const q of ["rights=ownership", "territory=moon", "sublicense=yes", "confirm=yes", "confirm=chain&confirm=chain", "sublicense=true", "rights=HOLDING", `buyer=${B}`]) {
    add(`tradability ${q}`, `/v1/assets/${assetId}/tradability?buyer=${B}&${q}`);
  }
  add("tradability without buyer", `/v1/assets/${assetId}/tradability`);

  // ── Duplicated, nested and unknown parameters ──
  for (const q of ["limit=1&limit=2", "limit[]=1", "limit[0]=1", "a[b]=c", "__proto__=1", "constructor[prototype]=x", "colour=red", "=1", "LIMIT=5", `${"k".repeat(3000)}=1`]) {
    add(`query ${q.slice(0, 30)}`, `/v1/assets/${assetId}/history?${q}`);
    add(`query ${q.slice(0, 30)}`, `/v1/members/${A}/milestones?${q}`);
  }
  for (const m of ["abc", "-1", "1e3", "", "1&minBlock=2", "99999999999999999", String(10 ** 15 - 1)]) add(`minBlock=${m}`, `/v1/assets/${assetId}?minBlock=${m}`);

  // ── Huge parameters ──
  add("q of 10,000 characters", `/v1/assets?q=${"x".repeat(10_000)}`);
  add("limit of 5,000 digits", `/v1/assets/${assetId}/history?limit=${"9".repeat(5_000)}`);
  add("buyer of 10,000 characters", `/v1/assets/${assetId}/tradability?buyer=0x${"a".repeat(10_000)}`);

  // ── Unknown paths and traversal outside the API ──
  for (const p of [
    "/metrics",
    "/v1/metrics",
    "/admin",
    "/.env",
    "/.git/config",
    "/server-status",
    "/wp-login.php",
    "/v1/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/v1/assets/1/history/extra",
    "/v2/assets",
    "/v1",
    `/v1/${pct("ассеты")}`,
    "/favicon.ico",
  ]) {
    add(`unknown path ${p}`, p);
  }

  // ── Wrong methods ──
  const routes = ["/v1/health", "/v1/ready", "/v1/assets", `/v1/assets/${assetId}`, `/v1/assets/${assetId}/history`, `/v1/assets/${assetId}/tradability?buyer=${B}`, `/v1/members/${A}`, `/v1/evidence/${hash}`];
  for (const method of ["POST", "PUT", "DELETE", "PATCH", "TRACE"]) for (const r of routes) add(`${method} on a GET route`, r, { method });
  add("POST to an unknown path", "/v1/nowhere", { method: "POST" });

  // ── Oversized heads and bodies ──
  add("a 20 KB cookie", "/v1/health", { headers: { cookie: "a".repeat(20_000) } });
  add("a 20 KB header name", "/v1/health", { headers: { [`x-${"a".repeat(20_000)}`]: "1" } });
  add("500 headers of 50 bytes", "/v1/health", { headers: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-h${i}`, "v".repeat(50)])) });
  add("a 20 KB request line", `/v1/assets/${"9".repeat(20_000)}`);
  add("a 64 KB body on a POST", "/v1/assets", { method: "POST", body: Buffer.alloc(64 * 1024, "a") });
  add("a 64 KB body on a GET", `/v1/assets/${assetId}`, { body: Buffer.alloc(64 * 1024, "{") });
  add("a 1 MB body on an unknown path", "/nowhere", { method: "PUT", body: Buffer.alloc(1024 * 1024, "a") });

  // ── Bytes that are not HTTP ──
  for (const [label, raw] of [
    ["an unknown method", "FOO /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["a bad HTTP version", "GET /v1/health HTTP/9.9\r\nHost: x\r\n\r\n"],
    ["a header without a colon", "GET /v1/health HTTP/1.1\r\nHost x\r\n\r\n"],
    ["raw UTF-8 in the path", "GET /v1/assets/\xe4\xb8\xad HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["a NUL in the path", "GET /v1/\x00health HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["garbage", "\x01\x02\x03 not http\r\n\r\n"],
    ["two content-lengths", "GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"],
    ["content-length and chunked", "POST /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
  ] as const) {
    list.push({ label: `not HTTP: ${label}`, target: "", raw });
  }
  return list;
}

describe("API: a corpus of hostile requests, each refused with a JSON 4xx (Anvil)", function () {
  this.timeout(180_000);
  let tmp: string;
  let node: AnvilNode;
  let w: AnvilWorld;
  let server: TestServer;
  let assetId: string;
  let lastBlock: number;

  before(async function () {
    tmp = mkdtempSync(path.join(tmpdir(), "drl-hostile-"));
    ({ node, w } = await startAnvilWorld(path.join(tmp, "deployment.json")));
    const load = await generateLoad(w, { assets: 3, register: 2 });
    assetId = load.firstId.toString();
    server = await startTestServer(node.url, w.deploymentFile, { DRL_RATE_LIMIT: "0", DRL_CONFIRM_RATE_LIMIT: "0" });
    lastBlock = await server.caughtUp();
  });

  after(async function () {
    await server?.destroy();
    await node?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("holds at least 300 requests, and answers every one with a JSON 4xx error body (no 500, no stack trace, no HTML)", async function () {
    const before = (await server.store.canonicalDump()).sha256;
    const list = corpus(w, assetId, lastBlock);
    expect(list.length).to.be.at.least(300);
    const base = new URL(server.url);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (const h of list) {
      let r: Reply;
      try {
        r = await send(base, h);
      } catch (e) {
        problems.push(`${h.label}: ${h.method ?? "GET"} ${h.target.slice(0, 120)} → no answer (${e instanceof Error ? e.message : String(e)})`);
        continue;
      }
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      const p = problemOf(r);
      if (p) problems.push(`${h.label}: ${h.method ?? "GET"} ${(h.raw ?? h.target).slice(0, 120)} → ${r.status} ${r.body.slice(0, 160)}\n    ${p}`);
    }
    console.log(`      ${list.length} hostile requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    if (problems.length > 0) expect.fail(`${problems.length} of ${list.length} hostile requests were not refused cleanly:\n\n${problems.join("\n\n")}\n`);
    // The corpus reaches every kind of refusal.
    for (const s of [400, 404, 405, 409, 413, 431]) expect(statuses.get(s) ?? 0, `answers with ${s}: ${JSON.stringify(Object.fromEntries(statuses))}`).to.be.greaterThan(0);
    // Still serving, and no request changed the index.
    expect((await send(base, { label: "health", target: "/v1/health" })).status).to.equal(200);
    expect((await server.store.canonicalDump()).sha256).to.equal(before);
  });
});
