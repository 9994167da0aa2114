/**
 * `drl start` and the CLI end to end, as child processes on free ports in a temp directory:
 * the story through the CLI, a SIGKILL of the whole process group right after a confirmed
 * court order, and a restart that still has everything; plus the exit codes of a busy port,
 * bad input, a refusal and an unreachable node.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet, encryptKeystoreJsonSync } from "ethers";
import { freePort } from "../sdk/cli/start/ports";
import { buildCli, runCli, startDrl, type CliResult, type DrlStart } from "./helpers/cli";

interface Tx {
  txHash: string;
  blockNumber: number;
  events: { name: string }[];
  assetId?: string;
  licenseId?: string;
  objectionId?: string;
  pledgeId?: string;
  valuationId?: string;
  registrationNumber?: string;
}

const PORTAL_ORIGIN = "https://portal.example";

describe("drl start and the drl CLI (child processes on their own Anvil)", function () {
  this.timeout(600_000);
  const tmp = mkdtempSync(path.join(tmpdir(), "drl-start-"));
  const dataDir = path.join(tmp, "data");
  const env = { DRL_DATA_DIR: dataDir, DRL_RPC_URL: "", DRL_API_URL: "", DRL_PRIVATE_KEY: "" };
  let rpcPort = 0;
  let apiPort = 0;
  let node: DrlStart | undefined;
  let accounts: Record<string, string> = {};

  const file = (name: string, body: string): string => {
    const p = path.join(tmp, name);
    writeFileSync(p, body);
    return p;
  };
  const drl = async (...args: string[]): Promise<CliResult> => {
    const r = await runCli(args, { env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")), cwd: tmp });
    // Never a stack trace, whatever happened.
    expect(r.stderr, r.stderr).not.to.match(/\n\s+at .+:\d+:\d+/);
    return r;
  };
  const tx = async (...args: string[]): Promise<Tx> => {
    const r = await drl("--json", ...args);
    expect(r.code, `drl ${args.join(" ")}\n${r.stderr}`).to.equal(0);
    return JSON.parse(r.stdout) as Tx;
  };
  /** Waits until the API has indexed `block`. */
  const indexed = async (block: number): Promise<void> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const h = (await (await fetch(`http://127.0.0.1:${apiPort}/v1/health`)).json()) as { indexedBlock: number | null };
        if ((h.indexedBlock ?? -1) >= block) return;
      } catch {
        // starting
      }
      if (Date.now() > deadline) throw new Error(`the API did not index block ${block} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const start = async (): Promise<DrlStart> => {
    const n = startDrl(["--data-dir", dataDir, "--rpc-port", String(rpcPort), "--port", String(apiPort)], { cwd: tmp, env: { DRL_DATA_DIR: dataDir, DRL_CORS_ORIGINS: PORTAL_ORIGIN } });
    await n.ready;
    return n;
  };

  before(async () => {
    buildCli();
    rpcPort = await freePort();
    apiPort = await freePort();
    node = await start();
    const r = await drl("--json", "dev", "accounts");
    expect(r.code).to.equal(0);
    accounts = JSON.parse(r.stdout) as Record<string, string>;
  });

  after(async () => {
    if (node) {
      node.child.kill("SIGINT");
      await Promise.race([node.exited, new Promise((r) => setTimeout(r, 10_000))]);
      node.killGroup();
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it("prints the URLs and the accounts; dev accounts --json is one object keyed by name", () => {
    expect(node!.output()).to.contain(`http://127.0.0.1:${apiPort}/v1`);
    expect(node!.output()).to.contain(`http://127.0.0.1:${rpcPort}`);
    // The same server serves the portal at its root (the checkout's build: npm test builds it).
    expect(node!.output()).to.match(new RegExp(`Web portal +http://127\\.0\\.0\\.1:${apiPort}/\\n`));
    for (const name of ["registrar", "court", "exchange", "evaluator", "auditor", "regulator", ...Array.from({ length: 8 }, (_, i) => `holder${i + 1}`)]) {
      expect(accounts[name], name).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(node!.output()).to.contain(accounts[name]);
    }
    // Each data directory has its own deployment file.
    const d = JSON.parse(readFileSync(path.join(dataDir, "deployment.json"), "utf8")) as { chainId: number };
    expect(d.chainId).to.equal(31337);
  });

  it("npm start: Ctrl-C reaching only the npm process stops the chain and the server cleanly", async () => {
    // A terminal sends SIGINT to the whole group; a supervisor or an IDE often signals npm alone.
    const own = { rpc: await freePort(), api: await freePort() };
    const child = spawn("npm", ["start", "--", "--data-dir", path.join(tmp, "npm-start"), "--rpc-port", String(own.rpc), "--port", String(own.api)], {
      cwd: path.join(__dirname, ".."),
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "DRL_DATA_DIR")),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 300_000;
      while (!out.includes("Press Ctrl-C")) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${out}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      child.kill("SIGINT"); // npm's own pid only, not its group
      const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 30_000))]);
      expect(code, out).to.equal(0);
      expect(out).to.contain("SIGINT: stopping");
      // Nothing is left listening: the chain's port and the API's are free again.
      for (const port of [own.rpc, own.api]) {
        const refused = await fetch(`http://127.0.0.1:${port}/`).then(
          () => false,
          () => true,
        );
        expect(refused, `port ${port} still answers`).to.equal(true);
      }
    } finally {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it("a busy port is exit 2 naming the flag, before anything is printed", async () => {
    const other = path.join(tmp, "other");
    const busyRpc = await runCli(["start", "--data-dir", other, "--rpc-port", String(rpcPort), "--port", String(await freePort())], { cwd: tmp });
    expect(busyRpc.code).to.equal(2);
    expect(busyRpc.stderr).to.contain("--rpc-port").and.to.contain(String(rpcPort));
    expect(busyRpc.stdout).to.equal("");
    const busyApi = await runCli(["start", "--data-dir", other, "--rpc-port", String(await freePort()), "--port", String(apiPort)], { cwd: tmp });
    expect(busyApi.code).to.equal(2);
    expect(busyApi.stderr).to.contain("--port");
    expect(busyApi.stdout).to.equal("");
  });

  it("the API it starts follows the server's DRL_* settings; a bad one is exit 2 naming it, before anything starts", async () => {
    const allowed = await fetch(`http://127.0.0.1:${apiPort}/v1/health`, { headers: { Origin: PORTAL_ORIGIN } });
    expect(allowed.headers.get("access-control-allow-origin")).to.equal(PORTAL_ORIGIN);
    const other = await fetch(`http://127.0.0.1:${apiPort}/v1/health`, { headers: { Origin: "https://elsewhere.example" } });
    expect(other.headers.get("access-control-allow-origin")).to.equal(null);
    const bad = await runCli(["start", "--data-dir", path.join(tmp, "bad-settings"), "--rpc-port", String(await freePort()), "--port", String(await freePort())], { cwd: tmp, env: { DRL_RATE_LIMIT: "lots" } });
    expect(bad.code, bad.stderr).to.equal(2);
    expect(bad.stderr).to.contain("DRL_RATE_LIMIT").and.to.contain("must be a number");
    expect(bad.stdout).to.equal("");
  });

  it("bad input is exit 2 with one line naming the flag", async () => {
    const data = file("bad.csv", "a,b\n1,2\n");
    const src = file("bad-source.txt", "source\n");
    const apply = ["asset", "apply", data, "--name", "x", "--kind", "product", "--category", "enterprise", "--grade", "general", "--source", "self-collected", "--source-evidence", src, "--as", "holder1"];
    const cases: [string[], RegExp][] = [
      [[...apply, "--rights", "holding,flying"], /--rights: "flying"/],
      [["asset", "apply", path.join(tmp, "missing.csv"), ...apply.slice(3), "--rights", "holding"], /<file-or-dir>: .*missing\.csv/],
      [["transfer", "1", "0x1234", "--as", "holder1"], /<to>: "0x1234" is not an address/],
      [["asset", "accept", "999", "--publicity", "1d", "--as", "registrar"], /<ref>: there is no asset 999/],
      [["asset", "accept", "1", "--publicity", "soon", "--as", "registrar"], /--publicity: /],
      [["transfer", "1", "holder2", "--as", "nobody"], /--as: "nobody" is not a development account/],
      [["show", "DR-2026-440300-1-0000000001-0"], /<ref>: .*check digit/],
      [["asset", "accept", "1", "--publicity", "1d"], /--as: .*DRL_PRIVATE_KEY/],
    ];
    for (const [args, message] of cases) {
      const r = await drl(...args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(r.stderr.trim().split("\n"), r.stderr).to.have.length(1);
      expect(r.stderr).to.match(message);
    }
    const missing = await drl("asset", "accept", "1", "--as", "registrar");
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("--publicity");

    const keystore = file("key.json", encryptKeystoreJsonSync({ address: Wallet.createRandom().address, privateKey: Wallet.createRandom().privateKey }, "right", { scrypt: { N: 1024 } }));
    const wrong = await runCli(["member", "reinstate", "holder2", "--keystore", keystore], { cwd: tmp, env: { DRL_DATA_DIR: dataDir, DRL_KEYSTORE_PASSWORD: "wrong" } });
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.contain("--keystore: wrong password");
    expect(wrong.stderr).not.to.contain("wrong\n"); // the password itself is never echoed
  });

  it("an unreachable node is exit 3 naming the URL; the API too", async () => {
    const dead = await freePort();
    const r = await drl("--rpc", `http://127.0.0.1:${dead}`, "asset", "accept", "1", "--publicity", "1d", "--as", "registrar");
    expect(r.code, r.stderr).to.equal(3);
    expect(r.stderr).to.contain(`127.0.0.1:${dead}`);
    const a = await drl("--api", `http://127.0.0.1:${dead}`, "show", "1");
    expect(a.code, a.stderr).to.equal(3);
    expect(a.stderr).to.contain(`127.0.0.1:${dead}`);
  });

  it("drives the story through the CLI, survives a SIGKILL of the process group right after a court order, and comes back", async () => {
    const data = file("port.csv", "ts,teu\n2026-01-01,12000\n");
    const derived = file("index.csv", "day,index\n1,0.7\n");
    const src = file("source.txt", "collected by our terminal sensors\n");
    const common = ["--category", "enterprise", "--grade", "general", "--source-evidence", src];
    const a1 = await tx("asset", "apply", data, "--name", "港口吞吐量 Port throughput", "--kind", "resource", "--form", "none", "--rights", "holding,processing,operation", "--source", "self-collected", ...common, "--as", "holder1");
    expect(a1.events.map((e) => e.name)).to.include("AssetApplied");
    await tx("asset", "accept", a1.assetId!, "--publicity", "1d", "--as", "registrar");
    await tx("dev", "advance-time", "1d");
    const c1 = await tx("asset", "confirm", a1.assetId!, "--as", "registrar");
    expect(c1.registrationNumber).to.match(/^DR-\d{4}-440300-\d-\d{10}-[0-9X]$/);
    // A derived product of the registered asset (lineage).
    const a2 = await tx("asset", "apply", derived, "--name", "拥堵指数 Congestion index", "--kind", "product", "--form", "index", "--rights", "holding,processing,operation", "--source", "derived", "--parent", a1.assetId!, ...common, "--as", "holder1");
    await tx("asset", "accept", a2.assetId!, "--publicity", "1d", "--as", "registrar");
    await tx("dev", "advance-time", "1d");
    await tx("asset", "confirm", a2.assetId!, "--as", "registrar");

    // By registration number from here on: resolved through the API.
    await indexed(c1.blockNumber);
    const rn = c1.registrationNumber!;
    // The licence's term lies inside the licensor's (the chain's clock is two days ahead by now).
    const from = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const until = new Date(Date.now() + 300 * 86_400_000).toISOString();
    const lic = await tx("license", "grant", rn, "--to", accounts.holder2!, "--rights", "processing", "--from", from, "--until", until, "--sublicensable", "--fee", "1200", "CNY", "--as", "holder1");
    expect(lic.licenseId).to.match(/^\d+$/);
    // A sublicence by the licensee once the licence is in force, inside its term.
    await tx("dev", "advance-time", "2d");
    const subUntil = new Date(Date.now() + 200 * 86_400_000).toISOString();
    const sub = await tx("license", "sublicense", lic.licenseId!, "--to", accounts.holder5!, "--rights", "processing", "--from", from, "--until", subUntil, "--as", "holder2");
    expect(sub.licenseId).to.match(/^\d+$/).and.not.equal(lic.licenseId);

    // A valuation by the evaluator, then a pledge proposed, accepted (the asset is then not
    // tradable, for that reason) and released by the creditor.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const val = await tx("value", rn, "--method", "income", "--value", "1200000", "--currency", "CNY", "--date", yesterday, "--report", file("valuation.txt", "income approach\n"), "--as", "evaluator");
    expect(val.valuationId).to.match(/^\d+$/);
    const due = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
    const pl = await tx("pledge", "propose", a1.assetId!, "--to", "holder6", "--amount", "500000", "CNY", "--due", due, "--registry-ref", "质押登记 2026-001", "--as", "holder1");
    await indexed((await tx("pledge", "accept", pl.pledgeId!, "--as", "holder6")).blockNumber);
    const pledged = await drl("check", a1.assetId!, "--buyer", "holder2");
    expect(pledged.code, pledged.stdout).to.equal(1);
    expect(pledged.stdout).to.contain("Pledged");
    await tx("pledge", "release", pl.pledgeId!, "--as", "holder6");

    const order = path.join(tmp, "order.json");
    const placed = await drl("--json", "trade", "order", a2.assetId!, "--exchange", "exchange", "--price", "50000", "CNY", "--until", "2030-01-01", "--out", order, "--as", "holder1");
    expect(placed.code, placed.stderr).to.equal(0);
    await tx("trade", "list", order, "--ref", "SZDEX-L-1", "--as", "exchange");
    const sold = await tx("trade", "execute", order, "--buyer", "holder3", "--ref", "SZDEX-T-1", "--as", "exchange");
    expect(sold.events.map((e) => e.name)).to.include("TradeRecorded");

    const e1 = file("contract.txt", "signed contract\n");
    const e2 = file("invoice.txt", "invoice 42\n");
    const proofs = path.join(tmp, "proofs");
    await tx("evidence", "anchor", e1, e2, "--out", proofs, "--as", "holder1");
    const ok = await drl("evidence", "verify", e1, path.join(proofs, "contract.txt.proof.json"));
    expect(ok.code, ok.stderr).to.equal(0);
    // The court form (issue 11): deposited, under which root, by whom, when, and not revoked.
    expect(ok.stdout).to.match(/^DEPOSITED: .*not revoked/m);
    const forged = file("forged.txt", "not the contract\n");
    const bad = await drl("evidence", "verify", forged, path.join(proofs, "contract.txt.proof.json"), "--offline");
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.contain("NOT VALID");

    const objection = await tx("asset", "object", a1.assetId!, "--evidence", file("claim.txt", "we collected it first\n"), "--as", "holder2");
    await tx("court", "admit", objection.objectionId!, "--as", "court");
    await tx("court", "rule", objection.objectionId!, "dismiss", "--decision", file("decision.txt", "dismissed\n"), "--as", "court");
    await tx("court", "freeze", a1.assetId!, "--case", "(2026)粤0305民初1号", "--as", "court");

    // A refusal: exit 1 with the contract's reason in words.
    const refused = await drl("transfer", a1.assetId!, "holder2", "--as", "holder1");
    expect(refused.code, refused.stderr).to.equal(1);
    expect(refused.stderr).to.match(/^drl: refused: .*frozen/);
    const check = await drl("check", a1.assetId!, "--buyer", "holder2");
    expect(check.code).to.equal(1);
    expect(check.stdout).to.contain("Frozen");

    // The court order, then at once a SIGKILL of the whole process group (CLI, Anvil, indexer).
    const ordered = await tx("court", "order-transfer", a2.assetId!, "holder4", "--case", "(2026)粤0305民初2号", "--as", "court");
    node!.killGroup();
    await node!.exited;
    node = await start();
    expect(node.output()).to.contain("already deployed");
    // The index resumed from its checkpoint instead of reindexing from zero.
    const restarted = node;
    const said = async (): Promise<string> => {
      for (let i = 0; i < 300 && !/resuming after block|indexing from the deploy block/.test(restarted.output()); i++) await new Promise((r) => setTimeout(r, 100));
      return restarted.output();
    };
    expect(await said()).to.match(/resuming after block \d+/);

    // The chain's clock did not run backwards (the order's block was two days ahead of the wall clock).
    const orderBlock = (await (await fetch(`http://127.0.0.1:${rpcPort}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: [`0x${ordered.blockNumber.toString(16)}`, false] }) })).json()) as { result: { timestamp: string } };
    const tick = JSON.parse((await drl("--json", "dev", "advance-time", "1s")).stdout) as { timestamp: number };
    expect(tick.timestamp).to.be.greaterThan(Number(orderBlock.result.timestamp));

    await indexed(ordered.blockNumber);
    const show = await drl("--json", "show", a2.assetId!);
    expect(show.code, show.stderr).to.equal(0);
    const asset = JSON.parse(show.stdout) as { holder: { address: string }; status: string };
    expect(asset.holder.address).to.equal(accounts.holder4);
    const history = JSON.parse((await drl("--json", "history", a2.assetId!)).stdout) as { items: { event: string; tx: string }[] };
    expect(history.items.map((i) => i.tx)).to.include(ordered.txHash);
    const first = JSON.parse((await drl("--json", "show", rn)).stdout) as { frozen: boolean; status: string };
    expect(first).to.include({ frozen: true, status: "registered" });
    const licenses = JSON.parse((await drl("--json", "licenses", rn)).stdout) as { active: { id: string }[] };
    expect(licenses.active.map((l) => l.id)).to.include(lic.licenseId);
    const lineage = JSON.parse((await drl("--json", "lineage", a2.assetId!)).stdout) as { edges: { parent: string; child: string }[] };
    expect(lineage.edges).to.deep.include({ parent: a1.assetId, child: a2.assetId, parentLicense: "0" });
    // The chain itself has the order too (not only the index).
    const again = await drl("transfer", a2.assetId!, "holder5", "--as", "holder3");
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/refused/);

    // Ctrl-C: SIGINT stops everything cleanly and frees the ports.
    node.child.kill("SIGINT");
    expect(await node.exited).to.equal(0);
    node = undefined;
    const free = await runCli(["start", "--data-dir", path.join(tmp, "third"), "--rpc-port", String(rpcPort), "--port", String(apiPort), "--help"], { cwd: tmp });
    expect(free.code).to.equal(0);
  });
});
