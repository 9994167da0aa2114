/**
 * The certificate hash: keccak256(utf8(JCS(certificate with proof.proofValue removed))).
 *
 * It covers the whole document and the proof's metadata (type, created, verification method,
 * the EIP-712 domain and types), everything but the signature itself, so it is known before
 * signing, is what `--anchor` deposits in EvidenceAnchor and what the QR payload carries, and a
 * verifier who rebuilt the certificate from the chain computes it without the JSON file.
 * Browser-compatible.
 */
import { keccak256, toUtf8Bytes } from "ethers";
import { proofTemplate } from "./eip712";
import { jcs } from "./jcs";
import type { Certificate, ProofTemplate, UnsignedCertificate } from "./schema";

export { jcs };

/** The document certificateHash is taken over: the certificate, its proof without proofValue. */
export function hashedDocument(cert: Certificate | UnsignedCertificate): UnsignedCertificate & { proof: ProofTemplate } {
  if ("proof" in cert && cert.proof !== undefined) {
    const { proofValue: _sig, ...proof } = (cert as Certificate).proof;
    return { ...(cert as Certificate), proof };
  }
  return { ...cert, proof: proofTemplate(cert) };
}

/** JCS text of the hashed document (UTF-8 when encoded). */
export function canonicalText(cert: Certificate | UnsignedCertificate): string {
  return jcs(hashedDocument(cert));
}

/**
 * keccak256 of the JCS text, 0x-lowercase. For an unsigned certificate the proof template it
 * would get is included, so the hash is the same before and after signing.
 */
export function certificateHash(cert: Certificate | UnsignedCertificate): string {
  return keccak256(toUtf8Bytes(canonicalText(cert)));
}
