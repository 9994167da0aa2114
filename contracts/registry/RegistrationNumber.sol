// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title RegistrationNumber
/// @notice Formats registration numbers: `DR-YYYY-AAAAAA-T-NNNNNNNNNN-C`, where YYYY is the UTC
///         year of confirmation, AAAAAA the registry's six-digit area (source) code, T the
///         registrant-type code (1-4), N the ten-digit sequence (the token id) and C an
///         ISO 7064 MOD 11-2 check digit (0-9 or X) over the 21 digits before it.
/// @dev The SDK implements the same function; the test suite compares them.
library RegistrationNumber {
    /// @dev Formats in one pass over a 29-byte template, accumulating the check digit as it
    ///      writes (confirmation pays for this, so it is kept cheap).
    function format(uint256 timestamp, uint32 areaCode, uint8 registrantTypeCode, uint256 sequence)
        internal
        pure
        returns (string memory)
    {
        bytes memory out = bytes("DR-0000-000000-0-0000000000-0");
        uint256 p = _put(out, 3, yearOf(timestamp), 4, 0);
        p = _put(out, 8, areaCode, 6, p);
        p = _put(out, 15, registrantTypeCode, 1, p);
        p = _put(out, 17, sequence, 10, p);
        uint256 c = (12 - p) % 11; // ISO 7064 MOD 11-2
        out[28] = c == 10 ? bytes1("X") : bytes1(uint8(48 + c));
        return string(out);
    }

    /// @notice Proleptic Gregorian UTC year of a Unix timestamp (H. Hinnant's civil-from-days).
    function yearOf(uint256 timestamp) internal pure returns (uint256) {
        uint256 z = timestamp / 86400 + 719468;
        uint256 era = z / 146097;
        uint256 doe = z - era * 146097;
        uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        uint256 y = yoe + era * 400;
        return mp >= 10 ? y + 1 : y;
    }

    /// @dev Writes the low `width` decimal digits of `value` at `at`, most significant first,
    ///      and folds each into the MOD 11-2 accumulator `p`.
    function _put(bytes memory out, uint256 at, uint256 value, uint256 width, uint256 p) private pure returns (uint256) {
        unchecked {
            uint256 div = 10 ** (width - 1);
            for (uint256 i = 0; i < width; ++i) {
                uint256 d = (value / div) % 10;
                out[at + i] = bytes1(uint8(48 + d));
                p = ((p + d) * 2) % 11;
                div /= 10;
            }
        }
        return p;
    }
}
