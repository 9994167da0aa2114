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
 * alice 7, bob 8, carol 9 (domestic members), dave 10 (foreign member), outsider 11,
 * a second exchange 12 and a second court 13 (admin is also the guardian of the emergency
 * stop, as in the fixture); 14..19 are spare (the scenario uses 14 as an
 * AccessManager operator, admits the next free one as erin and rebinds erin's organisation to
 * the one after).
 *
 * Applications go through the RegistrationOffice with commit–reveal: `fileApplication`
 * commits, then reveals in the next block (Anvil mines each transaction in its own block).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import hre from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  ZeroAddress,
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
import { startAnvil, type AnvilNode, type AnvilOptions } from "./anvil";
import {
  AREA_CODE,
  AssetKind,
  BASE_URI,
  CNY,
  CONSENT_TYPES,
  DataCategory,
  DAY,
  DeliveryMode,
  Grade,
  Jurisdiction,
  MemberType,
  Milestone,
  PersonalInfo,
  PledgeAction,
  ProductForm,
  Rights,
  Ruling,
  SELL_ORDER_TYPES,
  SourceType,
  Territory,
  YEAR,
  batchCommitmentOf,
  commitmentOf,
  h,
  termsFor,
  type ApplicationInput,
  applicationAt,
  OFFER_TYPES,
} from "./fixture";

