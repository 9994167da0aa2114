/**
 * The asset page's two longest answers (the asset, and its history's first page), asked for
 * as soon as the portal's chunk starts to run, before the rest of it (the schemas, the pages)
 * is evaluated: on a slow machine that evaluation takes longer than the answers do.
 *
 * No imports, so that it runs first (main.tsx imports early-fetch.ts before anything else).
 * The API client's fetch (`earlyFetch`) takes each early answer once, for the same URL and
 * headers as it would have sent; anything else, or a second ask, is a plain fetch.
 */

/** Events per history page: the timeline asks for the same first page (timeline.tsx). */
export const HISTORY_PAGE_SIZE = 200;

/** An early answer older than this is not used (the page stood still, or moved elsewhere). */
const FRESH_MS = 15_000;

/** What the API client sends with every GET (sdk/api/client.ts): the early asks must match it. */
const GET_INIT: RequestInit = { headers: { accept: "application/json" } };

const early = new Map<string, { at: number; answer: Promise<Response> }>();

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The ref of an asset page's path (`/asset/<ref>`, without the hash's `?query`), or null. */
export function assetRefOf(path: string): string | null {
  const m = /^\/asset\/(.+)$/.exec(path);
  return m?.[1] ? decode(m[1]).trim() : null;
}

/** The API URLs the asset page asks for first, as the API client writes them. */
export function assetPageUrls(origin: string, ref: string): string[] {
  const base = `${origin.replace(/\/$/, "")}/v1/assets/${encodeURIComponent(ref)}`;
  return [base, `${base}/history?limit=${HISTORY_PAGE_SIZE}`];
}

/** Asks for the asset page's first answers when `hash` is an asset page's. */
export function askEarly(hash: string, origin: string): void {
  const path = hash.replace(/^#/, "").split("?", 1)[0] ?? "";
  const ref = assetRefOf(path);
  if (ref === null || ref === "") return;
  for (const url of assetPageUrls(origin, ref)) {
    const answer = fetch(url, GET_INIT);
    // Never taken (the reader moved on): not an unhandled rejection.
    answer.catch(() => undefined);
    early.set(url, { at: performance.now(), answer });
  }
}

function isPlainGet(init: RequestInit | undefined): boolean {
  if (init?.method !== undefined && init.method.toUpperCase() !== "GET") return false;
  if (init?.body !== undefined && init.body !== null) return false;
  const h = new Headers(init?.headers);
  let n = 0;
  h.forEach(() => n++);
  return n === 1 && h.get("accept") === "application/json";
}

/** `fetch`, but a GET of a URL asked for early takes that answer (once). */
export const earlyFetch: typeof fetch = (input, init) => {
  const url = typeof input === "string" ? input : null;
  const hit = url === null ? undefined : early.get(url);
  if (url !== null && hit !== undefined) {
    early.delete(url);
    if (performance.now() - hit.at <= FRESH_MS && isPlainGet(init)) return hit.answer;
  }
  return fetch(input, init);
};
