/**
 * The load generators as a child process: closed loop (autocannon, load.ts) or open loop (the
 * constant-rate generator, open-loop.ts). Reads its job from the JSON file named by its one
 * argument and prints one line `result <LoadFigures as JSON>`.
 *
 *   node -r ts-node/register/transpile-only bench/lib/load-child.ts job.json
 *
 * Both run here rather than in the benchmark's process, whose heap holds Hardhat and the chain
 * setup: its collections and its one busy thread would be timed as the server's latency and
 * would cap the throughput measured (autocannon parsing 32 KB history answers there carried
 * about half the rate a generator of its own carries against the same server).
 */
import { readFileSync } from "node:fs";
import { load, type LoadFigures, type LoadSettings } from "./load";
import { openLoop, type OpenLoopSettings } from "./open-loop";

/** What the child runs: the request paths are made up front and cycled through. */
export type LoadJob =
  | { mode: "closed"; base: string; title: string; settings: LoadSettings; warmup: number; paths: string[] }
  | { mode: "open"; base: string; settings: OpenLoopSettings; paths: string[] };

function cycle(paths: readonly string[]): () => string {
  if (paths.length === 0) throw new Error("a load job needs at least one path");
  let i = 0;
  return () => paths[i++ % paths.length] ?? "/";
}

async function run(job: LoadJob): Promise<LoadFigures> {
  if (job.mode === "open") return openLoop(job.base, job.settings, job.paths);
  const pathOf = cycle(job.paths);
  // The warm-up is a run of its own, not recorded (as before: same process, same paths).
  if (job.warmup > 0) await load(job.base, { ...job.settings, duration: job.warmup }, pathOf, `${job.title} warm-up`);
  return load(job.base, job.settings, pathOf, job.title);
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: load-child.ts <job.json>");
  const figures = await run(JSON.parse(readFileSync(file, "utf8")) as LoadJob);
  console.log(`result ${JSON.stringify(figures)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
