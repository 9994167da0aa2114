// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IAssetRuleErrors} from "../interfaces/IAssetRuleErrors.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {IDisputeResolution} from "../interfaces/IDisputeResolution.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {IMilestoneRegistry} from "../interfaces/IMilestoneRegistry.sol";
import {IPledgeRegistry} from "../interfaces/IPledgeRegistry.sol";
import {Field, Milestone, PledgeAction} from "../common/DataTypes.sol";

/// @title PledgeRegistry
/// @notice Pledges (质押) of registered assets: the holder proposes, the pledgee accepts. A
///         pledged asset cannot be transferred or pledged again. The pledgee releases it; the
///         pledgee after the due date, or a court at any time, enforces it by transfer to the
///         pledgee. A pledge never falls due after the asset's validity, the pledgor's own
///         objection does not shield the asset from its creditor, and a court order that moves
///         or cancels a pledged asset carries or discharges the pledge, with an event. The
///         reference of the central movable-property registration is kept.
contract PledgeRegistry is IPledgeRegistry, LedgerAccess, IAssetRuleErrors {
    enum PledgeStatus {
        None,
        Proposed,
        Active,
        Released,
        Enforced,
        Withdrawn,
        Discharged // ended by a court order that moved or cancelled the asset
    }

    struct Pledge {
        // slot 1
        address pledgor;
        uint64 assetId;
        PledgeStatus status;
        // slot 2
        address pledgee;
        uint40 dueDate;
        bytes3 currency;
        // slot 3
        uint128 securedAmount; // minor units
        // slot 4
        bytes32 registryRefHash; // central movable-property (动产融资统一登记) reference
    }

    IDataAssetRegistry public immutable registry;
    IMilestoneRegistry public immutable milestones;
    IDisputeResolution public immutable disputes;
    IMemberRegistry public immutable members;

    uint256 private _nextPledgeId = 1;
    mapping(uint256 pledgeId => Pledge) private _pledges;
    mapping(uint256 assetId => uint256) private _activePledge;

    /// @notice The holder proposed a pledge.
    event PledgeProposed(
        uint256 indexed pledgeId,
        uint256 indexed assetId,
        address indexed pledgor,
        address pledgee,
        uint128 securedAmount,
        bytes3 currency,
        uint40 dueDate,
        bytes32 registryRefHash
    );
    /// @notice The pledgor withdrew a proposal.
    event PledgeWithdrawn(uint256 indexed pledgeId, uint256 indexed assetId);
    /// @notice The pledgee accepted: the pledge is in effect.
    event PledgeActivated(uint256 indexed pledgeId, uint256 indexed assetId, address indexed pledgee);
    /// @notice The pledgee released the pledge.
    event PledgeReleased(uint256 indexed pledgeId, uint256 indexed assetId, address indexed pledgee);
    /// @notice The pledge was enforced: the asset went to the pledgee.
    event PledgeEnforced(uint256 indexed pledgeId, uint256 indexed assetId, address indexed by, bool byCourt, bytes32 caseHash);
    /// @notice A court order moved the pledged asset and the pledge now binds its new holder.
    event PledgeCarried(uint256 indexed pledgeId, uint256 indexed assetId, address indexed newPledgor, address previousPledgor, bytes32 caseHash);
    /// @notice A court order moved or cancelled the pledged asset and discharged the pledge.
    event PledgeDischarged(uint256 indexed pledgeId, uint256 indexed assetId, bytes32 caseHash);

    error WrongPledgeStatus(uint256 pledgeId, PledgeStatus status);
    error NotPledgor(uint256 pledgeId, address account);
    error NotPledgee(uint256 pledgeId, address account);
    error PledgeNotDue(uint256 pledgeId, uint40 dueDate);
    error DueAfterValidity(uint40 dueDate, uint32 validUntil);
    error NoActivePledge(uint256 assetId);
    error SelfPledge();

    constructor(address manager, IDataAssetRegistry registry_, IMilestoneRegistry milestones_, IDisputeResolution disputes_)
        LedgerAccess(manager)
    {
        if (address(registry_) == address(0)) revert ZeroAddress(Field.Registry);
        if (address(milestones_) == address(0)) revert ZeroAddress(Field.Milestones);
        if (address(disputes_) == address(0)) revert ZeroAddress(Field.Disputes);
        registry = registry_;
        milestones = milestones_;
        disputes = disputes_;
        members = registry_.members();
    }

    /// @notice The holder proposes to pledge an asset.
    /// @param assetId The asset.
    /// @param pledgee The lender; an active member.
    /// @param securedAmount The secured claim in minor units.
    /// @param currency ISO 4217 code.
    /// @param dueDate When the secured debt falls due; after it the pledgee may enforce. Not
    ///        after the asset's validity.
    /// @param registryRefHash Hash of the movable-property registry reference.
    /// @return pledgeId The proposal.
    function propose(
        uint256 assetId,
        address pledgee,
        uint128 securedAmount,
        bytes3 currency,
        uint40 dueDate,
        bytes32 registryRefHash
    ) external whenOpen returns (uint256 pledgeId) {
        if (pledgee == address(0)) revert ZeroAddress(Field.Pledgee);
        if (pledgee == msg.sender) revert SelfPledge();
        if (securedAmount == 0) revert OutOfRange(Field.SecuredAmount, 0);
        if (currency == bytes3(0)) revert ZeroHash(Field.Currency);
        if (dueDate <= block.timestamp) revert InPast(Field.DueDate, dueDate, block.timestamp);
        if (registryRefHash == bytes32(0)) revert ZeroHash(Field.RegistryRefHash);
        uint32 validUntil = registry.requirePledgeable(assetId, msg.sender, pledgee);
        if (dueDate > validUntil) revert DueAfterValidity(dueDate, validUntil);
        pledgeId = _nextPledgeId++;
        _pledges[pledgeId] = Pledge({
            pledgor: msg.sender,
            assetId: uint64(assetId),
            status: PledgeStatus.Proposed,
            pledgee: pledgee,
            dueDate: dueDate,
            currency: currency,
            securedAmount: securedAmount,
            registryRefHash: registryRefHash
        });
        emit PledgeProposed(pledgeId, assetId, msg.sender, pledgee, securedAmount, currency, dueDate, registryRefHash);
    }

    /// @notice The pledgor withdraws a proposal not yet accepted.
    /// @param pledgeId The proposal.
    function withdraw(uint256 pledgeId) external whenOpen {
        Pledge storage p = _inStatus(pledgeId, PledgeStatus.Proposed);
        if (p.pledgor != msg.sender) revert NotPledgor(pledgeId, msg.sender);
        p.status = PledgeStatus.Withdrawn;
        emit PledgeWithdrawn(pledgeId, p.assetId);
    }

    /// @notice The pledgee accepts: the asset is pledged from now on. A pledge to a lender of
    ///         another organisation is the asset's first financing.
    /// @param pledgeId The proposal.
    function accept(uint256 pledgeId) external whenOpen {
        Pledge storage p = _inStatus(pledgeId, PledgeStatus.Proposed);
        _requirePledgee(pledgeId, p);
        uint256 assetId = p.assetId;
        address pledgor = p.pledgor;
        // The due date was within the validity at the proposal, and validity only grows.
        registry.requirePledgeable(assetId, pledgor, msg.sender);
        p.status = PledgeStatus.Active;
        p.pledgee = msg.sender;
        _activePledge[assetId] = pledgeId;
        registry.setPledged(assetId, true);
        emit PledgeActivated(pledgeId, assetId, msg.sender);
        if (members.orgOf(pledgor) != members.orgOf(msg.sender)) {
            milestones.recordAutomatic(assetId, Milestone.Financing, msg.sender, pledgor, p.registryRefHash);
        }
    }

    /// @notice The pledgee releases the pledge (the debt was repaid).
    /// @param pledgeId The pledge.
    function release(uint256 pledgeId) external whenOpen {
        Pledge storage p = _inStatus(pledgeId, PledgeStatus.Active);
        _requirePledgee(pledgeId, p);
        p.status = PledgeStatus.Released;
        uint256 assetId = p.assetId;
        delete _activePledge[assetId];
        registry.setPledged(assetId, false);
        emit PledgeReleased(pledgeId, assetId, msg.sender);
    }

    /// @notice The pledgee enforces after the due date: the asset goes to the pledgee. Only an
    ///         admitted objection of someone other than the pledgor stops it (and a court hold).
    /// @param pledgeId The pledge.
    function enforce(uint256 pledgeId) external whenOpen {
        Pledge storage p = _inStatus(pledgeId, PledgeStatus.Active);
        _requirePledgee(pledgeId, p);
        if (block.timestamp <= p.dueDate) revert PledgeNotDue(pledgeId, p.dueDate);
        uint256 assetId = p.assetId;
        if (disputes.admittedExcept(assetId, p.pledgor) != 0) revert AssetDisputed(assetId);
        _enforce(pledgeId, p, false, p.registryRefHash);
    }

    /// @notice A court enforces a pledge at any time, whatever the asset's freeze or dispute.
    /// @param pledgeId The pledge.
    /// @param caseHash Hash of the order.
    function courtEnforce(uint256 pledgeId, bytes32 caseHash) external restricted {
        if (caseHash == bytes32(0)) revert ZeroHash(Field.CaseHash);
        _enforce(pledgeId, _inStatus(pledgeId, PledgeStatus.Active), true, caseHash);
    }

    /// @inheritdoc IPledgeRegistry
    /// @dev DisputeResolution only (DISPUTES_MODULE), for court orders and rulings.
    function settleForCourt(uint256 assetId, PledgeAction action, address newHolder, bytes32 caseHash) external onlyModule(Roles.DISPUTES_MODULE) {
        uint256 pledgeId = _activePledge[assetId];
        if (pledgeId == 0) revert NoActivePledge(assetId);
        Pledge storage p = _pledges[pledgeId];
        if (action == PledgeAction.Carry) {
            if (newHolder == p.pledgee) revert SelfPledge();
            address previous = p.pledgor;
            p.pledgor = newHolder;
            emit PledgeCarried(pledgeId, assetId, newHolder, previous, caseHash);
        } else if (action == PledgeAction.Discharge) {
            p.status = PledgeStatus.Discharged;
            delete _activePledge[assetId];
            registry.setPledged(assetId, false);
            emit PledgeDischarged(pledgeId, assetId, caseHash);
        } else {
            revert OutOfRange(Field.PledgeAction, uint8(action));
        }
    }

    /// @notice A pledge record.
    /// @param pledgeId The pledge.
    /// @return The record (status None for an unknown id).
    function pledgeOf(uint256 pledgeId) external view returns (Pledge memory) {
        return _pledges[pledgeId];
    }

    /// @notice The pledge in effect on an asset.
    /// @param assetId The asset.
    /// @return The pledge id (0 if none).
    function activePledgeOf(uint256 assetId) external view returns (uint256) {
        return _activePledge[assetId];
    }

    /// @notice The id the next pledge will get.
    /// @return The id.
    function nextPledgeId() external view returns (uint256) {
        return _nextPledgeId;
    }

    /// @dev The asset goes to the account the pledgee's organisation acts through now (its own,
    ///      or after a key rotation its new one).
    function _enforce(uint256 pledgeId, Pledge storage p, bool byCourt, bytes32 caseHash) private {
        p.status = PledgeStatus.Enforced;
        uint256 assetId = p.assetId;
        delete _activePledge[assetId];
        registry.enforcePledge(assetId, members.currentAccountOf(p.pledgee), byCourt, caseHash);
        emit PledgeEnforced(pledgeId, assetId, msg.sender, byCourt, caseHash);
    }

    /// @dev The pledgee, or after a key rotation its organisation's new account.
    function _requirePledgee(uint256 pledgeId, Pledge storage p) private view {
        address pledgee = p.pledgee;
        if (pledgee != msg.sender && members.currentAccountOf(pledgee) != msg.sender) revert NotPledgee(pledgeId, msg.sender);
    }

    function _inStatus(uint256 pledgeId, PledgeStatus expected) private view returns (Pledge storage p) {
        p = _pledges[pledgeId];
        if (p.status != expected) revert WrongPledgeStatus(pledgeId, p.status);
    }
}
