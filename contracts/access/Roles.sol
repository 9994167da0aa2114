// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Roles
/// @notice Role ids used with the ledger's OpenZeppelin AccessManager.
/// @dev People and institutions hold the first group; ledger contracts hold the module roles,
///      so that one module can be replaced by granting its role to a new contract (with the
///      manager's grant delay) without redeploying the registry that holds the records.
library Roles {
    uint64 internal constant ADMIN = 0; // AccessManager.ADMIN_ROLE
    uint64 internal constant REGISTRAR = 1;
    uint64 internal constant EXCHANGE = 2;
    uint64 internal constant EVALUATOR = 3;
    uint64 internal constant AUDITOR = 4;
    uint64 internal constant REGULATOR = 5;
    uint64 internal constant COURT = 6;

    /// @dev Module roles: granted to ledger contracts only.
    uint64 internal constant DISPUTES_MODULE = 10;
    uint64 internal constant PLEDGE_MODULE = 12;
    uint64 internal constant COMPLIANCE_MODULE = 13;
    uint64 internal constant MILESTONE_WRITER = 14;
}
