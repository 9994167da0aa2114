/**
 * Applies one decoded ledger event to the derived state. Every event that concerns an asset
 * also lands in that asset's history with a plain-language summary; every non-zero hash that
 * cites a document (evidence, reports, cases) is indexed for `GET /v1/evidence/:hash`.
 */
import { ZeroAddress, ZeroHash } from "ethers";
import {
  ASSET_KIND,
  DATA_CATEGORY,
  JURISDICTION,
  MEMBER_TYPE,
  MILESTONE,
  PERSONAL_INFO,
  PRODUCT_FORM,
  SECURITY_GRADE,
  SOURCE_TYPE,
  TERRITORY,
  VALUATION_METHOD,
  enumName,
} from "../../sdk/api/enums";
import type { Where } from "../../sdk/api/schemas";
import { K } from "../store/keys";
import type { Overlay } from "../store/store";
import type {
  StoredAnchor,
  StoredAsset,
  StoredCase,
  StoredClearance,
  StoredDeidentification,
  StoredEvidenceRef,
  StoredHistoryEvent,
  StoredHolder,
  StoredLicense,
  StoredMember,
  StoredMilestone,
  StoredSandbox,
} from "../state/records";
import type { DecodedEvent, Plain, PlainArgs } from "./decode";
import { summarize } from "./summary";

/** Fields indexed for `GET /v1/assets` filters. */
export const ASSET_INDEXES = ["holder", "status", "grade", "category", "kind"] as const;
type IndexedField = (typeof ASSET_INDEXES)[number];

/** Argument names that cite a document or case; their hashes are indexed as evidence references. */
const CITING_FIELDS = new Set([
  "evidenceHash",
  "sourceEvidenceHash",
  "contentHash",
  "metadataHash",
  "newHash",
  "reportHash",
  "caseHash",
  "decisionHash",
  "manifestHash",
  "approvalHash",
  "registryRefHash",
  "exchangeRefHash",
  "listingRefHash",
  "reasonHash",
  "routeHash",
]);

const str = (v: Plain | undefined): string => (v === undefined || v === null ? "" : String(v));
const num = (v: Plain | undefined): number => Number(v ?? 0);
const bool = (v: Plain | undefined): boolean => v === true;
const obj = (v: Plain | undefined): PlainArgs => (v && typeof v === "object" && !Array.isArray(v) ? v : {});
const strs = (v: Plain | undefined): string[] => (Array.isArray(v) ? v.map((x) => String(x)) : []);

export class EventApplier {
  /** Member names seen in this process, for summaries (members never change name). */
  private readonly names = new Map<string, string | null>();

  constructor(private readonly o: Overlay) {}

  async apply(ev: DecodedEvent, time: number): Promise<void> {
    const where: Where = { block: ev.block, time, tx: ev.tx, logIndex: ev.logIndex };
    const a = ev.args;
    const assetId = this.assetIdOf(ev);
    await this.update(ev, a, where);
    this.indexCitations(ev, where, assetId);
    if (assetId !== null) {
      const entry: StoredHistoryEvent = {
        ...where,
        contract: ev.contract,
        event: ev.event,
        actor: actorOf(ev),
        summary: summarize(ev, (addr) => this.nameOf(addr)),
        args: a,
      };
      this.o.appendNew(K.history(assetId, ev.block, ev.logIndex), entry);
    } else if (ev.contract !== "members" && ev.contract !== "evidence") {
      this.o.appendNew(K.system(ev.block, ev.logIndex), { ...where, contract: ev.contract, event: ev.event, args: a });
    }
  }

  private assetIdOf(ev: DecodedEvent): string | null {
    const a = ev.args;
    if (ev.contract === "registry" && (ev.event === "Transfer" || ev.event === "Approval" || ev.event === "MetadataUpdate")) {
      return ev.event === "MetadataUpdate" ? null : str(a.tokenId);
    }
    return a.assetId === undefined ? null : str(a.assetId);
  }

  /** A member's name, for summaries; null for a non-member. Cached: names never change. */
  nameOf(address: string): string | null {
    return this.names.get(address.toLowerCase()) ?? null;
  }

