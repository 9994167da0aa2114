import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getAddress, type ParamType, type Result } from "ethers";
import { loadDeployment, type Deployment } from "../server/deployment";
import { decodeEventArgs, type Plain, type PlainArgs } from "../server/indexer/abi";
import { ContractSet, LogDecoder, type RawLog } from "../server/indexer/decode";
import { startAnvil, type AnvilNode } from "./helpers/anvil";
import { deployAnvilWorld, generateLoad, runScenario } from "./helpers/anvil-world";

/** ethers' decoding, turned into the same plain values: the reference the fast decoder must match. */
function reference(params: readonly ParamType[], values: Result): PlainArgs {
  const out: PlainArgs = {};
  params.forEach((p, i) => {
    out[p.name || `arg${i}`] = plain(p, values[i]);
  });
  return out;
}
function plain(p: ParamType, v: unknown): Plain {
  if (p.baseType === "tuple") return reference(p.components ?? [], v as Result);
  if (p.baseType === "array") return (v as Result).map((x: unknown) => plain(p.arrayChildren as ParamType, x));
  if (p.type === "address") return getAddress(v as string);
  if (p.type === "bool") return Boolean(v);
  if (p.type === "string") return String(v);
  if (/^u?int/.test(p.type)) return Number(p.type.replace(/^u?int/, "") || 256) <= 48 ? Number(v as bigint) : (v as bigint).toString();
  return String(v).toLowerCase();
}

describe("Log decoder: the fast ABI decoder matches ethers on every ledger event (Anvil)", function () {
  this.timeout(120_000);
  let node: AnvilNode;
  let tmp: string;
  let deployment: Deployment;
  let logs: RawLog[];

  before(async function () {
    tmp = mkdtempSync(path.join(tmpdir(), "drl-abi-"));
    node = await startAnvil();
    const w = await deployAnvilWorld(node, path.join(tmp, "deployment.json"));
    await runScenario(w);
    await generateLoad(w, { assets: 200, register: 20 });
    deployment = await loadDeployment(w.deploymentFile);
    const contracts = new ContractSet(deployment.staticContracts, deployment.defaultModules);
    logs = await node.rpc<RawLog[]>("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: contracts.addresses() }]);
  });

  after(async function () {
    await node?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("decodes every log of a full scenario exactly as ethers does", async function () {
    const seen = new Set<string>();
    for (const log of logs) {
      const contract = deployment.byAddress.get(log.address.toLowerCase());
      if (!contract) continue;
      const iface = deployment.interfaces[contract];
      const parsed = iface.parseLog({ topics: log.topics, data: log.data });
      if (!parsed) continue;
      const ours = decodeEventArgs(parsed.fragment.inputs, log.topics, log.data);
      expect(ours, `${contract}.${parsed.name}`).to.deep.equal(reference(parsed.fragment.inputs, parsed.args));
      seen.add(`${contract}.${parsed.name}`);
    }
    // The scenario covers every ledger event type (see contracts/README.md).
    expect(seen.size).to.be.at.least(70);
    expect([...seen]).to.include.members([
      "office.AssetApplied",
      "office.ApplicationCommitted",
      "licenses.LicenseGranted",
      "licenses.LicenseEnded",
      "tradeDesk.TradeRecorded",
      "tradeDesk.SellOrderPlaced",
      "disputes.ObjectionAdmitted",
      "pledges.PledgeCarried",
      "evidence.EvidenceAnchored",
    ]);
  });

  it("gives the indexer the same events through LogDecoder, keyed by the contract the indexer assigns", async function () {
    const decoder = new LogDecoder(deployment);
    const contracts = new ContractSet(deployment.staticContracts, deployment.defaultModules);
    let decoded = 0;
    for (const log of logs) {
      const key = contracts.keyOf(log.address);
      expect(key, log.address).to.not.equal(undefined);
      if (!key) continue;
      const ev = decoder.decode(log, key);
      const parsed = deployment.interfaces[key].parseLog({ topics: log.topics, data: log.data });
      expect(ev?.event).to.equal(parsed?.name);
      expect(ev?.address).to.equal(log.address.toLowerCase());
      decoded++;
    }
    expect(decoded).to.equal(logs.length);
  });

  it("refuses truncated or malformed data with a clear error instead of inventing values", async function () {
    const iface = deployment.interfaces.office;
    const fragment = iface.getEvent("AssetApplied");
    if (!fragment) throw new Error("no AssetApplied in the ABI");
    const applied = logs.find((l) => l.topics[0] === fragment.topicHash && l.data.length > 1000);
    if (!applied) throw new Error("the scenario emitted no AssetApplied");
    expect(() => decodeEventArgs(fragment.inputs, applied.topics, applied.data.slice(0, 200))).to.throw(/data too short/);
    expect(() => decodeEventArgs(fragment.inputs, applied.topics.slice(0, 2), applied.data)).to.throw(/fewer topics/);
    expect(() => decodeEventArgs(fragment.inputs, applied.topics, `${applied.data}0`)).to.throw(/odd-length/);
  });
});
