/** `drl deploy --network NAME`: deploy (or find) the ledger and write deployments/<NAME>.json. */
import type { Command } from "commander";
import { JsonRpcProvider, Network } from "ethers";
import { deployOrAttach, loadConfig } from "../../deploy/deployment";
import { UsageError } from "../exit";
import { fields, table } from "../output";
import { resolveSigner } from "../signer";
import { contextOf, signing } from "./common";

export function registerDeploy(program: Command): void {
  signing(
    program
      .command("deploy")
      .description("deploy the contracts with deployments/config/<network>.json; writes deployments/<network>.json (run again: only what is missing)"),
  ).action(async (flags: { as?: string; keystore?: string }, cmd: Command) => {
    const ctx = contextOf(cmd);
    const network = ctx.opts.network;
    if (network === undefined) throw new UsageError("--network", "is required: drl deploy --network NAME (deployments/config/NAME.json)");
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(network)) throw new UsageError("--network", "a network name is letters, digits, '-' and '_'");
    const config = await loadConfig(network);
    // Asked once up front: an unreachable node is exit 3 at once, not ethers retrying forever.
    const chainId = Number(await ctx.rawRpc("eth_chainId"));
    const provider = new JsonRpcProvider(ctx.rpcUrl, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    try {
      const signer = await resolveSigner(flags, provider, network === "localhost");
      const result = await deployOrAttach(network, config, signer, "deployments", { log: (m) => ctx.out.note(m) });
      ctx.out.result({ network, chainId: result.chainId, deployBlock: result.deployBlock, fresh: result.fresh, file: result.file, addresses: result.addresses }, () =>
        [
          result.fresh ? `Deployed the ledger to ${network} (chain ${result.chainId}) at block ${result.deployBlock}.` : `The ledger was already deployed on ${network} (chain ${result.chainId}); wiring and roles checked.`,
          fields([["deployment file", result.file]]),
          table(["contract", "address"], Object.entries(result.addresses)),
        ].join("\n"),
      );
    } finally {
      provider.destroy();
    }
  });
}