/** IncentiveRegistry.Level. */
const IncentiveLevel = { National: 0, Municipal: 1 } as const;


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
  /** A second exchange and a second court (EXCHANGE / COURT roles), dev accounts 12 and 13. */
  exchange2: AnvilSigner;
  court2: AnvilSigner;
  /** The pilot zone's bureau (BUREAU, dev account 20). */
  bureau: AnvilSigner;
  /** Dev accounts 14..19, unused by the deployment. */
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
export function explain(label: string, err: unknown, ledger: Ledger): Error {
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

/** Waits for a transaction's receipt by polling every few ms (quicker than tx.wait() on Anvil). */
export async function mined(node: AnvilNode, tx: ContractTransactionResponse): Promise<TransactionReceipt> {
  // Anvil mines right after answering eth_sendTransaction: polling the receipt every few
  // ms is much quicker than tx.wait(), which waits for the provider's next block poll.
  const deadline = Date.now() + 30_000;
  let receipt: TransactionReceipt | null;
  while ((receipt = await node.provider.getTransactionReceipt(tx.hash)) === null) {
    if (Date.now() > deadline) throw new Error(`no receipt for ${tx.hash} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  return receipt;
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
    let receipt: TransactionReceipt;
    try {
      receipt = await mined(this.node, await send());
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
export function eventsIn(receipt: TransactionReceipt, iface: Interface, address: string, name: string): Result[] {
  const out: Result[] = [];
  const want = address.toLowerCase();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== want) continue;
    const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed && parsed.name === name) out.push(parsed.args);
  }
  return out;
}

export function firstEvent(receipt: TransactionReceipt, iface: Interface, address: string, name: string): Result {
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

/** A random salt for a commitment. */
export const salt = (): string => hexlify(randomBytes(32));

/**
 * Files an application as `applicant` through the office: commits, then reveals (the next
 * transaction, so the next block on an automining node). Returns the new id and both receipts.
 */
export async function fileApplication(
  w: AnvilWorld,
  applicant: AnvilSigner,
  app: ApplicationInput,
): Promise<{ id: bigint; commit: TransactionReceipt; submit: TransactionReceipt }> {
  const s = salt();
  const office = w.ledger.office.connect(applicant);
  const commit = await mined(w.node, await office.commit(commitmentOf(applicant.address, String(app.contentHash), s)));
  const submit = await mined(w.node, await office.submit(app, s));
  if (submit.status !== 1) throw new Error(`submit ${submit.hash} reverted`);
  const id = firstEvent(submit, w.ledger.office.interface, w.addresses.office, "AssetApplied").assetId as bigint;
  return { id, commit, submit };
}

/** Files, accepts (one day of publicity) and, after the window, confirms. Returns the id. */
export async function registerOnAnvil(w: AnvilWorld, applicant: AnvilSigner, app: ApplicationInput): Promise<bigint> {
  const { id } = await fileApplication(w, applicant, app);
  await mined(w.node, await w.ledger.registry.connect(w.registrar).accept(id, DAY));
  await w.node.increaseTime(DAY + 1);
  await mined(w.node, await w.ledger.registry.connect(w.registrar).confirm(id));
  return id;
}

/** A holder's sell order (TradeDesk.SellOrder), any buyer unless given, valid 7 days from `now`. */
export interface SellOrder {
  assetId: bigint;
  exchange: string;
  buyer: string;
  price: bigint;
  currency: string;
  deadline: number;
  nonce: bigint;
}

export function sellOrder(assetId: bigint, exchange: string, now: number, overrides: Partial<SellOrder> = {}): SellOrder {
  return {
    assetId,
    exchange,
    buyer: ZeroAddress,
    price: 1_000_000n,
    currency: CNY,
    deadline: now + 7 * DAY,
    nonce: BigInt(hexlify(randomBytes(8))),
    ...overrides,
  };
}

/** The holder's EIP-712 signature of a sell order (eth_signTypedData_v4 through the node). */
export function signSellOrder(w: AnvilWorld, holder: AnvilSigner, order: SellOrder): Promise<string> {
  return holder.signTypedData({ name: "DRL TradeDesk", version: "1", chainId: w.chainId, verifyingContract: w.addresses.tradeDesk }, SELL_ORDER_TYPES, order);
}

// ─── deployAnvilWorld ───────────────────────────────────────────────────────────────────

/**
 * Deploys the ledger on the node with dev account 0 as admin, grants the person roles and
 * admits the four members as fixture.deployWorld does, and writes `deploymentFile` in the
 * format of scripts/lib/deployment.ts (network "anvil-test").
 */
export async function deployAnvilWorld(node: AnvilNode, deploymentFile: string): Promise<AnvilWorld> {
  const at = (i: number) => node.signer(i);
  const [admin, registrar, exchange, evaluator, auditor, regulator, court, alice, bob, carol, dave, outsider, exchange2, court2] = await Promise.all(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map(at),
  );
  if (
    !admin || !registrar || !exchange || !evaluator || !auditor || !regulator || !court ||
    !alice || !bob || !carol || !dave || !outsider || !exchange2 || !court2
  ) {
    throw new Error("the node needs at least 14 dev accounts");
  }
  const spare = await Promise.all([14, 15, 16, 17, 18, 19].map(at));
  const bureau = await at(20);
  if (!bureau) throw new Error("the node needs 21 dev accounts (the bureau is #20)");

  const deployBlock = await node.provider.getBlockNumber();
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
    exchange2,
    court2,
    bureau,
    spare,
  };
}

/** How long one start-and-deploy may take before it is abandoned for a fresh node. */
const WORLD_ATTEMPT_MS = 45_000;

/**
 * startAnvil + deployAnvilWorld, bounded: on a quiet machine both take well under a second,
 * but a fresh CI machine once sat in this step past a 120 s hook timeout without a word. An
 * attempt that takes longer than `attemptMs` (or fails) is abandoned: its node is stopped
 * (also one that comes up after the deadline), a line on stderr says which step it was in,
 * and one fresh node is tried. A second failure throws, naming the step of each attempt.
 */
export async function startAnvilWorld(
  deploymentFile: string,
  opts: { anvil?: AnvilOptions; attemptMs?: number } = {},
): Promise<{ node: AnvilNode; w: AnvilWorld }> {
  const attemptMs = opts.attemptMs ?? WORLD_ATTEMPT_MS;
  const failures: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    let step = "starting anvil";
    let started: AnvilNode | null = null;
    let abandoned = false;
    const work = (async () => {
      const node = await startAnvil(opts.anvil);
      started = node;
      if (abandoned) {
        await node.stop();
        throw new Error("abandoned");
      }
      step = `deploying the ledger on ${node.url}`;
      const w = await deployAnvilWorld(node, deploymentFile);
      return { node, w };
    })();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), attemptMs)));
    try {
      const won = await Promise.race([work, deadline]);
      if (won !== "late") return won;
      failures.push(`attempt ${attempt}: still ${step} after ${attemptMs / 1000} s`);
      abandoned = true;
      // A node that comes up after the deadline is stopped as soon as it does.
      void work.then(
        ({ node }) => node.stop(),
        () => undefined,
      );
    } catch (err) {
      failures.push(`attempt ${attempt}: ${step} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
    await (started as AnvilNode | null)?.stop();
    process.stderr.write(`      startAnvilWorld: ${failures.at(-1) ?? ""}${attempt < 2 ? "; trying a fresh node" : ""}\n`);
  }
  throw new Error(`could not start an Anvil ledger world: ${failures.join("; ")}`);
}

// ─── runScenario ────────────────────────────────────────────────────────────────────────

/** The assets of the scenario, by their part in it. */
export interface ScenarioAssets {
  /**
   * alice's: at the end registered, active (not expired), unencumbered (not frozen, pledged
   * or disputed) and held by alice. Its metadata was changed and corrected, it was renewed,
   * graded Important, valued, licensed (grant, sublicence, revocable offer, consent
   * revocation, cross-border to dave then suspended, a short licence closed once it lapsed),
   * listed on alice's signed sell order, a licence sale recorded (sandbox delivery), and
   * delisted by alice. Its financing first was annulled and recorded again.
   */
  registered: bigint;
  /** bob's batch of three (one commitment), in order: [refused, traded, disputed]. */
  batch: [bigint, bigint, bigint];
  /** Refused during review (first of the batch). */
  refused: bigint;
  /**
   * bob's public-category data: opening milestone; bob placed a sell order on chain naming the
   * second exchange and carol; listed and sold to carol (now carol's). dave holds a clearance
   * for it (keyed to dave).
   */
  traded: bigint;
  /**
   * bob's: one objection withdrawn and one dismissed during publicity; registered; at the end
   * dave's objection is open and admitted (disputed), carol's open and not admitted.
   */
  disputed: bigint;
  /**
   * alice's derived asset (parents [registered], parentLicenses [0]); registered, listed on
   * alice's order, pledged to carol, then moved to bob by a court order that carried the
   * pledge: bob's and pledged at the end, and its listing lapsed.
   */
  derived: bigint;
  /** Same as `derived`: the court's transfer order moved it from alice to bob. */
  transferredByCourt: bigint;
  /** carol's: court 1 froze, unfroze and froze it again (case A), court 2 froze it too (case B): two holds. */
  frozen: bigint;
  /** alice's: cancelled by its holder. */
  cancelled: bigint;
  /** bob's: licensed to carol and pledged to alice, then cancelled by a court order: the licence ended, the pledge was discharged. */
  cancelledByCourt: bigint;
  /** alice's: a pledge to bob withdrawn, one to carol activated and released, one to bob active at the end. */
  pledged: bigint;
  /** carol's: pledged to bob, enforced by bob after the due date; now bob's. */
  pledgedEnforced: bigint;
  /** alice's: registered with a short validity that has passed at the end. */
  expired: bigint;
  /** carol's application for personal (de-identified) data: still under review (Applied), graded Important. */
  pending: bigint;
  /** erin's: registered; after erin's organisation was rebound to a new account, moved there by a recovery transfer. */
  recovered: bigint;
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
  /**
   * The newcomer admitted, suspended and reinstated (account 15, "Erin Data Services", on a
   * world's first run), whose organisation was then rebound to `erinNew` (account 16): `erin`
   * is retired at the end, `erinNew` active.
   */
  members: { erin: string; erinNew: string; erinName: string; erinOrgIdHash: string };
  licenseIds: {
    /** alice → bob, processing + operation, sublicensable; in force; sold on the trade desk. */
    root: bigint;
    /** bob → carol; revoked by the court. */
    sublicense: bigint;
    /** alice → carol through a signed EIP-712 offer, revocable; revoked by alice (licensor). */
    viaOffer: bigint;
    /** alice → bob, not revocable; revoked by alice with bob's signed consent. */
    consented: bigint;
    /** alice → dave, cross-border, with a clearance keyed to dave; suspended once it was revoked. */
    crossBorder: bigint;
    /** alice → carol for two days; closed once it lapsed (ended, cause lapsed). */
    lapsed: bigint;
    /** bob → carol on `cancelledByCourt`; ended by the court's cancellation. */
    endedByCancellation: bigint;
    revokedByLicensor: bigint;
    revokedByCourt: bigint;
  };
  offer: { signer: string; nonce: bigint; digest: string; cancelledNonce: bigint };
  /** Sell orders: alice's signed one for `registered`, bob's placed on chain for `traded`, the nonce alice cancelled. */
  orders: { signedNonce: bigint; placedHash: string; placedNonce: bigint; cancelledNonce: bigint };
  objections: { withdrawn: bigint; dismissed: bigint; admitted: bigint; open: bigint };
  /** Court holds on `frozen`: case A by court, case B by court2. */
  holds: { caseA: string; caseB: string };
  pledges: { withdrawn: bigint; released: bigint; active: bigint; enforced: bigint; carried: bigint; discharged: bigint };
  trades: { holding: bigint; license: bigint };
  valuationId: bigint;
  evidence: {
    /** Anchored by alice (live), and by bob, who revoked his anchor. */
    root: string;
    items: string[];
    tree: StandardMerkleTree<[string]>;
    /** An item of the tree (what EvidenceAnchor.verify takes) and its proof. */
    leaf: string;
    proof: string[];
    itemCount: number;
    manifestHash: string;
    /** Anchored and then revoked by bob (its only anchorer). */
    revokedRoot: string;
  };
  /** Transaction hashes of the firsts. */
  milestones: {
    registration: string;
    listing: string;
    trade: string;
    financialStatements: string;
    opening: string;
    /** The financing first of `registered` as recorded again after the annulment. */
    financing: string;
    financingByPledge: string;
    /** The first financing attestation of `registered`, later annulled. */
    financingAnnulled: string;
    annulment: string;
  };
  metadata: { changedHash: string; changedUri: string; correctedHash: string; correctedUri: string; renewedValidUntil: number };
  /** Content hash of the de-identification review (the `pending` application's, carol's). */
  deidentifiedContentHash: string;
  /** validUntil of the `expired` asset (before endTimestamp). */
  expiredValidUntil: number;
  /** The reveal window the admin set (RevealWindowSet). */
  revealWindow: number;
  accessManager: { operatorRole: bigint; operator: string; operationId: string; baseURI: string };
  /** Every transaction of the scenario by label. */
  txs: Record<string, string>;
  /** Ledger events emitted by the scenario's transactions. */
  events: { total: number; byName: Record<string, number> };
}

const Treatment = { IntangibleAsset: 1 } as const;
const ExportMechanism = { StandardContract: 1 } as const;
const ValuationMethod = { Income: 2 } as const;
/** A role the scenario creates to exercise the AccessManager's delayed operations. */
const OPERATOR_ROLE = 42n;
const SCENARIO_BASE_URI = "https://registry.example/v2/assets/";
const REVEAL_WINDOW = 2 * DAY;

/**
 * Drives a realistic life on the world: every event of contracts/README.md (and every
 * AccessManager event) at least once. Sequential transactions; time moves with
 * evm_increaseTime (about 20 days in all: the last step passes the `expired` asset's
 * validity). The registry's base URI ends as SCENARIO_BASE_URI (set through a scheduled
 * AccessManager operation). It may run again on the same world: each run files 13 new
 * assets and admits two new spare accounts. See ScenarioAssets for each asset's end state.
 */
export async function runScenario(w: AnvilWorld): Promise<ScenarioResult> {
  const { node, ledger } = w;
  const { registry, office, members, compliance, licenses, milestones, disputes, tradeDesk, valuations, pledges, evidence, manager, incentives } = ledger;
  const { registrar, exchange, exchange2, evaluator, auditor, regulator, court, court2, alice, bob, carol, dave, admin } = w;
  const operator = w.spare[0];
  // The newcomer and the account its organisation is rebound to: the first two spare accounts
  // not yet admitted (15 and 16 on the first run), so that the scenario can run again.
  const free: AnvilSigner[] = [];
  for (const candidate of w.spare.slice(1)) {
    if ((await members.memberOf(candidate.address)).admittedAt === 0n) free.push(candidate);
  }
  const [newcomer, rebindTo] = free;
  if (!operator || !newcomer || !rebindTo) throw new Error("the scenario needs dev account 14 and two spare accounts that are not members");
  const rec = new Recorder(node, ledger);
  const run = rec.run.bind(rec);
  const registryAddr = w.addresses.registry;
  const now = () => node.timestamp();
  const fromBlock = (await node.provider.getBlockNumber()) + 1;

  const assetOf = (r: TransactionReceipt): bigint => firstEvent(r, office.interface, w.addresses.office, "AssetApplied").assetId as bigint;
  /** Commit, then reveal: returns the asset id. */
  const file = async (label: string, who: AnvilSigner, app: ApplicationInput): Promise<bigint> => {
    const s = salt();
    await run(`commit:${label}`, () => office.connect(who).commit(commitmentOf(who.address, String(app.contentHash), s)));
    return assetOf(await run(`submit:${label}`, () => office.connect(who).submit(app, s)));
  };

  // ── 0. Configuration: the office's reveal window ────────────────────────────────────
  await run("setRevealWindow", () => office.connect(admin).setRevealWindow(REVEAL_WINDOW));

  // ── 1. Membership: a newcomer is admitted, suspended and reinstated ─────────────────
  const erinName = newcomer === w.spare[1] ? "Erin Data Services" : `Erin Data Services ${newcomer.address.slice(2, 8)}`;
  const erinOrgIdHash = ethersId(`USCC:${erinName}`);
  await run("admitErin", () =>
    members.connect(registrar).admit(newcomer.address, erinOrgIdHash, erinName, MemberType.DataProductCompany, Jurisdiction.Domestic),
  );
  await run("suspendErin", () => members.connect(registrar).suspend(newcomer.address, h("suspension")));
  await run("reinstateErin", () => members.connect(registrar).reinstate(newcomer.address));

  // ── 2. A de-identification review (keyed to carol and the content hash) before her application ─
  const deidentifiedContentHash = h("personal-content");
  await run("deidentificationReview", () =>
    compliance.connect(regulator).recordDeidentificationReview(carol.address, deidentifiedContentHash, true, h("deid-report")),
  );

  // ── 3. Applications, commit–reveal ──────────────────────────────────────────────────
  const t0 = await now();
  const expiredValidUntil = t0 + 20 * DAY;
  const apps = {
    registered: applicationAt(t0, { name: "上海港集装箱吞吐量 Shanghai Port Throughput", metadataUri: "ipfs://bafy-registered-v0" }),
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
    recovered: applicationAt(t0, { metadataUri: "ipfs://bafy-erin" }),
  };
  const reg = registry;
  const registered = await file("registered", alice, apps.registered);
  const cancelled = await file("cancelled", alice, apps.cancelled);
  const pledged = await file("pledged", alice, apps.pledged);
  const expired = await file("expired", alice, apps.expired);
  // bob's three under one commitment.
  const batchApps = [apps.refused, apps.traded, apps.disputed];
  const batchSalt = salt();
  await run("commitBatch", () => office.connect(bob).commit(batchCommitmentOf(bob.address, batchApps.map((a) => String(a.contentHash)), batchSalt)));
  const batchReceipt = await run("submitBatch", () => office.connect(bob).submitBatch(batchApps, batchSalt));
  const batchIds = eventsIn(batchReceipt, office.interface, w.addresses.office, "AssetApplied").map((a) => a.assetId as bigint);
  const [refused, traded, disputed] = batchIds;
  if (refused === undefined || traded === undefined || disputed === undefined || batchIds.length !== 3) {
    throw new Error("submitBatch did not apply three assets");
  }
  const cancelledByCourt = await file("cancelledByCourt", bob, apps.cancelledByCourt);
  const frozen = await file("frozen", carol, apps.frozen);
  const pledgedEnforced = await file("pledgedEnforced", carol, apps.pledgedEnforced);
  const pending = await file("pending", carol, apps.pending);
  const recovered = await file("recovered", newcomer, apps.recovered);
  await run("gradePending", () => compliance.connect(regulator).confirmGrade(pending, Grade.Important, h("grading-report")));

  // ── 4. Review: one refusal, the rest go to publicity ────────────────────────────────
  await run("refuse", () => reg.connect(registrar).refuse(refused, h("refusal-reasons")));
  const toRegister = { registered, cancelled, pledged, expired, traded, disputed, cancelledByCourt, frozen, pledgedEnforced, recovered };
  for (const [name, id] of Object.entries(toRegister)) {
    await run(`accept:${name}`, () => reg.connect(registrar).accept(id, DAY));
  }

  // Objections during publicity: carol's withdrawn, alice's dismissed by the registrar.
  const objectionOf = (r: TransactionReceipt): bigint => firstEvent(r, disputes.interface, w.addresses.disputes, "ObjectionFiled").objectionId as bigint;
  const withdrawnObjection = objectionOf(await run("objectCarol", () => disputes.connect(carol).object(disputed, h("objection-evidence"))));
  await run("withdrawObjection", () => disputes.connect(carol).withdraw(withdrawnObjection));
  const dismissedObjection = objectionOf(await run("objectAlice", () => disputes.connect(alice).object(disputed, h("objection-evidence"))));
  await run("ruleDismiss", () => disputes.connect(registrar).rule(dismissedObjection, Ruling.Dismiss, h("decision"), []));

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
  const derived = await file("derived", alice, derivedApp);
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
  // A financing first attested, annulled by the registrar as wrongly recorded, and attested again.
  await run("milestone:financingAnnulled", () => milestones.connect(exchange).attestFinancing(registered, h("abs-prospectus")));
  // An incentive paid for the first that is then annulled: it stays on that record and earns nothing.
  await run("incentive:annulledFirst", () => incentives.connect(w.bureau).recordIncentive(registered, Milestone.Financing, IncentiveLevel.National, 30_000_000n, CNY, h("payment-1")));
  await run("milestone:annul", () => milestones.connect(registrar).annul(registered, Milestone.Financing, h("annulment-decision")));
  await run("milestone:financing", () => milestones.connect(auditor).attestFinancing(registered, h("credit-agreement")));
  // The genuine first's incentives: a municipal one, and a national one recorded in error and withdrawn.
  await run("incentive:municipal", () => incentives.connect(w.bureau).recordIncentive(registered, Milestone.Financing, IncentiveLevel.Municipal, 20_000_000n, CNY, h("payment-2")));
  await run("incentive:national", () => incentives.connect(w.bureau).recordIncentive(registered, Milestone.Financing, IncentiveLevel.National, 10_000_000n, CNY, h("payment-3")));
  await run("incentive:revoke", () => incentives.connect(w.bureau).revokeIncentive(registered, Milestone.Financing, IncentiveLevel.National, h("paid to another enterprise")));
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
    terms: termsFor(carol.address, { rights: Rights.OPERATION, start: tl, end: tl + 90 * DAY, revocable: true }),
    // Random nonces: the scenario may run more than once on a world.
    nonce: BigInt(hexlify(randomBytes(8))),
    deadline: tl + DAY,
  };
  const licenseDomain = { name: "DRL LicenseRegistry", version: "1", chainId: w.chainId, verifyingContract: w.addresses.licenses };
  const signature = await alice.signTypedData(licenseDomain, OFFER_TYPES, offer);
  const offerDigest = TypedDataEncoder.hash(licenseDomain, OFFER_TYPES, offer);
  const viaOffer = licenseIdOf(await run("acceptOffer", () => licenses.connect(carol).acceptOffer(offer, signature)));
  const cancelledNonce = offer.nonce + 1n;
  await run("cancelOfferNonce", () => licenses.connect(alice).cancelNonce(cancelledNonce));

  // A licence that is not revocable: revoked by the licensor with the licensee's signed consent.
  const consented = licenseIdOf(
    await run("grantConsented", () => licenses.connect(alice).grant(registered, termsFor(bob.address, { rights: Rights.OPERATION, start: tl, end: tl + 120 * DAY }))),
  );
  const consentReason = h("consent-reason");
  const consentDeadline = tl + DAY;
  const consent = await bob.signTypedData(licenseDomain, CONSENT_TYPES, { licenseId: consented, reasonHash: consentReason, deadline: consentDeadline });
  await run("revokeWithConsent", () => licenses.connect(alice).revokeWithConsent(consented, consentReason, consentDeadline, consent));

  // A cross-border licence to dave needs a clearance keyed to dave; revoking it suspends the licence.
  await run("crossBorderClearance", () =>
    compliance.connect(regulator).grantCrossBorderClearance(registered, dave.address, h("route"), ExportMechanism.StandardContract, tl + YEAR),
  );
  const crossBorder = licenseIdOf(
    await run("grantCrossBorder", () =>
      licenses.connect(alice).grant(registered, termsFor(dave.address, { territory: Territory.CrossBorder, start: tl, end: tl + 60 * DAY })),
    ),
  );
  await run("crossBorderRevoked", () => compliance.connect(regulator).revokeCrossBorderClearance(registered, dave.address, h("clearance-revoked")));
  await run("revokeByLicensor", () => licenses.connect(alice).revoke(viaOffer, h("licensor-revocation")));
  await run("revokeByCourt", () => licenses.connect(court).courtRevoke(sublicense, h("court-case")));
  // A short licence, closed once it has lapsed (step 13).
  const lapsed = licenseIdOf(
    await run("grantShort", () => licenses.connect(alice).grant(registered, termsFor(carol.address, { start: tl, end: tl + 2 * DAY }))),
  );

  // ── 8. Trade desk ───────────────────────────────────────────────────────────────────
  const tradeIdOf = (r: TransactionReceipt): bigint =>
    firstEvent(r, tradeDesk.interface, w.addresses.tradeDesk, "TradeRecorded").tradeId as bigint;
  // `registered`: listed on alice's signed sell order; a licence sale in a sandbox; delisted by alice.
  await run("approveDesk", () => reg.connect(alice).approve(w.addresses.tradeDesk, registered));
  const signedOrder = sellOrder(registered, exchange.address, await now());
  const signedOrderSig = await signSellOrder(w, alice, signedOrder);
  await run("list:registered", () => tradeDesk.connect(exchange).list(signedOrder, signedOrderSig, h("listing-ref")));
  const sandboxUntil = (await now()) + 30 * DAY;
  await run("sandboxApproved", () => compliance.connect(regulator).approveSandbox(registered, h("sandbox-approval"), sandboxUntil));
  const licenseTrade = tradeIdOf(
    await run("tradeLicense", () => tradeDesk.connect(exchange).tradeLicense(root, 400_000n, CNY, DeliveryMode.Sandbox, h("exchange-ref"))),
  );
  await run("sandboxRevoked", () => compliance.connect(regulator).revokeSandbox(registered, h("sandbox-ended")));
  await run("delist:registered", () => tradeDesk.connect(alice).delist(registered, ZeroHash));
  const cancelledOrderNonce = BigInt(hexlify(randomBytes(8)));
  await run("cancelOrderNonce", () => tradeDesk.connect(alice).cancelNonce(cancelledOrderNonce));

  // `traded` (bob's public data): an operator approval (no consent to a sale), a sell order bob
  // places on chain for the second exchange and carol, the listing, and the holding trade.
  await run("approveForAll", () => reg.connect(bob).setApprovalForAll(w.addresses.tradeDesk, true));
  const placed = sellOrder(traded, exchange2.address, await now(), { buyer: carol.address, price: 1_250_000n });
  const placedReceipt = await run("placeOrder", () => tradeDesk.connect(bob).placeOrder(placed));
  const placedHash = firstEvent(placedReceipt, tradeDesk.interface, w.addresses.tradeDesk, "SellOrderPlaced").orderHash as string;
  await run("list:traded", () => tradeDesk.connect(exchange2).list(placed, "0x", h("listing-ref")));
  const holdingTrade = tradeIdOf(
    await run("tradeHolding", () => tradeDesk.connect(exchange2).tradeHolding(placed, "0x", carol.address, DeliveryMode.Api, h("exchange-ref"))),
  );
  // dave may receive `traded` from abroad: a clearance keyed to dave.
  await run("clearDaveForTraded", () =>
    compliance.connect(regulator).grantCrossBorderClearance(traded, dave.address, h("route"), ExportMechanism.StandardContract, tl + YEAR),
  );

  // ── 9. Disputes and court orders ────────────────────────────────────────────────────
  // After registration an objection is recorded at once; only an admitted one makes the asset disputed.
  const admittedObjection = objectionOf(await run("objectDave", () => disputes.connect(dave).object(disputed, h("objection-evidence"))));
  await run("admitObjection", () => disputes.connect(registrar).admit(admittedObjection));
  const openObjection = objectionOf(await run("objectCarolAgain", () => disputes.connect(carol).object(disputed, h("objection-evidence"))));
  // Court holds per case: court 1 (case A) froze, unfroze and froze again; court 2 (case B) too.
  const caseA = h("court-case-a");
  const caseB = h("court-case-b");
  await run("freeze", () => disputes.connect(court).freeze(frozen, caseA));
  await run("unfreeze", () => disputes.connect(court).unfreeze(frozen, caseA));
  await run("freezeAgain", () => disputes.connect(court).freeze(frozen, caseA));
  await run("freezeCourt2", () => disputes.connect(court2).freeze(frozen, caseB));
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

  // `cancelledByCourt`: a licence to carol and a pledge to alice, then a court's cancellation
  // ends the licence and discharges the pledge, each with its event.
  const endedByCancellation = licenseIdOf(
    await run("grantOnCancelled", () => licenses.connect(bob).grant(cancelledByCourt, termsFor(carol.address, { start: tp, end: tp + 60 * DAY }))),
  );
  const dischargedPledge = pledgeIdOf(
    await run("proposeDischarged", () => pledges.connect(bob).propose(cancelledByCourt, alice.address, 700_000n, CNY, tp + 60 * DAY, h("pledge-ref"))),
  );
  await run("acceptDischarged", () => pledges.connect(alice).accept(dischargedPledge));
  await run("orderCancel", () => disputes.connect(court).orderCancel(cancelledByCourt, h("court-order"), [endedByCancellation]));

  // ── 11. Evidence ────────────────────────────────────────────────────────────────────
  const items = Array.from({ length: 8 }, () => hexlify(randomBytes(32)));
  const tree = StandardMerkleTree.of(
    items.map((v): [string] => [v]),
    ["bytes32"],
  );
  const manifestHash = h("manifest");
  await run("anchor", () => evidence.connect(alice).anchor(tree.root, items.length, manifestHash));
  // Anchors are keyed by (anchorer, root): bob anchoring the same root and revoking his anchor leaves alice's.
  await run("anchorSameRoot", () => evidence.connect(bob).anchor(tree.root, items.length, manifestHash));
  await run("revokeSameRoot", () => evidence.connect(bob).revoke(tree.root, h("evidence-withdrawn")));
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
  // The guardian's emergency stop closes contracts at once; reopening stays with the admin.
  await run("emergencyStop", () => ledger.emergencyStop.connect(admin).stop([w.addresses.tradeDesk, w.addresses.pledges], h("incident-report")));
  await run("am:reopenAfterStop", () => manager.connect(admin).setTargetClosed(w.addresses.tradeDesk, false));
  await run("am:reopenPledges", () => manager.connect(admin).setTargetClosed(w.addresses.pledges, false));
  await run("am:schedule", () => manager.connect(operator).schedule(registryAddr, setBaseURIData, 0));
  await run("am:cancel", () => manager.connect(operator).cancel(operator.address, registryAddr, setBaseURIData));
  const scheduled = await run("am:scheduleAgain", () => manager.connect(operator).schedule(registryAddr, setBaseURIData, 0));
  const operationId = firstEvent(scheduled, manager.interface, w.addresses.manager, "OperationScheduled").operationId as string;
  await node.increaseTime(61);
  await run("am:execute", () => manager.connect(operator).execute(registryAddr, setBaseURIData));
  await run("am:restoreSetBaseURI", () => manager.connect(admin).setTargetFunctionRole(registryAddr, [setBaseURISelector], ROLES.ADMIN));
  await run("am:revokeOperator", () => manager.connect(admin).revokeRole(OPERATOR_ROLE, operator.address));

  // ── 13. Time passes: pledge due, short licence lapsed, derived confirmed and moved by a court ─
  const untilDue = Math.max(enforcedDue, tl + 2 * DAY) + 1 - (await now());
  if (untilDue > 0) await node.increaseTime(untilDue);
  await run("enforcePledge", () => pledges.connect(bob).enforce(enforcedPledge));
  await run("closeLapsed", () => licenses.connect(carol).close([lapsed]));
  await run("confirm:derived", () => reg.connect(registrar).confirm(derived));
  registrationNumbers.derived = await reg.registrationNumber(derived);
  // `derived`: listed on alice's order, pledged to carol, then a court moves it to bob and
  // carries the pledge; the listing lapses with the change of holder.
  const derivedOrder = sellOrder(derived, exchange.address, await now());
  const derivedSig = await signSellOrder(w, alice, derivedOrder);
  await run("list:derived", () => tradeDesk.connect(exchange).list(derivedOrder, derivedSig, h("listing-ref")));
  const carriedDue = (await now()) + 60 * DAY;
  const carriedPledge = pledgeIdOf(
    await run("proposeCarried", () => pledges.connect(alice).propose(derived, carol.address, 800_000n, CNY, carriedDue, h("pledge-ref"))),
  );
  await run("acceptCarried", () => pledges.connect(carol).accept(carriedPledge));
  await run("orderTransfer", () => disputes.connect(court).orderTransfer(derived, bob.address, h("court-order"), PledgeAction.Carry));

  // ── 14. Key rotation: erin's organisation rebound to a new account, its asset recovered ─
  await run("rebindErin", () => members.connect(registrar).rebind(newcomer.address, rebindTo.address, h("key-rotation")));
  await run("recoveryTransfer", () => reg.connect(registrar).recoveryTransfer(recovered, rebindTo.address, h("recovery-decision")));

  // ── 15. Last: time travel past the short validity ───────────────────────────────────
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
    recovered,
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
    recovered: rebindTo.address,
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
    recovered: String(apps.recovered.contentHash),
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
    members: { erin: newcomer.address, erinNew: rebindTo.address, erinName, erinOrgIdHash },
    licenseIds: {
      root,
      sublicense,
      viaOffer,
      consented,
      crossBorder,
      lapsed,
      endedByCancellation,
      revokedByLicensor: viaOffer,
      revokedByCourt: sublicense,
    },
    offer: { signer: alice.address, nonce: offer.nonce, digest: offerDigest, cancelledNonce },
    orders: { signedNonce: signedOrder.nonce, placedHash, placedNonce: placed.nonce, cancelledNonce: cancelledOrderNonce },
    objections: { withdrawn: withdrawnObjection, dismissed: dismissedObjection, admitted: admittedObjection, open: openObjection },
    holds: { caseA, caseB },
    pledges: {
      withdrawn: withdrawnPledge,
      released: releasedPledge,
      active: activePledge,
      enforced: enforcedPledge,
      carried: carriedPledge,
      discharged: dischargedPledge,
    },
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
      financingAnnulled: txOf("milestone:financingAnnulled"),
      annulment: txOf("milestone:annul"),
    },
    metadata: { changedHash, changedUri, correctedHash, correctedUri, renewedValidUntil },
    deidentifiedContentHash,
    expiredValidUntil,
    revealWindow: REVEAL_WINDOW,
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
 * Calldata of submitBatch for `n` applications that differ only in their three hashes (and
 * the batch's salt). ethers' ABI coder needs ~1.5 ms per application; encoding a template
 * once and writing the hashes into it is what lets the load run at the node's speed.
 */
class BatchTemplate {
  private readonly pieces: string[];
  private readonly slots: { app: number; field: number }[];

  constructor(
    office: Ledger["office"],
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
    // Field 4 of "application" 0 is the batch's salt.
    const data = office.interface.encodeFunctionData("submitBatch", [apps, mark(4, 0)]);
    const found: { at: number; app: number; field: number }[] = [];
    const fields = (k: number) => (k === 0 ? [1, 2, 3, 4] : [1, 2, 3]);
    for (let k = 0; k < n; k++) {
      for (const field of fields(k)) {
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

  /** Calldata with `hash(field, app)` (64 hex digits, no 0x) in every hash slot; field 1 content, 2 metadata, 3 source, 4 (app 0) the salt. */
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
 * accepts and confirms the first `register` of them. Each batch is committed first (one
 * ApplicationCommitted per batch, in blocks before every reveal). Every application has its own content, metadata and source-evidence hash.
 * Returns the id range and the number of events emitted (counted from the receipts).
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
  const office = ledger.office;
  const to = w.addresses.office;
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
      t = new BatchTemplate(office, n, now);
      templates.set(n, t);
    }
    return t;
  };
  const encoded: string[] = [];
  const commitments: string[] = [];
  let batchIndex = 0;
  for (let i = 0; i < opts.assets; i += batchSize, batchIndex++) {
    const n = Math.min(batchSize, opts.assets - i);
    const b = batchIndex;
    // The salt is unique per batch (field 4, numbered past every application index).
    const hash = (field: number, app: number) => (field === 4 ? hashOf(4, b) : hashOf(field, i + app));
    encoded.push(template(n).encode(hash));
    const contentHashes = Array.from({ length: n }, (_, k) => `0x${hashOf(1, i + k)}`);
    const sender = senders[b % senders.length];
    if (!sender) throw new Error("no sender");
    commitments.push(batchCommitmentOf(sender.address, contentHashes, `0x${hashOf(4, b)}`));
  }

  // The commitments first, in blocks before every reveal: as many to a block as a block of
  // reveals has applications, so that no block carries more events than the load's others.
  const commits: RpcTx[] = commitments.map((c, i) => {
    const sender = senders[i % senders.length];
    if (!sender) throw new Error("no sender");
    const data = office.interface.encodeFunctionData("commit", [c]);
    return { from: sender.address, to, data, gas: toQuantity(100_000), nonce: nextNonce(sender.address), gasPrice: "0x0" };
  });
  const receipts = await pump(node, commits, perBlock * batchSize);

  // Every batch of a size writes the same slots: one estimate per size (the last batch may be smaller).
  const gasFor = new Map<number, string>();
  const submits: RpcTx[] = [];
  for (const [i, data] of encoded.entries()) {
    const sender = senders[i % senders.length];
    if (!sender) throw new Error("no sender");
    let gas = gasFor.get(data.length);
    if (gas === undefined) {
      const estimate = BigInt(await node.rpc<string>("eth_estimateGas", [{ from: sender.address, to, data }]));
      gas = toQuantity((estimate * 13n) / 10n + 100_000n);
      gasFor.set(data.length, gas);
    }
    submits.push({ from: sender.address, to, data, gas, nonce: nextNonce(sender.address), gasPrice: "0x0" });
  }
  receipts.push(...(await pump(node, submits, perBlock)));

  if (toRegister > 0) {
    const ids = Array.from({ length: toRegister }, (_, i) => firstId + BigInt(i));
    const duty = (data: string): RpcTx => ({
      from: w.registrar.address,
      to: w.addresses.registry,
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
