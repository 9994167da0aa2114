/**
 * Rights certificates (issue 11) as W3C Verifiable Credentials Data Model 2.0 documents: the zod
 * schemas are the single source of the runtime checks and of the TypeScript types.
 *
 * Conventions (so the EIP-712 types in eip712.ts can be declared once for a fixed shape):
 * - every field is required, nothing is null: "none" is an empty list, a zero hash, a zero address
 *   or 0 (EIP-712 has no optional fields);
 * - objects are strict: an added field is a malformed certificate, not something ignored;
 * - numbers that can exceed 2^53 (ids, amounts) are decimal strings; block numbers, times (unix
 *   seconds) and small counters are JSON numbers;
 * - hashes are 0x-lowercase hex, addresses EIP-55 checksummed;
 * - the top-level times are ISO-8601 UTC to the second ("2026-01-02T03:04:05Z").
 *
 * Browser-compatible: zod and ethers only.
 */
import { getAddress } from "ethers";
import { z } from "zod";
import {
  ASSET_KIND,
  ASSET_STATUS,
  DATA_CATEGORY,
  LICENSE_STATE,
  MEMBER_STATUS,
  MILESTONE,
  PERSONAL_INFO,
  PLEDGE_STATUS,
  PRODUCT_FORM,
  RIGHTS,
  SECURITY_GRADE,
  SOURCE_TYPE,
  TERRITORY,
  VALUATION_METHOD,
} from "../api/enums";

export const VC_CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2";
/** The context of the EthereumEip712Signature2021 suite (W3C CCG community draft). */
export const EIP712_SIG_CONTEXT = "https://w3id.org/security/suites/eip712sig-2021/v1";
export const CERT_CONTEXT = [VC_CONTEXT_V2, EIP712_SIG_CONTEXT] as const;
export const PROOF_TYPE = "EthereumEip712Signature2021";
export const STATUS_TYPE = "LedgerAnchoredStatus";

// ─── Scalars ───────────────────────────────────────────────────────────────────────────────

export const Hash32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 32 bytes of 0x-lowercase hex");
export const Signature65 = z.string().regex(/^0x[0-9a-f]{130}$/, "must be a 65-byte signature in 0x-lowercase hex");
export const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address")
  // zod 4 runs refinements after a failed regex too: getAddress must not throw on non-hex.
  .refine((a) => /^0x[0-9a-fA-F]{40}$/.test(a) && getAddress(a.toLowerCase()) === a, "must be EIP-55 checksummed");
export const Decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, "must be a decimal integer string without leading zeros");
export const Unix = z.number().int("must be whole seconds").min(0, "must not be negative");
export const BlockNumber = z.number().int("must be an integer").min(0, "must not be negative");
export const ChainId = z.number().int("must be an integer").positive("must be a positive chain id");
export const IsoSeconds = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, "must be ISO-8601 UTC to the second, like 2026-01-02T03:04:05Z")
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(Date.parse(s)).toISOString().replace(".000Z", "Z") === s, "must be a real date and time");
/** did:pkh:eip155:<chainId>:<checksummed address>. */
export const PkhDid = z
  .string()
  .regex(/^did:pkh:eip155:[1-9][0-9]*:0x[0-9a-fA-F]{40}$/, "must be did:pkh:eip155:<chainId>:<address>")
  .refine((d) => {
    const a = d.slice(d.lastIndexOf(":") + 1);
    return /^0x[0-9a-fA-F]{40}$/.test(a) && getAddress(a.toLowerCase()) === a;
  }, "must carry an EIP-55 checksummed address");

const Right = z.enum(RIGHTS);
const Rights = z.array(Right).refine((r) => r.every((x, i) => i === 0 || RIGHTS.indexOf(r[i - 1]!) < RIGHTS.indexOf(x)), "must list holding, processing, operation in that order, once each");

// ─── The anchor ──────────────────────────────────────────────────────────────────────────

