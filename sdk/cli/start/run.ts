/**
 * `drl start` (and `npm start`): the local chain, the ledger on it, the indexer and the API.
 *
 * Without --rpc: Anvil (20 funded development accounts, its state in the data directory)
 * behind the durable proxy (./durable-proxy.ts), a deployment on the first start (kept in
 * <data-dir>/deployment.json, so two data directories never share one), the development
 * accounts' roles and holder1…holder8 as members. With --rpc: that chain and
 * deployments/<network>.json. Then the indexer and the API in this process, on --port.
 * Ctrl-C (SIGINT or SIGTERM, to this process or its group) stops everything; the next start
 * comes back with the same chain and the index resumes where it stopped.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, accessSync, constants } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Network, type Signer } from "ethers";
import { ServerConfigSchema } from "../../../server/config";
import { startServer, type RunningServer } from "../../../server/server";
import { findPortalDir } from "../../../server/api/portal";
import { DeployConfigSchema, type DeployConfig } from "../../deploy/ledger";
import { deployOrAttach, loadConfig } from "../../deploy/deployment";
import { LedgerClient } from "../../ledger/client";
import { loadDeployment, type Deployment } from "../../ledger/deployment";
import { NodeUnavailableError, redactUrl } from "../../ledger/errors";
import { textHash } from "../../text";
import { DEV_ACCOUNT_INDEX, DEV_ACCOUNT_NAMES, DEV_ACCOUNT_ROLE, DEV_MEMBERS, DEV_MNEMONIC, devAccounts, devWallet } from "../dev-accounts";
import { UsageError } from "../exit";
import { fields, table, type Output } from "../output";
import { deploymentFileOf, endpointsFile, type Endpoints } from "../context";
import { startLocalChain, type LocalChain } from "./anvil";
import { startDurableProxy, type DurableProxy } from "./durable-proxy";
import { lockDataDir } from "./lock";
import { packageRoot } from "./package-root";
import { ensurePortFree, freePort } from "./ports";
import { seedDemo } from "./demo";

export interface StartOptions {
  demo?: boolean;
  dataDir: string;
  rpcPort: number;
  port: number;
  rpc?: string;
  network?: string;
}

const HOST = "127.0.0.1";

function provider(url: string, chainId?: number): JsonRpcProvider {
  return new JsonRpcProvider(url, chainId === undefined ? undefined : Network.from(chainId), {
    staticNetwork: chainId !== undefined,
    batchMaxCount: 1,
    cacheTimeout: -1,
    pollingInterval: 50,
  });
}

function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch (e) {
    throw new UsageError("--data-dir", `cannot use ${dir} (${(e as NodeJS.ErrnoException).code ?? "not writable"})`);
  }
}

/** The local deployment config (deployments/config/localhost.json) with tokenURI following --port. */
async function localConfig(port: number): Promise<DeployConfig> {
  const dir = path.join(packageRoot(), "deployments", "config");
  const base = existsSync(path.join(dir, "localhost.json"))
    ? await loadConfig("localhost", dir)
    : DeployConfigSchema.parse({ areaCode: 440300, baseURI: "", roles: { REGISTRAR: [1], EXCHANGE: [2], EVALUATOR: [3], AUDITOR: [4], REGULATOR: [5], COURT: [6], GUARDIAN: [0] } });
  return { ...base, baseURI: `http://${HOST}:${port}/v1/assets/` };
}

/**
 * The index belongs to one deployment: when the data directory's chain was deployed anew, the
 * old index is moved aside instead of halting the indexer on a foreign one.
 */
function keepIndexForDeployment(dir: string, d: Deployment, log: (m: string) => void): void {
  const marker = path.join(dir, "index-deployment.json");
  const identity = JSON.stringify({ chainId: d.chainId, deployBlock: d.deployBlock, addresses: d.addresses });
  const index = path.join(dir, "index");
  if (existsSync(index) && (!existsSync(marker) || readFileSync(marker, "utf8") !== identity)) {
    const aside = `${index}.old-${Date.now()}`;
    renameSync(index, aside);
    log(`The index in ${index} belonged to another deployment; moved it to ${aside}.`);
  }
  writeFileSync(marker, identity);
}

