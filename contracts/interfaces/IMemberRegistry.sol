// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MemberType, Jurisdiction} from "../common/DataTypes.sol";

/// @notice What the ledger's contracts use of the MemberRegistry.
interface IMemberRegistry {
    /// @notice One storage read: whether `account` is an active member, its jurisdiction and type.
    function standing(address account) external view returns (bool active, Jurisdiction jurisdiction, MemberType memberType);

    /// @notice Whether `account` is an active member.
    function isActive(address account) external view returns (bool);

    /// @notice Whether `account` is a suspended member.
    function isSuspended(address account) external view returns (bool);

    /// @notice The organisation-id hash of an account (zero for a non-member).
    function orgOf(address account) external view returns (bytes32);

    /// @notice The account an account's organisation acts through now: itself, or after a key
    ///         rotation the organisation's new account (a non-member is its own).
    function currentAccountOf(address account) external view returns (address);
}
