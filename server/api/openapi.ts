/**
 * `GET /v1/openapi.json`: an OpenAPI 3.1 document generated from the zod schemas in
 * sdk/api/schemas.ts (zod 4's JSON Schema output is the 2020-12 dialect OpenAPI 3.1 uses).
 */
import { z } from "zod";
import * as S from "../../sdk/api/schemas";
import { VerificationReportSchema } from "../../sdk/certs/report";
import { UnsignedCertificateSchema } from "../../sdk/certs/schema";
import { CertificateQuery } from "./certificates";
import { VerifyBody } from "./verify";

interface Operation {
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  response: z.ZodType;
  notFound?: boolean;
  /** false for answers that are not state (health, ready): no `minBlock`, no X-Indexed-Block. */
  state?: boolean;
  /** A PDF rendering of the answer with `format=pdf`. */
  pdf?: boolean;
}

const OPERATIONS: Operation[] = [
  {
    path: "/v1/health",
    summary:
      "Chain id, head, indexed block, state digest, lag, contract addresses and the registry's current modules; HTTP 503 (same body) when the indexer halted or lags beyond maxLagBlocks",
    response: S.Health,
    state: false,
  },
  { path: "/v1/ready", summary: "Whether this replica can serve state answers now (200) or not (503, with the reason)", response: S.Ready, state: false },
  { path: "/v1/assets", summary: "Assets, filtered and cursor-paginated", query: S.AssetsQuery, response: S.AssetList },
  {
    path: "/v1/assets/{ref}",
    summary: "Every registered field, status, holder, rights and encumbrances: open and admitted objections, court holds per case, pledges (carried, discharged), the listing (live or lapsed), clearances per recipient",
    params: S.RefParams,
    response: S.AssetResponse,
    notFound: true,
  },
  { path: "/v1/assets/{ref}/history", summary: "The provenance timeline", params: S.RefParams, query: S.PageQuery, response: S.History, notFound: true },
  { path: "/v1/assets/{ref}/lineage", summary: "Parents and children, transitively", params: S.RefParams, response: S.Lineage, notFound: true },
  { path: "/v1/assets/{ref}/licenses", summary: "Active and ended licences and sublicence chains", params: S.RefParams, response: S.AssetLicenses, notFound: true },
  { path: "/v1/assets/{ref}/holder", summary: "Who held the asset at a block", params: S.RefParams, query: S.HolderQuery, response: S.HolderAt, notFound: true },
  {
    path: "/v1/assets/{ref}/tradability",
    summary:
      "Whether a trade or licence can go through now: every failing check of the contracts' pre-trade rule over the index (the contracts' full reason set); confirm=chain also calls transferReasons / licenseReasons and the first-reason views at the same block",
    params: S.RefParams,
    query: S.TradabilityQuery,
    response: S.Tradability,
    notFound: true,
  },
  { path: "/v1/licenses/{id}", summary: "A licence of the registry's current licence module, with its state as LicenseRegistry.stateOf says it", params: S.LicenseParams, response: S.LicenseResponse, notFound: true },
  { path: "/v1/members/{address}", summary: "A member", params: S.AddressParams, response: S.Member, notFound: true },
  { path: "/v1/members/{address}/assets", summary: "The assets a member holds or applied for", params: S.AddressParams, query: S.PageQuery, response: S.MemberAssets, notFound: true },
  {
    path: "/v1/members/{address}/milestones",
    summary: "An enterprise's firsts in a period, with evidence and transaction hashes and the incentives the bureau recorded for each; annulled firsts are shown as annulled",
    params: S.AddressParams,
    query: S.MilestonesQuery,
    response: S.MemberMilestones,
    notFound: true,
  },
  { path: "/v1/members/{address}/licenses", summary: "The licences and sublicences granted to a member as licensee, newest first", params: S.AddressParams, query: S.PageQuery, response: S.MemberLicenses, notFound: true },
  { path: "/v1/config", summary: "The trusted deployment, the chain endpoint browsers may call (or null), and the matching-fund rule", response: S.PortalConfig },
  {
    path: "/v1/evidence/{hash}",
    summary: "Whether an evidence hash is anchored (every party's anchor of it as a root, or of the root a proof leads to), and which ledger events cite it",
    params: S.EvidenceParams,
    query: S.EvidenceQuery,
    response: S.Evidence,
  },
  {
    path: "/v1/assets/{ref}/certificate",
    summary:
      "An unsigned preview of the asset's rights certificate at a block (W3C VC 2.0; no proof: the API holds no keys), read from the chain at that block, not from the index; format=pdf gives the A4 PDF. Rate-limited on its own (DRL_CERT_RATE_LIMIT); 409 beyond_head or not_registered; 503 when the node does not answer",
    params: S.RefParams,
    query: CertificateQuery,
    response: UnsignedCertificateSchema,
    notFound: true,
    state: false,
    pdf: true,
  },
];

/** POST /v1/verify: the one operation with a body. */
const VERIFY_SUMMARY =
  "Verifies a rights certificate (or its QR payload) against the chain itself, never the index: one report entry per check, and the verdict VALID, VALID_BUT_SUPERSEDED or INVALID (200), or ERROR (503 with the same report, Retry-After: the node did not answer). Body limit DRL_MAX_VERIFY_BODY_KB; rate-limited on its own (DRL_CERT_RATE_LIMIT)";

