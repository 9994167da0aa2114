/**
 * The embedded local chain: Anvil from npm (node_modules/.bin/anvil), on an internal loopback
 * port behind the durable proxy, loading the data directory's state file when there is one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

/** The package root: the nearest directory above this file with node_modules/.bin/anvil. */
export function findAnvil(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, "node_modules", ".bin", "anvil");
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error("anvil is not installed (node_modules/.bin/anvil): run npm ci");
}

export interface LocalChain {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** A shell that SIGKILLs `pid` when this process's end closes its stdin, however it ends. */
function watchdog(pid: number): ChildProcess {
  const dog = spawn("/bin/sh", ["-c", 'while read -r _; do :; done; kill -9 "$1" 2>/dev/null', "drl-anvil-watchdog", String(pid)], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  dog.on("error", () => undefined);
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return dog;
}

async function call(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message ?? "error"}`);
  return body.result;
}

/**
 * A loaded state does not carry the time offset of earlier evm_increaseTime calls: without
 * this, the next block could be older than the last one (time would run backwards for the
 * contracts). The clock restarts just after the last block when that block is in the future.
 */
async function keepTimeMonotonic(url: string): Promise<void> {
  const head = (await call(url, "eth_getBlockByNumber", ["latest", false])) as { timestamp?: string } | null;
  const last = Number(head?.timestamp ?? 0);
  if (last >= Math.floor(Date.now() / 1000)) await call(url, "anvil_setTime", [last + 1]);
}

export async function startLocalChain(opts: { port: number; stateFile: string; accounts: number; mnemonic: string }): Promise<LocalChain> {
  const host = "127.0.0.1";
  const url = `http://${host}:${opts.port}`;
  const args = [
    "--host", host,
    "--port", String(opts.port),
    "--chain-id", "31337",
    "--accounts", String(opts.accounts),
    "--mnemonic", opts.mnemonic,
    "--gas-price", "0",
    "--base-fee", "0", // permissioned chains run with free gas
    "--silent",
  ];
  if (existsSync(opts.stateFile)) args.push("--load-state", opts.stateFile);
  const child = spawn(findAnvil(), args, { stdio: ["ignore", "ignore", "pipe"] });
  const dog = child.pid === undefined ? null : watchdog(child.pid);
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString("utf8")).slice(-2000);
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
    dog?.kill("SIGKILL");
  });
  const deadline = Date.now() + 30_000;
  while (!(await answers(url))) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the local chain did not start${stderr ? `: ${stderr.trim()}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await keepTimeMonotonic(url);
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}
