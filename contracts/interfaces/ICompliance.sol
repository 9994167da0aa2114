// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

interface ICompliance {
    function hasDeidentificationReview(bytes32 contentHash) external view returns (bool);

    function isCrossBorderCleared(uint256 assetId) external view returns (bool);

    function isSandboxApproved(uint256 assetId) external view returns (bool);
}
