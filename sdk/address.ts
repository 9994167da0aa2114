/**
 * Checksummed addresses (EIP-55), remembered: the checksum is a keccak hash, and the same few
 * thousand member addresses come up in every log and request.
 */
import { getAddress } from "ethers";

const known = new Map<string, string>();

/** The checksummed form of a 0x-prefixed 40-hex-digit address in any case. Throws on anything else. */
export function checksumAddress(address: string): string {
  const lower = address.toLowerCase();
  let c = known.get(lower);
  if (c === undefined) {
    c = getAddress(lower);
    if (known.size >= 100_000) known.clear();
    known.set(lower, c);
  }
  return c;
}
