import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import path from "node:path";

// The compiler comes from the pinned `solc` npm package (soljson.js), because the
// machines that build this project cannot reach the Solidity download site.
// Keep SOLC_VERSION equal to the exact `solc` version pinned in package.json.
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version().replace(/\.Emscripten\.clang$/, ""),
  };
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // OpenZeppelin 5.x uses mcopy: cancun is the lowest EVM version that has it.
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
    },
  },
  networks: {
    hardhat: {},
    localhost: {
      url: process.env.DRL_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // Example permissioned network: Hyperledger Besu with QBFT and free gas.
    // See deployments/config/besu.json and README.md ("Deploying to a permissioned chain").
    besu: {
      url: process.env.DRL_BESU_RPC_URL ?? "http://127.0.0.1:8545",
      chainId: Number(process.env.DRL_BESU_CHAIN_ID ?? 1337),
      gasPrice: 0,
      accounts: process.env.DRL_DEPLOYER_KEY ? [process.env.DRL_DEPLOYER_KEY] : [],
    },
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    // Gas is free on the permissioned target chains: report gas units, no prices.
  },
  mocha: {
    timeout: 120_000,
  },
};

export default config;
