/**
 * Deploy-or-attach behind scripts/deploy.ts. The logic is hardhat-free (sdk/deploy/deployment.ts,
 * shared with `drl deploy` and `drl start`); this module adds the Hardhat network's signer.
 */
import { readFile } from "node:fs/promises";
import hre, { ethers } from "hardhat";
import type { Signer } from "ethers";
import { DeployError } from "../../sdk/deploy/deployment";

export { DeployError, deployOrAttach, loadConfig, writeFileAtomic, type DeploymentResult, type DeployOptions } from "../../sdk/deploy/deployment";

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
