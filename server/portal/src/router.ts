/**
 * Hash routes, so every page has a URL without any server route: `#/` (search, `#/?q=…` with
 * a query), `#/asset/<ref>` (ref = asset id, registration number or content hash).
 */
import { useEffect, useState } from "preact/hooks";

export type Route = { page: "search"; q: string | null } | { page: "asset"; ref: string } | { page: "notFound"; path: string };

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [path = "", query = ""] = raw.split("?", 2) as [string?, string?];
  if (path === "" || path === "/") {
    const params = new URLSearchParams(query);
    return { page: "search", q: params.has("q") ? (params.get("q") ?? "") : null };
  }
  const asset = /^\/asset\/(.+)$/.exec(path);
  if (asset?.[1]) return { page: "asset", ref: decode(asset[1]).trim() };
  return { page: "notFound", path: decode(path) };
}

export const href = {
  search: (q?: string) => (q === undefined ? "#/" : `#/?${new URLSearchParams({ q }).toString()}`),
  asset: (ref: string) => `#/asset/${encodeURIComponent(ref)}`,
};

/** The current route, following `hashchange` (links, back and forward, typed URLs). */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

/** A key that changes when the reader moves to another page (not when a search is refined). */
export function pageKey(route: Route): string {
  switch (route.page) {
    case "search":
      return "search";
    case "asset":
      return `asset:${route.ref}`;
    case "notFound":
      return `notFound:${route.path}`;
  }
}
