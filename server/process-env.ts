/**
 * How the server process is started: `npm run server` starts it this way, and so does the
 * benchmark (`npm start` runs the server inside `drl start`, on a local chain's small index).
 * Both settings act at process start-up (V8 sizes its heap, glibc reads its tunables), so they
 * cannot be set from inside the running server.
 *
 * - `--max-old-space-size=256`: the live heap of a backfill is ~40–60 MB, but left alone V8
 *   lets promoted garbage grow to ~200 MB before a full collection. With a cap it starts its
 *   concurrent marking early. Measured on a 109,000-event backfill: peak RSS 380 → 210 MiB at
 *   the same speed (forcing a full GC after each commit instead cost ~15% of the speed).
 * - `MALLOC_MMAP_THRESHOLD_`, `MALLOC_ARENA_MAX`: each committed range hands LevelDB a batch of
 *   several MB. Once glibc's adaptive mmap threshold has risen past that size, such blocks come
 *   from its heap, which fragments: ~80 MB more resident memory that was never returned. A fixed
 *   128 KiB threshold keeps large blocks in mmap (unmapped when freed), and one arena stops the
 *   thread pool's and LevelDB's threads from each keeping their own.
 */
export const SERVER_NODE_FLAGS = ["--max-old-space-size=256"] as const;

export const SERVER_PROCESS_ENV = {
  MALLOC_ARENA_MAX: "1",
  MALLOC_MMAP_THRESHOLD_: "131072",
} as const;

/** What this process lacks of the above (for a note at start-up; the server runs either way). */
export function missingStartSettings(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): string[] {
  const missing: string[] = [];
  for (const flag of SERVER_NODE_FLAGS) {
    const name = flag.split("=")[0] ?? flag;
    const given = [...execArgv, ...(env.NODE_OPTIONS ?? "").split(/\s+/)].some((a) => a.split("=")[0] === name);
    if (!given) missing.push(flag);
  }
  for (const [k, v] of Object.entries(SERVER_PROCESS_ENV)) if (env[k] !== v) missing.push(`${k}=${v}`);
  return missing;
}
