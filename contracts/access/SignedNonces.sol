// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ISignatureErrors} from "../interfaces/ISignatureErrors.sol";

/// @title SignedNonces
/// @notice Unordered nonces of EIP-712 messages: each (signer, nonce) works once, and a signer
///         can burn a nonce to cancel a message it signed. Both uses are events, so the set of
///         used nonces can be rebuilt from the log.
abstract contract SignedNonces is ISignatureErrors {
    mapping(address signer => mapping(uint256 nonce => bool)) private _usedNonces;

    /// @notice A signed message with this nonce was used.
    event NonceUsed(address indexed signer, uint256 indexed nonce);
    /// @notice The signer cancelled this nonce.
    event NonceCancelled(address indexed signer, uint256 indexed nonce);

    /// @notice Cancels a nonce the caller signed, so that no message with it can be used.
    /// @param nonce The nonce to burn.
    function cancelNonce(uint256 nonce) external virtual;

    /// @notice Whether `signer` has used or cancelled `nonce`.
    /// @param signer The signer.
    /// @param nonce The nonce.
    function nonceUsed(address signer, uint256 nonce) external view returns (bool) {
        return _nonceUsed(signer, nonce);
    }

    function _nonceUsed(address signer, uint256 nonce) internal view returns (bool) {
        return _usedNonces[signer][nonce];
    }

    function _useNonce(address signer, uint256 nonce) internal {
        _burn(signer, nonce);
        emit NonceUsed(signer, nonce);
    }

    function _cancelNonce(address signer, uint256 nonce) internal {
        _burn(signer, nonce);
        emit NonceCancelled(signer, nonce);
    }

    function _requireUnused(address signer, uint256 nonce) internal view {
        if (_nonceUsed(signer, nonce)) revert NonceAlreadyUsed(signer, nonce);
    }

    function _burn(address signer, uint256 nonce) private {
        _requireUnused(signer, nonce);
        _usedNonces[signer][nonce] = true;
    }
}
