/**
 * Named inputs of the ledger client's methods, as zod schemas: enum values by their API names
 * (sdk/api/enums.ts), rights as a list of names, amounts as bigints or decimal strings, times
 * as unix seconds or Dates. Each schema transforms to the exact values the contracts take, so
 * nothing reaches a transaction unchecked. `parseInput` turns any failure into an InputError
 * naming the field and the rule.
 */
import { getAddress } from "ethers";
import { z } from "zod";
import {
  ASSET_KIND,
  DATA_CATEGORY,
  DELIVERY_MODE,
  EXPORT_MECHANISM,
  JURISDICTION,
  MEMBER_TYPE,
  INCENTIVE_LEVEL,
  MILESTONE,
  PERSONAL_INFO,
  PLEDGE_ACTION,
  PRODUCT_FORM,
  RIGHTS,
  RIGHT_BIT,
  RULING,
  SECURITY_GRADE,
  SOURCE_TYPE,
  TERRITORY,
  TREATMENT,
  VALUATION_METHOD,
} from "../api/enums";
import { InputError } from "./errors";

const UINT256_MAX = 2n ** 256n - 1n;
const UINT32_MAX = 2 ** 32 - 1;
const utf8Length = (s: string): number => Buffer.byteLength(s, "utf8");

// ─── Scalars ───────────────────────────────────────────────────────────────────────────

/** A 20-byte address, returned checksummed. */
export const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((a) => getAddress(a.toLowerCase()));

/** An address that must not be the zero address. */
export const NonZeroAddress = Address.refine((a) => !/^0x0{40}$/.test(a), "must not be the zero address");

/** A 32-byte hash, returned lower-case; zero is refused (the contracts refuse it too). */
export const Bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string (use textHash() or a fingerprint)")
  .transform((h) => h.toLowerCase())
  .refine((h) => !/^0x0{64}$/.test(h), "must not be the zero hash");

/** An unsigned integer of at most `bits` bits, from a bigint, a safe integer or a decimal string. */
export function uint(bits: number, min = 0n) {
  const max = bits >= 256 ? UINT256_MAX : 2n ** BigInt(bits) - 1n;
  return z
    .union([
      z.bigint(),
      z.number().int("must be a whole number").refine(Number.isSafeInteger, "must be a safe integer (use a bigint or a decimal string)"),
      z.string().regex(/^\d{1,78}$/, "must be a decimal whole number"),
    ])
    .transform((v) => BigInt(v))
    .refine((v) => v >= min, min > 0n ? `must be at least ${min}` : "must not be negative")
    .refine((v) => v <= max, `must fit in ${bits} bits`);
}

/** An asset, licence, objection or pledge id: a positive uint256. */
export const Id = uint(256, 1n);

/** A point in time: unix seconds (number or bigint) or a Date; returned as unix seconds. */
export const Timestamp = z
  .union([z.number(), z.bigint(), z.date()])
  .transform((v) => (v instanceof Date ? Math.floor(v.getTime() / 1000) : Number(v)))
  .refine((v) => Number.isInteger(v), "must be whole unix seconds or a valid Date")
  .refine((v) => v >= 0 && v <= UINT32_MAX, "must be between 1970 and 2106");

/** A length of time in whole seconds. */
export const Duration = z
  .number()
  .int("must be whole seconds")
  .min(1, "must be at least 1 second")
  .max(UINT32_MAX, "must fit in 32 bits");

/** An ISO-4217 code (three capital letters), returned as the contracts' bytes3. */
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be a three-letter ISO 4217 code such as CNY")
  .transform((c) => `0x${Buffer.from(c, "ascii").toString("hex")}`);

/** An enum given by its API name; returned as its uint8 value. */
export function named<const T extends readonly [string, ...string[]]>(names: T) {
  return z.enum(names, { error: () => `must be one of ${names.join(", ")}` }).transform((n) => names.indexOf(n));
}

/** A non-empty list of distinct rights names, returned as the contracts' bit set. */
export const RightsList = z
  .array(z.enum(RIGHTS, { error: () => `must be one of ${RIGHTS.join(", ")}` }))
  .min(1, "must name at least one right")
  .refine((rs) => new Set(rs).size === rs.length, "must not name a right twice")
  .transform((rs) => rs.reduce((bits, r) => bits | RIGHT_BIT[r], 0));

