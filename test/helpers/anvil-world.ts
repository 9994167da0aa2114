/**
 * The ledger on a real Anvil node: deployment (with the deployment file the indexer reads),
 * a scripted life that emits every ledger event, and bulk load.
 *
 *   const node = await startAnvil();
 *   const w = await deployAnvilWorld(node, path.join(dir, "anvil-test.json"));
 *   const s = await runScenario(w);        // every event type, known end state
 *   const load = await generateLoad(w, { assets: 6000 });
 *
 * Accounts are Anvil's dev accounts, with the same parts as test/helpers/fixture.ts:
 * admin 0, registrar 1, exchange 2, evaluator 3, auditor 4, regulator 5, court 6,
 * alice 7, bob 8, carol 9 (domestic members), dave 10 (foreign member), outsider 11;
 * 12..19 are spare (the scenario uses 12 as an AccessManager operator and admits 13, erin).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import hre from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  ZeroHash,
  id as ethersId,
  randomBytes,
  hexlify,
  TypedDataEncoder,
  toQuantity,
  type ContractTransactionResponse,
  type TransactionReceipt,
  type Interface,
  type JsonRpcSigner,
  type Log,
  type Result,
} from "ethers";
import { deployLedger, grantPersonRoles, LEDGER_CONTRACTS, type Ledger, type LedgerName } from "../../scripts/lib/ledger";
import { ROLES } from "../../scripts/lib/roles";
import type { AnvilNode } from "./anvil";
import {
  AREA_CODE,
  AssetKind,
  BASE_URI,
  CNY,
  DataCategory,
  DAY,
  DeliveryMode,
  Grade,
  Jurisdiction,
  MemberType,
  PersonalInfo,
  ProductForm,
  Rights,
  SourceType,
  Territory,
  YEAR,
  h,
  termsFor,
  type ApplicationInput,
  applicationAt,
  OFFER_TYPES,
} from "./fixture";

/** A dev account of the node: works with `.connect(signer)` and has `.address`. */
export type AnvilSigner = JsonRpcSigner;

export interface AnvilActors {
  admin: AnvilSigner;
  registrar: AnvilSigner;
  exchange: AnvilSigner;
  evaluator: AnvilSigner;
  auditor: AnvilSigner;
  regulator: AnvilSigner;
  court: AnvilSigner;
  /** Domestic enterprise members. */
  alice: AnvilSigner;
  bob: AnvilSigner;
  carol: AnvilSigner;
  /** A foreign member. */
  dave: AnvilSigner;
  /** Not a member and holds no role. */
  outsider: AnvilSigner;
  /** Dev accounts 12..19, unused by the deployment. */
  spare: AnvilSigner[];
}

export interface AnvilWorld extends AnvilActors {
  node: AnvilNode;
  /** Every ledger contract, connected to the admin. */
  ledger: Ledger;
  chainId: number;
  /** Block number before the first deployment transaction (as deployOrAttach records it). */
  deployBlock: number;
  addresses: Record<LedgerName, string>;
  /** The deployment file written (format of scripts/lib/deployment.ts). */
  deploymentFile: string;
}

/** The deployment file, as deployOrAttach writes it. */
export interface DeploymentFile {
  network: string;
  chainId: number;
  deployBlock: number;
  addresses: Record<LedgerName, string>;
  contracts: Record<LedgerName, string>;
  abis: Record<LedgerName, unknown[]>;
}

/** The names the fixture gives the members (organisation id = ethers.id(`USCC:${name}`)). */
export const MEMBER_NAMES = {
  alice: "Alice Data Co.",
  bob: "Bob Analytics Ltd.",
  carol: "Carol Exchange Services",
  dave: "Dave Overseas GmbH",
} as const;

export const ANVIL_NETWORK = "anvil-test";

// ─── Small helpers ──────────────────────────────────────────────────────────────────────


/** Every ledger contract's interface, to decode logs and revert data. */
function interfaces(ledger: Ledger): Interface[] {
  return (Object.keys(LEDGER_CONTRACTS) as LedgerName[]).map((k) => ledger[k].interface);
}

/** Turns a revert into a readable error (custom error name and arguments). */
function explain(label: string, err: unknown, ledger: Ledger): Error {
  const e = err as { data?: unknown; info?: { error?: { data?: unknown } }; shortMessage?: string; message?: string };
  const data = typeof e.data === "string" ? e.data : typeof e.info?.error?.data === "string" ? e.info.error.data : null;
  if (data && data.length >= 10) {
    for (const iface of interfaces(ledger)) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) {
          return new Error(`${label}: reverted with ${parsed.name}(${parsed.args.map((a: unknown) => String(a)).join(", ")})`);
        }
      } catch {
        // not this contract's error
      }
    }
  }
  return new Error(`${label}: ${e.shortMessage ?? e.message ?? String(err)}`);
}

/** Sends, waits, remembers the receipt under a label. */
class Recorder {
  readonly receipts: TransactionReceipt[] = [];
  readonly txs: Record<string, string> = {};
  constructor(
    private readonly node: AnvilNode,
    private readonly ledger: Ledger,
  ) {}

