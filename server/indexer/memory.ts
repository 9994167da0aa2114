/**
 * Keeps the indexer's heap near its live size during a backfill. Each committed range leaves
 * a few tens of megabytes of garbage that lived across LevelDB writes (so V8 promoted it);
 * left alone, V8 lets that grow to several hundred megabytes before collecting it. A full
 * collection when the heap passes a budget keeps the process small at a modest CPU cost.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Gc = () => void;

function exposeGc(): Gc | null {
  const existing = (globalThis as { gc?: Gc }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as Gc) : null;
  } catch {
    return null;
  }
}

export class HeapBudget {
  private readonly gc = exposeGc();
  collections = 0;

  /** @param budgetMb heap size (used) above which a full collection runs after a commit; 0 = never. */
  constructor(private readonly budgetMb: number) {}

  afterCommit(): void {
    if (!this.gc || this.budgetMb <= 0) return;
    if (process.memoryUsage().heapUsed > this.budgetMb * 1_048_576) {
      this.gc();
      this.collections++;
    }
  }
}
