import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { HeapBudget } from "../server/indexer/memory";
import { SERVER_NODE_FLAGS, SERVER_PROCESS_ENV, missingStartSettings } from "../server/process-env";

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

describe("Server start settings (server/process-env.ts)", function () {
  // `npm start` (drl start) no longer spawns the server: it runs it in its own process beside
  // the chain's durable proxy, for one lifecycle on Ctrl-C; a local chain's index is small. The
  // settings are for what indexes a large chain: `npm run server` and the benchmark.
  it("are the ones `npm run server` starts with, and the benchmark uses the same constants", function () {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { scripts: Record<string, string> };
    const server = pkg.scripts.server ?? "";
    for (const flag of SERVER_NODE_FLAGS) expect(server, "npm run server").to.include(flag);
    for (const [k, v] of Object.entries(SERVER_PROCESS_ENV)) expect(server, "npm run server").to.include(`${k}=${v}`);
    for (const file of ["bench/indexer.ts"]) {
      const text = readFileSync(path.join(__dirname, "..", file), "utf8");
      expect(text, file).to.include("SERVER_NODE_FLAGS");
      expect(text, file).to.include("SERVER_PROCESS_ENV");
    }
  });

  it("names what a process started otherwise lacks, from flags or NODE_OPTIONS", function () {
    const all = { ...SERVER_PROCESS_ENV };
    expect(missingStartSettings(all, [...SERVER_NODE_FLAGS])).to.deep.equal([]);
    expect(missingStartSettings({ ...all, NODE_OPTIONS: "--max-old-space-size=512" }, [])).to.deep.equal([]);
    expect(missingStartSettings({}, [])).to.deep.equal([...SERVER_NODE_FLAGS, ...Object.entries(SERVER_PROCESS_ENV).map(([k, v]) => `${k}=${v}`)]);
    expect(missingStartSettings({ ...all, MALLOC_ARENA_MAX: "8" }, [...SERVER_NODE_FLAGS])).to.deep.equal(["MALLOC_ARENA_MAX=1"]);
  });
});
