/**
 * Reading the matching-fund rule (deployments/config/matching-funds.json, or the file
 * DRL_MATCHING_RULE names). The schema is MatchingRule (sdk/api/schemas.ts); a wrong file stops
 * the server with the field at fault, never a silently different claim.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { MatchingRule } from "../api/schemas";

export class MatchingRuleError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${file}: ${field}: ${rule}`);
    this.name = "MatchingRuleError";
  }
}

/** deployments/config/matching-funds.json of the package this module belongs to (source or dist/). */
export function defaultMatchingRuleFile(from = __dirname): string {
  for (let dir = path.resolve(from), up = 0; up < 8; dir = path.dirname(dir), up++) {
    if (existsSync(path.join(dir, "package.json"))) return path.join(dir, "deployments", "config", "matching-funds.json");
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve("deployments", "config", "matching-funds.json");
}

export function loadMatchingRule(file = defaultMatchingRuleFile()): MatchingRule {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MatchingRuleError(file, "file", code ? `cannot be read (${code})` : "is not JSON");
  }
  // The file may carry a "$comment" for the people who edit it.
  const { $comment: _comment, ...rest } = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const r = MatchingRule.safeParse(typeof json === "object" && json !== null && !Array.isArray(json) ? rest : json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new MatchingRuleError(file, i?.path.join(".") || "file", i?.message ?? "is invalid");
  }
  return r.data;
}
