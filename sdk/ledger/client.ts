/**
 * LedgerClient: one method per ledger action, with named inputs (validated by the zod schemas
 * of ./inputs before anything is sent), decoded events and the new ids by name, and typed
 * errors: InputError (bad input), LedgerError (a revert, decoded with the ABIs),
 * NodeUnavailableError (the node cannot be reached).
 *
 *   const client = LedgerClient.connect({ runner: wallet, deployment: loadDeployment("localhost") });
 *   const { assetId } = await client.apply({ name: "Port throughput", kind: "product", form: "dataset", ... });
 *
 * Signatures are stable; a change is noted here as "CHANGED:".
 *
 * CHANGED: applyBatch / acceptMany / confirmMany options gained `inFlight` (PipelineOptions).
 */
import { AbiCoder, concat, hexlify, keccak256, randomBytes, type ContractTransactionResponse, type Overrides, type Provider, type Signer, type TransactionReceipt } from "ethers";
import {
  AccessManager__factory,
  ComplianceRegistry__factory,
  DataAssetRegistry__factory,
  DisputeResolution__factory,
  EmergencyStop__factory,
  EvidenceAnchor__factory,
  IncentiveRegistry__factory,
  LicenseRegistry__factory,
  MemberRegistry__factory,
  MilestoneRegistry__factory,
  PledgeRegistry__factory,
  RegistrationOffice__factory,
  TradeDesk__factory,
  ValuationRegistry__factory,
  type AccessManager,
  type ComplianceRegistry,
  type DataAssetRegistry,
  type DisputeResolution,
  type EmergencyStop,
  type EvidenceAnchor,
  type IncentiveRegistry,
  type LicenseRegistry,
  type MemberRegistry,
  type MilestoneRegistry,
  type PledgeRegistry,
  type RegistrationOffice,
  type TradeDesk,
  type ValuationRegistry,
} from "../../typechain-types";
import { z } from "zod";
import { MILESTONE } from "../api/enums";
import { readDomain, type Eip712Domain } from "../offers/domain";
import { checkLicenseOffer, signLicenseOffer, type SignedLicenseOffer } from "../offers/offer";
import { checkSellOrder, signSellOrder, type SignedSellOrder } from "../orders/order";
import { type Deployment, type LedgerKey } from "./deployment";
import { InputError, LedgerError, NodeUnavailableError } from "./errors";
import { EventDecoder, eventsNamed, idFrom, type DecodedEvent } from "./events";
import * as I from "./inputs";
import { translateError, urlOfRunner } from "./revert";
import { planBatches, workOf, type BatchLimits } from "./batch";

/** What every transaction method answers. */
export interface TxResult {
  txHash: string;
  blockNumber: number;
  /** The receipt's ledger events, decoded by name. */
  events: DecodedEvent[];
}
export type Tx<Ids extends object = object> = TxResult & Ids;

export interface ApplyResult extends TxResult {
  assetId: bigint;
  contentHash: string;
  /** The commit transaction (the reveal is `txHash`). */
  commitTxHash: string;
}

export interface BatchProgress {
  /** Applications filed so far (all of them at the end). */
  done: number;
  total: number;
  /** Transactions of the plan sent so far (commit + reveal per chunk), and in the plan. */
  transactions: number;
  plannedTransactions: number;
}

export interface ApplyBatchResult {
  /** One id per application, in input order. */
  assetIds: bigint[];
  /** One reveal per chunk, in order; each with its events. */
  transactions: (TxResult & { commitTxHash: string; firstId: bigint; count: number })[];
}

/** Options of the methods that send many transactions. */
export interface PipelineOptions {
  onProgress?: (done: number, total: number) => void;
  /**
   * Transactions sent at once, up to 50 (default 1). More is faster on a node with a mempool
   * (Anvil, Geth, Besu) behind a batching provider (connectRpc); Hardhat's automine refuses it.
   */
  inFlight?: number;
}

export interface ManyResult {
  transactions: TxResult[];
}

export interface LedgerClientOptions {
  /** A Signer (to send) or a Provider (to read only). */
  runner: Signer | Provider;
  deployment: Deployment;
  /** The node's URL, for NodeUnavailableError (redacted). Taken from a JsonRpcProvider when omitted. */
  rpcUrl?: string;
}

export interface LedgerContracts {
  manager: AccessManager;
  members: MemberRegistry;
  registry: DataAssetRegistry;
  office: RegistrationOffice;
  compliance: ComplianceRegistry;
  licenses: LicenseRegistry;
  milestones: MilestoneRegistry;
  disputes: DisputeResolution;
  tradeDesk: TradeDesk;
  valuations: ValuationRegistry;
  pledges: PledgeRegistry;
  evidence: EvidenceAnchor;
  emergencyStop: EmergencyStop;
  incentives: IncentiveRegistry;
}

const coder = AbiCoder.defaultAbiCoder();
/** How many pipelined transactions' receipts are fetched at once. */
const PIPELINE_WINDOW = 50;
/** The per-transaction gas cap of EIP-7825 (2^24), which nodes enforce. */
const TX_GAS_CAP = 16_777_216n;
/** Estimates search below the cap: a node that starts from its block gas limit may refuse. */
const ESTIMATE_CAP: Overrides = { gasLimit: TX_GAS_CAP };

/** A fresh random 32-byte value (salts, nonces). */
export function randomHash(): string {
  return hexlify(randomBytes(32));
}

