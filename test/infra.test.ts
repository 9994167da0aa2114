import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Interface, JsonRpcProvider, Network, ZeroAddress, toQuantity, type InterfaceAbi } from "ethers";
import { LEDGER_CONTRACTS, type LedgerName } from "../scripts/lib/ledger";
import { ROLES } from "../scripts/lib/roles";
import { rawRpc, startAnvil, type AnvilNode } from "./helpers/anvil";
import {
  ANVIL_NETWORK,
  MEMBER_NAMES,
  deployAnvilWorld,
  generateLoad,
  isDeploymentFile,
  runScenario,
  startAnvilWorld,
  type AnvilWorld,
  type DeploymentFile,
  type ScenarioResult,
} from "./helpers/anvil-world";
import { startFaultProxy, type FaultProxy } from "./helpers/fault-proxy";
import { Jurisdiction, Milestone, Reason, Status } from "./helpers/fixture";

/** Events that only OpenZeppelin internals or admin configuration emit; the scenario need not. */
const NOT_REQUIRED = new Set(["AuthorityUpdated", "EIP712DomainChanged", "ModulesSet", "BaseURISet"]);

interface RawLog {
  address: string;
  topics: string[];
  data: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

const call = (method: string, params: unknown[] = [], id: number | string = 1) => ({ jsonrpc: "2.0", id, method, params });

function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

describe("Anvil test infrastructure", function () {
  this.timeout(120_000);

  describe("startAnvil", () => {
    it("starts a node on a free loopback port, answers, travels in time, snapshots and stops", async () => {
      const node = await startAnvil();
      const pid = node.child.pid;
      if (pid === undefined) throw new Error("no pid");
      try {
        expect(node.url).to.equal(`http://127.0.0.1:${node.port}`);
        expect(await node.rpc<string>("eth_chainId")).to.equal("0x7a69");
        expect(node.chainId).to.equal(31337);
        expect((await node.provider.getNetwork()).chainId).to.equal(31337n);
        // 21: the fixtures name dev account #20 the bureau.
        expect(await node.rpc<string[]>("eth_accounts")).to.have.length(21);
        const block = await node.rpc<{ gasLimit: string }>("eth_getBlockByNumber", ["latest", false]);
        expect(BigInt(block.gasLimit)).to.equal(1_000_000_000n);
        const dev7 = await node.signer(7);
        expect(dev7.address).to.match(/^0x[0-9a-fA-F]{40}$/);
        await expect(node.signer(21)).to.be.rejectedWith(/no #21/);
        await expect(node.rpc("no_such_method")).to.be.rejectedWith(/no_such_method: JSON-RPC error/);

        const t0 = await node.timestamp();
        const snap = await node.snapshot();
        await node.mine(3);
        await node.increaseTime(3600);
        expect(await node.provider.getBlockNumber()).to.equal(4);
        expect(await node.timestamp()).to.be.gte(t0 + 3600);
        expect(await node.revert(snap)).to.equal(true);
        expect(await node.provider.getBlockNumber()).to.equal(0);

        // Two nodes at once get two ports.
        const other = await startAnvil({ blockTime: 1 });
        expect(other.port).to.not.equal(node.port);
        await other.stop();
      } finally {
        await node.stop();
      }
      expect(isAlive(pid)).to.equal(false);
      await node.stop(); // twice is fine
      await expect(rawRpc(node.url, "eth_chainId")).to.be.rejected;
    });

    it("kills the node when the test process dies without stopping it (crash or SIGKILL)", async () => {
      const helper = path.join(__dirname, "helpers", "anvil");
      /** Runs a Node process that starts a node, prints its pid, then does `then`. */
      const orphanage = async (then: string, killParent: boolean): Promise<number> => {
        const script =
          `require(${JSON.stringify(helper)}).startAnvil()` +
          `.then((n) => { process.stdout.write(String(n.child.pid) + "\\n"); ${then} });`;
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
          cwd: path.join(__dirname, ".."),
          stdio: ["ignore", "pipe", "ignore"],
        });
        let out = "";
        const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString("utf8");
          if (killParent && out.includes("\n")) child.kill("SIGKILL");
        });
        const code = await exited;
        expect(code).to.not.equal(0);
        const pid = Number(out.trim());
        expect(pid, `pid printed by the dying process: "${out}"`).to.be.greaterThan(0);
        return pid;
      };
      const [crashed, killed] = await Promise.all([
        orphanage(`throw new Error("crash");`, false),
        orphanage(`setInterval(() => undefined, 1000);`, true),
      ]);
      expect(await waitUntil(() => !isAlive(crashed), 3000), "anvil still running after its parent crashed").to.equal(true);
      expect(await waitUntil(() => !isAlive(killed), 3000), "anvil still running after its parent was SIGKILLed").to.equal(true);
    });
  });

  describe("startAnvilWorld", () => {
    it("abandons an attempt that overruns its budget for a fresh node, and names the step of each when both do", async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), "drl-anvil-world-"));
      try {
        const err = await rejection(startAnvilWorld(path.join(dir, "d.json"), { attemptMs: 1 }));
        expect(err.message).to.match(/^could not start an Anvil ledger world: attempt 1: still starting anvil after 0\.001 s; attempt 2: still starting anvil after 0\.001 s$/);
        // With a budget it keeps, the same call deploys.
        const { node, w } = await startAnvilWorld(path.join(dir, "d.json"));
        try {
          expect(await node.provider.getCode(w.addresses.registry)).to.not.equal("0x");
        } finally {
          await node.stop();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("a ledger world on Anvil", () => {
    let node: AnvilNode;
    let dir: string;
    let w: AnvilWorld;
    let file: DeploymentFile;
    let s: ScenarioResult;

    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "drl-anvil-"));
      ({ node, w } = await startAnvilWorld(path.join(dir, "deployments", `${ANVIL_NETWORK}.json`)));
      const parsed: unknown = JSON.parse(await readFile(w.deploymentFile, "utf8"));
      if (!isDeploymentFile(parsed)) throw new Error("not a deployment file");
      file = parsed;
    });

    after(async () => {
      await node?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("deployAnvilWorld writes a deployment file whose addresses have code", async () => {
      expect(file.network).to.equal(ANVIL_NETWORK);
      expect(file.chainId).to.equal(31337);
      expect(file.deployBlock).to.equal(w.deployBlock);
      expect(file.contracts).to.deep.equal(LEDGER_CONTRACTS);
      const keys = Object.keys(LEDGER_CONTRACTS).sort();
      expect(Object.keys(file.addresses).sort()).to.deep.equal(keys);
      expect(Object.keys(file.abis).sort()).to.deep.equal(keys);
      for (const key of keys as LedgerName[]) {
        expect(file.addresses[key]).to.equal(w.addresses[key]);
        expect(await node.provider.getCode(file.addresses[key]), key).to.not.equal("0x");
        // Nothing was there before the deployment block.
        expect(await node.provider.getCode(file.addresses[key], file.deployBlock), key).to.equal("0x");
        expect(file.abis[key]).to.be.an("array").that.is.not.empty;
      }
      // Roles and members as fixture.deployWorld sets them.
      const { manager, members } = w.ledger;
      expect((await manager.hasRole(ROLES.REGISTRAR, w.registrar.address))[0]).to.equal(true);
      expect((await manager.hasRole(ROLES.COURT, w.court.address))[0]).to.equal(true);
      // A second court and a second exchange, as fixture.deployWorld has them.
      expect((await manager.hasRole(ROLES.COURT, w.court2.address))[0]).to.equal(true);
      expect((await manager.hasRole(ROLES.EXCHANGE, w.exchange2.address))[0]).to.equal(true);
      expect((await manager.hasRole(ROLES.ADMIN, w.admin.address))[0]).to.equal(true);
      expect((await members.memberOf(w.alice.address)).name).to.equal(MEMBER_NAMES.alice);
      expect((await members.standing(w.dave.address)).jurisdiction).to.equal(BigInt(Jurisdiction.Foreign));
      expect(await members.isActive(w.outsider.address)).to.equal(false);
    });

    it("runScenario leaves the state it reports and emits every ledger event", async function () {
      this.timeout(60_000);
      s = await runScenario(w);
      const { registry, office, licenses, pledges, disputes, evidence, milestones, members, tradeDesk } = w.ledger;
      const a = s.assets;

      // End states, as the result says.
      const registered = await registry.recordOf(a.registered);
      expect(registered.status).to.equal(Status.Registered);
      expect(registered.holder).to.equal(w.alice.address);
      expect([registered.frozen, registered.pledged, registered.disputed]).to.deep.equal([false, false, false]);
      expect(await registry.isExpired(a.registered)).to.equal(false);
      expect(await registry.transferCheck(a.registered, w.alice.address, w.bob.address)).to.equal(Reason.OK);
      expect((await registry.recordOf(a.frozen)).frozen).to.equal(true);
      expect(await registry.transferCheck(a.frozen, w.carol.address, w.bob.address)).to.equal(Reason.Frozen);
      expect(await registry.transferCheck(a.pledged, w.alice.address, w.bob.address)).to.equal(Reason.Pledged);
      expect(await pledges.activePledgeOf(a.pledged)).to.equal(s.pledges.active);
      expect(await registry.transferCheck(a.disputed, w.bob.address, w.carol.address)).to.equal(Reason.Disputed);
      expect((await disputes.objectionOf(s.objections.open)).status).to.equal(1n); // Open
      expect((await disputes.objectionOf(s.objections.open)).admitted).to.equal(false);
      expect((await disputes.objectionOf(s.objections.admitted)).admitted).to.equal(true);
      // Two courts' holds on `frozen`, one per case.
      expect(await disputes.holdOf(a.frozen, s.holds.caseA)).to.equal(w.court.address);
      expect(await disputes.holdOf(a.frozen, s.holds.caseB)).to.equal(w.court2.address);
      expect((await disputes.docketOf(a.frozen)).holds).to.equal(2n);
      // `derived`: moved to bob by a court order that carried the pledge; its listing lapsed.
      expect((await pledges.pledgeOf(s.pledges.carried)).pledgor).to.equal(w.bob.address);
      expect((await pledges.pledgeOf(s.pledges.carried)).status).to.equal(2n); // Active
      expect((await pledges.pledgeOf(s.pledges.discharged)).status).to.equal(6n); // Discharged
      expect(await tradeDesk.liveListingOf(a.derived)).to.equal(ZeroAddress);
      expect((await tradeDesk.listingOf(a.derived)).holder).to.equal(w.alice.address);
      expect(await tradeDesk.isPlaced(w.bob.address, s.orders.placedHash)).to.equal(true);
      expect(await tradeDesk.nonceUsed(w.bob.address, s.orders.placedNonce)).to.equal(true);
      expect(await tradeDesk.nonceUsed(w.alice.address, s.orders.cancelledNonce)).to.equal(true);
      expect(await registry.transferCheck(a.expired, w.alice.address, w.bob.address)).to.equal(Reason.Expired);
      expect(await registry.isExpired(a.expired)).to.equal(true);
      for (const id of [a.cancelled, a.cancelledByCourt]) {
        expect(await registry.statusOf(id)).to.equal(Status.Cancelled);
        expect(await registry.transferCheck(id, w.alice.address, w.bob.address)).to.equal(Reason.Cancelled);
      }
      expect(await registry.statusOf(a.refused)).to.equal(Status.Refused);
      expect(await registry.statusOf(a.pending)).to.equal(Status.Applied);
      expect(a.batch).to.deep.equal([a.refused, a.traded, a.disputed]);
      expect(a.batch[1]).to.equal(a.batch[0] + 1n);
      for (const [name, holder] of Object.entries(s.holders) as [keyof typeof s.holders, string | null][]) {
        const id = a[name];
        if (holder === null) await expect(registry.ownerOf(id), name).to.be.rejected;
        else expect(await registry.ownerOf(id), name).to.equal(holder);
      }
      for (const [name, number] of Object.entries(s.registrationNumbers) as [keyof typeof s.holders, string][]) {
        expect(await registry.registrationNumber(a[name]), name).to.equal(number);
      }
      for (const [name, hash] of Object.entries(s.contentHashes) as [keyof typeof s.holders, string][]) {
        expect((await office.depositOf(hash)).assetId, name).to.equal(a[name]);
      }
      expect(await office.revealWindow()).to.equal(BigInt(s.revealWindow));
      const [metadataHash, metadataVersion] = await registry.metadataOf(a.registered);
      expect([metadataHash, metadataVersion]).to.deep.equal([s.metadata.correctedHash, 2n]);
      expect(registered.validUntil).to.equal(BigInt(s.metadata.renewedValidUntil));
      expect(await registry.tokenURI(a.registered)).to.equal(`${s.accessManager.baseURI}${a.registered}`);
      // LicenseRegistry.stateOf: Active 1, Revoked 4, Ended 5, Suspended 7.
      const state = async (id: bigint) => Number(await licenses.stateOf(id));
      expect(await state(s.licenseIds.root)).to.equal(1);
      expect(await state(s.licenseIds.crossBorder), "cross-border licence after its clearance was revoked").to.equal(7);
      expect(await state(s.licenseIds.revokedByLicensor)).to.equal(4);
      expect(await state(s.licenseIds.revokedByCourt)).to.equal(4);
      expect(await state(s.licenseIds.consented)).to.equal(4);
      expect(await state(s.licenseIds.lapsed)).to.equal(5);
      expect(await state(s.licenseIds.endedByCancellation)).to.equal(5);
      expect(await licenses.nonceUsed(s.offer.signer, s.offer.nonce)).to.equal(true);
      expect(await licenses.nonceUsed(s.offer.signer, s.offer.cancelledNonce)).to.equal(true);
      const [valid] = await evidence.verify(w.alice.address, s.evidence.root, s.evidence.leaf, s.evidence.proof);
      expect(valid).to.equal(true);
      const [validForBob] = await evidence.verify(w.bob.address, s.evidence.root, s.evidence.leaf, s.evidence.proof);
      expect(validForBob, "bob revoked his own anchor of the same root").to.equal(false);
      expect((await evidence.anchorOf(w.bob.address, s.evidence.revokedRoot)).revoked).to.equal(true);
      for (const kind of [Milestone.Registration, Milestone.Listing, Milestone.Trade, Milestone.FinancialStatements, Milestone.Financing]) {
        expect((await milestones.milestoneOf(a.registered, kind)).set, `milestone ${kind}`).to.equal(true);
      }
      expect((await milestones.milestoneOf(a.traded, Milestone.Opening)).set).to.equal(true);
      // Financing of `registered` was annulled and recorded again.
      expect((await milestones.milestoneOf(a.registered, Milestone.Financing)).annulled).to.equal(false);
      // erin's organisation was rebound: the old account is retired (status 3), the new one holds erin's asset.
      expect((await members.memberOf(s.members.erin)).status).to.equal(3n);
      expect(await members.isActive(s.members.erinNew)).to.equal(true);
      expect(await members.accountOfOrganisation(s.members.erinOrgIdHash)).to.equal(s.members.erinNew);
      expect(s.endTimestamp).to.be.greaterThan(s.expiredValidUntil);

      // Every event of every deployed ABI is in the chain's logs, decoded with the file's ABIs.
      const byAddress = new Map<string, Interface>();
      const expected = new Set<string>();
      for (const key of Object.keys(file.addresses) as LedgerName[]) {
        const iface = new Interface(file.abis[key] as InterfaceAbi);
        byAddress.set(file.addresses[key].toLowerCase(), iface);
        iface.forEachEvent((ev) => {
          if (!NOT_REQUIRED.has(ev.name)) expected.add(ev.name);
        });
      }
      const logs = await node.rpc<RawLog[]>("eth_getLogs", [
        { fromBlock: toQuantity(file.deployBlock), toBlock: "latest", address: Object.values(file.addresses) },
      ]);
      const seen = new Map<string, number>();
      for (const log of logs) {
        const parsed = byAddress.get(log.address.toLowerCase())?.parseLog(log);
        if (!parsed) throw new Error(`undecodable log at ${log.address}`);
        seen.set(parsed.name, (seen.get(parsed.name) ?? 0) + 1);
      }
      const missing = [...expected].filter((name) => !seen.has(name));
      expect(missing, "event types never emitted").to.deep.equal([]);
      // The result counts exactly the scenario's logs.
      const scenarioLogs = await node.rpc<RawLog[]>("eth_getLogs", [
        { fromBlock: toQuantity(s.fromBlock), toBlock: toQuantity(s.toBlock) },
      ]);
      expect(s.events.total).to.equal(scenarioLogs.length);
      expect(Object.values(s.events.byName).reduce((x, y) => x + y, 0)).to.equal(s.events.total);
    });

    it("generateLoad files, registers and reports the events it emitted", async function () {
      this.timeout(60_000);
      const before = await node.provider.getBlockNumber();
      const nextId = await w.ledger.registry.nextAssetId();
      const load = await generateLoad(w, { assets: 600, register: 50 });
      expect(load.firstId).to.equal(nextId);
      expect(load.lastId).to.equal(nextId + 599n);
      expect(load.fromBlock).to.equal(before + 1);
      expect(await w.ledger.registry.nextAssetId()).to.equal(load.lastId + 1n);
      // 6 ApplicationCommitted (one per batch of 100), 600 AssetApplied, 50 PublicityStarted, 50 × (Transfer + AssetRegistered).
      expect(load.events).to.equal(756);
      const logs = await node.rpc<RawLog[]>("eth_getLogs", [{ fromBlock: toQuantity(before + 1), toBlock: "latest" }]);
      expect(logs).to.have.length(load.events);
      expect(await w.ledger.registry.statusOf(load.firstId + 49n)).to.equal(Status.Registered);
      expect(await w.ledger.registry.statusOf(load.firstId + 50n)).to.equal(Status.Applied);
      expect(await w.ledger.registry.statusOf(load.lastId)).to.equal(Status.Applied);
      // Automine is back on: a plain transaction is mined at once.
      expect(await node.rpc<boolean>("anvil_getAutomine")).to.equal(true);
    });

    describe("fault proxy", () => {
      let proxy: FaultProxy;

      beforeEach(async () => {
        proxy = await startFaultProxy(node.url, { seed: 42 });
      });
      afterEach(async () => {
        await proxy.close();
      });

      it("forwards single and batch calls untouched when every rate is 0", async () => {
        const single = await post(proxy.url, call("eth_chainId"));
        expect(single.status).to.equal(200);
        expect(await single.json()).to.deep.equal({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
        const batch = await post(proxy.url, [call("eth_chainId", [], 1), call("eth_blockNumber", [], "b")]);
        const items = (await batch.json()) as { id: unknown; result: string }[];
        expect(items).to.have.length(2);
        expect(items.find((i) => i.id === 1)?.result).to.equal("0x7a69");
        expect(Number(items.find((i) => i.id === "b")?.result)).to.equal(await node.provider.getBlockNumber());
        const provider = new JsonRpcProvider(proxy.url, Network.from(31337), { staticNetwork: true });
        try {
          expect(await provider.getBlockNumber()).to.equal(await node.provider.getBlockNumber());
          const logs = await provider.getLogs({ fromBlock: file.deployBlock, toBlock: "latest", address: file.addresses.members });
          expect(logs.length).to.be.greaterThan(4);
        } finally {
          provider.destroy();
        }
        expect(proxy.stats.requests).to.equal(proxy.stats.forwarded);
        expect(proxy.stats).to.include({ status429: 0, status500: 0, hang: 0, truncate: 0, reset: 0, logCap: 0, upstreamErrors: 0 });
      });

      it("answers 429 with Retry-After: 0 and 500 with a text body", async () => {
        proxy.setFaults({ rate429: 1 });
        const r429 = await post(proxy.url, call("eth_blockNumber"));
        expect(r429.status).to.equal(429);
        expect(r429.headers.get("retry-after")).to.equal("0");
        await r429.text();
        proxy.setFaults({ rate429: 0, rate500: 1 });
        const r500 = await post(proxy.url, call("eth_blockNumber"));
        expect(r500.status).to.equal(500);
        expect(r500.headers.get("content-type")).to.match(/^text\/plain/);
        expect(await r500.text()).to.equal("Internal Server Error");
        expect(proxy.stats).to.include({ status429: 1, status500: 1, forwarded: 0 });
      });

      it("truncates a body to its first half, with a JSON content type", async () => {
        const full = await (await post(proxy.url, call("eth_chainId"))).text();
        proxy.setFaults({ rateTruncate: 1 });
        const res = await post(proxy.url, call("eth_chainId"));
        expect(res.status).to.equal(200);
        expect(res.headers.get("content-type")).to.match(/application\/json/);
        const text = await res.text();
        expect(text).to.equal(full.slice(0, Math.floor(full.length / 2)));
        expect(() => JSON.parse(text) as unknown).to.throw(SyntaxError);
        expect(proxy.stats.truncate).to.equal(1);
      });

      it("hangs until the client gives up, and resets connections", async () => {
        proxy.setFaults({ rateHang: 1 });
        const started = Date.now();
        const err = await rejection(post(proxy.url, call("eth_blockNumber"), AbortSignal.timeout(300)));
        expect(err.name).to.be.oneOf(["TimeoutError", "AbortError"]);
        expect(Date.now() - started).to.be.gte(290);
        const ctl = new AbortController();
        const pending = post(proxy.url, call("eth_blockNumber"), ctl.signal);
        await waitUntil(() => proxy.stats.hang === 2, 2000);
        setTimeout(() => ctl.abort(), 300);
        expect((await rejection(pending)).name).to.equal("AbortError");
        expect(proxy.stats.hang).to.equal(2);

        proxy.setFaults({ rateHang: 0, rateReset: 1 });
        const reset = await rejection(post(proxy.url, call("eth_blockNumber")));
        expect(reset).to.be.instanceOf(TypeError); // undici: "fetch failed", cause: socket closed
        expect(proxy.stats.reset).to.equal(1);

        // A request left hanging does not keep close() waiting.
        proxy.setFaults({ rateReset: 0, rateHang: 1 });
        const orphan = post(proxy.url, call("eth_blockNumber")).catch((e: unknown) => e);
        await waitUntil(() => proxy.stats.hang === 3, 2000);
        const closing = Date.now();
        await proxy.close();
        expect(Date.now() - closing).to.be.lessThan(1000);
        expect(await orphan).to.be.instanceOf(Error);
      });

      it("caps eth_getLogs like Infura and Alchemy, single and in a batch", async () => {
        const filter = { fromBlock: toQuantity(file.deployBlock), toBlock: "latest", address: file.addresses.members };
        const small = { ...filter, fromBlock: "latest" };
        proxy.setFaults({ logCap: 3 });
        const capped = (await (await post(proxy.url, call("eth_getLogs", [filter], 7))).json()) as {
          id: number;
          error?: { code: number; message: string };
        };
        expect(capped).to.deep.equal({ jsonrpc: "2.0", id: 7, error: { code: -32005, message: "query returned more than 3 results" } });
        const batch = (await (
          await post(proxy.url, [call("eth_getLogs", [filter], 1), call("eth_getLogs", [small], 2), call("eth_chainId", [], 3)])
        ).json()) as { id: number; result?: unknown; error?: { code: number } }[];
        const byId = new Map(batch.map((i) => [i.id, i]));
        expect(byId.get(1)?.error?.code).to.equal(-32005);
        expect(byId.get(2)?.result).to.be.an("array");
        expect(byId.get(3)?.result).to.equal("0x7a69");
        expect(proxy.stats.logCap).to.equal(2);
        // ethers surfaces the provider's error to the caller.
        const provider = new JsonRpcProvider(proxy.url, Network.from(31337), { staticNetwork: true, batchMaxCount: 1 });
        try {
          const err = await rejection(provider.getLogs({ fromBlock: file.deployBlock, toBlock: "latest", address: file.addresses.members }));
          expect(err.message).to.contain("query returned more than 3 results");
        } finally {
          provider.destroy();
        }
        proxy.setFaults({ logCap: null });
        const whole = (await (await post(proxy.url, call("eth_getLogs", [filter]))).json()) as { result: unknown[] };
        expect(whole.result.length).to.be.greaterThan(3);
      });

      it("draws faults from its seed: same seed, same faults", async () => {
        const statuses = async (p: FaultProxy): Promise<number[]> => {
          const out: number[] = [];
          for (let i = 0; i < 24; i++) {
            const res = await post(p.url, call("eth_chainId"));
            await res.text();
            out.push(res.status);
          }
          return out;
        };
        proxy.setFaults({ seed: 9, rate429: 0.3, rate500: 0.3 });
        const first = await statuses(proxy);
        const twin = await startFaultProxy(node.url, { seed: 9, rate429: 0.3, rate500: 0.3 });
        try {
          expect(await statuses(twin)).to.deep.equal(first);
        } finally {
          await twin.close();
        }
        expect([...new Set(first)].sort()).to.deep.equal([200, 429, 500]);
        proxy.setFaults({ seed: 9 });
        expect(await statuses(proxy)).to.deep.equal(first);
      });
    });
  });
});
