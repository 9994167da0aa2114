/**
 * The read side: builds the API's responses (sdk/api/schemas.ts) from one store snapshot.
 * Every answer carries `asOfBlock`, the checkpoint of that snapshot.
 */
import { keccak256, AbiCoder, concat } from "ethers";
import { checksumAddress as getAddress } from "../../sdk/address";
import { rightsOf } from "../../sdk/api/enums";
import { isoTimes } from "../../sdk/evidence/times";
import type {
  Asset,
  AssetLicenses,
  AssetList,
  AssetResponse,
  AssetsQuery,
  Evidence,
  HolderAt,
  License,
  Lineage,
  Member,
  MemberLicenses,
  MemberMilestones,
  Pledge,
  TradabilityQuery,
} from "../../sdk/api/schemas";
import { K, idFromKey, padId, prefixEnd } from "../store/keys";
import type {
  StoredAnchor,
  StoredAsset,
  StoredClearance,
  StoredDeidentification,
  StoredEvidenceRef,
  StoredHolder,
  StoredLicense,
  StoredMember,
  StoredMilestone,
  StoredModules,
  StoredPledge,
  StoredSandbox,
} from "../store/records";
import {
  byteOrder,
  liveListing,
  lookupOf,
  fieldTerms,
  matchesTerms,
  modulesOf,
  searchFields,
  termsOf,
  tokensOfTerms,
  timeValue,
  type IndexedField,
  type Term,
} from "../store/schema";
import type { Checkpoint, Reader } from "../store/store";
import { tradabilityReasons, type Failure } from "./tradability";

/** A cursor that does not come from this API (HTTP 400 on `cursor`). */
export class BadCursorError extends Error {
  constructor() {
    super("is not a cursor from a previous page");
    this.name = "BadCursorError";
  }
}

/** Lineage answers stop at this many nodes, or after this many child links read (`truncated`). */
const MAX_LINEAGE_NODES = 500;
const MAX_LINEAGE_LINKS = 2_000;
/** Anchors of one root, and events citing one hash, listed at most (`anchorsTruncated`, `referencesTruncated`). */
const MAX_EVIDENCE_ITEMS = 200;

export function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, prefix: string): string {
  const key = Buffer.from(cursor, "base64url").toString("utf8");
  if (!key.startsWith(prefix) || key.length > 200) throw new BadCursorError();
  return key;
}

type Party = { address: string; name: string | null };

export class Queries {
  private modulesRead: Promise<StoredModules> | null = null;

  /**
   * @param defaultModules the deployment's compliance and licence modules, in force until the
   *   registry's first ModulesSet.
   */
  constructor(
    private readonly r: Reader,
    readonly cp: Checkpoint,
    private readonly defaultModules: StoredModules,
    /** Keys a list request may examine (MAX_EXAMINED; smaller in tests of the bound). */
    private readonly maxExamined: number = MAX_EXAMINED,
  ) {}

  /** The registry's compliance and licence modules at this commit. */
  modules(): Promise<StoredModules> {
    this.modulesRead ??= modulesOf(this.r, this.defaultModules);
    return this.modulesRead;
  }

  get asOfBlock(): number {
    return this.cp.number;
  }

  /** The asset a `:ref` names (token id, registration number or content hash), if any. */
  async resolve(ref: string): Promise<StoredAsset | undefined> {
    if (/^\d+$/.test(ref)) return this.storedAsset(BigInt(ref).toString());
    const id = ref.startsWith("DR-") ? await this.r.get<string>(K.byRegistrationNumber(ref)) : await this.r.get<string>(K.byContentHash(ref));
    return id ? this.storedAsset(id) : undefined;
  }

  async storedAsset(id: string): Promise<StoredAsset | undefined> {
    return this.r.get<StoredAsset>(K.asset(id));
  }

  private async parties(addresses: (string | null)[]): Promise<Map<string, Party>> {
    const unique = [...new Set(addresses.filter((a): a is string => a !== null).map((a) => a.toLowerCase()))];
    const members = await this.r.getMany<StoredMember>(unique.map((a) => K.member(a)));
    const out = new Map<string, Party>();
    unique.forEach((a, i) => out.set(a, { address: getAddress(a), name: members[i]?.name ?? null }));
    return out;
  }

