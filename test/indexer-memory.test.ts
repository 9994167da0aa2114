import { expect } from "chai";
import { HeapBudget } from "../server/indexer/memory";

describe("Indexer heap budget", function () {
  it("runs a full collection after a commit once the heap passes the budget, and never with budget 0", function () {
    const tight = new HeapBudget(1); // any live heap is above 1 MB
    tight.afterCommit();
    tight.afterCommit();
    expect(tight.collections).to.equal(2);
    const off = new HeapBudget(0);
    off.afterCommit();
    expect(off.collections).to.equal(0);
    const roomy = new HeapBudget(1_000_000);
    roomy.afterCommit();
    expect(roomy.collections).to.equal(0);
  });
});
