import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployLedger, grantPersonRoles, type Ledger } from "../../scripts/lib/ledger";
import type { RegistrationOffice, TradeDesk } from "../../typechain-types";
import { FIELD } from "../../sdk/api/enums";
import { SELL_ORDER_TYPES } from "../../sdk/orders/order";

export const AREA_CODE = 440300;
export const BASE_URI = "https://registry.example/v1/assets/";
export const DAY = 24 * 60 * 60;
export const YEAR = 365 * DAY;

/** Enum values of contracts/common/DataTypes.sol. */
export const AssetKind = { Resource: 0, Product: 1 } as const;
export const ProductForm = { None: 0, Dataset: 1, Report: 2, Api: 3, Model: 4, Index: 5 } as const;
export const DataCategory = { Public: 0, Enterprise: 1, Personal: 2 } as const;
export const SourceType = { SelfCollected: 0, Licensed: 1, Purchased: 2, PublicAuthorisation: 3, Derived: 4 } as const;
export const Grade = { General: 0, Important: 1, Core: 2 } as const;
export const PersonalInfo = { None: 0, DeIdentified: 1, Anonymised: 2 } as const;
export const Status = { None: 0n, Applied: 1n, Publicity: 2n, Registered: 3n, Refused: 4n, Cancelled: 5n } as const;
export const MemberType = { Enterprise: 0, PublicBody: 1, DataProductCompany: 2, Other: 3 } as const;
export const Jurisdiction = { Domestic: 0, Foreign: 1 } as const;
export const Territory = { Domestic: 0, CrossBorder: 1 } as const;
export const Rights = { HOLDING: 1, PROCESSING: 2, OPERATION: 4, ALL: 7 } as const;
export const Reason = {
  OK: 0n,
  NotRegistered: 1n,
  Disputed: 2n,
  Frozen: 3n,
  Pledged: 4n,
  Expired: 5n,
  Cancelled: 6n,
  CoreData: 7n,
  NotMember: 8n,
  CrossBorderNotCleared: 9n,
  NotHolder: 10n,
  RightsNotClaimed: 11n,
} as const;
/** The bit of a Reason in the pre-trade views' bit sets. */
export const bit = (r: bigint): bigint => 1n << r;
export const PledgeAction = { None: 0, Carry: 1, Discharge: 2 } as const;
export const Ruling = { Dismiss: 0, Cancel: 1, TransferToClaimant: 2, Compensate: 3 } as const;
export const Milestone = { Registration: 0, Listing: 1, Trade: 2, FinancialStatements: 3, Opening: 4, Financing: 5 } as const;
export const DeliveryMode = { Plaintext: 0, PrivacyComputing: 1, Api: 2, Sandbox: 3 } as const;
export const CNY = "0x434e59"; // bytes3("CNY")

type Capitalised<S extends string> = S extends `${infer H}${infer T}` ? `${Uppercase<H>}${T}` : S;
/** The `Field` enum of contracts/common/DataTypes.sol as the tests compare it: `Field.ReasonHash` is its index. */
export const Field = Object.fromEntries(FIELD.map((name, i) => [name[0]?.toUpperCase() + name.slice(1), i])) as {
  readonly [K in (typeof FIELD)[number] as Capitalised<K>]: number;
};

export type ApplicationInput = RegistrationOffice.ApplicationStruct;
export type SellOrderInput = TradeDesk.SellOrderStruct;

export interface Actors {
  admin: HardhatEthersSigner;
  registrar: HardhatEthersSigner;
  exchange: HardhatEthersSigner;
  evaluator: HardhatEthersSigner;
  auditor: HardhatEthersSigner;
  regulator: HardhatEthersSigner;
  court: HardhatEthersSigner;
  /** Domestic enterprise members. */
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  /** A foreign member. */
  dave: HardhatEthersSigner;
  /** Not a member and holds no role. */
  outsider: HardhatEthersSigner;
  /** A second exchange and a second court (EXCHANGE / COURT roles). */
  exchange2: HardhatEthersSigner;
  court2: HardhatEthersSigner;
  /** The pilot zone's bureau (BUREAU): records incentives paid for firsts. */
  bureau: HardhatEthersSigner;
  /** Spare accounts with no role and no membership (key rotation, ...). */
  spare: HardhatEthersSigner[];
}

