/**
 * API errors as typed classes, and the one place that turns any error into the JSON body
 * `{ "error": { "code", "message", "field" } }`. Bad input is a 400 naming the field; nothing a
 * client sends can produce a 500.
 */
import type { ErrorRequestHandler } from "express";
import type { z } from "zod";
import type { ErrorBody } from "../../sdk/api/schemas";
import { BadCursorError } from "../state/queries";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Extra machine-readable facts for the body's `error` object (e.g. `indexedBlock`). */
    readonly details: Record<string, number | string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export class BadRequestError extends ApiError {
  constructor(field: string, message: string) {
    super(400, "bad_request", `${field} ${message}`, field);
  }
}

export class NotFoundError extends ApiError {
  constructor(what: string) {
    super(404, "not_found", `${what} not found`);
  }
}

export class UnavailableError extends ApiError {
  constructor(code: string, message: string) {
    super(503, code, message);
  }
}

/** `minBlock` asks for a state this replica has not indexed yet (read-your-writes). */
export class BehindError extends ApiError {
  constructor(minBlock: number, indexedBlock: number | null) {
    super(
      409,
      "behind",
      `this replica has indexed ${indexedBlock === null ? "nothing yet" : `up to block ${indexedBlock}`}, before minBlock ${minBlock}; retry shortly or ask another replica`,
      "minBlock",
      indexedBlock === null ? {} : { indexedBlock },
    );
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(method: string, allow: string) {
    super(405, "method_not_allowed", `${method.slice(0, 20)} is not allowed here; allowed: ${allow}`);
  }
}

/** Parses `value` with `schema`, or throws a 400 that names the first offending field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, fallbackField: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (!issue) throw new BadRequestError(fallbackField, "is invalid");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] || "(empty name)";
    throw new BadRequestError(key, "is not a parameter of this endpoint");
  }
  const field = issue.path.length > 0 ? issue.path.map(String).join(".") : fallbackField;
  const given = issue.path.length > 0 ? valueAt(value, issue.path) : "";
  const message =
    given === undefined ? "is required" : Array.isArray(given) || (typeof given === "object" && given !== null) ? "must be given once, as a plain value" : issue.message;
  throw new BadRequestError(field, message);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

export function errorBody(e: ApiError): ErrorBody {
  return { error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}), ...e.details } };
}

/**
 * Last middleware: typed errors keep their status; Express's own 4xx become JSON too: a body
 * over the limit 413, a body that cannot be read 400 (field `body`), a bad URL encoding 400.
 */
export function errorHandler(log: (m: string) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err instanceof BadCursorError) e = new BadRequestError("cursor", err.message);
    else if (statusOf(err) === 413) e = new ApiError(413, "payload_too_large", "the request body is larger than this server accepts (only POST /v1/verify takes one)", "body");
    else if (isClientError(err) && typeof (err as { type?: unknown }).type === "string") e = new ApiError(400, "bad_request", "the request body could not be read", "body");
    else if (isClientError(err)) e = new ApiError(400, "bad_request", "path could not be decoded (check the percent-encoding)", "path");
    else {
      log(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      e = new ApiError(500, "internal", "internal error");
    }
    if (res.headersSent) return;
    res.status(e.status).json(errorBody(e));
  };
}

function statusOf(err: unknown): number | null {
  if (typeof err !== "object" || err === null) return null;
  const status = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : null;
}

function isClientError(err: unknown): boolean {
  if (err instanceof URIError) return true;
  const status = statusOf(err);
  return status !== null && status >= 400 && status < 500;
}
