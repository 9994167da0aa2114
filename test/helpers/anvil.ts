/**
 * A real Anvil node for tests that need a chain outside Hardhat's in-process network
 * (the indexer, its RPC client, reorgs and faults).
 *
 *   const node = await startAnvil();
 *   try { ... node.provider ... await node.signer(7) ... } finally { await node.stop(); }
 *
 * Every node runs on a free loopback port with free gas, chain id 31337, a 1e9 block gas
 * limit and 20 unlocked dev accounts. A node a test forgets to stop is killed when the Node
 * process exits (an 'exit' hook; and a watchdog shell covers a process that is SIGKILLed).
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { JsonRpcProvider, JsonRpcSigner, Network, toQuantity } from "ethers";

export interface AnvilOptions {
  /** Mine a block every N seconds instead of one per transaction (automine). */
  blockTime?: number;
  /** More command-line arguments for anvil. */
  extraArgs?: string[];
}

export interface AnvilNode {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly chainId: number;
  /** An ethers provider on the node: static network, 50 ms polling, no response cache, no batching. */
  readonly provider: JsonRpcProvider;
  /** The child process (for its pid). */
  readonly child: ChildProcess;
  /** Unlocked dev account `i` (0..19) as an ethers signer. */
  signer(i: number): Promise<JsonRpcSigner>;
  /** Raw JSON-RPC call straight to the node (no batching, no cache); throws on a JSON-RPC error. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Mines `n` blocks (default 1). */
  mine(n?: number): Promise<void>;
  /** evm_snapshot; returns the snapshot id. */
  snapshot(): Promise<string>;
  /** evm_revert to a snapshot id; false if the node did not know it. */
  revert(id: string): Promise<boolean>;
  /** evm_increaseTime, then (unless `mine` is false) evm_mine so the next read sees the new time. */
  increaseTime(seconds: number, mine?: boolean): Promise<void>;
  /** Timestamp of the latest block. */
  timestamp(): Promise<number>;
  /** Kills the node and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** An error answer of a JSON-RPC call. */
export class JsonRpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly rpcMessage: string,
    readonly data?: unknown,
  ) {
    super(`${method}: JSON-RPC error ${code}: ${rpcMessage}`);
  }
}

const ROOT = path.resolve(__dirname, "..", "..");
const ANVIL_BIN = path.join(ROOT, "node_modules", ".bin", "anvil");
const READY_TIMEOUT_MS = 20_000;

// ─── Children are killed when this process exits ────────────────────────────────────────

/** Running nodes, each with its watchdog. */
const children = new Map<ChildProcess, ChildProcess | null>();
let exitHooksInstalled = false;

function kill(p: ChildProcess | null | undefined, signal: NodeJS.Signals): void {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  try {
    p.kill(signal);
  } catch {
    // already gone
  }
}

function killAll(): void {
  for (const [child, dog] of children) {
    kill(dog, "SIGKILL");
    kill(child, "SIGKILL");
  }
  children.clear();
}

/**
 * A shell that kills `pid` once its stdin (a pipe from this process) closes, which happens
 * however this process ends, SIGKILL included: the 'exit' hook alone cannot cover that.
 */
