// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {IAssetRuleErrors} from "../interfaces/IAssetRuleErrors.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {AssetStatus, Field} from "../common/DataTypes.sol";

/// @title ValuationRegistry
/// @notice Valuation reports recorded by evaluators (数据资产评估): method, value, currency,
///         valuation date and report hash. The latest is kept in storage; all are in events.
contract ValuationRegistry is LedgerAccess, IAssetRuleErrors {
    enum Method {
        Cost,
        Market,
        Income
    }

    struct Valuation {
        uint128 value; // minor units
        bytes3 currency; // ISO 4217
        Method method;
        uint40 valuationDate;
        address evaluator;
        bytes32 reportHash;
    }

    IDataAssetRegistry public immutable registry;

    uint256 private _nextValuationId = 1;
    mapping(uint256 assetId => uint256) private _latest;
    mapping(uint256 valuationId => Valuation) private _valuations;

    /// @notice An evaluator recorded a valuation.
    event ValuationRecorded(
        uint256 indexed valuationId,
        uint256 indexed assetId,
        address indexed evaluator,
        Method method,
        uint128 value,
        bytes3 currency,
        uint40 valuationDate,
        bytes32 reportHash
    );

    error ValuationDateInFuture(uint40 valuationDate);

    constructor(address manager, IDataAssetRegistry registry_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress(Field.Registry);
        registry = registry_;
    }

    /// @notice Records a valuation report for a registered asset.
    /// @param assetId The asset.
    /// @param method A Method value (cost, market or income).
    /// @param value The value in minor units; must be positive.
    /// @param currency ISO 4217 code.
    /// @param valuationDate The report's valuation date (base date); not in the future.
    /// @param reportHash Hash of the report.
    /// @return valuationId The new record.
    function record(uint256 assetId, uint8 method, uint128 value, bytes3 currency, uint40 valuationDate, bytes32 reportHash)
        external
        restricted
        returns (uint256 valuationId)
    {
        if (method > uint8(Method.Income)) revert OutOfRange(Field.Method, method);
        if (value == 0) revert OutOfRange(Field.Value, 0);
        if (currency == bytes3(0)) revert ZeroHash(Field.Currency);
        if (valuationDate == 0) revert OutOfRange(Field.ValuationDate, 0);
        if (valuationDate > block.timestamp) revert ValuationDateInFuture(valuationDate);
        if (reportHash == bytes32(0)) revert ZeroHash(Field.ReportHash);
        if (registry.statusOf(assetId) != AssetStatus.Registered) revert AssetNotRegistered(assetId);
        valuationId = _nextValuationId++;
        _valuations[valuationId] = Valuation(value, currency, Method(method), valuationDate, msg.sender, reportHash);
        _latest[assetId] = valuationId;
        emit ValuationRecorded(valuationId, assetId, msg.sender, Method(method), value, currency, valuationDate, reportHash);
    }

    /// @notice The latest valuation of an asset.
    /// @param assetId The asset.
    /// @return valuationId Its id (0 if none).
    /// @return valuation The record.
    function latestOf(uint256 assetId) external view returns (uint256 valuationId, Valuation memory valuation) {
        valuationId = _latest[assetId];
        valuation = _valuations[valuationId];
    }

    /// @notice A valuation record.
    /// @param valuationId The valuation.
    /// @return The record (evaluator zero for an unknown id).
    function valuationOf(uint256 valuationId) external view returns (Valuation memory) {
        return _valuations[valuationId];
    }
}
