// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MemberType, Jurisdiction} from "../common/DataTypes.sol";

interface IMemberRegistry {
    /// @notice One storage read: whether `account` is an active member, its jurisdiction and type.
    function standing(address account) external view returns (bool active, Jurisdiction jurisdiction, MemberType memberType);

    function isActive(address account) external view returns (bool);
}
