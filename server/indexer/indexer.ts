/**
 * Follows the ledger's events into the store: backfill from the deploy block in adaptive
 * `eth_getLogs` ranges, then the head. Each range is applied in memory and committed in one
 * atomic batch with its checkpoint. Blocks near the head keep their hashes and an undo
 * journal; a changed hash at the checkpoint means a reorg, which is rolled back to the common
 * ancestor and re-applied. A reorg that the journals cannot undo halts the indexer: one deeper
 * than the kept window, or one below a block indexed while the indexer was more than the
 * window behind the head (such blocks have no journal). A range whose blocks change while it
 * is read is thrown away before it is written (see `confirmRange`).
 *
 * Every checkpoint carries the state digest (see Overlay): replicas at the same block have the
 * same digest, and a rollback restores the ancestor's.
 *
 * The addresses read are the static contracts of the deployment plus the registry's current
 * compliance and licence modules, as Ponder follows factory children: a ModulesSet in a range
 * switches to the new module from that log on (its logs after the ModulesSet, in the same
 * block too, are fetched and merged in) and drops the replaced module's later logs. The module
 * set is stored (K.modules) and journalled like any state, so a reorg undoes a switch.
 */
import { IndexStore, Overlay, SNAPSHOT_MARKER_KEY, STATE_DIGEST_GENESIS, checkpointOf, type Checkpoint, type KeptBlock, type SnapshotMarker } from "../store/store";
import { K } from "../store/keys";
import type { StoredModules } from "../store/records";
import { AnswerTooLargeError, RpcClient, RpcClosedError, RpcError, RpcUnavailableError } from "../rpc/client";
import type { Deployment } from "../deployment";
import type { IndexerState, IndexerStatus } from "../status";
import { ContractSet, LogDecoder, type RawLog } from "./decode";
import { Dispatcher } from "./dispatch";
import { IndexInvariantError, checkHandlers } from "./handlers";
import { HeapBudget } from "./memory";

export type { IndexerState, IndexerStatus };

export interface IndexerOptions {
  rpc: RpcClient;
  store: IndexStore;
  deployment: Deployment;
  /** Blocks to stay behind the head (0 on QBFT, which has instant finality). */
  confirmations?: number;
  /** How many recent blocks keep hashes and undo journals; deeper reorgs halt the indexer. */
  reorgWindow?: number;
  /** Largest and first `eth_getLogs` range, in blocks. */
  maxRange?: number;
  /** Aim for at most this many logs per committed range. */
  targetLogs?: number;
  /** Largest `eth_getLogs` answer read, in bytes; a larger one is cut off and the range halved. */
  maxAnswerBytes?: number;
  /** Poll interval once caught up with the head. */
  pollMs?: number;
  /** Heap (MB) above which a full garbage collection runs after a commit; 0 leaves it to V8. */
  heapBudgetMb?: number;
  log?: (message: string) => void;
}

/** The index belongs to another chain or deployment, or the chain rewrote more than the window. */
export class IndexerHaltedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IndexerHaltedError";
  }
}

interface Header {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

/**
 * The layout of the derived state. Raise it when handlers write keys an older index lacks (2:
 * the text search and flag indexes, the state digest; 3: an evidence revocation's block and tx),
 * so an old index is rebuilt, not half-read.
 */
export const INDEX_FORMAT = 3;

interface Identity {
  chainId: number;
  deployBlock: number;
  contracts: string[];
  format: number;
}

export class Indexer {
  readonly status: IndexerStatus;
  private readonly decoder: LogDecoder;
  private readonly confirmations: number;
  private readonly window: number;
  private readonly maxRange: number;
  private readonly targetLogs: number;
  private readonly maxAnswerBytes: number;
  private readonly pollMs: number;
  private readonly log: (m: string) => void;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly commitListeners = new Set<(cp: Checkpoint, events: number) => void>();
  private readonly heap: HeapBudget;
  /**
   * The range being written to LevelDB while the next one is read and applied (its writes are
   * visible to the next range through `overlay`). Only one write is ever in flight, and its
   * commit listeners run once it is durable.
   */
  private pending: { overlay: Overlay; checkpoint: Checkpoint; done: Promise<void> } | null = null;

