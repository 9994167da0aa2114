// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {ILicenseRegistry} from "../interfaces/ILicenseRegistry.sol";
import {RegistrationNumber} from "./RegistrationNumber.sol";
import "../common/DataTypes.sol";
import "../common/Errors.sol";

/// @title DataAssetRegistry
/// @notice One ERC-721 token per registration unit (a data resource or data product). Whoever
///         holds the token holds the holding right. Runs the registration workflow (apply →
///         accept/refuse → publicity → confirm), later changes, corrections, renewals and
///         cancellations, and enforces every rule on a change of holder.
/// @dev Storage is packed into two slots per asset plus the metadata hash; descriptive fields
///      that no rule reads after application (source type, source evidence, parents,
///      personal-information status, metadata URI) live in the `AssetApplied` event, which is
///      on chain and is what the indexer and certificates read. Every pre-trade view and the
///      state change it predicts go through `_reason`.
contract DataAssetRegistry is ERC721, IERC4906, LedgerAccess {
    // ─── Types ───────────────────────────────────────────────────────────────────────────

    /// @notice What an applicant submits. Enum-typed fields are uint8 so that an out-of-range
    ///         value gets a custom error instead of an ABI-decoder panic.
    struct Application {
        uint8 kind; // AssetKind
        uint8 productForm; // ProductForm: None for a resource, anything else for a product
        uint8 category; // DataCategory
        uint8 rights; // Rights bit set, 1..7
        uint8 sourceType; // SourceType
        uint8 grade; // SecurityGrade
        uint8 personalInfo; // PersonalInfo
        uint32 validUntil; // unix seconds; at most MAX_VALIDITY after application
        bytes32 sourceEvidenceHash; // authorisation letter, purchase contract, collection log...
        bytes32 contentHash; // the dataset fingerprint (存证)
        bytes32 metadataHash; // hash of the off-chain metadata document
        string metadataUri;
        uint256[] parents; // registered assets this one is derived from
        uint256[] parentLicenses; // per parent: 0 if the applicant holds it, else a processing-use licence id
    }

    /// @dev Slot A: everything a transfer check reads.
    struct Record {
        address holder; // the applicant until confirmation, then the token holder
        AssetStatus status;
        SecurityGrade grade;
        uint8 rights;
        uint8 flags; // FLAG_* in bits 0-2, DataCategory in bits 4-5
        uint32 validUntil;
        uint32 publicityEnd;
    }

    // Slot B is `Registration` (common/DataTypes.sol): registration facts and counters.

    /// @dev Content-hash index: the id holding a fingerprint and when it was deposited.
    struct Deposit {
        uint64 assetId;
        uint40 depositedAt;
    }

    // ─── Constants and immutables ────────────────────────────────────────────────────────

    uint8 private constant FLAG_FROZEN = 1;
    uint8 private constant FLAG_PLEDGED = 2;
    uint8 private constant FLAG_DISPUTED = 4;
    uint8 private constant CATEGORY_SHIFT = 4;

    /// @notice Longest validity a registration or renewal may state (3 years, Beijing's data-IP rules).
    uint256 public constant MAX_VALIDITY = 3 * 365 days;
    /// @notice Shortest and longest publicity windows the registrar may set.
    uint32 public constant MIN_PUBLICITY = 1 days;
    uint32 public constant MAX_PUBLICITY = 90 days;
    /// @notice Most parents a derived asset may name (bounds the check loop).
    uint256 public constant MAX_PARENTS = 16;
    /// @notice Most applications in one `submitBatch` (fits under a 16,777,216 gas transaction cap).
    uint256 public constant MAX_BATCH = 100;

    IMemberRegistry public immutable members;
    /// @notice Six-digit administrative area code of this registry, printed in registration numbers.
    uint32 public immutable areaCode;

    // ─── Storage ─────────────────────────────────────────────────────────────────────────

    ICompliance public compliance;
    ILicenseRegistry public licenses;
    string private _baseTokenURI;
    uint256 private _nextId = 1;

    mapping(uint256 assetId => Record) private _records;
    mapping(uint256 assetId => Registration) private _registrations;
    mapping(uint256 assetId => bytes32) private _metadataHash;
    mapping(uint256 assetId => mapping(uint256 version => bytes32)) private _metadataHistory;
    mapping(bytes32 contentHash => Deposit) private _deposits;
    mapping(address account => uint256) private _holdings;

    // ─── Events ──────────────────────────────────────────────────────────────────────────

    /// @notice An application was filed. Carries every field the applicant stated.
    event AssetApplied(
        uint256 indexed assetId,
        address indexed applicant,
        bytes32 indexed contentHash,
        Application application,
        MemberType registrantType
    );
    /// @notice The registrar accepted an application and opened its publicity window.
    event PublicityStarted(uint256 indexed assetId, address indexed registrar, uint32 publicityEnd);
    /// @notice The registrar refused an application.
    event ApplicationRefused(uint256 indexed assetId, address indexed registrar, bytes32 reasonHash);
    /// @notice The registration was confirmed: the token is minted and the first-registration milestone set.
    event AssetRegistered(
        uint256 indexed assetId,
        address indexed holder,
        address indexed registrar,
        string registrationNumber,
        uint32 confirmedAt,
        uint32 validUntil
    );
    /// @notice The holder changed the metadata; the previous hash stays in `metadataAt`.
    event MetadataChanged(
        uint256 indexed assetId, address indexed by, uint16 version, bytes32 previousHash, bytes32 newHash, string newUri
    );
    /// @notice The registrar corrected the metadata.
    event AssetCorrected(
        uint256 indexed assetId,
        address indexed registrar,
        uint16 version,
        bytes32 previousHash,
        bytes32 newHash,
        string newUri,
        bytes32 reasonHash
    );
    /// @notice The registrar extended the validity.
    event AssetRenewed(uint256 indexed assetId, address indexed registrar, uint32 previousValidUntil, uint32 newValidUntil, bytes32 evidenceHash);
    /// @notice The asset was cancelled (注销) by its holder, the registrar, or an order or ruling.
    event RegistrationCancelled(uint256 indexed assetId, address indexed by, address indexed lastHolder, bytes32 reasonHash);
    /// @notice The open-objection count changed (disputed while it is above zero).
    event DisputeCountChanged(uint256 indexed assetId, uint16 openObjections);
    /// @notice A court froze or unfroze the asset.
    event FrozenChanged(uint256 indexed assetId, bool frozen);
    /// @notice A pledge took effect or ended.
    event PledgedChanged(uint256 indexed assetId, bool pledged);
    /// @notice The regulator set the security grade.
    event GradeChanged(uint256 indexed assetId, SecurityGrade previousGrade, SecurityGrade newGrade);
    /// @notice The holder changed by a court order, a ruling or a pledge enforcement (the
    ///         ERC-721 Transfer event is emitted as well).
    event ForcedTransfer(uint256 indexed assetId, address indexed from, address indexed to, address module, bytes32 caseHash);
    /// @notice The admin wired the compliance and licence modules.
    event ModulesSet(address compliance, address licenses);
    /// @notice The admin changed the base of `tokenURI`.
    event BaseURISet(string baseURI);

    // ─── Errors ──────────────────────────────────────────────────────────────────────────

    error NotActiveMember(address account);
    error CoreDataNotRegistrable();
    error DeidentificationReviewMissing(bytes32 contentHash);
    error ContentAlreadyRegistered(bytes32 contentHash, uint256 existingAssetId);
    error ParentNotRegistered(uint256 parentId);
    error ParentRightsMissing(uint256 parentId, address applicant);
    error SourceParentsMismatch(uint8 sourceType, uint256 parentCount);
    error ProductFormMismatch(uint8 kind, uint8 productForm);
    error BatchTooLarge(uint256 size, uint256 max);
    error WrongStatus(uint256 assetId, AssetStatus status);
    error PublicityNotOver(uint256 assetId, uint32 publicityEnd);
    error ObjectionsOpen(uint256 assetId, uint16 openObjections);
    error NotHolder(uint256 assetId, address account);
    error NotAuthorisedToCancel(uint256 assetId, address account);
    error AssetNotRegistered(uint256 assetId);
    error AssetDisputed(uint256 assetId);
    error AssetFrozen(uint256 assetId);
    error AssetPledged(uint256 assetId);
    error AssetExpired(uint256 assetId, uint32 validUntil);
    error AssetCancelled(uint256 assetId);
    error CoreDataRestricted(uint256 assetId);
    error CrossBorderNotCleared(uint256 assetId, address counterparty);
    error RenewalNotLater(uint32 currentValidUntil, uint32 requested);
    error AlreadyInState(uint256 assetId);
    error ModulesNotSet();

    constructor(address manager, IMemberRegistry memberRegistry, uint32 areaCode_, string memory baseURI)
        ERC721("Data Rights Ledger Registration", "DRL")
        LedgerAccess(manager)
    {
        if (address(memberRegistry) == address(0)) revert ZeroAddress("memberRegistry");
        if (areaCode_ > 999_999) revert OutOfRange("areaCode", areaCode_);
        members = memberRegistry;
        areaCode = areaCode_;
        _baseTokenURI = baseURI;
    }

    // ─── Configuration (admin, with the manager's execution delay) ───────────────────────

    /// @notice Wires the compliance and licence modules the registry consults.
    /// @param compliance_ The ComplianceRegistry.
    /// @param licenses_ The LicenseRegistry.
    function setModules(ICompliance compliance_, ILicenseRegistry licenses_) external restricted {
        if (address(compliance_) == address(0)) revert ZeroAddress("compliance");
        if (address(licenses_) == address(0)) revert ZeroAddress("licenses");
        compliance = compliance_;
        licenses = licenses_;
        emit ModulesSet(address(compliance_), address(licenses_));
    }

    /// @notice Sets the base of `tokenURI` (the registry's metadata gateway); ids are appended.
    /// @param baseURI The new base, e.g. `https://registry.example/v1/assets/`.
    function setBaseURI(string calldata baseURI) external restricted {
        _baseTokenURI = baseURI;
        emit BaseURISet(baseURI);
        emit BatchMetadataUpdate(1, type(uint256).max);
    }

    // ─── Registration workflow ───────────────────────────────────────────────────────────

    /// @notice Files an application for one registration unit. The caller must be an active member.
    /// @param app The application; see `Application`.
    /// @return assetId The new asset (and future token) id.
    function submit(Application calldata app) external returns (uint256 assetId) {
        MemberType registrantType = _requireActiveMember(msg.sender);
        assetId = _nextId;
        _apply(app, assetId, registrantType);
        _nextId = assetId + 1;
    }

    /// @notice Files many applications in one transaction (at most MAX_BATCH).
    /// @param apps The applications.
    /// @return firstId The id of the first; the rest follow consecutively.
    function submitBatch(Application[] calldata apps) external returns (uint256 firstId) {
        uint256 n = apps.length;
        if (n == 0 || n > MAX_BATCH) revert BatchTooLarge(n, MAX_BATCH);
        MemberType registrantType = _requireActiveMember(msg.sender);
        firstId = _nextId;
        for (uint256 i = 0; i < n; ++i) {
            _apply(apps[i], firstId + i, registrantType);
        }
        _nextId = firstId + n;
    }

    /// @notice Accepts an application and opens its publicity (公示) window.
    /// @param assetId The application.
    /// @param publicityPeriod Window length in seconds, between MIN_PUBLICITY and MAX_PUBLICITY.
    function accept(uint256 assetId, uint32 publicityPeriod) external onlyRole(Roles.REGISTRAR) {
        if (publicityPeriod < MIN_PUBLICITY || publicityPeriod > MAX_PUBLICITY) {
            revert OutOfRange("publicityPeriod", publicityPeriod);
        }
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Applied) revert WrongStatus(assetId, r.status);
        uint32 end = uint32(block.timestamp) + publicityPeriod;
        r.status = AssetStatus.Publicity;
        r.publicityEnd = end;
        emit PublicityStarted(assetId, msg.sender, end);
    }

    /// @notice Refuses an application, during review or publicity. Its content hash may be deposited again.
    /// @param assetId The application.
    /// @param reasonHash Hash of the written reasons.
    function refuse(uint256 assetId, bytes32 reasonHash) external onlyRole(Roles.REGISTRAR) {
        if (reasonHash == bytes32(0)) revert ZeroHash("reasonHash");
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Applied && r.status != AssetStatus.Publicity) revert WrongStatus(assetId, r.status);
        r.status = AssetStatus.Refused;
        emit ApplicationRefused(assetId, msg.sender, reasonHash);
    }

    /// @notice Confirms a registration after its publicity window closed with no open objection.
    ///         Mints the token to the applicant and records the first-registration milestone.
    /// @param assetId The application.
    function confirm(uint256 assetId) external onlyRole(Roles.REGISTRAR) {
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Publicity) revert WrongStatus(assetId, r.status);
        if (block.timestamp < r.publicityEnd) revert PublicityNotOver(assetId, r.publicityEnd);
        Registration storage reg = _registrations[assetId];
        if (reg.openObjections != 0) revert ObjectionsOpen(assetId, reg.openObjections);
        if (r.validUntil <= block.timestamp) revert AssetExpired(assetId, r.validUntil);
        // The regulator may have graded it core during review or publicity.
        if (r.grade == SecurityGrade.Core) revert CoreDataNotRegistrable();
        address holder = r.holder;
        MemberType registrantType = _requireActiveMember(holder);

        r.status = AssetStatus.Registered;
        reg.confirmedBy = msg.sender;
        reg.confirmedAt = uint32(block.timestamp);
        reg.registrantType = registrantType;
        _move(address(0), holder, assetId);
        emit AssetRegistered(
            assetId,
            holder,
            msg.sender,
            RegistrationNumber.format(block.timestamp, areaCode, uint8(registrantType) + 1, assetId),
            uint32(block.timestamp),
            r.validUntil
        );
    }

    // ─── After registration ──────────────────────────────────────────────────────────────

    /// @notice The holder records a change of the metadata document (变更). History is kept.
    /// @param assetId The asset.
    /// @param newMetadataHash Hash of the new metadata document.
    /// @param newUri Where the new document lives.
    function changeMetadata(uint256 assetId, bytes32 newMetadataHash, string calldata newUri) external {
        if (newMetadataHash == bytes32(0)) revert ZeroHash("newMetadataHash");
        if (bytes(newUri).length == 0) revert EmptyString("newUri");
        Record storage r = _records[assetId];
        _requireLive(assetId, r);
        if (r.holder != msg.sender) revert NotHolder(assetId, msg.sender);
        if (r.flags & FLAG_FROZEN != 0) revert AssetFrozen(assetId);
        (uint16 version, bytes32 previous) = _setMetadata(assetId, newMetadataHash);
        emit MetadataChanged(assetId, msg.sender, version, previous, newMetadataHash, newUri);
        emit MetadataUpdate(assetId);
    }

    /// @notice The registrar corrects the metadata of an application or registration (更正).
    /// @param assetId The asset.
    /// @param newMetadataHash Hash of the corrected metadata document.
    /// @param newUri Where the corrected document lives.
    /// @param reasonHash Hash of the correction decision.
    function correct(uint256 assetId, bytes32 newMetadataHash, string calldata newUri, bytes32 reasonHash)
        external
        onlyRole(Roles.REGISTRAR)
    {
        if (newMetadataHash == bytes32(0)) revert ZeroHash("newMetadataHash");
        if (bytes(newUri).length == 0) revert EmptyString("newUri");
        if (reasonHash == bytes32(0)) revert ZeroHash("reasonHash");
        AssetStatus s = _records[assetId].status;
        if (s != AssetStatus.Applied && s != AssetStatus.Publicity && s != AssetStatus.Registered) {
            revert WrongStatus(assetId, s);
        }
        (uint16 version, bytes32 previous) = _setMetadata(assetId, newMetadataHash);
        emit AssetCorrected(assetId, msg.sender, version, previous, newMetadataHash, newUri, reasonHash);
        emit MetadataUpdate(assetId);
    }

    /// @notice The registrar renews a registration (续展), also after it expired.
    /// @param assetId The asset.
    /// @param newValidUntil New end of validity: later than the current one, at most MAX_VALIDITY from now.
    /// @param evidenceHash Hash of the renewal application.
    function renew(uint256 assetId, uint32 newValidUntil, bytes32 evidenceHash) external onlyRole(Roles.REGISTRAR) {
        if (evidenceHash == bytes32(0)) revert ZeroHash("evidenceHash");
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Registered) revert WrongStatus(assetId, r.status);
        uint32 previous = r.validUntil;
        if (newValidUntil <= previous) revert RenewalNotLater(previous, newValidUntil);
        if (newValidUntil > block.timestamp + MAX_VALIDITY) revert OutOfRange("newValidUntil", newValidUntil);
        r.validUntil = newValidUntil;
        emit AssetRenewed(assetId, msg.sender, previous, newValidUntil, evidenceHash);
        emit MetadataUpdate(assetId);
    }

    /// @notice Cancels a registration (注销). The holder may cancel an unencumbered asset; the
    ///         registrar may cancel any asset that is not frozen. Burns the token.
    /// @param assetId The asset.
    /// @param reasonHash Hash of the reasons.
    function cancel(uint256 assetId, bytes32 reasonHash) external {
        if (reasonHash == bytes32(0)) revert ZeroHash("reasonHash");
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Registered) revert WrongStatus(assetId, r.status);
        if (r.flags & FLAG_FROZEN != 0) revert AssetFrozen(assetId);
        if (msg.sender == r.holder) {
            if (r.flags & FLAG_DISPUTED != 0) revert AssetDisputed(assetId);
            if (r.flags & FLAG_PLEDGED != 0) revert AssetPledged(assetId);
        } else if (!_hasRole(Roles.REGISTRAR, msg.sender)) {
            revert NotAuthorisedToCancel(assetId, msg.sender);
        }
        _cancel(assetId, r, reasonHash);
    }

    // ─── Hooks for ledger modules ────────────────────────────────────────────────────────

    /// @notice DisputeResolution: an objection was filed (`opened`) or ruled on or withdrawn.
    /// @param assetId The asset objected to.
    /// @param opened True when an objection opens, false when one closes.
    function adjustObjections(uint256 assetId, bool opened) external onlyRole(Roles.DISPUTES_MODULE) {
        Record storage r = _records[assetId];
        Registration storage reg = _registrations[assetId];
        uint16 n = reg.openObjections;
        if (opened) {
            AssetStatus s = r.status;
            if (s != AssetStatus.Applied && s != AssetStatus.Publicity && s != AssetStatus.Registered) {
                revert WrongStatus(assetId, s);
            }
            n += 1;
            r.flags |= FLAG_DISPUTED;
        } else {
            n -= 1; // underflow reverts: the module closes only what it opened
            if (n == 0) r.flags &= ~FLAG_DISPUTED;
        }
        reg.openObjections = n;
        emit DisputeCountChanged(assetId, n);
    }

    /// @notice DisputeResolution: a court froze or unfroze the asset.
    /// @param assetId The asset.
    /// @param frozen The new state.
    function setFrozen(uint256 assetId, bool frozen) external onlyRole(Roles.DISPUTES_MODULE) {
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Registered) revert WrongStatus(assetId, r.status);
        _setFlag(assetId, r, FLAG_FROZEN, frozen);
        emit FrozenChanged(assetId, frozen);
    }

    /// @notice DisputeResolution: a court order or a ruling moves the asset to `to`, whatever
    ///         its encumbrances. The receiver must still be an active member.
    /// @param assetId The asset.
    /// @param to The new holder.
    /// @param caseHash Hash of the order or ruling.
    function orderTransfer(uint256 assetId, address to, bytes32 caseHash) external onlyRole(Roles.DISPUTES_MODULE) {
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Registered) revert WrongStatus(assetId, r.status);
        _requireActiveMember(to);
        address from = r.holder;
        _move(from, to, assetId);
        emit ForcedTransfer(assetId, from, to, msg.sender, caseHash);
    }

    /// @notice DisputeResolution: a court order or a ruling cancels the asset, or ends a pending application.
    /// @param assetId The asset.
    /// @param caseHash Hash of the order or ruling.
    function orderCancel(uint256 assetId, bytes32 caseHash) external onlyRole(Roles.DISPUTES_MODULE) {
        Record storage r = _records[assetId];
        AssetStatus s = r.status;
        if (s == AssetStatus.Registered) {
            _cancel(assetId, r, caseHash);
        } else if (s == AssetStatus.Applied || s == AssetStatus.Publicity) {
            r.status = AssetStatus.Cancelled;
                emit RegistrationCancelled(assetId, msg.sender, r.holder, caseHash);
        } else {
            revert WrongStatus(assetId, s);
        }
    }

    /// @notice PledgeRegistry: a pledge took effect (`true`) or ended (`false`).
    /// @param assetId The asset.
    /// @param pledged The new state.
    function setPledged(uint256 assetId, bool pledged) external onlyRole(Roles.PLEDGE_MODULE) {
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Registered && pledged) revert WrongStatus(assetId, r.status);
        _setFlag(assetId, r, FLAG_PLEDGED, pledged);
        emit PledgedChanged(assetId, pledged);
    }

    /// @notice PledgeRegistry: enforces a pledge by moving the asset to the pledgee and ending
    ///         the pledge. Unless a court enforces it, the transfer rule applies except for the
    ///         pledge itself and the pledgor's membership.
    /// @param assetId The asset.
    /// @param pledgee The receiver.
    /// @param byCourt Whether a court ordered the enforcement.
    /// @param caseHash Hash of the pledge or court order.
    function enforcePledge(uint256 assetId, address pledgee, bool byCourt, bytes32 caseHash)
        external
        onlyRole(Roles.PLEDGE_MODULE)
    {
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Registered) revert WrongStatus(assetId, r.status);
        address from = r.holder;
        if (byCourt) {
            _requireActiveMember(pledgee);
        } else {
            // The pledgee's own enforcement passes the transfer rule but for the pledge itself
            // and the pledgor's standing (a suspended debtor must not shield the asset).
            (Reason reason, address who) = _assetReason(r, from, false, false);
            if (reason == Reason.OK) (reason, who) = _partyReason(assetId, pledgee, pledgee, false);
            _revertFor(reason, assetId, who);
        }
        r.flags &= ~FLAG_PLEDGED;
        emit PledgedChanged(assetId, false);
        _move(from, pledgee, assetId);
        emit ForcedTransfer(assetId, from, pledgee, msg.sender, caseHash);
    }

    /// @notice ComplianceRegistry: the regulator confirmed or changed the security grade.
    /// @param assetId The asset.
    /// @param grade The confirmed grade; Core stops circulation.
    function setGrade(uint256 assetId, SecurityGrade grade) external onlyRole(Roles.COMPLIANCE_MODULE) {
        Record storage r = _records[assetId];
        AssetStatus s = r.status;
        if (s == AssetStatus.None || s == AssetStatus.Refused || s == AssetStatus.Cancelled) revert WrongStatus(assetId, s);
        SecurityGrade previous = r.grade;
        r.grade = grade;
        emit GradeChanged(assetId, previous, grade);
        emit MetadataUpdate(assetId);
    }

    // ─── Pre-trade views (one code path with the state changes) ──────────────────────────

    /// @notice Whether `from` could transfer the holding right to `to` right now, and if not, why.
    function transferCheck(uint256 assetId, address from, address to) external view returns (Reason reason) {
        (reason,) = _reason(assetId, from, to, false, true, false);
    }

    /// @notice Whether `licensor` could license `licensee` right now. For a sublicence the
    ///         licensor is the parent licensee, and the holder check is replaced by the
    ///         LicenseRegistry's own checks on the parent licence.
    function licenseCheck(uint256 assetId, address licensor, address licensee, Territory territory, bool isSublicense)
        external
        view
        returns (Reason reason)
    {
        (reason,) = _reason(assetId, licensor, licensee, territory == Territory.CrossBorder, false, isSublicense);
    }

    /// @notice Whether `pledgor` could pledge the asset to `pledgee` right now.
    function pledgeCheck(uint256 assetId, address pledgor, address pledgee) external view returns (Reason reason) {
        (reason,) = _reason(assetId, pledgor, pledgee, false, true, false);
    }

    /// @notice Reverts with the matching custom error unless a licence could be granted now.
    /// @return rights The rights claimed by the registration.
    /// @return validUntil The end of the registration's validity.
    function requireLicensable(uint256 assetId, address licensor, address licensee, Territory territory, bool isSublicense)
        external
        view
        returns (uint8 rights, uint32 validUntil)
    {
        (Reason reason, address who) =
            _reason(assetId, licensor, licensee, territory == Territory.CrossBorder, false, isSublicense);
        _revertFor(reason, assetId, who);
        Record storage r = _records[assetId];
        return (r.rights, r.validUntil);
    }

    /// @notice Reverts with the matching custom error unless the asset could be pledged now.
    function requirePledgeable(uint256 assetId, address pledgor, address pledgee) external view {
        (Reason reason, address who) = _reason(assetId, pledgor, pledgee, false, true, false);
        _revertFor(reason, assetId, who);
    }

    // ─── Read views ──────────────────────────────────────────────────────────────────────

    /// @notice The rule-relevant record of an asset.
    function recordOf(uint256 assetId)
        external
        view
        returns (
            address holder,
            AssetStatus status,
            SecurityGrade grade,
            uint8 rights,
            uint32 validUntil,
            uint32 publicityEnd,
            bool frozen,
            bool pledged,
            bool disputed
        )
    {
        Record storage r = _records[assetId];
        return (
            r.holder,
            r.status,
            r.grade,
            r.rights,
            r.validUntil,
            r.publicityEnd,
            r.flags & FLAG_FROZEN != 0,
            r.flags & FLAG_PLEDGED != 0,
            r.flags & FLAG_DISPUTED != 0
        );
    }

    /// @notice The data category stated in the application (or 0 = Public for an unknown id).
    function categoryOf(uint256 assetId) external view returns (DataCategory) {
        return DataCategory(_records[assetId].flags >> CATEGORY_SHIFT);
    }

    /// @notice Registration facts: who confirmed and when, the registrant type, counters.
    function registrationOf(uint256 assetId) external view returns (Registration memory) {
        return _registrations[assetId];
    }

    /// @notice The status of an asset (None for an unknown id).
    function statusOf(uint256 assetId) external view returns (AssetStatus) {
        return _records[assetId].status;
    }

    /// @notice Whether the validity date has passed.
    function isExpired(uint256 assetId) public view returns (bool) {
        return _records[assetId].validUntil < block.timestamp;
    }

    /// @notice The registration number, once confirmed.
    function registrationNumber(uint256 assetId) external view returns (string memory) {
        Registration storage reg = _registrations[assetId];
        if (reg.confirmedAt == 0) revert AssetNotRegistered(assetId);
        return RegistrationNumber.format(reg.confirmedAt, areaCode, uint8(reg.registrantType) + 1, assetId);
    }

    /// @notice The court's check (存证 verification): which asset deposited `contentHash`, and when.
    /// @return assetId The latest asset that deposited the hash (0 if none; check its status:
    ///         a refused or cancelled deposit no longer blocks a new application).
    /// @return depositedAt Block timestamp of the application.
    function depositOf(bytes32 contentHash) external view returns (uint256 assetId, uint40 depositedAt) {
        Deposit storage d = _deposits[contentHash];
        return (d.assetId, d.depositedAt);
    }

    /// @notice The current metadata hash and its version number.
    function metadataOf(uint256 assetId) external view returns (bytes32 metadataHash, uint16 version) {
        return (_metadataHash[assetId], _registrations[assetId].metadataVersion);
    }

    /// @notice A past metadata hash (version 0 is the one in the application).
    function metadataAt(uint256 assetId, uint16 version) external view returns (bytes32) {
        if (version == _registrations[assetId].metadataVersion) return _metadataHash[assetId];
        return _metadataHistory[assetId][version];
    }

    /// @notice The id the next application will get.
    function nextAssetId() external view returns (uint256) {
        return _nextId;
    }

    /// @inheritdoc ERC721
    function balanceOf(address owner) public view override(ERC721, IERC721) returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _holdings[owner];
    }

    /// @inheritdoc ERC721
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        return string.concat(_baseTokenURI, Strings.toString(tokenId));
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == bytes4(0x49064906) || super.supportsInterface(interfaceId);
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────

    function _apply(Application calldata app, uint256 assetId, MemberType registrantType) private {
        _validate(app);
        Deposit storage dep = _deposits[app.contentHash];
        // A refused or cancelled deposit frees its content hash for the rightful party; the
        // earlier record stays in the event log.
        uint256 existing = dep.assetId;
        if (existing != 0 && _isLive(_records[existing].status)) revert ContentAlreadyRegistered(app.contentHash, existing);
        if (app.category == uint8(DataCategory.Personal) || app.personalInfo == uint8(PersonalInfo.DeIdentified)) {
            ICompliance c = compliance;
            if (address(c) == address(0)) revert ModulesNotSet();
            if (!c.hasDeidentificationReview(app.contentHash)) revert DeidentificationReviewMissing(app.contentHash);
        }
        uint256 nParents = app.parents.length;
        for (uint256 i = 0; i < nParents; ++i) {
            _checkParent(app.parents[i], app.parentLicenses[i]);
        }

        _records[assetId] = Record({
            holder: msg.sender,
            status: AssetStatus.Applied,
            grade: SecurityGrade(app.grade),
            rights: app.rights,
            flags: app.category << CATEGORY_SHIFT,
            validUntil: app.validUntil,
            publicityEnd: 0
        });
        _metadataHash[assetId] = app.metadataHash;
        dep.assetId = uint64(assetId);
        dep.depositedAt = uint40(block.timestamp);
        emit AssetApplied(assetId, msg.sender, app.contentHash, app, registrantType);
    }

    function _validate(Application calldata app) private view {
        if (app.kind > uint8(AssetKind.Product)) revert OutOfRange("kind", app.kind);
        if (app.productForm > uint8(ProductForm.Index)) revert OutOfRange("productForm", app.productForm);
        if ((app.kind == uint8(AssetKind.Resource)) != (app.productForm == uint8(ProductForm.None))) {
            revert ProductFormMismatch(app.kind, app.productForm);
        }
        if (app.category > uint8(DataCategory.Personal)) revert OutOfRange("category", app.category);
        if (app.rights == 0 || app.rights > Rights.ALL) revert OutOfRange("rights", app.rights);
        if (app.sourceType > uint8(SourceType.Derived)) revert OutOfRange("sourceType", app.sourceType);
        if (app.grade > uint8(SecurityGrade.Core)) revert OutOfRange("grade", app.grade);
        if (app.grade == uint8(SecurityGrade.Core)) revert CoreDataNotRegistrable();
        if (app.personalInfo > uint8(PersonalInfo.Anonymised)) revert OutOfRange("personalInfo", app.personalInfo);
        if (app.validUntil <= block.timestamp) revert InPast("validUntil", app.validUntil, block.timestamp);
        if (app.validUntil > block.timestamp + MAX_VALIDITY) revert OutOfRange("validUntil", app.validUntil);
        if (app.sourceEvidenceHash == bytes32(0)) revert ZeroHash("sourceEvidenceHash");
        if (app.contentHash == bytes32(0)) revert ZeroHash("contentHash");
        if (app.metadataHash == bytes32(0)) revert ZeroHash("metadataHash");
        if (bytes(app.metadataUri).length == 0) revert EmptyString("metadataUri");
        uint256 nParents = app.parents.length;
        if (nParents > MAX_PARENTS) revert OutOfRange("parents", nParents);
        if (app.parentLicenses.length != nParents) revert OutOfRange("parentLicenses", app.parentLicenses.length);
        if ((app.sourceType == uint8(SourceType.Derived)) != (nParents != 0)) {
            revert SourceParentsMismatch(app.sourceType, nParents);
        }
    }

    function _checkParent(uint256 parentId, uint256 licenseId) private view {
        Record storage p = _records[parentId];
        if (p.status != AssetStatus.Registered) revert ParentNotRegistered(parentId);
        if (p.holder == msg.sender) return;
        if (licenseId == 0 || !licenses.grantsRights(licenseId, parentId, msg.sender, Rights.PROCESSING)) {
            revert ParentRightsMissing(parentId, msg.sender);
        }
    }

    /// @dev The one rule for transfers, licences and pledges. Order: status, holder, expiry,
    ///      grade, frozen, disputed, pledged (transfer and pledge only), membership, cross-border.
    /// @param crossBorder Whether the act is cross-border in itself (a cross-border licence).
    /// @param pledgeBlocks Whether an existing pledge blocks the act.
    /// @param skipHolder For sublicences: the licensor is the parent licensee, not the holder.
    function _reason(uint256 assetId, address from, address to, bool crossBorder, bool pledgeBlocks, bool skipHolder)
        private
        view
        returns (Reason reason, address who)
    {
        (reason, who) = _assetReason(_records[assetId], from, pledgeBlocks, skipHolder);
        if (reason == Reason.OK) (reason, who) = _partyReason(assetId, from, to, crossBorder);
    }

    function _assetReason(Record storage r, address from, bool pledgeBlocks, bool skipHolder)
        private
        view
        returns (Reason, address)
    {
        AssetStatus s = r.status;
        if (s == AssetStatus.Cancelled) return (Reason.Cancelled, address(0));
        if (s != AssetStatus.Registered) return (Reason.NotRegistered, address(0));
        if (!skipHolder && r.holder != from) return (Reason.NotHolder, from);
        if (r.validUntil < block.timestamp) return (Reason.Expired, address(0));
        if (r.grade == SecurityGrade.Core) return (Reason.CoreData, address(0));
        uint8 flags = r.flags;
        if (flags & FLAG_FROZEN != 0) return (Reason.Frozen, address(0));
        if (flags & FLAG_DISPUTED != 0) return (Reason.Disputed, address(0));
        if (pledgeBlocks && flags & FLAG_PLEDGED != 0) return (Reason.Pledged, address(0));
        return (Reason.OK, address(0));
    }

    function _partyReason(uint256 assetId, address from, address to, bool crossBorder)
        private
        view
        returns (Reason, address)
    {
        (bool fromActive,,) = members.standing(from);
        if (!fromActive) return (Reason.NotMember, from);
        (bool toActive, Jurisdiction toJurisdiction,) = members.standing(to);
        if (!toActive) return (Reason.NotMember, to);
        if (crossBorder || toJurisdiction == Jurisdiction.Foreign) {
            ICompliance c = compliance;
            if (address(c) == address(0) || !c.isCrossBorderCleared(assetId)) return (Reason.CrossBorderNotCleared, to);
        }
        return (Reason.OK, address(0));
    }

    function _revertFor(Reason reason, uint256 assetId, address who) private view {
        if (reason == Reason.OK) return;
        if (reason == Reason.NotRegistered) revert AssetNotRegistered(assetId);
        if (reason == Reason.Disputed) revert AssetDisputed(assetId);
        if (reason == Reason.Frozen) revert AssetFrozen(assetId);
        if (reason == Reason.Pledged) revert AssetPledged(assetId);
        if (reason == Reason.Expired) revert AssetExpired(assetId, _records[assetId].validUntil);
        if (reason == Reason.Cancelled) revert AssetCancelled(assetId);
        if (reason == Reason.CoreData) revert CoreDataRestricted(assetId);
        if (reason == Reason.NotMember) revert NotActiveMember(who);
        if (reason == Reason.CrossBorderNotCleared) revert CrossBorderNotCleared(assetId, who);
        revert NotHolder(assetId, who);
    }

    /// @dev Every ERC-721 transfer (transferFrom, safeTransferFrom, by the holder, an approved
    ///      address or the exchange's trade desk) passes the transfer rule. Mint and burn happen
    ///      only inside the workflow, through `_move`.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        if (auth != address(0)) _checkAuthorized(from, auth, tokenId);
        if (from == address(0)) revert ERC721NonexistentToken(tokenId);
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        (Reason reason, address who) = _reason(tokenId, from, to, false, true, false);
        _revertFor(reason, tokenId, who);
        _move(from, to, tokenId);
    }

    /// @dev Bookkeeping of a change of holder, including mint (from = 0) and burn (to = 0).
    function _move(address from, address to, uint256 tokenId) private {
        if (from != address(0)) {
            _approve(address(0), tokenId, address(0), false);
            unchecked {
                _holdings[from] -= 1;
            }
        }
        if (to != address(0)) {
            unchecked {
                _holdings[to] += 1;
            }
            _records[tokenId].holder = to;
        }
        emit Transfer(from, to, tokenId);
    }

    function _ownerOf(uint256 tokenId) internal view override returns (address) {
        Record storage r = _records[tokenId];
        return r.status == AssetStatus.Registered ? r.holder : address(0);
    }

    function _cancel(uint256 assetId, Record storage r, bytes32 reasonHash) private {
        address holder = r.holder;
        _move(holder, address(0), assetId);
        r.status = AssetStatus.Cancelled;
        emit RegistrationCancelled(assetId, msg.sender, holder, reasonHash);
    }

    function _setMetadata(uint256 assetId, bytes32 newHash) private returns (uint16 version, bytes32 previous) {
        Registration storage reg = _registrations[assetId];
        uint16 old = reg.metadataVersion;
        previous = _metadataHash[assetId];
        _metadataHistory[assetId][old] = previous;
        version = old + 1;
        reg.metadataVersion = version;
        _metadataHash[assetId] = newHash;
    }

    function _setFlag(uint256 assetId, Record storage r, uint8 flag, bool on) private {
        bool isOn = r.flags & flag != 0;
        if (isOn == on) revert AlreadyInState(assetId);
        r.flags = on ? r.flags | flag : r.flags & ~flag;
    }

    function _isLive(AssetStatus s) private pure returns (bool) {
        return s == AssetStatus.Applied || s == AssetStatus.Publicity || s == AssetStatus.Registered;
    }

    function _requireLive(uint256 assetId, Record storage r) private view {
        if (r.status != AssetStatus.Registered) revert WrongStatus(assetId, r.status);
    }

    function _requireActiveMember(address account) private view returns (MemberType memberType) {
        bool active;
        (active,, memberType) = members.standing(account);
        if (!active) revert NotActiveMember(account);
    }
}
