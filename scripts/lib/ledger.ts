import type { BaseContract, Signer } from "ethers";
import { ethers } from "hardhat";
import { z } from "zod";
import { FUNCTION_ROLES, MODULE_HOLDERS } from "./access";
import { CAPABILITIES, MODULE_ROLES, PERSON_ROLES, ROLES, type PersonRole, type RoleName } from "./roles";
import type {
  AccessManager,
  ComplianceRegistry,
  DataAssetRegistry,
  DisputeResolution,
  EmergencyStop,
  EvidenceAnchor,
  LicenseRegistry,
  MemberRegistry,
  MilestoneRegistry,
  PledgeRegistry,
  RegistrationOffice,
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
  /** Grant delay (seconds) of every module role: a new module takes effect only after it. */
  moduleGrantDelay: z.number().int().min(0).default(0),
  /** Execution delay (seconds) the admin role gets; 0 on a local chain. */
  adminExecutionDelay: z.number().int().min(0).default(0),
});
export type DeployConfig = z.infer<typeof DeployConfigSchema>;

export interface Ledger {
  manager: AccessManager;
  members: MemberRegistry;
  registry: DataAssetRegistry;
  office: RegistrationOffice;
  compliance: ComplianceRegistry;
  licenses: LicenseRegistry;
  milestones: MilestoneRegistry;
  disputes: DisputeResolution;
  tradeDesk: TradeDesk;
  valuations: ValuationRegistry;
  pledges: PledgeRegistry;
  evidence: EvidenceAnchor;
  emergencyStop: EmergencyStop;
}

export type LedgerName = keyof Ledger;

/** Contract name of each ledger entry, in deployment order. */
export const LEDGER_CONTRACTS: Record<LedgerName, string> = {
  manager: "AccessManager",
  members: "MemberRegistry",
  registry: "DataAssetRegistry",
  office: "RegistrationOffice",
  compliance: "ComplianceRegistry",
  licenses: "LicenseRegistry",
  milestones: "MilestoneRegistry",
  disputes: "DisputeResolution",
  tradeDesk: "TradeDesk",
  valuations: "ValuationRegistry",
  pledges: "PledgeRegistry",
  evidence: "EvidenceAnchor",
  emergencyStop: "EmergencyStop",
};

async function deployed<T>(name: string, signer: Signer, args: unknown[]): Promise<T> {
  const factory = await ethers.getContractFactory(name, signer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract as unknown as T;
}

async function sent(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await tx).wait();
}

/**
 * Deploys every ledger contract with `admin` as the AccessManager's initial admin and wires
 * them: the registry's modules, the dispute module's pledge registry, every function's role,
 * the module roles and the role labels. People's roles are granted by `grantPersonRoles`.
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
  const office = await deployed<RegistrationOffice>("RegistrationOffice", admin, [m, r]);
  const compliance = await deployed<ComplianceRegistry>("ComplianceRegistry", admin, [m, r]);
  const licenses = await deployed<LicenseRegistry>("LicenseRegistry", admin, [m, r]);
  await sent(registry.setModules(await compliance.getAddress(), await licenses.getAddress()));
  const milestones = await deployed<MilestoneRegistry>("MilestoneRegistry", admin, [m, r]);
  const disputes = await deployed<DisputeResolution>("DisputeResolution", admin, [m, r]);
  const tradeDesk = await deployed<TradeDesk>("TradeDesk", admin, [m, r, await milestones.getAddress()]);
  const valuations = await deployed<ValuationRegistry>("ValuationRegistry", admin, [m, r]);
  const pledges = await deployed<PledgeRegistry>("PledgeRegistry", admin, [
    m,
    r,
    await milestones.getAddress(),
    await disputes.getAddress(),
  ]);
  const evidence = await deployed<EvidenceAnchor>("EvidenceAnchor", admin, []);
  const emergencyStop = await deployed<EmergencyStop>("EmergencyStop", admin, [m]);
  const ledger: Ledger = {
    manager,
    members,
    registry,
    office,
    compliance,
    licenses,
    milestones,
    disputes,
    tradeDesk,
    valuations,
    pledges,
    evidence,
    emergencyStop,
  };
  await wireModules(ledger);
  await labelRoles(ledger);
  return ledger;
}

/** The 4-byte selectors of the named functions (a name, or a full signature where overloaded). */
export function selectorsOf(contract: BaseContract, names: string[]): string[] {
  return names.map((n) => {
    const f = contract.interface.getFunction(n);
    if (!f) throw new Error(`${n} is not a function of the contract`);
    return f.selector;
  });
}