  async run(label: string, send: () => Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
    if (label in this.txs) throw new Error(`duplicate scenario label ${label}`);
    let receipt: TransactionReceipt | null = null;
    try {
      const tx = await send();
      // Anvil mines right after answering eth_sendTransaction: polling the receipt every few
      // ms is much quicker than tx.wait(), which waits for the provider's next block poll.
      const deadline = Date.now() + 30_000;
      while ((receipt = await this.node.provider.getTransactionReceipt(tx.hash)) === null) {
        if (Date.now() > deadline) throw new Error(`no receipt for ${tx.hash} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    } catch (err) {
      throw explain(label, err, this.ledger);
    }
    if (receipt.status !== 1) throw new Error(`${label}: transaction ${receipt.hash} reverted`);
    this.receipts.push(receipt);
    this.txs[label] = receipt.hash;
    return receipt;
  }
}

/** Arguments of every `name` event that `contract` emitted in the receipt. */
function eventsIn(receipt: TransactionReceipt, iface: Interface, address: string, name: string): Result[] {
  const out: Result[] = [];
  const want = address.toLowerCase();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== want) continue;
    const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed && parsed.name === name) out.push(parsed.args);
  }
  return out;
}

function firstEvent(receipt: TransactionReceipt, iface: Interface, address: string, name: string): Result {
  const [first] = eventsIn(receipt, iface, address, name);
  if (!first) throw new Error(`no ${name} event in ${receipt.hash}`);
  return first;
}

/** topic0 → event name, for every ledger contract. */
function eventNames(ledger: Ledger): Map<string, string> {
  const out = new Map<string, string>();
  for (const iface of interfaces(ledger)) iface.forEachEvent((ev) => out.set(ev.topicHash, ev.name));
  return out;
}

/** Counts the ledger events in a set of logs, by name. */
export function countEvents(ledger: Ledger, addresses: Record<LedgerName, string>, logs: readonly Log[]): Record<string, number> {
  const names = eventNames(ledger);
  const ours = new Set(Object.values(addresses).map((a) => a.toLowerCase()));
  const out: Record<string, number> = {};
  for (const log of logs) {
    if (!ours.has(log.address.toLowerCase())) continue;
    const name = names.get(log.topics[0] ?? "") ?? "(unknown)";
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

// ─── deployAnvilWorld ───────────────────────────────────────────────────────────────────

/**
 * Deploys the ledger on the node with dev account 0 as admin, grants the person roles and
 * admits the four members as fixture.deployWorld does, and writes `deploymentFile` in the
 * format of scripts/lib/deployment.ts (network "anvil-test").
 */
export async function deployAnvilWorld(node: AnvilNode, deploymentFile: string): Promise<AnvilWorld> {
  const at = (i: number) => node.signer(i);
  const [admin, registrar, exchange, evaluator, auditor, regulator, court, alice, bob, carol, dave, outsider] = await Promise.all(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(at),
  );
  if (!admin || !registrar || !exchange || !evaluator || !auditor || !regulator || !court || !alice || !bob || !carol || !dave || !outsider) {
    throw new Error("the node needs at least 12 dev accounts");
  }
  const spare = await Promise.all([12, 13, 14, 15, 16, 17, 18, 19].map(at));

  const deployBlock = await node.provider.getBlockNumber();
  const ledger = await deployLedger(admin, { areaCode: AREA_CODE, baseURI: BASE_URI });
  await grantPersonRoles(ledger, {
    REGISTRAR: [registrar.address],
    EXCHANGE: [exchange.address],
    EVALUATOR: [evaluator.address],
    AUDITOR: [auditor.address],
    REGULATOR: [regulator.address],
    COURT: [court.address],
  });
  const admitted: [AnvilSigner, string, number][] = [
    [alice, MEMBER_NAMES.alice, Jurisdiction.Domestic],
    [bob, MEMBER_NAMES.bob, Jurisdiction.Domestic],
    [carol, MEMBER_NAMES.carol, Jurisdiction.Domestic],
    [dave, MEMBER_NAMES.dave, Jurisdiction.Foreign],
  ];
  for (const [who, name, jurisdiction] of admitted) {
    const tx = await ledger.members
      .connect(registrar)
      .admit(who.address, ethersId(`USCC:${name}`), name, MemberType.Enterprise, jurisdiction);
    await tx.wait();
  }

  const addresses = {} as Record<LedgerName, string>;
  const abis = {} as Record<LedgerName, unknown[]>;
  for (const [key, name] of Object.entries(LEDGER_CONTRACTS) as [LedgerName, string][]) {
    addresses[key] = await ledger[key].getAddress();
    abis[key] = (await hre.artifacts.readArtifact(name)).abi as unknown[];
  }
  const file: DeploymentFile = {
    network: ANVIL_NETWORK,
    chainId: node.chainId,
    deployBlock,
    addresses,
    contracts: LEDGER_CONTRACTS,
    abis,
  };
  await mkdir(path.dirname(path.resolve(deploymentFile)), { recursive: true });
  await writeFile(deploymentFile, JSON.stringify(file, null, 2) + "\n");

  return {
    node,
    ledger,
    chainId: node.chainId,
    deployBlock,
    addresses,
    deploymentFile,
    admin,
    registrar,
    exchange,
    evaluator,
    auditor,
    regulator,
    court,
    alice,
    bob,
    carol,
    dave,
    outsider,
    spare,
  };
}

// ─── runScenario ────────────────────────────────────────────────────────────────────────

/** The assets of the scenario, by their part in it. */
export interface ScenarioAssets {
  /**
   * alice's: at the end registered, active (not expired), unencumbered (not frozen, pledged
   * or disputed) and held by alice. Its metadata was changed and corrected, it was renewed,
   * graded Important, valued, licensed (grant, sublicence, offer, cross-border), listed,
   * a licence sale recorded (sandbox delivery), and delisted by alice.
   */
  registered: bigint;
  /** bob's batch of three, in order: [refused, traded, disputed]. */
  batch: [bigint, bigint, bigint];
  /** Refused during review (first of the batch). */
  refused: bigint;
  /** bob's public-category data: opening milestone, listed, holding trade to carol (now carol's). */
  traded: bigint;
  /** bob's: one objection withdrawn and one dismissed during publicity; registered; dave's objection open at the end. */
  disputed: bigint;
  /** alice's derived asset (parents [registered], parentLicenses [0]); registered, then moved to bob by court order. */
  derived: bigint;
  /** Same as `derived`: the court's transfer order moved it from alice to bob. */
  transferredByCourt: bigint;
  /** carol's: frozen, unfrozen and frozen again by the court; frozen at the end. */
  frozen: bigint;
  /** alice's: cancelled by its holder. */
  cancelled: bigint;
  /** bob's: cancelled by a court's cancellation order. */
  cancelledByCourt: bigint;
  /** alice's: a pledge to bob withdrawn, one to carol activated and released, one to bob active at the end. */
  pledged: bigint;
  /** carol's: pledged to bob, enforced by bob after the due date; now bob's. */
  pledgedEnforced: bigint;
  /** alice's: registered with a short validity that has passed at the end. */
  expired: bigint;
  /** carol's application for personal (de-identified) data: still under review (Applied), graded Important. */
  pending: bigint;
}

export type AssetName = keyof ScenarioAssets;
type SingleAssetName = Exclude<AssetName, "batch">;

export interface ScenarioResult {
  /** First and last block of the scenario (the deployment is before it). */
  fromBlock: number;
  toBlock: number;
  /** Latest block timestamp at the end (after the final time travel). */
  endTimestamp: number;
  assets: ScenarioAssets;
  /** Holder at the end per asset (ownerOf), null where there is no token (refused, cancelled, pending). */
  holders: Record<SingleAssetName, string | null>;
  /** Registration numbers as the registry formats them, for every asset that was confirmed. */
  registrationNumbers: Partial<Record<SingleAssetName, string>>;
  /** Content hash each asset was applied with. */
  contentHashes: Record<SingleAssetName, string>;
  /** The newcomer admitted, suspended and reinstated (account 13, "Erin Data Services", on a world's first run). */
  members: { erin: string; erinName: string; erinOrgIdHash: string };
  licenseIds: {
    /** alice → bob, processing + operation, sublicensable; in force; sold on the trade desk. */
    root: bigint;
    /** bob → carol; revoked by the court. */
    sublicense: bigint;
    /** alice → carol through a signed EIP-712 offer; revoked by alice (licensor). */
    viaOffer: bigint;
    /** alice → dave, cross-border, while the clearance was in force; in force. */
    crossBorder: bigint;
    revokedByLicensor: bigint;
    revokedByCourt: bigint;
  };
  offer: { signer: string; nonce: bigint; digest: string; cancelledNonce: bigint };
  objections: { withdrawn: bigint; dismissed: bigint; open: bigint };
  pledges: { withdrawn: bigint; released: bigint; active: bigint; enforced: bigint };
  trades: { holding: bigint; license: bigint };
  valuationId: bigint;
  evidence: {
    /** Anchored by alice, not revoked. */
    root: string;
    items: string[];
    tree: StandardMerkleTree<[string]>;
    /** An item of the tree (what EvidenceAnchor.verify takes) and its proof. */
    leaf: string;
    proof: string[];
    itemCount: number;
    manifestHash: string;
    /** Anchored and then revoked by bob. */
    revokedRoot: string;
  };
  /** Transaction hashes of the firsts. */
  milestones: {
    registration: string;
    listing: string;
    trade: string;
    financialStatements: string;
    opening: string;
    financing: string;
    financingByPledge: string;
  };
  metadata: { changedHash: string; changedUri: string; correctedHash: string; correctedUri: string; renewedValidUntil: number };
  /** Content hash of the de-identification review (the `pending` application's). */
  deidentifiedContentHash: string;
  /** validUntil of the `expired` asset (before endTimestamp). */
  expiredValidUntil: number;
  accessManager: { operatorRole: bigint; operator: string; operationId: string; baseURI: string };
  /** Every transaction of the scenario by label. */
  txs: Record<string, string>;
  /** Ledger events emitted by the scenario's transactions. */
  events: { total: number; byName: Record<string, number> };
}


const Ruling = { Dismiss: 0 } as const;
const Treatment = { IntangibleAsset: 1 } as const;
const ExportMechanism = { StandardContract: 1 } as const;
const ValuationMethod = { Income: 2 } as const;
/** A role the scenario creates to exercise the AccessManager's delayed operations. */
const OPERATOR_ROLE = 42n;
const SCENARIO_BASE_URI = "https://registry.example/v2/assets/";

/**
 * Drives a realistic life on the world: every event of contracts/README.md (and every
 * AccessManager event) at least once. Sequential transactions; time moves with
 * evm_increaseTime (about 20 days in all: the last step passes the `expired` asset's
 * validity). The registry's base URI ends as SCENARIO_BASE_URI (set through a scheduled
 * AccessManager operation). It may run again on the same world: each run files 12 new
 * assets and admits a new spare account. See ScenarioAssets for each asset's end state.
 */
export async function runScenario(w: AnvilWorld): Promise<ScenarioResult> {
  const { node, ledger } = w;
  const { registry, members, compliance, licenses, milestones, disputes, tradeDesk, valuations, pledges, evidence, manager } = ledger;
  const { registrar, exchange, evaluator, auditor, regulator, court, alice, bob, carol, dave, admin } = w;
  const operator = w.spare[0];
  // The newcomer: the first spare account not yet admitted (13 on the first run), so that
  // the scenario can run again on the same world.
  let erin: AnvilSigner | undefined;
  for (const candidate of w.spare.slice(1)) {
    if ((await members.memberOf(candidate.address)).admittedAt === 0n) {
      erin = candidate;
      break;
    }
  }
  if (!operator || !erin) throw new Error("the scenario needs dev account 12 and a spare account that is not a member");
  const newcomer = erin;
  const rec = new Recorder(node, ledger);
  const run = rec.run.bind(rec);
  const registryAddr = w.addresses.registry;
  const now = () => node.timestamp();
  const fromBlock = (await node.provider.getBlockNumber()) + 1;

  const assetOf = (r: TransactionReceipt): bigint =>
    firstEvent(r, registry.interface, registryAddr, "AssetApplied").assetId as bigint;

  // ── 1. Membership: a newcomer is admitted, suspended and reinstated ─────────────────
  const erinName = newcomer === w.spare[1] ? "Erin Data Services" : `Erin Data Services ${newcomer.address.slice(2, 8)}`;
  const erinOrgIdHash = ethersId(`USCC:${erinName}`);
  await run("admitErin", () =>
    members.connect(registrar).admit(newcomer.address, erinOrgIdHash, erinName, MemberType.DataProductCompany, Jurisdiction.Domestic),
  );
  await run("suspendErin", () => members.connect(registrar).suspend(newcomer.address, h("suspension")));
  await run("reinstateErin", () => members.connect(registrar).reinstate(newcomer.address));

  // ── 2. A de-identification review before a personal-data application ───────────────
  const deidentifiedContentHash = h("personal-content");
  await run("deidentificationReview", () =>
    compliance.connect(regulator).recordDeidentificationReview(deidentifiedContentHash, true, h("deid-report")),
  );

  // ── 3. Applications ─────────────────────────────────────────────────────────────────
  const t0 = await now();
  const expiredValidUntil = t0 + 20 * DAY;
  const apps = {
    registered: applicationAt(t0, { metadataUri: "ipfs://bafy-registered-v0" }),
    cancelled: applicationAt(t0),
    pledged: applicationAt(t0, { kind: AssetKind.Resource, productForm: ProductForm.None, rights: Rights.HOLDING | Rights.PROCESSING }),
    expired: applicationAt(t0, { validUntil: expiredValidUntil, productForm: ProductForm.Report }),
    refused: applicationAt(t0),
    traded: applicationAt(t0, { category: DataCategory.Public, sourceType: SourceType.PublicAuthorisation, productForm: ProductForm.Api }),
    disputed: applicationAt(t0, { productForm: ProductForm.Model, sourceType: SourceType.Licensed }),
    cancelledByCourt: applicationAt(t0, { sourceType: SourceType.Purchased }),
    frozen: applicationAt(t0, { productForm: ProductForm.Index }),
    pledgedEnforced: applicationAt(t0),
    pending: applicationAt(t0, {
      category: DataCategory.Personal,
      personalInfo: PersonalInfo.DeIdentified,
      contentHash: deidentifiedContentHash,
    }),
  };
  const reg = registry;
  const registered = assetOf(await run("submitRegistered", () => reg.connect(alice).submit(apps.registered)));
  const cancelled = assetOf(await run("submitCancelled", () => reg.connect(alice).submit(apps.cancelled)));
  const pledged = assetOf(await run("submitPledged", () => reg.connect(alice).submit(apps.pledged)));
  const expired = assetOf(await run("submitExpired", () => reg.connect(alice).submit(apps.expired)));
  const batchReceipt = await run("submitBatch", () => reg.connect(bob).submitBatch([apps.refused, apps.traded, apps.disputed]));
  const batchIds = eventsIn(batchReceipt, reg.interface, registryAddr, "AssetApplied").map((a) => a.assetId as bigint);
  const [refused, traded, disputed] = batchIds;
  if (refused === undefined || traded === undefined || disputed === undefined || batchIds.length !== 3) {
    throw new Error("submitBatch did not apply three assets");
  }
  const cancelledByCourt = assetOf(await run("submitCancelledByCourt", () => reg.connect(bob).submit(apps.cancelledByCourt)));
  const frozen = assetOf(await run("submitFrozen", () => reg.connect(carol).submit(apps.frozen)));
  const pledgedEnforced = assetOf(await run("submitPledgedEnforced", () => reg.connect(carol).submit(apps.pledgedEnforced)));
  const pending = assetOf(await run("submitPending", () => reg.connect(carol).submit(apps.pending)));
  await run("gradePending", () => compliance.connect(regulator).confirmGrade(pending, Grade.Important, h("grading-report")));

  // ── 4. Review: one refusal, the rest go to publicity ────────────────────────────────
  await run("refuse", () => reg.connect(registrar).refuse(refused, h("refusal-reasons")));
  const toRegister = { registered, cancelled, pledged, expired, traded, disputed, cancelledByCourt, frozen, pledgedEnforced };
  for (const [name, id] of Object.entries(toRegister)) {
    await run(`accept:${name}`, () => reg.connect(registrar).accept(id, DAY));
  }

  // Objections during publicity: carol's withdrawn, alice's dismissed by the registrar.
  const withdrawnObjection = firstEvent(
    await run("objectCarol", () => disputes.connect(carol).object(disputed, h("objection-evidence"))),
    disputes.interface,
    w.addresses.disputes,
    "ObjectionFiled",
  ).objectionId as bigint;
  await run("withdrawObjection", () => disputes.connect(carol).withdraw(withdrawnObjection));
  const dismissedObjection = firstEvent(
    await run("objectAlice", () => disputes.connect(alice).object(disputed, h("objection-evidence"))),
    disputes.interface,
    w.addresses.disputes,
    "ObjectionFiled",
  ).objectionId as bigint;
  await run("ruleDismiss", () => disputes.connect(registrar).rule(dismissedObjection, Ruling.Dismiss, h("decision")));

  // ── 5. Publicity over: confirm ──────────────────────────────────────────────────────
  await node.increaseTime(DAY + 1);
  const registrationNumbers: Partial<Record<SingleAssetName, string>> = {};
  for (const [name, id] of Object.entries(toRegister) as [SingleAssetName, bigint][]) {
    await run(`confirm:${name}`, () => reg.connect(registrar).confirm(id));
    registrationNumbers[name] = await reg.registrationNumber(id);
  }

  // A derived asset of alice's registered one (she holds the parent: no licence needed).
  const t1 = await now();
  const derivedApp = applicationAt(t1, { sourceType: SourceType.Derived, parents: [registered], parentLicenses: [0] });
  const derived = assetOf(await run("submitDerived", () => reg.connect(alice).submit(derivedApp)));
  await run("accept:derived", () => reg.connect(registrar).accept(derived, DAY));

  // ── 6. Life of `registered`: change, correction, renewal, grade, valuation, firsts ──
  const changedHash = h("metadata-v1");
  const changedUri = "ipfs://bafy-registered-v1";
  await run("changeMetadata", () => reg.connect(alice).changeMetadata(registered, changedHash, changedUri));
  const correctedHash = h("metadata-v2");
  const correctedUri = "ipfs://bafy-registered-v2";
  await run("correct", () => reg.connect(registrar).correct(registered, correctedHash, correctedUri, h("correction-decision")));
  const renewedValidUntil = (await now()) + 2 * YEAR;
  await run("renew", () => reg.connect(registrar).renew(registered, renewedValidUntil, h("renewal-application")));
  await run("gradeRegistered", () => compliance.connect(regulator).confirmGrade(registered, Grade.Important, h("grading-report")));
  const valuationDate = (await now()) - DAY;
  const valuationId = firstEvent(
    await run("valuation", () =>
      valuations.connect(evaluator).record(registered, ValuationMethod.Income, 12_345_600n, CNY, valuationDate, h("valuation-report")),
    ),
    valuations.interface,
    w.addresses.valuations,
    "ValuationRecorded",
  ).valuationId as bigint;
  await run("milestone:financialStatements", () =>
    milestones.connect(auditor).attestFinancialStatements(registered, Treatment.IntangibleAsset, h("audit")),
  );
  await run("milestone:financing", () => milestones.connect(exchange).attestFinancing(registered, h("abs-prospectus")));
  await run("milestone:opening", () => milestones.connect(registrar).attestOpening(traded, h("opening-decision")));

  // ── 7. Licences on `registered` ─────────────────────────────────────────────────────
  const licenseIdOf = (r: TransactionReceipt): bigint =>
    firstEvent(r, licenses.interface, w.addresses.licenses, "LicenseGranted").licenseId as bigint;
  const tl = await now();
  const rootTerms = termsFor(bob.address, {
    rights: Rights.PROCESSING | Rights.OPERATION,
    start: tl,
    end: tl + 200 * DAY,
    sublicensable: true,
    feeAmount: 250_000n,
  });
  const root = licenseIdOf(await run("grant", () => licenses.connect(alice).grant(registered, rootTerms)));
  const subTerms = termsFor(carol.address, { start: tl, end: tl + 100 * DAY });
  const sublicense = licenseIdOf(await run("sublicense", () => licenses.connect(bob).sublicense(root, subTerms)));

  const offer = {
    assetId: registered,
    terms: termsFor(carol.address, { rights: Rights.OPERATION, start: tl, end: tl + 90 * DAY }),
    // Random nonces: the scenario may run more than once on a world.
    nonce: BigInt(hexlify(randomBytes(8))),
    deadline: tl + DAY,
  };
  const domain = { name: "DRL LicenseRegistry", version: "1", chainId: w.chainId, verifyingContract: w.addresses.licenses };
  const signature = await alice.signTypedData(domain, OFFER_TYPES, offer);
  const offerDigest = TypedDataEncoder.hash(domain, OFFER_TYPES, offer);
  const viaOffer = licenseIdOf(await run("acceptOffer", () => licenses.connect(carol).acceptOffer(offer, signature)));
  const cancelledNonce = offer.nonce + 1n;
  await run("cancelOfferNonce", () => licenses.connect(alice).cancelOfferNonce(cancelledNonce));

  await run("crossBorderClearance", () =>
    compliance.connect(regulator).grantCrossBorderClearance(registered, h("route"), ExportMechanism.StandardContract, tl + YEAR),
  );
  const crossBorder = licenseIdOf(
    await run("grantCrossBorder", () =>
      licenses.connect(alice).grant(registered, termsFor(dave.address, { territory: Territory.CrossBorder, start: tl, end: tl + 60 * DAY })),
    ),
  );
  await run("crossBorderRevoked", () => compliance.connect(regulator).revokeCrossBorderClearance(registered, h("clearance-revoked")));
  await run("revokeByLicensor", () => licenses.connect(alice).revoke(viaOffer, h("licensor-revocation")));
  await run("revokeByCourt", () => licenses.connect(court).courtRevoke(sublicense, h("court-case")));

  // ── 8. Trade desk: `registered` listed, a licence sale in a sandbox, delisted by alice ─
  const tradeIdOf = (r: TransactionReceipt): bigint =>
    firstEvent(r, tradeDesk.interface, w.addresses.tradeDesk, "TradeRecorded").tradeId as bigint;
  await run("approveDesk", () => reg.connect(alice).approve(w.addresses.tradeDesk, registered));
  await run("list:registered", () => tradeDesk.connect(exchange).list(registered, h("listing-ref")));
  const sandboxUntil = (await now()) + 30 * DAY;
  await run("sandboxApproved", () => compliance.connect(regulator).approveSandbox(registered, h("sandbox-approval"), sandboxUntil));
  const licenseTrade = tradeIdOf(
    await run("tradeLicense", () => tradeDesk.connect(exchange).tradeLicense(root, 400_000n, CNY, DeliveryMode.Sandbox, h("exchange-ref"))),
  );
  await run("sandboxRevoked", () => compliance.connect(regulator).revokeSandbox(registered, h("sandbox-ended")));
  await run("delist:registered", () => tradeDesk.connect(alice).delist(registered, ZeroHash));

  // `traded` (bob's public data): operator approval, listing, holding trade to carol.
  await run("approveForAll", () => reg.connect(bob).setApprovalForAll(w.addresses.tradeDesk, true));
  await run("list:traded", () => tradeDesk.connect(exchange).list(traded, h("listing-ref")));
  const holdingTrade = tradeIdOf(
    await run("tradeHolding", () =>
      tradeDesk.connect(exchange).tradeHolding(traded, carol.address, 1_250_000n, CNY, DeliveryMode.Api, h("exchange-ref")),
    ),
  );

  // ── 9. Disputes and court orders ────────────────────────────────────────────────────
  const openObjection = firstEvent(
    await run("objectDave", () => disputes.connect(dave).object(disputed, h("objection-evidence"))),
    disputes.interface,
    w.addresses.disputes,
    "ObjectionFiled",
  ).objectionId as bigint;
  await run("freeze", () => disputes.connect(court).freeze(frozen, h("court-case")));
  await run("unfreeze", () => disputes.connect(court).unfreeze(frozen, h("court-case")));
  await run("freezeAgain", () => disputes.connect(court).freeze(frozen, h("court-case")));
  await run("orderCancel", () => disputes.connect(court).orderCancel(cancelledByCourt, h("court-order")));
  await run("holderCancel", () => reg.connect(alice).cancel(cancelled, h("holder-cancellation")));

  // ── 10. Pledges ─────────────────────────────────────────────────────────────────────
  const pledgeIdOf = (r: TransactionReceipt): bigint =>
    firstEvent(r, pledges.interface, w.addresses.pledges, "PledgeProposed").pledgeId as bigint;
  const tp = await now();
  const withdrawnPledge = pledgeIdOf(
    await run("proposeWithdrawn", () => pledges.connect(alice).propose(pledged, bob.address, 1_000_000n, CNY, tp + 30 * DAY, h("pledge-ref"))),
  );
  await run("withdrawPledge", () => pledges.connect(alice).withdraw(withdrawnPledge));
  const releasedPledge = pledgeIdOf(
    await run("proposeReleased", () => pledges.connect(alice).propose(pledged, carol.address, 2_000_000n, CNY, tp + 30 * DAY, h("pledge-ref"))),
  );
  const financingByPledge = await run("acceptReleased", () => pledges.connect(carol).accept(releasedPledge));
  await run("releasePledge", () => pledges.connect(carol).release(releasedPledge));
  const activePledge = pledgeIdOf(
    await run("proposeActive", () => pledges.connect(alice).propose(pledged, bob.address, 3_000_000n, CNY, tp + 90 * DAY, h("pledge-ref"))),
  );
  await run("acceptActive", () => pledges.connect(bob).accept(activePledge));
  const enforcedDue = tp + 2 * DAY;
  const enforcedPledge = pledgeIdOf(
    await run("proposeEnforced", () =>
      pledges.connect(carol).propose(pledgedEnforced, bob.address, 500_000n, CNY, enforcedDue, h("pledge-ref")),
    ),
  );
  await run("acceptEnforced", () => pledges.connect(bob).accept(enforcedPledge));

  // ── 11. Evidence ────────────────────────────────────────────────────────────────────
  const items = Array.from({ length: 8 }, () => hexlify(randomBytes(32)));
  const tree = StandardMerkleTree.of(
    items.map((v): [string] => [v]),
    ["bytes32"],
  );
  const manifestHash = h("manifest");
  await run("anchor", () => evidence.connect(alice).anchor(tree.root, items.length, manifestHash));
  const revokedTree = StandardMerkleTree.of(
    Array.from({ length: 3 }, (): [string] => [hexlify(randomBytes(32))]),
    ["bytes32"],
  );
  await run("anchorRevoked", () => evidence.connect(bob).anchor(revokedTree.root, 3, h("manifest")));
  await run("revokeEvidence", () => evidence.connect(bob).revoke(revokedTree.root, h("evidence-withdrawn")));
  const leafIndex = 5;
  const leaf = items[leafIndex];
  if (leaf === undefined) throw new Error("no evidence item");
  const proof = tree.getProof(leafIndex);

  // ── 12. AccessManager: a delayed operator role, scheduled/cancelled/executed ops ───
  const setBaseURIData = registry.interface.encodeFunctionData("setBaseURI", [SCENARIO_BASE_URI]);
  const setBaseURISelector = setBaseURIData.slice(0, 10);
  await run("am:labelRole", () => manager.connect(admin).labelRole(OPERATOR_ROLE, "SCENARIO_OPERATOR"));
  await run("am:setRoleAdmin", () => manager.connect(admin).setRoleAdmin(OPERATOR_ROLE, ROLES.ADMIN));
  await run("am:setRoleGuardian", () => manager.connect(admin).setRoleGuardian(OPERATOR_ROLE, ROLES.ADMIN));
  await run("am:setGrantDelay", () => manager.connect(admin).setGrantDelay(OPERATOR_ROLE, 0));
  await run("am:grantOperator", () => manager.connect(admin).grantRole(OPERATOR_ROLE, operator.address, 60));
  await run("am:assignSetBaseURI", () =>
    manager.connect(admin).setTargetFunctionRole(registryAddr, [setBaseURISelector], OPERATOR_ROLE),
  );
  await run("am:setTargetAdminDelay", () => manager.connect(admin).setTargetAdminDelay(w.addresses.tradeDesk, 0));
  await run("am:closeDesk", () => manager.connect(admin).setTargetClosed(w.addresses.tradeDesk, true));
  await run("am:reopenDesk", () => manager.connect(admin).setTargetClosed(w.addresses.tradeDesk, false));
  await run("am:schedule", () => manager.connect(operator).schedule(registryAddr, setBaseURIData, 0));
  await run("am:cancel", () => manager.connect(operator).cancel(operator.address, registryAddr, setBaseURIData));
  const scheduled = await run("am:scheduleAgain", () => manager.connect(operator).schedule(registryAddr, setBaseURIData, 0));
  const operationId = firstEvent(scheduled, manager.interface, w.addresses.manager, "OperationScheduled").operationId as string;
  await node.increaseTime(61);
  await run("am:execute", () => manager.connect(operator).execute(registryAddr, setBaseURIData));
  await run("am:restoreSetBaseURI", () => manager.connect(admin).setTargetFunctionRole(registryAddr, [setBaseURISelector], ROLES.ADMIN));
  await run("am:revokeOperator", () => manager.connect(admin).revokeRole(OPERATOR_ROLE, operator.address));

  // ── 13. Time passes: pledge due, derived confirmed, court transfer ──────────────────
  const untilDue = enforcedDue + 1 - (await now());
  if (untilDue > 0) await node.increaseTime(untilDue);
  await run("enforcePledge", () => pledges.connect(bob).enforce(enforcedPledge));
  await run("confirm:derived", () => reg.connect(registrar).confirm(derived));
  registrationNumbers.derived = await reg.registrationNumber(derived);
  await run("orderTransfer", () => disputes.connect(court).orderTransfer(derived, bob.address, h("court-order")));

  // ── 14. Last: time travel past the short validity ───────────────────────────────────
  const untilExpiry = expiredValidUntil + 1 - (await now());
  if (untilExpiry > 0) await node.increaseTime(untilExpiry);
  const endTimestamp = await now();
  const toBlock = await node.provider.getBlockNumber();

  // ── Result ──────────────────────────────────────────────────────────────────────────
  const assets: ScenarioAssets = {
    registered,
    batch: [refused, traded, disputed],
    refused,
    traded,
    disputed,
    derived,
    transferredByCourt: derived,
    frozen,
    cancelled,
    cancelledByCourt,
    pledged,
    pledgedEnforced,
    expired,
    pending,
  };
  const holders: Record<SingleAssetName, string | null> = {
    registered: alice.address,
    refused: null,
    traded: carol.address,
    disputed: bob.address,
    derived: bob.address,
    transferredByCourt: bob.address,
    frozen: carol.address,
    cancelled: null,
    cancelledByCourt: null,
    pledged: alice.address,
    pledgedEnforced: bob.address,
    expired: alice.address,
    pending: null,
  };
  const contentHashes: Record<SingleAssetName, string> = {
    registered: String(apps.registered.contentHash),
    refused: String(apps.refused.contentHash),
    traded: String(apps.traded.contentHash),
    disputed: String(apps.disputed.contentHash),
    derived: String(derivedApp.contentHash),
    transferredByCourt: String(derivedApp.contentHash),
    frozen: String(apps.frozen.contentHash),
    cancelled: String(apps.cancelled.contentHash),
    cancelledByCourt: String(apps.cancelledByCourt.contentHash),
    pledged: String(apps.pledged.contentHash),
    pledgedEnforced: String(apps.pledgedEnforced.contentHash),
    expired: String(apps.expired.contentHash),
    pending: String(apps.pending.contentHash),
  };
  registrationNumbers.transferredByCourt = registrationNumbers.derived;
  const txOf = (label: string): string => {
    const hash = rec.txs[label];
    if (!hash) throw new Error(`no transaction labelled ${label}`);
    return hash;
  };
  const allLogs = rec.receipts.flatMap((r) => r.logs);
  const byName = countEvents(ledger, w.addresses, allLogs);

  return {
    fromBlock,
    toBlock,
    endTimestamp,
    assets,
    holders,
    registrationNumbers,
    contentHashes,
    members: { erin: newcomer.address, erinName, erinOrgIdHash },
    licenseIds: { root, sublicense, viaOffer, crossBorder, revokedByLicensor: viaOffer, revokedByCourt: sublicense },
    offer: { signer: alice.address, nonce: offer.nonce, digest: offerDigest, cancelledNonce },
    objections: { withdrawn: withdrawnObjection, dismissed: dismissedObjection, open: openObjection },
    pledges: { withdrawn: withdrawnPledge, released: releasedPledge, active: activePledge, enforced: enforcedPledge },
    trades: { holding: holdingTrade, license: licenseTrade },
    valuationId,
    evidence: { root: tree.root, items, tree, leaf, proof, itemCount: items.length, manifestHash, revokedRoot: revokedTree.root },
    milestones: {
      registration: txOf("confirm:registered"),
      listing: txOf("list:registered"),
      trade: txOf("tradeLicense"),
      financialStatements: txOf("milestone:financialStatements"),
      opening: txOf("milestone:opening"),
      financing: txOf("milestone:financing"),
      financingByPledge: financingByPledge.hash,
    },
    metadata: { changedHash, changedUri, correctedHash, correctedUri, renewedValidUntil },
    deidentifiedContentHash,
    expiredValidUntil,
    accessManager: { operatorRole: OPERATOR_ROLE, operator: operator.address, operationId, baseURI: SCENARIO_BASE_URI },
    txs: { ...rec.txs },
    events: { total: allLogs.length, byName },
  };
}

// ─── generateLoad ───────────────────────────────────────────────────────────────────────

export interface LoadOptions {
  /** How many applications to file. */
  assets: number;
  /** Applications per submitBatch (1..100, default 100). */
  batchSize?: number;
  /** How many of them (the first ids) to accept and confirm afterwards. */
  register?: number;
  /**
   * Transactions per block (default 10, i.e. at most 1,000 events in a block with full
   * batches: a provider's log cap of 1,000 can still be met by splitting block ranges).
   */
  perBlock?: number;
}

export interface LoadResult {
  firstId: bigint;
  lastId: bigint;
  /** Events in the receipts of every load transaction. */
  events: number;
  transactions: number;
  fromBlock: number;
  toBlock: number;
  ms: number;
}

interface RpcTx {
  from: string;
  to: string;
  data: string;
  gas: string;
  nonce: string;
  /** 0: the base fee is 0 (--base-fee 0); Anvil 1.7 ignores --gas-price 0 and would charge 1 gwei. */
  gasPrice: string;
}

interface RpcReceipt {
  status: string;
  blockNumber: string;
  logs: unknown[];
}

/**
 * Sends raw transactions from unlocked accounts and returns their receipts, in order.
 *
 * Each sender's transactions go out one after the other, in nonce order (a nonce gap can
 * leave a transaction queued in Anvil's pool), the senders in parallel. On an automining
 * node, automine is switched off meanwhile and one block is mined per `perBlock`
 * transactions: Anvil recomputes the whole state root for every block, so one block per
 * transaction gets slower as the state grows. On an interval-mining node (--block-time) the
 * transactions go out `perBlock` at a time and the node mines them when it will.
 */
async function pump(node: AnvilNode, txs: RpcTx[], perBlock: number): Promise<RpcReceipt[]> {
  const automine = await node.rpc<boolean>("anvil_getAutomine");
  if (automine) await node.rpc("evm_setAutomine", [false]);
  try {
    const receipts: RpcReceipt[] = [];
    for (let i = 0; i < txs.length; i += perBlock) {
      const slice = txs.slice(i, i + perBlock);
      const hashes: string[] = new Array<string>(slice.length).fill("");
      const bySender = new Map<string, number[]>();
      slice.forEach((tx, j) => bySender.set(tx.from, [...(bySender.get(tx.from) ?? []), j]));
      await Promise.all(
        [...bySender.values()].map(async (indexes) => {
          for (const j of indexes) {
            const tx = slice[j];
            if (tx) hashes[j] = await node.rpc<string>("eth_sendTransaction", [tx]);
          }
        }),
      );
      if (automine) await node.rpc("evm_mine");
      const got = await Promise.all(hashes.map((hash) => receiptOf(node, hash)));
      for (const [j, r] of got.entries()) {
        if (r.status !== "0x1") throw new Error(`load transaction ${hashes[j] ?? "?"} reverted`);
      }
      receipts.push(...got);
    }
    return receipts;
  } finally {
    if (automine) await node.rpc("evm_setAutomine", [true]);
  }
}

async function receiptOf(node: AnvilNode, hash: string): Promise<RpcReceipt> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await node.rpc<RpcReceipt | null>("eth_getTransactionReceipt", [hash]);
    if (r) return r;
    if (Date.now() > deadline) throw new Error(`no receipt for ${hash} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Calldata of submitBatch for `n` applications that differ only in their three hashes.
 * ethers' ABI coder needs ~1.5 ms per application; encoding a template once and writing
 * the hashes into it is what lets the load run at the node's speed.
 */
class BatchTemplate {
  private readonly pieces: string[];
  private readonly slots: { app: number; field: number }[];

  constructor(
    registry: Ledger["registry"],
    readonly n: number,
    now: number,
  ) {
    const marker = hexlify(randomBytes(26)).slice(2);
    const mark = (field: number, app: number) => `0x${marker}${field.toString(16).padStart(2, "0")}${app.toString(16).padStart(10, "0")}`;
    const apps = Array.from({ length: n }, (_, k) =>
      applicationAt(now, {
        contentHash: mark(1, k),
        metadataHash: mark(2, k),
        sourceEvidenceHash: mark(3, k),
        metadataUri: "ipfs://bafy-load",
      }),
    );
    const data = registry.interface.encodeFunctionData("submitBatch", [apps]);
    const found: { at: number; app: number; field: number }[] = [];
    for (let k = 0; k < n; k++) {
      for (const field of [1, 2, 3]) {
        const word = mark(field, k).slice(2);
        const at = data.indexOf(word);
        if (at < 0 || data.indexOf(word, at + 1) >= 0) throw new Error("batch template: marker not found exactly once");
        found.push({ at, app: k, field });
      }
    }
    found.sort((a, b) => a.at - b.at);
    this.pieces = [];
    let last = 0;
    for (const f of found) {
      this.pieces.push(data.slice(last, f.at));
      last = f.at + 64;
    }
    this.pieces.push(data.slice(last));
    this.slots = found.map(({ app, field }) => ({ app, field }));
  }

  /** Calldata with `hash(field, app)` (64 hex digits, no 0x) in every hash slot; field 1 content, 2 metadata, 3 source. */
  encode(hash: (field: number, app: number) => string): string {
    const out: string[] = [];
    this.slots.forEach((slot, i) => {
      out.push(this.pieces[i] ?? "", hash(slot.field, slot.app));
    });
    out.push(this.pieces[this.pieces.length - 1] ?? "");
    return out.join("");
  }
}

let loadRun = 0;

/**
 * Files `assets` applications with submitBatch as alice, bob and carol in turn, as fast as
 * the node takes them (explicit nonces, `perBlock` transactions per block), and optionally
 * accepts and confirms the first `register` of them. Every application has its own content,
 * metadata and source-evidence hash. Returns the id range and the number of events emitted
 * (counted from the receipts).
 */
export async function generateLoad(w: AnvilWorld, opts: LoadOptions): Promise<LoadResult> {
  const started = Date.now();
  const { node, ledger } = w;
  const batchSize = opts.batchSize ?? 100;
  const perBlock = opts.perBlock ?? 10;
  const toRegister = opts.register ?? 0;
  if (!Number.isInteger(opts.assets) || opts.assets < 1) throw new Error("assets must be a positive integer");
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) throw new Error("batchSize must be 1..100");
  if (!Number.isInteger(toRegister) || toRegister < 0 || toRegister > opts.assets) throw new Error("register must be 0..assets");
  if (!Number.isInteger(perBlock) || perBlock < 1) throw new Error("perBlock must be a positive integer");

  const registry = ledger.registry;
  const to = w.addresses.registry;
  const senders = [w.alice, w.bob, w.carol];
  const nonces = new Map<string, number>();
  for (const s of [...senders, w.registrar]) {
    nonces.set(s.address, Number(await node.rpc<string>("eth_getTransactionCount", [s.address, "pending"])));
  }
  const nextNonce = (address: string): string => {
    const n = nonces.get(address);
    if (n === undefined) throw new Error(`no nonce for ${address}`);
    nonces.set(address, n + 1);
    return toQuantity(n);
  };

  const fromBlock = (await node.provider.getBlockNumber()) + 1;
  const firstId = await registry.nextAssetId();
  const now = await node.timestamp();
  loadRun += 1;
  // 24 random bytes, the field, and the application's index: unique within and across runs.
  const salt = hexlify(randomBytes(24)).slice(2);
  const hashOf = (field: number, index: number) => `${salt}${field.toString(16).padStart(2, "0")}${index.toString(16).padStart(14, "0")}`;

  const templates = new Map<number, BatchTemplate>();
  const template = (n: number): BatchTemplate => {
    let t = templates.get(n);
    if (!t) {
      t = new BatchTemplate(registry, n, now);
      templates.set(n, t);
    }
    return t;
  };
  const encoded: string[] = [];
  for (let i = 0; i < opts.assets; i += batchSize) {
    const n = Math.min(batchSize, opts.assets - i);
    encoded.push(template(n).encode((field, app) => hashOf(field, i + app)));
  }

  // One estimate for a full batch; every batch writes the same slots.
  const firstData = encoded[0];
  const firstSender = senders[0];
  if (firstData === undefined || firstSender === undefined) throw new Error("nothing to send");
  const estimate = BigInt(await node.rpc<string>("eth_estimateGas", [{ from: firstSender.address, to, data: firstData }]));
  const batchGas = toQuantity((estimate * 13n) / 10n + 100_000n);

  const submits: RpcTx[] = encoded.map((data, i) => {
    const sender = senders[i % senders.length];
    if (!sender) throw new Error("no sender");
    return { from: sender.address, to, data, gas: batchGas, nonce: nextNonce(sender.address), gasPrice: "0x0" };
  });
  const receipts = await pump(node, submits, perBlock);

  if (toRegister > 0) {
    const ids = Array.from({ length: toRegister }, (_, i) => firstId + BigInt(i));
    const duty = (data: string): RpcTx => ({
      from: w.registrar.address,
      to,
      data,
      gas: toQuantity(300_000),
      nonce: nextNonce(w.registrar.address),
      gasPrice: "0x0",
    });
    const accepts = ids.map((id) => duty(registry.interface.encodeFunctionData("accept", [id, DAY])));
    receipts.push(...(await pump(node, accepts, perBlock)));
    await node.increaseTime(DAY + 1);
    const confirms = ids.map((id) => duty(registry.interface.encodeFunctionData("confirm", [id])));
    receipts.push(...(await pump(node, confirms, perBlock)));
  }

  const events = receipts.reduce((sum, r) => sum + r.logs.length, 0);
  const toBlock = receipts.reduce((max, r) => Math.max(max, Number(r.blockNumber)), fromBlock);
  return {
    firstId,
    lastId: firstId + BigInt(opts.assets) - 1n,
    events,
    transactions: receipts.length,
    fromBlock,
    toBlock,
    ms: Date.now() - started,
  };
}

/** Type guard helper for tests reading the deployment file. */
export function isDeploymentFile(v: unknown): v is DeploymentFile {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.network === "string" &&
    typeof o.chainId === "number" &&
    typeof o.deployBlock === "number" &&
    typeof o.addresses === "object" &&
    typeof o.contracts === "object" &&
    typeof o.abis === "object"
  );
}
