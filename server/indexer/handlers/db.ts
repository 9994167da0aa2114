/**
 * The store as handlers see it: the range's overlay (reads see the range's own writes) with
 * the operations handlers share, such as keeping an asset's filter index entries in step with
 * its fields. All synchronous: the overlay reads LevelDB with getSync.
 */
import { K } from "../../store/keys";
import type { StoredAsset, StoredMember } from "../../store/records";
import { ASSET_INDEXES, indexValue, searchFields, textTokens } from "../../store/schema";
import type { Overlay } from "../../store/store";
import type { Where } from "../../../sdk/api/schemas";
import { IndexInvariantError } from "./define";

export class IndexDb {
  /** Member names seen in this process, for summaries (null: not a member). */
  private readonly names = new Map<string, string | null>();

  constructor(readonly o: Overlay) {}

  get<T>(key: string): T | undefined {
    return this.o.get<T>(key);
  }

  /** A write of a key that may already exist (its undo entry reads the store at commit). */
  put(key: string, value: unknown): void {
    this.o.put(key, value);
  }

  /** A write of a key that cannot exist before this range (see Overlay.putNew). */
  putNew(key: string, value: unknown): void {
    this.o.putNew(key, value);
  }

  /** A write-only new key, handed straight to LevelDB's batch (see Overlay.appendNew). */
  appendNew(key: string, value: unknown): void {
    this.o.appendNew(key, value);
  }

  del(key: string): void {
    this.o.del(key);
  }

  /** Reads a record, lets `change` edit the copy, and writes it back; false if there is none. */
  patch<T>(key: string, change: (v: T) => void): boolean {
    const v = this.o.get<T>(key); // a fresh copy (parsed from JSON): safe to change in place
    if (v === undefined) return false;
    change(v);
    this.o.put(key, v);
    return true;
  }

  // ── Assets ──

  asset(id: string): StoredAsset | undefined {
    return this.o.get<StoredAsset>(K.asset(id));
  }

  /** Saves a new asset with its filter and text index entries (keys of an id just issued: none existed). */
  createAsset(a: StoredAsset): void {
    for (const field of ASSET_INDEXES) {
      const now = indexValue(a, field);
      if (now !== null) this.o.putNew(K.index(field, now, a.id), 1);
    }
    for (const token of this.tokensOf(a.name, a.metadataUri, a.holder)) this.o.putNew(K.text(token, a.id), 1);
    this.o.putNew(K.asset(a.id), a);
  }

  /**
   * Changes an asset and moves its filter and text index entries to its new values. An id the
   * index has no asset for is a broken invariant (the registry issues every id with an
   * AssetApplied first): it halts the indexer rather than leave the event unapplied.
   */
  patchAsset(id: string, where: Where, change: (a: StoredAsset) => void): void {
    const a = this.asset(id);
    if (!a) throw new IndexInvariantError(`block ${where.block} log ${where.logIndex}`, "assetId", `names asset ${id}, which the index has never seen applied for`);
    const before = ASSET_INDEXES.map((f) => indexValue(a, f));
    const text = { name: a.name, metadataUri: a.metadataUri, holder: a.holder };
    change(a);
    a.updated = where;
    ASSET_INDEXES.forEach((field, i) => {
      const was = before[i] ?? null;
      const now = indexValue(a, field);
      if (was === now) return;
      if (was !== null) this.o.del(K.index(field, was, a.id));
      if (now !== null) this.o.put(K.index(field, now, a.id), 1);
    });
    if (a.name !== text.name || a.metadataUri !== text.metadataUri || a.holder !== text.holder) {
      const tokensBefore = this.tokensOf(text.name, text.metadataUri, text.holder);
      const tokensNow = this.tokensOf(a.name, a.metadataUri, a.holder);
      for (const t of tokensBefore) if (!tokensNow.has(t)) this.o.del(K.text(t, a.id));
      for (const t of tokensNow) if (!tokensBefore.has(t)) this.o.put(K.text(t, a.id), 1);
    }
    this.o.put(K.asset(a.id), a);
  }

  /** The text index tokens of an asset's fields, with its holder's member name as the index has it now. */
  private tokensOf(name: string, metadataUri: string, holder: string | null): Set<string> {
    let holderName: string | null = null;
    if (holder) {
      this.loadName(holder);
      holderName = this.nameOf(holder);
    }
    return textTokens(searchFields({ name, metadataUri }, holderName));
  }

  // ── Member names, for summaries ──

  /** Looks up (once per process) whether `address` is a member, for `nameOf`. */
  loadName(address: string): void {
    const key = address.toLowerCase();
    if (this.names.has(key)) return;
    this.names.set(key, this.o.get<StoredMember>(K.member(address))?.name ?? null);
  }

  setName(address: string, name: string): void {
    this.names.set(address.toLowerCase(), name);
  }

  nameOf(address: string): string | null {
    return this.names.get(address.toLowerCase()) ?? null;
  }
}

