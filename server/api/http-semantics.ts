/**
 * HTTP semantics Express does not give by itself: 405 with `Allow` for other methods on a known
 * route (OPTIONS: 204 with `Allow`), and JSON bodies for what Node's HTTP parser refuses before
 * any app code runs (oversized heads: 431; malformed requests: 400; slow ones: 408), which
 * Node would otherwise answer with an empty body.
 */
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Router } from "express";
import { ApiError, MethodNotAllowedError, errorBody } from "./errors";

export const ALLOW = "GET, HEAD";

/** A router's own routes and those of routers mounted in it at its root: path → methods. */
function routesOf(router: Router, into = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const layer of router.stack) {
    const route = layer.route as { path?: unknown; methods?: Record<string, boolean> } | undefined;
    if (route && typeof route.path === "string") {
      const methods = into.get(route.path) ?? new Set<string>();
      for (const [m, on] of Object.entries(route.methods ?? {})) if (on && m !== "_all") methods.add(m.toUpperCase());
      into.set(route.path, methods);
    } else if (layer.name === "router" && typeof (layer.handle as { stack?: unknown }).stack === "object") {
      routesOf(layer.handle as unknown as Router, into);
    }
  }
  return into;
}

/**
 * Adds, after the router's routes, a handler per route path for every other method: 405 with
 * the path's own `Allow` (OPTIONS: 204 with it). Call it once all routes are registered,
 * including routers mounted at the root. (GET routes answer HEAD as well: Express sends their
 * headers without the body.)
 */
export function methodNotAllowed(router: Router): void {
  for (const [p, methods] of routesOf(router)) {
    if (methods.has("GET")) methods.add("HEAD");
    const allow = ["GET", "HEAD", "POST"].filter((m) => methods.has(m)).join(", ") || ALLOW;
    router.all(p, (req, res) => {
      res.set("Allow", allow);
      if (req.method === "OPTIONS") {
        res.status(204).end();
        return;
      }
      res.status(405).json(errorBody(new MethodNotAllowedError(req.method, allow)));
    });
  }
}

function rawJson(status: number, reason: string, e: ApiError): string {
  const body = JSON.stringify(errorBody(e));
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** Node's `clientError`: answer in JSON (if the socket can still take it), then close it. */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    const code = err.code ?? "";
    // As Node's own handler: no answer on a socket whose response has begun (it is internal,
    // `_httpMessage`), nor to bytes after `Connection: close` (the answer was already sent).
    const inProgress = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (code === "ECONNRESET" || code === "HPE_CLOSED_CONNECTION" || inProgress || !socket.writable) {
      socket.destroy();
      return;
    }
    let reply: string;
    if (code === "HPE_HEADER_OVERFLOW") {
      reply = rawJson(431, "Request Header Fields Too Large", new ApiError(431, "headers_too_large", "the request line and headers are larger than this server accepts (16 KB)"));
    } else if (code === "ERR_HTTP_REQUEST_TIMEOUT" || code === "ERR_HTTP_HEADERS_TIMEOUT") {
      reply = rawJson(408, "Request Timeout", new ApiError(408, "request_timeout", "the request was not received in time"));
    } else {
      reply = rawJson(400, "Bad Request", new ApiError(400, "bad_request", "the request is not valid HTTP (e.g. raw non-ASCII bytes in the path: percent-encode them)", "request"));
    }
    socket.end(reply);
  });
}
