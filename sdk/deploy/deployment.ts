/**
 * Deploy-or-attach: deploys the ledger (or finds an earlier deployment on the same chain),
 * grants the configured roles and writes the deployment file (chain id, addresses, deploy
 * block, ABIs). Hardhat-free: used by `drl deploy`, `drl start` and scripts/deploy.ts.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, type Provider, type Signer } from "ethers";
import { z } from "zod";
import { ROLES, type PersonRole } from "../../scripts/lib/roles";
import {
  DeployConfigSchema,
  LEDGER_CONTRACTS,
  attachLedger,
  deployLedger,
  grantPersonRoles,
  ledgerAbi,
  wireModules,
  type DeployConfig,
  type Ledger,
  type LedgerName,
} from "./ledger";

const DeploymentFileSchema = z.object({
  network: z.string(),
  chainId: z.number(),
  deployBlock: z.number(),
  addresses: z.record(z.string(), z.string()),
});

/** A deployment problem the operator can fix (config, keys); printed without a stack trace. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

/** Reads and validates `<configDir>/<network>.json`, naming the bad field. */
export async function loadConfig(network: string, configDir = path.join("deployments", "config")): Promise<DeployConfig> {
  const file = path.join(configDir, `${network}.json`);
  if (!existsSync(file)) throw new DeployError(`no deployment config for network "${network}": create ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new DeployError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = DeployConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeployError(`${file}: ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

interface AccountLister {
  send(method: string, params: unknown[]): Promise<unknown>;
}
const listsAccounts = (p: Provider): p is Provider & AccountLister => typeof (p as Partial<AccountLister>).send === "function";

/** The node's unlocked accounts (eth_accounts), for configs that name accounts by index. */
async function nodeAccounts(provider: Provider): Promise<string[]> {
  if (!listsAccounts(provider)) return [];
  const accounts = await provider.send("eth_accounts", []);
  return Array.isArray(accounts) ? accounts.filter((a): a is string => typeof a === "string") : [];
}

async function resolveRoles(config: DeployConfig, provider: Provider, accounts?: readonly string[]): Promise<Partial<Record<PersonRole, string[]>>> {
  const needsIndexes = Object.values(config.roles).some((list) => list.some((a) => typeof a === "number"));
  const known = accounts ?? (needsIndexes ? await nodeAccounts(provider) : []);
  const out: Partial<Record<PersonRole, string[]>> = {};
  for (const [role, list] of Object.entries(config.roles) as [PersonRole, (string | number)[]][]) {
    out[role] = list.map((a) => {
      if (typeof a === "string") return getAddress(a);
      const s = known[a];
      if (!s) throw new DeployError(`roles.${role}: the node has no account #${a}`);
      return getAddress(s);
    });
  }
  return out;
}

function providerOf(signer: Signer): Provider {
  if (!signer.provider) throw new DeployError("the deployer's signer is not connected to a node");
  return signer.provider;
}

/** An earlier deployment on this same chain, if every contract is still there. */
async function existingDeployment(file: string, chainId: number, runner: Signer): Promise<{ ledger: Ledger; deployBlock: number } | null> {
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch {
    return null;
  }
  const parsed = DeploymentFileSchema.safeParse(raw);
  if (!parsed.success || parsed.data.chainId !== chainId) return null;
  const addresses = parsed.data.addresses;
  const provider = providerOf(runner);
  for (const key of Object.keys(LEDGER_CONTRACTS)) {
    const a = addresses[key];
    if (!a || (await provider.getCode(a)) === "0x") return null;
  }
  return { ledger: attachLedger(addresses as Record<LedgerName, string>, runner), deployBlock: parsed.data.deployBlock };
}

export interface DeploymentResult {
  ledger: Ledger;
  chainId: number;
  deployBlock: number;
  addresses: Record<LedgerName, string>;
  fresh: boolean;
  /** The deployment file written. */
  file: string;
}

export interface DeployOptions {
  /** Write the deployment here instead of `<deploymentsDir>/<network>.json`. */
  outFile?: string;
  /** The node's accounts for roles given by index (default: eth_accounts). */
  accounts?: readonly string[];
  /** Progress lines (what is being sent). */
  log?: (message: string) => void;
}

/** Writes a file so that a crash leaves the old or the new content, never a torn one. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/** Deploys (or finds) the ledger on the signer's chain and writes the deployment file. */
export async function deployOrAttach(
  network: string,
  config: DeployConfig,
  signer: Signer,
  deploymentsDir = "deployments",
  options: DeployOptions = {},
): Promise<DeploymentResult> {
  const provider = providerOf(signer);
  const chainId = Number((await provider.getNetwork()).chainId);
  const outFile = options.outFile ?? path.join(deploymentsDir, `${network}.json`);
  const log = options.log ?? (() => undefined);

  const found = await existingDeployment(outFile, chainId, signer);
  let deployBlock: number;
  let ledger: Ledger;
  if (found) {
    ledger = found.ledger;
    deployBlock = found.deployBlock;
    await wireModules(ledger);
  } else {
    log(`deploying the ledger contracts to chain ${chainId}...`);
    deployBlock = await provider.getBlockNumber();
    ledger = await deployLedger(signer, config);
  }
  await grantPersonRoles(ledger, await resolveRoles(config, provider, options.accounts), config.grantDelays, config.moduleGrantDelay);

  if (config.adminExecutionDelay > 0) {
    const admin = await signer.getAddress();
    const [, delay] = await ledger.manager.hasRole(ROLES.ADMIN, admin);
    if (delay !== BigInt(config.adminExecutionDelay)) {
      await (await ledger.manager.grantRole(ROLES.ADMIN, admin, config.adminExecutionDelay)).wait();
    }
  }

  const addresses: Partial<Record<LedgerName, string>> = {};
  const abis: Partial<Record<LedgerName, readonly unknown[]>> = {};
  for (const key of Object.keys(LEDGER_CONTRACTS) as LedgerName[]) {
    addresses[key] = await ledger[key].getAddress();
    abis[key] = ledgerAbi(key);
  }
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFileAtomic(outFile, JSON.stringify({ network, chainId, deployBlock, addresses, contracts: LEDGER_CONTRACTS, abis }, null, 2) + "\n");
  return { ledger, chainId, deployBlock, addresses: addresses as Record<LedgerName, string>, fresh: !found, file: outFile };
}