  async asset(id: string): Promise<AssetResponse | null> {
    const a = await this.storedAsset(id);
    if (!a) return null;
    const { compliance } = await this.modules();
    const [names, clearances, sandbox, deid, pledges] = await Promise.all([
      this.parties([a.holder, a.applicant]),
      this.r.entries<StoredClearance>(K.clearancePrefix(compliance, id)),
      this.r.get<StoredSandbox>(K.sandbox(compliance, id)),
      this.r.get<StoredDeidentification>(K.deidentification(compliance, a.applicant, a.contentHash)),
      this.pledgesOf(id),
    ]);
    const party = (addr: string): Party => names.get(addr.toLowerCase()) ?? { address: addr, name: null };
    const { rightsBits, listing, ...rest } = a;
    const asset: Asset = {
      ...rest,
      status: a.status as Asset["status"],
      kind: a.kind as Asset["kind"],
      productForm: a.productForm as Asset["productForm"],
      category: a.category as Asset["category"],
      sourceType: a.sourceType as Asset["sourceType"],
      grade: a.grade as Asset["grade"],
      personalInfo: a.personalInfo as Asset["personalInfo"],
      registrantType: a.registrantType as Asset["registrantType"],
      milestones: a.milestones as Asset["milestones"],
      annulledMilestones: a.annulledMilestones as Asset["annulledMilestones"],
      holder: a.holder ? party(a.holder) : null,
      applicant: party(a.applicant),
      rights: rightsOf(rightsBits),
      openObjections: a.objections.length,
      admittedObjections: a.objections.filter((o) => o.admitted !== null).length,
      pledges,
      expired: a.status === "registered" && a.validUntil < this.cp.timestamp,
      // A listing lapses when the holder changes (TradeDesk.liveListingOf).
      listing: listing ? { ...listing, live: liveListing(a) } : null,
      crossBorderClearances: clearances.map(([, c]) => ({ ...c, mechanism: c.mechanism as Asset["crossBorderClearances"][number]["mechanism"] })),
      sandboxApproval: sandbox ?? null,
      deidentificationReview: deid ?? null,
    };
    return { ...asset, asOfBlock: this.asOfBlock };
  }

  private async pledgesOf(assetId: string): Promise<Pledge[]> {
    const ids = (await this.r.keys(K.assetPledgePrefix(assetId))).map(idFromKey);
    const stored = await this.r.getMany<StoredPledge>(ids.map((p) => K.pledge(p)));
    return stored.filter((p): p is StoredPledge => p !== undefined).map(({ assetId: _asset, ...p }) => ({ ...p, state: p.state as Pledge["state"] }));
  }

  private summary(a: StoredAsset, names: Map<string, Party>): AssetList["items"][number] {
    return {
      id: a.id,
      registrationNumber: a.registrationNumber,
      name: a.name,
      status: a.status as Asset["status"],
      holder: a.holder ? (names.get(a.holder.toLowerCase()) ?? { address: a.holder, name: null }) : null,
      kind: a.kind as Asset["kind"],
      category: a.category as Asset["category"],
      grade: a.grade as Asset["grade"],
      rights: rightsOf(a.rightsBits),
      validUntil: a.validUntil,
      contentHash: a.contentHash,
      metadataUri: a.metadataUri,
    };
  }

  private async summaries(assets: StoredAsset[]): Promise<AssetList["items"]> {
    const names = await this.parties(assets.map((a) => a.holder));
    return assets.map((a) => this.summary(a, names));
  }

  /**
   * `GET /v1/assets`: every filter and query term names a necessary condition, most of them an
   * index (a range of keys in id order). The smallest of them (probed: the first PROBE keys of
   * each) is walked, and every other condition is checked on the record. A request walks at
   * most `maxExamined` keys (after at most MAX_PROBES probes); if it stops there before `limit`
   * matches it says `partial: true` and gives the cursor to go on from.
   */
  async assets(q: AssetsQuery): Promise<AssetList> {
    const plan = assetPlan(q, this.cp.timestamp);
    let source: Source | undefined;
    let after: string | undefined;
    let firstPage: Row[] | undefined;
    if (q.cursor) {
      ({ source, after } = decodeListCursor(q.cursor, plan.sources));
    } else {
      const picked = await this.pick(plan.sources);
      if (picked === null) return this.assetPage([], null, false);
      ({ source, rows: firstPage } = picked);
    }
    const walk = new Walk(this.maxExamined);
    const items: StoredAsset[] = [];
    let lastItem: string | undefined;
    let last: string | undefined;
    // The plan's other exact indexes are necessary conditions too: an id missing from one of
    // them is passed over on a point read of a one-byte key, without reading and parsing its
    // record (the same keys are examined, and the same page answered, only sooner).
    const also = plan.sources.filter((s) => s !== source && isExactIndex(s));
    for await (const row of this.walk(source, after, walk, firstPage)) {
      last = row.key;
      if (also.length > 0 && (await this.r.getMany<unknown>(also.map((s) => s.prefix + padId(row.id)))).includes(undefined)) continue;
      const a = await this.storedAsset(row.id);
      if (!a || !(await this.fits(a, row.key, source, plan))) continue;
      if (items.length === q.limit) return this.assetPage(items, encodeListCursor(plan.sources.indexOf(source), lastItem ?? row.key), false);
      items.push(a);
      lastItem = row.key;
    }
    if (walk.ended || last === undefined) return this.assetPage(items, null, false);
    // Stopped at the bound: go on after the last key examined (none after the last item matched).
    return this.assetPage(items, encodeListCursor(plan.sources.indexOf(source), last), items.length < q.limit);
  }

