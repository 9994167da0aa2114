// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Roles
/// @notice Role ids of the ledger's OpenZeppelin AccessManager. Every state-changing function
///         of a managed contract is `restricted`: the manager maps its selector to exactly one
///         of these roles (scripts/lib/access.ts holds the table), and `setTargetClosed` stops
///         a whole contract in an emergency.
/// @dev Institutions hold the first group. A duty that two kinds of institution perform has a
///      capability role of its own (ADJUDICATOR, OPENING_ATTESTER, FINANCING_ATTESTER), granted
///      together with the institution's role. Ledger contracts hold the module roles, so that
///      a module is replaced by moving its role (with the manager's grant delay) without
///      redeploying the registry that holds the records.
library Roles {
    uint64 internal constant ADMIN = 0; // AccessManager.ADMIN_ROLE
    uint64 internal constant REGISTRAR = 1;
    uint64 internal constant EXCHANGE = 2;
    uint64 internal constant EVALUATOR = 3;
    uint64 internal constant AUDITOR = 4;
    uint64 internal constant REGULATOR = 5;
    uint64 internal constant COURT = 6;
    uint64 internal constant GUARDIAN = 17; // the emergency stop (EmergencyStop.stop)
    uint64 internal constant BUREAU = 18; // the pilot zone's bureau: records the incentives paid for firsts

    /// @dev Capabilities shared by two institutions.
    uint64 internal constant ADJUDICATOR = 7; // registrar and court: admit objections
    uint64 internal constant OPENING_ATTESTER = 8; // registrar and regulator: public-data opening first
    uint64 internal constant FINANCING_ATTESTER = 9; // exchange and auditor: non-pledge financing first

    /// @dev Module roles: granted to ledger contracts only.
    uint64 internal constant DISPUTES_MODULE = 10;
    uint64 internal constant REGISTRATION_MODULE = 11;
    uint64 internal constant PLEDGE_MODULE = 12;
    uint64 internal constant COMPLIANCE_MODULE = 13;
    uint64 internal constant MILESTONE_WRITER = 14;
    uint64 internal constant TRADE_MODULE = 15;
    uint64 internal constant LICENSE_MODULE = 16;

    uint64 internal constant PUBLIC = type(uint64).max; // AccessManager.PUBLIC_ROLE
}
