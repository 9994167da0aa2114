// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {LedgerAccess} from "../access/LedgerAccess.sol";
import {Roles} from "../access/Roles.sol";
import {IMemberRegistry} from "../interfaces/IMemberRegistry.sol";
import {MemberType, Jurisdiction} from "../common/DataTypes.sol";
import "../common/Errors.sol";

/// @title MemberRegistry
/// @notice Members of the pilot zone's registry (会员). Only active members may apply, hold,
///         receive licences or pledge. The registrar admits, suspends and reinstates them.
contract MemberRegistry is IMemberRegistry, LedgerAccess {
    enum MemberStatus {
        None,
        Active,
        Suspended
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
        onlyRole(Roles.REGISTRAR)
    {
        if (account == address(0)) revert ZeroAddress("account");
        if (orgIdHash == bytes32(0)) revert ZeroHash("orgIdHash");
        if (bytes(name).length == 0) revert EmptyString("name");
        if (memberType > uint8(MemberType.Other)) revert OutOfRange("memberType", memberType);
        if (jurisdiction > uint8(Jurisdiction.Foreign)) revert OutOfRange("jurisdiction", jurisdiction);
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
    function suspend(address account, bytes32 reasonHash) external onlyRole(Roles.REGISTRAR) {
        if (reasonHash == bytes32(0)) revert ZeroHash("reasonHash");
        Member storage m = _members[account];
        if (m.status == MemberStatus.None) revert NotMember(account);
        if (m.status == MemberStatus.Suspended) revert AlreadySuspended(account);
        m.status = MemberStatus.Suspended;
        emit MemberSuspended(account, reasonHash, msg.sender);
    }

    /// @notice Reinstates a suspended member.
    /// @param account The member.
    function reinstate(address account) external onlyRole(Roles.REGISTRAR) {
        Member storage m = _members[account];
        if (m.status != MemberStatus.Suspended) revert NotSuspended(account);
        m.status = MemberStatus.Active;
        emit MemberReinstated(account, msg.sender);
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

    /// @notice Everything recorded about a member.
    function memberOf(address account) external view returns (Member memory) {
        return _members[account];
    }

    /// @notice The account admitted for an organisation id hash (zero if none).
    function accountOfOrganisation(bytes32 orgIdHash) external view returns (address) {
        return _accountOfOrg[orgIdHash];
    }
}
