/**
 * Running the `drl` CLI as a child process in tests. ts-node would take many seconds per
 * command on a busy machine, so the CLI (sdk/, server/, typechain-types/, scripts/lib/) is
 * transpiled once per test run into a cache/drl-cli-XXXX directory (no type check: `tsc --noEmit` does that)
 * and each command runs as plain `node …/sdk/cli/main.js`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCES = ["sdk", "server", "typechain-types", path.join("scripts", "lib")];

const PORTAL_SOURCES = path.join(ROOT, "server", "portal");

let built: { dir: string; main: string } | undefined;

function transpileTree(from: string, to: string, options: ts.CompilerOptions): void {
  for (const entry of readdirSync(from)) {
    const src = path.join(from, entry);
    const dst = path.join(to, entry);
    if (src === PORTAL_SOURCES) continue; // browser code, bundled by Vite; the server serves its build
    if (statSync(src).isDirectory()) {
      transpileTree(src, dst, options);
    } else if (entry.endsWith(".ts") && !entry.endsWith(".d.ts")) {
      const out = ts.transpileModule(readFileSync(src, "utf8"), { compilerOptions: options, fileName: src });
      mkdirSync(to, { recursive: true });
      writeFileSync(dst.replace(/\.ts$/, ".js"), out.outputText);
    } else if (entry.endsWith(".json")) {
      mkdirSync(to, { recursive: true });
      writeFileSync(dst, readFileSync(src));
    }
  }
}

/** Transpiles the CLI once; returns the path of main.js. */
export function buildCli(): string {
  if (built) return built.main;
  const cacheDir = path.join(ROOT, "cache");
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(path.join(cacheDir, "drl-cli-"));
  const options: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true };
  for (const s of SOURCES) transpileTree(path.join(ROOT, s), path.join(dir, s), options);
  built = { dir, main: path.join(dir, "sdk", "cli", "main.js") };
  process.once("exit", () => {
    if (built && existsSync(built.dir)) rmSync(built.dir, { recursive: true, force: true });
  });
  return built.main;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `drl <args>` and waits for it. */
export function runCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const main = buildCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

export interface DrlStart {
  child: ChildProcess;
  output(): string;
  /** Resolves once "Press Ctrl-C" is printed (the API is up); rejects if it exits first. */
  ready: Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGKILL to the whole process group (the CLI, Anvil, everything). */
  killGroup(): void;
}

/** Starts `drl start <args>` in its own process group. */
export function startDrl(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): DrlStart {
  const main = buildCli();
  const child = spawn(process.execPath, [main, "start", ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString("utf8");
      if (out.includes("Press Ctrl-C")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (out += c.toString("utf8")));
    void exited.then((code) => reject(new Error(`drl start exited (code ${code}) before it was ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killGroup);
  return { child, output: () => out, ready, exited, killGroup };
}
