/**
 * Hostile input: the provenance API under random and malicious requests. A real Anvil node
 * carries the scripted scenario; the server runs in-process and has indexed all of it. Every
 * answer must be 200, 400 or 404; a 400 must name the field at fault, a 404 must say not_found,
 * and a 200 must parse with the response schema that the SDK client uses.
 *
 * The property prints its seed; `DRL_FUZZ_SEED=<seed>` reruns exactly that sequence
 * (`DRL_FUZZ_RUNS=<n>` changes the number of runs, at least 300).
 */
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { id as keccakId } from "ethers";
import type { z } from "zod";
import { ServerConfigSchema } from "../server/config";
import { startServer, type RunningServer } from "../server/server";
import * as S from "../sdk/api/schemas";
import { ASSET_KIND, ASSET_STATUS, DATA_CATEGORY, RIGHTS, SECURITY_GRADE, TERRITORY } from "../sdk/api/enums";
import type { AnvilNode } from "./helpers/anvil";
import { runScenario, startAnvilWorld, type AnvilWorld, type ScenarioResult } from "./helpers/anvil-world";

// ─── Seed and size ──────────────────────────────────────────────────────────────────────

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, not ${JSON.stringify(raw)}`);
  return n;
}
const SEED = intFromEnv("DRL_FUZZ_SEED", Date.now() % 2 ** 31);
const RUNS = Math.max(300, intFromEnv("DRL_FUZZ_RUNS", 400));
/** Longest request-target sent by the property (Node answers 431 past 16 KB of request head). */
const MAX_TARGET = 12_000;

// ─── Routes and what a 200 must look like ───────────────────────────────────────────────

type Endpoint =
  | "health"
  | "assets"
  | "asset"
  | "history"
  | "lineage"
  | "licenses"
  | "holder"
  | "tradability"
  | "license"
  | "member"
  | "memberAssets"
  | "milestones"
  | "evidence"
  | "openapi"
  | "portal"
  | "ready";

const RESPONSE: Record<Exclude<Endpoint, "openapi" | "portal">, z.ZodType> = {
  health: S.Health,
  ready: S.Ready,
  assets: S.AssetList,
  asset: S.AssetResponse,
  history: S.History,
  lineage: S.Lineage,
  licenses: S.AssetLicenses,
  holder: S.HolderAt,
  tradability: S.Tradability,
  license: S.LicenseResponse,
  member: S.Member,
  memberAssets: S.MemberAssets,
  milestones: S.MemberMilestones,
  evidence: S.Evidence,
};

/**
 * The route Express will match for a raw request path, or null for none (→ 404). Express
 * matches literal segments case-insensitively on the raw (still percent-encoded) path, a
 * parameter is one non-empty segment, and one trailing slash is allowed.
 */
function routeOf(raw: string): Endpoint | null {
  const q = raw.indexOf("?");
  let p = q >= 0 ? raw.slice(0, q) : raw;
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  if (!p.startsWith("/")) return null;
  const seg = p.slice(1).split("/");
  const lit = (i: number, s: string) => seg[i]?.toLowerCase() === s;
  const param = (i: number) => (seg[i] ?? "") !== "";
  // The web portal's page is the root itself (its files live under /assets/, which no target here names).
  if (p === "/") return "portal";
  // /metrics is on the admin listener only: on the public API it is an unknown path.
  if (!lit(0, "v1")) return null;
  if (seg.length === 2) return lit(1, "health") ? "health" : lit(1, "ready") ? "ready" : lit(1, "assets") ? "assets" : lit(1, "openapi.json") ? "openapi" : null;
  if (!param(2)) return null;
  if (seg.length === 3) return lit(1, "assets") ? "asset" : lit(1, "licenses") ? "license" : lit(1, "members") ? "member" : lit(1, "evidence") ? "evidence" : null;
  if (seg.length !== 4) return null;
  if (lit(1, "assets")) {
    const sub: Record<string, Endpoint> = { history: "history", lineage: "lineage", licenses: "licenses", holder: "holder", tradability: "tradability" };
    return sub[seg[3]?.toLowerCase() ?? ""] ?? null;
  }
  if (lit(1, "members")) return lit(3, "assets") ? "memberAssets" : lit(3, "milestones") ? "milestones" : null;
  return null;
}

// ─── Raw HTTP ───────────────────────────────────────────────────────────────────────────

interface RawReply {
  status: number;
  contentType: string;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** GET with the request-target sent byte for byte (no URL normalisation, no re-encoding). */
function rawGet(base: URL, target: string, timeoutMs = 10_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path: target, method: "GET", agent, headers: { accept: "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to GET ${target.slice(0, 200)} within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** Percent-encodes the UTF-8 bytes of `s`, leaving only RFC 3986 unreserved characters. */
function pct(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** What is wrong with an answer, or null. */
function violation(target: string, r: RawReply): string | null {
  const ep = routeOf(target);
  let json: unknown;
  let isJson = false;
  try {
    json = JSON.parse(r.body);
    isJson = true;
  } catch {
    // not JSON
  }
  if (![200, 400, 404].includes(r.status)) return `status ${r.status} (only 200, 400 and 404 are allowed)`;
  if (ep === null && r.status !== 404) return `no route matches, yet the status is ${r.status} (expected 404)`;
  if (ep === "portal") {
    // The portal's HTML page, whatever the query (the pages read their own state from the hash).
    if (r.status !== 200 || !r.contentType.includes("text/html") || !r.body.includes('<div id="app">')) return `the portal's page should be 200 text/html (got ${r.status} ${r.contentType})`;
    return null;
  }
  if (r.status === 200) {
    if (!r.contentType.includes("application/json") || !isJson) return `200 without a JSON body (content-type ${r.contentType})`;
    if (ep === "openapi") {
      const doc = json as { openapi?: unknown; paths?: unknown };
      return typeof doc.openapi === "string" && typeof doc.paths === "object" ? null : "openapi.json is not an OpenAPI document";
    }
    if (ep === null) return "200 on an unknown path";
    const parsed = RESPONSE[ep].safeParse(json);
    if (parsed.success) return null;
    const issue = parsed.error.issues[0];
    return `200 body does not match the ${ep} response schema: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? ""} (input ${JSON.stringify(issue && "input" in issue ? issue.input : undefined)})`;
  }
  if (!r.contentType.includes("application/json") || !isJson) return `${r.status} without a JSON body (content-type ${r.contentType || "none"})`;
  const e = S.ErrorBody.safeParse(json);
  if (!e.success) return `${r.status} body is not {error:{code,message,field?}}`;
  if (e.data.error.message.trim() === "") return `${r.status} with an empty message`;
  if (r.status === 404) return e.data.error.code === "not_found" ? null : `404 with code ${e.data.error.code} (expected not_found)`;
  if (e.data.error.code !== "bad_request") return `400 with code ${e.data.error.code} (expected bad_request)`;
  if (typeof e.data.error.field !== "string" || e.data.error.field.trim() === "") return "400 that does not name the field at fault (error.field missing or empty)";
  return null;
}

