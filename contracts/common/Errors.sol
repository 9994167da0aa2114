// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Input errors shared by every ledger contract. Each names the field it rejects.
/// @param field The name of the rejected argument, as it appears in the ABI.
error ZeroHash(string field);
/// @notice An address argument was the zero address.
error ZeroAddress(string field);
/// @notice A text argument was empty.
error EmptyString(string field);
/// @notice An enum or bit-set argument was outside its range.
error OutOfRange(string field, uint256 value);
/// @notice An end time is not after its start time.
error EndBeforeStart(uint256 start, uint256 end);
/// @notice A deadline or end time has already passed.
error InPast(string field, uint256 value, uint256 nowTs);
/// @notice An id does not refer to a record.
error UnknownId(string field, uint256 id);