/** The ledger contracts a certificate's claims are read from (the verifier's own deployment must match). */
export const AnchorContractsSchema = z.strictObject({
  manager: Address,
  members: Address,
  registry: Address,
  office: Address,
  licenses: Address,
  milestones: Address,
  disputes: Address,
  valuations: Address,
  pledges: Address,
  evidence: Address,
});
export type AnchorContracts = z.infer<typeof AnchorContractsSchema>;
export const ANCHOR_CONTRACT_KEYS = Object.keys(AnchorContractsSchema.shape) as (keyof AnchorContracts)[];

export const AnchorSchema = z.strictObject({
  chainId: ChainId,
  contracts: AnchorContractsSchema,
  blockNumber: BlockNumber,
  blockHash: Hash32,
  blockTime: Unix,
  /** The transaction that filed the application: its receipt holds the `AssetApplied` log. */
  registrationTx: Hash32,
  /** The registrar's confirmation (`AssetRegistered`, the mint). */
  confirmationTx: Hash32,
  /** The latest ERC-721 `Transfer` of the token at or before the block (the mint if it never moved). */
  holderChangeTx: Hash32,
});
export type Anchor = z.infer<typeof AnchorSchema>;

export const LicenceAnchorSchema = AnchorSchema.extend({
  /** The transaction that emitted `LicenseGranted` for the licence. */
  grantTx: Hash32,
});
export type LicenceAnchor = z.infer<typeof LicenceAnchorSchema>;

// ─── Subject parts ───────────────────────────────────────────────────────────────────────

export const PartySchema = z.strictObject({
  address: Address,
  /** MemberRegistry.memberOf(address).name ("" for a non-member). */
  memberName: z.string(),
  orgIdHash: Hash32,
  memberStatus: z.enum(MEMBER_STATUS),
});
export type Party = z.infer<typeof PartySchema>;

export const ValiditySchema = z.strictObject({
  appliedAt: Unix,
  publicityEnd: Unix,
  confirmedAt: Unix,
  validUntil: Unix,
  /** validUntil < the anchor block's timestamp (the registry's own rule). */
  expired: z.boolean(),
});

export const AssetStateSchema = z.strictObject({
  status: z.enum(ASSET_STATUS),
  frozen: z.boolean(),
  pledged: z.boolean(),
  disputed: z.boolean(),
  objectionsOpen: z.boolean(),
  openLicences: z.number().int().min(0),
});

export const LicenceSummarySchema = z.strictObject({
  licenceId: Decimal,
  licensee: Address,
  licensor: Address,
  parentId: Decimal,
  rights: Rights,
  territory: z.enum(TERRITORY),
  start: Unix,
  end: Unix,
  sublicensable: z.boolean(),
  revocable: z.boolean(),
  state: z.enum(LICENSE_STATE),
});
export type LicenceSummary = z.infer<typeof LicenceSummarySchema>;

export const FirstSchema = z.strictObject({
  kind: z.enum(MILESTONE),
  at: Unix,
  /** Who attested it (the confirming registrar for the registration first). */
  attester: Address,
  /** The holder it counts for (the registrant for the registration first). */
  enterprise: Address,
  evidenceHash: Hash32,
  /** Treatment of a financial-statements first (0 inventory, 1 intangible); 0 otherwise. */
  detail: z.number().int().min(0).max(255),
  annulled: z.boolean(),
});
export type First = z.infer<typeof FirstSchema>;

export const ValuationSchema = z.strictObject({
  valuationId: Decimal,
  evaluator: Address,
  method: z.enum(VALUATION_METHOD),
  value: Decimal,
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code"),
  valuationDate: Unix,
  reportHash: Hash32,
});
export type Valuation = z.infer<typeof ValuationSchema>;

export const PledgeSchema = z.strictObject({
  pledgeId: Decimal,
  pledgor: Address,
  pledgee: Address,
  securedAmount: Decimal,
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code"),
  dueDate: Unix,
  registryRefHash: Hash32,
  status: z.enum(PLEDGE_STATUS),
});
export type Pledge = z.infer<typeof PledgeSchema>;

