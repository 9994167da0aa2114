/**
 * LevelDB behind the indexer. All derived state of a block range, its undo journal and the
 * new checkpoint go to disk in ONE `batch()`: LevelDB applies a batch atomically (it is one
 * write-ahead-log record), so a crash leaves either the old checkpoint with the old state or
 * the new checkpoint with the new state.
 *
 * Each checkpoint (and each kept block) carries the state digest the Overlay keeps, so that
 * replicas can compare their state and a rollback restores the ancestor's digest.
 */
import { Level } from "level";
import { createHash, type Hash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { BOOKKEEPING_PREFIXES, K, padBlock, prefixEnd } from "./keys";

export interface Checkpoint {
  number: number;
  hash: string;
  timestamp: number;
  /**
   * The state digest after this block (see Overlay): equal on every replica at the same block.
   * Absent in an index written before digests were kept (it stays unknown until a reindex).
   */
  digest?: string;
}
export interface KeptBlock {
  hash: string;
  timestamp: number;
  /** The state digest after this block, restored when a reorg rolls back to it. */
  digest?: string;
}

/** The digest of the empty state, before the deploy block. */
export const STATE_DIGEST_GENESIS = createHash("sha256").update("drl-state-digest-v1").digest("hex");

/** Written into a copy made by `copyTo`: the replica started from it checks this block first. */
export interface SnapshotMarker {
  checkpoint: Checkpoint;
  takenAt: string;
}
export const SNAPSHOT_MARKER_KEY = "meta:snapshot";

/** The output directory of a snapshot already holds files. */
export class SnapshotTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotTargetError";
  }
}
type Op = { type: "put"; key: string; value: string } | { type: "del"; key: string };
/**
 * Previous values of the keys a block changed: [key, value before the block], or the key alone
 * for one that did not exist before the block (most of a backfill's keys: a new asset's, its
 * index entries', its history's), which a rollback deletes. An older index's journals hold
 * [key, null] for those; both read the same.
 */
type UndoEntries = (string | [string, string | null])[];

export class IndexStore {
  /**
   * Raw values of recently read keys (null = absent), for API reads. Every commit and rollback
   * drops the keys it wrote and bumps `generation`, so a cached value is always the latest
   * committed one; a request that sees `generation` change while it runs is answered again
   * from a snapshot.
   */
  private readonly cache = new Map<string, string | null>();
  private cacheLimit = 200_000;
  /** Characters of cached values; the cache starts over past CACHE_MAX_CHARS (it lives within the server's heap cap). */
  private cacheChars = 0;
  generation = 0;

  private constructor(readonly db: Level<string, string>) {}

  /** How many values the read cache may hold (0 turns it off). */
  setCacheLimit(entries: number): void {
    this.cacheLimit = entries;
    this.cache.clear();
    this.cacheChars = 0;
  }

  /** A reader of the latest committed state through the cache: fast, but only consistent while `generation` stays put. */
  cachedReader(): Reader {
    return new CachedReader(this);
  }

  /**
   * A cached read of one key (see `cache`). Synchronous: LevelDB answers a point read from its
   * memtable or cached blocks in microseconds, far less than a trip through libuv's thread
   * pool costs the event loop. A value read while a batch is being written may be either
   * side of it; `afterWrite` then drops every key the batch wrote, so none stays stale.
   */
  cachedGet(key: string): string | undefined {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const raw = this.db.getSync(key);
    if (this.cacheLimit > 0) {
      if (this.cache.size >= this.cacheLimit || this.cacheChars > CACHE_MAX_CHARS) {
        this.cache.clear();
        this.cacheChars = 0;
      }
      this.cache.set(key, raw ?? null);
      this.cacheChars += key.length + (raw?.length ?? 0);
    }
    return raw;
  }

  /**
   * True while no commit or rollback is being written. `generation` is odd during a write
   * (bumped before and after it): a request answered from the cache is only consistent if it
   * started and ended at the same, even, generation.
   */
  get stable(): boolean {
    return this.generation % 2 === 0;
  }

  private beforeWrite(): void {
    this.generation++;
  }

  /**
   * Ends a write whether or not it succeeded: the generation is even again (an odd one forever
   * would turn the cache off) and every key it may have written leaves the cache.
   */
  private afterWrite(ops: Op[], ...more: Iterable<string>[]): void {
    if (this.cache.size > 0) {
      for (const op of ops) this.uncache(op.key);
      for (const keys of more) for (const key of keys) this.uncache(key);
    }
    this.generation++;
  }

