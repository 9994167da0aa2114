// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {SignedNonces} from "../access/SignedNonces.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {ILicenseRegistry} from "../interfaces/ILicenseRegistry.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {AssetStatus, Field, Rights, SecurityGrade, Territory} from "../common/DataTypes.sol";

/// @title LicenseRegistry
/// @notice Licences (许可) of the processing-use and product-operation rights. The holder
///         grants directly or signs an EIP-712 offer that the licensee accepts on chain; a
///         sublicensable licensee may sublicense within its own rights, term and territory.
///         A sale does not break a licence (买卖不破租赁): a licence binds every later holder,
///         and only a licence granted as revocable can be revoked by its licensor alone;
///         otherwise it takes the licensee's signed consent or a court.
/// @dev In force: not revoked or ended, within its term, the asset registered and not graded
///      core, a cross-border licence's recipient cleared, and every parent in force. Chains are
///      at most MAX_DEPTH deep, so every walk is bounded. The registry counts open licences
///      per asset (granted, not yet revoked or ended): a holder cannot cancel while any is
///      open, and a court's cancellation ends each, with an event.
contract LicenseRegistry is ILicenseRegistry, LedgerAccess, EIP712, SignedNonces {
    struct License {
        // slot 1
        address licensee;
        uint8 rights; // Rights.PROCESSING | Rights.OPERATION
        uint8 flags; // FLAG_* in bits 0-4 and 7, depth in bits 5-6
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
        bool revocable; // the licensor may revoke it alone
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

    /// @notice A licence's state now, as `stateOf` reports it (the API's licence state).
    enum LicenseState {
        None,
        Active,
        NotStarted,
        Expired,
        Revoked,
        Ended, // closed after it lapsed, or ended by the asset's cancellation
        AssetNotRegistered,
        Suspended, // the asset is graded core, or a cross-border licensee's clearance is gone
        ParentNotInForce
    }

    /// @notice Why a licence ended.
    enum EndCause {
        Lapsed, // its term or its parent's ended; closed by anyone
        AssetCancelled // a court order or a ruling cancelled the asset
    }

    uint8 private constant FLAG_CROSS_BORDER = 1;
    uint8 private constant FLAG_SUBLICENSABLE = 2;
    uint8 private constant FLAG_REVOKED = 4;
    uint8 private constant FLAG_REVOCABLE = 8;
    uint8 private constant FLAG_ENDED = 16;
    uint8 private constant FLAG_CLOSED = FLAG_REVOKED | FLAG_ENDED;
    uint8 private constant DEPTH_SHIFT = 5; // depth in bits 5-6
    uint8 private constant FLAG_NEEDS_CLEARANCE = 128; // cross-border, or a foreign licensee

    /// @notice Deepest sublicence chain: a holder's licence is depth 0.
    uint8 public constant MAX_DEPTH = 3;
    /// @notice Most licences one `close` or `endForCancellation` call handles.
    uint256 public constant MAX_IDS = 200;

    bytes32 public constant TERMS_TYPEHASH = keccak256(
        "Terms(address licensee,uint8 rights,uint8 territory,uint32 start,uint32 end,bool sublicensable,bool revocable,bytes32 scopeHash,bytes32 termsHash,uint96 feeAmount,bytes3 feeCurrency)"
    );
    bytes32 public constant OFFER_TYPEHASH = keccak256(
        "Offer(uint256 assetId,Terms terms,uint256 nonce,uint256 deadline)Terms(address licensee,uint8 rights,uint8 territory,uint32 start,uint32 end,bool sublicensable,bool revocable,bytes32 scopeHash,bytes32 termsHash,uint96 feeAmount,bytes3 feeCurrency)"
    );
    bytes32 public constant CONSENT_TYPEHASH =
        keccak256("RevocationConsent(uint256 licenseId,bytes32 reasonHash,uint256 deadline)");

    IDataAssetRegistry public immutable registry;

    uint256 private _nextLicenseId = 1;
    mapping(uint256 licenseId => License) private _licenses;

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
    /// @notice A licence was revoked: by its licensor (revocable, or with the licensee's
    ///         consent), by the licensee surrendering it, or by a court.
    event LicenseRevoked(
        uint256 indexed licenseId, uint256 indexed assetId, address indexed by, bytes32 reasonHash, bool byCourt, bool withConsent
    );
    /// @notice A licence ended: it lapsed and was closed, or its asset was cancelled by a court or a ruling.
    event LicenseEnded(uint256 indexed licenseId, uint256 indexed assetId, bytes32 caseHash, EndCause cause);

    error RightsNotHeld(uint8 requested, uint8 available);
    error TermExceedsLicensor(uint32 start, uint32 end, uint32 licensorStart, uint32 licensorEnd);
    error TerritoryExceedsLicensor();
    error NotSublicensable(uint256 parentId);
    error NotLicensee(uint256 licenseId, address account);
    error LicenseNotInForce(uint256 licenseId);
    error DepthExceeded(uint8 depth);
    error NotLicensor(uint256 licenseId, address account);
    error NotRevocable(uint256 licenseId);
    error AlreadyRevoked(uint256 licenseId);
    error AlreadyEnded(uint256 licenseId);
    error NotLapsed(uint256 licenseId);
    error WrongAsset(uint256 licenseId, uint256 assetId);
    error NotOfferee(address licensee, address caller);
    error SelfLicense(address account);

    constructor(address manager, IDataAssetRegistry registry_)
        LedgerAccess(manager)
        EIP712("DRL LicenseRegistry", "1")
    {
        if (address(registry_) == address(0)) revert ZeroAddress(Field.Registry);
        registry = registry_;
    }

    // ─── Granting ────────────────────────────────────────────────────────────────────────

    /// @notice The holder grants a licence directly.
    /// @param assetId The licensed asset.
    /// @param terms The licence terms; `licensee` must be an active member.
    /// @return licenseId The new licence.
    function grant(uint256 assetId, Terms calldata terms) external whenOpen returns (uint256 licenseId) {
        return _grantRoot(assetId, msg.sender, terms, false);
    }

    /// @notice The licensee accepts a licence offer signed by the current holder (EIP-712,
    ///         EIP-1271 for contract holders). Each nonce works once; the deadline and chain id bind it.
    /// @param offer The signed offer; `offer.terms.licensee` must be the caller.
    /// @param signature The holder's signature over the offer.
    /// @return licenseId The new licence.
    function acceptOffer(Offer calldata offer, bytes calldata signature) external whenOpen returns (uint256 licenseId) {
        if (offer.deadline < block.timestamp) revert SignatureExpired(offer.deadline);
        if (offer.terms.licensee != msg.sender) revert NotOfferee(offer.terms.licensee, msg.sender);
        address holder = registry.ownerOf(offer.assetId);
        if (!SignatureChecker.isValidSignatureNow(holder, offerDigest(offer), signature)) revert InvalidSignature();
        _useNonce(holder, offer.nonce);
        return _grantRoot(offer.assetId, holder, offer.terms, true);
    }

    /// @inheritdoc SignedNonces
    function cancelNonce(uint256 nonce) external override whenOpen {
        _cancelNonce(msg.sender, nonce);
    }

    /// @notice A sublicensable licensee grants a sublicence within its own rights, term and territory.
    /// @param parentId The caller's licence.
    /// @param terms The sublicence terms.
    /// @return licenseId The new licence.
    function sublicense(uint256 parentId, Terms calldata terms) external whenOpen returns (uint256 licenseId) {
        License storage parent = _licenses[parentId];
        if (!_actsFor(parent.licensee)) revert NotLicensee(parentId, msg.sender);
        if (!_inForce(parentId)) revert LicenseNotInForce(parentId);
        uint8 pflags = parent.flags;
        if (pflags & FLAG_SUBLICENSABLE == 0) revert NotSublicensable(parentId);
        uint8 depth = ((pflags >> DEPTH_SHIFT) & 3) + 1;
        if (depth > MAX_DEPTH) revert DepthExceeded(depth);
        _validate(terms, msg.sender);
        uint256 assetId = parent.assetId;
        (,,, bool clearanceNeeded) =
            registry.openLicense(assetId, msg.sender, terms.licensee, terms.rights, Territory(terms.territory), true);
        _requireWithin(terms, parent.rights, parent.start, parent.end);
        if (terms.territory == uint8(Territory.CrossBorder) && pflags & FLAG_CROSS_BORDER == 0) {
            revert TerritoryExceedsLicensor();
        }
        licenseId = _store(assetId, parentId, depth, terms, clearanceNeeded);
        emit LicenseGranted(licenseId, assetId, terms.licensee, msg.sender, parentId, terms, false);
    }

    // ─── Ending ──────────────────────────────────────────────────────────────────────────

    /// @notice The licensor revokes a licence granted as revocable: the current holder for a
    ///         holder's licence, the parent licensee for a sublicence.
    /// @param licenseId The licence.
    /// @param reasonHash Hash of the reasons.
    function revoke(uint256 licenseId, bytes32 reasonHash) external whenOpen {
        License storage l = _asLicensor(licenseId);
        if (l.flags & FLAG_REVOCABLE == 0) revert NotRevocable(licenseId);
        _revoke(licenseId, l, reasonHash, false, false);
    }

    /// @notice The licensor revokes a licence with the licensee's signed consent (EIP-712
    ///         `RevocationConsent`, EIP-1271 for a contract licensee).
    /// @param licenseId The licence.
    /// @param reasonHash Hash of the reasons, as the licensee signed it.
    /// @param deadline Last second the consent may be used.
    /// @param signature The licensee's signature.
    function revokeWithConsent(uint256 licenseId, bytes32 reasonHash, uint256 deadline, bytes calldata signature)
        external
        whenOpen
    {
        License storage l = _asLicensor(licenseId);
        if (deadline < block.timestamp) revert SignatureExpired(deadline);
        // The licensee's organisation signs with the account it acts through now.
        address signer = registry.members().currentAccountOf(l.licensee);
        if (!SignatureChecker.isValidSignatureNow(signer, consentDigest(licenseId, reasonHash, deadline), signature)) {
            revert InvalidSignature();
        }
        _revoke(licenseId, l, reasonHash, false, true);
    }

    /// @notice The licensee gives up its licence.
    /// @param licenseId The licence.
    /// @param reasonHash Hash of the reasons.
    function surrender(uint256 licenseId, bytes32 reasonHash) external whenOpen {
        License storage l = _known(licenseId);
        if (!_actsFor(l.licensee)) revert NotLicensee(licenseId, msg.sender);
        _revoke(licenseId, l, reasonHash, false, true);
    }

    /// @notice A court revokes a licence.
    /// @param licenseId The licence.
    /// @param caseHash Hash of the order.
    function courtRevoke(uint256 licenseId, bytes32 caseHash) external restricted {
        _revoke(licenseId, _known(licenseId), caseHash, true, false);
    }

    /// @notice Closes licences that lapsed for good (their term or a parent's ended, or a parent
    ///         was revoked), so that they no longer count as open. Anyone may call.
    /// @param licenseIds The licences, at most MAX_IDS.
    function close(uint256[] calldata licenseIds) external whenOpen {
        uint256 n = licenseIds.length;
        if (n == 0 || n > MAX_IDS) revert OutOfRange(Field.LicenseIds, n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = licenseIds[i];
            License storage l = _open(id);
            if (!_lapsed(l)) revert NotLapsed(id);
            l.flags |= FLAG_ENDED;
            registry.closeLicenses(l.assetId, 1);
            emit LicenseEnded(id, l.assetId, bytes32(0), EndCause.Lapsed);
        }
    }

    /// @notice DisputeResolution: a court order or a ruling cancels the asset; each of its open
    ///         licences ends, with an event. The registry refuses the cancellation while any
    ///         stays open, so the list must be complete.
    /// @param assetId The asset being cancelled.
    /// @param licenseIds Its open licences, at most MAX_IDS.
    /// @param caseHash Hash of the order or ruling.
    function endForCancellation(uint256 assetId, uint256[] calldata licenseIds, bytes32 caseHash) external onlyModule(Roles.DISPUTES_MODULE) {
        uint256 n = licenseIds.length;
        if (n > MAX_IDS) revert OutOfRange(Field.LicenseIds, n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 id = licenseIds[i];
            License storage l = _open(id);
            if (l.assetId != assetId) revert WrongAsset(id, assetId);
            l.flags |= FLAG_ENDED;
            emit LicenseEnded(id, assetId, caseHash, EndCause.AssetCancelled);
        }
        if (n != 0) registry.closeLicenses(assetId, uint16(n));
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────

    /// @notice Whether a licence is in force now (see `stateOf`).
    /// @param licenseId The licence.
    /// @return True when `stateOf` is Active.
    function isInForce(uint256 licenseId) external view returns (bool) {
        return _inForce(licenseId);
    }

    /// @notice A licence's state now: why it is or is not in force.
    /// @param licenseId The licence.
    /// @return The state (None for an unknown id).
    function stateOf(uint256 licenseId) public view returns (LicenseState) {
        License storage l = _licenses[licenseId];
        if (l.licensee == address(0)) return LicenseState.None;
        uint8 f = l.flags;
        if (f & FLAG_REVOKED != 0) return LicenseState.Revoked;
        if (f & FLAG_ENDED != 0) return LicenseState.Ended;
        if (block.timestamp < l.start) return LicenseState.NotStarted;
        if (block.timestamp > l.end) return LicenseState.Expired;
        uint256 assetId = l.assetId;
        (AssetStatus status, SecurityGrade grade) = registry.statusAndGradeOf(assetId);
        if (status != AssetStatus.Registered) return LicenseState.AssetNotRegistered;
        ICompliance compliance = registry.compliance();
        if (grade == SecurityGrade.Core || !_cleared(compliance, assetId, l)) return LicenseState.Suspended;
        for (uint256 p = l.parentId; p != 0;) {
            License storage q = _licenses[p];
            if (q.flags & FLAG_CLOSED != 0 || block.timestamp < q.start || block.timestamp > q.end || !_cleared(compliance, assetId, q)) {
                return LicenseState.ParentNotInForce;
            }
            p = q.parentId;
        }
        return LicenseState.Active;
    }

    /// @inheritdoc ILicenseRegistry
    function grantsRights(uint256 licenseId, uint256 assetId, address licensee, uint8 rights) external view returns (bool) {
        License storage l = _licenses[licenseId];
        if (l.assetId != assetId || l.rights & rights != rights) return false;
        if (l.licensee != licensee && registry.members().currentAccountOf(l.licensee) != licensee) return false;
        return _inForce(licenseId);
    }

    /// @inheritdoc ILicenseRegistry
    function partiesOf(uint256 licenseId) external view returns (uint256 assetId, address licensor, address licensee) {
        License storage l = _licenses[licenseId];
        assetId = l.assetId;
        licensee = l.licensee;
        licensor = l.parentId == 0 ? registry.registeredHolderOf(assetId) : _licenses[l.parentId].licensee;
    }

    /// @notice A licence as stored. `flags`: 1 cross-border territory, 2 sublicensable, 4 revoked,
    ///         8 revocable, 16 ended, 128 needs the licensee's clearance; depth in bits 5-6.
    /// @param licenseId The licence.
    /// @return The record (licensee zero for an unknown id).
    function licenseOf(uint256 licenseId) external view returns (License memory) {
        return _licenses[licenseId];
    }

    /// @notice Whether the scope, terms and fee are the ones the licence was granted with
    ///         (they are in its `LicenseGranted` event; storage keeps their digest).
    /// @param licenseId The licence.
    /// @param scopeHash The scope hash to check.
    /// @param termsHash The terms hash to check.
    /// @param feeAmount The fee to check.
    /// @param feeCurrency The currency to check.
    /// @return True when all four match.
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
    /// @param scopeHash The scope hash.
    /// @param termsHash The terms hash.
    /// @param feeAmount The fee.
    /// @param feeCurrency The currency.
    /// @return The digest.
    function termsDigestOf(bytes32 scopeHash, bytes32 termsHash, uint96 feeAmount, bytes3 feeCurrency)
        public
        pure
        returns (bytes20)
    {
        return bytes20(keccak256(abi.encode(scopeHash, termsHash, feeAmount, feeCurrency)));
    }

    /// @notice The EIP-712 digest a holder signs for `offer`.
    /// @param offer The offer.
    /// @return The digest.
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
                t.revocable,
                t.scopeHash,
                t.termsHash,
                t.feeAmount,
                t.feeCurrency
            )
        );
        return _hashTypedDataV4(keccak256(abi.encode(OFFER_TYPEHASH, offer.assetId, termsStruct, offer.nonce, offer.deadline)));
    }

    /// @notice The EIP-712 digest a licensee signs to consent to its licence's revocation.
    /// @param licenseId The licence.
    /// @param reasonHash Hash of the reasons.
    /// @param deadline Last second the consent may be used.
    /// @return The digest.
    function consentDigest(uint256 licenseId, bytes32 reasonHash, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CONSENT_TYPEHASH, licenseId, reasonHash, deadline)));
    }

    /// @notice The id the next licence will get.
    /// @return The id.
    function nextLicenseId() external view returns (uint256) {
        return _nextLicenseId;
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────

    function _grantRoot(uint256 assetId, address licensor, Terms calldata terms, bool viaOffer)
        private
        returns (uint256 licenseId)
    {
        _validate(terms, licensor);
        (uint8 claimed, uint32 validUntil, uint32 appliedAt, bool clearanceNeeded) =
            registry.openLicense(assetId, licensor, terms.licensee, terms.rights, Territory(terms.territory), false);
        _requireWithin(terms, claimed & Rights.LICENSABLE, appliedAt, validUntil);
        licenseId = _store(assetId, 0, 0, terms, clearanceNeeded);
        emit LicenseGranted(licenseId, assetId, terms.licensee, licensor, 0, terms, viaOffer);
    }

    function _validate(Terms calldata t, address licensor) private view {
        if (t.licensee == address(0)) revert ZeroAddress(Field.Licensee);
        if (t.licensee == licensor) revert SelfLicense(licensor);
        if (t.rights == 0 || t.rights & ~Rights.LICENSABLE != 0) revert OutOfRange(Field.Rights, t.rights);
        if (t.territory > uint8(Territory.CrossBorder)) revert OutOfRange(Field.Territory, t.territory);
        if (t.end <= t.start) revert EndBeforeStart(t.start, t.end);
        if (t.end <= block.timestamp) revert InPast(Field.End, t.end, block.timestamp);
        if (t.scopeHash == bytes32(0)) revert ZeroHash(Field.ScopeHash);
        if (t.termsHash == bytes32(0)) revert ZeroHash(Field.TermsHash);
        if (t.feeCurrency == bytes3(0)) revert ZeroHash(Field.FeeCurrency);
    }

    /// @dev Rights within `available`, term within [start, end]. For a holder's licence `start`
    ///      is the application time: no licence starts before the asset was applied for.
    function _requireWithin(Terms calldata t, uint8 available, uint32 start, uint32 end) private pure {
        if (t.rights & available != t.rights) revert RightsNotHeld(t.rights, available);
        if (t.start < start || t.end > end) revert TermExceedsLicensor(t.start, t.end, start, end);
    }

    function _store(uint256 assetId, uint256 parentId, uint8 depth, Terms calldata t, bool clearanceNeeded)
        private
        returns (uint256 licenseId)
    {
        licenseId = _nextLicenseId++;
        uint8 flags = depth << DEPTH_SHIFT;
        if (clearanceNeeded) flags |= FLAG_NEEDS_CLEARANCE;
        if (t.territory == uint8(Territory.CrossBorder)) flags |= FLAG_CROSS_BORDER;
        if (t.sublicensable) flags |= FLAG_SUBLICENSABLE;
        if (t.revocable) flags |= FLAG_REVOCABLE;
        // Two whole-slot stores: assigning the struct would first read both (fresh) slots to
        // merge the packed fields. Layout: licensee | rights | flags | start | end, then
        // assetId | parentId | termsDigest.
        uint256 slot1 = uint256(uint160(t.licensee)) | (uint256(t.rights) << 160) | (uint256(flags) << 168)
            | (uint256(t.start) << 176) | (uint256(t.end) << 208);
        uint256 slot2 = uint256(uint48(assetId)) | (uint256(uint48(parentId)) << 48)
            | (uint256(uint160(termsDigestOf(t.scopeHash, t.termsHash, t.feeAmount, t.feeCurrency))) << 96);
        License storage l = _licenses[licenseId];
        assembly ("memory-safe") {
            sstore(l.slot, slot1)
            sstore(add(l.slot, 1), slot2)
        }
    }

    /// @dev The licence, if the caller is its licensor now: the holder for a holder's licence,
    ///      the parent licensee for a sublicence.
    function _asLicensor(uint256 licenseId) private view returns (License storage l) {
        l = _known(licenseId);
        bool isLicensor = l.parentId == 0 ? registry.registeredHolderOf(l.assetId) == msg.sender : _actsFor(_licenses[l.parentId].licensee);
        if (!isLicensor) revert NotLicensor(licenseId, msg.sender);
    }

    function _revoke(uint256 licenseId, License storage l, bytes32 reasonHash, bool byCourt, bool withConsent) private {
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        if (l.flags & FLAG_REVOKED != 0) revert AlreadyRevoked(licenseId);
        if (l.flags & FLAG_ENDED != 0) revert AlreadyEnded(licenseId);
        l.flags |= FLAG_REVOKED;
        registry.closeLicenses(l.assetId, 1);
        emit LicenseRevoked(licenseId, l.assetId, msg.sender, reasonHash, byCourt, withConsent);
    }

    /// @dev Whether the caller is `licensee`, or the account its organisation acts through after a key rotation.
    function _actsFor(address licensee) private view returns (bool) {
        return licensee == msg.sender || registry.members().currentAccountOf(licensee) == msg.sender;
    }

    function _known(uint256 licenseId) private view returns (License storage l) {
        l = _licenses[licenseId];
        if (l.licensee == address(0)) revert UnknownId(Field.LicenseId, licenseId);
    }

    /// @dev A licence that still counts as open (not revoked, not ended).
    function _open(uint256 licenseId) private view returns (License storage l) {
        l = _known(licenseId);
        if (l.flags & FLAG_REVOKED != 0) revert AlreadyRevoked(licenseId);
        if (l.flags & FLAG_ENDED != 0) revert AlreadyEnded(licenseId);
    }

    /// @dev Out of force for good: its term, or a parent's, has ended, or a parent was revoked
    ///      or ended. A suspension (core grade, clearance) is not for good. Walks at most MAX_DEPTH.
    function _lapsed(License storage l) private view returns (bool) {
        if (block.timestamp > l.end) return true;
        for (uint256 p = l.parentId; p != 0;) {
            License storage q = _licenses[p];
            if (q.flags & FLAG_CLOSED != 0 || block.timestamp > q.end) return true;
            p = q.parentId;
        }
        return false;
    }

    function _inForce(uint256 licenseId) private view returns (bool) {
        return stateOf(licenseId) == LicenseState.Active;
    }

    /// @dev A licence that takes the data abroad (cross-border, or to a foreign licensee) stays
    ///      in force only while the clearance keyed to its licensee does.
    function _cleared(ICompliance compliance, uint256 assetId, License storage l) private view returns (bool) {
        if (l.flags & FLAG_NEEDS_CLEARANCE == 0) return true;
        return address(compliance) != address(0) && compliance.isCrossBorderCleared(assetId, l.licensee);
    }
}