export const ObjectionSchema = z.strictObject({
  objectionId: Decimal,
  claimant: Address,
  evidenceHash: Hash32,
  filedAt: Unix,
});
export type Objection = z.infer<typeof ObjectionSchema>;

export const HoldSchema = z.strictObject({ caseHash: Hash32, court: Address });
export type Hold = z.infer<typeof HoldSchema>;

export const EncumbrancesSchema = z.strictObject({
  /** The pledge in effect (PledgeRegistry.activePledgeOf), if any. */
  pledges: z.array(PledgeSchema),
  /** Admitted objections still open: they make the asset disputed. */
  objections: z.array(ObjectionSchema),
  /** Active court holds, one per case. */
  holds: z.array(HoldSchema),
});
export type Encumbrances = z.infer<typeof EncumbrancesSchema>;

// ─── Subjects ────────────────────────────────────────────────────────────────────────────

export const AssetSubjectSchema = z.strictObject({
  /** urn:drl:asset:eip155:<chainId>:<registry>:<assetId>. */
  id: z.string().regex(/^urn:drl:asset:eip155:[1-9][0-9]*:0x[0-9a-fA-F]{40}:(0|[1-9][0-9]*)$/, "must be urn:drl:asset:eip155:<chainId>:<registry>:<assetId>"),
  type: z.literal("DataAsset"),
  registrationNumber: z.string().min(1),
  tokenId: Decimal,
  name: z.string(),
  kind: z.enum(ASSET_KIND),
  productForm: z.enum(PRODUCT_FORM),
  category: z.enum(DATA_CATEGORY),
  grade: z.enum(SECURITY_GRADE),
  sourceType: z.enum(SOURCE_TYPE),
  personalInfo: z.enum(PERSONAL_INFO),
  contentHash: Hash32,
  sourceEvidenceHash: Hash32,
  metadataHash: Hash32,
  metadataVersion: z.number().int().min(0),
  parents: z.array(Decimal),
  parentLicences: z.array(Decimal),
  rights: Rights,
  holder: PartySchema,
  validity: ValiditySchema,
  state: AssetStateSchema,
  /** Licences in force at the anchor block (LicenseRegistry.stateOf = Active). */
  licences: z.array(LicenceSummarySchema),
  /** Every first ever recorded (set), annulled ones marked. */
  firsts: z.array(FirstSchema),
  valuations: z.array(ValuationSchema),
  encumbrances: EncumbrancesSchema,
  anchor: AnchorSchema,
});
export type AssetSubject = z.infer<typeof AssetSubjectSchema>;

/** The asset a licence is for, as far as a licensee's counterparty needs it. */
export const LicencedAssetSchema = z.strictObject({
  assetId: Decimal,
  registrationNumber: z.string().min(1),
  name: z.string(),
  contentHash: Hash32,
  rights: Rights,
  holder: PartySchema,
  validUntil: Unix,
  state: AssetStateSchema,
  encumbrances: EncumbrancesSchema,
});

export const LicenceSubjectSchema = z.strictObject({
  /** urn:drl:licence:eip155:<chainId>:<licenses>:<licenceId>. */
  id: z.string().regex(/^urn:drl:licence:eip155:[1-9][0-9]*:0x[0-9a-fA-F]{40}:(0|[1-9][0-9]*)$/, "must be urn:drl:licence:eip155:<chainId>:<licenses>:<licenceId>"),
  type: z.literal("DataLicence"),
  licenceId: Decimal,
  asset: LicencedAssetSchema,
  licensee: PartySchema,
  licensor: PartySchema,
  parentId: Decimal,
  depth: z.number().int().min(0),
  rights: Rights,
  territory: z.enum(TERRITORY),
  start: Unix,
  end: Unix,
  sublicensable: z.boolean(),
  revocable: z.boolean(),
  /** LicenseRegistry.stateOf at the anchor block. */
  state: z.enum(LICENSE_STATE),
  scopeHash: Hash32,
  termsHash: Hash32,
  feeAmount: Decimal,
  feeCurrency: z.string().regex(/^([A-Z]{3})?$/, "must be an ISO 4217 code or empty"),
  viaOffer: z.boolean(),
  anchor: LicenceAnchorSchema,
});
export type LicenceSubject = z.infer<typeof LicenceSubjectSchema>;

