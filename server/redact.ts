/**
 * A node URL may carry a provider key (in its path, its query or its user info, e.g.
 * `https://mainnet.provider.example/v3/<key>`). Only its scheme and host are ever shown:
 * in /v1/health, in error messages and in logs.
 */

/** `https://node.example/…` for `https://user:pw@node.example/v3/key?apikey=x`; `(invalid URL)` if it does not parse. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "(invalid URL)";
  }
  const hidden = u.username !== "" || u.password !== "" || u.pathname !== "/" || u.search !== "" || u.hash !== "";
  return `${u.protocol}//${u.host}${hidden ? "/…" : ""}`;
}

/** The parts of `url` that must never appear anywhere: the whole URL, its user info, path and query. */
function secretsOf(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url === "" ? [] : [url];
  }
  const parts = [url, u.href, `${u.host}${u.pathname}${u.search}`, u.pathname.length > 1 ? u.pathname : "", u.search, u.username, u.password];
  for (const [k, v] of u.searchParams) parts.push(v, `${k}=${v}`);
  for (const seg of u.pathname.split("/")) if (seg.length >= 4) parts.push(seg);
  // Longest first, so that a part is not left half-replaced by a shorter one inside it.
  return [...new Set(parts.filter((p) => p.length >= 3).flatMap((p) => [p, safeDecode(p)]))].sort((a, b) => b.length - a.length);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Removes every secret part of `url` from `text` (an error message, a log line). */
export function scrubber(url: string): (text: string) => string {
  const secrets = secretsOf(url);
  const shown = redactUrl(url);
  return (text) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(s === url || s.startsWith("http") ? shown : "…");
    return out;
  };
}
