/**
 * Building certificates from the chain. `buildCertificate` / `buildLicenceCertificate` are
 * DETERMINISTIC in (the chain's state at atBlock, the id, issuer, created): nothing else goes
 * into the document, so a verifier holding only the QR payload rebuilds the very document that
 * was signed and checks its hash and signature. `issue*` build and sign with the registrar's key.
 *
 * Browser-compatible.
 */
import { getAddress, type Signer } from "ethers";
import { InputError } from "../ledger/errors";
import { readAssetState, readLicenceState, type CertDeployment, type ReadOptions } from "./chain-state";
import { signCertificate } from "./eip712";
import type { ChainRpc } from "./rpc";
import {
  CERT_CONTEXT,
  STATUS_TYPE,
  UnsignedDataRightsCertificateSchema,
  UnsignedLicenceCertificateSchema,
  isoSeconds,
  issuerDid,
  parseIssuerDid,
  unixSeconds,
  type DataRightsCertificate,
  type LicenceCertificate,
  type UnsignedDataRightsCertificate,
  type UnsignedLicenceCertificate,
} from "./schema";

export interface BuildInput {
  /** The block the certificate speaks for. */
  atBlock: number;
  /** The issuer: an address or its did:pkh:eip155 DID (on the deployment's chain). */
  issuer: string;
  /** When it is issued: ISO-8601 UTC to the second, or unix seconds. */
  created: string | number;
}

export interface AssetBuildInput extends BuildInput {
  assetId: bigint | number | string;
}

export interface LicenceBuildInput extends BuildInput {
  licenceId: bigint | number | string;
}

function positiveId(v: bigint | number | string, field: string): bigint {
  let id: bigint;
  try {
    id = BigInt(v);
  } catch {
    throw new InputError(field, "must be a positive integer");
  }
  if (id <= 0n || (typeof v === "number" && !Number.isSafeInteger(v))) throw new InputError(field, "must be a positive integer");
  return id;
}

function blockOf(v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new InputError("atBlock", "must be a block number (a whole number, 0 or more)");
  return v;
}

function createdOf(v: string | number): number {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || v < 0) throw new InputError("created", "must be whole unix seconds");
    return v;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) || Number.isNaN(Date.parse(v))) {
    throw new InputError("created", "must be ISO-8601 UTC (2026-01-02T03:04:05Z) or unix seconds");
  }
  return unixSeconds(v);
}

function issuerOf(v: string, chainId: number): string {
  if (v.startsWith("did:")) {
    let p: { chainId: number; address: string };
    try {
      p = parseIssuerDid(v);
    } catch {
      throw new InputError("issuer", "must be an address or did:pkh:eip155:<chainId>:<address>");
    }
    if (p.chainId !== chainId) throw new InputError("issuer", `the DID is on chain ${p.chainId}, the deployment on chain ${chainId}`);
    return getAddress(p.address);
  }
  if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new InputError("issuer", "must be an address or did:pkh:eip155:<chainId>:<address>");
  return getAddress(v.toLowerCase());
}

/** The unsigned certificate of an asset at a block. Throws ChainStateError (unknown asset, block beyond head...). */
export async function buildCertificate(rpc: ChainRpc, deployment: CertDeployment, input: AssetBuildInput, opts: ReadOptions = {}): Promise<UnsignedDataRightsCertificate> {
  const assetId = positiveId(input.assetId, "assetId");
  const atBlock = blockOf(input.atBlock);
  const created = createdOf(input.created);
  const issuer = issuerOf(input.issuer, deployment.chainId);
  const { subject } = await readAssetState(rpc, deployment, assetId, atBlock, opts);
  const chainId = subject.anchor.chainId;
  const cert: UnsignedDataRightsCertificate = {
    "@context": [...CERT_CONTEXT],
    type: ["VerifiableCredential", "DataRightsCertificate"],
    id: `urn:drl:cert:eip155:${chainId}:asset:${assetId}:${atBlock}:${created}`,
    issuer: issuerDid(chainId, issuer),
    validFrom: isoSeconds(created),
    validUntil: isoSeconds(subject.validity.validUntil),
    credentialSubject: subject,
    credentialStatus: {
      id: `urn:drl:status:eip155:${chainId}:${subject.anchor.contracts.registry}:${assetId}:${atBlock}`,
      type: STATUS_TYPE,
      chainId,
      registry: subject.anchor.contracts.registry,
      assetId: assetId.toString(),
      anchorBlock: atBlock,
    },
  };
  // The schema is the guard: never hand out a document a verifier would call malformed.
  return UnsignedDataRightsCertificateSchema.parse(cert);
}

