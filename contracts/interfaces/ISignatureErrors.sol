// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Errors of the EIP-712 messages (licence offers, sell orders, consents).
interface ISignatureErrors {
    /// @notice The signature does not recover to (or is not accepted by) the expected signer.
    error InvalidSignature();
    /// @notice The message's deadline has passed.
    error SignatureExpired(uint256 deadline);
    /// @notice The signer already used or cancelled this nonce.
    error NonceAlreadyUsed(address signer, uint256 nonce);
}
