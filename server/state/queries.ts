/**
 * The read side: builds the API's responses (sdk/api/schemas.ts) from one store snapshot.
 * Every answer carries `asOfBlock`, the checkpoint of that snapshot.
 */
import { keccak256, AbiCoder, concat } from "ethers";
import { checksumAddress as getAddress } from "../../sdk/address";
import { rightsOf } from "../../sdk/api/enums";
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
  MemberMilestones,
  Pledge,
  TradabilityQuery,
} from "../../sdk/api/schemas";
import { K, idFromKey, prefixEnd } from "../store/keys";
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
import { ASSET_INDEXES, modulesOf } from "../store/schema";
import type { Checkpoint, Reader } from "../store/store";
import { tradabilityReasons, type Failure } from "./tradability";

/** A cursor that does not come from this API (HTTP 400 on `cursor`). */
export class BadCursorError extends Error {
  constructor() {
    super("is not a cursor from a previous page");
    this.name = "BadCursorError";
  }
}

const MAX_LINEAGE_NODES = 500;

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
      listing: listing ? { ...listing, live: a.status === "registered" && a.holder !== null && a.holder === listing.holder } : null,
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
   * `GET /v1/assets`: walks the most selective index that the filters name (or all assets),
   * checks the other filters on each asset, and stops after `limit` matches.
   */
  async assets(q: AssetsQuery): Promise<AssetList> {
    const filters: [string, string][] = [];
    if (q.holder) filters.push(["holder", q.holder.toLowerCase()]);
    for (const f of ASSET_INDEXES) {
      if (f === "holder") continue;
      const v = q[f];
      if (v) filters.push([f, v]);
    }
    const [lead] = filters;
    const prefix = lead ? K.indexPrefix(lead[0], lead[1]) : K.assetPrefix;
    const after = q.cursor ? decodeCursor(q.cursor, prefix) : undefined;
    const needle = q.q?.toLowerCase();
    const matches: StoredAsset[] = [];
    let lastKey: string | undefined;
    let more = false;
    const it = this.iterate(prefix, after);
    for await (const key of it) {
      const id = lead ? idFromKey(key) : BigInt(key.slice(K.assetPrefix.length)).toString();
      const a = await this.storedAsset(id);
      if (!a) continue;
      const ok =
        filters.every(([f, v]) => (f === "holder" ? a.holder?.toLowerCase() === v : a[f as Exclude<(typeof ASSET_INDEXES)[number], "holder">] === v)) &&
        (!needle || matchesText(a, needle));
      if (!ok) continue;
      if (matches.length === q.limit) {
        more = true;
        break;
      }
      matches.push(a);
      lastKey = key;
    }
    return { items: await this.summaries(matches), nextCursor: more && lastKey ? encodeCursor(lastKey) : null, asOfBlock: this.asOfBlock };
  }

  private async *iterate(prefix: string, after: string | undefined): AsyncGenerator<string> {
    // Pages of keys, so a sparse filter does not hold a whole index in memory.
    let from = after;
    for (;;) {
      const keys = await this.r.keys(prefix, from !== undefined ? { gt: from, limit: 256 } : { limit: 256 });
      for (const k of keys) yield k;
      if (keys.length < 256) return;
      from = keys[keys.length - 1];
    }
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
    return `{"assetId":${JSON.stringify(id)},"items":[${page.map(([, v]) => v).join(",")}],"nextCursor":${JSON.stringify(nextCursor)},"asOfBlock":${this.asOfBlock}}`;
  }

  /** Ancestors and descendants, breadth first, up to MAX_LINEAGE_NODES nodes. */
  async lineage(id: string): Promise<Lineage> {
    const nodes = new Map<string, { depth: number; asset: StoredAsset }>();
    const edges = new Map<string, { parent: string; child: string; parentLicense: string }>();
    const root = await this.storedAsset(id);
    if (!root) throw new Error(`asset ${id} vanished`);
    nodes.set(id, { depth: 0, asset: root });
    let truncated = false;
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
              : (await this.r.keys(K.childPrefix(a.id))).map((k) => ({ id: idFromKey(k), parentLicense: "" }));
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

  async assetLicenses(id: string): Promise<AssetLicenses> {
    const asset = await this.storedAsset(id);
    const { licenses } = await this.modules();
    const ids = (await this.r.keys(K.assetLicensePrefix(licenses, id))).map(idFromKey);
    const stored = await this.r.getMany<StoredLicense>(ids.map((i) => K.license(licenses, i)));
    const active: License[] = [];
    const ended: License[] = [];
    for (const l of stored) {
      if (!l) continue;
      const v = await this.licenseView(l, asset);
      (v.state === "active" || v.state === "notStarted" || v.state === "suspended" ? active : ended).push(v);
    }
    return { assetId: id, active, ended, asOfBlock: this.asOfBlock };
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

  async memberAssets(address: string, limit: number, cursor: string | undefined): Promise<Omit<AssetList, never>> {
    const prefix = K.indexPrefix("holder", address.toLowerCase());
    const after = cursor ? decodeCursor(cursor, prefix) : undefined;
    const keys = await this.r.keys(prefix, { ...(after ? { gt: after } : {}), limit: limit + 1 });
    const page = keys.slice(0, limit);
    const assets = (await this.r.getMany<StoredAsset>(page.map((k) => K.asset(idFromKey(k))))).filter((a): a is StoredAsset => !!a);
    const last = page.at(-1);
    return { items: await this.summaries(assets), nextCursor: keys.length > limit && last ? encodeCursor(last) : null, asOfBlock: this.asOfBlock };
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
    return {
      address: getAddress(address),
      from: from ?? null,
      to: to ?? null,
      items: page.map(([, m]) => ({ ...m, kind: m.kind as MemberMilestones["items"][number]["kind"] })),
      nextCursor: rows.length > limit && last ? encodeCursor(last[0]) : null,
      asOfBlock: this.asOfBlock,
    };
  }

  /** Every party's anchor of `root` (only `anchorer`'s, if given). */
  private async anchorsOf(root: string, anchorer: string | undefined): Promise<StoredAnchor[]> {
    if (anchorer !== undefined) {
      const one = await this.r.get<StoredAnchor>(K.evidenceAnchor(root, anchorer));
      return one ? [one] : [];
    }
    return (await this.r.entries<StoredAnchor>(K.evidenceAnchorPrefix(root), { limit: 200 })).map(([, a]) => a);
  }

  async evidence(hash: string, q: { root?: string | undefined; proof?: string[] | undefined; anchorer?: string | undefined }): Promise<Evidence> {
    const h = hash.toLowerCase();
    const anchors = await this.anchorsOf(h, q.anchorer);
    let inRoot: Evidence["inRoot"] = null;
    let proofValid: boolean | null = null;
    if (q.proof !== undefined) {
      // The OpenZeppelin StandardMerkleTree leaf of a bytes32 value, then sorted-pair hashing.
      let node = keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32"], [h])));
      for (const p of q.proof) node = keccak256(node.toLowerCase() < p.toLowerCase() ? concat([node, p]) : concat([p, node]));
      const computed = node.toLowerCase();
      const root = q.root?.toLowerCase() ?? computed;
      const rootAnchors = await this.anchorsOf(root, q.anchorer);
      inRoot = { root, anchors: rootAnchors };
      // The proof leads to the root asked about (or any), and that root is anchored (by `anchorer`).
      proofValid = root === computed && rootAnchors.length > 0;
    }
    const refs = (await this.r.entries<StoredEvidenceRef>(K.evidenceRefPrefix(h), { limit: 200 })).map(([, r]) => r);
    // A dataset's fingerprint is cited by its application, found through the content-hash index.
    const depositedAs = await this.r.get<string>(K.byContentHash(h));
    const deposit = depositedAs ? await this.storedAsset(depositedAs) : undefined;
    if (deposit) refs.unshift({ ...deposit.applied, event: "AssetApplied", assetId: deposit.id, field: "application.contentHash" });
    const live = (list: StoredAnchor[]) => list.some((a) => a.revoked === null);
    return {
      hash: h,
      anchored: live(anchors) || (proofValid === true && inRoot !== null && live(inRoot.anchors)),
      anchors,
      inRoot,
      proofValid,
      references: refs,
      asOfBlock: this.asOfBlock,
    };
  }
}

function matchesText(a: StoredAsset, needle: string): boolean {
  return (
    a.id === needle ||
    (a.registrationNumber?.toLowerCase().includes(needle) ?? false) ||
    a.name.toLowerCase().includes(needle) ||
    a.contentHash.startsWith(needle) ||
    a.metadataUri.toLowerCase().includes(needle)
  );
}
