// solidity-coverage settings. LedgerAccessManager.sol only imports OpenZeppelin's AccessManager.
module.exports = {
  skipFiles: ["access/LedgerAccessManager.sol"],
  istanbulReporter: ["text-summary", "json-summary", "lcov"],
};
