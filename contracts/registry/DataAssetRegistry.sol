// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IAssetRuleErrors} from "../interfaces/IAssetRuleErrors.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {ILicenseRegistry} from "../interfaces/ILicenseRegistry.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {RegistrationNumber} from "./RegistrationNumber.sol";
import {
    AssetStatus,
    DataCategory,
    Field,
    Jurisdiction,
    MemberType,
    Reason,
    Registration,
    SecurityGrade,
    Territory
} from "../common/DataTypes.sol";

/// @title DataAssetRegistry
/// @notice One ERC-721 token per registration unit (a data resource or data product): whoever
///         holds it holds the holding right. Keeps the records, runs review (accept, refuse,
///         publicity, confirm) and the later changes (change, correction, renewal,
///         cancellation, key recovery), and decides every change of holder with one transfer
///         rule. Applications arrive from the RegistrationOffice; disputes, pledges,
///         compliance, licences and trades act through the module hooks, each gated by its
///         module role in the AccessManager.
/// @dev Two slots per asset plus the metadata hash: `Record` (everything the rule reads) and
///      `Facts` (from acceptance on), so that the lifecycle writes each no more often than a
///      plain registry would. Descriptive fields no rule reads (kind, source, parents, the
///      confirming registrar...) are in the events.
contract DataAssetRegistry is IDataAssetRegistry, ERC721, IERC4906, LedgerAccess, IAssetRuleErrors {
    /// @dev Slot A: everything a transfer check reads.
    struct Record {
        address holder; // the applicant until confirmation, then the token holder
        AssetStatus status;
        SecurityGrade grade;
        uint8 rights;
        uint8 flags; // FLAG_* in bits 0-3, DataCategory in bits 4-5, MemberType of the registrant in bits 6-7
        uint32 validUntil;
        uint32 time; // applied: the application time; in publicity: its end; registered (and cancelled after): the confirmation time
    }

    /// @dev Slot B: written when the registrar accepts (or at an earlier correction).
    struct Facts {
        uint32 appliedAt;
        uint32 publicityEnd;
        uint16 metadataVersion;
        uint16 openLicenses;
    }

    uint8 private constant FLAG_FROZEN = 1;
    uint8 private constant FLAG_PLEDGED = 2;
    uint8 private constant FLAG_DISPUTED = 4; // an admitted objection is open
    uint8 private constant FLAG_OBJECTED = 8; // an objection is open (blocks confirmation)
    uint8 private constant CATEGORY_SHIFT = 4;
    uint8 private constant TYPE_SHIFT = 6;

    /// @dev The evaluation order of the rule, as 4-bit Reason values from the low end.
    uint256 private constant ORDER = 0x9842375ba16;
    uint256 private constant ORDER_LENGTH = 11;

    /// @notice Longest validity a registration or renewal may state (3 years, Beijing's data-IP rules).
    uint256 public constant MAX_VALIDITY = 3 * 365 days;
    /// @notice Shortest and longest publicity windows the registrar may set.
    uint32 public constant MIN_PUBLICITY = 1 days;
    uint32 public constant MAX_PUBLICITY = 90 days;

    /// @inheritdoc IDataAssetRegistry
    IMemberRegistry public immutable members;
    /// @notice Six-digit administrative area code of this registry, printed in registration numbers.
    uint32 public immutable areaCode;

    /// @inheritdoc IDataAssetRegistry
    ICompliance public compliance;
    /// @inheritdoc IDataAssetRegistry
    ILicenseRegistry public licenses;
    string private _baseTokenURI;
    uint256 private _nextId = 1;

    mapping(uint256 assetId => Record) private _records;
    mapping(uint256 assetId => Facts) private _facts;
    mapping(uint256 assetId => bytes32) private _metadataHash;
    mapping(uint256 assetId => mapping(uint256 version => bytes32)) private _metadataHistory;
    mapping(address account => uint256) private _holdings;

    /// @notice The registrar accepted an application and opened its publicity window.
    event PublicityStarted(uint256 indexed assetId, address indexed registrar, uint32 publicityEnd);
    /// @notice The registrar refused an application.
    event ApplicationRefused(uint256 indexed assetId, address indexed registrar, bytes32 reasonHash);
    /// @notice The registration was confirmed: the token is minted; this is also the first registration.
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
    /// @notice Whether objections are open (confirmation waits) and whether one is admitted (disputed).
    event DisputeFlagsChanged(uint256 indexed assetId, bool objectionsOpen, bool disputed);
    /// @notice The asset became frozen (its first court hold) or free (its last hold lifted).
    event FrozenChanged(uint256 indexed assetId, bool frozen);
    /// @notice A pledge took effect or ended.
    event PledgedChanged(uint256 indexed assetId, bool pledged);
    /// @notice The regulator set the security grade.
    event GradeChanged(uint256 indexed assetId, SecurityGrade previousGrade, SecurityGrade newGrade);
    /// @notice The holder changed by a court order, a ruling or a pledge enforcement (with `Transfer`).
    event ForcedTransfer(uint256 indexed assetId, address indexed from, address indexed to, address module, bytes32 caseHash);
    /// @notice The registrar moved the asset between two accounts of one organisation after a key
    ///         rotation (with `Transfer`).
    event RecoveryTransfer(uint256 indexed assetId, address indexed from, address indexed to, address registrar, bytes32 reasonHash);
    /// @notice The admin wired the compliance and licence modules the registry consults.
    event ModulesSet(address compliance, address licenses);
    /// @notice The admin changed the base of `tokenURI`.
    event BaseURISet(string baseURI);

    error PublicityNotOver(uint256 assetId, uint32 publicityEnd);
    error ObjectionsOpen(uint256 assetId);
    error RenewalNotLater(uint32 currentValidUntil, uint32 requested);
    error AlreadyInState(uint256 assetId);
    error LicensesOpen(uint256 assetId, uint16 openLicenses);
    error NotSameOrganisation(address from, address to);

    constructor(address manager, IMemberRegistry memberRegistry, uint32 areaCode_, string memory baseURI)
        ERC721("Data Rights Ledger Registration", "DRL")
        LedgerAccess(manager)
    {
        if (address(memberRegistry) == address(0)) revert ZeroAddress(Field.Members);
        if (areaCode_ > 999_999) revert OutOfRange(Field.AreaCode, areaCode_);
        members = memberRegistry;
        areaCode = areaCode_;
        _baseTokenURI = baseURI;
    }

    // ─── Configuration (admin, with the manager's execution delay) ───────────────────────

    /// @notice Wires the compliance and licence modules the registry consults.
    /// @param compliance_ The ComplianceRegistry.
    /// @param licenses_ The LicenseRegistry.
    function setModules(ICompliance compliance_, ILicenseRegistry licenses_) external restricted {
        if (address(compliance_) == address(0)) revert ZeroAddress(Field.Compliance);
        if (address(licenses_) == address(0)) revert ZeroAddress(Field.Licenses);
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

    // ─── Applications (RegistrationOffice) and review (registrar) ────────────────────────

    /// @notice RegistrationOffice: records a validated application and issues its id. The
    ///         office emits `AssetApplied` with every field.
    /// @param applicant The applying member.
    /// @param registrantType The applicant's member type (printed in the registration number).
    /// @param grade The security grade stated (never core).
    /// @param rights The rights claimed.
    /// @param category The data category.
    /// @param validUntil End of validity.
    /// @param metadataHash Hash of the metadata document.
    /// @return assetId The new asset (and future token) id.
    function openApplication(
        address applicant,
        MemberType registrantType,
        SecurityGrade grade,
        uint8 rights,
        DataCategory category,
        uint32 validUntil,
        bytes32 metadataHash
    ) external onlyModule(Roles.REGISTRATION_MODULE) returns (uint256 assetId) {
        assetId = _nextId++;
        // One store of the whole slot: assigning the struct would first read the (fresh) slot
        // to merge its packed fields. Layout: holder | status | grade | rights | flags | validUntil | time.
        uint256 word = uint256(uint160(applicant)) | (uint256(uint8(AssetStatus.Applied)) << 160)
            | (uint256(uint8(grade)) << 168) | (uint256(rights) << 176)
            | (uint256((uint8(category) << CATEGORY_SHIFT) | (uint8(registrantType) << TYPE_SHIFT)) << 184)
            | (uint256(validUntil) << 192) | (block.timestamp << 224);
        Record storage r = _records[assetId];
        assembly ("memory-safe") {
            sstore(r.slot, word)
        }
        _metadataHash[assetId] = metadataHash;
    }

    /// @notice Accepts an application and opens its publicity (公示) window.
    /// @param assetId The application.
    /// @param publicityPeriod Window length in seconds, between MIN_PUBLICITY and MAX_PUBLICITY.
    function accept(uint256 assetId, uint32 publicityPeriod) external restricted {
        if (publicityPeriod < MIN_PUBLICITY || publicityPeriod > MAX_PUBLICITY) {
            revert OutOfRange(Field.PublicityPeriod, publicityPeriod);
        }
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Applied) revert WrongStatus(assetId, r.status);
        uint32 end = uint32(block.timestamp) + publicityPeriod;
        Facts storage f = _facts[assetId];
        f.appliedAt = r.time;
        f.publicityEnd = end;
        r.status = AssetStatus.Publicity;
        r.time = end;
        emit PublicityStarted(assetId, msg.sender, end);
    }

    /// @notice Refuses an application, during review or publicity. Its content hash may then be
    ///         applied for again; its first deposit time stays.
    /// @param assetId The application.
    /// @param reasonHash Hash of the written reasons.
    function refuse(uint256 assetId, bytes32 reasonHash) external restricted {
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        Record storage r = _records[assetId];
        if (!_isPending(r.status)) revert WrongStatus(assetId, r.status);
        r.status = AssetStatus.Refused;
        emit ApplicationRefused(assetId, msg.sender, reasonHash);
    }

    /// @notice Confirms a registration after its publicity window closed with no open objection,
    ///         and mints the token to the applicant.
    /// @param assetId The application.
    function confirm(uint256 assetId) external restricted {
        Record storage r = _records[assetId];
        if (r.status != AssetStatus.Publicity) revert WrongStatus(assetId, r.status);
        if (block.timestamp < r.time) revert PublicityNotOver(assetId, r.time);
        uint8 flags = r.flags;
        if (flags & FLAG_OBJECTED != 0) revert ObjectionsOpen(assetId);
        if (r.validUntil < block.timestamp) revert AssetExpired(assetId, r.validUntil);
        // The regulator may have graded it core during review or publicity.
        if (r.grade == SecurityGrade.Core) revert CoreDataNotRegistrable();
        address holder = r.holder;
        if (!members.isActive(holder)) revert NotActiveMember(holder);

        r.status = AssetStatus.Registered;
        r.time = uint32(block.timestamp);
        // A mint to the applicant, who is already the record's holder.
        unchecked {
            _holdings[holder] += 1;
        }
        emit Transfer(address(0), holder, assetId);
        emit AssetRegistered(
            assetId,
            holder,
            msg.sender,
            RegistrationNumber.format(block.timestamp, areaCode, (flags >> TYPE_SHIFT) + 1, assetId),
            uint32(block.timestamp),
            r.validUntil
        );
    }

    // ─── After registration ──────────────────────────────────────────────────────────────

    /// @notice The holder records a change of the metadata document (变更). History is kept.
    /// @param assetId The asset.
    /// @param newMetadataHash Hash of the new metadata document.
    /// @param newUri Where the new document lives.
    function changeMetadata(uint256 assetId, bytes32 newMetadataHash, string calldata newUri) external whenOpen {
        _requireMetadata(newMetadataHash, newUri);
        Record storage r = _records[assetId];
        _requireRegistered(assetId, r);
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
        restricted
    {
        _requireMetadata(newMetadataHash, newUri);
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        AssetStatus s = _records[assetId].status;
        if (!_isLive(s)) revert WrongStatus(assetId, s);
        (uint16 version, bytes32 previous) = _setMetadata(assetId, newMetadataHash);
        emit AssetCorrected(assetId, msg.sender, version, previous, newMetadataHash, newUri, reasonHash);
        emit MetadataUpdate(assetId);
    }

    /// @notice The registrar renews a registration (续展), also after it expired. Validity only
    ///         ever grows, so a pledge's due date and a licence's end, both bounded by the
    ///         validity when they were made, stay within it.
    /// @param assetId The asset.
    /// @param newValidUntil New end of validity: later than the current one, at most MAX_VALIDITY from now.
    /// @param evidenceHash Hash of the renewal application.
    function renew(uint256 assetId, uint32 newValidUntil, bytes32 evidenceHash) external restricted {
        if (evidenceHash == bytes32(0)) revert ZeroHash(Field.EvidenceHash);
        Record storage r = _records[assetId];
        _requireRegistered(assetId, r);
        uint32 previous = r.validUntil;
        if (newValidUntil <= previous) revert RenewalNotLater(previous, newValidUntil);
        if (newValidUntil > block.timestamp + MAX_VALIDITY) revert OutOfRange(Field.NewValidUntil, newValidUntil);
        r.validUntil = newValidUntil;
        emit AssetRenewed(assetId, msg.sender, previous, newValidUntil, evidenceHash);
        emit MetadataUpdate(assetId);
    }

    /// @notice The holder cancels its registration (注销): only an unencumbered asset (not
    ///         frozen, disputed or pledged) with no licence open. Burns the token.
    /// @param assetId The asset.
    /// @param reasonHash Hash of the reasons.
    function cancel(uint256 assetId, bytes32 reasonHash) external whenOpen {
        Record storage r = _records[assetId];
        if (r.status == AssetStatus.Registered && r.holder != msg.sender) revert NotHolder(assetId, msg.sender);
        _cancellable(assetId, reasonHash);
        if (r.flags & FLAG_DISPUTED != 0) revert AssetDisputed(assetId);
        _cancel(assetId, r, reasonHash);
    }

    /// @notice The registrar cancels a registration that is not frozen or pledged and has no
    ///         licence open (a court order or a ruling is the way to cancel an encumbered one).
    /// @param assetId The asset.
    /// @param reasonHash Hash of the decision.
    function registrarCancel(uint256 assetId, bytes32 reasonHash) external restricted {
        _cancel(assetId, _cancellable(assetId, reasonHash), reasonHash);
    }

    /// @notice The registrar moves an asset, or a pending application, to the account its
    ///         organisation was rebound to after losing its key (MemberRegistry.rebind). Both
    ///         accounts must carry the same org-id hash; a frozen or pledged asset moves only by
    ///         court order.
    /// @param assetId The asset or application.
    /// @param to The organisation's current account; an active member.
    /// @param reasonHash Hash of the recovery decision.
    function recoveryTransfer(uint256 assetId, address to, bytes32 reasonHash) external restricted {
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        Record storage r = _records[assetId];
        AssetStatus s = r.status;
        if (s != AssetStatus.Registered && !_isPending(s)) revert WrongStatus(assetId, s);
        address from = r.holder;
        bytes32 org = members.orgOf(from);
        if (org == bytes32(0) || org != members.orgOf(to) || from == to) revert NotSameOrganisation(from, to);
        if (!members.isActive(to)) revert NotActiveMember(to);
        uint8 flags = r.flags;
        if (flags & FLAG_FROZEN != 0) revert AssetFrozen(assetId);
        if (flags & FLAG_PLEDGED != 0) revert AssetPledged(assetId);
        if (s == AssetStatus.Registered) _move(from, to, assetId);
        else r.holder = to; // an application: no token yet
        emit RecoveryTransfer(assetId, from, to, msg.sender, reasonHash);
    }

    // ─── Hooks for ledger modules ────────────────────────────────────────────────────────

    /// @notice DisputeResolution: whether objections are open and whether one is admitted.
    /// @param assetId The asset.
    /// @param objectionsOpen True while any objection is open (confirmation waits).
    /// @param disputed True while an admitted objection is open (no transfer, licence or pledge).
    function setDisputeFlags(uint256 assetId, bool objectionsOpen, bool disputed) external onlyModule(Roles.DISPUTES_MODULE) {
        Record storage r = _records[assetId];
        uint8 flags = r.flags & ~(FLAG_OBJECTED | FLAG_DISPUTED);
        if (objectionsOpen) flags |= FLAG_OBJECTED;
        if (disputed) flags |= FLAG_DISPUTED;
        r.flags = flags;
        emit DisputeFlagsChanged(assetId, objectionsOpen, disputed);
    }

    /// @notice DisputeResolution: the asset's first court hold was placed, or its last lifted.
    /// @param assetId The asset.
    /// @param frozen The new state.
    function setFrozen(uint256 assetId, bool frozen) external onlyModule(Roles.DISPUTES_MODULE) {
        Record storage r = _records[assetId];
        if (frozen) _requireRegistered(assetId, r);
        _setFlag(assetId, r, FLAG_FROZEN, frozen);
        emit FrozenChanged(assetId, frozen);
    }

    /// @notice DisputeResolution: a court order or a ruling moves the asset, whatever its
    ///         encumbrances (the module settles a pledge first). No order overrides the law:
    ///         core data does not move, and a foreign receiver needs its clearance.
    /// @param assetId The asset.
    /// @param to The new holder; an active member.
    /// @param caseHash Hash of the order or ruling.
    function forceTransfer(uint256 assetId, address to, bytes32 caseHash) external onlyModule(Roles.DISPUTES_MODULE) {
        Record storage r = _records[assetId];
        _requireRegistered(assetId, r);
        if (r.grade == SecurityGrade.Core) revert CoreDataRestricted(assetId);
        _requireReceiver(assetId, to);
        address from = r.holder;
        _move(from, to, assetId);
        emit ForcedTransfer(assetId, from, to, msg.sender, caseHash);
    }

    /// @notice DisputeResolution: a court order or a ruling cancels the asset (its licences
    ///         ended and any pledge discharged first), or ends a pending application.
    /// @param assetId The asset.
    /// @param caseHash Hash of the order or ruling.
    function forceCancel(uint256 assetId, bytes32 caseHash) external onlyModule(Roles.DISPUTES_MODULE) {
        Record storage r = _records[assetId];
        AssetStatus s = r.status;
        if (s == AssetStatus.Registered) {
            uint16 open = _facts[assetId].openLicenses;
            if (open != 0) revert LicensesOpen(assetId, open);
            if (r.flags & FLAG_PLEDGED != 0) revert AssetPledged(assetId);
            _cancel(assetId, r, caseHash);
        } else if (_isPending(s)) {
            // In publicity the time field holds the publicity end (kept in Facts too): clear it,
            // so that a cancelled record's time means a confirmation. Under review it is still
            // the application time, and no publicity end marks it as never confirmed.
            if (s == AssetStatus.Publicity) r.time = 0;
            r.status = AssetStatus.Cancelled;
            emit RegistrationCancelled(assetId, msg.sender, r.holder, caseHash);
        } else {
            revert WrongStatus(assetId, s);
        }
    }

    /// @notice PledgeRegistry: a pledge took effect (`true`) or ended (`false`).
    /// @param assetId The asset.
    /// @param pledged The new state.
    function setPledged(uint256 assetId, bool pledged) external onlyModule(Roles.PLEDGE_MODULE) {
        Record storage r = _records[assetId];
        if (pledged) _requireRegistered(assetId, r);
        _setFlag(assetId, r, FLAG_PLEDGED, pledged);
        emit PledgedChanged(assetId, pledged);
    }

    /// @notice PledgeRegistry: enforces a pledge by moving the asset to the pledgee and ending
    ///         the pledge. The pledgor's standing, the validity and the dispute state do not
    ///         shield the asset (the pledge module checks disputes, but for the pledgor's own).
    ///         A court hold stops a pledgee's own enforcement; a court's enforcement passes it.
    ///         Core data and an uncleared foreign pledgee stop both.
    /// @param assetId The asset.
    /// @param pledgee The receiver.
    /// @param byCourt Whether a court ordered the enforcement.
    /// @param caseHash Hash of the pledge or court order.
    function enforcePledge(uint256 assetId, address pledgee, bool byCourt, bytes32 caseHash) external onlyModule(Roles.PLEDGE_MODULE) {
        Record storage r = _records[assetId];
        _requireRegistered(assetId, r);
        if (r.grade == SecurityGrade.Core) revert CoreDataRestricted(assetId);
        if (!byCourt && r.flags & FLAG_FROZEN != 0) revert AssetFrozen(assetId);
        _requireReceiver(assetId, pledgee);
        address from = r.holder;
        r.flags &= ~FLAG_PLEDGED;
        emit PledgedChanged(assetId, false);
        _move(from, pledgee, assetId);
        emit ForcedTransfer(assetId, from, pledgee, msg.sender, caseHash);
    }

    /// @notice ComplianceRegistry: the regulator confirmed or changed the security grade.
    /// @param assetId The asset.
    /// @param grade The confirmed grade; core stops circulation and suspends the licences.
    function setGrade(uint256 assetId, SecurityGrade grade) external onlyModule(Roles.COMPLIANCE_MODULE) {
        Record storage r = _records[assetId];
        AssetStatus s = r.status;
        if (!_isLive(s)) revert WrongStatus(assetId, s);
        SecurityGrade previous = r.grade;
        r.grade = grade;
        emit GradeChanged(assetId, previous, grade);
        emit MetadataUpdate(assetId);
    }

    /// @notice TradeDesk: executes a sale of the holding right under the full transfer rule.
    /// @param assetId The asset.
    /// @param from The seller; must be the holder.
    /// @param to The buyer.
    function tradeTransfer(uint256 assetId, address from, address to) external onlyModule(Roles.TRADE_MODULE) {
        _require(assetId, from, to, 0, false, true, false);
        _move(from, to, assetId);
    }

    /// @notice LicenseRegistry: checks that a licence may be granted now and counts it open.
    /// @param assetId The licensed asset.
    /// @param licensor The holder, or the parent licensee for a sublicence.
    /// @param licensee The licensee.
    /// @param rights The rights licensed; the registration must claim them.
    /// @param territory Domestic or cross-border.
    /// @param isSublicense Whether the licensor is a parent licensee (its licence is checked by the LicenseRegistry).
    /// @return claimedRights The rights the registration claims.
    /// @return validUntil The end of the registration's validity.
    /// @return appliedAt When the asset was applied for (no licence starts earlier).
    /// @return clearanceNeeded Whether the licence takes the data abroad (cross-border, or a
    ///         foreign licensee), so that it stays in force only while the licensee's clearance does.
    function openLicense(uint256 assetId, address licensor, address licensee, uint8 rights, Territory territory, bool isSublicense)
        external
        onlyModule(Roles.LICENSE_MODULE)
        returns (uint8 claimedRights, uint32 validUntil, uint32 appliedAt, bool clearanceNeeded)
    {
        clearanceNeeded = _require(assetId, licensor, licensee, rights, territory == Territory.CrossBorder, false, isSublicense);
        Facts storage f = _facts[assetId];
        f.openLicenses += 1;
        Record storage r = _records[assetId];
        return (r.rights, r.validUntil, f.appliedAt, clearanceNeeded);
    }

    /// @notice LicenseRegistry: licences of the asset were revoked or ended.
    /// @param assetId The asset.
    /// @param count How many.
    function closeLicenses(uint256 assetId, uint16 count) external onlyModule(Roles.LICENSE_MODULE) {
        _facts[assetId].openLicenses -= count; // underflow reverts: only what was opened closes
    }

    /// @inheritdoc ERC721
    /// @dev Every ERC-721 transfer (by the holder or an approved address) passes the transfer
    ///      rule; `restricted` lets the admin stop transfers with the rest of the registry.
    function transferFrom(address from, address to, uint256 tokenId) public override(ERC721, IERC721) whenOpen {
        super.transferFrom(from, to, tokenId);
    }

    // ─── Pre-trade views (one code path with the state changes) ──────────────────────────

    /// @notice Whether `from` could transfer the holding right to `to` now; the first failing check.
    /// @param assetId The asset.
    /// @param from The seller.
    /// @param to The buyer.
    /// @return reason OK, or the first check that fails.
    function transferCheck(uint256 assetId, address from, address to) external view returns (Reason reason) {
        (, reason,,) = _reasons(assetId, from, to, 0, false, true, false);
    }

    /// @notice Every check a transfer would fail now, as a bit set (bit `r` for Reason `r`).
    /// @param assetId The asset.
    /// @param from The seller.
    /// @param to The buyer.
    /// @return reasons The bit set; zero when the transfer would pass.
    function transferReasons(uint256 assetId, address from, address to) external view returns (uint256 reasons) {
        (reasons,,,) = _reasons(assetId, from, to, 0, false, true, false);
    }

    /// @notice Whether `licensor` could license `rights` to `licensee` now. For a sublicence the
    ///         licensor is the parent licensee, and the holder check is replaced by the
    ///         LicenseRegistry's own checks on the parent licence.
    /// @param assetId The asset.
    /// @param licensor The holder, or the parent licensee.
    /// @param licensee The licensee.
    /// @param rights The rights asked for (processing 2, operation 4).
    /// @param territory Domestic or cross-border.
    /// @param isSublicense Whether it is a sublicence.
    /// @return reason OK, or the first check that fails.
    function licenseCheck(
        uint256 assetId,
        address licensor,
        address licensee,
        uint8 rights,
        Territory territory,
        bool isSublicense
    ) external view returns (Reason reason) {
        (, reason,,) = _reasons(assetId, licensor, licensee, rights, territory == Territory.CrossBorder, false, isSublicense);
    }

    /// @notice Every check a licence would fail now, as a bit set (see `licenseCheck`).
    /// @param assetId The asset.
    /// @param licensor The holder, or the parent licensee.
    /// @param licensee The licensee.
    /// @param rights The rights asked for.
    /// @param territory Domestic or cross-border.
    /// @param isSublicense Whether it is a sublicence.
    /// @return reasons The bit set; zero when the licence would pass.
    function licenseReasons(
        uint256 assetId,
        address licensor,
        address licensee,
        uint8 rights,
        Territory territory,
        bool isSublicense
    ) external view returns (uint256 reasons) {
        (reasons,,,) = _reasons(assetId, licensor, licensee, rights, territory == Territory.CrossBorder, false, isSublicense);
    }

    /// @notice Whether `pledgor` could pledge the asset to `pledgee` now.
    /// @param assetId The asset.
    /// @param pledgor The holder.
    /// @param pledgee The lender.
    /// @return reason OK, or the first check that fails.
    function pledgeCheck(uint256 assetId, address pledgor, address pledgee) external view returns (Reason reason) {
        (, reason,,) = _reasons(assetId, pledgor, pledgee, 0, false, true, false);
    }

    /// @notice Every check a pledge would fail now, as a bit set.
    /// @param assetId The asset.
    /// @param pledgor The holder.
    /// @param pledgee The lender.
    /// @return reasons The bit set; zero when the pledge would pass.
    function pledgeReasons(uint256 assetId, address pledgor, address pledgee) external view returns (uint256 reasons) {
        (reasons,,,) = _reasons(assetId, pledgor, pledgee, 0, false, true, false);
    }

    /// @notice Reverts with the matching custom error unless the asset could be pledged now.
    /// @param assetId The asset.
    /// @param pledgor The holder.
    /// @param pledgee The lender.
    /// @return validUntil The end of validity (a pledge may not fall due after it).
    function requirePledgeable(uint256 assetId, address pledgor, address pledgee) external view returns (uint32 validUntil) {
        _require(assetId, pledgor, pledgee, 0, false, true, false);
        return _records[assetId].validUntil;
    }

    // ─── Read views ──────────────────────────────────────────────────────────────────────

    /// @notice The rule-relevant record of an asset.
    /// @param assetId The asset.
    /// @return The record (status None for an unknown id).
    function recordOf(uint256 assetId) external view returns (AssetRecord memory) {
        Record storage r = _records[assetId];
        uint8 f = r.flags;
        return AssetRecord({
            holder: r.holder,
            status: r.status,
            grade: r.grade,
            category: DataCategory((f >> CATEGORY_SHIFT) & 3),
            registrantType: MemberType(f >> TYPE_SHIFT),
            rights: r.rights,
            validUntil: r.validUntil,
            appliedAt: _appliedAt(r, _facts[assetId]),
            frozen: f & FLAG_FROZEN != 0,
            pledged: f & FLAG_PLEDGED != 0,
            disputed: f & FLAG_DISPUTED != 0,
            objectionsOpen: f & FLAG_OBJECTED != 0
        });
    }

    /// @notice The data category stated in the application.
    /// @param assetId The asset.
    /// @return The category (Public for an unknown id).
    function categoryOf(uint256 assetId) external view returns (DataCategory) {
        return DataCategory((_records[assetId].flags >> CATEGORY_SHIFT) & 3);
    }

    /// @notice Registration facts: application time, publicity end, confirmation time, metadata
    ///         version and open licences. The confirming registrar is in `AssetRegistered`.
    /// @param assetId The asset.
    /// @return The facts (zeros for an unknown id).
    function registrationOf(uint256 assetId) external view returns (Registration memory) {
        Record storage r = _records[assetId];
        Facts storage f = _facts[assetId];
        AssetStatus s = r.status;
        return Registration({
            appliedAt: _appliedAt(r, f),
            publicityEnd: f.publicityEnd,
            confirmedAt: _confirmedAt(r, f),
            metadataVersion: f.metadataVersion,
            openLicenses: f.openLicenses
        });
    }

    /// @notice The status of an asset.
    /// @param assetId The asset.
    /// @return The status (None for an unknown id).
    function statusOf(uint256 assetId) external view returns (AssetStatus) {
        return _records[assetId].status;
    }

    /// @notice The status and security grade of an asset (what a licence's force depends on).
    /// @param assetId The asset.
    /// @return The status.
    /// @return The grade.
    function statusAndGradeOf(uint256 assetId) external view returns (AssetStatus, SecurityGrade) {
        Record storage r = _records[assetId];
        return (r.status, r.grade);
    }

    /// @notice The holder of a registered asset.
    /// @param assetId The asset.
    /// @return The holder, or zero if the asset is not registered.
    function registeredHolderOf(uint256 assetId) external view returns (address) {
        return _ownerOf(assetId);
    }

    /// @notice Whether the validity has passed: expired means `validUntil < block.timestamp`,
    ///         the same instant at which confirmation and every transfer stop.
    /// @param assetId The asset.
    /// @return True once expired.
    function isExpired(uint256 assetId) external view returns (bool) {
        return _records[assetId].validUntil < block.timestamp;
    }

    /// @notice The registration number, once confirmed.
    /// @param assetId The asset.
    /// @return The number, `DR-YYYY-AAAAAA-T-NNNNNNNNNN-C`.
    function registrationNumber(uint256 assetId) external view returns (string memory) {
        Record storage r = _records[assetId];
        uint32 confirmedAt = _confirmedAt(r, _facts[assetId]);
        if (confirmedAt == 0) revert AssetNotRegistered(assetId);
        return RegistrationNumber.format(confirmedAt, areaCode, (r.flags >> TYPE_SHIFT) + 1, assetId);
    }

    /// @notice The current metadata hash and its version number.
    /// @param assetId The asset.
    /// @return metadataHash The current hash.
    /// @return version Its version (0 for the application's).
    function metadataOf(uint256 assetId) external view returns (bytes32 metadataHash, uint16 version) {
        return (_metadataHash[assetId], _facts[assetId].metadataVersion);
    }

    /// @notice A past metadata hash (version 0 is the one in the application).
    /// @param assetId The asset.
    /// @param version The version.
    /// @return The hash (zero for a version that never existed).
    function metadataAt(uint256 assetId, uint16 version) external view returns (bytes32) {
        if (version == _facts[assetId].metadataVersion) return _metadataHash[assetId];
        return _metadataHistory[assetId][version];
    }

    /// @notice The id the next application will get.
    /// @return The id.
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

    /// @dev The one rule for transfers, trades, licences and pledges. Every check is evaluated
    ///      (the bit set); `first` is the first failure in the order of ORDER, which is the
    ///      order of contracts/README.md: status, holder, rights, expiry, grade, frozen,
    ///      disputed, pledged, membership (sender, then receiver), cross-border.
    /// @param rights Rights asked for (licences); 0 for the holding right.
    /// @param crossBorder Whether the act is cross-border in itself (a cross-border licence).
    /// @param pledgeBlocks Whether an existing pledge blocks the act.
    /// @param skipHolder For sublicences: the licensor is the parent licensee, not the holder.
    function _reasons(
        uint256 assetId,
        address from,
        address to,
        uint8 rights,
        bool crossBorder,
        bool pledgeBlocks,
        bool skipHolder
    ) private view returns (uint256 bits, Reason first, address who, bool clearanceNeeded) {
        bits = _assetBits(_records[assetId], from, rights, pledgeBlocks, skipHolder);
        bool fromActive;
        uint256 partyBits;
        (partyBits, fromActive, clearanceNeeded) = _partyBits(assetId, from, to, crossBorder);
        bits |= partyBits;
        if (bits == 0) return (0, Reason.OK, address(0), clearanceNeeded);
        for (uint256 i = 0; i < ORDER_LENGTH; ++i) {
            first = Reason((ORDER >> (4 * i)) & 0xf);
            if (bits & _bit(first) != 0) break;
        }
        if (first == Reason.NotHolder || (first == Reason.NotMember && !fromActive)) who = from;
        else if (first == Reason.NotMember || first == Reason.CrossBorderNotCleared) who = to;
    }

    /// @dev The asset's part of the rule: status, then (if registered) holder, rights, expiry,
    ///      grade, freeze, dispute and pledge.
    function _assetBits(Record storage r, address from, uint8 rights, bool pledgeBlocks, bool skipHolder)
        private
        view
        returns (uint256 bits)
    {
        AssetStatus s = r.status;
        if (s == AssetStatus.Cancelled) return _bit(Reason.Cancelled);
        if (s != AssetStatus.Registered) return _bit(Reason.NotRegistered);
        if (!skipHolder && r.holder != from) bits |= _bit(Reason.NotHolder);
        if (r.rights & rights != rights) bits |= _bit(Reason.RightsNotClaimed);
        if (r.validUntil < block.timestamp) bits |= _bit(Reason.Expired);
        if (r.grade == SecurityGrade.Core) bits |= _bit(Reason.CoreData);
        uint8 f = r.flags;
        if (f & FLAG_FROZEN != 0) bits |= _bit(Reason.Frozen);
        if (f & FLAG_DISPUTED != 0) bits |= _bit(Reason.Disputed);
        if (pledgeBlocks && f & FLAG_PLEDGED != 0) bits |= _bit(Reason.Pledged);
    }

    /// @dev The parties' part: both active members, and a clearance keyed to the receiver when
    ///      the act takes the data abroad (cross-border in itself, or a foreign receiver).
    function _partyBits(uint256 assetId, address from, address to, bool crossBorder)
        private
        view
        returns (uint256 bits, bool fromActive, bool clearanceNeeded)
    {
        (fromActive,,) = members.standing(from);
        (bool toActive, Jurisdiction toJurisdiction,) = members.standing(to);
        if (!fromActive || !toActive) bits |= _bit(Reason.NotMember);
        clearanceNeeded = crossBorder || toJurisdiction == Jurisdiction.Foreign;
        if (toActive && clearanceNeeded && !_cleared(assetId, to)) bits |= _bit(Reason.CrossBorderNotCleared);
    }

    function _require(
        uint256 assetId,
        address from,
        address to,
        uint8 rights,
        bool crossBorder,
        bool pledgeBlocks,
        bool skipHolder
    ) private view returns (bool clearanceNeeded) {
        uint256 bits;
        Reason reason;
        address who;
        (bits, reason, who, clearanceNeeded) = _reasons(assetId, from, to, rights, crossBorder, pledgeBlocks, skipHolder);
        if (bits == 0) return clearanceNeeded;
        if (reason == Reason.Cancelled) revert AssetCancelled(assetId);
        if (reason == Reason.NotRegistered) revert AssetNotRegistered(assetId);
        if (reason == Reason.NotHolder) revert NotHolder(assetId, who);
        if (reason == Reason.RightsNotClaimed) revert RightsNotClaimed(assetId, rights, _records[assetId].rights);
        if (reason == Reason.Expired) revert AssetExpired(assetId, _records[assetId].validUntil);
        if (reason == Reason.CoreData) revert CoreDataRestricted(assetId);
        if (reason == Reason.Frozen) revert AssetFrozen(assetId);
        if (reason == Reason.Disputed) revert AssetDisputed(assetId);
        if (reason == Reason.Pledged) revert AssetPledged(assetId);
        if (reason == Reason.NotMember) revert NotActiveMember(who);
        revert CrossBorderNotCleared(assetId, who);
    }

    /// @dev An active receiver, and for a foreign one a clearance keyed to it.
    function _requireReceiver(uint256 assetId, address to) private view {
        (bool active, Jurisdiction jurisdiction,) = members.standing(to);
        if (!active) revert NotActiveMember(to);
        if (jurisdiction == Jurisdiction.Foreign && !_cleared(assetId, to)) revert CrossBorderNotCleared(assetId, to);
    }

    function _cleared(uint256 assetId, address recipient) private view returns (bool) {
        ICompliance c = compliance;
        return address(c) != address(0) && c.isCrossBorderCleared(assetId, recipient);
    }

    function _bit(Reason reason) private pure returns (uint256) {
        return 1 << uint8(reason);
    }

    /// @dev Every ERC-721 transfer passes the transfer rule. Mint and burn happen only inside
    ///      the workflow, through `_move`.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        if (auth != address(0)) _checkAuthorized(from, auth, tokenId);
        if (from == address(0)) revert ERC721NonexistentToken(tokenId);
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        _require(tokenId, from, to, 0, false, true, false);
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

    /// @dev A registered asset that is not frozen or pledged and has no licence open.
    function _cancellable(uint256 assetId, bytes32 reasonHash) private view returns (Record storage r) {
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        r = _records[assetId];
        _requireRegistered(assetId, r);
        uint8 flags = r.flags;
        if (flags & FLAG_FROZEN != 0) revert AssetFrozen(assetId);
        if (flags & FLAG_PLEDGED != 0) revert AssetPledged(assetId);
        uint16 open = _facts[assetId].openLicenses;
        if (open != 0) revert LicensesOpen(assetId, open);
    }

    /// @dev The confirmation time, or 0 if the asset was never registered (a registration was
    ///      accepted, hence a publicity end; a cancelled one in publicity has its time cleared).
    function _confirmedAt(Record storage r, Facts storage f) private view returns (uint32) {
        AssetStatus s = r.status;
        if (s == AssetStatus.Registered) return r.time;
        return s == AssetStatus.Cancelled && f.publicityEnd != 0 ? r.time : 0;
    }

    /// @dev Until acceptance the time field is the application time; acceptance copies it to Facts.
    function _appliedAt(Record storage r, Facts storage f) private view returns (uint32) {
        return f.publicityEnd == 0 ? r.time : f.appliedAt;
    }

    function _cancel(uint256 assetId, Record storage r, bytes32 reasonHash) private {
        address holder = r.holder;
        _move(holder, address(0), assetId);
        r.status = AssetStatus.Cancelled;
        emit RegistrationCancelled(assetId, msg.sender, holder, reasonHash);
    }

    function _requireMetadata(bytes32 newMetadataHash, string calldata newUri) private pure {
        if (newMetadataHash == bytes32(0)) revert ZeroHash(Field.MetadataHash);
        if (bytes(newUri).length == 0) revert EmptyString(Field.MetadataUri);
    }

    function _setMetadata(uint256 assetId, bytes32 newHash) private returns (uint16 version, bytes32 previous) {
        Facts storage f = _facts[assetId];
        uint16 old = f.metadataVersion;
        previous = _metadataHash[assetId];
        _metadataHistory[assetId][old] = previous;
        version = old + 1;
        f.metadataVersion = version;
        _metadataHash[assetId] = newHash;
    }

    function _setFlag(uint256 assetId, Record storage r, uint8 flag, bool on) private {
        bool isOn = r.flags & flag != 0;
        if (isOn == on) revert AlreadyInState(assetId);
        r.flags = on ? r.flags | flag : r.flags & ~flag;
    }

    /// @dev An application not yet decided: under review or in publicity.
    function _isPending(AssetStatus s) private pure returns (bool) {
        return s == AssetStatus.Applied || s == AssetStatus.Publicity;
    }

    /// @dev Live: pending or registered. A live asset holds its content hash.
    function _isLive(AssetStatus s) private pure returns (bool) {
        return _isPending(s) || s == AssetStatus.Registered;
    }

    function _requireRegistered(uint256 assetId, Record storage r) private view {
        if (r.status != AssetStatus.Registered) revert WrongStatus(assetId, r.status);
    }
}
