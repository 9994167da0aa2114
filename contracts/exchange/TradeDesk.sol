// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {IMilestoneRegistry} from "../interfaces/IMilestoneRegistry.sol";
import {LicenseRegistry} from "../licensing/LicenseRegistry.sol";
import {Milestone, Reason} from "../common/DataTypes.sol";
import "../common/Errors.sol";

/// @title TradeDesk
/// @notice Where data exchanges list assets and record trades. A holding-right trade moves the
///         token atomically: the seller approves this desk (ERC-721 `approve`), the listing
///         exchange executes, and the registry's transfer rule decides. A licence sale records
///         the sale of a licence already granted.
contract TradeDesk is LedgerAccess {
    enum DeliveryMode {
        Plaintext,
        PrivacyComputing,
        Api,
        Sandbox
    }

    struct Listing {
        address exchange;
        uint40 listedAt;
        bytes32 listingRefHash;
    }

    struct Trade {
        // slot 1
        address seller;
        uint64 assetId;
        uint8 mode; // DeliveryMode
        // slot 2
        address buyer;
        uint64 licenseId; // 0 for a holding-right trade
        // slot 3
        address exchange;
        uint40 at;
        bytes3 currency;
        // slot 4
        uint128 price; // minor units
        // slot 5
        bytes32 exchangeRefHash;
    }

    IDataAssetRegistry public immutable registry;
    LicenseRegistry public immutable licenses;
    ICompliance public immutable compliance;
    IMilestoneRegistry public immutable milestones;

    uint256 private _nextTradeId = 1;
    mapping(uint256 assetId => Listing) private _listings;
    mapping(uint256 tradeId => Trade) private _trades;

    /// @notice An exchange listed an asset.
    event Listed(uint256 indexed assetId, address indexed exchange, address indexed holder, bytes32 listingRefHash);
    /// @notice A listing ended (by the exchange, the holder, or a sale).
    event Delisted(uint256 indexed assetId, address indexed exchange, address by, bytes32 reasonHash);
    /// @notice A trade was executed and recorded.
    event TradeRecorded(
        uint256 indexed tradeId,
        uint256 indexed assetId,
        address indexed exchange,
        address seller,
        address buyer,
        uint256 licenseId,
        uint128 price,
        bytes3 currency,
        DeliveryMode mode,
        bytes32 exchangeRefHash
    );

    error AlreadyListed(uint256 assetId, address exchange);
    error NotListed(uint256 assetId);
    error NotListedHere(uint256 assetId, address exchange);
    error NotTradable(uint256 assetId, Reason reason);
    error SellerApprovalMissing(uint256 assetId, address holder);
    error NotListingParty(uint256 assetId, address account);
    error SandboxNotApproved(uint256 assetId);
    error LicenseNotInForce(uint256 licenseId);

    constructor(
        address manager,
        IDataAssetRegistry registry_,
        LicenseRegistry licenses_,
        ICompliance compliance_,
        IMilestoneRegistry milestones_
    ) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        if (address(licenses_) == address(0)) revert ZeroAddress("licenses");
        if (address(compliance_) == address(0)) revert ZeroAddress("compliance");
        if (address(milestones_) == address(0)) revert ZeroAddress("milestones");
        registry = registry_;
        licenses = licenses_;
        compliance = compliance_;
        milestones = milestones_;
    }

    /// @notice Lists an asset. The holder consents by approving this desk for the token, and
    ///         the asset must pass the transfer rule as it stands.
    /// @param assetId The asset.
    /// @param listingRefHash Hash of the exchange's listing reference.
    function list(uint256 assetId, bytes32 listingRefHash) external onlyRole(Roles.EXCHANGE) {
        if (listingRefHash == bytes32(0)) revert ZeroHash("listingRefHash");
        Listing storage l = _listings[assetId];
        if (l.exchange != address(0)) revert AlreadyListed(assetId, l.exchange);
        address holder = registry.ownerOf(assetId);
        Reason reason = registry.transferCheck(assetId, holder, holder);
        if (reason != Reason.OK) revert NotTradable(assetId, reason);
        if (!_approved(assetId, holder)) revert SellerApprovalMissing(assetId, holder);
        _listings[assetId] = Listing(msg.sender, uint40(block.timestamp), listingRefHash);
        emit Listed(assetId, msg.sender, holder, listingRefHash);
        milestones.recordAutomatic(assetId, Milestone.Listing, msg.sender, holder, listingRefHash);
    }

    /// @notice Ends a listing: the listing exchange or the current holder may.
    /// @param assetId The asset.
    /// @param reasonHash Hash of the reasons (may be zero for a holder's withdrawal).
    function delist(uint256 assetId, bytes32 reasonHash) external {
        Listing storage l = _listings[assetId];
        address exchange = l.exchange;
        if (exchange == address(0)) revert NotListed(assetId);
        if (msg.sender != exchange && msg.sender != registry.ownerOf(assetId)) revert NotListingParty(assetId, msg.sender);
        delete _listings[assetId];
        emit Delisted(assetId, exchange, msg.sender, reasonHash);
    }

    /// @notice The listing exchange executes a sale of the holding right: the token moves from
    ///         the holder to `buyer` in this transaction, or nothing happens.
    /// @param assetId The asset.
    /// @param buyer The buyer; must be an active member (and cleared, if foreign).
    /// @param price Price in minor units.
    /// @param currency ISO 4217 code.
    /// @param mode A DeliveryMode value.
    /// @param exchangeRefHash Hash of the exchange's own trade reference.
    /// @return tradeId The trade record.
    function tradeHolding(uint256 assetId, address buyer, uint128 price, bytes3 currency, uint8 mode, bytes32 exchangeRefHash)
        external
        onlyRole(Roles.EXCHANGE)
        returns (uint256 tradeId)
    {
        if (buyer == address(0)) revert ZeroAddress("buyer");
        _checkTradeInput(assetId, currency, mode, exchangeRefHash);
        address exchange = _listings[assetId].exchange;
        if (exchange != msg.sender) revert NotListedHere(assetId, msg.sender);
        address seller = registry.ownerOf(assetId);
        delete _listings[assetId];
        emit Delisted(assetId, exchange, msg.sender, exchangeRefHash);
        registry.transferFrom(seller, buyer, assetId);
        tradeId = _recordTrade(assetId, 0, seller, buyer, price, currency, mode, exchangeRefHash);
    }

    /// @notice The listing exchange records the sale of a licence already granted on a listed asset.
    /// @param licenseId The licence sold; the buyer is its licensee, the seller its licensor.
    /// @param price Price in minor units.
    /// @param currency ISO 4217 code.
    /// @param mode A DeliveryMode value.
    /// @param exchangeRefHash Hash of the exchange's own trade reference.
    /// @return tradeId The trade record.
    function tradeLicense(uint256 licenseId, uint128 price, bytes3 currency, uint8 mode, bytes32 exchangeRefHash)
        external
        onlyRole(Roles.EXCHANGE)
        returns (uint256 tradeId)
    {
        LicenseRegistry.License memory lic = licenses.licenseOf(licenseId);
        uint256 assetId = lic.assetId;
        _checkTradeInput(assetId, currency, mode, exchangeRefHash);
        if (!licenses.isInForce(licenseId)) revert LicenseNotInForce(licenseId);
        if (_listings[assetId].exchange != msg.sender) revert NotListedHere(assetId, msg.sender);
        address seller = lic.parentId == 0 ? registry.ownerOf(assetId) : licenses.licenseOf(lic.parentId).licensee;
        tradeId = _recordTrade(assetId, licenseId, seller, lic.licensee, price, currency, mode, exchangeRefHash);
    }

    /// @notice The current listing of an asset (exchange zero if none).
    function listingOf(uint256 assetId) external view returns (Listing memory) {
        return _listings[assetId];
    }

    /// @notice A trade record.
    function tradeOf(uint256 tradeId) external view returns (Trade memory) {
        return _trades[tradeId];
    }

    /// @notice The id the next trade will get.
    function nextTradeId() external view returns (uint256) {
        return _nextTradeId;
    }

    function _checkTradeInput(uint256 assetId, bytes3 currency, uint8 mode, bytes32 exchangeRefHash) private view {
        if (currency == bytes3(0)) revert ZeroHash("currency");
        if (mode > uint8(DeliveryMode.Sandbox)) revert OutOfRange("mode", mode);
        if (exchangeRefHash == bytes32(0)) revert ZeroHash("exchangeRefHash");
        if (mode == uint8(DeliveryMode.Sandbox) && !compliance.isSandboxApproved(assetId)) {
            revert SandboxNotApproved(assetId);
        }
    }

    function _recordTrade(
        uint256 assetId,
        uint256 licenseId,
        address seller,
        address buyer,
        uint128 price,
        bytes3 currency,
        uint8 mode,
        bytes32 exchangeRefHash
    ) private returns (uint256 tradeId) {
        tradeId = _nextTradeId++;
        _trades[tradeId] = Trade({
            seller: seller,
            assetId: uint64(assetId),
            mode: mode,
            buyer: buyer,
            licenseId: uint64(licenseId),
            exchange: msg.sender,
            at: uint40(block.timestamp),
            currency: currency,
            price: price,
            exchangeRefHash: exchangeRefHash
        });
        emit TradeRecorded(
            tradeId, assetId, msg.sender, seller, buyer, licenseId, price, currency, DeliveryMode(mode), exchangeRefHash
        );
        milestones.recordAutomatic(assetId, Milestone.Trade, msg.sender, seller, exchangeRefHash);
    }

    function _approved(uint256 assetId, address holder) private view returns (bool) {
        return registry.getApproved(assetId) == address(this) || registry.isApprovedForAll(holder, address(this));
    }
}
