import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  FunctionFragment,
  type BaseContract,
  type ContractTransactionResponse,
  type ErrorDescription,
  type Interface,
  type ParamType,
} from "ethers";
import { FUNCTION_ROLES, MODULE_HOLDERS, MODULE_HOOKS, OPEN_FUNCTIONS, UNMANAGED_FUNCTIONS } from "../scripts/lib/access";
import { deployLedger, grantPersonRoles, LEDGER_CONTRACTS, type Ledger, type LedgerName } from "../scripts/lib/ledger";
import { CAPABILITIES, MODULE_ROLES, PERSON_ROLES, ROLES, type ModuleRole, type PersonRole, type RoleName } from "../scripts/lib/roles";
import {
  AREA_CODE,
  BASE_URI,
  CNY,
  DAY,
  application,
  commitTo,
  deployWorld,
  h,
  licenseTerms,
  MemberType,
  register,
  sellOrderFor,
  signOrder,
  submit,
  type World,
  Field,
} from "./helpers/fixture";

type Table = "FUNCTION_ROLES" | "OPEN_FUNCTIONS" | "MODULE_HOOKS" | "UNMANAGED_FUNCTIONS";

interface TableEntry {
  table: Table;
  entry: string;
  /** The function role (FUNCTION_ROLES) or the hook's module role (MODULE_HOOKS). */
  role?: RoleName;
}

/** Every ledger contract but the manager itself. */

const CONTRACTS = (Object.keys(LEDGER_CONTRACTS) as LedgerName[]).filter((k) => k !== "manager");
/** The contracts the AccessManager manages (the evidence anchor has no roles). */
const MANAGED = CONTRACTS.filter((k) => k !== "evidence");

function entriesOf(key: LedgerName): TableEntry[] {
  const out: TableEntry[] = [];
  for (const [role, names] of Object.entries(FUNCTION_ROLES[key] ?? {}) as [RoleName, string[]][]) {
    for (const entry of names) out.push({ table: "FUNCTION_ROLES", entry, role });
  }
  for (const entry of OPEN_FUNCTIONS[key] ?? []) out.push({ table: "OPEN_FUNCTIONS", entry });
  for (const [role, names] of Object.entries(MODULE_HOOKS[key] ?? {}) as [ModuleRole, string[]][]) {
    for (const entry of names) out.push({ table: "MODULE_HOOKS", entry, role });
  }
  for (const entry of UNMANAGED_FUNCTIONS[key] ?? []) out.push({ table: "UNMANAGED_FUNCTIONS", entry });
  return out;
}

function isStateChanging(f: FunctionFragment): boolean {
  return f.stateMutability === "nonpayable" || f.stateMutability === "payable";
}

/** The fragment a table entry names, or why it names none (unknown, ambiguous). */
function resolve(iface: Interface, entry: string): FunctionFragment | string {
  try {
    const f = iface.getFunction(entry);
    return f ?? `${entry} is not a function`;
  } catch (e) {
    return `${entry}: ${(e as Error).message.split(" (")[0] ?? "unresolvable"}`;
  }
}

function fragmentOf(c: BaseContract, entry: string): FunctionFragment {
  const f = resolve(c.interface, entry);
  if (typeof f === "string") throw new Error(f);
  return f;
}

/** A zero value of an ABI type, to call any function with well-formed arguments. */
function zeroOf(p: ParamType): unknown {
  if (p.isArray()) return p.arrayLength > 0 ? Array.from({ length: p.arrayLength }, () => zeroOf(p.arrayChildren)) : [];
  if (p.isTuple()) return p.components.map(zeroOf);
  const t = p.baseType;
  if (t === "address") return ethers.ZeroAddress;
  if (t === "bool") return false;
  if (t === "string") return "";
  if (t === "bytes") return "0x";
  if (t.startsWith("bytes")) return "0x" + "00".repeat(Number(t.slice(5)));
  return 0n;
}

type CallOutcome = { reverted: false } | { reverted: true; error: ErrorDescription | null };

