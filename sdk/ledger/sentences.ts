/**
 * A sentence in words for every custom error of the ledger's ABIs (a test checks that none is
 * missing). Arguments arrive formatted by `formatErrorArgs`: integers as decimal strings, enum
 * values as their API names, so a sentence reads "asset 12 is frozen by court order".
 */
import type { ErrorFragment, Result } from "ethers";
import {
  ASSET_KIND,
  ASSET_STATUS,
  FIELD,
  INCENTIVE_LEVEL,
  MILESTONE,
  OBJECTION_STATUS,
  PLEDGE_STATUS,
  PRODUCT_FORM,
  REASON,
  RULING,
  SOURCE_TYPE,
  enumName,
  rightsOf,
} from "../api/enums";
import type { ErrorArg } from "./errors";

type Args = Record<string, ErrorArg>;
const s = (v: ErrorArg | undefined): string => (Array.isArray(v) ? v.join(", ") : String(v ?? "?"));

/** Unix seconds as an ISO date-time (UTC), for sentences. */
function when(v: ErrorArg | undefined): string {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 && n < 1e11 ? new Date(n * 1000).toISOString().replace(".000Z", "Z") : s(v);
}
function rights(v: ErrorArg | undefined): string {
  const names = rightsOf(Number(v));
  return names.length > 0 ? names.join("+") : "no rights";
}

/** Enum-typed arguments by error and argument name: formatted as their names. */
const ENUM_ARGS: Record<string, Record<string, readonly string[]>> = {
  WrongStatus: { status: ASSET_STATUS },
  NotAdmissible: { assetStatus: ASSET_STATUS },
  RulingNotApplicable: { ruling: RULING, assetStatus: ASSET_STATUS },
  ArgumentNotApplicable: { ruling: RULING },
  ObjectionNotOpen: { status: OBJECTION_STATUS },
  WrongPledgeStatus: { status: PLEDGE_STATUS },
  NotTradable: { reason: REASON },
  AutomaticMilestone: { kind: MILESTONE },
  MilestoneAlreadyRecorded: { kind: MILESTONE },
  MilestoneNotRecorded: { kind: MILESTONE },
  FirstNotEarned: { kind: MILESTONE },
  IncentiveAlreadyRecorded: { kind: MILESTONE, level: INCENTIVE_LEVEL },
  IncentiveNotRecorded: { kind: MILESTONE, level: INCENTIVE_LEVEL },
  ProductFormMismatch: { kind: ASSET_KIND, productForm: PRODUCT_FORM },
  SourceParentsMismatch: { sourceType: SOURCE_TYPE },
  ZeroHash: { field: FIELD },
  ZeroAddress: { field: FIELD },
  EmptyString: { field: FIELD },
  OutOfRange: { field: FIELD },
  InPast: { field: FIELD },
  UnknownId: { field: FIELD },
};

/** The error's arguments by name, JSON-ready, enums by name. */
export function formatErrorArgs(fragment: ErrorFragment, values: Result): Args {
  const enums = ENUM_ARGS[fragment.name] ?? {};
  const out: Args = {};
  fragment.inputs.forEach((input, i) => {
    const key = input.name || String(i);
    const v: unknown = values[i];
    const names = enums[key];
    if (names && (typeof v === "bigint" || typeof v === "number")) out[key] = enumName(names, v);
    else if (typeof v === "bigint") out[key] = v.toString();
    else if (typeof v === "string" || typeof v === "boolean" || typeof v === "number") out[key] = v;
    else out[key] = String(v);
  });
  return out;
}

