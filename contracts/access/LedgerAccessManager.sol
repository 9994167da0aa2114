// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

// The ledger uses OpenZeppelin's AccessManager as it is; importing it here makes Hardhat
// compile it, so the deploy script and the tests deploy the audited contract unchanged.
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
