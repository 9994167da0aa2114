import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import { DeployConfigSchema } from "../scripts/lib/ledger";
import { deployOrAttach } from "../scripts/lib/deployment";
import { ROLES } from "../scripts/lib/roles";

describe("deploy script", () => {
  it("deploys, writes the deployment file, and a second run sends no transaction", async () => {
    const [deployer, registrar, court] = await ethers.getSigners();
    const dir = await mkdtemp(path.join(tmpdir(), "drl-deploy-"));
    const config = DeployConfigSchema.parse({
      areaCode: 440300,
      baseURI: "http://127.0.0.1:8080/v1/assets/",
      roles: { REGISTRAR: [registrar!.address], COURT: [court!.address] },
    });

    const first = await deployOrAttach("hardhat", config, deployer!, dir);
    expect(first.fresh).to.equal(true);
    const [isRegistrar] = await first.ledger.manager.hasRole(ROLES.REGISTRAR, registrar!.address);
    expect(isRegistrar).to.equal(true);
    expect(await first.ledger.registry.compliance()).to.equal(first.addresses.compliance);

    const file = JSON.parse(await readFile(path.join(dir, "hardhat.json"), "utf8")) as {
      chainId: number;
      deployBlock: number;
      addresses: Record<string, string>;
      abis: Record<string, unknown[]>;
    };
    expect(file.chainId).to.equal(31337);
    expect(file.addresses.registry).to.equal(first.addresses.registry);
    expect(file.abis.registry).to.be.an("array").that.is.not.empty;

    const blockBefore = await ethers.provider.getBlockNumber();
    const nonceBefore = await ethers.provider.getTransactionCount(deployer!.address);
    const second = await deployOrAttach("hardhat", config, deployer!, dir);
    expect(second.fresh).to.equal(false);
    expect(second.addresses).to.deep.equal(first.addresses);
    expect(await ethers.provider.getBlockNumber()).to.equal(blockBefore);
    expect(await ethers.provider.getTransactionCount(deployer!.address)).to.equal(nonceBefore);
  });

  it("rejects a config with a bad field, naming it", () => {
    const parsed = DeployConfigSchema.safeParse({ areaCode: 1_000_000, baseURI: "x" });
    expect(parsed.success).to.equal(false);
    expect(parsed.error?.issues[0]?.path).to.deep.equal(["areaCode"]);
  });
});
