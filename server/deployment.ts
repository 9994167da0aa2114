/**
 * The deployment the indexer follows: `deployments/<network>.json` as `npm run deploy` writes
 * it (chain id, deploy block, addresses and ABIs), so the indexer needs no build artifacts.
 */
import { readFile } from "node:fs/promises";
import { getAddress, Interface, type InterfaceAbi } from "ethers";
import { z } from "zod";
import { DeploymentSchema as LedgerDeploymentSchema } from "../sdk/ledger/deployment";

/** The ledger contracts the indexer reads, by their key in the deployment file. */
export const INDEXED_CONTRACTS = [
  "members",
  "registry",
  "office",
  "compliance",
  "licenses",
  "milestones",
  "disputes",
  "tradeDesk",
  "valuations",
  "pledges",
  "evidence",
  "incentives",
] as const;
export type ContractKey = (typeof INDEXED_CONTRACTS)[number];

/**
 * The registry's swappable modules (`setModules`): the indexer reads the registry's current
 * ones, starting from the deployment's, and follows every ModulesSet (as Ponder follows
 * factory children). A new module is decoded with the deployment's ABI of its key.
 */
export const MODULE_KEYS = ["compliance", "licenses"] as const satisfies readonly ContractKey[];
export type ModuleKey = (typeof MODULE_KEYS)[number];
export const isModuleKey = (k: ContractKey): k is ModuleKey => (MODULE_KEYS as readonly string[]).includes(k);

/** The SDK's deployment file (one schema for both), plus the ABIs the indexer decodes with. */
const DeploymentSchema = LedgerDeploymentSchema.extend({ abis: z.record(z.string(), z.array(z.unknown())) });

export interface Deployment {
  network: string;
  chainId: number;
  deployBlock: number;
  /** Checksummed addresses of every contract in the file (including the AccessManager). */
  addresses: Record<string, string>;
  /** The indexed contracts of the deployment file: address (lower case) → key. */
  byAddress: Map<string, ContractKey>;
  interfaces: Record<ContractKey, Interface>;
  /** The contracts whose address never changes (every indexed one but the modules): address (lower case) → key. */
  staticContracts: Map<string, ContractKey>;
  /** The modules the deployment wired (lower case): the registry's modules until its first ModulesSet says otherwise. */
  defaultModules: { compliance: string; licenses: string };
}

export class DeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeploymentError";
  }
}

export async function loadDeployment(file: string): Promise<Deployment> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new DeploymentError(`cannot read deployment file ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = DeploymentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeploymentError(`${file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const d = parsed.data;
  const byAddress = new Map<string, ContractKey>();
  const interfaces = {} as Record<ContractKey, Interface>;
  for (const key of INDEXED_CONTRACTS) {
    const address: string | undefined = d.addresses[key];
    const abi = d.abis[key];
    if (!address || !abi) throw new DeploymentError(`${file}: contract "${key}" is missing (address and ABI are required)`);
    byAddress.set(address.toLowerCase(), key);
    interfaces[key] = new Interface(abi as InterfaceAbi);
  }
  const addresses: Record<string, string> = {};
  for (const [k, a] of Object.entries(d.addresses)) addresses[k] = getAddress(a);
  const staticContracts = new Map([...byAddress].filter(([, k]) => !isModuleKey(k)));
  const defaultModules = { compliance: (d.addresses.compliance ?? "").toLowerCase(), licenses: (d.addresses.licenses ?? "").toLowerCase() };
  return { network: d.network, chainId: d.chainId, deployBlock: d.deployBlock, addresses, byAddress, interfaces, staticContracts, defaultModules };
}
