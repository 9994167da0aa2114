/**
 * Receipts decoded into named events (contracts/README.md lists them: the public interface) and
 * the new ids a caller wants by name. Values are JSON-ready: integers as decimal strings,
 * addresses checksummed, structs as objects, so a CLI can print `events` as they are.
 */
import { Interface, type LogDescription, type ParamType, type TransactionReceipt } from "ethers";
import { LEDGER_ABIS } from "./abis";
import { LEDGER_KEYS, type Deployment, type LedgerKey } from "./deployment";

export type EventValue = string | number | boolean | EventValue[] | { [name: string]: EventValue };

export interface DecodedEvent {
  /** The event's name, e.g. "AssetApplied". */
  name: string;
  /** Which ledger contract emitted it (its deployment key). */
  contract: LedgerKey;
  address: string;
  logIndex: number;
  /** Its fields by name. */
  args: Record<string, EventValue>;
}

/** A value decoded by ethers, made JSON-ready along its ABI type. */
function jsonValue(param: ParamType, value: unknown): EventValue {
  if (param.isArray()) {
    const child = param.arrayChildren;
    return (value as unknown[]).map((v) => jsonValue(child, v));
  }
  if (param.isTuple()) {
    const out: Record<string, EventValue> = {};
    const values = value as unknown[];
    param.components.forEach((c, i) => {
      out[c.name || String(i)] = jsonValue(c, values[i]);
    });
    return out;
  }
  if (typeof value === "bigint") {
    // uint8 enums and small counters stay numbers; ids and amounts become decimal strings.
    return param.type === "uint8" ? Number(value) : value.toString();
  }
  if (typeof value === "boolean" || typeof value === "string" || typeof value === "number") return value;
  // An indexed dynamic value (string, bytes, array) arrives as its topic hash.
  if (value !== null && typeof value === "object" && "hash" in value) return String((value as { hash: unknown }).hash);
  return String(value);
}

function describe(parsed: LogDescription): Record<string, EventValue> {
  const args: Record<string, EventValue> = {};
  parsed.fragment.inputs.forEach((input, i) => {
    args[input.name || String(i)] = jsonValue(input, parsed.args[i]);
  });
  return args;
}

/** Decodes a ledger receipt's logs; logs from other contracts are left out. */
export class EventDecoder {
  private readonly byAddress = new Map<string, { key: LedgerKey; iface: Interface }>();

  constructor(deployment: Deployment) {
    for (const key of LEDGER_KEYS) {
      this.byAddress.set(deployment.addresses[key].toLowerCase(), { key, iface: new Interface(LEDGER_ABIS[key]) });
    }
  }

  decode(receipt: Pick<TransactionReceipt, "logs">): DecodedEvent[] {
    const out: DecodedEvent[] = [];
    for (const log of receipt.logs) {
      const c = this.byAddress.get(log.address.toLowerCase());
      if (!c) continue;
      let parsed: LogDescription | null = null;
      try {
        parsed = c.iface.parseLog({ topics: [...log.topics], data: log.data });
      } catch {
        parsed = null;
      }
      if (!parsed) continue;
      out.push({ name: parsed.name, contract: c.key, address: log.address, logIndex: log.index, args: describe(parsed) });
    }
    return out;
  }
}

/** The events of `name` (optionally only from `contract`). */
export function eventsNamed(events: readonly DecodedEvent[], name: string, contract?: LedgerKey): DecodedEvent[] {
  return events.filter((e) => e.name === name && (contract === undefined || e.contract === contract));
}

/** A decimal-string field of the first `name` event, as a bigint. */
export function idFrom(events: readonly DecodedEvent[], name: string, field: string, contract?: LedgerKey): bigint | undefined {
  const e = eventsNamed(events, name, contract)[0];
  const v = e?.args[field];
  return typeof v === "string" && /^\d+$/.test(v) ? BigInt(v) : undefined;
}

/** Any value made printable as JSON: bigints become decimal strings. */
export function toJson(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}
