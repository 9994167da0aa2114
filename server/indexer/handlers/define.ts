/**
 * How handler modules are written, in the shape Ponder gives its users: one module per
 * contract, each registering its handlers by event name,
 *
 *   export default contract<DataAssetRegistry>("registry")
 *     .on("AssetRegistered", {
 *       fields: { assetId: "dec", holder: "address", registrar: "address", registrationNumber: "string", confirmedAt: "num", validUntil: "num" },
 *       summary: (a, f) => `Registered as ${a.registrationNumber} ...`,
 *       apply: (a, ctx) => { ... },
 *     });
 *
 * The event name and its fields come from TypeChain's event types (`filters` of the contract
 * type, whose OutputObject lists every field): an event or a field renamed in the ABI fails to
 * compile, and so does a field that is added, removed, or given an incompatible kind. The
 * TypeChain types are imported as types only, so the compiled server needs no TypeChain.
 *
 * `fields` says what the fast decoder (../abi.ts) gives for each field: "num" a JS number
 * (uint ≤ 48 bits: enums, times, counts), "dec" a decimal string (larger ints: ids, amounts),
 * "address" a checksummed address, "hash" lower-case bytes32, "bytes3", "string", "bool",
 * "decs" an array of decimal strings, and a nested object for a struct. It is checked twice:
 * against the deployment's ABI when the indexer starts (`checkAgainstAbi`), and against every
 * decoded event (`validate`), which throws IndexInvariantError naming the event and the field
 * instead of letting a missing or mistyped field become "" or 0.
 */
import type { ParamType } from "ethers";
import type { Where } from "../../../sdk/api/schemas";
import type { TypedContractEvent } from "../../../typechain-types/common";
import type { ContractKey } from "../../deployment";
import type { Plain, PlainArgs } from "../../store/records";
import type { DecodedEvent } from "../decode";
import type { IndexDb } from "./db";

/** An event broke the indexer's expectations of it (a missing field, a wrong type, an unknown event). */
export class IndexInvariantError extends Error {
  constructor(
    /** `contract.Event` */
    readonly event: string,
    /** The field at fault (`application.contentHash` for a struct member), or "" for the event itself. */
    readonly field: string,
    message: string,
  ) {
    super(`${event}${field ? `.${field}` : ""}: ${message}`);
    this.name = "IndexInvariantError";
  }
}

/**
 * A handler met an event about a record no earlier event created (a suspension of a member
 * never admitted, a ruling on an objection never filed). The dispatcher turns it into an
 * IndexInvariantError naming the event: it means a bug in the index or a replaced ABI, and
 * the indexer halts rather than carry on from a state the chain does not have.
 */
export class MissingRecordError extends Error {
  constructor(
    readonly field: string,
    readonly key: string,
  ) {
    super(`refers to ${key}, which no earlier event created`);
    this.name = "MissingRecordError";
  }
}

/** `db.patch` of a record that must exist: throws MissingRecordError (naming the event's `field`) when it does not. */
export function mustPatch<T>(db: IndexDb, field: string, key: string, change: (v: T) => void): void {
  if (!db.patch<T>(key, change)) throw new MissingRecordError(field, key);
}

/** `db.get` of a record that must exist. */
export function mustGet<T>(db: IndexDb, field: string, key: string): T {
  const v = db.get<T>(key);
  if (v === undefined) throw new MissingRecordError(field, key);
  return v;
}

// ─── Field kinds, from TypeChain's OutputObject types ──────────────────────────────────

export type ScalarKind = "num" | "dec" | "address" | "hash" | "bytes3" | "string" | "bool" | "decs" | "nums";

/**
 * The named fields of an OutputObject, or of a struct output (a tuple with names, whose array
 * keys are left out: a struct member may not be called like an array method).
 */
type FieldKeys<T> = (T extends readonly unknown[] ? Exclude<keyof T, keyof unknown[] | `${number}`> : keyof T) & string;

/** The kinds a field of TypeScript type T may be declared as. */
export type KindFor<T> = T extends bigint
  ? "num" | "dec"
  : T extends boolean
    ? "bool"
    : T extends string
      ? "address" | "hash" | "bytes3" | "string"
      : T extends readonly unknown[]
        ? number extends T["length"]
          ? T[number] extends bigint
            ? "decs" | "nums"
            : never
          : StructSpec<T>
        : T extends object
          ? StructSpec<T>
          : never;

