// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Shared vocabulary of the ledger (see DOMAIN.md). Enum values are part of the event
///         interface: append new values, never reorder.

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

/// @notice Answer of the pre-trade views. Order of evaluation is documented in contracts/README.md.
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
    NotHolder
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

/// @notice Registration facts kept per asset (one storage slot, first written when the
///         registrar confirms or the first objection or change arrives).
struct Registration {
    address confirmedBy;
    uint32 confirmedAt;
    uint16 openObjections;
    uint16 metadataVersion;
    MemberType registrantType; // set at confirmation
}