/** The unsigned certificate of a licence at a block. */
export async function buildLicenceCertificate(rpc: ChainRpc, deployment: CertDeployment, input: LicenceBuildInput, opts: ReadOptions = {}): Promise<UnsignedLicenceCertificate> {
  const licenceId = positiveId(input.licenceId, "licenceId");
  const atBlock = blockOf(input.atBlock);
  const created = createdOf(input.created);
  const issuer = issuerOf(input.issuer, deployment.chainId);
  const { subject } = await readLicenceState(rpc, deployment, licenceId, atBlock, opts);
  const chainId = subject.anchor.chainId;
  const cert: UnsignedLicenceCertificate = {
    "@context": [...CERT_CONTEXT],
    type: ["VerifiableCredential", "LicenceCertificate"],
    id: `urn:drl:cert:eip155:${chainId}:licence:${licenceId}:${atBlock}:${created}`,
    issuer: issuerDid(chainId, issuer),
    validFrom: isoSeconds(created),
    validUntil: isoSeconds(subject.end),
    credentialSubject: subject,
    credentialStatus: {
      id: `urn:drl:status:eip155:${chainId}:${subject.anchor.contracts.licenses}:${licenceId}:${atBlock}`,
      type: STATUS_TYPE,
      chainId,
      registry: subject.anchor.contracts.licenses,
      licenceId: licenceId.toString(),
      assetId: subject.asset.assetId,
      anchorBlock: atBlock,
    },
  };
  return UnsignedLicenceCertificateSchema.parse(cert);
}

export interface IssueInput {
  /** Default: the chain's head when issuing. */
  atBlock?: number;
  /** Default: now (whole seconds). */
  created?: string | number;
}

async function defaults(rpc: ChainRpc, input: IssueInput): Promise<{ atBlock: number; created: string | number }> {
  return { atBlock: input.atBlock ?? (await rpc.blockNumber()), created: input.created ?? Math.floor(Date.now() / 1000) };
}

/** Builds and signs an asset certificate; the signer is the issuer. */
export async function issueCertificate(
  rpc: ChainRpc,
  deployment: CertDeployment,
  signer: Signer,
  input: IssueInput & { assetId: bigint | number | string },
  opts: ReadOptions = {},
): Promise<DataRightsCertificate> {
  const issuer = await signer.getAddress();
  const unsigned = await buildCertificate(rpc, deployment, { ...input, ...(await defaults(rpc, input)), issuer }, opts);
  return (await signCertificate(unsigned, signer)) as DataRightsCertificate;
}

/** Builds and signs a licence certificate; the signer is the issuer. */
export async function issueLicenceCertificate(
  rpc: ChainRpc,
  deployment: CertDeployment,
  signer: Signer,
  input: IssueInput & { licenceId: bigint | number | string },
  opts: ReadOptions = {},
): Promise<LicenceCertificate> {
  const issuer = await signer.getAddress();
  const unsigned = await buildLicenceCertificate(rpc, deployment, { ...input, ...(await defaults(rpc, input)), issuer }, opts);
  return (await signCertificate(unsigned, signer)) as LicenceCertificate;
}
