/**
 * JCS (RFC 8785) through the `canonicalize` package (by the RFC's co-author). Version 2 is the
 * line published as CommonJS, which this project compiles to; later majors are ES-module only
 * with an import-only exports map that `require` cannot load. No node: imports.
 */
import canonicalize from "canonicalize";

/** The JCS serialisation of a JSON value (throws on undefined, functions, non-finite numbers). */
export function jcs(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new Error("JCS: the value is not JSON");
  return out;
}
