// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Milestone} from "../common/DataTypes.sol";

/// @notice What the ledger's modules use of the MilestoneRegistry.
interface IMilestoneRegistry {
    /// @notice Records an automatic first if it is not set (or was annulled); does nothing otherwise.
    function recordAutomatic(uint256 assetId, Milestone kind, address attester, address enterprise, bytes32 evidenceHash) external;
}
