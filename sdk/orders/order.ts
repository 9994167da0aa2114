/**
 * EIP-712 sell orders (TradeDesk): the holder signs an order naming the one exchange that may
 * list and execute it, and hands the file to that exchange. Files are checked offline
 * (signature, domain) when read, so a tampered price or buyer is refused before a transaction.
 */
import { readFile, writeFile } from "node:fs/promises";
import { verifyTypedData, type Signer } from "ethers";
import { z } from "zod";
import { InputError } from "../ledger/errors";
import { parseInput } from "../ledger/inputs";
import { Domain, FileAddress, FileUint, toTypedDomain, type Eip712Domain } from "../offers/domain";

/** EIP-712 types of a TradeDesk sell order. */
export const SELL_ORDER_TYPES = {
  SellOrder: [
    { name: "assetId", type: "uint256" },
    { name: "exchange", type: "address" },
    { name: "buyer", type: "address" },
    { name: "price", type: "uint128" },
    { name: "currency", type: "bytes3" },
    { name: "deadline", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
};

/** The order as the contract takes it; `buyer` zero means any buyer. */
export interface SellOrder {
  assetId: bigint;
  exchange: string;
  buyer: string;
  price: bigint;
  currency: string;
  deadline: number;
  nonce: bigint;
}

export interface SignedSellOrder {
  domain: Eip712Domain;
  order: SellOrder;
  /** The holder who signed it. */
  signer: string;
  signature: string;
}

export const SellOrderFile = z
  .object({
    type: z.literal("drl.sellOrder", { error: () => 'must be "drl.sellOrder"' }),
    version: z.literal(1, { error: () => "must be 1" }),
    domain: Domain,
    order: z
      .object({
        assetId: FileUint,
        exchange: FileAddress,
        buyer: FileAddress,
        price: FileUint.refine((v) => v < 2n ** 128n, "must fit in 128 bits"),
        currency: z.string().regex(/^0x[0-9a-fA-F]{6}$/, "must be a bytes3 hex string"),
        deadline: z.number().int("must be whole unix seconds").min(0, "must not be negative").max(Number.MAX_SAFE_INTEGER),
        nonce: FileUint,
      })
      .strict(),
    signer: FileAddress,
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte hex signature"),
  })
  .strict();
export type SellOrderFile = z.input<typeof SellOrderFile>;

export async function signSellOrder(signer: Signer, domain: Eip712Domain, order: SellOrder): Promise<SignedSellOrder> {
  const signature = await signer.signTypedData(toTypedDomain(domain), SELL_ORDER_TYPES, order);
  return { domain, order, signer: await signer.getAddress(), signature };
}

/** Checks the signature recovers to the recorded signer; a tampered order fails here. */
export function checkSellOrder(signed: SignedSellOrder): SignedSellOrder {
  let recovered: string;
  try {
    recovered = verifyTypedData(toTypedDomain(signed.domain), SELL_ORDER_TYPES, signed.order, signed.signature);
  } catch {
    throw new InputError("signature", "is not a valid signature of this sell order");
  }
  if (recovered.toLowerCase() !== signed.signer.toLowerCase())
    throw new InputError("signature", `was not made by ${signed.signer} over this order (the file was altered, or signed for another order)`);
  return signed;
}

export function sellOrderToFile(signed: SignedSellOrder): SellOrderFile {
  const o = signed.order;
  return {
    type: "drl.sellOrder",
    version: 1,
    domain: { ...signed.domain, chainId: signed.domain.chainId.toString() },
    order: { ...o, assetId: o.assetId.toString(), price: o.price.toString(), nonce: o.nonce.toString() },
    signer: signed.signer,
    signature: signed.signature,
  };
}

export function sellOrderFromFile(value: unknown): SignedSellOrder {
  const f = parseInput(SellOrderFile, value, "order file");
  return checkSellOrder({ domain: f.domain, order: { ...f.order, currency: f.order.currency.toLowerCase() }, signer: f.signer, signature: f.signature });
}

export async function writeSellOrder(file: string, signed: SignedSellOrder): Promise<void> {
  await writeFile(file, `${JSON.stringify(sellOrderToFile(signed), null, 2)}\n`, { mode: 0o644 });
}

export async function readSellOrder(file: string): Promise<SignedSellOrder> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new InputError("order file", `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError("order file", `${file} is not valid JSON`);
  }
  return sellOrderFromFile(json);
}
