/**
 * The registry's module swap (`setModules`) on Anvil: the indexer reads the static contracts
 * plus the registry's current compliance and licence modules, as Ponder follows factory
 * children. A ModulesSet switches the indexer to the new modules from that log on (within the
 * block, only the logs after it), the replaced modules' later logs are ignored, and the module
 * set is journalled state: a reorg that undoes the ModulesSet undoes the switch. Every check
 * ends with the contracts' own views and a clean reindex of the same chain.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import { FUNCTION_ROLES } from "../scripts/lib/access";
import { selectorsOf } from "../scripts/lib/ledger";
import { ROLES } from "../scripts/lib/roles";
import { ProvenanceClient } from "../sdk/api/client";
import { LICENSE_STATE } from "../sdk/api/enums";
import type { ComplianceRegistry, LicenseRegistry } from "../typechain-types";
import type { AnvilNode } from "./helpers/anvil";
import { mined, registerOnAnvil, startAnvilWorld, type AnvilWorld } from "./helpers/anvil-world";
import { describeDumpDifference } from "./helpers/compare";
import { DAY, Territory, YEAR, applicationAt, h, termsFor } from "./helpers/fixture";
import { startTestServer, type TestServer } from "./helpers/indexer";

describe("Indexer: following the registry's module swap (Anvil)", function () {
  this.timeout(300_000);
  let tmp: string;
  let node: AnvilNode;
  let w: AnvilWorld;
  let server: TestServer;
  let api: ProvenanceClient;
  let a: bigint;
  let b: bigint;
  let oldCompliance: ComplianceRegistry;
  let newCompliance: ComplianceRegistry;
  let oldLicenses: LicenseRegistry;
  let newLicenses: LicenseRegistry;
  /** Transactions of the block that swapped the modules, by part. */
  const swapBlock: Record<"oldBefore" | "swap" | "newAfter" | "oldAfter" | "newLicence", TransactionReceipt | null> = {
    oldBefore: null,
    swap: null,
    newAfter: null,
    oldAfter: null,
    newLicence: null,
  };

  const clear = (c: ComplianceRegistry, asset: bigint, recipient: string, until: number) =>
    c.connect(w.regulator).grantCrossBorderClearance(asset, recipient, h("route"), 1, until);

  /** The contracts' answers and the index's agree on every (asset, buyer, right, territory) at one block. */
  async function expectAgreement(): Promise<void> {
    await server.caughtUp();
    for (const id of [a, b]) {
      for (const buyer of [w.bob.address, w.carol.address, w.dave.address]) {
        for (const rights of ["holding", "processing"] as const) {
          for (const territory of ["domestic", "crossBorder"] as const) {
            const t = await api.tradability(id.toString(), { buyer, rights, territory, confirm: "chain" });
            expect(t.chain?.agrees, `asset ${id} → ${buyer} ${rights} ${territory}: index ${JSON.stringify(t.reasons.map((r) => r.code))}, chain ${JSON.stringify(t.chain?.reasons)}`).to.equal(true);
          }
        }
      }
    }
  }

  async function expectCleanReindex(label: string): Promise<void> {
    const head = await server.caughtUp();
    const clean = await startTestServer(node.url, w.deploymentFile);
    try {
      await clean.indexer.waitForBlock(head, 60_000);
      const [followed, fresh] = [await server.store.canonicalDump(), await clean.store.canonicalDump()];
      if (followed.sha256 !== fresh.sha256) expect.fail(`${label}: the followed index differs from a clean reindex:\n${describeDumpDifference(fresh, followed)}`);
    } finally {
      await clean.destroy();
    }
  }

  /** Sends the transactions into one block, in order, and returns their receipts. */
  async function oneBlock(sends: (() => Promise<ContractTransactionResponse>)[]): Promise<TransactionReceipt[]> {
    await node.rpc("evm_setAutomine", [false]);
    const txs: ContractTransactionResponse[] = [];
    try {
      for (const send of sends) txs.push(await send());
      await node.rpc("evm_mine");
    } finally {
      await node.rpc("evm_setAutomine", [true]);
    }
    return Promise.all(txs.map((tx) => mined(node, tx)));
  }

  before(async function () {
    tmp = mkdtempSync(path.join(tmpdir(), "drl-modules-"));
    ({ node, w } = await startAnvilWorld(path.join(tmp, "deployment.json")));
    const now = await node.timestamp();
    a = await registerOnAnvil(w, w.alice, applicationAt(now, { contentHash: h("module-a") }));
    b = await registerOnAnvil(w, w.bob, applicationAt(now, { contentHash: h("module-b") }));
    oldCompliance = w.ledger.compliance;
    oldLicenses = w.ledger.licenses;
    const t = await node.timestamp();
    // Under the deployment's modules: a clearance for (a, dave) and a licence alice → bob.
    await mined(node, await clear(oldCompliance, a, w.dave.address, t + YEAR));
    await mined(node, await oldLicenses.connect(w.alice).grant(a, termsFor(w.bob.address, { start: t, end: t + 30 * DAY })));

    // A second ComplianceRegistry and LicenseRegistry, wired like the first ones.
    const m = w.addresses.manager;
    newCompliance = (await (await ethers.getContractFactory("ComplianceRegistry", w.admin)).deploy(m, w.addresses.registry)) as unknown as ComplianceRegistry;
    await newCompliance.waitForDeployment();
    newLicenses = (await (await ethers.getContractFactory("LicenseRegistry", w.admin)).deploy(m, w.addresses.registry)) as unknown as LicenseRegistry;
    await newLicenses.waitForDeployment();
    const { manager } = w.ledger;
    const compliance = await newCompliance.getAddress();
    const licenses = await newLicenses.getAddress();
    for (const [role, names] of Object.entries(FUNCTION_ROLES.compliance ?? {}) as [keyof typeof ROLES, string[]][]) {
      await mined(node, await manager.connect(w.admin).setTargetFunctionRole(compliance, selectorsOf(newCompliance, names), ROLES[role]));
    }
    for (const [role, names] of Object.entries(FUNCTION_ROLES.licenses ?? {}) as [keyof typeof ROLES, string[]][]) {
      await mined(node, await manager.connect(w.admin).setTargetFunctionRole(licenses, selectorsOf(newLicenses, names), ROLES[role]));
    }
    await mined(node, await manager.connect(w.admin).grantRole(ROLES.COMPLIANCE_MODULE, compliance, 0));
    await mined(node, await manager.connect(w.admin).grantRole(ROLES.LICENSE_MODULE, licenses, 0));

    server = await startTestServer(node.url, w.deploymentFile);
    await server.caughtUp();
    api = new ProvenanceClient(server.url);
  });

  after(async function () {
    await server?.destroy();
    await node?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("before the swap, reads the deployment's modules", async function () {
    const health = await api.health();
    expect(health.modules).to.deep.equal({ compliance: w.addresses.compliance, licenses: w.addresses.licenses });
    expect((await api.asset(a.toString())).crossBorderClearances.map((c) => c.recipient)).to.deep.equal([w.dave.address]);
    expect((await api.license(1n)).module).to.equal(w.addresses.licenses);
    await expectAgreement();
  });

  it("switches to the new modules at the ModulesSet: in its block only the logs after it count, and the old modules' later logs are ignored", async function () {
    const t = await node.timestamp();
    const [oldBefore, swap, newAfter, oldAfter, newLicence] = await oneBlock([
      () => clear(oldCompliance, b, w.dave.address, t + YEAR),
      async () => w.ledger.registry.connect(w.admin).setModules(await newCompliance.getAddress(), await newLicenses.getAddress()),
      () => clear(newCompliance, a, w.carol.address, t + YEAR),
      () => clear(oldCompliance, b, w.carol.address, t + YEAR),
      () => newLicenses.connect(w.alice).grant(a, termsFor(w.carol.address, { start: t, end: t + 20 * DAY })),
    ]);
    Object.assign(swapBlock, { oldBefore, swap, newAfter, oldAfter, newLicence });
    // The node kept the order: one block, five transactions, in the order sent.
    const receipts = [oldBefore, swap, newAfter, oldAfter, newLicence];
    expect(new Set(receipts.map((r) => r?.blockNumber)).size).to.equal(1);
    expect(receipts.map((r) => r?.index)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(await w.ledger.registry.compliance()).to.equal(await newCompliance.getAddress());

    await server.caughtUp();
    const health = await api.health();
    expect(health.modules).to.deep.equal({ compliance: await newCompliance.getAddress(), licenses: await newLicenses.getAddress() });
    // The registry now reads the new module: its clearances only (carol for a; none for b).
    expect((await api.asset(a.toString())).crossBorderClearances.map((c) => c.recipient)).to.deep.equal([w.carol.address]);
    expect((await api.asset(b.toString())).crossBorderClearances).to.deep.equal([]);
    // The new licence module's licence 1 (its ids start again), with its state from the new module.
    const lic = await api.license(1n);
    expect(lic).to.include({ module: await newLicenses.getAddress(), assetId: a.toString() });
    expect(lic.licensee.address).to.equal(w.carol.address);
    expect(lic.state).to.equal(LICENSE_STATE[Number(await newLicenses.stateOf(1n))]);
    expect((await api.licenses(a.toString())).active.map((l) => l.module)).to.deep.equal([await newLicenses.getAddress()]);
    // b's history has the old module's clearance from before the swap, not the one after it.
    const history = (await api.history(b.toString(), { limit: 200 })).items.filter((e) => e.event === "CrossBorderCleared").map((e) => e.tx);
    expect(history).to.deep.equal([oldBefore?.hash.toLowerCase()]);
    await expectAgreement();
  });

  it("keeps following the new modules and ignoring the old ones in later blocks", async function () {
    const t = await node.timestamp();
    await mined(node, await clear(newCompliance, a, w.dave.address, t + YEAR));
    await mined(node, await clear(oldCompliance, b, w.dave.address, t + 2 * YEAR)); // ignored: b → dave stays uncleared
    await mined(node, await newCompliance.connect(w.regulator).revokeCrossBorderClearance(a, w.carol.address, h("revoked")));
    await mined(node, await newLicenses.connect(w.alice).grant(a, termsFor(w.dave.address, { territory: Territory.CrossBorder, start: t, end: t + 20 * DAY })));
    await server.caughtUp();
    expect((await api.asset(a.toString())).crossBorderClearances.map((c) => c.recipient)).to.deep.equal([w.dave.address]);
    expect((await api.asset(b.toString())).crossBorderClearances).to.deep.equal([]);
    expect((await api.tradability(b.toString(), { buyer: w.dave.address })).reasons.map((r) => r.code)).to.deep.equal(["CrossBorderNotCleared"]);
    expect((await api.tradability(a.toString(), { buyer: w.dave.address })).tradable).to.equal(true);
    const cross = await api.license(2n);
    expect(cross.state).to.equal(LICENSE_STATE[Number(await newLicenses.stateOf(2n))]);
    expect(cross.state).to.equal("active");
    await expectAgreement();
    await expectCleanReindex("after the swap");
  });

  it("undoes the switch when a reorg removes the ModulesSet", async function () {
    const snapshot = await node.snapshot();
    const t = await node.timestamp();
    // On the branch that will be dropped: back to the deployment's modules, and an event of each.
    await mined(node, await w.ledger.registry.connect(w.admin).setModules(w.addresses.compliance, w.addresses.licenses));
    await mined(node, await clear(oldCompliance, b, w.carol.address, t + YEAR));
    await server.caughtUp();
    expect((await api.health()).modules.compliance).to.equal(w.addresses.compliance);
    const droppedHead = await node.provider.getBlockNumber();

    // The chain drops that branch for a longer one without the ModulesSet.
    expect(await node.revert(snapshot)).to.equal(true);
    await mined(node, await clear(newCompliance, b, w.dave.address, t + YEAR));
    await node.mine(droppedHead - (await node.provider.getBlockNumber()) + 2);
    await server.caughtUp();
    expect(server.indexer.status.reorgs).to.be.greaterThan(0);
    expect((await api.health()).modules).to.deep.equal({ compliance: await newCompliance.getAddress(), licenses: await newLicenses.getAddress() });
    expect((await api.asset(b.toString())).crossBorderClearances.map((c) => c.recipient)).to.deep.equal([w.dave.address]);
    expect((await api.tradability(b.toString(), { buyer: w.dave.address, confirm: "chain" })).chain?.agrees).to.equal(true);
    await expectAgreement();
    await expectCleanReindex("after the reorg");
  });
});
