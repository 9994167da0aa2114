/**
 * EIP-712 domains, read from the contract (ERC-5267 `eip712Domain()`) rather than hard-coded,
 * and the zod pieces the signed-message files share.
 */
import { getAddress, type TypedDataDomain } from "ethers";
import { z } from "zod";

export interface Eip712Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

export const FileAddress = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((a) => getAddress(a.toLowerCase()));
export const FileBytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string")
  .transform((h) => h.toLowerCase());
/** A uint as a decimal string (files keep big integers exact). */
export const FileUint = z
  .string()
  .regex(/^\d{1,78}$/, "must be a decimal whole number in a string")
  .transform((s) => BigInt(s))
  .refine((v) => v < 2n ** 256n, "must fit in 256 bits");

export const Domain = z
  .object({
    name: z.string().min(1, "must not be empty"),
    version: z.string().min(1, "must not be empty"),
    chainId: FileUint,
    verifyingContract: FileAddress,
  })
  .strict();

export function toTypedDomain(d: Eip712Domain): TypedDataDomain {
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
}

/** What ERC-5267 `eip712Domain()` answers (the fields the SDK uses). */
export interface Erc5267 {
  eip712Domain(): Promise<[string, string, string, bigint, string, string, bigint[]] & { name: string; version: string; chainId: bigint; verifyingContract: string }>;
}

export async function readDomain(contract: Erc5267): Promise<Eip712Domain> {
  const d = await contract.eip712Domain();
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: getAddress(d.verifyingContract) };
}
