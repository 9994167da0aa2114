/**
 * EIP-712 licence offers (LicenseRegistry.acceptOffer): the holder signs an offer of licence
 * terms, hands the file to the licensee, and the licensee accepts it on chain. The file carries
 * the domain it was signed for and the signer, so it is checked offline (signature, chain,
 * contract) before anything is sent: a tampered file is refused with the field that is wrong.
 */
import { readFile, writeFile } from "node:fs/promises";
import { verifyTypedData, type Signer, type TypedDataDomain } from "ethers";
import { z } from "zod";
import { InputError } from "../ledger/errors";
import { parseInput } from "../ledger/inputs";
import { Domain, FileAddress, FileBytes32, FileUint, toTypedDomain, type Eip712Domain } from "./domain";

/** EIP-712 types of a LicenseRegistry offer (LicenseRegistry.OFFER_TYPEHASH). */
export const OFFER_TYPES = {
  Offer: [
    { name: "assetId", type: "uint256" },
    { name: "terms", type: "Terms" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  Terms: [
    { name: "licensee", type: "address" },
    { name: "rights", type: "uint8" },
    { name: "territory", type: "uint8" },
    { name: "start", type: "uint32" },
    { name: "end", type: "uint32" },
    { name: "sublicensable", type: "bool" },
    { name: "revocable", type: "bool" },
    { name: "scopeHash", type: "bytes32" },
    { name: "termsHash", type: "bytes32" },
    { name: "feeAmount", type: "uint96" },
    { name: "feeCurrency", type: "bytes3" },
  ],
};

/** The offer as the contract takes it. */
export interface LicenseOffer {
  assetId: bigint;
  terms: {
    licensee: string;
    rights: number;
    territory: number;
    start: number;
    end: number;
    sublicensable: boolean;
    revocable: boolean;
    scopeHash: string;
    termsHash: string;
    feeAmount: bigint;
    feeCurrency: string;
  };
  nonce: bigint;
  deadline: number;
}

export interface SignedLicenseOffer {
  domain: Eip712Domain;
  offer: LicenseOffer;
  /** The holder who signed it. */
  signer: string;
  signature: string;
}

const SmallUint = (max: number) => z.number().int("must be a whole number").min(0, "must not be negative").max(max, `must be at most ${max}`);

/** The offer file (`drl license offer --out offer.json`); integers above 2^53 are decimal strings. */
export const LicenseOfferFile = z
  .object({
    type: z.literal("drl.licenseOffer", { error: () => 'must be "drl.licenseOffer"' }),
    version: z.literal(1, { error: () => "must be 1" }),
    domain: Domain,
    offer: z
      .object({
        assetId: FileUint,
        terms: z
          .object({
            licensee: FileAddress,
            rights: SmallUint(7),
            territory: SmallUint(1),
            start: SmallUint(2 ** 32 - 1),
            end: SmallUint(2 ** 32 - 1),
            sublicensable: z.boolean(),
            revocable: z.boolean(),
            scopeHash: FileBytes32,
            termsHash: FileBytes32,
            feeAmount: FileUint,
            feeCurrency: z.string().regex(/^0x[0-9a-fA-F]{6}$/, "must be a bytes3 hex string"),
          })
          .strict(),
        nonce: FileUint,
        deadline: SmallUint(Number.MAX_SAFE_INTEGER),
      })
      .strict(),
    signer: FileAddress,
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte hex signature"),
  })
  .strict();
export type LicenseOfferFile = z.input<typeof LicenseOfferFile>;

/** Signs `offer` for `domain` as `signer`. */
export async function signLicenseOffer(signer: Signer, domain: Eip712Domain, offer: LicenseOffer): Promise<SignedLicenseOffer> {
  const signature = await signer.signTypedData(toTypedDomain(domain), OFFER_TYPES, offer);
  return { domain, offer, signer: await signer.getAddress(), signature };
}

/** The address that signed the offer (recovered from the signature). */
export function offerSignerOf(signed: Pick<SignedLicenseOffer, "domain" | "offer" | "signature">): string {
  const domain: TypedDataDomain = toTypedDomain(signed.domain);
  return verifyTypedData(domain, OFFER_TYPES, signed.offer, signed.signature);
}

/** Checks the signature recovers to the recorded signer; a tampered offer fails here. */
export function checkLicenseOffer(signed: SignedLicenseOffer): SignedLicenseOffer {
  let recovered: string;
  try {
    recovered = offerSignerOf(signed);
  } catch {
    throw new InputError("signature", "is not a valid signature of this offer");
  }
  if (recovered.toLowerCase() !== signed.signer.toLowerCase())
    throw new InputError("signature", `was not made by ${signed.signer} over this offer (the file was altered, or signed for another offer)`);
  return signed;
}

export function licenseOfferToFile(signed: SignedLicenseOffer): LicenseOfferFile {
  const { offer } = signed;
  return {
    type: "drl.licenseOffer",
    version: 1,
    domain: { ...signed.domain, chainId: signed.domain.chainId.toString() },
    offer: {
      assetId: offer.assetId.toString(),
      terms: { ...offer.terms, feeAmount: offer.terms.feeAmount.toString() },
      nonce: offer.nonce.toString(),
      deadline: offer.deadline,
    },
    signer: signed.signer,
    signature: signed.signature,
  };
}

/** Parses an offer file's JSON value and checks its signature. */
export function licenseOfferFromFile(value: unknown): SignedLicenseOffer {
  const f = parseInput(LicenseOfferFile, value, "offer file");
  return checkLicenseOffer({
    domain: f.domain,
    offer: {
      assetId: f.offer.assetId,
      terms: { ...f.offer.terms, feeCurrency: f.offer.terms.feeCurrency.toLowerCase() },
      nonce: f.offer.nonce,
      deadline: f.offer.deadline,
    },
    signer: f.signer,
    signature: f.signature,
  });
}

export async function writeLicenseOffer(file: string, signed: SignedLicenseOffer): Promise<void> {
  await writeFile(file, `${JSON.stringify(licenseOfferToFile(signed), null, 2)}\n`, { mode: 0o644 });
}

/** Reads and checks an offer file; any problem is an InputError naming the field. */
export async function readLicenseOffer(file: string): Promise<SignedLicenseOffer> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new InputError("offer file", `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError("offer file", `${file} is not valid JSON`);
  }
  return licenseOfferFromFile(json);
}
