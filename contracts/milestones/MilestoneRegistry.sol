// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IAssetRuleErrors} from "../interfaces/IAssetRuleErrors.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {IMilestoneRegistry} from "../interfaces/IMilestoneRegistry.sol";
import {AssetStatus, DataCategory, Field, Milestone, Registration} from "../common/DataTypes.sol";

/// @title MilestoneRegistry
/// @notice The six "firsts" of the seed policy, each at most once per asset, with attester,
///         time, the enterprise (holder) it counts for, and an evidence hash. A pilot-zone
///         bureau pays matching funds per first, so they are earned only by arm's-length
///         events: the trade desk records the first listing (on the holder's own order) and the
///         first trade (a price, and a buyer of another organisation), the pledge registry the
///         first financing (a lender of another organisation that accepted). The first
///         registration is the registry's confirmation itself (`AssetRegistered`). The
///         registrar can annul a wrongly recorded first; an annulled first may be earned again.
contract MilestoneRegistry is IMilestoneRegistry, LedgerAccess, IAssetRuleErrors {
    /// @notice How a data resource entered the financial statements (财会〔2023〕11号).
    enum Treatment {
        Inventory,
        IntangibleAsset
    }

    struct Record {
        address attester;
        uint40 at;
        uint8 detail; // Treatment for FinancialStatements; 0 otherwise
        bool set;
        bool annulled;
        address enterprise;
        bytes32 evidenceHash;
    }

    IDataAssetRegistry public immutable registry;

    mapping(uint256 assetId => mapping(Milestone => Record)) private _records;

    /// @notice A first was recorded.
    event MilestoneRecorded(
        uint256 indexed assetId,
        Milestone indexed kind,
        address indexed enterprise,
        address attester,
        uint40 at,
        bytes32 evidenceHash,
        uint8 detail
    );
    /// @notice The registrar annulled a wrongly recorded first: it earns nothing.
    event MilestoneAnnulled(
        uint256 indexed assetId, Milestone indexed kind, address indexed enterprise, bytes32 reasonHash, address registrar
    );

    error MilestoneAlreadyRecorded(uint256 assetId, Milestone kind);
    error MilestoneNotRecorded(uint256 assetId, Milestone kind);
    error NotPublicData(uint256 assetId);
    error AutomaticMilestone(Milestone kind);

    constructor(address manager, IDataAssetRegistry registry_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress(Field.Registry);
        registry = registry_;
    }

    /// @inheritdoc IMilestoneRegistry
    /// @dev Only ledger modules (MILESTONE_WRITER) call this, for listing, trade and financing.
    function recordAutomatic(uint256 assetId, Milestone kind, address attester, address enterprise, bytes32 evidenceHash)
        external
        onlyModule(Roles.MILESTONE_WRITER)
    {
        if (kind == Milestone.Registration) revert AutomaticMilestone(kind);
        if (_isSet(_records[assetId][kind])) return;
        _record(assetId, kind, attester, enterprise, evidenceHash, 0);
    }

    /// @notice An auditor attests that the asset entered its holder's financial statements (入表).
    /// @param assetId The asset.
    /// @param treatment A Treatment value: inventory or intangible asset.
    /// @param evidenceHash Hash of the audit attestation.
    function attestFinancialStatements(uint256 assetId, uint8 treatment, bytes32 evidenceHash) external restricted {
        if (treatment > uint8(Treatment.IntangibleAsset)) revert OutOfRange(Field.Treatment, treatment);
        _attest(assetId, Milestone.FinancialStatements, evidenceHash, treatment);
    }

    /// @notice The registrar or the regulator (OPENING_ATTESTER) attests that public data was opened (公共数据开放).
    /// @param assetId The asset; its category must be public.
    /// @param evidenceHash Hash of the opening decision.
    function attestOpening(uint256 assetId, bytes32 evidenceHash) external restricted {
        if (registry.categoryOf(assetId) != DataCategory.Public) revert NotPublicData(assetId);
        _attest(assetId, Milestone.Opening, evidenceHash, 0);
    }

    /// @notice An exchange or an auditor (FINANCING_ATTESTER) attests a first financing other
    ///         than a pledge (securitisation, data-asset credit, insurance...).
    /// @param assetId The asset.
    /// @param evidenceHash Hash of the financing instrument.
    function attestFinancing(uint256 assetId, bytes32 evidenceHash) external restricted {
        _attest(assetId, Milestone.Financing, evidenceHash, 0);
    }

    /// @notice The registrar annuls a wrongly recorded first. It stays on record as annulled and
    ///         earns nothing; the next genuine event may record the first again.
    /// @param assetId The asset.
    /// @param kind The first (a Milestone value).
    /// @param reasonHash Hash of the decision.
    function annul(uint256 assetId, uint8 kind, bytes32 reasonHash) external restricted {
        if (kind > uint8(Milestone.Financing)) revert OutOfRange(Field.Kind, kind);
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        Milestone m = Milestone(kind);
        Record memory current = milestoneOf(assetId, m);
        if (!current.set || current.annulled) revert MilestoneNotRecorded(assetId, m);
        // The registration first lives in the registry; only its annulment is kept here, and
        // its enterprise is the `holder` of `AssetRegistered` (zero in this event).
        Record storage r = _records[assetId][m];
        r.annulled = true;
        emit MilestoneAnnulled(assetId, m, r.enterprise, reasonHash, msg.sender);
    }

    /// @notice Whether a first is set, and its record. The registration first is read from the
    ///         registry: its time is the confirmation; its attester (the confirming registrar)
    ///         and enterprise (the registrant) are the `registrar` and `holder` of the
    ///         `AssetRegistered` event, and stay zero here.
    /// @param assetId The asset.
    /// @param kind The first.
    /// @return r The record (`set` false if never recorded; `annulled` true if annulled).
    function milestoneOf(uint256 assetId, Milestone kind) public view returns (Record memory r) {
        if (kind == Milestone.Registration) {
            Registration memory reg = registry.registrationOf(assetId);
            if (reg.confirmedAt == 0) return r;
            bool annulled = _records[assetId][kind].annulled;
            return Record(address(0), reg.confirmedAt, 0, true, annulled, address(0), bytes32(0));
        }
        return _records[assetId][kind];
    }

    function _attest(uint256 assetId, Milestone kind, bytes32 evidenceHash, uint8 detail) private {
        if (evidenceHash == bytes32(0)) revert ZeroHash(Field.EvidenceHash);
        IDataAssetRegistry.AssetRecord memory rec = registry.recordOf(assetId);
        if (rec.status != AssetStatus.Registered) revert AssetNotRegistered(assetId);
        if (_isSet(_records[assetId][kind])) revert MilestoneAlreadyRecorded(assetId, kind);
        _record(assetId, kind, msg.sender, rec.holder, evidenceHash, detail);
    }

    function _record(uint256 assetId, Milestone kind, address attester, address enterprise, bytes32 evidenceHash, uint8 detail)
        private
    {
        _records[assetId][kind] = Record(attester, uint40(block.timestamp), detail, true, false, enterprise, evidenceHash);
        emit MilestoneRecorded(assetId, kind, enterprise, attester, uint40(block.timestamp), evidenceHash, detail);
    }

    /// @dev Set and not annulled: such a first cannot be recorded again.
    function _isSet(Record storage r) private view returns (bool) {
        return r.set && !r.annulled;
    }
}