// ─── The suite ──────────────────────────────────────────────────────────────────────────

describe("API: hostile input (fast-check against the in-process server on Anvil)", function () {
  let root: string;
  let node: AnvilNode;
  let w: AnvilWorld;
  let s: ScenarioResult;
  let server: RunningServer;
  let base: URL;
  const logs: string[] = [];
  let dumpBefore: string;
  const statusCounts = new Map<number, number>();

  // Valid values from the scenario (filled in `before`).
  const V = {
    refs: [] as string[],
    licenseIds: [] as string[],
    addresses: [] as string[],
    hashes: [] as string[],
    proof: [] as string[],
    leaf: "",
    root: "",
    cursors: [] as string[],
    times: [] as number[],
    toBlock: 0,
  };

  before(async function () {
    root = mkdtempSync(path.join(tmpdir(), "drl-fuzz-"));
    ({ node, w } = await startAnvilWorld(path.join(root, "deployment.json")));
    s = await runScenario(w);
    const config = ServerConfigSchema.parse({
      DRL_RPC_URL: node.url,
      DRL_DEPLOYMENT: w.deploymentFile,
      DRL_INDEX_DIR: path.join(root, "index"),
      DRL_API_HOST: "127.0.0.1",
      DRL_API_PORT: 0,
      DRL_POLL_MS: 20,
      // The property sends thousands of requests from one client: no rate limits here (test/api-safety.test.ts tests them).
      DRL_RATE_LIMIT: 0,
      DRL_CONFIRM_RATE_LIMIT: 0,
    });
    server = await startServer(config, { log: (m) => logs.push(m) });
    await server.indexer.waitForBlock(s.toBlock);
    base = new URL(server.url);

    const ids = [...new Set([...Object.values(s.assets).flat()].map(String))];
    V.refs = [
      ...ids,
      ...Object.values(s.registrationNumbers).filter((x): x is string => typeof x === "string"),
      ...Object.values(s.contentHashes),
      ...Object.values(s.contentHashes).map((x) => `0x${x.slice(2).toUpperCase()}`),
    ];
    V.licenseIds = [...new Set(Object.values(s.licenseIds).map(String))];
    const people = [w.alice, w.bob, w.carol, w.dave, w.outsider, w.registrar, w.exchange, w.court].map((x) => x.address);
    V.addresses = [...people, s.members.erin, s.members.erinNew, ...people.map((a) => a.toLowerCase()), `0x${people[0]?.slice(2).toUpperCase() ?? ""}`];
    V.root = s.evidence.root;
    V.leaf = s.evidence.leaf;
    V.proof = s.evidence.proof;
    V.hashes = [s.evidence.root, s.evidence.leaf, s.evidence.revokedRoot, s.evidence.manifestHash, ...s.evidence.items, ...Object.values(s.contentHashes)];
    V.times = [s.endTimestamp, s.endTimestamp - 86_400 * 30, s.endTimestamp + 86_400];
    V.toBlock = s.toBlock;
    // Real cursors, one per kind of page.
    const cursorOf = async (p: string) => {
      const r = await rawGet(base, p);
      const c = (JSON.parse(r.body) as { nextCursor?: unknown }).nextCursor;
      if (typeof c !== "string") throw new Error(`no next page for ${p}: ${r.body.slice(0, 200)}`);
      return c;
    };
    V.cursors = [
      await cursorOf("/v1/assets?limit=1"),
      await cursorOf(`/v1/assets/${s.assets.registered}/history?limit=1`),
      await cursorOf(`/v1/members/${w.alice.address}/assets?limit=1`),
      await cursorOf(`/v1/members/${w.alice.address}/milestones?limit=1`),
    ];
    dumpBefore = (await server.store.canonicalDump()).sha256;
  });

  after(async function () {
    console.log(`      api-fuzz seed ${SEED}, ${RUNS} runs (rerun with DRL_FUZZ_SEED=${SEED}); statuses ${JSON.stringify(Object.fromEntries(statusCounts))}`);
    agent.destroy();
    await server?.close();
    await node?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function probe(target: string): Promise<{ reply: RawReply; problem: string | null }> {
    const reply = await rawGet(base, target);
    statusCounts.set(reply.status, (statusCounts.get(reply.status) ?? 0) + 1);
    let problem = violation(target, reply);
    if (problem && reply.status === 500) {
      // The server logs the stack of an unexpected error: its message and the first frame in our code.
      const lines = (logs.filter((l) => l.startsWith("unexpected error")).at(-1) ?? "").split("\n");
      const frame = lines.find((l) => /\/(server|sdk)\//.test(l) && !l.includes("node_modules"))?.trim();
      if (lines[0]) problem += `\n    server log: ${lines[0]}${frame ? ` ${frame}` : ""}`;
    }
    return { reply, problem };
  }

  const describeFailure = (target: string, reply: RawReply, problem: string) =>
    `GET ${target.length > 300 ? `${target.slice(0, 300)}… (${target.length} chars)` : target}\n    → ${reply.status} ${reply.body.slice(0, 300)}\n    ${problem}`;

  // ─── Known hostile requests ───────────────────────────────────────────────────────────

  it("answers a table of known hostile requests with 200/400/404 and well-formed bodies", async function () {
    const a = w.alice.address;
    const id = String(s.assets.registered);
    // alice's checksummed address with the case of its last letter flipped: a wrong checksum.
    const last = a.search(/[a-fA-F][^a-fA-F]*$/);
    const ch = a.charAt(last);
    const badChecksum = a.slice(0, last) + (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()) + a.slice(last + 1);
    expect(badChecksum.toLowerCase()).to.equal(a.toLowerCase());
    expect(badChecksum).to.not.equal(a);
    const flipped = `0x${a
      .slice(2)
      .split("")
      .map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase()))
      .join("")}`;
    const targets = [
      // invalid percent-encodings in a route parameter
      "/v1/assets/%E0%A4%A",
      "/v1/assets/%E0%A4%A/history",
      "/v1/assets/%ZZ/holder?atBlock=1",
      `/v1/members/%/assets`,
      "/v1/licenses/%C0%AF",
      "/v1/evidence/%E0%A4",
      // mixed-case addresses with a wrong checksum (the schema accepts any case)
      `/v1/members/${badChecksum}`,
      `/v1/members/${badChecksum}/assets`,
      `/v1/members/${badChecksum}/milestones`,
      `/v1/members/${flipped}/milestones`,
      `/v1/assets/${id}/tradability?buyer=${badChecksum}`,
      `/v1/assets/${id}/tradability?buyer=${badChecksum}&rights=processing&confirm=chain`,
      `/v1/assets/${id}/tradability?buyer=${w.bob.address}&seller=${flipped}`,
      // the new parameters: sublicence (licences only) and the evidence anchorer
      `/v1/assets/${id}/tradability?buyer=${w.bob.address}&sublicense=true`,
      `/v1/assets/${id}/tradability?buyer=${w.bob.address}&rights=operation&sublicense=yes`,
      `/v1/assets/${id}/tradability?buyer=${w.bob.address}&rights=operation&sublicense=true&sublicense=false`,
      `/v1/evidence/${V.root}?anchorer=${badChecksum}`,
      `/v1/evidence/${V.root}?anchorer=0x1234`,
      `/v1/assets?holder=${flipped}`,
      // dates before 1970
      `/v1/members/${a}/milestones?from=1960-01-01`,
      `/v1/members/${a}/milestones?to=1969-12-31T23:59:59Z`,
      `/v1/members/${a}/milestones?from=-000001-01-01T00:00:00Z`,
      // odd but valid-looking numbers and dates
      `/v1/members/${a}/milestones?from=-1`,
      `/v1/members/${a}/milestones?from=%2B275760-09-13T00:00:00.000Z`,
      `/v1/members/${a}/milestones?from=9999999999999`,
      `/v1/assets/${id}/holder?atBlock=`,
      `/v1/assets/${id}/holder?atBlock=0x10`,
      `/v1/assets/${id}/holder?atBlock=1e3`,
      `/v1/assets/${id}/holder?atBlock=9007199254740993`,
      `/v1/assets/${id}/holder?atBlock=-1`,
      `/v1/assets/${id}/holder?atBlock=${V.toBlock + 1_000_000}`,
      "/v1/assets?limit=1&limit=2",
      "/v1/assets?limit=0",
      "/v1/assets?limit=201",
      "/v1/assets?limit=1e3",
      "/v1/assets?limit=NaN",
      "/v1/assets?a[b]=c",
      "/v1/assets?limit[]=1",
      "/v1/assets?__proto__=1",
      "/v1/assets?constructor=1",
      "/v1/assets?&&&",
      "/v1/assets?=",
      "/v1/assets?limit",
      `/v1/assets?cursor=${V.cursors[1] ?? ""}`,
      "/v1/assets?cursor=!!!",
      `/v1/assets?cursor=${"A".repeat(201)}`,
      "/v1/assets?q=",
      `/v1/assets?q=${"x".repeat(101)}`,
      `/v1/evidence/${V.leaf}?proof=${V.proof.join(",")}`,
      `/v1/evidence/${V.leaf}?proof=${V.proof.join(",")},zz`,
      `/v1/evidence/${V.leaf}?proof=`,
      `/v1/evidence/${V.leaf}?proof=,`,
      `/v1/evidence/${V.leaf}?root=${V.root}&proof=${Array.from({ length: 65 }, () => V.root).join(",")}`,
      `/v1/evidence/${V.leaf}?root=0x1234`,
      // path traversal and unknown paths
      "/v1/assets/..",
      "/v1/assets/%2e%2e/%2e%2e/metrics",
      "/v1/assets/..%2F..%2Fetc%2Fpasswd",
      "/v1/assets/1%2Fhistory",
      "/v1/../metrics",
      "/v1/assets/1/history/extra",
      "/v1/nope",
      "/v2/assets",
      "/",
      "/V1/HEALTH",
      "/v1/assets/",
      // huge, negative and malformed ids
      "/v1/assets/18446744073709551615",
      "/v1/assets/18446744073709551616",
      "/v1/assets/99999999999999999999",
      "/v1/assets/100000000000000000000",
      "/v1/assets/-1",
      "/v1/assets/0",
      "/v1/licenses/18446744073709551616",
      "/v1/licenses/0",
      "/v1/licenses/abc",
      "/v1/licenses/1e3",
      "/v1/licenses/1.5",
      "/v1/licenses/%20",
      `/v1/assets/0x${"a".repeat(63)}`,
      `/v1/assets/0x${"a".repeat(65)}`,
      `/v1/evidence/0x${"g".repeat(64)}`,
      `/v1/assets/${pct("中文🦄\u202e")}`,
      `/v1/assets/${"9".repeat(6000)}`,
      // confirm=chain on every asset, both kinds of rights
      ...V.refs.slice(0, 14).flatMap((ref) => [
        `/v1/assets/${ref}/tradability?buyer=${w.carol.address}&confirm=chain`,
        `/v1/assets/${ref}/tradability?buyer=${w.dave.address}&rights=processing&territory=crossBorder&confirm=chain`,
      ]),
    ];
    const problems: string[] = [];
    for (const t of targets) {
      const { reply, problem } = await probe(t);
      if (problem) problems.push(describeFailure(t, reply, problem));
    }
    if (problems.length > 0) expect.fail(`${problems.length} of ${targets.length} requests broke the API's contract:\n\n${problems.join("\n\n")}\n`);
  });

  // ─── The property ─────────────────────────────────────────────────────────────────────

  it(`answers random and hostile requests to every endpoint with 200/400/404 and well-formed bodies (≥ ${RUNS} runs)`, async function () {
    this.timeout(300_000);
    console.log(`      api-fuzz seed ${SEED} (rerun with DRL_FUZZ_SEED=${SEED})`);

    // Strings, decoded (they get percent-encoded before use).
    const HEX = "0123456789abcdefABCDEF".split("");
    const hostileText: fc.Arbitrary<string> = fc.oneof(
      fc.constantFrom(
        "", " ", "0", "-0", "-1", "+1", "00", "01", " 1", "1 ", "1.0", "1.5", "1e3", "1e400", "NaN", "Infinity", "-Infinity",
        "0x10", "0b1", "0o7", "true", "null", "undefined", "[]", "{}", "[object Object]", "__proto__", "constructor", "toString",
        ".", "..", "../..", "../../etc/passwd", "..\\..\\windows", "%", "%%", "%ZZ", "\u0000", "\n", "\r\n", "\t", "é", "中文", "🦄",
        "\u202e", "\ufeff", "\ud800", "DR-", "DR-2026-440300-1-0000000001-5x", "0x", "0X" + "a".repeat(40), "<script>alert(1)</script>",
        "' OR 1=1 --", "${jndi:ldap://x/a}", "a,b,c", "18446744073709551615", "18446744073709551616", "9007199254740993",
      ),
      fc.bigInt({ min: 2n ** 64n - 3n, max: 10n ** 40n }).map(String),
      fc.bigInt({ min: -(10n ** 30n), max: -1n }).map(String),
      fc.integer().map(String),
      fc.double().map(String),
      fc.integer({ min: 0, max: 130 }).chain((n) => fc.string({ unit: fc.constantFrom(...HEX), minLength: n, maxLength: n }).map((x) => `0x${x}`)),
      fc.string({ unit: "binary", maxLength: 24 }),
      fc.string({ unit: "grapheme", maxLength: 8 }),
      fc.tuple(fc.constantFrom("9", "a", "é", "%", "0x", ","), fc.integer({ min: 100, max: 1500 })).map(([c, n]) => c.repeat(n)),
    );
    // Tokens used as they are in the URL (broken encodings, raw reserved characters).
    const rawToken: fc.Arbitrary<string> = fc.oneof(
      fc.constantFrom(
        "%E0%A4%A", "%E0%A4", "%", "%%", "%G0", "%ZZ", "%2", "%C0%AF", "%C0%80", "%ED%A0%80", "%FF%FE", "%00", "%0A", "%2F", "%2f", "%5C",
        "%2e%2e", "%2E%2E%2F", "..", ".", "...", "%u0041", "%252F", "+", "%20", "~", "!$'()*,;:@", "%F0%9F%A6%84", "%EF%BB%BF",
      ),
      fc.string({ unit: fc.constantFrom(..."abcXYZ019-._~%!$'()*+,;:@".split("")), maxLength: 40 }),
    );
    const hostile: fc.Arbitrary<string> = fc.oneof({ weight: 3, arbitrary: hostileText.map(pct) }, { weight: 1, arbitrary: rawToken });
    const encoded = (a: fc.Arbitrary<string>) => a.map(pct);

    // Valid values (decoded).
    const validRef = fc.constantFrom(...V.refs, "999", "18446744073709551615", `0x${"ab".repeat(32)}`, "DR-2026-440300-1-0000000099-8", "DR-2026-440300-1-0000000099-5");
    const validAddress = fc.oneof(fc.constantFrom(...V.addresses), fc.constant(keccakId("fuzz:not-a-member").slice(0, 42)));
    const caseMangledAddress = fc.tuple(fc.constantFrom(...V.addresses), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 })).map(
      ([a, flips]) => `0x${a.slice(2).split("").map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join("")}`,
    );
    const address = fc.oneof({ weight: 4, arbitrary: validAddress }, { weight: 1, arbitrary: caseMangledAddress });
    const hash32 = fc.oneof(fc.constantFrom(...V.hashes), fc.constant(keccakId("fuzz:unknown-hash")), fc.constantFrom(...V.hashes).map((x) => x.toUpperCase().replace("0X", "0x")));
    const limit = fc.oneof(fc.integer({ min: 1, max: 200 }).map(String), fc.constantFrom("0", "201", "1e3", "NaN", "-1", "1.5", "", " 5", "0x10", "Infinity", "2e2"));
    const cursor = fc.oneof(
      fc.constantFrom(...V.cursors),
      fc.string({ unit: fc.constantFrom(..."ABCxyz019-_".split("")), minLength: 1, maxLength: 60 }),
      fc.constantFrom("!!!", "a b", "A".repeat(201), "YTo", "bXM6", "aDo"),
    );
    const atBlock = fc.oneof(
      fc.integer({ min: 0, max: V.toBlock }).map(String),
      fc.constantFrom(String(V.toBlock + 1), "1000000000000", "9007199254740991", "9007199254740992", "-1", "1.5", "abc", "", " ", "0x10", "1e3", "Infinity"),
    );
    const time = fc.oneof(
      fc.constantFrom(...V.times).map(String),
      fc.integer({ min: 0, max: 2 ** 40 }).map(String),
      fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.date({ min: new Date("1971-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom(
        "2026-05-01", "2026-05-01T00:00:00+08:00", "Tue, 01 Jan 2030 00:00:00 GMT", "1960-01-01", "0", "-1", "9999999999999", "1e9",
        "yesterday", "", "+275760-09-13T00:00:00.000Z", "-000001-01-01T00:00:00Z", "2026-13-45", "2026-02-30", "1.5",
      ),
    );
    const proof = fc.oneof(
      fc.constant(V.proof.join(",")),
      fc.constant(""),
      fc.array(hash32, { maxLength: 8 }).map((xs) => xs.join(",")),
      fc.tuple(fc.constant(V.proof), fc.nat({ max: 20 }), hostileText).map(([p, i, bad]) => {
        const copy = [...p];
        copy[i % Math.max(1, copy.length)] = bad;
        return copy.join(",");
      }),
      fc.integer({ min: 60, max: 70 }).map((n) => Array.from({ length: n }, () => V.root).join(",")),
      fc.constantFrom(",", ",,", `${V.root},`, `,${V.root}`, `${V.root} ,${V.root}`),
    );

    // Per endpoint: the path for a (raw, already encoded) parameter, and the query parameters with valid values.
    interface Spec {
      ep: Endpoint;
      path: (param: string) => string;
      param?: fc.Arbitrary<string>;
      query: Record<string, fc.Arbitrary<string>>;
      required?: string[];
    }
    const page = { limit, cursor };
    const specs: Spec[] = [
      { ep: "health", path: () => "/v1/health", query: {} },
      { ep: "openapi", path: () => "/v1/openapi.json", query: {} },
      { ep: "ready", path: () => "/v1/ready", query: {} },
      {
        ep: "assets",
        path: () => "/v1/assets",
        query: {
          holder: address,
          status: fc.constantFrom(...ASSET_STATUS),
          grade: fc.constantFrom(...SECURITY_GRADE),
          category: fc.constantFrom(...DATA_CATEGORY),
          kind: fc.constantFrom(...ASSET_KIND),
          q: fc.oneof(fc.constantFrom("ipfs", "bafy", "DR-", "0x", "registered", "1"), fc.string({ minLength: 1, maxLength: 12 })),
          ...page,
        },
      },
      { ep: "asset", path: (r) => `/v1/assets/${r}`, param: validRef, query: {} },
      { ep: "history", path: (r) => `/v1/assets/${r}/history`, param: validRef, query: page },
      { ep: "lineage", path: (r) => `/v1/assets/${r}/lineage`, param: validRef, query: {} },
      { ep: "licenses", path: (r) => `/v1/assets/${r}/licenses`, param: validRef, query: {} },
      { ep: "holder", path: (r) => `/v1/assets/${r}/holder`, param: validRef, query: { atBlock }, required: ["atBlock"] },
      {
        ep: "tradability",
        path: (r) => `/v1/assets/${r}/tradability`,
        param: validRef,
        query: {
          buyer: address,
          seller: address,
          rights: fc.constantFrom(...RIGHTS),
          territory: fc.constantFrom(...TERRITORY),
          sublicense: fc.constantFrom("true", "false"),
          confirm: fc.constant("chain"),
        },
        required: ["buyer"],
      },
      { ep: "license", path: (r) => `/v1/licenses/${r}`, param: fc.oneof(fc.constantFrom(...V.licenseIds), fc.constantFrom("999", "18446744073709551615")), query: {} },
      { ep: "member", path: (r) => `/v1/members/${r}`, param: address, query: {} },
      { ep: "memberAssets", path: (r) => `/v1/members/${r}/assets`, param: address, query: page },
      { ep: "milestones", path: (r) => `/v1/members/${r}/milestones`, param: address, query: { from: time, to: time, ...page } },
      { ep: "evidence", path: (r) => `/v1/evidence/${r}`, param: hash32, query: { root: hash32, proof, anchorer: address } },
    ];

    const join = (pairs: [string, string | null][]) => pairs.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join("&");

    /** A well-formed request: valid parameter, required and some optional parameters with valid values. */
    const validRequest = (spec: Spec): fc.Arbitrary<string> => {
      const optional = Object.keys(spec.query).filter((k) => !(spec.required ?? []).includes(k));
      return fc.tuple(spec.param ? encoded(spec.param) : fc.constant(""), fc.subarray(optional)).chain(([param, chosen]) => {
        const keys = [...(spec.required ?? []), ...chosen];
        const values = keys.map((k) => (spec.query[k] as fc.Arbitrary<string>).map(pct));
        return fc.tuple(...values).map((vs) => {
          const qs = join(keys.map((k, i): [string, string] => [k, vs[i] ?? ""]));
          return spec.path(param) + (qs ? `?${qs}` : "");
        });
      });
    };

    const hostileKey = fc.oneof(
      fc.constantFrom("foo", "a[b]", "a[]", "limit[]", "limit[0]", "cursor[x]", "__proto__", "constructor", "", "LIMIT", "Limit", "atblock", "proof[]", "%", "%E0%A4%A", "buyer%00"),
      encoded(fc.string({ maxLength: 10 })),
    );

    /** Anything goes: hostile or valid parameter, duplicated/unknown/nested keys, hostile values, odd path shapes. */
    const hostileRequest = (spec: Spec): fc.Arbitrary<string> => {
      const keys = Object.keys(spec.query);
      const value = (k: string) => {
        const valid = spec.query[k];
        return valid ? fc.oneof(valid.map(pct), hostile) : hostile;
      };
      const pair: fc.Arbitrary<[string, string | null]> = fc.oneof(
        { weight: 3, arbitrary: keys.length > 0 ? fc.constantFrom(...keys).chain((k) => value(k).map((v): [string, string] => [k, v])) : fc.tuple(hostileKey, hostile) },
        { weight: 1, arbitrary: fc.tuple(hostileKey, fc.option(hostile, { nil: null })) },
      );
      const param = spec.param ? fc.oneof(encoded(spec.param), hostile) : fc.constant("");
      const shape = fc.constantFrom("plain", "plain", "plain", "trailingSlash", "upper", "emptyQuery", "ampersands");
      return fc.tuple(param, fc.array(pair, { maxLength: 6 }), shape).map(([p, pairs, how]) => {
        let target = spec.path(p === "" && spec.param ? "%20" : p);
        if (how === "trailingSlash") target += "/";
        if (how === "upper") target = target.replace(/^\/v1\/[a-z]+/, (m) => m.toUpperCase());
        const qs = join(pairs);
        if (how === "emptyQuery") return `${target}?${qs}`;
        if (how === "ampersands") return `${target}?&&${qs}&`;
        return target + (qs ? `?${qs}` : "");
      });
    };

    const unknownPath: fc.Arbitrary<string> = fc.oneof(
      fc.constantFrom("/v1", "/v1/", "/v1/nope", "/v2/health", "/health", "/v1/assets/1/history/2", "/v1/members", "/v1/licenses", "/v1/evidence", "/favicon.ico", "/v1/openapi.yaml"),
      hostile.map((g) => `/v1/zz${g}`),
      fc.tuple(encoded(validRef), hostile).map(([r, g]) => `/v1/assets/${r}/x${g}`),
      hostile.map((g) => `/x${g}`),
    );

    // Node refuses request heads over 16 KB itself (431, see the last test): stay below that.
    const request: fc.Arbitrary<string> = fc
      .oneof(
        { weight: 4, arbitrary: fc.constantFrom(...specs).chain(validRequest) },
        { weight: 5, arbitrary: fc.constantFrom(...specs).chain(hostileRequest) },
        { weight: 1, arbitrary: unknownPath },
      )
      .filter((t) => t.length <= MAX_TARGET);

    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 3 }), async (targets) => {
        for (const t of targets) {
          const { reply, problem } = await probe(t);
          if (problem) throw new Error(describeFailure(t, reply, problem));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generators reach every kind of answer.
    expect(statusCounts.get(200) ?? 0, JSON.stringify(Object.fromEntries(statusCounts))).to.be.greaterThan(RUNS / 4);
    expect(statusCounts.get(400) ?? 0).to.be.greaterThan(RUNS / 4);
    expect(statusCounts.get(404) ?? 0).to.be.greaterThan(RUNS / 20);
  });

  // ─── Afterwards ───────────────────────────────────────────────────────────────────────

  it("still answers /v1/health with 200 afterwards, and the index was not touched", async function () {
    const r = await rawGet(base, "/v1/health");
    expect(r.status).to.equal(200);
    const health = S.Health.parse(JSON.parse(r.body));
    expect(health.status).to.not.equal("halted");
    expect(health.indexedBlock).to.equal(s.toBlock);
    expect((await server.store.canonicalDump()).sha256).to.equal(dumpBefore);
  });

  it("requests that Node's HTTP parser refuses (raw non-ASCII bytes, an oversized request line) get JSON 400/431 answers, and the server keeps answering", async function () {
    // Node's parser refuses these before the app runs; the server's clientError handler answers in JSON.
    const rawUtf8 = Buffer.from(`/v1/assets/${"中文"}`, "utf8").toString("latin1");
    const r1 = await rawGet(base, rawUtf8);
    expect(r1.status).to.equal(400);
    expect(S.ErrorBody.parse(JSON.parse(r1.body)).error.code).to.equal("bad_request");
    const r2 = await rawGet(base, `/v1/assets/${"9".repeat(20_000)}`);
    expect(r2.status).to.equal(431);
    expect(r2.contentType).to.contain("application/json");
    expect(S.ErrorBody.parse(JSON.parse(r2.body)).error.code).to.equal("headers_too_large");
    const health = await rawGet(base, "/v1/health");
    expect(health.status).to.equal(200);
  });
});
