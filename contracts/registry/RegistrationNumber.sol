// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title RegistrationNumber
/// @notice Formats registration numbers: `DR-YYYY-AAAAAA-T-NNNNNNNNNN-C`, where YYYY is the UTC
///         year of confirmation, AAAAAA the registry's six-digit area (source) code, T the
///         registrant-type code (1-4), N the ten-digit sequence (the token id) and C an
///         ISO 7064 MOD 11-2 check digit (0-9 or X) over the 21 digits before it.
/// @dev The SDK implements the same function; the test suite compares them.
library RegistrationNumber {
    function format(uint256 timestamp, uint32 areaCode, uint8 registrantTypeCode, uint256 sequence)
        internal
        pure
        returns (string memory)
    {
        bytes memory digits = new bytes(21);
        _writeDigits(digits, 0, yearOf(timestamp), 4);
        _writeDigits(digits, 4, areaCode, 6);
        _writeDigits(digits, 10, registrantTypeCode, 1);
        _writeDigits(digits, 11, sequence, 10);
        return string.concat(
            "DR-",
            string(_slice(digits, 0, 4)),
            "-",
            string(_slice(digits, 4, 6)),
            "-",
            string(_slice(digits, 10, 1)),
            "-",
            string(_slice(digits, 11, 10)),
            "-",
            string(abi.encodePacked(checkDigit(digits)))
        );
    }

    /// @notice ISO 7064 MOD 11-2 over ASCII digits.
    function checkDigit(bytes memory digits) internal pure returns (bytes1) {
        uint256 p = 0;
        for (uint256 i = 0; i < digits.length; ++i) {
            p = ((p + (uint8(digits[i]) - 48)) * 2) % 11;
        }
        uint256 c = (12 - p) % 11;
        return c == 10 ? bytes1("X") : bytes1(uint8(48 + c));
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

    function _writeDigits(bytes memory out, uint256 at, uint256 value, uint256 width) private pure {
        for (uint256 i = width; i > 0; --i) {
            out[at + i - 1] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
    }

    function _slice(bytes memory b, uint256 start, uint256 len) private pure returns (bytes memory out) {
        out = new bytes(len);
        for (uint256 i = 0; i < len; ++i) out[i] = b[start + i];
    }
}
