/**
 * `npm start`: the local persistent chain and the ledger on it.
 *
 * Starts Anvil (from npm) with its state in .drl/ (DRL_DATA_DIR), so blocks, logs and
 * contracts survive restarts; deploys the contracts on the first start (the deploy script
 * finds them on later starts and changes nothing); prints the addresses; and keeps the
 * chain running until Ctrl-C, when Anvil writes its state and exits.
 *
 * Then starts the indexer and the provenance API (server/main.ts) as a child process, with
 * the node flags and environment of server/process-env.ts (index in .drl/index, API on
 * http://127.0.0.1:8080 unless DRL_API_PORT says otherwise).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SERVER_NODE_FLAGS, SERVER_PROCESS_ENV } from "../server/process-env";

const root = path.resolve(__dirname, "..");
const dataDir = path.resolve(root, process.env.DRL_DATA_DIR ?? ".drl");
const host = "127.0.0.1";
const port = Number(process.env.DRL_RPC_PORT ?? 8545);
const rpcUrl = `http://${host}:${port}`;
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

function startChain(): ChildProcess {
  mkdirSync(dataDir, { recursive: true });
  const stateFile = path.join(dataDir, "anvil-state.json");
  const args = [
    "--host", host,
    "--port", String(port),
    "--chain-id", "31337",
    "--state", stateFile,
    "--state-interval", "5", // a crash loses at most the last 5 s
    "--preserve-historical-states",
    "--gas-price", "0",
    "--base-fee", "0", // permissioned chains run with free gas
    "--silent",
  ];
  console.log(`Starting the local chain on ${rpcUrl} (state: ${stateFile})`);
  return spawn(bin("anvil"), args, { stdio: ["ignore", "inherit", "inherit"] });
}

async function rpcReady(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the chain did not answer on ${rpcUrl} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, DRL_RPC_URL: rpcUrl } });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/**
 * The index in the data directory belongs to one deployment. When the deploy script had to
 * deploy anew (an older data directory from before a contract change), the old index is moved
 * aside instead of halting the indexer on a foreign index.
 */
function keepIndexForDeployment(deployment: { chainId: number; deployBlock: number; addresses: Record<string, string> }): void {
  const marker = path.join(dataDir, "index-deployment.json");
  const identity = JSON.stringify({ chainId: deployment.chainId, deployBlock: deployment.deployBlock, addresses: deployment.addresses });
  const index = path.join(dataDir, "index");
  if (existsSync(index) && (!existsSync(marker) || readFileSync(marker, "utf8") !== identity)) {
    const aside = `${index}.old-${Date.now()}`;
    renameSync(index, aside);
    console.log(`The index in ${index} belonged to another deployment; moved it to ${aside}.`);
  }
  writeFileSync(marker, identity);
}

async function main(): Promise<void> {
  const chain = startChain();
  let stopping = false;
  let failed = false;
  let server: ChildProcess | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the API and indexer, then the chain (it writes its state first)...`);
    const s = server;
    if (!s || s.exitCode !== null || s.signalCode !== null) {
      chain.kill("SIGINT");
      return;
    }
    s.once("exit", () => chain.kill("SIGINT"));
    s.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  chain.on("exit", (code) => {
    if (!stopping) console.error(`the chain exited unexpectedly (code ${code ?? "?"})`);
    process.exit(stopping && !failed ? 0 : 1);
  });

  await rpcReady(30_000);
  const code = await run(bin("hardhat"), ["run", "scripts/deploy.ts", "--network", "localhost"]);
  if (code !== 0) {
    console.error("deployment failed; stopping the chain");
    stop("SIGTERM");
    return;
  }
  const deployment = JSON.parse(readFileSync(path.join(root, "deployments", "localhost.json"), "utf8")) as {
    chainId: number;
    deployBlock: number;
    addresses: Record<string, string>;
  };
  console.log(`\nThe ledger is running on ${rpcUrl} (chain ${deployment.chainId}, deployed at block ${deployment.deployBlock}).`);
  console.log("Addresses and ABIs: deployments/localhost.json.");
  keepIndexForDeployment(deployment);

  server = spawn(process.execPath, [...SERVER_NODE_FLAGS, "-r", "ts-node/register/transpile-only", path.join(root, "server", "main.ts")], {
    cwd: root,
    stdio: "inherit",
    env: {
      DRL_INDEX_DIR: path.join(dataDir, "index"),
      ...process.env,
      ...SERVER_PROCESS_ENV,
      DRL_RPC_URL: rpcUrl,
      DRL_DEPLOYMENT: path.join(root, "deployments", "localhost.json"),
    },
  });
  server.on("exit", (code, signal) => {
    if (stopping) return;
    failed = true;
    console.error(`the indexer and API exited (code ${code ?? "?"}${signal ? `, ${signal}` : ""}); stopping the chain`);
    stop("SIGTERM");
  });
  const port = process.env.DRL_API_PORT ?? "8080";
  console.log(`The provenance API starts on http://127.0.0.1:${port}/v1 (health: /v1/health, OpenAPI: /v1/openapi.json).`);
  console.log("Press Ctrl-C to stop; the chain and the index keep their state in", dataDir);
}

main().catch((err: unknown) => {
  console.error(`start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
