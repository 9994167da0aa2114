// solidity-coverage settings. LedgerAccessManager.sol only imports OpenZeppelin's AccessManager;
// mocks/ holds the gas benchmark's baseline, not ledger code.
module.exports = {
  skipFiles: ["access/LedgerAccessManager.sol", "mocks/BaselineERC721.sol"],
  istanbulReporter: ["text-summary", "json-summary", "lcov"],
};
