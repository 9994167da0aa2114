/**
 * What happened to an asset (or a licence) after a certificate's anchor block: check 7.
 *
 * The ledger's events name the asset in different topics (`assetId` is topic 1 of most events,
 * topic 2 of the licence, pledge, valuation, objection and trade events, and the ERC-721
 * `Transfer` carries it as `tokenId` in topic 3), so the logs come from at most three
 * `eth_getLogs` calls, one per topic position, each limited to the event signatures that carry
 * the id there, over every ledger contract, sent as ONE JSON-RPC batch. An expiry has no event:
 * it is read from the validity the certificate states and the head block's time.
 *
 * Browser-compatible: ethers' Interface only, no node: imports.
 */
import { Interface, toBeHex, zeroPadValue, type EventFragment, type LogDescription } from "ethers";
import { LEDGER_ABIS } from "../ledger/abis";
import { LEDGER_KEYS, type Deployment, type LedgerKey } from "../ledger/deployment-schema";
import type { RawLog } from "./chain-state";
import type { Change, ChangeKind } from "./report";

export type { RawLog };

type Args = LogDescription["args"];
const str = (a: Args, k: string): string => String(a.getValue(k) as unknown);
const short = (addr: string): string => `${addr.slice(0, 6)}…${addr.slice(-4)}`;

interface EventRule {
  kind: ChangeKind;
  detail: (a: Args) => string;
  /** For a licence certificate: also a change of the licence (otherwise only of the asset). */
  licence?: "byLicenceId" | "assetLevel";
}

/**
 * The events that change what a certificate states (holder, status, validity, licences,
 * firsts, valuations, encumbrances), by name. Events not listed (approvals, ERC-4906 refresh
 * hints, nonces) change nothing a certificate says.
 */
const RULES: Record<string, EventRule> = {
  Transfer: { kind: "transferred", detail: (a) => `holder changed from ${str(a, "from")} to ${str(a, "to")}`, licence: "assetLevel" },
  ForcedTransfer: { kind: "transferred", detail: (a) => `moved by order (case ${str(a, "caseHash").slice(0, 10)}…) from ${short(str(a, "from"))} to ${short(str(a, "to"))}` },
  RecoveryTransfer: { kind: "transferred", detail: (a) => `moved by the registrar's recovery from ${short(str(a, "from"))} to ${short(str(a, "to"))}` },
  RegistrationCancelled: { kind: "cancelled", detail: (a) => `registration cancelled by ${str(a, "by")}`, licence: "assetLevel" },
  AssetFrozenByCourt: { kind: "frozen", detail: (a) => `frozen by court ${str(a, "court")} for case ${str(a, "caseHash")}`, licence: "assetLevel" },
  AssetUnfrozenByCourt: { kind: "unfrozen", detail: (a) => `court ${str(a, "court")} lifted its hold for case ${str(a, "caseHash")}`, licence: "assetLevel" },
  ObjectionFiled: { kind: "objected", detail: (a) => `objection ${str(a, "objectionId")} filed by ${str(a, "claimant")}` },
  ObjectionAdmitted: { kind: "disputed", detail: (a) => `objection ${str(a, "objectionId")} admitted by ${str(a, "by")}: the asset is disputed`, licence: "assetLevel" },
  ObjectionWithdrawn: { kind: "objectionClosed", detail: (a) => `objection ${str(a, "objectionId")} withdrawn` },
  ObjectionRuled: { kind: "objectionClosed", detail: (a) => `objection ${str(a, "objectionId")} ruled (${["dismissed", "cancel", "transfer to claimant", "compensate"][Number(a.getValue("ruling"))] ?? "ruling"})` },
  TransferOrdered: { kind: "transferred", detail: (a) => `a court ordered a transfer to ${str(a, "to")}` },
  CancellationOrdered: { kind: "cancelled", detail: (a) => `a court ordered the cancellation (case ${str(a, "caseHash")})` },
  AssetRenewed: { kind: "renewed", detail: (a) => `validity renewed until ${new Date(Number(a.getValue("newValidUntil")) * 1000).toISOString()}`, licence: "assetLevel" },
  AssetCorrected: { kind: "corrected", detail: (a) => `record corrected by the registrar (metadata version ${str(a, "version")})` },
  MetadataChanged: { kind: "metadataChanged", detail: (a) => `metadata changed by the holder (version ${str(a, "version")})` },
  GradeChanged: { kind: "regraded", detail: (a) => `security grade changed (${["general", "important", "core"][Number(a.getValue("newGrade"))] ?? "?"})`, licence: "assetLevel" },
  LicenseGranted: { kind: "licensed", detail: (a) => `licence ${str(a, "licenseId")} granted to ${str(a, "licensee")}` },
  LicenseRevoked: { kind: "licenceRevoked", detail: (a) => `licence ${str(a, "licenseId")} revoked${a.getValue("byCourt") === true ? " by a court" : ""}`, licence: "byLicenceId" },
  LicenseEnded: { kind: "licenceEnded", detail: (a) => `licence ${str(a, "licenseId")} ended (${Number(a.getValue("cause")) === 1 ? "the asset was cancelled" : "lapsed"})`, licence: "byLicenceId" },
  PledgeProposed: { kind: "pledgeProposed", detail: (a) => `pledge ${str(a, "pledgeId")} proposed to ${str(a, "pledgee")}` },
  PledgeActivated: { kind: "pledged", detail: (a) => `pledge ${str(a, "pledgeId")} accepted by ${str(a, "pledgee")}: the asset is pledged` },
  PledgeReleased: { kind: "pledgeReleased", detail: (a) => `pledge ${str(a, "pledgeId")} released` },
  PledgeWithdrawn: { kind: "pledgeReleased", detail: (a) => `pledge proposal ${str(a, "pledgeId")} withdrawn` },
  PledgeEnforced: { kind: "pledgeEnforced", detail: (a) => `pledge ${str(a, "pledgeId")} enforced${a.getValue("byCourt") === true ? " by a court" : ""}` },
  PledgeCarried: { kind: "pledged", detail: (a) => `pledge ${str(a, "pledgeId")} carried to ${str(a, "newPledgor")}` },
  PledgeDischarged: { kind: "pledgeReleased", detail: (a) => `pledge ${str(a, "pledgeId")} discharged` },
  ValuationRecorded: { kind: "valued", detail: (a) => `valuation ${str(a, "valuationId")} recorded by ${str(a, "evaluator")}` },
  MilestoneRecorded: { kind: "milestone", detail: (a) => `first "${["registration", "listing", "trade", "financialStatements", "opening", "financing"][Number(a.getValue("kind"))] ?? "?"}" recorded` },
  MilestoneAnnulled: { kind: "milestone", detail: (a) => `first "${["registration", "listing", "trade", "financialStatements", "opening", "financing"][Number(a.getValue("kind"))] ?? "?"}" annulled` },
  Listed: { kind: "listed", detail: (a) => `listed by exchange ${str(a, "exchange")}` },
  Delisted: { kind: "delisted", detail: (a) => `delisted (exchange ${str(a, "exchange")})` },
  TradeRecorded: { kind: "traded", detail: (a) => `trade ${str(a, "tradeId")} recorded${str(a, "licenseId") === "0" ? " (holding right)" : ` (licence ${str(a, "licenseId")})`}` },
  GradeConfirmed: { kind: "compliance", detail: () => "grade confirmed by the regulator" },
  CrossBorderCleared: { kind: "compliance", detail: (a) => `cross-border clearance for ${str(a, "recipient")}` },
  CrossBorderRevoked: { kind: "compliance", detail: (a) => `cross-border clearance for ${str(a, "recipient")} revoked`, licence: "assetLevel" },
  SandboxApproved: { kind: "compliance", detail: () => "sandbox delivery approved" },
  SandboxRevoked: { kind: "compliance", detail: () => "sandbox approval revoked" },
};

