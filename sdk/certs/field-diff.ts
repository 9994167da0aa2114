/**
 * Field-by-field comparison of two JSON documents (a certificate and the one rebuilt from the
 * chain): the dotted paths of the leaves that differ, in document order (`credentialSubject.
 * holder.orgIdHash`, `credentialSubject.licences.0.licensee`). Arrays compare by index; a
 * missing or extra element or key is a difference at its own path. Object key order does not
 * matter (JCS reorders keys anyway). Browser-compatible.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const join = (base: string, key: string | number): string => (base === "" ? String(key) : `${base}.${key}`);

/** Every differing leaf path of `claimed` against `expected`; at most `limit` of them. */
export function differingFields(claimed: unknown, expected: unknown, limit = 50): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, at: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) {
        if (i >= a.length || i >= b.length) {
          out.push(join(at, i));
          if (out.length >= limit) return;
          continue;
        }
        walk(a[i], b[i], join(at, i));
      }
      return;
    }
    if (isObject(a) && isObject(b)) {
      // The expected document's order first (it is the canonical shape), then keys only the claimed one has.
      const keys = [...Object.keys(b), ...Object.keys(a).filter((k) => !(k in b))];
      for (const k of keys) {
        if (!(k in a) || !(k in b)) {
          out.push(join(at, k));
          if (out.length >= limit) return;
          continue;
        }
        walk(a[k], b[k], join(at, k));
      }
      return;
    }
    if (a !== b) out.push(at === "" ? "(document)" : at);
  };
  walk(claimed, expected, "");
  return out;
}

/** Every leaf path of a JSON document with its value (for tests and tooling that walk a certificate). */
export function leavesOf(doc: unknown): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push({ path: at, value: v });
      v.forEach((x, i) => walk(x, join(at, i)));
    } else if (isObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0) out.push({ path: at, value: v });
      for (const k of keys) walk(v[k], join(at, k));
    } else {
      out.push({ path: at, value: v });
    }
  };
  walk(doc, "");
  return out;
}

/** The value at a dotted path (numbers index arrays); undefined if absent. */
export function valueAtPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObject(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}
