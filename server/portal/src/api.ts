/**
 * The portal's access to the provenance API: the SDK's typed client (the same zod schemas the
 * server answers with check every answer here too), on this page's own origin, and the one
 * mapping from its errors to what a page tells the reader.
 */
import { z } from "zod";
import { ApiRequestError, ApiUnavailableError, ProvenanceClient } from "../../../sdk/api/client";
import { earlyFetch } from "./early-answers";

/** The asset page's first answers may already be on their way (early-answers.ts). */
export const api = new ProvenanceClient(window.location.origin, earlyFetch);

/** What went wrong, in the terms a page explains. */
export type Failure =
  | { kind: "notFound"; message: string }
  | { kind: "badRequest"; message: string; field: string | undefined }
  | { kind: "unavailable"; detail: string }
  | { kind: "unexpected"; detail: string }
  | { kind: "http"; status: number; message: string };

export function failureOf(e: unknown): Failure {
  if (e instanceof ApiRequestError) {
    if (e.status === 404) return { kind: "notFound", message: e.message };
    if (e.status === 400) return { kind: "badRequest", message: e.message, field: e.field };
    if (e.status >= 500) return { kind: "unavailable", detail: e.message };
    return { kind: "http", status: e.status, message: e.message };
  }
  if (e instanceof ApiUnavailableError) return { kind: "unavailable", detail: e.reason };
  // The answer did not match the API's schema: a server out of step with this portal.
  if (e instanceof z.ZodError) return { kind: "unexpected", detail: e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  return { kind: "unexpected", detail: e instanceof Error ? e.message : String(e) };
}

/** Same-origin paths of an asset's certificate (the server renders it from the chain). */
export const certificateUrl = {
  pdf: (assetId: string) => `/v1/assets/${encodeURIComponent(assetId)}/certificate?format=pdf`,
  json: (assetId: string) => `/v1/assets/${encodeURIComponent(assetId)}/certificate`,
};
