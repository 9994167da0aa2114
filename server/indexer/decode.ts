/**
 * Turns raw logs into plain, JSON-ready events: addresses checksummed, hashes lower-case,
 * small integers (enums, times, counts) as numbers and large ones (ids, amounts) as strings.
 */
import type { EventFragment } from "ethers";
import type { ContractKey, Deployment } from "../deployment";
import { decodeEventArgs, type Plain, type PlainArgs } from "./abi";

export type { Plain, PlainArgs };

export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  blockTimestamp?: string;
  removed?: boolean;
}


export interface DecodedEvent {
  contract: ContractKey;
  event: string;
  args: PlainArgs;
  block: number;
  blockHash: string;
  tx: string;
  logIndex: number;
}

export class LogDecoder {
  private readonly fragments = new Map<string, { contract: ContractKey; fragment: EventFragment }>();

  constructor(private readonly deployment: Deployment) {
    for (const [address, contract] of deployment.byAddress) {
      const iface = deployment.interfaces[contract];
      iface.forEachEvent((fragment) => {
        this.fragments.set(`${address}:${fragment.topicHash}`, { contract, fragment });
      });
    }
  }

  /** The addresses to ask `eth_getLogs` for. */
  addresses(): string[] {
    return [...this.deployment.byAddress.keys()];
  }

  /** Decodes a log of an indexed contract, or returns null for one the ABI does not know. */
  decode(log: RawLog): DecodedEvent | null {
    const topic0 = log.topics[0];
    if (!topic0) return null;
    const hit = this.fragments.get(`${log.address.toLowerCase()}:${topic0.toLowerCase()}`);
    if (!hit) return null;
    return {
      contract: hit.contract,
      event: hit.fragment.name,
      args: decodeEventArgs(hit.fragment.inputs, log.topics, log.data, hit.fragment.anonymous),
      block: Number(log.blockNumber),
      blockHash: log.blockHash.toLowerCase(),
      tx: log.transactionHash.toLowerCase(),
      logIndex: Number(log.logIndex),
    };
  }
}
