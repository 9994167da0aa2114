/**
 * `GET /v1/openapi.json`: an OpenAPI 3.1 document generated from the zod schemas in
 * sdk/api/schemas.ts (zod 4's JSON Schema output is the 2020-12 dialect OpenAPI 3.1 uses).
 */
import { z } from "zod";
import * as S from "../../sdk/api/schemas";

interface Operation {
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  response: z.ZodType;
  notFound?: boolean;
  /** false for answers that are not state (health, ready): no `minBlock`, no X-Indexed-Block. */
  state?: boolean;
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
    summary: "An enterprise's firsts in a period, with evidence and transaction hashes; annulled firsts are shown as annulled",
    params: S.AddressParams,
    query: S.MilestonesQuery,
    response: S.MemberMilestones,
    notFound: true,
  },
  {
    path: "/v1/evidence/{hash}",
    summary: "Whether an evidence hash is anchored (every party's anchor of it as a root, or of the root a proof leads to), and which ledger events cite it",
    params: S.EvidenceParams,
    query: S.EvidenceQuery,
    response: S.Evidence,
  },
];

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
          "200": { description: "OK", ...(state ? { headers: INDEXED_BLOCK } : {}), content: { "application/json": { schema: jsonSchema(op.response, "output") } } },
          "400": { ...errorResponse, description: "a parameter is invalid; `field` names it" },
          ...(op.notFound ? { "404": { ...errorResponse, description: "no such asset, licence or member" } } : {}),
          "405": { ...errorResponse, description: "a method other than GET or HEAD (the Allow header lists them)" },
          ...(state ? { "409": { ...errorResponse, description: "behind: this replica has not indexed minBlock yet" } } : {}),
          "413": { ...errorResponse, description: "a request body (the API takes none) over the limit" },
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