/** Topic position (1..3) of the id the rule keys on, for an event fragment; null if not indexed there. */
function idTopic(f: EventFragment, idName: string): 1 | 2 | 3 | null {
  let topic = 0;
  for (const input of f.inputs) {
    if (!input.indexed) continue;
    topic += 1;
    if (input.name === idName) return topic as 1 | 2 | 3;
  }
  return null;
}

interface Plan {
  /** topic position → topic0 hashes whose event carries the id there. */
  byTopic: Map<1 | 2 | 3, Set<string>>;
  /** topic0 → (interface, rule). */
  decode: Map<string, { iface: Interface; rule: EventRule }>;
}

const planCache = new Map<string, Plan>();

/** Which topic0s to ask for, per position, for an asset (id names `assetId`/`tokenId`) or a licence (`licenseId`). */
function planFor(target: "asset" | "licence"): Plan {
  const cached = planCache.get(target);
  if (cached) return cached;
  const plan: Plan = { byTopic: new Map(), decode: new Map() };
  for (const key of LEDGER_KEYS) {
    const iface = new Interface(LEDGER_ABIS[key]);
    iface.forEachEvent((f) => {
      const rule = RULES[f.name];
      if (!rule) return;
      if (target === "licence" && rule.licence === undefined) return;
      const idName = target === "licence" && rule.licence === "byLicenceId" ? "licenseId" : f.name === "Transfer" ? "tokenId" : "assetId";
      const t = idTopic(f, idName);
      if (t === null) return;
      const set = plan.byTopic.get(t) ?? new Set<string>();
      set.add(f.topicHash);
      plan.byTopic.set(t, set);
      plan.decode.set(`${f.topicHash}:${t}`, { iface, rule });
    });
  }
  planCache.set(target, plan);
  return plan;
}

export interface LogQuery {
  method: "eth_getLogs";
  params: [{ address: string[]; fromBlock: string; toBlock: string; topics: (string | string[] | null)[] }];
}

