// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import "../common/Errors.sol";

/// @title EvidenceAnchor
/// @notice Evidence deposit (存证): anchors the Merkle root of any number of evidence hashes in
///         one transaction. Trees are built like the OpenZeppelin merkle-tree library's StandardMerkleTree
///         over `["bytes32"]` leaves: leaf = keccak256(bytes.concat(keccak256(abi.encode(hash)))).
///         Anyone on the (permissioned) chain may anchor; only the anchoring party may revoke.
contract EvidenceAnchor {
    struct Anchor {
        address anchorer;
        uint40 anchoredAt;
        uint32 itemCount;
        bool revoked;
    }

    mapping(bytes32 root => Anchor) private _anchors;

    /// @notice A root was anchored.
    event EvidenceAnchored(bytes32 indexed root, address indexed anchorer, uint32 itemCount, bytes32 manifestHash);
    /// @notice The anchoring party revoked a root.
    event EvidenceRevoked(bytes32 indexed root, address indexed anchorer, bytes32 reasonHash);

    error AlreadyAnchored(bytes32 root, address anchorer);
    error NotAnchored(bytes32 root);
    error NotAnchorer(bytes32 root, address account);
    error AlreadyRevoked(bytes32 root);

    /// @notice Anchors a Merkle root of evidence hashes.
    /// @param root The tree's root.
    /// @param itemCount How many leaves the tree has (at least 1).
    /// @param manifestHash Hash of the off-chain manifest listing the items (may be zero).
    function anchor(bytes32 root, uint32 itemCount, bytes32 manifestHash) external {
        if (root == bytes32(0)) revert ZeroHash("root");
        if (itemCount == 0) revert OutOfRange("itemCount", 0);
        Anchor storage a = _anchors[root];
        if (a.anchorer != address(0)) revert AlreadyAnchored(root, a.anchorer);
        _anchors[root] = Anchor(msg.sender, uint40(block.timestamp), itemCount, false);
        emit EvidenceAnchored(root, msg.sender, itemCount, manifestHash);
    }

    /// @notice The anchoring party revokes a root (for example, the evidence was withdrawn).
    /// @param root The root.
    /// @param reasonHash Hash of the reasons.
    function revoke(bytes32 root, bytes32 reasonHash) external {
        if (reasonHash == bytes32(0)) revert ZeroHash("reasonHash");
        Anchor storage a = _anchors[root];
        if (a.anchorer == address(0)) revert NotAnchored(root);
        if (a.anchorer != msg.sender) revert NotAnchorer(root, msg.sender);
        if (a.revoked) revert AlreadyRevoked(root);
        a.revoked = true;
        emit EvidenceRevoked(root, msg.sender, reasonHash);
    }

    /// @notice Checks one evidence hash against an anchored root.
    /// @param root The anchored root.
    /// @param evidenceHash The item (the tree's bytes32 value, not the leaf hash).
    /// @param proof The Merkle proof from the OpenZeppelin merkle-tree library (tree.getProof).
    /// @return valid True if the root is anchored, not revoked, and the proof holds.
    /// @return anchoredAt When the root was anchored (0 if never).
    function verify(bytes32 root, bytes32 evidenceHash, bytes32[] calldata proof)
        external
        view
        returns (bool valid, uint40 anchoredAt)
    {
        Anchor storage a = _anchors[root];
        anchoredAt = a.anchoredAt;
        if (a.anchorer == address(0) || a.revoked) return (false, anchoredAt);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(evidenceHash))));
        valid = MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @notice The anchor record of a root.
    function anchorOf(bytes32 root) external view returns (Anchor memory) {
        return _anchors[root];
    }
}
