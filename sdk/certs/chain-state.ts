/**
 * Everything a certificate claims, read from the chain AT ONE BLOCK, over JSON-RPC (ChainRpc).
 *
 * - What the contracts store is read with eth_call at that block tag (batched: one HTTP request
 *   per round, two or three rounds per certificate).
 * - What lives only in events (name, kind, form, source, parents: the `AssetApplied` log; the
 *   confirming registrar: `AssetRegistered`; a licence's scope, terms and fee: `LicenseGranted`)
 *   and the lists the contracts cannot enumerate at a block (an asset's licences, valuations,
 *   admitted objections, court cases) are read from logs filtered by the indexed asset id, from
 *   the deployment block up to the anchor block, and each item found is then confirmed with an
 *   eth_call at the block (a licence's state, an objection's status, a hold's court).
 * - Every read is bounded: log ranges are split into windows of `logWindow` blocks, and a list
 *   longer than `maxItems` is refused (ChainStateError) rather than read without end.
 *
 * Browser-compatible: ethers Interface for ABI coding, ChainRpc for transport, no node: imports.
 */
import { Interface, ZeroAddress, ZeroHash, getAddress, toUtf8String, type Result } from "ethers";
import { LEDGER_ABIS } from "../ledger/abis";
import type { Deployment } from "../ledger/deployment-schema";
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
  SECURITY_GRADE,
  SOURCE_TYPE,
  TERRITORY,
  VALUATION_METHOD,
  enumName,
  rightsOf,
} from "../api/enums";
import { ChainRpc, blockTag, type RpcCall, type RpcOutcome } from "./rpc";
import type {
  Anchor,
  AnchorContracts,
  AssetSubject,
  Encumbrances,
  First,
  Hold,
  LicenceAnchor,
  LicenceSubject,
  LicenceSummary,
  Objection,
  Party,
  Pledge,
  Valuation,
} from "./schema";

/** The deployment a certificate is read from: chain id, deploy block and addresses (sdk/ledger/deployment). */
export type CertDeployment = Pick<Deployment, "chainId" | "deployBlock" | "addresses">;

/** The chain cannot give what a certificate needs: unknown asset, block beyond head, wrong chain, too long a list. */
export class ChainStateError extends Error {
  constructor(
    readonly code: "notFound" | "notRegistered" | "blockNotFound" | "notDeployed" | "wrongChain" | "tooMany" | "badAnswer",
    message: string,
  ) {
    super(message);
    this.name = "ChainStateError";
  }
}

export interface ReadOptions {
  /** Blocks per eth_getLogs window (default 50,000: within what public nodes accept). */
  logWindow?: number;
  /** Most items in any one list (licences, valuations, objections, cases; default 500). */
  maxItems?: number;
}

const iface = {
  manager: new Interface(LEDGER_ABIS.manager),
  members: new Interface(LEDGER_ABIS.members),
  registry: new Interface(LEDGER_ABIS.registry),
  office: new Interface(LEDGER_ABIS.office),
  licenses: new Interface(LEDGER_ABIS.licenses),
  milestones: new Interface(LEDGER_ABIS.milestones),
  disputes: new Interface(LEDGER_ABIS.disputes),
  valuations: new Interface(LEDGER_ABIS.valuations),
  pledges: new Interface(LEDGER_ABIS.pledges),
  evidence: new Interface(LEDGER_ABIS.evidence),
};
type IfaceKey = keyof typeof iface;

/** REGISTRAR in contracts/access/Roles.sol. */
export const REGISTRAR_ROLE = 1n;

// ─── Low-level: calls and logs at a block ───────────────────────────────────────────────

interface PendingCall {
  key: IfaceKey;
  fn: string;
  args: readonly unknown[];
}

/** ABI-encoded eth_call at `tag` for contract `key` of the deployment. */
function ethCall(d: CertDeployment, c: PendingCall, tag: string): RpcCall {
  return { method: "eth_call", params: [{ to: d.addresses[c.key], data: iface[c.key].encodeFunctionData(c.fn, c.args) }, tag] };
}