/** RegistrationOffice.commitmentFor: keccak256(abi.encode(applicant, contentHash, salt)). */
export function commitmentFor(applicant: string, contentHash: string, salt: string): string {
  return keccak256(coder.encode(["address", "bytes32", "bytes32"], [applicant, contentHash, salt]));
}

/** The commitment of a batch: keccak256(abi.encode(applicant, keccak256(concat(contentHashes)), salt)). */
export function batchCommitmentFor(applicant: string, contentHashes: readonly string[], salt: string): string {
  return keccak256(coder.encode(["address", "bytes32", "bytes32"], [applicant, keccak256(concat([...contentHashes])), salt]));
}

export class LedgerClient {
  readonly contracts: LedgerContracts;
  readonly deployment: Deployment;
  readonly runner: Signer | Provider;
  private readonly decoder: EventDecoder;
  private readonly rpcUrl: string;
  private limits?: BatchLimits;
  private readonly domains = new Map<string, Eip712Domain>();

  private constructor(opts: LedgerClientOptions) {
    this.runner = opts.runner;
    this.deployment = opts.deployment;
    this.rpcUrl = opts.rpcUrl ?? urlOfRunner(opts.runner) ?? "the node";
    this.decoder = new EventDecoder(opts.deployment);
    const a = opts.deployment.addresses;
    const r = opts.runner;
    this.contracts = {
      manager: AccessManager__factory.connect(a.manager, r),
      members: MemberRegistry__factory.connect(a.members, r),
      registry: DataAssetRegistry__factory.connect(a.registry, r),
      office: RegistrationOffice__factory.connect(a.office, r),
      compliance: ComplianceRegistry__factory.connect(a.compliance, r),
      licenses: LicenseRegistry__factory.connect(a.licenses, r),
      milestones: MilestoneRegistry__factory.connect(a.milestones, r),
      disputes: DisputeResolution__factory.connect(a.disputes, r),
      tradeDesk: TradeDesk__factory.connect(a.tradeDesk, r),
      valuations: ValuationRegistry__factory.connect(a.valuations, r),
      pledges: PledgeRegistry__factory.connect(a.pledges, r),
      evidence: EvidenceAnchor__factory.connect(a.evidence, r),
      incentives: IncentiveRegistry__factory.connect(a.incentives, r),
      emergencyStop: EmergencyStop__factory.connect(a.emergencyStop, r),
    };
  }

  static connect(opts: LedgerClientOptions): LedgerClient {
    return new LedgerClient(opts);
  }

  /** The same client signing as another account. */
  withSigner(signer: Signer): LedgerClient {
    return new LedgerClient({ runner: signer, deployment: this.deployment, rpcUrl: this.rpcUrl });
  }

  // ─── Plumbing ────────────────────────────────────────────────────────────────────────

  private signer(): Signer {
    const r = this.runner as Partial<Signer>;
    if (typeof r.signTypedData !== "function" || typeof r.sendTransaction !== "function")
      throw new InputError("signer", "this action sends a transaction: give a private key (DRL_PRIVATE_KEY), a keystore or --as");
    return this.runner as Signer;
  }

  /** The signing account's address. */
  async address(): Promise<string> {
    return this.call(() => this.signer().getAddress());
  }

