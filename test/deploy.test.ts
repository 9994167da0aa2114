import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { DeployConfigSchema, LEDGER_CONTRACTS } from "../scripts/lib/ledger";
import { deployOrAttach } from "../scripts/lib/deployment";
import { MODULE_HOLDERS } from "../scripts/lib/access";
import { MODULE_ROLES, ROLES } from "../scripts/lib/roles";

interface DeploymentFile {
  chainId: number;
  deployBlock: number;
  addresses: Record<string, string>;
  abis: Record<string, unknown[]>;
}

async function signers(): Promise<[HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner]> {
  const [deployer, registrar, court] = await ethers.getSigners();
  if (!deployer || !registrar || !court) throw new Error("needs three accounts");
  return [deployer, registrar, court];
}

/** Runs deployOrAttach a second time and checks that it sent nothing and found the same contracts. */
async function expectIdempotent(
  config: ReturnType<typeof DeployConfigSchema.parse>,
  deployer: HardhatEthersSigner,
  dir: string,
  addresses: Record<string, string>,
): Promise<void> {
  const blockBefore = await ethers.provider.getBlockNumber();
  const nonceBefore = await ethers.provider.getTransactionCount(deployer.address);
  const second = await deployOrAttach("hardhat", config, deployer, dir);
  expect(second.fresh).to.equal(false);
  expect(second.addresses).to.deep.equal(addresses);
  expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
  expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonceBefore);
}

describe("deploy script", () => {
  it("deploys, writes the deployment file, and a second run sends no transaction", async () => {
    const [deployer, registrar, court] = await signers();
    const dir = await mkdtemp(path.join(tmpdir(), "drl-deploy-"));
    const config = DeployConfigSchema.parse({
      areaCode: 440300,
      baseURI: "http://127.0.0.1:8080/v1/assets/",
      roles: { REGISTRAR: [registrar.address], COURT: [court.address] },
    });

    const first = await deployOrAttach("hardhat", config, deployer, dir);
    expect(first.fresh).to.equal(true);
    const [isRegistrar] = await first.ledger.manager.hasRole(ROLES.REGISTRAR, registrar.address);
    expect(isRegistrar).to.equal(true);
    expect(await first.ledger.registry.compliance()).to.equal(first.addresses.compliance);
    // The registration office holds its module role.
    const [officeIsModule] = await first.ledger.manager.hasRole(ROLES.REGISTRATION_MODULE, first.addresses.office);
    expect(officeIsModule).to.equal(true);

    const file = JSON.parse(await readFile(path.join(dir, "hardhat.json"), "utf8")) as DeploymentFile;
    expect(file.chainId).to.equal(31337);
    expect(Object.keys(file.addresses).sort()).to.deep.equal(Object.keys(LEDGER_CONTRACTS).sort());
    expect(file.addresses.registry).to.equal(first.addresses.registry);
    expect(file.addresses.office).to.equal(first.addresses.office);
    expect(file.abis.registry).to.be.an("array").that.is.not.empty;
    expect(file.abis.office).to.be.an("array").that.is.not.empty;

    await expectIdempotent(config, deployer, dir, first.addresses);
  });

  it("with the permissioned profile's delays, a second run also sends no transaction", async () => {
    const [deployer, registrar, court] = await signers();
    const dir = await mkdtemp(path.join(tmpdir(), "drl-deploy-"));
    const delay = 2 * 24 * 60 * 60;
    const config = DeployConfigSchema.parse({
      areaCode: 440300,
      baseURI: "http://127.0.0.1:8080/v1/assets/",
      roles: { REGISTRAR: [registrar.address], COURT: [court.address] },
      grantDelays: { REGISTRAR: delay, COURT: delay },
      moduleGrantDelay: delay,
      adminExecutionDelay: delay,
    });
    const first = await deployOrAttach("hardhat", config, deployer, dir);
    const [isAdmin, adminDelay] = await first.ledger.manager.hasRole(ROLES.ADMIN, deployer.address);
    expect(isAdmin).to.equal(true);
    expect(adminDelay).to.equal(BigInt(delay));
    for (const role of MODULE_ROLES) {
      for (const holder of MODULE_HOLDERS[role]) {
        const [isMember, executionDelay] = await first.ledger.manager.hasRole(ROLES[role], first.addresses[holder]);
        expect(isMember, `${holder} holds ${role}`).to.equal(true);
        expect(executionDelay).to.equal(0n);
      }
    }

    await expectIdempotent(config, deployer, dir, first.addresses);
  });

  it("rejects a config with a bad field, naming it", () => {
    const parsed = DeployConfigSchema.safeParse({ areaCode: 1_000_000, baseURI: "x" });
    expect(parsed.success).to.equal(false);
    expect(parsed.error?.issues[0]?.path).to.deep.equal(["areaCode"]);
  });
});