/** Rights a licence can carry: processing and/or operation (never holding). */
export const LicensableRights = z
  .array(z.enum(["processing", "operation"], { error: () => "must be processing or operation (holding cannot be licensed)" }))
  .min(1, "must name at least one right")
  .refine((rs) => new Set(rs).size === rs.length, "must not name a right twice")
  .transform((rs) => rs.reduce((bits, r) => bits | RIGHT_BIT[r], 0));

const Text = (max: number) =>
  z
    .string()
    .min(1, "must not be empty")
    .refine((s) => utf8Length(s) <= max, `must be at most ${max} bytes of UTF-8`);

const IdList = (max: number) => z.array(Id).max(max, `must list at most ${max}`).default([]);

// ─── Registration ──────────────────────────────────────────────────────────────────────

/** One application, by named fields. `form` is "none" for a resource (the default). */
export const ApplicationInput = z
  .object({
    name: Text(128),
    kind: named(ASSET_KIND),
    form: named(PRODUCT_FORM).optional(),
    category: named(DATA_CATEGORY),
    rights: RightsList,
    source: named(SOURCE_TYPE),
    grade: named(SECURITY_GRADE),
    personalInfo: named(PERSONAL_INFO).default(0),
    validUntil: Timestamp,
    sourceEvidenceHash: Bytes32,
    contentHash: Bytes32,
    metadataHash: Bytes32,
    metadataUri: Text(256),
    parents: IdList(16),
    parentLicenses: z.array(uint(256)).max(16, "must list at most 16").optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.parentLicenses !== undefined && a.parentLicenses.length !== a.parents.length)
      ctx.addIssue({ code: "custom", path: ["parentLicenses"], message: "must have one entry per parent (0 where you hold the parent)" });
  })
  .transform((a) => ({
    name: a.name,
    kind: a.kind,
    productForm: a.form ?? 0,
    category: a.category,
    rights: a.rights,
    sourceType: a.source,
    grade: a.grade,
    personalInfo: a.personalInfo,
    validUntil: a.validUntil,
    sourceEvidenceHash: a.sourceEvidenceHash,
    contentHash: a.contentHash,
    metadataHash: a.metadataHash,
    metadataUri: a.metadataUri,
    parents: a.parents,
    parentLicenses: a.parentLicenses ?? a.parents.map(() => 0n),
  }));
export type ApplicationInput = z.input<typeof ApplicationInput>;
export type Application = z.output<typeof ApplicationInput>;

export const ApplicationBatchInput = z.array(ApplicationInput).min(1, "must hold at least one application");

export const AssetRef = z.object({ assetId: Id }).strict();
export const AcceptInput = z.object({ assetId: Id, publicityPeriod: Duration }).strict();
export const ReasonedAsset = z.object({ assetId: Id, reasonHash: Bytes32 }).strict();
export const ChangeInput = z.object({ assetId: Id, metadataHash: Bytes32, metadataUri: Text(256) }).strict();
export const CorrectInput = ChangeInput.extend({ reasonHash: Bytes32 }).strict();
export const RenewInput = z.object({ assetId: Id, validUntil: Timestamp, evidenceHash: Bytes32 }).strict();
export const TransferInput = z.object({ assetId: Id, to: NonZeroAddress }).strict();
export const RecoveryTransferInput = z.object({ assetId: Id, to: NonZeroAddress, reasonHash: Bytes32 }).strict();

// ─── Membership ────────────────────────────────────────────────────────────────────────

export const AdmitMemberInput = z
  .object({
    account: NonZeroAddress,
    orgIdHash: Bytes32,
    name: Text(128),
    type: named(MEMBER_TYPE),
    jurisdiction: named(JURISDICTION),
  })
  .strict();
export const SuspendMemberInput = z.object({ account: NonZeroAddress, reasonHash: Bytes32 }).strict();
export const AccountInput = z.object({ account: NonZeroAddress }).strict();
export const RebindMemberInput = z.object({ oldAccount: NonZeroAddress, newAccount: NonZeroAddress, reasonHash: Bytes32 }).strict();

// ─── Objections and rulings ────────────────────────────────────────────────────────────

