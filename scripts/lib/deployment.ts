/**
 * Deploy-or-attach logic behind scripts/deploy.ts, kept apart so tests can run it twice.
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import hre, { ethers } from "hardhat";
import type { Signer } from "ethers";
import { z } from "zod";
import {
  DeployConfigSchema,
  LEDGER_CONTRACTS,
  attachLedger,
  deployLedger,
  grantPersonRoles,
  wireModules,
  type DeployConfig,
  type Ledger,
  type LedgerName,
} from "./ledger";
import { ROLES, type PersonRole } from "./roles";

const DeploymentFileSchema = z.object({
  network: z.string(),
  chainId: z.number(),
  deployBlock: z.number(),
  addresses: z.record(z.string(), z.string()),
});

/** A deployment problem the operator can fix (config, keys); printed without a stack trace. */
export class DeployError extends Error {}

export async function loadConfig(network: string): Promise<DeployConfig> {
  const file = path.join("deployments", "config", `${network}.json`);
  if (!existsSync(file)) throw new DeployError(`no deployment config for network "${network}": create ${file}`);
  const parsed = DeployConfigSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeployError(`${file}: ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export async function deployerSigner(): Promise<Signer> {
  const keystore = process.env.DRL_KEYSTORE;
  if (keystore) {
    const password = process.env.DRL_KEYSTORE_PASSWORD;
    if (!password) throw new DeployError("DRL_KEYSTORE is set but DRL_KEYSTORE_PASSWORD is not");
    const wallet = await ethers.Wallet.fromEncryptedJson(await readFile(keystore, "utf8"), password);
    return wallet.connect(ethers.provider);
  }
  const [first] = await ethers.getSigners();
  if (!first) throw new DeployError(`network "${hre.network.name}" has no account: set DRL_DEPLOYER_KEY or DRL_KEYSTORE`);
  return first;
}

async function resolveRoles(config: DeployConfig): Promise<Partial<Record<PersonRole, string[]>>> {
  const signers = await ethers.getSigners();
  const out: Partial<Record<PersonRole, string[]>> = {};
  for (const [role, accounts] of Object.entries(config.roles) as [PersonRole, (string | number)[]][]) {
    out[role] = accounts.map((a) => {
      if (typeof a === "string") return ethers.getAddress(a);
      const s = signers[a];
      if (!s) throw new DeployError(`roles.${role}: the node has no account #${a}`);
      return s.address;
    });
  }
  return out;
}

/** An earlier deployment on this same chain, if every contract is still there. */
async function existingDeployment(file: string, chainId: number, runner: Signer): Promise<{ ledger: Ledger; deployBlock: number } | null> {
  if (!existsSync(file)) return null;
  const parsed = DeploymentFileSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
  if (!parsed.success || parsed.data.chainId !== chainId) return null;
  const addresses = parsed.data.addresses;
  for (const key of Object.keys(LEDGER_CONTRACTS)) {
    const a = addresses[key];
    if (!a || (await ethers.provider.getCode(a)) === "0x") return null;
  }
  return { ledger: await attachLedger(addresses as Record<LedgerName, string>, runner), deployBlock: parsed.data.deployBlock };
}

export interface DeploymentResult {
  ledger: Ledger;
  chainId: number;
  deployBlock: number;
  addresses: Record<LedgerName, string>;
  fresh: boolean;
}

/** Deploys (or finds) the ledger on the current network and writes `deploymentsDir/<network>.json`. */
export async function deployOrAttach(
  network: string,
  config: DeployConfig,
  signer: Signer,
  deploymentsDir = "deployments",
): Promise<DeploymentResult> {
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const outFile = path.join(deploymentsDir, `${network}.json`);

  const found = await existingDeployment(outFile, chainId, signer);
  let deployBlock: number;
  let ledger: Ledger;
  if (found) {
    ledger = found.ledger;
    deployBlock = found.deployBlock;
    await wireModules(ledger);
  } else {
    deployBlock = await ethers.provider.getBlockNumber();
    ledger = await deployLedger(signer, config);
  }
  await grantPersonRoles(ledger, await resolveRoles(config), config.grantDelays, config.moduleGrantDelay);

  if (config.adminExecutionDelay > 0) {
    const admin = await signer.getAddress();
    const [, delay] = await ledger.manager.hasRole(ROLES.ADMIN, admin);
    if (delay !== BigInt(config.adminExecutionDelay)) {
      await (await ledger.manager.grantRole(ROLES.ADMIN, admin, config.adminExecutionDelay)).wait();
    }
  }

  const addresses: Partial<Record<LedgerName, string>> = {};
  const abis: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(LEDGER_CONTRACTS) as [LedgerName, string][]) {
    addresses[key] = await ledger[key].getAddress();
    abis[key] = (await hre.artifacts.readArtifact(name)).abi;
  }
  await mkdir(deploymentsDir, { recursive: true });
  await writeFile(
    outFile,
    JSON.stringify({ network, chainId, deployBlock, addresses, contracts: LEDGER_CONTRACTS, abis }, null, 2) + "\n",
  );
  return { ledger, chainId, deployBlock, addresses: addresses as Record<LedgerName, string>, fresh: !found };
}

