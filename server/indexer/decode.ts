/**
 * Turns raw logs into plain, JSON-ready events: addresses checksummed, hashes lower-case,
 * small integers (enums, times, counts) as numbers and large ones (ids, amounts) as strings.
 *
 * Which contract a log belongs to is the indexer's call (`ContractSet`): the static contracts
 * of the deployment, plus the registry's current compliance and licence modules, which change
 * with its ModulesSet. A module's logs are decoded with the deployment's ABI of its key.
 */
import type { EventFragment } from "ethers";
import { MODULE_KEYS, type ContractKey, type Deployment, type ModuleKey } from "../deployment";
import type { StoredModules } from "../store/records";
import type { RawLog as ChainRawLog } from "../../sdk/certs/chain-state";
import { decodeEventArgs, type Plain, type PlainArgs } from "./abi";

export type { Plain, PlainArgs };

/** A log as eth_getLogs answers it (the SDK's shape), with the block time some nodes add. */
export interface RawLog extends ChainRawLog {
  blockTimestamp?: string;
}

export interface DecodedEvent {
  contract: ContractKey;
  /** The emitting contract's address, lower case (a module's state is keyed by it). */
  address: string;
  event: string;
  args: PlainArgs;
  block: number;
  blockHash: string;
  tx: string;
  logIndex: number;
}

/** The addresses the indexer reads: the static contracts and the registry's current modules. */
export class ContractSet {
  private modules: StoredModules;

  constructor(
    private readonly staticContracts: ReadonlyMap<string, ContractKey>,
    modules: StoredModules,
  ) {
    this.modules = { ...modules };
  }

  get current(): StoredModules {
    return { ...this.modules };
  }

  /** The key a log's address stands for now, or undefined (not ours, or a replaced module). */
  keyOf(address: string): ContractKey | undefined {
    const a = address.toLowerCase();
    const fixed = this.staticContracts.get(a);
    if (fixed) return fixed;
    for (const k of MODULE_KEYS) if (this.modules[k] === a) return k;
    return undefined;
  }

  /** Every address to ask `eth_getLogs` for. */
  addresses(): string[] {
    return [...new Set([...this.staticContracts.keys(), ...MODULE_KEYS.map((k) => this.modules[k])])];
  }

  /** Switches to `next`; returns the module addresses that were not read before. */
  switchTo(next: StoredModules): string[] {
    const before = new Set(this.addresses());
    this.modules = { ...next };
    return MODULE_KEYS.map((k: ModuleKey) => next[k]).filter((a, i, all) => !before.has(a) && all.indexOf(a) === i);
  }
}

export class LogDecoder {
  private readonly fragments = new Map<string, EventFragment>();

  constructor(deployment: Deployment) {
    for (const [contract, iface] of Object.entries(deployment.interfaces)) {
      iface.forEachEvent((fragment) => {
        this.fragments.set(`${contract}:${fragment.topicHash}`, fragment);
      });
    }
  }

  /** Decodes a log of contract `contract`, or returns null for an event its ABI does not know. */
  decode(log: RawLog, contract: ContractKey): DecodedEvent | null {
    const topic0 = log.topics[0];
    if (!topic0) return null;
    const fragment = this.fragments.get(`${contract}:${topic0.toLowerCase()}`);
    if (!fragment) return null;
    return {
      contract,
      address: log.address.toLowerCase(),
      event: fragment.name,
      args: decodeEventArgs(fragment.inputs, log.topics, log.data, fragment.anonymous),
      block: Number(log.blockNumber),
      blockHash: log.blockHash.toLowerCase(),
      tx: log.transactionHash.toLowerCase(),
      logIndex: Number(log.logIndex),
    };
  }
}