/** Calls `entry` of `c` from `from` with zero arguments (eth_call) and decodes any revert with `c`'s ABI. */
async function zeroCall(c: BaseContract, entry: string, from: string): Promise<CallOutcome> {
  const f = fragmentOf(c, entry);
  const data = c.interface.encodeFunctionData(f, f.inputs.map(zeroOf));
  try {
    await ethers.provider.call({ from, to: await c.getAddress(), data });
    return { reverted: false };
  } catch (e) {
    const revertData = (e as { data?: unknown }).data;
    if (typeof revertData !== "string") throw e;
    return { reverted: true, error: c.interface.parseError(revertData) };
  }
}

function errorName(o: CallOutcome): string {
  return o.reverted ? (o.error?.name ?? "(an error of another contract)") : "(no revert)";
}

const ACCESS_ERRORS = ["AccessManagedUnauthorized", "NotModule", "ContractClosed"];

/** An account of the world holding each role that has functions. */
function holderOf(w: World, role: RoleName): HardhatEthersSigner {
  const holders: Partial<Record<RoleName, HardhatEthersSigner>> = {
    ADMIN: w.admin,
    REGISTRAR: w.registrar,
    EXCHANGE: w.exchange,
    EVALUATOR: w.evaluator,
    AUDITOR: w.auditor,
    REGULATOR: w.regulator,
    COURT: w.court,
    GUARDIAN: w.admin,
    BUREAU: w.bureau,
    ADJUDICATOR: w.court,
    OPENING_ATTESTER: w.regulator,
    FINANCING_ATTESTER: w.auditor,
  };
  const s = holders[role];
  if (!s) throw new Error(`no account of the world holds ${role}`);
  return s;
}

/** The world's accounts for each person role. */
function accountsOf(w: World): Record<PersonRole, HardhatEthersSigner[]> {
  return {
    REGISTRAR: [w.registrar],
    EXCHANGE: [w.exchange, w.exchange2],
    EVALUATOR: [w.evaluator],
    AUDITOR: [w.auditor],
    REGULATOR: [w.regulator],
    COURT: [w.court, w.court2],
    GUARDIAN: [w.admin],
    BUREAU: [w.bureau],
  };
}

function contractOf(l: Ledger, key: LedgerName): BaseContract {
  return l[key];
}

function spare(w: World, i: number): HardhatEthersSigner {
  const s = w.spare[i];
  if (!s) throw new Error(`no spare account ${i}`);
  return s;
}

// ─── The emergency stop: one representative duty and member action per contract ─────────

interface StopWorld extends World {
  /** An application under review (registry duty). */
  pending: bigint;
  /** Registered assets of alice: one per use, so that the cases do not interact. */
  toTransfer: bigint;
  forRecords: bigint;
  toFreeze: bigint;
  toList: bigint;
  toPledge: bigint;
  /** A licence of `forRecords` to bob, and an active pledge of `pledged` to bob. */
  licenseId: bigint;
  pledgeId: bigint;
  /** alice's commitment to `app`, and its salt. */
  app: Awaited<ReturnType<typeof application>>;
  salt: string;
  /** alice's signed sell order of `toList` for w.exchange. */
  order: Awaited<ReturnType<typeof sellOrderFor>>;
  sig: string;
}

async function stopWorld(): Promise<StopWorld> {
  const w = await deployWorld();
  const pending = await submit(w, w.alice);
  const toTransfer = await register(w, w.alice);
  const forRecords = await register(w, w.alice);
  const toFreeze = await register(w, w.alice);
  const toList = await register(w, w.alice);
  const toPledge = await register(w, w.alice);
  const pledged = await register(w, w.alice);
  const licenseId = await w.ledger.licenses.nextLicenseId();
  await w.ledger.licenses.connect(w.alice).grant(forRecords, await licenseTerms(w.bob.address));
  const pledgeId = await w.ledger.pledges.nextPledgeId();
  await w.ledger.pledges.connect(w.alice).propose(pledged, w.bob.address, 1n, CNY, (await time.latest()) + 30 * DAY, h());
  await w.ledger.pledges.connect(w.bob).accept(pledgeId);
  const app = await application();
  const salt = await commitTo(w, w.alice, String(app.contentHash));
  const order = await sellOrderFor(w, toList);
  const sig = await signOrder(w, w.alice, order);
  return { ...w, pending, toTransfer, forRecords, toFreeze, toList, toPledge, licenseId, pledgeId, app, salt, order, sig };
}

