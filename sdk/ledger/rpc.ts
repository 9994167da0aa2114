/**
 * Opening a JSON-RPC provider that fails fast: ethers' JsonRpcProvider otherwise retries
 * network detection forever when the node is down. We ask for the chain id once (with a
 * timeout) and pin the network, so a dead node is a NodeUnavailableError naming the
 * (redacted) URL at once.
 */
import { JsonRpcProvider, Network, Wallet, type Signer } from "ethers";
import { InputError, NodeUnavailableError, redactUrl } from "./errors";
import { networkFailureOf } from "./revert";

export interface RpcOptions {
  /** How long the first request may take (default 5 s). */
  timeoutMs?: number;
  /** Polling interval for receipts (default 250 ms; use less on an automining local chain). */
  pollingIntervalMs?: number;
  /** Most JSON-RPC calls sent in one HTTP request (default 50; 1 turns batching off). */
  batchMaxCount?: number;
}

/** cacheTimeout -1: ethers otherwise answers a repeated call (a nonce look-up) from a 250 ms cache. */
export async function connectRpc(url: string, opts: RpcOptions = {}): Promise<JsonRpcProvider> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError("rpc", "must be an http(s) or ws(s) URL");
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new InputError("rpc", "must be an http:// or https:// URL");
  const safe = redactUrl(url);
  let chainId: bigint;
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    const body = (await res.json()) as { result?: unknown };
    if (typeof body.result !== "string") throw new NodeUnavailableError(safe, `answered HTTP ${res.status} without a chain id`);
    chainId = BigInt(body.result);
  } catch (e) {
    if (e instanceof NodeUnavailableError) throw e;
    const name = (e as { name?: unknown } | null)?.name;
    const reason = name === "TimeoutError" ? "timed out" : (networkFailureOf(e) ?? "not a JSON-RPC endpoint");
    throw new NodeUnavailableError(safe, reason);
  }
  const provider = new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: opts.batchMaxCount ?? 50, batchStallTime: 2, cacheTimeout: -1 });
  provider.pollingInterval = opts.pollingIntervalMs ?? 250;
  return provider;
}

/** A wallet from a 0x-prefixed private key, connected to `provider`. The key is never echoed. */
export function walletFromKey(key: string, provider: JsonRpcProvider): Signer {
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key.trim())) throw new InputError("private key", "must be 32 bytes of hex (DRL_PRIVATE_KEY)");
  return new Wallet(key.trim().startsWith("0x") ? key.trim() : `0x${key.trim()}`, provider);
}
