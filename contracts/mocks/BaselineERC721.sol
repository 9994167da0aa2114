// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice A plain OpenZeppelin ERC-721 with an open mint: the gas benchmark's baseline,
///         measured in the same run as the ledger. Not deployed by the ledger.
contract BaselineERC721 is ERC721 {
    constructor() ERC721("Baseline", "BASE") {}

    /// @notice Mints `tokenId` to `to`; anyone may call (benchmark only).
    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