export const ERROR_SENTENCES: Record<string, (a: Args) => string> = {
  // Shared input errors (ILedgerErrors)
  ZeroHash: (a) => `${s(a.field)} must not be the zero hash`,
  ZeroAddress: (a) => `${s(a.field)} must not be the zero address`,
  EmptyString: (a) => `${s(a.field)} must not be empty`,
  OutOfRange: (a) => `${s(a.field)} is out of range (${s(a.value)})`,
  EndBeforeStart: (a) => `the end (${when(a.end)}) is not after the start (${when(a.start)})`,
  InPast: (a) => `${s(a.field)} (${when(a.value)}) is already in the past (now ${when(a.nowTs)})`,
  UnknownId: (a) => `no record has ${s(a.field)} ${s(a.id)}`,
  // The transfer rule (IAssetRuleErrors)
  AssetNotRegistered: (a) => `asset ${s(a.assetId)} is not registered`,
  AssetDisputed: (a) => `asset ${s(a.assetId)} is disputed (an admitted objection is open)`,
  AssetFrozen: (a) => `asset ${s(a.assetId)} is frozen by court order`,
  AssetPledged: (a) => `asset ${s(a.assetId)} is pledged`,
  AssetExpired: (a) => `asset ${s(a.assetId)} expired at ${when(a.validUntil)}`,
  AssetCancelled: (a) => `asset ${s(a.assetId)} is cancelled`,
  CoreDataRestricted: (a) => `asset ${s(a.assetId)} is core data and cannot circulate`,
  NotActiveMember: (a) => `${s(a.account)} is not an active member`,
  CrossBorderNotCleared: (a) => `asset ${s(a.assetId)} is not cleared for export to ${s(a.counterparty)}`,
  NotHolder: (a) => `${s(a.account)} does not hold asset ${s(a.assetId)}`,
  RightsNotClaimed: (a) => `asset ${s(a.assetId)} does not claim ${rights(a.requested)} (it claims ${rights(a.claimed)})`,
  CoreDataNotRegistrable: () => "core data cannot be registered for circulation",
  WrongStatus: (a) => (a.status === "none" ? `there is no asset ${s(a.assetId)}` : `asset ${s(a.assetId)} is ${s(a.status)}, which does not allow this`),
  // Signatures (ISignatureErrors)
  InvalidSignature: () => "the signature is not valid for this message and signer",
  SignatureExpired: (a) => `the signed message expired at ${when(a.deadline)}`,
  NonceAlreadyUsed: (a) => `${s(a.signer)} already used or cancelled nonce ${s(a.nonce)}`,
  // Access
  AuthorityFixed: () => "the contract's access manager cannot be changed",
  NotModule: (a) => `${s(a.caller)} is not the ledger module allowed to call this`,
  ContractClosed: (a) => `contract ${s(a.target)} is closed by the emergency stop`,
  AccessManagedUnauthorized: (a) => `${s(a.caller)} does not hold the role this action needs`,
  AccessManagedRequiredDelay: (a) => `${s(a.caller)} must schedule this action (delay ${s(a.delay)} s)`,
  AccessManagedInvalidAuthority: (a) => `${s(a.authority)} is not a valid access manager`,
  AccessManagerAlreadyScheduled: (a) => `operation ${s(a.operationId)} is already scheduled`,
  AccessManagerBadConfirmation: () => "the confirmation does not match the caller",
  AccessManagerExpired: (a) => `operation ${s(a.operationId)} has expired`,
  AccessManagerInvalidInitialAdmin: (a) => `${s(a.initialAdmin)} cannot be the initial admin`,
  AccessManagerLockedFunction: (a) => `function ${s(a.selector)} is locked`,
  AccessManagerLockedRole: (a) => `role ${s(a.roleId)} is locked`,
  AccessManagerNotReady: (a) => `operation ${s(a.operationId)} is not ready yet`,
  AccessManagerNotScheduled: (a) => `operation ${s(a.operationId)} is not scheduled`,
  AccessManagerUnauthorizedAccount: (a) => `${s(a.msgsender)} does not hold role ${s(a.roleId)}`,
  AccessManagerUnauthorizedCall: (a) => `${s(a.caller)} may not call ${s(a.selector)} on ${s(a.target)}`,
  AccessManagerUnauthorizedCancel: (a) => `${s(a.msgsender)} may not cancel that operation of ${s(a.caller)}`,
  AccessManagerUnauthorizedConsume: (a) => `${s(a.target)} may not consume a scheduled operation`,
  // Library errors (OpenZeppelin)
  AddressEmptyCode: (a) => `${s(a.target)} has no contract code`,
  FailedCall: () => "an internal call failed",
  InsufficientBalance: (a) => `the balance ${s(a.balance)} is below the ${s(a.needed)} needed`,
  SafeCastOverflowedUintDowncast: (a) => `the value ${s(a.value)} does not fit in ${s(a.bits)} bits`,
  InvalidShortString: () => "a short string is malformed",
  StringTooLong: (a) => `the text "${s(a.str)}" is too long`,
  ERC721IncorrectOwner: (a) => `${s(a.sender)} is not the holder of asset ${s(a.tokenId)} (the holder is ${s(a.owner)})`,
  ERC721InsufficientApproval: (a) => `${s(a.operator)} is not approved for asset ${s(a.tokenId)}`,
  ERC721InvalidApprover: (a) => `${s(a.approver)} cannot approve`,
  ERC721InvalidOperator: (a) => `${s(a.operator)} cannot be an operator`,
  ERC721InvalidOwner: (a) => `${s(a.owner)} cannot hold an asset`,
  ERC721InvalidReceiver: (a) => `${s(a.receiver)} cannot receive an asset`,
  ERC721InvalidSender: (a) => `${s(a.sender)} cannot send an asset`,
  ERC721NonexistentToken: (a) => `asset ${s(a.tokenId)} has no token (it is not registered, or cancelled)`,
  // Membership
  AlreadyMember: (a) => `${s(a.account)} is already a member`,
  OrganisationAlreadyAdmitted: (a) => `the organisation ${s(a.orgIdHash)} is already admitted as ${s(a.account)}`,
  NotMember: (a) => `${s(a.account)} is not a member`,
  AlreadySuspended: (a) => `member ${s(a.account)} is already suspended`,
  NotSuspended: (a) => `member ${s(a.account)} is not suspended`,
  NotSameOrganisation: (a) => `${s(a.from)} and ${s(a.to)} are not accounts of one organisation`,
  // Registration office
  DeidentificationReviewMissing: (a) => `personal data from ${s(a.applicant)} needs a passed de-identification review of ${s(a.contentHash)} first`,
  ContentAlreadyRegistered: (a) => `content ${s(a.contentHash)} is already deposited as asset ${s(a.existingAssetId)}`,
  ParentNotRegistered: (a) => `parent asset ${s(a.parentId)} is not registered`,
  ParentRightsMissing: (a) => `${s(a.applicant)} neither holds parent asset ${s(a.parentId)} nor has a processing licence for it`,
  SourceParentsMismatch: (a) => `source ${s(a.sourceType)} does not fit ${s(a.parentCount)} parent(s) (derived data needs parents, other sources none)`,
  ProductFormMismatch: (a) => `a ${s(a.kind)} cannot have product form ${s(a.productForm)}`,
  BatchTooLarge: (a) => `the batch's work ${s(a.work)} is over the limit ${s(a.maxWork)}`,
  AlreadyCommitted: (a) => `commitment ${s(a.commitment)} was already made`,
  UnknownCommitment: (a) => `no commitment ${s(a.commitment)} was made (commit before revealing)`,
  RevealTooEarly: (a) => `the application must be revealed in a later block than its commitment (block ${s(a.committedInBlock)})`,
  CommitmentExpired: (a) => `commitment ${s(a.commitment)} expired at ${when(a.expiredAt)}: commit again`,
  ModulesNotSet: () => "the ledger's modules are not wired yet",
  // Registry
  AlreadyInState: (a) => `asset ${s(a.assetId)} is already in that state`,
  LicensesOpen: (a) => `asset ${s(a.assetId)} still has ${s(a.openLicenses)} open licence(s)`,
  NotPublicData: (a) => `asset ${s(a.assetId)} is not public data`,
  ObjectionsOpen: (a) => `asset ${s(a.assetId)} has open objections`,
  PublicityNotOver: (a) => `the publicity period of asset ${s(a.assetId)} runs until ${when(a.publicityEnd)}`,
  RenewalNotLater: (a) => `the new end of validity ${when(a.requested)} is not after the current one ${when(a.currentValidUntil)}`,
  // Compliance
  UnknownAsset: (a) => `there is no asset ${s(a.assetId)}`,
  NothingToRevoke: (a) => `asset ${s(a.assetId)} has nothing to revoke`,
  // Disputes and court orders
  UnknownObjection: (a) => `there is no objection ${s(a.objectionId)}`,
  ObjectionNotOpen: (a) => `objection ${s(a.objectionId)} is ${s(a.status)}, not open`,
  ObjectionAlreadyOpen: (a) => `${s(a.claimant)} already has objection ${s(a.objectionId)} open against asset ${s(a.assetId)}`,
  AlreadyAdmitted: (a) => `objection ${s(a.objectionId)} is already admitted`,
  NotAdmissible: (a) => `objection ${s(a.objectionId)} cannot be admitted while the asset is ${s(a.assetStatus)}`,
  NotClaimant: (a) => `${s(a.account)} did not file objection ${s(a.objectionId)}`,
  ClaimantActive: (a) => `claimant ${s(a.claimant)} is an active member (only a suspended member's objections are dismissed this way)`,
  PledgeRegistryAlreadySet: (a) => `the pledge registry is already set (${s(a.pledges)})`,
  ArgumentNotApplicable: (a) => `the ruling ${s(a.ruling)} on objection ${s(a.objectionId)} takes no licence ids or pledge action`,
  RulingNotApplicable: (a) => `the ruling ${s(a.ruling)} on objection ${s(a.objectionId)} does not apply to an asset that is ${s(a.assetStatus)}`,
  HoldExists: (a) => `court ${s(a.court)} already holds asset ${s(a.assetId)} for case ${s(a.caseHash)}`,
  NoSuchHold: (a) => `asset ${s(a.assetId)} has no hold for case ${s(a.caseHash)}`,
  NotHoldingCourt: (a) => `court ${s(a.court)} did not place the hold on asset ${s(a.assetId)} for case ${s(a.caseHash)}`,
  PledgeActionRequired: (a) => `asset ${s(a.assetId)} is pledged: say whether the pledge is carried or discharged`,
  NoPledgeToSettle: (a) => `asset ${s(a.assetId)} has no pledge to carry or discharge`,
  PledgesNotSet: () => "the pledge registry is not wired yet",
  // Licences
  AlreadyEnded: (a) => `licence ${s(a.licenseId)} has already ended`,
  AlreadyRevoked: (a) =>
    a.licenseId !== undefined ? `licence ${s(a.licenseId)} is already revoked` : `evidence root ${s(a.root)} of ${s(a.anchorer)} is already revoked`,
  DepthExceeded: (a) => `sublicences may not go deeper than ${s(a.depth)} levels`,
  LicenseNotInForce: (a) => `licence ${s(a.licenseId)} is not in force`,
  NotLapsed: (a) => `licence ${s(a.licenseId)} has not lapsed yet`,
  NotLicensee: (a) => `${s(a.account)} is not the licensee of licence ${s(a.licenseId)}`,
  NotLicensor: (a) => `${s(a.account)} is not the licensor of licence ${s(a.licenseId)}`,
  NotOfferee: (a) => `the offer is for ${s(a.licensee)}, not ${s(a.caller)}`,
  NotRevocable: (a) => `licence ${s(a.licenseId)} is not revocable by the licensor alone`,
  NotSublicensable: (a) => `licence ${s(a.parentId)} may not be sublicensed`,
  RightsNotHeld: (a) => `the licence asks for ${rights(a.requested)} but only ${rights(a.available)} can be given`,
  SelfLicense: (a) => `${s(a.account)} cannot license to itself`,
  TermExceedsLicensor: (a) => `the term ${when(a.start)}..${when(a.end)} goes beyond the licensor's ${when(a.licensorStart)}..${when(a.licensorEnd)}`,
  TerritoryExceedsLicensor: () => "the territory goes beyond the licensor's",
  WrongAsset: (a) => `licence ${s(a.licenseId)} is not for asset ${s(a.assetId)}`,
  // Trade desk
  AlreadyListed: (a) => `asset ${s(a.assetId)} is already listed on exchange ${s(a.exchange)}`,
  NotListed: (a) => `asset ${s(a.assetId)} is not listed`,
  NotListedHere: (a) => `asset ${s(a.assetId)} is not listed on exchange ${s(a.exchange)}`,
  NotTradable: (a) => `asset ${s(a.assetId)} cannot be traded: ${s(a.reason)}`,
  NotListingParty: (a) => `${s(a.account)} is neither the listing exchange nor the holder of asset ${s(a.assetId)}`,
  SandboxNotApproved: (a) => `asset ${s(a.assetId)} has no sandbox approval for this delivery`,
  WrongExchange: (a) => `the order names exchange ${s(a.orderExchange)}, not ${s(a.caller)}`,
  WrongBuyer: (a) => `the order is for buyer ${s(a.orderBuyer)}, not ${s(a.buyer)}`,
  SelfTrade: (a) => `${s(a.party)} cannot trade with itself`,
  SameOrganisation: (a) => `buyer and seller are the same organisation (${s(a.orgIdHash)})`,
  // Milestones
  AutomaticMilestone: (a) => `the ${s(a.kind)} first is recorded automatically, not attested`,
  MilestoneAlreadyRecorded: (a) => `asset ${s(a.assetId)} already has its ${s(a.kind)} first`,
  MilestoneNotRecorded: (a) => `asset ${s(a.assetId)} has no ${s(a.kind)} first to annul`,
  // Incentives for firsts (the bureau)
  FirstNotEarned: (a) => `asset ${s(a.assetId)} has no ${s(a.kind)} first in force (never recorded, or annulled): no incentive can be recorded for it`,
  IncentiveAlreadyRecorded: (a) => `the ${s(a.kind)} first of asset ${s(a.assetId)} already has a ${s(a.level)} incentive (withdraw it first to correct it)`,
  IncentiveNotRecorded: (a) => `the ${s(a.kind)} first of asset ${s(a.assetId)} has no ${s(a.level)} incentive in force to withdraw`,
  // Valuations and pledges
  ValuationDateInFuture: (a) => `the valuation date ${when(a.valuationDate)} is in the future`,
  WrongPledgeStatus: (a) => `pledge ${s(a.pledgeId)} is ${s(a.status)}, which does not allow this`,
  NotPledgor: (a) => `${s(a.account)} did not propose pledge ${s(a.pledgeId)}`,
  NotPledgee: (a) => `${s(a.account)} is not the pledgee of pledge ${s(a.pledgeId)}`,
  PledgeNotDue: (a) => `pledge ${s(a.pledgeId)} is not due until ${when(a.dueDate)}`,
  DueAfterValidity: (a) => `the due date ${when(a.dueDate)} is after the asset's validity ends (${when(a.validUntil)})`,
  NoActivePledge: (a) => `asset ${s(a.assetId)} has no active pledge`,
  SelfPledge: () => "a holder cannot pledge to itself",
  // Evidence
  AlreadyAnchored: (a) => `evidence root ${s(a.root)} is already anchored by ${s(a.anchorer)}`,
  NotAnchored: (a) => `evidence root ${s(a.root)} is not anchored by ${s(a.anchorer)}`,
};

export function sentenceFor(name: string, args: Args): string {
  const f = ERROR_SENTENCES[name];
  return f ? f(args) : `the contract refused with ${name}(${Object.values(args).map(s).join(", ")})`;
}
