/**
 * The web portal at `/`: the static build of server/portal (Vite writes it to dist/portal),
 * under a Content-Security-Policy that lets a page load only its own origin's scripts, styles,
 * images and API answers. Nothing comes from a CDN or a font service, and the policy proves it:
 * the browser refuses anything else. Unbuilt, `/` says how to build it instead of a 404.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import compression from "compression";
import express from "express";
import { UnavailableError, errorBody } from "./errors";
import { methodNotAllowed } from "./http-semantics";

/**
 * No inline script or style, no other origin; `frame-ancestors` keeps the portal out of frames.
 * `'wasm-unsafe-eval'` lets the verify page compile its SHA-256 WebAssembly (hash-wasm: the
 * dataset is hashed in the browser, streaming); it allows no JavaScript eval. A chain endpoint
 * configured for browsers (DRL_PORTAL_RPC_URL) is the one other origin the page may call.
 */
export function portalCsp(browserRpcUrl: string | null = null): string {
  const connect = browserRpcUrl === null ? "connect-src 'self'" : `connect-src 'self' ${new URL(browserRpcUrl).origin}`;
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    connect,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** The policy without a browser chain endpoint. */
export const PORTAL_CSP = portalCsp();

/**
 * Where the built portal is: `dist/portal` of the package this server belongs to (the nearest
 * folder above it with a package.json), whether the server runs compiled from dist/, from its
 * TypeScript sources, or transpiled elsewhere in the checkout. Null if it is not built.
 */
export function findPortalDir(from = __dirname): string | null {
  for (let dir = path.resolve(from), up = 0; up < 8; dir = path.dirname(dir), up++) {
    if (existsSync(path.join(dir, "package.json"))) {
      const portal = path.join(dir, "dist", "portal");
      return existsSync(path.join(portal, "index.html")) ? portal : null;
    }
    if (path.dirname(dir) === dir) break;
  }
  return null;
}

/**
 * The paths that answer the portal's page: `/`, and `/verify`, the path of the verify URL a
 * certificate's QR code holds (`/verify#cert=<payload>`; the payload stays in the fragment).
 */
const PAGES = ["/", "/verify"];

/** The portal's routes, mounted at the root after /v1 (see createApp). */
export function portalRoutes(dir: string | null, opts: { browserRpcUrl?: string | null } = {}): express.Router {
  const router = express.Router();
  const csp = portalCsp(opts.browserRpcUrl ?? null);
  router.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", csp);
    next();
  });
  // The page and its scripts go gzip- or brotli-compressed to browsers that ask (a fifth of the
  // bytes); the API's own answers are left alone.
  router.use(compression());
  if (dir === null) {
    for (const page of PAGES) {
      router.get(page, (_req, res) => {
        res
          .status(503)
          .json(errorBody(new UnavailableError("portal_not_built", "the portal is not built: run `npm run build:portal` (npm start and npm run build:server build it too); the API is under /v1")));
      });
    }
  } else {
    const index = path.join(dir, "index.html");
    // Hashed file names: a build never reuses a name, so the browser may keep them for good.
    router.use("/assets", express.static(path.join(dir, "assets"), { index: false, immutable: true, maxAge: "365d", fallthrough: true }));
    // One route per path (not an array): methodNotAllowed answers 405 per route path.
    for (const page of PAGES) {
      router.get(page, (_req, res, next) => {
        res.sendFile(index, { headers: { "Cache-Control": "no-cache" } }, (err) => {
          if (err) next(err);
        });
      });
    }
  }
  methodNotAllowed(router);
  return router;
}
