// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {AssetStatus, Field, SecurityGrade} from "../common/DataTypes.sol";

/// @title ComplianceRegistry
/// @notice The regulator's records: grade confirmation or regrade (core stops circulation),
///         de-identification reviews (keyed by applicant and content hash, so that they can
///         precede the application and no other party can reuse them), cross-border clearances
///         (keyed by asset and recipient) and sandbox approvals.
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
        bytes32 routeHash; // destination and purpose, as cleared
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

    mapping(address applicant => mapping(bytes32 contentHash => Review)) private _reviews;
    mapping(uint256 assetId => mapping(address recipient => Clearance)) private _clearances;
    mapping(uint256 assetId => Sandbox) private _sandboxes;

    /// @notice The regulator confirmed or changed a grade.
    event GradeConfirmed(uint256 indexed assetId, SecurityGrade grade, bytes32 reportHash, address indexed regulator);
    /// @notice A de-identification review was recorded for an applicant's dataset.
    event DeidentificationReviewed(
        bytes32 indexed contentHash, address indexed applicant, bool passed, bytes32 reportHash, address indexed regulator
    );
    /// @notice A cross-border clearance for one recipient was granted or replaced.
    event CrossBorderCleared(
        uint256 indexed assetId,
        address indexed recipient,
        bytes32 routeHash,
        ExportMechanism mechanism,
        uint40 validUntil,
        address indexed regulator
    );
    /// @notice A cross-border clearance was revoked; the recipient's cross-border licences are suspended.
    event CrossBorderRevoked(uint256 indexed assetId, address indexed recipient, bytes32 reasonHash, address indexed regulator);
    /// @notice A sandbox approval was granted or replaced.
    event SandboxApproved(uint256 indexed assetId, bytes32 approvalHash, uint40 validUntil, address indexed regulator);
    /// @notice A sandbox approval was revoked.
    event SandboxRevoked(uint256 indexed assetId, bytes32 reasonHash, address indexed regulator);

    error UnknownAsset(uint256 assetId);
    error NothingToRevoke(uint256 assetId);

    constructor(address manager, IDataAssetRegistry registry_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress(Field.Registry);
        registry = registry_;
    }

    /// @notice Confirms or changes the security grade of an application or registration. A
    ///         regrade to core suspends every licence of the asset.
    /// @param assetId The asset.
    /// @param grade A SecurityGrade value.
    /// @param reportHash Hash of the grading report.
    function confirmGrade(uint256 assetId, uint8 grade, bytes32 reportHash) external restricted {
        if (grade > uint8(SecurityGrade.Core)) revert OutOfRange(Field.Grade, grade);
        if (reportHash == bytes32(0)) revert ZeroHash(Field.ReportHash);
        registry.setGrade(assetId, SecurityGrade(grade));
        emit GradeConfirmed(assetId, SecurityGrade(grade), reportHash, msg.sender);
    }

    /// @notice Records the outcome of a de-identification review of an applicant's dataset,
    ///         before or after it is applied for. Only that applicant may rely on it.
    /// @param applicant The member whose dataset was reviewed.
    /// @param contentHash The dataset fingerprint.
    /// @param passed Whether the data passed as de-identified.
    /// @param reportHash Hash of the review report.
    function recordDeidentificationReview(address applicant, bytes32 contentHash, bool passed, bytes32 reportHash)
        external
        restricted
    {
        if (applicant == address(0)) revert ZeroAddress(Field.Account);
        if (contentHash == bytes32(0)) revert ZeroHash(Field.ContentHash);
        if (reportHash == bytes32(0)) revert ZeroHash(Field.ReportHash);
        _reviews[applicant][contentHash] = Review(msg.sender, uint40(block.timestamp), passed, reportHash);
        emit DeidentificationReviewed(contentHash, applicant, passed, reportHash, msg.sender);
    }

    /// @notice Grants (or replaces) the clearance for the asset to go to one recipient abroad:
    ///         a transfer to that foreign member, or a cross-border licence to that licensee.
    /// @param assetId The asset.
    /// @param recipient The receiving member.
    /// @param routeHash Hash of the cleared route (destination, purpose).
    /// @param mechanism An ExportMechanism value.
    /// @param validUntil End of the clearance; must be in the future.
    function grantCrossBorderClearance(uint256 assetId, address recipient, bytes32 routeHash, uint8 mechanism, uint40 validUntil)
        external
        restricted
    {
        if (recipient == address(0)) revert ZeroAddress(Field.Recipient);
        if (routeHash == bytes32(0)) revert ZeroHash(Field.RouteHash);
        if (mechanism > uint8(ExportMechanism.Exempt)) revert OutOfRange(Field.Mechanism, mechanism);
        if (validUntil <= block.timestamp) revert InPast(Field.ValidUntil, validUntil, block.timestamp);
        _requireKnown(assetId);
        _clearances[assetId][recipient] = Clearance(routeHash, validUntil, ExportMechanism(mechanism), msg.sender);
        emit CrossBorderCleared(assetId, recipient, routeHash, ExportMechanism(mechanism), validUntil, msg.sender);
    }

    /// @notice Revokes a recipient's cross-border clearance; its cross-border licences stop being in force.
    /// @param assetId The asset.
    /// @param recipient The recipient.
    /// @param reasonHash Hash of the decision.
    function revokeCrossBorderClearance(uint256 assetId, address recipient, bytes32 reasonHash) external restricted {
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        if (_clearances[assetId][recipient].validUntil == 0) revert NothingToRevoke(assetId);
        delete _clearances[assetId][recipient];
        emit CrossBorderRevoked(assetId, recipient, reasonHash, msg.sender);
    }

    /// @notice Approves (or re-approves) sandbox delivery of an asset.
    /// @param assetId The asset.
    /// @param approvalHash Hash of the approval.
    /// @param validUntil End of the approval; must be in the future.
    function approveSandbox(uint256 assetId, bytes32 approvalHash, uint40 validUntil) external restricted {
        if (approvalHash == bytes32(0)) revert ZeroHash(Field.ApprovalHash);
        if (validUntil <= block.timestamp) revert InPast(Field.ValidUntil, validUntil, block.timestamp);
        _requireKnown(assetId);
        _sandboxes[assetId] = Sandbox(approvalHash, validUntil, msg.sender);
        emit SandboxApproved(assetId, approvalHash, validUntil, msg.sender);
    }

    /// @notice Revokes the sandbox approval of an asset.
    /// @param assetId The asset.
    /// @param reasonHash Hash of the decision.
    function revokeSandbox(uint256 assetId, bytes32 reasonHash) external restricted {
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        if (_sandboxes[assetId].validUntil == 0) revert NothingToRevoke(assetId);
        delete _sandboxes[assetId];
        emit SandboxRevoked(assetId, reasonHash, msg.sender);
    }

    /// @inheritdoc ICompliance
    function hasDeidentificationReview(address applicant, bytes32 contentHash) external view returns (bool) {
        return _reviews[applicant][contentHash].passed;
    }

    /// @inheritdoc ICompliance
    function isCrossBorderCleared(uint256 assetId, address recipient) external view returns (bool) {
        return _clearances[assetId][recipient].validUntil >= block.timestamp;
    }

    /// @inheritdoc ICompliance
    function isSandboxApproved(uint256 assetId) external view returns (bool) {
        return _sandboxes[assetId].validUntil >= block.timestamp;
    }

    /// @notice The de-identification review on record.
    /// @param applicant The member whose dataset was reviewed.
    /// @param contentHash The dataset fingerprint.
    /// @return The review (reviewer zero if none).
    function reviewOf(address applicant, bytes32 contentHash) external view returns (Review memory) {
        return _reviews[applicant][contentHash];
    }

    /// @notice The cross-border clearance on record for an asset and recipient.
    /// @param assetId The asset.
    /// @param recipient The recipient.
    /// @return The clearance (validUntil zero if none).
    function clearanceOf(uint256 assetId, address recipient) external view returns (Clearance memory) {
        return _clearances[assetId][recipient];
    }

    /// @notice The sandbox approval on record for an asset.
    /// @param assetId The asset.
    /// @return The approval (validUntil zero if none).
    function sandboxOf(uint256 assetId) external view returns (Sandbox memory) {
        return _sandboxes[assetId];
    }

    function _requireKnown(uint256 assetId) private view {
        if (registry.statusOf(assetId) == AssetStatus.None) revert UnknownAsset(assetId);
    }
}
