// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {IAssetRuleErrors} from "../interfaces/IAssetRuleErrors.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";
import {ILicenseRegistry} from "../interfaces/ILicenseRegistry.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {
    AssetKind,
    AssetStatus,
    DataCategory,
    Field,
    MemberType,
    PersonalInfo,
    ProductForm,
    Rights,
    SecurityGrade,
    SourceType
} from "../common/DataTypes.sol";

/// @title RegistrationOffice
/// @notice Where members file applications (登记申请): commit–reveal, so that nobody can read a
///         content hash from a pending transaction and file it first; the checks an
///         application must pass (fields, grade, de-identification review, parents and their
///         licences); and the content-hash deposit index (存证) with its first deposit time.
///         It holds the REGISTRATION_MODULE role and opens each application in the registry.
/// @dev Commit `commitmentFor(applicant, contentHash, salt)` (or `batchCommitmentFor` for a
///      batch), wait at least one block, then reveal by submitting within `revealWindow`.
contract RegistrationOffice is LedgerAccess, IAssetRuleErrors {
    /// @notice What an applicant submits. Enum-typed fields are uint8 so that an out-of-range
    ///         value gets a custom error instead of an ABI-decoder panic.
    struct Application {
        string name; // the asset's name as registered (UTF-8, 1..MAX_NAME_BYTES bytes)
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

    struct Commitment {
        uint64 blockNumber; // the block it was made in: the reveal must come later
        uint40 expiresAt; // the last second it may be revealed (the window when it was made)
    }

    /// @dev Content-hash index: the latest asset that deposited a fingerprint, and the first.
    struct Deposit {
        uint64 assetId;
        uint40 firstDepositedAt;
        uint64 firstAssetId;
    }

    /// @notice Longest validity an application may state (3 years, Beijing's data-IP rules).
    uint256 public constant MAX_VALIDITY = 3 * 365 days;
    /// @notice Most parents a derived asset may name.
    uint256 public constant MAX_PARENTS = 16;
    /// @notice Longest asset name, in bytes of UTF-8 (42 Chinese characters).
    uint256 public constant MAX_NAME_BYTES = 128;
    /// @notice Longest metadata URI, in bytes (keeps an application's cost bounded).
    uint256 public constant MAX_URI_BYTES = 256;
    /// @notice Work units of one application and of one of its parents; a batch may add up to
    ///         MAX_BATCH_WORK. One unit costs at most ~1,060 gas in the worst batches the tests
    ///         measure (14.77M gas: 100 personal applications with the longest name and URI,
    ///         100 parents licensed through depth-3 cross-border sublicence chains), so any
    ///         accepted batch stays ~12% under a 16,777,216-gas transaction cap.
    uint256 public constant APPLICATION_WORK = 100;
    uint256 public constant PARENT_WORK = 40;
    uint256 public constant MAX_BATCH_WORK = 14_000;
    /// @notice Most applications in one batch.
    uint256 public constant MAX_BATCH = 100;
    /// @notice Bounds of the reveal window the admin may set.
    uint32 public constant MIN_REVEAL_WINDOW = 10 minutes;
    uint32 public constant MAX_REVEAL_WINDOW = 30 days;

    IDataAssetRegistry public immutable registry;
    IMemberRegistry public immutable members;

    /// @notice How long after its commit an application may be revealed.
    uint32 public revealWindow = 1 days;

    mapping(bytes32 commitment => Commitment) private _commits;
    mapping(bytes32 contentHash => Deposit) private _deposits;

    /// @notice Someone committed to an application (the content hash stays hidden until the reveal).
    event ApplicationCommitted(bytes32 indexed commitment, address indexed committer);
    /// @notice An application was filed (one per asset in a batch). Carries every field the
    ///         applicant stated, and the commitment it revealed.
    event AssetApplied(
        uint256 indexed assetId,
        address indexed applicant,
        Application application,
        MemberType registrantType,
        bytes32 commitment
    );
    /// @notice The admin changed the reveal window.
    event RevealWindowSet(uint32 revealWindow);

    error DeidentificationReviewMissing(address applicant, bytes32 contentHash);
    error ContentAlreadyRegistered(bytes32 contentHash, uint256 existingAssetId);
    error ParentNotRegistered(uint256 parentId);
    error ParentRightsMissing(uint256 parentId, address applicant);
    error SourceParentsMismatch(uint8 sourceType, uint256 parentCount);
    error ProductFormMismatch(uint8 kind, uint8 productForm);
    error BatchTooLarge(uint256 work, uint256 maxWork);
    error AlreadyCommitted(bytes32 commitment);
    error UnknownCommitment(bytes32 commitment);
    error RevealTooEarly(bytes32 commitment, uint64 committedInBlock);
    error CommitmentExpired(bytes32 commitment, uint40 expiredAt);
    error ModulesNotSet();

    constructor(address manager, IDataAssetRegistry registry_) LedgerAccess(manager) {
        if (address(registry_) == address(0)) revert ZeroAddress(Field.Registry);
        registry = registry_;
        members = registry_.members();
    }

    // ─── Configuration ───────────────────────────────────────────────────────────────────

    /// @notice Sets how long a commitment may be revealed after it was made (admin, with its delay).
    /// @param window Seconds, between MIN_REVEAL_WINDOW and MAX_REVEAL_WINDOW.
    function setRevealWindow(uint32 window) external restricted {
        if (window < MIN_REVEAL_WINDOW || window > MAX_REVEAL_WINDOW) revert OutOfRange(Field.RevealWindow, window);
        revealWindow = window;
        emit RevealWindowSet(window);
    }

    // ─── Commit and reveal ───────────────────────────────────────────────────────────────

    /// @notice Commits to an application without revealing it. Anyone may commit; only the
    ///         applicant the commitment names can reveal it. An expired commitment may be made
    ///         again. Not `restricted`: a commitment alone changes no record, and pausing the
    ///         office stops the reveals.
    /// @param commitment `commitmentFor(applicant, contentHash, salt)` or `batchCommitmentFor(...)`.
    function commit(bytes32 commitment) external {
        if (commitment == bytes32(0)) revert ZeroHash(Field.Commitment);
        if (block.timestamp <= _commits[commitment].expiresAt) revert AlreadyCommitted(commitment);
        _commits[commitment] = Commitment(uint64(block.number), uint40(block.timestamp + revealWindow));
        emit ApplicationCommitted(commitment, msg.sender);
    }

    /// @notice Reveals a committed application and files it. The caller must be an active member
    ///         and the applicant its commitment names.
    /// @param app The application; see `Application`.
    /// @param salt The salt of the commitment.
    /// @return assetId The new asset (and future token) id.
    function submit(Application calldata app, bytes32 salt) external whenOpen returns (uint256 assetId) {
        MemberType registrantType = _requireApplicant();
        bytes32 commitment = commitmentFor(msg.sender, app.contentHash, salt);
        _reveal(commitment);
        assetId = _apply(app, registrantType, commitment);
    }

    /// @notice Reveals one commitment for many applications and files them in one transaction,
    ///         bounded by their total work (MAX_BATCH_WORK) and count (MAX_BATCH).
    /// @param apps The applications, in the order of the committed content hashes.
    /// @param salt The salt of the commitment.
    /// @return firstId The id of the first; the rest follow consecutively.
    function submitBatch(Application[] calldata apps, bytes32 salt) external whenOpen returns (uint256 firstId) {
        uint256 n = apps.length;
        if (n == 0 || n > MAX_BATCH) revert OutOfRange(Field.Batch, n);
        uint256 work = n * APPLICATION_WORK;
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            work += apps[i].parents.length * PARENT_WORK;
            hashes[i] = apps[i].contentHash;
        }
        if (work > MAX_BATCH_WORK) revert BatchTooLarge(work, MAX_BATCH_WORK);
        MemberType registrantType = _requireApplicant();
        bytes32 commitment = _batchCommitment(msg.sender, hashes, salt);
        _reveal(commitment);
        firstId = _apply(apps[0], registrantType, commitment);
        for (uint256 i = 1; i < n; ++i) {
            _apply(apps[i], registrantType, commitment);
        }
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────

    /// @notice The commitment of one application.
    /// @param applicant The member who will reveal it.
    /// @param contentHash The dataset fingerprint.
    /// @param salt A secret random value.
    /// @return keccak256(abi.encode(applicant, contentHash, salt)).
    function commitmentFor(address applicant, bytes32 contentHash, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(applicant, contentHash, salt));
    }

    /// @notice The commitment of a batch.
    /// @param applicant The member who will reveal it.
    /// @param contentHashes The fingerprints, in submission order.
    /// @param salt A secret random value.
    /// @return keccak256(abi.encode(applicant, keccak256(abi.encodePacked(contentHashes)), salt)).
    function batchCommitmentFor(address applicant, bytes32[] calldata contentHashes, bytes32 salt) external pure returns (bytes32) {
        return _batchCommitment(applicant, contentHashes, salt);
    }

    /// @notice A commitment as recorded.
    /// @param commitment The commitment.
    /// @return The block it was made in and the last second it may be revealed (zeros if
    ///         unknown or already revealed).
    function commitmentOf(bytes32 commitment) external view returns (Commitment memory) {
        return _commits[commitment];
    }

    /// @notice The court's check (存证 verification): which asset deposited `contentHash`, and
    ///         when it was first deposited. The first deposit time never changes, even when a
    ///         refused or cancelled application frees the hash for another.
    /// @param contentHash The fingerprint.
    /// @return assetId The latest asset that deposited it (0 if none; check its status).
    /// @return firstDepositedAt Block timestamp of the first application that deposited it.
    /// @return firstAssetId That first application.
    function depositOf(bytes32 contentHash) external view returns (uint256 assetId, uint40 firstDepositedAt, uint256 firstAssetId) {
        Deposit storage d = _deposits[contentHash];
        return (d.assetId, d.firstDepositedAt, d.firstAssetId);
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────

    function _requireApplicant() private view returns (MemberType memberType) {
        bool active;
        (active,, memberType) = members.standing(msg.sender);
        if (!active) revert NotActiveMember(msg.sender);
    }

    function _reveal(bytes32 commitment) private {
        Commitment storage c = _commits[commitment];
        uint40 expiresAt = c.expiresAt;
        if (expiresAt == 0) revert UnknownCommitment(commitment);
        if (block.number <= c.blockNumber) revert RevealTooEarly(commitment, c.blockNumber);
        if (block.timestamp > expiresAt) revert CommitmentExpired(commitment, expiresAt);
        delete _commits[commitment];
    }

    function _apply(Application calldata app, MemberType registrantType, bytes32 commitment) private returns (uint256 assetId) {
        _validate(app);
        Deposit storage dep = _deposits[app.contentHash];
        // A refused or cancelled application frees its content hash for the rightful party; the
        // first deposit stays on record.
        uint256 existing = dep.assetId;
        if (existing != 0 && _isLive(registry.statusOf(existing))) revert ContentAlreadyRegistered(app.contentHash, existing);
        if (app.category == uint8(DataCategory.Personal) || app.personalInfo == uint8(PersonalInfo.DeIdentified)) {
            ICompliance c = registry.compliance();
            if (address(c) == address(0)) revert ModulesNotSet();
            if (!c.hasDeidentificationReview(msg.sender, app.contentHash)) {
                revert DeidentificationReviewMissing(msg.sender, app.contentHash);
            }
        }
        uint256 nParents = app.parents.length;
        if (nParents != 0) {
            ILicenseRegistry licenses = registry.licenses();
            for (uint256 i = 0; i < nParents; ++i) {
                _checkParent(licenses, app.parents[i], app.parentLicenses[i]);
            }
        }
        assetId = registry.openApplication(
            msg.sender,
            registrantType,
            SecurityGrade(app.grade),
            app.rights,
            DataCategory(app.category),
            app.validUntil,
            app.metadataHash
        );
        // One store of the slot (assetId | firstDepositedAt << 64 | firstAssetId << 104): the
        // first deposit's fields are set once, the latest asset every time.
        uint256 word;
        assembly ("memory-safe") {
            word := sload(dep.slot)
        }
        word = word == 0 ? (block.timestamp << 64) | (assetId << 104) : word & ~uint256(type(uint64).max);
        word |= assetId;
        assembly ("memory-safe") {
            sstore(dep.slot, word)
        }
        emit AssetApplied(assetId, msg.sender, app, registrantType, commitment);
    }

    function _validate(Application calldata app) private view {
        uint256 nameLength = bytes(app.name).length;
        if (nameLength == 0) revert EmptyString(Field.Name);
        if (nameLength > MAX_NAME_BYTES) revert OutOfRange(Field.Name, nameLength);
        if (app.kind > uint8(AssetKind.Product)) revert OutOfRange(Field.Kind, app.kind);
        if (app.productForm > uint8(ProductForm.Index)) revert OutOfRange(Field.ProductForm, app.productForm);
        if ((app.kind == uint8(AssetKind.Resource)) != (app.productForm == uint8(ProductForm.None))) {
            revert ProductFormMismatch(app.kind, app.productForm);
        }
        if (app.category > uint8(DataCategory.Personal)) revert OutOfRange(Field.Category, app.category);
        if (app.rights == 0 || app.rights > Rights.ALL) revert OutOfRange(Field.Rights, app.rights);
        if (app.sourceType > uint8(SourceType.Derived)) revert OutOfRange(Field.SourceType, app.sourceType);
        if (app.grade > uint8(SecurityGrade.Core)) revert OutOfRange(Field.Grade, app.grade);
        if (app.grade == uint8(SecurityGrade.Core)) revert CoreDataNotRegistrable();
        if (app.personalInfo > uint8(PersonalInfo.Anonymised)) revert OutOfRange(Field.PersonalInfo, app.personalInfo);
        if (app.validUntil <= block.timestamp) revert InPast(Field.ValidUntil, app.validUntil, block.timestamp);
        if (app.validUntil > block.timestamp + MAX_VALIDITY) revert OutOfRange(Field.ValidUntil, app.validUntil);
        if (app.sourceEvidenceHash == bytes32(0)) revert ZeroHash(Field.SourceEvidenceHash);
        if (app.contentHash == bytes32(0)) revert ZeroHash(Field.ContentHash);
        if (app.metadataHash == bytes32(0)) revert ZeroHash(Field.MetadataHash);
        uint256 uriLength = bytes(app.metadataUri).length;
        if (uriLength == 0) revert EmptyString(Field.MetadataUri);
        if (uriLength > MAX_URI_BYTES) revert OutOfRange(Field.MetadataUri, uriLength);
        uint256 nParents = app.parents.length;
        if (nParents > MAX_PARENTS) revert OutOfRange(Field.Parents, nParents);
        if (app.parentLicenses.length != nParents) revert OutOfRange(Field.ParentLicenses, app.parentLicenses.length);
        if ((app.sourceType == uint8(SourceType.Derived)) != (nParents != 0)) {
            revert SourceParentsMismatch(app.sourceType, nParents);
        }
    }

    function _checkParent(ILicenseRegistry licenses, uint256 parentId, uint256 licenseId) private view {
        address holder = registry.registeredHolderOf(parentId);
        if (holder == address(0)) revert ParentNotRegistered(parentId);
        if (holder == msg.sender) return;
        if (licenseId == 0 || !licenses.grantsRights(licenseId, parentId, msg.sender, Rights.PROCESSING)) {
            revert ParentRightsMissing(parentId, msg.sender);
        }
    }

    function _batchCommitment(address applicant, bytes32[] memory contentHashes, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(applicant, keccak256(abi.encodePacked(contentHashes)), salt));
    }

    /// @dev Live: pending or registered (it holds its content hash).
    function _isLive(AssetStatus s) private pure returns (bool) {
        return s == AssetStatus.Applied || s == AssetStatus.Publicity || s == AssetStatus.Registered;
    }
}
