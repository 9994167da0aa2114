// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {IMilestoneRegistry} from "../interfaces/IMilestoneRegistry.sol";
import {AssetStatus, DataCategory, Milestone, Registration} from "../common/DataTypes.sol";
import "../common/Errors.sol";

/// @title MilestoneRegistry
/// @notice The six "firsts" of the seed policy, each at most once per asset, with attester,
///         time, the enterprise (holder) it counts for, and an evidence hash. Listing, trade
///         and pledge-financing firsts are recorded automatically by the ledger's modules;
///         the first registration is the registry's confirmation itself (its `AssetRegistered`
///         event and `registrationOf`), so it is read from there rather than stored twice.
contract MilestoneRegistry is IMilestoneRegistry, LedgerAccess {
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

    error MilestoneAlreadyRecorded(uint256 assetId, Milestone kind);
    error AssetNotRegistered(uint256 assetId);
    error NotPublicData(uint256 assetId);
    error AutomaticMilestone(Milestone kind);

    constructor(address manager, IDataAssetRegistry registry_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        registry = registry_;
    }

    /// @inheritdoc IMilestoneRegistry
    /// @dev Only ledger modules (MILESTONE_WRITER) call this, for listing, trade and financing.
    function recordAutomatic(uint256 assetId, Milestone kind, address attester, address enterprise, bytes32 evidenceHash)
        external
        onlyRole(Roles.MILESTONE_WRITER)
    {
        if (kind == Milestone.Registration) revert AutomaticMilestone(kind);
        if (_records[assetId][kind].set) return;
        _record(assetId, kind, attester, enterprise, evidenceHash, 0);
    }

    /// @notice An auditor attests that the asset entered its holder's financial statements (入表).
    /// @param assetId The asset.
    /// @param treatment A Treatment value: inventory or intangible asset.
    /// @param evidenceHash Hash of the audit attestation.
    function attestFinancialStatements(uint256 assetId, uint8 treatment, bytes32 evidenceHash)
        external
        onlyRole(Roles.AUDITOR)
    {
        if (treatment > uint8(Treatment.IntangibleAsset)) revert OutOfRange("treatment", treatment);
        _attest(assetId, Milestone.FinancialStatements, evidenceHash, treatment);
    }

    /// @notice The registrar or the regulator attests that public data was opened (公共数据开放).
    /// @param assetId The asset; its category must be public.
    /// @param evidenceHash Hash of the opening decision.
    function attestOpening(uint256 assetId, bytes32 evidenceHash)
        external
        onlyEitherRole(Roles.REGISTRAR, Roles.REGULATOR)
    {
        if (registry.categoryOf(assetId) != DataCategory.Public) {
            revert NotPublicData(assetId);
        }
        _attest(assetId, Milestone.Opening, evidenceHash, 0);
    }

    /// @notice An exchange or an auditor attests a first financing other than a pledge
    ///         (securitisation, data-asset credit, insurance...).
    /// @param assetId The asset.
    /// @param evidenceHash Hash of the financing instrument.
    function attestFinancing(uint256 assetId, bytes32 evidenceHash) external onlyEitherRole(Roles.EXCHANGE, Roles.AUDITOR) {
        _attest(assetId, Milestone.Financing, evidenceHash, 0);
    }

    /// @notice Whether a first is set, and its record. The registration first is read from the registry.
    function milestoneOf(uint256 assetId, Milestone kind) external view returns (Record memory r) {
        if (kind == Milestone.Registration) {
            Registration memory reg = registry.registrationOf(assetId);
            if (reg.confirmedAt == 0) return r;
            // `enterprise` stays zero here: the registrant is the `holder` of the AssetRegistered event.
            return Record(reg.confirmedBy, reg.confirmedAt, 0, true, address(0), bytes32(0));
        }
        return _records[assetId][kind];
    }

    function _attest(uint256 assetId, Milestone kind, bytes32 evidenceHash, uint8 detail) private {
        if (evidenceHash == bytes32(0)) revert ZeroHash("evidenceHash");
        (address holder, AssetStatus status,,,,,,,) = registry.recordOf(assetId);
        if (status != AssetStatus.Registered) revert AssetNotRegistered(assetId);
        if (_records[assetId][kind].set) revert MilestoneAlreadyRecorded(assetId, kind);
        _record(assetId, kind, msg.sender, holder, evidenceHash, detail);
    }

    function _record(uint256 assetId, Milestone kind, address attester, address enterprise, bytes32 evidenceHash, uint8 detail)
        private
    {
        _records[assetId][kind] = Record(attester, uint40(block.timestamp), detail, true, enterprise, evidenceHash);
        emit MilestoneRecorded(assetId, kind, enterprise, attester, uint40(block.timestamp), evidenceHash, detail);
    }
}
