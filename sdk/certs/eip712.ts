/**
 * The certificate's EIP-712 signature, in the shape of the EthereumEip712Signature2021 draft.
 *
 * The types are declared here by hand for the certificate's fixed shape (schema.ts), not derived
 * from a document: a verifier signs and checks against THESE types, so a certificate cannot
 * smuggle a field in by bringing its own types (the `types` in a proof must equal these).
 * JSON numbers and decimal strings are uint256, hashes bytes32, addresses address, the enums
 * and ISO times strings. "@context" is "context" in the typed message (EIP-712 names are
 * identifiers).
 *
 * Browser-compatible: ethers only.
 */
import { Signature, TypedDataEncoder, getAddress, verifyTypedData, type Signer, type TypedDataField } from "ethers";
import {
  CertificateFormatError,
  PROOF_TYPE,
  parseIssuerDid,
  type Certificate,
  type Eip712Domain,
  type Eip712Types,
  type Proof,
  type ProofTemplate,
  type UnsignedCertificate,
} from "./schema";

export const CERT_DOMAIN_NAME = "Data Rights Ledger Certificate";
export const CERT_DOMAIN_VERSION = "1";

type Fields = readonly { name: string; type: string }[];
const f = (spec: Record<string, string>): Fields => Object.entries(spec).map(([name, type]) => ({ name, type }));

const ANCHOR_CONTRACTS = f({
  manager: "address",
  members: "address",
  registry: "address",
  office: "address",
  licenses: "address",
  milestones: "address",
  disputes: "address",
  valuations: "address",
  pledges: "address",
  evidence: "address",
});
const ANCHOR_FIELDS = {
  chainId: "uint256",
  contracts: "AnchorContracts",
  blockNumber: "uint256",
  blockHash: "bytes32",
  blockTime: "uint256",
  registrationTx: "bytes32",
  confirmationTx: "bytes32",
  holderChangeTx: "bytes32",
};
const PARTY = f({ address: "address", memberName: "string", orgIdHash: "bytes32", memberStatus: "string" });
const ASSET_STATE = f({ status: "string", frozen: "bool", pledged: "bool", disputed: "bool", objectionsOpen: "bool", openLicences: "uint256" });
const PLEDGE = f({
  pledgeId: "uint256",
  pledgor: "address",
  pledgee: "address",
  securedAmount: "uint256",
  currency: "string",
  dueDate: "uint256",
  registryRefHash: "bytes32",
  status: "string",
});
const OBJECTION = f({ objectionId: "uint256", claimant: "address", evidenceHash: "bytes32", filedAt: "uint256" });
const HOLD = f({ caseHash: "bytes32", court: "address" });
const ENCUMBRANCES = f({ pledges: "Pledge[]", objections: "Objection[]", holds: "Hold[]" });
const EIP712_DOMAIN = f({ name: "string", version: "string", chainId: "uint256" });

/** EIP-712 types of the asset certificate (primary type DataRightsCertificate). */
export const DATA_RIGHTS_TYPES: Record<string, Fields> = {
  EIP712Domain: EIP712_DOMAIN,
  DataRightsCertificate: f({
    context: "string[]",
    type: "string[]",
    id: "string",
    issuer: "string",
    validFrom: "string",
    validUntil: "string",
    credentialSubject: "AssetSubject",
    credentialStatus: "AssetStatusEntry",
  }),
  AssetSubject: f({
    id: "string",
    type: "string",
    registrationNumber: "string",
    tokenId: "uint256",
    name: "string",
    kind: "string",
    productForm: "string",
    category: "string",
    grade: "string",
    sourceType: "string",
    personalInfo: "string",
    contentHash: "bytes32",
    sourceEvidenceHash: "bytes32",
    metadataHash: "bytes32",
    metadataVersion: "uint256",
    parents: "uint256[]",
    parentLicences: "uint256[]",
    rights: "string[]",
    holder: "Party",
    validity: "Validity",
    state: "AssetState",
    licences: "LicenceSummary[]",
    firsts: "First[]",
    valuations: "Valuation[]",
    encumbrances: "Encumbrances",
    anchor: "Anchor",
  }),
  Party: PARTY,
  Validity: f({ appliedAt: "uint256", publicityEnd: "uint256", confirmedAt: "uint256", validUntil: "uint256", expired: "bool" }),
  AssetState: ASSET_STATE,
  LicenceSummary: f({
    licenceId: "uint256",
    licensee: "address",
    licensor: "address",
    parentId: "uint256",
    rights: "string[]",
    territory: "string",
    start: "uint256",
    end: "uint256",
    sublicensable: "bool",
    revocable: "bool",
    state: "string",
  }),
  First: f({ kind: "string", at: "uint256", attester: "address", enterprise: "address", evidenceHash: "bytes32", detail: "uint256", annulled: "bool" }),
  Valuation: f({
    valuationId: "uint256",
    evaluator: "address",
    method: "string",
    value: "uint256",
    currency: "string",
    valuationDate: "uint256",
    reportHash: "bytes32",
  }),
  Encumbrances: ENCUMBRANCES,
  Pledge: PLEDGE,
  Objection: OBJECTION,
  Hold: HOLD,
  Anchor: f(ANCHOR_FIELDS),
  AnchorContracts: ANCHOR_CONTRACTS,
  AssetStatusEntry: f({ id: "string", type: "string", chainId: "uint256", registry: "address", assetId: "uint256", anchorBlock: "uint256" }),
};