// ─── credentialStatus: resolved against the chain, no hosted status list ─────────────────

export const AssetStatusEntrySchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal(STATUS_TYPE),
  chainId: ChainId,
  /** The DataAssetRegistry the status is read from. */
  registry: Address,
  assetId: Decimal,
  anchorBlock: BlockNumber,
});
export const LicenceStatusEntrySchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal(STATUS_TYPE),
  chainId: ChainId,
  /** The LicenseRegistry the status is read from. */
  registry: Address,
  licenceId: Decimal,
  assetId: Decimal,
  anchorBlock: BlockNumber,
});

// ─── The proof ───────────────────────────────────────────────────────────────────────────

export const Eip712DomainSchema = z.strictObject({ name: z.string(), version: z.string(), chainId: ChainId });
export type Eip712Domain = z.infer<typeof Eip712DomainSchema>;
export const Eip712FieldSchema = z.strictObject({ name: z.string().min(1), type: z.string().min(1) });
export const Eip712TypesSchema = z.record(z.string(), z.array(Eip712FieldSchema));
export type Eip712Types = z.infer<typeof Eip712TypesSchema>;

export const ProofSchema = z.strictObject({
  type: z.literal(PROOF_TYPE),
  created: IsoSeconds,
  proofPurpose: z.literal("assertionMethod"),
  /** <issuer DID>#blockchainAccountId. */
  verificationMethod: z.string().regex(/^did:pkh:eip155:[1-9][0-9]*:0x[0-9a-fA-F]{40}#blockchainAccountId$/, "must be <issuer DID>#blockchainAccountId"),
  proofValue: Signature65,
  eip712: z.strictObject({
    domain: Eip712DomainSchema,
    types: Eip712TypesSchema,
    primaryType: z.enum(["DataRightsCertificate", "LicenceCertificate"]),
  }),
});
export type Proof = z.infer<typeof ProofSchema>;
/** The proof before signing (what certificateHash covers). */
export const ProofTemplateSchema = ProofSchema.omit({ proofValue: true });
export type ProofTemplate = z.infer<typeof ProofTemplateSchema>;

// ─── The certificates ────────────────────────────────────────────────────────────────────

const Context = z.tuple([z.literal(VC_CONTEXT_V2), z.literal(EIP712_SIG_CONTEXT)]);
const CertId = z.string().regex(/^urn:drl:cert:eip155:[1-9][0-9]*:(asset|licence):(0|[1-9][0-9]*):(0|[1-9][0-9]*):(0|[1-9][0-9]*)$/, "must be urn:drl:cert:eip155:<chainId>:<asset|licence>:<id>:<block>:<created>");

const unsignedAsset = {
  "@context": Context,
  type: z.tuple([z.literal("VerifiableCredential"), z.literal("DataRightsCertificate")]),
  id: CertId,
  issuer: PkhDid,
  /** = proof.created: the certificate speaks from its issue. */
  validFrom: IsoSeconds,
  /** The registration's validity (validUntil of the asset). */
  validUntil: IsoSeconds,
  credentialSubject: AssetSubjectSchema,
  credentialStatus: AssetStatusEntrySchema,
};
const unsignedLicence = {
  "@context": Context,
  type: z.tuple([z.literal("VerifiableCredential"), z.literal("LicenceCertificate")]),
  id: CertId,
  issuer: PkhDid,
  validFrom: IsoSeconds,
  /** The licence's end. */
  validUntil: IsoSeconds,
  credentialSubject: LicenceSubjectSchema,
  credentialStatus: LicenceStatusEntrySchema,
};

export const UnsignedDataRightsCertificateSchema = z.strictObject(unsignedAsset);
export const UnsignedLicenceCertificateSchema = z.strictObject(unsignedLicence);
export const DataRightsCertificateSchema = z.strictObject({ ...unsignedAsset, proof: ProofSchema });
export const LicenceCertificateSchema = z.strictObject({ ...unsignedLicence, proof: ProofSchema });

export type UnsignedDataRightsCertificate = z.infer<typeof UnsignedDataRightsCertificateSchema>;
export type UnsignedLicenceCertificate = z.infer<typeof UnsignedLicenceCertificateSchema>;
export type DataRightsCertificate = z.infer<typeof DataRightsCertificateSchema>;
export type LicenceCertificate = z.infer<typeof LicenceCertificateSchema>;

/** The type tuple decides which schema applies (zod 4 cannot discriminate on a tuple, hence the switch). */
function kindOf(value: unknown): "asset" | "licence" | undefined {
  const t = (value as { type?: unknown } | null)?.type;
  if (!Array.isArray(t)) return undefined;
  if (t[1] === "DataRightsCertificate") return "asset";
  if (t[1] === "LicenceCertificate") return "licence";
  return undefined;
}

export const CertificateSchema = z.union([DataRightsCertificateSchema, LicenceCertificateSchema]);
export const UnsignedCertificateSchema = z.union([UnsignedDataRightsCertificateSchema, UnsignedLicenceCertificateSchema]);
export type Certificate = DataRightsCertificate | LicenceCertificate;
export type UnsignedCertificate = UnsignedDataRightsCertificate | UnsignedLicenceCertificate;

/** A field path and the rule it breaks, e.g. { field: "credentialSubject.holder.address", rule: "must be EIP-55 checksummed" }. */
export class CertificateFormatError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(field ? `${field}: ${rule}` : rule);
    this.name = "CertificateFormatError";
  }
}

