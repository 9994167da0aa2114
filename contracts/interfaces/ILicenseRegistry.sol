// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

interface ILicenseRegistry {
    /// @notice Whether licence `licenseId` is in force on `assetId` for `licensee` and covers every bit of `rights`.
    function grantsRights(uint256 licenseId, uint256 assetId, address licensee, uint8 rights) external view returns (bool);
}
