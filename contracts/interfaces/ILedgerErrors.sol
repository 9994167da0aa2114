// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Field} from "../common/DataTypes.sol";

/// @notice Input errors shared by every ledger contract. Each names the field it rejects.
interface ILedgerErrors {
    /// @notice A hash argument was zero.
    error ZeroHash(Field field);
    /// @notice An address argument was the zero address.
    error ZeroAddress(Field field);
    /// @notice A text argument was empty.
    error EmptyString(Field field);
    /// @notice An enum, bit set, length or amount was outside its range.
    error OutOfRange(Field field, uint256 value);
    /// @notice An end time is not after its start time.
    error EndBeforeStart(uint256 start, uint256 end);
    /// @notice A deadline or end time has already passed.
    error InPast(Field field, uint256 value, uint256 nowTs);
    /// @notice An id does not refer to a record.
    error UnknownId(Field field, uint256 id);
}
