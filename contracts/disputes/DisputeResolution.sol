// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {IAssetRuleErrors} from "../interfaces/IAssetRuleErrors.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {IDisputeResolution} from "../interfaces/IDisputeResolution.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {IPledgeRegistry} from "../interfaces/IPledgeRegistry.sol";
import {AssetStatus, Field, PledgeAction} from "../common/DataTypes.sol";

/// @title DisputeResolution
/// @notice Objections (异议) and court orders.
///         - Objections: any member may object, at most once at a time per asset. During review
///           or publicity an open objection holds up confirmation until it is ruled on. After
///           registration an objection is recorded at once, but the asset is disputed (no
///           transfer, licence or pledge) only once the registrar or a court admits it.
///         - Rulings by the registrar dispose only of an unencumbered asset (not frozen, not
///           pledged); a court's ruling says what happens to a pledge.
///         - Court holds are per case (轮候查封): each court's freeze is keyed by its case hash,
///           the asset is frozen while any hold is active, and a court lifts only its own.
///         - Court orders move or cancel an asset; a pledge is carried or discharged
///           explicitly, and a cancellation ends every open licence, each with an event.
contract DisputeResolution is IDisputeResolution, LedgerAccess, IAssetRuleErrors {
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
        bool admitted;
        uint40 filedAt;
        address claimant;
        bytes32 evidenceHash;
    }

    /// @dev Per asset: open objections, how many of them are admitted, active court holds.
    struct Docket {
        uint32 open;
        uint32 admitted;
        uint32 holds;
    }

    /// @notice Most objections one `dismissSuspended` call dismisses.
    uint256 public constant MAX_DISMISS = 100;

    IDataAssetRegistry public immutable registry;
    IMemberRegistry public immutable members;
    /// @notice The pledge registry a court order settles pledges with (wired once at deployment).
    IPledgeRegistry public pledges;

    uint256 private _nextObjectionId = 1;
    mapping(uint256 objectionId => Objection) private _objections;
    mapping(uint256 assetId => Docket) private _dockets;
    /// @dev Keyed by the claimant's organisation, so that a key rotation does not double it.
    mapping(uint256 assetId => mapping(bytes32 orgIdHash => uint256 objectionId)) private _openBy;
    mapping(uint256 assetId => mapping(bytes32 caseHash => address court)) private _holds;

    /// @notice A member objected to an application or registration.
    event ObjectionFiled(uint256 indexed objectionId, uint256 indexed assetId, address indexed claimant, bytes32 evidenceHash);
    /// @notice The registrar or a court admitted an objection: the asset is disputed while it is open.
    event ObjectionAdmitted(uint256 indexed objectionId, uint256 indexed assetId, address indexed by);
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
    /// @notice A court placed a hold (查封) on an asset for one case.
    event AssetFrozenByCourt(uint256 indexed assetId, bytes32 indexed caseHash, address indexed court);
    /// @notice A court lifted its hold for one case (the asset stays frozen while other holds remain).
    event AssetUnfrozenByCourt(uint256 indexed assetId, bytes32 indexed caseHash, address indexed court);
    /// @notice A court ordered the holding right transferred.
    event TransferOrdered(uint256 indexed assetId, address indexed to, bytes32 caseHash, address indexed court);
    /// @notice A court ordered the registration cancelled.
    event CancellationOrdered(uint256 indexed assetId, bytes32 caseHash, address indexed court);
    /// @notice The admin wired the pledge registry.
    event PledgeRegistrySet(address pledges);

    error UnknownObjection(uint256 objectionId);
    error ObjectionNotOpen(uint256 objectionId, ObjectionStatus status);
    error ObjectionAlreadyOpen(uint256 assetId, address claimant, uint256 objectionId);
    error AlreadyAdmitted(uint256 objectionId);
    error NotAdmissible(uint256 objectionId, AssetStatus assetStatus);
    error NotClaimant(uint256 objectionId, address account);
    error ClaimantActive(address claimant);
    error PledgeRegistryAlreadySet(address pledges);
    error ArgumentNotApplicable(uint256 objectionId, Ruling ruling);
    error RulingNotApplicable(uint256 objectionId, Ruling ruling, AssetStatus assetStatus);
    error HoldExists(uint256 assetId, bytes32 caseHash, address court);
    error NoSuchHold(uint256 assetId, bytes32 caseHash);
    error NotHoldingCourt(uint256 assetId, bytes32 caseHash, address court);
    error PledgeActionRequired(uint256 assetId);
    error NoPledgeToSettle(uint256 assetId);
    error PledgesNotSet();

    constructor(address manager, IDataAssetRegistry registry_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress(Field.Registry);
        registry = registry_;
        members = registry_.members();
    }

    /// @notice Wires the pledge registry, once (it depends on this contract, so it is set after
    ///         both are deployed; re-pointing it would strand the pledges recorded in the first).
    /// @param pledges_ The PledgeRegistry.
    function setPledgeRegistry(IPledgeRegistry pledges_) external restricted {
        if (address(pledges_) == address(0)) revert ZeroAddress(Field.Pledges);
        if (address(pledges) != address(0)) revert PledgeRegistryAlreadySet(address(pledges));
        pledges = pledges_;
        emit PledgeRegistrySet(address(pledges_));
    }

    // ─── Objections ──────────────────────────────────────────────────────────────────────

    /// @notice Files an objection against an application (during review or publicity) or a
    ///         registration. A claimant (an organisation) has at most one open objection per asset.
    /// @param assetId The asset.
    /// @param evidenceHash Hash of the claim and its evidence.
    /// @return objectionId The new objection.
    function object(uint256 assetId, bytes32 evidenceHash) external whenOpen returns (uint256 objectionId) {
        if (evidenceHash == bytes32(0)) revert ZeroHash(Field.EvidenceHash);
        if (!members.isActive(msg.sender)) revert NotActiveMember(msg.sender);
        AssetStatus s = registry.statusOf(assetId);
        if (s != AssetStatus.Applied && s != AssetStatus.Publicity && s != AssetStatus.Registered) revert WrongStatus(assetId, s);
        bytes32 org = members.orgOf(msg.sender);
        uint256 existing = _openBy[assetId][org];
        if (existing != 0) revert ObjectionAlreadyOpen(assetId, msg.sender, existing);
        objectionId = _nextObjectionId++;
        _objections[objectionId] = Objection({
            assetId: uint64(assetId),
            status: ObjectionStatus.Open,
            admitted: false,
            filedAt: uint40(block.timestamp),
            claimant: msg.sender,
            evidenceHash: evidenceHash
        });
        _openBy[assetId][org] = objectionId;
        Docket storage d = _dockets[assetId];
        d.open += 1;
        if (d.open == 1) registry.setDisputeFlags(assetId, true, d.admitted != 0);
        emit ObjectionFiled(objectionId, assetId, msg.sender, evidenceHash);
    }

    /// @notice The registrar or a court admits an open objection to a registered asset: from now
    ///         until it is ruled on or withdrawn, the asset is disputed.
    /// @param objectionId The objection.
    function admit(uint256 objectionId) external restricted {
        Objection storage o = _open(objectionId);
        if (o.admitted) revert AlreadyAdmitted(objectionId);
        uint256 assetId = o.assetId;
        AssetStatus s = registry.statusOf(assetId);
        if (s != AssetStatus.Registered) revert NotAdmissible(objectionId, s);
        o.admitted = true;
        Docket storage d = _dockets[assetId];
        d.admitted += 1;
        if (d.admitted == 1) registry.setDisputeFlags(assetId, true, true);
        emit ObjectionAdmitted(objectionId, assetId, msg.sender);
    }

    /// @notice The claimant withdraws an open objection (after a key rotation, its organisation's
    ///         new account may).
    /// @param objectionId The objection.
    function withdraw(uint256 objectionId) external whenOpen {
        Objection storage o = _open(objectionId);
        if (o.claimant != msg.sender && members.orgOf(o.claimant) != members.orgOf(msg.sender)) {
            revert NotClaimant(objectionId, msg.sender);
        }
        _close(o, ObjectionStatus.Withdrawn);
        emit ObjectionWithdrawn(objectionId, o.assetId, msg.sender);
    }

    /// @notice The registrar rules on an open objection. A ruling that cancels the asset or
    ///         transfers it to the claimant needs an asset that is neither frozen nor pledged.
    /// @param objectionId The objection.
    /// @param ruling A Ruling value. TransferToClaimant needs a registered asset.
    /// @param decisionHash Hash of the decision (and, for compensation, of its terms).
    /// @param licenseIds For a cancellation: every open licence of the asset (each ends).
    function rule(uint256 objectionId, uint8 ruling, bytes32 decisionHash, uint256[] calldata licenseIds)
        external
        restricted
    {
        Objection storage o = _prepareRuling(objectionId, ruling, decisionHash);
        Ruling r = Ruling(ruling);
        if (r == Ruling.Cancel || r == Ruling.TransferToClaimant) {
            // A frozen asset moves only by court order, and a registrar leaves no pledge dangling.
            IDataAssetRegistry.AssetRecord memory rec = registry.recordOf(o.assetId);
            if (rec.frozen) revert AssetFrozen(o.assetId);
            if (rec.pledged) revert AssetPledged(o.assetId);
        }
        _execute(objectionId, o, r, decisionHash, licenseIds, PledgeAction.None);
    }

    /// @notice A court rules on an open objection, whatever the asset's encumbrances. When the
    ///         ruling moves a pledged asset, `pledgeAction` says whether the pledge is carried to
    ///         the claimant or discharged; a cancellation discharges it.
    /// @param objectionId The objection.
    /// @param ruling A Ruling value.
    /// @param decisionHash Hash of the judgment.
    /// @param licenseIds For a cancellation: every open licence of the asset (each ends).
    /// @param pledgeAction For a transfer of a pledged asset: Carry or Discharge; otherwise None.
    function courtRule(
        uint256 objectionId,
        uint8 ruling,
        bytes32 decisionHash,
        uint256[] calldata licenseIds,
        uint8 pledgeAction
    ) external restricted {
        if (pledgeAction > uint8(PledgeAction.Discharge)) revert OutOfRange(Field.PledgeAction, pledgeAction);
        Objection storage o = _prepareRuling(objectionId, ruling, decisionHash);
        _execute(objectionId, o, Ruling(ruling), decisionHash, licenseIds, PledgeAction(pledgeAction));
    }

    /// @notice The registrar dismisses open objections of a suspended (or retired) member in one call.
    /// @param claimant The member, no longer active.
    /// @param objectionIds Its open objections, at most MAX_DISMISS.
    /// @param decisionHash Hash of the decision.
    function dismissSuspended(address claimant, uint256[] calldata objectionIds, bytes32 decisionHash) external restricted {
        if (decisionHash == bytes32(0)) revert ZeroHash(Field.DecisionHash);
        uint256 n = objectionIds.length;
        if (n == 0 || n > MAX_DISMISS) revert OutOfRange(Field.ObjectionIds, n);
        if (members.isActive(claimant) || members.orgOf(claimant) == bytes32(0)) revert ClaimantActive(claimant);
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = objectionIds[i];
            Objection storage o = _open(id);
            if (o.claimant != claimant) revert NotClaimant(id, claimant);
            _close(o, ObjectionStatus.Dismissed);
            emit ObjectionRuled(id, o.assetId, Ruling.Dismiss, decisionHash, msg.sender, claimant);
        }
    }

    // ─── Court orders ────────────────────────────────────────────────────────────────────

    /// @notice A court places a hold (查封) on an asset for a case: the asset then moves only by
    ///         court order. Other courts' holds are kept beside it (轮候查封).
    /// @param assetId The asset.
    /// @param caseHash Hash of the case reference.
    function freeze(uint256 assetId, bytes32 caseHash) external restricted {
        if (caseHash == bytes32(0)) revert ZeroHash(Field.CaseHash);
        address holder = _holds[assetId][caseHash];
        if (holder != address(0)) revert HoldExists(assetId, caseHash, holder);
        Docket storage d = _dockets[assetId];
        if (d.holds == 0) {
            registry.setFrozen(assetId, true);
        } else {
            AssetStatus s = registry.statusOf(assetId);
            if (s != AssetStatus.Registered) revert WrongStatus(assetId, s);
        }
        d.holds += 1;
        _holds[assetId][caseHash] = msg.sender;
        emit AssetFrozenByCourt(assetId, caseHash, msg.sender);
    }

    /// @notice A court lifts its own hold for a case.
    /// @param assetId The asset.
    /// @param caseHash Hash of the case reference the hold was placed for.
    function unfreeze(uint256 assetId, bytes32 caseHash) external restricted {
        address court = _holds[assetId][caseHash];
        if (court == address(0)) revert NoSuchHold(assetId, caseHash);
        if (court != msg.sender) revert NotHoldingCourt(assetId, caseHash, msg.sender);
        delete _holds[assetId][caseHash];
        Docket storage d = _dockets[assetId];
        d.holds -= 1;
        if (d.holds == 0) registry.setFrozen(assetId, false);
        emit AssetUnfrozenByCourt(assetId, caseHash, msg.sender);
    }

    /// @notice A court orders the holding right transferred, whatever the asset's freeze or
    ///         dispute. Core data still does not move and a foreign receiver still needs its clearance.
    /// @param assetId The asset.
    /// @param to The new holder; an active member.
    /// @param caseHash Hash of the order.
    /// @param pledgeAction For a pledged asset: Carry (the pledge binds `to`) or Discharge; otherwise None.
    function orderTransfer(uint256 assetId, address to, bytes32 caseHash, uint8 pledgeAction) external restricted {
        if (to == address(0)) revert ZeroAddress(Field.To);
        if (caseHash == bytes32(0)) revert ZeroHash(Field.CaseHash);
        if (pledgeAction > uint8(PledgeAction.Discharge)) revert OutOfRange(Field.PledgeAction, pledgeAction);
        _transfer(assetId, to, caseHash, PledgeAction(pledgeAction));
        emit TransferOrdered(assetId, to, caseHash, msg.sender);
    }

    /// @notice A court orders a registration (or a pending application) cancelled. Its pledge
    ///         is discharged and each of its open licences ends.
    /// @param assetId The asset.
    /// @param caseHash Hash of the order.
    /// @param licenseIds Every open licence of the asset.
    function orderCancel(uint256 assetId, bytes32 caseHash, uint256[] calldata licenseIds) external restricted {
        if (caseHash == bytes32(0)) revert ZeroHash(Field.CaseHash);
        _cancel(assetId, caseHash, licenseIds);
        emit CancellationOrdered(assetId, caseHash, msg.sender);
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────

    /// @notice An objection as recorded.
    /// @param objectionId The objection.
    /// @return The record (status None for an unknown id).
    function objectionOf(uint256 objectionId) external view returns (Objection memory) {
        return _objections[objectionId];
    }

    /// @notice The open objection of a claimant's organisation to an asset.
    /// @param assetId The asset.
    /// @param claimant An account of the organisation.
    /// @return The objection id (0 if none is open).
    function openObjectionOf(uint256 assetId, address claimant) external view returns (uint256) {
        return _openBy[assetId][members.orgOf(claimant)];
    }

    /// @notice An asset's open objections, admitted objections and active court holds.
    /// @param assetId The asset.
    /// @return open Open objections.
    /// @return admitted Of which admitted.
    /// @return holds Active court holds.
    function docketOf(uint256 assetId) external view returns (uint256 open, uint256 admitted, uint256 holds) {
        Docket storage d = _dockets[assetId];
        return (d.open, d.admitted, d.holds);
    }

    /// @notice The court that holds an asset for a case.
    /// @param assetId The asset.
    /// @param caseHash The case hash.
    /// @return The court (zero if no such hold is active).
    function holdOf(uint256 assetId, bytes32 caseHash) external view returns (address) {
        return _holds[assetId][caseHash];
    }

    /// @inheritdoc IDisputeResolution
    function admittedExcept(uint256 assetId, address claimant) external view returns (uint256) {
        uint256 n = _dockets[assetId].admitted;
        uint256 own = _openBy[assetId][members.orgOf(claimant)];
        return own != 0 && _objections[own].admitted ? n - 1 : n;
    }

    /// @notice The id the next objection will get.
    /// @return The id.
    function nextObjectionId() external view returns (uint256) {
        return _nextObjectionId;
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────

    function _open(uint256 objectionId) private view returns (Objection storage o) {
        o = _objections[objectionId];
        if (o.status == ObjectionStatus.None) revert UnknownObjection(objectionId);
        if (o.status != ObjectionStatus.Open) revert ObjectionNotOpen(objectionId, o.status);
    }

    function _prepareRuling(uint256 objectionId, uint8 ruling, bytes32 decisionHash) private view returns (Objection storage o) {
        if (ruling > uint8(Ruling.Compensate)) revert OutOfRange(Field.Ruling, ruling);
        if (decisionHash == bytes32(0)) revert ZeroHash(Field.DecisionHash);
        o = _open(objectionId);
        if (Ruling(ruling) == Ruling.TransferToClaimant) {
            AssetStatus s = registry.statusOf(o.assetId);
            if (s != AssetStatus.Registered) revert RulingNotApplicable(objectionId, Ruling(ruling), s);
        }
    }

    function _execute(
        uint256 objectionId,
        Objection storage o,
        Ruling r,
        bytes32 decisionHash,
        uint256[] calldata licenseIds,
        PledgeAction action
    ) private {
        uint256 assetId = o.assetId;
        // A pledge action only for a transfer (or a discharge with a cancellation); licences only for a cancellation.
        bool actionFits = action == PledgeAction.None || r == Ruling.TransferToClaimant
            || (r == Ruling.Cancel && action == PledgeAction.Discharge);
        if (!actionFits || (r != Ruling.Cancel && licenseIds.length != 0)) revert ArgumentNotApplicable(objectionId, r);
        _close(o, ObjectionStatus(uint8(r) + uint8(ObjectionStatus.Dismissed)));
        if (r == Ruling.Cancel) {
            _cancel(assetId, decisionHash, licenseIds);
        } else if (r == Ruling.TransferToClaimant) {
            _transfer(assetId, o.claimant, decisionHash, action);
        }
        emit ObjectionRuled(objectionId, assetId, r, decisionHash, msg.sender, o.claimant);
    }

    /// @dev Closes an open objection and updates the asset's dispute flags.
    function _close(Objection storage o, ObjectionStatus status) private {
        uint256 assetId = o.assetId;
        o.status = status;
        delete _openBy[assetId][members.orgOf(o.claimant)];
        Docket storage d = _dockets[assetId];
        d.open -= 1;
        bool wasDisputed = d.admitted != 0;
        if (o.admitted) d.admitted -= 1;
        bool disputed = d.admitted != 0;
        if (d.open == 0 || wasDisputed != disputed) registry.setDisputeFlags(assetId, d.open != 0, disputed);
    }

    /// @dev Moves the asset by order; a pledge must be settled explicitly.
    function _transfer(uint256 assetId, address to, bytes32 caseHash, PledgeAction action) private {
        IDataAssetRegistry.AssetRecord memory rec = registry.recordOf(assetId);
        if (rec.pledged && rec.status == AssetStatus.Registered) {
            if (action == PledgeAction.None) revert PledgeActionRequired(assetId);
            _pledges().settleForCourt(assetId, action, to, caseHash);
        } else if (action != PledgeAction.None) {
            revert NoPledgeToSettle(assetId);
        }
        registry.forceTransfer(assetId, to, caseHash);
    }

    /// @dev Cancels by order or ruling: the pledge is discharged, the licences end.
    function _cancel(uint256 assetId, bytes32 caseHash, uint256[] calldata licenseIds) private {
        IDataAssetRegistry.AssetRecord memory rec = registry.recordOf(assetId);
        if (rec.pledged && rec.status == AssetStatus.Registered) {
            _pledges().settleForCourt(assetId, PledgeAction.Discharge, address(0), caseHash);
        }
        if (licenseIds.length != 0) registry.licenses().endForCancellation(assetId, licenseIds, caseHash);
        registry.forceCancel(assetId, caseHash);
    }

    function _pledges() private view returns (IPledgeRegistry p) {
        p = pledges;
        if (address(p) == address(0)) revert PledgesNotSet();
    }
}