  constructor(private readonly opts: IndexerOptions) {
    this.decoder = new LogDecoder(opts.deployment);
    this.confirmations = opts.confirmations ?? 0;
    this.window = opts.reorgWindow ?? 256;
    this.maxRange = opts.maxRange ?? 5_000;
    this.targetLogs = opts.targetLogs ?? 2_000;
    this.maxAnswerBytes = opts.maxAnswerBytes ?? 8 * 2 ** 20;
    this.pollMs = opts.pollMs ?? 100;
    this.log = opts.log ?? (() => {});
    this.heap = new HeapBudget(opts.heapBudgetMb ?? 0);
    this.status = {
      state: "starting",
      head: null,
      indexedBlock: null,
      indexedTimestamp: null,
      lastError: null,
      eventsApplied: 0,
      reorgs: 0,
      rpcFaults: 0,
      digest: null,
      // Start at one block and grow while answers are small: a dense chain must not arrive in one answer.
      range: 1,
    };
  }

  /** Called after every commit (and rollback) with the new checkpoint. */
  onCommit(listener: (cp: Checkpoint, events: number) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Starts the loop and returns at once: the API can answer (and /v1/health say why nothing
   * moves) even while the node is unreachable. The first step checks that the store belongs
   * to this deployment and chain; a mismatch halts the indexer.
   */
  async start(): Promise<void> {
    this.loop = this.run();
  }

  private async init(): Promise<void> {
    const { store, deployment, rpc } = this.opts;
    // Every event of the deployment's ABIs has a handler whose fields match it.
    try {
      checkHandlers(deployment);
    } catch (e) {
      if (e instanceof IndexInvariantError) throw new IndexerHaltedError(`the deployment's ABIs do not match the indexer's handlers: ${e.message}`);
      throw e;
    }
    const chainId = Number(await rpc.call<string>("eth_chainId"));
    if (chainId !== deployment.chainId) {
      throw new IndexerHaltedError(`the node at ${rpc.url} is chain ${chainId}, but the deployment is on chain ${deployment.chainId}`);
    }
    const identity: Identity = {
      chainId,
      deployBlock: deployment.deployBlock,
      contracts: [...deployment.byAddress.keys()].sort(),
      format: INDEX_FORMAT,
    };
    const stored = await store.get<Identity>(K.identity);
    if (stored && (stored.format ?? 1) !== INDEX_FORMAT) {
      throw new IndexerHaltedError(
        `the index directory was written by an older indexer (format ${stored.format ?? 1}, this one writes ${INDEX_FORMAT}); delete it (or point DRL_INDEX_DIR elsewhere) to reindex`,
      );
    }
    if (stored && JSON.stringify(stored) !== JSON.stringify(identity)) {
      throw new IndexerHaltedError(
        "the index directory belongs to another deployment (chain id, deploy block or contract addresses differ); point DRL_INDEX_DIR elsewhere or delete it to reindex",
      );
    }
    if (!stored) await store.db.put(K.identity, JSON.stringify(identity));
    await this.checkSnapshot();
    const cp = await store.checkpoint();
    if (cp) {
      this.setIndexed(cp);
      this.log(`resuming after block ${cp.number} (${cp.hash}); checking that it is still on the chain`);
    } else {
      this.log(`indexing from the deploy block ${deployment.deployBlock}`);
    }
    this.status.state = "syncing";
  }

  /**
   * An index restored from a snapshot (`npm run index:snapshot`) resumes only if the block the
   * snapshot was taken at is on this node's chain: a snapshot of another chain or of a branch
   * since replaced would otherwise be carried on as if it were this chain's state.
   */
  private async checkSnapshot(): Promise<void> {
    const { store, rpc } = this.opts;
    const marker = await store.get<SnapshotMarker>(SNAPSHOT_MARKER_KEY);
    if (!marker) return;
    const { number, hash } = marker.checkpoint;
    const h = await this.header(number);
    if (!h || h.hash.toLowerCase() !== hash) {
      throw new IndexerHaltedError(
        `this index was restored from a snapshot taken at block ${number} (${hash}, ${marker.takenAt}), but the node at ${rpc.url} ` +
          (h ? `has block ${h.hash.toLowerCase()} at that height` : "does not have that block") +
          ": the snapshot is of another chain or of a branch since replaced. The index was not changed; take a new snapshot or reindex from scratch.",
      );
    }
    await store.db.del(SNAPSHOT_MARKER_KEY);
    this.log(`restored from a snapshot taken at block ${number} (${marker.takenAt}); that block is on the chain`);
  }

  /** Stops after the current step; the store is left at its last commit. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.opts.rpc.close();
    await this.loop;
    if (this.status.state !== "halted") this.status.state = "stopped";
  }

  /** Resolves when a block at or past `n` is indexed. */
  waitForBlock(n: number, timeoutMs = 30_000): Promise<void> {
    if ((this.status.indexedBlock ?? -1) >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`block ${n} not indexed within ${timeoutMs} ms (at ${this.status.indexedBlock}; ${this.status.lastError ?? "no error"})`));
      }, timeoutMs);
      const off = this.onCommit((cp) => {
        if (cp.number >= n) {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    });
  }

