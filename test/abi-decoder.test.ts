import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getAddress, type ParamType, type Result } from "ethers";
import { loadDeployment, type Deployment } from "../server/deployment";
import { decodeEventArgs, type Plain, type PlainArgs } from "../server/indexer/abi";
import { LogDecoder, type RawLog } from "../server/indexer/decode";
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
    const decoder = new LogDecoder(deployment);
    logs = await node.rpc<RawLog[]>("eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", address: decoder.addresses() }]);
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
    expect(seen.size).to.be.at.least(50);
    expect([...seen]).to.include.members(["registry.AssetApplied", "licenses.LicenseGranted", "tradeDesk.TradeRecorded", "evidence.EvidenceAnchored"]);
  });

  it("refuses truncated or malformed data with a clear error instead of inventing values", async function () {
    const applied = logs.find((l) => l.topics.length === 4 && l.data.length > 1000);
    expect(applied).to.not.equal(undefined);
    if (!applied) return;
    const iface = deployment.interfaces.registry;
    const fragment = iface.getEvent("AssetApplied");
    if (!fragment) throw new Error("no AssetApplied in the ABI");
    expect(() => decodeEventArgs(fragment.inputs, applied.topics, applied.data.slice(0, 200))).to.throw(/data too short/);
    expect(() => decodeEventArgs(fragment.inputs, applied.topics.slice(0, 2), applied.data)).to.throw(/fewer topics/);
    expect(() => decodeEventArgs(fragment.inputs, applied.topics, `${applied.data}0`)).to.throw(/odd-length/);
  });
});