/** Admits holder1…holder8 (skipping those already in) through the SDK, as the registrar. */
async function admitDevMembers(client: LedgerClient, log: (m: string) => void): Promise<void> {
  const registrar = client.withSigner(devWallet("registrar").connect(client.runner.provider ?? null));
  for (const [name, m] of Object.entries(DEV_MEMBERS)) {
    const account = devWallet(name as keyof typeof DEV_MEMBERS).address;
    const record = await client.call(() => client.contracts.members.memberOf(account));
    if (record.status !== 0n) continue;
    log(`admitting ${name} (${m.name})`);
    await registrar.admitMember({ account, orgIdHash: textHash(m.orgId), name: m.name, type: m.type, jurisdiction: m.jurisdiction });
  }
}

/** The registry's tokenURI base follows --port: reset it (admin) when an earlier start used another. */
async function followPort(dir: string, client: LedgerClient, baseURI: string, admin: Signer): Promise<void> {
  const file = path.join(dir, "base-uri.txt");
  const previous = existsSync(file) ? readFileSync(file, "utf8") : null;
  if (previous !== null && previous !== baseURI) {
    await (await client.contracts.registry.connect(admin).setBaseURI(baseURI)).wait();
  }
  writeFileSync(file, baseURI);
}

/**
 * The DRL_* server settings in the environment, checked, except the five this command decides
 * itself (node, deployment, index directory, API host and port follow its flags).
 */
export function serverSettingsFromEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const own = new Set(["DRL_RPC_URL", "DRL_DEPLOYMENT", "DRL_INDEX_DIR", "DRL_API_HOST", "DRL_API_PORT"]);
  const known = new Set(Object.keys(ServerConfigSchema.shape));
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (known.has(k) && !own.has(k) && v !== undefined) settings[k] = v;
  const r = ServerConfigSchema.safeParse(settings);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(String(issue?.path[0] ?? "environment"), issue?.message ?? "invalid");
  }
  return settings;
}

export interface Started {
  stop(reason: string): Promise<void>;
}

