// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ILedgerErrors} from "../interfaces/ILedgerErrors.sol";
import {Field} from "../common/DataTypes.sol";

/// @title EvidenceAnchor
/// @notice Evidence deposit (存证): anchors the Merkle root of any number of evidence hashes in
///         one transaction. Trees are built like the OpenZeppelin merkle-tree library's
///         StandardMerkleTree over `["bytes32"]` leaves: leaf = keccak256(bytes.concat(keccak256(abi.encode(hash)))).
///         Anchors are keyed by (anchorer, root): a root seen in the pool and anchored first by
///         someone else is that party's anchor, and cannot touch the original depositor's.
///         Anyone on the (permissioned) chain may anchor; only the anchoring party may revoke.
/// @dev Not managed by the AccessManager: it has no roles and the ledger's rules do not read it.
contract EvidenceAnchor is ILedgerErrors {
    struct Anchor {
        uint40 anchoredAt;
        uint32 itemCount;
        bool revoked;
    }

    mapping(address anchorer => mapping(bytes32 root => Anchor)) private _anchors;

    /// @notice A party anchored a root.
    event EvidenceAnchored(bytes32 indexed root, address indexed anchorer, uint32 itemCount, bytes32 manifestHash);
    /// @notice The anchoring party revoked its anchor of a root.
    event EvidenceRevoked(bytes32 indexed root, address indexed anchorer, bytes32 reasonHash);

    error AlreadyAnchored(bytes32 root, address anchorer);
    error NotAnchored(bytes32 root, address anchorer);
    error AlreadyRevoked(bytes32 root, address anchorer);

    /// @notice Anchors a Merkle root of evidence hashes under the caller.
    /// @param root The tree's root.
    /// @param itemCount How many leaves the tree has (at least 1).
    /// @param manifestHash Hash of the off-chain manifest listing the items (may be zero).
    function anchor(bytes32 root, uint32 itemCount, bytes32 manifestHash) external {
        if (root == bytes32(0)) revert ZeroHash(Field.Root);
        if (itemCount == 0) revert OutOfRange(Field.ItemCount, 0);
        Anchor storage a = _anchors[msg.sender][root];
        if (a.anchoredAt != 0) revert AlreadyAnchored(root, msg.sender);
        _anchors[msg.sender][root] = Anchor(uint40(block.timestamp), itemCount, false);
        emit EvidenceAnchored(root, msg.sender, itemCount, manifestHash);
    }

    /// @notice The anchoring party revokes its anchor (for example, the evidence was withdrawn).
    /// @param root The root.
    /// @param reasonHash Hash of the reasons.
    function revoke(bytes32 root, bytes32 reasonHash) external {
        if (reasonHash == bytes32(0)) revert ZeroHash(Field.ReasonHash);
        Anchor storage a = _anchors[msg.sender][root];
        if (a.anchoredAt == 0) revert NotAnchored(root, msg.sender);
        if (a.revoked) revert AlreadyRevoked(root, msg.sender);
        a.revoked = true;
        emit EvidenceRevoked(root, msg.sender, reasonHash);
    }

    /// @notice Checks one evidence hash against a root anchored by `anchorer`.
    /// @param anchorer The party whose anchor is checked.
    /// @param root The anchored root.
    /// @param evidenceHash The item (the tree's bytes32 value, not the leaf hash).
    /// @param proof The Merkle proof from the OpenZeppelin merkle-tree library (tree.getProof).
    /// @return valid True if the root is anchored by `anchorer`, not revoked, and the proof holds.
    /// @return anchoredAt When it was anchored (0 if never).
    function verify(address anchorer, bytes32 root, bytes32 evidenceHash, bytes32[] calldata proof)
        external
        view
        returns (bool valid, uint40 anchoredAt)
    {
        Anchor storage a = _anchors[anchorer][root];
        anchoredAt = a.anchoredAt;
        if (anchoredAt == 0 || a.revoked) return (false, anchoredAt);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(evidenceHash))));
        valid = MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @notice The anchor of a root by a party.
    /// @param anchorer The party.
    /// @param root The root.
    /// @return The record (anchoredAt zero if never anchored by this party).
    function anchorOf(address anchorer, bytes32 root) external view returns (Anchor memory) {
        return _anchors[anchorer][root];
    }
}
