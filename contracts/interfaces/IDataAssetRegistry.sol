// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {AssetStatus, DataCategory, SecurityGrade, Territory, Reason, Registration} from "../common/DataTypes.sol";

/// @notice What the ledger's modules use of the DataAssetRegistry.
interface IDataAssetRegistry is IERC721 {
    function statusOf(uint256 assetId) external view returns (AssetStatus);

    function recordOf(uint256 assetId)
        external
        view
        returns (
            address holder,
            AssetStatus status,
            SecurityGrade grade,
            uint8 rights,
            uint32 validUntil,
            uint32 publicityEnd,
            bool frozen,
            bool pledged,
            bool disputed
        );

    function registrationOf(uint256 assetId) external view returns (Registration memory);

    function categoryOf(uint256 assetId) external view returns (DataCategory);

    function transferCheck(uint256 assetId, address from, address to) external view returns (Reason);

    function requireLicensable(uint256 assetId, address licensor, address licensee, Territory territory, bool isSublicense)
        external
        view
        returns (uint8 rights, uint32 validUntil);

    function requirePledgeable(uint256 assetId, address pledgor, address pledgee) external view;

    function adjustObjections(uint256 assetId, bool opened) external;

    function setFrozen(uint256 assetId, bool frozen) external;

    function orderTransfer(uint256 assetId, address to, bytes32 caseHash) external;

    function orderCancel(uint256 assetId, bytes32 caseHash) external;

    function setPledged(uint256 assetId, bool pledged) external;

    function enforcePledge(uint256 assetId, address pledgee, bool byCourt, bytes32 caseHash) external;

    function setGrade(uint256 assetId, SecurityGrade grade) external;
}