type Json = Record<string, unknown>;

/** Named schemas (`.meta({ id })`), hoisted from each schema's `$defs` into `components`. */
const components: Record<string, Json> = {};

let anonymous = 0;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  let text = JSON.stringify(z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", reused: "inline" }));
  // Unnamed recursive schemas (the JSON value of event fields) get per-call names: make them unique.
  for (const name of new Set(text.match(/__schema\d+/g) ?? [])) text = text.replaceAll(`"${name}"`, `"Anonymous${anonymous}"`).replaceAll(`/${name}"`, `/Anonymous${anonymous++}"`);
  const out = JSON.parse(text) as Json;
  delete out.$schema;
  const defs = (out.$defs ?? {}) as Record<string, Json>;
  delete out.$defs;
  for (const [name, def] of Object.entries(defs)) components[name] = def;
  return out;
}

/** Points `#/$defs/X` references at `#/components/schemas/X`. */
function relink(doc: Json): Json {
  return JSON.parse(JSON.stringify(doc).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
}

function parameters(obj: z.ZodObject | undefined, where: "path" | "query"): Json[] {
  if (!obj) return [];
  const shape = jsonSchema(obj, "input");
  const props = (shape.properties ?? {}) as Record<string, Json>;
  const required = new Set((shape.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: where,
    required: where === "path" || (required.has(name) && !("default" in schema)),
    schema,
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
  }));
}

/** Read-your-writes, on every state answer (server/api/read-your-writes.ts). */
const MIN_BLOCK = {
  name: "minBlock",
  in: "query",
  required: false,
  schema: { type: "string", pattern: "^\\d{1,15}$" },
  description: "answer only from a state that includes this block; a replica that has not indexed it answers 409 behind (error.indexedBlock says how far it is)",
};
const INDEXED_BLOCK = { "X-Indexed-Block": { description: "the block the answer reflects (its asOfBlock)", schema: { type: "integer" } } };

export function openApiDocument(): Json {
  const errorResponse = { description: "error", content: { "application/json": { schema: jsonSchema(S.ErrorBody, "output") } } };
  const paths: Json = {};
  for (const op of OPERATIONS) {
    const state = op.state !== false;
    paths[op.path] = {
      get: {
        summary: op.summary,
        parameters: [...parameters(op.params, "path"), ...parameters(op.query, "query"), ...(state ? [MIN_BLOCK] : [])],
        responses: {
          "200": {
            description: "OK",
            ...(state ? { headers: INDEXED_BLOCK } : {}),
            content: { "application/json": { schema: jsonSchema(op.response, "output") }, ...(op.pdf ? { "application/pdf": { schema: { type: "string", format: "binary" } } } : {}) },
          },
          "400": { ...errorResponse, description: "a parameter is invalid; `field` names it" },
          ...(op.notFound ? { "404": { ...errorResponse, description: "no such asset, licence or member" } } : {}),
          "405": { ...errorResponse, description: "a method other than GET or HEAD (the Allow header lists them)" },
          ...(state ? { "409": { ...errorResponse, description: "behind: this replica has not indexed minBlock yet" } } : {}),
          "413": { ...errorResponse, description: "a request body (only POST /v1/verify takes one) over the limit" },
          "429": { ...errorResponse, description: "rate_limited: too many requests (or confirm=chain requests) from this client; see Retry-After" },
          "431": { ...errorResponse, description: "the request line and headers are too large" },
          "503": state
            ? {
                ...errorResponse,
                description:
                  "the index is empty or halted, the node could not be reached for confirm=chain (node_unavailable), the server is overloaded, or the request timed out",
              }
            : { description: "this replica should not be served from (the same body says why)", content: { "application/json": { schema: jsonSchema(op.response, "output") } } },
        },
      },
    };
  }
  const report = { content: { "application/json": { schema: jsonSchema(VerificationReportSchema, "output") } } };
  paths["/v1/verify"] = {
    post: {
      summary: VERIFY_SUMMARY,
      requestBody: { required: true, content: { "application/json": { schema: jsonSchema(VerifyBody, "input") } } },
      responses: {
        "200": { description: "the verification ran to a verdict: read `verdict`", ...report },
        "400": { ...errorResponse, description: "the body is not JSON, not an object, or a field is invalid; `field` names it" },
        "405": { ...errorResponse, description: "a method other than POST" },
        "413": { ...errorResponse, description: "the body is over DRL_MAX_VERIFY_BODY_KB" },
        "429": { ...errorResponse, description: "rate_limited: too many certificate previews and verifications from this client" },
        "503": { description: "ERROR: the node did not answer, so nothing was decided (the full report, verdict ERROR; see Retry-After)", ...report },
      },
    },
  };
  return relink({
    openapi: "3.1.0",
    info: {
      title: "Data Rights Ledger provenance API",
      version: "1.0.0",
      description: "Read-only provenance of data assets registered on the Data Rights Ledger, derived from the chain's events.",
    },
    paths,
    components: { schemas: components },
  });
}
