import type { Signer } from "ethers";
import { ethers } from "hardhat";
import { z } from "zod";
import { ROLES, PERSON_ROLES, type PersonRole } from "./roles";
import type {
  AccessManager,
  ComplianceRegistry,
  DataAssetRegistry,
  DisputeResolution,
  EvidenceAnchor,
  LicenseRegistry,
  MemberRegistry,
  MilestoneRegistry,
  PledgeRegistry,
  TradeDesk,
  ValuationRegistry,
} from "../../typechain-types";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address");

/** The deployment config file (deployments/config/<network>.json). */
export const DeployConfigSchema = z.object({
  /** Six-digit administrative area code printed in registration numbers. */
  areaCode: z.number().int().min(0).max(999_999),
  /** Base of tokenURI: the registry's metadata gateway; the token id is appended. */
  baseURI: z.string(),
  /** Accounts per person role, as addresses or as indexes into the node's accounts (local chains only). */
  roles: z.partialRecord(z.enum(PERSON_ROLES), z.array(z.union([address, z.number().int().min(0)]))).default({}),
  /** Grant delay (seconds) per person role: a new grant takes effect only after it. */
  grantDelays: z.partialRecord(z.enum(PERSON_ROLES), z.number().int().min(0)).default({}),
  /** Execution delay (seconds) the admin role gets; 0 on a local chain. */
  adminExecutionDelay: z.number().int().min(0).default(0),
});
export type DeployConfig = z.infer<typeof DeployConfigSchema>;

export interface Ledger {
  manager: AccessManager;
  members: MemberRegistry;
  registry: DataAssetRegistry;
  compliance: ComplianceRegistry;
  licenses: LicenseRegistry;
  milestones: MilestoneRegistry;
  disputes: DisputeResolution;
  tradeDesk: TradeDesk;
  valuations: ValuationRegistry;
  pledges: PledgeRegistry;
  evidence: EvidenceAnchor;
}

export type LedgerName = keyof Ledger;

/** Contract name of each ledger entry, in deployment order. */
export const LEDGER_CONTRACTS: Record<LedgerName, string> = {
  manager: "AccessManager",
  members: "MemberRegistry",
  registry: "DataAssetRegistry",
  compliance: "ComplianceRegistry",
  licenses: "LicenseRegistry",
  milestones: "MilestoneRegistry",
  disputes: "DisputeResolution",
  tradeDesk: "TradeDesk",
  valuations: "ValuationRegistry",
  pledges: "PledgeRegistry",
  evidence: "EvidenceAnchor",
};

async function deployed<T>(name: string, signer: Signer, args: unknown[]): Promise<T> {
  const factory = await ethers.getContractFactory(name, signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract as unknown as T;
}

/**
 * Deploys every ledger contract with `admin` as the AccessManager's initial admin and wires
 * the modules together (module roles, registry modules, role labels). People's roles are
 * granted separately by `grantPersonRoles`.
 */
export async function deployLedger(admin: Signer, config: Pick<DeployConfig, "areaCode" | "baseURI">): Promise<Ledger> {
  const adminAddress = await admin.getAddress();
  const manager = await deployed<AccessManager>("AccessManager", admin, [adminAddress]);
  const m = await manager.getAddress();
  const members = await deployed<MemberRegistry>("MemberRegistry", admin, [m]);
  const registry = await deployed<DataAssetRegistry>("DataAssetRegistry", admin, [
    m,
    await members.getAddress(),
    config.areaCode,
    config.baseURI,
  ]);
  const r = await registry.getAddress();
  const compliance = await deployed<ComplianceRegistry>("ComplianceRegistry", admin, [m, r]);
  const licenses = await deployed<LicenseRegistry>("LicenseRegistry", admin, [m, r]);
  const milestones = await deployed<MilestoneRegistry>("MilestoneRegistry", admin, [m, r]);
  const disputes = await deployed<DisputeResolution>("DisputeResolution", admin, [m, r, await members.getAddress()]);
  const tradeDesk = await deployed<TradeDesk>("TradeDesk", admin, [
    m,
    r,
    await licenses.getAddress(),
    await compliance.getAddress(),
    await milestones.getAddress(),
  ]);
  const valuations = await deployed<ValuationRegistry>("ValuationRegistry", admin, [m, r]);
  const pledges = await deployed<PledgeRegistry>("PledgeRegistry", admin, [m, r, await milestones.getAddress()]);
  const evidence = await deployed<EvidenceAnchor>("EvidenceAnchor", admin, []);
  const ledger: Ledger = {
    manager,
    members,
    registry,
    compliance,
    licenses,
    milestones,
    disputes,
    tradeDesk,
    valuations,
    pledges,
    evidence,
  };
  await wireModules(ledger);
  await labelRoles(ledger);
  return ledger;
}

/** Module roles and registry wiring. Idempotent: does only what is missing. */
export async function wireModules(l: Ledger): Promise<void> {
  const grants: [bigint, string][] = [
    [ROLES.DISPUTES_MODULE, await l.disputes.getAddress()],
    [ROLES.PLEDGE_MODULE, await l.pledges.getAddress()],
    [ROLES.COMPLIANCE_MODULE, await l.compliance.getAddress()],
    [ROLES.MILESTONE_WRITER, await l.tradeDesk.getAddress()],
    [ROLES.MILESTONE_WRITER, await l.pledges.getAddress()],
  ];
  for (const [role, account] of grants) {
    const [isMember] = await l.manager.hasRole(role, account);
    if (!isMember) await (await l.manager.grantRole(role, account, 0)).wait();
  }
  if ((await l.registry.compliance()) === ethers.ZeroAddress) {
    await (await l.registry.setModules(await l.compliance.getAddress(), await l.licenses.getAddress())).wait();
  }
}

/** Names the roles in the manager's events (RoleLabel), once, at first deployment. */
async function labelRoles(l: Ledger): Promise<void> {
  for (const [name, id] of Object.entries(ROLES)) {
    if (id === ROLES.ADMIN) continue;
    await (await l.manager.labelRole(id, name)).wait();
  }
}

/** Grants each person role to its accounts, skipping grants already in place. */
export async function grantPersonRoles(
  l: Ledger,
  roles: Partial<Record<PersonRole, string[]>>,
  grantDelays: Partial<Record<PersonRole, number>> = {},
): Promise<void> {
  for (const role of PERSON_ROLES) {
    const id = ROLES[role];
    const delay = grantDelays[role];
    if (delay !== undefined && (await l.manager.getRoleGrantDelay(id)) !== BigInt(delay)) {
      await (await l.manager.setGrantDelay(id, delay)).wait();
    }
    for (const account of roles[role] ?? []) {
      const [isMember] = await l.manager.hasRole(id, account);
      if (!isMember) await (await l.manager.grantRole(id, account, 0)).wait();
    }
  }
}

/** Attaches to an existing deployment. */
export async function attachLedger(addresses: Record<LedgerName, string>, runner: Signer): Promise<Ledger> {
  const out: Partial<Record<LedgerName, unknown>> = {};
  for (const [key, name] of Object.entries(LEDGER_CONTRACTS) as [LedgerName, string][]) {
    out[key] = await ethers.getContractAt(name, addresses[key], runner);
  }
  return out as Ledger;
}
