/**
 * The open-loop load generator as a child process (see open-loop.ts for why): reads its job
 * from the JSON file named by its one argument, `{ base, settings, paths }`, and prints one
 * line `result <LoadFigures as JSON>`.
 *
 *   node -r ts-node/register/transpile-only bench/lib/open-loop-child.ts job.json
 */
import { readFileSync } from "node:fs";
import { openLoop, type OpenLoopSettings } from "./open-loop";

interface Job {
  base: string;
  settings: OpenLoopSettings;
  paths: string[];
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: open-loop-child.ts <job.json>");
  const job = JSON.parse(readFileSync(file, "utf8")) as Job;
  const figures = await openLoop(job.base, job.settings, job.paths);
  console.log(`result ${JSON.stringify(figures)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