  private async assetPage(assets: StoredAsset[], cursor: string | null, partial: boolean): Promise<AssetList> {
    return { items: await this.summaries(assets), cursor, nextCursor: cursor, partial, asOfBlock: this.asOfBlock };
  }

  /**
   * The source to walk: the one whose probe found fewest keys (the first, in the plan's order
   * of preference, among those that filled their probe), or null when one has none at all,
   * since every source is a necessary condition. A probe that held its whole source is kept as
   * the walk's first page.
   */
  private async pick(sources: Source[]): Promise<{ source: Source; rows: Row[] | undefined } | null> {
    const [only] = sources;
    if (sources.length === 1 && only) return { source: only, rows: undefined };
    let best: { source: Source; rows: Row[] } | undefined;
    for (const source of sources.slice(0, MAX_PROBES)) {
      const rows = await this.range(source, undefined, PROBE + 1);
      if (rows.length === 0) return null;
      if (!best || rows.length < best.rows.length) best = { source, rows };
    }
    if (!best) return null;
    return { source: best.source, rows: best.rows.length <= PROBE ? best.rows : undefined };
  }

  /** Keys of a source after `after`, in pages, while the walk's bound lasts. */
  private async *walk(source: Source, after: string | undefined, walk: Walk, firstPage: Row[] | undefined): AsyncGenerator<Row> {
    if (firstPage) {
      for (const row of firstPage) {
        if (!walk.take()) return;
        yield row;
      }
      walk.ended = true;
      return;
    }
    let from = after;
    for (;;) {
      const want = Math.min(WALK_PAGE, walk.left);
      if (want <= 0) return;
      const rows = await this.range(source, from, want);
      for (const row of rows) if (walk.take()) yield row;
      if (rows.length < want) {
        walk.ended = true;
        return;
      }
      from = rows.at(-1)?.key;
    }
  }

  /** Up to `limit` keys of a source after `after`, with the asset id each names. */
  private async range(source: Source, after: string | undefined, limit: number): Promise<Row[]> {
    const start = after !== undefined && (source.gte === undefined || after >= source.gte) ? { gt: after } : source.gte !== undefined ? { gte: source.gte } : {};
    const opts = { ...start, ...(source.lt !== undefined ? { lt: source.lt } : {}), limit };
    if (source.idInValue) return (await this.r.entries<string>(source.prefix, opts)).map(([key, id]) => ({ key, id }));
    return (await this.r.keys(source.prefix, opts)).map((key) => ({ key, id: idFromKey(key) }));
  }

  /** Whether an asset found at `key` of `source` meets the whole query (and is counted at this key). */
  private async fits(a: StoredAsset, key: string, source: Source, plan: AssetPlan): Promise<boolean> {
    if (!plan.filters.every((f) => f(a))) return false;
    if (plan.terms.length === 0) return true;
    const holderName = a.holder ? ((await this.r.get<StoredMember>(K.member(a.holder)))?.name ?? null) : null;
    const terms = fieldTerms(searchFields(a, holderName));
    if (!matchesTerms(terms, plan.terms)) return false;
    const prefix = source.tokenPrefix;
    if (prefix === undefined) return true;
    // A prefix range holds an asset once per matching token: count it at the first in key order.
    const token = key.slice(K.textStartingWith("").length, key.lastIndexOf(":"));
    const matching = [...tokensOfTerms(terms)].filter((t) => t.startsWith(prefix));
    return [...matching, token].sort(byteOrder)[0] === token;
  }

