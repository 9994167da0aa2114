/**
 * Fails unless solidity-coverage measured at least DRL_MIN_COVERAGE percent (default 95) of
 * the lines and of the branches of contracts/. Reads coverage/coverage-summary.json.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const Metric = z.object({ total: z.number(), covered: z.number(), pct: z.union([z.number(), z.string()]) });
const Summary = z.object({ total: z.object({ lines: Metric, branches: Metric }) });

const min = Number(process.env.DRL_MIN_COVERAGE ?? 95);
const summary = Summary.parse(JSON.parse(readFileSync("coverage/coverage-summary.json", "utf8")));
let failed = false;
for (const key of ["lines", "branches"] as const) {
  const m = summary.total[key];
  const pct = m.total === 0 ? 100 : (100 * m.covered) / m.total;
  const ok = pct >= min;
  failed ||= !ok;
  console.log(`${key}: ${pct.toFixed(2)}% (${m.covered}/${m.total}) ${ok ? "≥" : "<"} ${min}%`);
}
if (failed) {
  console.error(`coverage below ${min}%`);
  process.exit(1);
}
