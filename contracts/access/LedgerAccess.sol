// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {ILedgerErrors} from "../interfaces/ILedgerErrors.sol";

/// @title LedgerAccess
/// @notice Base of every managed ledger contract. Access is the AccessManager's alone:
///         - duties and configuration are `restricted`: the manager maps each selector to one
///           role, and a caller without it gets `AccessManagedUnauthorized`;
///         - member actions (`whenOpen`) are open to every account and check the party
///           themselves (the holder, the licensee...);
///         - module hooks (`onlyModule`) answer only the ledger contract holding a module role.
///         Closing a contract (`setTargetClosed`) stops all of its duties and member actions:
///         the emergency stop.
/// @dev The manager is fixed for the contract's life, like its code (the ledger has no
///      upgrades): `authority()` is an immutable, which also saves a storage read on every
///      access check, and `setAuthority` is refused. Roles used for duties have no execution
///      delay, so a registrar or a court acting on a case is never silently deferred;
///      configuration stays with the admin and its delay.
abstract contract LedgerAccess is AccessManaged, ILedgerErrors {
    address private immutable _manager;

    /// @notice The manager cannot be replaced.
    error AuthorityFixed();
    /// @notice The caller is not a ledger contract holding the module role this hook needs.
    error NotModule(address caller, uint64 role);
    /// @notice The admin closed this contract (emergency stop).
    error ContractClosed(address target);

    constructor(address manager) AccessManaged(manager) {
        _manager = manager;
    }

    /// @inheritdoc AccessManaged
    function authority() public view override returns (address) {
        return _manager;
    }

    /// @inheritdoc AccessManaged
    /// @dev Always reverts: the ledger's contracts answer to one manager for life.
    function setAuthority(address) public pure override {
        revert AuthorityFixed();
    }

    /// @dev Member actions: open to every account (the function itself checks the party, such
    ///      as the holder), stopped only when the admin closes this contract. A `restricted`
    ///      PUBLIC function would also read its function role from the manager on every call.
    modifier whenOpen() {
        _requireOpen();
        _;
    }

    /// @dev Module hooks: functions that only another ledger contract calls, in the course of
    ///      a duty or member action that passed its own `restricted` check. The module role is
    ///      fixed per hook (contracts/access/Roles.sol) and checked with one read of the
    ///      manager; a full `canCall` would cost two more on every asset action. To stop a
    ///      module, close it: its `restricted` entry points then refuse every call.
    modifier onlyModule(uint64 role) {
        _requireModule(role);
        _;
    }

    function _requireOpen() private view {
        if (IAccessManager(_manager).isTargetClosed(address(this))) revert ContractClosed(address(this));
    }

    function _requireModule(uint64 role) private view {
        if (!_hasRole(role, msg.sender)) revert NotModule(msg.sender, role);
    }

    /// @dev Whether `account` holds `role` with no execution delay (for a power a duty grants
    ///      only to some of its callers).
    function _hasRole(uint64 role, address account) internal view returns (bool) {
        (bool isMember, uint32 delay) = IAccessManager(_manager).hasRole(role, account);
        return isMember && delay == 0;
    }
}