  private async loadName(address: string): Promise<void> {
    const key = address.toLowerCase();
    if (this.names.has(key)) return;
    const m = await this.o.get<StoredMember>(K.member(address));
    this.names.set(key, m?.name ?? null);
  }

  private async asset(id: string): Promise<StoredAsset | undefined> {
    return this.o.get<StoredAsset>(K.asset(id));
  }

  /** Saves a new asset and its filter index entries (keys of an id just issued: none existed). */
  private createAsset(a: StoredAsset): void {
    for (const field of ASSET_INDEXES) {
      const now = indexValue(a, field);
      if (now !== null) this.o.putNew(K.index(field, now, a.id), 1);
    }
    this.o.putNew(K.asset(a.id), a);
  }

  /** Moves the asset's filter index entries from the values it had (`before`) to its current ones. */
  private reindex(a: StoredAsset, before: (string | null)[]): void {
    ASSET_INDEXES.forEach((field, i) => {
      const was = before[i] ?? null;
      const now = indexValue(a, field);
      if (was === now) return;
      if (was !== null) this.o.del(K.index(field, was, a.id));
      if (now !== null) this.o.put(K.index(field, now, a.id), 1);
    });
  }

  private async patchAsset(id: string, where: Where, patch: (a: StoredAsset) => void): Promise<void> {
    const a = await this.asset(id); // a fresh copy (parsed from JSON): safe to change in place
    if (!a) return; // an event about an id the registry never issued cannot happen; ignore defensively
    const before = ASSET_INDEXES.map((f) => indexValue(a, f));
    patch(a);
    a.updated = where;
    this.reindex(a, before);
    this.o.put(K.asset(a.id), a);
  }

  private async patchCase(key: string, where: Where, state: string, extra: PlainArgs = {}): Promise<void> {
    const prev = await this.o.get<StoredCase>(key);
    if (!prev) return;
    await this.o.put(key, { ...prev, state, fields: { ...prev.fields, ...extra }, updated: where });
  }

  /** Per event type, the fields that cite a document (worked out once from the first event seen). */
  private readonly citingPaths = new Map<string, [string, string | null][]>();

  private citations(ev: DecodedEvent): [string, string | null][] {
    const type = `${ev.contract}.${ev.event}`;
    let paths = this.citingPaths.get(type);
    if (!paths) {
      paths = [];
      for (const [k, v] of Object.entries(ev.args)) {
        if (v && typeof v === "object" && !Array.isArray(v)) {
          for (const k2 of Object.keys(v)) if (CITING_FIELDS.has(k2)) paths.push([k, k2]);
        } else if (CITING_FIELDS.has(k)) paths.push([k, null]);
      }
      // An application's content hash is found through the content-hash index instead.
      if (type === "registry.AssetApplied") paths = paths.filter(([k, k2]) => (k2 ?? k) !== "contentHash");
      this.citingPaths.set(type, paths);
    }
    return paths;
  }

  private indexCitations(ev: DecodedEvent, where: Where, assetId: string | null): void {
    for (const [k, k2] of this.citations(ev)) {
      const top = ev.args[k];
      const v = k2 === null ? top : top && typeof top === "object" && !Array.isArray(top) ? top[k2] : undefined;
      if (typeof v !== "string" || v.length !== 66 || v === ZeroHash) continue;
      const field = k2 === null ? k : `${k}.${k2}`;
      const ref: StoredEvidenceRef = { ...where, event: ev.event, assetId, field };
      this.o.appendNew(K.evidenceRef(v, where.block, where.logIndex, field), ref);
    }
  }