function decode(c: PendingCall, raw: unknown): Result {
  if (typeof raw !== "string") throw new ChainStateError("badAnswer", `${c.key}.${c.fn}: the node's answer is not hex`);
  // An empty answer: no code at the address at that block (before the deployment, or another chain).
  if (raw === "0x") throw new ChainStateError("notDeployed", `no ${c.key} contract at its deployment address at that block`);
  try {
    return iface[c.key].decodeFunctionResult(c.fn, raw);
  } catch {
    throw new ChainStateError("badAnswer", `${c.key}.${c.fn}: the answer does not decode (is ${c.key} deployed at that block?)`);
  }
}

/** Runs eth_calls in one batch; a revert gives `undefined` where `allowRevert`, else throws. */
async function callAll(rpc: ChainRpc, d: CertDeployment, calls: readonly PendingCall[], tag: string, allowRevert: ReadonlySet<number> = new Set()): Promise<(Result | undefined)[]> {
  const out = await rpc.batchSettled(calls.map((c) => ethCall(d, c, tag)));
  return out.map((o, i) => {
    const c = calls[i]!;
    if (!o.ok) {
      if (allowRevert.has(i)) return undefined;
      throw new ChainStateError("badAnswer", `${c.key}.${c.fn} reverted at block ${tag}: ${o.error.rpcMessage}`);
    }
    return decode(c, o.result);
  });
}

/** A stored licence's terms, its packed flags decoded in one place (bit 0 territory, 1 sublicensable, 3 revocable). */
function licenceTermsOf(l: Result): Pick<LicenceSummary, "parentId" | "rights" | "territory" | "start" | "end" | "sublicensable" | "revocable"> {
  const flags = num(l.flags);
  return {
    parentId: dec(l.parentId),
    rights: rightsOf(num(l.rights)),
    territory: enumName(TERRITORY, flags & 1),
    start: num(l.start),
    end: num(l.end),
    sublicensable: (flags & 2) !== 0,
    revocable: (flags & 8) !== 0,
  };
}

export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  removed?: boolean;
}

interface LogQuery {
  key: IfaceKey;
  event: string;
  /** Topics after the event's own, null for any. */
  topics: (string | null)[];
}

function topicOfId(id: bigint): string {
  return `0x${id.toString(16).padStart(64, "0")}`;
}

/** The log windows of [from, to] (inclusive), each at most `window` blocks. */
function windows(from: number, to: number, window: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = from; a <= to; a += window) out.push([a, Math.min(to, a + window - 1)]);
  return out;
}

/** The eth_getLogs calls of several queries over the windows (query-major order). */
function logCalls(d: CertDeployment, queries: readonly LogQuery[], ws: readonly [number, number][]): RpcCall[] {
  const calls: RpcCall[] = [];
  for (const q of queries) {
    const ev = iface[q.key].getEvent(q.event);
    if (!ev) throw new Error(`no event ${q.event} in ${q.key}`);
    for (const [a, b] of ws) {
      calls.push({ method: "eth_getLogs", params: [{ address: d.addresses[q.key], topics: [ev.topicHash, ...q.topics], fromBlock: blockTag(a), toBlock: blockTag(b) }] });
    }
  }
  return calls;
}

function resultOf(o: RpcOutcome, what: string): unknown {
  if (!o.ok) throw new ChainStateError("badAnswer", `${what} failed: ${o.error.rpcMessage}`);
  return o.result;
}

/** Each query's logs (not removed) in chain order, from the answers of logCalls. */
function splitLogs(answers: readonly RpcOutcome[], queries: number, windowCount: number): RawLog[][] {
  const out: RawLog[][] = [];
  for (let qi = 0; qi < queries; qi++) {
    const logs: RawLog[] = [];
    for (let wi = 0; wi < windowCount; wi++) {
      const a = resultOf(answers[qi * windowCount + wi]!, "eth_getLogs");
      if (!Array.isArray(a)) throw new ChainStateError("badAnswer", "eth_getLogs: the answer is not a list");
      for (const l of a as RawLog[]) if (!l.removed) logs.push(l);
    }
    out.push(logs.sort((x, y) => Number(BigInt(x.blockNumber) - BigInt(y.blockNumber)) || Number(BigInt(x.logIndex) - BigInt(y.logIndex))));
  }
  return out;
}