/** EIP-712 types of the licence certificate (primary type LicenceCertificate). */
export const LICENCE_TYPES: Record<string, Fields> = {
  EIP712Domain: EIP712_DOMAIN,
  LicenceCertificate: f({
    context: "string[]",
    type: "string[]",
    id: "string",
    issuer: "string",
    validFrom: "string",
    validUntil: "string",
    credentialSubject: "LicenceSubject",
    credentialStatus: "LicenceStatusEntry",
  }),
  LicenceSubject: f({
    id: "string",
    type: "string",
    licenceId: "uint256",
    asset: "LicencedAsset",
    licensee: "Party",
    licensor: "Party",
    parentId: "uint256",
    depth: "uint256",
    rights: "string[]",
    territory: "string",
    start: "uint256",
    end: "uint256",
    sublicensable: "bool",
    revocable: "bool",
    state: "string",
    scopeHash: "bytes32",
    termsHash: "bytes32",
    feeAmount: "uint256",
    feeCurrency: "string",
    viaOffer: "bool",
    anchor: "LicenceAnchor",
  }),
  LicencedAsset: f({
    assetId: "uint256",
    registrationNumber: "string",
    name: "string",
    contentHash: "bytes32",
    rights: "string[]",
    holder: "Party",
    validUntil: "uint256",
    state: "AssetState",
    encumbrances: "Encumbrances",
  }),
  Party: PARTY,
  AssetState: ASSET_STATE,
  Encumbrances: ENCUMBRANCES,
  Pledge: PLEDGE,
  Objection: OBJECTION,
  Hold: HOLD,
  LicenceAnchor: f({ ...ANCHOR_FIELDS, grantTx: "bytes32" }),
  AnchorContracts: ANCHOR_CONTRACTS,
  LicenceStatusEntry: f({
    id: "string",
    type: "string",
    chainId: "uint256",
    registry: "address",
    licenceId: "uint256",
    assetId: "uint256",
    anchorBlock: "uint256",
  }),
};

export type PrimaryType = "DataRightsCertificate" | "LicenceCertificate";

/** The primary type of a certificate (by its `type[1]`). */
export function primaryTypeOf(cert: Pick<UnsignedCertificate, "type">): PrimaryType {
  return cert.type[1];
}

/** The declared types for a primary type, with EIP712Domain (as the proof carries them). */
export function certificateTypes(primaryType: PrimaryType): Eip712Types {
  const t = primaryType === "DataRightsCertificate" ? DATA_RIGHTS_TYPES : LICENCE_TYPES;
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.map((x) => ({ ...x }))]));
}

/** The signing domain: { name: "Data Rights Ledger Certificate", version: "1", chainId }. */
export function certificateDomain(chainId: number): Eip712Domain {
  return { name: CERT_DOMAIN_NAME, version: CERT_DOMAIN_VERSION, chainId };
}

/** The typed types ethers takes (no EIP712Domain: ethers derives it from the domain). */
function ethersTypes(primaryType: PrimaryType): Record<string, TypedDataField[]> {
  const { EIP712Domain: _domain, ...rest } = primaryType === "DataRightsCertificate" ? DATA_RIGHTS_TYPES : LICENCE_TYPES;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v.map((x) => ({ ...x }))]));
}

