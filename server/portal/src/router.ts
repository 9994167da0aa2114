/**
 * Hash routes, so every page has a URL without any server route: `#/` (search, `#/?q=…` with
 * a query), `#/asset/<ref>` (ref = asset id, registration number or content hash), `#/check`
 * (the pre-trade check, `#/check?asset=…&buyer=…&rights=…` for a linked check).
 */
import { useEffect, useState } from "preact/hooks";
import { RIGHTS } from "../../../sdk/api/schemas";

export type Rights = (typeof RIGHTS)[number];

/** A pre-trade check as the URL states it: empty strings where the link leaves a field out. */
export interface CheckParams {
  asset: string;
  buyer: string;
  /** null when the link names no right (or one the API does not know): the form's default applies. */
  rights: Rights | null;
}

export type Route =
  | { page: "search"; q: string | null }
  | { page: "asset"; ref: string }
  | ({ page: "check" } & CheckParams)
  | { page: "notFound"; path: string };

export function isRights(v: string | null): v is Rights {
  return (RIGHTS as readonly (string | null)[]).includes(v);
}

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
  if (path === "/check") {
    const params = new URLSearchParams(query);
    const rights = params.get("rights");
    return { page: "check", asset: (params.get("asset") ?? "").trim(), buyer: (params.get("buyer") ?? "").trim(), rights: isRights(rights) ? rights : null };
  }
  const asset = /^\/asset\/(.+)$/.exec(path);
  if (asset?.[1]) return { page: "asset", ref: decode(asset[1]).trim() };
  return { page: "notFound", path: decode(path) };
}

export const href = {
  search: (q?: string) => (q === undefined ? "#/" : `#/?${new URLSearchParams({ q }).toString()}`),
  asset: (ref: string) => `#/asset/${encodeURIComponent(ref)}`,
  /** Only the fields given, in a fixed order, so the same check is always the same URL. */
  check: (p: Partial<CheckParams> = {}) => {
    const params = new URLSearchParams();
    if (p.asset) params.set("asset", p.asset);
    if (p.buyer) params.set("buyer", p.buyer);
    if (p.rights) params.set("rights", p.rights);
    const q = params.toString();
    return q === "" ? "#/check" : `#/check?${q}`;
  },
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
    // One page however often the check is refined, as with search: focus stays in the form.
    case "check":
      return "check";
    case "notFound":
      return `notFound:${route.path}`;
  }
}
