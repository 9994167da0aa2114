/**
 * Runs the indexer + API in-process against an Anvil node, for the API tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ServerConfigSchema, type ServerConfig } from "../../server/config";
import { startServer, type RunningServer } from "../../server/server";

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