function parseLog(key: IfaceKey, log: RawLog): Result {
  const parsed = iface[key].parseLog({ topics: log.topics, data: log.data });
  if (!parsed) throw new ChainStateError("badAnswer", `a ${key} log does not decode`);
  return parsed.args;
}

// ─── Small conversions ──────────────────────────────────────────────────────────────────

const num = (v: unknown): number => Number(v as bigint);
const dec = (v: unknown): string => (v as bigint).toString();
const addr = (v: unknown): string => getAddress(String(v));
const hash = (v: unknown): string => String(v).toLowerCase();

/** bytes3 currency → "CNY" ("" for zero bytes). */
function currency(v: unknown): string {
  const hex = String(v).replace(/^0x/, "");
  if (/^0*$/.test(hex)) return "";
  return toUtf8String(`0x${hex}`).replace(/\0+$/, "");
}

function limit<T>(list: T[], what: string, max: number): T[] {
  if (list.length > max) throw new ChainStateError("tooMany", `${what}: ${list.length} items, more than the ${max} a certificate lists`);
  return list;
}

/** The anchor's contract addresses from the deployment. */
export function anchorContracts(d: CertDeployment): AnchorContracts {
  const a = d.addresses;
  return {
    manager: addr(a.manager),
    members: addr(a.members),
    registry: addr(a.registry),
    office: addr(a.office),
    licenses: addr(a.licenses),
    milestones: addr(a.milestones),
    disputes: addr(a.disputes),
    valuations: addr(a.valuations),
    pledges: addr(a.pledges),
    evidence: addr(a.evidence),
  };
}

// ─── Blocks ─────────────────────────────────────────────────────────────────────────────

export interface BlockRef {
  number: number;
  hash: string;
  timestamp: number;
}

function blockOf(raw: unknown, n: number): BlockRef {
  const b = raw as { number?: string; hash?: string; timestamp?: string } | null;
  if (!b || typeof b.hash !== "string" || typeof b.timestamp !== "string") throw new ChainStateError("blockNotFound", `block ${n} is not on the chain (beyond its head?)`);
  return { number: n, hash: b.hash.toLowerCase(), timestamp: Number(BigInt(b.timestamp)) };
}

/** The block at `n` (hash, timestamp); ChainStateError blockNotFound beyond the head. */
export async function readBlock(rpc: ChainRpc, n: number): Promise<BlockRef> {
  return blockOf(await rpc.request("eth_getBlockByNumber", [blockTag(n), false]), n);
}

// ─── Members ────────────────────────────────────────────────────────────────────────────

function partyOf(address: string, m: Result | undefined): Party {
  const rec = m?.[0] as Result | undefined;
  return {
    address: addr(address),
    memberName: rec ? String(rec.name) : "",
    orgIdHash: rec ? hash(rec.orgIdHash) : ZeroHash,
    memberStatus: enumName(MEMBER_STATUS, rec ? num(rec.status) : 0),
  };
}

// ─── The asset ──────────────────────────────────────────────────────────────────────────

export interface AssetChainState {
  /** The anchor block (number, hash, timestamp). */
  block: BlockRef;
  /** The complete credentialSubject (anchor included). */
  subject: AssetSubject;
}

/**
 * Reads an asset's certificate subject (and anchor) at `atBlock`. The asset must be registered
 * there (ChainStateError notFound / notRegistered otherwise).
 */