/**
 * The registry's modules, the pledge registry, every function role (FUNCTION_ROLES) and the
 * module roles (MODULE_HOLDERS). Idempotent: sends only what is missing.
 */
export async function wireModules(l: Ledger): Promise<void> {
  const complianceAddress = await l.compliance.getAddress();
  if ((await l.registry.compliance()) !== complianceAddress) {
    await sent(l.registry.setModules(complianceAddress, await l.licenses.getAddress()));
  }
  const pledgesAddress = await l.pledges.getAddress();
  if ((await l.disputes.pledges()) !== pledgesAddress) await sent(l.disputes.setPledgeRegistry(pledgesAddress));

  for (const [key, byRole] of Object.entries(FUNCTION_ROLES) as [keyof Ledger, Partial<Record<RoleName, string[]>>][]) {
    const contract = l[key];
    const target = await contract.getAddress();
    for (const [role, names] of Object.entries(byRole) as [RoleName, string[]][]) {
      const selectors: string[] = [];
      for (const s of selectorsOf(contract, names)) {
        if ((await l.manager.getTargetFunctionRole(target, s)) !== ROLES[role]) selectors.push(s);
      }
      if (selectors.length > 0) await sent(l.manager.setTargetFunctionRole(target, selectors, ROLES[role]));
    }
  }
  for (const role of MODULE_ROLES) {
    for (const holder of MODULE_HOLDERS[role]) {
      const account = await l[holder].getAddress();
      const [isMember] = await l.manager.hasRole(ROLES[role], account);
      if (!isMember) await sent(l.manager.grantRole(ROLES[role], account, 0));
    }
  }
  // The emergency stop holds the admin role with no delay; its code can only close contracts.
  const stop = await l.emergencyStop.getAddress();
  const [stopIsAdmin, stopDelay] = await l.manager.hasRole(ROLES.ADMIN, stop);
  if (!stopIsAdmin || stopDelay !== 0n) await sent(l.manager.grantRole(ROLES.ADMIN, stop, 0));
}

/**
 * The grant delay a role will have once pending changes take effect: the manager reports only
 * the effective one (`getRoleGrantDelay`), and a change waits for its `minSetback`, so the last
 * `RoleGrantDelayChanged` event says what was already asked for.
 */
async function pendingGrantDelay(l: Ledger, role: bigint): Promise<bigint> {
  const events = await l.manager.queryFilter(l.manager.filters.RoleGrantDelayChanged(role));
  const last = events.at(-1);
  return last ? last.args.delay : await l.manager.getRoleGrantDelay(role);
}

/** Names the roles in the manager's events (RoleLabel), once, at first deployment. */
async function labelRoles(l: Ledger): Promise<void> {
  for (const [name, id] of Object.entries(ROLES)) {
    if (id === ROLES.ADMIN || id === ROLES.PUBLIC) continue;
    await sent(l.manager.labelRole(id, name));
  }
}

/** The roles an institution's account receives: its own and its capabilities. */
export function rolesOfPerson(role: PersonRole): RoleName[] {
  return [role, ...CAPABILITIES[role]];
}

/**
 * Grants each person role (with its capability roles) to its accounts, skipping grants
 * already in place, and sets the grant delays of person and module roles.
 */
export async function grantPersonRoles(
  l: Ledger,
  roles: Partial<Record<PersonRole, string[]>>,
  grantDelays: Partial<Record<PersonRole, number>> = {},
  moduleGrantDelay = 0,
): Promise<void> {
  for (const role of PERSON_ROLES) {
    for (const account of roles[role] ?? []) {
      for (const name of rolesOfPerson(role)) {
        const [isMember] = await l.manager.hasRole(ROLES[name], account);
        if (!isMember) await sent(l.manager.grantRole(ROLES[name], account, 0));
      }
    }
    // The delay applies to later grants, so it is set after the configured accounts are in.
    const delay = grantDelays[role];
    if (delay !== undefined && (await pendingGrantDelay(l, ROLES[role])) !== BigInt(delay)) {
      await sent(l.manager.setGrantDelay(ROLES[role], delay));
    }
  }
  if (moduleGrantDelay > 0) {
    for (const role of MODULE_ROLES) {
      if ((await pendingGrantDelay(l, ROLES[role])) !== BigInt(moduleGrantDelay)) {
        await sent(l.manager.setGrantDelay(ROLES[role], moduleGrantDelay));
      }
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
