/**
 * The QR payload: what a portal needs to rebuild a signed certificate from the chain and check
 * it without the JSON file.
 *
 *   { v: 1, k: "asset" | "licence", id, chainId, block, created, iss, hash, sig }
 *
 * - `id`: the asset id (k "asset") or the licence id (k "licence"), decimal string;
 * - `block`: the anchor block; `created`: the proof's created time, unix seconds;
 * - `iss`: the issuer's address (the signed document names its issuer, so the rebuild needs it);
 * - `hash`: certificateHash (canonical.ts); `sig`: the proof's 65-byte EIP-712 signature.
 *
 * Encoded as base64url (no padding) of the JCS JSON, in the URL fragment so that it never
 * reaches a web server's logs: `<portalBase>/verify#cert=<payload>`. Browser-compatible.
 */
import { decodeBase64, encodeBase64, getAddress, toUtf8Bytes, toUtf8String } from "ethers";
import { z } from "zod";
import { certificateHash } from "./canonical";
import { jcs } from "./jcs";
import { Address, BlockNumber, ChainId, Decimal, Hash32, Signature65, Unix, parseIssuerDid, unixSeconds, type Certificate } from "./schema";

export const PAYLOAD_VERSION = 1;

export const VerifyPayloadSchema = z.strictObject({
  v: z.literal(PAYLOAD_VERSION, { error: "must be 1 (the only payload version)" }),
  k: z.enum(["asset", "licence"]),
  id: Decimal,
  chainId: ChainId,
  block: BlockNumber,
  created: Unix,
  iss: Address,
  hash: Hash32,
  sig: Signature65,
});
export type VerifyPayload = z.infer<typeof VerifyPayloadSchema>;

/** A payload (or verify URL) that cannot be decoded; `field` names the part that is wrong. */
export class PayloadError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`payload${field ? `.${field}` : ""}: ${rule}`);
    this.name = "PayloadError";
  }
}

function toBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new PayloadError("", "must be base64url text (A-Z a-z 0-9 - _)");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return decodeBase64(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
}

/** The payload of a signed certificate. */
export function payloadOf(cert: Certificate): VerifyPayload {
  const licence = cert.type[1] === "LicenceCertificate";
  const subject = cert.credentialSubject as { tokenId?: string; licenceId?: string; anchor: { chainId: number; blockNumber: number } };
  return {
    v: PAYLOAD_VERSION,
    k: licence ? "licence" : "asset",
    id: (licence ? subject.licenceId : subject.tokenId) ?? "0",
    chainId: subject.anchor.chainId,
    block: subject.anchor.blockNumber,
    created: unixSeconds(cert.proof.created),
    iss: getAddress(parseIssuerDid(cert.issuer).address),
    hash: certificateHash(cert),
    sig: cert.proof.proofValue,
  };
}

/** base64url(JCS(payload)). Validates the payload first. */
export function encodeVerifyPayload(payload: VerifyPayload): string {
  const p = VerifyPayloadSchema.safeParse(payload);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new PayloadError(i?.path.map(String).join(".") ?? "", i?.message ?? "is invalid");
  }
  return toBase64Url(toUtf8Bytes(jcs(p.data)));
}

/**
 * Decodes a payload: the base64url text, or a whole verify URL (`…#cert=<payload>`). Throws
 * PayloadError naming the field and the rule for anything else.
 */
export function decodeVerifyPayload(input: string): VerifyPayload {
  let text = input.trim();
  const at = text.indexOf("cert=");
  if (text.includes("#") || text.includes("://")) {
    if (at < 0) throw new PayloadError("", "the URL has no #cert=<payload> fragment");
    text = text.slice(at + "cert=".length).split("&")[0] ?? "";
  } else if (text.startsWith("cert=")) {
    text = text.slice("cert=".length);
  }
  if (text.length === 0) throw new PayloadError("", "is empty");
  if (text.length > 4096) throw new PayloadError("", "is longer than 4096 characters");
  let json: unknown;
  try {
    json = JSON.parse(toUtf8String(fromBase64Url(text)));
  } catch (e) {
    if (e instanceof PayloadError) throw e;
    throw new PayloadError("", "does not decode to JSON");
  }
  const p = VerifyPayloadSchema.safeParse(json);
  if (!p.success) {
    const i = p.error.issues[0];
    throw new PayloadError(i?.path.map(String).join(".") ?? "", i?.message ?? "is invalid");
  }
  return p.data;
}

/** `<portalBase>/verify#cert=<payload>` (trailing slashes of the base are dropped). */
export function verifyUrl(portalBase: string, payload: VerifyPayload | Certificate): string {
  const p = "proof" in payload ? payloadOf(payload) : payload;
  return `${portalBase.replace(/\/+$/, "")}/verify#cert=${encodeVerifyPayload(p)}`;
}