  private async update(ev: DecodedEvent, a: PlainArgs, where: Where): Promise<void> {
    for (const v of Object.values(a)) if (typeof v === "string" && v.length === 42 && v.startsWith("0x")) await this.loadName(v);
    switch (`${ev.contract}.${ev.event}`) {
      // ── members ──
      case "members.MemberAdmitted": {
        const m: StoredMember = {
          address: str(a.account),
          name: str(a.name),
          orgIdHash: str(a.orgIdHash),
          memberType: enumName(MEMBER_TYPE, num(a.memberType)),
          jurisdiction: enumName(JURISDICTION, num(a.jurisdiction)),
          status: "active",
          admitted: where,
          admittedBy: str(a.registrar),
          suspension: null,
        };
        this.names.set(m.address.toLowerCase(), m.name);
        return this.o.put(K.member(m.address), m);
      }
      case "members.MemberSuspended":
      case "members.MemberReinstated": {
        const m = await this.o.get<StoredMember>(K.member(str(a.account)));
        if (!m) return;
        const suspended = ev.event === "MemberSuspended";
        m.status = suspended ? "suspended" : "active";
        m.suspension = suspended ? { reasonHash: str(a.reasonHash), by: str(a.registrar), at: where.time } : null;
        return this.o.put(K.member(m.address), m);
      }

      // ── registry ──
      case "registry.AssetApplied": {
        const app = obj(a.application);
        const id = str(a.assetId);
        const asset: StoredAsset = {
          id,
          registrationNumber: null,
          status: "applied",
          holder: str(a.applicant),
          applicant: str(a.applicant),
          kind: enumName(ASSET_KIND, num(app.kind)),
          productForm: enumName(PRODUCT_FORM, num(app.productForm)),
          category: enumName(DATA_CATEGORY, num(app.category)),
          rightsBits: num(app.rights),
          sourceType: enumName(SOURCE_TYPE, num(app.sourceType)),
          grade: enumName(SECURITY_GRADE, num(app.grade)),
          personalInfo: enumName(PERSONAL_INFO, num(app.personalInfo)),
          registrantType: enumName(MEMBER_TYPE, num(a.registrantType)),
          validUntil: num(app.validUntil),
          contentHash: str(app.contentHash),
          sourceEvidenceHash: str(app.sourceEvidenceHash),
          metadataHash: str(app.metadataHash),
          metadataUri: str(app.metadataUri),
          metadataVersion: 0,
          parents: strs(app.parents),
          parentLicenses: strs(app.parentLicenses),
          applied: where,
          publicityEnd: null,
          confirmed: null,
          refused: null,
          cancelled: null,
          openObjections: 0,
          frozen: false,
          pledged: false,
          listing: null,
          milestones: [],
          latestValuation: null,
          updated: where,
        };
        this.createAsset(asset);
        await this.o.put(K.byContentHash(asset.contentHash), id);
        for (const p of asset.parents) this.o.appendNew(K.child(p, id), 1);
        return;
      }
      case "registry.PublicityStarted":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.status = "publicity";
          x.publicityEnd = num(a.publicityEnd);
        });
      case "registry.ApplicationRefused":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.status = "refused";
          x.holder = null;
          x.refused = { by: str(a.registrar), reasonHash: str(a.reasonHash) };
        });
      case "registry.AssetRegistered": {
        const id = str(a.assetId);
        await this.patchAsset(id, where, (x) => {
          x.status = "registered";
          x.registrationNumber = str(a.registrationNumber);
          x.confirmed = { by: str(a.registrar), at: num(a.confirmedAt) };
          x.validUntil = num(a.validUntil);
          x.holder = str(a.holder);
          if (!x.milestones.includes("registration")) x.milestones.push("registration");
        });
        await this.o.put(K.byRegistrationNumber(str(a.registrationNumber)), id);
        const asset = await this.asset(id);
        const ms: StoredMilestone = {
          ...where,
          assetId: id,
          kind: "registration",
          enterprise: str(a.holder),
          attester: str(a.registrar),
          at: num(a.confirmedAt),
          evidenceHash: asset?.contentHash ?? null,
          detail: 0,
        };
        return this.o.put(K.milestone(ms.enterprise, ms.at, id, 0), ms);
      }
      case "registry.Transfer": {
        const id = str(a.tokenId);
        const to = str(a.to);
        const holder = to === ZeroAddress ? null : to;
        await this.patchAsset(id, where, (x) => {
          x.holder = holder;
        });
        const h: StoredHolder = { ...where, holder };
        return this.o.appendNew(K.holderAt(id, where.block), h);
      }
      case "registry.MetadataChanged":
      case "registry.AssetCorrected":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.metadataHash = str(a.newHash);
          x.metadataUri = str(a.newUri);
          x.metadataVersion = num(a.version);
        });
      case "registry.AssetRenewed":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.validUntil = num(a.newValidUntil);
        });
      case "registry.RegistrationCancelled":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.status = "cancelled";
          x.holder = null;
          x.listing = null;
          x.cancelled = { by: str(a.by), lastHolder: str(a.lastHolder), reasonHash: str(a.reasonHash), at: where.time };
        });
      case "registry.DisputeCountChanged":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.openObjections = num(a.openObjections);
        });
      case "registry.FrozenChanged":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.frozen = bool(a.frozen);
        });
      case "registry.PledgedChanged":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.pledged = bool(a.pledged);
        });
      case "registry.GradeChanged":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.grade = enumName(SECURITY_GRADE, num(a.newGrade));
        });

      // ── compliance ──
      case "compliance.DeidentificationReviewed": {
        const r: StoredDeidentification = { passed: bool(a.passed), reportHash: str(a.reportHash), regulator: str(a.regulator) };
        return this.o.put(K.deidentification(str(a.contentHash)), r);
      }
      case "compliance.CrossBorderCleared": {
        const c: StoredClearance = { validUntil: num(a.validUntil), mechanism: num(a.mechanism), routeHash: str(a.routeHash) };
        return this.o.put(K.clearance(str(a.assetId)), c);
      }
      case "compliance.CrossBorderRevoked":
        return this.o.del(K.clearance(str(a.assetId)));
      case "compliance.SandboxApproved": {
        const s: StoredSandbox = { validUntil: num(a.validUntil), approvalHash: str(a.approvalHash) };
        return this.o.put(K.sandbox(str(a.assetId)), s);
      }
      case "compliance.SandboxRevoked":
        return this.o.del(K.sandbox(str(a.assetId)));

      // ── licences ──
      case "licenses.LicenseGranted": {
        const t = obj(a.terms);
        const id = str(a.licenseId);
        const parentId = str(a.parentId) === "0" ? null : str(a.parentId);
        const parent = parentId ? await this.o.get<StoredLicense>(K.license(parentId)) : undefined;
        const lic: StoredLicense = {
          id,
          assetId: str(a.assetId),
          parentId,
          depth: parent ? parent.depth + 1 : 0,
          licensor: str(a.licensor),
          licensee: str(a.licensee),
          rightsBits: num(t.rights),
          territory: enumName(TERRITORY, num(t.territory)),
          start: num(t.start),
          end: num(t.end),
          sublicensable: bool(t.sublicensable),
          scopeHash: str(t.scopeHash),
          termsHash: str(t.termsHash),
          feeAmount: str(t.feeAmount),
          feeCurrency: currency(str(t.feeCurrency)),
          viaOffer: bool(a.viaOffer),
          granted: where,
          revoked: null,
          sublicenses: [],
        };
        await this.o.put(K.license(id), lic);
        await this.o.put(K.assetLicense(lic.assetId, id), 1);
        if (parent && parentId) {
          parent.sublicenses.push(id);
          await this.o.put(K.license(parentId), parent);
        }
        return;
      }
      case "licenses.LicenseRevoked": {
        const lic = await this.o.get<StoredLicense>(K.license(str(a.licenseId)));
        if (!lic) return;
        lic.revoked = { by: str(a.by), reasonHash: str(a.reasonHash), byCourt: bool(a.byCourt), at: where.time };
        return this.o.put(K.license(lic.id), lic);
      }

      // ── trade desk ──
      case "tradeDesk.Listed":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.listing = { exchange: str(a.exchange), listingRefHash: str(a.listingRefHash) };
        });
      case "tradeDesk.Delisted":
        return this.patchAsset(str(a.assetId), where, (x) => {
          x.listing = null;
        });
      case "tradeDesk.TradeRecorded": {
        const c: StoredCase = { ...where, id: str(a.tradeId), assetId: str(a.assetId), state: "recorded", fields: a };
        return this.o.put(K.trade(c.id), c);
      }

      // ── milestones ──
      case "milestones.MilestoneRecorded": {
        const id = str(a.assetId);
        const kind = enumName(MILESTONE, num(a.kind));
        const ms: StoredMilestone = {
          ...where,
          assetId: id,
          kind,
          enterprise: str(a.enterprise),
          attester: str(a.attester),
          at: num(a.at),
          evidenceHash: str(a.evidenceHash) === ZeroHash ? null : str(a.evidenceHash),
          detail: num(a.detail),
        };
        await this.o.put(K.milestone(ms.enterprise, ms.at, id, num(a.kind)), ms);
        return this.patchAsset(id, where, (x) => {
          if (!x.milestones.includes(kind)) x.milestones.push(kind);
        });
      }

      // ── valuations ──
      case "valuations.ValuationRecorded": {
        const c: StoredCase = { ...where, id: str(a.valuationId), assetId: str(a.assetId), state: "recorded", fields: a };
        await this.o.put(K.valuation(c.id), c);
        return this.patchAsset(c.assetId, where, (x) => {
          x.latestValuation = {
            valuationId: c.id,
            value: str(a.value),
            currency: currency(str(a.currency)),
            method: enumName(VALUATION_METHOD, num(a.method)),
            valuationDate: num(a.valuationDate),
            evaluator: str(a.evaluator),
          };
        });
      }

      // ── pledges ──
      case "pledges.PledgeProposed": {
        const c: StoredCase = { ...where, id: str(a.pledgeId), assetId: str(a.assetId), state: "proposed", fields: a };
        return this.o.put(K.pledge(c.id), c);
      }
      case "pledges.PledgeWithdrawn":
        return this.patchCase(K.pledge(str(a.pledgeId)), where, "withdrawn");
      case "pledges.PledgeActivated":
        return this.patchCase(K.pledge(str(a.pledgeId)), where, "active");
      case "pledges.PledgeReleased":
        return this.patchCase(K.pledge(str(a.pledgeId)), where, "released");
      case "pledges.PledgeEnforced":
        return this.patchCase(K.pledge(str(a.pledgeId)), where, "enforced", { enforcedBy: str(a.by), byCourt: bool(a.byCourt) });

      // ── disputes ──
      case "disputes.ObjectionFiled": {
        const c: StoredCase = { ...where, id: str(a.objectionId), assetId: str(a.assetId), state: "open", fields: a };
        return this.o.put(K.objection(c.id), c);
      }
      case "disputes.ObjectionWithdrawn":
        return this.patchCase(K.objection(str(a.objectionId)), where, "withdrawn");
      case "disputes.ObjectionRuled":
        return this.patchCase(K.objection(str(a.objectionId)), where, "ruled", { ruling: num(a.ruling), adjudicator: str(a.adjudicator) });

      // ── evidence ──
      case "evidence.EvidenceAnchored": {
        const r: StoredAnchor = {
          root: str(a.root),
          anchorer: str(a.anchorer),
          itemCount: num(a.itemCount),
          manifestHash: str(a.manifestHash),
          anchored: where,
          revoked: null,
        };
        return this.o.put(K.evidenceRoot(r.root), r);
      }
      case "evidence.EvidenceRevoked": {
        const r = await this.o.get<StoredAnchor>(K.evidenceRoot(str(a.root)));
        if (!r) return;
        r.revoked = { reasonHash: str(a.reasonHash), at: where.time };
        return this.o.put(K.evidenceRoot(r.root), r);
      }
      default:
        // Events that change no derived state (ForcedTransfer, court orders, approvals, ...)
        // are still in the asset's history or the system log.
        return;
    }
  }
}

function indexValue(a: StoredAsset, field: IndexedField): string | null {
  if (field === "holder") return a.holder ? a.holder.toLowerCase() : null;
  return a[field];
}

/** `bytes3` currency codes as text ("0x434e59" → "CNY"); other bytes stay hex. */
function currency(hex: string): string {
  const code = Buffer.from(hex.slice(2), "hex").toString("latin1");
  return /^[A-Z]{3}$/.test(code) ? code : hex;
}

/** Who acted, as far as the event says (logs carry no transaction sender). */
function actorOf(ev: DecodedEvent): string | null {
  const a = ev.args;
  for (const k of ["registrar", "court", "regulator", "by", "adjudicator", "claimant", "exchange", "evaluator", "attester", "pledgor", "pledgee", "licensor", "applicant", "anchorer", "from", "owner"]) {
    const v = a[k];
    if (typeof v === "string" && v.length === 42 && v !== ZeroAddress) return v;
  }
  return null;
}