/** The contracts whose logs are read: every ledger contract of the trusted deployment. */
function ledgerAddresses(deployment: Deployment): string[] {
  return LEDGER_KEYS.filter((k: LedgerKey) => k !== "manager").map((k) => deployment.addresses[k]);
}

/**
 * The eth_getLogs calls (one per topic position) for the changes after `anchorBlock` up to
 * `headBlock`, to be sent in one batch. Empty when the head is the anchor block.
 */
export function changeQueries(deployment: Deployment, target: { assetId: bigint; licenceId?: bigint }, anchorBlock: number, headBlock: number): LogQuery[] {
  if (headBlock <= anchorBlock) return [];
  const out: LogQuery[] = [];
  const address = ledgerAddresses(deployment);
  const range = { fromBlock: toBeHex(anchorBlock + 1), toBlock: toBeHex(headBlock) };
  const add = (plan: Plan, id: bigint) => {
    const idTopicValue = zeroPadValue(toBeHex(id), 32);
    for (const [pos, sigs] of [...plan.byTopic.entries()].sort((a, b) => a[0] - b[0])) {
      const topics: (string | string[] | null)[] = [[...sigs].sort()];
      for (let i = 1; i < pos; i++) topics.push(null);
      topics.push(idTopicValue);
      out.push({ method: "eth_getLogs", params: [{ address, ...range, topics }] });
    }
  };
  if (target.licenceId === undefined) add(planFor("asset"), target.assetId);
  else {
    add(planFor("licence"), target.licenceId);
    // Asset-level events that matter to a licensee (cancellation, freeze, regrade, transfer of the asset).
    const assetPlan = planFor("asset");
    const assetLevel: Plan = { byTopic: new Map(), decode: assetPlan.decode };
    for (const [pos, sigs] of assetPlan.byTopic) {
      const keep = [...sigs].filter((s) => assetPlan.decode.get(`${s}:${pos}`)?.rule.licence === "assetLevel");
      if (keep.length > 0) assetLevel.byTopic.set(pos, new Set(keep));
    }
    add(assetLevel, target.assetId);
  }
  return out;
}

/** Decodes the logs the queries answered into changes, in chain order, mint/burn `Transfer`s left out (the cancellation says it). */
export function changesFromLogs(logs: readonly RawLog[]): Change[] {
  const seen = new Set<string>();
  const rows: { change: Change; order: [number, number] }[] = [];
  for (const log of logs) {
    if (log.removed === true) continue;
    const key = `${log.transactionHash}:${log.logIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const topic0 = log.topics[0] ?? "";
    let found: { iface: Interface; rule: EventRule } | undefined;
    for (const pos of [1, 2, 3]) {
      found = planFor("asset").decode.get(`${topic0}:${pos}`) ?? planFor("licence").decode.get(`${topic0}:${pos}`);
      if (found) break;
    }
    if (!found) continue;
    let parsed: LogDescription | null;
    try {
      parsed = found.iface.parseLog({ topics: log.topics, data: log.data });
    } catch {
      parsed = null;
    }
    if (!parsed) continue;
    if (parsed.name === "Transfer") {
      const zero = "0x0000000000000000000000000000000000000000";
      if (str(parsed.args, "from") === zero || str(parsed.args, "to") === zero) continue;
    }
    rows.push({
      change: { kind: found.rule.kind, event: parsed.name, blockNumber: Number(log.blockNumber), txHash: log.transactionHash.toLowerCase(), detail: found.rule.detail(parsed.args) },
      order: [Number(log.blockNumber), Number(log.logIndex)],
    });
  }
  rows.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  // One entry per kind per transaction: a court's transfer order emits TransferOrdered,
  // ForcedTransfer and Transfer for one move, and that is one change with their details.
  const merged = new Map<string, Change>();
  for (const { change } of rows) {
    const key = `${change.txHash}:${change.kind}`;
    const prev = merged.get(key);
    if (!prev) merged.set(key, { ...change });
    else if (!prev.event.split(", ").includes(change.event)) merged.set(key, { ...prev, event: `${prev.event}, ${change.event}`, detail: `${prev.detail}; ${change.detail}` });
  }
  return [...merged.values()];
}

/**
 * An expiry since the anchor: the validity (unix seconds) had not passed at the anchor block's
 * time but has at the head's. No transaction makes it: the change names the head block.
 */
export function expiryChange(what: "asset" | "licence", validUntil: number | null, anchorTime: number, head: { number: number; timestamp: number }): Change | null {
  if (validUntil === null || validUntil <= 0) return null;
  if (anchorTime > validUntil || head.timestamp <= validUntil) return null;
  return {
    kind: "expired",
    event: "validUntil",
    blockNumber: head.number,
    txHash: null,
    detail: `the ${what === "asset" ? "registration's validity" : "licence's term"} ended at ${new Date(validUntil * 1000).toISOString()} (seen expired at block ${head.number})`,
  };
}