export interface World extends Actors {
  ledger: Ledger;
}

let hashCounter = 0;
/** A fresh, distinct, non-zero bytes32 for each call. */
export function h(label = "x"): string {
  hashCounter += 1;
  return ethers.keccak256(ethers.toUtf8Bytes(`${label}:${hashCounter}`));
}

/** A valid application for a general-grade enterprise dataset, valid for one year from `now`. */
export function applicationAt(now: number, overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  return {
    name: "Port throughput 2026 / 港口吞吐量",
    kind: AssetKind.Product,
    productForm: ProductForm.Dataset,
    category: DataCategory.Enterprise,
    rights: Rights.ALL,
    sourceType: SourceType.SelfCollected,
    grade: Grade.General,
    personalInfo: PersonalInfo.None,
    validUntil: now + YEAR,
    sourceEvidenceHash: h("source"),
    contentHash: h("content"),
    metadataHash: h("metadata"),
    metadataUri: "ipfs://bafy-metadata",
    parents: [],
    parentLicenses: [],
    ...overrides,
  };
}

/** The same, valid for one year from the Hardhat network's latest block. */
export async function application(overrides: Partial<ApplicationInput> = {}): Promise<ApplicationInput> {
  return applicationAt(await time.latest(), overrides);
}

// The SDK's EIP-712 types serve the contract tests too: a type list that drifted from the
// contract's typehash would fail every signed-offer and sell-order test here.
export { OFFER_TYPES } from "../../sdk/offers/offer";
export { SELL_ORDER_TYPES };

/** EIP-712 types of a licensee's consent to revocation. */
export const CONSENT_TYPES = {
  RevocationConsent: [
    { name: "licenseId", type: "uint256" },
    { name: "reasonHash", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
};

/** The commitment RegistrationOffice.commitmentOf computes: keccak256(abi.encode(applicant, contentHash, salt)). */
export function commitmentOf(applicant: string, contentHash: string, salt: string): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["address", "bytes32", "bytes32"], [applicant, contentHash, salt]));
}

/** The commitment of a batch: keccak256(abi.encode(applicant, keccak256(concat(contentHashes)), salt)). */
export function batchCommitmentOf(applicant: string, contentHashes: string[], salt: string): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(["address", "bytes32", "bytes32"], [applicant, ethers.keccak256(ethers.concat(contentHashes)), salt]),
  );
}

/** Deploys the ledger, grants roles, and admits alice, bob, carol (domestic) and dave (foreign). */
export async function deployWorld(): Promise<World> {
  const signers = await ethers.getSigners();
  const at = (i: number): HardhatEthersSigner => {
    const s = signers[i];
    if (!s) throw new Error(`the Hardhat network needs at least ${i + 1} accounts`);
    return s;
  };
  const [admin, registrar, exchange, evaluator, auditor, regulator, court, alice, bob, carol, dave, outsider] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ].map(at) as [
    HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner,
    HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner,
  ];
  const [exchange2, court2] = [at(12), at(13)];
  const spare = [14, 15, 16, 17, 18].map(at);
  const bureau = at(19);
  const ledger = await deployLedger(admin, { areaCode: AREA_CODE, baseURI: BASE_URI });
  await grantPersonRoles(ledger, {
    REGISTRAR: [registrar.address],
    EXCHANGE: [exchange.address, exchange2.address],
    EVALUATOR: [evaluator.address],
    AUDITOR: [auditor.address],
    REGULATOR: [regulator.address],
    COURT: [court.address, court2.address],
    GUARDIAN: [admin.address],
    BUREAU: [bureau.address],
  });
  const admitted: [HardhatEthersSigner, string, number][] = [
    [alice, "Alice Data Co.", Jurisdiction.Domestic],
    [bob, "Bob Analytics Ltd.", Jurisdiction.Domestic],
    [carol, "Carol Exchange Services", Jurisdiction.Domestic],
    [dave, "Dave Overseas GmbH", Jurisdiction.Foreign],
  ];
  for (const [who, name, jurisdiction] of admitted) {
    await ledger.members
      .connect(registrar)
      .admit(who.address, ethers.id(`USCC:${name}`), name, MemberType.Enterprise, jurisdiction);
  }
  return { ledger, admin, registrar, exchange, evaluator, auditor, regulator, court, alice, bob, carol, dave, outsider, exchange2, court2, bureau, spare };
}