export const ObjectInput = z.object({ assetId: Id, evidenceHash: Bytes32 }).strict();
export const ObjectionRef = z.object({ objectionId: Id }).strict();
export const RuleInput = z
  .object({ objectionId: Id, ruling: named(RULING), decisionHash: Bytes32, licenseIds: IdList(200) })
  .strict();
export const CourtRuleInput = RuleInput.extend({ pledgeAction: named(PLEDGE_ACTION).default(0) }).strict();

// ─── Licences ──────────────────────────────────────────────────────────────────────────

/** Licence terms by name; the fee defaults to nothing (0 CNY). */
export const LicenseTermsInput = z
  .object({
    licensee: NonZeroAddress,
    rights: LicensableRights,
    territory: named(TERRITORY).default(0),
    start: Timestamp,
    end: Timestamp,
    sublicensable: z.boolean().default(false),
    revocable: z.boolean().default(false),
    scopeHash: Bytes32,
    termsHash: Bytes32,
    fee: z.object({ amount: uint(96), currency: Currency }).strict().optional(),
  })
  .strict()
  .refine((t) => t.end > t.start, { path: ["end"], message: "must be after start" })
  .transform((t) => ({
    licensee: t.licensee,
    rights: t.rights,
    territory: t.territory,
    start: t.start,
    end: t.end,
    sublicensable: t.sublicensable,
    revocable: t.revocable,
    scopeHash: t.scopeHash,
    termsHash: t.termsHash,
    feeAmount: t.fee?.amount ?? 0n,
    feeCurrency: t.fee?.currency ?? "0x434e59",
  }));
export type LicenseTermsInput = z.input<typeof LicenseTermsInput>;
export type LicenseTerms = z.output<typeof LicenseTermsInput>;

export const GrantLicenseInput = z.object({ assetId: Id, terms: LicenseTermsInput }).strict();
export const SublicenseInput = z.object({ parentId: Id, terms: LicenseTermsInput }).strict();
export const LicenseOfferInput = z
  .object({ assetId: Id, terms: LicenseTermsInput, deadline: Timestamp, nonce: uint(256).optional() })
  .strict();
export const NonceInput = z.object({ nonce: uint(256) }).strict();
export const RevokeLicenseInput = z.object({ licenseId: Id, reasonHash: Bytes32 }).strict();
export const CourtRevokeLicenseInput = z.object({ licenseId: Id, caseHash: Bytes32 }).strict();
export const LicenseIdsInput = z.object({ licenseIds: z.array(Id).min(1, "must list at least one").max(200, "must list at most 200") }).strict();

// ─── Exchange ──────────────────────────────────────────────────────────────────────────

export const SellOrderInput = z
  .object({
    assetId: Id,
    exchange: NonZeroAddress,
    /** Omitted: any buyer. */
    buyer: Address.optional(),
    price: uint(128),
    currency: Currency,
    deadline: Timestamp,
    nonce: uint(256).optional(),
  })
  .strict();
export const DelistInput = ReasonedAsset;
export const TradeLicenseInput = z
  .object({
    licenseId: Id,
    price: uint(128),
    currency: Currency,
    mode: named(DELIVERY_MODE).default(0),
    exchangeRefHash: Bytes32,
  })
  .strict();

// ─── Finance ───────────────────────────────────────────────────────────────────────────

export const ValuationInput = z
  .object({
    assetId: Id,
    method: named(VALUATION_METHOD),
    value: uint(128, 1n),
    currency: Currency,
    valuationDate: Timestamp,
    reportHash: Bytes32,
  })
  .strict();
export const ProposePledgeInput = z
  .object({
    assetId: Id,
    pledgee: NonZeroAddress,
    securedAmount: uint(128, 1n),
    currency: Currency,
    dueDate: Timestamp,
    registryRefHash: Bytes32,
  })
  .strict();
export const PledgeRef = z.object({ pledgeId: Id }).strict();
export const CourtEnforcePledgeInput = z.object({ pledgeId: Id, caseHash: Bytes32 }).strict();

// ─── Milestones and compliance ─────────────────────────────────────────────────────────

