// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title RegistrationNumber
/// @notice Formats registration numbers: `DR-YYYY-AAAAAA-T-NNNNNNNNNN-C`, where YYYY is the UTC
///         year of confirmation, AAAAAA the registry's six-digit area (source) code, T the
///         registrant-type code (1-4), N the ten-digit sequence (the token id) and C an
///         ISO 7064 MOD 11-2 check digit (0-9 or X) over the 21 digits before it.
/// @dev The SDK implements the same function (sdk/registration-number.ts); the tests compare them.
library RegistrationNumber {
    /// @dev Builds the 29 characters in one word, accumulating the check digit as it goes, and
    ///      writes them with a single store: confirmation pays for this, so it is kept cheap
    ///      (a byte-by-byte version cost about 8,500 gas).
    function format(uint256 timestamp, uint32 areaCode, uint256 registrantTypeCode, uint256 sequence)
        internal
        pure
        returns (string memory out)
    {
        uint256 year = yearOf(timestamp);
        assembly ("memory-safe") {
            // Appends the decimal digits of `v` below 10 * base (most significant first) as
            // ASCII, and folds each into the ISO 7064 MOD 11-2 accumulator.
            function put(a, q, v, base) -> ra, rq {
                ra := a
                rq := q
                for {} base {} {
                    let d := mod(div(v, base), 10)
                    ra := or(shl(8, ra), add(48, d))
                    rq := mod(mul(add(rq, d), 2), 11)
                    base := div(base, 10)
                }
            }
            let acc, p := put(0x44522d, 0, year, 1000) // "DR-" YYYY
            acc, p := put(or(shl(8, acc), 0x2d), p, areaCode, 100000) // -AAAAAA
            acc, p := put(or(shl(8, acc), 0x2d), p, registrantTypeCode, 1) // -T
            acc, p := put(or(shl(8, acc), 0x2d), p, sequence, 1000000000) // -NNNNNNNNNN
            let c := mod(sub(12, p), 11)
            let ch := add(48, c)
            if eq(c, 10) { ch := 0x58 } // "X"
            acc := or(or(shl(16, acc), 0x2d00), ch) // -C
            out := mload(0x40)
            mstore(out, 29)
            mstore(add(out, 32), shl(24, acc))
            mstore(0x40, add(out, 64))
        }
    }

    /// @notice Proleptic Gregorian UTC year of a Unix timestamp (H. Hinnant's civil-from-days).
    function yearOf(uint256 timestamp) internal pure returns (uint256) {
        unchecked {
            uint256 z = timestamp / 86400 + 719468;
            uint256 era = z / 146097;
            uint256 doe = z - era * 146097;
            uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            uint256 mp = (5 * doy + 2) / 153;
            uint256 y = yoe + era * 400;
            return mp >= 10 ? y + 1 : y;
        }
    }
}
