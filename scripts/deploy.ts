/**
 * Deploys the ledger to the selected network and bootstraps roles from
 * deployments/config/<network>.json; writes deployments/<network>.json (chain id, addresses,
 * deploy block, ABIs). Run again against the same chain, it finds the contracts and only adds
 * what is missing: nothing is redeployed, no role is granted twice.
 *
 *   npm run deploy -- --network localhost
 *
 * The signer is the network's first account (for `besu`, DRL_DEPLOYER_KEY), or an encrypted
 * JSON keystore when DRL_KEYSTORE (path) and DRL_KEYSTORE_PASSWORD are set.
 */
import hre from "hardhat";
import { DeployError, deployOrAttach, deployerSigner, loadConfig } from "./lib/deployment";

async function main(): Promise<void> {
  const network = hre.network.name;
  const config = await loadConfig(network);
  const signer = await deployerSigner();
  const result = await deployOrAttach(network, config, signer);
  console.log(
    result.fresh
      ? `Deployed the ledger to ${network} (chain ${result.chainId}) at block ${result.deployBlock}.`
      : `The ledger was already deployed on ${network} (chain ${result.chainId}); wiring and roles checked.`,
  );
  console.log(`Wrote deployments/${network}.json`);
  console.table(Object.entries(result.addresses).map(([contract, address]) => ({ contract, address })));
}

main().catch((err: unknown) => {
  console.error(err instanceof DeployError ? `deploy: ${err.message}` : `deploy failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