/** The "firsts" a member attests itself; listing, trade and registration are recorded automatically. */
export const MilestoneInput = z
  .object({
    assetId: Id,
    kind: z.enum(["financialStatements", "opening", "financing"], { error: () => "must be financialStatements, opening or financing" }),
    evidenceHash: Bytes32,
    detail: named(TREATMENT).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.kind === "financialStatements" && m.detail === undefined)
      ctx.addIssue({ code: "custom", path: ["detail"], message: "is required for financialStatements (inventory or intangibleAsset)" });
    if (m.kind !== "financialStatements" && m.detail !== undefined)
      ctx.addIssue({ code: "custom", path: ["detail"], message: "applies only to financialStatements" });
  });
export const AnnulMilestoneInput = z.object({ assetId: Id, kind: named(MILESTONE), reasonHash: Bytes32 }).strict();
/** The bureau records an incentive paid for a first: `amount` in the currency's minor unit (fen). */
export const IncentiveInput = z
  .object({ assetId: Id, kind: named(MILESTONE), level: named(INCENTIVE_LEVEL), amount: uint(128, 1n), currency: Currency, evidenceHash: Bytes32 })
  .strict();
export const RevokeIncentiveInput = z.object({ assetId: Id, kind: named(MILESTONE), level: named(INCENTIVE_LEVEL), reasonHash: Bytes32 }).strict();

export const ConfirmGradeInput = z.object({ assetId: Id, grade: named(SECURITY_GRADE), reportHash: Bytes32 }).strict();
export const DeidReviewInput = z.object({ applicant: NonZeroAddress, contentHash: Bytes32, passed: z.boolean(), reportHash: Bytes32 }).strict();
export const CrossBorderInput = z
  .object({ assetId: Id, recipient: NonZeroAddress, routeHash: Bytes32, mechanism: named(EXPORT_MECHANISM), validUntil: Timestamp })
  .strict();
export const RevokeCrossBorderInput = z.object({ assetId: Id, recipient: NonZeroAddress, reasonHash: Bytes32 }).strict();
export const SandboxInput = z.object({ assetId: Id, approvalHash: Bytes32, validUntil: Timestamp }).strict();

// ─── Court orders ──────────────────────────────────────────────────────────────────────

export const CaseInput = z.object({ assetId: Id, caseHash: Bytes32 }).strict();
export const OrderTransferInput = z
  .object({ assetId: Id, to: NonZeroAddress, caseHash: Bytes32, pledgeAction: named(PLEDGE_ACTION).default(0) })
  .strict();
export const OrderCancelInput = z.object({ assetId: Id, caseHash: Bytes32, licenseIds: IdList(200) }).strict();

// ─── Evidence ──────────────────────────────────────────────────────────────────────────

export const AnchorInput = z
  .object({ root: Bytes32, itemCount: z.number().int().min(1, "must be at least 1").max(UINT32_MAX, "must fit in 32 bits"), manifestHash: Bytes32 })
  .strict();
export const RevokeAnchorInput = z.object({ root: Bytes32, reasonHash: Bytes32 }).strict();
export const EmergencyStopInput = z
  .object({ targets: z.array(NonZeroAddress).min(1, "must list at least one").max(32, "must list at most 32"), reasonHash: Bytes32 })
  .strict();

// ─── Parsing ───────────────────────────────────────────────────────────────────────────

/** The first zod issue as an InputError: `field` is the dotted path under `prefix`. */
function toInputError(error: z.ZodError, prefix: string): InputError {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((p) => p !== "").join(".");
  // zod's own wording for a missing field ("Invalid input: expected string, received undefined").
  const missing = issue?.code === "invalid_type" && / received undefined$/.test(issue.message);
  return new InputError(path || "input", missing ? "is required" : (issue?.message ?? "is invalid"));
}

/**
 * Validates `value` with `schema`. Any failure, including a hostile value whose getters throw,
 * is an InputError; nothing else escapes.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix = ""): z.output<T> {
  let result: ReturnType<T["safeParse"]>;
  try {
    result = schema.safeParse(value) as ReturnType<T["safeParse"]>;
  } catch (e) {
    throw new InputError(prefix || "input", `could not be read (${e instanceof Error ? e.message : "invalid value"})`);
  }
  if (!result.success) throw toInputError(result.error, prefix);
  return result.data as z.output<T>;
}