export async function readAssetState(rpc: ChainRpc, d: CertDeployment, assetId: bigint, atBlock: number, opts: ReadOptions = {}): Promise<AssetChainState> {
  const tag = blockTag(atBlock);
  const window = opts.logWindow ?? 50_000;
  const max = opts.maxItems ?? 500;
  const idTopic = topicOfId(assetId);

  // Round 1: the block, the chain id, the stored record and the logs, in one HTTP request each.
  const storeCalls: PendingCall[] = [
    { key: "registry", fn: "recordOf", args: [assetId] },
    { key: "registry", fn: "registrationOf", args: [assetId] },
    { key: "registry", fn: "registrationNumber", args: [assetId] },
    { key: "registry", fn: "metadataOf", args: [assetId] },
    { key: "pledges", fn: "activePledgeOf", args: [assetId] },
    ...MILESTONE.map((_, k) => ({ key: "milestones" as const, fn: "milestoneOf", args: [assetId, k] })),
  ];
  const logQueries: LogQuery[] = [
    { key: "office", event: "AssetApplied", topics: [idTopic] },
    { key: "registry", event: "AssetRegistered", topics: [idTopic] },
    { key: "registry", event: "Transfer", topics: [null, null, idTopic] },
    { key: "licenses", event: "LicenseGranted", topics: [null, idTopic] },
    { key: "valuations", event: "ValuationRecorded", topics: [null, idTopic] },
    { key: "disputes", event: "ObjectionAdmitted", topics: [null, idTopic] },
    { key: "disputes", event: "AssetFrozenByCourt", topics: [idTopic] },
  ];
  const ws = windows(d.deployBlock, atBlock, window);
  const round1: RpcCall[] = [
    { method: "eth_chainId", params: [] },
    { method: "eth_getBlockByNumber", params: [tag, false] },
    ...storeCalls.map((c) => ethCall(d, c, tag)),
    ...logCalls(d, logQueries, ws),
  ];
  const out = await rpc.batchSettled(round1);
  const chainId = Number(BigInt(String(resultOf(out[0]!, "eth_chainId"))));
  if (chainId !== d.chainId) throw new ChainStateError("wrongChain", `the node is chain ${chainId}, the deployment is chain ${d.chainId}`);
  // The block first: beyond the head, the calls at that tag fail too, and this is the reason to give.
  const block = blockOf(resultOf(out[1]!, "eth_getBlockByNumber"), atBlock);
  const stored = storeCalls.map((c, i) => {
    const o = out[2 + i]!;
    if (!o.ok) {
      if (c.fn === "registrationNumber") return undefined;
      throw new ChainStateError("badAnswer", `${c.key}.${c.fn} reverted at block ${atBlock}: ${o.error.rpcMessage}`);
    }
    return decode(c, o.result);
  });
  const logs = splitLogs(out.slice(2 + storeCalls.length), logQueries.length, ws.length);
  const [applied, registered, transfers, granted, valued, admitted, frozen] = logs as [RawLog[], RawLog[], RawLog[], RawLog[], RawLog[], RawLog[], RawLog[]];

  const rec = stored[0]![0] as Result;
  const status = enumName(ASSET_STATUS, num(rec.status));
  if (status === "none" || applied.length === 0) throw new ChainStateError("notFound", `asset ${assetId} does not exist at block ${atBlock}`);
  if (status !== "registered") throw new ChainStateError("notRegistered", `asset ${assetId} is ${status} at block ${atBlock}, not registered`);
  const regFacts = stored[1]![0] as Result;
  const registrationNumber = String(stored[2]?.[0] ?? "");
  const meta = stored[3]!;
  const activePledge = stored[4]![0] as bigint;
  const milestoneRecs = stored.slice(5).map((r) => r![0] as Result);

  const app = parseLog("office", applied[0]!).application as Result;
  const regLog = registered[registered.length - 1];
  const regArgs = regLog ? parseLog("registry", regLog) : undefined;
  const lastTransfer = transfers[transfers.length - 1];
  const holder = addr(rec.holder);

  const licenceIds = limit([...new Set(granted.map((l) => BigInt(l.topics[1]!)))], "licences", max);
  const valuationIds = limit([...new Set(valued.map((l) => BigInt(l.topics[1]!)))], "valuations", max);
  const objectionIds = limit([...new Set(admitted.map((l) => BigInt(l.topics[1]!)))], "admitted objections", max);
  const caseHashes = limit([...new Set(frozen.map((l) => l.topics[2]!.toLowerCase()))], "court cases", max);

  // Round 2: what the lists point at, confirmed at the block.
  const round2: PendingCall[] = [{ key: "members", fn: "memberOf", args: [holder] }];
  const at = (fn: string, key: IfaceKey, args: unknown[]) => round2.push({ key, fn, args }) - 1;
  const licIdx = licenceIds.map((id) => [at("licenseOf", "licenses", [id]), at("stateOf", "licenses", [id]), at("partiesOf", "licenses", [id])] as const);
  const valIdx = valuationIds.map((id) => at("valuationOf", "valuations", [id]));
  const objIdx = objectionIds.map((id) => at("objectionOf", "disputes", [id]));
  const holdIdx = caseHashes.map((c) => at("holdOf", "disputes", [assetId, c]));
  const pledgeIdx = activePledge !== 0n ? at("pledgeOf", "pledges", [activePledge]) : -1;
  const r2 = await callAll(rpc, d, round2, tag);
  const get = (i: number): Result => r2[i]!;

  const licences: LicenceSummary[] = [];
  licIdx.forEach(([li, si, pi], k) => {
    const l = get(li)[0] as Result;
    const state = enumName(LICENSE_STATE, num(get(si)[0]));
    if (state !== "active") return;
    licences.push({ licenceId: dec(licenceIds[k]), licensee: addr(l.licensee), licensor: addr(get(pi)[1]), ...licenceTermsOf(l), state });
  });

  const valuations: Valuation[] = valIdx.map((i, k) => {
    const v = get(i)[0] as Result;
    return {
      valuationId: dec(valuationIds[k]),
      evaluator: addr(v.evaluator),
      method: enumName(VALUATION_METHOD, num(v.method)),
      value: dec(v.value),
      currency: currency(v.currency),
      valuationDate: num(v.valuationDate),
      reportHash: hash(v.reportHash),
    };
  });

  const objections: Objection[] = [];
  objIdx.forEach((i, k) => {
    const o = get(i)[0] as Result;
    // Open (status 1) and admitted: what makes the asset disputed at the block.
    if (num(o.status) !== 1 || !o.admitted) return;
    objections.push({ objectionId: dec(objectionIds[k]), claimant: addr(o.claimant), evidenceHash: hash(o.evidenceHash), filedAt: num(o.filedAt) });
  });

  const holds: Hold[] = [];
  holdIdx.forEach((i, k) => {
    const court = addr(get(i)[0]);
    if (court !== ZeroAddress) holds.push({ caseHash: caseHashes[k]!, court });
  });

  const pledges: Pledge[] = [];
  if (pledgeIdx >= 0) {
    const p = get(pledgeIdx)[0] as Result;
    pledges.push({
      pledgeId: dec(activePledge),
      pledgor: addr(p.pledgor),
      pledgee: addr(p.pledgee),
      securedAmount: dec(p.securedAmount),
      currency: currency(p.currency),
      dueDate: num(p.dueDate),
      registryRefHash: hash(p.registryRefHash),
      status: enumName(PLEDGE_STATUS, num(p.status)),
    });
  }

  const firsts: First[] = [];
  milestoneRecs.forEach((m, k) => {
    if (!m.set) return;
    const registration = k === 0;
    firsts.push({
      kind: MILESTONE[k]!,
      // Result.at is Array.prototype.at: read the field by position (attester, at, detail, ...).
      at: num(m[1]),
      // The registration first keeps attester and enterprise in AssetRegistered (registrar, holder).
      attester: registration && regArgs ? addr(regArgs.registrar) : addr(m.attester),
      enterprise: registration && regArgs ? addr(regArgs.holder) : addr(m.enterprise),
      evidenceHash: hash(m.evidenceHash),
      detail: num(m.detail),
      annulled: Boolean(m.annulled),
    });
  });

  const encumbrances: Encumbrances = { pledges, objections, holds };
  const validUntil = num(rec.validUntil);
  const anchor: Anchor = {
    chainId,
    contracts: anchorContracts(d),
    blockNumber: atBlock,
    blockHash: block.hash,
    blockTime: block.timestamp,
    registrationTx: hash(applied[0]!.transactionHash),
    confirmationTx: regLog ? hash(regLog.transactionHash) : ZeroHash,
    holderChangeTx: lastTransfer ? hash(lastTransfer.transactionHash) : ZeroHash,
  };
  const subject: AssetSubject = {
    id: `urn:drl:asset:eip155:${chainId}:${addr(d.addresses.registry)}:${assetId}`,
    type: "DataAsset",
    registrationNumber,
    tokenId: assetId.toString(),
    name: String(app.name),
    kind: enumName(ASSET_KIND, num(app.kind)),
    productForm: enumName(PRODUCT_FORM, num(app.productForm)),
    category: enumName(DATA_CATEGORY, num(rec.category)),
    grade: enumName(SECURITY_GRADE, num(rec.grade)),
    sourceType: enumName(SOURCE_TYPE, num(app.sourceType)),
    personalInfo: enumName(PERSONAL_INFO, num(app.personalInfo)),
    contentHash: hash(app.contentHash),
    sourceEvidenceHash: hash(app.sourceEvidenceHash),
    metadataHash: hash(meta[0]),
    metadataVersion: num(meta[1]),
    parents: (app.parents as bigint[]).map(dec),
    parentLicences: (app.parentLicenses as bigint[]).map(dec),
    rights: rightsOf(num(rec.rights)),
    holder: partyOf(holder, get(0)),
    validity: {
      appliedAt: num(regFacts.appliedAt),
      publicityEnd: num(regFacts.publicityEnd),
      confirmedAt: num(regFacts.confirmedAt),
      validUntil,
      expired: validUntil < block.timestamp,
    },
    state: {
      status,
      frozen: Boolean(rec.frozen),
      pledged: Boolean(rec.pledged),
      disputed: Boolean(rec.disputed),
      objectionsOpen: Boolean(rec.objectionsOpen),
      openLicences: num(regFacts.openLicenses),
    },
    licences,
    firsts,
    valuations,
    encumbrances,
    anchor,
  };
  return { block, subject };
}