interface StopCase {
  key: LedgerName;
  duty: (f: StopWorld) => { caller: HardhatEthersSigner; send: () => Promise<ContractTransactionResponse> };
  /** A member action (`whenOpen`); absent for a contract that has none. */
  action?: (f: StopWorld) => () => Promise<ContractTransactionResponse>;
}

const STOP_CASES: StopCase[] = [
  {
    key: "members",
    duty: (f) => ({
      caller: f.registrar,
      send: () => f.ledger.members.connect(f.registrar).admit(spare(f, 1).address, h("org"), "New Member", MemberType.Enterprise, 0),
    }),
  },
  {
    key: "registry",
    duty: (f) => ({ caller: f.registrar, send: () => f.ledger.registry.connect(f.registrar).accept(f.pending, DAY) }),
    action: (f) => () => f.ledger.registry.connect(f.alice).transferFrom(f.alice.address, f.bob.address, f.toTransfer),
  },
  {
    key: "office",
    duty: (f) => ({ caller: f.admin, send: () => f.ledger.office.connect(f.admin).setRevealWindow(2 * DAY) }),
    action: (f) => () => f.ledger.office.connect(f.alice).submit(f.app, f.salt),
  },
  {
    key: "compliance",
    duty: (f) => ({
      caller: f.regulator,
      send: async () => f.ledger.compliance.connect(f.regulator).approveSandbox(f.forRecords, h(), (await time.latest()) + DAY),
    }),
  },
  {
    key: "licenses",
    duty: (f) => ({ caller: f.court, send: () => f.ledger.licenses.connect(f.court).courtRevoke(f.licenseId, h("case")) }),
    action: (f) => async () => f.ledger.licenses.connect(f.alice).grant(f.forRecords, await licenseTerms(f.carol.address)),
  },
  {
    key: "milestones",
    duty: (f) => ({
      caller: f.auditor,
      send: () => f.ledger.milestones.connect(f.auditor).attestFinancialStatements(f.forRecords, 0, h()),
    }),
  },
  {
    key: "disputes",
    duty: (f) => ({ caller: f.court, send: () => f.ledger.disputes.connect(f.court).freeze(f.toFreeze, h("case")) }),
    action: (f) => () => f.ledger.disputes.connect(f.bob).object(f.toFreeze, h("claim")),
  },
  {
    key: "tradeDesk",
    duty: (f) => ({ caller: f.exchange, send: () => f.ledger.tradeDesk.connect(f.exchange).list(f.order, f.sig, h("listing")) }),
    action: (f) => () => f.ledger.tradeDesk.connect(f.alice).placeOrder({ ...f.order, nonce: 7n }),
  },
  {
    key: "valuations",
    duty: (f) => ({
      caller: f.evaluator,
      send: async () => f.ledger.valuations.connect(f.evaluator).record(f.forRecords, 0, 1_000n, CNY, (await time.latest()) - DAY, h()),
    }),
  },
  {
    key: "incentives",
    duty: (f) => ({
      caller: f.bureau,
      send: async () => f.ledger.incentives.connect(f.bureau).recordIncentive(f.forRecords, 0, 0, 1_000n, CNY, h()),
    }),
  },
  {
    key: "emergencyStop",
    duty: (f) => ({
      caller: f.admin,
      send: async () => f.ledger.emergencyStop.connect(f.admin).stop([await f.ledger.valuations.getAddress()], h("incident")),
    }),
  },
  {
    key: "pledges",
    duty: (f) => ({ caller: f.court, send: () => f.ledger.pledges.connect(f.court).courtEnforce(f.pledgeId, h("case")) }),
    action: (f) => async () =>
      f.ledger.pledges.connect(f.alice).propose(f.toPledge, f.carol.address, 1n, CNY, (await time.latest()) + 10 * DAY, h()),
  },
];

async function setClosed(f: World, key: LedgerName, closed: boolean): Promise<void> {
  await f.ledger.manager.connect(f.admin).setTargetClosed(await contractOf(f.ledger, key).getAddress(), closed);
}

