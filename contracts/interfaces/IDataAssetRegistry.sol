// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {AssetStatus, DataCategory, MemberType, SecurityGrade, Territory, Reason, Registration} from "../common/DataTypes.sol";
import {ICompliance} from "./ICompliance.sol";
import {ILicenseRegistry} from "./ILicenseRegistry.sol";
import {IMemberRegistry} from "./IMemberRegistry.sol";

/// @notice What the ledger's modules use of the DataAssetRegistry.
interface IDataAssetRegistry is IERC721 {
    /// @notice The rule-relevant record of an asset, unpacked.
    struct AssetRecord {
        address holder;
        AssetStatus status;
        SecurityGrade grade;
        DataCategory category;
        MemberType registrantType;
        uint8 rights;
        uint32 validUntil;
        uint32 appliedAt;
        bool frozen;
        bool pledged;
        bool disputed;
        bool objectionsOpen;
    }

    function members() external view returns (IMemberRegistry);

    function compliance() external view returns (ICompliance);

    function licenses() external view returns (ILicenseRegistry);

    function recordOf(uint256 assetId) external view returns (AssetRecord memory);

    function registrationOf(uint256 assetId) external view returns (Registration memory);

    function statusOf(uint256 assetId) external view returns (AssetStatus);

    function statusAndGradeOf(uint256 assetId) external view returns (AssetStatus, SecurityGrade);

    function categoryOf(uint256 assetId) external view returns (DataCategory);

    function registeredHolderOf(uint256 assetId) external view returns (address);

    function transferCheck(uint256 assetId, address from, address to) external view returns (Reason);

    function requirePledgeable(uint256 assetId, address pledgor, address pledgee) external view returns (uint32 validUntil);

    // ─── Module hooks ─────────────────────────────────────────────────────────────────────

    function openApplication(
        address applicant,
        MemberType registrantType,
        SecurityGrade grade,
        uint8 rights,
        DataCategory category,
        uint32 validUntil,
        bytes32 metadataHash
    ) external returns (uint256 assetId);

    function setDisputeFlags(uint256 assetId, bool objectionsOpen, bool disputed) external;

    function setFrozen(uint256 assetId, bool frozen) external;

    function forceTransfer(uint256 assetId, address to, bytes32 caseHash) external;

    function forceCancel(uint256 assetId, bytes32 caseHash) external;

    function setPledged(uint256 assetId, bool pledged) external;

    function enforcePledge(uint256 assetId, address pledgee, bool byCourt, bytes32 caseHash) external;

    function setGrade(uint256 assetId, SecurityGrade grade) external;

    function tradeTransfer(uint256 assetId, address from, address to) external;

    function openLicense(uint256 assetId, address licensor, address licensee, uint8 rights, Territory territory, bool isSublicense)
        external
        returns (uint8 claimedRights, uint32 validUntil, uint32 appliedAt, bool clearanceNeeded);

    function closeLicenses(uint256 assetId, uint16 count) external;
}