// ─── A licence ──────────────────────────────────────────────────────────────────────────

export interface LicenceChainState {
  block: BlockRef;
  subject: LicenceSubject;
}

/** Reads a licence's certificate subject at `atBlock` (the asset must be registered there). */
export async function readLicenceState(rpc: ChainRpc, d: CertDeployment, licenceId: bigint, atBlock: number, opts: ReadOptions = {}): Promise<LicenceChainState> {
  const tag = blockTag(atBlock);
  const calls: PendingCall[] = [
    { key: "licenses", fn: "licenseOf", args: [licenceId] },
    { key: "licenses", fn: "stateOf", args: [licenceId] },
    { key: "licenses", fn: "partiesOf", args: [licenceId] },
  ];
  const ws = windows(d.deployBlock, atBlock, opts.logWindow ?? 50_000);
  const out = await rpc.batchSettled([
    { method: "eth_getBlockByNumber", params: [tag, false] },
    ...calls.map((c) => ethCall(d, c, tag)),
    ...logCalls(d, [{ key: "licenses", event: "LicenseGranted", topics: [topicOfId(licenceId)] }], ws),
  ]);
  blockOf(resultOf(out[0]!, "eth_getBlockByNumber"), atBlock);
  const stored = calls.map((c, i) => decode(c, resultOf(out[1 + i]!, `${c.key}.${c.fn}`)));
  const logs = splitLogs(out.slice(1 + calls.length), 1, ws.length);
  const l = stored[0]![0] as Result;
  if (addr(l.licensee) === ZeroAddress || logs[0]!.length === 0) throw new ChainStateError("notFound", `licence ${licenceId} does not exist at block ${atBlock}`);
  const state = enumName(LICENSE_STATE, num(stored[1]![0]));
  const parties = stored[2]!;
  const assetId = BigInt(parties[0] as bigint);
  const licensor = addr(parties[1]);
  const grantLog = logs[0]![0]!;
  const g = parseLog("licenses", grantLog);
  const terms = g.terms as Result;

  const asset = await readAssetState(rpc, d, assetId, atBlock, opts);
  const [lm, rm] = await callAll(rpc, d, [
    { key: "members", fn: "memberOf", args: [addr(l.licensee)] },
    { key: "members", fn: "memberOf", args: [licensor] },
  ], tag);
  const a = asset.subject;
  const flags = num(l.flags);
  const anchor: LicenceAnchor = { ...a.anchor, grantTx: hash(grantLog.transactionHash) };
  const subject: LicenceSubject = {
    id: `urn:drl:licence:eip155:${a.anchor.chainId}:${addr(d.addresses.licenses)}:${licenceId}`,
    type: "DataLicence",
    licenceId: licenceId.toString(),
    asset: {
      assetId: a.tokenId,
      registrationNumber: a.registrationNumber,
      name: a.name,
      contentHash: a.contentHash,
      rights: a.rights,
      holder: a.holder,
      validUntil: a.validity.validUntil,
      state: a.state,
      encumbrances: a.encumbrances,
    },
    licensee: partyOf(addr(l.licensee), lm),
    licensor: partyOf(licensor, rm),
    ...licenceTermsOf(l),
    depth: (flags >> 5) & 3,
    state,
    scopeHash: hash(terms.scopeHash),
    termsHash: hash(terms.termsHash),
    feeAmount: dec(terms.feeAmount),
    feeCurrency: currency(terms.feeCurrency),
    viaOffer: Boolean(g.viaOffer),
    anchor,
  };
  return { block: asset.block, subject };
}