describe("access", () => {
  describe("the access table (scripts/lib/access.ts)", () => {
    it("names only ledger contracts, and never the manager", () => {
      const keys = new Set<string>(CONTRACTS);
      for (const table of [FUNCTION_ROLES, OPEN_FUNCTIONS, MODULE_HOOKS, UNMANAGED_FUNCTIONS]) {
        for (const key of Object.keys(table)) expect(keys.has(key), key).to.equal(true);
      }
    });

    for (const key of CONTRACTS) {
      it(`${key}: every state-changing function is in exactly one table, and every entry is one`, async () => {
        const iface = (await ethers.getContractFactory(LEDGER_CONTRACTS[key])).interface;
        const problems: string[] = [];
        const seen = new Map<string, string[]>();
        for (const { table, entry } of entriesOf(key)) {
          const f = resolve(iface, entry);
          if (typeof f === "string") {
            problems.push(`${table}: ${f}`);
            continue;
          }
          if (!isStateChanging(f)) problems.push(`${table}: ${entry} is a view`);
          seen.set(f.selector, [...(seen.get(f.selector) ?? []), `${table}.${entry}`]);
        }
        for (const f of iface.fragments.filter(FunctionFragment.isFragment).filter(isStateChanging)) {
          const where = seen.get(f.selector) ?? [];
          if (where.length !== 1) problems.push(`${f.format("sighash")} is in ${where.length === 0 ? "no table" : where.join(" and ")}`);
        }
        expect(problems).to.deep.equal([]);
      });
    }
  });

  describe("after deployWorld()", () => {
    it("every FUNCTION_ROLES entry has its role in the manager", async () => {
      const w = await loadFixture(deployWorld);
      for (const key of MANAGED) {
        const c = contractOf(w.ledger, key);
        const target = await c.getAddress();
        for (const [role, names] of Object.entries(FUNCTION_ROLES[key] ?? {}) as [RoleName, string[]][]) {
          for (const name of names) {
            expect(await w.ledger.manager.getTargetFunctionRole(target, fragmentOf(c, name).selector), `${key}.${name}`).to.equal(
              ROLES[role],
            );
          }
        }
      }
    });

    it("every duty is `restricted` in the code: an outsider gets AccessManagedUnauthorized", async () => {
      const w = await loadFixture(deployWorld);
      for (const key of MANAGED) {
        const c = contractOf(w.ledger, key);
        for (const names of Object.values(FUNCTION_ROLES[key] ?? {})) {
          for (const name of names) {
            const o = await zeroCall(c, name, w.outsider.address);
            expect(errorName(o), `${key}.${name}`).to.equal("AccessManagedUnauthorized");
            if (o.reverted) expect(o.error?.args[0]).to.equal(w.outsider.address);
          }
        }
      }
    });

    it("every module hook answers only its module role (NotModule with the table's role)", async () => {
      const w = await loadFixture(deployWorld);
      for (const key of MANAGED) {
        const c = contractOf(w.ledger, key);
        for (const [role, names] of Object.entries(MODULE_HOOKS[key] ?? {}) as [ModuleRole, string[]][]) {
          for (const name of names) {
            for (const who of [w.outsider, w.admin, w.registrar, w.court]) {
              const o = await zeroCall(c, name, who.address);
              expect(errorName(o), `${key}.${name} by ${who.address}`).to.equal("NotModule");
              if (o.reverted) expect([o.error?.args[0], o.error?.args[1]]).to.deep.equal([who.address, ROLES[role]]);
            }
          }
        }
      }
    });

    it("member actions and unmanaged functions are open: no access error for an outsider", async () => {
      const w = await loadFixture(deployWorld);
      for (const key of CONTRACTS) {
        const c = contractOf(w.ledger, key);
        for (const name of [...(OPEN_FUNCTIONS[key] ?? []), ...(UNMANAGED_FUNCTIONS[key] ?? [])]) {
          const o = await zeroCall(c, name, w.outsider.address);
          expect(ACCESS_ERRORS, `${key}.${name}`).to.not.include(errorName(o));
        }
      }
    });

    it("every module holder holds its module role with no execution delay, and only those", async () => {
      const w = await loadFixture(deployWorld);
      const { manager } = w.ledger;
      for (const role of MODULE_ROLES) {
        for (const key of CONTRACTS) {
          const [isMember, delay] = await manager.hasRole(ROLES[role], await contractOf(w.ledger, key).getAddress());
          const holds = MODULE_HOLDERS[role].includes(key);
          expect(isMember, `${key} holds ${role}`).to.equal(holds);
          if (holds) expect(delay, `${key}'s delay on ${role}`).to.equal(0n);
        }
      }
    });

    it("no person account holds a module role, and no module role was ever granted to anything but its holders", async () => {
      const w = await loadFixture(deployWorld);
      const { manager } = w.ledger;
      for (const signer of await ethers.getSigners()) {
        for (const role of MODULE_ROLES) {
          const [isMember] = await manager.hasRole(ROLES[role], signer.address);
          expect(isMember, `${signer.address} holds ${role}`).to.equal(false);
        }
      }
      const moduleIds = new Map<bigint, ModuleRole>(MODULE_ROLES.map((r) => [ROLES[r], r]));
      const grants = await manager.queryFilter(manager.filters.RoleGranted());
      let moduleGrants = 0;
      for (const g of grants) {
        const role = moduleIds.get(g.args.roleId);
        if (!role) continue;
        moduleGrants += 1;
        const holders = await Promise.all(MODULE_HOLDERS[role].map((k) => contractOf(w.ledger, k).getAddress()));
        expect(holders, `${role} granted to ${g.args.account}`).to.include(g.args.account);
      }
      expect(moduleGrants).to.equal(Object.values(MODULE_HOLDERS).flat().length);
    });

    it("each institution's accounts hold their role and capability roles, with no execution delay, and no others", async () => {
      const w = await loadFixture(deployWorld);
      const { manager } = w.ledger;
      const accounts = accountsOf(w);
      const capabilityRoles = [...new Set(Object.values(CAPABILITIES).flat())];
      for (const role of PERSON_ROLES) {
        for (const account of accounts[role]) {
          for (const r of [...PERSON_ROLES, ...capabilityRoles]) {
            const expected = r === role || CAPABILITIES[role].includes(r);
            const [isMember, delay] = await manager.hasRole(ROLES[r], account.address);
            expect(isMember, `${role} account ${account.address} holds ${r}`).to.equal(expected);
            if (expected) expect(delay).to.equal(0n);
          }
        }
      }
      // The registrar's capabilities, spelled out.
      expect(CAPABILITIES.REGISTRAR).to.include.members(["ADJUDICATOR", "OPENING_ATTESTER"]);
      expect(CAPABILITIES.COURT).to.include("ADJUDICATOR");
      expect(CAPABILITIES.REGULATOR).to.include("OPENING_ATTESTER");
      expect(CAPABILITIES.EXCHANGE).to.include("FINANCING_ATTESTER");
      expect(CAPABILITIES.AUDITOR).to.include("FINANCING_ATTESTER");
    });
  });

  it("contracts/access/Roles.sol and scripts/lib/roles.ts agree", async () => {
    const sol = await readFile(path.join(__dirname, "..", "contracts", "access", "Roles.sol"), "utf8");
    const parsed: Record<string, bigint> = {};
    for (const m of sol.matchAll(/uint64\s+internal\s+constant\s+([A-Z_]+)\s*=\s*([^;]+);/g)) {
      const [, name, value] = m;
      if (!name || !value) continue;
      parsed[name] = value.trim() === "type(uint64).max" ? 2n ** 64n - 1n : BigInt(value.trim());
    }
    expect(Object.keys(parsed).length).to.be.greaterThan(10);
    expect(parsed).to.deep.equal({ ...ROLES });
  });

  describe("the emergency stop", () => {
    for (const c of STOP_CASES) {
      const what = c.action
        ? "its duty reverts AccessManagedUnauthorized and its member action ContractClosed; reopened, both work"
        : "its duty reverts AccessManagedUnauthorized (it has no member action); reopened, it works";
      it(`${c.key}: closed, ${what}`, async () => {
        const f = await loadFixture(stopWorld);
        const target = contractOf(f.ledger, c.key);
        const duty = c.duty(f);
        const action = c.action?.(f);
        await setClosed(f, c.key, true);
        expect(await f.ledger.manager.isTargetClosed(await target.getAddress())).to.equal(true);
        await expect(duty.send()).to.be.revertedWithCustomError(target, "AccessManagedUnauthorized").withArgs(duty.caller.address);
        if (action) {
          await expect(action()).to.be.revertedWithCustomError(target, "ContractClosed").withArgs(await target.getAddress());
        }
        await setClosed(f, c.key, false);
        await expect(duty.send()).to.not.be.reverted;
        if (action) await expect(action()).to.not.be.reverted;
      });
    }

    it("every managed contract has a case above", () => {
      expect(STOP_CASES.map((c) => c.key).sort()).to.deep.equal([...MANAGED].sort());
    });

    it("closed, every duty refuses even its role holder, and every member action reverts ContractClosed", async () => {
      const w = await loadFixture(deployWorld);
      for (const key of MANAGED) await setClosed(w, key, true);
      for (const key of MANAGED) {
        const c = contractOf(w.ledger, key);
        const target = await c.getAddress();
        for (const [role, names] of Object.entries(FUNCTION_ROLES[key] ?? {}) as [RoleName, string[]][]) {
          const who = holderOf(w, role);
          for (const name of names) {
            const o = await zeroCall(c, name, who.address);
            expect(errorName(o), `${key}.${name} by its ${role}`).to.equal("AccessManagedUnauthorized");
          }
        }
        for (const name of OPEN_FUNCTIONS[key] ?? []) {
          const o = await zeroCall(c, name, w.alice.address);
          expect(errorName(o), `${key}.${name}`).to.equal("ContractClosed");
          if (o.reverted) expect(o.error?.args[0]).to.equal(target);
        }
      }
    });

    it("closing is the admin's alone", async () => {
      const w = await loadFixture(deployWorld);
      const target = await w.ledger.registry.getAddress();
      for (const who of [w.registrar, w.court, w.regulator, w.outsider]) {
        await expect(w.ledger.manager.connect(who).setTargetClosed(target, true))
          .to.be.revertedWithCustomError(w.ledger.manager, "AccessManagerUnauthorizedAccount")
          .withArgs(who.address, ROLES.ADMIN);
      }
      expect(await w.ledger.manager.isTargetClosed(target)).to.equal(false);
    });
  });

  describe("the guardian's emergency stop (EmergencyStop)", () => {
    it("stops every ledger contract in one call at once, even when the admin's own actions wait 2 days; reopening stays the admin's, with its delay", async () => {
      const w = await loadFixture(deployWorld);
      const { manager } = w.ledger;
      // The permissioned profile: the admin's execution delay makes setTargetClosed wait.
      await manager.connect(w.admin).grantRole(ROLES.ADMIN, w.admin.address, 2 * DAY);
      const registry = await w.ledger.registry.getAddress();
      await expect(manager.connect(w.admin).setTargetClosed(registry, true)).to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled");

      const targets = await Promise.all(MANAGED.filter((k) => k !== "emergencyStop").map((k) => contractOf(w.ledger, k).getAddress()));
      const reason = h("incident");
      await expect(w.ledger.emergencyStop.connect(w.admin).stop(targets, reason))
        .to.emit(w.ledger.emergencyStop, "EmergencyStopped")
        .withArgs(w.admin.address, targets, reason);
      for (const t of targets) expect(await manager.isTargetClosed(t), t).to.equal(true);
      // Asset changes stop everywhere, module hooks included.
      const id = 1n;
      await expect(w.ledger.registry.connect(w.registrar).accept(id, DAY)).to.be.revertedWithCustomError(w.ledger.registry, "AccessManagedUnauthorized");
      await expect(w.ledger.licenses.connect(w.alice).grant(id, await licenseTerms(w.bob.address))).to.be.revertedWithCustomError(
        w.ledger.licenses,
        "ContractClosed",
      );
      // The stop contract can only close: reopening goes through the admin's schedule.
      const reopen = manager.interface.encodeFunctionData("setTargetClosed", [registry, false]);
      await expect(manager.connect(w.admin).setTargetClosed(registry, false)).to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled");
      await manager.connect(w.admin).schedule(await manager.getAddress(), reopen, 0);
      await time.increase(2 * DAY + 1);
      await manager.connect(w.admin).execute(await manager.getAddress(), reopen);
      expect(await manager.isTargetClosed(registry)).to.equal(false);
    });

    it("answers only the guardian, and refuses an empty or oversized list and a zero reason", async () => {
      const w = await loadFixture(deployWorld);
      const stop = w.ledger.emergencyStop;
      const target = await w.ledger.registry.getAddress();
      for (const who of [w.registrar, w.court, w.outsider, w.alice]) {
        await expect(stop.connect(who).stop([target], h())).to.be.revertedWithCustomError(stop, "AccessManagedUnauthorized").withArgs(who.address);
      }
      await expect(stop.connect(w.admin).stop([], h())).to.be.revertedWithCustomError(stop, "OutOfRange").withArgs(Field.Targets, 0n);
      const many = Array.from({ length: 33 }, () => target);
      await expect(stop.connect(w.admin).stop(many, h())).to.be.revertedWithCustomError(stop, "OutOfRange").withArgs(Field.Targets, 33n);
      await expect(stop.connect(w.admin).stop([target], ethers.ZeroHash)).to.be.revertedWithCustomError(stop, "ZeroHash").withArgs(Field.ReasonHash);
      expect(await w.ledger.manager.isTargetClosed(target)).to.equal(false);
    });

    it("holds the admin role with no delay (so that its close is immediate) and nobody else has it but the admin", async () => {
      const w = await loadFixture(deployWorld);
      const [isAdmin, delay] = await w.ledger.manager.hasRole(ROLES.ADMIN, await w.ledger.emergencyStop.getAddress());
      expect(isAdmin).to.equal(true);
      expect(delay).to.equal(0n);
      for (const signer of await ethers.getSigners()) {
        if (signer.address === w.admin.address) continue;
        expect((await w.ledger.manager.hasRole(ROLES.ADMIN, signer.address))[0], signer.address).to.equal(false);
      }
    });
  });

  describe("grant delays", () => {
    const MODULE_DELAY = 2 * DAY;
    const COURT_DELAY = 3 * DAY;

    async function delayedLedger() {
      const [admin, registrar, court, newModule] = await ethers.getSigners();
      if (!admin || !registrar || !court || !newModule) throw new Error("needs four accounts");
      const ledger = await deployLedger(admin, { areaCode: AREA_CODE, baseURI: BASE_URI });
      await grantPersonRoles(ledger, { REGISTRAR: [registrar.address], COURT: [court.address] }, { COURT: COURT_DELAY }, MODULE_DELAY);
      return { ledger, admin, registrar, court, newModule };
    }

    it("grantPersonRoles sets the grant delay of every module role, in force after the manager's setback", async () => {
      const { ledger } = await loadFixture(delayedLedger);
      const { manager } = ledger;
      // A new grant delay takes effect only after minSetback (AccessManager's Time.Delay update).
      for (const role of MODULE_ROLES) expect(await manager.getRoleGrantDelay(ROLES[role])).to.equal(0n);
      await time.increase(await manager.minSetback());
      for (const role of MODULE_ROLES) expect(await manager.getRoleGrantDelay(ROLES[role]), role).to.equal(BigInt(MODULE_DELAY));
      expect(await manager.getRoleGrantDelay(ROLES.COURT)).to.equal(BigInt(COURT_DELAY));
      expect(await manager.getRoleGrantDelay(ROLES.REGISTRAR)).to.equal(0n);
      // The wired modules keep their roles, with no execution delay.
      for (const role of MODULE_ROLES) {
        for (const key of MODULE_HOLDERS[role]) {
          const [isMember, delay] = await manager.hasRole(ROLES[role], await contractOf(ledger, key).getAddress());
          expect(isMember).to.equal(true);
          expect(delay).to.equal(0n);
        }
      }
    });

    it("a replacement module takes effect only after the grant delay", async () => {
      const { ledger, admin, newModule } = await loadFixture(delayedLedger);
      const { manager } = ledger;
      await time.increase(await manager.minSetback());
      await manager.connect(admin).grantRole(ROLES.DISPUTES_MODULE, newModule.address, 0);
      expect((await manager.hasRole(ROLES.DISPUTES_MODULE, newModule.address))[0]).to.equal(false);
      await expect(ledger.registry.connect(newModule).setFrozen(1n, true))
        .to.be.revertedWithCustomError(ledger.registry, "NotModule")
        .withArgs(newModule.address, ROLES.DISPUTES_MODULE);
      await time.increase(MODULE_DELAY);
      expect((await manager.hasRole(ROLES.DISPUTES_MODULE, newModule.address))[0]).to.equal(true);
    });
  });

  it("setAuthority reverts AuthorityFixed on every managed contract", async () => {
    const w = await loadFixture(deployWorld);
    const manager = await w.ledger.manager.getAddress();
    for (const key of MANAGED) {
      const c = contractOf(w.ledger, key);
      for (const who of [w.admin, w.outsider]) {
        const o = await zeroCall(c, "setAuthority", who.address);
        expect(errorName(o), `${key}.setAuthority`).to.equal("AuthorityFixed");
      }
      const data = c.interface.encodeFunctionData("setAuthority", [w.outsider.address]);
      await expect(w.admin.sendTransaction({ to: await c.getAddress(), data })).to.be.revertedWithCustomError(c, "AuthorityFixed");
      const authority = c.interface.decodeFunctionResult(
        "authority",
        await ethers.provider.call({ to: await c.getAddress(), data: c.interface.encodeFunctionData("authority") }),
      );
      expect(authority[0], key).to.equal(manager);
    }
  });

  describe("an admin with an execution delay", () => {
    const ADMIN_DELAY = 2 * DAY;

    async function delayedAdmin() {
      const w = await deployWorld();
      await w.ledger.manager.connect(w.admin).grantRole(ROLES.ADMIN, w.admin.address, ADMIN_DELAY);
      return w;
    }

    it("must schedule a configuration call, which runs only after the delay", async () => {
      const w = await loadFixture(delayedAdmin);
      const { manager, registry } = w.ledger;
      const [, delay] = await manager.hasRole(ROLES.ADMIN, w.admin.address);
      expect(delay).to.equal(BigInt(ADMIN_DELAY));
      const target = await registry.getAddress();
      const newBase = "https://elsewhere.example/assets/";
      const data = registry.interface.encodeFunctionData("setBaseURI", [newBase]);
      const opId = await manager.hashOperation(w.admin.address, target, data);

      await expect(registry.connect(w.admin).setBaseURI(newBase))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
        .withArgs(opId);
      await expect(manager.connect(w.admin).schedule(target, data, 0)).to.emit(manager, "OperationScheduled");
      await expect(manager.connect(w.admin).execute(target, data))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotReady")
        .withArgs(opId);
      await time.increase(ADMIN_DELAY);
      await expect(manager.connect(w.admin).execute(target, data)).to.emit(registry, "BaseURISet").withArgs(newBase);
      const id = await register(w, w.alice);
      expect(await registry.tokenURI(id)).to.equal(`${newBase}${id}`);
    });

    it("must schedule a role grant too", async () => {
      const w = await loadFixture(delayedAdmin);
      const { manager } = w.ledger;
      const target = await manager.getAddress();
      const who = spare(w, 2);
      const data = manager.interface.encodeFunctionData("grantRole", [ROLES.COURT, who.address, 0]);
      await expect(manager.connect(w.admin).grantRole(ROLES.COURT, who.address, 0))
        .to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled")
        .withArgs(await manager.hashOperation(w.admin.address, target, data));
      expect((await manager.hasRole(ROLES.COURT, who.address))[0]).to.equal(false);
    });

    it("leaves the duties immediate", async () => {
      const w = await loadFixture(delayedAdmin);
      const id = await submit(w, w.alice);
      await expect(w.ledger.registry.connect(w.registrar).accept(id, DAY)).to.emit(w.ledger.registry, "PublicityStarted");
      await expect(w.ledger.disputes.connect(w.court).freeze(await register(w, w.bob), h("case"))).to.emit(
        w.ledger.disputes,
        "AssetFrozenByCourt",
      );
    });
  });
});
