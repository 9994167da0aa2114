/**
 * Read-your-writes across replicas: every state answer (a JSON body with `asOfBlock`) carries
 * `X-Indexed-Block`, and `?minBlock=N` on any /v1 request makes a replica that has not indexed
 * block N answer 409 `behind` (with its block) instead of an older state. A client that just
 * sent a transaction mined in block N asks with minBlock=N and retries, or asks another replica.
 */
import type { Request, RequestHandler, Response } from "express";
import { BehindError, BadRequestError, errorBody } from "./errors";

export const INDEXED_BLOCK_HEADER = "X-Indexed-Block";

/** The state answer's block, if the body is one. */
function asOfBlockOf(body: unknown): number | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const b = (body as { asOfBlock?: unknown }).asOfBlock;
  return typeof b === "number" && Number.isSafeInteger(b) ? b : null;
}

/**
 * Takes `minBlock` out of the query (so the endpoints' strict schemas never see it), and
 * answers 409 at once when the index has not reached it: otherwise a state from before the
 * client's transaction could answer 404 for what the transaction created. (A state answer is
 * checked again on its way out, by stampStateAnswers, against the block it was read at.)
 */
export function readYourWrites(indexedBlock: () => Promise<number | null>): RequestHandler {
  return async (req, res, next) => {
    // Cheap test first: Express parses req.query anew on every read.
    if (!req.url.includes("minBlock")) return next();
    const query = req.query as Record<string, unknown>;
    if (!Object.hasOwn(query, "minBlock")) return next();
    const raw = query.minBlock;
    if (typeof raw !== "string" || !/^\d{1,15}$/.test(raw)) throw new BadRequestError("minBlock", "must be a block number in decimal digits, given once");
    const minBlock = Number(raw);
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(query)) if (k !== "minBlock") rest[k] = v;
    // Express 5 parses req.query on every read: an own property shadows that getter.
    Object.defineProperty(req, "query", { value: rest, configurable: true, enumerable: true, writable: true });
    res.locals.minBlock = minBlock;
    const indexed = await indexedBlock();
    if (indexed === null || indexed < minBlock) {
      if (indexed !== null) res.set(INDEXED_BLOCK_HEADER, String(indexed));
      res.status(409).json(errorBody(new BehindError(minBlock, indexed)));
      return;
    }
    next();
  };
}

/** res.json that stamps (or refuses) state answers; installed once per app. */
export function stampStateAnswers(): RequestHandler {
  return (req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const block = asOfBlockOf(body);
      if (block !== null && res.statusCode < 300) {
        const min = minBlockOf(res);
        if (min !== null && block < min) {
          res.status(409).set(INDEXED_BLOCK_HEADER, String(block));
          return json(errorBody(new BehindError(min, block)));
        }
        res.setHeader(INDEXED_BLOCK_HEADER, String(block));
        if (plainAnswer(req, res)) {
          sendJsonText(req, res, JSON.stringify(body));
          return res;
        }
      }
      return json(body);
    };
    next();
  };
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * A 200 answer that Express's res.json would send exactly as sendJsonText does: no conditional
 * request (so never a 304), no type or transfer encoding set yet. The app sends no ETag and
 * serialises without spaces, replacer or escaping (server/api/app.ts).
 */
function plainAnswer(req: Request, res: Response): boolean {
  return (
    res.statusCode === 200 &&
    req.headers["if-none-match"] === undefined &&
    req.headers["if-modified-since"] === undefined &&
    !res.hasHeader("content-type") &&
    !res.hasHeader("transfer-encoding")
  );
}

/**
 * What Express's res.json and res.send do for such an answer (its type with charset, its
 * length, no body for HEAD), without their per-call type lookup and header round trips: this is
 * the path of every state answer.
 */
function sendJsonText(req: Request, res: Response, text: string): void {
  res.setHeader("Content-Type", JSON_TYPE);
  res.setHeader("Content-Length", Buffer.byteLength(text));
  if (req.method === "HEAD") res.end();
  else res.end(text, "utf8");
}

function minBlockOf(res: Response): number | null {
  const m: unknown = res.locals.minBlock;
  return typeof m === "number" ? m : null;
}

/** For an answer sent as prebuilt JSON text (the history): stamps or refuses it by its block. */
export function sendStateText(res: Response, asOfBlock: number, text: string): void {
  const min = minBlockOf(res);
  if (min !== null && asOfBlock < min) {
    res.status(409).set(INDEXED_BLOCK_HEADER, String(asOfBlock)).json(errorBody(new BehindError(min, asOfBlock)));
    return;
  }
  res.setHeader(INDEXED_BLOCK_HEADER, String(asOfBlock));
  if (plainAnswer(res.req, res)) sendJsonText(res.req, res, text);
  else res.type("application/json").send(text);
}
