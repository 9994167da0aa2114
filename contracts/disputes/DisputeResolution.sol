// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {AssetStatus} from "../common/DataTypes.sol";
import "../common/Errors.sol";

/// @title DisputeResolution
/// @notice Objections (异议) by any member, during publicity or later, with rulings by the
///         registrar or a court; and court orders: freeze, unfreeze, transfer, cancellation.
///         While an objection is open the asset is disputed: no transfer, licence or pledge.
contract DisputeResolution is LedgerAccess {
    enum ObjectionStatus {
        None,
        Open,
        Dismissed,
        Cancelled, // upheld: the registration is cancelled
        TransferredToClaimant, // upheld: the holding right goes to the claimant
        Compensated, // upheld: compensation recorded, registration stands
        Withdrawn
    }

    /// @notice Rulings: the values of ObjectionStatus from Dismissed to Compensated.
    enum Ruling {
        Dismiss,
        Cancel,
        TransferToClaimant,
        Compensate
    }

    struct Objection {
        uint64 assetId;
        ObjectionStatus status;
        uint40 filedAt;
        address claimant;
        bytes32 evidenceHash;
    }

    IDataAssetRegistry public immutable registry;
    IMemberRegistry public immutable members;

    uint256 private _nextObjectionId = 1;
    mapping(uint256 objectionId => Objection) private _objections;

    /// @notice A member objected to an application or registration.
    event ObjectionFiled(uint256 indexed objectionId, uint256 indexed assetId, address indexed claimant, bytes32 evidenceHash);
    /// @notice The claimant withdrew an open objection.
    event ObjectionWithdrawn(uint256 indexed objectionId, uint256 indexed assetId, address indexed claimant);
    /// @notice The registrar or a court ruled on an objection.
    event ObjectionRuled(
        uint256 indexed objectionId,
        uint256 indexed assetId,
        Ruling ruling,
        bytes32 decisionHash,
        address indexed adjudicator,
        address claimant
    );
    /// @notice A court froze an asset.
    event AssetFrozenByCourt(uint256 indexed assetId, bytes32 caseHash, address indexed court);
    /// @notice A court unfroze an asset.
    event AssetUnfrozenByCourt(uint256 indexed assetId, bytes32 caseHash, address indexed court);
    /// @notice A court ordered the holding right transferred.
    event TransferOrdered(uint256 indexed assetId, address indexed to, bytes32 caseHash, address indexed court);
    /// @notice A court ordered the registration cancelled.
    event CancellationOrdered(uint256 indexed assetId, bytes32 caseHash, address indexed court);

    error NotActiveMember(address account);
    error UnknownObjection(uint256 objectionId);
    error ObjectionNotOpen(uint256 objectionId, ObjectionStatus status);
    error NotClaimant(uint256 objectionId, address account);
    error AssetFrozen(uint256 assetId);
    error RulingNotApplicable(uint256 objectionId, Ruling ruling, AssetStatus assetStatus);

    constructor(address manager, IDataAssetRegistry registry_, IMemberRegistry members_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (address(members_) == address(0)) revert ZeroAddress("members");
        registry = registry_;
        members = members_;
    }

    /// @notice Files an objection against an application (during review or publicity) or a registration.
    /// @param assetId The asset.
    /// @param evidenceHash Hash of the claim and its evidence.
    /// @return objectionId The new objection.
    function object(uint256 assetId, bytes32 evidenceHash) external returns (uint256 objectionId) {
        if (evidenceHash == bytes32(0)) revert ZeroHash("evidenceHash");
        if (!members.isActive(msg.sender)) revert NotActiveMember(msg.sender);
        objectionId = _nextObjectionId++;
        _objections[objectionId] = Objection({
            assetId: uint64(assetId),
            status: ObjectionStatus.Open,
            filedAt: uint40(block.timestamp),
            claimant: msg.sender,
            evidenceHash: evidenceHash
        });
        registry.adjustObjections(assetId, true);
        emit ObjectionFiled(objectionId, assetId, msg.sender, evidenceHash);
    }

    /// @notice The claimant withdraws an open objection.
    /// @param objectionId The objection.
    function withdraw(uint256 objectionId) external {
        Objection storage o = _open(objectionId);
        if (o.claimant != msg.sender) revert NotClaimant(objectionId, msg.sender);
        o.status = ObjectionStatus.Withdrawn;
        registry.adjustObjections(o.assetId, false);
        emit ObjectionWithdrawn(objectionId, o.assetId, msg.sender);
    }

    /// @notice The registrar or a court rules on an open objection.
    /// @param objectionId The objection.
    /// @param ruling A Ruling value. TransferToClaimant needs a registered asset.
    /// @param decisionHash Hash of the decision (and, for compensation, of its terms).
    function rule(uint256 objectionId, uint8 ruling, bytes32 decisionHash)
        external
        onlyEitherRole(Roles.REGISTRAR, Roles.COURT)
    {
        if (ruling > uint8(Ruling.Compensate)) revert OutOfRange("ruling", ruling);
        if (decisionHash == bytes32(0)) revert ZeroHash("decisionHash");
        Objection storage o = _open(objectionId);
        uint256 assetId = o.assetId;
        Ruling r = Ruling(ruling);
        if (r == Ruling.TransferToClaimant) {
            AssetStatus s = registry.statusOf(assetId);
            if (s != AssetStatus.Registered) revert RulingNotApplicable(objectionId, r, s);
        }
        if ((r == Ruling.Cancel || r == Ruling.TransferToClaimant) && !_hasRole(Roles.COURT, msg.sender)) {
            // A frozen asset moves only by court order: the registrar may dismiss or record
            // compensation, but disposing of it is for the court.
            (,,,,,, bool frozen,,) = registry.recordOf(assetId);
            if (frozen) revert AssetFrozen(assetId);
        }
        o.status = ObjectionStatus(ruling + uint8(ObjectionStatus.Dismissed));
        registry.adjustObjections(assetId, false);
        if (r == Ruling.Cancel) {
            registry.orderCancel(assetId, decisionHash);
        } else if (r == Ruling.TransferToClaimant) {
            registry.orderTransfer(assetId, o.claimant, decisionHash);
        }
        emit ObjectionRuled(objectionId, assetId, r, decisionHash, msg.sender, o.claimant);
    }

    /// @notice A court freezes an asset (查封): it then moves only by court order.
    /// @param assetId The asset.
    /// @param caseHash Hash of the case reference.
    function freeze(uint256 assetId, bytes32 caseHash) external onlyRole(Roles.COURT) {
        if (caseHash == bytes32(0)) revert ZeroHash("caseHash");
        registry.setFrozen(assetId, true);
        emit AssetFrozenByCourt(assetId, caseHash, msg.sender);
    }

    /// @notice A court lifts a freeze.
    /// @param assetId The asset.
    /// @param caseHash Hash of the case reference.
    function unfreeze(uint256 assetId, bytes32 caseHash) external onlyRole(Roles.COURT) {
        if (caseHash == bytes32(0)) revert ZeroHash("caseHash");
        registry.setFrozen(assetId, false);
        emit AssetUnfrozenByCourt(assetId, caseHash, msg.sender);
    }

    /// @notice A court orders the holding right transferred, whatever the asset's encumbrances.
    /// @param assetId The asset.
    /// @param to The new holder; must be an active member.
    /// @param caseHash Hash of the order.
    function orderTransfer(uint256 assetId, address to, bytes32 caseHash) external onlyRole(Roles.COURT) {
        if (to == address(0)) revert ZeroAddress("to");
        if (caseHash == bytes32(0)) revert ZeroHash("caseHash");
        registry.orderTransfer(assetId, to, caseHash);
        emit TransferOrdered(assetId, to, caseHash, msg.sender);
    }

    /// @notice A court orders a registration (or a pending application) cancelled.
    /// @param assetId The asset.
    /// @param caseHash Hash of the order.
    function orderCancel(uint256 assetId, bytes32 caseHash) external onlyRole(Roles.COURT) {
        if (caseHash == bytes32(0)) revert ZeroHash("caseHash");
        registry.orderCancel(assetId, caseHash);
        emit CancellationOrdered(assetId, caseHash, msg.sender);
    }

    /// @notice An objection as recorded.
    function objectionOf(uint256 objectionId) external view returns (Objection memory) {
        return _objections[objectionId];
    }

    /// @notice The id the next objection will get.
    function nextObjectionId() external view returns (uint256) {
        return _nextObjectionId;
    }

    function _open(uint256 objectionId) private view returns (Objection storage o) {
        o = _objections[objectionId];
        if (o.status == ObjectionStatus.None) revert UnknownObjection(objectionId);
        if (o.status != ObjectionStatus.Open) revert ObjectionNotOpen(objectionId, o.status);
    }
}