/** The document as an EIP-712 message: "@context" → "context", no proof; everything else as is. */
export function toTypedMessage(cert: UnsignedCertificate | Certificate): Record<string, unknown> {
  const { "@context": context, proof: _proof, ...rest } = cert as UnsignedCertificate & { proof?: unknown };
  return { context, ...rest };
}

/** The chain id of the issuer DID (the domain's chain id). */
function chainIdOf(cert: UnsignedCertificate): number {
  return parseIssuerDid(cert.issuer).chainId;
}

/** The EIP-712 digest a certificate's proofValue signs. */
export function certificateDigest(cert: UnsignedCertificate | Certificate): string {
  const pt = primaryTypeOf(cert);
  return TypedDataEncoder.hash(certificateDomain(chainIdOf(cert)), ethersTypes(pt), toTypedMessage(cert));
}

/** The proof without its proofValue: fully determined by the unsigned certificate. */
export function proofTemplate(cert: UnsignedCertificate): ProofTemplate {
  const pt = primaryTypeOf(cert);
  return {
    type: PROOF_TYPE,
    created: cert.validFrom,
    proofPurpose: "assertionMethod",
    verificationMethod: `${cert.issuer}#blockchainAccountId`,
    eip712: { domain: certificateDomain(chainIdOf(cert)), types: certificateTypes(pt), primaryType: pt },
  };
}

/** The signer is not the certificate's issuer (the DID names another address). */
export class IssuerMismatchError extends Error {
  constructor(
    readonly issuer: string,
    readonly signer: string,
  ) {
    super(`issuer: the certificate names ${issuer} but the signing key is ${signer}`);
    this.name = "IssuerMismatchError";
  }
}

/**
 * Signs an unsigned certificate with `signer` (its address must be the issuer DID's) and returns
 * the certificate with its proof. Any key can sign: whether it is a registrar's is the
 * verifier's check (and the CLI's refusal), not a property of the signature.
 */
export async function signCertificate(cert: UnsignedCertificate, signer: Signer): Promise<Certificate> {
  const address = getAddress(await signer.getAddress());
  const { address: issuer } = parseIssuerDid(cert.issuer);
  if (issuer !== address) throw new IssuerMismatchError(issuer, address);
  const pt = primaryTypeOf(cert);
  const sig = await signer.signTypedData(certificateDomain(chainIdOf(cert)), ethersTypes(pt), toTypedMessage(cert));
  const proof: Proof = { ...proofTemplate(cert), proofValue: Signature.from(sig).serialized.toLowerCase() };
  return { ...cert, proof } as Certificate;
}

/**
 * The address a certificate's signature recovers to (checksummed). It does not compare with the
 * issuer: the verifier does, and names the field. Throws CertificateFormatError if the proof
 * value is no signature at all.
 */
export function recoverIssuer(cert: Certificate, signature: string = cert.proof.proofValue): string {
  const pt = primaryTypeOf(cert);
  try {
    return verifyTypedData(certificateDomain(chainIdOf(cert)), ethersTypes(pt), toTypedMessage(cert), signature);
  } catch {
    throw new CertificateFormatError("proof.proofValue", "is not a valid secp256k1 signature");
  }
}

/** Whether a proof's eip712 block is exactly the declared one (domain, types, primary type). */
export function proofMatchesDeclaredTypes(cert: Certificate): { ok: true } | { ok: false; field: string } {
  const pt = primaryTypeOf(cert);
  const want = proofTemplate(cert);
  if (cert.proof.eip712.primaryType !== pt) return { ok: false, field: "proof.eip712.primaryType" };
  const d = cert.proof.eip712.domain;
  if (d.name !== want.eip712.domain.name || d.version !== want.eip712.domain.version || d.chainId !== want.eip712.domain.chainId) {
    return { ok: false, field: "proof.eip712.domain" };
  }
  if (!sameTypes(cert.proof.eip712.types, want.eip712.types)) return { ok: false, field: "proof.eip712.types" };
  if (cert.proof.created !== want.created) return { ok: false, field: "proof.created" };
  if (cert.proof.verificationMethod !== want.verificationMethod) return { ok: false, field: "proof.verificationMethod" };
  return { ok: true };
}

/** Same type names with the same fields in the same order (object key order does not matter: JCS reorders it). */
function sameTypes(a: Eip712Types, b: Eip712Types): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => {
    const fa = a[k]!;
    const fb = b[k]!;
    return fa.length === fb.length && fa.every((x, i) => x.name === fb[i]!.name && x.type === fb[i]!.type);
  });
}
