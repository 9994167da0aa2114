/**
 * Child Node processes for the benchmarks (the indexer, the API server, the bare Express app):
 * spawned as `node` directly (so the pid is the process whose memory is measured), their output
 * read line by line, and killed when the benchmark ends, fails or is interrupted.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface NodeChild {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Called with every line of stdout and stderr. */
  onLine(listener: (line: string, stream: "stdout" | "stderr") => void): void;
  /** The last lines of output (for error messages). */
  tail(n?: number): string;
  /** Resolves with the first line (from now on) that matches; rejects on exit or timeout. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resolves with the exit code (or signal) when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
let hooksInstalled = false;

/** SIGKILLs every child still running (synchronous: safe in an `exit` handler). */
export function killAllChildren(): void {
  for (const c of running) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  running.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllChildren);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: killing the benchmark's child processes`);
      killAllChildren();
      // The `exit` hooks (ours and test/helpers/anvil.ts's) kill whatever is left.
      process.exit(code);
    });
  }
}

export interface SpawnOptions {
  /** Extra arguments for `node` before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** false: run a compiled .js script with plain `node` (default true: ts-node transpile-only). */
  tsNode?: boolean;
  /** Arguments after the script. */
  args?: string[];
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs `node -r ts-node/register/transpile-only <script>` (or `node <script>`) from the repository root. */
export function spawnNodeChild(name: string, script: string, opts: SpawnOptions = {}): NodeChild {
  installHooks();
  const args = [...(opts.nodeArgs ?? []), ...(opts.tsNode === false ? [] : ["-r", "ts-node/register/transpile-only"]), script, ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${process.execPath} ${args.join(" ")}`);
  running.add(child);
  const pid = child.pid;
  const lines: string[] = [];
  const listeners = new Set<(line: string, stream: "stdout" | "stderr") => void>();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  for (const stream of ["stdout", "stderr"] as const) {
    const s = child[stream];
    if (!s) continue;
    createInterface({ input: s }).on("line", (line) => {
      lines.push(line);
      if (lines.length > 400) lines.splice(0, lines.length - 200);
      for (const l of listeners) l(line, stream);
    });
  }
  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid,
    child,
    exited,
    alive,
    onLine(listener) {
      listeners.add(listener);
    },
    tail(n = 30) {
      return lines.slice(-n).join("\n");
    },
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        let done = false;
        const finish = (f: () => void) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          listeners.delete(listener);
          f();
        };
        const listener = (line: string) => {
          const m = line.match(re);
          if (m) finish(() => resolve(m));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms; its output:\n${lines.slice(-30).join("\n")}`))),
          timeoutMs,
        );
        listeners.add(listener);
        void exited.then(({ code, signal }) =>
          finish(() => reject(new Error(`${name} exited (code ${code}, signal ${signal}) before printing ${re}; its output:\n${lines.slice(-30).join("\n")}`))),
        );
      });
    },
    stop(graceMs = 10_000) {
      if (stopping) return stopping;
      stopping = (async () => {
        if (alive()) {
          child.kill("SIGTERM");
          const escalate = setTimeout(() => {
            if (alive()) child.kill("SIGKILL");
          }, graceMs);
          const r = await exited;
          clearTimeout(escalate);
          return r;
        }
        return exited;
      })();
      return stopping;
    },
  };
}

export interface ProcMemory {
  /** Peak resident set size (VmHWM), MiB. */
  hwmMb: number;
  /** Current resident set size (VmRSS), MiB. */
  rssMb: number;
}

/** VmHWM and VmRSS of a running process, from /proc/<pid>/status (Linux); null if unreadable. */
export function procMemory(pid: number): ProcMemory | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const kb = (field: string): number | null => {
    const m = text.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m"));
    return m?.[1] !== undefined ? Number(m[1]) : null;
  };
  const hwm = kb("VmHWM");
  const rss = kb("VmRSS");
  if (hwm === null || rss === null) return null;
  return { hwmMb: hwm / 1024, rssMb: rss / 1024 };
}
