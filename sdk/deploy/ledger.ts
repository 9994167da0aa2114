/**
 * The ledger's contracts: deploy, wire and attach them with the typechain factories and any
 * ethers v6 signer, so that `drl deploy`, `drl start`, the Hardhat deploy script and the tests
 * share one deployment path that needs neither Hardhat nor its build artifacts at run time.
 */
import type { BaseContract, ContractRunner, Signer } from "ethers";
import { z } from "zod";
import { FUNCTION_ROLES, MODULE_HOLDERS } from "../../scripts/lib/access";
import { CAPABILITIES, MODULE_ROLES, PERSON_ROLES, ROLES, type PersonRole, type RoleName } from "../../scripts/lib/roles";
import {
  AccessManager__factory,
  ComplianceRegistry__factory,
  DataAssetRegistry__factory,
  DisputeResolution__factory,
  EmergencyStop__factory,
  EvidenceAnchor__factory,
  IncentiveRegistry__factory,
  LicenseRegistry__factory,
  MemberRegistry__factory,
  MilestoneRegistry__factory,
  PledgeRegistry__factory,
  RegistrationOffice__factory,
  TradeDesk__factory,
  ValuationRegistry__factory,
  type AccessManager,
  type ComplianceRegistry,
  type DataAssetRegistry,
  type DisputeResolution,
  type EmergencyStop,
  type EvidenceAnchor,
  type IncentiveRegistry,
  type LicenseRegistry,
  type MemberRegistry,
  type MilestoneRegistry,
  type PledgeRegistry,
  type RegistrationOffice,
  type TradeDesk,
  type ValuationRegistry,
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
  incentives: IncentiveRegistry;
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
  incentives: "IncentiveRegistry",
};

/** The typechain factory of each ledger entry: bytecode and ABI without Hardhat's artifacts. */
export const LEDGER_FACTORIES = {
  manager: AccessManager__factory,
  members: MemberRegistry__factory,
  registry: DataAssetRegistry__factory,
  office: RegistrationOffice__factory,
  compliance: ComplianceRegistry__factory,
  licenses: LicenseRegistry__factory,
  milestones: MilestoneRegistry__factory,
  disputes: DisputeResolution__factory,
  tradeDesk: TradeDesk__factory,
  valuations: ValuationRegistry__factory,
  pledges: PledgeRegistry__factory,
  evidence: EvidenceAnchor__factory,
  emergencyStop: EmergencyStop__factory,
  incentives: IncentiveRegistry__factory,
} as const satisfies Record<LedgerName, { abi: unknown; connect(address: string, runner?: ContractRunner | null): unknown }>;

/** The ABI of each ledger entry, as the deployment file records it. */
export function ledgerAbi(key: LedgerName): readonly unknown[] {
  return LEDGER_FACTORIES[key].abi;
}

async function deployed<T extends BaseContract>(contract: Promise<T>): Promise<T> {
  const c = await contract;
  await c.waitForDeployment();
  return c;
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
  const manager = await deployed(new AccessManager__factory(admin).deploy(adminAddress));
  const m = await manager.getAddress();
  const members = await deployed(new MemberRegistry__factory(admin).deploy(m));
  const registry = await deployed(new DataAssetRegistry__factory(admin).deploy(m, await members.getAddress(), config.areaCode, config.baseURI));
  const r = await registry.getAddress();
  const office = await deployed(new RegistrationOffice__factory(admin).deploy(m, r));
  const compliance = await deployed(new ComplianceRegistry__factory(admin).deploy(m, r));
  const licenses = await deployed(new LicenseRegistry__factory(admin).deploy(m, r));
  await sent(registry.setModules(await compliance.getAddress(), await licenses.getAddress()));
  const milestones = await deployed(new MilestoneRegistry__factory(admin).deploy(m, r));
  const disputes = await deployed(new DisputeResolution__factory(admin).deploy(m, r));
  const tradeDesk = await deployed(new TradeDesk__factory(admin).deploy(m, r, await milestones.getAddress()));
  const valuations = await deployed(new ValuationRegistry__factory(admin).deploy(m, r));
  const pledges = await deployed(new PledgeRegistry__factory(admin).deploy(m, r, await milestones.getAddress(), await disputes.getAddress()));
  const evidence = await deployed(new EvidenceAnchor__factory(admin).deploy());
  const emergencyStop = await deployed(new EmergencyStop__factory(admin).deploy(m));
  const incentives = await deployed(new IncentiveRegistry__factory(admin).deploy(m, await milestones.getAddress()));
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
    incentives,
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

/** Attaches to an existing deployment (no call is sent). */
export function attachLedger(addresses: Record<LedgerName, string>, runner: ContractRunner): Ledger {
  return {
    manager: AccessManager__factory.connect(addresses.manager, runner),
    members: MemberRegistry__factory.connect(addresses.members, runner),
    registry: DataAssetRegistry__factory.connect(addresses.registry, runner),
    office: RegistrationOffice__factory.connect(addresses.office, runner),
    compliance: ComplianceRegistry__factory.connect(addresses.compliance, runner),
    licenses: LicenseRegistry__factory.connect(addresses.licenses, runner),
    milestones: MilestoneRegistry__factory.connect(addresses.milestones, runner),
    disputes: DisputeResolution__factory.connect(addresses.disputes, runner),
    tradeDesk: TradeDesk__factory.connect(addresses.tradeDesk, runner),
    valuations: ValuationRegistry__factory.connect(addresses.valuations, runner),
    pledges: PledgeRegistry__factory.connect(addresses.pledges, runner),
    evidence: EvidenceAnchor__factory.connect(addresses.evidence, runner),
    emergencyStop: EmergencyStop__factory.connect(addresses.emergencyStop, runner),
    incentives: IncentiveRegistry__factory.connect(addresses.incentives, runner),
  };
}
