/**
 * Shared by the indexer suites: a seeded PRNG (mulberry32) for reproducible fault and kill
 * plans, and a readable account of how two canonical dumps of the index differ.
 */
import type { IndexStore } from "../../server/store/store";

export type Dump = Awaited<ReturnType<IndexStore["canonicalDump"]>>;

/** A run's seed: the environment variable `name` when set (to rerun a failure), else a random one. */
export function seedFromEnv(name: string): number {
  const env = process.env[name];
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`${name} must be an integer 0..2^32-1, not ${env}`);
    return n;
  }
  return Math.floor(Math.random() * 0x1_0000_0000);
}

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The first differing line and the lines only on each side, for a failed dump comparison. */
export function describeDumpDifference(expected: Dump, actual: Dump, limit = 8): string {
  const cut = (s: string | undefined) => (s === undefined ? "(none)" : s.length > 400 ? `${s.slice(0, 400)}…` : s);
  const out: string[] = [`expected ${expected.entries} entries (sha256 ${expected.sha256}), got ${actual.entries} (sha256 ${actual.sha256})`];
  const n = Math.max(expected.lines.length, actual.lines.length);
  for (let i = 0; i < n; i++) {
    if (expected.lines[i] !== actual.lines[i]) {
      out.push(`first difference at line ${i}:`, `  expected: ${cut(expected.lines[i])}`, `  actual:   ${cut(actual.lines[i])}`);
      break;
    }
  }
  const exp = new Set(expected.lines);
  const act = new Set(actual.lines);
  const missing = expected.lines.filter((l) => !act.has(l));
  const extra = actual.lines.filter((l) => !exp.has(l));
  out.push(`${missing.length} line(s) only in the reference, ${extra.length} only in this run`);
  for (const l of missing.slice(0, limit)) out.push(`  - ${cut(l)}`);
  for (const l of extra.slice(0, limit)) out.push(`  + ${cut(l)}`);
  return out.join("\n");
}
