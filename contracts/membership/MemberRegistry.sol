// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {Field, MemberType, Jurisdiction} from "../common/DataTypes.sol";

/// @title MemberRegistry
/// @notice Members of the pilot zone's registry (会员): one account per organisation (its
///         org-id hash). Only active members may apply, hold, receive licences or pledge. The
///         registrar admits, suspends and reinstates them, and rebinds an organisation to a new
///         account when it lost its key.
contract MemberRegistry is IMemberRegistry, LedgerAccess {
    enum MemberStatus {
        None,
        Active,
        Suspended,
        Retired // the organisation was rebound to another account
    }

    struct Member {
        bytes32 orgIdHash; // e.g. keccak256 of the unified social credit code
        MemberStatus status;
        MemberType memberType;
        Jurisdiction jurisdiction;
        uint40 admittedAt;
        string name;
    }

    mapping(address account => Member) private _members;
    mapping(bytes32 orgIdHash => address) private _accountOfOrg;

    /// @notice The registrar admitted a member.
    event MemberAdmitted(
        address indexed account,
        bytes32 indexed orgIdHash,
        string name,
        MemberType memberType,
        Jurisdiction jurisdiction,
        address indexed registrar
    );
    /// @notice The registrar suspended a member.
    event MemberSuspended(address indexed account, bytes32 reasonHash, address indexed registrar);
    /// @notice The registrar reinstated a suspended member.
    event MemberReinstated(address indexed account, address indexed registrar);
    /// @notice The registrar rebound an organisation to a new account (key rotation). The old
    ///         account is retired; the new one keeps the name, type, jurisdiction and standing.
    event MemberRebound(
        bytes32 indexed orgIdHash, address indexed oldAccount, address indexed newAccount, bytes32 reasonHash, address registrar
    );

    error AlreadyMember(address account);
    error OrganisationAlreadyAdmitted(bytes32 orgIdHash, address account);
    error NotMember(address account);
    error AlreadySuspended(address account);
    error NotSuspended(address account);

    constructor(address manager) LedgerAccess(manager) {}

    /// @notice Admits an organisation's account as an active member.
    /// @param account The member's signing account.
    /// @param orgIdHash Hash of the organisation id (unified social credit code); one account per organisation.
    /// @param name Display name.
    /// @param memberType A MemberType value.
    /// @param jurisdiction A Jurisdiction value (domestic or foreign).
    function admit(address account, bytes32 orgIdHash, string calldata name, uint8 memberType, uint8 jurisdiction)
        external
        restricted
    {
        if (account == address(0)) revert ZeroAddress(Field.Account);
        if (orgIdHash == bytes32(0)) revert ZeroHash(Field.OrgIdHash);
        if (bytes(name).length == 0) revert EmptyString(Field.Name);
        if (memberType > uint8(MemberType.Other)) revert OutOfRange(Field.MemberType, memberType);
        if (jurisdiction > uint8(Jurisdiction.Foreign)) revert OutOfRange(Field.Jurisdiction, jurisdiction);
        if (_members[account].status != MemberStatus.None) revert AlreadyMember(account);
        address existing = _accountOfOrg[orgIdHash];
        if (existing != address(0)) revert OrganisationAlreadyAdmitted(orgIdHash, existing);

        _members[account] = Member({
            orgIdHash: orgIdHash,
            status: MemberStatus.Active,
            memberType: MemberType(memberType),
            jurisdiction: Jurisdiction(jurisdiction),
            admittedAt: uint40(block.timestamp),
            name: name
        });
        _accountOfOrg[orgIdHash] = account;
        emit MemberAdmitted(account, orgIdHash, name, MemberType(memberType), Jurisdiction(jurisdiction), msg.sender);
    }

    /// @notice Suspends an active member: it can no longer apply, receive, license or pledge.
    /// @param account The member.
    /// @param reasonHash Hash of the decision.
    function suspend(address account, bytes32 reasonHash) external restricted {
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        Member storage m = _members[account];
        if (m.status == MemberStatus.Suspended) revert AlreadySuspended(account);
        if (m.status != MemberStatus.Active) revert NotMember(account);
        m.status = MemberStatus.Suspended;
        emit MemberSuspended(account, reasonHash, msg.sender);
    }

    /// @notice Reinstates a suspended member.
    /// @param account The member.
    function reinstate(address account) external restricted {
        Member storage m = _members[account];
        if (m.status != MemberStatus.Suspended) revert NotSuspended(account);
        m.status = MemberStatus.Active;
        emit MemberReinstated(account, msg.sender);
    }

    /// @notice Rebinds an organisation to a new account after it lost its key. The new account
    ///         takes over the record (a suspended organisation stays suspended); the old one is
    ///         retired and can no longer act. Its assets then move by the registry's
    ///         `recoveryTransfer`.
    /// @param oldAccount The organisation's current account.
    /// @param newAccount The new account; not a member yet.
    /// @param reasonHash Hash of the decision (identity checks, the organisation's request).
    function rebind(address oldAccount, address newAccount, bytes32 reasonHash) external restricted {
        if (newAccount == address(0)) revert ZeroAddress(Field.Account);
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        Member storage old = _members[oldAccount];
        MemberStatus status = old.status;
        if (status != MemberStatus.Active && status != MemberStatus.Suspended) revert NotMember(oldAccount);
        if (_members[newAccount].status != MemberStatus.None) revert AlreadyMember(newAccount);
        bytes32 org = old.orgIdHash;
        _members[newAccount] = Member({
            orgIdHash: org,
            status: status,
            memberType: old.memberType,
            jurisdiction: old.jurisdiction,
            admittedAt: old.admittedAt, // the organisation's admission, not the rebinding
            name: old.name
        });
        old.status = MemberStatus.Retired;
        _accountOfOrg[org] = newAccount;
        emit MemberRebound(org, oldAccount, newAccount, reasonHash, msg.sender);
    }

    /// @inheritdoc IMemberRegistry
    function standing(address account) external view returns (bool active, Jurisdiction jurisdiction, MemberType memberType) {
        Member storage m = _members[account];
        return (m.status == MemberStatus.Active, m.jurisdiction, m.memberType);
    }

    /// @inheritdoc IMemberRegistry
    function isActive(address account) external view returns (bool) {
        return _members[account].status == MemberStatus.Active;
    }

    /// @inheritdoc IMemberRegistry
    function isSuspended(address account) external view returns (bool) {
        return _members[account].status == MemberStatus.Suspended;
    }

    /// @inheritdoc IMemberRegistry
    function orgOf(address account) external view returns (bytes32) {
        return _members[account].orgIdHash;
    }

    /// @inheritdoc IMemberRegistry
    function currentAccountOf(address account) external view returns (address) {
        bytes32 org = _members[account].orgIdHash;
        return org == bytes32(0) ? account : _accountOfOrg[org];
    }

    /// @notice Everything recorded about a member.
    /// @param account The account.
    /// @return The record (status None for a non-member).
    function memberOf(address account) external view returns (Member memory) {
        return _members[account];
    }

    /// @notice The account an organisation acts through now.
    /// @param orgIdHash The organisation id hash.
    /// @return The account (zero if none).
    function accountOfOrganisation(bytes32 orgIdHash) external view returns (address) {
        return _accountOfOrg[orgIdHash];
    }
}
