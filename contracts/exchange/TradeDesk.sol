// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {SignedNonces} from "../access/SignedNonces.sol";
import {IAssetRuleErrors} from "../interfaces/IAssetRuleErrors.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {ILicenseRegistry} from "../interfaces/ILicenseRegistry.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {IMilestoneRegistry} from "../interfaces/IMilestoneRegistry.sol";
import {Field, Milestone, Reason} from "../common/DataTypes.sol";

/// @title TradeDesk
/// @notice Where data exchanges list assets and record trades. A holding-right sale needs the
///         holder's consent to that deal: a sell order (asset, exchange, buyer or any buyer,
///         price, currency, deadline, nonce) signed with EIP-712 by the current holder, or
///         placed by the holder on chain. Approving this desk for a token is not consent: the
///         desk moves tokens only through the registry's trade hook, under the transfer rule.
///         A listing records the holder who made it, lapses when the holder changes, and only
///         the listing exchange may trade a listed asset. Seller and buyer must be different
///         organisations.
contract TradeDesk is LedgerAccess, EIP712, SignedNonces, IAssetRuleErrors {
    enum DeliveryMode {
        Plaintext,
        PrivacyComputing,
        Api,
        Sandbox
    }

    /// @notice A holder's order to sell the holding right.
    struct SellOrder {
        uint256 assetId;
        address exchange; // the only exchange that may list or execute it
        address buyer; // zero: any buyer
        uint128 price; // minor units
        bytes3 currency; // ISO 4217
        uint256 deadline;
        uint256 nonce;
    }

    struct Listing {
        address exchange;
        uint40 listedAt;
        address holder; // the holder who listed; the listing lapses when the holder changes
        uint256 orderNonce; // the holder's delisting withdraws this order too
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

    bytes32 public constant SELL_ORDER_TYPEHASH = keccak256(
        "SellOrder(uint256 assetId,address exchange,address buyer,uint128 price,bytes3 currency,uint256 deadline,uint256 nonce)"
    );

    IDataAssetRegistry public immutable registry;
    IMilestoneRegistry public immutable milestones;
    IMemberRegistry public immutable members;

    uint256 private _nextTradeId = 1;
    mapping(uint256 assetId => Listing) private _listings;
    mapping(uint256 tradeId => Trade) private _trades;
    mapping(address holder => mapping(bytes32 orderHash => bool)) private _placed;

    /// @notice The holder placed a sell order on chain (instead of signing it).
    event SellOrderPlaced(bytes32 indexed orderHash, uint256 indexed assetId, address indexed holder, SellOrder order);
    /// @notice An exchange listed an asset on the holder's sell order.
    event Listed(uint256 indexed assetId, address indexed exchange, address indexed holder, bytes32 listingRefHash, bytes32 orderHash);
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
    error NotListingParty(uint256 assetId, address account);
    error SandboxNotApproved(uint256 assetId);
    error LicenseNotInForce(uint256 licenseId);
    error WrongExchange(address orderExchange, address caller);
    error WrongBuyer(address orderBuyer, address buyer);
    error SelfTrade(address party);
    error SameOrganisation(bytes32 orgIdHash);

    constructor(address manager, IDataAssetRegistry registry_, IMilestoneRegistry milestones_)
        LedgerAccess(manager)
        EIP712("DRL TradeDesk", "1")
    {
        if (address(registry_) == address(0)) revert ZeroAddress(Field.Registry);
        if (address(milestones_) == address(0)) revert ZeroAddress(Field.Milestones);
        registry = registry_;
        milestones = milestones_;
        members = registry_.members();
    }

    // ─── The holder's side ───────────────────────────────────────────────────────────────

    /// @notice The holder places a sell order on chain, as an alternative to signing it.
    /// @param order The order; its asset must be the caller's.
    /// @return orderHash The order's EIP-712 digest.
    function placeOrder(SellOrder calldata order) external whenOpen returns (bytes32 orderHash) {
        _checkOrder(order);
        if (registry.ownerOf(order.assetId) != msg.sender) revert NotHolder(order.assetId, msg.sender);
        orderHash = orderDigest(order);
        _placed[msg.sender][orderHash] = true;
        emit SellOrderPlaced(orderHash, order.assetId, msg.sender, order);
    }

    /// @inheritdoc SignedNonces
    function cancelNonce(uint256 nonce) external override whenOpen {
        _cancelNonce(msg.sender, nonce);
    }

    // ─── The exchange's side ─────────────────────────────────────────────────────────────

    /// @notice Lists an asset on its holder's sell order, which must name this exchange. The
    ///         asset must pass the transfer rule as it stands. This is the first listing.
    /// @param order The holder's order (not used up by listing).
    /// @param signature The holder's signature, or empty for an order placed on chain.
    /// @param listingRefHash Hash of the exchange's listing reference.
    function list(SellOrder calldata order, bytes calldata signature, bytes32 listingRefHash) external restricted {
        if (listingRefHash == bytes32(0)) revert ZeroHash(Field.ListingRefHash);
        uint256 assetId = order.assetId;
        address holder = registry.ownerOf(assetId);
        Listing storage l = _listings[assetId];
        if (l.exchange != address(0) && l.holder == holder) revert AlreadyListed(assetId, l.exchange);
        bytes32 orderHash = _verifyOrder(order, signature, holder);
        // A lapsed listing (made by a former holder) is replaced, and says so.
        if (l.exchange != address(0)) emit Delisted(assetId, l.exchange, msg.sender, bytes32(0));
        // The asset as it stands, and its holder's standing; a buyer's clearance is the trade's
        // concern (cross-border is the last check, so it failing means the rest passed).
        Reason reason = registry.transferCheck(assetId, holder, holder);
        if (reason != Reason.OK && reason != Reason.CrossBorderNotCleared) revert NotTradable(assetId, reason);
        _listings[assetId] = Listing(msg.sender, uint40(block.timestamp), holder, order.nonce, listingRefHash);
        emit Listed(assetId, msg.sender, holder, listingRefHash, orderHash);
        milestones.recordAutomatic(assetId, Milestone.Listing, msg.sender, holder, listingRefHash);
    }

    /// @notice Ends a listing: the listing exchange or the current holder may. When the holder who
    ///         listed delists, the order it listed is withdrawn too (its nonce is cancelled), so
    ///         the exchange cannot still execute it.
    /// @param assetId The asset.
    /// @param reasonHash Hash of the reasons (may be zero for a holder's withdrawal).
    function delist(uint256 assetId, bytes32 reasonHash) external whenOpen {
        Listing storage l = _listings[assetId];
        address exchange = l.exchange;
        if (exchange == address(0)) revert NotListed(assetId);
        address holder = registry.registeredHolderOf(assetId);
        if (msg.sender != exchange && msg.sender != holder) revert NotListingParty(assetId, msg.sender);
        uint256 nonce = l.orderNonce;
        bool withdraw = msg.sender == holder && l.holder == holder && !_nonceUsed(holder, nonce);
        delete _listings[assetId];
        emit Delisted(assetId, exchange, msg.sender, reasonHash);
        if (withdraw) _cancelNonce(holder, nonce);
    }

    /// @notice Executes a sale of the holding right on the holder's sell order: the token moves
    ///         from the holder to `buyer` in this transaction, or nothing happens. The order's
    ///         nonce is used up. A sale above price zero is the asset's first trade.
    /// @param order The holder's order; it must name this exchange, and this buyer or any.
    /// @param signature The holder's signature, or empty for an order placed on chain.
    /// @param buyer The buyer; an active member of another organisation (and cleared, if foreign).
    /// @param mode A DeliveryMode value.
    /// @param exchangeRefHash Hash of the exchange's own trade reference.
    /// @return tradeId The trade record.
    function tradeHolding(SellOrder calldata order, bytes calldata signature, address buyer, uint8 mode, bytes32 exchangeRefHash)
        external
        restricted
        returns (uint256 tradeId)
    {
        if (buyer == address(0)) revert ZeroAddress(Field.Buyer);
        address seller = _takeOrder(order, signature, buyer, mode, exchangeRefHash);
        registry.tradeTransfer(order.assetId, seller, buyer);
        tradeId = _recordTrade(
            Trade({
                seller: seller,
                assetId: uint64(order.assetId),
                mode: mode,
                buyer: buyer,
                licenseId: 0,
                exchange: msg.sender,
                at: uint40(block.timestamp),
                currency: order.currency,
                price: order.price,
                exchangeRefHash: exchangeRefHash
            })
        );
    }

    /// @notice The listing exchange records the sale of a licence already granted on an asset it
    ///         lists. The seller is the licensor (holder, or parent licensee), the buyer the
    ///         licensee; they must be different organisations.
    /// @param licenseId The licence sold.
    /// @param price Price in minor units.
    /// @param currency ISO 4217 code.
    /// @param mode A DeliveryMode value.
    /// @param exchangeRefHash Hash of the exchange's own trade reference.
    /// @return tradeId The trade record.
    function tradeLicense(uint256 licenseId, uint128 price, bytes3 currency, uint8 mode, bytes32 exchangeRefHash)
        external
        restricted
        returns (uint256 tradeId)
    {
        if (currency == bytes3(0)) revert ZeroHash(Field.Currency);
        ILicenseRegistry licenses = registry.licenses();
        (uint256 assetId, address seller, address buyer) = licenses.partiesOf(licenseId);
        _checkTradeInput(assetId, mode, exchangeRefHash);
        if (!licenses.isInForce(licenseId)) revert LicenseNotInForce(licenseId);
        Listing storage l = _listings[assetId];
        if (l.exchange != msg.sender || l.holder != registry.ownerOf(assetId)) revert NotListedHere(assetId, msg.sender);
        _requireArmsLength(seller, buyer);
        tradeId = _recordTrade(
            Trade({
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
            })
        );
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────

    /// @notice The EIP-712 digest a holder signs for a sell order.
    /// @param order The order.
    /// @return The digest.
    function orderDigest(SellOrder calldata order) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    SELL_ORDER_TYPEHASH,
                    order.assetId,
                    order.exchange,
                    order.buyer,
                    order.price,
                    order.currency,
                    order.deadline,
                    order.nonce
                )
            )
        );
    }

    /// @notice Whether `holder` placed the order with this digest on chain.
    /// @param holder The holder.
    /// @param orderHash The order's digest.
    /// @return True if placed.
    function isPlaced(address holder, bytes32 orderHash) external view returns (bool) {
        return _placed[holder][orderHash];
    }

    /// @notice The listing of an asset as recorded (it lapsed if `holder` is not the holder now).
    /// @param assetId The asset.
    /// @return The listing (exchange zero if none).
    function listingOf(uint256 assetId) external view returns (Listing memory) {
        return _listings[assetId];
    }

    /// @notice Whether the asset is listed now: a listing made by its current holder.
    /// @param assetId The asset.
    /// @return exchange The listing exchange, or zero if none is live.
    function liveListingOf(uint256 assetId) external view returns (address exchange) {
        Listing storage l = _listings[assetId];
        if (l.exchange != address(0) && l.holder == registry.registeredHolderOf(assetId)) return l.exchange;
        return address(0);
    }

    /// @notice A trade record.
    /// @param tradeId The trade.
    /// @return The record (seller zero for an unknown id).
    function tradeOf(uint256 tradeId) external view returns (Trade memory) {
        return _trades[tradeId];
    }

    /// @notice The id the next trade will get.
    /// @return The id.
    function nextTradeId() external view returns (uint256) {
        return _nextTradeId;
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────

    function _checkOrder(SellOrder calldata order) private view {
        if (order.exchange == address(0)) revert ZeroAddress(Field.Exchange);
        if (order.currency == bytes3(0)) revert ZeroHash(Field.Currency);
        if (order.deadline < block.timestamp) revert SignatureExpired(order.deadline);
    }

    /// @dev The order names this exchange, is in time, unused, and the holder signed or placed it.
    function _verifyOrder(SellOrder calldata order, bytes calldata signature, address holder) private view returns (bytes32 orderHash) {
        _checkOrder(order);
        if (order.exchange != msg.sender) revert WrongExchange(order.exchange, msg.sender);
        _requireUnused(holder, order.nonce);
        orderHash = orderDigest(order);
        if (signature.length == 0 ? !_placed[holder][orderHash] : !SignatureChecker.isValidSignatureNow(holder, orderHash, signature)) {
            revert InvalidSignature();
        }
    }

    function _requireArmsLength(address seller, address buyer) private view {
        if (seller == buyer) revert SelfTrade(seller);
        bytes32 org = members.orgOf(seller);
        if (org != bytes32(0) && org == members.orgOf(buyer)) revert SameOrganisation(org);
    }

    function _checkTradeInput(uint256 assetId, uint8 mode, bytes32 exchangeRefHash) private view {
        if (mode > uint8(DeliveryMode.Sandbox)) revert OutOfRange(Field.Mode, mode);
        if (exchangeRefHash == bytes32(0)) revert ZeroHash(Field.ExchangeRefHash);
        if (mode == uint8(DeliveryMode.Sandbox) && !registry.compliance().isSandboxApproved(assetId)) {
            revert SandboxNotApproved(assetId);
        }
    }

    /// @dev Checks a holding sale on an order and uses up its nonce; returns the seller.
    function _takeOrder(SellOrder calldata order, bytes calldata signature, address buyer, uint8 mode, bytes32 exchangeRefHash)
        private
        returns (address seller)
    {
        uint256 assetId = order.assetId;
        _checkTradeInput(assetId, mode, exchangeRefHash);
        if (order.buyer != address(0) && order.buyer != buyer) revert WrongBuyer(order.buyer, buyer);
        seller = registry.ownerOf(assetId);
        _requireArmsLength(seller, buyer);
        _verifyOrder(order, signature, seller);
        _useNonce(seller, order.nonce);
        Listing storage l = _listings[assetId];
        address listedBy = l.exchange;
        if (listedBy != address(0)) {
            // A live listing (made by the current holder) binds the asset to its exchange.
            if (l.holder == seller && listedBy != msg.sender) revert NotListedHere(assetId, msg.sender);
            delete _listings[assetId];
            emit Delisted(assetId, listedBy, msg.sender, exchangeRefHash);
        }
    }

    /// @dev Seller ≠ buyer and different organisations are checked before; a first trade needs a price.
    function _recordTrade(Trade memory t) private returns (uint256 tradeId) {
        tradeId = _nextTradeId++;
        _trades[tradeId] = t;
        emit TradeRecorded(
            tradeId, t.assetId, msg.sender, t.seller, t.buyer, t.licenseId, t.price, t.currency, DeliveryMode(t.mode), t.exchangeRefHash
        );
        if (t.price != 0) milestones.recordAutomatic(t.assetId, Milestone.Trade, msg.sender, t.seller, t.exchangeRefHash);
    }
}
