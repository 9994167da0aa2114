/**
 * Applies one decoded ledger event: finds its contract's handler by event name, checks its
 * fields (a missing or mistyped field throws IndexInvariantError), runs the handler, and files
 * the event in the asset's history (with a plain-language summary) or in the system log.
 * Every non-zero hash that cites a document (evidence, reports, cases) is indexed for
 * `GET /v1/evidence/:hash`.
 */
import { ZeroAddress, ZeroHash } from "ethers";
import type { Where } from "../../sdk/api/schemas";
import { K } from "../store/keys";
import type { StoredEvidenceRef, StoredHistoryEvent, StoredSystemEvent } from "../store/records";
import type { Overlay } from "../store/store";
import type { DecodedEvent } from "./decode";
import { IndexDb } from "./handlers/db";
import { MissingRecordError, type Fmt } from "./handlers/define";
import { HANDLERS, IndexInvariantError } from "./handlers";

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

/** Contracts whose asset-less events are not kept in the system log (members have their own records; anchors too). */
const NO_SYSTEM_LOG = new Set(["members", "evidence"]);

/** Who acted, as far as the event says (logs carry no transaction sender). */
const ACTOR_FIELDS = [
  "registrar",
  "court",
  "regulator",
  "by",
  "adjudicator",
  "claimant",
  "exchange",
  "evaluator",
  "attester",
  "pledgor",
  "pledgee",
  "licensor",
  "applicant",
  "anchorer",
  "holder",
  "from",
  "owner",
  "signer",
  "committer",
];

export class Dispatcher {
  private readonly db: IndexDb;
  private readonly fmt: Fmt;
  /** Per event type, the fields that cite a document (worked out once). */
  private readonly citingPaths = new Map<string, [string, string | null][]>();

  constructor(overlay: Overlay) {
    this.db = new IndexDb(overlay);
    const db = this.db;
    this.fmt = {
      who: (address) => {
        const name = db.nameOf(address);
        return name ? `${name} (${address})` : address;
      },
      date: (t) => new Date(t * 1000).toISOString().slice(0, 10),
      short: (h) => `${h.slice(0, 10)}…`,
    };
  }

  apply(ev: DecodedEvent, time: number): void {
    const label = `${ev.contract}.${ev.event}`;
    const handler = HANDLERS.get(ev.contract)?.get(ev.event);
    if (!handler) throw new IndexInvariantError(label, "", "no handler is registered for this event");
    const a = ev.args;
    handler.validate(a);
    const where: Where = { block: ev.block, time, tx: ev.tx, logIndex: ev.logIndex };
    for (const k in a) {
      const v = a[k];
      if (typeof v === "string" && v.length === 42 && v.startsWith("0x")) this.db.loadName(v);
    }
    try {
      handler.apply(a, { db: this.db, where, event: ev });
    } catch (e) {
      if (e instanceof MissingRecordError) throw new IndexInvariantError(label, e.field, `${e.message} (block ${ev.block}, log ${ev.logIndex}, tx ${ev.tx})`);
      throw e;
    }
    const assetId = handler.asset(a);
    this.indexCitations(ev, where, assetId);
    if (assetId !== null) {
      const entry: StoredHistoryEvent = {
        ...where,
        contract: ev.contract,
        event: ev.event,
        actor: actorOf(a),
        summary: handler.summary(a, this.fmt),
        args: a,
      };
      this.db.appendNew(K.history(assetId, ev.block, ev.logIndex), entry);
    } else if (!NO_SYSTEM_LOG.has(ev.contract)) {
      const entry: StoredSystemEvent = { ...where, contract: ev.contract, event: ev.event, args: a };
      this.db.appendNew(K.system(ev.block, ev.logIndex), entry);
    }
  }

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
      if (type === "office.AssetApplied") paths = paths.filter(([k, k2]) => (k2 ?? k) !== "contentHash");
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
      this.db.appendNew(K.evidenceRef(v, where.block, where.logIndex, field), ref);
    }
  }
}

function actorOf(a: DecodedEvent["args"]): string | null {
  for (const k of ACTOR_FIELDS) {
    const v = a[k];
    if (typeof v === "string" && v.length === 42 && v !== ZeroAddress) return v;
  }
  return null;
}
