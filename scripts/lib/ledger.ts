/**
 * The ledger's contracts for the Hardhat scripts and tests. The code is hardhat-free and lives
 * in sdk/deploy/ledger.ts, which `drl deploy` and `drl start` use too.
 */
export * from "../../sdk/deploy/ledger";
