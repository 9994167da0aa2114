/**
 * Where a command talks to: the node (--rpc), the API (--api) and the deployment (--network),
 * from the flags, then DRL_RPC_URL / DRL_API_URL, then the local chain of `drl start` (its data
 * directory, DRL_DATA_DIR or ./.drl, records the URLs it listens on in endpoints.json).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Network } from "ethers";
import { z } from "zod";
import { ProvenanceClient } from "../api/client";
import { loadDeployment, type Deployment } from "../ledger/deployment";
import { NodeUnavailableError, redactUrl } from "../ledger/errors";
import { UsageError } from "./exit";
import { createOutput, type Output } from "./output";

export interface GlobalOptions {
  json?: boolean;
  rpc?: string;
  api?: string;
  network?: string;
}

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
export const DEFAULT_API_URL = "http://127.0.0.1:8080";

/** What `drl start` writes into its data directory for the other commands. */
export const EndpointsSchema = z.object({ rpcUrl: z.string(), apiUrl: z.string(), chainId: z.number(), local: z.boolean() });
export type Endpoints = z.infer<typeof EndpointsSchema>;

export function dataDir(): string {
  return path.resolve(process.env.DRL_DATA_DIR ?? ".drl");
}

export function endpointsFile(dir = dataDir()): string {
  return path.join(dir, "endpoints.json");
}

export function deploymentFileOf(dir = dataDir()): string {
  return path.join(dir, "deployment.json");
}

function readEndpoints(): Endpoints | null {
  const file = endpointsFile();
  if (!existsSync(file)) return null;
  try {
    const parsed = EndpointsSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function checkUrl(flag: string, raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(flag, `"${redactUrl(raw)}" is not a URL (e.g. http://127.0.0.1:8545)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new UsageError(flag, "must be an http:// or https:// URL");
  return raw;
}

export class Context {
  readonly out: Output;
  readonly rpcUrl: string;
  readonly apiUrl: string;
  /** true when the command talks to the chain `drl start` runs (no --network, no --rpc of another node). */
  readonly local: boolean;
  private provider?: JsonRpcProvider;
  private deploymentCache?: Deployment;

  constructor(readonly opts: GlobalOptions) {
    this.out = createOutput(opts.json === true);
    const ep = opts.network === undefined ? readEndpoints() : null;
    this.rpcUrl = checkUrl("--rpc", opts.rpc ?? process.env.DRL_RPC_URL ?? ep?.rpcUrl ?? DEFAULT_RPC_URL);
    this.apiUrl = checkUrl("--api", opts.api ?? process.env.DRL_API_URL ?? ep?.apiUrl ?? DEFAULT_API_URL);
    this.local = opts.network === undefined || opts.network === "localhost";
  }

  /** A provider on --rpc: no batching and no cache, so a read right after a write sees it. */
  rpc(): JsonRpcProvider {
    if (!this.provider) {
      const chainId = this.deployment().chainId;
      this.provider = new JsonRpcProvider(this.rpcUrl, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 100 });
    }
    return this.provider;
  }

  /** deployments/<--network>.json, or the data directory's deployment of the local chain. */
  deployment(): Deployment {
    if (!this.deploymentCache) {
      const network = this.opts.network;
      if (network !== undefined) {
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(network)) throw new UsageError("--network", "a network name is letters, digits, '-' and '_'");
        this.deploymentCache = loadDeployment(network);
      } else {
        const file = deploymentFileOf();
        if (!existsSync(file)) {
          throw new UsageError("--network", `no local deployment in ${path.dirname(file)} (run drl start, set DRL_DATA_DIR, or give --network NAME)`);
        }
        this.deploymentCache = loadDeployment(file);
      }
    }
    return this.deploymentCache;
  }

  api(): ProvenanceClient {
    return new ProvenanceClient(this.apiUrl.replace(/\/$/, ""));
  }

  /** Raw JSON-RPC (dev commands): throws NodeUnavailableError when nobody answers. */
  async rawRpc(method: string, params: unknown[] = []): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      throw new NodeUnavailableError(redactUrl(this.rpcUrl), e instanceof Error ? (errCause(e) ?? e.message) : String(e));
    }
    let body: { result?: unknown; error?: { message?: string } };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new NodeUnavailableError(redactUrl(this.rpcUrl), `HTTP ${res.status}, not a JSON-RPC answer`);
    }
    if (body.error) throw new UsageError("", `${method}: the node refused: ${body.error.message ?? "error"}`);
    return body.result;
  }

  close(): void {
    this.provider?.destroy();
  }
}

function errCause(e: Error): string | undefined {
  const c = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (c && typeof c.code === "string") return c.code;
  if (c && typeof c.message === "string") return c.message;
  return undefined;
}