/** Every field of T with its kind: none may be left out. */
export type StructSpec<T> = { [K in FieldKeys<T>]-?: KindFor<T[K]> };

/** What the decoder gives for a field declared as S. */
export type ValueOf<S> = S extends "num"
  ? number
  : S extends "dec" | "address" | "hash" | "bytes3" | "string"
    ? string
    : S extends "bool"
      ? boolean
      : S extends "decs"
        ? readonly string[]
        : S extends "nums"
          ? readonly number[]
          : S extends object
            ? { readonly [K in keyof S]: ValueOf<S[K]> }
            : never;

type Filters<C> = C extends { filters: infer F } ? F : never;
/** The events of a TypeChain contract type, by plain name (not the `Name(type,...)` overloads). */
export type EventName<C> = { [K in keyof Filters<C>]: K extends `${string}(${string}` ? never : K }[keyof Filters<C>] & string;
/** TypeChain's OutputObject of one event. */
export type OutputOf<C, N extends EventName<C>> = Filters<C>[N] extends TypedContractEvent<infer _I, infer _O, infer O> ? O : never;

/** Keys of S that O does not have: a field that is no longer in the ABI. */
type NoExtraFields<S, O> = { [K in Exclude<keyof S, FieldKeys<O>>]: never };

// ─── Handlers ───────────────────────────────────────────────────────────────────────────

/** Formatting helpers for summaries. */
export interface Fmt {
  /** A party: "Name (0x…)" for a member, the address otherwise. */
  who(address: string): string;
  /** A unix time as an ISO date. */
  date(t: number): string;
  /** A hash, shortened. */
  short(hash: string): string;
}

export interface HandlerContext {
  readonly db: IndexDb;
  readonly where: Where;
  readonly event: DecodedEvent;
}

export interface EventDef<S> {
  fields: S;
  /** The asset whose history the event belongs to; default: its `assetId` field, if it has one. */
  asset?: (a: ValueOf<S>) => string | null;
  /** One plain-language sentence for the provenance timeline. */
  summary: (a: ValueOf<S>, f: Fmt) => string;
  /** The change to the derived state, if any (the history entry is written either way). */
  apply?: (a: ValueOf<S>, ctx: HandlerContext) => void;
}

type SpecNode = ScalarKind | { readonly [k: string]: SpecNode };

/** An event's handler as the dispatcher runs it (types erased). */
export interface RuntimeHandler {
  readonly contract: ContractKey;
  readonly event: string;
  readonly fields: { readonly [k: string]: SpecNode };
  asset(args: PlainArgs): string | null;
  summary(args: PlainArgs, f: Fmt): string;
  apply(args: PlainArgs, ctx: HandlerContext): void;
  /** Throws IndexInvariantError unless every field is present with its kind. */
  validate(args: PlainArgs): void;
}

/** A contract's handlers, registered by event name. */
export class ContractHandlers<C> {
  readonly events = new Map<string, RuntimeHandler>();

  constructor(readonly key: ContractKey) {}

  on<N extends EventName<C>, const S extends StructSpec<OutputOf<C, N>>>(
    name: N,
    def: EventDef<S> & { fields: S & NoExtraFields<S, OutputOf<C, N>> },
  ): this {
    if (this.events.has(name)) throw new Error(`${this.key}.${name} is registered twice`);
    const label = `${this.key}.${name}`;
    const fields = def.fields as unknown as { readonly [k: string]: SpecNode };
    // The handler's types are the spec's: the values were checked against it before the call.
    const typed = (args: PlainArgs) => args as unknown as ValueOf<S>;
    const assetOf = def.asset;
    const hasAssetId = fields.assetId === "dec";
    const apply = def.apply;
    this.events.set(name, {
      contract: this.key,
      event: name,
      fields,
      asset: assetOf ? (args) => assetOf(typed(args)) : hasAssetId ? (args) => args.assetId as string : () => null,
      summary: (args, f) => def.summary(typed(args), f),
      apply: apply ? (args, ctx) => apply(typed(args), ctx) : () => {},
      validate: (args) => validateFields(label, fields, args, ""),
    });
    return this;
  }
}

