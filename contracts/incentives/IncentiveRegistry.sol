// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Field, Milestone} from "../common/DataTypes.sol";
import {MilestoneRegistry} from "../milestones/MilestoneRegistry.sol";

/// @title IncentiveRegistry
/// @notice The incentives the pilot zone's bureau knows were paid for an enterprise's "firsts"
///         (a national or a municipal incentive), on which the zone pays matching funds. The
///         bureau records each one: the first it was paid for, the level, the amount and
///         currency, and an evidence hash of the payment. The matching itself (ratios per level,
///         cap per enterprise) is the zone's configuration, computed off-chain from these
///         records and the firsts (sdk/incentives/claim.ts), because the zone adjusts it.
/// @dev An incentive is bound to one recording of its first (its time, attester and evidence,
///      kept as a 96-bit tag; the event gives the time): once the registrar annuls a first it
///      earns nothing, and a later genuine recording of the same first is another first, with
///      incentives of its own, even in the same block. At most one live incentive per first and
///      level, so the same payment is never counted twice.
contract IncentiveRegistry is LedgerAccess {
    /// @notice Who paid the incentive.
    enum Level {
        National,
        Municipal
    }

    struct Incentive {
        uint128 amount; // minor units (fen for CNY); 0: never recorded
        bytes3 currency; // ISO 4217
        bool revoked;
        bytes12 firstTag; // the recording of the first it was paid for (_tagOf)
        bytes32 evidenceHash;
    }

    MilestoneRegistry public immutable milestones;

    mapping(uint256 assetId => mapping(Milestone => mapping(Level => Incentive))) private _incentives;

    /// @notice The bureau recorded an incentive paid for a first.
    event IncentiveRecorded(
        uint256 indexed assetId,
        Milestone indexed kind,
        Level indexed level,
        uint128 amount,
        bytes3 currency,
        bytes32 evidenceHash,
        uint40 milestoneAt,
        address bureau
    );
    /// @notice The bureau withdrew an incentive recorded in error: it counts for nothing.
    event IncentiveRevoked(uint256 indexed assetId, Milestone indexed kind, Level indexed level, bytes32 reasonHash, address bureau);

    /// @notice The first is not recorded, or was annulled: no incentive can be paid for it.
    error FirstNotEarned(uint256 assetId, Milestone kind);
    /// @notice This first already has a live incentive at this level.
    error IncentiveAlreadyRecorded(uint256 assetId, Milestone kind, Level level);
    /// @notice No live incentive at this level for this first.
    error IncentiveNotRecorded(uint256 assetId, Milestone kind, Level level);

    constructor(address manager, MilestoneRegistry milestones_) LedgerAccess(manager) {
        if (address(milestones_) == address(0)) revert ZeroAddress(Field.Milestones);
        milestones = milestones_;
    }

    /// @notice The bureau records an incentive paid for a first (BUREAU).
    /// @param assetId The asset whose first it was.
    /// @param kind The first (a Milestone value); it must be recorded and not annulled.
    /// @param level A Level value: national or municipal.
    /// @param amount The amount paid, in the currency's minor unit; positive.
    /// @param currency ISO 4217 code.
    /// @param evidenceHash Hash of the payment's evidence.
    function recordIncentive(uint256 assetId, uint8 kind, uint8 level, uint128 amount, bytes3 currency, bytes32 evidenceHash)
        external
        restricted
    {
        (Milestone m, Level l) = _checkKeys(kind, level);
        if (amount == 0) revert OutOfRange(Field.Amount, 0);
        if (currency == bytes3(0)) revert ZeroHash(Field.Currency);
        if (evidenceHash == bytes32(0)) revert ZeroHash(Field.EvidenceHash);
        MilestoneRegistry.Record memory first = milestones.milestoneOf(assetId, m);
        if (!first.set || first.annulled) revert FirstNotEarned(assetId, m);
        Incentive storage current = _incentives[assetId][m][l];
        bytes12 tag = _tagOf(first);
        if (_isLive(current, tag)) revert IncentiveAlreadyRecorded(assetId, m, l);
        _incentives[assetId][m][l] = Incentive(amount, currency, false, tag, evidenceHash);
        emit IncentiveRecorded(assetId, m, l, amount, currency, evidenceHash, first.at, msg.sender);
    }

    /// @notice The bureau withdraws an incentive recorded in error (BUREAU). It stays on record
    ///         as revoked and counts for nothing; a correct one may then be recorded.
    /// @param assetId The asset.
    /// @param kind The first (a Milestone value).
    /// @param level A Level value.
    /// @param reasonHash Hash of the decision.
    function revokeIncentive(uint256 assetId, uint8 kind, uint8 level, bytes32 reasonHash) external restricted {
        (Milestone m, Level l) = _checkKeys(kind, level);
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        Incentive storage current = _incentives[assetId][m][l];
        if (current.amount == 0 || current.revoked) revert IncentiveNotRecorded(assetId, m, l);
        current.revoked = true;
        emit IncentiveRevoked(assetId, m, l, reasonHash, msg.sender);
    }

    /// @notice The latest incentive recorded for a first at a level.
    /// @param assetId The asset.
    /// @param kind The first.
    /// @param level The level.
    /// @return The record (`amount` 0 if none; check `revoked`, and `firstTag` against the
    ///         first's current recording (`tagOf`): an incentive of an annulled recording earns nothing).
    function incentiveOf(uint256 assetId, Milestone kind, Level level) external view returns (Incentive memory) {
        return _incentives[assetId][kind][level];
    }

    /// @notice The tag of a recording of a first, as `incentiveOf` keeps it.
    /// @param first The record `MilestoneRegistry.milestoneOf` gives.
    /// @return The first 96 bits of keccak256(at, attester, evidenceHash).
    function tagOf(MilestoneRegistry.Record memory first) external pure returns (bytes12) {
        return _tagOf(first);
    }

    function _tagOf(MilestoneRegistry.Record memory first) private pure returns (bytes12) {
        return bytes12(keccak256(abi.encode(first.at, first.attester, first.evidenceHash)));
    }

    function _checkKeys(uint8 kind, uint8 level) private pure returns (Milestone, Level) {
        if (kind > uint8(Milestone.Financing)) revert OutOfRange(Field.Kind, kind);
        if (level > uint8(Level.Municipal)) revert OutOfRange(Field.Level, level);
        return (Milestone(kind), Level(level));
    }

    /// @dev Recorded, not revoked, and paid for the first's current recording.
    function _isLive(Incentive storage i, bytes12 firstTag) private view returns (bool) {
        return i.amount != 0 && !i.revoked && i.firstTag == firstTag;
    }
}
