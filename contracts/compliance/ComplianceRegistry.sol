// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {AssetStatus, SecurityGrade} from "../common/DataTypes.sol";
import "../common/Errors.sol";

/// @title ComplianceRegistry
/// @notice The regulator's records: grade confirmation or regrade (core stops circulation),
///         de-identification reviews (keyed by content hash, so they can precede the
///         application), cross-border clearances and sandbox approvals.
contract ComplianceRegistry is ICompliance, LedgerAccess {
    /// @notice Mechanisms for a cross-border data export.
    enum ExportMechanism {
        SecurityAssessment,
        StandardContract,
        Certification,
        Exempt
    }

    struct Review {
        address reviewer;
        uint40 reviewedAt;
        bool passed;
        bytes32 reportHash;
    }

    struct Clearance {
        bytes32 routeHash; // destination and recipients, as cleared
        uint40 validUntil;
        ExportMechanism mechanism;
        address regulator;
    }

    struct Sandbox {
        bytes32 approvalHash;
        uint40 validUntil;
        address regulator;
    }

    IDataAssetRegistry public immutable registry;

    mapping(bytes32 contentHash => Review) private _reviews;
    mapping(uint256 assetId => Clearance) private _clearances;
    mapping(uint256 assetId => Sandbox) private _sandboxes;

    /// @notice The regulator confirmed or changed a grade.
    event GradeConfirmed(uint256 indexed assetId, SecurityGrade grade, bytes32 reportHash, address indexed regulator);
    /// @notice A de-identification review was recorded for a content hash.
    event DeidentificationReviewed(bytes32 indexed contentHash, bool passed, bytes32 reportHash, address indexed regulator);
    /// @notice A cross-border clearance was granted or replaced.
    event CrossBorderCleared(
        uint256 indexed assetId, bytes32 routeHash, ExportMechanism mechanism, uint40 validUntil, address indexed regulator
    );
    /// @notice A cross-border clearance was revoked.
    event CrossBorderRevoked(uint256 indexed assetId, bytes32 reasonHash, address indexed regulator);
    /// @notice A sandbox approval was granted or replaced.
    event SandboxApproved(uint256 indexed assetId, bytes32 approvalHash, uint40 validUntil, address indexed regulator);
    /// @notice A sandbox approval was revoked.
    event SandboxRevoked(uint256 indexed assetId, bytes32 reasonHash, address indexed regulator);

    error UnknownAsset(uint256 assetId);
    error NothingToRevoke(uint256 assetId);

    constructor(address manager, IDataAssetRegistry registry_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        registry = registry_;
    }

    /// @notice Confirms or changes the security grade of an application or registration.
    /// @param assetId The asset.
    /// @param grade A SecurityGrade value; Core stops circulation.
    /// @param reportHash Hash of the grading report.
    function confirmGrade(uint256 assetId, uint8 grade, bytes32 reportHash) external onlyRole(Roles.REGULATOR) {
        if (grade > uint8(SecurityGrade.Core)) revert OutOfRange("grade", grade);
        if (reportHash == bytes32(0)) revert ZeroHash("reportHash");
        registry.setGrade(assetId, SecurityGrade(grade));
        emit GradeConfirmed(assetId, SecurityGrade(grade), reportHash, msg.sender);
    }

    /// @notice Records the outcome of a de-identification review of a dataset, before or after it is applied for.
    /// @param contentHash The dataset fingerprint.
    /// @param passed Whether the data passed as de-identified.
    /// @param reportHash Hash of the review report.
    function recordDeidentificationReview(bytes32 contentHash, bool passed, bytes32 reportHash)
        external
        onlyRole(Roles.REGULATOR)
    {
        if (contentHash == bytes32(0)) revert ZeroHash("contentHash");
        if (reportHash == bytes32(0)) revert ZeroHash("reportHash");
        _reviews[contentHash] = Review(msg.sender, uint40(block.timestamp), passed, reportHash);
        emit DeidentificationReviewed(contentHash, passed, reportHash, msg.sender);
    }

    /// @notice Grants (or replaces) the cross-border clearance of an asset.
    /// @param assetId The asset.
    /// @param routeHash Hash of the cleared route (destination, recipient, purpose).
    /// @param mechanism An ExportMechanism value.
    /// @param validUntil End of the clearance; must be in the future.
    function grantCrossBorderClearance(uint256 assetId, bytes32 routeHash, uint8 mechanism, uint40 validUntil)
        external
        onlyRole(Roles.REGULATOR)
    {
        if (routeHash == bytes32(0)) revert ZeroHash("routeHash");
        if (mechanism > uint8(ExportMechanism.Exempt)) revert OutOfRange("mechanism", mechanism);
        if (validUntil <= block.timestamp) revert InPast("validUntil", validUntil, block.timestamp);
        _requireKnown(assetId);
        _clearances[assetId] = Clearance(routeHash, validUntil, ExportMechanism(mechanism), msg.sender);
        emit CrossBorderCleared(assetId, routeHash, ExportMechanism(mechanism), validUntil, msg.sender);
    }

    /// @notice Revokes the cross-border clearance of an asset.
    /// @param assetId The asset.
    /// @param reasonHash Hash of the decision.
    function revokeCrossBorderClearance(uint256 assetId, bytes32 reasonHash) external onlyRole(Roles.REGULATOR) {
        if (reasonHash == bytes32(0)) revert ZeroHash("reasonHash");
        if (_clearances[assetId].validUntil == 0) revert NothingToRevoke(assetId);
        delete _clearances[assetId];
        emit CrossBorderRevoked(assetId, reasonHash, msg.sender);
    }

    /// @notice Approves (or re-approves) sandbox delivery of an asset.
    /// @param assetId The asset.
    /// @param approvalHash Hash of the approval.
    /// @param validUntil End of the approval; must be in the future.
    function approveSandbox(uint256 assetId, bytes32 approvalHash, uint40 validUntil) external onlyRole(Roles.REGULATOR) {
        if (approvalHash == bytes32(0)) revert ZeroHash("approvalHash");
        if (validUntil <= block.timestamp) revert InPast("validUntil", validUntil, block.timestamp);
        _requireKnown(assetId);
        _sandboxes[assetId] = Sandbox(approvalHash, validUntil, msg.sender);
        emit SandboxApproved(assetId, approvalHash, validUntil, msg.sender);
    }

    /// @notice Revokes the sandbox approval of an asset.
    /// @param assetId The asset.
    /// @param reasonHash Hash of the decision.
    function revokeSandbox(uint256 assetId, bytes32 reasonHash) external onlyRole(Roles.REGULATOR) {
        if (reasonHash == bytes32(0)) revert ZeroHash("reasonHash");
        if (_sandboxes[assetId].validUntil == 0) revert NothingToRevoke(assetId);
        delete _sandboxes[assetId];
        emit SandboxRevoked(assetId, reasonHash, msg.sender);
    }

    /// @inheritdoc ICompliance
    function hasDeidentificationReview(bytes32 contentHash) external view returns (bool) {
        return _reviews[contentHash].passed;
    }

    /// @inheritdoc ICompliance
    function isCrossBorderCleared(uint256 assetId) external view returns (bool) {
        return _clearances[assetId].validUntil >= block.timestamp;
    }

    /// @inheritdoc ICompliance
    function isSandboxApproved(uint256 assetId) external view returns (bool) {
        return _sandboxes[assetId].validUntil >= block.timestamp;
    }

    /// @notice The de-identification review on record for a content hash.
    function reviewOf(bytes32 contentHash) external view returns (Review memory) {
        return _reviews[contentHash];
    }

    /// @notice The cross-border clearance on record for an asset.
    function clearanceOf(uint256 assetId) external view returns (Clearance memory) {
        return _clearances[assetId];
    }

    /// @notice The sandbox approval on record for an asset.
    function sandboxOf(uint256 assetId) external view returns (Sandbox memory) {
        return _sandboxes[assetId];
    }

    function _requireKnown(uint256 assetId) private view {
        AssetStatus s = registry.statusOf(assetId);
        if (s == AssetStatus.None) revert UnknownAsset(assetId);
    }
}
