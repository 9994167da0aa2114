/**
 * Runs the indexer + API in-process against an Anvil node, for the API tests; and the pieces
 * the indexer suites share (in-process indexers, waiting for the head, a gate that holds a
 * request while the chain changes).
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ServerConfigSchema, type ServerConfig } from "../../server/config";
import { startServer, type RunningServer } from "../../server/server";
import type { Checkpoint } from "../../server/store/store";

export interface TestServer extends RunningServer {
  dir: string;
  /** Waits until the index has reached the node's current head. */
  caughtUp(timeoutMs?: number): Promise<number>;
  /** close() and delete the index directory. */
  destroy(): Promise<void>;
}

export function testConfig(rpcUrl: string, deploymentFile: string, dir: string, overrides: Partial<Record<keyof ServerConfig, string>> = {}): ServerConfig {
  return ServerConfigSchema.parse({
    DRL_RPC_URL: rpcUrl,
    DRL_DEPLOYMENT: deploymentFile,
    DRL_INDEX_DIR: dir,
    DRL_API_PORT: "0",
    DRL_POLL_MS: "20",
    DRL_RPC_TIMEOUT_MS: "5000",
    DRL_RATE_LIMIT: "0",
    DRL_CONFIRM_RATE_LIMIT: "0",
    ...overrides,
  });
}

export async function startTestServer(
  rpcUrl: string,
  deploymentFile: string,
  overrides: Partial<Record<keyof ServerConfig, string>> = {},
): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "drl-index-"));
  const server = await startServer(testConfig(rpcUrl, deploymentFile, dir, overrides), { log: () => {} });
  const headOf = async (): Promise<number> => {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    });
    return Number(((await res.json()) as { result: string }).result);
  };
  return {
    ...server,
    dir,
    async caughtUp(timeoutMs = 60_000) {
      const head = await headOf();
      await server.indexer.waitForBlock(head, timeoutMs);
      return head;
    },
    async destroy() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ─── In-process indexers on an Anvil node, for the reorg, replica and snapshot suites ─────

export interface Served {
  s: RunningServer;
  /** The indexer's log lines. */
  logs: string[];
}

/** An indexer (and, unless `serve` is false, the API) on `dir`, following the head with no confirmations. */
export async function serveIndex(
  rpcUrl: string,
  deploymentFile: string,
  dir: string,
  extra: Partial<Record<keyof ServerConfig, string | number>> = {},
  serve = false,
): Promise<Served> {
  const logs: string[] = [];
  const config = ServerConfigSchema.parse({
    DRL_RPC_URL: rpcUrl,
    DRL_DEPLOYMENT: deploymentFile,
    DRL_INDEX_DIR: dir,
    DRL_API_HOST: "127.0.0.1",
    DRL_API_PORT: 0,
    DRL_CONFIRMATIONS: 0,
    DRL_POLL_MS: 20,
    ...extra,
  });
  const s = await startServer(config, { log: (m) => logs.push(m), serve });
  return { s, logs };
}

interface HeadBlock {
  number: string;
  hash: string;
}

/** The node's latest block, number and lower-case hash. */
export async function nodeHead(rpcUrl: string): Promise<{ number: number; hash: string }> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }),
  });
  const b = ((await res.json()) as { result: HeadBlock }).result;
  return { number: Number(b.number), hash: b.hash.toLowerCase() };
}

/** Waits until the indexer's checkpoint is the node's head (number and hash) and it follows; throws if it halts. */
export async function settledAtHead(rpcUrl: string, x: Served, timeoutMs = 30_000): Promise<Checkpoint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = x.s.indexer.status;
    if (st.state === "halted") throw new Error(`the indexer halted: ${st.lastError ?? ""}`);
    const [hd, cp] = await Promise.all([nodeHead(rpcUrl), x.s.store.checkpoint()]);
    if (cp && cp.number === hd.number && cp.hash === hd.hash && st.state === "following" && st.indexedBlock === cp.number) return cp;
    if (Date.now() > deadline) {
      throw new Error(
        `the indexer did not reach the head ${hd.number} within ${timeoutMs} ms: checkpoint ${JSON.stringify(cp)}, status ${JSON.stringify(st)}; last log lines:\n${x.logs.slice(-10).join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls `cond` every 20 ms until it holds; throws, saying `what` (worked out then), after `timeoutMs`. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A JSON-RPC pass-through to a node that can hold one request: the first `eth_getLogs` whose
 * fromBlock is at or above a number, or the first `eth_getBlockByNumber` above a number. Lets a
 * test change the chain while an indexer step waits.
 */
export interface RpcGate {
  url: string;
  /** Holds the next eth_getLogs from `fromBlock` or above; resolves once it is held. */
  holdLogsFrom(fromBlock: number, timeoutMs?: number): Promise<void>;
  /** Holds the next request with an eth_getBlockByNumber above `aboveBlock`; resolves once it is held. */
  holdHeaderAbove(aboveBlock: number, timeoutMs?: number): Promise<void>;
  /** Lets the held request through. */
  release(): void;
  close(): Promise<void>;
}

interface RpcCall {
  method?: unknown;
  params?: unknown;
}

const logsFrom = (p: unknown): number => {
  const first: unknown = Array.isArray(p) ? p[0] : undefined;
  const from: unknown = first && typeof first === "object" && "fromBlock" in first ? first.fromBlock : undefined;
  return typeof from === "string" ? Number(from) : -1;
};
const headerNumber = (p: unknown): number => {
  const first: unknown = Array.isArray(p) ? p[0] : undefined;
  return typeof first === "string" && first.startsWith("0x") ? Number(first) : -1;
};

export async function startRpcGate(target: string): Promise<RpcGate> {
  let armed: { matches: (c: RpcCall) => boolean; held: () => void } | null = null;
  let releaseHeld: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const parsed = JSON.parse(text) as unknown;
        const items = (Array.isArray(parsed) ? parsed : [parsed]) as RpcCall[];
        const gate = armed;
        if (gate && items.some(gate.matches)) {
          armed = null;
          await new Promise<void>((resolve) => {
            releaseHeld = resolve;
            gate.held();
          });
        }
        try {
          const up = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: text });
          const answer = await up.text();
          res.writeHead(up.status, { "content-type": "application/json" });
          res.end(answer);
        } catch {
          res.writeHead(502);
          res.end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const release = () => {
    const r = releaseHeld;
    releaseHeld = null;
    r?.();
  };
  const hold = (matches: (c: RpcCall) => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        armed = null;
        reject(new Error(`${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      armed = {
        matches,
        held: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  return {
    url: `http://127.0.0.1:${port}`,
    holdLogsFrom: (fromBlock, timeoutMs = 15_000) =>
      hold((c) => c.method === "eth_getLogs" && logsFrom(c.params) >= fromBlock, `no eth_getLogs from block ${fromBlock} or above`, timeoutMs),
    holdHeaderAbove: (aboveBlock, timeoutMs = 10_000) =>
      hold((c) => c.method === "eth_getBlockByNumber" && headerNumber(c.params) > aboveBlock, `the indexer asked for no header above ${aboveBlock}`, timeoutMs),
    release,
    async close() {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