export async function runStart(opts: StartOptions, out: Output): Promise<Started> {
  const dir = path.resolve(opts.dataDir);
  const log = (m: string) => out.note(m);
  if (opts.rpc !== undefined && opts.demo) throw new UsageError("--demo", "seeds the embedded local chain only (leave out --rpc)");
  // The server's own DRL_* settings (rate limits, timeouts, CORS, lag bound…) apply to the API
  // started here as they do to `npm run server`; a bad one stops the start before anything runs.
  const settings = serverSettingsFromEnv(process.env);
  prepareDataDir(dir);
  // Every port is checked before anything starts or is printed.
  if (opts.rpc === undefined) await ensurePortFree("--rpc-port", HOST, opts.rpcPort);
  await ensurePortFree("--port", HOST, opts.port);
  const unlock = lockDataDir(dir);

  let chain: LocalChain | undefined;
  let proxy: DurableProxy | undefined;
  let server: RunningServer | undefined;
  let rpc: JsonRpcProvider | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      if (reason) log(`${reason}: stopping the API and the indexer, then the chain...`);
      await server?.close().catch(() => undefined);
      rpc?.destroy();
      await proxy?.flush().catch(() => undefined);
      await proxy?.close().catch(() => undefined);
      await chain?.stop().catch(() => undefined);
      unlock();
    })();
    return stopping;
  };

  try {
    let rpcUrl: string;
    let deployment: Deployment;
    if (opts.rpc === undefined) {
      log(`Starting the local chain (state in ${dir})...`);
      const stateFile = path.join(dir, "chain-state.json");
      chain = await startLocalChain({ port: await freePort(HOST), stateFile, accounts: 20, mnemonic: DEV_MNEMONIC });
      // The local portal verifies certificates in the browser against this chain (DRL_PORTAL_RPC_URL).
      const portalOrigins = [`http://${HOST}:${opts.port}`, `http://localhost:${opts.port}`];
      proxy = await startDurableProxy({ upstream: chain.url, host: HOST, port: opts.rpcPort, stateFile, log, allowOrigins: portalOrigins });
      rpcUrl = proxy.url;
      rpc = provider(rpcUrl, 31337);
      const config = await localConfig(opts.port);
      const deployer = devWallet("deployer").connect(rpc);
      // Indexes into this list are the config's account numbers (DEV_ACCOUNT_INDEX).
      const accounts = [...DEV_ACCOUNT_NAMES].sort((a, b) => DEV_ACCOUNT_INDEX[a] - DEV_ACCOUNT_INDEX[b]).map((n) => devWallet(n).address);
      const result = await deployOrAttach("localhost", config, deployer, dir, { outFile: deploymentFileOf(dir), accounts, log });
      log(result.fresh ? `Deployed the ledger at block ${result.deployBlock}.` : "The ledger was already deployed in this data directory.");
      deployment = loadDeployment(result.file);
      const client = LedgerClient.connect({ runner: deployer, deployment, rpcUrl });
      await followPort(dir, client, config.baseURI, deployer);
      await admitDevMembers(client, log);
    } else {
      rpcUrl = opts.rpc;
      const network = opts.network ?? "localhost";
      deployment = loadDeployment(network);
      rpc = provider(rpcUrl);
      try {
        await rpc.getBlockNumber();
      } catch (e) {
        throw new NodeUnavailableError(redactUrl(rpcUrl), e instanceof Error ? e.message.split("\n")[0] ?? "" : String(e));
      }
    }

    keepIndexForDeployment(dir, deployment, log);
    const config = ServerConfigSchema.parse({
      // On the local chain the portal checks certificates against the chain itself, unless the
      // environment says otherwise (DRL_PORTAL_RPC_URL= turns it off).
      ...(opts.rpc === undefined ? { DRL_PORTAL_RPC_URL: rpcUrl } : {}),
      ...settings,
      DRL_RPC_URL: rpcUrl,
      DRL_DEPLOYMENT: opts.rpc === undefined ? deploymentFileOf(dir) : path.resolve("deployments", `${opts.network ?? "localhost"}.json`),
      DRL_INDEX_DIR: path.join(dir, "index"),
      DRL_API_HOST: HOST,
      DRL_API_PORT: String(opts.port),
    });
    server = await startServer(config, { log: (m) => log(`[indexer] ${m}`) });
    const apiUrl = server.url;
    const endpoints: Endpoints = { rpcUrl, apiUrl, chainId: deployment.chainId, local: opts.rpc === undefined };
    writeFileSync(endpointsFile(dir), JSON.stringify(endpoints, null, 2) + "\n");

    if (opts.demo && rpc) {
      const marker = path.join(dir, "demo-seeded.json");
      if (existsSync(marker)) {
        log("The demo story was seeded on an earlier start; not seeding again.");
      } else {
        log("Seeding the demo story through the SDK...");
        const summary = await seedDemo({ deployment, provider: rpc, rpcUrl, dir, log });
        writeFileSync(marker, JSON.stringify(summary, null, 2) + "\n");
      }
    }

    const accounts = opts.rpc === undefined ? devAccounts() : undefined;
    const portalBuilt = findPortalDir() !== null;
    out.result({ ...endpoints, apiUrl: `${apiUrl}/v1`, portalUrl: portalBuilt ? `${apiUrl}/` : null, dataDir: dir, deployment: config.DRL_DEPLOYMENT, addresses: deployment.addresses, accounts }, () =>
      [
        `The ledger is running (chain ${deployment.chainId}, deployed at block ${deployment.deployBlock}).`,
        "",
        fields([
          ["Chain (JSON-RPC)", rpcUrl],
          ["Provenance API", `${apiUrl}/v1   (health: ${apiUrl}/v1/health, OpenAPI: ${apiUrl}/v1/openapi.json)`],
          ["Web portal", portalBuilt ? `${apiUrl}/` : "not built (npm run build:portal)"],
          ["tokenURI base", `${apiUrl}/v1/assets/`],
          ["Data directory", dir],
          ["Deployment file", config.DRL_DEPLOYMENT],
        ]),
        "",
        table(["contract", "address"], Object.entries(deployment.addresses)),
        ...(accounts
          ? ["", "Development accounts (use with --as NAME; keys are the public Anvil test keys, local chain only):", table(["name", "address", "role"], DEV_ACCOUNT_NAMES.map((n) => [n, accounts[n], DEV_ACCOUNT_ROLE[n]]))]
          : []),
        "",
        "Press Ctrl-C to stop; the chain and the index keep their state in the data directory.",
      ].join("\n"),
    );
    return { stop };
  } catch (e) {
    await stop("");
    throw e;
  }
}