  /** Drops one cached key, taking exactly its own characters off the count (nothing for a key not cached). */
  private uncache(key: string): void {
    const v = this.cache.get(key);
    if (v === undefined) return;
    this.cache.delete(key);
    this.cacheChars -= key.length + (v?.length ?? 0);
  }

  /** How many values the read cache holds and their characters (keys and values), for tests and metrics. */
  cacheStats(): { entries: number; chars: number } {
    return { entries: this.cache.size, chars: this.cacheChars };
  }

  static async open(dir: string): Promise<IndexStore> {
    const db = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
    await db.open();
    return new IndexStore(db);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** A consistent view for one API request: every read sees the same commit. Close it after use. */
  reader(): Reader {
    return new SnapshotReader(this.db, this.db.snapshot());
  }

  /** The stored value of `key` (synchronous: see `cachedGet`). */
  getRaw(key: string): string | undefined {
    return this.db.getSync(key);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.db.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  /** Entries under `prefix`, bounded further by the given range (latest state, no snapshot). */
  async entries<T>(prefix: string, opts: Range = {}): Promise<[string, T][]> {
    // all() reads in batches of up to 1,000 entries; a for-await loop costs a promise per entry.
    const rows = await this.db.iterator(bounds(prefix, opts)).all();
    return rows.map(([k, v]) => [k, JSON.parse(v) as T]);
  }

  async keys(prefix: string, opts: Range = {}): Promise<string[]> {
    return this.db.keys(bounds(prefix, opts)).all();
  }

  checkpoint(): Promise<Checkpoint | undefined> {
    return this.get<Checkpoint>(K.checkpoint);
  }

  /** Kept block hashes, newest first. */
  async keptBlocks(): Promise<[number, KeptBlock][]> {
    const rows = await this.entries<KeptBlock>("blk:", { reverse: true });
    return rows.map(([k, v]) => [Number(k.slice(4)), v]);
  }

  /** Writes a block range: its state changes, undo journal, kept hashes and checkpoint, atomically. */
  async commit(overlay: Overlay, checkpoint: Checkpoint, keep: Map<number, KeptBlock>, pruneBelow: number): Promise<void> {
    // The range's state writes go into the batch as they are (no Op per key: a backfill range
    // writes tens of thousands); the journals, kept blocks, checkpoint and pruning after them.
    const ops: Op[] = overlay.journalOps();
    for (const [n, b] of keep) ops.push({ type: "put", key: K.block(n), value: JSON.stringify(b) });
    ops.push({ type: "put", key: K.checkpoint, value: JSON.stringify(checkpoint) });
    if (pruneBelow > 0) {
      for (const prefix of ["blk:", "undo:"]) {
        for (const key of await this.keys(prefix, { lt: prefix + padBlock(pruneBelow) })) ops.push({ type: "del", key });
      }
    }
    // One LevelDB batch: the range's appended writes (already in it), then everything else.
    const batch = overlay.takeBatch() ?? this.db.batch();
    const writes = overlay.stateWrites();
    for (const [key, value] of writes) {
      if (value === null) batch.del(key);
      else batch.put(key, value);
    }
    for (const op of ops) {
      if (op.type === "put") batch.put(op.key, op.value);
      else batch.del(op.key);
    }
    this.beforeWrite(); // readers overlapping the write see the generation move
    try {
      await batch.write();
    } finally {
      this.afterWrite(ops, overlay.appendedKeys(), writes.keys());
    }
  }

  /** Throws away a range that will not be committed (frees its native batch). */
  async discard(overlay: Overlay): Promise<void> {
    await overlay.takeBatch()?.close();
  }

  /**
   * Undoes every block after `ancestor` (newest first) and makes it the checkpoint, in one
   * batch. Returns how many blocks' journals were undone.
   */
  async rollback(ancestor: number, ancestorBlock: KeptBlock): Promise<number> {
    const journals = await this.entries<UndoEntries>("undo:", { gt: K.undo(ancestor), reverse: true });
    const state = new Map<string, string | null>();
    // Newest first: the oldest journal's "previous value" is written last, so it wins.
    for (const [, entries] of journals) {
      for (const e of entries) {
        if (typeof e === "string") state.set(e, null);
        else state.set(e[0], e[1]);
      }
    }
    const ops: Op[] = [];
    for (const [key, prev] of state) ops.push(prev === null ? { type: "del", key } : { type: "put", key, value: prev });
    for (const [key] of journals) ops.push({ type: "del", key });
    for (const key of await this.keys("blk:", { gt: K.block(ancestor) })) ops.push({ type: "del", key });
    const cp = checkpointOf(ancestor, ancestorBlock);
    ops.push({ type: "put", key: K.checkpoint, value: JSON.stringify(cp) });
    this.beforeWrite(); // readers overlapping the write see the generation move
    try {
      await this.db.batch(ops);
    } finally {
      this.afterWrite(ops);
    }
    return journals.length;
  }

  /**
   * Writes a consistent copy of the whole index (state, journals, kept blocks, checkpoint) to a
   * new LevelDB at `dir`, read from one LevelDB snapshot: commits made while the copy runs are
   * not in it, so the copy is one commit's state. The copy carries a marker (SNAPSHOT_MARKER_KEY)
   * so that a replica started from it checks the checkpoint's block on its chain first.
   */
  async copyTo(dir: string): Promise<{ entries: number; checkpoint: Checkpoint | null }> {
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new SnapshotTargetError(`${dir} is not empty: a snapshot is written to a new or empty directory`);
    // The snapshot is taken before anything is awaited: a commit landing from here on is not in it.
    const snapshot = this.db.snapshot();
    const it = this.db.iterator({ snapshot });
    const out = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
    let entries = 0;
    let checkpoint: Checkpoint | null = null;
    try {
      await out.open();
      for (;;) {
        const rows = await it.nextv(1_000);
        if (rows.length === 0) break;
        const batch = out.batch();
        for (const [k, v] of rows) {
          if (k === SNAPSHOT_MARKER_KEY) continue; // a copy of a copy: the new marker replaces it
          if (k === K.checkpoint) checkpoint = JSON.parse(v) as Checkpoint;
          batch.put(k, v);
          entries++;
        }
        await batch.write();
      }
      if (checkpoint) {
        const marker: SnapshotMarker = { checkpoint, takenAt: new Date().toISOString() };
        await out.put(SNAPSHOT_MARKER_KEY, JSON.stringify(marker));
      }
    } finally {
      await it.close();
      await snapshot.close();
      await out.close();
    }
    return { entries, checkpoint };
  }

  /** The derived state as sorted `key\tvalue` lines, and its SHA-256: equal dumps mean equal state. */
  async canonicalDump(): Promise<{ lines: string[]; sha256: string; entries: number }> {
    const lines: string[] = [];
    for await (const [k, v] of this.db.iterator()) {
      if (BOOKKEEPING_PREFIXES.some((p) => k.startsWith(p))) continue;
      lines.push(`${k}\t${v}`);
    }
    const sha256 = createHash("sha256").update(lines.join("\n")).digest("hex");
    return { lines, sha256, entries: lines.length };
  }
}

/** A checkpoint at a kept block (its digest, if it has one). */
export function checkpointOf(n: number, b: KeptBlock): Checkpoint {
  const cp: Checkpoint = { number: n, hash: b.hash, timestamp: b.timestamp };
  if (b.digest !== undefined) cp.digest = b.digest;
  return cp;
}

/**
 * The writes of one block range, kept in memory until commit. Reads see earlier writes of the
 * same range. When journaling, the first write of a key in block N records the key's value
 * before N, so a reorg can undo the block.
 *
 * It also keeps the state digest: per block, a SHA-256 over every state write in the order the
 * handlers made it (key and value, or key and "deleted"), chained with the digest before the
 * block and the block number. The handlers are a deterministic function of the events, and a
 * range always holds whole blocks, so the digest after block N is the same on every replica
 * however its ranges were cut.
 */
export class Overlay {
  private readonly writes = new Map<string, string | null>();
  /** Write-only keys, already handed to LevelDB's batch (see `appendNew`). */
  private readonly appended = new Set<string>();
  private batch: ChainedBatch | null = null;
  /** Per block: key → value before the block, or FROM_STORE when that is the stored value (read at commit). */
  private readonly undo = new Map<number, Map<string, string | null | typeof FROM_STORE>>();
  private block = 0;
  private journal = false;
  /** The running digest (null: unknown, an index from before digests), the open block's hasher, and (block, digest after it) in block order. */
  private digest: string | null;
  private hasher: Hash | null = null;
  private hashedBlock = 0;
  private readonly digests: [number, string][] = [];

  /**
   * @param base the previous range while it is still being written: its writes are read
   *   before the store's (see `detachBase`).
   * @param startDigest the state digest before this range (the checkpoint's), null if unknown.
   */
  constructor(
    private readonly store: IndexStore,
    private base: Overlay | null = null,
    private readonly startDigest: string | null = STATE_DIGEST_GENESIS,
  ) {
    this.digest = startDigest;
  }

  /** The state digest after block `n` of this range (or before the range, for a block before its first write). */
  digestAt(n: number): string | null {
    this.closeBlockDigest();
    let d = this.startDigest;
    for (const [b, x] of this.digests) {
      if (b > n) break;
      d = x;
    }
    return d;
  }

  private hashWrite(key: string, value: string | null): void {
    if (this.digest === null) return;
    if (this.hasher === null || this.hashedBlock !== this.block) {
      this.closeBlockDigest();
      this.hasher = createHash("sha256");
      this.hashedBlock = this.block;
    }
    // Lengths make the encoding unambiguous whatever the keys and values contain.
    this.hasher.update(value === null ? `${key.length}:${key}-` : `${key.length}:${key}=${value.length}:`);
    if (value !== null) this.hasher.update(value);
  }

  private closeBlockDigest(): void {
    if (this.hasher === null || this.digest === null) return;
    this.digest = createHash("sha256").update(`${this.digest}:${this.hashedBlock}:`).update(this.hasher.digest("hex")).digest("hex");
    this.digests.push([this.hashedBlock, this.digest]);
    this.hasher = null;
  }

  /** Forgets `base` once its range is durable, so that ranges do not keep each other alive. */
  detachBase(): void {
    this.base = null;
  }

  /** Subsequent writes belong to block `n`; `journal` says whether they may be undone. */
  setBlock(n: number, journal: boolean): void {
    this.block = n;
    this.journal = journal;
  }

  private raw(key: string): string | null {
    if (this.appended.has(key)) throw new Error(`overlay: ${key} was appended write-only in this range and cannot be read back`);
    const w = this.writes.get(key);
    if (w !== undefined) return w;
    return this.base ? this.base.raw(key) : (this.store.getRaw(key) ?? null);
  }

  get<T>(key: string): T | undefined {
    const raw = this.raw(key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  has(key: string): boolean {
    return this.raw(key) !== null;
  }

  put(key: string, value: unknown): void {
    this.write(key, JSON.stringify(value), false);
  }

  /**
   * `put` for a key that cannot exist before the current range: it names a block of the range
   * (history, citations, holder changes) or an id issued in it (a new asset and its index
   * entries). Its undo entry is "delete" without a store lookup; most keys a backfill writes
   * are of this kind, and the lookups of absent keys were a sixth of its time.
   */
  putNew(key: string, value: unknown): void {
    this.write(key, JSON.stringify(value), true);
  }

  /**
   * `putNew` for a key that nothing reads or changes later in the range (history entries,
   * citations, holder changes): the value goes straight into LevelDB's native batch instead of
   * staying on the JS heap until the commit, where every young-generation collection would copy
   * it and then promote it. Writing it again in the same block (two transfers) is fine.
   */
  appendNew(key: string, value: unknown): void {
    if (this.writes.has(key)) throw new Error(`overlay: ${key} was already written in this range; appendNew is for new write-only keys`);
    if (this.journal) {
      const j = this.journalOf(this.block);
      if (!j.has(key)) j.set(key, null);
    }
    this.appended.add(key);
    const text = JSON.stringify(value);
    this.hashWrite(key, text);
    (this.batch ??= this.store.db.batch()).put(key, text);
  }

  /** The native batch holding the appended writes, for the commit (which then owns it). */
  takeBatch(): ChainedBatch | null {
    const b = this.batch;
    this.batch = null;
    return b;
  }

  appendedKeys(): Iterable<string> {
    return this.appended;
  }

  del(key: string): void {
    this.write(key, null, false);
  }

  private journalOf(block: number): Map<string, string | null | typeof FROM_STORE> {
    let j = this.undo.get(block);
    if (!j) {
      j = new Map();
      this.undo.set(block, j);
    }
    return j;
  }

  private write(key: string, value: string | null, fresh: boolean): void {
    if (this.appended.has(key)) throw new Error(`overlay: ${key} was appended write-only in this range and cannot be changed`);
    if (this.journal) {
      const j = this.journalOf(this.block);
      // The value before this block: this range's earlier write, or else what the store holds
      // (looked up for all such keys at once when the range is committed).
      if (!j.has(key)) {
        const earlier = this.writes.get(key);
        j.set(key, earlier !== undefined ? earlier : fresh ? null : FROM_STORE);
      }
    }
    this.hashWrite(key, value);
    this.writes.set(key, value);
  }

  /** The range's state writes (key → value, null = deleted), in the order first written. */
  stateWrites(): ReadonlyMap<string, string | null> {
    return this.writes;
  }

  /** Every write of the range: its state writes, then its undo journals (see `journalOps`). */
  ops(): Op[] {
    const ops: Op[] = [];
    for (const [key, value] of this.writes) ops.push(value === null ? { type: "del", key } : { type: "put", key, value });
    return ops.concat(this.journalOps());
  }

  /** The undo journal of each journalled block of the range (`undo:<block>`). */
  journalOps(): Op[] {
    const ops: Op[] = [];
    for (const [n, entries] of this.undo) {
      const list: UndoEntries = [];
      // A key is read from the store at most once: only the first block of the range that
      // wrote it can have FROM_STORE as its earlier value.
      for (const [key, stored] of entries) {
        const prev = stored === FROM_STORE ? (this.base ? this.base.raw(key) : (this.store.getRaw(key) ?? null)) : stored;
        list.push(prev === null ? key : [key, prev]);
      }
      ops.push({ type: "put", key: K.undo(n), value: JSON.stringify(list) });
    }
    return ops;
  }
}

const FROM_STORE = Symbol("from-store");

/** About 48 MB of cached JSON at most (ASCII: one byte a character). */
const CACHE_MAX_CHARS = 48_000_000;

type Snapshot = ReturnType<Level<string, string>["snapshot"]>;
type ChainedBatch = ReturnType<Level<string, string>["batch"]>;
type Range = { gte?: string; gt?: string; lt?: string; lte?: string; reverse?: boolean; limit?: number };

/** What the API reads through. */
export interface Reader {
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<(T | undefined)[]>;
  entries<T>(prefix: string, opts?: Range): Promise<[string, T][]>;
  /** Entries as stored (JSON text), for answers that pass them through unparsed. */
  rawEntries(prefix: string, opts?: Range): Promise<[string, string][]>;
  keys(prefix: string, opts?: Range): Promise<string[]>;
  close(): Promise<void>;
}

/** Latest committed state, point reads through the store's cache. */
class CachedReader implements Reader {
  constructor(private readonly store: IndexStore) {}
  async close(): Promise<void> {}
  async get<T>(key: string): Promise<T | undefined> {
    const raw = this.store.cachedGet(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    return keys.map((k) => {
      const raw = this.store.cachedGet(k);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    });
  }
  entries<T>(prefix: string, opts: Range = {}): Promise<[string, T][]> {
    return this.store.entries<T>(prefix, opts);
  }
  async rawEntries(prefix: string, opts: Range = {}): Promise<[string, string][]> {
    return this.store.db.iterator(bounds(prefix, opts)).all();
  }
  keys(prefix: string, opts: Range = {}): Promise<string[]> {
    return this.store.keys(prefix, opts);
  }
}

/** Reads from one LevelDB snapshot, so that a response never mixes two commits. */
export class SnapshotReader implements Reader {
  constructor(
    private readonly db: Level<string, string>,
    private readonly snapshot: Snapshot,
  ) {}

  async close(): Promise<void> {
    await this.snapshot.close();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = this.db.getSync(key, { snapshot: this.snapshot });
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    return keys.map((k) => {
      const raw = this.db.getSync(k, { snapshot: this.snapshot });
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    });
  }

  /** Entries under `prefix`, bounded further by the given range. */
  async entries<T>(prefix: string, opts: Range = {}): Promise<[string, T][]> {
    const rows = await this.db.iterator({ ...bounds(prefix, opts), snapshot: this.snapshot }).all();
    return rows.map(([k, v]) => [k, JSON.parse(v) as T]);
  }

  async rawEntries(prefix: string, opts: Range = {}): Promise<[string, string][]> {
    return this.db.iterator({ ...bounds(prefix, opts), snapshot: this.snapshot }).all();
  }

  async keys(prefix: string, opts: Range = {}): Promise<string[]> {
    return this.db.keys({ ...bounds(prefix, opts), snapshot: this.snapshot }).all();
  }
}

function bounds(prefix: string, opts: Range): Range {
  const r: Range = { reverse: opts.reverse ?? false, limit: opts.limit ?? -1 };
  if (opts.gt !== undefined) r.gt = opts.gt;
  else r.gte = opts.gte ?? prefix;
  if (opts.lte !== undefined) r.lte = opts.lte;
  else r.lt = opts.lt ?? prefixEnd(prefix);
  return r;
}
