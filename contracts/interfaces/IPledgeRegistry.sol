// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {PledgeAction} from "../common/DataTypes.sol";

/// @notice What DisputeResolution uses of the PledgeRegistry.
interface IPledgeRegistry {
    /// @notice A court order moves or cancels a pledged asset: the active pledge is carried to
    ///         `newHolder` or discharged.
    function settleForCourt(uint256 assetId, PledgeAction action, address newHolder, bytes32 caseHash) external;
}
