// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

/// @title LedgerAccess
/// @notice Base for every ledger contract: configuration functions are `restricted` (by default
///         the AccessManager's admin role, which honours the admin's execution delay), and
///         day-to-day duties are gated by role membership through `onlyRole`.
/// @dev A role holder that the manager gives an execution delay must act through the manager's
///      schedule/execute flow on `restricted` functions; `onlyRole` duties require an immediate
///      member, because a registrar or a court acting on a case must not be silently deferred.
abstract contract LedgerAccess is AccessManaged {
    /// @notice The caller does not hold the role this function needs (or holds it with a delay).
    error MissingRole(address account, uint64 role);
    /// @notice The caller holds none of the roles this function accepts.
    error MissingAnyRole(address account, uint64 roleA, uint64 roleB);

    constructor(address manager) AccessManaged(manager) {}

    modifier onlyRole(uint64 role) {
        if (!_hasRole(role, msg.sender)) revert MissingRole(msg.sender, role);
        _;
    }

    modifier onlyEitherRole(uint64 roleA, uint64 roleB) {
        if (!_hasRole(roleA, msg.sender) && !_hasRole(roleB, msg.sender)) {
            revert MissingAnyRole(msg.sender, roleA, roleB);
        }
        _;
    }

    function _hasRole(uint64 role, address account) internal view returns (bool) {
        (bool isMember, uint32 delay) = IAccessManager(authority()).hasRole(role, account);
        return isMember && delay == 0;
    }
}
