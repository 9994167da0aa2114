/**
 * Turns raw logs into plain, JSON-ready events: addresses checksummed, hashes lower-case,
 * small integers (enums, times, counts) as numbers and large ones (ids, amounts) as strings.
 */
import { getAddress, type EventFragment, type Interface, type ParamType, type Result } from "ethers";
import type { ContractKey, Deployment } from "../deployment";

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

export type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };
export type PlainArgs = Record<string, Plain>;

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
  private readonly fragments = new Map<string, { contract: ContractKey; iface: Interface; fragment: EventFragment }>();

  constructor(private readonly deployment: Deployment) {
    for (const [address, contract] of deployment.byAddress) {
      const iface = deployment.interfaces[contract];
      iface.forEachEvent((fragment) => {
        this.fragments.set(`${address}:${fragment.topicHash}`, { contract, iface, fragment });
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
    const result = hit.iface.decodeEventLog(hit.fragment, log.data, log.topics);
    return {
      contract: hit.contract,
      event: hit.fragment.name,
      args: plainTuple(hit.fragment.inputs, result),
      block: Number(log.blockNumber),
      blockHash: log.blockHash.toLowerCase(),
      tx: log.transactionHash.toLowerCase(),
      logIndex: Number(log.logIndex),
    };
  }
}

function plainTuple(params: readonly ParamType[], values: Result): PlainArgs {
  const out: PlainArgs = {};
  params.forEach((p, i) => {
    out[p.name || `arg${i}`] = plain(p, values[i]);
  });
  return out;
}

function plain(p: ParamType, v: unknown): Plain {
  if (p.baseType === "tuple") return plainTuple(p.components ?? [], v as Result);
  if (p.baseType === "array") {
    const child = p.arrayChildren;
    return child ? (v as Result).map((x: unknown) => plain(child, x)) : [];
  }
  if (p.type === "address") return getAddress(v as string);
  if (p.type === "bool") return Boolean(v);
  if (p.type === "string") return String(v);
  if (p.type.startsWith("uint") || p.type.startsWith("int")) {
    const bits = Number(p.type.replace(/^u?int/, "") || 256);
    return bits <= 48 ? Number(v as bigint) : (v as bigint).toString();
  }
  if (p.type.startsWith("bytes")) return String(v).toLowerCase();
  return String(v);
}
