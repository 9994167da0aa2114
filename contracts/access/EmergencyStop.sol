// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {LedgerAccess} from "./LedgerAccess.sol";
import {Field} from "../common/DataTypes.sol";

/// @title EmergencyStop
/// @notice The guardian's emergency stop. The AccessManager lets only its admin close a
///         contract, with the admin's execution delay (2 days on the permissioned profile): too
///         slow for an emergency. This contract holds the admin role with no delay, and all its
///         code can do with it is close contracts. The guardian (GUARDIAN role) calls `stop`;
///         reopening stays with the admin, and its delay.
contract EmergencyStop is LedgerAccess {
    /// @notice Most contracts one call closes.
    uint256 public constant MAX_TARGETS = 32;

    /// @notice The guardian stopped these contracts (the manager also emits `TargetClosed` for each).
    event EmergencyStopped(address indexed guardian, address[] targets, bytes32 reasonHash);

    constructor(address manager) LedgerAccess(manager) {}

    /// @notice Closes the given contracts at once: their duties and member actions revert until
    ///         the admin reopens them. Stop every ledger contract to stop every change of state
    ///         (closing one module's caller does not stop the others).
    /// @param targets The contracts to close, at most MAX_TARGETS.
    /// @param reasonHash Hash of the incident report.
    function stop(address[] calldata targets, bytes32 reasonHash) external restricted {
        uint256 n = targets.length;
        if (n == 0 || n > MAX_TARGETS) revert OutOfRange(Field.Targets, n);
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        IAccessManager manager = IAccessManager(authority());
        for (uint256 i = 0; i < n; ++i) {
            manager.setTargetClosed(targets[i], true);
        }
        emit EmergencyStopped(msg.sender, targets, reasonHash);
    }
}
