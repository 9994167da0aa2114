/**
 * Small helpers shared by the handler modules.
 */
import { ZeroHash } from "ethers";

/** `bytes3` currency codes as text ("0x434e59" → "CNY"); other bytes stay hex. */
export function currency(hex: string): string {
  const code = Buffer.from(hex.slice(2), "hex").toString("latin1");
  return /^[A-Z]{3}$/.test(code) ? code : hex;
}

/** A hash, or null for the zero hash. */
export const hashOrNull = (h: string): string | null => (h === ZeroHash ? null : h);

/** `list` without the items `drop` matches. */
export function without<T>(list: readonly T[], drop: (x: T) => boolean): T[] {
  return list.filter((x) => !drop(x));
}

/** `list` with `item` added once. */
export function withOnce<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? [...list] : [...list, item];
}
