/**
 * A small ABI decoder for event logs, straight into plain JSON values. ethers' decoder builds
 * a Result proxy per tuple and copies bytes per field; at ~0.7 ms per `AssetApplied` it was
 * most of the backfill time. This one reads the hex string in place (the ABI spec's head/tail
 * layout) and is checked against ethers on every event type in the tests.
 */
import type { ParamType } from "ethers";
import { checksumAddress } from "../../sdk/address";
import type { Plain, PlainArgs } from "../store/records";

export type { Plain, PlainArgs };

export class AbiDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AbiDecodeError";
  }
}

export function checksum(lowerHex40: string): string {
  return checksumAddress(`0x${lowerHex40}`);
}

function isDynamic(p: ParamType): boolean {
  if (p.type === "string" || p.type === "bytes") return true;
  if (p.baseType === "array") return (p.arrayLength ?? -1) === -1 || (p.arrayChildren !== null && isDynamic(p.arrayChildren));
  if (p.baseType === "tuple") return (p.components ?? []).some(isDynamic);
  return false;
}

/** Bytes a static type takes in the head. */
function headSize(p: ParamType): number {
  if (p.baseType === "tuple") return (p.components ?? []).reduce((s, c) => s + (isDynamic(c) ? 32 : headSize(c)), 0);
  if (p.baseType === "array" && (p.arrayLength ?? -1) >= 0 && p.arrayChildren) return (p.arrayLength ?? 0) * headSize(p.arrayChildren);
  return 32;
}

/** Reads ABI data given as a 0x hex string; offsets are in bytes. */
class Reader {
  private readonly hex: string;
  constructor(data: string) {
    this.hex = data.startsWith("0x") ? data.slice(2).toLowerCase() : data.toLowerCase();
    if (this.hex.length % 2 !== 0) throw new AbiDecodeError("odd-length data");
  }
  get length(): number {
    return this.hex.length / 2;
  }
  word(at: number): string {
    if (at + 32 > this.length) throw new AbiDecodeError(`data too short: word at ${at} of ${this.length} bytes`);
    return this.hex.slice(at * 2, at * 2 + 64);
  }
  bytes(at: number, n: number): string {
    if (at + n > this.length) throw new AbiDecodeError(`data too short: ${n} bytes at ${at} of ${this.length}`);
    return this.hex.slice(at * 2, at * 2 + n * 2);
  }
  /** A uint256 that is an offset or a length: must fit in a JS number. */
  size(at: number): number {
    const w = this.word(at);
    if (!/^0{48}/.test(w)) throw new AbiDecodeError(`offset or length out of range at ${at}`);
    return parseInt(w.slice(48), 16);
  }
}

/** A static value from one 32-byte word (also how indexed topics are read). */
export function decodeWord(p: ParamType, word: string): Plain {
  const t = p.type;
  if (t === "address") return checksum(word.slice(24));
  if (t === "bool") return word.endsWith("1");
  if (t.startsWith("uint")) {
    const bits = Number(t.slice(4) || 256);
    return bits <= 48 ? parseInt(word.slice(64 - bits / 4), 16) : BigInt(`0x${word}`).toString();
  }
  if (t.startsWith("int")) {
    const bits = Number(t.slice(3) || 256);
    let v = BigInt(`0x${word}`);
    if (v >= 1n << 255n) v -= 1n << 256n;
    return bits <= 48 ? Number(v) : v.toString();
  }
  if (t.startsWith("bytes")) return `0x${word.slice(0, Number(t.slice(5)) * 2)}`;
  throw new AbiDecodeError(`type ${t} cannot be read from one word`);
}

function decodeAt(r: Reader, p: ParamType, at: number): Plain {
  if (p.type === "string" || p.type === "bytes") {
    const n = r.size(at);
    const hex = r.bytes(at + 32, n);
    return p.type === "bytes" ? `0x${hex}` : Buffer.from(hex, "hex").toString("utf8");
  }
  if (p.baseType === "tuple") return decodeTuple(r, p.components ?? [], at);
  if (p.baseType === "array") {
    const child = p.arrayChildren;
    if (!child) throw new AbiDecodeError(`array ${p.type} without element type`);
    let n = p.arrayLength ?? -1;
    let base = at;
    if (n === -1) {
      n = r.size(at);
      base = at + 32;
    }
    if (n > r.length) throw new AbiDecodeError(`array length ${n} exceeds the data`);
    const out: Plain[] = [];
    const dyn = isDynamic(child);
    const step = dyn ? 32 : headSize(child);
    for (let i = 0; i < n; i++) out.push(dyn ? decodeAt(r, child, base + r.size(base + i * step)) : decodeAt(r, child, base + i * step));
    return out;
  }
  return decodeWord(p, r.word(at));
}

function decodeTuple(r: Reader, params: readonly ParamType[], base: number): PlainArgs {
  const out: PlainArgs = {};
  let head = base;
  params.forEach((p, i) => {
    const name = p.name || `arg${i}`;
    if (isDynamic(p)) {
      out[name] = decodeAt(r, p, base + r.size(head));
      head += 32;
    } else {
      out[name] = decodeAt(r, p, head);
      head += headSize(p);
    }
  });
  return out;
}

/** Decodes an event's fields: indexed ones from `topics[1..]`, the rest from `data`. */
export function decodeEventArgs(inputs: readonly ParamType[], topics: readonly string[], data: string, anonymous = false): PlainArgs {
  const out: PlainArgs = {};
  let topic = anonymous ? 0 : 1;
  const nonIndexed: ParamType[] = [];
  for (const p of inputs) {
    if (!p.indexed) {
      nonIndexed.push(p);
      continue;
    }
    const t = topics[topic++];
    if (t === undefined) throw new AbiDecodeError("fewer topics than indexed fields");
    // A dynamic indexed field is stored as its hash; keep the hash.
    out[p.name] = isDynamic(p) || p.baseType === "tuple" ? t.toLowerCase() : decodeWord(p, t.slice(2).toLowerCase());
  }
  const body = decodeTuple(new Reader(data), nonIndexed, 0);
  // Keep the ABI's field order.
  const ordered: PlainArgs = {};
  inputs.forEach((p, i) => {
    const name = p.name || `arg${i}`;
    const v = p.indexed ? out[p.name] : body[name];
    if (v !== undefined) ordered[name] = v;
  });
  return ordered;
}
