/**
 * The web portal at `/`: the static build of server/portal (Vite writes it to dist/portal),
 * under a Content-Security-Policy that lets a page load only its own origin's scripts, styles,
 * images and API answers. Nothing comes from a CDN or a font service, and the policy proves it:
 * the browser refuses anything else. Unbuilt, `/` says how to build it instead of a 404.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import express from "express";
import { UnavailableError, errorBody } from "./errors";
import { methodNotAllowed } from "./http-semantics";

/** No inline script or style, no other origin; `frame-ancestors` keeps the portal out of frames. */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

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

/** The portal's routes, mounted at the root after /v1 (see createApp). */
export function portalRoutes(dir: string | null): express.Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", PORTAL_CSP);
    next();
  });
  if (dir === null) {
    router.get("/", (_req, res) => {
      res
        .status(503)
        .json(errorBody(new UnavailableError("portal_not_built", "the portal is not built: run `npm run build:portal` (npm start and npm run build:server build it too); the API is under /v1")));
    });
  } else {
    const index = path.join(dir, "index.html");
    // Hashed file names: a build never reuses a name, so the browser may keep them for good.
    router.use("/assets", express.static(path.join(dir, "assets"), { index: false, immutable: true, maxAge: "365d", fallthrough: true }));
    router.get("/", (_req, res, next) => {
      res.sendFile(index, { headers: { "Cache-Control": "no-cache" } }, (err) => {
        if (err) next(err);
      });
    });
  }
  methodNotAllowed(router);
  return router;
}