/** Starts a contract's handler module. */
export function contract<C>(key: ContractKey): ContractHandlers<C> {
  return new ContractHandlers<C>(key);
}

// ─── Run-time checks ────────────────────────────────────────────────────────────────────

function describe(v: Plain | undefined): string {
  if (v === undefined) return "nothing (the field is missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

const DECIMAL = /^-?\d+$/;

/** A decimal string, as the decoder writes large integers. */
function isDecimal(v: Plain | undefined): boolean {
  return typeof v === "string" && DECIMAL.test(v);
}

function scalarOk(kind: ScalarKind, v: Plain | undefined): boolean {
  switch (kind) {
    case "num":
      return typeof v === "number" && Number.isInteger(v);
    case "dec":
      return isDecimal(v);
    case "address":
      return typeof v === "string" && v.length === 42 && v.startsWith("0x");
    case "hash":
      return typeof v === "string" && v.length === 66 && v.startsWith("0x");
    case "bytes3":
      return typeof v === "string" && v.length === 8 && v.startsWith("0x");
    case "string":
      return typeof v === "string";
    case "bool":
      return typeof v === "boolean";
    case "decs":
      return Array.isArray(v) && v.every(isDecimal);
    case "nums":
      return Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isInteger(x));
  }
}

function validateFields(event: string, spec: { readonly [k: string]: SpecNode }, args: { [k: string]: Plain }, prefix: string): void {
  for (const name in spec) {
    const kind = spec[name] as SpecNode;
    const v = args[name];
    const path = prefix + name;
    if (typeof kind === "string") {
      if (!scalarOk(kind, v)) throw new IndexInvariantError(event, path, `expected ${kind}, got ${describe(v)}`);
    } else {
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new IndexInvariantError(event, path, `expected a struct, got ${describe(v)}`);
      validateFields(event, kind, v, `${path}.`);
    }
  }
}

function intBits(type: string): number | null {
  const m = /^u?int(\d*)$/.exec(type);
  if (!m) return null;
  return Number(m[1] || 256);
}

/** Whether a kind fits an ABI parameter type. */
function fits(kind: ScalarKind, p: ParamType): boolean {
  const bits = intBits(p.type);
  switch (kind) {
    case "num":
      return bits !== null && bits <= 48;
    case "dec":
      return bits !== null && bits > 48;
    case "address":
      return p.type === "address";
    case "hash":
      return p.type === "bytes32";
    case "bytes3":
      return p.type === "bytes3";
    case "string":
      return p.type === "string";
    case "bool":
      return p.type === "bool";
    case "decs":
    case "nums": {
      const child = p.arrayChildren;
      const childBits = child ? intBits(child.type) : null;
      return p.baseType === "array" && childBits !== null && (kind === "decs" ? childBits > 48 : childBits <= 48);
    }
  }
}

/**
 * Checks a handler's field spec against the event as the deployment's ABI declares it: the
 * same field names, each of a kind the decoder produces for its type. Throws
 * IndexInvariantError naming the event and the first field at fault.
 */
export function checkAgainstAbi(event: string, spec: { readonly [k: string]: SpecNode }, params: readonly ParamType[], prefix = ""): void {
  const names = new Set(params.map((p) => p.name));
  for (const name of Object.keys(spec)) {
    if (!names.has(name)) throw new IndexInvariantError(event, prefix + name, "the deployment's ABI has no such field (renamed or removed?)");
  }
  for (const p of params) {
    const kind = spec[p.name];
    const path = prefix + p.name;
    if (kind === undefined) throw new IndexInvariantError(event, path, `the deployment's ABI has this field (${p.type}) but the handler does not know it`);
    if (typeof kind === "string") {
      if (!fits(kind, p)) throw new IndexInvariantError(event, path, `the handler reads it as ${kind}, but the ABI says ${p.type}`);
    } else {
      if (p.baseType !== "tuple") throw new IndexInvariantError(event, path, `the handler reads it as a struct, but the ABI says ${p.type}`);
      checkAgainstAbi(event, kind, p.components ?? [], `${path}.`);
    }
  }
}