function watchdog(pid: number): ChildProcess | null {
  try {
    // `read` is a builtin: the watchdog is a single process, gone for good when it is killed.
    const dog = spawn("/bin/sh", ["-c", 'while read -r _; do :; done; kill -9 "$1" 2>/dev/null', "anvil-watchdog", String(pid)], {
      stdio: ["pipe", "ignore", "ignore"],
    });
    dog.on("error", () => undefined);
    dog.unref();
    (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return dog;
  } catch {
    return null;
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      // Keep the default behaviour (exit) unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────

/** A free TCP port on the loopback interface (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a probe server"));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

interface JsonRpcReply {
  jsonrpc?: string;
  id?: number | string | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

let rpcId = 0;

/** One raw JSON-RPC call over HTTP. */
export async function rawRpc<T>(url: string, method: string, params: unknown[] = [], signal?: AbortSignal): Promise<T> {
  rpcId += 1;
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: rpcId, method, params }),
    signal,
  });
  const text = await res.text();
  let reply: JsonRpcReply;
  try {
    reply = JSON.parse(text) as JsonRpcReply;
  } catch {
    throw new Error(`${method}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (reply.error) throw new JsonRpcError(method, reply.error.code, reply.error.message, reply.error.data);
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  return reply.result as T;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

// ─── startAnvil ─────────────────────────────────────────────────────────────────────────

interface Spawned {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  /** Set when the process exited or could not be started. */
  gone: () => boolean;
}

async function spawnOnce(opts: AnvilOptions): Promise<Spawned> {
  const port = await freePort();
  const args = [
    "--host", "127.0.0.1",
    "--port", String(port),
    "--silent",
    "--gas-price", "0",
    "--base-fee", "0",
    "--chain-id", "31337",
    "--gas-limit", "1000000000",
    "--code-size-limit", "30000",
    "--accounts", "21",
  ];
  if (opts.blockTime !== undefined) args.push("--block-time", String(opts.blockTime));
  args.push(...(opts.extraArgs ?? []));

  installExitHooks();
  const child = spawn(ANVIL_BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  const dog = child.pid === undefined ? null : watchdog(child.pid);
  children.set(child, dog);
  let gone = false;
  const ended = () => {
    gone = true;
    kill(dog, "SIGKILL");
    children.delete(child);
  };
  child.once("exit", ended);
  let spawnError = "";
  child.once("error", (err) => {
    spawnError = err.message;
    ended();
  });
  // Keep the last few KB of output for error messages; never let the pipes fill up.
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-4096);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  // A forgotten node must not keep the test process alive; the exit hook kills it.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) {
    const s = stream as unknown as { unref?: () => void } | null;
    s?.unref?.();
  }
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => (spawnError ? `${spawnError}\n` : "") + output.trim(),
    gone: () => gone,
  };
}

/** Waits until eth_chainId answers; rejects if the process exits first or after the timeout. */
async function waitReady(s: Spawned): Promise<"ready" | "exited"> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (s.gone()) return "exited";
    try {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 1000);
      try {
        await rawRpc<string>(s.url, "eth_chainId", [], ctl.signal);
      } finally {
        clearTimeout(timer);
      }
      return "ready";
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      s.child.kill("SIGKILL");
      await waitForExit(s.child);
      throw new Error(
        `anvil (${ANVIL_BIN}) did not answer eth_chainId on ${s.url} within ${READY_TIMEOUT_MS / 1000} s` +
          (s.output() ? `; its output: ${s.output()}` : ""),
      );
    }
    await sleep(25);
  }
}

/** Starts Anvil on a free loopback port and waits until it answers. */
export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilNode> {
  let spawned: Spawned | null = null;
  // The port is probed and then bound by anvil: another process may take it in between.
  for (let attempt = 1; attempt <= 3 && spawned === null; attempt++) {
    const s = await spawnOnce(opts);
    const state = await waitReady(s);
    if (state === "ready") {
      spawned = s;
    } else if (attempt === 3) {
      throw new Error(
        `anvil exited before answering (code ${String(s.child.exitCode)}, signal ${String(s.child.signalCode)})` +
          (s.output() ? `: ${s.output()}` : ""),
      );
    }
  }
  if (spawned === null) throw new Error("anvil did not start");
  const { child, port, url } = spawned;

  const rpc = <T = unknown>(method: string, params: unknown[] = []): Promise<T> => rawRpc<T>(url, method, params);
  const chainId = Number(await rpc<string>("eth_chainId"));
  const provider = new JsonRpcProvider(url, Network.from(chainId), {
    staticNetwork: true,
    pollingInterval: 50,
    // Tests read right after they write: no 250 ms response cache...
    cacheTimeout: -1,
    // ...and no 10 ms wait to batch requests (each call goes out at once).
    batchMaxCount: 1,
  });
  provider.pollingInterval = 50;
  const accounts = await rpc<string[]>("eth_accounts");
  const signers = new Map<number, JsonRpcSigner>();

  let stopped: Promise<void> | null = null;
  const node: AnvilNode = {
    url,
    port,
    chainId,
    provider,
    child,
    async signer(i: number): Promise<JsonRpcSigner> {
      const cached = signers.get(i);
      if (cached) return cached;
      const address = accounts[i];
      if (address === undefined) throw new Error(`anvil has ${accounts.length} dev accounts; there is no #${i}`);
      const s = new JsonRpcSigner(provider, address);
      signers.set(i, s);
      return s;
    },
    rpc,
    async mine(n = 1): Promise<void> {
      await rpc("anvil_mine", [toQuantity(n)]);
    },
    snapshot(): Promise<string> {
      return rpc<string>("evm_snapshot");
    },
    revert(id: string): Promise<boolean> {
      return rpc<boolean>("evm_revert", [id]);
    },
    async increaseTime(seconds: number, mine = true): Promise<void> {
      await rpc("evm_increaseTime", [seconds]);
      if (mine) await rpc("evm_mine");
    },
    async timestamp(): Promise<number> {
      const block = await rpc<{ timestamp: string } | null>("eth_getBlockByNumber", ["latest", false]);
      if (!block) throw new Error("no latest block");
      return Number(block.timestamp);
    },
    stop(): Promise<void> {
      if (stopped) return stopped;
      stopped = (async () => {
        provider.destroy();
        // The watchdog goes first, so that it never fires at a pid reused after the node's exit.
        kill(children.get(child), "SIGKILL");
        if (child.exitCode === null && child.signalCode === null) {
          const exited = waitForExit(child);
          child.kill("SIGTERM");
          // A referenced timer keeps the event loop alive until the child is gone.
          const escalate = setTimeout(() => child.kill("SIGKILL"), 3000);
          await exited;
          clearTimeout(escalate);
        }
        children.delete(child);
      })();
      return stopped;
    },
  };
  return node;
}
