// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice What the ledger's contracts use of the LicenseRegistry.
interface ILicenseRegistry {
    /// @notice Whether licence `licenseId` is in force on `assetId` for `licensee` and covers every bit of `rights`.
    function grantsRights(uint256 licenseId, uint256 assetId, address licensee, uint8 rights) external view returns (bool);

    /// @notice Whether a licence is in force now.
    function isInForce(uint256 licenseId) external view returns (bool);

    /// @notice The asset, the licensor (the holder for a holder's licence, the parent licensee
    ///         for a sublicence) and the licensee of a licence.
    function partiesOf(uint256 licenseId) external view returns (uint256 assetId, address licensor, address licensee);

    /// @notice DisputeResolution: ends the listed licences of an asset a court or ruling cancels.
    function endForCancellation(uint256 assetId, uint256[] calldata licenseIds, bytes32 caseHash) external;
}
