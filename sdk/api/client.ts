/**
 * A typed client of the provenance API. Every answer is parsed with the same zod schema the
 * server answers with (sdk/api/schemas.ts), so a server that drifts from its contract is
 * caught at the client, not deep in a caller. Each list has an async iterator over all its
 * pages (`allAssets`, `allHistory`, ...), following `cursor` (or `nextCursor`) to the end.
 */
import { z } from "zod";
import { redactUrl } from "../ledger/errors";
import * as S from "./schemas";
import { VerificationReportSchema } from "../certs/report";
import { UnsignedCertificateSchema } from "../certs/schema";

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/** The API could not be reached, or answered something that is not its JSON. */
export class ApiUnavailableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the provenance API at ${url}: ${reason}`);
    this.name = "ApiUnavailableError";
  }
}

/** Only the OpenAPI document's frame is checked: its body is generated from the schemas. */
const OpenApiDocument = z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) });

type Query = Record<string, string | number | undefined>;

/** A list page's continuation: `cursor` where the answer has it, else `nextCursor`. */
function nextOf(page: { cursor?: string | null; nextCursor?: string | null }): string | null {
  if (page.cursor !== undefined) return page.cursor;
  return page.nextCursor ?? null;
}

/** Every item of every page, fetching the next page only when the caller gets there. */
export async function* allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: readonly T[]; cursor?: string | null; nextCursor?: string | null }>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor);
    for (const item of page.items) yield item;
    const next = nextOf(page);
    // A cursor seen before would loop forever on a misbehaving server.
    if (next === null || seen.has(next)) return;
    seen.add(next);
    cursor = next;
  }
}

export class ProvenanceClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private get<T extends z.ZodType>(schema: T, path: string, query: Query = {}, okStatuses: readonly number[] = []): Promise<z.infer<T>> {
    return this.request(schema, path, query, okStatuses);
  }

  private async request<T extends z.ZodType>(schema: T, path: string, query: Query, okStatuses: readonly number[], sent?: unknown): Promise<z.infer<T>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const url = `${this.baseUrl.replace(/\/$/, "")}${path}${qs.size > 0 ? `?${qs}` : ""}`;
    let res: Response;
    // Called as a plain function: a browser's fetch refuses any `this` but the window ("Illegal invocation").
    const fetchFn = this.fetchImpl;
    try {
      res = await fetchFn(
        url,
        sent === undefined
          ? { headers: { accept: "application/json" } }
          : { method: "POST", headers: { accept: "application/json", "content-type": "application/json" }, body: JSON.stringify(sent) },
      );
    } catch (e) {
      const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
      throw new ApiUnavailableError(redactUrl(this.baseUrl), typeof cause?.code === "string" ? cause.code : "request failed");
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new ApiUnavailableError(redactUrl(this.baseUrl), `HTTP ${res.status} without a JSON body`);
    }
    if (!res.ok && !okStatuses.includes(res.status)) {
      const parsed = S.ErrorBody.safeParse(body);
      const e = parsed.success ? parsed.data.error : { code: "http_error", message: `HTTP ${res.status}` };
      throw new ApiRequestError(res.status, e.code, e.message, "field" in e ? e.field : undefined);
    }
    return schema.parse(body);
  }

  health() {
    return this.get(S.Health, "/v1/health", {}, [503]);
  }
  /** Whether this replica can serve (answered with 503 and a reason when it cannot). */
  ready() {
    return this.get(S.Ready, "/v1/ready", {}, [503]);
  }
  /** The OpenAPI document the server generates from the schemas. */
  openApi() {
    return this.get(OpenApiDocument, "/v1/openapi.json");
  }
  assets(q: { holder?: string; status?: string; grade?: string; category?: string; kind?: string; q?: string; limit?: number; cursor?: string } = {}) {
    return this.get(S.AssetList, "/v1/assets", q);
  }
  asset(ref: string) {
    return this.get(S.AssetResponse, `/v1/assets/${encodeURIComponent(ref)}`);
  }
  history(ref: string, page: { limit?: number; cursor?: string } = {}) {
    return this.get(S.History, `/v1/assets/${encodeURIComponent(ref)}/history`, page);
  }
  lineage(ref: string) {
    return this.get(S.Lineage, `/v1/assets/${encodeURIComponent(ref)}/lineage`);
  }
  licenses(ref: string, page: { limit?: number; cursor?: string } = {}) {
    return this.get(S.AssetLicenses, `/v1/assets/${encodeURIComponent(ref)}/licenses`, page);
  }
  holderAt(ref: string, atBlock: number) {
    return this.get(S.HolderAt, `/v1/assets/${encodeURIComponent(ref)}/holder`, { atBlock });
  }
  tradability(
    ref: string,
    q: { buyer: string; seller?: string; rights?: "holding" | "processing" | "operation"; territory?: "domestic" | "crossBorder"; sublicense?: boolean; confirm?: "chain" },
  ) {
    const { sublicense, ...rest } = q;
    return this.get(S.Tradability, `/v1/assets/${encodeURIComponent(ref)}/tradability`, { ...rest, sublicense: sublicense === undefined ? undefined : String(sublicense) });
  }
  license(id: string | bigint) {
    return this.get(S.LicenseResponse, `/v1/licenses/${id}`);
  }
  member(address: string) {
    return this.get(S.Member, `/v1/members/${encodeURIComponent(address)}`);
  }
  memberAssets(address: string, page: { limit?: number; cursor?: string } = {}) {
    return this.get(S.MemberAssets, `/v1/members/${encodeURIComponent(address)}/assets`, page);
  }
  milestones(address: string, q: { from?: string | number; to?: string | number; limit?: number; cursor?: string } = {}) {
    return this.get(S.MemberMilestones, `/v1/members/${encodeURIComponent(address)}/milestones`, q);
  }
  memberLicenses(address: string, page: { limit?: number; cursor?: string } = {}) {
    return this.get(S.MemberLicenses, `/v1/members/${encodeURIComponent(address)}/licenses`, page);
  }
  /** The chain, the browser JSON-RPC endpoint (if any) and the matching-fund rule this server uses. */
  config() {
    return this.get(S.PortalConfig, "/v1/config");
  }
  evidence(hash: string, q: { root?: string; proof?: string[]; anchorer?: string } = {}) {
    return this.get(S.Evidence, `/v1/evidence/${hash}`, { root: q.root, proof: q.proof?.join(","), anchorer: q.anchorer });
  }

  /** The unsigned preview of an asset's certificate at a block, read from the chain by the server. */
  certificatePreview(ref: string, q: { atBlock?: number; issuer?: string; created?: number | string } = {}) {
    return this.get(UnsignedCertificateSchema, `/v1/assets/${encodeURIComponent(ref)}/certificate`, q);
  }
  /**
   * POST /v1/verify: the server verifies against its own node. An ERROR report (503: the node
   * did not answer) is returned like the others; read `verdict`.
   */
  verify(input: { certificate: unknown } | { payload: string }, contentHash?: string) {
    return this.request(VerificationReportSchema, "/v1/verify", {}, [503], { ...input, ...(contentHash !== undefined ? { contentHash } : {}) });
  }

  // ─── Every page ─────────────────────────────────────────────────────────────────────

  allAssets(q: Omit<Parameters<ProvenanceClient["assets"]>[0] & object, "cursor"> = {}) {
    return allPages((cursor) => this.assets({ ...q, cursor }));
  }
  allHistory(ref: string, page: { limit?: number } = {}) {
    return allPages((cursor) => this.history(ref, { ...page, cursor }));
  }
  allLicenses(ref: string, page: { limit?: number } = {}) {
    return allPages(async (cursor) => {
      const p = await this.licenses(ref, { ...page, cursor });
      return { ...p, items: [...p.active, ...p.ended], cursor: p.truncated ? p.cursor : null };
    });
  }
  allMemberAssets(address: string, page: { limit?: number } = {}) {
    return allPages((cursor) => this.memberAssets(address, { ...page, cursor }));
  }
  allMemberLicenses(address: string, page: { limit?: number } = {}) {
    return allPages((cursor) => this.memberLicenses(address, { ...page, cursor }));
  }
  allMilestones(address: string, q: { from?: string | number; to?: string | number; limit?: number } = {}) {
    return allPages((cursor) => this.milestones(address, { ...q, cursor }));
  }
}
