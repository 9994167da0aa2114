/**
 * Gives a demo asset a longer history: its holder changes its metadata until the history API
 * counts a given number of events. For bench:portal (an asset with exactly 200 events) and the
 * portal's browser test of a timeline longer than one page.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { JsonRpcProvider, Network, NonceManager } from "ethers";
import type { AssetResponse } from "../../sdk/api/schemas";
import { devAccounts, devWallet, type DevAccountName } from "../../sdk/cli/dev-accounts";
import { LedgerClient } from "../../sdk/ledger/client";
import { loadDeployment } from "../../sdk/ledger/deployment";
import { textHash } from "../../sdk/text";

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every history event of the asset, counted over all pages. */
export async function historyCount(base: string, id: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const q: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    const page: { items: unknown[]; nextCursor: string | null } = await getJson(`${base}/v1/assets/${id}/history?limit=200${q}`);
    n += page.items.length;
    if (page.nextCursor === null || page.items.length === 0) return n;
    cursor = page.nextCursor;
  }
  throw new Error(`asset ${id}: more than 100 pages of history`);
}

export interface GrowHistory {
  /** The API, e.g. http://127.0.0.1:8080. */
  base: string;
  rpcUrl: string;
  /** drl start's data directory (its deployment.json). */
  dataDir: string;
  assetId: string;
  /** The number of history events wanted. */
  events: number;
  /** Changes waiting for their receipts at once. */
  inFlight?: number;
  log?: (line: string) => void;
}

export interface GrownHistory {
  holder: string;
  holderName: DevAccountName;
  eventsBefore: number;
  sent: number;
  sendMs: number;
}

/**
 * MetadataChanged events from the asset's holder (a development account) until the history has
 * `events` events: sends them and waits for their receipts, not for the indexer.
 */
export async function growHistory(o: GrowHistory): Promise<GrownHistory> {
  const asset = await getJson<AssetResponse>(`${o.base}/v1/assets/${o.assetId}`);
  const holder = asset.holder?.address;
  if (!holder) throw new Error(`asset ${o.assetId} has no holder`);
  const holderName = (Object.entries(devAccounts()) as [DevAccountName, string][]).find(([, a]) => a.toLowerCase() === holder.toLowerCase())?.[0];
  if (!holderName) throw new Error(`asset ${o.assetId}'s holder ${holder} is not a development account`);
  const eventsBefore = await historyCount(o.base, o.assetId);
  const need = o.events - eventsBefore;
  if (need < 0) throw new Error(`asset ${o.assetId} already has ${eventsBefore} history events, more than ${o.events}`);

  const provider = new JsonRpcProvider(o.rpcUrl, Network.from(31337), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1, pollingInterval: 20 });
  const deployment = loadDeployment(path.join(o.dataDir, "deployment.json"));
  // A NonceManager hands out the nonces, so that several changes can be waiting for their receipts at once.
  const client = LedgerClient.connect({ runner: new NonceManager(devWallet(holderName).connect(provider)), deployment, rpcUrl: o.rpcUrl });
  const inFlight = o.inFlight ?? 8;
  o.log?.(`asset ${o.assetId} (${asset.name}) has ${eventsBefore} events; ${holderName} changes its metadata ${need} times (${inFlight} in flight)`);
  const t0 = performance.now();
  let next = 1;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i <= need; i = next++) {
      const r = await client.change({ assetId: BigInt(o.assetId), metadataHash: textHash(`bench metadata v${i}`), metadataUri: `https://data.example/asset-${o.assetId}/metadata-v${i}.json` });
      if (!r.events.some((e) => e.name === "MetadataChanged")) throw new Error(`change ${i} emitted no MetadataChanged (${r.txHash})`);
      if (++done % 50 === 0) o.log?.(`  ${done}/${need} mined`);
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    provider.destroy();
  }
  return { holder, holderName, eventsBefore, sent: need, sendMs: performance.now() - t0 };
}
