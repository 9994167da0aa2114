// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {ILicenseRegistry} from "../interfaces/ILicenseRegistry.sol";
import {AssetStatus, Territory, Rights} from "../common/DataTypes.sol";
import "../common/Errors.sol";

/// @title LicenseRegistry
/// @notice Licences (许可) of the processing-use and product-operation rights. The holder
///         grants directly or signs an EIP-712 offer that the licensee accepts on chain; a
///         sublicensable licensee may sublicense within its own rights, term and territory.
/// @dev A licence is in force while it is not revoked, its term has begun and not ended, the
///      asset is registered, and (for a sublicence) its parent is in force. Chains are at most
///      MAX_DEPTH deep, so that check is bounded.
contract LicenseRegistry is ILicenseRegistry, LedgerAccess, EIP712 {
    struct License {
        // slot 1
        address licensee;
        uint8 rights; // Rights.PROCESSING | Rights.OPERATION
        uint8 flags; // FLAG_*
        uint32 start;
        uint32 end;
        // slot 2
        uint48 assetId;
        uint48 parentId; // 0 for a licence granted by the holder
        bytes20 termsDigest; // see termsDigestOf: scope, terms and fee, as granted
    }

    /// @notice What a licensor states; enum-typed fields are uint8 for custom range errors.
    struct Terms {
        address licensee;
        uint8 rights;
        uint8 territory; // Territory
        uint32 start;
        uint32 end;
        bool sublicensable;
        bytes32 scopeHash;
        bytes32 termsHash;
        uint96 feeAmount;
        bytes3 feeCurrency;
    }

    /// @notice A holder's signed offer of a licence.
    struct Offer {
        uint256 assetId;
        Terms terms;
        uint256 nonce;
        uint256 deadline;
    }

    uint8 private constant FLAG_CROSS_BORDER = 1;
    uint8 private constant FLAG_SUBLICENSABLE = 2;
    uint8 private constant FLAG_REVOKED = 4;
    uint8 private constant DEPTH_SHIFT = 4; // depth in the high nibble

    /// @notice Deepest sublicence chain: a holder's licence is depth 0.
    uint8 public constant MAX_DEPTH = 3;

    bytes32 public constant TERMS_TYPEHASH = keccak256(
        "Terms(address licensee,uint8 rights,uint8 territory,uint32 start,uint32 end,bool sublicensable,bytes32 scopeHash,bytes32 termsHash,uint96 feeAmount,bytes3 feeCurrency)"
    );
    bytes32 public constant OFFER_TYPEHASH = keccak256(
        "Offer(uint256 assetId,Terms terms,uint256 nonce,uint256 deadline)Terms(address licensee,uint8 rights,uint8 territory,uint32 start,uint32 end,bool sublicensable,bytes32 scopeHash,bytes32 termsHash,uint96 feeAmount,bytes3 feeCurrency)"
    );

    IDataAssetRegistry public immutable registry;

    uint256 private _nextLicenseId = 1;
    mapping(uint256 licenseId => License) private _licenses;
    mapping(address signer => mapping(uint256 nonce => bool)) private _usedNonces;

    /// @notice A licence was granted. `licensor` is the holder, or the parent licensee for a sublicence.
    event LicenseGranted(
        uint256 indexed licenseId,
        uint256 indexed assetId,
        address indexed licensee,
        address licensor,
        uint256 parentId,
        Terms terms,
        bool viaOffer
    );
    /// @notice A licence was revoked by its licensor or a court.
    event LicenseRevoked(uint256 indexed licenseId, uint256 indexed assetId, address indexed by, bytes32 reasonHash, bool byCourt);
    /// @notice A signer cancelled an unused offer nonce.
    event OfferNonceCancelled(address indexed signer, uint256 nonce);

    error RightsNotHeld(uint8 requested, uint8 available);
    error TermExceedsLicensor(uint32 start, uint32 end, uint32 licensorStart, uint32 licensorEnd);
    error TerritoryExceedsLicensor();
    error NotSublicensable(uint256 parentId);
    error NotLicensee(uint256 licenseId, address account);
    error LicenseNotInForce(uint256 licenseId);
    error DepthExceeded(uint8 depth);
    error NotLicensor(uint256 licenseId, address account);
    error AlreadyRevoked(uint256 licenseId);
    error OfferExpired(uint256 deadline);
    error NonceUsed(address signer, uint256 nonce);
    error InvalidSignature();
    error NotOfferee(address licensee, address caller);

    constructor(address manager, IDataAssetRegistry registry_)
        LedgerAccess(manager)
        EIP712("DRL LicenseRegistry", "1")
    {
        if (address(registry_) == address(0)) revert ZeroAddress("registry");
        registry = registry_;
    }

    /// @notice The holder grants a licence directly.
    /// @param assetId The licensed asset.
    /// @param terms The licence terms; `licensee` must be an active member.
    /// @return licenseId The new licence.
    function grant(uint256 assetId, Terms calldata terms) external returns (uint256 licenseId) {
        return _grantRoot(assetId, msg.sender, terms, false);
    }

    /// @notice The licensee accepts a licence offer signed by the current holder (EIP-712,
    ///         EIP-1271 for contract holders). Each nonce works once; the deadline and chain id bind it.
    /// @param offer The signed offer; `offer.terms.licensee` must be the caller.
    /// @param signature The holder's signature over the offer.
    /// @return licenseId The new licence.
    function acceptOffer(Offer calldata offer, bytes calldata signature) external returns (uint256 licenseId) {
        if (offer.deadline < block.timestamp) revert OfferExpired(offer.deadline);
        if (offer.terms.licensee != msg.sender) revert NotOfferee(offer.terms.licensee, msg.sender);
        address holder = registry.ownerOf(offer.assetId);
        if (!SignatureChecker.isValidSignatureNow(holder, offerDigest(offer), signature)) revert InvalidSignature();
        if (_usedNonces[holder][offer.nonce]) revert NonceUsed(holder, offer.nonce);
        _usedNonces[holder][offer.nonce] = true;
        return _grantRoot(offer.assetId, holder, offer.terms, true);
    }

    /// @notice Cancels an offer nonce the caller signed, so that the offer cannot be accepted.
    /// @param nonce The nonce to burn.
    function cancelOfferNonce(uint256 nonce) external {
        if (_usedNonces[msg.sender][nonce]) revert NonceUsed(msg.sender, nonce);
        _usedNonces[msg.sender][nonce] = true;
        emit OfferNonceCancelled(msg.sender, nonce);
    }

    /// @notice A sublicensable licensee grants a sublicence within its own rights, term and territory.
    /// @param parentId The caller's licence.
    /// @param terms The sublicence terms.
    /// @return licenseId The new licence.
    function sublicense(uint256 parentId, Terms calldata terms) external returns (uint256 licenseId) {
        License storage parent = _licenses[parentId];
        if (parent.licensee != msg.sender) revert NotLicensee(parentId, msg.sender);
        if (!_inForce(parentId)) revert LicenseNotInForce(parentId);
        uint8 pflags = parent.flags;
        if (pflags & FLAG_SUBLICENSABLE == 0) revert NotSublicensable(parentId);
        uint8 depth = (pflags >> DEPTH_SHIFT) + 1;
        if (depth > MAX_DEPTH) revert DepthExceeded(depth);
        _validate(terms);
        uint256 assetId = parent.assetId;
        registry.requireLicensable(assetId, msg.sender, terms.licensee, Territory(terms.territory), true);
        _requireWithin(terms, parent.rights, parent.start, parent.end);
        if (terms.territory == uint8(Territory.CrossBorder) && pflags & FLAG_CROSS_BORDER == 0) {
            revert TerritoryExceedsLicensor();
        }
        licenseId = _store(assetId, parentId, depth, terms);
        emit LicenseGranted(licenseId, assetId, terms.licensee, msg.sender, parentId, terms, false);
    }

    /// @notice The licensor revokes a licence: the current holder for a holder's licence, the
    ///         parent licensee for a sublicence. Sublicences below it stop being in force.
    /// @param licenseId The licence.
    /// @param reasonHash Hash of the reasons.
    function revoke(uint256 licenseId, bytes32 reasonHash) external {
        License storage l = _known(licenseId);
        address licensor = l.parentId == 0 ? registry.ownerOf(l.assetId) : _licenses[l.parentId].licensee;
        if (licensor != msg.sender) revert NotLicensor(licenseId, msg.sender);
        _revoke(licenseId, l, reasonHash, false);
    }

    /// @notice A court revokes a licence.
    /// @param licenseId The licence.
    /// @param caseHash Hash of the order.
    function courtRevoke(uint256 licenseId, bytes32 caseHash) external onlyRole(Roles.COURT) {
        _revoke(licenseId, _known(licenseId), caseHash, true);
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────

    /// @notice Whether a licence is in force now (not revoked, within term, asset registered, parents in force).
    function isInForce(uint256 licenseId) external view returns (bool) {
        return _inForce(licenseId);
    }

    /// @inheritdoc ILicenseRegistry
    function grantsRights(uint256 licenseId, uint256 assetId, address licensee, uint8 rights) external view returns (bool) {
        License storage l = _licenses[licenseId];
        return l.assetId == assetId && l.licensee == licensee && l.rights & rights == rights && _inForce(licenseId);
    }

    /// @notice A licence as stored. `flags`: 1 cross-border, 2 sublicensable, 4 revoked; depth in bits 4-7.
    function licenseOf(uint256 licenseId) external view returns (License memory) {
        return _licenses[licenseId];
    }

    /// @notice Whether the scope, terms and fee are the ones the licence was granted with
    ///         (they are in its `LicenseGranted` event; storage keeps their digest).
    function verifyTerms(uint256 licenseId, bytes32 scopeHash, bytes32 termsHash, uint96 feeAmount, bytes3 feeCurrency)
        external
        view
        returns (bool)
    {
        return _licenses[licenseId].termsDigest == termsDigestOf(scopeHash, termsHash, feeAmount, feeCurrency);
    }

    /// @notice The stored digest of a licence's scope, terms and fee: the first 20 bytes of
    ///         keccak256(abi.encode(scopeHash, termsHash, feeAmount, feeCurrency)) (160 bits,
    ///         as strong against a second preimage as an Ethereum address).
    function termsDigestOf(bytes32 scopeHash, bytes32 termsHash, uint96 feeAmount, bytes3 feeCurrency)
        public
        pure
        returns (bytes20)
    {
        return bytes20(keccak256(abi.encode(scopeHash, termsHash, feeAmount, feeCurrency)));
    }

    /// @notice Whether `signer` has used or cancelled `nonce`.
    function nonceUsed(address signer, uint256 nonce) external view returns (bool) {
        return _usedNonces[signer][nonce];
    }

    /// @notice The EIP-712 digest a holder signs for `offer`.
    function offerDigest(Offer calldata offer) public view returns (bytes32) {
        Terms calldata t = offer.terms;
        bytes32 termsStruct = keccak256(
            abi.encode(
                TERMS_TYPEHASH,
                t.licensee,
                t.rights,
                t.territory,
                t.start,
                t.end,
                t.sublicensable,
                t.scopeHash,
                t.termsHash,
                t.feeAmount,
                t.feeCurrency
            )
        );
        return _hashTypedDataV4(keccak256(abi.encode(OFFER_TYPEHASH, offer.assetId, termsStruct, offer.nonce, offer.deadline)));
    }

    /// @notice The id the next licence will get.
    function nextLicenseId() external view returns (uint256) {
        return _nextLicenseId;
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────

    function _grantRoot(uint256 assetId, address licensor, Terms calldata terms, bool viaOffer)
        private
        returns (uint256 licenseId)
    {
        _validate(terms);
        (uint8 assetRights, uint32 validUntil) =
            registry.requireLicensable(assetId, licensor, terms.licensee, Territory(terms.territory), false);
        _requireWithin(terms, assetRights & Rights.LICENSABLE, 0, validUntil);
        licenseId = _store(assetId, 0, 0, terms);
        emit LicenseGranted(licenseId, assetId, terms.licensee, licensor, 0, terms, viaOffer);
    }

    function _validate(Terms calldata t) private view {
        if (t.licensee == address(0)) revert ZeroAddress("licensee");
        if (t.rights == 0 || t.rights & ~Rights.LICENSABLE != 0) revert OutOfRange("rights", t.rights);
        if (t.territory > uint8(Territory.CrossBorder)) revert OutOfRange("territory", t.territory);
        if (t.end <= t.start) revert EndBeforeStart(t.start, t.end);
        if (t.end <= block.timestamp) revert InPast("end", t.end, block.timestamp);
        if (t.scopeHash == bytes32(0)) revert ZeroHash("scopeHash");
        if (t.termsHash == bytes32(0)) revert ZeroHash("termsHash");
        if (t.feeCurrency == bytes3(0)) revert ZeroHash("feeCurrency");
    }

    function _requireWithin(Terms calldata t, uint8 available, uint32 start, uint32 end) private pure {
        if (t.rights & available != t.rights) revert RightsNotHeld(t.rights, available);
        if (t.start < start || t.end > end) revert TermExceedsLicensor(t.start, t.end, start, end);
    }

    function _store(uint256 assetId, uint256 parentId, uint8 depth, Terms calldata t) private returns (uint256 licenseId) {
        licenseId = _nextLicenseId++;
        uint8 flags = depth << DEPTH_SHIFT;
        if (t.territory == uint8(Territory.CrossBorder)) flags |= FLAG_CROSS_BORDER;
        if (t.sublicensable) flags |= FLAG_SUBLICENSABLE;
        _licenses[licenseId] = License({
            licensee: t.licensee,
            rights: t.rights,
            flags: flags,
            start: t.start,
            end: t.end,
            assetId: uint48(assetId),
            parentId: uint48(parentId),
            termsDigest: termsDigestOf(t.scopeHash, t.termsHash, t.feeAmount, t.feeCurrency)
        });
    }

    function _revoke(uint256 licenseId, License storage l, bytes32 reasonHash, bool byCourt) private {
        if (reasonHash == bytes32(0)) revert ZeroHash("reasonHash");
        if (l.flags & FLAG_REVOKED != 0) revert AlreadyRevoked(licenseId);
        l.flags |= FLAG_REVOKED;
        emit LicenseRevoked(licenseId, l.assetId, msg.sender, reasonHash, byCourt);
    }

    function _known(uint256 licenseId) private view returns (License storage l) {
        l = _licenses[licenseId];
        if (l.licensee == address(0)) revert UnknownId("licenseId", licenseId);
    }

    /// @dev Walks at most MAX_DEPTH parents.
    function _inForce(uint256 licenseId) private view returns (bool inForce) {
        License storage l = _licenses[licenseId];
        if (l.licensee == address(0)) return false;
        if (registry.statusOf(l.assetId) != AssetStatus.Registered) return false;
        while (true) {
            if (l.flags & FLAG_REVOKED != 0) return false;
            if (block.timestamp < l.start || block.timestamp > l.end) return false;
            if (l.parentId == 0) return true;
            l = _licenses[l.parentId];
        }
    }
}
