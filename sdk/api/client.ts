/**
 * A typed client of the provenance API. Every answer is parsed with the same zod schema the
 * server answers with (sdk/api/schemas.ts), so a server that drifts from its contract is
 * caught at the client, not deep in a caller.
 */
import type { z } from "zod";
import * as S from "./schemas";

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

type Query = Record<string, string | number | undefined>;

export class ProvenanceClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async get<T extends z.ZodType>(schema: T, path: string, query: Query = {}): Promise<z.infer<T>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
    const url = `${this.baseUrl.replace(/\/$/, "")}${path}${qs.size > 0 ? `?${qs}` : ""}`;
    const res = await this.fetchImpl(url, { headers: { accept: "application/json" } });
    const body: unknown = await res.json();
    if (!res.ok) {
      const parsed = S.ErrorBody.safeParse(body);
      const e = parsed.success ? parsed.data.error : { code: "http_error", message: `HTTP ${res.status}` };
      throw new ApiRequestError(res.status, e.code, e.message, "field" in e ? e.field : undefined);
    }
    return schema.parse(body);
  }

  health() {
    return this.get(S.Health, "/v1/health");
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
  licenses(ref: string) {
    return this.get(S.AssetLicenses, `/v1/assets/${encodeURIComponent(ref)}/licenses`);
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
    return this.get(S.Member, `/v1/members/${address}`);
  }
  memberAssets(address: string, page: { limit?: number; cursor?: string } = {}) {
    return this.get(S.MemberAssets, `/v1/members/${address}/assets`, page);
  }
  milestones(address: string, q: { from?: string | number; to?: string | number; limit?: number; cursor?: string } = {}) {
    return this.get(S.MemberMilestones, `/v1/members/${address}/milestones`, q);
  }
  evidence(hash: string, q: { root?: string; proof?: string[]; anchorer?: string } = {}) {
    return this.get(S.Evidence, `/v1/evidence/${hash}`, { root: q.root, proof: q.proof?.join(","), anchorer: q.anchorer });
  }
}
