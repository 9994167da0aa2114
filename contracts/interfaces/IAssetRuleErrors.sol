// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AssetStatus} from "../common/DataTypes.sol";

/// @notice Errors of the transfer rule and the asset states, shared by the registry and the
///         modules that check an asset before acting on it. One per `Reason`.
interface IAssetRuleErrors {
    error AssetNotRegistered(uint256 assetId);
    error AssetDisputed(uint256 assetId);
    error AssetFrozen(uint256 assetId);
    error AssetPledged(uint256 assetId);
    error AssetExpired(uint256 assetId, uint32 validUntil);
    error AssetCancelled(uint256 assetId);
    error CoreDataRestricted(uint256 assetId);
    error NotActiveMember(address account);
    error CrossBorderNotCleared(uint256 assetId, address counterparty);
    error NotHolder(uint256 assetId, address account);
    error RightsNotClaimed(uint256 assetId, uint8 requested, uint8 claimed);
    /// @notice Core data cannot be registered for circulation (GB/T 43697-2024).
    error CoreDataNotRegistrable();
    /// @notice The asset is not in a status that allows the action.
    error WrongStatus(uint256 assetId, AssetStatus status);
}
