// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice What the ledger's contracts use of the ComplianceRegistry.
interface ICompliance {
    /// @notice Whether the regulator passed a de-identification review of `contentHash` for `applicant`.
    function hasDeidentificationReview(address applicant, bytes32 contentHash) external view returns (bool);

    /// @notice Whether the asset may go to `recipient` abroad (a clearance keyed to that recipient, in force).
    function isCrossBorderCleared(uint256 assetId, address recipient) external view returns (bool);

    /// @notice Whether sandbox delivery of the asset is approved now.
    function isSandboxApproved(uint256 assetId) external view returns (bool);
}