function fail(error: z.ZodError): never {
  const issue = error.issues[0];
  throw new CertificateFormatError(issue?.path.map(String).join(".") ?? "", issue?.message ?? "is invalid");
}

/**
 * Parses a signed certificate of either kind; throws CertificateFormatError naming the first bad
 * field. The kind is chosen by `type[1]`, so the error is about that kind's fields, not a union's.
 */
export function parseCertificate(value: unknown): Certificate {
  const kind = kindOf(value);
  if (kind === undefined) {
    const r = z.object({ type: z.tuple([z.literal("VerifiableCredential"), z.enum(["DataRightsCertificate", "LicenceCertificate"])]) }).safeParse(value);
    if (!r.success) fail(r.error);
  }
  const r = (kind === "licence" ? LicenceCertificateSchema : DataRightsCertificateSchema).safeParse(value);
  if (!r.success) fail(r.error);
  return r.data;
}

/** Same for an unsigned certificate (a preview: no `proof`). */
export function parseUnsignedCertificate(value: unknown): UnsignedCertificate {
  const kind = kindOf(value);
  const r = (kind === "licence" ? UnsignedLicenceCertificateSchema : UnsignedDataRightsCertificateSchema).safeParse(value);
  if (!r.success) fail(r.error);
  return r.data;
}

/** Whether a certificate is the asset kind. */
export function isDataRightsCertificate(c: UnsignedCertificate): c is UnsignedDataRightsCertificate {
  return c.type[1] === "DataRightsCertificate";
}

/** ISO-8601 UTC to the second from unix seconds. */
export function isoSeconds(unix: number): string {
  return new Date(unix * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Unix seconds from an ISO-8601 UTC string (as IsoSeconds validates). */
export function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** did:pkh:eip155:<chainId>:<checksummed address>. */
export function issuerDid(chainId: number, address: string): string {
  return `did:pkh:eip155:${chainId}:${getAddress(address.toLowerCase())}`;
}

/** The chain id and address of a did:pkh:eip155 DID; throws CertificateFormatError on anything else. */
export function parseIssuerDid(did: string): { chainId: number; address: string } {
  const r = PkhDid.safeParse(did);
  if (!r.success) throw new CertificateFormatError("issuer", r.error.issues[0]?.message ?? "is invalid");
  const parts = did.split(":");
  return { chainId: Number(parts[3]), address: parts[4]! };
}