  /**
   * A page of the timeline, as JSON text (`History`): the stored events are already the API's
   * items, so they are passed through without being parsed and serialised again.
   */
  async historyJson(id: string, limit: number, cursor: string | undefined): Promise<string> {
    const prefix = K.historyPrefix(id);
    const after = cursor ? decodeCursor(cursor, prefix) : undefined;
    const rows = await this.r.rawEntries(prefix, { ...(after ? { gt: after } : {}), limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor(last[0]) : null;
    const c = JSON.stringify(nextCursor);
    // One range of the asset's events: `limit` + 1 keys examined, never partial.
    return `{"assetId":${JSON.stringify(id)},"items":[${page.map(([, v]) => v).join(",")}],"nextCursor":${c},"cursor":${c},"partial":false,"asOfBlock":${this.asOfBlock}}`;
  }

  /**
   * Ancestors and descendants, breadth first, up to MAX_LINEAGE_NODES nodes and
   * MAX_LINEAGE_LINKS child links read (an asset with a million derivatives is not read whole).
   */
  async lineage(id: string): Promise<Lineage> {
    const nodes = new Map<string, { depth: number; asset: StoredAsset }>();
    const edges = new Map<string, { parent: string; child: string; parentLicense: string }>();
    const root = await this.storedAsset(id);
    if (!root) throw new Error(`asset ${id} vanished`);
    nodes.set(id, { depth: 0, asset: root });
    let truncated = false;
    let links = 0;
    const children = async (a: StoredAsset): Promise<{ id: string; parentLicense: string }[]> => {
      const room = MAX_LINEAGE_LINKS - links;
      const keys = room > 0 ? await this.r.keys(K.childPrefix(a.id), { limit: room + 1 }) : [];
      if (keys.length > room) truncated = true;
      const kept = keys.slice(0, Math.max(room, 0));
      links += kept.length;
      return kept.map((k) => ({ id: idFromKey(k), parentLicense: "" }));
    };
    const walk = async (direction: -1 | 1) => {
      let frontier = [root];
      let depth = 0;
      while (frontier.length > 0 && !truncated) {
        depth += direction;
        const next: StoredAsset[] = [];
        for (const a of frontier) {
          const neighbours: { id: string; parentLicense: string }[] =
            direction < 0
              ? a.parents.map((p, i) => ({ id: p, parentLicense: a.parentLicenses[i] ?? "0" }))
              : await children(a);
          for (const n of neighbours) {
            const child = direction < 0 ? a.id : n.id;
            const parent = direction < 0 ? n.id : a.id;
            if (!nodes.has(n.id)) {
              if (nodes.size >= MAX_LINEAGE_NODES) {
                truncated = true;
                break;
              }
              const na = await this.storedAsset(n.id);
              if (!na) continue;
              nodes.set(n.id, { depth, asset: na });
              next.push(na);
            }
            const childAsset = nodes.get(child)?.asset;
            const idx = childAsset ? childAsset.parents.indexOf(parent) : -1;
            edges.set(`${parent}>${child}`, { parent, child, parentLicense: childAsset?.parentLicenses[idx] ?? n.parentLicense });
          }
        }
        frontier = next;
      }
    };
    await walk(-1);
    await walk(1);
    return {
      assetId: id,
      nodes: [...nodes.entries()].map(([nid, { depth, asset }]) => ({
        id: nid,
        registrationNumber: asset.registrationNumber,
        status: asset.status as Asset["status"],
        depth,
      })),
      edges: [...edges.values()],
      truncated,
      asOfBlock: this.asOfBlock,
    };
  }

  /** Whether a licence needs no clearance (domestic) or its licensee's is in force now. */
  private cleared(l: StoredLicense, clearance: StoredClearance | undefined): boolean {
    return l.territory !== "crossBorder" || (clearance !== undefined && clearance.validUntil >= this.cp.timestamp);
  }

  /** LicenseRegistry.stateOf over the index, at the time of this commit. */
  private async licenseState(l: StoredLicense, chain: StoredLicense[], asset: StoredAsset | undefined): Promise<License["state"]> {
    const now = this.cp.timestamp;
    if (l.revoked) return "revoked";
    if (l.ended) return "ended";
    if (now < l.start) return "notStarted";
    if (now > l.end) return "expired";
    if (!asset || asset.status !== "registered") return "assetNotRegistered";
    const { compliance } = await this.modules();
    const clearanceOf = (x: StoredLicense) =>
      x.territory === "crossBorder" ? this.r.get<StoredClearance>(K.clearance(compliance, l.assetId, x.licensee)) : Promise.resolve(undefined);
    if (asset.grade === "core" || !this.cleared(l, await clearanceOf(l))) return "suspended";
    for (const p of chain) {
      if (p.revoked || p.ended || now < p.start || now > p.end || !this.cleared(p, await clearanceOf(p))) return "parentEnded";
    }
    return "active";
  }

  private async licenseView(l: StoredLicense, knownAsset?: StoredAsset): Promise<License> {
    const chain: StoredLicense[] = [];
    for (let p = l.parentId; p !== null && chain.length < 8; ) {
      const parent = await this.r.get<StoredLicense>(K.license(l.module, p));
      if (!parent) break;
      chain.push(parent);
      p = parent.parentId;
    }
    const asset = knownAsset ?? (await this.storedAsset(l.assetId));
    const names = await this.parties([l.licensor, l.licensee]);
    const party = (a: string): Party => names.get(a.toLowerCase()) ?? { address: a, name: null };
    const { rightsBits, ...rest } = l;
    return {
      ...rest,
      module: getAddress(l.module),
      territory: l.territory as License["territory"],
      licensor: party(l.licensor),
      licensee: party(l.licensee),
      rights: rightsOf(rightsBits),
      ended: l.ended ? { ...l.ended, cause: l.ended.cause as NonNullable<License["ended"]>["cause"] } : null,
      state: await this.licenseState(l, chain, asset),
    };
  }

  /** A licence of the registry's current licence module. */
  async license(id: string): Promise<(License & { asOfBlock: number }) | null> {
    const { licenses } = await this.modules();
    const l = await this.r.get<StoredLicense>(K.license(licenses, id));
    return l ? { ...(await this.licenseView(l)), asOfBlock: this.asOfBlock } : null;
  }

  /** The asset's licences in id order, `limit` at a time (each costs its parent chain's reads). */
  async assetLicenses(id: string, limit: number, cursor: string | undefined): Promise<AssetLicenses> {
    const asset = await this.storedAsset(id);
    const { licenses } = await this.modules();
    const prefix = K.assetLicensePrefix(licenses, id);
    const after = cursor ? decodeCursor(cursor, prefix) : undefined;
    const keys = await this.r.keys(prefix, { ...(after ? { gt: after } : {}), limit: limit + 1 });
    const page = keys.slice(0, limit);
    const last = page.at(-1);
    const next = keys.length > limit && last ? encodeCursor(last) : null;
    const ids = page.map(idFromKey);
    const stored = await this.r.getMany<StoredLicense>(ids.map((i) => K.license(licenses, i)));
    const active: License[] = [];
    const ended: License[] = [];
    for (const l of stored) {
      if (!l) continue;
      const v = await this.licenseView(l, asset);
      (v.state === "active" || v.state === "notStarted" || v.state === "suspended" ? active : ended).push(v);
    }
    return { assetId: id, active, ended, truncated: next !== null, cursor: next, asOfBlock: this.asOfBlock };
  }

  /** The licences granted to `address` as licensee, newest first, `limit` at a time. */
  async memberLicenses(address: string, limit: number, cursor: string | undefined): Promise<MemberLicenses> {
    const { licenses } = await this.modules();
    const prefix = K.licenseeLicensePrefix(licenses, address);
    const before = cursor ? decodeCursor(cursor, prefix) : undefined;
    const keys = await this.r.keys(prefix, { ...(before ? { lt: before } : {}), reverse: true, limit: limit + 1 });
    const page = keys.slice(0, limit);
    const last = page.at(-1);
    const next = keys.length > limit && last ? encodeCursor(last) : null;
    const stored = await this.r.getMany<StoredLicense>(page.map((k) => K.license(licenses, idFromKey(k))));
    const items: License[] = [];
    for (const l of stored) if (l) items.push(await this.licenseView(l));
    return { address: getAddress(address), items, nextCursor: next, cursor: next, partial: false, asOfBlock: this.asOfBlock };
  }

  async holderAt(id: string, atBlock: number): Promise<HolderAt> {
    const prefix = K.holderAtPrefix(id);
    const [row] = await this.r.entries<StoredHolder>(prefix, { lte: K.holderAt(id, atBlock), reverse: true, limit: 1 });
    const h = row?.[1];
    const names = await this.parties([h?.holder ?? null]);
    const holder = h?.holder ? (names.get(h.holder.toLowerCase()) ?? { address: h.holder, name: null }) : null;
    return {
      assetId: id,
      atBlock,
      holder,
      since: h ? { block: h.block, time: h.time, tx: h.tx, logIndex: h.logIndex } : null,
      asOfBlock: this.asOfBlock,
    };
  }

  /** The contracts' pre-trade rule over the index, for the current holder as seller by default. */
  async tradability(
    asset: StoredAsset,
    q: Pick<TradabilityQuery, "buyer" | "rights" | "territory" | "sublicense"> & { seller?: string | undefined },
  ): Promise<{ seller: string | null; failures: Failure[] }> {
    const seller = q.seller ? getAddress(q.seller) : asset.holder;
    const { compliance } = await this.modules();
    const [fromMember, toMember, clearance] = await this.r.getMany<StoredMember | StoredClearance>([
      seller ? K.member(seller) : K.member("0x0"),
      K.member(q.buyer),
      K.clearance(compliance, asset.id, q.buyer),
    ]);
    const failures = tradabilityReasons({
      asset,
      from: seller,
      to: getAddress(q.buyer),
      fromMember: fromMember as StoredMember | undefined,
      toMember: toMember as StoredMember | undefined,
      clearance: clearance as StoredClearance | undefined,
      now: this.cp.timestamp,
      rights: q.rights,
      // A holding transfer is cross-border by its buyer alone; territory concerns licences.
      crossBorder: q.territory === "crossBorder" && q.rights !== "holding",
      sublicense: q.sublicense && q.rights !== "holding",
    });
    return { seller, failures };
  }

  async member(address: string): Promise<Member | null> {
    const m = await this.r.get<StoredMember>(K.member(address));
    return m ? { ...m, memberType: m.memberType as Member["memberType"], jurisdiction: m.jurisdiction as Member["jurisdiction"], asOfBlock: this.asOfBlock } : null;
  }

  /** A member's assets in id order: one index range, so `limit` + 1 keys examined and never partial. */
  async memberAssets(address: string, limit: number, cursor: string | undefined): Promise<AssetList> {
    const prefix = K.indexPrefix("holder", address.toLowerCase());
    const after = cursor ? decodeCursor(cursor, prefix) : undefined;
    const keys = await this.r.keys(prefix, { ...(after ? { gt: after } : {}), limit: limit + 1 });
    const page = keys.slice(0, limit);
    const assets = (await this.r.getMany<StoredAsset>(page.map((k) => K.asset(idFromKey(k))))).filter((a): a is StoredAsset => !!a);
    const last = page.at(-1);
    const next = keys.length > limit && last ? encodeCursor(last) : null;
    return { items: await this.summaries(assets), nextCursor: next, cursor: next, partial: false, asOfBlock: this.asOfBlock };
  }

  async milestones(address: string, from: number | undefined, to: number | undefined, limit: number, cursor: string | undefined): Promise<MemberMilestones> {
    const prefix = K.milestonePrefix(address);
    const after = cursor ? decodeCursor(cursor, prefix) : undefined;
    const lower = K.milestoneAt(address, from ?? 0);
    const upper = to === undefined ? prefixEnd(prefix) : prefixEnd(K.milestoneAt(address, to));
    const range = after && after >= lower ? { gt: after, lt: upper } : { gte: lower, lt: upper };
    const rows = await this.r.entries<StoredMilestone>(prefix, { ...range, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const next = rows.length > limit && last ? encodeCursor(last[0]) : null;
    return {
      address: getAddress(address),
      from: from ?? null,
      to: to ?? null,
      items: page.map(([, m]) => ({ ...m, kind: m.kind as MemberMilestones["items"][number]["kind"], incentives: m.incentives ?? [] })),
      // One range of the member's firsts: `limit` + 1 keys examined, never partial.
      nextCursor: next,
      cursor: next,
      partial: false,
      asOfBlock: this.asOfBlock,
    };
  }

  /** Every party's anchor of `root` (only `anchorer`'s, if given), the first MAX_EVIDENCE_ITEMS by address. */
  private async anchorsOf(root: string, anchorer: string | undefined): Promise<{ anchors: StoredAnchor[]; truncated: boolean }> {
    if (anchorer !== undefined) {
      const one = await this.r.get<StoredAnchor>(K.evidenceAnchor(root, anchorer));
      return { anchors: one ? [one] : [], truncated: false };
    }
    const rows = await this.r.entries<StoredAnchor>(K.evidenceAnchorPrefix(root), { limit: MAX_EVIDENCE_ITEMS + 1 });
    return { anchors: rows.slice(0, MAX_EVIDENCE_ITEMS).map(([, a]) => a), truncated: rows.length > MAX_EVIDENCE_ITEMS };
  }

  /** The deposit a court is told about: the earliest unrevoked anchor, else the earliest; with block time, member name and revocation. */
  private async depositOf(list: readonly StoredAnchor[]): Promise<Evidence["deposit"]> {
    const order = (a: StoredAnchor, b: StoredAnchor) => a.anchored.block - b.anchored.block || a.anchored.logIndex - b.anchored.logIndex;
    const sorted = [...list].sort(order);
    const a = sorted.find((x) => x.revoked === null) ?? sorted[0];
    if (a === undefined) return null;
    const name = (await this.r.get<StoredMember>(K.member(a.anchorer)))?.name ?? null;
    const t = isoTimes(a.anchored.time);
    return {
      deposited: true,
      root: a.root,
      anchorer: getAddress(a.anchorer),
      anchorerName: name,
      block: a.anchored.block,
      tx: a.anchored.tx,
      blockTime: a.anchored.time,
      blockTimeUtc: t.timeUtc,
      blockTimeBeijing: t.timeBeijing,
      revoked: a.revoked !== null,
      revocation:
        a.revoked === null
          ? null
          : { block: a.revoked.block ?? null, tx: a.revoked.tx ?? null, time: a.revoked.at, ...isoTimes(a.revoked.at), reasonHash: a.revoked.reasonHash },
    };
  }

  async evidence(hash: string, q: { root?: string | undefined; proof?: string[] | undefined; anchorer?: string | undefined }): Promise<Evidence> {
    const h = hash.toLowerCase();
    const { anchors, truncated: anchorsCut } = await this.anchorsOf(h, q.anchorer);
    let rootAnchorsCut = false;
    let inRoot: { root: string; anchors: StoredAnchor[] } | null = null;
    let proofValid: boolean | null = null;
    if (q.proof !== undefined) {
      // The OpenZeppelin StandardMerkleTree leaf of a bytes32 value, then sorted-pair hashing.
      let node = keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32"], [h])));
      for (const p of q.proof) node = keccak256(node.toLowerCase() < p.toLowerCase() ? concat([node, p]) : concat([p, node]));
      const computed = node.toLowerCase();
      const root = q.root?.toLowerCase() ?? computed;
      const { anchors: rootAnchors, truncated } = await this.anchorsOf(root, q.anchorer);
      rootAnchorsCut = truncated;
      inRoot = { root, anchors: rootAnchors };
      // The proof leads to the root asked about (or any), and that root is anchored (by `anchorer`).
      proofValid = root === computed && rootAnchors.length > 0;
    }
    // A dataset's fingerprint is cited by its application, found through the content-hash index.
    const depositedAs = await this.r.get<string>(K.byContentHash(h));
    const deposit = depositedAs ? await this.storedAsset(depositedAs) : undefined;
    const room = MAX_EVIDENCE_ITEMS - (deposit ? 1 : 0);
    const rows = await this.r.entries<StoredEvidenceRef>(K.evidenceRefPrefix(h), { limit: room + 1 });
    const refs = rows.slice(0, room).map(([, r]) => r);
    if (deposit) refs.unshift({ ...deposit.applied, event: "AssetApplied", assetId: deposit.id, field: "application.contentHash" });
    const live = (list: StoredAnchor[]) => list.some((a) => a.revoked === null);
    // The court form: an item proven under a root is deposited by that root's anchor; else the hash as a root.
    const holding = proofValid === true && inRoot !== null && inRoot.anchors.length > 0 ? inRoot.anchors : anchors;
    return {
      hash: h,
      anchored: live(anchors) || (proofValid === true && inRoot !== null && live(inRoot.anchors)),
      anchors: anchors.map(anchorInfo),
      inRoot: inRoot === null ? null : { root: inRoot.root, anchors: inRoot.anchors.map(anchorInfo) },
      proofValid,
      deposit: await this.depositOf(holding),
      references: refs,
      anchorsTruncated: anchorsCut || rootAnchorsCut,
      referencesTruncated: rows.length > room,
      asOfBlock: this.asOfBlock,
    };
  }
}

/** A stored anchor as the API shows it (a revocation's block and tx are null in an index built before they were kept). */
function anchorInfo(a: StoredAnchor): Evidence["anchors"][number] {
  return { ...a, revoked: a.revoked === null ? null : { reasonHash: a.revoked.reasonHash, at: a.revoked.at, block: a.revoked.block ?? null, tx: a.revoked.tx ?? null } };
}

// ─── The plan of an asset list ─────────────────────────────────────────────────────────

/**
 * At most this many index keys are examined per list or search request (each costs a record
 * read), whatever the filters, besides at most MAX_PROBES × (PROBE + 1) keys probed to choose
 * the index: at ~15 µs a key that is ~15 ms of work at worst.
 */
export const MAX_EXAMINED = 1000;
/** Keys read from each candidate index to find the smallest. */
const PROBE = 32;
/** Candidate indexes probed at most (the rest are checked on the record). */
const MAX_PROBES = 6;
const WALK_PAGE = 256;

/** The bound of one walk: keys it may still examine, and whether its source ran out first. */
class Walk {
  ended = false;
  constructor(public left: number) {}
  take(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    return true;
  }
}

interface Row {
  key: string;
  id: string;
}

/** A range of index keys that holds every asset meeting one condition of the query. */
interface Source {
  /** Every key of the source starts with this (a cursor must, too). */
  prefix: string;
  gte?: string;
  lt?: string;
  /** The asset id is the value (registration-number and content-hash indexes), not the key's tail. */
  idInValue?: boolean;
  /** A text prefix range (`tx:<prefix>…`): an asset may be under several of its tokens. */
  tokenPrefix?: string;
}

interface AssetPlan {
  /** In order of preference, the last one every asset (when nothing narrower applies). */
  sources: Source[];
  /** Every condition, checked on the record. */
  filters: ((a: StoredAsset) => boolean)[];
  /** Text terms, checked on the record with its holder's name. */
  terms: Term[];
}

const REGISTRATION_PREFIX = /^dr-/i;
const HEX_PREFIX = /^0x[0-9a-f]*$/i;

/** The conditions of a `GET /v1/assets` query, and the indexes that can answer each. */
export function assetPlan(q: AssetsQuery, now: number): AssetPlan {
  const sources: Source[] = [];
  const filters: AssetPlan["filters"] = [];
  let terms: Term[] = [];
  const text = q.q?.trim();
  if (text !== undefined && REGISTRATION_PREFIX.test(text)) {
    const p = text.toUpperCase();
    sources.push({ prefix: K.registrationNumberPrefix(p), idInValue: true });
    filters.push((a) => a.registrationNumber?.startsWith(p) ?? false);
  } else if (text !== undefined && HEX_PREFIX.test(text)) {
    const p = text.toLowerCase();
    sources.push({ prefix: K.contentHashPrefix(p), idInValue: true });
    filters.push((a) => a.contentHash.startsWith(p));
  } else if (text !== undefined) {
    terms = termsOf(text);
    for (const t of terms) {
      const l = lookupOf(t);
      if ("prefix" in l) sources.push({ prefix: K.textStartingWith(l.prefix), tokenPrefix: l.prefix });
      else for (const pair of spread(l.exact, 3)) sources.push({ prefix: K.textPrefix(pair) });
    }
  }
  const exact = (field: IndexedField, value: string) => sources.push({ prefix: K.indexPrefix(field, value) });
  if (q.holder) {
    const h = q.holder.toLowerCase();
    exact("holder", h);
    filters.push((a) => a.holder?.toLowerCase() === h);
  }
  for (const flag of ["frozen", "disputed", "pledged", "listed"] as const) {
    const want = q[flag];
    if (want === undefined) continue;
    if (want) exact(flag, "true"); // the false side is not indexed (most assets)
    filters.push((a) => (flag === "listed" ? liveListing(a) : a[flag]) === want);
  }
  if (q.expired !== undefined) {
    const want = q.expired;
    const at = K.indexAt("validUntil", timeValue(now));
    // Expired: registered with validUntil before now. Not expired has an index only among registered assets.
    if (want) sources.push({ prefix: K.indexAt("validUntil", ""), lt: at });
    else if (q.status === "registered") sources.push({ prefix: K.indexAt("validUntil", ""), gte: at });
    filters.push((a) => (a.status === "registered" && a.validUntil < now) === want);
  }
  for (const field of ["grade", "category", "kind", "status"] as const) {
    const v = q[field];
    if (v === undefined) continue;
    exact(field, v);
    filters.push((a) => a[field] === v);
  }
  if (sources.length === 0) sources.push({ prefix: K.assetPrefix });
  return { sources, filters, terms };
}

/** A source whose keys are exactly `prefix` + the padded id (a filter index at one value, or one text token). */
function isExactIndex(s: Source): boolean {
  return s.idInValue !== true && s.tokenPrefix === undefined && s.gte === undefined && s.lt === undefined && s.prefix !== K.assetPrefix && s.prefix.endsWith(":");
}

/** Up to `n` items spread over a list (its first, last and middle ones). */
function spread<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list;
  return [...new Set([0, list.length - 1, Math.floor(list.length / 2)].slice(0, n))].map((i) => list[i]).filter((x): x is T => x !== undefined);
}

/** A list cursor: which of the plan's sources was walked, and the last key examined in it. */
function encodeListCursor(source: number, key: string): string {
  return Buffer.from(`${source}~${key}`, "utf8").toString("base64url");
}

function decodeListCursor(cursor: string, sources: Source[]): { source: Source; after: string } {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const m = /^(\d{1,2})~(.+)$/s.exec(text);
  const source = m ? sources[Number(m[1])] : undefined;
  const after = m?.[2];
  if (!source || after === undefined || !after.startsWith(source.prefix)) throw new BadCursorError();
  return { source, after };
}
