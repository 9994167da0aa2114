// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Shared vocabulary of the ledger (the domain is described in README.md and
///         contracts/README.md). Enum values are part of the event interface: append new
///         values, never reorder.

/// @notice Bit set of the three rights (三权分置).
library Rights {
    uint8 internal constant HOLDING = 1; // 数据资源持有权
    uint8 internal constant PROCESSING = 2; // 数据加工使用权
    uint8 internal constant OPERATION = 4; // 数据产品经营权
    uint8 internal constant ALL = 7;
    uint8 internal constant LICENSABLE = PROCESSING | OPERATION;
}

enum AssetKind {
    Resource,
    Product
}

enum ProductForm {
    None, // a data resource has no product form
    Dataset,
    Report,
    Api,
    Model,
    Index
}

enum DataCategory {
    Public,
    Enterprise,
    Personal
}

enum SourceType {
    SelfCollected,
    Licensed,
    Purchased,
    PublicAuthorisation,
    Derived
}

/// @notice GB/T 43697-2024 grades.
enum SecurityGrade {
    General,
    Important,
    Core
}

enum PersonalInfo {
    None,
    DeIdentified,
    Anonymised
}

enum AssetStatus {
    None,
    Applied,
    Publicity,
    Registered,
    Refused,
    Cancelled
}

enum MemberType {
    Enterprise,
    PublicBody,
    DataProductCompany,
    Other
}

enum Jurisdiction {
    Domestic,
    Foreign
}

enum Territory {
    Domestic,
    CrossBorder
}

/// @notice One check of the transfer rule. The pre-trade views answer the first that fails
///         (in the order of contracts/README.md) and, as a bit set `1 << reason`, all of them.
enum Reason {
    OK,
    NotRegistered,
    Disputed,
    Frozen,
    Pledged,
    Expired,
    Cancelled,
    CoreData,
    NotMember,
    CrossBorderNotCleared,
    NotHolder,
    RightsNotClaimed
}

/// @notice The six "firsts" of the seed policy.
enum Milestone {
    Registration,
    Listing,
    Trade,
    FinancialStatements,
    Opening,
    Financing
}

/// @notice What a court order that moves a pledged asset does with the pledge.
enum PledgeAction {
    None, // the asset is not pledged
    Carry, // the pledge binds the new holder
    Discharge // the pledge ends
}

/// @notice Registration facts kept per asset (one slot, written when the registrar accepts
///         the application). Who confirmed it is in the `AssetRegistered` event.
struct Registration {
    uint32 appliedAt;
    uint32 publicityEnd;
    uint32 confirmedAt; // in `registrationOf` only; stored in the record's time field
    uint16 metadataVersion;
    uint16 openLicenses; // licences granted and not yet revoked or ended (see LicenseRegistry)
}

/// @notice Names of the arguments the shared input errors (ILedgerErrors) reject, so that an
///         error says which field is wrong with a typed value. Append only.
enum Field {
    Account,
    OrgIdHash,
    Name,
    MemberType,
    Jurisdiction,
    ReasonHash,
    AreaCode,
    Members,
    Registry,
    Compliance,
    Licenses,
    Milestones,
    Disputes,
    Pledges,
    To,
    Buyer,
    Licensee,
    Pledgee,
    Recipient,
    Kind,
    ProductForm,
    Category,
    Rights,
    SourceType,
    Grade,
    PersonalInfo,
    ValidUntil,
    SourceEvidenceHash,
    ContentHash,
    MetadataHash,
    MetadataUri,
    Parents,
    ParentLicenses,
    PublicityPeriod,
    NewValidUntil,
    EvidenceHash,
    DecisionHash,
    CaseHash,
    Ruling,
    ListingRefHash,
    ExchangeRefHash,
    Currency,
    Mode,
    Territory,
    Start,
    End,
    ScopeHash,
    TermsHash,
    FeeCurrency,
    ReportHash,
    RouteHash,
    Mechanism,
    ApprovalHash,
    Treatment,
    Method,
    Value,
    ValuationDate,
    SecuredAmount,
    DueDate,
    RegistryRefHash,
    Root,
    ItemCount,
    Commitment,
    RevealWindow,
    Batch,
    LicenseIds,
    ObjectionIds,
    PledgeAction,
    LicenseId,
    Deadline,
    Exchange,
    BaseURI,
    Targets,
    Level,
    Amount
}