  /** Runs a read, turning node failures and reverts into typed errors. */
  async call<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      throw translateError(e, this.rpcUrl);
    }
  }

  /** Sends one transaction, waits for its receipt, and decodes its events. */
  private async send(send: () => Promise<ContractTransactionResponse>): Promise<TxResult> {
    this.signer();
    const resp = await this.call(send);
    return this.settle(resp);
  }

  /**
   * Waits for the receipt by polling `eth_getTransactionReceipt` at the provider's interval.
   * Not `resp.wait()`: while others' transactions fill the blocks, its replacement check
   * downloads whole blocks with every transaction, which costs more than the sends.
   */
  private async settle(resp: ContractTransactionResponse): Promise<TxResult> {
    const provider = resp.provider;
    const interval = (provider as { pollingInterval?: number }).pollingInterval ?? 250;
    let receipt: TransactionReceipt | null = null;
    for (;;) {
      receipt = await this.call(() => provider.getTransactionReceipt(resp.hash));
      if (receipt !== null) break;
      await new Promise((r) => setTimeout(r, interval));
    }
    if (receipt.status !== 1) throw new LedgerError("Reverted", {}, `transaction ${resp.hash} failed on chain without a reason`);
    return { txHash: receipt.hash, blockNumber: receipt.blockNumber, events: this.decoder.decode(receipt) };
  }

  /**
   * Sends many calls of one function that cost about the same gas: the first is estimated as
   * usual (so a refusal is decoded before anything else is sent); the rest reuse its gas limit
   * with a margin and consecutive nonces, skipping an estimate and a nonce look-up each. One
   * that still fails on chain is sent again the ordinary way, so its revert is decoded (or, if
   * it only ran out of gas, it goes through). The signer must not send anything else meanwhile:
   * the nonces are assigned here.
   */
  private async sendUniform(
    sends: ((overrides: Overrides) => Promise<ContractTransactionResponse>)[],
    onProgress: ((done: number, total: number) => void) | undefined,
    /** The first send's gas estimate (eth_estimateGas: a refusal is decoded here). */
    estimateFirst: () => Promise<bigint>,
    /** Relative cost of each send (default all 1): the gas limit scales with it. */
    weights: readonly number[] | undefined,
    /** Sends in flight at once (PipelineOptions.inFlight). */
    inFlight = 1,
  ): Promise<TxResult[]> {
    this.signer();
    const [first, ...rest] = sends;
    if (!first) return [];
    let estimated: bigint | undefined;
    try {
      estimated = await this.call(estimateFirst);
    } catch (e) {
      // A refusal or a dead node stops here; a node that will not estimate this (Hardhat's
      // estimate of a large batch can exceed the transaction gas cap) leaves it to the send.
      if (e instanceof LedgerError || e instanceof NodeUnavailableError || e instanceof InputError) throw e;
    }
    const head = await this.call(() => first(estimated === undefined ? {} : { gasLimit: estimated }));
    const estimate = estimated ?? head.gasLimit;
    // A small margin: a block packs transactions by their gas limit, not the gas they use.
    const headWeight = BigInt(Math.max(1, Math.round(weights?.[0] ?? 1)));
    const gasFor = (k: number): bigint => {
      const g = (estimate * 115n * BigInt(Math.max(1, Math.round(weights?.[k] ?? 1)))) / (100n * headWeight) + 5_000n;
      return g < TX_GAS_CAP ? g : TX_GAS_CAP;
    };
    // The head's fee fields too: a local wallet then needs no fee look-up per transaction.
    const fees: Overrides =
      head.maxFeePerGas !== null
        ? { type: head.type, maxFeePerGas: head.maxFeePerGas, maxPriorityFeePerGas: head.maxPriorityFeePerGas }
        : { type: head.type, gasPrice: head.gasPrice };
    const nonce0 = head.nonce + 1;
    const pending: ContractTransactionResponse[] = [head];
    // `inFlight` sends at a time (default one after another): Hardhat's automine refuses a
    // nonce that arrives ahead of its predecessor; a node with a mempool (Anvil, Geth, Besu)
    // queues it, and a batching provider then carries a window in one request.
    const width = Math.max(1, Math.min(inFlight, PIPELINE_WINDOW));
    for (let i = 0; i < rest.length; i += width) {
      const window = rest.slice(i, i + width);
      pending.push(...(await this.call(() => Promise.all(window.map((s, j) => s({ ...fees, gasLimit: gasFor(i + j + 1), nonce: nonce0 + i + j }))))));
    }
    const out: TxResult[] = [];
    for (let i = 0; i < pending.length; i += PIPELINE_WINDOW) {
      const settled = await Promise.allSettled(pending.slice(i, i + PIPELINE_WINDOW).map((p) => this.settle(p)));
      for (const [j, r] of settled.entries()) {
        const k = i + j;
        let result: TxResult;
        if (r.status === "fulfilled") result = r.value;
        else {
          const again = sends[k];
          // A mined failure carries no revert data: resend it estimated, which decodes the reason.
          if (k === 0 || !again || !(r.reason instanceof LedgerError) || r.reason.errorName !== "Reverted") throw r.reason;
          result = await this.send(() => again({}));
        }
        out.push(result);
        onProgress?.(out.length, sends.length);
      }
    }
    return out;
  }

  private required(id: bigint | undefined, what: string, tx: TxResult): bigint {
    if (id === undefined) throw new InputError("receipt", `transaction ${tx.txHash} carries no ${what}`);
    return id;
  }

  /** The office's work bound (read once from the contract). */
  async batchLimits(): Promise<BatchLimits> {
    if (!this.limits) {
      const o = this.contracts.office;
      const [maxBatch, maxWork, appWork, parentWork] = await this.call(() =>
        Promise.all([o.MAX_BATCH(), o.MAX_BATCH_WORK(), o.APPLICATION_WORK(), o.PARENT_WORK()]),
      );
      this.limits = { maxBatch: Number(maxBatch), maxWork: Number(maxWork), applicationWork: Number(appWork), parentWork: Number(parentWork) };
    }
    return this.limits;
  }

  /** The EIP-712 domain of the licence registry or the trade desk, as the contract reports it. */
  async domainOf(which: "licenses" | "tradeDesk"): Promise<Eip712Domain> {
    let d = this.domains.get(which);
    if (!d) {
      const c = this.contracts[which];
      d = await this.call(() => readDomain(c));
      this.domains.set(which, d);
    }
    return d;
  }

  // ─── Membership ──────────────────────────────────────────────────────────────────────

  async admitMember(input: z.input<typeof I.AdmitMemberInput>): Promise<TxResult> {
    const m = I.parseInput(I.AdmitMemberInput, input);
    return this.send(() => this.contracts.members.admit(m.account, m.orgIdHash, m.name, m.type, m.jurisdiction));
  }
  async suspendMember(input: z.input<typeof I.SuspendMemberInput>): Promise<TxResult> {
    const m = I.parseInput(I.SuspendMemberInput, input);
    return this.send(() => this.contracts.members.suspend(m.account, m.reasonHash));
  }
  async reinstateMember(input: z.input<typeof I.AccountInput>): Promise<TxResult> {
    const m = I.parseInput(I.AccountInput, input);
    return this.send(() => this.contracts.members.reinstate(m.account));
  }
  async rebindMember(input: z.input<typeof I.RebindMemberInput>): Promise<TxResult> {
    const m = I.parseInput(I.RebindMemberInput, input);
    return this.send(() => this.contracts.members.rebind(m.oldAccount, m.newAccount, m.reasonHash));
  }

  // ─── Applications and review ─────────────────────────────────────────────────────────

  /** Commits, waits for the commit's block, and reveals: one call for one application. */
  async apply(input: I.ApplicationInput, opts: { salt?: string } = {}): Promise<ApplyResult> {
    const app = I.parseInput(I.ApplicationInput, input);
    const signer = this.signer();
    const applicant = await this.address();
    const salt = opts.salt ?? randomHash();
    const commit = await this.send(() => this.contracts.office.connect(signer).commit(commitmentFor(applicant, app.contentHash, salt)));
    // The commit's receipt means its block is sealed: the reveal lands in a later one.
    const reveal = await this.send(() => this.contracts.office.connect(signer).submit(app, salt));
    const assetId = this.required(idFrom(reveal.events, "AssetApplied", "assetId"), "AssetApplied event", reveal);
    return { ...reveal, assetId, contentHash: app.contentHash, commitTxHash: commit.txHash };
  }

  /**
   * Files many applications in as few transactions as the office's work bound allows: all
   * commits are sent first, then all reveals. `onProgress` is called after each transaction.
   */
  async applyBatch(inputs: I.ApplicationInput[], opts: { onProgress?: (p: BatchProgress) => void; inFlight?: number } = {}): Promise<ApplyBatchResult> {
    const apps = I.parseInput(I.ApplicationBatchInput, inputs, "applications");
    const signer = this.signer();
    const applicant = await this.address();
    const chunks = planBatches(apps, await this.batchLimits());
    const plannedTransactions = chunks.length * 2;
    let transactions = 0;
    let done = 0;
    const report = (): void => opts.onProgress?.({ done, total: apps.length, transactions, plannedTransactions });
    const office = this.contracts.office.connect(signer);
    const salts = chunks.map(() => randomHash());
    // All commits first (one block), then all reveals: every reveal comes a block after its commit.
    const commitmentOfChunk = (i: number): string => batchCommitmentFor(applicant, (chunks[i] ?? []).map((a) => a.contentHash), salts[i] ?? "");
    const commits = await this.sendUniform(
      chunks.map((_, i) => (o: Overrides) => office.commit(commitmentOfChunk(i), o)),
      () => {
        transactions += 1;
        report();
      },
      () => office.commit.estimateGas(commitmentOfChunk(0), ESTIMATE_CAP),
      undefined,
      opts.inFlight,
    );
    const limits = await this.batchLimits();
    const reveals = await this.sendUniform(
      chunks.map((c, i) => (o: Overrides) => office.submitBatch(c, salts[i] ?? "", o)),
      (k) => {
        transactions += 1;
        done += chunks[k - 1]?.length ?? 0;
        report();
      },
      () => office.submitBatch.estimateGas(chunks[0] ?? [], salts[0] ?? "", ESTIMATE_CAP),
      chunks.map((c) => c.reduce((w, a) => w + workOf(a, limits), 0)),
      opts.inFlight,
    );
    const out: ApplyBatchResult = { assetIds: [], transactions: [] };
    reveals.forEach((r, i) => {
      const ids = eventsNamed(r.events, "AssetApplied").map((e) => BigInt(String(e.args.assetId)));
      out.assetIds.push(...ids);
      out.transactions.push({ ...r, commitTxHash: commits[i]?.txHash ?? "", firstId: ids[0] ?? 0n, count: ids.length });
    });
    return out;
  }

  /** The registrar accepts an application and starts its publicity period (seconds). */
  async accept(input: z.input<typeof I.AcceptInput>): Promise<TxResult> {
    const a = I.parseInput(I.AcceptInput, input);
    return this.send(() => this.contracts.registry.accept(a.assetId, a.publicityPeriod));
  }
  /** Accepts many applications, sent back to back. */
  async acceptMany(input: { assetIds: (bigint | number | string)[]; publicityPeriod: number }, opts: PipelineOptions = {}): Promise<ManyResult> {
    const ids = I.parseInput(z.array(I.Id).min(1, "must list at least one"), input.assetIds, "assetIds");
    const period = I.parseInput(I.Duration, input.publicityPeriod, "publicityPeriod");
    const registry = this.contracts.registry;
    return {
      transactions: await this.sendUniform(
        ids.map((id) => (o: Overrides) => registry.accept(id, period, o)),
        opts.onProgress,
        () => registry.accept.estimateGas(ids[0] ?? 0n, period, ESTIMATE_CAP),
        undefined,
        opts.inFlight,
      ),
    };
  }
  async refuse(input: z.input<typeof I.ReasonedAsset>): Promise<TxResult> {
    const a = I.parseInput(I.ReasonedAsset, input);
    return this.send(() => this.contracts.registry.refuse(a.assetId, a.reasonHash));
  }
  /** Confirms after publicity: mints the token; answers the registration number. */
  async confirm(input: z.input<typeof I.AssetRef>): Promise<Tx<{ assetId: bigint; registrationNumber: string }>> {
    const a = I.parseInput(I.AssetRef, input);
    const tx = await this.send(() => this.contracts.registry.confirm(a.assetId));
    const reg = eventsNamed(tx.events, "AssetRegistered")[0];
    return { ...tx, assetId: a.assetId, registrationNumber: String(reg?.args.registrationNumber ?? "") };
  }
  /** Confirms many assets, sent back to back. */
  async confirmMany(input: { assetIds: (bigint | number | string)[] }, opts: PipelineOptions = {}): Promise<ManyResult> {
    const ids = I.parseInput(z.array(I.Id).min(1, "must list at least one"), input.assetIds, "assetIds");
    const registry = this.contracts.registry;
    return {
      transactions: await this.sendUniform(
        ids.map((id) => (o: Overrides) => registry.confirm(id, o)),
        opts.onProgress,
        () => registry.confirm.estimateGas(ids[0] ?? 0n, ESTIMATE_CAP),
        undefined,
        opts.inFlight,
      ),
    };
  }

  // ─── Objections and rulings ──────────────────────────────────────────────────────────

  async object(input: z.input<typeof I.ObjectInput>): Promise<Tx<{ objectionId: bigint }>> {
    const o = I.parseInput(I.ObjectInput, input);
    const tx = await this.send(() => this.contracts.disputes.object(o.assetId, o.evidenceHash));
    return { ...tx, objectionId: this.required(idFrom(tx.events, "ObjectionFiled", "objectionId"), "ObjectionFiled event", tx) };
  }
  /** Registrar or court admits an objection: the asset is disputed while it is open. */
  async admitObjection(input: z.input<typeof I.ObjectionRef>): Promise<TxResult> {
    const o = I.parseInput(I.ObjectionRef, input);
    return this.send(() => this.contracts.disputes.admit(o.objectionId));
  }
  async withdrawObjection(input: z.input<typeof I.ObjectionRef>): Promise<TxResult> {
    const o = I.parseInput(I.ObjectionRef, input);
    return this.send(() => this.contracts.disputes.withdraw(o.objectionId));
  }
  /** The registrar rules on an objection. */
  async rule(input: z.input<typeof I.RuleInput>): Promise<TxResult> {
    const r = I.parseInput(I.RuleInput, input);
    return this.send(() => this.contracts.disputes.rule(r.objectionId, r.ruling, r.decisionHash, r.licenseIds));
  }
  /** A court rules on an objection (with what happens to a pledge if the asset moves). */
  async courtRule(input: z.input<typeof I.CourtRuleInput>): Promise<TxResult> {
    const r = I.parseInput(I.CourtRuleInput, input);
    return this.send(() => this.contracts.disputes.courtRule(r.objectionId, r.ruling, r.decisionHash, r.licenseIds, r.pledgeAction));
  }

  // ─── Change, correct, renew, cancel, transfer ────────────────────────────────────────

  /** The holder changes the metadata. */
  async change(input: z.input<typeof I.ChangeInput>): Promise<TxResult> {
    const c = I.parseInput(I.ChangeInput, input);
    return this.send(() => this.contracts.registry.changeMetadata(c.assetId, c.metadataHash, c.metadataUri));
  }
  /** The registrar corrects the record. */
  async correct(input: z.input<typeof I.CorrectInput>): Promise<TxResult> {
    const c = I.parseInput(I.CorrectInput, input);
    return this.send(() => this.contracts.registry.correct(c.assetId, c.metadataHash, c.metadataUri, c.reasonHash));
  }
  /** The registrar renews the registration to a new end of validity. */
  async renew(input: z.input<typeof I.RenewInput>): Promise<TxResult> {
    const r = I.parseInput(I.RenewInput, input);
    return this.send(() => this.contracts.registry.renew(r.assetId, r.validUntil, r.evidenceHash));
  }
  /** The holder cancels the registration. */
  async cancel(input: z.input<typeof I.ReasonedAsset>): Promise<TxResult> {
    const c = I.parseInput(I.ReasonedAsset, input);
    return this.send(() => this.contracts.registry.cancel(c.assetId, c.reasonHash));
  }
  /** The registrar cancels the registration. */
  async registrarCancel(input: z.input<typeof I.ReasonedAsset>): Promise<TxResult> {
    const c = I.parseInput(I.ReasonedAsset, input);
    return this.send(() => this.contracts.registry.registrarCancel(c.assetId, c.reasonHash));
  }
  /** The holder transfers the holding right (the transfer rule applies). */
  async transfer(input: z.input<typeof I.TransferInput>): Promise<TxResult> {
    const t = I.parseInput(I.TransferInput, input);
    const from = await this.address();
    return this.send(() => this.contracts.registry.transferFrom(from, t.to, t.assetId));
  }
  /** The registrar moves an asset between two accounts of one organisation (lost key). */
  async recoveryTransfer(input: z.input<typeof I.RecoveryTransferInput>): Promise<TxResult> {
    const t = I.parseInput(I.RecoveryTransferInput, input);
    return this.send(() => this.contracts.registry.recoveryTransfer(t.assetId, t.to, t.reasonHash));
  }

  // ─── Licences ────────────────────────────────────────────────────────────────────────

  async grantLicense(input: z.input<typeof I.GrantLicenseInput>): Promise<Tx<{ licenseId: bigint }>> {
    const g = I.parseInput(I.GrantLicenseInput, input);
    const tx = await this.send(() => this.contracts.licenses.grant(g.assetId, g.terms));
    return { ...tx, licenseId: this.required(idFrom(tx.events, "LicenseGranted", "licenseId"), "LicenseGranted event", tx) };
  }
  async sublicense(input: z.input<typeof I.SublicenseInput>): Promise<Tx<{ licenseId: bigint }>> {
    const s = I.parseInput(I.SublicenseInput, input);
    const tx = await this.send(() => this.contracts.licenses.sublicense(s.parentId, s.terms));
    return { ...tx, licenseId: this.required(idFrom(tx.events, "LicenseGranted", "licenseId"), "LicenseGranted event", tx) };
  }
  /** The holder signs a licence offer (nothing is sent); write it with writeLicenseOffer. */
  async signLicenseOffer(input: z.input<typeof I.LicenseOfferInput>): Promise<SignedLicenseOffer> {
    const o = I.parseInput(I.LicenseOfferInput, input);
    const signer = this.signer();
    const domain = await this.domainOf("licenses");
    return this.call(() => signLicenseOffer(signer, domain, { assetId: o.assetId, terms: o.terms, nonce: o.nonce ?? BigInt(randomHash()), deadline: o.deadline }));
  }
  /** The licensee accepts a signed offer. The offer's signature and domain are checked first. */
  async acceptLicenseOffer(offer: SignedLicenseOffer): Promise<Tx<{ licenseId: bigint }>> {
    checkLicenseOffer(offer);
    const domain = await this.domainOf("licenses");
    if (offer.domain.chainId !== domain.chainId || offer.domain.verifyingContract !== domain.verifyingContract)
      throw new InputError("domain", `the offer was signed for chain ${offer.domain.chainId} contract ${offer.domain.verifyingContract}, not this ledger's licence registry`);
    const tx = await this.send(() => this.contracts.licenses.acceptOffer(offer.offer, offer.signature));
    return { ...tx, licenseId: this.required(idFrom(tx.events, "LicenseGranted", "licenseId"), "LicenseGranted event", tx) };
  }
  /** The holder cancels an offer's nonce, so no one can accept it any more. */
  async cancelLicenseNonce(input: z.input<typeof I.NonceInput>): Promise<TxResult> {
    const n = I.parseInput(I.NonceInput, input);
    return this.send(() => this.contracts.licenses.cancelNonce(n.nonce));
  }
  /** The licensor revokes a revocable licence. */
  async revokeLicense(input: z.input<typeof I.RevokeLicenseInput>): Promise<TxResult> {
    const r = I.parseInput(I.RevokeLicenseInput, input);
    return this.send(() => this.contracts.licenses.revoke(r.licenseId, r.reasonHash));
  }
  /** The licensee gives the licence up. */
  async surrenderLicense(input: z.input<typeof I.RevokeLicenseInput>): Promise<TxResult> {
    const r = I.parseInput(I.RevokeLicenseInput, input);
    return this.send(() => this.contracts.licenses.surrender(r.licenseId, r.reasonHash));
  }
  /** A court revokes a licence. */
  async courtRevokeLicense(input: z.input<typeof I.CourtRevokeLicenseInput>): Promise<TxResult> {
    const r = I.parseInput(I.CourtRevokeLicenseInput, input);
    return this.send(() => this.contracts.licenses.courtRevoke(r.licenseId, r.caseHash));
  }
  /** Anyone closes lapsed licences. */
  async closeLicenses(input: z.input<typeof I.LicenseIdsInput>): Promise<TxResult> {
    const c = I.parseInput(I.LicenseIdsInput, input);
    return this.send(() => this.contracts.licenses.close(c.licenseIds));
  }

  // ─── Exchange ────────────────────────────────────────────────────────────────────────

  /** The holder signs a sell order for one exchange (nothing is sent); write it with writeSellOrder. */
  async signSellOrder(input: z.input<typeof I.SellOrderInput>): Promise<SignedSellOrder> {
    const o = I.parseInput(I.SellOrderInput, input);
    const signer = this.signer();
    const domain = await this.domainOf("tradeDesk");
    return this.call(() =>
      signSellOrder(signer, domain, {
        assetId: o.assetId,
        exchange: o.exchange,
        buyer: o.buyer ?? "0x0000000000000000000000000000000000000000",
        price: o.price,
        currency: o.currency,
        deadline: o.deadline,
        nonce: o.nonce ?? BigInt(randomHash()),
      }),
    );
  }
  private async checkOrderDomain(order: SignedSellOrder): Promise<void> {
    checkSellOrder(order);
    const domain = await this.domainOf("tradeDesk");
    if (order.domain.chainId !== domain.chainId || order.domain.verifyingContract !== domain.verifyingContract)
      throw new InputError("domain", `the order was signed for chain ${order.domain.chainId} contract ${order.domain.verifyingContract}, not this ledger's trade desk`);
  }
  /** The exchange named in the order lists the asset on it. */
  async list(input: { order: SignedSellOrder; listingRefHash: string }): Promise<TxResult> {
    await this.checkOrderDomain(input.order);
    const ref = I.parseInput(I.Bytes32, input.listingRefHash, "listingRefHash");
    return this.send(() => this.contracts.tradeDesk.list(input.order.order, input.order.signature, ref));
  }
  /** The exchange or the holder ends a listing. */
  async delist(input: z.input<typeof I.DelistInput>): Promise<TxResult> {
    const d = I.parseInput(I.DelistInput, input);
    return this.send(() => this.contracts.tradeDesk.delist(d.assetId, d.reasonHash));
  }
  /** The exchange executes a signed sell order: the holding right moves to `buyer`. */
  async trade(input: { order: SignedSellOrder; buyer: string; mode?: string; exchangeRefHash: string }): Promise<Tx<{ tradeId: bigint }>> {
    await this.checkOrderDomain(input.order);
    const buyer = I.parseInput(I.NonZeroAddress, input.buyer, "buyer");
    const mode = I.parseInput(I.named(["plaintext", "privacyComputing", "api", "sandbox"] as const), input.mode ?? "plaintext", "mode");
    const ref = I.parseInput(I.Bytes32, input.exchangeRefHash, "exchangeRefHash");
    const tx = await this.send(() => this.contracts.tradeDesk.tradeHolding(input.order.order, input.order.signature, buyer, mode, ref));
    return { ...tx, tradeId: this.required(idFrom(tx.events, "TradeRecorded", "tradeId"), "TradeRecorded event", tx) };
  }
  /** The exchange records the sale of a licence. */
  async tradeLicense(input: z.input<typeof I.TradeLicenseInput>): Promise<Tx<{ tradeId: bigint }>> {
    const t = I.parseInput(I.TradeLicenseInput, input);
    const tx = await this.send(() => this.contracts.tradeDesk.tradeLicense(t.licenseId, t.price, t.currency, t.mode, t.exchangeRefHash));
    return { ...tx, tradeId: this.required(idFrom(tx.events, "TradeRecorded", "tradeId"), "TradeRecorded event", tx) };
  }
  /** The holder cancels a sell order's nonce. */
  async cancelSellOrderNonce(input: z.input<typeof I.NonceInput>): Promise<TxResult> {
    const n = I.parseInput(I.NonceInput, input);
    return this.send(() => this.contracts.tradeDesk.cancelNonce(n.nonce));
  }

  // ─── Valuation and pledges ───────────────────────────────────────────────────────────

  async recordValuation(input: z.input<typeof I.ValuationInput>): Promise<Tx<{ valuationId: bigint }>> {
    const v = I.parseInput(I.ValuationInput, input);
    const tx = await this.send(() => this.contracts.valuations.record(v.assetId, v.method, v.value, v.currency, v.valuationDate, v.reportHash));
    return { ...tx, valuationId: this.required(idFrom(tx.events, "ValuationRecorded", "valuationId"), "ValuationRecorded event", tx) };
  }
  async proposePledge(input: z.input<typeof I.ProposePledgeInput>): Promise<Tx<{ pledgeId: bigint }>> {
    const p = I.parseInput(I.ProposePledgeInput, input);
    const tx = await this.send(() => this.contracts.pledges.propose(p.assetId, p.pledgee, p.securedAmount, p.currency, p.dueDate, p.registryRefHash));
    return { ...tx, pledgeId: this.required(idFrom(tx.events, "PledgeProposed", "pledgeId"), "PledgeProposed event", tx) };
  }
  async acceptPledge(input: z.input<typeof I.PledgeRef>): Promise<TxResult> {
    const p = I.parseInput(I.PledgeRef, input);
    return this.send(() => this.contracts.pledges.accept(p.pledgeId));
  }
  async releasePledge(input: z.input<typeof I.PledgeRef>): Promise<TxResult> {
    const p = I.parseInput(I.PledgeRef, input);
    return this.send(() => this.contracts.pledges.release(p.pledgeId));
  }
  /** The pledgee enforces after the due date: the asset moves to the pledgee. */
  async enforcePledge(input: z.input<typeof I.PledgeRef>): Promise<TxResult> {
    const p = I.parseInput(I.PledgeRef, input);
    return this.send(() => this.contracts.pledges.enforce(p.pledgeId));
  }
  async withdrawPledge(input: z.input<typeof I.PledgeRef>): Promise<TxResult> {
    const p = I.parseInput(I.PledgeRef, input);
    return this.send(() => this.contracts.pledges.withdraw(p.pledgeId));
  }
  /** A court enforces a pledge for a case. */
  async courtEnforcePledge(input: z.input<typeof I.CourtEnforcePledgeInput>): Promise<TxResult> {
    const p = I.parseInput(I.CourtEnforcePledgeInput, input);
    return this.send(() => this.contracts.pledges.courtEnforce(p.pledgeId, p.caseHash));
  }

  // ─── Milestones and compliance ───────────────────────────────────────────────────────

  /** An enterprise attests one of its "firsts" (financial statements, opening, financing). */
  async recordMilestone(input: z.input<typeof I.MilestoneInput>): Promise<TxResult> {
    const m = I.parseInput(I.MilestoneInput, input);
    const c = this.contracts.milestones;
    if (m.kind === "financialStatements") return this.send(() => c.attestFinancialStatements(m.assetId, m.detail ?? 0, m.evidenceHash));
    if (m.kind === "opening") return this.send(() => c.attestOpening(m.assetId, m.evidenceHash));
    return this.send(() => c.attestFinancing(m.assetId, m.evidenceHash));
  }
  /** The registrar annuls a first. */
  async annulMilestone(input: z.input<typeof I.AnnulMilestoneInput>): Promise<TxResult> {
    const m = I.parseInput(I.AnnulMilestoneInput, input);
    return this.send(() => this.contracts.milestones.annul(m.assetId, m.kind, m.reasonHash));
  }
  /** The bureau records an incentive (national or municipal) paid for a first; the first must be recorded and not annulled. */
  async recordIncentive(input: z.input<typeof I.IncentiveInput>): Promise<TxResult> {
    const i = I.parseInput(I.IncentiveInput, input);
    return this.send(() => this.contracts.incentives.recordIncentive(i.assetId, i.kind, i.level, i.amount, i.currency, i.evidenceHash));
  }
  /** The bureau withdraws an incentive recorded in error. */
  async revokeIncentive(input: z.input<typeof I.RevokeIncentiveInput>): Promise<TxResult> {
    const i = I.parseInput(I.RevokeIncentiveInput, input);
    return this.send(() => this.contracts.incentives.revokeIncentive(i.assetId, i.kind, i.level, i.reasonHash));
  }
  async confirmGrade(input: z.input<typeof I.ConfirmGradeInput>): Promise<TxResult> {
    const g = I.parseInput(I.ConfirmGradeInput, input);
    return this.send(() => this.contracts.compliance.confirmGrade(g.assetId, g.grade, g.reportHash));
  }
  async recordDeidentificationReview(input: z.input<typeof I.DeidReviewInput>): Promise<TxResult> {
    const d = I.parseInput(I.DeidReviewInput, input);
    return this.send(() => this.contracts.compliance.recordDeidentificationReview(d.applicant, d.contentHash, d.passed, d.reportHash));
  }
  async grantCrossBorderClearance(input: z.input<typeof I.CrossBorderInput>): Promise<TxResult> {
    const c = I.parseInput(I.CrossBorderInput, input);
    return this.send(() => this.contracts.compliance.grantCrossBorderClearance(c.assetId, c.recipient, c.routeHash, c.mechanism, c.validUntil));
  }
  async revokeCrossBorderClearance(input: z.input<typeof I.RevokeCrossBorderInput>): Promise<TxResult> {
    const c = I.parseInput(I.RevokeCrossBorderInput, input);
    return this.send(() => this.contracts.compliance.revokeCrossBorderClearance(c.assetId, c.recipient, c.reasonHash));
  }
  async approveSandbox(input: z.input<typeof I.SandboxInput>): Promise<TxResult> {
    const s = I.parseInput(I.SandboxInput, input);
    return this.send(() => this.contracts.compliance.approveSandbox(s.assetId, s.approvalHash, s.validUntil));
  }
  async revokeSandbox(input: z.input<typeof I.ReasonedAsset>): Promise<TxResult> {
    const s = I.parseInput(I.ReasonedAsset, input);
    return this.send(() => this.contracts.compliance.revokeSandbox(s.assetId, s.reasonHash));
  }

  // ─── Court orders ────────────────────────────────────────────────────────────────────

  /** A court places a hold on the asset for a case (one hold per court and case). */
  async freeze(input: z.input<typeof I.CaseInput>): Promise<TxResult> {
    const c = I.parseInput(I.CaseInput, input);
    return this.send(() => this.contracts.disputes.freeze(c.assetId, c.caseHash));
  }
  /** The court lifts its hold for that case. */
  async unfreeze(input: z.input<typeof I.CaseInput>): Promise<TxResult> {
    const c = I.parseInput(I.CaseInput, input);
    return this.send(() => this.contracts.disputes.unfreeze(c.assetId, c.caseHash));
  }
  /** A court orders a transfer; `pledgeAction` says whether a pledge is carried or discharged. */
  async orderTransfer(input: z.input<typeof I.OrderTransferInput>): Promise<TxResult> {
    const o = I.parseInput(I.OrderTransferInput, input);
    return this.send(() => this.contracts.disputes.orderTransfer(o.assetId, o.to, o.caseHash, o.pledgeAction));
  }
  /** A court orders a cancellation, ending the listed licences. */
  async orderCancel(input: z.input<typeof I.OrderCancelInput>): Promise<TxResult> {
    const o = I.parseInput(I.OrderCancelInput, input);
    return this.send(() => this.contracts.disputes.orderCancel(o.assetId, o.caseHash, o.licenseIds));
  }

  // ─── Evidence and emergency stop ─────────────────────────────────────────────────────

  async anchorEvidence(input: z.input<typeof I.AnchorInput>): Promise<Tx<{ root: string }>> {
    const a = I.parseInput(I.AnchorInput, input);
    const tx = await this.send(() => this.contracts.evidence.anchor(a.root, a.itemCount, a.manifestHash));
    return { ...tx, root: a.root };
  }
  async revokeEvidence(input: z.input<typeof I.RevokeAnchorInput>): Promise<TxResult> {
    const r = I.parseInput(I.RevokeAnchorInput, input);
    return this.send(() => this.contracts.evidence.revoke(r.root, r.reasonHash));
  }
  /** The guardian closes contracts at once. */
  async emergencyStop(input: z.input<typeof I.EmergencyStopInput>): Promise<TxResult> {
    const s = I.parseInput(I.EmergencyStopInput, input);
    return this.send(() => this.contracts.emergencyStop.stop(s.targets, s.reasonHash));
  }

  // ─── Reads the CLI needs without the API ─────────────────────────────────────────────

  async chainId(): Promise<bigint> {
    const provider = this.runner.provider ?? (this.runner as Provider);
    return this.call(async () => (await provider.getNetwork()).chainId);
  }
  async nextAssetId(): Promise<bigint> {
    return this.call(() => this.contracts.registry.nextAssetId());
  }
  /** The milestone kinds by name (for callers printing MilestoneRecorded). */
  static readonly milestoneKinds = MILESTONE;
}

export type { LedgerKey };
