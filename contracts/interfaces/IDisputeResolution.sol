// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice What the PledgeRegistry uses of DisputeResolution.
interface IDisputeResolution {
    /// @notice How many admitted objections to the asset are open, not counting `claimant`'s own.
    function admittedExcept(uint256 assetId, address claimant) external view returns (uint256);
}