/** Commits to an application (one block before its reveal) and returns the salt. */
export async function commitTo(w: World, applicant: HardhatEthersSigner, contentHash: string): Promise<string> {
  const salt = h("salt");
  await w.ledger.office.connect(applicant).commit(commitmentOf(applicant.address, contentHash, salt));
  return salt;
}

/** Files an application as `applicant` (commit, then reveal in the next block) and returns its id. */
export async function submit(w: World, applicant: HardhatEthersSigner, overrides: Partial<ApplicationInput> = {}): Promise<bigint> {
  const app = await application(overrides);
  const salt = await commitTo(w, applicant, String(app.contentHash));
  const id = await w.ledger.registry.nextAssetId();
  await w.ledger.office.connect(applicant).submit(app, salt);
  return id;
}

/** Files many applications under one commitment and returns the first id. */
export async function submitBatch(w: World, applicant: HardhatEthersSigner, apps: ApplicationInput[]): Promise<bigint> {
  const salt = h("salt");
  await w.ledger.office.connect(applicant).commit(batchCommitmentOf(applicant.address, apps.map((a) => String(a.contentHash)), salt));
  const id = await w.ledger.registry.nextAssetId();
  await w.ledger.office.connect(applicant).submitBatch(apps, salt);
  return id;
}

/** Files, accepts (publicity of one day), waits the window out, and confirms. Returns the id. */
export async function register(w: World, applicant: HardhatEthersSigner, overrides: Partial<ApplicationInput> = {}): Promise<bigint> {
  const id = await submit(w, applicant, overrides);
  await w.ledger.registry.connect(w.registrar).accept(id, DAY);
  await time.increase(DAY);
  await w.ledger.registry.connect(w.registrar).confirm(id);
  return id;
}

/** Licence terms as LicenseRegistry takes them, with concrete TypeScript types. */
export interface LicenseTerms {
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
}

/** Licence terms for an explicit term; the rest defaults to processing-use, domestic, not sublicensable. */
export function termsFor(
  licensee: string,
  term: Pick<LicenseTerms, "start" | "end"> & Partial<LicenseTerms>,
): LicenseTerms {
  return {
    licensee,
    rights: Rights.PROCESSING,
    territory: Territory.Domestic,
    sublicensable: false,
    revocable: false,
    scopeHash: h("scope"),
    termsHash: h("terms"),
    feeAmount: 100_000n,
    feeCurrency: CNY,
    ...term,
  };
}

/** Licence terms with sensible defaults: processing-use, domestic, now .. now + 30 days. */
export async function licenseTerms(licensee: string, overrides: Partial<LicenseTerms> = {}): Promise<LicenseTerms> {
  const now = await time.latest();
  return termsFor(licensee, { start: now, end: now + 30 * DAY, ...overrides });
}

/** A sell order by the holder of `assetId` for `exchange`, any buyer unless given, valid 7 days. */
export async function sellOrderFor(
  w: World,
  assetId: bigint,
  overrides: Partial<{ exchange: string; buyer: string; price: bigint; currency: string; deadline: number; nonce: bigint }> = {},
): Promise<{ assetId: bigint; exchange: string; buyer: string; price: bigint; currency: string; deadline: number; nonce: bigint }> {
  return {
    assetId,
    exchange: w.exchange.address,
    buyer: ethers.ZeroAddress,
    price: 1_000_000n,
    currency: CNY,
    deadline: (await time.latest()) + 7 * DAY,
    nonce: BigInt(h("nonce")),
    ...overrides,
  };
}

/** The holder's EIP-712 signature of a sell order. */
export async function signOrder(
  w: World,
  signer: HardhatEthersSigner,
  order: Awaited<ReturnType<typeof sellOrderFor>>,
  domain: Partial<{ chainId: bigint; verifyingContract: string; name: string; version: string }> = {},
): Promise<string> {
  const { chainId } = await ethers.provider.getNetwork();
  return signer.signTypedData(
    { name: "DRL TradeDesk", version: "1", chainId, verifyingContract: await w.ledger.tradeDesk.getAddress(), ...domain },
    SELL_ORDER_TYPES,
    order,
  );
}
