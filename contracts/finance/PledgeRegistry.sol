// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {IMilestoneRegistry} from "../interfaces/IMilestoneRegistry.sol";
import {Milestone} from "../common/DataTypes.sol";
import "../common/Errors.sol";

/// @title PledgeRegistry
/// @notice Pledges (质押) of registered assets: the holder proposes, the pledgee accepts. A
///         pledged asset cannot be transferred or pledged again. The pledgee releases it; a
///         court, or the pledgee after the due date, enforces it by transfer to the pledgee.
///         The reference of the central movable-property registration is kept.
contract PledgeRegistry is LedgerAccess {
    enum PledgeStatus {
        None,
        Proposed,
        Active,
        Released,
        Enforced,
        Withdrawn
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

    error WrongPledgeStatus(uint256 pledgeId, PledgeStatus status);
    error NotPledgor(uint256 pledgeId, address account);
    error NotPledgee(uint256 pledgeId, address account);
    error PledgeNotDue(uint256 pledgeId, uint40 dueDate);
    error SelfPledge();

    constructor(address manager, IDataAssetRegistry registry_, IMilestoneRegistry milestones_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (address(milestones_) == address(0)) revert ZeroAddress("milestones");
        registry = registry_;
        milestones = milestones_;
    }

    /// @notice The holder proposes to pledge an asset.
    /// @param assetId The asset.
    /// @param pledgee The lender; an active member.
    /// @param securedAmount The secured claim in minor units.
    /// @param currency ISO 4217 code.
    /// @param dueDate When the secured debt falls due; after it the pledgee may enforce.
    /// @param registryRefHash Hash of the movable-property registry reference.
    /// @return pledgeId The proposal.
    function propose(
        uint256 assetId,
        address pledgee,
        uint128 securedAmount,
        bytes3 currency,
        uint40 dueDate,
        bytes32 registryRefHash
    ) external returns (uint256 pledgeId) {
        if (pledgee == address(0)) revert ZeroAddress("pledgee");
        if (pledgee == msg.sender) revert SelfPledge();
        if (securedAmount == 0) revert OutOfRange("securedAmount", 0);
        if (currency == bytes3(0)) revert ZeroHash("currency");
        if (dueDate <= block.timestamp) revert InPast("dueDate", dueDate, block.timestamp);
        if (registryRefHash == bytes32(0)) revert ZeroHash("registryRefHash");
        registry.requirePledgeable(assetId, msg.sender, pledgee);
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
    function withdraw(uint256 pledgeId) external {
        Pledge storage p = _inStatus(pledgeId, PledgeStatus.Proposed);
        if (p.pledgor != msg.sender) revert NotPledgor(pledgeId, msg.sender);
        p.status = PledgeStatus.Withdrawn;
        emit PledgeWithdrawn(pledgeId, p.assetId);
    }

    /// @notice The pledgee accepts: the asset is pledged from now on. Records the first financing.
    /// @param pledgeId The proposal.
    function accept(uint256 pledgeId) external {
        Pledge storage p = _inStatus(pledgeId, PledgeStatus.Proposed);
        if (p.pledgee != msg.sender) revert NotPledgee(pledgeId, msg.sender);
        uint256 assetId = p.assetId;
        registry.requirePledgeable(assetId, p.pledgor, msg.sender);
        p.status = PledgeStatus.Active;
        _activePledge[assetId] = pledgeId;
        registry.setPledged(assetId, true);
        emit PledgeActivated(pledgeId, assetId, msg.sender);
        milestones.recordAutomatic(assetId, Milestone.Financing, msg.sender, p.pledgor, p.registryRefHash);
    }

    /// @notice The pledgee releases the pledge (the debt was repaid).
    /// @param pledgeId The pledge.
    function release(uint256 pledgeId) external {
        Pledge storage p = _inStatus(pledgeId, PledgeStatus.Active);
        if (p.pledgee != msg.sender) revert NotPledgee(pledgeId, msg.sender);
        p.status = PledgeStatus.Released;
        uint256 assetId = p.assetId;
        delete _activePledge[assetId];
        registry.setPledged(assetId, false);
        emit PledgeReleased(pledgeId, assetId, msg.sender);
    }

    /// @notice The pledgee enforces after the due date: the asset goes to the pledgee.
    /// @param pledgeId The pledge.
    function enforce(uint256 pledgeId) external {
        Pledge storage p = _inStatus(pledgeId, PledgeStatus.Active);
        if (p.pledgee != msg.sender) revert NotPledgee(pledgeId, msg.sender);
        if (block.timestamp <= p.dueDate) revert PledgeNotDue(pledgeId, p.dueDate);
        _enforce(pledgeId, p, false, p.registryRefHash);
    }

    /// @notice A court enforces a pledge at any time, whatever the asset's freeze or dispute.
    /// @param pledgeId The pledge.
    /// @param caseHash Hash of the order.
    function courtEnforce(uint256 pledgeId, bytes32 caseHash) external onlyRole(Roles.COURT) {
        if (caseHash == bytes32(0)) revert ZeroHash("caseHash");
        _enforce(pledgeId, _inStatus(pledgeId, PledgeStatus.Active), true, caseHash);
    }

    /// @notice A pledge record.
    function pledgeOf(uint256 pledgeId) external view returns (Pledge memory) {
        return _pledges[pledgeId];
    }

    /// @notice The pledge in effect on an asset (0 if none).
    function activePledgeOf(uint256 assetId) external view returns (uint256) {
        return _activePledge[assetId];
    }

    function _enforce(uint256 pledgeId, Pledge storage p, bool byCourt, bytes32 caseHash) private {
        p.status = PledgeStatus.Enforced;
        uint256 assetId = p.assetId;
        delete _activePledge[assetId];
        registry.enforcePledge(assetId, p.pledgee, byCourt, caseHash);
        emit PledgeEnforced(pledgeId, assetId, msg.sender, byCourt, caseHash);
    }

    function _inStatus(uint256 pledgeId, PledgeStatus expected) private view returns (Pledge storage p) {
        p = _pledges[pledgeId];
        if (p.status != expected) revert WrongPledgeStatus(pledgeId, p.status);
    }
}