// ─── Issuer authority and the anchor of a certificate hash ──────────────────────────────

/** Whether `account` held REGISTRAR in the AccessManager at `atBlock` (eth_call at that tag). */
export async function isRegistrarAt(rpc: ChainRpc, d: CertDeployment, account: string, atBlock: number | "latest"): Promise<boolean> {
  const tag = atBlock === "latest" ? "latest" : blockTag(atBlock);
  const [r] = await callAll(rpc, d, [{ key: "manager", fn: "hasRole", args: [REGISTRAR_ROLE, account] }], tag);
  return Boolean(r![0]);
}

export interface AnchorRecord {
  anchoredAt: number;
  itemCount: number;
  revoked: boolean;
}

/** EvidenceAnchor.anchorOf(anchorer, root) at a block (anchoredAt 0: not anchored). */
export async function evidenceAnchorOf(rpc: ChainRpc, d: CertDeployment, anchorer: string, root: string, atBlock: number | "latest" = "latest"): Promise<AnchorRecord> {
  const tag = atBlock === "latest" ? "latest" : blockTag(atBlock);
  const [r] = await callAll(rpc, d, [{ key: "evidence", fn: "anchorOf", args: [anchorer, root] }], tag);
  const a = r![0] as Result;
  return { anchoredAt: num(a.anchoredAt), itemCount: num(a.itemCount), revoked: Boolean(a.revoked) };
}

/** Encodes an eth_call (for callers that batch their own reads, e.g. the verifier). */
export function encodeLedgerCall(d: CertDeployment, key: IfaceKey, fn: string, args: readonly unknown[], atBlock: number | "latest"): RpcCall {
  return ethCall(d, { key, fn, args }, atBlock === "latest" ? "latest" : blockTag(atBlock));
}

/** Decodes the answer of an encodeLedgerCall. */
export function decodeLedgerResult(key: IfaceKey, fn: string, raw: unknown): Result {
  return decode({ key, fn, args: [] }, raw);
}

export type LedgerInterfaceKey = IfaceKey;
