import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { IndexStore, Overlay, STATE_DIGEST_GENESIS, SnapshotTargetError, type KeptBlock } from "../server/store/store";
import { K } from "../server/store/keys";

/** The store's contract with the indexer: atomic commits, exact undo, and canonical dumps. */
describe("Index store (LevelDB)", function () {
  let dir: string;
  let store: IndexStore;

  beforeEach(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "drl-store-"));
    store = await IndexStore.open(dir);
  });
  afterEach(async function () {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function commitBlock(n: number, writes: [string, unknown][], journal = true): Promise<void> {
    const o = new Overlay(store);
    o.setBlock(n, journal);
    for (const [k, v] of writes) {
      if (v === null) await o.del(k);
      else await o.put(k, v);
    }
    await store.commit(o, { number: n, hash: `0x${n.toString(16).padStart(64, "0")}`, timestamp: 1000 + n }, new Map([[n, { hash: `0x${n.toString(16).padStart(64, "0")}`, timestamp: 1000 + n }]]), 0);
  }

  /** Makes the next rollback (array batch) or commit (chained batch) fail as a full disk would. */
  function failNextWrite(kind: "rollback" | "commit"): void {
    const db = store.db as unknown as { batch: (...args: unknown[]) => unknown };
    const real = db.batch.bind(store.db) as (...args: unknown[]) => unknown;
    db.batch = (...args: unknown[]) => {
      if (kind === "rollback" && args.length > 0) {
        db.batch = real;
        return Promise.reject(new Error("simulated: no space left on device"));
      }
      const chained = real(...args) as { write: () => Promise<void> };
      if (kind === "commit" && args.length === 0) {
        db.batch = real;
        chained.write = () => Promise.reject(new Error("simulated: no space left on device"));
      }
      return chained;
    };
  }

  /** Commits blocks as ranges (each inner list one range), the digest chained as the indexer does; returns each block's digest. */
  async function commitRanges(target: IndexStore, ranges: [number, [string, unknown][]][][]): Promise<Map<number, string | null>> {
    const digests = new Map<number, string | null>();
    for (const range of ranges) {
      const cp = await target.checkpoint();
      const o = new Overlay(target, null, cp ? (cp.digest ?? null) : STATE_DIGEST_GENESIS);
      for (const [n, writes] of range) {
        o.setBlock(n, true);
        for (const [k, v] of writes) {
          if (v === null) o.del(k);
          else o.put(k, v);
        }
      }
      const keep = new Map<number, KeptBlock>();
      for (const [n] of range) {
        const d = o.digestAt(n);
        digests.set(n, d);
        keep.set(n, { hash: `0x${n.toString(16).padStart(64, "0")}`, timestamp: 1000 + n, ...(d ? { digest: d } : {}) });
      }
      const last = range.at(-1)?.[0] ?? 0;
      const d = o.digestAt(last);
      await target.commit(o, { number: last, hash: `0x${last.toString(16).padStart(64, "0")}`, timestamp: 1000 + last, ...(d ? { digest: d } : {}) }, keep, 0);
    }
    return digests;
  }

  it("reads its own writes within a range before they are committed, and nothing leaks before commit", async function () {
    const o = new Overlay(store);
    o.setBlock(1, true);
    await o.put("a:1", { v: 1 });
    expect(await o.get("a:1")).to.deep.equal({ v: 1 });
    expect(await store.get("a:1")).to.equal(undefined);
    await o.del("a:1");
    expect(await o.has("a:1")).to.equal(false);
  });

  it("rolls back several blocks to exactly the state of the ancestor", async function () {
    await commitBlock(10, [["x:a", 1], ["x:b", 1]]);
    const before = await store.canonicalDump();
    await commitBlock(11, [["x:a", 2], ["x:c", 1]]);
    await commitBlock(12, [["x:a", 3], ["x:b", null], ["x:c", 2]]);
    expect((await store.canonicalDump()).sha256).to.not.equal(before.sha256);

    const undone = await store.rollback(10, { hash: `0x${"a".padStart(64, "0")}`, timestamp: 1010 });
    expect(undone).to.equal(2);
    expect(await store.canonicalDump()).to.deep.equal(before);
    expect((await store.checkpoint())?.number).to.equal(10);
    expect(await store.keys("undo:")).to.deep.equal([K.undo(10)]);
    expect((await store.keptBlocks()).map(([n]) => n)).to.deep.equal([10]);
  });

  it("undoes a key written in several blocks of one range to its value before the first", async function () {
    await commitBlock(5, [["x:k", "old"]]);
    const o = new Overlay(store);
    o.setBlock(6, true);
    await o.put("x:k", "six");
    o.setBlock(7, true);
    await o.put("x:k", "seven");
    await store.commit(o, { number: 7, hash: "0x07", timestamp: 7 }, new Map([[6, { hash: "0x06", timestamp: 6 }], [7, { hash: "0x07", timestamp: 7 }]]), 0);
    expect(await store.get("x:k")).to.equal("seven");
    await store.rollback(6, { hash: "0x06", timestamp: 6 });
    expect(await store.get("x:k")).to.equal("six");
    await store.rollback(5, { hash: `0x${(5).toString(16).padStart(64, "0")}`, timestamp: 1005 });
    expect(await store.get("x:k")).to.equal("old");
  });

  it("journals a key that did not exist as its name alone, and still rolls back a journal written as [key, null]", async function () {
    await commitBlock(20, [["x:old", "kept"]]);
    const before = await store.canonicalDump();
    await commitBlock(21, [["x:new", 1], ["x:old", "changed"]]);
    expect(JSON.parse((await store.getRaw(K.undo(21))) ?? "null")).to.deep.equal(["x:new", ["x:old", '"kept"']]);
    // A journal in the older form (every entry a pair) is undone the same way.
    await store.db.put(K.undo(21), JSON.stringify([["x:new", null], ["x:old", '"kept"']]));
    await store.rollback(20, { hash: `0x${(20).toString(16).padStart(64, "0")}`, timestamp: 1020 });
    expect(await store.canonicalDump()).to.deep.equal(before);
  });

  it("keeps no journal for blocks too deep to be reorged, and prunes journals that leave the window", async function () {
    await commitBlock(1, [["x:a", 1]], false);
    expect(await store.keys("undo:")).to.deep.equal([]);
    await commitBlock(2, [["x:a", 2]]);
    await commitBlock(3, [["x:a", 3]]);
    const o = new Overlay(store);
    o.setBlock(4, true);
    await o.put("x:a", 4);
    await store.commit(o, { number: 4, hash: "0x04", timestamp: 4 }, new Map(), 3);
    expect(await store.keys("undo:")).to.deep.equal([K.undo(3), K.undo(4)]);
    expect((await store.keptBlocks()).map(([n]) => n)).to.deep.equal([3]);
  });

  it("leaves bookkeeping (checkpoint, hashes, journals) out of the canonical dump", async function () {
    await commitBlock(1, [["a:1", { id: "1" }]]);
    const dump = await store.canonicalDump();
    expect(dump.lines).to.deep.equal([`a:1\t{"id":"1"}`]);
    expect(dump.sha256).to.match(/^[0-9a-f]{64}$/);
  });

  it("serves a reader from one snapshot even while a commit lands", async function () {
    await commitBlock(1, [["x:a", 1]]);
    const reader = store.reader();
    await commitBlock(2, [["x:a", 2]]);
    expect(await reader.get("x:a")).to.equal(1);
    expect((await reader.get<{ number: number }>(K.checkpoint))?.number).to.equal(1);
    await reader.close();
    expect(await store.get("x:a")).to.equal(2);
  });

  it("never serves a cached value older than the last commit or rollback, and moves the generation on every write", async function () {
    await commitBlock(1, [["x:a", 1]]);
    const reader = store.cachedReader();
    expect(await reader.get("x:a")).to.equal(1); // now cached
    expect(await reader.get("x:none")).to.equal(undefined); // absence cached too
    const g = store.generation;
    await commitBlock(2, [["x:a", 2], ["x:none", "here"]]);
    expect(store.generation).to.be.greaterThan(g);
    expect(await reader.get("x:a")).to.equal(2);
    expect(await reader.get("x:none")).to.equal("here");
    await store.rollback(1, { hash: `0x${(1).toString(16).padStart(64, "0")}`, timestamp: 1001 });
    expect(await reader.get("x:a")).to.equal(1);
    expect(await reader.get("x:none")).to.equal(undefined);
  });

  it("is unstable exactly while a commit or rollback is being written, so cached answers are not trusted then", async function () {
    await commitBlock(1, [["x:a", 1]]);
    expect(store.stable).to.equal(true);
    const g = store.generation;
    // What a reader would see while LevelDB applies each batch (reads may land either side of it).
    const seenWhileWriting: boolean[] = [];
    const realBatch = store.db.batch.bind(store.db) as (...args: unknown[]) => unknown;
    const watched = async (write: () => Promise<void>) => {
      seenWhileWriting.push(store.stable);
      await write();
      seenWhileWriting.push(store.stable);
    };
    // Commits write a chained batch, rollbacks an array of operations: watch both.
    (store.db as unknown as { batch: (...args: unknown[]) => unknown }).batch = (...args: unknown[]) => {
      if (args.length > 0) return watched(() => realBatch(...args) as Promise<void>);
      const chained = realBatch() as { write: () => Promise<void> };
      const write = chained.write.bind(chained);
      chained.write = () => watched(write);
      return chained;
    };
    await commitBlock(2, [["x:a", 2]]);
    expect(store.stable).to.equal(true);
    expect(store.generation).to.equal(g + 2);
    await store.rollback(1, { hash: `0x${(1).toString(16).padStart(64, "0")}`, timestamp: 1001 });
    expect(store.stable).to.equal(true);
    expect(seenWhileWriting).to.deep.equal([false, false, false, false]);
    expect(await store.cachedReader().get("x:a")).to.equal(1);
  });

  it("putNew journals a delete without reading the store, and a rollback removes the key", async function () {
    await commitBlock(1, [["x:old", "before"]]);
    const reads: string[] = [];
    const getSync = store.db.getSync.bind(store.db) as (key: string) => string | undefined;
    (store.db as unknown as { getSync: (key: string) => string | undefined }).getSync = (key: string) => {
      reads.push(key);
      return getSync(key);
    };
    const o = new Overlay(store);
    o.setBlock(2, true);
    o.putNew("ah:fresh", { v: 1 });
    o.put("x:old", "after");
    const cp = { number: 2, hash: `0x${(2).toString(16).padStart(64, "0")}`, timestamp: 1002 };
    await store.commit(o, cp, new Map([[2, cp]]), 0);
    expect(reads, "store reads for the undo journal").to.deep.equal(["x:old"]);
    expect(await store.get("ah:fresh")).to.deep.equal({ v: 1 });
    await store.rollback(1, { hash: `0x${(1).toString(16).padStart(64, "0")}`, timestamp: 1001 });
    expect(await store.get("ah:fresh")).to.equal(undefined);
    expect(await store.get("x:old")).to.equal("before");
  });

  it("a range reads through the previous range while that one is still being written, and journals its values", async function () {
    await commitBlock(1, [["x:a", 1], ["x:b", 1]]);
    const first = new Overlay(store);
    first.setBlock(2, true);
    first.put("x:a", 2);
    first.del("x:b");
    const cp2 = { number: 2, hash: `0x${(2).toString(16).padStart(64, "0")}`, timestamp: 1002 };
    const writing = store.commit(first, cp2, new Map([[2, cp2]]), 0);
    const second = new Overlay(store, first);
    second.setBlock(3, true);
    expect(second.get("x:a"), "the previous range's write").to.equal(2);
    expect(second.has("x:b"), "the previous range's delete").to.equal(false);
    second.put("x:a", 3);
    second.put("x:b", 3);
    await writing;
    second.detachBase();
    const cp3 = { number: 3, hash: `0x${(3).toString(16).padStart(64, "0")}`, timestamp: 1003 };
    await store.commit(second, cp3, new Map([[3, cp3]]), 0);
    expect(await store.get("x:a")).to.equal(3);
    await store.rollback(2, cp2);
    expect(await store.get("x:a"), "undone to the previous range's value").to.equal(2);
    expect(await store.get("x:b"), "undone to the previous range's delete").to.equal(undefined);
  });

  it("appendNew writes through LevelDB's batch at commit, cannot be read back or changed in its range, and is undone by a rollback", async function () {
    await commitBlock(1, [["x:a", 1]]);
    const o = new Overlay(store);
    o.setBlock(2, true);
    o.appendNew("ah:1", { v: 1 });
    o.appendNew("ah:1", { v: 2 }); // written again in the same block: the last value wins
    expect(() => o.get("ah:1")).to.throw(/write-only/);
    expect(() => o.put("ah:1", 3)).to.throw(/write-only/);
    o.put("x:a", 2);
    expect(() => o.appendNew("x:a", 3)).to.throw(/already written/);
    expect(await store.get("ah:1"), "nothing lands before the commit").to.equal(undefined);
    const cp = { number: 2, hash: `0x${(2).toString(16).padStart(64, "0")}`, timestamp: 1002 };
    await store.commit(o, cp, new Map([[2, cp]]), 0);
    expect(await store.get("ah:1")).to.deep.equal({ v: 2 });
    await store.rollback(1, { hash: `0x${(1).toString(16).padStart(64, "0")}`, timestamp: 1001 });
    expect(await store.get("ah:1")).to.equal(undefined);

    const dropped = new Overlay(store);
    dropped.setBlock(2, true);
    dropped.appendNew("ah:2", { v: 1 });
    await store.discard(dropped);
    expect(await store.get("ah:2"), "a discarded range writes nothing").to.equal(undefined);
  });

  // ─── Cache bookkeeping across failed writes ────────────────────────────────────────────

  it("a rollback whose batch fails leaves the generation even, the cache on, and the old state served", async function () {
    await commitBlock(1, [["x:a", 1]]);
    await commitBlock(2, [["x:a", 2]]);
    const reader = store.cachedReader();
    expect(await reader.get("x:a")).to.equal(2);
    failNextWrite("rollback");
    let err: unknown;
    try {
      await store.rollback(1, { hash: `0x${(1).toString(16).padStart(64, "0")}`, timestamp: 1001 });
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/no space left/);
    expect(store.stable, "an odd generation forever would turn the cache off").to.equal(true);
    expect(store.generation % 2).to.equal(0);
    expect(await reader.get("x:a"), "the failed rollback changed nothing").to.equal(2);
    expect((await store.checkpoint())?.number).to.equal(2);
    // The cache still fills and the next rollback works.
    expect(store.cacheStats().entries).to.be.greaterThan(0);
    await store.rollback(1, { hash: `0x${(1).toString(16).padStart(64, "0")}`, timestamp: 1001 });
    expect(await reader.get("x:a")).to.equal(1);
    expect(store.stable).to.equal(true);
  });

  it("a commit whose batch fails leaves the generation even and the store at the previous commit", async function () {
    await commitBlock(1, [["x:a", 1]]);
    const reader = store.cachedReader();
    expect(await reader.get("x:a")).to.equal(1);
    failNextWrite("commit");
    let err: unknown;
    try {
      await commitBlock(2, [["x:a", 2]]);
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/no space left/);
    expect(store.stable).to.equal(true);
    expect(await reader.get("x:a")).to.equal(1);
    await commitBlock(2, [["x:a", 2]]);
    expect(await reader.get("x:a")).to.equal(2);
  });

  it("counts the cache's characters exactly: dropping written keys takes off only what they held", async function () {
    await commitBlock(1, [["x:a", "aaaa"], ["x:b", "bb"]]);
    store.setCacheLimit(1_000);
    const reader = store.cachedReader();
    await reader.get("x:a"); // '"aaaa"' is 6 characters, the key 3
    await reader.get("x:b");
    await reader.get("x:none"); // an absence: the key only
    expect(store.cacheStats()).to.deep.equal({ entries: 3, chars: 9 + 7 + 6 });
    // Block 2 writes x:a (cached), deletes x:b (cached) and writes x:c (not cached).
    await commitBlock(2, [["x:a", "a"], ["x:b", null], ["x:c", "c"]]);
    expect(store.cacheStats()).to.deep.equal({ entries: 1, chars: 6 });
    // Deleting keys that are not cached any more takes nothing off.
    await commitBlock(3, [["x:b", null], ["x:c", null]]);
    expect(store.cacheStats()).to.deep.equal({ entries: 1, chars: 6 });
    expect(await reader.get("x:a")).to.equal("a");
    expect(store.cacheStats()).to.deep.equal({ entries: 2, chars: 6 + 6 });
  });

  // ─── State digest ──────────────────────────────────────────────────────────────────────

  const blocks: [number, [string, unknown][]][] = [
    [1, [["x:a", 1], ["x:b", { v: "b" }]]],
    [2, []],
    [3, [["x:a", 2], ["x:b", null]]],
    [4, [["x:c", [1, 2]], ["x:a", 3]]],
    [5, [["x:d", "d"]]],
  ];

  it("gives the same digest at every block however the blocks were grouped into ranges", async function () {
    const one = await commitRanges(store, blocks.map((b) => [b]));
    const otherDir = mkdtempSync(path.join(tmpdir(), "drl-store-"));
    const other = await IndexStore.open(otherDir);
    try {
      const grouped = await commitRanges(other, [blocks.slice(0, 3), blocks.slice(3)]);
      expect([...grouped]).to.deep.equal([...one]);
      expect((await other.checkpoint())?.digest).to.equal((await store.checkpoint())?.digest);
      expect((await other.canonicalDump()).sha256).to.equal((await store.canonicalDump()).sha256);
    } finally {
      await other.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
    // A block without writes keeps the digest; a block with writes moves it.
    expect(one.get(2)).to.equal(one.get(1));
    expect(new Set([STATE_DIGEST_GENESIS, one.get(1), one.get(3), one.get(4), one.get(5)]).size).to.equal(5);
    for (const d of one.values()) expect(d).to.match(/^[0-9a-f]{64}$/);
  });

  it("moves the digest for any different write: value, key, a delete, or the block it lands in", async function () {
    const variants: [number, [string, unknown][]][][] = [
      [[1, [["x:a", 1]]]],
      [[1, [["x:a", 2]]]],
      [[1, [["x:b", 1]]]],
      [[1, [["x:a", null]]]],
      [[2, [["x:a", 1]]]],
      [[1, [["x:a", 1], ["x:b", 1]]]],
      [[1, [["x:b", 1], ["x:a", 1]]]],
    ];
    const seen = new Set<string | null | undefined>();
    for (const v of variants) {
      const d = mkdtempSync(path.join(tmpdir(), "drl-store-"));
      const s = await IndexStore.open(d);
      try {
        const digests = await commitRanges(s, [v]);
        seen.add([...digests.values()].at(-1));
      } finally {
        await s.close();
        rmSync(d, { recursive: true, force: true });
      }
    }
    expect(seen.size).to.equal(variants.length);
  });

  it("is SHA-256 over each block's writes as documented, chained by block, for long values and non-ASCII keys too", async function () {
    // What another implementation (an auditor's script, a replica in another language) must
    // compute: per block, SHA-256 over `<key length>:<key>=<value length>:<value>` for a put and
    // `<key length>:<key>-` for a delete, in write order; then SHA-256 of
    // `<previous digest>:<block>:` followed by that hex digest.
    const big = "v".repeat(150_000);
    const writes: [number, [string, unknown][]][] = [
      [7, [["x:a", 1], ["x:big", big], ["x:汉字", { n: "数据" }], ["x:a", null]]],
      [9, [["x:b", [big, big]]]],
    ];
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    let expected = STATE_DIGEST_GENESIS;
    const want = new Map<number, string>();
    for (const [n, ws] of writes) {
      const input = ws
        .map(([k, v]) => {
          if (v === null) return `${k.length}:${k}-`;
          const text = JSON.stringify(v);
          return `${k.length}:${k}=${text.length}:${text}`;
        })
        .join("");
      expected = sha(`${expected}:${n}:${sha(input)}`);
      want.set(n, expected);
    }
    const got = await commitRanges(store, [writes]);
    expect(got.get(7)).to.equal(want.get(7));
    expect(got.get(9)).to.equal(want.get(9));
    expect((await store.checkpoint())?.digest).to.equal(want.get(9));
  });

  it("restores the ancestor's digest on a rollback, and re-applying the same blocks gives the same digests again", async function () {
    const first = await commitRanges(store, [blocks.slice(0, 2), blocks.slice(2)]);
    const kept = new Map(await store.keptBlocks());
    const at2 = kept.get(2);
    if (!at2) throw new Error("block 2 not kept");
    await store.rollback(2, at2);
    expect((await store.checkpoint())?.digest).to.equal(first.get(2));
    const again = await commitRanges(store, [blocks.slice(2)]);
    for (const n of [3, 4, 5]) expect(again.get(n), `block ${n}`).to.equal(first.get(n));
  });

  // ─── Snapshots ─────────────────────────────────────────────────────────────────────────

  it("copies one commit's state (journals and checkpoint too) even while commits land, and refuses a non-empty target", async function () {
    await commitRanges(store, [blocks.slice(0, 3)]);
    const expected = await store.canonicalDump();
    const cp = await store.checkpoint();
    const out = path.join(dir, "..", `${path.basename(dir)}-copy`);
    try {
      const copying = store.copyTo(out);
      // A commit started after the copy began is not in it.
      const later = commitRanges(store, [blocks.slice(3)]);
      const [copied] = await Promise.all([copying, later]);
      expect(copied.checkpoint).to.deep.equal(cp);
      const copy = await IndexStore.open(out);
      try {
        expect(await copy.canonicalDump()).to.deep.equal(expected);
        expect(await copy.checkpoint()).to.deep.equal(cp);
        expect(await copy.keys("undo:")).to.deep.equal([K.undo(1), K.undo(3)]);
        expect((await copy.get<{ checkpoint: unknown }>("meta:snapshot"))?.checkpoint).to.deep.equal(cp);
      } finally {
        await copy.close();
      }
      let err: unknown;
      try {
        await store.copyTo(out);
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SnapshotTargetError);
      expect(String(err)).to.match(/not empty/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
