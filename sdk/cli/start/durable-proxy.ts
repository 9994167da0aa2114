/**
 * The local chain's durability: a JSON-RPC proxy in front of Anvil that writes the chain's
 * state to disk before it answers anything that shows a new block.
 *
 * Anvil keeps its chain in memory and writes it only every few seconds. Every client (the CLI,
 * the SDK, the indexer) talks to this proxy instead. Before it returns the answer to a request
 * that may have mined (a transaction, evm_mine, anvil_* and evm_* calls), a non-null
 * transaction receipt, or a block number above the last one written, it asks Anvil for its
 * state (anvil_dumpState) and writes it atomically (temporary file, fsync, rename, fsync of the
 * directory). So a receipt that reached a client is on disk, and survives a SIGKILL of the
 * whole process group; the next start loads the file (anvil --load-state).
 */
import { open, rename } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { gunzipSync } from "node:zlib";

export interface DurableProxy {
  readonly url: string;
  /** Writes the state now if a block was mined since the last write. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface RpcCall {
  method?: unknown;
}

interface RpcAnswer {
  result?: unknown;
  error?: unknown;
}

/** Methods that can change the chain (mine, move time, replace state). */
const MUTATING = /^(eth_sendRawTransaction|eth_sendTransaction|evm_|anvil_|hardhat_)/;

async function rpc(upstream: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(upstream, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as RpcAnswer;
  if (body.error !== undefined) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/** Writes `data` to `file` so that a crash leaves the old file or the new one, never a torn one. */
export async function writeDurably(file: string, data: Buffer): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dir = await open(path.dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export async function startDurableProxy(opts: {
  upstream: string;
  host: string;
  port: number;
  stateFile: string;
  log?: (m: string) => void;
  /** Browser origins allowed to call the chain (CORS): the local portal, which verifies certificates itself. */
  allowOrigins?: readonly string[];
}): Promise<DurableProxy> {
  const { upstream, stateFile } = opts;
  let written = Number(await rpc(upstream, "eth_blockNumber"));
  let timeMoved = false;
  let chain: Promise<void> = Promise.resolve();

  /** Serialised: one dump at a time; a dump covers every block mined before it started. */
  const persist = (): Promise<void> => {
    const run = chain.then(async () => {
      const head = Number(await rpc(upstream, "eth_blockNumber"));
      if (head <= written && !timeMoved) return;
      timeMoved = false;
      const hex = await rpc(upstream, "anvil_dumpState");
      if (typeof hex !== "string" || !hex.startsWith("0x")) throw new Error("anvil_dumpState returned no state");
      const raw = Buffer.from(hex.slice(2), "hex");
      // anvil_dumpState answers gzip; --load-state reads plain JSON.
      const json = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
      await writeDurably(stateFile, json);
      written = Math.max(written, head);
    });
    chain = run.catch(() => undefined);
    return run;
  };

  /** Whether the answer to these calls must wait until the chain is on disk. */
  const needsPersist = (calls: RpcCall[], answers: RpcAnswer[]): boolean => {
    for (const [i, c] of calls.entries()) {
      const method = typeof c.method === "string" ? c.method : "";
      const a = answers[i];
      if (MUTATING.test(method) && method !== "anvil_dumpState" && method !== "anvil_nodeInfo") {
        if (method === "evm_increaseTime" || method === "evm_setNextBlockTimestamp") timeMoved = true;
        return true;
      }
      if (method === "eth_getTransactionReceipt" && a?.result) return true;
      if (method === "eth_blockNumber" && typeof a?.result === "string" && Number(a.result) > written) return true;
      if (method === "eth_getBlockByNumber" && a?.result && typeof a.result === "object") {
        const n = (a.result as { number?: unknown }).number;
        if (typeof n === "string" && Number(n) > written) return true;
      }
    }
    return false;
  };

  const allowed = new Set(opts.allowOrigins ?? []);
  const server = http.createServer((req, res) => {
    // Only the named origins (the local portal) get CORS headers: any other web page the
    // developer opens stays unable to read the chain or send it transactions.
    const origin = req.headers.origin;
    if (origin !== undefined && allowed.has(origin)) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
    }
    if (req.method === "OPTIONS") {
      if (origin !== undefined && allowed.has(origin)) {
        res.setHeader("Access-Control-Allow-Methods", "POST");
        res.setHeader("Access-Control-Allow-Headers", "content-type");
        res.setHeader("Access-Control-Max-Age", "600");
      }
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        let calls: RpcCall[] = [];
        try {
          const parsed: unknown = JSON.parse(body.toString("utf8"));
          calls = (Array.isArray(parsed) ? parsed : [parsed]) as RpcCall[];
        } catch {
          // Anvil answers the parse error itself.
        }
        try {
          const up = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
          const text = await up.text();
          let answers: RpcAnswer[] = [];
          try {
            const parsed: unknown = JSON.parse(text);
            answers = (Array.isArray(parsed) ? parsed : [parsed]) as RpcAnswer[];
          } catch {
            answers = [];
          }
          if (needsPersist(calls, answers)) await persist();
          res.writeHead(up.status, { "content-type": "application/json" });
          res.end(text);
        } catch (e) {
          // Without a write to disk there is no answer: the client retries or fails, it is never told "done".
          opts.log?.(`rpc proxy: ${e instanceof Error ? e.message : String(e)}`);
          res.writeHead(502, { "content-type": "application/json" });
          res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "the local chain is not available" } }));
        }
      })();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    url: `http://${opts.host}:${opts.port}`,
    flush: async () => {
      await persist();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