  private setIndexed(cp: Checkpoint): void {
    this.status.indexedBlock = cp.number;
    this.status.indexedTimestamp = cp.timestamp;
    this.status.digest = cp.digest ?? null;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let ready = false;
    while (!this.stopping) {
      try {
        if (!ready) {
          await this.init();
          ready = true;
        }
        const caughtUp = await this.step();
        failures = 0;
        this.status.lastError = null;
        if (caughtUp) await this.sleep(this.pollMs);
      } catch (e) {
        // A step that fails leaves the last write to finish (or fail) before anything else.
        await this.settle().catch(() => {});
        if (e instanceof RpcClosedError || this.stopping) break;
        if (e instanceof IndexerHaltedError || e instanceof IndexInvariantError) {
          // An event that breaks the handlers' expectations would break them on every retry.
          this.status.state = "halted";
          this.status.lastError = e instanceof IndexInvariantError ? `an event breaks the index's invariants (a handler met a field or a state it cannot have): ${e.message}` : e.message;
          this.log(`HALTED: ${e.message}`);
          return;
        }
        failures++;
        this.status.lastError = e instanceof Error ? e.message : String(e);
        this.log(`step failed (${failures}): ${this.status.lastError}`);
        await this.sleep(Math.random() * Math.min(5_000, 100 * 2 ** Math.min(failures, 10)));
      }
    }
    await this.settle().catch((e: unknown) => this.log(`the last commit failed: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Waits for the write in flight, if any; its failure is thrown here (the step is then retried from the store). */
  private async settle(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    try {
      await p.done;
    } finally {
      if (this.pending === p) this.pending = null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private async header(n: number): Promise<Header | null> {
    return this.opts.rpc.call<Header | null>("eth_getBlockByNumber", [hex(n), false]);
  }

  private async headers(numbers: number[]): Promise<Map<number, Header>> {
    const out = new Map<number, Header>();
    for (let i = 0; i < numbers.length; i += 200) {
      const chunk = numbers.slice(i, i + 200);
      const answers = await this.opts.rpc.batch<Header | null>(chunk.map((n) => ({ method: "eth_getBlockByNumber", params: [hex(n), false] })));
      answers.forEach((h, j) => {
        if (h instanceof RpcError) throw h;
        const n = chunk[j];
        if (!h || n === undefined) throw new Error(`block ${n} is not available from the node`);
        out.set(n, h);
      });
    }
    return out;
  }

  /** One step: a reorg check and one committed range. Returns true when there was nothing to do. */
  private async step(): Promise<boolean> {
    const { rpc, store, deployment } = this.opts;
    const head = Number(await rpc.call<string>("eth_blockNumber"));
    this.status.head = head;
    const cp = this.pending?.checkpoint ?? (await store.checkpoint());

    // The checkpoint must still be on the chain (this is also the start-up check).
    if (cp) {
      const h = await this.header(cp.number);
      if (!h || h.hash.toLowerCase() !== cp.hash) {
        await this.settle();
        const stored = await store.checkpoint();
        if (stored) await this.handleReorg(stored, head);
        return false;
      }
    }

    const target = head - this.confirmations;
    const from = cp ? cp.number + 1 : deployment.deployBlock;
    if (from > target) {
      await this.settle(); // caught up: the last range is indexed once it is durable
      this.status.state = "following";
      return true;
    }
    this.status.state = target - from > this.window ? "syncing" : "following";
    const journalFrom = head - this.window + 1; // blocks at or above this can still be reorged
    let to = Math.min(target, from + this.status.range - 1);
    const anchorTo = to;

    // Near the head, read the headers BEFORE the logs and check that they form one chain from
    // the checkpoint. A reorg after this point then shows: either as logs whose block hash is
    // not the header's, or as a checkpoint hash the next step no longer finds on the chain.
    const headers = new Map<number, Header>();
    const nearFrom = Math.max(from, journalFrom);
    if (to >= journalFrom) {
      const numbers: number[] = [];
      for (let n = nearFrom; n <= to; n++) numbers.push(n);
      for (const [n, h] of await this.headers(numbers)) headers.set(n, h);
      let prevHash = cp && cp.number === nearFrom - 1 ? cp.hash : null;
      for (let n = nearFrom; n <= to; n++) {
        const h = headers.get(n);
        if (!h) throw new Error(`missing header ${n}`);
        if (prevHash !== null && h.parentHash.toLowerCase() !== prevHash) throw new Error(`the chain changed while block ${n} was read`);
        prevHash = h.hash.toLowerCase();
      }
    }
    // A range whose headers were read and linked to the checkpoint before its logs is checked
    // by them (and by the next step's checkpoint check). Any other range takes its last block's
    // header now as an anchor, and `confirmRange` checks after the reads that it did not change.
    const linked = cp !== undefined && from >= journalFrom;
    let anchor: string | null = null;
    if (!linked) {
      const h = headers.get(anchorTo) ?? (await this.header(anchorTo));
      if (!h) throw new Error(`block ${anchorTo} is not available from the node`);
      headers.set(anchorTo, h);
      anchor = h.hash.toLowerCase();
    }
    const startDigest = cp ? (cp.digest ?? null) : STATE_DIGEST_GENESIS;
    const overlay = new Overlay(store, this.pending?.overlay ?? null, startDigest);
    const contracts = new ContractSet(deployment.staticContracts, overlay.get<StoredModules>(K.modules) ?? deployment.defaultModules);
    const read = await this.readLogs(from, to, contracts.addresses());
    let logs = read.logs;
    to = read.to;
    const smallAnswer = logs.length < this.targetLogs / 4 && answerBytes(logs) < this.maxAnswerBytes / 4;
    await this.checkLogs(logs, headers, to);

    const dispatcher = new Dispatcher(overlay);
    let applied = 0;
    let next: Checkpoint;
    let keep: Map<number, KeptBlock>;
    try {
      for (let i = 0; i < logs.length; i++) {
        const l = logs[i];
        // Each log is let go once applied: the range's logs are then not all alive (and copied
        // by every young-generation collection) until the commit.
        logs[i] = DONE;
        if (!l || l.removed) continue;
        const contract = contracts.keyOf(l.address);
        if (!contract) continue; // a replaced module's log after the switch
        const ev = this.decoder.decode(l, contract);
        if (!ev) {
          // Our contract emitted an event its ABI does not declare: the deployment's ABIs are
          // out of date, and skipping it would leave its change out of the index.
          throw new IndexInvariantError(
            contract,
            "",
            `log ${Number(l.logIndex)} of block ${Number(l.blockNumber)} (tx ${l.transactionHash}) has topic ${l.topics[0] ?? "(none)"}, which no event of the deployment's ABI for this contract has`,
          );
        }
        const time = l.blockTimestamp !== undefined ? Number(l.blockTimestamp) : Number(headers.get(ev.block)?.timestamp ?? 0);
        overlay.setBlock(ev.block, ev.block >= journalFrom);
        dispatcher.apply(ev, time);
        applied++;
        if (contract === "registry" && ev.event === "ModulesSet") {
          const added = contracts.switchTo(overlay.get<StoredModules>(K.modules) ?? deployment.defaultModules);
          if (added.length > 0) {
            // The new module's logs from this one on (in this block, only those after it).
            const after = (m: RawLog) => Number(m.blockNumber) > ev.block || (Number(m.blockNumber) === ev.block && Number(m.logIndex) > ev.logIndex);
            const more = (await this.readLogsOf(added, ev.block, to)).filter(after);
            if (more.length > 0) {
              this.log(`module swap at block ${ev.block}: reading ${added.join(", ")} from there (${more.length} log(s) in this range)`);
              await this.checkLogs(more, headers, to);
              logs = mergeLogs(logs.slice(i + 1), more);
              i = -1;
            }
          }
        }
      }
      if (anchor !== null) await this.confirmRange(cp ?? null, anchorTo, anchor);
      const last = headers.get(to);
      if (!last) throw new Error(`missing header ${to}`);
      keep = new Map<number, KeptBlock>();
      for (const [n, h] of headers) if (n >= journalFrom && n <= to) keep.set(n, withDigest<KeptBlock>({ hash: h.hash.toLowerCase(), timestamp: Number(h.timestamp) }, overlay.digestAt(n)));
      next = withDigest<Checkpoint>({ number: to, hash: last.hash.toLowerCase(), timestamp: Number(last.timestamp) }, overlay.digestAt(to));
      // The previous range must be durable before this one is written (one write in flight, in
      // order); from then on the store alone holds what this range read through it.
      await this.settle();
      overlay.detachBase();
    } catch (e) {
      await store.discard(overlay); // the range is not written: free its native batch now
      throw e;
    }
    const done = store.commit(overlay, next, keep, to - this.window).then(() => {
      this.status.eventsApplied += applied;
      this.setIndexed(next);
      for (const l of this.commitListeners) l(next, applied);
      this.heap.afterCommit();
    });
    done.catch(() => {}); // observed by settle(); this only keeps an early failure from being "unhandled"
    this.pending = { overlay, checkpoint: next, done };
    // Grow the range again while answers are small, in logs and in bytes (so that a range cut
    // for size does not grow straight back into the cap).
    if (smallAnswer) {
      this.status.range = Math.min(this.maxRange, this.status.range * 2);
    }
    return false;
  }

  /**
   * After every read of a range: the checkpoint's block is still on the chain, then the anchor
   * (the range's last block as read before the logs) is unchanged. The anchor fixes its whole
   * ancestry, so the two together mean that the logs, the headers read since and the
   * checkpoint all belong to one chain; a fork that landed anywhere in between (above or below
   * the checkpoint) fails this and the range is read again, after the next step's checkpoint
   * check has dealt with the reorg.
   */
  private async confirmRange(cp: Checkpoint | null, anchorTo: number, anchor: string): Promise<void> {
    if (cp) {
      const h = await this.header(cp.number);
      if (!h || h.hash.toLowerCase() !== cp.hash) throw new ChainMovedError(`the indexed block ${cp.number} was replaced while blocks after it were read`);
    }
    const h = await this.header(anchorTo);
    if (!h || h.hash.toLowerCase() !== anchor) throw new ChainMovedError(`block ${anchorTo} was replaced while its range was read`);
  }

  /**
   * Fetches the headers the range's logs need (timestamps the node did not put in the logs, and
   * the last block's) and checks that every log belongs to a block whose header was read.
   */
  private async checkLogs(logs: RawLog[], headers: Map<number, Header>, to: number): Promise<void> {
    const missing = new Set<number>();
    if (!headers.has(to)) missing.add(to);
    for (const l of logs) {
      const n = Number(l.blockNumber);
      if (l.blockTimestamp === undefined && !headers.has(n)) missing.add(n);
    }
    for (const [n, h] of await this.headers([...missing].sort((x, y) => x - y))) headers.set(n, h);
    for (const l of logs) {
      const h = headers.get(Number(l.blockNumber));
      if (h && h.hash.toLowerCase() !== l.blockHash.toLowerCase()) throw new Error(`log of block ${Number(l.blockNumber)} is from a replaced block`);
    }
  }

  /** `eth_getLogs` over [from, to], shrinking the range while the node refuses or caps it. */
  private async readLogs(from: number, to: number, addresses: string[]): Promise<{ logs: RawLog[]; to: number }> {
    for (;;) {
      try {
        const logs = await this.opts.rpc.call<RawLog[]>(
          "eth_getLogs",
          [{ fromBlock: hex(from), toBlock: hex(to), address: addresses }],
          // A range grown over quiet blocks can meet busy ones: the size cap keeps that answer
          // from costing more memory than a normal one.
          { attempts: 3, maxBytes: to > from ? this.maxAnswerBytes : Infinity },
        );
        if (logs.length > this.targetLogs && to > from) {
          // Too many: aim the next range at the target, and apply only whole blocks up to about
          // twice the target now (memory stays bounded; the rest is read again next step).
          this.status.range = Math.max(1, Math.floor(((to - from + 1) * this.targetLogs) / logs.length));
          if (logs.length > 2 * this.targetLogs) {
            const cut = Number(logs[2 * this.targetLogs]?.blockNumber ?? to);
            const last = Math.max(from, cut - 1);
            return { logs: logs.filter((l) => Number(l.blockNumber) <= last), to: last };
          }
        }
        return { logs, to };
      } catch (e) {
        if (!(e instanceof RpcError || e instanceof RpcUnavailableError || e instanceof AnswerTooLargeError)) throw e;
        if (to === from) return { logs: await this.readBlockByContract(from, addresses), to };
        if (e instanceof AnswerTooLargeError && e.size !== null) {
          // The node said how large the answer was: aim under the cap at once (with 20% spare)
          // rather than halving through several more oversized answers.
          const fits = Math.floor(((to - from + 1) * e.maxBytes * 0.8) / e.size);
          to = from + Math.max(0, Math.min(to - from - 1, fits - 1));
        } else {
          to = from + Math.floor((to - from) / 2);
        }
        this.status.range = to - from + 1;
        this.log(`eth_getLogs refused or failed (${e.message}); range now ${this.status.range} blocks`);
      }
    }
  }

  /**
   * One block whose logs the node will not return in one answer (a provider's log cap):
   * ask contract by contract and merge in log order. A single contract over the cap in a
   * single block cannot be split further; that error goes up and the step is retried.
   */
  private async readBlockByContract(n: number, addresses: string[]): Promise<RawLog[]> {
    const parts: RawLog[][] = [];
    for (const address of addresses) {
      parts.push(await this.opts.rpc.call<RawLog[]>("eth_getLogs", [{ fromBlock: hex(n), toBlock: hex(n), address }], { attempts: 3 }));
    }
    return parts.flat().sort((a, b) => Number(a.logIndex) - Number(b.logIndex));
  }

  /**
   * Every log of `addresses` in [from, to] (a module the range switched to), however many
   * ranges the node needs for them: a refused or oversized answer is split in halves.
   */
  private async readLogsOf(addresses: string[], from: number, to: number): Promise<RawLog[]> {
    try {
      return await this.opts.rpc.call<RawLog[]>(
        "eth_getLogs",
        [{ fromBlock: hex(from), toBlock: hex(to), address: addresses }],
        { attempts: 3, maxBytes: to > from ? this.maxAnswerBytes : Infinity },
      );
    } catch (e) {
      if (!(e instanceof RpcError || e instanceof RpcUnavailableError || e instanceof AnswerTooLargeError)) throw e;
      if (to === from) return this.readBlockByContract(from, addresses);
      const mid = from + Math.floor((to - from) / 2);
      return [...(await this.readLogsOf(addresses, from, mid)), ...(await this.readLogsOf(addresses, mid + 1, to))];
    }
  }

  /**
   * The checkpoint's block was replaced: roll back to the newest kept block still on the chain,
   * but only across blocks that all have journals. A block indexed while the indexer was more
   * than the window behind has none, and kept blocks below it cannot be rolled back to: undoing
   * the journals above the ancestor would leave that block's writes in place.
   */
  private async handleReorg(cp: Checkpoint, head: number): Promise<void> {
    const { store } = this.opts;
    const kept = await store.keptBlocks(); // newest first
    const keptAt = new Map(kept);
    // The journalled run down from the checkpoint: [lowest, cp.number], every block kept.
    let lowest = cp.number + 1;
    while (keptAt.has(lowest - 1)) lowest--;
    // An ancestor is a kept block of the run (below `lowest` the journals have a gap).
    for (const [n, b] of kept) {
      if (n > cp.number || n > head) continue;
      if (n < lowest) break;
      const h = await this.header(n);
      if (h && h.hash.toLowerCase() === b.hash) {
        await store.rollback(n, b);
        const at = checkpointOf(n, b);
        this.status.reorgs++;
        this.setIndexed(at);
        this.log(`reorg: block ${cp.number} was replaced; rolled back ${cp.number - n} block(s) to the common ancestor ${n}`);
        for (const l of this.commitListeners) l(at, 0);
        return;
      }
    }
    const oldest = kept.at(-1)?.[0];
    const gap =
      lowest > cp.number
        ? `; block ${cp.number} itself has no undo journal (it was indexed while the indexer was more than the window behind the head)`
        : oldest !== undefined && oldest < lowest
          ? `; block ${lowest - 1} has no undo journal (indexed while more than the window behind the head), so the kept blocks below it cannot be rolled back to`
          : "";
    throw new IndexerHaltedError(
      `reorg deeper than the kept window: indexed block ${cp.number} (${cp.hash}) is no longer on the chain and no journalled block ` +
        (lowest > cp.number ? "" : `back to ${lowest} `) +
        `matches it (window ${this.window} blocks)${gap}. The index was not changed; reindex from scratch (delete the index directory).`,
    );
  }
}

/** The chain changed while a range was read: the range is not written and the step is retried. */
class ChainMovedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainMovedError";
  }
}

function withDigest<T extends { digest?: string }>(x: T, digest: string | null): T {
  if (digest !== null) x.digest = digest;
  return x;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Stands in for an applied log in a range's list. */
const DONE: RawLog = { address: "", topics: [], data: "0x", blockNumber: "0x0", blockHash: "", transactionHash: "", logIndex: "0x0", removed: true };

/** Two lists of logs merged in chain order, each log once (a module switched back to was read before). */
function mergeLogs(a: RawLog[], b: RawLog[]): RawLog[] {
  const pos = (l: RawLog) => Number(l.blockNumber) * 1e6 + Number(l.logIndex);
  const seen = new Set<number>();
  return [...a, ...b]
    .filter((l) => {
      const p = pos(l);
      if (seen.has(p)) return false;
      seen.add(p);
      return true;
    })
    .sort((x, y) => pos(x) - pos(y));
}

/** About how many bytes of JSON `logs` took (hashes, numbers and field names are ~500 bytes a log). */
function answerBytes(logs: RawLog[]): number {
  let n = 0;
  for (const l of logs) n += 500 + l.data.length + 69 * l.topics.length;
  return n;
}
