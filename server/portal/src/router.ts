/**
 * Hash routes, so every page has a URL without any server route: `#/` (search, `#/?q=…` with
 * a query), `#/asset/<ref>` (ref = asset id, registration number or content hash), `#/check`
 * (the pre-trade check, `#/check?asset=…&buyer=…&rights=…` for a linked check), `#/verify`
 * (verify a certificate; `/verify#cert=<payload>`, the URL in a certificate's QR code, opens it
 * with the certificate loaded) and `#/member/<address>` (`?from=YYYY-MM-DD&to=YYYY-MM-DD` for
 * the milestone report's period).
 */
import { useEffect, useState } from "preact/hooks";
import { RIGHTS } from "../../../sdk/api/schemas";
import { assetRefOf } from "./early-answers";

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
  /** `payload`: the QR payload from `#cert=…`, or null for an empty verify page. */
  | { page: "verify"; payload: string | null }
  /** `from` / `to`: the report period as the link gives it (empty when left out). */
  | { page: "member"; address: string; from: string; to: string }
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
  // The QR code's URL, `<portal>/verify#cert=<payload>`: the fragment never reaches a server.
  if (raw.startsWith("cert=")) return { page: "verify", payload: raw.slice("cert=".length).split("&")[0] ?? "" };
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
  if (path === "/verify") return { page: "verify", payload: null };
  const member = /^\/member\/(.+)$/.exec(path);
  if (member?.[1]) {
    const params = new URLSearchParams(query);
    return { page: "member", address: decode(member[1]).trim(), from: (params.get("from") ?? "").trim(), to: (params.get("to") ?? "").trim() };
  }
  const asset = assetRefOf(path);
  if (asset !== null) return { page: "asset", ref: asset };
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
  verify: () => "#/verify",
  member: (address: string, period: { from?: string; to?: string } = {}) => {
    const params = new URLSearchParams();
    if (period.from) params.set("from", period.from);
    if (period.to) params.set("to", period.to);
    const q = params.toString();
    return `#/member/${encodeURIComponent(address)}${q === "" ? "" : `?${q}`}`;
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
    // A new QR payload is a new certificate: a fresh page.
    case "verify":
      return `verify:${route.payload ?? ""}`;
    // As with the check: choosing another period keeps the reader in the form.
    case "member":
      return `member:${route.address.toLowerCase()}`;
    case "notFound":
      return `notFound:${route.path}`;
  }
}
