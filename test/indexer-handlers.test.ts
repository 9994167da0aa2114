import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import ts from "typescript";
import { LEDGER_CONTRACTS, type LedgerName } from "../scripts/lib/ledger";
import { INDEXED_CONTRACTS, loadDeployment, type Deployment } from "../server/deployment";
import type { DecodedEvent } from "../server/indexer/decode";
import { Dispatcher } from "../server/indexer/dispatch";
import { HANDLERS, IndexInvariantError, checkHandlers } from "../server/indexer/handlers";
import { Indexer } from "../server/indexer/indexer";
import { RpcClient } from "../server/rpc/client";
import { IndexStore, Overlay } from "../server/store/store";

const ROOT = path.join(__dirname, "..");

/** A deployment file with the compiled ABIs (optionally edited) and made-up addresses. */
async function deploymentWith(dir: string, edit: (abis: Record<string, unknown[]>) => void = () => {}): Promise<Deployment> {
  const addresses: Record<string, string> = {};
  const abis: Record<string, unknown[]> = {};
  let i = 1;
  for (const [key, name] of Object.entries(LEDGER_CONTRACTS) as [LedgerName, string][]) {
    addresses[key] = `0x${(i++).toString(16).padStart(40, "0")}`;
    abis[key] = JSON.parse(JSON.stringify((await hre.artifacts.readArtifact(name)).abi)) as unknown[];
  }
  edit(abis);
  const file = path.join(dir, `deployment-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ network: "unit", chainId: 31337, deployBlock: 0, addresses, abis }));
  return loadDeployment(file);
}

type AbiEvent = { type: string; name: string; inputs: { name: string; type: string }[] };
function eventIn(abis: Record<string, unknown[]>, key: string, name: string): AbiEvent {
  const ev = (abis[key] as AbiEvent[]).find((e) => e.type === "event" && e.name === name);
  if (!ev) throw new Error(`no ${key}.${name}`);
  return ev;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

const where = { block: 7, blockHash: `0x${"aa".repeat(32)}`, tx: `0x${"bb".repeat(32)}`, logIndex: 0 };

describe("Indexer handlers: one typed module per contract, checked against the ABI", function () {
  let dir: string;
  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "drl-handlers-"));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers a handler for every event of every indexed contract's ABI, with matching fields", async function () {
    const d = await deploymentWith(dir);
    expect(() => checkHandlers(d)).to.not.throw();
    for (const key of INDEXED_CONTRACTS) {
      const names: string[] = [];
      d.interfaces[key].forEachEvent((e) => names.push(e.name));
      expect([...(HANDLERS.get(key)?.keys() ?? [])].sort(), key).to.deep.equal(names.sort());
    }
    expect(INDEXED_CONTRACTS).to.include("office");
  });

  it("refuses to start on a deployment whose ABI renamed, retyped or added a field, naming the event and the field", async function () {
    const renamed = await deploymentWith(dir, (abis) => {
      const ev = eventIn(abis, "registry", "AssetRegistered");
      const field = ev.inputs.find((p) => p.name === "registrationNumber");
      if (field) field.name = "regNumber";
    });
    const e1 = thrown(() => checkHandlers(renamed));
    expect(e1).to.be.instanceOf(IndexInvariantError);
    expect(e1).to.include({ event: "registry.AssetRegistered", field: "registrationNumber" });

    const retyped = await deploymentWith(dir, (abis) => {
      const ev = eventIn(abis, "office", "AssetApplied");
      const app = ev.inputs.find((p) => p.name === "application") as unknown as { components: { name: string; type: string }[] };
      const v = app.components.find((c) => c.name === "validUntil");
      if (v) v.type = "uint64"; // the decoder would give a decimal string, not a number
    });
    expect(thrown(() => checkHandlers(retyped))).to.include({ event: "office.AssetApplied", field: "application.validUntil" });

    const added = await deploymentWith(dir, (abis) => {
      eventIn(abis, "pledges", "PledgeCarried").inputs.push({ name: "extra", type: "bytes32" });
    });
    expect(thrown(() => checkHandlers(added))).to.include({ event: "pledges.PledgeCarried", field: "extra" });

    const unknownEvent = await deploymentWith(dir, (abis) => {
      (abis.licenses as unknown[]).push({ type: "event", anonymous: false, name: "LicenseTeleported", inputs: [{ name: "licenseId", type: "uint256", indexed: true }] });
    });
    expect(thrown(() => checkHandlers(unknownEvent))).to.include({ event: "licenses.LicenseTeleported" });

    // The indexer halts at start with that message, before it writes anything.
    const store = await IndexStore.open(path.join(dir, "halt-index"));
    const rpc = new RpcClient({ url: "http://127.0.0.1:9", timeoutMs: 200 });
    const indexer = new Indexer({ rpc, store, deployment: renamed, log: () => {} });
    try {
      await indexer.start();
      for (let i = 0; i < 100 && indexer.status.state !== "halted"; i++) await new Promise((r) => setTimeout(r, 10));
      expect(indexer.status.state).to.equal("halted");
      expect(indexer.status.lastError).to.match(/registry\.AssetRegistered\.registrationNumber/);
      expect((await store.canonicalDump()).entries).to.equal(0);
    } finally {
      await indexer.stop();
      await store.close();
    }
  });

  it("throws IndexInvariantError for an event whose field is missing or mistyped, and writes nothing for it", async function () {
    const store = await IndexStore.open(path.join(dir, "invariant-index"));
    try {
      const overlay = new Overlay(store);
      overlay.setBlock(7, true);
      const dispatcher = new Dispatcher(overlay);
      const registered: DecodedEvent = {
        ...where,
        contract: "registry",
        address: "0x0000000000000000000000000000000000000003",
        event: "AssetRegistered",
        args: { assetId: "1", holder: `0x${"11".repeat(20)}`, registrar: `0x${"22".repeat(20)}`, confirmedAt: 1, validUntil: 2 },
      };
      const missing = thrown(() => dispatcher.apply(registered, 1000));
      expect(missing).to.be.instanceOf(IndexInvariantError);
      expect(missing).to.include({ event: "registry.AssetRegistered", field: "registrationNumber" });
      expect((missing as Error).message).to.contain("missing");

      const mistyped = thrown(() => dispatcher.apply({ ...registered, args: { ...registered.args, registrationNumber: "DR-x", confirmedAt: "1" } }, 1000));
      expect(mistyped).to.include({ field: "confirmedAt" });

      const nested = thrown(() =>
        dispatcher.apply(
          {
            ...where,
            contract: "licenses",
            address: "0x0000000000000000000000000000000000000006",
            event: "LicenseGranted",
            args: {
              licenseId: "1",
              assetId: "1",
              licensee: `0x${"11".repeat(20)}`,
              licensor: `0x${"22".repeat(20)}`,
              parentId: "0",
              terms: { licensee: `0x${"11".repeat(20)}`, rights: 2 },
              viaOffer: false,
            },
          },
          1000,
        ),
      );
      expect(nested).to.include({ event: "licenses.LicenseGranted", field: "terms.territory" });

      const unknown = thrown(() => dispatcher.apply({ ...registered, event: "AssetTeleported" }, 1000));
      expect(unknown).to.include({ event: "registry.AssetTeleported" });
      // Nothing was written for the refused events (no "" or 0 in the store).
      expect(overlay.ops()).to.deep.equal([]);
      expect(overlay.takeBatch()).to.equal(null);
    } finally {
      await store.close();
    }
  });

  it("does not compile a handler whose event or field is renamed, missing, extra or of the wrong kind", function () {
    this.timeout(120_000);
    const file = path.join(dir, "bad-handlers.ts");
    const define = path.join(ROOT, "server/indexer/handlers/define").replace(/\\/g, "/");
    const registry = path.join(ROOT, "typechain-types/contracts/registry/DataAssetRegistry").replace(/\\/g, "/");
    writeFileSync(
      file,
      [
        `import type { DataAssetRegistry } from "${registry}";`,
        `import { contract } from "${define}";`,
        `contract<DataAssetRegistry>("registry")`,
        `  .on("PublicityStarted", { fields: { assetId: "dec", registrar: "address", publicityEnds: "num" }, summary: () => "" })`,
        `  .on("FrozenChanged", { fields: { assetId: "dec" }, summary: () => "" })`,
        `  .on("FrozenChangedTwice", { fields: { assetId: "dec" }, summary: () => "" })`,
        `  .on("PledgedChanged", { fields: { assetId: "dec", pledged: "num" }, summary: () => "" })`,
        `  .on("Transfer", { fields: { from: "address", to: "address", tokenId: "dec", extra: "dec" }, summary: () => "" })`,
        `  .on("GradeChanged", { fields: { assetId: "dec", previousGrade: "num", newGrade: "num" }, summary: (a) => a.newGrade.toUpperCase() });`,
        "",
      ].join("\n"),
    );
    const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, esModuleInterop: true });
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    const lines = errors.map((d) => (d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0));
    // One error per bad registration (lines 4-9), none elsewhere.
    expect([...new Set(lines)].sort((a, b) => a - b), errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("\n")).to.deep.equal([4, 5, 6, 7, 8, 9]);
    const text = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("\n");
    expect(text).to.contain("publicityEnds");
    expect(text).to.contain("FrozenChangedTwice");
    expect(text).to.contain("toUpperCase"); // newGrade is a number (uint8): no string methods
  });

  it("keeps the read path apart from the writer: nothing under server/state or server/api imports server/indexer", function () {
    const indexer = path.join(ROOT, "server", "indexer");
    const offenders: string[] = [];
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((f) => {
        const p = path.join(d, f);
        return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
      });
    const files = [...walk(path.join(ROOT, "server", "state")), ...walk(path.join(ROOT, "server", "api"))];
    expect(files.length).to.be.greaterThan(3);
    for (const f of files) {
      const source = readFileSync(f, "utf8");
      // Static imports and re-exports (type-only ones too), require() and dynamic import().
      const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1] ?? "");
      for (const s of specifiers) {
        if (!s.startsWith(".")) continue;
        const target = path.resolve(path.dirname(f), s);
        if (target === indexer || target.startsWith(indexer + path.sep)) offenders.push(`${path.relative(ROOT, f)} imports ${s}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
