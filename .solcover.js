// solidity-coverage settings. LedgerAccessManager.sol only imports OpenZeppelin's AccessManager;
// mocks/ holds the gas benchmark's baseline, not ledger code. Coverage instruments the
// contracts on Hardhat's in-process network; the indexer suites run on a separate Anvil node
// (their titles name Anvil) and measure the server, not the contracts, so they are left out here
// (`npm test` runs them). So is the per-transaction gas cap suite: it measures gas, which the
// instrumentation inflates past the cap it checks. So are the SDK and CLI suites (titles start
// "SDK" or "drl"): they test the TypeScript client, not the contracts, and the instrumented
// batches of the ledger client's suite ran a coverage run out of an 8 GB heap.
module.exports = {
  skipFiles: ["access/LedgerAccessManager.sol", "mocks/BaselineERC721.sol"],
  istanbulReporter: ["text-summary", "json-summary", "lcov"],
  mocha: { grep: "Anvil|per-transaction gas cap|^SDK |^drl", invert: true },
};
